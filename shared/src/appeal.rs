//! Appeals as the resident's pages show them.

use crate::calendar::Term;
use crate::geo::Names;
use serde::{Deserialize, Serialize};

/// A body the filing form offers, with its depth in the tree for indentation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BodyChoice {
    pub id: i64,
    pub parent: Option<i64>,
    pub kind: BodyKind,
    /// The region and district it serves, if it serves one.
    pub region: Option<String>,
    pub district: Option<String>,
    pub depth: usize,
    pub name: Names,
    pub topics: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppealChoices {
    pub bodies: Vec<BodyChoice>,
    pub topics: Vec<(String, Names)>,
    /// Every region, for grouping the districts.
    pub regions: Vec<(String, Names)>,
    /// Every district and city, by region (a district's code starts with its region's).
    pub districts: Vec<(String, Names)>,
    /// Where this resident's appeal most likely is from: the district (and mahalla) of their
    /// last appeal, else of their first linked account.
    pub usual: Option<(String, Option<String>)>,
    /// The name on this resident's profile, to fill the form with.
    pub applicant: Option<String>,
    /// The resident's answered appeals a complaint can be about: id, number and subject.
    pub earlier: Vec<(i64, String)>,
}

/// A member of staff an appeal can be assigned to: shown with their role in the reader's
/// language and their name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffChoice {
    pub id: i64,
    pub name: String,
    pub role: crate::auth::Role,
}

/// The applicant as the officers of the body handling the appeal see them: the name and the
/// address on the appeal and the full phone number, to reach them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applicant {
    pub name: String,
    pub phone: String,
    pub address: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppealSummary {
    pub id: i64,
    pub number: String,
    pub subject: String,
    pub status: Status,
    pub category: Option<Category>,
    pub due_day: String,
    pub body: Names,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppealEvent {
    pub id: i64,
    pub kind: EventKind,
    pub detail: Detail,
    pub due_day: Option<String>,
    pub body: Option<Names>,
    pub at: i64,
    /// Files attached to this step (an answer's).
    pub attachments: Vec<Attachment>,
    /// Who took the step (officers' view only: name, or the phone masked).
    pub actor: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppealView {
    pub summary: AppealSummary,
    pub kind: AppealKind,
    pub text: String,
    pub resolution: Option<Resolution>,
    pub events: Vec<AppealEvent>,
    /// Files the resident attached when filing.
    pub attachments: Vec<Attachment>,
    pub collective: bool,
    pub cosigners: Vec<Cosigner>,
    /// The number of the earlier appeal this one repeats, if it does.
    pub repeat_of: Option<String>,
    pub answer: Option<LastAnswer>,
    /// The newest event shown; the live stream starts after it.
    pub last_event: i64,
}

/// A file attached to an appeal or to an answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub id: i64,
    pub name: String,
    pub content_type: String,
    pub bytes: i64,
}

/// A co-signer of a collective appeal (the phone masked) and whether they confirmed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cosigner {
    pub phone: String,
    pub confirmed: bool,
}

/// A recorded consent or refusal to close a collective appeal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    pub person: String,
    pub role: ConsentRole,
    pub consent: bool,
    pub at: i64,
}

crate::words! {
    /// Why naming a member of a mahalla seven, or a person's consent, was refused.
    pub enum SevenProblem {
        Mahalla = "mahalla",
        Role = "role",
        Name = "name",
        Phone = "phone",
        NotYours = "not_yours",
        Consent = "consent",
        Code = "code",
        CodeExpired = "code_expired",
        TooManyTries = "too_many_tries",
        NoCode = "no_code",
        RateLimited = "rate_limited",
        Unavailable = "unavailable",
    }
}

/// A member of a mahalla's seven as the People's Reception sees them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SevenMember {
    pub id: i64,
    pub role: ConsentRole,
    pub name: String,
    /// Masked.
    pub phone: String,
    pub named_at: i64,
}

/// The page where the People's Reception (or an administrator) names a mahalla's seven: the
/// districts they may choose from, and the chosen mahalla's members.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SevenDesk {
    pub regions: Vec<(String, crate::geo::Names)>,
    pub districts: Vec<(String, crate::geo::Names)>,
    /// The chosen mahalla (code, name) and its members.
    pub mahalla: Option<(String, crate::geo::Names)>,
    pub members: Vec<SevenMember>,
}

