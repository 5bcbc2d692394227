//! Who is visiting, as [`crate::guard::guard`] found out from their cookies, for the
//! handlers to extract.

use app::{Access, Caller};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use domain::ids::{CartId, TiersId};

use crate::page::PageError;
use crate::words::Flash;

/// The visitor of a page.
#[derive(Debug, Clone)]
pub struct Visitor {
    /// The logged-in customer (or staff member), when a session cookie holds a live token.
    pub caller: Option<Caller>,
    /// That session's token.
    pub session: Option<String>,
    /// A guest's cart, from its cookie.
    pub guest_cart: Option<CartId>,
    /// The token every form of the page carries.
    pub csrf: String,
    /// The message of the previous form, shown once.
    pub flash: Option<Flash>,
}

impl Visitor {
    /// Who calls the use cases: the logged-in account, or a guest, who reaches only
    /// guests' carts (as in the API).
    pub fn caller(&self) -> Caller {
        match &self.caller {
            Some(caller) => caller.clone(),
            None => Caller::guest(),
        }
    }

    /// The customer logged in, if the visitor is one.
    pub fn customer(&self) -> Option<TiersId> {
        match self.caller.as_ref().map(|c| c.access) {
            Some(Access::Customer(me)) => Some(me),
            _ => None,
        }
    }

    /// The login shown in the header.
    pub fn login(&self) -> Option<&str> {
        self.caller.as_ref().map(|c| c.actor.as_str())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Visitor {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Visitor>()
            .cloned()
            .ok_or_else(|| PageError::internal("the page guard did not run"))
    }
}
