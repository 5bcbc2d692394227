//! The outbox worker: it issues the documents internal messages call for, and delivers
//! emails, with retries and backoff.
//!
//! One pass ([`App::deliver_outbox`]):
//! 1. In one write transaction, claim the due messages; handle the internal ones there
//!    (issue an invoice or credit note, queue its email, mark the message sent: all or
//!    nothing), and lease the emails, so that no other worker takes them meanwhile.
//! 2. Outside any transaction, write the emails (their PDFs rendered side by side on the
//!    blocking pool), then send them one by one.
//! 3. In one write transaction, record every attempt: sent; to retry after a backoff; or,
//!    after [`DeliveryPolicy::max_attempts`] or a permanent refusal, failed, where staff
//!    see it and can retry it (never dropped).
//!
//! Delivery is at least once: a worker that dies between sending and recording leaves
//! its messages leased, and they are sent again when the lease ends. Each email carries
//! a Message-ID made from its message's id, the same at every attempt.

mod emails;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use domain::billing::{DeliveryNote, Invoice, InvoiceKind, InvoiceNumber};
use ports::{DeliveryOutcome, Email, MailError, Mailer, OutboxMessage, TxMode};
use time::OffsetDateTime;

pub use emails::Unwritable;

use crate::billing::{
    handle_internal, is_delivered, is_internal, CREDIT_NOTE_ISSUED, INVOICE_ISSUED,
};
use crate::{App, AppError};
use emails::{compose, Extras};

/// How the worker paces itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryPolicy {
    /// Messages claimed per pass.
    pub batch: u32,
    /// How long claimed emails are kept from other workers: longer than a pass may take.
    pub lease: time::Duration,
    /// Attempts before a message is given up as failed.
    pub max_attempts: u32,
    /// The wait after a first failure; doubled at each further failure.
    pub first_retry: time::Duration,
    /// The longest wait between attempts.
    pub max_retry: time::Duration,
}

impl Default for DeliveryPolicy {
    fn default() -> Self {
        DeliveryPolicy {
            batch: 20,
            lease: time::Duration::minutes(10),
            max_attempts: 10,
            first_retry: time::Duration::seconds(30),
            max_retry: time::Duration::hours(1),
        }
    }
}

impl DeliveryPolicy {
    /// The wait before the next attempt, after `attempts` failed ones (1 or more):
    /// `first_retry x 2^(attempts-1)`, at most `max_retry`.
    pub fn backoff(&self, attempts: u32) -> time::Duration {
        let doublings = attempts.saturating_sub(1).min(30);
        let wait = self.first_retry * 2_i32.saturating_pow(doublings);
        wait.min(self.max_retry)
    }
}

/// Whether the database could not be reached: nothing can be recorded then.
fn unreachable(error: &AppError) -> bool {
    matches!(error, AppError::Store(ports::StoreError::Unavailable(_)))
}

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliveryReport {
    /// Internal messages handled (documents issued, or found not called for).
    pub handled: u32,
    /// Emails sent.
    pub sent: u32,
    /// Emails that failed and will be tried again.
    pub retried: u32,
    /// Messages given up as failed.
    pub failed: u32,
}

impl DeliveryReport {
    /// How many messages the pass took.
    pub fn total(&self) -> u32 {
        self.handled + self.sent + self.retried + self.failed
    }
}

