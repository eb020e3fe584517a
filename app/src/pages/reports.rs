//! Reports on appeals (issue 15): a quarter of a body (with the bodies below it), a region or
//! the country, each figure beside the quarter before; a CSV of the same. A GET form chooses
//! the scope and the quarter, so the page works without JavaScript.

use crate::api::reports::{get_report, get_report_choices};
use crate::components::error_box::Loading;
use crate::i18n::{Key, tr, use_locale};
use crate::pages::appeals::{category_key, event_key, kind_key, resolution_key};
use crate::pages::desk::channel_key;
use crate::pages::failure_view;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use shared::Locale;
use shared::appeal::{AppealKind, Category, Channel, EventKind, Resolution};
use shared::report::{Figure, Report, ReportProblem, Section};

pub fn section_key(section: Section) -> Key {
    match section {
        Section::Received => Key::ReportsSectionReceived,
        Section::Channel => Key::ReportsSectionChannel,
        Section::Kind => Key::ReportsSectionKind,
        Section::Category => Key::ReportsSectionCategory,
        Section::Topic => Key::ReportsSectionTopic,
        Section::Resolved => Key::ReportsSectionResolved,
        Section::Terms => Key::ReportsSectionTerms,
        Section::Control => Key::ReportsSectionControl,
        Section::Scores => Key::ReportsSectionScores,
    }
}

pub fn problem_key(problem: ReportProblem) -> Key {
    match problem {
        ReportProblem::Period => Key::ReportsErrorPeriod,
        ReportProblem::Future => Key::ReportsErrorFuture,
        ReportProblem::Scope => Key::ReportsErrorScope,
        ReportProblem::Figure => Key::ReportsErrorFigure,
        ReportProblem::Unavailable => Key::ReportsErrorUnavailable,
    }
}

/// What a figure's code names, in the reader's language.
pub fn figure_name(
    locale: Locale,
    topics: &[(String, shared::geo::Names)],
    section: Section,
    code: &str,
) -> String {
    let fixed = |key: Key| tr(locale, key).to_string();
    let name = match (section, code) {
        (Section::Received, "total") => Some(fixed(Key::ReportsFigureTotal)),
        (Section::Received, "repeat") => Some(fixed(Key::ReportsFigureRepeat)),
        (Section::Received, "collective") => Some(fixed(Key::ReportsFigureCollective)),
        (Section::Terms, "on_time") => Some(fixed(Key::ReportsFigureOnTime)),
        (Section::Terms, "late") => Some(fixed(Key::ReportsFigureLate)),
        (Section::Terms, "overdue") => Some(fixed(Key::ReportsFigureOverdue)),
        (Section::Terms, "overdue_now") => Some(fixed(Key::ReportsFigureOverdueNow)),
        (Section::Scores, "count") => Some(fixed(Key::ReportsFigureScores)),
        (Section::Scores, "average") => Some(fixed(Key::ReportsFigureAverage)),
        (Section::Channel, c) => Channel::parse(c).map(|c| fixed(channel_key(c))),
        (Section::Kind, c) => AppealKind::parse(c).map(|k| fixed(kind_key(k))),
        (Section::Category, c) => Some(fixed(category_key(Category::parse(c)))),
        (Section::Resolved, c) => Resolution::parse(c).map(|r| fixed(resolution_key(r))),
        (Section::Control, c) => EventKind::parse(c).map(|k| fixed(event_key(k))),
        (Section::Topic, c) => topics
            .iter()
            .find(|(code, _)| code == c)
            .map(|(_, n)| n.get(locale).to_string()),
        _ => None,
    };
    name.unwrap_or_else(|| code.to_string())
}

/// What an officer's figure counts (`shared::report::OFFICER_FIGURES`).
pub fn officer_figure_name(locale: Locale, code: &str) -> &'static str {
    tr(
        locale,
        match code {
            "closed" => Key::ReportsOfficerClosed,
            "on_time" => Key::ReportsFigureOnTime,
            "late" => Key::ReportsFigureLate,
            "overdue" => Key::ReportsFigureOverdue,
            "scores" => Key::ReportsFigureScores,
            _ => Key::ReportsFigureAverage,
        },
    )
}

/// A figure's value as the page writes it (an average of scores in tenths: 42 → 4.2).
pub fn shown(section: Section, f: &Figure, now: bool) -> String {
    let v = if now { f.now } else { f.before };
    if section == Section::Scores && f.code == "average" {
        format!("{}.{}", v / 10, v % 10)
    } else {
        v.to_string()
    }
}