/// A collective appeal waiting for the word of the person looking: as a member of its
/// mahalla's seven, or as a confirmed co-signer (a representative).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentCase {
    pub appeal: i64,
    pub number: String,
    pub subject: String,
    pub body: crate::geo::Names,
    pub status: Status,
    /// The last answer the resident got, if any.
    pub answer: Option<String>,
    /// The role the person speaks in, and their last word in it.
    pub role: ConsentRole,
    pub said: Option<bool>,
}

/// The resident's rating of an answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rating {
    pub score: i16,
    pub comment: String,
    pub at: i64,
}

/// The last answer (or resolution) and what the resident may still do about it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastAnswer {
    pub event_id: i64,
    pub at: i64,
    /// Not yet returned to control, and within 30 days.
    pub returnable: bool,
    pub returned: bool,
    pub rating: Option<Rating>,
}

/// The resident's appeals and the newest event id they include (the live stream starts after).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppealList {
    pub items: Vec<AppealSummary>,
    pub last_event: i64,
}

/// One line of the officer's desk.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskItem {
    pub id: i64,
    pub number: String,
    pub body: Names,
    pub kind: AppealKind,
    pub subject: String,
    pub category: Option<Category>,
    pub status: Status,
    pub due_day: String,
    pub due_at: i64,
    pub overdue: bool,
    pub assigned: bool,
    pub repeat: bool,
    pub collective: bool,
    /// Nobody triaged it within its first working day (its head was told).
    pub untriaged: bool,
    /// An officer's answer waits for a head.
    pub awaiting_review: bool,
}

/// One appeal as an officer handling it sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskCase {
    pub view: AppealView,
    pub body_id: i64,
    /// Who wrote it: for the officers of the body handling it, and nobody else.
    pub applicant: Applicant,
    pub assigned_to: Option<i64>,
    pub extended: bool,
    /// The last day it may still be forwarded, if that day has not passed.
    pub forward_until: Option<String>,
    /// Who it can be assigned to.
    pub staff: Vec<StaffChoice>,
    /// Where it can be forwarded.
    pub bodies: Vec<BodyChoice>,
    pub consents: Vec<Consent>,
    pub ratings: Vec<Rating>,
    /// How it arrived, and the bodies it has been with.
    pub channel: Channel,
    pub passage: Vec<Stage>,
    /// Whether the reader handles its body (every officer's action), and whether they may send
    /// its answer back for re-execution (a People's Reception coordinator of its region).
    pub can_act: bool,
    pub can_send_back: bool,
    /// Whether the reader heads its body (approves extensions), and an officer's request to
    /// extend the term waiting for a head: the reason and who asked.
    pub heads: bool,
    pub extension_request: Option<(String, String)>,
    /// An officer's answer waiting for a head before the resident sees it: the text and who
    /// wrote it.
    pub draft_answer: Option<(String, String)>,
}

/// A page of the officer's desk, the bodies it can be narrowed to, and where the next page
/// starts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskPage {
    pub items: Vec<DeskItem>,
    pub bodies: Vec<BodyChoice>,
    pub next: Option<(i64, i64)>,
    /// For a head of a body: each officer's open and overdue appeals in the head's bodies.
    pub load: Vec<OfficerLoad>,
    /// For a head of a body: the bodies they head, and whether their officers' answers come
    /// to a head before the resident.
    pub reviewed: Vec<(i64, crate::geo::Names, bool)>,
    /// Whether the reader names mahalla sevens (a People's Reception, an administrator).
    pub names_seven: bool,
}

/// An officer's load as their head sees it (`officer` is None for the appeals nobody is
/// assigned to).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficerLoad {
    pub officer: Option<StaffChoice>,
    pub open: i64,
    pub overdue: i64,
}

/// A day of the working-day calendar that differs from the five-day week.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarDay {
    pub day: String,
    pub kind: crate::calendar::DayKind,
    pub name: String,
}

