//! Orders with their lines and history ([`crate::OrderStore`]).

use std::sync::Arc;

use domain::ids::{AccountId, SocieteId, TiersId};
use domain::order::{Commande, NewCommande, OrderParties, OrderSource, OrderState};
use time::macros::date;
use time::{Duration, OffsetDateTime};

use super::support::{
    assert_duplicate, assert_not_found, back_off, commit, read, rollback, within_time_limit, write,
    World, ATTEMPTS,
};
use crate::contract::fixtures::{
    actor, amount, at, at_micros, commande, day, line, new_commande, order_number, qty, reason, Ids,
};
use crate::{Database, OrderQuery, OrderSummary, Page, Paging, TxMode};

/// Reads an order back by id and by number in a read transaction and compares it whole.
async fn check_stored(db: &Arc<dyn Database>, order: &Commande, when: &str) {
    let mut tx = read(db).await;
    assert_eq!(
        tx.get_order(order.id()).await.expect("get_order").as_ref(),
        Some(order),
        "get_order ({when}) must give the order as stored: parties, site, source, times to the microsecond, planned delivery, discounts, every line with its position and copied prices and rates, its state and its whole history"
    );
    assert_eq!(
        tx.find_order(order.number())
            .await
            .expect("find_order")
            .as_ref(),
        Some(order),
        "find_order ({when}) must give the order with this number, whole"
    );
    commit(tx).await;
}

/// An order is stored with its lines, totals and history, and read back equal by id, by
/// number and locked.
pub async fn orders_round_trip_with_lines_and_history(db: Arc<dyn Database>) {
    let mut ids = Ids::new();
    let world = World::new(&mut ids);
    world.store(&db).await;
    let art = |i: usize| world.articles[i].0;

    let new = NewCommande {
        id: ids.commande(),
        number: order_number("PAR", 1),
        parties: world.all_parties(),
        site: world.par.id,
        taken_by: Some(world.taker.id),
        placed_by: None,
        source: OrderSource::Phone,
        ordered_at: at_micros(1),
        planned_delivery: date!(2026 - 03 - 04),
        global_discount: amount("5.00"),
        lines: vec![
            line(art(0), "VIS-M6", 3, "12.5000", "1.00", "20"),
            line(art(1), "ECROU-M6", 1, "0.0835", "0", "5.5"),
            line(art(2), "RONDELLE-6", 10, "99.99", "10.00", "10"),
            line(art(3), "CHEVILLE-8", 2, "7.1234", "0.50", "2.1"),
            line(art(0), "VIS-M6", 1_000_000, "0.0001", "0", "20"),
        ],
    };
    let mut order = Commande::create(
        new,
        actor("marie.vendeuse"),
        Some(reason(
            "Commande passée par téléphone ; rappeler « avant 10h »",
        )),
    )
    .expect("a valid order");
    order
        .validate(at_micros(60_000_001), actor("paul.superviseur"), None)
        .expect("a draft can be validated");

    // A draft with only what is required: the customer alone, no billing address, nobody
    // who took it.
    let draft = Commande::create(
        NewCommande {
            source: OrderSource::Online,
            taken_by: None,
            placed_by: Some(AccountId::from_u128(0x5eed)),
            global_discount: amount("0"),
            ..new_commande(
                ids.commande(),
                order_number("LYON", 1),
                world.customer_only(world.customer2.id),
                world.lyon.id,
                &world.articles,
                1,
                at(120),
            )
        },
        actor("site-web"),
        None,
    )
    .expect("a valid order");

    let mut tx = write(&db).await;
    tx.insert_order(&order)
        .await
        .expect("insert_order of a new order must succeed");
    tx.insert_order(&draft)
        .await
        .expect("insert_order of a new order must succeed");
    assert_eq!(
        tx.get_order(order.id()).await.expect("get_order").as_ref(),
        Some(&order),
        "get_order must see an order inserted earlier in the same transaction"
    );
    commit(tx).await;

    check_stored(&db, &order, "a validated order with every party").await;
    check_stored(&db, &draft, "a draft with only the customer").await;

    let mut tx = read(&db).await;
    assert_eq!(
        tx.get_order(ids.commande()).await.expect("get_order"),
        None,
        "get_order of an id never stored must give None"
    );
    assert_eq!(
        tx.find_order(&order_number("PAR", 2))
            .await
            .expect("find_order"),
        None,
        "find_order of a number no order has must give None"
    );
    assert_eq!(
        tx.find_order(&order_number("LYON", 2))
            .await
            .expect("find_order"),
        None,
        "find_order must match the whole number (site and sequence)"
    );
    commit(tx).await;

    let mut tx = write(&db).await;
    assert_eq!(
        tx.lock_order(order.id())
            .await
            .expect("lock_order")
            .as_ref(),
        Some(&order),
        "lock_order must give the order as stored, whole"
    );
    assert_eq!(
        tx.lock_order(ids.commande()).await.expect("lock_order"),
        None,
        "lock_order of an id never stored must give None"
    );
    rollback(tx).await;
}

