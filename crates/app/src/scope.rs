//! What a caller may name: the one place that decides, for every id a request carries,
//! whether this caller may use it. `docs/api.md` ("Who may do what") says the same, role by
//! role.
//!
//! Something the caller may not use is answered exactly as something that does not exist:
//! [`AppError::NotFound`] for what the request is about (an id in the address),
//! [`AppError::Invalid`] naming the field for an id in the body. A whole kind of action the
//! caller's role never may do is [`AppError::Forbidden`]: that reveals nothing about any
//! one record.

use domain::cart::Cart;
use domain::ids::{AdresseId, SocieteId, TiersId};
use domain::order::{Commande, OrderParties, OrderState};
use ports::{OrderQuery, Transaction};

use crate::{Access, AppError, Caller};

/// Actions for the supplier's people: administrators, order takers and the system.
pub(crate) fn require_internal(caller: &Caller, what: &str) -> Result<(), AppError> {
    if caller.is_internal() {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!("only staff may {what}")))
    }
}

/// Actions for administrators (and the system) only: accounts, the catalogue's prices and
/// VAT codes, stock, sites, the outbox, every document of every site.
pub(crate) fn require_admin(caller: &Caller, what: &str) -> Result<(), AppError> {
    if matches!(caller.access, Access::Staff | Access::System) {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!(
            "only administrators may {what}"
        )))
    }
}

/// Actions for anyone with an account: placing an order needs one.
pub(crate) fn require_account(caller: &Caller) -> Result<(), AppError> {
    if caller.access == Access::Guest {
        Err(AppError::Forbidden(
            "an order needs an account: log in or sign up first".to_owned(),
        ))
    } else {
        Ok(())
    }
}

/// Whether the caller may see this order: a customer their own (a deleted draft no
/// more), a program the orders it placed, an order taker those of their site.
pub(crate) fn may_see_order(caller: &Caller, order: &Commande) -> bool {
    match caller.access {
        Access::Staff | Access::System => true,
        Access::OrderTaker { site, .. } => order.site() == site,
        Access::Customer(me) => {
            order.parties().customer == me && order.state() != OrderState::Deleted
        }
        Access::Program(account) => order.placed_by() == Some(account),
        Access::Guest => false,
    }
}

/// The order, if the caller may see it; else "does not exist", so that order numbers
/// reveal nothing.
pub(crate) fn visible_order(
    caller: &Caller,
    order: Option<Commande>,
    key: &str,
) -> Result<Commande, AppError> {
    match order {
        Some(order) if may_see_order(caller, &order) => Ok(order),
        _ => Err(AppError::not_found("order", key)),
    }
}

/// The search narrowed to the orders the caller may see; `None` when what they asked for
/// lies wholly outside it (another customer, another site, a deleted draft of a customer).
pub(crate) fn order_query_within_scope(caller: &Caller, query: &OrderQuery) -> Option<OrderQuery> {
    let mut query = query.clone();
    match caller.access {
        Access::Staff | Access::System => {}
        Access::OrderTaker { site, .. } => {
            if query.site.is_some_and(|s| s != site) {
                return None;
            }
            query.site = Some(site);
        }
        Access::Customer(me) => {
            if query.customer.is_some_and(|c| c != me) || query.state == Some(OrderState::Deleted) {
                return None;
            }
            query.customer = Some(me);
        }
        Access::Program(account) => {
            if query.placed_by.is_some_and(|a| a != account) {
                return None;
            }
            query.placed_by = Some(account);
        }
        Access::Guest => return None,
    }
    Some(query)
}

/// Whether the caller may use this cart: a guest's cart is reached by its unguessable id
/// alone; a customer's cart is theirs only, staff included.
pub(crate) fn may_use_cart(caller: &Caller, cart: &Cart) -> bool {
    match (cart.owner, caller.access) {
        (None, _) => true,
        (Some(owner), Access::Customer(me)) => owner == me,
        (Some(_), _) => false,
    }
}

