//! Appeals (murojaat) to state bodies: filing with registration and a term on the working-day
//! calendar, triage by the body's officer, and the control-time regime — an appeal whose term
//! ended unresolved passes to the parent body with a new term, once per term, whatever number
//! of server instances run the job.

pub mod admin;
pub mod attachments;
pub mod collective;
pub mod control;

use crate::{Error, Result, Services};
use serde::{Deserialize, Serialize};
use shared::Phone;
use shared::auth::{Principal, Role, Scope};
use shared::calendar::{Calendar, DayKind, Term};
use sqlx::Row;
use std::collections::HashMap;

/// How an appeal is sorted on arrival; the term follows (shared/research/appeals.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Category {
    Urgent,
    Ordinary,
    Consultation,
}

impl Category {
    pub fn code(self) -> &'static str {
        match self {
            Category::Urgent => "urgent",
            Category::Ordinary => "ordinary",
            Category::Consultation => "consultation",
        }
    }
    pub fn parse(code: &str) -> Option<Category> {
        match code {
            "urgent" => Some(Category::Urgent),
            "ordinary" => Some(Category::Ordinary),
            "consultation" => Some(Category::Consultation),
            _ => None,
        }
    }
    /// Urgent: 3 working days; ordinary and consultation: 15 calendar days.
    pub fn term(self) -> Term {
        match self {
            Category::Urgent => Term::WorkingDays(3),
            Category::Ordinary | Category::Consultation => Term::CalendarDays(15),
        }
    }
}

/// The longest subject and text accepted.
pub const SUBJECT_MAX: usize = 200;
pub const TEXT_MAX: usize = 10_000;

/// The calendar as the administrators keep it.
pub async fn calendar(svc: &Services) -> Result<Calendar> {
    let rows = sqlx::query("SELECT day, kind FROM calendar_days")
        .fetch_all(&svc.db.pool)
        .await?;
    let mut days = Vec::with_capacity(rows.len());
    for row in &rows {
        let day: String = row.try_get("day")?;
        let kind: String = row.try_get("kind")?;
        if let (Some(day), Some(kind)) = (shared::calendar::parse_day(&day), DayKind::parse(&kind)) {
            days.push((day, kind));
        }
    }
    Ok(Calendar::new(days))
}

fn day_text(day: i64) -> String {
    shared::time::format_iso_date(shared::calendar::start_of(day))
}

/// An appeal as the resident writes it.
pub struct NewAppeal<'a> {
    pub user_id: i64,
    pub body_id: i64,
    pub topic: &'a str,
    pub kind: &'a str,
    pub subject: &'a str,
    pub text: &'a str,
    pub region: &'a str,
    pub district: &'a str,
    pub mahalla: Option<&'a str>,
    /// Co-signers (a collective appeal when any).
    pub cosigners: &'a [Phone],
    /// Checked attachments.
    pub files: &'a [attachments::Checked],
    /// An earlier appeal of the same resident whose answer this complaint is about.
    pub about: Option<i64>,
    /// The filer's language, for the co-signers' invitations.
    pub locale: shared::Locale,
}

#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("no such body")]
    Body,
    #[error("no such topic")]
    Topic,
    #[error("no such kind of appeal")]
    Kind,
    #[error("the subject is empty")]
    SubjectEmpty,
    #[error("the subject is too long")]
    SubjectTooLong,
    #[error("the text is empty")]
    TextEmpty,
    #[error("the text is too long")]
    TextTooLong,
    #[error("the place does not exist")]
    Place,
    #[error("too many co-signers")]
    TooManyCosigners,
    #[error("the earlier appeal is not this resident's answered appeal")]
    About,
    /// Too many appeals or co-signer invitations today.
    #[error("too many appeals today")]
    RateLimited,
    #[error(transparent)]
    Service(#[from] Error),
}

crate::error::service_error!(FileError);

impl FileError {
    pub fn code(&self) -> &'static str {
        match self {
            FileError::Body => "body",
            FileError::Topic => "topic",
            FileError::Kind => "kind",
            FileError::SubjectEmpty => "subject_empty",
            FileError::SubjectTooLong => "subject_too_long",
            FileError::TextEmpty => "text_empty",
            FileError::TextTooLong => "text_too_long",
            FileError::Place => "place",
            FileError::TooManyCosigners => "cosigners_too_many",
            FileError::About => "about",
            FileError::RateLimited => "rate_limited",
            FileError::Service(_) => "unavailable",
        }
    }
}

/// A registered appeal: its number and the last day of its term.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registered {
    pub id: i64,
    pub number: String,
    pub due_day: String,
}

/// Registers an appeal at once (refusing to register is not allowed; only malformed input is
/// refused, and then nothing is stored), with an ordinary term until an officer triages it.
/// Appeals one resident may file in a day, co-signer invitations they may send in a day, and
/// invitations one phone may receive in a day.
pub const FILINGS_PER_USER_PER_DAY: i64 = 20;
pub const INVITATIONS_PER_USER_PER_DAY: i64 = 100;
pub const INVITATIONS_PER_PHONE_PER_DAY: i64 = 5;

