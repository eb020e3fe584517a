//! Reports on appeals: what a person may read, and a quarter's report.

use crate::error::AppError;
use leptos::prelude::*;
use shared::report::{Report, ReportChoices};

/// The scopes the person may read reports of, and the quarters.
#[server(prefix = "/api", endpoint = "report_choices")]
pub async fn get_report_choices() -> Result<ReportChoices, AppError> {
    let (svc, principal) = super::guard_signed_in(&shared::auth::Need::SeesAppeals).await?;
    Ok(services::reports::choices(&svc, &principal).await?)
}

/// A quarter's report of a scope (`body:4`, `region:1726`, `country`); a refusal is a bad
/// request whose text is the problem's code.
#[server(prefix = "/api", endpoint = "report")]
pub async fn get_report(scope: String, quarter: String) -> Result<Report, AppError> {
    use services::reports::ReportError;
    use shared::report::{Quarter, ReportProblem, ReportScope};
    let (svc, principal) = super::guard_signed_in(&shared::auth::Need::SeesAppeals).await?;
    let refused = |p: ReportProblem| {
        crate::error::set_status(400);
        AppError::BadRequest(p.code().to_string())
    };
    let scope = ReportScope::parse(&scope).ok_or_else(|| refused(ReportProblem::Scope))?;
    let quarter = Quarter::parse(&quarter).ok_or_else(|| refused(ReportProblem::Period))?;
    match services::reports::quarterly(&svc, &principal, &scope, quarter).await {
        Ok(report) => Ok(report),
        Err(ReportError::Refused(p)) => Err(refused(p)),
        Err(ReportError::Service(error)) => Err(error.into()),
    }
}

/// A report's hearing (if recorded) and whether the reader may record it.
#[server(prefix = "/api", endpoint = "report_hearing")]
pub async fn get_hearing(scope: String, quarter: String) -> Result<shared::report::HearingView, AppError> {
    use services::reports::hearings::HearingError;
    use shared::report::{HearingProblem, Quarter, ReportScope};
    let (svc, principal) = super::guard_signed_in(&shared::auth::Need::SeesAppeals).await?;
    let refused = |p: HearingProblem| {
        crate::error::set_status(400);
        AppError::BadRequest(p.code().to_string())
    };
    let scope = ReportScope::parse(&scope).ok_or_else(|| refused(HearingProblem::Scope))?;
    let quarter = Quarter::parse(&quarter).ok_or_else(|| refused(HearingProblem::Period))?;
    match services::reports::hearings::view(&svc, &principal, &scope, quarter).await {
        Ok(view) => Ok(view),
        Err(HearingError::Refused(p)) => Err(refused(p)),
        Err(HearingError::Service(error)) => Err(error.into()),
    }
}

/// The decisions of report hearings the person owns.
#[server(prefix = "/api", endpoint = "my_decisions")]
pub async fn get_my_decisions() -> Result<Vec<shared::report::Decision>, AppError> {
    let (svc, principal) = super::guard_signed_in(&shared::auth::Need::SignedIn).await?;
    Ok(services::reports::hearings::decisions_of(&svc, &principal).await?)
}

/// The register of proposals to the Cabinet of Ministers of the ministries the person heads.
#[server(prefix = "/api", endpoint = "cabinet_proposals")]
pub async fn get_proposals() -> Result<Vec<shared::report::Proposal>, AppError> {
    let (svc, principal) = super::guard_signed_in(&shared::auth::Need::SeesAppeals).await?;
    Ok(services::reports::hearings::proposals(&svc, &principal).await?)
}

/// A refusal of systemic problems' calls as a bad request whose text is the problem's code.
#[cfg(feature = "ssr")]
fn problem_refused(problem: shared::problems::ProblemProblem) -> AppError {
    crate::error::set_status(400);
    AppError::BadRequest(problem.code().to_string())
}

#[cfg(feature = "ssr")]
fn problem_answer<T>(done: Result<T, services::reports::problems::ProblemError>) -> Result<T, AppError> {
    use services::reports::problems::ProblemError;
    match done {
        Ok(value) => Ok(value),
        Err(ProblemError::Refused(p)) => Err(problem_refused(p)),
        Err(ProblemError::Service(error)) => Err(error.into()),
    }
}

/// A quarter's picture of systemic problems of a scope the person may read.
#[server(prefix = "/api", endpoint = "problems")]
pub async fn get_problems(scope: String, quarter: String) -> Result<shared::problems::Problems, AppError> {
    use shared::problems::ProblemProblem;
    use shared::report::{Quarter, ReportScope};
    let (svc, principal) = super::guard_signed_in(&shared::auth::Need::SeesAppeals).await?;
    let scope = ReportScope::parse(&scope).ok_or_else(|| problem_refused(ProblemProblem::Scope))?;
    let quarter = Quarter::parse(&quarter).ok_or_else(|| problem_refused(ProblemProblem::Period))?;
    problem_answer(services::reports::problems::picture(&svc, &principal, &scope, quarter).await)
}

/// A problem taken up, with the appeals behind it.
#[server(prefix = "/api", endpoint = "problem")]
pub async fn get_problem(id: i64) -> Result<shared::problems::SystemicProblem, AppError> {
    let (svc, principal) = super::guard_signed_in(&shared::auth::Need::SeesAppeals).await?;
    problem_answer(services::reports::problems::problem(&svc, &principal, id).await)
}

/// The appeals behind a figure of a quarter's report.
#[server(prefix = "/api", endpoint = "report_appeals")]
pub async fn get_report_appeals(
    scope: String,
    quarter: String,
    section: String,
    figure: String,
) -> Result<shared::report::FigureAppeals, AppError> {
    use services::reports::ReportError;
    use shared::report::{Quarter, ReportProblem, ReportScope, Section};
    let (svc, principal) = super::guard_signed_in(&shared::auth::Need::SeesAppeals).await?;
    let refused = |p: ReportProblem| {
        crate::error::set_status(400);
        AppError::BadRequest(p.code().to_string())
    };
    let scope = ReportScope::parse(&scope).ok_or_else(|| refused(ReportProblem::Scope))?;
    let quarter = Quarter::parse(&quarter).ok_or_else(|| refused(ReportProblem::Period))?;
    let section = Section::parse(&section).ok_or_else(|| refused(ReportProblem::Figure))?;
    match services::reports::behind(&svc, &principal, &scope, quarter, section, &figure).await {
        Ok(list) => Ok(list),
        Err(ReportError::Refused(p)) => Err(refused(p)),
        Err(ReportError::Service(error)) => Err(error.into()),
    }
}
