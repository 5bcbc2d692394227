//! `oms-bench`: places orders with N concurrent workers through the use cases (stock
//! taken, number given, lines, history, movements and outbox written, in one transaction
//! each) and prints the rate and the latencies. A measuring tool, not a test: see
//! docs/performance.md for how it is run and what it gave.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use app::catalogue::ArticleKey;
use app::orders::{LineRequest, OrderRequest, ShortagePolicy};
use app::system::{SystemClock, UuidIds};
use app::{Access, App, Caller, Settings};
use clap::Parser;
use domain::ids::ArticleId;
use domain::money::{Amount, Quantity};
use domain::order::{Actor, OrderSource};
use setup::measure::{mix, Seeded};

/// Measure order placement against a database.
#[derive(Debug, Parser)]
#[command(
    name = "oms-bench",
    after_help = "Examples:\n  oms-bench --database-url sqlite://target/bench.db --workers 8 --orders 5000\n  oms-bench --database-url postgres://postgres@127.0.0.1:5432/bench --workers 16 --orders 20000"
)]
struct Args {
    /// The database: sqlite://path (a fresh file is best) or postgres://...
    #[arg(long)]
    database_url: String,
    /// Concurrent workers, each placing orders one after the other.
    #[arg(long, default_value_t = 8)]
    workers: u32,
    /// Orders to place in all (after a warm-up of one order per worker).
    #[arg(long, default_value_t = 2000)]
    orders: u64,
    /// Lines per order.
    #[arg(long, default_value_t = 3)]
    lines: u32,
    /// Articles in the catalogue the orders draw from.
    #[arg(long, default_value_t = 200)]
    articles: u32,
    /// Customers placing the orders.
    #[arg(long, default_value_t = 50)]
    customers: u32,
    /// Database connections (PostgreSQL pool size).
    #[arg(long, default_value_t = 16)]
    connections: u32,
    /// Where the orders come from: `online` (invoiced once paid) or `api` (invoiced at
    /// once: each order queues an invoice).
    #[arg(long, default_value = "online", value_parser = ["online", "api"])]
    source: String,
    /// Then measure the outbox worker: deliver every queued message (issuing the invoices,
    /// rendering their PDFs, writing the emails as .eml files in this folder).
    #[arg(long)]
    deliver: Option<std::path::PathBuf>,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    // `OMS_LOG=sqlx::query=debug` lists the statements each order runs.
    if let Ok(filter) = tracing_subscriber::EnvFilter::try_from_env("OMS_LOG") {
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .init();
    }
    let args = Args::parse();
    match run(&args).await {
        Ok(report) => {
            println_report(&report);
            std::process::ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[allow(clippy::print_stdout)]
fn println_report(report: &str) {
    println!("{report}");
}

async fn run(args: &Args) -> Result<String, String> {
    if args.workers == 0 || args.lines == 0 || args.articles < args.lines || args.customers == 0 {
        return Err(
            "workers, lines and customers must be at least 1, and articles at least lines"
                .to_owned(),
        );
    }
    let db = setup::open_database(&args.database_url, args.connections)
        .await
        .map_err(|e| e.to_string())?;
    let kind = db.kind();
    let app = App::new(
        db,
        Arc::new(SystemClock),
        Arc::new(UuidIds),
        Settings::default(),
    );
    let fixture = setup::measure::seed(
        &app,
        &format!("B{}", setup::measure::run_tag()),
        args.articles,
        args.customers,
    )
    .await?;
    let fixture = Arc::new(fixture);
    let source = OrderSource::parse(&args.source).unwrap_or(OrderSource::Online);

    // Warm-up: one order per worker, not counted (connections opened, statements prepared).
    for w in 0..u64::from(args.workers) {
        place(&app, &fixture, args.lines, w, source).await?;
    }

    let next = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..args.workers {
        let (app, fixture, next) = (app.clone(), fixture.clone(), next.clone());
        let total = args.orders;
        let lines = args.lines;
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = 0u64;
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= total {
                    break;
                }
                let t = Instant::now();
                match place(&app, &fixture, lines, n + 1_000_000, source).await {
                    Ok(()) => latencies.push(t.elapsed()),
                    Err(_) => errors += 1,
                }
            }
            (latencies, errors)
        }));
    }
    let mut latencies = Vec::new();
    let mut errors = 0;
    for task in tasks {
        let (mut l, e) = task.await.map_err(|e| e.to_string())?;
        latencies.append(&mut l);
        errors += e;
    }
    let elapsed = started.elapsed();
    latencies.sort_unstable();
    let pct = |p: f64| -> Duration {
        if latencies.is_empty() {
            return Duration::ZERO;
        }
        // Nearest-rank percentile.
        let rank = ((p / 100.0) * latencies.len() as f64).ceil() as usize;
        latencies[rank.clamp(1, latencies.len()) - 1]
    };
    let rate = latencies.len() as f64 / elapsed.as_secs_f64();
    let delivered = match &args.deliver {
        Some(folder) => deliver(&app, folder).await?,
        None => String::new(),
    };
    Ok(format!(
        "database={kind} workers={} lines={} orders={} errors={errors} elapsed={:.2}s rate={rate:.0} orders/s p50={:.2}ms p90={:.2}ms p99={:.2}ms max={:.2}ms",
        args.workers,
        args.lines,
        latencies.len(),
        elapsed.as_secs_f64(),
        ms(pct(50.0)),
        ms(pct(90.0)),
        ms(pct(99.0)),
        ms(latencies.last().copied().unwrap_or_default()),
    ) + &delivered)
}

