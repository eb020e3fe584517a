//! Receptions: the public list of upcoming leaders' receptions (no sign-in), one reception
//! with its booking form, and for staff their bodies' receptions, the form that publishes
//! one, and each one's register of bookings. Every form posts to a route
//! (`server/src/http/receptions.rs`) and works without JavaScript.

use crate::api::receptions::{
    get_desk_reception, get_desk_receptions, get_reception, get_reception_choices, list_receptions,
};
use crate::components::error_box::Loading;
use crate::components::mahalla_select::MahallaSelect;
use crate::i18n::{Key, tr, trf, use_locale};
use crate::pages::appeals::form_error;
use crate::pages::{failure_view, route_id};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use shared::Locale;
use shared::geo::Names;
use shared::reception::{ReceptionKind, ReceptionProblem, ReceptionSummary};
use shared::time::format_date_time;

fn kind_key(kind: ReceptionKind) -> Key {
    match kind {
        ReceptionKind::Personal => Key::ReceptionKindPersonal,
        ReceptionKind::Field => Key::ReceptionKindField,
    }
}

fn problem_key(problem: ReceptionProblem) -> Key {
    use ReceptionProblem as P;
    match problem {
        P::Body => Key::ReceptionErrorBody,
        P::Kind => Key::ReceptionErrorKind,
        P::Host => Key::ReceptionErrorHost,
        P::Place => Key::ReceptionErrorPlace,
        P::Area => Key::ReceptionErrorArea,
        P::Mahalla => Key::ReceptionErrorMahalla,
        P::When => Key::ReceptionErrorWhen,
        P::Past => Key::ReceptionErrorPast,
        P::Slots => Key::ReceptionErrorSlots,
        P::Minutes => Key::ReceptionErrorMinutes,
        P::Topic => Key::ReceptionErrorTopic,
        P::Slot => Key::ReceptionErrorSlot,
        P::Taken => Key::ReceptionErrorTaken,
        P::Full => Key::ReceptionErrorFull,
        P::AlreadyBooked => Key::ReceptionErrorAlreadyBooked,
        P::Closed => Key::ReceptionErrorClosed,
        P::Question => Key::ReceptionErrorQuestion,
        P::Name => Key::ReceptionErrorName,
        P::RateLimited => Key::ReceptionErrorRateLimited,
        P::NoBooking => Key::ReceptionErrorNoBooking,
        P::ConfirmRequired => Key::ReceptionErrorConfirm,
        P::NotCalledOff => Key::ReceptionErrorNotCalledOff,
        P::Unavailable => Key::ReceptionErrorUnavailable,
    }
}

/// The field of a form a refusal is about (its message stands above it).
fn problem_field(problem: ReceptionProblem) -> &'static str {
    use ReceptionProblem as P;
    match problem {
        P::Body => "body",
        P::Kind => "kind",
        P::Host => "host",
        P::Place => "place",
        P::Area => "district",
        P::Mahalla => "mahalla",
        P::When | P::Past => "day",
        P::Slots => "slots",
        P::Minutes => "minutes",
        P::Topic => "topic",
        P::Slot | P::Taken | P::Full | P::AlreadyBooked | P::Closed => "slot",
        P::Question => "question",
        P::Name => "name",
        P::RateLimited | P::NoBooking | P::ConfirmRequired | P::NotCalledOff | P::Unavailable => "",
    }
}

/// Where a form shows a refusal: `error_at(field)` is its message (anchored at `id`) when the
/// refusal is about that field, nothing otherwise.
fn refusal_at(
    locale: Locale,
    problem: Option<ReceptionProblem>,
    id: &'static str,
) -> impl Fn(&'static str) -> Option<AnyView> + Copy {
    let at_fault = problem.map(problem_field);
    move |field| {
        (at_fault == Some(field)).then(|| {
            let key = problem_key(problem.unwrap_or(ReceptionProblem::Unavailable));
            form_error(id, tr(locale, key)).into_any()
        })
    }
}

/// The refusal a page's `?error=` names; a code no server wrote reads as unavailable.
fn use_problem() -> Signal<Option<ReceptionProblem>> {
    let query = use_query_map();
    Signal::derive(move || {
        query
            .read()
            .get("error")
            .map(|code| ReceptionProblem::parse(&code).unwrap_or(ReceptionProblem::Unavailable))
    })
}

/// Where a reception is: the place, and the mahalla, district and region.
fn area(locale: Locale, s: &ReceptionSummary) -> String {
    let mut parts: Vec<&str> = Vec::new();
    if let Some(m) = &s.mahalla {
        parts.push(if locale == Locale::Uz { &m.uz } else { &m.uz_cyrl });
    }
    parts.push(s.district.get(locale));
    parts.push(s.region.get(locale));
    parts.join(", ")
}

