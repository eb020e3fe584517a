//! The frame of every page, phone first: a top bar with the brand and the language
//! switcher, the page, and a bottom tab bar within thumb reach.

use crate::components::lang_switcher::LangSwitcher;
use crate::i18n::{Key, tr, use_locale};
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let locale = use_locale();
    view! {
        <header class="topbar">
            <a class="brand" href="/">
                <img src="/favicon.svg" alt="" width="28" height="28" />
                <span>{tr(locale, Key::AppName)}</span>
            </a>
            <LangSwitcher />
        </header>
        <main id="main" class="page">
            {children()}
        </main>
        <footer class="footer">
            <p>{tr(locale, Key::FooterText)}" · "<a href="/rating">{tr(locale, Key::RatingLink)}</a>" · "<a href="/about">{tr(locale, Key::NavAbout)}</a></p>
        </footer>
        <nav class="tabs" aria-label=tr(locale, Key::NavMenu)>
            <A href="/" exact=true>
                <span class="tab-icon" aria-hidden="true">"⌂"</span>
                <span>{tr(locale, Key::NavHome)}</span>
            </A>
            <A href="/accounts">
                <span class="tab-icon" aria-hidden="true">"▤"</span>
                <span>{tr(locale, Key::NavAccounts)}</span>
            </A>
            <A href="/regions">
                <span class="tab-icon" aria-hidden="true">"◎"</span>
                <span>{tr(locale, Key::NavRegions)}</span>
            </A>
            <A href="/profile">
                <span class="tab-icon" aria-hidden="true">"☺"</span>
                <span>{tr(locale, Key::NavProfile)}</span>
            </A>
        </nav>
    }
}
