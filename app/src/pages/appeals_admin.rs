//! What administrators keep for appeals: the working-day calendar (holidays, rest days moved
//! onto weekdays, weekend days made working) and the tree of state bodies with their topics.

use crate::api::appeals::{get_admin_bodies, get_calendar_days};
use crate::components::error_box::Loading;
use crate::i18n::{Key, tr, use_locale};
use crate::pages::appeals::date;
use crate::pages::failure_view;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use shared::appeal::{AdminProblem, BodyKind};
use shared::calendar::DayKind;

fn problem_key(problem: AdminProblem) -> Key {
    match problem {
        AdminProblem::Day => Key::CalendarErrorDay,
        AdminProblem::Kind => Key::CalendarErrorKind,
        AdminProblem::Name => Key::CalendarErrorName,
        AdminProblem::Body => Key::AppealsErrorBody,
        AdminProblem::Cycle => Key::BodiesErrorCycle,
    }
}

fn body_kind_key(kind: BodyKind) -> Key {
    match kind {
        BodyKind::Ministry => Key::BodiesKindMinistry,
        BodyKind::Regional => Key::BodiesKindRegional,
        BodyKind::District => Key::BodiesKindDistrict,
        BodyKind::Institution => Key::BodiesKindInstitution,
    }
}

fn day_kind_key(kind: DayKind) -> Key {
    match kind {
        DayKind::Off => Key::CalendarOff,
        DayKind::Working => Key::CalendarWorking,
    }
}

/// The message for a `?error=` code; a code no server wrote is a bad request.
fn admin_error_key(code: &str) -> Key {
    AdminProblem::parse(code).map_or(Key::ErrorBadRequest, problem_key)
}

#[component]
pub fn CalendarPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let param = move |name: &str| query.read().get(name).unwrap_or_default();
    let year = move || param("year").parse::<i32>().unwrap_or(2026);
    // What was typed into a refused form, kept on the server.
    let kept = crate::api::kept::use_kept("calendar");
    let days = Resource::new(year, get_calendar_days);
    view! {
        <Title text=tr(locale, Key::CalendarTitle) />
        <h1>{tr(locale, Key::CalendarTitle)}</h1>
        {move || query.read().get("saved").map(|_| view! { <p class="notice success" role="status">{tr(locale, Key::CalendarSaved)}</p> })}
        {move || query.read().get("error").map(|code| view! { <p class="notice error" role="alert">{tr(locale, admin_error_key(&code))}</p> })}
        <p class="row">
            {move || {
                let y = year();
                view! {
                    <a href=format!("/admin/calendar?year={}", y - 1)>"← "{(y - 1).to_string()}</a>
                    <strong>{y.to_string()}</strong>
                    <a href=format!("/admin/calendar?year={}", y + 1)>{(y + 1).to_string()}" →"</a>
                }
            }}
        </p>
        <Suspense fallback=|| ()>{move || Suspend::new(async move {
        let kept = kept.await;
        let kept_value = move |name: &str| kept.get(name).cloned().unwrap_or_default();
        view! {
        <form class="stack" method="post" action="/admin/calendar">
            <label for="calendar-day">{tr(locale, Key::CalendarDay)}</label>
            <input id="calendar-day" name="day" type="date" required value=kept_value("day") />
            <select name="kind" aria-label=tr(locale, Key::CalendarKind)>
                <option value="off">{tr(locale, Key::CalendarOff)}</option>
                <option value="working">{tr(locale, Key::CalendarWorking)}</option>
            </select>
            <label for="calendar-name">{tr(locale, Key::CalendarName)}</label>
            <input id="calendar-name" name="name" type="text" maxlength="200" required value=kept_value("name") />
            <button class="button" type="submit">{tr(locale, Key::CalendarAdd)}</button>
        </form>
        }
        })}</Suspense>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let days = match days.await {
                    Ok(d) => d,
                    Err(error) => return failure_view(error),
                };
                view! {
                    <ul class="list compact calendar">
                        {days.into_iter().map(|d| view! {
                            <li class=format!("day {}", d.kind.code())>
                                <span><strong>{date(&d.day)}</strong>" · "{d.name.clone()}" · "
                                    {tr(locale, day_kind_key(d.kind))}</span>
                                <form method="post" action="/admin/calendar">
                                    <input type="hidden" name="day" value=d.day.clone() />
                                    <input type="hidden" name="remove" value="1" />
                                    <button class="link-button" type="submit">{tr(locale, Key::CalendarRemove)}</button>
                                </form>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            })}
        </Suspense>
    }
}

