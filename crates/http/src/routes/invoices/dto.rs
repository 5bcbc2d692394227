//! What the invoice routes give: documents in full and in lists.

use domain::billing::{Buyer, Invoice, PostalAddress, Seller};
use ports::Page;
use rust_decimal::Decimal;
use serde::Serialize;
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;

use crate::routes::orders::dto::VatShareDto;

/// A postal address as printed on a document.
#[derive(Debug, Serialize, ToSchema)]
pub struct PostalAddressDto {
    /// The street lines.
    pub lines: Vec<String>,
    /// The postal code.
    pub postal_code: String,
    /// The town.
    pub town: String,
    /// The ISO 3166-1 alpha-2 country code.
    #[schema(example = "FR")]
    pub country: String,
}

impl From<&PostalAddress> for PostalAddressDto {
    fn from(a: &PostalAddress) -> Self {
        PostalAddressDto {
            lines: a.lines.clone(),
            postal_code: a.postal_code.clone(),
            town: a.town.clone(),
            country: a.country.clone(),
        }
    }
}

/// The selling company, as on the document.
#[derive(Debug, Serialize, ToSchema)]
pub struct SellerDto {
    /// Its name.
    pub name: String,
    /// Its legal form (SAS, SARL, ...).
    pub legal_form: String,
    /// Its share capital, in euros.
    #[schema(value_type = String, example = "10000")]
    pub share_capital: Decimal,
    /// Its SIREN.
    pub siren: String,
    /// The SIRET of the establishment.
    pub siret: String,
    /// Its intra-community VAT number.
    pub vat_number: String,
    /// The town of its trade register (RCS).
    pub rcs_town: String,
    /// Its address.
    pub address: PostalAddressDto,
    /// Its email.
    pub email: String,
    /// Its phone number.
    pub phone: Option<String>,
    /// The IBAN to pay to.
    pub iban: Option<String>,
    /// Its payment terms, in days.
    pub payment_terms_days: u16,
    /// The yearly rate of late payment penalties, in percent.
    #[schema(value_type = String, example = "12.15")]
    pub late_penalty_rate: Decimal,
}

impl From<&Seller> for SellerDto {
    fn from(s: &Seller) -> Self {
        SellerDto {
            name: s.name.clone(),
            legal_form: s.legal_form.clone(),
            share_capital: s.share_capital,
            siren: s.siren.to_string(),
            siret: s.siret.to_string(),
            vat_number: s.vat_number.to_string(),
            rcs_town: s.rcs_town.clone(),
            address: PostalAddressDto::from(&s.address),
            email: s.email.clone(),
            phone: s.phone.clone(),
            iban: s.iban.clone(),
            payment_terms_days: s.payment_terms_days,
            late_penalty_rate: s.late_penalty_rate,
        }
    }
}

/// The buyer (the payer of the order), as on the document.
#[derive(Debug, Serialize, ToSchema)]
pub struct BuyerDto {
    /// A company's or a person's name.
    pub name: String,
    /// The person to the attention of, for a company.
    pub contact: Option<String>,
    /// A company's SIREN.
    pub siren: Option<String>,
    /// A company's intra-community VAT number.
    pub vat_number: Option<String>,
    /// The billing address.
    pub address: PostalAddressDto,
    /// Where the document is sent.
    pub email: Option<String>,
}

impl From<&Buyer> for BuyerDto {
    fn from(b: &Buyer) -> Self {
        BuyerDto {
            name: b.name.clone(),
            contact: b.contact.clone(),
            siren: b.business.as_ref().map(|i| i.siren.to_string()),
            vat_number: b
                .business
                .as_ref()
                .and_then(|i| i.vat_number.as_ref())
                .map(ToString::to_string),
            address: PostalAddressDto::from(&b.address),
            email: b.email.clone(),
        }
    }
}

/// Where the goods went, when not to the buyer at the billing address.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryDto {
    /// Who received them.
    pub recipient: String,
    /// Where.
    pub address: PostalAddressDto,
}

/// A line of a document.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvoiceLineDto {
    /// Its number within the order.
    pub position: u32,
    /// The article's reference.
    pub reference: String,
    /// The article's designation.
    pub designation: String,
    /// Quantity.
    pub quantity: u32,
    /// Unit price before tax.
    #[schema(value_type = String, example = "12.50")]
    pub unit_price: Decimal,
    /// Discount on the line.
    #[schema(value_type = String, example = "0.00")]
    pub discount: Decimal,
    /// VAT rate in percent.
    #[schema(value_type = String, example = "20")]
    pub vat_rate: Decimal,
    /// Net amount before tax.
    #[schema(value_type = String)]
    pub net: Decimal,
}

/// The invoice a credit note cancels.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvoiceReferenceDto {
    /// Its number.
    #[schema(example = "FA-2026-000001")]
    pub number: String,
    /// Its date of issue.
    #[schema(value_type = String, format = Date)]
    pub issue_date: Date,
}

