//! `oms-admin articles` as shipped, on a real database (SQLite, and PostgreSQL when one is
//! given): creating and showing articles, adjusting stock, the CSV export and import round
//! trip, and malformed files refused whole with the line of each bad row.

// A test fails by panicking, helpers included.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use oms_e2e::admin::Admin;
use oms_e2e::databases::each_database;

const HEADER: &str = "reference,designation,unit_price,vat_code,min_quantity,max_per_order,stock";

fn stock(admin: &Admin, reference: &str) -> u64 {
    admin.json(&["articles", "show", reference])["article"]["stock"]
        .as_u64()
        .unwrap()
}

#[test]
fn an_article_is_created_shown_changed_and_its_stock_adjusted() {
    each_database("articles_created_shown", |db| {
        let admin = Admin::on(db);
        let label = admin.label();
        admin.ok(&[
            "vat",
            "set",
            "REDUIT",
            "--rate",
            "5.5",
            "--label",
            "Taux réduit",
        ]);
        let created = admin.ok(&[
            "articles",
            "create",
            "livre-42",
            "--designation",
            "Le livre, tome 42",
            "--price",
            "18.50",
            "--vat-code",
            "REDUIT",
            "--max-per-order",
            "5",
            "--stock",
            "12",
        ]);
        assert!(
            created.contains("Created article LIVRE-42"),
            "[{label}] {created}"
        );
        let shown = admin.json(&["articles", "show", "LIVRE-42"]);
        assert_eq!(
            shown["article"]["designation"], "Le livre, tome 42",
            "[{label}] {shown}"
        );
        assert_eq!(shown["article"]["unit_price"], "18.50");
        assert_eq!(shown["article"]["vat_code"], "REDUIT");
        assert_eq!(shown["article"]["stock"], 12);
        assert_eq!(shown["movements"]["total"], 1);

        let out = admin.ok(&[
            "articles",
            "adjust",
            "LIVRE-42",
            "-5",
            "--reason",
            "casse au déballage",
        ]);
        assert!(out.contains("12 -> 7"), "[{label}] {out}");
        let out = admin.ok(&[
            "articles",
            "adjust",
            "LIVRE-42",
            "--to",
            "20",
            "--reason",
            "inventaire",
        ]);
        assert!(out.contains("7 -> 20"), "[{label}] {out}");
        let err = admin.fails(
            2,
            &[
                "articles", "adjust", "LIVRE-42", "-21", "--reason", "erreur",
            ],
        );
        assert!(
            err.contains("insufficient_stock") && err.contains("remove at most 20"),
            "[{label}] {err}"
        );
        let text = admin.ok(&["articles", "show", "livre-42"]);
        for expected in [
            "Stock:         20",
            "casse au déballage",
            "inventaire",
            "+13",
            "-5",
        ] {
            assert!(text.contains(expected), "[{label}] {expected}: {text}");
        }

        let changed = admin.json(&[
            "articles",
            "update",
            "LIVRE-42",
            "--price",
            "19.00",
            "--max-per-order",
            "",
        ]);
        assert_eq!(changed["unit_price"], "19.00", "[{label}] {changed}");
        assert_eq!(changed["max_per_order"], serde_json::Value::Null);
        let shown = admin.ok(&["articles", "show", "LIVRE-42"]);
        assert!(
            shown.contains("unit_price: 18.50 → 19.00"),
            "[{label}] {shown}"
        );

        let err = admin.fails(
            2,
            &[
                "articles",
                "create",
                "LIVRE-42",
                "--designation",
                "Doublon",
                "--price",
                "1",
            ],
        );
        assert!(err.contains("LIVRE-42 already exists"), "[{label}] {err}");
        let err = admin.fails(
            2,
            &[
                "articles",
                "create",
                "X-1",
                "--designation",
                "X",
                "--price",
                "1",
                "--vat-code",
                "NOPE",
            ],
        );
        assert!(
            err.contains("VAT code NOPE does not exist"),
            "[{label}] {err}"
        );
        let err = admin.fails(2, &["articles", "show", "NOPE-1"]);
        assert!(
            err.contains("article NOPE-1 does not exist"),
            "[{label}] {err}"
        );
        let err = admin.fails(
            2,
            &[
                "articles",
                "create",
                "X-2",
                "--designation",
                "X",
                "--price",
                "12,50",
            ],
        );
        assert!(err.contains("--price"), "[{label}] {err}");
        let list = admin.json(&["articles", "list"]);
        assert_eq!(list["total"], 1, "[{label}] {list}");
    });
}

