//! The cart: its lines, VAT per rate and totals; changing a quantity, removing, emptying;
//! a link that fills it. A guest's cart is found by a cookie holding its unguessable id;
//! a customer's is their account's (a guest's cart joins it at login, see `account`).

use app::carts::CartView;
use app::catalogue::ArticleKey;
use app::AppError;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Response};
use axum::Form;
use domain::catalogue::ArticleReference;
use domain::ids::CartId;
use domain::money::Quantity;
use serde::Deserialize;

use super::forms;
use crate::cookies::{self, CART};
use crate::format::{euros, percent};
use crate::page::{redirect, Chrome, Page, PageError};
use crate::visitor::Visitor;
use crate::words::{self, Flash};
use crate::WebState;

/// How long a guest's cart cookie is kept: 90 days.
const GUEST_CART_AGE: i64 = 90 * 24 * 3600;
/// The most articles a filling link names.
const MAX_LINK_ITEMS: usize = 50;

/// A line of the cart as shown.
#[derive(Debug, Clone)]
pub struct LineView {
    pub reference: String,
    pub designation: String,
    pub href: String,
    pub quantity: u32,
    pub max_per_order: Option<u32>,
    pub unit_price: String,
    pub vat_rate: String,
    pub net: String,
    pub total: String,
    pub in_stock: bool,
}

/// One VAT rate's share.
#[derive(Debug, Clone)]
pub struct VatView {
    pub rate: String,
    pub base: String,
    pub vat: String,
}

/// A priced selection: lines, VAT per rate, totals.
#[derive(Debug, Clone, Default)]
pub struct TotalsView {
    pub lines: Vec<LineView>,
    pub vat: Vec<VatView>,
    pub total_ht: String,
    pub total_vat: String,
    pub total_ttc: String,
}

impl TotalsView {
    pub fn of(view: &CartView) -> Self {
        let Some(pricing) = &view.pricing else {
            return TotalsView::default();
        };
        let lines = view
            .lines
            .iter()
            .zip(&pricing.lines)
            .map(|(line, priced)| {
                let details = &line.article.details;
                LineView {
                    reference: details.reference.to_string(),
                    designation: details.designation.to_string(),
                    href: format!(
                        "/article/{}",
                        forms::path_segment(&details.reference.to_string())
                    ),
                    quantity: line.quantity.get(),
                    max_per_order: details.max_per_order.map(|q| q.get()),
                    unit_price: euros(details.unit_price.value()),
                    vat_rate: percent(line.vat_rate.percent()),
                    net: euros(priced.net),
                    total: euros(priced.total),
                    in_stock: line.in_stock,
                }
            })
            .collect();
        TotalsView {
            lines,
            vat: pricing
                .vat_breakdown
                .iter()
                .map(|share| VatView {
                    rate: percent(share.rate.percent()),
                    base: euros(share.taxable),
                    vat: euros(share.vat),
                })
                .collect(),
            total_ht: euros(pricing.total_ht_net),
            total_vat: euros(pricing.total_vat),
            total_ttc: euros(pricing.total_ttc),
        }
    }
}

/// The visitor's cart, if they have one: a customer's own (made when missing), or a
/// guest's from its cookie.
pub async fn current_cart(
    state: &WebState,
    visitor: &Visitor,
) -> Result<Option<CartView>, AppError> {
    let caller = visitor.caller();
    if visitor.customer().is_some() {
        let opened = state.app.open_cart(&caller).await?;
        return state.app.cart(&caller, opened.cart.id).await.map(Some);
    }
    let Some(id) = visitor.guest_cart else {
        return Ok(None);
    };
    match state.app.cart(&caller, id).await {
        Ok(view) => Ok(Some(view)),
        // A cart that is gone (its order was placed, or it expired): start afresh.
        Err(AppError::NotFound { .. }) => Ok(None),
        Err(other) => Err(other),
    }
}

