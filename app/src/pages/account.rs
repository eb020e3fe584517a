//! One account: holder, address, tariff, balance, last confirmed reading, and three paged
//! histories (readings, charges, payments), newest first.

use crate::api::accounts::get_account;
use crate::components::error_box::Loading;
use crate::i18n::{Key, Locale, tr, trf, use_locale};
use crate::pages::accounts::balance_text;
use crate::pages::pay::{OrderHistory, PaySection};
use crate::pages::reading::{ReadingSection, reading_item};
use crate::pages::{failure_view, route_id};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use shared::Tiyin;
use shared::account::{LedgerKind, LedgerNote, LedgerRow, LinkProblem, Page, ReadingRow, format_reading};
use shared::time::format_date;

#[component]
pub fn AccountPage() -> impl IntoView {
    let locale = use_locale();
    let route = route_id();
    let query = use_query_map();
    let page_of = move |name: &str| {
        query
            .read()
            .get(name)
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(1)
    };
    let account = Resource::new(
        move || {
            (
                route(),
                page_of("readings"),
                page_of("charges"),
                page_of("payments"),
            )
        },
        |(id, r, c, p)| get_account(id, r, c, p),
    );
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let a = match account.await {
                    Ok(a) => a,
                    Err(error) => return failure_view(error),
                };
                let s = &a.summary;
                let unit = a.meter_unit.as_deref().map(|u| crate::i18n::unit(locale, u)).unwrap_or_else(|| tr(locale, Key::AccountUnitPerson).to_string());
                let decimals = a.meter_decimals;
                let debt = s.balance < Tiyin::ZERO;
                let id = s.id;
                let pages = (a.readings.page, a.charges.page, a.payments.page);
                let unlink_refused = query.read_untracked().get("error").as_deref() == Some(LinkProblem::ConfirmUnlink.code());
                view! {
                    <Title text=format!("{} · {}", s.service.get(locale), s.number) />
                    <h1>{s.service.get(locale).to_string()}" · "{s.number.clone()}</h1>
                    <p class=if debt { "balance big debt" } else { "balance big" }>{balance_text(locale, s.balance)}</p>
                    <dl class="facts">
                        <dt>{tr(locale, Key::AccountHolder)}</dt><dd>{s.holder_masked.clone()}</dd>
                        <dt>{tr(locale, Key::AccountAddress)}</dt>
                        <dd>{a.region.get(locale).to_string()}", "{s.district.get(locale).to_string()}", "{a.address.clone()}</dd>
                        <dt>{tr(locale, Key::AccountTariff)}</dt>
                        <dd>{a.tariff.get(locale).to_string()}<br />
                            {if a.tiers.len() > 1 {
                                format!("{}, {unit}", crate::pages::tariffs::tiers_text(locale, &a.tiers))
                            } else {
                                trf(locale, Key::AccountPrice, &[("price", &a.unit_price.format_som()), ("unit", &unit)])
                            }}</dd>
                        <dt>{tr(locale, Key::AccountLastReading)}</dt>
                        <dd class="last-reading">{match &a.last_confirmed {
                            Some(r) => format!("{} {} · {}", format_reading(r.value_milli, decimals), unit, format_date(r.submitted_at)),
                            None => tr(locale, Key::AccountNoReading).to_string(),
                        }}</dd>
                    </dl>
                    <PaySection account_id=id balance=s.balance />
                    {match a.meter_unit.as_deref().map(|u| crate::i18n::unit(locale, u)) {
                        Some(meter_unit) => view! {
                            <ReadingSection account_id=id decimals unit=meter_unit last=a.last_confirmed.as_ref().map(|r| r.value_milli) />
                        }.into_any(),
                        None => view! { <p class="muted">{tr(locale, Key::ReadingNoMeter)}</p> }.into_any(),
                    }}
                    <History title=Key::AccountReadings class="readings" page=a.readings.clone() param="readings" id pages
                        row=move |r: ReadingRow| reading_item(locale, r, decimals, a.meter_unit.as_deref().map(|u| crate::i18n::unit(locale, u)).unwrap_or_default()) />
                    <History title=Key::AccountCharges class="charges" page=a.charges.clone() param="charges" id pages
                        row=move |e: LedgerRow| ledger_item(locale, e) />
                    <History title=Key::AccountPayments class="payments" page=a.payments.clone() param="payments" id pages
                        row=move |e: LedgerRow| ledger_item(locale, e) />
                    <OrderHistory account_id=id />
                    // Unlinking is asked twice: open the box, tick "yes" (works without JavaScript).
                    <details class="danger-zone" id="unlink" open=unlink_refused>
                        <summary>{tr(locale, Key::AccountUnlink)}</summary>
                        <form class="stack" method="post" action=format!("/accounts/{id}/unlink")>
                            {unlink_refused.then(|| crate::pages::appeals::form_error("unlink-error", tr(locale, Key::AccountUnlinkConfirmMissing)))}
                            <p>{tr(locale, Key::AccountUnlinkExplain)}</p>
                            <label class="check"><input type="checkbox" name="confirm" value="yes" required autofocus=unlink_refused />
                                " "{tr(locale, Key::AccountUnlinkConfirm)}</label>
                            <button class="button danger" type="submit">{tr(locale, Key::AccountUnlink)}</button>
                        </form>
                    </details>
                }.into_any()
            })}
        </Suspense>
    }
}

