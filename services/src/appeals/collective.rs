//! Collective appeals: the filer names co-signers by phone; each gets a code by SMS and
//! confirms it on the co-signing page. The code proves they hold that phone; it is kept only
//! as a keyed hash, for one appeal and one phone, for a week, with five tries.

use crate::{Result, Services, secret};
use shared::appeal::{Cosigner, Problem};
use shared::{Locale, Phone};
use sqlx::Row;

/// The most co-signers an appeal names.
pub const MAX_COSIGNERS: usize = 50;
/// How long a co-signer's code is good for.
pub const CODE_TTL_MS: i64 = 7 * crate::clock::DAY_MS;
/// Wrong codes allowed per co-signer.
pub const MAX_TRIES: i64 = 5;

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CosignError {
    /// The code is wrong, or no such appeal names this phone (one answer for both).
    #[error("the code is wrong, or this appeal has no co-signer with this phone")]
    Wrong,
    #[error("too many wrong codes")]
    TooManyTries,
    #[error("the code has expired")]
    Expired,
    #[error("already confirmed")]
    Already,
    #[error("the code must be six digits")]
    Malformed,
}

impl CosignError {
    pub fn problem(self) -> Problem {
        match self {
            CosignError::Wrong => Problem::WrongCode,
            CosignError::TooManyTries => Problem::TooManyTries,
            CosignError::Expired => Problem::Expired,
            CosignError::Already => Problem::Already,
            CosignError::Malformed => Problem::CodeMalformed,
        }
    }
}

fn code_hash(svc: &Services, appeal: i64, phone: &Phone, code: &str) -> String {
    secret::hmac_hex(
        &svc.pepper,
        format!("cosign:{appeal}:{}:{code}", phone.e164()).as_bytes(),
    )
}

/// Parses the co-signers' phones as typed (one per line or separated by commas), without the
/// filer's own and without repeats.
pub fn parse_phones(text: &str, filer: &Phone) -> std::result::Result<Vec<Phone>, String> {
    let mut out: Vec<Phone> = Vec::new();
    for part in text
        .split([',', ';', '\n'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let phone = Phone::parse(part).map_err(|_| part.to_string())?;
        if phone != *filer && !out.contains(&phone) {
            out.push(phone);
        }
    }
    Ok(out)
}

/// Inside the filing transaction: records the co-signers and queues each their code.
pub(crate) async fn invite(
    svc: &Services,
    conn: &mut sqlx::AnyConnection,
    appeal: i64,
    number: &str,
    phones: &[Phone],
    locale: Locale,
    now: i64,
) -> Result<()> {
    for phone in phones {
        let code = secret::six_digits();
        sqlx::query(
            "INSERT INTO appeal_cosigners (appeal_id, phone, code_hash, sent_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(appeal)
        .bind(phone.e164())
        .bind(code_hash(svc, appeal, phone, &code))
        .bind(now)
        .execute(&mut *conn)
        .await?;
        // In the co-signer's own language if they use the app, else the filer's.
        let locale = crate::identity::users::locale_of(&mut *conn, phone)
            .await?
            .unwrap_or(locale);
        let text = text::invitation(locale, number, &code, &svc.public_url);
        crate::sms::enqueue(&mut *conn, phone, &text, locale, "cosign", now).await?;
    }
    Ok(())
}

/// A co-signer confirms with the code sent to their phone. Returns the appeal's id.
///
/// Each attempt spends one of the five tries before the code is compared, in one statement,
/// so parallel guesses cannot exceed them; a phone the appeal does not name gets the same
/// answer as a wrong code, so the page tells no one who co-signed what.
pub async fn confirm(svc: &Services, number: &str, phone: &Phone, code: &str) -> Result<i64, ConfirmError> {
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CosignError::Malformed.into());
    }
    let row = sqlx::query(
        "SELECT c.appeal_id, c.code_hash, c.sent_at, c.confirmed_at, a.user_id FROM appeal_cosigners c \
         JOIN appeals a ON a.id = c.appeal_id WHERE a.number = $1 AND c.phone = $2",
    )
    .bind(number.trim().to_uppercase())
    .bind(phone.e164())
    .fetch_optional(&svc.db.pool)
    .await?
    .ok_or(CosignError::Wrong)?;
    let appeal: i64 = row.try_get("appeal_id")?;
    let now = svc.clock.now_ms();
    let spent = sqlx::query(
        "UPDATE appeal_cosigners SET tries = tries + 1 \
         WHERE appeal_id = $1 AND phone = $2 AND tries < $3 AND confirmed_at IS NULL",
    )
    .bind(appeal)
    .bind(phone.e164())
    .bind(MAX_TRIES)
    .execute(&svc.db.pool)
    .await?;
    let right = secret::constant_time_eq(
        &code_hash(svc, appeal, phone, code),
        &row.try_get::<String, _>("code_hash")?,
    );
    if spent.rows_affected() == 0 {
        // Confirmed already (said only to the holder of the right code), or out of tries.
        return Err(
            if right && row.try_get::<Option<i64>, _>("confirmed_at")?.is_some() {
                CosignError::Already
            } else {
                CosignError::TooManyTries
            }
            .into(),
        );
    }
    if !right {
        return Err(CosignError::Wrong.into());
    }
    if now - row.try_get::<i64, _>("sent_at")? > CODE_TTL_MS {
        return Err(CosignError::Expired.into());
    }
    let mut tx = svc.db.pool.begin().await?;
    let done = sqlx::query(
        "UPDATE appeal_cosigners SET confirmed_at = $1 WHERE appeal_id = $2 AND phone = $3 AND confirmed_at IS NULL",
    )
    .bind(now)
    .bind(appeal)
    .bind(phone.e164())
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(CosignError::Already.into());
    }
    let step = super::Step {
        appeal,
        user: row.try_get("user_id")?,
        kind: shared::appeal::EventKind::Cosigned,
        actor: None,
        body: None,
        detail: shared::appeal::Detail::Cosigner(phone.masked()),
        due: None,
        at: now,
    };
    let notice = super::record(svc, &mut tx, step).await?;
    tx.commit().await?;
    svc.live.publish([notice]);
    Ok(appeal)
}

