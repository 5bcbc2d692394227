//! A provider's callback: what its processor reports of a payment, once the signature over
//! the exact body received is verified.

use domain::payment::Payment;
use ports::{PaymentError, TxMode};
use time::OffsetDateTime;

use super::update::{settled_conflict, PaymentUpdate};
use crate::{App, AppError};

impl App {
    /// Records what a provider's callback reports of one of its payments. Nobody is logged
    /// in: the signature (`signature`, over `body` exactly as received) is what proves the
    /// provider sent it. A callback sent twice changes nothing the second time (processors
    /// send a callback again until it is acknowledged).
    ///
    /// # Errors
    /// [`AppError::NotFound`] for a provider or a payment reference that does not exist;
    /// [`AppError::Unauthorized`] without a signature or when it does not verify (nothing
    /// of the body is read then); [`AppError::Invalid`] (field `body`) for a signed body
    /// that cannot be read; [`AppError::Conflict`] `payment_settled` when it contradicts how
    /// the payment was settled.
    pub async fn payment_callback(
        &self,
        provider: &str,
        body: &[u8],
        signature: Option<&str>,
    ) -> Result<PaymentUpdate, AppError> {
        let provider = self
            .payments
            .named(provider)
            .ok_or_else(|| AppError::not_found("payment provider", provider))?;
        let signature = signature.ok_or_else(|| {
            AppError::Unauthorized(
                "a callback carries its signature in the X-Payment-Signature header".to_owned(),
            )
        })?;
        let event = provider
            .verify_callback(body, signature)
            .map_err(|e| match e {
                PaymentError::BadSignature => AppError::Unauthorized(e.to_string()),
                other => AppError::invalid("body", other),
            })?;
        let name = provider.name();
        transaction!(self, TxMode::Write, |tx| {
            let payment = tx
                .find_by_provider_reference(name, &event.reference)
                .await?
                .ok_or_else(|| AppError::not_found("payment", &event.reference))?;
            let settle = |p: &mut Payment, now: OffsetDateTime| {
                p.settle(&event.outcome, now).map_err(settled_conflict)
            };
            self.change_payment(&mut *tx, payment.id, payment.order, &settle)
                .await
        })
    }
}