pub async fn file(svc: &Services, new: &NewAppeal<'_>) -> Result<Registered, FileError> {
    if !matches!(new.kind, "application" | "proposal" | "complaint") {
        return Err(FileError::Kind);
    }
    let subject = new.subject.trim();
    if subject.is_empty() {
        return Err(FileError::SubjectEmpty);
    }
    if subject.chars().count() > SUBJECT_MAX {
        return Err(FileError::SubjectTooLong);
    }
    let text = new.text.trim();
    if text.is_empty() {
        return Err(FileError::TextEmpty);
    }
    if text.chars().count() > TEXT_MAX {
        return Err(FileError::TextTooLong);
    }
    let body: Option<i64> = sqlx::query_scalar("SELECT id FROM bodies WHERE id = $1")
        .bind(new.body_id)
        .fetch_optional(&svc.db.pool)
        .await?;
    if body.is_none() {
        return Err(FileError::Body);
    }
    let topic: Option<String> = sqlx::query_scalar("SELECT code FROM topics WHERE code = $1")
        .bind(new.topic)
        .fetch_optional(&svc.db.pool)
        .await?;
    if topic.is_none() {
        return Err(FileError::Topic);
    }
    let place: Option<String> =
        sqlx::query_scalar("SELECT soato FROM districts WHERE soato = $1 AND region_soato = $2")
            .bind(new.district)
            .bind(new.region)
            .fetch_optional(&svc.db.pool)
            .await?;
    if place.is_none() {
        return Err(FileError::Place);
    }
    if let Some(mahalla) = new.mahalla {
        let found: Option<String> =
            sqlx::query_scalar("SELECT code FROM mahallas WHERE code = $1 AND district_soato = $2")
                .bind(mahalla)
                .bind(new.district)
                .fetch_optional(&svc.db.pool)
                .await?;
        if found.is_none() {
            return Err(FileError::Place);
        }
    }
    let now = svc.clock.now_ms();
    let calendar = calendar(svc).await?;
    let registered = calendar.registration_day(now);
    let due = Category::Ordinary.term().due(&calendar, registered);
    if new.cosigners.len() > collective::MAX_COSIGNERS {
        return Err(FileError::TooManyCosigners);
    }
    // Each filing is work for a body, and each co-signer an SMS: limited per resident and per
    // invited phone, all or nothing.
    let day = crate::clock::DAY_MS;
    let mut limits = vec![crate::rate::Limit::new(
        format!("appeal:user:{}", new.user_id),
        FILINGS_PER_USER_PER_DAY,
        day,
    )];
    if !new.cosigners.is_empty() {
        limits.push(
            crate::rate::Limit::new(
                format!("cosign:user:{}", new.user_id),
                INVITATIONS_PER_USER_PER_DAY,
                day,
            )
            .costing(new.cosigners.len() as i64),
        );
        for phone in new.cosigners {
            limits.push(crate::rate::Limit::new(
                format!("sms:to:{}", phone.e164()),
                INVITATIONS_PER_PHONE_PER_DAY,
                day,
            ));
        }
    }
    if !crate::rate::allow_all(&svc.db, &limits, now).await? {
        tracing::warn!(user = new.user_id, "appeal filing limit");
        return Err(FileError::RateLimited);
    }
    // Repeat: a complaint about the answer to an earlier appeal, or the same resident to the
    // same body on the same subject within 12 months.
    let repeat_of: Option<i64> = match new.about {
        Some(earlier) => {
            let own: Option<i64> =
                sqlx::query_scalar("SELECT id FROM appeals WHERE id = $1 AND user_id = $2")
                    .bind(earlier)
                    .bind(new.user_id)
                    .fetch_optional(&svc.db.pool)
                    .await?;
            if new.kind != "complaint" || own.is_none() || control::last_answer(svc, earlier).await?.is_none()
            {
                return Err(FileError::About);
            }
            Some(earlier)
        }
        None => {
            sqlx::query_scalar(
                "SELECT id FROM appeals WHERE user_id = $1 AND body_id = $2 AND LOWER(subject) = LOWER($3) \
                 AND created_at > $4 ORDER BY id DESC LIMIT 1",
            )
            .bind(new.user_id)
            .bind(new.body_id)
            .bind(subject)
            .bind(now - 365 * 86_400_000)
            .fetch_optional(&svc.db.pool)
            .await?
        }
    };
    let stored = attachments::store(svc, new.files).await?;

    let mut tx = svc.db.pool.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO appeals (number, user_id, body_id, topic_code, kind, subject, body_text, region_soato, \
           district_soato, mahalla_code, status, registered_day, due_day, due_at, repeat_of, collective, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'registered', $11, $12, $13, $14, $15, $16, $16) RETURNING id",
    )
    .bind(format!("new-{}", crate::secret::token()))
    .bind(new.user_id)
    .bind(new.body_id)
    .bind(new.topic)
    .bind(new.kind)
    .bind(subject)
    .bind(text)
    .bind(new.region)
    .bind(new.district)
    .bind(new.mahalla)
    .bind(day_text(registered))
    .bind(day_text(due))
    .bind(shared::calendar::end_of(due))
    .bind(repeat_of)
    .bind(i16::from(!new.cosigners.is_empty()))
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    let (year, _, _, _, _) = shared::time::tashkent(now);
    let number = format!("M-{year}-{id:06}");
    sqlx::query("UPDATE appeals SET number = $1 WHERE id = $2")
        .bind(&number)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let mut notices = vec![
        record(
            svc,
            &mut tx,
            Step {
                appeal: id,
                user: new.user_id,
                kind: "registered",
                actor: Some(new.user_id),
                body: Some(new.body_id),
                detail: "",
                due: Some(due),
                at: now,
            },
        )
        .await?,
    ];
    if let Some(earlier) = repeat_of {
        let step = Step {
            appeal: id,
            user: new.user_id,
            kind: "repeat",
            actor: None,
            body: None,
            detail: &earlier.to_string(),
            due: None,
            at: now,
        };
        notices.push(record(svc, &mut tx, step).await?);
    }
    attachments::link(&mut tx, id, None, new.files, &stored, now).await?;
    collective::invite(svc, &mut tx, id, &number, new.cosigners, new.locale, now).await?;
    tx.commit().await?;
    svc.live.publish(notices);
    if !new.cosigners.is_empty() {
        svc.sms_wakeup.notify_one();
    }
    Ok(Registered {
        id,
        number,
        due_day: day_text(due),
    })
}

/// One step of an appeal's timeline.
struct Step<'a> {
    appeal: i64,
    /// The resident whose appeal it is (whose live stream hears of it).
    user: i64,
    kind: &'a str,
    actor: Option<i64>,
    body: Option<i64>,
    detail: &'a str,
    due: Option<i64>,
    at: i64,
}

/// Writes a step inside the caller's transaction and returns what to announce once it
/// commits. On PostgreSQL the resident's events are serialized (an advisory lock until
/// commit), so their ids commit in order and a stream resuming after an id misses none; and
/// the other instances are told by NOTIFY, which PostgreSQL delivers on commit.
async fn record(
    svc: &Services,
    conn: &mut sqlx::AnyConnection,
    step: Step<'_>,
) -> Result<crate::live::Notice> {
    if svc.db.backend == crate::db::Backend::Postgres {
        sqlx::query("SELECT pg_advisory_xact_lock(7001, CAST($1 % 2147483647 AS INTEGER))")
            .bind(step.user)
            .execute(&mut *conn)
            .await?;
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO appeal_events (appeal_id, kind, actor_id, body_id, detail, due_day, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(step.appeal)
    .bind(step.kind)
    .bind(step.actor)
    .bind(step.body)
    .bind(step.detail)
    .bind(step.due.map(day_text))
    .bind(step.at)
    .fetch_one(&mut *conn)
    .await?;
    let notice = crate::live::Notice {
        event_id: id,
        appeal_id: step.appeal,
        user_id: step.user,
        kind: step.kind.to_string(),
    };
    svc.live.notify(&mut *conn, svc.db.backend, &notice).await?;
    Ok(notice)
}

/// Every body's parent, for scope checks (a small table, read whole).
async fn parents(svc: &Services) -> Result<HashMap<i64, Option<i64>>> {
    let rows = sqlx::query("SELECT id, parent_id FROM bodies")
        .fetch_all(&svc.db.pool)
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("parent_id")?)))
        .collect()
}

/// The bodies named in a person's officer and head grants.
fn named_bodies(principal: &Principal) -> Vec<i64> {
    principal
        .grants
        .iter()
        .filter(|g| matches!(g.role, Role::AppealsOfficer | Role::HeadOfBody))
        .flat_map(|g| g.scopes.iter())
        .filter_map(|s| match s {
            Scope::Body(b) => Some(*b),
            _ => None,
        })
        .collect()
}

/// Whether `body` or one of its ancestors is among `named` (the walk stops after 64 levels,
/// so a cycle entered by mistake cannot hang it).
fn within(parents: &HashMap<i64, Option<i64>>, body: i64, named: &[i64]) -> bool {
    let mut current = Some(body);
    for _ in 0..64 {
        let Some(b) = current else { return false };
        if named.contains(&b) {
            return true;
        }
        current = parents.get(&b).copied().flatten();
    }
    false
}

/// Whether a person handles a body's appeals: an officer or head of that body or of one of
/// its ancestors, or an administrator.
pub async fn handles(svc: &Services, principal: &Principal, body_id: i64) -> Result<bool> {
    if principal.has_role(Role::Administrator) {
        return Ok(true);
    }
    Ok(within(&parents(svc).await?, body_id, &named_bodies(principal)))
}

