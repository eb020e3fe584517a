//! The domain vocabulary shared by the browser and the server.
//!
//! Everything here is plain data and pure functions: no I/O, no framework.

pub mod geo;
pub mod locale;
pub mod money;
pub mod service;

pub use locale::Locale;
pub use money::Tiyin;
pub use service::ServiceType;
