//! Companies, people and addresses ([`crate::PartyStore`]).

use std::collections::HashSet;
use std::sync::Arc;

use domain::ids::SocieteId;
use domain::party::{Adresse, Societe, Tiers};
use domain::text::search_key;

use super::support::{assert_duplicate, assert_not_found, commit, read, rollback, step, write};
use crate::contract::fixtures::{
    adresse, at, at_micros, company_name, email, full_adresse, person_name, phone, site, site_code,
    societe, subsidiary, tiers, tiers_with_contact, Ids,
};
use crate::Database;

/// Companies, people and addresses are stored with every field, read back equal (times to
/// the microsecond), replaced by their updates except for their id and creation date, and
/// missing ones are told apart.
pub async fn parties_round_trip(db: Arc<dyn Database>) {
    let mut ids = Ids::new();

    // Companies: every optional field set, some set, none set.
    let group = Societe {
        email: Some(email("Contact@Groupe-Durand.fr")),
        siren: None,
        vat_number: None,
        created_at: at_micros(-86_400_000_001),
        updated_at: at_micros(17),
        ..societe(ids.societe(), "Groupe Durand & Fils — Société « Générale »")
    };
    let paris = Societe {
        parent: Some(group.id),
        created_at: at_micros(5),
        updated_at: at_micros(999_999),
        ..site(ids.societe(), "Agence de Paris-Opéra", "PAR")
    };
    let bare_company = societe(ids.societe(), "Société Sans Rien");

    // People: every optional field set, none set.
    let full_person = Tiers {
        created_at: at_micros(-1),
        updated_at: at_micros(1),
        ..tiers_with_contact(
            ids.tiers(),
            "D'Argent-Müller",
            Some("Léa Élodie"),
            "+33 (0)6 12 34 56 78",
            "Lea.DArgent@Example.FR",
        )
    };
    let bare_person = tiers(ids.tiers(), "N'Guessan", None);

    // Addresses: every optional field set, none set.
    let full_address = full_adresse(ids.adresse());
    let bare_address = adresse(ids.adresse());

    let mut tx = write(&db).await;
    for s in [&group, &paris, &bare_company] {
        tx.insert_societe(s)
            .await
            .expect("insert_societe of a new company must succeed");
    }
    for t in [&full_person, &bare_person] {
        tx.insert_tiers(t)
            .await
            .expect("insert_tiers of a new person must succeed");
    }
    for a in [&full_address, &bare_address] {
        tx.insert_adresse(a)
            .await
            .expect("insert_adresse of a new address must succeed");
    }
    // What a transaction wrote, it reads back before committing.
    assert_eq!(
        tx.get_societe(paris.id).await.expect("get_societe"),
        Some(paris.clone()),
        "get_societe must see the company inserted earlier in the same transaction"
    );
    commit(tx).await;

    let mut tx = read(&db).await;
    for s in [&group, &paris, &bare_company] {
        assert_eq!(
            tx.get_societe(s.id).await.expect("get_societe"),
            Some(s.clone()),
            "get_societe must give back the company as inserted: every field, optional ones set or not, times to the microsecond"
        );
    }
    for t in [&full_person, &bare_person] {
        assert_eq!(
            tx.get_tiers(t.id).await.expect("get_tiers"),
            Some(t.clone()),
            "get_tiers must give back the person as inserted: every field, optional ones set or not, times to the microsecond"
        );
    }
    for a in [&full_address, &bare_address] {
        assert_eq!(
            tx.get_adresse(a.id).await.expect("get_adresse"),
            Some(a.clone()),
            "get_adresse must give back the address as inserted: every field (several lines, tabs, accents), optional ones set or not, times to the microsecond"
        );
    }
    let (missing_societe, missing_tiers, missing_adresse) =
        (ids.societe(), ids.tiers(), ids.adresse());
    assert_eq!(
        tx.get_societe(missing_societe).await.expect("get_societe"),
        None,
        "get_societe of an id never stored must give None"
    );
    assert_eq!(
        tx.get_tiers(missing_tiers).await.expect("get_tiers"),
        None,
        "get_tiers of an id never stored must give None"
    );
    assert_eq!(
        tx.get_adresse(missing_adresse).await.expect("get_adresse"),
        None,
        "get_adresse of an id never stored must give None"
    );
    commit(tx).await;

    // Updates: optional fields set become unset and the other way round; a different
    // creation date is given, which must not be stored.
    let group2 = Societe {
        name: company_name("Groupe Durand SA"),
        parent: Some(bare_company.id),
        site_code: Some(site_code("grp")),
        email: None,
        siren: None,
        vat_number: None,
        created_at: at(999),
        updated_at: at_micros(123_456_789),
        ..group.clone()
    };
    let paris2 = Societe {
        parent: None,
        site_code: None,
        email: None,
        siren: None,
        vat_number: None,
        created_at: at(-999),
        updated_at: at_micros(2_000_001),
        ..paris.clone()
    };
    let full_person2 = Tiers {
        details: bare_person.details.clone(),
        created_at: at(5),
        updated_at: at_micros(42_000_042),
        ..full_person.clone()
    };
    let mut bare_person2 = Tiers {
        details: full_person.details.clone(),
        created_at: at(6),
        updated_at: at_micros(43_000_043),
        ..bare_person.clone()
    };
    bare_person2.details.last_name = person_name("Kouassi");
    let full_address2 = Adresse {
        details: bare_address.details.clone(),
        created_at: at(7),
        updated_at: at_micros(44_000_044),
        ..full_address.clone()
    };
    let bare_address2 = Adresse {
        details: full_address.details.clone(),
        created_at: at(8),
        updated_at: at_micros(45_000_045),
        ..bare_address.clone()
    };

    let mut tx = write(&db).await;
    tx.update_societe(&group2)
        .await
        .expect("update_societe of a stored company must succeed");
    tx.update_societe(&paris2)
        .await
        .expect("update_societe of a stored company must succeed");
    tx.update_tiers(&full_person2)
        .await
        .expect("update_tiers of a stored person must succeed");
    tx.update_tiers(&bare_person2)
        .await
        .expect("update_tiers of a stored person must succeed");
    tx.update_adresse(&full_address2)
        .await
        .expect("update_adresse of a stored address must succeed");
    tx.update_adresse(&bare_address2)
        .await
        .expect("update_adresse of a stored address must succeed");
    commit(tx).await;

    let mut tx = read(&db).await;
    for (updated, original) in [(&group2, &group), (&paris2, &paris)] {
        let expected = Societe {
            created_at: original.created_at,
            ..updated.clone()
        };
        assert_eq!(
            tx.get_societe(updated.id).await.expect("get_societe"),
            Some(expected),
            "update_societe must replace the name, parent, site code, email and modification date, and keep the creation date"
        );
    }
    assert_eq!(
        tx.get_societe(bare_company.id).await.expect("get_societe"),
        Some(bare_company.clone()),
        "update_societe must change only the company it is given"
    );
    for (updated, original) in [(&full_person2, &full_person), (&bare_person2, &bare_person)] {
        let expected = Tiers {
            created_at: original.created_at,
            ..updated.clone()
        };
        assert_eq!(
            tx.get_tiers(updated.id).await.expect("get_tiers"),
            Some(expected),
            "update_tiers must replace the names, contact and modification date, and keep the creation date"
        );
    }
    for (updated, original) in [
        (&full_address2, &full_address),
        (&bare_address2, &bare_address),
    ] {
        let expected = Adresse {
            created_at: original.created_at,
            ..updated.clone()
        };
        assert_eq!(
            tx.get_adresse(updated.id).await.expect("get_adresse"),
            Some(expected),
            "update_adresse must replace the content and modification date, and keep the creation date"
        );
    }
    commit(tx).await;

    // Updates of what is not stored.
    let mut tx = write(&db).await;
    assert_not_found(
        tx.update_societe(&societe(missing_societe, "Fantôme"))
            .await,
        "update_societe of a company that is not stored",
    );
    rollback(tx).await;
    let mut tx = write(&db).await;
    assert_not_found(
        tx.update_tiers(&tiers(missing_tiers, "Fantôme", None))
            .await,
        "update_tiers of a person who is not stored",
    );
    rollback(tx).await;
    let mut tx = write(&db).await;
    assert_not_found(
        tx.update_adresse(&adresse(missing_adresse)).await,
        "update_adresse of an address that is not stored",
    );
    rollback(tx).await;
    // Even when its transaction commits, a refused update stores nothing (no upsert).
    let mut tx = write(&db).await;
    let _ = tx
        .update_societe(&societe(missing_societe, "Fantôme"))
        .await;
    let _ = tx
        .update_tiers(&tiers(missing_tiers, "Fantôme", None))
        .await;
    let _ = tx.update_adresse(&adresse(missing_adresse)).await;
    let _ = tx.commit().await;
    let mut tx = read(&db).await;
    assert_eq!(
        tx.get_societe(missing_societe).await.expect("get_societe"),
        None,
        "update_societe of a missing company must not create it"
    );
    assert_eq!(
        tx.get_tiers(missing_tiers).await.expect("get_tiers"),
        None,
        "update_tiers of a missing person must not create them"
    );
    assert_eq!(
        tx.get_adresse(missing_adresse).await.expect("get_adresse"),
        None,
        "update_adresse of a missing address must not create it"
    );
    commit(tx).await;
}

