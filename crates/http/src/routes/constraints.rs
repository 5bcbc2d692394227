//! The schemas of request fields whose values the domain constrains, built from the
//! domain's own limits (`PersonName::MAX_LEN`, `Quantity::MAX`, `MAX_AMOUNT`, ...), so the
//! OpenAPI document says what the server accepts and cannot drift from it. Fields refer to
//! them with `#[schema(schema_with = constraints::...)]`; each comes in two forms, the
//! second (`..._or_null`) for an optional field, which also takes `null`.
//!
//! Patterns are ECMA-262 regular expressions, as JSON Schema wants. Texts are trimmed by
//! the domain before they are checked, so the patterns allow surrounding white space.

use domain::account::Password;
use domain::cart::MAX_CART_ITEMS;
use domain::catalogue::{ArticleReference, Designation};
use domain::money::{Quantity, MAX_AMOUNT, MAX_UNIT_PRICE};
use domain::order::Reason;
use domain::party::{AddressLines, CompanyName, PersonName, Town};
use domain::vat::VatLabel;
use rust_decimal::Decimal;
use utoipa::openapi::schema::{SchemaFormat, SchemaType, Type};
use utoipa::openapi::{
    Array, ArrayBuilder, KnownFormat, Object, ObjectBuilder, OneOfBuilder, Ref, Schema,
};

use super::catalogue::MAX_IMPORT_ROWS;
use super::orders::dto::MAX_LINES;

/// White space as Rust's `str::trim` removes it (Unicode `White_Space`).
const SPACE: &str = r"\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000";
/// Control characters (Unicode `Cc`) but tab and line feed, refused inside a text.
const CONTROL: &str = r"\x00-\x08\x0b-\x1f\x7f-\x9f";

/// `core`, possibly surrounded by white space, and nothing else.
fn trimmed(core: &str) -> String {
    format!("^[{SPACE}]*(?:{core})[{SPACE}]*$")
}

fn string() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String)
}

fn integer(minimum: u64, maximum: u64) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(minimum as f64))
        .maximum(Some(maximum as f64))
}

/// The same schema, `null` accepted too.
fn or_null(builder: ObjectBuilder) -> Object {
    let object = builder.build();
    let mut types = match &object.schema_type {
        SchemaType::Type(t) => vec![t.clone()],
        SchemaType::Array(ts) => ts.clone(),
        SchemaType::AnyValue => return object,
    };
    types.push(Type::Null);
    let mut object = object;
    object.schema_type = SchemaType::from_iter(types);
    object
}

/// A text of 1 to `max` characters, not only white space, without control characters but
/// tab and line feed (the domain's `bounded_text`, which also trims it: the document asks
/// for no more than `max` characters with the white space around).
fn text(max: usize, what: &str) -> ObjectBuilder {
    string()
        .min_length(Some(1))
        .max_length(Some(max))
        .pattern(Some(format!(
            "^[^{CONTROL}]*[^{SPACE}{CONTROL}][^{CONTROL}]*$"
        )))
        .description(Some(format!(
            "{what}: 1 to {max} characters, not only white space, no control characters but tab and line feed"
        )))
}

/// The largest integer part of `max`, as a pattern of its digits: `[0-9]{1,15}` below
/// 10^15, or `max` itself.
fn decimal(max: Decimal, places: u32) -> String {
    let whole = max.trunc().to_string();
    let shorter = whole.len().saturating_sub(1).max(1);
    format!(
        r"^(?:-0{{1,10}}(?:\.0{{1,10}})?|0{{0,10}}[0-9]{{1,{shorter}}}(?:\.[0-9]{{1,{places}}}0{{0,10}})?|{whole}(?:\.0{{1,10}})?)$"
    )
}

/// As [`decimal`], 0 excluded.
fn positive_decimal(max: Decimal, places: u32) -> String {
    let whole = max.trunc().to_string();
    let more = whole.len().saturating_sub(2);
    // A fraction with a digit other than 0 among its first `places`.
    let fraction = (0..places)
        .map(|zeros| format!("[0-9]{{{zeros}}}[1-9]"))
        .collect::<Vec<_>>()
        .join("|");
    format!(
        r"^(?:0{{0,10}}[1-9][0-9]{{0,{more}}}(?:\.[0-9]{{1,{places}}}0{{0,10}})?|0{{1,10}}\.(?:{fraction})0{{0,10}}|{whole}(?:\.0{{1,10}})?)$"
    )
}