/// A figure's value, linked to the appeals behind it (this quarter's or the one before's);
/// the scores are not a list of appeals, and a zero has nothing behind it.
fn figure_cell(r: &Report, section: Section, f: &Figure, now: bool) -> impl IntoView + use<> {
    let value = shown(section, f, now);
    let count = if now { f.now } else { f.before };
    if section == Section::Scores || count == 0 {
        return value.into_any();
    }
    let quarter = if now { r.quarter } else { r.quarter.previous() };
    let href = format!(
        "/desk/reports/appeals?scope={}&quarter={quarter}&section={}&figure={}",
        shared::url::encode(&r.scope.code()),
        section.code(),
        shared::url::encode(&f.code)
    );
    view! { <a href=href>{value}</a> }.into_any()
}

/// The appeals behind a figure of a report: how many, and the newest of them, each opening
/// its case on the desk.
#[component]
pub fn ReportAppealsPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let param = move |name: &str| query.read().get(name).unwrap_or_default();
    let list = Resource::new(
        move || {
            (
                param("scope"),
                param("quarter"),
                param("section"),
                param("figure"),
            )
        },
        |(scope, quarter, section, figure)| {
            crate::api::reports::get_report_appeals(scope, quarter, section, figure)
        },
    );
    view! {
        <Title text=tr(locale, Key::ReportsAppealsTitle) />
        <p><a href=move || format!(
            "/desk/reports?scope={}&quarter={}",
            shared::url::encode(&param("scope")),
            shared::url::encode(&param("quarter"))
        )>"← "{tr(locale, Key::ReportsTitle)}</a></p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let l = match list.await {
                    Ok(l) => l,
                    Err(crate::error::AppError::BadRequest(code)) => {
                        let problem = ReportProblem::parse(&code).unwrap_or(ReportProblem::Unavailable);
                        return crate::pages::appeals::form_error("report-error", tr(locale, problem_key(problem))).into_any();
                    }
                    Err(error) => return failure_view(error),
                };
                let figure = figure_name(locale, &l.topics, l.section, &l.code);
                view! {
                    <h1>{tr(locale, section_key(l.section))}": "{figure}</h1>
                    <p class="muted">{l.name.get(locale).to_string()}" · "{l.quarter.to_string()}</p>
                    <p class="count">{crate::i18n::trf(locale, Key::ReportsAppealsCount, &[
                        ("shown", &l.appeals.len().to_string()),
                        ("total", &l.total.to_string()),
                    ])}</p>
                    <ul class="appeal-list">
                        {l.appeals.iter().map(|a| view! {
                            <li>
                                <a href=format!("/desk/appeals/{}", a.id)>{a.number.clone()}</a>" — "{a.subject.clone()}
                                <span class="muted">" · "{a.body.get(locale).to_string()}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            })}
        </Suspense>
    }
}

/// The GET form that chooses a scope the person may read and a quarter (for the reports and
/// the systemic problems), the current choice selected.
#[component]
pub fn ScopeQuarterForm(action: &'static str) -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let choices = Resource::new(|| (), |_| get_report_choices());
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let c = match choices.await {
                    Ok(c) => c,
                    Err(error) => return failure_view(error),
                };
                let scope = query.read_untracked().get("scope").unwrap_or_default();
                let quarter = query.read_untracked().get("quarter").unwrap_or_default();
                view! {
                    <form class="stack filter no-print" method="get" action=action>
                        <label for="report-scope">{tr(locale, Key::ReportsScope)}</label>
                        <select id="report-scope" name="scope" required>
                            {c.scopes.iter().map(|(code, n)| view! {
                                <option value=code.clone() selected=*code == scope>{n.get(locale).to_string()}</option>
                            }).collect_view()}
                        </select>
                        <label for="report-quarter">{tr(locale, Key::ReportsQuarter)}</label>
                        <select id="report-quarter" name="quarter" required>
                            {c.quarters.iter().map(|q| view! {
                                <option value=q.clone() selected=*q == quarter>{q.clone()}</option>
                            }).collect_view()}
                        </select>
                        <button class="button secondary" type="submit">{tr(locale, Key::ReportsShow)}</button>
                    </form>
                }.into_any()
            })}
        </Suspense>
    }
}

