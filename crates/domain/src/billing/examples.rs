//! Example invoices for tests and documentation: a seller, a business buyer, a private
//! buyer, and an order at several VAT rates with line and global discounts. Built with
//! the `examples` feature (and in this crate's own tests).

// Examples are built from constants known to be valid.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use rust_decimal::Decimal;
use time::macros::{date, datetime};
use time::OffsetDateTime;

use super::{
    BusinessIdentity, Buyer, DeliveryNote, Invoice, InvoiceKind, InvoiceNumber, InvoiceParties,
    PostalAddress, Seller, Siren, Siret, VatNumber,
};
use crate::catalogue::{ArticleReference, Designation};
use crate::ids::{AdresseId, ArticleId, CommandeId, InvoiceId, SocieteId, TiersId};
use crate::money::{Amount, Quantity, UnitPrice};
use crate::order::{
    Actor, Commande, LineDraft, NewCommande, OrderNumber, OrderParties, OrderSource, SiteCode,
};
use crate::vat::VatRate;

/// When the example order is taken.
pub const ORDERED_AT: OffsetDateTime = datetime!(2026-03-02 09:30 UTC);
/// When the example invoices are issued.
pub const ISSUED_AT: OffsetDateTime = datetime!(2026-03-02 10:00 UTC);

fn address(lines: &[&str], postal_code: &str, town: &str) -> PostalAddress {
    PostalAddress {
        lines: lines.iter().map(|l| (*l).to_owned()).collect(),
        postal_code: postal_code.to_owned(),
        town: town.to_owned(),
        country: "FR".to_owned(),
    }
}

/// The example seller.
pub fn seller() -> Seller {
    let siren = Siren::new("732829320").unwrap();
    Seller {
        name: "Boulons & Fils".to_owned(),
        legal_form: "SAS".to_owned(),
        share_capital: Decimal::new(50_000, 0),
        vat_number: VatNumber::french(&siren),
        siret: Siret::new("73282932000074").unwrap(),
        siren,
        rcs_town: "Lyon".to_owned(),
        address: address(&["12 rue de la Forge"], "69003", "Lyon"),
        email: "factures@boulons-et-fils.example".to_owned(),
        phone: Some("+33478000000".to_owned()),
        iban: Some("FR7630006000011234567890189".to_owned()),
        payment_terms_days: 30,
        late_penalty_rate: Decimal::new(1215, 2),
    }
}

/// A business buyer with its SIREN and VAT number.
pub fn business_buyer() -> Buyer {
    let siren = Siren::new("552100554").unwrap();
    Buyer {
        name: "Menuiserie Martin SARL".to_owned(),
        contact: Some("Paul Martin".to_owned()),
        business: Some(BusinessIdentity {
            vat_number: Some(VatNumber::french(&siren)),
            siren,
        }),
        address: address(&["3 avenue des Tilleuls", "Bâtiment B"], "75011", "Paris"),
        email: Some("compta@menuiserie-martin.example".to_owned()),
    }
}

/// A private buyer.
pub fn private_buyer() -> Buyer {
    Buyer {
        name: "Élodie Durand".to_owned(),
        contact: None,
        business: None,
        address: address(&["8 impasse des Lilas"], "33000", "Bordeaux"),
        email: Some("elodie.durand@example.org".to_owned()),
    }
}

fn line(
    article: u128,
    designation: &str,
    quantity: u32,
    price: Decimal,
    discount: Decimal,
    rate: Decimal,
) -> LineDraft {
    LineDraft {
        article: ArticleId::from_u128(article),
        reference: ArticleReference::new(&format!("REF-{article:03}")).unwrap(),
        designation: Designation::new(designation).unwrap(),
        quantity: Quantity::new(quantity).unwrap(),
        unit_price: UnitPrice::new(price).unwrap(),
        discount: Amount::new(discount).unwrap(),
        vat_rate: VatRate::new(rate).unwrap(),
    }
}

/// A validated order at three VAT rates (20 %, 10 %, 5.5 %), with a line discount and a
/// global discount of 15.00.
pub fn order(source: OrderSource) -> Commande {
    let customer = TiersId::from_u128(7);
    let mut order = Commande::create(
        NewCommande {
            id: CommandeId::from_u128(1),
            number: OrderNumber::new(SiteCode::new("LYO").unwrap(), 42).unwrap(),
            parties: OrderParties::customer_only(customer, AdresseId::from_u128(8)),
            site: SocieteId::from_u128(9),
            taken_by: None,
            placed_by: None,
            source,
            ordered_at: ORDERED_AT,
            planned_delivery: date!(2026 - 03 - 04),
            global_discount: Amount::new(Decimal::new(1500, 2)).unwrap(),
            lines: vec![
                line(
                    1,
                    "Boulon hexagonal M8 x 40 (boîte de 100)",
                    3,
                    Decimal::new(1250, 2),
                    Decimal::ZERO,
                    Decimal::from(20),
                ),
                line(
                    2,
                    "Perceuse à percussion 750 W",
                    1,
                    Decimal::new(8990, 2),
                    Decimal::new(500, 2),
                    Decimal::from(20),
                ),
                line(
                    3,
                    "Manuel de menuiserie \"l'atelier\" <2e éd.>",
                    2,
                    Decimal::new(2450, 2),
                    Decimal::ZERO,
                    Decimal::new(55, 1),
                ),
                line(
                    4,
                    "Pose sur site (heure)",
                    2,
                    Decimal::new(4500, 2),
                    Decimal::ZERO,
                    Decimal::from(10),
                ),
            ],
        },
        Actor::new("example").unwrap(),
        None,
    )
    .unwrap();
    order
        .validate(ORDERED_AT, Actor::new("example").unwrap(), None)
        .unwrap();
    order
}

/// The invoice of [`order`] to `buyer`, delivered to the buyer's own address.
pub fn invoice(buyer: Buyer, paid: bool) -> Invoice {
    let source = if paid {
        OrderSource::Online
    } else {
        OrderSource::Phone
    };
    let recipient = buyer.contact.clone().unwrap_or_else(|| buyer.name.clone());
    let delivery_address = buyer.address.clone();
    Invoice::issue(
        InvoiceId::from_u128(100),
        InvoiceNumber::format(InvoiceKind::Invoice, 2026, 123),
        &order(source),
        InvoiceParties {
            seller: seller(),
            buyer,
            recipient,
            delivery_address,
        },
        ISSUED_AT,
        paid.then(|| ISSUED_AT.date()),
    )
    .unwrap()
}

/// The credit note cancelling [`invoice`] of the business buyer.
pub fn credit_note() -> Invoice {
    invoice(business_buyer(), false)
        .credit_note(
            InvoiceId::from_u128(101),
            InvoiceNumber::format(InvoiceKind::CreditNote, 2026, 7),
            datetime!(2026-03-05 16:00 UTC),
        )
        .unwrap()
}

/// The delivery note of [`order`], delivered elsewhere than the buyer's address.
pub fn delivery_note() -> DeliveryNote {
    DeliveryNote::of(
        &order(OrderSource::Phone),
        seller(),
        "Chantier Martin — Paul Martin".to_owned(),
        address(
            &["Chantier des Quais", "45 quai Saint-Vincent"],
            "69001",
            "Lyon",
        ),
        Some("Portail bleu, code 4512".to_owned()),
    )
}
