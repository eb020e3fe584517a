//! Money in: a resident's payment orders (`orders`), the providers' callbacks (`payme`,
//! `click`), their checkout pages and development sandbox (`checkout`, `sandbox`), cards
//! through a processor (`card`, `payme_cards`), the daily reconciliation with the providers'
//! registries (`reconcile`) and the receipt's facts (its PDF is written by `crate::pdf`).

pub mod card;
pub mod checkout;
pub mod click;
pub mod orders;
pub mod payme;
pub mod payme_cards;
pub mod reconcile;
pub mod sandbox;
