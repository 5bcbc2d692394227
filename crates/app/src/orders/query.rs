//! Finding and searching orders.

use domain::order::{Commande, OrderNumber};
use ports::{OrderQuery, OrderSummary, Page, TxMode};

use crate::{scope, App, AppError, Caller};

impl App {
    /// The order with this number.
    ///
    /// # Errors
    /// [`AppError::NotFound`], also when the caller may not see it.
    pub async fn order(&self, caller: &Caller, number: &OrderNumber) -> Result<Commande, AppError> {
        transaction!(self, TxMode::Read, |tx| {
            let order = tx.find_order(number).await?;
            scope::visible_order(caller, order, &number.to_string())
        })
    }

    /// The orders that match, newest first, among those the caller may see (a customer
    /// their own, a program those it placed, an order taker those of their site).
    ///
    /// # Errors
    /// [`AppError::Store`] when the database fails.
    pub async fn search_orders(
        &self,
        caller: &Caller,
        query: &OrderQuery,
    ) -> Result<Page<OrderSummary>, AppError> {
        let Some(query) = scope::order_query_within_scope(caller, query) else {
            return Ok(Page {
                items: Vec::new(),
                total: 0,
            });
        };
        if let (Some(from), Some(until)) = (query.from, query.until) {
            if from >= until {
                return Err(AppError::invalid(
                    "until",
                    "the end of the period must come after its start",
                ));
            }
        }
        transaction!(self, TxMode::Read, |tx| {
            Ok(tx.search_orders(&query).await?)
        })
    }
}
