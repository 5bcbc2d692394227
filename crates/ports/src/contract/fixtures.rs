//! Builders of valid values for the contract cases: ids from a counter, times at microsecond
//! precision from a fixed base, and small, valid companies, people, addresses, articles, VAT
//! codes, orders, movements, messages, accounts, session tokens and payments.
//!
//! Every builder panics on a value the domain refuses: that is a mistake in the suite, not
//! in the adapter under test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use domain::account::{Account, AccountRole};
use domain::catalogue::{ArticleDetails, ArticleReference, Designation};
use domain::ids::{
    AccountId, AdresseId, ArticleId, CartId, CommandeId, LinkId, MessageId, PaymentId, SocieteId,
    TiersId,
};
use domain::money::{parse_decimal, Amount, Quantity, UnitPrice};
use domain::order::{
    Actor, Commande, LineDraft, NewCommande, OrderNumber, OrderParties, OrderSource, Reason,
    SiteCode,
};
use domain::party::{
    AddressLines, Adresse, AdresseDetails, CompanyName, CountryCode, Email, PersonName,
    PhoneNumber, PostalCode, Societe, Tiers, TiersDetails, Town,
};
use domain::payment::{Payment, PaymentMethod, PaymentStatus};
use domain::vat::{VatCode, VatCodeId, VatLabel, VatRate};
use rust_decimal::Decimal;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

use crate::{
    ChangeRecord, EntityKind, MessageStatus, MovementReason, OutboxMessage, SessionToken,
    StockMovement,
};

/// The time every case counts from: a Monday, with a microsecond part, so that a store that
/// keeps only milliseconds (or seconds) reads back a different time.
pub const BASE: OffsetDateTime = datetime!(2026-03-02 09:15:30.123_457 UTC);

/// [`BASE`] plus some seconds (negative: before it).
pub fn at(seconds: i64) -> OffsetDateTime {
    BASE + Duration::seconds(seconds)
}

/// [`BASE`] plus some microseconds (negative: before it).
pub fn at_micros(micros: i64) -> OffsetDateTime {
    BASE + Duration::microseconds(micros)
}

/// [`BASE`] plus some days.
pub fn day(days: i64) -> OffsetDateTime {
    BASE + Duration::days(days)
}

/// Ids from a counter, each one distinct from every other one this source gives, whatever
/// its type. The values differ in both halves of their 128 bits, so that a store keeping
/// only part of an id mixes them up.
#[derive(Debug, Default)]
pub struct Ids {
    count: u128,
}

impl Ids {
    /// What every id starts from: a UUID of version 7 and variant 1, as in production.
    const BASE: u128 = 0x0195_5a3c_0000_7000_8000_0000_0000_0000;
    /// What each new id adds: one in each half.
    const STEP: u128 = 0x0000_0000_0001_0000_0000_0000_0000_0001;

    /// A new source, counting from the start.
    pub fn new() -> Self {
        Ids::default()
    }

    /// A new 128-bit value.
    pub fn raw(&mut self) -> u128 {
        self.count += 1;
        Self::BASE + self.count * Self::STEP
    }

    /// A new company id.
    pub fn societe(&mut self) -> SocieteId {
        SocieteId::from_u128(self.raw())
    }

    /// A new person id.
    pub fn tiers(&mut self) -> TiersId {
        TiersId::from_u128(self.raw())
    }

    /// A new address id.
    pub fn adresse(&mut self) -> AdresseId {
        AdresseId::from_u128(self.raw())
    }

    /// A new link id.
    pub fn link(&mut self) -> LinkId {
        LinkId::from_u128(self.raw())
    }

    /// A new article id.
    pub fn article(&mut self) -> ArticleId {
        ArticleId::from_u128(self.raw())
    }

    /// A new order id.
    pub fn commande(&mut self) -> CommandeId {
        CommandeId::from_u128(self.raw())
    }

    /// A new cart id.
    pub fn cart(&mut self) -> CartId {
        CartId::from_u128(self.raw())
    }

    /// A new message id.
    pub fn message(&mut self) -> MessageId {
        MessageId::from_u128(self.raw())
    }

