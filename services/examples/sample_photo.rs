//! Writes a test photo of a given size: `cargo run -p services --example sample_photo -- 4000 3000 out.jpg`.
//! The browser tests and the photo benchmark use it (a 12-megapixel photo is 4000 x 3000).

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(w), Some(h), Some(path)) = (args.get(1), args.get(2), args.get(3)) else {
        eprintln!("usage: sample_photo WIDTH HEIGHT OUT.jpg");
        std::process::exit(2);
    };
    let (w, h): (u32, u32) = (w.parse().expect("a width"), h.parse().expect("a height"));
    let bytes = services::storage::fixtures::sample(w, h, image::ImageFormat::Jpeg);
    std::fs::write(path, &bytes).expect("the file is written");
    println!("{path}: {w} x {h}, {} bytes", bytes.len());
}
