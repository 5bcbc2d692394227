//! Delivering the outbox's messages ([`crate::OutboxDelivery`]): claiming those that are
//! due, recording attempts, retrying failed ones.

use std::sync::Arc;
use std::time::Duration;

use domain::ids::MessageId;
use tokio::sync::Barrier;

use super::support::{
    assert_not_found, back_off, commit, read, rollback, within_time_limit, write, ATTEMPTS,
};
use crate::contract::fixtures::{at, at_micros, day, outbox_message, Ids};
use crate::{
    Database, DeliveryOutcome, MessageStatus, OutboxMessage, StoreError, Transaction, TxMode,
};

async fn enqueue(db: &Arc<dyn Database>, messages: &[&OutboxMessage]) {
    let mut tx = write(db).await;
    for m in messages {
        tx.enqueue(m)
            .await
            .expect("enqueue of a new message must succeed");
    }
    commit(tx).await;
}

async fn get_message(db: &Arc<dyn Database>, id: MessageId) -> Option<OutboxMessage> {
    let mut tx = read(db).await;
    let message = tx.get_message(id).await.expect("get_message");
    commit(tx).await;
    message
}

/// What `claim_due(now, limit)` gives, in a write transaction rolled back after.
async fn claimed(
    db: &Arc<dyn Database>,
    now: time::OffsetDateTime,
    limit: u32,
) -> Vec<OutboxMessage> {
    let mut tx = write(db).await;
    let claimed = tx.claim_due(now, limit).await.expect("claim_due");
    rollback(tx).await;
    claimed
}

/// The ids of messages.
fn ids_of(messages: &[OutboxMessage]) -> Vec<MessageId> {
    messages.iter().map(|m| m.id).collect()
}

/// `claim_due` gives the pending messages that are due (`next_attempt_at <= now`, to the
/// microsecond), oldest first by creation, at most `limit`, as they are stored; a claim
/// changes nothing; `get_message` gives a message as it is.
pub async fn due_messages_are_claimed_oldest_first(db: Arc<dyn Database>) {
    let mut ids = Ids::new();
    let now = at(100);
    // Created in an order that is neither the order of their due times nor of their ids.
    let due_later_created_first = OutboxMessage {
        next_attempt_at: at(50),
        ..outbox_message(ids.message(), "order_confirmation", at(-10))
    };
    let due_at_now = OutboxMessage {
        attempts: 2,
        last_error: Some("SMTP 421 : réessayer plus tard".to_owned()),
        next_attempt_at: now,
        ..outbox_message(ids.message(), "order_validated_internal", at_micros(1))
    };
    let due_long_ago = OutboxMessage {
        next_attempt_at: at(-100),
        ..outbox_message(ids.message(), "invoice", at_micros(2))
    };
    let not_due_yet = OutboxMessage {
        next_attempt_at: now + time::Duration::microseconds(1),
        ..outbox_message(ids.message(), "order_confirmation", at(-20))
    };
    let sent = OutboxMessage {
        status: MessageStatus::Sent,
        attempts: 1,
        ..outbox_message(ids.message(), "order_confirmation", at(-30))
    };
    let failed = OutboxMessage {
        status: MessageStatus::Failed,
        attempts: 5,
        last_error: Some("SMTP 550".to_owned()),
        ..outbox_message(ids.message(), "order_confirmation", at(-25))
    };
    // Enqueued in two transactions, the oldest last.
    enqueue(&db, &[&due_long_ago, &due_at_now, &sent]).await;
    enqueue(&db, &[&failed, &not_due_yet, &due_later_created_first]).await;
    let due = vec![
        due_later_created_first.clone(),
        due_at_now.clone(),
        due_long_ago.clone(),
    ];

    for limit in [10, 3, 2, 1] {
        let n = usize::try_from(limit).expect("small").min(due.len());
        assert_eq!(
            claimed(&db, now, limit).await,
            due[..n].to_vec(),
            "claim_due(now, {limit}) must give only pending messages due at now (next_attempt_at <= now, to the microsecond; not sent nor failed ones), oldest first by creation time, at most {limit}, every field as stored"
        );
    }
    assert_eq!(
        claimed(&db, now, 0).await,
        Vec::<OutboxMessage>::new(),
        "claim_due with a limit of 0 must give nothing"
    );
    assert_eq!(
        ids_of(&claimed(&db, now - time::Duration::microseconds(1), 10).await),
        vec![due_later_created_first.id, due_long_ago.id],
        "claim_due must leave out a message due one microsecond later than now"
    );
    assert_eq!(
        ids_of(&claimed(&db, not_due_yet.next_attempt_at, 10).await),
        vec![
            not_due_yet.id,
            due_later_created_first.id,
            due_at_now.id,
            due_long_ago.id
        ],
        "claim_due must give a message once it is due, in its place by creation time"
    );
    assert_eq!(
        claimed(&db, at(-200), 10).await,
        Vec::<OutboxMessage>::new(),
        "claim_due before any message is due must give nothing"
    );

    // A claim, committed without any attempt recorded, changes nothing: the messages are
    // claimed again.
    let mut tx = write(&db).await;
    assert_eq!(
        ids_of(&tx.claim_due(now, 10).await.expect("claim_due")),
        ids_of(&due),
        "claim_due"
    );
    commit(tx).await;
    assert_eq!(
        claimed(&db, now, 10).await,
        due,
        "claim_due must not change the messages it gives: committed without an attempt recorded, they are due as before"
    );

    let mut tx = read(&db).await;
    for m in [
        &due_later_created_first,
        &due_at_now,
        &due_long_ago,
        &not_due_yet,
        &sent,
        &failed,
    ] {
        assert_eq!(
            tx.get_message(m.id).await.expect("get_message").as_ref(),
            Some(m),
            "get_message must give the message as stored, whatever its status"
        );
    }
    assert_eq!(
        tx.get_message(ids.message()).await.expect("get_message"),
        None,
        "get_message of an id never stored must give None"
    );
    commit(tx).await;
}

