//! Background jobs from the shared jobs table, which every node works from
//! (one node alone works from it the same way, on SQLite too).
//!
//! Each node asks for every scheduled run of its time bucket (the table
//! keeps one per bucket, so a run happens once however many nodes ask),
//! claims due jobs one at a time with a lease, renews the lease while it
//! works, and marks the job done. A node that stops or stalls past its
//! lease loses the job to the next claim, with the next attempt number.
//! The work's writes are fenced by that number: a transaction of the work
//! begins with `begin_write`, which checks that the attempt still holds the
//! job and keeps it held until the commit, so a stalled node that wakes up
//! writes nothing more.

use crate::{Error, Result, Services};
use koine_domain::jobs::{JobKind, bucket_key};
use koine_store::Tx;
use koine_store::repo::jobs::{self, Claimed};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::sync::watch;

/// How long a claimed job is this node's without a renewal.
pub const LEASE: Duration = Duration::from_secs(30);
/// A node working on a job renews its lease this many times per lease, so
/// one failed renewal (a database restart) does not lose it.
const BEATS_PER_LEASE: u32 = 3;
/// How often a node looks for due jobs (a job asked for here wakes it).
pub const POLL: Duration = Duration::from_secs(1);
/// A failed job is tried again after this long.
pub const RETRY_AFTER: Duration = Duration::from_secs(60);
/// How many jobs a node works on at once.
pub const AT_ONCE: usize = 2;
/// How long a stopping node lets the jobs under way finish (a mail batch
/// records what it sent) before it stops them and gives up their leases.
pub const FINISH_WITHIN: Duration = Duration::from_secs(5);
/// Beyond this many waiting jobs, work that would add one is refused as
/// overload (503) rather than let the queue grow without bound.
pub const MAX_WAITING: i64 = 10_000;

/// What a node logs (with the job and attempt) when a write of an attempt
/// that lost its job is refused, and when its end is (the fault harness
/// reads these).
pub const WRITE_REFUSED: &str = "a write of a job attempt that lost its lease was refused";
pub const END_REFUSED: &str = "another node took the job over";

/// A run every `every`, per time bucket.
#[derive(Debug, Clone, Copy)]
pub struct Schedule {
    pub kind: JobKind,
    pub every: Duration,
}

/// The job attempt whose work a task does, and whether it has learned that
/// another attempt took the job over.
#[derive(Clone)]
struct Attempt {
    job: Claimed,
    lost: Arc<AtomicBool>,
}

tokio::task_local! {
    static ATTEMPT: Attempt;
}

/// Whether the job attempt the current task works for is known to have
/// lost its job to another attempt (its writes are refused; work outside
/// the database, such as sending mail, should stop).
pub(crate) fn attempt_lost() -> bool {
    ATTEMPT.try_with(|a| a.lost.load(Ordering::Relaxed)).unwrap_or(false)
}

fn micros(d: Duration) -> i64 {
    d.as_micros() as i64
}

impl Services {
    /// Begins a write transaction; inside a job's work, one that holds the
    /// job for the attempt until it ends (`Error::Fenced` when another
    /// attempt has taken the job over).
    pub(crate) async fn begin_write(&self) -> Result<Tx> {
        let mut tx = self.db.begin().await?;
        if let Ok(job) = ATTEMPT.try_with(|a| a.job.clone())
            && !jobs::holds(tx.conn(), &job).await?
        {
            tracing::warn!(job = %job.id, attempt = job.attempt, "{WRITE_REFUSED}");
            return Err(Error::Fenced);
        }
        Ok(tx)
    }

    /// Asks for a run of `kind` now, keyed `run_key` (one run per key),
    /// unless the queue is full; wakes this node's worker.
    pub(crate) async fn ask_for_job(&self, tx: &mut Tx, kind: JobKind, run_key: &str) -> Result<()> {
        if jobs::waiting(tx.conn()).await? >= MAX_WAITING {
            return Err(Error::Busy("job-queue-full"));
        }
        jobs::ask(tx.conn(), kind.as_str(), run_key, None).await?;
        Ok(())
    }

    /// Runs jobs until `stop` fires, lets those under way finish (for up
    /// to `FINISH_WITHIN`), then gives up the leases it holds.
    /// Up to `AT_ONCE` at a time, so a long job (a big export, a sweep)
    /// does not hold up the mail.
    pub async fn work_jobs(&self, schedules: &[Schedule], mut stop: watch::Receiver<bool>) {
        let mut asked: Vec<Option<String>> = vec![None; schedules.len()];
        let mut poll = tokio::time::interval(POLL);
        let mut running = tokio::task::JoinSet::new();
        loop {
            tokio::select! {
                _ = poll.tick() => {}
                _ = self.job_asked.notified() => {}
                Some(_) = running.join_next(), if !running.is_empty() => {}
                _ = stop.changed() => break,
            }
            if let Err(e) = self.ask_for_scheduled(schedules, &mut asked).await {
                tracing::error!("asking for scheduled jobs failed: {e}");
            }
            while running.len() < AT_ONCE {
                match self.claim_job().await {
                    Ok(Some(job)) => {
                        let svc = self.clone();
                        running.spawn(async move { svc.run_claimed(job).await });
                    }
                    Ok(None) => break,
                    Err(e) => {
                        tracing::error!("claiming a job failed: {e}");
                        break;
                    }
                }
            }
            if *stop.borrow() {
                break;
            }
        }
        // Work still under way then stops; its leases are given up below.
        let _ = tokio::time::timeout(FINISH_WITHIN, async { while running.join_next().await.is_some() {} }).await;
        running.shutdown().await;
        match self.db.begin().await {
            Ok(mut tx) => match jobs::release(tx.conn(), &self.node).await {
                Ok(n) => {
                    if let Err(e) = tx.commit().await {
                        tracing::error!("giving up job leases failed: {e}");
                    } else if n > 0 {
                        tracing::info!(jobs = n, "stopping: gave up the leases of jobs under way");
                    }
                }
                Err(e) => tracing::error!("giving up job leases failed: {e}"),
            },
            Err(e) => tracing::error!("giving up job leases failed: {e}"),
        }
    }

