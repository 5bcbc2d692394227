//! Importing a catalogue all at once: every row is checked, then new articles are
//! created, existing references updated and stocks set, in one transaction. A row at
//! fault refuses the whole import, naming its line; nothing is written.

use std::collections::HashMap;

use domain::catalogue::{ArticleDetails, ArticleReference};
use domain::ids::ArticleId;
use domain::order::Reason;
use domain::vat::rate_for;
use ports::{EntityKind, MovementReason, StockMovement, StoreError, TxMode};
use serde::Serialize;

use crate::audit::Diff;
use crate::error::duplicate_as_conflict;
use crate::scope::require_admin;
use crate::{App, AppError, Caller};

/// The note of the stock movements an import makes.
pub const IMPORT_NOTE: &str = "import catalogue";

/// One article of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogueRow {
    /// The line the row is on in its file (the header is line 1), for errors.
    pub line: u64,
    /// The article as the file describes it.
    pub details: ArticleDetails,
    /// The stock to set; `None` leaves an existing article's stock as it is (a new
    /// article starts with none).
    pub stock: Option<u32>,
}

/// An article whose stock the import set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StockChange {
    /// The article.
    pub reference: ArticleReference,
    /// Its stock before.
    pub before: u32,
    /// Its stock now.
    pub after: u32,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    /// The articles created.
    pub created: Vec<ArticleReference>,
    /// The existing articles whose description changed.
    pub updated: Vec<ArticleReference>,
    /// The existing articles whose description was already the file's.
    pub unchanged: Vec<ArticleReference>,
    /// The stocks set, each by an adjustment noted [`IMPORT_NOTE`].
    pub stock_changes: Vec<StockChange>,
}

fn at_line(line: u64, field: &str, error: impl std::fmt::Display) -> AppError {
    AppError::Invalid {
        field: format!("line {line}, field {field}"),
        message: error.to_string(),
    }
}

impl App {
    /// Imports these rows in one transaction: a reference not in the catalogue is
    /// created, one already there is updated (the change is recorded), and each stock
    /// given is set by an adjustment movement noted "import catalogue". All or nothing.
    ///
    /// # Errors
    /// [`AppError::Invalid`] naming the line and the field of the first row at fault (a
    /// reference twice in the rows, a maximum below the minimum, an unknown VAT code);
    /// [`AppError::Forbidden`] unless the caller is staff; [`AppError::Store`].
    pub async fn import_catalogue(
        &self,
        caller: &Caller,
        rows: &[CatalogueRow],
    ) -> Result<ImportReport, AppError> {
        require_admin(caller, "import the catalogue")?;
        let mut seen: HashMap<&ArticleReference, u64> = HashMap::new();
        for row in rows {
            row.details
                .check_limits()
                .map_err(|e| at_line(row.line, "max_per_order", e))?;
            if let Some(first) = seen.insert(&row.details.reference, row.line) {
                return Err(at_line(
                    row.line,
                    "reference",
                    format!(
                        "{} is already on line {first}: a reference appears once",
                        row.details.reference
                    ),
                ));
            }
        }
        let note = Reason::new(IMPORT_NOTE).ok();
        let now = self.now();
        let new_ids: Vec<ArticleId> = rows
            .iter()
            .map(|_| ArticleId::from_u128(self.ids.next_id()))
            .collect();
        transaction!(self, TxMode::Write, |tx| {
            let codes = tx.list_vat_codes().await?;
            let mut report = ImportReport::default();
            let mut movements = Vec::new();
            for (row, new_id) in rows.iter().zip(&new_ids) {
                if row.details.vat_code.is_some() {
                    rate_for(&codes, row.details.vat_code.as_ref())
                        .map_err(|e| at_line(row.line, "vat_code", e))?;
                }
                let reference = &row.details.reference;
                let (id, before) = match tx.find_article(reference).await? {
                    None => {
                        tx.insert_article(*new_id, &row.details)
                            .await
                            .map_err(|e| match e {
                                StoreError::Duplicate { .. } => at_line(
                                    row.line,
                                    "reference",
                                    format!("{reference} already exists"),
                                ),
                                other => AppError::Store(other),
                            })?;
                        report.created.push(reference.clone());
                        (*new_id, 0)
                    }
                    Some(existing) => {
                        let (b, a) = (&existing.details, &row.details);
                        let mut diff = Diff::default();
                        diff.field("designation", &b.designation, &a.designation)
                            .field("unit_price", &b.unit_price, &a.unit_price)
                            .field("vat_code", &b.vat_code, &a.vat_code)
                            .field("min_quantity", &b.min_quantity, &a.min_quantity)
                            .field("max_per_order", &b.max_per_order, &a.max_per_order);
                        if diff.is_empty() {
                            report.unchanged.push(reference.clone());
                        } else {
                            tx.update_article(existing.id, a)
                                .await
                                .map_err(duplicate_as_conflict)?;
                            diff.record(&mut *tx, EntityKind::Article, existing.id, caller, now)
                                .await?;
                            report.updated.push(reference.clone());
                        }
                        (existing.id, existing.stock)
                    }
                };
                if let Some(after) = row.stock {
                    let delta = i64::from(after) - i64::from(before);
                    if delta != 0 {
                        movements.push(StockMovement {
                            article: id,
                            delta,
                            reason: MovementReason::Adjustment,
                            order: None,
                            at: now,
                            by: caller.actor.clone(),
                            note: note.clone(),
                        });
                        report.stock_changes.push(StockChange {
                            reference: reference.clone(),
                            before,
                            after,
                        });
                    }
                }
            }
            if !movements.is_empty() {
                tx.apply_movements(&movements).await?;
            }
            Ok(report)
        })
    }
}