crate::words! {
    /// A level of the tree of state bodies.
    pub enum BodyKind {
        Ministry = "ministry",
        Regional = "regional",
        District = "district",
        Institution = "institution",
    }
}

crate::words! {
    /// How an appeal is sorted on arrival; the term follows (docs/research/appeals.md).
    pub enum Category {
        Urgent = "urgent",
        Ordinary = "ordinary",
        Consultation = "consultation",
    }
}

impl Category {
    /// The default term of the category (an administrator may set others: [`Terms`]).
    pub fn term(self) -> Term {
        Terms::default().of(self)
    }
}

crate::words! {
    /// A term an administrator sets (`appeal_terms` in the database), in days or hours.
    pub enum TermSetting {
        UrgentWorkingDays = "urgent_working_days",
        OrdinaryDays = "ordinary_days",
        ConsultationDays = "consultation_days",
        ExtensionDays = "extension_days",
        ReturnWorkingDays = "return_working_days",
        ForwardWorkingDays = "forward_working_days",
        RemindHours = "remind_hours",
    }
}

impl TermSetting {
    /// The values an administrator may set.
    pub fn range(self) -> std::ops::RangeInclusive<u32> {
        match self {
            TermSetting::RemindHours => 1..=240,
            _ => 1..=90,
        }
    }
}

/// The terms of appeals as the administrators set them; each change applies to terms counted
/// after it, never to terms already running. The defaults are the law's and seed 004's
/// (docs/research/appeals.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Terms {
    /// Urgent appeals: working days.
    pub urgent_working_days: u32,
    /// Ordinary appeals, and those needing consultation: calendar days.
    pub ordinary_days: u32,
    pub consultation_days: u32,
    /// "Needs further study": the one extension, calendar days from the old end.
    pub extension_days: u32,
    /// An answer returned to control or sent back for re-execution: working days.
    pub return_working_days: u32,
    /// Forwarding to the competent body: within so many working days of registration.
    pub forward_working_days: u32,
    /// Officers are reminded so many hours before a term ends.
    pub remind_hours: u32,
}

impl Default for Terms {
    fn default() -> Terms {
        Terms {
            urgent_working_days: 3,
            ordinary_days: 15,
            consultation_days: 15,
            extension_days: 30,
            return_working_days: 3,
            forward_working_days: 5,
            remind_hours: 24,
        }
    }
}

impl Terms {
    /// The term of a category.
    pub fn of(&self, category: Category) -> Term {
        match category {
            Category::Urgent => Term::WorkingDays(self.urgent_working_days),
            Category::Ordinary => Term::CalendarDays(self.ordinary_days),
            Category::Consultation => Term::CalendarDays(self.consultation_days),
        }
    }

    /// The term of an answer returned to control or sent back for re-execution.
    pub fn returned(&self) -> Term {
        Term::WorkingDays(self.return_working_days)
    }

    pub fn get(&self, setting: TermSetting) -> u32 {
        match setting {
            TermSetting::UrgentWorkingDays => self.urgent_working_days,
            TermSetting::OrdinaryDays => self.ordinary_days,
            TermSetting::ConsultationDays => self.consultation_days,
            TermSetting::ExtensionDays => self.extension_days,
            TermSetting::ReturnWorkingDays => self.return_working_days,
            TermSetting::ForwardWorkingDays => self.forward_working_days,
            TermSetting::RemindHours => self.remind_hours,
        }
    }

    pub fn set(&mut self, setting: TermSetting, value: u32) {
        let field = match setting {
            TermSetting::UrgentWorkingDays => &mut self.urgent_working_days,
            TermSetting::OrdinaryDays => &mut self.ordinary_days,
            TermSetting::ConsultationDays => &mut self.consultation_days,
            TermSetting::ExtensionDays => &mut self.extension_days,
            TermSetting::ReturnWorkingDays => &mut self.return_working_days,
            TermSetting::ForwardWorkingDays => &mut self.forward_working_days,
            TermSetting::RemindHours => &mut self.remind_hours,
        };
        *field = value;
    }
}

crate::words! {
    /// What a resident writes: an application, a proposal or a complaint.
    pub enum AppealKind {
        Application = "application",
        Proposal = "proposal",
        Complaint = "complaint",
    }
}