/// Two orders never share a number.
pub async fn order_numbers_are_unique(db: Arc<dyn Database>) {
    let mut ids = Ids::new();
    let world = World::new(&mut ids);
    world.store(&db).await;
    let make = |ids: &mut Ids, site: &str, sequence, customer: TiersId| {
        commande(
            ids.commande(),
            order_number(site, sequence),
            world.customer_only(customer),
            world.site_id(site),
            &world.articles,
            2,
            at(0),
        )
    };
    let first = make(&mut ids, "PAR", 1, world.customer.id);
    let mut tx = write(&db).await;
    tx.insert_order(&first).await.expect("insert_order");
    commit(tx).await;

    let clash = make(&mut ids, "PAR", 1, world.customer2.id);
    let mut tx = write(&db).await;
    assert_duplicate(
        tx.insert_order(&clash).await,
        Some("order"),
        Some("PAR-000001"),
        "insert_order with the number of another order",
    );
    rollback(tx).await;

    let same_sequence_other_site = make(&mut ids, "LYON", 1, world.customer2.id);
    let next = make(&mut ids, "PAR", 2, world.customer2.id);
    let mut tx = write(&db).await;
    tx.insert_order(&same_sequence_other_site).await.expect(
        "insert_order of the same sequence at another site must succeed (it is another number)",
    );
    tx.insert_order(&next)
        .await
        .expect("insert_order of a new number must succeed");
    commit(tx).await;

    let mut tx = read(&db).await;
    assert_eq!(
        tx.get_order(clash.id()).await.expect("get_order"),
        None,
        "an order refused for its number must not be stored"
    );
    commit(tx).await;
    check_stored(&db, &first, "after another order was refused its number").await;
    check_stored(&db, &same_sequence_other_site, "another site").await;
    check_stored(&db, &next, "the next number").await;
}

/// Stores an order changed in memory the way a use case does (lock, change, update, commit)
/// and checks it reads back equal.
async fn save_change(db: &Arc<dyn Database>, before: &Commande, after: &Commande, what: &str) {
    let mut tx = write(db).await;
    assert_eq!(
        tx.lock_order(before.id())
            .await
            .expect("lock_order")
            .as_ref(),
        Some(before),
        "lock_order must give the order as last stored (before: {what})"
    );
    tx.update_order(after)
        .await
        .unwrap_or_else(|e| panic!("update_order of a stored order must succeed ({what}): {e:?}"));
    commit(tx).await;
    check_stored(db, after, what).await;
}

