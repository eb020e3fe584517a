//! People: residents (created by their first sign-in) and staff (created by an
//! administrator, or by `server create-admin` for the first one).

use crate::{Result, Services, sms};
use shared::auth::{Role, Scope, StaffMember};
use shared::{Locale, Phone};
use sqlx::Row;

/// The user with this phone, created as a resident if new. Returns the id.
pub async fn find_or_create<'e, E>(executor: E, phone: &Phone, locale: Locale, now: i64) -> Result<i64>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    // `DO UPDATE` (not `DO NOTHING`) so that RETURNING gives the id of an existing row too.
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO users (phone, locale, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (phone) DO UPDATE SET locale = excluded.locale RETURNING id",
    )
    .bind(phone.e164())
    .bind(locale.tag())
    .bind(now)
    .fetch_one(executor)
    .await?;
    Ok(id)
}

#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone, Copy, serde::Serialize, serde::Deserialize)]
pub enum StaffError {
    #[error("this role needs a scope: {0}")]
    MissingScope(&'static str),
    #[error("a scope does not fit this role")]
    WrongScope,
    #[error("a scope names a district, region or service that does not exist")]
    UnknownPlace,
}

/// What scopes each role must and may have.
pub fn check_scopes(role: Role, scopes: &[Scope]) -> Result<(), StaffError> {
    let fits = |s: &Scope| match role {
        Role::Inspector => matches!(s, Scope::District(_) | Scope::Service(_)),
        Role::AppealsOfficer | Role::HeadOfBody => matches!(s, Scope::Body(_)),
        Role::ReceptionCoordinator => matches!(s, Scope::Region(_)),
        Role::Administrator => false,
    };
    if !scopes.iter().all(fits) {
        return Err(StaffError::WrongScope);
    }
    let has = |f: fn(&Scope) -> bool| scopes.iter().any(f);
    match role {
        Role::Inspector if !has(|s| matches!(s, Scope::District(_))) => {
            Err(StaffError::MissingScope("district"))
        }
        Role::Inspector if !has(|s| matches!(s, Scope::Service(_))) => {
            Err(StaffError::MissingScope("service"))
        }
        Role::AppealsOfficer | Role::HeadOfBody if !has(|s| matches!(s, Scope::Body(_))) => {
            Err(StaffError::MissingScope("body"))
        }
        Role::ReceptionCoordinator if !has(|s| matches!(s, Scope::Region(_))) => {
            Err(StaffError::MissingScope("region"))
        }
        _ => Ok(()),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CreateStaffError {
    #[error(transparent)]
    Staff(#[from] StaffError),
    #[error(transparent)]
    Service(#[from] crate::Error),
}

crate::error::service_error!(CreateStaffError);

/// Grants a staff role (creating the person if needed) and tells them by SMS.
pub async fn grant_role(
    svc: &Services,
    phone: &Phone,
    full_name: Option<&str>,
    role: Role,
    scopes: &[Scope],
    granted_by: Option<i64>,
    locale: Locale,
) -> Result<i64, CreateStaffError> {
    check_scopes(role, scopes)?;
    let now = svc.clock.now_ms();
    // The places are checked before the transaction, whose first statement then writes: on
    // SQLite a transaction that read first cannot take the write lock after another write
    // (SQLITE_BUSY_SNAPSHOT, not retried by the busy timeout).
    for scope in scopes {
        let (table, column, value) = match scope {
            Scope::District(d) => ("districts", "soato", d.as_str()),
            Scope::Region(r) => ("regions", "soato", r.as_str()),
            Scope::Service(s) => ("service_types", "code", s.as_str()),
            Scope::Body(_) => continue,
        };
        let found: Option<i32> = sqlx::query_scalar(&format!("SELECT 1 FROM {table} WHERE {column} = $1"))
            .bind(value)
            .fetch_optional(&svc.db.pool)
            .await?;
        if found.is_none() {
            return Err(StaffError::UnknownPlace.into());
        }
    }
    let mut tx = svc.db.pool.begin().await?;
    let user_id = find_or_create(&mut *tx, phone, locale, now).await?;
    if let Some(name) = full_name.map(str::trim).filter(|n| !n.is_empty()) {
        sqlx::query("UPDATE users SET full_name = $2 WHERE id = $1")
            .bind(user_id)
            .bind(name)
            .execute(&mut *tx)
            .await?;
    }
    let grant_id: i64 = sqlx::query_scalar(
        "INSERT INTO role_grants (user_id, role, created_at, created_by) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(user_id)
    .bind(role.code())
    .bind(now)
    .bind(granted_by)
    .fetch_one(&mut *tx)
    .await?;
    for scope in scopes {
        sqlx::query("INSERT INTO grant_scopes (grant_id, scope) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(grant_id)
            .bind(scope.encode())
            .execute(&mut *tx)
            .await?;
    }
    sms::enqueue(
        &mut *tx,
        phone,
        &sms::text::staff_welcome(locale),
        locale,
        "staff",
        now,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(
        user = user_id,
        role = role.code(),
        granted_by,
        "staff role granted"
    );
    Ok(grant_id)
}

/// Takes a staff role away.
pub async fn revoke_grant(svc: &Services, grant_id: i64) -> Result<bool> {
    let mut tx = svc.db.pool.begin().await?;
    sqlx::query("DELETE FROM grant_scopes WHERE grant_id = $1")
        .bind(grant_id)
        .execute(&mut *tx)
        .await?;
    let done = sqlx::query("DELETE FROM role_grants WHERE id = $1")
        .bind(grant_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    if done.rows_affected() == 1 {
        tracing::info!(grant = grant_id, "role revoked");
    }
    Ok(done.rows_affected() == 1)
}

/// Every staff role held by anyone, newest first.
pub async fn list_staff(svc: &Services) -> Result<Vec<StaffMember>> {
    let rows = sqlx::query(
        "SELECT g.id AS grant_id, g.role, u.id AS user_id, u.phone, u.full_name, s.scope \
         FROM role_grants g JOIN users u ON u.id = g.user_id LEFT JOIN grant_scopes s ON s.grant_id = g.id \
         ORDER BY g.id DESC, s.scope",
    )
    .fetch_all(&svc.db.pool)
    .await?;
    let mut staff: Vec<StaffMember> = Vec::new();
    for row in rows {
        let grant_id: i64 = row.try_get("grant_id")?;
        let Some(role) = Role::from_code(&row.try_get::<String, _>("role")?) else {
            continue;
        };
        if staff.last().is_none_or(|s| s.grant_id != grant_id) {
            staff.push(StaffMember {
                user_id: row.try_get("user_id")?,
                phone: row.try_get("phone")?,
                full_name: row.try_get("full_name")?,
                grant_id,
                role,
                scopes: Vec::new(),
            });
        }
        let scope: Option<String> = row.try_get("scope")?;
        if let (Some(scope), Some(member)) = (scope.as_deref().and_then(Scope::decode), staff.last_mut()) {
            member.scopes.push(scope);
        }
    }
    Ok(staff)
}

/// A user's phone.
pub async fn phone_of(svc: &Services, user_id: i64) -> Result<Phone> {
    let phone: String = sqlx::query_scalar("SELECT phone FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(&svc.db.pool)
        .await?;
    Phone::parse(&phone)
        .map_err(|_| crate::Error::ReferenceData(format!("user {user_id} has a malformed phone")))
}

/// Where and how to reach a person by SMS: their phone and language (none if the stored phone
/// no longer parses).
pub async fn contact(conn: &mut sqlx::AnyConnection, user_id: i64) -> Result<Option<(Phone, Locale)>> {
    let row = sqlx::query("SELECT phone, locale FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(&mut *conn)
        .await?;
    let locale = Locale::from_tag(&row.try_get::<String, _>("locale")?).unwrap_or_default();
    Ok(Phone::parse(&row.try_get::<String, _>("phone")?)
        .ok()
        .map(|phone| (phone, locale)))
}

/// The language a phone's owner uses the app in; none if they have no account.
pub async fn locale_of(conn: &mut sqlx::AnyConnection, phone: &Phone) -> Result<Option<Locale>> {
    let tag: Option<String> = sqlx::query_scalar("SELECT locale FROM users WHERE phone = $1")
        .bind(phone.e164())
        .fetch_optional(&mut *conn)
        .await?;
    Ok(tag.as_deref().and_then(Locale::from_tag))
}

/// The account of a phone, opened in `locale` when there is none; an existing account keeps
/// its language (unlike [`find_or_create`], which a sign-in uses to set it). Returns its id
/// and language.
pub async fn find_or_open(
    conn: &mut sqlx::AnyConnection,
    phone: &Phone,
    locale: Locale,
    now: i64,
) -> Result<(i64, Locale)> {
    sqlx::query(
        "INSERT INTO users (phone, locale, created_at) VALUES ($1, $2, $3) ON CONFLICT (phone) DO NOTHING",
    )
    .bind(phone.e164())
    .bind(locale.tag())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    let row = sqlx::query("SELECT id, locale FROM users WHERE phone = $1")
        .bind(phone.e164())
        .fetch_one(&mut *conn)
        .await?;
    let locale = Locale::from_tag(&row.try_get::<String, _>("locale")?).unwrap_or(locale);
    Ok((row.try_get("id")?, locale))
}

/// Sets a person's full name (their appeals are filed under it); `false` when it is empty
/// or longer than the appeal form allows.
pub async fn set_name(svc: &Services, user_id: i64, name: &str) -> Result<bool> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > crate::appeals::NAME_MAX {
        return Ok(false);
    }
    sqlx::query("UPDATE users SET full_name = $1 WHERE id = $2")
        .bind(name)
        .bind(user_id)
        .execute(&svc.db.pool)
        .await?;
    Ok(true)
}

/// The mahalla whose field receptions a person asked to be told of, or none (an empty
/// code). Returns false for a code that is not a mahalla.
pub async fn set_field_notices(svc: &Services, user_id: i64, mahalla: &str) -> Result<bool> {
    let mahalla = mahalla.trim();
    let code = if mahalla.is_empty() {
        None
    } else {
        let found: Option<String> = sqlx::query_scalar("SELECT code FROM mahallas WHERE code = $1")
            .bind(mahalla)
            .fetch_optional(&svc.db.pool)
            .await?;
        if found.is_none() {
            return Ok(false);
        }
        found
    };
    sqlx::query("UPDATE users SET field_notices_mahalla = $1 WHERE id = $2")
        .bind(code)
        .bind(user_id)
        .execute(&svc.db.pool)
        .await?;
    Ok(true)
}

/// The mahalla a person is told of field receptions in: its code, district and names.
pub async fn field_notices(svc: &Services, user_id: i64) -> Result<Option<shared::reception::NoticesFor>> {
    let row = sqlx::query(
        "SELECT m.code, m.district_soato, m.name_uz AS n_uz, m.name_uz_cyrl AS n_cyrl, m.name_uz_cyrl AS n_ru \
         FROM users u JOIN mahallas m ON m.code = u.field_notices_mahalla WHERE u.id = $1",
    )
    .bind(user_id)
    .fetch_optional(&svc.db.pool)
    .await?;
    row.map(|r| {
        Ok(shared::reception::NoticesFor {
            mahalla: r.try_get("code")?,
            district: r.try_get("district_soato")?,
            name: crate::db::names(&r, "n")?,
        })
    })
    .transpose()
}

/// The phone and name of a user, for the profile page.
pub async fn profile(svc: &Services, user_id: i64) -> Result<(String, Option<String>)> {
    let row = sqlx::query("SELECT phone, full_name FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(&svc.db.pool)
        .await?;
    Ok((row.try_get("phone")?, row.try_get("full_name")?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_needs_its_own_kind_of_scope() {
        let d = Scope::District("1703202".into());
        let s = Scope::Service("gas".into());
        assert_eq!(check_scopes(Role::Inspector, &[d.clone(), s.clone()]), Ok(()));
        assert_eq!(
            check_scopes(Role::Inspector, std::slice::from_ref(&d)),
            Err(StaffError::MissingScope("service"))
        );
        assert_eq!(check_scopes(Role::AppealsOfficer, &[Scope::Body(1)]), Ok(()));
        assert_eq!(
            check_scopes(Role::AppealsOfficer, &[d]),
            Err(StaffError::WrongScope)
        );
        assert_eq!(
            check_scopes(Role::ReceptionCoordinator, &[]),
            Err(StaffError::MissingScope("region"))
        );
        assert_eq!(check_scopes(Role::Administrator, &[]), Ok(()));
        assert_eq!(
            check_scopes(Role::Administrator, &[s]),
            Err(StaffError::WrongScope)
        );
    }
}
