//! A small PDF writer for short documents: payment receipts, receptions' protocols. Text
//! flows down the page and on to the next when it reaches the bottom margin.
//!
//! Text is set in DejaVu Sans (embedded, subset to the glyphs used) so Uzbek Latin, Uzbek
//! Cyrillic and Russian all print, and a ToUnicode map keeps the text searchable and
//! copyable. Streams are deflated. The result is PDF 1.7 with a correct cross-reference table.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::LazyLock;

static FONT_DATA: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");

struct Font {
    face: ttf_parser::Face<'static>,
    units_per_em: f32,
}

static FONT: LazyLock<Font> = LazyLock::new(|| {
    let face = ttf_parser::Face::parse(FONT_DATA, 0).expect("the embedded font parses");
    let units_per_em = f32::from(face.units_per_em());
    Font { face, units_per_em }
});

impl Font {
    fn glyph(&self, c: char) -> u16 {
        self.face.glyph_index(c).map(|g| g.0).unwrap_or(0)
    }
    /// Advance width of a glyph in thousandths of the font size.
    fn advance(&self, gid: u16) -> f32 {
        let units = self.face.glyph_hor_advance(ttf_parser::GlyphId(gid)).unwrap_or(0);
        f32::from(units) * 1000.0 / self.units_per_em
    }
    fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.advance(self.glyph(c))).sum::<f32>() * size / 1000.0
    }
    fn metric(&self, units: i16) -> i32 {
        (f32::from(units) * 1000.0 / self.units_per_em).round() as i32
    }
}

/// Grey levels used on the page.
#[derive(Clone, Copy)]
pub enum Ink {
    Black,
    Muted,
}

/// A document being laid out, top to bottom, a page after another. Units are PostScript
/// points.
pub struct Page {
    width: f32,
    height: f32,
    margin: f32,
    /// The baseline of the next line.
    y: f32,
    /// The page being written.
    ops: String,
    /// The pages before it.
    done: Vec<String>,
    /// Every character placed, so the font can be subset and the ToUnicode map written.
    chars: Vec<char>,
}

/// An A4 page.
pub const A4: (f32, f32) = (595.0, 842.0);

impl Page {
    pub fn new((width, height): (f32, f32), margin: f32) -> Self {
        Page {
            width,
            height,
            margin,
            y: height - margin,
            ops: String::new(),
            done: Vec::new(),
            chars: Vec::new(),
        }
    }

    fn usable(&self) -> f32 {
        self.width - 2.0 * self.margin
    }

    /// Moves down by `points`.
    pub fn space(&mut self, points: f32) {
        self.y -= points;
    }

    /// A paragraph at the left margin, wrapped to the page width.
    pub fn paragraph(&mut self, text: &str, size: f32, ink: Ink) {
        self.block(self.margin, self.usable(), text, size, ink);
    }

    /// Starts a new page unless this one has room for `height` more points (or is empty).
    fn room_for(&mut self, height: f32) {
        if self.y - height < self.margin && !self.ops.is_empty() {
            self.done.push(std::mem::take(&mut self.ops));
            self.y = self.height - self.margin;
        }
    }

    /// How tall a wrapped block is.
    fn block_height(&self, width: f32, text: &str, size: f32) -> f32 {
        wrap(text, size, width).len() as f32 * size * 1.35 + size * 0.35
    }

    /// A label and its value on one row: the label in a left column, the value wrapped in
    /// the right one. Returns after the taller of the two; a row that does not fit the rest
    /// of the page starts the next.
    pub fn row(&mut self, label: &str, value: &str, size: f32, label_width: f32) {
        let tall = self
            .block_height(label_width - 8.0, label, size)
            .max(self.block_height(self.usable() - label_width, value, size));
        self.room_for(tall);
        let top = self.y;
        self.block(self.margin, label_width - 8.0, label, size, Ink::Muted);
        let after_label = self.y;
        self.y = top;
        let x = self.margin + label_width;
        self.block(x, self.usable() - label_width, value, size, Ink::Black);
        self.y = self.y.min(after_label);
    }

