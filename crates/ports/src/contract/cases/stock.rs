//! Stock levels and movements ([`crate::StockStore`]), alone and under concurrency.

use std::sync::Arc;
use std::time::Duration;

use domain::ids::ArticleId;

use super::support::{
    back_off, commit, error_chain, read, rollback, stock_error_is_retryable, within_time_limit,
    write, World, ATTEMPTS,
};
use crate::contract::fixtures::{
    actor, adjustment, article_details, at, at_micros, reason, reference, Ids,
};
use crate::{
    Database, MovementReason, Page, Paging, Shortage, StockError, StockLevel, StockMovement,
    StoreError, TxMode,
};

async fn stock_of(db: &Arc<dyn Database>, article: ArticleId) -> u32 {
    let mut tx = read(db).await;
    let stock = tx
        .get_article(article)
        .await
        .expect("get_article")
        .expect("the article is stored")
        .stock;
    let total = tx.movements_total(article).await.expect("movements_total");
    commit(tx).await;
    assert_eq!(
        total,
        i64::from(stock),
        "movements_total must equal the article's stock (stock only moves through movements)"
    );
    stock
}

async fn movement_count(db: &Arc<dyn Database>, article: ArticleId) -> u64 {
    let mut tx = read(db).await;
    let page = tx
        .movements_of(article, Paging::first(1))
        .await
        .expect("movements_of");
    commit(tx).await;
    page.total
}

fn sorted_shortages(mut shortages: Vec<Shortage>) -> Vec<Shortage> {
    shortages.sort_by_key(|s| s.article);
    shortages
}