    /// A new account id.
    pub fn account(&mut self) -> AccountId {
        AccountId::from_u128(self.raw())
    }

    /// A new payment id.
    pub fn payment(&mut self) -> PaymentId {
        PaymentId::from_u128(self.raw())
    }
}

/// A decimal written in plain notation ("12.50").
pub fn dec(text: &str) -> Decimal {
    parse_decimal(text, "a decimal of the contract suite").expect("a valid decimal")
}

/// An amount ("1.50").
pub fn amount(text: &str) -> Amount {
    Amount::new(dec(text)).expect("a valid amount")
}

/// A unit price ("12.5000").
pub fn unit_price(text: &str) -> UnitPrice {
    UnitPrice::new(dec(text)).expect("a valid unit price")
}

/// A VAT rate in percent ("5.5").
pub fn vat_rate(text: &str) -> VatRate {
    VatRate::new(dec(text)).expect("a valid VAT rate")
}

/// A quantity.
pub fn qty(n: u32) -> Quantity {
    Quantity::new(n).expect("a valid quantity")
}

/// A company name.
pub fn company_name(text: &str) -> CompanyName {
    CompanyName::new(text).expect("a valid company name")
}

/// A person's name.
pub fn person_name(text: &str) -> PersonName {
    PersonName::new(text).expect("a valid person name")
}

/// An email address.
pub fn email(text: &str) -> Email {
    Email::new(text).expect("a valid email")
}

/// A phone number.
pub fn phone(text: &str) -> PhoneNumber {
    PhoneNumber::new(text).expect("a valid phone number")
}

/// A site code.
pub fn site_code(text: &str) -> SiteCode {
    SiteCode::new(text).expect("a valid site code")
}

/// The `sequence`-th order number of a site.
pub fn order_number(site: &str, sequence: u64) -> OrderNumber {
    OrderNumber::new(site_code(site), sequence).expect("a valid order number")
}

/// An article reference.
pub fn reference(text: &str) -> ArticleReference {
    ArticleReference::new(text).expect("a valid article reference")
}

/// An actor.
pub fn actor(text: &str) -> Actor {
    Actor::new(text).expect("a valid actor")
}

/// A reason.
pub fn reason(text: &str) -> Reason {
    Reason::new(text).expect("a valid reason")
}

/// A VAT code id.
pub fn vat_code_id(text: &str) -> VatCodeId {
    VatCodeId::new(text).expect("a valid VAT code")
}

/// A company that is neither a site nor a subsidiary, without email, created and changed at
/// [`BASE`].
pub fn societe(id: SocieteId, name: &str) -> Societe {
    Societe {
        id,
        name: company_name(name),
        parent: None,
        site_code: None,
        email: None,
        siren: None,
        vat_number: None,
        created_at: BASE,
        updated_at: BASE,
    }
}

/// A company with a parent.
pub fn subsidiary(id: SocieteId, name: &str, parent: SocieteId) -> Societe {
    Societe {
        parent: Some(parent),
        ..societe(id, name)
    }
}

/// A site of the supplier, with its code and an email.
pub fn site(id: SocieteId, name: &str, code: &str) -> Societe {
    Societe {
        site_code: Some(site_code(code)),
        email: Some(email(&format!(
            "commandes.{}@example.fr",
            code.to_ascii_lowercase()
        ))),
        ..societe(id, name)
    }
}

/// A person without phone nor email, created and changed at [`BASE`].
pub fn tiers(id: TiersId, last_name: &str, first_name: Option<&str>) -> Tiers {
    Tiers {
        id,
        details: TiersDetails {
            last_name: person_name(last_name),
            first_name: first_name.map(person_name),
            mobile: None,
            email: None,
        },
        created_at: BASE,
        updated_at: BASE,
    }
}

/// A person with a mobile phone and an email.
pub fn tiers_with_contact(
    id: TiersId,
    last_name: &str,
    first_name: Option<&str>,
    mobile: &str,
    mail: &str,
) -> Tiers {
    let mut t = tiers(id, last_name, first_name);
    t.details.mobile = Some(phone(mobile));
    t.details.email = Some(email(mail));
    t
}

