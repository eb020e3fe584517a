//! Open311 GeoReport v2 (issue 17, ADR 0018): our appeal topics are its services, appeals its
//! service requests. Filing needs a key an administrator issued to a named party (`keys`) and
//! follows every rule of [`crate::appeals::file`]; reading needs no key and says nothing
//! personal: no applicant's name, phone, street address or the text of an appeal ever goes
//! out, only its topic, body, place (mahalla, district, region), state and dates.
//!
//! Responses are built once as JSON values; [`xml`] writes the same values in the spec's XML.

pub mod keys;
mod xml;

pub use xml::xml;

use crate::appeals::{FileError, NewAppeal};
use crate::{Error, Services};
use serde_json::{Value, json};
use shared::appeal::{AppealKind, Channel, Status};
use shared::i18n::{Key, tr, trf};
use shared::{Locale, Phone};

/// The longest description the spec allows.
pub const DESCRIPTION_MAX: usize = 4_000;
/// Requests a page lists at most, and by default (the spec's "first 1,000 requests").
pub const PAGE_SIZE_MAX: i64 = 1_000;
/// The longest span of `start_date`..`end_date`, and the default one (the last 90 days).
pub const RANGE_MAX_MS: i64 = 90 * crate::clock::DAY_MS;
/// Ids one `service_request_id` list may name.
pub const IDS_MAX: usize = 100;
pub const SPECIFICATION: &str = "http://wiki.open311.org/GeoReport_v2";
/// When what this endpoint offers last changed (discovery's `changeset`).
pub const CHANGESET: &str = "2026-12-01T00:00:00Z";
const MEDIA_URL_MAX: usize = 1_000;

/// What went wrong, as the spec's error list says it: the HTTP status and a description for
/// the developer of the calling system.
#[derive(Debug, thiserror::Error)]
pub enum Open311Error {
    #[error("{1}")]
    Refused(u16, String),
    #[error(transparent)]
    Service(#[from] Error),
}

crate::error::service_error!(Open311Error);

pub type Outcome<T> = std::result::Result<T, Open311Error>;

fn bad(description: impl Into<String>) -> Open311Error {
    Open311Error::Refused(400, description.into())
}

fn not_found(description: impl Into<String>) -> Open311Error {
    Open311Error::Refused(404, description.into())
}

/// The spec's error list for a refusal.
pub fn errors(code: u16, description: &str) -> Value {
    json!([{ "code": code, "description": description }])
}

/// Discovery: where the endpoint is, what it speaks, whom to ask for a key.
pub fn discovery(public_url: &str, production: bool) -> Value {
    let root = public_url.trim_end_matches('/');
    json!({
        "changeset": CHANGESET,
        "contact": format!("{root}/about"),
        "key_service": "Keys for filing requests are issued to a named organisation by this installation's administrators; ask them through the contact address.",
        "endpoints": [{
            "specification": SPECIFICATION,
            "url": format!("{root}/open311/v2"),
            "changeset": CHANGESET,
            "type": if production { "production" } else { "test" },
            "formats": ["text/xml", "application/json"],
        }],
    })
}

/// The service list: every appeal topic.
pub async fn services(svc: &Services, locale: Locale) -> crate::Result<Value> {
    let topics = crate::appeals::choices::topics(svc).await?;
    Ok(Value::Array(
        topics
            .into_iter()
            .map(|(code, name)| {
                json!({
                    "service_code": code,
                    "service_name": name.get(locale),
                    "description": null,
                    "metadata": true,
                    "type": "realtime",
                    "keywords": null,
                    "group": null,
                })
            })
            .collect(),
    ))
}

/// A topic's definition: the kind of appeal, and the body it is addressed to (the bodies that
/// handle the topic); both optional.
pub async fn definition(svc: &Services, code: &str, locale: Locale) -> Outcome<Value> {
    let topics = crate::appeals::choices::topics(svc).await?;
    if !topics.iter().any(|(c, _)| c == code) {
        return Err(not_found(format!("service_code {code} not found")));
    }
    let bodies = crate::appeals::choices::bodies_tree(svc).await?;
    let kinds: Vec<Value> = AppealKind::ALL
        .iter()
        .map(|k| json!({ "key": k.code(), "name": tr(locale, k.key()) }))
        .collect();
    let handling: Vec<Value> = bodies
        .iter()
        .filter(|b| b.topics.iter().any(|t| t == code))
        .map(|b| json!({ "key": b.id.to_string(), "name": b.name.get(locale) }))
        .collect();
    Ok(json!({
        "service_code": code,
        "attributes": [
            {
                "variable": true,
                "code": "kind",
                "datatype": "singlevaluelist",
                "required": false,
                "datatype_description": "application when not given",
                "order": 1,
                "description": tr(locale, Key::AppealsKind),
                "values": kinds,
            },
            {
                "variable": true,
                "code": "body",
                "datatype": "singlevaluelist",
                "required": false,
                "datatype_description": "when not given, the body closest to address_id that handles the service",
                "order": 2,
                "description": tr(locale, Key::AppealsBody),
                "values": handling,
            },
        ],
    }))
}

/// A filing's fields, read from the form: an empty value is no value, as the spec asks.
pub struct Form<'a>(pub &'a [(String, String)]);

