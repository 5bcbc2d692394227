//! A real SMTP server for tests: Python's aiosmtpd, on 127.0.0.1, storing what it
//! receives into a Maildir that [`SmtpServer::messages`] reads back.
//!
//! It needs `python3` with the `aiosmtpd` module ([`INSTALL_COMMAND`]; `OMS_PYTHON` names
//! another interpreter). A test gets its server through [`smtp_server_or_skip`]: when
//! aiosmtpd is missing the test is skipped with a note on stderr, unless
//! `OMS_REQUIRE_TOOLS=1` (as CI sets), which makes it fail.
//!
//! The server refuses recipients whose local part starts with `reject` for good (550) and
//! those starting with `defer` for now (451), and accepts every other one.
//!
//! ```no_run
//! # async fn demo() {
//! use mail::{Mailer, SmtpMailer};
//! let dir = std::env::temp_dir().join("my-test");
//! let Some(server) = mail::testing::smtp_server_or_skip(&dir) else { return };
//! let mailer = SmtpMailer::new(&server.settings()).unwrap();
//! // mailer.send(&email).await ...; then server.messages()
//! # }
//! ```

use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use mail_parser::{MessageParser, MimeHeaders};

use crate::{SmtpSettings, TlsMode};

/// The environment variable that makes a missing tool fail the tests instead of skipping
/// them.
pub const REQUIRE_TOOLS_VARIABLE: &str = "OMS_REQUIRE_TOOLS";

/// The environment variable naming the Python interpreter (default `python3`).
pub const PYTHON_VARIABLE: &str = "OMS_PYTHON";

/// How to install what the server needs (for Debian's own `/usr/bin/python3`, with
/// `OMS_PYTHON=/usr/bin/python3`: `apt-get install python3-aiosmtpd`).
pub const INSTALL_COMMAND: &str = "python3 -m pip install aiosmtpd";

const HANDLER_MODULE: &str = "oms_test_smtp";
const HANDLER_SOURCE: &str = include_str!("oms_test_smtp.py");
const HOST: Ipv4Addr = Ipv4Addr::LOCALHOST;
const START_TIMEOUT: Duration = Duration::from_secs(20);

fn python() -> String {
    std::env::var(PYTHON_VARIABLE).unwrap_or_else(|_| "python3".to_owned())
}

