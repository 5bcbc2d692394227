//! What is particular to the SQLite store, beyond the shared contract: the URL forms, the
//! files and folders it creates, the read pool refusing writes, and many concurrent
//! transactions never failing with "database is locked".
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;

use common::build::{self as fixtures, at, BASE};
use domain::order::{OrderParties, OrderState};
use ports::{Database, OrderQuery, Paging, StockError, StoreError, TxMode};
use store_sqlite::SqliteDatabase;

/// Ids from a counter.
#[derive(Default)]
struct Ids(u128);

impl Ids {
    fn new() -> Self {
        Ids(0x0195_5a3c_0000_7000_8000_0000_0000_0000)
    }
    fn raw(&mut self) -> u128 {
        self.0 += 0x1_0000_0000_0000_0000_0001;
        self.0
    }
    fn tiers(&mut self) -> domain::ids::TiersId {
        domain::ids::TiersId::from_u128(self.raw())
    }
    fn article(&mut self) -> domain::ids::ArticleId {
        domain::ids::ArticleId::from_u128(self.raw())
    }
    fn adresse(&mut self) -> domain::ids::AdresseId {
        domain::ids::AdresseId::from_u128(self.raw())
    }
    fn societe(&mut self) -> domain::ids::SocieteId {
        domain::ids::SocieteId::from_u128(self.raw())
    }
    fn commande(&mut self) -> domain::ids::CommandeId {
        domain::ids::CommandeId::from_u128(self.raw())
    }
}

async fn write(db: &dyn Database) -> Box<dyn ports::Transaction> {
    db.begin(TxMode::Write).await.unwrap()
}

async fn read(db: &dyn Database) -> Box<dyn ports::Transaction> {
    db.begin(TxMode::Read).await.unwrap()
}

