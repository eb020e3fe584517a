//! Who is told of an appeal's steps by SMS, and the words: the resident of news, the officers
//! of an appeal that has come to their body.

use crate::Result;
use shared::Phone;
use shared::auth::Scope;
use sqlx::Row;

pub mod text {
    use shared::Locale;
    use shared::i18n::{Sms, sms};

    pub fn changed(locale: Locale, number: &str) -> String {
        sms(locale, Sms::AppealChanged, &[("number", number)])
    }

    pub fn escalated(locale: Locale, number: &str, due: &str) -> String {
        sms(locale, Sms::AppealEscalated, &[("number", number), ("due", due)])
    }

    pub fn returned_to_officer(locale: Locale, number: &str, due: &str) -> String {
        sms(
            locale,
            Sms::AppealReturnedToOfficer,
            &[("number", number), ("due", due)],
        )
    }

    pub fn sent_back_to_officer(locale: Locale, number: &str, due: &str) -> String {
        sms(
            locale,
            Sms::AppealSentBackToOfficer,
            &[("number", number), ("due", due)],
        )
    }

    pub fn escalated_to_officer(locale: Locale, number: &str, due: &str) -> String {
        sms(
            locale,
            Sms::AppealEscalatedToOfficer,
            &[("number", number), ("due", due)],
        )
    }
}

/// Why an appeal came to a body from below.
#[derive(Clone, Copy)]
pub(super) enum Arrival {
    Overdue,
    Returned,
    SentBack,
}

/// The officers and heads whose grant names this body itself (not a body above it): who is
/// told of what comes to the body.
pub(super) async fn staff_named_for(
    conn: &mut sqlx::AnyConnection,
    body: i64,
) -> Result<Vec<(Phone, shared::Locale)>> {
    let rows = sqlx::query(
        "SELECT DISTINCT u.phone, u.locale FROM role_grants g JOIN grant_scopes s ON s.grant_id = g.id \
         JOIN users u ON u.id = g.user_id \
         WHERE g.role IN ('appeals_officer', 'head_of_body') AND s.scope = $1",
    )
    .bind(Scope::Body(body).encode())
    .fetch_all(&mut *conn)
    .await?;
    let mut staff = Vec::with_capacity(rows.len());
    for row in &rows {
        let locale = shared::Locale::from_tag(&row.try_get::<String, _>("locale")?).unwrap_or_default();
        if let Ok(phone) = Phone::parse(&row.try_get::<String, _>("phone")?) {
            staff.push((phone, locale));
        }
    }
    Ok(staff)
}

/// Queues "an appeal has come to your body, due then" to the body's officers and heads.
pub(super) async fn tell_officers(
    conn: &mut sqlx::AnyConnection,
    body: i64,
    number: &str,
    due: &str,
    why: Arrival,
    now: i64,
) -> Result<()> {
    for (phone, locale) in staff_named_for(&mut *conn, body).await? {
        let words = match why {
            Arrival::Overdue => text::escalated_to_officer(locale, number, due),
            Arrival::Returned => text::returned_to_officer(locale, number, due),
            Arrival::SentBack => text::sent_back_to_officer(locale, number, due),
        };
        crate::sms::enqueue(&mut *conn, &phone, &words, locale, "appeal", now).await?;
    }
    Ok(())
}

/// Queues "there is news about your appeal" to the resident by SMS, in their language —
/// unless the step reaches them in Telegram (`push_step`, with this SMS as its fallback).
pub(super) async fn tell_resident(
    svc: &crate::Services,
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
    number: &str,
    now: i64,
) -> Result<()> {
    if crate::notify::chat_of(svc, conn, user_id).await?.is_some() {
        return Ok(());
    }
    if let Some((phone, locale)) = crate::identity::users::contact(&mut *conn, user_id).await? {
        crate::sms::enqueue(
            &mut *conn,
            &phone,
            &text::changed(locale, number),
            locale,
            "appeal",
            now,
        )
        .await?;
    }
    Ok(())
}

/// A step the resident sees, told in their Telegram chat as it happens (from the same events
/// the live page shows), with "there is news" by SMS as the fallback. Inside the step's
/// transaction; nothing when they are not reached in Telegram.
pub(super) async fn push_step(
    svc: &crate::Services,
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
    appeal: i64,
    kind: shared::appeal::EventKind,
    now: i64,
) -> Result<()> {
    if kind.internal() {
        return Ok(());
    }
    let Some((chat, chat_locale)) = crate::notify::chat_of(svc, conn, user_id).await? else {
        return Ok(());
    };
    let number: String = sqlx::query_scalar("SELECT number FROM appeals WHERE id = $1")
        .bind(appeal)
        .fetch_one(&mut *conn)
        .await?;
    let link = format!("{}/appeals/{appeal}", svc.public_url);
    let words = crate::telegram::appeal_event_words(chat_locale, &number, kind, &link);
    let sms_locale = crate::identity::users::contact(&mut *conn, user_id)
        .await?
        .map_or(chat_locale, |(_, locale)| locale);
    let fallback = text::changed(sms_locale, &number);
    crate::telegram::outbox::enqueue(
        &mut *conn,
        chat,
        &crate::telegram::outbox::Outgoing::plain(words),
        "appeal",
        Some(crate::telegram::outbox::Fallback {
            user_id,
            text: &fallback,
        }),
        now,
    )
    .await?;
    Ok(())
}
