//! Reports heard and what follows (issue 15, point 2): the hearing under a report (recorded by
//! a head, with its decisions, owners and due days), an owner's list of decisions, and the
//! register of proposals to the Cabinet of Ministers. Plain forms, usable without JavaScript;
//! a refusal is said above the field at fault, with what was typed kept.

use crate::api::reports::{get_hearing, get_my_decisions, get_proposals};
use crate::components::error_box::Loading;
use crate::i18n::{Key, tr, use_locale};
use crate::pages::appeals::form_error;
use crate::pages::failure_view;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use shared::Locale;
use shared::report::{Decision, DecisionStatus, HearingProblem};

pub fn problem_key(problem: HearingProblem) -> Key {
    match problem {
        HearingProblem::Scope => Key::ReportsErrorScope,
        HearingProblem::Period => Key::ReportsErrorPeriod,
        HearingProblem::Future => Key::ReportsErrorFuture,
        HearingProblem::Day => Key::HearingErrorDay,
        HearingProblem::Participants => Key::HearingErrorParticipants,
        HearingProblem::Recorded => Key::HearingErrorRecorded,
        HearingProblem::NotRecorded | HearingProblem::NotFound => Key::HearingErrorNotFound,
        HearingProblem::Text => Key::HearingErrorText,
        HearingProblem::Owner => Key::HearingErrorOwner,
        HearingProblem::Phone => Key::HearingErrorPhone,
        HearingProblem::Due => Key::HearingErrorDue,
        HearingProblem::Note => Key::HearingErrorNote,
        HearingProblem::Closed => Key::HearingErrorClosed,
    }
}

fn status_key(status: DecisionStatus) -> Key {
    match status {
        DecisionStatus::Open => Key::HearingStatusOpen,
        DecisionStatus::Overdue => Key::HearingStatusOverdue,
        DecisionStatus::Done => Key::HearingStatusDone,
        DecisionStatus::DoneLate => Key::HearingStatusDoneLate,
    }
}

fn status_badge(locale: Locale, status: DecisionStatus) -> impl IntoView {
    view! { <span class=format!("status status-{}", status.code())>{tr(locale, status_key(status))}</span> }
}

/// The refusal in the query, when it is about `field` (one of the problems in `at`).
fn refused(query: &leptos_router::params::ParamsMap, at: &[HearingProblem]) -> Option<HearingProblem> {
    query
        .get("error")
        .and_then(|e| HearingProblem::parse(&e))
        .filter(|p| at.contains(p))
}

/// A decision, with the form that marks it done when the reader may.
fn decision_view(
    locale: Locale,
    d: &Decision,
    back: String,
    error: Option<HearingProblem>,
    kept_note: String,
) -> impl IntoView + use<> {
    let id = d.id;
    let error_id = format!("decision-{id}-error");
    let note_id = format!("decision-{id}-note");
    view! {
        <article class="card stack decision" id=format!("decision-{id}")>
            <p class="decision-text">{d.text.clone()}</p>
            <p class="muted">
                {tr(locale, Key::HearingOwner)}": "{d.owner_name.clone()}" · "
                {tr(locale, Key::HearingDue)}": "{d.due_day.clone()}
            </p>
            <p>{status_badge(locale, d.status)}</p>
            {d.done_note.clone().map(|note| view! { <p><strong>{tr(locale, Key::HearingDoneNote)}": "</strong>{note}</p> })}
            {d.can_close.then(|| view! {
                <form class="stack" method="post" action=format!("/decisions/{id}/done")>
                    <input type="hidden" name="back" value=back />
                    {error.map(|p| view! {
                        <p class="notice error" role="alert" id=error_id.clone() tabindex="-1">{tr(locale, problem_key(p))}</p>
                    })}
                    <label for=note_id.clone()>{tr(locale, Key::HearingDoneNote)}</label>
                    <textarea id=note_id name="note" rows="2" required maxlength="4000" autofocus=error.is_some()>{kept_note}</textarea>
                    <button class="button secondary" type="submit">{tr(locale, Key::HearingMarkDone)}</button>
                </form>
            })}
        </article>
    }
}

