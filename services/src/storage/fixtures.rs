//! Photos for tests and benchmarks: a realistic sample and a decompression bomb. Compiled
//! only for tests and with the `fixtures` feature (the server's tests, the benchmarks), never
//! into the release binary.

use image::{DynamicImage, ImageFormat};
use std::io::Cursor;

/// A test photo: a `width` x `height` gradient with a pattern and sensor-like noise, so that
/// it compresses like a real photo (a 12-megapixel one is a few megabytes), encoded as
/// `format`. Used by tests and benchmarks.
pub fn sample(width: u32, height: u32, format: ImageFormat) -> Vec<u8> {
    let mut seed = 0x2545_f491_u32;
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        let noise = (seed % 48) as i32 - 24;
        let stripe = if (x / 40 + y / 40) % 2 == 0 { 40 } else { 0 };
        let c = |v: u32| (v as i32 + noise).clamp(0, 255) as u8;
        image::Rgb([
            c(x * 255 / width.max(1)),
            c(y * 255 / height.max(1)),
            c(128 + stripe),
        ])
    });
    let mut out = Cursor::new(Vec::new());
    DynamicImage::ImageRgb8(image)
        .write_to(&mut out, format)
        .expect("encoding a sample cannot fail");
    out.into_inner()
}

/// A PNG of `w` x `h` black pixels: a decompression bomb when large (30,000 x 30,000 is 900 MB
/// decoded from about a megabyte). The zero-filled image data is one deflate block of zeros
/// repeated, so making it takes milliseconds. Used by tests.
pub fn bomb_png(w: u32, h: u32) -> Vec<u8> {
    use miniz_oxide::deflate::core::{
        CompressorOxide, TDEFLFlush, compress, create_comp_flags_from_zip_params,
    };
    const CHUNK: usize = 1 << 20;
    // Each row is a filter byte (0) and w grey bytes (0): the whole stream is zeros.
    let total = (u64::from(w) + 1) * u64::from(h);
    let zeros = vec![0u8; CHUNK];
    let deflate = |len: usize, flush: TDEFLFlush| {
        let mut compressor = CompressorOxide::new(create_comp_flags_from_zip_params(9, -15, 0));
        let mut out = vec![0u8; 64 * 1024];
        let (_, _, written) = compress(&mut compressor, &zeros[..len], &mut out, flush);
        out.truncate(written);
        out
    };
    // A sync flush ends the block on a byte boundary, so copies of it follow each other.
    let block = deflate(CHUNK, TDEFLFlush::Sync);
    let mut idat = vec![0x78, 0xDA];
    for _ in 0..total / CHUNK as u64 {
        idat.extend_from_slice(&block);
    }
    idat.extend_from_slice(&deflate((total % CHUNK as u64) as usize, TDEFLFlush::Finish));
    // Adler-32 of n zero bytes: a stays 1, b adds 1 per byte.
    let adler = ((total % 65_521) << 16) as u32 | 1;
    idat.extend_from_slice(&adler.to_be_bytes());

    let mut header = Vec::new();
    header.extend_from_slice(&w.to_be_bytes());
    header.extend_from_slice(&h.to_be_bytes());
    header.extend_from_slice(&[8, 0, 0, 0, 0]); // 8-bit greyscale, no interlace
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, data) in [(b"IHDR", &header), (b"IDAT", &idat), (b"IEND", &Vec::new())] {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let start = out.len();
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let crc = crc32fast::hash(&out[start..]);
        out.extend_from_slice(&crc.to_be_bytes());
    }
    out
}
