//! A resident books one slot of a reception (one per person per reception, one person per
//! slot: the database's unique indexes keep both, so two requests at once cannot both win),
//! or cancels it; each is confirmed by SMS, and the day before the reception a reminder goes
//! out once. Staff calling a reception off tell everyone booked.

use crate::{Error, Result, Services};
use shared::i18n::{Sms, sms};
use shared::reception::{QUESTION_MAX, ReceptionProblem};
use sqlx::Row;

/// Bookings (and cancellations) one person may make in a day.
pub const BOOKINGS_PER_USER_PER_DAY: i64 = 10;
/// How long before a reception its reminder goes out.
pub const REMIND_BEFORE_MS: i64 = crate::clock::DAY_MS;

#[derive(Debug, thiserror::Error)]
pub enum BookError {
    #[error("no such reception")]
    NotFound,
    #[error("refused: {0}")]
    Refused(ReceptionProblem),
    #[error(transparent)]
    Service(#[from] Error),
}

crate::error::service_error!(BookError);

impl BookError {
    pub fn problem(&self) -> ReceptionProblem {
        match self {
            BookError::Refused(p) => *p,
            BookError::NotFound => ReceptionProblem::Closed,
            BookError::Service(_) => ReceptionProblem::Unavailable,
        }
    }
}

/// What a booking SMS says of the reception.
struct Said {
    host: String,
    place: String,
    starts_at: i64,
    slot_minutes: i64,
    slots: i64,
    cancelled: bool,
}

async fn said(conn: &mut sqlx::AnyConnection, reception: i64) -> Result<Option<Said>, BookError> {
    let row = sqlx::query(
        "SELECT host, place, starts_at, slot_minutes, slots, cancelled_at FROM receptions WHERE id = $1",
    )
    .bind(reception)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| {
        Ok(Said {
            host: r.try_get("host")?,
            place: r.try_get("place")?,
            starts_at: r.try_get("starts_at")?,
            slot_minutes: r.try_get("slot_minutes")?,
            slots: r.try_get("slots")?,
            cancelled: r.try_get::<Option<i64>, _>("cancelled_at")?.is_some(),
        })
    })
    .transpose()
}

/// Queues an SMS about a reception to a person, in their language.
async fn tell(
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
    key: Sms,
    reception: &Said,
    at: i64,
    now: i64,
) -> Result<()> {
    let Some((phone, locale)) = crate::identity::users::contact(&mut *conn, user_id).await? else {
        return Ok(());
    };
    let when = shared::time::format_date_time(at);
    let text = sms(
        locale,
        key,
        &[
            ("host", &reception.host),
            ("when", &when),
            ("place", &reception.place),
        ],
    );
    crate::sms::enqueue(&mut *conn, &phone, &text, locale, "reception", now).await?;
    Ok(())
}

