//! Server functions, one module per area. Each is thin: authorize (through [`guard`]),
//! parse, call a service, map the error.

pub mod accounts;
pub mod admin;
pub mod appeals;
pub mod kept;
pub mod me;
pub mod payments;
pub mod rating;
pub mod readings;
pub mod receptions;
pub mod reference;
pub mod reports;
pub mod staff;

/// The services of the running server, provided as context by the server binary.
#[cfg(feature = "ssr")]
pub(crate) fn services() -> Result<services::Services, crate::error::AppError> {
    leptos::prelude::use_context::<services::Services>().ok_or_else(|| {
        tracing::error!("services missing from context");
        crate::error::AppError::Unavailable
    })
}

/// A cookie of the request being served.
#[cfg(feature = "ssr")]
pub(crate) fn request_cookie(name: &str) -> Option<String> {
    let parts = leptos::prelude::use_context::<http::request::Parts>()?;
    shared::cookies::value(
        parts
            .headers
            .get_all(http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok()),
        name,
    )
    .map(str::to_string)
}

/// The one guard of every server function: who is asking and whether they may. Refusals
/// answer 401 (sign in first) or 403 (not allowed) and tell nothing else.
#[cfg(feature = "ssr")]
pub(crate) async fn guard(
    need: &shared::auth::Need,
) -> Result<(services::Services, Option<shared::auth::Principal>), crate::error::AppError> {
    use crate::error::AppError;
    use crate::error::set_status;
    use services::identity::auth::Guarded;
    use shared::auth::Denied;

    let svc = services()?;
    let token = request_cookie(shared::cookies::SESSION);
    match services::identity::auth::authorize(&svc, token.as_deref(), need).await {
        Ok(principal) => Ok((svc, principal)),
        Err(Guarded::Denied(Denied::SignInRequired)) => {
            set_status(401);
            Err(AppError::SignInRequired)
        }
        Err(Guarded::Denied(Denied::Forbidden)) => {
            set_status(403);
            Err(AppError::Forbidden)
        }
        Err(Guarded::Service(error)) => Err(error.into()),
    }
}

/// The guard for actions of a signed-in person: the principal is always there.
#[cfg(feature = "ssr")]
pub(crate) async fn guard_signed_in(
    need: &shared::auth::Need,
) -> Result<(services::Services, shared::auth::Principal), crate::error::AppError> {
    match guard(need).await? {
        (svc, Some(principal)) => Ok((svc, principal)),
        (_, None) => Err(crate::error::AppError::SignInRequired),
    }
}
