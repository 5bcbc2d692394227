//! An order's payments and its payment state.

use domain::order::{Commande, OrderNumber};
use domain::payment::{Payment, PaymentSummary};
use ports::TxMode;
use serde::Serialize;

use crate::{scope, App, AppError, Caller};

/// An order with its payments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrderPayments {
    /// The order.
    pub order: Commande,
    /// Its payments, oldest first.
    pub payments: Vec<Payment>,
    /// What they amount to, with the order's payment state.
    pub summary: PaymentSummary,
}

impl App {
    /// An order with its payments and its payment state, read together.
    ///
    /// # Errors
    /// [`AppError::NotFound`], also when the caller may not see the order.
    pub async fn order_payments(
        &self,
        caller: &Caller,
        number: &OrderNumber,
    ) -> Result<OrderPayments, AppError> {
        transaction!(self, TxMode::Read, |tx| {
            let found = tx.find_order(number).await?;
            let order = scope::visible_order(caller, found, &number.to_string())?;
            let payments = tx.payments_of(order.id()).await?;
            let summary = PaymentSummary::of(&payments, order.pricing().total_ttc);
            Ok(OrderPayments {
                order,
                payments,
                summary,
            })
        })
    }

    /// What the payments of an order the caller was given (by another use case) amount
    /// to: its payment state, to show beside it.
    ///
    /// # Errors
    /// [`AppError::Store`] when the database fails.
    pub async fn payment_summary(&self, order: &Commande) -> Result<PaymentSummary, AppError> {
        let total = order.pricing().total_ttc;
        transaction!(self, TxMode::Read, |tx| {
            let payments = tx.payments_of(order.id()).await?;
            Ok(PaymentSummary::of(&payments, total))
        })
    }

    /// The payment state of each of a page of orders found by
    /// [`App::search_orders`], in the same order.
    ///
    /// # Errors
    /// [`AppError::Store`] when the database fails.
    pub async fn payment_states(
        &self,
        orders: &[ports::OrderSummary],
    ) -> Result<Vec<domain::payment::OrderPaymentState>, AppError> {
        transaction!(self, TxMode::Read, |tx| {
            let mut states = Vec::with_capacity(orders.len());
            for order in orders {
                let payments = tx.payments_of(order.id).await?;
                states.push(PaymentSummary::of(&payments, order.total_ttc).state);
            }
            Ok(states)
        })
    }
}
