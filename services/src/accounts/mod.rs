//! Utility accounts: lookup by service, place and number; linking to a resident; the
//! account page; and the ledger, whose sum is the balance. The tariffs a reading is charged
//! by are in `tariffs`.

pub mod tariffs;

use crate::db::names;
use crate::{Db, Error, Result, Services};
use shared::Tiyin;
use shared::account::{
    AccountDetails, AccountNumber, AccountSummary, LedgerRow, Page, ReadingRow, mask_name,
};
use sqlx::Row;
use sqlx::any::AnyRow;

pub const PAGE_SIZE: i64 = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
pub enum LinkError {
    /// No such account is registered to the resident's phone, and no bill code matched (or
    /// there is no such account: the answer is the same, so the form tells no one which).
    #[error("no account with this number is registered to this phone, or the bill code is wrong")]
    NotProven,
    #[error("the district is not in the region")]
    DistrictNotInRegion,
    #[error("unknown service type")]
    UnknownService,
    #[error("too many attempts; try again later")]
    RateLimited,
}

/// How a resident proved that an account is theirs, recorded with the link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proof {
    /// The utility registered the resident's phone (proved by the sign-in code) for the account.
    Phone,
    /// The resident typed the code printed on the account's bills.
    BillCode,
}

impl Proof {
    pub fn code(self) -> &'static str {
        match self {
            Proof::Phone => "phone",
            Proof::BillCode => "bill_code",
        }
    }
}

/// Attempts to link, per client and per resident in an hour, and wrong ones per account
/// number (a family linking one account is not guessing).
pub const LINKS_PER_CLIENT_PER_HOUR: i64 = 30;
pub const LINKS_PER_ACCOUNT_PER_HOUR: i64 = 10;

/// The hash kept of an account's bill code: what is printed, digits only, bound to the account.
pub fn bill_code_hash(service: &str, district: &str, number: &str, code: &str) -> String {
    let digits: String = code.chars().filter(char::is_ascii_digit).collect();
    crate::secret::sha256_hex(format!("bill:{service}:{district}:{number}:{digits}").as_bytes())
}

/// What a resident types to link an account: what is printed on the bill.
pub struct LinkRequest<'a> {
    pub service: &'a str,
    pub region: &'a str,
    pub district: &'a str,
    pub number: &'a AccountNumber,
    /// The code printed on the bill; not needed when the account is registered to the
    /// resident's own phone.
    pub bill_code: &'a str,
    /// Where the request came from (limits count per client).
    pub client: &'a str,
}

/// Links an account to the resident once they have proved it is theirs: the utility has their
/// phone for it, or they typed the code printed on its bills. Linking the same account twice
/// is not an error; an account may be linked to several phones (a family), each with its proof.
pub async fn link(svc: &Services, user_id: i64, request: &LinkRequest<'_>) -> Result<i64, LinkOrService> {
    let in_region: Option<String> = sqlx::query_scalar("SELECT region_soato FROM districts WHERE soato = $1")
        .bind(request.district)
        .fetch_optional(&svc.db.pool)
        .await
        .map_err(Error::from)?;
    if in_region.as_deref() != Some(request.region) {
        return Err(LinkError::DistrictNotInRegion.into());
    }
    if shared::ServiceType::from_code(request.service).is_none() {
        return Err(LinkError::UnknownService.into());
    }
    let hour = crate::clock::HOUR_MS;
    let now = svc.clock.now_ms();
    let account_key = format!(
        "link:account:{}:{}:{}",
        request.service,
        request.district,
        request.number.as_str()
    );
    // Every attempt is spent before the code is compared (so parallel guesses cannot pass the
    // limit); a right one is given back to the account's count.
    let limits = [
        crate::rate::Limit::new(
            format!("link:client:{}", request.client),
            LINKS_PER_CLIENT_PER_HOUR,
            hour,
        ),
        crate::rate::Limit::new(format!("link:user:{user_id}"), LINKS_PER_CLIENT_PER_HOUR, hour),
        crate::rate::Limit::new(account_key.clone(), LINKS_PER_ACCOUNT_PER_HOUR, hour),
    ];
    if !crate::rate::allow_all(&svc.db, &limits, now).await? {
        tracing::warn!(
            user = user_id,
            client = request.client,
            "account link attempts limit"
        );
        return Err(LinkError::RateLimited.into());
    }
    let row = sqlx::query(
        "SELECT id, holder_phone, bill_code_hash FROM utility_accounts \
         WHERE service_code = $1 AND district_soato = $2 AND number = $3",
    )
    .bind(request.service)
    .bind(request.district)
    .bind(request.number.as_str())
    .fetch_optional(&svc.db.pool)
    .await
    .map_err(Error::from)?;
    let phone = crate::identity::users::phone_of(svc, user_id).await?;
    let proof = row.as_ref().and_then(|row| {
        let holder: Option<String> = row.try_get("holder_phone").ok().flatten();
        let code_hash: Option<String> = row.try_get("bill_code_hash").ok().flatten();
        if holder.as_deref() == Some(phone.e164().as_str()) {
            return Some(Proof::Phone);
        }
        let typed = bill_code_hash(
            request.service,
            request.district,
            request.number.as_str(),
            request.bill_code,
        );
        let has_code = request.bill_code.chars().any(|c| c.is_ascii_digit());
        code_hash
            .filter(|stored| has_code && crate::secret::constant_time_eq(stored, &typed))
            .map(|_| Proof::BillCode)
    });
    let (Some(row), Some(proof)) = (row, proof) else {
        tracing::info!(
            user = user_id,
            client = request.client,
            "account link refused: not proven"
        );
        return Err(LinkError::NotProven.into());
    };
    let id: i64 = row.try_get("id").map_err(Error::from)?;
    crate::rate::refund(&svc.db, &account_key, now).await?;
    sqlx::query(
        "INSERT INTO account_links (user_id, account_id, linked_at, proof) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (user_id, account_id) DO NOTHING",
    )
    .bind(user_id)
    .bind(id)
    .bind(now)
    .bind(proof.code())
    .execute(&svc.db.pool)
    .await
    .map_err(Error::from)?;
    tracing::info!(
        user = user_id,
        account = id,
        proof = proof.code(),
        "account linked"
    );
    Ok(id)
}

