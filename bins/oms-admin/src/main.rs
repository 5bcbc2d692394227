//! `oms-admin`: the order management system's admin command line.

use std::io::IsTerminal;
use std::process::ExitCode;

fn main() -> ExitCode {
    let stdin = std::io::stdin();
    let interactive = stdin.is_terminal();
    let mut streams = cli::Streams {
        stdin: stdin.lock(),
        stdout: std::io::stdout().lock(),
        stderr: std::io::stderr().lock(),
        interactive,
    };
    let status = cli::run(std::env::args_os(), &mut streams);
    ExitCode::from(status as u8)
}