/// One worker's delivery: claim one due message, take some time, record it sent, commit.
/// Gives the id of the message it delivered.
async fn deliver_one(
    db: Arc<dyn Database>,
    start: Arc<Barrier>,
    now: time::OffsetDateTime,
) -> MessageId {
    start.wait().await;
    let mut failures = Vec::new();
    for attempt in 0..ATTEMPTS {
        let mut tx = match db.begin(TxMode::Write).await {
            Ok(tx) => tx,
            Err(e) if e.is_retryable() => {
                back_off(attempt).await;
                continue;
            }
            Err(e) => panic!("Database::begin(Write) failed: {e:?}"),
        };
        match claim_and_send(tx.as_mut(), now).await {
            Ok(id) => match tx.commit().await {
                Ok(()) => return id,
                Err(e) if e.is_retryable() => failures.push(format!("commit: {e:?}")),
                Err(e) => panic!("committing a delivery must succeed: {e:?}"),
            },
            Err(e) if e.is_retryable() => {
                failures.push(format!("{e:?}"));
                drop(tx);
            }
            Err(e) => panic!(
                "claiming a due message and recording it sent, while other workers do the same, must succeed (or fail with StoreError::Retryable): {e:?}"
            ),
        }
        back_off(attempt).await;
    }
    panic!("a delivery was refused as retryable {ATTEMPTS} times in a row: {failures:?}")
}

async fn claim_and_send(
    tx: &mut dyn Transaction,
    now: time::OffsetDateTime,
) -> Result<MessageId, StoreError> {
    let claimed = tx.claim_due(now, 1).await?;
    assert_eq!(
        claimed.len(),
        1,
        "claim_due(now, 1) must give one message while more messages are due than workers claim them (another worker's claim must be skipped, not waited for nor given twice): {claimed:?}"
    );
    // Hold the claim while the other workers claim theirs.
    tokio::time::sleep(Duration::from_millis(20)).await;
    tx.record_attempt(claimed[0].id, &DeliveryOutcome::Sent)
        .await?;
    Ok(claimed[0].id)
}

/// Workers claiming at the same time, each in its own write transaction, never get the
/// same message: each delivers a different one, and the messages no worker took stay
/// pending, untouched.
pub async fn claimed_messages_are_never_claimed_twice(db: Arc<dyn Database>) {
    const WORKERS: usize = 4;
    const MESSAGES: usize = 7;
    let mut ids = Ids::new();
    let now = at(100);
    let messages: Vec<OutboxMessage> = (0..MESSAGES)
        .map(|n| {
            outbox_message(
                ids.message(),
                "order_confirmation",
                at_micros(i64::try_from(n).expect("small")),
            )
        })
        .collect();
    enqueue(&db, &messages.iter().collect::<Vec<_>>()).await;

    let start = Arc::new(Barrier::new(WORKERS));
    let delivered = within_time_limit("workers claiming due messages side by side", async {
        let tasks: Vec<_> = (0..WORKERS)
            .map(|_| tokio::spawn(deliver_one(db.clone(), start.clone(), now)))
            .collect();
        let mut delivered = Vec::new();
        for task in tasks {
            delivered.push(task.await.expect("a delivering worker panicked"));
        }
        delivered
    })
    .await;

    let mut distinct = delivered.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(
        distinct.len(),
        WORKERS,
        "claim_due must never give a message another transaction has claimed and not released: two workers delivered the same message ({delivered:?})"
    );
    let mut tx = read(&db).await;
    for m in &messages {
        let expected = if delivered.contains(&m.id) {
            OutboxMessage {
                status: MessageStatus::Sent,
                attempts: 1,
                ..m.clone()
            }
        } else {
            m.clone()
        };
        assert_eq!(
            tx.get_message(m.id).await.expect("get_message").as_ref(),
            Some(&expected),
            "each message delivered once must be sent after one attempt, and the others left pending as they were"
        );
    }
    commit(tx).await;
    assert_eq!(
        claimed(&db, now, 10).await.len(),
        MESSAGES - WORKERS,
        "the messages no worker delivered must still be due"
    );
}

