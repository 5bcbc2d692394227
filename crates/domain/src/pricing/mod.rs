//! The exact pricing of an order, as `docs/pricing.md` says: line nets, the VAT breakdown
//! per rate with the global discount shared between rates, and the totals.
//!
//! [`price`] takes validated lines and a global discount and either prices the whole order
//! or refuses it with a [`PricingError`]; nothing is ever priced partially.

mod document;
mod error;

pub use document::{PricingDocument, PricingDocumentLine, RawValue};
pub use error::PricingError;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::money::{round, Amount, Quantity, UnitPrice};
use crate::vat::VatRate;

/// One line to price.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineInput {
    /// Quantity ordered.
    pub quantity: Quantity,
    /// Unit price before tax.
    pub unit_price: UnitPrice,
    /// Discount on the line, an amount; at most `quantity x unit_price`.
    pub discount: Amount,
    /// VAT rate of the line.
    pub vat_rate: VatRate,
}

impl LineInput {
    /// The gross amount of the line before its discount, unrounded.
    pub fn gross(&self) -> Decimal {
        Decimal::from(self.quantity.get()) * self.unit_price.value()
    }
}

/// The amounts of one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinePricing {
    /// `round(quantity x unit_price - discount)`.
    pub net: Decimal,
    /// `round(net x rate / 100)`: shown as information; the breakdown's VAT is owed.
    pub vat: Decimal,
    /// `net + vat`.
    pub total: Decimal,
}

/// The share of one VAT rate in the order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct VatShare {
    /// The rate.
    pub rate: VatRate,
    /// Sum of the nets of the lines at this rate.
    pub base: Decimal,
    /// This rate's share of the global discount.
    pub discount: Decimal,
    /// `base - discount`.
    pub taxable: Decimal,
    /// `round(taxable x rate / 100)`.
    pub vat: Decimal,
}

/// The priced order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pricing {
    /// One entry per input line, in the same order.
    pub lines: Vec<LinePricing>,
    /// Sum of the line nets.
    pub total_ht: Decimal,
    /// The global discount.
    pub global_discount: Decimal,
    /// `total_ht - global_discount`.
    pub total_ht_net: Decimal,
    /// One entry per distinct rate, sorted by rate ascending.
    pub vat_breakdown: Vec<VatShare>,
    /// Sum of the breakdown's VAT.
    pub total_vat: Decimal,
    /// `total_ht_net + total_vat`: the amount to pay.
    pub total_ttc: Decimal,
}

/// Checks one line's discount against its gross amount; `line` is 1-based, for the error.
///
/// # Errors
/// [`PricingError::InvalidDiscount`] when the discount is larger than the line's gross.
pub fn check_line(line: usize, input: &LineInput) -> Result<(), PricingError> {
    if input.discount.value() > input.gross() {
        return Err(PricingError::InvalidDiscount {
            line,
            reason: format!(
                "{} is more than the line's amount ({} x {} = {})",
                input.discount,
                input.quantity,
                input.unit_price,
                input.gross()
            ),
        });
    }
    Ok(())
}

/// Prices an order.
///
/// # Errors
/// [`PricingError::EmptyOrder`] without lines, [`PricingError::InvalidDiscount`] when a
/// line's discount exceeds its amount, [`PricingError::InvalidGlobalDiscount`] when the
/// global discount exceeds the total before tax.
pub fn price(lines: &[LineInput], global_discount: Amount) -> Result<Pricing, PricingError> {
    if lines.is_empty() {
        return Err(PricingError::EmptyOrder);
    }
    for (i, line) in lines.iter().enumerate() {
        check_line(i + 1, line)?;
    }

    let line_amounts: Vec<LinePricing> = lines.iter().map(price_line).collect();
    let total_ht: Decimal = line_amounts.iter().map(|l| l.net).sum();
    let global_discount = global_discount.value();
    if global_discount > total_ht {
        return Err(PricingError::InvalidGlobalDiscount {
            reason: format!("{global_discount} is more than the total before tax ({total_ht})"),
        });
    }

    let vat_breakdown = vat_breakdown(lines, &line_amounts, total_ht, global_discount);
    let total_ht_net = total_ht - global_discount;
    let total_vat: Decimal = vat_breakdown.iter().map(|s| s.vat).sum();
    Ok(Pricing {
        lines: line_amounts,
        total_ht,
        global_discount,
        total_ht_net,
        vat_breakdown,
        total_vat,
        total_ttc: total_ht_net + total_vat,
    })
}

fn price_line(line: &LineInput) -> LinePricing {
    let net = round(line.gross() - line.discount.value());
    let vat = vat_of(net, line.vat_rate);
    LinePricing {
        net,
        vat,
        total: net + vat,
    }
}

fn vat_of(amount: Decimal, rate: VatRate) -> Decimal {
    round(amount * rate.percent() / Decimal::ONE_HUNDRED)
}

/// The VAT breakdown: bases per rate, the global discount shared in proportion to the
/// bases (the rounding residual going whole to the largest base, the highest rate on a
/// tie, so the shares add up to the discount exactly), then the VAT of each rate.
fn vat_breakdown(
    lines: &[LineInput],
    amounts: &[LinePricing],
    total_ht: Decimal,
    global_discount: Decimal,
) -> Vec<VatShare> {
    // A sorted Vec rather than a map: orders have a handful of rates at most.
    let mut bases: Vec<(VatRate, Decimal)> = Vec::new();
    for (line, amount) in lines.iter().zip(amounts) {
        match bases.iter_mut().find(|(rate, _)| *rate == line.vat_rate) {
            Some((_, base)) => *base += amount.net,
            None => bases.push((line.vat_rate, amount.net)),
        }
    }
    bases.sort_by_key(|(rate, _)| *rate);

    let mut discounts: Vec<Decimal> = bases
        .iter()
        .map(|(_, base)| {
            if total_ht.is_zero() {
                Decimal::ZERO
            } else {
                round(global_discount * *base / total_ht)
            }
        })
        .collect();
    let residual = global_discount - discounts.iter().copied().sum::<Decimal>();
    // Rates are sorted ascending, so the last of the largest bases has the highest rate.
    if let Some(largest) = (0..bases.len()).max_by_key(|&i| bases[i].1) {
        discounts[largest] += residual;
    }

    bases
        .into_iter()
        .zip(discounts)
        .map(|((rate, base), discount)| {
            let taxable = base - discount;
            VatShare {
                rate,
                base,
                discount,
                taxable,
                vat: vat_of(taxable, rate),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
