//! The order ([`Commande`]), its lines ([`Ligne`]), its number ([`OrderNumber`]) and its
//! state machine ([`OrderState`]).

mod commande;
mod error;
mod line;
mod number;
mod state;

pub use commande::{Commande, CommandeParts, NewCommande, OrderParties, OrderSource};
pub use error::OrderError;
pub use line::{Ligne, LineDraft};
pub use number::{OrderNumber, SiteCode};
pub use state::{replay, Actor, OrderAction, OrderState, Reason, StateChange};
