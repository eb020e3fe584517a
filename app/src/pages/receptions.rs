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
use shared::reception::{
    DeskReception, ReceptionKind, ReceptionProblem, ReceptionSummary, Signature, Visit, VisitOutcome,
};
use shared::time::format_date_time;

fn kind_key(kind: ReceptionKind) -> Key {
    match kind {
        ReceptionKind::Personal => Key::ReceptionKindPersonal,
        ReceptionKind::Field => Key::ReceptionKindField,
    }
}

pub fn problem_key(problem: ReceptionProblem) -> Key {
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
        P::NotBegun => Key::ReceptionErrorNotBegun,
        P::Address => Key::ReceptionErrorAddress,
        P::Phone => Key::ReceptionErrorPhone,
        P::Summary => Key::ReceptionErrorSummary,
        P::Outcome => Key::ReceptionErrorOutcome,
        P::Resolution => Key::ReceptionErrorResolution,
        P::Booking => Key::ReceptionErrorBooking,
        P::EntryKey => Key::ReceptionErrorEntryKey,
        P::Code => Key::ReceptionErrorCode,
        P::CodeExpired => Key::ReceptionErrorCodeExpired,
        P::TooManyTries => Key::ReceptionErrorTooManyTries,
        P::AlreadySigned => Key::ReceptionErrorAlreadySigned,
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
        P::Address => "address",
        P::Phone => "phone",
        P::Summary => "summary",
        P::Outcome => "outcome",
        P::Resolution => "resolution",
        P::Booking => "slot",
        P::RateLimited
        | P::NoBooking
        | P::ConfirmRequired
        | P::NotCalledOff
        | P::Unavailable
        | P::NotBegun
        | P::EntryKey
        | P::Code
        | P::CodeExpired
        | P::TooManyTries
        | P::AlreadySigned => "",
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
    use_problem_in("error")
}

