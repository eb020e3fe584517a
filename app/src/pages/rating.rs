//! The six-monthly rating of bodies, published openly (issue 15): every body's grade and five
//! criteria, the regions' statistics of appeals, how each figure is computed, and each body's
//! history with a chart drawn on the server. A GET form chooses the half-year, so the pages
//! work without JavaScript; nothing on them is personal.

use crate::api::rating::{get_rating, get_rating_body, get_rating_settings};
use crate::components::error_box::Loading;
use crate::i18n::{Key, tr, trf, use_locale};
use crate::pages::failure_view;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use shared::Locale;
use shared::rating::{BodyRating, Criterion, Grade, HalfYear, RatingProblem, RatingSetting, RatingSettings};

pub fn problem_key(problem: RatingProblem) -> Key {
    match problem {
        RatingProblem::Period => Key::RatingErrorPeriod,
        RatingProblem::Future => Key::RatingErrorFuture,
        RatingProblem::Body => Key::RatingErrorBody,
        RatingProblem::Setting => Key::RatingErrorSetting,
        RatingProblem::Order => Key::RatingErrorOrder,
    }
}

pub fn criterion_key(criterion: Criterion) -> Key {
    match criterion {
        Criterion::Share => Key::RatingCriterionShare,
        Criterion::Resolution => Key::RatingCriterionResolution,
        Criterion::Deadline => Key::RatingCriterionDeadline,
        Criterion::Reexecution => Key::RatingCriterionReexecution,
        Criterion::Repetition => Key::RatingCriterionRepetition,
    }
}

/// How a criterion is computed, in words.
fn formula_key(criterion: Criterion) -> Key {
    match criterion {
        Criterion::Share => Key::RatingFormulaShare,
        Criterion::Resolution => Key::RatingFormulaResolution,
        Criterion::Deadline => Key::RatingFormulaDeadline,
        Criterion::Reexecution => Key::RatingFormulaReexecution,
        Criterion::Repetition => Key::RatingFormulaRepetition,
    }
}

pub fn grade_key(grade: Grade) -> Key {
    match grade {
        Grade::Green => Key::RatingGradeGreen,
        Grade::Yellow => Key::RatingGradeYellow,
        Grade::Red => Key::RatingGradeRed,
    }
}

fn setting_key(setting: RatingSetting) -> Key {
    match setting {
        RatingSetting::Green => Key::RatingSettingGreen,
        RatingSetting::Yellow => Key::RatingSettingYellow,
        RatingSetting::MinClosed => Key::RatingSettingMinClosed,
        RatingSetting::WeightShare => Key::RatingSettingWeightShare,
        RatingSetting::WeightResolution => Key::RatingSettingWeightResolution,
        RatingSetting::WeightDeadline => Key::RatingSettingWeightDeadline,
        RatingSetting::WeightReexecution => Key::RatingSettingWeightReexecution,
        RatingSetting::WeightRepetition => Key::RatingSettingWeightRepetition,
    }
}

/// `2026-H1` as the reader says it.
pub fn half_name(locale: Locale, half: HalfYear) -> String {
    let key = if half.h == 1 {
        Key::RatingHalfFirst
    } else {
        Key::RatingHalfSecond
    };
    trf(locale, key, &[("year", &half.year.to_string())])
}

/// Per mille as a percent with one decimal: 775 → `77.5 %`; nothing to divide by → `—`.
pub fn percent(value: Option<i64>) -> String {
    match value {
        Some(v) => format!("{}.{} %", v / 10, v % 10),
        None => "—".into(),
    }
}

/// A grade as a badge that says it in words, not by colour alone.
fn grade_badge(locale: Locale, grade: Option<Grade>) -> impl IntoView {
    match grade {
        Some(g) => {
            view! { <span class=format!("grade grade-{}", g.code())>{tr(locale, grade_key(g))}</span> }
                .into_any()
        }
        None => view! { <span class="grade grade-none">{tr(locale, Key::RatingNotGraded)}</span> }.into_any(),
    }
}

/// The score with a bar as long as it (a chart that needs no script).
fn score_cell(score: Option<i64>, grade: Option<Grade>) -> impl IntoView {
    let width = score.map(|s| s / 10).unwrap_or(0);
    let class = format!("bar bar-{}", grade.map(|g| g.code()).unwrap_or("none"));
    view! {
        <td class="score">
            <span class="value">{percent(score)}</span>
            <span class="bar-track" aria-hidden="true"><span class=class style=format!("width: {width}%")></span></span>
        </td>
    }
}

