//! Writing results: aligned tables and labelled fields for people, JSON for scripts.

use std::fmt::Display;
use std::io::Write;

use rust_decimal::Decimal;
use serde::Serialize;
use time::macros::format_description;
use time::{Date, OffsetDateTime};

use crate::errors::CliError;

/// A table of text, written with its columns aligned.
#[derive(Debug, Default)]
pub(crate) struct Table {
    headers: Vec<String>,
    right: Vec<bool>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column headers; a header starting with `>` is aligned right
    /// (numbers, amounts), the `>` is not written.
    pub fn new(headers: &[&str]) -> Self {
        Table {
            headers: headers
                .iter()
                .map(|h| h.trim_start_matches('>').to_owned())
                .collect(),
            right: headers.iter().map(|h| h.starts_with('>')).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row (missing cells are left blank).
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// Whether there is no row.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Writes the header and the rows, each line indented by `indent` spaces.
    pub fn write(&self, out: &mut dyn Write, indent: usize) -> std::io::Result<()> {
        let width = |cell: &str| cell.chars().count();
        let mut widths: Vec<usize> = self.headers.iter().map(|h| width(h)).collect();
        for row in &self.rows {
            for (i, cell) in row.iter().enumerate() {
                if let Some(w) = widths.get_mut(i) {
                    *w = (*w).max(width(&one_line(cell)));
                }
            }
        }
        let pad = " ".repeat(indent);
        let line = |cells: &[String]| -> String {
            let mut text = String::new();
            for (i, w) in widths.iter().enumerate() {
                let cell = cells.get(i).map(|c| one_line(c)).unwrap_or_default();
                let fill = " ".repeat(w.saturating_sub(width(&cell)));
                if i > 0 {
                    text.push_str("  ");
                }
                if self.right.get(i).copied().unwrap_or(false) {
                    text.push_str(&fill);
                    text.push_str(&cell);
                } else {
                    text.push_str(&cell);
                    text.push_str(&fill);
                }
            }
            text.trim_end().to_owned()
        };
        writeln!(out, "{pad}{}", line(&self.headers))?;
        for row in &self.rows {
            writeln!(out, "{pad}{}", line(row))?;
        }
        Ok(())
    }
}

/// A cell on one line: line breaks (address lines) become ", ".
fn one_line(text: &str) -> String {
    text.replace('\n', ", ")
}

/// Writes `label: value` lines with the values aligned.
pub(crate) fn fields(out: &mut dyn Write, rows: &[(&str, String)]) -> std::io::Result<()> {
    let width = rows
        .iter()
        .map(|(label, _)| label.chars().count())
        .max()
        .unwrap_or(0);
    for (label, value) in rows {
        let fill = " ".repeat(width - label.chars().count());
        writeln!(out, "{label}:{fill} {}", one_line(value))?;
    }
    Ok(())
}

/// Writes a value as pretty JSON, then a line break.
pub(crate) fn json<T: Serialize + ?Sized>(out: &mut dyn Write, value: &T) -> Result<(), CliError> {
    serde_json::to_writer_pretty(&mut *out, value).map_err(std::io::Error::from)?;
    writeln!(out)?;
    Ok(())
}

/// An optional value, or `-`.
pub(crate) fn opt<T: Display>(value: Option<&T>) -> String {
    value.map_or_else(|| "-".to_owned(), ToString::to_string)
}

/// An amount of money, with two decimal places.
pub(crate) fn money(value: Decimal) -> String {
    format!("{value:.2}")
}

/// A time, to the minute, in UTC.
pub(crate) fn datetime(at: OffsetDateTime) -> String {
    let utc = at.to_offset(time::UtcOffset::UTC);
    utc.format(format_description!(
        "[year]-[month]-[day] [hour]:[minute] UTC"
    ))
    .unwrap_or_else(|_| utc.to_string())
}

/// A date, `2026-05-12`.
pub(crate) fn date(day: Date) -> String {
    day.format(format_description!("[year]-[month]-[day]"))
        .unwrap_or_else(|_| day.to_string())
}

/// "1 order", "3 orders".
pub(crate) fn count(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_align_columns_and_numbers_right() {
        let mut table = Table::new(&["REF", ">QTY"]);
        table.row(vec!["VIS-M6".into(), "5".into()]);
        table.row(vec!["É".into(), "120".into()]);
        let mut out = Vec::new();
        table.write(&mut out, 0).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "REF     QTY\nVIS-M6    5\nÉ       120\n"
        );
    }
}
