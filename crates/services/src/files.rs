//! Files in an object store, through the `object_store` crate: a directory
//! under the data dir on one node (the default), an S3-compatible store
//! shared by every node in cluster mode. Each file lies under its person's
//! prefix, `p/<account>/<kind>/<id>`, and is listed in `objects`, written
//! in the transaction that refers to it. A private file is sealed in Koine
//! before it leaves (AES-256-GCM under a key of its own, which is sealed
//! under the person's key), so the store only ever holds ciphertext and
//! destroying the person's key shreds every copy: the store's replicas,
//! its deferred deletes and its backups.
//!
//! Deletions are owed, not hoped for: the transaction that lets go of a
//! file queues it in `object_deletions`, and the queue is worked off after
//! commit and again by every retention sweep until the store confirms. An
//! erasure queues the person's whole prefix, which is done only once a
//! listing of it comes back empty.

use crate::{Error, Result, Services, crypto};
use futures_util::StreamExt;
use koine_store::Conn;
use koine_store::repo::objects::{self, ObjectRow};
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::{ClientOptions, ObjectStore, ObjectStoreExt, PutPayload, RetryConfig};
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

/// An S3-compatible store and how to reach it (the `[s3]` configuration).
#[derive(Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct S3Settings {
    pub bucket: String,
    /// `https://…` (`http://…` only on a private network); none: AWS.
    pub endpoint: Option<String>,
    #[serde(default = "default_s3_region")]
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: String,
}

pub fn default_s3_region() -> String {
    "us-east-1".into()
}

impl std::fmt::Debug for S3Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Settings")
            .field("bucket", &self.bucket)
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .finish_non_exhaustive()
    }
}

/// What a file is: the folder it lies in under its person's prefix, and
/// whether Koine seals it before it leaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectKind {
    /// A profile picture (re-encoded, shown as its owner chose).
    Avatar,
    /// A teacher's introduction video (public on their homepage).
    Video,
    /// A data export (private).
    Export,
    /// An identity document sent with an application to teach (private).
    IdDocument,
    /// A teaching certificate (private).
    Certificate,
    /// A file sent with a message (private: only the conversation's
    /// members, and trust & safety for a report, open it).
    Attachment,
}

impl ObjectKind {
    pub fn name(self) -> &'static str {
        match self {
            Self::Avatar => "avatar",
            Self::Video => "video",
            Self::Export => "export",
            Self::IdDocument => "id_document",
            Self::Certificate => "certificate",
            Self::Attachment => "attachment",
        }
    }

    /// Pictures and videos are shown to others and stay as they are;
    /// everything else is sealed.
    fn private(self) -> bool {
        !matches!(self, Self::Avatar | Self::Video)
    }
}

/// The labels a sealed file and its key are bound to.
const CONTENT: &str = "objects.content";
const WRAPPED: &str = "objects.wrapped_key";

pub use koine_store::repo::objects::person_prefix;

/// HTTP clients (reqwest, for the S3 store) take TLS from the process's
/// rustls provider: ring, as elsewhere in Koine. Call before making one; a
/// second install is refused harmlessly.
pub fn use_ring_for_tls() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// The pauses before each listing of a prefix being emptied (and each
/// deleting of what it shows). An S3 store's listing can trail deletes it
/// has confirmed (Garage's showed a deleted file for a moment), so a
/// listing that still shows files is asked again a little later before
/// the prefix is left owed to the next retention sweep.
const EMPTYING_PAUSES_MS: [u64; 5] = [0, 0, 100, 300, 900];

/// The object store of this node.
#[derive(Clone)]
pub struct Files {
    store: Arc<dyn ObjectStore>,
}

impl std::fmt::Debug for Files {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Files({})", self.store)
    }
}

/// A store that failed to answer: the request may be tried again (503).
fn unreachable(e: object_store::Error) -> Error {
    tracing::warn!("the file store did not answer: {e}");
    Error::FileStoreUnavailable
}

impl Files {
    /// Files in `dir` (made if missing), this node's own.
    pub fn local(dir: &std::path::Path) -> Result<Self> {
        std::fs::create_dir_all(dir).map_err(Error::internal)?;
        let store = LocalFileSystem::new_with_prefix(dir)
            .map_err(Error::internal)?
            .with_automatic_cleanup(true);
        Ok(Self { store: Arc::new(store) })
    }

