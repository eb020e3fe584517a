use crate::api::reference::reference_counts;
use crate::components::error_box::ErrorBox;
use crate::components::error_box::Loading;
use crate::i18n::{Key, tr, trf, use_locale};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AboutPage() -> impl IntoView {
    let locale = use_locale();
    let counts = Resource::new(|| (), |_| reference_counts());
    view! {
        <Title text=tr(locale, Key::AboutTitle) />
        <h1>{tr(locale, Key::AboutTitle)}</h1>
        <p>{tr(locale, Key::AboutLead)}</p>
        <h2>{tr(locale, Key::AboutDataTitle)}</h2>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match counts.await {
                    Ok([regions, districts, mahallas, services]) => view! {
                        <p class="data-counts">{trf(locale, Key::AboutDataCounts, &[
                            ("regions", &regions.to_string()),
                            ("districts", &districts.to_string()),
                            ("mahallas", &mahallas.to_string()),
                            ("services", &services.to_string()),
                        ])}</p>
                    }.into_any(),
                    Err(error) => view! { <ErrorBox error /> }.into_any(),
                }
            })}
        </Suspense>
        <p class="attribution">{tr(locale, Key::AboutAttribution)}</p>
        <p class="muted">{tr(locale, Key::AboutMahallaNote)}</p>
    }
}
