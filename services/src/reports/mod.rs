//! Reports on appeals (issue 15), a file per concern:
//!
//! | file | what |
//! |---|---|
//! | `mod.rs` | who may read which scope; the quarterly report's figures, each beside the quarter before |
//! | `hearings.rs` | reports heard, the decisions taken there, and the register of proposals to the Cabinet of Ministers |
//! | `problems.rs` | systemic problems: the heat table, growing topics, clusters, and the problems working groups take up |
//! | `rating.rs` | the six-monthly rating of bodies and the regions' public statistics, frozen when a half-year closes |
//! | `counts.rs` | the quarterly report's figures, kept as each step is written; the list behind a figure |
//!
//! What a figure counts, in words (the page and the CSV say the same). Each step is counted in
//! its month against the body that held the appeal at that moment (ADR 0016), so a quarter's
//! report reads the same later, but for a category given afterwards to an appeal it received
//! and a score a resident changes:
//! - **received**: appeals registered in the quarter with the body, in all and by channel,
//!   kind, category (`none`: not yet triaged; a later triage moves it) and topic; repeats and
//!   collective ones among them;
//! - **resolved**: appeals closed in the quarter, by outcome;
//! - **terms**: first answers given in the quarter, within the term (on time) or after it
//!   (late); terms that passed in the quarter without an answer (overdue), against the body
//!   that let them pass;
//! - **control**: terms passed up to the body above in the quarter (escalated), answers the
//!   resident returned to control, answers the People's Reception sent back — each against
//!   the body whose term or answer it was;
//! - **scores**: residents' scores given in the quarter, against the body and the officer who
//!   answered: how many, and the average in tenths (42 = 4.2).

pub mod counts;
pub mod hearings;
pub mod problems;
pub mod rating;

use crate::db::Value;
use crate::sheet::Cell;
use crate::{Error, Result, Services};
use shared::auth::{Principal, Role};
use shared::report::{
    Figure, FigureAppeals, Quarter, Report, ReportChoices, ReportProblem, ReportScope, Section,
};
use sqlx::Row;

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("refused: {0}")]
    Refused(ReportProblem),
    #[error(transparent)]
    Service(#[from] Error),
}

crate::error::service_error!(ReportError);

use ReportError::Refused;

/// Whether a person may lead the work on a scope's report — record its hearing, take up a
/// problem found in it: the report must be theirs to read, and a body's must be a body they
/// head (the People's Reception of a region and administrators read the others).
pub(crate) async fn may_lead(svc: &Services, principal: &Principal, scope: &ReportScope) -> Result<bool> {
    match scope_of(svc, principal, scope, 1).await {
        Ok(_) => {}
        Err(ReportError::Refused(_)) => return Ok(false),
        Err(ReportError::Service(e)) => return Err(e),
    }
    match scope {
        ReportScope::Body(body) => crate::appeals::scope::heads(svc, principal, *body).await,
        _ => Ok(true),
    }
}

/// A scope's name, whoever asks (the country's, a region's, a district's, a body's).
pub(crate) async fn scope_name(svc: &Services, scope: &ReportScope) -> Result<shared::geo::Names> {
    let (table, key) = match scope {
        ReportScope::Country => {
            return Ok(shared::geo::Names {
                uz: "Oʻzbekiston".into(),
                uz_cyrl: "Ўзбекистон".into(),
                ru: "Узбекистан".into(),
            });
        }
        ReportScope::Region(r) => ("regions WHERE soato = $1", Value::Text(r.clone())),
        ReportScope::District(d) => ("districts WHERE soato = $1", Value::Text(d.clone())),
        ReportScope::Body(b) => ("bodies WHERE id = $1", Value::Int(*b)),
    };
    let sql = format!("SELECT name_uz AS n_uz, name_uz_cyrl AS n_cyrl, name_ru AS n_ru FROM {table}");
    let row = crate::db::bind_all(sqlx::query(&sql), &[key])
        .fetch_optional(&svc.db.pool)
        .await?
        .ok_or_else(|| Error::Corrupt(format!("no such scope {}", scope.code())))?;
    crate::db::names(&row, "n")
}

