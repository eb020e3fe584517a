//! The administrator's tariffs: every tariff with its price lists by effective date, and a
//! form to add a price list from a day on (earlier lists are never changed).

use crate::api::admin::list_tariffs;
use crate::components::error_box::Loading;
use crate::i18n::{Key, Locale, tr, trf, use_locale};
use crate::pages::failure_view;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use shared::reading::TariffProblem;
use shared::reading::Tier;
use shared::time::format_date;

fn problem_key(problem: TariffProblem) -> Key {
    match problem {
        TariffProblem::Date => Key::TariffsErrorDate,
        TariffProblem::Tariff => Key::TariffsErrorTariff,
        TariffProblem::Past => Key::TariffsErrorPast,
        TariffProblem::Exists => Key::TariffsErrorExists,
        TariffProblem::TiersEmpty => Key::TariffsErrorTiersEmpty,
        TariffProblem::TiersOrder => Key::TariffsErrorTiersOrder,
        TariffProblem::TiersMalformed => Key::TariffsErrorTiersMalformed,
    }
}

/// The message for a `?error=` code; a code no server wrote is a bad request.
fn error_key(code: &str) -> Key {
    TariffProblem::parse(code).map_or(Key::ErrorBadRequest, problem_key)
}

/// A price list in words: `200 gacha: 600,00 soʻm · qolgani: 1 000,00 soʻm`.
pub fn tiers_text(locale: Locale, tiers: &[Tier]) -> String {
    tiers
        .iter()
        .map(|t| match t.up_to_units {
            Some(units) => trf(
                locale,
                Key::TariffsTierUpTo,
                &[
                    ("units", &units.to_string()),
                    ("price", &t.unit_price.format_som()),
                ],
            ),
            None if tiers.len() == 1 => crate::pages::pay::som(locale, t.unit_price),
            None => trf(
                locale,
                Key::TariffsTierRest,
                &[("price", &t.unit_price.format_som())],
            ),
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

#[component]
pub fn TariffsPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let tariffs = Resource::new(|| (), |_| list_tariffs());
    let param = move |name: &str| query.read().get(name).unwrap_or_default();
    view! {
        <Title text=tr(locale, Key::TariffsTitle) />
        <h1>{tr(locale, Key::TariffsTitle)}</h1>
        {move || query.read().get("added").map(|_| view! { <p class="notice success" role="status">{tr(locale, Key::TariffsAdded)}</p> })}
        {move || query.read().get("error").map(|code| view! { <p class="notice error" role="alert">{tr(locale, error_key(&code))}</p> })}
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let list = match tariffs.await {
                    Ok(l) => l,
                    Err(error) => return failure_view(error),
                };
                let chosen = param("tariff");
                view! {
                    <ul class="list tariffs">
                        {list.iter().map(|t| view! {
                            <li>
                                <strong>{t.name.get(locale).to_string()}</strong>
                                {t.price_lists.iter().map(|(from, tiers)| view! {
                                    <span class="muted">{format_date(*from)}": "{tiers_text(locale, tiers)}</span>
                                }).collect_view()}
                            </li>
                        }).collect_view()}
                    </ul>
                    <form class="stack" method="post" action="/admin/tariffs">
                        <p class="muted">{tr(locale, Key::TariffsLead)}</p>
                        <label for="tariff">{tr(locale, Key::TariffsTariff)}</label>
                        <select id="tariff" name="tariff">
                            {list.iter().map(|t| view! {
                                <option value=t.code.clone() selected=t.code == chosen>{t.name.get(locale).to_string()}</option>
                            }).collect_view()}
                        </select>
                        <label for="from">{tr(locale, Key::TariffsFrom)}</label>
                        <input id="from" name="from" type="text" placeholder="2027-01-01" required value=param("from") />
                        <label for="tiers">{tr(locale, Key::TariffsTiers)}</label>
                        <input id="tiers" name="tiers" type="text" placeholder="200 600; 1000" required value=param("tiers") />
                        <button class="button" type="submit">{tr(locale, Key::TariffsSubmit)}</button>
                    </form>
                }.into_any()
            })}
        </Suspense>
    }
}
