//! The order and its state machine: unit cases, then properties over any sequence of
//! actions.

// A test fails by panicking, helpers included.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use domain::catalogue::{ArticleReference, Designation};
use domain::ids::{AdresseId, ArticleId, CommandeId, SocieteId, TiersId};
use domain::money::{Amount, Quantity, UnitPrice};
use domain::order::{
    replay, Actor, Commande, LineDraft, NewCommande, OrderAction, OrderError, OrderNumber,
    OrderParties, OrderSource, OrderState, SiteCode,
};
use domain::vat::VatRate;
use proptest::prelude::*;
use rust_decimal::Decimal;
use time::macros::{date, datetime};
use time::{Duration, OffsetDateTime};

fn line(article: u128, quantity: u32, price_cents: i64, rate: i64) -> LineDraft {
    LineDraft {
        article: ArticleId::from_u128(article),
        reference: ArticleReference::new(&format!("ART-{article}")).unwrap(),
        designation: Designation::new(&format!("Article {article}")).unwrap(),
        quantity: Quantity::new(quantity).unwrap(),
        unit_price: UnitPrice::new(Decimal::new(price_cents, 2)).unwrap(),
        discount: Amount::ZERO,
        vat_rate: VatRate::new(Decimal::from(rate)).unwrap(),
    }
}

const T0: OffsetDateTime = datetime!(2026-03-02 10:00 UTC);

fn actor() -> Actor {
    Actor::new("marie.dupont").unwrap()
}

fn draft(lines: Vec<LineDraft>) -> Result<Commande, OrderError> {
    let customer = TiersId::from_u128(7);
    Commande::create(
        NewCommande {
            id: CommandeId::from_u128(1),
            number: OrderNumber::new(SiteCode::new("PAR").unwrap(), 1).unwrap(),
            parties: OrderParties::customer_only(customer, AdresseId::from_u128(8)),
            site: SocieteId::from_u128(9),
            taken_by: Some(TiersId::from_u128(10)),
            placed_by: None,
            source: OrderSource::Phone,
            ordered_at: T0,
            planned_delivery: date!(2026 - 03 - 04),
            global_discount: Amount::ZERO,
            lines,
        },
        actor(),
        None,
    )
}

#[test]
fn an_order_is_created_as_a_draft_with_its_creation_in_history() {
    let order = draft(vec![line(1, 3, 1250, 20), line(2, 2, 499, 10)]).unwrap();
    assert_eq!(order.state(), OrderState::Draft);
    assert_eq!(order.history().len(), 1);
    assert_eq!(order.history()[0].from, None);
    assert_eq!(order.history()[0].by.as_str(), "marie.dupont");
    assert_eq!(
        order.lines().iter().map(|l| l.position).collect::<Vec<_>>(),
        vec![1, 2]
    );
    assert_eq!(order.pricing().total_ht, Decimal::new(4748, 2));
}

#[test]
fn an_order_without_lines_is_never_created() {
    assert_eq!(draft(vec![]).unwrap_err(), OrderError::NoLine);
}

#[test]
fn the_life_of_an_order() {
    let mut order = draft(vec![line(1, 1, 100, 20)]).unwrap();
    order.validate(T0, actor(), None).unwrap();
    assert_eq!(
        order.delete(T0, actor(), None).unwrap_err(),
        OrderError::IllegalTransition {
            state: OrderState::Validated,
            action: OrderAction::Delete
        }
    );
    assert_eq!(
        order.add_line(line(2, 1, 100, 20)).unwrap_err().code(),
        "not_editable"
    );
    order.set_planned_delivery(date!(2026 - 03 - 10)).unwrap();
    let reason = domain::order::Reason::new("client injoignable").unwrap();
    order
        .cancel(T0 + Duration::hours(1), actor(), Some(reason))
        .unwrap();
    assert_eq!(order.state(), OrderState::Cancelled);
    assert_eq!(order.history().len(), 3);
    assert_eq!(
        order.history()[2].reason.as_ref().unwrap().as_str(),
        "client injoignable"
    );
    assert!(order.set_planned_delivery(date!(2026 - 03 - 11)).is_err());
    let err = order.fulfil(T0, actor(), None).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the order is CANCELLED: it cannot be fulfilled"
    );
}

