//! Checkout in steps, each reachable again until the order is placed: who you are (log in
//! or create an account), the delivery address and recipient, the billing address and
//! payer (by default the same), a summary, and the confirmation, which places the order
//! (`App::checkout`, as `POST /api/v1/carts/{id}/checkout`). When an article is short at
//! that moment, the page says which and how many are left, and lets the customer remove
//! it or go on with what is available.
//!
//! The addresses chosen are kept in a cookie until the order is placed; the use case
//! checks them when it places the order.

use app::carts::{CartView, Checkout};
use app::orders::ShortagePolicy;
use app::AppError;
use askama::Template;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use domain::ids::{AdresseId, TiersId};
use serde::Deserialize;

use super::account::{address_view, AddressView};
use super::cart::{current_cart, TotalsView};
use crate::cookies::{self, CHECKOUT};
use crate::page::{redirect, with_status, Chrome, Page, PageError};
use crate::visitor::Visitor;
use crate::words::Flash;
use crate::WebState;

/// What the payment terms are, as the summary states them.
pub const PAYMENT_TERMS: &str =
    "Paiement comptant par carte bancaire, à la commande. La commande est expédiée une fois payée.";

/// The addresses chosen so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Choice {
    delivery: Option<AdresseId>,
    /// `None`: the delivery address.
    billing: Option<AdresseId>,
}

impl Choice {
    fn read(headers: &HeaderMap, secure: bool) -> Choice {
        let Some(text) = cookies::get(headers, CHECKOUT, secure) else {
            return Choice::default();
        };
        let (delivery, billing) = text.split_once('_').unwrap_or((&text, ""));
        Choice {
            delivery: AdresseId::parse(delivery).ok(),
            billing: AdresseId::parse(billing).ok(),
        }
    }

    fn cookie(self, secure: bool) -> axum::http::HeaderValue {
        let text = format!(
            "{}_{}",
            self.delivery.map(|a| a.to_string()).unwrap_or_default(),
            self.billing.map(|a| a.to_string()).unwrap_or_default()
        );
        cookies::set(CHECKOUT, &text, Some(7 * 24 * 3600), secure)
    }
}

/// An address the customer may choose.
#[derive(Debug, Clone)]
pub struct AddressOption {
    pub id: String,
    pub address: AddressView,
    pub checked: bool,
}

/// What every step needs: the customer, their addresses, the cart.
struct Context {
    me: TiersId,
    name: String,
    addresses: Vec<(AdresseId, AddressView)>,
    cart: CartView,
}

/// The customer and their non-empty cart, or where to send the visitor instead.
async fn context(
    state: &WebState,
    visitor: &Visitor,
) -> Result<Result<Context, Response>, PageError> {
    let secure = state.settings.secure_cookies;
    let Some(me) = visitor.customer() else {
        return Ok(Err(redirect("/commande", None, secure)));
    };
    let cart = match current_cart(state, visitor).await? {
        Some(cart) if !cart.lines.is_empty() => cart,
        _ => return Ok(Err(redirect("/panier", None, secure))),
    };
    let person = state.app.tiers(&visitor.caller(), me).await?;
    let mut addresses: Vec<(AdresseId, AddressView)> = Vec::new();
    for (_, adresse) in &person.addresses {
        if !addresses.iter().any(|(id, _)| *id == adresse.id) {
            addresses.push((adresse.id, address_view(&adresse.details)));
        }
    }
    Ok(Ok(Context {
        me,
        name: person.tiers.full_name(),
        addresses,
        cart,
    }))
}

