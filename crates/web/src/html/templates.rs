//! What every page shares: the layout's [`Page`] data, a form's typed
//! values and errors ([`FormState`]), and the pages several features show
//! (errors, messages, a one-form page). A feature's own page structs live
//! in its module, beside the handlers that render them.

use crate::ctx::Ctx;
use crate::i18n::I18n;
use askama::Template;
use askama_web::WebTemplate;
use axum::response::{IntoResponse, Response};
use std::collections::BTreeMap;

/// What every page's layout needs.
pub struct Page {
    pub i18n: I18n,
    pub title_key: &'static str,
    pub csrf: String,
    pub signed_in: bool,
    pub account_id: String,
    pub display_name: String,
    pub is_staff: bool,
    /// Staff who handle money (the finance console).
    pub handles_money: bool,
    /// Staff who settle disputes over lessons.
    pub settles_disputes: bool,
    /// Staff who handle reports of messages.
    pub handles_reports: bool,
    /// Notices not read yet.
    pub unread: i64,
    /// Messages not read yet.
    pub unread_messages: i64,
    pub path: String,
    pub locales: &'static [(&'static str, &'static str)],
    /// The cookie banner: until this browser has answered the current
    /// consent request (never on the choices page itself).
    pub show_banner: bool,
}

/// Interface languages, each named in itself.
pub const LOCALES: &[(&str, &str)] = &[
    ("en", "English"),
    ("ja", "日本語"),
    ("zh-CN", "简体中文"),
    ("es", "Español"),
];

impl Page {
    pub fn new(ctx: &Ctx, title_key: &'static str) -> Self {
        let p = ctx.principal.as_ref();
        Self {
            i18n: ctx.i18n(),
            title_key,
            csrf: ctx.csrf.clone(),
            signed_in: p.is_some(),
            account_id: p.map(|p| p.account_id.to_string()).unwrap_or_default(),
            display_name: p.map(|p| p.display_name.clone()).unwrap_or_default(),
            is_staff: p.is_some_and(|p| p.staff_role.is_some()),
            handles_money: p.and_then(|p| p.staff_role).is_some_and(|r| r.can_handle_money()),
            settles_disputes: p.and_then(|p| p.staff_role).is_some_and(|r| r.can_settle_disputes()),
            handles_reports: p.and_then(|p| p.staff_role).is_some_and(|r| r.can_handle_reports()),
            unread: ctx.unread,
            unread_messages: ctx.unread_messages,
            path: ctx.path.clone(),
            locales: LOCALES,
            show_banner: ctx.path != "/cookies" && !ctx.visitor_answered,
        }
    }
}

/// Submitted values and per-field error messages, to show a form again.
#[derive(Default)]
pub struct FormState {
    pub values: BTreeMap<String, String>,
    pub errors: Vec<(String, String)>,
}

impl FormState {
    pub fn with_values<'a>(pairs: impl IntoIterator<Item = (&'a str, String)>) -> Self {
        Self {
            values: pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
            errors: Vec::new(),
        }
    }

    pub fn val(&self, field: &str) -> &str {
        self.values.get(field).map_or("", String::as_str)
    }

    /// What the person typed in `field`, or `stored` when the form was
    /// not sent back (a page showing saved values).
    pub fn val_or(&self, field: &str, stored: impl std::fmt::Display) -> String {
        self.values.get(field).cloned().unwrap_or_else(|| stored.to_string())
    }

    pub fn has(&self, field: &str) -> bool {
        self.errors.iter().any(|(f, _)| f == field)
    }

    /// The first error beside `field`, shown under it.
    pub fn message(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }

    pub fn error(&mut self, i18n: &I18n, field: &str, code: &str) {
        self.errors.push((field.to_owned(), i18n.t(&format!("error-{code}"))));
    }

    /// Every field's error of a refused parse, each beside its field.
    pub fn invalid(&mut self, i18n: &I18n, errors: &[koine_domain::Invalid]) {
        for e in errors {
            self.error(i18n, e.field, e.code);
        }
    }

    /// A refused call's message beside its field.
    pub fn refused(&mut self, i18n: &I18n, e: &crate::error::FieldError) {
        self.errors.push((e.field.to_owned(), i18n.t(&e.message_key)));
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub page: Page,
    pub message_key: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "message.html")]
pub struct MessagePage {
    pub page: Page,
    pub body: String,
    pub link: Option<(&'static str, &'static str)>,
}

/// Every IANA zone name the bundled database knows, for pickers.
pub fn time_zone_names() -> Vec<String> {
    jiff::tz::db().available().map(|n| n.to_string()).collect()
}

pub struct InputField {
    pub name: &'static str,
    pub label_key: &'static str,
    pub kind: &'static str,
    pub autocomplete: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "single_form.html")]
pub struct SingleFormPage {
    pub page: Page,
    pub lead: Option<String>,
    pub action: &'static str,
    pub hidden: Vec<(&'static str, String)>,
    pub fields: Vec<InputField>,
    pub submit_key: &'static str,
    pub form: FormState,
}

/// A recorded disclosure, in the reader's language.
pub struct DisclosureLine {
    pub disclosed_at: i64,
    pub recipient_kind: String,
    pub recipient: String,
    pub categories: String,
    pub reason: String,
}

pub struct NoticeRow {
    pub category: String,
    pub purposes: String,
    pub basis: String,
    pub sources: String,
    pub retention: String,
}

/// A page that only says something (and perhaps links on).
pub fn message(ctx: &Ctx, title: &'static str, body: String, link: Option<(&'static str, &'static str)>) -> Response {
    MessagePage {
        page: Page::new(ctx, title),
        body,
        link,
    }
    .into_response()
}
