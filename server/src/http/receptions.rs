//! Receptions over HTTP, each a plain form post answered with a redirect: staff publish a
//! reception of a body they handle or call it off; a resident books a slot or cancels it. At
//! the reception staff register visitors (the offline register sends the same form with
//! `Accept: application/json` and gets JSON back), confirm the appeals filed for them, and
//! mark it held; its protocol is also a PDF.

use crate::AppState;
use crate::http::area::Area;
use crate::http::guard::{AppealsReader, AppealsStaff, Caller, Resident, Signed, text, unavailable};
use crate::http::redirect::{redirect, refuse, wants_json};
use app::i18n::Key;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use services::receptions::{BookError, NewReception, NewVisit, PublishError, VisitError};
use shared::reception::ReceptionProblem;

pub fn router() -> Area {
    Area::new()
        .post("/desk/receptions", publish)
        .post("/desk/receptions/{id}/cancel", call_off)
        .post("/receptions/{id}/book", book)
        .post("/receptions/{id}/cancel", cancel)
        .post("/desk/receptions/{id}/visits", record_visit)
        .post("/desk/receptions/{id}/visits/{visit}/confirm", confirm_visit)
        .post("/desk/receptions/{id}/held", mark_held)
        .get("/desk/receptions/{id}/protocol.pdf", protocol_pdf)
        .post("/profile/field-notices", field_notices)
}

/// The publishing form, as pairs: its topics are checkboxes sharing one name.
pub async fn publish(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<AppealsStaff>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let field = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_default()
    };
    let topics: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k == "topic")
        .map(|(_, v)| v.clone())
        .collect();
    let new = NewReception {
        body_id: field("body").trim().parse().unwrap_or(0),
        kind: field("kind"),
        host: field("host"),
        place: field("place"),
        district: field("district"),
        mahalla: Some(field("mahalla")),
        day: field("day"),
        time: field("time"),
        slots: field("slots"),
        slot_minutes: field("minutes"),
        topics: &topics,
    };
    match services::receptions::publish(&state.services, &principal, &new).await {
        Ok(id) => redirect(&format!("/desk/receptions/{id}?published=1")),
        Err(PublishError::Service(error)) => {
            unavailable(caller.locale, "publishing a reception failed", &error)
        }
        Err(PublishError::Refused(problem)) => {
            let to = format!("/desk/receptions?error={problem}#reception-error");
            // The ticked topics are kept as one field, their codes joined by spaces.
            let ticked = topics.join(" ");
            let mut kept: Vec<(&str, &str)> = [
                "body", "kind", "host", "place", "district", "mahalla", "day", "time", "slots", "minutes",
            ]
            .into_iter()
            .map(|name| (name, field(name)))
            .collect();
            kept.push(("topics", &ticked));
            refuse(&state, &caller, &to, "reception_publish", &kept).await
        }
    }
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    confirm: String,
}

/// Staff call off a reception of a body they handle; everyone booked is told by SMS.
pub async fn call_off(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<AppealsStaff>,
    Path(id): Path<i64>,
    Form(form): Form<ConfirmForm>,
) -> Response {
    let svc = &state.services;
    // Only staff who could see it may call it off; to anyone else it does not exist.
    match services::receptions::desk_reception(svc, &principal, id).await {
        Ok(r) if r.manages => {}
        Ok(_) => return text(StatusCode::NOT_FOUND, caller.locale, Key::ErrorNotFound),
        Err(services::Error::NotFound) => {
            return text(StatusCode::NOT_FOUND, caller.locale, Key::ErrorNotFound);
        }
        Err(error) => return unavailable(caller.locale, "loading a reception failed", &error),
    }
    if form.confirm != "yes" {
        return redirect(&format!(
            "/desk/receptions/{id}?error={}#call-off",
            ReceptionProblem::ConfirmRequired
        ));
    }
    match services::receptions::call_off(svc, id).await {
        Ok(true) => redirect(&format!("/desk/receptions/{id}?called_off=1")),
        Ok(false) => redirect(&format!(
            "/desk/receptions/{id}?error={}#call-off",
            ReceptionProblem::NotCalledOff
        )),
        Err(error) => booking_failure(&caller, error),
    }
}

#[derive(Deserialize)]
pub struct BookForm {
    #[serde(default)]
    slot: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    question: String,
}

