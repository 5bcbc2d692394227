//! The outbox as staff see it: messages waiting or failed, and a failed one sent again.

use domain::ids::MessageId;
use ports::{IdSource, MessageStatus, OutboxMessage, TxMode};
use time::OffsetDateTime;

use crate::scope::require_admin;
use crate::{App, AppError, Caller};

impl App {
    /// Messages in a state, oldest first, at most `limit` (1 to 500).
    ///
    /// # Errors
    /// [`AppError::Forbidden`] unless staff.
    pub async fn outbox_messages(
        &self,
        caller: &Caller,
        status: MessageStatus,
        limit: u32,
    ) -> Result<Vec<OutboxMessage>, AppError> {
        require_admin(caller, "see the outbox")?;
        let limit = limit.clamp(1, 500);
        transaction!(self, TxMode::Read, |tx| {
            Ok(tx.messages(status, limit).await?)
        })
    }

    /// One message.
    ///
    /// # Errors
    /// [`AppError::NotFound`]; [`AppError::Forbidden`] unless staff.
    pub async fn outbox_message(
        &self,
        caller: &Caller,
        id: MessageId,
    ) -> Result<OutboxMessage, AppError> {
        require_admin(caller, "see the outbox")?;
        transaction!(self, TxMode::Read, |tx| {
            tx.get_message(id)
                .await?
                .ok_or_else(|| AppError::not_found("message", id))
        })
    }

    /// Puts a failed message back in the queue, due now, its attempts count reset.
    ///
    /// # Errors
    /// [`AppError::NotFound`]; [`AppError::Conflict`] (`not_failed`) when the message is
    /// not failed; [`AppError::Forbidden`] unless staff.
    pub async fn retry_outbox_message(
        &self,
        caller: &Caller,
        id: MessageId,
    ) -> Result<OutboxMessage, AppError> {
        require_admin(caller, "retry messages")?;
        let now = self.now();
        transaction!(self, TxMode::Write, |tx| {
            let message = tx
                .get_message(id)
                .await?
                .ok_or_else(|| AppError::not_found("message", id))?;
            if !tx.retry_message(id, now).await? {
                return Err(AppError::Conflict {
                    code: "not_failed",
                    message: format!(
                        "message {id} is {}: only a failed message is retried",
                        message.status.as_str()
                    ),
                });
            }
            tx.get_message(id)
                .await?
                .ok_or_else(|| AppError::not_found("message", id))
        })
    }
}

/// A new message, pending and due at once, written by the change that causes it.
pub(crate) fn new_message(
    ids: &dyn IdSource,
    topic: &str,
    recipient: Option<String>,
    payload: serde_json::Value,
    now: OffsetDateTime,
) -> OutboxMessage {
    OutboxMessage {
        id: MessageId::from_u128(ids.next_id()),
        topic: topic.to_owned(),
        recipient,
        payload,
        status: MessageStatus::Pending,
        attempts: 0,
        created_at: now,
        next_attempt_at: now,
        last_error: None,
    }
}
