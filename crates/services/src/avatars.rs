//! Profile pictures: decoded and re-encoded server-side, which drops EXIF/GPS
//! and anything that is not pixels; limited in bytes and dimensions.

use crate::files::ObjectKind;
use crate::{Error, Result, Services};
use image::{ImageFormat, ImageReader, Limits};
use koine_domain::Invalid;
use koine_domain::profile::Viewer;
use koine_store::repo::objects::{self, ObjectRow};
use koine_store::repo::profiles;
use std::io::Cursor;
use uuid::Uuid;

pub const MAX_BYTES: usize = 5 * 1024 * 1024;
const MAX_SIDE: u32 = 8000;
const STORED_SIDE: u32 = 512;

/// A reader of an uploaded picture in one of `formats` (judged by its
/// bytes), refusing to decode one wider or taller than `max_side` pixels or
/// needing more than `max_mib` of memory.
pub(crate) fn picture_reader<'a>(
    bytes: &'a [u8],
    formats: &[ImageFormat],
    max_side: u32,
    max_mib: u64,
) -> Option<ImageReader<Cursor<&'a [u8]>>> {
    let mut reader = ImageReader::new(Cursor::new(bytes)).with_guessed_format().ok()?;
    if !reader.format().is_some_and(|f| formats.contains(&f)) {
        return None;
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(max_side);
    limits.max_image_height = Some(max_side);
    limits.max_alloc = Some(max_mib * 1024 * 1024);
    reader.limits(limits);
    Some(reader)
}

/// Decodes an upload and returns a clean PNG of at most 512×512 pixels.
pub fn reencode(bytes: &[u8]) -> Result<Vec<u8>, Invalid> {
    let bad = || Invalid::new("avatar", "not-an-image");
    if bytes.len() > MAX_BYTES {
        return Err(Invalid::new("avatar", "file-too-large"));
    }
    let formats = [ImageFormat::Png, ImageFormat::Jpeg, ImageFormat::WebP, ImageFormat::Gif];
    let img = picture_reader(bytes, &formats, MAX_SIDE, 256)
        .ok_or_else(bad)?
        .decode()
        .map_err(|_| bad())?;
    let img = if img.width() > STORED_SIDE || img.height() > STORED_SIDE {
        img.thumbnail(STORED_SIDE, STORED_SIDE)
    } else {
        img
    };
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
        .map_err(|_| bad())?;
    Ok(out)
}

impl Services {
    pub async fn set_avatar(&self, account: Uuid, upload: &[u8]) -> Result<Uuid> {
        let bytes = upload.to_vec();
        let png = tokio::task::spawn_blocking(move || reencode(&bytes))
            .await
            .map_err(Error::internal)??;
        let object = self
            .put_object(account, (ObjectKind::Avatar, "image/png"), Uuid::now_v7(), png)
            .await?;
        match self.replace_avatar(account, Some(&object)).await {
            Ok(()) => Ok(object.id),
            Err(e) => {
                self.discard_object(&object).await;
                Err(e)
            }
        }
    }

    /// Makes `new` (none: no picture) the member's picture, in one
    /// transaction that lets go of the old one; then deletes the old file.
    async fn replace_avatar(&self, account: Uuid, new: Option<&ObjectRow>) -> Result<()> {
        let now = self.clock.now_us();
        let mut tx = self.db.begin().await?;
        let old = profiles::get(tx.conn(), account)
            .await?
            .ok_or(Error::NotFound)?
            .avatar_id;
        if let Some(new) = new {
            objects::insert(tx.conn(), new).await?;
        }
        profiles::set_avatar(tx.conn(), account, new.map(|n| n.id), now).await?;
        let released = match old {
            Some(old) => objects::release(tx.conn(), old, now).await?,
            None => None,
        };
        tx.commit().await?;
        self.delete_from_store(released.into_iter().collect()).await;
        Ok(())
    }

    /// Whether `viewer` (none: a visitor) may see picture `avatar`, as its
    /// owner chose; a restricted account's picture is its owner's alone.
    /// Unknown pictures and refusals alike are "not found".
    pub async fn may_see_avatar(&self, viewer: Option<Uuid>, avatar: Uuid) -> Result<()> {
        let mut c = self.db.acquire().await?;
        let owner = profiles::avatar_owner(c.conn(), avatar).await?.ok_or(Error::NotFound)?;
        let viewer = match viewer {
            Some(v) if v == owner.account_id => Viewer::Owner,
            _ if owner.restricted => return Err(Error::NotFound),
            Some(_) => Viewer::Member,
            None => Viewer::Anonymous,
        };
        if owner.avatar_visibility.visible_to(viewer) {
            Ok(())
        } else {
            Err(Error::NotFound)
        }
    }

    pub async fn remove_avatar(&self, account: Uuid) -> Result<()> {
        self.replace_avatar(account, None).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_pixel(w, h, image::Rgb([200, 30, 30]));
        let mut out = Vec::new();
        image::DynamicImage::ImageRgb8(img)
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn reencodes_and_shrinks() {
        let out = reencode(&png(1200, 600)).unwrap();
        let back = image::load_from_memory(&out).unwrap();
        assert_eq!((back.width(), back.height()), (512, 256));
    }

    #[test]
    fn rejects_non_images_and_oversize() {
        assert_eq!(reencode(b"%PDF-1.7 not an image").unwrap_err().code, "not-an-image");
        let mut truncated = png(10, 10);
        truncated.truncate(30);
        assert_eq!(reencode(&truncated).unwrap_err().code, "not-an-image");
        assert_eq!(reencode(&vec![0u8; MAX_BYTES + 1]).unwrap_err().code, "file-too-large");
    }

    #[test]
    fn strips_exif_from_jpeg() {
        let img = image::RgbImage::from_pixel(20, 20, image::Rgb([1, 2, 3]));
        let mut jpeg = Vec::new();
        image::DynamicImage::ImageRgb8(img)
            .write_to(&mut Cursor::new(&mut jpeg), ImageFormat::Jpeg)
            .unwrap();
        // Splice an APP1 Exif segment carrying a GPS-looking marker after SOI.
        let payload = b"Exif\0\0GPSLatitude=35.6";
        let mut app1 = vec![0xFF, 0xE1];
        app1.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
        app1.extend_from_slice(payload);
        let mut with_exif = jpeg[..2].to_vec();
        with_exif.extend_from_slice(&app1);
        with_exif.extend_from_slice(&jpeg[2..]);
        let out = reencode(&with_exif).unwrap();
        assert!(!out.windows(11).any(|w| w == b"GPSLatitude"));
        assert!(!out.windows(4).any(|w| w == b"Exif"));
    }
}