/// Parents, subsidiaries (by name), ancestors (nearest first, stopping on a loop), sites by
/// code, and site codes that stay unique.
pub async fn company_parents_and_sites(db: Arc<dyn Database>) {
    let mut ids = Ids::new();
    let group = societe(ids.societe(), "Groupe");
    // Inserted (and so numbered) in an order that is not the order of their names.
    let zulu = subsidiary(ids.societe(), "Zulu Distribution", group.id);
    let alpha = subsidiary(ids.societe(), "Alpha Services", group.id);
    let mike = subsidiary(ids.societe(), "Mike Logistique", group.id);
    let bravo = subsidiary(ids.societe(), "Bravo Atelier", alpha.id);
    let other_group = societe(ids.societe(), "Autre Groupe");
    let charlie = subsidiary(ids.societe(), "Charlie", other_group.id);
    let par = site(ids.societe(), "Agence de Paris", "PAR");
    let lyon = site(ids.societe(), "Agence de Lyon", "LYON2");
    let bdx = site(ids.societe(), "Agence de Bordeaux", "BDX");

    let mut tx = write(&db).await;
    for s in [
        &group,
        &zulu,
        &alpha,
        &mike,
        &bravo,
        &other_group,
        &charlie,
        &par,
        &lyon,
        &bdx,
    ] {
        tx.insert_societe(s)
            .await
            .expect("insert_societe of a new company must succeed");
    }
    commit(tx).await;

    let mut tx = read(&db).await;
    assert_eq!(
        tx.subsidiaries_of(group.id).await.expect("subsidiaries_of"),
        vec![alpha.clone(), mike.clone(), zulu.clone()],
        "subsidiaries_of must give the companies whose parent is the company (not their own subsidiaries), whole, by name"
    );
    assert_eq!(
        tx.subsidiaries_of(alpha.id).await.expect("subsidiaries_of"),
        vec![bravo.clone()],
        "subsidiaries_of must give the companies whose parent is the company"
    );
    assert_eq!(
        tx.subsidiaries_of(zulu.id).await.expect("subsidiaries_of"),
        Vec::<Societe>::new(),
        "subsidiaries_of a company without subsidiaries must be empty"
    );
    assert_eq!(
        tx.subsidiaries_of(ids.societe())
            .await
            .expect("subsidiaries_of"),
        Vec::<Societe>::new(),
        "subsidiaries_of a company that is not stored must be empty"
    );
    assert_eq!(
        tx.ancestors_of(bravo.id).await.expect("ancestors_of"),
        vec![alpha.id, group.id],
        "ancestors_of must give the parent, then its parent, up to the top (nearest first)"
    );
    assert_eq!(
        tx.ancestors_of(charlie.id).await.expect("ancestors_of"),
        vec![other_group.id],
        "ancestors_of must give the parent, then its parent, up to the top"
    );
    assert_eq!(
        tx.ancestors_of(group.id).await.expect("ancestors_of"),
        Vec::<SocieteId>::new(),
        "ancestors_of a company without parent must be empty"
    );
    assert_eq!(
        tx.find_site(&site_code("PAR")).await.expect("find_site"),
        Some(par.clone()),
        "find_site must give the site with this code, whole"
    );
    assert_eq!(
        tx.find_site(&site_code("NICE")).await.expect("find_site"),
        None,
        "find_site of a code no site has must give None"
    );
    assert_eq!(
        tx.list_sites().await.expect("list_sites"),
        vec![bdx.clone(), lyon.clone(), par.clone()],
        "list_sites must give every company with a site code (and only those), by code"
    );
    commit(tx).await;

    // A site code already used: refused on insert and on update, and nothing is changed.
    let mut tx = write(&db).await;
    let intruder = site(ids.societe(), "Intrus", "PAR");
    assert_duplicate(
        tx.insert_societe(&intruder).await,
        Some("site"),
        None,
        "insert_societe with the site code of another site",
    );
    rollback(tx).await;
    let mut tx = write(&db).await;
    let mike_as_par = Societe {
        site_code: Some(site_code("PAR")),
        ..mike.clone()
    };
    assert_duplicate(
        tx.update_societe(&mike_as_par).await,
        Some("site"),
        None,
        "update_societe giving a company the site code of another site",
    );
    rollback(tx).await;
    let mut tx = read(&db).await;
    assert_eq!(
        tx.get_societe(intruder.id).await.expect("get_societe"),
        None,
        "a company refused for its site code must not be stored"
    );
    assert_eq!(
        tx.get_societe(mike.id).await.expect("get_societe"),
        Some(mike.clone()),
        "an update refused for its site code must change nothing"
    );
    assert_eq!(
        tx.find_site(&site_code("PAR")).await.expect("find_site"),
        Some(par.clone()),
        "a refused duplicate site code must leave the site that has it"
    );
    commit(tx).await;

    // Sites change code, stop being sites, become sites; a freed code can be taken again;
    // a company moves to another parent.
    let lyon2 = Societe {
        site_code: Some(site_code("LYON")),
        updated_at: at(60),
        ..lyon.clone()
    };
    let bdx2 = Societe {
        site_code: None,
        updated_at: at(61),
        ..bdx.clone()
    };
    let zulu2 = Societe {
        site_code: Some(site_code("ZUL")),
        updated_at: at(62),
        ..zulu.clone()
    };
    let mike2 = Societe {
        parent: Some(other_group.id),
        updated_at: at(63),
        ..mike.clone()
    };
    let new_bdx = site(ids.societe(), "Nouvelle agence de Bordeaux", "BDX");
    let mut tx = write(&db).await;
    for s in [&lyon2, &bdx2, &zulu2, &mike2] {
        tx.update_societe(s)
            .await
            .expect("update_societe of a stored company must succeed");
    }
    tx.insert_societe(&new_bdx)
        .await
        .expect("insert_societe with a site code another company no longer has must succeed");
    commit(tx).await;

    let mut tx = read(&db).await;
    assert_eq!(
        tx.find_site(&site_code("LYON2")).await.expect("find_site"),
        None,
        "find_site must not find a site by a code it no longer has"
    );
    assert_eq!(
        tx.find_site(&site_code("LYON")).await.expect("find_site"),
        Some(lyon2.clone()),
        "find_site must find a site by its new code"
    );
    assert_eq!(
        tx.find_site(&site_code("BDX")).await.expect("find_site"),
        Some(new_bdx.clone()),
        "find_site must find the company that took a freed code"
    );
    assert_eq!(
        tx.list_sites().await.expect("list_sites"),
        vec![new_bdx.clone(), lyon2.clone(), par.clone(), zulu2.clone()],
        "list_sites must follow the changes of site codes, by code"
    );
    assert_eq!(
        tx.subsidiaries_of(group.id).await.expect("subsidiaries_of"),
        vec![alpha.clone(), zulu2.clone()],
        "subsidiaries_of must follow a change of parent"
    );
    assert_eq!(
        tx.subsidiaries_of(other_group.id)
            .await
            .expect("subsidiaries_of"),
        vec![charlie.clone(), mike2.clone()],
        "subsidiaries_of must follow a change of parent, by name"
    );
    commit(tx).await;

    // Loops: group -> bravo -> alpha -> group, and other_group its own parent.
    let group_in_loop = Societe {
        parent: Some(bravo.id),
        updated_at: at(70),
        ..group.clone()
    };
    let other_in_loop = Societe {
        parent: Some(other_group.id),
        updated_at: at(71),
        ..other_group.clone()
    };
    let mut tx = write(&db).await;
    tx.update_societe(&group_in_loop)
        .await
        .expect("update_societe must store a parent even when it closes a loop (the use cases prevent loops, the store does not)");
    tx.update_societe(&other_in_loop)
        .await
        .expect("update_societe must store a parent even when it closes a loop");
    commit(tx).await;

    let mut tx = read(&db).await;
    for (start, nearest, members) in [
        (
            bravo.id,
            vec![alpha.id, group.id],
            vec![alpha.id, group.id, bravo.id],
        ),
        (
            group.id,
            vec![bravo.id, alpha.id],
            vec![alpha.id, group.id, bravo.id],
        ),
        (other_group.id, vec![other_group.id], vec![other_group.id]),
        (
            charlie.id,
            vec![other_group.id],
            vec![other_group.id, charlie.id],
        ),
        (mike.id, vec![other_group.id], vec![other_group.id, mike.id]),
    ] {
        let ancestors = step(
            "ancestors_of with stored parents forming a loop",
            tx.ancestors_of(start),
        )
        .await
        .expect("ancestors_of must stop when the stored parents form a loop, not fail");
        assert!(
            ancestors.starts_with(&nearest),
            "ancestors_of with a loop must still give the nearest ancestors first: expected {nearest:?} first, got {ancestors:?}"
        );
        let distinct: HashSet<SocieteId> = ancestors.iter().copied().collect();
        assert_eq!(
            distinct.len(),
            ancestors.len(),
            "ancestors_of with a loop must stop at the first company seen again: got {ancestors:?}"
        );
        assert!(
            ancestors.iter().all(|a| members.contains(a)),
            "ancestors_of with a loop must give only the companies of the loop: got {ancestors:?}"
        );
    }
    commit(tx).await;
}

