use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use super::{
    replay, Actor, Ligne, LineDraft, OrderAction, OrderError, OrderNumber, OrderState, Reason,
    StateChange,
};
use crate::ids::{AccountId, AdresseId, CommandeId, SocieteId, TiersId};
use crate::money::{Amount, Quantity};
use crate::pricing::{price, Pricing};

/// Where an order comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderSource {
    /// The online shop (e-commerce).
    Online,
    /// Taken at the counter of a site.
    Site,
    /// Taken by phone at a site.
    Phone,
    /// Sent by another program through the API.
    Api,
}

impl OrderSource {
    /// Every source.
    pub const ALL: [OrderSource; 4] = [
        OrderSource::Online,
        OrderSource::Site,
        OrderSource::Phone,
        OrderSource::Api,
    ];

    /// The source's name, as stored and as written in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            OrderSource::Online => "online",
            OrderSource::Site => "site",
            OrderSource::Phone => "phone",
            OrderSource::Api => "api",
        }
    }

    /// Reads a source from its name.
    pub fn parse(text: &str) -> Option<OrderSource> {
        OrderSource::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

impl std::fmt::Display for OrderSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who an order concerns. Payer and recipient are the customer unless said otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderParties {
    /// Who ordered.
    pub customer: TiersId,
    /// Who is invoiced.
    pub payer: TiersId,
    /// Who receives the delivery.
    pub recipient: TiersId,
    /// Where it is delivered.
    pub delivery_address: AdresseId,
    /// Where the invoice is addressed; the delivery address when `None`.
    pub billing_address: Option<AdresseId>,
}

impl OrderParties {
    /// The customer is also the payer and the recipient, delivered and billed at `address`.
    pub fn customer_only(customer: TiersId, address: AdresseId) -> Self {
        OrderParties {
            customer,
            payer: customer,
            recipient: customer,
            delivery_address: address,
            billing_address: None,
        }
    }
}

/// Everything needed to create an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCommande {
    /// Its id.
    pub id: CommandeId,
    /// Its number, from the site's sequence.
    pub number: OrderNumber,
    /// Customer, payer, recipient and addresses.
    pub parties: OrderParties,
    /// The site that takes the order.
    pub site: SocieteId,
    /// The person who took it, for orders taken at a site.
    pub taken_by: Option<TiersId>,
    /// The account of the program that sent it, for orders from other programs: a program
    /// sees the orders it placed and no other.
    pub placed_by: Option<AccountId>,
    /// Where it comes from.
    pub source: OrderSource,
    /// When it was taken.
    pub ordered_at: OffsetDateTime,
    /// When it is to be delivered (see [`crate::calendar::planned_delivery`]).
    pub planned_delivery: Date,
    /// The global discount, an amount.
    pub global_discount: Amount,
    /// Its lines, at least one.
    pub lines: Vec<LineDraft>,
}

/// An order as stored: what [`Commande::from_parts`] rebuilds an order from, after
/// checking that it holds together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommandeParts {
    /// Its id.
    pub id: CommandeId,
    /// Its number.
    pub number: OrderNumber,
    /// Customer, payer, recipient and addresses.
    pub parties: OrderParties,
    /// The site that took it.
    pub site: SocieteId,
    /// The person who took it.
    pub taken_by: Option<TiersId>,
    /// The program's account that sent it.
    #[serde(default)]
    pub placed_by: Option<AccountId>,
    /// Where it came from.
    pub source: OrderSource,
    /// When it was taken.
    #[serde(with = "time::serde::rfc3339")]
    pub ordered_at: OffsetDateTime,
    /// When it is to be delivered.
    pub planned_delivery: Date,
    /// The global discount.
    pub global_discount: Amount,
    /// Its lines.
    pub lines: Vec<Ligne>,
    /// Its current state.
    pub state: OrderState,
    /// Every change of state since its creation.
    pub history: Vec<StateChange>,
}

