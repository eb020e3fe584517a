//! At the reception: its staff register each visitor (booked or walk-in) and each issue they
//! raise. An issue is resolved on the spot (the protocol says how) or becomes an appeal filed
//! on the visitor's behalf, which the visitor confirms with the code sent to their phone or
//! by signing on paper; only then is it filed, with the reception's channel. Staff mark the
//! reception held.
//!
//! Each entry carries a key the register gave it on the device, so an entry sent again (a
//! retry after the connection dropped, a second press, the offline register catching up) is
//! stored once and answered with the same visit.

use crate::appeals::{FileError, NewAppeal};
use crate::{Error, Result, Services, secret};
use shared::appeal::Channel;
use shared::auth::Principal;
use shared::i18n::{Sms, sms};
use shared::reception::{
    REGISTER_OPENS_BEFORE_MS, ReceptionKind, ReceptionProblem, SUMMARY_MAX, Signature, VISITOR_ADDRESS_MAX,
    VISITOR_NAME_MAX, VisitOutcome,
};
use shared::{Locale, Phone};
use sqlx::Row;

/// Tries a visitor's code allows, and how long it lives: they are standing at the desk.
pub const MAX_TRIES: i64 = 5;
pub const CODE_TTL_MS: i64 = 60 * 60_000;
/// Codes one phone may be sent in a day, and one member of staff may send.
pub const CODES_PER_PHONE_PER_DAY: i64 = 5;
pub const CODES_PER_STAFF_PER_DAY: i64 = 300;

#[derive(Debug, thiserror::Error)]
pub enum VisitError {
    /// No such reception or visit, or not one the person manages.
    #[error("not found")]
    NotFound,
    #[error("refused: {0}")]
    Refused(ReceptionProblem),
    #[error(transparent)]
    Service(#[from] Error),
}

crate::error::service_error!(VisitError);

use VisitError::Refused;

/// An entry of the register as staff typed it.
#[derive(Clone, Copy, Debug, Default)]
pub struct NewVisit<'a> {
    pub entry_key: &'a str,
    /// The booked slot the visitor came for; empty for a walk-in.
    pub slot: &'a str,
    pub name: &'a str,
    pub address: &'a str,
    pub phone: &'a str,
    pub topic: &'a str,
    pub summary: &'a str,
    pub outcome: &'a str,
    pub resolution: &'a str,
    /// The visitor signed the appeal on paper there and then.
    pub paper: bool,
}

/// A registered entry: its id, and the appeal's number once filed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recorded {
    pub visit: i64,
    pub appeal: Option<String>,
}

/// What a reception's register needs of it.
struct Reception {
    body_id: i64,
    kind: ReceptionKind,
    host: String,
    starts_at: i64,
    cancelled: bool,
    region: String,
    district: String,
    mahalla: Option<String>,
}

/// The reception, if the person manages it (handles its body).
async fn managed(svc: &Services, principal: &Principal, id: i64) -> Result<Reception, VisitError> {
    let row = sqlx::query(
        "SELECT body_id, kind, host, starts_at, cancelled_at, region_soato, district_soato, mahalla_code \
         FROM receptions WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&svc.db.pool)
    .await?
    .ok_or(VisitError::NotFound)?;
    let reception = Reception {
        body_id: row.try_get("body_id")?,
        kind: crate::db::word(&row, "kind")?,
        host: row.try_get("host")?,
        starts_at: row.try_get("starts_at")?,
        cancelled: row.try_get::<Option<i64>, _>("cancelled_at")?.is_some(),
        region: row.try_get("region_soato")?,
        district: row.try_get("district_soato")?,
        mahalla: row.try_get("mahalla_code")?,
    };
    if !crate::appeals::handles(svc, principal, reception.body_id).await? {
        return Err(VisitError::NotFound);
    }
    Ok(reception)
}

/// A text field: trimmed, present and not longer than `max`.
fn required(text: &str, max: usize, problem: ReceptionProblem) -> Result<&str, VisitError> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > max {
        return Err(Refused(problem));
    }
    Ok(text)
}

fn code_hash(svc: &Services, visit: i64, phone: &str, code: &str) -> String {
    secret::hmac_hex(&svc.pepper, format!("visit:{visit}:{phone}:{code}").as_bytes())
}

/// The entry with this key, if it was stored already.
async fn stored(svc: &Services, reception: i64, key: &str) -> Result<Option<Recorded>> {
    let row = sqlx::query(
        "SELECT v.id, a.number FROM reception_visits v LEFT JOIN appeals a ON a.id = v.appeal_id \
         WHERE v.reception_id = $1 AND v.entry_key = $2",
    )
    .bind(reception)
    .bind(key)
    .fetch_optional(&svc.db.pool)
    .await?;
    row.map(|r| {
        Ok(Recorded {
            visit: r.try_get("id")?,
            appeal: r.try_get("number")?,
        })
    })
    .transpose()
}

