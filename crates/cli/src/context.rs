//! What every command that touches data works with: the use cases, who the caller is, the
//! global options and the streams.

use std::io::{Read, Write};

use app::{App, Caller};
use domain::order::Actor;

/// A command's context.
pub(crate) struct Ctx<'a> {
    /// The use cases, over the configured database.
    pub app: App,
    /// The configured database's URL, without its password.
    pub database: String,
    /// Who runs the command: staff, under `cli:$USER`.
    pub caller: Caller,
    /// `--json`: machine output.
    pub json: bool,
    /// `--yes`: no confirmation.
    pub yes: bool,
    /// Whether standard input is a terminal.
    pub interactive: bool,
    /// Standard input (CSV files, confirmations).
    pub input: &'a mut dyn Read,
    /// Standard output: results.
    pub out: &'a mut dyn Write,
    /// Standard error: prompts and notes.
    pub err: &'a mut dyn Write,
}

/// Staff, named `cli:` and the login name (`USER`), `cli:operator` without one.
pub(crate) fn caller_from_env() -> Caller {
    let user = std::env::var("USER")
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| "operator".to_owned());
    let actor = Actor::new(&format!("cli:{user}"))
        .or_else(|_| Actor::new("cli:operator"))
        .unwrap_or_else(|_| Caller::system().actor);
    Caller::staff(actor)
}
