//! `oms-admin outbox`: the messages waiting to be sent, sent or given up on; retrying one;
//! and running the outbox worker (issuing invoices and credit notes, sending emails).

use std::time::Duration;

use app::delivery::DeliveryReport;
use clap::{Args, Subcommand};
use domain::ids::MessageId;
use ports::{MessageStatus, OutboxMessage};
use serde::Serialize;

use crate::context::Ctx;
use crate::errors::CliError;
use crate::output::{self, Table};

#[derive(Debug, Subcommand)]
pub(crate) enum OutboxCommand {
    #[command(visible_alias = "ls")]
    List(ListArgs),
    Retry(RetryArgs),
    Deliver(DeliverArgs),
}

/// List the messages waiting to be sent (pending), sent, or given up on (failed, with the
/// last error).
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  oms-admin outbox list\n  oms-admin outbox list --status failed\n  oms-admin outbox list --status sent --limit 10 --json"
)]
pub(crate) struct ListArgs {
    /// Which messages: pending, sent or failed.
    #[arg(long, value_parser = status, default_value = "pending", conflicts_with = "failed")]
    status: MessageStatus,
    /// The failed messages (the same as --status failed).
    #[arg(long)]
    failed: bool,
    /// The most messages to list (1 to 500).
    #[arg(long, default_value_t = 50)]
    limit: u32,
}

/// Send a failed message again: it goes back in the queue, due now.
#[derive(Debug, Args)]
#[command(after_help = "Example:\n  oms-admin outbox retry 0190f5e2-7b1c-7c3e-9a55-2f1d3c4b5a69")]
pub(crate) struct RetryArgs {
    /// The message's id (from `outbox list --status failed`).
    id: String,
}

/// Run the outbox worker: issue the invoices and credit notes due, send the emails due.
#[derive(Debug, Args)]
#[command(
    long_about = "Run the outbox worker on the configured database: issue the invoices and \
                  credit notes that are due, and send the emails that are due, through the \
                  SMTP server of OMS_SMTP_HOST or, without one, as .eml files in OMS_MAIL_DIR \
                  (data/mail by default). Passes run until nothing is due, then the totals are \
                  printed. With --watch it keeps running, a pass every --interval-ms, until \
                  Ctrl-C (or SIGTERM), and prints each pass that did something. A message that \
                  fails is retried later with a growing wait (OMS_OUTBOX_FIRST_RETRY_MS, \
                  OMS_OUTBOX_MAX_ATTEMPTS), then shown failed.",
    after_help = "Examples:\n  oms-admin outbox deliver\n  OMS_MAIL_DIR=/tmp/mail oms-admin outbox deliver --json\n  oms-admin outbox deliver --watch --interval-ms 5000"
)]
pub(crate) struct DeliverArgs {
    /// Keep running until Ctrl-C, a pass every --interval-ms.
    #[arg(long)]
    watch: bool,
    /// The wait between passes with --watch, in milliseconds (10 to 3600000).
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(10..=3_600_000))]
    interval_ms: u64,
}

fn status(s: &str) -> Result<MessageStatus, String> {
    MessageStatus::parse(&s.trim().to_ascii_lowercase())
        .ok_or_else(|| "expected one of pending, sent, failed".to_owned())
}

pub(crate) async fn run(command: OutboxCommand, ctx: &mut Ctx<'_>) -> Result<(), CliError> {
    match command {
        OutboxCommand::List(args) => {
            let status = if args.failed {
                MessageStatus::Failed
            } else {
                args.status
            };
            let messages = ctx
                .app
                .outbox_messages(&ctx.caller, status, args.limit)
                .await?;
            if ctx.json {
                return output::json(ctx.out, &messages);
            }
            if messages.is_empty() {
                writeln!(ctx.out, "No {} message.", status.as_str())?;
                return Ok(());
            }
            table(&messages).write(ctx.out, 0)?;
            Ok(())
        }
        OutboxCommand::Retry(args) => {
            let id = MessageId::parse(&args.id).map_err(|e| {
                CliError::input(
                    "validation",
                    format!("{e}; take the id from `oms-admin outbox list --failed`"),
                )
            })?;
            let message = ctx.app.retry_outbox_message(&ctx.caller, id).await?;
            if ctx.json {
                return output::json(ctx.out, &message);
            }
            writeln!(ctx.out, "Message {id} ({}) is queued again.", message.topic)?;
            Ok(())
        }
        OutboxCommand::Deliver(args) => deliver(&args, ctx).await,
    }
}

