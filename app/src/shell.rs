//! The HTML document, the router and the routes.

use crate::components::layout::Layout;
use crate::i18n::{Key, detect_locale, tr};
use crate::pages::home::HomePage;
use crate::pages::not_found::NotFound;
use crate::pages::sign_in::{SignInCodePage, SignInPage};
use crate::routes;
use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use leptos_router::{Lazy, SsrMode};

/// The whole document, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let locale = detect_locale();
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
    view! {
        <Stylesheet id="leptos" href="/pkg/fuqaro.css" />
        <Title formatter=|page: String| if page.is_empty() { "Fuqaro".to_string() } else { format!("{page} · Fuqaro") } />
        <Router>
            <Layout>
                <Routes fallback=NotFound>
                    <Route path=path!("") view=HomePage ssr=SsrMode::Async />
                    <Route path=path!("regions") view={Lazy::<routes::Regions>::new()} ssr=SsrMode::Async />
                    <Route path=path!("regions/:soato") view={Lazy::<routes::Region>::new()} ssr=SsrMode::Async />
                    <Route path=path!("about") view={Lazy::<routes::About>::new()} ssr=SsrMode::Async />
                    <Route path=path!("sign-in") view=SignInPage ssr=SsrMode::Async />
                    <Route path=path!("sign-in/code") view=SignInCodePage ssr=SsrMode::Async />
                    <Route path=path!("accounts") view={Lazy::<routes::Accounts>::new()} ssr=SsrMode::Async />
                    <Route path=path!("accounts/link") view={Lazy::<routes::LinkAccount>::new()} ssr=SsrMode::Async />
                    <Route path=path!("accounts/:id") view={Lazy::<routes::Account>::new()} ssr=SsrMode::Async />
                    <Route path=path!("profile") view={Lazy::<routes::Profile>::new()} ssr=SsrMode::Async />
                    <Route path=path!("admin/staff") view={Lazy::<routes::Staff>::new()} ssr=SsrMode::Async />
                    <Route path=path!("admin/reconcile") view={Lazy::<routes::Reconcile>::new()} ssr=SsrMode::Async />
                    <Route path=path!("admin/tariffs") view={Lazy::<routes::Tariffs>::new()} ssr=SsrMode::Async />
                    <Route path=path!("admin/api-keys") view={Lazy::<routes::ApiKeys>::new()} ssr=SsrMode::Async />
                    <Route path=path!("admin/reconcile/:id") view={Lazy::<routes::ReconcileRun>::new()} ssr=SsrMode::Async />
                    <Route path=path!("pay/:id") view={Lazy::<routes::Order>::new()} ssr=SsrMode::Async />
                    <Route path=path!("receipts/:id") view={Lazy::<routes::Receipt>::new()} ssr=SsrMode::Async />
                    <Route path=path!("receipts/verify/:code") view={Lazy::<routes::VerifyReceipt>::new()} ssr=SsrMode::Async />
                    <Route path=path!("inspector") view={Lazy::<routes::Inspector>::new()} ssr=SsrMode::Async />
                    <Route path=path!("appeals") view={Lazy::<routes::Appeals>::new()} ssr=SsrMode::Async />
                    <Route path=path!("appeals/new") view={Lazy::<routes::NewAppeal>::new()} ssr=SsrMode::Async />
                    <Route path=path!("appeals/cosign") view={Lazy::<routes::Cosign>::new()} ssr=SsrMode::Async />
                    <Route path=path!("appeals/:id") view={Lazy::<routes::Appeal>::new()} ssr=SsrMode::Async />
                    <Route path=path!("desk") view={Lazy::<routes::Desk>::new()} ssr=SsrMode::Async />
                    <Route path=path!("desk/appeals/:id") view={Lazy::<routes::DeskCase>::new()} ssr=SsrMode::Async />
                    <Route path=path!("receptions") view={Lazy::<routes::Receptions>::new()} ssr=SsrMode::Async />
                    <Route path=path!("receptions/:id") view={Lazy::<routes::Reception>::new()} ssr=SsrMode::Async />
                    <Route path=path!("desk/receptions") view={Lazy::<routes::DeskReceptions>::new()} ssr=SsrMode::Async />
                    <Route path=path!("desk/mahalla-seven") view={Lazy::<routes::Seven>::new()} ssr=SsrMode::Async />
                    <Route path=path!("consents") view={Lazy::<routes::Consents>::new()} ssr=SsrMode::Async />
                    <Route path=path!("desk/reports") view={Lazy::<routes::Reports>::new()} ssr=SsrMode::Async />
                    <Route path=path!("desk/reports/appeals") view={Lazy::<routes::ReportAppeals>::new()} ssr=SsrMode::Async />
                    <Route path=path!("desk/proposals") view={Lazy::<routes::Proposals>::new()} ssr=SsrMode::Async />
                    <Route path=path!("desk/problems") view={Lazy::<routes::Problems>::new()} ssr=SsrMode::Async />
                    <Route path=path!("desk/problems/:id") view={Lazy::<routes::Problem>::new()} ssr=SsrMode::Async />
                    <Route path=path!("decisions") view={Lazy::<routes::Decisions>::new()} ssr=SsrMode::Async />
                    <Route path=path!("desk/receptions/:id") view={Lazy::<routes::DeskReception>::new()} ssr=SsrMode::Async />
                    <Route path=path!("desk/receptions/:id/protocol") view={Lazy::<routes::Protocol>::new()} ssr=SsrMode::Async />
                    <Route path=path!("admin/calendar") view={Lazy::<routes::Calendar>::new()} ssr=SsrMode::Async />
                    <Route path=path!("admin/bodies") view={Lazy::<routes::Bodies>::new()} ssr=SsrMode::Async />
                    <Route path=path!("admin/terms") view={Lazy::<routes::Terms>::new()} ssr=SsrMode::Async />
                    <Route path=path!("admin/rating") view={Lazy::<routes::RatingSettings>::new()} ssr=SsrMode::Async />
                    <Route path=path!("rating") view={Lazy::<routes::Rating>::new()} ssr=SsrMode::Async />
                    <Route path=path!("rating/body/:id") view={Lazy::<routes::RatingBody>::new()} ssr=SsrMode::Async />
                    <Route path=path!("inspector/readings/:id") view={Lazy::<routes::InspectorReading>::new()} ssr=SsrMode::Async />
                </Routes>
            </Layout>
        </Router>
    }
}
