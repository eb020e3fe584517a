//! Sign-in forms (`/auth/*`). Plain posts answered with a redirect, so they work before
//! hydration and without JavaScript; errors travel as a code in the query string and the
//! page shows the message in the resident's language.

use super::guard::{Caller, unavailable};
use crate::AppState;
use crate::http::area::Area;
use crate::http::guard::{Resident, Signed};
use crate::http::redirect::refuse;
use axum::Form;
use axum::extract::State;
use axum::http::header;
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use serde::Deserialize;
use services::identity::auth::{AuthError, SignInError};
use shared::account::OneTimeCode;
use shared::auth::SignInProblem;
use shared::cookies;
use shared::phone::{Phone, PhoneError};

/// `/auth/*`: the sign-in code, its check, and signing out.
pub fn router() -> Area {
    Area::new()
        .post("/auth/code", request_code)
        .post("/auth/resend", resend)
        .post("/auth/verify", verify)
        .post("/auth/sign-out", sign_out)
        .post("/auth/sign-out-everywhere", sign_out_everywhere)
        .post("/profile/name", set_name)
}

#[derive(Deserialize)]
pub struct NameForm {
    #[serde(default)]
    name: String,
}

/// A person sets the full name their appeals are filed under.
pub async fn set_name(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<Resident>,
    Form(form): Form<NameForm>,
) -> Response {
    match services::identity::users::set_name(&state.services, principal.user_id, &form.name).await {
        Ok(true) => Redirect::to("/profile?done=name").into_response(),
        Ok(false) => {
            let to = "/profile?error=name#name-error";
            refuse(&state, &caller, to, "name", &[("name", &form.name)]).await
        }
        Err(error) => unavailable(caller.locale, "saving a name failed", &error),
    }
}

const SIGN_IN_COOKIE_SECONDS: i64 = 10 * 60;

#[derive(Deserialize)]
pub struct PhoneForm {
    phone: String,
    /// The page that asked for the sign-in (a path on this site), to return to.
    #[serde(default)]
    next: String,
}

/// `next` if it is a path on this site that fits in a cookie.
fn return_to(next: &str) -> Option<&str> {
    shared::url::local_path(next).filter(|n| !n.contains([';', ',', '"', '\\']))
}

/// Step 1: a phone number in, a code out by SMS.
pub async fn request_code(
    State(state): State<AppState>,
    caller: Caller,
    Form(form): Form<PhoneForm>,
) -> Response {
    let phone = match Phone::parse(&form.phone) {
        Ok(phone) => phone,
        Err(error) => {
            let code = match error {
                PhoneError::Empty => SignInProblem::PhoneEmpty,
                PhoneError::InvalidCharacters => SignInProblem::PhoneChars,
                PhoneError::WrongLength => SignInProblem::PhoneLength,
                PhoneError::NotMobile => SignInProblem::PhoneNotMobile,
            };
            let next = return_to(&form.next)
                .map(|n| format!("&next={}", shared::url::encode(n)))
                .unwrap_or_default();
            let to = format!("/sign-in?error={code}{next}#signin-error");
            return refuse(&state, &caller, &to, "sign_in", &[("phone", &form.phone)]).await;
        }
    };
    let secure = state.config.secure_cookies();
    let remember = cookies::set(
        cookies::SIGN_IN_PHONE,
        &phone.e164(),
        SIGN_IN_COOKIE_SECONDS,
        secure,
    );
    // The page that asked for the sign-in, for step 2 to return to (or nothing to return to).
    let next = match return_to(&form.next) {
        Some(next) => cookies::set(cookies::SIGN_IN_NEXT, next, SIGN_IN_COOKIE_SECONDS, secure),
        None => cookies::clear(cookies::SIGN_IN_NEXT, secure),
    };
    match services::identity::auth::request_code(&state.services, &phone, &caller.client, caller.locale).await
    {
        Ok(()) => (
            AppendHeaders([(header::SET_COOKIE, remember), (header::SET_COOKIE, next)]),
            Redirect::to("/sign-in/code"),
        )
            .into_response(),
        // The code sent a moment ago is still good: go on to the code step and say so.
        Err(AuthError::SignIn(error @ SignInError::ResendTooSoon(_))) => (
            AppendHeaders([(header::SET_COOKIE, remember), (header::SET_COOKIE, next)]),
            Redirect::to(&format!("/sign-in/code?{}", sign_in_query(error))),
        )
            .into_response(),
        Err(AuthError::SignIn(error)) => {
            Redirect::to(&format!("/sign-in?{}", sign_in_query(error))).into_response()
        }
        Err(AuthError::Service(error)) => {
            unavailable(caller.locale, "requesting a sign-in code failed", &error)
        }
    }
}