/// People are found by their exact phone and email, and by every word of a name search key,
/// whatever the case and accents; each list by last name then first name.
pub async fn people_are_found_by_phone_email_and_name(db: Arc<dyn Database>) {
    let mut ids = Ids::new();
    let shared_phone = "06 11 22 33 44";
    let family = "famille.martin@example.fr";
    let jean = tiers_with_contact(ids.tiers(), "Martin", Some("Jean"), shared_phone, family);
    let zoe = tiers_with_contact(
        ids.tiers(),
        "Dupont",
        Some("Zoe"),
        "+33 6 11 22 33 44",
        "zoe.dupont@example.fr",
    );
    let claire = tiers_with_contact(
        ids.tiers(),
        "Martin",
        Some("Claire"),
        "0611223344",
        "Famille.Martin@Example.FR",
    );
    let paul = tiers_with_contact(
        ids.tiers(),
        "Martinez",
        Some("Paul"),
        "+33 7 00 00 00 01",
        "paul@example.com",
    );
    let mut elodie = tiers(ids.tiers(), "Lefèvre", Some("Élodie"));
    elodie.details.email = Some(email("elodie.lefevre@example.fr"));
    let lea = tiers(ids.tiers(), "D'Argent-Müller", Some("Léa"));
    let jeanne = tiers(ids.tiers(), "Durand", Some("Jeanne"));
    let mut zidane = tiers(ids.tiers(), "Zidane", None);
    zidane.details.mobile = Some(phone("07 00 00 00 01"));

    let mut tx = write(&db).await;
    for t in [&jean, &zoe, &claire, &paul, &elodie, &lea, &jeanne, &zidane] {
        tx.insert_tiers(t)
            .await
            .expect("insert_tiers must accept people sharing a phone or an email");
    }
    commit(tx).await;

    let mut tx = read(&db).await;
    assert_eq!(
        tx.find_tiers_by_phone(&phone("+33611223344"))
            .await
            .expect("find_tiers_by_phone"),
        vec![zoe.clone(), claire.clone(), jean.clone()],
        "find_tiers_by_phone must give every person with this mobile, by last name then first name"
    );
    assert_eq!(
        tx.find_tiers_by_phone(&phone("+33700000001"))
            .await
            .expect("find_tiers_by_phone"),
        vec![paul.clone(), zidane.clone()],
        "find_tiers_by_phone must give every person with this mobile, with or without a first name"
    );
    assert_eq!(
        tx.find_tiers_by_phone(&phone("06 99 99 99 99"))
            .await
            .expect("find_tiers_by_phone"),
        Vec::<Tiers>::new(),
        "find_tiers_by_phone of a number nobody has must be empty"
    );
    assert_eq!(
        tx.find_tiers_by_email(&email(family))
            .await
            .expect("find_tiers_by_email"),
        vec![claire.clone(), jean.clone()],
        "find_tiers_by_email must give every person with this email, by last name then first name"
    );
    assert_eq!(
        tx.find_tiers_by_email(&email("ELODIE.Lefevre@example.fr"))
            .await
            .expect("find_tiers_by_email"),
        vec![elodie.clone()],
        "find_tiers_by_email must find a person by their email"
    );
    assert_eq!(
        tx.find_tiers_by_email(&email("martin@example.fr"))
            .await
            .expect("find_tiers_by_email"),
        Vec::<Tiers>::new(),
        "find_tiers_by_email must match the whole address, not a part of it"
    );

    let searches: Vec<(&str, u32, Vec<&Tiers>, &str)> = vec![
        ("elodie", 10, vec![&elodie], "accents must not matter"),
        (
            "ÉLODIE",
            10,
            vec![&elodie],
            "case and accents must not matter",
        ),
        (
            "Lefèvre Élodie",
            10,
            vec![&elodie],
            "the words may come in any order",
        ),
        ("odie", 10, vec![&elodie], "a word may be a part of a name"),
        (
            "elo lef",
            10,
            vec![&elodie],
            "every word may be a part of a name",
        ),
        (
            "elodie martin",
            10,
            vec![],
            "every word of the key must match",
        ),
        (
            "argent muller",
            10,
            vec![&lea],
            "hyphens and apostrophes must fold into spaces",
        ),
        (
            "d'argent",
            10,
            vec![&lea],
            "apostrophes must fold into spaces",
        ),
        (
            "anmar",
            10,
            vec![],
            "a word must not match across the first and last names",
        ),
        (
            "martin",
            10,
            vec![&claire, &jean, &paul],
            "results must be by last name then first name",
        ),
        (
            "MARTIN",
            2,
            vec![&claire, &jean],
            "at most `limit` people, the first by last name then first name",
        ),
        (
            "jean",
            10,
            vec![&jeanne, &jean],
            "a word matches the start of a longer name",
        ),
        (
            "zidane",
            10,
            vec![&zidane],
            "a person without first name must be found by their last name",
        ),
        (
            "zzz",
            10,
            vec![],
            "a key nobody's name has must match nobody",
        ),
        ("", 10, vec![], "an empty key must match nobody"),
        (
            " - ' ",
            10,
            vec![],
            "a key that folds to nothing must match nobody",
        ),
    ];
    for (typed, limit, expected, contract) in searches {
        let key = search_key(typed);
        let found = tx
            .search_tiers_by_name(&key, limit)
            .await
            .expect("search_tiers_by_name");
        let expected: Vec<Tiers> = expected.into_iter().cloned().collect();
        assert_eq!(
            found, expected,
            "search_tiers_by_name({key:?}, {limit}): {contract}"
        );
    }
    commit(tx).await;

    // Changes of names and phones are followed by the searches.
    let mut elodie2 = elodie.clone();
    elodie2.details.last_name = person_name("Rousseau");
    elodie2.updated_at = at(10);
    let mut jean2 = jean.clone();
    jean2.details.mobile = Some(phone("06 55 55 55 55"));
    jean2.details.email = None;
    jean2.updated_at = at(11);
    let mut tx = write(&db).await;
    tx.update_tiers(&elodie2).await.expect("update_tiers");
    tx.update_tiers(&jean2).await.expect("update_tiers");
    commit(tx).await;

    let mut tx = read(&db).await;
    assert_eq!(
        tx.search_tiers_by_name(&search_key("lefevre"), 10)
            .await
            .expect("search_tiers_by_name"),
        Vec::<Tiers>::new(),
        "search_tiers_by_name must not find a person by a name they no longer have"
    );
    assert_eq!(
        tx.search_tiers_by_name(&search_key("Élodie Rousseau"), 10)
            .await
            .expect("search_tiers_by_name"),
        vec![elodie2.clone()],
        "search_tiers_by_name must find a person by their new name"
    );
    assert_eq!(
        tx.find_tiers_by_phone(&phone(shared_phone))
            .await
            .expect("find_tiers_by_phone"),
        vec![zoe.clone(), claire.clone()],
        "find_tiers_by_phone must not find a person by a mobile they no longer have"
    );
    assert_eq!(
        tx.find_tiers_by_phone(&phone("+33655555555"))
            .await
            .expect("find_tiers_by_phone"),
        vec![jean2.clone()],
        "find_tiers_by_phone must find a person by their new mobile"
    );
    assert_eq!(
        tx.find_tiers_by_email(&email(family))
            .await
            .expect("find_tiers_by_email"),
        vec![claire.clone()],
        "find_tiers_by_email must not find a person by an email they no longer have"
    );
    commit(tx).await;
}
