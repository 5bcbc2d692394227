//! Invoices, credit notes and delivery notes.
//!
//! An [`Invoice`] is a snapshot: everything it says (seller, buyer, addresses, lines,
//! totals) is copied when it is issued, so that nothing changed later in the address book,
//! the catalogue or the configuration changes an invoice already issued. A credit note is
//! the same document with the other [`InvoiceKind`], citing the invoice it cancels.

mod delivery_note;
#[cfg(any(test, feature = "examples"))]
pub mod examples;
mod legal;
mod number;

pub use delivery_note::{DeliveryNote, DeliveryNoteLine};
pub use legal::{PostalAddress, Seller, Siren, Siret, VatNumber};
pub use number::{InvoiceKind, InvoiceNumber};

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use thiserror::Error;
use time::{Date, Duration, OffsetDateTime};

use crate::ids::{CommandeId, InvoiceId};
use crate::money::{Amount, Quantity, UnitPrice};
use crate::order::{Commande, OrderNumber, OrderSource, OrderState};
use crate::pricing::Pricing;
use crate::vat::VatRate;

/// The recovery indemnity owed by a business buyer paying late (Code de commerce
/// L441-10 and D441-5): 40 euros.
pub const RECOVERY_INDEMNITY: Decimal = Decimal::from_parts(40, 0, 0, false, 0);

/// When an order is invoiced: an online order when it is paid; an order taken at a site,
/// by phone or sent by a program is on account (deferred payment terms), so it is
/// invoiced when it is validated.
pub fn invoiced_at_validation(source: OrderSource) -> bool {
    source != OrderSource::Online
}

/// A business buyer's identifiers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BusinessIdentity {
    /// Its SIREN.
    pub siren: Siren,
    /// Its intra-community VAT number, when it has one.
    pub vat_number: Option<VatNumber>,
}

/// Who is invoiced: the order's payer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Buyer {
    /// The company's name, or the person's for a private buyer.
    pub name: String,
    /// For a company: the person it is addressed to.
    pub contact: Option<String>,
    /// For a business: its SIREN and VAT number; `None` for a private buyer.
    pub business: Option<BusinessIdentity>,
    /// Its billing address.
    pub address: PostalAddress,
    /// Where the invoice is emailed.
    pub email: Option<String>,
}

impl Buyer {
    /// Whether the buyer is a business, which adds mentions (late penalties, recovery
    /// indemnity) and its identifiers to the invoice.
    pub fn is_business(&self) -> bool {
        self.business.is_some()
    }
}

/// Where the goods go, printed when it differs from the billing address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    /// Who receives them.
    pub recipient: String,
    /// Where.
    pub address: PostalAddress,
}

/// A line as invoiced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceLine {
    /// Its number within the order, from 1.
    pub position: u32,
    /// The article's reference.
    pub reference: String,
    /// Its designation.
    pub designation: String,
    /// Quantity.
    pub quantity: Quantity,
    /// Unit price before tax.
    pub unit_price: UnitPrice,
    /// Discount on the line, an amount.
    pub discount: Amount,
    /// VAT rate.
    pub vat_rate: VatRate,
    /// `round(quantity x unit_price - discount)`, before tax.
    pub net: Decimal,
}

/// The invoice a credit note cancels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceReference {
    /// Its number.
    pub number: InvoiceNumber,
    /// Its issue date.
    pub issue_date: Date,
}

/// An invoice or a credit note, as issued: never changed afterwards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invoice {
    /// Its id.
    pub id: InvoiceId,
    /// Invoice or credit note.
    pub kind: InvoiceKind,
    /// Its number, from its series.
    pub number: InvoiceNumber,
    /// When it was issued.
    #[serde(with = "time::serde::rfc3339")]
    pub issued_at: OffsetDateTime,
    /// Its issue date.
    pub issue_date: Date,
    /// The date of the sale (the order's validation).
    pub sale_date: Date,
    /// The order invoiced.
    pub order_id: CommandeId,
    /// Its number.
    pub order_number: OrderNumber,
    /// The seller, as configured at issue.
    pub seller: Seller,
    /// The buyer (the order's payer).
    pub buyer: Buyer,
    /// The delivery, when its address differs from the billing address.
    pub delivery: Option<Delivery>,
    /// The lines.
    pub lines: Vec<InvoiceLine>,
    /// The totals: VAT per rate, total before tax, VAT, total to pay.
    pub totals: Pricing,
    /// When payment is due.
    pub due_date: Date,
    /// When it was paid, for an invoice issued once paid.
    pub paid_on: Option<Date>,
    /// For a credit note: the invoice it cancels.
    pub corrects: Option<InvoiceReference>,
}