/// Whether `python3 -m aiosmtpd` can run here.
#[must_use]
pub fn aiosmtpd_available() -> bool {
    Command::new(python())
        .args(["-c", "import aiosmtpd.main"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// Whether a missing tool must fail the tests (`OMS_REQUIRE_TOOLS=1`).
#[must_use]
pub fn tools_required() -> bool {
    std::env::var(REQUIRE_TOOLS_VARIABLE).as_deref() == Ok("1")
}

/// A real SMTP server started in `dir`, or `None` (with a `SKIPPED` note on stderr) when
/// aiosmtpd is not installed and `OMS_REQUIRE_TOOLS` is not `1`.
///
/// # Panics
/// When aiosmtpd is missing and `OMS_REQUIRE_TOOLS=1`, or when it is installed but the
/// server does not start: a test that cannot run must not look like it passed.
#[must_use]
#[allow(clippy::panic, reason = "a test helper: failing the test is its job")]
pub fn smtp_server_or_skip(dir: impl AsRef<Path>) -> Option<SmtpServer> {
    if !aiosmtpd_available() {
        let python = python();
        let reason = format!(
            "`{python} -m aiosmtpd` is not available (install it with: {python} -m pip \
             install aiosmtpd; for Debian's /usr/bin/python3: apt-get install python3-aiosmtpd)"
        );
        if tools_required() {
            panic!("{REQUIRE_TOOLS_VARIABLE}=1 but {reason}");
        }
        // Straight to the process's stderr, which the test harness does not capture, so
        // that the skip shows in every run.
        let _ = writeln!(
            io::stderr(),
            "SKIPPED because {reason} (set {REQUIRE_TOOLS_VARIABLE}=1 to require)"
        );
        return None;
    }
    match SmtpServer::start(dir) {
        Ok(server) => Some(server),
        Err(error) => panic!("the test SMTP server (aiosmtpd) did not start: {error}"),
    }
}

/// An aiosmtpd process listening on 127.0.0.1, killed when dropped.
pub struct SmtpServer {
    dir: PathBuf,
    port: u16,
    child: Option<Child>,
}

impl fmt::Debug for SmtpServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpServer")
            .field("dir", &self.dir)
            .field("port", &self.port)
            .field("running", &self.child.is_some())
            .finish()
    }
}

impl SmtpServer {
    /// Starts a server on a free port of 127.0.0.1, keeping its files (the Maildir, its
    /// handler, its log) in `dir` (created if missing), and waits until it accepts
    /// connections.
    ///
    /// # Errors
    /// When `dir` cannot be written, or the server does not start (its log is in the
    /// error).
    pub fn start(dir: impl AsRef<Path>) -> io::Result<Self> {
        let dir = dir.as_ref().to_path_buf();
        fs::create_dir_all(dir.join("python"))?;
        fs::write(
            dir.join("python").join(format!("{HANDLER_MODULE}.py")),
            HANDLER_SOURCE,
        )?;
        let port = TcpListener::bind((HOST, 0))?.local_addr()?.port();
        let mut server = Self {
            dir,
            port,
            child: None,
        };
        server.spawn()?;
        Ok(server)
    }

    /// The port it listens on (the same across [`SmtpServer::restart`]).
    #[must_use]
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Its host: `127.0.0.1`.
    #[must_use]
    pub fn host(&self) -> String {
        HOST.to_string()
    }

    /// Settings to reach it: no TLS, no login, a 10-second timeout.
    #[must_use]
    pub fn settings(&self) -> SmtpSettings {
        let mut settings = SmtpSettings::new(self.host(), self.port, TlsMode::None);
        settings.timeout = Duration::from_secs(10);
        settings
    }

    /// The Maildir it stores messages into.
    #[must_use]
    pub fn maildir(&self) -> PathBuf {
        self.dir.join("maildir")
    }

    /// Whether it is running (not stopped).
    #[must_use]
    pub fn is_running(&self) -> bool {
        self.child.is_some()
    }

    /// Kills it: connections to its port are refused until [`SmtpServer::restart`]. The
    /// messages it received stay.
    ///
    /// # Errors
    /// When the process cannot be killed or waited for.
    pub fn stop(&mut self) -> io::Result<()> {
        if let Some(mut child) = self.child.take() {
            if child.try_wait()?.is_none() {
                child.kill()?;
            }
            child.wait()?;
        }
        Ok(())
    }

    /// Stops it if running, then starts it again on the same port, and waits until it
    /// accepts connections.
    ///
    /// # Errors
    /// When it does not start again (for example, something else took the port).
    pub fn restart(&mut self) -> io::Result<()> {
        self.stop()?;
        self.spawn()
    }

    /// The messages received so far, oldest first.
    ///
    /// # Errors
    /// When the Maildir cannot be read, or a message in it cannot be parsed.
    pub fn messages(&self) -> io::Result<Vec<ReceivedMessage>> {
        let mut files = Vec::new();
        for sub in ["new", "cur"] {
            let folder = self.maildir().join(sub);
            let entries = match fs::read_dir(&folder) {
                Ok(entries) => entries,
                Err(error) if error.kind() == io::ErrorKind::NotFound => continue,
                Err(error) => return Err(error),
            };
            for entry in entries {
                let entry = entry?;
                let modified = entry.metadata()?.modified()?;
                files.push((modified, entry.file_name(), entry.path()));
            }
        }
        files.sort();
        files
            .into_iter()
            .map(|(_, _, path): (SystemTime, _, PathBuf)| {
                let raw = fs::read(&path)?;
                ReceivedMessage::parse(&raw).ok_or_else(|| {
                    io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!("cannot parse the message {}", path.display()),
                    )
                })
            })
            .collect()
    }

    fn spawn(&mut self) -> io::Result<()> {
        let python_path = match std::env::var_os("PYTHONPATH") {
            Some(existing) if !existing.is_empty() => {
                let mut paths = vec![self.dir.join("python")];
                paths.extend(std::env::split_paths(&existing));
                std::env::join_paths(paths).map_err(io::Error::other)?
            }
            _ => self.dir.join("python").into_os_string(),
        };
        let log_path = self.dir.join("aiosmtpd.log");
        let log = fs::File::create(&log_path)?;
        let child = Command::new(python())
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("{HOST}:{}", self.port))
            .args(["-c", &format!("{HANDLER_MODULE}.Handler")])
            .arg(self.maildir())
            .env("PYTHONPATH", python_path)
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()?;
        self.child = Some(child);
        let deadline = Instant::now() + START_TIMEOUT;
        let address = SocketAddr::from((HOST, self.port));
        loop {
            if let Some(child) = self.child.as_mut() {
                if let Some(status) = child.try_wait()? {
                    self.child = None;
                    let log = fs::read_to_string(&log_path).unwrap_or_default();
                    return Err(io::Error::other(format!(
                        "aiosmtpd on port {} exited ({status}): {log}",
                        self.port
                    )));
                }
            }
            if TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok() {
                return Ok(());
            }
            if Instant::now() >= deadline {
                let _ = self.stop();
                let log = fs::read_to_string(&log_path).unwrap_or_default();
                return Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    format!(
                        "aiosmtpd did not accept connections on port {} within {START_TIMEOUT:?}: {log}",
                        self.port
                    ),
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.stop();
    }
}

/// An attachment of a [`ReceivedMessage`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedAttachment {
    /// Its file name, decoded.
    pub filename: String,
    /// Its MIME type, without parameters (`application/pdf`).
    pub content_type: String,
    /// Its content, decoded.
    pub content: Vec<u8>,
}

