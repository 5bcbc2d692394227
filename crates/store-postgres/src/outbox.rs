//! Messages waiting to be delivered, and their delivery.

use async_trait::async_trait;
use domain::ids::MessageId;
use ports::{
    DeliveryOutcome, MessageStatus, OutboxDelivery, OutboxMessage, OutboxStore, StoreError,
};
use sqlx::postgres::PgRow;
use sqlx::types::Json;
use time::OffsetDateTime;

use crate::codec::{name, uuid, Cols};
use crate::db::PostgresTransaction;

macro_rules! select_message {
    ($rest:literal) => {
        concat!(
            "SELECT id, topic, recipient, payload, status, attempts, created_at, \
                    next_attempt_at, last_error \
             FROM outbox ",
            $rest
        )
    };
}

fn message(row: &PgRow) -> Result<OutboxMessage, StoreError> {
    let c = Cols::new(row, "outbox");
    Ok(OutboxMessage {
        id: MessageId::from_u128(c.id("id")?),
        topic: c.get("topic")?,
        recipient: c.get("recipient")?,
        payload: c.get::<Json<serde_json::Value>>("payload")?.0,
        status: c.parse("status", name(MessageStatus::parse, "a message status"))?,
        attempts: c.map("attempts", |v: i64| u32::try_from(v))?,
        created_at: c.get("created_at")?,
        next_attempt_at: c.get("next_attempt_at")?,
        last_error: c.get("last_error")?,
    })
}

#[async_trait]
impl OutboxStore for PostgresTransaction {
    async fn enqueue(&mut self, message: &OutboxMessage) -> Result<(), StoreError> {
        let r = sqlx::query(
            "INSERT INTO outbox (id, topic, recipient, payload, status, attempts, created_at, \
                                 next_attempt_at, last_error) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING",
        )
        .bind(uuid(message.id.as_u128()))
        .bind(&message.topic)
        .bind(&message.recipient)
        .bind(Json(&message.payload))
        .bind(message.status.as_str())
        .bind(i64::from(message.attempts))
        .bind(message.created_at)
        .bind(message.next_attempt_at)
        .bind(&message.last_error)
        .execute(self.conn())
        .await;
        if self.done(r)?.rows_affected() == 1 {
            Ok(())
        } else {
            Err(StoreError::Duplicate {
                entity: "message",
                key: message.id.to_string(),
            })
        }
    }

    async fn enqueue_all(&mut self, messages: &[OutboxMessage]) -> Result<(), StoreError> {
        if messages.len() < 2 {
            for message in messages {
                self.enqueue(message).await?;
            }
            return Ok(());
        }
        // One statement: one round trip to the server for all of them.
        let mut insert = sqlx::QueryBuilder::new(
            "INSERT INTO outbox (id, topic, recipient, payload, status, attempts, created_at, \
                                 next_attempt_at, last_error) ",
        );
        insert.push_values(messages, |mut row, m| {
            row.push_bind(uuid(m.id.as_u128()))
                .push_bind(m.topic.clone())
                .push_bind(m.recipient.clone())
                .push_bind(Json(m.payload.clone()))
                .push_bind(m.status.as_str())
                .push_bind(i64::from(m.attempts))
                .push_bind(m.created_at)
                .push_bind(m.next_attempt_at)
                .push_bind(m.last_error.clone());
        });
        insert.push(" ON CONFLICT DO NOTHING");
        let r = insert.build().execute(self.conn()).await;
        if self.done(r)?.rows_affected() == messages.len() as u64 {
            Ok(())
        } else {
            Err(StoreError::duplicate_messages(messages))
        }
    }

    async fn messages(
        &mut self,
        status: MessageStatus,
        limit: u32,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let r = sqlx::query(select_message!(
            "WHERE status = $1 ORDER BY created_at, id LIMIT $2"
        ))
        .bind(status.as_str())
        .bind(i64::from(limit))
        .fetch_all(self.conn())
        .await;
        self.done(r)?.iter().map(message).collect()
    }
}

#[async_trait]
impl OutboxDelivery for PostgresTransaction {
    async fn claim_due(
        &mut self,
        now: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        // The rows stay locked until the transaction ends; another worker's claim skips
        // them rather than waiting, and takes the next due ones. A message another worker
        // recorded and committed meanwhile is re-checked (READ COMMITTED) and left out
        // when it is no longer pending.
        let r = sqlx::query(select_message!(
            "WHERE status = 'pending' AND next_attempt_at <= $1 \
             ORDER BY created_at, id LIMIT $2 FOR UPDATE SKIP LOCKED"
        ))
        .bind(now)
        .bind(i64::from(limit))
        .fetch_all(self.conn())
        .await;
        self.done(r)?.iter().map(message).collect()
    }

    async fn get_message(&mut self, id: MessageId) -> Result<Option<OutboxMessage>, StoreError> {
        let r = sqlx::query(select_message!("WHERE id = $1"))
            .bind(uuid(id.as_u128()))
            .fetch_optional(self.conn())
            .await;
        self.done(r)?.as_ref().map(message).transpose()
    }

    async fn record_attempt(
        &mut self,
        id: MessageId,
        outcome: &DeliveryOutcome,
    ) -> Result<(), StoreError> {
        // Sent: the last attempt did not fail, so there is no last error any more; the
        // next attempt time stays as it was (there is none). Retry: still pending, due
        // again at the time given. Given up: failed, kept for staff with its error.
        let (status, retry_at, error) = match outcome {
            DeliveryOutcome::Sent => (MessageStatus::Sent, None, None),
            DeliveryOutcome::RetryAt { error, retry_at } => (
                MessageStatus::Pending,
                Some(*retry_at),
                Some(error.as_str()),
            ),
            DeliveryOutcome::GiveUp { error } => {
                (MessageStatus::Failed, None, Some(error.as_str()))
            }
        };
        let r = sqlx::query(
            "UPDATE outbox SET attempts = attempts + 1, status = $2, \
                    next_attempt_at = COALESCE($3, next_attempt_at), last_error = $4 \
             WHERE id = $1",
        )
        .bind(uuid(id.as_u128()))
        .bind(status.as_str())
        .bind(retry_at)
        .bind(error)
        .execute(self.conn())
        .await;
        if self.done(r)?.rows_affected() == 0 {
            return Err(StoreError::NotFound {
                entity: "message",
                key: id.to_string(),
            });
        }
        Ok(())
    }

    async fn lease(&mut self, ids: &[MessageId], until: OffsetDateTime) -> Result<(), StoreError> {
        let ids: Vec<_> = ids.iter().map(|id| uuid(id.as_u128())).collect();
        let r = sqlx::query(
            "UPDATE outbox SET next_attempt_at = $2 WHERE id = ANY($1) AND status = 'pending'",
        )
        .bind(ids)
        .bind(until)
        .execute(self.conn())
        .await;
        self.done(r)?;
        Ok(())
    }

    async fn retry_message(
        &mut self,
        id: MessageId,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        // The last error stays, for staff to see why it had failed, until the next attempt.
        // Two staff retrying at once: the second waits for the first's row lock, then finds
        // the message pending (READ COMMITTED re-checks the WHERE) and gives false.
        let r = sqlx::query(
            "UPDATE outbox SET status = 'pending', next_attempt_at = $2, attempts = 0 \
             WHERE id = $1 AND status = 'failed'",
        )
        .bind(uuid(id.as_u128()))
        .bind(now)
        .execute(self.conn())
        .await;
        Ok(self.done(r)?.rows_affected() == 1)
    }
}
