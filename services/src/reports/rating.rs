//! The six-monthly rating of bodies, and the regions' public statistics (issue 15, points 4–6;
//! ADR 0015).
//!
//! Each appeal's step adds its marks (`mark`, called by the timeline inside the step's
//! transaction) to `appeal_marks`: a month, the body responsible at that moment, the appeal's
//! region. A half-year's rating sums those rows. When a half-year has closed the minute job
//! freezes it (`freeze_closed`) — its counts, scores and grades and the settings they were
//! graded by — and a frozen half-year is only ever read back. The running half-year is
//! computed on each reading with today's settings and shown as provisional.

use crate::{Error, Result, Services};
use shared::appeal::{Detail, EventKind, Resolution};
use shared::rating::{
    BodyHistory, BodyRating, Counts, HalfYear, Mark, Rating, RatingProblem, RatingSetting, RatingSettings,
    RegionFigures,
};
use sqlx::Row;
use std::collections::BTreeMap;

#[derive(Debug, thiserror::Error)]
pub enum RatingError {
    #[error("refused: {0}")]
    Refused(RatingProblem),
    #[error(transparent)]
    Service(#[from] Error),
}

crate::error::service_error!(RatingError);

use RatingError::Refused;

/// One step of an appeal, as the rating reads it.
pub(crate) struct Marked<'a> {
    pub(crate) event_id: i64,
    pub(crate) appeal: i64,
    pub(crate) kind: EventKind,
    pub(crate) body: Option<i64>,
    pub(crate) detail: &'a Detail,
    pub(crate) at: i64,
}

