//! The payment providers the use cases may call, by name (for callbacks and payments
//! already started) and by method (for new payments).

use std::sync::Arc;

use domain::payment::PaymentMethod;
use ports::PaymentProvider;

use super::{CallbackSecret, ManualProvider, TestCardProvider};

/// Payment providers, in the order they were registered.
///
/// A provider registered under a name already taken replaces the one before, in its place;
/// a new payment by a method goes to the most recently registered provider that takes it, so
/// registering a real card processor takes card payments away from the test processor while
/// the test processor still answers the callbacks of payments it started.
#[derive(Clone, Default)]
pub struct PaymentProviders {
    providers: Vec<Arc<dyn PaymentProvider>>,
}

impl PaymentProviders {
    /// No provider at all: every payment is refused.
    pub fn none() -> Self {
        PaymentProviders::default()
    }

    /// The manual provider, and the test card processor signing its callbacks with
    /// `secret`.
    pub fn defaults(secret: CallbackSecret) -> Self {
        let mut providers = PaymentProviders::none();
        providers.register(Arc::new(ManualProvider));
        providers.register(Arc::new(TestCardProvider::new(secret)));
        providers
    }

    /// Adds a provider, or replaces the one with its name.
    pub fn register(&mut self, provider: Arc<dyn PaymentProvider>) {
        match self
            .providers
            .iter_mut()
            .find(|p| p.name() == provider.name())
        {
            Some(slot) => *slot = provider,
            None => self.providers.push(provider),
        }
    }

    /// The provider with this name.
    pub fn named(&self, name: &str) -> Option<&Arc<dyn PaymentProvider>> {
        self.providers.iter().find(|p| p.name() == name)
    }

    /// The provider new payments by this method go to: the most recently registered that
    /// takes it.
    pub fn for_method(&self, method: PaymentMethod) -> Option<&Arc<dyn PaymentProvider>> {
        self.providers
            .iter()
            .rev()
            .find(|p| p.methods().contains(&method))
    }

    /// The providers' names, in the order they were registered.
    pub fn names(&self) -> Vec<&str> {
        self.providers.iter().map(|p| p.name()).collect()
    }
}

impl std::fmt::Debug for PaymentProviders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.names()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_later_provider_takes_its_methods_and_a_same_name_replaces() {
        let mut providers = PaymentProviders::defaults(CallbackSecret::random());
        assert_eq!(providers.names(), ["manual", "test_card"]);
        let card = providers.for_method(PaymentMethod::Card).unwrap();
        assert_eq!(card.name(), "test_card");
        assert_eq!(
            providers.for_method(PaymentMethod::Cheque).unwrap().name(),
            "manual"
        );
        providers.register(Arc::new(TestCardProvider::new(CallbackSecret::random())));
        assert_eq!(providers.names(), ["manual", "test_card"]);
        assert!(providers.named("stripe").is_none());
        assert!(PaymentProviders::none()
            .for_method(PaymentMethod::Card)
            .is_none());
    }
}
