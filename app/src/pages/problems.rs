//! Systemic problems (issue 15, point 3): a quarter's picture of a place — a heat table of
//! appeals by place and topic, the topics that grew with a chart drawn on the server, clusters
//! of appeals on one topic from one mahalla — each with a form to take it up; and a problem's
//! page, where its working group writes its plan and closes it. Plain forms and GET filters:
//! usable without JavaScript.

use crate::api::reports::{get_problem, get_problems};
use crate::components::error_box::Loading;
use crate::i18n::{Key, tr, trf, use_locale};
use crate::pages::appeals::form_error;
use crate::pages::failure_view;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use shared::Locale;
use shared::problems::{Growth, ProblemProblem, ProblemStatus, Problems, shade};

pub fn problem_key(problem: ProblemProblem) -> Key {
    match problem {
        ProblemProblem::Scope => Key::ReportsErrorScope,
        ProblemProblem::Period => Key::ReportsErrorPeriod,
        ProblemProblem::Future => Key::ReportsErrorFuture,
        ProblemProblem::Topic => Key::ProblemsErrorTopic,
        ProblemProblem::Mahalla => Key::ProblemsErrorMahalla,
        ProblemProblem::Title => Key::ProblemsErrorTitle,
        ProblemProblem::Plan => Key::ProblemsErrorPlan,
        ProblemProblem::NoPlan => Key::ProblemsErrorNoPlan,
        ProblemProblem::Result => Key::ProblemsErrorResult,
        ProblemProblem::Closed => Key::HearingErrorClosed,
        ProblemProblem::NotFound => Key::HearingErrorNotFound,
    }
}

fn status_key(status: ProblemStatus) -> Key {
    match status {
        ProblemStatus::Open => Key::ProblemsStatusOpen,
        ProblemStatus::Closed => Key::ProblemsStatusClosed,
    }
}

/// A refused take-up: the form's topic and mahalla (empty for a growing topic), why, and the
/// title that was typed.
type TakeRefusal = (String, String, ProblemProblem, String);

/// The form that takes a problem up, its title written for the head to change. When it is
/// the form that was refused, it comes back open, the reason above the title, what was typed
/// kept and the focus on it.
fn take_form(
    p: &Problems,
    topic: &str,
    mahalla: Option<&str>,
    title: String,
    refused: Option<&TakeRefusal>,
    locale: Locale,
) -> impl IntoView + use<> {
    let id = format!("take-{topic}-{}", mahalla.unwrap_or("all"));
    let refused = refused
        .filter(|(t, m, ..)| t == topic && m == mahalla.unwrap_or_default())
        .map(|(_, _, problem, typed)| (*problem, typed.clone()));
    let error = refused
        .as_ref()
        .map(|(problem, _)| form_error("problems-error", tr(locale, problem_key(*problem))));
    let (open, title) = match refused {
        Some((_, typed)) => (true, typed),
        None => (false, title),
    };
    view! {
        <details class="take" open=open>
            <summary>{tr(locale, Key::ProblemsTake)}</summary>
            <form class="stack" method="post" action="/desk/problems">
                <input type="hidden" name="scope" value=p.scope.code() />
                <input type="hidden" name="quarter" value=p.quarter.to_string() />
                <input type="hidden" name="topic" value=topic.to_string() />
                <input type="hidden" name="mahalla" value=mahalla.unwrap_or_default().to_string() />
                {error}
                <label for=id.clone()>{tr(locale, Key::ProblemsTitleLabel)}</label>
                <input id=id name="title" required maxlength="300" value=title autofocus=open />
                <button class="button" type="submit">{tr(locale, Key::ProblemsTakeButton)}</button>
            </form>
        </details>
    }
}

/// Topics this quarter beside the quarter before, as horizontal bars (SVG on the server),
/// described in words for a screen reader.
fn growth_chart(locale: Locale, p: &Problems, growth: &[Growth]) -> impl IntoView + use<> {
    let shown: Vec<&Growth> = growth
        .iter()
        .filter(|g| g.now > 0 || g.before > 0)
        .take(8)
        .collect();
    let most = shown
        .iter()
        .map(|g| g.now.max(g.before))
        .max()
        .unwrap_or(1)
        .max(1);
    let (width, row) = (320i64, 34i64);
    let bar = |n: i64| n * (width - 40) / most;
    let name = |code: &str| {
        p.topic_name(code)
            .map(|n| n.get(locale).to_string())
            .unwrap_or_else(|| code.to_string())
    };
    let described = shown
        .iter()
        .map(|g| format!("{}: {} ({})", name(&g.topic), g.now, g.before))
        .collect::<Vec<_>>()
        .join("; ");
    let height = row * shown.len() as i64 + 4;
    view! {
        <svg class="chart growth-chart" viewBox=format!("0 0 {width} {height}") role="img" aria-label=described>
            {shown.iter().enumerate().map(|(i, g)| {
                let y = i as i64 * row;
                view! {
                    <text x="0" y=(y + 10).to_string()>{name(&g.topic)}</text>
                    <rect class="before" x="0" y=(y + 13).to_string() width=bar(g.before).to_string() height="7" />
                    <rect class="now" x="0" y=(y + 21).to_string() width=bar(g.now).to_string() height="9" />
                    <text x=(bar(g.now) + 4).to_string() y=(y + 29).to_string()>{g.now.to_string()}</text>
                }
            }).collect_view()}
        </svg>
    }
}

