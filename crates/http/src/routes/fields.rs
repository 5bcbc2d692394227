//! Reading request fields into the domain's values, each error naming its field.

use app::catalogue::ArticleKey;
use domain::billing::InvoiceNumber;
use domain::catalogue::ArticleReference;
use domain::ids::ArticleId;
use domain::money::{parse_decimal, Amount, Quantity};
use domain::order::OrderNumber;
use domain::ValueError;

use crate::problem::Problem;

/// Turns a value error into a validation problem on `field`.
pub(crate) fn field<T>(result: Result<T, ValueError>, field: &str) -> Result<T, Problem> {
    result.map_err(|e| Problem::invalid(field, e.to_string()))
}

/// An amount written as a decimal string, 0 when absent.
pub(crate) fn amount(text: Option<&str>, name: &str) -> Result<Amount, Problem> {
    match text {
        None => Ok(Amount::ZERO),
        Some(text) => field(parse_decimal(text, "an amount").and_then(Amount::new), name),
    }
}

/// A quantity.
pub(crate) fn quantity(n: u32, name: &str) -> Result<Quantity, Problem> {
    field(Quantity::new(n), name)
}

/// An article named by its id (a UUID) or its reference.
pub(crate) fn article(text: &str, name: &str) -> Result<ArticleKey, Problem> {
    match ArticleId::parse(text) {
        Ok(id) => Ok(ArticleKey::Id(id)),
        Err(_) => field(ArticleReference::new(text), name).map(ArticleKey::Reference),
    }
}

/// An order number from the path: a malformed one is an order that does not exist.
pub(crate) fn order_number(text: &str) -> Result<OrderNumber, Problem> {
    OrderNumber::parse(text).map_err(|_| Problem::not_found(format!("order {text} does not exist")))
}

/// A typed id from a body field.
pub(crate) fn id<T>(
    text: &str,
    name: &str,
    parse: impl Fn(&str) -> Result<T, ValueError>,
) -> Result<T, Problem> {
    field(parse(text), name)
}

/// An invoice or credit note number from the path: a malformed one is a bad request (400)
/// on `number`.
pub(crate) fn invoice_number(text: &str) -> Result<InvoiceNumber, Problem> {
    InvoiceNumber::new(text).map_err(|e| Problem::bad_parameter("number", e.to_string()))
}
