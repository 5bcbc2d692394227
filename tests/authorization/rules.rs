//! The expectation table: for every operation of the API, what each role may do with it
//! and with whose ids — docs/api.md, "Who may name what", written as calls.
//!
//! A rule gives, for a role, the calls to make: refusals (another party's ids in the
//! path or the body, or an operation the role may never use) and controls (the role on
//! its own ids, which must succeed, so that a rule cannot pass by refusing everything).
//! An operation added to the API without a rule here fails the matrix.

use serde_json::{json, Value};

use crate::matrix::{Case, Expect, Rule};
use crate::world::{idempotency_key, Role, Side, World};

use Expect::{Forbidden, Invalid, NotFound, Problem, Success, Unauthorized};

fn rule(
    method: &'static str,
    path: &'static str,
    cases: impl Fn(&World, Role) -> Vec<Case> + 'static,
) -> Rule {
    Rule {
        method,
        path,
        cases: Box::new(cases),
    }
}

fn with_body(case: Case, body: &Option<Value>) -> Case {
    match body {
        Some(body) => case.body(body.clone()),
        None => case,
    }
}

/// Open to all: every role's call is let through.
fn everyone(r: Role, path: &str, body: Option<Value>, expect: Expect) -> Vec<Case> {
    vec![with_body(Case::control(r.label(), path, expect), &body)]
}

/// The back office of order takers and the administrator: anonymous 401, customers and
/// programs 403, order takers and the administrator let through.
fn staff_only(r: Role, path: &str, body: Option<Value>, expect: Expect) -> Vec<Case> {
    let case = match r {
        Role::Anonymous => Case::refuse("no token", path, Unauthorized),
        _ if r.is_customer() || r.is_program() => Case::refuse("back office", path, Forbidden),
        _ => Case::control("back office", path, expect),
    };
    vec![with_body(case, &body)]
}

/// The administrator's alone: anonymous 401, every other role 403.
fn admin_only(r: Role, path: &str, body: Option<Value>, expect: Expect) -> Vec<Case> {
    let case = match r {
        Role::Anonymous => Case::refuse("no token", path, Unauthorized),
        Role::Administrator => Case::control("administration", path, expect),
        _ => Case::refuse("administration", path, Forbidden),
    };
    vec![with_body(case, &body)]
}

/// A customer's own: anonymous 401, the other roles 403, customers as `cases` says.
fn customers_only(
    r: Role,
    path: &str,
    body: Option<Value>,
    cases: impl Fn(Role) -> Vec<Case>,
) -> Vec<Case> {
    match r {
        Role::Anonymous => vec![with_body(
            Case::refuse("no token", path, Unauthorized),
            &body,
        )],
        _ if r.is_customer() => cases(r),
        _ => vec![with_body(
            Case::refuse("customers' own", path, Forbidden),
            &body,
        )],
    }
}

fn site_of(r: Role) -> &'static str {
    match r {
        Role::TakerLyon => "LYO",
        _ => "PAR",
    }
}

fn a(w: &World) -> &Side {
    w.side(Role::CustomerA)
}

fn staff(w: &World) -> &Side {
    w.side(Role::Administrator)
}

/// The orders (with one of their fields: the order, its invoice, ...) a role must not see:
/// the counterpart's; for an order taker also an online order and a staff's API order;
/// for a program also a staff's API order and an online order.
fn foreign(w: &World, r: Role, field: fn(&Side) -> &String) -> Vec<(String, &str)> {
    let mut found = vec![(
        format!("{}'s", r.counterpart().label()),
        field(w.other(r)).as_str(),
    )];
    if r.is_taker() || r.is_program() {
        found.push(("an online order's".to_owned(), field(a(w)).as_str()));
        found.push(("staff's API order's".to_owned(), field(staff(w)).as_str()));
    }
    found
}

/// Reading what belongs to an order or its documents (`field` picks the id, `path` puts it
/// in the address): another party's answers 404, the owner's 200.
fn read_own(
    w: &World,
    r: Role,
    field: fn(&Side) -> &String,
    path: impl Fn(&str) -> String,
) -> Vec<Case> {
    match r {
        Role::Anonymous => vec![Case::refuse("A's", path(field(a(w))), Unauthorized)],
        Role::Administrator => vec![
            Case::control("A's", path(field(a(w))), Success),
            Case::control("P1's", path(field(w.side(Role::ProgramOne))), Success),
            Case::control("LYO's", path(field(w.side(Role::TakerLyon))), Success),
        ],
        _ => {
            let mut cases: Vec<Case> = foreign(w, r, field)
                .into_iter()
                .map(|(whose, id)| Case::refuse(whose, path(id), NotFound))
                .collect();
            cases.push(Case::control("own", path(field(w.side(r))), Success));
            cases
        }
    }
}

/// Using one's own order (paying it): another party's order answers 404; anonymous 401.
fn use_own(
    w: &World,
    r: Role,
    field: fn(&Side) -> &String,
    path: impl Fn(&str) -> String,
    body: Value,
) -> Vec<Case> {
    match r {
        Role::Anonymous => vec![Case::refuse("A's", path(field(a(w))), Unauthorized).body(body)],
        Role::Administrator => {
            vec![Case::control("own", path(field(staff(w))), Success).body(body)]
        }
        _ => {
            let mut cases: Vec<Case> = foreign(w, r, field)
                .into_iter()
                .map(|(whose, id)| Case::refuse(whose, path(id), NotFound).body(body.clone()))
                .collect();
            cases.push(Case::control("own", path(field(w.side(r))), Success).body(body));
            cases
        }
    }
}

