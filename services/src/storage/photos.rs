//! Checking and re-encoding an uploaded photo (a meter, an appeal's attachment).
//!
//! Nothing the client sends is kept as sent: the type is sniffed from the bytes (never the
//! name or the declared type), the size is bounded in bytes and in pixels before anything is
//! decoded, and the image is decoded, turned upright, scaled down and encoded again as a fresh
//! JPEG — which drops every bit of metadata (GPS position, camera serials) and anything hidden
//! after the image data.

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use std::io::Cursor;
use std::sync::atomic::{AtomicU64, Ordering};

/// The largest upload accepted, in bytes. Phones send a few hundred kilobytes after their own
/// downscaling; an untouched 12-megapixel photo from the file picker still fits.
pub const MAX_BYTES: usize = 15 * 1024 * 1024;
/// The most pixels decoded (a 50-megapixel camera); more is refused before decoding.
pub const MAX_PIXELS: u64 = 50_000_000;
/// The longest side accepted.
pub const MAX_SIDE: u32 = 12_000;
/// The long edge of the stored photo and of its thumbnail.
pub const LONG_EDGE: u32 = 1600;
pub const THUMB_EDGE: u32 = 320;

/// Why a photo was refused; each has its own message for the resident.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PhotoError {
    #[error("the file is larger than the limit")]
    TooLarge,
    #[error("the file is not a photo")]
    NotAPhoto,
    #[error("HEIC photos cannot be read here")]
    Heic,
    #[error("the photo has too many pixels")]
    TooManyPixels,
    #[error("the photo is damaged or incomplete")]
    Damaged,
}

impl PhotoError {
    /// The stable code carried in URLs and JSON answers.
    /// The refusal's code, as a reading's upload reports it.
    pub fn problem(self) -> shared::reading::ReadingProblem {
        use shared::reading::ReadingProblem;
        match self {
            PhotoError::TooLarge => ReadingProblem::PhotoTooLarge,
            PhotoError::NotAPhoto => ReadingProblem::PhotoNotImage,
            PhotoError::Heic => ReadingProblem::PhotoHeic,
            PhotoError::TooManyPixels => ReadingProblem::PhotoTooManyPixels,
            PhotoError::Damaged => ReadingProblem::PhotoDamaged,
        }
    }
}

/// What the bytes are, by their first bytes.
pub fn sniff(bytes: &[u8]) -> Option<ImageFormat> {
    match bytes {
        [0xFF, 0xD8, 0xFF, ..] => Some(ImageFormat::Jpeg),
        [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => Some(ImageFormat::Png),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some(ImageFormat::WebP),
        _ => None,
    }
}

/// HEIF/HEIC: an ISO media file whose brand is one of Apple's or the standard's image brands.
fn is_heic(bytes: &[u8]) -> bool {
    bytes.len() >= 12
        && &bytes[4..8] == b"ftyp"
        && matches!(
            &bytes[8..12],
            b"heic" | b"heix" | b"hevc" | b"heim" | b"heis" | b"mif1" | b"msf1" | b"avif"
        )
}

/// A photo ready to store: the re-encoded JPEG, its thumbnail, and its size.
#[derive(Debug)]
pub struct Processed {
    pub jpeg: Vec<u8>,
    pub thumb: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// How many photos are decoded at once in this process: one per core. A decode may take a
/// quarter of a gigabyte and seconds of CPU; the rest wait their turn.
static DECODES: std::sync::LazyLock<tokio::sync::Semaphore> = std::sync::LazyLock::new(|| {
    tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get()))
});

static RUNNING: AtomicU64 = AtomicU64::new(0);
static FINISHED: AtomicU64 = AtomicU64::new(0);

/// Photo jobs of this process: how many run now and how many have finished since it started.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decodes {
    pub running: u64,
    pub finished: u64,
}

pub fn decodes() -> Decodes {
    Decodes {
        running: RUNNING.load(Ordering::SeqCst),
        finished: FINISHED.load(Ordering::SeqCst),
    }
}

/// Runs CPU-bound photo work off the async runtime (so requests, streams and the payment
/// callbacks keep being answered), with at most one such job per core at a time.
pub async fn off_runtime<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> crate::Result<T> {
    let _permit = DECODES
        .acquire()
        .await
        .map_err(|e| crate::Error::Storage(format!("photo workers closed: {e}")))?;
    /// Counts a job while it runs on its worker (to its end even if it panics), not while it
    /// waits for a thread or until its caller resumes.
    struct Running;
    impl Drop for Running {
        fn drop(&mut self) {
            FINISHED.fetch_add(1, Ordering::SeqCst);
            RUNNING.fetch_sub(1, Ordering::SeqCst);
        }
    }
    tokio::task::spawn_blocking(move || {
        RUNNING.fetch_add(1, Ordering::SeqCst);
        let _running = Running;
        work()
    })
    .await
    .map_err(|e| crate::Error::Storage(format!("photo worker: {e}")))
}

