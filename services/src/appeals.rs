//! Appeals (murojaat) to state bodies: filing with registration and a term on the working-day
//! calendar, triage by the body's officer, and the control-time regime — an appeal whose term
//! ended unresolved passes to the parent body with a new term, once per term, whatever number
//! of server instances run the job.

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
    #[error(transparent)]
    Service(#[from] Error),
}

impl From<sqlx::Error> for FileError {
    fn from(e: sqlx::Error) -> Self {
        FileError::Service(Error::Database(e))
    }
}

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
    // Repeat: the same resident to the same body on the same subject within 12 months.
    let repeat_of: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM appeals WHERE user_id = $1 AND body_id = $2 AND LOWER(subject) = LOWER($3) \
         AND created_at > $4 ORDER BY id DESC LIMIT 1",
    )
    .bind(new.user_id)
    .bind(new.body_id)
    .bind(subject)
    .bind(now - 365 * 86_400_000)
    .fetch_optional(&svc.db.pool)
    .await?;

    let mut tx = svc.db.pool.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO appeals (number, user_id, body_id, topic_code, kind, subject, body_text, region_soato, \
           district_soato, mahalla_code, status, registered_day, due_day, due_at, repeat_of, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'registered', $11, $12, $13, $14, $15, $15) RETURNING id",
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
    event(
        &mut *tx,
        id,
        "registered",
        Some(new.user_id),
        Some(new.body_id),
        "",
        Some(due),
        now,
    )
    .await?;
    if let Some(earlier) = repeat_of {
        event(
            &mut *tx,
            id,
            "repeat",
            None,
            None,
            &earlier.to_string(),
            None,
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Registered {
        id,
        number,
        due_day: day_text(due),
    })
}