/// Changing an order (order takers at their own site, the administrator): customers and
/// programs never (403); another site's order answers 404 to an order taker. `foreign`
/// picks the counterpart's order to try, `own` the one the owner changes.
fn change(
    w: &World,
    r: Role,
    foreign: fn(&Side) -> &String,
    own: fn(&Side) -> &String,
    path: impl Fn(&str) -> String,
    body: impl Fn(&Side) -> Value,
    expect: Expect,
) -> Vec<Case> {
    let target = staff(w);
    match r {
        Role::Anonymous => {
            vec![Case::refuse("staff's", path(own(target)), Unauthorized).body(body(target))]
        }
        _ if r.is_customer() || r.is_program() => {
            vec![Case::refuse("staff's", path(own(target)), Forbidden).body(body(target))]
        }
        Role::Administrator => {
            vec![Case::control("own", path(own(target)), expect).body(body(target))]
        }
        _ => {
            let other = w.other(r);
            let me = w.side(r);
            vec![
                Case::refuse(
                    format!("{}'s", r.counterpart().label()),
                    path(foreign(other)),
                    NotFound,
                )
                .body(body(other)),
                Case::control("own", path(own(me)), expect).body(body(me)),
            ]
        }
    }
}

fn order_body(w: &World, side: &Side) -> Value {
    json!({"customer": side.person, "delivery_address": side.address,
           "billing_address": side.billing,
           "lines": [{"article": w.article, "quantity": 1}]})
}

fn altered(body: &Value, field: &str, value: &str) -> Value {
    let mut body = body.clone();
    body[field] = json!(value);
    body
}

/// The ids of another customer in an order or a checkout: each refused, naming its field.
fn other_customers_ids(other: &Side, base: &Value) -> Vec<(String, Value, &'static str)> {
    vec![
        (
            "the other customer as customer".to_owned(),
            altered(base, "customer", &other.person),
            "customer",
        ),
        (
            "the other customer as payer".to_owned(),
            altered(base, "payer", &other.person),
            "payer",
        ),
        (
            "the other customer as recipient".to_owned(),
            altered(base, "recipient", &other.person),
            "recipient",
        ),
        (
            "the other customer's address to deliver".to_owned(),
            altered(base, "delivery_address", &other.address),
            "delivery_address",
        ),
        (
            "the other customer's company's address to deliver".to_owned(),
            altered(base, "delivery_address", &other.company_address),
            "delivery_address",
        ),
        (
            "the other customer's address to bill".to_owned(),
            altered(base, "billing_address", &other.billing),
            "billing_address",
        ),
    ]
}

/// `POST /api/v1/orders`: a customer orders for themselves with their addresses or their
/// companies'; a program for anyone, with addresses of the order's parties; an order
/// taker at their own site.
fn placing(w: &World, r: Role) -> Vec<Case> {
    let path = "/api/v1/orders";
    let me = w.side(r);
    let other = w.other(r);
    let own = order_body(w, me);
    let mut cases = Vec::new();
    match r {
        Role::Anonymous => {
            cases.push(Case::refuse("no token", path, Unauthorized).body(order_body(w, a(w))))
        }
        _ if r.is_customer() => {
            for (what, body, field) in other_customers_ids(other, &own) {
                cases.push(Case::refuse(what, path, Invalid(field)).body(body));
            }
            cases.push(Case::control("own", path, Success).body(own.clone()));
            cases.push(
                Case::control("own company's address", path, Success).body(altered(
                    &own,
                    "delivery_address",
                    &me.company_address,
                )),
            );
        }
        _ if r.is_program() => {
            cases.push(
                Case::refuse(
                    "an address of nobody in the order, to deliver",
                    path,
                    Invalid("delivery_address"),
                )
                .body(altered(&own, "delivery_address", &other.address)),
            );
            cases.push(
                Case::refuse(
                    "an address of nobody in the order, to bill",
                    path,
                    Invalid("billing_address"),
                )
                .body(altered(&own, "billing_address", &other.billing)),
            );
            // Another program's idempotency key, with its very request: a new order (201),
            // never the other program's order given back (200).
            cases.push(
                Case::refuse(
                    "the other program's idempotency key",
                    path,
                    Expect::Status(201),
                )
                .body(order_body(w, other))
                .header("Idempotency-Key", &idempotency_key(r.counterpart())),
            );
            cases.push(Case::control("own", path, Success).body(own));
            cases.push(
                Case::control("any person, with their address", path, Success)
                    .body(order_body(w, a(w))),
            );
        }
        _ if r.is_taker() => {
            cases.push(
                Case::refuse("another site", path, Invalid("site")).body(altered(
                    &own,
                    "site",
                    site_of(r.counterpart()),
                )),
            );
            cases.push(Case::control("own", path, Success).body(own));
        }
        _ => cases.push(Case::control("own", path, Success).body(own)),
    }
    cases
}