#[derive(Debug, thiserror::Error)]
pub enum LinkOrService {
    #[error(transparent)]
    Link(#[from] LinkError),
    #[error(transparent)]
    Service(#[from] Error),
}

/// Unlinks an account from the resident; `NotFound` if it was not theirs.
pub async fn unlink(svc: &Services, user_id: i64, account_id: i64) -> Result<()> {
    let done = sqlx::query("DELETE FROM account_links WHERE user_id = $1 AND account_id = $2")
        .bind(user_id)
        .bind(account_id)
        .execute(&svc.db.pool)
        .await?;
    if done.rows_affected() == 1 {
        tracing::info!(user = user_id, account = account_id, "account unlinked");
        Ok(())
    } else {
        Err(Error::NotFound)
    }
}

/// Whether the account is linked to this resident: the ownership check for what a resident
/// does with an account (the account page joins on the links in its own query instead).
pub async fn is_linked(db: &Db, user_id: i64, account_id: i64) -> Result<bool> {
    let found: Option<i32> =
        sqlx::query_scalar("SELECT 1 FROM account_links WHERE user_id = $1 AND account_id = $2")
            .bind(user_id)
            .bind(account_id)
            .fetch_optional(&db.pool)
            .await?;
    Ok(found.is_some())
}

const SUMMARY_SELECT: &str = "SELECT a.id, a.service_code, a.number, a.holder_name, \
       st.name_uz AS s_uz, st.name_uz_cyrl AS s_cyrl, st.name_ru AS s_ru, \
       d.name_uz AS d_uz, d.name_uz_cyrl AS d_cyrl, d.name_ru AS d_ru, \
       (SELECT CAST(COALESCE(SUM(e.amount_tiyin), 0) AS BIGINT) FROM ledger_entries e WHERE e.account_id = a.id) AS balance \
     FROM utility_accounts a \
     JOIN service_types st ON st.code = a.service_code \
     JOIN districts d ON d.soato = a.district_soato";

fn summary(row: &AnyRow) -> Result<AccountSummary> {
    Ok(AccountSummary {
        id: row.try_get("id")?,
        service_code: row.try_get("service_code")?,
        service: names(row, "s")?,
        number: row.try_get("number")?,
        district: names(row, "d")?,
        holder_masked: mask_name(&row.try_get::<String, _>("holder_name")?),
        balance: Tiyin::new(row.try_get("balance")?),
    })
}

/// The resident's linked accounts, in the order they linked them.
pub async fn my_accounts(svc: &Services, user_id: i64) -> Result<Vec<AccountSummary>> {
    let rows = sqlx::query(&format!(
        "{SUMMARY_SELECT} JOIN account_links l ON l.account_id = a.id WHERE l.user_id = $1 ORDER BY l.linked_at, a.id"
    ))
    .bind(user_id)
    .fetch_all(&svc.db.pool)
    .await?;
    rows.iter().map(summary).collect()
}

/// The balance: the sum of the ledger. Negative is a debt.
pub async fn balance(db: &Db, account_id: i64) -> Result<Tiyin> {
    let sum: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(amount_tiyin), 0) AS BIGINT) FROM ledger_entries WHERE account_id = $1",
    )
    .bind(account_id)
    .fetch_one(&db.pool)
    .await?;
    Ok(Tiyin::new(sum))
}

