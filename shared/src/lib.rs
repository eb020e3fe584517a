//! The domain vocabulary shared by the browser and the server.
//!
//! Everything here is plain data and pure functions: no I/O, no framework.

pub mod account;
pub mod appeal;
pub mod auth;
pub mod calendar;
pub mod card;
pub mod cookies;
pub mod geo;
pub mod i18n;
pub mod locale;
pub mod money;
pub mod payment;
pub mod phone;
pub mod problems;
pub mod rating;
pub mod reading;
pub mod reception;
pub mod report;
pub mod service;
pub mod time;
pub mod url;
pub mod vocabulary;

pub use locale::Locale;
pub use money::Tiyin;
pub use phone::Phone;
pub use service::ServiceType;
