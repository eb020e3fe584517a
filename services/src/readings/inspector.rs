//! The inspector's side: the queue of readings in their scope (the scope's SQL, keyset pages),
//! one reading as a case, its photo for those who may see it, and the names of their scope.

use crate::{Error, Result, Services};
use serde::{Deserialize, Serialize};
use shared::Tiyin;
use shared::auth::{Principal, Role};
use shared::geo::Names;
use shared::reading::{Flag, InspectorReading, QueuePage, ReadingCase, ReadingEvent};
use sqlx::Row;
use sqlx::any::AnyRow;

/// What an inspector filters the queue by.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueFilter {
    pub district: Option<String>,
    pub service: Option<String>,
    pub flagged_only: bool,
    /// Continue after this reading (keyset paging: submitted_at, id).
    pub after: Option<(i64, i64)>,
}

pub const QUEUE_PAGE: i64 = 30;

const READING_SELECT: &str = "SELECT r.id, r.account_id, a.number, r.service_code, r.value_milli, \
       r.previous_milli, r.flags, r.status, r.submitted_at, r.photo_id, a.meter_decimals, st.meter_unit, \
       st.name_uz AS s_uz, st.name_uz_cyrl AS s_cyrl, st.name_ru AS s_ru, \
       d.name_uz AS d_uz, d.name_uz_cyrl AS d_cyrl, d.name_ru AS d_ru, \
       m.name_uz AS m_uz, m.name_uz_cyrl AS m_cyrl \
     FROM meter_readings r \
     JOIN utility_accounts a ON a.id = r.account_id \
     JOIN service_types st ON st.code = r.service_code \
     JOIN districts d ON d.soato = r.district_soato \
     LEFT JOIN mahallas m ON m.code = r.mahalla_code";

fn inspector_reading(row: &AnyRow) -> Result<InspectorReading> {
    use crate::db::names;
    let mahalla = match row.try_get::<Option<String>, _>("m_uz")? {
        Some(uz) => {
            let cyrl: String = row.try_get("m_cyrl")?;
            Some(Names {
                ru: cyrl.clone(),
                uz,
                uz_cyrl: cyrl,
            })
        }
        None => None,
    };
    let flags: String = row.try_get("flags")?;
    Ok(InspectorReading {
        id: row.try_get("id")?,
        account_id: row.try_get("account_id")?,
        account_number: row.try_get("number")?,
        service_code: row.try_get("service_code")?,
        service: names(row, "s")?,
        district: names(row, "d")?,
        mahalla,
        meter_unit: row.try_get("meter_unit")?,
        meter_decimals: i64::from(row.try_get::<i16, _>("meter_decimals")?),
        value_milli: row.try_get("value_milli")?,
        previous_milli: row.try_get("previous_milli")?,
        flags: flags.split(',').filter_map(Flag::parse).collect(),
        status: crate::db::word(row, "status")?,
        submitted_at: row.try_get("submitted_at")?,
        has_photo: row.try_get::<Option<i64>, _>("photo_id")?.is_some(),
    })
}

/// The SQL condition (and its values) that limits readings to what a person inspects:
/// everything for an administrator, the districts x services of each inspector grant
/// otherwise, nothing without a grant. Placeholders start at `$first`.
fn scope_condition(principal: &Principal, first: usize) -> (String, Vec<String>) {
    if principal.has_role(Role::Administrator) {
        return ("1 = 1".into(), Vec::new());
    }
    let mut values = Vec::new();
    let mut parts = Vec::new();
    for grant in principal.grants.iter().filter(|g| g.role == Role::Inspector) {
        let mut districts = Vec::new();
        let mut services = Vec::new();
        for scope in &grant.scopes {
            match scope {
                shared::auth::Scope::District(d) => districts.push(d.clone()),
                shared::auth::Scope::Service(s) => services.push(s.clone()),
                _ => {}
            }
        }
        if districts.is_empty() || services.is_empty() {
            continue;
        }
        let mut list = |items: Vec<String>| {
            let marks: Vec<String> = items
                .into_iter()
                .map(|item| {
                    values.push(item);
                    format!("${}", first + values.len() - 1)
                })
                .collect();
            marks.join(", ")
        };
        let d = list(districts);
        let s = list(services);
        parts.push(format!("(r.district_soato IN ({d}) AND r.service_code IN ({s}))"));
    }
    if parts.is_empty() {
        return ("1 = 0".into(), values);
    }
    (format!("({})", parts.join(" OR ")), values)
}

