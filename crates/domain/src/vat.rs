//! VAT rates and codes. An article names a VAT code; the code gives the rate; an article
//! without a code takes the default rate. Orders copy the rate into their lines, so a later
//! change of a code's rate never changes an order already registered.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::money::decimal_places;
use crate::text::bounded_text;
use crate::ValueError;

/// A VAT rate in percent (`20`, `5.5`): from 0 to 100, at most four decimal places.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "Decimal", into = "Decimal")]
pub struct VatRate(Decimal);

impl VatRate {
    /// Builds a rate. Equal rates compare equal whatever their scale (`20` = `20.00`).
    ///
    /// # Errors
    /// [`ValueError::OutOfRange`] outside 0..=100, [`ValueError::Malformed`] with more than
    /// four decimal places.
    pub fn new(percent: Decimal) -> Result<Self, ValueError> {
        if percent.is_sign_negative() && !percent.is_zero() || percent > Decimal::ONE_HUNDRED {
            return Err(ValueError::out_of_range(
                "a VAT rate",
                percent,
                "a percentage from 0 to 100",
            ));
        }
        if decimal_places(percent) > 4 {
            return Err(ValueError::malformed(
                "a VAT rate",
                &percent.to_string(),
                "at most 4 decimal places",
            ));
        }
        // Normalised so that 20 and 20.00 are one rate in the VAT breakdown.
        Ok(VatRate(percent.normalize().max(Decimal::ZERO)))
    }

    /// The rate in percent.
    pub fn percent(self) -> Decimal {
        self.0
    }

    /// The French standard rate, 20 %.
    pub fn standard() -> Self {
        VatRate(Decimal::from(20))
    }
}

impl TryFrom<Decimal> for VatRate {
    type Error = ValueError;
    fn try_from(value: Decimal) -> Result<Self, Self::Error> {
        VatRate::new(value)
    }
}

impl From<VatRate> for Decimal {
    fn from(rate: VatRate) -> Decimal {
        rate.0
    }
}

impl std::fmt::Display for VatRate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The code of a VAT rate, as staff name it (`NORMAL`, `REDUIT`, `TVA-5.5`): 1 to 16
/// characters among upper-case letters, digits, `-`, `_` and `.`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct VatCodeId(String);

impl VatCodeId {
    /// Builds a code; lower-case letters are taken as upper case.
    ///
    /// # Errors
    /// [`ValueError`] when empty, longer than 16 or with other characters.
    pub fn new(raw: &str) -> Result<Self, ValueError> {
        let code = raw.trim().to_ascii_uppercase();
        if code.is_empty() {
            return Err(ValueError::Empty { what: "a VAT code" });
        }
        if code.len() > 16 {
            return Err(ValueError::TooLong {
                what: "a VAT code",
                len: code.chars().count(),
                max: 16,
            });
        }
        if !code
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b"-_.".contains(&b))
        {
            return Err(ValueError::malformed(
                "a VAT code",
                raw,
                "letters, digits, '-', '_' and '.' only",
            ));
        }
        Ok(VatCodeId(code))
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for VatCodeId {
    type Error = ValueError;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        VatCodeId::new(&raw)
    }
}

impl From<VatCodeId> for String {
    fn from(code: VatCodeId) -> String {
        code.0
    }
}

impl std::fmt::Display for VatCodeId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

bounded_text!(
    /// What a VAT code is called on screens and documents ("Taux normal").
    VatLabel,
    "a VAT label",
    100
);

/// A VAT code and its current rate, maintained by staff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VatCode {
    /// The code articles refer to.
    pub code: VatCodeId,
    /// Its label.
    pub label: VatLabel,
    /// Its current rate.
    pub rate: VatRate,
    /// Whether this is the default code, whose rate applies to articles without a code.
    /// Exactly one code of a table is the default.
    pub is_default: bool,
}

/// Gives the rate that applies to an article, from its VAT code or the default.
///
/// `codes` is the table of VAT codes; when no code is marked default, the French standard
/// rate (20 %) applies to articles without a code.
///
/// # Errors
/// [`UnknownVatCode`] when the article names a code that is not in the table.
pub fn rate_for(codes: &[VatCode], code: Option<&VatCodeId>) -> Result<VatRate, UnknownVatCode> {
    match code {
        Some(code) => codes
            .iter()
            .find(|c| &c.code == code)
            .map(|c| c.rate)
            .ok_or_else(|| UnknownVatCode(code.clone())),
        None => Ok(codes
            .iter()
            .find(|c| c.is_default)
            .map_or_else(VatRate::standard, |c| c.rate)),
    }
}

/// An article names a VAT code that does not exist.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("VAT code {0} does not exist")]
pub struct UnknownVatCode(pub VatCodeId);

#[cfg(test)]
mod tests {
    use super::*;

    fn code(c: &str, rate: i64, default: bool) -> VatCode {
        VatCode {
            code: VatCodeId::new(c).unwrap(),
            label: VatLabel::new(c).unwrap(),
            rate: VatRate::new(Decimal::from(rate)).unwrap(),
            is_default: default,
        }
    }

    #[test]
    fn rate_equality_ignores_scale() {
        let a = VatRate::new(Decimal::new(2000, 2)).unwrap();
        assert_eq!(a, VatRate::standard());
        assert_eq!(a.to_string(), "20");
    }

    #[test]
    fn rate_bounds() {
        assert!(VatRate::new(Decimal::new(1005, 1)).is_err());
        assert!(VatRate::new(Decimal::new(-5, 0)).is_err());
        assert!(VatRate::new(Decimal::new(123_456, 5)).is_err());
        assert!(VatRate::new(Decimal::ZERO).is_ok());
    }

    #[test]
    fn code_gives_rate_and_default_applies_without_code() {
        let table = [code("NORMAL", 20, true), code("REDUIT", 10, false)];
        let reduit = VatCodeId::new("reduit").unwrap();
        assert_eq!(
            rate_for(&table, Some(&reduit)).unwrap().percent(),
            Decimal::from(10)
        );
        assert_eq!(rate_for(&table, None).unwrap().percent(), Decimal::from(20));
        let unknown = VatCodeId::new("X").unwrap();
        assert_eq!(
            rate_for(&table, Some(&unknown)),
            Err(UnknownVatCode(unknown))
        );
        assert_eq!(rate_for(&[], None).unwrap(), VatRate::standard());
    }

    #[test]
    fn code_syntax() {
        assert_eq!(VatCodeId::new(" tva-5.5 ").unwrap().as_str(), "TVA-5.5");
        assert!(VatCodeId::new("").is_err());
        assert!(VatCodeId::new("A B").is_err());
        assert!(VatCodeId::new("ABCDEFGHIJKLMNOPQ").is_err());
    }
}