/// Books slot `slot` of a reception for a person, with the question they bring and their
/// name (empty: the one on their profile, which a typed name replaces). Confirmed by SMS.
pub async fn book(
    svc: &Services,
    user_id: i64,
    reception: i64,
    slot: &str,
    name: &str,
    question: &str,
) -> Result<i64, BookError> {
    use BookError::Refused;
    let question = question.trim();
    if question.is_empty() || question.chars().count() > QUESTION_MAX {
        return Err(Refused(ReceptionProblem::Question));
    }
    let typed = name.trim();
    if typed.chars().count() > crate::appeals::NAME_MAX {
        return Err(Refused(ReceptionProblem::Name));
    }
    let profile: Option<String> = sqlx::query_scalar("SELECT full_name FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(&svc.db.pool)
        .await?
        .flatten();
    let name = match (typed, profile.as_deref().map(str::trim)) {
        ("", Some(name)) if !name.is_empty() => name.to_string(),
        ("", _) => return Err(Refused(ReceptionProblem::Name)),
        (typed, _) => typed.to_string(),
    };
    let now = svc.clock.now_ms();
    let limit = crate::rate::Limit::new(
        format!("reception:user:{user_id}"),
        BOOKINGS_PER_USER_PER_DAY,
        crate::clock::DAY_MS,
    );
    if !crate::rate::allow_all(&svc.db, &[limit], now).await? {
        return Err(Refused(ReceptionProblem::RateLimited));
    }

    let mut tx = svc.db.begin_write().await?;
    let r = said(&mut tx, reception).await?.ok_or(BookError::NotFound)?;
    if r.cancelled || r.starts_at <= now {
        return Err(Refused(ReceptionProblem::Closed));
    }
    let slot: i64 = slot.trim().parse().map_err(|_| Refused(ReceptionProblem::Slot))?;
    if !(0..r.slots).contains(&slot) {
        return Err(Refused(ReceptionProblem::Slot));
    }
    // Clear messages first; the unique indexes decide a race.
    let live: Vec<(i64, i64)> = sqlx::query(
        "SELECT slot, user_id FROM reception_bookings WHERE reception_id = $1 AND cancelled_at IS NULL",
    )
    .bind(reception)
    .fetch_all(&mut *tx)
    .await?
    .iter()
    .map(|row| Ok((row.try_get("slot")?, row.try_get("user_id")?)))
    .collect::<Result<_>>()?;
    let refusal = |live: &[(i64, i64)]| {
        if live.iter().any(|(_, u)| *u == user_id) {
            ReceptionProblem::AlreadyBooked
        } else if live.len() as i64 >= r.slots {
            ReceptionProblem::Full
        } else {
            ReceptionProblem::Taken
        }
    };
    if live.iter().any(|(s, u)| *s == slot || *u == user_id) {
        return Err(Refused(refusal(&live)));
    }
    let at = shared::reception::slot_start(r.starts_at, r.slot_minutes, slot);
    // Booked within the last day: the confirmation is the reminder.
    let reminded = (r.starts_at - now <= REMIND_BEFORE_MS).then_some(now);
    let inserted = sqlx::query_scalar::<_, i64>(
        "INSERT INTO reception_bookings (reception_id, slot, user_id, name, question, booked_at, reminded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(reception)
    .bind(slot)
    .bind(user_id)
    .bind(&name)
    .bind(question)
    .bind(now)
    .bind(reminded)
    .fetch_one(&mut *tx)
    .await;
    let id = match inserted {
        Ok(id) => id,
        Err(e) if crate::db::is_unique_violation(&e) => {
            drop(tx);
            return Err(Refused(ReceptionProblem::Taken));
        }
        Err(e) => return Err(e.into()),
    };
    if profile.as_deref() != Some(name.as_str()) {
        sqlx::query("UPDATE users SET full_name = $1 WHERE id = $2")
            .bind(&name)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
    }
    tell(&mut tx, user_id, Sms::ReceptionBooked, &r, at, now).await?;
    tx.commit().await?;
    svc.sms_wakeup.notify_one();
    tracing::info!(reception, slot, user = user_id, "reception slot booked");
    Ok(id)
}

/// Cancels a person's booking of a reception that has not begun; the slot is free again.
pub async fn cancel_booking(svc: &Services, user_id: i64, reception: i64) -> Result<(), BookError> {
    let now = svc.clock.now_ms();
    let mut tx = svc.db.begin_write().await?;
    let r = said(&mut tx, reception).await?.ok_or(BookError::NotFound)?;
    if r.starts_at <= now {
        return Err(BookError::Refused(ReceptionProblem::Closed));
    }
    let slot: Option<i64> = sqlx::query_scalar(
        "UPDATE reception_bookings SET cancelled_at = $1 \
         WHERE reception_id = $2 AND user_id = $3 AND cancelled_at IS NULL RETURNING slot",
    )
    .bind(now)
    .bind(reception)
    .bind(user_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(slot) = slot else {
        return Err(BookError::Refused(ReceptionProblem::NoBooking));
    };
    if !r.cancelled {
        let at = shared::reception::slot_start(r.starts_at, r.slot_minutes, slot);
        tell(&mut tx, user_id, Sms::ReceptionBookingCancelled, &r, at, now).await?;
    }
    tx.commit().await?;
    svc.sms_wakeup.notify_one();
    tracing::info!(reception, user = user_id, "reception booking cancelled");
    Ok(())
}

/// Staff call a reception off: it stays listed as cancelled, and everyone booked is told.
/// False when it was already called off or has begun.
pub async fn call_off(svc: &Services, reception: i64) -> Result<bool, BookError> {
    let now = svc.clock.now_ms();
    let mut tx = svc.db.begin_write().await?;
    let r = said(&mut tx, reception).await?.ok_or(BookError::NotFound)?;
    let changed = sqlx::query(
        "UPDATE receptions SET cancelled_at = $1 WHERE id = $2 AND cancelled_at IS NULL AND starts_at > $1",
    )
    .bind(now)
    .bind(reception)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed == 0 {
        return Ok(false);
    }
    let booked = sqlx::query(
        "SELECT user_id, slot FROM reception_bookings WHERE reception_id = $1 AND cancelled_at IS NULL",
    )
    .bind(reception)
    .fetch_all(&mut *tx)
    .await?;
    for b in &booked {
        let at = shared::reception::slot_start(r.starts_at, r.slot_minutes, b.try_get("slot")?);
        tell(
            &mut tx,
            b.try_get("user_id")?,
            Sms::ReceptionCalledOff,
            &r,
            at,
            now,
        )
        .await?;
    }
    tx.commit().await?;
    svc.sms_wakeup.notify_one();
    tracing::info!(reception, told = booked.len(), "reception called off");
    Ok(true)
}

/// Queues the day-before reminder of up to `limit` bookings whose reception starts within
/// [`REMIND_BEFORE_MS`]; each reminder goes out once, however many instances run this (the
/// booking is marked in the same transaction, on condition it was not marked yet).
pub async fn remind_due(svc: &Services, limit: i64) -> Result<usize, BookError> {
    let now = svc.clock.now_ms();
    let due = sqlx::query(
        "SELECT k.id, k.reception_id, k.user_id, k.slot FROM reception_bookings k JOIN receptions r ON r.id = k.reception_id \
         WHERE k.reminded_at IS NULL AND k.cancelled_at IS NULL AND r.cancelled_at IS NULL \
           AND r.starts_at > $1 AND r.starts_at <= $2 ORDER BY k.id LIMIT $3",
    )
    .bind(now)
    .bind(now + REMIND_BEFORE_MS)
    .bind(limit)
    .fetch_all(&svc.db.pool)
    .await?;
    let mut sent = 0;
    for row in &due {
        let booking: i64 = row.try_get("id")?;
        let mut tx = svc.db.begin_write().await?;
        let marked = sqlx::query(
            "UPDATE reception_bookings SET reminded_at = $1 WHERE id = $2 AND reminded_at IS NULL",
        )
        .bind(now)
        .bind(booking)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if marked == 1 {
            let r = said(&mut tx, row.try_get("reception_id")?)
                .await?
                .ok_or(BookError::NotFound)?;
            let at = shared::reception::slot_start(r.starts_at, r.slot_minutes, row.try_get("slot")?);
            tell(
                &mut tx,
                row.try_get("user_id")?,
                Sms::ReceptionReminder,
                &r,
                at,
                now,
            )
            .await?;
            sent += 1;
        }
        tx.commit().await?;
    }
    if sent > 0 {
        svc.sms_wakeup.notify_one();
    }
    Ok(sent)
}