/// Registers an issue a visitor raised. An appeal signed on paper is filed at once; one to be
/// confirmed by SMS sends the visitor their code. Refused input stores nothing.
pub async fn record_visit(
    svc: &Services,
    principal: &Principal,
    reception_id: i64,
    new: &NewVisit<'_>,
) -> Result<Recorded, VisitError> {
    let reception = managed(svc, principal, reception_id).await?;
    let key = new.entry_key.trim();
    if !(8..=64).contains(&key.len())
        || !key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(Refused(ReceptionProblem::EntryKey));
    }
    // Sent before: the same answer, whatever has changed since.
    if let Some(done) = stored(svc, reception_id, key).await? {
        return Ok(done);
    }
    let now = svc.clock.now_ms();
    if reception.cancelled {
        return Err(Refused(ReceptionProblem::Closed));
    }
    if now < reception.starts_at - REGISTER_OPENS_BEFORE_MS {
        return Err(Refused(ReceptionProblem::NotBegun));
    }
    // A booked visitor: their booking, and the name they booked with unless another is typed.
    let booking: Option<(i64, String)> = match new.slot.trim() {
        "" => None,
        slot => {
            let slot: i64 = slot.parse().map_err(|_| Refused(ReceptionProblem::Booking))?;
            let row = sqlx::query(
                "SELECT id, name FROM reception_bookings WHERE reception_id = $1 AND slot = $2 AND cancelled_at IS NULL",
            )
            .bind(reception_id)
            .bind(slot)
            .fetch_optional(&svc.db.pool)
            .await?
            .ok_or(Refused(ReceptionProblem::Booking))?;
            Some((row.try_get("id")?, row.try_get("name")?))
        }
    };
    let name = match (new.name.trim(), &booking) {
        ("", Some((_, booked))) => booked.as_str(),
        (typed, _) => required(typed, VISITOR_NAME_MAX, ReceptionProblem::Name)?,
    };
    let address = required(new.address, VISITOR_ADDRESS_MAX, ReceptionProblem::Address)?;
    let summary = required(new.summary, SUMMARY_MAX, ReceptionProblem::Summary)?;
    let outcome = VisitOutcome::parse(new.outcome.trim()).ok_or(Refused(ReceptionProblem::Outcome))?;
    let phone = match new.phone.trim() {
        "" => None,
        typed => Some(Phone::parse(typed).map_err(|_| Refused(ReceptionProblem::Phone))?),
    };
    let topic = match new.topic.trim() {
        "" => None,
        code => Some(
            sqlx::query_scalar::<_, String>("SELECT code FROM topics WHERE code = $1")
                .bind(code)
                .fetch_optional(&svc.db.pool)
                .await?
                .ok_or(Refused(ReceptionProblem::Topic))?,
        ),
    };
    let resolution = match outcome {
        VisitOutcome::Resolved => Some(required(
            new.resolution,
            SUMMARY_MAX,
            ReceptionProblem::Resolution,
        )?),
        VisitOutcome::Appeal => {
            // An appeal is the visitor's: it needs their phone (to confirm and to follow it)
            // and a topic (to route it).
            if phone.is_none() {
                return Err(Refused(ReceptionProblem::Phone));
            }
            if topic.is_none() {
                return Err(Refused(ReceptionProblem::Topic));
            }
            None
        }
    };
    let by_sms = outcome == VisitOutcome::Appeal && !new.paper;
    if by_sms {
        let phone = phone.as_ref().map(Phone::e164).unwrap_or_default();
        let limits = [
            crate::rate::Limit::new(
                format!("sms:to:{phone}"),
                CODES_PER_PHONE_PER_DAY,
                crate::clock::DAY_MS,
            ),
            crate::rate::Limit::new(
                format!("visit-code:staff:{}", principal.user_id),
                CODES_PER_STAFF_PER_DAY,
                crate::clock::DAY_MS,
            ),
        ];
        if !crate::rate::allow_all(&svc.db, &limits, now).await? {
            return Err(Refused(ReceptionProblem::RateLimited));
        }
    }

    let mut tx = svc.db.pool.begin().await?;
    let inserted: Option<i64> = sqlx::query_scalar(
        "INSERT INTO reception_visits (reception_id, entry_key, booking_id, name, address, phone, topic_code, \
           summary, outcome, resolution, recorded_by, recorded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
         ON CONFLICT (reception_id, entry_key) DO NOTHING RETURNING id",
    )
    .bind(reception_id)
    .bind(key)
    .bind(booking.as_ref().map(|(id, _)| *id))
    .bind(name)
    .bind(address)
    .bind(phone.as_ref().map(Phone::e164))
    .bind(topic.as_deref())
    .bind(summary)
    .bind(outcome.code())
    .bind(resolution)
    .bind(principal.user_id)
    .bind(now)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(visit) = inserted else {
        // The same entry arrived twice at once: the other request stored it.
        drop(tx);
        return stored(svc, reception_id, key).await?.ok_or(VisitError::NotFound);
    };
    if let (true, Some(phone)) = (by_sms, &phone) {
        let code = secret::six_digits();
        sqlx::query("UPDATE reception_visits SET code_hash = $1, code_sent_at = $2 WHERE id = $3")
            .bind(code_hash(svc, visit, &phone.e164(), &code))
            .bind(now)
            .bind(visit)
            .execute(&mut *tx)
            .await?;
        // The visitor's language if they use the app, Uzbek otherwise.
        let locale = crate::identity::users::locale_of(&mut tx, phone)
            .await?
            .unwrap_or(Locale::Uz);
        let text = sms(
            locale,
            Sms::ReceptionVisitCode,
            &[("host", &reception.host), ("code", &code)],
        );
        crate::sms::enqueue(&mut *tx, phone, &text, locale, "reception_visit", now).await?;
    }
    tx.commit().await?;
    let mut recorded = Recorded { visit, appeal: None };
    if outcome == VisitOutcome::Appeal && new.paper {
        // Filed now; if filing is refused (the visitor's daily limit), the entry stays
        // waiting and staff can sign it again later: nothing typed is lost.
        match sign(svc, visit, &reception, Signature::Paper).await {
            Ok(number) => recorded.appeal = Some(number),
            Err(error) => tracing::warn!(visit, %error, "an appeal signed on paper was not filed yet"),
        }
    }
    Ok(recorded)
}