/// The officer sorts an appeal; its term is counted again from registration by the category.
pub async fn triage(
    svc: &Services,
    principal: &Principal,
    appeal_id: i64,
    category: Category,
) -> Result<String, ActionError> {
    let row = open_appeal(svc, principal, appeal_id).await?;
    let body: i64 = row.try_get("body_id")?;
    let registered = shared::calendar::parse_day(&row.try_get::<String, _>("registered_day")?)
        .ok_or_else(|| Error::ReferenceData("a registered day that is not a date".into()))?;
    let calendar = calendar(svc).await?;
    let due = category.term().due(&calendar, registered);
    let now = svc.clock.now_ms();
    let mut tx = svc.db.pool.begin().await?;
    sqlx::query(
        "UPDATE appeals SET category = $1, status = CASE WHEN status = 'registered' THEN 'in_progress' ELSE status END, \
           due_day = $2, due_at = $3, updated_at = $4 WHERE id = $5",
    )
    .bind(category.code())
    .bind(day_text(due))
    .bind(shared::calendar::end_of(due))
    .bind(now)
    .bind(appeal_id)
    .execute(&mut *tx)
    .await?;
    let step = Step {
        appeal: appeal_id,
        user: row.try_get("user_id")?,
        kind: "triaged",
        actor: Some(principal.user_id),
        body: Some(body),
        detail: category.code(),
        due: Some(due),
        at: now,
    };
    let notice = record(svc, &mut tx, step).await?;
    tx.commit().await?;
    svc.live.publish([notice]);
    Ok(day_text(due))
}

/// The control-time regime: every unresolved appeal whose term ended passes to its body's
/// parent with a new term of its category, an event on its timeline and an SMS to the
/// resident. Each move is conditional on the term it ends, so several instances running this
/// at once move an appeal once per term. Returns how many moved.
pub async fn escalate_overdue(svc: &Services, batch: i64) -> Result<usize> {
    let now = svc.clock.now_ms();
    let rows = sqlx::query(
        "SELECT a.id, a.user_id, a.body_id, a.due_at, a.category, b.parent_id FROM appeals a JOIN bodies b ON b.id = a.body_id \
         WHERE a.status <> 'resolved' AND a.due_at < $1 AND b.parent_id IS NOT NULL ORDER BY a.due_at, a.id LIMIT $2",
    )
    .bind(now)
    .bind(batch)
    .fetch_all(&svc.db.pool)
    .await?;
    if rows.is_empty() {
        return Ok(0);
    }
    let calendar = calendar(svc).await?;
    let today = calendar.registration_day(now);
    let mut moved = 0;
    for row in &rows {
        let id: i64 = row.try_get("id")?;
        let from: i64 = row.try_get("body_id")?;
        let old_due: i64 = row.try_get("due_at")?;
        let parent: i64 = row.try_get::<Option<i64>, _>("parent_id")?.unwrap_or(from);
        let category = row
            .try_get::<Option<String>, _>("category")?
            .as_deref()
            .and_then(Category::parse)
            .unwrap_or(Category::Ordinary);
        let due = category.term().due(&calendar, today);
        let mut tx = svc.db.pool.begin().await?;
        let updated = sqlx::query(
            "UPDATE appeals SET body_id = $1, due_day = $2, due_at = $3, escalations = escalations + 1, updated_at = $4 \
             WHERE id = $5 AND due_at = $6 AND body_id = $7 AND status <> 'resolved'",
        )
        .bind(parent)
        .bind(day_text(due))
        .bind(shared::calendar::end_of(due))
        .bind(now)
        .bind(id)
        .bind(old_due)
        .bind(from)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            continue; // another instance moved it first
        }
        let step = Step {
            appeal: id,
            user: row.try_get("user_id")?,
            kind: "escalated",
            actor: None,
            body: Some(parent),
            detail: &from.to_string(),
            due: Some(due),
            at: now,
        };
        let notice = record(svc, &mut tx, step).await?;
        let resident = sqlx::query(
            "SELECT u.phone, u.locale, a.number FROM appeals a JOIN users u ON u.id = a.user_id WHERE a.id = $1",
        )
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        let locale = shared::Locale::from_tag(&resident.try_get::<String, _>("locale")?).unwrap_or_default();
        if let Ok(phone) = Phone::parse(&resident.try_get::<String, _>("phone")?) {
            let number: String = resident.try_get("number")?;
            let body = text::escalated(locale, &number, &day_text(due));
            crate::sms::enqueue(&mut *tx, &phone, &body, locale, "appeal", now).await?;
        }
        // The parent body's officers hear of it too.
        let number: String = resident.try_get("number")?;
        tell_officers(&mut tx, parent, &number, &day_text(due), Arrival::Overdue, now).await?;
        tx.commit().await?;
        svc.live.publish([notice]);
        moved += 1;
    }
    if moved > 0 {
        svc.sms_wakeup.notify_one();
    }
    Ok(moved)
}

pub mod text {
    use shared::Locale;

    pub fn changed(locale: Locale, number: &str) -> String {
        match locale {
            Locale::Uz => format!("Fuqaro: {number} murojaatingiz boʻyicha yangilik bor. Ilovada koʻring."),
            Locale::UzCyrl => format!("Fuqaro: {number} мурожаатингиз бўйича янгилик бор. Иловада кўринг."),
            Locale::Ru => format!("Fuqaro: по обращению {number} есть новости. Посмотрите в приложении."),
        }
    }

    pub fn escalated(locale: Locale, number: &str, due: &str) -> String {
        match locale {
            Locale::Uz => format!(
                "Fuqaro: {number} murojaatingiz muddatida koʻrilmagani uchun yuqori turuvchi organga oʻtdi. Yangi muddat: {due}."
            ),
            Locale::UzCyrl => format!(
                "Fuqaro: {number} мурожаатингиз муддатида кўрилмагани учун юқори турувчи органга ўтди. Янги муддат: {due}."
            ),
            Locale::Ru => format!(
                "Fuqaro: обращение {number} не рассмотрено в срок и передано вышестоящему органу. Новый срок: {due}."
            ),
        }
    }

    pub fn returned_to_officer(locale: Locale, number: &str, due: &str) -> String {
        match locale {
            Locale::Uz => format!(
                "Fuqaro: {number} murojaati fuqaro tomonidan nazoratga qaytarildi va sizning organingizga oʻtdi. Muddat: {due}."
            ),
            Locale::UzCyrl => format!(
                "Fuqaro: {number} мурожаати фуқаро томонидан назоратга қайтарилди ва сизнинг органингизга ўтди. Муддат: {due}."
            ),
            Locale::Ru => format!(
                "Fuqaro: обращение {number} возвращено заявителем на контроль и передано вашему органу. Срок: {due}."
            ),
        }
    }

    pub fn escalated_to_officer(locale: Locale, number: &str, due: &str) -> String {
        match locale {
            Locale::Uz => format!(
                "Fuqaro: {number} murojaati muddati oʻtgani uchun sizning organingizga oʻtdi. Muddat: {due}."
            ),
            Locale::UzCyrl => format!(
                "Fuqaro: {number} мурожаати муддати ўтгани учун сизнинг органингизга ўтди. Муддат: {due}."
            ),
            Locale::Ru => {
                format!("Fuqaro: обращение {number} просрочено и передано вашему органу. Срок: {due}.")
            }
        }
    }
}

