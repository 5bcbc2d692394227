//! Accounts, their password hashes and their session tokens ([`crate::AccountStore`]).

use std::sync::Arc;

use domain::account::{Account, AccountRole};

use super::support::{assert_duplicate, assert_not_found, commit, read, rollback, write, World};
use crate::contract::fixtures::{account, at, at_micros, email, password_hash, session_token, Ids};
use crate::{Database, SessionToken};

/// The world's three kinds of account: an administrator without a person, an order taker
/// at PAR (disabled), a customer.
fn accounts(ids: &mut Ids, world: &World) -> [Account; 3] {
    let admin = account(
        ids.account(),
        "admin@example.fr",
        AccountRole::Admin,
        None,
        1,
    );
    let taker = Account {
        disabled: true,
        ..account(
            ids.account(),
            "paul.vendeur@example.fr",
            AccountRole::OrderTaker { site: world.par.id },
            Some(world.taker.id),
            -1_000_001,
        )
    };
    let customer = account(
        ids.account(),
        "marie.dupont@example.fr",
        AccountRole::Customer,
        Some(world.customer.id),
        2,
    );
    [admin, taker, customer]
}

async fn store_accounts(db: &Arc<dyn Database>, accounts: &[(&Account, &str)]) {
    let mut tx = write(db).await;
    for (a, hash) in accounts {
        tx.insert_account(a, hash)
            .await
            .expect("insert_account of a new login must succeed");
    }
    commit(tx).await;
}

/// Accounts of every role are stored as they are (an order taker with its site), found by
/// their id or by their exact login with their password hash, their logins are unique, and
/// their password and their disabled flag change, alone.
pub async fn accounts_are_stored_once_per_login(db: Arc<dyn Database>) {
    let mut ids = Ids::new();
    let world = World::new(&mut ids);
    world.store(&db).await;
    let [admin, taker, customer] = accounts(&mut ids, &world);
    let program = crate::contract::fixtures::account(
        ids.account(),
        "erp@example.fr",
        domain::account::AccountRole::Program,
        None,
        4,
    );
    let hashes = [
        password_hash("c2FsdGFkbWlu"),
        password_hash("c2FsdHRha2Vy"),
        password_hash("c2FsdGN1c3Q"),
        password_hash("c2FsdHByb2c"),
    ];
    store_accounts(
        &db,
        &[
            (&admin, &hashes[0]),
            (&taker, &hashes[1]),
            (&customer, &hashes[2]),
            (&program, &hashes[3]),
        ],
    )
    .await;

    let mut tx = read(&db).await;
    for (a, hash) in [&admin, &taker, &customer, &program]
        .into_iter()
        .zip(&hashes)
    {
        assert_eq!(
            tx.get_account(a.id).await.expect("get_account").as_ref(),
            Some(a),
            "get_account must give the account as inserted: login, role ({}, an order taker with its site), person, creation time to the microsecond, disabled flag",
            a.role.as_str()
        );
        assert_eq!(
            tx.find_account(&a.login).await.expect("find_account"),
            Some((a.clone(), hash.clone())),
            "find_account must give the account with this login ({}), with its own password hash as inserted",
            a.role.as_str()
        );
    }
    assert_eq!(
        tx.get_account(ids.account()).await.expect("get_account"),
        None,
        "get_account of an id never stored must give None"
    );
    for other in [
        "marie_dupont@example.fr",
        "%@example.fr",
        "dupont@example.fr",
        "marie.dupont@example.fr.eu",
        "marie.dupont@example.com",
    ] {
        assert_eq!(
            tx.find_account(&email(other)).await.expect("find_account"),
            None,
            "find_account must match the whole login exactly ({other} is no account's login; no pattern, no prefix or suffix)"
        );
    }
    commit(tx).await;

    // A login already taken, whatever the case it is typed in (the domain keeps it in lower
    // case), is refused and changes nothing.
    let mut tx = write(&db).await;
    let clash = account(
        ids.account(),
        "Marie.Dupont@Example.FR",
        AccountRole::Admin,
        None,
        50,
    );
    assert_duplicate(
        tx.insert_account(&clash, &password_hash("b3RoZXI")).await,
        Some("account"),
        Some("marie.dupont@example.fr"),
        "insert_account with the login of another account",
    );
    rollback(tx).await;
    let mut tx = read(&db).await;
    assert_eq!(
        tx.find_account(&customer.login)
            .await
            .expect("find_account"),
        Some((customer.clone(), hashes[2].clone())),
        "an account refused for its login must leave the account of that login as it was"
    );
    assert_eq!(
        tx.get_account(clash.id).await.expect("get_account"),
        None,
        "an account refused for its login must not be stored"
    );
    commit(tx).await;

    // The password changes, alone.
    let new_hash = password_hash("bmV3c2FsdA");
    let mut tx = write(&db).await;
    tx.set_password(customer.id, &new_hash)
        .await
        .expect("set_password of a stored account must succeed");
    commit(tx).await;
    let mut tx = read(&db).await;
    assert_eq!(
        tx.find_account(&customer.login)
            .await
            .expect("find_account"),
        Some((customer.clone(), new_hash.clone())),
        "set_password must replace the account's password hash, and change nothing else"
    );
    assert_eq!(
        tx.find_account(&admin.login).await.expect("find_account"),
        Some((admin.clone(), hashes[0].clone())),
        "set_password must change only the account it is given"
    );
    commit(tx).await;

    // Disabled and enabled again, alone; setting the flag it has already is no error.
    let mut tx = write(&db).await;
    tx.set_disabled(taker.id, false)
        .await
        .expect("set_disabled of a stored account must succeed");
    tx.set_disabled(admin.id, true)
        .await
        .expect("set_disabled of a stored account must succeed");
    tx.set_disabled(customer.id, false)
        .await
        .expect("set_disabled of an account to the flag it has must succeed");
    commit(tx).await;
    let mut tx = read(&db).await;
    for (a, disabled) in [(&admin, true), (&taker, false), (&customer, false)] {
        assert_eq!(
            tx.get_account(a.id).await.expect("get_account"),
            Some(Account {
                disabled,
                ..a.clone()
            }),
            "set_disabled must set the account's disabled flag ({disabled}), and change nothing else"
        );
    }
    assert_eq!(
        tx.find_account(&taker.login)
            .await
            .expect("find_account")
            .map(|(_, hash)| hash),
        Some(hashes[1].clone()),
        "set_disabled must leave the password hash as it was"
    );
    commit(tx).await;

    // Accounts that do not exist.
    let mut tx = write(&db).await;
    let missing = ids.account();
    assert_not_found(
        tx.set_password(missing, &new_hash).await,
        "set_password of an account never stored",
    );
    assert_not_found(
        tx.set_disabled(missing, true).await,
        "set_disabled of an account never stored",
    );
    rollback(tx).await;
    let mut tx = read(&db).await;
    assert_eq!(
        tx.get_account(missing).await.expect("get_account"),
        None,
        "set_password and set_disabled of an account never stored must not create it"
    );
    commit(tx).await;
}

