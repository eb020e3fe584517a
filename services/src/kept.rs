//! What a person typed into a form the server refused, kept on the server for a while so the
//! page shows it again. Never in the URL, where it would reach browser history, access logs
//! and a proxy's limit on URL length; and never lost. A browser has at most one kept form at a
//! time, found by the random token in its cookie (`shared::cookies::KEPT`).

use crate::Result;
use crate::db::Db;
use std::collections::BTreeMap;

/// How long a refused form is kept.
pub const KEPT_FOR_MS: i64 = 30 * 60 * 1000;
/// A value longer than this is not kept (an appeal's text is at most 10,000 characters; a
/// longer one was refused for its length, and the page says so).
const MAX_VALUE_CHARS: usize = 12_000;

/// The fields of a kept form, by name.
pub type Fields = BTreeMap<String, String>;

/// Keeps `fields` of `form` under the browser's token (a new one when it has none, or when
/// the one it sent is not well-formed) and returns the token.
pub async fn keep(
    db: &Db,
    token: Option<&str>,
    form: &str,
    fields: &[(&str, &str)],
    now: i64,
) -> Result<String> {
    let token = token
        .filter(|t| {
            t.len() == 43
                && t.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        .map(str::to_string)
        .unwrap_or_else(crate::secret::token);
    let fields: Fields = fields
        .iter()
        .filter(|(_, v)| v.chars().count() <= MAX_VALUE_CHARS)
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let json = serde_json::to_string(&fields).map_err(|e| crate::Error::Corrupt(e.to_string()))?;
    let mut tx = db.begin_write().await?;
    sqlx::query("DELETE FROM kept_forms WHERE token = $1 OR created_at < $2")
        .bind(&token)
        .bind(now - KEPT_FOR_MS)
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO kept_forms (token, form, fields, created_at) VALUES ($1, $2, $3, $4)")
        .bind(&token)
        .bind(form)
        .bind(json)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(token)
}

/// [`kept`], forgotten as it is read: for what is shown once (a key just issued).
pub async fn take(db: &Db, token: &str, form: &str, now: i64) -> Result<Option<Fields>> {
    let fields = kept(db, token, form, now).await?;
    if fields.is_some() {
        sqlx::query("DELETE FROM kept_forms WHERE token = $1 AND form = $2")
            .bind(token)
            .bind(form)
            .execute(&db.pool)
            .await?;
    }
    Ok(fields)
}

/// The fields kept for this browser's `form`, if it was refused within [`KEPT_FOR_MS`].
pub async fn kept(db: &Db, token: &str, form: &str, now: i64) -> Result<Option<Fields>> {
    let json: Option<String> = sqlx::query_scalar(
        "SELECT fields FROM kept_forms WHERE token = $1 AND form = $2 AND created_at >= $3",
    )
    .bind(token)
    .bind(form)
    .bind(now - KEPT_FOR_MS)
    .fetch_optional(&db.pool)
    .await?;
    json.map(|j| {
        serde_json::from_str(&j).map_err(|_| crate::Error::Corrupt(format!("kept_forms.fields = {j:?}")))
    })
    .transpose()
}
