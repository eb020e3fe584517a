//! Files attached to appeals and answers: photos go through the meter-photo pipeline (sniffed,
//! pixel-checked, decoded, re-encoded without metadata); PDFs are recognised by their header
//! and end marker and kept as sent. Served only to the resident and to the body's officers.

use crate::{
    Error, Result, Services,
    storage::photos::{self, PhotoError},
};
use shared::appeal::Attachment;
use shared::appeal::Problem;
use shared::auth::Principal;
use sqlx::Row;

/// At most this many files per appeal or answer.
pub const MAX_FILES: usize = 5;
/// The largest PDF accepted (photos have the photo pipeline's limits).
pub const PDF_MAX: usize = 10 * 1024 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AttachError {
    #[error("more than five files")]
    TooMany,
    #[error("a PDF larger than the limit")]
    PdfTooLarge,
    #[error("a PDF without its end marker")]
    PdfDamaged,
    #[error("neither a photo nor a PDF")]
    NotAllowed,
    #[error(transparent)]
    Photo(PhotoError),
}

impl AttachError {
    pub fn problem(self) -> Problem {
        match self {
            AttachError::TooMany => Problem::FilesTooMany,
            AttachError::PdfTooLarge | AttachError::Photo(PhotoError::TooLarge) => Problem::FileTooLarge,
            AttachError::PdfDamaged => Problem::PdfDamaged,
            AttachError::NotAllowed | AttachError::Photo(PhotoError::NotAPhoto) => Problem::FileType,
            AttachError::Photo(PhotoError::Heic) => Problem::PhotoHeic,
            AttachError::Photo(PhotoError::TooManyPixels) => Problem::PhotoTooManyPixels,
            AttachError::Photo(PhotoError::Damaged) => Problem::PhotoDamaged,
        }
    }
}

/// A file that passed the checks, ready to keep.
#[derive(Debug)]
pub struct Checked {
    pub name: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
    pub thumb: Option<Vec<u8>>,
    pub size: Option<(u32, u32)>,
}

/// The file's own name without any path, printable and short; photos are JPEG once
/// re-encoded, so they are named so.
fn clean_name(name: &str, extension: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let stem = base.rsplit_once('.').map(|(s, _)| s).unwrap_or(base);
    let stem: String = stem
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>'))
        .take(80)
        .collect();
    let stem = if stem.trim().is_empty() {
        "file".to_string()
    } else {
        stem.trim().to_string()
    };
    format!("{stem}.{extension}")
}

/// Checks one file by its content (never by its name or declared type).
pub fn check(name: &str, bytes: &[u8]) -> Result<Checked, AttachError> {
    if bytes.starts_with(b"%PDF-") {
        if bytes.len() > PDF_MAX {
            return Err(AttachError::PdfTooLarge);
        }
        let tail = &bytes[bytes.len().saturating_sub(1024)..];
        if !tail.windows(5).any(|w| w == b"%%EOF") {
            return Err(AttachError::PdfDamaged);
        }
        return Ok(Checked {
            name: clean_name(name, "pdf"),
            content_type: "application/pdf",
            bytes: bytes.to_vec(),
            thumb: None,
            size: None,
        });
    }
    let photo = photos::process(bytes).map_err(|e| match e {
        PhotoError::NotAPhoto => AttachError::NotAllowed,
        other => AttachError::Photo(other),
    })?;
    Ok(Checked {
        name: clean_name(name, "jpg"),
        content_type: "image/jpeg",
        size: Some((photo.width, photo.height)),
        bytes: photo.jpeg,
        thumb: Some(photo.thumb),
    })
}

/// [`check_all`] off the async runtime, within the process's photo workers.
pub async fn check_all_off_runtime(
    files: Vec<(String, Vec<u8>)>,
) -> Result<Result<Vec<Checked>, AttachError>> {
    crate::storage::photos::off_runtime(move || check_all(&files)).await
}

/// Checks every file of a form (none is kept unless all pass). CPU-bound.
pub fn check_all(files: &[(String, Vec<u8>)]) -> Result<Vec<Checked>, AttachError> {
    if files.len() > MAX_FILES {
        return Err(AttachError::TooMany);
    }
    files.iter().map(|(name, bytes)| check(name, bytes)).collect()
}