/// The scope's condition on `appeals a`, with its values from `$first` on, and its name; a
/// scope outside the person's reach is refused.
async fn scope_of(
    svc: &Services,
    principal: &Principal,
    scope: &ReportScope,
    first: usize,
) -> Result<(String, Vec<Value>, shared::geo::Names), ReportError> {
    let admin = principal.has_role(Role::Administrator);
    let names = |row: &sqlx::any::AnyRow| crate::db::names(row, "n");
    match scope {
        ReportScope::Country => {
            if !admin {
                return Err(Refused(ReportProblem::Scope));
            }
            let name = shared::geo::Names {
                uz: "Oʻzbekiston".into(),
                uz_cyrl: "Ўзбекистон".into(),
                ru: "Узбекистан".into(),
            };
            Ok(("1 = 1".into(), Vec::new(), name))
        }
        ReportScope::Region(region) => {
            let row = sqlx::query("SELECT name_uz AS n_uz, name_uz_cyrl AS n_cyrl, name_ru AS n_ru FROM regions WHERE soato = $1")
                .bind(region)
                .fetch_optional(&svc.db.pool)
                .await?
                .ok_or(Refused(ReportProblem::Scope))?;
            if !admin && !principal.coordinates(region) {
                return Err(Refused(ReportProblem::Scope));
            }
            Ok((
                format!("a.region_soato = ${first}"),
                vec![Value::Text(region.clone())],
                names(&row)?,
            ))
        }
        ReportScope::District(district) => {
            let row = sqlx::query(
                "SELECT region_soato, name_uz AS n_uz, name_uz_cyrl AS n_cyrl, name_ru AS n_ru FROM districts WHERE soato = $1",
            )
            .bind(district)
            .fetch_optional(&svc.db.pool)
            .await?
            .ok_or(Refused(ReportProblem::Scope))?;
            let region: String = row.try_get("region_soato")?;
            if !admin && !principal.coordinates(&region) {
                return Err(Refused(ReportProblem::Scope));
            }
            Ok((
                format!("a.district_soato = ${first}"),
                vec![Value::Text(district.clone())],
                names(&row)?,
            ))
        }
        ReportScope::Body(body) => {
            let row = sqlx::query(
                "SELECT name_uz AS n_uz, name_uz_cyrl AS n_cyrl, name_ru AS n_ru FROM bodies WHERE id = $1",
            )
            .bind(body)
            .fetch_optional(&svc.db.pool)
            .await?
            .ok_or(Refused(ReportProblem::Scope))?;
            if !crate::appeals::handles(svc, principal, *body).await? {
                return Err(Refused(ReportProblem::Scope));
            }
            let list = subtree_list(svc, *body).await?;
            Ok((format!("a.body_id IN ({list})"), Vec::new(), names(&row)?))
        }
    }
}

