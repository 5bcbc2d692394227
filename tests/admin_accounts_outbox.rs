//! `oms-admin create-admin` and `oms-admin outbox` as shipped, on a real database: the
//! first administrator (password never shown, never defaulted), and the messages waiting
//! to be sent.

// A test fails by panicking, helpers included.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use oms_e2e::admin::Admin;
use oms_e2e::databases::each_database;

#[test]
fn the_first_administrator_is_created_from_the_command_line() {
    each_database("create_admin", |db| {
        let admin = Admin::on(db);
        let label = admin.label();
        // Without a terminal, a password source must be given.
        let err = admin.fails(2, &["create-admin", "admin@example.fr"]);
        assert!(err.contains("--password-stdin"), "[{label}] {err}");
        // Too short: refused, nothing created.
        let err = admin.fails_with_input(
            2,
            &["create-admin", "admin@example.fr", "--password-stdin"],
            "short\n",
        );
        assert!(err.contains("at least 12 characters"), "[{label}] {err}");
        assert!(
            !err.contains("short"),
            "[{label}] the password is never shown: {err}"
        );

        let out = admin.ok_with_input(
            &["create-admin", "Admin@Example.fr", "--password-stdin"],
            "a long and secret phrase\n",
        );
        assert!(
            out.contains("Created administrator admin@example.fr"),
            "[{label}] {out}"
        );
        assert!(
            !out.contains("secret phrase"),
            "[{label}] the password is never shown: {out}"
        );

        let file =
            std::env::temp_dir().join(format!("oms-e2e-password-{}-{label}", std::process::id()));
        std::fs::write(&file, "another long secret\n").unwrap();
        let json = admin.json(&[
            "create-admin",
            "ops@example.fr",
            "--password-file",
            file.to_str().unwrap(),
        ]);
        assert_eq!(json["login"], "ops@example.fr", "[{label}] {json}");
        assert_eq!(json["role"]["kind"], "admin", "[{label}] {json}");
        assert!(json.get("password_hash").is_none(), "[{label}] {json}");
        let _ = std::fs::remove_file(&file);

        let err = admin.fails_with_input(
            2,
            &["create-admin", "admin@example.fr", "--password-stdin"],
            "yet another phrase\n",
        );
        assert!(err.contains("already exists"), "[{label}] {err}");
        let err = admin.fails(2, &["create-admin", "not-an-email", "--password-stdin"]);
        assert!(err.contains("email"), "[{label}] {err}");
    });
}

#[test]
fn the_outbox_lists_waiting_messages_and_retries_only_failed_ones() {
    each_database("outbox", |db| {
        let admin = Admin::on(db);
        let label = admin.label();
        admin.ok(&["demo-data"]);
        // The demo's validated orders queued their customers' confirmations.
        let pending = admin.json(&["outbox", "list"]);
        let messages = pending.as_array().unwrap();
        assert!(!messages.is_empty(), "[{label}] {pending}");
        assert!(
            messages.iter().all(|m| m["status"] == "pending"),
            "[{label}] {pending}"
        );
        assert!(
            messages.iter().any(|m| m["topic"] == "order_confirmation"),
            "[{label}] {pending}"
        );
        let table = admin.ok(&["outbox", "list"]);
        assert!(table.contains("order_confirmation"), "[{label}] {table}");
        assert!(
            admin
                .ok(&["outbox", "list", "--failed"])
                .contains("No failed message."),
            "[{label}]"
        );

        // Only a failed message is retried.
        let id = messages[0]["id"].as_str().unwrap();
        let err = admin.fails(2, &["outbox", "retry", id]);
        assert!(
            err.contains("only a failed message is retried"),
            "[{label}] {err}"
        );
        let err = admin.fails(
            2,
            &["outbox", "retry", "0190f5e2-7b1c-7c3e-9a55-2f1d3c4b5a69"],
        );
        assert!(err.contains("does not exist"), "[{label}] {err}");
        let err = admin.fails(2, &["outbox", "retry", "42"]);
        assert!(err.contains("outbox list --failed"), "[{label}] {err}");
    });
}