#[test]
fn the_catalogue_goes_out_and_back_in_as_csv() {
    each_database("catalogue_round_trip", |db| {
        let admin = Admin::on(db);
        let label = admin.label();
        admin.ok(&["demo-data"]);
        let exported = admin.ok(&["articles", "export"]);
        let lines: Vec<&str> = exported.lines().collect();
        assert_eq!(lines[0], HEADER, "[{label}]");
        assert_eq!(
            lines.len(),
            10,
            "[{label}] nine articles and the header: {exported}"
        );
        let vis = "VIS-M6,\"Vis M6 x 40, boîte de 100\",8.90,NORMAL,1,50,240";
        assert!(lines.contains(&vis), "[{label}] {exported}");
        let file = std::env::temp_dir().join(format!(
            "oms-e2e-catalogue-{}-{label}.csv",
            std::process::id()
        ));
        admin.ok(&["articles", "export", "--output", file.to_str().unwrap()]);
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            exported,
            "[{label}]"
        );

        // The file as exported changes nothing.
        let report = admin.json(&["articles", "import", file.to_str().unwrap(), "--yes"]);
        assert_eq!(
            report["unchanged"].as_array().unwrap().len(),
            9,
            "[{label}] {report}"
        );
        assert_eq!(report["created"], serde_json::json!([]));
        assert_eq!(report["updated"], serde_json::json!([]));
        assert_eq!(report["stock_changes"], serde_json::json!([]));

        // Edited: a price and a stock changed, an article added.
        let edited = exported.replace(
            vis,
            "VIS-M6,\"Vis M6 x 40, boîte de 100\",9.10,NORMAL,1,50,200",
        ) + "ZZ-NEW,\"Nouvel article\nsur deux lignes\",2.00,REDUIT,1,,15\n";
        let report = admin.json_with_input(&["articles", "import", "-", "--yes"], &edited);
        assert_eq!(
            report["created"],
            serde_json::json!(["ZZ-NEW"]),
            "[{label}] {report}"
        );
        assert_eq!(
            report["updated"],
            serde_json::json!(["VIS-M6"]),
            "[{label}] {report}"
        );
        assert_eq!(
            report["stock_changes"],
            serde_json::json!([
                {"reference": "VIS-M6", "before": 240, "after": 200},
                {"reference": "ZZ-NEW", "before": 0, "after": 15},
            ]),
            "[{label}]"
        );
        // Exported again, the catalogue is the edited file.
        assert_eq!(admin.ok(&["articles", "export"]), edited, "[{label}]");
        let shown = admin.ok(&["articles", "show", "VIS-M6"]);
        assert!(shown.contains("import catalogue"), "[{label}] {shown}");
        assert!(
            shown.contains("unit_price: 8.90 → 9.10"),
            "[{label}] {shown}"
        );

        // Columns in any order, optional ones left out: the stock stays.
        let report = admin.json_with_input(
            &["articles", "import", "-", "--yes"],
            "designation,reference,unit_price\nNouveau nom,zz-new,2.00\n",
        );
        assert_eq!(
            report["updated"],
            serde_json::json!(["ZZ-NEW"]),
            "[{label}] {report}"
        );
        assert_eq!(stock(&admin, "ZZ-NEW"), 15, "[{label}]");
        let text = admin.ok_with_input(
            &["articles", "import", "-", "--yes"],
            "reference,designation,unit_price\nZZ-NEW,Nouveau nom,2.00\n",
        );
        assert!(
            text.contains("0 created, 0 updated, 1 unchanged"),
            "[{label}] {text}"
        );
    });
}

