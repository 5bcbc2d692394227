//! The catalogue: articles, with their price, VAT code, and the quantity rules that apply
//! when they are ordered.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::ids::ArticleId;
use crate::money::{Quantity, UnitPrice};
use crate::text::bounded_text;
use crate::vat::VatCodeId;
use crate::ValueError;

/// An article's reference: unique in the catalogue, 1 to 32 characters among letters,
/// digits, `-`, `_`, `.` and `/`, kept in upper case.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ArticleReference(String);

impl ArticleReference {
    /// The longest reference, in characters.
    pub const MAX_LEN: usize = 32;

    /// Builds a reference.
    ///
    /// # Errors
    /// [`ValueError`] when empty, too long or with other characters.
    pub fn new(raw: &str) -> Result<Self, ValueError> {
        const WHAT: &str = "an article reference";
        let reference = raw.trim().to_ascii_uppercase();
        if reference.is_empty() {
            return Err(ValueError::Empty { what: WHAT });
        }
        if reference.chars().count() > Self::MAX_LEN {
            return Err(ValueError::TooLong {
                what: WHAT,
                len: reference.chars().count(),
                max: Self::MAX_LEN,
            });
        }
        if !reference
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./".contains(&b))
        {
            return Err(ValueError::malformed(
                WHAT,
                raw,
                "letters, digits, '-', '_', '.' and '/' only",
            ));
        }
        Ok(ArticleReference(reference))
    }

    /// The reference.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ArticleReference {
    type Error = ValueError;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        ArticleReference::new(&raw)
    }
}

impl From<ArticleReference> for String {
    fn from(reference: ArticleReference) -> String {
        reference.0
    }
}

impl std::fmt::Display for ArticleReference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

bounded_text!(
    /// What an article is called on screens and documents (désignation).
    Designation,
    "a designation",
    200
);

/// An article of the catalogue, as staff describe it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleDetails {
    /// Unique reference.
    pub reference: ArticleReference,
    /// Designation.
    pub designation: Designation,
    /// Unit price before tax.
    pub unit_price: UnitPrice,
    /// VAT code; `None` takes the default rate.
    pub vat_code: Option<VatCodeId>,
    /// The smallest quantity delivered at once.
    pub min_quantity: Quantity,
    /// The largest quantity one customer may have in one order, if limited.
    pub max_per_order: Option<Quantity>,
}

/// An article and its available stock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Article {
    /// Its id.
    pub id: ArticleId,
    /// Its description.
    #[serde(flatten)]
    pub details: ArticleDetails,
    /// Units available now. Stock never goes below zero.
    pub stock: u32,
}

/// Why an article cannot be ordered in a quantity.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum QuantityRuleError {
    /// Below the minimum quantity delivered at once.
    #[error("article {reference}: {requested} is below the minimum quantity of {minimum}")]
    BelowMinimum {
        /// The article.
        reference: ArticleReference,
        /// The quantity asked.
        requested: u32,
        /// The minimum.
        minimum: u32,
    },
    /// Above the maximum quantity for one order.
    #[error("article {reference}: {requested} is above the maximum of {maximum} per order")]
    AboveMaximum {
        /// The article.
        reference: ArticleReference,
        /// The quantity asked.
        requested: u32,
        /// The maximum.
        maximum: u32,
    },
}

impl ArticleDetails {
    /// Checks a quantity against the article's minimum and maximum per order. Stock is a
    /// separate question, answered where the stock is taken.
    ///
    /// # Errors
    /// [`QuantityRuleError`] naming the rule broken.
    pub fn check_quantity(&self, requested: Quantity) -> Result<(), QuantityRuleError> {
        if requested < self.min_quantity {
            return Err(QuantityRuleError::BelowMinimum {
                reference: self.reference.clone(),
                requested: requested.get(),
                minimum: self.min_quantity.get(),
            });
        }
        if let Some(maximum) = self.max_per_order {
            if requested > maximum {
                return Err(QuantityRuleError::AboveMaximum {
                    reference: self.reference.clone(),
                    requested: requested.get(),
                    maximum: maximum.get(),
                });
            }
        }
        Ok(())
    }

    /// Checks that the limits agree with each other.
    ///
    /// # Errors
    /// [`ValueError::OutOfRange`] when the maximum per order is below the minimum.
    pub fn check_limits(&self) -> Result<(), ValueError> {
        match self.max_per_order {
            Some(max) if max < self.min_quantity => Err(ValueError::out_of_range(
                "a maximum per order",
                max,
                "at least the minimum quantity",
            )),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;

    use super::*;

    fn details(min: u32, max: Option<u32>) -> ArticleDetails {
        ArticleDetails {
            reference: ArticleReference::new("vis-m6").unwrap(),
            designation: Designation::new("Vis M6").unwrap(),
            unit_price: UnitPrice::new(Decimal::new(120, 2)).unwrap(),
            vat_code: None,
            min_quantity: Quantity::new(min).unwrap(),
            max_per_order: max.map(|m| Quantity::new(m).unwrap()),
        }
    }

    #[test]
    fn reference_syntax() {
        assert_eq!(
            ArticleReference::new(" vis-m6/a ").unwrap().as_str(),
            "VIS-M6/A"
        );
        assert!(ArticleReference::new("").is_err());
        assert!(ArticleReference::new("VIS M6").is_err());
        assert!(ArticleReference::new(&"A".repeat(33)).is_err());
    }

    #[test]
    fn quantity_rules() {
        let article = details(10, Some(100));
        let q = |n| Quantity::new(n).unwrap();
        assert!(matches!(
            article.check_quantity(q(9)),
            Err(QuantityRuleError::BelowMinimum { minimum: 10, .. })
        ));
        assert!(article.check_quantity(q(10)).is_ok());
        assert!(article.check_quantity(q(100)).is_ok());
        assert!(matches!(
            article.check_quantity(q(101)),
            Err(QuantityRuleError::AboveMaximum { maximum: 100, .. })
        ));
        assert!(details(5, Some(4)).check_limits().is_err());
        assert!(details(5, None).check_limits().is_ok());
    }
}
