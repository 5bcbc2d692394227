//! Every worked case of `pricing-vectors.json` (shared with the product documents, copied
//! here so that the crate's tests run anywhere), priced through the pricing document.

// A test fails by panicking, helpers included.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::str::FromStr;

use domain::pricing::PricingDocument;
use rust_decimal::Decimal;
use serde_json::Value;

const VECTORS: &str = include_str!("data/pricing-vectors.json");

/// Compares two JSON trees, decimals by value: `"20"` equals `"20.00"`.
fn same_by_value(path: &str, expected: &Value, actual: &Value) -> Result<(), String> {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            let mut keys: Vec<&String> = e.keys().chain(a.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                let (Some(ev), Some(av)) = (e.get(key), a.get(key)) else {
                    return Err(format!("{path}.{key}: present on one side only"));
                };
                same_by_value(&format!("{path}.{key}"), ev, av)?;
            }
            Ok(())
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                return Err(format!(
                    "{path}: {} items expected, {} found",
                    e.len(),
                    a.len()
                ));
            }
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                same_by_value(&format!("{path}[{i}]"), ev, av)?;
            }
            Ok(())
        }
        (Value::String(e), Value::String(a)) => {
            let (de, da) = (Decimal::from_str(e), Decimal::from_str(a));
            match (de, da) {
                (Ok(de), Ok(da)) if de == da => Ok(()),
                _ if e == a => Ok(()),
                _ => Err(format!("{path}: expected {e}, found {a}")),
            }
        }
        _ if expected == actual => Ok(()),
        _ => Err(format!("{path}: expected {expected}, found {actual}")),
    }
}

#[test]
fn every_vector_prices_as_expected() {
    let cases: Vec<Value> = serde_json::from_str(VECTORS).unwrap();
    assert!(
        cases.len() >= 60,
        "the vectors file lost cases: {}",
        cases.len()
    );
    let mut failures = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let document: PricingDocument = serde_json::from_value(case["input"].clone())
            .unwrap_or_else(|e| panic!("case {i}: the input does not parse: {e}"));
        let outcome = document.price();
        match (case.get("expected"), case.get("error"), outcome) {
            (Some(expected), None, Ok(pricing)) => {
                let actual = serde_json::to_value(&pricing).unwrap();
                if let Err(why) = same_by_value("$", expected, &actual) {
                    failures.push(format!("case {i}: {why}"));
                }
            }
            (None, Some(code), Err(err)) => {
                if code.as_str() != Some(err.code()) {
                    failures.push(format!(
                        "case {i}: expected error {code}, got {}: {err}",
                        err.code()
                    ));
                }
            }
            (_, _, outcome) => failures.push(format!("case {i}: unexpected outcome {outcome:?}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases fail:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// The copy above must be the product's own file: when the product documents are beside
/// the repository (always in CI), they are compared.
#[test]
fn the_vectors_are_the_products_own() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/pricing-vectors.json");
    match std::fs::read_to_string(&shared) {
        Ok(original) => {
            let (a, b): (Value, Value) = (
                serde_json::from_str(&original).unwrap(),
                serde_json::from_str(VECTORS).unwrap(),
            );
            assert_eq!(
                a,
                b,
                "crates/domain/tests/data/pricing-vectors.json differs from {}",
                shared.display()
            );
        }
        Err(e) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must have {}: {e}",
                shared.display()
            );
            eprintln!(
                "note: {} not found; the vendored copy of the vectors was used",
                shared.display()
            );
        }
    }
}

#[test]
fn error_messages_name_the_line_and_the_field() {
    let document: PricingDocument = serde_json::from_str(
        r#"{"lines": [{"quantity": 1, "unit_price": "1", "vat_rate": "20"},
                      {"quantity": 1, "unit_price": "abc", "vat_rate": "20"}]}"#,
    )
    .unwrap();
    let err = document.price().unwrap_err();
    assert_eq!(err.code(), "invalid_unit_price");
    assert_eq!(err.line(), Some(2));
    assert_eq!(err.field(), "unit_price");
    assert!(
        err.to_string().contains("line 2, field unit_price"),
        "{err}"
    );
    assert!(err.to_string().contains("\"abc\""), "{err}");
}

#[test]
fn values_of_the_wrong_type_get_their_fields_code() {
    for (line, code) in [
        (
            r#"{"quantity": "3", "unit_price": "1", "vat_rate": "20"}"#,
            "invalid_quantity",
        ),
        (
            r#"{"quantity": [3], "unit_price": "1", "vat_rate": "20"}"#,
            "invalid_quantity",
        ),
        (
            r#"{"quantity": 99999999999999999999, "unit_price": "1", "vat_rate": "20"}"#,
            "invalid_quantity",
        ),
        (
            r#"{"unit_price": "1", "vat_rate": "20"}"#,
            "invalid_quantity",
        ),
        (
            r#"{"quantity": 1, "unit_price": 12.5, "vat_rate": "20"}"#,
            "invalid_unit_price",
        ),
        (
            r#"{"quantity": 1, "unit_price": "1e3", "vat_rate": "20"}"#,
            "invalid_unit_price",
        ),
        (
            r#"{"quantity": 1, "unit_price": "99999999999999999999999999999999", "vat_rate": "20"}"#,
            "invalid_unit_price",
        ),
        (
            r#"{"quantity": 1, "unit_price": "1", "vat_rate": true}"#,
            "invalid_vat_rate",
        ),
        (
            r#"{"quantity": 1, "unit_price": "1", "discount": {}, "vat_rate": "20"}"#,
            "invalid_discount",
        ),
    ] {
        let document: PricingDocument =
            serde_json::from_str(&format!(r#"{{"lines": [{line}]}}"#)).unwrap();
        assert_eq!(document.price().unwrap_err().code(), code, "{line}");
    }
    let whole: PricingDocument = serde_json::from_str(
        r#"{"lines": [{"quantity": 2, "unit_price": 3, "vat_rate": 20}], "global_discount": 1}"#,
    )
    .unwrap();
    assert_eq!(
        whole.price().unwrap().total_ttc,
        Decimal::from_str("6.00").unwrap()
    );
}

#[test]
fn unknown_fields_are_refused() {
    let parsed = serde_json::from_str::<PricingDocument>(
        r#"{"lines": [{"quantity": 1, "unit_price": "1", "vat_rate": "20", "vat": "3"}]}"#,
    );
    assert!(parsed
        .unwrap_err()
        .to_string()
        .contains("unknown field `vat`"));
}