/// The refusal the query parameter `name` names (a page with several forms gives each its
/// own).
fn use_problem_in(name: &'static str) -> Signal<Option<ReceptionProblem>> {
    let query = use_query_map();
    Signal::derive(move || {
        query
            .read()
            .get(name)
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

/// A reception's state in a few words: free slots, full, called off; once over, held (with
/// the issues registered) or not.
fn availability(locale: Locale, s: &ReceptionSummary) -> (String, &'static str) {
    if s.held_at.is_some() {
        let text = trf(locale, Key::ReceptionHeld, &[("visits", &s.visits.to_string())]);
        (text, "badge success")
    } else if s.cancelled {
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

/// A reception in a list: what, when, who, where, and whether a slot is free (or, in the
/// list of past ones, whether it was held).
fn summary_item(locale: Locale, s: &ReceptionSummary, href: String, past: bool) -> impl IntoView {
    let (free, class) = if past && s.held_at.is_none() && !s.cancelled {
        (tr(locale, Key::ReceptionNotHeld).to_string(), "badge warning")
    } else {
        availability(locale, s)
    };
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
                        {items.iter().map(|s| summary_item(locale, s, format!("/receptions/{}", s.id), false)).collect_view()}
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
                let list = |items: &[ReceptionSummary], past: bool| {
                    if items.is_empty() {
                        return view! { <p class="muted">{tr(locale, Key::DeskReceptionsNone)}</p> }.into_any();
                    }
                    view! {
                        <ul class="list receptions">
                            {items.iter().map(|s| summary_item(locale, s, format!("/desk/receptions/{}", s.id), past)).collect_view()}
                        </ul>
                    }.into_any()
                };
                view! {
                    <h2>{tr(locale, Key::DeskReceptionsUpcoming)}</h2>
                    {list(&d.upcoming, false)}
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
                    {list(&d.past, true)}
                }.into_any()
            })}
        </Suspense>
    }
}

/// The reception's facts at the head of its protocol: label and value.
pub fn protocol_head(locale: Locale, r: &DeskReception) -> Vec<(String, String)> {
    let s = &r.summary;
    let held = match s.held_at {
        Some(at) => trf(locale, Key::ProtocolHeldAt, &[("when", &format_date_time(at))]),
        None => tr(locale, Key::ProtocolNotMarked).to_string(),
    };
    vec![
        (
            tr(locale, Key::DeskReceptionsKind).to_string(),
            tr(locale, kind_key(s.kind)).to_string(),
        ),
        (
            tr(locale, Key::ReceptionHost).to_string(),
            format!("{} — {}", s.host, s.body.get(locale)),
        ),
        (
            tr(locale, Key::ReceptionPlace).to_string(),
            format!("{}, {}", s.place, area(locale, s)),
        ),
        (
            tr(locale, Key::ReceptionWhen).to_string(),
            format_date_time(s.starts_at),
        ),
        (tr(locale, Key::ProtocolOutcome).to_string(), held),
        (
            tr(locale, Key::RegisterTitle).to_string(),
            trf(
                locale,
                Key::ProtocolCount,
                &[("count", &r.visits.len().to_string())],
            ),
        ),
    ]
}

/// One issue in the protocol: a heading (number, visitor) and its rows.
pub struct ProtocolEntry {
    pub heading: String,
    pub rows: Vec<(String, String)>,
}

/// What came of an issue, in words.
fn outcome_text(locale: Locale, v: &Visit) -> String {
    match (v.outcome, &v.appeal, v.signed) {
        (VisitOutcome::Resolved, _, _) => format!(
            "{}: {}",
            tr(locale, Key::RegisterOutcomeResolved),
            v.resolution.clone().unwrap_or_default()
        ),
        (VisitOutcome::Appeal, Some(number), signed) => {
            let how = match signed {
                Some(Signature::Paper) => tr(locale, Key::VisitSignedPaper),
                _ => tr(locale, Key::VisitSignedSms),
            };
            format!("{} ({how})", trf(locale, Key::VisitAppeal, &[("number", number)]))
        }
        (VisitOutcome::Appeal, None, _) => tr(locale, Key::VisitAwaiting).to_string(),
    }
}

/// Each issue registered, numbered, as the protocol lists them: who (booked or walk-in),
/// where they live, the issue, and what came of it.
pub fn protocol_entries(locale: Locale, r: &DeskReception) -> Vec<ProtocolEntry> {
    r.visits
        .iter()
        .enumerate()
        .map(|(n, v)| {
            let came = match v.slot {
                Some(slot) => trf(
                    locale,
                    Key::VisitBooked,
                    &[("when", &format_date_time(r.summary.slot_start(slot)))],
                ),
                None => tr(locale, Key::VisitWalkIn).to_string(),
            };
            let issue = match &v.topic {
                Some(t) => format!("{} — {}", t.get(locale), v.summary),
                None => v.summary.clone(),
            };
            ProtocolEntry {
                heading: format!("{}. {} ({came}, {})", n + 1, v.name, format_date_time(v.at)),
                rows: vec![
                    (tr(locale, Key::RegisterAddress).to_string(), v.address.clone()),
                    (tr(locale, Key::ProtocolIssue).to_string(), issue),
                    (
                        tr(locale, Key::ProtocolOutcome).to_string(),
                        outcome_text(locale, v),
                    ),
                ],
            }
        })
        .collect()
}

/// A registered issue on the reception's page; one waiting for the visitor offers the code
/// and the paper signature.
fn visit_item(
    locale: Locale,
    s: &ReceptionSummary,
    manages: bool,
    v: &Visit,
    problem: Option<ReceptionProblem>,
) -> impl IntoView {
    let id = format!("visit-{}", v.id);
    let came = match v.slot {
        Some(slot) => trf(
            locale,
            Key::VisitBooked,
            &[("when", &format_date_time(s.slot_start(slot)))],
        ),
        None => tr(locale, Key::VisitWalkIn).to_string(),
    };
    let action = format!("/desk/receptions/{}/visits/{}/confirm", s.id, v.id);
    let waiting = (manages && v.awaiting()).then(|| {
        let code_id = format!("visit-code-{}", v.id);
        view! {
            {problem.map(|p| form_error("visit-error", tr(locale, problem_key(p))))}
            <form class="row" method="post" action=action.clone()>
                <label for=code_id.clone()>{tr(locale, Key::VisitCode)}</label>
                <input id=code_id name="code" type="text" inputmode="numeric" autocomplete="one-time-code"
                    pattern="[0-9]{6}" maxlength="6" required autofocus=problem.is_some() />
                <button class="button" type="submit">{tr(locale, Key::VisitConfirm)}</button>
            </form>
            <form method="post" action=action>
                <input type="hidden" name="paper" value="yes" />
                <button class="link-button" type="submit">{tr(locale, Key::VisitPaper)}</button>
            </form>
        }
    });
    view! {
        <li id=id class="visit">
            <strong>{v.name.clone()}</strong>
            <span class="muted">{came}" · "{format_date_time(v.at)}{v.phone.clone().map(|p| format!(" · {p}"))}</span>
            <span class="muted">{v.address.clone()}</span>
            <span>{v.topic.as_ref().map(|t| format!("{} — ", t.get(locale)))}{v.summary.clone()}</span>
            <span class=if v.awaiting() { "badge warning" } else { "badge" }>{outcome_text(locale, v)}</span>
            {waiting}
        </li>
    }
}

/// The register's form: who came (booked or walk-in), the issue, and what came of it. It
/// posts like any form without JavaScript; with it, each entry is kept on the device and
/// sent when the connection allows (`browser::register`).
fn register_form(
    locale: Locale,
    r: &DeskReception,
    kept: std::collections::BTreeMap<String, String>,
    problem: Option<ReceptionProblem>,
    on_entry: impl Fn() + 'static,
) -> impl IntoView {
    let value = move |name: &str| kept.get(name).cloned().unwrap_or_default();
    let error_at = refusal_at(locale, problem, "register-error");
    let at_fault = problem.map(problem_field);
    let focus = move |field: &'static str| at_fault == Some(field);
    let outcome = value("outcome");
    let slot = value("slot");
    let topic = value("topic");
    // A refused form keeps its key: sent again, the entry is still stored once.
    let key = Some(value("key"))
        .filter(|k| !k.is_empty())
        .unwrap_or_else(|| r.entry_key.clone());
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        if cfg!(feature = "hydrate") {
            ev.prevent_default();
            on_entry();
        }
    };
    view! {
        <form id="register-form" class="stack" method="post" action=format!("/desk/receptions/{}/visits", r.summary.id)
            on:submit=on_submit>
            <h3>{tr(locale, Key::RegisterAdd)}</h3>
            {error_at("")}
            <input type="hidden" name="key" value=key />
            {error_at("slot")}
            <label for="register-slot">{tr(locale, Key::RegisterVisitor)}</label>
            <select id="register-slot" name="slot" autofocus=focus("slot")>
                <option value="">{tr(locale, Key::RegisterWalkIn)}</option>
                {r.bookings.iter().map(|b| view! {
                    <option value=b.slot.to_string() selected=b.slot.to_string() == slot>
                        {format!("{} · {}", format_date_time(b.at), b.name)}
                    </option>
                }).collect_view()}
            </select>
            {error_at("name")}
            <label for="register-name">{tr(locale, Key::ReceptionName)}</label>
            <input id="register-name" name="name" type="text" maxlength="200" value=value("name") autofocus=focus("name") />
            {error_at("address")}
            <label for="register-address">{tr(locale, Key::RegisterAddress)}</label>
            <input id="register-address" name="address" type="text" maxlength="300" required value=value("address") autofocus=focus("address") />
            {error_at("phone")}
            <label for="register-phone">{tr(locale, Key::RegisterPhone)}</label>
            <input id="register-phone" name="phone" type="tel" inputmode="tel" maxlength="20" value=value("phone") autofocus=focus("phone") />
            {error_at("topic")}
            <label for="register-topic">{tr(locale, Key::RegisterTopic)}</label>
            <select id="register-topic" name="topic" autofocus=focus("topic")>
                <option value="">"—"</option>
                {r.all_topics.iter().map(|(code, n)| view! {
                    <option value=code.clone() selected=*code == topic>{n.get(locale).to_string()}</option>
                }).collect_view()}
            </select>
            {error_at("summary")}
            <label for="register-summary">{tr(locale, Key::RegisterSummary)}</label>
            <textarea id="register-summary" name="summary" rows="3" maxlength="2000" required autofocus=focus("summary")>{value("summary")}</textarea>
            {error_at("outcome")}
            <fieldset>
                <legend>{tr(locale, Key::RegisterOutcome)}</legend>
                <label class="check"><input type="radio" name="outcome" value="resolved" required
                    checked=outcome != "appeal" />{tr(locale, Key::RegisterOutcomeResolved)}</label>
                <label class="check"><input type="radio" name="outcome" value="appeal"
                    checked=outcome == "appeal" />{tr(locale, Key::RegisterOutcomeAppeal)}</label>
            </fieldset>
            {error_at("resolution")}
            <label for="register-resolution">{tr(locale, Key::RegisterResolution)}</label>
            <textarea id="register-resolution" name="resolution" rows="2" maxlength="2000" autofocus=focus("resolution")>{value("resolution")}</textarea>
            <label class="check"><input type="checkbox" name="paper" value="yes" checked=value("paper") == "yes" />
                {tr(locale, Key::RegisterPaper)}</label>
            <button class="button" type="submit">{tr(locale, Key::RegisterSave)}</button>
        </form>
    }
}

