use serde::{Deserialize, Serialize};

use crate::catalogue::{Article, ArticleReference, Designation};
use crate::ids::ArticleId;
use crate::money::{Amount, Quantity, UnitPrice};
use crate::pricing::LineInput;
use crate::vat::VatRate;

/// A line to add to an order: the article, and its price, designation and VAT rate as they
/// are at this moment, copied so that a later change of the article or of its VAT code does
/// not change the order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineDraft {
    /// The article.
    pub article: ArticleId,
    /// Its reference.
    pub reference: ArticleReference,
    /// Its designation.
    pub designation: Designation,
    /// Quantity ordered.
    pub quantity: Quantity,
    /// Its unit price before tax.
    pub unit_price: UnitPrice,
    /// The discount granted on this line, an amount.
    pub discount: Amount,
    /// The VAT rate that applies to it.
    pub vat_rate: VatRate,
}

impl LineDraft {
    /// A line for `quantity` of `article`, copying its price and designation, with the VAT
    /// rate its code gives now (see [`crate::vat::rate_for`]).
    pub fn from_article(
        article: &Article,
        vat_rate: VatRate,
        quantity: Quantity,
        discount: Amount,
    ) -> Self {
        LineDraft {
            article: article.id,
            reference: article.details.reference.clone(),
            designation: article.details.designation.clone(),
            quantity,
            unit_price: article.details.unit_price,
            discount,
            vat_rate,
        }
    }
}

/// A line of an order (ligne de commande).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ligne {
    /// Its number within the order, from 1.
    pub position: u32,
    /// What the line holds.
    #[serde(flatten)]
    pub content: LineDraft,
}

impl Ligne {
    /// What pricing needs of this line.
    pub fn pricing_input(&self) -> LineInput {
        LineInput {
            quantity: self.content.quantity,
            unit_price: self.content.unit_price,
            discount: self.content.discount,
            vat_rate: self.content.vat_rate,
        }
    }
}
