//! What the test files share: a fresh database in a file of its own.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use store_sqlite::SqliteDatabase;

/// A path no other test (of this process or another) uses: the process id, a counter and
/// the time.
pub fn fresh_path() -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    std::env::temp_dir()
        .join("oms-store-sqlite-tests")
        .join(format!("{}-{n}-{nanos}", std::process::id()))
        .join("oms.db")
}

/// A new, empty, migrated database in a fresh file.
pub async fn fresh_db() -> SqliteDatabase {
    let path = fresh_path();
    SqliteDatabase::open(path.to_str().expect("a UTF-8 temporary path"))
        .await
        .expect("a fresh database opens")
}

/// The same, as the contract suite wants it.
#[allow(dead_code)]
pub async fn fresh() -> Option<Arc<dyn ports::Database>> {
    Some(Arc::new(fresh_db().await))
}

/// Small valid values for the tests of this crate (the contract suite has its own).
#[allow(dead_code)]
pub mod build {
    use domain::catalogue::{ArticleDetails, ArticleReference, Designation};
    use domain::ids::TiersId;
    use domain::ids::{ArticleId, CommandeId, SocieteId};
    use domain::money::{Amount, Quantity, UnitPrice};
    use domain::order::{
        Actor, Commande, LineDraft, NewCommande, OrderNumber, OrderParties, OrderSource, Reason,
        SiteCode,
    };
    use domain::party::{PersonName, Tiers, TiersDetails};
    use domain::vat::VatRate;
    use ports::{MovementReason, StockMovement};
    use rust_decimal::Decimal;
    use time::macros::datetime;
    use time::{Duration, OffsetDateTime};

    /// A time with microseconds, as the clock gives.
    pub const BASE: OffsetDateTime = datetime!(2026-03-02 09:15:30.123_457 UTC);

    /// [`BASE`] plus some seconds.
    pub fn at(seconds: i64) -> OffsetDateTime {
        BASE + Duration::seconds(seconds)
    }

    pub fn actor(text: &str) -> Actor {
        Actor::new(text).unwrap()
    }

    pub fn reason(text: &str) -> Reason {
        Reason::new(text).unwrap()
    }

    pub fn tiers(id: TiersId, last_name: &str, first_name: Option<&str>) -> Tiers {
        Tiers {
            id,
            details: TiersDetails {
                last_name: PersonName::new(last_name).unwrap(),
                first_name: first_name.map(|f| PersonName::new(f).unwrap()),
                mobile: None,
                email: None,
            },
            created_at: BASE,
            updated_at: BASE,
        }
    }

    pub fn reference(text: &str) -> ArticleReference {
        ArticleReference::new(text).unwrap()
    }

    pub fn article_details(reference_text: &str) -> ArticleDetails {
        ArticleDetails {
            reference: reference(reference_text),
            designation: Designation::new(&format!("Article {reference_text}")).unwrap(),
            unit_price: UnitPrice::new(Decimal::new(1250, 2)).unwrap(),
            vat_code: None,
            min_quantity: Quantity::new(1).unwrap(),
            max_per_order: None,
        }
    }

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

    pub fn order_number(site: &str, sequence: u64) -> OrderNumber {
        OrderNumber::new(SiteCode::new(site).unwrap(), sequence).unwrap()
    }

    /// A draft with `n` lines over `articles`, different prices, discounts and rates.
    pub fn commande(
        id: CommandeId,
        number: OrderNumber,
        parties: OrderParties,
        site: SocieteId,
        articles: &[(ArticleId, ArticleReference)],
        n: usize,
        ordered_at: OffsetDateTime,
    ) -> Commande {
        let terms = [(125_000, 4, 100, 20), (835, 4, 0, 55), (9999, 2, 1000, 10)];
        let lines = (0..n)
            .map(|i| {
                let (article, reference) = &articles[i % articles.len()];
                let (price, scale, discount, rate) = terms[i % terms.len()];
                LineDraft {
                    article: *article,
                    reference: reference.clone(),
                    designation: Designation::new(&format!("Désignation {reference}")).unwrap(),
                    quantity: Quantity::new(u32::try_from(i).unwrap() + 1).unwrap(),
                    unit_price: UnitPrice::new(Decimal::new(price, scale)).unwrap(),
                    discount: Amount::new(Decimal::new(discount, 2)).unwrap(),
                    vat_rate: VatRate::new(Decimal::new(rate, if rate == 55 { 1 } else { 0 }))
                        .unwrap(),
                }
            })
            .collect();
        Commande::create(
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
                global_discount: Amount::new(Decimal::new(200, 2)).unwrap(),
                lines,
            },
            actor("test"),
            None,
        )
        .unwrap()
    }
}
