//! Sending through an SMTP server.

use std::error::Error as StdError;
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use ports::{Email, MailError, Mailer};
use thiserror::Error;

use crate::message::mime_message;

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsMode {
    /// Plain text (a relay on the same machine or network, or a test server).
    None,
    /// Plain text, then `STARTTLS` (usually port 587); the send fails if the server does
    /// not offer it.
    StartTls,
    /// TLS from the first byte, "SMTPS" (usually port 465).
    Tls,
}

impl TlsMode {
    /// Reads `none`, `starttls` or `tls` (case-insensitive, spaces around ignored).
    ///
    /// # Errors
    /// [`ParseTlsModeError`] for anything else.
    pub fn parse(text: &str) -> Result<Self, ParseTlsModeError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "none" => Ok(Self::None),
            "starttls" => Ok(Self::StartTls),
            "tls" => Ok(Self::Tls),
            _ => Err(ParseTlsModeError(text.to_owned())),
        }
    }

    /// The word [`TlsMode::parse`] reads.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::StartTls => "starttls",
            Self::Tls => "tls",
        }
    }
}

impl FromStr for TlsMode {
    type Err = ParseTlsModeError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl fmt::Display for TlsMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A TLS mode that is not `none`, `starttls` or `tls`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown SMTP TLS mode {0:?}: expected none, starttls or tls")]
pub struct ParseTlsModeError(pub String);

/// Where and how to reach the SMTP server.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpSettings {
    /// The server's host name (also the name its TLS certificate must bear).
    pub host: String,
    /// Its port: usually 587 with [`TlsMode::StartTls`], 465 with [`TlsMode::Tls`], 25
    /// without TLS.
    pub port: u16,
    /// How the connection is protected.
    pub tls: TlsMode,
    /// The user name to log in with, if the server wants one.
    pub username: Option<String>,
    /// The password to log in with (used only with a user name).
    pub password: Option<String>,
    /// How long connecting may take; a whole send may take four times as long, plus one
    /// second per 64 KiB of content.
    pub timeout: Duration,
}

impl SmtpSettings {
    /// The timeout [`SmtpSettings::new`] gives.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

    /// Settings with no login and the default timeout.
    #[must_use]
    pub fn new(host: impl Into<String>, port: u16, tls: TlsMode) -> Self {
        Self {
            host: host.into(),
            port,
            tls,
            username: None,
            password: None,
            timeout: Self::DEFAULT_TIMEOUT,
        }
    }
}

/// Shows everything but the password.
impl fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// SMTP settings that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SmtpConfigError {
    /// No host name.
    #[error("the SMTP host is empty")]
    EmptyHost,
    /// The TLS library could not be set up for this host.
    #[error("cannot set up TLS for the SMTP host {host:?}: {reason}")]
    Tls {
        /// The host.
        host: String,
        /// What the TLS library said.
        reason: String,
    },
}

/// Sends emails through an SMTP server.
///
/// Each send opens its own connection (no pool), so a server that was down and comes back
/// is used again at the next send, and a connection never outlives a send.
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    host: String,
    port: u16,
    tls: TlsMode,
    timeout: Duration,
}

impl fmt::Debug for SmtpMailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpMailer")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl SmtpMailer {
    /// A mailer for these settings. Nothing is connected yet: a wrong host or a server that
    /// is down shows at the first send.
    ///
    /// # Errors
    /// [`SmtpConfigError`] for an empty host, or when the TLS library cannot be set up.
    pub fn new(settings: &SmtpSettings) -> Result<Self, SmtpConfigError> {
        let host = settings.host.trim();
        if host.is_empty() {
            return Err(SmtpConfigError::EmptyHost);
        }
        let tls_parameters = || {
            TlsParameters::new(host.to_owned()).map_err(|error| SmtpConfigError::Tls {
                host: host.to_owned(),
                reason: error_chain(&error),
            })
        };
        let tls = match settings.tls {
            TlsMode::None => Tls::None,
            TlsMode::StartTls => Tls::Required(tls_parameters()?),
            TlsMode::Tls => Tls::Wrapper(tls_parameters()?),
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            .port(settings.port)
            .tls(tls)
            .timeout(Some(settings.timeout));
        if let Some(username) = &settings.username {
            let password = settings.password.clone().unwrap_or_default();
            builder = builder.credentials(Credentials::new(username.clone(), password));
        }
        Ok(Self {
            transport: builder.build(),
            host: host.to_owned(),
            port: settings.port,
            tls: settings.tls,
            timeout: settings.timeout,
        })
    }
}

#[async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, email: &Email) -> Result<(), MailError> {
        let message = mime_message(email)?;
        let limit = send_time_limit(self.timeout, email);
        let sent = tokio::time::timeout(limit, self.transport.send(message)).await;
        match sent {
            Err(_elapsed) => Err(MailError::Temporary(format!(
                "SMTP server {}:{}: no answer within {limit:?}",
                self.host, self.port
            ))),
            Ok(Ok(_)) => Ok(()),
            Ok(Err(error)) => {
                let non_ascii_addresses =
                    !email.from.is_ascii() || email.to.iter().any(|address| !address.is_ascii());
                Err(smtp_error(
                    &error,
                    &self.host,
                    self.port,
                    non_ascii_addresses,
                ))
            }
        }
    }
}