/// The cart to change: the visitor's, or a new one (then its cookie is to be set, for a
/// guest).
async fn cart_to_change(
    state: &WebState,
    visitor: &Visitor,
) -> Result<(CartId, Option<axum::http::HeaderValue>), AppError> {
    if let Some(view) = current_cart(state, visitor).await? {
        return Ok((view.cart.id, None));
    }
    let opened = state.app.open_cart(&visitor.caller()).await?;
    let cookie = visitor.customer().is_none().then(|| {
        cookies::set(
            CART,
            &opened.cart.id.to_string(),
            Some(GUEST_CART_AGE),
            state.settings.secure_cookies,
        )
    });
    Ok((opened.cart.id, cookie))
}

fn with_cookie(mut response: Response, cookie: Option<axum::http::HeaderValue>) -> Response {
    if let Some(cookie) = cookie {
        response.headers_mut().append(SET_COOKIE, cookie);
    }
    response
}

#[derive(Template)]
#[template(path = "shop/cart.html")]
struct CartTemplate {
    chrome: Chrome,
    totals: TotalsView,
}

/// `GET /panier`
pub async fn show(
    State(state): State<WebState>,
    visitor: Visitor,
) -> Result<Page<impl Template>, PageError> {
    let cart = current_cart(&state, &visitor).await?;
    Ok(Page(CartTemplate {
        chrome: Chrome::of(&visitor),
        totals: cart.as_ref().map(TotalsView::of).unwrap_or_default(),
    }))
}

#[derive(Debug, Deserialize)]
pub struct LineForm {
    reference: String,
    #[serde(default)]
    quantite: String,
}

fn article_key(reference: &str) -> Result<ArticleKey, PageError> {
    ArticleReference::new(reference)
        .map(ArticleKey::Reference)
        .map_err(|_| PageError::not_found())
}

fn typed_quantity(text: &str) -> Result<Quantity, PageError> {
    forms::quantity(text).ok_or_else(|| {
        PageError::from(AppError::Invalid {
            field: "quantity".to_owned(),
            message: words::BAD_QUANTITY.to_owned(),
        })
    })
}

/// `POST /panier/ajouter`
pub async fn add(
    State(state): State<WebState>,
    visitor: Visitor,
    Form(form): Form<LineForm>,
) -> Result<Response, PageError> {
    let key = article_key(&form.reference)?;
    let quantity = typed_quantity(&form.quantite)?;
    let (id, cookie) = cart_to_change(&state, &visitor).await?;
    state
        .app
        .add_to_cart(&visitor.caller(), id, &[(key, quantity)])
        .await?;
    let secure = state.settings.secure_cookies;
    Ok(with_cookie(
        redirect("/panier", Some(Flash::AddedToCart), secure),
        cookie,
    ))
}

/// `POST /panier/quantite`
pub async fn set_quantity(
    State(state): State<WebState>,
    visitor: Visitor,
    Form(form): Form<LineForm>,
) -> Result<Response, PageError> {
    let key = article_key(&form.reference)?;
    let quantity = typed_quantity(&form.quantite)?;
    let view = current_cart(&state, &visitor)
        .await?
        .ok_or_else(PageError::not_found)?;
    state
        .app
        .set_cart_quantity(&visitor.caller(), view.cart.id, &key, quantity)
        .await?;
    Ok(redirect(
        "/panier",
        Some(Flash::CartChanged),
        state.settings.secure_cookies,
    ))
}

/// `POST /panier/retirer`
pub async fn remove(
    State(state): State<WebState>,
    visitor: Visitor,
    Form(form): Form<LineForm>,
) -> Result<Response, PageError> {
    let key = article_key(&form.reference)?;
    let view = current_cart(&state, &visitor)
        .await?
        .ok_or_else(PageError::not_found)?;
    state
        .app
        .remove_from_cart(&visitor.caller(), view.cart.id, &key)
        .await?;
    Ok(redirect(
        "/panier",
        Some(Flash::RemovedFromCart),
        state.settings.secure_cookies,
    ))
}

/// `POST /panier/vider`
pub async fn empty(State(state): State<WebState>, visitor: Visitor) -> Result<Response, PageError> {
    if let Some(view) = current_cart(&state, &visitor).await? {
        state
            .app
            .clear_cart(&visitor.caller(), view.cart.id)
            .await?;
    }
    Ok(redirect(
        "/panier",
        Some(Flash::CartEmptied),
        state.settings.secure_cookies,
    ))
}