#[allow(clippy::too_many_arguments)]
async fn event<'e, E>(
    executor: E,
    appeal_id: i64,
    kind: &str,
    actor: Option<i64>,
    body: Option<i64>,
    detail: &str,
    due: Option<i64>,
    now: i64,
) -> Result<()>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query(
        "INSERT INTO appeal_events (appeal_id, kind, actor_id, body_id, detail, due_day, at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(appeal_id)
    .bind(kind)
    .bind(actor)
    .bind(body)
    .bind(detail)
    .bind(due.map(day_text))
    .bind(now)
    .execute(executor)
    .await?;
    Ok(())
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
    event(
        &mut *tx,
        appeal_id,
        "triaged",
        Some(principal.user_id),
        Some(body),
        category.code(),
        Some(due),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(day_text(due))
}

/// The control-time regime: every unresolved appeal whose term ended passes to its body's
/// parent with a new term of its category, an event on its timeline and an SMS to the
/// resident. Each move is conditional on the term it ends, so several instances running this
/// at once move an appeal once per term. Returns how many moved.
pub async fn escalate_overdue(svc: &Services, batch: i64) -> Result<usize> {
    let now = svc.clock.now_ms();
    let rows = sqlx::query(
        "SELECT a.id, a.body_id, a.due_at, a.category, b.parent_id FROM appeals a JOIN bodies b ON b.id = a.body_id \
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
        event(
            &mut *tx,
            id,
            "escalated",
            None,
            Some(parent),
            &from.to_string(),
            Some(due),
            now,
        )
        .await?;
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
        let officers = sqlx::query(
            "SELECT DISTINCT u.phone, u.locale FROM role_grants g JOIN grant_scopes s ON s.grant_id = g.id \
             JOIN users u ON u.id = g.user_id \
             WHERE g.role IN ('appeals_officer', 'head_of_body') AND s.scope = $1",
        )
        .bind(Scope::Body(parent).encode())
        .fetch_all(&mut *tx)
        .await?;
        for officer in &officers {
            let locale =
                shared::Locale::from_tag(&officer.try_get::<String, _>("locale")?).unwrap_or_default();
            if let Ok(phone) = Phone::parse(&officer.try_get::<String, _>("phone")?) {
                let number: String = resident.try_get("number")?;
                let body = text::escalated_to_officer(locale, &number, &day_text(due));
                crate::sms::enqueue(&mut *tx, &phone, &body, locale, "appeal", now).await?;
            }
        }
        tx.commit().await?;
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

/// One line of the officer's desk.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskItem {
    pub id: i64,
    pub number: String,
    pub body_id: i64,
    pub kind: String,
    pub subject: String,
    pub category: Option<String>,
    pub status: String,
    pub due_day: String,
    pub due_at: i64,
    pub overdue: bool,
    pub assigned_to: Option<i64>,
    pub repeat: bool,
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

/// The officer's desk: unresolved appeals of the bodies they handle, by time left (overdue
/// first), optionally only one category.
pub async fn desk(
    svc: &Services,
    principal: &Principal,
    category: Option<Category>,
    limit: i64,
) -> Result<Vec<DeskItem>> {
    let bodies = handled_bodies(svc, principal).await?;
    if bodies.is_empty() {
        return Ok(Vec::new());
    }
    let list = bodies.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
    let mut sql = format!(
        "SELECT id, number, body_id, kind, subject, category, status, due_day, due_at, assigned_to, repeat_of \
         FROM appeals WHERE status <> 'resolved' AND body_id IN ({list})"
    );
    if category.is_some() {
        sql.push_str(" AND category = $2");
    }
    sql.push_str(" ORDER BY due_at, id LIMIT $1");
    let mut query = sqlx::query(&sql).bind(limit);
    if let Some(c) = category {
        query = query.bind(c.code());
    }
    let now = svc.clock.now_ms();
    query
        .fetch_all(&svc.db.pool)
        .await?
        .iter()
        .map(|r| {
            let due_at: i64 = r.try_get("due_at")?;
            Ok(DeskItem {
                id: r.try_get("id")?,
                number: r.try_get("number")?,
                body_id: r.try_get("body_id")?,
                kind: r.try_get("kind")?,
                subject: r.try_get("subject")?,
                category: r.try_get("category")?,
                status: r.try_get("status")?,
                due_day: r.try_get("due_day")?,
                due_at,
                overdue: due_at < now,
                assigned_to: r.try_get("assigned_to")?,
                repeat: r.try_get::<Option<i64>, _>("repeat_of")?.is_some(),
            })
        })
        .collect()
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
    /// Ends it; a rejection needs its reason.
    Resolve { resolution: Resolution, reason: String },
}

#[derive(Debug, thiserror::Error)]
pub enum ActionError {
    #[error("no such appeal in this person's bodies")]
    NotFound,
    #[error("already resolved")]
    Resolved,
    #[error("a reason or text is required")]
    ReasonRequired,
    #[error("the term was already extended once")]
    AlreadyExtended,
    #[error("forwarding is allowed within 5 working days of registration")]
    TooLateToForward,
    #[error("no such body")]
    Body,
    #[error(transparent)]
    Service(#[from] Error),
}

impl From<sqlx::Error> for ActionError {
    fn from(e: sqlx::Error) -> Self {
        ActionError::Service(Error::Database(e))
    }
}

/// An unresolved appeal of a body the person handles; "not found" outside their bodies.
async fn open_appeal(
    svc: &Services,
    principal: &Principal,
    appeal_id: i64,
) -> Result<sqlx::any::AnyRow, ActionError> {
    let row = sqlx::query(
        "SELECT body_id, status, extended, registered_day, due_day, user_id, number FROM appeals WHERE id = $1",
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

/// Carries out an officer's action; every action is an event on the timeline with who and
/// when, and the resident is told of a forward, an extension, an answer and the resolution.
pub async fn act(
    svc: &Services,
    principal: &Principal,
    appeal_id: i64,
    action: &Action,
) -> Result<(), ActionError> {
    let row = open_appeal(svc, principal, appeal_id).await?;
    let body: i64 = row.try_get("body_id")?;
    let number: String = row.try_get("number")?;
    let now = svc.clock.now_ms();
    let calendar = calendar(svc).await?;
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
            let text = text.trim();
            if text.is_empty() {
                return Err(ActionError::ReasonRequired);
            }
            sqlx::query("UPDATE appeals SET status = 'answered', updated_at = $1 WHERE id = $2")
                .bind(now)
                .bind(appeal_id)
                .execute(&mut *tx)
                .await?;
            ("answered", text.to_string(), None, true)
        }
        Action::Forward { to, reason } => {
            if reason.trim().is_empty() {
                return Err(ActionError::ReasonRequired);
            }
            let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM bodies WHERE id = $1")
                .bind(to)
                .fetch_one(&mut *tx)
                .await
                .ok();
            if exists.is_none() {
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
            ("forwarded", format!("{to}: {}", reason.trim()), None, true)
        }
        Action::Extend(reason) => {
            if reason.trim().is_empty() {
                return Err(ActionError::ReasonRequired);
            }
            if row.try_get::<i16, _>("extended")? != 0 {
                return Err(ActionError::AlreadyExtended);
            }
            let old = shared::calendar::parse_day(&row.try_get::<String, _>("due_day")?).unwrap_or_default();
            let due = shared::calendar::Term::CalendarDays(30).due(&calendar, old);
            sqlx::query("UPDATE appeals SET extended = 1, due_day = $1, due_at = $2, updated_at = $3 WHERE id = $4 AND extended = 0")
                .bind(day_text(due))
                .bind(shared::calendar::end_of(due))
                .bind(now)
                .bind(appeal_id)
                .execute(&mut *tx)
                .await?;
            ("extended", reason.trim().to_string(), Some(due), true)
        }
        Action::Resolve { resolution, reason } => {
            if *resolution == Resolution::Rejected && reason.trim().is_empty() {
                return Err(ActionError::ReasonRequired);
            }
            let done = sqlx::query("UPDATE appeals SET status = 'resolved', resolution = $1, updated_at = $2 WHERE id = $3 AND status <> 'resolved'")
                .bind(resolution.code())
                .bind(now)
                .bind(appeal_id)
                .execute(&mut *tx)
                .await?;
            if done.rows_affected() == 0 {
                return Err(ActionError::Resolved);
            }
            (
                "resolved",
                format!("{}: {}", resolution.code(), reason.trim()),
                None,
                true,
            )
        }
    };
    let event_body = match action {
        Action::Forward { to, .. } => Some(*to),
        _ => Some(body),
    };
    event(
        &mut *tx,
        appeal_id,
        kind,
        Some(principal.user_id),
        event_body,
        &detail,
        due,
        now,
    )
    .await?;
    if tell {
        let resident = sqlx::query("SELECT phone, locale FROM users WHERE id = $1")
            .bind(row.try_get::<i64, _>("user_id")?)
            .fetch_one(&mut *tx)
            .await?;
        let locale = shared::Locale::from_tag(&resident.try_get::<String, _>("locale")?).unwrap_or_default();
        if let Ok(phone) = Phone::parse(&resident.try_get::<String, _>("phone")?) {
            crate::sms::enqueue(
                &mut *tx,
                &phone,
                &text::changed(locale, &number),
                locale,
                "appeal",
                now,
            )
            .await?;
        }
    }
    tx.commit().await?;
    if tell {
        svc.sms_wakeup.notify_one();
    }
    Ok(())
}

/// The bodies (in tree order) and topics the filing form offers.
pub async fn choices(svc: &Services) -> Result<shared::appeal::AppealChoices> {
    let rows = sqlx::query(
        "SELECT id, parent_id, name_uz AS n_uz, name_uz_cyrl AS n_cyrl, name_ru AS n_ru FROM bodies ORDER BY id",
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
        nodes.push((id, parent, crate::db::names(r, "n")?, topics));
    }
    // Depth-first from the top bodies, children in id order.
    let mut bodies = Vec::with_capacity(nodes.len());
    fn walk(
        parent: Option<i64>,
        depth: usize,
        nodes: &[(i64, Option<i64>, shared::geo::Names, Vec<String>)],
        out: &mut Vec<shared::appeal::BodyChoice>,
    ) {
        for (id, p, name, topics) in nodes {
            if *p == parent && depth < 16 {
                out.push(shared::appeal::BodyChoice {
                    id: *id,
                    depth,
                    name: name.clone(),
                    topics: topics.clone(),
                });
                walk(Some(*id), depth + 1, nodes, out);
            }
        }
    }
    walk(None, 0, &nodes, &mut bodies);
    let topics = sqlx::query(
        "SELECT code, name_uz AS n_uz, name_uz_cyrl AS n_cyrl, name_ru AS n_ru FROM topics ORDER BY code",
    )
    .fetch_all(&svc.db.pool)
    .await?
    .iter()
    .map(|r| Ok((r.try_get("code")?, crate::db::names(r, "n")?)))
    .collect::<Result<_>>()?;
    let districts = sqlx::query(
        "SELECT soato, name_uz AS n_uz, name_uz_cyrl AS n_cyrl, name_ru AS n_ru FROM districts ORDER BY region_soato, name_uz",
    )
    .fetch_all(&svc.db.pool)
    .await?
    .iter()
    .map(|r| Ok((r.try_get("soato")?, crate::db::names(r, "n")?)))
    .collect::<Result<_>>()?;
    Ok(shared::appeal::AppealChoices {
        bodies,
        topics,
        districts,
    })
}

const SUMMARY: &str = "SELECT a.id, a.number, a.subject, a.status, a.category, a.due_day, a.kind, a.body_text, a.resolution, \
       b.name_uz AS n_uz, b.name_uz_cyrl AS n_cyrl, b.name_ru AS n_ru FROM appeals a JOIN bodies b ON b.id = a.body_id";

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

/// The resident's own appeals, newest first.
pub async fn mine(svc: &Services, user_id: i64) -> Result<Vec<shared::appeal::AppealSummary>> {
    sqlx::query(&format!(
        "{SUMMARY} WHERE a.user_id = $1 ORDER BY a.id DESC LIMIT 200"
    ))
    .bind(user_id)
    .fetch_all(&svc.db.pool)
    .await?
    .iter()
    .map(summary)
    .collect()
}

/// One of the resident's own appeals with its timeline; another's is "not found".
pub async fn view(svc: &Services, user_id: i64, appeal_id: i64) -> Result<shared::appeal::AppealView> {
    let row = sqlx::query(&format!("{SUMMARY} WHERE a.id = $1 AND a.user_id = $2"))
        .bind(appeal_id)
        .bind(user_id)
        .fetch_optional(&svc.db.pool)
        .await?
        .ok_or(Error::NotFound)?;
    let events = sqlx::query(
        "SELECT e.kind, e.detail, e.due_day, e.at, b.name_uz AS n_uz, b.name_uz_cyrl AS n_cyrl, b.name_ru AS n_ru \
         FROM appeal_events e LEFT JOIN bodies b ON b.id = e.body_id WHERE e.appeal_id = $1 ORDER BY e.id",
    )
    .bind(appeal_id)
    .fetch_all(&svc.db.pool)
    .await?
    .iter()
    .map(|e| {
        let kind: String = e.try_get("kind")?;
        // What officers wrote about forwarding targets or assignees stays internal; answers
        // and reasons are the resident's to read.
        let detail: String = match kind.as_str() {
            "assigned" | "escalated" | "repeat" => String::new(),
            "forwarded" => e
                .try_get::<String, _>("detail")?
                .split_once(": ")
                .map(|(_, r)| r.to_string())
                .unwrap_or_default(),
            _ => e.try_get("detail")?,
        };
        Ok(shared::appeal::AppealEvent {
            body: e
                .try_get::<Option<String>, _>("n_uz")?
                .map(|_| crate::db::names(e, "n"))
                .transpose()?,
            kind,
            detail,
            due_day: e.try_get("due_day")?,
            at: e.try_get("at")?,
        })
    })
    .collect::<Result<_>>()?;
    Ok(shared::appeal::AppealView {
        summary: summary(&row)?,
        kind: row.try_get("kind")?,
        text: row.try_get("body_text")?,
        resolution: row.try_get("resolution")?,
        events,
    })
}
