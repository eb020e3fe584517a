//! Reports and the rating as files. A quarter's report of a scope the caller may read, as CSV
//! or XLSX; the six-monthly rating for everyone, as CSV or XLSX; and the administrators' form
//! of the rating's settings.

use crate::AppState;
use crate::http::area::Area;
use crate::http::guard::{Administrator, AppealsReader, Caller, Resident, Signed, text, unavailable};
use crate::http::redirect::{redirect, refuse};
use app::i18n::Key;
use axum::extract::{Form, Path, Query, State};
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
        .post("/desk/reports/hearing", record_hearing)
        .post("/desk/reports/hearing/{id}/decision", add_decision)
        .post("/decisions/{id}/done", close_decision)
        .post("/desk/proposals/{id}", submit_proposals)
        .post("/desk/problems", take_problem)
        .post("/desk/problems/{id}/plan", plan_problem)
        .post("/desk/problems/{id}/close", close_problem)
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

/// Where a report's page is, with what was done or refused (`then`: `done=…` or `error=…`)
/// and the anchor to land on.
fn report_page(scope: &str, quarter: &str, then: &str, anchor: &str) -> String {
    format!(
        "/desk/reports?scope={}&quarter={}&{then}#{anchor}",
        shared::url::encode(scope),
        shared::url::encode(quarter)
    )
}

#[derive(Deserialize)]
pub struct HearingForm {
    #[serde(default)]
    scope: String,
    #[serde(default)]
    quarter: String,
    #[serde(default)]
    held_day: String,
    #[serde(default)]
    participants: String,
}

/// A head (or the People's Reception, or an administrator) records that the report was heard.
async fn record_hearing(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<AppealsReader>,
    Form(form): Form<HearingForm>,
) -> Response {
    use services::reports::hearings::HearingError;
    use shared::report::HearingProblem;
    let scope = ReportScope::parse(&form.scope);
    let quarter = Quarter::parse(&form.quarter);
    let done = match (scope, quarter) {
        (Some(scope), Some(quarter)) => {
            services::reports::hearings::record(
                &state.services,
                &principal,
                &scope,
                quarter,
                &form.held_day,
                &form.participants,
            )
            .await
        }
        (None, _) => Err(HearingError::Refused(HearingProblem::Scope)),
        (_, None) => Err(HearingError::Refused(HearingProblem::Period)),
    };
    match done {
        Ok(_) => redirect(&report_page(
            &form.scope,
            &form.quarter,
            "done=hearing",
            "hearing",
        )),
        Err(HearingError::Refused(problem)) => {
            let to = report_page(
                &form.scope,
                &form.quarter,
                &format!("error={problem}"),
                "hearing-error",
            );
            let kept = [
                ("held_day", form.held_day.as_str()),
                ("participants", form.participants.as_str()),
            ];
            refuse(&state, &caller, &to, "hearing", &kept).await
        }
        Err(HearingError::Service(error)) => unavailable(caller.locale, "recording a hearing failed", &error),
    }
}

#[derive(Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    scope: String,
    #[serde(default)]
    quarter: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    owner_name: String,
    #[serde(default)]
    owner_phone: String,
    #[serde(default)]
    due_day: String,
}

/// A decision added to a hearing; its owner is told by SMS.
async fn add_decision(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<AppealsReader>,
    Path(id): Path<i64>,
    Form(form): Form<DecisionForm>,
) -> Response {
    use services::reports::hearings::{HearingError, NewDecision};
    let new = NewDecision {
        text: &form.text,
        owner_name: &form.owner_name,
        owner_phone: &form.owner_phone,
        due_day: &form.due_day,
        locale: caller.locale,
    };
    match services::reports::hearings::decide(&state.services, &principal, id, &new).await {
        Ok(_) => redirect(&report_page(
            &form.scope,
            &form.quarter,
            "done=decision",
            "hearing",
        )),
        Err(HearingError::Refused(problem)) => {
            let to = report_page(
                &form.scope,
                &form.quarter,
                &format!("error={problem}"),
                "decision-error",
            );
            let kept = [
                ("text", form.text.as_str()),
                ("owner_name", form.owner_name.as_str()),
                ("owner_phone", form.owner_phone.as_str()),
                ("due_day", form.due_day.as_str()),
            ];
            refuse(&state, &caller, &to, "decision", &kept).await
        }
        Err(HearingError::Service(error)) => unavailable(caller.locale, "adding a decision failed", &error),
    }
}

#[derive(Deserialize)]
pub struct DoneForm {
    #[serde(default)]
    note: String,
    /// The page the form was on (a path on this site): the owner's list or a report's.
    #[serde(default)]
    back: String,
}

/// A decision marked done, saying what was done: by its owner or whoever may record its
/// hearing.
async fn close_decision(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<Resident>,
    Path(id): Path<i64>,
    Form(form): Form<DoneForm>,
) -> Response {
    use services::reports::hearings::HearingError;
    use shared::report::HearingProblem;
    let back = shared::url::local_path(&form.back).unwrap_or("/decisions");
    let (path, query) = back.split_once('?').map_or((back, ""), |(p, q)| (p, q));
    let then = |what: &str| {
        let query = query.split('#').next().unwrap_or_default();
        let sep = if query.is_empty() { "" } else { "&" };
        format!("{path}?{query}{sep}{what}")
    };
    match services::reports::hearings::close(&state.services, &principal, id, &form.note).await {
        Ok(()) => redirect(&format!("{}#decision-{id}", then("done=closed"))),
        Err(HearingError::Refused(HearingProblem::NotFound)) => {
            text(StatusCode::NOT_FOUND, caller.locale, Key::HearingErrorNotFound)
        }
        Err(HearingError::Refused(problem)) => {
            let to = format!(
                "{}&decision={id}#decision-{id}-error",
                then(&format!("error={problem}"))
            );
            refuse(
                &state,
                &caller,
                &to,
                "decision-done",
                &[("note", form.note.as_str())],
            )
            .await
        }
        Err(HearingError::Service(error)) => unavailable(caller.locale, "closing a decision failed", &error),
    }
}