/// A resident books a slot.
pub async fn book(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<Resident>,
    Path(id): Path<i64>,
    Form(form): Form<BookForm>,
) -> Response {
    let result = services::receptions::book(
        &state.services,
        principal.user_id,
        id,
        &form.slot,
        &form.name,
        &form.question,
    )
    .await;
    match result {
        Ok(_) => redirect(&format!("/receptions/{id}?booked=1")),
        Err(BookError::Refused(problem)) => {
            let fields = [
                ("slot", form.slot.as_str()),
                ("name", form.name.as_str()),
                ("question", form.question.as_str()),
            ];
            refuse(&state, &caller, &refused_at(id, problem), "reception", &fields).await
        }
        Err(error) => booking_failure(&caller, error),
    }
}

/// A resident cancels their booking.
pub async fn cancel(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<Resident>,
    Path(id): Path<i64>,
) -> Response {
    match services::receptions::cancel_booking(&state.services, principal.user_id, id).await {
        Ok(()) => redirect(&format!("/receptions/{id}?cancelled=1")),
        Err(BookError::Refused(problem)) => redirect(&refused_at(id, problem)),
        Err(error) => booking_failure(&caller, error),
    }
}

/// The reception's page with the refusal's message by the booking form.
fn refused_at(id: i64, problem: ReceptionProblem) -> String {
    format!("/receptions/{id}?error={problem}#booking-error")
}

fn booking_failure(caller: &Caller, error: BookError) -> Response {
    match error {
        BookError::NotFound => text(StatusCode::NOT_FOUND, caller.locale, Key::ErrorNotFound),
        BookError::Service(error) => unavailable(caller.locale, "a reception booking failed", &error),
        BookError::Refused(problem) => {
            tracing::error!(%problem, "a refusal reached the failure path");
            text(StatusCode::BAD_REQUEST, caller.locale, Key::ErrorBadRequest)
        }
    }
}

/// The register form's fields, in order: what a refused form keeps.
const VISIT_FIELDS: [&str; 9] = [
    "key",
    "slot",
    "name",
    "address",
    "phone",
    "topic",
    "summary",
    "outcome",
    "resolution",
];

/// Staff register a visitor's issue. A plain form goes back to the reception's page; the
/// offline register (JSON) learns whether the entry was stored, or why not, to show it.
pub async fn record_visit(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<AppealsStaff>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let json = wants_json(&headers);
    let field = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_default()
    };
    let new = NewVisit {
        entry_key: field("key"),
        slot: field("slot"),
        name: field("name"),
        address: field("address"),
        phone: field("phone"),
        topic: field("topic"),
        summary: field("summary"),
        outcome: field("outcome"),
        resolution: field("resolution"),
        paper: field("paper") == "yes",
    };
    let paper = new.paper;
    match services::receptions::record_visit(&state.services, &principal, id, &new).await {
        Ok(done) if json => {
            axum::Json(serde_json::json!({ "visit": done.visit, "appeal": done.appeal })).into_response()
        }
        Ok(done) => {
            let said = match (&done.appeal, new.outcome) {
                (Some(number), _) => format!("filed={number}"),
                (None, "appeal") if !paper => "code_sent=1".to_string(),
                _ => "saved=1".to_string(),
            };
            redirect(&format!("/desk/receptions/{id}?{said}#visit-{}", done.visit))
        }
        Err(VisitError::Refused(problem)) if json => {
            let message = app::i18n::tr(caller.locale, app::pages::receptions::problem_key(problem));
            let body = serde_json::json!({ "error": problem.code(), "message": message });
            (StatusCode::UNPROCESSABLE_ENTITY, axum::Json(body)).into_response()
        }
        Err(VisitError::Refused(problem)) => {
            let to = format!("/desk/receptions/{id}?register_error={problem}#register-error");
            let mut kept: Vec<(&str, &str)> = VISIT_FIELDS.iter().map(|name| (*name, field(name))).collect();
            kept.push(("paper", field("paper")));
            refuse(&state, &caller, &to, "reception_visit", &kept).await
        }
        Err(error) => visit_failure(&caller, error),
    }
}

#[derive(Deserialize)]
pub struct SignForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    paper: String,
}

