//! Reports and the rating as files. A quarter's report of a scope the caller may read, as CSV
//! or XLSX; the six-monthly rating for everyone, as CSV or XLSX; and the administrators' form
//! of the rating's settings.

use crate::AppState;
use crate::http::area::Area;
use crate::http::guard::{Administrator, AppealsReader, Caller, Signed, text, unavailable};
use crate::http::redirect::{redirect, refuse};
use app::i18n::Key;
use axum::extract::{Form, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use services::reports::ReportError;
use services::reports::rating::RatingError;
use shared::rating::{HalfYear, RatingSetting};
use shared::report::{Quarter, ReportScope};

pub fn router() -> Area {
    Area::new()
        .get(
            "/desk/reports.csv",
            |s: State<AppState>, c: Signed<AppealsReader>, q: Query<ReportQuery>| {
                report(s, c, q, Format::Csv)
            },
        )
        .get(
            "/desk/reports.xlsx",
            |s: State<AppState>, c: Signed<AppealsReader>, q: Query<ReportQuery>| {
                report(s, c, q, Format::Xlsx)
            },
        )
        .get(
            "/rating.csv",
            |s: State<AppState>, c: Caller, q: Query<RatingQuery>| rating(s, c, q, Format::Csv),
        )
        .get(
            "/rating.xlsx",
            |s: State<AppState>, c: Caller, q: Query<RatingQuery>| rating(s, c, q, Format::Xlsx),
        )
        .post("/admin/rating", save_settings)
}

#[derive(Clone, Copy)]
enum Format {
    Csv,
    Xlsx,
}

impl Format {
    fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    /// A file to download: its bytes, its name, and who may keep a copy.
    fn file(self, name: &str, cache: &str, bytes: Vec<u8>) -> Response {
        (
            [
                (header::CONTENT_TYPE, self.content_type().to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}.{}\"", self.extension()),
                ),
                (header::CACHE_CONTROL, cache.to_string()),
            ],
            bytes,
        )
            .into_response()
    }
}

#[derive(Deserialize)]
pub struct ReportQuery {
    #[serde(default)]
    scope: String,
    #[serde(default)]
    quarter: String,
}

/// `GET /desk/reports.csv?scope=body:4&quarter=2026-Q4` (or `.xlsx`): section, figure, this
/// quarter, the quarter before. A malformed or future quarter, or a scope outside the caller's
/// reach, is a bad request with the reason in the caller's language.
async fn report(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<AppealsReader>,
    Query(query): Query<ReportQuery>,
    format: Format,
) -> Response {
    let refused = |key: Key| text(StatusCode::BAD_REQUEST, caller.locale, key);
    let Some(scope) = ReportScope::parse(&query.scope) else {
        return refused(Key::ReportsErrorScope);
    };
    let Some(quarter) = Quarter::parse(&query.quarter) else {
        return refused(Key::ReportsErrorPeriod);
    };
    let report = match services::reports::quarterly(&state.services, &principal, &scope, quarter).await {
        Ok(report) => report,
        Err(ReportError::Refused(problem)) => return refused(app::pages::reports::problem_key(problem)),
        Err(ReportError::Service(error)) => return unavailable(caller.locale, "a report failed", &error),
    };
    let bytes = match format {
        Format::Csv => services::reports::csv(&report).into_bytes(),
        Format::Xlsx => match services::reports::xlsx(&report) {
            Ok(bytes) => bytes,
            Err(error) => return unavailable(caller.locale, "a report's spreadsheet failed", &error),
        },
    };
    let name = format!("report-{}-{quarter}", scope.code().replace(':', "-"));
    format.file(&name, "private, no-store", bytes)
}

#[derive(Deserialize)]
pub struct RatingQuery {
    #[serde(default)]
    period: String,
}

/// `GET /rating.csv?period=2026-H1` (or `.xlsx`, the regions on a second sheet), for everyone:
/// no period is the running half-year. Nothing personal is in it: bodies, regions, counts.
async fn rating(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<RatingQuery>,
    format: Format,
) -> Response {
    let refused = |key: Key| text(StatusCode::BAD_REQUEST, caller.locale, key);
    let half = if query.period.trim().is_empty() {
        HalfYear::of(state.services.clock.now_ms())
    } else {
        match HalfYear::parse(&query.period) {
            Some(half) => half,
            None => return refused(Key::RatingErrorPeriod),
        }
    };
    let rating = match services::reports::rating::rating(&state.services, half).await {
        Ok(rating) => rating,
        Err(RatingError::Refused(problem)) => return refused(app::pages::rating::problem_key(problem)),
        Err(RatingError::Service(error)) => return unavailable(caller.locale, "the rating failed", &error),
    };
    let bytes = match format {
        Format::Csv => services::reports::rating::csv(&rating).into_bytes(),
        Format::Xlsx => match services::reports::rating::xlsx(&rating) {
            Ok(bytes) => bytes,
            Err(error) => return unavailable(caller.locale, "the rating's spreadsheet failed", &error),
        },
    };
    // A frozen half-year never changes; the running one does.
    let cache = if rating.frozen_at.is_some() {
        "public, max-age=86400"
    } else {
        "public, max-age=60"
    };
    format.file(&format!("rating-{half}"), cache, bytes)
}

/// An administrator sets the rating's thresholds, the fewest closed appeals to be graded and
/// the criteria's weights (every setting on one form).
async fn save_settings(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<Administrator>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let typed = |setting: RatingSetting| {
        pairs
            .iter()
            .find(|(k, _)| k == setting.code())
            .map(|(_, v)| v.as_str())
            .unwrap_or_default()
    };
    let values: Vec<(RatingSetting, &str)> = RatingSetting::ALL.iter().map(|s| (*s, typed(*s))).collect();
    match services::reports::rating::set_settings(&state.services, principal.user_id, &values).await {
        Ok(()) => redirect("/admin/rating?saved=1"),
        Err((_, _, Some(error))) => unavailable(caller.locale, "setting the rating failed", &error),
        Err((setting, problem, None)) => {
            let to = format!("/admin/rating?error={problem}&field={setting}#rating-error");
            let kept: Vec<(&str, &str)> = values.iter().map(|(s, v)| (s.code(), *v)).collect();
            refuse(&state, &caller, &to, "rating", &kept).await
        }
    }
}