crate::words! {
    /// Where an appeal stands.
    pub enum Status {
        Registered = "registered",
        InProgress = "in_progress",
        Answered = "answered",
        Resolved = "resolved",
    }
}

crate::words! {
    /// A step of an appeal's timeline.
    pub enum EventKind {
        Registered = "registered",
        Triaged = "triaged",
        Assigned = "assigned",
        Answered = "answered",
        Forwarded = "forwarded",
        Extended = "extended",
        Resolved = "resolved",
        Escalated = "escalated",
        Repeat = "repeat",
        Returned = "returned",
        Rated = "rated",
        Cosigned = "cosigned",
        Consent = "consent",
        /// A People's Reception sent the answer back to the body for re-execution.
        SentBack = "sent_back",
        /// An officer asked a head to extend the term; the head refused.
        ExtensionRequested = "extension_requested",
        ExtensionRefused = "extension_refused",
        AnswerProposed = "answer_proposed",
        AnswerReturned = "answer_returned",
    }
}

impl EventKind {
    /// Steps inside the body that the resident's timeline does not show.
    pub fn internal(self) -> bool {
        matches!(
            self,
            EventKind::Consent
                | EventKind::ExtensionRequested
                | EventKind::ExtensionRefused
                | EventKind::AnswerProposed
                | EventKind::AnswerReturned
        )
    }
}

crate::words! {
    /// How an appeal arrived: reports and ratings count appeals by it.
    pub enum Channel {
        Web = "web",
        Telegram = "telegram",
        PersonalReception = "personal_reception",
        FieldReception = "field_reception",
        VirtualReception = "virtual_reception",
        OtherSystem = "other_system",
    }
}

/// A body an appeal was with, from when: the first is the body it was first sent to, each
/// next one where a forward, an escalation or a return took it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stage {
    pub body: Names,
    pub since: i64,
}

crate::words! {
    /// How an appeal ends.
    pub enum Resolution {
        Satisfied = "satisfied",
        Explained = "explained",
        Rejected = "rejected",
    }
}

crate::words! {
    /// Who gives consent to close a collective appeal: a representative of the co-signers, or
    /// a member of the mahalla seven (mahalla yettiligi).
    pub enum ConsentRole {
        Representative = "representative",
        MahallaChair = "mahalla_chair",
        HokimAssistant = "hokim_assistant",
        YouthLeader = "youth_leader",
        WomensActivist = "womens_activist",
        PreventionInspector = "prevention_inspector",
        TaxInspector = "tax_inspector",
        SocialWorker = "social_worker",
    }
}

impl ConsentRole {
    pub fn of_mahalla_seven(self) -> bool {
        self != ConsentRole::Representative
    }
}

crate::words! {
    /// Why an appeal form or action was refused: the code in the redirect's `?error=`, which
    /// the page turns into its message.
    pub enum Problem {
        // Filing.
        Body = "body",
        Topic = "topic",
        Kind = "kind",
        SubjectEmpty = "subject_empty",
        SubjectTooLong = "subject_too_long",
        TextEmpty = "text_empty",
        TextTooLong = "text_too_long",
        Place = "place",
        NameRequired = "name_required",
        NameTooLong = "name_too_long",
        AddressEmpty = "address_empty",
        AddressTooLong = "address_too_long",
        CosignerPhone = "cosigner_phone",
        CosignersTooMany = "cosigners_too_many",
        MahallaRequired = "mahalla_required",
        About = "about",
        // Files.
        FilesTooMany = "files_too_many",
        FileTooLarge = "file_too_large",
        FileType = "file_type",
        PdfDamaged = "pdf_damaged",
        PhotoDamaged = "photo_damaged",
        PhotoHeic = "photo_heic",
        PhotoTooManyPixels = "photo_too_many_pixels",
        FilesNotHere = "files_not_here",
        // The resident's return and rating.
        NoAnswer = "no_answer",
        AlreadyReturned = "already_returned",
        TooLate = "too_late",
        ReasonRequired = "reason_required",
        TooLong = "too_long",
        Score = "score",
        // Co-signing.
        Phone = "phone",
        WrongCode = "wrong_code",
        CodeMalformed = "code_malformed",
        TooManyTries = "too_many_tries",
        Expired = "expired",
        Already = "already",
        // The desk.
        Resolved = "resolved",
        AlreadyExtended = "already_extended",
        TooLateToForward = "too_late_to_forward",
        Assignee = "assignee",
        NotCollective = "not_collective",
        Role = "role",
        ConsentRepresentative = "consent_representative",
        ConsentMahalla = "consent_mahalla",
        ConsentRefused = "consent_refused",
        Category = "category",
        Resolution = "resolution",
        Action = "action",
        /// A term setting outside what may be set.
        Term = "term",
        /// Only a head of the body may approve or refuse an extension.
        HeadOnly = "head_only",
        NoExtensionRequest = "no_extension_request",
        ExtensionPending = "extension_pending",
        AnswerPending = "answer_pending",
        NoDraftAnswer = "no_draft_answer",
        // The People's Reception.
        InstructionEmpty = "instruction_empty",
        OutsideRegion = "outside_region",
        // Any form.
        NotFound = "not_found",
        Malformed = "malformed",
        RateLimited = "rate_limited",
        Unavailable = "unavailable",
        /// Resolving asked without the tick that confirms it.
        ConfirmRequired = "confirm_required",
    }
}

