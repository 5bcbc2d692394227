//! The catalogue: the search (by reference or words of the designation, case and accents
//! aside), a page at a time, and the article's own page.

use app::catalogue::ArticleKey;
use app::storefront::ShopArticle;
use askama::Template;
use axum::extract::{Path, Query, State};
use domain::catalogue::ArticleReference;
use ports::Paging;
use serde::Deserialize;

use super::forms;
use crate::format::{euros, percent};
use crate::page::{Chrome, Page, PageError};
use crate::visitor::Visitor;
use crate::WebState;

/// Articles per page of the catalogue.
const PER_PAGE: u32 = 24;
/// The longest search text taken.
const MAX_SEARCH: usize = 200;
/// Below this stock, the page says how many are left.
const FEW_LEFT: u32 = 10;

/// An article as a card of the catalogue or the article page shows it.
#[derive(Debug, Clone)]
pub struct ArticleView {
    pub reference: String,
    pub designation: String,
    pub href: String,
    pub price_ht: String,
    pub price_ttc: String,
    pub vat_rate: String,
    pub availability: String,
    pub availability_class: &'static str,
    pub orderable: bool,
    pub min_quantity: u32,
    pub max_per_order: Option<u32>,
}

impl ArticleView {
    pub fn of(shop: &ShopArticle) -> Self {
        let details = &shop.article.details;
        let stock = shop.article.stock;
        let (availability, availability_class) = if stock == 0 {
            ("Épuisé".to_owned(), "stock-out")
        } else if stock < FEW_LEFT {
            (format!("Plus que {stock} en stock"), "stock-low")
        } else {
            ("En stock".to_owned(), "stock-ok")
        };
        ArticleView {
            reference: details.reference.to_string(),
            designation: details.designation.to_string(),
            href: format!(
                "/article/{}",
                forms::path_segment(&details.reference.to_string())
            ),
            price_ht: euros(details.unit_price.value()),
            price_ttc: euros(shop.unit_price_ttc),
            vat_rate: percent(shop.vat_rate.percent()),
            availability,
            availability_class,
            orderable: stock >= details.min_quantity.get(),
            min_quantity: details.min_quantity.get(),
            max_per_order: details.max_per_order.map(|q| q.get()),
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    page: Option<String>,
}

#[derive(Template)]
#[template(path = "shop/catalogue.html")]
struct CatalogueTemplate {
    chrome: Chrome,
    query: String,
    articles: Vec<ArticleView>,
    total: u64,
    page: u64,
    pages: u64,
    previous: Option<String>,
    next: Option<String>,
}

/// `GET /?q=…&page=…`
pub async fn search(
    State(state): State<WebState>,
    visitor: Visitor,
    Query(query): Query<SearchQuery>,
) -> Result<Page<impl Template>, PageError> {
    let text: String = query
        .q
        .unwrap_or_default()
        .trim()
        .chars()
        .take(MAX_SEARCH)
        .collect();
    let page = query
        .page
        .and_then(|p| p.trim().parse::<u64>().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1);
    let paging = Paging {
        offset: (page - 1).saturating_mul(u64::from(PER_PAGE)),
        limit: PER_PAGE,
    };
    let found = state.app.search_catalogue(&text, paging).await?;
    let pages = found.total.div_ceil(u64::from(PER_PAGE)).max(1);
    let link = |p: u64| {
        if text.is_empty() {
            format!("/?page={p}")
        } else {
            format!("/?q={}&page={p}", forms::query_value(&text))
        }
    };
    Ok(Page(CatalogueTemplate {
        chrome: Chrome::of(&visitor),
        articles: found.items.iter().map(ArticleView::of).collect(),
        total: found.total,
        page,
        pages,
        previous: (page > 1).then(|| link(page - 1)),
        next: (page < pages).then(|| link(page + 1)),
        query: text,
    }))
}

#[derive(Template)]
#[template(path = "shop/article.html")]
struct ArticleTemplate {
    chrome: Chrome,
    article: ArticleView,
}

/// `GET /article/{reference}`
pub async fn article(
    State(state): State<WebState>,
    visitor: Visitor,
    Path(reference): Path<String>,
) -> Result<Page<impl Template>, PageError> {
    let reference = ArticleReference::new(&reference).map_err(|_| PageError::not_found())?;
    let found = state
        .app
        .shop_article(&ArticleKey::Reference(reference))
        .await?;
    Ok(Page(ArticleTemplate {
        chrome: Chrome::of(&visitor),
        article: ArticleView::of(&found),
    }))
}