fn topics(locale: Locale, topics: &[Names]) -> String {
    topics
        .iter()
        .map(|t| t.get(locale))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A reception's state in a few words: free slots, full, or called off.
fn availability(locale: Locale, s: &ReceptionSummary) -> (String, &'static str) {
    if s.cancelled {
        (tr(locale, Key::ReceptionCalledOff).to_string(), "badge muted")
    } else if s.free == 0 {
        (tr(locale, Key::ReceptionFull).to_string(), "badge warning")
    } else {
        let text = trf(
            locale,
            Key::ReceptionFree,
            &[("free", &s.free.to_string()), ("slots", &s.slots.to_string())],
        );
        (text, "badge")
    }
}

/// A reception in a list: what, when, who, where, and whether a slot is free.
fn summary_item(locale: Locale, s: &ReceptionSummary, href: String) -> impl IntoView {
    let (free, class) = availability(locale, s);
    view! {
        <li class="reception">
            <a href=href>
                <strong>{format_date_time(s.starts_at)}" · "{s.host.clone()}</strong>
                <span class="muted">{tr(locale, kind_key(s.kind))}" · "{s.body.get(locale).to_string()}</span>
                <span>{s.place.clone()}" — "{area(locale, s)}</span>
                {(!s.topics.is_empty()).then(|| view! { <span class="muted">{topics(locale, &s.topics)}</span> })}
                <span class=class>{free}</span>
            </a>
        </li>
    }
}

#[component]
pub fn ReceptionsPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let param = move |name: &str| query.read().get(name).unwrap_or_default();
    let choices = Resource::new(|| (), |_| get_reception_choices());
    let list = Resource::new(
        move || (param("region"), param("district"), param("body")),
        |(region, district, body)| list_receptions(region, district, body.parse().unwrap_or(0)),
    );
    view! {
        <Title text=tr(locale, Key::ReceptionsTitle) />
        <h1>{tr(locale, Key::ReceptionsTitle)}</h1>
        <p class="lead">{tr(locale, Key::ReceptionsLead)}</p>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let Ok(c) = choices.await else { return ().into_any() };
                let (region, district, body) = (param("region"), param("district"), param("body"));
                view! {
                    <form class="stack filter" method="get" action="/receptions">
                        <label for="receptions-region">{tr(locale, Key::ReceptionsRegion)}</label>
                        <select id="receptions-region" name="region">
                            <option value="">{tr(locale, Key::ReceptionsAny)}</option>
                            {c.regions.iter().map(|(code, n)| view! {
                                <option value=code.clone() selected=*code == region>{n.get(locale).to_string()}</option>
                            }).collect_view()}
                        </select>
                        <label for="receptions-district">{tr(locale, Key::ReceptionsDistrict)}</label>
                        <select id="receptions-district" name="district">
                            <option value="">{tr(locale, Key::ReceptionsAny)}</option>
                            {c.regions.iter().map(|(r, rn)| view! {
                                <optgroup label=rn.get(locale).to_string()>
                                    {c.districts.iter().filter(|(code, _)| code.starts_with(r.as_str())).map(|(code, n)| view! {
                                        <option value=code.clone() selected=*code == district>{n.get(locale).to_string()}</option>
                                    }).collect_view()}
                                </optgroup>
                            }).collect_view()}
                        </select>
                        <label for="receptions-body">{tr(locale, Key::ReceptionsBody)}</label>
                        <select id="receptions-body" name="body">
                            <option value="">{tr(locale, Key::ReceptionsAny)}</option>
                            {c.bodies.iter().map(|(id, n)| view! {
                                <option value=id.to_string() selected=id.to_string() == body>{n.get(locale).to_string()}</option>
                            }).collect_view()}
                        </select>
                        <button class="button secondary" type="submit">{tr(locale, Key::ReceptionsShow)}</button>
                    </form>
                }.into_any()
            })}
        </Suspense>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let items = match list.await {
                    Ok(items) => items,
                    Err(error) => return failure_view(error),
                };
                if items.is_empty() {
                    return view! { <p class="muted">{tr(locale, Key::ReceptionsNone)}</p> }.into_any();
                }
                view! {
                    <ul class="list receptions">
                        {items.iter().map(|s| summary_item(locale, s, format!("/receptions/{}", s.id))).collect_view()}
                    </ul>
                }.into_any()
            })}
        </Suspense>
    }
}

