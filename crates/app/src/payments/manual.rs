//! The manual provider: staff record money received outside any processor.

use async_trait::async_trait;
use domain::payment::{CardNumber, PaymentMethod, PaymentOutcome};
use ports::{
    CallbackEvent, NextStep, PaymentError, PaymentProvider, PaymentRequest, ProviderStart,
};

/// Bank transfers and cheques, recorded by staff once received: succeeded at once. Payments
/// on account (paid later, on terms): pending until staff record the money. It has no
/// callbacks: nobody outside may tell it anything.
#[derive(Debug, Clone, Copy, Default)]
pub struct ManualProvider;

/// The methods staff record.
const METHODS: [PaymentMethod; 3] = [
    PaymentMethod::BankTransfer,
    PaymentMethod::Cheque,
    PaymentMethod::OnAccount,
];

#[async_trait]
impl PaymentProvider for ManualProvider {
    fn name(&self) -> &str {
        "manual"
    }

    fn methods(&self) -> &[PaymentMethod] {
        &METHODS
    }

    fn check(&self, method: PaymentMethod, _card: Option<&CardNumber>) -> Result<(), PaymentError> {
        if METHODS.contains(&method) {
            Ok(())
        } else {
            Err(PaymentError::Invalid {
                field: "method".to_owned(),
                message: format!(
                    "staff do not record {method} payments: they go through a processor"
                ),
            })
        }
    }

    async fn start(&self, request: &PaymentRequest) -> Result<ProviderStart, PaymentError> {
        self.check(request.method, request.card.as_ref())?;
        Ok(match request.method {
            PaymentMethod::OnAccount => ProviderStart::Pending {
                reference: request.reference.clone(),
                next_step: NextStep::AwaitStaff,
            },
            _ => ProviderStart::Completed {
                reference: request.reference.clone(),
                outcome: PaymentOutcome::Succeeded,
            },
        })
    }

    fn verify_callback(
        &self,
        _body: &[u8],
        _signature: &str,
    ) -> Result<CallbackEvent, PaymentError> {
        Err(PaymentError::BadSignature)
    }
}