/// How every figure is computed, with the settings the half-year was graded by.
fn how_computed(locale: Locale, settings: &RatingSettings) -> impl IntoView {
    let weight = |c: Criterion| settings.get(RatingSetting::weight_of(c)).to_string();
    view! {
        <section class="card stack" id="how">
            <h2>{tr(locale, Key::RatingHowTitle)}</h2>
            <p>{tr(locale, Key::RatingHowResponsible)}</p>
            <dl class="formulas">
                {Criterion::ALL.iter().map(|&c| view! {
                    <dt>{tr(locale, criterion_key(c))}</dt>
                    <dd>{tr(locale, formula_key(c))}" "
                        <span class="muted">{trf(locale, Key::RatingWeight, &[("weight", &weight(c))])}</span>
                    </dd>
                }).collect_view()}
            </dl>
            <p>{tr(locale, Key::RatingHowScore)}</p>
            <p>{trf(locale, Key::RatingHowGrade, &[
                ("green", &percent(Some(settings.get(RatingSetting::Green)))),
                ("yellow", &percent(Some(settings.get(RatingSetting::Yellow)))),
                ("min", &settings.get(RatingSetting::MinClosed).to_string()),
            ])}</p>
            <p>{tr(locale, Key::RatingHowFrozen)}</p>
        </section>
    }
}

fn criteria_cells(b: &BodyRating) -> impl IntoView + use<> {
    Criterion::ALL
        .iter()
        .map(|&c| view! { <td class=format!("criterion-{}", c.code())>{percent(b.value(c))}</td> })
        .collect_view()
}

fn criteria_heads(locale: Locale) -> impl IntoView {
    Criterion::ALL
        .iter()
        .map(|&c| view! { <th scope="col">{tr(locale, criterion_key(c))}</th> })
        .collect_view()
}

