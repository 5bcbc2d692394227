//! WAL checkpoints off the write path.
//!
//! In WAL mode, SQLite copies the log back into the database file (a checkpoint) once the
//! log passes `wal_autocheckpoint` pages, and it does so in the connection whose commit
//! crossed that size: the single writer. Every write transaction then waits for the copy
//! and the database file's fsync. Here the writer's automatic checkpoint is raised to a
//! safety net ([`SAFETY_NET_PAGES`]), and a connection of its own checkpoints in the
//! background every [`INTERVAL`] (PASSIVE: it copies what no reader still needs, and never
//! blocks the writer nor the readers). The log is restarted by the writer's next
//! transaction once a checkpoint has copied all of it.

use std::time::Duration;

use sqlx::SqlitePool;
use tokio::task::JoinHandle;

/// How often the background connection checkpoints.
pub(crate) const INTERVAL: Duration = Duration::from_millis(100);

/// The writer's own automatic checkpoint, should the background one fall behind: 10,000
/// pages (about 40 MB of log).
pub(crate) const SAFETY_NET_PAGES: &str = "10000";

/// The background checkpoints of one database file; they stop when this is dropped.
#[derive(Debug)]
pub(crate) struct Checkpointer {
    task: JoinHandle<()>,
}

impl Checkpointer {
    /// Starts checkpointing through `pool` (one connection that may write).
    pub(crate) fn start(pool: SqlitePool) -> Self {
        let task = tokio::spawn(async move {
            let mut ticks = tokio::time::interval(INTERVAL);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                // A checkpoint that cannot run now (SQLITE_BUSY: another one is under way)
                // or fails is simply tried again at the next tick; the writer's safety net
                // bounds the log meanwhile.
                if let Err(err) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                    .execute(&pool)
                    .await
                {
                    tracing::debug!("background WAL checkpoint: {err}");
                }
            }
        });
        Checkpointer { task }
    }

    /// Stops checkpointing.
    pub(crate) fn stop(&self) {
        self.task.abort();
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.task.abort();
    }
}
