#![allow(clippy::unwrap_used, clippy::expect_used)]

use rust_decimal::Decimal;
use time::macros::date;

use super::examples::{business_buyer, credit_note, invoice, order, private_buyer, seller};
use super::*;

#[test]
fn siren_and_siret_are_checked_with_luhn() {
    assert!(Siren::new("732 829 320").is_ok());
    assert!(Siren::new("732829321").is_err());
    assert!(Siren::new("73282932").is_err());
    assert_eq!(Siret::new("73282932000074").unwrap().siren(), "732829320");
    assert!(Siret::new("73282932000075").is_err());
}

#[test]
fn a_french_vat_number_carries_the_key_of_its_siren() {
    let siren = Siren::new("732829320").unwrap();
    assert_eq!(VatNumber::french(&siren).as_str(), "FR44732829320");
    assert!(VatNumber::new("fr 44 732829320").is_ok());
    assert!(VatNumber::new("FR45732829320").is_err());
    assert!(VatNumber::new("DE123456789").is_ok());
    assert!(VatNumber::new("F1").is_err());
}

#[test]
fn numbers_are_at_most_35_letters_digits_and_dashes() {
    let number = InvoiceNumber::format(InvoiceKind::Invoice, 2026, 123);
    assert_eq!(number.as_str(), "FA-2026-000123");
    assert_eq!(
        InvoiceNumber::format(InvoiceKind::CreditNote, 2027, 1).as_str(),
        "AV-2027-000001"
    );
    assert!(InvoiceNumber::new(&"A".repeat(36)).is_err());
    assert!(InvoiceNumber::new("FA 2026/1").is_err());
}

#[test]
fn an_invoice_copies_the_order_and_its_totals() {
    let invoice = invoice(business_buyer(), false);
    let order = order(OrderSource::Phone);
    assert_eq!(invoice.lines.len(), 4);
    assert_eq!(&invoice.totals, order.pricing());
    assert_eq!(invoice.totals.vat_breakdown.len(), 3);
    let nets: Decimal = invoice.lines.iter().map(|l| l.net).sum();
    assert_eq!(nets, invoice.totals.total_ht);
    assert_eq!(invoice.order_number, *order.number());
    assert_eq!(invoice.sale_date, date!(2026 - 03 - 02));
    // On account: due after the seller's terms, not paid.
    assert_eq!(invoice.due_date, date!(2026 - 04 - 01));
    assert_eq!(invoice.paid_on, None);
    // Delivered to the buyer's own address: nothing more to print.
    assert_eq!(invoice.delivery, None);
    assert_eq!(invoice.series(), "FA-2026");
}

#[test]
fn a_paid_invoice_is_due_on_its_issue_date() {
    let invoice = invoice(private_buyer(), true);
    assert_eq!(invoice.paid_on, Some(date!(2026 - 03 - 02)));
    assert_eq!(invoice.due_date, invoice.issue_date);
    assert!(!invoice.buyer.is_business());
}

#[test]
fn the_delivery_is_printed_when_it_goes_elsewhere() {
    let buyer = business_buyer();
    let mut elsewhere = buyer.address.clone();
    elsewhere.lines = vec!["Chantier des Quais".to_owned()];
    let invoice = Invoice::issue(
        crate::ids::InvoiceId::from_u128(1),
        InvoiceNumber::format(InvoiceKind::Invoice, 2026, 1),
        &order(OrderSource::Phone),
        InvoiceParties {
            seller: seller(),
            buyer,
            recipient: "Paul Martin".to_owned(),
            delivery_address: elsewhere.clone(),
        },
        examples::ISSUED_AT,
        None,
    )
    .unwrap();
    assert_eq!(invoice.delivery.unwrap().address, elsewhere);
}

#[test]
fn a_draft_is_not_invoiced() {
    let mut order = order(OrderSource::Phone);
    order
        .cancel(
            examples::ISSUED_AT,
            crate::order::Actor::new("x").unwrap(),
            None,
        )
        .unwrap();
    let err = Invoice::issue(
        crate::ids::InvoiceId::from_u128(1),
        InvoiceNumber::format(InvoiceKind::Invoice, 2026, 1),
        &order,
        InvoiceParties {
            seller: seller(),
            buyer: private_buyer(),
            recipient: "x".to_owned(),
            delivery_address: private_buyer().address,
        },
        examples::ISSUED_AT,
        None,
    )
    .unwrap_err();
    assert!(matches!(err, BillingError::NotInvoiceable { .. }));
}

#[test]
fn a_credit_note_cites_its_invoice_and_is_not_credited_again() {
    let note = credit_note();
    assert_eq!(note.kind, InvoiceKind::CreditNote);
    let cited = note.corrects.clone().unwrap();
    assert_eq!(cited.number.as_str(), "FA-2026-000123");
    assert_eq!(cited.issue_date, date!(2026 - 03 - 02));
    assert_eq!(note.totals, invoice(business_buyer(), false).totals);
    assert_eq!(note.series(), "AV-2026");
    assert!(note
        .credit_note(
            crate::ids::InvoiceId::from_u128(2),
            InvoiceNumber::format(InvoiceKind::CreditNote, 2026, 8),
            examples::ISSUED_AT
        )
        .is_err());
}

#[test]
fn only_online_orders_wait_for_payment_to_be_invoiced() {
    assert!(!invoiced_at_validation(OrderSource::Online));
    for source in [OrderSource::Site, OrderSource::Phone, OrderSource::Api] {
        assert!(invoiced_at_validation(source));
    }
}

#[test]
fn an_invoice_round_trips_through_json() {
    let invoice = invoice(business_buyer(), false);
    let json = serde_json::to_string(&invoice).unwrap();
    let back: Invoice = serde_json::from_str(&json).unwrap();
    assert_eq!(back, invoice);
}