/// `POST /api/v1/drafts`: order takers at their own site, the administrator anywhere.
fn drafting(w: &World, r: Role) -> Vec<Case> {
    let path = "/api/v1/drafts";
    let me = w.side(r);
    let own = altered(&order_body(w, me), "source", "phone");
    match r {
        Role::Anonymous => vec![Case::refuse("no token", path, Unauthorized).body(own)],
        _ if r.is_customer() || r.is_program() => {
            vec![Case::refuse("back office", path, Forbidden).body(own)]
        }
        Role::Administrator => {
            vec![Case::control("own", path, Success).body(altered(&own, "site", "PAR"))]
        }
        _ => vec![
            Case::refuse("another site", path, Invalid("site")).body(altered(
                &own,
                "site",
                site_of(r.counterpart()),
            )),
            Case::control("own", path, Success).body(own),
        ],
    }
}

/// `GET /api/v1/orders`: each sees the orders they may see, and no other.
fn searching(w: &World, r: Role) -> Vec<Case> {
    let path = "/api/v1/orders?limit=100";
    let me = w.side(r);
    let orders = |roles: &[Role]| -> Vec<String> {
        roles.iter().map(|r| w.side(*r).order.clone()).collect()
    };
    match r {
        Role::Anonymous => vec![Case::refuse("no token", path, Unauthorized)],
        Role::Administrator => vec![Case::control(
            "every order",
            path,
            Expect::Lists {
                present: orders(&[
                    Role::CustomerA,
                    Role::TakerLyon,
                    Role::ProgramOne,
                    Role::Administrator,
                ]),
                absent: Vec::new(),
            },
        )],
        _ => {
            let absent: Vec<String> = foreign(w, r, |s| &s.order)
                .into_iter()
                .map(|(_, n)| n.to_owned())
                .collect();
            let mut cases = vec![Case::refuse(
                "own orders, no one else's",
                path,
                Expect::Lists {
                    present: vec![me.order.clone()],
                    absent: absent.clone(),
                },
            )];
            if r.is_customer() {
                cases.push(Case::refuse(
                    "filtered on B",
                    format!("{path}&customer={}", w.other(r).person),
                    Expect::Lists {
                        present: Vec::new(),
                        absent,
                    },
                ));
            }
            cases
        }
    }
}