impl App {
    /// One pass of the outbox worker over the messages due now. See the module's
    /// documentation.
    ///
    /// # Errors
    /// [`AppError::Store`] when the database fails; the messages stay in the outbox.
    pub async fn deliver_outbox(
        &self,
        mailer: &dyn Mailer,
        policy: &DeliveryPolicy,
    ) -> Result<DeliveryReport, AppError> {
        let mut report = DeliveryReport::default();
        let emails = self.claim(policy, &mut report).await?;
        let written = self.write_emails(&emails).await;
        let mut outcomes = Vec::with_capacity(emails.len());
        let mut server_down: Option<OffsetDateTime> = None;
        for (message, email) in emails.iter().zip(written) {
            if let Some(retry_at) = server_down {
                // The server refused a connection a moment ago: do not wait on it again in
                // this pass; the message waits as the first one does, without an attempt.
                self.lease(message, retry_at).await?;
                continue;
            }
            let outcome = match email {
                Err(Unsendable { error, permanent }) => {
                    self.failure(message, error, permanent, policy)
                }
                Ok(email) => match mailer.send(&email).await {
                    Ok(()) => DeliveryOutcome::Sent,
                    Err(MailError::Temporary(error)) => {
                        let outcome = self.failure(message, error, false, policy);
                        if let DeliveryOutcome::RetryAt { retry_at, .. } = &outcome {
                            server_down = Some(*retry_at);
                        }
                        outcome
                    }
                    Err(MailError::Permanent(error)) => self.failure(message, error, true, policy),
                },
            };
            match &outcome {
                DeliveryOutcome::Sent => report.sent += 1,
                DeliveryOutcome::RetryAt { .. } => report.retried += 1,
                DeliveryOutcome::GiveUp { error } => {
                    tracing::warn!(message = %message.id, topic = %message.topic, %error, "message given up");
                    report.failed += 1;
                }
            }
            outcomes.push((message.id, outcome));
        }
        if !outcomes.is_empty() {
            transaction!(self, TxMode::Write, |tx| {
                for (id, outcome) in &outcomes {
                    tx.record_attempt(*id, outcome).await?;
                }
                Ok(())
            })?;
        }
        Ok(report)
    }

    /// Runs passes until `shutdown` completes: straight on while passes find work, then
    /// every `interval`. A pass that fails (database unreachable) is logged and tried
    /// again at the next tick; nothing is lost, the messages stay in the outbox.
    pub async fn run_outbox_worker(
        &self,
        mailer: Arc<dyn Mailer>,
        policy: DeliveryPolicy,
        interval: Duration,
        shutdown: impl Future<Output = ()>,
    ) {
        tokio::pin!(shutdown);
        loop {
            let busy = match self.deliver_outbox(&*mailer, &policy).await {
                Ok(report) => {
                    if report.total() > 0 {
                        tracing::info!(
                            handled = report.handled,
                            sent = report.sent,
                            retried = report.retried,
                            failed = report.failed,
                            "outbox pass"
                        );
                    }
                    report.total() >= policy.batch
                }
                Err(error) => {
                    tracing::error!(%error, "outbox pass failed");
                    false
                }
            };
            let pause = if busy { Duration::ZERO } else { interval };
            tokio::select! {
                () = &mut shutdown => return,
                () = tokio::time::sleep(pause) => {}
            }
        }
    }

    /// Claims due messages: handles the internal ones and leases the emails, all in one
    /// transaction; gives the emails to send.
    async fn claim(
        &self,
        policy: &DeliveryPolicy,
        report: &mut DeliveryReport,
    ) -> Result<Vec<OutboxMessage>, AppError> {
        let now = self.now();
        let batch = transaction!(self, TxMode::Write, |tx| {
            let claimed = tx.claim_due(now, policy.batch).await?;
            let (internal, emails): (Vec<_>, Vec<_>) =
                claimed.into_iter().partition(|m| is_internal(&m.topic));
            let mut handled = 0;
            for message in &internal {
                let note = handle_internal(self, &mut *tx, message).await?;
                tracing::info!(message = %message.id, topic = %message.topic, %note, "handled");
                tx.record_attempt(message.id, &DeliveryOutcome::Sent)
                    .await?;
                handled += 1;
            }
            let ids: Vec<_> = emails.iter().map(|m| m.id).collect();
            tx.lease(&ids, now + policy.lease).await?;
            Ok((handled, emails, internal.len()))
        });
        match batch {
            Ok((handled, emails, _)) => {
                report.handled += handled;
                Ok(emails)
            }
            Err(error) if !error.is_retryable() && !unreachable(&error) => {
                // One internal message is refused, by the rules or by the store: handle
                // them one by one, so that the others go through and the refused one is
                // recorded with its error, tried again later and in the end failed, like
                // any message that keeps failing. Only a database out of reach stops the
                // pass (nothing could be recorded).
                tracing::warn!(%error, "an internal message was refused; handling one by one");
                self.claim_one_by_one(policy, report).await
            }
            Err(error) => Err(error),
        }
    }