/// A message as received (or written to an `.eml` file), parsed enough for tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedMessage {
    /// Its Message-ID without the angle brackets.
    pub message_id: Option<String>,
    /// The `From` address.
    pub from: Option<String>,
    /// The `From` display name, decoded.
    pub from_name: Option<String>,
    /// The `To` addresses.
    pub to: Vec<String>,
    /// The subject, decoded.
    pub subject: Option<String>,
    /// The first text body, decoded.
    pub text: Option<String>,
    /// The attachments, in order.
    pub attachments: Vec<ReceivedAttachment>,
    /// The bytes as stored.
    pub raw: Vec<u8>,
}

impl ReceivedMessage {
    /// Parses an RFC 5322 message; `None` when it is not one.
    #[must_use]
    pub fn parse(raw: &[u8]) -> Option<Self> {
        let message = MessageParser::default().parse(raw)?;
        let from = message.from().and_then(|from| from.first());
        let attachments = message
            .attachments()
            .map(|part| ReceivedAttachment {
                filename: part.attachment_name().unwrap_or_default().to_owned(),
                content_type: part
                    .content_type()
                    .map(|ct| match ct.subtype() {
                        Some(subtype) => format!("{}/{subtype}", ct.ctype()),
                        None => ct.ctype().to_owned(),
                    })
                    .unwrap_or_default(),
                content: part.contents().to_vec(),
            })
            .collect();
        Some(Self {
            message_id: message.message_id().map(str::to_owned),
            from: from.and_then(|addr| addr.address()).map(str::to_owned),
            from_name: from.and_then(|addr| addr.name()).map(str::to_owned),
            to: message
                .to()
                .map(|to| {
                    to.iter()
                        .filter_map(|addr| addr.address())
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default(),
            subject: message.subject().map(str::to_owned),
            text: message.body_text(0).map(|text| text.into_owned()),
            attachments,
            raw: raw.to_vec(),
        })
    }
}