/// A call made before a control: method, address of the cart's id, body.
type Preparation = (&'static str, fn(&str) -> String, Value);

/// Carts: a customer's cart is theirs alone (404 to anyone else, staff included); a
/// guest's cart is reached by its id by anyone.
fn cart_use(
    w: &World,
    r: Role,
    path: impl Fn(&str) -> String,
    body: Option<Value>,
    prepare: Option<Preparation>,
) -> Vec<Case> {
    let me = w.side(r);
    let (whose, foreign_cart) = if r == Role::CustomerA {
        ("B's cart", &w.other(r).cart)
    } else {
        ("A's cart", &a(w).cart)
    };
    let mut own_carts = vec![("a guest's cart", w.guest_cart.clone())];
    if r.is_customer() {
        own_carts.push(("own cart", me.cart.clone()));
    }
    let mut cases = vec![with_body(
        Case::refuse(whose, path(foreign_cart), NotFound),
        &body,
    )];
    for (what, cart) in own_carts {
        let mut case = with_body(Case::control(what, path(&cart), Success), &body);
        if let Some((method, prepare_path, prepare_body)) = &prepare {
            case = case.prepare(method, prepare_path(&cart), prepare_body.clone());
        }
        cases.push(case);
    }
    cases
}

fn add_item(w: &World) -> Value {
    json!({"items": [{"article": w.article, "quantity": 1}]})
}

fn items_path(cart: &str) -> String {
    format!("/api/v1/carts/{cart}/items")
}

/// `POST /api/v1/carts/{id}/checkout`: a customer's own cart, with their own ids.
fn checking_out(w: &World, r: Role) -> Vec<Case> {
    let path = |cart: &str| format!("/api/v1/carts/{cart}/checkout");
    let me = w.side(r);
    let own = json!({"delivery_address": me.address, "billing_address": me.billing});
    match r {
        Role::Anonymous => vec![
            Case::refuse("a guest's cart", path(&w.guest_cart), Unauthorized)
                .body(json!({"delivery_address": a(w).address})),
        ],
        _ if r.is_customer() => {
            let other = w.other(r);
            let mut base = own.clone();
            base["customer"] = json!(me.person);
            let mut cases =
                vec![
                    Case::refuse("the other customer's cart", path(&other.cart), NotFound)
                        .body(own.clone()),
                ];
            let refusals = other_customers_ids(other, &base);
            assert_eq!(
                refusals.len(),
                me.checkout_carts.len(),
                "a cart for each checkout to refuse"
            );
            for ((what, body, field), cart) in refusals.into_iter().zip(&me.checkout_carts) {
                cases.push(Case::refuse(what, path(cart), Invalid(field)).body(body));
            }
            cases.push(
                Case::control("own cart and addresses", path(&me.cart), Success)
                    .prepare("POST", items_path(&me.cart), add_item(w))
                    .body(own),
            );
            cases
        }
        _ => {
            let mut body = own;
            body["customer"] = json!(me.person);
            vec![Case::refuse("A's cart", path(&a(w).cart), NotFound).body(body)]
        }
    }
}

/// `POST /api/v1/carts/{id}/guest-checkout`: anyone checks out a guest's cart without an
/// account; a customer's cart is not found; another customer's email (an account with a
/// password) is refused, and the order does not go to them.
fn guest_checking_out(w: &World, r: Role) -> Vec<Case> {
    let path = |cart: &str| format!("/api/v1/carts/{cart}/guest-checkout");
    let guest = |email: &str| {
        json!({"last_name": "Invité", "email": email, "mobile": "06 12 34 56 78",
               "delivery_address": address("1 rue de l'Invité")})
    };
    let (whose, customer_cart) = if r == Role::CustomerA {
        ("B's cart", &w.other(r).cart)
    } else {
        ("A's cart", &a(w).cart)
    };
    let cart = &w.guest_checkout_carts[&r];
    let own_email = format!("invite-{}", login_of(r));
    let victim = if r == Role::CustomerB {
        &a(w).login
    } else {
        &w.side(Role::CustomerB).login
    };
    vec![
        Case::refuse(whose, path(customer_cart), NotFound).body(guest(&own_email)),
        Case::refuse(
            "a customer's email",
            path(cart),
            Problem(409, "account_exists"),
        )
        .body(guest(victim)),
        Case::control("a guest's cart", path(cart), Success).body(guest(&own_email)),
    ]
}

/// `POST /api/v1/carts/{id}/claim`: a customer takes a guest's cart; nobody takes another
/// customer's.
fn claiming(w: &World, r: Role) -> Vec<Case> {
    let path = |cart: &str| format!("/api/v1/carts/{cart}/claim");
    match r {
        Role::Anonymous => vec![Case::refuse(
            "a guest's cart",
            path(&w.guest_cart),
            Unauthorized,
        )],
        _ if r.is_customer() => vec![
            Case::refuse(
                "the other customer's cart",
                path(&w.other(r).cart),
                NotFound,
            ),
            Case::control("a guest's cart", path(&w.side(r).guest_cart), Success),
        ],
        _ => vec![Case::refuse(
            "only customers claim",
            path(&w.guest_cart),
            Forbidden,
        )],
    }
}

/// Parties a customer may read: their own person, address, company; another's is not
/// found. Programs never (403); order takers and the administrator read anyone's.
fn party_read(
    w: &World,
    r: Role,
    fields: &[fn(&Side) -> &String],
    path: impl Fn(&str) -> String,
) -> Vec<Case> {
    let mut cases = Vec::new();
    for field in fields {
        let target = field(a(w));
        match r {
            Role::Anonymous => cases.push(Case::refuse("A's", path(target), Unauthorized)),
            _ if r.is_program() => cases.push(Case::refuse("back office", path(target), Forbidden)),
            _ if r.is_customer() => {
                cases.push(Case::refuse(
                    format!("{}'s", r.counterpart().label()),
                    path(field(w.other(r))),
                    NotFound,
                ));
                cases.push(Case::control("own", path(field(w.side(r))), Success));
            }
            _ => cases.push(Case::control("A's", path(target), Success)),
        }
    }
    cases
}

/// Parties' changes that only order takers and the administrator make (customers and
/// programs: 403 on whoever's they name).
fn party_change(
    w: &World,
    r: Role,
    field: fn(&Side) -> &String,
    path: impl Fn(&str) -> String,
    body: Value,
) -> Vec<Case> {
    match r {
        Role::Anonymous => vec![Case::refuse("A's", path(field(a(w))), Unauthorized).body(body)],
        _ if r.is_customer() || r.is_program() => {
            vec![Case::refuse("another's", path(field(w.other(r))), Forbidden).body(body)]
        }
        _ => vec![Case::control("own customer's", path(field(w.side(r))), Success).body(body)],
    }
}

fn address(street: &str) -> Value {
    json!({"lines": street, "postal_code": "69003", "town": "Lyon"})
}

fn login_of(r: Role) -> String {
    format!("{}@new.example.fr", r.label().replace(' ', "-"))
}

/// Every rule, in the matrix's row order. Controls run in this order too: a cart is
/// checked out last.
#[allow(clippy::too_many_lines)]
pub fn rules() -> Vec<Rule> {
    vec![
        // Operations.
        rule("GET", "/health", |_, r| {
            everyone(r, "/health", None, Success)
        }),
        rule("GET", "/ready", |_, r| everyone(r, "/ready", None, Success)),
        // Accounts and sessions.
        rule("POST", "/api/v1/auth/login", |w, r| {
            let a = a(w);
            everyone(
                r,
                "/api/v1/auth/login",
                Some(json!({"login": a.login, "password": a.password})),
                Success,
            )
        }),
        rule("POST", "/api/v1/auth/signup", |_, r| {
            everyone(
                r,
                "/api/v1/auth/signup",
                Some(
                    json!({"last_name": "Nouveau", "email": login_of(r), "password": "a new customer's long phrase",
                            "address": address("3 rue Neuve")}),
                ),
                Success,
            )
        }),
        rule("POST", "/api/v1/auth/logout", |_, r| match r {
            Role::Anonymous => vec![Case::refuse(
                "no token",
                "/api/v1/auth/logout",
                Unauthorized,
            )],
            _ => vec![Case::control("own session", "/api/v1/auth/logout", Success).fresh_token()],
        }),
        rule("GET", "/api/v1/me", |_, r| match r {
            Role::Anonymous => vec![Case::refuse("no token", "/api/v1/me", Unauthorized)],
            _ => vec![Case::control("self", "/api/v1/me", Success)],
        }),
        rule("POST", "/api/v1/accounts", |_, r| {
            admin_only(
                r,
                "/api/v1/accounts",
                Some(
                    json!({"login": format!("program-{}", login_of(r)), "password": "a program's long phrase", "role": "program"}),
                ),
                Success,
            )
        }),
        rule("POST", "/api/v1/accounts/{id}/disable", |w, r| {
            admin_only(
                r,
                &format!("/api/v1/accounts/{}/disable", w.spare_account),
                None,
                Success,
            )
        }),
        rule("POST", "/api/v1/accounts/{id}/enable", |w, r| {
            admin_only(
                r,
                &format!("/api/v1/accounts/{}/enable", w.spare_account),
                None,
                Success,
            )
        }),
        // Parties.
        rule("POST", "/api/v1/companies", |_, r| {
            let site_code = if r == Role::TakerParis {
                "PIRPAR"
            } else {
                "PIRLYO"
            };
            let mut cases = staff_only(
                r,
                "/api/v1/companies",
                Some(json!({"name": format!("Société de {}", r.label())})),
                Success,
            );
            if r.is_taker() {
                cases.push(
                    Case::refuse("a new site", "/api/v1/companies", Forbidden)
                        .body(json!({"name": "Agence pirate", "site_code": site_code})),
                );
            }
            cases
        }),
        rule("GET", "/api/v1/companies/{id}", |w, r| {
            party_read(w, r, &[|s| &s.company], |id| {
                format!("/api/v1/companies/{id}")
            })
        }),
        rule("PUT", "/api/v1/companies/{id}", |w, r| {
            party_change(
                w,
                r,
                |s| &s.company,
                |id| format!("/api/v1/companies/{id}"),
                json!({"name": "Société renommée"}),
            )
        }),
        rule("POST", "/api/v1/people", |_, r| {
            staff_only(
                r,
                "/api/v1/people",
                Some(json!({"last_name": "Nouvelle personne"})),
                Success,
            )
        }),
        rule("GET", "/api/v1/people/{id}", |w, r| {
            party_read(w, r, &[|s| &s.person], |id| format!("/api/v1/people/{id}"))
        }),
        rule("PUT", "/api/v1/people/{id}", |w, r| {
            let path = |id: &str| format!("/api/v1/people/{id}");
            let body = json!({"last_name": "Renommé", "first_name": "Client"});
            if r.is_customer() {
                // A customer changes their own person; another's is not found.
                vec![
                    Case::refuse("the other customer's", path(&w.other(r).person), NotFound)
                        .body(body.clone()),
                    Case::control("own", path(&w.side(r).person), Success).body(body),
                ]
            } else {
                party_change(w, r, |s| &s.person, path, body)
            }
        }),
        rule("POST", "/api/v1/addresses", |_, r| {
            staff_only(
                r,
                "/api/v1/addresses",
                Some(address("5 rue Nouvelle")),
                Success,
            )
        }),
        rule("GET", "/api/v1/addresses/{id}", |w, r| {
            party_read(w, r, &[|s| &s.address, |s| &s.company_address], |id| {
                format!("/api/v1/addresses/{id}")
            })
        }),
        rule("PUT", "/api/v1/addresses/{id}", |w, r| {
            party_change(
                w,
                r,
                |s| &s.billing,
                |id| format!("/api/v1/addresses/{id}"),
                address("7 rue Changée"),
            )
        }),
        rule("POST", "/api/v1/links", |w, r| {
            let me = w.side(r);
            staff_only(
                r,
                "/api/v1/links",
                Some(
                    json!({"kind": "person-address", "from": me.person, "to": me.company_address, "role": "recipient"}),
                ),
                Success,
            )
        }),
        rule("DELETE", "/api/v1/links/{kind}/{id}", |w, r| {
            let path = |id: &str| format!("/api/v1/links/person-address/{id}");
            match r {
                Role::Anonymous => {
                    vec![Case::refuse("A's", path(&a(w).billing_link), Unauthorized)]
                }
                _ if r.is_customer() || r.is_program() => {
                    vec![Case::refuse(
                        "another's",
                        path(&w.other(r).billing_link),
                        Forbidden,
                    )]
                }
                _ => vec![Case::control(
                    "own customer's",
                    path(&w.side(r).spare_link),
                    Success,
                )],
            }
        }),
        rule("DELETE", "/api/v1/links", |w, r| {
            let query = |s: &Side, role: &str| {
                format!(
                    "/api/v1/links?kind=person-address&from={}&to={}&role={role}",
                    s.person, s.company_address
                )
            };
            match r {
                Role::Anonymous => vec![Case::refuse("A's", query(a(w), "payer"), Unauthorized)],
                _ if r.is_customer() || r.is_program() => {
                    let other = w.other(r);
                    vec![Case::refuse(
                        "another's",
                        format!(
                            "/api/v1/links?kind=person-address&from={}&to={}&role=payer",
                            other.person, other.billing
                        ),
                        Forbidden,
                    )]
                }
                _ => {
                    let me = w.side(r);
                    vec![Case::control("own customer's", query(me, "payer"), Success).prepare(
                        "POST",
                        "/api/v1/links",
                        json!({"kind": "person-address", "from": me.person, "to": me.company_address, "role": "payer"}),
                    )]
                }
            }
        }),
        // A customer's own address book.
        rule("GET", "/api/v1/me/addresses", |w, r| {
            customers_only(r, "/api/v1/me/addresses", None, |r| {
                let other = w.other(r);
                vec![Case::refuse(
                    "own book, not the other customer's addresses",
                    "/api/v1/me/addresses",
                    Expect::Omits(vec![
                        other.address.clone(),
                        other.billing.clone(),
                        other.company_address.clone(),
                        other.book_change.clone(),
                    ]),
                )]
            })
        }),
        rule("POST", "/api/v1/me/addresses", |_, r| {
            let body = json!({"address": address("11 rue du Carnet")});
            customers_only(r, "/api/v1/me/addresses", Some(body.clone()), |_| {
                vec![Case::control("own book", "/api/v1/me/addresses", Success).body(body.clone())]
            })
        }),
        rule("PUT", "/api/v1/me/addresses/{id}", |w, r| {
            let path = |id: &str| format!("/api/v1/me/addresses/{id}");
            let body = address("13 rue du Carnet");
            customers_only(r, &path(&a(w).book_change), Some(body.clone()), |r| {
                let other = w.other(r);
                vec![
                    Case::refuse("the other customer's", path(&other.book_change), NotFound)
                        .body(body.clone()),
                    Case::refuse(
                        "the other customer's company's",
                        path(&other.company_address),
                        NotFound,
                    )
                    .body(body.clone()),
                    Case::control("own", path(&w.side(r).book_change), Success).body(body.clone()),
                ]
            })
        }),
        rule("DELETE", "/api/v1/me/addresses/{id}", |w, r| {
            let path = |id: &str| format!("/api/v1/me/addresses/{id}");
            customers_only(r, &path(&a(w).book_remove), None, |r| {
                vec![
                    Case::refuse(
                        "the other customer's",
                        path(&w.other(r).book_remove),
                        NotFound,
                    ),
                    Case::control("own", path(&w.side(r).book_remove), Success),
                ]
            })
        }),
        rule("PUT", "/api/v1/me/address-defaults", |w, r| {
            let path = "/api/v1/me/address-defaults";
            let me = w.side(r);
            let own =
                json!({"delivery_address": me.address, "billing_address": me.company_address});
            customers_only(r, path, Some(own.clone()), |r| {
                let other = w.other(r);
                vec![
                    Case::refuse(
                        "the other customer's, to deliver",
                        path,
                        Invalid("delivery_address"),
                    )
                    .body(altered(&own, "delivery_address", &other.address)),
                    Case::refuse(
                        "the other customer's, to bill",
                        path,
                        Invalid("billing_address"),
                    )
                    .body(altered(&own, "billing_address", &other.billing)),
                    Case::control("own and own company's", path, Success).body(own.clone()),
                ]
            })
        }),
        rule("GET", "/api/v1/sites", |_, r| {
            staff_only(r, "/api/v1/sites", None, Success)
        }),
        rule("GET", "/api/v1/customers", |_, r| {
            staff_only(r, "/api/v1/customers?name=Aubert", None, Success)
        }),
        rule("POST", "/api/v1/customers", |_, r| {
            staff_only(
                r,
                "/api/v1/customers",
                Some(
                    json!({"person": {"last_name": format!("Client de {}", r.label())}, "address": address("9 rue du Client")}),
                ),
                Success,
            )
        }),
        rule("GET", "/api/v1/changes", |w, r| {
            let mut cases = staff_only(
                r,
                &format!("/api/v1/changes?entity=tiers&id={}", a(w).person),
                None,
                Success,
            );
            if r.is_taker() {
                // An order's history is the order's: another site's is not found.
                let path = |id: &str| format!("/api/v1/changes?entity=commande&id={id}");
                cases.push(Case::refuse(
                    format!("{}'s order", r.counterpart().label()),
                    path(&w.other(r).order_id),
                    NotFound,
                ));
                cases.push(Case::control(
                    "own order",
                    path(&w.side(r).order_id),
                    Success,
                ));
            }
            cases
        }),
        // Catalogue.
        rule("GET", "/api/v1/articles", |_, r| {
            everyone(r, "/api/v1/articles", None, Success)
        }),
        rule("GET", "/api/v1/articles/{reference}", |w, r| {
            everyone(r, &format!("/api/v1/articles/{}", w.article), None, Success)
        }),
        rule("POST", "/api/v1/articles", |_, r| {
            admin_only(
                r,
                "/api/v1/articles",
                Some(
                    json!({"reference": format!("NEUF-{}", r.label().replace(' ', "-")), "designation": "Article neuf", "unit_price": "1.00"}),
                ),
                Success,
            )
        }),
        rule("PUT", "/api/v1/articles/{reference}", |w, r| {
            admin_only(
                r,
                &format!("/api/v1/articles/{}", w.article),
                Some(
                    json!({"reference": w.article, "designation": "Vis de la matrice", "unit_price": "10.00"}),
                ),
                Success,
            )
        }),
        rule(
            "POST",
            "/api/v1/articles/{reference}/stock-adjustments",
            |w, r| {
                admin_only(
                    r,
                    &format!("/api/v1/articles/{}/stock-adjustments", w.article),
                    Some(json!({"delta": 1, "reason": "inventaire"})),
                    Success,
                )
            },
        ),
        rule("GET", "/api/v1/articles/{reference}/movements", |w, r| {
            staff_only(
                r,
                &format!("/api/v1/articles/{}/movements", w.article),
                None,
                Success,
            )
        }),
        rule("GET", "/api/v1/vat-codes", |_, r| {
            everyone(r, "/api/v1/vat-codes", None, Success)
        }),
        rule("PUT", "/api/v1/vat-codes/{code}", |w, r| {
            let code = &w.vat_code;
            admin_only(
                r,
                &format!(
                    "/api/v1/vat-codes/{}",
                    code["code"].as_str().unwrap_or_default()
                ),
                Some(
                    json!({"label": code["label"], "rate": code["rate"], "default": code["default"]}),
                ),
                Success,
            )
        }),
        rule("POST", "/api/v1/quotes", |w, r| {
            everyone(
                r,
                "/api/v1/quotes",
                Some(json!({"lines": [{"article": w.article, "quantity": 1}]})),
                Success,
            )
        }),
        rule("POST", "/api/v1/catalogue/import", |_, r| {
            admin_only(
                r,
                "/api/v1/catalogue/import",
                Some(
                    json!({"rows": [{"reference": format!("IMPORT-{}", r.label().replace(' ', "-")), "designation": "Article importé", "unit_price": "2.00", "stock": 5}]}),
                ),
                Success,
            )
        }),
        // Carts.
        rule("POST", "/api/v1/carts", |_, r| {
            everyone(r, "/api/v1/carts", None, Success)
        }),
        rule("GET", "/api/v1/carts/{id}", |w, r| {
            cart_use(w, r, |c| format!("/api/v1/carts/{c}"), None, None)
        }),
        rule("POST", "/api/v1/carts/{id}/items", |w, r| {
            cart_use(w, r, items_path, Some(add_item(w)), None)
        }),
        rule("PUT", "/api/v1/carts/{id}/items/{article}", |w, r| {
            let article = w.article.clone();
            cart_use(
                w,
                r,
                move |c| format!("/api/v1/carts/{c}/items/{article}"),
                Some(json!({"quantity": 2})),
                Some(("POST", items_path, add_item(w))),
            )
        }),
        rule("DELETE", "/api/v1/carts/{id}/items/{article}", |w, r| {
            let article = w.article.clone();
            cart_use(
                w,
                r,
                move |c| format!("/api/v1/carts/{c}/items/{article}"),
                None,
                Some(("POST", items_path, add_item(w))),
            )
        }),
        rule("DELETE", "/api/v1/carts/{id}/items", |w, r| {
            cart_use(w, r, items_path, None, None)
        }),
        rule("POST", "/api/v1/carts/{id}/claim", claiming),
        rule("POST", "/api/v1/carts/{id}/checkout", checking_out),
        rule(
            "POST",
            "/api/v1/carts/{id}/guest-checkout",
            guest_checking_out,
        ),
        // Orders.
        rule("POST", "/api/v1/orders", placing),
        rule("POST", "/api/v1/drafts", drafting),
        rule("GET", "/api/v1/orders", searching),
        rule("GET", "/api/v1/orders/{number}", |w, r| {
            read_own(w, r, |s| &s.order, |n| format!("/api/v1/orders/{n}"))
        }),
        rule("POST", "/api/v1/orders/{number}/validate", |w, r| {
            change(
                w,
                r,
                |s| &s.order,
                |s| &s.to_validate,
                |n| format!("/api/v1/orders/{n}/validate"),
                |_| json!({}),
                Success,
            )
        }),
        rule("POST", "/api/v1/orders/{number}/cancel", |w, r| {
            change(
                w,
                r,
                |s| &s.to_cancel,
                |s| &s.to_cancel,
                |n| format!("/api/v1/orders/{n}/cancel"),
                |_| json!({"reason": "matrice"}),
                Success,
            )
        }),
        rule("POST", "/api/v1/orders/{number}/fulfil", |w, r| {
            change(
                w,
                r,
                |s| &s.to_fulfil,
                |s| &s.to_fulfil,
                |n| format!("/api/v1/orders/{n}/fulfil"),
                |_| json!({}),
                Success,
            )
        }),
        rule("POST", "/api/v1/orders/{number}/delete", |w, r| {
            change(
                w,
                r,
                |s| &s.order,
                |s| &s.to_delete,
                |n| format!("/api/v1/orders/{n}/delete"),
                |_| json!({}),
                Success,
            )
        }),
        rule("PUT", "/api/v1/orders/{number}/planned-delivery", |w, r| {
            change(
                w,
                r,
                |s| &s.draft,
                |s| &s.draft,
                |n| format!("/api/v1/orders/{n}/planned-delivery"),
                |s| json!({"planned_delivery": s.planned_delivery}),
                Success,
            )
        }),
        rule("PATCH", "/api/v1/orders/{number}/parties", |w, r| {
            change(
                w,
                r,
                |s| &s.draft,
                |s| &s.draft,
                |n| format!("/api/v1/orders/{n}/parties"),
                |s| json!({"payer": s.person, "billing_address": s.billing}),
                Success,
            )
        }),
        rule("PUT", "/api/v1/orders/{number}/global-discount", |w, r| {
            change(
                w,
                r,
                |s| &s.draft,
                |s| &s.draft,
                |n| format!("/api/v1/orders/{n}/global-discount"),
                |_| json!({"global_discount": "0.00"}),
                Success,
            )
        }),
        rule("POST", "/api/v1/orders/{number}/lines", |w, r| {
            let article = w.article.clone();
            change(
                w,
                r,
                |s| &s.draft,
                |s| &s.draft,
                |n| format!("/api/v1/orders/{n}/lines"),
                move |_| json!({"article": article, "quantity": 1}),
                Success,
            )
        }),
        rule(
            "PATCH",
            "/api/v1/orders/{number}/lines/{position}",
            |w, r| {
                change(
                    w,
                    r,
                    |s| &s.draft,
                    |s| &s.draft,
                    |n| format!("/api/v1/orders/{n}/lines/1"),
                    |_| json!({"quantity": 2}),
                    Success,
                )
            },
        ),
        rule(
            "DELETE",
            "/api/v1/orders/{number}/lines/{position}",
            |w, r| {
                change(
                    w,
                    r,
                    |s| &s.draft,
                    |s| &s.draft,
                    |n| format!("/api/v1/orders/{n}/lines/2"),
                    |_| Value::Null,
                    Success,
                )
            },
        ),
        // Payments.
        rule("GET", "/api/v1/orders/{number}/payments", |w, r| {
            read_own(
                w,
                r,
                |s| &s.order,
                |n| format!("/api/v1/orders/{n}/payments"),
            )
        }),
        rule("POST", "/api/v1/orders/{number}/payments", |w, r| {
            // A declined card: the payment is recorded as failed, the order as it was.
            use_own(
                w,
                r,
                |s| &s.unpaid,
                |n| format!("/api/v1/orders/{n}/payments"),
                json!({"method": "card", "card_number": "4000 0000 0000 0002"}),
            )
        }),
        rule("POST", "/api/v1/orders/{number}/payments/manual", |w, r| {
            change(
                w,
                r,
                |s| &s.unpaid,
                |s| &s.unpaid,
                |n| format!("/api/v1/orders/{n}/payments/manual"),
                |_| json!({"method": "cheque", "amount": "0.01"}),
                Success,
            )
        }),
        rule("POST", "/api/v1/payments/{id}/settle", |w, r| {
            change(
                w,
                r,
                |s| &s.pending_payment,
                |s| &s.pending_payment,
                |id| format!("/api/v1/payments/{id}/settle"),
                |_| json!({"outcome": "succeeded"}),
                Success,
            )
        }),
        rule("POST", "/api/v1/payments/callbacks/{provider}", |w, r| {
            // The processor is known by its signature, not by a token.
            let path = "/api/v1/payments/callbacks/test_card";
            let (body, signature) = &w.callback;
            let body: Value = serde_json::from_str(body).unwrap_or(Value::Null);
            let mut cases = vec![Case::refuse("unsigned", path, Unauthorized).body(body.clone())];
            if r == Role::Anonymous {
                cases.push(
                    Case::control("signed, sent again", path, Success)
                        .body(body)
                        .header("X-Payment-Signature", signature),
                );
            }
            cases
        }),
        // Invoices and delivery notes.
        rule("GET", "/api/v1/invoices", |_, r| {
            admin_only(r, "/api/v1/invoices", None, Success)
        }),
        rule("GET", "/api/v1/invoices/{number}", |w, r| {
            read_own(w, r, |s| &s.invoice, |n| format!("/api/v1/invoices/{n}"))
        }),
        rule("GET", "/api/v1/invoices/{number}/pdf", |w, r| {
            read_own(
                w,
                r,
                |s| &s.invoice,
                |n| format!("/api/v1/invoices/{n}/pdf"),
            )
        }),
        rule("GET", "/api/v1/invoices/{number}/factur-x.xml", |w, r| {
            read_own(
                w,
                r,
                |s| &s.invoice,
                |n| format!("/api/v1/invoices/{n}/factur-x.xml"),
            )
        }),
        rule("GET", "/api/v1/orders/{number}/invoices", |w, r| {
            read_own(
                w,
                r,
                |s| &s.order,
                |n| format!("/api/v1/orders/{n}/invoices"),
            )
        }),
        rule("GET", "/api/v1/orders/{number}/delivery-note", |w, r| {
            read_own(
                w,
                r,
                |s| &s.order,
                |n| format!("/api/v1/orders/{n}/delivery-note"),
            )
        }),
        // The outbox.
        rule("GET", "/api/v1/outbox", |_, r| {
            admin_only(r, "/api/v1/outbox", None, Success)
        }),
        rule("GET", "/api/v1/outbox/{id}", |w, r| {
            admin_only(r, &format!("/api/v1/outbox/{}", w.message), None, Success)
        }),
        rule("POST", "/api/v1/outbox/{id}/retry", |w, r| {
            // The message was sent: the administrator is let through to be told so.
            admin_only(
                r,
                &format!("/api/v1/outbox/{}/retry", w.message),
                None,
                Problem(409, "not_failed"),
            )
        }),
    ]
}
