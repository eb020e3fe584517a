//! Tariffs and their price lists: each tariff has price lists by effective date, each a list
//! of tiers of monthly consumption. A reading is charged by the list in effect when it was sent.
//! Administrators add price lists; landed ones are never changed, so every past charge can be
//! explained by the list it used.

use crate::{Error, Result, Services};
use shared::geo::Names;
use shared::reading::{TariffInfo, Tier};
use sqlx::Row;

pub async fn list(svc: &Services) -> Result<Vec<TariffInfo>> {
    let tariffs =
        sqlx::query("SELECT code, service_code, name_uz, name_uz_cyrl, name_ru FROM tariffs ORDER BY code")
            .fetch_all(&svc.db.pool)
            .await?;
    let prices = sqlx::query(
        "SELECT tariff_code, effective_from, up_to_units, unit_price_tiyin FROM tariff_prices \
         ORDER BY tariff_code, effective_from DESC, CASE WHEN up_to_units IS NULL THEN 1 ELSE 0 END, up_to_units",
    )
    .fetch_all(&svc.db.pool)
    .await?;
    let mut out = Vec::with_capacity(tariffs.len());
    for t in &tariffs {
        let code: String = t.try_get("code")?;
        let mut lists: Vec<(i64, Vec<Tier>)> = Vec::new();
        for p in prices
            .iter()
            .filter(|p| p.try_get::<String, _>("tariff_code").ok().as_deref() == Some(&code))
        {
            let from: i64 = p.try_get("effective_from")?;
            let tier = Tier {
                up_to_units: p.try_get("up_to_units")?,
                unit_price: shared::Tiyin::new(p.try_get("unit_price_tiyin")?),
            };
            match lists.last_mut() {
                Some((at, tiers)) if *at == from => tiers.push(tier),
                _ => lists.push((from, vec![tier])),
            }
        }
        out.push(TariffInfo {
            code,
            service_code: t.try_get("service_code")?,
            name: Names {
                uz: t.try_get("name_uz")?,
                uz_cyrl: t.try_get("name_uz_cyrl")?,
                ru: t.try_get("name_ru")?,
            },
            price_lists: lists,
        });
    }
    Ok(out)
}

#[derive(Debug, thiserror::Error)]
pub enum AddError {
    #[error("no such tariff")]
    UnknownTariff,
    #[error("a price list can only start today or later")]
    InThePast,
    #[error("a price list already starts that day")]
    Exists,
    #[error(transparent)]
    Service(#[from] Error),
}

crate::error::service_error!(AddError);

/// Adds a price list from a Tashkent day on. Past days are refused: charges already made
/// must keep the prices they were made with.
pub async fn add_price_list(svc: &Services, tariff: &str, from: i64, tiers: &[Tier]) -> Result<(), AddError> {
    let exists: Option<String> = sqlx::query_scalar("SELECT code FROM tariffs WHERE code = $1")
        .bind(tariff)
        .fetch_optional(&svc.db.pool)
        .await?;
    if exists.is_none() {
        return Err(AddError::UnknownTariff);
    }
    let now = svc.clock.now_ms();
    let (y, m, d, _, _) = shared::time::tashkent(now);
    let today = shared::time::parse_tashkent_date(&format!("{y:04}-{m:02}-{d:02}")).unwrap_or(now);
    if from < today {
        return Err(AddError::InThePast);
    }
    let mut tx = svc.db.begin_write().await?;
    let taken: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM tariff_prices WHERE tariff_code = $1 AND effective_from = $2",
    )
    .bind(tariff)
    .bind(from)
    .fetch_one(&mut *tx)
    .await?;
    if taken > 0 {
        return Err(AddError::Exists);
    }
    for tier in tiers {
        sqlx::query(
            "INSERT INTO tariff_prices (tariff_code, effective_from, up_to_units, unit_price_tiyin) VALUES ($1, $2, $3, $4)",
        )
        .bind(tariff)
        .bind(from)
        .bind(tier.up_to_units)
        .bind(tier.unit_price.get())
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
