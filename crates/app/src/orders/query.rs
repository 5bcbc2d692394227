//! Finding and searching orders.

use domain::order::{Commande, OrderNumber};
use ports::{OrderQuery, OrderSummary, Page, TxMode};

use super::access;
use crate::{Access, App, AppError, Caller};

impl App {
    /// The order with this number.
    ///
    /// # Errors
    /// [`AppError::NotFound`], also when the caller may not see it.
    pub async fn order(&self, caller: &Caller, number: &OrderNumber) -> Result<Commande, AppError> {
        transaction!(self, TxMode::Read, |tx| {
            let order = tx.find_order(number).await?;
            access::visible(caller, order, &number.to_string())
        })
    }

    /// The orders that match, newest first. A customer sees only their own; a program only
    /// those sent through the API.
    ///
    /// # Errors
    /// [`AppError::Store`] when the database fails.
    pub async fn search_orders(
        &self,
        caller: &Caller,
        query: &OrderQuery,
    ) -> Result<Page<OrderSummary>, AppError> {
        let mut query = query.clone();
        match caller.access {
            Access::Customer(me) => {
                if query.customer.is_some_and(|c| c != me) {
                    return Ok(Page {
                        items: Vec::new(),
                        total: 0,
                    });
                }
                query.customer = Some(me);
                if query.state == Some(domain::order::OrderState::Deleted) {
                    return Ok(Page {
                        items: Vec::new(),
                        total: 0,
                    });
                }
            }
            Access::Program => {
                if query
                    .source
                    .is_some_and(|s| s != domain::order::OrderSource::Api)
                {
                    return Ok(Page {
                        items: Vec::new(),
                        total: 0,
                    });
                }
                query.source = Some(domain::order::OrderSource::Api);
            }
            Access::Staff | Access::OrderTaker { .. } | Access::System => {}
        }
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
