//! The catalogue as CSV: one article a row, under a header naming the columns
//! `reference, designation, unit_price, vat_code, min_quantity, max_per_order, stock`.
//! Reading checks every row and reports every bad one with its line in the file (the
//! header is line 1); a file with a bad row gives no row at all.

use std::collections::HashMap;
use std::io::Write;

use app::catalogue_import::CatalogueRow;
use domain::catalogue::{Article, ArticleDetails};
use domain::money::Quantity;

use crate::errors::CliError;
use crate::parse;

/// The columns, in the order they are written.
pub(crate) const COLUMNS: [&str; 7] = [
    "reference",
    "designation",
    "unit_price",
    "vat_code",
    "min_quantity",
    "max_per_order",
    "stock",
];

/// The columns a file must have; the others may be left out.
const REQUIRED: [&str; 3] = ["reference", "designation", "unit_price"];

/// The most bad rows named in one report.
const MAX_REPORTED: usize = 20;

/// Writes the articles as CSV, header first.
pub(crate) fn write(out: &mut dyn Write, articles: &[Article]) -> Result<(), CliError> {
    let mut writer = csv::Writer::from_writer(out);
    let failed = |e: csv::Error| CliError::failure("io", format!("cannot write the CSV: {e}"));
    writer.write_record(COLUMNS).map_err(failed)?;
    for a in articles {
        let d = &a.details;
        writer
            .write_record([
                d.reference.to_string(),
                d.designation.to_string(),
                d.unit_price.value().to_string(),
                d.vat_code
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
                d.min_quantity.get().to_string(),
                d.max_per_order
                    .map(|q| q.get().to_string())
                    .unwrap_or_default(),
                a.stock.to_string(),
            ])
            .map_err(failed)?;
    }
    writer.flush()?;
    Ok(())
}

/// Reads every row of a CSV catalogue, or reports every bad row (exit status 2).
pub(crate) fn read(bytes: &[u8]) -> Result<Vec<CatalogueRow>, CliError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let mut records = reader.records();
    let header = match records.next() {
        None => {
            return Err(bad(vec![
                "the file is empty: line 1 must name the columns".into()
            ]))
        }
        Some(Err(e)) => return Err(bad(vec![csv_problem(&e)])),
        Some(Ok(header)) => header,
    };
    let columns = read_header(&header)?;
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let mut first_line: HashMap<String, u64> = HashMap::new();
    for record in records {
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                problems.push(csv_problem(&e));
                continue;
            }
        };
        let line = record.position().map_or(0, csv::Position::line);
        if record.len() != columns.len() {
            problems.push(format!(
                "line {line}: {} fields, but the header names {} columns",
                record.len(),
                columns.len()
            ));
            continue;
        }
        match read_row(line, &columns, &record) {
            Ok(row) => {
                let key = row.details.reference.to_string();
                if let Some(first) = first_line.get(&key) {
                    problems.push(format!(
                        "line {line}, field reference: {key} is already on line {first}: a reference appears once"
                    ));
                } else {
                    first_line.insert(key, line);
                    rows.push(row);
                }
            }
            Err(mut found) => problems.append(&mut found),
        }
    }
    if !problems.is_empty() {
        return Err(bad(problems));
    }
    if rows.is_empty() {
        return Err(bad(vec!["the file has no article after its header".into()]));
    }
    Ok(rows)
}

fn read_header(header: &csv::StringRecord) -> Result<Vec<String>, CliError> {
    let columns: Vec<String> = header
        .iter()
        .map(|c| c.trim_start_matches('\u{feff}').trim().to_ascii_lowercase())
        .collect();
    let mut problems = Vec::new();
    for (i, column) in columns.iter().enumerate() {
        if !COLUMNS.contains(&column.as_str()) {
            problems.push(format!(
                "line 1: unknown column {column:?}; the columns are {}",
                COLUMNS.join(", ")
            ));
        } else if columns[..i].contains(column) {
            problems.push(format!("line 1: the column {column} is named twice"));
        }
    }
    for required in REQUIRED {
        if !columns.iter().any(|c| c == required) {
            problems.push(format!("line 1: the column {required} is missing"));
        }
    }
    if problems.is_empty() {
        Ok(columns)
    } else {
        Err(bad(problems))
    }
}

