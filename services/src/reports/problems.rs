//! Systemic problems (issue 15, point 3; what a figure means is said in
//! `shared::problems`): a quarter's picture of a place — where its appeals came from by topic,
//! the topics that grew against the quarter before, clusters of appeals on one topic from one
//! mahalla — and the problems a working group takes up from it: taken by a head of the place
//! (who leads the group), its members and plan written, closed with what came of it.

use super::{ReportError, grouped, may_lead, scope_name, scope_of};
use crate::db::Value;
use crate::{Error, Result, Services};
use shared::auth::Principal;
use shared::geo::Names;
use shared::problems::{
    CLUSTER_APPEALS, CLUSTER_REPEATED, Cluster, Growth, ProblemProblem, ProblemStatus, Problems,
    SystemicProblem,
};
use shared::report::{Quarter, ReportScope};
use sqlx::Row;
use std::collections::BTreeMap;

#[derive(Debug, thiserror::Error)]
pub enum ProblemError {
    #[error("refused: {0}")]
    Refused(ProblemProblem),
    #[error(transparent)]
    Service(#[from] Error),
}

crate::error::service_error!(ProblemError);

use ProblemError::Refused;

/// The most clusters a picture shows, and appeals named under each.
const CLUSTERS: usize = 20;
const EXAMPLES: i64 = 5;
const LONGEST: usize = 4000;

/// The scope's condition on `appeals a` (values from `$first`), or a refusal.
async fn condition(
    svc: &Services,
    principal: &Principal,
    scope: &ReportScope,
    first: usize,
) -> Result<(String, Vec<Value>, Names), ProblemError> {
    match scope_of(svc, principal, scope, first).await {
        Ok(found) => Ok(found),
        Err(ReportError::Refused(_)) => Err(Refused(ProblemProblem::Scope)),
        Err(ReportError::Service(e)) => Err(e.into()),
    }
}

/// The column of `appeals a` a scope's heat table has as rows, and where their names are.
fn places_of(scope: &ReportScope) -> (&'static str, &'static str) {
    match scope {
        ReportScope::Country => (
            "a.region_soato",
            "SELECT soato AS c, name_uz AS n_uz, name_uz_cyrl AS n_cyrl, name_ru AS n_ru FROM regions",
        ),
        ReportScope::Region(_) | ReportScope::Body(_) => (
            "a.district_soato",
            "SELECT soato AS c, name_uz AS n_uz, name_uz_cyrl AS n_cyrl, name_ru AS n_ru FROM districts",
        ),
        ReportScope::District(_) => (
            "a.mahalla_code",
            "SELECT code AS c, name_uz AS n_uz, name_uz_cyrl AS n_cyrl, name_uz AS n_ru FROM mahallas",
        ),
    }
}

/// The quarter's picture of a place the person may read. A quarter not begun is refused.
pub async fn picture(
    svc: &Services,
    principal: &Principal,
    scope: &ReportScope,
    quarter: Quarter,
) -> Result<Problems, ProblemError> {
    let now = svc.clock.now_ms();
    if quarter > Quarter::of(now) {
        return Err(Refused(ProblemProblem::Future));
    }
    let (start, end) = quarter.bounds();
    let (before, _) = quarter.previous().bounds();
    let (sql, values, name) = condition(svc, principal, scope, 3).await?;
    let pool = &svc.db.pool;

    // The heat table: appeals by place and topic.
    let (place, names_sql) = places_of(scope);
    let heat_sql = format!(
        "SELECT t.p AS p, t.k AS k, COUNT(*) AS n FROM (SELECT {place} AS p, a.topic_code AS k FROM appeals a \
           WHERE a.created_at >= $1 AND a.created_at < $2 AND {sql}) t WHERE t.p IS NOT NULL GROUP BY t.p, t.k"
    );
    let mut bound = vec![Value::Int(start), Value::Int(end)];
    bound.extend(values.iter().cloned());
    let rows = crate::db::bind_all(sqlx::query(&heat_sql), &bound)
        .fetch_all(pool)
        .await
        .map_err(Error::from)?;
    let topics = crate::appeals::choices::topics(svc).await?;
    let mut counts: BTreeMap<String, BTreeMap<String, i64>> = BTreeMap::new();
    for row in &rows {
        let p: String = row.try_get("p").map_err(Error::from)?;
        let k: String = row.try_get("k").map_err(Error::from)?;
        let n: i64 = row.try_get("n").map_err(Error::from)?;
        counts.entry(p).or_default().insert(k, n);
    }
    let place_names: BTreeMap<String, Names> = sqlx::query(names_sql)
        .fetch_all(pool)
        .await
        .map_err(Error::from)?
        .iter()
        .filter(|r| {
            r.try_get::<String, _>("c")
                .map(|c| counts.contains_key(&c))
                .unwrap_or(false)
        })
        .map(|r| Ok((r.try_get("c")?, crate::db::names(r, "n")?)))
        .collect::<Result<_>>()?;
    let mut places: Vec<(String, Names)> = counts
        .keys()
        .map(|code| {
            let name = place_names.get(code).cloned().unwrap_or_else(|| Names {
                uz: code.clone(),
                uz_cyrl: code.clone(),
                ru: code.clone(),
            });
            (code.clone(), name)
        })
        .collect();
    // The places with most appeals first.
    let total = |code: &str| counts.get(code).map(|m| m.values().sum::<i64>()).unwrap_or(0);
    places.sort_by(|a, b| total(&b.0).cmp(&total(&a.0)).then(a.1.uz.cmp(&b.1.uz)));
    let heat: Vec<Vec<i64>> = places
        .iter()
        .map(|(p, _)| {
            topics
                .iter()
                .map(|(t, _)| counts.get(p).and_then(|m| m.get(t)).copied().unwrap_or(0))
                .collect()
        })
        .collect();

    // Growth: each topic this quarter and the one before.
    let scope_sql = shift(&(sql.clone(), values.clone()), 3, 4);
    let figures = grouped(
        svc,
        "a.topic_code",
        "appeals a",
        "a.created_at",
        &scope_sql,
        (before, start, end),
    )
    .await?;
    let mut growth: Vec<Growth> = figures
        .into_iter()
        .map(|f| Growth {
            topic: f.code,
            now: f.now,
            before: f.before,
        })
        .collect();
    growth.sort_by(|a, b| {
        (b.now - b.before)
            .cmp(&(a.now - a.before))
            .then(b.now.cmp(&a.now))
    });

    // Clusters: one topic from one mahalla.
    let cluster_sql = format!(
        "SELECT t.m AS m, t.k AS k, COUNT(*) AS n, CAST(SUM(t.r) AS BIGINT) AS r, CAST(SUM(t.c) AS BIGINT) AS c FROM \
           (SELECT a.mahalla_code AS m, a.topic_code AS k, CASE WHEN a.repeat_of IS NOT NULL THEN 1 ELSE 0 END AS r, \
              CASE WHEN a.collective = 1 THEN 1 ELSE 0 END AS c FROM appeals a \
            WHERE a.created_at >= $1 AND a.created_at < $2 AND a.mahalla_code IS NOT NULL AND {sql}) t \
         GROUP BY t.m, t.k"
    );
    let rows = crate::db::bind_all(sqlx::query(&cluster_sql), &bound)
        .fetch_all(pool)
        .await
        .map_err(Error::from)?;
    let mut found = Vec::new();
    for row in &rows {
        let appeals: i64 = row.try_get("n").map_err(Error::from)?;
        let repeats = row
            .try_get::<Option<i64>, _>("r")
            .map_err(Error::from)?
            .unwrap_or(0);
        let collective = row
            .try_get::<Option<i64>, _>("c")
            .map_err(Error::from)?
            .unwrap_or(0);
        if appeals >= CLUSTER_APPEALS || repeats + collective >= CLUSTER_REPEATED {
            found.push((
                row.try_get::<String, _>("m").map_err(Error::from)?,
                row.try_get::<String, _>("k").map_err(Error::from)?,
                appeals,
                repeats,
                collective,
            ));
        }
    }
    found.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)).then(a.1.cmp(&b.1)));
    found.truncate(CLUSTERS);
    let mut clusters = Vec::with_capacity(found.len());
    for (mahalla, topic, appeals, repeats, collective) in found {
        let (mahalla_name, district_name) = mahalla_names(svc, &mahalla).await?;
        let examples = appeals_of(
            svc,
            &sql,
            &values,
            &topic,
            Some(&mahalla),
            Some((start, end)),
            EXAMPLES,
        )
        .await?;
        clusters.push(Cluster {
            mahalla,
            mahalla_name,
            district_name,
            topic,
            appeals,
            repeats,
            collective,
            examples,
        });
    }

    let taken = taken(svc, principal, scope).await?;
    Ok(Problems {
        scope: scope.clone(),
        name,
        quarter,
        places,
        topics,
        heat,
        growth,
        clusters,
        taken,
        can_take: may_lead(svc, principal, scope).await?,
    })
}

