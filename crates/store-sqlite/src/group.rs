//! Group commit of the write transactions.
//!
//! SQLite has one writer, and with `synchronous=FULL` each commit waits for the disk
//! (an fsync of the WAL): committed one by one, write transactions are bounded by the disk's
//! flush rate whatever the CPU can do. Here, the single write connection runs one outer
//! transaction for a *group* of write transactions, each a savepoint inside it: when a
//! transaction commits, its savepoint is released and it waits; the group is committed
//! (one fsync for all) as soon as no other transaction is waiting for the connection, or
//! once it holds [`MAX_GROUP`] transactions. Under no load a group is one transaction, so
//! nothing waits longer than it would have; under load, one flush serves many commits.
//!
//! A transaction's opening statements (the outer `BEGIN IMMEDIATE` when it starts the
//! group, its savepoint) wait for its first query and go with it when that query can carry
//! them (the placement's reads), which saves a round trip to the connection's thread per
//! transaction; a transaction that sends nothing opens nothing.
//!
//! What each transaction sees is unchanged: a transaction's `commit` returns only once the
//! group holding it is on the disk; a rolled back (or dropped) transaction rolls back to
//! its savepoint and leaves the group's others alone; readers (other connections) see a
//! group only once it is committed. If the outer transaction is lost (a commit that fails,
//! or SQLite rolling it back after an I/O fault), every transaction of the group is told
//! [`StoreError::Retryable`]: none of their writes was stored, and each may run again.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use ports::StoreError;
use sqlx::pool::PoolConnection;
use sqlx::{Sqlite, SqliteConnection, SqlitePool};
use tokio::sync::{oneshot, OwnedMutexGuard};

use crate::error::translate;

/// The most transactions one commit serves: bounds how long the first of them waits.
const MAX_GROUP: usize = 16;

/// What opens a transaction that starts a group, and one that joins it.
const OPEN_GROUP: &str = "BEGIN IMMEDIATE; SAVEPOINT unit";
const JOIN_GROUP: &str = "SAVEPOINT unit";

/// What the members of a group are told when it ends: stored, or lost (why).
type Outcome = Result<(), String>;

#[derive(Debug, Default)]
struct Group {
    /// Whether the outer transaction is open.
    open: bool,
    /// The transactions committed inside it, waiting for it to be committed.
    members: Vec<oneshot::Sender<Outcome>>,
    /// A transaction was dropped where it could not be rolled back: the outer transaction
    /// is to be rolled back before the next one starts.
    abandoned: bool,
}

/// The single write connection and the group under way on it.
#[derive(Debug)]
pub(crate) struct Writer {
    connection: Arc<tokio::sync::Mutex<Option<PoolConnection<Sqlite>>>>,
    group: Mutex<Group>,
    /// Transactions waiting for the connection: while there are some, a commit leaves the
    /// group open for them to join.
    waiting: AtomicUsize,
    acquire_timeout: Duration,
}

/// A write transaction: a savepoint in the group's outer transaction, holding the write
/// connection until it commits or rolls back.
pub(crate) struct WriteUnit {
    writer: Arc<Writer>,
    connection: Option<OwnedMutexGuard<Option<PoolConnection<Sqlite>>>>,
    /// The statements that open it, until they are sent.
    opening: Option<&'static str>,
}

impl std::fmt::Debug for WriteUnit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WriteUnit")
            .field("open", &self.connection.is_some())
            .finish()
    }
}

fn lost(why: &str) -> StoreError {
    StoreError::Retryable(format!("the group of write transactions was lost: {why}").into())
}

impl Writer {
    /// Takes the write connection out of `pool` for good.
    pub(crate) async fn new(
        pool: &SqlitePool,
        acquire_timeout: Duration,
    ) -> Result<Arc<Writer>, StoreError> {
        let connection = pool.acquire().await.map_err(translate)?;
        Ok(Arc::new(Writer {
            connection: Arc::new(tokio::sync::Mutex::new(Some(connection))),
            group: Mutex::new(Group::default()),
            waiting: AtomicUsize::new(0),
            acquire_timeout,
        }))
    }