/// Movements add up per article and apply all together, or not at all when any article
/// would go below zero (every such article listed with its stock now), when an article is
/// unknown, or when a stock would be too large; levels come back by article id; movements
/// are kept, newest first, and always add up to the stock.
pub async fn stock_movements_apply_all_or_nothing(db: Arc<dyn Database>) {
    let mut ids = Ids::new();
    let world = World::new(&mut ids);
    world.store(&db).await;
    let order = world.par_order(ids.commande(), 1, 2, at(0));

    // Ids in an order that is neither the order of insertion nor that of references; one
    // has its highest bit set, so a store comparing ids as signed numbers sorts it first.
    let a = ArticleId::from_u128(0x7000_0000_0000_7000_8000_0000_0000_0001);
    let b = ArticleId::from_u128(0x0100_0000_0000_7000_8000_0000_0000_00ff);
    let c = ArticleId::from_u128(0xf000_0000_0000_7000_8000_0000_0000_0000);
    let mut tx = write(&db).await;
    for (id, r) in [(a, "ARTICLE-A"), (b, "ARTICLE-B"), (c, "ARTICLE-C")] {
        tx.insert_article(id, &article_details(r))
            .await
            .expect("insert_article");
    }
    tx.insert_order(&order).await.expect("insert_order");
    commit(tx).await;

    // Adjustments up, given in an order that is not the order of ids.
    let first = vec![
        adjustment(a, 10, at(1)),
        adjustment(b, 5, at(1)),
        adjustment(c, 3, at(1)),
    ];
    let mut tx = write(&db).await;
    let levels = tx
        .apply_movements(&first)
        .await
        .expect("apply_movements of adjustments up must succeed");
    assert_eq!(
        levels,
        vec![
            StockLevel {
                article: b,
                stock: 5
            },
            StockLevel {
                article: a,
                stock: 10
            },
            StockLevel {
                article: c,
                stock: 3
            },
        ],
        "apply_movements must give the new levels in ascending article id (as unsigned 128-bit numbers)"
    );
    assert_eq!(
        tx.get_article(a)
            .await
            .expect("get_article")
            .map(|x| x.stock),
        Some(10),
        "the transaction that applied movements must see the new stock"
    );
    commit(tx).await;
    assert_eq!(
        stock_of(&db, a).await,
        10,
        "adjustments must add to the stock"
    );
    assert_eq!(
        stock_of(&db, b).await,
        5,
        "adjustments must add to the stock"
    );
    assert_eq!(
        stock_of(&db, c).await,
        3,
        "adjustments must add to the stock"
    );

    // Deltas of one article in one batch add up; every field of a movement is kept.
    let taken_by_order = StockMovement {
        article: a,
        delta: -3,
        reason: MovementReason::OrderValidated,
        order: Some(order.id()),
        at: at_micros(2_000_001),
        by: actor("vendeur.paris"),
        note: Some(reason("commande PAR-000001 « urgente »")),
    };
    let broken = StockMovement {
        note: Some(reason("casse")),
        ..adjustment(a, -2, at_micros(3_000_002))
    };
    let given_back = StockMovement {
        reason: MovementReason::OrderCancelled,
        order: Some(order.id()),
        ..adjustment(b, 1, at_micros(4_000_003))
    };
    let mut tx = write(&db).await;
    let levels = tx
        .apply_movements(&[taken_by_order.clone(), broken.clone(), given_back.clone()])
        .await
        .expect("apply_movements within the stock must succeed");
    assert_eq!(
        levels,
        vec![
            StockLevel {
                article: b,
                stock: 6
            },
            StockLevel {
                article: a,
                stock: 5
            },
        ],
        "apply_movements must add up the deltas per article and give each article's level once, by article id"
    );
    commit(tx).await;

    // Two articles short (one through two movements), one not: refused, listing both.
    let short_batch = vec![
        adjustment(a, -6, at(5)),
        adjustment(b, -1, at(5)),
        adjustment(c, -2, at(6)),
        adjustment(c, -2, at(7)),
    ];
    let expected_shortages = sorted_shortages(vec![
        Shortage {
            article: a,
            reference: reference("ARTICLE-A"),
            requested: 6,
            available: 5,
        },
        Shortage {
            article: c,
            reference: reference("ARTICLE-C"),
            requested: 4,
            available: 3,
        },
    ]);
    let mut tx = write(&db).await;
    match tx.apply_movements(&short_batch).await {
        Err(StockError::Short(shortages)) => assert_eq!(
            sorted_shortages(shortages),
            expected_shortages,
            "StockError::Short must list every article whose stock would go below zero (the deltas added up), with its reference, the units asked and its stock now, and no other"
        ),
        other => panic!(
            "apply_movements taking more than the stock of two articles must refuse with StockError::Short, got {other:?}"
        ),
    }
    rollback(tx).await;
    let unchanged = |stocks: [u32; 3], counts: [u64; 3], when: &'static str| {
        let db = db.clone();
        async move {
            for ((article, stock), count) in [a, b, c].into_iter().zip(stocks).zip(counts) {
                assert_eq!(
                    stock_of(&db, article).await,
                    stock,
                    "{when}: no stock may change"
                );
                assert_eq!(
                    movement_count(&db, article).await,
                    count,
                    "{when}: no movement may be recorded"
                );
            }
        }
    };
    unchanged(
        [5, 6, 3],
        [3, 2, 1],
        "after apply_movements refused with StockError::Short",
    )
    .await;

    // The refusal changes nothing even in its own transaction, which goes on and commits.
    let mut tx = write(&db).await;
    assert!(
        matches!(
            tx.apply_movements(&short_batch).await,
            Err(StockError::Short(_))
        ),
        "apply_movements taking more than the stock must refuse with StockError::Short"
    );
    let seen = tx
        .get_article(b)
        .await
        .expect(
            "after StockError::Short the transaction must still be usable (nothing was changed)",
        )
        .map(|x| x.stock);
    assert_eq!(
        seen,
        Some(6),
        "after StockError::Short, even the refused transaction must see no change"
    );
    tx.commit()
        .await
        .expect("after StockError::Short the transaction must still commit (nothing was changed)");
    unchanged(
        [5, 6, 3],
        [3, 2, 1],
        "after apply_movements refused with StockError::Short and its transaction committed",
    )
    .await;

    // An unknown article: refused, nothing changed.
    let unknown = ids.article();
    let mut tx = write(&db).await;
    match tx
        .apply_movements(&[adjustment(a, -1, at(8)), adjustment(unknown, 1, at(8))])
        .await
    {
        Err(StockError::UnknownArticle(id)) => assert_eq!(
            id, unknown,
            "StockError::UnknownArticle must name the article that is not stored"
        ),
        other => panic!(
            "apply_movements on an article that is not stored must refuse with StockError::UnknownArticle, got {other:?}"
        ),
    }
    rollback(tx).await;
    unchanged(
        [5, 6, 3],
        [3, 2, 1],
        "after apply_movements refused with StockError::UnknownArticle",
    )
    .await;

    // The largest stock is u32::MAX: reached, not passed.
    let to_max = i64::from(u32::MAX) - 3;
    let mut tx = write(&db).await;
    let levels = tx
        .apply_movements(&[adjustment(c, to_max, at(9))])
        .await
        .expect("apply_movements up to a stock of u32::MAX must succeed");
    assert_eq!(
        levels,
        vec![StockLevel {
            article: c,
            stock: u32::MAX
        }],
        "an article must hold a stock of u32::MAX"
    );
    commit(tx).await;
    let mut tx = write(&db).await;
    match tx
        .apply_movements(&[adjustment(b, -1, at(10)), adjustment(c, 1, at(10))])
        .await
    {
        Err(StockError::TooLarge(id)) => assert_eq!(
            id, c,
            "StockError::TooLarge must name the article whose stock would be too large"
        ),
        other => panic!(
            "apply_movements taking a stock above u32::MAX must refuse with StockError::TooLarge, got {other:?}"
        ),
    }
    rollback(tx).await;
    let mut tx = write(&db).await;
    tx.apply_movements(&[adjustment(c, -to_max, at(11))])
        .await
        .expect("apply_movements back down must succeed");
    commit(tx).await;
    unchanged(
        [5, 6, 3],
        [3, 2, 3],
        "after apply_movements refused with StockError::TooLarge",
    )
    .await;

    // Movements, newest first, a page at a time, every field kept.
    let mut tx = read(&db).await;
    let a_movements = [broken.clone(), taken_by_order.clone(), first[0].clone()];
    for (offset, limit) in [(0, 50), (0, 2), (1, 1), (2, 5), (3, 5)] {
        let from = usize::try_from(offset).expect("small").min(3);
        let to = (from + usize::try_from(limit).expect("small")).min(3);
        assert_eq!(
            tx.movements_of(a, Paging { offset, limit })
                .await
                .expect("movements_of"),
            Page {
                items: a_movements[from..to].to_vec(),
                total: 3,
            },
            "movements_of(offset {offset}, limit {limit}) must give that part of the article's movements, newest first, every field as applied, and how many there are in all"
        );
    }
    assert_eq!(
        tx.movements_of(b, Paging::default())
            .await
            .expect("movements_of"),
        Page {
            items: vec![given_back, first[1].clone()],
            total: 2,
        },
        "movements_of must give only the article's own movements, newest first"
    );
    assert_eq!(
        tx.movements_of(unknown, Paging::default())
            .await
            .expect("movements_of"),
        Page {
            items: vec![],
            total: 0,
        },
        "movements_of an article without movements must be empty"
    );
    commit(tx).await;
}

