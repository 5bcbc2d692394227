//! Carts, kept between visits.

use async_trait::async_trait;
use domain::cart::{Cart, CartItem};
use domain::ids::{ArticleId, CartId, TiersId};
use domain::money::Quantity;
use ports::{CartStore, StoreError};
use sqlx::postgres::PgRow;
use uuid::Uuid;

use crate::codec::{opt_uuid, uuid, Cols};
use crate::db::PostgresTransaction;

/// A cart and its items, in one query: the items come as arrays, in their order.
macro_rules! select_cart {
    ($rest:literal) => {
        concat!(
            "SELECT c.id, c.owner_id, c.updated_at, i.articles, i.quantities \
             FROM carts c \
             CROSS JOIN LATERAL ( \
                 SELECT array_agg(article_id ORDER BY position) AS articles, \
                        array_agg(quantity ORDER BY position) AS quantities \
                 FROM cart_items WHERE cart_id = c.id \
             ) i ",
            $rest
        )
    };
}

fn cart(row: &PgRow) -> Result<Cart, StoreError> {
    let c = Cols::new(row, "carts");
    let articles: Vec<Uuid> = c.array("articles")?;
    let quantities: Vec<i32> = c.array("quantities")?;
    let items = articles
        .into_iter()
        .zip(quantities)
        .map(|(article, quantity)| {
            let quantity = u32::try_from(quantity)
                .ok()
                .and_then(|q| Quantity::new(q).ok())
                .ok_or_else(|| c.corrupt("cart_items.quantity", quantity))?;
            Ok(CartItem {
                article: ArticleId::from_u128(article.as_u128()),
                quantity,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Cart::from_items(
        CartId::from_u128(c.id("id")?),
        c.opt_id("owner_id")?.map(TiersId::from_u128),
        items,
        c.get("updated_at")?,
    )
    .map_err(|e| c.corrupt("cart_items", e))
}

#[async_trait]
impl CartStore for PostgresTransaction {
    async fn get_cart(&mut self, id: CartId) -> Result<Option<Cart>, StoreError> {
        let r = sqlx::query(select_cart!("WHERE c.id = $1"))
            .bind(uuid(id.as_u128()))
            .fetch_optional(self.conn())
            .await;
        self.done(r)?.as_ref().map(cart).transpose()
    }

    async fn cart_of(&mut self, owner: TiersId) -> Result<Option<Cart>, StoreError> {
        let r = sqlx::query(select_cart!(
            "WHERE c.owner_id = $1 ORDER BY c.updated_at DESC, c.id DESC LIMIT 1"
        ))
        .bind(uuid(owner.as_u128()))
        .fetch_optional(self.conn())
        .await;
        self.done(r)?.as_ref().map(cart).transpose()
    }

    async fn save_cart(&mut self, cart: &Cart) -> Result<(), StoreError> {
        let items = cart.items();
        let articles: Vec<Uuid> = items.iter().map(|i| uuid(i.article.as_u128())).collect();
        let quantities: Vec<i32> = items
            .iter()
            .map(|i| i32::try_from(i.quantity.get()).unwrap_or(i32::MAX))
            .collect();
        let count = i32::try_from(items.len()).unwrap_or(i32::MAX);
        // One statement: the cart, the items beyond the new count removed, each position
        // written over (a delete then an insert of the same keys cannot share a statement).
        let r = sqlx::query(
            "WITH saved AS ( \
                 INSERT INTO carts (id, owner_id, updated_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (id) DO UPDATE \
                 SET owner_id = EXCLUDED.owner_id, updated_at = EXCLUDED.updated_at \
             ), removed AS ( \
                 DELETE FROM cart_items WHERE cart_id = $1 AND position > $4 \
             ) \
             INSERT INTO cart_items (cart_id, position, article_id, quantity) \
             SELECT $1, i.position, i.article_id, i.quantity \
             FROM UNNEST($5::uuid[], $6::int[]) WITH ORDINALITY AS i (article_id, quantity, position) \
             ON CONFLICT (cart_id, position) DO UPDATE \
             SET article_id = EXCLUDED.article_id, quantity = EXCLUDED.quantity",
        )
        .bind(uuid(cart.id.as_u128()))
        .bind(opt_uuid(cart.owner.map(TiersId::as_u128)))
        .bind(cart.updated_at)
        .bind(count)
        .bind(articles)
        .bind(quantities)
        .execute(self.conn())
        .await;
        self.done(r)?;
        Ok(())
    }

    async fn delete_cart(&mut self, id: CartId) -> Result<bool, StoreError> {
        let r = sqlx::query("DELETE FROM carts WHERE id = $1")
            .bind(uuid(id.as_u128()))
            .execute(self.conn())
            .await;
        Ok(self.done(r)?.rows_affected() > 0)
    }
}
