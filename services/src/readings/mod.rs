//! Meter readings: a resident sends a value with a photo; an inspector whose scope covers the
//! account confirms, corrects or rejects it; a confirmed reading charges the account by its
//! tariff, and the resident is told by SMS and on the account page.

use crate::accounts::NewEntry;
use crate::storage::photos::PhotoError;
use crate::{Error, Result, Services};
use serde::{Deserialize, Serialize};
use shared::auth::{Principal, Role};
use shared::geo::Names;
use shared::reading::{
    Flag, InspectorReading, QueuePage, ReadingCase, ReadingEvent, RejectReason, Tier, ValueError,
};
use shared::{Locale, Phone, Tiyin};
use sqlx::Row;
use sqlx::any::AnyRow;

/// A reading as sent: the photo's bytes as uploaded, the value as typed.
pub struct NewReading<'a> {
    pub user_id: i64,
    pub account_id: i64,
    pub mahalla_code: &'a str,
    pub value: &'a str,
    pub photo: &'a [u8],
    /// One per submission, made by the page: a retry with the same key is the same reading.
    pub idempotency_key: &'a str,
}

/// Why a reading was not accepted. Nothing is stored in any of these cases.
#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    #[error("no such account among the resident's")]
    NotFound,
    #[error("this service has no meter")]
    NoMeter,
    #[error("the mahalla is not in the account's district")]
    Mahalla,
    #[error("the retry key is missing or malformed")]
    Key,
    #[error("value: {0:?}")]
    Value(ValueError),
    #[error("photo: {0}")]
    Photo(PhotoError),
    #[error(transparent)]
    Service(#[from] Error),
}

crate::error::service_error!(SubmitError);

impl SubmitError {
    /// The stable code carried in URLs and JSON answers.
    pub fn code(&self) -> &'static str {
        match self {
            SubmitError::NotFound => "not_found",
            SubmitError::NoMeter => "no_meter",
            SubmitError::Mahalla => "mahalla",
            SubmitError::Key => "retry_key",
            SubmitError::Value(v) => v.code(),
            SubmitError::Photo(p) => p.code(),
            SubmitError::Service(_) => "unavailable",
        }
    }
}

/// The answer to a submission: the reading, and whether it was already there (a retry).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Submitted {
    pub reading_id: i64,
    pub repeated: bool,
}

struct Account {
    district: String,
    service: String,
    decimals: i64,
    metered: bool,
}

async fn account(svc: &Services, account_id: i64) -> Result<Account> {
    let row = sqlx::query(
        "SELECT a.district_soato, a.service_code, a.meter_decimals, st.meter_unit \
         FROM utility_accounts a JOIN service_types st ON st.code = a.service_code WHERE a.id = $1",
    )
    .bind(account_id)
    .fetch_optional(&svc.db.pool)
    .await?
    .ok_or(Error::NotFound)?;
    Ok(Account {
        district: row.try_get("district_soato")?,
        service: row.try_get("service_code")?,
        decimals: i64::from(row.try_get::<i16, _>("meter_decimals")?),
        metered: row.try_get::<Option<String>, _>("meter_unit")?.is_some(),
    })
}

/// The values of the account's confirmed readings other than `except`, newest first.
async fn confirmed_values<'e, E>(executor: E, account_id: i64, except: i64, limit: i64) -> Result<Vec<i64>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    Ok(sqlx::query_scalar(
        "SELECT value_milli FROM meter_readings WHERE account_id = $1 AND id <> $2 \
         AND status IN ('confirmed', 'corrected') ORDER BY submitted_at DESC, id DESC LIMIT $3",
    )
    .bind(account_id)
    .bind(except)
    .bind(limit)
    .fetch_all(executor)
    .await?)
}

async fn existing(svc: &Services, user_id: i64, key: &str) -> Result<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM meter_readings WHERE user_id = $1 AND idempotency_key = $2")
            .bind(user_id)
            .bind(key)
            .fetch_optional(&svc.db.pool)
            .await?,
    )
}

