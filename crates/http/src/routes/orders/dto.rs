//! What the order routes take and give.

use app::orders::{LineRequest, OrderRequest, ShortagePolicy};
use domain::ids::{AdresseId, TiersId};
use domain::order::{Commande, OrderSource, SiteCode};
use domain::payment::OrderPaymentState;
use domain::pricing::VatShare;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;

use crate::problem::Problem;
use crate::routes::constraints;
use crate::routes::fields;

/// A line asked for.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LineInput {
    /// The article: its reference (`VIS-M6`) or its id.
    #[schema(example = "VIS-M6")]
    #[schema(schema_with = constraints::article)]
    pub article: String,
    /// How many: a whole number from 1 to 1000000.
    #[schema(example = 3)]
    #[schema(schema_with = constraints::quantity)]
    #[serde(deserialize_with = "fields::whole::u32")]
    pub quantity: u32,
    /// The discount on the line, an amount (staff only), as a decimal string.
    #[schema(example = "1.00")]
    #[schema(schema_with = constraints::amount_or_null)]
    pub discount: Option<String>,
}

/// What to do when an article is short.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ShortageChoice {
    /// Refuse the whole order, listing every short article with what is available.
    #[default]
    Refuse,
    /// Go on with what is available: short lines reduced or dropped.
    TakeAvailable,
}

impl From<ShortageChoice> for ShortagePolicy {
    fn from(choice: ShortageChoice) -> Self {
        match choice {
            ShortageChoice::Refuse => ShortagePolicy::Refuse,
            ShortageChoice::TakeAvailable => ShortagePolicy::TakeAvailable,
        }
    }
}

/// An order asked for.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderInput {
    /// The customer (a person's id).
    #[schema(schema_with = constraints::uuid)]
    pub customer: String,
    /// Who pays; the customer when absent.
    #[schema(schema_with = constraints::uuid_or_null)]
    pub payer: Option<String>,
    /// Who receives; the customer when absent.
    #[schema(schema_with = constraints::uuid_or_null)]
    pub recipient: Option<String>,
    /// Where to deliver (an address id).
    #[schema(schema_with = constraints::uuid)]
    pub delivery_address: String,
    /// Where to bill; the delivery address when absent.
    #[schema(schema_with = constraints::uuid_or_null)]
    pub billing_address: Option<String>,
    /// The lines, at least one, at most 500.
    #[schema(schema_with = constraints::order_lines)]
    pub lines: Vec<LineInput>,
    /// The global discount, an amount (staff only).
    #[schema(schema_with = constraints::amount_or_null)]
    pub global_discount: Option<String>,
    /// The site to number the order under (staff only); the caller's site or the online
    /// site otherwise.
    #[schema(schema_with = constraints::site_code_or_null)]
    pub site: Option<String>,
    /// What to do when an article is short.
    #[serde(default)]
    pub on_shortage: ShortageChoice,
}

/// The most lines one order may have.
pub const MAX_LINES: usize = 500;

impl OrderInput {
    /// The use case's request, every field checked.
    pub fn to_request(&self, source: OrderSource) -> Result<OrderRequest, Problem> {
        if self.lines.len() > MAX_LINES {
            return Err(Problem::invalid(
                "lines",
                format!("an order has at most {MAX_LINES} lines"),
            ));
        }
        let lines = self
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| {
                Ok(LineRequest {
                    article: fields::article(&l.article, &format!("lines[{i}].article"))?,
                    quantity: fields::quantity(l.quantity, &format!("lines[{i}].quantity"))?,
                    discount: fields::amount(
                        l.discount.as_deref(),
                        &format!("lines[{i}].discount"),
                    )?,
                })
            })
            .collect::<Result<Vec<_>, Problem>>()?;
        let tiers = |text: &Option<String>, name: &str| -> Result<Option<TiersId>, Problem> {
            text.as_deref()
                .map(|t| fields::id(t, name, TiersId::parse))
                .transpose()
        };
        Ok(OrderRequest {
            customer: fields::id(&self.customer, "customer", TiersId::parse)?,
            payer: tiers(&self.payer, "payer")?,
            recipient: tiers(&self.recipient, "recipient")?,
            delivery_address: fields::id(
                &self.delivery_address,
                "delivery_address",
                AdresseId::parse,
            )?,
            billing_address: self
                .billing_address
                .as_deref()
                .map(|t| fields::id(t, "billing_address", AdresseId::parse))
                .transpose()?,
            lines,
            global_discount: fields::amount(self.global_discount.as_deref(), "global_discount")?,
            source,
            site: self
                .site
                .as_deref()
                .map(|s| fields::field(SiteCode::new(s), "site"))
                .transpose()?,
            on_shortage: self.on_shortage.into(),
        })
    }
}

/// A line of an order.
#[derive(Debug, Serialize, ToSchema)]
pub struct LineDto {
    /// Its number within the order.
    pub position: u32,
    /// The article's id.
    pub article: String,
    /// The article's reference, as when the line was added.
    pub reference: String,
    /// The article's designation, as when the line was added.
    pub designation: String,
    /// Quantity.
    pub quantity: u32,
    /// Unit price before tax, as when the line was added.
    #[schema(value_type = String, example = "12.50")]
    pub unit_price: Decimal,
    /// Discount on the line.
    #[schema(value_type = String, example = "1.00")]
    pub discount: Decimal,
    /// VAT rate in percent, as when the line was added.
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
}

