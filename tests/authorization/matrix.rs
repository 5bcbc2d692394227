//! Running the rules: every operation of the OpenAPI document, as every role; the
//! refusals first, then a comparison of everyone's data with what it was before them,
//! then the controls (the owner doing the same on their own ids); and a readable matrix
//! of what was expected and what came back.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use oms_e2e::api::{Response, Server};
use serde_json::{json, Value};

use crate::world::{Role, World, ROLES};

/// What a call must answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    /// 2xx.
    Success,
    /// This status exactly.
    Status(u16),
    /// This status with this problem code (a refusal for another reason than the caller's
    /// rights, that shows the caller got past them).
    Problem(u16, &'static str),
    /// 401 `unauthorized`.
    Unauthorized,
    /// 403 `forbidden`.
    Forbidden,
    /// 404 `not_found`.
    NotFound,
    /// 422 `validation` naming this field.
    Invalid(&'static str),
    /// 200 with none of these ids anywhere in the body.
    Omits(Vec<String>),
    /// 200 with a page of orders (`items[].number`) holding all of `present` and none of
    /// `absent`.
    Lists {
        present: Vec<String>,
        absent: Vec<String>,
    },
}

impl Expect {
    fn describe(&self) -> String {
        match self {
            Expect::Success => "2xx".to_owned(),
            Expect::Status(status) => status.to_string(),
            Expect::Omits(ids) => format!("200 without {}", ids.join(",")),
            Expect::Problem(status, code) => format!("{status} {code}"),
            Expect::Unauthorized => "401".to_owned(),
            Expect::Forbidden => "403".to_owned(),
            Expect::NotFound => "404".to_owned(),
            Expect::Invalid(field) => format!("422 {field}"),
            Expect::Lists { present, absent } => {
                format!(
                    "200 with {} without {}",
                    present.join(","),
                    absent.join(",")
                )
            }
        }
    }

    /// Whether the response is what was expected.
    fn met_by(&self, r: &Response) -> bool {
        let body = r.json();
        let problem = |status: u16, code: &str| r.status == status && body["code"] == code;
        match self {
            Expect::Success => (200..300).contains(&r.status),
            Expect::Status(status) => r.status == *status,
            Expect::Omits(ids) => {
                r.status == 200 && ids.iter().all(|id| !r.body.contains(id.as_str()))
            }
            Expect::Problem(status, code) => problem(*status, code),
            Expect::Unauthorized => problem(401, "unauthorized"),
            Expect::Forbidden => problem(403, "forbidden"),
            Expect::NotFound => problem(404, "not_found"),
            Expect::Invalid(field) => problem(422, "validation") && body["field"] == *field,
            Expect::Lists { present, absent } => {
                let listed: BTreeSet<&str> = body["items"]
                    .as_array()
                    .map(|items| items.iter().filter_map(|i| i["number"].as_str()).collect())
                    .unwrap_or_default();
                r.status == 200
                    && present.iter().all(|n| listed.contains(n.as_str()))
                    && absent.iter().all(|n| !listed.contains(n.as_str()))
            }
        }
    }
}

/// What came back, in a few words: the status, the problem code and field, or for a
/// page of orders, the numbers it listed that it should not have or missed.
fn got(expect: &Expect, r: &Response) -> String {
    let body = r.json();
    let mut text = r.status.to_string();
    if let Some(code) = body["code"].as_str() {
        let _ = write!(text, " {code}");
    }
    if let Some(field) = body["field"].as_str() {
        let _ = write!(text, " {field}");
    }
    if let Expect::Omits(ids) = expect {
        let shown: Vec<&str> = ids
            .iter()
            .map(String::as_str)
            .filter(|id| r.body.contains(id))
            .collect();
        if !shown.is_empty() {
            let _ = write!(text, " showing {}", shown.join(","));
        }
    }
    if let (Expect::Lists { present, absent }, Some(items)) = (expect, body["items"].as_array()) {
        let listed: BTreeSet<&str> = items.iter().filter_map(|i| i["number"].as_str()).collect();
        let leaked: Vec<&str> = absent
            .iter()
            .map(String::as_str)
            .filter(|n| listed.contains(n))
            .collect();
        let missed: Vec<&str> = present
            .iter()
            .map(String::as_str)
            .filter(|n| !listed.contains(n))
            .collect();
        if !leaked.is_empty() {
            let _ = write!(text, " listing {}", leaked.join(","));
        }
        if !missed.is_empty() {
            let _ = write!(text, " missing {}", missed.join(","));
        }
    }
    text
}

/// Whose token a case is sent with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token {
    /// The role's (none for anonymous).
    Role,
    /// A new one of the role's, logged in for this case (logging out revokes it).
    Fresh,
}

