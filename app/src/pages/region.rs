use crate::api::reference::get_region;
use crate::components::error_box::ErrorBox;
use crate::components::error_box::Loading;
use crate::error::AppError;
use crate::error::set_status;
use crate::i18n::{Key, tr, trf, use_locale};
use crate::pages::not_found::NotFound;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use shared::geo::DistrictKind;

#[component]
pub fn RegionPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let region = Resource::new(move || params.read().get("soato").unwrap_or_default(), get_region);
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match region.await {
                    Ok((region, districts)) => view! {
                        <Title text=region.names.get(locale).to_string() />
                        <p><a href="/regions">"← "{tr(locale, Key::RegionBack)}</a></p>
                        <h1>{region.names.get(locale).to_string()}</h1>
                        <h2>{tr(locale, Key::RegionDistricts)}</h2>
                        <ul class="list districts">
                            {districts.into_iter().map(|d| {
                                let kind = match d.kind {
                                    DistrictKind::City => tr(locale, Key::RegionCity),
                                    DistrictKind::District => tr(locale, Key::RegionDistrict),
                                };
                                let count = trf(locale, Key::RegionMahallas, &[("count", &d.mahalla_count.to_string())]);
                                view! {
                                    <li data-soato=d.soato.clone()>
                                        <strong>{d.names.get(locale).to_string()}</strong>
                                        <span class="muted">{kind}" · "{count}</span>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(AppError::NotFound) => view! { <NotFound /> }.into_any(),
                    Err(error) => {
                        set_status(503);
                        view! { <ErrorBox error /> }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}