/// A French address with only what is required, created and changed at [`BASE`].
pub fn adresse(id: AdresseId) -> Adresse {
    Adresse {
        id,
        details: AdresseDetails {
            lines: AddressLines::new("12 rue de la Paix").expect("valid lines"),
            postal_code: PostalCode::new("75002").expect("a valid postal code"),
            town: Town::new("Paris").expect("a valid town"),
            country: CountryCode::france(),
            access_notes: None,
            landline: None,
            bank_details: None,
        },
        created_at: BASE,
        updated_at: BASE,
    }
}

/// An address with every optional part set, several lines, accents and a foreign country.
pub fn full_adresse(id: AdresseId) -> Adresse {
    Adresse {
        id,
        details: AdresseDetails {
            lines: AddressLines::new("Bâtiment C, 3e étage\n27 avenue de l'Opéra")
                .expect("valid lines"),
            postal_code: PostalCode::new("b-1000").expect("a valid postal code"),
            town: Town::new("Bruxelles").expect("a valid town"),
            country: CountryCode::new("be").expect("a valid country"),
            access_notes: Some(
                AddressLines::new("Code 4721B\tsonner chez « Durand »").expect("valid notes"),
            ),
            landline: Some(phone("+32 2 123 45 67")),
            bank_details: Some(
                AddressLines::new("IBAN BE71 0961 2345 6769\nBIC GKCCBEBB")
                    .expect("valid bank details"),
            ),
        },
        created_at: at_micros(-1_000_001),
        updated_at: at_micros(3),
    }
}

/// An article's description: the given reference, a price of 12.50, the default VAT rate,
/// sold by the unit without maximum.
pub fn article_details(reference_text: &str) -> ArticleDetails {
    ArticleDetails {
        reference: reference(reference_text),
        designation: Designation::new(&format!("Article {reference_text}"))
            .expect("a valid designation"),
        unit_price: unit_price("12.50"),
        vat_code: None,
        min_quantity: qty(1),
        max_per_order: None,
    }
}

/// A VAT code.
pub fn vat_code(code: &str, label: &str, rate: &str, is_default: bool) -> VatCode {
    VatCode {
        code: vat_code_id(code),
        label: VatLabel::new(label).expect("a valid VAT label"),
        rate: vat_rate(rate),
        is_default,
    }
}

/// A line for `quantity` of an article.
pub fn line(
    article: ArticleId,
    reference_text: &str,
    quantity: u32,
    price: &str,
    discount: &str,
    rate: &str,
) -> LineDraft {
    LineDraft {
        article,
        reference: reference(reference_text),
        designation: Designation::new(&format!("Désignation de {reference_text}"))
            .expect("a valid designation"),
        quantity: qty(quantity),
        unit_price: unit_price(price),
        discount: amount(discount),
        vat_rate: vat_rate(rate),
    }
}

/// Prices, discounts and VAT rates the lines of [`lines`] take in turn: each discount is
/// below its line's amount whatever the quantity.
const LINE_TERMS: [(&str, &str, &str); 5] = [
    ("12.5000", "1.00", "20"),
    ("0.0835", "0.00", "5.5"),
    ("99.99", "10.00", "10"),
    ("7.1234", "0.50", "2.1"),
    ("1500", "0", "0"),
];

/// `n` lines over `articles` (id and reference, taken in turn), with different quantities,
/// prices, discounts and VAT rates.
pub fn lines(articles: &[(ArticleId, ArticleReference)], n: usize) -> Vec<LineDraft> {
    assert!(!articles.is_empty(), "lines need at least one article");
    (0..n)
        .map(|i| {
            let (article, reference_value) = &articles[i % articles.len()];
            let (price, discount, rate) = LINE_TERMS[i % LINE_TERMS.len()];
            let quantity = u32::try_from(i % 7 + 1).expect("a small quantity");
            line(
                *article,
                reference_value.as_str(),
                quantity,
                price,
                discount,
                rate,
            )
        })
        .collect()
}

