//! Multipart forms (those that carry files), read into memory with limits: every field is
//! cut off as soon as it passes its limit, so an oversized upload costs no more than the limit.

use axum::extract::multipart::{Field, Multipart};
use axum::http::{HeaderMap, StatusCode, header};
use std::collections::HashMap;
use tower::layer::util::Stack;
use tower::limit::ConcurrencyLimitLayer;

/// Why reading a form stopped.
#[derive(Debug, PartialEq, Eq)]
pub enum ReadError {
    TooLarge,
    Malformed,
}

/// A file field: its name in the form, the name the browser gave the file, the bytes.
pub struct FormFile {
    pub field: String,
    pub name: String,
    pub bytes: Vec<u8>,
}

/// The fields and files of a multipart form.
#[derive(Default)]
pub struct FormData {
    pub fields: HashMap<String, String>,
    pub files: Vec<FormFile>,
}

impl FormData {
    /// A text field, or "" when absent.
    pub fn get(&self, name: &str) -> &str {
        self.fields.get(name).map(String::as_str).unwrap_or_default()
    }

    /// The non-empty files of one field, in order (an empty file input sends an empty part).
    pub fn files_of(&self, field: &str) -> Vec<(String, Vec<u8>)> {
        self.files
            .iter()
            .filter(|f| f.field == field && !f.bytes.is_empty())
            .map(|f| (f.name.clone(), f.bytes.clone()))
            .collect()
    }
}

/// How much a form may carry.
pub struct Limits {
    /// Each text field.
    pub text: usize,
    /// Each file.
    pub file: usize,
    /// Files, counting only non-empty ones; more is "too large".
    pub files: usize,
    /// The fields that carry files (a part with a file name is a file whatever its field).
    pub file_fields: &'static [&'static str],
}

/// Whether the declared length is past `limit` (refused before a byte is read).
pub fn declared_too_large(headers: &HeaderMap, limit: usize) -> bool {
    headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        .is_some_and(|len| len > limit)
}

/// Reads one field into memory, stopping as soon as it passes `limit` bytes.
async fn read_limited(field: &mut Field<'_>, limit: usize) -> Result<Vec<u8>, ReadError> {
    let mut bytes = Vec::new();
    loop {
        match field.chunk().await {
            Ok(Some(chunk)) => {
                if bytes.len() + chunk.len() > limit {
                    return Err(ReadError::TooLarge);
                }
                bytes.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(bytes),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(ReadError::TooLarge),
            Err(_) => return Err(ReadError::Malformed),
        }
    }
}

/// Reads a whole form: files and text fields, each within its limit.
pub async fn read(multipart: &mut Multipart, limits: &Limits) -> Result<FormData, ReadError> {
    let mut form = FormData::default();
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => return Ok(form),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(ReadError::TooLarge),
            Err(_) => return Err(ReadError::Malformed),
        };
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field.file_name().map(str::to_string);
        if file_name.is_some() || limits.file_fields.contains(&name.as_str()) {
            let file_name = file_name.unwrap_or_default();
            let bytes = read_limited(&mut field, limits.file).await?;
            if !bytes.is_empty() {
                if form.files.iter().filter(|f| !f.bytes.is_empty()).count() >= limits.files {
                    return Err(ReadError::TooLarge);
                }
                form.files.push(FormFile {
                    field: name,
                    name: file_name,
                    bytes,
                });
            }
            continue;
        }
        let bytes = read_limited(&mut field, limits.text).await?;
        form.fields
            .insert(name, String::from_utf8_lossy(&bytes).into_owned());
    }
}

/// Uploads each upload route reads at once (the rest wait before a byte is read): with the
/// form limits this bounds the memory that uploads buffer to a few hundred megabytes.
const UPLOADS_AT_ONCE: usize = 4;

/// An upload route's limits: its body size, and how many are read at once.
pub fn upload_limits(bytes: usize) -> Stack<axum::extract::DefaultBodyLimit, ConcurrencyLimitLayer> {
    Stack::new(
        axum::extract::DefaultBodyLimit::max(bytes),
        ConcurrencyLimitLayer::new(UPLOADS_AT_ONCE),
    )
}