    fn group(&self) -> std::sync::MutexGuard<'_, Group> {
        self.group.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Starts a write transaction: waits for the connection, and notes what opens it (the
    /// group's outer transaction if none is open, and a savepoint for this one). Those
    /// statements are not sent yet: they go with the transaction's first query
    /// ([`WriteUnit::conn`], [`WriteUnit::take_opening`]), which saves a round trip to the
    /// connection's thread, held under the write lock, per transaction.
    pub(crate) async fn begin(self: &Arc<Self>) -> Result<WriteUnit, StoreError> {
        let mut waiter = Waiter::new(self);
        let acquired =
            tokio::time::timeout(self.acquire_timeout, self.connection.clone().lock_owned()).await;
        waiter.done(acquired.is_ok());
        let Ok(mut guard) = acquired else {
            return Err(StoreError::Retryable(
                "the database is busy: the write connection was not free in time".into(),
            ));
        };
        let Some(connection) = guard.as_mut() else {
            return Err(StoreError::Unavailable("the database is closed".into()));
        };
        let abandoned = std::mem::take(&mut self.group().abandoned);
        if abandoned {
            // Marked closed first: if this future is dropped before the ROLLBACK runs, the
            // next transactions' BEGIN fails until their rollback ends the outer
            // transaction, rather than their savepoints joining a group nobody owns.
            self.group().open = false;
            let _ = sqlx::query("ROLLBACK").execute(&mut **connection).await;
        }
        let opening = {
            let mut group = self.group();
            if group.open {
                JOIN_GROUP
            } else {
                // Marked open now: if the BEGIN then fails, the transaction's rollback
                // finds no savepoint and ends the group, which marks it closed again.
                group.open = true;
                OPEN_GROUP
            }
        };
        Ok(WriteUnit {
            writer: self.clone(),
            connection: Some(guard),
            opening: Some(opening),
        })
    }

    /// Ends the group under way (committing what it holds) and gives the connection back,
    /// so that the pool can close.
    pub(crate) async fn close(&self) {
        let mut guard = self.connection.lock().await;
        if let Some(connection) = guard.as_mut() {
            self.end_group(connection, Ok(())).await;
        }
        *guard = None;
    }

    /// Commits the group if nobody waits to join it or it is full; else leaves it open.
    async fn commit_if_due(&self, connection: &mut SqliteConnection) {
        let due = {
            let group = self.group();
            group.open
                && (self.waiting.load(Ordering::SeqCst) == 0 || group.members.len() >= MAX_GROUP)
        };
        if due {
            self.end_group(connection, Ok(())).await;
        }
    }

    /// Ends the group's outer transaction: committed when `outcome` is `Ok` (and the
    /// commit succeeds), rolled back otherwise; tells every member how it ended.
    async fn end_group(&self, connection: &mut SqliteConnection, outcome: Outcome) {
        let outcome = match outcome {
            Ok(()) => match sqlx::query("COMMIT").execute(&mut *connection).await {
                Ok(_) => Ok(()),
                Err(err) => Err(format!("the commit failed: {err}")),
            },
            Err(why) => Err(why),
        };
        if outcome.is_err() {
            // The transaction may already be gone (SQLite rolls back after some faults);
            // either way, none of the group is stored.
            let _ = sqlx::query("ROLLBACK").execute(&mut *connection).await;
        }
        self.finish_group(outcome);
    }

    /// Ends a transaction whose opening statements were never sent: if it was to open the
    /// group, no group was begun; if it was to join one, the group goes on as if it had
    /// not come (committed now if nobody else waits).
    async fn end_unopened(&self, connection: &mut SqliteConnection, opening: &'static str) {
        if opening == OPEN_GROUP {
            self.group().open = false;
        } else {
            self.commit_if_due(connection).await;
        }
    }

    /// Marks the group ended (its outer transaction committed or rolled back) and tells
    /// every member how.
    fn finish_group(&self, outcome: Outcome) {
        let members = {
            let mut group = self.group();
            group.open = false;
            std::mem::take(&mut group.members)
        };
        for member in members {
            let _ = member.send(outcome.clone());
        }
    }
}

/// A transaction counted among those waiting for the connection, from `begin` until it has
/// the connection or gives up. Dropping it uncounts it, also when the waiting future is
/// dropped (a request cancelled, or timed out by the HTTP layer), so the count never
/// stays up; a group that was left open for a waiter that then gave up is committed (a
/// task waits for the connection and commits the group if nobody else waits), so that its
/// members are never left waiting for a transaction that will not come.
struct Waiter {
    writer: Arc<Writer>,
    /// Whether it got the connection (then it ends the group itself when due).
    served: bool,
    counted: bool,
}

impl Waiter {
    fn new(writer: &Arc<Writer>) -> Self {
        writer.waiting.fetch_add(1, Ordering::SeqCst);
        Waiter {
            writer: writer.clone(),
            served: false,
            counted: true,
        }
    }