    async fn claim_one_by_one(
        &self,
        policy: &DeliveryPolicy,
        report: &mut DeliveryReport,
    ) -> Result<Vec<OutboxMessage>, AppError> {
        let now = self.now();
        let claimed = transaction!(self, TxMode::Write, |tx| {
            let claimed = tx.claim_due(now, policy.batch).await?;
            let ids: Vec<_> = claimed.iter().map(|m| m.id).collect();
            tx.lease(&ids, now + policy.lease).await?;
            Ok(claimed)
        })?;
        let mut emails = Vec::new();
        for message in claimed {
            if !is_internal(&message.topic) {
                emails.push(message);
                continue;
            }
            let done = transaction!(self, TxMode::Write, |tx| {
                handle_internal(self, &mut *tx, &message).await?;
                tx.record_attempt(message.id, &DeliveryOutcome::Sent)
                    .await?;
                Ok(())
            });
            match done {
                Ok(()) => report.handled += 1,
                Err(error) => {
                    let outcome = self.failure(&message, error.to_string(), false, policy);
                    match outcome {
                        DeliveryOutcome::GiveUp { .. } => report.failed += 1,
                        _ => report.retried += 1,
                    }
                    transaction!(self, TxMode::Write, |tx| {
                        tx.record_attempt(message.id, &outcome).await?;
                        Ok(())
                    })?;
                }
            }
        }
        Ok(emails)
    }

    async fn lease(&self, message: &OutboxMessage, until: OffsetDateTime) -> Result<(), AppError> {
        transaction!(self, TxMode::Write, |tx| {
            tx.lease(&[message.id], until).await?;
            Ok(())
        })
    }

    /// Writes the emails of a batch: their documents are read one after the other, then
    /// rendered side by side on the blocking pool (rendering PDFs is CPU work), in order.
    async fn write_emails(&self, emails: &[OutboxMessage]) -> Vec<Result<Email, Unsendable>> {
        let documents = self.documents_of(emails).await;
        let mut jobs = Vec::with_capacity(emails.len());
        for (message, documents) in emails.iter().zip(documents) {
            let message = message.clone();
            let seller = self.settings.seller.clone();
            jobs.push(tokio::task::spawn_blocking(move || {
                let extras = render(documents?).map_err(|e| Unsendable::later(e.to_string()))?;
                compose(&message, &seller, extras).map_err(|e| Unsendable {
                    error: e.to_string(),
                    permanent: true,
                })
            }));
        }
        let mut written = Vec::with_capacity(jobs.len());
        for job in jobs {
            written.push(job.await.unwrap_or_else(|e| {
                Err(Unsendable::later(format!("writing the email failed: {e}")))
            }));
        }
        written
    }

    /// The outcome of a failed attempt: given up when permanent or the last allowed, else
    /// tried again after the backoff.
    fn failure(
        &self,
        message: &OutboxMessage,
        error: String,
        permanent: bool,
        policy: &DeliveryPolicy,
    ) -> DeliveryOutcome {
        let attempts = message.attempts + 1;
        if permanent || attempts >= policy.max_attempts {
            DeliveryOutcome::GiveUp { error }
        } else {
            DeliveryOutcome::RetryAt {
                error,
                retry_at: self.now() + policy.backoff(attempts),
            }
        }
    }