    /// A QR code of `data`, `side` points wide, at the left margin.
    pub fn qr(&mut self, data: &str, side: f32) {
        self.room_for(side);
        let Ok(code) = qrcode::QrCode::new(data.as_bytes()) else {
            return;
        };
        let modules = code.width();
        let colors = code.to_colors();
        // Four modules of quiet zone on each side, as the standard asks.
        let cell = side / (modules + 8) as f32;
        let left = self.margin + 4.0 * cell;
        let top = self.y - 4.0 * cell;
        let _ = writeln!(self.ops, "0 g");
        for (i, color) in colors.iter().enumerate() {
            if *color == qrcode::Color::Dark {
                let (col, row) = (i % modules, i / modules);
                let x = left + col as f32 * cell;
                let y = top - (row + 1) as f32 * cell;
                let _ = writeln!(self.ops, "{x:.2} {y:.2} {cell:.2} {cell:.2} re");
            }
        }
        let _ = writeln!(self.ops, "f");
        self.y -= side;
    }

    fn block(&mut self, x: f32, width: f32, text: &str, size: f32, ink: Ink) {
        let leading = size * 1.35;
        for line in wrap(text, size, width) {
            self.room_for(leading);
            self.y -= leading;
            self.text_at(x, self.y, &line, size, ink);
        }
        self.y -= size * 0.35;
    }

    fn text_at(&mut self, x: f32, y: f32, text: &str, size: f32, ink: Ink) {
        let grey = match ink {
            Ink::Black => "0",
            Ink::Muted => "0.35",
        };
        // Glyphs are written as their original ids and renumbered at the end, once the
        // subset is known; the placeholder keeps the content stream in one pass.
        let _ = write!(self.ops, "BT {grey} g /F1 {size:.1} Tf {x:.2} {y:.2} Td <");
        for c in text.chars() {
            self.chars.push(c);
            let _ = write!(self.ops, "{{{:04X}}}", FONT.glyph(c));
        }
        let _ = writeln!(self.ops, "> Tj ET");
    }

