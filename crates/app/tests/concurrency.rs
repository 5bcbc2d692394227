//! Concurrent orders against both databases: the last units are never oversold, the
//! movements always add up to the stock, numbers are never given twice, and two orders
//! locking the same articles in opposite orders both go through.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::collections::HashSet;
use std::sync::Arc;

use app::AppError;
use ports::{Database, TxMode};
use support::*;

async fn last_units_are_never_oversold(db: Arc<dyn Database>) {
    let shop = shop(db).await;
    let buyers = 24;
    let mut customers = Vec::new();
    for i in 0..buyers {
        customers.push(
            register(
                &shop.app,
                &format!("Client{i}"),
                "Test",
                &format!("06000000{i:02}"),
                &format!("c{i}@example.fr"),
            )
            .await,
        );
    }
    // 10 units of VIS-M6; 24 customers want 1 each, all at once.
    let mut tasks = Vec::new();
    for c in customers {
        let app = shop.app.clone();
        let vis = shop.vis.clone();
        tasks.push(tokio::spawn(async move {
            app.place_order(&customer(&c), &request(&c, vec![line(&vis, 1)]), None)
                .await
        }));
    }
    let mut placed = Vec::new();
    let mut short = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(p) => placed.push(p.order),
            Err(AppError::Shortage(s)) => {
                assert_eq!(s[0].available, 0);
                short += 1;
            }
            Err(other) => panic!("unexpected failure: {other}"),
        }
    }
    assert_eq!(placed.len(), 10, "exactly as many orders as units");
    assert_eq!(short, buyers - 10);
    let stock = shop
        .app
        .article(&app::catalogue::ArticleKey::Id(shop.vis.id))
        .await
        .unwrap()
        .stock;
    assert_eq!(stock, 0);
    let mut tx = shop.app.database().begin(TxMode::Read).await.unwrap();
    assert_eq!(tx.movements_total(shop.vis.id).await.unwrap(), 0);
    let numbers: HashSet<String> = placed.iter().map(|o| o.number().to_string()).collect();
    assert_eq!(numbers.len(), 10, "every order has its own number");
}

async fn opposite_orders_of_articles_do_not_deadlock(db: Arc<dyn Database>) {
    let shop = shop(db).await;
    let a = article(&shop.app, "A-1", "A", "1", None, 1, None, 1000).await;
    let b = article(&shop.app, "B-1", "B", "1", None, 1, None, 1000).await;
    let marie = register(
        &shop.app,
        "Dupont",
        "Marie",
        "0612345678",
        "marie@example.fr",
    )
    .await;
    let mut tasks = Vec::new();
    for i in 0..40 {
        let (app, marie, a, b) = (shop.app.clone(), marie.clone(), a.clone(), b.clone());
        tasks.push(tokio::spawn(async move {
            let lines = if i % 2 == 0 {
                vec![line(&a, 1), line(&b, 1)]
            } else {
                vec![line(&b, 1), line(&a, 1)]
            };
            app.place_order(&customer(&marie), &request(&marie, lines), None)
                .await
        }));
    }
    let outcome = tokio::time::timeout(std::time::Duration::from_secs(60), async {
        let mut numbers = HashSet::new();
        for task in tasks {
            let placed = task.await.unwrap().expect("no order fails");
            assert!(numbers.insert(placed.order.number().to_string()));
        }
        numbers.len()
    })
    .await
    .expect("no deadlock");
    assert_eq!(outcome, 40);
    for key in [a.id, b.id] {
        let article = shop
            .app
            .article(&app::catalogue::ArticleKey::Id(key))
            .await
            .unwrap();
        assert_eq!(article.stock, 960);
    }
}

async fn one_key_places_one_order_however_many_send_it(db: Arc<dyn Database>) {
    let shop = shop(db).await;
    let marie = register(
        &shop.app,
        "Dupont",
        "Marie",
        "0612345678",
        "marie@example.fr",
    )
    .await;
    let req = request(&marie, vec![line(&shop.vis, 2)]);
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (app, marie, req) = (shop.app.clone(), marie.clone(), req.clone());
        tasks.push(tokio::spawn(async move {
            app.place_order(&customer(&marie), &req, Some("retry-after-timeout"))
                .await
        }));
    }
    let mut ids = HashSet::new();
    let mut first = 0;
    for task in tasks {
        let placed = task.await.unwrap().expect("every sender gets the order");
        ids.insert(placed.order.id());
        if !placed.replayed {
            first += 1;
        }
    }
    assert_eq!(ids.len(), 1, "one order for one key");
    assert_eq!(
        first, 1,
        "exactly one request placed it; the others got it back"
    );
    let stock = shop
        .app
        .article(&app::catalogue::ArticleKey::Id(shop.vis.id))
        .await
        .unwrap()
        .stock;
    assert_eq!(stock, 8, "the stock was taken once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn idempotency_under_concurrency_on_sqlite() {
    one_key_places_one_order_however_many_send_it(sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn idempotency_under_concurrency_on_postgres() {
    if let Some(db) = postgres().await {
        one_key_places_one_order_however_many_send_it(db).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn last_units_on_sqlite() {
    last_units_are_never_oversold(sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn last_units_on_postgres() {
    if let Some(db) = postgres().await {
        last_units_are_never_oversold(db).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn no_deadlock_on_sqlite() {
    opposite_orders_of_articles_do_not_deadlock(sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn no_deadlock_on_postgres() {
    if let Some(db) = postgres().await {
        opposite_orders_of_articles_do_not_deadlock(db).await;
    }
}
