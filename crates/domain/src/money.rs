//! Exact money values. Floats never touch money: every amount is a [`Decimal`], and
//! rounding happens only where `docs/pricing.md` says, through [`round`].

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::ValueError;

/// The largest unit price accepted (one billion).
pub const MAX_UNIT_PRICE: Decimal = Decimal::from_parts(1_000_000_000, 0, 0, false, 0);

/// The largest amount accepted (a million billion: [`Quantity::MAX`] units at
/// [`MAX_UNIT_PRICE`]). These bounds keep every product and sum of pricing far inside
/// `Decimal`'s range (about 7.9e28), so pricing arithmetic can never overflow.
pub const MAX_AMOUNT: Decimal = Decimal::from_parts(0xA4C6_8000, 0x38D7E, 0, false, 0);

/// Rounds to cents, half away from zero: the only rounding pricing uses.
pub fn round(value: Decimal) -> Decimal {
    value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// The number of decimal places a value really has ("1.50" has one).
pub fn decimal_places(value: Decimal) -> u32 {
    value.normalize().scale()
}

/// Parses a decimal written in plain notation ("12.50", "-3", "0.001"). Exponents,
/// thousands separators and surrounding spaces are refused, so that what a person reads is
/// what is priced.
///
/// # Errors
/// [`ValueError::Malformed`] naming `what` when `text` is not such a number.
pub fn parse_decimal(text: &str, what: &'static str) -> Result<Decimal, ValueError> {
    let plain = !text.is_empty()
        && text
            .strip_prefix('-')
            .unwrap_or(text)
            .split_once('.')
            .map_or_else(
                || is_digits(text.strip_prefix('-').unwrap_or(text)),
                |(int, frac)| is_digits(int) && is_digits(frac),
            );
    if !plain {
        return Err(ValueError::malformed(
            what,
            text,
            "expected a decimal number such as \"12.50\"",
        ));
    }
    text.parse::<Decimal>()
        .map_err(|_| ValueError::malformed(what, text, "the number is too large or too precise"))
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// A non-negative amount of money with at most two decimal places (a discount, a paid
/// amount), at most [`MAX_AMOUNT`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "Decimal", into = "Decimal")]
pub struct Amount(Decimal);

impl Amount {
    /// Zero euros.
    pub const ZERO: Amount = Amount(Decimal::ZERO);

    /// Builds an amount.
    ///
    /// # Errors
    /// [`ValueError::OutOfRange`] when negative or above [`MAX_AMOUNT`];
    /// [`ValueError::Malformed`] with more than two decimal places.
    pub fn new(value: Decimal) -> Result<Self, ValueError> {
        if value.is_sign_negative() && !value.is_zero() || value > MAX_AMOUNT {
            return Err(ValueError::out_of_range(
                "an amount",
                value,
                "between 0 and 1000000000000000",
            ));
        }
        if decimal_places(value) > 2 {
            return Err(ValueError::malformed(
                "an amount",
                &value.to_string(),
                "at most 2 decimal places",
            ));
        }
        // Amounts always carry cents, so they print and serialise as "1.50", never "1.5".
        let mut cents = value.max(Decimal::ZERO);
        cents.rescale(2);
        Ok(Amount(cents))
    }

    /// The value.
    pub fn value(self) -> Decimal {
        self.0
    }
}

impl TryFrom<Decimal> for Amount {
    type Error = ValueError;
    fn try_from(value: Decimal) -> Result<Self, Self::Error> {
        Amount::new(value)
    }
}

impl From<Amount> for Decimal {
    fn from(amount: Amount) -> Decimal {
        amount.0
    }
}

impl std::fmt::Display for Amount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A unit price before tax: non-negative, at most four decimal places, at most
/// [`MAX_UNIT_PRICE`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "Decimal", into = "Decimal")]
pub struct UnitPrice(Decimal);

impl UnitPrice {
    /// Builds a unit price.
    ///
    /// # Errors
    /// [`ValueError::OutOfRange`] when negative or above [`MAX_UNIT_PRICE`];
    /// [`ValueError::Malformed`] with more than four decimal places.
    pub fn new(value: Decimal) -> Result<Self, ValueError> {
        if value.is_sign_negative() && !value.is_zero() || value > MAX_UNIT_PRICE {
            return Err(ValueError::out_of_range(
                "a unit price",
                value,
                "between 0 and 1000000000",
            ));
        }
        if decimal_places(value) > 4 {
            return Err(ValueError::malformed(
                "a unit price",
                &value.to_string(),
                "at most 4 decimal places",
            ));
        }
        Ok(UnitPrice(value.max(Decimal::ZERO)))
    }

    /// The value.
    pub fn value(self) -> Decimal {
        self.0
    }
}

impl TryFrom<Decimal> for UnitPrice {
    type Error = ValueError;
    fn try_from(value: Decimal) -> Result<Self, Self::Error> {
        UnitPrice::new(value)
    }
}

impl From<UnitPrice> for Decimal {
    fn from(price: UnitPrice) -> Decimal {
        price.0
    }
}

impl std::fmt::Display for UnitPrice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A quantity ordered: a whole number from 1 to [`Quantity::MAX`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct Quantity(u32);

impl Quantity {
    /// The largest quantity one line may carry (one million units).
    pub const MAX: u32 = 1_000_000;

    /// Builds a quantity.
    ///
    /// # Errors
    /// [`ValueError::OutOfRange`] when zero or above [`Quantity::MAX`].
    pub fn new(value: u32) -> Result<Self, ValueError> {
        if value == 0 || value > Self::MAX {
            return Err(ValueError::out_of_range(
                "a quantity",
                value,
                "a whole number from 1 to 1000000",
            ));
        }
        Ok(Quantity(value))
    }

    /// The number of units.
    pub fn get(self) -> u32 {
        self.0
    }
}

impl TryFrom<u32> for Quantity {
    type Error = ValueError;
    fn try_from(value: u32) -> Result<Self, Self::Error> {
        Quantity::new(value)
    }
}

impl From<Quantity> for u32 {
    fn from(q: Quantity) -> u32 {
        q.0
    }
}

impl std::fmt::Display for Quantity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn rounds_half_away_from_zero() {
        assert_eq!(round(d("0.005")), d("0.01"));
        assert_eq!(round(d("0.0049")), d("0.00"));
        assert_eq!(round(d("2.675")), d("2.68"));
        assert_eq!(round(d("-0.005")), d("-0.01"));
    }

    #[test]
    fn counts_real_decimal_places() {
        assert_eq!(decimal_places(d("1.50")), 1);
        assert_eq!(decimal_places(d("1.23450")), 4);
        assert_eq!(decimal_places(d("20")), 0);
    }

    #[test]
    fn parses_plain_decimals_only() {
        assert_eq!(parse_decimal("12.50", "x").unwrap(), d("12.50"));
        assert_eq!(parse_decimal("-3", "x").unwrap(), d("-3"));
        for bad in [
            "", "abc", "1e3", " 1", "1,5", "1.", ".5", "--1", "+1", "1.2.3",
        ] {
            assert!(parse_decimal(bad, "x").is_err(), "{bad:?} accepted");
        }
        assert!(parse_decimal("123456789012345678901234567890123", "x").is_err());
    }

    #[test]
    fn amount_limits() {
        assert!(Amount::new(d("-0.01")).is_err());
        assert!(Amount::new(d("0.001")).is_err());
        assert!(Amount::new(d("1000000000000000.01")).is_err());
        assert!(Amount::new(MAX_AMOUNT).is_ok());
        assert_eq!(MAX_AMOUNT, d("1000000000000000"));
        assert_eq!(Amount::new(d("1.50")).unwrap().to_string(), "1.50");
        assert_eq!(Amount::new(d("-0")).unwrap(), Amount::ZERO);
    }

    #[test]
    fn unit_price_and_quantity_limits() {
        assert!(UnitPrice::new(d("1.23456")).is_err());
        assert!(UnitPrice::new(d("1.23450")).is_ok());
        assert!(UnitPrice::new(d("-1")).is_err());
        assert!(Quantity::new(0).is_err());
        assert!(Quantity::new(Quantity::MAX + 1).is_err());
        assert_eq!(Quantity::new(3).unwrap().get(), 3);
    }
}