/// What one taker of the concurrency case ended with.
#[derive(Debug)]
enum Taken {
    /// Took a unit and committed; the level apply_movements gave.
    One(u32),
    /// Refused for want of stock.
    Short(Vec<Shortage>),
}

/// Takes one unit of an article in a transaction of its own, trying again when the database
/// gives up on a conflict.
async fn take_one(db: Arc<dyn Database>, article: ArticleId, n: i64) -> Taken {
    for attempt in 0..ATTEMPTS {
        let mut tx = match db.begin(TxMode::Write).await {
            Ok(tx) => tx,
            Err(e) if e.is_retryable() => {
                back_off(attempt).await;
                continue;
            }
            Err(e) => panic!("Database::begin(Write) failed with a non-retryable error: {e:?}"),
        };
        match tx
            .apply_movements(&[adjustment(article, -1, at_micros(n))])
            .await
        {
            Ok(levels) => {
                assert_eq!(
                    levels.len(),
                    1,
                    "apply_movements on one article must give one level"
                );
                // Hold the units a moment: nobody else may take them meanwhile.
                tokio::time::sleep(Duration::from_millis(2)).await;
                match tx.commit().await {
                    Ok(()) => return Taken::One(levels[0].stock),
                    Err(e) if e.is_retryable() => back_off(attempt).await,
                    Err(e) => panic!("Transaction::commit failed with a non-retryable error: {e:?}"),
                }
            }
            Err(StockError::Short(shortages)) => {
                rollback(tx).await;
                return Taken::Short(shortages);
            }
            Err(e) if stock_error_is_retryable(&e) => {
                drop(tx);
                back_off(attempt).await;
            }
            Err(e) => panic!(
                "apply_movements under concurrency failed with something else than Short or a retryable error: {e:?}"
            ),
        }
    }
    panic!("a transaction taking one unit was refused as retryable {ATTEMPTS} times in a row")
}

