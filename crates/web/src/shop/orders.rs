//! The customer's orders: the list, an order's page (state, payment state, lines, totals,
//! the invoice and the delivery note to download), and its payment page (the card
//! processor; a declined card shows the reason and the page again). An order that is not
//! the visitor's is a page that does not exist, as in the API.

use app::payments::PaymentStart;
use app::AppError;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Form;
use domain::billing::{InvoiceKind, InvoiceNumber};
use domain::order::{Commande, OrderNumber, OrderState};
use domain::payment::{CardNumber, OrderPaymentState, PaymentMethod, PaymentStatus};
use ports::{OrderQuery, Paging};
use serde::Deserialize;

use super::cart::{LineView, VatView};
use super::forms;
use crate::format::{date, euros, percent};
use crate::page::{redirect, with_status, Chrome, Page, PageError};
use crate::visitor::Visitor;
use crate::words::{self, Flash};
use crate::WebState;

/// Orders per page of the list.
const PER_PAGE: u32 = 20;

fn order_number(text: &str) -> Result<OrderNumber, PageError> {
    OrderNumber::parse(text).map_err(|_| PageError::not_found())
}

/// An order in the list.
#[derive(Debug, Clone)]
pub struct OrderRow {
    pub number: String,
    pub href: String,
    pub date: String,
    pub state: &'static str,
    pub total: String,
}

#[derive(Template)]
#[template(path = "shop/orders.html")]
struct OrdersTemplate {
    chrome: Chrome,
    orders: Vec<OrderRow>,
    page: u64,
    pages: u64,
    previous: Option<String>,
    next: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    page: Option<String>,
}

/// `GET /commandes`
pub async fn list(
    State(state): State<WebState>,
    visitor: Visitor,
    Query(query): Query<PageQuery>,
) -> Result<Response, PageError> {
    let Some(me) = visitor.customer() else {
        return Ok(redirect("/connexion", None, state.settings.secure_cookies));
    };
    let page = query
        .page
        .and_then(|p| p.trim().parse::<u64>().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1);
    let found = state
        .app
        .search_orders(
            &visitor.caller(),
            &OrderQuery {
                customer: Some(me),
                state: None,
                source: None,
                site: None,
                placed_by: None,
                from: None,
                until: None,
                paging: Paging {
                    offset: (page - 1).saturating_mul(u64::from(PER_PAGE)),
                    limit: PER_PAGE,
                },
            },
        )
        .await?;
    let pages = found.total.div_ceil(u64::from(PER_PAGE)).max(1);
    Ok(Page(OrdersTemplate {
        chrome: Chrome::of(&visitor),
        orders: found
            .items
            .iter()
            .map(|o| OrderRow {
                number: o.number.to_string(),
                href: format!("/commandes/{}", o.number),
                date: date(o.ordered_at.date()),
                state: words::order_state(o.state),
                total: euros(o.total_ttc),
            })
            .collect(),
        page,
        pages,
        previous: (page > 1).then(|| format!("/commandes?page={}", page - 1)),
        next: (page < pages).then(|| format!("/commandes?page={}", page + 1)),
    })
    .into_response())
}

/// A document to download.
#[derive(Debug, Clone)]
pub struct DocumentLink {
    pub label: String,
    pub href: String,
}

/// What the order's page and its payment page show of it.
#[derive(Debug, Clone)]
pub struct OrderView {
    pub number: String,
    pub date: String,
    pub delivery_date: String,
    pub state: &'static str,
    pub payment_state: &'static str,
    pub payable: bool,
    pub has_delivery_note: bool,
    pub outstanding: String,
    pub lines: Vec<LineView>,
    pub vat: Vec<VatView>,
    pub total_ht: String,
    pub total_vat: String,
    pub total_ttc: String,
}