/// The visitor confirms the appeal filed for them: with the code sent to their phone (read
/// out to the staff), or staff mark it signed on paper. Returns the appeal's number.
///
/// A code counts only for the phone and the entry it was sent for: a code another visitor
/// received is refused like a wrong one, and each try is spent before it is compared.
pub async fn confirm_visit(
    svc: &Services,
    principal: &Principal,
    reception_id: i64,
    visit: i64,
    code: &str,
    paper: bool,
) -> Result<String, VisitError> {
    let reception = managed(svc, principal, reception_id).await?;
    let row = sqlx::query(
        "SELECT phone, outcome, code_hash, code_sent_at, signed, appeal_id FROM reception_visits \
         WHERE id = $1 AND reception_id = $2",
    )
    .bind(visit)
    .bind(reception_id)
    .fetch_optional(&svc.db.pool)
    .await?
    .ok_or(VisitError::NotFound)?;
    if crate::db::word::<VisitOutcome>(&row, "outcome")? != VisitOutcome::Appeal {
        return Err(Refused(ReceptionProblem::Outcome));
    }
    if row.try_get::<Option<i64>, _>("appeal_id")?.is_some() {
        return Err(Refused(ReceptionProblem::AlreadySigned));
    }
    let how = if paper {
        Signature::Paper
    } else {
        let code = code.trim();
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Refused(ReceptionProblem::Code));
        }
        let (Some(hash), Some(sent_at)) = (
            row.try_get::<Option<String>, _>("code_hash")?,
            row.try_get::<Option<i64>, _>("code_sent_at")?,
        ) else {
            // Entered as signed on paper: no code was sent.
            return Err(Refused(ReceptionProblem::Code));
        };
        let spent = sqlx::query(
            "UPDATE reception_visits SET tries = tries + 1 WHERE id = $1 AND tries < $2 AND signed IS NULL",
        )
        .bind(visit)
        .bind(MAX_TRIES)
        .execute(&svc.db.pool)
        .await?;
        if spent.rows_affected() == 0 {
            return Err(Refused(ReceptionProblem::TooManyTries));
        }
        let phone: String = row.try_get::<Option<String>, _>("phone")?.unwrap_or_default();
        if !secret::constant_time_eq(&code_hash(svc, visit, &phone, code), &hash) {
            return Err(Refused(ReceptionProblem::Code));
        }
        if svc.clock.now_ms() - sent_at > CODE_TTL_MS {
            return Err(Refused(ReceptionProblem::CodeExpired));
        }
        Signature::Sms
    };
    sign(svc, visit, &reception, how).await
}