/// Checks everything again on the server and stores the reading, its photo and the first
/// event, or nothing at all.
pub async fn submit(svc: &Services, new: NewReading<'_>) -> Result<Submitted, SubmitError> {
    let key = new.idempotency_key.trim();
    if key.len() < 8
        || key.len() > 64
        || !key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(SubmitError::Key);
    }
    // A retry of a submission that got through: the same reading, without a second look.
    if let Some(id) = existing(svc, new.user_id, key).await? {
        return Ok(Submitted {
            reading_id: id,
            repeated: true,
        });
    }
    if !crate::accounts::is_linked(&svc.db, new.user_id, new.account_id).await? {
        return Err(SubmitError::NotFound);
    }
    let account = account(svc, new.account_id).await?;
    if !account.metered {
        return Err(SubmitError::NoMeter);
    }
    let in_district: Option<String> =
        sqlx::query_scalar("SELECT code FROM mahallas WHERE code = $1 AND district_soato = $2")
            .bind(new.mahalla_code)
            .bind(&account.district)
            .fetch_optional(&svc.db.pool)
            .await?;
    if in_district.is_none() {
        return Err(SubmitError::Mahalla);
    }
    let value = shared::reading::parse_value(new.value, account.decimals).map_err(SubmitError::Value)?;
    let history = confirmed_values(&svc.db.pool, new.account_id, 0, 7).await?;
    let previous = history.first().copied();
    if previous.is_some_and(|last| value < last) {
        return Err(SubmitError::Value(ValueError::BelowLast));
    }
    let consumptions: Vec<i64> = history.windows(2).map(|w| w[0] - w[1]).collect();
    let flags = previous
        .map(|last| shared::reading::flags(value - last, &consumptions))
        .unwrap_or_default();

    let photo = new.photo.to_vec();
    let processed = crate::storage::photos::off_runtime(move || crate::storage::photos::process(&photo))
        .await?
        .map_err(SubmitError::Photo)?;
    let photo_id = store_photo(svc, &processed).await?;

    let now = svc.clock.now_ms();
    let flags_text = flags.iter().map(|f| f.code()).collect::<Vec<_>>().join(",");
    let mut tx = svc.db.pool.begin().await?;
    let inserted = sqlx::query_scalar::<_, i64>(
        "INSERT INTO meter_readings (account_id, value_milli, status, submitted_at, user_id, \
           district_soato, service_code, mahalla_code, photo_id, submitted_milli, previous_milli, \
           flags, idempotency_key) \
         VALUES ($1, $2, 'pending', $3, $4, $5, $6, $7, $8, $2, $9, $10, $11) RETURNING id",
    )
    .bind(new.account_id)
    .bind(value)
    .bind(now)
    .bind(new.user_id)
    .bind(&account.district)
    .bind(&account.service)
    .bind(new.mahalla_code)
    .bind(photo_id)
    .bind(previous)
    .bind(&flags_text)
    .bind(key)
    .fetch_one(&mut *tx)
    .await;
    let reading_id = match inserted {
        Ok(id) => id,
        // The same submission arrived twice at once: the other one stored it.
        Err(e) if crate::db::is_unique_violation(&e) => {
            drop(tx);
            let id = existing(svc, new.user_id, key).await?.ok_or(Error::NotFound)?;
            return Ok(Submitted {
                reading_id: id,
                repeated: true,
            });
        }
        Err(e) => return Err(e.into()),
    };
    event(
        &mut *tx,
        reading_id,
        "submitted",
        Some(new.user_id),
        Some(value),
        None,
        None,
        None,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Submitted {
        reading_id,
        repeated: false,
    })
}

async fn store_photo(svc: &Services, photo: &crate::storage::photos::Processed) -> Result<i64> {
    let size = Some((photo.width, photo.height));
    crate::storage::files::keep(svc, &photo.jpeg, "image/jpeg", size, Some(&photo.thumb)).await
}

