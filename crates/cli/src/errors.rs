//! Errors as the person at the terminal reads them: a stable code, a message that says
//! what is wrong and what to do, and the exit status (1 when it is not the input's fault,
//! 2 when the input is wrong or the action refused).

use app::AppError;
use domain::order::{OrderAction, OrderError};
use ports::StoreError;
use setup::ConfigError;

use crate::ExitStatus;

/// The code of an output whose reader went away: exit status 1, no message.
pub(crate) const BROKEN_PIPE: &str = "broken_pipe";

/// Why a command did not do what it was asked.
#[derive(Debug)]
pub(crate) struct CliError {
    /// The exit status.
    pub status: ExitStatus,
    /// A stable code, written first.
    pub code: String,
    /// What is wrong and what to do.
    pub message: String,
}

impl CliError {
    /// Bad input, bad usage or a refused action: exit status 2.
    pub fn input(code: &str, message: impl Into<String>) -> Self {
        CliError {
            status: ExitStatus::BadInput,
            code: code.to_owned(),
            message: message.into(),
        }
    }

    /// A failure that is not the input's fault: exit status 1.
    pub fn failure(code: &str, message: impl Into<String>) -> Self {
        CliError {
            status: ExitStatus::Failure,
            code: code.to_owned(),
            message: message.into(),
        }
    }

    /// A configuration that cannot be used (2) or a database that cannot be opened (1).
    pub fn from_config(err: ConfigError) -> Self {
        match err {
            ConfigError::Invalid { .. } => CliError::input(
                "configuration",
                format!("{err}; fix the variable or unset it to use the default"),
            ),
            ConfigError::Database { .. } => CliError::failure(
                "unavailable",
                format!("{err}; check DATABASE_URL and that the database server is running"),
            ),
        }
    }
}

impl From<std::io::Error> for CliError {
    fn from(err: std::io::Error) -> Self {
        if err.kind() == std::io::ErrorKind::BrokenPipe {
            // The reader went away (`| head`): nobody is left to tell.
            return CliError::failure(BROKEN_PIPE, String::new());
        }
        CliError::failure("io", format!("cannot write the output: {err}"))
    }
}

impl From<AppError> for CliError {
    fn from(err: AppError) -> Self {
        let code = err.code();
        match &err {
            AppError::NotFound { entity, key } => CliError::input(
                code,
                format!("{entity} {key} does not exist{}", look_up_hint(entity)),
            ),
            AppError::Order(OrderError::IllegalTransition { state, .. }) => {
                let allowed: Vec<&str> = state
                    .allowed_actions()
                    .into_iter()
                    .map(OrderAction::as_str)
                    .collect();
                let next = if allowed.is_empty() {
                    "it is closed: no action applies any more".to_owned()
                } else {
                    format!("what it allows now: {}", allowed.join(", "))
                };
                CliError::input(code, format!("{err}; {next}"))
            }
            AppError::Shortage(_) => CliError::input(
                code,
                format!(
                    "{err}; reduce the quantities, add stock (oms-admin articles adjust), \
                     or validate with --take-available to go on with what is available"
                ),
            ),
            AppError::Invalid { .. }
            | AppError::Unauthorized(_)
            | AppError::Forbidden(_)
            | AppError::Conflict { .. }
            | AppError::Order(_)
            | AppError::Cart(_)
            | AppError::Lines(_) => CliError::input(code, err.to_string()),
            AppError::Store(StoreError::Unavailable(_)) => CliError::failure(
                code,
                format!("{err}; check DATABASE_URL and that the database server is running"),
            ),
            AppError::Store(StoreError::Retryable(_)) => CliError::failure(
                code,
                format!("{err}; nothing was changed: run the command again"),
            ),
            AppError::Store(_) => CliError::failure(code, err.to_string()),
        }
    }
}

/// Where to find the right key of a thing that does not exist.
fn look_up_hint(entity: &str) -> &'static str {
    match entity {
        "order" => "; look orders up with: oms-admin orders search",
        "article" => "; list the catalogue with: oms-admin articles list",
        "person" | "customer" => "; look people up with: oms-admin customers find",
        "site" => "; list the sites with: oms-admin sites list",
        "company" => "; a company is named by its id, as companies create printed it",
        "address" => "; a person's addresses are listed by: oms-admin customers show",
        "link" => "; the links of a company are listed by: oms-admin companies show",
        _ => "",
    }
}
