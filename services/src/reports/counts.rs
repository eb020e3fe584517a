//! The quarterly report's figures, kept as each appeal's step is written (issue 15, point 6;
//! ADR 0016). An appeal's figures are a function of what it is (its place, channel, kind,
//! topic) and of its steps in order (`tally`): each step counted in its Tashkent month,
//! against the body that held the appeal at that moment. When a step is written, the appeal
//! is tallied with and without it and the difference is added to `report_counts` in the same
//! transaction (`keep`); a category given at triage thus moves the appeal from `none` to its
//! category in the month and body it was received in. `rebuild` tallies every appeal the same
//! way (once, for the appeals there before the counts were kept), and the list behind a figure
//! (`super::behind`) keeps the appeals whose tally holds that figure — so the figure, the
//! rebuilt figure and its list agree by construction.

use crate::db::Value;
use crate::{Error, Result};
use shared::appeal::{Detail, EventKind};
use sqlx::Row;
use std::collections::HashMap;

/// A Tashkent month as a number: year × 12 + month − 1.
pub fn month_of(ms: i64) -> i64 {
    let (year, month, ..) = shared::time::tashkent(ms);
    year * 12 + i64::from(month) - 1
}

/// The months of a quarter, as `month_of` numbers: `[first, first + 3)`.
pub fn months(quarter: shared::report::Quarter) -> (i64, i64) {
    let first = i64::from(quarter.year) * 12 + i64::from(quarter.q - 1) * 3;
    (first, first + 3)
}

/// What never changes of an appeal once filed, as its figures read it.
#[derive(Clone, Debug)]
pub(crate) struct Filed {
    pub(crate) district: String,
    pub(crate) region: String,
    pub(crate) channel: String,
    pub(crate) kind: String,
    pub(crate) topic: String,
    pub(crate) repeat: bool,
    pub(crate) collective: bool,
}

/// A step of an appeal, as its figures read it.
#[derive(Clone, Debug)]
pub(crate) struct Stepped {
    pub(crate) id: i64,
    pub(crate) kind: EventKind,
    pub(crate) actor: Option<i64>,
    pub(crate) body: Option<i64>,
    pub(crate) detail: Detail,
    /// The end of the term the step set, if it set one.
    pub(crate) due_at: Option<i64>,
    pub(crate) at: i64,
}

/// One figure of one appeal: its month, the body it counts against, the officer (0 for the
/// body's own figure), section and code.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Key {
    pub(crate) month: i64,
    pub(crate) body: i64,
    pub(crate) officer: i64,
    pub(crate) section: &'static str,
    pub(crate) code: String,
}

/// An appeal's figures: how many of each, and the sum they add up (a score).
pub(crate) type Tally = HashMap<Key, (i64, i64)>;

/// The officers' section: closed, on_time, late, overdue, scores (`shared::report::OFFICER_FIGURES`).
pub(crate) const OFFICER: &str = "officer";