/// A scope condition whose values began at `$from`, renumbered to begin at `$to`.
fn shift(scope: &(String, Vec<Value>), from: usize, to: usize) -> (String, Vec<Value>) {
    let mut sql = scope.0.clone();
    // Highest first, so that `$3` is never read inside `$13`.
    for i in (0..scope.1.len()).rev() {
        sql = sql.replace(&format!("${}", from + i), &format!("${}", to + i));
    }
    (sql, scope.1.clone())
}

/// A mahalla's name and its district's.
async fn mahalla_names(svc: &Services, code: &str) -> Result<(Names, Names)> {
    let row = sqlx::query(
        "SELECT m.name_uz AS m_uz, m.name_uz_cyrl AS m_cyrl, m.name_uz AS m_ru, \
           d.name_uz AS d_uz, d.name_uz_cyrl AS d_cyrl, d.name_ru AS d_ru \
         FROM mahallas m JOIN districts d ON d.soato = m.district_soato WHERE m.code = $1",
    )
    .bind(code)
    .fetch_one(&svc.db.pool)
    .await?;
    Ok((crate::db::names(&row, "m")?, crate::db::names(&row, "d")?))
}

/// Appeals of a scope (its condition with values from `$3`) on a topic, from a mahalla, in a
/// span: id, number, subject, newest first.
async fn appeals_of(
    svc: &Services,
    sql: &str,
    values: &[Value],
    topic: &str,
    mahalla: Option<&str>,
    span: Option<(i64, i64)>,
    limit: i64,
) -> Result<Vec<(i64, String, String)>> {
    let (start, end) = span.unwrap_or((0, i64::MAX));
    let mut bound = vec![Value::Int(start), Value::Int(end)];
    bound.extend(values.iter().cloned());
    let n = bound.len();
    bound.push(Value::Text(topic.to_string()));
    let mut extra = format!("a.topic_code = ${}", n + 1);
    if let Some(m) = mahalla {
        bound.push(Value::Text(m.to_string()));
        extra.push_str(&format!(" AND a.mahalla_code = ${}", n + 2));
    }
    bound.push(Value::Int(limit));
    let limit_at = bound.len();
    let query = format!(
        "SELECT a.id, a.number, a.subject FROM appeals a WHERE a.created_at >= $1 AND a.created_at < $2 AND {sql} \
           AND {extra} ORDER BY a.id DESC LIMIT ${limit_at}"
    );
    let rows = crate::db::bind_all(sqlx::query(&query), &bound)
        .fetch_all(&svc.db.pool)
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("number")?, r.try_get("subject")?)))
        .collect()
}

