use async_trait::async_trait;
use thiserror::Error;

/// A file attached to an email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// Its file name, as the recipient sees it (`FA-2026-000123.pdf`).
    pub filename: String,
    /// Its MIME type (`application/pdf`).
    pub content_type: String,
    /// Its content.
    pub content: Vec<u8>,
}

/// An email ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    /// Its Message-ID without the angle brackets (`<id>@<domain>` is written
    /// `id@domain`): stable for a given outbox message, so that a message delivered twice
    /// after a crash is recognised as one by the receiving side.
    pub message_id: String,
    /// The sender's address.
    pub from: String,
    /// The sender's display name, if any.
    pub from_name: Option<String>,
    /// The recipients' addresses, at least one.
    pub to: Vec<String>,
    /// The subject line.
    pub subject: String,
    /// The plain-text body.
    pub text: String,
    /// Files attached.
    pub attachments: Vec<Attachment>,
}

/// Why an email was not sent.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MailError {
    /// A fault that may pass (server down, timeout, temporary 4xx refusal): try again later.
    #[error("mail delivery failed for now: {0}")]
    Temporary(String),
    /// A fault that will not pass by retrying (5xx refusal, malformed address): give up,
    /// and show the message as failed.
    #[error("mail delivery refused: {0}")]
    Permanent(String),
}

/// Sends emails: SMTP in production, a folder of `.eml` files when no server is
/// configured, a mock in unit tests.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait Mailer: Send + Sync {
    /// Sends one email. Returns once the server (or the folder) holds it.
    ///
    /// # Errors
    /// [`MailError::Temporary`] when it may work later; [`MailError::Permanent`] when not.
    async fn send(&self, email: &Email) -> Result<(), MailError>;
}
