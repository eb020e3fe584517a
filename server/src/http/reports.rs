//! Reports on appeals as files: a quarter's report of a scope the caller may read, as CSV.

use crate::AppState;
use crate::http::area::Area;
use crate::http::guard::{AppealsReader, Signed, text, unavailable};
use app::i18n::Key;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use services::reports::ReportError;
use shared::report::{Quarter, ReportScope};

pub fn router() -> Area {
    Area::new().get("/desk/reports.csv", csv)
}

#[derive(Deserialize)]
pub struct ReportQuery {
    #[serde(default)]
    scope: String,
    #[serde(default)]
    quarter: String,
}

/// `GET /desk/reports.csv?scope=body:4&quarter=2026-Q4`: section, figure, this quarter, the
/// quarter before. A malformed or future quarter, or a scope outside the caller's reach, is a
/// bad request with the reason in the caller's language.
pub async fn csv(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<AppealsReader>,
    Query(query): Query<ReportQuery>,
) -> Response {
    let refused = |key: Key| text(StatusCode::BAD_REQUEST, caller.locale, key);
    let Some(scope) = ReportScope::parse(&query.scope) else {
        return refused(Key::ReportsErrorScope);
    };
    let Some(quarter) = Quarter::parse(&query.quarter) else {
        return refused(Key::ReportsErrorPeriod);
    };
    match services::reports::quarterly(&state.services, &principal, &scope, quarter).await {
        Ok(report) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!(
                        "attachment; filename=\"report-{}-{quarter}.csv\"",
                        scope.code().replace(':', "-")
                    ),
                ),
                (header::CACHE_CONTROL, "private, no-store".to_string()),
            ],
            services::reports::csv(&report),
        )
            .into_response(),
        Err(ReportError::Refused(problem)) => refused(app::pages::reports::problem_key(problem)),
        Err(ReportError::Service(error)) => unavailable(caller.locale, "a report failed", &error),
    }
}
