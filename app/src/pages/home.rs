use crate::api::reference::list_service_types;
use crate::components::error_box::ErrorBox;
use crate::components::error_box::Loading;
use crate::i18n::{Key, tr, trf, use_locale};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn HomePage() -> impl IntoView {
    let locale = use_locale();
    let services = Resource::new(|| (), |_| list_service_types());
    view! {
        <Title text="" />
        <section class="hero">
            <h1>{tr(locale, Key::HomeTitle)}</h1>
            <p>{tr(locale, Key::HomeLead)}</p>
        </section>
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
                                        Some(unit) => trf(locale, Key::HomeUnit, &[("unit", unit)]),
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