/// Staff confirm an appeal filed for a visitor: the code the visitor received, or their
/// signature on paper.
pub async fn confirm_visit(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<AppealsStaff>,
    Path((id, visit)): Path<(i64, i64)>,
    Form(form): Form<SignForm>,
) -> Response {
    let paper = form.paper == "yes";
    match services::receptions::confirm_visit(&state.services, &principal, id, visit, &form.code, paper).await
    {
        Ok(number) => redirect(&format!("/desk/receptions/{id}?filed={number}#visit-{visit}")),
        Err(VisitError::Refused(problem)) => redirect(&format!(
            "/desk/receptions/{id}?visit={visit}&visit_error={problem}#visit-{visit}"
        )),
        Err(error) => visit_failure(&caller, error),
    }
}

/// Staff mark a reception held.
pub async fn mark_held(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<AppealsStaff>,
    Path(id): Path<i64>,
) -> Response {
    match services::receptions::mark_held(&state.services, &principal, id).await {
        Ok(_) => redirect(&format!("/desk/receptions/{id}?held=1#held")),
        Err(VisitError::Refused(problem)) => {
            redirect(&format!("/desk/receptions/{id}?held_error={problem}#held"))
        }
        Err(error) => visit_failure(&caller, error),
    }
}

fn visit_failure(caller: &Caller, error: VisitError) -> Response {
    match error {
        VisitError::NotFound => text(StatusCode::NOT_FOUND, caller.locale, Key::ErrorNotFound),
        VisitError::Service(error) => unavailable(caller.locale, "a reception's register failed", &error),
        VisitError::Refused(problem) => {
            tracing::error!(%problem, "a refusal reached the failure path");
            text(StatusCode::BAD_REQUEST, caller.locale, Key::ErrorBadRequest)
        }
    }
}

/// The protocol of a reception as a PDF, in the reader's language: the same facts as the
/// printable page.
pub async fn protocol_pdf(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<AppealsReader>,
    Path(id): Path<i64>,
) -> Response {
    use app::i18n::tr;
    use app::pages::receptions::{protocol_entries, protocol_head};
    use services::pdf::{A4, Ink, Page};
    let reception = match services::receptions::desk_reception(&state.services, &principal, id).await {
        Ok(r) => r,
        Err(services::Error::NotFound) => {
            return text(StatusCode::NOT_FOUND, caller.locale, Key::ErrorNotFound);
        }
        Err(error) => return unavailable(caller.locale, "loading a reception failed", &error),
    };
    let locale = caller.locale;
    let title = tr(locale, Key::ProtocolTitle);
    let mut page = Page::new(A4, 48.0);
    page.paragraph("Fuqaro", 10.0, Ink::Muted);
    page.paragraph(title, 18.0, Ink::Black);
    page.space(6.0);
    for (label, value) in protocol_head(locale, &reception) {
        page.row(&label, &value, 10.0, 150.0);
    }
    for entry in protocol_entries(locale, &reception) {
        page.space(10.0);
        page.paragraph(&entry.heading, 11.0, Ink::Black);
        for (label, value) in &entry.rows {
            page.row(label, value, 10.0, 110.0);
        }
    }
    let pdf = page.finish(&format!("{title} {id}"));
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"reception-{id}-protocol.pdf\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        pdf,
    )
        .into_response()
}

#[derive(Deserialize)]
pub struct NoticesForm {
    #[serde(default)]
    district: String,
    #[serde(default)]
    mahalla: String,
}

/// A resident chooses the mahalla whose field receptions they are told of by SMS (none: not
/// told).
pub async fn field_notices(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<Resident>,
    Form(form): Form<NoticesForm>,
) -> Response {
    // Without JavaScript the district comes first: saving it shows its mahallas.
    let district = form.district.trim();
    if form.mahalla.trim().is_empty() && !district.is_empty() {
        return redirect(&format!(
            "/profile?notices_district={}#field-notices",
            shared::url::encode(district)
        ));
    }
    match services::identity::users::set_field_notices(&state.services, principal.user_id, &form.mahalla)
        .await
    {
        Ok(true) => redirect("/profile?done=field_notices#field-notices"),
        Ok(false) => redirect("/profile?error=field_notices#field-notices"),
        Err(error) => unavailable(caller.locale, "saving field-reception notices failed", &error),
    }
}