#[component]
pub fn ReportsPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let param = move |name: &str| query.read().get(name).unwrap_or_default();
    let report = Resource::new(
        move || (param("scope"), param("quarter")),
        |(scope, quarter)| async move {
            if scope.is_empty() {
                return Ok(None);
            }
            get_report(scope, quarter).await.map(Some)
        },
    );
    view! {
        <Title text=tr(locale, Key::ReportsTitle) />
        <p class="no-print"><a href="/desk">"← "{tr(locale, Key::DeskTitle)}</a></p>
        <h1>{tr(locale, Key::ReportsTitle)}</h1>
        <ScopeQuarterForm action="/desk/reports" />
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let r = match report.await {
                    Ok(Some(r)) => r,
                    Ok(None) => return ().into_any(),
                    Err(crate::error::AppError::BadRequest(code)) => {
                        let problem = ReportProblem::parse(&code).unwrap_or(ReportProblem::Unavailable);
                        return crate::pages::appeals::form_error("report-error", tr(locale, problem_key(problem))).into_any();
                    }
                    Err(error) => return failure_view(error),
                };
                let csv = format!(
                    "/desk/reports.csv?scope={}&quarter={}",
                    shared::url::encode(&r.scope.code()),
                    r.quarter
                );
                let (now, before) = (r.quarter.to_string(), r.quarter.previous().to_string());
                view! {
                    <h2>{r.name.get(locale).to_string()}" · "{now.clone()}</h2>
                    <p class="row no-print">
                    <a href=csv.clone() download="">{tr(locale, Key::ReportsCsv)}</a>
                    <a href=csv.replace("/desk/reports.csv", "/desk/reports.xlsx") download="">{tr(locale, Key::ReportsXlsx)}</a>
                    <a href=csv.replace("/desk/reports.csv", "/desk/reports.pdf") download="">{tr(locale, Key::ReportsPdf)}</a>
                    <a href=csv.replace("/desk/reports.csv", "/desk/problems")>{tr(locale, Key::ProblemsTitle)}</a>
                </p>
                    {r.sections.iter().map(|(section, figures)| view! {
                        <section class="report-section">
                            <h3>{tr(locale, section_key(*section))}</h3>
                            <table class="report">
                                <thead><tr>
                                    <th scope="col">{tr(locale, Key::ReportsFigure)}</th>
                                    <th scope="col">{now.clone()}</th>
                                    <th scope="col">{before.clone()}</th>
                                </tr></thead>
                                <tbody>
                                    {figures.iter().map(|f| view! {
                                        <tr class=format!("figure-{}-{}", section.code(), f.code)>
                                            <th scope="row">{figure_name(locale, &r.topics, *section, &f.code)}</th>
                                            <td>{figure_cell(&r, *section, f, true)}</td>
                                            <td class="muted">{figure_cell(&r, *section, f, false)}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </section>
                    }).collect_view()}
                    {(!r.officers.is_empty()).then(|| view! {
                        <section class="report-section" id="officers">
                            <h3>{tr(locale, Key::ReportsOfficers)}</h3>
                            <p class="muted">{tr(locale, Key::ReportsOfficersLead)}</p>
                            <div class="table-scroll">
                                <table class="report officers">
                                    <thead><tr>
                                        <th scope="col">{tr(locale, Key::ReportsOfficer)}</th>
                                        {shared::report::OFFICER_FIGURES.iter().map(|code| view! {
                                            <th scope="col">{officer_figure_name(locale, code)}</th>
                                        }).collect_view()}
                                    </tr></thead>
                                    <tbody>
                                        {r.officers.iter().map(|(name, figures)| view! {
                                            <tr>
                                                <th scope="row">{name.clone()}</th>
                                                {shared::report::OFFICER_FIGURES.iter().map(|code| {
                                                    let f = figures.iter().find(|f| f.code == *code);
                                                    let (now, before) = f.map(|f| (f.now, f.before)).unwrap_or((0, 0));
                                                    let (now, before) = if *code == "average" {
                                                        (format!("{}.{}", now / 10, now % 10), format!("{}.{}", before / 10, before % 10))
                                                    } else {
                                                        (now.to_string(), before.to_string())
                                                    };
                                                    view! { <td>{now}" "<span class="muted">"("{before}")"</span></td> }
                                                }).collect_view()}
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        </section>
                    })}
                    <crate::pages::hearings::HearingSection scope=r.scope.code() quarter=r.quarter.to_string() />
                }.into_any()
            })}
        </Suspense>
    }
}
