//! The [`Mailer`] port's adapters.
//!
//! - [`SmtpMailer`] sends through an SMTP server (lettre, over tokio; TLS by the system's
//!   OpenSSL through native-tls).
//! - [`FolderMailer`] writes each email as an RFC 5322 `.eml` file into a folder, for a
//!   deployment with no SMTP server configured (and for looking at what would be sent).
//!
//! Both write the same MIME message (see [`mime_message`]). [`mailer_from`] picks one from
//! the configuration.
//!
//! With the `testing` feature, [`testing`] starts a real SMTP server (Python's aiosmtpd) for
//! the tests of this crate and of the crates that send mail.

mod folder;
mod message;
mod smtp;
#[cfg(feature = "testing")]
pub mod testing;

use std::path::PathBuf;
use std::sync::Arc;

pub use folder::FolderMailer;
pub use message::mime_message;
pub use ports::{Attachment, Email, MailError, Mailer};
pub use smtp::{
    classify_reply_code, ParseTlsModeError, ReplyClass, SmtpConfigError, SmtpMailer, SmtpSettings,
    TlsMode,
};

/// The mailer for a configuration: SMTP when `settings` is given, otherwise a
/// [`FolderMailer`] writing `.eml` files into `folder` (created on the first send if
/// missing).
///
/// # Errors
/// [`SmtpConfigError`] when the SMTP settings cannot be used (an empty host, or the TLS
/// library refusing to set up a connector).
pub fn mailer_from(
    settings: Option<SmtpSettings>,
    folder: PathBuf,
) -> Result<Arc<dyn Mailer>, SmtpConfigError> {
    Ok(match settings {
        Some(settings) => Arc::new(SmtpMailer::new(&settings)?),
        None => Arc::new(FolderMailer::new(folder)),
    })
}
