//! Payment orders: what a resident asks to pay on one of their accounts, before any
//! provider is involved. Providers pay an order, never an account directly.

use crate::{Error, Result, Services, accounts};

/// The ways to pay (the vocabulary lives in `shared::payment`).
pub use shared::payment::PayMethod as Method;

/// Creates a pending order on one of the resident's own accounts. Any positive amount.
pub async fn create(
    svc: &Services,
    user_id: i64,
    account_id: i64,
    amount_tiyin: i64,
    method: Method,
) -> Result<i64> {
    if amount_tiyin <= 0 || !svc.payment_methods().contains(&method) {
        return Err(Error::NotFound);
    }
    if !accounts::is_linked(&svc.db, user_id, account_id).await? {
        return Err(Error::NotFound);
    }
    Ok(sqlx::query_scalar(
        "INSERT INTO payment_orders (account_id, user_id, amount_tiyin, method, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(account_id)
    .bind(user_id)
    .bind(amount_tiyin)
    .bind(method.code())
    .bind(svc.clock.now_ms())
    .fetch_one(&svc.db.pool)
    .await?)
}

/// Moves a provider transaction from created (1) to performed (2), credits the account
/// once (the ledger reference `<provider>:<external id>` is unique) and marks the order paid,
/// in one database transaction. Returns false when another call got there first.
pub(crate) async fn perform(svc: &Services, tx_id: i64, provider: &str, description: &str) -> Result<bool> {
    let now = svc.clock.now_ms();
    let mut db = svc.db.pool.begin().await?;
    let won = sqlx::query(
        "UPDATE provider_transactions SET state = 2, perform_time = $2 WHERE id = $1 AND state = 1",
    )
    .bind(tx_id)
    .bind(now)
    .execute(&mut *db)
    .await?
    .rows_affected()
        == 1;
    if !won {
        return Ok(false);
    }
    let (order_id, amount, external_id): (i64, i64, String) =
        sqlx::query_as("SELECT order_id, amount_tiyin, external_id FROM provider_transactions WHERE id = $1")
            .bind(tx_id)
            .fetch_one(&mut *db)
            .await?;
    record_event(&mut db, tx_id, 2, None, now).await?;
    let order = sqlx::query("SELECT account_id, method FROM payment_orders WHERE id = $1")
        .bind(order_id)
        .fetch_one(&mut *db)
        .await?;
    let account_id: i64 = sqlx::Row::try_get(&order, "account_id")?;
    let note = shared::account::LedgerNote::Paid {
        method: crate::db::word(&order, "method")?,
    };
    let reference = format!("{provider}:{external_id}");
    accounts::append(
        &mut *db,
        &accounts::NewEntry {
            account_id,
            kind: shared::account::LedgerKind::Payment,
            amount: shared::Tiyin::new(amount),
            occurred_at: now,
            description,
            reference: Some(&reference),
            note: Some(&note),
        },
        now,
    )
    .await?;
    sqlx::query("UPDATE payment_orders SET status = 'paid', paid_at = $2 WHERE id = $1")
        .bind(order_id)
        .bind(now)
        .execute(&mut *db)
        .await?;
    // The payer hears of it (in Telegram or by SMS), whatever way the money came, in the
    // same transaction.
    let payer = sqlx::query(
        "SELECT u.id, u.phone, u.locale, a.number FROM payment_orders o JOIN users u ON u.id = o.user_id \
         JOIN utility_accounts a ON a.id = o.account_id WHERE o.id = $1",
    )
    .bind(order_id)
    .fetch_optional(&mut *db)
    .await?;
    if let Some(payer) = payer {
        use sqlx::Row;
        let phone: String = payer.try_get("phone")?;
        let locale: String = payer.try_get("locale")?;
        let number: String = payer.try_get("number")?;
        if let Ok(phone) = shared::Phone::parse(&phone) {
            let locale = shared::Locale::from_tag(&locale).unwrap_or(shared::Locale::Uz);
            let receipt = format!("{}/receipts/{order_id}", svc.public_url);
            let body = text::paid(locale, &number, shared::Tiyin::new(amount), &receipt);
            let user: i64 = payer.try_get("id")?;
            crate::notify::person(svc, &mut db, user, (&phone, locale), &body, "payment", now).await?;
        }
    }
    db.commit().await?;
    crate::notify::wake(svc);
    Ok(true)
}

/// The texts of payment messages, in the payer's language.
pub mod text {
    use shared::i18n::{Sms, sms};
    use shared::{Locale, Tiyin};

    pub fn paid(locale: Locale, account: &str, amount: Tiyin, receipt: &str) -> String {
        let amount = amount.format_som();
        sms(
            locale,
            Sms::Paid,
            &[("account", account), ("amount", &amount), ("receipt", receipt)],
        )
    }
}

/// Cancels a provider transaction: created (1) becomes -1 and the order is payable again;
/// performed (2) becomes -2, the credit is reversed by a new ledger row and the order is
/// cancelled. Returns false when the transaction was no longer in `from_state`.
pub(crate) async fn cancel(
    svc: &Services,
    tx_id: i64,
    provider: &str,
    reason: Option<i16>,
    description: &str,
) -> Result<bool> {
    let now = svc.clock.now_ms();
    let mut db = svc.db.pool.begin().await?;
    let row: Option<(i16, i64, i64, String)> = sqlx::query_as(
        "SELECT state, order_id, amount_tiyin, external_id FROM provider_transactions WHERE id = $1",
    )
    .bind(tx_id)
    .fetch_optional(&mut *db)
    .await?;
    let Some((state, order_id, amount, external_id)) = row.filter(|(s, ..)| *s > 0) else {
        return Ok(false);
    };
    let to = -state;
    let done = sqlx::query(
        "UPDATE provider_transactions SET state = $2, cancel_time = $3, reason = $4 WHERE id = $1 AND state = $5",
    )
    .bind(tx_id)
    .bind(to)
    .bind(now)
    .bind(reason)
    .bind(state)
    .execute(&mut *db)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    record_event(&mut db, tx_id, to, reason, now).await?;
    if to == -2 {
        let order = sqlx::query("SELECT account_id, method FROM payment_orders WHERE id = $1")
            .bind(order_id)
            .fetch_one(&mut *db)
            .await?;
        let account_id: i64 = sqlx::Row::try_get(&order, "account_id")?;
        let note = shared::account::LedgerNote::Reversed {
            method: crate::db::word(&order, "method")?,
        };
        let reference = format!("{provider}:{external_id}:cancel");
        accounts::append(
            &mut *db,
            &accounts::NewEntry {
                account_id,
                kind: shared::account::LedgerKind::Correction,
                amount: -shared::Tiyin::new(amount),
                occurred_at: now,
                description,
                reference: Some(&reference),
                note: Some(&note),
            },
            now,
        )
        .await?;
        sqlx::query("UPDATE payment_orders SET status = 'cancelled' WHERE id = $1")
            .bind(order_id)
            .execute(&mut *db)
            .await?;
    }
    db.commit().await?;
    Ok(true)
}

/// Every transition is an event row.
pub(crate) async fn record_event(
    db: &mut sqlx::Transaction<'static, sqlx::Any>,
    tx_id: i64,
    state: i16,
    reason: Option<i16>,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO payment_events (transaction_id, state, reason, at) VALUES ($1, $2, $3, $4)")
        .bind(tx_id)
        .bind(state)
        .bind(reason)
        .bind(now)
        .execute(&mut **db)
        .await?;
    Ok(())
}

const ORDER_SELECT: &str = "SELECT o.id, o.account_id, a.number, o.amount_tiyin, o.method, o.status, o.created_at, o.paid_at, \
       st.name_uz, st.name_uz_cyrl, st.name_ru \
     FROM payment_orders o JOIN utility_accounts a ON a.id = o.account_id JOIN service_types st ON st.code = a.service_code";

fn order_view(row: &sqlx::any::AnyRow) -> Result<shared::payment::OrderView> {
    use sqlx::Row;
    Ok(shared::payment::OrderView {
        sandbox: false,
        id: row.try_get("id")?,
        account_id: row.try_get("account_id")?,
        account_number: row.try_get("number")?,
        service: shared::geo::Names {
            uz: row.try_get("name_uz")?,
            uz_cyrl: row.try_get("name_uz_cyrl")?,
            ru: row.try_get("name_ru")?,
        },
        amount: shared::Tiyin::new(row.try_get("amount_tiyin")?),
        method: crate::db::word(row, "method")?,
        status: crate::db::word(row, "status")?,
        created_at: row.try_get("created_at")?,
        paid_at: row.try_get("paid_at")?,
        checkout_url: None,
    })
}

/// One of the resident's own orders; another resident's is "not found".
pub async fn view(svc: &Services, user_id: i64, order_id: i64) -> Result<shared::payment::OrderView> {
    let row = sqlx::query(&format!("{ORDER_SELECT} WHERE o.id = $1 AND o.user_id = $2"))
        .bind(order_id)
        .bind(user_id)
        .fetch_optional(&svc.db.pool)
        .await?
        .ok_or(Error::NotFound)?;
    order_view(&row)
}

/// Every order on an account the resident holds, newest first: the payment history.
pub async fn of_account(
    svc: &Services,
    user_id: i64,
    account_id: i64,
) -> Result<Vec<shared::payment::OrderView>> {
    if !accounts::is_linked(&svc.db, user_id, account_id).await? {
        return Err(Error::NotFound);
    }
    let rows = sqlx::query(&format!(
        "{ORDER_SELECT} WHERE o.account_id = $1 ORDER BY o.id DESC LIMIT 50"
    ))
    .bind(account_id)
    .fetch_all(&svc.db.pool)
    .await?;
    rows.iter().map(order_view).collect()
}

/// The code in a receipt's verification link: a keyed hash, so links cannot be guessed.
fn verify_code(svc: &Services, order_id: i64) -> String {
    let mac = crate::secret::hmac_hex(&svc.pepper, format!("receipt:{order_id}").as_bytes());
    format!("{order_id}-{}", &mac[..20])
}

/// The receipt of one of the resident's paid orders.
pub async fn receipt(svc: &Services, user_id: i64, order_id: i64) -> Result<shared::payment::Receipt> {
    use sqlx::Row;
    let order = view(svc, user_id, order_id).await?;
    let row = sqlx::query(
        "SELECT t.provider, t.external_id, t.perform_time, u.phone FROM provider_transactions t \
         JOIN payment_orders o ON o.id = t.order_id LEFT JOIN users u ON u.id = o.user_id \
         WHERE t.order_id = $1 AND t.state = 2",
    )
    .bind(order_id)
    .fetch_optional(&svc.db.pool)
    .await?
    .ok_or(Error::NotFound)?;
    let phone: Option<String> = row.try_get("phone")?;
    let verify_url = format!(
        "{}/receipts/verify/{}",
        svc.public_url,
        verify_code(svc, order_id)
    );
    let qr_svg = qrcode::QrCode::new(verify_url.as_bytes())
        .map(|code| {
            code.render::<qrcode::render::svg::Color>()
                .min_dimensions(160, 160)
                .quiet_zone(true)
                .build()
        })
        .unwrap_or_default();
    Ok(shared::payment::Receipt {
        order_id,
        number: shared::payment::receipt_number(order_id),
        paid_at: row.try_get("perform_time")?,
        account_number: order.account_number,
        service: order.service,
        payer_phone_masked: phone
            .and_then(|p| shared::Phone::parse(&p).ok())
            .map(|p| p.masked())
            .unwrap_or_default(),
        amount: order.amount,
        provider: crate::db::word(&row, "provider")?,
        provider_transaction_id: row.try_get("external_id")?,
        verify_url,
        qr_svg,
    })
}

/// The public check of a receipt link: nothing personal, and "not found" for a forged code.
pub async fn check_receipt(svc: &Services, code: &str) -> Result<shared::payment::ReceiptCheck> {
    use sqlx::Row;
    let order_id: i64 = code
        .split('-')
        .next()
        .and_then(|s| s.parse().ok())
        .ok_or(Error::NotFound)?;
    if !crate::secret::constant_time_eq(code, &verify_code(svc, order_id)) {
        return Err(Error::NotFound);
    }
    let row = sqlx::query(&format!(
        "SELECT x.*, t.provider, t.perform_time, t.state FROM ({ORDER_SELECT} WHERE o.id = $1) x \
         JOIN provider_transactions t ON t.order_id = x.id AND t.perform_time > 0 ORDER BY t.id DESC LIMIT 1"
    ))
    .bind(order_id)
    .fetch_optional(&svc.db.pool)
    .await?
    .ok_or(Error::NotFound)?;
    let order = order_view(&row)?;
    Ok(shared::payment::ReceiptCheck {
        number: shared::payment::receipt_number(order_id),
        paid_at: row.try_get("perform_time")?,
        amount: order.amount,
        provider: crate::db::word(&row, "provider")?,
        service: order.service,
        valid: row.try_get::<i16, _>("state")? == 2,
    })
}