/// What a filling link names: `?articles=VIS-M6:2,ECR-M6:5`.
#[derive(Debug, Deserialize)]
pub struct FillQuery {
    #[serde(default)]
    articles: String,
}

/// An item a filling link names.
#[derive(Debug, Clone)]
pub struct FillItem {
    pub reference: String,
    pub quantity: u32,
    pub designation: Option<String>,
}

/// The items of a filling link; `None` when it is malformed (said so on the page).
fn parse_fill(text: &str) -> Option<Vec<(ArticleReference, Quantity)>> {
    let items: Vec<_> = text
        .split(',')
        .filter(|part| !part.trim().is_empty())
        .map(|part| {
            let (reference, quantity) = part.split_once(':').unwrap_or((part, "1"));
            Some((
                ArticleReference::new(reference).ok()?,
                forms::quantity(quantity)?,
            ))
        })
        .collect::<Option<_>>()?;
    (!items.is_empty() && items.len() <= MAX_LINK_ITEMS).then_some(items)
}

#[derive(Template)]
#[template(path = "shop/fill.html")]
struct FillTemplate {
    chrome: Chrome,
    articles: String,
    items: Vec<FillItem>,
    valid: bool,
}

/// `GET /panier/remplir?articles=…`: what the link adds, to confirm with one button (a
/// link alone never changes a cart: another site could make a browser follow it).
pub async fn fill_form(
    State(state): State<WebState>,
    visitor: Visitor,
    Query(query): Query<FillQuery>,
) -> Result<Page<impl Template>, PageError> {
    let parsed = parse_fill(&query.articles);
    let mut items = Vec::new();
    for (reference, quantity) in parsed.iter().flatten() {
        let designation = match state
            .app
            .shop_article(&ArticleKey::Reference(reference.clone()))
            .await
        {
            Ok(found) => Some(found.article.details.designation.to_string()),
            Err(AppError::NotFound { .. }) => None,
            Err(other) => return Err(other.into()),
        };
        items.push(FillItem {
            reference: reference.to_string(),
            quantity: quantity.get(),
            designation,
        });
    }
    Ok(Page(FillTemplate {
        chrome: Chrome::of(&visitor),
        valid: parsed.is_some() && items.iter().all(|i| i.designation.is_some()),
        articles: query.articles.chars().take(2000).collect(),
        items,
    }))
}

#[derive(Debug, Deserialize)]
pub struct FillForm {
    #[serde(default)]
    articles: String,
}

/// `POST /panier/remplir`
pub async fn fill(
    State(state): State<WebState>,
    visitor: Visitor,
    Form(form): Form<FillForm>,
) -> Result<Response, PageError> {
    let items: Vec<(ArticleKey, Quantity)> = parse_fill(&form.articles)
        .ok_or_else(|| PageError::status(axum::http::StatusCode::BAD_REQUEST))?
        .into_iter()
        .map(|(reference, quantity)| (ArticleKey::Reference(reference), quantity))
        .collect();
    let (id, cookie) = cart_to_change(&state, &visitor).await?;
    state.app.add_to_cart(&visitor.caller(), id, &items).await?;
    let secure = state.settings.secure_cookies;
    Ok(with_cookie(redirect("/panier", Some(Flash::CartFilled), secure), cookie).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filling_link_names_references_and_quantities() {
        let items = parse_fill("vis-m6:2, ECR-M6:5,BOL").unwrap();
        let shown: Vec<_> = items
            .iter()
            .map(|(r, q)| (r.to_string(), q.get()))
            .collect();
        assert_eq!(
            shown,
            [
                ("VIS-M6".to_owned(), 2),
                ("ECR-M6".to_owned(), 5),
                ("BOL".to_owned(), 1)
            ]
        );
        assert!(parse_fill("").is_none());
        assert!(parse_fill("VIS-M6:0").is_none());
        assert!(parse_fill("VIS M6:1").is_none());
    }
}