#[component]
pub fn ProblemsPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let param = move |name: &str| query.read().get(name).unwrap_or_default();
    let kept = crate::api::kept::use_kept("problem");
    let picture = Resource::new(
        move || (param("scope"), param("quarter")),
        |(scope, quarter)| async move {
            if scope.is_empty() {
                return Ok(None);
            }
            get_problems(scope, quarter).await.map(Some)
        },
    );
    view! {
        <Title text=tr(locale, Key::ProblemsTitle) />
        <p><a href="/desk">"← "{tr(locale, Key::DeskTitle)}</a></p>
        <h1>{tr(locale, Key::ProblemsTitle)}</h1>
        <p class="muted">{tr(locale, Key::ProblemsLead)}</p>
        <crate::pages::reports::ScopeQuarterForm action="/desk/problems" />
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let p = match picture.await {
                    Ok(Some(p)) => p,
                    Ok(None) => return ().into_any(),
                    Err(crate::error::AppError::BadRequest(code)) => {
                        let problem = ProblemProblem::parse(&code).unwrap_or(ProblemProblem::Scope);
                        return form_error("problems-error", tr(locale, problem_key(problem))).into_any();
                    }
                    Err(error) => return failure_view(error),
                };
                let kept = kept.await;
                let q = query.read_untracked();
                let refused = q.get("error").and_then(|e| ProblemProblem::parse(&e));
                // A take-up refused for its own fields comes back at its form (when it is on
                // the page); anything else is said at the top.
                let at_form = refused
                    .filter(|e| matches!(e, ProblemProblem::Title | ProblemProblem::Topic | ProblemProblem::Mahalla))
                    .map(|e| (
                        q.get("topic").unwrap_or_default(),
                        q.get("mahalla").unwrap_or_default(),
                        e,
                        kept.get("title").cloned().unwrap_or_default(),
                    ))
                    .filter(|(topic, mahalla, ..)| {
                        p.can_take
                            && (p.growth.iter().any(|g| g.grows() && mahalla.is_empty() && g.topic == *topic)
                                || p.clusters.iter().any(|c| c.topic == *topic && c.mahalla == *mahalla))
                    });
                let refused = refused.filter(|_| at_form.is_none());
                drop(q);
                let hottest = p.hottest();
                let topic_name = |code: &str| p.topic_name(code).map(|n| n.get(locale).to_string()).unwrap_or_else(|| code.to_string());
                let quarter = p.quarter.to_string();
                let before = p.quarter.previous().to_string();
                view! {
                    <h2>{p.name.get(locale).to_string()}" · "{quarter.clone()}</h2>
                    {refused.map(|e| form_error("problems-error", tr(locale, problem_key(e))))}

                    <section class="stack" id="heat">
                        <h3>{tr(locale, Key::ProblemsHeatTitle)}</h3>
                        <p class="muted">{tr(locale, Key::ProblemsHeatLead)}</p>
                        {if p.places.is_empty() {
                            view! { <p class="muted">{tr(locale, Key::ProblemsNone)}</p> }.into_any()
                        } else {
                            view! {
                                <div class="table-scroll">
                                    <table class="heat">
                                        <thead><tr>
                                            <th scope="col">{tr(locale, Key::ProblemsPlace)}</th>
                                            {p.topics.iter().map(|(_, n)| view! { <th scope="col">{n.get(locale).to_string()}</th> }).collect_view()}
                                        </tr></thead>
                                        <tbody>
                                            {p.places.iter().zip(p.heat.iter()).map(|((code, n), row)| view! {
                                                <tr class=format!("place-{code}")>
                                                    <th scope="row">{n.get(locale).to_string()}</th>
                                                    {row.iter().zip(p.topics.iter()).map(|(count, (topic, _))| view! {
                                                        <td class=format!("heat-{} topic-{topic}", shade(*count, hottest))>{*count}</td>
                                                    }).collect_view()}
                                                </tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                            }.into_any()
                        }}
                    </section>

                    <section class="stack" id="growth">
                        <h3>{tr(locale, Key::ProblemsGrowthTitle)}</h3>
                        <p class="muted">{trf(locale, Key::ProblemsGrowthLead, &[("now", &quarter), ("before", &before)])}</p>
                        {growth_chart(locale, &p, &p.growth)}
                        <div class="table-scroll">
                            <table class="report growth">
                                <thead><tr>
                                    <th scope="col">{tr(locale, Key::ReportsSectionTopic)}</th>
                                    <th scope="col">{quarter.clone()}</th>
                                    <th scope="col">{before.clone()}</th>
                                    <th scope="col">{tr(locale, Key::ProblemsChange)}</th>
                                </tr></thead>
                                <tbody>
                                    {p.growth.iter().map(|g| view! {
                                        <tr class=format!("growth-{}{}", g.topic, if g.grows() { " grows" } else { "" })>
                                            <th scope="row">{topic_name(&g.topic)}</th>
                                            <td>{g.now}</td>
                                            <td class="muted">{g.before}</td>
                                            <td>{match g.percent() {
                                                Some(pc) if pc > 0 => format!("+{pc} %"),
                                                Some(pc) => format!("{pc} %"),
                                                None if g.now > 0 => tr(locale, Key::ProblemsNew).to_string(),
                                                None => "—".to_string(),
                                            }}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        {p.can_take.then(|| p.growth.iter().filter(|g| g.grows()).map(|g| {
                            let title = trf(locale, Key::ProblemsGrowthProblem, &[("topic", &topic_name(&g.topic))]);
                            view! {
                                <div class="growth-take">
                                    <p><strong>{topic_name(&g.topic)}</strong></p>
                                    {take_form(&p, &g.topic, None, title, at_form.as_ref(), locale)}
                                </div>
                            }
                        }).collect_view())}
                    </section>

                    <section class="stack" id="clusters">
                        <h3>{tr(locale, Key::ProblemsClustersTitle)}</h3>
                        <p class="muted">{tr(locale, Key::ProblemsClustersLead)}</p>
                        {if p.clusters.is_empty() {
                            view! { <p class="muted">{tr(locale, Key::ProblemsNone)}</p> }.into_any()
                        } else {
                            p.clusters.iter().map(|c| {
                                let place = format!("{}, {}", c.mahalla_name.get(locale), c.district_name.get(locale));
                                let title = format!("{} — {}", topic_name(&c.topic), c.mahalla_name.get(locale));
                                view! {
                                    <article class=format!("card stack cluster cluster-{}-{}", c.mahalla, c.topic)>
                                        <h4>{topic_name(&c.topic)}" · "{place}</h4>
                                        <p>{trf(locale, Key::ProblemsClusterCounts, &[
                                            ("appeals", &c.appeals.to_string()),
                                            ("repeats", &c.repeats.to_string()),
                                            ("collective", &c.collective.to_string()),
                                        ])}</p>
                                        <ul class="examples">
                                            {c.examples.iter().map(|(id, number, subject)| view! {
                                                <li><a href=format!("/desk/appeals/{id}")>{number.clone()}</a>" — "{subject.clone()}</li>
                                            }).collect_view()}
                                        </ul>
                                        {p.can_take.then(|| take_form(&p, &c.topic, Some(&c.mahalla), title, at_form.as_ref(), locale))}
                                    </article>
                                }
                            }).collect_view().into_any()
                        }}
                    </section>

                    <section class="stack" id="taken">
                        <h3>{tr(locale, Key::ProblemsTakenTitle)}</h3>
                        {if p.taken.is_empty() {
                            view! { <p class="muted">{tr(locale, Key::ProblemsNoneTaken)}</p> }.into_any()
                        } else {
                            view! {
                                <ul class="taken">
                                    {p.taken.iter().map(|t| view! {
                                        <li>
                                            <a href=format!("/desk/problems/{}", t.id)>{t.title.clone()}</a>" "
                                            <span class=format!("status status-{}", t.status.code())>{tr(locale, status_key(t.status))}</span>
                                        </li>
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                    </section>
                }.into_any()
            })}
        </Suspense>
    }
}

#[component]
pub fn ProblemPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let query = use_query_map();
    let problem = Resource::new(
        move || {
            params
                .read()
                .get("id")
                .and_then(|id| id.parse::<i64>().ok())
                .unwrap_or(0)
        },
        get_problem,
    );
    let kept_plan = crate::api::kept::use_kept("problem-plan");
    let kept_close = crate::api::kept::use_kept("problem-closed");
    view! {
        <p><a href="/desk/problems">"← "{tr(locale, Key::ProblemsTitle)}</a></p>
        {move || query.read().get("done").and_then(|d| match d.as_str() {
            "taken" => Some(Key::ProblemsTaken),
            "plan" => Some(Key::ProblemsPlanSaved),
            "closed" => Some(Key::ProblemsClosed),
            _ => None,
        }).map(|key| view! { <p class="notice success" role="status">{tr(locale, key)}</p> })}
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let p = match problem.await {
                    Ok(p) => p,
                    Err(crate::error::AppError::BadRequest(_)) => {
                        crate::error::set_status(404);
                        return view! { <h1>{tr(locale, Key::HearingErrorNotFound)}</h1> }.into_any();
                    }
                    Err(error) => return failure_view(error),
                };
                let (kept_plan, kept_close) = (kept_plan.await, kept_close.await);
                let refused = query.read_untracked().get("error").and_then(|e| ProblemProblem::parse(&e));
                let plan_error = refused.filter(|e| matches!(e, ProblemProblem::Plan));
                let close_error = refused.filter(|e| matches!(e, ProblemProblem::Result | ProblemProblem::NoPlan | ProblemProblem::Closed));
                let open = p.status == ProblemStatus::Open;
                let members = kept_plan.get("members").cloned().unwrap_or_else(|| p.members.clone());
                let plan = kept_plan.get("plan").cloned().or_else(|| p.plan.clone()).unwrap_or_default();
                view! {
                    <Title text=p.title.clone() />
                    <h1>{p.title.clone()}</h1>
                    <p>
                        <span class=format!("status status-{}", p.status.code())>{tr(locale, status_key(p.status))}</span>
                    </p>
                    <dl class="facts">
                        <dt>{tr(locale, Key::ReportsScope)}</dt><dd>{p.scope_name.get(locale).to_string()}" · "{p.quarter.to_string()}</dd>
                        <dt>{tr(locale, Key::ReportsSectionTopic)}</dt><dd>{p.topic_name.get(locale).to_string()}</dd>
                        {p.mahalla.as_ref().map(|(_, n)| view! { <dt>{tr(locale, Key::ProblemsMahalla)}</dt><dd>{n.get(locale).to_string()}</dd> })}
                        <dt>{tr(locale, Key::ProblemsLeader)}</dt><dd>{p.leader_name.clone()}</dd>
                        <dt>{tr(locale, Key::ProblemsMembers)}</dt><dd>{p.members.clone()}</dd>
                        <dt>{tr(locale, Key::ProblemsPlan)}</dt><dd class="plan">{p.plan.clone().unwrap_or_else(|| "—".into())}</dd>
                        {p.result.clone().map(|r| view! { <dt>{tr(locale, Key::ProblemsResult)}</dt><dd class="result">{r}</dd> })}
                    </dl>
                    {(open && p.can_edit).then(|| view! {
                        <form class="stack card" method="post" action=format!("/desk/problems/{}/plan", p.id)>
                            <h2>{tr(locale, Key::ProblemsPlanTitle)}</h2>
                            <label for="problem-members">{tr(locale, Key::ProblemsMembers)}</label>
                            <textarea id="problem-members" name="members" rows="2" maxlength="4000">{members}</textarea>
                            {plan_error.map(|e| form_error("plan-error", tr(locale, problem_key(e))))}
                            <label for="problem-plan">{tr(locale, Key::ProblemsPlan)}</label>
                            <textarea id="problem-plan" name="plan" rows="5" required maxlength="4000" autofocus=plan_error.is_some()>{plan}</textarea>
                            <button class="button" type="submit">{tr(locale, Key::ProblemsPlanSave)}</button>
                        </form>
                        <form class="stack card" method="post" action=format!("/desk/problems/{}/close", p.id)>
                            <h2>{tr(locale, Key::ProblemsCloseTitle)}</h2>
                            {close_error.map(|e| form_error("closed-error", tr(locale, problem_key(e))))}
                            <label for="problem-result">{tr(locale, Key::ProblemsResult)}</label>
                            <textarea id="problem-result" name="result" rows="3" required maxlength="4000"
                                autofocus=close_error.is_some()>{kept_close.get("result").cloned().unwrap_or_default()}</textarea>
                            <button class="button secondary" type="submit">{tr(locale, Key::ProblemsClose)}</button>
                        </form>
                    })}
                    <h2>{tr(locale, Key::ProblemsAppeals)}</h2>
                    {if p.appeals.is_empty() {
                        view! { <p class="muted">{tr(locale, Key::ProblemsNone)}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="examples">
                                {p.appeals.iter().map(|(id, number, subject)| view! {
                                    <li><a href=format!("/desk/appeals/{id}")>{number.clone()}</a>" — "{subject.clone()}</li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                }.into_any()
            })}
        </Suspense>
    }
}