/// The demo tree of bodies (development only): the Ministry of Health with its city, district
/// and institution levels (seed 004), and the energy and housing ministries residents of the
/// demo districts write to. Idempotent.
pub async fn seed_demo_bodies(svc: &Services) -> Result<()> {
    // (id, parent, kind, uz, uz-Cyrl, ru, region, district, topics)
    type Body = (
        i64,
        Option<i64>,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        Option<&'static str>,
        Option<&'static str>,
        &'static [&'static str],
    );
    const BODIES: [Body; 11] = [
        (
            1,
            None,
            "ministry",
            "Sogʻliqni saqlash vazirligi",
            "Соғлиқни сақлаш вазирлиги",
            "Министерство здравоохранения",
            None,
            None,
            &["healthcare", "medicines"],
        ),
        (
            2,
            Some(1),
            "regional",
            "Toshkent shahar sogʻliqni saqlash bosh boshqarmasi",
            "Тошкент шаҳар соғлиқни сақлаш бош бошқармаси",
            "Главное управление здравоохранения города Ташкента",
            Some("1726"),
            None,
            &["healthcare"],
        ),
        (
            3,
            Some(2),
            "district",
            "Yunusobod tumani tibbiyot birlashmasi",
            "Юнусобод тумани тиббиёт бирлашмаси",
            "Юнусабадское районное медицинское объединение",
            Some("1726"),
            Some("1726266"),
            &["healthcare"],
        ),
        (
            4,
            Some(3),
            "institution",
            "Yunusobod tumani 1-son oilaviy poliklinika",
            "Юнусобод тумани 1-сон оилавий поликлиника",
            "Семейная поликлиника № 1 Юнусабадского района",
            Some("1726"),
            Some("1726266"),
            &["healthcare", "medicines"],
        ),
        (
            5,
            Some(2),
            "district",
            "Chilonzor tumani tibbiyot birlashmasi",
            "Чилонзор тумани тиббиёт бирлашмаси",
            "Чиланзарское районное медицинское объединение",
            Some("1726"),
            Some("1726294"),
            &["healthcare"],
        ),
        (
            6,
            Some(1),
            "regional",
            "Samarqand viloyati sogʻliqni saqlash boshqarmasi",
            "Самарқанд вилояти соғлиқни сақлаш бошқармаси",
            "Управление здравоохранения Самаркандской области",
            Some("1718"),
            None,
            &["healthcare"],
        ),
        (
            7,
            None,
            "ministry",
            "Energetika vazirligi",
            "Энергетика вазирлиги",
            "Министерство энергетики",
            None,
            None,
            &["electricity"],
        ),
        (
            8,
            Some(7),
            "regional",
            "Toshkent shahar hududiy elektr tarmoqlari korxonasi",
            "Тошкент шаҳар ҳудудий электр тармоқлари корхонаси",
            "Ташкентское городское предприятие территориальных электросетей",
            Some("1726"),
            None,
            &["electricity"],
        ),
        (
            9,
            Some(8),
            "district",
            "Yunusobod tumani elektr tarmoqlari",
            "Юнусобод тумани электр тармоқлари",
            "Юнусабадские районные электросети",
            Some("1726"),
            Some("1726266"),
            &["electricity"],
        ),
        (
            10,
            None,
            "ministry",
            "Qurilish va uy-joy kommunal xoʻjaligi vazirligi",
            "Қурилиш ва уй-жой коммунал хўжалиги вазирлиги",
            "Министерство строительства и жилищно-коммунального хозяйства",
            None,
            None,
            &["housing"],
        ),
        (
            11,
            Some(10),
            "regional",
            "Toshkent shahar uy-joy kommunal xoʻjaligi bosh boshqarmasi",
            "Тошкент шаҳар уй-жой коммунал хўжалиги бош бошқармаси",
            "Главное управление ЖКХ города Ташкента",
            Some("1726"),
            None,
            &["housing"],
        ),
    ];
    let now = svc.clock.now_ms();
    let mut tx = svc.db.pool.begin().await?;
    for (id, parent, kind, uz, cyrl, ru, region, district, topics) in BODIES {
        sqlx::query(
            "INSERT INTO bodies (id, parent_id, kind, name_uz, name_uz_cyrl, name_ru, region_soato, district_soato, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING",
        )
        .bind(id)
        .bind(parent)
        .bind(kind)
        .bind(uz)
        .bind(cyrl)
        .bind(ru)
        .bind(region)
        .bind(district)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        for topic in topics {
            sqlx::query(
                "INSERT INTO body_topics (body_id, topic_code) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            )
            .bind(id)
            .bind(topic)
            .execute(&mut *tx)
            .await?;
        }
    }
    // Ids given by hand: on PostgreSQL bodies added later must continue after them.
    if svc.db.backend == crate::db::Backend::Postgres {
        sqlx::query("SELECT setval(pg_get_serial_sequence('bodies', 'id'), (SELECT MAX(id) FROM bodies))")
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Every body a person handles: those named in their grants and all below them.
async fn handled_bodies(svc: &Services, principal: &Principal) -> Result<Vec<i64>> {
    let parents = parents(svc).await?;
    let admin = principal.has_role(Role::Administrator);
    let named = named_bodies(principal);
    let mut out: Vec<i64> = parents
        .keys()
        .copied()
        .filter(|&body| admin || within(&parents, body, &named))
        .collect();
    out.sort_unstable();
    Ok(out)
}

/// What the desk shows: one category, one body, only overdue, only the person's own; and
/// where the page starts (after this term end and id).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskFilter {
    pub category: Option<Category>,
    pub body: Option<i64>,
    pub overdue: bool,
    pub mine: bool,
    pub after: Option<(i64, i64)>,
}

/// The officer's desk: unresolved appeals of the bodies they handle, by time left (overdue
/// first), filtered, a page at a time.
pub async fn desk(
    svc: &Services,
    principal: &Principal,
    filter: &DeskFilter,
    limit: i64,
) -> Result<Vec<shared::appeal::DeskItem>> {
    let mut bodies = handled_bodies(svc, principal).await?;
    if let Some(only) = filter.body {
        bodies.retain(|b| *b == only);
    }
    if bodies.is_empty() {
        return Ok(Vec::new());
    }
    let now = svc.clock.now_ms();
    // The body list comes from the database's own ids, never from the request.
    let list = bodies.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
    let mut sql = format!(
        "SELECT a.id, a.number, a.kind, a.subject, a.category, a.status, a.due_day, a.due_at, a.assigned_to, a.repeat_of, \
           a.collective, b.name_uz AS n_uz, b.name_uz_cyrl AS n_cyrl, b.name_ru AS n_ru \
         FROM appeals a JOIN bodies b ON b.id = a.body_id \
         WHERE a.status <> 'resolved' AND a.body_id IN ({list})"
    );
    // Only the filters in use reach the SQL, so each query gets the plan that fits it.
    use crate::db::Value;
    let mut values = vec![Value::Int(limit)];
    let mut param = |value: Value| {
        values.push(value);
        format!("${}", values.len())
    };
    if let Some(category) = filter.category {
        sql.push_str(&format!(
            " AND a.category = {}",
            param(Value::Text(category.code().into()))
        ));
    }
    if filter.overdue {
        sql.push_str(&format!(" AND a.due_at < {}", param(Value::Int(now))));
    }
    if filter.mine {
        sql.push_str(&format!(
            " AND a.assigned_to = {}",
            param(Value::Int(principal.user_id))
        ));
    }
    if let Some((at, id)) = filter.after {
        let (at, id) = (param(Value::Int(at)), param(Value::Int(id)));
        sql.push_str(&format!(" AND (a.due_at, a.id) > ({at}, {id})"));
    }
    sql.push_str(" ORDER BY a.due_at, a.id LIMIT $1");
    crate::db::bind_all(sqlx::query(&sql), &values)
        .fetch_all(&svc.db.pool)
        .await?
        .iter()
        .map(|r| {
            let due_at: i64 = r.try_get("due_at")?;
            Ok(shared::appeal::DeskItem {
                id: r.try_get("id")?,
                number: r.try_get("number")?,
                body: crate::db::names(r, "n")?,
                kind: r.try_get("kind")?,
                subject: r.try_get("subject")?,
                category: r.try_get("category")?,
                status: r.try_get("status")?,
                due_day: r.try_get("due_day")?,
                due_at,
                overdue: due_at < now,
                assigned: r.try_get::<Option<i64>, _>("assigned_to")?.is_some(),
                repeat: r.try_get::<Option<i64>, _>("repeat_of")?.is_some(),
                collective: r.try_get::<i16, _>("collective")? != 0,
            })
        })
        .collect()
}

/// The bodies a person handles, in tree order (the desk's filter).
pub async fn desk_bodies(svc: &Services, principal: &Principal) -> Result<Vec<shared::appeal::BodyChoice>> {
    let handled = handled_bodies(svc, principal).await?;
    Ok(bodies_tree(svc)
        .await?
        .into_iter()
        .filter(|b| handled.contains(&b.id))
        .collect())
}

/// How an appeal ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Resolution {
    Satisfied,
    Explained,
    Rejected,
}