/// An appeal's figures after `steps` (in the order they were written).
pub(crate) fn tally(filed: &Filed, steps: &[Stepped]) -> Tally {
    let mut tally = Tally::new();
    let mut add = |month: i64, body: i64, officer: i64, section: &'static str, code: &str, total: i64| {
        let entry = tally
            .entry(Key {
                month,
                body,
                officer,
                section,
                code: code.to_string(),
            })
            .or_insert((0, 0));
        entry.0 += 1;
        entry.1 += total;
    };
    let mut body: Option<i64> = None;
    let mut due_at = i64::MAX;
    let mut category: Option<String> = None;
    let mut assigned: Option<i64> = None;
    let mut received: Option<(i64, i64)> = None;
    let mut answered = false;
    // The last answer: its id, body and who gave it.
    let mut answer: Option<(i64, i64, Option<i64>)> = None;
    // A score per answer (the latest replaces the one before): month, body, officer, score.
    let mut scores: std::collections::BTreeMap<i64, (i64, i64, Option<i64>, i64)> = Default::default();
    for step in steps {
        let month = month_of(step.at);
        let here = step.body.or(body).unwrap_or(0);
        match (step.kind, &step.detail) {
            (EventKind::Registered, _) if received.is_none() => received = Some((month, here)),
            (EventKind::Triaged, Detail::Category(c)) => category = Some(c.code().to_string()),
            (EventKind::Assigned, Detail::Assigned { officer, .. }) => assigned = Some(*officer),
            (EventKind::Forwarded | EventKind::Returned, _) => assigned = None,
            _ => {}
        }
        if step.kind == EventKind::Resolved {
            if let Detail::Resolved { resolution, .. } = &step.detail {
                add(month, here, 0, "resolved", resolution.code(), 0);
            }
            if let Some(officer) = step.actor {
                add(month, here, officer, OFFICER, "closed", 0);
            }
        }
        if matches!(step.kind, EventKind::Answered | EventKind::Resolved) {
            if !answered {
                // The first answer keeps the term or not.
                let code = if step.at <= due_at { "on_time" } else { "late" };
                add(month, here, 0, "terms", code, 0);
                if let Some(officer) = step.actor {
                    add(month, here, officer, OFFICER, code, 0);
                }
                answered = true;
            }
            answer = Some((step.id, here, step.actor));
        }
        match (step.kind, &step.detail) {
            (EventKind::Escalated, Detail::Escalated { from }) => {
                // The term passed without an answer: against the body that let it pass.
                add(month, *from, 0, "terms", "overdue", 0);
                add(month, *from, 0, "control", "escalated", 0);
                if let Some(officer) = assigned {
                    add(month, *from, officer, OFFICER, "overdue", 0);
                }
            }
            (EventKind::Returned | EventKind::SentBack, _) => {
                // Against the body whose answer went back.
                let against = answer.map(|(_, b, _)| b).unwrap_or(here);
                add(month, against, 0, "control", step.kind.code(), 0);
            }
            (EventKind::Rated, Detail::Score(score)) => {
                if let Some((id, answered_by, actor)) = answer {
                    scores.insert(id, (month, answered_by, actor, i64::from(*score)));
                }
            }
            _ => {}
        }
        if step.body.is_some() {
            body = step.body;
        }
        if let Some(due) = step.due_at {
            due_at = due;
        }
    }
    for (month, body, officer, score) in scores.into_values() {
        add(month, body, 0, "scores", "count", score);
        if let Some(officer) = officer {
            add(month, body, officer, OFFICER, "scores", score);
        }
    }
    if let Some((month, body)) = received {
        add(month, body, 0, "received", "total", 0);
        if filed.repeat {
            add(month, body, 0, "received", "repeat", 0);
        }
        if filed.collective {
            add(month, body, 0, "received", "collective", 0);
        }
        add(month, body, 0, "channel", &filed.channel, 0);
        add(month, body, 0, "kind", &filed.kind, 0);
        add(month, body, 0, "topic", &filed.topic, 0);
        add(
            month,
            body,
            0,
            "category",
            category.as_deref().unwrap_or("none"),
            0,
        );
    }
    tally
}

/// The places a figure counts in: its body, and, for a body's own figure, the appeal's
/// district and region.
pub(crate) fn places(key: &Key, filed: &Filed) -> Vec<String> {
    if key.officer != 0 {
        return vec![format!("b:{}", key.body)];
    }
    vec![
        format!("b:{}", key.body),
        format!("d:{}", filed.district),
        format!("r:{}", filed.region),
    ]
}

const FILED: &str =
    "SELECT id, district_soato, region_soato, channel, kind, topic_code, repeat_of, collective FROM appeals";
const STEPS: &str = "SELECT id, appeal_id, kind, actor_id, body_id, detail, due_day, at FROM appeal_events";

fn filed(row: &sqlx::any::AnyRow) -> Result<Filed> {
    Ok(Filed {
        district: row.try_get("district_soato")?,
        region: row.try_get("region_soato")?,
        channel: row.try_get("channel")?,
        kind: row.try_get("kind")?,
        topic: row.try_get("topic_code")?,
        repeat: row.try_get::<Option<i64>, _>("repeat_of")?.is_some(),
        collective: row.try_get::<i16, _>("collective")? != 0,
    })
}

fn stepped(row: &sqlx::any::AnyRow) -> Result<Stepped> {
    let kind: String = row.try_get("kind")?;
    let detail: String = row.try_get("detail")?;
    let due = row
        .try_get::<Option<String>, _>("due_day")?
        .as_deref()
        .and_then(shared::calendar::parse_day);
    Ok(Stepped {
        id: row.try_get("id")?,
        kind: EventKind::parse(&kind).ok_or_else(|| Error::Corrupt(format!("an event's kind {kind}")))?,
        actor: row.try_get("actor_id")?,
        body: row.try_get("body_id")?,
        detail: serde_json::from_str(&detail).unwrap_or(Detail::Nothing),
        due_at: due.map(shared::calendar::end_of),
        at: row.try_get("at")?,
    })
}