/// Pending readings the inspector may decide, oldest first.
pub async fn queue(svc: &Services, principal: &Principal, filter: &QueueFilter) -> Result<QueuePage> {
    let (scope, mut values) = scope_condition(principal, 1);
    let mut sql = format!("{READING_SELECT} WHERE r.status = 'pending' AND {scope}");
    if let Some(district) = &filter.district {
        values.push(district.clone());
        sql.push_str(&format!(" AND r.district_soato = ${}", values.len()));
    }
    if let Some(service) = &filter.service {
        values.push(service.clone());
        sql.push_str(&format!(" AND r.service_code = ${}", values.len()));
    }
    if filter.flagged_only {
        sql.push_str(" AND r.flags <> ''");
    }
    let n = values.len();
    if filter.after.is_some() {
        // A row comparison, which PostgreSQL reads as one index range (docs/PERFORMANCE.md).
        sql.push_str(&format!(" AND (r.submitted_at, r.id) > (${}, ${})", n + 1, n + 2));
    }
    sql.push_str(&format!(
        " ORDER BY r.submitted_at, r.id LIMIT {}",
        QUEUE_PAGE + 1
    ));
    let mut query = sqlx::query(&sql);
    for value in &values {
        query = query.bind(value);
    }
    if let Some((at, id)) = filter.after {
        query = query.bind(at).bind(id);
    }
    let rows = query.fetch_all(&svc.db.pool).await?;
    let mut items: Vec<InspectorReading> = rows.iter().map(inspector_reading).collect::<Result<_>>()?;
    let next = if items.len() as i64 > QUEUE_PAGE {
        items.truncate(QUEUE_PAGE as usize);
        items.last().map(|r| (r.submitted_at, r.id))
    } else {
        None
    };
    Ok(QueuePage { items, next })
}

/// A reading the inspector may see, with its history; "not found" outside their scope.
pub async fn case(svc: &Services, principal: &Principal, reading_id: i64) -> Result<ReadingCase> {
    let (scope, values) = scope_condition(principal, 2);
    let sql = format!("{READING_SELECT} WHERE r.id = $1 AND {scope}");
    let mut query = sqlx::query(&sql).bind(reading_id);
    for value in &values {
        query = query.bind(value);
    }
    let row = query.fetch_optional(&svc.db.pool).await?.ok_or(Error::NotFound)?;
    let reading = inspector_reading(&row)?;
    let rows = sqlx::query(
        "SELECT submitted_at, value_milli FROM meter_readings WHERE account_id = $1 AND id <> $2 \
         AND status IN ('confirmed', 'corrected') ORDER BY submitted_at DESC, id DESC LIMIT 7",
    )
    .bind(reading.account_id)
    .bind(reading_id)
    .fetch_all(&svc.db.pool)
    .await?;
    let points: Vec<(i64, i64)> = rows
        .iter()
        .map(|r| Ok((r.try_get("submitted_at")?, r.try_get("value_milli")?)))
        .collect::<Result<_>>()?;
    let history = points
        .iter()
        .enumerate()
        .take(6)
        .map(|(i, (at, value))| (*at, *value, points.get(i + 1).map(|(_, before)| value - before)))
        .collect();
    let events = sqlx::query(
        "SELECT e.kind, u.full_name, u.phone, e.value_milli, e.reason_code, e.reason_text, e.charge_tiyin, e.at \
         FROM reading_events e LEFT JOIN users u ON u.id = e.actor_id WHERE e.reading_id = $1 ORDER BY e.id",
    )
    .bind(reading_id)
    .fetch_all(&svc.db.pool)
    .await?
    .iter()
    .map(|r| {
        let name: Option<String> = r.try_get("full_name")?;
        let phone: Option<String> = r.try_get("phone")?;
        Ok(ReadingEvent {
            kind: crate::db::word(r, "kind")?,
            actor: name.or(phone),
            value_milli: r.try_get("value_milli")?,
            reason_code: crate::db::optional_word(r, "reason_code")?,
            reason_text: r.try_get("reason_text")?,
            charge: r.try_get::<Option<i64>, _>("charge_tiyin")?.map(Tiyin::new),
            at: r.try_get("at")?,
        })
    })
    .collect::<Result<_>>()?;
    Ok(ReadingCase {
        reading,
        history,
        events,
    })
}

