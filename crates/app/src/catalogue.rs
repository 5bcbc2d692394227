//! Articles, VAT codes and stock.

use domain::catalogue::{Article, ArticleDetails, ArticleReference};
use domain::ids::ArticleId;
use domain::order::Reason;
use domain::vat::{rate_for, VatCode};
use ports::{
    CatalogueStore, EntityKind, MovementReason, Page, Paging, StockLevel, StockMovement, TxMode,
};

use crate::audit::Diff;
use crate::error::duplicate_as_conflict;
use crate::scope::{require_admin, require_internal};
use crate::{App, AppError, Caller};

/// How a request names an article: by id or by reference.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArticleKey {
    /// By id.
    Id(ArticleId),
    /// By reference.
    Reference(ArticleReference),
}

impl std::fmt::Display for ArticleKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ArticleKey::Id(id) => write!(f, "{id}"),
            ArticleKey::Reference(reference) => write!(f, "{reference}"),
        }
    }
}

/// Finds an article by key.
pub(crate) async fn find_article(
    tx: &mut (dyn CatalogueStore + '_),
    key: &ArticleKey,
) -> Result<Option<Article>, AppError> {
    Ok(match key {
        ArticleKey::Id(id) => tx.get_article(*id).await?,
        ArticleKey::Reference(reference) => tx.find_article(reference).await?,
    })
}

impl App {
    /// Creates an article with an initial stock, recorded as an adjustment.
    ///
    /// # Errors
    /// [`AppError::Conflict`] when the reference is taken; [`AppError::Invalid`] when the
    /// maximum per order is below the minimum or the VAT code does not exist.
    pub async fn create_article(
        &self,
        caller: &Caller,
        details: &ArticleDetails,
        initial_stock: u32,
    ) -> Result<Article, AppError> {
        require_admin(caller, "create articles")?;
        details
            .check_limits()
            .map_err(|e| AppError::invalid("max_per_order", e))?;
        let id = ArticleId::from_u128(self.ids.next_id());
        let now = self.now();
        transaction!(self, TxMode::Write, |tx| {
            check_vat_code(&mut *tx, details).await?;
            tx.insert_article(id, details)
                .await
                .map_err(duplicate_as_conflict)?;
            if initial_stock > 0 {
                tx.apply_movements(&[StockMovement {
                    article: id,
                    delta: i64::from(initial_stock),
                    reason: MovementReason::Adjustment,
                    order: None,
                    at: now,
                    by: caller.actor.clone(),
                    note: Reason::new("stock initial").ok(),
                }])
                .await?;
            }
            Ok(())
        })?;
        Ok(Article {
            id,
            details: details.clone(),
            stock: initial_stock,
        })
    }

    /// Changes an article's description (not its stock), recording what changed. Orders
    /// already registered keep the price, designation and rate they copied.
    ///
    /// # Errors
    /// [`AppError::NotFound`], [`AppError::Conflict`], [`AppError::Invalid`].
    pub async fn update_article(
        &self,
        caller: &Caller,
        key: &ArticleKey,
        details: &ArticleDetails,
    ) -> Result<Article, AppError> {
        require_admin(caller, "change articles")?;
        details
            .check_limits()
            .map_err(|e| AppError::invalid("max_per_order", e))?;
        let now = self.now();
        transaction!(self, TxMode::Write, |tx| {
            let before = find_article(&mut *tx, key)
                .await?
                .ok_or_else(|| AppError::not_found("article", key))?;
            check_vat_code(&mut *tx, details).await?;
            let (b, a) = (&before.details, details);
            let mut diff = Diff::default();
            diff.field("reference", &b.reference, &a.reference)
                .field("designation", &b.designation, &a.designation)
                .field("unit_price", &b.unit_price, &a.unit_price)
                .field("vat_code", &b.vat_code, &a.vat_code)
                .field("min_quantity", &b.min_quantity, &a.min_quantity)
                .field("max_per_order", &b.max_per_order, &a.max_per_order);
            if diff.is_empty() {
                return Ok(before);
            }
            tx.update_article(before.id, details)
                .await
                .map_err(duplicate_as_conflict)?;
            diff.record(&mut *tx, EntityKind::Article, before.id, caller, now)
                .await?;
            Ok(Article {
                details: details.clone(),
                ..before
            })
        })
    }

    /// An article, by id or reference.
    ///
    /// # Errors
    /// [`AppError::NotFound`].
    pub async fn article(&self, key: &ArticleKey) -> Result<Article, AppError> {
        transaction!(self, TxMode::Read, |tx| {
            find_article(&mut *tx, key)
                .await?
                .ok_or_else(|| AppError::not_found("article", key))
        })
    }

    /// A page of the catalogue, by reference.
    ///
    /// # Errors
    /// [`AppError::Store`] when the database fails.
    pub async fn articles(&self, paging: Paging) -> Result<Page<Article>, AppError> {
        transaction!(self, TxMode::Read, |tx| {
            Ok(tx.list_articles(paging).await?)
        })
    }

    /// Adds units to (positive) or removes units from (negative) an article's stock, with
    /// the reason recorded in its movements.
    ///
    /// # Errors
    /// [`AppError::Invalid`] for a delta of 0; [`AppError::Shortage`] when the stock would
    /// go below zero; [`AppError::NotFound`].
    pub async fn adjust_stock(
        &self,
        caller: &Caller,
        key: &ArticleKey,
        delta: i64,
        note: Option<Reason>,
    ) -> Result<StockLevel, AppError> {
        require_admin(caller, "adjust stock")?;
        if delta == 0 {
            return Err(AppError::invalid(
                "delta",
                "a stock adjustment must add or remove at least one unit",
            ));
        }
        let now = self.now();
        transaction!(self, TxMode::Write, |tx| {
            let article = find_article(&mut *tx, key)
                .await?
                .ok_or_else(|| AppError::not_found("article", key))?;
            let levels = tx
                .apply_movements(&[StockMovement {
                    article: article.id,
                    delta,
                    reason: MovementReason::Adjustment,
                    order: None,
                    at: now,
                    by: caller.actor.clone(),
                    note: note.clone(),
                }])
                .await?;
            levels
                .into_iter()
                .next()
                .ok_or_else(|| AppError::not_found("article", key))
        })
    }

    /// An article's stock movements, newest first.
    ///
    /// # Errors
    /// [`AppError::NotFound`].
    pub async fn stock_movements(
        &self,
        caller: &Caller,
        key: &ArticleKey,
        paging: Paging,
    ) -> Result<Page<StockMovement>, AppError> {
        require_internal(caller, "see stock movements")?;
        transaction!(self, TxMode::Read, |tx| {
            let article = find_article(&mut *tx, key)
                .await?
                .ok_or_else(|| AppError::not_found("article", key))?;
            Ok(tx.movements_of(article.id, paging).await?)
        })
    }

    /// Creates or changes a VAT code. Orders already registered keep the rate they copied.
    ///
    /// # Errors
    /// [`AppError::Forbidden`] unless the caller is staff.
    pub async fn save_vat_code(&self, caller: &Caller, code: &VatCode) -> Result<(), AppError> {
        require_admin(caller, "maintain VAT codes")?;
        transaction!(self, TxMode::Write, |tx| {
            tx.save_vat_code(code).await?;
            Ok(())
        })
    }

    /// Every VAT code, by code.
    ///
    /// # Errors
    /// [`AppError::Store`] when the database fails.
    pub async fn vat_codes(&self) -> Result<Vec<VatCode>, AppError> {
        transaction!(self, TxMode::Read, |tx| { Ok(tx.list_vat_codes().await?) })
    }
}

async fn check_vat_code(
    tx: &mut (dyn CatalogueStore + '_),
    details: &ArticleDetails,
) -> Result<(), AppError> {
    if details.vat_code.is_some() {
        let codes = tx.list_vat_codes().await?;
        rate_for(&codes, details.vat_code.as_ref())
            .map_err(|e| AppError::invalid("vat_code", e))?;
    }
    Ok(())
}
