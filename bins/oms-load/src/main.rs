//! `oms-load`: a load benchmark of order placement over HTTP. A measuring tool, not a test:
//! see bench/README.md for how it is run and docs/performance.md for what it gave.
//!
//! It prepares the database the server uses, opening it directly (a catalogue with a huge
//! stock, customers with an address, and an administrator account), logs in through the
//! API, then C keep-alive connections place authenticated orders (`POST /api/v1/orders`,
//! source `api`, a distinct `Idempotency-Key` each) for a warm-up and then for the
//! measured seconds:
//!
//! - `--rate 0`: as fast as the server answers, each connection sending its next order as
//!   soon as the last one is answered (closed loop);
//! - `--rate R`: R orders a second on a fixed schedule (open loop): the n-th order is due at
//!   `n / R` seconds, whichever connection is free takes it, and its latency is counted from
//!   when it was due, so a server that falls behind is charged for the wait of the orders
//!   queued behind a slow one (no coordinated omission).
//!
//! It prints the rate achieved, the errors (any status but 201, and the first few
//! responses), the latency percentiles, and the server's resident memory, sampled from
//! `/proc/PID/status` when given the server's pid.

mod client;

use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use app::system::{SystemClock, UuidIds};
use app::{App, Caller, Settings};
use clap::Parser;
use domain::account::Password;
use domain::party::Email;
use setup::measure::{mix, now_nanos, run_tag, seed};

use crate::client::Client;

/// Measure order placement over HTTP against a running oms-api.
#[derive(Debug, Parser)]
#[command(
    name = "oms-load",
    after_help = "Examples:\n  oms-load --database-url sqlite://target/load.db --server-pid 1234\n  oms-load --database-url postgres://postgres@127.0.0.1:5432/oms_load --rate 500 --connections 32 --seconds 30"
)]
struct Args {
    /// The server: http://host:port (plain HTTP only).
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    url: String,
    /// The database the server uses, prepared directly before the load: sqlite://path or
    /// postgres://...
    #[arg(long)]
    database_url: String,
    /// Concurrent keep-alive connections.
    #[arg(long, default_value_t = 16)]
    connections: u32,
    /// Orders a second on a fixed schedule; 0 for as fast as the server answers.
    #[arg(long, default_value_t = 0.0)]
    rate: f64,
    /// Seconds measured, after the warm-up.
    #[arg(long, default_value_t = 20)]
    seconds: u64,
    /// Seconds of load before the measure starts (not counted).
    #[arg(long, default_value_t = 3)]
    warmup: u64,
    /// The server's process id, to sample its memory from /proc/PID/status.
    #[arg(long)]
    server_pid: Option<u32>,
    /// Lines per order, of distinct articles.
    #[arg(long, default_value_t = 3)]
    lines: u32,
    /// Articles in the catalogue the orders draw from.
    #[arg(long, default_value_t = 200)]
    articles: u32,
    /// Customers the orders are placed for.
    #[arg(long, default_value_t = 50)]
    customers: u32,
}

/// How many error responses are shown.
const ERROR_SAMPLES: usize = 5;

/// What the orders are made of: ids as the API takes them.
#[derive(Debug)]
struct Fixture {
    /// Customers with their address.
    customers: Vec<(String, String)>,
    articles: Vec<String>,
}

