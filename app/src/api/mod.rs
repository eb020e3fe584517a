//! Server functions, one module per area. Each is thin: authorize, parse, call a service,
//! map the error.

pub mod reference;

/// The services of the running server, provided as context by the server binary.
#[cfg(feature = "ssr")]
pub(crate) fn services() -> Result<services::Services, crate::error::AppError> {
    leptos::prelude::use_context::<services::Services>().ok_or_else(|| {
        tracing::error!("services missing from context");
        crate::error::AppError::Unavailable
    })
}
