//! Administrators: reconciliation of our Payme transactions with Payme's statement.

use crate::api::admin::get_reconciliation;
use crate::components::error_box::Loading;
use crate::i18n::{Key, tr, trf, use_locale};
use crate::pages::{failure_view, route_id};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use shared::payment::{Mismatch, ReconcileProblem};
use shared::time::format_date;

#[component]
pub fn ReconcilePage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let error = move || {
        query
            .read()
            .get("error")
            .and_then(|code| ReconcileProblem::parse(&code))
            .map(|problem| match problem {
                ReconcileProblem::Dates => Key::ReconcileErrorDates,
                ReconcileProblem::Statement => Key::ReconcileErrorStatement,
            })
    };
    view! {
        <Title text=tr(locale, Key::ReconcileTitle) />
        <h1>{tr(locale, Key::ReconcileTitle)}</h1>
        <p class="muted">{tr(locale, Key::ReconcileLead)}</p>
        {move || error().map(|k| view! { <p class="notice error" role="alert">{tr(locale, k)}</p> })}
        <form class="stack" method="post" action="/admin/reconcile">
            <label for="from">{tr(locale, Key::ReconcileFrom)}</label>
            <input id="from" name="from" type="text" placeholder="2026-11-01" required />
            <label for="to">{tr(locale, Key::ReconcileTo)}</label>
            <input id="to" name="to" type="text" placeholder="2026-11-30" required />
            <label for="statement">{tr(locale, Key::ReconcileStatement)}</label>
            <textarea id="statement" name="statement" rows="8" required></textarea>
            <button class="button" type="submit">{tr(locale, Key::ReconcileSubmit)}</button>
        </form>
    }
}

#[component]
pub fn ReconcileRunPage() -> impl IntoView {
    let locale = use_locale();
    let run = Resource::new(route_id(), get_reconciliation);
    view! {
        <Title text=tr(locale, Key::ReconcileTitle) />
        <h1>{tr(locale, Key::ReconcileTitle)}</h1>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let run = match run.await {
                    Ok(run) => run,
                    Err(error) => return failure_view(error),
                };
                view! {
                    <p>{format_date(run.from)}" — "{format_date(run.to)}</p>
                    <p class="reconcile-summary">{trf(locale, Key::ReconcileResult, &[("ours", &run.ours.to_string()), ("theirs", &run.theirs.to_string())])}</p>
                    {run.mismatches.is_empty().then(|| view! { <p class="notice verified">{tr(locale, Key::ReconcileNone)}</p> })}
                    <ul class="list compact mismatches">
                        {run.mismatches.into_iter().map(|mismatch| {
                            let (label, id, detail) = match mismatch {
                                Mismatch::MissingHere { id, amount, state } => {
                                    (tr(locale, Key::ReconcileMissingHere), id, format!("{amount} · {state}"))
                                }
                                Mismatch::MissingThere { id, amount, state } => {
                                    (tr(locale, Key::ReconcileMissingThere), id, format!("{amount} · {state}"))
                                }
                                Mismatch::Differs { id, field, ours, theirs } => {
                                    (tr(locale, Key::ReconcileDiffers), id, format!("{field}: {ours} ≠ {theirs}"))
                                }
                            };
                            view! { <li><strong>{label}</strong><span class="mono">{id}</span><span class="muted">{detail}</span></li> }
                        }).collect_view()}
                    </ul>
                }.into_any()
            })}
        </Suspense>
    }
}