/// Every change of an order is stored: lines added, changed and removed (positions kept),
/// discounts, planned delivery, parties, and each state change appended to the history.
pub async fn order_updates_append_history(db: Arc<dyn Database>) {
    let mut ids = Ids::new();
    let world = World::new(&mut ids);
    world.store(&db).await;
    let mut order = world.par_order(ids.commande(), 1, 2, at(0));
    let bystander = commande(
        ids.commande(),
        order_number("PAR", 2),
        world.customer_only(world.customer2.id),
        world.par.id,
        &world.articles,
        3,
        at(1),
    );
    let mut tx = write(&db).await;
    tx.insert_order(&order).await.expect("insert_order");
    tx.insert_order(&bystander).await.expect("insert_order");
    commit(tx).await;

    let (a2, r2) = world.articles[2].clone();
    let (a4, r4) = world.articles[4].clone();
    type Change = Box<dyn Fn(&mut Commande)>;
    let steps: Vec<(&str, Change)> = vec![
        (
            "a line added",
            Box::new(move |o: &mut Commande| {
                o.add_line(line(a2, r2.as_str(), 4, "3.30", "0.30", "5.5"))
                    .expect("add_line");
            }),
        ),
        (
            "a quantity changed",
            Box::new(|o: &mut Commande| o.change_quantity(1, qty(7)).expect("change_quantity")),
        ),
        (
            "a line removed from the middle",
            Box::new(|o: &mut Commande| o.remove_line(2).expect("remove_line")),
        ),
        (
            "a line added after a removal, discounts changed",
            Box::new(move |o: &mut Commande| {
                o.add_line(line(a4, r4.as_str(), 1, "250", "25.00", "20"))
                    .expect("add_line");
                o.change_line_discount(1, amount("2.50"))
                    .expect("change_line_discount");
                o.set_global_discount(amount("12.34"))
                    .expect("set_global_discount");
            }),
        ),
        (
            "the planned delivery moved",
            Box::new(|o: &mut Commande| {
                o.set_planned_delivery(date!(2026 - 03 - 20))
                    .expect("set_planned_delivery");
            }),
        ),
        (
            "the payer, recipient and addresses changed",
            Box::new({
                let parties = OrderParties {
                    customer: world.customer.id,
                    payer: world.payer.id,
                    recipient: world.recipient.id,
                    delivery_address: world.billing.id,
                    billing_address: Some(world.other_address.id),
                };
                move |o: &mut Commande| o.set_parties(parties).expect("set_parties")
            }),
        ),
        (
            "validated",
            Box::new(|o: &mut Commande| {
                o.validate(
                    at_micros(100_000_001),
                    actor("paul"),
                    Some(reason("accord du client")),
                )
                .expect("validate");
            }),
        ),
        (
            "the recipient, addresses and delivery changed once validated",
            Box::new({
                let parties = OrderParties {
                    customer: world.customer.id,
                    payer: world.payer.id,
                    recipient: world.customer.id,
                    delivery_address: world.delivery.id,
                    billing_address: None,
                };
                move |o: &mut Commande| {
                    o.set_parties(parties).expect("set_parties");
                    o.set_planned_delivery(date!(2026 - 03 - 23))
                        .expect("set_planned_delivery");
                }
            }),
        ),
        (
            "cancelled",
            Box::new(|o: &mut Commande| {
                o.cancel(
                    at_micros(200_000_002),
                    actor("marie"),
                    Some(reason("rupture")),
                )
                .expect("cancel");
            }),
        ),
    ];
    for (what, change) in steps {
        let before = order.clone();
        change(&mut order);
        save_change(&db, &before, &order, what).await;
    }
    assert_eq!(order.state(), OrderState::Cancelled);
    assert_eq!(order.history().len(), 3);
    let positions: Vec<u32> = order.lines().iter().map(|l| l.position).collect();
    assert_eq!(
        positions,
        vec![1, 3, 4],
        "the suite's own order keeps its positions"
    );
    check_stored(&db, &bystander, "another order, after updates of the first").await;

    let ghost = world.par_order(ids.commande(), 3, 1, at(2));
    let mut tx = write(&db).await;
    assert_not_found(
        tx.update_order(&ghost).await,
        "update_order of an order that is not stored",
    );
    rollback(tx).await;
    let mut tx = read(&db).await;
    assert_eq!(
        tx.get_order(ghost.id()).await.expect("get_order"),
        None,
        "update_order of a missing order must not create it"
    );
    commit(tx).await;
}

/// What an order looks like in a list.
fn summary(order: &Commande) -> OrderSummary {
    OrderSummary {
        id: order.id(),
        number: order.number().clone(),
        customer: order.parties().customer,
        site: order.site(),
        source: order.source(),
        state: order.state(),
        ordered_at: order.ordered_at(),
        planned_delivery: order.planned_delivery(),
        total_ttc: order.pricing().total_ttc,
    }
}

