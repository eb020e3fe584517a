//! Where uploaded bytes live: the file store (`files`, a directory or an S3 bucket through
//! `s3`) and the checks every photo passes before it is kept (`photos`).

pub mod files;
pub mod photos;
pub mod s3;

#[cfg(any(test, feature = "fixtures"))]
pub mod fixtures;
