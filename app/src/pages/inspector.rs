//! The inspector's view: the queue of pending readings in their districts and services,
//! oldest first, and one reading with its photo, history and the three decisions. Plain
//! links and forms: it works on any phone or desktop browser, with or without JavaScript.

use crate::api::readings::{get_inspector_scope, get_reading_case, inspector_queue};
use crate::components::error_box::Loading;
use crate::i18n::{Key, Locale, tr, trf, use_locale};
use crate::pages::reading::{reason_key, status_key, submit_error_key};
use crate::pages::{failure_view, route_id};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use shared::account::format_reading;
use shared::reading::{Flag, InspectorReading, ReadingEvent, ReadingEventKind, ReadingStatus, RejectReason};
use shared::time::format_date_time;

fn flag_key(flag: Flag) -> Key {
    match flag {
        Flag::High => Key::ReadingFlagHigh,
        Flag::Low => Key::ReadingFlagLow,
    }
}

fn event_key(kind: ReadingEventKind) -> Key {
    match kind {
        ReadingEventKind::Submitted => Key::InspectorEventSubmitted,
        ReadingEventKind::Confirmed => Key::InspectorEventConfirmed,
        ReadingEventKind::Corrected => Key::InspectorEventCorrected,
        ReadingEventKind::Rejected => Key::InspectorEventRejected,
    }
}

/// The value, the previous confirmed one and the consumption between them.
fn consumption(r: &InspectorReading) -> Option<String> {
    r.previous_milli
        .map(|p| format_reading(r.value_milli - p, r.meter_decimals))
}

#[component]
pub fn InspectorPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let param = move |name: &str| query.read().get(name).filter(|v| !v.is_empty());
    let scope = Resource::new(|| (), |_| get_inspector_scope());
    let queue = Resource::new(
        move || {
            let after = param("after_at")
                .and_then(|a| a.parse::<i64>().ok())
                .zip(param("after_id").and_then(|i| i.parse::<i64>().ok()));
            (
                param("district"),
                param("service"),
                param("flagged").is_some(),
                after,
            )
        },
        |(district, service, flagged, after): (_, _, _, Option<(i64, i64)>)| {
            inspector_queue(district, service, flagged, after.map(|a| a.0), after.map(|a| a.1))
        },
    );
    view! {
        <Title text=tr(locale, Key::InspectorTitle) />
        <h1>{tr(locale, Key::InspectorTitle)}</h1>
        {move || param("done").map(|_| view! { <p class="notice success" role="status">{tr(locale, Key::InspectorDone)}</p> })}
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let Ok(scope) = scope.await else { return ().into_any() };
                let district = param("district").unwrap_or_default();
                let service = param("service").unwrap_or_default();
                view! {
                    <form class="filters" method="get" action="/inspector">
                        <label>{tr(locale, Key::InspectorFilterDistrict)}
                            <select name="district">
                                <option value="">{tr(locale, Key::InspectorFilterAll)}</option>
                                {scope.districts.into_iter().map(|(code, n)| {
                                    let selected = code == district;
                                    view! { <option value=code selected=selected>{n.get(locale).to_string()}</option> }
                                }).collect_view()}
                            </select>
                        </label>
                        <label>{tr(locale, Key::InspectorFilterService)}
                            <select name="service">
                                <option value="">{tr(locale, Key::InspectorFilterAll)}</option>
                                {scope.services.into_iter().map(|(code, n)| {
                                    let selected = code == service;
                                    view! { <option value=code selected=selected>{n.get(locale).to_string()}</option> }
                                }).collect_view()}
                            </select>
                        </label>
                        <label class="check"><input type="checkbox" name="flagged" value="1" checked=param("flagged").is_some() />
                            " "{tr(locale, Key::InspectorFilterFlagged)}</label>
                        <button class="button" type="submit">{tr(locale, Key::InspectorFilterApply)}</button>
                    </form>
                }.into_any()
            })}
        </Suspense>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let page = match queue.await {
                    Ok(p) => p,
                    Err(error) => return failure_view(error),
                };
                if page.items.is_empty() {
                    return view! { <p class="muted">{tr(locale, Key::InspectorEmpty)}</p> }.into_any();
                }
                let more = page.next.map(|(at, id)| {
                    let mut href = format!("/inspector?after_at={at}&after_id={id}");
                    for name in ["district", "service", "flagged"] {
                        if let Some(v) = param(name) {
                            href.push_str(&format!("&{name}={v}"));
                        }
                    }
                    href
                });
                view! {
                    <ul class="list queue">
                        {page.items.into_iter().map(|r| queue_item(locale, r)).collect_view()}
                    </ul>
                    {more.map(|href| view! { <p class="pager"><a rel="next" href=href>{tr(locale, Key::InspectorMore)}</a></p> })}
                }.into_any()
            })}
        </Suspense>
    }
}