/// What `search_orders` must give, worked out from every order stored.
fn expected_search(orders: &[Commande], query: &OrderQuery) -> Page<OrderSummary> {
    let mut matching: Vec<&Commande> = orders
        .iter()
        .filter(|o| query.customer.is_none_or(|c| o.parties().customer == c))
        .filter(|o| match query.state {
            Some(state) => o.state() == state,
            None => o.state() != OrderState::Deleted,
        })
        .filter(|o| query.source.is_none_or(|s| o.source() == s))
        .filter(|o| query.site.is_none_or(|s| o.site() == s))
        .filter(|o| query.placed_by.is_none_or(|a| o.placed_by() == Some(a)))
        .filter(|o| query.from.is_none_or(|from| o.ordered_at() >= from))
        .filter(|o| query.until.is_none_or(|until| o.ordered_at() < until))
        .collect();
    matching.sort_by(|a, b| {
        b.ordered_at()
            .cmp(&a.ordered_at())
            .then_with(|| b.number().cmp(a.number()))
    });
    let offset = usize::try_from(query.paging.offset).unwrap_or(usize::MAX);
    let limit = usize::try_from(query.paging.limit).unwrap_or(usize::MAX);
    Page {
        total: u64::try_from(matching.len()).expect("a small count"),
        items: matching
            .into_iter()
            .skip(offset)
            .take(limit)
            .map(summary)
            .collect(),
    }
}

