//! What the use case tests share: an app over a fresh database, with a mocked clock and id
//! source, and a small catalogue and customers.

#![allow(dead_code)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use app::catalogue::ArticleKey;
use app::orders::{LineRequest, OrderRequest, ShortagePolicy};
use app::parties::{NewCustomer, RegisteredCustomer};
use app::{Access, App, Caller, Settings};
use domain::catalogue::{Article, ArticleDetails, ArticleReference, Designation};
use domain::money::{Amount, Quantity, UnitPrice};
use domain::order::{Actor, OrderSource, SiteCode};
use domain::party::{
    AddressLines, AdresseDetails, CompanyName, CountryCode, Email, PersonName, PhoneNumber,
    PostalCode, Societe, TiersDetails, Town,
};
use domain::vat::{VatCode, VatCodeId, VatLabel, VatRate};
use ports::{Database, MockClock, MockIdSource};
use rust_decimal::Decimal;
use time::macros::datetime;
use time::OffsetDateTime;

/// Thursday 7 May 2026, 10:00 UTC: the next day is a public holiday (8 May), then a
/// weekend, so a lead time of 2 working days gives Tuesday 12 May.
pub const NOW: OffsetDateTime = datetime!(2026-05-07 10:00:00.123456 UTC);

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A fresh SQLite database in a file of its own.
pub async fn sqlite() -> Arc<dyn Database> {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = OffsetDateTime::now_utc().unix_timestamp_nanos();
    let path = std::env::temp_dir().join(format!(
        "oms-app-test-{}-{n}-{nanos}.db",
        std::process::id()
    ));
    let db = store_sqlite::SqliteDatabase::open(&format!("sqlite://{}", path.display()))
        .await
        .expect("a fresh SQLite database opens");
    Arc::new(db)
}

/// A fresh PostgreSQL database, when `OMS_TEST_POSTGRES_URL` names a server; `None`
/// otherwise (and a panic when `OMS_REQUIRE_POSTGRES=1`, as in CI).
pub async fn postgres() -> Option<Arc<dyn Database>> {
    let Ok(url) = std::env::var("OMS_TEST_POSTGRES_URL") else {
        assert!(
            std::env::var("OMS_REQUIRE_POSTGRES").as_deref() != Ok("1"),
            "OMS_REQUIRE_POSTGRES=1 but OMS_TEST_POSTGRES_URL is not set"
        );
        eprintln!("SKIPPED the PostgreSQL half of this test: set OMS_TEST_POSTGRES_URL to run it");
        return None;
    };
    Some(store_postgres::testing::fresh_database(&url).await)
}

/// A clock stopped at `at`, and ids from a counter: mocked ports.
pub fn app_at(db: Arc<dyn Database>, at: OffsetDateTime) -> App {
    let mut clock = MockClock::new();
    let now = Arc::new(Mutex::new(at));
    clock.expect_now().returning(move || *now.lock().unwrap());
    let mut ids = MockIdSource::new();
    // Ids count up from a UUID v7-looking base; secrets are scrambled counters.
    let next = Arc::new(AtomicU64::new(1));
    let counter = next.clone();
    ids.expect_next_id().returning(move || {
        0x0190_0000_0000_7000_8000_0000_0000_0000
            | u128::from(counter.fetch_add(1, Ordering::Relaxed))
    });
    ids.expect_secret().returning(move || {
        u128::from(next.fetch_add(1, Ordering::Relaxed))
            .wrapping_mul(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835)
    });
    App::new(db, Arc::new(clock), Arc::new(ids), Settings::default())
}

pub fn staff() -> Caller {
    Caller::staff(Actor::new("admin").unwrap())
}

pub fn customer(c: &RegisteredCustomer) -> Caller {
    Caller {
        access: Access::Customer(c.tiers.id),
        actor: Actor::new(&format!("client:{}", c.tiers.details.last_name)).unwrap(),
    }
}

pub fn order_taker(site: &Societe, taker: &RegisteredCustomer) -> Caller {
    Caller {
        access: Access::OrderTaker {
            site: site.id,
            tiers: taker.tiers.id,
        },
        actor: Actor::new("preneur.lyon").unwrap(),
    }
}

pub fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

pub fn q(n: u32) -> Quantity {
    Quantity::new(n).unwrap()
}

/// The shop: the online site, a site at Lyon, VAT codes, three articles.
pub struct Shop {
    pub app: App,
    pub lyon: Societe,
    pub vis: Article,
    pub livre: Article,
    pub perceuse: Article,
}