    /// Stops counting it: it has the connection (`served`), or gave up.
    fn done(&mut self, served: bool) {
        self.served = served;
        self.uncount();
    }

    fn uncount(&mut self) {
        if std::mem::take(&mut self.counted) {
            self.writer.waiting.fetch_sub(1, Ordering::SeqCst);
            if !self.served {
                self.flush_abandoned_group();
            }
        }
    }

    fn flush_abandoned_group(&self) {
        let writer = self.writer.clone();
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                let mut guard = writer.connection.clone().lock_owned().await;
                if let Some(connection) = guard.as_mut() {
                    writer.commit_if_due(connection).await;
                }
            });
        }
    }
}

impl Drop for Waiter {
    fn drop(&mut self) {
        self.uncount();
    }
}

impl WriteUnit {
    /// The connection, inside this transaction's savepoint (opened first if it is not yet).
    pub(crate) async fn conn(&mut self) -> Result<&mut SqliteConnection, StoreError> {
        if let Some(opening) = self.opening.take() {
            // A failure leaves no savepoint: the rollback that follows finds none and ends
            // the group, as a failed BEGIN must.
            sqlx::query(opening)
                .execute(self.opened_conn())
                .await
                .map_err(translate)?;
        }
        Ok(self.opened_conn())
    }

