//! Loading the keyring at start and rotating the master key.
//!
//! The master keys come from configuration, newest first; the platform's own
//! keys and every person's key are stored wrapped under one of them. A node
//! starts only if its master keys open the stored platform keys, so a node
//! given the wrong key refuses to start instead of failing every sign-in.
//! Rotation: add the new key after the old on every node, then move it first
//! (new keys are wrapped under it), run `koine admin rewrap-keys`, and drop the old.

use crate::crypto::{CryptoError, Keyring, MasterKeys, PlatformKey, WrappedUnder};
use crate::{Result, Services};
use koine_store::Db;
use koine_store::repo::keys::{self, WrappedKeys};
use uuid::Uuid;

/// Why the keyring could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum KeyringError {
    #[error(
        "none of the configured master keys opens this database's {0} key: \
         is this the master key the database was made with?"
    )]
    WrongMasterKey(&'static str),
    #[error(
        "this database has no stored {0} key yet, and more than one master key is configured: \
         start once with only the master key the database was made with, then rotate"
    )]
    UnstoredDuringRotation(&'static str),
    #[error(transparent)]
    Store(#[from] koine_store::Error),
}

/// Reads (or, on a database that has none yet, stores) the platform keys and
/// returns the keyring they make with the master keys.
pub async fn load_keyring(db: &Db, masters: MasterKeys, now: i64) -> std::result::Result<Keyring, KeyringError> {
    let mut found = stored_platform_keys(db).await?;
    let missing: Vec<PlatformKey> = PlatformKey::ALL
        .into_iter()
        .filter(|k| !found.iter().any(|(name, _)| name == k.name()))
        .collect();
    if let Some(first) = missing.first() {
        // The first platform keys are derived from the master key, as they
        // were before they were stored: with two master keys configured,
        // which one made this database is unknown.
        if masters.len() > 1 {
            return Err(KeyringError::UnstoredDuringRotation(first.name()));
        }
        let mut tx = db.begin().await?;
        for k in &missing {
            let key = masters.first_platform_key(*k);
            keys::platform_insert(
                tx.conn(),
                k.name(),
                &Keyring::wrap_platform_key(&masters, *k, &key),
                now,
            )
            .await?;
        }
        tx.commit().await?;
        found = stored_platform_keys(db).await?;
    }
    let mut opened = Vec::with_capacity(PlatformKey::ALL.len());
    for k in PlatformKey::ALL {
        let wrapped = found
            .iter()
            .find(|(name, _)| name == k.name())
            .map(|(_, w)| w.as_slice())
            .ok_or(KeyringError::WrongMasterKey(k.name()))?;
        let (key, _) = Keyring::unwrap_platform_key(&masters, k, wrapped)
            .map_err(|_: CryptoError| KeyringError::WrongMasterKey(k.name()))?;
        opened.push((k, key));
    }
    Ok(Keyring::with_platform_keys(masters, |k| {
        opened
            .iter()
            .find(|(which, _)| *which == k)
            .map(|(_, key)| *key)
            .expect("every platform key was opened above")
    }))
}

async fn stored_platform_keys(db: &Db) -> koine_store::Result<Vec<(String, Vec<u8>)>> {
    let mut c = db.acquire().await?;
    keys::platform_all(c.conn()).await
}

/// What a rewrap did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Rewrapped {
    /// Keys that an older master key wrapped, now wrapped under the current one.
    pub rewrapped: u64,
    /// Keys already under the current master key.
    pub current: u64,
    /// Keys no configured master key opens (left as they are).
    pub unopened: u64,
}

/// Keys rewrapped per transaction.
const PAGE: i64 = 500;

impl Services {
    /// Rewraps every stored key an older master key wrapped under the current
    /// one. Safe to run while nodes serve, and again: a key an erasure
    /// destroyed meanwhile is left destroyed.
    pub async fn rewrap_keys(&self) -> Result<Rewrapped> {
        let mut done = Rewrapped::default();
        let masters = self.keys.masters();
        {
            let mut tx = self.db.begin().await?;
            for (name, wrapped) in keys::platform_all(tx.conn()).await? {
                let Some(k) = PlatformKey::ALL.into_iter().find(|k| k.name() == name) else {
                    done.unopened += 1;
                    continue;
                };
                match Keyring::unwrap_platform_key(masters, k, &wrapped) {
                    Ok((_, WrappedUnder::Current)) => done.current += 1,
                    Ok((key, WrappedUnder::Older)) => {
                        let new = Keyring::wrap_platform_key(masters, k, &key);
                        if keys::platform_rewrap(tx.conn(), &name, &wrapped, &new).await? {
                            done.rewrapped += 1;
                        }
                    }
                    Err(_) => done.unopened += 1,
                }
            }
            tx.commit().await?;
        }
        // People's keys (in the key database too, when there is one) and
        // the keys of unfinished erasures' kept files.
        let mut tables = vec![(&self.db, WrappedKeys::Subjects), (&self.db, WrappedKeys::Held)];
        if let Some(key_db) = &self.key_db {
            tables.push((key_db, WrappedKeys::Subjects));
        }
        for (db, which) in tables {
            let mut after = Uuid::nil();
            loop {
                let mut tx = db.begin().await?;
                let page = keys::page(tx.conn(), which, after, PAGE).await?;
                let Some((last, _)) = page.last() else { break };
                after = *last;
                for (owner, wrapped) in &page {
                    match self.keys.unwrap_subject_key_from(*owner, wrapped) {
                        Ok((_, WrappedUnder::Current)) => done.current += 1,
                        Ok((key, WrappedUnder::Older)) => {
                            let new = self.keys.wrap_subject_key(*owner, &key);
                            if keys::rewrap(tx.conn(), which, *owner, wrapped, &new).await? {
                                done.rewrapped += 1;
                            }
                        }
                        Err(_) => done.unopened += 1,
                    }
                }
                tx.commit().await?;
            }
        }
        Ok(done)
    }
}
