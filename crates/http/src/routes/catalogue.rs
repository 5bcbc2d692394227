//! `/api/v1/articles`, `/api/v1/vat-codes`, `/api/v1/quotes` and
//! `/api/v1/catalogue/import`: the catalogue, its stock and VAT codes, and pricing a list
//! of lines without placing anything. Reading the catalogue and asking for quotes needs no
//! token; changing it is for staff.

use app::catalogue_import::{CatalogueRow, ImportReport};
use app::orders::LineRequest;
use app::quotes::Quote;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::Router;
use domain::catalogue::{Article, ArticleDetails, ArticleReference, Designation};
use domain::money::{parse_decimal, UnitPrice};
use domain::order::Reason;
use domain::vat::{VatCode, VatCodeId, VatLabel, VatRate};
use ports::{Paging, StockMovement};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};

use super::orders::dto::{LineInput, VatShareDto, MAX_LINES};
use crate::extract::{Authenticated, Json, MaybeAuthenticated, Path, Query};
use crate::problem::Problem;
use crate::routes::constraints;
use crate::routes::fields::{self, ArticleInPath};
use crate::AppState;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/articles", get(list_articles).post(create_article))
        .route(
            "/api/v1/articles/{reference}",
            get(show_article).put(update_article),
        )
        .route(
            "/api/v1/articles/{reference}/stock-adjustments",
            post(adjust_stock),
        )
        .route("/api/v1/articles/{reference}/movements", get(movements))
        .route("/api/v1/vat-codes", get(vat_codes))
        .route("/api/v1/vat-codes/{code}", put(save_vat_code))
        .route("/api/v1/quotes", post(quote))
        .route("/api/v1/catalogue/import", post(import_catalogue))
}

/// Which page of a list to give.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// How many to skip.
    #[param(schema_with = constraints::offset_or_null)]
    pub offset: Option<u64>,
    /// How many to give, 1 to 500 (default 50).
    #[param(schema_with = constraints::limit_or_null)]
    pub limit: Option<u32>,
}

impl PageParams {
    fn paging(&self) -> Result<Paging, Problem> {
        fields::paging(self.offset, self.limit)
    }
}

// ---------------------------------------------------------------------------------------
// Articles.
// ---------------------------------------------------------------------------------------

/// An article.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleDto {
    /// Its id.
    pub id: String,
    /// Its reference, unique in the catalogue.
    #[schema(example = "VIS-M6")]
    pub reference: String,
    /// What it is called.
    pub designation: String,
    /// Unit price before tax.
    #[schema(value_type = String, example = "12.50")]
    pub unit_price: Decimal,
    /// Its VAT code; the default code's rate applies when absent.
    pub vat_code: Option<String>,
    /// The smallest quantity delivered at once.
    pub min_quantity: u32,
    /// The most one customer may have in one order, if limited.
    pub max_per_order: Option<u32>,
    /// Units available now.
    pub stock: u32,
}

impl From<&Article> for ArticleDto {
    fn from(a: &Article) -> Self {
        let d = &a.details;
        ArticleDto {
            id: a.id.to_string(),
            reference: d.reference.to_string(),
            designation: d.designation.to_string(),
            unit_price: d.unit_price.value(),
            vat_code: d.vat_code.as_ref().map(ToString::to_string),
            min_quantity: d.min_quantity.get(),
            max_per_order: d.max_per_order.map(|m| m.get()),
            stock: a.stock,
        }
    }
}

/// A page of articles.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticlePage {
    /// The articles of this page, by reference.
    pub items: Vec<ArticleDto>,
    /// How many articles in all.
    pub total: u64,
}

