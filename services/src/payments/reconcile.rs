//! Reconciliation: our Payme transactions for a period against Payme's statement of the same
//! period, listing every difference. Each run is stored, so an audit can see what was
//! compared and when.

use crate::{Error, Result, Services, payments::payme};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

pub use shared::payment::Mismatch;

/// A stored run and what it found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Run {
    pub id: i64,
    pub provider: String,
    pub from: i64,
    pub to: i64,
    pub created_at: i64,
    pub ours: usize,
    pub theirs: usize,
    pub mismatches: Vec<Mismatch>,
}

#[derive(Debug, thiserror::Error)]
pub enum ReconcileError {
    #[error("the statement is not Payme GetStatement JSON: {0}")]
    BadStatement(String),
    #[error(transparent)]
    Service(#[from] Error),
}

crate::error::service_error!(ReconcileError);

/// Reads a statement: either `{"transactions": [...]}` (GetStatement's result) or a bare list.
fn entries(statement: &str) -> Result<Vec<Value>, ReconcileError> {
    let value: Value =
        serde_json::from_str(statement).map_err(|e| ReconcileError::BadStatement(e.to_string()))?;
    let list = value.get("result").unwrap_or(&value);
    let list = list.get("transactions").unwrap_or(list);
    let list = list
        .as_array()
        .ok_or_else(|| ReconcileError::BadStatement("no list of transactions".into()))?;
    for entry in list {
        if entry.get("id").and_then(Value::as_str).is_none() {
            return Err(ReconcileError::BadStatement("a transaction without an id".into()));
        }
    }
    Ok(list.clone())
}

/// Compares two statements, by provider transaction id.
pub fn compare(ours: &[Value], theirs: &[Value]) -> Vec<Mismatch> {
    let index = |list: &[Value]| -> BTreeMap<String, Value> {
        list.iter()
            .filter_map(|e| Some((e.get("id")?.as_str()?.to_string(), e.clone())))
            .collect()
    };
    let (ours, theirs) = (index(ours), index(theirs));
    let num = |e: &Value, f: &str| e.get(f).and_then(Value::as_i64).unwrap_or(0);
    let mut found = Vec::new();
    for (id, their) in &theirs {
        match ours.get(id) {
            None => found.push(Mismatch::MissingHere {
                id: id.clone(),
                amount: num(their, "amount"),
                state: num(their, "state"),
            }),
            Some(our) => {
                for field in ["amount", "state", "perform_time", "cancel_time"] {
                    if num(our, field) != num(their, field) {
                        found.push(Mismatch::Differs {
                            id: id.clone(),
                            field: field.into(),
                            ours: num(our, field).to_string(),
                            theirs: num(their, field).to_string(),
                        });
                    }
                }
            }
        }
    }
    for (id, our) in &ours {
        if !theirs.contains_key(id) {
            found.push(Mismatch::MissingThere {
                id: id.clone(),
                amount: num(our, "amount"),
                state: num(our, "state"),
            });
        }
    }
    found
}

/// Stores a run for `from..=to` against Payme's `statement` and returns its id.
pub async fn run_payme(
    svc: &Services,
    from: i64,
    to: i64,
    statement: &str,
    by: Option<i64>,
) -> Result<i64, ReconcileError> {
    entries(statement)?;
    Ok(sqlx::query_scalar(
        "INSERT INTO reconciliation_runs (provider, period_from, period_to, statement, created_at, created_by) \
         VALUES ('payme', $1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(from)
    .bind(to)
    .bind(statement)
    .bind(svc.clock.now_ms())
    .bind(by)
    .fetch_one(&svc.db.pool)
    .await?)
}

/// A stored run, compared afresh with our records as they are now.
pub async fn load(svc: &Services, id: i64) -> Result<Run, ReconcileError> {
    let row: Option<(String, i64, i64, String, i64)> = sqlx::query_as(
        "SELECT provider, period_from, period_to, statement, created_at FROM reconciliation_runs WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&svc.db.pool)
    .await?;
    let (provider, from, to, statement, created_at) = row.ok_or(Error::NotFound)?;
    let theirs = entries(&statement)?;
    let ours = payme::statement_entries(svc, from, to).await?;
    Ok(Run {
        id,
        provider,
        from,
        to,
        created_at,
        ours: ours.len(),
        theirs: theirs.len(),
        mismatches: compare(&ours, &theirs),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_kind_of_difference_is_listed() {
        let ours = vec![
            json!({"id": "a", "amount": 100, "state": 2, "perform_time": 5, "cancel_time": 0}),
            json!({"id": "b", "amount": 100, "state": 2, "perform_time": 5, "cancel_time": 0}),
            json!({"id": "c", "amount": 100, "state": 1, "perform_time": 0, "cancel_time": 0}),
        ];
        let theirs = vec![
            json!({"id": "a", "amount": 100, "state": 2, "perform_time": 5, "cancel_time": 0}),
            json!({"id": "b", "amount": 100, "state": -2, "perform_time": 5, "cancel_time": 9}),
            json!({"id": "d", "amount": 300, "state": 2, "perform_time": 7, "cancel_time": 0}),
        ];
        let found = compare(&ours, &theirs);
        assert_eq!(found.len(), 4, "{found:?}");
        assert!(found.contains(&Mismatch::MissingHere {
            id: "d".into(),
            amount: 300,
            state: 2
        }));
        assert!(found.contains(&Mismatch::MissingThere {
            id: "c".into(),
            amount: 100,
            state: 1
        }));
        assert!(
            found
                .iter()
                .any(|m| matches!(m, Mismatch::Differs { id, field, .. } if id == "b" && field == "state"))
        );
        assert!(compare(&ours, &ours).is_empty());
    }

    #[test]
    fn statements_are_read_in_either_shape() {
        assert_eq!(
            entries(r#"{"result": {"transactions": [{"id": "x"}]}}"#)
                .unwrap()
                .len(),
            1
        );
        assert_eq!(entries(r#"[{"id": "x"}, {"id": "y"}]"#).unwrap().len(), 2);
        assert!(entries("not json").is_err());
        assert!(entries(r#"[{"amount": 1}]"#).is_err());
    }
}