const PROBLEM: &str = "SELECT p.id, p.scope, p.quarter, p.topic_code, p.mahalla_code, p.title, p.leader_id, p.leader_name, \
    p.members, p.plan, p.status, p.result, p.taken_at, p.closed_at, \
    t.name_uz AS t_uz, t.name_uz_cyrl AS t_cyrl, t.name_ru AS t_ru \
    FROM systemic_problems p JOIN topics t ON t.code = p.topic_code";

/// A problem's row as the page shows it (without its appeals, unless `with_appeals`).
/// `known`: the scope's name and whether the reader leads it, when the caller knows them
/// (a list of one scope's problems); otherwise they are looked up.
async fn problem_of(
    svc: &Services,
    principal: &Principal,
    row: &sqlx::any::AnyRow,
    with_appeals: bool,
    known: Option<&(Names, bool)>,
) -> Result<SystemicProblem> {
    let scope_text: String = row.try_get("scope")?;
    let scope = ReportScope::parse(&scope_text)
        .ok_or_else(|| Error::Corrupt(format!("systemic_problems.scope = {scope_text}")))?;
    let quarter_text: String = row.try_get("quarter")?;
    let quarter = Quarter::parse(&quarter_text)
        .ok_or_else(|| Error::Corrupt(format!("systemic_problems.quarter = {quarter_text}")))?;
    let mahalla: Option<String> = row.try_get("mahalla_code")?;
    let mahalla = match mahalla {
        Some(code) => {
            let (name, _) = mahalla_names(svc, &code).await?;
            Some((code, name))
        }
        None => None,
    };
    let topic: String = row.try_get("topic_code")?;
    let status: String = row.try_get("status")?;
    let leader: i64 = row.try_get("leader_id")?;
    let appeals = if with_appeals {
        match scope_of(svc, principal, &scope, 3).await {
            Ok((sql, values, _)) => {
                appeals_of(
                    svc,
                    &sql,
                    &values,
                    &topic,
                    mahalla.as_ref().map(|m| m.0.as_str()),
                    None,
                    50,
                )
                .await?
            }
            Err(_) => Vec::new(),
        }
    } else {
        Vec::new()
    };
    let (name, leads) = match known {
        Some(known) => known.clone(),
        None => (
            scope_name(svc, &scope).await?,
            may_lead(svc, principal, &scope).await?,
        ),
    };
    Ok(SystemicProblem {
        id: row.try_get("id")?,
        scope_name: name,
        can_edit: leader == principal.user_id || leads,
        scope,
        quarter,
        topic,
        topic_name: crate::db::names(row, "t")?,
        mahalla,
        title: row.try_get("title")?,
        leader_name: row.try_get("leader_name")?,
        members: row.try_get("members")?,
        plan: row.try_get("plan")?,
        status: ProblemStatus::parse(&status)
            .ok_or_else(|| Error::Corrupt(format!("systemic_problems.status = {status}")))?,
        result: row.try_get("result")?,
        taken_at: row.try_get("taken_at")?,
        closed_at: row.try_get("closed_at")?,
        appeals,
    })
}

