//! Files in and out, for the pages and the API alike: uploads read from a
//! multipart body with a cap, a message sent as a multipart body, and a
//! stored file answered (never cached by others, never sniffed).

use axum::extract::multipart::Field;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use koine_domain::messaging::MAX_ATTACHMENTS;
use koine_domain::uploads::DOCUMENT_MAX_BYTES;
use koine_services::attachments::Upload;

/// The largest body a message with files may have.
pub const MESSAGE_BODY_LIMIT: usize = (MAX_ATTACHMENTS + 1) * (DOCUMENT_MAX_BYTES + 64 * 1024);

/// Why a multipart body was not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unreadable {
    /// A file, or the whole body, is larger than allowed.
    TooLarge,
    /// A field this form does not have.
    UnknownField,
    /// Not a well-formed multipart body.
    Malformed,
}

impl From<Unreadable> for crate::error::PageError {
    fn from(u: Unreadable) -> Self {
        use axum::http::StatusCode;
        match u {
            Unreadable::TooLarge => Self::Status(StatusCode::PAYLOAD_TOO_LARGE, "error-file-too-large"),
            Unreadable::UnknownField => Self::Status(StatusCode::BAD_REQUEST, "error-unknown-field"),
            Unreadable::Malformed => Self::Status(StatusCode::BAD_REQUEST, "error-bad-request"),
        }
    }
}

impl From<Unreadable> for crate::error::Problem {
    fn from(u: Unreadable) -> Self {
        use axum::http::StatusCode;
        match u {
            Unreadable::TooLarge => Self::new(StatusCode::PAYLOAD_TOO_LARGE, "too-large", "The body is too large."),
            Unreadable::UnknownField => Self::new(StatusCode::BAD_REQUEST, "unknown-field", "A field is not known."),
            Unreadable::Malformed => {
                Self::new(StatusCode::BAD_REQUEST, "bad-request", "The request is not acceptable.")
            }
        }
    }
}

/// A field's bytes, at most `cap` of them (none when it is empty: a file
/// input left blank).
pub async fn capped(mut field: Field<'_>, cap: usize) -> Result<Option<Vec<u8>>, Unreadable> {
    let mut out = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(|_| Unreadable::TooLarge)? {
        if out.len() + chunk.len() > cap {
            return Err(Unreadable::TooLarge);
        }
        out.extend_from_slice(&chunk);
    }
    Ok((!out.is_empty()).then_some(out))
}

/// A message as a multipart body: its text and files, and from a page its
/// CSRF token and idempotency key (the API sends the key as a header).
#[derive(Debug, Default)]
pub struct MessageForm {
    pub body: String,
    pub csrf: Option<String>,
    pub idempotency_key: Option<String>,
    pub files: Vec<Upload>,
}

/// How a message was sent: as a multipart body (with files), or otherwise
/// (the request is handed back to its own reader).
pub enum Sent {
    Multipart(MessageForm),
    Other(Request),
}

impl MessageForm {
    /// Reads a message sent as `multipart/form-data`; `page` forms may
    /// carry `csrf` and `idempotency_key`.
    pub async fn of(req: Request, page: bool) -> Result<Sent, Unreadable> {
        let multipart = req
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"multipart/form-data"));
        if !multipart {
            return Ok(Sent::Other(req));
        }
        let mp = Multipart::from_request(req, &())
            .await
            .map_err(|_| Unreadable::Malformed)?;
        Self::read(mp, page).await.map(Sent::Multipart)
    }

    async fn read(mut mp: Multipart, page: bool) -> Result<Self, Unreadable> {
        let mut form = Self::default();
        while let Some(field) = mp.next_field().await.map_err(|_| Unreadable::Malformed)? {
            let name = field.name().unwrap_or_default().to_owned();
            if name == "files" {
                let file_name = field.file_name().unwrap_or_default().to_owned();
                // One more than allowed is read, so that the count is refused
                // by the rule that says how many (not by the body's size).
                if form.files.len() > MAX_ATTACHMENTS {
                    return Err(Unreadable::TooLarge);
                }
                if let Some(bytes) = capped(field, DOCUMENT_MAX_BYTES + 1).await? {
                    form.files.push(Upload { name: file_name, bytes });
                }
                continue;
            }
            let value = field.text().await.map_err(|_| Unreadable::Malformed)?;
            match name.as_str() {
                "body" => form.body = value,
                "csrf" if page => form.csrf = Some(value),
                "idempotency_key" if page => form.idempotency_key = Some(value),
                _ => return Err(Unreadable::UnknownField),
            }
        }
        Ok(form)
    }
}

/// A stored file: shown in place when it is a picture, else downloaded
/// under its name.
pub fn stored_file(content_type: String, bytes: Vec<u8>, name: &str) -> Response {
    let how = if content_type.starts_with("image/") {
        "inline"
    } else {
        "attachment"
    };
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_DISPOSITION, disposition(how, name)),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

/// `how; filename="ascii"; filename*=UTF-8''percent-encoded` (RFC 6266):
/// every browser gets a safe name, current ones the name as written.
fn disposition(how: &str, name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::with_capacity(name.len() * 3);
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("{how}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_safe_in_the_header() {
        assert_eq!(
            disposition("attachment", "Deberes 3.pdf"),
            "attachment; filename=\"Deberes 3.pdf\"; filename*=UTF-8''Deberes%203.pdf"
        );
        assert_eq!(
            disposition("inline", "añadir\".png"),
            "inline; filename=\"a_adir_.png\"; filename*=UTF-8''a%C3%B1adir%22.png"
        );
    }
}
