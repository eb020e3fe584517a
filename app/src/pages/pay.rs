//! Paying: the form on the account page, the order page with the sandbox checkout, the
//! receipt, and the public verification page.

use crate::api::payments::{account_orders, check_receipt, get_order, get_receipt, payment_methods};
use crate::components::error_box::Loading;
use crate::i18n::{Key, Locale, tr, trf, use_locale};
use crate::pages::{failure_view, route_id};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use shared::Tiyin;
use shared::payment::{OrderStatus, PayMethod, PayProblem, Receipt, receipt_number};
use shared::time::format_date_time;

/// The message for why a payment form was refused.
fn problem_key(problem: PayProblem) -> Key {
    match problem {
        PayProblem::AmountEmpty => Key::PayErrorAmountEmpty,
        PayProblem::AmountMalformed => Key::PayErrorAmountMalformed,
        PayProblem::AmountNotPositive => Key::PayErrorAmountNotPositive,
        PayProblem::AmountTooLarge => Key::PayErrorAmountTooLarge,
        PayProblem::Method => Key::PayErrorMethod,
        PayProblem::Refused => Key::PayErrorRefused,
        PayProblem::RateLimited => Key::SigninErrorRateLimited,
        PayProblem::CardNumber => Key::PayErrorCardNumber,
        PayProblem::CardChecksum => Key::PayErrorCardChecksum,
        PayProblem::CardScheme => Key::PayErrorCardScheme,
        PayProblem::CardExpiry => Key::PayErrorCardExpiry,
        PayProblem::CardExpired => Key::PayErrorCardExpired,
        PayProblem::CardPhone => Key::PayErrorCardPhone,
        PayProblem::WrongCode => Key::PayErrorWrongCode,
        PayProblem::CodeExpired => Key::PayErrorCodeExpired,
        PayProblem::TooManyTries => Key::PayErrorTooManyTries,
        PayProblem::NoCharge => Key::PayErrorNoCharge,
        PayProblem::CodeMalformed => Key::PayErrorCodeMalformed,
    }
}

/// The message for a `?error=` code; a code no server wrote shows nothing.
fn pay_error_key(code: &str) -> Option<Key> {
    PayProblem::parse(code).map(problem_key)
}

/// An amount in soʻm, in the reader's script ("1 000,00 soʻm", "1 000,00 сўм", "1 000,00 сум").
pub fn som(locale: Locale, amount: Tiyin) -> String {
    trf(locale, Key::MoneySom, &[("amount", &amount.format_som())])
}

/// The name of a way to pay, as the form offers it.
fn method_key(method: PayMethod) -> Key {
    method.key()
}

fn status_key(status: OrderStatus) -> Key {
    match status {
        OrderStatus::Pending => Key::OrderStatusPending,
        OrderStatus::Paid => Key::OrderStatusPaid,
        OrderStatus::Cancelled => Key::OrderStatusCancelled,
    }
}

