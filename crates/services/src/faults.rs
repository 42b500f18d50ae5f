//! Failure injection for tests: a test arms a named point, and the next
//! operation that passes it fails as a crash there would (its transaction
//! rolls back). Nothing arms a point in production; an unarmed check is a
//! lock-free read.

use crate::{Error, Result};
use std::collections::HashSet;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// Between two postings of one ledger entry.
pub const BETWEEN_POSTINGS: &str = "ledger.between_postings";
/// The file store refusing a deletion (it is down or answers an error).
pub const FILE_STORE_DELETE: &str = "files.delete";
/// Recording which mail went out, after it went out.
pub const MAIL_RECORD: &str = "mail.record";

#[derive(Debug, Default)]
pub struct Faults {
    any: AtomicBool,
    armed: Mutex<HashSet<&'static str>>,
}

impl Faults {
    /// The next pass through `point` fails (once).
    pub fn arm(&self, point: &'static str) {
        self.armed.lock().expect("faults").insert(point);
        self.any.store(true, Ordering::SeqCst);
    }

    /// Fails if `point` is armed, disarming it.
    pub fn check(&self, point: &'static str) -> Result<()> {
        if !self.any.load(Ordering::SeqCst) {
            return Ok(());
        }
        let mut armed = self.armed.lock().expect("faults");
        if armed.remove(point) {
            self.any.store(!armed.is_empty(), Ordering::SeqCst);
            return Err(Error::Internal(format!("injected failure at {point}")));
        }
        Ok(())
    }
}
