//! Reading request fields into the domain's values, each error naming its field.

use app::catalogue::ArticleKey;
use domain::catalogue::ArticleReference;
use domain::ids::ArticleId;
use domain::money::{parse_decimal, Amount, Quantity};
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

/// A typed id from a body field.
pub(crate) fn id<T>(
    text: &str,
    name: &str,
    parse: impl Fn(&str) -> Result<T, ValueError>,
) -> Result<T, Problem> {
    field(parse(text), name)
}

/// An article named in the path by its id or its reference; one that is neither names
/// nothing (the path extractor answers 404).
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(try_from = "String")]
pub(crate) struct ArticleInPath(pub ArticleKey);

impl TryFrom<String> for ArticleInPath {
    type Error = ValueError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        match ArticleId::parse(&text) {
            Ok(id) => Ok(ArticleInPath(ArticleKey::Id(id))),
            Err(_) => ArticleReference::new(&text).map(|r| ArticleInPath(ArticleKey::Reference(r))),
        }
    }
}
