//! Files sent with messages: checked by their bytes, pictures decoded and
//! re-encoded (which drops EXIF, GPS and anything that is not pixels), put
//! in the file store under the sender's prefix, sealed with a key of their
//! own under the sender's key, and opened only for the conversation's
//! members.

use crate::accounts::Principal;
use crate::files::ObjectKind;
use crate::{Error, Result, Services};
use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageDecoder, ImageFormat};
use koine_domain::messaging::{attachment_kinds, attachment_name};
use koine_domain::uploads::FileKind;
use koine_domain::{Invalid, Valid};
use koine_store::Conn;
use koine_store::repo::conversations::{self as repo, AttachmentLine, AttachmentRow};
use koine_store::repo::objects::{self, ObjectRow};
use serde::Serialize;
use std::io::Cursor;
use uuid::Uuid;

/// The label earlier versions sealed a file into its row under (the data
/// map names it too); such files move to the store when a node starts.
pub const SEALED_AS: &str = "message_attachments.file";

/// The largest picture side decoded, in pixels.
const MAX_SIDE: u32 = 10_000;

/// A file as the sender's device sent it.
#[derive(Debug, Clone)]
pub struct Upload {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// A file ready to store: its shown name, its kind, and clean bytes.
#[derive(Debug, Clone)]
pub(crate) struct CleanFile {
    pub name: String,
    pub kind: FileKind,
    pub bytes: Vec<u8>,
}

/// A file put in the store, waiting for its message's transaction to
/// index it (or, should that fail, to be discarded).
#[derive(Debug, Clone)]
pub(crate) struct PutFile {
    pub name: String,
    pub object: ObjectRow,
}

/// A message's file as its members see it listed.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct Attachment {
    pub id: Uuid,
    pub name: String,
    pub content_type: String,
    pub size_bytes: i64,
}

impl From<AttachmentLine> for Attachment {
    fn from(a: AttachmentLine) -> Self {
        Self {
            id: a.id,
            name: a.name,
            content_type: a.content_type,
            size_bytes: a.size_bytes,
        }
    }
}

/// A file opened for one of its conversation's members.
#[derive(Debug, Clone)]
pub struct OpenedFile {
    pub conversation: Uuid,
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// Checks every file and cleans the pictures (off the async runtime:
/// decoding is CPU work). Every file's error is reported under `files`.
pub(crate) async fn clean(uploads: &[Upload]) -> Result<Vec<CleanFile>> {
    if uploads.is_empty() {
        return Ok(Vec::new());
    }
    let kinds = attachment_kinds(uploads.iter().map(|u| u.bytes.as_slice()))?;
    let uploads = uploads.to_vec();
    tokio::task::spawn_blocking(move || {
        uploads
            .into_iter()
            .zip(kinds)
            .map(|(u, kind)| {
                Ok(CleanFile {
                    name: attachment_name(&u.name, kind),
                    kind,
                    bytes: match kind {
                        FileKind::Jpeg | FileKind::Png => repaint(&u.bytes, kind)?,
                        _ => u.bytes,
                    },
                })
            })
            .collect::<Valid<Vec<_>>>()
    })
    .await
    .map_err(Error::internal)?
    .map_err(Error::from)
}

/// Decodes a picture and encodes its pixels again in the same format,
/// turned the way its EXIF orientation said (the tag itself is dropped).
fn repaint(bytes: &[u8], kind: FileKind) -> Valid<Vec<u8>> {
    let bad = || Invalid::new("files", "not-a-document");
    let format = match kind {
        FileKind::Jpeg => ImageFormat::Jpeg,
        _ => ImageFormat::Png,
    };
    let reader = crate::avatars::picture_reader(bytes, &[format], MAX_SIDE, 512).ok_or_else(bad)?;
    let mut decoder = reader.into_decoder().map_err(|_| bad())?;
    let orientation = decoder.orientation().map_err(|_| bad())?;
    let mut picture = DynamicImage::from_decoder(decoder).map_err(|_| bad())?;
    picture.apply_orientation(orientation);
    let mut out = Vec::new();
    match kind {
        FileKind::Jpeg => JpegEncoder::new_with_quality(&mut out, 90)
            .encode_image(&picture.to_rgb8())
            .map_err(|_| bad())?,
        _ => picture
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .map_err(|_| bad())?,
    }
    Ok(out)
}

impl Services {
    /// Puts a message's files in the store, sealed, before the transaction
    /// that writes the message; a file id is its attachment's id.
    pub(crate) async fn put_attachments(&self, sender: Uuid, files: Vec<CleanFile>) -> Result<Vec<PutFile>> {
        let mut put = Vec::with_capacity(files.len());
        let mut store = self.files_of(sender);
        for f in files {
            let content_type = f.kind.content_type();
            match store
                .put((ObjectKind::Attachment, content_type), Uuid::now_v7(), f.bytes)
                .await
            {
                Ok(object) => put.push(PutFile { name: f.name, object }),
                Err(e) => {
                    self.discard_attachments(&put).await;
                    return Err(e);
                }
            }
        }
        Ok(put)
    }

    /// Files put for a message that was not written.
    pub(crate) async fn discard_attachments(&self, files: &[PutFile]) {
        for f in files {
            self.discard_object(&f.object).await;
        }
    }

    /// Lists a message's files and indexes them, in its transaction.
    pub(crate) async fn store_attachments(
        &self,
        mut conn: Conn<'_>,
        message: Uuid,
        conversation: Uuid,
        files: &[PutFile],
        now: i64,
    ) -> Result<Vec<Attachment>> {
        let mut stored = Vec::with_capacity(files.len());
        for (position, f) in files.iter().enumerate() {
            let row = AttachmentRow {
                id: f.object.id,
                message_id: message,
                conversation_id: conversation,
                sender_id: f.object.account_id,
                position: position as i64,
                name: f.name.clone(),
                content_type: f.object.content_type.clone(),
                size_bytes: f.object.size_bytes,
                created_at: now,
            };
            repo::insert_attachment(conn.reborrow(), &row).await?;
            objects::insert(conn.reborrow(), &f.object).await?;
            stored.push(Attachment {
                id: row.id,
                name: row.name,
                content_type: row.content_type,
                size_bytes: row.size_bytes,
            });
        }
        Ok(stored)
    }

    /// A file, for a member of its conversation (anyone else: not found).
    pub async fn attachment(&self, p: &Principal, id: Uuid) -> Result<OpenedFile> {
        let row = {
            let mut c = self.db.acquire().await?;
            let row = repo::attachment(c.conn(), id).await?.ok_or(Error::NotFound)?;
            if repo::member(c.conn(), row.conversation_id, p.account_id)
                .await?
                .is_none()
            {
                return Err(Error::NotFound);
            }
            row
        };
        self.open_attachment(row).await
    }

    /// A listed file, from the store: opened with its sender's key (or,
    /// once they have left, the key of what a report keeps).
    pub(crate) async fn open_attachment(&self, row: AttachmentRow) -> Result<OpenedFile> {
        let bytes = self.read_object(row.id).await?;
        Ok(OpenedFile {
            conversation: row.conversation_id,
            name: row.name,
            content_type: row.content_type,
            bytes,
        })
    }
}
