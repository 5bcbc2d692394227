//! Quotes: a list of lines priced exactly as an order would be (the catalogue's quantity
//! rules, the article's price and designation, the VAT rate of its code, line and global
//! discounts), with whether the stock covers each line now. Nothing is placed, reserved or
//! recorded: a quote is what a customer or an order taker looks at before ordering.

use std::collections::HashMap;

use domain::catalogue::{Article, QuantityRuleError};
use domain::ids::ArticleId;
use domain::money::Amount;
use domain::order::{LineDraft, OrderError};
use domain::pricing::{price, LineInput, Pricing};
use domain::vat::rate_for;
use ports::{CatalogueStore, TxMode};
use serde::Serialize;

use crate::catalogue::{find_article, ArticleKey};
use crate::orders::LineRequest;
use crate::{Access, App, AppError, Caller, LineProblem};

/// One line of a quote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuotedLine {
    /// The line as an order would hold it: the article's price, designation and VAT rate
    /// as they are now, the quantity and the discount asked.
    pub line: LineDraft,
    /// The article's stock now.
    pub available: u32,
    /// Whether the stock covers this line now, together with the lines of the same article
    /// before it.
    pub in_stock: bool,
}

/// A priced list of lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Quote {
    /// The lines, in the order asked.
    pub lines: Vec<QuotedLine>,
    /// The amounts: one entry per line, the VAT breakdown and the totals.
    pub pricing: Pricing,
}

impl Quote {
    /// Whether the stock covers every line now.
    pub fn all_in_stock(&self) -> bool {
        self.lines.iter().all(|l| l.in_stock)
    }
}

impl App {
    /// Prices these lines and this global discount as an order would be priced, without
    /// placing anything: the articles and VAT codes are read in one read transaction, the
    /// catalogue's quantity rules are checked, prices and rates are copied, and each line
    /// says whether the stock covers it now. Guests (no caller) may ask for quotes too.
    ///
    /// # Errors
    /// [`AppError::Invalid`] without a line; [`AppError::Lines`] (unknown article, quantity
    /// below the minimum or above the maximum per order: every line at fault);
    /// [`AppError::Forbidden`] when a guest or a customer asks for a discount;
    /// [`AppError::Order`] with a pricing error (a discount larger than its line or than
    /// the total); [`AppError::Store`] when the database fails.
    pub async fn quote(
        &self,
        caller: Option<&Caller>,
        lines: &[LineRequest],
        global_discount: Amount,
    ) -> Result<Quote, AppError> {
        if lines.is_empty() {
            return Err(AppError::invalid(
                "lines",
                "a quote needs at least one line",
            ));
        }
        let may_discount = caller.is_some_and(|c| !matches!(c.access, Access::Customer(_)));
        let discounted =
            global_discount != Amount::ZERO || lines.iter().any(|l| l.discount != Amount::ZERO);
        if discounted && !may_discount {
            return Err(AppError::Forbidden(
                "only staff may grant discounts".to_owned(),
            ));
        }
        let (drafts, stocks) = transaction!(self, TxMode::Read, |tx| {
            let articles = load_articles(&mut *tx, lines).await?;
            let codes = tx.list_vat_codes().await?;
            let mut problems = Vec::new();
            let mut drafts = Vec::with_capacity(lines.len());
            let mut per_article: HashMap<ArticleId, u64> = HashMap::new();
            for (i, line) in lines.iter().enumerate() {
                let problem = |code, message: String| LineProblem {
                    line: i + 1,
                    article: line.article.to_string(),
                    code,
                    message,
                };
                let Some(article) = lookup(&articles, &line.article) else {
                    problems.push(problem(
                        "unknown_article",
                        format!("article {} does not exist", line.article),
                    ));
                    continue;
                };
                if let Err(e) = article.details.check_quantity(line.quantity) {
                    let code = match e {
                        QuantityRuleError::BelowMinimum { .. } => "below_minimum",
                        QuantityRuleError::AboveMaximum { .. } => "above_maximum",
                    };
                    problems.push(problem(code, e.to_string()));
                    continue;
                }
                let total = per_article.entry(article.id).or_default();
                *total += u64::from(line.quantity.get());
                if let Some(max) = article.details.max_per_order {
                    if *total > u64::from(max.get()) {
                        problems.push(problem(
                            "above_maximum",
                            format!(
                                "article {}: {total} in all is above the maximum of {max} per order",
                                article.details.reference
                            ),
                        ));
                        continue;
                    }
                }
                let rate = rate_for(&codes, article.details.vat_code.as_ref())
                    .map_err(|e| AppError::invalid("vat_code", e))?;
                drafts.push(LineDraft::from_article(
                    article,
                    rate,
                    line.quantity,
                    line.discount,
                ));
            }
            if !problems.is_empty() {
                return Err(AppError::Lines(problems));
            }
            let stocks: HashMap<ArticleId, u32> =
                articles.iter().map(|a| (a.id, a.stock)).collect();
            Ok((drafts, stocks))
        })?;

        let inputs: Vec<LineInput> = drafts
            .iter()
            .map(|d| LineInput {
                quantity: d.quantity,
                unit_price: d.unit_price,
                discount: d.discount,
                vat_rate: d.vat_rate,
            })
            .collect();
        let pricing =
            price(&inputs, global_discount).map_err(|e| AppError::Order(OrderError::Pricing(e)))?;

        let mut wanted: HashMap<ArticleId, u64> = HashMap::new();
        let lines = drafts
            .into_iter()
            .map(|line| {
                let available = stocks.get(&line.article).copied().unwrap_or(0);
                let so_far = wanted.entry(line.article).or_default();
                *so_far += u64::from(line.quantity.get());
                let in_stock = *so_far <= u64::from(available);
                QuotedLine {
                    line,
                    available,
                    in_stock,
                }
            })
            .collect();
        Ok(Quote { lines, pricing })
    }
}

/// The articles the lines name: those named by id in one query, those named by reference
/// one by one.
async fn load_articles(
    tx: &mut (dyn CatalogueStore + '_),
    lines: &[LineRequest],
) -> Result<Vec<Article>, AppError> {
    let mut ids: Vec<ArticleId> = lines
        .iter()
        .filter_map(|l| match l.article {
            ArticleKey::Id(id) => Some(id),
            ArticleKey::Reference(_) => None,
        })
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let mut articles = if ids.is_empty() {
        Vec::new()
    } else {
        tx.get_articles(&ids).await?
    };
    for line in lines {
        if matches!(line.article, ArticleKey::Reference(_))
            && lookup(&articles, &line.article).is_none()
        {
            if let Some(article) = find_article(&mut *tx, &line.article).await? {
                articles.push(article);
            }
        }
    }
    Ok(articles)
}

fn lookup<'a>(articles: &'a [Article], key: &ArticleKey) -> Option<&'a Article> {
    articles.iter().find(|a| match key {
        ArticleKey::Id(id) => a.id == *id,
        ArticleKey::Reference(reference) => &a.details.reference == reference,
    })
}
