//! Reports and the rating as files, and the forms of the work that follows a report.
//!
//! | file | what |
//! |---|---|
//! | `mod.rs` | a quarter's report of a scope the caller may read as CSV, XLSX or PDF; the six-monthly rating for everyone as CSV, XLSX or PDF; the administrators' form of the rating's settings |
//! | `hearings.rs` | a report heard, its decisions and their closing; proposals to the Cabinet of Ministers sent |
//! | `problems.rs` | a systemic problem taken up, its plan, its closing |

mod hearings;
mod problems;

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
            "/desk/reports.pdf",
            |s: State<AppState>, c: Signed<AppealsReader>, q: Query<ReportQuery>| {
                report(s, c, q, Format::Pdf)
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
        .get(
            "/rating.pdf",
            |s: State<AppState>, c: Caller, q: Query<RatingQuery>| rating(s, c, q, Format::Pdf),
        )
        .post("/admin/rating", save_settings)
        .post("/desk/reports/hearing", hearings::record_hearing)
        .post("/desk/reports/hearing/{id}/decision", hearings::add_decision)
        .post("/decisions/{id}/done", hearings::close_decision)
        .post("/desk/proposals/{id}", hearings::submit_proposals)
        .post("/desk/problems", problems::take_problem)
        .post("/desk/problems/{id}/plan", problems::plan_problem)
        .post("/desk/problems/{id}/close", problems::close_problem)
}

#[derive(Clone, Copy)]
enum Format {
    Csv,
    Xlsx,
    /// For print: the report page's figures, in the reader's language.
    Pdf,
}

impl Format {
    fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            Format::Pdf => "pdf",
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Pdf => "application/pdf",
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

/// `GET /desk/reports.csv?scope=body:4&quarter=2026-Q4` (or `.xlsx`, or `.pdf` for print):
/// section, figure, this quarter, the quarter before. A malformed or future quarter, or a scope outside the caller's
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
        Format::Pdf => report_pdf(caller.locale, &report),
    };
    let name = format!("report-{}-{quarter}", scope.code().replace(':', "-"));
    format.file(&name, "private, no-store", bytes)
}

/// The report for print: each section's figures, this quarter's beside the one before's, and
/// the officers' for a head, in the reader's language (the page's words).
fn report_pdf(locale: shared::Locale, report: &shared::report::Report) -> Vec<u8> {
    use app::i18n::tr;
    use app::pages::reports::{figure_name, section_key, shown};
    use services::pdf::{A4, Ink, Page};
    let title = tr(locale, Key::ReportsTitle);
    let mut page = Page::new(A4, 48.0);
    page.paragraph("Fuqaro", 10.0, Ink::Muted);
    page.paragraph(&format!("{title}: {}", report.name.get(locale)), 16.0, Ink::Black);
    page.paragraph(
        &format!("{} ({})", report.quarter, report.quarter.previous()),
        11.0,
        Ink::Muted,
    );
    for (section, figures) in &report.sections {
        page.space(10.0);
        page.paragraph(tr(locale, section_key(*section)), 12.0, Ink::Black);
        for f in figures {
            let value = format!("{} ({})", shown(*section, f, true), shown(*section, f, false));
            page.row(
                &figure_name(locale, &report.topics, *section, &f.code),
                &value,
                10.0,
                260.0,
            );
        }
    }
    if !report.officers.is_empty() {
        page.space(10.0);
        page.paragraph(tr(locale, Key::ReportsOfficers), 12.0, Ink::Black);
        for (officer, figures) in &report.officers {
            let value = figures
                .iter()
                .map(|f| {
                    format!(
                        "{} {} ({})",
                        app::pages::reports::officer_figure_name(locale, &f.code),
                        f.now,
                        f.before
                    )
                })
                .collect::<Vec<_>>()
                .join("; ");
            page.row(officer, &value, 9.0, 130.0);
        }
    }
    page.finish(&format!("{title} {} {}", report.scope.code(), report.quarter))
}

/// The rating for print: the half-year, whether final, and each body's grade, score and
/// criteria, in the reader's language.
fn rating_pdf(locale: shared::Locale, rating: &shared::rating::Rating) -> Vec<u8> {
    use app::i18n::tr;
    use app::pages::rating::{criterion_key, half_name, percent};
    use services::pdf::{A4, Ink, Page};
    use shared::rating::Criterion;
    let title = tr(locale, Key::RatingTitle);
    let mut page = Page::new(A4, 48.0);
    page.paragraph("Fuqaro", 10.0, Ink::Muted);
    page.paragraph(title, 16.0, Ink::Black);
    let status = if rating.frozen_at.is_some() {
        Key::RatingFinalShort
    } else {
        Key::RatingProvisionalShort
    };
    page.paragraph(
        &format!("{} {}", half_name(locale, rating.period), tr(locale, status)),
        11.0,
        Ink::Muted,
    );
    for (i, b) in rating.bodies.iter().enumerate() {
        page.space(8.0);
        let grade = b
            .grade
            .map(|g| tr(locale, app::pages::rating::grade_key(g)))
            .unwrap_or(tr(locale, Key::RatingNotGraded));
        page.paragraph(
            &format!(
                "{}. {} — {grade}, {}",
                i + 1,
                b.name.get(locale),
                percent(b.score)
            ),
            11.0,
            Ink::Black,
        );
        for &c in Criterion::ALL {
            page.row(tr(locale, criterion_key(c)), &percent(b.value(c)), 9.0, 220.0);
        }
    }
    page.finish(&format!("{title} {}", rating.period))
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
        Format::Pdf => rating_pdf(caller.locale, &rating),
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
