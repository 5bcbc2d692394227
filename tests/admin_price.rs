//! `oms-admin price`, run as shipped: every pricing vector through the real binary, and
//! bad input refused with exit status 2 and an error naming the code, line and field.

// A test fails by panicking, helpers included.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::str::FromStr;
use std::sync::OnceLock;

use oms_e2e::{binary, repo_root, run};
use rust_decimal::Decimal;
use serde_json::Value;

fn admin() -> &'static std::path::Path {
    static PATH: OnceLock<std::path::PathBuf> = OnceLock::new();
    PATH.get_or_init(|| binary("oms-admin"))
}

fn decimal(v: &Value) -> Decimal {
    Decimal::from_str(v.as_str().unwrap()).unwrap()
}

#[test]
fn prices_the_example_shipped_in_the_repository() {
    let example = repo_root().join("examples/pricing-document.json");
    let out = run(admin(), &["price", example.to_str().unwrap()], "");
    assert_eq!(out.status, 0, "{}", out.stderr);
    let result: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        decimal(&result["total_ht"]),
        Decimal::from_str("46.48").unwrap()
    );
    assert_eq!(
        decimal(&result["total_vat"]),
        Decimal::from_str("7.00").unwrap()
    );
    assert_eq!(
        decimal(&result["total_ttc"]),
        Decimal::from_str("48.48").unwrap()
    );
    assert_eq!(result["vat_breakdown"][0]["rate"], "5.5");
    assert_eq!(
        decimal(&result["vat_breakdown"][0]["discount"]),
        Decimal::from_str("1.07").unwrap()
    );
    // The same document on standard input gives the same output.
    let text = std::fs::read_to_string(&example).unwrap();
    assert_eq!(run(admin(), &["price"], &text).stdout, out.stdout);
}

#[test]
fn every_vector_through_the_binary() {
    let vectors =
        std::fs::read_to_string(repo_root().join("crates/domain/tests/data/pricing-vectors.json"))
            .unwrap();
    let cases: Vec<Value> = serde_json::from_str(&vectors).unwrap();
    for (i, case) in cases.iter().enumerate() {
        let out = run(admin(), &["price"], &case["input"].to_string());
        if let Some(code) = case["error"].as_str() {
            assert_eq!(out.status, 2, "case {i}: {}", out.stdout);
            assert!(
                out.stderr.starts_with(&format!("error: {code}: ")),
                "case {i}: {}",
                out.stderr
            );
            assert!(
                out.stdout.is_empty(),
                "case {i}: something was priced: {}",
                out.stdout
            );
        } else {
            assert_eq!(out.status, 0, "case {i}: {}", out.stderr);
            let result: Value = serde_json::from_str(&out.stdout).unwrap();
            let expected = &case["expected"];
            for key in [
                "total_ht",
                "total_ht_net",
                "total_vat",
                "total_ttc",
                "global_discount",
            ] {
                assert_eq!(
                    decimal(&result[key]),
                    decimal(&expected[key]),
                    "case {i}: {key}"
                );
            }
        }
    }
}

#[test]
fn bad_input_exits_2_naming_the_code_the_line_and_the_field() {
    let out = run(
        admin(),
        &["price"],
        r#"{"lines": [{"quantity": 1, "unit_price": "1", "vat_rate": "20"},
                      {"quantity": 0, "unit_price": "1", "vat_rate": "20"}]}"#,
    );
    assert_eq!(out.status, 2);
    assert!(
        out.stderr
            .contains("invalid_quantity: line 2, field quantity"),
        "{}",
        out.stderr
    );

    let out = run(
        admin(),
        &["price"],
        "{\"lines\": [\n  {\"quantity\": 1,}\n]}",
    );
    assert_eq!(out.status, 2);
    assert!(
        out.stderr
            .starts_with("error: invalid_document: line 2, column"),
        "{}",
        out.stderr
    );

    let out = run(admin(), &["price"], "");
    assert_eq!(out.status, 2);
    assert!(out.stderr.contains("invalid_document"), "{}", out.stderr);
}

#[test]
fn usage_errors_exit_2_and_help_shows_an_example() {
    let out = run(admin(), &["prize"], "");
    assert_eq!(out.status, 2);
    assert!(out.stderr.contains("price"), "{}", out.stderr);
    let help = run(admin(), &["price", "--help"], "");
    assert_eq!(help.status, 0);
    assert!(help.stdout.contains("Example:"), "{}", help.stdout);
    let missing = run(admin(), &["price", "/nonexistent/document.json"], "");
    assert_eq!(missing.status, 1);
    assert!(
        missing
            .stderr
            .contains("cannot read /nonexistent/document.json"),
        "{}",
        missing.stderr
    );
}
