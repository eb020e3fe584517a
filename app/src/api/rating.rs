//! The six-monthly rating of bodies: public (nothing personal is in it), and its settings for
//! administrators.

use crate::error::AppError;
use leptos::prelude::*;
use shared::rating::{BodyHistory, Rating, RatingSettings};

/// A refusal as a bad request whose text is the problem's code.
#[cfg(feature = "ssr")]
fn refused(problem: shared::rating::RatingProblem) -> AppError {
    crate::error::set_status(400);
    AppError::BadRequest(problem.code().to_string())
}

#[cfg(feature = "ssr")]
fn answer<T>(done: Result<T, services::reports::rating::RatingError>) -> Result<T, AppError> {
    use services::reports::rating::RatingError;
    match done {
        Ok(value) => Ok(value),
        Err(RatingError::Refused(problem)) => Err(refused(problem)),
        Err(RatingError::Service(error)) => Err(error.into()),
    }
}

/// The rating of a half-year (`2026-H1`; empty: the running one), for everyone.
#[server(prefix = "/api", endpoint = "rating")]
pub async fn get_rating(period: String) -> Result<Rating, AppError> {
    use shared::rating::{HalfYear, RatingProblem};
    let svc = super::services()?;
    let half = if period.trim().is_empty() {
        HalfYear::of(svc.clock.now_ms())
    } else {
        HalfYear::parse(&period).ok_or_else(|| refused(RatingProblem::Period))?
    };
    answer(services::reports::rating::rating(&svc, half).await)
}

/// One body's rating over the half-years, for everyone.
#[server(prefix = "/api", endpoint = "rating_body")]
pub async fn get_rating_body(id: i64) -> Result<BodyHistory, AppError> {
    let svc = super::services()?;
    answer(services::reports::rating::history(&svc, id).await)
}

/// The rating's settings in force, for administrators to change.
#[server(prefix = "/api", endpoint = "rating_settings")]
pub async fn get_rating_settings() -> Result<RatingSettings, AppError> {
    use shared::auth::{Need, Role};
    let (svc, _) = super::guard_signed_in(&Need::Role(Role::Administrator)).await?;
    Ok(services::reports::rating::settings(&svc).await?)
}
