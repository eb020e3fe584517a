//! Card payments (Uzcard, Humo) through a [`CardProcessor`]. The default adapter is a
//! sandbox inside the app that behaves like a processor: it takes the card, the expiry and
//! the phone number, sends a six-digit code by SMS (through the outbox), and charges when
//! the code comes back. A charged card pays the order through the same path as Payme and
//! Click: a provider transaction, performed once, crediting the ledger once.

use crate::BoxFuture;
use crate::clock::MINUTE_MS;
use crate::{Error, Result, Services, payments::orders, secret, sms};
use shared::account::OneTimeCode;
use shared::card::CardNumber;
use shared::{Locale, Phone};
use sqlx::Row;

pub const CODE_TTL_MS: i64 = 5 * MINUTE_MS;
pub const MAX_WRONG_CODES: i16 = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
pub enum CardFailure {
    #[error("the order cannot be paid by card now")]
    NotPayable,
    #[error("no charge is waiting for a code")]
    NoCharge,
    #[error("wrong code; {0} tries left")]
    WrongCode(i16),
    #[error("the code has expired")]
    CodeExpired,
    #[error("too many wrong codes")]
    TooManyTries,
    /// The processor refused the card or the payment (blocked, expired, no funds…); the
    /// reason is logged where it is known.
    #[error("the card processor refused")]
    Refused,
    /// Too many card attempts today, by this resident or to this phone.
    #[error("too many card attempts; try again tomorrow")]
    RateLimited,
}

/// Card attempts a resident may start in a day, and codes one phone may get in a day: each
/// attempt sends an SMS that costs money and looks like a bank's.
pub const STARTS_PER_USER_PER_DAY: i64 = 10;
pub const CODES_PER_PHONE_PER_DAY: i64 = 5;

#[derive(Debug, thiserror::Error)]
pub enum CardError {
    #[error(transparent)]
    Failure(#[from] CardFailure),
    #[error(transparent)]
    Service(#[from] Error),
}

crate::error::service_error!(CardError);

/// A card processor: starts a charge (the payer gets a code), then confirms it.
pub trait CardProcessor: Send + Sync + std::fmt::Debug {
    /// Starts charging `card` for the order (the payer then gets a code); returns the charge
    /// id. `phone` is where the code goes when the processor [`asks_phone`](Self::asks_phone).
    fn start<'a>(
        &'a self,
        svc: &'a Services,
        order_id: i64,
        card: &'a NewCard<'a>,
        locale: Locale,
    ) -> BoxFuture<'a, Result<i64, CardError>>;
    /// Confirms a charge with the payer's code.
    fn confirm<'a>(
        &'a self,
        svc: &'a Services,
        charge_id: i64,
        code: &'a OneTimeCode,
    ) -> BoxFuture<'a, Result<Charged, CardError>>;
    /// Whether the payer types the phone the code goes to (the sandbox); a real processor
    /// sends it to the phone the card is registered to.
    fn asks_phone(&self) -> bool;
    /// Whether the processor pays a card order through Payme's merchant callbacks (which must
    /// then accept card orders as well as Payme's).
    fn pays_through_payme(&self) -> bool;
}

/// The card as the payer typed it.
pub struct NewCard<'a> {
    pub number: &'a CardNumber,
    pub expiry: shared::card::Expiry,
    /// Where the code goes, for a processor that asks (the sandbox).
    pub phone: Option<&'a Phone>,
}

/// What a confirmed charge did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Charged {
    /// The processor took the money under this transaction id: we record it and credit the
    /// order here.
    Transaction(String),
    /// The processor paid the order through the provider's merchant callbacks, which have
    /// recorded and credited it already.
    ThroughCallbacks,
}

/// The processor inside the app.
#[derive(Debug, Default)]
pub struct Sandbox;

