//! The HTML document, the router and the routes.

use crate::components::layout::Layout;
use crate::i18n::{Key, detect_locale, tr};
use crate::pages::about::AboutPage;
use crate::pages::account::AccountPage;
use crate::pages::accounts::{AccountsPage, LinkAccountPage};
use crate::pages::appeals::{AppealPage, AppealsPage, CosignPage, NewAppealPage};
use crate::pages::appeals_admin::{BodiesPage, CalendarPage};
use crate::pages::desk::{DeskCasePage, DeskPage};
use crate::pages::home::HomePage;
use crate::pages::inspector::{InspectorPage, InspectorReadingPage};
use crate::pages::not_found::NotFound;
use crate::pages::pay::{OrderPage, ReceiptPage, VerifyReceiptPage};
use crate::pages::profile::{ProfilePage, StaffPage};
use crate::pages::reconcile::{ReconcilePage, ReconcileRunPage};
use crate::pages::region::RegionPage;
use crate::pages::regions::RegionsPage;
use crate::pages::sign_in::{SignInCodePage, SignInPage};
use crate::pages::tariffs::TariffsPage;
use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::SsrMode;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

/// The whole document, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let locale = detect_locale();
    #[cfg(feature = "ssr")]
    set_content_security_policy(&options);
    view! {
        <!DOCTYPE html>
        <html lang=locale.tag()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
                <meta name="theme-color" content="#0b6e4f" />
                <meta name="description" content=tr(locale, Key::AppTagline) />
                <link rel="manifest" href="/manifest.webmanifest" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <link rel="apple-touch-icon" href="/icons/icon-192.png" />
                <AutoReload options=options.clone() />
                <HydrationScripts options defer=true />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The app inside `<body>`: the same on the server and in the browser.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let locale = detect_locale();
    provide_context(locale);
    // Marks the document once the WASM app has taken over; browser tests wait for it.
    #[cfg(feature = "hydrate")]
    Effect::new(|| {
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-hydrated", "true");
        }
    });
    view! {
        <Stylesheet id="leptos" href="/pkg/fuqaro.css" />
        <Title formatter=|page: String| if page.is_empty() { "Fuqaro".to_string() } else { format!("{page} · Fuqaro") } />
        <Router>
            <Layout>
                <Routes fallback=NotFound>
                    <Route path=path!("") view=HomePage ssr=SsrMode::Async />
                    <Route path=path!("regions") view=RegionsPage ssr=SsrMode::Async />
                    <Route path=path!("regions/:soato") view=RegionPage ssr=SsrMode::Async />
                    <Route path=path!("about") view=AboutPage ssr=SsrMode::Async />
                    <Route path=path!("sign-in") view=SignInPage ssr=SsrMode::Async />
                    <Route path=path!("sign-in/code") view=SignInCodePage ssr=SsrMode::Async />
                    <Route path=path!("accounts") view=AccountsPage ssr=SsrMode::Async />
                    <Route path=path!("accounts/link") view=LinkAccountPage ssr=SsrMode::Async />
                    <Route path=path!("accounts/:id") view=AccountPage ssr=SsrMode::Async />
                    <Route path=path!("profile") view=ProfilePage ssr=SsrMode::Async />
                    <Route path=path!("admin/staff") view=StaffPage ssr=SsrMode::Async />
                    <Route path=path!("admin/reconcile") view=ReconcilePage ssr=SsrMode::Async />
                    <Route path=path!("admin/tariffs") view=TariffsPage ssr=SsrMode::Async />
                    <Route path=path!("admin/reconcile/:id") view=ReconcileRunPage ssr=SsrMode::Async />
                    <Route path=path!("pay/:id") view=OrderPage ssr=SsrMode::Async />
                    <Route path=path!("receipts/:id") view=ReceiptPage ssr=SsrMode::Async />
                    <Route path=path!("receipts/verify/:code") view=VerifyReceiptPage ssr=SsrMode::Async />
                    <Route path=path!("inspector") view=InspectorPage ssr=SsrMode::Async />
                    <Route path=path!("appeals") view=AppealsPage ssr=SsrMode::Async />
                    <Route path=path!("appeals/new") view=NewAppealPage ssr=SsrMode::Async />
                    <Route path=path!("appeals/cosign") view=CosignPage ssr=SsrMode::Async />
                    <Route path=path!("appeals/:id") view=AppealPage ssr=SsrMode::Async />
                    <Route path=path!("desk") view=DeskPage ssr=SsrMode::Async />
                    <Route path=path!("desk/appeals/:id") view=DeskCasePage ssr=SsrMode::Async />
                    <Route path=path!("admin/calendar") view=CalendarPage ssr=SsrMode::Async />
                    <Route path=path!("admin/bodies") view=BodiesPage ssr=SsrMode::Async />
                    <Route path=path!("inspector/readings/:id") view=InspectorReadingPage ssr=SsrMode::Async />
                </Routes>
            </Layout>
        </Router>
    }
}

/// A strict policy for pages: scripts only from this origin or carrying this response's
/// nonce (Leptos puts it on its inline hydration scripts), WebAssembly allowed, no framing.
#[cfg(feature = "ssr")]
fn set_content_security_policy(options: &LeptosOptions) {
    let (Some(response), Some(nonce)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        leptos::nonce::use_nonce(),
    ) else {
        return;
    };
    // `cargo leptos watch` reloads the page over a websocket on the reload port.
    let reload = if std::env::var_os("LEPTOS_WATCH").is_some() {
        format!(" ws://{}:{}", options.site_addr.ip(), options.reload_port)
    } else {
        String::new()
    };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; \
         connect-src 'self'{reload}; font-src 'self'; manifest-src 'self'; object-src 'none'; \
         base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(value) = http::HeaderValue::from_str(&policy) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}