#[component]
pub fn BodiesPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let choices = Resource::new(|| (), |_| get_admin_bodies());
    view! {
        <Title text=tr(locale, Key::BodiesTitle) />
        <h1>{tr(locale, Key::BodiesTitle)}</h1>
        {move || query.read().get("saved").map(|_| view! { <p class="notice success" role="status">{tr(locale, Key::CalendarSaved)}</p> })}
        {move || query.read().get("error").map(|code| view! { <p class="notice error" role="alert">{tr(locale, admin_error_key(&code))}</p> })}
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let c = match choices.await {
                    Ok(c) => c,
                    Err(error) => return failure_view(error),
                };
                let topics_hint = c.topics.iter().map(|(code, _)| code.clone()).collect::<Vec<_>>().join(", ");
                // One form for a new body and one for each existing body.
                let all = c.bodies.clone();
                let form = move |body: Option<&shared::appeal::BodyChoice>, parent: Option<i64>| {
                    let parent_of = parent;
                    view! {
                        <form class="stack body-form" method="post" action="/admin/bodies">
                            <input type="hidden" name="id" value=body.map(|b| b.id.to_string()).unwrap_or_default() />
                            <label>{tr(locale, Key::BodiesParent)}
                                <select name="parent">
                                    <option value="">"—"</option>
                                    {all.iter().map(|p| view! {
                                        <option value=p.id.to_string() selected=parent_of == Some(p.id)>{"\u{a0}\u{a0}".repeat(p.depth)}{p.name.get(locale).to_string()}</option>
                                    }).collect_view()}
                                </select>
                            </label>
                            <label>{tr(locale, Key::BodiesKind)}
                                <select name="kind">
                                    {BodyKind::ALL.iter().map(|&kind| view! {
                                        <option value=kind.code() selected=body.map(|b| b.kind) == Some(kind)>{tr(locale, body_kind_key(kind))}</option>
                                    }).collect_view()}
                                </select>
                            </label>
                            <label>"Oʻzbekcha"<input name="name_uz" type="text" required value=body.map(|b| b.name.uz.clone()) /></label>
                            <label>"Ўзбекча"<input name="name_uz_cyrl" type="text" required value=body.map(|b| b.name.uz_cyrl.clone()) /></label>
                            <label>"Русский"<input name="name_ru" type="text" required value=body.map(|b| b.name.ru.clone()) /></label>
                            <label>{tr(locale, Key::BodiesTopics)}
                                <input name="topics" type="text" value=body.map(|b| b.topics.join(", ")) placeholder=topics_hint.clone() />
                            </label>
                            <button class="button secondary" type="submit">{tr(locale, Key::BodiesSave)}</button>
                        </form>
                    }
                };
                view! {
                    <details class="new-body">
                        <summary>{tr(locale, Key::BodiesAdd)}</summary>
                        {form(None, None)}
                    </details>
                    <ul class="list bodies">
                        {c.bodies.iter().map(|b| view! {
                            <li>
                                <details>
                                    <summary>{"\u{a0}\u{a0}".repeat(b.depth)}{b.name.get(locale).to_string()}</summary>
                                    {form(Some(b), b.parent)}
                                </details>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            })}
        </Suspense>
    }
}

fn term_key(setting: shared::appeal::TermSetting) -> Key {
    use shared::appeal::TermSetting as T;
    match setting {
        T::UrgentWorkingDays => Key::TermsUrgentWorkingDays,
        T::OrdinaryDays => Key::TermsOrdinaryDays,
        T::ConsultationDays => Key::TermsConsultationDays,
        T::ExtensionDays => Key::TermsExtensionDays,
        T::ReturnWorkingDays => Key::TermsReturnWorkingDays,
        T::ForwardWorkingDays => Key::TermsForwardWorkingDays,
        T::RemindHours => Key::TermsRemindHours,
    }
}

/// The terms of appeals: every setting on one form, the one at fault marked when refused.
#[component]
pub fn TermsPage() -> impl IntoView {
    use shared::appeal::TermSetting;
    let locale = use_locale();
    let query = use_query_map();
    let terms = Resource::new(|| (), |_| crate::api::appeals::get_appeal_terms());
    let kept = crate::api::kept::use_kept("terms");
    view! {
        <Title text=tr(locale, Key::TermsTitle) />
        <h1>{tr(locale, Key::TermsTitle)}</h1>
        <p class="muted">{tr(locale, Key::TermsLead)}</p>
        {move || query.read().get("saved").map(|_| view! { <p class="notice success" role="status">{tr(locale, Key::TermsSaved)}</p> })}
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let t = match terms.await {
                    Ok(t) => t,
                    Err(error) => return failure_view(error),
                };
                let kept = kept.await;
                let at_fault = query.read_untracked().get("field").and_then(|f| TermSetting::parse(&f));
                view! {
                    <form class="stack" method="post" action="/admin/terms">
                        {TermSetting::ALL.iter().map(|&setting| {
                            let id = format!("term-{}", setting.code());
                            let range = setting.range();
                            let value = kept.get(setting.code()).cloned().unwrap_or_else(|| t.get(setting).to_string());
                            view! {
                                {(at_fault == Some(setting)).then(|| crate::pages::appeals::form_error("terms-error", tr(locale, Key::AppealsErrorTerm)))}
                                <label for=id.clone()>{tr(locale, term_key(setting))}</label>
                                <input id=id name=setting.code() type="number" required min=range.start().to_string()
                                    max=range.end().to_string() value=value autofocus=at_fault == Some(setting) />
                            }
                        }).collect_view()}
                        <button class="button" type="submit">{tr(locale, Key::TermsSave)}</button>
                    </form>
                }.into_any()
            })}
        </Suspense>
    }
}