/// What to create an order from: a phone order taken at `ordered_at`, to be delivered two
/// days later, with a global discount of 2.00 and `n` lines (see [`lines`]).
pub fn new_commande(
    id: CommandeId,
    number: OrderNumber,
    parties: OrderParties,
    site: SocieteId,
    articles: &[(ArticleId, ArticleReference)],
    n: usize,
    ordered_at: OffsetDateTime,
) -> NewCommande {
    NewCommande {
        id,
        number,
        parties,
        site,
        taken_by: None,
        placed_by: None,
        source: OrderSource::Phone,
        ordered_at,
        planned_delivery: ordered_at.date() + Duration::days(2),
        global_discount: amount("2.00"),
        lines: lines(articles, n),
    }
}

/// A draft order with `n` lines (see [`new_commande`]), created by `"contract"`.
pub fn commande(
    id: CommandeId,
    number: OrderNumber,
    parties: OrderParties,
    site: SocieteId,
    articles: &[(ArticleId, ArticleReference)],
    n: usize,
    ordered_at: OffsetDateTime,
) -> Commande {
    Commande::create(
        new_commande(id, number, parties, site, articles, n, ordered_at),
        actor("contract"),
        None,
    )
    .expect("a valid order")
}

/// A stock adjustment by staff, without order nor remark.
pub fn adjustment(article: ArticleId, delta: i64, at_time: OffsetDateTime) -> StockMovement {
    StockMovement {
        article,
        delta,
        reason: MovementReason::Adjustment,
        order: None,
        at: at_time,
        by: actor("magasinier"),
        note: None,
    }
}

/// A pending message, never tried, to be sent at once.
pub fn outbox_message(id: MessageId, topic: &str, created_at: OffsetDateTime) -> OutboxMessage {
    OutboxMessage {
        id,
        topic: topic.to_owned(),
        recipient: Some("marie.dupont@example.fr".to_owned()),
        payload: serde_json::json!({ "topic": topic }),
        status: MessageStatus::Pending,
        attempts: 0,
        created_at,
        next_attempt_at: created_at,
        last_error: None,
    }
}

/// A recorded change of one field.
pub fn change(
    entity: EntityKind,
    entity_id: &str,
    at_time: OffsetDateTime,
    what: &str,
) -> ChangeRecord {
    ChangeRecord {
        entity,
        entity_id: entity_id.to_owned(),
        at: at_time,
        by: actor("admin"),
        changes: vec![what.to_owned()],
    }
}

/// An enabled account with this login, created at [`BASE`] plus some microseconds.
pub fn account(
    id: AccountId,
    login: &str,
    role: AccountRole,
    tiers: Option<TiersId>,
    created_micros: i64,
) -> Account {
    Account {
        id,
        login: email(login),
        role,
        tiers,
        created_at: at_micros(created_micros),
        disabled: false,
    }
}

/// A password hash as argon2id writes it (PHC string), different for each `salt`.
pub fn password_hash(salt: &str) -> String {
    format!("$argon2id$v=19$m=19456,t=2,p=1${salt}$K6n8y0yBqkSGSyDfIzJ0oXKsbcRW0a7ChXoGhCFQhc0")
}

/// A session token in force: issued at `created_at`, for 30 days, not revoked.
pub fn session_token(hash: &str, account: AccountId, created_at: OffsetDateTime) -> SessionToken {
    SessionToken {
        hash: hash.to_owned(),
        account,
        created_at,
        expires_at: created_at + Duration::days(30),
        revoked_at: None,
    }
}

/// A pending card payment of 12.50 through `test_card`, without reference nor failure,
/// started (and last changed) at `created_at`.
pub fn payment(id: PaymentId, order: CommandeId, created_at: OffsetDateTime) -> Payment {
    Payment {
        id,
        order,
        amount: amount("12.50"),
        method: PaymentMethod::Card,
        status: PaymentStatus::Pending,
        provider: "test_card".to_owned(),
        provider_reference: None,
        created_at,
        updated_at: created_at,
        failure_reason: None,
    }
}
