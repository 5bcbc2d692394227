//! Accounts and sessions: the first administrator, customers signing up, logging in and
//! out, tokens that expire or are revoked, disabled accounts.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::sync::Arc;

use app::parties::NewCustomer;
use app::{Access, AppError, Caller};
use domain::account::{AccountRole, Password};
use domain::party::{
    AddressLines, AdresseDetails, CountryCode, Email, PersonName, PostalCode, TiersDetails, Town,
};
use ports::MockPasswordHasher;
use support::*;

/// A hasher that "hashes" by prefixing: the use cases' logic is what is tested here; the
/// real argon2id hasher has its own tests.
fn fast_hasher() -> Arc<MockPasswordHasher> {
    let mut hasher = MockPasswordHasher::new();
    hasher
        .expect_hash()
        .returning(|p| Ok(format!("hashed:{p}")));
    hasher
        .expect_verify()
        .returning(|p, h| h == format!("hashed:{p}"));
    Arc::new(hasher)
}

fn password(p: &str) -> Password {
    Password::new(p).unwrap()
}

fn new_customer(email: &str) -> NewCustomer {
    NewCustomer {
        details: TiersDetails {
            last_name: PersonName::new("Dupont").unwrap(),
            first_name: Some(PersonName::new("Marie").unwrap()),
            mobile: None,
            email: Some(Email::new(email).unwrap()),
        },
        company: None,
        address: AdresseDetails {
            lines: AddressLines::new("1 rue de la Paix").unwrap(),
            postal_code: PostalCode::new("75002").unwrap(),
            town: Town::new("Paris").unwrap(),
            country: CountryCode::france(),
            access_notes: None,
            landline: None,
            bank_details: None,
        },
    }
}

#[tokio::test]
async fn an_administrator_logs_in_and_out() {
    let shop = shop(sqlite().await).await;
    let app = shop.app.clone().with_hasher(fast_hasher());
    let login = Email::new("admin@example.fr").unwrap();
    let account = app
        .create_admin(&Caller::system(), &login, &password("a long secret phrase"))
        .await
        .unwrap();
    assert_eq!(account.role, AccountRole::Admin);
    let again = app
        .create_admin(&Caller::system(), &login, &password("another long phrase"))
        .await
        .unwrap_err();
    assert_eq!(again.code(), "duplicate");

    let wrong = app.log_in(&login, "not the password").await.unwrap_err();
    assert!(matches!(wrong, AppError::Unauthorized(_)));
    let unknown = app
        .log_in(&Email::new("nobody@example.fr").unwrap(), "whatever")
        .await
        .unwrap_err();
    assert_eq!(
        unknown.to_string(),
        wrong.to_string(),
        "an unknown login and a wrong password look alike"
    );

    let session = app.log_in(&login, "a long secret phrase").await.unwrap();
    assert!(
        session.token.starts_with("oms_") && session.token.len() == 68,
        "{}",
        session.token
    );
    assert_eq!(session.expires_at, NOW + time::Duration::hours(12));
    let caller = app.authenticate(&session.token).await.unwrap();
    assert_eq!(caller.access, Access::Staff);
    assert_eq!(caller.actor.as_str(), "admin@example.fr");

    app.log_out(&session.token).await.unwrap();
    assert_eq!(
        app.authenticate(&session.token).await.unwrap_err().code(),
        "unauthorized"
    );
    assert_eq!(
        app.log_out(&session.token).await.unwrap_err().code(),
        "unauthorized"
    );
    assert_eq!(
        app.authenticate("oms_0000").await.unwrap_err().code(),
        "unauthorized"
    );
    assert_eq!(
        app.authenticate("Bearer x").await.unwrap_err().code(),
        "unauthorized"
    );
}

#[tokio::test]
async fn a_customer_signs_up_and_sees_only_their_own() {
    let shop = shop(sqlite().await).await;
    let app = shop.app.clone().with_hasher(fast_hasher());
    let (account, registered) = app
        .sign_up(
            &new_customer("marie@example.fr"),
            &password("marie's long phrase"),
        )
        .await
        .unwrap();
    assert_eq!(account.tiers, Some(registered.tiers.id));
    assert_eq!(
        app.sign_up(
            &new_customer("MARIE@example.fr"),
            &password("another long phrase")
        )
        .await
        .unwrap_err()
        .code(),
        "duplicate"
    );
    let session = app
        .log_in(
            &Email::new("marie@example.fr").unwrap(),
            "marie's long phrase",
        )
        .await
        .unwrap();
    assert_eq!(session.expires_at, NOW + time::Duration::days(30));
    let caller = app.authenticate(&session.token).await.unwrap();
    assert_eq!(caller.access, Access::Customer(registered.tiers.id));
    // A customer cannot create accounts.
    let err = app
        .create_admin(
            &caller,
            &Email::new("x@example.fr").unwrap(),
            &password("a long secret phrase"),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), "forbidden");
}

#[tokio::test]
async fn order_takers_belong_to_a_site_and_disabled_accounts_stop_working() {
    let shop = shop(sqlite().await).await;
    let app = shop.app.clone().with_hasher(fast_hasher());
    let lea = register(&app, "Roux", "Léa", "0700000000", "lea@fournisseur.fr").await;
    let login = Email::new("lea@fournisseur.fr").unwrap();
    let role = AccountRole::OrderTaker { site: shop.lyon.id };
    assert_eq!(
        app.create_account(&staff(), &login, &password("léa's long phrase"), role, None)
            .await
            .unwrap_err()
            .code(),
        "validation",
        "an order taker needs their person"
    );
    let not_a_site = AccountRole::OrderTaker {
        site: lea.societe.id,
    };
    assert_eq!(
        app.create_account(
            &staff(),
            &login,
            &password("léa's long phrase"),
            not_a_site,
            Some(lea.tiers.id)
        )
        .await
        .unwrap_err()
        .code(),
        "validation"
    );
    let account = app
        .create_account(
            &staff(),
            &login,
            &password("léa's long phrase"),
            role,
            Some(lea.tiers.id),
        )
        .await
        .unwrap();
    let session = app.log_in(&login, "léa's long phrase").await.unwrap();
    let caller = app.authenticate(&session.token).await.unwrap();
    assert_eq!(
        caller.access,
        Access::OrderTaker {
            site: shop.lyon.id,
            tiers: lea.tiers.id
        }
    );

    app.set_account_disabled(&staff(), account.id, true)
        .await
        .unwrap();
    assert_eq!(
        app.authenticate(&session.token).await.unwrap_err().code(),
        "unauthorized"
    );
    assert_eq!(
        app.log_in(&login, "léa's long phrase")
            .await
            .unwrap_err()
            .code(),
        "unauthorized"
    );
}

#[tokio::test]
async fn sessions_expire() {
    let db = sqlite().await;
    let early = support::app_at(db.clone(), NOW).with_hasher(fast_hasher());
    let login = Email::new("admin@example.fr").unwrap();
    early
        .create_admin(&Caller::system(), &login, &password("a long secret phrase"))
        .await
        .unwrap();
    let session = early.log_in(&login, "a long secret phrase").await.unwrap();
    let later = support::app_at(db, NOW + time::Duration::hours(12)).with_hasher(fast_hasher());
    assert!(
        matches!(later.authenticate(&session.token).await.unwrap_err(), AppError::Unauthorized(m) if m.contains("expired"))
    );
}
