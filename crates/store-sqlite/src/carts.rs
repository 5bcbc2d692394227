//! Carts, kept between visits ([`CartStore`]).

use async_trait::async_trait;
use domain::cart::{Cart, CartItem};
use domain::ids::{ArticleId, CartId, TiersId};
use domain::money::Quantity;
use ports::{CartStore, StoreError};
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, SqliteConnection};

use crate::codec::{micros, Columns, ROWS_PER_STATEMENT};
use crate::error::{corrupt, translate};
use crate::tx::SqliteTx;

/// Rebuilds the cart of a `carts` row with its items, in their order.
async fn load(conn: &mut SqliteConnection, row: &SqliteRow) -> Result<Cart, StoreError> {
    let c = Columns::new(row, "carts");
    let id = c.parse("id", CartId::parse)?;
    let owner = c.opt_parse("owner_id", TiersId::parse)?;
    let updated_at = c.instant("updated_at")?;
    let rows = sqlx::query(
        "SELECT article_id, quantity FROM cart_items WHERE cart_id = ? ORDER BY position",
    )
    .bind(id.to_string())
    .fetch_all(conn)
    .await
    .map_err(translate)?;
    let items = rows
        .iter()
        .map(|row| {
            let c = Columns::new(row, "cart_items");
            Ok(CartItem {
                article: c.parse("article_id", ArticleId::parse)?,
                quantity: c.check("quantity", Quantity::new(c.int_as("quantity")?))?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Cart::from_items(id, owner, items, updated_at).map_err(|e| corrupt("cart_items", "*", e))
}

#[async_trait]
impl CartStore for SqliteTx {
    async fn get_cart(&mut self, id: CartId) -> Result<Option<Cart>, StoreError> {
        let row = sqlx::query("SELECT id, owner_id, updated_at FROM carts WHERE id = ?")
            .bind(id.to_string())
            .fetch_optional(self.conn().await?)
            .await
            .map_err(translate)?;
        match row {
            Some(row) => load(self.conn().await?, &row).await.map(Some),
            None => Ok(None),
        }
    }

    async fn cart_of(&mut self, owner: TiersId) -> Result<Option<Cart>, StoreError> {
        let row = sqlx::query(
            "SELECT id, owner_id, updated_at FROM carts WHERE owner_id = ? \
             ORDER BY updated_at DESC, id DESC LIMIT 1",
        )
        .bind(owner.to_string())
        .fetch_optional(self.conn().await?)
        .await
        .map_err(translate)?;
        match row {
            Some(row) => load(self.conn().await?, &row).await.map(Some),
            None => Ok(None),
        }
    }

    async fn save_cart(&mut self, cart: &Cart) -> Result<(), StoreError> {
        let id = cart.id.to_string();
        sqlx::query(
            "INSERT INTO carts (id, owner_id, updated_at) VALUES (?, ?, ?) \
             ON CONFLICT (id) DO UPDATE SET owner_id = excluded.owner_id, \
             updated_at = excluded.updated_at",
        )
        .bind(&id)
        .bind(cart.owner.map(|o| o.to_string()))
        .bind(micros(cart.updated_at))
        .execute(self.conn().await?)
        .await
        .map_err(translate)?;
        sqlx::query("DELETE FROM cart_items WHERE cart_id = ?")
            .bind(&id)
            .execute(self.conn().await?)
            .await
            .map_err(translate)?;
        let items: Vec<(i64, &CartItem)> = (1..).zip(cart.items()).collect();
        for chunk in items.chunks(ROWS_PER_STATEMENT) {
            let mut sql = QueryBuilder::new(
                "INSERT INTO cart_items (cart_id, position, article_id, quantity) ",
            );
            sql.push_values(chunk, |mut row, (position, item)| {
                row.push_bind(id.as_str())
                    .push_bind(*position)
                    .push_bind(item.article.to_string())
                    .push_bind(item.quantity.get());
            });
            sql.build()
                .execute(self.conn().await?)
                .await
                .map_err(translate)?;
        }
        Ok(())
    }

    async fn delete_cart(&mut self, id: CartId) -> Result<bool, StoreError> {
        // Its items go with it (ON DELETE CASCADE).
        let done = sqlx::query("DELETE FROM carts WHERE id = ?")
            .bind(id.to_string())
            .execute(self.conn().await?)
            .await
            .map_err(translate)?;
        Ok(done.rows_affected() > 0)
    }
}