/// The hearing of a report, under it: recorded or the form to record it, its decisions and the
/// form to add one.
#[component]
pub fn HearingSection(scope: String, quarter: String) -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let back = format!(
        "/desk/reports?scope={}&quarter={}",
        shared::url::encode(&scope),
        shared::url::encode(&quarter)
    );
    let view_of = Resource::new(
        {
            let (scope, quarter) = (scope.clone(), quarter.clone());
            move || (scope.clone(), quarter.clone())
        },
        |(scope, quarter)| get_hearing(scope, quarter),
    );
    let kept_hearing = crate::api::kept::use_kept("hearing");
    let kept_decision = crate::api::kept::use_kept("decision");
    let kept_done = crate::api::kept::use_kept("decision-done");
    view! {
        <section class="stack" id="hearing">
            <h2>{tr(locale, Key::HearingTitle)}</h2>
            {move || query.read().get("done").and_then(|d| match d.as_str() {
                "hearing" => Some(Key::HearingRecorded),
                "decision" => Some(Key::HearingDecisionAdded),
                "closed" => Some(Key::HearingClosed),
                _ => None,
            }).map(|key| view! { <p class="notice success" role="status">{tr(locale, key)}</p> })}
            <Suspense fallback=Loading>
                {move || {
                    let (scope, quarter, back) = (scope.clone(), quarter.clone(), back.clone());
                    Suspend::new(async move {
                        let v = match view_of.await {
                            Ok(v) => v,
                            Err(error) => return failure_view(error),
                        };
                        let (kept_hearing, kept_decision, kept_done) = (kept_hearing.await, kept_decision.await, kept_done.await);
                        let q = query.read_untracked();
                        let kept = |k: &std::collections::BTreeMap<String, String>, f: &str| k.get(f).cloned().unwrap_or_default();
                        match v.hearing {
                            Some(h) => {
                                let closing: Option<i64> = q.get("decision").and_then(|d| d.parse().ok());
                                let done_error = refused(&q, &[HearingProblem::Note, HearingProblem::Closed]);
                                let decision_error = refused(&q, &[
                                    HearingProblem::Text, HearingProblem::Owner, HearingProblem::Phone, HearingProblem::Due,
                                ]).filter(|_| closing.is_none());
                                let at = |p: HearingProblem| decision_error == Some(p);
                                let error_at = move |p: HearingProblem| at(p).then(|| form_error("decision-error", tr(locale, problem_key(p))));
                                view! {
                                    <p>{tr(locale, Key::HearingHeldDay)}": "<strong class="held-day">{h.held_day.clone()}</strong></p>
                                    <p>{tr(locale, Key::HearingParticipants)}": "{h.participants.clone()}</p>
                                    <h3>{tr(locale, Key::HearingDecisions)}</h3>
                                    {if h.decisions.is_empty() {
                                        view! { <p class="muted">{tr(locale, Key::HearingNoDecisions)}</p> }.into_any()
                                    } else {
                                        h.decisions.iter().map(|d| {
                                            let mine = closing == Some(d.id);
                                            decision_view(
                                                locale,
                                                d,
                                                back.clone(),
                                                done_error.filter(|_| mine),
                                                if mine { kept(&kept_done, "note") } else { String::new() },
                                            )
                                        }).collect_view().into_any()
                                    }}
                                    {v.can_record.then(|| view! {
                                        <form class="stack card" method="post" action=format!("/desk/reports/hearing/{}/decision", h.id)>
                                            <h3>{tr(locale, Key::HearingAddDecision)}</h3>
                                            <input type="hidden" name="scope" value=scope.clone() />
                                            <input type="hidden" name="quarter" value=quarter.clone() />
                                            {error_at(HearingProblem::Text)}
                                            <label for="decision-text">{tr(locale, Key::HearingDecisionText)}</label>
                                            <textarea id="decision-text" name="text" rows="3" required maxlength="4000"
                                                autofocus=at(HearingProblem::Text)>{kept(&kept_decision, "text")}</textarea>
                                            {error_at(HearingProblem::Owner)}
                                            <label for="decision-owner">{tr(locale, Key::HearingOwnerName)}</label>
                                            <input id="decision-owner" name="owner_name" required maxlength="200"
                                                value=kept(&kept_decision, "owner_name") autofocus=at(HearingProblem::Owner) />
                                            {error_at(HearingProblem::Phone)}
                                            <label for="decision-phone">{tr(locale, Key::HearingOwnerPhone)}</label>
                                            <input id="decision-phone" name="owner_phone" type="tel" inputmode="tel" required
                                                value=kept(&kept_decision, "owner_phone") autofocus=at(HearingProblem::Phone) />
                                            {error_at(HearingProblem::Due)}
                                            <label for="decision-due">{tr(locale, Key::HearingDue)}</label>
                                            <input id="decision-due" name="due_day" type="date" required
                                                value=kept(&kept_decision, "due_day") autofocus=at(HearingProblem::Due) />
                                            <button class="button" type="submit">{tr(locale, Key::HearingAddDecision)}</button>
                                        </form>
                                    })}
                                }.into_any()
                            }
                            None if v.can_record => {
                                let error = refused(&q, &[
                                    HearingProblem::Day, HearingProblem::Participants, HearingProblem::Recorded,
                                    HearingProblem::Future, HearingProblem::Scope,
                                ]);
                                let at = |p: HearingProblem| error == Some(p);
                                view! {
                                    <p class="muted">{tr(locale, Key::HearingNotYet)}</p>
                                    <form class="stack card" method="post" action="/desk/reports/hearing">
                                        <input type="hidden" name="scope" value=scope.clone() />
                                        <input type="hidden" name="quarter" value=quarter.clone() />
                                        {error.filter(|p| !matches!(p, HearingProblem::Participants)).map(|p| form_error("hearing-error", tr(locale, problem_key(p))))}
                                        <label for="hearing-day">{tr(locale, Key::HearingHeldDay)}</label>
                                        <input id="hearing-day" name="held_day" type="date" required
                                            value=kept(&kept_hearing, "held_day") autofocus=at(HearingProblem::Day) />
                                        {at(HearingProblem::Participants).then(|| form_error("hearing-error", tr(locale, problem_key(HearingProblem::Participants))))}
                                        <label for="hearing-participants">{tr(locale, Key::HearingParticipants)}</label>
                                        <textarea id="hearing-participants" name="participants" rows="3" required maxlength="4000"
                                            autofocus=at(HearingProblem::Participants)>{kept(&kept_hearing, "participants")}</textarea>
                                        <button class="button" type="submit">{tr(locale, Key::HearingRecord)}</button>
                                    </form>
                                }.into_any()
                            }
                            None => view! { <p class="muted">{tr(locale, Key::HearingNotYet)}</p> }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </section>
    }
}

/// The decisions a person owns, each with the form that marks it done.
#[component]
pub fn DecisionsPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let decisions = Resource::new(|| (), |_| get_my_decisions());
    let kept = crate::api::kept::use_kept("decision-done");
    view! {
        <Title text=tr(locale, Key::DecisionsTitle) />
        <h1>{tr(locale, Key::DecisionsTitle)}</h1>
        <p class="muted">{tr(locale, Key::DecisionsLead)}</p>
        {move || query.read().get("done").map(|_| view! { <p class="notice success" role="status">{tr(locale, Key::HearingClosed)}</p> })}
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let list = match decisions.await {
                    Ok(list) => list,
                    Err(error) => return failure_view(error),
                };
                let kept = kept.await;
                let q = query.read_untracked();
                let closing: Option<i64> = q.get("decision").and_then(|d| d.parse().ok());
                let error = refused(&q, &[HearingProblem::Note, HearingProblem::Closed]);
                if list.is_empty() {
                    return view! { <p class="muted">{tr(locale, Key::DecisionsEmpty)}</p> }.into_any();
                }
                list.iter().map(|d| {
                    let mine = closing == Some(d.id);
                    view! {
                        <p class="muted">{d.scope_name.get(locale).to_string()}" · "{d.quarter.to_string()}</p>
                        {decision_view(
                            locale,
                            d,
                            "/decisions".to_string(),
                            error.filter(|_| mine),
                            if mine { kept.get("note").cloned().unwrap_or_default() } else { String::new() },
                        )}
                    }
                }).collect_view().into_any()
            })}
        </Suspense>
    }
}