    /// The documents an email about an invoice or credit note carries, read as issued.
    /// The documents each email of a batch carries (none for most), read as issued, all in
    /// one read transaction.
    async fn documents_of(&self, emails: &[OutboxMessage]) -> Vec<Result<Documents, Unsendable>> {
        let numbers: Vec<Option<Result<InvoiceNumber, String>>> =
            emails.iter().map(invoice_number).collect();
        if numbers.iter().all(Option::is_none) {
            return emails.iter().map(|_| Ok(None)).collect();
        }
        let read = transaction!(self, TxMode::Read, |tx| {
            let mut all = Vec::with_capacity(numbers.len());
            for number in &numbers {
                all.push(match number {
                    None => Ok(None),
                    Some(Err(why)) => Err(why.clone()),
                    Some(Ok(number)) => match tx.invoice_by_number(number).await? {
                        None => Err(format!("invoice {number} does not exist")),
                        Some(invoice) => {
                            let note = match invoice.kind {
                                InvoiceKind::CreditNote => None,
                                InvoiceKind::Invoice => {
                                    match tx.get_order(invoice.order_id).await? {
                                        // An order cancelled since is delivered no more:
                                        // the email then carries no delivery note, and
                                        // does not say it does.
                                        Some(order) if is_delivered(&order) => {
                                            Some(self.delivery_note(&mut *tx, &order).await?)
                                        }
                                        _ => None,
                                    }
                                }
                            };
                            Ok(Some((invoice, note)))
                        }
                    },
                });
            }
            Ok(all)
        });
        match read {
            Ok(all) => all
                .into_iter()
                .map(|documents| documents.map_err(Unsendable::later))
                .collect(),
            Err(error) => emails
                .iter()
                .map(|_| Err(Unsendable::later(error.to_string())))
                .collect(),
        }
    }
}

/// The number of the document an email about an invoice or credit note names; `None` for
/// the other emails.
fn invoice_number(message: &OutboxMessage) -> Option<Result<InvoiceNumber, String>> {
    if message.topic != INVOICE_ISSUED && message.topic != CREDIT_NOTE_ISSUED {
        return None;
    }
    Some(
        message
            .payload
            .get("invoice_number")
            .and_then(|n| n.as_str())
            .and_then(|n| InvoiceNumber::new(n).ok())
            .ok_or_else(|| format!("message {}: no invoice number", message.id)),
    )
}

/// The documents an email about an invoice or credit note carries, as issued: the
/// document, and for an invoice the delivery note of its order.
type Documents = Option<(Invoice, Option<DeliveryNote>)>;

/// Why an email could not be written: to try again later, or never (`permanent`).
#[derive(Debug)]
struct Unsendable {
    error: String,
    permanent: bool,
}

impl Unsendable {
    fn later(error: String) -> Self {
        Unsendable {
            error,
            permanent: false,
        }
    }
}

/// Renders the documents an email carries.
fn render(documents: Documents) -> Result<Extras, documents::DocumentError> {
    let Some((invoice, note)) = documents else {
        return Ok(Extras::default());
    };
    let invoice_pdf = documents::invoice_pdf(&invoice)?;
    let delivery_note_pdf = note.map(|n| documents::delivery_note_pdf(&n)).transpose()?;
    Ok(Extras {
        invoice: Some(invoice),
        invoice_pdf: Some(invoice_pdf),
        delivery_note_pdf,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_backoff_doubles_up_to_its_ceiling() {
        let policy = DeliveryPolicy::default();
        assert_eq!(policy.backoff(1), time::Duration::seconds(30));
        assert_eq!(policy.backoff(2), time::Duration::seconds(60));
        assert_eq!(policy.backoff(5), time::Duration::seconds(480));
        assert_eq!(policy.backoff(9), time::Duration::hours(1));
        assert_eq!(policy.backoff(40), time::Duration::hours(1));
    }
}