impl Form<'_> {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }
}

/// Files a request as an appeal of the person whose phone it gives (their account is opened
/// if they have none), with the key's party kept on it.
pub async fn file(svc: &Services, party: &keys::Party, form: &Form<'_>, locale: Locale) -> Outcome<Value> {
    let code = form
        .get("service_code")
        .ok_or_else(|| bad("service_code is required"))?;
    let topics = crate::appeals::choices::topics(svc).await?;
    let Some((_, topic_name)) = topics.iter().find(|(c, _)| c == code) else {
        return Err(not_found(format!("service_code {code} not found")));
    };
    let description = form
        .get("description")
        .ok_or_else(|| bad("description is required: it is the text of the appeal"))?;
    if description.chars().count() > DESCRIPTION_MAX {
        return Err(bad(format!(
            "description is longer than {DESCRIPTION_MAX} characters"
        )));
    }
    let place = match form.get("address_id") {
        Some(id) => place(svc, id).await?.ok_or_else(|| {
            bad(format!(
                "address_id {id} is neither a district's SOATO code nor a mahalla's code"
            ))
        })?,
        None => {
            return Err(bad(
                "address_id is required: a district's SOATO code or a mahalla's code (lat/long cannot be placed here)",
            ));
        }
    };
    let address = form.get("address_string").ok_or_else(|| {
        bad("address_string is required: where the applicant lives, as the law on appeals asks")
    })?;
    let phone = form.get("phone").ok_or_else(|| {
        bad("phone is required: the applicant's Uzbek mobile number, to which the answer is sent")
    })?;
    let phone = Phone::parse(phone).map_err(|_| bad("phone is not an Uzbek mobile number"))?;
    let applicant = [form.get("last_name"), form.get("first_name")]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    // Checked before the applicant's account is opened, so that a refusal opens none.
    if address.chars().count() > crate::appeals::ADDRESS_MAX {
        return Err(bad(format!(
            "address_string is longer than {} characters",
            crate::appeals::ADDRESS_MAX
        )));
    }
    if applicant.chars().count() > crate::appeals::NAME_MAX {
        return Err(bad(format!(
            "first_name and last_name are longer than {} characters",
            crate::appeals::NAME_MAX
        )));
    }
    if applicant.is_empty() {
        let known: Option<Option<String>> =
            sqlx::query_scalar("SELECT full_name FROM users WHERE phone = $1")
                .bind(phone.e164())
                .fetch_optional(&svc.db.pool)
                .await?;
        if known.flatten().is_none_or(|n| n.trim().is_empty()) {
            return Err(bad("first_name and last_name are required: the applicant's name"));
        }
    }
    let kind = match form.get("attribute[kind]") {
        None => AppealKind::Application,
        Some(k) => AppealKind::parse(k)
            .ok_or_else(|| bad(format!("attribute[kind] {k} is not one of its values")))?,
    };
    let bodies = crate::appeals::choices::bodies_tree(svc).await?;
    let body = match form.get("attribute[body]") {
        Some(b) => bodies
            .iter()
            .find(|c| c.id.to_string() == b && c.topics.iter().any(|t| t == code))
            .ok_or_else(|| bad(format!("attribute[body] {b} does not handle service_code {code}")))?,
        None => shared::appeal::suggested_body(&bodies, code, &place.district)
            .ok_or_else(|| bad(format!("no body handles service_code {code}")))?,
    };
    let mut text = description.to_string();
    if let Some(media) = form.get("media_url") {
        let web = media.starts_with("https://") || media.starts_with("http://");
        if !web || media.len() > MEDIA_URL_MAX || media.chars().any(char::is_whitespace) {
            return Err(bad("media_url is not an http(s) address"));
        }
        // Kept with the text for the officer to open; never fetched by the server.
        text.push_str("\n\n");
        text.push_str(media);
    }
    let subject: String = description
        .lines()
        .next()
        .unwrap_or(topic_name.get(locale))
        .chars()
        .take(crate::appeals::SUBJECT_MAX)
        .collect();
    let now = svc.clock.now_ms();
    let limit = crate::rate::Limit::new(
        format!("open311:key:{}", party.key_id),
        party.per_day,
        crate::clock::DAY_MS,
    );
    if !crate::rate::allow_all(&svc.db, &[limit], now).await? {
        return Err(Open311Error::Refused(
            429,
            "this api_key's daily limit is reached".into(),
        ));
    }
    let mut conn = svc.db.pool.acquire().await?;
    let (user, user_locale) = crate::identity::users::find_or_open(&mut conn, &phone, locale, now).await?;
    drop(conn);
    let new = NewAppeal {
        user_id: user,
        body_id: body.id,
        topic: code,
        kind: kind.code(),
        subject: subject.trim(),
        text: &text,
        region: &place.region,
        district: &place.district,
        mahalla: place.mahalla.as_deref(),
        applicant: &applicant,
        address,
        cosigners: &[],
        files: &[],
        about: None,
        locale: user_locale,
        channel: Channel::OtherSystem,
    };
    let registered = match crate::appeals::file_with_key(svc, &new, Some(party.key_id)).await {
        Ok(r) => r,
        Err(FileError::Service(error)) => return Err(error.into()),
        Err(FileError::RateLimited) => {
            return Err(Open311Error::Refused(
                429,
                "this applicant's daily limit of appeals is reached".into(),
            ));
        }
        Err(FileError::NameRequired) => {
            return Err(bad("first_name and last_name are required: the applicant's name"));
        }
        Err(refused) => return Err(bad(refused.to_string())),
    };
    tracing::info!(appeal = registered.id, key = party.key_id, party = %party.name, "Open311 request filed");
    let due = shared::time::parse_tashkent_date(&registered.due_day).map(shared::time::format_date);
    Ok(json!([{
        "service_request_id": registered.number,
        "service_notice": due.map(|d| trf(locale, Key::AppealsDue, &[("date", &d)])),
        "account_id": form.get("account_id"),
    }]))
}