#[allow(clippy::too_many_arguments)]
async fn event<'e, E>(
    executor: E,
    reading_id: i64,
    kind: &str,
    actor: Option<i64>,
    value: Option<i64>,
    reason_code: Option<&str>,
    reason_text: Option<&str>,
    charge: Option<i64>,
    now: i64,
) -> Result<()>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query(
        "INSERT INTO reading_events (reading_id, kind, actor_id, value_milli, reason_code, reason_text, charge_tiyin, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(reading_id)
    .bind(kind)
    .bind(actor)
    .bind(value)
    .bind(reason_code)
    .bind(reason_text)
    .bind(charge)
    .bind(now)
    .execute(executor)
    .await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// The inspector's side.

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
        status: row.try_get("status")?,
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
        sql.push_str(&format!(
            " AND (r.submitted_at > ${} OR (r.submitted_at = ${} AND r.id > ${}))",
            n + 1,
            n + 1,
            n + 2
        ));
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
            kind: r.try_get("kind")?,
            actor: name.or(phone),
            value_milli: r.try_get("value_milli")?,
            reason_code: r.try_get("reason_code")?,
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

/// What the inspector decided.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Decision {
    Confirm,
    /// A different value than typed, with the reason. A value below the last confirmed one
    /// records a meter replacement: the new meter's reading is the consumption.
    Correct {
        value: String,
        reason: String,
    },
    Reject {
        reason: RejectReason,
        text: String,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum DecideError {
    #[error("no such reading in the inspector's scope")]
    NotFound,
    #[error("already decided")]
    Taken {
        status: String,
        by: Option<String>,
        at: i64,
    },
    #[error("value: {0:?}")]
    Value(ValueError),
    #[error("a reason is required")]
    ReasonRequired,
    #[error(transparent)]
    Service(#[from] Error),
}

crate::error::service_error!(DecideError);

/// The price list of a tariff in effect at an instant, tiers in order.
pub async fn tiers<'e, E>(executor: E, tariff: &str, at: i64) -> Result<Vec<Tier>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let rows = sqlx::query(
        "SELECT up_to_units, unit_price_tiyin FROM tariff_prices WHERE tariff_code = $1 AND effective_from = \
           (SELECT MAX(effective_from) FROM tariff_prices WHERE tariff_code = $1 AND effective_from <= $2) \
         ORDER BY CASE WHEN up_to_units IS NULL THEN 1 ELSE 0 END, up_to_units",
    )
    .bind(tariff)
    .bind(at)
    .fetch_all(executor)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Tier {
                up_to_units: r.try_get("up_to_units")?,
                unit_price: Tiyin::new(r.try_get("unit_price_tiyin")?),
            })
        })
        .collect()
}

