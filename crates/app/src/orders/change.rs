//! Changing an order after it was placed: validating a draft, editing a draft's lines,
//! deleting, cancelling, fulfilling, moving its delivery date, changing its addresses.
//! Each change locks the order, applies the domain's rule, and stores the order with its
//! history, its stock movements, its messages and the record of who changed what.

use domain::ids::{AdresseId, TiersId};
use domain::money::{Amount, Quantity};
use domain::order::{
    Commande, LineDraft, OrderAction, OrderNumber, OrderParties, OrderState, Reason,
};
use ports::{EntityKind, MovementReason, Transaction, TxMode};
use serde::{Deserialize, Serialize};
use time::Date;

use super::place::{check_parties, priced_lines, take_stock};
use super::{messages, stock, LineRequest, ShortagePolicy};
use crate::audit::Diff;
use crate::billing;
use crate::parties::{existing_societe, existing_tiers};
use crate::{scope, App, AppError, Caller};

/// New parties for an order; absent fields keep their value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartiesChange {
    /// A new payer (drafts only).
    pub payer: Option<TiersId>,
    /// A new recipient.
    pub recipient: Option<TiersId>,
    /// A new delivery address.
    pub delivery_address: Option<AdresseId>,
    /// A new billing address.
    pub billing_address: Option<AdresseId>,
}

/// What a validation gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValidatedOrder {
    /// The order, now validated.
    pub order: Commande,
    /// The articles that were short and reduced, when asked to go on with what is
    /// available.
    pub reduced: Vec<ports::Shortage>,
}

impl App {
    /// Locks an order by number, checking the caller may see it.
    pub(crate) async fn locked(
        &self,
        tx: &mut dyn Transaction,
        caller: &Caller,
        number: &OrderNumber,
    ) -> Result<Commande, AppError> {
        let found = tx.find_order(number).await?;
        let found = scope::visible_order(caller, found, &number.to_string())?;
        let locked = tx.lock_order(found.id()).await?;
        scope::visible_order(caller, locked, &number.to_string())
    }

    /// Validates a draft: takes its stock (or, when asked, what is available, reducing or
    /// dropping short lines), records the change and queues the customer's confirmation
    /// and the site's notice.
    ///
    /// # Errors
    /// [`AppError::Order`] unless a draft; [`AppError::Shortage`] listing every short
    /// article; [`AppError::NotFound`].
    pub async fn validate_order(
        &self,
        caller: &Caller,
        number: &OrderNumber,
        policy: ShortagePolicy,
        reason: Option<Reason>,
    ) -> Result<ValidatedOrder, AppError> {
        scope::require_internal(caller, "validate orders")?;
        transaction!(self, TxMode::Write, |tx| {
            let mut order = self.locked(&mut *tx, caller, number).await?;
            let now = self.now();
            if order.state().after(OrderAction::Validate).is_none() {
                order.validate(now, caller.actor.clone(), reason.clone())?;
            }
            let mut drafts: Vec<LineDraft> =
                order.lines().iter().map(|l| l.content.clone()).collect();
            let ids: Vec<_> = drafts.iter().map(|d| d.article).collect();
            let articles = tx
                .get_articles(&ids)
                .await?
                .into_iter()
                .map(|a| (a.id, a))
                .collect();
            let reduced = take_stock(
                &mut *tx,
                &mut drafts,
                &articles,
                policy,
                order.id(),
                now,
                caller,
            )
            .await?;
            if !reduced.is_empty() {
                fit_lines(&mut order, &drafts)?;
                let mut diff = Diff::default();
                for s in &reduced {
                    diff.note(format!(
                        "{}: reduced to the {} available",
                        s.reference, s.available
                    ));
                }
                diff.record(&mut *tx, EntityKind::Commande, order.id(), caller, now)
                    .await?;
            }
            order.validate(now, caller.actor.clone(), reason.clone())?;
            tx.update_order(&order).await?;
            let customer = existing_tiers(&mut *tx, order.parties().customer).await?;
            let site = existing_societe(&mut *tx, order.site()).await?;
            messages::order_validated(&mut *tx, &*self.ids, &order, &customer, &site, now).await?;
            Ok(ValidatedOrder { order, reduced })
        })
    }

    /// Deletes a draft. It is never shown as an order again.
    ///
    /// # Errors
    /// [`AppError::Order`] unless a draft; [`AppError::NotFound`].
    pub async fn delete_order(
        &self,
        caller: &Caller,
        number: &OrderNumber,
        reason: Option<Reason>,
    ) -> Result<Commande, AppError> {
        scope::require_internal(caller, "delete orders")?;
        self.end_order(caller, number, OrderAction::Delete, reason)
            .await
    }

