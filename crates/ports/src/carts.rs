use async_trait::async_trait;
use domain::cart::Cart;
use domain::ids::{CartId, TiersId};

use crate::StoreError;

/// Carts, kept between visits.
#[async_trait]
pub trait CartStore: Send {
    /// The cart with this id.
    async fn get_cart(&mut self, id: CartId) -> Result<Option<Cart>, StoreError>;

    /// The cart of a customer (the most recently changed, if several).
    async fn cart_of(&mut self, owner: TiersId) -> Result<Option<Cart>, StoreError>;

    /// Stores a cart as it is now, new or not, items in their order.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    async fn save_cart(&mut self, cart: &Cart) -> Result<(), StoreError>;

    /// Removes a cart; `false` when there was none.
    async fn delete_cart(&mut self, id: CartId) -> Result<bool, StoreError>;
}