/// Checks, decodes and re-encodes one uploaded photo. CPU-bound: call it through
/// [`off_runtime`].
pub fn process(bytes: &[u8]) -> Result<Processed, PhotoError> {
    if bytes.len() > MAX_BYTES {
        return Err(PhotoError::TooLarge);
    }
    let Some(format) = sniff(bytes) else {
        return Err(if is_heic(bytes) {
            PhotoError::Heic
        } else {
            PhotoError::NotAPhoto
        });
    };
    // A JPEG that stops before its end marker lost its last part on the way; the decoder
    // would paint the missing rows grey rather than fail.
    if format == ImageFormat::Jpeg && !bytes.windows(2).any(|w| w == [0xFF, 0xD9]) {
        return Err(PhotoError::Damaged);
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_PIXELS * 4 + 64 * 1024 * 1024);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(decode_error)?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(PhotoError::TooManyPixels);
    }
    let orientation = decoder.orientation().ok();
    let mut image = DynamicImage::from_decoder(decoder).map_err(decode_error)?;
    if let Some(orientation) = orientation {
        image.apply_orientation(orientation);
    }
    let full = scale(&image, LONG_EDGE);
    let thumb = scale(&full, THUMB_EDGE);
    Ok(Processed {
        width: full.width(),
        height: full.height(),
        jpeg: encode(&full, 82),
        thumb: encode(&thumb, 75),
    })
}

fn decode_error(error: image::ImageError) -> PhotoError {
    match error {
        image::ImageError::Limits(_) => PhotoError::TooManyPixels,
        _ => PhotoError::Damaged,
    }
}

fn scale(image: &DynamicImage, long_edge: u32) -> DynamicImage {
    if image.width().max(image.height()) <= long_edge {
        return image.clone();
    }
    image.resize(long_edge, long_edge, image::imageops::FilterType::Triangle)
}

fn encode(image: &DynamicImage, quality: u8) -> Vec<u8> {
    let rgb = image.to_rgb8();
    let mut out = Vec::with_capacity(256 * 1024);
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(&rgb)
        .expect("encoding an in-memory RGB image cannot fail");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::fixtures::{bomb_png, sample};

    #[test]
    fn a_large_jpeg_is_scaled_to_the_long_edge_and_stays_a_jpeg() {
        let photo = process(&sample(4000, 3000, ImageFormat::Jpeg)).unwrap();
        assert_eq!((photo.width, photo.height), (1600, 1200));
        assert_eq!(sniff(&photo.jpeg), Some(ImageFormat::Jpeg));
        let thumb = image::load_from_memory(&photo.thumb).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (320, 240));
    }

    #[test]
    fn png_and_webp_become_jpeg() {
        for format in [ImageFormat::Png, ImageFormat::WebP] {
            let photo = process(&sample(800, 600, format)).unwrap();
            assert_eq!(sniff(&photo.jpeg), Some(ImageFormat::Jpeg), "{format:?}");
            assert_eq!((photo.width, photo.height), (800, 600));
        }
    }

    #[test]
    fn metadata_does_not_survive() {
        // A JPEG with an EXIF segment (APP1) carrying a made-up GPS note.
        let jpeg = sample(200, 100, ImageFormat::Jpeg);
        let payload = b"Exif\0\0GPS 41.3111 69.2797 secret";
        let mut with_exif = vec![0xFF, 0xD8, 0xFF, 0xE1];
        with_exif.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
        with_exif.extend_from_slice(payload);
        with_exif.extend_from_slice(&jpeg[2..]);
        let photo = process(&with_exif).unwrap();
        assert!(!photo.jpeg.windows(6).any(|w| w == b"secret"));
        assert!(!photo.jpeg.windows(4).any(|w| w == b"Exif"));
    }

    #[test]
    fn text_named_like_a_photo_is_refused() {
        assert_eq!(process(b"hello, I am a .jpg").unwrap_err(), PhotoError::NotAPhoto);
        assert_eq!(process(b"").unwrap_err(), PhotoError::NotAPhoto);
    }

    #[test]
    fn heic_is_named() {
        let mut heic = vec![0, 0, 0, 24];
        heic.extend_from_slice(b"ftypheic\0\0\0\0mif1heic");
        assert_eq!(process(&heic).unwrap_err(), PhotoError::Heic);
    }

    #[test]
    fn a_truncated_jpeg_is_damaged() {
        let jpeg = sample(640, 480, ImageFormat::Jpeg);
        let cut = &jpeg[..jpeg.len() / 2];
        assert_eq!(process(cut).unwrap_err(), PhotoError::Damaged);
    }

    #[test]
    fn a_decompression_bomb_is_refused_before_decoding() {
        // 30,000 x 30,000 pixels of one colour: a small file that would need 2.7 GB decoded.
        let bomb = bomb_png(30_000, 30_000);
        assert!(bomb.len() < 2_000_000, "{} bytes", bomb.len());
        assert_eq!(process(&bomb).unwrap_err(), PhotoError::TooManyPixels);
    }

    #[test]
    fn the_bomb_maker_makes_a_valid_png() {
        let small = bomb_png(300, 200);
        let decoded = image::load_from_memory(&small).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (300, 200));
        assert!(process(&bomb_png(3000, 2000)).is_ok());
    }

    #[test]
    fn too_many_bytes_are_refused() {
        let big = vec![0xFF; MAX_BYTES + 1];
        assert_eq!(process(&big).unwrap_err(), PhotoError::TooLarge);
    }
}