/// An invoice or a credit note, as issued: a snapshot of the order and its parties.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvoiceDto {
    /// Its number: `FA-YYYY-NNNNNN` for an invoice, `AV-YYYY-NNNNNN` for a credit note.
    #[schema(example = "FA-2026-000001")]
    pub number: String,
    /// `invoice` or `credit_note`.
    #[schema(example = "invoice")]
    pub kind: String,
    /// The order's number.
    #[schema(example = "WEB-000042")]
    pub order_number: String,
    /// When it was issued.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub issued_at: OffsetDateTime,
    /// Its date of issue.
    #[schema(value_type = String, format = Date)]
    pub issue_date: Date,
    /// The date of the sale (the order's validation).
    #[schema(value_type = String, format = Date)]
    pub sale_date: Date,
    /// When payment is due.
    #[schema(value_type = String, format = Date)]
    pub due_date: Date,
    /// When it was paid, if it was when issued.
    #[schema(value_type = Option<String>, format = Date)]
    pub paid_on: Option<Date>,
    /// For a credit note, the invoice it cancels.
    pub corrects: Option<InvoiceReferenceDto>,
    /// The selling company.
    pub seller: SellerDto,
    /// The buyer.
    pub buyer: BuyerDto,
    /// Where the goods went, when not to the buyer at the billing address.
    pub delivery: Option<DeliveryDto>,
    /// The lines.
    pub lines: Vec<InvoiceLineDto>,
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
    /// Total, tax included.
    #[schema(value_type = String, example = "55.53")]
    pub total_ttc: Decimal,
}

impl From<&Invoice> for InvoiceDto {
    fn from(i: &Invoice) -> Self {
        let t = &i.totals;
        InvoiceDto {
            number: i.number.to_string(),
            kind: i.kind.as_str().to_owned(),
            order_number: i.order_number.to_string(),
            issued_at: i.issued_at,
            issue_date: i.issue_date,
            sale_date: i.sale_date,
            due_date: i.due_date,
            paid_on: i.paid_on,
            corrects: i.corrects.as_ref().map(|c| InvoiceReferenceDto {
                number: c.number.to_string(),
                issue_date: c.issue_date,
            }),
            seller: SellerDto::from(&i.seller),
            buyer: BuyerDto::from(&i.buyer),
            delivery: i.delivery.as_ref().map(|d| DeliveryDto {
                recipient: d.recipient.clone(),
                address: PostalAddressDto::from(&d.address),
            }),
            lines: i
                .lines
                .iter()
                .map(|l| InvoiceLineDto {
                    position: l.position,
                    reference: l.reference.clone(),
                    designation: l.designation.clone(),
                    quantity: l.quantity.get(),
                    unit_price: l.unit_price.value(),
                    discount: l.discount.value(),
                    vat_rate: l.vat_rate.percent(),
                    net: l.net,
                })
                .collect(),
            total_ht: t.total_ht,
            global_discount: t.global_discount,
            total_ht_net: t.total_ht_net,
            vat_breakdown: t.vat_breakdown.iter().map(VatShareDto::from).collect(),
            total_vat: t.total_vat,
            total_ttc: t.total_ttc,
        }
    }
}

/// An invoice or credit note in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvoiceSummaryDto {
    /// Its number.
    #[schema(example = "FA-2026-000001")]
    pub number: String,
    /// `invoice` or `credit_note`.
    pub kind: String,
    /// The order's number.
    pub order_number: String,
    /// Its date of issue.
    #[schema(value_type = String, format = Date)]
    pub issue_date: Date,
    /// The buyer's name.
    pub buyer: String,
    /// Total, tax included.
    #[schema(value_type = String, example = "55.53")]
    pub total_ttc: Decimal,
    /// For a credit note, the number of the invoice it cancels.
    pub corrects: Option<String>,
}

impl From<&Invoice> for InvoiceSummaryDto {
    fn from(i: &Invoice) -> Self {
        InvoiceSummaryDto {
            number: i.number.to_string(),
            kind: i.kind.as_str().to_owned(),
            order_number: i.order_number.to_string(),
            issue_date: i.issue_date,
            buyer: i.buyer.name.clone(),
            total_ttc: i.totals.total_ttc,
            corrects: i.corrects.as_ref().map(|c| c.number.to_string()),
        }
    }
}

/// A page of invoices and credit notes.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvoicePage {
    /// The documents of this page, latest first.
    pub items: Vec<InvoiceSummaryDto>,
    /// How many match in all.
    pub total: u64,
}

impl From<&Page<Invoice>> for InvoicePage {
    fn from(page: &Page<Invoice>) -> Self {
        InvoicePage {
            items: page.items.iter().map(InvoiceSummaryDto::from).collect(),
            total: page.total,
        }
    }
}

/// An order's invoice and credit note, in order of issue.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderInvoicesDto {
    /// The order's number.
    pub order_number: String,
    /// Its documents, in order of issue (none until the invoice is issued).
    pub items: Vec<InvoiceSummaryDto>,
}