/// A written instruction a People's Reception gave a body, and whether the body acknowledged it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instruction {
    pub id: i64,
    pub body_id: i64,
    pub body: Names,
    pub text: String,
    pub given_at: i64,
    /// When, and by whom (the name they were shown under), if it was.
    pub acknowledged: Option<(i64, String)>,
}

/// The instructions a desk shows: those the person gave (a coordinator) or those given to
/// their bodies (officers and heads), unacknowledged first; and the bodies a coordinator may
/// instruct.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instructions {
    pub given: Vec<Instruction>,
    pub received: Vec<Instruction>,
    pub bodies: Vec<(i64, Names)>,
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

/// What a step of an appeal's timeline records beyond its kind, one shape per kind; stored as
/// JSON in `appeal_events.detail` (serde's form of this enum, the only one written).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Detail {
    /// Nothing beyond the kind (a registration), or nothing this reader may see.
    Nothing,
    /// What a person wrote: an answer, the reason to extend or to return an answer to control.
    Note(String),
    /// The category an officer gave at triage.
    Category(Category),
    /// The officer assigned, with the name they were shown under when it happened.
    Assigned { officer: i64, name: String },
    /// Sent to another body (the step's body) with the reason; `from` is the body that sent it.
    Forwarded { from: i64, reason: String },
    /// The outcome and its reason (required for a rejection).
    Resolved { resolution: Resolution, reason: String },
    /// Passed up by the control-time regime from this body to the step's body.
    Escalated { from: i64 },
    /// Filed again on the same subject: the earlier appeal.
    RepeatOf(i64),
    /// The resident's score of the answer, 1 to 5.
    Score(u8),
    /// A consent or a refusal recorded for a collective appeal.
    Consent {
        role: ConsentRole,
        consent: bool,
        person: String,
    },
    /// Another resident joined a collective appeal (their phone, masked).
    Cosigner(String),
}

impl Detail {
    /// What of it a reader sees. Officers (`internal`) see every step's detail; a resident sees
    /// answers, reasons, outcomes and scores, never assignees, the body an appeal was forwarded
    /// or escalated from, the earlier appeal's id or consent records.
    pub fn seen_by(self, internal: bool) -> Detail {
        match self {
            Detail::Forwarded { reason, .. } if !internal => Detail::Note(reason),
            Detail::Assigned { .. }
            | Detail::Escalated { .. }
            | Detail::RepeatOf(_)
            | Detail::Consent { .. }
            | Detail::Category(_)
                if !internal =>
            {
                Detail::Nothing
            }
            shown => shown,
        }
    }
}

crate::words! {
    /// Why an administrator's edit of the calendar or the bodies was refused.
    pub enum AdminProblem {
        Day = "day",
        Kind = "kind",
        Name = "name",
        Body = "body",
        Cycle = "cycle",
    }
}