    /// Files in an S3-compatible store, shared by every node.
    pub fn s3(s: &S3Settings) -> Result<Self> {
        use_ring_for_tls();
        // A store that does not answer fails the request within seconds
        // (503, try again), rather than holding it through minutes of retries.
        let retry = RetryConfig {
            max_retries: 3,
            retry_timeout: Duration::from_secs(5),
            ..RetryConfig::default()
        };
        let client = ClientOptions::new()
            .with_connect_timeout(Duration::from_secs(2))
            .with_timeout(Duration::from_secs(60));
        let mut builder = AmazonS3Builder::new()
            .with_retry(retry)
            .with_client_options(client)
            .with_bucket_name(&s.bucket)
            .with_region(&s.region)
            .with_access_key_id(&s.access_key_id)
            .with_secret_access_key(&s.secret_access_key);
        if let Some(endpoint) = &s.endpoint {
            // Self-hosted stores (Garage, MinIO, Ceph) address buckets by path.
            builder = builder
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"))
                .with_virtual_hosted_style_request(false);
        }
        Ok(Self {
            store: Arc::new(
                builder
                    .build()
                    .map_err(|e| Error::Internal(format!("file store: {e}")))?,
            ),
        })
    }

    async fn put(&self, path: &str, bytes: Vec<u8>) -> Result<()> {
        self.store
            .put(&Path::from(path), PutPayload::from(bytes))
            .await
            .map_err(unreachable)?;
        Ok(())
    }

    async fn get(&self, path: &str) -> Result<Vec<u8>> {
        match self.store.get(&Path::from(path)).await {
            Ok(found) => Ok(found.bytes().await.map_err(unreachable)?.to_vec()),
            Err(object_store::Error::NotFound { .. }) => Err(Error::NotFound),
            Err(e) => Err(unreachable(e)),
        }
    }

    /// Copies the file at `from` to `to`; false if there is none at `from`.
    async fn copy(&self, from: &str, to: &str) -> Result<bool> {
        match self.store.copy(&Path::from(from), &Path::from(to)).await {
            Ok(()) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(unreachable(e)),
        }
    }

    /// The paths under `prefix` (a person's).
    pub async fn list(&self, prefix: &str) -> Result<Vec<String>> {
        let prefix = Path::from(prefix.trim_end_matches('/'));
        let mut listing = self.store.list(Some(&prefix));
        let mut paths = Vec::new();
        while let Some(meta) = listing.next().await {
            paths.push(meta.map_err(unreachable)?.location.to_string());
        }
        Ok(paths)
    }

    /// Deletes one object or, for a prefix (ending in `/`), everything
    /// under it; done only when a listing of the prefix comes back empty.
    async fn delete(&self, path: &str) -> Result<()> {
        if !path.ends_with('/') {
            return self.delete_one(path).await;
        }
        for pause in EMPTYING_PAUSES_MS {
            tokio::time::sleep(Duration::from_millis(pause)).await;
            let listed = self.list(path).await?;
            if listed.is_empty() {
                return Ok(());
            }
            for target in listed {
                self.delete_one(&target).await?;
            }
        }
        Err(Error::Internal(format!("{path} is not empty after deleting it")))
    }

    async fn delete_one(&self, path: &str) -> Result<()> {
        match self.store.delete(&Path::from(path)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(unreachable(e)),
        }
    }
}

/// Files put in the store for one person; their key (for sealing the
/// private ones) is read at the first private file and kept.
pub(crate) struct PersonsFiles<'a> {
    svc: &'a Services,
    account: Uuid,
    key: Option<[u8; 32]>,
}

impl PersonsFiles<'_> {
    /// Puts `bytes` (of `content_type`) in the store as the person's file
    /// `id` of `kind`, sealed first if the kind is private, and returns its
    /// index row for the caller to insert in the transaction that refers
    /// to it. Should that transaction fail, the caller discards the file
    /// (`discard_object`); a crash in between leaves it under the person's
    /// prefix, which their erasure empties.
    pub(crate) async fn put(
        &mut self,
        (kind, content_type): (ObjectKind, &str),
        id: Uuid,
        bytes: Vec<u8>,
    ) -> Result<ObjectRow> {
        let (svc, account) = (self.svc, self.account);
        let size_bytes = i64::try_from(bytes.len()).map_err(Error::internal)?;
        let (body, wrapped_key) = if kind.private() {
            let person = match self.key {
                Some(key) => key,
                None => {
                    let mut c = svc.db.acquire().await?;
                    *self.key.insert(svc.subject_key(c.conn(), account).await?)
                }
            };
            let own: [u8; 32] = crypto::random_bytes();
            let sealed = crypto::seal_field(&own, id, CONTENT, &bytes);
            (sealed, Some(crypto::seal_field(&person, account, WRAPPED, &own)))
        } else {
            (bytes, None)
        };
        let row = ObjectRow {
            id,
            account_id: account,
            kind: kind.name().to_owned(),
            content_type: content_type.to_owned(),
            size_bytes,
            wrapped_key,
            created_at: svc.clock.now_us(),
        };
        svc.files.put(&row.path(), body).await?;
        Ok(row)
    }
}