/// The entries kept on this device: how many wait, and those the server refused (with its
/// reason and what was typed, so nothing is lost).
#[component]
fn RegisterQueue(entries: RwSignal<Vec<QueuedEntry>>, dismiss: Callback<usize>) -> impl IntoView {
    let locale = use_locale();
    view! {
        {move || {
            let list = entries.get();
            let waiting = list.iter().filter(|e| e.refused.is_none()).count();
            (waiting > 0).then(|| view! {
                <p id="register-queue" class="notice" role="status">
                    {trf(locale, Key::RegisterQueued, &[("count", &waiting.to_string())])}
                </p>
            })
        }}
        {move || {
            entries.get().into_iter().enumerate().filter(|(_, e)| e.refused.is_some()).map(|(i, e)| view! {
                <div class="notice error register-refused" role="alert">
                    <strong>{tr(locale, Key::RegisterRefused)}": "{e.refused.clone().unwrap_or_default()}</strong>
                    <p>{e.name.clone()}" — "{e.summary.clone()}</p>
                    <button class="link-button" type="button" on:click=move |_| dismiss.run(i)>{tr(locale, Key::RegisterDismiss)}</button>
                </div>
            }).collect_view()
        }}
    }
}

/// An entry of the device's register as the page shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct QueuedEntry {
    pub name: String,
    pub summary: String,
    pub refused: Option<String>,
}