#[tokio::test]
async fn opening_creates_the_folder_and_reopening_keeps_the_data() {
    let path = common::fresh_path();
    assert!(!path.parent().unwrap().exists());
    let mut ids = Ids::new();
    let person = fixtures::tiers(ids.tiers(), "Dupont", Some("Marie"));

    let db = SqliteDatabase::open(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    assert_eq!(db.kind(), "sqlite");
    db.ping().await.unwrap();
    let mut tx = write(&db).await;
    tx.insert_tiers(&person).await.unwrap();
    tx.commit().await.unwrap();
    let wal = path.with_file_name("oms.db-wal");
    assert!(wal.exists(), "the file must be in WAL mode");
    db.close().await;
    assert!(path.exists());

    // A plain path, and the migrations already applied.
    let db = SqliteDatabase::open(path.to_str().unwrap()).await.unwrap();
    let mut tx = read(&db).await;
    assert_eq!(tx.get_tiers(person.id).await.unwrap(), Some(person));
    tx.commit().await.unwrap();
    db.close().await;
}

#[tokio::test]
async fn a_memory_database_serves_reads_and_writes() {
    let db = SqliteDatabase::open("sqlite::memory:").await.unwrap();
    let mut tx = write(&db).await;
    assert_eq!(tx.next_number("PAR").await.unwrap(), 1);
    tx.commit().await.unwrap();
    let mut tx = write(&db).await;
    assert_eq!(tx.next_number("PAR").await.unwrap(), 2);
    drop(tx);
    let mut tx = read(&db).await;
    assert_eq!(tx.list_sites().await.unwrap(), Vec::new());
    tx.commit().await.unwrap();
    let mut tx = write(&db).await;
    assert_eq!(
        tx.next_number("PAR").await.unwrap(),
        2,
        "a dropped transaction gives its number back"
    );
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn an_unreachable_file_is_unavailable() {
    // A folder cannot be created under a file.
    let blocker = common::fresh_path();
    std::fs::create_dir_all(blocker.parent().unwrap()).unwrap();
    std::fs::write(&blocker, b"not a folder").unwrap();
    let result = SqliteDatabase::open(blocker.join("oms.db").to_str().unwrap()).await;
    assert!(
        matches!(result, Err(StoreError::Unavailable(_))),
        "{result:?}"
    );
}

#[tokio::test]
async fn read_transactions_refuse_writes() {
    let db = common::fresh_db().await;
    let mut ids = Ids::new();
    let mut tx = read(&db).await;
    let result = tx
        .insert_tiers(&fixtures::tiers(ids.tiers(), "Dupont", None))
        .await;
    assert!(result.is_err(), "a read transaction must not write");
}

#[tokio::test]
async fn orders_round_trip_update_and_search() {
    let db = common::fresh_db().await;
    let mut ids = Ids::new();
    let articles: Vec<_> = ["VIS-M6", "ECROU-M6"]
        .into_iter()
        .map(|r| (ids.article(), fixtures::reference(r)))
        .collect();
    let (customer, address, site) = (ids.tiers(), ids.adresse(), ids.societe());
    let parties = OrderParties::customer_only(customer, address);
    let mut order = fixtures::commande(
        ids.commande(),
        fixtures::order_number("PAR", 1),
        parties,
        site,
        &articles,
        3,
        BASE,
    );
    let older = fixtures::commande(
        ids.commande(),
        fixtures::order_number("PAR", 2),
        parties,
        site,
        &articles,
        1,
        at(-60),
    );

    let mut tx = write(&db).await;
    tx.insert_order(&order).await.unwrap();
    tx.insert_order(&older).await.unwrap();
    let clash = fixtures::commande(
        ids.commande(),
        fixtures::order_number("par", 1),
        parties,
        site,
        &articles,
        1,
        BASE,
    );
    match tx.insert_order(&clash).await {
        Err(StoreError::Duplicate { entity, key }) => {
            assert_eq!((entity, key.as_str()), ("order", "PAR-000001"));
        }
        other => panic!("expected a duplicate order, got {other:?}"),
    }
    tx.commit().await.unwrap();

    let mut tx = write(&db).await;
    assert_eq!(
        tx.get_order(order.id()).await.unwrap().as_ref(),
        Some(&order)
    );
    assert_eq!(
        tx.find_order(order.number()).await.unwrap().as_ref(),
        Some(&order)
    );
    let mut locked = tx.lock_order(order.id()).await.unwrap().unwrap();
    locked.remove_line(2).unwrap();
    locked
        .validate(
            at(5),
            fixtures::actor("vendeur"),
            Some(fixtures::reason("ok")),
        )
        .unwrap();
    tx.update_order(&locked).await.unwrap();
    tx.commit().await.unwrap();
    order = locked;

    let mut tx = read(&db).await;
    assert_eq!(
        tx.get_order(order.id()).await.unwrap().as_ref(),
        Some(&order)
    );
    let page = tx
        .search_orders(&OrderQuery {
            customer: Some(customer),
            ..OrderQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(page.total, 2);
    assert_eq!(
        page.items.iter().map(|s| s.id).collect::<Vec<_>>(),
        vec![order.id(), older.id()]
    );
    assert_eq!(page.items[0].total_ttc, order.pricing().total_ttc);
    let validated = tx
        .search_orders(&OrderQuery {
            state: Some(OrderState::Validated),
            paging: Paging::first(1),
            ..OrderQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(validated.total, 1);
    assert_eq!(validated.items[0].number, *order.number());
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn shortages_list_every_short_article_and_change_nothing() {
    let db = common::fresh_db().await;
    let mut ids = Ids::new();
    let (a, b, c) = (ids.article(), ids.article(), ids.article());
    let mut tx = write(&db).await;
    for (id, reference) in [(a, "A"), (b, "B"), (c, "C")] {
        tx.insert_article(id, &fixtures::article_details(reference))
            .await
            .unwrap();
    }
    tx.apply_movements(&[
        fixtures::adjustment(a, 5, at(0)),
        fixtures::adjustment(c, 10, at(0)),
    ])
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let mut tx = write(&db).await;
    let asked = [
        fixtures::adjustment(c, -3, at(1)),
        fixtures::adjustment(b, -1, at(1)),
        fixtures::adjustment(a, -7, at(1)),
        fixtures::adjustment(a, 1, at(1)),
    ];
    match tx.apply_movements(&asked).await {
        Err(StockError::Short(shortages)) => {
            let seen: Vec<_> = shortages
                .iter()
                .map(|s| {
                    (
                        s.article,
                        s.reference.as_str().to_owned(),
                        s.requested,
                        s.available,
                    )
                })
                .collect();
            assert_eq!(
                seen,
                vec![(a, "A".to_owned(), 6, 5), (b, "B".to_owned(), 1, 0)]
            );
        }
        other => panic!("expected shortages, got {other:?}"),
    }
    let unknown = ids.article();
    assert!(matches!(
        tx.apply_movements(&[fixtures::adjustment(unknown, 1, at(2))]).await,
        Err(StockError::UnknownArticle(id)) if id == unknown
    ));
    assert!(matches!(
        tx.apply_movements(&[fixtures::adjustment(c, i64::from(u32::MAX), at(2))]).await,
        Err(StockError::TooLarge(id)) if id == c
    ));
    let levels = tx
        .apply_movements(&[
            fixtures::adjustment(c, -4, at(3)),
            fixtures::adjustment(a, -5, at(3)),
        ])
        .await
        .unwrap();
    let mut expected = vec![(a, 0), (c, 6)];
    expected.sort();
    assert_eq!(
        levels
            .iter()
            .map(|l| (l.article, l.stock))
            .collect::<Vec<_>>(),
        expected
    );
    assert_eq!(tx.movements_total(c).await.unwrap(), 6);
    let page = tx.movements_of(a, Paging::first(10)).await.unwrap();
    assert_eq!(page.total, 2);
    assert_eq!(page.items[0].delta, -5, "newest first");
    tx.commit().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_transactions_take_distinct_numbers() {
    let db: Arc<dyn Database> = Arc::new(common::fresh_db().await);
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let db = db.clone();
            tokio::spawn(async move {
                let mut taken = Vec::new();
                for _ in 0..25 {
                    let mut tx = db.begin(TxMode::Write).await.unwrap();
                    taken.push(tx.next_number("PAR").await.unwrap());
                    tx.commit().await.unwrap();
                }
                taken
            })
        })
        .collect();
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.unwrap());
    }
    all.sort_unstable();
    assert_eq!(all, (1..=200).collect::<Vec<u64>>());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_and_readers_never_fail_for_a_lock() {
    let db: Arc<dyn Database> = Arc::new(common::fresh_db().await);
    let article = ids_article();
    let mut tx = db.begin(TxMode::Write).await.unwrap();
    tx.insert_article(article, &fixtures::article_details("VIS"))
        .await
        .unwrap();
    tx.apply_movements(&[fixtures::adjustment(article, 1000, at(0))])
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let writers: Vec<_> = (0..8u128)
        .map(|w| {
            let db = db.clone();
            tokio::spawn(async move {
                for i in 0..25u128 {
                    let mut tx = db.begin(TxMode::Write).await.unwrap();
                    let id = domain::ids::TiersId::from_u128((w << 64) | (i + 1));
                    tx.insert_tiers(&fixtures::tiers(id, "Concurrent", None))
                        .await
                        .unwrap();
                    tx.apply_movements(&[fixtures::adjustment(article, -1, at(1))])
                        .await
                        .unwrap();
                    tx.commit().await.unwrap();
                }
            })
        })
        .collect();
    let readers: Vec<_> = (0..4)
        .map(|_| {
            let db = db.clone();
            tokio::spawn(async move {
                for _ in 0..50 {
                    let mut tx = db.begin(TxMode::Read).await.unwrap();
                    let stock = tx.get_article(article).await.unwrap().unwrap().stock;
                    assert_eq!(
                        i64::from(stock),
                        tx.movements_total(article).await.unwrap(),
                        "a read transaction sees one committed state"
                    );
                    tx.commit().await.unwrap();
                }
            })
        })
        .collect();
    for task in writers.into_iter().chain(readers) {
        task.await.unwrap();
    }
    let mut tx = db.begin(TxMode::Read).await.unwrap();
    assert_eq!(tx.get_article(article).await.unwrap().unwrap().stock, 800);
    tx.commit().await.unwrap();
}

fn ids_article() -> domain::ids::ArticleId {
    Ids::new().article()
}