impl Services {
    /// Puts `bytes` (of `content_type`) in the store as `account`'s file
    /// `id` of `kind` (see `PersonsFiles::put`).
    pub(crate) async fn put_object(
        &self,
        account: Uuid,
        kind: (ObjectKind, &str),
        id: Uuid,
        bytes: Vec<u8>,
    ) -> Result<ObjectRow> {
        self.files_of(account).put(kind, id, bytes).await
    }

    /// Puts several files of one person, reading their key once.
    pub(crate) fn files_of(&self, account: Uuid) -> PersonsFiles<'_> {
        PersonsFiles {
            svc: self,
            account,
            key: None,
        }
    }

    /// A file put but never referred to (its transaction failed): deleted
    /// now, or by the next sweep. One the index holds after all (a commit
    /// whose answer was lost on the way back) stays; so does one whose fate
    /// cannot be told for want of a database (under its person's prefix,
    /// which their erasure empties).
    pub(crate) async fn discard_object(&self, row: &ObjectRow) {
        let queued = async {
            let mut c = self.db.acquire().await?;
            if objects::get(c.conn(), row.id)
                .await?
                .is_some_and(|o| o.path() == row.path())
            {
                return Ok(false);
            }
            objects::queue(c.conn(), &row.path(), self.clock.now_us()).await?;
            Ok::<_, Error>(true)
        };
        match queued.await {
            Ok(true) => {
                self.delete_from_store(vec![row.path()]).await;
            }
            Ok(false) => {}
            Err(e) => tracing::error!(object = %row.id, "a file whose transaction failed was left in the store: {e}"),
        }
    }

    /// File `id`'s contents, opened with its person's key if sealed; not
    /// found once it or its person's key is gone.
    pub async fn read_object(&self, id: Uuid) -> Result<Vec<u8>> {
        let (row, person) = {
            let mut c = self.db.acquire().await?;
            let row = objects::get(c.conn(), id).await?.ok_or(Error::NotFound)?;
            let person = match row.wrapped_key {
                Some(_) => Some(
                    self.subject_key_if_any(c.conn(), row.account_id)
                        .await?
                        .ok_or(Error::NotFound)?,
                ),
                None => None,
            };
            (row, person)
        };
        self.open_object(&row, person.as_ref()).await
    }

    /// A file whose index row is at hand, opened with `person` (its
    /// person's key) if it is sealed.
    pub(crate) async fn open_object(&self, row: &ObjectRow, person: Option<&[u8; 32]>) -> Result<Vec<u8>> {
        let bytes = self.files.get(&row.path()).await?;
        match (person, &row.wrapped_key) {
            (Some(person), Some(wrapped)) => {
                let own = crypto::open_field(person, row.account_id, WRAPPED, wrapped).map_err(Error::internal)?;
                crypto::open_field(
                    &own.try_into().map_err(|_| Error::internal("object key"))?,
                    row.id,
                    CONTENT,
                    &bytes,
                )
                .map_err(Error::internal)
            }
            (None, Some(_)) => Err(Error::NotFound),
            (_, None) => Ok(bytes),
        }
    }

    /// Files an unfinished erasure keeps (an open report covers them),
    /// handed from their person to `to` (the erasure's pseudonym): each is
    /// copied under `to`'s prefix and its own key sealed anew under
    /// `to_key` (the contents, sealed with that own key, are copied as they
    /// are). Each copy's index row goes into `handed`, for the erasure's
    /// transaction to insert; should anything fail, the caller discards
    /// them once that transaction has ended (`conn` is its connection). A
    /// file missing from the store is left out (logged): what cannot be
    /// kept is not.
    pub(crate) async fn hand_over(
        &self,
        mut conn: Conn<'_>,
        rows: Vec<ObjectRow>,
        from_key: &[u8; 32],
        (to, to_key): (Uuid, &[u8; 32]),
        handed: &mut Vec<ObjectRow>,
    ) -> Result<()> {
        for row in rows {
            let wrapped_key = match &row.wrapped_key {
                Some(wrapped) => {
                    let own =
                        crypto::open_field(from_key, row.account_id, WRAPPED, wrapped).map_err(Error::internal)?;
                    Some(crypto::seal_field(to_key, to, WRAPPED, &own))
                }
                None => None,
            };
            let new = ObjectRow {
                account_id: to,
                wrapped_key,
                ..row.clone()
            };
            if self.files.copy(&row.path(), &new.path()).await? {
                handed.push(new);
            } else {
                tracing::error!(file = %row.id, "a file an open report keeps is missing from the store");
            }
            // The caller's transaction waits while the store copies: one
            // copy at a time counts as idle, not all of them.
            conn.still_working().await?;
        }
        Ok(())
    }

    /// Works off the deletions owed to the store (the retention sweep);
    /// returns how many the store confirmed.
    pub async fn delete_owed_objects(&self) -> Result<usize> {
        let owed = {
            let mut c = self.db.acquire().await?;
            objects::deletions(c.conn(), 1000).await?
        };
        Ok(self.delete_from_store(owed).await)
    }

    /// Deletes queued `paths` from the store, each struck off the queue
    /// once the store confirms; returns how many were. One the store
    /// refuses stays owed (logged) and is tried again by the next sweep.
    pub(crate) async fn delete_from_store(&self, paths: Vec<String>) -> usize {
        let mut done = 0;
        for path in paths {
            let confirmed = async {
                self.faults.check(crate::faults::FILE_STORE_DELETE)?;
                self.files.delete(&path).await?;
                let mut c = self.db.acquire().await?;
                objects::deleted(c.conn(), &path).await?;
                Ok::<_, Error>(())
            };
            match confirmed.await {
                Ok(()) => done += 1,
                Err(e) => tracing::error!("a file owed deletion is still in the store (tried again later): {e}"),
            }
        }
        done
    }

    /// Moves files kept elsewhere by earlier versions into the file store:
    /// pictures and videos from the uploads folder, identity documents,
    /// certificates and message files sealed into their rows.
    pub async fn adopt_old_uploads(&self) -> Result<usize> {
        let (unindexed, sealed) = {
            let mut c = self.db.acquire().await?;
            (
                objects::unindexed(c.conn()).await?,
                objects::sealed_in_rows(c.conn()).await?,
            )
        };
        let uploads = self.settings.data_dir.join("uploads");
        let mut adopted = 0;
        for (kind, id, account, content_type) in unindexed {
            let (kind, old) = match kind.as_str() {
                "avatar" => (ObjectKind::Avatar, uploads.join("avatars").join(format!("{id}.png"))),
                _ => (ObjectKind::Video, uploads.join("videos").join(id.to_string())),
            };
            let bytes = match tokio::fs::read(&old).await {
                Ok(bytes) => bytes,
                Err(e) => {
                    tracing::warn!(file = %old.display(), "an earlier upload is missing and was not moved: {e}");
                    continue;
                }
            };
            let row = self.put_object(account, (kind, &content_type), id, bytes).await?;
            let mut c = self.db.acquire().await?;
            objects::insert_moved(c.conn(), &row).await?;
            drop(c);
            if let Err(e) = tokio::fs::remove_file(&old).await {
                tracing::warn!(file = %old.display(), "a moved upload could not be removed: {e}");
            }
            adopted += 1;
        }
        for (kind, row_id, account, content_type, sealed_bytes) in sealed {
            let (kind, label, id) = match kind.as_str() {
                "id_document" => (
                    ObjectKind::IdDocument,
                    "teacher_applications.id_document",
                    Uuid::now_v7(),
                ),
                "attachment" => (ObjectKind::Attachment, crate::attachments::SEALED_AS, row_id),
                _ => (ObjectKind::Certificate, "teacher_certificates.file", row_id),
            };
            // The row stays locked until the file is in the store and the
            // row names it: a node starting at the same moment waits, then
            // finds it moved (two movers would each seal it under a key of
            // their own, and one index entry would name the other's file).
            let mut tx = self.begin_write().await?;
            if !objects::lock_sealed_row(tx.conn(), kind.name(), row_id).await? {
                continue;
            }
            let key = self.subject_key(tx.conn(), account).await?;
            let bytes = crypto::open_field(&key, account, label, &sealed_bytes).map_err(Error::internal)?;
            let row = self.put_object(account, (kind, &content_type), id, bytes).await?;
            objects::insert(tx.conn(), &row).await?;
            objects::moved_out_of_row(tx.conn(), kind.name(), row_id, id).await?;
            tx.commit().await?;
            adopted += 1;
        }
        if adopted > 0 {
            tracing::info!(files = adopted, "files of an earlier version moved into the file store");
        }
        Ok(adopted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::stream::{self, BoxStream};
    use object_store::memory::InMemory;
    use object_store::{
        CopyOptions, GetOptions, GetResult, ListResult, MultipartUpload, ObjectMeta, PutMultipartOptions, PutOptions,
        PutResult,
    };
    use std::collections::HashMap;
    use std::sync::Mutex;

    /// A store whose listings go on showing a deleted object `stale` more
    /// times after the store confirmed its delete, as an S3 store's can.
    #[derive(Debug)]
    struct Trailing {
        live: InMemory,
        stale: usize,
        /// Every object a listing showed, to show again once deleted.
        seen: Arc<Mutex<HashMap<Path, ObjectMeta>>>,
        /// Deleted objects and how many more listings still show them.
        ghosts: Arc<Mutex<HashMap<Path, usize>>>,
    }

    impl std::fmt::Display for Trailing {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "Trailing({})", self.stale)
        }
    }

    #[async_trait::async_trait]
    impl ObjectStore for Trailing {
        async fn put_opts(&self, at: &Path, payload: PutPayload, opts: PutOptions) -> object_store::Result<PutResult> {
            self.live.put_opts(at, payload, opts).await
        }

        async fn put_multipart_opts(
            &self,
            at: &Path,
            opts: PutMultipartOptions,
        ) -> object_store::Result<Box<dyn MultipartUpload>> {
            self.live.put_multipart_opts(at, opts).await
        }

        async fn get_opts(&self, at: &Path, options: GetOptions) -> object_store::Result<GetResult> {
            self.live.get_opts(at, options).await
        }

        fn delete_stream(
            &self,
            locations: BoxStream<'static, object_store::Result<Path>>,
        ) -> BoxStream<'static, object_store::Result<Path>> {
            let (ghosts, stale) = (self.ghosts.clone(), self.stale);
            let noted = locations.map(move |at| {
                if let Ok(at) = &at {
                    // Deleting a ghost again does not make it linger longer.
                    ghosts.lock().unwrap().entry(at.clone()).or_insert(stale);
                }
                at
            });
            self.live.delete_stream(noted.boxed())
        }

        fn list(&self, prefix: Option<&Path>) -> BoxStream<'static, object_store::Result<ObjectMeta>> {
            let shown: Vec<ObjectMeta> = {
                let seen = self.seen.lock().unwrap();
                let mut ghosts = self.ghosts.lock().unwrap();
                ghosts
                    .iter_mut()
                    .filter(|(at, left)| **left > 0 && prefix.is_none_or(|p| at.prefix_matches(p)))
                    .filter_map(|(at, left)| {
                        *left -= 1;
                        seen.get(at).cloned()
                    })
                    .collect()
            };
            let seen = self.seen.clone();
            self.live
                .list(prefix)
                .map(move |meta| {
                    if let Ok(m) = &meta {
                        seen.lock().unwrap().insert(m.location.clone(), m.clone());
                    }
                    meta
                })
                .chain(stream::iter(shown.into_iter().map(Ok)))
                .boxed()
        }

        async fn list_with_delimiter(&self, prefix: Option<&Path>) -> object_store::Result<ListResult> {
            self.live.list_with_delimiter(prefix).await
        }

        async fn copy_opts(&self, from: &Path, to: &Path, options: CopyOptions) -> object_store::Result<()> {
            self.live.copy_opts(from, to, options).await
        }
    }

    /// Empties one person's prefix in a store whose listing trails by
    /// `stale` listings; returns how that went and what another person
    /// still has.
    async fn empty_prefix(stale: usize) -> (Result<()>, Vec<String>) {
        let files = Files {
            store: Arc::new(Trailing {
                live: InMemory::new(),
                stale,
                seen: Arc::default(),
                ghosts: Arc::default(),
            }),
        };
        for path in ["p/a/avatar/1", "p/a/attachment/2", "p/b/avatar/3"] {
            files.put(path, b"bytes".to_vec()).await.unwrap();
        }
        let emptied = files.delete("p/a/").await;
        (emptied, files.list("p/b/").await.unwrap())
    }

    #[tokio::test]
    async fn a_prefix_is_emptied_once_a_listing_agrees_even_when_listings_trail_the_deletes() {
        for stale in [0, 1, 3] {
            let (emptied, others) = empty_prefix(stale).await;
            assert!(emptied.is_ok(), "trailing by {stale}: {emptied:?}");
            assert_eq!(others, ["p/b/avatar/3"], "another person's file stays");
        }
    }

    #[tokio::test]
    async fn a_prefix_whose_listing_never_agrees_stays_owed() {
        let (emptied, others) = empty_prefix(EMPTYING_PAUSES_MS.len() - 1).await;
        assert!(matches!(emptied, Err(Error::Internal(_))), "{emptied:?}");
        assert_eq!(others, ["p/b/avatar/3"]);
    }
}