/// The share of one VAT rate.
#[derive(Debug, Serialize, ToSchema)]
pub struct VatShareDto {
    /// The rate, in percent.
    #[schema(value_type = String)]
    pub rate: Decimal,
    /// Sum of the nets at this rate.
    #[schema(value_type = String)]
    pub base: Decimal,
    /// This rate's share of the global discount.
    #[schema(value_type = String)]
    pub discount: Decimal,
    /// Base minus discount.
    #[schema(value_type = String)]
    pub taxable: Decimal,
    /// VAT owed at this rate.
    #[schema(value_type = String)]
    pub vat: Decimal,
}

impl From<&VatShare> for VatShareDto {
    fn from(s: &VatShare) -> Self {
        VatShareDto {
            rate: s.rate.percent(),
            base: s.base,
            discount: s.discount,
            taxable: s.taxable,
            vat: s.vat,
        }
    }
}

/// One change of state.
#[derive(Debug, Serialize, ToSchema)]
pub struct StateChangeDto {
    /// The state before; absent for the creation.
    pub from: Option<String>,
    /// The state after.
    pub to: String,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub at: OffsetDateTime,
    /// By whom.
    pub by: String,
    /// Why.
    pub reason: Option<String>,
}

/// An order.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderDto {
    /// Its id.
    pub id: String,
    /// Its number: the site's code and a number within the site.
    #[schema(example = "WEB-000042")]
    pub number: String,
    /// `DRAFT`, `VALIDATED`, `FULFILLED`, `CANCELLED` or `DELETED`.
    pub state: String,
    /// Its payment, apart from its state: `awaiting_payment`, `paid`, or
    /// `last_payment_failed` (the order stays as it is, to be paid again). See
    /// `GET /api/v1/orders/{number}/payments`.
    #[schema(example = "awaiting_payment")]
    pub payment: String,
    /// `online`, `site`, `phone` or `api`.
    pub source: String,
    /// The customer's id.
    pub customer: String,
    /// The payer's id.
    pub payer: String,
    /// The recipient's id.
    pub recipient: String,
    /// The delivery address's id.
    pub delivery_address: String,
    /// The billing address's id, when not the delivery address.
    pub billing_address: Option<String>,
    /// The site's id.
    pub site: String,
    /// The order taker's id, for orders taken at a site.
    pub taken_by: Option<String>,
    /// When it was taken.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub ordered_at: OffsetDateTime,
    /// When it is to be delivered.
    #[schema(value_type = String, format = Date)]
    pub planned_delivery: Date,
    /// Its lines.
    pub lines: Vec<LineDto>,
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
    /// Every change of state, oldest first.
    pub history: Vec<StateChangeDto>,
}

impl OrderDto {
    /// An order as the API shows it, with its payment state (which the order itself does
    /// not hold: it is drawn from its payments).
    pub fn new(o: &Commande, payment: OrderPaymentState) -> Self {
        let p = o.pricing();
        OrderDto {
            id: o.id().to_string(),
            number: o.number().to_string(),
            state: o.state().as_str().to_owned(),
            payment: payment.as_str().to_owned(),
            source: o.source().as_str().to_owned(),
            customer: o.parties().customer.to_string(),
            payer: o.parties().payer.to_string(),
            recipient: o.parties().recipient.to_string(),
            delivery_address: o.parties().delivery_address.to_string(),
            billing_address: o.parties().billing_address.map(|a| a.to_string()),
            site: o.site().to_string(),
            taken_by: o.taken_by().map(|t| t.to_string()),
            ordered_at: o.ordered_at(),
            planned_delivery: o.planned_delivery(),
            lines: o
                .lines()
                .iter()
                .zip(&p.lines)
                .map(|(l, amounts)| LineDto {
                    position: l.position,
                    article: l.content.article.to_string(),
                    reference: l.content.reference.to_string(),
                    designation: l.content.designation.to_string(),
                    quantity: l.content.quantity.get(),
                    unit_price: l.content.unit_price.value(),
                    discount: l.content.discount.value(),
                    vat_rate: l.content.vat_rate.percent(),
                    net: amounts.net,
                    vat: amounts.vat,
                    total: amounts.total,
                })
                .collect(),
            total_ht: p.total_ht,
            global_discount: p.global_discount,
            total_ht_net: p.total_ht_net,
            vat_breakdown: p.vat_breakdown.iter().map(VatShareDto::from).collect(),
            total_vat: p.total_vat,
            total_ttc: p.total_ttc,
            history: o
                .history()
                .iter()
                .map(|h| StateChangeDto {
                    from: h.from.map(|s| s.as_str().to_owned()),
                    to: h.to.as_str().to_owned(),
                    at: h.at,
                    by: h.by.to_string(),
                    reason: h.reason.as_ref().map(ToString::to_string),
                })
                .collect(),
        }
    }
}

/// An order just placed.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlacedOrderDto {
    /// The order.
    pub order: OrderDto,
    /// The articles reduced for want of stock, when asked to go on with what is available.
    pub reduced: Vec<crate::problem::ShortageDto>,
    /// Whether this is the order an earlier request with the same idempotency key placed.
    pub replayed: bool,
}

impl PlacedOrderDto {
    /// An order just placed (or given back for its idempotency key), with its payment
    /// state.
    pub fn new(placed: &app::orders::PlacedOrder, payment: OrderPaymentState) -> Self {
        PlacedOrderDto {
            order: OrderDto::new(&placed.order, payment),
            reduced: placed
                .reduced
                .iter()
                .map(|s| crate::problem::ShortageDto {
                    article: s.article.to_string(),
                    reference: s.reference.to_string(),
                    requested: s.requested,
                    available: s.available,
                })
                .collect(),
            replayed: placed.replayed,
        }
    }
}