/// An order (commande). Its state changes only through the state machine's methods
/// ([`validate`](Commande::validate), [`delete`](Commande::delete),
/// [`fulfil`](Commande::fulfil), [`cancel`](Commande::cancel)), each of which appends to
/// its history; its lines change only while it is a draft; it always has at least one
/// line and its totals are always those of `docs/pricing.md`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Commande {
    #[serde(flatten)]
    parts: CommandeParts,
    pricing: Pricing,
}

impl Commande {
    /// Creates an order as a draft, recording its creation in its history.
    ///
    /// # Errors
    /// [`OrderError::NoLine`] without lines; [`OrderError::Pricing`] when a discount is
    /// larger than what it applies to.
    pub fn create(new: NewCommande, by: Actor, reason: Option<Reason>) -> Result<Self, OrderError> {
        let lines = new
            .lines
            .into_iter()
            .zip(1..)
            .map(|(content, position)| Ligne { position, content })
            .collect();
        let parts = CommandeParts {
            id: new.id,
            number: new.number,
            parties: new.parties,
            site: new.site,
            taken_by: new.taken_by,
            placed_by: new.placed_by,
            source: new.source,
            ordered_at: new.ordered_at,
            planned_delivery: new.planned_delivery,
            global_discount: new.global_discount,
            lines,
            state: OrderState::Draft,
            history: vec![StateChange {
                from: None,
                to: OrderState::Draft,
                at: new.ordered_at,
                by,
                reason,
            }],
        };
        Self::from_parts(parts)
    }

    /// Rebuilds an order from what was stored.
    ///
    /// # Errors
    /// [`OrderError::Inconsistent`] when the history does not replay to the state or two
    /// lines share a position; [`OrderError::NoLine`] or [`OrderError::Pricing`] as in
    /// [`Commande::create`].
    pub fn from_parts(parts: CommandeParts) -> Result<Self, OrderError> {
        if replay(&parts.history) != Some(parts.state) {
            return Err(OrderError::Inconsistent(
                "its state history does not lead to its state",
            ));
        }
        let mut positions: Vec<u32> = parts.lines.iter().map(|l| l.position).collect();
        positions.sort_unstable();
        positions.dedup();
        if positions.len() != parts.lines.len() || positions.first() == Some(&0) {
            return Err(OrderError::Inconsistent("two lines share a position"));
        }
        let pricing = Self::price_lines(&parts.lines, parts.global_discount)?;
        Ok(Commande { parts, pricing })
    }

    fn price_lines(lines: &[Ligne], global_discount: Amount) -> Result<Pricing, OrderError> {
        if lines.is_empty() {
            return Err(OrderError::NoLine);
        }
        let inputs: Vec<_> = lines.iter().map(Ligne::pricing_input).collect();
        Ok(price(&inputs, global_discount)?)
    }

    /// Its id.
    pub fn id(&self) -> CommandeId {
        self.parts.id
    }
    /// Its number.
    pub fn number(&self) -> &OrderNumber {
        &self.parts.number
    }
    /// Customer, payer, recipient and addresses.
    pub fn parties(&self) -> &OrderParties {
        &self.parts.parties
    }
    /// The site that took it.
    pub fn site(&self) -> SocieteId {
        self.parts.site
    }
    /// The person who took it.
    pub fn taken_by(&self) -> Option<TiersId> {
        self.parts.taken_by
    }
    /// The program's account that sent it.
    pub fn placed_by(&self) -> Option<AccountId> {
        self.parts.placed_by
    }
    /// Where it came from.
    pub fn source(&self) -> OrderSource {
        self.parts.source
    }
    /// When it was taken.
    pub fn ordered_at(&self) -> OffsetDateTime {
        self.parts.ordered_at
    }
    /// When it is to be delivered.
    pub fn planned_delivery(&self) -> Date {
        self.parts.planned_delivery
    }
    /// The global discount.
    pub fn global_discount(&self) -> Amount {
        self.parts.global_discount
    }
    /// Its lines, by position.
    pub fn lines(&self) -> &[Ligne] {
        &self.parts.lines
    }
    /// Its state.
    pub fn state(&self) -> OrderState {
        self.parts.state
    }
    /// Every change of state since its creation, oldest first.
    pub fn history(&self) -> &[StateChange] {
        &self.parts.history
    }
    /// Its totals and VAT breakdown.
    pub fn pricing(&self) -> &Pricing {
        &self.pricing
    }
    /// Everything it holds, as stored.
    pub fn parts(&self) -> &CommandeParts {
        &self.parts
    }

