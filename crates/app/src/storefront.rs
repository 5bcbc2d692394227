//! The shop's view of the catalogue: articles found by their reference or by words of
//! their designation, whatever the case and the accents, each with its VAT rate and its
//! unit price with tax (priced by `domain`, as an order line of one unit would be).

use domain::catalogue::Article;
use domain::money::{Amount, Quantity};
use domain::pricing::{price, LineInput};
use domain::text::search_key;
use domain::vat::{rate_for, VatCode, VatRate};
use ports::{Page, Paging, TxMode};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::catalogue::{find_article, ArticleKey};
use crate::{App, AppError};

/// An article as the shop shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShopArticle {
    /// The article, with its stock.
    pub article: Article,
    /// Its VAT rate today.
    pub vat_rate: VatRate,
    /// One unit's price with tax.
    pub unit_price_ttc: Decimal,
}

/// How many articles are read at once while searching.
const SCAN_PAGE: u32 = Paging::MAX_LIMIT;

/// Whether an article matches every word of a search key.
fn matches(article: &Article, words: &[&str]) -> bool {
    let haystack = search_key(&format!(
        "{} {}",
        article.details.reference, article.details.designation
    ));
    words.iter().all(|word| haystack.contains(word))
}

fn shop_article(article: Article, codes: &[VatCode]) -> Result<ShopArticle, AppError> {
    let rate = rate_for(codes, article.details.vat_code.as_ref())
        .map_err(|e| AppError::invalid("vat_code", e))?;
    let one = Quantity::new(1).map_err(|e| AppError::invalid("quantity", e))?;
    let priced = price(
        &[LineInput {
            quantity: one,
            unit_price: article.details.unit_price,
            discount: Amount::ZERO,
            vat_rate: rate,
        }],
        Amount::ZERO,
    )
    .map_err(domain::order::OrderError::from)?;
    Ok(ShopArticle {
        article,
        vat_rate: rate,
        unit_price_ttc: priced.total_ttc,
    })
}

impl App {
    /// A page of the articles whose reference or designation hold every word of `text`
    /// (case and accents aside), by reference; the whole catalogue when `text` is blank.
    ///
    /// # Errors
    /// [`AppError::Store`] when the database fails.
    pub async fn search_catalogue(
        &self,
        text: &str,
        paging: Paging,
    ) -> Result<Page<ShopArticle>, AppError> {
        let key = search_key(text);
        let words: Vec<&str> = key.split(' ').filter(|w| !w.is_empty()).collect();
        transaction!(self, TxMode::Read, |tx| {
            let codes = tx.list_vat_codes().await?;
            let (found, total) = if words.is_empty() {
                let page = tx.list_articles(paging).await?;
                (page.items, page.total)
            } else {
                // Every article is read, a page at a time, and matched here.
                let mut matching = Vec::new();
                let mut offset = 0u64;
                loop {
                    let page = tx
                        .list_articles(Paging {
                            offset,
                            limit: SCAN_PAGE,
                        })
                        .await?;
                    let read = page.items.len();
                    matching.extend(page.items.into_iter().filter(|a| matches(a, &words)));
                    offset += read as u64;
                    if read < SCAN_PAGE as usize || offset >= page.total {
                        break;
                    }
                }
                let total = matching.len() as u64;
                let skip = usize::try_from(paging.offset).unwrap_or(usize::MAX);
                let items = matching
                    .into_iter()
                    .skip(skip)
                    .take(paging.limit as usize)
                    .collect();
                (items, total)
            };
            let items = found
                .into_iter()
                .map(|a| shop_article(a, &codes))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Page { items, total })
        })
    }

    /// An article as the shop shows it, by reference or id.
    ///
    /// # Errors
    /// [`AppError::NotFound`].
    pub async fn shop_article(&self, key: &ArticleKey) -> Result<ShopArticle, AppError> {
        transaction!(self, TxMode::Read, |tx| {
            let article = find_article(&mut *tx, key)
                .await?
                .ok_or_else(|| AppError::not_found("article", key))?;
            let codes = tx.list_vat_codes().await?;
            shop_article(article, &codes)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::catalogue::ArticleDetails;
    use domain::ids::ArticleId;

    fn article(reference: &str, designation: &str) -> Article {
        Article {
            id: ArticleId::from_u128(1),
            details: ArticleDetails {
                reference: domain::catalogue::ArticleReference::new(reference).unwrap(),
                designation: domain::catalogue::Designation::new(designation).unwrap(),
                unit_price: domain::money::UnitPrice::new(Decimal::new(1250, 2)).unwrap(),
                vat_code: None,
                min_quantity: Quantity::new(1).unwrap(),
                max_per_order: None,
            },
            stock: 3,
        }
    }

    #[test]
    fn every_word_must_match_the_reference_or_the_designation_whatever_accents_and_case() {
        let a = article("VIS-M6", "Vis à tête hexagonale, acier zingué");
        let key = |t: &str| search_key(t);
        let words = |k: &'static str| -> Vec<&'static str> { k.split(' ').collect() };
        let k1 = Box::leak(key("ZINGUE tete").into_boxed_str());
        assert!(matches(&a, &words(k1)));
        let k2 = Box::leak(key("vis-m6").into_boxed_str());
        assert!(matches(&a, &words(k2)));
        let k3 = Box::leak(key("zingué laiton").into_boxed_str());
        assert!(!matches(&a, &words(k3)));
    }

    #[test]
    fn the_price_with_tax_is_priced_as_one_unit() {
        let a = shop_article(article("VIS-M6", "Vis"), &[]).unwrap();
        assert_eq!(a.vat_rate, VatRate::standard());
        assert_eq!(a.unit_price_ttc, Decimal::new(1500, 2));
    }
}