/// Why an invoice cannot be issued.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum BillingError {
    /// The order is not in a state that is invoiced.
    #[error("order {number} is {state:?}: only a validated or fulfilled order is invoiced")]
    NotInvoiceable {
        /// The order.
        number: OrderNumber,
        /// Its state.
        state: OrderState,
    },
    /// A credit note was asked of a credit note.
    #[error("{number} is a credit note: only an invoice is credited")]
    NotAnInvoice {
        /// The document.
        number: InvoiceNumber,
    },
}

/// What an invoice is issued from, beside the order.
#[derive(Debug, Clone)]
pub struct InvoiceParties {
    /// The seller.
    pub seller: Seller,
    /// The payer.
    pub buyer: Buyer,
    /// The recipient's name.
    pub recipient: String,
    /// The delivery address.
    pub delivery_address: PostalAddress,
}

impl Invoice {
    /// Issues the invoice of `order`: a snapshot of its lines and totals and of the
    /// parties. Paid when `paid_on` is given (due that day); otherwise due after the
    /// seller's payment terms.
    ///
    /// # Errors
    /// [`BillingError::NotInvoiceable`] unless the order is validated or fulfilled.
    pub fn issue(
        id: InvoiceId,
        number: InvoiceNumber,
        order: &Commande,
        parties: InvoiceParties,
        issued_at: OffsetDateTime,
        paid_on: Option<Date>,
    ) -> Result<Invoice, BillingError> {
        if !matches!(order.state(), OrderState::Validated | OrderState::Fulfilled) {
            return Err(BillingError::NotInvoiceable {
                number: order.number().clone(),
                state: order.state(),
            });
        }
        let issue_date = issued_at.date();
        let sale_date = order
            .history()
            .iter()
            .find(|change| change.to == OrderState::Validated)
            .map_or(order.ordered_at().date(), |change| change.at.date());
        let due_date = match paid_on {
            Some(_) => issue_date,
            None => issue_date
                .checked_add(Duration::days(i64::from(parties.seller.payment_terms_days)))
                .unwrap_or(issue_date),
        };
        let lines = order
            .lines()
            .iter()
            .zip(&order.pricing().lines)
            .map(|(line, amounts)| InvoiceLine {
                position: line.position,
                reference: line.content.reference.to_string(),
                designation: line.content.designation.to_string(),
                quantity: line.content.quantity,
                unit_price: line.content.unit_price,
                discount: line.content.discount,
                vat_rate: line.content.vat_rate,
                net: amounts.net,
            })
            .collect();
        let same_person = parties.recipient == parties.buyer.name
            || parties.buyer.contact.as_deref() == Some(parties.recipient.as_str());
        let delivery = (parties.delivery_address != parties.buyer.address || !same_person)
            .then_some(Delivery {
                recipient: parties.recipient,
                address: parties.delivery_address,
            });
        Ok(Invoice {
            id,
            kind: InvoiceKind::Invoice,
            number,
            issued_at,
            issue_date,
            sale_date,
            order_id: order.id(),
            order_number: order.number().clone(),
            seller: parties.seller,
            buyer: parties.buyer,
            delivery,
            lines,
            totals: order.pricing().clone(),
            due_date,
            paid_on,
            corrects: None,
        })
    }

    /// The credit note cancelling this invoice in full: the same lines, parties and
    /// totals, citing this invoice's number and date.
    ///
    /// # Errors
    /// [`BillingError::NotAnInvoice`] when this is itself a credit note.
    pub fn credit_note(
        &self,
        id: InvoiceId,
        number: InvoiceNumber,
        issued_at: OffsetDateTime,
    ) -> Result<Invoice, BillingError> {
        if self.kind != InvoiceKind::Invoice {
            return Err(BillingError::NotAnInvoice {
                number: self.number.clone(),
            });
        }
        Ok(Invoice {
            id,
            kind: InvoiceKind::CreditNote,
            number,
            issued_at,
            issue_date: issued_at.date(),
            due_date: issued_at.date(),
            paid_on: None,
            corrects: Some(InvoiceReference {
                number: self.number.clone(),
                issue_date: self.issue_date,
            }),
            ..self.clone()
        })
    }

    /// The number series this document's number comes from.
    pub fn series(&self) -> String {
        self.kind.series(self.issue_date.year())
    }
}

#[cfg(test)]
mod tests;
