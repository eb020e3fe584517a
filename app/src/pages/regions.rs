use crate::api::reference::list_regions;
use crate::components::error_box::ErrorBox;
use crate::components::error_box::Loading;
use crate::i18n::{Key, tr, trf, use_locale};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn RegionsPage() -> impl IntoView {
    let locale = use_locale();
    let regions = Resource::new(|| (), |_| list_regions());
    view! {
        <Title text=tr(locale, Key::RegionsTitle) />
        <h1>{tr(locale, Key::RegionsTitle)}</h1>
        <p class="muted">{tr(locale, Key::RegionsLead)}</p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match regions.await {
                    Ok(list) => view! {
                        <ul class="list regions">
                            {list.into_iter().map(|r| {
                                let counts = trf(locale, Key::RegionsCounts, &[
                                    ("districts", &r.district_count.to_string()),
                                    ("mahallas", &r.mahalla_count.to_string()),
                                ]);
                                view! {
                                    <li>
                                        <a href=format!("/regions/{}", r.soato)>
                                            <strong>{r.names.get(locale).to_string()}</strong>
                                            <span class="muted">{counts}</span>
                                        </a>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(error) => view! { <ErrorBox error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