impl CardProcessor for Sandbox {
    fn start<'a>(
        &'a self,
        svc: &'a Services,
        order_id: i64,
        new: &'a NewCard<'a>,
        locale: Locale,
    ) -> BoxFuture<'a, Result<i64, CardError>> {
        Box::pin(async move {
            let (card, phone) = (new.number, new.phone.ok_or(CardFailure::NotPayable)?);
            let now = svc.clock.now_ms();
            let amount: i64 = sqlx::query_scalar("SELECT amount_tiyin FROM payment_orders WHERE id = $1")
                .bind(order_id)
                .fetch_one(&svc.db.pool)
                .await?;
            let code = secret::six_digits();
            let mut tx = svc.db.pool.begin().await?;
            // A new code replaces any earlier charge still waiting on this order.
            sqlx::query(
                "UPDATE card_charges SET state = 'failed' WHERE order_id = $1 AND state = 'awaiting_code'",
            )
            .bind(order_id)
            .execute(&mut *tx)
            .await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO card_charges (order_id, card_masked, scheme, phone, code_hash, expires_at, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(order_id)
            .bind(card.masked())
            .bind(card.scheme.name())
            .bind(phone.e164())
            .bind(secret::hmac_hex(&svc.pepper, format!("card:{order_id}:{code}").as_bytes()))
            .bind(now + CODE_TTL_MS)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            let text = text::card_code(locale, &code, shared::Tiyin::new(amount), &card.masked());
            sms::enqueue(&mut *tx, phone, &text, locale, "card", now).await?;
            tx.commit().await?;
            svc.sms_wakeup.notify_one();
            Ok(id)
        })
    }

    fn confirm<'a>(
        &'a self,
        svc: &'a Services,
        charge_id: i64,
        code: &'a OneTimeCode,
    ) -> BoxFuture<'a, Result<Charged, CardError>> {
        Box::pin(async move {
            let now = svc.clock.now_ms();
            let row =
                sqlx::query("SELECT order_id, code_hash, expires_at, state FROM card_charges WHERE id = $1")
                    .bind(charge_id)
                    .fetch_optional(&svc.db.pool)
                    .await?
                    .ok_or(CardFailure::NoCharge)?;
            let order_id: i64 = row.try_get("order_id")?;
            if row.try_get::<String, _>("state")? != "awaiting_code" {
                return Err(CardFailure::NoCharge.into());
            }
            if now > row.try_get::<i64, _>("expires_at")? {
                return Err(CardFailure::CodeExpired.into());
            }
            let attempts = spend_try(svc, charge_id).await?;
            let expected = secret::hmac_hex(
                &svc.pepper,
                format!("card:{order_id}:{}", code.as_str()).as_bytes(),
            );
            if !secret::constant_time_eq(&row.try_get::<String, _>("code_hash")?, &expected) {
                let left = MAX_WRONG_CODES - attempts;
                if left == 0 {
                    fail(svc, charge_id).await?;
                    return Err(CardFailure::TooManyTries.into());
                }
                return Err(CardFailure::WrongCode(left).into());
            }
            let done = sqlx::query(
                "UPDATE card_charges SET state = 'succeeded' WHERE id = $1 AND state = 'awaiting_code'",
            )
            .bind(charge_id)
            .execute(&svc.db.pool)
            .await?;
            if done.rows_affected() != 1 {
                return Err(CardFailure::NoCharge.into());
            }
            Ok(Charged::Transaction(format!("sandbox-{charge_id}")))
        })
    }

    fn asks_phone(&self) -> bool {
        true
    }

    fn pays_through_payme(&self) -> bool {
        false
    }
}

/// Step 1: a card for a pending card order of the resident's; a code goes to `phone`.
pub async fn start(
    svc: &Services,
    user_id: i64,
    order_id: i64,
    card: &NewCard<'_>,
    locale: Locale,
) -> Result<i64, CardError> {
    let processor = svc.card.as_ref().ok_or(CardFailure::NotPayable)?;
    payable(svc, user_id, order_id).await?;
    let day = crate::clock::DAY_MS;
    // Each start sends a code: limited per resident, and per phone or card it goes to (the
    // card by a hash of its number: no number is ever kept).
    let to = match card.phone {
        Some(phone) => format!("sms:to:{}", phone.e164()),
        None => format!(
            "card:number:{}",
            secret::sha256_hex(card.number.digits().as_bytes())
        ),
    };
    let limits = [
        crate::rate::Limit::new(format!("card:user:{user_id}"), STARTS_PER_USER_PER_DAY, day),
        crate::rate::Limit::new(to, CODES_PER_PHONE_PER_DAY, day),
    ];
    if !crate::rate::allow_all(&svc.db, &limits, svc.clock.now_ms()).await? {
        tracing::warn!(user = user_id, "card attempts limit");
        return Err(CardFailure::RateLimited.into());
    }
    processor.start(svc, order_id, card, locale).await
}

