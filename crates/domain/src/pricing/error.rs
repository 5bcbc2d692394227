use thiserror::Error;

/// Why an order cannot be priced. Each variant has a stable [`code`](PricingError::code)
/// (the codes of `docs/pricing.md`) and a message that names the line (counted from 1) and
/// the field at fault.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PricingError {
    /// The order has no line.
    #[error("the order has no line: at least one line is needed")]
    EmptyOrder,
    /// A quantity is not a whole number from 1 to the maximum.
    #[error("line {line}, field quantity: {reason}")]
    InvalidQuantity {
        /// The line, counted from 1.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// A unit price is not a decimal >= 0 with at most 4 decimal places.
    #[error("line {line}, field unit_price: {reason}")]
    InvalidUnitPrice {
        /// The line, counted from 1.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// A line discount is negative, too precise or larger than the line's amount.
    #[error("line {line}, field discount: {reason}")]
    InvalidDiscount {
        /// The line, counted from 1.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// A VAT rate is not a percentage from 0 to 100 with at most 4 decimal places.
    #[error("line {line}, field vat_rate: {reason}")]
    InvalidVatRate {
        /// The line, counted from 1.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// The global discount is negative, too precise or larger than the total before tax.
    #[error("field global_discount: {reason}")]
    InvalidGlobalDiscount {
        /// What is wrong.
        reason: String,
    },
}

impl PricingError {
    /// The stable code of the error, as `docs/pricing.md` names it.
    pub fn code(&self) -> &'static str {
        match self {
            PricingError::EmptyOrder => "empty_order",
            PricingError::InvalidQuantity { .. } => "invalid_quantity",
            PricingError::InvalidUnitPrice { .. } => "invalid_unit_price",
            PricingError::InvalidDiscount { .. } => "invalid_discount",
            PricingError::InvalidVatRate { .. } => "invalid_vat_rate",
            PricingError::InvalidGlobalDiscount { .. } => "invalid_global_discount",
        }
    }

    /// The line at fault, counted from 1, when the error is about one line.
    pub fn line(&self) -> Option<usize> {
        match self {
            PricingError::InvalidQuantity { line, .. }
            | PricingError::InvalidUnitPrice { line, .. }
            | PricingError::InvalidDiscount { line, .. }
            | PricingError::InvalidVatRate { line, .. } => Some(*line),
            PricingError::EmptyOrder | PricingError::InvalidGlobalDiscount { .. } => None,
        }
    }

    /// The field at fault, as named in the pricing document.
    pub fn field(&self) -> &'static str {
        match self {
            PricingError::EmptyOrder => "lines",
            PricingError::InvalidQuantity { .. } => "quantity",
            PricingError::InvalidUnitPrice { .. } => "unit_price",
            PricingError::InvalidDiscount { .. } => "discount",
            PricingError::InvalidVatRate { .. } => "vat_rate",
            PricingError::InvalidGlobalDiscount { .. } => "global_discount",
        }
    }
}
