//! Sign-in by phone and one-time SMS code, sessions, and the one authorization guard.
//!
//! Codes live 5 minutes, allow 5 wrong tries, can be re-sent after 60 seconds, and are
//! stored only as HMAC-SHA256 with a per-installation pepper. Requests are rate-limited per
//! phone and per client address. Sign-up is implicit (the first sign-in creates the
//! resident), so no answer can reveal whether a number is registered.

use crate::clock::{DAY_MS, HOUR_MS, MINUTE_MS, SECOND_MS};
use crate::{Result, Services, identity::users, rate, secret, sms};
use shared::account::OneTimeCode;
use shared::auth::{Denied, Grant, Need, Principal, Role, Scope, decide};
use shared::{Locale, Phone};
use sqlx::Row;

pub const CODE_TTL_MS: i64 = 5 * MINUTE_MS;
pub const MAX_WRONG_TRIES: i16 = 5;
pub const RESEND_AFTER_MS: i64 = 60 * SECOND_MS;
pub const CODES_PER_PHONE_PER_HOUR: i64 = 5;
pub const CODES_PER_CLIENT_PER_HOUR: i64 = 20;
pub const VERIFIES_PER_CLIENT_PER_HOUR: i64 = 60;
/// A resident's session: 30 days at most, ended after 7 days without use.
pub const SESSION_TTL_MS: i64 = 30 * DAY_MS;
pub const RESIDENT_IDLE_MS: i64 = 7 * DAY_MS;
/// A member of staff's session: 12 hours at most, ended after 30 minutes without use.
pub const STAFF_SESSION_MS: i64 = 12 * HOUR_MS;
pub const STAFF_IDLE_MS: i64 = 30 * MINUTE_MS;
/// Administrator actions need a sign-in (an SMS code) at most this long ago.
pub const RECENT_SIGN_IN_MS: i64 = 15 * MINUTE_MS;
/// Use is written down at most this often per session.
const SEEN_EVERY_MS: i64 = MINUTE_MS;