/// Where a request is: its region, district and mahalla when it names one.
struct Place {
    region: String,
    district: String,
    mahalla: Option<String>,
}

async fn place(svc: &Services, id: &str) -> crate::Result<Option<Place>> {
    let mahalla: Option<(String, String)> =
        sqlx::query_as("SELECT region_soato, district_soato FROM mahallas WHERE code = $1")
            .bind(id)
            .fetch_optional(&svc.db.pool)
            .await?;
    if let Some((region, district)) = mahalla {
        return Ok(Some(Place {
            region,
            district,
            mahalla: Some(id.to_string()),
        }));
    }
    let district: Option<String> = sqlx::query_scalar("SELECT region_soato FROM districts WHERE soato = $1")
        .bind(id)
        .fetch_optional(&svc.db.pool)
        .await?;
    Ok(district.map(|region| Place {
        region,
        district: id.to_string(),
        mahalla: None,
    }))
}

/// An instant written as RFC 3339 (the W3C profile of ISO 8601 the spec names, with its time
/// zone), as Unix milliseconds.
fn parse_rfc3339(text: &str) -> Option<i64> {
    let at = time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()?;
    i64::try_from(at.unix_timestamp_nanos() / 1_000_000).ok()
}

/// Which requests a listing asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    /// Numbers asked for by name: they override every other argument.
    pub ids: Vec<String>,
    pub codes: Vec<String>,
    pub start: i64,
    pub end: i64,
    pub open: bool,
    pub closed: bool,
    pub page: i64,
    pub page_size: i64,
}

