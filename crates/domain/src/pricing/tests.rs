use std::str::FromStr;

use super::*;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn line(quantity: u32, unit_price: &str, discount: &str, rate: &str) -> LineInput {
    LineInput {
        quantity: Quantity::new(quantity).unwrap(),
        unit_price: UnitPrice::new(d(unit_price)).unwrap(),
        discount: Amount::new(d(discount)).unwrap(),
        vat_rate: VatRate::new(d(rate)).unwrap(),
    }
}

#[test]
fn prices_the_example_of_pricing_md() {
    let lines = [line(3, "12.50", "1.00", "20"), line(2, "4.99", "0", "5.5")];
    let p = price(&lines, Amount::new(d("5.00")).unwrap()).unwrap();
    assert_eq!(p.lines[0].net, d("36.50"));
    assert_eq!(p.lines[1].vat, d("0.55"));
    assert_eq!(p.total_ht, d("46.48"));
    assert_eq!(p.vat_breakdown[0].discount, d("1.07"));
    assert_eq!(p.vat_breakdown[1].discount, d("3.93"));
    assert_eq!(p.total_vat, d("7.00"));
    assert_eq!(p.total_ttc, d("48.48"));
}

#[test]
fn residual_goes_to_the_highest_rate_on_equal_bases() {
    // Three equal bases of 1.00; 0.01 of discount: each share rounds to 0.00.
    let lines = [
        line(1, "1", "0", "5.5"),
        line(1, "1", "0", "10"),
        line(1, "1", "0", "20"),
    ];
    let p = price(&lines, Amount::new(d("0.01")).unwrap()).unwrap();
    let discounts: Vec<Decimal> = p.vat_breakdown.iter().map(|s| s.discount).collect();
    assert_eq!(discounts, vec![d("0"), d("0"), d("0.01")]);
}

#[test]
fn refuses_a_discount_above_the_line_amount_naming_the_line() {
    let lines = [line(1, "10", "0", "20"), line(1, "10", "10.01", "20")];
    let err = price(&lines, Amount::ZERO).unwrap_err();
    assert_eq!(err.code(), "invalid_discount");
    assert_eq!(err.line(), Some(2));
    assert!(
        err.to_string().starts_with("line 2, field discount"),
        "{err}"
    );
}

#[test]
fn refuses_a_global_discount_above_the_total() {
    let err = price(
        &[line(1, "10", "0", "20")],
        Amount::new(d("10.01")).unwrap(),
    )
    .unwrap_err();
    assert_eq!(err.code(), "invalid_global_discount");
}

#[test]
fn refuses_an_empty_order() {
    assert_eq!(price(&[], Amount::ZERO), Err(PricingError::EmptyOrder));
}
