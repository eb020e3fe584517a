//! The officer's desk: the query over the appeals of the bodies they handle (filters, keyset
//! pages by time left), and one case with what they can do next.

use super::{
    actions::consents,
    calendar,
    choices::bodies_tree,
    day_text, return_to_control,
    scope::{body_staff, handled_bodies, handles},
    view::load_view,
};
use crate::{Error, Result, Services};
use serde::{Deserialize, Serialize};
use shared::Phone;
use shared::appeal::Category;
use shared::auth::Principal;
use sqlx::Row;

/// What the desk shows: one category, one body, only overdue, only the person's own; and
/// where the page starts (after this term end and id).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskFilter {
    pub category: Option<Category>,
    pub body: Option<i64>,
    pub overdue: bool,
    pub mine: bool,
    pub after: Option<(i64, i64)>,
}

/// The desk: unresolved appeals of the bodies a person handles and of the regions they
/// coordinate (a People's Reception), by time left (overdue first), filtered, a page at a
/// time.
pub async fn desk(
    svc: &Services,
    principal: &Principal,
    filter: &DeskFilter,
    limit: i64,
) -> Result<Vec<shared::appeal::DeskItem>> {
    let bodies = handled_bodies(svc, principal).await?;
    let regions = principal.coordinated_regions();
    if bodies.is_empty() && regions.is_empty() {
        return Ok(Vec::new());
    }
    let now = svc.clock.now_ms();
    use crate::db::Value;
    let mut values = vec![Value::Int(limit)];
    let mut param = |value: Value| {
        values.push(value);
        format!("${}", values.len())
    };
    // What the person may read: their bodies' appeals (the list of the database's own ids,
    // never the request's) and their regions' (as parameters).
    let mut reach = Vec::new();
    if !bodies.is_empty() {
        let list = bodies.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
        reach.push(format!("a.body_id IN ({list})"));
    }
    if !regions.is_empty() {
        let list: Vec<String> = regions.iter().map(|r| param(Value::Text(r.clone()))).collect();
        reach.push(format!("a.region_soato IN ({})", list.join(", ")));
    }
    let mut sql = format!(
        "SELECT a.id, a.number, a.kind, a.subject, a.category, a.status, a.due_day, a.due_at, a.assigned_to, a.repeat_of, \
           a.collective, a.untriaged_flagged_at, a.draft_answer_by, b.name_uz AS n_uz, b.name_uz_cyrl AS n_cyrl, b.name_ru AS n_ru \
         FROM appeals a JOIN bodies b ON b.id = a.body_id \
         WHERE a.status <> 'resolved' AND ({})",
        reach.join(" OR ")
    );
    // Only the filters in use reach the SQL, so each query gets the plan that fits it.
    if let Some(body) = filter.body {
        sql.push_str(&format!(" AND a.body_id = {}", param(Value::Int(body))));
    }
    if let Some(category) = filter.category {
        sql.push_str(&format!(
            " AND a.category = {}",
            param(Value::Text(category.code().into()))
        ));
    }
    if filter.overdue {
        sql.push_str(&format!(" AND a.due_at < {}", param(Value::Int(now))));
    }
    if filter.mine {
        sql.push_str(&format!(
            " AND a.assigned_to = {}",
            param(Value::Int(principal.user_id))
        ));
    }
    if let Some((at, id)) = filter.after {
        let (at, id) = (param(Value::Int(at)), param(Value::Int(id)));
        sql.push_str(&format!(" AND (a.due_at, a.id) > ({at}, {id})"));
    }
    sql.push_str(" ORDER BY a.due_at, a.id LIMIT $1");
    crate::db::bind_all(sqlx::query(&sql), &values)
        .fetch_all(&svc.db.pool)
        .await?
        .iter()
        .map(|r| {
            let due_at: i64 = r.try_get("due_at")?;
            Ok(shared::appeal::DeskItem {
                id: r.try_get("id")?,
                number: r.try_get("number")?,
                body: crate::db::names(r, "n")?,
                kind: crate::db::word(r, "kind")?,
                subject: r.try_get("subject")?,
                category: crate::db::optional_word(r, "category")?,
                status: crate::db::word(r, "status")?,
                due_day: r.try_get("due_day")?,
                due_at,
                overdue: due_at < now,
                assigned: r.try_get::<Option<i64>, _>("assigned_to")?.is_some(),
                repeat: r.try_get::<Option<i64>, _>("repeat_of")?.is_some(),
                collective: r.try_get::<i16, _>("collective")? != 0,
                untriaged: r.try_get::<Option<i64>, _>("untriaged_flagged_at")?.is_some()
                    && r.try_get::<Option<String>, _>("category")?.is_none(),
                awaiting_review: r.try_get::<Option<i64>, _>("draft_answer_by")?.is_some(),
            })
        })
        .collect()
}