    /// The statements that open this transaction when they are still to be sent, for the
    /// caller to send them ahead of its first query, in the same round trip; from then on
    /// they count as sent. If that query fails, whether they ran or not, the transaction
    /// is to be rolled back, as after any failure.
    pub(crate) fn take_opening(&mut self) -> Option<&'static str> {
        self.opening.take()
    }

    /// The connection, the transaction's opening statements sent or taken.
    pub(crate) fn opened_conn(&mut self) -> &mut SqliteConnection {
        match self.connection.as_mut().and_then(|guard| guard.as_mut()) {
            Some(connection) => connection,
            // The connection is taken only by `commit` and `rollback`, which consume self.
            None => unreachable_connection(),
        }
    }

    /// Releases the savepoint and waits until the group holding it is on the disk.
    ///
    /// The release, and the group's commit when it is due, run on a task of their own, so
    /// that they finish even when this future is dropped half-way (a request cancelled or
    /// timed out while it commits): stopped between the call that commits the group and
    /// the telling of its members, the members would wait for ever and the group would be
    /// taken for open by the next transaction. Only the wait for the group's outcome is
    /// left to this future.
    pub(crate) async fn commit(mut self) -> Result<(), StoreError> {
        let Some(guard) = self.connection.take() else {
            return Err(lost("the transaction was already ended"));
        };
        let (sender, receiver) = oneshot::channel();
        let finish = Self::finish_commit(self.writer.clone(), guard, self.opening.take(), sender);
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => drop(runtime.spawn(finish)),
            Err(_) => finish.await,
        }
        match receiver.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(why)) => Err(lost(&why)),
            Err(_) => Err(lost("the group ended without saying how")),
        }
    }

    /// What `commit` does while it holds the connection: releases the savepoint, joins
    /// the group's members (`sender` is told how the group ends) and commits the group
    /// when it is due.
    async fn finish_commit(
        writer: Arc<Writer>,
        mut guard: OwnedMutexGuard<Option<PoolConnection<Sqlite>>>,
        opening: Option<&'static str>,
        sender: oneshot::Sender<Outcome>,
    ) {
        let Some(connection) = guard.as_mut() else {
            let _ = sender.send(Err("the database was closed".to_owned()));
            return;
        };
        if let Some(opening) = opening {
            // Nothing was sent, so there is nothing to store.
            writer.end_unopened(connection, opening).await;
            let _ = sender.send(Ok(()));
            return;
        }
        let last = {
            let group = writer.group();
            writer.waiting.load(Ordering::SeqCst) == 0 || group.members.len() + 1 >= MAX_GROUP
        };
        if last {
            // Nobody waits to join the group, or this fills it: release and commit in one
            // round trip to the connection's thread.
            let done = sqlx::query("RELEASE unit; COMMIT")
                .execute(&mut **connection)
                .await;
            writer.group().members.push(sender);
            match done {
                Ok(_) => writer.finish_group(Ok(())),
                Err(err) => writer.end_group(connection, Err(err.to_string())).await,
            }
        } else {
            let released = sqlx::query("RELEASE unit").execute(&mut **connection).await;
            writer.group().members.push(sender);
            match released {
                Ok(_) => writer.commit_if_due(connection).await,
                // The outer transaction is gone: nothing of the group was stored.
                Err(err) => writer.end_group(connection, Err(err.to_string())).await,
            }
        }
    }

    /// Rolls back to the savepoint: the group's other transactions are left as they are.
    /// On a task of its own, for the same reason as `commit`.
    pub(crate) async fn rollback(mut self) -> Result<(), StoreError> {
        if let Some(connection) = self.connection.take() {
            let writer = self.writer.clone();
            let opening = self.opening.take();
            let undo = async move { Self::undo(&writer, connection, opening).await };
            match tokio::runtime::Handle::try_current() {
                Ok(runtime) => {
                    // A failed undo ends the group and tells its members; there is nothing
                    // more to tell the caller, whose writes are gone either way.
                    let _ = runtime.spawn(undo).await;
                }
                Err(_) => undo.await,
            }
        }
        Ok(())
    }

    /// Rolls back to the savepoint, or, when the transaction was never opened (`opening`
    /// still to be sent), lets the group go on without it.
    async fn undo(
        writer: &Writer,
        mut guard: OwnedMutexGuard<Option<PoolConnection<Sqlite>>>,
        opening: Option<&'static str>,
    ) {
        let Some(connection) = guard.as_mut() else {
            return;
        };
        if let Some(opening) = opening {
            writer.end_unopened(connection, opening).await;
            return;
        }
        // One call for both: when the first fails, the second does not run.
        let undone = sqlx::query("ROLLBACK TO unit; RELEASE unit")
            .execute(&mut **connection)
            .await;
        match undone {
            Ok(_) => writer.commit_if_due(connection).await,
            Err(err) => writer.end_group(connection, Err(err.to_string())).await,
        }
    }
}

impl Drop for WriteUnit {
    /// A transaction dropped without commit nor rollback is rolled back, on a task of its
    /// own (dropping cannot wait), which keeps the connection until it is done.
    fn drop(&mut self) {
        if let Some(connection) = self.connection.take() {
            let writer = self.writer.clone();
            let opening = self.opening.take();
            match tokio::runtime::Handle::try_current() {
                Ok(runtime) => {
                    runtime
                        .spawn(async move { WriteUnit::undo(&writer, connection, opening).await });
                }
                Err(_) => {
                    // No runtime to roll back on: end the whole group rather than leave a
                    // savepoint open under the next transaction.
                    let mut group = writer.group();
                    group.members.clear();
                    group.abandoned = true;
                    drop(group);
                    drop(connection);
                }
            }
        }
    }
}

#[allow(clippy::panic)]
fn unreachable_connection() -> ! {
    panic!("a write transaction is used after it ended")
}
