//! Payment orders and receipts as the pages show them.

use crate::Tiyin;
use crate::geo::Names;
use serde::{Deserialize, Serialize};

/// A resident's payment order and where it stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderView {
    pub id: i64,
    pub account_id: i64,
    pub account_number: String,
    pub service: Names,
    pub amount: Tiyin,
    pub method: PayMethod,
    pub status: OrderStatus,
    pub created_at: i64,
    pub paid_at: Option<i64>,
    /// The provider's own checkout page for a pending order in production; `None` while the
    /// built-in sandbox plays the provider, and for cards (paid on our page).
    #[serde(default)]
    pub checkout_url: Option<String>,
    /// Development only: the built-in sandbox plays the provider (and the card processor).
    #[serde(default)]
    pub sandbox: bool,
}

/// A receipt the payer keeps.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub order_id: i64,
    pub number: String,
    pub paid_at: i64,
    pub account_number: String,
    pub service: Names,
    pub payer_phone_masked: String,
    pub amount: Tiyin,
    pub provider: PayMethod,
    pub provider_transaction_id: String,
    /// Anyone holding this link sees the receipt's verification page.
    pub verify_url: String,
    /// The QR code of `verify_url`, as an SVG document.
    pub qr_svg: String,
}

/// What the verification page shows: enough to check a receipt, nothing personal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptCheck {
    pub number: String,
    pub paid_at: i64,
    pub amount: Tiyin,
    pub provider: PayMethod,
    pub service: Names,
    /// Still paid (not reversed since).
    pub valid: bool,
}

/// The receipt number printed for an order.
pub fn receipt_number(order_id: i64) -> String {
    format!("FQ-{order_id:08}")
}

crate::words! {
    /// A way to pay: a provider's checkout, or a card through the configured processor.
    pub enum PayMethod {
        Card = "card",
        Payme = "payme",
        Click = "click",
    }
}

crate::words! {
    /// Where a payment order stands.
    pub enum OrderStatus {
        Pending = "pending",
        Paid = "paid",
        Cancelled = "cancelled",
    }
}

crate::words! {
    /// Why a payment form was refused: the code in the redirect's `?pay_error=` or `?error=`.
    pub enum PayProblem {
        AmountEmpty = "amount_empty",
        AmountMalformed = "amount_malformed",
        AmountNotPositive = "amount_not_positive",
        AmountTooLarge = "amount_too_large",
        Method = "method",
        Refused = "refused",
        RateLimited = "rate_limited",
        CardNumber = "card_number",
        CardChecksum = "card_checksum",
        CardScheme = "card_scheme",
        CardExpiry = "card_expiry",
        CardExpired = "card_expired",
        CardPhone = "card_phone",
        WrongCode = "wrong_code",
        CodeExpired = "code_expired",
        TooManyTries = "too_many_tries",
        NoCharge = "no_charge",
        CodeMalformed = "code_malformed",
    }
}

/// One difference between our records and the provider's.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Mismatch {
    /// In the provider's statement, not in ours.
    MissingHere { id: String, amount: i64, state: i64 },
    /// In ours, not in the provider's statement.
    MissingThere { id: String, amount: i64, state: i64 },
    /// In both, with a field that differs.
    Differs {
        id: String,
        field: String,
        ours: String,
        theirs: String,
    },
}

crate::words! {
    /// Why a reconciliation was refused: the code in the reconciliation page's `?error=`.
    pub enum ReconcileProblem {
        Dates = "dates",
        Statement = "statement",
    }
}

impl PayMethod {
    /// The name of a way to pay, as the forms offer it.
    pub fn key(self) -> crate::i18n::Key {
        match self {
            PayMethod::Payme => crate::i18n::Key::PayMethodPayme,
            PayMethod::Click => crate::i18n::Key::PayMethodClick,
            PayMethod::Card => crate::i18n::Key::PayMethodCard,
        }
    }
}