impl Resolution {
    pub fn code(self) -> &'static str {
        match self {
            Resolution::Satisfied => "satisfied",
            Resolution::Explained => "explained",
            Resolution::Rejected => "rejected",
        }
    }
}

/// What an officer does with an appeal of their bodies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Gives it to a staff member of the body.
    Assign(i64),
    /// Answers the resident (the appeal stays open until resolved).
    Answer(String),
    /// Sends it to the competent body, within 5 working days of registration.
    Forward { to: i64, reason: String },
    /// Extends the term once, by up to a month, with a reason.
    Extend(String),
    /// Records a named person's consent or refusal to close a collective appeal.
    Consent {
        person: String,
        role: ConsentRole,
        consent: bool,
    },
    /// Ends it; a rejection needs its reason, a collective appeal the recorded consent.
    Resolve { resolution: Resolution, reason: String },
}

/// Who gives consent to close a collective appeal: a representative of the co-signers, or a
/// member of the mahalla seven (mahalla yettiligi).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConsentRole {
    Representative,
    MahallaChair,
    HokimAssistant,
    YouthLeader,
    WomensActivist,
    PreventionInspector,
    TaxInspector,
    SocialWorker,
}

impl ConsentRole {
    pub const ALL: [ConsentRole; 8] = [
        ConsentRole::Representative,
        ConsentRole::MahallaChair,
        ConsentRole::HokimAssistant,
        ConsentRole::YouthLeader,
        ConsentRole::WomensActivist,
        ConsentRole::PreventionInspector,
        ConsentRole::TaxInspector,
        ConsentRole::SocialWorker,
    ];
    pub fn code(self) -> &'static str {
        match self {
            ConsentRole::Representative => "representative",
            ConsentRole::MahallaChair => "mahalla_chair",
            ConsentRole::HokimAssistant => "hokim_assistant",
            ConsentRole::YouthLeader => "youth_leader",
            ConsentRole::WomensActivist => "womens_activist",
            ConsentRole::PreventionInspector => "prevention_inspector",
            ConsentRole::TaxInspector => "tax_inspector",
            ConsentRole::SocialWorker => "social_worker",
        }
    }
    pub fn parse(code: &str) -> Option<ConsentRole> {
        ConsentRole::ALL.into_iter().find(|r| r.code() == code)
    }
    pub fn of_mahalla_seven(self) -> bool {
        self != ConsentRole::Representative
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ActionError {
    #[error("no such appeal in this person's bodies")]
    NotFound,
    #[error("already resolved")]
    Resolved,
    #[error("a reason or text is required")]
    ReasonRequired,
    #[error("the text is too long")]
    TooLong,
    #[error("the term was already extended once")]
    AlreadyExtended,
    #[error("forwarding is allowed within 5 working days of registration")]
    TooLateToForward,
    #[error("no such body")]
    Body,
    #[error("the assignee does not work for this body")]
    Assignee,
    #[error("consent only concerns collective appeals")]
    NotCollective,
    #[error(
        "a collective appeal closes only with the consent of the co-signers' representatives and the mahalla seven"
    )]
    ConsentMissing(ConsentGap),
    #[error(transparent)]
    Service(#[from] Error),
}

/// What is missing before a collective appeal may close.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConsentGap {
    /// No representative of the co-signers has consented.
    Representative,
    /// No member of the mahalla seven has consented.
    MahallaSeven,
    /// Someone refused (their last word counts).
    Refused,
}

impl ActionError {
    pub fn code(&self) -> &'static str {
        match self {
            ActionError::NotFound => "not_found",
            ActionError::Resolved => "resolved",
            ActionError::ReasonRequired => "reason_required",
            ActionError::TooLong => "too_long",
            ActionError::AlreadyExtended => "already_extended",
            ActionError::TooLateToForward => "too_late_to_forward",
            ActionError::Body => "body",
            ActionError::Assignee => "assignee",
            ActionError::NotCollective => "not_collective",
            ActionError::ConsentMissing(ConsentGap::Representative) => "consent_representative",
            ActionError::ConsentMissing(ConsentGap::MahallaSeven) => "consent_mahalla",
            ActionError::ConsentMissing(ConsentGap::Refused) => "consent_refused",
            ActionError::Service(_) => "unavailable",
        }
    }
}

crate::error::service_error!(ActionError);

/// An unresolved appeal of a body the person handles; "not found" outside their bodies.
async fn open_appeal(
    svc: &Services,
    principal: &Principal,
    appeal_id: i64,
) -> Result<sqlx::any::AnyRow, ActionError> {
    let row = sqlx::query(
        "SELECT body_id, status, extended, registered_day, due_day, user_id, number, collective FROM appeals WHERE id = $1",
    )
    .bind(appeal_id)
    .fetch_optional(&svc.db.pool)
    .await?
    .ok_or(ActionError::NotFound)?;
    if !handles(svc, principal, row.try_get("body_id")?).await? {
        return Err(ActionError::NotFound);
    }
    if row.try_get::<String, _>("status")? == "resolved" {
        return Err(ActionError::Resolved);
    }
    Ok(row)
}

/// Staff who work on a body's appeals: officers and heads of it or of a body above it.
pub async fn body_staff(svc: &Services, body_id: i64) -> Result<Vec<(i64, String)>> {
    let parents = parents(svc).await?;
    let rows = sqlx::query(
        "SELECT DISTINCT u.id, u.phone, u.full_name, s.scope FROM role_grants g JOIN grant_scopes s ON s.grant_id = g.id \
         JOIN users u ON u.id = g.user_id WHERE g.role IN ('appeals_officer', 'head_of_body') ORDER BY u.id",
    )
    .fetch_all(&svc.db.pool)
    .await?;
    let mut staff: Vec<(i64, String)> = Vec::new();
    for r in &rows {
        let id: i64 = r.try_get("id")?;
        let Some(Scope::Body(named)) = Scope::decode(&r.try_get::<String, _>("scope")?) else {
            continue;
        };
        if within(&parents, body_id, &[named]) && !staff.iter().any(|(s, _)| *s == id) {
            let phone: String = r.try_get("phone")?;
            let shown = Phone::parse(&phone).map(|p| p.masked()).unwrap_or(phone);
            let name = r
                .try_get::<Option<String>, _>("full_name")?
                .map(|n| format!("{n} ({shown})"))
                .unwrap_or(shown);
            staff.push((id, name));
        }
    }
    Ok(staff)
}

