//! Pages whose code is loaded when they are first shown rather than with the first visit.
//!
//! The first visit to any page downloads the app's WASM; with every page in it, a resident
//! opening the home page on a slow network would also download the inspector's queue, the
//! appeals desk and the administrators' pages. Each route here is split into a chunk of its
//! own by `cargo leptos … --split`; the server names the chunks of the page it renders
//! (`modulepreload`) so that hydration does not wait for them, and a link followed in the
//! browser loads the next page's chunk before showing it. The home and sign-in pages, the
//! way into everything else, stay in the main module.

use crate::pages::about::AboutPage;
use crate::pages::account::AccountPage;
use crate::pages::accounts::{AccountsPage, LinkAccountPage};
use crate::pages::api_keys::ApiKeysPage;
use crate::pages::appeals::{AppealPage, AppealsPage, CosignPage, NewAppealPage};
use crate::pages::appeals_admin::{BodiesPage, CalendarPage, TermsPage};
use crate::pages::desk::{DeskCasePage, DeskPage};
use crate::pages::hearings::{DecisionsPage, ProposalsPage};
use crate::pages::inspector::{InspectorPage, InspectorReadingPage};
use crate::pages::pay::{OrderPage, ReceiptPage, VerifyReceiptPage};
use crate::pages::problems::{ProblemPage, ProblemsPage};
use crate::pages::profile::{ProfilePage, StaffPage};
use crate::pages::rating::{RatingBodyPage, RatingPage, RatingSettingsPage};
use crate::pages::receptions::{
    DeskReceptionPage, DeskReceptionsPage, ProtocolPage, ReceptionPage, ReceptionsPage,
};
use crate::pages::reconcile::{ReconcilePage, ReconcileRunPage};
use crate::pages::region::RegionPage;
use crate::pages::regions::RegionsPage;
use crate::pages::reports::{ReportAppealsPage, ReportsPage};
use crate::pages::seven::{ConsentsPage, SevenPage};
use crate::pages::tariffs::TariffsPage;
use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

/// For each `Route => Page`, a route type whose view is `Page`, loaded lazily. The pages
/// load their own data (resources inside the component), so the route carries none.
macro_rules! lazy_pages {
    ($($route:ident => $page:ident),* $(,)?) => {$(
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(_this: Self) -> AnyView {
                view! { <$page /> }.into_any()
            }
        }
    )*};
}

lazy_pages! {
    Regions => RegionsPage,
    Region => RegionPage,
    About => AboutPage,
    Accounts => AccountsPage,
    LinkAccount => LinkAccountPage,
    Account => AccountPage,
    Profile => ProfilePage,
    Staff => StaffPage,
    Reconcile => ReconcilePage,
    ReconcileRun => ReconcileRunPage,
    Tariffs => TariffsPage,
    ApiKeys => ApiKeysPage,
    Order => OrderPage,
    Receipt => ReceiptPage,
    VerifyReceipt => VerifyReceiptPage,
    Inspector => InspectorPage,
    InspectorReading => InspectorReadingPage,
    Appeals => AppealsPage,
    NewAppeal => NewAppealPage,
    Cosign => CosignPage,
    Appeal => AppealPage,
    Desk => DeskPage,
    DeskCase => DeskCasePage,
    Calendar => CalendarPage,
    Bodies => BodiesPage,
    Terms => TermsPage,
    Receptions => ReceptionsPage,
    Reception => ReceptionPage,
    DeskReceptions => DeskReceptionsPage,
    DeskReception => DeskReceptionPage,
    Protocol => ProtocolPage,
    Seven => SevenPage,
    Consents => ConsentsPage,
    Reports => ReportsPage,
    ReportAppeals => ReportAppealsPage,
    Rating => RatingPage,
    RatingBody => RatingBodyPage,
    RatingSettings => RatingSettingsPage,
    Decisions => DecisionsPage,
    Proposals => ProposalsPage,
    Problems => ProblemsPage,
    Problem => ProblemPage,
}