/// Many transactions at once each take one unit of an article that has only a few: exactly
/// as many succeed as there are units, the others are told the stock is short, and the
/// stock ends at zero, never below.
pub async fn stock_never_goes_below_zero_under_concurrency(db: Arc<dyn Database>) {
    const UNITS: u32 = 10;
    const TAKERS: i64 = 40;
    let mut ids = Ids::new();
    let article = ids.article();
    let mut tx = write(&db).await;
    tx.insert_article(article, &article_details("RARE-1"))
        .await
        .expect("insert_article");
    tx.apply_movements(&[adjustment(article, i64::from(UNITS), at(0))])
        .await
        .expect("apply_movements");
    commit(tx).await;

    let outcomes = within_time_limit("taking stock from many transactions at once", async {
        let tasks: Vec<_> = (0..TAKERS)
            .map(|n| tokio::spawn(take_one(db.clone(), article, n + 1)))
            .collect();
        let mut outcomes = Vec::new();
        for task in tasks {
            outcomes.push(task.await.expect("a taking task panicked"));
        }
        outcomes
    })
    .await;

    let mut levels: Vec<u32> = Vec::new();
    let mut shorts = 0;
    for outcome in outcomes {
        match outcome {
            Taken::One(level) => levels.push(level),
            Taken::Short(shortages) => {
                shorts += 1;
                assert_eq!(
                    shortages,
                    vec![Shortage {
                        article,
                        reference: reference("RARE-1"),
                        requested: 1,
                        available: 0,
                    }],
                    "a transaction refused for want of stock must be told the article, 1 unit asked and 0 available (the others hold the rest)"
                );
            }
        }
    }
    levels.sort_unstable();
    assert_eq!(
        levels,
        (0..UNITS).collect::<Vec<_>>(),
        "exactly as many transactions as there are units must take one, each seeing its own new level (a unit taken by one transaction cannot be taken by another until it ends)"
    );
    assert_eq!(
        shorts,
        TAKERS - i64::from(UNITS),
        "every other transaction must be refused with StockError::Short"
    );
    assert_eq!(
        stock_of(&db, article).await,
        0,
        "the stock must end at zero, never below"
    );
    assert_eq!(
        movement_count(&db, article).await,
        u64::from(UNITS) + 1,
        "one movement per unit taken must be recorded, besides the first adjustment"
    );
}

/// Transactions taking the same two articles, listed in opposite orders, run concurrently
/// round after round: none is refused for a deadlock (articles are locked in ascending id
/// order), all complete, and the stocks add up.
pub async fn opposite_lock_orders_do_not_deadlock(db: Arc<dyn Database>) {
    const TASKS: usize = 8;
    const ROUNDS: usize = 12;
    const START: u32 = 1000;
    let mut ids = Ids::new();
    let a = ids.article();
    let b = ids.article();
    let mut tx = write(&db).await;
    for (id, r) in [(a, "PAIRE-A"), (b, "PAIRE-B")] {
        tx.insert_article(id, &article_details(r))
            .await
            .expect("insert_article");
    }
    tx.apply_movements(&[
        adjustment(a, i64::from(START), at(0)),
        adjustment(b, i64::from(START), at(0)),
    ])
    .await
    .expect("apply_movements");
    commit(tx).await;

    let results = within_time_limit(
        "transactions taking two articles in opposite orders",
        async {
            let tasks: Vec<_> = (0..TASKS)
                .map(|task| {
                    let db = db.clone();
                    tokio::spawn(async move {
                        let (first, second) = if task % 2 == 0 { (a, b) } else { (b, a) };
                        let mut retries = 0_u32;
                        let mut deadlocks = Vec::new();
                        for round in 0..ROUNDS {
                            let n = i64::try_from(task * ROUNDS + round).expect("small");
                            let batch = [
                                adjustment(first, -1, at_micros(n)),
                                adjustment(second, -1, at_micros(n)),
                            ];
                            let mut done = false;
                            for attempt in 0..ATTEMPTS {
                                let mut tx = match db.begin(TxMode::Write).await {
                                    Ok(tx) => tx,
                                    Err(e) if e.is_retryable() => {
                                        retries += 1;
                                        back_off(attempt).await;
                                        continue;
                                    }
                                    Err(e) => panic!("Database::begin(Write) failed: {e:?}"),
                                };
                                let error: StoreError = match tx.apply_movements(&batch).await {
                                    Ok(levels) => {
                                        assert_eq!(
                                            levels.iter().map(|l| l.article).collect::<Vec<_>>(),
                                            vec![a, b],
                                            "apply_movements must give the levels in ascending article id, whatever the order of the movements"
                                        );
                                        match tx.commit().await {
                                            Ok(()) => {
                                                done = true;
                                                break;
                                            }
                                            Err(e) if e.is_retryable() => e,
                                            Err(e) => panic!("Transaction::commit failed: {e:?}"),
                                        }
                                    }
                                    Err(StockError::Store(e)) if e.is_retryable() => {
                                        drop(tx);
                                        e
                                    }
                                    Err(e) => panic!("apply_movements failed: {e:?}"),
                                };
                                retries += 1;
                                let chain = error_chain(&error);
                                if chain.to_lowercase().contains("deadlock") {
                                    // A broken contract: no use going on (each deadlock
                                    // costs the database's detection delay).
                                    deadlocks.push(chain);
                                    return (retries, deadlocks);
                                }
                                back_off(attempt).await;
                            }
                            assert!(
                                done,
                                "a transaction taking two articles was refused as retryable {ATTEMPTS} times in a row"
                            );
                        }
                        (retries, deadlocks)
                    })
                })
                .collect();
            let mut results = Vec::new();
            for task in tasks {
                results.push(task.await.expect("a task taking two articles panicked"));
            }
            results
        },
    )
    .await;

    let retries: u32 = results.iter().map(|(r, _)| r).sum();
    let deadlocks: Vec<&String> = results.iter().flat_map(|(_, d)| d).collect();
    assert!(
        deadlocks.is_empty(),
        "apply_movements must lock the articles in ascending id order, so that transactions taking the same articles never deadlock; the database reported {} deadlock(s) ({retries} retries in all), the first: {}",
        deadlocks.len(),
        deadlocks.first().map_or("", |d| d.as_str())
    );
    let taken = u32::try_from(TASKS * ROUNDS).expect("small");
    assert_eq!(
        stock_of(&db, a).await,
        START - taken,
        "every committed transaction must have taken its unit of the first article, once"
    );
    assert_eq!(
        stock_of(&db, b).await,
        START - taken,
        "every committed transaction must have taken its unit of the second article, once"
    );
}

