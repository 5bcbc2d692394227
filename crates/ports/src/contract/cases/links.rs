//! Links between parties, of the three kinds ([`crate::PartyStore`]).

use std::sync::Arc;

use domain::ids::{SocieteId, TiersId};
use domain::party::{Link, Role};

use super::support::{assert_duplicate, assert_not_found, commit, read, rollback, write};
use crate::contract::fixtures::{adresse, full_adresse, societe, tiers, Ids};
use crate::{AddressDefaults, Database, LinkKind, LinkRecord, PartyLinks};

/// What `links_of_societe` / `links_of_tiers` must give, from every link stored.
fn expected_links(
    stored: &[LinkRecord],
    societe: Option<SocieteId>,
    tiers: Option<TiersId>,
) -> PartyLinks {
    let mut links = PartyLinks::default();
    for link in stored {
        match link {
            LinkRecord::SocieteTiers(l) if Some(l.from) == societe || Some(l.to) == tiers => {
                links.societe_tiers.push(*l);
            }
            LinkRecord::TiersAdresse(l) if Some(l.from) == tiers => {
                links.tiers_adresses.push(*l);
            }
            LinkRecord::SocieteAdresse(l) if Some(l.from) == societe => {
                links.societe_adresses.push(*l);
            }
            _ => {}
        }
    }
    links.societe_tiers.sort_by_key(|l| (l.role, l.id));
    links.tiers_adresses.sort_by_key(|l| (l.role, l.id));
    links.societe_adresses.sort_by_key(|l| (l.role, l.id));
    links
}

/// Checks what `links_of_societe` and `links_of_tiers` give for some parties.
async fn check_links(
    db: &Arc<dyn Database>,
    stored: &[LinkRecord],
    societes: &[SocieteId],
    people: &[TiersId],
    when: &str,
) {
    let mut tx = read(db).await;
    for &soc in societes {
        assert_eq!(
            tx.links_of_societe(soc).await.expect("links_of_societe"),
            expected_links(stored, Some(soc), None),
            "links_of_societe ({when}) must give the company's people and addresses, each list by role (internal, customer, payer, recipient) then link id, and no person's address"
        );
    }
    for &per in people {
        assert_eq!(
            tx.links_of_tiers(per).await.expect("links_of_tiers"),
            expected_links(stored, None, Some(per)),
            "links_of_tiers ({when}) must give the person's companies and addresses, each list by role (internal, customer, payer, recipient) then link id, and no company's address"
        );
    }
    assert_eq!(
        tx.links_of_tiers(TiersId::from_u128(7))
            .await
            .expect("links_of_tiers"),
        PartyLinks::default(),
        "links_of_tiers of a person without links must be empty"
    );
    assert_eq!(
        tx.links_of_societe(SocieteId::from_u128(7))
            .await
            .expect("links_of_societe"),
        PartyLinks::default(),
        "links_of_societe of a company without links must be empty"
    );
    commit(tx).await;
}