/// What can go wrong signing in, each with its own message for the resident.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
pub enum SignInError {
    #[error("wait {0} seconds before asking for a new code")]
    ResendTooSoon(i64),
    #[error("too many requests; try again later")]
    RateLimited,
    #[error("no code is waiting for this number")]
    NoCode,
    #[error("the code has expired")]
    Expired,
    #[error("too many wrong codes")]
    TooManyTries,
    #[error("wrong code; {0} tries left")]
    WrongCode(i16),
}

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error(transparent)]
    SignIn(#[from] SignInError),
    #[error(transparent)]
    Service(#[from] crate::Error),
}

crate::error::service_error!(AuthError);

/// Sends a sign-in code to `phone` (through the outbox), unless a limit says no.
pub async fn request_code(
    svc: &Services,
    phone: &Phone,
    client: &str,
    locale: Locale,
) -> Result<(), AuthError> {
    let now = svc.clock.now_ms();
    let last: Option<i64> = sqlx::query_scalar(
        "SELECT MAX(created_at) FROM login_codes WHERE phone = $1 AND consumed_at IS NULL",
    )
    .bind(phone.e164())
    .fetch_one(&svc.db.pool)
    .await?;
    if let Some(last) = last.filter(|last| now - last < RESEND_AFTER_MS) {
        return Err(SignInError::ResendTooSoon((RESEND_AFTER_MS - (now - last) + 999) / 1000).into());
    }
    // Both limits together: a client over its budget spends nothing of the phone's, so no
    // one can lock a number out of signing in by asking for its codes from elsewhere.
    let limits = [
        rate::Limit::new(
            format!("code:client:{client}"),
            CODES_PER_CLIENT_PER_HOUR,
            HOUR_MS,
        ),
        rate::Limit::new(
            format!("code:phone:{}", phone.e164()),
            CODES_PER_PHONE_PER_HOUR,
            HOUR_MS,
        ),
    ];
    if !rate::allow_all(&svc.db, &limits, now).await? {
        tracing::warn!(phone = %phone.masked(), client, "sign-in code rate limit");
        return Err(SignInError::RateLimited.into());
    }
    let code = secret::six_digits();
    let mut tx = svc.db.pool.begin().await?;
    // A new code replaces any earlier one: only the newest can be used.
    sqlx::query("UPDATE login_codes SET consumed_at = $2 WHERE phone = $1 AND consumed_at IS NULL")
        .bind(phone.e164())
        .bind(now)
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO login_codes (phone, code_hash, created_at, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(phone.e164())
        .bind(code_hash(svc, phone, &code))
        .bind(now)
        .bind(now + CODE_TTL_MS)
        .execute(&mut *tx)
        .await?;
    sms::enqueue(
        &mut *tx,
        phone,
        &sms::text::sign_in_code(locale, &code),
        locale,
        "sign_in",
        now,
    )
    .await?;
    tx.commit().await?;
    svc.sms_wakeup.notify_one();
    Ok(())
}

fn code_hash(svc: &Services, phone: &Phone, code: &str) -> String {
    secret::hmac_hex(&svc.pepper, format!("{}:{code}", phone.e164()).as_bytes())
}

/// A new session: the cookie value (shown once, stored only hashed) and its owner.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub token: String,
    pub user_id: i64,
    pub expires_at: i64,
}

/// Checks a code and signs in. The previous session of this browser (if any) is ended, so
/// the session id changes on sign-in.
pub async fn verify_code(
    svc: &Services,
    phone: &Phone,
    code: &OneTimeCode,
    client: &str,
    previous_token: Option<&str>,
    user_agent: Option<&str>,
    locale: Locale,
) -> Result<NewSession, AuthError> {
    let now = svc.clock.now_ms();
    if !rate::allow(
        &svc.db,
        &format!("verify:client:{client}"),
        VERIFIES_PER_CLIENT_PER_HOUR,
        HOUR_MS,
        now,
    )
    .await?
    {
        return Err(SignInError::RateLimited.into());
    }
    let row = sqlx::query(
        "SELECT id, code_hash, expires_at, attempts FROM login_codes \
         WHERE phone = $1 AND consumed_at IS NULL ORDER BY id DESC LIMIT 1",
    )
    .bind(phone.e164())
    .fetch_optional(&svc.db.pool)
    .await?;
    let Some(row) = row else {
        return Err(SignInError::NoCode.into());
    };
    let id: i64 = row.try_get("id")?;
    let expires_at: i64 = row.try_get("expires_at")?;
    if now > expires_at {
        return Err(SignInError::Expired.into());
    }
    // Count the try first, atomically: parallel guesses cannot exceed the limit.
    let attempts: Option<i16> = sqlx::query_scalar(
        "UPDATE login_codes SET attempts = attempts + 1 \
         WHERE id = $1 AND consumed_at IS NULL AND attempts < $2 RETURNING attempts",
    )
    .bind(id)
    .bind(MAX_WRONG_TRIES)
    .fetch_optional(&svc.db.pool)
    .await?;
    let Some(attempts) = attempts else {
        tracing::warn!(phone = %phone.masked(), client, "sign-in code locked: no tries left");
        return Err(SignInError::TooManyTries.into());
    };
    let stored: String = row.try_get("code_hash")?;
    if !secret::constant_time_eq(&stored, &code_hash(svc, phone, code.as_str())) {
        let left = MAX_WRONG_TRIES - attempts;
        tracing::warn!(phone = %phone.masked(), client, left, "wrong sign-in code");
        return Err(if left == 0 {
            SignInError::TooManyTries
        } else {
            SignInError::WrongCode(left)
        }
        .into());
    }

    let mut tx = svc.db.pool.begin().await?;
    // Consuming is the replay guard: of two requests with the same code, one wins.
    let consumed =
        sqlx::query("UPDATE login_codes SET consumed_at = $2 WHERE id = $1 AND consumed_at IS NULL")
            .bind(id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
    if consumed.rows_affected() != 1 {
        return Err(SignInError::NoCode.into());
    }
    let user_id = users::find_or_create(&mut *tx, phone, locale, now).await?;
    if let Some(previous) = previous_token {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(secret::sha256_hex(previous.as_bytes()))
            .execute(&mut *tx)
            .await?;
    }
    let token = secret::token();
    let expires_at = now + SESSION_TTL_MS;
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, user_agent) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(secret::sha256_hex(token.as_bytes()))
    .bind(user_id)
    .bind(now)
    .bind(expires_at)
    .bind(user_agent.map(|ua| ua.chars().take(200).collect::<String>()))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    tracing::info!(user = user_id, "signed in");
    Ok(NewSession {
        token,
        user_id,
        expires_at,
    })
}

/// The person a session cookie belongs to, if the session is live: not past its expiry, and
/// used recently enough (staff sessions are shorter on both counts). A session that has ended
/// is removed; a live one is marked as used.
pub async fn principal(svc: &Services, token: &str) -> Result<Option<Principal>> {
    live_principal(svc, token, true).await
}

/// Whether the session is still live, without counting this as its use (an open event
/// stream asks every 15 seconds; only the person's own requests keep a session alive).
pub async fn still_live(svc: &Services, token: &str, user_id: i64) -> Result<bool> {
    Ok(live_principal(svc, token, false)
        .await?
        .is_some_and(|p| p.user_id == user_id))
}

async fn live_principal(svc: &Services, token: &str, mark_used: bool) -> Result<Option<Principal>> {
    let now = svc.clock.now_ms();
    let hash = secret::sha256_hex(token.as_bytes());
    let Some(row) = sqlx::query(
        "SELECT user_id, created_at, COALESCE(last_seen, created_at) AS seen FROM sessions \
         WHERE token_hash = $1 AND expires_at > $2",
    )
    .bind(&hash)
    .bind(now)
    .fetch_optional(&svc.db.pool)
    .await?
    else {
        return Ok(None);
    };
    let user_id: i64 = row.try_get("user_id")?;
    let created_at: i64 = row.try_get("created_at")?;
    let seen: i64 = row.try_get("seen")?;
    let grants = grants(svc, user_id).await?;
    let (longest, idle) = if grants.is_empty() {
        (SESSION_TTL_MS, RESIDENT_IDLE_MS)
    } else {
        (STAFF_SESSION_MS, STAFF_IDLE_MS)
    };
    if now - created_at >= longest || now - seen >= idle {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(&hash)
            .execute(&svc.db.pool)
            .await?;
        tracing::info!(user = user_id, "session ended: unused too long or too old");
        return Ok(None);
    }
    if mark_used && now - seen >= SEEN_EVERY_MS {
        sqlx::query("UPDATE sessions SET last_seen = $2 WHERE token_hash = $1")
            .bind(&hash)
            .bind(now)
            .execute(&svc.db.pool)
            .await?;
    }
    Ok(Some(Principal { user_id, grants }))
}

/// Whether this session began with an SMS code at most [`RECENT_SIGN_IN_MS`] ago (what an
/// administrator's action asks).
pub async fn signed_in_recently(svc: &Services, token: &str) -> Result<bool> {
    let created: Option<i64> = sqlx::query_scalar("SELECT created_at FROM sessions WHERE token_hash = $1")
        .bind(secret::sha256_hex(token.as_bytes()))
        .fetch_optional(&svc.db.pool)
        .await?;
    Ok(created.is_some_and(|at| svc.clock.now_ms() - at <= RECENT_SIGN_IN_MS))
}

async fn grants(svc: &Services, user_id: i64) -> Result<Vec<Grant>> {
    let rows = sqlx::query(
        "SELECT g.id, g.role, s.scope FROM role_grants g LEFT JOIN grant_scopes s ON s.grant_id = g.id \
         WHERE g.user_id = $1 ORDER BY g.id",
    )
    .bind(user_id)
    .fetch_all(&svc.db.pool)
    .await?;
    let mut grants: Vec<(i64, Grant)> = Vec::new();
    for row in rows {
        let id: i64 = row.try_get("id")?;
        let role: String = row.try_get("role")?;
        let Some(role) = Role::from_code(&role) else {
            continue;
        };
        let scope: Option<String> = row.try_get("scope")?;
        if grants.last().is_none_or(|(last, _)| *last != id) {
            grants.push((
                id,
                Grant {
                    role,
                    scopes: Vec::new(),
                },
            ));
        }
        if let (Some(scope), Some((_, grant))) = (scope.as_deref().and_then(Scope::decode), grants.last_mut())
        {
            grant.scopes.push(scope);
        }
    }
    Ok(grants.into_iter().map(|(_, g)| g).collect())
}

/// The one guard, called by every server function and route: who is asking (from the
/// session cookie) and whether they may do what `need` says.
pub async fn authorize(
    svc: &Services,
    token: Option<&str>,
    need: &Need,
) -> Result<Option<Principal>, Guarded> {
    let principal = match token {
        Some(token) => principal(svc, token).await.map_err(Guarded::Service)?,
        None => None,
    };
    decide(principal.as_ref(), need).map_err(Guarded::Denied)?;
    Ok(principal)
}

/// Like [`authorize`], for actions that need someone signed in.
pub async fn require(svc: &Services, token: Option<&str>, need: &Need) -> Result<Principal, Guarded> {
    authorize(svc, token, need)
        .await?
        .ok_or(Guarded::Denied(Denied::SignInRequired))
}

#[derive(Debug, thiserror::Error)]
pub enum Guarded {
    #[error("access denied: {0:?}")]
    Denied(Denied),
    #[error(transparent)]
    Service(crate::Error),
}

/// Ends this browser's session.
pub async fn sign_out(svc: &Services, token: &str) -> Result<()> {
    let ended: Option<i64> =
        sqlx::query_scalar("DELETE FROM sessions WHERE token_hash = $1 RETURNING user_id")
            .bind(secret::sha256_hex(token.as_bytes()))
            .fetch_optional(&svc.db.pool)
            .await?;
    if let Some(user) = ended {
        tracing::info!(user, "signed out");
    }
    Ok(())
}

/// Ends every session of this person, on every device.
pub async fn sign_out_everywhere(svc: &Services, user_id: i64) -> Result<u64> {
    let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(&svc.db.pool)
        .await?;
    tracing::info!(
        user = user_id,
        sessions = done.rows_affected(),
        "signed out everywhere"
    );
    Ok(done.rows_affected())
}

/// How many live sessions a person has (shown on the profile page).
pub async fn session_count(svc: &Services, user_id: i64) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE user_id = $1 AND expires_at > $2")
            .bind(user_id)
            .bind(svc.clock.now_ms())
            .fetch_one(&svc.db.pool)
            .await?,
    )
}