    /// DRAFT → VALIDATED: the customer confirmed. Taking the stock is the caller's part,
    /// in the same transaction as storing the change.
    ///
    /// # Errors
    /// [`OrderError::IllegalTransition`] unless the order is a draft.
    pub fn validate(
        &mut self,
        at: OffsetDateTime,
        by: Actor,
        reason: Option<Reason>,
    ) -> Result<(), OrderError> {
        self.apply(OrderAction::Validate, at, by, reason)
    }

    /// DRAFT → DELETED: the draft is dropped.
    ///
    /// # Errors
    /// [`OrderError::IllegalTransition`] unless the order is a draft.
    pub fn delete(
        &mut self,
        at: OffsetDateTime,
        by: Actor,
        reason: Option<Reason>,
    ) -> Result<(), OrderError> {
        self.apply(OrderAction::Delete, at, by, reason)
    }

    /// VALIDATED → FULFILLED: the order was processed and is closed.
    ///
    /// # Errors
    /// [`OrderError::IllegalTransition`] unless the order is validated.
    pub fn fulfil(
        &mut self,
        at: OffsetDateTime,
        by: Actor,
        reason: Option<Reason>,
    ) -> Result<(), OrderError> {
        self.apply(OrderAction::Fulfil, at, by, reason)
    }

    /// VALIDATED → CANCELLED: giving the stock back is the caller's part, in the same
    /// transaction as storing the change.
    ///
    /// # Errors
    /// [`OrderError::IllegalTransition`] unless the order is validated.
    pub fn cancel(
        &mut self,
        at: OffsetDateTime,
        by: Actor,
        reason: Option<Reason>,
    ) -> Result<(), OrderError> {
        self.apply(OrderAction::Cancel, at, by, reason)
    }

    /// Applies any action of the state machine.
    ///
    /// # Errors
    /// [`OrderError::IllegalTransition`] when the action does not apply in this state.
    pub fn apply(
        &mut self,
        action: OrderAction,
        at: OffsetDateTime,
        by: Actor,
        reason: Option<Reason>,
    ) -> Result<(), OrderError> {
        let from = self.parts.state;
        let to = from.after(action).ok_or(OrderError::IllegalTransition {
            state: from,
            action,
        })?;
        self.parts.state = to;
        self.parts.history.push(StateChange {
            from: Some(from),
            to,
            at,
            by,
            reason,
        });
        Ok(())
    }

    fn require_draft(&self, what: &'static str) -> Result<(), OrderError> {
        match self.parts.state {
            OrderState::Draft => Ok(()),
            state => Err(OrderError::NotEditable { state, what }),
        }
    }

    fn require_open(&self, what: &'static str) -> Result<(), OrderError> {
        match self.parts.state {
            OrderState::Draft | OrderState::Validated => Ok(()),
            state => Err(OrderError::NotEditable { state, what }),
        }
    }

    /// Replaces the lines and the global discount at once, keeping the order unchanged
    /// when the result cannot be priced.
    fn reprice_with(
        &mut self,
        lines: Vec<Ligne>,
        global_discount: Amount,
    ) -> Result<(), OrderError> {
        self.pricing = Self::price_lines(&lines, global_discount)?;
        self.parts.lines = lines;
        self.parts.global_discount = global_discount;
        Ok(())
    }

