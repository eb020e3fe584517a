//! A resident's utility accounts.

use crate::error::AppError;
use leptos::prelude::*;
use shared::account::{AccountDetails, AccountSummary};

#[server(prefix = "/api", endpoint = "my_accounts")]
pub async fn my_accounts() -> Result<Vec<AccountSummary>, AppError> {
    let (svc, principal) = super::guard_signed_in(&shared::auth::Need::SignedIn).await?;
    Ok(services::accounts::my_accounts(&svc, principal.user_id).await?)
}

/// One of the resident's own accounts with a page of each history. Another resident's
/// account is "not found", exactly like an account that does not exist.
#[server(prefix = "/api", endpoint = "account")]
pub async fn get_account(
    id: i64,
    readings: i64,
    charges: i64,
    payments: i64,
) -> Result<AccountDetails, AppError> {
    let (svc, principal) = super::guard_signed_in(&shared::auth::Need::SignedIn).await?;
    let pages = services::accounts::HistoryPages {
        readings,
        charges,
        payments,
    };
    Ok(services::accounts::details(&svc, principal.user_id, id, pages).await?)
}