/// Decides a pending reading once: the first decision wins, a second inspector is told who
/// took it. A confirmed or corrected reading charges the account in the same transaction,
/// and the resident's SMS is queued with it.
pub async fn decide(
    svc: &Services,
    principal: &Principal,
    reading_id: i64,
    decision: &Decision,
) -> Result<ReadingEvent, DecideError> {
    // Scope first: outside it the reading does not exist for this person.
    let case = match case(svc, principal, reading_id).await {
        Ok(c) => c,
        Err(Error::NotFound) => return Err(DecideError::NotFound),
        Err(e) => return Err(e.into()),
    };
    let reading = case.reading;
    if reading.status != "pending" {
        return Err(taken(svc, reading_id).await?);
    }
    // Everything the person typed is checked before anything changes.
    let (status, typed_value, reason_code, reason_text) = match decision {
        Decision::Confirm => ("confirmed", None, None, None),
        Decision::Correct { value, reason } => {
            let value =
                shared::reading::parse_value(value, reading.meter_decimals).map_err(DecideError::Value)?;
            if reason.trim().is_empty() {
                return Err(DecideError::ReasonRequired);
            }
            ("corrected", Some(value), None, Some(reason.trim().to_string()))
        }
        Decision::Reject { reason, text } => {
            if *reason == RejectReason::Other && text.trim().is_empty() {
                return Err(DecideError::ReasonRequired);
            }
            let text = Some(text.trim().to_string()).filter(|t| !t.is_empty());
            ("rejected", None, Some(reason.code()), text)
        }
    };
    let value = typed_value.unwrap_or(reading.value_milli);
    let now = svc.clock.now_ms();
    let mut tx = svc.db.pool.begin().await?;
    // The claim comes first: the first decision wins, and on SQLite the write lock is taken
    // before anything is read, so concurrent deciders queue instead of failing.
    let claimed = sqlx::query(
        "UPDATE meter_readings SET status = $1, decided_at = $2, decided_by = $3 WHERE id = $4 AND status = 'pending'",
    )
    .bind(status)
    .bind(now)
    .bind(principal.user_id)
    .bind(reading_id)
    .execute(&mut *tx)
    .await?;
    if claimed.rows_affected() == 0 {
        drop(tx);
        return Err(taken(svc, reading_id).await?);
    }
    let previous = confirmed_values(&mut *tx, reading.account_id, reading_id, 1)
        .await?
        .first()
        .copied();
    let charge = if status == "rejected" {
        None
    } else {
        let consumption = match previous {
            Some(last) if value >= last => value - last,
            // A meter replaced (a corrected value below the last): it started from zero.
            Some(_) => value,
            // The first reading through Fuqaro: no consumption known to charge.
            None => 0,
        };
        let tariff: String = sqlx::query_scalar("SELECT tariff_code FROM utility_accounts WHERE id = $1")
            .bind(reading.account_id)
            .fetch_one(&mut *tx)
            .await?;
        let tiers = tiers(&mut *tx, &tariff, reading.submitted_at).await?;
        Some(shared::reading::charge(consumption, &tiers))
    };
    sqlx::query(
        "UPDATE meter_readings SET value_milli = $1, reason_code = $2, reason_text = $3, charge_tiyin = $4 WHERE id = $5",
    )
    .bind(value)
    .bind(reason_code)
    .bind(reason_text.as_deref())
    .bind(charge.map(Tiyin::get))
    .bind(reading_id)
    .execute(&mut *tx)
    .await?;
    if let Some(amount) = charge.filter(|c| c.get() > 0) {
        let description = format!(
            "{}: {} → {}",
            reading.service.uz,
            shared::account::format_reading(previous.unwrap_or(0), reading.meter_decimals),
            shared::account::format_reading(value, reading.meter_decimals)
        );
        let reference = format!("reading:{reading_id}");
        crate::accounts::append(
            &mut *tx,
            &NewEntry {
                account_id: reading.account_id,
                kind: "charge",
                amount: Tiyin::new(-amount.get()),
                occurred_at: now,
                description: &description,
                reference: Some(&reference),
            },
            now,
        )
        .await?;
    }
    event(
        &mut *tx,
        reading_id,
        status,
        Some(principal.user_id),
        Some(value),
        reason_code,
        reason_text.as_deref(),
        charge.map(Tiyin::get),
        now,
    )
    .await?;
    // The resident who sent it hears about it in their language.
    let resident = sqlx::query(
        "SELECT u.phone, u.locale FROM meter_readings r JOIN users u ON u.id = r.user_id WHERE r.id = $1",
    )
    .bind(reading_id)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(row) = resident {
        let phone: String = row.try_get("phone")?;
        let locale = Locale::from_tag(&row.try_get::<String, _>("locale")?).unwrap_or_default();
        if let Ok(phone) = Phone::parse(&phone) {
            let value_text = shared::account::format_reading(value, reading.meter_decimals);
            let body = match (status, decision) {
                ("confirmed", _) => text::confirmed(
                    locale,
                    &reading.account_number,
                    &value_text,
                    charge.unwrap_or_default(),
                ),
                ("corrected", _) => text::corrected(
                    locale,
                    &reading.account_number,
                    &value_text,
                    reason_text.as_deref().unwrap_or(""),
                    charge.unwrap_or_default(),
                ),
                (_, Decision::Reject { reason, text }) => {
                    text::rejected(locale, &reading.account_number, *reason, text.trim())
                }
                _ => String::new(),
            };
            crate::sms::enqueue(&mut *tx, &phone, &body, locale, "reading", now).await?;
        }
    }
    tx.commit().await?;
    svc.sms_wakeup.notify_one();
    Ok(ReadingEvent {
        kind: status.into(),
        actor: None,
        value_milli: Some(value),
        reason_code: reason_code.map(str::to_string),
        reason_text,
        charge,
        at: now,
    })
}

