//! The file store for photos and attachments: content-addressed (a file's name is the
//! SHA-256 of its bytes), outside the site root, in a local directory by default or in an
//! S3-compatible bucket by configuration. Files are never served from the store directly:
//! every read goes through a route that checks who may see it.

use crate::{Error, Result};
use sha2::{Digest, Sha256};
use std::path::PathBuf;

#[derive(Clone, Debug)]
pub enum FileStore {
    /// Files under a directory, in two levels of folders by the first hex digits.
    Local { root: PathBuf },
    /// An S3-compatible bucket (AWS, MinIO, Yandex Object Storage…), signed with SigV4.
    S3(crate::storage::s3::Bucket),
}

/// The hex SHA-256 of some bytes: their name in the store.
pub fn address(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn valid_address(key: &str) -> bool {
    key.len() == 64
        && key
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

impl FileStore {
    /// Stores the bytes and returns their address. Storing the same bytes twice is one file.
    pub async fn put(&self, bytes: &[u8]) -> Result<String> {
        let key = address(bytes);
        match self {
            FileStore::Local { root } => {
                let path = local_path(root, &key);
                if tokio::fs::try_exists(&path).await.unwrap_or(false) {
                    return Ok(key);
                }
                let dir = path.parent().expect("a stored file has a folder");
                tokio::fs::create_dir_all(dir).await.map_err(io)?;
                // Written under a temporary name and renamed, so a reader never sees half a
                // file and a crash leaves no file under the real name.
                let temp = dir.join(format!(".{key}.{}", crate::secret::token()));
                tokio::fs::write(&temp, bytes).await.map_err(io)?;
                tokio::fs::rename(&temp, &path).await.map_err(io)?;
            }
            FileStore::S3(bucket) => bucket.put(&key, bytes).await?,
        }
        Ok(key)
    }

    /// The bytes stored under an address, if any.
    pub async fn get(&self, key: &str) -> Result<Option<Vec<u8>>> {
        if !valid_address(key) {
            return Ok(None);
        }
        match self {
            FileStore::Local { root } => match tokio::fs::read(local_path(root, key)).await {
                Ok(bytes) => Ok(Some(bytes)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(io(e)),
            },
            FileStore::S3(bucket) => bucket.get(key).await,
        }
    }
}

fn local_path(root: &std::path::Path, key: &str) -> PathBuf {
    root.join(&key[..2]).join(&key[2..4]).join(key)
}

fn io(e: std::io::Error) -> Error {
    Error::Storage(e.to_string())
}

/// Puts a checked file in the store and records it (once per content: a second copy of the
/// same bytes gets the first one's id). Returns the record's id.
pub async fn keep(
    svc: &crate::Services,
    bytes: &[u8],
    content_type: &str,
    size: Option<(u32, u32)>,
    thumb: Option<&[u8]>,
) -> Result<i64> {
    let sha = svc.files.put(bytes).await?;
    let thumb = match thumb {
        Some(t) => Some(svc.files.put(t).await?),
        None => None,
    };
    sqlx::query(
        "INSERT INTO stored_files (sha256, content_type, bytes, width, height, thumb_sha256, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (sha256) DO NOTHING",
    )
    .bind(&sha)
    .bind(content_type)
    .bind(bytes.len() as i64)
    .bind(size.map(|(w, _)| i64::from(w)))
    .bind(size.map(|(_, h)| i64::from(h)))
    .bind(thumb)
    .bind(svc.clock.now_ms())
    .execute(&svc.db.pool)
    .await?;
    Ok(
        sqlx::query_scalar("SELECT id FROM stored_files WHERE sha256 = $1")
            .bind(&sha)
            .fetch_one(&svc.db.pool)
            .await?,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn local_files_are_content_addressed_and_stored_once() {
        let root = std::env::temp_dir().join(format!("fuqaro-files-{}", crate::secret::token()));
        let store = FileStore::Local { root: root.clone() };
        let key = store.put(b"meter photo").await.unwrap();
        assert_eq!(key, address(b"meter photo"));
        assert_eq!(store.put(b"meter photo").await.unwrap(), key);
        assert_eq!(store.get(&key).await.unwrap().unwrap(), b"meter photo");
        assert_eq!(store.get(&address(b"other")).await.unwrap(), None);
        assert_eq!(store.get("../../etc/passwd").await.unwrap(), None);
        let files: Vec<_> = walk(&root);
        assert_eq!(files.len(), 1, "no temporary files left: {files:?}");
        std::fs::remove_dir_all(root).unwrap();
    }

    fn walk(dir: &std::path::Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                out.extend(walk(&path));
            } else {
                out.push(path);
            }
        }
        out
    }
}