/// Counts grouped by `key`, this quarter's and the one before's, over rows whose instant
/// `at` falls in either: `from` the SQL after `FROM`, `at` the instant's column. (The key is
/// named in a subquery first: PostgreSQL groups by no constant or subquery of its own.)
async fn grouped(
    svc: &Services,
    key: &str,
    from: &str,
    at: &str,
    scope: &(String, Vec<Value>),
    (before, start, end): (i64, i64, i64),
) -> Result<Vec<Figure>> {
    let sql = format!(
        "SELECT t.k AS k, SUM(CASE WHEN t.t_at >= $2 THEN 1 ELSE 0 END) AS now_n, \
           SUM(CASE WHEN t.t_at < $2 THEN 1 ELSE 0 END) AS before_n \
         FROM (SELECT {key} AS k, {at} AS t_at FROM {from} WHERE {at} >= $1 AND {at} < $3 AND {}) t \
         GROUP BY t.k",
        scope.0
    );
    let mut values = vec![Value::Int(before), Value::Int(start), Value::Int(end)];
    values.extend(scope.1.iter().cloned());
    let mut figures = crate::db::bind_all(sqlx::query(&sql), &values)
        .fetch_all(&svc.db.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(Figure {
                code: r
                    .try_get::<Option<String>, _>("k")?
                    .unwrap_or_else(|| "none".into()),
                now: r.try_get::<Option<i64>, _>("now_n")?.unwrap_or(0),
                before: r.try_get::<Option<i64>, _>("before_n")?.unwrap_or(0),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    // By code, the same on both databases (they place NULL apart).
    figures.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(figures)
}

/// The places a scope's figures are counted in (`counts::places`): the country's regions, a
/// region, a district, or a body and every body below it.
async fn counted_places(svc: &Services, scope: &ReportScope) -> Result<Vec<String>> {
    Ok(match scope {
        ReportScope::Country => sqlx::query_scalar::<_, String>("SELECT soato FROM regions ORDER BY soato")
            .fetch_all(&svc.db.pool)
            .await?
            .into_iter()
            .map(|r| format!("r:{r}"))
            .collect(),
        ReportScope::Region(r) => vec![format!("r:{r}")],
        ReportScope::District(d) => vec![format!("d:{d}")],
        ReportScope::Body(body) => subtree(svc, *body)
            .await?
            .into_iter()
            .map(|b| format!("b:{b}"))
            .collect(),
    })
}

/// A body and every body below it, as SQL's list (the ids come from the database, never from
/// the request).
async fn subtree_list(svc: &Services, body: i64) -> Result<String> {
    Ok(subtree(svc, body)
        .await?
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", "))
}

/// A body and every body below it.
async fn subtree(svc: &Services, body: i64) -> Result<Vec<i64>> {
    let parents = crate::appeals::scope::parents(svc).await?;
    Ok(parents
        .keys()
        .copied()
        .filter(|b| crate::appeals::scope::within(&parents, *b, &[body]))
        .collect())
}

/// The figures every report shows, counted or not: the received section's and the scores'.
const ALWAYS: [(Section, &str); 5] = [
    (Section::Received, "total"),
    (Section::Received, "repeat"),
    (Section::Received, "collective"),
    (Section::Scores, "count"),
    (Section::Scores, "average"),
];

/// This quarter's and the one before's count and sum of a figure.
#[derive(Clone, Copy, Default)]
struct Pair {
    now: (i64, i64),
    before: (i64, i64),
}

impl Pair {
    fn figure(&self, code: &str) -> Figure {
        let (now, before) = if code == "average" {
            (
                tenths(self.now.1, self.now.0),
                tenths(self.before.1, self.before.0),
            )
        } else {
            (self.now.0, self.before.0)
        };
        Figure {
            code: code.into(),
            now,
            before,
        }
    }
}

/// The quarter's report of a scope the person may read, from the counts kept as appeals
/// move (`counts`). A quarter not begun is refused.
pub async fn quarterly(
    svc: &Services,
    principal: &Principal,
    scope: &ReportScope,
    quarter: Quarter,
) -> Result<Report, ReportError> {
    let now = svc.clock.now_ms();
    if quarter > Quarter::of(now) {
        return Err(Refused(ReportProblem::Future));
    }
    let (_, _, name) = scope_of(svc, principal, scope, 1).await?;
    let places = counted_places(svc, scope).await?;
    let (start, end) = counts::months(quarter);
    let (before, _) = counts::months(quarter.previous());
    let mut figures: std::collections::BTreeMap<(String, String), Pair> = Default::default();
    let mut officers: std::collections::BTreeMap<(i64, String), Pair> = Default::default();
    for (month, section, code, officer, n, total) in counts::read(&svc.db, &places, (before, end)).await? {
        let pair = if officer == 0 {
            figures.entry((section, code)).or_default()
        } else {
            officers.entry((officer, code)).or_default()
        };
        let half = if month >= start {
            &mut pair.now
        } else {
            &mut pair.before
        };
        half.0 += n;
        half.1 += total;
    }
    let scores = figures
        .get(&(Section::Scores.code().to_string(), "count".to_string()))
        .copied()
        .unwrap_or_default();
    let mut sections = Vec::new();
    for &section in Section::ALL {
        let mut list: Vec<Figure> = ALWAYS
            .iter()
            .filter(|(s, _)| *s == section)
            .map(|(_, code)| match section {
                Section::Scores => scores.figure(code),
                _ => figures
                    .get(&(section.code().to_string(), code.to_string()))
                    .copied()
                    .unwrap_or_default()
                    .figure(code),
            })
            .collect();
        if list.is_empty() {
            list = figures
                .iter()
                .filter(|((s, _), _)| s == section.code())
                .map(|((_, code), pair)| pair.figure(code))
                .collect();
        }
        sections.push((section, list));
    }
    if quarter == Quarter::of(now) {
        let (condition, values) = overdue_now(svc, principal, scope, now).await?;
        let overdue: i64 = crate::db::bind_all(
            sqlx::query(&format!("SELECT COUNT(*) AS n FROM appeals a WHERE {condition}")),
            &values,
        )
        .fetch_one(&svc.db.pool)
        .await
        .and_then(|row| row.try_get("n"))
        .map_err(Error::from)?;
        if let Some((_, terms)) = sections.iter_mut().find(|(s, _)| *s == Section::Terms) {
            terms.push(Figure {
                code: OVERDUE_NOW.into(),
                now: overdue,
                before: 0,
            });
        }
    }
    let topics = crate::appeals::choices::topics(svc).await?;
    let officers = match scope {
        ReportScope::Body(body) if crate::appeals::scope::heads(svc, principal, *body).await? => {
            officer_figures(svc, officers).await?
        }
        _ => Vec::new(),
    };
    Ok(Report {
        scope: scope.clone(),
        name,
        quarter,
        sections,
        topics,
        officers,
    })
}

/// The running quarter's figure of the appeals of the scope, where they are now, whose term
/// has passed with no answer yet (at a body with none above it, or before the control-time
/// regime passes them up).
const OVERDUE_NOW: &str = "overdue_now";

/// The condition on `appeals a` of what `OVERDUE_NOW` counts, its values from `$1`.
async fn overdue_now(
    svc: &Services,
    principal: &Principal,
    scope: &ReportScope,
    now: i64,
) -> Result<(String, Vec<Value>), ReportError> {
    let (sql, values, _) = scope_of(svc, principal, scope, 2).await?;
    let mut all = vec![Value::Int(now)];
    all.extend(values);
    Ok((
        format!("a.status IN ('registered', 'in_progress') AND a.due_at < $1 AND {sql}"),
        all,
    ))
}

/// Each officer's figures (`shared::report::OFFICER_FIGURES`), by name.
async fn officer_figures(
    svc: &Services,
    counted: std::collections::BTreeMap<(i64, String), Pair>,
) -> Result<Vec<(String, Vec<Figure>)>> {
    let mut by_officer: std::collections::BTreeMap<i64, Vec<Figure>> = Default::default();
    for ((officer, code), pair) in counted {
        let figures = by_officer.entry(officer).or_default();
        figures.push(pair.figure(&code));
        if code == "scores" {
            figures.push(pair.figure("average"));
        }
    }
    let mut out = Vec::with_capacity(by_officer.len());
    for (id, mut figures) in by_officer {
        let name: Option<String> = sqlx::query_scalar("SELECT full_name FROM users WHERE id = $1")
            .bind(id)
            .fetch_one(&svc.db.pool)
            .await?;
        let order = |code: &str| shared::report::OFFICER_FIGURES.iter().position(|c| *c == code);
        figures.sort_by_key(|f| order(&f.code));
        out.push((name.unwrap_or_else(|| format!("#{id}")), figures));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// An average of scores in tenths (42 = 4.2), rounded; 0 when nothing was scored.
fn tenths(sum: i64, n: i64) -> i64 {
    if n == 0 { 0 } else { (sum * 10 + n / 2) / n }
}

/// The scopes a person may read reports of, and the quarters to choose from (this one and
/// the seven before).
pub async fn choices(svc: &Services, principal: &Principal) -> Result<ReportChoices> {
    let admin = principal.has_role(Role::Administrator);
    let mut scopes = Vec::new();
    if admin {
        let country = shared::geo::Names {
            uz: "Oʻzbekiston".into(),
            uz_cyrl: "Ўзбекистон".into(),
            ru: "Узбекистан".into(),
        };
        scopes.push(("country".to_string(), country));
    }
    let places = crate::appeals::choices(svc).await?;
    for (region, name) in &places.regions {
        if admin || principal.coordinates(region) {
            scopes.push((format!("region:{region}"), name.clone()));
        }
    }
    let handled = crate::appeals::scope::handled_bodies(svc, principal).await?;
    for body in &places.bodies {
        if handled.contains(&body.id) {
            scopes.push((format!("body:{}", body.id), body.name.clone()));
        }
    }
    let mut quarter = Quarter::of(svc.clock.now_ms());
    let mut quarters = Vec::new();
    for _ in 0..8 {
        quarters.push(quarter.to_string());
        quarter = quarter.previous();
    }
    Ok(ReportChoices { scopes, quarters })
}

/// The report's rows: section, figure, this quarter, the quarter before.
fn table(report: &Report) -> Vec<Vec<Cell>> {
    let mut rows = vec![vec![
        Cell::text("section"),
        Cell::text("figure"),
        Cell::text(report.quarter.to_string()),
        Cell::text(report.quarter.previous().to_string()),
    ]];
    for (section, figures) in &report.sections {
        for f in figures {
            rows.push(vec![
                Cell::text(section.code()),
                Cell::text(&f.code),
                Cell::Number(f.now),
                Cell::Number(f.before),
            ]);
        }
    }
    for (officer, figures) in &report.officers {
        for f in figures {
            rows.push(vec![
                Cell::text(format!("officer:{officer}")),
                Cell::text(&f.code),
                Cell::Number(f.now),
                Cell::Number(f.before),
            ]);
        }
    }
    rows
}

/// The report as CSV (RFC 4180).
pub fn csv(report: &Report) -> String {
    crate::sheet::csv(&table(report))
}

/// The report as an XLSX workbook of one sheet.
pub fn xlsx(report: &Report) -> Result<Vec<u8>> {
    crate::sheet::workbook(&[("report", table(report))])
}

/// The most appeals the list behind a figure shows (the newest).
const BEHIND: usize = 200;

/// The appeals behind a figure of a quarter's report (`section`, `code`): how many, and the
/// newest of them — the appeals of the scope whose tally (`counts::tally`) holds the figure in
/// the quarter. The scores are not a list of appeals; an unknown figure is refused.
pub async fn behind(
    svc: &Services,
    principal: &Principal,
    scope: &ReportScope,
    quarter: Quarter,
    section: Section,
    code: &str,
) -> Result<FigureAppeals, ReportError> {
    let now = svc.clock.now_ms();
    if quarter > Quarter::of(now) {
        return Err(Refused(ReportProblem::Future));
    }
    // The steps that can count for the section; none for the figures of what was received.
    let kinds = match section {
        Section::Scores => return Err(Refused(ReportProblem::Figure)),
        Section::Received if !ALWAYS.contains(&(Section::Received, code)) => {
            return Err(Refused(ReportProblem::Figure));
        }
        Section::Received | Section::Channel | Section::Kind | Section::Category | Section::Topic => None,
        Section::Resolved => Some("'resolved'"),
        Section::Terms => Some("'answered', 'resolved', 'escalated'"),
        Section::Control => Some("'escalated', 'returned', 'sent_back'"),
    };
    let (_, _, name) = scope_of(svc, principal, scope, 1).await?;
    let found = if section == Section::Terms && code == OVERDUE_NOW {
        if quarter == Quarter::of(now) {
            let (condition, values) = overdue_now(svc, principal, scope, now).await?;
            crate::db::bind_all(
                sqlx::query(&format!(
                    "SELECT a.id FROM appeals a WHERE {condition} ORDER BY a.id DESC"
                )),
                &values,
            )
            .fetch_all(&svc.db.pool)
            .await
            .map_err(Error::from)?
            .iter()
            .map(|r| r.try_get("id"))
            .collect::<std::result::Result<Vec<i64>, _>>()
            .map_err(Error::from)?
        } else {
            Vec::new()
        }
    } else {
        tallied(svc, scope, quarter, section, code, kinds).await?
    };
    let total = found.len() as i64;
    let shown = found
        .iter()
        .take(BEHIND)
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let appeals = if shown.is_empty() {
        Vec::new()
    } else {
        sqlx::query(&format!(
            "{} {} WHERE a.id IN ({shown}) ORDER BY a.id DESC",
            crate::appeals::view::SUMMARY,
            crate::appeals::view::SUMMARY_FROM
        ))
        .fetch_all(&svc.db.pool)
        .await
        .map_err(Error::from)?
        .iter()
        .map(crate::appeals::view::summary)
        .collect::<Result<Vec<_>>>()?
    };
    Ok(FigureAppeals {
        scope: scope.clone(),
        name,
        quarter,
        section,
        code: code.to_string(),
        total,
        appeals,
        topics: crate::appeals::choices::topics(svc).await?,
    })
}

/// The appeals of a scope whose tally holds a figure in the quarter, newest first: those
/// that may (steps of `kinds` in the quarter, or registered in it), each tallied.
async fn tallied(
    svc: &Services,
    scope: &ReportScope,
    quarter: Quarter,
    section: Section,
    code: &str,
    kinds: Option<&str>,
) -> Result<Vec<i64>> {
    let places = counted_places(svc, scope).await?;
    let (start, end) = quarter.bounds();
    let mut values = vec![Value::Int(start), Value::Int(end)];
    // Appeals that may hold the figure: of the scope's place, or that were with one of its
    // bodies at some step; each is then tallied.
    let place = match scope {
        ReportScope::Country => "1 = 1".to_string(),
        ReportScope::Region(r) => {
            values.push(Value::Text(r.clone()));
            "a.region_soato = $3".into()
        }
        ReportScope::District(d) => {
            values.push(Value::Text(d.clone()));
            "a.district_soato = $3".into()
        }
        ReportScope::Body(body) => {
            let list = subtree_list(svc, *body).await?;
            format!(
                "EXISTS (SELECT 1 FROM appeal_events b WHERE b.appeal_id = a.id AND b.body_id IN ({list}))"
            )
        }
    };
    let sql = match kinds {
        None => {
            format!("SELECT a.id FROM appeals a WHERE a.created_at >= $1 AND a.created_at < $2 AND {place}")
        }
        Some(kinds) => format!(
            "SELECT DISTINCT a.id FROM appeal_events e JOIN appeals a ON a.id = e.appeal_id \
             WHERE e.kind IN ({kinds}) AND e.at >= $1 AND e.at < $2 AND {place}"
        ),
    };
    let mut candidates: Vec<i64> = crate::db::bind_all(sqlx::query(&sql), &values)
        .fetch_all(&svc.db.pool)
        .await?
        .iter()
        .map(|r| r.try_get("id"))
        .collect::<std::result::Result<_, _>>()?;
    candidates.sort_unstable_by(|a, b| b.cmp(a));
    let (first, last) = counts::months(quarter);
    let mut found = Vec::new();
    for chunk in candidates.chunks(500) {
        for (id, filed, tally) in counts::tallies(&svc.db, chunk).await? {
            let holds = tally.iter().any(|(key, (n, _))| {
                *n > 0
                    && key.officer == 0
                    && key.section == section.code()
                    && key.code == code
                    && (first..last).contains(&key.month)
                    && counts::places(key, &filed).iter().any(|p| places.contains(p))
            });
            if holds {
                found.push(id);
            }
        }
    }
    found.sort_unstable_by(|a, b| b.cmp(a));
    Ok(found)
}