/// Programs see orders, never the parties as such: the back office is not theirs.
fn refuse_programs(caller: &Caller) -> Result<(), AppError> {
    match caller.access {
        Access::Program(_) | Access::Guest => Err(AppError::Forbidden(
            "people, companies and addresses are for staff and for customers' own".to_owned(),
        )),
        Access::Staff | Access::OrderTaker { .. } | Access::Customer(_) | Access::System => Ok(()),
    }
}

/// Checks that the caller may see this person: a customer themselves only (anyone else
/// does not exist for them); programs nobody.
pub(crate) fn check_person_visible(caller: &Caller, id: TiersId) -> Result<(), AppError> {
    refuse_programs(caller)?;
    match caller.access {
        Access::Customer(me) if me != id => Err(AppError::not_found("person", id)),
        _ => Ok(()),
    }
}

/// Checks that the caller may read this address: staff any; a customer those linked to
/// them or to their companies. Anything else is "does not exist".
pub(crate) async fn check_address_visible(
    tx: &mut dyn Transaction,
    caller: &Caller,
    id: AdresseId,
) -> Result<(), AppError> {
    refuse_programs(caller)?;
    let visible = match caller.access {
        Access::Customer(me) => tx.addresses_reachable_from(&[me]).await?.contains(&id),
        _ => true,
    };
    if visible {
        Ok(())
    } else {
        Err(AppError::not_found("address", id))
    }
}

/// Checks that the caller may read this company: staff any; a customer the companies they
/// belong to. Anything else is "does not exist".
pub(crate) async fn check_company_visible(
    tx: &mut dyn Transaction,
    caller: &Caller,
    id: SocieteId,
) -> Result<(), AppError> {
    refuse_programs(caller)?;
    let visible = match caller.access {
        Access::Customer(me) => tx
            .links_of_tiers(me)
            .await?
            .societe_tiers
            .iter()
            .any(|link| link.from == id),
        _ => true,
    };
    if visible {
        Ok(())
    } else {
        Err(AppError::not_found("company", id))
    }
}

/// Checks the parties an order names against what the caller may name, after they were
/// found to exist: a customer orders for themselves, pays and receives themselves, and
/// names addresses of their own or of their companies; a program names addresses of the
/// order's own parties (or of their companies). Staff name anyone. Each refusal names the
/// field as if the id did not exist.
pub(crate) async fn check_order_parties(
    tx: &mut dyn Transaction,
    caller: &Caller,
    parties: &OrderParties,
) -> Result<(), AppError> {
    let owners = match caller.access {
        Access::Staff | Access::OrderTaker { .. } | Access::System => return Ok(()),
        Access::Customer(me) => {
            for (field, id) in [
                ("customer", parties.customer),
                ("payer", parties.payer),
                ("recipient", parties.recipient),
            ] {
                if id != me {
                    return Err(unknown_person(field, id));
                }
            }
            vec![me]
        }
        // A guest places no order; were one to, it would name nobody's addresses.
        Access::Guest => Vec::new(),
        Access::Program(_) => {
            let mut owners = vec![parties.customer, parties.payer, parties.recipient];
            owners.sort_unstable();
            owners.dedup();
            owners
        }
    };
    let reachable = tx.addresses_reachable_from(&owners).await?;
    for (field, id) in [
        ("delivery_address", Some(parties.delivery_address)),
        ("billing_address", parties.billing_address),
    ] {
        if let Some(id) = id.filter(|id| !reachable.contains(id)) {
            return Err(unknown_address(field, id));
        }
    }
    Ok(())
}

/// A person named in a body that does not exist, or that the caller may not name.
pub(crate) fn unknown_person(field: &str, id: TiersId) -> AppError {
    AppError::invalid(field, format!("person {id} does not exist"))
}

/// An address named in a body that does not exist, or that the caller may not name.
pub(crate) fn unknown_address(field: &str, id: AdresseId) -> AppError {
    AppError::invalid(field, format!("address {id} does not exist"))
}
