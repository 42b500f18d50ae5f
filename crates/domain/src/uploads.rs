//! What an uploaded file really is, judged by its first bytes (never by
//! the name or the type the browser claims), and how large it may be.

use crate::{Invalid, Valid};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Pdf,
    Jpeg,
    Png,
    Mp4,
    WebM,
}

impl FileKind {
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Mp4 => "video/mp4",
            Self::WebM => "video/webm",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::Mp4 => "mp4",
            Self::WebM => "webm",
        }
    }

    pub fn from_content_type(ct: &str) -> Option<Self> {
        [Self::Pdf, Self::Jpeg, Self::Png, Self::Mp4, Self::WebM]
            .into_iter()
            .find(|k| k.content_type() == ct)
    }
}

pub fn sniff(bytes: &[u8]) -> Option<FileKind> {
    match bytes {
        [b'%', b'P', b'D', b'F', b'-', ..] => Some(FileKind::Pdf),
        [0xFF, 0xD8, 0xFF, ..] => Some(FileKind::Jpeg),
        [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => Some(FileKind::Png),
        [0x1A, 0x45, 0xDF, 0xA3, ..] => Some(FileKind::WebM),
        [_, _, _, _, b'f', b't', b'y', b'p', ..] => Some(FileKind::Mp4),
        _ => None,
    }
}

/// Documents (identity documents, certificates): PDF or a photo.
pub const DOCUMENT_MAX_BYTES: usize = 10 * 1024 * 1024;
/// A self-introduction video.
pub const VIDEO_MAX_BYTES: usize = 50 * 1024 * 1024;

/// A document upload: a PDF, JPEG or PNG of at most 10 MB.
pub fn document(field: &'static str, bytes: &[u8]) -> Valid<FileKind> {
    if bytes.is_empty() {
        return Err(Invalid::new(field, "required"));
    }
    if bytes.len() > DOCUMENT_MAX_BYTES {
        return Err(Invalid::new(field, "file-too-large"));
    }
    match sniff(bytes) {
        Some(k @ (FileKind::Pdf | FileKind::Jpeg | FileKind::Png)) => Ok(k),
        _ => Err(Invalid::new(field, "not-a-document")),
    }
}

/// A video upload: MP4 or WebM of at most 50 MB.
pub fn video(field: &'static str, bytes: &[u8]) -> Valid<FileKind> {
    if bytes.len() > VIDEO_MAX_BYTES {
        return Err(Invalid::new(field, "file-too-large"));
    }
    match sniff(bytes) {
        Some(k @ (FileKind::Mp4 | FileKind::WebM)) => Ok(k),
        _ => Err(Invalid::new(field, "not-a-video")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_what_their_bytes_say() {
        assert_eq!(document("doc", b"%PDF-1.7 ..."), Ok(FileKind::Pdf));
        assert_eq!(document("doc", &[0xFF, 0xD8, 0xFF, 0xE0, 0]), Ok(FileKind::Jpeg));
        assert_eq!(document("doc", b"GIF89a").unwrap_err().code, "not-a-document");
        assert_eq!(document("doc", b"").unwrap_err().code, "required");
        assert_eq!(
            document("doc", &vec![b'%'; DOCUMENT_MAX_BYTES + 1]).unwrap_err().code,
            "file-too-large"
        );
        assert_eq!(video("video", b"\0\0\0\x20ftypisom"), Ok(FileKind::Mp4));
        assert_eq!(video("video", &[0x1A, 0x45, 0xDF, 0xA3, 1]), Ok(FileKind::WebM));
        assert_eq!(video("video", b"%PDF-1.4").unwrap_err().code, "not-a-video");
        assert_eq!(FileKind::from_content_type("video/webm"), Some(FileKind::WebM));
    }
}
