//! The use cases of the order management system, written against the ports.
//!
//! [`App`] holds the ports (a [`ports::Database`], a [`ports::Clock`], an
//! [`ports::IdSource`]) and the [`Settings`], and offers every use case as a method. Each
//! use case runs in one transaction, which it opens and commits itself; a transaction the
//! database gives up on for a conflict with another ([`ports::StoreError::Retryable`]) is
//! run again from the start, a bounded number of times.
//!
//! Who asks is always given ([`Caller`]): it decides what they may see and do, and is
//! recorded with every change.

/// Runs a block in a transaction, committing when it succeeds, and runs it again from a new
/// transaction when the database gave up on it for a conflict with another
/// ([`ports::StoreError::Retryable`]), up to [`Settings::attempts`] times in all. The block
/// sees the transaction as `$tx` and may use `?`; it must be safe to run again (it takes
/// its inputs by reference).
macro_rules! transaction {
    ($app:expr, $mode:expr, |$tx:ident| $body:block) => {{
        let mut attempt: u32 = 1;
        loop {
            let outcome: Result<_, $crate::AppError> = async {
                let mut $tx = $app.db.begin($mode).await?;
                let value = $crate::typed(async { $body }).await?;
                $tx.commit().await?;
                Ok(value)
            }
            .await;
            match outcome {
                Err(err) if err.is_retryable() && attempt < $app.settings.attempts => attempt += 1,
                other => break other,
            }
        }
    }};
}

mod audit;
mod caller;
mod error;
mod fingerprint;
mod scope;
pub mod system;

pub mod accounts;
pub mod address_book;
pub mod billing;
pub mod carts;
pub mod catalogue;
pub mod catalogue_import;
mod change_log;
pub mod delivery;
pub mod guests;
pub mod orders;
pub mod outbox;
pub mod parties;
mod party_links;
pub mod payments;
pub mod quotes;
pub mod storefront;
pub mod unpaid;

use std::sync::Arc;

pub use caller::{Access, Caller};
pub use error::{AppError, LineProblem};

use domain::order::SiteCode;
use payments::{CallbackSecret, PaymentProviders};
use ports::{Clock, Database, IdSource, PasswordHasher, PaymentProvider};

/// What the use cases need to know of the business that runs them.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The supplier's lead time, in working days, from the order date to the planned
    /// delivery date.
    pub lead_days: u16,
    /// The site online and API orders are numbered under (a site with this code must exist).
    pub online_site: SiteCode,
    /// How many times a transaction the database gave up on is tried in all.
    pub attempts: u32,
    /// How long a customer's session lasts.
    pub customer_session: time::Duration,
    /// How long a staff member's session lasts.
    pub staff_session: time::Duration,
    /// The selling company, as its invoices name it.
    pub seller: domain::billing::Seller,
    /// The shop's address as its emails' links name it (`OMS_PUBLIC_URL`), without a
    /// trailing slash.
    pub public_url: String,
    /// How long the link a guest receives to their order works.
    pub guest_link: time::Duration,
    /// How long an online order may stay unpaid before it is cancelled and its stock
    /// given back.
    pub unpaid_delay: time::Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            lead_days: 2,
            // "WEB" is a valid site code: two to eight letters.
            online_site: SiteCode::new("WEB").unwrap_or_else(|_| unreachable_site_code()),
            attempts: 5,
            customer_session: time::Duration::days(30),
            staff_session: time::Duration::hours(12),
            seller: billing::demo_seller(),
            public_url: "http://localhost:8080".to_owned(),
            guest_link: time::Duration::days(30),
            unpaid_delay: time::Duration::hours(48),
        }
    }
}

/// Pins a use case body's error type, so `?` inside it converts into [`AppError`].
pub(crate) fn typed<T, F: std::future::Future<Output = Result<T, AppError>>>(body: F) -> F {
    body
}

#[allow(clippy::panic)]
fn unreachable_site_code() -> SiteCode {
    panic!("WEB is a valid site code")
}

/// The use cases, over the ports.
#[derive(Clone)]
pub struct App {
    db: Arc<dyn Database>,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn IdSource>,
    hasher: Arc<dyn PasswordHasher>,
    payments: Arc<PaymentProviders>,
    settings: Settings,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("db", &self.db.kind())
            .field("payments", &self.payments)
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl App {
    /// The use cases over these ports, with the default payment providers: the manual
    /// provider, and the test card processor signing its callbacks with a random secret of
    /// this process (give it a known one with [`App::with_payment_provider`]).
    pub fn new(
        db: Arc<dyn Database>,
        clock: Arc<dyn Clock>,
        ids: Arc<dyn IdSource>,
        settings: Settings,
    ) -> Self {
        App {
            db,
            clock,
            ids,
            hasher: Arc::new(system::Argon2Hasher),
            payments: Arc::new(PaymentProviders::defaults(CallbackSecret::random())),
            settings,
        }
    }

    /// The same use cases with one more payment provider, or another in place of the one
    /// with its name (see [`PaymentProviders::register`]): how a real processor plugs in.
    pub fn with_payment_provider(mut self, provider: Arc<dyn PaymentProvider>) -> Self {
        Arc::make_mut(&mut self.payments).register(provider);
        self
    }

    /// The same use cases with exactly these payment providers.
    pub fn with_payment_providers(mut self, providers: PaymentProviders) -> Self {
        self.payments = Arc::new(providers);
        self
    }

    /// The payment providers.
    pub fn payment_providers(&self) -> &PaymentProviders {
        &self.payments
    }

    /// The same use cases with another password hasher (tests use a fast one).
    pub fn with_hasher(mut self, hasher: Arc<dyn PasswordHasher>) -> Self {
        self.hasher = hasher;
        self
    }

    /// The database.
    pub fn database(&self) -> &Arc<dyn Database> {
        &self.db
    }

    /// The settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub(crate) fn now(&self) -> time::OffsetDateTime {
        self.clock.now()
    }
}