/// Whether the recorded consent lets a collective appeal close: the last word of each named
/// person counts; at least one representative and one of the mahalla seven consent, and
/// nobody refuses.
pub fn consent_gap(records: &[(String, ConsentRole, bool)]) -> Option<ConsentGap> {
    let mut last: Vec<(&str, ConsentRole, bool)> = Vec::new();
    for (person, role, consent) in records {
        let key = person.trim();
        match last
            .iter_mut()
            .find(|(p, r, _)| p.eq_ignore_ascii_case(key) && r == role)
        {
            Some(entry) => entry.2 = *consent,
            None => last.push((key, *role, *consent)),
        }
    }
    if last.iter().any(|(_, _, c)| !c) {
        Some(ConsentGap::Refused)
    } else if !last.iter().any(|(_, r, _)| !r.of_mahalla_seven()) {
        Some(ConsentGap::Representative)
    } else if !last.iter().any(|(_, r, _)| r.of_mahalla_seven()) {
        Some(ConsentGap::MahallaSeven)
    } else {
        None
    }
}

/// The consent recorded for an appeal, oldest first.
pub async fn consents(svc: &Services, appeal_id: i64) -> Result<Vec<shared::appeal::Consent>> {
    sqlx::query("SELECT person, role, consent, at FROM appeal_consents WHERE appeal_id = $1 ORDER BY id")
        .bind(appeal_id)
        .fetch_all(&svc.db.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(shared::appeal::Consent {
                person: r.try_get("person")?,
                role: r.try_get("role")?,
                consent: r.try_get::<i16, _>("consent")? != 0,
                at: r.try_get("at")?,
            })
        })
        .collect()
}

/// The longest answer, reason or comment an officer or resident may write.
pub const NOTE_MAX: usize = 10_000;

fn note(text: &str) -> Result<&str, ActionError> {
    let text = text.trim();
    if text.is_empty() {
        Err(ActionError::ReasonRequired)
    } else if text.chars().count() > NOTE_MAX {
        Err(ActionError::TooLong)
    } else {
        Ok(text)
    }
}

/// Carries out an officer's action; every action is an event on the timeline with who and
/// when, and the resident is told of a forward, an extension, an answer and the resolution.
/// Returns the event's id.
pub async fn act(
    svc: &Services,
    principal: &Principal,
    appeal_id: i64,
    action: &Action,
) -> Result<i64, ActionError> {
    act_with_files(svc, principal, appeal_id, action, &[], &[]).await
}

/// [`act`], with files checked and stored beforehand (an answer's attachments), linked to the
/// action's event in its transaction.
pub async fn act_with_files(
    svc: &Services,
    principal: &Principal,
    appeal_id: i64,
    action: &Action,
    files: &[attachments::Checked],
    stored: &[i64],
) -> Result<i64, ActionError> {
    let row = open_appeal(svc, principal, appeal_id).await?;
    let body: i64 = row.try_get("body_id")?;
    let number: String = row.try_get("number")?;
    let collective = row.try_get::<i16, _>("collective")? != 0;
    let now = svc.clock.now_ms();
    let calendar = calendar(svc).await?;
    // Checked before the transaction: reads of other tables.
    match action {
        Action::Assign(user) if !body_staff(svc, body).await?.iter().any(|(s, _)| s == user) => {
            return Err(ActionError::Assignee);
        }
        Action::Consent { .. } if !collective => return Err(ActionError::NotCollective),
        Action::Resolve { .. } if collective => {
            let records: Vec<(String, ConsentRole, bool)> = consents(svc, appeal_id)
                .await?
                .into_iter()
                .filter_map(|c| Some((c.person, ConsentRole::parse(&c.role)?, c.consent)))
                .collect();
            if let Some(gap) = consent_gap(&records) {
                return Err(ActionError::ConsentMissing(gap));
            }
        }
        _ => {}
    }
    let mut tx = svc.db.pool.begin().await?;
    let (kind, detail, due, tell): (&str, String, Option<i64>, bool) = match action {
        Action::Assign(user) => {
            sqlx::query("UPDATE appeals SET assigned_to = $1, status = CASE WHEN status = 'registered' THEN 'in_progress' ELSE status END, updated_at = $2 WHERE id = $3")
                .bind(user)
                .bind(now)
                .bind(appeal_id)
                .execute(&mut *tx)
                .await?;
            ("assigned", user.to_string(), None, false)
        }
        Action::Answer(text) => {
            let text = note(text)?;
            sqlx::query("UPDATE appeals SET status = 'answered', updated_at = $1 WHERE id = $2")
                .bind(now)
                .bind(appeal_id)
                .execute(&mut *tx)
                .await?;
            ("answered", text.to_string(), None, true)
        }
        Action::Forward { to, reason } => {
            let reason = note(reason)?;
            let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM bodies WHERE id = $1")
                .bind(to)
                .fetch_optional(&mut *tx)
                .await?;
            if exists.is_none() || *to == body {
                return Err(ActionError::Body);
            }
            let registered =
                shared::calendar::parse_day(&row.try_get::<String, _>("registered_day")?).unwrap_or_default();
            if shared::calendar::day_of(now) > calendar.add_working_days(registered, 5) {
                return Err(ActionError::TooLateToForward);
            }
            sqlx::query("UPDATE appeals SET body_id = $1, assigned_to = NULL, updated_at = $2 WHERE id = $3")
                .bind(to)
                .bind(now)
                .bind(appeal_id)
                .execute(&mut *tx)
                .await?;
            ("forwarded", format!("{to}: {reason}"), None, true)
        }
        Action::Extend(reason) => {
            let reason = note(reason)?;
            if row.try_get::<i16, _>("extended")? != 0 {
                return Err(ActionError::AlreadyExtended);
            }
            let old = shared::calendar::parse_day(&row.try_get::<String, _>("due_day")?).unwrap_or_default();
            let due = shared::calendar::Term::CalendarDays(30).due(&calendar, old);
            let done = sqlx::query("UPDATE appeals SET extended = 1, due_day = $1, due_at = $2, updated_at = $3 WHERE id = $4 AND extended = 0")
                .bind(day_text(due))
                .bind(shared::calendar::end_of(due))
                .bind(now)
                .bind(appeal_id)
                .execute(&mut *tx)
                .await?;
            if done.rows_affected() == 0 {
                return Err(ActionError::AlreadyExtended);
            }
            ("extended", reason.to_string(), Some(due), true)
        }
        Action::Consent {
            person,
            role,
            consent,
        } => {
            let person = note(person)?;
            sqlx::query(
                "INSERT INTO appeal_consents (appeal_id, person, role, consent, recorded_by, at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(appeal_id)
            .bind(person)
            .bind(role.code())
            .bind(i16::from(*consent))
            .bind(principal.user_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            let word = if *consent { "consent" } else { "refusal" };
            (
                "consent",
                format!("{word}: {} · {person}", role.code()),
                None,
                false,
            )
        }
        Action::Resolve { resolution, reason } => {
            let reason = match resolution {
                Resolution::Rejected => note(reason)?,
                _ => reason.trim(),
            };
            let done = sqlx::query("UPDATE appeals SET status = 'resolved', resolution = $1, updated_at = $2 WHERE id = $3 AND status <> 'resolved'")
                .bind(resolution.code())
                .bind(now)
                .bind(appeal_id)
                .execute(&mut *tx)
                .await?;
            if done.rows_affected() == 0 {
                return Err(ActionError::Resolved);
            }
            ("resolved", format!("{}: {reason}", resolution.code()), None, true)
        }
    };
    let step = Step {
        appeal: appeal_id,
        user: row.try_get("user_id")?,
        kind,
        actor: Some(principal.user_id),
        body: match action {
            Action::Forward { to, .. } => Some(*to),
            _ => Some(body),
        },
        detail: &detail,
        due,
        at: now,
    };
    let notice = record(svc, &mut tx, step).await?;
    attachments::link(&mut tx, appeal_id, Some(notice.event_id), files, stored, now).await?;
    if tell {
        tell_resident(&mut tx, row.try_get("user_id")?, &number, now).await?;
    }
    tx.commit().await?;
    let event_id = notice.event_id;
    svc.live.publish([notice]);
    if tell {
        svc.sms_wakeup.notify_one();
    }
    Ok(event_id)
}

/// Why an appeal came to a body from below.
#[derive(Clone, Copy)]
enum Arrival {
    Overdue,
    Returned,
}

/// Queues "an appeal has come to your body, due then" to the body's officers and heads.
async fn tell_officers(
    conn: &mut sqlx::AnyConnection,
    body: i64,
    number: &str,
    due: &str,
    why: Arrival,
    now: i64,
) -> Result<()> {
    let officers = sqlx::query(
        "SELECT DISTINCT u.phone, u.locale FROM role_grants g JOIN grant_scopes s ON s.grant_id = g.id \
         JOIN users u ON u.id = g.user_id \
         WHERE g.role IN ('appeals_officer', 'head_of_body') AND s.scope = $1",
    )
    .bind(Scope::Body(body).encode())
    .fetch_all(&mut *conn)
    .await?;
    for officer in &officers {
        let locale = shared::Locale::from_tag(&officer.try_get::<String, _>("locale")?).unwrap_or_default();
        if let Ok(phone) = Phone::parse(&officer.try_get::<String, _>("phone")?) {
            let body = match why {
                Arrival::Overdue => text::escalated_to_officer(locale, number, due),
                Arrival::Returned => text::returned_to_officer(locale, number, due),
            };
            crate::sms::enqueue(&mut *conn, &phone, &body, locale, "appeal", now).await?;
        }
    }
    Ok(())
}

/// Queues "there is news about your appeal" to the resident, in their language.
async fn tell_resident(conn: &mut sqlx::AnyConnection, user_id: i64, number: &str, now: i64) -> Result<()> {
    let resident = sqlx::query("SELECT phone, locale FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(&mut *conn)
        .await?;
    let locale = shared::Locale::from_tag(&resident.try_get::<String, _>("locale")?).unwrap_or_default();
    if let Ok(phone) = Phone::parse(&resident.try_get::<String, _>("phone")?) {
        crate::sms::enqueue(
            &mut *conn,
            &phone,
            &text::changed(locale, number),
            locale,
            "appeal",
            now,
        )
        .await?;
    }
    Ok(())
}

/// The bodies (in tree order) and topics the filing form offers.
pub async fn choices(svc: &Services) -> Result<shared::appeal::AppealChoices> {
    let bodies = bodies_tree(svc).await?;
    let topics = coded_names(
        svc,
        "SELECT code, name_uz AS n_uz, name_uz_cyrl AS n_cyrl, name_ru AS n_ru FROM topics ORDER BY code",
    )
    .await?;
    let districts = coded_names(
        svc,
        "SELECT soato AS code, name_uz AS n_uz, name_uz_cyrl AS n_cyrl, name_ru AS n_ru FROM districts ORDER BY region_soato, name_uz",
    )
    .await?;
    Ok(shared::appeal::AppealChoices {
        bodies,
        topics,
        districts,
        earlier: Vec::new(),
    })
}

/// Rows of `code` and names (`n_uz`, `n_cyrl`, `n_ru`) from a query over a reference table.
async fn coded_names(svc: &Services, sql: &str) -> Result<Vec<(String, shared::geo::Names)>> {
    sqlx::query(sql)
        .fetch_all(&svc.db.pool)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("code")?, crate::db::names(r, "n")?)))
        .collect()
}

