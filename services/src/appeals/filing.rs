//! Filing an appeal: what a resident writes, what is refused (and then nothing is stored),
//! the daily limits, and registration with a number and an ordinary term until triage.

use super::{
    attachments, calendar, collective, day_text, return_to_control,
    timeline::{Step, record},
};
use crate::{Error, Result, Services};
use serde::{Deserialize, Serialize};
use shared::Phone;
use shared::appeal::{Category, Problem};

/// The longest subject and text accepted.
pub const SUBJECT_MAX: usize = 200;
pub const TEXT_MAX: usize = 10_000;
/// The applicant's full name and address, at most.
pub const NAME_MAX: usize = 200;
pub const ADDRESS_MAX: usize = 300;

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
    /// The applicant's full name as typed on the form (empty: the one on their profile).
    pub applicant: &'a str,
    /// Where the applicant lives (street, house, flat).
    pub address: &'a str,
    /// Co-signers (a collective appeal when any).
    pub cosigners: &'a [Phone],
    /// Checked attachments.
    pub files: &'a [attachments::Checked],
    /// An earlier appeal of the same resident whose answer this complaint is about.
    pub about: Option<i64>,
    /// The filer's language, for the co-signers' invitations.
    pub locale: shared::Locale,
    /// How it arrived.
    pub channel: shared::appeal::Channel,
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
    #[error("the applicant's name is missing")]
    NameRequired,
    #[error("the applicant's name is too long")]
    NameTooLong,
    #[error("the address is missing")]
    AddressEmpty,
    #[error("the address is too long")]
    AddressTooLong,
    #[error("too many co-signers")]
    TooManyCosigners,
    #[error("a collective appeal names its mahalla")]
    MahallaRequired,
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
    pub fn problem(&self) -> Problem {
        match self {
            FileError::Body => Problem::Body,
            FileError::Topic => Problem::Topic,
            FileError::Kind => Problem::Kind,
            FileError::SubjectEmpty => Problem::SubjectEmpty,
            FileError::SubjectTooLong => Problem::SubjectTooLong,
            FileError::TextEmpty => Problem::TextEmpty,
            FileError::TextTooLong => Problem::TextTooLong,
            FileError::Place => Problem::Place,
            FileError::NameRequired => Problem::NameRequired,
            FileError::NameTooLong => Problem::NameTooLong,
            FileError::AddressEmpty => Problem::AddressEmpty,
            FileError::AddressTooLong => Problem::AddressTooLong,
            FileError::TooManyCosigners => Problem::CosignersTooMany,
            FileError::MahallaRequired => Problem::MahallaRequired,
            FileError::About => Problem::About,
            FileError::RateLimited => Problem::RateLimited,
            FileError::Service(_) => Problem::Unavailable,
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

/// Appeals one resident may file in a day, co-signer invitations they may send in a day, and
/// invitations one phone may receive in a day.
pub const FILINGS_PER_USER_PER_DAY: i64 = 20;
pub const INVITATIONS_PER_USER_PER_DAY: i64 = 100;
pub const INVITATIONS_PER_PHONE_PER_DAY: i64 = 5;

/// Registers an appeal at once (refusing to register is not allowed; only malformed input is
/// refused, and then nothing is stored), with an ordinary term until an officer triages it.
pub async fn file(svc: &Services, new: &NewAppeal<'_>) -> Result<Registered, FileError> {
    file_with_key(svc, new, None).await
}

/// [`file`] for an appeal another system delivered with an Open311 key (`crate::open311`):
/// the key, and so its party, is kept with the appeal.
pub async fn file_with_key(
    svc: &Services,
    new: &NewAppeal<'_>,
    api_key: Option<i64>,
) -> Result<Registered, FileError> {
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
    // The law on appeals asks for an individual's name and place of residence.
    let address = new.address.trim();
    if address.is_empty() {
        return Err(FileError::AddressEmpty);
    }
    if address.chars().count() > ADDRESS_MAX {
        return Err(FileError::AddressTooLong);
    }
    let typed_name = new.applicant.trim();
    if typed_name.chars().count() > NAME_MAX {
        return Err(FileError::NameTooLong);
    }
    let profile_name: Option<String> = sqlx::query_scalar("SELECT full_name FROM users WHERE id = $1")
        .bind(new.user_id)
        .fetch_optional(&svc.db.pool)
        .await?
        .flatten();
    let applicant = match (typed_name, profile_name.as_deref().map(str::trim)) {
        ("", Some(name)) if !name.is_empty() => name.to_string(),
        ("", _) => return Err(FileError::NameRequired),
        (typed, _) => typed.to_string(),
    };
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
    let due = super::terms(svc)
        .await?
        .of(Category::Ordinary)
        .due(&calendar, registered);
    if new.cosigners.len() > collective::MAX_COSIGNERS {
        return Err(FileError::TooManyCosigners);
    }
    // Its mahalla's seven consent to close a collective appeal: they must be known.
    if !new.cosigners.is_empty() && new.mahalla.is_none() {
        return Err(FileError::MahallaRequired);
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
    let repeat_of: Option<i64> =
        match new.about {
            Some(earlier) => {
                let own: Option<i64> =
                    sqlx::query_scalar("SELECT id FROM appeals WHERE id = $1 AND user_id = $2")
                        .bind(earlier)
                        .bind(new.user_id)
                        .fetch_optional(&svc.db.pool)
                        .await?;
                if new.kind != "complaint"
                    || own.is_none()
                    || return_to_control::last_answer(svc, earlier).await?.is_none()
                {
                    return Err(FileError::About);
                }
                Some(earlier)
            }
            None => sqlx::query_scalar(
                "SELECT id FROM appeals WHERE user_id = $1 AND body_id = $2 AND LOWER(subject) = LOWER($3) \
                 AND created_at > $4 ORDER BY id DESC LIMIT 1",
            )
            .bind(new.user_id)
            .bind(new.body_id)
            .bind(subject)
            .bind(now - 365 * 86_400_000)
            .fetch_optional(&svc.db.pool)
            .await?,
        };
    let stored = attachments::store(svc, new.files).await?;

    let mut tx = svc.db.pool.begin().await?;
    // The name typed is kept on the profile: given once, it fills the next form.
    if profile_name.as_deref() != Some(applicant.as_str()) {
        sqlx::query("UPDATE users SET full_name = $1 WHERE id = $2")
            .bind(&applicant)
            .bind(new.user_id)
            .execute(&mut *tx)
            .await?;
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO appeals (number, user_id, body_id, topic_code, kind, subject, body_text, region_soato, \
           district_soato, mahalla_code, status, registered_day, due_day, due_at, repeat_of, collective, created_at, updated_at, \
           applicant_name, address, channel, first_body_id, api_key_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'registered', $11, $12, $13, $14, $15, $16, $16, $17, $18, $19, $3, $20) RETURNING id",
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
    .bind(&applicant)
    .bind(address)
    .bind(new.channel.code())
    .bind(api_key)
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
                kind: shared::appeal::EventKind::Registered,
                actor: Some(new.user_id),
                body: Some(new.body_id),
                detail: shared::appeal::Detail::Nothing,
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
            kind: shared::appeal::EventKind::Repeat,
            actor: None,
            body: None,
            detail: shared::appeal::Detail::RepeatOf(earlier),
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
