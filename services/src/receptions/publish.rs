//! Publishing a reception: a head of a body, or an officer for them, names who receives,
//! where, when, how many slots of how long, and the topics. Everything is checked first;
//! a refusal stores nothing.

use crate::{Error, Result, Services};
use shared::auth::Principal;
use shared::reception::{HOST_MAX, PLACE_MAX, ReceptionKind, ReceptionProblem, SLOT_MINUTES, SLOTS_MAX};
use sqlx::Row;

/// A reception as the staff's form gives it.
pub struct NewReception<'a> {
    pub body_id: i64,
    pub kind: &'a str,
    pub host: &'a str,
    pub place: &'a str,
    pub district: &'a str,
    /// Required for a field reception: the mahalla it goes to.
    pub mahalla: Option<&'a str>,
    /// `YYYY-MM-DD` and `HH:MM`, in Tashkent.
    pub day: &'a str,
    pub time: &'a str,
    pub slots: &'a str,
    pub slot_minutes: &'a str,
    pub topics: &'a [String],
}

#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("refused: {0}")]
    Refused(ReceptionProblem),
    #[error(transparent)]
    Service(#[from] Error),
}

crate::error::service_error!(PublishError);

impl PublishError {
    pub fn problem(&self) -> ReceptionProblem {
        match self {
            PublishError::Refused(p) => *p,
            PublishError::Service(_) => ReceptionProblem::Unavailable,
        }
    }
}

/// `HH:MM` as minutes after midnight.
fn parse_time(text: &str) -> Option<i64> {
    let (h, m) = text.trim().split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
    ((0..24).contains(&h) && (0..60).contains(&m)).then_some(h * 60 + m)
}

/// A text that must be there and not too long.
fn text(value: &str, max: usize, problem: ReceptionProblem) -> Result<&str, PublishError> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > max {
        return Err(PublishError::Refused(problem));
    }
    Ok(value)
}

/// Publishes a reception of a body the person handles; its id.
pub async fn publish(
    svc: &Services,
    principal: &Principal,
    new: &NewReception<'_>,
) -> Result<i64, PublishError> {
    use PublishError::Refused;
    if !crate::appeals::handles(svc, principal, new.body_id).await? {
        return Err(Refused(ReceptionProblem::Body));
    }
    let kind = ReceptionKind::parse(new.kind).ok_or(Refused(ReceptionProblem::Kind))?;
    let host = text(new.host, HOST_MAX, ReceptionProblem::Host)?;
    let place = text(new.place, PLACE_MAX, ReceptionProblem::Place)?;
    let region: Option<String> = sqlx::query_scalar("SELECT region_soato FROM districts WHERE soato = $1")
        .bind(new.district)
        .fetch_optional(&svc.db.pool)
        .await?;
    let region = region.ok_or(Refused(ReceptionProblem::Area))?;
    let mahalla = new.mahalla.map(str::trim).filter(|m| !m.is_empty());
    match (kind, mahalla) {
        (ReceptionKind::Field, None) => return Err(Refused(ReceptionProblem::Mahalla)),
        (_, Some(code)) => {
            let found: Option<String> =
                sqlx::query_scalar("SELECT code FROM mahallas WHERE code = $1 AND district_soato = $2")
                    .bind(code)
                    .bind(new.district)
                    .fetch_optional(&svc.db.pool)
                    .await?;
            if found.is_none() {
                return Err(Refused(ReceptionProblem::Mahalla));
            }
        }
        (ReceptionKind::Personal, None) => {}
    }
    let day = shared::time::parse_tashkent_date(new.day).ok_or(Refused(ReceptionProblem::When))?;
    let minutes = parse_time(new.time).ok_or(Refused(ReceptionProblem::When))?;
    let starts_at = day + minutes * 60_000;
    if starts_at <= svc.clock.now_ms() {
        return Err(Refused(ReceptionProblem::Past));
    }
    let slots: i64 = new
        .slots
        .trim()
        .parse()
        .map_err(|_| Refused(ReceptionProblem::Slots))?;
    if !(1..=SLOTS_MAX).contains(&slots) {
        return Err(Refused(ReceptionProblem::Slots));
    }
    let slot_minutes: i64 = new
        .slot_minutes
        .trim()
        .parse()
        .map_err(|_| Refused(ReceptionProblem::Minutes))?;
    if !SLOT_MINUTES.contains(&slot_minutes) {
        return Err(Refused(ReceptionProblem::Minutes));
    }
    let mut topics: Vec<&str> = new
        .topics
        .iter()
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())
        .collect();
    topics.sort_unstable();
    topics.dedup();
    for topic in &topics {
        let found: Option<String> = sqlx::query_scalar("SELECT code FROM topics WHERE code = $1")
            .bind(*topic)
            .fetch_optional(&svc.db.pool)
            .await?;
        if found.is_none() {
            return Err(Refused(ReceptionProblem::Topic));
        }
    }

    let now = svc.clock.now_ms();
    let mut tx = svc.db.pool.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO receptions (body_id, kind, host, place, region_soato, district_soato, mahalla_code, starts_at, \
           slot_minutes, slots, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(new.body_id)
    .bind(kind.code())
    .bind(host)
    .bind(place)
    .bind(&region)
    .bind(new.district)
    .bind(mahalla)
    .bind(starts_at)
    .bind(slot_minutes)
    .bind(slots)
    .bind(principal.user_id)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    for topic in &topics {
        sqlx::query("INSERT INTO reception_topics (reception_id, topic_code) VALUES ($1, $2)")
            .bind(id)
            .bind(*topic)
            .execute(&mut *tx)
            .await?;
    }
    let told = if kind == ReceptionKind::Field {
        let field = Field {
            id,
            host,
            place,
            district: new.district,
            mahalla: mahalla.unwrap_or_default(),
            starts_at,
        };
        tell_residents(svc, &mut tx, &field, now).await?
    } else {
        0
    };
    tx.commit().await?;
    tracing::info!(
        reception = id,
        told,
        body = new.body_id,
        user = principal.user_id,
        "reception published"
    );
    Ok(id)
}