#[test]
fn draft_lines_change_and_the_totals_follow() {
    let mut order = draft(vec![line(1, 1, 1000, 20)]).unwrap();
    let second = order.add_line(line(2, 2, 500, 10)).unwrap();
    assert_eq!(second, 2);
    assert_eq!(order.pricing().total_ht, Decimal::new(2000, 2));
    order
        .change_quantity(second, Quantity::new(4).unwrap())
        .unwrap();
    assert_eq!(order.pricing().total_ht, Decimal::new(3000, 2));
    order
        .set_global_discount(Amount::new(Decimal::new(3000, 2)).unwrap())
        .unwrap();
    // Removing a line would leave a discount above the total: refused, nothing changes.
    let before = order.clone();
    assert_eq!(
        order.remove_line(1).unwrap_err().code(),
        "invalid_global_discount"
    );
    assert_eq!(order, before);
    order.set_global_discount(Amount::ZERO).unwrap();
    order.remove_line(1).unwrap();
    assert_eq!(order.remove_line(second).unwrap_err(), OrderError::NoLine);
    assert_eq!(
        order.remove_line(9).unwrap_err(),
        OrderError::LineNotFound(9)
    );
    // Positions are stable: a new line never takes a removed line's number.
    assert_eq!(order.add_line(line(3, 1, 100, 20)).unwrap(), 3);
}

#[test]
fn the_customer_never_changes_and_the_payer_only_in_draft() {
    let mut order = draft(vec![line(1, 1, 100, 20)]).unwrap();
    let mut parties = *order.parties();
    parties.payer = TiersId::from_u128(99);
    order.set_parties(parties).unwrap();
    order.validate(T0, actor(), None).unwrap();
    parties.payer = TiersId::from_u128(98);
    assert!(order.set_parties(parties).is_err());
    parties.payer = TiersId::from_u128(99);
    parties.delivery_address = AdresseId::from_u128(55);
    order.set_parties(parties).unwrap();
    parties.customer = TiersId::from_u128(1234);
    assert!(order.set_parties(parties).is_err());
}

#[test]
fn a_stored_order_must_replay_to_its_state() {
    let mut order = draft(vec![line(1, 1, 100, 20)]).unwrap();
    order.validate(T0, actor(), None).unwrap();
    let mut parts = order.parts().clone();
    assert_eq!(Commande::from_parts(parts.clone()).unwrap(), order);
    parts.state = OrderState::Draft;
    assert_eq!(
        Commande::from_parts(parts.clone()).unwrap_err().code(),
        "inconsistent_order"
    );
    parts.state = OrderState::Validated;
    parts.history.remove(0);
    assert!(Commande::from_parts(parts).is_err());
}

#[derive(Debug, Clone)]
enum Step {
    Act(OrderAction),
    AddLine(u32),
    ChangeQuantity(u32, u32),
    RemoveLine(u32),
    Discount(i64),
    Delivery(i64),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => prop::sample::select(OrderAction::ALL.to_vec()).prop_map(Step::Act),
        1 => (1u32..50).prop_map(Step::AddLine),
        1 => (1u32..5, 1u32..50).prop_map(|(p, q)| Step::ChangeQuantity(p, q)),
        1 => (1u32..5).prop_map(Step::RemoveLine),
        1 => (0i64..50_000).prop_map(Step::Discount),
        1 => (0i64..30).prop_map(Step::Delivery),
    ]
}

fn run(order: &mut Commande, step: &Step, at: OffsetDateTime) -> Result<(), OrderError> {
    match step {
        Step::Act(action) => order.apply(*action, at, actor(), None),
        Step::AddLine(q) => order
            .add_line(line(u128::from(*q), *q, 250, 20))
            .map(|_| ()),
        Step::ChangeQuantity(p, q) => order.change_quantity(*p, Quantity::new(*q).unwrap()),
        Step::RemoveLine(p) => order.remove_line(*p),
        Step::Discount(cents) => {
            order.set_global_discount(Amount::new(Decimal::new(*cents, 2)).unwrap())
        }
        Step::Delivery(days) => {
            order.set_planned_delivery(date!(2026 - 03 - 04) + Duration::days(*days))
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn any_sequence_of_actions_keeps_the_machine_sound(steps in prop::collection::vec(step(), 0..40)) {
        let mut order = draft(vec![line(1, 2, 1000, 20), line(2, 1, 550, 10)]).unwrap();
        let mut transitions = 0;
        let mut was_validated = false;
        for (i, step) in steps.iter().enumerate() {
            let before = order.clone();
            let at = T0 + Duration::minutes(i64::try_from(i).unwrap());
            let outcome = run(&mut order, step, at);
            if before.state().is_final() {
                prop_assert!(outcome.is_err(), "{:?} was applied to a {} order", step, before.state());
            }
            match outcome {
                Ok(()) => {
                    if let Step::Act(_) = step {
                        transitions += 1;
                    }
                }
                // A refused change leaves the order exactly as it was.
                Err(_) => prop_assert_eq!(&order, &before),
            }
            was_validated |= order.state() == OrderState::Validated;
            if was_validated {
                prop_assert!(!matches!(order.state(), OrderState::Draft | OrderState::Deleted));
            }
            prop_assert_eq!(replay(order.history()), Some(order.state()));
            prop_assert_eq!(order.history().len(), 1 + transitions);
            prop_assert!(!order.lines().is_empty());
            let p = order.pricing();
            prop_assert_eq!(p.total_ttc, p.total_ht_net + p.total_vat);
        }
    }
}
