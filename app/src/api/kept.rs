//! What this browser typed into a form the server refused: kept on the server
//! (`services::kept`), shown again by the form's page.

use crate::error::AppError;
use leptos::prelude::*;
use std::collections::BTreeMap;

/// The fields of `form` this browser had refused in the last half hour (empty if none).
#[server(prefix = "/api", endpoint = "kept_form")]
pub async fn kept_form(form: String) -> Result<BTreeMap<String, String>, AppError> {
    let (svc, _) = super::guard(&shared::auth::Need::Anyone).await?;
    let Some(token) = super::request_cookie(shared::cookies::KEPT) else {
        return Ok(BTreeMap::new());
    };
    let now = svc.clock.now_ms();
    Ok(services::kept::kept(&svc.db, &token, &form, now)
        .await?
        .unwrap_or_default())
}

/// A refused form's kept fields, for a page whose URL says it was refused (`?error=`); an
/// empty map otherwise, so a later visit starts clean.
pub fn use_kept(form: &'static str) -> Resource<BTreeMap<String, String>> {
    use_kept_after(form, "error")
}

/// [`use_kept`] for a page with more than one form, whose refusal is named `?{param}=`.
pub fn use_kept_after(form: &'static str, param: &'static str) -> Resource<BTreeMap<String, String>> {
    let query = leptos_router::hooks::use_query_map();
    Resource::new(
        move || query.read().get(param).is_some(),
        move |refused| async move {
            if refused {
                kept_form(form.to_string()).await.unwrap_or_default()
            } else {
                BTreeMap::new()
            }
        },
    )
}