/// Links of the three kinds are stored once per pair and role, listed per party by role
/// (in `Role`'s order: internal, customer, payer, recipient) then link id, deleted once, and
/// refused to missing parties.
pub async fn links_are_stored_once_per_role(db: Arc<dyn Database>) {
    let mut ids = Ids::new();
    let s = societe(ids.societe(), "Société Liée");
    let s2 = societe(ids.societe(), "Autre Société");
    let t = tiers(ids.tiers(), "Lié", Some("Tom"));
    let t2 = tiers(ids.tiers(), "Lié", Some("Théo"));
    let a = adresse(ids.adresse());
    let a2 = full_adresse(ids.adresse());

    let mut tx = write(&db).await;
    tx.insert_societe(&s).await.expect("insert_societe");
    tx.insert_societe(&s2).await.expect("insert_societe");
    tx.insert_tiers(&t).await.expect("insert_tiers");
    tx.insert_tiers(&t2).await.expect("insert_tiers");
    tx.insert_adresse(&a).await.expect("insert_adresse");
    tx.insert_adresse(&a2).await.expect("insert_adresse");
    commit(tx).await;

    // Link ids given in one order, links inserted in another, roles mixed.
    let small = ids.link();
    let big = ids.link();
    let st = |id, from, to, role| LinkRecord::SocieteTiers(Link { id, from, to, role });
    let ta = |id, from, to, role| LinkRecord::TiersAdresse(Link { id, from, to, role });
    let sa = |id, from, to, role| LinkRecord::SocieteAdresse(Link { id, from, to, role });
    let mut stored = vec![
        st(big, s.id, t.id, Role::Customer),
        st(small, s.id, t2.id, Role::Customer),
        st(ids.link(), s.id, t.id, Role::Payer),
        st(ids.link(), s.id, t2.id, Role::Internal),
        st(ids.link(), s2.id, t.id, Role::Recipient),
        ta(ids.link(), t.id, a.id, Role::Recipient),
        ta(ids.link(), t.id, a2.id, Role::Customer),
        ta(ids.link(), t.id, a.id, Role::Payer),
        ta(ids.link(), t2.id, a.id, Role::Customer),
        sa(ids.link(), s.id, a2.id, Role::Internal),
        sa(ids.link(), s.id, a.id, Role::Customer),
        sa(ids.link(), s2.id, a.id, Role::Customer),
    ];
    let mut tx = write(&db).await;
    for link in &stored {
        tx.insert_link(link)
            .await
            .expect("insert_link of a new pair and role must succeed (the same pair may have several roles)");
    }
    commit(tx).await;

    check_links(
        &db,
        &stored,
        &[s.id, s2.id],
        &[t.id, t2.id],
        "after inserting",
    )
    .await;

    // The same pair with the same role again, under a new id: refused, for each kind.
    for dup in [
        st(ids.link(), s.id, t.id, Role::Customer),
        ta(ids.link(), t.id, a.id, Role::Recipient),
        sa(ids.link(), s.id, a2.id, Role::Internal),
    ] {
        let mut tx = write(&db).await;
        assert_duplicate(
            tx.insert_link(&dup).await,
            Some("link"),
            None,
            &format!(
                "insert_link of a {:?} link between two parties already linked with the same role",
                dup.kind()
            ),
        );
        rollback(tx).await;
    }

    // Links to parties that are not stored: refused, for each kind and each side.
    let (no_s, no_t, no_a) = (ids.societe(), ids.tiers(), ids.adresse());
    for orphan in [
        st(ids.link(), no_s, t.id, Role::Customer),
        st(ids.link(), s.id, no_t, Role::Customer),
        ta(ids.link(), no_t, a.id, Role::Customer),
        ta(ids.link(), t.id, no_a, Role::Customer),
        sa(ids.link(), no_s, a.id, Role::Customer),
        sa(ids.link(), s.id, no_a, Role::Customer),
    ] {
        let mut tx = write(&db).await;
        assert_not_found(
            tx.insert_link(&orphan).await,
            &format!(
                "insert_link of a {:?} link to a party that is not stored",
                orphan.kind()
            ),
        );
        rollback(tx).await;
    }
    check_links(
        &db,
        &stored,
        &[s.id, s2.id],
        &[t.id, t2.id],
        "after refused inserts",
    )
    .await;

    // Deleting: once true, then false; with the wrong kind, false and nothing deleted.
    let victim = stored.remove(0);
    let ta_victim = stored
        .iter()
        .position(|l| l.kind() == LinkKind::TiersAdresse)
        .map(|i| stored.remove(i))
        .expect("a person's address link");
    let mut tx = write(&db).await;
    assert!(
        !tx.delete_link(LinkKind::SocieteAdresse, victim.id())
            .await
            .expect("delete_link"),
        "delete_link must give false, and delete nothing, when the id is a link of another kind"
    );
    assert!(
        tx.delete_link(victim.kind(), victim.id())
            .await
            .expect("delete_link"),
        "delete_link of a stored link must give true"
    );
    assert!(
        tx.delete_link(ta_victim.kind(), ta_victim.id())
            .await
            .expect("delete_link"),
        "delete_link of a stored link must give true"
    );
    commit(tx).await;
    let mut tx = write(&db).await;
    assert!(
        !tx.delete_link(victim.kind(), victim.id())
            .await
            .expect("delete_link"),
        "delete_link of a link already deleted must give false"
    );
    assert!(
        !tx.delete_link(LinkKind::TiersAdresse, ids.link())
            .await
            .expect("delete_link"),
        "delete_link of an id never stored must give false"
    );
    commit(tx).await;
    check_links(
        &db,
        &stored,
        &[s.id, s2.id],
        &[t.id, t2.id],
        "after deleting",
    )
    .await;

    // Once deleted, the same pair and role may be linked again.
    let again = st(ids.link(), s.id, t.id, Role::Customer);
    let mut tx = write(&db).await;
    tx.insert_link(&again)
        .await
        .expect("insert_link of a pair and role whose link was deleted must succeed");
    commit(tx).await;
    stored.push(again);
    check_links(
        &db,
        &stored,
        &[s.id, s2.id],
        &[t.id, t2.id],
        "after linking again",
    )
    .await;
}

