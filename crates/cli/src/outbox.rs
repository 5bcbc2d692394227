//! `oms-admin outbox`: the messages waiting to be sent or given up on, and retrying one.

use clap::{Args, Subcommand};
use domain::ids::MessageId;
use ports::{MessageStatus, OutboxMessage};

use crate::context::Ctx;
use crate::errors::CliError;
use crate::output::{self, Table};

#[derive(Debug, Subcommand)]
pub(crate) enum OutboxCommand {
    #[command(visible_alias = "ls")]
    List(ListArgs),
    Retry(RetryArgs),
}

/// List the messages waiting to be sent (pending) or given up on (failed).
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  oms-admin outbox list\n  oms-admin outbox list --failed --json"
)]
pub(crate) struct ListArgs {
    /// The failed messages instead of the pending ones.
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
    /// The message's id (from `outbox list --failed`).
    id: String,
}

pub(crate) async fn run(command: OutboxCommand, ctx: &mut Ctx<'_>) -> Result<(), CliError> {
    match command {
        OutboxCommand::List(args) => {
            let status = if args.failed {
                MessageStatus::Failed
            } else {
                MessageStatus::Pending
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
    }
}

fn table(messages: &[OutboxMessage]) -> Table {
    let mut table = Table::new(&[
        "ID",
        "TOPIC",
        "TO",
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
            m.attempts.to_string(),
            output::datetime(m.created_at),
            output::datetime(m.next_attempt_at),
            output::opt(m.last_error.as_ref()),
        ]);
    }
    table
}
