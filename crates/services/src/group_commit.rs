//! Group commit: writes that arrive together share one transaction (one
//! disk sync) instead of one each. One that fails is undone alone (see
//! `commit_batch`); each learns its outcome only once the whole batch is
//! committed. A writer task takes the writes waiting in
//! arrival order, at most `BATCH_MAX` at a time; it ends after a quiet
//! spell (holding nothing between bursts) and starts again with the next
//! write.
//!
//! SQLite has one writer, so one lane; PostgreSQL commits side by side, so
//! several lanes, each write going to the lane of its key (a message's
//! conversation): two batches never wait on each other's rows in turn.

use crate::{Error, Result};
use koine_store::{Conn, Db};
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::Duration;
use tokio::sync::mpsc;

/// The most writes one transaction takes.
const BATCH_MAX: usize = 64;

/// A writer with nothing to do for this long ends.
const QUIET: Duration = Duration::from_secs(5);

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// One write of a batch.
pub trait Batched: Send + 'static {
    /// Writes its rows in the batch's transaction. An error undoes this
    /// write alone; it is told to `finish` with the rest. It may be called
    /// again after an undone attempt, so it must not use up its input.
    fn write<'a>(&'a mut self, conn: Conn<'a>) -> BoxFuture<'a, Result<()>>;

    /// Tells the waiting caller how it ended: its own write's outcome, or
    /// the batch's error when the transaction was not committed (then
    /// nothing was written).
    fn finish(self: Box<Self>, outcome: Result<()>);
}

/// Lanes on PostgreSQL.
const POSTGRES_LANES: usize = 8;

/// A lane's queue, while its writer runs.
type Lane = Mutex<Option<mpsc::UnboundedSender<Box<dyn Batched>>>>;

/// The queues of one kind of write (messages, session touches), one per lane.
pub struct GroupCommit {
    lanes: Vec<Lane>,
}

impl GroupCommit {
    pub fn for_backend(backend: koine_store::Backend) -> Self {
        let lanes = match backend {
            koine_store::Backend::Sqlite => 1,
            koine_store::Backend::Postgres => POSTGRES_LANES,
        };
        Self {
            lanes: (0..lanes).map(|_| Mutex::default()).collect(),
        }
    }

    /// One lane on either backend: for writes that no request waits for,
    /// which should hold at most one of the pool's connections.
    pub fn one_lane() -> Self {
        Self {
            lanes: vec![Mutex::default()],
        }
    }

    /// Queues a write in the lane of `key`; its `finish` says how it ended.
    pub fn submit(&self, db: &Db, key: uuid::Uuid, work: Box<dyn Batched>) {
        let lane = (key.as_u128() % self.lanes.len() as u128) as usize;
        let mut queue = self.lanes[lane].lock().unwrap_or_else(|p| p.into_inner());
        let work = match queue.as_ref() {
            Some(q) => match q.send(work) {
                Ok(()) => return,
                // The writer ended after a quiet spell.
                Err(mpsc::error::SendError(work)) => work,
            },
            None => work,
        };
        let (tx, rx) = mpsc::unbounded_channel();
        tx.send(work)
            .unwrap_or_else(|_| unreachable!("the receiver is held here"));
        *queue = Some(tx);
        let db = db.clone();
        tokio::spawn(run(db, rx));
    }
}

async fn run(db: Db, mut rx: mpsc::UnboundedReceiver<Box<dyn Batched>>) {
    loop {
        let first = match tokio::time::timeout(QUIET, rx.recv()).await {
            Ok(Some(first)) => first,
            // Quiet, or every sender gone: end; the next write starts anew.
            _ => {
                rx.close();
                // Writes that raced the closing still get their turn.
                let mut late = Vec::new();
                while let Ok(w) = rx.try_recv() {
                    late.push(w);
                }
                if !late.is_empty() {
                    commit_batch(&db, late).await;
                }
                return;
            }
        };
        let mut batch = vec![first];
        while batch.len() < BATCH_MAX {
            match rx.try_recv() {
                Ok(w) => batch.push(w),
                Err(_) => break,
            }
        }
        commit_batch(&db, batch).await;
    }
}

/// One transaction for the batch. Writes rarely fail, so the batch is
/// first written plainly; if one fails, the transaction is undone and the
/// batch written again with a savepoint per write, so the failed one is
/// undone alone (a savepoint costs two round trips per write on
/// PostgreSQL, and its error aborts the whole transaction).
async fn commit_batch(db: &Db, batch: Vec<Box<dyn Batched>>) {
    let db2 = db.clone();
    db.writing(async move {
        let mut batch = batch;
        let mut committed = write_batch(&db2, &mut batch, false).await;
        if matches!(&committed, Ok(outcomes) if outcomes.iter().any(Result::is_err)) {
            committed = write_batch(&db2, &mut batch, true).await;
        }
        match committed {
            Ok(outcomes) => {
                for (work, outcome) in batch.into_iter().zip(outcomes) {
                    work.finish(outcome);
                }
            }
            Err(e) => {
                tracing::warn!("a batch of writes was not committed: {e}");
                for work in batch {
                    work.finish(Err(again(&e)));
                }
            }
        }
    })
    .await;
}

/// Writes the batch in one transaction: committed when every write
/// succeeded or each has its savepoint; else undone, with the outcomes.
async fn write_batch(db: &Db, batch: &mut [Box<dyn Batched>], savepoints: bool) -> Result<Vec<Result<()>>> {
    let mut outcomes = Vec::with_capacity(batch.len());
    let mut tx = db.begin().await?;
    for work in batch.iter_mut() {
        if savepoints {
            tx.savepoint().await?;
        }
        let outcome = work.write(tx.conn()).await;
        if savepoints {
            if outcome.is_err() {
                tx.undo_to_savepoint().await?;
            }
            tx.release_savepoint().await?;
        } else if outcome.is_err() {
            outcomes.push(outcome);
            // Dropping the transaction undoes it.
            return Ok(outcomes);
        }
        outcomes.push(outcome);
    }
    tx.commit().await?;
    Ok(outcomes)
}

/// The batch's error, for each of its writes (nothing of any was written).
fn again(e: &Error) -> Error {
    match e {
        Error::Overloaded(_) => Error::Overloaded(koine_store::Error::timed_out()),
        // A broken connection (a database restart) is told as such: 503.
        Error::Unavailable(inner) => Error::Unavailable(inner.unreachable_again()),
        other => Error::Internal(format!("not committed: {other}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_lost_to_a_broken_connection_is_told_to_each_write_as_unavailable() {
        let broken = Error::from(koine_store::Error::Config("connection reset".into()).unreachable_again());
        assert!(matches!(again(&broken), Error::Unavailable(e) if e.is_unavailable()));
        let busy = Error::Overloaded(koine_store::Error::timed_out());
        assert!(matches!(again(&busy), Error::Overloaded(_)));
        assert!(matches!(again(&Error::Internal("x".into())), Error::Internal(_)));
    }
}
