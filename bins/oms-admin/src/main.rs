//! `oms-admin`: the order management system's admin command line.

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut streams = cli::Streams {
        stdin: std::io::stdin().lock(),
        stdout: std::io::stdout().lock(),
        stderr: std::io::stderr().lock(),
    };
    let status = cli::run(std::env::args_os(), &mut streams);
    ExitCode::from(status as u8)
}