/// Orders are searched by customer, state (deleted drafts left out unless asked for),
/// source, site and time range (from inclusive, until exclusive), each alone and combined,
/// newest first then by number descending, a page at a time with the total.
pub async fn orders_are_searched_and_paged(db: Arc<dyn Database>) {
    let mut ids = Ids::new();
    let world = World::new(&mut ids);
    world.store(&db).await;
    let c1 = world.customer.id;
    let c2 = world.customer2.id;
    let hour = Duration::hours(1);
    let micro = Duration::microseconds(1);
    use OrderSource::{Api, Online, Phone, Site};
    use OrderState::{Cancelled, Deleted, Draft, Fulfilled, Validated};
    let specs: Vec<(&str, u64, TiersId, OrderSource, OrderState, OffsetDateTime)> = vec![
        ("PAR", 1, c1, Online, Draft, day(0)),
        ("PAR", 2, c1, Phone, Validated, day(1)),
        ("PAR", 3, c2, Site, Fulfilled, day(2)),
        ("LYON", 1, c2, Online, Cancelled, day(1) + hour),
        ("LYON", 2, c1, Api, Deleted, day(3)),
        ("LYON", 3, c1, Site, Validated, day(4)),
        ("PAR", 4, c2, Phone, Draft, day(0) - hour),
        // The same time as PAR-000002: after it by number, so listed before it.
        ("PAR", 5, c1, Online, Validated, day(1)),
        ("LYON", 4, c2, Api, Validated, day(2)),
        ("PAR", 6, c2, Online, Deleted, day(1)),
        // One microsecond after PAR-000002 and PAR-000005.
        ("PAR", 7, c1, Phone, Draft, day(1) + micro),
    ];
    let mut orders = Vec::new();
    for (i, (site, sequence, customer, source, state, ordered_at)) in specs.into_iter().enumerate()
    {
        let mut order = Commande::create(
            NewCommande {
                source,
                // Orders from other programs, each by its account.
                placed_by: (source == Api).then(|| AccountId::from_u128(0xa9 + i as u128 % 2)),
                ..new_commande(
                    ids.commande(),
                    order_number(site, sequence),
                    OrderParties::customer_only(customer, world.address(i)),
                    world.site_id(site),
                    &world.articles,
                    i % 4 + 1,
                    ordered_at,
                )
            },
            actor("contract"),
            None,
        )
        .expect("a valid order");
        let later = ordered_at + Duration::minutes(5);
        match state {
            Draft => {}
            Deleted => order
                .delete(later, actor("contract"), None)
                .expect("delete"),
            _ => {
                order
                    .validate(later, actor("contract"), None)
                    .expect("validate");
                match state {
                    Fulfilled => order
                        .fulfil(later + hour, actor("contract"), None)
                        .expect("fulfil"),
                    Cancelled => order
                        .cancel(later + hour, actor("contract"), None)
                        .expect("cancel"),
                    _ => {}
                }
            }
        }
        assert_eq!(order.state(), state);
        orders.push(order);
    }
    let mut tx = write(&db).await;
    for order in &orders {
        tx.insert_order(order).await.expect("insert_order");
    }
    commit(tx).await;

    let all = OrderQuery::default();
    let by_customer = |c: TiersId| OrderQuery {
        customer: Some(c),
        ..OrderQuery::default()
    };
    let by_site = |s: SocieteId| OrderQuery {
        site: Some(s),
        ..OrderQuery::default()
    };
    let mut queries: Vec<(&str, OrderQuery)> = vec![
        ("no filter: every order but deleted drafts", all.clone()),
        ("the first customer", by_customer(c1)),
        ("the second customer", by_customer(c2)),
        ("a site", by_site(world.par.id)),
        ("another site", by_site(world.lyon.id)),
        (
            "from a time (inclusive)",
            OrderQuery {
                from: Some(day(1)),
                ..all.clone()
            },
        ),
        (
            "from a microsecond later",
            OrderQuery {
                from: Some(day(1) + micro),
                ..all.clone()
            },
        ),
        (
            "until a time (exclusive)",
            OrderQuery {
                until: Some(day(2)),
                ..all.clone()
            },
        ),
        (
            "a range one microsecond wide",
            OrderQuery {
                from: Some(day(1)),
                until: Some(day(1) + micro),
                ..all.clone()
            },
        ),
        (
            "the first customer's validated orders",
            OrderQuery {
                customer: Some(c1),
                state: Some(Validated),
                ..all.clone()
            },
        ),
        (
            "a site and a source",
            OrderQuery {
                site: Some(world.par.id),
                source: Some(Online),
                ..all.clone()
            },
        ),
        (
            "a customer, a site and a range",
            OrderQuery {
                customer: Some(c2),
                site: Some(world.lyon.id),
                from: Some(day(1)),
                until: Some(day(3)),
                ..all.clone()
            },
        ),
        (
            "the deleted drafts of a site",
            OrderQuery {
                state: Some(Deleted),
                site: Some(world.par.id),
                ..all.clone()
            },
        ),
        (
            "every filter at once",
            OrderQuery {
                customer: Some(c1),
                state: Some(Validated),
                source: Some(Phone),
                site: Some(world.par.id),
                placed_by: None,
                from: Some(day(0)),
                until: Some(day(2)),
                paging: Paging::first(10),
            },
        ),
        (
            "filters nothing matches",
            OrderQuery {
                customer: Some(c2),
                source: Some(Api),
                state: Some(Draft),
                ..all.clone()
            },
        ),
    ];
    for state in OrderState::ALL {
        queries.push((
            "a state",
            OrderQuery {
                state: Some(state),
                ..all.clone()
            },
        ));
    }
    for account in [0xa9, 0xaa, 0xab] {
        queries.push((
            "a program's account",
            OrderQuery {
                placed_by: Some(AccountId::from_u128(account)),
                ..all.clone()
            },
        ));
    }
    for source in OrderSource::ALL {
        queries.push((
            "a source",
            OrderQuery {
                source: Some(source),
                ..all.clone()
            },
        ));
    }
    for (offset, limit) in [
        (0, 2),
        (2, 2),
        (4, 2),
        (8, 2),
        (9, 2),
        (3, 4),
        (0, 1),
        (20, 5),
    ] {
        queries.push((
            "a page",
            OrderQuery {
                paging: Paging { offset, limit },
                ..all.clone()
            },
        ));
    }
    queries.push((
        "a page of a customer's orders",
        OrderQuery {
            paging: Paging {
                offset: 1,
                limit: 2,
            },
            ..by_customer(c1)
        },
    ));

    // The expectations themselves, checked on a few queries worked out by hand.
    assert_eq!(expected_search(&orders, &all).total, 9);
    assert_eq!(
        expected_search(
            &orders,
            &OrderQuery {
                state: Some(Deleted),
                ..all.clone()
            }
        )
        .total,
        2
    );
    let numbers = |q: &OrderQuery| -> Vec<String> {
        expected_search(&orders, q)
            .items
            .iter()
            .map(|s| s.number.to_string())
            .collect()
    };
    assert_eq!(
        numbers(&OrderQuery {
            from: Some(day(1)),
            until: Some(day(1) + hour + micro),
            ..all.clone()
        }),
        vec!["LYON-000001", "PAR-000007", "PAR-000005", "PAR-000002"]
    );

    let mut tx = read(&db).await;
    for (what, query) in &queries {
        let found = tx.search_orders(query).await.expect("search_orders");
        assert_eq!(
            found,
            expected_search(&orders, query),
            "search_orders ({what}: {query:?}) must give the orders matching every filter given (deleted drafts only when asked for by state; from inclusive, until exclusive), newest first then by number descending, this page of them, and how many match in all"
        );
    }
    commit(tx).await;
}

