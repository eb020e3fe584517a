//! The resident's accounts: the list, and the form that links one more.

use crate::api::accounts::my_accounts;
use crate::api::reference::{get_region, list_regions, list_service_types};
use crate::components::error_box::ErrorBox;
use crate::components::error_box::Loading;
use crate::error::AppError;
use crate::i18n::{Key, Locale, tr, trf, use_locale};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use shared::Tiyin;
use shared::account::LinkProblem;

/// "Debt: 12 000,00 soʻm", "Overpaid: …" or "No debt".
pub fn balance_text(locale: Locale, balance: Tiyin) -> String {
    if balance < Tiyin::ZERO {
        trf(locale, Key::AccountsDebt, &[("amount", &(-balance).format_som())])
    } else if balance > Tiyin::ZERO {
        trf(locale, Key::AccountsCredit, &[("amount", &balance.format_som())])
    } else {
        tr(locale, Key::AccountsSettled).to_string()
    }
}

/// Shown instead of a page that needs a signed-in person: why, in words that fit the page,
/// and a sign-in that comes back to it (answered 401 on every such page).
#[component]
pub fn SignInFirst() -> impl IntoView {
    let locale = use_locale();
    let location = leptos_router::hooks::use_location();
    let here = location.pathname.get_untracked();
    let back = format!(
        "{here}{}",
        location
            .search
            .get_untracked()
            .split('#')
            .next()
            .map(|q| if q.is_empty() {
                String::new()
            } else {
                format!("?{q}")
            })
            .unwrap_or_default()
    );
    let key = match here.split('/').nth(1).unwrap_or_default() {
        "accounts" | "pay" | "receipts" => Key::AccountsSignInFirst,
        "appeals" => Key::AppealsSignInFirst,
        "desk" | "inspector" | "admin" => Key::StaffSignInFirst,
        _ => Key::ProfileSignInFirst,
    };
    crate::error::set_status(401);
    view! {
        <section class="empty-state">
            <p>{tr(locale, key)}</p>
            <p><a class="button" href=format!("/sign-in?next={}", shared::url::encode(&back))>{tr(locale, Key::NavSignIn)}</a></p>
        </section>
    }
}

