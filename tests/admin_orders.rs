//! `oms-admin orders` as shipped, on a real database (SQLite, and PostgreSQL when one is
//! given): the lifecycle of orders through the command line, refusals (unknown number,
//! illegal state change, no confirmation), searches and the CSV export.

// A test fails by panicking, helpers included.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use oms_e2e::admin::{admin_binary, Admin};
use oms_e2e::databases::{each_database, sqlite};
use oms_e2e::run_with_env;
use serde_json::Value;

fn state(admin: &Admin, number: &str) -> String {
    admin.json(&["orders", "show", number])["order"]["state"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn stock(admin: &Admin, reference: &str) -> u64 {
    admin.json(&["articles", "show", reference])["article"]["stock"]
        .as_u64()
        .unwrap()
}

fn numbers(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["number"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn an_order_lives_its_life_through_the_command_line() {
    each_database("order_lifecycle", |db| {
        let admin = Admin::on(db);
        let label = admin.label();
        admin.ok(&["demo-data"]);
        let drafts = admin.json(&["orders", "search", "--state", "draft"]);
        let mut found = numbers(&drafts);
        found.sort();
        assert_eq!(found, ["LYO-000001", "PAR-000002"], "[{label}] {drafts}");

        // Shown with lines, totals, VAT breakdown and history.
        let text = admin.ok(&["orders", "show", "PAR-000001"]);
        for expected in [
            "Order PAR-000001  VALIDATED",
            "Élodie Durand",
            "VIS-M6",
            "POSE-HEURE",
            "VAT breakdown:",
            "Total to pay      263.06",
            "Actions now:      fulfil, cancel",
        ] {
            assert!(text.contains(expected), "[{label}] {expected}: {text}");
        }
        let shown = admin.json(&["orders", "find", "par-1"]);
        assert_eq!(shown["order"]["number"], "PAR-000001", "[{label}]");
        assert_eq!(
            shown["order"]["pricing"]["total_ttc"], "263.06",
            "[{label}] {shown}"
        );
        let rates: Vec<&str> = shown["order"]["pricing"]["vat_breakdown"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["rate"].as_str().unwrap())
            .collect();
        assert_eq!(rates, ["10", "20"], "[{label}]");

        // Validate a draft: its stock is taken.
        assert_eq!(stock(&admin, "SAC-CIMENT"), 3);
        let validated = admin.json(&[
            "orders",
            "validate",
            "PAR-000002",
            "--reason",
            "accord du client",
        ]);
        assert_eq!(
            validated["order"]["state"], "VALIDATED",
            "[{label}] {validated}"
        );
        assert_eq!(stock(&admin, "SAC-CIMENT"), 1, "[{label}]");
        // Fulfil it; then it is closed.
        let out = admin.ok(&["orders", "fulfil", "PAR-000002"]);
        assert!(out.contains("is now FULFILLED"), "[{label}] {out}");
        let err = admin.fails(2, &["orders", "fulfil", "PAR-000002"]);
        assert!(
            err.contains("illegal_state_change: the order is FULFILLED: it cannot be fulfilled"),
            "[{label}] {err}"
        );

        // Cancel a validated order: confirmation needed; with it, the stock goes back.
        assert_eq!(stock(&admin, "VIS-M6"), 240);
        let err = admin.fails(2, &["orders", "cancel", "PAR-000001"]);
        assert!(
            err.contains("confirmation_needed") && err.contains("--yes"),
            "[{label}] {err}"
        );
        assert_eq!(
            state(&admin, "PAR-000001"),
            "VALIDATED",
            "[{label}] not cancelled"
        );
        let err = admin.fails_with_input(2, &["orders", "cancel", "PAR-000001"], "y\n");
        assert!(
            err.contains("--yes"),
            "[{label}] a pipe is not a terminal: {err}"
        );
        let cancelled = admin.json(&[
            "orders",
            "cancel",
            "PAR-000001",
            "--yes",
            "--reason",
            "client injoignable",
        ]);
        assert_eq!(cancelled["state"], "CANCELLED", "[{label}] {cancelled}");
        assert_eq!(
            stock(&admin, "VIS-M6"),
            250,
            "[{label}] the stock went back"
        );
        let history = admin.json(&["orders", "show", "PAR-000001"])["order"]["history"].clone();
        let last = history.as_array().unwrap().last().unwrap().clone();
        assert_eq!(last["from"], "VALIDATED", "[{label}] {history}");
        assert_eq!(last["to"], "CANCELLED");
        assert_eq!(last["by"], "cli:e2e");
        assert_eq!(last["reason"], "client injoignable");
        let err = admin.fails(2, &["orders", "fulfil", "PAR-000001"]);
        assert!(
            err.contains("the order is CANCELLED: it cannot be fulfilled"),
            "[{label}] {err}"
        );

        // Delete a draft: confirmation needed; then it is left out of searches.
        let err = admin.fails(2, &["orders", "delete", "LYO-000001"]);
        assert!(err.contains("--yes"), "[{label}] {err}");
        admin.ok(&["orders", "delete", "LYO-000001", "--yes"]);
        assert_eq!(state(&admin, "LYO-000001"), "DELETED");
        let all = admin.json(&["orders", "search"]);
        assert!(
            !numbers(&all).contains(&"LYO-000001".to_owned()),
            "[{label}] {all}"
        );
        let deleted = admin.json(&["orders", "search", "--state", "deleted"]);
        assert_eq!(numbers(&deleted), ["LYO-000001"], "[{label}]");

        // A draft taken by phone, rescheduled, then refused for want of stock.
        let draft = admin.json(&[
            "orders",
            "create-draft",
            "--customer",
            "zoe.nguyen@example.fr",
            "--site",
            "PAR",
            "--source",
            "phone",
            "--line",
            "SAC-CIMENT:4",
            "--line",
            "GANTS-T9:2:1.00",
        ]);
        let number = draft["number"].as_str().unwrap().to_owned();
        assert_eq!(number, "PAR-000003", "[{label}] {draft}");
        assert_eq!(draft["state"], "DRAFT");
        let ordered = draft["ordered_at"].as_str().unwrap()[..10].to_owned();
        let year: i32 = ordered[..4].parse().unwrap();
        let later = format!("{}-06-15", year + 1);
        let out = admin.ok(&["orders", "reschedule", &number, &later]);
        assert!(out.contains(&format!("-> {later}")), "[{label}] {out}");
        let text = admin.ok(&["orders", "show", &number]);
        assert!(
            text.contains(&format!("Planned delivery: {later}")),
            "[{label}] {text}"
        );
        let shown = admin.json(&["orders", "show", &number]);
        let changes = shown["changes"].to_string();
        assert!(changes.contains("planned_delivery"), "[{label}] {changes}");
        let err = admin.fails(
            2,
            &[
                "orders",
                "reschedule",
                &number,
                &format!("{}-01-01", year - 1),
            ],
        );
        assert!(err.contains("before the order date"), "[{label}] {err}");
        let err = admin.fails(2, &["orders", "validate", &number]);
        assert!(
            err.contains("insufficient_stock") && err.contains("SAC-CIMENT (4 asked, 1 available)"),
            "[{label}] {err}"
        );
        assert_eq!(state(&admin, &number), "DRAFT", "[{label}]");
        let err = admin.fails(2, &["orders", "cancel", &number, "--yes"]);
        assert!(
            err.contains("the order is DRAFT: it cannot be cancelled"),
            "[{label}] {err}"
        );
        assert!(
            err.contains("validate, delete"),
            "[{label}] what is allowed: {err}"
        );
    });
}

#[test]
fn unknown_numbers_and_bad_input_are_refused_with_status_2() {
    each_database("order_refusals", |db| {
        let admin = Admin::on(db);
        let label = admin.label();
        admin.ok(&["demo-data"]);
        for args in [
            vec!["orders", "show", "WEB-000042"],
            vec!["orders", "cancel", "WEB-000042"],
            vec!["orders", "validate", "WEB-42"],
            vec!["orders", "fulfil", "WEB-000042"],
            vec!["orders", "delete", "WEB-000042"],
            vec!["orders", "reschedule", "WEB-000042", "2030-01-01"],
        ] {
            let err = admin.fails(2, &args);
            assert!(
                err.contains("not_found: order WEB-000042 does not exist")
                    && err.contains("oms-admin orders search"),
                "[{label}] {args:?}: {err}"
            );
        }
        let err = admin.fails(2, &["orders", "show", "42"]);
        assert!(
            err.contains("PAR-000042"),
            "[{label}] says what a number looks like: {err}"
        );
        let err = admin.fails(2, &["orders", "search", "--state", "shipped"]);
        assert!(err.contains("draft, validated"), "[{label}] {err}");
        let err = admin.fails(2, &["orders", "search", "--from", "12/05/2026"]);
        assert!(err.contains("YYYY-MM-DD"), "[{label}] {err}");
        let err = admin.fails(2, &["orders", "search", "--site", "XYZ"]);
        assert!(err.contains("site XYZ does not exist"), "[{label}] {err}");
        let err = admin.fails(
            2,
            &[
                "orders",
                "search",
                "--from",
                "2026-05-10",
                "--until",
                "2026-05-01",
            ],
        );
        assert!(err.contains("until"), "[{label}] {err}");
        let err = admin.fails(
            2,
            &[
                "orders",
                "create-draft",
                "--customer",
                "0612345678",
                "--site",
                "PAR",
                "--line",
                "NOPE:1",
            ],
        );
        assert!(
            err.contains("invalid_lines") && err.contains("article NOPE does not exist"),
            "[{label}] {err}"
        );
        let err = admin.fails(
            2,
            &[
                "orders",
                "create-draft",
                "--customer",
                "0612345678",
                "--site",
                "PAR",
                "--line",
                "VIS-M6",
            ],
        );
        assert!(err.contains("REFERENCE:QUANTITY"), "[{label}] {err}");
        let err = admin.fails(
            2,
            &[
                "orders",
                "create-draft",
                "--customer",
                "0612345678",
                "--site",
                "PAR",
                "--line",
                "VIS-M6:51",
            ],
        );
        assert!(err.contains("above the maximum of 50"), "[{label}] {err}");
        let err = admin.fails(2, &["orders", "validate", "WEB-000001"]);
        assert!(
            err.contains("the order is VALIDATED: it cannot be validated"),
            "[{label}] {err}"
        );
        // Refusals changed nothing.
        assert_eq!(state(&admin, "WEB-000001"), "VALIDATED");
        assert_eq!(admin.json(&["orders", "search"])["total"], 4, "[{label}]");
    });
}

#[test]
fn orders_are_searched_and_exported() {
    each_database("order_search_export", |db| {
        let admin = Admin::on(db);
        let label = admin.label();
        admin.ok(&["demo-data"]);
        let all = admin.json(&["orders", "search"]);
        assert_eq!(all["total"], 4, "[{label}] {all}");
        let day = all["items"][0]["ordered_at"].as_str().unwrap()[..10].to_owned();
        let year: i32 = day[..4].parse().unwrap();

        let by_site = admin.json(&["orders", "search", "--site", "par"]);
        let mut found = numbers(&by_site);
        found.sort();
        assert_eq!(found, ["PAR-000001", "PAR-000002"], "[{label}]");
        assert_eq!(
            numbers(&admin.json(&["orders", "search", "--source", "online"])),
            ["WEB-000001"]
        );
        assert_eq!(
            numbers(&admin.json(&["orders", "search", "--customer", "07 98 76 54 32"])),
            ["WEB-000001"],
            "[{label}]"
        );
        let validated_at_par =
            admin.json(&["orders", "search", "--state", "validated", "--site", "PAR"]);
        assert_eq!(numbers(&validated_at_par), ["PAR-000001"], "[{label}]");
        let today = admin.json(&["orders", "search", "--from", &day, "--until", &day]);
        assert_eq!(today["total"], 4, "[{label}] both days included");
        let next_year = admin.json(&["orders", "search", "--from", &format!("{}-01-01", year + 1)]);
        assert_eq!(next_year["total"], 0, "[{label}]");
        let page = admin.json(&["orders", "search", "--limit", "1", "--offset", "1"]);
        assert_eq!(page["items"].as_array().unwrap().len(), 1, "[{label}]");
        assert_eq!(page["total"], 4);
        let table = admin.ok(&["orders", "search", "--customer", "elodie"]);
        assert!(
            table.contains("NUMBER")
                && table.contains("PAR-000001")
                && table.contains("Élodie Durand"),
            "[{label}] {table}"
        );

        let csv = admin.ok(&["orders", "export", "--state", "validated"]);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(
            lines[0],
            "number,state,source,site,customer_id,customer_name,ordered_at,planned_delivery,total_ttc",
            "[{label}]"
        );
        assert_eq!(lines.len(), 3, "[{label}] {csv}");
        assert!(
            csv.contains("PAR-000001,VALIDATED,phone,PAR,"),
            "[{label}] {csv}"
        );
        assert!(
            csv.contains(",Élodie Durand,") && csv.contains(",263.06"),
            "[{label}] {csv}"
        );
        assert!(
            csv.contains("WEB-000001,VALIDATED,online,WEB,"),
            "[{label}] {csv}"
        );
        let file =
            std::env::temp_dir().join(format!("oms-e2e-orders-{}-{label}.csv", std::process::id()));
        let out = admin.run(&["orders", "export", "--output", file.to_str().unwrap()]);
        assert_eq!(out.status, 0, "[{label}] {}", out.stderr);
        assert_eq!(
            std::fs::read_to_string(&file).unwrap().lines().count(),
            5,
            "[{label}]"
        );
    });
}

#[test]
fn a_person_at_a_terminal_is_asked_to_confirm() {
    // `script` gives the command a terminal, and passes what is typed on to it.
    let has_script = std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_script {
        eprintln!("SKIPPED a_person_at_a_terminal_is_asked_to_confirm: no `script` command");
        return;
    }
    let db = sqlite("order_confirm_terminal");
    let admin = Admin::on(&db);
    admin.ok(&["demo-data"]);
    let at_terminal = |answer: &str| {
        let command = format!("'{}' orders cancel PAR-000001", admin_binary().display());
        run_with_env(
            std::path::Path::new("script"),
            &["-qec", &command, "/dev/null"],
            answer,
            &[("DATABASE_URL", db.url.as_str()), ("USER", "e2e")],
        )
    };
    let refused = at_terminal("n\n");
    assert_eq!(refused.status, 2, "{}", refused.stdout);
    assert!(
        refused.stdout.contains("Cancel order PAR-000001? [y/N]"),
        "{}",
        refused.stdout
    );
    assert!(
        refused.stdout.contains("not confirmed"),
        "{}",
        refused.stdout
    );
    assert_eq!(state(&admin, "PAR-000001"), "VALIDATED");
    let confirmed = at_terminal("y\n");
    assert_eq!(confirmed.status, 0, "{}", confirmed.stdout);
    assert_eq!(state(&admin, "PAR-000001"), "CANCELLED");
}
