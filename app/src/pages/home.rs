use crate::api::me::current_user;
use crate::api::reference::list_service_types;
use crate::components::error_box::ErrorBox;
use crate::components::error_box::Loading;
use crate::i18n::{Key, tr, trf, use_locale};
use leptos::prelude::*;
use leptos_meta::Title;
use shared::auth::Role;

#[component]
pub fn HomePage() -> impl IntoView {
    let locale = use_locale();
    let services = Resource::new(|| (), |_| list_service_types());
    let me = Resource::new(|| (), |_| current_user());
    // The main tasks first (each page asks for a sign-in and comes back), then staff's work.
    let tasks = [
        ("/accounts/link", Key::HomeTaskLink),
        ("/accounts", Key::HomeTaskPay),
        ("/accounts", Key::HomeTaskReading),
        ("/appeals/new", Key::HomeTaskAppeal),
        ("/appeals", Key::HomeTaskMyAppeals),
        ("/receptions", Key::HomeTaskReception),
    ];
    view! {
        <Title text="" />
        <section class="hero">
            <h1>{tr(locale, Key::HomeTitle)}</h1>
            <p>{tr(locale, Key::HomeLead)}</p>
        </section>
        <nav class="tasks" aria-label=tr(locale, Key::HomeTasks)>
            <ul class="cards tasks">
                {tasks.into_iter().map(|(href, key)| view! {
                    <li><a class="card task" href=href>{tr(locale, key)}</a></li>
                }).collect_view()}
            </ul>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let roles = me.await.ok().flatten().map(|m| m.roles).unwrap_or_default();
                    let work: Vec<(&str, Key)> = [
                        (roles.contains(&Role::Inspector), "/inspector", Key::InspectorTitle),
                        (roles.iter().any(|r| matches!(r, Role::AppealsOfficer | Role::HeadOfBody | Role::ReceptionCoordinator)), "/desk", Key::DeskTitle),
                        (roles.contains(&Role::Administrator), "/admin/staff", Key::ProfileStaffAdmin),
                    ]
                    .into_iter()
                    .filter(|(mine, _, _)| *mine)
                    .map(|(_, href, key)| (href, key))
                    .collect();
                    (!work.is_empty()).then(|| view! {
                        <ul class="cards tasks work">
                            {work.into_iter().map(|(href, key)| view! {
                                <li><a class="card task" href=href>{tr(locale, key)}</a></li>
                            }).collect_view()}
                        </ul>
                    })
                })}
            </Suspense>
        </nav>
        <section>
            <h2>{tr(locale, Key::HomeServices)}</h2>
            <p class="muted">{tr(locale, Key::HomeServicesLead)}</p>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match services.await {
                        Ok(list) => view! {
                            <ul class="cards services">
                                {list.into_iter().map(|s| {
                                    let unit = match &s.meter_unit {
                                        Some(unit) => trf(locale, Key::HomeUnit, &[("unit", &crate::i18n::unit(locale, unit))]),
                                        None => tr(locale, Key::HomeNoMeter).to_string(),
                                    };
                                    view! {
                                        <li class=format!("card service-{}", s.code) data-service=s.code.clone()>
                                            <strong>{s.names.get(locale).to_string()}</strong>
                                            <span class="muted">{unit}</span>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(error) => view! { <ErrorBox error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
        <p><a class="button" href="/regions">{tr(locale, Key::HomeRegionsLink)}</a></p>
    }
}