/// What a reception is, as its pages show it above their forms.
fn details(locale: Locale, s: &ReceptionSummary) -> impl IntoView {
    let (free, class) = availability(locale, s);
    view! {
        <dl class="facts">
            <dt>{tr(locale, Key::ReceptionWhen)}</dt>
            <dd>{format_date_time(s.starts_at)}" – "{format_date_time(s.ends_at()).split(' ').nth(1).unwrap_or_default().to_string()}</dd>
            <dt>{tr(locale, Key::ReceptionHost)}</dt>
            <dd>{s.host.clone()}<br /><span class="muted">{s.body.get(locale).to_string()}</span></dd>
            <dt>{tr(locale, Key::ReceptionPlace)}</dt>
            <dd>{s.place.clone()}<br /><span class="muted">{area(locale, s)}</span></dd>
            {(!s.topics.is_empty()).then(|| view! {
                <dt>{tr(locale, Key::ReceptionTopics)}</dt>
                <dd>{topics(locale, &s.topics)}</dd>
            })}
        </dl>
        <p><span class=class>{free}</span></p>
    }
}

#[component]
pub fn ReceptionPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let id = route_id();
    let reception = Resource::new(id, get_reception);
    let kept = crate::api::kept::use_kept("reception");
    let problem = use_problem();
    view! {
        <p><a href="/receptions">"← "{tr(locale, Key::ReceptionBack)}</a></p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let r = match reception.await {
                    Ok(r) => r,
                    Err(error) => return failure_view(error),
                };
                let kept = kept.await;
                let value = move |name: &str| kept.get(name).cloned().unwrap_or_default();
                let problem = problem.get_untracked();
                let at_fault = problem.map(problem_field);
                let error_at = refusal_at(locale, problem, "booking-error");
                let s = &r.summary;
                let title = format!("{} — {}", tr(locale, kind_key(s.kind)), s.host);
                let here = format!("/receptions/{}", s.id);
                let booking = if let Some(mine) = &r.mine {
                    view! {
                        {error_at("")}
                        <p class="notice success">{trf(locale, Key::ReceptionMine, &[("when", &format_date_time(mine.at))])}</p>
                        <p class="muted">{mine.question.clone()}</p>
                        {r.open.then(|| view! {
                            <form method="post" action=format!("{here}/cancel")>
                                <button class="button secondary" type="submit">{tr(locale, Key::ReceptionCancel)}</button>
                            </form>
                        })}
                    }.into_any()
                } else if !r.open {
                    view! { {error_at("")}{error_at("slot")}<p class="notice">{tr(locale, Key::ReceptionClosed)}</p> }.into_any()
                } else if r.free_slots.is_empty() {
                    view! { {error_at("slot")}<p class="notice">{tr(locale, Key::ReceptionFull)}</p> }.into_any()
                } else if !r.signed_in {
                    view! {
                        <p><a class="button" href=format!("/sign-in?next={}", shared::url::encode(&here))>
                            {tr(locale, Key::ReceptionSignInToBook)}</a></p>
                    }.into_any()
                } else {
                    let chosen = value("slot");
                    let first = r.free_slots.first().map(|(n, _)| n.to_string()).unwrap_or_default();
                    let chosen = if r.free_slots.iter().any(|(n, _)| n.to_string() == chosen) { chosen } else { first };
                    let focus = move |field: &'static str| at_fault == Some(field);
                    view! {
                        <h2>{tr(locale, Key::ReceptionBookTitle)}</h2>
                        {error_at("")}
                        <form class="stack" method="post" action=format!("{here}/book")>
                            {error_at("slot")}
                            <label for="booking-slot">{tr(locale, Key::ReceptionSlot)}</label>
                            <select id="booking-slot" name="slot" required autofocus=focus("slot")>
                                {r.free_slots.iter().map(|(n, at)| view! {
                                    <option value=n.to_string() selected=n.to_string() == chosen>{format_date_time(*at)}</option>
                                }).collect_view()}
                            </select>
                            {error_at("name")}
                            <label for="booking-name">{tr(locale, Key::ReceptionName)}</label>
                            <input id="booking-name" name="name" type="text" maxlength="200" required autocomplete="name"
                                value=Some(value("name")).filter(|n| !n.is_empty()).or(r.name.clone()).unwrap_or_default()
                                autofocus=focus("name") />
                            {error_at("question")}
                            <label for="booking-question">{tr(locale, Key::ReceptionQuestion)}</label>
                            <textarea id="booking-question" name="question" rows="3" maxlength="1000" required
                                autofocus=focus("question")>{value("question")}</textarea>
                            <button class="button" type="submit">{tr(locale, Key::ReceptionBook)}</button>
                        </form>
                    }.into_any()
                };
                view! {
                    <Title text=title.clone() />
                    <h1>{title}</h1>
                    {query.read_untracked().get("booked").map(|_| view! { <p class="notice success" role="status">{tr(locale, Key::ReceptionBooked)}</p> })}
                    {query.read_untracked().get("cancelled").map(|_| view! { <p class="notice success" role="status">{tr(locale, Key::ReceptionCancelled)}</p> })}
                    {details(locale, s)}
                    {booking}
                }.into_any()
            })}
        </Suspense>
    }
}

