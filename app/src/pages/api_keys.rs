//! Administrators: the keys other systems file Open311 requests with — issue one to a named
//! party with a daily limit (the key is shown once), see what each filed, revoke.

use crate::api::admin::api_keys;
use crate::components::error_box::Loading;
use crate::i18n::{Key, tr, trf, use_locale};
use crate::pages::failure_view;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use shared::auth::ApiKeyProblem;
use shared::time::format_date;

fn problem_key(problem: ApiKeyProblem) -> Key {
    match problem {
        ApiKeyProblem::Party => Key::ApiKeysErrorParty,
        ApiKeyProblem::PerDay => Key::ApiKeysErrorPerDay,
    }
}

#[component]
pub fn ApiKeysPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let keys = Resource::new(|| (), |_| api_keys());
    let kept = crate::api::kept::use_kept("api_keys");
    let refused = move || {
        query
            .read()
            .get("error")
            .and_then(|code| ApiKeyProblem::parse(&code))
            .map(problem_key)
    };
    view! {
        <Title text=tr(locale, Key::ApiKeysTitle) />
        <h1>{tr(locale, Key::ApiKeysTitle)}</h1>
        <p class="muted">{tr(locale, Key::ApiKeysLead)}</p>
        {move || query.read().get("revoked").map(|_| view! { <p class="notice success" role="status">{tr(locale, Key::ApiKeysRevoked)}</p> })}
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let page = match keys.await {
                    Ok(p) => p,
                    Err(error) => return failure_view(error),
                };
                let kept = kept.await;
                let typed = move |name: &str| kept.get(name).cloned().unwrap_or_default();
                let per_day = Some(typed("per_day")).filter(|v| !v.is_empty()).unwrap_or_else(|| "1000".to_string());
                view! {
                    {page.issued.map(|(party, key)| view! {
                        <div id="api-key-issued" class="notice success" role="status">
                            <p>{trf(locale, Key::ApiKeysIssued, &[("party", &party)])}</p>
                            <p><code class="api-key">{key}</code></p>
                        </div>
                    })}
                    {refused().map(|k| crate::pages::appeals::form_error("api-key-error", tr(locale, k)))}
                    <h2>{tr(locale, Key::ApiKeysIssue)}</h2>
                    <form class="stack" method="post" action="/admin/api-keys">
                        <label for="api-key-party">{tr(locale, Key::ApiKeysParty)}</label>
                        <input id="api-key-party" name="party" type="text" required maxlength="200" value=typed("party") />
                        <label for="api-key-per-day">{tr(locale, Key::ApiKeysPerDay)}</label>
                        <input id="api-key-per-day" name="per_day" type="number" min="1" max="100000" required value=per_day />
                        <button class="button" type="submit">{tr(locale, Key::ApiKeysIssue)}</button>
                    </form>
                    <ul class="list api-keys">
                        {page.keys.into_iter().map(|k| view! {
                            <li>
                                <strong>{k.party.clone()}</strong>
                                <span class="muted">
                                    <code>{format!("{}…", k.prefix)}</code>" · "
                                    {trf(locale, Key::ApiKeysFacts, &[
                                        ("date", &format_date(k.issued_at)),
                                        ("per_day", &k.per_day.to_string()),
                                        ("filed", &k.filed.to_string()),
                                    ])}
                                </span>
                                {match k.revoked_at {
                                    Some(at) => view! {
                                        <span class="muted">{trf(locale, Key::ApiKeysRevokedOn, &[("date", &format_date(at))])}</span>
                                    }.into_any(),
                                    None => view! {
                                        <form method="post" action=format!("/admin/api-keys/{}/revoke", k.id)>
                                            <button class="link-button" type="submit">{tr(locale, Key::ApiKeysRevoke)}</button>
                                        </form>
                                    }.into_any(),
                                }}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            })}
        </Suspense>
    }
}