    /// Cancels a validated order, giving its stock back, and tells the customer.
    ///
    /// # Errors
    /// [`AppError::Order`] unless validated; [`AppError::NotFound`].
    pub async fn cancel_order(
        &self,
        caller: &Caller,
        number: &OrderNumber,
        reason: Option<Reason>,
    ) -> Result<Commande, AppError> {
        scope::require_internal(caller, "cancel orders")?;
        self.end_order(caller, number, OrderAction::Cancel, reason)
            .await
    }

    /// Marks a validated order as fulfilled: it is closed.
    ///
    /// # Errors
    /// [`AppError::Order`] unless validated; [`AppError::NotFound`].
    pub async fn fulfil_order(
        &self,
        caller: &Caller,
        number: &OrderNumber,
        reason: Option<Reason>,
    ) -> Result<Commande, AppError> {
        scope::require_internal(caller, "fulfil orders")?;
        self.end_order(caller, number, OrderAction::Fulfil, reason)
            .await
    }

    /// Applies an action that ends an order's life (delete, cancel, fulfil); a cancellation
    /// also gives the stock back and tells the customer, in the same transaction.
    async fn end_order(
        &self,
        caller: &Caller,
        number: &OrderNumber,
        action: OrderAction,
        reason: Option<Reason>,
    ) -> Result<Commande, AppError> {
        transaction!(self, TxMode::Write, |tx| {
            let mut order = self.locked(&mut *tx, caller, number).await?;
            let now = self.now();
            order.apply(action, now, caller.actor.clone(), reason.clone())?;
            if action == OrderAction::Cancel {
                stock::apply(
                    &mut *tx,
                    &order,
                    MovementReason::OrderCancelled,
                    now,
                    &caller.actor,
                )
                .await?;
            }
            tx.update_order(&order).await?;
            if action == OrderAction::Cancel {
                let customer = existing_tiers(&mut *tx, order.parties().customer).await?;
                let site = existing_societe(&mut *tx, order.site()).await?;
                messages::order_cancelled(&mut *tx, &*self.ids, &order, &customer, &site, now)
                    .await?;
                billing::credit_note_due(&mut *tx, &*self.ids, &order, now).await?;
            }
            Ok(order)
        })
    }

    /// Moves the planned delivery date, while the order is a draft or validated.
    ///
    /// # Errors
    /// [`AppError::Order`] once the order is closed; [`AppError::Invalid`] for a date
    /// before the order date.
    pub async fn reschedule_order(
        &self,
        caller: &Caller,
        number: &OrderNumber,
        date: Date,
    ) -> Result<Commande, AppError> {
        scope::require_internal(caller, "change delivery dates")?;
        transaction!(self, TxMode::Write, |tx| {
            let mut order = self.locked(&mut *tx, caller, number).await?;
            if date < order.ordered_at().date() {
                return Err(AppError::invalid(
                    "planned_delivery",
                    "the delivery cannot be planned before the order date",
                ));
            }
            let before = order.planned_delivery();
            order.set_planned_delivery(date)?;
            let mut diff = Diff::default();
            diff.field("planned_delivery", &before, &date);
            if !diff.is_empty() {
                tx.update_order(&order).await?;
                diff.record(
                    &mut *tx,
                    EntityKind::Commande,
                    order.id(),
                    caller,
                    self.now(),
                )
                .await?;
            }
            Ok(order)
        })
    }

    /// Changes the recipient, the addresses and (for a draft) the payer.
    ///
    /// # Errors
    /// [`AppError::Order`] when the state forbids it; [`AppError::Invalid`] for unknown
    /// people or addresses.
    pub async fn change_order_parties(
        &self,
        caller: &Caller,
        number: &OrderNumber,
        change: &PartiesChange,
    ) -> Result<Commande, AppError> {
        scope::require_internal(caller, "change order addresses")?;
        transaction!(self, TxMode::Write, |tx| {
            let mut order = self.locked(&mut *tx, caller, number).await?;
            let before = *order.parties();
            check_parties(
                &mut *tx,
                change.payer,
                change.recipient,
                change.delivery_address,
                change.billing_address,
            )
            .await?;
            let after = OrderParties {
                customer: before.customer,
                payer: change.payer.unwrap_or(before.payer),
                recipient: change.recipient.unwrap_or(before.recipient),
                delivery_address: change.delivery_address.unwrap_or(before.delivery_address),
                billing_address: change.billing_address.or(before.billing_address),
            };
            scope::check_order_parties(&mut *tx, caller, &after).await?;
            order.set_parties(after)?;
            let mut diff = Diff::default();
            diff.field("payer", &before.payer, &after.payer)
                .field("recipient", &before.recipient, &after.recipient)
                .field(
                    "delivery_address",
                    &before.delivery_address,
                    &after.delivery_address,
                )
                .field(
                    "billing_address",
                    &before.billing_address,
                    &after.billing_address,
                );
            if !diff.is_empty() {
                tx.update_order(&order).await?;
                diff.record(
                    &mut *tx,
                    EntityKind::Commande,
                    order.id(),
                    caller,
                    self.now(),
                )
                .await?;
            }
            Ok(order)
        })
    }

