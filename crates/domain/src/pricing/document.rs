//! The pricing document of `docs/pricing.md`: the JSON an operator or another program
//! sends to have an order priced. Its fields are read loosely (any JSON value) so that a
//! value of the wrong type is reported with the pricing error code of its field, like any
//! other bad value, rather than as a bare parse error.

use rust_decimal::Decimal;
use serde::Deserialize;

use super::{price, LineInput, Pricing, PricingError};
use crate::money::{parse_decimal, Amount, Quantity, UnitPrice};
use crate::vat::VatRate;
use crate::ValueError;

/// Any JSON value, as the document's fields are first read.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum RawValue {
    /// A whole number that fits 64 bits.
    Integer(i64),
    /// A whole number above `i64::MAX`.
    Unsigned(u64),
    /// Any other number: never accepted for money, since it may not be exact.
    Float(f64),
    /// A string.
    Text(String),
    /// `true` or `false`.
    Bool(bool),
    /// An array, an object (their content is not kept).
    Other(serde::de::IgnoredAny),
}

/// The pricing document.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PricingDocument {
    /// The lines, in order.
    pub lines: Vec<PricingDocumentLine>,
    /// The global discount, an amount; absent means 0.
    #[serde(default)]
    pub global_discount: Option<RawValue>,
}

/// One line of the pricing document.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PricingDocumentLine {
    /// Quantity ordered: a whole number >= 1.
    #[serde(default)]
    pub quantity: Option<RawValue>,
    /// Unit price before tax: a decimal string.
    #[serde(default)]
    pub unit_price: Option<RawValue>,
    /// Line discount, an amount; absent means 0.
    #[serde(default)]
    pub discount: Option<RawValue>,
    /// VAT rate in percent.
    #[serde(default)]
    pub vat_rate: Option<RawValue>,
}

impl PricingDocument {
    /// Validates every field and prices the order.
    ///
    /// # Errors
    /// The first [`PricingError`] found, lines in order then the global discount; nothing
    /// is priced partially.
    pub fn price(&self) -> Result<Pricing, PricingError> {
        if self.lines.is_empty() {
            return Err(PricingError::EmptyOrder);
        }
        let lines = self
            .lines
            .iter()
            .enumerate()
            .map(|(i, line)| line.to_input(i + 1))
            .collect::<Result<Vec<_>, _>>()?;
        let global_discount = match &self.global_discount {
            None => Amount::ZERO,
            Some(raw) => decimal(raw, "a global discount")
                .and_then(Amount::new)
                .map_err(|e| PricingError::InvalidGlobalDiscount {
                    reason: e.to_string(),
                })?,
        };
        price(&lines, global_discount)
    }
}

impl PricingDocumentLine {
    fn to_input(&self, line: usize) -> Result<LineInput, PricingError> {
        let quantity = required(&self.quantity, "a quantity")
            .and_then(quantity)
            .map_err(|e| PricingError::InvalidQuantity {
                line,
                reason: e.to_string(),
            })?;
        let unit_price = required(&self.unit_price, "a unit price")
            .and_then(|raw| decimal(raw, "a unit price"))
            .and_then(UnitPrice::new)
            .map_err(|e| PricingError::InvalidUnitPrice {
                line,
                reason: e.to_string(),
            })?;
        let discount = match &self.discount {
            None => Ok(Amount::ZERO),
            Some(raw) => decimal(raw, "a discount").and_then(Amount::new),
        }
        .map_err(|e| PricingError::InvalidDiscount {
            line,
            reason: e.to_string(),
        })?;
        let vat_rate = required(&self.vat_rate, "a VAT rate")
            .and_then(|raw| decimal(raw, "a VAT rate"))
            .and_then(VatRate::new)
            .map_err(|e| PricingError::InvalidVatRate {
                line,
                reason: e.to_string(),
            })?;
        let input = LineInput {
            quantity,
            unit_price,
            discount,
            vat_rate,
        };
        super::check_line(line, &input)?;
        Ok(input)
    }
}

fn required<'a>(raw: &'a Option<RawValue>, what: &'static str) -> Result<&'a RawValue, ValueError> {
    raw.as_ref().ok_or(ValueError::Empty { what })
}

fn quantity(raw: &RawValue) -> Result<Quantity, ValueError> {
    let expected = "a whole number from 1 to 1000000";
    match raw {
        RawValue::Integer(n) => u32::try_from(*n)
            .map_err(|_| ValueError::out_of_range("a quantity", n, expected))
            .and_then(Quantity::new),
        RawValue::Unsigned(n) => Err(ValueError::out_of_range("a quantity", n, expected)),
        RawValue::Float(f) => Err(ValueError::out_of_range("a quantity", f, expected)),
        other => Err(ValueError::malformed(
            "a quantity",
            &describe(other),
            "a JSON whole number, such as 3",
        )),
    }
}

/// Reads a decimal written as a string ("12.50") or as a JSON whole number (20). Other
/// JSON numbers are refused: a binary float may not be the decimal that was meant.
fn decimal(raw: &RawValue, what: &'static str) -> Result<Decimal, ValueError> {
    match raw {
        RawValue::Text(text) => parse_decimal(text, what),
        RawValue::Integer(n) => Ok(Decimal::from(*n)),
        RawValue::Unsigned(n) => Ok(Decimal::from(*n)),
        other => Err(ValueError::malformed(
            what,
            &describe(other),
            "a decimal written as a string, such as \"12.50\"",
        )),
    }
}

fn describe(raw: &RawValue) -> String {
    match raw {
        RawValue::Integer(n) => n.to_string(),
        RawValue::Unsigned(n) => n.to_string(),
        RawValue::Float(f) => f.to_string(),
        RawValue::Text(t) => t.clone(),
        RawValue::Bool(b) => b.to_string(),
        RawValue::Other(_) => "an array or object".to_owned(),
    }
}