#[component]
pub fn RatingPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let rating = Resource::new(move || query.read().get("period").unwrap_or_default(), get_rating);
    view! {
        <Title text=tr(locale, Key::RatingTitle) />
        <h1>{tr(locale, Key::RatingTitle)}</h1>
        <p class="lead">{tr(locale, Key::RatingLead)}</p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let r = match rating.await {
                    Ok(r) => r,
                    Err(crate::error::AppError::BadRequest(code)) => {
                        let problem = RatingProblem::parse(&code).unwrap_or(RatingProblem::Period);
                        return view! {
                            {crate::pages::appeals::form_error("rating-error", tr(locale, problem_key(problem)))}
                            <p><a href="/rating">{tr(locale, Key::RatingCurrent)}</a></p>
                        }.into_any();
                    }
                    Err(error) => return failure_view(error),
                };
                let period = r.period.to_string();
                let status = match r.frozen_at {
                    Some(at) => view! {
                        <p class="notice success status-final">{trf(locale, Key::RatingFinal, &[("date", &shared::time::format_date(at))])}</p>
                    }.into_any(),
                    None if r.periods.first() == Some(&r.period) => view! {
                        <p class="notice status-provisional">{tr(locale, Key::RatingProvisional)}</p>
                    }.into_any(),
                    None => ().into_any(),
                };
                let files = format!("period={period}");
                view! {
                    <form class="stack filter" method="get" action="/rating">
                        <label for="rating-period">{tr(locale, Key::RatingPeriod)}</label>
                        <select id="rating-period" name="period">
                            {r.periods.iter().map(|h| view! {
                                <option value=h.to_string() selected=*h == r.period>{half_name(locale, *h)}</option>
                            }).collect_view()}
                        </select>
                        <button class="button secondary" type="submit">{tr(locale, Key::ReportsShow)}</button>
                    </form>
                    <h2>{half_name(locale, r.period)}</h2>
                    {status}
                    <p class="row">
                        <a href=format!("/rating.csv?{files}") download="">{tr(locale, Key::ReportsCsv)}</a>
                        <a href=format!("/rating.xlsx?{files}") download="">{tr(locale, Key::ReportsXlsx)}</a>
                        <a href=format!("/rating.pdf?{files}") download="">{tr(locale, Key::ReportsPdf)}</a>
                        <a href="#how">{tr(locale, Key::RatingHowTitle)}</a>
                    </p>
                    {if r.bodies.is_empty() {
                        view! { <p class="muted">{tr(locale, Key::RatingEmpty)}</p> }.into_any()
                    } else {
                        view! {
                            <div class="table-scroll">
                                <table class="rating">
                                    <thead><tr>
                                        <th scope="col">"№"</th>
                                        <th scope="col">{tr(locale, Key::RatingBody)}</th>
                                        <th scope="col">{tr(locale, Key::RatingGrade)}</th>
                                        <th scope="col">{tr(locale, Key::RatingScore)}</th>
                                        {criteria_heads(locale)}
                                    </tr></thead>
                                    <tbody>
                                        {r.bodies.iter().enumerate().map(|(i, b)| view! {
                                            <tr class=format!("body-{}", b.body)>
                                                <td>{b.score.map(|_| (i + 1).to_string()).unwrap_or_default()}</td>
                                                <th scope="row"><a href=format!("/rating/body/{}", b.body)>{b.name.get(locale).to_string()}</a></th>
                                                <td>{grade_badge(locale, b.grade)}</td>
                                                {score_cell(b.score, b.grade)}
                                                {criteria_cells(b)}
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any()
                    }}
                    <section class="stack">
                        <h2>{tr(locale, Key::RatingRegionsTitle)}</h2>
                        <p class="muted">{tr(locale, Key::RatingRegionsLead)}</p>
                        <div class="table-scroll">
                            <table class="rating regions">
                                <thead><tr>
                                    <th scope="col">{tr(locale, Key::RatingRegion)}</th>
                                    <th scope="col">{tr(locale, Key::RatingReceived)}</th>
                                    <th scope="col">{tr(locale, Key::RatingClosed)}</th>
                                    <th scope="col">{tr(locale, Key::RatingCriterionResolution)}</th>
                                    <th scope="col">{tr(locale, Key::RatingCriterionDeadline)}</th>
                                </tr></thead>
                                <tbody>
                                    {r.regions.iter().map(|g| view! {
                                        <tr class=format!("region-{}", g.soato)>
                                            <th scope="row">{g.name.get(locale).to_string()}</th>
                                            <td>{g.counts.received}</td>
                                            <td>{g.counts.closed}</td>
                                            <td>{percent(g.counts.value(Criterion::Resolution, 0))}</td>
                                            <td>{percent(g.counts.value(Criterion::Deadline, 0))}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    </section>
                    {how_computed(locale, &r.settings)}
                }.into_any()
            })}
        </Suspense>
    }
}

/// A body's scores over the half-years as bars, oldest first, with the green and yellow
/// thresholds of the newest settings as lines: SVG drawn on the server, described in words.
fn history_chart(
    locale: Locale,
    points: &[(HalfYear, Option<i64>, Option<Grade>)],
    settings: &RatingSettings,
) -> impl IntoView {
    let (width, height, top, bottom) = (320, 160, 10, 130);
    let y = |score: i64| bottom - (score * (bottom - top) / 1000);
    let slot = if points.is_empty() {
        width
    } else {
        width / points.len() as i64
    };
    let bar = (slot * 6 / 10).max(4);
    let described = points
        .iter()
        .map(|(h, s, _)| format!("{}: {}", half_name(locale, *h), percent(*s)))
        .collect::<Vec<_>>()
        .join("; ");
    let green = y(settings.get(RatingSetting::Green));
    let yellow = y(settings.get(RatingSetting::Yellow));
    view! {
        <svg class="chart" viewBox=format!("0 0 {width} {height}") role="img" aria-label=described>
            <line x1="0" x2=width.to_string() y1=bottom.to_string() y2=bottom.to_string() class="axis" />
            <line x1="0" x2=width.to_string() y1=green.to_string() y2=green.to_string() class="threshold threshold-green" />
            <line x1="0" x2=width.to_string() y1=yellow.to_string() y2=yellow.to_string() class="threshold threshold-yellow" />
            {points.iter().enumerate().map(|(i, (h, score, grade))| {
                let x = i as i64 * slot + (slot - bar) / 2;
                let s = score.unwrap_or(0);
                let class = format!("bar-{}", grade.map(|g| g.code()).unwrap_or("none"));
                view! {
                    <rect x=x.to_string() y=y(s).to_string() width=bar.to_string() height=(bottom - y(s)).to_string() class=class />
                    <text x=(x + bar / 2).to_string() y=(bottom + 14).to_string() text-anchor="middle">{h.to_string()}</text>
                    <text x=(x + bar / 2).to_string() y=(y(s) - 2).max(top).to_string() text-anchor="middle">{percent(*score)}</text>
                }
            }).collect_view()}
        </svg>
    }
}

#[component]
pub fn RatingBodyPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let history = Resource::new(
        move || {
            params
                .read()
                .get("id")
                .and_then(|id| id.parse::<i64>().ok())
                .unwrap_or(0)
        },
        get_rating_body,
    );
    view! {
        <p><a href="/rating">"← "{tr(locale, Key::RatingTitle)}</a></p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let h = match history.await {
                    Ok(h) => h,
                    Err(crate::error::AppError::BadRequest(_)) => {
                        crate::error::set_status(404);
                        return view! { <h1>{tr(locale, Key::RatingErrorBody)}</h1> }.into_any();
                    }
                    Err(error) => return failure_view(error),
                };
                let name = h.name.get(locale).to_string();
                let mut points: Vec<_> = h.periods.iter().map(|(half, _, b, _)| (*half, b.score, b.grade)).collect();
                points.reverse();
                let settings = h.periods.first().map(|p| p.3.clone()).unwrap_or_default();
                view! {
                    <Title text=name.clone() />
                    <h1>{name}</h1>
                    <p class="lead">{tr(locale, Key::RatingBodyLead)}</p>
                    {if h.periods.is_empty() {
                        view! { <p class="muted">{tr(locale, Key::RatingEmpty)}</p> }.into_any()
                    } else {
                        view! {
                            {history_chart(locale, &points, &settings)}
                            <div class="table-scroll">
                                <table class="rating history">
                                    <thead><tr>
                                        <th scope="col">{tr(locale, Key::RatingPeriod)}</th>
                                        <th scope="col">{tr(locale, Key::RatingGrade)}</th>
                                        <th scope="col">{tr(locale, Key::RatingScore)}</th>
                                        {criteria_heads(locale)}
                                        <th scope="col">{tr(locale, Key::RatingReceived)}</th>
                                        <th scope="col">{tr(locale, Key::RatingClosed)}</th>
                                    </tr></thead>
                                    <tbody>
                                        {h.periods.iter().map(|(half, frozen, b, _)| view! {
                                            <tr class=format!("period-{half}")>
                                                <th scope="row">
                                                    <a href=format!("/rating?period={half}")>{half_name(locale, *half)}</a>
                                                    {(!frozen).then(|| view! { " " <span class="muted">{tr(locale, Key::RatingProvisionalShort)}</span> })}
                                                </th>
                                                <td>{grade_badge(locale, b.grade)}</td>
                                                {score_cell(b.score, b.grade)}
                                                {criteria_cells(b)}
                                                <td>{b.counts.received}</td>
                                                <td>{b.counts.closed}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any()
                    }}
                    {how_computed(locale, &settings)}
                }.into_any()
            })}
        </Suspense>
    }
}

/// The rating's settings for administrators: every setting on one form, the one at fault
/// marked when refused.
#[component]
pub fn RatingSettingsPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let settings = Resource::new(|| (), |_| get_rating_settings());
    let kept = crate::api::kept::use_kept("rating");
    view! {
        <Title text=tr(locale, Key::RatingSettingsTitle) />
        <h1>{tr(locale, Key::RatingSettingsTitle)}</h1>
        <p class="muted">{tr(locale, Key::RatingSettingsLead)}</p>
        {move || query.read().get("saved").map(|_| view! { <p class="notice success" role="status">{tr(locale, Key::TermsSaved)}</p> })}
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let s = match settings.await {
                    Ok(s) => s,
                    Err(error) => return failure_view(error),
                };
                let kept = kept.await;
                let at_fault = query.read_untracked().get("field").and_then(|f| RatingSetting::parse(&f));
                let problem = query
                    .read_untracked()
                    .get("error")
                    .and_then(|e| RatingProblem::parse(&e))
                    .unwrap_or(RatingProblem::Setting);
                view! {
                    <form class="stack" method="post" action="/admin/rating">
                        {RatingSetting::ALL.iter().map(|&setting| {
                            let id = format!("rating-{}", setting.code());
                            let range = setting.range();
                            let value = kept.get(setting.code()).cloned().unwrap_or_else(|| s.get(setting).to_string());
                            view! {
                                {(at_fault == Some(setting)).then(|| crate::pages::appeals::form_error("rating-error", tr(locale, problem_key(problem))))}
                                <label for=id.clone()>{tr(locale, setting_key(setting))}</label>
                                <input id=id name=setting.code() type="number" required min=range.start().to_string()
                                    max=range.end().to_string() value=value autofocus=at_fault == Some(setting) />
                            }
                        }).collect_view()}
                        <button class="button" type="submit">{tr(locale, Key::TermsSave)}</button>
                    </form>
                    <p><a href="/rating">{tr(locale, Key::RatingTitle)}</a></p>
                }.into_any()
            })}
        </Suspense>
    }
}