pub async fn shop(db: Arc<dyn Database>) -> Shop {
    let app = app_at(db, NOW);
    let staff = staff();
    app.ensure_site(
        &Caller::system(),
        &SiteCode::new("WEB").unwrap(),
        &CompanyName::new("Boutique").unwrap(),
    )
    .await
    .unwrap();
    let lyon = app
        .ensure_site(
            &staff,
            &SiteCode::new("LYON").unwrap(),
            &CompanyName::new("Agence de Lyon").unwrap(),
        )
        .await
        .unwrap();
    for (code, rate, default) in [("NORMAL", "20", true), ("REDUIT", "5.5", false)] {
        app.save_vat_code(
            &staff,
            &VatCode {
                code: VatCodeId::new(code).unwrap(),
                label: VatLabel::new(code).unwrap(),
                rate: VatRate::new(d(rate)).unwrap(),
                is_default: default,
            },
        )
        .await
        .unwrap();
    }
    let vis = article(
        &app,
        "VIS-M6",
        "Vis M6 (boîte de 100)",
        "12.50",
        None,
        1,
        None,
        10,
    )
    .await;
    let livre = article(
        &app,
        "LIVRE-01",
        "Livre de recettes",
        "4.99",
        Some("REDUIT"),
        1,
        None,
        5,
    )
    .await;
    let perceuse = article(
        &app,
        "PERC-18V",
        "Perceuse 18 V",
        "89.90",
        None,
        1,
        Some(2),
        3,
    )
    .await;
    Shop {
        app,
        lyon,
        vis,
        livre,
        perceuse,
    }
}

#[allow(clippy::too_many_arguments)]
pub async fn article(
    app: &App,
    reference: &str,
    designation: &str,
    price: &str,
    vat: Option<&str>,
    min: u32,
    max: Option<u32>,
    stock: u32,
) -> Article {
    app.create_article(
        &staff(),
        &ArticleDetails {
            reference: ArticleReference::new(reference).unwrap(),
            designation: Designation::new(designation).unwrap(),
            unit_price: UnitPrice::new(d(price)).unwrap(),
            vat_code: vat.map(|v| VatCodeId::new(v).unwrap()),
            min_quantity: q(min),
            max_per_order: max.map(q),
        },
        stock,
    )
    .await
    .unwrap()
}

pub async fn register(
    app: &App,
    last: &str,
    first: &str,
    phone: &str,
    email: &str,
) -> RegisteredCustomer {
    app.register_customer(
        &Caller::system(),
        &NewCustomer {
            details: TiersDetails {
                last_name: PersonName::new(last).unwrap(),
                first_name: Some(PersonName::new(first).unwrap()),
                mobile: Some(PhoneNumber::new(phone).unwrap()),
                email: Some(Email::new(email).unwrap()),
            },
            company: None,
            address: AdresseDetails {
                lines: AddressLines::new("12 rue des Lilas").unwrap(),
                postal_code: PostalCode::new("69003").unwrap(),
                town: Town::new("Lyon").unwrap(),
                country: CountryCode::france(),
                access_notes: None,
                landline: None,
                bank_details: None,
            },
        },
    )
    .await
    .unwrap()
}

pub fn line(article: &Article, quantity: u32) -> LineRequest {
    LineRequest {
        article: ArticleKey::Id(article.id),
        quantity: q(quantity),
        discount: Amount::ZERO,
    }
}

pub fn request(customer: &RegisteredCustomer, lines: Vec<LineRequest>) -> OrderRequest {
    OrderRequest {
        customer: customer.tiers.id,
        payer: None,
        recipient: None,
        delivery_address: customer.adresse.id,
        billing_address: None,
        lines,
        global_discount: Amount::ZERO,
        source: OrderSource::Online,
        site: None,
        on_shortage: ShortagePolicy::Refuse,
    }
}

/// An order taken by phone at the shop's Lyon site.
pub fn phone_order(
    shop: &Shop,
    customer: &RegisteredCustomer,
    lines: Vec<LineRequest>,
) -> OrderRequest {
    OrderRequest {
        source: OrderSource::Phone,
        site: shop.lyon.site_code.clone(),
        ..request(customer, lines)
    }
}

/// A new folder for a test's emails, in the temporary folder.
pub fn mail_folder(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "oms-app-test-mail-{name}-{}-{}",
        std::process::id(),
        OffsetDateTime::now_utc().unix_timestamp_nanos()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