/// The administrator the orders are placed as.
#[derive(Debug)]
struct Admin {
    login: String,
    password: String,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args).await {
        Ok(report) => {
            print_report(&report);
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

#[allow(clippy::print_stdout)]
fn print_report(report: &str) {
    println!("{report}");
}

async fn run(args: &Args) -> Result<String, String> {
    if args.connections == 0
        || args.lines == 0
        || args.articles < args.lines
        || args.customers == 0
        || args.seconds == 0
    {
        return Err(
            "connections, lines, customers and seconds must be at least 1, and articles at least lines"
                .to_owned(),
        );
    }
    if !(args.rate.is_finite() && args.rate >= 0.0) {
        return Err("--rate is a number of orders a second, 0 for as fast as possible".to_owned());
    }
    let authority = authority(&args.url)?;
    let run_tag = run_tag();

    let (kind, fixture, admin) = prepare(args, run_tag).await?;
    eprintln!(
        "prepared the {kind} database: {} articles, {} customers, administrator {}",
        fixture.articles.len(),
        fixture.customers.len(),
        admin.login
    );
    let token = log_in(&authority, &admin).await?;

    let memory_before = args.server_pid.and_then(read_memory);
    let stop = Arc::new(AtomicBool::new(false));
    let sampler = args
        .server_pid
        .map(|pid| tokio::spawn(sample_memory(pid, stop.clone())));

    let start = Instant::now() + Duration::from_millis(50);
    let measure_from = start + Duration::from_secs(args.warmup);
    let plan = Plan {
        start,
        measure_from,
        end: measure_from + Duration::from_secs(args.seconds),
        rate: (args.rate > 0.0).then_some(args.rate),
    };
    let shared = Arc::new(Shared {
        authority,
        authorization: format!("Bearer {token}"),
        run_tag,
        lines: args.lines,
        fixture,
        plan,
        next: AtomicU64::new(0),
    });
    let tasks: Vec<_> = (0..args.connections)
        .map(|_| tokio::spawn(connection(shared.clone())))
        .collect();
    let mut tally = Tally::default();
    for task in tasks {
        let t = task.await.map_err(|e| e.to_string())?;
        tally.merge(t);
    }
    stop.store(true, Ordering::Relaxed);
    let peak_rss = match sampler {
        Some(task) => task.await.map_err(|e| e.to_string())?,
        None => None,
    };
    let memory_after = args.server_pid.and_then(read_memory);

    Ok(report(
        args,
        kind,
        &shared.plan,
        tally,
        memory_before,
        peak_rss,
        memory_after,
    ))
}

/// `host:port` from `http://host:port[/...]`.
fn authority(url: &str) -> Result<String, String> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| format!("--url {url}: expected http://host:port (plain HTTP only)"))?;
    let authority = rest.split('/').next().unwrap_or_default();
    if authority.is_empty() {
        return Err(format!("--url {url}: no host"));
    }
    Ok(if authority.contains(':') {
        authority.to_owned()
    } else {
        format!("{authority}:80")
    })
}

/// When the orders are sent.
#[derive(Debug)]
struct Plan {
    /// The first order's time.
    start: Instant,
    /// Orders due (or sent) from then on are measured; before, it is the warm-up.
    measure_from: Instant,
    /// No order is due (or sent) after this.
    end: Instant,
    /// Orders a second on a fixed schedule; `None` for as fast as the server answers.
    rate: Option<f64>,
}

/// What the connections share.
#[derive(Debug)]
struct Shared {
    authority: String,
    authorization: String,
    run_tag: u64,
    lines: u32,
    fixture: Fixture,
    plan: Plan,
    /// The next order's number: its slot in the schedule, its idempotency key and what it
    /// is made of.
    next: AtomicU64,
}

/// What one connection saw.
#[derive(Debug, Default)]
struct Tally {
    /// Latencies of the orders placed (201) in the measured window.
    latencies: Vec<Duration>,
    /// Orders not placed: any status but 201, or no response. Warm-up included.
    errors: u64,
    /// The first few errors, described.
    samples: Vec<String>,
    /// When the last measured order was answered.
    last_done: Option<Instant>,
}

impl Tally {
    fn error(&mut self, what: String) {
        self.errors += 1;
        if self.samples.len() < ERROR_SAMPLES {
            self.samples.push(what);
        }
    }

    fn merge(&mut self, mut other: Tally) {
        self.latencies.append(&mut other.latencies);
        self.errors += other.errors;
        for sample in other.samples {
            if self.samples.len() < ERROR_SAMPLES {
                self.samples.push(sample);
            }
        }
        self.last_done = self.last_done.max(other.last_done);
    }
}