/// Step 2: the code; on success the order is paid and the account credited, once.
pub async fn confirm(
    svc: &Services,
    user_id: i64,
    order_id: i64,
    code: &OneTimeCode,
) -> Result<(), CardError> {
    let processor = svc.card.as_ref().ok_or(CardFailure::NotPayable)?;
    payable(svc, user_id, order_id).await?;
    let charge_id: i64 = sqlx::query_scalar(
        "SELECT id FROM card_charges WHERE order_id = $1 AND state = 'awaiting_code' ORDER BY id DESC LIMIT 1",
    )
    .bind(order_id)
    .fetch_optional(&svc.db.pool)
    .await?
    .ok_or(CardFailure::NoCharge)?;
    let processor_id = match processor.confirm(svc, charge_id, code).await? {
        Charged::Transaction(id) => id,
        Charged::ThroughCallbacks => {
            let order = orders::view(svc, user_id, order_id).await?;
            return if order.status == shared::payment::OrderStatus::Paid {
                Ok(())
            } else {
                tracing::error!(order = order_id, status = %order.status, "the processor paid but the order is not paid");
                Err(CardFailure::Refused.into())
            };
        }
    };
    let now = svc.clock.now_ms();
    let amount: i64 = sqlx::query_scalar("SELECT amount_tiyin FROM payment_orders WHERE id = $1")
        .bind(order_id)
        .fetch_one(&svc.db.pool)
        .await?;
    let mut db = svc.db.pool.begin().await?;
    let tx_id: i64 = sqlx::query_scalar(
        "INSERT INTO provider_transactions (provider, external_id, order_id, amount_tiyin, state, provider_time, create_time) \
         VALUES ('card', $1, $2, $3, 1, $4, $4) RETURNING id",
    )
    .bind(&processor_id)
    .bind(order_id)
    .bind(amount)
    .bind(now)
    .fetch_one(&mut *db)
    .await
    .map_err(|_| CardFailure::NotPayable)?;
    orders::record_event(&mut db, tx_id, 1, None, now).await?;
    db.commit().await?;
    orders::perform(svc, tx_id, "card", "Karta orqali toʻlov").await?;
    Ok(())
}

/// Spends one of a charge's tries before its code is compared (so parallel guesses cannot
/// exceed them); returns how many are spent, or `TooManyTries` when none was left.
pub(crate) async fn spend_try(svc: &Services, charge_id: i64) -> Result<i16, CardError> {
    let attempts: Option<i16> = sqlx::query_scalar(
        "UPDATE card_charges SET attempts = attempts + 1 WHERE id = $1 AND state = 'awaiting_code' \
         AND attempts < $2 RETURNING attempts",
    )
    .bind(charge_id)
    .bind(MAX_WRONG_CODES)
    .fetch_optional(&svc.db.pool)
    .await?;
    attempts.ok_or_else(|| CardFailure::TooManyTries.into())
}

/// Marks a charge failed: its code can no longer be used.
pub(crate) async fn fail(svc: &Services, charge_id: i64) -> Result<()> {
    sqlx::query("UPDATE card_charges SET state = 'failed' WHERE id = $1")
        .bind(charge_id)
        .execute(&svc.db.pool)
        .await?;
    Ok(())
}

async fn payable(svc: &Services, user_id: i64, order_id: i64) -> Result<(), CardError> {
    let order = orders::view(svc, user_id, order_id).await?;
    if order.method != shared::payment::PayMethod::Card
        || order.status != shared::payment::OrderStatus::Pending
    {
        return Err(CardFailure::NotPayable.into());
    }
    Ok(())
}

pub(crate) mod text {
    use shared::i18n::{Sms, sms};
    use shared::{Locale, Tiyin};

    pub fn card_code(locale: Locale, code: &str, amount: Tiyin, card: &str) -> String {
        let amount = amount.format_som();
        sms(
            locale,
            Sms::CardCode,
            &[("card", card), ("amount", &amount), ("code", code)],
        )
    }
}