impl Filter {
    /// The filter of a listing's arguments (an empty one is no argument), at `now`.
    pub fn parse(form: &Form<'_>, now: i64) -> Outcome<Filter> {
        let list = |name: &str| -> Vec<String> {
            form.get(name)
                .map(|v| {
                    v.split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default()
        };
        let ids = list("service_request_id");
        if ids.len() > IDS_MAX {
            return Err(bad(format!(
                "service_request_id names more than {IDS_MAX} requests"
            )));
        }
        let date = |name: &str| -> Outcome<Option<i64>> {
            form.get(name)
                .map(|v| {
                    parse_rfc3339(v).ok_or_else(|| {
                        bad(format!(
                            "{name} is not a date and time with its time zone (2026-12-01T09:00:00Z)"
                        ))
                    })
                })
                .transpose()
        };
        let (start, end) = match (date("start_date")?, date("end_date")?) {
            (Some(s), Some(e)) => (s, e),
            (Some(s), None) => (s, (s + RANGE_MAX_MS).min(now.max(s))),
            (None, Some(e)) => (e - RANGE_MAX_MS, e),
            (None, None) => (now - RANGE_MAX_MS, now),
        };
        if end < start {
            return Err(bad("end_date is before start_date"));
        }
        if end - start > RANGE_MAX_MS {
            return Err(bad("start_date and end_date span more than 90 days"));
        }
        let statuses = list("status");
        if let Some(wrong) = statuses.iter().find(|s| !matches!(s.as_str(), "open" | "closed")) {
            return Err(bad(format!("status {wrong} is neither open nor closed")));
        }
        let (open, closed) = match statuses.is_empty() {
            true => (true, true),
            false => (
                statuses.iter().any(|s| s == "open"),
                statuses.iter().any(|s| s == "closed"),
            ),
        };
        let number = |name: &str, default: i64, max: i64| -> Outcome<i64> {
            match form.get(name) {
                None => Ok(default),
                Some(v) => v
                    .parse::<i64>()
                    .ok()
                    .filter(|n| (1..=max).contains(n))
                    .ok_or_else(|| bad(format!("{name} is not a whole number from 1 to {max}"))),
            }
        };
        Ok(Filter {
            ids,
            codes: list("service_code"),
            start,
            end,
            open,
            closed,
            page: number("page", 1, 1_000_000)?,
            page_size: number("page_size", PAGE_SIZE_MAX, PAGE_SIZE_MAX)?,
        })
    }
}

/// The requests a filter finds, the newest first.
pub async fn requests(svc: &Services, filter: &Filter, locale: Locale) -> crate::Result<Value> {
    let mut conditions = Vec::new();
    let mut texts: Vec<String> = Vec::new();
    let mut numbers: Vec<i64> = Vec::new();
    let placeholders = |values: &[String], texts: &mut Vec<String>| -> String {
        values
            .iter()
            .map(|v| {
                texts.push(v.clone());
                format!("${}", texts.len())
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !filter.ids.is_empty() {
        conditions.push(format!("a.number IN ({})", placeholders(&filter.ids, &mut texts)));
    } else {
        if !filter.codes.is_empty() {
            conditions.push(format!(
                "a.topic_code IN ({})",
                placeholders(&filter.codes, &mut texts)
            ));
        }
        match (filter.open, filter.closed) {
            (true, false) => conditions.push("a.status <> 'resolved'".to_string()),
            (false, true) => conditions.push("a.status = 'resolved'".to_string()),
            _ => {}
        }
        // Text binds first, then the numbers, so that each placeholder knows its position.
        let at = texts.len();
        conditions.push(format!(
            "a.created_at >= ${} AND a.created_at <= ${}",
            at + 1,
            at + 2
        ));
        numbers.extend([filter.start, filter.end]);
    }
    let at = texts.len() + numbers.len();
    numbers.extend([filter.page_size, (filter.page - 1) * filter.page_size]);
    let sql = format!(
        "{} WHERE {} ORDER BY a.created_at DESC, a.id DESC LIMIT ${} OFFSET ${}",
        select(locale),
        conditions.join(" AND "),
        at + 1,
        at + 2
    );
    let mut query = sqlx::query_as::<_, Row>(&sql);
    for t in texts {
        query = query.bind(t);
    }
    for n in numbers {
        query = query.bind(n);
    }
    let rows = query.fetch_all(&svc.db.pool).await?;
    Ok(Value::Array(
        rows.into_iter().map(|r| request_json(r, locale)).collect(),
    ))
}

/// One request by its number, as a one-element list.
pub async fn request(svc: &Services, id: &str, locale: Locale) -> Outcome<Value> {
    let row: Option<Row> = sqlx::query_as(&format!("{} WHERE a.number = $1", select(locale)))
        .bind(id)
        .fetch_optional(&svc.db.pool)
        .await?;
    let row = row.ok_or_else(|| not_found(format!("service_request_id {id} not found")))?;
    Ok(Value::Array(vec![request_json(row, locale)]))
}

/// Requests here are filed in real time and answered with their id: no token is ever given.
pub fn token(token: &str) -> Outcome<Value> {
    Err(not_found(format!(
        "token {token} not found: requests are filed in real time and answered with their service_request_id"
    )))
}

type Row = (
    String,
    String,
    String,
    String,
    String,
    i64,
    i64,
    Option<i64>,
    String,
    Option<String>,
    String,
    String,
    Option<String>,
);

/// The public columns of a request, with names in `locale` (mahallas have no Russian name;
/// Russian readers see the Cyrillic, as everywhere).
fn select(locale: Locale) -> String {
    let (name, mahalla) = match locale {
        Locale::Uz => ("name_uz", "name_uz"),
        Locale::UzCyrl => ("name_uz_cyrl", "name_uz_cyrl"),
        Locale::Ru => ("name_ru", "name_uz_cyrl"),
    };
    format!(
        "SELECT a.number, a.status, a.topic_code, t.{name}, b.{name}, a.created_at, a.updated_at, a.due_at, \
           a.district_soato, a.mahalla_code, d.{name}, r.{name}, m.{mahalla} \
         FROM appeals a JOIN topics t ON t.code = a.topic_code JOIN bodies b ON b.id = a.body_id \
           JOIN districts d ON d.soato = a.district_soato JOIN regions r ON r.soato = a.region_soato \
           LEFT JOIN mahallas m ON m.code = a.mahalla_code"
    )
}

fn request_json(row: Row, locale: Locale) -> Value {
    let (
        number,
        status,
        code,
        service,
        agency,
        created,
        updated,
        due,
        district,
        mahalla,
        district_name,
        region_name,
        mahalla_name,
    ) = row;
    let status = Status::parse(&status).unwrap_or(Status::Registered);
    let address = [mahalla_name.as_deref(), Some(&district_name), Some(&region_name)]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
    json!({
        "service_request_id": number,
        "status": if status == Status::Resolved { "closed" } else { "open" },
        "status_notes": tr(locale, status.key()),
        "service_name": service,
        "service_code": code,
        "description": null,
        "agency_responsible": agency,
        "service_notice": null,
        "requested_datetime": shared::time::utc_iso(created),
        "updated_datetime": shared::time::utc_iso(updated),
        "expected_datetime": due.map(shared::time::utc_iso),
        "address": address,
        "address_id": mahalla.unwrap_or(district),
        "zipcode": null,
        "lat": null,
        "long": null,
        "media_url": null,
    })
}
