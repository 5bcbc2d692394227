//! `/api/v1/invoices` and an order's documents: invoices and credit notes (as JSON, as
//! Factur-X PDFs, as their CII XML), and delivery notes.

mod dto;

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use domain::billing::{InvoiceKind, InvoiceNumber};
use domain::order::OrderNumber;
use serde::Deserialize;
use utoipa::IntoParams;

pub(crate) use self::dto::{InvoiceDto, InvoicePage, InvoiceSummaryDto, OrderInvoicesDto};
use crate::extract::{Authenticated, Path, Query};
use crate::problem::Problem;
use crate::routes::constraints;
use crate::routes::fields;
use crate::AppState;

/// The media type of PDF documents.
const PDF: &str = "application/pdf";
/// The media type of the Factur-X XML.
const XML: &str = "application/xml";

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/invoices", get(list))
        .route("/api/v1/invoices/{number}", get(show))
        .route("/api/v1/invoices/{number}/pdf", get(pdf))
        .route("/api/v1/invoices/{number}/factur-x.xml", get(xml))
        .route("/api/v1/orders/{number}/invoices", get(of_order))
        .route("/api/v1/orders/{number}/delivery-note", get(delivery_note))
}

/// A file to download: its bytes, media type and name.
fn attachment(bytes: Vec<u8>, media_type: &'static str, filename: &str) -> Response {
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
    // Invoice and order numbers are letters, digits and '-': always a valid header.
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// Which documents to list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct InvoiceListParams {
    /// `invoice` or `credit_note`; both when absent.
    #[param(schema_with = constraints::invoice_kind_or_null)]
    pub kind: Option<String>,
    /// How many to skip.
    #[param(schema_with = constraints::offset_or_null)]
    pub offset: Option<u64>,
    /// How many to give, 1 to 500 (default 50).
    #[param(schema_with = constraints::limit_or_null)]
    pub limit: Option<u32>,
}

/// Invoices and credit notes, latest first, by pages. Staff only.
#[utoipa::path(
    get, path = "/api/v1/invoices", tag = "invoices",
    params(InvoiceListParams),
    responses(
        (status = 200, body = InvoicePage),
        (status = 422, description = "An unknown kind", body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn list(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Query(params): Query<InvoiceListParams>,
) -> Result<axum::Json<InvoicePage>, Problem> {
    let kind = params
        .kind
        .as_deref()
        .map(|k| {
            InvoiceKind::parse(k)
                .ok_or_else(|| Problem::invalid("kind", "one of invoice, credit_note"))
        })
        .transpose()?;
    let paging = fields::paging(params.offset, params.limit)?;
    let page = state.app.list_invoices(&caller, kind, paging).await?;
    Ok(axum::Json(InvoicePage::from(&page)))
}

/// An invoice or credit note in full: seller, buyer, lines, totals with the VAT breakdown,
/// due date, payment, the invoice a credit note cancels. A customer sees only their own
/// orders' documents.
#[utoipa::path(
    get, path = "/api/v1/invoices/{number}", tag = "invoices",
    params(("number" = String, Path, description = "The document's number, such as FA-2026-000001")),
    responses(
        (status = 200, body = InvoiceDto),
        (status = 404, description = "No such document, or not the caller's", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn show(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(number): Path<InvoiceNumber>,
) -> Result<axum::Json<InvoiceDto>, Problem> {
    let invoice = state.app.invoice(&caller, &number).await?;
    Ok(axum::Json(InvoiceDto::from(&invoice)))
}

/// The document as a Factur-X PDF (PDF/A-3 with its EN 16931 CII XML embedded), as sent
/// to the buyer.
#[utoipa::path(
    get, path = "/api/v1/invoices/{number}/pdf", tag = "invoices",
    params(("number" = String, Path, description = "The document's number")),
    responses(
        (status = 200, description = "The PDF, as an attachment named after the number", body = Vec<u8>, content_type = "application/pdf"),
        (status = 404, description = "No such document, or not the caller's", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn pdf(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(number): Path<InvoiceNumber>,
) -> Result<Response, Problem> {
    let document = state.app.invoice_document(&caller, &number).await?;
    Ok(attachment(document.pdf, PDF, &format!("{number}.pdf")))
}

/// The document's Factur-X XML alone (UN/CEFACT CII, EN 16931 profile), as embedded in its
/// PDF.
#[utoipa::path(
    get, path = "/api/v1/invoices/{number}/factur-x.xml", tag = "invoices",
    params(("number" = String, Path, description = "The document's number")),
    responses(
        (status = 200, description = "The CII XML", body = String, content_type = "application/xml"),
        (status = 404, description = "No such document, or not the caller's", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn xml(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(number): Path<InvoiceNumber>,
) -> Result<Response, Problem> {
    let invoice = state.app.invoice(&caller, &number).await?;
    let mut response = documents::facturx_xml(&invoice).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(XML));
    Ok(response)
}

/// An order's invoice and credit note, in order of issue: none until the outbox worker
/// has issued its invoice.
#[utoipa::path(
    get, path = "/api/v1/orders/{number}/invoices", tag = "invoices",
    params(("number" = String, Path, description = "The order number, such as WEB-000042")),
    responses(
        (status = 200, body = OrderInvoicesDto),
        (status = 404, description = "No such order, or not the caller's", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn of_order(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(number): Path<OrderNumber>,
) -> Result<axum::Json<OrderInvoicesDto>, Problem> {
    let invoices = state.app.order_invoices(&caller, &number).await?;
    Ok(axum::Json(OrderInvoicesDto {
        order_number: number.to_string(),
        items: invoices.iter().map(InvoiceSummaryDto::from).collect(),
    }))
}

/// The delivery note of a validated or fulfilled order, as a PDF.
#[utoipa::path(
    get, path = "/api/v1/orders/{number}/delivery-note", tag = "invoices",
    params(("number" = String, Path, description = "The order number")),
    responses(
        (status = 200, description = "The PDF, as an attachment", body = Vec<u8>, content_type = "application/pdf"),
        (status = 409, description = "A draft, deleted or cancelled order (`not_delivered`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such order, or not the caller's", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn delivery_note(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(number): Path<OrderNumber>,
) -> Result<Response, Problem> {
    let pdf = state.app.delivery_note_pdf(&caller, &number).await?;
    Ok(attachment(pdf, PDF, &format!("BL-{number}.pdf")))
}
