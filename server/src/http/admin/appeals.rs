//! The administrators' calendar of working days, the tree of bodies, and the terms.

use crate::AppState;
use crate::http::guard::unavailable;
use crate::http::guard::{Administrator, Signed};
use crate::http::redirect::{redirect, refuse};
use axum::Form;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use services::appeals::admin::{AdminError, BodyEdit};
use services::url::encode as urlencode;

#[derive(Deserialize)]
pub struct DayForm {
    day: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    remove: String,
}

/// An administrator marks a day off or working, or makes it ordinary again.
pub async fn calendar_day(
    State(state): State<AppState>,
    Signed { caller, .. }: Signed<Administrator>,
    Form(form): Form<DayForm>,
) -> Response {
    let year = form.day.get(..4).unwrap_or("2026").to_string();
    let svc = &state.services;
    let result = if form.remove == "1" {
        services::appeals::admin::remove_day(svc, &form.day).await
    } else {
        services::appeals::admin::set_day(svc, &form.day, &form.kind, &form.name).await
    };
    match result {
        Ok(()) => redirect(&format!("/admin/calendar?year={}&saved=1", urlencode(&year))),
        Err(AdminError::Edit(e)) => {
            let to = format!("/admin/calendar?year={}&error={}", urlencode(&year), e.problem());
            let fields = [("day", form.day.as_str()), ("name", form.name.as_str())];
            refuse(&state, &caller, &to, "calendar", &fields).await
        }
        Err(AdminError::Service(error)) => unavailable(caller.locale, "editing the calendar failed", &error),
    }
}

#[derive(Deserialize)]
pub struct BodyForm {
    #[serde(default)]
    id: String,
    #[serde(default)]
    parent: String,
    kind: String,
    name_uz: String,
    name_uz_cyrl: String,
    name_ru: String,
    /// Topic codes, separated by commas or spaces.
    #[serde(default)]
    topics: String,
}

/// An administrator adds a body or edits one.
pub async fn save_body(
    State(state): State<AppState>,
    Signed { caller, .. }: Signed<Administrator>,
    Form(form): Form<BodyForm>,
) -> Response {
    let number = |v: &str| v.trim().parse::<i64>().ok().filter(|n| *n > 0);
    let edit = BodyEdit {
        id: number(&form.id),
        parent: number(&form.parent),
        kind: form.kind.trim(),
        names: [&form.name_uz, &form.name_uz_cyrl, &form.name_ru],
        topics: form
            .topics
            .split([',', ' '])
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect(),
    };
    match services::appeals::admin::save_body(&state.services, &edit).await {
        Ok(id) => redirect(&format!("/admin/bodies?saved={id}")),
        Err(AdminError::Edit(e)) => redirect(&format!(
            "/admin/bodies?error={}&id={}",
            e.problem(),
            urlencode(&form.id)
        )),
        Err(AdminError::Service(error)) => unavailable(caller.locale, "saving a body failed", &error),
    }
}

/// An administrator sets the terms of appeals (every setting on one form); they apply to terms
/// counted from now on.
pub async fn save_terms(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<Administrator>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    use services::appeals::terms::TermsError;
    use shared::appeal::TermSetting;
    let typed = |setting: TermSetting| {
        pairs
            .iter()
            .find(|(k, _)| k == setting.code())
            .map(|(_, v)| v.as_str())
            .unwrap_or_default()
    };
    let values: Vec<(TermSetting, &str)> = TermSetting::ALL.iter().map(|s| (*s, typed(*s))).collect();
    match services::appeals::terms::set_terms(&state.services, principal.user_id, &values).await {
        Ok(()) => redirect("/admin/terms?saved=1"),
        Err(TermsError::Refused(setting)) => {
            let to = format!(
                "/admin/terms?error={}&field={setting}#terms-error",
                shared::appeal::Problem::Term
            );
            let kept: Vec<(&str, &str)> = values.iter().map(|(s, v)| (s.code(), *v)).collect();
            refuse(&state, &caller, &to, "terms", &kept).await
        }
        Err(TermsError::Service(error)) => unavailable(caller.locale, "setting the terms failed", &error),
    }
}