    /// The finished document.
    pub fn finish(self, title: &str) -> Vec<u8> {
        let font = &*FONT;
        // Glyphs in use, .notdef first, numbered in order: the subset's glyph ids are the CIDs.
        let mut used: BTreeMap<u16, char> = BTreeMap::new();
        for &c in &self.chars {
            used.entry(font.glyph(c)).or_insert(c);
        }
        let mut remapper = subsetter::GlyphRemapper::new();
        let mut new_ids = BTreeMap::new();
        for &old in used.keys() {
            new_ids.insert(old, remapper.remap(old));
        }
        let subset = subsetter::subset(FONT_DATA, 0, &remapper).expect("the embedded font subsets");
        let mut pages = self.done;
        pages.push(self.ops);
        let contents: Vec<String> = pages.iter().map(|ops| renumber(ops, &new_ids)).collect();

        let mut widths = String::from("[");
        for (old, new) in &new_ids {
            let _ = write!(widths, " {new} [{:.0}]", font.advance(*old));
        }
        widths.push_str(" ]");

        let mut cmap = String::from(
            "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
             /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
             /CMapName /Adobe-Identity-UCS def /CMapType 2 def\n\
             1 begincodespacerange <0000> <FFFF> endcodespacerange\n",
        );
        let mapped: Vec<(u16, char)> = used
            .iter()
            .filter(|(old, _)| **old != 0)
            .map(|(old, c)| (new_ids[old], *c))
            .collect();
        for chunk in mapped.chunks(100) {
            let _ = writeln!(cmap, "{} beginbfchar", chunk.len());
            for (cid, c) in chunk {
                let mut utf16 = [0u16; 2];
                let hex: String = c
                    .encode_utf16(&mut utf16)
                    .iter()
                    .map(|u| format!("{u:04X}"))
                    .collect();
                let _ = writeln!(cmap, "<{cid:04X}> <{hex}>");
            }
            let _ = writeln!(cmap, "endbfchar");
        }
        cmap.push_str("endcmap CMapName currentdict /CMap defineresource pop end end\n");

        let face = &font.face;
        let bbox = face.global_bounding_box();
        let name = "FQAAAA+DejaVuSans";
        // The first page is objects 3 and 4, the font 5 to 9, the information 10; each next
        // page takes the two ids after those.
        let ids = |n: usize| -> (u32, u32) {
            match n {
                0 => (3, 4),
                n => (9 + 2 * n as u32, 10 + 2 * n as u32),
            }
        };
        let kids: Vec<String> = (0..contents.len()).map(|n| format!("{} 0 R", ids(n).0)).collect();
        let mut out = Writer::default();
        out.object(1, "<< /Type /Catalog /Pages 2 0 R >>");
        out.object(
            2,
            &format!(
                "<< /Type /Pages /Kids [{}] /Count {} >>",
                kids.join(" "),
                kids.len()
            ),
        );
        let (width, height) = (self.width, self.height);
        let page = |out: &mut Writer, n: usize, content: &str| {
            let (page, stream) = ids(n);
            out.object(
                page,
                &format!(
                    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width} {height}] \
                     /Resources << /Font << /F1 5 0 R >> >> /Contents {stream} 0 R >>"
                ),
            );
            out.stream(stream, "", content.as_bytes());
        };
        page(&mut out, 0, &contents[0]);
        out.object(
            5,
            &format!(
                "<< /Type /Font /Subtype /Type0 /BaseFont /{name} /Encoding /Identity-H \
                 /DescendantFonts [6 0 R] /ToUnicode 9 0 R >>"
            ),
        );
        out.object(
            6,
            &format!(
                "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{name} \
                 /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> \
                 /FontDescriptor 7 0 R /CIDToGIDMap /Identity /DW 0 /W {widths} >>"
            ),
        );
        out.object(
            7,
            &format!(
                "<< /Type /FontDescriptor /FontName /{name} /Flags 4 \
                 /FontBBox [{} {} {} {}] /ItalicAngle 0 /Ascent {} /Descent {} \
                 /CapHeight {} /StemV 80 /FontFile2 8 0 R >>",
                font.metric(bbox.x_min),
                font.metric(bbox.y_min),
                font.metric(bbox.x_max),
                font.metric(bbox.y_max),
                font.metric(face.ascender()),
                font.metric(face.descender()),
                font.metric(face.capital_height().unwrap_or(face.ascender())),
            ),
        );
        out.stream(8, &format!("/Length1 {}", subset.len()), &subset);
        out.stream(9, "", cmap.as_bytes());
        out.object(
            10,
            &format!("<< /Title {} /Producer (Fuqaro) >>", utf16_string(title)),
        );
        for (n, content) in contents.iter().enumerate().skip(1) {
            page(&mut out, n, content);
        }
        out.finish(1, 10)
    }
}

/// Replaces each `{XXXX}` placeholder (an original glyph id) with the subset's id.
fn renumber(ops: &str, new_ids: &BTreeMap<u16, u16>) -> String {
    let mut out = String::with_capacity(ops.len());
    let mut rest = ops;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let old = u16::from_str_radix(&rest[start + 1..start + 5], 16).unwrap_or(0);
        let _ = write!(out, "{:04X}", new_ids.get(&old).copied().unwrap_or(0));
        rest = &rest[start + 6..];
    }
    out.push_str(rest);
    out
}