/// How long one whole send may take. lettre bounds only the TCP connection with the
/// timeout, not the server's answers, so a server that accepts connections and then says
/// nothing would hold a send forever: the whole conversation gets four timeouts (greeting,
/// greeting and TLS, envelope, data), plus one second per 64 KiB of content for the upload.
fn send_time_limit(timeout: Duration, email: &Email) -> Duration {
    let content: usize = email.text.len()
        + email
            .attachments
            .iter()
            .map(|attachment| attachment.content.len() * 4 / 3)
            .sum::<usize>();
    let upload_seconds = u64::try_from(content / (64 * 1024)).unwrap_or(u64::MAX);
    timeout
        .saturating_mul(4)
        .saturating_add(Duration::from_secs(upload_seconds))
}

/// Whether a failed send may work later.
///
/// Only a 5xx reply is permanent, and not every one: those about logging in (530, 534,
/// 535, 538) say the configuration is wrong, not the email, so they are temporary (the
/// email goes out once the configuration is fixed). So is an email with a non-ASCII
/// address that the client refused to send (the server does not offer SMTPUTF8).
/// Everything else (connection refused or lost, timeouts, TLS failures, 4xx replies,
/// unreadable replies, a server without the STARTTLS or login it was configured with) is
/// temporary.
fn smtp_error(
    error: &lettre::transport::smtp::Error,
    host: &str,
    port: u16,
    non_ascii_addresses: bool,
) -> MailError {
    let code = error
        .status()
        .and_then(|code| code.to_string().parse::<u16>().ok());
    let text = format!("SMTP server {host}:{port}: {}", error_chain(error));
    match code {
        Some(code) if classify_reply_code(code) == ReplyClass::Permanent => {
            MailError::Permanent(text)
        }
        None if error.is_client() && non_ascii_addresses => MailError::Permanent(text),
        _ => MailError::Temporary(text),
    }
}

/// What a failed send's SMTP reply code says of retrying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyClass {
    /// It may work later.
    Temporary,
    /// It will not work by retrying.
    Permanent,
}

/// Whether an SMTP reply code that failed a send is worth retrying: 5xx is
/// [`ReplyClass::Permanent`] except the login refusals (530, 534, 535, 538: our
/// configuration, not the email, is at fault); anything else is temporary.
#[must_use]
pub fn classify_reply_code(code: u16) -> ReplyClass {
    match code {
        530 | 534 | 535 | 538 => ReplyClass::Temporary,
        500..=599 => ReplyClass::Permanent,
        _ => ReplyClass::Temporary,
    }
}

/// The error and its sources, `: `-separated, without repeating a source that the
/// error's own text already shows.
fn error_chain(error: &dyn StdError) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_tls_modes() {
        assert_eq!(TlsMode::parse("none"), Ok(TlsMode::None));
        assert_eq!(TlsMode::parse(" STARTTLS "), Ok(TlsMode::StartTls));
        assert_eq!("tls".parse::<TlsMode>(), Ok(TlsMode::Tls));
        assert!(TlsMode::parse("ssl").is_err());
        for mode in [TlsMode::None, TlsMode::StartTls, TlsMode::Tls] {
            assert_eq!(TlsMode::parse(&mode.to_string()), Ok(mode));
        }
    }

    #[test]
    fn classifies_reply_codes() {
        for code in [550, 551, 552, 553, 554, 500, 501, 503, 521, 556] {
            assert_eq!(classify_reply_code(code), ReplyClass::Permanent, "{code}");
        }
        for code in [421, 450, 451, 452, 454, 530, 534, 535, 538] {
            assert_eq!(classify_reply_code(code), ReplyClass::Temporary, "{code}");
        }
    }

    #[test]
    fn a_send_may_take_four_timeouts_plus_the_upload() {
        let mut email = Email {
            message_id: "a@b".into(),
            from: "a@b.example".into(),
            from_name: None,
            to: vec!["c@d.example".into()],
            subject: String::new(),
            text: "x".into(),
            attachments: vec![],
        };
        let timeout = Duration::from_secs(30);
        assert_eq!(send_time_limit(timeout, &email), Duration::from_secs(120));
        email.attachments.push(ports::Attachment {
            filename: "big.pdf".into(),
            content_type: "application/pdf".into(),
            content: vec![0; 3 * 1024 * 1024],
        });
        assert_eq!(
            send_time_limit(timeout, &email),
            Duration::from_secs(120 + 64)
        );
    }

    #[test]
    fn the_debug_form_hides_the_password() {
        let mut settings = SmtpSettings::new("smtp.example.com", 587, TlsMode::StartTls);
        settings.username = Some("oms".into());
        settings.password = Some("hunter2".into());
        let shown = format!("{settings:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("redacted"), "{shown}");
    }

    #[test]
    fn refuses_an_empty_host_and_builds_every_tls_mode() {
        let settings = SmtpSettings::new(" ", 25, TlsMode::None);
        assert_eq!(
            SmtpMailer::new(&settings).err(),
            Some(SmtpConfigError::EmptyHost)
        );
        for tls in [TlsMode::None, TlsMode::StartTls, TlsMode::Tls] {
            let settings = SmtpSettings::new("smtp.example.com", 465, tls);
            assert!(SmtpMailer::new(&settings).is_ok(), "{tls}");
        }
    }
}