/// Declares `$name()` and `$name_or_null()` from one builder.
macro_rules! constraint {
    ($(#[$doc:meta])* $name:ident, $or_null:ident, $build:expr) => {
        $(#[$doc])*
        // Each constraint has both forms; a field uses the one it needs.
        #[allow(dead_code)]
        pub(crate) fn $name() -> Object {
            $build.build()
        }

        $(#[$doc])*
        /// Or `null`.
        #[allow(dead_code)]
        pub(crate) fn $or_null() -> Object {
            or_null($build)
        }
    };
}

constraint!(
    /// A person's last or first name.
    person_name,
    person_name_or_null,
    text(PersonName::MAX_LEN, "a name")
);
constraint!(
    /// A company's name.
    company_name,
    company_name_or_null,
    text(CompanyName::MAX_LEN, "a company name")
);
constraint!(
    /// Address lines or access notes.
    address_lines,
    address_lines_or_null,
    text(AddressLines::MAX_LEN, "address lines")
);
constraint!(
    /// A town.
    town,
    town_or_null,
    text(Town::MAX_LEN, "a town")
);
constraint!(
    /// An article's designation.
    designation,
    designation_or_null,
    text(Designation::MAX_LEN, "a designation")
);
constraint!(
    /// A VAT code's label.
    vat_label,
    vat_label_or_null,
    text(VatLabel::MAX_LEN, "a label")
);
constraint!(
    /// Why something was done.
    reason,
    reason_or_null,
    text(Reason::MAX_LEN, "a reason")
);

constraint!(
    /// A payment's reference (a cheque's or a transfer's): no control character at all.
    payment_reference,
    payment_reference_or_null,
    {
        let plain = r"\x00-\x1f\x7f-\x9f";
        string()
            .min_length(Some(1))
            .max_length(Some(app::payments::MAX_REFERENCE))
            .pattern(Some(format!("^[^{plain}]*[^{SPACE}{plain}][^{plain}]*$")))
            .description(Some(format!(
                "1 to {} characters, not only white space, no control characters",
                app::payments::MAX_REFERENCE
            )))
    }
);
constraint!(
    /// An email address (the domain also accepts letters beyond ASCII).
    email,
    email_or_null,
    {
        // The common form: the domain also takes longer names, more characters in the
        // name, letters beyond ASCII and white space around.
        let part = "[A-Za-z0-9_%+-]";
        let label = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?";
        string()
            .pattern(Some(format!(
                r"^{part}{{1,32}}(?:\.{part}{{1,31}})?@(?:{label}\.){{1,3}}[A-Za-z]{{2,24}}$"
            )))
            .description(Some("an email address, such as marie.dupont@example.fr"))
    }
);
constraint!(
    /// A phone number as people write it.
    phone,
    phone_or_null,
    {
        // Brackets are left out: the domain drops a "(0)" before it counts the digits.
        let gap = r"[ ./-]*";
        string().pattern(Some(trimmed(&format!(
            r"(?:\+{gap}[1-9]{gap}(?:[0-9]{gap}){{7,14}}|{gap}0{gap}0{gap}[1-9]{gap}(?:[0-9]{gap}){{7,14}}|{gap}0{gap}[1-9]{gap}(?:[0-9]{gap}){{8}})"
        ))))
        .description(Some(
            "a French number (ten digits starting with 0, such as 06 12 34 56 78) or an international one (+ or 00, then 8 to 15 digits not starting with 0); spaces, dots, hyphens and slashes between digits (the domain also takes brackets and a \"(0)\" after the country code)",
        ))
    }
);
constraint!(
    /// A postal code.
    postal_code,
    postal_code_or_null,
    string()
        .pattern(Some(trimmed("[A-Za-z0-9-](?:[A-Za-z0-9 -]{0,8}[A-Za-z0-9-])")))
        .description(Some("2 to 10 letters, digits, spaces or hyphens, such as 75001"))
);
constraint!(
    /// A country code.
    country,
    country_or_null,
    string()
        .pattern(Some(trimmed("[A-Za-z]{2}")))
        .description(Some("two letters (ISO 3166-1), such as FR"))
);
constraint!(
    /// A site code.
    site_code,
    site_code_or_null,
    string()
        .pattern(Some(trimmed("[A-Za-z][A-Za-z0-9]{1,7}")))
        .description(Some("2 to 8 letters or digits starting with a letter, such as PAR"))
);
constraint!(
    /// An article reference.
    article_reference,
    article_reference_or_null,
    string()
        .pattern(Some(trimmed(&format!(
            "[A-Za-z0-9_./-]{{1,{}}}",
            ArticleReference::MAX_LEN
        ))))
        .description(Some(format!(
            "1 to {} letters, digits, '-', '_', '.' or '/'",
            ArticleReference::MAX_LEN
        )))
);
constraint!(
    /// An article named by its id or its reference.
    article,
    article_or_null,
    string()
        .pattern(Some(format!(
            "{}|{}",
            uuid_pattern(),
            trimmed(&format!(
                "[A-Za-z0-9_./-]{{1,{}}}",
                ArticleReference::MAX_LEN
            ))
        )))
        .description(Some(format!(
            "an article's id, or its reference: 1 to {} letters, digits, '-', '_', '.' or '/'",
            ArticleReference::MAX_LEN
        )))
);
constraint!(
    /// A VAT code.
    vat_code,
    vat_code_or_null,
    string()
        .pattern(Some(trimmed("[A-Za-z0-9_.-]{1,16}")))
        .description(Some("1 to 16 letters, digits, '-', '_' or '.'"))
);
constraint!(
    /// A SIREN (its check digit cannot be said in a schema).
    siren,
    siren_or_null,
    string()
        .pattern(Some(r"^\s*(?:[0-9]\s*){9}$".to_owned()))
        .description(Some("9 digits whose last is a check digit (Luhn); spaces are ignored"))
);
constraint!(
    /// An intra-community VAT number (a French one's key cannot be said in a schema).
    vat_number,
    vat_number_or_null,
    string()
        .pattern(Some(r"^\s*(?:[A-Za-z]\s*){2}(?:[A-Za-z0-9]\s*){2,13}$".to_owned()))
        .description(Some(
            "2 letters of a country then 2 to 13 letters or digits; a French one is FR, a 2-character key and the SIREN; spaces are ignored",
        ))
);
constraint!(
    /// A card number (its check digit cannot be said in a schema).
    card_number,
    card_number_or_null,
    string()
        .pattern(Some(trimmed("[ -]*(?:[0-9][ -]*){12,19}")))
        .description(Some(
            "12 to 19 digits whose last is a check digit (Luhn); spaces and hyphens are ignored",
        ))
);
constraint!(
    /// A calendar date.
    date,
    date_or_null,
    string()
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
        .pattern(Some("^[0-9]{4}-[0-9]{2}-[0-9]{2}$".to_owned()))
        .description(Some("a date, such as 2026-05-20"))
);

/// The lines of an order or a quote: 1 to [`MAX_LINES`].
pub(crate) fn order_lines() -> Array {
    ArrayBuilder::new()
        .items(Ref::from_schema_name("LineInput"))
        .min_items(Some(1))
        .max_items(Some(MAX_LINES))
        .build()
}

/// The articles added to a cart at once: 1 to [`MAX_CART_ITEMS`].
pub(crate) fn cart_items() -> Array {
    ArrayBuilder::new()
        .items(Ref::from_schema_name("CartItemInput"))
        .min_items(Some(1))
        .max_items(Some(MAX_CART_ITEMS))
        .build()
}

/// The rows of a catalogue import: at most [`MAX_IMPORT_ROWS`].
pub(crate) fn import_rows() -> Array {
    ArrayBuilder::new()
        .items(Ref::from_schema_name("ImportRowInput"))
        .max_items(Some(MAX_IMPORT_ROWS))
        .build()
}

constraint!(
    /// A password.
    password,
    password_or_null,
    string()
        .min_length(Some(Password::MIN_LEN))
        .max_length(Some(Password::MAX_LEN))
        .pattern(Some(format!("[^{SPACE}]")))
        .description(Some(format!(
            "{} to {} characters, not only white space",
            Password::MIN_LEN,
            Password::MAX_LEN
        )))
);
constraint!(
    /// An id.
    uuid,
    uuid_or_null,
    string()
        .pattern(Some(uuid_pattern()))
        .description(Some("a UUID such as 0190f5e2-7b1c-7c3e-9a55-2f1d3c4b5a69"))
);
constraint!(
    /// A quantity of units.
    quantity,
    quantity_or_null,
    integer(1, u64::from(Quantity::MAX))
);
constraint!(
    /// An amount of money.
    amount,
    amount_or_null,
    string()
        .pattern(Some(decimal(MAX_AMOUNT, 2)))
        .description(Some(format!(
            "a decimal string, from 0 to {MAX_AMOUNT}, at most 2 decimal places, such as \"12.50\""
        )))
);
constraint!(
    /// An amount paid: more than 0.
    payment_amount,
    payment_amount_or_null,
    string()
        .pattern(Some(positive_decimal(MAX_AMOUNT, 2)))
        .description(Some(format!(
            "a decimal string, more than 0 and at most {MAX_AMOUNT}, at most 2 decimal places, such as \"20.00\""
        )))
);
constraint!(
    /// A unit price.
    unit_price,
    unit_price_or_null,
    string()
        .pattern(Some(decimal(MAX_UNIT_PRICE, 4)))
        .description(Some(format!(
            "a decimal string, from 0 to {MAX_UNIT_PRICE}, at most 4 decimal places, such as \"12.50\""
        )))
);
constraint!(
    /// A VAT rate in percent.
    vat_rate,
    vat_rate_or_null,
    string()
        .pattern(Some(decimal(Decimal::ONE_HUNDRED, 4)))
        .description(Some(
            "a decimal string, a percentage from 0 to 100, at most 4 decimal places, such as \"5.5\""
        ))
);

/// A UUID as the domain reads it: 32 hexadecimal digits, grouped by hyphens or not.
fn uuid_pattern() -> String {
    "^(?:[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}|[0-9A-Fa-f]{32})$"
        .to_owned()
}

/// One of these words, as the server reads them exactly.
fn one_of(words: &[&str]) -> ObjectBuilder {
    string().enum_values(Some(words.iter().copied()))
}

/// The order states a search takes, as the domain names them (in either case).
pub(crate) const ORDER_STATES: [&str; 5] =
    ["DRAFT", "VALIDATED", "FULFILLED", "CANCELLED", "DELETED"];
/// The order sources.
pub(crate) const ORDER_SOURCES: [&str; 4] = ["online", "site", "phone", "api"];
/// The kinds of invoicing documents.
pub(crate) const INVOICE_KINDS: [&str; 2] = ["invoice", "credit_note"];
/// The states of an outbox message.
pub(crate) const MESSAGE_STATUSES: [&str; 3] = ["pending", "sent", "failed"];
/// The kinds of entities whose changes are recorded.
pub(crate) const ENTITIES: [&str; 5] = ["societe", "tiers", "adresse", "article", "commande"];
/// The kinds of links.
pub(crate) const LINK_KINDS: [&str; 3] = ["company-person", "person-address", "company-address"];
/// The roles a link gives.
pub(crate) const ROLES: [&str; 4] = ["internal", "customer", "payer", "recipient"];

constraint!(
    /// An order state.
    order_state,
    order_state_or_null,
    one_of(&ORDER_STATES)
);
constraint!(
    /// An order source.
    order_source,
    order_source_or_null,
    one_of(&ORDER_SOURCES)
);
constraint!(
    /// A kind of invoicing document.
    invoice_kind,
    invoice_kind_or_null,
    one_of(&INVOICE_KINDS)
);
constraint!(
    /// An outbox message's state.
    message_status,
    message_status_or_null,
    one_of(&MESSAGE_STATUSES)
);
constraint!(
    /// A kind of entity.
    entity,
    entity_or_null,
    one_of(&ENTITIES)
);
constraint!(
    /// A kind of link.
    link_kind,
    link_kind_or_null,
    one_of(&LINK_KINDS)
);
constraint!(
    /// A role.
    role,
    role_or_null,
    one_of(&ROLES)
);
constraint!(
    /// An instant.
    date_time,
    date_time_or_null,
    string()
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
        .description(Some("an RFC 3339 time, such as 2026-05-07T10:00:00Z"))
);
constraint!(
    /// How many items of a list to skip.
    offset,
    offset_or_null,
    integer(0, i64::MAX.unsigned_abs())
);
constraint!(
    /// How many items of a list to give (fewer than 1 is read as 1, more than the most as
    /// the most).
    limit,
    limit_or_null,
    integer(0, u64::from(u32::MAX))
);
constraint!(
    /// Words of a name to look up.
    name_query,
    name_query_or_null,
    string().max_length(Some(super::parties::MAX_NAME_QUERY))
);

constraint!(
    /// Units in stock.
    stock,
    stock_or_null,
    integer(0, u64::from(u32::MAX))
);

/// A change of stock: not 0, at most `u32::MAX` units either way.
pub(crate) fn delta() -> Schema {
    let most = i64::from(u32::MAX);
    let range = |minimum: i64, maximum: i64| {
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .minimum(Some(minimum as f64))
            .maximum(Some(maximum as f64))
            .build()
    };
    OneOfBuilder::new()
        .item(range(-most, -1))
        .item(range(1, most))
        .description(Some("units added (positive) or removed (negative), not 0"))
        .build()
        .into()
}

/// The methods staff record by hand: every one but the card, which goes through the card
/// processor.
pub(crate) fn staff_method() -> Object {
    one_of(&STAFF_METHODS).build()
}

/// The payment methods staff record (`MethodInput` as JSON, card aside).
pub(crate) const STAFF_METHODS: [&str; 3] = ["bank_transfer", "cheque", "on_account"];

/// Declares a type whose schema is a constraint, for a required query parameter:
/// `#[param(inline, value_type = constraints::Uuid)]` keeps the parameter required, which
/// `schema_with` does not.
macro_rules! schema_type {
    ($(#[$doc:meta])* $name:ident, $build:ident) => {
        $(#[$doc])*
        #[derive(Debug)]
        pub(crate) struct $name;

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<Schema> {
                Schema::Object($build()).into()
            }
        }

        impl utoipa::ToSchema for $name {}
    };
}

schema_type!(
    /// An id.
    Uuid,
    uuid
);
schema_type!(
    /// A kind of link.
    LinkKind,
    link_kind
);
schema_type!(
    /// A role.
    Role,
    role
);
schema_type!(
    /// A kind of entity.
    Entity,
    entity
);

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use domain::billing::InvoiceKind;
    use domain::order::{OrderSource, OrderState};
    use ports::{EntityKind, MessageStatus};

    #[test]
    fn the_words_are_those_the_server_reads_and_all_of_them() {
        assert!(ORDER_STATES.iter().all(|w| OrderState::parse(w).is_some()));
        assert_eq!(ORDER_STATES.len(), OrderState::ALL.len());
        assert!(ORDER_SOURCES
            .iter()
            .all(|w| OrderSource::parse(w).is_some()));
        assert_eq!(ORDER_SOURCES.len(), OrderSource::ALL.len());
        assert!(INVOICE_KINDS
            .iter()
            .all(|w| InvoiceKind::parse(w).is_some()));
        assert!(MESSAGE_STATUSES
            .iter()
            .all(|w| MessageStatus::parse(w).is_some()));
        assert!(ENTITIES.iter().all(|w| EntityKind::parse(w).is_some()));
    }

    #[test]
    fn decimal_bounds_are_powers_of_ten() {
        // `decimal` writes the largest value as "shorter numbers, or the bound itself".
        for max in [MAX_AMOUNT, MAX_UNIT_PRICE, Decimal::ONE_HUNDRED] {
            let whole = max.trunc().to_string();
            assert!(
                whole.starts_with('1') && whole[1..].bytes().all(|b| b == b'0'),
                "{max}"
            );
        }
    }
}
