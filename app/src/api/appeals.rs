//! Appeals: what the filing form offers, the resident's list and pages, the officer's desk and
//! case page, and the calendar administrators keep. Every action is a form post (see the
//! server's `http::appeals`), so each page works without JavaScript.

use crate::error::AppError;
use leptos::prelude::*;
use shared::appeal::{AppealChoices, AppealList, AppealView, CalendarDay, DeskCase, DeskPage};

#[server(prefix = "/api", endpoint = "appeal_choices")]
pub async fn get_appeal_choices() -> Result<AppealChoices, AppError> {
    let (svc, principal) = super::guard_signed_in(&shared::auth::Need::SignedIn).await?;
    let mut choices = services::appeals::choices(&svc).await?;
    choices.earlier = services::appeals::answered_of(&svc, principal.user_id).await?;
    choices.usual = services::appeals::usual_place(&svc, principal.user_id).await?;
    let (_, name) = services::identity::users::profile(&svc, principal.user_id).await?;
    choices.applicant = name.filter(|n| !n.trim().is_empty());
    Ok(choices)
}

/// The mahallas of a district, for the filing form.
#[server(prefix = "/api", endpoint = "appeal_mahallas")]
pub async fn get_appeal_mahallas(district: String) -> Result<Vec<(String, shared::geo::Names)>, AppError> {
    let (svc, _) = super::guard_signed_in(&shared::auth::Need::SignedIn).await?;
    if district.is_empty() {
        return Ok(Vec::new());
    }
    Ok(services::reference::mahallas_of(&svc, &district).await?)
}

#[server(prefix = "/api", endpoint = "my_appeals")]
pub async fn my_appeals() -> Result<AppealList, AppError> {
    let (svc, principal) = super::guard_signed_in(&shared::auth::Need::SignedIn).await?;
    Ok(services::appeals::mine(&svc, principal.user_id).await?)
}

#[server(prefix = "/api", endpoint = "appeal")]
pub async fn get_appeal(id: i64) -> Result<AppealView, AppError> {
    let (svc, principal) = super::guard_signed_in(&shared::auth::Need::SignedIn).await?;
    Ok(services::appeals::view(&svc, principal.user_id, id).await?)
}

/// The desk, filtered: `category` (urgent, ordinary, consultation or empty), one `body` (0:
/// all), only `overdue`, only `mine`, and the page after (`after_at`, `after_id`).
#[server(prefix = "/api", endpoint = "desk")]
pub async fn get_desk(
    category: String,
    body: i64,
    overdue: bool,
    mine: bool,
    after_at: Option<i64>,
    after_id: Option<i64>,
) -> Result<DeskPage, AppError> {
    use services::appeals::DeskFilter;
    use shared::appeal::Category;
    const PAGE: i64 = 50;
    let (svc, principal) = super::guard_signed_in(&shared::auth::Need::SeesAppeals).await?;
    let filter = DeskFilter {
        category: Category::parse(&category),
        body: (body > 0).then_some(body),
        overdue,
        mine,
        after: after_at.zip(after_id),
    };
    let items = services::appeals::desk(&svc, &principal, &filter, PAGE + 1).await?;
    let next = (items.len() as i64 > PAGE).then(|| {
        let last = &items[PAGE as usize - 1];
        (last.due_at, last.id)
    });
    Ok(DeskPage {
        items: items.into_iter().take(PAGE as usize).collect(),
        bodies: services::appeals::desk_bodies(&svc, &principal).await?,
        next,
        // The first page only: the load is about the whole desk, not a page of it.
        load: if after_at.is_none() {
            services::appeals::officer_load(&svc, &principal).await?
        } else {
            Vec::new()
        },
        names_seven: principal.has_role(shared::auth::Role::ReceptionCoordinator)
            || principal.has_role(shared::auth::Role::Administrator),
        reviewed: if after_at.is_none() {
            services::appeals::reviewed_bodies(&svc, &principal).await?
        } else {
            Vec::new()
        },
    })
}

#[server(prefix = "/api", endpoint = "desk_case")]
pub async fn get_desk_case(id: i64) -> Result<DeskCase, AppError> {
    let (svc, principal) = super::guard_signed_in(&shared::auth::Need::SeesAppeals).await?;
    Ok(services::appeals::desk_case(&svc, &principal, id).await?)
}

/// The calendar's exceptions of a year, for administrators.
#[server(prefix = "/api", endpoint = "calendar_days")]
pub async fn get_calendar_days(year: i32) -> Result<Vec<CalendarDay>, AppError> {
    use shared::auth::{Need, Role};
    let (svc, _) = super::guard_signed_in(&Need::Role(Role::Administrator)).await?;
    Ok(services::appeals::admin::calendar_days(&svc, year).await?)
}

/// The tree of bodies with their topics, for administrators to edit.
#[server(prefix = "/api", endpoint = "admin_bodies")]
pub async fn get_admin_bodies() -> Result<AppealChoices, AppError> {
    use shared::auth::{Need, Role};
    let (svc, _) = super::guard_signed_in(&Need::Role(Role::Administrator)).await?;
    Ok(services::appeals::choices(&svc).await?)
}

/// The instructions of the People's Reception the desk shows: given (a coordinator) and
/// received (a body's staff), and the bodies a coordinator may instruct.
#[server(prefix = "/api", endpoint = "instructions")]
pub async fn get_instructions() -> Result<shared::appeal::Instructions, AppError> {
    let (svc, principal) = super::guard_signed_in(&shared::auth::Need::SeesAppeals).await?;
    Ok(services::appeals::coordination::instructions(&svc, &principal).await?)
}

/// The terms of appeals in force, for administrators to change.
#[server(prefix = "/api", endpoint = "appeal_terms")]
pub async fn get_appeal_terms() -> Result<shared::appeal::Terms, AppError> {
    use shared::auth::{Need, Role};
    let (svc, _) = super::guard_signed_in(&Need::Role(Role::Administrator)).await?;
    Ok(services::appeals::terms(&svc).await?)
}

/// The naming page of the mahalla seven: the districts the person may choose from, and the
/// chosen mahalla's members.
#[server(prefix = "/api", endpoint = "mahalla_seven")]
pub async fn get_mahalla_seven(mahalla: String) -> Result<shared::appeal::SevenDesk, AppError> {
    let need = shared::auth::Need::Role(shared::auth::Role::ReceptionCoordinator);
    let (svc, principal) = super::guard_signed_in(&need).await?;
    Ok(services::appeals::seven::seven_desk(&svc, &principal, &mahalla).await?)
}

/// The collective appeals waiting for the person's word.
#[server(prefix = "/api", endpoint = "consent_cases")]
pub async fn get_consent_cases() -> Result<Vec<shared::appeal::ConsentCase>, AppError> {
    let (svc, principal) = super::guard_signed_in(&shared::auth::Need::SignedIn).await?;
    Ok(services::appeals::seven::consent_cases(&svc, principal.user_id).await?)
}