async fn record(db: &Arc<dyn Database>, id: MessageId, outcome: DeliveryOutcome) {
    let mut tx = write(db).await;
    tx.record_attempt(id, &outcome)
        .await
        .expect("record_attempt of a stored message must succeed");
    commit(tx).await;
}

async fn retry(db: &Arc<dyn Database>, id: MessageId, now: time::OffsetDateTime) -> bool {
    let mut tx = write(db).await;
    let retried = tx.retry_message(id, now).await.expect("retry_message");
    commit(tx).await;
    retried
}

/// An attempt counts one more and sets the status, the next attempt time and the last
/// error as its outcome says; a failed message, and only a failed one, is put back in the
/// queue, due at once, its count reset.
pub async fn delivery_attempts_are_recorded(db: Arc<dyn Database>) {
    let mut ids = Ids::new();
    let retried = outbox_message(ids.message(), "order_confirmation", at(0));
    let given_up = OutboxMessage {
        attempts: 4,
        ..outbox_message(ids.message(), "order_validated_internal", at(1))
    };
    let untouched = outbox_message(ids.message(), "invoice", at(2));
    enqueue(&db, &[&retried, &given_up, &untouched]).await;

    // Tried and failed: still pending, due again at the time given.
    let first_error = "SMTP 421 : service « indisponible », réessayer".to_owned();
    record(
        &db,
        retried.id,
        DeliveryOutcome::RetryAt {
            error: first_error.clone(),
            retry_at: at_micros(600_000_001),
        },
    )
    .await;
    let after_first = OutboxMessage {
        attempts: 1,
        next_attempt_at: at_micros(600_000_001),
        last_error: Some(first_error),
        ..retried.clone()
    };
    assert_eq!(
        get_message(&db, retried.id).await,
        Some(after_first.clone()),
        "record_attempt(RetryAt) must count one more attempt, keep the message pending, due at retry_at (to the microsecond), with the error as its last error"
    );
    assert_eq!(
        ids_of(&claimed(&db, at(600), 10).await),
        vec![given_up.id, untouched.id],
        "a message to retry must not be claimed before its retry time"
    );
    assert_eq!(
        ids_of(&claimed(&db, at_micros(600_000_001), 10).await),
        vec![retried.id, given_up.id, untouched.id],
        "a message to retry must be claimed again from its retry time"
    );
    let second_error = "connexion refusée".to_owned();
    record(
        &db,
        retried.id,
        DeliveryOutcome::RetryAt {
            error: second_error.clone(),
            retry_at: at(1200),
        },
    )
    .await;
    assert_eq!(
        get_message(&db, retried.id).await,
        Some(OutboxMessage {
            attempts: 2,
            next_attempt_at: at(1200),
            last_error: Some(second_error),
            ..retried.clone()
        }),
        "record_attempt(RetryAt) must add one to the attempts made so far, and replace the retry time and the last error"
    );

    // Delivered at last.
    record(&db, retried.id, DeliveryOutcome::Sent).await;
    let sent = OutboxMessage {
        status: MessageStatus::Sent,
        attempts: 3,
        next_attempt_at: at(1200),
        last_error: None,
        ..retried.clone()
    };
    assert_eq!(
        get_message(&db, retried.id).await,
        Some(sent.clone()),
        "record_attempt(Sent) must count one more attempt and make the message sent, its next attempt time as it was, and no last error (the last attempt did not fail)"
    );

    // Given up.
    let final_error = "SMTP 550 : boîte inconnue".to_owned();
    record(
        &db,
        given_up.id,
        DeliveryOutcome::GiveUp {
            error: final_error.clone(),
        },
    )
    .await;
    let failed = OutboxMessage {
        status: MessageStatus::Failed,
        attempts: 5,
        last_error: Some(final_error),
        ..given_up.clone()
    };
    assert_eq!(
        get_message(&db, given_up.id).await,
        Some(failed.clone()),
        "record_attempt(GiveUp) must count one more attempt and make the message failed, with the error as its last error and its next attempt time as it was"
    );
    assert_eq!(
        ids_of(&claimed(&db, day(365), 10).await),
        vec![untouched.id],
        "claim_due must give neither sent nor failed messages, however late"
    );

    // A message that does not exist; an attempt rolled back.
    let mut tx = write(&db).await;
    assert_not_found(
        tx.record_attempt(ids.message(), &DeliveryOutcome::Sent)
            .await,
        "record_attempt of a message never stored",
    );
    tx.record_attempt(
        untouched.id,
        &DeliveryOutcome::GiveUp {
            error: "rolled back".to_owned(),
        },
    )
    .await
    .expect("record_attempt");
    rollback(tx).await;
    assert_eq!(
        get_message(&db, untouched.id).await,
        Some(untouched.clone()),
        "an attempt recorded in a transaction rolled back must change nothing"
    );

    // Back in the queue: only a failed message.
    assert!(
        retry(&db, given_up.id, at_micros(2_000_000_002)).await,
        "retry_message of a failed message must give true"
    );
    let requeued = OutboxMessage {
        status: MessageStatus::Pending,
        attempts: 0,
        next_attempt_at: at_micros(2_000_000_002),
        ..failed.clone()
    };
    assert_eq!(
        get_message(&db, given_up.id).await,
        Some(requeued.clone()),
        "retry_message must make a failed message pending, due at the time given (to the microsecond), its attempts reset to 0, and change nothing else (its last error stays until the next attempt)"
    );
    assert_eq!(
        ids_of(&claimed(&db, at_micros(2_000_000_002), 10).await),
        vec![given_up.id, untouched.id],
        "a failed message put back in the queue must be claimed from the time given"
    );
    assert!(
        !retry(&db, given_up.id, at(3000)).await,
        "retry_message of a message already put back (pending) must give false"
    );
    assert!(
        !retry(&db, untouched.id, at(3000)).await,
        "retry_message of a pending message must give false"
    );
    assert!(
        !retry(&db, retried.id, at(3000)).await,
        "retry_message of a sent message must give false"
    );
    assert!(
        !retry(&db, ids.message(), at(3000)).await,
        "retry_message of a message never stored must give false"
    );
    for (m, expected) in [
        (given_up.id, requeued),
        (untouched.id, untouched.clone()),
        (retried.id, sent),
    ] {
        assert_eq!(
            get_message(&db, m).await,
            Some(expected),
            "retry_message giving false must change nothing"
        );
    }
}