/// Which pages of the three histories to show.
#[derive(Debug, Clone, Copy, Default, serde::Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct HistoryPages {
    pub readings: i64,
    pub charges: i64,
    pub payments: i64,
}

/// The account page, for a resident who has linked the account. An account that exists but
/// is not theirs is `NotFound`, exactly like one that does not exist.
///
/// Four queries whatever the pages: the account with its ownership check, its tariff's
/// tiers, the readings (the last confirmed one and a page), and the ledger (a page of
/// charges and a page of payments).
pub async fn details(
    svc: &Services,
    user_id: i64,
    account_id: i64,
    pages: HistoryPages,
) -> Result<AccountDetails> {
    let row = sqlx::query(&format!(
        "SELECT x.*, a.address, a.meter_decimals, a.tariff_code, st.meter_unit, t.unit_price_tiyin, \
           r.name_uz AS r_uz, r.name_uz_cyrl AS r_cyrl, r.name_ru AS r_ru, \
           t.name_uz AS t_uz, t.name_uz_cyrl AS t_cyrl, t.name_ru AS t_ru \
         FROM ({SUMMARY_SELECT} WHERE a.id = $1) x \
         JOIN account_links l ON l.account_id = x.id AND l.user_id = $2 \
         JOIN utility_accounts a ON a.id = x.id \
         JOIN service_types st ON st.code = a.service_code \
         JOIN regions r ON r.soato = a.region_soato \
         JOIN tariffs t ON t.code = a.tariff_code"
    ))
    .bind(account_id)
    .bind(user_id)
    .fetch_optional(&svc.db.pool)
    .await?
    .ok_or(Error::NotFound)?;
    let tariff: String = row.try_get("tariff_code")?;
    let tiers = crate::readings::tiers(&svc.db.pool, &tariff, svc.clock.now_ms()).await?;
    let (readings_page, readings_offset) = page_bounds(pages.readings);
    let mut readings = parts(
        sqlx::query(&format!(
            "SELECT * FROM (SELECT 'last' AS part, {READING_COLUMNS} FROM meter_readings \
               WHERE account_id = $1 AND status IN ('confirmed', 'corrected') \
               ORDER BY submitted_at DESC, id DESC LIMIT 1) l \
             UNION ALL \
             SELECT * FROM (SELECT 'page' AS part, {READING_COLUMNS} FROM meter_readings \
               WHERE account_id = $1 ORDER BY submitted_at DESC, id DESC LIMIT $2 OFFSET $3) p \
             ORDER BY part, submitted_at DESC, id DESC"
        ))
        .bind(account_id)
        .bind(PAGE_SIZE + 1)
        .bind(readings_offset)
        .fetch_all(&svc.db.pool)
        .await?,
        reading,
    )?;
    let (charges_page, charges_offset) = page_bounds(pages.charges);
    let (payments_page, payments_offset) = page_bounds(pages.payments);
    let mut ledger = parts(
        sqlx::query(
            "SELECT * FROM (SELECT 'charges' AS part, id, kind, amount_tiyin, occurred_at, description, note \
               FROM ledger_entries WHERE account_id = $1 AND kind IN ('charge', 'correction') \
               ORDER BY occurred_at DESC, id DESC LIMIT $2 OFFSET $3) c \
             UNION ALL \
             SELECT * FROM (SELECT 'payments' AS part, id, kind, amount_tiyin, occurred_at, description, note \
               FROM ledger_entries WHERE account_id = $1 AND kind = 'payment' \
               ORDER BY occurred_at DESC, id DESC LIMIT $2 OFFSET $4) p \
             ORDER BY part, occurred_at DESC, id DESC",
        )
        .bind(account_id)
        .bind(PAGE_SIZE + 1)
        .bind(charges_offset)
        .bind(payments_offset)
        .fetch_all(&svc.db.pool)
        .await?,
        ledger_row,
    )?;
    Ok(AccountDetails {
        unit_price: tiers
            .first()
            .map(|t| t.unit_price)
            .unwrap_or_else(|| Tiyin::new(row.try_get("unit_price_tiyin").unwrap_or_default())),
        tiers,
        summary: summary(&row)?,
        address: row.try_get("address")?,
        region: names(&row, "r")?,
        tariff: names(&row, "t")?,
        meter_unit: row.try_get("meter_unit")?,
        meter_decimals: i64::from(row.try_get::<i16, _>("meter_decimals")?),
        last_confirmed: readings.remove("last").and_then(|rows| rows.into_iter().next()),
        readings: history_page(readings.remove("page"), readings_page),
        charges: history_page(ledger.remove("charges"), charges_page),
        payments: history_page(ledger.remove("payments"), payments_page),
    })
}

