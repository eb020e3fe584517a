//! The mahalla picker of a form: the mahallas of the district chosen above it (loaded again
//! when the district changes), with one pre-selected. Mahallas have names in Latin and
//! Cyrillic Uzbek only; Russian readers see the Cyrillic.

use crate::api::appeals::get_appeal_mahallas;
use crate::i18n::use_locale;
use leptos::prelude::*;
use shared::Locale;

#[component]
pub fn MahallaSelect(
    /// The select's id (its label points at it).
    id: &'static str,
    /// The district whose mahallas are offered.
    district: RwSignal<String>,
    /// The mahalla selected at first.
    chosen: String,
    #[prop(optional)] autofocus: bool,
) -> impl IntoView {
    let locale = use_locale();
    let mahallas = Resource::new(move || district.get(), get_appeal_mahallas);
    view! {
        <Transition fallback=|| ()>
            {move || {
                let chosen = chosen.clone();
                Suspend::new(async move {
                    let list = mahallas.await.unwrap_or_default();
                    view! {
                        <select id=id name="mahalla" autofocus=autofocus>
                            <option value="">"—"</option>
                            {list.into_iter().map(|(code, n)| {
                                let name = if locale == Locale::Uz { n.uz.clone() } else { n.uz_cyrl.clone() };
                                view! { <option value=code.clone() selected=code == chosen>{name}</option> }
                            }).collect_view()}
                        </select>
                    }
                })
            }}
        </Transition>
    }
}
