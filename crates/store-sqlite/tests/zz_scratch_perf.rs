#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;
use std::sync::Arc;
use ports::contract::fixtures::{self, at, Ids};
use ports::contract::cases as _;
use ports::{Database, TxMode};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn perf() {
    let db: Arc<dyn Database> = Arc::new(common::fresh_db().await);
    let mut ids = Ids::new();
    let articles: Vec<_> = (0..20).map(|i| (ids.article(), fixtures::reference(&format!("A{i}")))).collect();
    let mut tx = db.begin(TxMode::Write).await.unwrap();
    for (id, r) in &articles {
        tx.insert_article(*id, &fixtures::article_details(r.as_str())).await.unwrap();
        tx.apply_movements(&[fixtures::adjustment(*id, 1_000_000, at(0))]).await.unwrap();
    }
    tx.commit().await.unwrap();
    let site = ids.societe();
    let parties = domain::order::OrderParties::customer_only(ids.tiers(), ids.adresse());
    let n = 2000u64;
    let start = std::time::Instant::now();
    let tasks: Vec<_> = (0..1u64).map(|t| {
        let db = db.clone();
        let articles = articles.clone();
        let oids: Vec<_> = (0..n).map(|_| ids.commande()).collect();
        tokio::spawn(async move {
            for (i, oid) in oids.into_iter().enumerate() {
                let mut tx = db.begin(TxMode::Write).await.unwrap();
                let seq = tx.next_number("PAR").await.unwrap();
                let _ = tx.get_articles(&articles.iter().map(|a| a.0).take(5).collect::<Vec<_>>()).await.unwrap();
                let _ = tx.list_vat_codes().await.unwrap();
                let order = fixtures::commande(oid, fixtures::order_number("PAR", seq), parties, site, &articles[(i%4)..], 5, at(i as i64 + t as i64));
                tx.insert_order(&order).await.unwrap();
                let moves: Vec<_> = order.lines().iter().map(|l| fixtures::adjustment(l.content.article, -1, at(1))).collect();
                tx.apply_movements(&moves).await.unwrap();
                tx.commit().await.unwrap();
            }
        })
    }).collect();
    for t in tasks { t.await.unwrap(); }
    let el = start.elapsed();
    eprintln!("{n} orders in {el:?}: {:.0}/s", n as f64 / el.as_secs_f64());
    let start = std::time::Instant::now();
    let mut tx = db.begin(TxMode::Read).await.unwrap();
    for _ in 0..100 {
        let p = tx.search_orders(&ports::OrderQuery{ customer: Some(parties.customer), ..Default::default()}).await.unwrap();
        assert_eq!(p.total, n);
    }
    eprintln!("100 searches in {:?}", start.elapsed());
}
