//! Running `oms-admin` as shipped against a test database.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::Value;

use crate::databases::TestDatabase;
use crate::{binary, run_with_env, Run};

/// The `oms-admin` binary, built once per test process.
pub fn admin_binary() -> &'static Path {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| binary("oms-admin"))
}

/// `oms-admin` on one database, run by the user `e2e`.
#[derive(Debug)]
pub struct Admin {
    db: TestDatabase,
}

impl Admin {
    /// `oms-admin` with `DATABASE_URL` set to this database.
    pub fn on(db: &TestDatabase) -> Self {
        Admin { db: db.clone() }
    }

    /// Which database, for messages.
    pub fn label(&self) -> &'static str {
        self.db.label
    }

    /// Runs a command with this standard input (not a terminal).
    pub fn run_with_input(&self, args: &[&str], stdin: &str) -> Run {
        run_with_env(
            admin_binary(),
            args,
            stdin,
            &[
                ("DATABASE_URL", self.db.url.as_str()),
                ("USER", "e2e"),
                ("OMS_ONLINE_SITE", "WEB"),
                ("OMS_LEAD_DAYS", "2"),
            ],
        )
    }

    /// Runs a command with an empty standard input (not a terminal).
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with_input(args, "")
    }

    /// Runs a command that must succeed, and gives its standard output.
    ///
    /// # Panics
    /// When it exits with another status than 0.
    #[allow(clippy::panic)]
    pub fn ok(&self, args: &[&str]) -> String {
        self.ok_with_input(args, "")
    }

    /// As [`Admin::ok`], with this standard input.
    ///
    /// # Panics
    /// When it exits with another status than 0.
    #[allow(clippy::panic)]
    pub fn ok_with_input(&self, args: &[&str], stdin: &str) -> String {
        let out = self.run_with_input(args, stdin);
        if out.status != 0 {
            panic!(
                "[{}] oms-admin {} exited {}: {}{}",
                self.db.label,
                args.join(" "),
                out.status,
                out.stderr,
                out.stdout
            );
        }
        out.stdout
    }

    /// Runs a command with `--json` that must succeed, and parses its output.
    ///
    /// # Panics
    /// When it fails or does not print JSON.
    #[allow(clippy::panic)]
    pub fn json(&self, args: &[&str]) -> Value {
        self.json_with_input(args, "")
    }

    /// As [`Admin::json`], with this standard input.
    ///
    /// # Panics
    /// When it fails or does not print JSON.
    #[allow(clippy::panic)]
    pub fn json_with_input(&self, args: &[&str], stdin: &str) -> Value {
        let mut all = args.to_vec();
        all.push("--json");
        let text = self.ok_with_input(&all, stdin);
        serde_json::from_str(&text).unwrap_or_else(|e| {
            panic!(
                "[{}] oms-admin {} printed no JSON ({e}): {text}",
                self.db.label,
                all.join(" ")
            )
        })
    }

    /// Runs a command that must fail with this status, and gives its standard error.
    ///
    /// # Panics
    /// When it exits with another status, prints nothing on standard error, or a
    /// message not starting with "error: ".
    #[allow(clippy::panic)]
    pub fn fails(&self, status: i32, args: &[&str]) -> String {
        self.fails_with_input(status, args, "")
    }

    /// As [`Admin::fails`], with this standard input.
    ///
    /// # Panics
    /// As [`Admin::fails`].
    #[allow(clippy::panic)]
    pub fn fails_with_input(&self, status: i32, args: &[&str], stdin: &str) -> String {
        let out = self.run_with_input(args, stdin);
        if out.status != status {
            panic!(
                "[{}] oms-admin {} exited {} instead of {status}: {}{}",
                self.db.label,
                args.join(" "),
                out.status,
                out.stderr,
                out.stdout
            );
        }
        assert!(
            out.stderr.starts_with("error: "),
            "[{}] oms-admin {}: {:?}",
            self.db.label,
            args.join(" "),
            out.stderr
        );
        assert!(
            !out.stderr.contains("panicked") && !out.stderr.contains("RUST_BACKTRACE"),
            "{}",
            out.stderr
        );
        out.stderr
    }
}