#[component]
pub fn DeskReceptionsPage() -> impl IntoView {
    let locale = use_locale();
    let desk = Resource::new(|| (), |_| get_desk_receptions());
    let kept = crate::api::kept::use_kept("reception_publish");
    let problem = use_problem();
    view! {
        <Title text=tr(locale, Key::DeskReceptionsTitle) />
        <h1>{tr(locale, Key::DeskReceptionsTitle)}</h1>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let d = match desk.await {
                    Ok(d) => d,
                    Err(error) => return failure_view(error),
                };
                let kept = kept.await;
                let value = move |name: &str| kept.get(name).cloned().unwrap_or_default();
                let problem = problem.get_untracked();
                let at_fault = problem.map(problem_field);
                let error_at = refusal_at(locale, problem, "reception-error");
                let focus = move |field: &'static str| at_fault == Some(field);
                let district = RwSignal::new(value("district"));
                let chosen_mahalla = value("mahalla");
                // The topics ticked on a refused form (kept as their codes, space-separated).
                let ticked: Vec<String> = value("topics").split_whitespace().map(str::to_string).collect();
                let kind = value("kind");
                let body = value("body");
                let list = |items: &[ReceptionSummary]| {
                    if items.is_empty() {
                        return view! { <p class="muted">{tr(locale, Key::DeskReceptionsNone)}</p> }.into_any();
                    }
                    view! {
                        <ul class="list receptions">
                            {items.iter().map(|s| summary_item(locale, s, format!("/desk/receptions/{}", s.id))).collect_view()}
                        </ul>
                    }.into_any()
                };
                view! {
                    <h2>{tr(locale, Key::DeskReceptionsUpcoming)}</h2>
                    {list(&d.upcoming)}
                    {(!d.bodies.is_empty()).then(|| view! {
                    <details class="new-reception" open=problem.is_some()>
                        <summary>{tr(locale, Key::DeskReceptionsNew)}</summary>
                        {error_at("")}
                        <form class="stack" method="post" action="/desk/receptions">
                            {error_at("body")}
                            <label for="reception-body">{tr(locale, Key::DeskReceptionsBody)}</label>
                            <select id="reception-body" name="body" required autofocus=focus("body")>
                                {d.bodies.iter().map(|(id, n)| view! {
                                    <option value=id.to_string() selected=id.to_string() == body>{n.get(locale).to_string()}</option>
                                }).collect_view()}
                            </select>
                            {error_at("kind")}
                            <label for="reception-kind">{tr(locale, Key::DeskReceptionsKind)}</label>
                            <select id="reception-kind" name="kind" autofocus=focus("kind")>
                                {ReceptionKind::ALL.iter().map(|k| view! {
                                    <option value=k.code() selected=k.code() == kind>{tr(locale, kind_key(*k))}</option>
                                }).collect_view()}
                            </select>
                            {error_at("host")}
                            <label for="reception-host">{tr(locale, Key::ReceptionHost)}</label>
                            <input id="reception-host" name="host" type="text" maxlength="200" required value=value("host") autofocus=focus("host") />
                            {error_at("place")}
                            <label for="reception-place">{tr(locale, Key::ReceptionPlace)}</label>
                            <input id="reception-place" name="place" type="text" maxlength="300" required value=value("place") autofocus=focus("place") />
                            {error_at("district")}
                            <label for="reception-district">{tr(locale, Key::ReceptionsDistrict)}</label>
                            <select id="reception-district" name="district" required autofocus=focus("district")
                                on:change=move |ev| district.set(event_target_value(&ev))>
                                <option value="">"—"</option>
                                {d.regions.iter().map(|(r, rn)| view! {
                                    <optgroup label=rn.get(locale).to_string()>
                                        {d.districts.iter().filter(|(code, _)| code.starts_with(r.as_str())).map(|(code, n)| view! {
                                            <option value=code.clone() selected=*code == district.get_untracked()>{n.get(locale).to_string()}</option>
                                        }).collect_view()}
                                    </optgroup>
                                }).collect_view()}
                            </select>
                            {error_at("mahalla")}
                            <label for="reception-mahalla">{tr(locale, Key::DeskReceptionsMahalla)}</label>
                            <MahallaSelect id="reception-mahalla" district=district chosen=chosen_mahalla autofocus=focus("mahalla") />
                            {error_at("day")}
                            <label for="reception-day">{tr(locale, Key::DeskReceptionsDay)}</label>
                            <input id="reception-day" name="day" type="date" required value=value("day") autofocus=focus("day") />
                            <label for="reception-time">{tr(locale, Key::DeskReceptionsTime)}</label>
                            <input id="reception-time" name="time" type="time" required value=value("time") />
                            {error_at("slots")}
                            <label for="reception-slots">{tr(locale, Key::DeskReceptionsSlots)}</label>
                            <input id="reception-slots" name="slots" type="number" min="1" max="200" required
                                value=Some(value("slots")).filter(|v| !v.is_empty()).unwrap_or_else(|| "10".into()) autofocus=focus("slots") />
                            {error_at("minutes")}
                            <label for="reception-minutes">{tr(locale, Key::DeskReceptionsMinutes)}</label>
                            <input id="reception-minutes" name="minutes" type="number" min="5" max="120" required
                                value=Some(value("minutes")).filter(|v| !v.is_empty()).unwrap_or_else(|| "15".into()) autofocus=focus("minutes") />
                            {error_at("topic")}
                            <fieldset>
                                <legend>{tr(locale, Key::ReceptionTopics)}</legend>
                                {d.topics.iter().map(|(code, n)| view! {
                                    <label class="check"><input type="checkbox" name="topic" value=code.clone()
                                        checked=ticked.contains(code) />{n.get(locale).to_string()}</label>
                                }).collect_view()}
                            </fieldset>
                            <button class="button" type="submit">{tr(locale, Key::DeskReceptionsPublish)}</button>
                        </form>
                    </details>
                    })}
                    <h2>{tr(locale, Key::DeskReceptionsPast)}</h2>
                    {list(&d.past)}
                }.into_any()
            })}
        </Suspense>
    }
}