/// What the worker did, in all.
#[derive(Debug, Default, Serialize)]
struct Totals {
    passes: u32,
    handled: u32,
    sent: u32,
    retried: u32,
    failed: u32,
}

impl Totals {
    fn add(&mut self, report: &DeliveryReport) {
        self.passes += 1;
        self.handled += report.handled;
        self.sent += report.sent;
        self.retried += report.retried;
        self.failed += report.failed;
    }
}

fn describe(t: &Totals) -> String {
    format!(
        "{} issued, {} sent, {} to retry later, {} failed",
        t.handled, t.sent, t.retried, t.failed
    )
}

async fn deliver(args: &DeliverArgs, ctx: &mut Ctx<'_>) -> Result<(), CliError> {
    let config = setup::Config::from_env().map_err(CliError::from_config)?;
    let mailer = setup::mailer(&config).map_err(CliError::from_config)?;
    let policy = config.outbox_policy.clone();
    let mut totals = Totals::default();
    if !args.watch {
        // Until a pass finds nothing due: a pass may leave more (a full batch, or the
        // emails of the documents it issued); a message to retry later is not due now.
        for _ in 0..10_000 {
            let report = ctx.app.deliver_outbox(&*mailer, &policy).await?;
            if report.total() == 0 {
                break;
            }
            totals.add(&report);
        }
        if ctx.json {
            return output::json(ctx.out, &totals);
        }
        writeln!(ctx.out, "Outbox: {}.", describe(&totals))?;
        return Ok(());
    }
    let interval = Duration::from_millis(args.interval_ms);
    let stop = shutdown_signal();
    tokio::pin!(stop);
    writeln!(
        ctx.err,
        "Delivering the outbox every {} ms; Ctrl-C stops.",
        args.interval_ms
    )?;
    loop {
        let report = match ctx.app.deliver_outbox(&*mailer, &policy).await {
            Ok(report) => report,
            // The database may come back: say so and try again at the next tick.
            Err(err) => {
                let err = CliError::from(err);
                writeln!(ctx.err, "error: {}: {}", err.code, err.message)?;
                DeliveryReport::default()
            }
        };
        totals.add(&report);
        if report.total() > 0 {
            let pass = Totals {
                passes: 1,
                handled: report.handled,
                sent: report.sent,
                retried: report.retried,
                failed: report.failed,
            };
            if ctx.json {
                serde_json::to_writer(&mut *ctx.out, &pass).map_err(std::io::Error::from)?;
                writeln!(ctx.out)?;
            } else {
                writeln!(
                    ctx.out,
                    "{}: {}.",
                    output::datetime(time::OffsetDateTime::now_utc()),
                    describe(&pass)
                )?;
            }
            ctx.out.flush()?;
        }
        let pause = if report.total() >= policy.batch {
            Duration::ZERO
        } else {
            interval
        };
        tokio::select! {
            () = &mut stop => break,
            () = tokio::time::sleep(pause) => {}
        }
    }
    writeln!(ctx.err, "Stopped: {} in all.", describe(&totals))?;
    Ok(())
}

/// Completes on Ctrl-C, or SIGTERM on Unix.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    {
        let term = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut signal) => {
                    signal.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            () = ctrl_c => {}
            () = term => {}
        }
    }
    #[cfg(not(unix))]
    ctrl_c.await;
}

fn table(messages: &[OutboxMessage]) -> Table {
    let mut table = Table::new(&[
        "ID",
        "TOPIC",
        "TO",
        "STATUS",
        ">ATTEMPTS",
        "CREATED",
        "NEXT",
        "LAST ERROR",
    ]);
    for m in messages {
        table.row(vec![
            m.id.to_string(),
            m.topic.clone(),
            output::opt(m.recipient.as_ref()),
            m.status.as_str().to_owned(),
            m.attempts.to_string(),
            output::datetime(m.created_at),
            output::datetime(m.next_attempt_at),
            output::opt(m.last_error.as_ref()),
        ]);
    }
    table
}