/// The pay form and the payment history, shown on the account page. The amount starts at
/// the debt; any positive amount may be paid.
#[component]
pub fn PaySection(account_id: i64, balance: Tiyin) -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let debt = if balance < Tiyin::ZERO {
        (-balance).to_decimal_string()
    } else {
        String::new()
    };
    // A refused amount comes back as typed (kept on the server), its message just above it.
    let kept = crate::api::kept::use_kept_after("pay", "pay_error");
    let error = move || {
        query
            .read_untracked()
            .get("pay_error")
            .as_deref()
            .and_then(pay_error_key)
    };
    let methods = Resource::new(|| (), |_| payment_methods());
    view! {
        <section class="pay" id="pay">
            <h2>{tr(locale, Key::PayTitle)}</h2>
            <Suspense fallback=|| ()>
                {move || { let debt = debt.clone(); Suspend::new(async move {
                    let methods = methods.await.unwrap_or_default();
                    if methods.is_empty() {
                        return view! { <p class="notice">{tr(locale, Key::PayUnavailable)}</p> }.into_any();
                    }
                    let refused = error();
                    let typed = kept.await.get("amount").cloned().unwrap_or(debt);
                    view! {
                        <form class="stack" method="post" action="/payments/orders">
                            <input type="hidden" name="account_id" value=account_id />
                            {refused.map(|k| crate::pages::appeals::form_error("pay-error", tr(locale, k)))}
                            <label for="amount">{tr(locale, Key::PayAmount)}</label>
                            <input id="amount" name="amount" type="text" inputmode="decimal" autocomplete="off" required value=typed
                                autofocus=refused.is_some() />
                            <fieldset class="methods">
                                <legend>{tr(locale, Key::PayMethod)}</legend>
                                {methods.iter().enumerate().map(|(i, &method)| view! {
                                    <label><input type="radio" name="method" value=method.code() checked=i == 0 />" "{tr(locale, method_key(method))}</label>
                                }).collect_view()}
                            </fieldset>
                            <button class="button" type="submit">{tr(locale, Key::PaySubmit)}</button>
                        </form>
                    }.into_any()
                })}}
            </Suspense>
        </section>
    }
}

/// The account's payment orders, each leading to its receipt or its payment page.
#[component]
pub fn OrderHistory(account_id: i64) -> impl IntoView {
    let locale = use_locale();
    let orders = Resource::new(move || account_id, account_orders);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let list = orders.await.unwrap_or_default();
                (!list.is_empty()).then(|| view! {
                    <section class="history orders">
                        <h2>{tr(locale, Key::OrderHistory)}</h2>
                        <ul class="list compact">
                            {list.into_iter().map(|o| {
                                let href = if o.status == OrderStatus::Paid { format!("/receipts/{}", o.id) } else { format!("/pay/{}", o.id) };
                                view! {
                                    <li>
                                        <a href=href>{receipt_number(o.id)}</a>
                                        <span>{o.amount.format_som()}</span>
                                        <span class="muted">{tr(locale, method_key(o.method))}" · "{tr(locale, status_key(o.status))}</span>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </section>
                })
            })}
        </Suspense>
    }
}

pub fn provider_name(locale: crate::i18n::Locale, method: PayMethod) -> &'static str {
    match method {
        PayMethod::Payme => "Payme",
        PayMethod::Click => "Click",
        PayMethod::Card => tr(locale, Key::CardProvider),
    }
}

