//! What the pages show of receptions: the public list of upcoming ones (by region, district
//! and body, without sign-in), one reception with its free slots and the looker's booking,
//! and for staff their bodies' receptions and each one's register of bookings.

use super::{SUMMARY_COLUMNS, SUMMARY_FROM, summaries};
use crate::db::Value;
use crate::{Error, Result, Services};
use shared::Phone;
use shared::auth::Principal;
use shared::reception::{
    Booking, DeskReception, DeskReceptions, MyBooking, REGISTER_OPENS_BEFORE_MS, ReceptionChoices,
    ReceptionFilter, ReceptionSummary, ReceptionView, Visit,
};
use sqlx::Row;

/// A reception is upcoming until its last slot ends.
const NOT_ENDED: &str = "r.starts_at + r.slots * r.slot_minutes * 60000 > $1";

/// Upcoming receptions, soonest first, narrowed by the filter.
pub async fn upcoming(svc: &Services, filter: &ReceptionFilter, limit: i64) -> Result<Vec<ReceptionSummary>> {
    let mut values = vec![Value::Int(svc.clock.now_ms()), Value::Int(limit)];
    let mut sql = format!("SELECT {SUMMARY_COLUMNS} FROM {SUMMARY_FROM} WHERE {NOT_ENDED}");
    let mut narrow = |column: &str, value: Value| {
        values.push(value);
        sql.push_str(&format!(" AND {column} = ${}", values.len()));
    };
    if let Some(region) = &filter.region {
        narrow("r.region_soato", Value::Text(region.clone()));
    }
    if let Some(district) = &filter.district {
        narrow("r.district_soato", Value::Text(district.clone()));
    }
    if let Some(body) = filter.body {
        narrow("r.body_id", Value::Int(body));
    }
    sql.push_str(" ORDER BY r.starts_at, r.id LIMIT $2");
    let rows = crate::db::bind_all(sqlx::query(&sql), &values)
        .fetch_all(&svc.db.pool)
        .await?;
    summaries(svc, &rows).await
}

/// What the public list's filter offers: every region and district, and the bodies that
/// have an upcoming reception.
pub async fn public_choices(svc: &Services) -> Result<ReceptionChoices> {
    let places = crate::appeals::choices(svc).await?;
    let bodies = sqlx::query(&format!(
        "SELECT DISTINCT b.id, b.name_uz AS n_uz, b.name_uz_cyrl AS n_cyrl, b.name_ru AS n_ru \
         FROM receptions r JOIN bodies b ON b.id = r.body_id WHERE {NOT_ENDED} ORDER BY b.id"
    ))
    .bind(svc.clock.now_ms())
    .fetch_all(&svc.db.pool)
    .await?
    .iter()
    .map(|r| Ok((r.try_get("id")?, crate::db::names(r, "n")?)))
    .collect::<Result<_>>()?;
    Ok(ReceptionChoices {
        regions: places.regions,
        districts: places.districts,
        bodies,
    })
}

async fn one(svc: &Services, id: i64) -> Result<ReceptionSummary> {
    let rows = sqlx::query(&format!(
        "SELECT {SUMMARY_COLUMNS} FROM {SUMMARY_FROM} WHERE r.id = $1"
    ))
    .bind(id)
    .fetch_all(&svc.db.pool)
    .await?;
    summaries(svc, &rows).await?.pop().ok_or(Error::NotFound)
}

/// One reception for anyone; with the looker's booking and name when they are signed in.
pub async fn reception(svc: &Services, id: i64, user: Option<i64>) -> Result<ReceptionView> {
    let summary = one(svc, id).await?;
    let taken: Vec<(i64, i64, String)> = sqlx::query(
        "SELECT slot, user_id, question FROM reception_bookings WHERE reception_id = $1 AND cancelled_at IS NULL",
    )
    .bind(id)
    .fetch_all(&svc.db.pool)
    .await?
    .iter()
    .map(|r| Ok((r.try_get("slot")?, r.try_get("user_id")?, r.try_get("question")?)))
    .collect::<Result<_>>()?;
    let free_slots = (0..summary.slots)
        .filter(|n| !taken.iter().any(|(s, _, _)| s == n))
        .map(|n| (n, summary.slot_start(n)))
        .collect();
    let mine = user.and_then(|u| {
        taken
            .iter()
            .find(|(_, who, _)| *who == u)
            .map(|(slot, _, question)| MyBooking {
                slot: *slot,
                at: summary.slot_start(*slot),
                question: question.clone(),
            })
    });
    let name = match user {
        Some(u) => sqlx::query_scalar::<_, Option<String>>("SELECT full_name FROM users WHERE id = $1")
            .bind(u)
            .fetch_optional(&svc.db.pool)
            .await?
            .flatten(),
        None => None,
    };
    Ok(ReceptionView {
        open: !summary.cancelled && summary.starts_at > svc.clock.now_ms(),
        summary,
        free_slots,
        signed_in: user.is_some(),
        mine,
        name,
    })
}