async fn taken(svc: &Services, reading_id: i64) -> Result<DecideError> {
    let row = sqlx::query(
        "SELECT r.status, r.decided_at, u.full_name, u.phone FROM meter_readings r \
         LEFT JOIN users u ON u.id = r.decided_by WHERE r.id = $1",
    )
    .bind(reading_id)
    .fetch_one(&svc.db.pool)
    .await?;
    let name: Option<String> = row.try_get("full_name")?;
    let phone: Option<String> = row.try_get("phone")?;
    Ok(DecideError::Taken {
        status: row.try_get("status")?,
        by: name.or(phone),
        at: row.try_get::<Option<i64>, _>("decided_at")?.unwrap_or_default(),
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

/// The mahallas of an account's district, for the resident's picker.
pub async fn mahallas_for(svc: &Services, user_id: i64, account_id: i64) -> Result<Vec<(String, Names)>> {
    if !crate::accounts::is_linked(&svc.db, user_id, account_id).await? {
        return Err(Error::NotFound);
    }
    let district: String = sqlx::query_scalar("SELECT district_soato FROM utility_accounts WHERE id = $1")
        .bind(account_id)
        .fetch_one(&svc.db.pool)
        .await?;
    crate::reference::mahallas_of(svc, &district).await
}

/// The resident's messages about a decision.
pub mod text {
    use shared::reading::RejectReason;
    use shared::{Locale, Tiyin};

    pub fn confirmed(locale: Locale, account: &str, value: &str, charge: Tiyin) -> String {
        let charge = charge.format_som();
        match locale {
            Locale::Uz => format!(
                "Fuqaro: {account} hisobi uchun {value} koʻrsatkich tasdiqlandi. Hisoblandi: {charge} soʻm."
            ),
            Locale::UzCyrl => format!(
                "Fuqaro: {account} ҳисоби учун {value} кўрсаткич тасдиқланди. Ҳисобланди: {charge} сўм."
            ),
            Locale::Ru => {
                format!("Fuqaro: показание {value} по счёту {account} подтверждено. Начислено: {charge} сум.")
            }
        }
    }

    pub fn corrected(locale: Locale, account: &str, value: &str, reason: &str, charge: Tiyin) -> String {
        let charge = charge.format_som();
        match locale {
            Locale::Uz => format!(
                "Fuqaro: {account} hisobi koʻrsatkichi {value} ga tuzatildi ({reason}). Hisoblandi: {charge} soʻm."
            ),
            Locale::UzCyrl => format!(
                "Fuqaro: {account} ҳисоби кўрсаткичи {value} га тузатилди ({reason}). Ҳисобланди: {charge} сўм."
            ),
            Locale::Ru => format!(
                "Fuqaro: показание по счёту {account} исправлено на {value} ({reason}). Начислено: {charge} сум."
            ),
        }
    }

    pub fn rejected(locale: Locale, account: &str, reason: RejectReason, text: &str) -> String {
        let why = reason_label(locale, reason);
        let why = if text.is_empty() {
            why.to_string()
        } else {
            format!("{why}: {text}")
        };
        match locale {
            Locale::Uz => format!(
                "Fuqaro: {account} hisobi koʻrsatkichi rad etildi. Sabab: {why}. Iltimos, qayta yuboring."
            ),
            Locale::UzCyrl => format!(
                "Fuqaro: {account} ҳисоби кўрсаткичи рад этилди. Сабаб: {why}. Илтимос, қайта юборинг."
            ),
            Locale::Ru => format!(
                "Fuqaro: показание по счёту {account} отклонено. Причина: {why}. Пожалуйста, отправьте снова."
            ),
        }
    }

    pub fn reason_label(locale: Locale, reason: RejectReason) -> &'static str {
        use RejectReason::*;
        match (locale, reason) {
            (Locale::Uz, PhotoUnreadable) => "rasmda raqamlar oʻqilmaydi",
            (Locale::Uz, NotAMeter) => "rasmda hisoblagich yoʻq",
            (Locale::Uz, WrongMeter) => "boshqa hisoblagich",
            (Locale::Uz, ValueMismatch) => "kiritilgan qiymat rasmga mos emas",
            (Locale::Uz, Other) => "boshqa sabab",
            (Locale::UzCyrl, PhotoUnreadable) => "расмда рақамлар ўқилмайди",
            (Locale::UzCyrl, NotAMeter) => "расмда ҳисоблагич йўқ",
            (Locale::UzCyrl, WrongMeter) => "бошқа ҳисоблагич",
            (Locale::UzCyrl, ValueMismatch) => "киритилган қиймат расмга мос эмас",
            (Locale::UzCyrl, Other) => "бошқа сабаб",
            (Locale::Ru, PhotoUnreadable) => "цифры на фото не читаются",
            (Locale::Ru, NotAMeter) => "на фото нет счётчика",
            (Locale::Ru, WrongMeter) => "другой счётчик",
            (Locale::Ru, ValueMismatch) => "введённое значение не совпадает с фото",
            (Locale::Ru, Other) => "другая причина",
        }
    }
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