/// Rows of several result sets sent in one query, grouped by their `part` column.
fn parts<T>(
    rows: Vec<AnyRow>,
    read: impl Fn(&AnyRow) -> Result<T>,
) -> Result<std::collections::HashMap<String, Vec<T>>> {
    let mut parts = std::collections::HashMap::<String, Vec<T>>::new();
    for row in &rows {
        parts.entry(row.try_get("part")?).or_default().push(read(row)?);
    }
    Ok(parts)
}

/// A history page from its part's rows: the query asks for one row more than a page, to
/// know whether another page follows.
fn history_page<T>(rows: Option<Vec<T>>, page: i64) -> Page<T> {
    let mut items = rows.unwrap_or_default();
    let has_more = items.len() as i64 > PAGE_SIZE;
    items.truncate(PAGE_SIZE as usize);
    Page {
        items,
        page,
        has_more,
    }
}

/// The columns `reading` reads.
pub const READING_COLUMNS: &str = "id, value_milli, status, submitted_at, submitted_milli, \
     reason_code, reason_text, charge_tiyin, photo_id";

pub fn reading(r: &AnyRow) -> Result<ReadingRow> {
    let value_milli: i64 = r.try_get("value_milli")?;
    let submitted_milli: Option<i64> = r.try_get("submitted_milli")?;
    Ok(ReadingRow {
        id: r.try_get("id")?,
        value_milli,
        status: crate::db::word(r, "status")?,
        submitted_at: r.try_get("submitted_at")?,
        submitted_milli: submitted_milli.filter(|typed| *typed != value_milli),
        reason_code: crate::db::optional_word(r, "reason_code")?,
        reason_text: r.try_get("reason_text")?,
        charge: r.try_get::<Option<i64>, _>("charge_tiyin")?.map(Tiyin::new),
        has_photo: r.try_get::<Option<i64>, _>("photo_id")?.is_some(),
    })
}

fn ledger_row(r: &AnyRow) -> Result<LedgerRow> {
    Ok(LedgerRow {
        id: r.try_get("id")?,
        kind: crate::db::word(r, "kind")?,
        amount: Tiyin::new(r.try_get("amount_tiyin")?),
        occurred_at: r.try_get("occurred_at")?,
        note: match r.try_get::<Option<String>, _>("note")? {
            Some(json) => serde_json::from_str(&json)
                .map_err(|_| crate::Error::Corrupt(format!("ledger_entries.note = {json:?}")))?,
            None => shared::account::LedgerNote::Text(r.try_get("description")?),
        },
    })
}

fn page_bounds(page: i64) -> (i64, i64) {
    let page = page.clamp(1, 10_000);
    (page, (page - 1) * PAGE_SIZE)
}

/// A ledger entry to append.
#[derive(Debug, Clone)]
pub struct NewEntry<'a> {
    pub account_id: i64,
    pub kind: shared::account::LedgerKind,
    pub amount: Tiyin,
    pub occurred_at: i64,
    /// The note in words (Uzbek), for exports and for readers of the table.
    pub description: &'a str,
    /// What the row is for, as data (`None`: the description says it all).
    pub note: Option<&'a shared::account::LedgerNote>,
    pub reference: Option<&'a str>,
}

/// Appends one row to the ledger (inside the caller's transaction when given one).
pub async fn append<'e, E>(executor: E, entry: &NewEntry<'_>, now: i64) -> Result<i64>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO ledger_entries (account_id, kind, amount_tiyin, occurred_at, description, reference, created_at, note) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(entry.account_id)
    .bind(entry.kind.code())
    .bind(entry.amount.get())
    .bind(entry.occurred_at)
    .bind(entry.description)
    .bind(entry.reference)
    .bind(now)
    .bind(
        entry
            .note
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| crate::Error::Corrupt(e.to_string()))?,
    )
    .fetch_one(executor)
    .await?;
    Ok(id)
}

/// Every ledger row of an account in the order they happened, for audits and the replay check.
pub async fn ledger(db: &Db, account_id: i64) -> Result<Vec<LedgerRow>> {
    let rows = sqlx::query(
        "SELECT id, kind, amount_tiyin, occurred_at, description, note FROM ledger_entries \
         WHERE account_id = $1 ORDER BY occurred_at, id",
    )
    .bind(account_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(ledger_row).collect()
}
