//! Invoices, credit notes and delivery notes.
//!
//! Issuing is decoupled from the change that calls for it: validating an order on account,
//! an order becoming paid, or cancelling an invoiced order writes an internal outbox
//! message (`invoice_due`, `credit_note_due`) in its own transaction, and the outbox worker
//! issues the document in a transaction of its own ([`issue`]), which takes the number
//! from the document's series, stores the document and queues its email. Orders never wait
//! for each other on the invoice series this way, and the series still has no gap: a
//! number is taken only in the transaction that stores its document.

mod issue;
mod queries;

pub(crate) use issue::{
    credit_note_due, handle_internal, invoice_due, invoice_due_message, is_internal,
};
pub use issue::{CREDIT_NOTE_DUE, CREDIT_NOTE_ISSUED, INVOICE_DUE, INVOICE_ISSUED};
pub(crate) use queries::is_delivered;
pub use queries::InvoiceDocument;

use domain::billing::{PostalAddress, Seller, Siren, Siret, VatNumber};
use rust_decimal::Decimal;

/// The seller of a fresh install, until the selling company is configured: a fictitious
/// company, clearly named so, whose identifiers pass their checks.
pub fn demo_seller() -> Seller {
    let siren = Siren::new("123456782").unwrap_or_else(|_| unreachable_demo());
    Seller {
        name: "Société de démonstration (à configurer)".to_owned(),
        legal_form: "SAS".to_owned(),
        share_capital: Decimal::new(10_000, 0),
        vat_number: VatNumber::french(&siren),
        siret: Siret::new("12345678200010").unwrap_or_else(|_| unreachable_demo()),
        siren,
        rcs_town: "Paris".to_owned(),
        address: PostalAddress {
            lines: vec!["1 rue de l'Exemple".to_owned()],
            postal_code: "75001".to_owned(),
            town: "Paris".to_owned(),
            country: "FR".to_owned(),
        },
        email: "commandes@oms.invalid".to_owned(),
        phone: None,
        iban: None,
        payment_terms_days: 30,
        late_penalty_rate: Decimal::new(1215, 2),
    }
}

#[allow(clippy::panic)]
fn unreachable_demo() -> ! {
    panic!("the demo seller's identifiers are valid")
}