/// One keep-alive connection placing orders until the end of the plan, reconnecting when
/// the server closes it or it fails.
async fn connection(shared: Arc<Shared>) -> Tally {
    let plan = &shared.plan;
    let mut tally = Tally::default();
    let mut client: Option<Client> = None;
    tokio::time::sleep_until(plan.start.into()).await;
    loop {
        let n = shared.next.fetch_add(1, Ordering::Relaxed);
        let due = match plan.rate {
            Some(rate) => {
                let due = plan.start + Duration::from_secs_f64(n as f64 / rate);
                if due >= plan.end {
                    break;
                }
                tokio::time::sleep_until(due.into()).await;
                due
            }
            None => {
                let now = Instant::now();
                if now >= plan.end {
                    break;
                }
                now
            }
        };
        let measured = due >= plan.measure_from;
        let mut open = match client.take() {
            Some(c) => c,
            None => match Client::connect(&shared.authority).await {
                Ok(c) => c,
                Err(e) => {
                    tally.error(format!("cannot connect to {}: {e}", shared.authority));
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
        };
        let key = format!("load-{}-{n}", shared.run_tag);
        let body = order_body(&shared.fixture, shared.lines, n);
        let sent = open
            .send(
                "POST",
                "/api/v1/orders",
                &[
                    ("authorization", shared.authorization.as_str()),
                    ("content-type", "application/json"),
                    ("idempotency-key", key.as_str()),
                ],
                body.as_bytes(),
            )
            .await;
        let done = Instant::now();
        match sent {
            Ok(response) => {
                if !response.closing {
                    client = Some(open);
                }
                if response.status == 201 {
                    if measured {
                        tally.latencies.push(done - due);
                    }
                } else {
                    let text = String::from_utf8_lossy(&response.body);
                    tally.error(format!(
                        "status {}: {}",
                        response.status,
                        text.chars().take(300).collect::<String>()
                    ));
                }
            }
            Err(e) => tally.error(format!("no response: {e}")),
        }
        if measured {
            tally.last_done = tally.last_done.max(Some(done));
        }
    }
    tally
}

/// The body of the `n`-th order: a customer and `lines` distinct articles picked from `n`,
/// 1 to 3 of each.
fn order_body(fixture: &Fixture, lines: u32, n: u64) -> String {
    let (customer, address) =
        &fixture.customers[(mix(n) % fixture.customers.len() as u64) as usize];
    let mut picked: Vec<usize> = Vec::with_capacity(lines as usize);
    let mut salt = n.wrapping_mul(31);
    while picked.len() < lines as usize {
        salt = mix(salt);
        let article = (salt % fixture.articles.len() as u64) as usize;
        if !picked.contains(&article) {
            picked.push(article);
        }
    }
    let lines: Vec<serde_json::Value> = picked
        .into_iter()
        .map(|a| {
            serde_json::json!({
                "article": fixture.articles[a],
                "quantity": 1 + mix(salt ^ a as u64) % 3,
            })
        })
        .collect();
    serde_json::json!({
        "customer": customer,
        "delivery_address": address,
        "lines": lines,
    })
    .to_string()
}

/// Logs in through the API as the administrator, waiting up to 10 s for the server to
/// accept connections, and gives the session token.
async fn log_in(authority: &str, admin: &Admin) -> Result<String, String> {
    let mut tries = 0;
    let mut client = loop {
        match Client::connect(authority).await {
            Ok(c) => break c,
            Err(e) if tries >= 50 => return Err(format!("cannot connect to {authority}: {e}")),
            Err(_) => {
                tries += 1;
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    };
    let body = serde_json::json!({"login": admin.login, "password": admin.password}).to_string();
    let response = client
        .send(
            "POST",
            "/api/v1/auth/login",
            &[("content-type", "application/json")],
            body.as_bytes(),
        )
        .await
        .map_err(|e| format!("logging in: {e}"))?;
    if response.status != 200 {
        return Err(format!(
            "logging in was answered {}: {}",
            response.status,
            String::from_utf8_lossy(&response.body)
        ));
    }
    let session: serde_json::Value = serde_json::from_slice(&response.body)
        .map_err(|e| format!("logging in: the answer is not JSON: {e}"))?;
    session
        .get("token")
        .and_then(serde_json::Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| "logging in: the answer has no token".to_owned())
}

/// Resident memory of a process, in KiB: now (`VmRSS`) and its peak so far (`VmHWM`).
#[derive(Debug, Clone, Copy)]
struct Memory {
    rss: u64,
    hwm: u64,
}

fn read_memory(pid: u32) -> Option<Memory> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| -> Option<u64> {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))?
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()
    };
    Some(Memory {
        rss: field("VmRSS:")?,
        hwm: field("VmHWM:")?,
    })
}

/// Samples the server's resident memory every 50 ms until told to stop; gives the largest
/// seen, in KiB.
async fn sample_memory(pid: u32, stop: Arc<AtomicBool>) -> Option<u64> {
    let mut peak: Option<u64> = None;
    loop {
        if let Some(memory) = read_memory(pid) {
            peak = peak.max(Some(memory.rss));
        }
        if stop.load(Ordering::Relaxed) {
            return peak;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn report(
    args: &Args,
    kind: &str,
    plan: &Plan,
    mut tally: Tally,
    before: Option<Memory>,
    peak_rss: Option<u64>,
    after: Option<Memory>,
) -> String {
    tally.latencies.sort_unstable();
    let latencies = &tally.latencies;
    let pct = |p: f64| -> f64 {
        if latencies.is_empty() {
            return 0.0;
        }
        // Nearest-rank percentile.
        let rank = ((p / 100.0) * latencies.len() as f64).ceil() as usize;
        ms(latencies[rank.clamp(1, latencies.len()) - 1])
    };
    // The measured orders were sent within the window; the last may be answered after it.
    let elapsed = tally
        .last_done
        .map_or(plan.end, |last| last.max(plan.end))
        .duration_since(plan.measure_from);
    let rate = latencies.len() as f64 / elapsed.as_secs_f64();
    let mode = match plan.rate {
        None => "full speed".to_owned(),
        Some(r) => format!("fixed rate {r:.0}/s"),
    };
    let mut out = format!(
        "oms-load database={kind} connections={} mode={mode} lines={} warmup={}s seconds={}\n\
         orders={} errors={} elapsed={:.2}s rate={rate:.0} orders/s p50={:.2}ms p90={:.2}ms p99={:.2}ms max={:.2}ms",
        args.connections,
        args.lines,
        args.warmup,
        args.seconds,
        latencies.len(),
        tally.errors,
        elapsed.as_secs_f64(),
        pct(50.0),
        pct(90.0),
        pct(99.0),
        latencies.last().copied().map_or(0.0, ms),
    );
    if let Some(pid) = args.server_pid {
        let mb = |kib: Option<u64>| {
            kib.map_or_else(|| "?".to_owned(), |k| format!("{:.1}MB", k as f64 / 1024.0))
        };
        out.push_str(&format!(
            "\nserver pid={pid} rss_before={} rss_peak={} rss_after={} VmHWM={}",
            mb(before.map(|m| m.rss)),
            mb(peak_rss),
            mb(after.map(|m| m.rss)),
            mb(after.map(|m| m.hwm)),
        ));
    }
    for sample in &tally.samples {
        out.push_str(&format!("\nerror: {sample}"));
    }
    out
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Fills the database the server uses, through the use cases: two VAT rates, the online
/// site, articles with a huge stock, customers with an address, and an administrator.
/// Names carry `run_tag`, so the same database can be loaded again.
async fn prepare(args: &Args, run_tag: u64) -> Result<(&'static str, Fixture, Admin), String> {
    let db = setup::open_database(&args.database_url, 2)
        .await
        .map_err(|e| e.to_string())?;
    let kind = db.kind();
    let app = App::new(
        db,
        Arc::new(SystemClock),
        Arc::new(UuidIds),
        Settings::default(),
    );
    let seeded = seed(&app, &format!("L{run_tag}"), args.articles, args.customers).await?;
    let articles = seeded.articles.iter().map(ToString::to_string).collect();
    let customers = seeded
        .customers
        .iter()
        .map(|(tiers, address)| (tiers.to_string(), address.to_string()))
        .collect();
    let system = Caller::system();
    let e = |e: app::AppError| e.to_string();
    let v = |e: domain::ValueError| e.to_string();
    let admin = Admin {
        login: format!("load-{run_tag}@example.fr"),
        password: format!("load-{run_tag}-{:016x}", mix(run_tag ^ now_nanos())),
    };
    app.create_admin(
        &system,
        &Email::new(&admin.login).map_err(v)?,
        &Password::new(&admin.password).map_err(v)?,
    )
    .await
    .map_err(e)?;
    Ok((
        kind,
        Fixture {
            customers,
            articles,
        },
        admin,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_server_is_named_by_host_and_port() {
        assert_eq!(
            authority("http://127.0.0.1:8080").unwrap(),
            "127.0.0.1:8080"
        );
        assert_eq!(authority("http://localhost/api").unwrap(), "localhost:80");
        assert!(authority("https://example.fr").is_err());
        assert!(authority("http://").is_err());
    }

    #[test]
    fn an_order_has_distinct_articles() {
        let fixture = Fixture {
            customers: vec![("c".to_owned(), "a".to_owned())],
            articles: (0..5).map(|i| format!("art{i}")).collect(),
        };
        for n in 0..100 {
            let body: serde_json::Value =
                serde_json::from_str(&order_body(&fixture, 3, n)).unwrap();
            let lines = body["lines"].as_array().unwrap();
            assert_eq!(lines.len(), 3);
            let mut articles: Vec<&str> = lines
                .iter()
                .map(|l| l["article"].as_str().unwrap())
                .collect();
            articles.sort_unstable();
            articles.dedup();
            assert_eq!(articles.len(), 3);
        }
    }
}