/// A reading's photo (or its thumbnail), for the resident who sent it and for inspectors
/// whose scope covers the account; "not found" for anyone else.
pub async fn photo(svc: &Services, principal: &Principal, reading_id: i64, thumb: bool) -> Result<Vec<u8>> {
    let row = sqlx::query(
        "SELECT r.user_id, r.district_soato, r.service_code, f.sha256, f.thumb_sha256 \
         FROM meter_readings r JOIN stored_files f ON f.id = r.photo_id WHERE r.id = $1",
    )
    .bind(reading_id)
    .fetch_optional(&svc.db.pool)
    .await?
    .ok_or(Error::NotFound)?;
    let sender: Option<i64> = row.try_get("user_id")?;
    let district: Option<String> = row.try_get("district_soato")?;
    let service: Option<String> = row.try_get("service_code")?;
    let inspects = principal.has_role(Role::Administrator)
        || principal.inspects(
            district.as_deref().unwrap_or_default(),
            service.as_deref().unwrap_or_default(),
        );
    if sender != Some(principal.user_id) && !inspects {
        return Err(Error::NotFound);
    }
    let key: Option<String> = if thumb {
        row.try_get("thumb_sha256")?
    } else {
        Some(row.try_get("sha256")?)
    };
    let key = key.ok_or(Error::NotFound)?;
    svc.files.get(&key).await?.ok_or(Error::NotFound)
}

/// The districts and services an inspector's grants name (every one for an administrator
/// would be thousands: administrators filter by typing codes instead, so they get none).
pub async fn scope_names(
    svc: &Services,
    principal: &Principal,
) -> Result<(Vec<(String, Names)>, Vec<(String, Names)>)> {
    let mut districts = Vec::new();
    let mut services = Vec::new();
    for grant in principal.grants.iter().filter(|g| g.role == Role::Inspector) {
        for scope in &grant.scopes {
            match scope {
                shared::auth::Scope::District(d) if !districts.contains(d) => districts.push(d.clone()),
                shared::auth::Scope::Service(s) if !services.contains(s) => services.push(s.clone()),
                _ => {}
            }
        }
    }
    let mut named_districts = Vec::new();
    for soato in districts {
        let row = sqlx::query(
            "SELECT name_uz AS n_uz, name_uz_cyrl AS n_cyrl, name_ru AS n_ru FROM districts WHERE soato = $1",
        )
        .bind(&soato)
        .fetch_optional(&svc.db.pool)
        .await?;
        if let Some(row) = row {
            named_districts.push((soato, crate::db::names(&row, "n")?));
        }
    }
    let mut named_services = Vec::new();
    for code in services {
        let row = sqlx::query("SELECT name_uz AS n_uz, name_uz_cyrl AS n_cyrl, name_ru AS n_ru FROM service_types WHERE code = $1")
            .bind(&code)
            .fetch_optional(&svc.db.pool)
            .await?;
        if let Some(row) = row {
            named_services.push((code, crate::db::names(&row, "n")?));
        }
    }
    Ok((named_districts, named_services))
}
