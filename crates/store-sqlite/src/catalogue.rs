//! Articles and VAT codes ([`CatalogueStore`]).

use async_trait::async_trait;
use domain::catalogue::{Article, ArticleDetails, ArticleReference, Designation};
use domain::ids::ArticleId;
use domain::money::{Quantity, UnitPrice};
use domain::vat::{VatCode, VatCodeId, VatLabel, VatRate};
use ports::{CatalogueStore, Page, Paging, StoreError};
use sqlx::sqlite::SqliteRow;
use sqlx::QueryBuilder;

use crate::codec::{decimal_text, Columns, ROWS_PER_STATEMENT};
use crate::error::{translate, violated_columns};
use crate::tx::SqliteTx;

/// The columns of `vat_codes`.
pub(crate) const VAT_CODE_COLUMNS: &str = "code, label, rate, is_default";

pub(crate) const ARTICLE_COLUMNS: &str =
    "id, reference, designation, unit_price, vat_code, min_quantity, max_per_order, stock";

pub(crate) fn article(row: &SqliteRow) -> Result<Article, StoreError> {
    let c = Columns::new(row, "articles");
    Ok(Article {
        id: c.parse("id", ArticleId::parse)?,
        details: ArticleDetails {
            reference: c.parse("reference", ArticleReference::new)?,
            designation: c.parse("designation", Designation::new)?,
            unit_price: c.check("unit_price", UnitPrice::new(c.decimal("unit_price")?))?,
            vat_code: c.opt_parse("vat_code", VatCodeId::new)?,
            min_quantity: c.check("min_quantity", Quantity::new(c.int_as("min_quantity")?))?,
            max_per_order: c
                .opt_int_as("max_per_order")?
                .map(|n| c.check("max_per_order", Quantity::new(n)))
                .transpose()?,
        },
        stock: c.int_as("stock")?,
    })
}

/// A clash on an article: its reference (the usual case) or its id.
fn article_conflict(
    id: ArticleId,
    details: &ArticleDetails,
) -> impl FnOnce(sqlx::Error) -> StoreError + '_ {
    move |err| {
        let columns = violated_columns(&err);
        if columns.iter().any(|c| c == "articles.reference") {
            StoreError::Duplicate {
                entity: "article",
                key: details.reference.to_string(),
            }
        } else if columns.iter().any(|c| c == "articles.id") {
            StoreError::Duplicate {
                entity: "article",
                key: id.to_string(),
            }
        } else {
            translate(err)
        }
    }
}

pub(crate) fn vat_code(row: &SqliteRow) -> Result<VatCode, StoreError> {
    let c = Columns::new(row, "vat_codes");
    Ok(VatCode {
        code: c.parse("code", VatCodeId::new)?,
        label: c.parse("label", VatLabel::new)?,
        rate: c.check("rate", VatRate::new(c.decimal("rate")?))?,
        is_default: c.int("is_default")? != 0,
    })
}