#[component]
pub fn AccountsPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let accounts = Resource::new(|| (), |_| my_accounts());
    view! {
        <Title text=tr(locale, Key::AccountsTitle) />
        <h1>{tr(locale, Key::AccountsTitle)}</h1>
        {move || (query.read().get("done").as_deref() == Some("unlinked")).then(|| view! {
            <p class="notice success" role="status">{tr(locale, Key::AccountUnlinked)}</p>
        })}
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match accounts.await {
                    Ok(list) => view! {
                        <p class="muted">{tr(locale, Key::AccountsLead)}</p>
                        {list.is_empty().then(|| view! { <p class="notice">{tr(locale, Key::AccountsEmpty)}</p> })}
                        <ul class="list accounts">
                            {list.into_iter().map(|a| {
                                let debt = a.balance < Tiyin::ZERO;
                                view! {
                                    <li>
                                        <a href=format!("/accounts/{}", a.id)>
                                            <strong>{a.service.get(locale).to_string()}" · "{a.number.clone()}</strong>
                                            <span class="muted">{a.district.get(locale).to_string()}" · "{a.holder_masked.clone()}</span>
                                            <span class=if debt { "balance debt" } else { "balance" }>{balance_text(locale, a.balance)}</span>
                                        </a>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        <p><a class="button" href="/accounts/link">{tr(locale, Key::AccountsAdd)}</a></p>
                    }.into_any(),
                    Err(AppError::SignInRequired) => view! { <SignInFirst /> }.into_any(),
                    Err(error) => view! { <ErrorBox error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn problem_key(problem: LinkProblem) -> Key {
    match problem {
        LinkProblem::NumberEmpty => Key::LinkErrorNumberEmpty,
        LinkProblem::NumberDigits => Key::LinkErrorNumberDigits,
        LinkProblem::NumberLength => Key::LinkErrorNumberLength,
        LinkProblem::NotProven => Key::LinkErrorNotProven,
        LinkProblem::RateLimited => Key::LinkErrorRateLimited,
        LinkProblem::DistrictNotInRegion => Key::LinkErrorDistrictNotInRegion,
        LinkProblem::UnknownService => Key::LinkErrorUnknownService,
        LinkProblem::ConfirmUnlink => Key::AccountUnlinkConfirmMissing,
    }
}

/// The message for a `?error=` code; a code no server wrote shows nothing.
fn link_error_key(code: &str) -> Option<Key> {
    LinkProblem::parse(code).map(problem_key)
}

/// Linking an account in two short steps, each a plain form: first the service and region
/// (a GET that brings the region's districts), then the district and the number.
#[component]
pub fn LinkAccountPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let param = move |name: &str| query.read().get(name).unwrap_or_default();
    let services = Resource::new(|| (), |_| list_service_types());
    let regions = Resource::new(|| (), |_| list_regions());
    let kept = crate::api::kept::use_kept("link");
    let region = Resource::new(
        move || query.read().get("region").unwrap_or_default(),
        |soato| async move {
            if soato.is_empty() {
                Ok(None)
            } else {
                get_region(soato).await.map(Some)
            }
        },
    );
    view! {
        <Title text=tr(locale, Key::LinkTitle) />
        <h1>{tr(locale, Key::LinkTitle)}</h1>
        <p class="muted">{tr(locale, Key::LinkLead)}</p>
        {move || {
            link_error_key(&param("error")).map(|key| crate::pages::appeals::form_error("link-error", tr(locale, key)))
        }}
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let (services, regions, region) = (services.await, regions.await, region.await);
                let typed_number = kept.await.get("number").cloned().unwrap_or_default();
                let (Ok(services), Ok(regions), Ok(region)) = (services, regions, region) else {
                    return view! { <ErrorBox error=AppError::Unavailable /> }.into_any();
                };
                let chosen_service = param("service");
                match region {
                    None => view! {
                        <form class="stack" method="get" action="/accounts/link">
                            <label for="service">{tr(locale, Key::LinkService)}</label>
                            <select id="service" name="service" required>
                                {services.iter().map(|s| view! {
                                    <option value=s.code.clone() selected=s.code == chosen_service>{s.names.get(locale).to_string()}</option>
                                }).collect_view()}
                            </select>
                            <label for="region">{tr(locale, Key::LinkRegion)}</label>
                            <select id="region" name="region" required>
                                {regions.iter().map(|r| view! {
                                    <option value=r.soato.clone()>{r.names.get(locale).to_string()}</option>
                                }).collect_view()}
                            </select>
                            <button class="button" type="submit">{tr(locale, Key::LinkNext)}</button>
                        </form>
                    }.into_any(),
                    Some((region, districts)) => {
                        let service_name = services.iter().find(|s| s.code == chosen_service)
                            .map(|s| s.names.get(locale).to_string()).unwrap_or_default();
                        let chosen_district = param("district");
                        view! {
                            <p class="chosen">
                                <strong>{service_name}</strong>" · "{region.names.get(locale).to_string()}" "
                                <a href="/accounts/link">{tr(locale, Key::LinkChange)}</a>
                            </p>
                            <form class="stack" method="post" action="/accounts/link">
                                <input type="hidden" name="service" value=chosen_service.clone() />
                                <input type="hidden" name="region" value=region.soato.clone() />
                                <label for="district">{tr(locale, Key::LinkDistrict)}</label>
                                <select id="district" name="district" required>
                                    {districts.iter().map(|d| view! {
                                        <option value=d.soato.clone() selected=d.soato == chosen_district>{d.names.get(locale).to_string()}</option>
                                    }).collect_view()}
                                </select>
                                <label for="number">{tr(locale, Key::LinkNumber)}</label>
                                <input id="number" name="number" type="text" inputmode="numeric" autocomplete="off" required value=typed_number
                                    autofocus=!param("error").is_empty() />
                                <label for="code">{tr(locale, Key::LinkCode)}</label>
                                <input id="code" name="code" type="text" inputmode="numeric" autocomplete="off" aria-describedby="code-hint" />
                                <p id="code-hint" class="muted">{tr(locale, Key::LinkCodeHint)}</p>
                                <button class="button" type="submit">{tr(locale, Key::LinkSubmit)}</button>
                            </form>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}