/// A field reception as its announcement names it (a field reception is always in a mahalla).
struct Field<'a> {
    id: i64,
    host: &'a str,
    place: &'a str,
    district: &'a str,
    mahalla: &'a str,
    starts_at: i64,
}

/// Inside the publishing transaction: an SMS to each resident who asked to be told of field
/// receptions in the mahalla, in their language. Returns how many were told.
async fn tell_residents(
    svc: &Services,
    conn: &mut sqlx::AnyConnection,
    field: &Field<'_>,
    now: i64,
) -> Result<usize> {
    let people = sqlx::query("SELECT phone, locale FROM users WHERE field_notices_mahalla = $1 ORDER BY id")
        .bind(field.mahalla)
        .fetch_all(&mut *conn)
        .await?;
    if people.is_empty() {
        return Ok(0);
    }
    let district = sqlx::query(
        "SELECT name_uz AS n_uz, name_uz_cyrl AS n_cyrl, name_ru AS n_ru FROM districts WHERE soato = $1",
    )
    .bind(field.district)
    .fetch_one(&mut *conn)
    .await?;
    let district = crate::db::names(&district, "n")?;
    let mahalla = sqlx::query(
        "SELECT name_uz AS n_uz, name_uz_cyrl AS n_cyrl, name_uz_cyrl AS n_ru FROM mahallas WHERE code = $1",
    )
    .bind(field.mahalla)
    .fetch_one(&mut *conn)
    .await?;
    let mahalla = crate::db::names(&mahalla, "n")?;
    let when = shared::time::format_date_time(field.starts_at);
    let link = format!("{}/receptions/{}", svc.public_url, field.id);
    for person in &people {
        let phone: String = person.try_get("phone")?;
        let Ok(phone) = shared::Phone::parse(&phone) else {
            continue;
        };
        let locale = person
            .try_get::<String, _>("locale")
            .ok()
            .as_deref()
            .and_then(shared::Locale::from_tag)
            .unwrap_or(shared::Locale::Uz);
        let area = format!("{}, {}", mahalla.get(locale), district.get(locale));
        let text = shared::i18n::sms(
            locale,
            shared::i18n::Sms::FieldReception,
            &[
                ("when", &when),
                ("area", &area),
                ("host", field.host),
                ("place", field.place),
                ("link", &link),
            ],
        );
        crate::sms::enqueue(&mut *conn, &phone, &text, locale, "field_reception", now).await?;
    }
    Ok(people.len())
}

#[cfg(test)]
mod tests {
    use super::parse_time;

    #[test]
    fn times_are_hours_and_minutes_of_a_day() {
        assert_eq!(parse_time("09:30"), Some(570));
        assert_eq!(parse_time("9:05"), Some(545));
        assert_eq!(parse_time("23:59"), Some(1439));
        for bad in ["24:00", "12:60", "12", "12:5", "", "ab:cd", "-1:30"] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
    }
}
