//! Open311 GeoReport v2 over HTTP (`services::open311`, ADR 0018): discovery at
//! `/open311/discovery.{xml,json}`, the methods under `/open311/v2/`, each in XML or JSON by
//! its suffix. Reading is open to anyone (and to other sites' pages); filing takes an
//! `api_key`. Every refusal is the spec's error list with its status.

use crate::AppState;
use crate::http::area::Area;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use services::open311::{self, Filter, Form, Open311Error, keys};
use shared::Locale;

pub fn router() -> Area {
    Area::new()
        .get("/open311/{file}", discovery)
        .get("/open311/v2/{file}", list)
        .post("/open311/v2/{file}", file)
        .get("/open311/v2/services/{file}", definition)
        .get("/open311/v2/requests/{file}", one_request)
        .get("/open311/v2/tokens/{file}", token)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Xml,
    Json,
}

/// `services.json` → (`services`, JSON); a name without a known suffix is not found.
fn split(file: &str) -> Option<(&str, Format)> {
    let (name, suffix) = file.rsplit_once('.')?;
    let format = match suffix {
        "xml" => Format::Xml,
        "json" => Format::Json,
        _ => return None,
    };
    (!name.is_empty()).then_some((name, format))
}

/// A document in its format, readable from other sites' pages.
fn answer(status: StatusCode, format: Format, root: &str, value: &Value) -> Response {
    let (kind, body) = match format {
        Format::Json => ("application/json; charset=utf-8", value.to_string()),
        Format::Xml => ("text/xml; charset=utf-8", open311::xml(root, value)),
    };
    (
        status,
        [
            (header::CONTENT_TYPE, kind),
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        ],
        body,
    )
        .into_response()
}

fn refusal(format: Format, code: u16, description: &str) -> Response {
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_REQUEST);
    answer(status, format, "errors", &open311::errors(code, description))
}

/// A refusal, or (for a failure of ours) a 500 with the spec's list and nothing of the cause.
fn failed(format: Format, error: Open311Error, what: &str) -> Response {
    match error {
        Open311Error::Refused(code, description) => refusal(format, code, &description),
        Open311Error::Service(error) => {
            tracing::error!(%error, "{what} failed");
            refusal(format, 500, "the service is unavailable; try again later")
        }
    }
}

/// An unknown name or suffix: the spec's 404, in JSON unless the suffix asked for XML.
fn unknown(file: &str) -> Response {
    let format = if file.ends_with(".xml") {
        Format::Xml
    } else {
        Format::Json
    };
    refusal(format, 404, &format!("{file} not found"))
}

fn pairs(text: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(text).into_owned().collect()
}

fn locale(headers: &HeaderMap) -> Locale {
    app::i18n::locale_of_request(headers)
}

/// This installation serves one jurisdiction: a `jurisdiction_id`, when given, must be its
/// host (the spec suggests the site's domain without `www.`).
fn jurisdiction_refused(state: &AppState, form: &Form<'_>, format: Format) -> Option<Response> {
    let asked = form.get("jurisdiction_id")?;
    let host = state
        .config
        .public_url
        .split_once("://")
        .map_or(state.config.public_url.as_str(), |(_, rest)| rest)
        .split(['/', ':'])
        .next()
        .unwrap_or_default()
        .trim_start_matches("www.")
        .to_ascii_lowercase();
    (asked.to_ascii_lowercase() != host)
        .then(|| refusal(format, 404, &format!("jurisdiction_id {asked} not found")))
}

async fn discovery(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    match split(&file) {
        Some(("discovery", format)) => {
            let production = !state.config.development();
            answer(
                StatusCode::OK,
                format,
                "discovery",
                &open311::discovery(&state.config.public_url, production),
            )
        }
        _ => unknown(&file),
    }
}

/// `services.{fmt}` and `requests.{fmt}`.
async fn list(
    State(state): State<AppState>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let Named { name, format, query } = match named(&state, &file, query) {
        Ok(named) => named,
        Err(refused) => return *refused,
    };
    let svc = &state.services;
    let locale = locale(&headers);
    match name {
        "services" => {
            let list = open311::services(svc, locale).await.map_err(Open311Error::from);
            reply(format, "services", list, "listing Open311 services")
        }
        "requests" => {
            let list = match Filter::parse(&Form(&query), svc.clock.now_ms()) {
                Ok(filter) => open311::requests(svc, &filter, locale)
                    .await
                    .map_err(Open311Error::from),
                Err(refused) => Err(refused),
            };
            reply(format, "service_requests", list, "listing Open311 requests")
        }
        _ => unknown(&file),
    }
}

/// `POST requests.{fmt}`: a form with the key, in the body or the address.
async fn file(
    State(state): State<AppState>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(("requests", format)) = split(&file) else {
        return unknown(&file);
    };
    let mut fields = pairs(&body);
    fields.extend(pairs(query.unwrap_or_default().as_bytes()));
    let form = Form(&fields);
    if let Some(refused) = jurisdiction_refused(&state, &form, format) {
        return refused;
    }
    let svc = &state.services;
    let Some(key) = form.get("api_key") else {
        return refusal(format, 403, "api_key is required to file a request");
    };
    let party = match keys::party(svc, key).await {
        Ok(Some(party)) => party,
        Ok(None) => return refusal(format, 403, "api_key is not valid (never issued, or revoked)"),
        Err(error) => return failed(format, error.into(), "checking an Open311 key"),
    };
    let filed = open311::file(svc, &party, &form, locale(&headers)).await;
    reply(format, "service_requests", filed, "filing an Open311 request")
}

/// A document's name and format from its file name, and the arguments of its address, once
/// the jurisdiction (when named) is ours; else the refusal to answer with.
fn named<'a>(state: &AppState, file: &'a str, query: Option<String>) -> Result<Named<'a>, Box<Response>> {
    let (name, format) = split(file).ok_or_else(|| Box::new(unknown(file)))?;
    let query = pairs(query.unwrap_or_default().as_bytes());
    match jurisdiction_refused(state, &Form(&query), format) {
        Some(refused) => Err(Box::new(refused)),
        None => Ok(Named { name, format, query }),
    }
}

struct Named<'a> {
    name: &'a str,
    format: Format,
    query: Vec<(String, String)>,
}

/// The answer under `root`, or the refusal.
fn reply(format: Format, root: &str, outcome: Result<Value, Open311Error>, what: &str) -> Response {
    match outcome {
        Ok(value) => answer(StatusCode::OK, format, root, &value),
        Err(error) => failed(format, error, what),
    }
}

async fn definition(
    State(state): State<AppState>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let Named {
        name: code, format, ..
    } = match named(&state, &file, query) {
        Ok(named) => named,
        Err(refused) => return *refused,
    };
    let definition = open311::definition(&state.services, code, locale(&headers)).await;
    reply(
        format,
        "service_definition",
        definition,
        "an Open311 service definition",
    )
}

async fn one_request(
    State(state): State<AppState>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let Named { name: id, format, .. } = match named(&state, &file, query) {
        Ok(named) => named,
        Err(refused) => return *refused,
    };
    let request = open311::request(&state.services, id, locale(&headers)).await;
    reply(format, "service_requests", request, "an Open311 request")
}

async fn token(Path(file): Path<String>) -> Response {
    let Some((token, format)) = split(&file) else {
        return unknown(&file);
    };
    reply(
        format,
        "service_requests",
        open311::token(token),
        "an Open311 token",
    )
}