/// The receptions of the bodies a person handles and of the regions they coordinate (a
/// People's Reception), upcoming and the last 50 past; and what a new one can name (only the
/// bodies they handle).
pub async fn desk_receptions(svc: &Services, principal: &Principal) -> Result<DeskReceptions> {
    let handled = crate::appeals::scope::handled_bodies(svc, principal).await?;
    let regions = principal.coordinated_regions();
    let places = crate::appeals::choices(svc).await?;
    let bodies = places
        .bodies
        .iter()
        .filter(|b| handled.contains(&b.id))
        .map(|b| (b.id, b.name.clone()))
        .collect();
    let (mut upcoming, mut past) = (Vec::new(), Vec::new());
    let mut values = vec![Value::Int(svc.clock.now_ms())];
    let mut reach = Vec::new();
    if !handled.is_empty() {
        // The body list comes from the database's own ids, never from the request.
        let list = handled.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
        reach.push(format!("r.body_id IN ({list})"));
    }
    if !regions.is_empty() {
        let mut params = Vec::new();
        for region in &regions {
            values.push(Value::Text(region.clone()));
            params.push(format!("${}", values.len()));
        }
        reach.push(format!("r.region_soato IN ({})", params.join(", ")));
    }
    if !reach.is_empty() {
        let reach = reach.join(" OR ");
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM {SUMMARY_FROM} WHERE ({reach}) AND {NOT_ENDED} ORDER BY r.starts_at, r.id LIMIT 200"
        );
        let rows = crate::db::bind_all(sqlx::query(&sql), &values)
            .fetch_all(&svc.db.pool)
            .await?;
        upcoming = summaries(svc, &rows).await?;
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM {SUMMARY_FROM} WHERE ({reach}) AND NOT ({NOT_ENDED}) \
             ORDER BY r.starts_at DESC, r.id DESC LIMIT 50"
        );
        let rows = crate::db::bind_all(sqlx::query(&sql), &values)
            .fetch_all(&svc.db.pool)
            .await?;
        past = summaries(svc, &rows).await?;
    }
    Ok(DeskReceptions {
        upcoming,
        past,
        bodies,
        topics: places.topics,
        regions: places.regions,
        districts: places.districts,
    })
}

/// One reception of a body the person handles or of a region they coordinate, with who is
/// booked for each slot; to anyone else it is not found, as if it did not exist.
pub async fn desk_reception(svc: &Services, principal: &Principal, id: i64) -> Result<DeskReception> {
    let summary = one(svc, id).await?;
    let region: String = sqlx::query_scalar("SELECT region_soato FROM receptions WHERE id = $1")
        .bind(id)
        .fetch_one(&svc.db.pool)
        .await?;
    let manages = crate::appeals::handles(svc, principal, summary.body_id).await?;
    if !manages && !principal.coordinates(&region) {
        return Err(Error::NotFound);
    }
    let bookings = sqlx::query(
        "SELECT k.slot, k.name, k.question, u.phone FROM reception_bookings k JOIN users u ON u.id = k.user_id \
         WHERE k.reception_id = $1 AND k.cancelled_at IS NULL ORDER BY k.slot",
    )
    .bind(id)
    .fetch_all(&svc.db.pool)
    .await?
    .iter()
    .map(|r| {
        let slot: i64 = r.try_get("slot")?;
        let phone: String = r.try_get("phone")?;
        Ok(Booking {
            slot,
            at: summary.slot_start(slot),
            name: r.try_get("name")?,
            phone: Phone::parse(&phone).map(|p| p.masked()).unwrap_or(phone),
            question: r.try_get("question")?,
        })
    })
    .collect::<Result<_>>()?;
    let visits = visits(svc, id).await?;
    let now = svc.clock.now_ms();
    let open = !summary.cancelled && summary.starts_at > now;
    let registering = manages && !summary.cancelled && now >= summary.starts_at - REGISTER_OPENS_BEFORE_MS;
    let all_topics = if registering {
        crate::appeals::choices::topics(svc).await?
    } else {
        Vec::new()
    };
    Ok(DeskReception {
        summary,
        bookings,
        open,
        manages,
        visits,
        registering,
        entry_key: crate::secret::token(),
        all_topics,
    })
}

/// The issues registered at a reception, in the order they were.
async fn visits(svc: &Services, reception: i64) -> Result<Vec<Visit>> {
    sqlx::query(
        "SELECT v.id, v.recorded_at, k.slot, v.name, v.address, v.phone, v.summary, v.outcome, v.resolution, \
           v.signed, a.number, t.name_uz AS t_uz, t.name_uz_cyrl AS t_cyrl, t.name_ru AS t_ru \
         FROM reception_visits v LEFT JOIN reception_bookings k ON k.id = v.booking_id \
         LEFT JOIN appeals a ON a.id = v.appeal_id LEFT JOIN topics t ON t.code = v.topic_code \
         WHERE v.reception_id = $1 ORDER BY v.recorded_at, v.id",
    )
    .bind(reception)
    .fetch_all(&svc.db.pool)
    .await?
    .iter()
    .map(|r| {
        let phone: Option<String> = r.try_get("phone")?;
        let topic: Option<String> = r.try_get("t_uz")?;
        Ok(Visit {
            id: r.try_get("id")?,
            at: r.try_get("recorded_at")?,
            slot: r.try_get("slot")?,
            name: r.try_get("name")?,
            address: r.try_get("address")?,
            phone: phone.map(|p| Phone::parse(&p).map(|p| p.masked()).unwrap_or(p)),
            topic: match topic {
                Some(_) => Some(crate::db::names(r, "t")?),
                None => None,
            },
            summary: r.try_get("summary")?,
            outcome: crate::db::word(r, "outcome")?,
            resolution: r.try_get("resolution")?,
            signed: crate::db::optional_word(r, "signed")?,
            appeal: r.try_get("number")?,
        })
    })
    .collect()
}
