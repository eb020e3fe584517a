//! Appeals over HTTP. Every action is a plain form post that answers with a redirect (to the
//! page, with a message code when something was refused), so each works without JavaScript:
//! filing (`POST /appeals`, multipart: attachments), co-signing (`POST /appeals/cosign`), the
//! resident's return to control and rating, the attachments, the officer's actions
//! (`POST /desk/appeals/{id}`, multipart: an answer's attachments), the administrators'
//! calendar and bodies, and the live stream (`GET /api/appeals/events`, Server-Sent Events).

use super::accounts::urlencode;
use super::form::{self, Limits, ReadError};
use super::guard::{Caller, text, unavailable};
use crate::AppState;
use app::i18n::Key;
use axum::Form;
use axum::extract::multipart::Multipart;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use services::appeals::admin::{AdminError, BodyEdit};
use services::appeals::attachments::{self, MAX_FILES};
use services::appeals::collective::{self, ConfirmError};
use services::appeals::return_to_control::{self as control, ResidentError};
use services::appeals::{Action, ActionError, FileError, NewAppeal};
use services::live::{Notice, StreamEvent};
use shared::Phone;
use shared::appeal::{Category, ConsentRole, Resolution};
use shared::auth::{Need, Role};
use std::collections::{HashSet, VecDeque};
use std::time::Duration;

/// The most a filing or an answer may carry: five files at the photo limit and the text.
pub const FORM_LIMIT: usize = MAX_FILES * services::storage::photos::MAX_BYTES + 1024 * 1024;

/// Reads a form with files (a filing or an officer's action); a form too large or broken
/// sends the person back to `page` with its message.
async fn read_files_form(
    headers: &HeaderMap,
    multipart: &mut Multipart,
    page: &str,
) -> Result<form::FormData, Response> {
    let limits = Limits {
        // Room for a text past the limit, so that it is refused as too long, not as too large.
        text: 512 * 1024,
        file: services::storage::photos::MAX_BYTES,
        files: MAX_FILES,
        file_fields: &["files"],
    };
    if form::declared_too_large(headers, FORM_LIMIT) {
        return Err(with_error(page, "file_too_large", &[]));
    }
    form::read(multipart, &limits).await.map_err(|e| match e {
        ReadError::TooLarge => with_error(page, "file_too_large", &[]),
        ReadError::Malformed => with_error(page, "malformed", &[]),
    })
}

