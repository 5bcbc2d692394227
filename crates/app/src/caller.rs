use domain::ids::{SocieteId, TiersId};
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
    /// Another program sending orders through the API.
    Program,
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

    /// Whether the caller may see what belongs to this customer.
    pub fn may_see_customer(&self, customer: TiersId) -> bool {
        match self.access {
            Access::Customer(me) => me == customer,
            Access::Program => false,
            Access::Staff | Access::OrderTaker { .. } | Access::System => true,
        }
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