/// The device's register for a reception: the entries it keeps, sent in order whenever the
/// page opens, an entry is written, or the browser is back online.
#[derive(Clone, Copy)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
struct DeviceRegister {
    reception: i64,
    shown: RwSignal<Vec<QueuedEntry>>,
    sending: RwSignal<bool>,
}

impl DeviceRegister {
    fn new(reception: i64) -> Self {
        DeviceRegister {
            reception,
            shown: RwSignal::new(Vec::new()),
            sending: RwSignal::new(false),
        }
    }

    #[cfg(feature = "hydrate")]
    fn show(&self, entries: &[crate::browser::register::Entry]) {
        self.shown.set(
            entries
                .iter()
                .map(|e| QueuedEntry {
                    name: e.field("name").to_string(),
                    summary: e.field("summary").to_string(),
                    refused: e.refused.clone(),
                })
                .collect(),
        );
    }

    /// Keeps the form's entry on the device and empties the form for the next visitor.
    fn keep_form(&self) {
        #[cfg(feature = "hydrate")]
        {
            use crate::browser::register;
            let mut entries = register::load(self.reception);
            entries.push(register::Entry {
                fields: register::fields("register-form"),
                refused: None,
            });
            register::save(self.reception, &entries);
            register::reset("register-form");
            self.show(&entries);
        }
    }

