//! The shop in a real browser: `tests/browser/shop.mjs` drives Debian's Chromium with
//! playwright-core and checks every page with axe-core, against the shipped `oms-api` on a
//! free port, on a fresh SQLite database and then a fresh PostgreSQL one. The SQLite run
//! keeps the main pages' screenshots in `docs/screenshots/`.
//!
//! Needs node, `/usr/bin/chromium` and the npm packages (`npm ci --prefix tests/browser`):
//! without them the test says it is skipped, unless `OMS_REQUIRE_TOOLS=1` (as CI sets),
//! which makes it fail.

use std::path::{Path, PathBuf};
use std::process::Command;

use oms_e2e::admin::Admin;
use oms_e2e::api::Server;
use oms_e2e::databases::{each_database, TestDatabase};
use oms_e2e::repo_root;
use serde_json::json;

const ADMIN_PASSWORD: &str = "a long admin secret";
const PAYMENT_SECRET: &str = "the browser tests' processor secret";
const CHROMIUM: &str = "/usr/bin/chromium";
const INSTALL: &str = "apt-get install -y chromium nodejs npm && npm ci --prefix tests/browser";

fn browser_dir() -> PathBuf {
    repo_root().join("tests").join("browser")
}

/// What is missing to run the browser, if anything.
fn missing_tools() -> Option<String> {
    let mut missing = Vec::new();
    if Command::new("node").arg("--version").output().is_err() {
        missing.push("node is not installed".to_owned());
    }
    if !Path::new(CHROMIUM).exists() {
        missing.push(format!("{CHROMIUM} is not installed"));
    }
    for package in ["playwright-core", "axe-core"] {
        if !browser_dir().join("node_modules").join(package).exists() {
            missing.push(format!("the npm package {package} is not installed"));
        }
    }
    (!missing.is_empty()).then(|| missing.join("; "))
}

#[allow(clippy::panic)]
fn tools_present(test: &str) -> bool {
    let Some(missing) = missing_tools() else {
        return true;
    };
    if std::env::var("OMS_REQUIRE_TOOLS").as_deref() == Ok("1") {
        panic!("{test}: {missing}. Install them with: {INSTALL}");
    }
    eprintln!(
        "SKIPPED {test} because {missing} (install with: {INSTALL}; set OMS_REQUIRE_TOOLS=1 to require)"
    );
    false
}

/// The demo data, an administrator, and the server on them, writing its emails to
/// `mail_dir` and running its outbox worker often.
fn prepared(db: &TestDatabase, mail_dir: &Path) -> (Server, String) {
    let admin = Admin::on(db);
    admin.ok(&["demo-data"]);
    admin.ok_with_input(
        &["create-admin", "admin@example.fr", "--password-stdin"],
        &format!("{ADMIN_PASSWORD}\n"),
    );
    let mail = mail_dir.display().to_string();
    let server = Server::start_with(
        db,
        &[
            ("OMS_TEST_PAYMENT_SECRET", PAYMENT_SECRET),
            ("OMS_MAIL_DIR", &mail),
            ("OMS_OUTBOX_INTERVAL_MS", "100"),
        ],
    );
    let login = server.post(
        "/api/v1/auth/login",
        None,
        &json!({"login": "admin@example.fr", "password": ADMIN_PASSWORD}),
    );
    assert_eq!(login.status, 200, "{}", login.body);
    let token = login.json()["token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    (server, token)
}

#[test]
fn the_shop_in_a_real_browser_with_every_page_accessible() {
    let test = "the_shop_in_a_real_browser_with_every_page_accessible";
    if !tools_present(test) {
        return;
    }
    each_database(test, |db| {
        let mail_dir = std::env::temp_dir().join(format!(
            "oms-e2e-shop-mail-{}-{}",
            std::process::id(),
            db.label
        ));
        let _ = std::fs::remove_dir_all(&mail_dir);
        std::fs::create_dir_all(&mail_dir).unwrap_or_default();
        let (server, token) = prepared(db, &mail_dir);
        let mut node = Command::new("node");
        node.arg(browser_dir().join("shop.mjs"))
            .current_dir(browser_dir())
            .env("BASE_URL", format!("http://{}", server.address))
            .env("ADMIN_TOKEN", &token)
            .env("PAYMENT_SECRET", PAYMENT_SECRET)
            .env("MAIL_DIR", &mail_dir);
        if db.label == "SQLite" {
            node.env(
                "SCREENSHOT_DIR",
                repo_root().join("docs").join("screenshots"),
            );
        }
        let output = node.output();
        let Ok(output) = output else {
            unreachable_node();
        };
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        println!("{} ({}):\n{stdout}{stderr}", test, db.label);
        assert!(
            output.status.success(),
            "the browser scenarios failed on {}:\n{stdout}\n{stderr}",
            db.label
        );
        assert!(stdout.contains("5 passed, 0 failed"), "{stdout}");
        drop(server);
    });
}

#[allow(clippy::panic)]
fn unreachable_node() -> ! {
    panic!("node could not be started although it was found")
}
