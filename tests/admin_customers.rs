//! `oms-admin` as shipped, on a real database (SQLite, and PostgreSQL when one is given):
//! demo data, customer searches, customers, companies, addresses and links, usage and
//! configuration errors.

// A test fails by panicking, helpers included.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use oms_e2e::admin::{admin_binary, Admin};
use oms_e2e::databases::{each_database, sqlite};
use oms_e2e::run_with_env;
use serde_json::Value;

fn names(people: &Value) -> Vec<String> {
    people
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            format!(
                "{} {}",
                p["first_name"].as_str().unwrap_or(""),
                p["last_name"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn demo_data_then_customers_are_found_however_they_are_typed() {
    each_database("demo_data_then_customers", |db| {
        let admin = Admin::on(db);
        let label = admin.label();
        let first = admin.ok(&["demo-data"]);
        assert!(
            first.contains("created  customer Élodie Durand"),
            "[{label}] {first}"
        );
        assert!(
            first.contains("order PAR-000001 VALIDATED"),
            "[{label}] {first}"
        );
        // A second run fails on nothing and creates nothing.
        let again = admin.json(&["demo-data"]);
        let items = again["items"].as_array().unwrap();
        assert!(!items.is_empty());
        assert!(
            items.iter().all(|i| i["created"] == false),
            "[{label}] {again}"
        );

        // The phone written another way than it was registered (06 12 34 56 78).
        for typed in ["+33 6 12 34 56 78", "0612345678", "06.12.34.56.78"] {
            let found = admin.json(&["customers", "find", typed]);
            assert_eq!(names(&found), ["Élodie Durand"], "[{label}] {typed}");
            assert_eq!(found[0]["mobile"], "+33612345678");
        }
        let out = admin.ok(&["customers", "find", "--phone", "+33 (0)6 12 34 56 78"]);
        assert!(
            out.contains("Élodie Durand") && out.contains("06 12 34 56 78"),
            "[{label}] {out}"
        );
        // Names without accents, in any case.
        let found = admin.json(&["customers", "find", "--name", "ELODIE durand"]);
        assert_eq!(names(&found), ["Élodie Durand"], "[{label}]");
        let found = admin.json(&["customers", "find", "francois lefevre"]);
        assert_eq!(names(&found), ["François Lefèvre"], "[{label}]");
        let found = admin.json(&["customers", "find", "zoe"]);
        assert_eq!(names(&found), ["Zoé Nguyen"], "[{label}]");
        // By email, in any case.
        let found = admin.json(&["customers", "find", "Elodie.Durand@Example.fr"]);
        assert_eq!(names(&found), ["Élodie Durand"], "[{label}]");
        let none = admin.ok(&["customers", "find", "--name", "personne"]);
        assert!(none.contains("No customer"), "[{label}] {none}");

        // Shown with her companies (the subsidiary and its parent), roles and orders.
        let shown = admin.json(&["customers", "show", "06 12 34 56 78"]);
        let companies: Vec<&str> = shown["customer"]["companies"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c[1]["name"].as_str().unwrap())
            .collect();
        assert!(
            companies.contains(&"Durand Bâtiment Sud"),
            "[{label}] {companies:?}"
        );
        assert!(
            companies.contains(&"Groupe Durand Distribution"),
            "[{label}] {companies:?}"
        );
        assert_eq!(shown["orders"]["total"], 2, "[{label}] {shown}");
        let subsidiary = shown["customer"]["companies"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c[1]["name"] == "Durand Bâtiment Sud")
            .unwrap()[1]
            .clone();
        let parent = subsidiary["parent"]
            .as_str()
            .expect("the subsidiary has a parent");
        let group = admin.ok(&["companies", "show", parent]);
        assert!(
            group.contains("Groupe Durand Distribution"),
            "[{label}] {group}"
        );
        assert!(
            group.contains("Durand Bâtiment Sud"),
            "[{label}] subsidiaries: {group}"
        );
        let text = admin.ok(&["customers", "show", "elodie"]);
        for expected in [
            "Élodie Durand",
            "customer, payer, recipient",
            "12 rue de la République",
            "PAR-000001",
        ] {
            assert!(text.contains(expected), "[{label}] {expected}: {text}");
        }
    });
}

#[test]
fn customers_are_created_changed_and_their_changes_recorded() {
    each_database("customers_created_changed", |db| {
        let admin = Admin::on(db);
        let label = admin.label();
        let created = admin.json(&[
            "customers",
            "create",
            "--last-name",
            "Petit",
            "--first-name",
            "Léa",
            "--mobile",
            "06 01 02 03 04",
            "--email",
            "lea@petit.fr",
            "--lines",
            "1 rue des Lilas|Bâtiment B",
            "--postal-code",
            "75011",
            "--town",
            "Paris",
        ]);
        assert_eq!(
            created["tiers"]["mobile"], "+33601020304",
            "[{label}] {created}"
        );
        assert_eq!(created["societe"]["name"], "Léa Petit");
        assert_eq!(created["adresse"]["lines"], "1 rue des Lilas\nBâtiment B");

        let changed = admin.json(&[
            "customers",
            "update",
            "0601020304",
            "--email",
            "lea.petit@example.fr",
            "--first-name",
            "Léa-Marie",
        ]);
        assert_eq!(
            changed["email"], "lea.petit@example.fr",
            "[{label}] {changed}"
        );
        let shown = admin.json(&["customers", "show", "lea.petit@example.fr"]);
        let changes = shown["changes"].as_array().unwrap();
        assert_eq!(changes.len(), 1, "[{label}] {shown}");
        assert_eq!(changes[0]["by"], "cli:e2e");
        let entries = changes[0]["changes"].to_string();
        assert!(
            entries.contains("email") && entries.contains("first_name"),
            "[{label}] {entries}"
        );
        // An empty value clears an optional field.
        let cleared = admin.json(&["customers", "update", "0601020304", "--email", ""]);
        assert_eq!(cleared["email"], Value::Null, "[{label}] {cleared}");
        let err = admin.fails(2, &["customers", "update", "0601020304"]);
        assert!(err.contains("nothing to change"), "[{label}] {err}");
        let err = admin.fails(2, &["customers", "show", "07 00 00 00 00"]);
        assert!(
            err.contains("no customer has the phone number 07 00 00 00 00"),
            "[{label}] {err}"
        );
        let err = admin.fails(
            2,
            &["customers", "create", "--last-name", "X", "--mobile", "12"],
        );
        assert!(err.contains("--mobile"), "[{label}] {err}");

        // Companies, addresses and links.
        let person = admin.json(&[
            "customers",
            "create",
            "--person-only",
            "--last-name",
            "Martin",
            "--mobile",
            "06 99 88 77 66",
        ]);
        let company = admin.json(&[
            "companies",
            "create",
            "ACME SA",
            "--email",
            "contact@acme.example.fr",
        ]);
        let company_id = company["id"].as_str().unwrap();
        let address = admin.json(&[
            "addresses",
            "create",
            "--lines",
            "5 quai Rambaud",
            "--postal-code",
            "69002",
            "--town",
            "Lyon",
        ]);
        let address_id = address["id"].as_str().unwrap();
        admin.ok(&[
            "links",
            "add",
            "company-person",
            company_id,
            "06 99 88 77 66",
            "--role",
            "customer",
        ]);
        admin.ok(&[
            "links",
            "add",
            "company-address",
            company_id,
            address_id,
            "--role",
            "recipient",
        ]);
        admin.ok(&[
            "links",
            "add",
            "person-address",
            person["id"].as_str().unwrap(),
            address_id,
            "--role",
            "recipient",
        ]);
        let err = admin.fails(
            2,
            &[
                "links",
                "add",
                "company-person",
                company_id,
                "06 99 88 77 66",
                "--role",
                "customer",
            ],
        );
        assert!(
            err.contains("already linked as customer"),
            "[{label}] {err}"
        );
        admin.ok(&["companies", "update", company_id, "--name", "ACME France"]);
        admin.ok(&[
            "addresses",
            "update",
            address_id,
            "--town",
            "Lyon 2e",
            "--access-notes",
            "code 4521",
        ]);
        let shown = admin.ok(&["companies", "show", company_id]);
        for expected in [
            "ACME France",
            "Martin",
            "5 quai Rambaud, 69002 Lyon 2e",
            "name: \"ACME SA\" → \"ACME France\"",
        ] {
            assert!(shown.contains(expected), "[{label}] {expected}: {shown}");
        }
        // Removing a link is destructive: refused without --yes when no one can answer.
        let err = admin.fails(
            2,
            &[
                "links",
                "remove",
                "company-person",
                company_id,
                "06 99 88 77 66",
                "--role",
                "customer",
            ],
        );
        assert!(err.contains("--yes"), "[{label}] {err}");
        admin.ok(&[
            "links",
            "remove",
            "company-person",
            company_id,
            "06 99 88 77 66",
            "--role",
            "customer",
            "--yes",
        ]);
        let err = admin.fails(
            2,
            &[
                "links",
                "remove",
                "company-person",
                company_id,
                "06 99 88 77 66",
                "--role",
                "customer",
                "--yes",
            ],
        );
        assert!(err.contains("does not exist"), "[{label}] {err}");
        let view = admin.json(&["companies", "show", company_id]);
        assert_eq!(
            view["company"]["people"],
            serde_json::json!([]),
            "[{label}] {view}"
        );

        // VAT codes and sites.
        admin.ok(&[
            "vat",
            "set",
            "NORMAL",
            "--rate",
            "20",
            "--label",
            "Taux normal",
            "--default",
        ]);
        admin.ok(&[
            "vat",
            "set",
            "reduit",
            "--rate",
            "5.5",
            "--label",
            "Taux réduit",
        ]);
        let codes = admin.json(&["vat", "list"]);
        assert_eq!(codes.as_array().unwrap().len(), 2, "[{label}] {codes}");
        let err = admin.fails(2, &["vat", "set", "NEW", "--rate", "7"]);
        assert!(err.contains("--label"), "[{label}] {err}");
        admin.ok(&[
            "sites",
            "create",
            "NTE",
            "Agence Nantes",
            "--email",
            "nantes@example.fr",
        ]);
        let err = admin.fails(2, &["sites", "create", "NTE", "Encore"]);
        assert!(err.contains("already exists"), "[{label}] {err}");
        let sites = admin.ok(&["sites", "list"]);
        assert!(
            sites.contains("NTE") && sites.contains("WEB"),
            "[{label}] {sites}"
        );
    });
}

#[test]
fn migrate_configuration_errors_and_help() {
    let db = sqlite("migrate");
    let admin = Admin::on(&db);
    let out = admin.ok(&["migrate"]);
    assert!(out.contains("up to date"), "{out}");
    assert_eq!(admin.json(&["migrate"])["migrated"], true);

    // A URL of no supported kind is the configuration's fault: 2.
    let out = run_with_env(
        admin_binary(),
        &["orders", "search"],
        "",
        &[("DATABASE_URL", "mysql://db/oms")],
    );
    assert_eq!(out.status, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .starts_with("error: configuration: DATABASE_URL="),
        "{}",
        out.stderr
    );
    // A database that cannot be opened is not the input's fault: 1.
    let out = run_with_env(
        admin_binary(),
        &["orders", "search"],
        "",
        &[("DATABASE_URL", "sqlite:///proc/no/such/dir/oms.db")],
    );
    assert_eq!(out.status, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .starts_with("error: unavailable: cannot open the database"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("check DATABASE_URL"), "{}", out.stderr);
    // Pricing needs no database at all.
    let priced = run_with_env(
        admin_binary(),
        &["price"],
        r#"{"lines": [{"quantity": 2, "unit_price": "10.00", "vat_rate": "20"}]}"#,
        &[("DATABASE_URL", "sqlite:///proc/no/such/dir/oms.db")],
    );
    assert_eq!(priced.status, 0, "{}", priced.stderr);

    // Every command has help with an example; usage errors exit 2.
    let commands: &[&[&str]] = &[
        &[],
        &["migrate"],
        &["demo-data"],
        &["price"],
        &["customers"],
        &["customers", "find"],
        &["customers", "show"],
        &["customers", "create"],
        &["customers", "update"],
        &["companies"],
        &["companies", "create"],
        &["companies", "update"],
        &["companies", "show"],
        &["addresses"],
        &["addresses", "create"],
        &["addresses", "update"],
        &["addresses", "show"],
        &["links"],
        &["links", "add"],
        &["links", "remove"],
        &["vat"],
        &["vat", "list"],
        &["vat", "set"],
        &["sites"],
        &["sites", "list"],
        &["sites", "create"],
        &["articles"],
        &["articles", "create"],
        &["articles", "update"],
        &["articles", "list"],
        &["articles", "show"],
        &["articles", "adjust"],
        &["articles", "export"],
        &["articles", "import"],
        &["orders"],
        &["orders", "show"],
        &["orders", "search"],
        &["orders", "export"],
        &["orders", "create-draft"],
        &["orders", "validate"],
        &["orders", "cancel"],
        &["orders", "fulfil"],
        &["orders", "delete"],
        &["orders", "reschedule"],
    ];
    for command in commands {
        let mut args = command.to_vec();
        args.push("--help");
        let help = admin.run(&args);
        assert_eq!(help.status, 0, "{args:?}: {}", help.stderr);
        assert!(
            help.stdout.contains("Example"),
            "{args:?} has no example: {}",
            help.stdout
        );
    }
    let out = admin.run(&["orders", "frobnicate"]);
    assert_eq!(out.status, 2);
    let out = admin.run(&["customers", "find"]);
    assert_eq!(out.status, 2, "{}", out.stderr);
}
