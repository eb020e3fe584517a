//! The mahalla seven (mahalla yettiligi) as people. An administrator, or the People's
//! Reception of the mahalla's region, names each member by phone and role (one person per
//! role, the new one replacing the old); members see the collective appeals of their mahalla
//! and give or refuse consent to close them themselves, confirmed with a code sent to their
//! phone. A collective appeal's representatives are its confirmed co-signers, who give their
//! word the same way. An officer records no one's consent.

use super::timeline::{Step, record};
use crate::{Error, Result, Services, secret};
use shared::appeal::{ConsentCase, ConsentRole, Detail, EventKind, SevenDesk, SevenMember, SevenProblem};
use shared::auth::Principal;
use shared::{Locale, Phone};
use sqlx::Row;

/// Tries a consent code allows, and how long it lives.
pub const MAX_TRIES: i64 = 5;
pub const CODE_TTL_MS: i64 = 15 * 60_000;
/// Consent codes one person may be sent in a day.
pub const CODES_PER_DAY: i64 = 10;
pub const NAME_MAX: usize = 200;

#[derive(Debug, thiserror::Error)]
pub enum SevenError {
    /// No such mahalla, member or appeal within the person's reach.
    #[error("not found")]
    NotFound,
    #[error("refused: {0}")]
    Refused(SevenProblem),
    #[error(transparent)]
    Service(#[from] Error),
}

crate::error::service_error!(SevenError);

use SevenError::Refused;

/// The region of a mahalla the person may name members in (an administrator: any).
async fn reachable_mahalla(
    svc: &Services,
    principal: &Principal,
    mahalla: &str,
) -> Result<String, SevenError> {
    let region: String = sqlx::query_scalar("SELECT region_soato FROM mahallas WHERE code = $1")
        .bind(mahalla.trim())
        .fetch_optional(&svc.db.pool)
        .await?
        .ok_or(Refused(SevenProblem::Mahalla))?;
    if !principal.has_role(shared::auth::Role::Administrator) && !principal.coordinates(&region) {
        return Err(Refused(SevenProblem::Mahalla));
    }
    Ok(region)
}

/// Names a member of a mahalla's seven: the person with that phone (their account opened if
/// they have none) takes the role, replacing whoever held it, and is told by SMS.
pub async fn name_member(
    svc: &Services,
    principal: &Principal,
    mahalla: &str,
    role: &str,
    name: &str,
    phone: &str,
) -> Result<i64, SevenError> {
    let mahalla = mahalla.trim();
    reachable_mahalla(svc, principal, mahalla).await?;
    let role = ConsentRole::parse(role.trim())
        .filter(|r| r.of_mahalla_seven())
        .ok_or(Refused(SevenProblem::Role))?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > NAME_MAX {
        return Err(Refused(SevenProblem::Name));
    }
    let phone = Phone::parse(phone).map_err(|_| Refused(SevenProblem::Phone))?;
    let now = svc.clock.now_ms();
    let mut tx = svc.db.pool.begin().await?;
    let (user_id, locale) = crate::identity::users::find_or_open(&mut tx, &phone, Locale::Uz, now).await?;
    sqlx::query(
        "UPDATE mahalla_members SET removed_at = $1 WHERE mahalla_code = $2 AND role = $3 AND removed_at IS NULL",
    )
    .bind(now)
    .bind(mahalla)
    .bind(role.code())
    .execute(&mut *tx)
    .await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO mahalla_members (mahalla_code, user_id, role, name, named_by, named_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(mahalla)
    .bind(user_id)
    .bind(role.code())
    .bind(name)
    .bind(principal.user_id)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    let (latin, cyrillic): (String, String) =
        sqlx::query_as("SELECT name_uz, name_uz_cyrl FROM mahallas WHERE code = $1")
            .bind(mahalla)
            .fetch_one(&mut *tx)
            .await?;
    let mahalla_name = if locale == Locale::Uz { latin } else { cyrillic };
    let text = shared::i18n::sms(
        locale,
        shared::i18n::Sms::MahallaSevenNamed,
        &[
            ("mahalla", &mahalla_name),
            ("link", &format!("{}/consents", svc.public_url)),
        ],
    );
    crate::sms::enqueue(&mut *tx, &phone, &text, locale, "mahalla_seven", now).await?;
    tx.commit().await?;
    tracing::info!(
        member = id,
        mahalla,
        by = principal.user_id,
        "a mahalla seven member named"
    );
    Ok(id)
}

/// Removes a member from their mahalla's seven. Returns false if they were removed already.
pub async fn remove_member(svc: &Services, principal: &Principal, member: i64) -> Result<bool, SevenError> {
    let mahalla: String = sqlx::query_scalar("SELECT mahalla_code FROM mahalla_members WHERE id = $1")
        .bind(member)
        .fetch_optional(&svc.db.pool)
        .await?
        .ok_or(SevenError::NotFound)?;
    reachable_mahalla(svc, principal, &mahalla)
        .await
        .map_err(|_| SevenError::NotFound)?;
    let done = sqlx::query("UPDATE mahalla_members SET removed_at = $1 WHERE id = $2 AND removed_at IS NULL")
        .bind(svc.clock.now_ms())
        .bind(member)
        .execute(&svc.db.pool)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The naming page: the regions the person may name in (with their districts), and the
/// chosen mahalla's members.
pub async fn seven_desk(svc: &Services, principal: &Principal, mahalla: &str) -> Result<SevenDesk> {
    let places = super::choices(svc).await?;
    let admin = principal.has_role(shared::auth::Role::Administrator);
    let regions: Vec<(String, shared::geo::Names)> = places
        .regions
        .into_iter()
        .filter(|(code, _)| admin || principal.coordinates(code))
        .collect();
    let districts = places
        .districts
        .into_iter()
        .filter(|(code, _)| regions.iter().any(|(r, _)| code.starts_with(r.as_str())))
        .collect();
    let mut desk = SevenDesk {
        regions,
        districts,
        mahalla: None,
        members: Vec::new(),
    };
    if mahalla.trim().is_empty() || reachable_mahalla(svc, principal, mahalla).await.is_err() {
        return Ok(desk);
    }
    let row = sqlx::query("SELECT code, name_uz AS n_uz, name_uz_cyrl AS n_cyrl, name_uz_cyrl AS n_ru FROM mahallas WHERE code = $1")
        .bind(mahalla.trim())
        .fetch_one(&svc.db.pool)
        .await?;
    desk.mahalla = Some((row.try_get("code")?, crate::db::names(&row, "n")?));
    desk.members = sqlx::query(
        "SELECT m.id, m.role, m.name, m.named_at, u.phone FROM mahalla_members m JOIN users u ON u.id = m.user_id \
         WHERE m.mahalla_code = $1 AND m.removed_at IS NULL ORDER BY m.id",
    )
    .bind(mahalla.trim())
    .fetch_all(&svc.db.pool)
    .await?
    .iter()
    .map(|r| {
        let phone: String = r.try_get("phone")?;
        Ok(SevenMember {
            id: r.try_get("id")?,
            role: crate::db::word(r, "role")?,
            name: r.try_get("name")?,
            phone: Phone::parse(&phone).map(|p| p.masked()).unwrap_or(phone),
            named_at: r.try_get("named_at")?,
        })
    })
    .collect::<Result<_>>()?;
    Ok(desk)
}

/// The roles a person speaks in on a collective appeal: each seven role they hold in its
/// mahalla, and representative if they confirmed their signature on it.
async fn roles_on(svc: &Services, user_id: i64, appeal: i64) -> Result<Vec<(ConsentRole, String)>> {
    let mut roles: Vec<(ConsentRole, String)> = sqlx::query(
        "SELECT m.role, m.name FROM mahalla_members m JOIN appeals a ON a.mahalla_code = m.mahalla_code \
         WHERE a.id = $1 AND a.collective = 1 AND m.user_id = $2 AND m.removed_at IS NULL ORDER BY m.role",
    )
    .bind(appeal)
    .bind(user_id)
    .fetch_all(&svc.db.pool)
    .await?
    .iter()
    .map(|r| Ok((crate::db::word(r, "role")?, r.try_get("name")?)))
    .collect::<Result<_>>()?;
    let cosigner = sqlx::query(
        "SELECT u.full_name, u.phone FROM appeal_cosigners c JOIN users u ON u.phone = c.phone \
         WHERE c.appeal_id = $1 AND u.id = $2 AND c.confirmed_at IS NOT NULL",
    )
    .bind(appeal)
    .bind(user_id)
    .fetch_optional(&svc.db.pool)
    .await?;
    if let Some(r) = cosigner {
        let phone: String = r.try_get("phone")?;
        let name = r
            .try_get::<Option<String>, _>("full_name")?
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| Phone::parse(&phone).map(|p| p.masked()).unwrap_or(phone));
        roles.push((ConsentRole::Representative, name));
    }
    Ok(roles)
}

/// The unresolved collective appeals waiting for the person's word: of the mahallas whose
/// seven they are in, and those they co-signed.
pub async fn consent_cases(svc: &Services, user_id: i64) -> Result<Vec<ConsentCase>> {
    let rows = sqlx::query(
        "SELECT a.id, a.number, a.subject, a.status, b.name_uz AS b_uz, b.name_uz_cyrl AS b_cyrl, b.name_ru AS b_ru \
         FROM appeals a JOIN bodies b ON b.id = a.body_id \
         WHERE a.collective = 1 AND a.status <> 'resolved' AND ( \
           a.mahalla_code IN (SELECT mahalla_code FROM mahalla_members WHERE user_id = $1 AND removed_at IS NULL) \
           OR a.id IN (SELECT c.appeal_id FROM appeal_cosigners c JOIN users u ON u.phone = c.phone \
                       WHERE u.id = $1 AND c.confirmed_at IS NOT NULL)) \
         ORDER BY a.id DESC LIMIT 200",
    )
    .bind(user_id)
    .fetch_all(&svc.db.pool)
    .await?;
    let mut out = Vec::new();
    for r in &rows {
        let appeal: i64 = r.try_get("id")?;
        let answer = match super::return_to_control::last_answer(svc, appeal).await? {
            Some((event, _)) => {
                let detail: String = sqlx::query_scalar("SELECT detail FROM appeal_events WHERE id = $1")
                    .bind(event)
                    .fetch_one(&svc.db.pool)
                    .await?;
                match serde_json::from_str::<Detail>(&detail) {
                    Ok(Detail::Note(text)) => Some(text),
                    _ => None,
                }
            }
            None => None,
        };
        for (role, _) in roles_on(svc, user_id, appeal).await? {
            let said: Option<i16> = sqlx::query_scalar(
                "SELECT consent FROM appeal_consents WHERE appeal_id = $1 AND user_id = $2 AND role = $3 \
                 ORDER BY id DESC LIMIT 1",
            )
            .bind(appeal)
            .bind(user_id)
            .bind(role.code())
            .fetch_optional(&svc.db.pool)
            .await?;
            out.push(ConsentCase {
                appeal,
                number: r.try_get("number")?,
                subject: r.try_get("subject")?,
                body: crate::db::names(r, "b")?,
                status: crate::db::word(r, "status")?,
                answer: answer.clone(),
                role,
                said: said.map(|s| s != 0),
            });
        }
    }
    Ok(out)
}

fn code_hash(svc: &Services, appeal: i64, user_id: i64, code: &str) -> String {
    secret::hmac_hex(
        &svc.pepper,
        format!("consent:{appeal}:{user_id}:{code}").as_bytes(),
    )
}

/// Sends the person a code to confirm their word on an appeal they may speak on.
pub async fn send_code(svc: &Services, user_id: i64, appeal: i64) -> Result<(), SevenError> {
    if roles_on(svc, user_id, appeal).await?.is_empty() || !open(svc, appeal).await? {
        return Err(SevenError::NotFound);
    }
    let now = svc.clock.now_ms();
    let (phone, locale) = {
        let mut conn = svc.db.pool.acquire().await?;
        crate::identity::users::contact(&mut conn, user_id)
            .await?
            .ok_or(SevenError::NotFound)?
    };
    let limit = crate::rate::Limit::new(
        format!("consent:user:{user_id}"),
        CODES_PER_DAY,
        crate::clock::DAY_MS,
    );
    if !crate::rate::allow_all(&svc.db, &[limit], now).await? {
        return Err(Refused(SevenProblem::RateLimited));
    }
    let number: String = sqlx::query_scalar("SELECT number FROM appeals WHERE id = $1")
        .bind(appeal)
        .fetch_one(&svc.db.pool)
        .await?;
    let code = secret::six_digits();
    let mut tx = svc.db.pool.begin().await?;
    sqlx::query("DELETE FROM consent_codes WHERE appeal_id = $1 AND user_id = $2")
        .bind(appeal)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO consent_codes (appeal_id, user_id, code_hash, sent_at) VALUES ($1, $2, $3, $4)")
        .bind(appeal)
        .bind(user_id)
        .bind(code_hash(svc, appeal, user_id, &code))
        .bind(now)
        .execute(&mut *tx)
        .await?;
    let text = shared::i18n::sms(
        locale,
        shared::i18n::Sms::ConsentCode,
        &[("number", &number), ("code", &code)],
    );
    crate::sms::enqueue(&mut *tx, &phone, &text, locale, "consent", now).await?;
    tx.commit().await?;
    svc.sms_wakeup.notify_one();
    Ok(())
}

async fn open(svc: &Services, appeal: i64) -> Result<bool> {
    let status: Option<String> = sqlx::query_scalar("SELECT status FROM appeals WHERE id = $1")
        .bind(appeal)
        .fetch_optional(&svc.db.pool)
        .await?;
    Ok(status.is_some_and(|s| s != "resolved"))
}

/// The person gives (or refuses) consent to close a collective appeal, in a role they hold on
/// it, with the code sent to their phone. Their last word in a role is the one that counts.
pub async fn give(
    svc: &Services,
    user_id: i64,
    appeal: i64,
    role: &str,
    consent: &str,
    code: &str,
) -> Result<(), SevenError> {
    let role = ConsentRole::parse(role.trim()).ok_or(Refused(SevenProblem::Role))?;
    let consent = match consent {
        "yes" => true,
        "no" => false,
        _ => return Err(Refused(SevenProblem::Consent)),
    };
    let roles = roles_on(svc, user_id, appeal).await?;
    if roles.is_empty() || !open(svc, appeal).await? {
        return Err(SevenError::NotFound);
    }
    let Some((_, person)) = roles.into_iter().find(|(r, _)| *r == role) else {
        return Err(Refused(SevenProblem::NotYours));
    };
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Refused(SevenProblem::Code));
    }
    let row =
        sqlx::query("SELECT code_hash, sent_at FROM consent_codes WHERE appeal_id = $1 AND user_id = $2")
            .bind(appeal)
            .bind(user_id)
            .fetch_optional(&svc.db.pool)
            .await?
            .ok_or(Refused(SevenProblem::NoCode))?;
    let spent = sqlx::query(
        "UPDATE consent_codes SET tries = tries + 1 WHERE appeal_id = $1 AND user_id = $2 AND tries < $3",
    )
    .bind(appeal)
    .bind(user_id)
    .bind(MAX_TRIES)
    .execute(&svc.db.pool)
    .await?;
    if spent.rows_affected() == 0 {
        return Err(Refused(SevenProblem::TooManyTries));
    }
    if !secret::constant_time_eq(
        &code_hash(svc, appeal, user_id, code),
        &row.try_get::<String, _>("code_hash")?,
    ) {
        return Err(Refused(SevenProblem::Code));
    }
    let now = svc.clock.now_ms();
    if now - row.try_get::<i64, _>("sent_at")? > CODE_TTL_MS {
        return Err(Refused(SevenProblem::CodeExpired));
    }
    let mut tx = svc.db.pool.begin().await?;
    // A code serves one word: spent here, in the transaction that records it.
    let used = sqlx::query("DELETE FROM consent_codes WHERE appeal_id = $1 AND user_id = $2")
        .bind(appeal)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    if used.rows_affected() == 0 {
        return Err(Refused(SevenProblem::NoCode));
    }
    sqlx::query(
        "INSERT INTO appeal_consents (appeal_id, person, role, consent, recorded_by, user_id, at) \
         VALUES ($1, $2, $3, $4, $5, $5, $6)",
    )
    .bind(appeal)
    .bind(&person)
    .bind(role.code())
    .bind(i16::from(consent))
    .bind(user_id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let owner: i64 = sqlx::query_scalar("SELECT user_id FROM appeals WHERE id = $1")
        .bind(appeal)
        .fetch_one(&mut *tx)
        .await?;
    let step = Step {
        appeal,
        user: owner,
        kind: EventKind::Consent,
        actor: Some(user_id),
        body: None,
        detail: Detail::Consent {
            person,
            role,
            consent,
        },
        due: None,
        at: now,
    };
    let notice = record(svc, &mut tx, step).await?;
    tx.commit().await?;
    svc.live.publish([notice]);
    Ok(())
}
