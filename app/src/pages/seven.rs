//! The mahalla seven: the People's Reception (or an administrator) names each member of a
//! mahalla's seven by phone and role; members and a collective appeal's confirmed co-signers
//! give or refuse consent to close it, each word confirmed with an SMS code. Every form posts
//! to a route (`server/src/http/appeals/seven.rs`) and works without JavaScript.

use crate::api::appeals::{get_consent_cases, get_mahalla_seven};
use crate::components::error_box::Loading;
use crate::components::mahalla_select::MahallaSelect;
use crate::i18n::{Key, tr, trf, use_locale};
use crate::pages::appeals::{consent_role_key, form_error, status_key};
use crate::pages::failure_view;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use shared::appeal::{ConsentRole, SevenProblem};
use shared::time::format_date_time;

fn problem_key(problem: SevenProblem) -> Key {
    use SevenProblem as P;
    match problem {
        P::Mahalla => Key::SevenErrorMahalla,
        P::Role => Key::SevenErrorRole,
        P::Name => Key::SevenErrorName,
        P::Phone => Key::SevenErrorPhone,
        P::NotYours => Key::SevenErrorNotYours,
        P::Consent => Key::SevenErrorConsent,
        P::Code => Key::SevenErrorCode,
        P::CodeExpired => Key::SevenErrorCodeExpired,
        P::TooManyTries => Key::SevenErrorTooManyTries,
        P::NoCode => Key::SevenErrorNoCode,
        P::RateLimited => Key::SevenErrorRateLimited,
        P::Unavailable => Key::SevenErrorUnavailable,
    }
}

/// The field of the naming form a refusal is about: its message stands above it, and it takes
/// the focus; other refusals head the form.
fn problem_field(problem: SevenProblem) -> &'static str {
    match problem {
        SevenProblem::Role => "role",
        SevenProblem::Name => "name",
        SevenProblem::Phone => "phone",
        _ => "",
    }
}

/// The refusal the page's `?error=` names; a code no server wrote reads as unavailable.
fn refusal(code: Option<String>) -> Option<SevenProblem> {
    code.map(|c| SevenProblem::parse(&c).unwrap_or(SevenProblem::Unavailable))
}