/// What a ledger row is for, in the reader's language.
fn note_text(locale: Locale, note: &LedgerNote) -> String {
    match note {
        LedgerNote::Month { period } => {
            // `2026-10` as `10.2026`.
            let shown = period
                .split_once('-')
                .map_or(period.clone(), |(y, m)| format!("{m}.{y}"));
            trf(locale, Key::LedgerMonth, &[("period", &shown)])
        }
        LedgerNote::Reading {
            from_milli,
            to_milli,
            decimals,
        } => trf(
            locale,
            Key::LedgerReading,
            &[
                ("from", &format_reading(*from_milli, *decimals)),
                ("to", &format_reading(*to_milli, *decimals)),
            ],
        ),
        LedgerNote::Paid { method } => trf(
            locale,
            Key::LedgerPaid,
            &[("method", crate::pages::pay::provider_name(locale, *method))],
        ),
        LedgerNote::Reversed { method } => trf(
            locale,
            Key::LedgerReversed,
            &[("method", crate::pages::pay::provider_name(locale, *method))],
        ),
        LedgerNote::Text(text) => text.clone(),
    }
}

fn ledger_item(locale: Locale, e: LedgerRow) -> impl IntoView {
    let label = match e.kind {
        LedgerKind::Charge | LedgerKind::Payment => None,
        LedgerKind::Correction => Some(tr(locale, Key::AccountCorrection)),
    };
    view! {
        <li class=format!("ledger {}", e.kind)>
            <span class=if e.amount < Tiyin::ZERO { "amount minus" } else { "amount plus" }>{e.amount.format_som()}</span>
            <span class="muted">{format_date(e.occurred_at)}{label.map(|l| format!(" · {l}"))}" · "{note_text(locale, &e.note)}</span>
        </li>
    }
}

/// One paged history list with links to older and newer pages (plain links: they work
/// without JavaScript and keep the other lists on their pages).
#[component]
fn History<T, V>(
    title: Key,
    class: &'static str,
    page: Page<T>,
    param: &'static str,
    id: i64,
    pages: (i64, i64, i64),
    row: impl Fn(T) -> V + 'static,
) -> impl IntoView
where
    T: Clone + 'static,
    V: IntoView + 'static,
{
    let locale = use_locale();
    let link = move |to: i64| {
        let (mut r, mut c, mut p) = pages;
        match param {
            "readings" => r = to,
            "charges" => c = to,
            _ => p = to,
        }
        // The anchor keeps the place: the page opens at this list, not at its top.
        format!("/accounts/{id}?readings={r}&charges={c}&payments={p}#{param}")
    };
    let empty = page.items.is_empty();
    // A pager's link keeps the place (`#charges`), also when the app navigates without a load.
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| crate::browser::nav::reveal_if_target(param));
    view! {
        <section class=format!("history {class}") id=param>
            <h2>{tr(locale, title)}</h2>
            {empty.then(|| view! { <p class="muted">{tr(locale, Key::AccountNone)}</p> })}
            <ul class="list compact">{page.items.into_iter().map(row).collect_view()}</ul>
            <p class="pager">
                {(page.page > 1).then(|| view! { <a rel="prev" href=link(page.page - 1)>{tr(locale, Key::AccountNewer)}</a> })}
                {page.has_more.then(|| view! { <a rel="next" href=link(page.page + 1)>{tr(locale, Key::AccountOlder)}</a> })}
            </p>
        </section>
    }
}
