//! Number series ([`crate::SequenceStore`]).

use std::sync::Arc;
use std::time::Duration;

use super::support::{back_off, commit, rollback, step, within_time_limit, write, ATTEMPTS};
use crate::{Database, TxMode};

/// Takes the next number of a series in a transaction of its own and commits it, trying
/// again from the start when the database gives up on a conflict.
async fn take_number(db: Arc<dyn Database>, series: &'static str) -> u64 {
    for attempt in 0..ATTEMPTS {
        let mut tx = match db.begin(TxMode::Write).await {
            Ok(tx) => tx,
            Err(e) if e.is_retryable() => {
                back_off(attempt).await;
                continue;
            }
            Err(e) => panic!("Database::begin(Write) failed with a non-retryable error: {e:?}"),
        };
        let number = match tx.next_number(series).await {
            Ok(number) => number,
            Err(e) if e.is_retryable() => {
                drop(tx);
                back_off(attempt).await;
                continue;
            }
            Err(e) => panic!("next_number failed with a non-retryable error: {e:?}"),
        };
        // Keep the number a moment before committing: nobody else may get it meanwhile.
        tokio::time::sleep(Duration::from_millis(2)).await;
        match tx.commit().await {
            Ok(()) => return number,
            Err(e) if e.is_retryable() => back_off(attempt).await,
            Err(e) => panic!("Transaction::commit failed with a non-retryable error: {e:?}"),
        }
    }
    panic!("a transaction taking a number was refused as retryable {ATTEMPTS} times in a row")
}

async fn next(db: &Arc<dyn Database>, series: &str) -> u64 {
    let mut tx = write(db).await;
    let number = tx.next_number(series).await.expect("next_number");
    commit(tx).await;
    number
}

/// Many transactions at once each take a number of the same series: the committed numbers
/// are all different and run from 1 without gap; other series count on their own.
pub async fn sequences_never_repeat_under_concurrency(db: Arc<dyn Database>) {
    const TAKERS: u64 = 30;
    let mut numbers = within_time_limit("taking numbers from many transactions at once", async {
        let tasks: Vec<_> = (0..TAKERS)
            .map(|_| tokio::spawn(take_number(db.clone(), "order:PAR")))
            .collect();
        let mut numbers = Vec::new();
        for task in tasks {
            numbers.push(task.await.expect("a task taking a number panicked"));
        }
        numbers
    })
    .await;
    numbers.sort_unstable();
    assert_eq!(
        numbers,
        (1..=TAKERS).collect::<Vec<_>>(),
        "next_number must never give the same number to two transactions, and committed transactions alone must leave no gap from 1"
    );

    let mut tx = write(&db).await;
    assert_eq!(
        tx.next_number("order:LYON").await.expect("next_number"),
        1,
        "next_number of a series never used must give 1, whatever other series gave"
    );
    assert_eq!(
        tx.next_number("order:LYON").await.expect("next_number"),
        2,
        "next_number twice in one transaction must give two numbers in a row"
    );
    assert_eq!(
        tx.next_number("invoice:2026").await.expect("next_number"),
        1,
        "next_number of another series never used must give 1"
    );
    commit(tx).await;
    assert_eq!(
        next(&db, "order:PAR").await,
        TAKERS + 1,
        "next_number must go on from the last committed number of its series"
    );
    assert_eq!(
        next(&db, "order:LYON").await,
        3,
        "next_number must go on from the last committed number of its series"
    );
    assert_eq!(
        next(&db, "ORDER:PAR:2").await,
        1,
        "series are told apart by their whole name"
    );
}

/// A number taken by a transaction that rolls back, or is dropped, is given to the next.
pub async fn sequences_give_back_numbers_on_rollback(db: Arc<dyn Database>) {
    assert_eq!(next(&db, "order:PAR").await, 1, "a new series starts at 1");

    let mut tx = write(&db).await;
    assert_eq!(tx.next_number("order:PAR").await.expect("next_number"), 2);
    assert_eq!(tx.next_number("order:PAR").await.expect("next_number"), 3);
    assert_eq!(tx.next_number("order:LYON").await.expect("next_number"), 1);
    rollback(tx).await;
    assert_eq!(
        step("next_number after a rollback", next(&db, "order:PAR")).await,
        2,
        "the numbers of a transaction that rolled back must be given again"
    );

    let mut tx = write(&db).await;
    assert_eq!(tx.next_number("order:PAR").await.expect("next_number"), 3);
    assert_eq!(tx.next_number("order:LYON").await.expect("next_number"), 1);
    drop(tx);
    assert_eq!(
        step(
            "next_number after a transaction was dropped",
            next(&db, "order:PAR")
        )
        .await,
        3,
        "the number of a transaction dropped without commit must be given again"
    );
    assert_eq!(
        next(&db, "order:LYON").await,
        1,
        "a series used only by transactions that did not commit must start at 1"
    );
    assert_eq!(
        next(&db, "order:PAR").await,
        4,
        "numbers must go on from the last committed one"
    );
}

/// Many transactions at once each take an order number of the same site, some of them
/// rolling back: the committed ones never share a number, and numbers taken after a
/// rollback never repeat a committed one.
pub async fn order_numbers_never_repeat_under_concurrency(db: Arc<dyn Database>) {
    use domain::order::SiteCode;
    const TAKERS: usize = 30;
    let site = SiteCode::new("PAR").expect("a valid site code");
    let committed = within_time_limit("taking order numbers from many transactions at once", async {
        let tasks: Vec<_> = (0..TAKERS)
            .map(|i| {
                let (db, site) = (db.clone(), site.clone());
                tokio::spawn(async move {
                    for attempt in 0..ATTEMPTS {
                        let mut tx = write(&db).await;
                        let number = match tx.next_order_number(&site).await {
                            Ok(number) => number,
                            Err(e) if e.is_retryable() => {
                                drop(tx);
                                back_off(attempt).await;
                                continue;
                            }
                            Err(e) => panic!("next_order_number failed with a non-retryable error: {e:?}"),
                        };
                        tokio::time::sleep(Duration::from_millis(2)).await;
                        if i % 3 == 0 {
                            rollback(tx).await;
                            return None;
                        }
                        match tx.commit().await {
                            Ok(()) => return Some(number),
                            Err(e) if e.is_retryable() => back_off(attempt).await,
                            Err(e) => panic!("commit failed with a non-retryable error: {e:?}"),
                        }
                    }
                    panic!("a transaction taking an order number was refused as retryable {ATTEMPTS} times")
                })
            })
            .collect();
        let mut numbers = Vec::new();
        for task in tasks {
            if let Some(n) = task.await.expect("a task taking an order number panicked") {
                numbers.push(n);
            }
        }
        numbers
    })
    .await;
    let mut distinct = committed.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(
        distinct.len(),
        committed.len(),
        "next_order_number must never give one number to two committed transactions: {committed:?}"
    );
    assert!(
        distinct.iter().all(|&n| n >= 1),
        "order numbers start at 1: {distinct:?}"
    );

    let after = step("an order number after the others", async {
        let mut tx = write(&db).await;
        let n = tx
            .next_order_number(&site)
            .await
            .expect("next_order_number");
        commit(tx).await;
        n
    })
    .await;
    assert!(
        !distinct.contains(&after),
        "next_order_number must not give again a number a committed transaction took ({after})"
    );
}