/// Adds a step's marks, inside the step's transaction (after its event is written).
pub(crate) async fn mark(conn: &mut sqlx::AnyConnection, step: Marked<'_>) -> Result<()> {
    let counted = matches!(
        step.kind,
        EventKind::Registered
            | EventKind::Repeat
            | EventKind::Resolved
            | EventKind::Answered
            | EventKind::Escalated
            | EventKind::Returned
            | EventKind::SentBack
    );
    if !counted {
        return Ok(());
    }
    let appeal = sqlx::query("SELECT body_id, region_soato, due_at FROM appeals WHERE id = $1")
        .bind(step.appeal)
        .fetch_one(&mut *conn)
        .await?;
    let current: i64 = appeal.try_get("body_id")?;
    let region: String = appeal.try_get("region_soato")?;
    let due_at: i64 = appeal.try_get("due_at")?;
    let body = step.body.unwrap_or(current);
    let mut marks: Vec<(i64, Mark)> = Vec::new();
    match (step.kind, step.detail) {
        (EventKind::Registered, _) => marks.push((body, Mark::Received)),
        (EventKind::Repeat, _) => marks.push((current, Mark::Repeat)),
        (EventKind::Escalated, Detail::Escalated { from }) => marks.push((*from, Mark::Late)),
        (EventKind::Returned | EventKind::SentBack, _) => {
            // Against the body whose answer went back: the one that gave the last answer.
            let answered: Option<i64> = sqlx::query_scalar(
                "SELECT body_id FROM appeal_events WHERE appeal_id = $1 AND kind IN ('answered', 'resolved') \
                 AND id < $2 ORDER BY id DESC LIMIT 1",
            )
            .bind(step.appeal)
            .bind(step.event_id)
            .fetch_optional(&mut *conn)
            .await?
            .flatten();
            marks.push((answered.unwrap_or(current), Mark::Returned));
        }
        _ => {}
    }
    if step.kind == EventKind::Resolved {
        marks.push((body, Mark::Closed));
        if let Detail::Resolved {
            resolution: Resolution::Satisfied,
            ..
        } = step.detail
        {
            marks.push((body, Mark::Satisfied));
        }
    }
    if matches!(step.kind, EventKind::Answered | EventKind::Resolved) {
        // The first answer of the appeal keeps its term or not.
        let earlier: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM appeal_events WHERE appeal_id = $1 AND kind IN ('answered', 'resolved') AND id < $2",
        )
        .bind(step.appeal)
        .bind(step.event_id)
        .fetch_one(&mut *conn)
        .await?;
        if earlier == 0 {
            let mark = if step.at <= due_at { Mark::Kept } else { Mark::Late };
            marks.push((body, mark));
        }
    }
    let month = shared::rating::month_of(step.at);
    for (body, mark) in marks {
        sqlx::query(
            "INSERT INTO appeal_marks (month, body_id, region_soato, mark, n) VALUES ($1, $2, $3, $4, 1) \
             ON CONFLICT (month, body_id, region_soato, mark) DO UPDATE SET n = appeal_marks.n + 1",
        )
        .bind(&month)
        .bind(body)
        .bind(&region)
        .bind(mark.code())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The settings as administrators left them.
pub async fn settings(svc: &Services) -> Result<RatingSettings> {
    let rows = sqlx::query("SELECT setting, value FROM rating_settings")
        .fetch_all(&svc.db.pool)
        .await?;
    let mut settings = RatingSettings::default();
    for row in &rows {
        settings.set(crate::db::word(row, "setting")?, row.try_get("value")?);
    }
    Ok(settings)
}

/// Sets the rating's settings (each a number typed on the form), all or none. Yellow must be
/// below green. They grade the running half-year and those that close from now on; a frozen
/// half-year keeps the settings it was graded by.
pub async fn set_settings(
    svc: &Services,
    by: i64,
    values: &[(RatingSetting, &str)],
) -> Result<(), (RatingSetting, RatingProblem, Option<Error>)> {
    let mut settings = settings(svc)
        .await
        .map_err(|e| (RatingSetting::Green, RatingProblem::Setting, Some(e)))?;
    for (setting, typed) in values {
        match typed.trim().parse::<i64>() {
            Ok(v) if setting.range().contains(&v) => settings.set(*setting, v),
            _ => return Err((*setting, RatingProblem::Setting, None)),
        }
    }
    if settings.get(RatingSetting::Yellow) >= settings.get(RatingSetting::Green) {
        return Err((RatingSetting::Yellow, RatingProblem::Order, None));
    }
    let now = svc.clock.now_ms();
    let failed = |e: sqlx::Error| (RatingSetting::Green, RatingProblem::Setting, Some(Error::from(e)));
    let mut tx = svc.db.pool.begin().await.map_err(failed)?;
    for (setting, value) in &settings.values {
        sqlx::query(
            "INSERT INTO rating_settings (setting, value, updated_by, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (setting) DO UPDATE SET value = excluded.value, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        )
        .bind(setting.code())
        .bind(*value)
        .bind(by)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(failed)?;
    }
    tx.commit().await.map_err(failed)?;
    tracing::info!(by, "rating settings set");
    Ok(())
}

/// Sums of the marks of a half-year, by `column` (`body_id` or `region_soato`).
async fn sums(
    conn: &mut sqlx::AnyConnection,
    half: HalfYear,
    column: &str,
) -> Result<BTreeMap<String, Counts>> {
    let (first, last) = half.months();
    let sql = format!(
        "SELECT CAST({column} AS TEXT) AS k, mark, CAST(SUM(n) AS BIGINT) AS n FROM appeal_marks \
         WHERE month >= $1 AND month <= $2 GROUP BY {column}, mark"
    );
    let rows = sqlx::query(&sql)
        .bind(first)
        .bind(last)
        .fetch_all(&mut *conn)
        .await?;
    let mut counts: BTreeMap<String, Counts> = BTreeMap::new();
    for row in &rows {
        let mark: Mark = crate::db::word(row, "mark")?;
        let n = row.try_get::<Option<i64>, _>("n")?.unwrap_or(0);
        counts.entry(row.try_get("k")?).or_default().add(mark, n);
    }
    Ok(counts)
}

/// Every body's name.
async fn body_names(conn: &mut sqlx::AnyConnection) -> Result<BTreeMap<i64, shared::geo::Names>> {
    let rows = sqlx::query("SELECT id, name_uz AS n_uz, name_uz_cyrl AS n_cyrl, name_ru AS n_ru FROM bodies")
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("id")?, crate::db::names(r, "n")?)))
        .collect()
}