/// A new article.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewArticleInput {
    /// Its reference: 1 to 32 letters, digits, `-`, `_`, `.` or `/` (kept in upper case).
    #[schema(example = "VIS-M6")]
    #[schema(schema_with = constraints::article_reference)]
    pub reference: String,
    /// What it is called, 1 to 200 characters.
    #[schema(example = "Vis M6 (boîte de 100)")]
    #[schema(schema_with = constraints::designation)]
    pub designation: String,
    /// Unit price before tax, a decimal string (at most 4 decimal places).
    #[schema(example = "12.50")]
    #[schema(schema_with = constraints::unit_price)]
    pub unit_price: String,
    /// Its VAT code; the default code's rate applies when absent.
    #[schema(example = "NORMAL")]
    #[schema(schema_with = constraints::vat_code_or_null)]
    pub vat_code: Option<String>,
    /// The smallest quantity delivered at once, 1 to 1000000 (default 1).
    #[schema(schema_with = constraints::quantity_or_null)]
    #[serde(default, deserialize_with = "fields::whole::option_u32")]
    pub min_quantity: Option<u32>,
    /// The most one customer may have in one order, at least the minimum.
    #[schema(schema_with = constraints::quantity_or_null)]
    #[serde(default, deserialize_with = "fields::whole::option_u32")]
    pub max_per_order: Option<u32>,
    /// The stock to start with (default 0), recorded as an adjustment.
    #[serde(default, deserialize_with = "fields::whole::option_u32")]
    #[schema(schema_with = constraints::stock_or_null)]
    pub initial_stock: Option<u32>,
}

/// An article's new description (its stock changes through stock adjustments). Every
/// field is replaced: an absent VAT code or maximum clears it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ArticleInput {
    /// Its reference (it may change): 1 to 32 letters, digits, `-`, `_`, `.` or `/`.
    #[schema(example = "VIS-M6")]
    #[schema(schema_with = constraints::article_reference)]
    pub reference: String,
    /// What it is called, 1 to 200 characters.
    #[schema(schema_with = constraints::designation)]
    pub designation: String,
    /// Unit price before tax, a decimal string.
    #[schema(example = "12.50")]
    #[schema(schema_with = constraints::unit_price)]
    pub unit_price: String,
    /// Its VAT code; the default code's rate applies when absent.
    #[schema(schema_with = constraints::vat_code_or_null)]
    pub vat_code: Option<String>,
    /// The smallest quantity delivered at once, 1 to 1000000 (default 1).
    #[schema(schema_with = constraints::quantity_or_null)]
    #[serde(default, deserialize_with = "fields::whole::option_u32")]
    pub min_quantity: Option<u32>,
    /// The most one customer may have in one order, at least the minimum.
    #[schema(schema_with = constraints::quantity_or_null)]
    #[serde(default, deserialize_with = "fields::whole::option_u32")]
    pub max_per_order: Option<u32>,
}

/// An article's description from its fields, each error naming its field under `prefix`.
fn article_details(
    prefix: &str,
    reference: &str,
    designation: &str,
    unit_price: &str,
    vat_code: Option<&str>,
    min_quantity: Option<u32>,
    max_per_order: Option<u32>,
) -> Result<ArticleDetails, Problem> {
    let name = |field: &str| format!("{prefix}{field}");
    Ok(ArticleDetails {
        reference: fields::field(ArticleReference::new(reference), &name("reference"))?,
        designation: fields::field(Designation::new(designation), &name("designation"))?,
        unit_price: fields::field(
            parse_decimal(unit_price, "a unit price").and_then(UnitPrice::new),
            &name("unit_price"),
        )?,
        vat_code: vat_code
            .map(|c| fields::field(VatCodeId::new(c), &name("vat_code")))
            .transpose()?,
        min_quantity: fields::quantity(min_quantity.unwrap_or(1), &name("min_quantity"))?,
        max_per_order: max_per_order
            .map(|m| fields::quantity(m, &name("max_per_order")))
            .transpose()?,
    })
}

