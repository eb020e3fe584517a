//! The mahalla picker of a form: the mahallas of the district chosen above it (loaded again
//! when the district changes), with one pre-selected. Mahallas have names in Latin and
//! Cyrillic Uzbek only; Russian readers see the Cyrillic.

use crate::api::appeals::get_appeal_mahallas;
use crate::error::AppError;
use crate::i18n::use_locale;
use leptos::prelude::*;
use shared::Locale;
use shared::geo::Names;

/// The mahallas of `district`, loaded again when it changes.
pub type Mahallas = Resource<Result<Vec<(String, Names)>, AppError>>;

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
    let mahallas: Mahallas = Resource::new(move || district.get(), get_appeal_mahallas);
    view! { <MahallaOptions id mahallas chosen autofocus /> }
}

/// The picker over a list its page loads. A page that renders the picker inside another
/// `Suspense` creates the list at its top: the server walks a `Suspense`'s children more than
/// once, and a resource created in that walk gets another number than the browser gives it.
#[component]
pub fn MahallaOptions(
    id: &'static str,
    mahallas: Mahallas,
    chosen: String,
    #[prop(optional)] autofocus: bool,
) -> impl IntoView {
    let locale = use_locale();
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
