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

/// The stock of an article, checked against the sum of its movements, in a read
/// transaction.
async fn stock_and_movements(db: &dyn Database, article: domain::ids::ArticleId) -> (u32, u64) {
    let mut tx = read(db).await;
    let stock = tx.get_article(article).await.unwrap().unwrap().stock;
    assert_eq!(
        tx.movements_total(article).await.unwrap(),
        i64::from(stock),
        "the movements of an article add up to its stock"
    );
    let count = tx
        .movements_of(article, Paging::first(1))
        .await
        .unwrap()
        .total;
    tx.commit().await.unwrap();
    (stock, count)
}

#[tokio::test]
async fn refused_movements_change_nothing_and_the_transaction_goes_on() {
    let db = common::fresh_db().await;
    let mut ids = Ids::new();
    let (a, b) = (ids.article(), ids.article());
    let mut tx = write(&db).await;
    for (id, reference) in [(a, "A"), (b, "B")] {
        tx.insert_article(id, &fixtures::article_details(reference))
            .await
            .unwrap();
    }
    tx.apply_movements(&[
        fixtures::adjustment(a, 5, at(0)),
        fixtures::adjustment(b, i64::from(u32::MAX) - 1, at(0)),
    ])
    .await
    .unwrap();
    tx.commit().await.unwrap();

    // Every refusal in one transaction, each after movements that the stock allowed and
    // that the refused statement carried too; then other work, and a commit.
    let unknown = ids.article();
    let mut tx = write(&db).await;
    let short = tx
        .apply_movements(&[
            fixtures::adjustment(b, -1, at(1)),
            fixtures::adjustment(a, -4, at(1)),
            fixtures::adjustment(a, -2, at(1)),
        ])
        .await;
    match short {
        Err(StockError::Short(shortages)) => {
            assert_eq!(shortages.len(), 1);
            assert_eq!(
                (
                    shortages[0].article,
                    shortages[0].requested,
                    shortages[0].available
                ),
                (a, 6, 5)
            );
        }
        other => panic!("expected a shortage, got {other:?}"),
    }
    assert!(matches!(
        tx.apply_movements(&[
            fixtures::adjustment(a, -1, at(2)),
            fixtures::adjustment(unknown, 1, at(2)),
        ])
        .await,
        Err(StockError::UnknownArticle(id)) if id == unknown
    ));
    assert!(matches!(
        tx.apply_movements(&[
            fixtures::adjustment(a, 1, at(3)),
            fixtures::adjustment(b, 1, at(3)),
            fixtures::adjustment(b, 1, at(3)),
        ])
        .await,
        Err(StockError::TooLarge(id)) if id == b
    ));
    // A delta beyond what 64 bits add up to: refused as too large, not as a failure.
    assert!(matches!(
        tx.apply_movements(&[fixtures::adjustment(b, i64::MAX, at(3))]).await,
        Err(StockError::TooLarge(id)) if id == b
    ));
    assert!(matches!(
        tx.apply_movements(&[fixtures::adjustment(a, i64::MIN, at(3))]).await,
        Err(StockError::Short(s)) if s.len() == 1 && s[0].requested == 1 << 63
    ));
    assert_eq!(tx.get_article(a).await.unwrap().unwrap().stock, 5);
    let person = fixtures::tiers(ids.tiers(), "Après", None);
    tx.insert_tiers(&person).await.unwrap();
    let levels = tx
        .apply_movements(&[fixtures::adjustment(a, -5, at(4))])
        .await
        .unwrap();
    assert_eq!(levels.len(), 1);
    assert_eq!(levels[0].stock, 0);
    tx.commit().await.unwrap();

    assert_eq!(stock_and_movements(&db, a).await, (0, 2));
    assert_eq!(
        stock_and_movements(&db, b).await,
        (u32::MAX - 1, 1),
        "no refused movement is recorded"
    );
    let mut tx = read(&db).await;
    assert_eq!(tx.get_tiers(person.id).await.unwrap(), Some(person));
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn batches_that_take_and_give_one_article_are_added_up_first() {
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
        fixtures::adjustment(b, i64::from(u32::MAX) - 1, at(0)),
    ])
    .await
    .unwrap();
    tx.commit().await.unwrap();

    // One movement at a time, `a` would go below zero and `b` above u32::MAX; added up,
    // they fit. `c` moves one way only, beside them.
    let max = i64::from(u32::MAX);
    let batch = [
        fixtures::adjustment(a, -7, at(1)),
        fixtures::adjustment(b, 5, at(1)),
        fixtures::adjustment(c, 2, at(1)),
        fixtures::adjustment(a, 3, at(1)),
        fixtures::adjustment(b, -5, at(1)),
        fixtures::adjustment(a, max, at(1)),
        fixtures::adjustment(a, -max, at(1)),
    ];
    let mut tx = write(&db).await;
    let levels = tx.apply_movements(&batch).await.unwrap();
    let mut expected = vec![(a, 1), (b, u32::MAX - 1), (c, 2)];
    expected.sort();
    assert_eq!(
        levels
            .iter()
            .map(|l| (l.article, l.stock))
            .collect::<Vec<_>>(),
        expected
    );
    assert_eq!(tx.get_article(a).await.unwrap().unwrap().stock, 1);
    // Refused when the sum does not fit, whatever the order: nothing changed.
    assert!(matches!(
        tx.apply_movements(&[
            fixtures::adjustment(a, 3, at(2)),
            fixtures::adjustment(a, -5, at(2)),
        ])
        .await,
        Err(StockError::Short(s)) if s.len() == 1 && s[0].requested == 2 && s[0].available == 1
    ));
    let unknown = ids.article();
    assert!(matches!(
        tx.apply_movements(&[
            fixtures::adjustment(c, -1, at(2)),
            fixtures::adjustment(unknown, 1, at(2)),
            fixtures::adjustment(c, 1, at(2)),
        ])
        .await,
        Err(StockError::UnknownArticle(id)) if id == unknown
    ));
    // One way again, after a netted batch: the trigger moves the stock as before.
    tx.apply_movements(&[fixtures::adjustment(a, 1, at(3))])
        .await
        .unwrap();
    tx.commit().await.unwrap();

    assert_eq!(stock_and_movements(&db, a).await, (2, 6));
    assert_eq!(stock_and_movements(&db, b).await, (u32::MAX - 1, 3));
    assert_eq!(stock_and_movements(&db, c).await, (2, 1));
    let mut tx = read(&db).await;
    let page = tx.movements_of(a, Paging::first(10)).await.unwrap();
    assert_eq!(
        page.items.iter().map(|m| m.delta).collect::<Vec<_>>(),
        vec![1, -max, max, 3, -7, 5],
        "newest first, and in the order given within a batch"
    );
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn batches_larger_than_one_statement_apply_all_or_nothing() {
    let db = common::fresh_db().await;
    let mut ids = Ids::new();
    let articles: Vec<_> = (0..3).map(|_| ids.article()).collect();
    let mut tx = write(&db).await;
    for (i, &id) in articles.iter().enumerate() {
        tx.insert_article(id, &fixtures::article_details(&format!("R{i}")))
            .await
            .unwrap();
    }
    // 450 movements: more than one INSERT carries.
    let up: Vec<_> = (0..450)
        .map(|i| fixtures::adjustment(articles[i % 3], 1, at(0)))
        .collect();
    let levels = tx.apply_movements(&up).await.unwrap();
    assert!(levels.iter().all(|l| l.stock == 150));
    tx.commit().await.unwrap();

    let mut tx = write(&db).await;
    let too_much: Vec<_> = (0..451)
        .map(|i| fixtures::adjustment(articles[i % 3], -1, at(1)))
        .collect();
    match tx.apply_movements(&too_much).await {
        Err(StockError::Short(shortages)) => {
            assert_eq!(shortages.len(), 1);
            assert_eq!(shortages[0].article, articles[0]);
            assert_eq!((shortages[0].requested, shortages[0].available), (151, 150));
        }
        other => panic!("expected a shortage, got {other:?}"),
    }
    // Both ways, and large.
    let mixed: Vec<_> = (0..600)
        .map(|i| {
            let delta = if i % 2 == 0 { -2 } else { 1 };
            fixtures::adjustment(articles[i % 3], delta, at(2))
        })
        .collect();
    let levels = tx.apply_movements(&mixed).await.unwrap();
    assert!(levels.iter().all(|l| l.stock == 50), "{levels:?}");
    tx.commit().await.unwrap();
    for &article in &articles {
        assert_eq!(stock_and_movements(&db, article).await, (50, 350));
    }
}