/// The catalogue, by reference, a page at a time. No token needed.
#[utoipa::path(
    get, path = "/api/v1/articles", tag = "catalogue",
    params(PageParams),
    responses(
        (status = 200, body = ArticlePage),
        (status = 401, description = "A token was sent and is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
pub(crate) async fn list_articles(
    State(state): State<AppState>,
    MaybeAuthenticated(_caller): MaybeAuthenticated,
    Query(params): Query<PageParams>,
) -> Result<axum::Json<ArticlePage>, Problem> {
    let page = state.app.articles(params.paging()?).await?;
    Ok(axum::Json(ArticlePage {
        items: page.items.iter().map(ArticleDto::from).collect(),
        total: page.total,
    }))
}

/// Creates an article (staff), with its initial stock.
#[utoipa::path(
    post, path = "/api/v1/articles", tag = "catalogue",
    request_body = NewArticleInput,
    responses(
        (status = 201, description = "Created", body = ArticleDto),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not staff", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The reference is taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An invalid field, an unknown VAT code, a maximum below the minimum", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn create_article(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Json(input): Json<NewArticleInput>,
) -> Result<(StatusCode, axum::Json<ArticleDto>), Problem> {
    let details = article_details(
        "",
        &input.reference,
        &input.designation,
        &input.unit_price,
        input.vat_code.as_deref(),
        input.min_quantity,
        input.max_per_order,
    )?;
    let article = state
        .app
        .create_article(&caller, &details, input.initial_stock.unwrap_or(0))
        .await?;
    Ok((StatusCode::CREATED, axum::Json(ArticleDto::from(&article))))
}

/// An article, by reference or id. No token needed.
#[utoipa::path(
    get, path = "/api/v1/articles/{reference}", tag = "catalogue",
    params(("reference" = String, Path, description = "The article's reference or id")),
    responses(
        (status = 200, body = ArticleDto),
        (status = 401, description = "A token was sent and is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Neither a reference nor an id", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
pub(crate) async fn show_article(
    State(state): State<AppState>,
    MaybeAuthenticated(_caller): MaybeAuthenticated,
    Path(article): Path<ArticleInPath>,
) -> Result<axum::Json<ArticleDto>, Problem> {
    let article = state.app.article(&article.0).await?;
    Ok(axum::Json(ArticleDto::from(&article)))
}

/// Changes an article's description (staff); what changed is recorded. Orders already
/// registered keep the price, designation and rate they copied.
#[utoipa::path(
    put, path = "/api/v1/articles/{reference}", tag = "catalogue",
    params(("reference" = String, Path, description = "The article's reference or id")),
    request_body = ArticleInput,
    responses(
        (status = 200, body = ArticleDto),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The new reference is taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn update_article(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(article): Path<ArticleInPath>,
    Json(input): Json<ArticleInput>,
) -> Result<axum::Json<ArticleDto>, Problem> {
    let details = article_details(
        "",
        &input.reference,
        &input.designation,
        &input.unit_price,
        input.vat_code.as_deref(),
        input.min_quantity,
        input.max_per_order,
    )?;
    let article = state
        .app
        .update_article(&caller, &article.0, &details)
        .await?;
    Ok(axum::Json(ArticleDto::from(&article)))
}

// ---------------------------------------------------------------------------------------
// Stock.
// ---------------------------------------------------------------------------------------

/// Units to add or remove.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StockAdjustmentInput {
    /// Units added (positive) or removed (negative); never 0.
    #[schema(example = 24)]
    #[serde(deserialize_with = "fields::whole::i64")]
    #[schema(schema_with = constraints::delta)]
    pub delta: i64,
    /// Why, recorded with the movement (1 to 500 characters).
    #[schema(example = "inventaire du 3 mars")]
    #[schema(schema_with = constraints::reason_or_null)]
    pub reason: Option<String>,
}

/// An article's stock.
#[derive(Debug, Serialize, ToSchema)]
pub struct StockLevelDto {
    /// The article's id.
    pub article: String,
    /// Units available now.
    pub stock: u32,
}

/// Adds units to or removes units from an article's stock (staff), with the reason
/// recorded in its movements. Stock never goes below zero.
#[utoipa::path(
    post, path = "/api/v1/articles/{reference}/stock-adjustments", tag = "catalogue",
    params(("reference" = String, Path, description = "The article's reference or id")),
    request_body = StockAdjustmentInput,
    responses(
        (status = 200, description = "The stock after the adjustment", body = StockLevelDto),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The stock would go below zero", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A delta of 0 or out of range", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn adjust_stock(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(article): Path<ArticleInPath>,
    Json(input): Json<StockAdjustmentInput>,
) -> Result<axum::Json<StockLevelDto>, Problem> {
    if input.delta.unsigned_abs() > u64::from(u32::MAX) {
        return Err(Problem::invalid(
            "delta",
            format!("at most {} units either way", u32::MAX),
        ));
    }
    let note = input
        .reason
        .as_deref()
        .map(|r| fields::field(Reason::new(r), "reason"))
        .transpose()?;
    let level = state
        .app
        .adjust_stock(&caller, &article.0, input.delta, note)
        .await
        .map_err(|e| match e {
            // The use case names the stock's bound `quantity`: here it is the delta's.
            app::AppError::Invalid { field, message } if field == "quantity" => {
                Problem::invalid("delta", message)
            }
            other => Problem::from(other),
        })?;
    Ok(axum::Json(StockLevelDto {
        article: level.article.to_string(),
        stock: level.stock,
    }))
}

/// A change of stock.
#[derive(Debug, Serialize, ToSchema)]
pub struct MovementDto {
    /// Units added (positive) or taken (negative).
    pub delta: i64,
    /// `adjustment`, `order_validated` or `order_cancelled`.
    pub reason: String,
    /// The order that caused it (its id), if any.
    pub order: Option<String>,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub at: OffsetDateTime,
    /// By whom.
    pub by: String,
    /// A remark.
    pub note: Option<String>,
}

impl From<&StockMovement> for MovementDto {
    fn from(m: &StockMovement) -> Self {
        MovementDto {
            delta: m.delta,
            reason: m.reason.as_str().to_owned(),
            order: m.order.map(|o| o.to_string()),
            at: m.at,
            by: m.by.to_string(),
            note: m.note.as_ref().map(ToString::to_string),
        }
    }
}

/// A page of stock movements.
#[derive(Debug, Serialize, ToSchema)]
pub struct MovementPage {
    /// The movements of this page, newest first.
    pub items: Vec<MovementDto>,
    /// How many movements in all.
    pub total: u64,
}

/// An article's stock movements, newest first, a page at a time (staff).
#[utoipa::path(
    get, path = "/api/v1/articles/{reference}/movements", tag = "catalogue",
    params(("reference" = String, Path, description = "The article's reference or id"), PageParams),
    responses(
        (status = 200, body = MovementPage),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn movements(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(article): Path<ArticleInPath>,
    Query(params): Query<PageParams>,
) -> Result<axum::Json<MovementPage>, Problem> {
    let page = state
        .app
        .stock_movements(&caller, &article.0, params.paging()?)
        .await?;
    Ok(axum::Json(MovementPage {
        items: page.items.iter().map(MovementDto::from).collect(),
        total: page.total,
    }))
}

// ---------------------------------------------------------------------------------------
// VAT codes.
// ---------------------------------------------------------------------------------------

/// A VAT code and its current rate.
#[derive(Debug, Serialize, ToSchema)]
pub struct VatCodeDto {
    /// The code articles refer to.
    #[schema(example = "NORMAL")]
    pub code: String,
    /// Its label.
    #[schema(example = "Taux normal")]
    pub label: String,
    /// Its rate, in percent.
    #[schema(value_type = String, example = "20")]
    pub rate: Decimal,
    /// Whether it is the default code, whose rate applies to articles without a code.
    pub default: bool,
}

impl From<&VatCode> for VatCodeDto {
    fn from(c: &VatCode) -> Self {
        VatCodeDto {
            code: c.code.to_string(),
            label: c.label.to_string(),
            rate: c.rate.percent(),
            default: c.is_default,
        }
    }
}

/// A VAT code's label, rate and whether it is the default.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VatCodeInput {
    /// Its label, 1 to 100 characters.
    #[schema(example = "Taux réduit")]
    #[schema(schema_with = constraints::vat_label)]
    pub label: String,
    /// Its rate in percent, a decimal string from 0 to 100 (at most 4 decimal places).
    #[schema(example = "5.5")]
    #[schema(schema_with = constraints::vat_rate)]
    pub rate: String,
    /// Make it the default code (the others stop being it). Default false.
    #[serde(default)]
    pub default: bool,
}

/// Every VAT code, by code. No token needed.
#[utoipa::path(
    get, path = "/api/v1/vat-codes", tag = "catalogue",
    responses(
        (status = 200, body = Vec<VatCodeDto>),
        (status = 401, description = "A token was sent and is not valid", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
pub(crate) async fn vat_codes(
    State(state): State<AppState>,
    MaybeAuthenticated(_caller): MaybeAuthenticated,
) -> Result<axum::Json<Vec<VatCodeDto>>, Problem> {
    let codes = state.app.vat_codes().await?;
    Ok(axum::Json(codes.iter().map(VatCodeDto::from).collect()))
}

/// Creates or changes a VAT code (staff). Orders already registered keep the rate they
/// copied.
#[utoipa::path(
    put, path = "/api/v1/vat-codes/{code}", tag = "catalogue",
    params(("code" = String, Path, description = "The code: 1 to 16 letters, digits, '-', '_' or '.'")),
    request_body = VatCodeInput,
    responses(
        (status = 200, body = VatCodeDto),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not staff", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn save_vat_code(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(code): Path<VatCodeId>,
    Json(input): Json<VatCodeInput>,
) -> Result<axum::Json<VatCodeDto>, Problem> {
    let code = VatCode {
        code,
        label: fields::field(VatLabel::new(&input.label), "label")?,
        rate: fields::field(
            parse_decimal(&input.rate, "a VAT rate").and_then(VatRate::new),
            "rate",
        )?,
        is_default: input.default,
    };
    state.app.save_vat_code(&caller, &code).await?;
    Ok(axum::Json(VatCodeDto::from(&code)))
}

// ---------------------------------------------------------------------------------------
// Quotes.
// ---------------------------------------------------------------------------------------

/// Lines to price.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuoteInput {
    /// The lines, at least one, at most 500.
    #[schema(schema_with = constraints::order_lines)]
    pub lines: Vec<LineInput>,
    /// The global discount, an amount as a decimal string (not for guests and customers).
    #[schema(example = "5.00")]
    #[schema(schema_with = constraints::amount_or_null)]
    pub global_discount: Option<String>,
}

/// A priced line.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuoteLineDto {
    /// The line, counted from 1.
    pub position: u32,
    /// The article's id.
    pub article: String,
    /// Its reference.
    pub reference: String,
    /// Its designation.
    pub designation: String,
    /// Quantity.
    pub quantity: u32,
    /// Unit price before tax, as it is now.
    #[schema(value_type = String, example = "12.50")]
    pub unit_price: Decimal,
    /// Discount on the line.
    #[schema(value_type = String, example = "0")]
    pub discount: Decimal,
    /// VAT rate in percent, as its code gives it now.
    #[schema(value_type = String, example = "20")]
    pub vat_rate: Decimal,
    /// Net amount before tax.
    #[schema(value_type = String)]
    pub net: Decimal,
    /// VAT of the line (information; the breakdown's VAT is owed).
    #[schema(value_type = String)]
    pub vat: Decimal,
    /// Net plus VAT.
    #[schema(value_type = String)]
    pub total: Decimal,
    /// The article's stock now.
    pub available: u32,
    /// Whether the stock covers this line now, with the lines of the same article before it.
    pub in_stock: bool,
}

/// Lines priced as an order would be; nothing is placed or reserved.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuoteDto {
    /// The lines, in the order asked.
    pub lines: Vec<QuoteLineDto>,
    /// Sum of the line nets.
    #[schema(value_type = String)]
    pub total_ht: Decimal,
    /// The global discount.
    #[schema(value_type = String)]
    pub global_discount: Decimal,
    /// Total before tax, net of the global discount.
    #[schema(value_type = String)]
    pub total_ht_net: Decimal,
    /// The VAT breakdown, by rate.
    pub vat_breakdown: Vec<VatShareDto>,
    /// Total VAT.
    #[schema(value_type = String)]
    pub total_vat: Decimal,
    /// Total to pay.
    #[schema(value_type = String)]
    pub total_ttc: Decimal,
    /// Whether the stock covers every line now.
    pub all_in_stock: bool,
}

impl From<&Quote> for QuoteDto {
    fn from(q: &Quote) -> Self {
        let p = &q.pricing;
        QuoteDto {
            lines: q
                .lines
                .iter()
                .zip(&p.lines)
                .zip(1u32..)
                .map(|((l, amounts), position)| QuoteLineDto {
                    position,
                    article: l.line.article.to_string(),
                    reference: l.line.reference.to_string(),
                    designation: l.line.designation.to_string(),
                    quantity: l.line.quantity.get(),
                    unit_price: l.line.unit_price.value(),
                    discount: l.line.discount.value(),
                    vat_rate: l.line.vat_rate.percent(),
                    net: amounts.net,
                    vat: amounts.vat,
                    total: amounts.total,
                    available: l.available,
                    in_stock: l.in_stock,
                })
                .collect(),
            total_ht: p.total_ht,
            global_discount: p.global_discount,
            total_ht_net: p.total_ht_net,
            vat_breakdown: p
                .vat_breakdown
                .iter()
                .map(|s| VatShareDto {
                    rate: s.rate.percent(),
                    base: s.base,
                    discount: s.discount,
                    taxable: s.taxable,
                    vat: s.vat,
                })
                .collect(),
            total_vat: p.total_vat,
            total_ttc: p.total_ttc,
            all_in_stock: q.all_in_stock(),
        }
    }
}

/// Prices lines as an order would be priced (the catalogue's quantity rules, current
/// prices and VAT rates, discounts) and says whether the stock covers each now, without
/// placing or reserving anything. No token needed; discounts are for staff.
#[utoipa::path(
    post, path = "/api/v1/quotes", tag = "catalogue",
    request_body = QuoteInput,
    responses(
        (status = 200, body = QuoteDto),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "A token was sent and is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A discount asked by a guest or a customer", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid request, lines breaking the catalogue's rules (every one listed), or discounts that cannot be priced", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
pub(crate) async fn quote(
    State(state): State<AppState>,
    MaybeAuthenticated(caller): MaybeAuthenticated,
    Json(input): Json<QuoteInput>,
) -> Result<axum::Json<QuoteDto>, Problem> {
    if input.lines.len() > MAX_LINES {
        return Err(Problem::invalid(
            "lines",
            format!("a quote has at most {MAX_LINES} lines"),
        ));
    }
    let lines = input
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            Ok(LineRequest {
                article: fields::article(&l.article, &format!("lines[{i}].article"))?,
                quantity: fields::quantity(l.quantity, &format!("lines[{i}].quantity"))?,
                discount: fields::amount(l.discount.as_deref(), &format!("lines[{i}].discount"))?,
            })
        })
        .collect::<Result<Vec<_>, Problem>>()?;
    let global_discount = fields::amount(input.global_discount.as_deref(), "global_discount")?;
    let quote = state
        .app
        .quote(caller.as_ref(), &lines, global_discount)
        .await?;
    Ok(axum::Json(QuoteDto::from(&quote)))
}

// ---------------------------------------------------------------------------------------
// Catalogue import.
// ---------------------------------------------------------------------------------------

/// The most rows one import may have.
pub const MAX_IMPORT_ROWS: usize = 5000;

/// One article of an import.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportRowInput {
    /// Its reference: a new one is created, an existing one updated.
    #[schema(schema_with = constraints::article_reference)]
    pub reference: String,
    /// What it is called.
    #[schema(schema_with = constraints::designation)]
    pub designation: String,
    /// Unit price before tax, a decimal string.
    #[schema(schema_with = constraints::unit_price)]
    pub unit_price: String,
    /// Its VAT code; the default code's rate applies when absent.
    #[schema(schema_with = constraints::vat_code_or_null)]
    pub vat_code: Option<String>,
    /// The smallest quantity delivered at once (default 1).
    #[schema(schema_with = constraints::quantity_or_null)]
    #[serde(default, deserialize_with = "fields::whole::option_u32")]
    pub min_quantity: Option<u32>,
    /// The most one customer may have in one order.
    #[schema(schema_with = constraints::quantity_or_null)]
    #[serde(default, deserialize_with = "fields::whole::option_u32")]
    pub max_per_order: Option<u32>,
    /// The stock to set; absent leaves an existing article's stock as it is (a new one
    /// starts with none).
    #[serde(default, deserialize_with = "fields::whole::option_u32")]
    #[schema(schema_with = constraints::stock_or_null)]
    pub stock: Option<u32>,
}

/// A catalogue to import, all at once.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportInput {
    /// The articles, at most 5000, each reference once.
    #[schema(schema_with = constraints::import_rows)]
    pub rows: Vec<ImportRowInput>,
}

/// A stock the import set.
#[derive(Debug, Serialize, ToSchema)]
pub struct StockChangeDto {
    /// The article's reference.
    pub reference: String,
    /// Its stock before.
    pub before: u32,
    /// Its stock now.
    pub after: u32,
}

/// What an import did.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportReportDto {
    /// The references created.
    pub created: Vec<String>,
    /// The existing references whose description changed.
    pub updated: Vec<String>,
    /// The existing references already as the import describes them.
    pub unchanged: Vec<String>,
    /// The stocks set, each by an adjustment noted "import catalogue".
    pub stock_changes: Vec<StockChangeDto>,
}

impl From<&ImportReport> for ImportReportDto {
    fn from(r: &ImportReport) -> Self {
        let refs = |list: &[ArticleReference]| list.iter().map(ToString::to_string).collect();
        ImportReportDto {
            created: refs(&r.created),
            updated: refs(&r.updated),
            unchanged: refs(&r.unchanged),
            stock_changes: r
                .stock_changes
                .iter()
                .map(|c| StockChangeDto {
                    reference: c.reference.to_string(),
                    before: c.before,
                    after: c.after,
                })
                .collect(),
        }
    }
}

/// The use case names a row's field as `line N, field F` (rows counted from 1): the API
/// names it `rows[N-1].F`, as the request wrote it.
fn row_problem(err: app::AppError) -> Problem {
    if let app::AppError::Invalid { field, message } = &err {
        let parsed = field
            .strip_prefix("line ")
            .and_then(|rest| rest.split_once(", field "))
            .and_then(|(line, name)| Some((line.parse::<usize>().ok()?, name)));
        if let Some((line, name)) = parsed {
            return Problem::invalid(format!("rows[{}].{name}", line.saturating_sub(1)), message);
        }
    }
    Problem::from(err)
}

/// Imports a catalogue in one transaction (staff): a reference not in the catalogue is
/// created, one already there is updated (the change recorded), and each stock given is set
/// by an adjustment. A row at fault refuses the whole import, naming it; nothing is written.
#[utoipa::path(
    post, path = "/api/v1/catalogue/import", tag = "catalogue",
    request_body = ImportInput,
    responses(
        (status = 200, body = ImportReportDto),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not staff", body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A row at fault, named as rows[i].field", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn import_catalogue(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Json(input): Json<ImportInput>,
) -> Result<axum::Json<ImportReportDto>, Problem> {
    if input.rows.len() > MAX_IMPORT_ROWS {
        return Err(Problem::invalid(
            "rows",
            format!("an import has at most {MAX_IMPORT_ROWS} rows"),
        ));
    }
    let rows = input
        .rows
        .iter()
        .zip(1u64..)
        .enumerate()
        .map(|(i, (row, line))| {
            Ok(CatalogueRow {
                line,
                details: article_details(
                    &format!("rows[{i}]."),
                    &row.reference,
                    &row.designation,
                    &row.unit_price,
                    row.vat_code.as_deref(),
                    row.min_quantity,
                    row.max_per_order,
                )?,
                stock: row.stock,
            })
        })
        .collect::<Result<Vec<_>, Problem>>()?;
    let report = state
        .app
        .import_catalogue(&caller, &rows)
        .await
        .map_err(row_problem)?;
    Ok(axum::Json(ImportReportDto::from(&report)))
}