/// Adds what the appeal's newest step changed of its figures, inside the step's transaction
/// (after its event is written).
pub(crate) async fn keep(conn: &mut sqlx::AnyConnection, appeal_id: i64) -> Result<()> {
    let id = [Value::Int(appeal_id)];
    let Some((_, filed, steps)) = load(&mut *conn, "id = $1", "appeal_id = $1", &id).await?.pop() else {
        return Ok(());
    };
    let Some((_, before)) = steps.split_last() else {
        return Ok(());
    };
    let mut change = Rows::new();
    add_rows(&mut change, &filed, tally(&filed, &steps), 1);
    add_rows(&mut change, &filed, tally(&filed, before), -1);
    let mut changes: Vec<_> = change.into_iter().filter(|(_, v)| *v != (0, 0)).collect();
    // Row by row in one order (a district's and a region's rows are shared by every body's
    // steps), so two transactions never wait on each other's rows crosswise.
    changes.sort();
    for ((place, month, section, code, officer), (n, total)) in changes {
        sqlx::query(
            "INSERT INTO report_counts (place, month, section, code, officer_id, n, total) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (place, month, section, code, officer_id) \
             DO UPDATE SET n = report_counts.n + excluded.n, total = report_counts.total + excluded.total",
        )
        .bind(place)
        .bind(month)
        .bind(section)
        .bind(code)
        .bind(officer)
        .bind(n)
        .bind(total)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// A row of `report_counts`: place, month, section, code, officer.
type CountRow = (String, i64, &'static str, String, i64);

/// Counts by row.
type Rows = HashMap<CountRow, (i64, i64)>;

/// Adds an appeal's tally, times `sign`, to the rows of every place it counts in.
fn add_rows(rows: &mut Rows, filed: &Filed, tally: Tally, sign: i64) {
    for (key, (n, total)) in tally {
        for place in places(&key, filed) {
            let row = (place, key.month, key.section, key.code.clone(), key.officer);
            let entry = rows.entry(row).or_insert((0, 0));
            entry.0 += sign * n;
            entry.1 += sign * total;
        }
    }
}

/// Appeals with their steps: those `appeals` (a condition on `appeals`, its values `values`)
/// chooses, and the steps `steps` (a condition on `appeal_events` over the same values) reads
/// of them.
async fn load(
    conn: &mut sqlx::AnyConnection,
    appeals: &str,
    steps: &str,
    values: &[Value],
) -> Result<Vec<(i64, Filed, Vec<Stepped>)>> {
    let rows = crate::db::bind_all(
        sqlx::query(&format!("{FILED} WHERE {appeals} ORDER BY id")),
        values,
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut by_appeal: HashMap<i64, Vec<Stepped>> = HashMap::new();
    for row in crate::db::bind_all(
        sqlx::query(&format!("{STEPS} WHERE {steps} ORDER BY appeal_id, id")),
        values,
    )
    .fetch_all(&mut *conn)
    .await?
    {
        by_appeal
            .entry(row.try_get("appeal_id")?)
            .or_default()
            .push(stepped(&row)?);
    }
    rows.iter()
        .map(|row| {
            let id: i64 = row.try_get("id")?;
            Ok((id, filed(row)?, by_appeal.remove(&id).unwrap_or_default()))
        })
        .collect()
}

/// The tallies of the appeals `ids` (at most a few hundred).
pub(crate) async fn tallies(db: &crate::Db, ids: &[i64]) -> Result<Vec<(i64, Filed, Tally)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
    let mut conn = db.pool.acquire().await?;
    Ok(load(
        &mut conn,
        &format!("id IN ({list})"),
        &format!("appeal_id IN ({list})"),
        &[],
    )
    .await?
    .into_iter()
    .map(|(id, filed, steps)| {
        let tally = tally(&filed, &steps);
        (id, filed, tally)
    })
    .collect())
}

/// Tallies every appeal from its steps and writes the counts afresh, in one transaction; the
/// number of appeals tallied.
pub async fn rebuild(db: &crate::Db) -> Result<i64> {
    let mut tx = db.pool.begin().await?;
    let n = rebuild_in(&mut tx).await?;
    tx.commit().await?;
    Ok(n)
}

async fn rebuild_in(conn: &mut sqlx::AnyConnection) -> Result<i64> {
    // Appeals a range of ids at a time.
    const BATCH: i64 = 5_000;
    sqlx::query("DELETE FROM report_counts")
        .execute(&mut *conn)
        .await?;
    let last: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM appeals")
        .fetch_one(&mut *conn)
        .await?;
    // A district's and a region's rows sum every body's.
    let mut summed = Rows::new();
    let mut appeals = 0_i64;
    let mut after = 0_i64;
    while after < last.unwrap_or(0) {
        let range = [Value::Int(after), Value::Int(after + BATCH)];
        let loaded = load(
            &mut *conn,
            "id > $1 AND id <= $2",
            "appeal_id > $1 AND appeal_id <= $2",
            &range,
        )
        .await?;
        for (_, filed, steps) in loaded {
            add_rows(&mut summed, &filed, tally(&filed, &steps), 1);
            appeals += 1;
        }
        after += BATCH;
    }
    // Many rows to a statement: well under either database's limit of bound values.
    let rows: Vec<_> = summed.into_iter().collect();
    for chunk in rows.chunks(500) {
        let mut sql = String::from(
            "INSERT INTO report_counts (place, month, section, code, officer_id, n, total) VALUES ",
        );
        let mut values = Vec::with_capacity(chunk.len() * 7);
        for (i, ((place, month, section, code, officer), (n, total))) in chunk.iter().enumerate() {
            let p = i * 7;
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!(
                "(${}, ${}, ${}, ${}, ${}, ${}, ${})",
                p + 1,
                p + 2,
                p + 3,
                p + 4,
                p + 5,
                p + 6,
                p + 7
            ));
            values.extend([
                Value::Text(place.clone()),
                Value::Int(*month),
                Value::Text(section.to_string()),
                Value::Text(code.clone()),
                Value::Int(*officer),
                Value::Int(*n),
                Value::Int(*total),
            ]);
        }
        crate::db::bind_all(sqlx::query(&sql), &values)
            .execute(&mut *conn)
            .await?;
    }
    Ok(appeals)
}

/// Builds the counts from the appeals already there, once (the first start after they came
/// in): whoever writes the mark first builds them, in the same transaction.
pub async fn ensure_built(db: &crate::Db, now: i64) -> Result<()> {
    let mut tx = db.pool.begin().await?;
    let marked = sqlx::query(
        "INSERT INTO report_counts_built (id, built_at) VALUES (1, $1) ON CONFLICT (id) DO NOTHING",
    )
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if marked.rows_affected() == 1 {
        let n = rebuild_in(&mut tx).await?;
        if n > 0 {
            tracing::info!(
                appeals = n,
                "the reports' counts were built from the appeals there"
            );
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Counts summed over `places` and the months `[from, to)`: (month, section, code, officer)
/// → (n, total).
pub(crate) async fn read(
    db: &crate::Db,
    places: &[String],
    (from, to): (i64, i64),
) -> Result<Vec<(i64, String, String, i64, i64, i64)>> {
    if places.is_empty() {
        return Ok(Vec::new());
    }
    let mut values = vec![Value::Int(from), Value::Int(to)];
    let list = places
        .iter()
        .enumerate()
        .map(|(i, p)| {
            values.push(Value::Text(p.clone()));
            format!("${}", i + 3)
        })
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT month, section, code, officer_id, CAST(SUM(n) AS BIGINT) AS n, CAST(SUM(total) AS BIGINT) AS total \
         FROM report_counts WHERE place IN ({list}) AND month >= $1 AND month < $2 \
         GROUP BY month, section, code, officer_id"
    );
    crate::db::bind_all(sqlx::query(&sql), &values)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| {
            Ok((
                r.try_get("month")?,
                r.try_get("section")?,
                r.try_get("code")?,
                r.try_get("officer_id")?,
                r.try_get::<Option<i64>, _>("n")?.unwrap_or(0),
                r.try_get::<Option<i64>, _>("total")?.unwrap_or(0),
            ))
        })
        .collect()
}
