//! Tables for download: CSV (RFC 4180) written here, XLSX by `rust_xlsxwriter`. Reports and
//! the rating build their rows once and hand them to either.

/// A cell: text, or a whole number (a count, a per mille value), or nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    Number(i64),
    Empty,
}

impl Cell {
    pub fn text(text: impl Into<String>) -> Cell {
        Cell::Text(text.into())
    }

    pub fn maybe(value: Option<i64>) -> Cell {
        value.map_or(Cell::Empty, Cell::Number)
    }

    /// The cell as a CSV field, quoted when it must be.
    fn csv(&self) -> String {
        match self {
            Cell::Text(text) if text.contains([',', '"', '\n', '\r']) => {
                format!("\"{}\"", text.replace('"', "\"\""))
            }
            Cell::Text(text) => text.clone(),
            Cell::Number(n) => n.to_string(),
            Cell::Empty => String::new(),
        }
    }
}

/// Rows as CSV, lines ended by CRLF.
pub fn csv(rows: &[Vec<Cell>]) -> String {
    let mut out = String::new();
    for row in rows {
        let line: Vec<String> = row.iter().map(Cell::csv).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

/// Sheets (a name and its rows, the first row a bold heading) as an XLSX workbook.
pub fn workbook(sheets: &[(&str, Vec<Vec<Cell>>)]) -> crate::Result<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let failed = |e: rust_xlsxwriter::XlsxError| crate::Error::Corrupt(format!("writing a spreadsheet: {e}"));
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    for (name, rows) in sheets {
        let sheet = book.add_worksheet();
        sheet.set_name(*name).map_err(failed)?;
        for (r, row) in rows.iter().enumerate() {
            let r = u32::try_from(r).map_err(|_| crate::Error::Corrupt("too many rows".into()))?;
            for (c, cell) in row.iter().enumerate() {
                let c = u16::try_from(c).map_err(|_| crate::Error::Corrupt("too many columns".into()))?;
                match (cell, r) {
                    (Cell::Text(text), 0) => sheet.write_string_with_format(r, c, text, &bold),
                    (Cell::Text(text), _) => sheet.write_string(r, c, text),
                    // Counts are far below 2^53: a spreadsheet's number holds them exactly.
                    (Cell::Number(n), _) => sheet.write_number(r, c, *n as f64),
                    (Cell::Empty, _) => continue,
                }
                .map_err(failed)?;
            }
        }
        sheet.set_freeze_panes(1, 0).map_err(failed)?;
    }
    book.save_to_buffer().map_err(failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_what_it_must() {
        let rows = vec![vec![
            Cell::text("a,b"),
            Cell::Number(3),
            Cell::Empty,
            Cell::text("say \"hi\""),
        ]];
        assert_eq!(csv(&rows), "\"a,b\",3,,\"say \"\"hi\"\"\"\r\n");
    }

    #[test]
    fn a_workbook_is_a_zip() {
        let bytes = workbook(&[("t", vec![vec![Cell::text("x")], vec![Cell::Number(1)]])]).unwrap();
        assert_eq!(&bytes[..2], b"PK");
    }
}