/// Every body in tree order (depth-first, children by id) with its topics.
pub async fn bodies_tree(svc: &Services) -> Result<Vec<shared::appeal::BodyChoice>> {
    let rows = sqlx::query(
        "SELECT id, parent_id, kind, region_soato, district_soato, name_uz AS n_uz, name_uz_cyrl AS n_cyrl, name_ru AS n_ru \
         FROM bodies ORDER BY id",
    )
    .fetch_all(&svc.db.pool)
    .await?;
    let links = sqlx::query("SELECT body_id, topic_code FROM body_topics")
        .fetch_all(&svc.db.pool)
        .await?;
    let mut nodes = Vec::new();
    for r in &rows {
        let id: i64 = r.try_get("id")?;
        let parent: Option<i64> = r.try_get("parent_id")?;
        let mut topics = Vec::new();
        for l in &links {
            if l.try_get::<i64, _>("body_id")? == id {
                topics.push(l.try_get("topic_code")?);
            }
        }
        nodes.push(shared::appeal::BodyChoice {
            id,
            parent,
            kind: r.try_get("kind")?,
            region: r.try_get("region_soato")?,
            district: r.try_get("district_soato")?,
            depth: 0,
            name: crate::db::names(r, "n")?,
            topics,
        });
    }
    // Depth-first from the top bodies, children in id order.
    let mut bodies = Vec::with_capacity(nodes.len());
    fn walk(
        parent: Option<i64>,
        depth: usize,
        nodes: &[shared::appeal::BodyChoice],
        out: &mut Vec<shared::appeal::BodyChoice>,
    ) {
        for node in nodes {
            if node.parent == parent && depth < 16 {
                out.push(shared::appeal::BodyChoice {
                    depth,
                    ..node.clone()
                });
                walk(Some(node.id), depth + 1, nodes, out);
            }
        }
    }
    walk(None, 0, &nodes, &mut bodies);
    Ok(bodies)
}

const SUMMARY: &str = "SELECT a.id, a.number, a.subject, a.status, a.category, a.due_day, a.kind, a.body_text, a.resolution, \
       b.name_uz AS n_uz, b.name_uz_cyrl AS n_cyrl, b.name_ru AS n_ru";
const SUMMARY_FROM: &str = "FROM appeals a JOIN bodies b ON b.id = a.body_id";

fn summary(r: &sqlx::any::AnyRow) -> Result<shared::appeal::AppealSummary> {
    Ok(shared::appeal::AppealSummary {
        id: r.try_get("id")?,
        number: r.try_get("number")?,
        subject: r.try_get("subject")?,
        status: r.try_get("status")?,
        category: r.try_get("category")?,
        due_day: r.try_get("due_day")?,
        body: crate::db::names(r, "n")?,
    })
}

/// The resident's own appeals, newest first, and the newest event among them.
pub async fn mine(svc: &Services, user_id: i64) -> Result<shared::appeal::AppealList> {
    let items = sqlx::query(&format!(
        "{SUMMARY} {SUMMARY_FROM} WHERE a.user_id = $1 ORDER BY a.id DESC LIMIT 200"
    ))
    .bind(user_id)
    .fetch_all(&svc.db.pool)
    .await?
    .iter()
    .map(summary)
    .collect::<Result<_>>()?;
    Ok(shared::appeal::AppealList {
        items,
        last_event: crate::live::latest(svc, user_id, None).await?,
    })
}

/// The resident's answered appeals (a complaint can be about one): id and "number · subject".
pub async fn answered_of(svc: &Services, user_id: i64) -> Result<Vec<(i64, String)>> {
    sqlx::query(
        "SELECT a.id, a.number, a.subject FROM appeals a WHERE a.user_id = $1 AND EXISTS \
         (SELECT 1 FROM appeal_events e WHERE e.appeal_id = a.id AND e.kind IN ('answered', 'resolved')) \
         ORDER BY a.id DESC LIMIT 50",
    )
    .bind(user_id)
    .fetch_all(&svc.db.pool)
    .await?
    .iter()
    .map(|r| {
        let number: String = r.try_get("number")?;
        let subject: String = r.try_get("subject")?;
        Ok((r.try_get("id")?, format!("{number} · {subject}")))
    })
    .collect()
}

