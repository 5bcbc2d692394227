use async_trait::async_trait;
use domain::ids::{CommandeId, PaymentId};
use domain::money::Amount;
use domain::order::OrderNumber;
use domain::payment::{CardNumber, Payment, PaymentMethod, PaymentOutcome};
use serde::Serialize;
use thiserror::Error;

use crate::StoreError;

/// Payments of orders.
///
/// An order's payments are changed only while the order is locked
/// ([`crate::OrderStore::lock_order`]): the use cases take that lock first, so two
/// payments of one order are never decided at once and no lock of their own is needed.
#[async_trait]
pub trait PaymentStore: Send {
    /// Stores a new payment, every field as given.
    ///
    /// # Errors
    /// [`StoreError::Duplicate`] with entity `"payment"` (key: its id) when its id is a
    /// stored payment's, or `"payment reference"` (key: the reference) when another payment
    /// of its provider has its provider reference; [`StoreError::NotFound`] (entity
    /// `"order"`) when its order is not stored. A refused payment is not stored, and the
    /// transaction may go on.
    async fn insert_payment(&mut self, payment: &Payment) -> Result<(), StoreError>;

    /// The payment with this id.
    async fn get_payment(&mut self, id: PaymentId) -> Result<Option<Payment>, StoreError>;

    /// Stores what changed in a payment: its status, provider reference, failure reason and
    /// update time. Its other fields (order, amount, method, provider, start time) never
    /// change once stored, whatever `payment` holds.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] (entity `"payment"`) when it is not stored;
    /// [`StoreError::Duplicate`] (entity `"payment reference"`) when another payment of its
    /// provider has the new reference (nothing is changed, and the transaction may go on).
    async fn update_payment(&mut self, payment: &Payment) -> Result<(), StoreError>;

    /// The payments of an order, oldest first (by start time, then by id), none when the
    /// order has none or is not stored.
    async fn payments_of(&mut self, order: CommandeId) -> Result<Vec<Payment>, StoreError>;

    /// The payment that this provider knows by this reference: the exact provider and the
    /// exact reference, compared as stored (no pattern, no case folding).
    async fn find_by_provider_reference(
        &mut self,
        provider: &str,
        reference: &str,
    ) -> Result<Option<Payment>, StoreError>;
}

/// A payment for a provider to start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRequest {
    /// The payment's id. Providers must take it as an idempotency key: the same payment
    /// started twice is charged once and gives the same answer.
    pub payment: PaymentId,
    /// The order it pays.
    pub order: CommandeId,
    /// The order's number, for the customer's statement and the provider's records.
    pub order_number: OrderNumber,
    /// How much.
    pub amount: Amount,
    /// How.
    pub method: PaymentMethod,
    /// The card, for card payments; never stored.
    pub card: Option<CardNumber>,
    /// A reference staff noted (a transfer's, a cheque's number), for manual payments.
    pub reference: Option<String>,
}

/// What the customer (or staff) is to do while a payment is pending.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NextStep {
    /// Follow this address (a 3-D Secure check, a processor's payment page).
    Redirect {
        /// Where to.
        url: String,
    },
    /// Nothing: the provider reports the outcome through its signed callback.
    AwaitProvider,
    /// Nothing: staff record the outcome when the money arrives (a payment on account).
    AwaitStaff,
}

/// How a provider answers a payment it was asked to start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProviderStart {
    /// Decided at once: taken, or declined.
    Completed {
        /// The provider's reference of the payment, when it has one.
        reference: Option<String>,
        /// What happened.
        outcome: PaymentOutcome,
    },
    /// Under way: the outcome comes later, through a callback (or staff).
    Pending {
        /// What the provider's callbacks will name the payment by; `None` when the outcome
        /// does not come through a callback (staff record it).
        reference: Option<String>,
        /// What is to be done meanwhile.
        next_step: NextStep,
    },
}

/// What a provider's verified callback reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackEvent {
    /// The provider's reference of the payment.
    pub reference: String,
    /// What happened to it.
    pub outcome: PaymentOutcome,
}

/// Why a provider did not do what it was asked.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PaymentError {
    /// The request is refused as invalid (a card the processor does not take, a method it
    /// does not handle); nothing was charged.
    #[error("{field}: {message}")]
    Invalid {
        /// The field at fault, as the API names it (`card_number`, `method`).
        field: String,
        /// What is wrong.
        message: String,
    },
    /// A callback's signature does not verify: it does not come from the provider, or was
    /// changed on the way.
    #[error("the callback's signature does not verify")]
    BadSignature,
    /// A callback whose signature verifies, but whose body cannot be read.
    #[error("the callback cannot be read: {0}")]
    MalformedCallback(String),
    /// The provider cannot be reached, or failed.
    #[error("the payment provider is unavailable: {0}")]
    Unavailable(String),
}

/// A payment provider: a card processor, or the staff who record money received. Not a
/// store: it decides (or learns) whether money was taken, and the use cases record it.
///
/// A real processor plugs in behind this trait, registered by name in the use cases.
#[async_trait]
pub trait PaymentProvider: Send + Sync {
    /// Its name, as stored with its payments and as written in its callbacks' address
    /// (`/api/v1/payments/callbacks/{name}`): stable, lower case.
    fn name(&self) -> &str;

    /// The methods it handles.
    fn methods(&self) -> &[PaymentMethod];

    /// What the provider refuses before anything is started or recorded (a method it does
    /// not take, a card it does not accept), so that such a request writes nothing. By
    /// default, only methods it does not take.
    ///
    /// # Errors
    /// [`PaymentError::Invalid`] naming the field at fault.
    fn check(&self, method: PaymentMethod, card: Option<&CardNumber>) -> Result<(), PaymentError> {
        let _ = card;
        if self.methods().contains(&method) {
            Ok(())
        } else {
            Err(PaymentError::Invalid {
                field: "method".to_owned(),
                message: format!("{} does not take {method} payments", self.name()),
            })
        }
    }

    /// Starts a payment.
    ///
    /// # Errors
    /// [`PaymentError::Invalid`] when the request is refused as invalid (nothing charged);
    /// [`PaymentError::Unavailable`] when the provider cannot be reached.
    async fn start(&self, request: &PaymentRequest) -> Result<ProviderStart, PaymentError>;

    /// Checks that a callback comes from the provider (its signature over the exact body
    /// received) and reads what it reports.
    ///
    /// # Errors
    /// [`PaymentError::BadSignature`] when the signature does not verify (the body is then
    /// not read at all); [`PaymentError::MalformedCallback`] when a signed body cannot be
    /// read.
    fn verify_callback(&self, body: &[u8], signature: &str) -> Result<CallbackEvent, PaymentError>;
}