#[component]
pub fn OrderPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let order = Resource::new(route_id(), get_order);
    let kept = crate::api::kept::use_kept("card");
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let o = match order.await {
                    Ok(o) => o,
                    Err(error) => return failure_view(error),
                };
                let title = trf(locale, Key::OrderTitle, &[("number", &receipt_number(o.id))]);
                let provider = provider_name(locale, o.method);
                // A refused card form: the field at fault takes the focus; the expiry and the
                // phone come back as typed (kept on the server), the card's number never does.
                let kept = kept.await;
                let kept_value = move |name: &str| kept.get(name).cloned().unwrap_or_default();
                let card_field = query.read_untracked().get("error").and_then(|code| match PayProblem::parse(&code)? {
                    PayProblem::CardChecksum | PayProblem::CardScheme | PayProblem::CardNumber => Some("number"),
                    PayProblem::CardExpired | PayProblem::CardExpiry => Some("expiry"),
                    PayProblem::CardPhone => Some("phone"),
                    _ => None,
                });
                view! {
                    <Title text=title.clone() />
                    <h1>{title}</h1>
                    {query.read().get("error").as_deref().and_then(pay_error_key).map(|k| {
                        let left = query.read().get("left").unwrap_or_default();
                        view! { <p class="notice error" role="alert" id="pay-error" tabindex="-1">{trf(locale, k, &[("left", &left)])}</p> }
                    })}
                    <dl class="facts">
                        <dt>{tr(locale, Key::OrderAccount)}</dt>
                        <dd><a href=format!("/accounts/{}", o.account_id)>{o.service.get(locale).to_string()}" · "{o.account_number.clone()}</a></dd>
                        <dt>{tr(locale, Key::OrderAmount)}</dt><dd class="order-amount">{som(locale, o.amount)}</dd>
                        <dt>{tr(locale, Key::PayMethod)}</dt><dd>{provider}" · "<span class="order-status">{tr(locale, status_key(o.status))}</span></dd>
                    </dl>
                    {match (o.status, o.method) {
                        (OrderStatus::Pending, PayMethod::Card) if query.read().get("step").as_deref() == Some("code") => view! {
                            <p class="notice">{tr(locale, Key::CardCodeSent)}</p>
                            <form class="stack" method="post" action=format!("/pay/{}/card/code", o.id)>
                                <label for="card-code">{tr(locale, Key::CardCode)}</label>
                                <input id="card-code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="7" required />
                                <button class="button" type="submit">{tr(locale, Key::CardConfirm)}</button>
                            </form>
                        }.into_any(),
                        (OrderStatus::Pending, PayMethod::Card) => view! {
                            {o.sandbox.then(|| view! { <p class="notice">{tr(locale, Key::OrderSandbox)}</p> })}
                            <form class="stack" method="post" action=format!("/pay/{}/card", o.id)>
                                <label for="card-number">{tr(locale, Key::CardNumber)}</label>
                                <input id="card-number" name="number" type="text" inputmode="numeric" autocomplete="cc-number" placeholder="8600 0000 0000 0000" required
                                    autofocus=card_field == Some("number") />
                                <label for="card-expiry">{tr(locale, Key::CardExpiry)}</label>
                                <input id="card-expiry" name="expiry" type="text" inputmode="numeric" autocomplete="cc-exp" placeholder="03/29" required
                                    value=kept_value("expiry") autofocus=card_field == Some("expiry") />
                                {o.sandbox.then(|| view! {
                                    <label for="card-phone">{tr(locale, Key::CardPhone)}</label>
                                    <input id="card-phone" name="phone" type="tel" inputmode="tel" autocomplete="tel" required
                                        value=kept_value("phone") autofocus=card_field == Some("phone") />
                                })}
                                <button class="button" type="submit">{tr(locale, Key::CardSubmit)}</button>
                            </form>
                            {(!o.sandbox).then(|| view! { <p class="muted powered">"Powered by Payme"</p> })}
                        }.into_any(),
                        (OrderStatus::Pending, _) if o.checkout_url.is_some() => view! {
                            <p><a class="button" href=o.checkout_url.clone()>{trf(locale, Key::OrderPayWith, &[("provider", provider)])}</a></p>
                        }.into_any(),
                        (OrderStatus::Pending, _) if o.sandbox => view! {
                            <p class="notice">{tr(locale, Key::OrderSandbox)}</p>
                            <form method="post" action=format!("/sandbox/checkout/{}", o.id)>
                                <button class="button" type="submit">{trf(locale, Key::OrderPayWith, &[("provider", provider)])}</button>
                            </form>
                        }.into_any(),
                        (OrderStatus::Pending, _) => view! { <p class="notice">{tr(locale, Key::PayUnavailable)}</p> }.into_any(),
                        (OrderStatus::Paid, _) => view! { <p><a class="button" href=format!("/receipts/{}", o.id)>{tr(locale, Key::OrderReceipt)}</a></p> }.into_any(),
                        _ => ().into_any(),
                    }}
                }.into_any()
            })}
        </Suspense>
    }
}

