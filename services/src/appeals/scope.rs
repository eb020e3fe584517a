//! Which bodies a person handles: those named in their officer and head grants and every body
//! below them, and the staff who work on a body's appeals.

use crate::{Result, Services};
use shared::Phone;
use shared::auth::{Principal, Role, Scope};
use sqlx::Row;
use std::collections::HashMap;

/// Every body's parent, for scope checks (a small table, read whole).
pub(crate) async fn parents(svc: &Services) -> Result<HashMap<i64, Option<i64>>> {
    let rows = sqlx::query("SELECT id, parent_id FROM bodies")
        .fetch_all(&svc.db.pool)
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("parent_id")?)))
        .collect()
}

/// The bodies named in a person's officer and head grants.
fn named_bodies(principal: &Principal) -> Vec<i64> {
    principal
        .grants
        .iter()
        .filter(|g| matches!(g.role, Role::AppealsOfficer | Role::HeadOfBody))
        .flat_map(|g| g.scopes.iter())
        .filter_map(|s| match s {
            Scope::Body(b) => Some(*b),
            _ => None,
        })
        .collect()
}

/// Whether `body` or one of its ancestors is among `named` (the walk stops after 64 levels,
/// so a cycle entered by mistake cannot hang it).
pub(crate) fn within(parents: &HashMap<i64, Option<i64>>, body: i64, named: &[i64]) -> bool {
    let mut current = Some(body);
    for _ in 0..64 {
        let Some(b) = current else { return false };
        if named.contains(&b) {
            return true;
        }
        current = parents.get(&b).copied().flatten();
    }
    false
}

/// Whether a person handles a body's appeals: an officer or head of that body or of one of
/// its ancestors, or an administrator.
pub async fn handles(svc: &Services, principal: &Principal, body_id: i64) -> Result<bool> {
    if principal.has_role(Role::Administrator) {
        return Ok(true);
    }
    Ok(within(&parents(svc).await?, body_id, &named_bodies(principal)))
}

/// Whether a person heads a body: a head of it or of a body above it, or an administrator.
pub async fn heads(svc: &Services, principal: &Principal, body_id: i64) -> Result<bool> {
    if principal.has_role(Role::Administrator) {
        return Ok(true);
    }
    Ok(within(&parents(svc).await?, body_id, &headed_bodies(principal)))
}

/// The bodies named in a person's head grants.
pub fn headed_bodies(principal: &Principal) -> Vec<i64> {
    principal
        .grants
        .iter()
        .filter(|g| g.role == Role::HeadOfBody)
        .flat_map(|g| g.scopes.iter())
        .filter_map(|s| match s {
            Scope::Body(b) => Some(*b),
            _ => None,
        })
        .collect()
}

/// Every body a person handles: those named in their grants and all below them.
pub(crate) async fn handled_bodies(svc: &Services, principal: &Principal) -> Result<Vec<i64>> {
    let parents = parents(svc).await?;
    let admin = principal.has_role(Role::Administrator);
    let named = named_bodies(principal);
    let mut out: Vec<i64> = parents
        .keys()
        .copied()
        .filter(|&body| admin || within(&parents, body, &named))
        .collect();
    out.sort_unstable();
    Ok(out)
}

/// Staff who work on a body's appeals: officers and heads of it or of a body above it.
pub async fn body_staff(svc: &Services, body_id: i64) -> Result<Vec<shared::appeal::StaffChoice>> {
    let parents = parents(svc).await?;
    let rows = sqlx::query(
        "SELECT DISTINCT u.id, u.phone, u.full_name, g.role, s.scope FROM role_grants g JOIN grant_scopes s ON s.grant_id = g.id \
         JOIN users u ON u.id = g.user_id WHERE g.role IN ('appeals_officer', 'head_of_body') ORDER BY u.id",
    )
    .fetch_all(&svc.db.pool)
    .await?;
    let mut staff: Vec<shared::appeal::StaffChoice> = Vec::new();
    for r in &rows {
        let id: i64 = r.try_get("id")?;
        let Some(Scope::Body(named)) = Scope::decode(&r.try_get::<String, _>("scope")?) else {
            continue;
        };
        if within(&parents, body_id, &[named]) && !staff.iter().any(|s| s.id == id) {
            let phone: String = r.try_get("phone")?;
            let shown = Phone::parse(&phone).map(|p| p.masked()).unwrap_or(phone);
            let name = r
                .try_get::<Option<String>, _>("full_name")?
                .map(|n| format!("{n} ({shown})"))
                .unwrap_or(shown);
            let role = shared::auth::Role::from_code(&r.try_get::<String, _>("role")?)
                .ok_or_else(|| crate::Error::Corrupt("role_grants.role".into()))?;
            staff.push(shared::appeal::StaffChoice { id, name, role });
        }
    }
    Ok(staff)
}
