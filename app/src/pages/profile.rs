//! The signed-in person: number, staff roles, sessions, sign-out here or everywhere.

use crate::api::appeals::get_appeal_mahallas;
use crate::api::me::{current_user, get_field_notices, get_telegram_link};
use crate::api::receptions::get_reception_choices;
use crate::api::staff::list_staff;
use crate::components::error_box::ErrorBox;
use crate::components::error_box::Loading;
use crate::components::mahalla_select::{MahallaOptions, Mahallas};
use crate::error::AppError;
use crate::i18n::{Key, tr, trf, use_locale};
use crate::pages::accounts::SignInFirst;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use shared::auth::Role;
use shared::auth::StaffProblem;

pub fn role_key(role: Role) -> Key {
    match role {
        Role::Inspector => Key::RoleInspector,
        Role::AppealsOfficer => Key::RoleAppealsOfficer,
        Role::HeadOfBody => Key::RoleHeadOfBody,
        Role::ReceptionCoordinator => Key::RoleReceptionCoordinator,
        Role::Administrator => Key::RoleAdministrator,
    }
}

#[component]
pub fn ProfilePage() -> impl IntoView {
    let locale = use_locale();
    let me = Resource::new(|| (), |_| current_user());
    let query = leptos_router::hooks::use_query_map();
    let kept = crate::api::kept::use_kept("name");
    // Every resource of the page is made here, never inside the `Suspense` below: the server
    // walks its children more than once, and a resource made in a walk would be numbered
    // differently there than in the browser, which then cannot take the page over.
    let notices = Resource::new(|| (), |_| get_field_notices());
    let choices = Resource::new(|| (), |_| get_reception_choices());
    let telegram = Resource::new(|| (), |_| get_telegram_link());
    // The district whose mahallas are offered for field receptions: `None` is the one saved
    // (or, without JavaScript, the one saved first and shown in the address).
    let asked = query.read_untracked().get("notices_district");
    let notices_district = RwSignal::new(asked.clone());
    let mahallas: Mahallas = Resource::new(
        move || notices_district.get(),
        |district| async move {
            let district = match district {
                Some(d) => d,
                None => get_field_notices()
                    .await
                    .ok()
                    .flatten()
                    .map(|n| n.district)
                    .unwrap_or_default(),
            };
            get_appeal_mahallas(district).await
        },
    );
    view! {
        <Title text=tr(locale, Key::ProfileTitle) />
        <h1>{tr(locale, Key::ProfileTitle)}</h1>
        {move || (query.read().get("done").as_deref() == Some("name")).then(|| view! {
            <p class="notice success" role="status">{tr(locale, Key::ProfileNameSaved)}</p>
        })}
        {move || (query.read().get("done").as_deref() == Some("field_notices")).then(|| view! {
            <p class="notice success" role="status">{tr(locale, Key::ProfileFieldNoticesSaved)}</p>
        })}
        {move || (query.read().get("done").as_deref() == Some("notices")).then(|| view! {
            <p class="notice success" role="status">{tr(locale, Key::ProfileNotifySaved)}</p>
        })}
        {move || (query.read().get("done").as_deref() == Some("telegram_unlinked")).then(|| view! {
            <p class="notice success" role="status">{tr(locale, Key::ProfileTelegramUnlinked)}</p>
        })}
        <Suspense fallback=Loading>
            {move || {
                let asked = asked.clone();
                Suspend::new(async move {
                    match me.await {
                        Ok(Some(me)) => {
                            let refused = query.read_untracked().get("error").as_deref() == Some("name");
                            let typed_name = kept.await.get("name").cloned().or(me.name.clone()).unwrap_or_default();
                            let admin = me.roles.contains(&Role::Administrator);
                            let inspector = admin || me.roles.contains(&Role::Inspector);
                            let officer = admin || me.roles.contains(&Role::AppealsOfficer) || me.roles.contains(&Role::HeadOfBody);
                            let field = match (notices.await, choices.await) {
                                (Ok(current), Ok(choices)) => Some((current, choices)),
                                _ => None,
                            };
                            let telegram = telegram.await.ok().flatten();
                            view! {
                                <dl class="facts">
                                    <dt>{tr(locale, Key::ProfilePhone)}</dt><dd class="my-phone">{me.phone.clone()}</dd>
                                    {me.name.clone().map(|n| view! { <dt>{tr(locale, Key::StaffName)}</dt><dd>{n}</dd> })}
                                    {(!me.roles.is_empty()).then(|| view! {
                                        <dt>{tr(locale, Key::ProfileRoles)}</dt>
                                        <dd class="roles">{me.roles.iter().map(|r| tr(locale, role_key(*r))).collect::<Vec<_>>().join(", ")}</dd>
                                    })}
                                </dl>
                                // The full name appeals are filed under: given once, changed here.
                                <form class="stack" method="post" action="/profile/name">
                                    {refused.then(|| crate::pages::appeals::form_error("name-error", tr(locale, Key::AppealsErrorNameRequired)))}
                                    <label for="profile-name">{tr(locale, Key::AppealsApplicant)}</label>
                                    <input id="profile-name" name="name" type="text" maxlength="200" required autocomplete="name"
                                        value=typed_name autofocus=refused />
                                    <button class="button secondary" type="submit">{tr(locale, Key::ProfileNameSave)}</button>
                                </form>
                                {field.map(|(current, choices)| view! {
                                    <FieldNotices current choices asked=asked.clone() district=notices_district mahallas />
                                })}
                                {telegram.map(|link| view! { <TelegramNotices link /> })}
                                <p class="muted">{trf(locale, Key::ProfileSessions, &[("count", &me.sessions.to_string())])}</p>
                                <p><a class="button" href="/appeals">{tr(locale, Key::AppealsTitle)}</a></p>
                                <p><a href="/consents">{tr(locale, Key::ConsentsLink)}</a></p>
                                <p><a href="/decisions">{tr(locale, Key::DecisionsTitle)}</a></p>
                                {inspector.then(|| view! {
                                    <p><a class="button" href="/inspector">{tr(locale, Key::InspectorTitle)}</a></p>
                                })}
                                {officer.then(|| view! {
                                    <p><a class="button" href="/desk">{tr(locale, Key::DeskTitle)}</a></p>
                                })}
                                {admin.then(|| view! {
                                    <p><a href="/admin/calendar">{tr(locale, Key::CalendarTitle)}</a></p>
                                    <p><a href="/admin/bodies">{tr(locale, Key::BodiesTitle)}</a></p>
                                    <p><a href="/admin/terms">{tr(locale, Key::TermsTitle)}</a></p>
                                    <p><a href="/admin/rating">{tr(locale, Key::RatingSettingsTitle)}</a></p>
                                    <p><a href="/admin/staff">{tr(locale, Key::ProfileStaffAdmin)}</a></p>
                                    <p><a href="/admin/reconcile">{tr(locale, Key::ReconcileTitle)}</a></p>
                                    <p><a href="/admin/api-keys">{tr(locale, Key::ApiKeysTitle)}</a></p>
                                    <p><a href="/admin/tariffs">{tr(locale, Key::TariffsTitle)}</a></p>
                                })}
                                <div class="row">
                                    <form method="post" action="/auth/sign-out">
                                        <button class="button" type="submit">{tr(locale, Key::ProfileSignOut)}</button>
                                    </form>
                                    <form method="post" action="/auth/sign-out-everywhere">
                                        <button class="link-button" type="submit">{tr(locale, Key::ProfileSignOutEverywhere)}</button>
                                    </form>
                                </div>
                            }.into_any()
                        }
                        Ok(None) => view! { <SignInFirst /> }.into_any(),
                        Err(error) => view! { <ErrorBox error /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// Telegram: whether the person's chat is linked, where notices go (Telegram with SMS as the
/// fallback, or SMS only), and unlinking. Nothing when the installation has no bot.
#[component]
fn TelegramNotices(link: shared::auth::TelegramLink) -> impl IntoView {
    let locale = use_locale();
    let linked = link.chats > 0;
    view! {
        <section id="telegram" class="stack">
            <h2>{tr(locale, Key::ProfileTelegram)}</h2>
            <p class="muted">{tr(locale, Key::ProfileTelegramLead)}</p>
            {link.bot.clone().map(|bot| view! {
                <p><a href=bot rel="noopener">{tr(locale, Key::ProfileTelegramOpen)}</a></p>
            })}
            <p class="notice">{if linked {
                trf(locale, Key::ProfileTelegramLinked, &[("count", &link.chats.to_string())])
            } else {
                tr(locale, Key::ProfileTelegramNotLinked).to_string()
            }}</p>
            <form class="stack" method="post" action="/profile/notices">
                <label>
                    <input type="radio" name="by" value="telegram" checked=!link.by_sms />
                    " "{tr(locale, Key::ProfileNotifyByTelegram)}
                </label>
                <label>
                    <input type="radio" name="by" value="sms" checked=link.by_sms />
                    " "{tr(locale, Key::ProfileNotifyBySms)}
                </label>
                <button class="button secondary" type="submit">{tr(locale, Key::ProfileNotifySave)}</button>
            </form>
            {linked.then(|| view! {
                <form method="post" action="/profile/telegram/unlink">
                    <button class="link-button" type="submit">{tr(locale, Key::ProfileTelegramUnlink)}</button>
                </form>
            })}
        </section>
    }
}

/// The mahalla whose field receptions the person is told of by SMS. Without JavaScript the
/// district is chosen first (saving it shows its mahallas), then the mahalla.
#[component]
fn FieldNotices(
    /// The mahalla saved, if any.
    current: Option<shared::reception::NoticesFor>,
    choices: shared::reception::ReceptionChoices,
    /// The district saved first without JavaScript (from the address).
    asked: Option<String>,
    /// The district chosen in the browser (`None`: the one saved or asked).
    district: RwSignal<Option<String>>,
    mahallas: Mahallas,
) -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let shown = asked
        .or_else(|| current.as_ref().map(|n| n.district.clone()))
        .unwrap_or_default();
    let chosen = current.as_ref().map(|n| n.mahalla.clone()).unwrap_or_default();
    let refused = query.read_untracked().get("error").as_deref() == Some("field_notices");
    let c = choices;
    view! {
        <section id="field-notices" class="stack">
            <h2>{tr(locale, Key::ProfileFieldNotices)}</h2>
            <p class="muted">{tr(locale, Key::ProfileFieldNoticesLead)}</p>
            {current.as_ref().map(|n| view! {
                <p class="notice">{trf(locale, Key::ProfileFieldNoticesOn, &[("mahalla", n.name.get(locale))])}</p>
            })}
            {refused.then(|| crate::pages::appeals::form_error("field-notices-error", tr(locale, Key::ReceptionErrorMahalla)))}
            <form class="stack" method="post" action="/profile/field-notices">
                <label for="notices-district">{tr(locale, Key::ReceptionsDistrict)}</label>
                <select id="notices-district" name="district" on:change=move |ev| district.set(Some(event_target_value(&ev)))>
                    <option value="">"—"</option>
                    {c.regions.iter().map(|(r, rn)| view! {
                        <optgroup label=rn.get(locale).to_string()>
                            {c.districts.iter().filter(|(code, _)| code.starts_with(r.as_str())).map(|(code, n)| view! {
                                <option value=code.clone() selected=*code == shown>{n.get(locale).to_string()}</option>
                            }).collect_view()}
                        </optgroup>
                    }).collect_view()}
                </select>
                <label for="notices-mahalla">{tr(locale, Key::ReadingMahalla)}</label>
                <MahallaOptions id="notices-mahalla" mahallas chosen />
                <button class="button secondary" type="submit">{tr(locale, Key::ProfileFieldNoticesSave)}</button>
            </form>
            {current.is_some().then(|| view! {
                <form method="post" action="/profile/field-notices">
                    <input type="hidden" name="mahalla" value="" />
                    <button class="link-button" type="submit">{tr(locale, Key::ProfileFieldNoticesOff)}</button>
                </form>
            })}
        </section>
    }
}

fn problem_key(problem: StaffProblem) -> Key {
    match problem {
        StaffProblem::Phone => Key::StaffErrorPhone,
        StaffProblem::Role => Key::StaffErrorRole,
        StaffProblem::ScopeSyntax => Key::StaffErrorScopeSyntax,
        StaffProblem::ScopeMissing => Key::StaffErrorScopeMissing,
        StaffProblem::ScopeWrong => Key::StaffErrorScopeWrong,
        StaffProblem::ScopeUnknown => Key::StaffErrorScopeUnknown,
    }
}

/// The message for a `?error=` code; a code no server wrote shows nothing.
fn staff_error_key(code: &str) -> Option<Key> {
    StaffProblem::parse(code).map(problem_key)
}

/// Administrators: who holds which staff role; grant and revoke.
#[component]
pub fn StaffPage() -> impl IntoView {
    let locale = use_locale();
    let staff = Resource::new(|| (), |_| list_staff());
    let query = use_query_map();
    let param = move |name: &str| query.read().get(name).unwrap_or_default();
    let kept = crate::api::kept::use_kept("staff");
    view! {
        <Title text=tr(locale, Key::StaffTitle) />
        <h1>{tr(locale, Key::StaffTitle)}</h1>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                // A refused grant comes back as typed (kept on the server), never in the URL.
                let kept = kept.await;
                let typed = move |name: &str| kept.get(name).cloned().unwrap_or_default();
                let chosen_role = typed("role");
                match staff.await {
                    Ok(list) => view! {
                        {move || (!param("granted").is_empty()).then(|| view! { <p class="notice">{tr(locale, Key::StaffGranted)}</p> })}
                        {move || staff_error_key(&param("error")).map(|k| crate::pages::appeals::form_error("staff-error", tr(locale, k)))}
                        <h2>{tr(locale, Key::StaffGrant)}</h2>
                        <form class="stack" method="post" action="/admin/staff">
                            <label for="phone">{tr(locale, Key::StaffPhone)}</label>
                            <input id="phone" name="phone" type="tel" required value=typed("phone") />
                            <label for="name">{tr(locale, Key::StaffName)}</label>
                            <input id="name" name="name" type="text" value=typed("name") />
                            <label for="role">{tr(locale, Key::StaffRole)}</label>
                            <select id="role" name="role">
                                {Role::ALL.into_iter().map(|r| view! { <option value=r.code() selected=r.code() == chosen_role>{tr(locale, role_key(r))}</option> }).collect_view()}
                            </select>
                            <label for="scopes">{tr(locale, Key::StaffScopes)}</label>
                            <input id="scopes" name="scopes" type="text" value=typed("scopes") />
                            <button class="button" type="submit">{tr(locale, Key::StaffGrant)}</button>
                        </form>
                        <ul class="list staff">
                            {list.into_iter().map(|m| view! {
                                <li>
                                    <strong>{m.full_name.clone().unwrap_or_else(|| m.phone.clone())}</strong>
                                    <span class="muted">{m.phone.clone()}" · "{tr(locale, role_key(m.role))}" · "
                                        {m.scopes.iter().map(|s| s.encode()).collect::<Vec<_>>().join(" ")}</span>
                                    <form method="post" action=format!("/admin/staff/{}/revoke", m.grant_id)>
                                        <button class="link-button" type="submit">{tr(locale, Key::StaffRevoke)}</button>
                                    </form>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(AppError::SignInRequired) => view! { <SignInFirst /> }.into_any(),
                    Err(error) => view! { <ErrorBox error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
