//! Focused tests of the PostgreSQL adapter, beyond the shared contract suite: what its SQL
//! must get right (one-statement writes of orders and carts, the stock's locking and
//! shortage listing, number series under concurrency, a transaction after a refused
//! write).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use domain::cart::Cart;
use domain::catalogue::{ArticleDetails, ArticleReference, Designation};
use domain::ids::{AdresseId, ArticleId, CartId, CommandeId, LinkId, SocieteId, TiersId};
use domain::money::{Amount, Quantity, UnitPrice};
use domain::order::{
    Actor, Commande, LineDraft, NewCommande, OrderNumber, OrderParties, OrderSource, OrderState,
    Reason, SiteCode,
};
use domain::party::{CompanyName, Link, Role, Societe};
use domain::vat::VatRate;
use ports::{
    Database, LinkRecord, MovementReason, OrderQuery, Paging, StockError, StockMovement,
    StoreError, Transaction, TxMode,
};
use rust_decimal::Decimal;
use time::macros::{date, datetime};
use time::OffsetDateTime;

const T0: OffsetDateTime = datetime!(2026-03-02 09:15:30.123_457 UTC);

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn actor() -> Actor {
    Actor::new("test").unwrap()
}

async fn write(db: &Arc<dyn Database>) -> Box<dyn Transaction> {
    db.begin(TxMode::Write).await.unwrap()
}

fn details(reference: &str) -> ArticleDetails {
    ArticleDetails {
        reference: ArticleReference::new(reference).unwrap(),
        designation: Designation::new(&format!("Article {reference}")).unwrap(),
        unit_price: UnitPrice::new(dec("12.50")).unwrap(),
        vat_code: None,
        min_quantity: Quantity::new(1).unwrap(),
        max_per_order: None,
    }
}

/// Stores articles with the given stocks; their ids are 1, 2, ... in the upper and lower
/// halves, so that their order as uuids is their order as numbers.
async fn articles(db: &Arc<dyn Database>, stocks: &[i64]) -> Vec<ArticleId> {
    let mut tx = write(db).await;
    let mut ids = Vec::new();
    for (i, &stock) in stocks.iter().enumerate() {
        let n = i as u128 + 1;
        let id = ArticleId::from_u128((n << 64) | n);
        tx.insert_article(id, &details(&format!("ART-{n}")))
            .await
            .unwrap();
        if stock > 0 {
            tx.apply_movements(&[movement(id, stock)]).await.unwrap();
        }
        ids.push(id);
    }
    tx.commit().await.unwrap();
    ids
}

fn movement(article: ArticleId, delta: i64) -> StockMovement {
    StockMovement {
        article,
        delta,
        reason: MovementReason::Adjustment,
        order: None,
        at: T0,
        by: actor(),
        note: Some(Reason::new("inventaire").unwrap()),
    }
}

fn line(article: ArticleId, reference: &str, quantity: u32, price: &str, rate: &str) -> LineDraft {
    LineDraft {
        article,
        reference: ArticleReference::new(reference).unwrap(),
        designation: Designation::new(&format!("Désignation {reference}")).unwrap(),
        quantity: Quantity::new(quantity).unwrap(),
        unit_price: UnitPrice::new(dec(price)).unwrap(),
        discount: Amount::new(dec("0.50")).unwrap(),
        vat_rate: VatRate::new(dec(rate)).unwrap(),
    }
}

fn order(id: u128, site: &str, sequence: u64, at: OffsetDateTime, customer: TiersId) -> Commande {
    let a = ArticleId::from_u128(1);
    Commande::create(
        NewCommande {
            id: CommandeId::from_u128(id),
            number: OrderNumber::new(SiteCode::new(site).unwrap(), sequence).unwrap(),
            parties: OrderParties {
                customer,
                payer: TiersId::from_u128(77),
                recipient: customer,
                delivery_address: AdresseId::from_u128(5),
                billing_address: Some(AdresseId::from_u128(6)),
            },
            site: SocieteId::from_u128(if site == "PAR" { 100 } else { 200 }),
            taken_by: Some(TiersId::from_u128(9)),
            placed_by: None,
            source: if sequence % 2 == 0 {
                OrderSource::Phone
            } else {
                OrderSource::Online
            },
            ordered_at: at,
            planned_delivery: date!(2026 - 03 - 04),
            global_discount: Amount::new(dec("2.00")).unwrap(),
            lines: vec![
                line(a, "VIS-M6", 3, "12.5000", "20"),
                line(ArticleId::from_u128(2), "ECROU", 1, "2.0835", "5.5"),
                line(a, "VIS-M6", 7, "99.99", "10"),
            ],
        },
        actor(),
        Some(Reason::new("par téléphone").unwrap()),
    )
    .unwrap()
}