/// `lease` keeps pending messages from being claimed until the lease ends, without
/// counting an attempt; it leaves sent and failed messages alone.
pub async fn leased_messages_wait_for_the_lease(db: Arc<dyn Database>) {
    let mut ids = Ids::new();
    let now = at(100);
    let leased = outbox_message(ids.message(), "order_confirmation", at(1));
    let free = outbox_message(ids.message(), "order_confirmation", at(2));
    let sent = outbox_message(ids.message(), "order_confirmation", at(3));
    enqueue(&db, &[&leased, &free, &sent]).await;
    let mut tx = write(&db).await;
    tx.record_attempt(sent.id, &DeliveryOutcome::Sent)
        .await
        .expect("record_attempt");
    tx.lease(&[leased.id, sent.id], at(160))
        .await
        .expect("lease of pending messages must succeed");
    commit(tx).await;

    assert_eq!(
        ids_of(&claimed(&db, now, 10).await),
        vec![free.id],
        "claim_due must leave out a leased message until its lease ends"
    );
    assert_eq!(
        ids_of(&claimed(&db, at(160), 10).await),
        vec![leased.id, free.id],
        "a leased message must be due again when its lease ends"
    );
    assert_eq!(
        get_message(&db, leased.id).await,
        Some(OutboxMessage {
            next_attempt_at: at(160),
            ..leased.clone()
        }),
        "lease must move the next attempt time only: no attempt counted, still pending"
    );
    let after = get_message(&db, sent.id).await.expect("the sent message");
    assert_eq!(
        (after.status, after.next_attempt_at),
        (MessageStatus::Sent, sent.next_attempt_at),
        "lease must leave a message that is not pending as it was"
    );
}
