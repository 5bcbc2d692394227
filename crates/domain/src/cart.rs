//! The cart: a customer's selection of articles and quantities before an order is placed.
//! It can be reviewed and changed at will, survives between visits, and is emptied
//! explicitly or when its order is placed.

use serde::{Deserialize, Serialize};
use thiserror::Error;
use time::OffsetDateTime;

use crate::ids::{ArticleId, CartId, TiersId};
use crate::money::Quantity;

/// The most distinct articles one cart holds.
pub const MAX_CART_ITEMS: usize = 200;

/// An article and its quantity in a cart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartItem {
    /// The article.
    pub article: ArticleId,
    /// How many.
    pub quantity: Quantity,
}

/// A cart. Each article appears at most once; adding an article already there adds to its
/// quantity. Items keep the order in which they were first added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cart {
    /// Its id.
    pub id: CartId,
    /// The customer it belongs to; `None` for a guest's cart.
    pub owner: Option<TiersId>,
    items: Vec<CartItem>,
    /// When it was last changed.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

/// Why a change to a cart was refused. The cart is left as it was.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CartError {
    /// The article is not in the cart.
    #[error("article {0} is not in the cart")]
    NotInCart(ArticleId),
    /// The cart would hold too many distinct articles.
    #[error("a cart holds at most {MAX_CART_ITEMS} different articles")]
    TooManyItems,
    /// The quantity would go above the largest quantity of a line.
    #[error("the quantity of article {0} would be above {max}", max = Quantity::MAX)]
    QuantityTooLarge(ArticleId),
}

impl Cart {
    /// An empty cart.
    pub fn new(id: CartId, owner: Option<TiersId>, now: OffsetDateTime) -> Self {
        Cart {
            id,
            owner,
            items: Vec::new(),
            updated_at: now,
        }
    }

    /// Rebuilds a cart from what was stored; items for the same article are merged.
    ///
    /// # Errors
    /// As [`Cart::add`].
    pub fn from_items(
        id: CartId,
        owner: Option<TiersId>,
        items: impl IntoIterator<Item = CartItem>,
        updated_at: OffsetDateTime,
    ) -> Result<Self, CartError> {
        let mut cart = Cart::new(id, owner, updated_at);
        for item in items {
            cart.add(item.article, item.quantity, updated_at)?;
        }
        Ok(cart)
    }

    /// Its items, in the order they were first added.
    pub fn items(&self) -> &[CartItem] {
        &self.items
    }

    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Adds `quantity` of an article.
    ///
    /// # Errors
    /// [`CartError::TooManyItems`], [`CartError::QuantityTooLarge`].
    pub fn add(
        &mut self,
        article: ArticleId,
        quantity: Quantity,
        now: OffsetDateTime,
    ) -> Result<(), CartError> {
        let count = self.items.len();
        match self.items.iter_mut().find(|i| i.article == article) {
            Some(item) => {
                let total = item.quantity.get().saturating_add(quantity.get());
                item.quantity =
                    Quantity::new(total).map_err(|_| CartError::QuantityTooLarge(article))?;
            }
            None if count >= MAX_CART_ITEMS => return Err(CartError::TooManyItems),
            None => self.items.push(CartItem { article, quantity }),
        }
        self.updated_at = now;
        Ok(())
    }

    /// Sets the quantity of an article already in the cart.
    ///
    /// # Errors
    /// [`CartError::NotInCart`].
    pub fn set_quantity(
        &mut self,
        article: ArticleId,
        quantity: Quantity,
        now: OffsetDateTime,
    ) -> Result<(), CartError> {
        let item = self
            .items
            .iter_mut()
            .find(|i| i.article == article)
            .ok_or(CartError::NotInCart(article))?;
        item.quantity = quantity;
        self.updated_at = now;
        Ok(())
    }

    /// Removes an article.
    ///
    /// # Errors
    /// [`CartError::NotInCart`].
    pub fn remove(&mut self, article: ArticleId, now: OffsetDateTime) -> Result<(), CartError> {
        let before = self.items.len();
        self.items.retain(|i| i.article != article);
        if self.items.len() == before {
            return Err(CartError::NotInCart(article));
        }
        self.updated_at = now;
        Ok(())
    }

    /// Empties the cart.
    pub fn clear(&mut self, now: OffsetDateTime) {
        self.items.clear();
        self.updated_at = now;
    }

    /// Gives the cart to a customer (a guest who logs in keeps their cart).
    pub fn assign_to(&mut self, owner: TiersId, now: OffsetDateTime) {
        self.owner = Some(owner);
        self.updated_at = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-03-02 10:00 UTC);

    fn q(n: u32) -> Quantity {
        Quantity::new(n).unwrap()
    }

    #[test]
    fn adding_twice_adds_up_and_keeps_the_first_place() {
        let (a, b) = (ArticleId::from_u128(1), ArticleId::from_u128(2));
        let mut cart = Cart::new(CartId::from_u128(1), None, NOW);
        cart.add(a, q(2), NOW).unwrap();
        cart.add(b, q(1), NOW).unwrap();
        cart.add(a, q(3), NOW).unwrap();
        assert_eq!(
            cart.items(),
            &[
                CartItem {
                    article: a,
                    quantity: q(5)
                },
                CartItem {
                    article: b,
                    quantity: q(1)
                }
            ]
        );
        cart.set_quantity(b, q(7), NOW).unwrap();
        cart.remove(a, NOW).unwrap();
        assert_eq!(
            cart.items(),
            &[CartItem {
                article: b,
                quantity: q(7)
            }]
        );
        assert_eq!(cart.remove(a, NOW), Err(CartError::NotInCart(a)));
        cart.clear(NOW);
        assert!(cart.is_empty());
    }

    #[test]
    fn quantities_and_sizes_are_bounded() {
        let a = ArticleId::from_u128(1);
        let mut cart = Cart::new(CartId::from_u128(1), None, NOW);
        cart.add(a, q(Quantity::MAX), NOW).unwrap();
        assert_eq!(cart.add(a, q(1), NOW), Err(CartError::QuantityTooLarge(a)));
        assert_eq!(cart.items()[0].quantity, q(Quantity::MAX));
        let mut full = Cart::new(CartId::from_u128(2), None, NOW);
        for i in 0..MAX_CART_ITEMS {
            full.add(ArticleId::from_u128(i as u128 + 10), q(1), NOW)
                .unwrap();
        }
        assert_eq!(full.add(a, q(1), NOW), Err(CartError::TooManyItems));
    }
}
