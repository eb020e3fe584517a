//! Reports on appeals (issue 15), a file per concern:
//!
//! | file | what |
//! |---|---|
//! | `mod.rs` | who may read which scope; the quarterly report's figures, each beside the quarter before |
//! | `hearings.rs` | reports heard, the decisions taken there, and the register of proposals to the Cabinet of Ministers |
//! | `problems.rs` | systemic problems: the heat table, growing topics, clusters, and the problems working groups take up |
//! | `rating.rs` | the six-monthly rating of bodies and the regions' public statistics, frozen when a half-year closes |
//!
//! What a figure counts, in words (the page and the CSV say the same):
//! - **received**: appeals registered in the quarter, in all and by channel, kind, category
//!   (`none`: not yet triaged) and topic; repeats and collective ones among them;
//! - **resolved**: appeals closed in the quarter, by outcome;
//! - **terms**: appeals whose term ended in the quarter — answered or closed by its end (on
//!   time), after it (late), or not yet and the term passed (overdue now);
//! - **control**: terms passed up to the body above in the quarter (escalated), answers the
//!   resident returned to control, answers the People's Reception sent back;
//! - **scores**: residents' scores of answers given in the quarter: how many, and the average
//!   in tenths (42 = 4.2).
//!
//! A body's report counts the appeals now with it or with a body below it.

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
            let parents = crate::appeals::scope::parents(svc).await?;
            // The ids come from the database, never from the request.
            let list = parents
                .keys()
                .filter(|b| crate::appeals::scope::within(&parents, **b, &[*body]))
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(", ");
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

/// The figure `code` of a list, zero when nothing was counted.
fn one(figures: Vec<Figure>, code: &str) -> Figure {
    figures.into_iter().next().unwrap_or(Figure {
        code: code.into(),
        now: 0,
        before: 0,
    })
}

/// The appeals of the received section: in all, repeats, collective (one row can be all three,
/// so these are conditions rather than one key).
const RECEIVED: [(&str, &str); 3] = [
    ("total", "1 = 1"),
    ("repeat", "a.repeat_of IS NOT NULL"),
    ("collective", "a.collective = 1"),
];

/// Where a section's figures are counted: the rows (`from`), the instant that places a row
/// in a quarter (`at`), which rows count (`rows`), and a row's figure (`key`). The report
/// groups by the key; the list behind a figure filters by it. None for the received section
/// (`RECEIVED`) and the scores (not a list of appeals).
struct Source {
    from: &'static str,
    at: &'static str,
    rows: &'static str,
    key: String,
}

fn source(section: Section, now: i64) -> Option<Source> {
    const APPEALS: &str = "appeals a";
    const EVENTS: &str = "appeal_events e JOIN appeals a ON a.id = e.appeal_id";
    let received = |key: &str| Source {
        from: APPEALS,
        at: "a.created_at",
        rows: "1 = 1",
        key: key.into(),
    };
    Some(match section {
        Section::Received | Section::Scores => return None,
        Section::Channel => received("a.channel"),
        Section::Kind => received("a.kind"),
        Section::Category => received("COALESCE(a.category, 'none')"),
        Section::Topic => received("a.topic_code"),
        // Closed in the quarter, by outcome.
        Section::Resolved => Source {
            from: EVENTS,
            at: "e.at",
            rows: "e.kind = 'resolved'",
            key: "a.resolution".into(),
        },
        // Terms that ended in the quarter: answered (or closed) by the end of the term, after
        // it, or not yet and passed.
        Section::Terms => {
            let first_reply = "(SELECT MIN(r.at) FROM appeal_events r WHERE r.appeal_id = a.id AND r.kind IN ('answered', 'resolved'))";
            Source {
                from: APPEALS,
                at: "a.due_at",
                rows: "1 = 1",
                key: format!(
                    "CASE WHEN {first_reply} <= a.due_at THEN 'on_time' WHEN {first_reply} IS NOT NULL THEN 'late' \
                       WHEN a.due_at < {now} THEN 'overdue' ELSE 'running' END"
                ),
            }
        }
        // Control: passed up, returned by the resident, sent back by the People's Reception.
        Section::Control => Source {
            from: EVENTS,
            at: "e.at",
            rows: "e.kind IN ('escalated', 'returned', 'sent_back')",
            key: "e.kind".into(),
        },
    })
}