fn queue_item(locale: Locale, r: InspectorReading) -> impl IntoView {
    let href = format!("/inspector/readings/{}", r.id);
    let unit = r
        .meter_unit
        .as_deref()
        .map(|u| crate::i18n::unit(locale, u))
        .unwrap_or_default();
    view! {
        <li class="queue-item">
            <a href=href>
                {r.has_photo.then(|| view! {
                    <img class="thumb" src=format!("/readings/{}/photo?size=thumb", r.id) alt="" width="64" height="64" loading="lazy" />
                })}
                <span class="queue-main">
                    <strong>{r.service.get(locale).to_string()}" · "{r.account_number.clone()}</strong>
                    <span>{format_reading(r.value_milli, r.meter_decimals)}" "{unit.clone()}
                        {consumption(&r).map(|c| format!(" (+{c} {unit})"))}</span>
                    <span class="muted">{r.district.get(locale).to_string()}
                        {r.mahalla.as_ref().map(|m| format!(", {}", m.get(locale)))}
                        " · "{format_date_time(r.submitted_at)}</span>
                    {r.flags.iter().map(|f| view! { <span class="flag">{tr(locale, flag_key(*f))}</span> }).collect_view()}
                </span>
            </a>
        </li>
    }
}

#[component]
pub fn InspectorReadingPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let case = Resource::new(route_id(), get_reading_case);
    let error = move || {
        query
            .read()
            .get("error")
            .map(|code| tr(locale, submit_error_key(&code)))
    };
    let kept = crate::api::kept::use_kept("decide");
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let c = match case.await {
                    Ok(c) => c,
                    Err(error) => return failure_view(error),
                };
                // A refused correction comes back as typed (kept on the server), open.
                let kept = kept.await;
                let typed = move |name: &str| kept.get(name).cloned().unwrap_or_default();
                let correcting = !typed("value").is_empty();
                let r = c.reading.clone();
                let unit = r.meter_unit.as_deref().map(|u| crate::i18n::unit(locale, u)).unwrap_or_default();
                let decimals = r.meter_decimals;
                let action = format!("/inspector/readings/{}", r.id);
                let photo = format!("/readings/{}/photo", r.id);
                view! {
                    <Title text=format!("{} · {}", tr(locale, Key::InspectorTitle), r.account_number) />
                    <p><a href="/inspector">"← "{tr(locale, Key::InspectorTitle)}</a></p>
                    <h1>{r.service.get(locale).to_string()}" · "{r.account_number.clone()}</h1>
                    {move || error().map(|m| view! { <p class="notice error" role="alert" id="decide-error" tabindex="-1">{m}</p> })}
                    {r.has_photo.then(|| view! {
                        <figure class="meter-photo">
                            <a href=photo.clone() target="_blank" rel="external"><img src=photo.clone() alt=tr(locale, Key::ReadingPhoto) /></a>
                            <figcaption class="muted">{tr(locale, Key::InspectorZoom)}</figcaption>
                        </figure>
                    })}
                    <dl class="facts">
                        <dt>{tr(locale, Key::InspectorTyped)}</dt>
                        <dd class="typed-value">{format_reading(r.value_milli, decimals)}" "{unit.clone()}</dd>
                        <dt>{tr(locale, Key::InspectorPrevious)}</dt>
                        <dd>{r.previous_milli.map(|p| format_reading(p, decimals)).unwrap_or_else(|| "—".into())}</dd>
                        <dt>{tr(locale, Key::InspectorConsumption)}</dt>
                        <dd>{consumption(&r).unwrap_or_else(|| "—".into())}</dd>
                        <dt>{tr(locale, Key::ReadingMahalla)}</dt>
                        <dd>{r.district.get(locale).to_string()}{r.mahalla.as_ref().map(|m| format!(", {}", m.get(locale)))}</dd>
                        <dt>{tr(locale, Key::InspectorStatus)}</dt>
                        <dd class="reading-status">{tr(locale, status_key(r.status))}</dd>
                    </dl>
                    {r.flags.iter().map(|f| view! { <p class="flag">{tr(locale, flag_key(*f))}</p> }).collect_view()}
                    {(r.status == ReadingStatus::Pending).then(|| view! {
                        <section class="decide">
                            <form method="post" action=action.clone()>
                                <input type="hidden" name="action" value="confirm" />
                                <button class="button" type="submit">{tr(locale, Key::InspectorConfirm)}</button>
                            </form>
                            <details open=correcting>
                                <summary>{tr(locale, Key::InspectorCorrect)}</summary>
                                <form class="stack" method="post" action=action.clone()>
                                    <input type="hidden" name="action" value="correct" />
                                    <label for="correct-value">{tr(locale, Key::InspectorCorrectValue)}</label>
                                    <input id="correct-value" name="value" type="text" inputmode="decimal" required value=typed("value") />
                                    <label for="correct-reason">{tr(locale, Key::InspectorCorrectReason)}</label>
                                    <input id="correct-reason" name="reason" type="text" required maxlength="500" value=typed("reason") />
                                    <button class="button" type="submit">{tr(locale, Key::InspectorCorrect)}</button>
                                </form>
                            </details>
                            <details>
                                <summary>{tr(locale, Key::InspectorReject)}</summary>
                                <form class="stack" method="post" action=action.clone()>
                                    <input type="hidden" name="action" value="reject" />
                                    <label for="reject-reason">{tr(locale, Key::InspectorRejectReason)}</label>
                                    <select id="reject-reason" name="reason_code" required>
                                        {RejectReason::ALL.iter().map(|&reason| view! {
                                            <option value=reason.code()>{tr(locale, reason_key(reason))}</option>
                                        }).collect_view()}
                                    </select>
                                    <label for="reject-text">{tr(locale, Key::InspectorRejectText)}</label>
                                    <input id="reject-text" name="reason" type="text" maxlength="500" />
                                    <button class="button danger" type="submit">{tr(locale, Key::InspectorReject)}</button>
                                </form>
                            </details>
                        </section>
                    })}
                    <section class="history">
                        <h2>{tr(locale, Key::InspectorHistory)}</h2>
                        <ul class="list compact">
                            {c.history.iter().map(|(at, value, used)| view! {
                                <li><span>{format_reading(*value, decimals)}" "{unit.clone()}</span>
                                    <span class="muted">{format_date_time(*at)}{used.map(|u| format!(" · +{}", format_reading(u, decimals)))}</span></li>
                            }).collect_view()}
                        </ul>
                    </section>
                    <section class="history events">
                        <h2>{tr(locale, Key::InspectorEvents)}</h2>
                        <ul class="list compact">
                            {c.events.into_iter().map(|e| event_item(locale, e, decimals)).collect_view()}
                        </ul>
                    </section>
                }.into_any()
            })}
        </Suspense>
    }
}

fn event_item(locale: Locale, e: ReadingEvent, decimals: i64) -> impl IntoView {
    let mut details = Vec::new();
    if let Some(v) = e.value_milli {
        details.push(format_reading(v, decimals));
    }
    if let Some(code) = &e.reason_code {
        details.push(tr(locale, reason_key(*code)).to_string());
    }
    if let Some(text) = &e.reason_text {
        details.push(text.clone());
    }
    if let Some(charge) = e.charge {
        details.push(trf(
            locale,
            Key::ReadingCharge,
            &[("amount", &charge.format_som())],
        ));
    }
    view! {
        <li class=format!("event {}", e.kind)>
            <span>{tr(locale, event_key(e.kind))}{e.actor.map(|a| format!(" · {a}"))}</span>
            <span class="muted">{format_date_time(e.at)}" · "{details.join(" · ")}</span>
        </li>
    }
}
