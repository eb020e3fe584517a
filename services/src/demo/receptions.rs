//! Demo receptions (development only): three upcoming reception days, so that the public
//! list and the booking form have something to show on a fresh demo. Published once.

use crate::receptions::{NewReception, PublishError};
use crate::{Result, Services};
use shared::auth::{Grant, Principal, Role};

/// (body, kind, host, place, district, days ahead, time, slots, minutes, topics)
type Demo = (
    i64,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    i64,
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
);

const RECEPTIONS: [Demo; 3] = [
    (
        1,
        "personal",
        "Vazir oʻrinbosari B. Musayev",
        "Navoiy koʻchasi 12, qabulxona",
        "1726266",
        1,
        "10:00",
        "12",
        "15",
        &["healthcare", "medicines"],
    ),
    (
        2,
        "field",
        "Bosh boshqarma boshligʻi D. Rahimova",
        "Mahalla guzari, majlislar zali",
        "1726266",
        3,
        "14:00",
        "10",
        "20",
        &["healthcare"],
    ),
    (
        7,
        "personal",
        "Vazir oʻrinbosari S. Toʻxtayev",
        "Istiqlol koʻchasi 6, 1-qavat",
        "1726266",
        6,
        "09:00",
        "8",
        "30",
        &["electricity"],
    ),
];

pub async fn seed(svc: &Services) -> Result<()> {
    let any: Option<i64> = sqlx::query_scalar("SELECT id FROM receptions LIMIT 1")
        .fetch_optional(&svc.db.pool)
        .await?;
    if any.is_some() {
        return Ok(());
    }
    let Some(admin): Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE phone = $1")
        .bind(super::STAFF[4].phone)
        .fetch_optional(&svc.db.pool)
        .await?
    else {
        return Ok(());
    };
    let principal = Principal {
        user_id: admin,
        grants: vec![Grant {
            role: Role::Administrator,
            scopes: vec![],
        }],
    };
    // The field reception goes to the first mahalla of the demo residents' district.
    let mahalla: Option<String> =
        sqlx::query_scalar("SELECT MIN(code) FROM mahallas WHERE district_soato = '1726266'")
            .fetch_one(&svc.db.pool)
            .await?;
    let calendar = crate::appeals::calendar(svc).await?;
    let today = shared::calendar::day_of(svc.clock.now_ms());
    for (body, kind, host, place, district, ahead, time, slots, minutes, topics) in RECEPTIONS {
        let day =
            shared::time::format_iso_date(shared::calendar::start_of(calendar.next_working(today + ahead)));
        let topics: Vec<String> = topics.iter().map(|t| t.to_string()).collect();
        let new = NewReception {
            body_id: body,
            kind,
            host,
            place,
            district,
            mahalla: (kind == "field").then_some(mahalla.as_deref()).flatten(),
            day: &day,
            time,
            slots,
            slot_minutes: minutes,
            topics: &topics,
        };
        match crate::receptions::publish(svc, &principal, &new).await {
            Ok(_) => {}
            Err(PublishError::Service(e)) => return Err(e),
            Err(PublishError::Refused(problem)) => {
                tracing::warn!(%problem, host, "a demo reception was refused")
            }
        }
    }
    Ok(())
}
