//! Server-side services: the logic behind server functions and HTTP edges, with the SQL
//! next to the service that owns each table. No HTTP and no Leptos here.

pub mod db;
pub mod error;
pub mod reference;

pub use db::{Backend, Db};
pub use error::{Error, Result};

/// Everything a request handler or server function may call, cheap to clone.
#[derive(Clone, Debug)]
pub struct Services {
    pub db: Db,
}
