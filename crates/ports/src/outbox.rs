use async_trait::async_trait;
use domain::ids::MessageId;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::StoreError;

/// Where a message is in its delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageStatus {
    /// Waiting to be sent (again).
    Pending,
    /// Delivered.
    Sent,
    /// Given up after too many attempts; kept for staff to see and retry.
    Failed,
}

impl MessageStatus {
    /// The status's name, as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageStatus::Pending => "pending",
            MessageStatus::Sent => "sent",
            MessageStatus::Failed => "failed",
        }
    }

    /// Reads a status from its name.
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Pending, Self::Sent, Self::Failed]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

/// A message to deliver, written in the same transaction as the change that causes it, so
/// that no change goes without its message and no message without its change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxMessage {
    /// Its id, also the base of its stable Message-ID.
    pub id: MessageId,
    /// What kind of message ("order_confirmation", "order_validated_internal", ...).
    pub topic: String,
    /// Whom it is for (an email address), when known.
    pub recipient: Option<String>,
    /// What it says, for the renderer.
    pub payload: serde_json::Value,
    /// Where it is in its delivery.
    pub status: MessageStatus,
    /// How many deliveries were tried.
    pub attempts: u32,
    /// When it was written.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Not to be tried before this time.
    #[serde(with = "time::serde::rfc3339")]
    pub next_attempt_at: OffsetDateTime,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
}

/// Messages waiting to be delivered.
#[async_trait]
pub trait OutboxStore: Send {
    /// Writes a new message.
    ///
    /// # Errors
    /// [`StoreError::Duplicate`] when a message with this id exists.
    async fn enqueue(&mut self, message: &OutboxMessage) -> Result<(), StoreError>;

    /// Writes several new messages, as [`OutboxStore::enqueue`] of each, in one go where
    /// the database allows (what a use case writes is kept only if its transaction commits,
    /// which it does not after an error).
    ///
    /// # Errors
    /// [`StoreError::Duplicate`] when one of them has the id of a stored message.
    async fn enqueue_all(&mut self, messages: &[OutboxMessage]) -> Result<(), StoreError> {
        for message in messages {
            self.enqueue(message).await?;
        }
        Ok(())
    }

    /// Messages in a state, oldest first, at most `limit`.
    async fn messages(
        &mut self,
        status: MessageStatus,
        limit: u32,
    ) -> Result<Vec<OutboxMessage>, StoreError>;
}

/// The outcome of one delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryOutcome {
    /// Delivered: the message is sent and never tried again.
    Sent,
    /// Not delivered; tried again from `retry_at`.
    RetryAt {
        /// Why it failed.
        error: String,
        /// Not before this time.
        retry_at: OffsetDateTime,
    },
    /// Not delivered, and given up: the message is failed, kept for staff to see and retry.
    GiveUp {
        /// Why it failed.
        error: String,
    },
}

/// Delivering the outbox's messages: what the delivery worker and staff need.
#[async_trait]
pub trait OutboxDelivery: Send {
    /// Pending messages due at `now` (`next_attempt_at <= now`), oldest first, at most
    /// `limit`, locked until the end of the transaction so that two workers never take the
    /// same message (a worker skips messages another holds).
    async fn claim_due(
        &mut self,
        now: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<OutboxMessage>, StoreError>;

    /// Keeps pending messages (claimed by this transaction) from being claimed again
    /// before `until`, by moving their next attempt time there; their attempts count and
    /// status are unchanged, and messages that are not pending are left alone. A worker
    /// leases what it claimed and commits, so that it can deliver them outside any
    /// transaction: another worker does not take them meanwhile, and if this one dies
    /// before recording its attempts, they come due again when the lease ends (delivery is
    /// at least once).
    async fn lease(&mut self, ids: &[MessageId], until: OffsetDateTime) -> Result<(), StoreError>;

    /// The message with this id.
    async fn get_message(&mut self, id: MessageId) -> Result<Option<OutboxMessage>, StoreError>;

    /// Records an attempt: the attempts count goes up by one, and the status, next attempt
    /// time and last error follow the outcome: `Sent` clears the last error; `RetryAt`
    /// keeps the message pending, due at `retry_at`; `GiveUp` makes it failed. `Sent` and
    /// `GiveUp` leave the next attempt time as it was.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when there is no such message.
    async fn record_attempt(
        &mut self,
        id: MessageId,
        outcome: &DeliveryOutcome,
    ) -> Result<(), StoreError>;

    /// Puts a failed message back in the queue, due at `now`, its attempts count reset
    /// (its last error kept, for the record); `false` when there is no such message or it
    /// is not failed.
    async fn retry_message(
        &mut self,
        id: MessageId,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError>;
}
