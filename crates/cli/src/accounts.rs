//! `oms-admin create-admin`: how a fresh install gets its first administrator. There is
//! no default password: the password is typed at the terminal (not shown), or read from a
//! file or standard input for scripts, and never printed.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;

use clap::Args;
use domain::account::Password;
use domain::party::Email;

use crate::context::Ctx;
use crate::errors::CliError;
use crate::output;
use crate::parse;

/// Create an administrator account.
#[derive(Debug, Args)]
#[command(
    long_about = "Create an administrator account, which logs in to the API with its login \
                  (an email) and password. The password (12 characters at least) is asked \
                  twice at the terminal without being shown, or read from the first line of \
                  a file (--password-file) or of standard input (--password-stdin). It is \
                  stored hashed with argon2id and never printed.",
    after_help = "Examples:\n  oms-admin create-admin admin@example.fr\n  oms-admin create-admin admin@example.fr --password-file /run/secrets/oms-admin"
)]
pub(crate) struct CreateAdminArgs {
    /// The administrator's login: their email.
    #[arg(value_parser = parse::email)]
    login: Email,
    /// Read the password from the first line of this file.
    #[arg(long, conflicts_with = "password_stdin")]
    password_file: Option<PathBuf>,
    /// Read the password from the first line of standard input.
    #[arg(long)]
    password_stdin: bool,
}

pub(crate) async fn create_admin(args: CreateAdminArgs, ctx: &mut Ctx<'_>) -> Result<(), CliError> {
    let typed = read_password(&args, ctx)?;
    let password = Password::new(&typed)
        .map_err(|e| CliError::input("validation", format!("{e}; choose a longer password")))?;
    let account = ctx
        .app
        .create_admin(&ctx.caller, &args.login, &password)
        .await?;
    if ctx.json {
        return output::json(ctx.out, &account);
    }
    writeln!(
        ctx.out,
        "Created administrator {} ({}). Log in to the API with this login and the password given.",
        account.login, account.id
    )?;
    Ok(())
}

fn first_line(reader: impl std::io::Read) -> Result<String, std::io::Error> {
    let mut line = String::new();
    BufReader::new(reader).read_line(&mut line)?;
    Ok(line.trim_end_matches(['\n', '\r']).to_owned())
}

fn read_password(args: &CreateAdminArgs, ctx: &mut Ctx<'_>) -> Result<String, CliError> {
    if let Some(path) = &args.password_file {
        let file = std::fs::File::open(path)
            .map_err(|e| CliError::failure("io", format!("cannot read {}: {e}", path.display())))?;
        return first_line(file)
            .map_err(|e| CliError::failure("io", format!("cannot read {}: {e}", path.display())));
    }
    if args.password_stdin {
        return first_line(&mut *ctx.input)
            .map_err(|e| CliError::failure("io", format!("cannot read standard input: {e}")));
    }
    if !ctx.interactive {
        return Err(CliError::input(
            "password_needed",
            "nothing was done: standard input is not a terminal to type the password on; give \
             --password-file FILE or --password-stdin",
        ));
    }
    let prompt = |text: &str| {
        rpassword::prompt_password(text)
            .map_err(|e| CliError::failure("io", format!("cannot read the password: {e}")))
    };
    let first = prompt("Password (12 characters at least, not shown): ")?;
    let again = prompt("The same password again: ")?;
    if first != again {
        return Err(CliError::input(
            "password_mismatch",
            "nothing was done: the two passwords differ; run the command again",
        ));
    }
    Ok(first)
}