    fn line_index(&self, position: u32) -> Result<usize, OrderError> {
        self.parts
            .lines
            .iter()
            .position(|l| l.position == position)
            .ok_or(OrderError::LineNotFound(position))
    }

    /// Adds a line to a draft and gives its position.
    ///
    /// # Errors
    /// [`OrderError::NotEditable`] unless a draft; [`OrderError::Pricing`] when the line's
    /// discount is larger than its amount.
    pub fn add_line(&mut self, content: LineDraft) -> Result<u32, OrderError> {
        self.require_draft("lines")?;
        let position = self
            .parts
            .lines
            .iter()
            .map(|l| l.position)
            .max()
            .unwrap_or(0)
            + 1;
        let mut lines = self.parts.lines.clone();
        lines.push(Ligne { position, content });
        self.reprice_with(lines, self.parts.global_discount)?;
        Ok(position)
    }

    /// Changes the quantity of a draft's line.
    ///
    /// # Errors
    /// [`OrderError::NotEditable`] unless a draft; [`OrderError::LineNotFound`];
    /// [`OrderError::Pricing`] when the line's discount or the global discount no longer fit.
    pub fn change_quantity(&mut self, position: u32, quantity: Quantity) -> Result<(), OrderError> {
        self.require_draft("lines")?;
        let index = self.line_index(position)?;
        let mut lines = self.parts.lines.clone();
        lines[index].content.quantity = quantity;
        self.reprice_with(lines, self.parts.global_discount)
    }

    /// Changes the discount of a draft's line.
    ///
    /// # Errors
    /// As [`Commande::change_quantity`].
    pub fn change_line_discount(
        &mut self,
        position: u32,
        discount: Amount,
    ) -> Result<(), OrderError> {
        self.require_draft("lines")?;
        let index = self.line_index(position)?;
        let mut lines = self.parts.lines.clone();
        lines[index].content.discount = discount;
        self.reprice_with(lines, self.parts.global_discount)
    }

    /// Removes a line from a draft; the last line cannot be removed.
    ///
    /// # Errors
    /// [`OrderError::NotEditable`] unless a draft; [`OrderError::LineNotFound`];
    /// [`OrderError::NoLine`] for the last line; [`OrderError::Pricing`] when the global
    /// discount becomes larger than the total.
    pub fn remove_line(&mut self, position: u32) -> Result<(), OrderError> {
        self.require_draft("lines")?;
        let index = self.line_index(position)?;
        let mut lines = self.parts.lines.clone();
        lines.remove(index);
        self.reprice_with(lines, self.parts.global_discount)
    }

    /// Sets the global discount of a draft.
    ///
    /// # Errors
    /// [`OrderError::NotEditable`] unless a draft; [`OrderError::Pricing`] when larger than
    /// the total before tax.
    pub fn set_global_discount(&mut self, discount: Amount) -> Result<(), OrderError> {
        self.require_draft("global discount")?;
        self.reprice_with(self.parts.lines.clone(), discount)
    }

    /// Moves the planned delivery date, while the order is a draft or validated.
    ///
    /// # Errors
    /// [`OrderError::NotEditable`] once the order is closed.
    pub fn set_planned_delivery(&mut self, date: Date) -> Result<(), OrderError> {
        self.require_open("planned delivery date")?;
        self.parts.planned_delivery = date;
        Ok(())
    }

    /// Changes the recipient and the delivery and billing addresses, while the order is a
    /// draft or validated. The customer never changes; the payer only while a draft.
    ///
    /// # Errors
    /// [`OrderError::NotEditable`] once closed, or for a new payer once validated.
    pub fn set_parties(&mut self, parties: OrderParties) -> Result<(), OrderError> {
        self.require_open("addresses")?;
        if parties.customer != self.parts.parties.customer {
            return Err(OrderError::NotEditable {
                state: self.parts.state,
                what: "customer",
            });
        }
        if parties.payer != self.parts.parties.payer {
            self.require_draft("payer")?;
        }
        self.parts.parties = parties;
        Ok(())
    }
}