impl EventKind {
    /// The words for the step on the timeline.
    pub fn key(self) -> crate::i18n::Key {
        match self {
            EventKind::Registered => crate::i18n::Key::AppealsEventRegistered,
            EventKind::Triaged => crate::i18n::Key::AppealsEventTriaged,
            EventKind::Assigned => crate::i18n::Key::AppealsEventAssigned,
            EventKind::Answered => crate::i18n::Key::AppealsEventAnswered,
            EventKind::Forwarded => crate::i18n::Key::AppealsEventForwarded,
            EventKind::Extended => crate::i18n::Key::AppealsEventExtended,
            EventKind::Resolved => crate::i18n::Key::AppealsEventResolved,
            EventKind::Escalated => crate::i18n::Key::AppealsEventEscalated,
            EventKind::Repeat => crate::i18n::Key::AppealsEventRepeat,
            EventKind::Returned => crate::i18n::Key::AppealsEventReturned,
            EventKind::Rated => crate::i18n::Key::AppealsEventRated,
            EventKind::Cosigned => crate::i18n::Key::AppealsEventCosigned,
            EventKind::Consent => crate::i18n::Key::AppealsEventConsent,
            EventKind::SentBack => crate::i18n::Key::AppealsEventSentBack,
            EventKind::ExtensionRequested => crate::i18n::Key::AppealsEventExtensionRequested,
            EventKind::ExtensionRefused => crate::i18n::Key::AppealsEventExtensionRefused,
            EventKind::AnswerProposed => crate::i18n::Key::AppealsEventAnswerProposed,
            EventKind::AnswerReturned => crate::i18n::Key::AppealsEventAnswerReturned,
        }
    }
}

