//! Ordering as a guest: a name, an email, a phone and the addresses, no password. The
//! order still belongs to a customer account (seed 004: every order has one): an account
//! without a password, logging in with the email, that nobody can log in to with a
//! password. The guest reaches it through an expiring link sent by email: a session token
//! of that account (stored hashed, as every session's), valid [`crate::Settings::guest_link`].
//!
//! A first order under an email opens the account, and the browser that placed it gets a
//! session at once. A later guest order under the same email is placed on the same account,
//! but only the email's link opens it: whoever types an email must not see its orders.
//! An email that already has an account with a password is asked to log in.

use domain::account::{Account, AccountRole, Password};
use domain::ids::{AccountId, AdresseId, CartId, TiersId};
use domain::party::{AdresseDetails, Email, Role, TiersDetails};
use ports::TxMode;
use serde_json::json;

use crate::accounts::{caller_of, duplicate_login, Session};
use crate::carts::Checkout;
use crate::orders::{PlacedOrder, ShortagePolicy};
use crate::outbox::new_message;
use crate::parties::{LinkInput, NewCustomer};
use crate::{App, AppError, Caller};

/// What a guest account has in place of a password hash: not a PHC string, so no
/// password ever verifies against it.
pub const GUEST_PASSWORD_HASH: &str = "!guest: no password";

/// The topic of the email that gives a guest the link to their order.
pub const GUEST_ACCESS: &str = "guest_access";

/// What a guest gives at checkout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuestCheckout {
    /// Their name, email (required) and phone.
    pub details: TiersDetails,
    /// Where to deliver.
    pub delivery: AdresseDetails,
    /// Where to bill, when not the delivery address.
    pub billing: Option<AdresseDetails>,
    /// What to do when stock is short.
    pub on_shortage: ShortagePolicy,
}

/// A guest's order placed.
#[derive(Debug, Clone)]
pub struct GuestOrder {
    /// The order.
    pub placed: PlacedOrder,
    /// A session of the guest account for the browser that placed it: only when this
    /// order opened the account (else the emailed link is the only way in).
    pub session: Option<Session>,
}

impl App {
    /// Places a guest's cart as an order of the account of their email (opened now when
    /// there is none), and sends the email with the link to it.
    ///
    /// # Errors
    /// [`AppError::Invalid`] without an email; [`AppError::Conflict`] `account_exists` when
    /// an account with a password uses the email (log in instead); as
    /// [`App::checkout`] otherwise.
    pub async fn guest_checkout(
        &self,
        cart: CartId,
        guest: &GuestCheckout,
    ) -> Result<GuestOrder, AppError> {
        let email =
            guest.details.email.clone().ok_or_else(|| {
                AppError::invalid("email", "an email is needed to order as a guest")
            })?;
        // Nothing is opened for a cart that is not a guest's, or is empty.
        let view = self.cart(&Caller::guest(), cart).await?;
        if view.cart.is_empty() {
            return Err(AppError::invalid(
                "cart",
                "the cart is empty: add articles before checking out",
            ));
        }
        let found = transaction!(self, TxMode::Read, |tx| {
            Ok(tx.find_account(&email).await?)
        })?;
        let (account, opened) = match found {
            Some((account, hash)) if hash == GUEST_PASSWORD_HASH => (account, false),
            Some(_) => {
                return Err(AppError::Conflict {
                    code: "account_exists",
                    message: format!("an account uses {email}: log in to order"),
                })
            }
            None => (self.open_guest_account(&email, guest).await?, true),
        };
        let tiers = account
            .tiers
            .ok_or_else(|| AppError::invalid("email", "the account has no person"))?;
        let delivery = self.address_of(tiers, &guest.delivery).await?;
        let billing = match &guest.billing {
            Some(details) if *details != guest.delivery => {
                Some(self.address_of(tiers, details).await?)
            }
            _ => None,
        };
        let caller = caller_of(&account)?;
        let placed = self
            .checkout(
                &caller,
                cart,
                &Checkout {
                    customer: tiers,
                    payer: None,
                    recipient: None,
                    delivery_address: Some(delivery),
                    billing_address: billing,
                    on_shortage: guest.on_shortage,
                },
            )
            .await?;
        let link = self.guest_link(&account, &placed, &guest.details).await?;
        Ok(GuestOrder {
            placed,
            session: opened.then_some(link),
        })
    }

    /// The person, their company, their address and their account without password.
    async fn open_guest_account(
        &self,
        email: &Email,
        guest: &GuestCheckout,
    ) -> Result<Account, AppError> {
        let registered = self
            .register_customer(
                &Caller::system(),
                &NewCustomer {
                    details: guest.details.clone(),
                    company: None,
                    address: guest.delivery.clone(),
                },
            )
            .await?;
        let account = Account {
            id: AccountId::from_u128(self.ids.next_id()),
            login: email.clone(),
            role: AccountRole::Customer,
            tiers: Some(registered.tiers.id),
            created_at: self.now(),
            disabled: false,
        };
        transaction!(self, TxMode::Write, |tx| {
            tx.insert_account(&account, GUEST_PASSWORD_HASH)
                .await
                .map_err(duplicate_login)?;
            Ok(())
        })?;
        Ok(account)
    }