/// Puts the checked files in the store (before the transaction that links them: the store is
/// content-addressed, so a file kept by a transaction that then fails is harmless).
pub async fn store(svc: &Services, files: &[Checked]) -> Result<Vec<i64>> {
    let mut ids = Vec::with_capacity(files.len());
    for f in files {
        ids.push(
            crate::storage::files::keep(svc, &f.bytes, f.content_type, f.size, f.thumb.as_deref()).await?,
        );
    }
    Ok(ids)
}

/// Links stored files to an appeal (and to an answer's event), inside its transaction.
pub(crate) async fn link(
    conn: &mut sqlx::AnyConnection,
    appeal: i64,
    event: Option<i64>,
    files: &[Checked],
    ids: &[i64],
    now: i64,
) -> Result<()> {
    for (f, id) in files.iter().zip(ids) {
        sqlx::query(
            "INSERT INTO appeal_files (appeal_id, event_id, file_id, name, at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(appeal)
        .bind(event)
        .bind(id)
        .bind(&f.name)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// An appeal's files, each with the event it belongs to (none: filed with the appeal).
pub async fn list(svc: &Services, appeal: i64) -> Result<Vec<(Option<i64>, Attachment)>> {
    sqlx::query(
        "SELECT a.id, a.event_id, a.name, f.content_type, f.bytes FROM appeal_files a \
         JOIN stored_files f ON f.id = a.file_id WHERE a.appeal_id = $1 ORDER BY a.id",
    )
    .bind(appeal)
    .fetch_all(&svc.db.pool)
    .await?
    .iter()
    .map(|r| {
        Ok((
            r.try_get("event_id")?,
            Attachment {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                content_type: r.try_get("content_type")?,
                bytes: r.try_get("bytes")?,
            },
        ))
    })
    .collect()
}

/// One file of an appeal, for its resident or an officer who handles its body; "not found"
/// for anyone else. Returns the type, the name and the bytes.
pub async fn get(
    svc: &Services,
    principal: &Principal,
    appeal: i64,
    attachment: i64,
) -> Result<(String, String, Vec<u8>)> {
    let row = sqlx::query(
        "SELECT ap.user_id, ap.body_id, a.name, f.sha256, f.content_type FROM appeal_files a \
         JOIN appeals ap ON ap.id = a.appeal_id JOIN stored_files f ON f.id = a.file_id \
         WHERE a.id = $1 AND a.appeal_id = $2",
    )
    .bind(attachment)
    .bind(appeal)
    .fetch_optional(&svc.db.pool)
    .await?
    .ok_or(Error::NotFound)?;
    if row.try_get::<i64, _>("user_id")? != principal.user_id
        && !super::handles(svc, principal, row.try_get("body_id")?).await?
    {
        return Err(Error::NotFound);
    }
    let bytes = svc
        .files
        .get(&row.try_get::<String, _>("sha256")?)
        .await?
        .ok_or(Error::NotFound)?;
    Ok((row.try_get("content_type")?, row.try_get("name")?, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_paths_and_take_the_real_type() {
        assert_eq!(clean_name("C:\\Users\\a\\scan.PNG", "jpg"), "scan.jpg");
        assert_eq!(clean_name("../../etc/passwd", "pdf"), "passwd.pdf");
        assert_eq!(clean_name("", "pdf"), "file.pdf");
    }

    #[test]
    fn pdfs_are_known_by_content() {
        let pdf = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n".to_vec();
        assert_eq!(check("a.pdf", &pdf).unwrap().content_type, "application/pdf");
        assert_eq!(check("a.pdf", &pdf[..20]).unwrap_err(), AttachError::PdfDamaged);
        assert_eq!(check("photo.jpg", b"hello").unwrap_err(), AttachError::NotAllowed);
        assert_eq!(
            check_all(&vec![("a".into(), pdf); 6]).unwrap_err(),
            AttachError::TooMany
        );
    }
}