/// What `find_token` gives in a read transaction, checked to be what
/// `Database::find_session` gives on its own.
async fn find_token(db: &Arc<dyn Database>, hash: &str) -> Option<(SessionToken, Account)> {
    let mut tx = read(db).await;
    let found = tx.find_token(hash).await.expect("find_token");
    commit(tx).await;
    assert_eq!(
        db.find_session(hash).await.expect("find_session"),
        found,
        "Database::find_session must give what find_token gives"
    );
    found
}

/// Session tokens are found by their exact hash with their account as it is now, valid or
/// not; their hashes are unique; each is revoked once, and an account's are revoked all at
/// once, those revoked already keeping their time.
pub async fn session_tokens_are_found_and_revoked(db: Arc<dyn Database>) {
    let mut ids = Ids::new();
    let world = World::new(&mut ids);
    world.store(&db).await;
    let [_, taker, customer] = accounts(&mut ids, &world);
    let (taker_hash, customer_hash) = (password_hash("dGFrZXI"), password_hash("Y3VzdA"));
    store_accounts(&db, &[(&taker, &taker_hash), (&customer, &customer_hash)]).await;

    // Hashes as a SHA-256 in hex would be; the second differs from the first in its last
    // character only.
    let hash =
        |n: u32| format!("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a{n:02x}");
    let first = session_token(&hash(1), customer.id, at_micros(5));
    let second = session_token(&hash(2), customer.id, at_micros(6));
    let expired = SessionToken {
        expires_at: at(-1),
        ..session_token(&hash(3), customer.id, at(-3600))
    };
    let revoked = SessionToken {
        revoked_at: Some(at_micros(1_000_007)),
        ..session_token(&hash(4), customer.id, at(0))
    };
    let takers = session_token(&hash(5), taker.id, at(1));
    let mut tx = write(&db).await;
    for t in [&first, &second, &expired, &revoked, &takers] {
        tx.insert_token(t)
            .await
            .expect("insert_token of a new hash for a stored account must succeed");
    }
    commit(tx).await;

    for (t, a) in [
        (&first, &customer),
        (&second, &customer),
        (&expired, &customer),
        (&revoked, &customer),
        (&takers, &taker),
    ] {
        assert_eq!(
            find_token(&db, &t.hash).await,
            Some((t.clone(), a.clone())),
            "find_token must give the token as inserted (times to the microsecond, its revocation if any), valid or not, with its account"
        );
    }
    assert_eq!(
        find_token(&db, &hash(1)[..63]).await,
        None,
        "find_token must match the whole hash exactly"
    );
    assert_eq!(
        find_token(&db, &hash(1).to_uppercase()).await,
        None,
        "find_token must match the hash exactly, case included"
    );
    assert_eq!(
        find_token(&db, &hash(99)).await,
        None,
        "find_token of a hash never stored must give None"
    );

    // The account comes as it is now.
    let mut tx = write(&db).await;
    tx.set_disabled(customer.id, true)
        .await
        .expect("set_disabled");
    commit(tx).await;
    let disabled = Account {
        disabled: true,
        ..customer.clone()
    };
    assert_eq!(
        find_token(&db, &first.hash).await,
        Some((first.clone(), disabled.clone())),
        "find_token must give the token's account as it is now (disabled since the token was issued)"
    );

    // A hash already stored is refused and changes nothing.
    let mut tx = write(&db).await;
    assert_duplicate(
        tx.insert_token(&session_token(&first.hash, taker.id, at(50)))
            .await,
        None,
        None,
        "insert_token with the hash of another token",
    );
    rollback(tx).await;
    assert_eq!(
        find_token(&db, &first.hash).await,
        Some((first.clone(), disabled.clone())),
        "a token refused for its hash must leave the token of that hash as it was"
    );

    // One token revoked, once.
    let mut tx = write(&db).await;
    assert!(
        tx.revoke_token(&first.hash, at_micros(100_000_001))
            .await
            .expect("revoke_token"),
        "revoke_token of a token in force must give true"
    );
    assert!(
        !tx.revoke_token(&first.hash, at(200))
            .await
            .expect("revoke_token"),
        "revoke_token of a token revoked already (in the same transaction) must give false"
    );
    commit(tx).await;
    let mut tx = write(&db).await;
    assert!(
        !tx.revoke_token(&first.hash, at(300))
            .await
            .expect("revoke_token"),
        "revoke_token of a token revoked already must give false"
    );
    assert!(
        !tx.revoke_token(&revoked.hash, at(300))
            .await
            .expect("revoke_token"),
        "revoke_token of a token inserted revoked must give false"
    );
    assert!(
        !tx.revoke_token(&hash(99), at(300))
            .await
            .expect("revoke_token"),
        "revoke_token of a hash never stored must give false"
    );
    commit(tx).await;
    let first_revoked = SessionToken {
        revoked_at: Some(at_micros(100_000_001)),
        ..first.clone()
    };
    assert_eq!(
        find_token(&db, &first.hash).await,
        Some((first_revoked.clone(), disabled.clone())),
        "revoke_token must record the time of the first revocation (to the microsecond) and keep it"
    );
    assert_eq!(
        find_token(&db, &second.hash).await,
        Some((second.clone(), disabled.clone())),
        "revoke_token must revoke only the token it is given"
    );

    // Every token of an account still in force, at once.
    let mut tx = write(&db).await;
    assert_eq!(
        tx.revoke_tokens_of(customer.id, at_micros(400_000_004))
            .await
            .expect("revoke_tokens_of"),
        2,
        "revoke_tokens_of must revoke the account's tokens not revoked yet (expired or not), and count only those"
    );
    assert_eq!(
        tx.revoke_tokens_of(customer.id, at(500))
            .await
            .expect("revoke_tokens_of"),
        0,
        "revoke_tokens_of an account whose tokens are all revoked must give 0"
    );
    assert_eq!(
        tx.revoke_tokens_of(ids.account(), at(500))
            .await
            .expect("revoke_tokens_of"),
        0,
        "revoke_tokens_of an account never stored must give 0"
    );
    commit(tx).await;
    let now_revoked = |t: &SessionToken| SessionToken {
        revoked_at: Some(at_micros(400_000_004)),
        ..t.clone()
    };
    for (t, expected, why) in [
        (
            &first,
            first_revoked,
            "a token revoked before keeps its time",
        ),
        (
            &revoked,
            revoked.clone(),
            "a token inserted revoked keeps its time",
        ),
        (
            &second,
            now_revoked(&second),
            "a token in force is revoked at the time given",
        ),
        (
            &expired,
            now_revoked(&expired),
            "an expired token not revoked yet is revoked at the time given",
        ),
    ] {
        assert_eq!(
            find_token(&db, &t.hash).await,
            Some((expected, disabled.clone())),
            "revoke_tokens_of: {why}"
        );
    }
    assert_eq!(
        find_token(&db, &takers.hash).await,
        Some((takers.clone(), taker.clone())),
        "revoke_tokens_of must leave the tokens of other accounts alone"
    );
}
