//! The invariants of pricing, for any valid order, and the refusal of any bad input with
//! one of the documented codes, never a panic.

// A test fails by panicking, helpers included.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use domain::money::{Amount, Quantity, UnitPrice};
use domain::pricing::{price, LineInput, Pricing, PricingDocument};
use domain::vat::VatRate;
use proptest::prelude::*;
use rust_decimal::Decimal;

fn unit_price() -> impl Strategy<Value = UnitPrice> {
    prop_oneof![
        (0i64..100_000_000, 0u32..=4),
        // A few cents: where rounding residuals are largest relative to the amounts.
        (0i64..5, Just(2u32)),
    ]
    .prop_map(|(units, scale)| UnitPrice::new(Decimal::new(units, scale)).unwrap())
}

fn vat_rate() -> impl Strategy<Value = VatRate> {
    prop_oneof![
        Just(Decimal::new(20, 0)),
        Just(Decimal::new(10, 0)),
        Just(Decimal::new(55, 1)),
        Just(Decimal::new(21, 1)),
        Just(Decimal::ZERO),
        (0i64..=1_000_000).prop_map(|r| Decimal::new(r, 4)),
    ]
    .prop_map(|r| VatRate::new(r).unwrap())
}

fn line() -> impl Strategy<Value = LineInput> {
    (
        prop_oneof![1u32..20, 1u32..=Quantity::MAX],
        unit_price(),
        vat_rate(),
        0u32..=100,
    )
        .prop_map(|(q, unit_price, vat_rate, discount_percent)| {
            let quantity = Quantity::new(q).unwrap();
            let gross = Decimal::from(q) * unit_price.value();
            // A discount between 0 and the gross, in cents, rounded down so it never exceeds it.
            let discount = (gross * Decimal::from(discount_percent) / Decimal::ONE_HUNDRED)
                .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::ToZero);
            LineInput {
                quantity,
                unit_price,
                discount: Amount::new(discount).unwrap(),
                vat_rate,
            }
        })
}

/// An order: lines, and a global discount between 0 and its total before tax.
fn order() -> impl Strategy<Value = (Vec<LineInput>, Amount)> {
    (prop::collection::vec(line(), 1..12), 0u32..=1000).prop_map(|(lines, per_mille)| {
        let total_ht = price(&lines, Amount::ZERO).unwrap().total_ht;
        let discount = (total_ht * Decimal::from(per_mille) / Decimal::from(1000))
            .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::ToZero);
        (lines, Amount::new(discount).unwrap())
    })
}

fn every_amount(p: &Pricing) -> Vec<Decimal> {
    let mut all = vec![
        p.total_ht,
        p.global_discount,
        p.total_ht_net,
        p.total_vat,
        p.total_ttc,
    ];
    for l in &p.lines {
        all.extend([l.net, l.vat, l.total]);
    }
    for s in &p.vat_breakdown {
        all.extend([s.base, s.discount, s.taxable, s.vat]);
    }
    all
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn ttc_is_net_plus_vat((lines, discount) in order()) {
        let p = price(&lines, discount).unwrap();
        prop_assert_eq!(p.total_ttc, p.total_ht_net + p.total_vat);
        prop_assert_eq!(p.total_ht_net, p.total_ht - p.global_discount);
        prop_assert_eq!(p.total_vat, p.vat_breakdown.iter().map(|s| s.vat).sum::<Decimal>());
    }

    #[test]
    fn discount_shares_add_up_exactly((lines, discount) in order()) {
        let p = price(&lines, discount).unwrap();
        let shares: Decimal = p.vat_breakdown.iter().map(|s| s.discount).sum();
        prop_assert_eq!(shares, discount.value());
        let bases: Decimal = p.vat_breakdown.iter().map(|s| s.base).sum();
        prop_assert_eq!(bases, p.total_ht);
        for s in &p.vat_breakdown {
            prop_assert_eq!(s.taxable, s.base - s.discount);
        }
    }

    #[test]
    fn no_amount_is_negative((lines, discount) in order()) {
        let p = price(&lines, discount).unwrap();
        for amount in every_amount(&p) {
            prop_assert!(amount >= Decimal::ZERO, "{} in {:?}", amount, p);
        }
    }

    #[test]
    fn amounts_are_in_cents((lines, discount) in order()) {
        let p = price(&lines, discount).unwrap();
        for amount in every_amount(&p) {
            prop_assert!(amount.normalize().scale() <= 2, "{}", amount);
        }
    }

    #[test]
    fn totals_do_not_depend_on_the_order_of_lines(
        (lines, discount) in order(),
        seed in any::<u64>(),
    ) {
        let mut shuffled = lines.clone();
        // A deterministic shuffle from the seed (Fisher-Yates with a xorshift).
        let mut state = seed | 1;
        for i in (1..shuffled.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let j = usize::try_from(state % (i as u64 + 1)).unwrap();
            shuffled.swap(i, j);
        }
        let (a, b) = (price(&lines, discount).unwrap(), price(&shuffled, discount).unwrap());
        prop_assert_eq!(a.total_ht, b.total_ht);
        prop_assert_eq!(a.total_vat, b.total_vat);
        prop_assert_eq!(a.total_ttc, b.total_ttc);
        prop_assert_eq!(a.vat_breakdown, b.vat_breakdown);
    }
}

/// Any JSON scalar or structure, biased towards the edges of each field.
fn raw_value() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        (-5i64..5).prop_map(|n| n.to_string()),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| format!("{f:?}")),
        "[-0-9.eE]{0,40}".prop_map(|s| format!("{s:?}")),
        "\\PC{0,20}".prop_map(|s| serde_json::to_string(&s).unwrap()),
        Just("null".to_owned()),
        Just("true".to_owned()),
        Just("[]".to_owned()),
        Just("{}".to_owned()),
        Just("\"99999999999999999999999999999\"".to_owned()),
        Just("18446744073709551616".to_owned()),
    ]
}

fn raw_line() -> impl Strategy<Value = String> {
    (
        prop::option::of(raw_value()),
        prop::option::of(raw_value()),
        prop::option::of(raw_value()),
        prop::option::of(raw_value()),
    )
        .prop_map(|(q, p, d, r)| {
            let fields: Vec<String> = [
                ("quantity", q),
                ("unit_price", p),
                ("discount", d),
                ("vat_rate", r),
            ]
            .into_iter()
            .filter_map(|(name, value)| value.map(|v| format!("\"{name}\": {v}")))
            .collect();
            format!("{{{}}}", fields.join(", "))
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn bad_input_is_refused_with_a_documented_code(
        lines in prop::collection::vec(raw_line(), 0..5),
        global in prop::option::of(raw_value()),
    ) {
        let mut json = format!("{{\"lines\": [{}]", lines.join(", "));
        if let Some(g) = global {
            json.push_str(&format!(", \"global_discount\": {g}"));
        }
        json.push('}');
        // Only the document's own structure may fail to parse; every value is read loosely.
        let document: PricingDocument = serde_json::from_str(&json)
            .map_err(|e| TestCaseError::fail(format!("{json}: {e}")))?;
        match document.price() {
            Ok(p) => prop_assert_eq!(p.total_ttc, p.total_ht_net + p.total_vat),
            Err(e) => prop_assert!(
                ["empty_order", "invalid_quantity", "invalid_unit_price", "invalid_discount",
                 "invalid_vat_rate", "invalid_global_discount"].contains(&e.code()),
                "{}", e
            ),
        }
    }
}