/// The quarter's report of a scope the person may read. A quarter not begun is refused.
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
    let (sql, values, name) = scope_of(svc, principal, scope, 4).await?;
    let scope_sql = (sql, values);
    let (start, end) = quarter.bounds();
    let (before, _) = quarter.previous().bounds();
    let span = (before, start, end);
    let mut sections = Vec::new();

    let mut totals = Vec::new();
    for (code, flag) in RECEIVED {
        let sql = (format!("{} AND {flag}", scope_sql.0), scope_sql.1.clone());
        let found = grouped(svc, &format!("'{code}'"), "appeals a", "a.created_at", &sql, span).await?;
        totals.push(one(found, code));
    }
    sections.push((Section::Received, totals));
    for &section in Section::ALL {
        let Some(source) = source(section, now) else {
            continue;
        };
        let sql = (
            format!("{} AND {}", source.rows, scope_sql.0),
            scope_sql.1.clone(),
        );
        sections.push((
            section,
            grouped(svc, &source.key, source.from, source.at, &sql, span).await?,
        ));
    }
    // Scores of answers: how many, and the average in tenths.
    let sql = format!(
        "SELECT COUNT(CASE WHEN s.at >= $2 THEN 1 END) AS now_n, COUNT(CASE WHEN s.at < $2 THEN 1 END) AS before_n, \
           SUM(CASE WHEN s.at >= $2 THEN s.score ELSE 0 END) AS now_sum, SUM(CASE WHEN s.at < $2 THEN s.score ELSE 0 END) AS before_sum \
         FROM appeal_ratings s JOIN appeals a ON a.id = s.appeal_id WHERE s.at >= $1 AND s.at < $3 AND {}",
        scope_sql.0
    );
    let mut values = vec![Value::Int(before), Value::Int(start), Value::Int(end)];
    values.extend(scope_sql.1.iter().cloned());
    let row = crate::db::bind_all(sqlx::query(&sql), &values)
        .fetch_one(&svc.db.pool)
        .await?;
    let count = |c: &str| -> Result<i64> { Ok(row.try_get::<Option<i64>, _>(c)?.unwrap_or(0)) };
    let (now_n, before_n) = (count("now_n")?, count("before_n")?);
    sections.push((
        Section::Scores,
        vec![
            Figure {
                code: "count".into(),
                now: now_n,
                before: before_n,
            },
            Figure {
                code: "average".into(),
                now: tenths(count("now_sum")?, now_n),
                before: tenths(count("before_sum")?, before_n),
            },
        ],
    ));
    let topics = crate::appeals::choices::topics(svc).await?;
    let officers = match scope {
        ReportScope::Body(body) if crate::appeals::scope::heads(svc, principal, *body).await? => {
            officers(svc, &scope_sql, span, now).await?
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

/// Each officer's figures over a scope (`shared::report::OFFICER_FIGURES`), by name.
async fn officers(
    svc: &Services,
    scope: &(String, Vec<Value>),
    span: (i64, i64, i64),
    now: i64,
) -> Result<Vec<(String, Vec<Figure>)>> {
    let (before, start, end) = span;
    let within = |extra: &str| (format!("{extra} AND {}", scope.0), scope.1.clone());
    let mut by_officer: std::collections::BTreeMap<i64, Vec<Figure>> = std::collections::BTreeMap::new();
    let mut add = |officer: &str, figure: Figure| -> Result<()> {
        let id: i64 = officer
            .parse()
            .map_err(|_| Error::Corrupt(format!("an officer's id {officer}")))?;
        by_officer.entry(id).or_default().push(figure);
        Ok(())
    };
    let closed = grouped(
        svc,
        "CAST(e.actor_id AS TEXT)",
        "appeal_events e JOIN appeals a ON a.id = e.appeal_id",
        "e.at",
        &within("e.kind = 'resolved' AND e.actor_id IS NOT NULL"),
        span,
    )
    .await?;
    for f in closed {
        let officer = f.code.clone();
        add(
            &officer,
            Figure {
                code: "closed".into(),
                ..f
            },
        )?;
    }
    // A term is the officer's who gave the appeal's first answer, or else the one it is
    // assigned to; a score is the officer's who gave the answer scored.
    let terms = source(Section::Terms, now).map(|s| s.key).unwrap_or_default();
    let first_answer = "(SELECT r.actor_id FROM appeal_events r WHERE r.appeal_id = a.id \
        AND r.kind IN ('answered', 'resolved') ORDER BY r.at, r.id LIMIT 1)";
    let kept = grouped(
        svc,
        &format!("CAST(COALESCE({first_answer}, a.assigned_to) AS TEXT) || ':' || ({terms})"),
        "appeals a",
        "a.due_at",
        scope,
        span,
    )
    .await?;
    for f in kept {
        if let Some((officer, code)) = f.code.clone().split_once(':')
            && code != "running"
        {
            add(
                officer,
                Figure {
                    code: code.into(),
                    ..f
                },
            )?;
        }
    }
    let answerer = "(SELECT r.actor_id FROM appeal_events r WHERE r.appeal_id = s.appeal_id \
        AND r.kind IN ('answered', 'resolved') AND r.at <= s.at ORDER BY r.id DESC LIMIT 1)";
    let sql = format!(
        "SELECT t.k AS k, COUNT(CASE WHEN t.at >= $2 THEN 1 END) AS now_n, COUNT(CASE WHEN t.at < $2 THEN 1 END) AS before_n, \
           SUM(CASE WHEN t.at >= $2 THEN t.score ELSE 0 END) AS now_sum, SUM(CASE WHEN t.at < $2 THEN t.score ELSE 0 END) AS before_sum \
         FROM (SELECT CAST({answerer} AS TEXT) AS k, s.at AS at, s.score AS score \
               FROM appeal_ratings s JOIN appeals a ON a.id = s.appeal_id WHERE s.at >= $1 AND s.at < $3 AND {}) t \
         WHERE t.k IS NOT NULL GROUP BY t.k",
        scope.0
    );
    let mut values = vec![Value::Int(before), Value::Int(start), Value::Int(end)];
    values.extend(scope.1.iter().cloned());
    for row in crate::db::bind_all(sqlx::query(&sql), &values)
        .fetch_all(&svc.db.pool)
        .await?
    {
        let n = |c: &str| -> Result<i64> { Ok(row.try_get::<Option<i64>, _>(c)?.unwrap_or(0)) };
        let officer: String = row.try_get("k")?;
        let (now_n, before_n) = (n("now_n")?, n("before_n")?);
        add(
            &officer,
            Figure {
                code: "scores".into(),
                now: now_n,
                before: before_n,
            },
        )?;
        add(
            &officer,
            Figure {
                code: "average".into(),
                now: tenths(n("now_sum")?, now_n),
                before: tenths(n("before_sum")?, before_n),
            },
        )?;
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
const BEHIND: i64 = 200;

/// The appeals behind a figure of a quarter's report (`section`, `code`): how many, and the
/// newest of them. The scores are not a list of appeals; an unknown figure is refused.
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
    let (start, end) = quarter.bounds();
    let mut values = vec![Value::Int(start), Value::Int(end)];
    let (from, at, condition) = match (section, source(section, now)) {
        (Section::Received, _) => {
            let (_, flag) = RECEIVED
                .iter()
                .find(|(c, _)| *c == code)
                .ok_or(Refused(ReportProblem::Figure))?;
            ("appeals a", "a.created_at", flag.to_string())
        }
        (_, Some(source)) => {
            values.push(Value::Text(code.to_string()));
            (
                source.from,
                source.at,
                format!("{} AND {} = $3", source.rows, source.key),
            )
        }
        (_, None) => return Err(Refused(ReportProblem::Figure)),
    };
    let (scope_sql, scope_values, name) = scope_of(svc, principal, scope, values.len() + 1).await?;
    values.extend(scope_values);
    let ids = format!(
        "SELECT DISTINCT a.id FROM {from} WHERE {at} >= $1 AND {at} < $2 AND {condition} AND {scope_sql}"
    );
    let total: i64 = crate::db::bind_all(
        sqlx::query(&format!("SELECT COUNT(*) AS n FROM ({ids}) t")),
        &values,
    )
    .fetch_one(&svc.db.pool)
    .await
    .and_then(|row| row.try_get("n"))
    .map_err(Error::from)?;
    let rows = crate::db::bind_all(
        sqlx::query(&format!(
            "{} {} WHERE a.id IN ({ids}) ORDER BY a.id DESC LIMIT {BEHIND}",
            crate::appeals::view::SUMMARY,
            crate::appeals::view::SUMMARY_FROM
        )),
        &values,
    )
    .fetch_all(&svc.db.pool)
    .await
    .map_err(Error::from)?;
    let appeals = rows
        .iter()
        .map(crate::appeals::view::summary)
        .collect::<Result<Vec<_>>>()?;
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
