//! Messages waiting to be delivered ([`OutboxStore`]).

use async_trait::async_trait;
use domain::ids::MessageId;
use ports::{MessageStatus, OutboxMessage, OutboxStore, StoreError};
use sqlx::sqlite::SqliteRow;

use crate::codec::{micros, Columns};
use crate::error::{duplicate, translate};
use crate::tx::SqliteTx;

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
        .execute(self.conn())
        .await
        .map_err(duplicate("message", message.id.to_string()))?;
        Ok(())
    }

    async fn messages(
        &mut self,
        status: MessageStatus,
        limit: u32,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, topic, recipient, payload, status, attempts, created_at, \
             next_attempt_at, last_error FROM outbox WHERE status = ? \
             ORDER BY created_at, id LIMIT ?",
        )
        .bind(status.as_str())
        .bind(i64::from(limit))
        .fetch_all(self.conn())
        .await
        .map_err(translate)?;
        rows.iter().map(message).collect()
    }
}