/// One call of an operation by a role.
#[derive(Debug, Clone)]
pub struct Case {
    /// Whose ids, in a few words ("B's order").
    pub what: String,
    /// A refusal (sent before the others' data is compared) or a control (after).
    pub refusal: bool,
    pub path: String,
    pub body: Option<Value>,
    pub headers: Vec<(String, String)>,
    pub token: Token,
    /// Calls made as the role just before a control, which must succeed (putting an
    /// article back in a cart before checking it out).
    pub prepare: Vec<(&'static str, String, Value)>,
    pub expect: Expect,
}

impl Case {
    /// A call that must be refused: another party's ids, or an operation not for the role.
    pub fn refuse(what: impl Into<String>, path: impl Into<String>, expect: Expect) -> Case {
        Case {
            what: what.into(),
            refusal: true,
            path: path.into(),
            body: None,
            headers: Vec::new(),
            token: Token::Role,
            prepare: Vec::new(),
            expect,
        }
    }

    /// A call that must be let through: the role on its own ids.
    pub fn control(what: impl Into<String>, path: impl Into<String>, expect: Expect) -> Case {
        Case {
            refusal: false,
            ..Case::refuse(what, path, expect)
        }
    }

    pub fn body(mut self, body: Value) -> Case {
        self.body = Some(body);
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Case {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn fresh_token(mut self) -> Case {
        self.token = Token::Fresh;
        self
    }

    pub fn prepare(mut self, method: &'static str, path: impl Into<String>, body: Value) -> Case {
        self.prepare.push((method, path.into(), body));
        self
    }
}

/// For a role, the calls to make in a world.
pub type Cases = Box<dyn Fn(&World, Role) -> Vec<Case>>;

/// An operation's rule: for each role, the calls to make and what they must answer.
pub struct Rule {
    pub method: &'static str,
    /// As the OpenAPI document writes it.
    pub path: &'static str,
    pub cases: Cases,
}

impl Rule {
    pub fn operation(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

/// Every operation (`METHOD /path`) of the OpenAPI document the server serves.
pub fn documented_operations(server: &Server) -> BTreeSet<String> {
    let r = server.get("/api/v1/openapi.json", None);
    assert_eq!(r.status, 200, "the OpenAPI document: {}", r.body);
    let document = r.json();
    let mut operations = BTreeSet::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("a path item").keys() {
            if [
                "get", "put", "post", "delete", "patch", "head", "options", "trace",
            ]
            .contains(&method.as_str())
            {
                operations.insert(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    operations
}

/// One call's outcome.
#[derive(Debug)]
struct Outcome {
    operation: String,
    role: Role,
    what: String,
    refusal: bool,
    expected: String,
    got: String,
    passed: bool,
    /// Whether the answer was compared with the one for an id that does not exist.
    compared: bool,
}

/// What the run found.
#[derive(Debug, Default)]
pub struct Report {
    /// Operations without a rule, rules without an operation, roles a rule says nothing
    /// of.
    coverage: Vec<String>,
    outcomes: Vec<Outcome>,
    /// Data of a party that read back otherwise after the refusals.
    changed: Vec<String>,
    operations: Vec<String>,
}

impl Report {
    pub fn failed(&self) -> bool {
        !self.coverage.is_empty()
            || !self.changed.is_empty()
            || self.outcomes.iter().any(|o| !o.passed)
    }

    pub fn calls(&self) -> usize {
        self.outcomes.len()
    }

    /// The matrix (operation × role: `ok`, or `FAIL` with the number of failed calls), then
    /// every failed call: expected and got.
    pub fn render(&self, label: &str) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "== authorization matrix on {label}: {} calls; {} refusals compared with the answer for an id that does not exist",
            self.outcomes.len(),
            self.outcomes.iter().filter(|o| o.compared).count()
        );
        for problem in &self.coverage {
            let _ = writeln!(out, "RULE MISSING OR STALE: {problem}");
        }
        let width = self.operations.iter().map(String::len).max().unwrap_or(10);
        let _ = write!(out, "{:width$}", "operation");
        for role in ROLES {
            let _ = write!(out, " | {:^11}", role.label());
        }
        out.push('\n');
        for operation in &self.operations {
            let _ = write!(out, "{operation:width$}");
            for role in ROLES {
                let mine: Vec<&Outcome> = self
                    .outcomes
                    .iter()
                    .filter(|o| &o.operation == operation && o.role == role)
                    .collect();
                let failed = mine.iter().filter(|o| !o.passed).count();
                let cell = if mine.is_empty() {
                    "-".to_owned()
                } else if failed == 0 {
                    "ok".to_owned()
                } else {
                    format!("FAIL {failed}/{}", mine.len())
                };
                let _ = write!(out, " | {cell:^11}");
            }
            out.push('\n');
        }
        let failures: Vec<&Outcome> = self.outcomes.iter().filter(|o| !o.passed).collect();
        if !failures.is_empty() {
            let _ = writeln!(
                out,
                "\nFailed calls ({}): operation | role | whose ids | expected | got",
                failures.len()
            );
            for o in failures {
                let _ = writeln!(
                    out,
                    "{} | {} | {}{} | expected {} | got {}",
                    o.operation,
                    o.role.label(),
                    if o.refusal { "" } else { "control: " },
                    o.what,
                    o.expected,
                    o.got
                );
            }
        }
        if !self.changed.is_empty() {
            let _ = writeln!(
                out,
                "\nData changed by calls that should have been refused ({}):",
                self.changed.len()
            );
            for change in &self.changed {
                let _ = writeln!(out, "{change}");
            }
        }
        out
    }
}

/// Runs every rule against the server: first checks that the rules and the document's
/// operations match one to one, and that each rule speaks of every role.
pub fn run(server: &Server, world: &World, rules: &[Rule]) -> Report {
    let mut report = Report::default();
    let documented = documented_operations(server);
    let ruled: BTreeSet<String> = rules.iter().map(Rule::operation).collect();
    for operation in documented.difference(&ruled) {
        report.coverage.push(format!(
            "{operation} is in the OpenAPI document but has no rule: add its rule to tests/authorization/rules.rs \
             (what each role may do with it, with whose ids; see tests/authorization/README.md)"
        ));
    }
    for operation in ruled.difference(&documented) {
        report.coverage.push(format!(
            "{operation} has a rule but is not in the OpenAPI document any more: remove or rename its rule"
        ));
    }
    report.operations = rules.iter().map(Rule::operation).collect();

    let mut refusals = Vec::new();
    let mut controls = Vec::new();
    for rule in rules {
        for role in ROLES {
            let cases = (rule.cases)(world, role);
            if cases.is_empty() {
                report.coverage.push(format!(
                    "the rule of {} says nothing of {}: give it at least one call",
                    rule.operation(),
                    role.label()
                ));
            }
            for case in cases {
                if case.refusal {
                    refusals.push((rule, role, case));
                } else {
                    controls.push((rule, role, case));
                }
            }
        }
    }

    let before = snapshot(server, world);
    for (rule, role, case) in &refusals {
        report.outcomes.push(call(server, world, rule, *role, case));
    }
    let after = snapshot(server, world);
    for (what, was) in &before {
        let now = after.get(what).map_or("(gone)", String::as_str);
        if now != was {
            report.changed.push(format!(
                "{what}:\n  before: {}\n  after:  {}",
                clip(was),
                clip(now)
            ));
        }
    }
    for (rule, role, case) in &controls {
        report.outcomes.push(call(server, world, rule, *role, case));
    }
    report
}

fn clip(text: &str) -> String {
    if text.len() <= 600 {
        text.to_owned()
    } else {
        let mut end = 600;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}…", &text[..end])
    }
}

fn log_in(server: &Server, world: &World, role: Role) -> Option<String> {
    if role == Role::Anonymous {
        return None;
    }
    let side = world.side(role);
    let r = server.post(
        "/api/v1/auth/login",
        None,
        &json!({"login": side.login, "password": side.password}),
    );
    r.json()["token"].as_str().map(str::to_owned)
}

fn call(server: &Server, world: &World, rule: &Rule, role: Role, case: &Case) -> Outcome {
    let fresh;
    let token = match case.token {
        Token::Role => world.token(role),
        Token::Fresh => {
            fresh = log_in(server, world, role);
            fresh.as_deref()
        }
    };
    let mut compared = false;
    let mut prepared = Ok(());
    for (method, path, body) in &case.prepare {
        let r = server.request(method, path, token, Some(&body.to_string()), &[]);
        if !(200..300).contains(&r.status) {
            prepared = Err(format!(
                "preparing with {method} {path}: {} {}",
                r.status,
                clip(&r.body)
            ));
            break;
        }
    }
    let body = case.body.as_ref().map(Value::to_string);
    let headers: Vec<(&str, &str)> = case
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let (passed, got) = match prepared {
        Err(why) => (false, why),
        Ok(()) => {
            let r = server.request(rule.method, &case.path, token, body.as_deref(), &headers);
            let passed = case.expect.met_by(&r);
            let got = got(&case.expect, &r);
            let names_something = matches!(case.expect, Expect::NotFound | Expect::Invalid(_));
            if passed && case.refusal && names_something {
                match unlike_the_unknown(server, world, rule, role, case, token, &r) {
                    Comparison::Differs(difference) => (false, format!("{got}, {difference}")),
                    Comparison::Same => {
                        compared = true;
                        (true, got)
                    }
                    Comparison::NoId => (true, got),
                }
            } else {
                (passed, got)
            }
        }
    };
    Outcome {
        operation: rule.operation(),
        role,
        what: case.what.clone(),
        refusal: case.refusal,
        expected: case.expect.describe(),
        got,
        passed,
        compared,
    }
}

/// How a refusal compares with the answer for an id that does not exist.
enum Comparison {
    Same,
    Differs(String),
    /// The call names no id of another party (another site's code, say).
    NoId,
}

/// A refused id must look exactly like one that does not exist: the same call with each
/// id of another party replaced by an unknown id of the same shape must get the same
/// answer (status, code, field, and detail but for the id). Says how it differs, if it does.
fn unlike_the_unknown(
    server: &Server,
    world: &World,
    rule: &Rule,
    role: Role,
    case: &Case,
    token: Option<&str>,
    answer: &Response,
) -> Comparison {
    let mut path = case.path.clone();
    let mut body = case.body.as_ref().map(Value::to_string);
    let mut swapped = Vec::new();
    for id in world.foreign_ids(role) {
        let in_body = body.as_deref().is_some_and(|b| b.contains(&id));
        if path.contains(&id) || in_body {
            let unknown = unknown_like(&id);
            path = path.replace(&id, &unknown);
            body = body.map(|b| b.replace(&id, &unknown));
            swapped.push((id, unknown));
        }
    }
    if swapped.is_empty() {
        return Comparison::NoId;
    }
    let headers: Vec<(&str, &str)> = case
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let twin = server.request(rule.method, &path, token, body.as_deref(), &headers);
    let shape = |r: &Response| {
        let json = r.json();
        let mut detail = json["detail"].as_str().unwrap_or_default().to_owned();
        for (id, unknown) in &swapped {
            detail = detail.replace(id, "<id>").replace(unknown, "<id>");
        }
        format!("{} {} {} {detail:?}", r.status, json["code"], json["field"])
    };
    let (refused, unknown) = (shape(answer), shape(&twin));
    if refused == unknown {
        Comparison::Same
    } else {
        Comparison::Differs(format!(
            "but an id that does not exist gets {unknown}, this one {refused}"
        ))
    }
}

/// An id of the same shape that names nothing: a UUID with other last digits, an order or
/// document number with its serial all nines, else the id with a letter more.
fn unknown_like(id: &str) -> String {
    let is_uuid = id.len() == 36 && id.chars().filter(|c| *c == '-').count() == 4;
    if is_uuid {
        return format!("{}ffffffffffff", &id[..24]);
    }
    let digits = id.chars().rev().take_while(char::is_ascii_digit).count();
    if digits > 0 {
        let (head, _) = id.split_at(id.len() - digits);
        return format!("{head}{}", "9".repeat(digits));
    }
    format!("{id}X")
}

/// Everything of every party, as the administrator reads it (carts: as their owner reads
/// them, a customer's cart being theirs alone).
fn snapshot(server: &Server, world: &World) -> BTreeMap<String, String> {
    let admin = world.token(Role::Administrator);
    let mut reads: Vec<(String, Option<&str>)> = Vec::new();
    for (role, side) in world.parties() {
        reads.push((format!("/api/v1/people/{}", side.person), admin));
        for address in [&side.address, &side.billing, &side.company_address] {
            reads.push((format!("/api/v1/addresses/{address}"), admin));
        }
        reads.push((format!("/api/v1/companies/{}", side.company), admin));
        let mut orders = vec![&side.order, &side.unpaid];
        if role.is_taker() || role == Role::Administrator {
            orders.extend([
                &side.draft,
                &side.to_validate,
                &side.to_delete,
                &side.to_cancel,
                &side.to_fulfil,
            ]);
        }
        for order in orders {
            reads.push((format!("/api/v1/orders/{order}"), admin));
            reads.push((format!("/api/v1/orders/{order}/payments"), admin));
            reads.push((format!("/api/v1/orders/{order}/invoices"), admin));
        }
        reads.push((format!("/api/v1/invoices/{}", side.invoice), admin));
        if role.is_customer() {
            reads.push((format!("/api/v1/carts/{}", side.cart), world.token(role)));
            reads.push(("/api/v1/me/addresses".to_owned(), world.token(role)));
        }
    }
    reads.sort();
    reads.dedup();
    reads
        .into_iter()
        .map(|(path, token)| {
            let r = server.get(&path, token);
            (format!("GET {path}"), format!("{} {}", r.status, r.body))
        })
        .collect()
}