/// Where the database has a write lock (SQLite), a write transaction takes it when it
/// starts: transactions that read, wait, then write, side by side, never fail half-way for
/// want of it. Elsewhere they are only required to complete, retried on conflicts.
pub async fn write_transactions_wait_for_the_write_lock(db: Arc<dyn Database>) {
    const TASKS: usize = 6;
    let mut ids = Ids::new();
    let world = World::new(&mut ids);
    world.store(&db).await;
    let article = world.articles[0].0;
    let mut tx = write(&db).await;
    tx.apply_movements(&[adjustment(article, 100, at(0))])
        .await
        .expect("apply_movements");
    commit(tx).await;

    let failures = within_time_limit("write transactions side by side", async {
        let tasks: Vec<_> = (0..TASKS)
            .map(|task| {
                let db = db.clone();
                tokio::spawn(async move {
                    let mut failures = Vec::new();
                    for attempt in 0..ATTEMPTS {
                        let mut tx = match db.begin(TxMode::Write).await {
                            Ok(tx) => tx,
                            // Waiting for the lock at the start may time out: that is allowed.
                            Err(e) if e.is_retryable() => {
                                back_off(attempt).await;
                                continue;
                            }
                            Err(e) => panic!("Database::begin(Write) failed: {e:?}"),
                        };
                        // Read first, take time, then write: the pattern of every use case.
                        let read_first = tx.get_article(article).await.map(|_| ());
                        let result: Result<(), String> = match read_first {
                            Err(e) => Err(format!("get_article: {e:?}")),
                            Ok(()) => {
                                tokio::time::sleep(Duration::from_millis(5)).await;
                                let n = i64::try_from(task).expect("small");
                                match tx
                                    .apply_movements(&[adjustment(article, -1, at_micros(n))])
                                    .await
                                {
                                    Err(e) => Err(format!("apply_movements: {e:?}")),
                                    Ok(_) => match tx.next_number("contract:write-lock").await {
                                        Err(e) => Err(format!("next_number: {e:?}")),
                                        Ok(_) => match tx.commit().await {
                                            Ok(()) => return failures,
                                            Err(e) => Err(format!("commit: {e:?}")),
                                        },
                                    },
                                }
                            }
                        };
                        if let Err(failure) = result {
                            failures.push(failure);
                        }
                        back_off(attempt).await;
                    }
                    panic!("a write transaction failed {ATTEMPTS} times in a row: {failures:?}")
                })
            })
            .collect();
        let mut failures = Vec::new();
        for task in tasks {
            failures.extend(task.await.expect("a writing task panicked"));
        }
        failures
    })
    .await;

    if db.kind() == "sqlite" {
        assert!(
            failures.is_empty(),
            "a write transaction must take the write lock when it starts, so that it never fails half-way for want of it: {} failure(s) after begin, the first: {}",
            failures.len(),
            failures.first().map_or("", String::as_str)
        );
    }
    assert_eq!(
        stock_of(&db, article).await,
        100 - u32::try_from(TASKS).expect("small"),
        "every write transaction that committed must have taken its unit, once"
    );
}