#[component]
pub fn ReceiptPage() -> impl IntoView {
    let locale = use_locale();
    let receipt = Resource::new(route_id(), get_receipt);
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let r = match receipt.await {
                    Ok(r) => r,
                    Err(error) => return failure_view(error),
                };
                let qr = format!("data:image/svg+xml;utf8,{}", percent_encode_svg(&r.qr_svg));
                view! {
                    <Title text=format!("{} · {}", tr(locale, Key::ReceiptTitle), r.number) />
                    <article class="receipt">
                        <h1>{tr(locale, Key::ReceiptTitle)}</h1>
                        <dl class="facts">
                            {receipt_facts(locale, &r).into_iter().map(|(label, value, class)| view! {
                                <dt>{tr(locale, label)}</dt><dd class=class>{value}</dd>
                            }).collect_view()}
                        </dl>
                        <figure class="qr">
                            <img src=qr alt="QR" width="160" height="160" />
                            <figcaption class="muted">{tr(locale, Key::ReceiptQr)}<br /><a href=r.verify_url.clone()>{r.verify_url.clone()}</a></figcaption>
                        </figure>
                        <p class="no-print"><a class="button" href=format!("/receipts/{}/pdf", r.order_id) download rel="external">{tr(locale, Key::ReceiptPdf)}</a></p>
                        <p class="muted no-print">{tr(locale, Key::ReceiptPrint)}</p>
                    </article>
                }.into_any()
            })}
        </Suspense>
    }
}

/// What a receipt states, in order: the label, the value, and the value's class on the page.
/// The printable page and the PDF both show exactly these.
pub fn receipt_facts(locale: Locale, r: &Receipt) -> Vec<(Key, String, &'static str)> {
    vec![
        (Key::ReceiptNumber, r.number.clone(), "receipt-number"),
        (Key::ReceiptTime, format_date_time(r.paid_at), ""),
        (
            Key::OrderAccount,
            format!("{} · {}", r.service.get(locale), r.account_number),
            "",
        ),
        (Key::ReceiptPayer, r.payer_phone_masked.clone(), ""),
        (Key::OrderAmount, som(locale, r.amount), "receipt-amount"),
        (
            Key::ReceiptProvider,
            provider_name(locale, r.provider).to_string(),
            "",
        ),
        (Key::ReceiptTransaction, r.provider_transaction_id.clone(), "mono"),
    ]
}

/// Makes an SVG safe inside a `data:` URL.
fn percent_encode_svg(svg: &str) -> String {
    svg.chars()
        .map(|c| match c {
            '"' => "'".to_string(),
            '%' => "%25".to_string(),
            '#' => "%23".to_string(),
            '<' => "%3C".to_string(),
            '>' => "%3E".to_string(),
            '\n' | '\r' => " ".to_string(),
            c => c.to_string(),
        })
        .collect()
}

#[component]
pub fn VerifyReceiptPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let check = Resource::new(
        move || params.read().get("code").unwrap_or_default(),
        check_receipt,
    );
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let c = match check.await {
                    Ok(c) => c,
                    Err(error) => return failure_view(error),
                };
                view! {
                    <Title text=tr(locale, Key::VerifyTitle) />
                    <h1>{tr(locale, Key::VerifyTitle)}</h1>
                    <p class=if c.valid { "notice verified" } else { "notice error" }>
                        {if c.valid { tr(locale, Key::VerifyValid) } else { tr(locale, Key::VerifyReversed) }}
                    </p>
                    <dl class="facts">
                        <dt>{tr(locale, Key::ReceiptNumber)}</dt><dd>{c.number.clone()}</dd>
                        <dt>{tr(locale, Key::ReceiptTime)}</dt><dd>{format_date_time(c.paid_at)}</dd>
                        <dt>{tr(locale, Key::OrderAmount)}</dt><dd>{som(locale, c.amount)}</dd>
                        <dt>{tr(locale, Key::ReceiptProvider)}</dt><dd>{provider_name(locale, c.provider)}</dd>
                        <dt>{tr(locale, Key::OrderAccount)}</dt><dd>{c.service.get(locale).to_string()}</dd>
                    </dl>
                }.into_any()
            })}
        </Suspense>
    }
}
