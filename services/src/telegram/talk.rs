//! The conversation: where each chat stands ([`State`]), and what the bot answers to each
//! input there. Every answer is queued in the outbox; every change goes through the same
//! services as the web's forms, with the same checks and the same ownership rules.

use super::chats::{self, Chat};
use super::outbox::{self, Outgoing};
use super::{Incoming, Input, Telegram};
use crate::{Result, Services};
use serde::{Deserialize, Serialize};
use shared::i18n::{Bot, bot, tr};
use shared::{Locale, Phone};
use teloxide_core::types::{
    ButtonRequest, InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, KeyboardMarkup,
};

/// Where a chat's conversation stands.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub enum State {
    /// Choosing the language.
    #[default]
    Start,
    /// Asked for the contact.
    Contact,
    /// Signed in, nothing under way.
    Menu,
    /// Adding an account: what is chosen so far.
    Account(AccountDraft),
    /// Sending a reading: of which account, and what is given so far.
    Reading(ReadingDraft),
    /// Filing an appeal: what is given so far.
    Appeal(AppealDraft),
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AccountDraft {
    service: Option<String>,
    #[serde(flatten)]
    place: Place,
    /// Typed, not proven by the phone: the bill code is asked for.
    number: Option<String>,
    page: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReadingDraft {
    account: i64,
    /// Telegram's id of the photo, checked when it came.
    photo: Option<String>,
    mahalla: Option<String>,
    page: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AppealDraft {
    topic: Option<String>,
    /// An application, a proposal or a complaint.
    #[serde(default)]
    kind: Option<String>,
    #[serde(flatten)]
    place: Place,
    body: Option<i64>,
    text: Option<String>,
    name: Option<String>,
    address: Option<String>,
    photos: Vec<String>,
    page: usize,
}

/// A place chosen with buttons: a region, then one of its districts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Place {
    region: Option<String>,
    district: Option<String>,
}

impl Place {
    /// The question still open — the regions, or the region's districts — or `None`.
    async fn question(&self, svc: &Services, locale: Locale) -> Result<Option<(Bot, Vec<(String, String)>)>> {
        Ok(match (&self.region, &self.district) {
            (None, _) => Some((Bot::ChooseRegion, region_items(svc, locale).await?)),
            (Some(region), None) => Some((Bot::ChooseDistrict, district_items(svc, locale, region).await?)),
            _ => None,
        })
    }

    /// Takes a button of the open question; false when the question offers no such button.
    async fn take(&mut self, svc: &Services, locale: Locale, data: &str) -> Result<bool> {
        let Some((_, items)) = self.question(svc, locale).await? else {
            return Ok(false);
        };
        if !offered(&items, data) {
            return Ok(false);
        }
        let code = Some(data[2..].to_string());
        if self.region.is_none() {
            self.region = code;
        } else {
            self.district = code;
        }
        Ok(true)
    }
}

/// Items a list shows at once, and appeal photos at most.
const PAGE: usize = 8;
const APPEAL_PHOTOS: usize = 5;

fn words(locale: Locale, key: Bot) -> String {
    bot(locale, key, &[])
}

async fn say(svc: &Services, chat: &Chat, message: Outgoing) -> Result<()> {
    outbox::enqueue(
        &svc.db.pool,
        chat.chat_id,
        &message,
        "reply",
        None,
        svc.clock.now_ms(),
    )
    .await?;
    Ok(())
}

async fn tell(svc: &Services, chat: &Chat, key: Bot) -> Result<()> {
    say(svc, chat, Outgoing::plain(words(chat.locale, key))).await
}

fn button(label: impl Into<String>, data: impl Into<String>) -> InlineKeyboardButton {
    InlineKeyboardButton::callback(label.into(), data.into())
}

/// A page of choices, two to a row, with "more" when there are more and "cancel".
fn choices(locale: Locale, items: &[(String, String)], page: usize) -> InlineKeyboardMarkup {
    let pages = items.len().div_ceil(PAGE).max(1);
    let page = page % pages;
    let mut rows: Vec<Vec<InlineKeyboardButton>> = items
        .iter()
        .skip(page * PAGE)
        .take(PAGE)
        .map(|(data, label)| button(label.clone(), data.clone()))
        .collect::<Vec<_>>()
        .chunks(2)
        .map(<[_]>::to_vec)
        .collect();
    let mut last = Vec::new();
    if pages > 1 {
        last.push(button(
            words(locale, Bot::More),
            format!("pg:{}", (page + 1) % pages),
        ));
    }
    last.push(button(words(locale, Bot::Cancel), "x"));
    rows.push(last);
    InlineKeyboardMarkup::new(rows)
}

fn menu(locale: Locale) -> Outgoing {
    Outgoing::plain(words(locale, Bot::Menu)).with(InlineKeyboardMarkup::new(vec![
        vec![
            button(words(locale, Bot::MenuAccounts), "m:accounts"),
            button(words(locale, Bot::MenuAddAccount), "m:add"),
        ],
        vec![
            button(words(locale, Bot::MenuAppeal), "m:appeal"),
            button(words(locale, Bot::MenuMyAppeals), "m:mine"),
        ],
    ]))
}

fn languages() -> Outgoing {
    let text = Locale::ALL
        .iter()
        .map(|l| words(*l, Bot::ChooseLanguage))
        .collect::<Vec<_>>()
        .join(" / ");
    Outgoing::plain(text).with(InlineKeyboardMarkup::new(vec![
        Locale::ALL
            .iter()
            .map(|l| button(l.native_name(), format!("l:{}", l.tag())))
            .collect::<Vec<_>>(),
    ]))
}

fn contact_request(locale: Locale) -> Outgoing {
    let keyboard = KeyboardMarkup::new(vec![vec![
        KeyboardButton::new(words(locale, Bot::ShareContactButton)).request(ButtonRequest::Contact),
    ]])
    .resize_keyboard()
    .one_time_keyboard();
    Outgoing::plain(words(locale, Bot::ShareContact)).with(keyboard)
}

/// Takes one input in the chat's state.
pub(super) async fn take(svc: &Services, telegram: &Telegram, incoming: Incoming) -> Result<()> {
    let mut chat = chats::load(svc, incoming.chat_id, incoming.language.as_deref()).await?;
    let before = chat.clone();
    match &incoming.input {
        Input::Command(command) if command == "start" || command == "language" => {
            chat.state = State::Start;
            say(svc, &chat, languages()).await?;
        }
        Input::Command(command) if command == "stop" => {
            if chat.user_id.is_some() {
                chats::unlink_chat(&svc.db.pool, chat.chat_id, None).await?;
                tracing::info!(chat = chat.chat_id, "Telegram chat unlinked from the chat");
            }
            chat.user_id = None;
            chat.state = State::Start;
            say(
                svc,
                &chat,
                Outgoing::plain(words(chat.locale, Bot::Unlinked)).without_keyboard(),
            )
            .await?;
        }
        Input::Command(command) if command == "menu" || command == "cancel" => {
            if chat.user_id.is_some() {
                chat.state = State::Menu;
                say(svc, &chat, menu(chat.locale)).await?;
            } else {
                tell(svc, &chat, Bot::SignInFirst).await?;
            }
        }
        Input::Button { data, .. } if data.starts_with("l:") => match Locale::from_tag(&data[2..]) {
            Some(locale) if matches!(chat.state, State::Start) || chat.user_id.is_some() => {
                chat.locale = locale;
                if chat.user_id.is_some() {
                    chat.state = State::Menu;
                    say(svc, &chat, menu(locale)).await?;
                } else {
                    chat.state = State::Contact;
                    say(svc, &chat, contact_request(locale)).await?;
                }
            }
            _ => tell(svc, &chat, Bot::UnknownButton).await?,
        },
        Input::Button { data, .. } if data == "x" => {
            if chat.user_id.is_some() {
                chat.state = State::Menu;
                tell(svc, &chat, Bot::Cancelled).await?;
                say(svc, &chat, menu(chat.locale)).await?;
            } else {
                tell(svc, &chat, Bot::UnknownButton).await?;
            }
        }
        Input::Contact { phone, owner } => sign_in(svc, &mut chat, &incoming, phone, *owner).await?,
        _ if chat.user_id.is_none() => {
            if matches!(incoming.input, Input::Button { .. }) {
                tell(svc, &chat, Bot::UnknownButton).await?;
            } else if matches!(chat.state, State::Contact) {
                say(svc, &chat, contact_request(chat.locale)).await?;
            } else {
                chat.state = State::Start;
                say(svc, &chat, languages()).await?;
            }
        }
        _ => signed_in(svc, telegram, &mut chat, &incoming).await?,
    }
    if chat.state != before.state || chat.locale != before.locale {
        chats::save(svc, &chat).await?;
    }
    Ok(())
}

/// A shared contact: the sender's own links the chat to the same person as the web's sign-in
/// with that phone; anyone else's is refused.
async fn sign_in(
    svc: &Services,
    chat: &mut Chat,
    incoming: &Incoming,
    phone: &str,
    owner: Option<u64>,
) -> Result<()> {
    if owner.is_none() || owner != incoming.sender {
        tracing::warn!(chat = chat.chat_id, "Telegram contact of someone else refused");
        say(svc, chat, contact_request(chat.locale)).await?;
        return tell(svc, chat, Bot::NotYourContact).await;
    }
    let Ok(phone) = Phone::parse(phone) else {
        return tell(svc, chat, Bot::BadPhone).await;
    };
    let user =
        crate::identity::users::find_or_create(&svc.db.pool, &phone, chat.locale, svc.clock.now_ms()).await?;
    chats::link(svc, chat.chat_id, user).await?;
    chat.user_id = Some(user);
    chat.state = State::Menu;
    say(
        svc,
        chat,
        Outgoing::plain(bot(chat.locale, Bot::Linked, &[("phone", &phone.e164())])).without_keyboard(),
    )
    .await?;
    say(svc, chat, menu(chat.locale)).await
}

/// A signed-in chat's input: the menu's buttons anywhere, else what the state asks for.
async fn signed_in(svc: &Services, telegram: &Telegram, chat: &mut Chat, incoming: &Incoming) -> Result<()> {
    let user = chat.user_id.unwrap_or_default();
    if let Input::Button { data, .. } = &incoming.input {
        if let Some(what) = data.strip_prefix("m:") {
            return match what {
                "accounts" => accounts_list(svc, chat, user).await,
                "add" => {
                    chat.state = State::Account(AccountDraft::default());
                    account_next(svc, chat).await
                }
                "appeal" => {
                    let mut draft = AppealDraft::default();
                    if let Some((district, _)) = crate::appeals::choices::usual_place(svc, user).await? {
                        draft.place.region = district.get(..4).map(str::to_string);
                        draft.place.district = Some(district);
                    }
                    chat.state = State::Appeal(draft);
                    appeal_next(svc, chat, user).await
                }
                "mine" => my_appeals(svc, chat, user).await,
                _ => tell(svc, chat, Bot::UnknownButton).await,
            };
        }
        if let Some(id) = data.strip_prefix("a:").and_then(|id| id.parse().ok()) {
            return account_view(svc, chat, user, id).await;
        }
        if let Some(id) = data.strip_prefix("rd:").and_then(|id| id.parse().ok()) {
            return reading_start(svc, chat, user, id).await;
        }
        if let Some(rest) = data.strip_prefix("pay:") {
            return pay(svc, chat, user, rest).await;
        }
    }
    match chat.state.clone() {
        State::Account(draft) => account_input(svc, chat, user, draft, incoming).await,
        State::Reading(draft) => reading_input(svc, telegram, chat, user, draft, incoming).await,
        State::Appeal(draft) => appeal_input(svc, telegram, chat, user, draft, incoming).await,
        _ => match incoming.input {
            Input::Button { .. } => tell(svc, chat, Bot::UnknownButton).await,
            _ => {
                chat.state = State::Menu;
                tell(svc, chat, Bot::NotUnderstood).await?;
                say(svc, chat, menu(chat.locale)).await
            }
        },
    }
}

// ---- accounts ---------------------------------------------------------------------------

async fn accounts_list(svc: &Services, chat: &mut Chat, user: i64) -> Result<()> {
    let accounts = crate::accounts::my_accounts(svc, user).await?;
    if accounts.is_empty() {
        return say(
            svc,
            chat,
            Outgoing::plain(words(chat.locale, Bot::NoAccounts)).with(InlineKeyboardMarkup::new(vec![vec![
                button(words(chat.locale, Bot::MenuAddAccount), "m:add"),
            ]])),
        )
        .await;
    }
    let rows = accounts
        .iter()
        .map(|a| {
            vec![button(
                format!(
                    "{} · {} · {}",
                    a.service.get(chat.locale),
                    a.number,
                    balance_words(chat.locale, a.balance)
                ),
                format!("a:{}", a.id),
            )]
        })
        .collect::<Vec<_>>();
    say(
        svc,
        chat,
        Outgoing::plain(words(chat.locale, Bot::ChooseAccount)).with(InlineKeyboardMarkup::new(rows)),
    )
    .await
}

fn balance_words(locale: Locale, balance: shared::Tiyin) -> String {
    let amount = shared::Tiyin::new(balance.get().abs()).format_som();
    match balance.get() {
        b if b < 0 => bot(locale, Bot::Debt, &[("amount", &amount)]),
        0 => words(locale, Bot::Settled),
        _ => bot(locale, Bot::Overpaid, &[("amount", &amount)]),
    }
}

async fn account_view(svc: &Services, chat: &mut Chat, user: i64, account: i64) -> Result<()> {
    let details = match crate::accounts::details(svc, user, account, Default::default()).await {
        Ok(details) => details,
        Err(crate::Error::NotFound) => return tell(svc, chat, Bot::UnknownButton).await,
        Err(error) => return Err(error),
    };
    let locale = chat.locale;
    let summary = &details.summary;
    let mut text = format!(
        "{} · {}\n{}, {}\n{}",
        summary.service.get(locale),
        summary.number,
        summary.district.get(locale),
        details.address,
        balance_words(locale, summary.balance)
    );
    if !details.readings.items.is_empty() {
        text.push_str(&format!("\n\n{}", words(locale, Bot::LastReadings)));
        for reading in details.readings.items.iter().take(3) {
            text.push_str(&format!(
                "\n{} — {} {}",
                shared::time::format_date(reading.submitted_at),
                shared::account::format_reading(reading.value_milli, details.meter_decimals),
                details.meter_unit.as_deref().unwrap_or_default()
            ));
        }
    }
    let mut entries: Vec<&shared::account::LedgerRow> = details
        .charges
        .items
        .iter()
        .chain(details.payments.items.iter())
        .collect();
    entries.sort_by_key(|e| std::cmp::Reverse(e.occurred_at));
    if !entries.is_empty() {
        text.push_str(&format!("\n\n{}", words(locale, Bot::LastEntries)));
        for entry in entries.iter().take(4) {
            text.push_str(&format!(
                "\n{} {} {}",
                shared::time::format_date(entry.occurred_at),
                if entry.amount.get() > 0 { "+" } else { "" },
                entry.amount.format_som()
            ));
        }
    }
    let mut rows = Vec::new();
    if details.meter_unit.is_some() {
        rows.push(vec![button(
            words(locale, Bot::ReadingButton),
            format!("rd:{account}"),
        )]);
    }
    if summary.balance.get() < 0 {
        rows.push(
            svc.payment_methods()
                .into_iter()
                .filter(|m| *m != crate::payments::orders::Method::Card)
                .map(|m| {
                    button(
                        bot(locale, Bot::PayButton, &[("method", tr(locale, m.key()))]),
                        format!("pay:{account}:{}", m.code()),
                    )
                })
                .collect(),
        );
    }
    let mut message = Outgoing::plain(text);
    if !rows.is_empty() {
        message = message.with(InlineKeyboardMarkup::new(rows));
    }
    say(svc, chat, message).await
}

/// The next question of a new account, from what is chosen so far.
async fn account_next(svc: &Services, chat: &mut Chat) -> Result<()> {
    let State::Account(draft) = &chat.state else {
        return Ok(());
    };
    let locale = chat.locale;
    let (key, items) = if draft.service.is_none() {
        let services = crate::reference::service_types(&svc.db).await?;
        (
            Bot::ChooseService,
            services
                .iter()
                .map(|s| (format!("s:{}", s.code), s.names.get(locale).to_string()))
                .collect::<Vec<_>>(),
        )
    } else if let Some(question) = draft.place.question(svc, locale).await? {
        question
    } else if draft.number.is_none() {
        return tell(svc, chat, Bot::TypeNumber).await;
    } else {
        return tell(svc, chat, Bot::TypeBillCode).await;
    };
    let page = draft.page;
    say(
        svc,
        chat,
        Outgoing::plain(words(locale, key)).with(choices(locale, &items, page)),
    )
    .await
}

async fn region_items(svc: &Services, locale: Locale) -> Result<Vec<(String, String)>> {
    Ok(crate::reference::regions(&svc.db)
        .await?
        .iter()
        .map(|r| (format!("r:{}", r.soato), r.names.get(locale).to_string()))
        .collect())
}

async fn district_items(svc: &Services, locale: Locale, region: &str) -> Result<Vec<(String, String)>> {
    let (_, districts) = crate::reference::region_with_districts(&svc.db, region).await?;
    Ok(districts
        .iter()
        .map(|d| (format!("d:{}", d.soato), d.names.get(locale).to_string()))
        .collect())
}

/// Whether `code` is one of the codes a list offered (`prefix:code`).
fn offered(items: &[(String, String)], data: &str) -> bool {
    items.iter().any(|(d, _)| d == data)
}

async fn account_input(
    svc: &Services,
    chat: &mut Chat,
    user: i64,
    mut draft: AccountDraft,
    incoming: &Incoming,
) -> Result<()> {
    let locale = chat.locale;
    match &incoming.input {
        Input::Button { data, .. } => {
            if let Some(page) = data.strip_prefix("pg:").and_then(|p| p.parse().ok()) {
                draft.page = page;
            } else if draft.service.is_none() && data.starts_with("s:") {
                if shared::ServiceType::from_code(&data[2..]).is_none() {
                    return tell(svc, chat, Bot::UnknownButton).await;
                }
                draft.service = Some(data[2..].to_string());
                draft.page = 0;
            } else if draft.service.is_some() && draft.place.take(svc, locale, data).await? {
                draft.page = 0;
            } else {
                return tell(svc, chat, Bot::UnknownButton).await;
            }
            chat.state = State::Account(draft);
            account_next(svc, chat).await
        }
        Input::Text(typed) if draft.place.district.is_some() => {
            let (number, code) = match &draft.number {
                None => (typed.clone(), String::new()),
                Some(number) => (number.clone(), typed.clone()),
            };
            let Ok(parsed) = shared::account::AccountNumber::parse(&number) else {
                return say(
                    svc,
                    chat,
                    Outgoing::plain(bot(
                        locale,
                        Bot::BadNumber,
                        &[
                            ("min", &shared::account::AccountNumber::MIN_DIGITS.to_string()),
                            ("max", &shared::account::AccountNumber::MAX_DIGITS.to_string()),
                        ],
                    )),
                )
                .await;
            };
            let client = format!("telegram:{}", chat.chat_id);
            let request = crate::accounts::LinkRequest {
                service: draft.service.as_deref().unwrap_or_default(),
                region: draft.place.region.as_deref().unwrap_or_default(),
                district: draft.place.district.as_deref().unwrap_or_default(),
                number: &parsed,
                bill_code: &code,
                client: &client,
            };
            use crate::accounts::{LinkError, LinkOrService};
            match crate::accounts::link(svc, user, &request).await {
                Ok(account) => {
                    chat.state = State::Menu;
                    say(
                        svc,
                        chat,
                        Outgoing::plain(bot(locale, Bot::AccountLinked, &[("account", parsed.as_str())])),
                    )
                    .await?;
                    account_view(svc, chat, user, account).await
                }
                Err(LinkOrService::Link(LinkError::NotProven)) if draft.number.is_none() => {
                    draft.number = Some(parsed.as_str().to_string());
                    chat.state = State::Account(draft);
                    tell(svc, chat, Bot::TypeBillCode).await
                }
                Err(LinkOrService::Link(LinkError::RateLimited)) => {
                    chat.state = State::Menu;
                    tell(svc, chat, Bot::RateLimited).await
                }
                Err(LinkOrService::Link(_)) => {
                    chat.state = State::Menu;
                    tell(svc, chat, Bot::NotProven).await?;
                    say(svc, chat, menu(locale)).await
                }
                Err(LinkOrService::Service(error)) => Err(error),
            }
        }
        _ => account_next(svc, chat).await,
    }
}

// ---- paying -----------------------------------------------------------------------------

/// "Pay": a payment order of the account's debt, and the provider's checkout (or, where the
/// provider's sandbox plays it, our own payment page) behind a link button.
async fn pay(svc: &Services, chat: &mut Chat, user: i64, rest: &str) -> Result<()> {
    let locale = chat.locale;
    let mut parts = rest.split(':');
    let (Some(Ok(account)), Some(method)) = (parts.next().map(str::parse::<i64>), parts.next()) else {
        return tell(svc, chat, Bot::UnknownButton).await;
    };
    let Some(method) = crate::payments::orders::Method::parse(method) else {
        return tell(svc, chat, Bot::UnknownButton).await;
    };
    if !crate::accounts::is_linked(&svc.db, user, account).await? {
        return tell(svc, chat, Bot::UnknownButton).await;
    }
    let balance = crate::accounts::balance(&svc.db, account).await?;
    let number: String = sqlx::query_scalar("SELECT number FROM utility_accounts WHERE id = $1")
        .bind(account)
        .fetch_one(&svc.db.pool)
        .await?;
    if balance.get() >= 0 {
        return say(
            svc,
            chat,
            Outgoing::plain(bot(locale, Bot::NothingToPay, &[("account", &number)])),
        )
        .await;
    }
    let order = match crate::payments::orders::create(svc, user, account, -balance.get(), method).await {
        Ok(order) => order,
        Err(crate::Error::NotFound) => return tell(svc, chat, Bot::UnknownButton).await,
        Err(error) => return Err(error),
    };
    let view = crate::payments::orders::view(svc, user, order).await?;
    let link = svc
        .checkout
        .url(&view, &svc.public_url, locale)
        .unwrap_or_else(|| format!("{}/pay/{order}", svc.public_url));
    let amount = shared::Tiyin::new(-balance.get()).format_som();
    let mut message = Outgoing::plain(bot(
        locale,
        Bot::PayPrompt,
        &[("account", &number), ("amount", &amount)],
    ));
    if let Ok(url) = reqwest::Url::parse(&link) {
        message = message.with(InlineKeyboardMarkup::new(vec![vec![InlineKeyboardButton::url(
            bot(locale, Bot::PayButton, &[("method", tr(locale, method.key()))]),
            url,
        )]]));
    }
    say(svc, chat, message).await
}

// ---- readings ---------------------------------------------------------------------------

async fn reading_start(svc: &Services, chat: &mut Chat, user: i64, account: i64) -> Result<()> {
    if crate::readings::submit::mahallas_for(svc, user, account)
        .await
        .is_err()
    {
        return tell(svc, chat, Bot::UnknownButton).await;
    }
    chat.state = State::Reading(ReadingDraft {
        account,
        ..ReadingDraft::default()
    });
    tell(svc, chat, Bot::SendPhoto).await
}

/// A file from the chat: refused past the limit before it is fetched, else fetched whole.
async fn fetch(telegram: &Telegram, id: &str) -> Result<Vec<u8>> {
    use teloxide_core::net::Download;
    use teloxide_core::requests::Requester;
    let file = std::future::IntoFuture::into_future(
        telegram
            .bot
            .get_file(teloxide_core::types::FileId(id.to_string())),
    )
    .await
    .map_err(|e| crate::Error::Outside(format!("getFile: {e}")))?;
    if file.meta.size > super::MAX_FILE_BYTES {
        return Err(crate::Error::Outside("file too large".into()));
    }
    let mut bytes = Vec::with_capacity(file.meta.size as usize);
    telegram
        .bot
        .download_file(&file.path, &mut bytes)
        .await
        .map_err(|e| crate::Error::Outside(format!("download: {e}")))?;
    if bytes.len() > super::MAX_FILE_BYTES as usize {
        return Err(crate::Error::Outside("file too large".into()));
    }
    Ok(bytes)
}

fn too_big(locale: Locale, size: u32) -> Outgoing {
    let mb = |bytes: u64| format!("{:.1}", bytes as f64 / (1024.0 * 1024.0));
    Outgoing::plain(bot(
        locale,
        Bot::FileTooBig,
        &[
            ("size", &mb(u64::from(size))),
            ("max", &mb(u64::from(super::MAX_FILE_BYTES))),
        ],
    ))
}

async fn mahalla_items(
    svc: &Services,
    locale: Locale,
    user: i64,
    account: i64,
) -> Result<Vec<(String, String)>> {
    let mut mahallas = crate::readings::submit::mahallas_for(svc, user, account).await?;
    if let Some(usual) = crate::readings::submit::usual_mahalla(svc, account).await?
        && let Some(at) = mahallas.iter().position(|(code, _)| *code == usual)
    {
        let first = mahallas.remove(at);
        mahallas.insert(0, first);
    }
    Ok(mahallas
        .iter()
        .map(|(code, names)| (format!("h:{code}"), names.get(locale).to_string()))
        .collect())
}

async fn reading_input(
    svc: &Services,
    telegram: &Telegram,
    chat: &mut Chat,
    user: i64,
    mut draft: ReadingDraft,
    incoming: &Incoming,
) -> Result<()> {
    let locale = chat.locale;
    if draft.photo.is_none() {
        let Input::File { id, size } = &incoming.input else {
            return tell(svc, chat, Bot::PhotoExpected).await;
        };
        if *size > super::MAX_FILE_BYTES {
            return say(svc, chat, too_big(locale, *size)).await;
        }
        // Its size was checked above: a failure here is Telegram's or the network's.
        let bytes = match fetch(telegram, id).await {
            Ok(bytes) => bytes,
            Err(_) => {
                let unavailable = shared::reading::ReadingProblem::Unavailable.key();
                return say(svc, chat, Outgoing::plain(tr(locale, unavailable))).await;
            }
        };
        // The same checks the upload gets, on the blocking pool: a photo bomb is refused by
        // its header before it is decoded.
        let checked =
            crate::storage::photos::off_runtime(move || crate::storage::photos::process(&bytes).map(|_| ()))
                .await?;
        if let Err(problem) = checked {
            return say(svc, chat, Outgoing::plain(tr(locale, problem.problem().key()))).await;
        }
        draft.photo = Some(id.clone());
        let items = mahalla_items(svc, locale, user, draft.account).await?;
        chat.state = State::Reading(draft);
        return say(
            svc,
            chat,
            Outgoing::plain(words(locale, Bot::ChooseMahalla)).with(choices(locale, &items, 0)),
        )
        .await;
    }
    if draft.mahalla.is_none() {
        let items = mahalla_items(svc, locale, user, draft.account).await?;
        return match &incoming.input {
            Input::Button { data, .. } if data.starts_with("pg:") => {
                draft.page = data[3..].parse().unwrap_or(0);
                let page = draft.page;
                chat.state = State::Reading(draft);
                say(
                    svc,
                    chat,
                    Outgoing::plain(words(locale, Bot::ChooseMahalla)).with(choices(locale, &items, page)),
                )
                .await
            }
            Input::Button { data, .. } if offered(&items, data) => {
                draft.mahalla = Some(data[2..].to_string());
                chat.state = State::Reading(draft);
                tell(svc, chat, Bot::TypeValue).await
            }
            Input::Button { .. } => tell(svc, chat, Bot::UnknownButton).await,
            _ => {
                let page = draft.page;
                say(
                    svc,
                    chat,
                    Outgoing::plain(words(locale, Bot::ChooseMahalla)).with(choices(locale, &items, page)),
                )
                .await
            }
        };
    }
    let Input::Text(value) = &incoming.input else {
        return tell(svc, chat, Bot::TypeValue).await;
    };
    let photo = match fetch(telegram, draft.photo.as_deref().unwrap_or_default()).await {
        Ok(photo) => photo,
        Err(_) => {
            draft.photo = None;
            chat.state = State::Reading(draft);
            return tell(svc, chat, Bot::SendPhoto).await;
        }
    };
    let key = format!("telegram-{}-{}", chat.chat_id, incoming.update_id);
    let submitted = crate::readings::submit::submit(
        svc,
        crate::readings::submit::NewReading {
            user_id: user,
            account_id: draft.account,
            mahalla_code: draft.mahalla.as_deref().unwrap_or_default(),
            value,
            photo: &photo,
            idempotency_key: &key,
        },
    )
    .await;
    match submitted {
        Ok(_) => {
            chat.state = State::Menu;
            tell(svc, chat, Bot::ReadingSent).await
        }
        Err(crate::readings::submit::SubmitError::Service(error)) => Err(error),
        Err(refused) => say(svc, chat, Outgoing::plain(tr(locale, refused.problem().key()))).await,
    }
}

// ---- appeals ----------------------------------------------------------------------------

async fn my_appeals(svc: &Services, chat: &mut Chat, user: i64) -> Result<()> {
    let locale = chat.locale;
    let list = crate::appeals::view::mine(svc, user).await?;
    if list.items.is_empty() {
        return tell(svc, chat, Bot::NoAppeals).await;
    }
    let lines = list
        .items
        .iter()
        .take(10)
        .map(|a| {
            format!(
                "{}\n{}",
                bot(
                    locale,
                    Bot::AppealLine,
                    &[("number", &a.number), ("status", tr(locale, a.status.key()))]
                ),
                a.subject
            )
        })
        .collect::<Vec<_>>()
        .join("\n\n");
    say(svc, chat, Outgoing::plain(lines)).await
}

async fn topic_items(svc: &Services, locale: Locale) -> Result<Vec<(String, String)>> {
    Ok(crate::appeals::choices::topics(svc)
        .await?
        .iter()
        .map(|(code, names)| (format!("t:{code}"), names.get(locale).to_string()))
        .collect())
}

/// The next question of an appeal, from what is given so far.
async fn appeal_next(svc: &Services, chat: &mut Chat, user: i64) -> Result<()> {
    let State::Appeal(draft) = &chat.state else {
        return Ok(());
    };
    let locale = chat.locale;
    let page = draft.page;
    if draft.topic.is_none() {
        let items = topic_items(svc, locale).await?;
        return say(
            svc,
            chat,
            Outgoing::plain(words(locale, Bot::ChooseTopic)).with(choices(locale, &items, page)),
        )
        .await;
    }
    if draft.kind.is_none() {
        let items = shared::appeal::AppealKind::ALL
            .iter()
            .map(|k| (format!("k:{}", k.code()), tr(locale, k.key()).to_string()))
            .collect::<Vec<_>>();
        return say(
            svc,
            chat,
            Outgoing::plain(words(locale, Bot::ChooseKind)).with(choices(locale, &items, 0)),
        )
        .await;
    }
    if let Some((key, items)) = draft.place.question(svc, locale).await? {
        return say(
            svc,
            chat,
            Outgoing::plain(words(locale, key)).with(choices(locale, &items, page)),
        )
        .await;
    }
    if draft.text.is_none() {
        return tell(svc, chat, Bot::TypeText).await;
    }
    if draft.name.is_none() {
        let (name, _) = crate::identity::users::profile(svc, user).await?;
        if name.trim().is_empty() {
            return tell(svc, chat, Bot::TypeName).await;
        }
        if let State::Appeal(draft) = &mut chat.state {
            draft.name = Some(String::new());
        }
    }
    let State::Appeal(draft) = &chat.state else {
        return Ok(());
    };
    if draft.address.is_none() {
        return tell(svc, chat, Bot::TypeAddress).await;
    }
    let key = if draft.photos.is_empty() {
        Bot::AddPhotos
    } else {
        Bot::PhotoAdded
    };
    let text = bot(locale, key, &[("count", &draft.photos.len().to_string())]);
    say(
        svc,
        chat,
        Outgoing::plain(text).with(InlineKeyboardMarkup::new(vec![vec![
            button(words(locale, Bot::SendAppeal), "send"),
            button(words(locale, Bot::Cancel), "x"),
        ]])),
    )
    .await
}

async fn appeal_input(
    svc: &Services,
    telegram: &Telegram,
    chat: &mut Chat,
    user: i64,
    mut draft: AppealDraft,
    incoming: &Incoming,
) -> Result<()> {
    let locale = chat.locale;
    match &incoming.input {
        Input::Button { data, .. } => {
            if let Some(page) = data.strip_prefix("pg:").and_then(|p| p.parse().ok()) {
                draft.page = page;
            } else if draft.topic.is_none() && offered(&topic_items(svc, locale).await?, data) {
                draft.topic = Some(data[2..].to_string());
                draft.page = 0;
            } else if draft.topic.is_some()
                && draft.kind.is_none()
                && let Some(kind) = data
                    .strip_prefix("k:")
                    .and_then(shared::appeal::AppealKind::parse)
            {
                draft.kind = Some(kind.code().to_string());
            } else if draft.kind.is_some() && draft.place.take(svc, locale, data).await? {
                draft.page = 0;
            } else if data == "send" && draft.address.is_some() {
                return appeal_send(svc, telegram, chat, user, draft).await;
            } else {
                return tell(svc, chat, Bot::UnknownButton).await;
            }
            if draft.body.is_none()
                && draft.place.district.is_some()
                && let Some(topic) = &draft.topic
            {
                let bodies = crate::appeals::choices::bodies_tree(svc).await?;
                let district = draft.place.district.clone().unwrap_or_default();
                if let Some(body) = shared::appeal::suggested_body(&bodies, topic, &district) {
                    draft.body = Some(body.id);
                    say(
                        svc,
                        chat,
                        Outgoing::plain(bot(
                            locale,
                            Bot::SuggestedBody,
                            &[("body", body.name.get(locale))],
                        )),
                    )
                    .await?;
                }
            }
        }
        Input::Text(text) if draft.place.district.is_some() && draft.text.is_none() => {
            draft.text = Some(text.clone())
        }
        Input::Text(text) if draft.text.is_some() && draft.name.is_none() => draft.name = Some(text.clone()),
        Input::Text(text) if draft.name.is_some() && draft.address.is_none() => {
            draft.address = Some(text.clone())
        }
        Input::File { id, size } if draft.address.is_some() => {
            if *size > super::MAX_FILE_BYTES {
                return say(svc, chat, too_big(locale, *size)).await;
            }
            if draft.photos.len() >= APPEAL_PHOTOS {
                return tell(svc, chat, Bot::AddPhotos).await;
            }
            draft.photos.push(id.clone());
        }
        Input::Text(_) | Input::File { .. } | Input::Contact { .. } | Input::Other | Input::Command(_) => {
            if draft.place.district.is_some() && draft.address.is_none() {
                return tell(svc, chat, Bot::TextExpected).await;
            }
        }
    }
    chat.state = State::Appeal(draft);
    appeal_next(svc, chat, user).await
}

async fn appeal_send(
    svc: &Services,
    telegram: &Telegram,
    chat: &mut Chat,
    user: i64,
    draft: AppealDraft,
) -> Result<()> {
    let locale = chat.locale;
    let mut files = Vec::new();
    for (i, id) in draft.photos.iter().enumerate() {
        match fetch(telegram, id).await {
            Ok(bytes) => files.push((format!("telegram-{}.jpg", i + 1), bytes)),
            Err(_) => {
                let unavailable = shared::appeal::Problem::Unavailable.key();
                return say(svc, chat, Outgoing::plain(tr(locale, unavailable))).await;
            }
        }
    }
    let checked = match crate::appeals::attachments::check_all_off_runtime(files).await? {
        Ok(checked) => checked,
        Err(problem) => return say(svc, chat, Outgoing::plain(tr(locale, problem.problem().key()))).await,
    };
    let text = draft.text.clone().unwrap_or_default();
    let subject: String = text
        .lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(crate::appeals::filing::SUBJECT_MAX.min(120))
        .collect();
    let district = draft.place.district.clone().unwrap_or_default();
    let new = crate::appeals::filing::NewAppeal {
        user_id: user,
        body_id: draft.body.unwrap_or_default(),
        topic: draft.topic.as_deref().unwrap_or_default(),
        kind: draft.kind.as_deref().unwrap_or("application"),
        subject: &subject,
        text: &text,
        region: draft.place.region.as_deref().unwrap_or_default(),
        district: &district,
        mahalla: None,
        applicant: draft.name.as_deref().unwrap_or_default(),
        address: draft.address.as_deref().unwrap_or_default(),
        cosigners: &[],
        files: &checked,
        about: None,
        locale,
        channel: shared::appeal::Channel::Telegram,
    };
    match crate::appeals::filing::file(svc, &new).await {
        Ok(registered) => {
            chat.state = State::Menu;
            say(
                svc,
                chat,
                Outgoing::plain(bot(
                    locale,
                    Bot::AppealFiled,
                    &[("number", &registered.number), ("due", &registered.due_day)],
                )),
            )
            .await
        }
        Err(crate::appeals::filing::FileError::Service(error)) => Err(error),
        Err(refused) => say(svc, chat, Outgoing::plain(tr(locale, refused.problem().key()))).await,
    }
}

/// A step of an appeal told to its resident's chat, in the chat's language (called inside the
/// step's transaction by `appeals::timeline::record`).
pub(crate) fn appeal_event_words(
    locale: Locale,
    number: &str,
    kind: shared::appeal::EventKind,
    link: &str,
) -> String {
    format!(
        "{}\n{}",
        bot(
            locale,
            Bot::AppealEvent,
            &[("number", number), ("event", tr(locale, kind.key()))]
        ),
        bot(locale, Bot::AppealLink, &[("link", link)])
    )
}