#[component]
pub fn DeskReceptionPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let id = route_id();
    let reception = Resource::new(id, get_desk_reception);
    let problem = use_problem();
    view! {
        <p><a href="/desk/receptions">"← "{tr(locale, Key::DeskReceptionsTitle)}</a></p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let r = match reception.await {
                    Ok(r) => r,
                    Err(error) => return failure_view(error),
                };
                let s = &r.summary;
                let title = format!("{} — {}", tr(locale, kind_key(s.kind)), s.host);
                let open = r.open && r.manages;
                view! {
                    <Title text=title.clone() />
                    <h1>{title}</h1>
                    {query.read_untracked().get("published").map(|_| view! { <p class="notice success" role="status">{tr(locale, Key::DeskReceptionsPublished)}</p> })}
                    {query.read_untracked().get("called_off").map(|_| view! { <p class="notice success" role="status">{tr(locale, Key::DeskReceptionsCalledOff)}</p> })}
                    <p><a href=format!("/receptions/{}", s.id)>{tr(locale, Key::ReceptionBack)}" →"</a></p>
                    {details(locale, s)}
                    <h2>{tr(locale, Key::DeskReceptionsBookings)}</h2>
                    {if r.bookings.is_empty() {
                        view! { <p class="muted">{tr(locale, Key::DeskReceptionsNoBookings)}</p> }.into_any()
                    } else {
                        view! {
                            <ol class="list bookings">
                                {r.bookings.iter().map(|b| view! {
                                    <li>
                                        <strong>{format_date_time(b.at)}" · "{b.name.clone()}</strong>
                                        <span class="muted">{b.phone.clone()}</span>
                                        <span>{b.question.clone()}</span>
                                    </li>
                                }).collect_view()}
                            </ol>
                        }.into_any()
                    }}
                    {(open || (r.manages && problem.get_untracked().is_some())).then(|| view! {
                        <form id="call-off" class="stack" method="post" action=format!("/desk/receptions/{}/cancel", s.id)>
                            {problem.get_untracked().map(|p| form_error("call-off-error", tr(locale, problem_key(p))))}
                            <label class="check"><input type="checkbox" name="confirm" value="yes" required />
                                {tr(locale, Key::DeskReceptionsCallOffConfirm)}</label>
                            <button class="button danger" type="submit">{tr(locale, Key::DeskReceptionsCallOff)}</button>
                        </form>
                    })}
                }.into_any()
            })}
        </Suspense>
    }
}
