//! The database: SQLite (the embedded default) or PostgreSQL, reached through sqlx's Any
//! driver so that one SQL text serves both. Placeholders are `$1…$N`, times are integer
//! Unix milliseconds, money is integer tiyin, flags are SMALLINT.

use crate::Result;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, ConnectOptions, Executor};
use std::str::FromStr;
use std::time::Duration;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/postgres");

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend a URL names, or `None` for a scheme this app does not speak.
    pub fn of_url(url: &str) -> Option<Backend> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }
}

/// A connection pool and the backend it talks to.
#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
    /// The URL it was opened with (PostgreSQL's LISTEN needs a connection of its own).
    pub url: String,
}

/// Why the database could not be opened, worded for the operator who has to fix it.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error(
        "database URL {0:?} is not supported: use sqlite://path/to/file.db or postgres://user:password@host/db"
    )]
    UnsupportedUrl(String),
    #[error("cannot create the directory {path} for the SQLite database: {source}")]
    Directory { path: String, source: std::io::Error },
    #[error("cannot open the database at {url}: {source}")]
    Connect { url: String, source: sqlx::Error },
    #[error("cannot migrate the database at {url}: {source}")]
    Migrate {
        url: String,
        source: sqlx::migrate::MigrateError,
    },
}

impl Db {
    /// A transaction that will write after reading: on SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`, waiting under the busy timeout), since a transaction that read first
    /// cannot take it after another write (SQLITE_BUSY_SNAPSHOT); on PostgreSQL a plain BEGIN.
    pub async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    /// Connects, applies the pragmas SQLite needs, and runs the migrations of the backend.
    pub async fn open(url: &str, max_connections: u32) -> Result<Db, OpenError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::of_url(url).ok_or_else(|| OpenError::UnsupportedUrl(url.into()))?;
        let shown = redact(url);
        if backend == Backend::Sqlite {
            ensure_sqlite_parent_dir(url)?;
        }
        let options = AnyConnectOptions::from_str(url)
            .map_err(|source| OpenError::Connect {
                url: shown.clone(),
                source,
            })?
            .disable_statement_logging();
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(5))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers run beside the writer; the busy timeout makes a
                        // second writer wait instead of failing at once.
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                             PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .map_err(|source| OpenError::Connect {
                url: shown.clone(),
                source,
            })?;
        let migrator = match backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator
            .run(&pool)
            .await
            .map_err(|source| OpenError::Migrate { url: shown, source })?;
        Ok(Db {
            pool,
            backend,
            url: url.to_string(),
        })
    }

    /// One round trip to the database: the readiness check.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }
}

/// A value for [`insert_batch`].
#[derive(Debug, Clone)]
pub enum Value {
    Int(i64),
    Text(String),
    Null,
}

impl From<i64> for Value {
    fn from(v: i64) -> Value {
        Value::Int(v)
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Value {
        Value::Text(v.to_string())
    }
}

impl From<String> for Value {
    fn from(v: String) -> Value {
        Value::Text(v)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Null, Into::into)
    }
}

/// Rows inserted per statement: well under SQLite's and PostgreSQL's parameter limits.
const BATCH_PARAMS: usize = 4000;

/// Inserts many rows with few statements: `head` is `INSERT INTO t (a, b) VALUES `, `tail`
/// an optional `ON CONFLICT …`. Every row must have the same number of values.
pub async fn insert_batch(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    head: &str,
    tail: &str,
    rows: &[Vec<Value>],
) -> Result<()> {
    let Some(width) = rows.first().map(Vec::len) else {
        return Ok(());
    };
    for chunk in rows.chunks((BATCH_PARAMS / width).max(1)) {
        let mut sql = String::with_capacity(head.len() + tail.len() + chunk.len() * width * 6);
        sql.push_str(head);
        for r in 0..chunk.len() {
            sql.push_str(if r > 0 { ",(" } else { "(" });
            for c in 0..width {
                if c > 0 {
                    sql.push(',');
                }
                sql.push_str(&format!("${}", r * width + c + 1));
            }
            sql.push(')');
        }
        sql.push_str(tail);
        let values: Vec<&Value> = chunk.iter().flatten().collect();
        bind_all(sqlx::query(&sql), values).execute(&mut **tx).await?;
    }
    Ok(())
}

/// Binds values to a query's placeholders, in order.
pub fn bind_all<'q, 'v>(
    mut query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    values: impl IntoIterator<Item = &'v Value>,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    for value in values {
        query = match value {
            Value::Int(v) => query.bind(*v),
            Value::Text(v) => query.bind(v.clone()),
            Value::Null => query.bind(None::<String>),
        };
    }
    query
}

/// The URL with any password replaced, fit for logs and error lines.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

fn ensure_sqlite_parent_dir(url: &str) -> Result<(), OpenError> {
    let path = url
        .trim_start_matches("sqlite:")
        .trim_start_matches("//")
        .split('?')
        .next()
        .unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Ok(());
    }
    if let Some(parent) = std::path::Path::new(path)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent).map_err(|source| OpenError::Directory {
            path: parent.display().to_string(),
            source,
        })?;
    }
    Ok(())
}

/// A name in three languages from columns `<prefix>_uz`, `<prefix>_cyrl` and `<prefix>_ru`
/// (queries alias them so).
pub fn names(row: &sqlx::any::AnyRow, prefix: &str) -> Result<shared::geo::Names> {
    use sqlx::Row;
    Ok(shared::geo::Names {
        uz: row.try_get(format!("{prefix}_uz").as_str())?,
        uz_cyrl: row.try_get(format!("{prefix}_cyrl").as_str())?,
        ru: row.try_get(format!("{prefix}_ru").as_str())?,
    })
}

/// Whether an error is a unique constraint refusing a second row (on either backend).
pub fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.is_unique_violation())
}

/// A vocabulary column read as its word; a code no version of ours wrote is an error that
/// names the column, never a silent default.
pub fn word<W: shared::vocabulary::Word>(row: &sqlx::any::AnyRow, column: &str) -> crate::Result<W> {
    let code: String = sqlx::Row::try_get(row, column)?;
    W::parse(&code).ok_or_else(|| crate::Error::Corrupt(format!("{column} = {code:?}")))
}

/// [`word`] for a column that may be NULL.
pub fn optional_word<W: shared::vocabulary::Word>(
    row: &sqlx::any::AnyRow,
    column: &str,
) -> crate::Result<Option<W>> {
    match sqlx::Row::try_get::<Option<String>, _>(row, column)? {
        None => Ok(None),
        Some(code) => W::parse(&code)
            .map(Some)
            .ok_or_else(|| crate::Error::Corrupt(format!("{column} = {code:?}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_the_log() {
        assert_eq!(
            redact("postgres://fuqaro:s3cret@db.local:5432/fuqaro"),
            "postgres://fuqaro:***@db.local:5432/fuqaro"
        );
        assert_eq!(
            redact("postgres://fuqaro@localhost/x"),
            "postgres://fuqaro@localhost/x"
        );
        assert_eq!(redact("sqlite://data/fuqaro.db"), "sqlite://data/fuqaro.db");
    }

    #[test]
    fn backends_are_told_by_scheme() {
        assert_eq!(
            Backend::of_url("sqlite://data/x.db?mode=rwc"),
            Some(Backend::Sqlite)
        );
        assert_eq!(Backend::of_url("postgresql://h/db"), Some(Backend::Postgres));
        assert_eq!(Backend::of_url("mysql://h/db"), None);
    }
}
