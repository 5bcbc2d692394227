//! Articles and VAT codes.

use async_trait::async_trait;
use domain::catalogue::{Article, ArticleDetails, ArticleReference, Designation};
use domain::ids::ArticleId;
use domain::money::{Quantity, UnitPrice};
use domain::vat::{VatCode, VatCodeId, VatLabel, VatRate};
use ports::{CatalogueStore, Page, Paging, StoreError};
use sqlx::postgres::PgRow;

use crate::codec::{count, limit, offset, uuid, Cols};
use crate::db::PostgresTransaction;
use crate::error::unique_as;

macro_rules! select_article {
    ($rest:literal) => {
        concat!(
            "SELECT id, reference, designation, unit_price, vat_code, min_quantity, \
                    max_per_order, stock",
            $rest
        )
    };
}

fn quantity(value: i32) -> Result<Quantity, String> {
    let value = u32::try_from(value).map_err(|e| e.to_string())?;
    Quantity::new(value).map_err(|e| e.to_string())
}

pub(crate) fn article(row: &PgRow) -> Result<Article, StoreError> {
    let c = Cols::new(row, "articles");
    Ok(Article {
        id: ArticleId::from_u128(c.id("id")?),
        details: ArticleDetails {
            reference: c.parse("reference", ArticleReference::new)?,
            designation: c.parse("designation", Designation::new)?,
            unit_price: c.map("unit_price", UnitPrice::new)?,
            vat_code: c.opt_parse("vat_code", VatCodeId::new)?,
            min_quantity: c.map("min_quantity", quantity)?,
            max_per_order: c.map("max_per_order", |v: Option<i32>| {
                v.map(quantity).transpose()
            })?,
        },
        stock: c.map("stock", |v: i64| u32::try_from(v))?,
    })
}

pub(crate) fn vat_code(row: &PgRow) -> Result<VatCode, StoreError> {
    let c = Cols::new(row, "vat_codes");
    Ok(VatCode {
        code: c.parse("code", VatCodeId::new)?,
        label: c.parse("label", VatLabel::new)?,
        rate: c.map("rate", VatRate::new)?,
        is_default: c.get("is_default")?,
    })
}

fn max_per_order(details: &ArticleDetails) -> Option<i32> {
    details
        .max_per_order
        .map(|q| i32::try_from(q.get()).unwrap_or(i32::MAX))
}

fn min_quantity(details: &ArticleDetails) -> i32 {
    i32::try_from(details.min_quantity.get()).unwrap_or(i32::MAX)
}

impl PostgresTransaction {
    /// Why an article could not be written: its reference is another's, or (on insert) its
    /// id is taken, or (on update) it is not stored.
    async fn article_refusal(
        &mut self,
        id: ArticleId,
        details: &ArticleDetails,
        insert: bool,
    ) -> Result<StoreError, StoreError> {
        let r = sqlx::query_as::<_, (bool, bool)>(
            "SELECT EXISTS (SELECT 1 FROM articles WHERE id = $1), \
                    EXISTS (SELECT 1 FROM articles WHERE reference = $2 AND id <> $1)",
        )
        .bind(uuid(id.as_u128()))
        .bind(details.reference.as_str())
        .fetch_one(self.conn())
        .await;
        let (exists, reference_taken) = self.done(r)?;
        Ok(if reference_taken || (insert && exists) {
            StoreError::Duplicate {
                entity: "article",
                key: if reference_taken {
                    details.reference.to_string()
                } else {
                    id.to_string()
                },
            }
        } else if !exists {
            StoreError::NotFound {
                entity: "article",
                key: id.to_string(),
            }
        } else {
            StoreError::Retryable("a concurrent change of the catalogue".into())
        })
    }
}

#[async_trait]
impl CatalogueStore for PostgresTransaction {
    async fn insert_article(
        &mut self,
        id: ArticleId,
        details: &ArticleDetails,
    ) -> Result<(), StoreError> {
        let r = sqlx::query(
            "INSERT INTO articles (id, reference, designation, unit_price, vat_code, \
                                   min_quantity, max_per_order, stock) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 0) ON CONFLICT DO NOTHING",
        )
        .bind(uuid(id.as_u128()))
        .bind(details.reference.as_str())
        .bind(details.designation.as_str())
        .bind(details.unit_price.value())
        .bind(details.vat_code.as_ref().map(VatCodeId::as_str))
        .bind(min_quantity(details))
        .bind(max_per_order(details))
        .execute(self.conn())
        .await;
        if self.done(r)?.rows_affected() == 1 {
            return Ok(());
        }
        Err(self.article_refusal(id, details, true).await?)
    }