/// How many days after an answer the resident may return it to control.
pub const RETURN_DAYS: i64 = 30;

/// One of the resident's own appeals with its timeline; another's is "not found".
pub async fn view(svc: &Services, user_id: i64, appeal_id: i64) -> Result<shared::appeal::AppealView> {
    if !owns(svc, user_id, appeal_id).await? {
        return Err(Error::NotFound);
    }
    load_view(svc, appeal_id, false).await
}

/// Whether the appeal is this resident's.
pub async fn owns(svc: &Services, user_id: i64, appeal_id: i64) -> Result<bool> {
    let owner: Option<i64> = sqlx::query_scalar("SELECT user_id FROM appeals WHERE id = $1")
        .bind(appeal_id)
        .fetch_optional(&svc.db.pool)
        .await?;
    Ok(owner == Some(user_id))
}

/// An appeal as its page shows it; `internal` keeps what officers wrote for each other
/// (assignees, forwarding targets, consent records) instead of leaving it out.
async fn load_view(svc: &Services, appeal_id: i64, internal: bool) -> Result<shared::appeal::AppealView> {
    let row = sqlx::query(&format!(
        "{SUMMARY}, a.collective, a.repeat_of, r.number AS repeat_number FROM appeals a JOIN bodies b ON b.id = a.body_id \
         LEFT JOIN appeals r ON r.id = a.repeat_of WHERE a.id = $1"
    ))
    .bind(appeal_id)
    .fetch_optional(&svc.db.pool)
    .await?
    .ok_or(Error::NotFound)?;
    let files = attachments::list(svc, appeal_id).await?;
    let mut events: Vec<shared::appeal::AppealEvent> = sqlx::query(
        "SELECT e.id, e.kind, e.detail, e.due_day, e.at, b.name_uz AS n_uz, b.name_uz_cyrl AS n_cyrl, b.name_ru AS n_ru, \
           u.full_name AS actor_name, u.phone AS actor_phone \
         FROM appeal_events e LEFT JOIN bodies b ON b.id = e.body_id LEFT JOIN users u ON u.id = e.actor_id \
         WHERE e.appeal_id = $1 ORDER BY e.id",
    )
    .bind(appeal_id)
    .fetch_all(&svc.db.pool)
    .await?
    .iter()
    .map(|e| {
        let kind: String = e.try_get("kind")?;
        let id: i64 = e.try_get("id")?;
        let detail: String = e.try_get("detail")?;
        // What officers wrote about forwarding targets, assignees and consent stays internal;
        // answers and reasons are the resident's to read.
        let detail = match kind.as_str() {
            // The category and the resolution are shown in words beside the timeline.
            "triaged" => String::new(),
            "resolved" => detail.split_once(": ").map(|(_, r)| r.to_string()).unwrap_or_default(),
            _ if internal => detail,
            "assigned" | "escalated" | "repeat" | "consent" => String::new(),
            "forwarded" => detail.split_once(": ").map(|(_, r)| r.to_string()).unwrap_or_default(),
            _ => detail,
        };
        Ok(shared::appeal::AppealEvent {
            id,
            body: e
                .try_get::<Option<String>, _>("n_uz")?
                .map(|_| crate::db::names(e, "n"))
                .transpose()?,
            kind,
            detail,
            due_day: e.try_get("due_day")?,
            at: e.try_get("at")?,
            attachments: files
                .iter()
                .filter(|(event, _)| *event == Some(id))
                .map(|(_, f)| f.clone())
                .collect(),
            actor: match (internal, e.try_get::<Option<String>, _>("actor_phone")?) {
                (true, Some(phone)) => Some(
                    e.try_get::<Option<String>, _>("actor_name")?
                        .unwrap_or_else(|| Phone::parse(&phone).map(|p| p.masked()).unwrap_or(phone)),
                ),
                _ => None,
            },
        })
    })
    .collect::<Result<_>>()?;
    if !internal {
        events.retain(|e| e.kind != "consent");
    }
    let now = svc.clock.now_ms();
    let answer = match control::last_answer(svc, appeal_id).await? {
        Some((event_id, at)) => {
            let returned: Option<i64> =
                sqlx::query_scalar("SELECT answer_event_id FROM appeal_returns WHERE answer_event_id = $1")
                    .bind(event_id)
                    .fetch_optional(&svc.db.pool)
                    .await?;
            let rating =
                sqlx::query("SELECT score, comment, at FROM appeal_ratings WHERE answer_event_id = $1")
                    .bind(event_id)
                    .fetch_optional(&svc.db.pool)
                    .await?
                    .map(|r| control::rating(&r))
                    .transpose()?;
            Some(shared::appeal::LastAnswer {
                event_id,
                at,
                returnable: returned.is_none() && now - at <= RETURN_DAYS * crate::clock::DAY_MS,
                returned: returned.is_some(),
                rating,
            })
        }
        None => None,
    };
    Ok(shared::appeal::AppealView {
        summary: summary(&row)?,
        kind: row.try_get("kind")?,
        text: row.try_get("body_text")?,
        resolution: row.try_get("resolution")?,
        last_event: events.iter().map(|e| e.id).max().unwrap_or(0),
        events,
        attachments: files
            .into_iter()
            .filter(|(event, _)| event.is_none())
            .map(|(_, f)| f)
            .collect(),
        collective: row.try_get::<i16, _>("collective")? != 0,
        cosigners: collective::cosigners(svc, appeal_id).await?,
        repeat_of: row.try_get("repeat_number")?,
        answer,
    })
}

/// One appeal as an officer who handles its body sees it, with what they can do next.
pub async fn desk_case(
    svc: &Services,
    principal: &Principal,
    appeal_id: i64,
) -> Result<shared::appeal::DeskCase> {
    let row = sqlx::query(
        "SELECT a.body_id, a.assigned_to, a.extended, a.registered_day, a.status, u.phone \
         FROM appeals a JOIN users u ON u.id = a.user_id WHERE a.id = $1",
    )
    .bind(appeal_id)
    .fetch_optional(&svc.db.pool)
    .await?
    .ok_or(Error::NotFound)?;
    let body_id: i64 = row.try_get("body_id")?;
    if !handles(svc, principal, body_id).await? {
        return Err(Error::NotFound);
    }
    let calendar = calendar(svc).await?;
    let registered =
        shared::calendar::parse_day(&row.try_get::<String, _>("registered_day")?).unwrap_or_default();
    let last_forward = calendar.add_working_days(registered, 5);
    let open = row.try_get::<String, _>("status")? != "resolved";
    let phone: String = row.try_get("phone")?;
    let ratings =
        sqlx::query("SELECT score, comment, at FROM appeal_ratings WHERE appeal_id = $1 ORDER BY at")
            .bind(appeal_id)
            .fetch_all(&svc.db.pool)
            .await?
            .iter()
            .map(control::rating)
            .collect::<Result<_>>()?;
    Ok(shared::appeal::DeskCase {
        view: load_view(svc, appeal_id, true).await?,
        body_id,
        resident: Phone::parse(&phone).map(|p| p.masked()).unwrap_or(phone),
        assigned_to: row.try_get("assigned_to")?,
        extended: row.try_get::<i16, _>("extended")? != 0,
        forward_until: (open && shared::calendar::day_of(svc.clock.now_ms()) <= last_forward)
            .then(|| day_text(last_forward)),
        staff: body_staff(svc, body_id).await?,
        bodies: bodies_tree(svc).await?,
        consents: consents(svc, appeal_id).await?,
        ratings,
    })
}
