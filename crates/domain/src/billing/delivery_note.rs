//! The delivery note (bon de livraison): what the recipient receives, without prices.

use serde::{Deserialize, Serialize};
use time::Date;

use super::{PostalAddress, Seller};
use crate::money::Quantity;
use crate::order::{Commande, OrderNumber};

/// A line of a delivery note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryNoteLine {
    /// Its number within the order.
    pub position: u32,
    /// The article's reference.
    pub reference: String,
    /// Its designation.
    pub designation: String,
    /// Quantity delivered.
    pub quantity: Quantity,
}

/// A delivery note: the recipient, the delivery address, the planned date and the lines,
/// with no price.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryNote {
    /// The order delivered.
    pub order_number: OrderNumber,
    /// When the order was taken.
    pub order_date: Date,
    /// When it is to be delivered.
    pub planned_delivery: Date,
    /// Who sends it.
    pub seller: Seller,
    /// Who receives it.
    pub recipient: String,
    /// Where.
    pub address: PostalAddress,
    /// Access remarks for the carrier (door code, floor), when known.
    pub access_notes: Option<String>,
    /// The lines.
    pub lines: Vec<DeliveryNoteLine>,
}

impl DeliveryNote {
    /// The delivery note of an order.
    pub fn of(
        order: &Commande,
        seller: Seller,
        recipient: String,
        address: PostalAddress,
        access_notes: Option<String>,
    ) -> Self {
        DeliveryNote {
            order_number: order.number().clone(),
            order_date: order.ordered_at().date(),
            planned_delivery: order.planned_delivery(),
            seller,
            recipient,
            address,
            access_notes,
            lines: order
                .lines()
                .iter()
                .map(|line| DeliveryNoteLine {
                    position: line.position,
                    reference: line.content.reference.to_string(),
                    designation: line.content.designation.to_string(),
                    quantity: line.content.quantity,
                })
                .collect(),
        }
    }
}