/// One writer of [`locked_orders_lose_no_update`]: locks the order, adds a line, holds the
/// lock a moment, stores the order and commits, all again when the database gives up on a
/// conflict. Gives the position of the line it added.
async fn add_line_under_lock(
    db: Arc<dyn Database>,
    id: domain::ids::CommandeId,
    content: domain::order::LineDraft,
) -> u32 {
    for attempt in 0..ATTEMPTS {
        let mut tx = match db.begin(TxMode::Write).await {
            Ok(tx) => tx,
            Err(e) if e.is_retryable() => {
                back_off(attempt).await;
                continue;
            }
            Err(e) => panic!("Database::begin(Write) failed: {e:?}"),
        };
        let mut order = match tx.lock_order(id).await {
            Ok(Some(order)) => order,
            Ok(None) => panic!("lock_order of a stored order must give it"),
            Err(e) if e.is_retryable() => {
                drop(tx);
                back_off(attempt).await;
                continue;
            }
            Err(e) => panic!("lock_order failed: {e:?}"),
        };
        let position = order.add_line(content.clone()).expect("add_line");
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        let stored = match tx.update_order(&order).await {
            Ok(()) => tx.commit().await,
            Err(e) => Err(e),
        };
        match stored {
            Ok(()) => return position,
            Err(e) if e.is_retryable() => back_off(attempt).await,
            Err(e) => panic!("update_order or commit of a locked order failed: {e:?}"),
        }
    }
    panic!("changing a locked order was refused as retryable {ATTEMPTS} times in a row")
}

/// Transactions that each lock the same order, change it and store it, side by side, lose
/// none of each other's changes: `lock_order` keeps other transactions from changing the
/// order until the end of the transaction that locked it.
pub async fn locked_orders_lose_no_update(db: Arc<dyn Database>) {
    const WRITERS: u32 = 8;
    let mut ids = Ids::new();
    let world = World::new(&mut ids);
    world.store(&db).await;
    let order = world.par_order(ids.commande(), 1, 1, at(0));
    let mut tx = write(&db).await;
    tx.insert_order(&order).await.expect("insert_order");
    commit(tx).await;

    let (article, article_ref) = world.articles[1].clone();
    let mut positions = within_time_limit("transactions changing one locked order", async {
        let tasks: Vec<_> = (0..WRITERS)
            .map(|n| {
                let content = line(article, article_ref.as_str(), 10 + n, "1.00", "0", "20");
                tokio::spawn(add_line_under_lock(db.clone(), order.id(), content))
            })
            .collect();
        let mut positions = Vec::new();
        for task in tasks {
            positions.push(task.await.expect("a task changing the order panicked"));
        }
        positions
    })
    .await;
    positions.sort_unstable();
    assert_eq!(
        positions,
        (2..=WRITERS + 1).collect::<Vec<_>>(),
        "each transaction that locked the order with lock_order must have seen the lines the others stored before it (no two may hold the lock at once)"
    );

    let mut tx = read(&db).await;
    let stored = tx
        .get_order(order.id())
        .await
        .expect("get_order")
        .expect("the order is stored");
    commit(tx).await;
    let mut quantities: Vec<u32> = stored
        .lines()
        .iter()
        .skip(1)
        .map(|l| l.content.quantity.get())
        .collect();
    quantities.sort_unstable();
    assert_eq!(
        quantities,
        (10..10 + WRITERS).collect::<Vec<_>>(),
        "no change of an order made under lock_order may be lost: every line added must be stored"
    );
}