/// Files the appeal of a visit, once: the visit is claimed first, so two confirmations at
/// once file one appeal; a filing that fails releases the claim.
async fn sign(
    svc: &Services,
    visit: i64,
    reception: &Reception,
    how: Signature,
) -> Result<String, VisitError> {
    let claimed = sqlx::query("UPDATE reception_visits SET signed = $1 WHERE id = $2 AND signed IS NULL")
        .bind(how.code())
        .bind(visit)
        .execute(&svc.db.pool)
        .await?;
    if claimed.rows_affected() == 0 {
        return Err(Refused(ReceptionProblem::AlreadySigned));
    }
    match file(svc, visit, reception).await {
        Ok((appeal, number)) => {
            sqlx::query("UPDATE reception_visits SET appeal_id = $1 WHERE id = $2")
                .bind(appeal)
                .bind(visit)
                .execute(&svc.db.pool)
                .await?;
            Ok(number)
        }
        Err(error) => {
            sqlx::query("UPDATE reception_visits SET signed = NULL WHERE id = $1")
                .bind(visit)
                .execute(&svc.db.pool)
                .await?;
            Err(match error {
                FileError::RateLimited => Refused(ReceptionProblem::RateLimited),
                FileError::Service(error) => VisitError::Service(error),
                other => {
                    tracing::error!(visit, error = %other, "a visit's appeal was refused by filing");
                    Refused(ReceptionProblem::Summary)
                }
            })
        }
    }
}

/// Files the visit's appeal as the visitor's own (their account found or opened by phone),
/// to the reception's body, with the reception's channel.
async fn file(svc: &Services, visit: i64, reception: &Reception) -> Result<(i64, String), FileError> {
    let row =
        sqlx::query("SELECT name, address, phone, topic_code, summary FROM reception_visits WHERE id = $1")
            .bind(visit)
            .fetch_one(&svc.db.pool)
            .await?;
    let phone: String = row.try_get::<Option<String>, _>("phone")?.unwrap_or_default();
    let phone = Phone::parse(&phone).map_err(|_| Error::NotFound)?;
    // The appeal is the visitor's own: their account, or one opened in Uzbek for them.
    let (user_id, locale) = {
        let mut conn = svc.db.pool.acquire().await?;
        crate::identity::users::find_or_open(&mut conn, &phone, Locale::Uz, svc.clock.now_ms()).await?
    };
    let summary: String = row.try_get("summary")?;
    let subject = subject_of(&summary);
    let topic: Option<String> = row.try_get("topic_code")?;
    let (name, address): (String, String) = (row.try_get("name")?, row.try_get("address")?);
    let channel = match reception.kind {
        ReceptionKind::Personal => Channel::PersonalReception,
        ReceptionKind::Field => Channel::FieldReception,
    };
    let registered = crate::appeals::file(
        svc,
        &NewAppeal {
            user_id,
            body_id: reception.body_id,
            topic: topic.as_deref().unwrap_or_default(),
            kind: "application",
            subject: &subject,
            text: &summary,
            region: &reception.region,
            district: &reception.district,
            mahalla: reception.mahalla.as_deref(),
            applicant: &name,
            address: &address,
            cosigners: &[],
            files: &[],
            about: None,
            locale,
            channel,
        },
    )
    .await?;
    Ok((registered.id, registered.number))
}

/// An appeal's subject from the summary: its first line, cut at a word near 120
/// characters.
pub fn subject_of(summary: &str) -> String {
    const MAX: usize = 120;
    let line = summary
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or_default();
    if line.chars().count() <= MAX {
        return line.to_string();
    }
    let cut: String = line.chars().take(MAX).collect();
    let at = cut.rfind(' ').filter(|at| *at > MAX / 2).unwrap_or(cut.len());
    format!("{}…", cut[..at].trim_end())
}

/// Staff mark a reception held, once it has begun. Returns false if it was marked already.
pub async fn mark_held(svc: &Services, principal: &Principal, reception_id: i64) -> Result<bool, VisitError> {
    let reception = managed(svc, principal, reception_id).await?;
    let now = svc.clock.now_ms();
    if reception.cancelled {
        return Err(Refused(ReceptionProblem::Closed));
    }
    if now < reception.starts_at {
        return Err(Refused(ReceptionProblem::NotBegun));
    }
    let done =
        sqlx::query("UPDATE receptions SET held_at = $1, held_by = $2 WHERE id = $3 AND held_at IS NULL")
            .bind(now)
            .bind(principal.user_id)
            .bind(reception_id)
            .execute(&svc.db.pool)
            .await?;
    Ok(done.rows_affected() == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subject_is_the_first_line_cut_at_a_word() {
        assert_eq!(subject_of("\n  Suv yo'q  \nuchinchi kun"), "Suv yo'q");
        let long = "soʻz ".repeat(60);
        let subject = subject_of(&long);
        assert!(subject.chars().count() <= 121, "{subject}");
        assert!(subject.ends_with("soʻz…"));
    }
}