    /// Adds a line to a draft, copying the article's price, designation and rate now.
    ///
    /// # Errors
    /// [`AppError::Order`] unless a draft; [`AppError::Lines`] when the article is unknown
    /// or the quantity breaks its rules.
    pub async fn add_draft_line(
        &self,
        caller: &Caller,
        number: &OrderNumber,
        line: &LineRequest,
    ) -> Result<Commande, AppError> {
        scope::require_internal(caller, "edit draft orders")?;
        transaction!(self, TxMode::Write, |tx| {
            let mut order = self.locked(&mut *tx, caller, number).await?;
            let (_, mut drafts) = priced_lines(&mut *tx, std::slice::from_ref(line)).await?;
            let Some(draft) = drafts.pop() else {
                return Err(AppError::invalid("lines", "no line to add"));
            };
            let text = format!("line added: {} x {}", draft.quantity, draft.reference);
            let position = order.add_line(draft)?;
            self.store_draft_edit(
                &mut *tx,
                caller,
                &order,
                format!("{text} (line {position})"),
            )
            .await?;
            Ok(order)
        })
    }

    /// Changes the quantity of a draft's line.
    ///
    /// # Errors
    /// [`AppError::Order`] unless a draft or for an unknown line.
    pub async fn change_draft_line(
        &self,
        caller: &Caller,
        number: &OrderNumber,
        position: u32,
        quantity: Quantity,
    ) -> Result<Commande, AppError> {
        scope::require_internal(caller, "edit draft orders")?;
        transaction!(self, TxMode::Write, |tx| {
            let mut order = self.locked(&mut *tx, caller, number).await?;
            let before = order
                .lines()
                .iter()
                .find(|l| l.position == position)
                .map(|l| l.content.quantity);
            order.change_quantity(position, quantity)?;
            let text = format!(
                "line {position}: quantity {} → {quantity}",
                before.map_or_else(|| "-".to_owned(), |q| q.to_string())
            );
            self.store_draft_edit(&mut *tx, caller, &order, text)
                .await?;
            Ok(order)
        })
    }

    /// Removes a draft's line (not its last one: delete the draft instead).
    ///
    /// # Errors
    /// [`AppError::Order`] unless a draft, for an unknown line, or for the last line.
    pub async fn remove_draft_line(
        &self,
        caller: &Caller,
        number: &OrderNumber,
        position: u32,
    ) -> Result<Commande, AppError> {
        scope::require_internal(caller, "edit draft orders")?;
        transaction!(self, TxMode::Write, |tx| {
            let mut order = self.locked(&mut *tx, caller, number).await?;
            order.remove_line(position)?;
            self.store_draft_edit(&mut *tx, caller, &order, format!("line {position} removed"))
                .await?;
            Ok(order)
        })
    }

    /// Sets a draft's global discount.
    ///
    /// # Errors
    /// [`AppError::Order`] unless a draft or when larger than the total before tax.
    pub async fn set_draft_discount(
        &self,
        caller: &Caller,
        number: &OrderNumber,
        discount: Amount,
    ) -> Result<Commande, AppError> {
        scope::require_internal(caller, "grant discounts")?;
        transaction!(self, TxMode::Write, |tx| {
            let mut order = self.locked(&mut *tx, caller, number).await?;
            let before = order.global_discount();
            order.set_global_discount(discount)?;
            self.store_draft_edit(
                &mut *tx,
                caller,
                &order,
                format!("global discount: {before} → {discount}"),
            )
            .await?;
            Ok(order)
        })
    }

    async fn store_draft_edit(
        &self,
        tx: &mut dyn Transaction,
        caller: &Caller,
        order: &Commande,
        change: String,
    ) -> Result<(), AppError> {
        tx.update_order(order).await?;
        let mut diff = Diff::default();
        diff.note(change);
        diff.record(
            &mut *tx,
            EntityKind::Commande,
            order.id(),
            caller,
            self.now(),
        )
        .await
    }
}

/// Brings a draft's lines to the quantities fitted to stock: lines are matched in order
/// (fitting keeps their order and drops some).
fn fit_lines(order: &mut Commande, fitted: &[LineDraft]) -> Result<(), AppError> {
    let positions: Vec<(u32, Quantity)> = order
        .lines()
        .iter()
        .map(|l| (l.position, l.content.quantity))
        .collect();
    let mut remaining = fitted.iter().peekable();
    for (position, quantity) in positions {
        let line = order
            .lines()
            .iter()
            .find(|l| l.position == position)
            .map(|l| l.content.article);
        match remaining.peek() {
            Some(next) if Some(next.article) == line => {
                if next.quantity != quantity {
                    order.change_quantity(position, next.quantity)?;
                }
                remaining.next();
            }
            _ => order.remove_line(position)?,
        }
    }
    if order.state() != OrderState::Draft {
        return Err(AppError::invalid(
            "state",
            "only a draft's lines are fitted to stock",
        ));
    }
    Ok(())
}
