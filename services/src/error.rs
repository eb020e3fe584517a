use thiserror::Error;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The services' error. Internals are logged where they happen; callers map these to
/// user-facing messages.
#[derive(Debug, Error)]
pub enum Error {
    #[error("not found")]
    NotFound,
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("bad reference data: {0}")]
    ReferenceData(String),
    /// A stored value that no code of ours writes (a vocabulary word, a date).
    #[error("corrupt row: {0}")]
    Corrupt(String),
    #[error("file store: {0}")]
    Storage(String),
    /// A service outside (a card processor) did not answer, or answered nonsense.
    #[error("outside service: {0}")]
    Outside(String),
}

/// Lets `?` turn a database error into an error enum's `Service` variant (every service error
/// enum has one): `service_error!(SubmitError);`.
macro_rules! service_error {
    ($t:ident) => {
        impl From<sqlx::Error> for $t {
            fn from(e: sqlx::Error) -> Self {
                $t::Service($crate::Error::Database(e))
            }
        }
    };
}
pub(crate) use service_error;
