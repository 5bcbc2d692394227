//! Messages waiting to be delivered ([`OutboxStore`]) and their delivery
//! ([`OutboxDelivery`]).

use async_trait::async_trait;
use domain::ids::MessageId;
use ports::{
    DeliveryOutcome, MessageStatus, OutboxDelivery, OutboxMessage, OutboxStore, StoreError,
};
use sqlx::sqlite::SqliteRow;
use time::OffsetDateTime;

use crate::codec::{micros, Columns};
use crate::error::{duplicate, refused_as_duplicate, translate};
use crate::tx::SqliteTx;

const MESSAGE_COLUMNS: &str = "id, topic, recipient, payload, status, attempts, created_at, \
     next_attempt_at, last_error";

fn message(row: &SqliteRow) -> Result<OutboxMessage, StoreError> {
    let c = Columns::new(row, "outbox");
    Ok(OutboxMessage {
        id: c.parse("id", MessageId::parse)?,
        topic: c.text("topic")?.to_owned(),
        recipient: c.opt_text("recipient")?.map(str::to_owned),
        payload: c.parse("payload", |t| serde_json::from_str(t))?,
        status: c.name("status", MessageStatus::parse)?,
        attempts: c.int_as("attempts")?,
        created_at: c.instant("created_at")?,
        next_attempt_at: c.instant("next_attempt_at")?,
        last_error: c.opt_text("last_error")?.map(str::to_owned),
    })
}

/// The payloads of messages, as the JSON text they are stored as.
pub(crate) fn payloads(messages: &[OutboxMessage]) -> Result<Vec<String>, StoreError> {
    messages
        .iter()
        .map(|m| serde_json::to_string(&m.payload).map_err(|e| StoreError::Other(Box::new(e))))
        .collect()
}

/// Appends to `sql` one INSERT of all the messages (at least one), with their payloads
/// from [`payloads`].
pub(crate) fn push_messages<'a>(
    sql: &mut sqlx::QueryBuilder<'a, sqlx::Sqlite>,
    messages: &'a [OutboxMessage],
    payloads: &'a [String],
) {
    sql.push(
        "INSERT INTO outbox (id, topic, recipient, payload, status, attempts, created_at, \
         next_attempt_at, last_error) ",
    );
    sql.push_values(messages.iter().zip(payloads), |mut row, (m, payload)| {
        row.push_bind(m.id.to_string())
            .push_bind(m.topic.as_str())
            .push_bind(m.recipient.as_deref())
            .push_bind(payload.as_str())
            .push_bind(m.status.as_str())
            .push_bind(m.attempts)
            .push_bind(micros(m.created_at))
            .push_bind(micros(m.next_attempt_at))
            .push_bind(m.last_error.as_deref());
    });
}

#[async_trait]
impl OutboxStore for SqliteTx {
    async fn enqueue(&mut self, message: &OutboxMessage) -> Result<(), StoreError> {
        let payload =
            serde_json::to_string(&message.payload).map_err(|e| StoreError::Other(Box::new(e)))?;
        sqlx::query(
            "INSERT INTO outbox (id, topic, recipient, payload, status, attempts, created_at, \
             next_attempt_at, last_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(message.id.to_string())
        .bind(&message.topic)
        .bind(message.recipient.as_deref())
        .bind(payload)
        .bind(message.status.as_str())
        .bind(message.attempts)
        .bind(micros(message.created_at))
        .bind(micros(message.next_attempt_at))
        .bind(message.last_error.as_deref())
        .execute(self.conn().await?)
        .await
        .map_err(duplicate("message", message.id.to_string()))?;
        Ok(())
    }

    async fn enqueue_all(&mut self, messages: &[OutboxMessage]) -> Result<(), StoreError> {
        match messages {
            [] => Ok(()),
            [one] => self.enqueue(one).await,
            _ => {
                // One statement, so one round trip to the connection's thread.
                let payloads = payloads(messages)?;
                let mut insert = sqlx::QueryBuilder::new("");
                push_messages(&mut insert, messages, &payloads);
                insert
                    .build()
                    .execute(self.conn().await?)
                    .await
                    .map_err(refused_as_duplicate(StoreError::duplicate_messages(
                        messages,
                    )))?;
                Ok(())
            }
        }
    }

    async fn messages(
        &mut self,
        status: MessageStatus,
        limit: u32,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS} FROM outbox WHERE status = ? ORDER BY created_at, id LIMIT ?"
        );
        let rows = sqlx::query(&sql)
            .bind(status.as_str())
            .bind(i64::from(limit))
            .fetch_all(self.conn().await?)
            .await
            .map_err(translate)?;
        rows.iter().map(message).collect()
    }
}

/// Delivery runs in write transactions: the single writer makes each one exclusive, so a
/// message read by `claim_due` stays the transaction's own until it ends without any row
/// lock (SQLite has none), and a second worker, which starts only once the first one has
/// committed, sees what it recorded.
#[async_trait]
impl OutboxDelivery for SqliteTx {
    async fn claim_due(
        &mut self,
        now: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS} FROM outbox \
             WHERE status = 'pending' AND next_attempt_at <= ? \
             ORDER BY created_at, id LIMIT ?"
        );
        let rows = sqlx::query(&sql)
            .bind(micros(now))
            .bind(i64::from(limit))
            .fetch_all(self.conn().await?)
            .await
            .map_err(translate)?;
        rows.iter().map(message).collect()
    }

    async fn lease(&mut self, ids: &[MessageId], until: OffsetDateTime) -> Result<(), StoreError> {
        for id in ids {
            sqlx::query(
                "UPDATE outbox SET next_attempt_at = ? WHERE id = ? AND status = 'pending'",
            )
            .bind(micros(until))
            .bind(id.to_string())
            .execute(self.conn().await?)
            .await
            .map_err(translate)?;
        }
        Ok(())
    }

    async fn get_message(&mut self, id: MessageId) -> Result<Option<OutboxMessage>, StoreError> {
        let sql = format!("SELECT {MESSAGE_COLUMNS} FROM outbox WHERE id = ?");
        let row = sqlx::query(&sql)
            .bind(id.to_string())
            .fetch_optional(self.conn().await?)
            .await
            .map_err(translate)?;
        row.as_ref().map(message).transpose()
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
        let done = sqlx::query(
            "UPDATE outbox SET attempts = attempts + 1, status = ?, \
             next_attempt_at = COALESCE(?, next_attempt_at), last_error = ? WHERE id = ?",
        )
        .bind(status.as_str())
        .bind(retry_at.map(micros))
        .bind(error)
        .bind(id.to_string())
        .execute(self.conn().await?)
        .await
        .map_err(translate)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound {
                entity: "message",
                key: id.to_string(),
            });
        }
        Ok(())
    }

    async fn retry_message(
        &mut self,
        id: MessageId,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        // The last error stays, for staff to see why it had failed, until the next attempt.
        let done = sqlx::query(
            "UPDATE outbox SET status = 'pending', next_attempt_at = ?, attempts = 0 \
             WHERE id = ? AND status = 'failed'",
        )
        .bind(micros(now))
        .bind(id.to_string())
        .execute(self.conn().await?)
        .await
        .map_err(translate)?;
        Ok(done.rows_affected() == 1)
    }
}