impl Problem {
    /// The message for why an appeal form or action was refused.
    pub fn key(self) -> crate::i18n::Key {
        match self {
            Problem::Term => crate::i18n::Key::AppealsErrorTerm,
            Problem::HeadOnly => crate::i18n::Key::AppealsErrorHeadOnly,
            Problem::NoExtensionRequest => crate::i18n::Key::AppealsErrorNoExtensionRequest,
            Problem::ExtensionPending => crate::i18n::Key::AppealsErrorExtensionPending,
            Problem::AnswerPending => crate::i18n::Key::AppealsErrorAnswerPending,
            Problem::NoDraftAnswer => crate::i18n::Key::AppealsErrorNoDraftAnswer,
            Problem::InstructionEmpty => crate::i18n::Key::AppealsErrorInstructionEmpty,
            Problem::OutsideRegion => crate::i18n::Key::AppealsErrorOutsideRegion,
            Problem::Body => crate::i18n::Key::AppealsErrorBody,
            Problem::Topic => crate::i18n::Key::AppealsErrorTopic,
            Problem::Kind => crate::i18n::Key::AppealsErrorKind,
            Problem::SubjectEmpty => crate::i18n::Key::AppealsErrorSubjectEmpty,
            Problem::SubjectTooLong => crate::i18n::Key::AppealsErrorSubjectTooLong,
            Problem::TextEmpty => crate::i18n::Key::AppealsErrorTextEmpty,
            Problem::TextTooLong | Problem::TooLong => crate::i18n::Key::AppealsErrorTextTooLong,
            Problem::Place => crate::i18n::Key::AppealsErrorPlace,
            Problem::NameRequired => crate::i18n::Key::AppealsErrorNameRequired,
            Problem::NameTooLong => crate::i18n::Key::AppealsErrorNameTooLong,
            Problem::AddressEmpty => crate::i18n::Key::AppealsErrorAddressEmpty,
            Problem::AddressTooLong => crate::i18n::Key::AppealsErrorAddressTooLong,
            Problem::CosignerPhone => crate::i18n::Key::AppealsErrorCosignerPhone,
            Problem::CosignersTooMany => crate::i18n::Key::AppealsErrorCosignersTooMany,
            Problem::MahallaRequired => crate::i18n::Key::AppealsErrorMahallaRequired,
            Problem::About => crate::i18n::Key::AppealsErrorAbout,
            Problem::FilesTooMany => crate::i18n::Key::AppealsErrorFilesTooMany,
            Problem::FileTooLarge => crate::i18n::Key::AppealsErrorFileTooLarge,
            Problem::FileType => crate::i18n::Key::AppealsErrorFileType,
            Problem::PdfDamaged | Problem::PhotoDamaged => crate::i18n::Key::AppealsErrorFileDamaged,
            Problem::PhotoHeic => crate::i18n::Key::ReadingErrorPhotoHeic,
            Problem::PhotoTooManyPixels => crate::i18n::Key::ReadingErrorPhotoTooManyPixels,
            Problem::FilesNotHere => crate::i18n::Key::DeskErrorFilesNotHere,
            Problem::NoAnswer => crate::i18n::Key::AppealsErrorNoAnswer,
            Problem::AlreadyReturned => crate::i18n::Key::AppealsErrorAlreadyReturned,
            Problem::TooLate => crate::i18n::Key::AppealsErrorTooLate,
            Problem::ReasonRequired => crate::i18n::Key::AppealsErrorReasonRequired,
            Problem::Score => crate::i18n::Key::AppealsErrorScore,
            Problem::Phone => crate::i18n::Key::SigninErrorPhoneLength,
            Problem::WrongCode => crate::i18n::Key::AppealsErrorWrongCode,
            Problem::CodeMalformed => crate::i18n::Key::SigninErrorCodeMalformed,
            Problem::TooManyTries => crate::i18n::Key::AppealsErrorTooManyTries,
            Problem::Expired => crate::i18n::Key::AppealsErrorCodeExpired,
            Problem::Already => crate::i18n::Key::AppealsErrorAlreadyCosigned,
            Problem::Resolved => crate::i18n::Key::DeskErrorResolved,
            Problem::AlreadyExtended => crate::i18n::Key::DeskErrorExtended,
            Problem::TooLateToForward => crate::i18n::Key::DeskErrorForwardLate,
            Problem::Assignee => crate::i18n::Key::DeskErrorAssignee,
            Problem::NotCollective | Problem::Role => crate::i18n::Key::DeskErrorConsentRole,
            Problem::ConsentRepresentative => crate::i18n::Key::DeskErrorConsentRepresentative,
            Problem::ConsentMahalla => crate::i18n::Key::DeskErrorConsentMahalla,
            Problem::ConsentRefused => crate::i18n::Key::DeskErrorConsentRefused,
            Problem::Category | Problem::Resolution | Problem::Action | Problem::Malformed => {
                crate::i18n::Key::ErrorBadRequest
            }
            Problem::NotFound => crate::i18n::Key::ErrorNotFound,
            Problem::RateLimited => crate::i18n::Key::SigninErrorRateLimited,
            Problem::Unavailable => crate::i18n::Key::ErrorUnavailable,
            Problem::ConfirmRequired => crate::i18n::Key::DeskErrorConfirm,
        }
    }
}

/// The body the form suggests for a topic: of those that handle it, the closest to the
/// resident — one of their district (the most specific), else of their region, else the first.
pub fn suggested_body<'a>(bodies: &'a [BodyChoice], topic: &str, district: &str) -> Option<&'a BodyChoice> {
    let handling: Vec<&BodyChoice> = bodies
        .iter()
        .filter(|b| b.topics.iter().any(|t| t == topic))
        .collect();
    let region = district.get(..4).unwrap_or_default();
    handling
        .iter()
        .filter(|b| b.district.as_deref() == Some(district))
        .max_by_key(|b| b.depth)
        .or_else(|| {
            handling
                .iter()
                .filter(|b| b.region.as_deref() == Some(region))
                .min_by_key(|b| b.depth)
        })
        .or_else(|| handling.first())
        .copied()
}

impl Status {
    /// The words for where an appeal stands.
    pub fn key(self) -> crate::i18n::Key {
        match self {
            Status::Registered => crate::i18n::Key::AppealsStatusRegistered,
            Status::InProgress => crate::i18n::Key::AppealsStatusInProgress,
            Status::Answered => crate::i18n::Key::AppealsStatusAnswered,
            Status::Resolved => crate::i18n::Key::AppealsStatusResolved,
        }
    }
}