fn options(
    addresses: &[(AdresseId, AddressView)],
    chosen: Option<AdresseId>,
) -> Vec<AddressOption> {
    let chosen = chosen
        .filter(|c| addresses.iter().any(|(id, _)| id == c))
        .or_else(|| addresses.first().map(|(id, _)| *id));
    addresses
        .iter()
        .map(|(id, address)| AddressOption {
            id: id.to_string(),
            address: address.clone(),
            checked: Some(*id) == chosen,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "shop/checkout_who.html")]
struct WhoTemplate {
    chrome: Chrome,
}

/// `GET /commande`: who you are.
pub async fn start(State(state): State<WebState>, visitor: Visitor) -> Response {
    if visitor.customer().is_some() {
        return redirect("/commande/livraison", None, state.settings.secure_cookies);
    }
    Page(WhoTemplate {
        chrome: Chrome::of(&visitor),
    })
    .into_response()
}

#[derive(Template)]
#[template(path = "shop/checkout_address.html")]
struct AddressTemplate {
    chrome: Chrome,
    step: u8,
    title: &'static str,
    action: &'static str,
    who: &'static str,
    name: String,
    same_option: bool,
    same_checked: bool,
    options: Vec<AddressOption>,
}

/// `GET /commande/livraison`
pub async fn delivery_form(
    State(state): State<WebState>,
    visitor: Visitor,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let ctx = match context(&state, &visitor).await? {
        Ok(ctx) => ctx,
        Err(elsewhere) => return Ok(elsewhere),
    };
    let choice = Choice::read(&headers, state.settings.secure_cookies);
    Ok(Page(AddressTemplate {
        chrome: Chrome::of(&visitor),
        step: 2,
        title: "Livraison",
        action: "/commande/livraison",
        who: "Destinataire",
        name: ctx.name,
        same_option: false,
        same_checked: false,
        options: options(&ctx.addresses, choice.delivery),
    })
    .into_response())
}

#[derive(Debug, Deserialize)]
pub struct AddressForm {
    #[serde(default)]
    adresse: String,
}

/// `POST /commande/livraison`
pub async fn delivery(
    State(state): State<WebState>,
    visitor: Visitor,
    headers: HeaderMap,
    Form(form): Form<AddressForm>,
) -> Result<Response, PageError> {
    let secure = state.settings.secure_cookies;
    if visitor.customer().is_none() {
        return Ok(redirect("/commande", None, secure));
    }
    let delivery = AdresseId::parse(form.adresse.trim()).map_err(|_| PageError::not_found())?;
    let choice = Choice {
        delivery: Some(delivery),
        ..Choice::read(&headers, secure)
    };
    let mut response = redirect("/commande/facturation", None, secure);
    response
        .headers_mut()
        .append(SET_COOKIE, choice.cookie(secure));
    Ok(response)
}

/// `GET /commande/facturation`
pub async fn billing_form(
    State(state): State<WebState>,
    visitor: Visitor,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let ctx = match context(&state, &visitor).await? {
        Ok(ctx) => ctx,
        Err(elsewhere) => return Ok(elsewhere),
    };
    let choice = Choice::read(&headers, state.settings.secure_cookies);
    if choice.delivery.is_none() {
        return Ok(redirect(
            "/commande/livraison",
            None,
            state.settings.secure_cookies,
        ));
    }
    let mut options = options(&ctx.addresses, choice.billing);
    let same = choice.billing.is_none() || choice.billing == choice.delivery;
    if same {
        options.iter_mut().for_each(|o| o.checked = false);
    }
    Ok(Page(AddressTemplate {
        chrome: Chrome::of(&visitor),
        step: 3,
        title: "Facturation",
        action: "/commande/facturation",
        who: "Payeur",
        name: ctx.name,
        same_option: true,
        same_checked: same,
        options,
    })
    .into_response())
}

/// `POST /commande/facturation`
pub async fn billing(
    State(state): State<WebState>,
    visitor: Visitor,
    headers: HeaderMap,
    Form(form): Form<AddressForm>,
) -> Result<Response, PageError> {
    let secure = state.settings.secure_cookies;
    if visitor.customer().is_none() {
        return Ok(redirect("/commande", None, secure));
    }
    let billing = match form.adresse.trim() {
        "identique" => None,
        other => Some(AdresseId::parse(other).map_err(|_| PageError::not_found())?),
    };
    let choice = Choice {
        billing,
        ..Choice::read(&headers, secure)
    };
    let mut response = redirect("/commande/recapitulatif", None, secure);
    response
        .headers_mut()
        .append(SET_COOKIE, choice.cookie(secure));
    Ok(response)
}

#[derive(Template)]
#[template(path = "shop/checkout_summary.html")]
struct SummaryTemplate {
    chrome: Chrome,
    step: u8,
    name: String,
    delivery: AddressView,
    billing: Option<AddressView>,
    totals: TotalsView,
    terms: &'static str,
}

/// `GET /commande/recapitulatif`
pub async fn summary(
    State(state): State<WebState>,
    visitor: Visitor,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let ctx = match context(&state, &visitor).await? {
        Ok(ctx) => ctx,
        Err(elsewhere) => return Ok(elsewhere),
    };
    let secure = state.settings.secure_cookies;
    let choice = Choice::read(&headers, secure);
    let find = |id: AdresseId| {
        ctx.addresses
            .iter()
            .find(|(a, _)| *a == id)
            .map(|(_, view)| view.clone())
    };
    let Some(delivery) = choice.delivery.and_then(find) else {
        return Ok(redirect("/commande/livraison", None, secure));
    };
    let billing = match choice.billing.filter(|b| Some(*b) != choice.delivery) {
        Some(id) => match find(id) {
            Some(view) => Some(view),
            None => return Ok(redirect("/commande/facturation", None, secure)),
        },
        None => None,
    };
    Ok(Page(SummaryTemplate {
        chrome: Chrome::of(&visitor),
        step: 4,
        name: ctx.name,
        delivery,
        billing,
        totals: TotalsView::of(&ctx.cart),
        terms: PAYMENT_TERMS,
    })
    .into_response())
}

#[derive(Debug, Deserialize)]
pub struct ConfirmForm {
    /// `disponible`: go on with what is available.
    #[serde(default)]
    stock: String,
}

/// A short article as the page says it.
#[derive(Debug, Clone)]
pub struct ShortView {
    pub reference: String,
    pub designation: String,
    pub requested: u64,
    pub available: u32,
}

#[derive(Template)]
#[template(path = "shop/checkout_short.html")]
struct ShortTemplate {
    chrome: Chrome,
    short: Vec<ShortView>,
    take_available: bool,
}

/// The page that names the short articles with what is left (409), with a button to
/// remove each and, for a customer, one to go on with what is available.
pub fn short_page(
    visitor: &Visitor,
    cart: &CartView,
    shortages: &[ports::Shortage],
    take_available: bool,
) -> Response {
    let short = shortages
        .iter()
        .map(|s| ShortView {
            reference: s.reference.to_string(),
            designation: cart
                .lines
                .iter()
                .find(|l| l.article.id == s.article)
                .map(|l| l.article.details.designation.to_string())
                .unwrap_or_default(),
            requested: s.requested,
            available: s.available,
        })
        .collect();
    with_status(
        StatusCode::CONFLICT,
        ShortTemplate {
            chrome: Chrome::of(visitor),
            short,
            take_available,
        },
    )
}

/// `POST /commande/confirmer`: places the order.
pub async fn confirm(
    State(state): State<WebState>,
    visitor: Visitor,
    headers: HeaderMap,
    Form(form): Form<ConfirmForm>,
) -> Result<Response, PageError> {
    let secure = state.settings.secure_cookies;
    let ctx = match context(&state, &visitor).await? {
        Ok(ctx) => ctx,
        // A second press of the button finds the cart emptied by the first: the order
        // placed is in the list.
        Err(_) if visitor.customer().is_some() => {
            return Ok(redirect("/commandes", None, secure));
        }
        Err(elsewhere) => return Ok(elsewhere),
    };
    let choice = Choice::read(&headers, secure);
    let Some(delivery) = choice.delivery else {
        return Ok(redirect("/commande/livraison", None, secure));
    };
    let checkout = Checkout {
        customer: ctx.me,
        payer: None,
        recipient: None,
        delivery_address: Some(delivery),
        billing_address: choice.billing,
        on_shortage: if form.stock == "disponible" {
            ShortagePolicy::TakeAvailable
        } else {
            ShortagePolicy::Refuse
        },
    };
    match state
        .app
        .checkout(&visitor.caller(), ctx.cart.cart.id, &checkout)
        .await
    {
        Ok(placed) => {
            let to = format!("/commandes/{}/paiement", placed.order.number());
            let mut response = redirect(&to, Some(Flash::OrderPlaced), secure);
            response
                .headers_mut()
                .append(SET_COOKIE, cookies::clear(CHECKOUT, secure));
            Ok(response)
        }
        Err(AppError::Shortage(shortages)) => Ok(short_page(&visitor, &ctx.cart, &shortages, true)),
        Err(other) => Err(other.into()),
    }
}
