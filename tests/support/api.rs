//! The API server as shipped (`oms-api`), started on a free port of the loopback on a
//! database of the test's own, and a small HTTP/1.1 client to talk to it over a real socket.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::binary;
use crate::databases::TestDatabase;

/// The `oms-api` binary, built once per test process.
pub fn api_binary() -> &'static Path {
    static PATH: OnceLock<std::path::PathBuf> = OnceLock::new();
    PATH.get_or_init(|| binary("oms-api"))
}

/// A running server; stopped (SIGKILL) when dropped.
#[derive(Debug)]
pub struct Server {
    child: Child,
    /// `127.0.0.1:PORT`.
    pub address: String,
}

impl Server {
    /// Starts `oms-api` on `db`, on a port the system picks, and waits until it answers.
    ///
    /// # Panics
    /// When it does not start within 30 seconds.
    pub fn start(db: &TestDatabase) -> Server {
        Server::start_with(db, &[])
    }

    /// As [`Server::start`], with more environment variables (its configuration: the test
    /// payment processor's secret, ...).
    ///
    /// # Panics
    /// When it does not start within 30 seconds.
    #[allow(clippy::panic, clippy::expect_used)]
    pub fn start_with(db: &TestDatabase, env: &[(&str, &str)]) -> Server {
        // Emails go to a folder of the test's own unless the test names a mail server.
        let mail_dir = std::env::temp_dir().join(format!(
            "oms-e2e-mail-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos())
        ));
        let mut child = Command::new(api_binary())
            .env("OMS_MAIL_DIR", &mail_dir)
            .envs(env.iter().copied())
            .env("DATABASE_URL", &db.url)
            .env("OMS_BIND", "127.0.0.1:0")
            .env("OMS_LOG", "info")
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("oms-api starts");
        let stdout = child.stdout.take().expect("its output");
        let (tx, rx) = std::sync::mpsc::channel();
        // The log line that says where it listens gives the port; the rest of the log is
        // drained so the server never blocks on a full pipe.
        std::thread::spawn(move || {
            let mut sent = false;
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if !sent {
                    if let Some(address) = listening_address(&line) {
                        let _ = tx.send(address);
                        sent = true;
                    }
                }
            }
        });
        let address = rx
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("oms-api did not say where it listens"));
        let server = Server { child, address };
        let deadline = Instant::now() + Duration::from_secs(30);
        while server.get("/ready", None).status != 200 {
            assert!(Instant::now() < deadline, "oms-api is not ready");
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    /// Sends a request and reads the whole response.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Response {
        send(&self.address, method, path, token, body, headers)
    }

    /// GET.
    pub fn get(&self, path: &str, token: Option<&str>) -> Response {
        self.request("GET", path, token, None, &[])
    }

    /// POST a JSON body.
    pub fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        self.request("POST", path, token, Some(&body.to_string()), &[])
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn listening_address(line: &str) -> Option<String> {
    let start = line.find("address=")? + "address=".len();
    let rest = &line[start..];
    let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
    Some(rest[..end].to_owned())
}

/// A response.
#[derive(Debug, Clone)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// Headers, names in lower case.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: String,
}

impl Response {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON (`Null` when it is not).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

/// One request on a new connection (`Connection: close`), answered in full.
///
/// # Panics
/// When the server cannot be reached or answers something that is not HTTP.
#[allow(clippy::panic, clippy::expect_used)]
pub fn send(
    address: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
    headers: &[(&str, &str)],
) -> Response {
    let mut stream = TcpStream::connect(address).expect("the server accepts connections");
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .expect("a timeout");
    let mut request =
        format!("{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n");
    if let Some(token) = token {
        request.push_str(&format!("Authorization: Bearer {token}\r\n"));
    }
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    let body = body.unwrap_or("");
    if !body.is_empty() || matches!(method, "POST" | "PUT" | "PATCH") {
        if !headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("content-type"))
        {
            request.push_str("Content-Type: application/json\r\n");
        }
        request.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    request.push_str("\r\n");
    stream
        .write_all(request.as_bytes())
        .expect("the request is sent");
    stream.write_all(body.as_bytes()).expect("the body is sent");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("the response is read");
    parse(&String::from_utf8_lossy(&raw))
}

#[allow(clippy::panic)]
fn parse(raw: &str) -> Response {
    let (head, body) = raw
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("not an HTTP response: {raw:?}"));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line: {raw:?}"));
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Response {
        status,
        headers,
        body: body.to_owned(),
    }
}