impl AppealKind {
    /// The words for the kind of appeal.
    pub fn key(self) -> crate::i18n::Key {
        match self {
            AppealKind::Application => crate::i18n::Key::AppealsKindApplication,
            AppealKind::Proposal => crate::i18n::Key::AppealsKindProposal,
            AppealKind::Complaint => crate::i18n::Key::AppealsKindComplaint,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn say(person: &str, role: ConsentRole, consent: bool) -> (String, ConsentRole, bool) {
        (person.to_string(), role, consent)
    }

    #[test]
    fn a_collective_appeal_closes_with_a_representative_and_one_of_the_seven() {
        use ConsentRole::*;
        assert_eq!(consent_gap(&[]), Some(ConsentGap::Representative));
        assert_eq!(
            consent_gap(&[say("Aziza", Representative, true)]),
            Some(ConsentGap::MahallaSeven)
        );
        assert_eq!(
            consent_gap(&[say("Bobur", MahallaChair, true)]),
            Some(ConsentGap::Representative)
        );
        assert_eq!(
            consent_gap(&[
                say("Aziza", Representative, true),
                say("Bobur", MahallaChair, true)
            ]),
            None
        );
    }

    #[test]
    fn the_last_word_of_each_person_counts_and_a_refusal_stops_it() {
        use ConsentRole::*;
        let refused = [
            say("Aziza", Representative, true),
            say("Bobur", MahallaChair, true),
            say("Dilnoza", TaxInspector, false),
        ];
        assert_eq!(consent_gap(&refused), Some(ConsentGap::Refused));
        // The same person (names compared without case or spaces around) changes their mind.
        let changed = [
            say("Aziza", Representative, false),
            say("Bobur", MahallaChair, true),
            say(" aziza ", Representative, true),
        ];
        assert_eq!(consent_gap(&changed), None);
    }

    #[test]
    fn urgent_appeals_count_working_days_and_the_rest_calendar_days() {
        assert_eq!(Category::Urgent.term(), Term::WorkingDays(3));
        assert_eq!(Category::Ordinary.term(), Term::CalendarDays(15));
        assert_eq!(Category::Consultation.term(), Term::CalendarDays(15));
    }

    #[test]
    fn a_resident_reads_answers_and_reasons_but_not_what_officers_wrote_for_each_other() {
        let forwarded = Detail::Forwarded {
            from: 12,
            reason: "not ours".into(),
        };
        assert_eq!(forwarded.clone().seen_by(true), forwarded);
        assert_eq!(forwarded.seen_by(false), Detail::Note("not ours".into()));
        let rejected = Detail::Resolved {
            resolution: Resolution::Rejected,
            reason: "no grounds".into(),
        };
        assert_eq!(rejected.clone().seen_by(false), rejected);
        let answer = Detail::Note("Fixed.".into());
        assert_eq!(answer.clone().seen_by(false), answer);
        for internal in [
            Detail::Assigned {
                officer: 7,
                name: "Aziza".into(),
            },
            Detail::Escalated { from: 7 },
            Detail::RepeatOf(7),
            Detail::Category(Category::Urgent),
            Detail::Consent {
                role: ConsentRole::Representative,
                consent: true,
                person: "Aziza".into(),
            },
        ] {
            assert_eq!(internal.clone().seen_by(false), Detail::Nothing);
            assert_eq!(internal.clone().seen_by(true), internal);
        }
    }

    #[test]
    fn details_are_stored_in_one_json_form() {
        let cases = [
            (Detail::Nothing, r#""nothing""#),
            (Detail::Note("Tuzatildi".into()), r#"{"note":"Tuzatildi"}"#),
            (Detail::Category(Category::Urgent), r#"{"category":"urgent"}"#),
            (Detail::Score(4), r#"{"score":4}"#),
            (Detail::RepeatOf(3), r#"{"repeat_of":3}"#),
            (
                Detail::Resolved {
                    resolution: Resolution::Rejected,
                    reason: "asos yo'q".into(),
                },
                r#"{"resolved":{"resolution":"rejected","reason":"asos yo'q"}}"#,
            ),
        ];
        for (detail, json) in cases {
            assert_eq!(serde_json::to_string(&detail).unwrap(), json);
            assert_eq!(serde_json::from_str::<Detail>(json).unwrap(), detail);
        }
    }
}