    fn dismiss(&self, index: usize) {
        #[cfg(feature = "hydrate")]
        {
            use crate::browser::register;
            let mut entries = register::load(self.reception);
            if index < entries.len() && entries[index].refused.is_some() {
                entries.remove(index);
            }
            register::save(self.reception, &entries);
            self.show(&entries);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = index;
    }

    /// Sends what waits, one entry at a time, until one gets no answer. Returns whether any
    /// reached the server.
    #[cfg(feature = "hydrate")]
    async fn flush(self) -> bool {
        {
            use crate::browser::register::{self, Outcome};
            if self.sending.get_untracked() {
                return false;
            }
            self.sending.set(true);
            let url = format!("/desk/receptions/{}/visits", self.reception);
            let mut any = false;
            loop {
                let entries = register::load(self.reception);
                self.show(&entries);
                let Some(next) = entries.iter().find(|e| e.refused.is_none()) else {
                    break;
                };
                let key = next.field("key").to_string();
                let outcome = register::send(&url, next).await;
                // Read again: the form may have added entries while this one was away.
                let mut entries = register::load(self.reception);
                let Some(now_at) = entries.iter().position(|e| e.field("key") == key) else {
                    break;
                };
                match outcome {
                    Outcome::Stored => {
                        entries.remove(now_at);
                        any = true;
                    }
                    Outcome::Refused(message) => entries[now_at].refused = Some(message),
                    Outcome::NotYet => {
                        self.show(&entries);
                        break;
                    }
                }
                register::save(self.reception, &entries);
            }
            self.sending.set(false);
            any
        }
    }
}

#[component]
pub fn DeskReceptionPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let id = route_id();
    let reception = Resource::new(id, get_desk_reception);
    let problem = use_problem();
    let register_problem = use_problem_in("register_error");
    let visit_problem = use_problem_in("visit_error");
    let held_problem = use_problem_in("held_error");
    let kept = crate::api::kept::use_kept_after("reception_visit", "register_error");
    view! {
        <p><a href="/desk/receptions">"← "{tr(locale, Key::DeskReceptionsTitle)}</a></p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let r = match reception.await {
                    Ok(r) => r,
                    Err(error) => return failure_view(error),
                };
                let kept = kept.await;
                let s = &r.summary;
                let title = format!("{} — {}", tr(locale, kind_key(s.kind)), s.host);
                let open = r.open && r.manages;
                let notice = |name: &'static str, key: Key| {
                    query.read_untracked().get(name).map(|_| view! { <p class="notice success" role="status">{tr(locale, key)}</p> })
                };
                let filed = query.read_untracked().get("filed").map(|number| view! {
                    <p class="notice success" role="status">{trf(locale, Key::VisitConfirmed, &[("number", &number)])}</p>
                });
                let problem_visit: Option<i64> = query.read_untracked().get("visit").and_then(|v| v.parse().ok());
                let device = DeviceRegister::new(s.id);
                // The register's list alone is read again when entries from this device
                // arrive, so a form being typed is never redrawn.
                let visits = RwSignal::new(r.visits.clone());
                let send = move || {
                    #[cfg(feature = "hydrate")]
                    leptos::task::spawn_local(async move {
                        if device.flush().await
                            && let Ok(fresh) = get_desk_reception(device.reception).await
                        {
                            visits.set(fresh.visits);
                        }
                    });
                };
                #[cfg(feature = "hydrate")]
                {
                    send();
                    let handle = window_event_listener(leptos::ev::online, move |_| send());
                    on_cleanup(move || handle.remove());
                }
                let on_entry = move || {
                    device.keep_form();
                    send();
                };
                let dismiss = Callback::new(move |i: usize| device.dismiss(i));
                view! {
                    <Title text=title.clone() />
                    <h1>{title}</h1>
                    {notice("published", Key::DeskReceptionsPublished)}
                    {notice("called_off", Key::DeskReceptionsCalledOff)}
                    {notice("saved", Key::RegisterSaved)}
                    {notice("code_sent", Key::RegisterCodeSent)}
                    {notice("held", Key::RegisterMarkedHeld)}
                    {filed}
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
                    <h2 id="register">{tr(locale, Key::RegisterTitle)}</h2>
                    <p class="row">
                        <a href=format!("/desk/receptions/{}/protocol", s.id)>{tr(locale, Key::ProtocolLink)}</a>
                        <a href=format!("/desk/receptions/{}/protocol.pdf", s.id) download="">{tr(locale, Key::ProtocolPdf)}</a>
                    </p>
                    {
                        let (summary, manages) = (s.clone(), r.manages);
                        move || {
                            let list = visits.get();
                            if list.is_empty() {
                                return view! { <p class="muted">{tr(locale, Key::RegisterNone)}</p> }.into_any();
                            }
                            view! {
                                <ol class="list visits">
                                    {list.iter().map(|v| {
                                        let p = (problem_visit == Some(v.id)).then(|| visit_problem.get_untracked()).flatten();
                                        visit_item(locale, &summary, manages, v, p)
                                    }).collect_view()}
                                </ol>
                            }.into_any()
                        }
                    }
                    <RegisterQueue entries=device.shown dismiss />
                    {r.registering.then(|| register_form(locale, &r, kept, register_problem.get_untracked(), on_entry))}
                    {(r.registering && s.held_at.is_none()).then(|| view! {
                        <form id="held" class="stack" method="post" action=format!("/desk/receptions/{}/held", s.id)>
                            {held_problem.get_untracked().map(|p| form_error("held-error", tr(locale, problem_key(p))))}
                            <button class="button secondary" type="submit">{tr(locale, Key::RegisterMarkHeld)}</button>
                        </form>
                    })}
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

/// The protocol of a reception, to print: the reception, then each issue raised, numbered.
#[component]
pub fn ProtocolPage() -> impl IntoView {
    let locale = use_locale();
    let id = route_id();
    let reception = Resource::new(id, get_desk_reception);
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let r = match reception.await {
                    Ok(r) => r,
                    Err(error) => return failure_view(error),
                };
                let title = tr(locale, Key::ProtocolTitle);
                view! {
                    <Title text=format!("{title} — {}", r.summary.host) />
                    <p class="no-print"><a href=format!("/desk/receptions/{}", r.summary.id)>"← "{r.summary.host.clone()}</a></p>
                    <article class="protocol">
                        <h1>{title}</h1>
                        <dl class="facts">
                            {protocol_head(locale, &r).into_iter().map(|(label, value)| view! { <dt>{label}</dt><dd>{value}</dd> }).collect_view()}
                        </dl>
                        <ol class="protocol-entries">
                            {protocol_entries(locale, &r).into_iter().map(|e| view! {
                                <li>
                                    <h2>{e.heading}</h2>
                                    <dl class="facts">
                                        {e.rows.into_iter().map(|(label, value)| view! { <dt>{label}</dt><dd>{value}</dd> }).collect_view()}
                                    </dl>
                                </li>
                            }).collect_view()}
                        </ol>
                    </article>
                    <p class="row no-print">
                        <a class="button" href=format!("/desk/receptions/{}/protocol.pdf", r.summary.id) download="">{tr(locale, Key::ProtocolPdf)}</a>
                    </p>
                }.into_any()
            })}
        </Suspense>
    }
}