/// One row, or every problem of the row.
fn read_row(
    line: u64,
    columns: &[String],
    record: &csv::StringRecord,
) -> Result<CatalogueRow, Vec<String>> {
    let field = |name: &str| -> String {
        columns
            .iter()
            .position(|c| c == name)
            .and_then(|i| record.get(i))
            .unwrap_or("")
            .to_owned()
    };
    let mut problems = Vec::new();
    let p = &mut problems;
    let reference = take(p, line, "reference", parse::reference(&field("reference")));
    let designation = take(
        p,
        line,
        "designation",
        parse::designation(&field("designation")),
    );
    let unit_price = take(p, line, "unit_price", parse::price(&field("unit_price")));
    let vat_code = take(
        p,
        line,
        "vat_code",
        optional(&field("vat_code"), parse::vat_code),
    );
    let min_quantity = take(
        p,
        line,
        "min_quantity",
        optional(&field("min_quantity"), parse::quantity),
    );
    let max_per_order = take(
        p,
        line,
        "max_per_order",
        optional(&field("max_per_order"), parse::quantity),
    );
    let stock = take(p, line, "stock", optional(&field("stock"), stock));
    let (
        Some(reference),
        Some(designation),
        Some(unit_price),
        Some(vat_code),
        Some(min_quantity),
        Some(max_per_order),
        Some(stock),
    ) = (
        reference,
        designation,
        unit_price,
        vat_code,
        min_quantity,
        max_per_order,
        stock,
    )
    else {
        return Err(problems);
    };
    let min_quantity = match min_quantity {
        Some(q) => q,
        None => Quantity::new(1).map_err(|e| vec![e.to_string()])?,
    };
    let details = ArticleDetails {
        reference,
        designation,
        unit_price,
        vat_code,
        min_quantity,
        max_per_order,
    };
    if let Err(e) = details.check_limits() {
        return Err(vec![format!("line {line}, field max_per_order: {e}")]);
    }
    Ok(CatalogueRow {
        line,
        details,
        stock,
    })
}

/// The value, or `None` with the problem noted.
fn take<T>(
    problems: &mut Vec<String>,
    line: u64,
    name: &str,
    parsed: Result<T, String>,
) -> Option<T> {
    match parsed {
        Ok(value) => Some(value),
        Err(e) => {
            problems.push(format!("line {line}, field {name}: {e}"));
            None
        }
    }
}

fn optional<T>(value: &str, parse: fn(&str) -> Result<T, String>) -> Result<Option<T>, String> {
    if value.is_empty() {
        Ok(None)
    } else {
        parse(value).map(Some)
    }
}

fn stock(value: &str) -> Result<u32, String> {
    value
        .parse::<u32>()
        .map_err(|_| format!("{value:?} is not a stock: expected a whole number, 0 or more"))
}

fn csv_problem(e: &csv::Error) -> String {
    match e.position() {
        Some(p) => format!("line {}: {e}", p.line()),
        None => e.to_string(),
    }
}

fn bad(problems: Vec<String>) -> CliError {
    let total = problems.len();
    let mut shown: Vec<String> = problems.into_iter().take(MAX_REPORTED).collect();
    if total > MAX_REPORTED {
        shown.push(format!("and {} more", total - MAX_REPORTED));
    }
    CliError::input(
        "invalid_csv",
        format!("nothing was imported: {}", shown.join("; ")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_read_with_their_lines() {
        let text = "reference,designation,unit_price,vat_code,min_quantity,max_per_order,stock\n\
                    vis-m6,\"Vis M6, la boîte\",12.50,REDUIT,1,,40\n\
                    GANTS,Gants,3,,,10,\n";
        let rows = read(text.as_bytes()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[0].details.reference.as_str(), "VIS-M6");
        assert_eq!(rows[0].stock, Some(40));
        assert_eq!(rows[1].line, 3);
        assert_eq!(rows[1].stock, None);
        assert_eq!(rows[1].details.min_quantity.get(), 1);
    }

    #[test]
    fn every_bad_row_is_named_by_its_line() {
        let text = "reference,designation,unit_price\nA,Un,1\nB,Deux,abc\nA,Trois,2\nC,,x\n";
        let err = read(text.as_bytes()).unwrap_err();
        assert_eq!(err.code, "invalid_csv");
        assert!(
            err.message.contains("line 3, field unit_price"),
            "{}",
            err.message
        );
        assert!(
            err.message
                .contains("line 4, field reference: A is already on line 2"),
            "{}",
            err.message
        );
        assert!(
            err.message.contains("line 5, field designation"),
            "{}",
            err.message
        );
        assert!(
            err.message.contains("line 5, field unit_price"),
            "{}",
            err.message
        );
        let err = read(b"reference,price\n").unwrap_err();
        assert!(
            err.message.contains("unknown column \"price\""),
            "{}",
            err.message
        );
        let err = read(b"reference,designation,unit_price\nA,B\n").unwrap_err();
        assert!(err.message.contains("line 2: 2 fields"), "{}", err.message);
    }
}
