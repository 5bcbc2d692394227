use domain::ids::{AccountId, SocieteId, TiersId};
use domain::order::Actor;

/// What a caller may reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Back-office staff and administrators: everything.
    Staff,
    /// An order taker at a site: orders they take carry their site and their name.
    OrderTaker {
        /// Their site.
        site: SocieteId,
        /// Who they are.
        tiers: TiersId,
    },
    /// A customer with an account: only their own carts, orders and details.
    Customer(TiersId),
    /// Another program sending orders through the API, by its account: it sees the orders
    /// it placed.
    Program(AccountId),
    /// A visitor without an account: they reach guests' carts (by their unguessable ids)
    /// and nothing else.
    Guest,
    /// The system itself (workers, migrations, demo data).
    System,
}

/// Who asks: what they may reach, and the name their changes are recorded under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// What they may reach.
    pub access: Access,
    /// Their name in histories and change records.
    pub actor: Actor,
}

impl Caller {
    /// The system itself.
    pub fn system() -> Self {
        Caller {
            access: Access::System,
            actor: system_actor(),
        }
    }

    /// A visitor without an account.
    pub fn guest() -> Self {
        Caller {
            access: Access::Guest,
            actor: Actor::new("guest").unwrap_or_else(|_| unreachable_actor()),
        }
    }

    /// Staff under this name.
    pub fn staff(actor: Actor) -> Self {
        Caller {
            access: Access::Staff,
            actor,
        }
    }

    /// Whether the caller works for the supplier (staff, order taker, system).
    pub fn is_internal(&self) -> bool {
        matches!(
            self.access,
            Access::Staff | Access::OrderTaker { .. } | Access::System
        )
    }
}

fn system_actor() -> Actor {
    // "system" is a valid actor: short, not empty, no control character.
    Actor::new("system").unwrap_or_else(|_| unreachable_actor())
}

#[allow(clippy::panic)]
fn unreachable_actor() -> Actor {
    panic!("\"system\" is a valid actor")
}
