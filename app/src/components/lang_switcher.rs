//! The language switcher: a plain form, so that it works before hydration and without
//! JavaScript. The server stores the choice in a cookie and sends the resident back.

use crate::i18n::{Key, Locale, tr, use_locale};
use leptos::prelude::*;
use leptos_router::hooks::use_location;

#[component]
pub fn LangSwitcher() -> impl IntoView {
    let locale = use_locale();
    let location = use_location();
    let back = move || {
        let search = location.search.get();
        if search.is_empty() {
            location.pathname.get()
        } else {
            format!("{}?{}", location.pathname.get(), search)
        }
    };
    view! {
        <form class="lang" method="post" action="/lang" aria-label=tr(locale, Key::LangSwitch)>
            <input type="hidden" name="back" value=back />
            {Locale::ALL
                .into_iter()
                .map(|option| {
                    view! {
                        <button
                            type="submit"
                            name="lang"
                            value=option.tag()
                            lang=option.tag()
                            title=option.native_name()
                            aria-pressed=if option == locale { "true" } else { "false" }
                        >
                            {short_label(option)}
                        </button>
                    }
                })
                .collect_view()}
        </form>
    }
}

/// Short labels that fit three buttons on a narrow screen; the full name is the tooltip.
fn short_label(locale: Locale) -> &'static str {
    match locale {
        Locale::Uz => "Oʻz",
        Locale::UzCyrl => "Ўз",
        Locale::Ru => "Ру",
    }
}