/// The addresses people may name (their own, and their companies'), and their defaults
/// ([`crate::PartyStore::addresses_reachable_from`], `address_defaults`).
pub async fn addresses_reachable_and_defaults(db: Arc<dyn Database>) {
    let mut ids = Ids::new();
    let (s, s2) = (
        societe(ids.societe(), "Mère"),
        societe(ids.societe(), "Autre"),
    );
    let (t, t2, t3) = (
        tiers(ids.tiers(), "Un", None),
        tiers(ids.tiers(), "Deux", None),
        tiers(ids.tiers(), "Trois", None),
    );
    let own = adresse(ids.adresse());
    let company = full_adresse(ids.adresse());
    let other = adresse(ids.adresse());
    let shared = adresse(ids.adresse());
    let mut tx = write(&db).await;
    for societe in [&s, &s2] {
        tx.insert_societe(societe).await.expect("insert_societe");
    }
    for person in [&t, &t2, &t3] {
        tx.insert_tiers(person).await.expect("insert_tiers");
    }
    for address in [&own, &company, &other, &shared] {
        tx.insert_adresse(address).await.expect("insert_adresse");
    }
    let links = [
        LinkRecord::TiersAdresse(Link {
            id: ids.link(),
            from: t.id,
            to: own.id,
            role: Role::Customer,
        }),
        LinkRecord::TiersAdresse(Link {
            id: ids.link(),
            from: t.id,
            to: shared.id,
            role: Role::Payer,
        }),
        LinkRecord::TiersAdresse(Link {
            id: ids.link(),
            from: t.id,
            to: shared.id,
            role: Role::Recipient,
        }),
        LinkRecord::SocieteTiers(Link {
            id: ids.link(),
            from: s.id,
            to: t.id,
            role: Role::Customer,
        }),
        LinkRecord::SocieteAdresse(Link {
            id: ids.link(),
            from: s.id,
            to: company.id,
            role: Role::Customer,
        }),
        LinkRecord::SocieteAdresse(Link {
            id: ids.link(),
            from: s.id,
            to: shared.id,
            role: Role::Payer,
        }),
        LinkRecord::TiersAdresse(Link {
            id: ids.link(),
            from: t2.id,
            to: other.id,
            role: Role::Customer,
        }),
        LinkRecord::SocieteAdresse(Link {
            id: ids.link(),
            from: s2.id,
            to: other.id,
            role: Role::Customer,
        }),
    ];
    for link in &links {
        tx.insert_link(link).await.expect("insert_link");
    }
    commit(tx).await;

    let reachable = |mut found: Vec<_>| {
        found.sort();
        found
    };
    let mut tx = read(&db).await;
    let mut expected = vec![own.id, company.id, shared.id];
    expected.sort();
    assert_eq!(
        reachable(
            tx.addresses_reachable_from(&[t.id])
                .await
                .expect("reachable")
        ),
        expected,
        "addresses_reachable_from must give the person's addresses and their companies', each once"
    );
    let mut both = vec![own.id, company.id, shared.id, other.id];
    both.sort();
    assert_eq!(
        reachable(
            tx.addresses_reachable_from(&[t.id, t2.id])
                .await
                .expect("reachable")
        ),
        both,
        "addresses_reachable_from of several people must give all their addresses, each once"
    );
    assert!(
        tx.addresses_reachable_from(&[t3.id])
            .await
            .expect("reachable")
            .is_empty(),
        "a person linked to nothing reaches no address"
    );
    assert!(
        tx.addresses_reachable_from(&[])
            .await
            .expect("reachable")
            .is_empty(),
        "nobody reaches no address"
    );
    assert_eq!(
        tx.address_defaults(t.id).await.expect("address_defaults"),
        AddressDefaults::default(),
        "a person's defaults are none until set"
    );
    drop(tx);

    let set = AddressDefaults {
        delivery: Some(own.id),
        billing: Some(company.id),
    };
    let mut tx = write(&db).await;
    tx.set_address_defaults(t.id, &set)
        .await
        .expect("set_address_defaults");
    commit(tx).await;
    let replaced = AddressDefaults {
        delivery: None,
        billing: Some(shared.id),
    };
    let mut tx = write(&db).await;
    tx.set_address_defaults(t.id, &replaced)
        .await
        .expect("set_address_defaults again");
    commit(tx).await;
    let mut tx = read(&db).await;
    assert_eq!(
        tx.address_defaults(t.id).await.expect("address_defaults"),
        replaced,
        "set_address_defaults must replace both defaults"
    );
    assert_eq!(
        tx.address_defaults(t2.id).await.expect("address_defaults"),
        AddressDefaults::default(),
        "one person's defaults are theirs alone"
    );
}
