//! Messages waiting to be delivered.

use async_trait::async_trait;
use domain::ids::MessageId;
use ports::{MessageStatus, OutboxMessage, OutboxStore, StoreError};
use sqlx::postgres::PgRow;
use sqlx::types::Json;

use crate::codec::{name, uuid, Cols};
use crate::db::PostgresTransaction;

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

    async fn messages(
        &mut self,
        status: MessageStatus,
        limit: u32,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let r = sqlx::query(
            "SELECT id, topic, recipient, payload, status, attempts, created_at, \
                    next_attempt_at, last_error \
             FROM outbox WHERE status = $1 ORDER BY created_at, id LIMIT $2",
        )
        .bind(status.as_str())
        .bind(i64::from(limit))
        .fetch_all(self.conn())
        .await;
        self.done(r)?.iter().map(message).collect()
    }
}