    /// Claims the job due longest (or one whose lease lapsed) for this node.
    async fn claim_job(&self) -> Result<Option<Claimed>> {
        let mut tx = self.db.begin().await?;
        let claimed = jobs::claim(tx.conn(), &self.node, micros(self.job_lease)).await?;
        tx.commit().await?;
        Ok(claimed)
    }

    /// Asks for each schedule's run of the current bucket (by the
    /// database's clock), once per bucket from this node.
    async fn ask_for_scheduled(&self, schedules: &[Schedule], asked: &mut [Option<String>]) -> Result<()> {
        let now = {
            let mut c = self.db.acquire().await?;
            jobs::now(c.conn()).await?
        };
        for (s, last) in schedules.iter().zip(asked.iter_mut()) {
            let key = bucket_key(now, micros(s.every));
            if last.as_deref() == Some(key.as_str()) {
                continue;
            }
            let mut tx = self.db.begin().await?;
            jobs::ask(tx.conn(), s.kind.as_str(), &key, None).await?;
            tx.commit().await?;
            *last = Some(key);
        }
        Ok(())
    }

    /// Works on a claimed job while renewing its lease; stops at once when
    /// the lease is lost.
    pub async fn run_claimed(&self, job: Claimed) {
        let Some(kind) = JobKind::parse(&job.kind) else {
            // A kind a newer version asked for: leave it to such a node.
            self.end_attempt(&job, Err(Error::internal(format!("unknown job kind {}", job.kind))))
                .await;
            return;
        };
        let lost = Arc::new(AtomicBool::new(false));
        let attempt = Attempt {
            job: job.clone(),
            lost: lost.clone(),
        };
        let work = ATTEMPT.scope(attempt, self.job_work(kind));
        let heartbeat = async {
            loop {
                tokio::time::sleep(self.job_lease / BEATS_PER_LEASE).await;
                let renewed = match self.db.begin().await {
                    Ok(mut tx) => match jobs::renew(tx.conn(), &job, micros(self.job_lease)).await {
                        Ok(held) => tx.commit().await.map(|()| held),
                        Err(e) => Err(e),
                    },
                    Err(e) => Err(e),
                };
                match renewed {
                    Ok(true) => {}
                    Ok(false) => {
                        lost.store(true, Ordering::Relaxed);
                        return;
                    }
                    // The lease runs on; the next beat tries again.
                    Err(e) => tracing::warn!(job = %job.id, "renewing a job's lease failed: {e}"),
                }
            }
        };
        // The work goes on to its end once the job is lost: its writes are
        // refused from then on, so it ends at the next, and what it did
        // outside the database (mail it sent) is still recorded.
        tokio::pin!(work);
        let outcome = tokio::select! {
            outcome = &mut work => outcome,
            () = heartbeat => {
                tracing::warn!(job = %job.id, attempt = job.attempt, kind = %job.kind, "another node took the job over: winding up");
                work.await
            }
        };
        self.end_attempt(&job, outcome).await;
    }

    async fn job_work(&self, kind: JobKind) -> Result<()> {
        match kind {
            JobKind::RetentionSweep => self.sweep(false).await.map(drop),
            JobKind::LessonTimers => self.run_lesson_timers().await.map(drop),
            JobKind::Exports => self.build_pending_exports().await.map(drop),
            JobKind::MailDelivery => crate::mail::deliver_due(self).await.map(drop),
        }
    }

    async fn end_attempt(&self, job: &Claimed, outcome: Result<()>) {
        let ended = async {
            let mut tx = self.db.begin().await?;
            let held = match &outcome {
                Ok(()) => jobs::finish(tx.conn(), job).await?,
                Err(e) => jobs::retry_later(tx.conn(), job, &e.to_string(), micros(RETRY_AFTER)).await?,
            };
            tx.commit().await?;
            Ok::<_, Error>(held)
        };
        match (ended.await, &outcome) {
            (Ok(true), Ok(())) => {}
            (Ok(true), Err(e)) => {
                tracing::error!(job = %job.id, kind = %job.kind, "job failed, to be tried again: {e}")
            }
            // The attempt's end is a write fenced like the rest: refused.
            (Ok(false), _) => {
                tracing::warn!(job = %job.id, attempt = job.attempt, kind = %job.kind, "{END_REFUSED}")
            }
            (Err(e), _) => tracing::error!(job = %job.id, "recording a job's end failed: {e}"),
        }
    }
}