/// The register of each ministry's quarterly proposals to the Cabinet of Ministers.
#[component]
pub fn ProposalsPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let register = Resource::new(|| (), |_| get_proposals());
    let kept = crate::api::kept::use_kept("proposals");
    view! {
        <Title text=tr(locale, Key::ProposalsTitle) />
        <p><a href="/desk">"← "{tr(locale, Key::DeskTitle)}</a></p>
        <h1>{tr(locale, Key::ProposalsTitle)}</h1>
        <p class="muted">{tr(locale, Key::ProposalsLead)}</p>
        {move || query.read().get("done").map(|_| view! { <p class="notice success" role="status">{tr(locale, Key::ProposalsSent)}</p> })}
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let list = match register.await {
                    Ok(list) => list,
                    Err(error) => return failure_view(error),
                };
                let kept = kept.await;
                let q = query.read_untracked();
                let at: Option<i64> = q.get("proposal").and_then(|d| d.parse().ok());
                let error = refused(&q, &[HearingProblem::Text, HearingProblem::Closed]);
                if list.is_empty() {
                    return view! { <p class="muted">{tr(locale, Key::ProposalsEmpty)}</p> }.into_any();
                }
                list.iter().map(|p| {
                    let id = p.id;
                    let mine = at == Some(id);
                    let text_id = format!("proposal-{id}-text");
                    view! {
                        <article class="card stack" id=format!("proposal-{id}")>
                            <h2>{p.body_name.get(locale).to_string()}" · "{p.quarter.to_string()}</h2>
                            <p>{tr(locale, Key::HearingDue)}": "{p.due_day.clone()}" "{status_badge(locale, p.status)}</p>
                            {p.submitted_at.map(|at| view! {
                                <p class="muted">{tr(locale, Key::ProposalsSentOn)}": "{shared::time::format_date(at)}</p>
                            })}
                            {p.text.clone().map(|t| view! { <p class="proposal-text">{t}</p> })}
                            {p.can_submit.then(|| view! {
                                <form class="stack" method="post" action=format!("/desk/proposals/{id}")>
                                    {error.filter(|_| mine).map(|e| view! {
                                        <p class="notice error" role="alert" id=format!("proposal-{id}-error") tabindex="-1">{tr(locale, problem_key(e))}</p>
                                    })}
                                    <label for=text_id.clone()>{tr(locale, Key::ProposalsText)}</label>
                                    <textarea id=text_id name="text" rows="4" required maxlength="4000" autofocus=mine>{
                                        if mine { kept.get("text").cloned().unwrap_or_default() } else { String::new() }
                                    }</textarea>
                                    <button class="button" type="submit">{tr(locale, Key::ProposalsSubmit)}</button>
                                </form>
                            })}
                        </article>
                    }
                }).collect_view().into_any()
            })}
        </Suspense>
    }
}