/// Splits `text` into lines no wider than `width`, at spaces where it can, inside a word
/// (such as a long link) where it must.
fn wrap(text: &str, size: f32, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if FONT.width(&candidate, size) <= width {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        for c in word.chars() {
            line.push(c);
            if FONT.width(&line, size) > width {
                line.pop();
                lines.push(std::mem::take(&mut line));
                line.push(c);
            }
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// A PDF text string in UTF-16BE with a byte-order mark, as hex.
fn utf16_string(text: &str) -> String {
    let mut hex = String::from("<FEFF");
    for unit in text.encode_utf16() {
        let _ = write!(hex, "{unit:04X}");
    }
    hex.push('>');
    hex
}

/// Objects in order, with their byte offsets for the cross-reference table.
#[derive(Default)]
struct Writer {
    bytes: Vec<u8>,
    offsets: Vec<(u32, usize)>,
}

impl Writer {
    fn start(&mut self, id: u32) {
        if self.bytes.is_empty() {
            // The binary comment tells transfer tools the file is not plain text.
            self.bytes.extend_from_slice(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n");
        }
        self.offsets.push((id, self.bytes.len()));
        self.bytes.extend_from_slice(format!("{id} 0 obj\n").as_bytes());
    }

    fn object(&mut self, id: u32, body: &str) {
        self.start(id);
        self.bytes.extend_from_slice(body.as_bytes());
        self.bytes.extend_from_slice(b"\nendobj\n");
    }

    fn stream(&mut self, id: u32, extra: &str, data: &[u8]) {
        let packed = miniz_oxide::deflate::compress_to_vec_zlib(data, 6);
        self.start(id);
        self.bytes.extend_from_slice(
            format!(
                "<< /Length {} /Filter /FlateDecode {extra} >>\nstream\n",
                packed.len()
            )
            .as_bytes(),
        );
        self.bytes.extend_from_slice(&packed);
        self.bytes.extend_from_slice(b"\nendstream\nendobj\n");
    }

    fn finish(mut self, root: u32, info: u32) -> Vec<u8> {
        self.offsets.sort();
        let xref = self.bytes.len();
        let count = self.offsets.len() + 1;
        let mut table = format!("xref\n0 {count}\n0000000000 65535 f \n");
        for (_, offset) in &self.offsets {
            let _ = writeln!(table, "{offset:010} 00000 n ");
        }
        let _ = write!(
            table,
            "trailer\n<< /Size {count} /Root {root} 0 R /Info {info} 0 R >>\nstartxref\n{xref}\n%%EOF\n"
        );
        self.bytes.extend_from_slice(table.as_bytes());
        self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads the text back the way a viewer does: inflate the content stream, take each
    /// hex string, and map its glyph codes through the ToUnicode map.
    fn extract_text(pdf: &[u8]) -> String {
        let streams = streams(pdf);
        let (content, cmap) = (&streams[0], &streams[2]);
        let cmap = String::from_utf8(cmap.clone()).unwrap();
        let mut map = BTreeMap::new();
        for line in cmap.lines().filter(|l| l.starts_with('<') && l.contains("> <")) {
            let parts: Vec<&str> = line.split(['<', '>', ' ']).filter(|p| !p.is_empty()).collect();
            let cid = u16::from_str_radix(parts[0], 16).unwrap();
            let units: Vec<u16> = (0..parts[1].len() / 4)
                .map(|i| u16::from_str_radix(&parts[1][i * 4..i * 4 + 4], 16).unwrap())
                .collect();
            map.insert(cid, String::from_utf16(&units).unwrap());
        }
        let content = String::from_utf8(content.clone()).unwrap();
        let mut text = String::new();
        for line in content.lines().filter(|l| l.ends_with("Tj ET")) {
            let hex = &line[line.find('<').unwrap() + 1..line.find('>').unwrap()];
            for i in (0..hex.len()).step_by(4) {
                let cid = u16::from_str_radix(&hex[i..i + 4], 16).unwrap();
                text.push_str(map.get(&cid).map(String::as_str).unwrap_or("?"));
            }
            text.push('\n');
        }
        text
    }

    fn streams(pdf: &[u8]) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        let mut at = 0;
        while let Some(start) = find(&pdf[at..], b"stream\n") {
            let begin = at + start + 7;
            let end = begin + find(&pdf[begin..], b"\nendstream").unwrap();
            out.push(miniz_oxide::inflate::decompress_to_vec_zlib(&pdf[begin..end]).unwrap());
            at = end + 10;
        }
        out
    }

    fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
        haystack.windows(needle.len()).position(|w| w == needle)
    }

    fn sample() -> Vec<u8> {
        let mut page = Page::new(A4, 56.0);
        page.paragraph("Toʻlov kvitansiyasi", 18.0, Ink::Black);
        page.row("Квитанция рақами", "FQ-00000042", 11.0, 170.0);
        page.row("Плательщик", "+998 90 *** ** 01", 11.0, 170.0);
        page.qr("https://fuqaro.example/receipts/verify/42-abc", 140.0);
        page.paragraph(
            "https://fuqaro.example/receipts/verify/42-abcdefabcdefabcdefabcdefabcdefabcdef",
            9.0,
            Ink::Muted,
        );
        page.finish("Toʻlov kvitansiyasi FQ-00000042")
    }

    #[test]
    fn text_in_every_script_reads_back() {
        let text = extract_text(&sample());
        assert!(text.contains("Toʻlov kvitansiyasi"), "{text}");
        assert!(text.contains("Квитанция рақами"), "{text}");
        assert!(text.contains("Плательщик"), "{text}");
        assert!(text.contains("+998 90 *** ** 01"), "{text}");
    }

    #[test]
    fn the_cross_reference_table_points_at_every_object() {
        let pdf = sample();
        assert!(pdf.starts_with(b"%PDF-1.7\n"));
        assert!(pdf.ends_with(b"%%EOF\n"));
        let tail = String::from_utf8_lossy(&pdf[pdf.len() - 40..]).to_string();
        let xref: usize = tail
            .split("startxref\n")
            .nth(1)
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let table = String::from_utf8_lossy(&pdf[xref..]).to_string();
        let entries: Vec<&str> = table.lines().skip(3).take_while(|l| l.ends_with(" n ")).collect();
        assert_eq!(entries.len(), 10);
        for (i, entry) in entries.iter().enumerate() {
            let offset: usize = entry[..10].parse().unwrap();
            let expected = format!("{} 0 obj\n", i + 1);
            assert!(pdf[offset..].starts_with(expected.as_bytes()), "object {}", i + 1);
        }
    }

    #[test]
    fn only_the_glyphs_in_use_are_embedded() {
        let pdf = sample();
        assert!(pdf.len() < 40_000, "{} bytes", pdf.len());
    }

    #[test]
    fn long_words_wrap_inside_the_width() {
        let lines = wrap(&"x".repeat(300), 10.0, 200.0);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| FONT.width(l, 10.0) <= 200.0));
        assert_eq!(lines.concat(), "x".repeat(300));
        assert_eq!(wrap("", 10.0, 200.0), vec![String::new()]);
    }

    #[test]
    fn a_long_text_flows_onto_more_pages_and_every_page_is_listed() {
        let mut page = Page::new(A4, 56.0);
        for n in 0..120 {
            page.row(&format!("{n}."), "Мурожаат · Murojaat · Обращение", 11.0, 60.0);
        }
        let pdf = page.finish("Bayonnoma");
        let text = String::from_utf8_lossy(&pdf);
        let count: usize = text
            .split("/Count ")
            .nth(1)
            .and_then(|rest| rest.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap();
        assert!(count >= 3, "120 rows take {count} pages");
        assert_eq!(text.matches("/Type /Page ").count(), count);
        // Every object named in the cross-reference table is where it says, page objects too.
        let xref = text.rfind("xref\n").unwrap();
        let offsets: Vec<usize> = text[xref..]
            .lines()
            .skip(3)
            .take_while(|l| l.ends_with(" n "))
            .map(|l| l[..10].parse().unwrap())
            .collect();
        for (i, offset) in offsets.iter().enumerate() {
            assert!(text[*offset..].starts_with(&format!("{} 0 obj", i + 1)));
        }
        // Every row's text is there, the last on the last page.
        let streams = streams(&pdf);
        assert_eq!(streams.len(), count + 2);
    }
}