#[tokio::test]
async fn an_order_round_trips_and_its_updates_append_history() {
    let Some(db) = common::fresh().await else {
        return;
    };
    let customer = TiersId::from_u128(42);
    let mut placed = order(1, "PAR", 42, T0, customer);
    let mut tx = write(&db).await;
    tx.insert_order(&placed).await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = db.begin(TxMode::Read).await.unwrap();
    let read = tx.get_order(placed.id()).await.unwrap().unwrap();
    assert_eq!(read, placed);
    assert_eq!(read.lines()[0].content.unit_price.to_string(), "12.5000");
    assert_eq!(read.history()[0].at, T0);
    let found = tx.find_order(placed.number()).await.unwrap().unwrap();
    assert_eq!(found, placed);
    assert!(tx
        .get_order(CommandeId::from_u128(999))
        .await
        .unwrap()
        .is_none());
    tx.rollback().await.unwrap();

    // A draft's lines change, then it is validated: the history grows by one entry.
    let mut tx = write(&db).await;
    let mut locked = tx.lock_order(placed.id()).await.unwrap().unwrap();
    locked.remove_line(2).unwrap();
    locked
        .change_quantity(3, Quantity::new(1).unwrap())
        .unwrap();
    locked
        .add_line(line(ArticleId::from_u128(3), "CLOU", 4, "1500", "0"))
        .unwrap();
    locked
        .validate(T0 + Duration::from_secs(60), actor(), None)
        .unwrap();
    tx.update_order(&locked).await.unwrap();
    tx.commit().await.unwrap();
    placed = locked;

    let mut tx = write(&db).await;
    let read = tx.get_order(placed.id()).await.unwrap().unwrap();
    assert_eq!(read, placed);
    assert_eq!(read.state(), OrderState::Validated);
    assert_eq!(read.history().len(), 2);
    assert_eq!(
        read.lines().iter().map(|l| l.position).collect::<Vec<_>>(),
        vec![1, 3, 4]
    );
    // The same number again is refused, and the transaction goes on.
    let twin = order(2, "PAR", 42, T0, customer);
    match tx.insert_order(&twin).await {
        Err(StoreError::Duplicate {
            entity: "order",
            key,
        }) => assert_eq!(key, "PAR-000042"),
        other => panic!("expected a duplicate order, got {other:?}"),
    }
    match tx.update_order(&order(3, "PAR", 43, T0, customer)).await {
        Err(StoreError::NotFound {
            entity: "order", ..
        }) => {}
        other => panic!("expected an unknown order, got {other:?}"),
    }
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn orders_are_searched_newest_first_without_deleted_drafts() {
    let Some(db) = common::fresh().await else {
        return;
    };
    let (c1, c2) = (TiersId::from_u128(1), TiersId::from_u128(2));
    let mut tx = write(&db).await;
    for i in 1..=6u64 {
        let at = T0 + Duration::from_secs(i / 2 * 10); // two orders per time
        let site = if i <= 3 { "PAR" } else { "LYON" };
        let mut o = order(u128::from(i), site, i, at, if i % 3 == 0 { c2 } else { c1 });
        if i == 5 {
            o.delete(at, actor(), None).unwrap();
        }
        tx.insert_order(&o).await.unwrap();
    }
    tx.commit().await.unwrap();
    let mut tx = db.begin(TxMode::Read).await.unwrap();
    let all = tx.search_orders(&OrderQuery::default()).await.unwrap();
    let numbers: Vec<String> = all.items.iter().map(|s| s.number.to_string()).collect();
    assert_eq!(all.total, 5);
    assert_eq!(
        numbers,
        [
            "LYON-000006",
            "LYON-000004",
            "PAR-000003",
            "PAR-000002",
            "PAR-000001"
        ]
    );
    let deleted = tx
        .search_orders(&OrderQuery {
            state: Some(OrderState::Deleted),
            ..OrderQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(deleted.total, 1);
    let page = tx
        .search_orders(&OrderQuery {
            customer: Some(c1),
            site: Some(SocieteId::from_u128(100)),
            source: Some(OrderSource::Online),
            from: Some(T0),
            until: Some(T0 + Duration::from_secs(20)),
            paging: Paging {
                offset: 1,
                limit: 1,
            },
            ..OrderQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(page.total, 1);
    assert!(page.items.is_empty());
    let past = tx
        .search_orders(&OrderQuery {
            paging: Paging {
                offset: 10,
                limit: 5,
            },
            ..OrderQuery::default()
        })
        .await
        .unwrap();
    assert_eq!((past.total, past.items.len()), (5, 0));
}

#[tokio::test]
async fn every_short_article_is_listed_and_nothing_changes() {
    let Some(db) = common::fresh().await else {
        return;
    };
    let ids = articles(&db, &[5, 1, 0]).await;
    let mut tx = write(&db).await;
    let result = tx
        .apply_movements(&[
            movement(ids[2], -1),
            movement(ids[0], -3),
            movement(ids[1], -1),
            movement(ids[1], -1),
        ])
        .await;
    match result {
        Err(StockError::Short(short)) => {
            let got: Vec<_> = short
                .iter()
                .map(|s| (s.article, s.reference.to_string(), s.requested, s.available))
                .collect();
            assert_eq!(
                got,
                vec![
                    (ids[1], "ART-2".to_owned(), 2, 1),
                    (ids[2], "ART-3".to_owned(), 1, 0)
                ]
            );
        }
        other => panic!("expected shortages, got {other:?}"),
    }
    let unknown = ArticleId::from_u128(12345);
    assert!(matches!(
        tx.apply_movements(&[movement(ids[0], -1), movement(unknown, 1)]).await,
        Err(StockError::UnknownArticle(a)) if a == unknown
    ));
    assert!(matches!(
        tx.apply_movements(&[movement(ids[0], i64::from(u32::MAX))]).await,
        Err(StockError::TooLarge(a)) if a == ids[0]
    ));
    // Refusals change nothing and leave the transaction usable.
    let levels = tx
        .apply_movements(&[
            movement(ids[1], -1),
            movement(ids[0], -2),
            movement(ids[0], 1),
        ])
        .await
        .unwrap();
    assert_eq!(
        levels
            .iter()
            .map(|l| (l.article, l.stock))
            .collect::<Vec<_>>(),
        vec![(ids[0], 4), (ids[1], 0)]
    );
    tx.commit().await.unwrap();
    let mut tx = db.begin(TxMode::Read).await.unwrap();
    assert_eq!(tx.get_article(ids[0]).await.unwrap().unwrap().stock, 4);
    assert_eq!(tx.movements_total(ids[0]).await.unwrap(), 4);
    let page = tx.movements_of(ids[0], Paging::first(2)).await.unwrap();
    assert_eq!(page.total, 3);
    assert_eq!(
        page.items.iter().map(|m| m.delta).collect::<Vec<_>>(),
        vec![1, -2]
    );
    assert_eq!(
        page.items[0].note.as_ref().map(|n| n.as_str()),
        Some("inventaire")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn opposite_orders_of_the_same_articles_do_not_deadlock() {
    let Some(db) = common::fresh().await else {
        return;
    };
    let ids = articles(&db, &[1000, 1000]).await;
    let mut tasks = Vec::new();
    for t in 0..8 {
        let db = Arc::clone(&db);
        let ids = ids.clone();
        tasks.push(tokio::spawn(async move {
            for _ in 0..10 {
                let mut tx = db.begin(TxMode::Write).await.unwrap();
                let (first, second) = if t % 2 == 0 {
                    (ids[0], ids[1])
                } else {
                    (ids[1], ids[0])
                };
                tx.apply_movements(&[movement(first, -1), movement(second, -1)])
                    .await
                    .unwrap();
                tokio::time::sleep(Duration::from_millis(1)).await;
                tx.commit().await.unwrap();
            }
        }));
    }
    let all = async {
        for task in tasks {
            task.await.unwrap();
        }
    };
    tokio::time::timeout(Duration::from_secs(60), all)
        .await
        .expect("no deadlock");
    let mut tx = db.begin(TxMode::Read).await.unwrap();
    for id in ids {
        assert_eq!(tx.get_article(id).await.unwrap().unwrap().stock, 920);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_numbers_never_repeat_and_rollbacks_give_them_back() {
    let Some(db) = common::fresh().await else {
        return;
    };
    let mut tasks = Vec::new();
    for t in 0..8 {
        let db = Arc::clone(&db);
        tasks.push(tokio::spawn(async move {
            let mut kept = Vec::new();
            for i in 0..10 {
                let mut tx = db.begin(TxMode::Write).await.unwrap();
                let n = tx.next_number("order:PAR").await.unwrap();
                if (t + i) % 3 == 0 {
                    tx.rollback().await.unwrap();
                } else {
                    tx.commit().await.unwrap();
                    kept.push(n);
                }
            }
            kept
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.unwrap());
    }
    all.sort_unstable();
    let expected: Vec<u64> = (1..=all.len() as u64).collect();
    assert_eq!(all, expected, "committed numbers have no gap and no repeat");
    let mut tx = write(&db).await;
    assert_eq!(tx.next_number("another").await.unwrap(), 1);
}

#[tokio::test]
async fn a_failed_statement_makes_commit_fail_instead_of_losing_writes() {
    let Some(db) = common::fresh().await else {
        return;
    };
    let ids = articles(&db, &[0]).await;
    let mut tx = write(&db).await;
    tx.insert_article(ArticleId::from_u128(77), &details("NEW"))
        .await
        .unwrap();
    // A duplicate reference is refused without aborting the transaction.
    assert!(matches!(
        tx.insert_article(ArticleId::from_u128(78), &details("ART-1")).await,
        Err(StoreError::Duplicate { entity: "article", key }) if key == "ART-1"
    ));
    assert!(tx.get_article(ids[0]).await.unwrap().is_some());
    tx.commit().await.unwrap();

    // A statement the server refuses (a write in a read transaction) aborts the
    // transaction: commit must say so rather than report a silent rollback as a success.
    let mut tx = db.begin(TxMode::Read).await.unwrap();
    assert!(tx
        .insert_article(ArticleId::from_u128(79), &details("READ-ONLY"))
        .await
        .is_err());
    assert!(tx.commit().await.is_err());
    let mut tx = db.begin(TxMode::Read).await.unwrap();
    assert!(tx
        .get_article(ArticleId::from_u128(79))
        .await
        .unwrap()
        .is_none());
    assert!(tx
        .get_article(ArticleId::from_u128(77))
        .await
        .unwrap()
        .is_some());
}

#[tokio::test]
async fn carts_keep_their_items_in_order() {
    let Some(db) = common::fresh().await else {
        return;
    };
    let owner = TiersId::from_u128(5);
    let q = |n| Quantity::new(n).unwrap();
    let (a, b, c) = (
        ArticleId::from_u128(3),
        ArticleId::from_u128(1),
        ArticleId::from_u128(2),
    );
    let mut cart = Cart::new(CartId::from_u128(10), Some(owner), T0);
    cart.add(a, q(1), T0).unwrap();
    cart.add(b, q(2), T0).unwrap();
    cart.add(c, q(3), T0).unwrap();
    let mut tx = write(&db).await;
    tx.save_cart(&cart).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = write(&db).await;
    assert_eq!(tx.get_cart(cart.id).await.unwrap().unwrap(), cart);
    let later = T0 + Duration::from_secs(5);
    cart.remove(a, later).unwrap();
    cart.add(a, q(4), later).unwrap();
    tx.save_cart(&cart).await.unwrap();
    let mut other = Cart::new(CartId::from_u128(11), Some(owner), T0);
    other.add(a, q(1), T0).unwrap();
    tx.save_cart(&other).await.unwrap();
    assert_eq!(tx.cart_of(owner).await.unwrap().unwrap(), cart);
    cart.clear(later);
    tx.save_cart(&cart).await.unwrap();
    assert_eq!(tx.get_cart(cart.id).await.unwrap().unwrap(), cart);
    assert!(tx.delete_cart(cart.id).await.unwrap());
    assert!(!tx.delete_cart(cart.id).await.unwrap());
    assert_eq!(tx.cart_of(owner).await.unwrap().unwrap(), other);
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn links_need_both_parties_and_ancestors_stop_at_a_loop() {
    let Some(db) = common::fresh().await else {
        return;
    };
    let societe = |n: u128, parent: Option<u128>| Societe {
        id: SocieteId::from_u128(n),
        name: CompanyName::new(&format!("Société {n}")).unwrap(),
        parent: parent.map(SocieteId::from_u128),
        site_code: None,
        email: None,
        siren: None,
        vat_number: None,
        created_at: T0,
        updated_at: T0,
    };
    let mut tx = write(&db).await;
    tx.insert_societe(&societe(1, None)).await.unwrap();
    tx.insert_societe(&societe(2, Some(1))).await.unwrap();
    tx.insert_societe(&societe(3, Some(2))).await.unwrap();
    assert!(matches!(
        tx.insert_societe(&societe(4, Some(99))).await,
        Err(StoreError::NotFound {
            entity: "societe",
            ..
        })
    ));
    tx.update_societe(&societe(1, Some(3))).await.unwrap();
    let ancestors = tx.ancestors_of(SocieteId::from_u128(1)).await.unwrap();
    assert_eq!(
        ancestors,
        [3, 2, 1].map(SocieteId::from_u128).to_vec(),
        "the walk stops when it meets an ancestor twice"
    );
    let link = |id: u128, tiers: u128, role| {
        LinkRecord::SocieteTiers(Link {
            id: LinkId::from_u128(id),
            from: SocieteId::from_u128(1),
            to: TiersId::from_u128(tiers),
            role,
        })
    };
    assert!(matches!(
        tx.insert_link(&link(50, 8, Role::Customer)).await,
        Err(StoreError::NotFound {
            entity: "tiers",
            ..
        })
    ));
    tx.commit().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_starts_migrate_once() {
    let Some(options) = common::empty_database().await else {
        return;
    };
    let starts: Vec<_> = (0..4)
        .map(|_| {
            let options = options.clone();
            tokio::spawn(
                async move { store_postgres::PostgresDatabase::connect_with(options, 2).await },
            )
        })
        .collect();
    for start in starts {
        let db = start.await.unwrap().unwrap();
        db.ping().await.unwrap();
        assert_eq!(db.kind(), "postgres");
        let mut tx = db.begin(TxMode::Write).await.unwrap();
        assert_eq!(tx.list_vat_codes().await.unwrap(), vec![]);
        tx.rollback().await.unwrap();
    }
}

#[tokio::test]
async fn an_unknown_server_is_unavailable_and_a_foreign_url_refused() {
    match store_postgres::PostgresDatabase::connect("postgres://postgres@db.invalid/none", 1).await
    {
        Err(StoreError::Unavailable(_)) => {}
        other => panic!("expected Unavailable, got {other:?}"),
    }
    assert!(matches!(
        store_postgres::PostgresDatabase::connect("mysql://root@127.0.0.1/oms", 1).await,
        Err(StoreError::Other(_))
    ));
}

fn account(n: u128, login: &str) -> domain::account::Account {
    domain::account::Account {
        id: domain::ids::AccountId::from_u128(n),
        login: domain::party::Email::new(login).unwrap(),
        role: domain::account::AccountRole::Customer,
        tiers: Some(TiersId::from_u128(n)),
        created_at: T0,
        disabled: false,
    }
}

fn token(hash: &str, account: u128) -> ports::SessionToken {
    ports::SessionToken {
        hash: hash.to_owned(),
        account: domain::ids::AccountId::from_u128(account),
        created_at: T0,
        expires_at: T0 + time::Duration::days(30),
        revoked_at: None,
    }
}

#[tokio::test]
async fn refused_accounts_and_tokens_leave_the_transaction_usable() {
    let Some(db) = common::fresh().await else {
        return;
    };
    let mut tx = write(&db).await;
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
        Err(StoreError::Duplicate { entity: "account", key }) if key == domain::ids::AccountId::from_u128(1).to_string()
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
        Err(StoreError::NotFound { entity: "account", key }) if key == domain::ids::AccountId::from_u128(99).to_string()
    ));
    // An order taker needs its site in the row, and reads back with it.
    let taker = domain::account::Account {
        role: domain::account::AccountRole::OrderTaker {
            site: SocieteId::from_u128(7),
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

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn claimed_messages_are_skipped_not_waited_for() {
    let Some(db) = common::fresh().await else {
        return;
    };
    let messages: Vec<_> = (1..=3_u128)
        .map(|n| ports::OutboxMessage {
            id: domain::ids::MessageId::from_u128(n),
            topic: "order_confirmation".to_owned(),
            recipient: None,
            payload: serde_json::json!({}),
            status: ports::MessageStatus::Pending,
            attempts: 0,
            created_at: T0 + time::Duration::microseconds(i64::try_from(n).unwrap()),
            next_attempt_at: T0,
            last_error: None,
        })
        .collect();
    let mut tx = write(&db).await;
    for m in &messages {
        tx.enqueue(m).await.unwrap();
    }
    tx.commit().await.unwrap();
    let ids = |claimed: Vec<ports::OutboxMessage>| -> Vec<u128> {
        claimed.into_iter().map(|m| m.id.as_u128()).collect()
    };

    let mut first = write(&db).await;
    assert_eq!(ids(first.claim_due(T0, 1).await.unwrap()), [1]);
    // Another worker takes the others at once, without waiting for the first's lock
    // (lock_timeout is 10 s).
    let mut second = write(&db).await;
    let claimed = tokio::time::timeout(Duration::from_secs(2), second.claim_due(T0, 10))
        .await
        .expect("a claim must skip locked messages, not wait for them")
        .unwrap();
    assert_eq!(ids(claimed), [2, 3]);
    // Released by a rollback, the first message is due again; a transaction's own locks do
    // not hide its messages from itself.
    first.rollback().await.unwrap();
    assert_eq!(ids(second.claim_due(T0, 10).await.unwrap()), [1, 2, 3]);
    second.commit().await.unwrap();
}

/// The key of the advisory lock sqlx's migrator takes for a database: CRC-32 (ISO-HDLC) of
/// its name, times a constant.
fn migration_lock_key(database: &str) -> i64 {
    let mut crc: u32 = 0xffff_ffff;
    for byte in database.bytes() {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    0x3d32_ad9e * i64::from(!crc)
}

#[tokio::test]
async fn a_process_starting_waits_for_another_ones_migrations_longer_than_a_lock_timeout() {
    let Some(url) = common::server_url() else {
        return;
    };
    let options = store_postgres::testing::create_empty_database(&url)
        .await
        .unwrap();
    store_postgres::PostgresDatabase::connect_with(options.clone(), 1)
        .await
        .unwrap();
    // Another process holds the migrations' lock for longer than the transactions' lock
    // timeout (10 s), as a long migration would.
    let other = sqlx::PgPool::connect_with(options.clone()).await.unwrap();
    let mut session = other.acquire().await.unwrap();
    let key = migration_lock_key(options.get_database().unwrap());
    sqlx::query("SELECT pg_advisory_lock($1)")
        .bind(key)
        .execute(&mut *session)
        .await
        .unwrap();
    let release = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(12)).await;
        sqlx::query("SELECT pg_advisory_unlock($1)")
            .bind(key)
            .execute(&mut *session)
            .await
            .unwrap();
    });
    let started = std::time::Instant::now();
    let second = store_postgres::PostgresDatabase::connect_with(options, 1).await;
    let waited = started.elapsed();
    release.await.unwrap();
    assert!(second.is_ok(), "{:?}", second.err());
    assert!(
        waited >= Duration::from_secs(11),
        "it did not wait for the lock ({waited:?}): the test holds the wrong key"
    );
}