/// Every region's name.
async fn region_names(conn: &mut sqlx::AnyConnection) -> Result<BTreeMap<String, shared::geo::Names>> {
    let rows =
        sqlx::query("SELECT soato, name_uz AS n_uz, name_uz_cyrl AS n_cyrl, name_ru AS n_ru FROM regions")
            .fetch_all(&mut *conn)
            .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("soato")?, crate::db::names(r, "n")?)))
        .collect()
}

/// Best first (by score, then by name); bodies not graded last, by name.
fn rank(bodies: &mut [BodyRating]) {
    bodies.sort_by(|a, b| {
        b.score
            .is_some()
            .cmp(&a.score.is_some())
            .then(b.score.cmp(&a.score))
            .then(a.name.uz.cmp(&b.name.uz))
    });
}

/// A half-year computed from the marks with the given settings.
async fn compute(
    conn: &mut sqlx::AnyConnection,
    half: HalfYear,
    settings: &RatingSettings,
) -> Result<(Vec<BodyRating>, Vec<RegionFigures>, i64)> {
    let by_body = sums(&mut *conn, half, "body_id").await?;
    let all: i64 = by_body.values().map(|c| c.received).sum();
    let names = body_names(&mut *conn).await?;
    let mut bodies = Vec::new();
    for (id, counts) in by_body {
        let body: i64 = id
            .parse()
            .map_err(|_| Error::Corrupt(format!("appeal_marks.body_id = {id}")))?;
        let score = counts.score(all, settings);
        bodies.push(BodyRating {
            body,
            name: names.get(&body).cloned().unwrap_or_default(),
            counts,
            all,
            score,
            grade: score.map(|s| settings.grade(s)),
        });
    }
    rank(&mut bodies);
    let by_region = sums(&mut *conn, half, "region_soato").await?;
    let regions = regions_of(&mut *conn, by_region).await?;
    Ok((bodies, regions, all))
}

async fn regions_of(
    conn: &mut sqlx::AnyConnection,
    counts: BTreeMap<String, Counts>,
) -> Result<Vec<RegionFigures>> {
    let names = region_names(&mut *conn).await?;
    Ok(counts
        .into_iter()
        .map(|(soato, counts)| RegionFigures {
            name: names.get(&soato).cloned().unwrap_or_default(),
            soato,
            counts,
        })
        .collect())
}

fn counts_of(row: &sqlx::any::AnyRow) -> Result<Counts> {
    Ok(Counts {
        received: row.try_get("received")?,
        closed: row.try_get("closed")?,
        satisfied: row.try_get("satisfied")?,
        kept: row.try_get("kept")?,
        late: row.try_get("late")?,
        returned: row.try_get("returned")?,
        repeats: row.try_get("repeats")?,
    })
}

const COUNTS: &str = "received, closed, satisfied, kept, late, returned, repeats";

