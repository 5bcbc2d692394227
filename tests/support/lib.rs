//! Helpers of the end-to-end tests: building the shipped binaries and running them, and
//! fresh databases for them to run against ([`databases`]).

pub mod admin;
pub mod api;
pub mod databases;
pub mod facturx;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;

/// The root of the repository.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// Builds a binary of the workspace (as `cargo build` does, in the dev profile) and gives
/// its path. Cargo is asked for the path, so any target directory works.
///
/// # Panics
/// When the build fails: the test cannot run without the binary.
#[allow(clippy::panic, clippy::expect_used)]
pub fn binary(name: &str) -> PathBuf {
    // One build at a time within a test process; cargo's own lock orders the rest.
    static BUILD: Mutex<()> = Mutex::new(());
    let _guard = BUILD
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args(["build", "--quiet", "--bin", name, "--message-format=json"])
        .current_dir(repo_root())
        .stderr(Stdio::inherit())
        .output()
        .expect("cargo runs");
    assert!(output.status.success(), "cargo build --bin {name} failed");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|m| m["target"]["name"] == name)
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .unwrap_or_else(|| panic!("cargo did not say where {name} is"))
}

/// What a run of a binary gave.
#[derive(Debug)]
pub struct Run {
    /// Exit status (-1 when killed by a signal).
    pub status: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

/// Runs `program` with `args`, `stdin` as its standard input.
///
/// # Panics
/// When the program cannot be started.
#[allow(clippy::expect_used)]
pub fn run(program: &Path, args: &[&str], stdin: &str) -> Run {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the program starts");
    if let Some(mut input) = child.stdin.take() {
        // A program that exits before reading everything closes the pipe: not an error here.
        let _ = input.write_all(stdin.as_bytes());
    }
    let output = child.wait_with_output().expect("the program ends");
    Run {
        status: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Runs `program` with `args`, `stdin` as its standard input, and these environment
/// variables set on top of the test's own.
///
/// # Panics
/// When the program cannot be started.
#[allow(clippy::expect_used)]
pub fn run_with_env(program: &Path, args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(program);
    command
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("the program starts");
    if let Some(mut input) = child.stdin.take() {
        // A program that exits before reading everything closes the pipe: not an error here.
        let _ = input.write_all(stdin.as_bytes());
    }
    let output = child.wait_with_output().expect("the program ends");
    Run {
        status: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}
