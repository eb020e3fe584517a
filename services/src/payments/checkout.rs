//! Where a resident goes to pay an order with Payme or Click in production: the providers'
//! own checkout pages, reached by a link that carries the order. While no production
//! settings are given, the built-in sandbox plays the provider instead (`/sandbox/checkout`).

use base64::Engine as _;
use shared::Locale;
use shared::payment::OrderView;
use shared::payment::PayMethod;

/// Production checkout settings; `None` for a provider means its sandbox is used.
#[derive(Clone, Debug, Default)]
pub struct Checkout {
    pub payme: Option<PaymeCheckout>,
    pub click: Option<ClickCheckout>,
}

#[derive(Clone, Debug)]
pub struct PaymeCheckout {
    /// The cash desk's merchant id (24 hex characters).
    pub merchant_id: String,
    /// `https://checkout.paycom.uz` (or `https://test.paycom.uz` for Payme's own test cash desk).
    pub url: String,
}

#[derive(Clone, Debug)]
pub struct ClickCheckout {
    pub service_id: String,
    pub merchant_id: String,
    /// `https://my.click.uz/services/pay`.
    pub url: String,
}

impl Checkout {
    /// The provider's checkout link for a pending order, or `None` while its sandbox is on
    /// (and for card orders, which are paid on our own page).
    pub fn url(&self, order: &OrderView, public_url: &str, locale: Locale) -> Option<String> {
        let back = format!("{}/pay/{}", public_url.trim_end_matches('/'), order.id);
        match order.method {
            PayMethod::Payme => self.payme.as_ref().map(|p| {
                // Payme's language parameter knows uz, ru and en.
                let lang = if locale == Locale::Ru { "ru" } else { "uz" };
                let params = format!(
                    "m={};ac.order_id={};a={};l={lang};c={back}",
                    p.merchant_id,
                    order.id,
                    order.amount.get()
                );
                let encoded = base64::engine::general_purpose::STANDARD.encode(params);
                format!("{}/{encoded}", p.url.trim_end_matches('/'))
            }),
            PayMethod::Click => self.click.as_ref().map(|c| {
                format!(
                    "{}?service_id={}&merchant_id={}&amount={}&transaction_param={}&return_url={}",
                    c.url,
                    crate::url::encode(&c.service_id),
                    crate::url::encode(&c.merchant_id),
                    order.amount.to_decimal_string(),
                    order.id,
                    crate::url::encode(&back)
                )
            }),
            PayMethod::Card => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::Tiyin;
    use shared::geo::Names;

    fn order(method: &str) -> OrderView {
        OrderView {
            sandbox: false,
            id: 42,
            account_id: 1,
            account_number: "10000001".into(),
            service: Names {
                uz: "Elektr".into(),
                uz_cyrl: "Электр".into(),
                ru: "Электричество".into(),
            },
            amount: Tiyin::new(2_500_050),
            method: PayMethod::parse(method).unwrap(),
            status: shared::payment::OrderStatus::Pending,
            created_at: 0,
            paid_at: None,
            checkout_url: None,
        }
    }

    fn production() -> Checkout {
        Checkout {
            payme: Some(PaymeCheckout {
                merchant_id: "587f72c72cac0d162c722ae2".into(),
                url: "https://checkout.paycom.uz/".into(),
            }),
            click: Some(ClickCheckout {
                service_id: "123".into(),
                merchant_id: "456".into(),
                url: "https://my.click.uz/services/pay".into(),
            }),
        }
    }

    #[test]
    fn payme_gets_its_base64_parameters_with_the_amount_in_tiyin() {
        let url = production()
            .url(&order("payme"), "https://fuqaro.uz/", Locale::UzCyrl)
            .unwrap();
        let encoded = url.strip_prefix("https://checkout.paycom.uz/").unwrap();
        let decoded = base64::engine::general_purpose::STANDARD.decode(encoded).unwrap();
        assert_eq!(
            String::from_utf8(decoded).unwrap(),
            "m=587f72c72cac0d162c722ae2;ac.order_id=42;a=2500050;l=uz;c=https://fuqaro.uz/pay/42"
        );
    }

    #[test]
    fn click_gets_the_amount_in_som_and_the_order_as_transaction_param() {
        let url = production()
            .url(&order("click"), "https://fuqaro.uz", Locale::Ru)
            .unwrap();
        assert_eq!(
            url,
            "https://my.click.uz/services/pay?service_id=123&merchant_id=456&amount=25000.50\
             &transaction_param=42&return_url=https%3A%2F%2Ffuqaro.uz%2Fpay%2F42"
        );
    }

    #[test]
    fn without_production_settings_and_for_cards_there_is_no_link() {
        let sandbox = Checkout::default();
        assert_eq!(sandbox.url(&order("payme"), "x", Locale::Uz), None);
        assert_eq!(sandbox.url(&order("click"), "x", Locale::Uz), None);
        assert_eq!(production().url(&order("card"), "x", Locale::Uz), None);
    }
}