#[derive(Deserialize)]
pub struct ProposalsForm {
    #[serde(default)]
    text: String,
}

/// A ministry's head records the quarter's proposals to the Cabinet of Ministers as sent.
async fn submit_proposals(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<AppealsReader>,
    Path(id): Path<i64>,
    Form(form): Form<ProposalsForm>,
) -> Response {
    use services::reports::hearings::HearingError;
    use shared::report::HearingProblem;
    match services::reports::hearings::submit(&state.services, &principal, id, &form.text).await {
        Ok(()) => redirect(&format!("/desk/proposals?done={id}#proposal-{id}")),
        Err(HearingError::Refused(HearingProblem::NotFound)) => {
            text(StatusCode::NOT_FOUND, caller.locale, Key::HearingErrorNotFound)
        }
        Err(HearingError::Refused(problem)) => {
            let to = format!("/desk/proposals?error={problem}&proposal={id}#proposal-{id}-error");
            refuse(&state, &caller, &to, "proposals", &[("text", form.text.as_str())]).await
        }
        Err(HearingError::Service(error)) => unavailable(caller.locale, "recording proposals failed", &error),
    }
}

#[derive(Deserialize)]
pub struct TakeForm {
    #[serde(default)]
    scope: String,
    #[serde(default)]
    quarter: String,
    #[serde(default)]
    topic: String,
    #[serde(default)]
    mahalla: String,
    #[serde(default)]
    title: String,
}

/// A head takes up a systemic problem, leading its working group.
async fn take_problem(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<AppealsReader>,
    Form(form): Form<TakeForm>,
) -> Response {
    use services::reports::problems::{ProblemError, Take};
    use shared::problems::ProblemProblem;
    let mahalla = Some(form.mahalla.trim()).filter(|m| !m.is_empty());
    let done = match (ReportScope::parse(&form.scope), Quarter::parse(&form.quarter)) {
        (Some(scope), Some(quarter)) => {
            let take = Take {
                scope: &scope,
                quarter,
                topic: form.topic.trim(),
                mahalla,
                title: &form.title,
            };
            services::reports::problems::take(&state.services, &principal, &take).await
        }
        (None, _) => Err(ProblemError::Refused(ProblemProblem::Scope)),
        (_, None) => Err(ProblemError::Refused(ProblemProblem::Period)),
    };
    match done {
        Ok(id) => redirect(&format!("/desk/problems/{id}?done=taken")),
        Err(ProblemError::Refused(problem)) => {
            let to = format!(
                "/desk/problems?scope={}&quarter={}&error={problem}&topic={}#problems-error",
                shared::url::encode(&form.scope),
                shared::url::encode(&form.quarter),
                shared::url::encode(&form.topic),
            );
            refuse(&state, &caller, &to, "problem", &[("title", form.title.as_str())]).await
        }
        Err(ProblemError::Service(error)) => unavailable(caller.locale, "taking up a problem failed", &error),
    }
}

#[derive(Deserialize)]
pub struct PlanForm {
    #[serde(default)]
    members: String,
    #[serde(default)]
    plan: String,
}

/// The working group's members and plan, written or rewritten.
async fn plan_problem(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<AppealsReader>,
    Path(id): Path<i64>,
    Form(form): Form<PlanForm>,
) -> Response {
    let done =
        services::reports::problems::plan(&state.services, &principal, id, &form.members, &form.plan).await;
    let kept = [("members", form.members.as_str()), ("plan", form.plan.as_str())];
    problem_answer(&state, &caller, id, "plan", done, &kept).await
}

#[derive(Deserialize)]
pub struct CloseForm {
    #[serde(default)]
    result: String,
}

/// A problem closed with what came of it.
async fn close_problem(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<AppealsReader>,
    Path(id): Path<i64>,
    Form(form): Form<CloseForm>,
) -> Response {
    let done = services::reports::problems::close(&state.services, &principal, id, &form.result).await;
    problem_answer(
        &state,
        &caller,
        id,
        "closed",
        done,
        &[("result", form.result.as_str())],
    )
    .await
}

/// Where a problem's form leads: its page with what was done, or refused at the form
/// (`what`'s fields kept); a problem not the caller's is not found.
async fn problem_answer(
    state: &AppState,
    caller: &Caller,
    id: i64,
    what: &str,
    done: Result<(), services::reports::problems::ProblemError>,
    kept: &[(&str, &str)],
) -> Response {
    use services::reports::problems::ProblemError;
    use shared::problems::ProblemProblem;
    match done {
        Ok(()) => redirect(&format!("/desk/problems/{id}?done={what}")),
        Err(ProblemError::Refused(ProblemProblem::NotFound)) => {
            text(StatusCode::NOT_FOUND, caller.locale, Key::HearingErrorNotFound)
        }
        Err(ProblemError::Refused(problem)) => {
            let to = format!("/desk/problems/{id}?error={problem}#{what}-error");
            refuse(state, caller, &to, &format!("problem-{what}"), kept).await
        }
        Err(ProblemError::Service(error)) => unavailable(caller.locale, "changing a problem failed", &error),
    }
}