#[test]
fn a_malformed_catalogue_is_refused_whole_naming_each_bad_line() {
    each_database("catalogue_malformed", |db| {
        let admin = Admin::on(db);
        let label = admin.label();
        admin.ok(&["demo-data"]);
        let import =
            |text: &str| admin.fails_with_input(2, &["articles", "import", "-", "--yes"], text);
        let nothing_imported = || {
            admin.fails(2, &["articles", "show", "NEW-A"]);
            assert_eq!(stock(&admin, "VIS-M6"), 240, "[{label}]");
        };

        // Line 2 is good, line 3 too (its quoted designation runs onto line 4), line 5 is
        // not: nothing is imported, and the line named is the file's.
        let err = import(&format!(
            "{HEADER}\nNEW-A,Nouveau,1.00,,1,,5\nVIS-M6,\"Vis\nM6\",8.90,NORMAL,1,50,1\nNEW-B,Autre,abc,,1,,5\n"
        ));
        assert!(
            err.starts_with("error: invalid_csv: nothing was imported"),
            "[{label}] {err}"
        );
        assert!(err.contains("line 5, field unit_price"), "[{label}] {err}");
        assert!(
            !err.contains("line 2") && !err.contains("line 3"),
            "[{label}] {err}"
        );
        nothing_imported();

        // Every bad row is named.
        let err = import(&format!(
            "{HEADER}\nNEW-A,Nouveau,1.00,,1,,5\nNEW-A,Encore,1.00,,1,,5\n,Sans référence,1.00,,0,,-2\nNEW-C,Trop court\n"
        ));
        for expected in [
            "line 3, field reference: NEW-A is already on line 2",
            "line 4, field reference",
            "line 4, field min_quantity",
            "line 4, field stock",
            "line 5: 2 fields",
        ] {
            assert!(err.contains(expected), "[{label}] {expected}: {err}");
        }
        nothing_imported();

        // A VAT code the catalogue does not know is found inside the transaction: still
        // nothing is written.
        let err = import(&format!(
            "{HEADER}\nNEW-A,Nouveau,1.00,,1,,5\nVIS-M6,Vis,8.90,NOPE,1,,1\n"
        ));
        assert!(
            err.contains("line 3, field vat_code: VAT code NOPE does not exist"),
            "[{label}] {err}"
        );
        nothing_imported();
        let err = import(&format!("{HEADER}\nNEW-A,Nouveau,1.00,,5,2,5\n"));
        assert!(
            err.contains("line 2, field max_per_order"),
            "[{label}] {err}"
        );

        let err = import("reference,price\nNEW-A,1\n");
        assert!(
            err.contains("line 1: unknown column \"price\""),
            "[{label}] {err}"
        );
        assert!(
            err.contains("the column unit_price is missing"),
            "[{label}] {err}"
        );
        let err = import("");
        assert!(err.contains("empty"), "[{label}] {err}");
        let err = import(&format!("{HEADER}\n"));
        assert!(err.contains("no article"), "[{label}] {err}");
        nothing_imported();

        // A good file is not imported without a confirmation.
        let err = admin.fails_with_input(
            2,
            &["articles", "import", "-"],
            &format!("{HEADER}\nNEW-A,Nouveau,1.00,,1,,5\n"),
        );
        assert!(err.contains("add --yes"), "[{label}] {err}");
        nothing_imported();
        let missing = admin.run(&["articles", "import", "/no/such/catalogue.csv", "--yes"]);
        assert_eq!(missing.status, 1, "[{label}] {}", missing.stderr);
        assert!(
            missing
                .stderr
                .contains("cannot read /no/such/catalogue.csv"),
            "[{label}] {}",
            missing.stderr
        );
    });
}