/// The bodies a person handles and those serving the regions they coordinate, in tree order
/// (the desk's filter).
pub async fn desk_bodies(svc: &Services, principal: &Principal) -> Result<Vec<shared::appeal::BodyChoice>> {
    let handled = handled_bodies(svc, principal).await?;
    let regions = principal.coordinated_regions();
    Ok(bodies_tree(svc)
        .await?
        .into_iter()
        .filter(|b| handled.contains(&b.id) || b.region.as_ref().is_some_and(|r| regions.contains(r)))
        .collect())
}

/// One appeal as an officer who handles its body sees it, with what they can do next.
pub async fn desk_case(
    svc: &Services,
    principal: &Principal,
    appeal_id: i64,
) -> Result<shared::appeal::DeskCase> {
    let row = sqlx::query(
        "SELECT a.body_id, a.assigned_to, a.extended, a.registered_day, a.status, a.applicant_name, a.address, a.channel, \
           a.region_soato, a.extension_request, u.phone, r.full_name AS asked_name, r.phone AS asked_phone, \
           a.draft_answer, w.full_name AS writer_name, w.phone AS writer_phone \
         FROM appeals a JOIN users u ON u.id = a.user_id LEFT JOIN users r ON r.id = a.extension_requested_by \
         LEFT JOIN users w ON w.id = a.draft_answer_by WHERE a.id = $1",
    )
    .bind(appeal_id)
    .fetch_optional(&svc.db.pool)
    .await?
    .ok_or(Error::NotFound)?;
    let body_id: i64 = row.try_get("body_id")?;
    let region: String = row.try_get("region_soato")?;
    let can_act = handles(svc, principal, body_id).await?;
    let coordinates = principal.coordinates(&region);
    if !can_act && !coordinates {
        return Err(Error::NotFound);
    }
    let calendar = calendar(svc).await?;
    let registered =
        shared::calendar::parse_day(&row.try_get::<String, _>("registered_day")?).unwrap_or_default();
    let last_forward = calendar.add_working_days(registered, super::terms(svc).await?.forward_working_days);
    let open = row.try_get::<String, _>("status")? != "resolved";
    let phone: String = row.try_get("phone")?;
    let ratings =
        sqlx::query("SELECT score, comment, at FROM appeal_ratings WHERE appeal_id = $1 ORDER BY at")
            .bind(appeal_id)
            .fetch_all(&svc.db.pool)
            .await?
            .iter()
            .map(return_to_control::rating)
            .collect::<Result<_>>()?;
    Ok(shared::appeal::DeskCase {
        view: load_view(svc, appeal_id, true).await?,
        body_id,
        applicant: shared::appeal::Applicant {
            name: row.try_get("applicant_name")?,
            phone: Phone::parse(&phone).map(|p| p.to_string()).unwrap_or(phone),
            address: row.try_get("address")?,
        },
        assigned_to: row.try_get("assigned_to")?,
        extended: row.try_get::<i16, _>("extended")? != 0,
        forward_until: (open && shared::calendar::day_of(svc.clock.now_ms()) <= last_forward)
            .then(|| day_text(last_forward)),
        staff: body_staff(svc, body_id).await?,
        bodies: bodies_tree(svc).await?,
        consents: consents(svc, appeal_id).await?,
        ratings,
        channel: crate::db::word(&row, "channel")?,
        passage: passage(svc, appeal_id).await?,
        can_act,
        can_send_back: coordinates && return_to_control::last_answer(svc, appeal_id).await?.is_some(),
        heads: super::scope::heads(svc, principal, body_id).await?,
        extension_request: with_writer(&row, "extension_request", "asked")?,
        draft_answer: with_writer(&row, "draft_answer", "writer")?,
    })
}