#[async_trait]
impl CatalogueStore for SqliteTx {
    async fn insert_article(
        &mut self,
        id: ArticleId,
        details: &ArticleDetails,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO articles (id, reference, designation, unit_price, vat_code, \
             min_quantity, max_per_order, stock) VALUES (?, ?, ?, ?, ?, ?, ?, 0)",
        )
        .bind(id.to_string())
        .bind(details.reference.as_str())
        .bind(details.designation.as_str())
        .bind(decimal_text(details.unit_price.value()))
        .bind(details.vat_code.as_ref().map(VatCodeId::as_str))
        .bind(details.min_quantity.get())
        .bind(details.max_per_order.map(Quantity::get))
        .execute(self.conn().await?)
        .await
        .map_err(article_conflict(id, details))?;
        Ok(())
    }

    async fn update_article(
        &mut self,
        id: ArticleId,
        details: &ArticleDetails,
    ) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE articles SET reference = ?, designation = ?, unit_price = ?, vat_code = ?, \
             min_quantity = ?, max_per_order = ? WHERE id = ?",
        )
        .bind(details.reference.as_str())
        .bind(details.designation.as_str())
        .bind(decimal_text(details.unit_price.value()))
        .bind(details.vat_code.as_ref().map(VatCodeId::as_str))
        .bind(details.min_quantity.get())
        .bind(details.max_per_order.map(Quantity::get))
        .bind(id.to_string())
        .execute(self.conn().await?)
        .await
        .map_err(article_conflict(id, details))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound {
                entity: "article",
                key: id.to_string(),
            });
        }
        Ok(())
    }

    async fn get_article(&mut self, id: ArticleId) -> Result<Option<Article>, StoreError> {
        let sql = format!("SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = ?");
        let row = sqlx::query(&sql)
            .bind(id.to_string())
            .fetch_optional(self.conn().await?)
            .await
            .map_err(translate)?;
        row.as_ref().map(article).transpose()
    }

    async fn find_article(
        &mut self,
        reference: &ArticleReference,
    ) -> Result<Option<Article>, StoreError> {
        let sql = format!("SELECT {ARTICLE_COLUMNS} FROM articles WHERE reference = ?");
        let row = sqlx::query(&sql)
            .bind(reference.as_str())
            .fetch_optional(self.conn().await?)
            .await
            .map_err(translate)?;
        row.as_ref().map(article).transpose()
    }

    async fn get_articles(&mut self, ids: &[ArticleId]) -> Result<Vec<Article>, StoreError> {
        let mut ids: Vec<ArticleId> = ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        let mut articles = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(ROWS_PER_STATEMENT) {
            let mut sql = QueryBuilder::new(format!(
                "SELECT {ARTICLE_COLUMNS} FROM articles WHERE id IN ("
            ));
            let mut list = sql.separated(", ");
            for id in chunk {
                list.push_bind(id.to_string());
            }
            sql.push(")");
            let rows = sql
                .build()
                .fetch_all(self.conn().await?)
                .await
                .map_err(translate)?;
            for row in &rows {
                articles.push(article(row)?);
            }
        }
        Ok(articles)
    }

    async fn list_articles(&mut self, paging: Paging) -> Result<Page<Article>, StoreError> {
        let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM articles")
            .fetch_one(self.conn().await?)
            .await
            .map_err(translate)?;
        let sql =
            format!("SELECT {ARTICLE_COLUMNS} FROM articles ORDER BY reference LIMIT ? OFFSET ?");
        let rows = sqlx::query(&sql)
            .bind(crate::codec::limit(paging))
            .bind(crate::codec::offset(paging))
            .fetch_all(self.conn().await?)
            .await
            .map_err(translate)?;
        Ok(Page {
            items: rows.iter().map(article).collect::<Result<_, _>>()?,
            total: crate::codec::total(total),
        })
    }

    async fn save_vat_code(&mut self, code: &VatCode) -> Result<(), StoreError> {
        if code.is_default {
            sqlx::query("UPDATE vat_codes SET is_default = 0 WHERE is_default = 1 AND code <> ?")
                .bind(code.code.as_str())
                .execute(self.conn().await?)
                .await
                .map_err(translate)?;
        }
        sqlx::query(
            "INSERT INTO vat_codes (code, label, rate, is_default) VALUES (?, ?, ?, ?) \
             ON CONFLICT (code) DO UPDATE SET label = excluded.label, rate = excluded.rate, \
             is_default = excluded.is_default",
        )
        .bind(code.code.as_str())
        .bind(code.label.as_str())
        .bind(decimal_text(code.rate.percent()))
        .bind(i64::from(code.is_default))
        .execute(self.conn().await?)
        .await
        .map_err(translate)?;
        Ok(())
    }

    async fn list_vat_codes(&mut self) -> Result<Vec<VatCode>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {VAT_CODE_COLUMNS} FROM vat_codes ORDER BY code"
        ))
        .fetch_all(self.conn().await?)
        .await
        .map_err(translate)?;
        rows.iter().map(vat_code).collect()
    }
}