#[component]
pub fn SevenPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let param = move |name: &str| query.read_untracked().get(name).unwrap_or_default();
    let desk = Resource::new(
        move || query.read().get("mahalla").unwrap_or_default(),
        get_mahalla_seven,
    );
    let kept = crate::api::kept::use_kept("seven");
    view! {
        <Title text=tr(locale, Key::SevenTitle) />
        <p><a href="/desk">"← "{tr(locale, Key::DeskTitle)}</a></p>
        <h1>{tr(locale, Key::SevenTitle)}</h1>
        <p class="lead">{tr(locale, Key::SevenLead)}</p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let d = match desk.await {
                    Ok(d) => d,
                    Err(error) => return failure_view(error),
                };
                let kept = kept.await;
                let value = move |name: &str| kept.get(name).cloned().unwrap_or_default();
                let problem = refusal(query.read_untracked().get("error"));
                let at_fault = problem.map(problem_field);
                // The message above the field at fault (or heading the form), which takes the focus.
                let error_at = move |field: &'static str| {
                    (at_fault == Some(field)).then(|| problem.map(|p| form_error("seven-error", tr(locale, problem_key(p)))))
                };
                let focus = move |field: &'static str| at_fault == Some(field);
                let district = RwSignal::new(param("district"));
                let chosen = d.mahalla.as_ref().map(|(code, _)| code.clone()).unwrap_or_default();
                let (district_now, mahalla_now) = (param("district"), chosen.clone());
                view! {
                    // Without JavaScript the district is shown first, then its mahallas.
                    <form class="stack filter" method="get" action="/desk/mahalla-seven">
                        <label for="seven-district">{tr(locale, Key::ReceptionsDistrict)}</label>
                        <select id="seven-district" name="district" required on:change=move |ev| district.set(event_target_value(&ev))>
                            <option value="">"—"</option>
                            {d.regions.iter().map(|(r, rn)| view! {
                                <optgroup label=rn.get(locale).to_string()>
                                    {d.districts.iter().filter(|(code, _)| code.starts_with(r.as_str())).map(|(code, n)| view! {
                                        <option value=code.clone() selected=*code == district.get_untracked()>{n.get(locale).to_string()}</option>
                                    }).collect_view()}
                                </optgroup>
                            }).collect_view()}
                        </select>
                        <label for="seven-mahalla">{tr(locale, Key::ReadingMahalla)}</label>
                        <MahallaSelect id="seven-mahalla" district=district chosen=chosen />
                        <button class="button secondary" type="submit">{tr(locale, Key::SevenShow)}</button>
                    </form>
                    {d.mahalla.clone().map(|(code, name)| {
                        let mahalla_name = if locale == shared::Locale::Uz { name.uz.clone() } else { name.uz_cyrl.clone() };
                        let (district_now, mahalla_now) = (district_now.clone(), mahalla_now.clone());
                        view! {
                            <h2 id="members">{tr(locale, Key::SevenMembers)}" — "{mahalla_name}</h2>
                            {query.read_untracked().get("named").map(|_| view! { <p class="notice success" role="status">{tr(locale, Key::SevenSaved)}</p> })}
                            {query.read_untracked().get("removed").map(|_| view! { <p class="notice success" role="status">{tr(locale, Key::SevenRemoved)}</p> })}
                            {if d.members.is_empty() {
                                view! { <p class="muted">{tr(locale, Key::SevenNone)}</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="list seven">
                                        {d.members.iter().map(|m| view! {
                                            <li>
                                                <strong>{tr(locale, consent_role_key(m.role))}": "{m.name.clone()}</strong>
                                                <span class="muted">{m.phone.clone()}" · "{format_date_time(m.named_at)}</span>
                                                <form method="post" action=format!("/desk/mahalla-seven/{}/remove", m.id)>
                                                    <input type="hidden" name="district" value=district_now.clone() />
                                                    <input type="hidden" name="mahalla" value=mahalla_now.clone() />
                                                    <button class="link-button" type="submit">{tr(locale, Key::SevenRemove)}</button>
                                                </form>
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                            <form class="stack" method="post" action="/desk/mahalla-seven">
                                <h3>{tr(locale, Key::SevenAdd)}</h3>
                                {error_at("")}
                                <input type="hidden" name="district" value=district_now />
                                <input type="hidden" name="mahalla" value=code />
                                {error_at("role")}
                                <label for="seven-role">{tr(locale, Key::SevenRole)}</label>
                                <select id="seven-role" name="role" required autofocus=focus("role")>
                                    {ConsentRole::ALL.iter().filter(|r| r.of_mahalla_seven()).map(|r| view! {
                                        <option value=r.code() selected=r.code() == value("role")>{tr(locale, consent_role_key(*r))}</option>
                                    }).collect_view()}
                                </select>
                                {error_at("name")}
                                <label for="seven-name">{tr(locale, Key::SevenName)}</label>
                                <input id="seven-name" name="name" type="text" maxlength="200" required value=value("name")
                                    autofocus=focus("name") />
                                {error_at("phone")}
                                <label for="seven-phone">{tr(locale, Key::SevenPhone)}</label>
                                <input id="seven-phone" name="phone" type="tel" inputmode="tel" maxlength="20" required value=value("phone")
                                    autofocus=focus("phone") />
                                <button class="button" type="submit">{tr(locale, Key::SevenSave)}</button>
                            </form>
                        }
                    })}
                }.into_any()
            })}
        </Suspense>
    }
}

#[component]
pub fn ConsentsPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let cases = Resource::new(|| (), |_| get_consent_cases());
    view! {
        <Title text=tr(locale, Key::ConsentsTitle) />
        <h1>{tr(locale, Key::ConsentsTitle)}</h1>
        <p class="lead">{tr(locale, Key::ConsentsLead)}</p>
        {move || query.read().get("done").map(|_| view! { <p class="notice success" role="status">{tr(locale, Key::ConsentsDone)}</p> })}
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let list = match cases.await {
                    Ok(list) => list,
                    Err(error) => return failure_view(error),
                };
                if list.is_empty() {
                    return view! { <p class="muted">{tr(locale, Key::ConsentsNone)}</p> }.into_any();
                }
                let q = query.read_untracked();
                let asked: Option<i64> = q.get("appeal").and_then(|a| a.parse().ok());
                let (asked_role, asked_word) = (q.get("role").unwrap_or_default(), q.get("consent").unwrap_or_default());
                let sent = q.get("sent").is_some();
                let problem = refusal(q.get("error"));
                view! {
                    <ul class="list consents">
                        {list.into_iter().map(|c| {
                            let here = asked == Some(c.appeal) && asked_role == c.role.code();
                            let said = c.said.map(|yes| tr(locale, if yes { Key::ConsentsSaidYes } else { Key::ConsentsSaidNo }));
                            let word = |consent: &'static str, key: Key| view! {
                                <form method="post" action=format!("/consents/{}/code", c.appeal)>
                                    <input type="hidden" name="role" value=c.role.code() />
                                    <input type="hidden" name="consent" value=consent />
                                    <button class=if consent == "yes" { "button" } else { "button secondary" } type="submit">{tr(locale, key)}</button>
                                </form>
                            };
                            view! {
                                <li id=format!("case-{}", c.appeal) class="consent-case stack">
                                    <strong>{c.number.clone()}" · "{c.subject.clone()}</strong>
                                    <span class="muted">{c.body.get(locale).to_string()}" · "{tr(locale, status_key(c.status))}</span>
                                    <span>{trf(locale, Key::ConsentsAs, &[("role", tr(locale, consent_role_key(c.role)))])}</span>
                                    {c.answer.clone().map(|a| view! {
                                        <details><summary>{tr(locale, Key::ConsentsAnswer)}</summary><p>{a}</p></details>
                                    })}
                                    {said.map(|s| view! { <span class="badge">{s}</span> })}
                                    {(here && problem.is_some()).then(|| problem.map(|p| form_error("consent-error", tr(locale, problem_key(p)))))}
                                    {if here && sent {
                                        view! {
                                            <p class="notice" role="status">{tr(locale, Key::ConsentsCodeSent)}</p>
                                            <form class="row" method="post" action=format!("/consents/{}", c.appeal)>
                                                <input type="hidden" name="role" value=c.role.code() />
                                                <input type="hidden" name="consent" value=asked_word.clone() />
                                                <label for=format!("consent-code-{}", c.appeal)>{tr(locale, Key::ConsentsCode)}</label>
                                                <input id=format!("consent-code-{}", c.appeal) name="code" type="text" inputmode="numeric"
                                                    autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required autofocus=true />
                                                <button class="button" type="submit">{tr(locale, Key::ConsentsConfirm)}</button>
                                            </form>
                                        }.into_any()
                                    } else {
                                        view! {
                                            <div class="row">
                                                {word("yes", Key::ConsentsAgree)}
                                                {word("no", Key::ConsentsDisagree)}
                                            </div>
                                        }.into_any()
                                    }}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            })}
        </Suspense>
    }
}