/// Why a confirmation failed: the co-signer's mistake, or the service.
#[derive(Debug, thiserror::Error)]
pub enum ConfirmError {
    #[error(transparent)]
    Cosign(#[from] CosignError),
    #[error(transparent)]
    Service(#[from] crate::Error),
}

crate::error::service_error!(ConfirmError);

/// An appeal's co-signers, phones masked, in the order named.
pub async fn cosigners(svc: &Services, appeal: i64) -> Result<Vec<Cosigner>> {
    sqlx::query(
        "SELECT phone, confirmed_at FROM appeal_cosigners WHERE appeal_id = $1 ORDER BY sent_at, phone",
    )
    .bind(appeal)
    .fetch_all(&svc.db.pool)
    .await?
    .iter()
    .map(|r| {
        let phone: String = r.try_get("phone")?;
        Ok(Cosigner {
            phone: Phone::parse(&phone).map(|p| p.masked()).unwrap_or(phone),
            confirmed: r.try_get::<Option<i64>, _>("confirmed_at")?.is_some(),
        })
    })
    .collect()
}

pub mod text {
    use shared::Locale;
    use shared::i18n::{Sms, sms};

    pub fn invitation(locale: Locale, number: &str, code: &str, site: &str) -> String {
        sms(
            locale,
            Sms::CosignInvitation,
            &[("number", number), ("code", code), ("site", site)],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_are_read_in_any_common_writing_without_the_filer_or_repeats() {
        let filer = Phone::parse("+998901234567").unwrap();
        let got = parse_phones("90 123 45 67, 93-111-22-33\n+998931112233;", &filer).unwrap();
        assert_eq!(got, vec![Phone::parse("931112233").unwrap()]);
        assert_eq!(parse_phones("12345", &filer).unwrap_err(), "12345");
    }
}