    /// The person's address with these details: one of theirs already, or a new one
    /// linked to them as customer, payer and recipient.
    async fn address_of(
        &self,
        tiers: TiersId,
        details: &AdresseDetails,
    ) -> Result<AdresseId, AppError> {
        let system = Caller::system();
        let person = self.tiers(&system, tiers).await?;
        if let Some((_, same)) = person.addresses.iter().find(|(_, a)| a.details == *details) {
            return Ok(same.id);
        }
        let adresse = self.create_adresse(&system, details).await?;
        for role in [Role::Customer, Role::Payer, Role::Recipient] {
            self.link(&system, LinkInput::TiersAdresse(tiers, adresse.id), role)
                .await?;
        }
        Ok(adresse.id)
    }

    /// A session of the guest account, and the email that carries its link.
    async fn guest_link(
        &self,
        account: &Account,
        placed: &PlacedOrder,
        details: &TiersDetails,
    ) -> Result<Session, AppError> {
        let now = self.now();
        let (token, record) = self.new_session_token(account, now + self.settings.guest_link);
        let name = match &details.first_name {
            Some(first) => format!("{first} {}", details.last_name),
            None => details.last_name.to_string(),
        };
        let message = new_message(
            self.ids.as_ref(),
            GUEST_ACCESS,
            Some(account.login.to_string()),
            json!({
                "customer": { "name": name },
                "order": { "number": placed.order.number().to_string() },
                "link": format!("{}/acces/{token}", self.settings.public_url),
                "expires_at": record.expires_at.date().to_string(),
            }),
            now,
        );
        transaction!(self, TxMode::Write, |tx| {
            tx.insert_token(&record).await?;
            tx.enqueue(&message).await?;
            Ok(())
        })?;
        Ok(Session {
            token,
            account: account.clone(),
            expires_at: record.expires_at,
        })
    }
}

/// The topic of the email that lets the owner of a guest account's email choose a
/// password.
pub const GUEST_ACTIVATION: &str = "guest_activation";

/// How long the link to choose a password works.
const ACTIVATION_LINK: time::Duration = time::Duration::hours(24);

impl App {
    /// Someone creates an account with the email of a guest account: the email is sent a
    /// link (a session of that account, 24 hours) to choose a password, which makes it an
    /// account like any other, with its guest orders. Answers whether the email is a guest
    /// account's (else nothing is sent).
    ///
    /// # Errors
    /// [`AppError::Store`] when the database fails.
    pub async fn send_guest_activation(&self, email: &Email) -> Result<bool, AppError> {
        let found = transaction!(self, TxMode::Read, |tx| {
            Ok(tx.find_account(email).await?)
        })?;
        let Some((account, hash)) = found else {
            return Ok(false);
        };
        if hash != GUEST_PASSWORD_HASH || account.disabled {
            return Ok(false);
        }
        let now = self.now();
        let (token, record) = self.new_session_token(&account, now + ACTIVATION_LINK);
        let message = new_message(
            self.ids.as_ref(),
            GUEST_ACTIVATION,
            Some(account.login.to_string()),
            json!({
                "email": account.login.to_string(),
                "link": format!("{}/compte/activer/{token}", self.settings.public_url),
            }),
            now,
        );
        transaction!(self, TxMode::Write, |tx| {
            tx.insert_token(&record).await?;
            tx.enqueue(&message).await?;
            Ok(())
        })?;
        Ok(true)
    }

    /// Whether the caller's account is a guest's (it has no password yet).
    ///
    /// # Errors
    /// [`AppError::Store`] when the database fails.
    pub async fn is_guest_account(&self, caller: &Caller) -> Result<bool, AppError> {
        let Ok(login) = Email::new(caller.actor.as_str()) else {
            return Ok(false);
        };
        let found = transaction!(self, TxMode::Read, |tx| {
            Ok(tx.find_account(&login).await?)
        })?;
        Ok(found.is_some_and(|(_, hash)| hash == GUEST_PASSWORD_HASH))
    }

    /// Changes the caller's password: the current one must be given, except for a guest
    /// account (reached through the link sent to its email), which thereby becomes an
    /// account like any other, its orders with it.
    ///
    /// # Errors
    /// [`AppError::Unauthorized`] for a wrong current password; [`AppError::Forbidden`]
    /// for a caller that is not an account.
    pub async fn change_password(
        &self,
        caller: &Caller,
        current: Option<&str>,
        new: &Password,
    ) -> Result<(), AppError> {
        let login = Email::new(caller.actor.as_str())
            .map_err(|_| AppError::Forbidden("only an account has a password".to_owned()))?;
        let found = transaction!(self, TxMode::Read, |tx| {
            Ok(tx.find_account(&login).await?)
        })?;
        let Some((account, hash)) = found else {
            return Err(AppError::Forbidden(
                "only an account has a password".to_owned(),
            ));
        };
        if hash != GUEST_PASSWORD_HASH {
            let given = current.unwrap_or_default();
            if !self.hasher.verify(given, &hash) {
                return Err(AppError::Unauthorized(
                    "the current password is wrong".to_owned(),
                ));
            }
        }
        let new_hash = self
            .hasher
            .hash(new.expose())
            .map_err(|e| AppError::Store(ports::StoreError::Other(Box::new(e))))?;
        transaction!(self, TxMode::Write, |tx| {
            tx.set_password(account.id, &new_hash).await?;
            Ok(())
        })
    }
}