/// Sends a new code to the number of step 1.
pub async fn resend(State(state): State<AppState>, caller: Caller) -> Response {
    let Some(phone) = caller.sign_in_phone.as_deref().and_then(|p| Phone::parse(p).ok()) else {
        return Redirect::to("/sign-in").into_response();
    };
    match services::identity::auth::request_code(&state.services, &phone, &caller.client, caller.locale).await
    {
        Ok(()) => Redirect::to("/sign-in/code?sent=1").into_response(),
        Err(AuthError::SignIn(error)) => {
            Redirect::to(&format!("/sign-in/code?{}", sign_in_query(error))).into_response()
        }
        Err(AuthError::Service(error)) => {
            unavailable(caller.locale, "re-sending a sign-in code failed", &error)
        }
    }
}

#[derive(Deserialize)]
pub struct CodeForm {
    code: String,
}

/// Step 2: the code in, a session out.
pub async fn verify(State(state): State<AppState>, caller: Caller, Form(form): Form<CodeForm>) -> Response {
    let Some(phone) = caller.sign_in_phone.as_deref().and_then(|p| Phone::parse(p).ok()) else {
        return Redirect::to(&format!("/sign-in?error={}", SignInProblem::NoCode)).into_response();
    };
    let Ok(code) = OneTimeCode::parse(&form.code) else {
        return Redirect::to(&format!("/sign-in/code?error={}", SignInProblem::CodeMalformed))
            .into_response();
    };
    let result = services::identity::auth::verify_code(
        &state.services,
        &phone,
        &code,
        &caller.client,
        caller.token.as_deref(),
        caller.user_agent.as_deref(),
        caller.locale,
    )
    .await;
    let secure = state.config.secure_cookies();
    match result {
        Ok(session) => {
            let max_age = (session.expires_at - state.services.clock.now_ms()) / 1000;
            // Back to the page that asked for the sign-in; otherwise staff to their work and
            // residents to their accounts.
            let to = match caller.sign_in_next.clone() {
                Some(next) => next,
                None => match services::identity::auth::principal(&state.services, &session.token).await {
                    Ok(Some(principal)) => principal.landing().to_string(),
                    _ => "/accounts".to_string(),
                },
            };
            (
                AppendHeaders([
                    (
                        header::SET_COOKIE,
                        cookies::set(cookies::SESSION, &session.token, max_age, secure),
                    ),
                    (header::SET_COOKIE, cookies::clear(cookies::SIGN_IN_PHONE, secure)),
                    (header::SET_COOKIE, cookies::clear(cookies::SIGN_IN_NEXT, secure)),
                ]),
                Redirect::to(&to),
            )
                .into_response()
        }
        Err(AuthError::SignIn(error)) => {
            Redirect::to(&format!("/sign-in/code?{}", sign_in_query(error))).into_response()
        }
        Err(AuthError::Service(error)) => {
            unavailable(caller.locale, "verifying a sign-in code failed", &error)
        }
    }
}

/// The query string that tells the sign-in pages what went wrong, with the numbers their
/// messages need (seconds to wait, tries left).
fn sign_in_query(error: SignInError) -> String {
    match error {
        SignInError::ResendTooSoon(seconds) => {
            format!("error={}&wait={seconds}", SignInProblem::ResendTooSoon)
        }
        SignInError::RateLimited => format!("error={}", SignInProblem::RateLimited),
        SignInError::NoCode => format!("error={}", SignInProblem::NoCode),
        SignInError::Expired => format!("error={}", SignInProblem::Expired),
        SignInError::TooManyTries => format!("error={}", SignInProblem::TooManyTries),
        SignInError::WrongCode(left) => format!("error={}&left={left}", SignInProblem::WrongCode),
    }
}

/// Ends this browser's session.
pub async fn sign_out(State(state): State<AppState>, caller: Caller) -> Response {
    if let Some(token) = caller.token.as_deref()
        && let Err(error) = services::identity::auth::sign_out(&state.services, token).await
    {
        return unavailable(caller.locale, "sign-out failed", &error);
    }
    signed_out(&state)
}

/// The answer to a sign-out: the session cookie cleared, and what this browser kept for the
/// person (appeal drafts in its storage) cleared with it.
fn signed_out(state: &AppState) -> Response {
    let clear = cookies::clear(cookies::SESSION, state.config.secure_cookies());
    (
        AppendHeaders([
            (header::SET_COOKIE, clear),
            (
                header::HeaderName::from_static("clear-site-data"),
                "\"storage\"".to_string(),
            ),
        ]),
        Redirect::to("/"),
    )
        .into_response()
}

/// Ends every session of the signed-in person, on every device.
pub async fn sign_out_everywhere(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<Resident>,
) -> Response {
    if let Err(error) =
        services::identity::auth::sign_out_everywhere(&state.services, principal.user_id).await
    {
        return unavailable(caller.locale, "sign-out everywhere failed", &error);
    }
    signed_out(&state)
}