    async fn update_article(
        &mut self,
        id: ArticleId,
        details: &ArticleDetails,
    ) -> Result<(), StoreError> {
        let r = sqlx::query(
            "UPDATE articles SET reference = $2, designation = $3, unit_price = $4, \
                    vat_code = $5, min_quantity = $6, max_per_order = $7 \
             WHERE id = $1 \
               AND NOT EXISTS (SELECT 1 FROM articles o WHERE o.reference = $2 AND o.id <> $1)",
        )
        .bind(uuid(id.as_u128()))
        .bind(details.reference.as_str())
        .bind(details.designation.as_str())
        .bind(details.unit_price.value())
        .bind(details.vat_code.as_ref().map(VatCodeId::as_str))
        .bind(min_quantity(details))
        .bind(max_per_order(details))
        .execute(self.conn())
        .await;
        let key = details.reference.to_string();
        let done = self.check(r).map_err(|e| unique_as(e, "article", key))?;
        if done.rows_affected() == 1 {
            return Ok(());
        }
        Err(self.article_refusal(id, details, false).await?)
    }

    async fn get_article(&mut self, id: ArticleId) -> Result<Option<Article>, StoreError> {
        let r = sqlx::query(select_article!(" FROM articles WHERE id = $1"))
            .bind(uuid(id.as_u128()))
            .fetch_optional(self.conn())
            .await;
        self.done(r)?.as_ref().map(article).transpose()
    }

    async fn find_article(
        &mut self,
        reference: &ArticleReference,
    ) -> Result<Option<Article>, StoreError> {
        let r = sqlx::query(select_article!(" FROM articles WHERE reference = $1"))
            .bind(reference.as_str())
            .fetch_optional(self.conn())
            .await;
        self.done(r)?.as_ref().map(article).transpose()
    }

    async fn get_articles(&mut self, ids: &[ArticleId]) -> Result<Vec<Article>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<uuid::Uuid> = ids.iter().map(|id| uuid(id.as_u128())).collect();
        let r = sqlx::query(select_article!(" FROM articles WHERE id = ANY ($1)"))
            .bind(ids)
            .fetch_all(self.conn())
            .await;
        self.done(r)?.iter().map(article).collect()
    }

    async fn list_articles(&mut self, paging: Paging) -> Result<Page<Article>, StoreError> {
        // The total comes with the page (one round trip), except past the end, where no
        // row carries it.
        let r = sqlx::query(select_article!(
            ", count(*) OVER () AS total FROM articles ORDER BY reference LIMIT $1 OFFSET $2"
        ))
        .bind(limit(paging))
        .bind(offset(paging))
        .fetch_all(self.conn())
        .await;
        let rows = self.done(r)?;
        let total = match rows.first() {
            Some(row) => Cols::new(row, "articles").get::<i64>("total")?,
            None if paging.offset == 0 => 0,
            None => {
                let r = sqlx::query_scalar::<_, i64>("SELECT count(*) FROM articles")
                    .fetch_one(self.conn())
                    .await;
                self.done(r)?
            }
        };
        Ok(Page {
            items: rows.iter().map(article).collect::<Result<_, _>>()?,
            total: count(total, "articles")?,
        })
    }

    async fn save_vat_code(&mut self, code: &VatCode) -> Result<(), StoreError> {
        if code.is_default {
            // Before the upsert, not in the same statement: a unique index keeps one
            // default, and it is checked row by row.
            let r = sqlx::query(
                "UPDATE vat_codes SET is_default = FALSE WHERE is_default AND code <> $1",
            )
            .bind(code.code.as_str())
            .execute(self.conn())
            .await;
            self.done(r)?;
        }
        let r = sqlx::query(
            "INSERT INTO vat_codes (code, label, rate, is_default) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (code) DO UPDATE \
             SET label = EXCLUDED.label, rate = EXCLUDED.rate, is_default = EXCLUDED.is_default",
        )
        .bind(code.code.as_str())
        .bind(code.label.as_str())
        .bind(code.rate.percent())
        .bind(code.is_default)
        .execute(self.conn())
        .await;
        self.done(r)?;
        Ok(())
    }

    async fn list_vat_codes(&mut self) -> Result<Vec<VatCode>, StoreError> {
        let r = sqlx::query("SELECT code, label, rate, is_default FROM vat_codes ORDER BY code")
            .fetch_all(self.conn())
            .await;
        self.done(r)?.iter().map(vat_code).collect()
    }
}