/// A frozen half-year: when, the settings, every body's appeals.
async fn frozen(
    conn: &mut sqlx::AnyConnection,
    half: HalfYear,
) -> Result<Option<(i64, RatingSettings, i64)>> {
    let row = sqlx::query("SELECT frozen_at, settings, all_received FROM rating_periods WHERE period = $1")
        .bind(half.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let settings: String = row.try_get("settings")?;
    let settings = serde_json::from_str(&settings)
        .map_err(|e| Error::Corrupt(format!("rating_periods.settings: {e}")))?;
    Ok(Some((
        row.try_get("frozen_at")?,
        settings,
        row.try_get("all_received")?,
    )))
}

/// The half-years there is a rating of, newest first: the running one and every frozen one.
async fn periods(svc: &Services) -> Result<Vec<HalfYear>> {
    let mut periods: Vec<HalfYear> = sqlx::query_scalar::<_, String>("SELECT period FROM rating_periods")
        .fetch_all(&svc.db.pool)
        .await?
        .iter()
        .filter_map(|p| HalfYear::parse(p))
        .collect();
    periods.push(HalfYear::of(svc.clock.now_ms()));
    periods.sort();
    periods.dedup();
    periods.reverse();
    Ok(periods)
}

/// The rating of a half-year, for everyone: frozen if it has closed, provisional if it runs.
/// A half-year not begun is refused; one that closed before anything was counted is empty.
pub async fn rating(svc: &Services, half: HalfYear) -> Result<Rating, RatingError> {
    let now = svc.clock.now_ms();
    if half > HalfYear::of(now) {
        return Err(Refused(RatingProblem::Future));
    }
    if half < HalfYear::of(now) {
        // A half-year that closed is read frozen, even before the minute job came round.
        freeze_closed(svc).await?;
    }
    let mut conn = svc.db.pool.acquire().await.map_err(Error::from)?;
    let rating = match frozen(&mut conn, half).await? {
        Some((frozen_at, settings, all)) => {
            let names = body_names(&mut conn).await?;
            let rows = sqlx::query(&format!(
                "SELECT body_id, {COUNTS}, score, grade FROM ratings WHERE period = $1"
            ))
            .bind(half.to_string())
            .fetch_all(&mut *conn)
            .await
            .map_err(Error::from)?;
            let mut bodies = Vec::new();
            for row in &rows {
                let body: i64 = row.try_get("body_id").map_err(Error::from)?;
                bodies.push(BodyRating {
                    body,
                    name: names.get(&body).cloned().unwrap_or_default(),
                    counts: counts_of(row)?,
                    all,
                    score: row.try_get("score").map_err(Error::from)?,
                    grade: row
                        .try_get::<Option<String>, _>("grade")
                        .map_err(Error::from)?
                        .and_then(|g| shared::rating::Grade::parse(&g)),
                });
            }
            rank(&mut bodies);
            let rows = sqlx::query(&format!(
                "SELECT region_soato, {COUNTS} FROM rating_regions WHERE period = $1"
            ))
            .bind(half.to_string())
            .fetch_all(&mut *conn)
            .await
            .map_err(Error::from)?;
            let mut counts = BTreeMap::new();
            for row in &rows {
                counts.insert(row.try_get("region_soato").map_err(Error::from)?, counts_of(row)?);
            }
            let regions = regions_of(&mut conn, counts).await?;
            Rating {
                period: half,
                frozen_at: Some(frozen_at),
                settings,
                bodies,
                regions,
                periods: Vec::new(),
            }
        }
        None => {
            let settings = settings(svc).await?;
            let (bodies, regions, _) = compute(&mut conn, half, &settings).await?;
            Rating {
                period: half,
                frozen_at: None,
                settings,
                bodies,
                regions,
                periods: Vec::new(),
            }
        }
    };
    drop(conn);
    Ok(Rating {
        periods: periods(svc).await?,
        ..rating
    })
}

/// One body's rating over every half-year there is one of, newest first.
pub async fn history(svc: &Services, body: i64) -> Result<BodyHistory, RatingError> {
    let mut conn = svc.db.pool.acquire().await.map_err(Error::from)?;
    let names = body_names(&mut conn).await?;
    let name = names.get(&body).cloned().ok_or(Refused(RatingProblem::Body))?;
    drop(conn);
    let mut out = Vec::new();
    for half in periods(svc).await? {
        let rating = rating(svc, half).await?;
        if let Some(line) = rating.bodies.into_iter().find(|b| b.body == body) {
            out.push((half, rating.frozen_at.is_some(), line, rating.settings));
        }
    }
    Ok(BodyHistory {
        body,
        name,
        periods: out,
    })
}

/// Freezes every half-year that has closed and is not frozen yet, from the first month
/// anything was counted; returns how many it froze. Safe with several instances: the
/// period's row is claimed first, and an instance that finds it claimed writes nothing.
pub async fn freeze_closed(svc: &Services) -> Result<usize> {
    let now = svc.clock.now_ms();
    let current = HalfYear::of(now);
    let first: Option<String> = sqlx::query_scalar("SELECT MIN(month) FROM appeal_marks")
        .fetch_one(&svc.db.pool)
        .await?;
    let Some(first) = first else { return Ok(0) };
    let Some(mut half) = HalfYear::parse(&format!(
        "{}-H{}",
        &first[..4],
        if first[5..].parse::<u32>().unwrap_or(1) <= 6 {
            1
        } else {
            2
        }
    )) else {
        return Err(Error::Corrupt(format!("appeal_marks.month = {first}")));
    };
    let settings = settings(svc).await?;
    let mut frozen_now = 0;
    while half < current {
        let mut tx = svc.db.pool.begin().await?;
        if frozen(&mut tx, half).await?.is_none() {
            let (bodies, regions, all) = compute(&mut tx, half, &settings).await?;
            let claimed = sqlx::query(
                "INSERT INTO rating_periods (period, settings, all_received, frozen_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (period) DO NOTHING",
            )
            .bind(half.to_string())
            .bind(serde_json::to_string(&settings).map_err(|e| Error::Corrupt(e.to_string()))?)
            .bind(all)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            if claimed.rows_affected() == 1 {
                let line = format!(
                    "INSERT INTO ratings (period, body_id, {COUNTS}, score, grade) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
                );
                for b in &bodies {
                    let mut query = sqlx::query(&line).bind(half.to_string()).bind(b.body);
                    for n in b.counts.values() {
                        query = query.bind(n);
                    }
                    query
                        .bind(b.score)
                        .bind(b.grade.map(|g| g.code()))
                        .execute(&mut *tx)
                        .await?;
                }
                let line = format!(
                    "INSERT INTO rating_regions (period, region_soato, {COUNTS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
                );
                for r in &regions {
                    let mut query = sqlx::query(&line).bind(half.to_string()).bind(&r.soato);
                    for n in r.counts.values() {
                        query = query.bind(n);
                    }
                    query.execute(&mut *tx).await?;
                }
                frozen_now += 1;
                tracing::info!(period = %half, bodies = bodies.len(), "rating frozen");
            }
        }
        tx.commit().await?;
        half = half.next();
    }
    Ok(frozen_now)
}

/// The rating as CSV (RFC 4180): one line per body, its counts, criteria (per mille), score
/// and grade.
pub fn csv(rating: &Rating) -> String {
    crate::sheet::csv(&table(rating))
}

/// The rating as an XLSX workbook: the bodies on one sheet, the regions on another.
pub fn xlsx(rating: &Rating) -> Result<Vec<u8>> {
    let sheets = [("rating", table(rating)), ("regions", region_table(rating))];
    crate::sheet::workbook(&sheets)
}

use crate::sheet::Cell;

fn table(rating: &Rating) -> Vec<Vec<Cell>> {
    use shared::rating::Criterion;
    let mut head: Vec<Cell> = ["period", "status", "body_id", "body"]
        .into_iter()
        .map(Cell::text)
        .collect();
    head.extend(Counts::NAMES.into_iter().map(Cell::text));
    head.extend(Criterion::ALL.iter().map(|c| Cell::text(c.code())));
    head.extend(["score", "grade"].into_iter().map(Cell::text));
    let status = if rating.frozen_at.is_some() {
        "final"
    } else {
        "provisional"
    };
    let mut rows = vec![head];
    for b in &rating.bodies {
        let mut row = vec![
            Cell::text(rating.period.to_string()),
            Cell::text(status),
            Cell::Number(b.body),
            Cell::text(&b.name.uz),
        ];
        row.extend(b.counts.values().into_iter().map(Cell::Number));
        row.extend(Criterion::ALL.iter().map(|k| Cell::maybe(b.value(*k))));
        row.push(Cell::maybe(b.score));
        row.push(Cell::text(b.grade.map(|g| g.code()).unwrap_or("")));
        rows.push(row);
    }
    rows
}

fn region_table(rating: &Rating) -> Vec<Vec<Cell>> {
    let mut head: Vec<Cell> = ["period", "region", "name"].into_iter().map(Cell::text).collect();
    head.extend(Counts::NAMES.into_iter().map(Cell::text));
    let mut rows = vec![head];
    for r in &rating.regions {
        let mut row = vec![
            Cell::text(rating.period.to_string()),
            Cell::text(&r.soato),
            Cell::text(&r.name.uz),
        ];
        row.extend(r.counts.values().into_iter().map(Cell::Number));
        rows.push(row);
    }
    rows
}