fn redirect(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// `/path?error=code` plus the fields given, each encoded.
fn with_error(path: &str, error: &str, fields: &[(&str, &str)]) -> Response {
    let mut url = format!("{path}?error={error}");
    for (k, v) in fields {
        url.push_str(&format!("&{k}={}", urlencode(v)));
    }
    redirect(&url)
}

/// A resident files an appeal. Nothing is stored unless everything passes; what was typed
/// comes back with the message (the page's script also keeps a draft on the phone).
pub async fn file(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Response {
    let principal = match caller.require(&state, &Need::SignedIn).await {
        Ok(p) => p,
        Err(refusal) => return refusal,
    };
    let form = match read_files_form(&headers, &mut multipart, "/appeals/new").await {
        Ok(f) => f,
        Err(back) => return back,
    };
    let back = |error: &str| {
        let keep = [
            "body",
            "topic",
            "kind",
            "subject",
            "text",
            "district",
            "cosigners",
            "about",
        ];
        let fields: Vec<(&str, &str)> = keep.iter().map(|k| (*k, form.get(k))).collect();
        // A text too long for a URL comes back without itself; the length was the problem.
        let fields: Vec<(&str, &str)> = if error == "text_too_long" {
            fields.into_iter().filter(|(k, _)| *k != "text").collect()
        } else {
            fields
        };
        with_error("/appeals/new", error, &fields)
    };
    let Ok(body_id) = form.get("body").trim().parse::<i64>() else {
        return back("body");
    };
    let filer = match services::identity::users::phone_of(&state.services, principal.user_id).await {
        Ok(p) => p,
        Err(error) => return unavailable(caller.locale, "filing an appeal failed", &error),
    };
    let cosigners = match collective::parse_phones(form.get("cosigners"), &filer) {
        Ok(c) => c,
        Err(_) => return back("cosigner_phone"),
    };
    let about = match form.get("about").trim() {
        "" => None,
        id => match id.parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => return back("about"),
        },
    };
    let files = match attachments::check_all_off_runtime(form.files_of("files")).await {
        Ok(Ok(f)) => f,
        Ok(Err(e)) => return back(e.code()),
        Err(error) => return unavailable(caller.locale, "checking attachments failed", &error),
    };
    // A district's SOATO code starts with its region's four digits.
    let district = form.get("district").trim();
    let mahalla = form.get("mahalla").trim();
    let new = NewAppeal {
        user_id: principal.user_id,
        body_id,
        topic: form.get("topic"),
        kind: form.get("kind"),
        subject: form.get("subject"),
        text: form.get("text"),
        region: district.get(..4).unwrap_or_default(),
        district,
        mahalla: (!mahalla.is_empty()).then_some(mahalla),
        cosigners: &cosigners,
        files: &files,
        about,
        locale: caller.locale,
    };
    match services::appeals::file(&state.services, &new).await {
        Ok(registered) => redirect(&format!("/appeals/{}?filed=1", registered.id)),
        Err(FileError::Service(error)) => unavailable(caller.locale, "filing an appeal failed", &error),
        Err(error) => back(error.code()),
    }
}

#[derive(Deserialize)]
pub struct CosignForm {
    number: String,
    phone: String,
    code: String,
}

/// Co-signing attempts one client may make in an hour.
const COSIGN_TRIES_PER_CLIENT_PER_HOUR: i64 = 30;

/// A co-signer confirms with the code sent to their phone (the code is the proof; no
/// session is needed, and five wrong codes end the tries for that phone).
pub async fn cosign(State(state): State<AppState>, caller: Caller, Form(form): Form<CosignForm>) -> Response {
    let fields = [("number", form.number.as_str()), ("phone", form.phone.as_str())];
    let Ok(phone) = Phone::parse(&form.phone) else {
        return with_error("/appeals/cosign", "phone", &fields);
    };
    // Guesses are limited per client as well as per co-signer (five tries each).
    let now = state.services.clock.now_ms();
    match services::rate::allow(
        &state.services.db,
        &format!("cosign:client:{}", caller.client),
        COSIGN_TRIES_PER_CLIENT_PER_HOUR,
        services::clock::HOUR_MS,
        now,
    )
    .await
    {
        Ok(true) => {}
        Ok(false) => return with_error("/appeals/cosign", "rate_limited", &fields),
        Err(error) => return unavailable(caller.locale, "co-signing failed", &error),
    }
    match collective::confirm(&state.services, &form.number, &phone, &form.code).await {
        Ok(_) => redirect(&format!(
            "/appeals/cosign?done=1&number={}",
            urlencode(form.number.trim())
        )),
        Err(ConfirmError::Cosign(e)) => with_error("/appeals/cosign", e.code(), &fields),
        Err(ConfirmError::Service(error)) => unavailable(caller.locale, "co-signing failed", &error),
    }
}

#[derive(Deserialize)]
pub struct ReturnForm {
    #[serde(default)]
    reason: String,
}

/// The resident returns the last answer to control.
pub async fn return_to_control(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Form(form): Form<ReturnForm>,
) -> Response {
    let principal = match caller.require(&state, &Need::SignedIn).await {
        Ok(p) => p,
        Err(refusal) => return refusal,
    };
    let result = control::return_to_control(&state.services, principal.user_id, id, &form.reason).await;
    resident_answer(&caller, id, result.map(|_| "returned"))
}

#[derive(Deserialize)]
pub struct RatingForm {
    #[serde(default)]
    score: String,
    #[serde(default)]
    comment: String,
}

/// The resident rates the last answer.
pub async fn rate(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Form(form): Form<RatingForm>,
) -> Response {
    let principal = match caller.require(&state, &Need::SignedIn).await {
        Ok(p) => p,
        Err(refusal) => return refusal,
    };
    let Ok(score) = form.score.trim().parse::<i16>() else {
        return resident_answer(&caller, id, Err(ResidentError::Score));
    };
    let result = control::rate(&state.services, principal.user_id, id, score, &form.comment).await;
    resident_answer(&caller, id, result.map(|_| "rated"))
}

fn resident_answer(caller: &Caller, id: i64, result: Result<&str, ResidentError>) -> Response {
    match result {
        Ok(done) => redirect(&format!("/appeals/{id}?done={done}")),
        Err(ResidentError::NotFound) => text(StatusCode::NOT_FOUND, caller.locale, Key::ErrorNotFound),
        Err(ResidentError::Service(error)) => {
            unavailable(caller.locale, "a resident's appeal action failed", &error)
        }
        Err(e) => redirect(&format!("/appeals/{id}?error={}#answer", e.code())),
    }
}

/// An attachment, for the resident and the body's officers. PDFs download rather than open
/// inside the app's origin.
pub async fn attachment(
    State(state): State<AppState>,
    caller: Caller,
    Path((appeal, file)): Path<(i64, i64)>,
) -> Response {
    let principal = match caller.require(&state, &Need::SignedIn).await {
        Ok(p) => p,
        Err(refusal) => return refusal,
    };
    match attachments::get(&state.services, &principal, appeal, file).await {
        Ok((content_type, name, bytes)) => {
            let disposition = if content_type == "application/pdf" {
                "attachment"
            } else {
                "inline"
            };
            let ascii: String = name
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '.' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            (
                [
                    (header::CONTENT_TYPE, content_type),
                    (
                        header::CONTENT_DISPOSITION,
                        format!(
                            "{disposition}; filename=\"{ascii}\"; filename*=UTF-8''{}",
                            urlencode(&name)
                        ),
                    ),
                    (header::CACHE_CONTROL, "private, no-store".to_string()),
                ],
                bytes,
            )
                .into_response()
        }
        Err(services::Error::NotFound) => text(StatusCode::NOT_FOUND, caller.locale, Key::ErrorNotFound),
        Err(error) => unavailable(caller.locale, "loading an attachment failed", &error),
    }
}

/// An officer's action on an appeal of their bodies (multipart: an answer may carry files).
pub async fn desk_action(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Response {
    let principal = match caller.require(&state, &Need::HandlesAppeals).await {
        Ok(p) => p,
        Err(refusal) => return refusal,
    };
    let page = format!("/desk/appeals/{id}");
    let form = match read_files_form(&headers, &mut multipart, &page).await {
        Ok(f) => f,
        Err(back) => return back,
    };
    let back = |error: &str| with_error(&page, error, &[("text", form.get("text"))]);
    let svc = &state.services;
    if form.get("action") == "triage" {
        let Some(category) = Category::parse(form.get("category")) else {
            return back("category");
        };
        return match services::appeals::triage(svc, &principal, id, category).await {
            Ok(_) => redirect(&format!("{page}?done=triage")),
            Err(error) => action_error(&caller, &page, error, &back),
        };
    }
    let text = form.get("text").to_string();
    let action = match form.get("action") {
        "assign" => match form.get("assignee").parse::<i64>() {
            Ok(user) => Action::Assign(user),
            Err(_) => return back("assignee"),
        },
        "answer" => Action::Answer(text),
        "forward" => match form.get("to").parse::<i64>() {
            Ok(to) => Action::Forward { to, reason: text },
            Err(_) => return back("body"),
        },
        "extend" => Action::Extend(text),
        "consent" => match ConsentRole::parse(form.get("role")) {
            Some(role) => Action::Consent {
                person: form.get("person").to_string(),
                role,
                consent: form.get("consent") == "yes",
            },
            None => return back("role"),
        },
        "resolve" => {
            let resolution = match form.get("resolution") {
                "satisfied" => Resolution::Satisfied,
                "explained" => Resolution::Explained,
                "rejected" => Resolution::Rejected,
                _ => return back("resolution"),
            };
            Action::Resolve {
                resolution,
                reason: text,
            }
        }
        _ => return back("action"),
    };
    // An answer's files are checked before anything is done, and kept with the answer.
    let files = match attachments::check_all_off_runtime(form.files_of("files")).await {
        Ok(Ok(f)) => f,
        Ok(Err(e)) => return back(e.code()),
        Err(error) => return unavailable(caller.locale, "checking attachments failed", &error),
    };
    if !files.is_empty() && !matches!(action, Action::Answer(_)) {
        return back("files_not_here");
    }
    let stored = match attachments::store(svc, &files).await {
        Ok(s) => s,
        Err(error) => return unavailable(caller.locale, "storing attachments failed", &error),
    };
    match services::appeals::act_with_files(svc, &principal, id, &action, &files, &stored).await {
        Ok(_) => redirect(&format!("{page}?done={}", form.get("action"))),
        Err(error) => action_error(&caller, &page, error, &back),
    }
}

fn action_error(
    caller: &Caller,
    page: &str,
    error: ActionError,
    back: &dyn Fn(&str) -> Response,
) -> Response {
    match error {
        ActionError::NotFound => text(StatusCode::NOT_FOUND, caller.locale, Key::ErrorNotFound),
        ActionError::Service(error) => unavailable(caller.locale, "an officer's action failed", &error),
        ActionError::Resolved => redirect(&format!("{page}?error=resolved")),
        other => back(other.code()),
    }
}

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
    caller: Caller,
    Form(form): Form<DayForm>,
) -> Response {
    if let Err(refusal) = caller
        .require_recent(&state, &Need::Role(Role::Administrator))
        .await
    {
        return refusal;
    }
    let year = form.day.get(..4).unwrap_or("2026").to_string();
    let svc = &state.services;
    let result = if form.remove == "1" {
        services::appeals::admin::remove_day(svc, &form.day).await
    } else {
        services::appeals::admin::set_day(svc, &form.day, &form.kind, &form.name).await
    };
    match result {
        Ok(()) => redirect(&format!("/admin/calendar?year={}&saved=1", urlencode(&year))),
        Err(AdminError::Edit(e)) => with_error(
            "/admin/calendar",
            e.code(),
            &[("year", &year), ("day", &form.day), ("name", &form.name)],
        ),
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
    caller: Caller,
    Form(form): Form<BodyForm>,
) -> Response {
    if let Err(refusal) = caller
        .require_recent(&state, &Need::Role(Role::Administrator))
        .await
    {
        return refusal;
    }
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
        Err(AdminError::Edit(e)) => with_error("/admin/bodies", e.code(), &[("id", &form.id)]),
        Err(AdminError::Service(error)) => unavailable(caller.locale, "saving a body failed", &error),
    }
}

#[derive(Deserialize)]
pub struct EventsQuery {
    /// Only this appeal (which must be the resident's).
    appeal: Option<i64>,
    /// Start after this event (what the page already shows); Last-Event-ID wins.
    after: Option<i64>,
}

/// The signed-in resident's live stream: every new event of their appeals (or of one), in
/// order, resuming after Last-Event-ID on a reconnect. Refuses with 401 without a session and
/// 404 for an appeal that is not theirs.
pub async fn events(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Query(query): Query<EventsQuery>,
) -> Response {
    let svc = state.services.clone();
    let principal =
        match services::identity::auth::require(&svc, caller.token.as_deref(), &Need::SignedIn).await {
            Ok(p) => p,
            Err(services::identity::auth::Guarded::Service(error)) => {
                return unavailable(caller.locale, "opening a stream failed", &error);
            }
            Err(_) => return text(StatusCode::UNAUTHORIZED, caller.locale, Key::ErrorSignInRequired),
        };
    let user = principal.user_id;
    if let Some(appeal) = query.appeal {
        match services::appeals::owns(&svc, user, appeal).await {
            Ok(true) => {}
            Ok(false) => return text(StatusCode::NOT_FOUND, caller.locale, Key::ErrorNotFound),
            Err(error) => return unavailable(caller.locale, "opening a stream failed", &error),
        }
    }
    // Subscribed before reading the table, so nothing falls between the two.
    let rx = svc.live.subscribe();
    let resume = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok())
        .or(query.after);
    let after = match resume {
        Some(after) => after,
        None => match services::live::latest(&svc, user, query.appeal).await {
            Ok(latest) => latest,
            Err(error) => return unavailable(caller.locale, "opening a stream failed", &error),
        },
    };
    let feed = Feed {
        svc,
        user,
        appeal: query.appeal,
        rx,
        floor: after,
        queue: VecDeque::new(),
        sent: HashSet::new(),
        caught_up: false,
    };
    let stream = futures_util::stream::unfold(feed, |mut feed| async move {
        let event = feed.next().await?;
        let data = serde_json::to_string(&event).unwrap_or_default();
        let sse = Event::default()
            .id(event.id.to_string())
            .event("appeal")
            .data(data);
        Some((Ok::<_, std::convert::Infallible>(sse), feed))
    });
    // The stream ends with the session: signed out, everywhere or here, or ended by time.
    let token = caller.token.clone().unwrap_or_default();
    let watcher = state.services.clone();
    let session_ended = async move {
        loop {
            tokio::time::sleep(STREAM_SESSION_CHECK).await;
            match services::identity::auth::still_live(&watcher, &token, user).await {
                Ok(true) => {}
                Ok(false) => return,
                Err(error) => tracing::warn!(%error, "checking a stream's session failed"),
            }
        }
    };
    let stream = futures_util::StreamExt::take_until(stream, Box::pin(session_ended));
    let mut response = Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response();
    // Proxies must pass it through as it comes.
    response
        .headers_mut()
        .insert("x-accel-buffering", header::HeaderValue::from_static("no"));
    response
}