#[tokio::test]
async fn updating_an_order_that_is_not_stored_changes_nothing() {
    let db = common::fresh_db().await;
    let mut ids = Ids::new();
    let articles = vec![(ids.article(), fixtures::reference("VIS"))];
    let parties = OrderParties::customer_only(ids.tiers(), ids.adresse());
    let order = fixtures::commande(
        ids.commande(),
        fixtures::order_number("PAR", 1),
        parties,
        ids.societe(),
        &articles,
        2,
        BASE,
    );
    let mut tx = write(&db).await;
    match tx.update_order(&order).await {
        Err(StoreError::NotFound { entity, key }) => {
            assert_eq!((entity, key.as_str()), ("order", "PAR-000001"));
        }
        other => panic!("expected the order not to be found, got {other:?}"),
    }
    assert_eq!(tx.get_order(order.id()).await.unwrap(), None);
    assert_eq!(tx.find_order(order.number()).await.unwrap(), None);
    assert_eq!(tx.lock_order(order.id()).await.unwrap(), None);
    tx.insert_order(&order).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = read(&db).await;
    assert_eq!(tx.get_order(order.id()).await.unwrap(), Some(order));
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn orders_with_more_lines_than_one_statement_round_trip() {
    let db = common::fresh_db().await;
    let mut ids = Ids::new();
    let articles: Vec<_> = (0..7)
        .map(|i| (ids.article(), fixtures::reference(&format!("A{i}"))))
        .collect();
    let parties = OrderParties::customer_only(ids.tiers(), ids.adresse());
    let mut order = fixtures::commande(
        ids.commande(),
        fixtures::order_number("PAR", 1),
        parties,
        ids.societe(),
        &articles,
        450,
        BASE,
    );
    let mut tx = write(&db).await;
    tx.insert_order(&order).await.unwrap();
    assert_eq!(
        tx.find_order(order.number()).await.unwrap().as_ref(),
        Some(&order)
    );
    order.remove_line(7).unwrap();
    order
        .validate(at(5), fixtures::actor("vendeur"), None)
        .unwrap();
    tx.update_order(&order).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = read(&db).await;
    let stored = tx.get_order(order.id()).await.unwrap().unwrap();
    assert_eq!(stored.lines().len(), 449);
    assert_eq!(stored.history().len(), 2);
    assert_eq!(stored, order);
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn movements_in_a_read_transaction_fail_and_leave_it_usable() {
    let db = common::fresh_db().await;
    let mut ids = Ids::new();
    let article = ids.article();
    let mut tx = write(&db).await;
    tx.insert_article(article, &fixtures::article_details("VIS"))
        .await
        .unwrap();
    tx.apply_movements(&[fixtures::adjustment(article, 5, at(0))])
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let mut tx = read(&db).await;
    // One way (one query), then both ways (checked, then recorded inside a savepoint).
    for batch in [
        vec![fixtures::adjustment(article, -1, at(1))],
        vec![
            fixtures::adjustment(article, -1, at(1)),
            fixtures::adjustment(article, 1, at(1)),
        ],
    ] {
        assert!(matches!(
            tx.apply_movements(&batch).await,
            Err(StockError::Store(_))
        ));
        assert_eq!(tx.get_article(article).await.unwrap().unwrap().stock, 5);
    }
    tx.commit().await.unwrap();
    assert_eq!(stock_and_movements(&db, article).await, (5, 1));
}

#[tokio::test]
async fn refused_accounts_and_tokens_name_what_clashed_and_the_transaction_goes_on() {
    use domain::account::{Account, AccountRole};
    use domain::ids::AccountId;
    use ports::SessionToken;

    let db: Arc<dyn Database> = Arc::new(common::fresh_db().await);
    let account = |n: u128, login: &str| Account {
        id: AccountId::from_u128(n),
        login: domain::party::Email::new(login).unwrap(),
        role: AccountRole::Customer,
        tiers: Some(domain::ids::TiersId::from_u128(n)),
        created_at: BASE,
        disabled: false,
    };
    let token = |hash: &str, account: u128| SessionToken {
        hash: hash.to_owned(),
        account: AccountId::from_u128(account),
        created_at: BASE,
        expires_at: at(3600),
        revoked_at: None,
    };
    let mut tx = db.begin(TxMode::Write).await.unwrap();
    tx.insert_account(&account(1, "marie@example.fr"), "hash-1")
        .await
        .unwrap();
    assert!(matches!(
        tx.insert_account(&account(2, "marie@example.fr"), "hash-2").await,
        Err(StoreError::Duplicate { entity: "account", key }) if key == "marie@example.fr"
    ));
    // The same id under another login: the id is what clashed.
    assert!(matches!(
        tx.insert_account(&account(1, "paul@example.fr"), "hash-2").await,
        Err(StoreError::Duplicate { entity: "account", key }) if key == AccountId::from_u128(1).to_string()
    ));
    tx.insert_token(&token("t1", 1)).await.unwrap();
    assert!(matches!(
        tx.insert_token(&token("t1", 1)).await,
        Err(StoreError::Duplicate {
            entity: "session token",
            ..
        })
    ));
    assert!(matches!(
        tx.insert_token(&token("t2", 99)).await,
        Err(StoreError::NotFound { entity: "account", key }) if key == AccountId::from_u128(99).to_string()
    ));
    let taker = Account {
        role: AccountRole::OrderTaker {
            site: domain::ids::SocieteId::from_u128(7),
        },
        ..account(3, "paul@example.fr")
    };
    tx.insert_account(&taker, "hash-3").await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = db.begin(TxMode::Read).await.unwrap();
    assert_eq!(tx.get_account(taker.id).await.unwrap(), Some(taker));
    assert!(tx.find_token("t1").await.unwrap().is_some());
    assert!(tx.find_token("t2").await.unwrap().is_none());
}

/// Write transactions committed in groups (one flush for several): each keeps its own
/// outcome. Committed ones are stored; rolled back or dropped ones are not, and do not
/// undo the others of their group; a number given back by one is taken by the next.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn grouped_commits_keep_each_transactions_outcome() {
    let db: Arc<dyn Database> = Arc::new(common::fresh_db().await);
    let tasks: Vec<_> = (0..60u32)
        .map(|i| {
            let db = db.clone();
            tokio::spawn(async move {
                let mut tx = db.begin(TxMode::Write).await.unwrap();
                let number = tx.next_number("grouped").await.unwrap();
                let article = domain::ids::ArticleId::from_u128(0xA000 + u128::from(i));
                tx.insert_article(article, &fixtures::article_details(&format!("G-{i}")))
                    .await
                    .unwrap();
                tokio::task::yield_now().await;
                match i % 3 {
                    0 => {
                        tx.rollback().await.unwrap();
                        None
                    }
                    1 => {
                        drop(tx);
                        None
                    }
                    _ => {
                        tx.commit().await.unwrap();
                        Some((i, number))
                    }
                }
            })
        })
        .collect();
    let mut committed = Vec::new();
    for task in tasks {
        if let Some(done) = tokio::time::timeout(std::time::Duration::from_secs(60), task)
            .await
            .expect("no transaction waits forever for its group")
            .unwrap()
        {
            committed.push(done);
        }
    }
    assert_eq!(committed.len(), 20);
    let mut numbers: Vec<u64> = committed.iter().map(|(_, n)| *n).collect();
    numbers.sort_unstable();
    assert_eq!(
        numbers,
        (1..=20).collect::<Vec<u64>>(),
        "numbers given back by rolled back transactions are taken again: no gap"
    );
    let mut tx = read(&*db).await;
    for i in 0..60u32 {
        let article = domain::ids::ArticleId::from_u128(0xA000 + u128::from(i));
        let stored = tx.get_article(article).await.unwrap().is_some();
        assert_eq!(
            stored,
            i % 3 == 2,
            "article {i}: stored only when committed"
        );
    }
}

/// The WAL is copied back into the database file in the background, not by the writer's
/// commits: after a burst of writes well below the writer's own threshold (10,000 pages),
/// the database file grows within a few checkpoint intervals, with no other write.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wal_is_checkpointed_in_the_background() {
    let path = common::fresh_path();
    let url = format!("sqlite://{}", path.display());
    let db = SqliteDatabase::open(&url).await.unwrap();
    let size = || std::fs::metadata(&path).unwrap().len();
    // Let the checkpoint of the migrations' writes happen, then measure from there.
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    let before = size();
    let mut tx = db.begin(TxMode::Write).await.unwrap();
    for i in 0..400u128 {
        let article = domain::ids::ArticleId::from_u128(0xC000 + i);
        tx.insert_article(article, &fixtures::article_details(&format!("CKPT-{i:04}")))
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    let mut grown = size();
    for _ in 0..50 {
        if grown > before {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        grown = size();
    }
    assert!(
        grown > before,
        "the database file must grow once the WAL is checkpointed in the background \
         ({before} bytes before the writes, {grown} after)"
    );
    db.close().await;
}

/// A write transaction that gives up waiting for the connection (its future dropped, as
/// when a request is cancelled) is no longer counted as waiting: the transaction holding
/// the connection still commits its group at once instead of keeping it open for it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_writer_does_not_hold_the_group_open() {
    let db: Arc<dyn Database> = Arc::new(common::fresh_db().await);
    let mut first = db.begin(TxMode::Write).await.unwrap();
    first.next_number("cancelled").await.unwrap();
    let waiting = {
        let db = db.clone();
        tokio::spawn(async move {
            let _tx = db.begin(TxMode::Write).await;
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    waiting.abort();
    let _ = waiting.await;
    let committed = tokio::time::timeout(std::time::Duration::from_secs(5), first.commit()).await;
    assert!(
        matches!(committed, Ok(Ok(()))),
        "the commit must end once the only waiter gave up, got {committed:?}"
    );
    let mut check = db.begin(TxMode::Write).await.unwrap();
    assert_eq!(
        check.next_number("cancelled").await.unwrap(),
        2,
        "the first transaction's number is stored"
    );
    check.rollback().await.unwrap();
}

/// A first transaction takes number 1 of the series "first" and commits while `second`
/// (run on a task of its own with a write transaction it begins) waits for the connection,
/// so both are in one group. Returns how the first's commit ended, once `second` is done;
/// then checks that the first's number is stored and that the series "second" was left at
/// `second_left` numbers taken.
async fn beside_a_committed_first<F, Fut>(db: &Arc<dyn Database>, second: F, second_left: u64)
where
    F: FnOnce(Box<dyn ports::Transaction>) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let mut first = db.begin(TxMode::Write).await.unwrap();
    assert_eq!(first.next_number("first").await.unwrap(), 1);
    let second = {
        let db = db.clone();
        tokio::spawn(async move { second(db.begin(TxMode::Write).await.unwrap()).await })
    };
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let committed = tokio::time::timeout(std::time::Duration::from_secs(5), first.commit()).await;
    second.await.unwrap();
    assert!(
        matches!(committed, Ok(Ok(()))),
        "the first transaction is told it is stored, whatever its group's other did: \
         {committed:?}"
    );
    let mut check = db.begin(TxMode::Write).await.unwrap();
    assert_eq!(
        check.next_number("first").await.unwrap(),
        2,
        "the first's number kept"
    );
    assert_eq!(
        check.next_number("second").await.unwrap(),
        second_left + 1,
        "what the second left"
    );
    let stored = tokio::time::timeout(std::time::Duration::from_secs(5), check.commit()).await;
    assert!(
        matches!(stored, Ok(Ok(()))),
        "the next transaction opens its own group and is stored: {stored:?}"
    );
}

/// A write transaction's savepoint is sent with its first query (here the placement's
/// reads, which carry it in their own round trip): rolling that transaction back undoes its
/// writes alone, and the transaction committed before it in the same group is stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transaction_opened_by_its_first_query_rolls_back_alone() {
    let db: Arc<dyn Database> = Arc::new(common::fresh_db().await);
    let second = |mut tx: Box<dyn ports::Transaction>| async move {
        let site = domain::order::SiteCode::new("NOWHERE").unwrap();
        let context = tx
            .placement_context(&ports::PlacementQuery {
                site: ports::SiteKey::Code(&site),
                people: &[],
                addresses: &[],
                articles: &[],
                idempotency_key: None,
                take_order_number: true,
            })
            .await
            .unwrap();
        assert!(context.site.is_none());
        assert_eq!(tx.next_number("second").await.unwrap(), 1);
        tx.rollback().await.unwrap();
    };
    beside_a_committed_first(&db, second, 0).await;
}

/// Write transactions that send nothing (committed, rolled back or dropped before any
/// query) neither begin a group nor break the one they join: the transactions around them
/// commit and are stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn transactions_that_send_nothing_leave_the_groups_working() {
    let db: Arc<dyn Database> = Arc::new(common::fresh_db().await);
    // Alone: an empty transaction, then one that writes.
    db.begin(TxMode::Write)
        .await
        .unwrap()
        .commit()
        .await
        .unwrap();
    let mut tx = db.begin(TxMode::Write).await.unwrap();
    assert_eq!(tx.next_number("alone").await.unwrap(), 1);
    tx.commit().await.unwrap();
    db.begin(TxMode::Write)
        .await
        .unwrap()
        .rollback()
        .await
        .unwrap();
    drop(db.begin(TxMode::Write).await.unwrap());
    // Mixed with transactions that write, many at once.
    let tasks: Vec<_> = (0..40u32)
        .map(|i| {
            let db = db.clone();
            tokio::spawn(async move {
                let mut tx = db.begin(TxMode::Write).await.unwrap();
                tokio::task::yield_now().await;
                match i % 4 {
                    0 => tx.commit().await.unwrap(),
                    1 => tx.rollback().await.unwrap(),
                    2 => drop(tx),
                    _ => {
                        tx.next_number("mixed").await.unwrap();
                        tx.commit().await.unwrap();
                    }
                }
            })
        })
        .collect();
    for task in tasks {
        tokio::time::timeout(std::time::Duration::from_secs(30), task)
            .await
            .expect("no transaction waits forever for its group")
            .unwrap();
    }
    let mut check = db.begin(TxMode::Write).await.unwrap();
    assert_eq!(check.next_number("alone").await.unwrap(), 2);
    assert_eq!(
        check.next_number("mixed").await.unwrap(),
        11,
        "the ten transactions that wrote are stored"
    );
    check.rollback().await.unwrap();
}

/// A commit whose future is dropped half-way (a request cancelled or timed out while it
/// commits) still ends its part: the group it closes is committed and its other members
/// are told so, and the next transactions open a group of their own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_commit_dropped_half_way_still_ends_its_group() {
    let db: Arc<dyn Database> = Arc::new(common::fresh_db().await);
    // The group's last member; its commit is polled once (which sends its statements),
    // then dropped. It was under way, so it is stored.
    let second = |mut tx: Box<dyn ports::Transaction>| async move {
        assert_eq!(tx.next_number("second").await.unwrap(), 1);
        let commit = tx.commit();
        let dropped = tokio::select! {
            biased;
            _ = commit => false,
            () = std::future::ready(()) => true,
        };
        assert!(dropped, "the commit is dropped before it ends");
    };
    beside_a_committed_first(&db, second, 1).await;
}

/// A transaction whose first query (the one that carries its opening) is dropped half-way,
/// with the transaction, is undone alone, whether it was to open a group or to join one:
/// the group's other member is stored, and the next transactions are stored too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_query_dropped_half_way_undoes_only_its_transaction() {
    // Polls the first query once (which sends it), then drops it and the transaction.
    // The connection's thread may answer within that one poll (it runs on another core);
    // either way, the dropped transaction is to be undone.
    async fn drop_in_first_query(mut tx: Box<dyn ports::Transaction>) {
        tokio::select! {
            biased;
            _ = tx.next_number("second") => {}
            () = std::future::ready(()) => {}
        }
        drop(tx);
    }
    let db: Arc<dyn Database> = Arc::new(common::fresh_db().await);
    // Opening a group.
    drop_in_first_query(db.begin(TxMode::Write).await.unwrap()).await;
    // Joining one.
    beside_a_committed_first(&db, drop_in_first_query, 0).await;
}