/// A text waiting for a head, with who wrote it (their name, else their phone masked).
fn with_writer(row: &sqlx::any::AnyRow, text: &str, who: &str) -> Result<Option<(String, String)>> {
    let Some(text) = row.try_get::<Option<String>, _>(text)? else {
        return Ok(None);
    };
    let phone: Option<String> = row.try_get(format!("{who}_phone").as_str())?;
    let name = row
        .try_get::<Option<String>, _>(format!("{who}_name").as_str())?
        .unwrap_or_else(|| {
            phone
                .map(|p| Phone::parse(&p).map(|p| p.masked()).unwrap_or(p))
                .unwrap_or_default()
        });
    Ok(Some((text, name)))
}

/// The bodies an appeal has been with, from when: each event that names a body other than the
/// one before it (its registration, a forward, an escalation, a return).
async fn passage(svc: &Services, appeal_id: i64) -> Result<Vec<shared::appeal::Stage>> {
    let rows = sqlx::query(
        "SELECT e.body_id, e.at, b.name_uz AS n_uz, b.name_uz_cyrl AS n_cyrl, b.name_ru AS n_ru \
         FROM appeal_events e JOIN bodies b ON b.id = e.body_id WHERE e.appeal_id = $1 ORDER BY e.id",
    )
    .bind(appeal_id)
    .fetch_all(&svc.db.pool)
    .await?;
    let mut passage = Vec::new();
    let mut last = None;
    for r in &rows {
        let body: i64 = r.try_get("body_id")?;
        if last != Some(body) {
            passage.push(shared::appeal::Stage {
                body: crate::db::names(r, "n")?,
                since: r.try_get("at")?,
            });
            last = Some(body);
        }
    }
    Ok(passage)
}

/// A head's view of their officers' load: for the bodies of the person's head grants (every
/// body for an administrator), each assignee's unresolved and overdue appeals, the unassigned
/// ones last. Empty for anyone who heads nothing.
pub async fn officer_load(svc: &Services, principal: &Principal) -> Result<Vec<shared::appeal::OfficerLoad>> {
    use shared::auth::Role;
    let admin = principal.has_role(Role::Administrator);
    let headed = super::scope::headed_bodies(principal);
    if !admin && headed.is_empty() {
        return Ok(Vec::new());
    }
    let parents = super::parents(svc).await?;
    let bodies: Vec<i64> = parents
        .keys()
        .copied()
        .filter(|b| admin || super::within(&parents, *b, &headed))
        .collect();
    if bodies.is_empty() {
        return Ok(Vec::new());
    }
    // The body list comes from the database's own ids, never from the request.
    let list = bodies.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
    let rows = sqlx::query(&format!(
        "SELECT a.assigned_to, u.full_name, u.phone, COUNT(*) AS open, \
           SUM(CASE WHEN a.due_at < $1 THEN 1 ELSE 0 END) AS overdue, \
           (SELECT COUNT(*) FROM role_grants g WHERE g.user_id = a.assigned_to AND g.role = 'head_of_body') AS heads \
         FROM appeals a LEFT JOIN users u ON u.id = a.assigned_to \
         WHERE a.status <> 'resolved' AND a.body_id IN ({list}) \
         GROUP BY a.assigned_to, u.full_name, u.phone ORDER BY overdue DESC, open DESC"
    ))
    .bind(svc.clock.now_ms())
    .fetch_all(&svc.db.pool)
    .await?;
    let mut load = Vec::with_capacity(rows.len());
    let mut unassigned = None;
    for r in &rows {
        let open: i64 = r.try_get("open")?;
        let overdue: i64 = r.try_get::<Option<i64>, _>("overdue")?.unwrap_or(0);
        match r.try_get::<Option<i64>, _>("assigned_to")? {
            None => {
                unassigned = Some(shared::appeal::OfficerLoad {
                    officer: None,
                    open,
                    overdue,
                })
            }
            Some(id) => {
                let phone: Option<String> = r.try_get("phone")?;
                let shown = phone
                    .map(|p| Phone::parse(&p).map(|p| p.masked()).unwrap_or(p))
                    .unwrap_or_default();
                let name = match r.try_get::<Option<String>, _>("full_name")? {
                    Some(n) => format!("{n} ({shown})"),
                    None => shown,
                };
                let role = if r.try_get::<i64, _>("heads")? > 0 {
                    Role::HeadOfBody
                } else {
                    Role::AppealsOfficer
                };
                let officer = shared::appeal::StaffChoice { id, name, role };
                load.push(shared::appeal::OfficerLoad {
                    officer: Some(officer),
                    open,
                    overdue,
                });
            }
        }
    }
    load.extend(unassigned);
    Ok(load)
}