/// Runs outbox passes until nothing is due; reports what they did, per second.
async fn deliver(app: &App, folder: &std::path::Path) -> Result<String, String> {
    let mailer = mail::FolderMailer::new(folder);
    let policy = app::delivery::DeliveryPolicy {
        batch: 100,
        ..app::delivery::DeliveryPolicy::default()
    };
    let started = Instant::now();
    let mut total = app::delivery::DeliveryReport::default();
    loop {
        let report = app
            .deliver_outbox(&mailer, &policy)
            .await
            .map_err(|e| e.to_string())?;
        if report.total() == 0 {
            break;
        }
        total.handled += report.handled;
        total.sent += report.sent;
        total.retried += report.retried;
        total.failed += report.failed;
    }
    let secs = started.elapsed().as_secs_f64();
    Ok(format!(
        "\noutbox: invoices_issued={} emails_sent={} failed={} elapsed={secs:.2}s issued={:.0}/s sent={:.0}/s",
        total.handled,
        total.sent,
        total.failed + total.retried,
        f64::from(total.handled) / secs,
        f64::from(total.sent) / secs,
    ))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Places the `n`-th order: a customer and `lines` distinct articles picked from `n`.
async fn place(
    app: &App,
    fixture: &Seeded,
    lines: u32,
    n: u64,
    source: OrderSource,
) -> Result<(), String> {
    let (customer, address) = fixture.customers[(mix(n) % fixture.customers.len() as u64) as usize];
    let mut picked: Vec<ArticleId> = Vec::new();
    let mut salt = n.wrapping_mul(31);
    while picked.len() < lines as usize {
        salt = mix(salt);
        let article = fixture.articles[(salt % fixture.articles.len() as u64) as usize];
        if !picked.contains(&article) {
            picked.push(article);
        }
    }
    let request = OrderRequest {
        customer,
        payer: None,
        recipient: None,
        delivery_address: address,
        billing_address: None,
        lines: picked
            .into_iter()
            .map(|article| {
                Ok(LineRequest {
                    article: ArticleKey::Id(article),
                    quantity: Quantity::new(1 + (mix(salt ^ article.as_u128() as u64) % 3) as u32)
                        .map_err(|e| e.to_string())?,
                    discount: Amount::ZERO,
                })
            })
            .collect::<Result<_, String>>()?,
        global_discount: Amount::ZERO,
        source,
        site: None,
        on_shortage: ShortagePolicy::Refuse,
    };
    let caller = match source {
        OrderSource::Online => Caller {
            access: Access::Customer(customer),
            actor: Actor::new(&format!("customer:{customer}")).map_err(|e| e.to_string())?,
        },
        _ => Caller::staff(Actor::new("bench").map_err(|e| e.to_string())?),
    };
    app.place_order(&caller, &request, None)
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}
