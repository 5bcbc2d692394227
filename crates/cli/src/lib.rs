//! The admin command line (`oms-admin`): a thin driver that reads its input, calls the
//! business core, and writes the result. Every command writes its result on standard
//! output and its errors on standard error, and ends with a documented exit status
//! ([`ExitStatus`]).

mod price;

use std::ffi::OsString;
use std::io::{Read, Write};

use clap::{Parser, Subcommand};

/// The exit statuses of `oms-admin`, documented in `docs/cli.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: done.
    Success = 0,
    /// 1: a failure that is not the input's fault (a file that cannot be read, a broken
    /// output pipe).
    Failure = 1,
    /// 2: the input or the command line is wrong; nothing was changed.
    BadInput = 2,
}

/// The standard streams a command works with, so tests can run commands in memory.
#[derive(Debug)]
pub struct Streams<I, O, E> {
    /// Standard input.
    pub stdin: I,
    /// Standard output.
    pub stdout: O,
    /// Standard error.
    pub stderr: E,
}

#[derive(Debug, Parser)]
#[command(
    name = "oms-admin",
    version,
    about = "Administer the order management system from a terminal.",
    after_help = "Exit status: 0 done, 1 failure (I/O), 2 bad input or usage; see docs/cli.md."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Price(price::PriceArgs),
}

/// Parses `args` (the program name first) and runs the command.
pub fn run<I: Read, O: Write, E: Write>(
    args: impl IntoIterator<Item = OsString>,
    streams: &mut Streams<I, O, E>,
) -> ExitStatus {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(err) => {
            let status = if err.use_stderr() {
                ExitStatus::BadInput
            } else {
                ExitStatus::Success
            };
            // --help and --version go to standard output, usage errors to standard error.
            let rendered = err.render().to_string();
            let written = if err.use_stderr() {
                streams.stderr.write_all(rendered.as_bytes())
            } else {
                streams.stdout.write_all(rendered.as_bytes())
            };
            return if written.is_ok() {
                status
            } else {
                ExitStatus::Failure
            };
        }
    };
    match cli.command {
        Command::Price(args) => price::run(&args, streams),
    }
}
