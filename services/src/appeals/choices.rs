//! What the filing form offers: the bodies in tree order with their topics, the topics and the
//! districts.

use crate::{Result, Services};
use sqlx::Row;

/// The bodies (in tree order) and topics the filing form offers.
pub async fn choices(svc: &Services) -> Result<shared::appeal::AppealChoices> {
    let bodies = bodies_tree(svc).await?;
    let topics = topics(svc).await?;
    let regions = coded_names(
        svc,
        "SELECT soato AS code, name_uz AS n_uz, name_uz_cyrl AS n_cyrl, name_ru AS n_ru FROM regions ORDER BY soato",
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
        regions,
        districts,
        earlier: Vec::new(),
        usual: None,
        applicant: None,
    })
}

/// Every topic with its names, by code (what a form or a report that needs only topics reads).
pub async fn topics(svc: &Services) -> Result<Vec<(String, shared::geo::Names)>> {
    coded_names(
        svc,
        "SELECT code, name_uz AS n_uz, name_uz_cyrl AS n_cyrl, name_ru AS n_ru FROM topics ORDER BY code",
    )
    .await
}

/// Where a resident's next appeal is most likely from: the place of their last appeal, else
/// the district and mahalla of their first linked account.
pub async fn usual_place(svc: &Services, user_id: i64) -> Result<Option<(String, Option<String>)>> {
    let last = sqlx::query(
        "SELECT district_soato, mahalla_code FROM appeals WHERE user_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(user_id)
    .fetch_optional(&svc.db.pool)
    .await?;
    let row = match last {
        Some(row) => Some(row),
        None => {
            sqlx::query(
                "SELECT a.district_soato, a.mahalla_code FROM account_links l JOIN utility_accounts a ON a.id = l.account_id \
                 WHERE l.user_id = $1 ORDER BY l.account_id LIMIT 1",
            )
            .bind(user_id)
            .fetch_optional(&svc.db.pool)
            .await?
        }
    };
    row.map(|r| Ok((r.try_get("district_soato")?, r.try_get("mahalla_code")?)))
        .transpose()
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
            kind: crate::db::word(r, "kind")?,
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
