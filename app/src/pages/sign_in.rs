//! Sign-in in two steps: the phone number, then the code from the SMS. Plain forms posting
//! to `/auth/*`, so they work before hydration and without JavaScript.

use crate::api::me::sign_in_phone;
use crate::i18n::{Key, tr, trf, use_locale};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use shared::auth::SignInProblem;

fn query(name: &'static str) -> impl Fn() -> Option<String> + Copy {
    let map = use_query_map();
    move || map.read().get(name)
}

fn problem_key(problem: SignInProblem) -> Key {
    match problem {
        SignInProblem::PhoneEmpty => Key::SigninErrorPhoneEmpty,
        SignInProblem::PhoneChars => Key::SigninErrorPhoneChars,
        SignInProblem::PhoneLength => Key::SigninErrorPhoneLength,
        SignInProblem::PhoneNotMobile => Key::SigninErrorPhoneNotMobile,
        SignInProblem::RateLimited => Key::SigninErrorRateLimited,
        SignInProblem::Again => Key::SigninErrorAgain,
        SignInProblem::ResendTooSoon => Key::SigninErrorResendTooSoon,
        SignInProblem::NoCode => Key::SigninErrorNoCode,
        SignInProblem::Expired => Key::SigninErrorExpired,
        SignInProblem::TooManyTries => Key::SigninErrorTooManyTries,
        SignInProblem::WrongCode => Key::SigninErrorWrongCode,
        SignInProblem::CodeMalformed => Key::SigninErrorCodeMalformed,
    }
}

/// The message for a `?error=` code; a code no server wrote shows nothing.
fn error_key(code: &str) -> Option<Key> {
    SignInProblem::parse(code).map(problem_key)
}

/// The message for `?error=…`, with its numbers from `?left=` and `?wait=`.
#[component]
fn SignInError() -> impl IntoView {
    let locale = use_locale();
    let (error, left, wait) = (query("error"), query("left"), query("wait"));
    move || {
        let key = error().as_deref().and_then(error_key)?;
        let text = trf(
            locale,
            key,
            &[
                ("left", &left().unwrap_or_default()),
                ("seconds", &wait().unwrap_or_default()),
            ],
        );
        Some(view! { <p class="notice error" role="alert" id="signin-error" tabindex="-1">{text}</p> })
    }
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let locale = use_locale();
    // A refused number comes back as typed (kept on the server), focused for correction.
    let kept = crate::api::kept::use_kept("sign_in");
    let refused = query("error");
    let next = query("next");
    view! {
        <Title text=tr(locale, Key::SigninTitle) />
        <h1>{tr(locale, Key::SigninTitle)}</h1>
        <p>{tr(locale, Key::SigninLead)}</p>
        <SignInError />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let typed = kept.await.get("phone").cloned().unwrap_or_default();
                view! {
                    <form class="stack" method="post" action="/auth/code">
                        {next().map(|next| view! { <input type="hidden" name="next" value=next /> })}
                        <label for="phone">{tr(locale, Key::SigninPhone)}</label>
                        <input
                            id="phone"
                            name="phone"
                            type="tel"
                            inputmode="tel"
                            autocomplete="tel"
                            required
                            placeholder="+998 90 123 45 67"
                            aria-describedby="phone-hint"
                            value=typed
                            autofocus=refused().is_some()
                        />
                        <small id="phone-hint" class="muted">{tr(locale, Key::SigninPhoneHint)}</small>
                        <button class="button" type="submit">{tr(locale, Key::SigninSend)}</button>
                    </form>
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn SignInCodePage() -> impl IntoView {
    let locale = use_locale();
    let phone = Resource::new(|| (), |_| sign_in_phone());
    let sent = query("sent");
    view! {
        <Title text=tr(locale, Key::SigninCodeTitle) />
        <h1>{tr(locale, Key::SigninCodeTitle)}</h1>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match phone.await {
                    Ok(Some(masked)) => view! {
                        <p class="phone-sent">{trf(locale, Key::SigninCodeSentTo, &[("phone", &masked)])}</p>
                    }.into_any(),
                    _ => view! {
                        <p class="notice error" role="alert">{tr(locale, Key::SigninErrorNoCode)}</p>
                    }.into_any(),
                }
            })}
        </Suspense>
        {move || sent().map(|_| view! { <p class="notice">{tr(locale, Key::SigninSentAgain)}</p> })}
        <SignInError />
        <form class="stack" method="post" action="/auth/verify">
            <label for="code">{tr(locale, Key::SigninCode)}</label>
            <input
                id="code"
                name="code"
                type="text"
                inputmode="numeric"
                autocomplete="one-time-code"
                pattern="[0-9 ]*"
                maxlength="7"
                required
            />
            <button class="button" type="submit">{tr(locale, Key::SigninVerify)}</button>
        </form>
        <div class="row">
            <form method="post" action="/auth/resend">
                <button class="link-button" type="submit">{tr(locale, Key::SigninResend)}</button>
            </form>
            <a href="/sign-in">{tr(locale, Key::SigninOtherNumber)}</a>
        </div>
    }
}