/// The problems taken up for a scope, open first, newest first.
async fn taken(svc: &Services, principal: &Principal, scope: &ReportScope) -> Result<Vec<SystemicProblem>> {
    let rows = sqlx::query(&format!(
        "{PROBLEM} WHERE p.scope = $1 ORDER BY p.status DESC, p.id DESC"
    ))
    .bind(scope.code())
    .fetch_all(&svc.db.pool)
    .await?;
    let known = (
        scope_name(svc, scope).await?,
        may_lead(svc, principal, scope).await?,
    );
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        out.push(problem_of(svc, principal, row, false, Some(&known)).await?);
    }
    Ok(out)
}

/// A problem with the appeals behind it, for whoever may read its place's reports.
pub async fn problem(
    svc: &Services,
    principal: &Principal,
    id: i64,
) -> Result<SystemicProblem, ProblemError> {
    let row = sqlx::query(&format!("{PROBLEM} WHERE p.id = $1"))
        .bind(id)
        .fetch_optional(&svc.db.pool)
        .await
        .map_err(Error::from)?
        .ok_or(Refused(ProblemProblem::NotFound))?;
    let problem = problem_of(svc, principal, &row, true, None).await?;
    if condition(svc, principal, &problem.scope, 1).await.is_err() {
        return Err(Refused(ProblemProblem::NotFound));
    }
    Ok(problem)
}

/// What a head types to take up a problem.
pub struct Take<'a> {
    pub scope: &'a ReportScope,
    pub quarter: Quarter,
    pub topic: &'a str,
    /// A cluster's mahalla, when it came from one.
    pub mahalla: Option<&'a str>,
    pub title: &'a str,
}