/// How often an open stream checks that its session is still live (as often as it sends a
/// keep-alive).
const STREAM_SESSION_CHECK: Duration = Duration::from_secs(15);

/// One open stream.
struct Feed {
    svc: services::Services,
    user: i64,
    appeal: Option<i64>,
    rx: tokio::sync::broadcast::Receiver<Notice>,
    /// Everything up to here has been sent (or was on the page).
    floor: i64,
    queue: VecDeque<StreamEvent>,
    /// Sent above the floor (an event may arrive both live and from the table).
    sent: HashSet<i64>,
    caught_up: bool,
}

impl Feed {
    /// The next event to send, or `None` when the stream should end (shutdown, or the table
    /// could not be read — the browser then reconnects with Last-Event-ID).
    async fn next(&mut self) -> Option<StreamEvent> {
        if !self.caught_up {
            self.caught_up = true;
            self.catch_up().await?;
        }
        loop {
            while let Some(event) = self.queue.pop_front() {
                if event.id > self.floor && self.sent.insert(event.id) {
                    if self.sent.len() > 4096 {
                        self.floor = self.sent.iter().copied().max().unwrap_or(self.floor);
                        self.sent.clear();
                    }
                    return Some(event);
                }
            }
            let received = tokio::select! {
                r = self.rx.recv() => r,
                _ = self.svc.live.closed() => return None,
            };
            match received {
                Ok(n) if n.event_id == 0 => self.catch_up().await?,
                Ok(n) if n.user_id == self.user && self.appeal.is_none_or(|a| a == n.appeal_id) => {
                    self.queue.push_back(StreamEvent {
                        id: n.event_id,
                        appeal: n.appeal_id,
                        kind: n.kind,
                    });
                }
                Ok(_) => {}
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => self.catch_up().await?,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
            }
        }
    }

    async fn catch_up(&mut self) -> Option<()> {
        match services::live::since(&self.svc, self.user, self.appeal, self.floor).await {
            Ok(events) => {
                self.queue.extend(events);
                Some(())
            }
            Err(error) => {
                tracing::warn!(%error, "a live stream could not catch up; closing it");
                None
            }
        }
    }
}