fn order_view(
    order: &Commande,
    payment: OrderPaymentState,
    outstanding: rust_decimal::Decimal,
    payable: bool,
) -> OrderView {
    let pricing = order.pricing();
    OrderView {
        number: order.number().to_string(),
        date: date(order.ordered_at().date()),
        delivery_date: date(order.planned_delivery()),
        state: words::order_state(order.state()),
        payment_state: words::payment_state(payment),
        payable,
        has_delivery_note: matches!(order.state(), OrderState::Validated | OrderState::Fulfilled),
        outstanding: euros(outstanding),
        lines: order
            .lines()
            .iter()
            .zip(&pricing.lines)
            .map(|(line, priced)| LineView {
                reference: line.content.reference.to_string(),
                designation: line.content.designation.to_string(),
                href: format!(
                    "/article/{}",
                    forms::path_segment(&line.content.reference.to_string())
                ),
                quantity: line.content.quantity.get(),
                max_per_order: None,
                unit_price: euros(line.content.unit_price.value()),
                vat_rate: percent(line.content.vat_rate.percent()),
                net: euros(priced.net),
                total: euros(priced.total),
                in_stock: true,
            })
            .collect(),
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

/// The order with its payments, as the visitor may see it.
async fn load(
    state: &WebState,
    visitor: &Visitor,
    number: &OrderNumber,
) -> Result<OrderView, PageError> {
    let found = state.app.order_payments(&visitor.caller(), number).await?;
    let summary = &found.summary;
    let payable = matches!(
        found.order.state(),
        OrderState::Validated | OrderState::Fulfilled
    ) && summary.state != OrderPaymentState::Paid
        && !summary.payable.is_zero();
    Ok(order_view(
        &found.order,
        summary.state,
        summary.outstanding,
        payable,
    ))
}

#[derive(Template)]
#[template(path = "shop/order.html")]
struct OrderTemplate {
    chrome: Chrome,
    order: OrderView,
    documents: Vec<DocumentLink>,
}

/// `GET /commandes/{number}`
pub async fn show(
    State(state): State<WebState>,
    visitor: Visitor,
    Path(number): Path<String>,
) -> Result<Response, PageError> {
    if visitor.caller.is_none() {
        return Err(PageError::not_found());
    }
    let number = order_number(&number)?;
    let order = load(&state, &visitor, &number).await?;
    let mut documents = Vec::new();
    for invoice in state.app.order_invoices(&visitor.caller(), &number).await? {
        let label = match invoice.kind {
            InvoiceKind::Invoice => "Facture",
            InvoiceKind::CreditNote => "Avoir",
        };
        documents.push(DocumentLink {
            label: format!("{label} {} (PDF)", invoice.number),
            href: format!("/commandes/{number}/documents/{}.pdf", invoice.number),
        });
    }
    if order.has_delivery_note {
        documents.push(DocumentLink {
            label: "Bon de livraison (PDF)".to_owned(),
            href: format!("/commandes/{number}/bon-de-livraison.pdf"),
        });
    }
    Ok(Page(OrderTemplate {
        chrome: Chrome::of(&visitor),
        order,
        documents,
    })
    .into_response())
}

fn pdf(name: String, bytes: Vec<u8>) -> Response {
    (
        [
            (CONTENT_TYPE, "application/pdf".to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

/// `GET /commandes/{number}/documents/{invoice}.pdf`
pub async fn invoice_pdf(
    State(state): State<WebState>,
    visitor: Visitor,
    Path((number, file)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let number = order_number(&number)?;
    let invoice = file
        .strip_suffix(".pdf")
        .and_then(|n| InvoiceNumber::new(n).ok())
        .ok_or_else(PageError::not_found)?;
    let document = state
        .app
        .invoice_document(&visitor.caller(), &invoice)
        .await?;
    if document.invoice.order_number != number {
        return Err(PageError::not_found());
    }
    Ok(pdf(format!("{invoice}.pdf"), document.pdf))
}

/// `GET /commandes/{number}/bon-de-livraison.pdf`
pub async fn delivery_note_pdf(
    State(state): State<WebState>,
    visitor: Visitor,
    Path(number): Path<String>,
) -> Result<Response, PageError> {
    let number = order_number(&number)?;
    let bytes = state
        .app
        .delivery_note_pdf(&visitor.caller(), &number)
        .await?;
    Ok(pdf(format!("bon-de-livraison-{number}.pdf"), bytes))
}

#[derive(Template)]
#[template(path = "shop/payment.html")]
struct PaymentTemplate {
    chrome: Chrome,
    order: OrderView,
    error: Option<String>,
}

/// `GET /commandes/{number}/paiement`
pub async fn pay_form(
    State(state): State<WebState>,
    visitor: Visitor,
    Path(number): Path<String>,
) -> Result<Response, PageError> {
    if visitor.caller.is_none() {
        return Err(PageError::not_found());
    }
    let number = order_number(&number)?;
    let order = load(&state, &visitor, &number).await?;
    if !order.payable {
        return Ok(redirect(
            &format!("/commandes/{number}"),
            None,
            state.settings.secure_cookies,
        ));
    }
    Ok(Page(PaymentTemplate {
        chrome: Chrome::of(&visitor),
        order,
        error: None,
    })
    .into_response())
}

#[derive(Debug, Deserialize)]
pub struct CardForm {
    #[serde(default)]
    carte: String,
}

/// `POST /commandes/{number}/paiement`
pub async fn pay(
    State(state): State<WebState>,
    visitor: Visitor,
    Path(number): Path<String>,
    Form(form): Form<CardForm>,
) -> Result<Response, PageError> {
    if visitor.caller.is_none() {
        return Err(PageError::not_found());
    }
    let number = order_number(&number)?;
    let secure = state.settings.secure_cookies;
    let again = |order: OrderView, error: String, status: StatusCode| {
        with_status(
            status,
            PaymentTemplate {
                chrome: Chrome::of(&visitor),
                order,
                error: Some(error),
            },
        )
    };
    let card = match CardNumber::new(&form.carte) {
        Ok(card) => card,
        Err(err) => {
            let order = load(&state, &visitor, &number).await?;
            return Ok(again(
                order,
                format!("Numéro de carte invalide ({err})."),
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
    };
    let start = PaymentStart {
        method: PaymentMethod::Card,
        card: Some(card),
    };
    match state
        .app
        .start_payment(&visitor.caller(), &number, &start)
        .await
    {
        Ok(started) => match started.payment.status {
            PaymentStatus::Failed => {
                let order = load(&state, &visitor, &number).await?;
                let reason = started
                    .payment
                    .failure_reason
                    .unwrap_or_else(|| "refusé par la banque".to_owned());
                Ok(again(
                    order,
                    format!("{} Motif : {reason}.", Flash::PaymentDeclined.text()),
                    StatusCode::OK,
                ))
            }
            PaymentStatus::Pending => Ok(redirect(
                &format!("/commandes/{number}"),
                Some(Flash::PaymentUnderWay),
                secure,
            )),
            PaymentStatus::Succeeded => Ok(redirect(
                &format!("/commandes/{number}"),
                Some(Flash::PaymentDone),
                secure,
            )),
        },
        Err(AppError::Invalid { message, .. }) => {
            let order = load(&state, &visitor, &number).await?;
            Ok(again(
                order,
                format!("Numéro de carte refusé ({message})."),
                StatusCode::UNPROCESSABLE_ENTITY,
            ))
        }
        Err(other) => Err(other.into()),
    }
}
