//! Unpaid online orders do not hold stock for ever: an online order still not paid
//! [`crate::Settings::unpaid_delay`] after it was placed (48 hours by default) is cancelled
//! with that reason, its stock goes back, and the customer is told by email (the
//! cancellation's own message). An order with a payment under way is left to its outcome;
//! a failed payment before the delay leaves the order payable.

use domain::order::{OrderNumber, OrderSource, OrderState, Reason};
use domain::payment::OrderPaymentState;
use ports::{OrderQuery, Paging};

use crate::{App, AppError, Caller};

/// The reason recorded on an order cancelled for want of payment.
pub const UNPAID_REASON: &str = "non payée dans le délai";

impl App {
    /// Cancels the online orders placed more than the delay ago and still unpaid, with
    /// no payment under way. Gives the numbers of those cancelled.
    ///
    /// # Errors
    /// [`AppError::Store`] when the database fails; an order that changed meanwhile (paid,
    /// cancelled by staff) is left as it is.
    pub async fn cancel_unpaid_orders(&self) -> Result<Vec<OrderNumber>, AppError> {
        let system = Caller::system();
        let cutoff = self.now() - self.settings.unpaid_delay;
        let mut candidates = Vec::new();
        let mut offset = 0u64;
        loop {
            let page = self
                .search_orders(
                    &system,
                    &OrderQuery {
                        customer: None,
                        placed_by: None,
                        state: Some(OrderState::Validated),
                        source: Some(OrderSource::Online),
                        site: None,
                        from: None,
                        until: Some(cutoff),
                        paging: Paging {
                            offset,
                            limit: Paging::MAX_LIMIT,
                        },
                    },
                )
                .await?;
            let read = page.items.len() as u64;
            candidates.extend(page.items.into_iter().map(|o| o.number));
            offset += read;
            if read == 0 || offset >= page.total {
                break;
            }
        }
        let reason = Reason::new(UNPAID_REASON).map_err(|e| AppError::invalid("reason", e))?;
        let mut cancelled = Vec::new();
        for number in candidates {
            let payments = self.order_payments(&system, &number).await?;
            let unpaid = payments.summary.state != OrderPaymentState::Paid
                && payments.summary.pending.is_zero()
                && payments.summary.paid.is_zero();
            if !unpaid {
                continue;
            }
            match self
                .cancel_order(&system, &number, Some(reason.clone()))
                .await
            {
                Ok(_) => cancelled.push(number),
                // Changed meanwhile (cancelled by staff, fulfilled): nothing to do.
                Err(AppError::Order(_)) => {}
                Err(other) => return Err(other),
            }
        }
        Ok(cancelled)
    }
}