/// Takes up a problem: the person becomes the leader of its working group.
pub async fn take(svc: &Services, principal: &Principal, new: &Take<'_>) -> Result<i64, ProblemError> {
    if !may_lead(svc, principal, new.scope).await? {
        return Err(Refused(ProblemProblem::Scope));
    }
    if new.quarter > Quarter::of(svc.clock.now_ms()) {
        return Err(Refused(ProblemProblem::Future));
    }
    let topics = crate::appeals::choices::topics(svc).await?;
    if !topics.iter().any(|(code, _)| code == new.topic) {
        return Err(Refused(ProblemProblem::Topic));
    }
    if let Some(code) = new.mahalla {
        let known: Option<String> = sqlx::query_scalar("SELECT code FROM mahallas WHERE code = $1")
            .bind(code)
            .fetch_optional(&svc.db.pool)
            .await
            .map_err(Error::from)?;
        if known.is_none() {
            return Err(Refused(ProblemProblem::Mahalla));
        }
    }
    let title = new.title.trim();
    if title.is_empty() || title.chars().count() > 300 {
        return Err(Refused(ProblemProblem::Title));
    }
    let leader_name: Option<String> = sqlx::query_scalar("SELECT full_name FROM users WHERE id = $1")
        .bind(principal.user_id)
        .fetch_one(&svc.db.pool)
        .await
        .map_err(Error::from)?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO systemic_problems (scope, quarter, topic_code, mahalla_code, title, leader_id, leader_name, taken_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(new.scope.code())
    .bind(new.quarter.to_string())
    .bind(new.topic)
    .bind(new.mahalla)
    .bind(title)
    .bind(principal.user_id)
    .bind(leader_name.unwrap_or_default())
    .bind(svc.clock.now_ms())
    .fetch_one(&svc.db.pool)
    .await
    .map_err(Error::from)?;
    tracing::info!(problem = id, scope = %new.scope.code(), "systemic problem taken up");
    Ok(id)
}

/// Whether the person may change a problem: its leader, or whoever may lead its place's work.
async fn editable(svc: &Services, principal: &Principal, id: i64) -> Result<(), ProblemError> {
    let row = sqlx::query("SELECT scope, leader_id, status FROM systemic_problems WHERE id = $1")
        .bind(id)
        .fetch_optional(&svc.db.pool)
        .await
        .map_err(Error::from)?
        .ok_or(Refused(ProblemProblem::NotFound))?;
    let leader: i64 = row.try_get("leader_id").map_err(Error::from)?;
    let scope = ReportScope::parse(&row.try_get::<String, _>("scope").map_err(Error::from)?);
    let allowed = leader == principal.user_id
        || match &scope {
            Some(scope) => may_lead(svc, principal, scope).await?,
            None => false,
        };
    if !allowed {
        return Err(Refused(ProblemProblem::NotFound));
    }
    if row.try_get::<String, _>("status").map_err(Error::from)? == "closed" {
        return Err(Refused(ProblemProblem::Closed));
    }
    Ok(())
}

/// Writes (or rewrites) the working group's members and plan.
pub async fn plan(
    svc: &Services,
    principal: &Principal,
    id: i64,
    members: &str,
    plan: &str,
) -> Result<(), ProblemError> {
    editable(svc, principal, id).await?;
    let plan = plan.trim();
    if plan.is_empty() || plan.chars().count() > LONGEST || members.chars().count() > LONGEST {
        return Err(Refused(ProblemProblem::Plan));
    }
    sqlx::query("UPDATE systemic_problems SET members = $1, plan = $2, plan_at = $3 WHERE id = $4 AND status = 'open'")
        .bind(members.trim())
        .bind(plan)
        .bind(svc.clock.now_ms())
        .bind(id)
        .execute(&svc.db.pool)
        .await
        .map_err(Error::from)?;
    Ok(())
}

/// Closes a problem with what came of it; it needs a plan first.
pub async fn close(svc: &Services, principal: &Principal, id: i64, result: &str) -> Result<(), ProblemError> {
    editable(svc, principal, id).await?;
    let result = result.trim();
    if result.is_empty() || result.chars().count() > LONGEST {
        return Err(Refused(ProblemProblem::Result));
    }
    let closed = sqlx::query(
        "UPDATE systemic_problems SET status = 'closed', result = $1, closed_at = $2 \
         WHERE id = $3 AND status = 'open' AND plan IS NOT NULL",
    )
    .bind(result)
    .bind(svc.clock.now_ms())
    .bind(id)
    .execute(&svc.db.pool)
    .await
    .map_err(Error::from)?;
    if closed.rows_affected() == 0 {
        return Err(Refused(ProblemProblem::NoPlan));
    }
    Ok(())
}
