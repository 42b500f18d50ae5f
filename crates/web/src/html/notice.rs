//! The privacy notice at `/privacy` and each earlier version of it: one
//! page, rendered from what the version stored when it was published, with
//! what changed from the version before.

use super::templates::{NoticeRow, Page};
use super::{category_name, table_title};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::PageError;
use crate::i18n::I18n;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, State};
use axum::routing::get;
use koine_services::policy::{Change, Controller, Notice, NoticeEntryRecord, Processor, PublishedNotice};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/privacy", get(current))
        .route("/privacy/versions/{version}", get(version))
}

/// One purpose asked consent for, as the notice states it.
pub struct ConsentLine {
    pub purpose: String,
    /// The kinds of data it uses; empty: nothing of the kind is done.
    pub uses: String,
    pub in_use: bool,
}

pub struct NoticeSection {
    pub about: String,
    pub rows: Vec<NoticeRow>,
}

#[derive(Template, WebTemplate)]
#[template(path = "privacy.html")]
pub struct PrivacyPage {
    pub page: Page,
    pub version: String,
    pub published_at: i64,
    pub current: bool,
    pub controller: Controller,
    pub sections: Vec<NoticeSection>,
    pub consent: Vec<ConsentLine>,
    /// What Global Privacy Control and Do Not Track refuse (none: this
    /// version did not state it).
    pub signals: Option<(String, String)>,
    pub unconfirmed_days: Option<u32>,
    pub min_age: Option<i16>,
    /// What changed from the version before; `None` for the first.
    pub changes: Option<Vec<String>>,
    /// Every version, newest first.
    pub versions: Vec<(String, i64)>,
}

async fn current(State(st): State<AppState>, ctx: Ctx) -> Result<PrivacyPage, PageError> {
    let published = st.svc.publish_policy().await?;
    let v = st.svc.policy_version_with_changes(&published.version).await?;
    Ok(render(&ctx, v))
}

/// An earlier version of the notice, as it was published.
async fn version(State(st): State<AppState>, ctx: Ctx, Path(version): Path<String>) -> Result<PrivacyPage, PageError> {
    Ok(render(&ctx, st.svc.policy_version_with_changes(&version).await?))
}

fn render(ctx: &Ctx, v: PublishedNotice) -> PrivacyPage {
    let i18n = ctx.i18n();
    let n: Notice = v.notice;
    let purposes = |ps: &[String]| {
        ps.iter()
            .map(|p| i18n.t(&format!("consent-{p}")))
            .collect::<Vec<_>>()
            .join("; ")
    };
    PrivacyPage {
        page: Page::new(ctx, "privacy-title"),
        version: v.version,
        published_at: v.published_at,
        current: v.current,
        sections: sections(&i18n, &n.entries),
        consent: n
            .consent_uses
            .iter()
            .map(|u| ConsentLine {
                purpose: i18n.t(&format!("consent-{}", u.purpose)),
                uses: u
                    .categories
                    .iter()
                    .map(|c| category_name(&i18n, c))
                    .collect::<Vec<_>>()
                    .join("; "),
                in_use: !u.categories.is_empty(),
            })
            .collect(),
        signals: n.signals.as_ref().map(|s| (purposes(&s.gpc), purposes(&s.dnt))),
        unconfirmed_days: n.unconfirmed_erased_after_days,
        min_age: n.min_learner_age,
        changes: v.changes.map(|c| c.iter().map(|c| change_text(&i18n, c)).collect()),
        versions: v.versions,
        controller: n.controller,
    }
}

/// The notice's lines grouped by the table they are held in.
fn sections(i18n: &I18n, entries: &[NoticeEntryRecord]) -> Vec<NoticeSection> {
    let mut sections: Vec<NoticeSection> = Vec::new();
    for e in entries {
        let row = notice_row(i18n, e);
        let about = table_title(i18n, &e.table);
        match sections.last_mut() {
            Some(s) if s.about == about => s.rows.push(row),
            _ => sections.push(NoticeSection { about, rows: vec![row] }),
        }
    }
    sections
}

/// One line of the notice, in the visitor's language.
pub fn notice_row(i18n: &I18n, e: &NoticeEntryRecord) -> NoticeRow {
    let names = |prefix: &str, items: &[String]| {
        items
            .iter()
            .map(|x| i18n.t(&format!("{prefix}-{x}")))
            .collect::<Vec<_>>()
            .join("; ")
    };
    NoticeRow {
        category: category_name(i18n, &e.category),
        purposes: names("purpose", &e.purposes),
        basis: names("basis", &e.bases),
        sources: names("source", &e.sources),
        retention: retention_text(i18n, &e.retention),
    }
}

/// How long a rule keeps data, as the notice stored it.
pub fn retention_text(i18n: &I18n, rule: &serde_json::Value) -> String {
    let number = |k: &str| rule[k].as_u64().unwrap_or_default();
    match rule["rule"].as_str().unwrap_or_default() {
        "account_lifetime" => i18n.t("retention-account_lifetime"),
        "until_instant" => i18n.t("retention-until_instant"),
        "days_after" => i18n.t1("retention-days_after", "days", number("days")),
        "years_after" => i18n.t1("retention-years_after", "years", number("years")),
        "carried_forward" => i18n.t1("retention-carried_forward", "years", number("years")),
        "with_parent" => i18n.t(&format!(
            "retention-with_parent-{}",
            rule["parent"].as_str().unwrap_or_default()
        )),
        _ => i18n.t("retention-system"),
    }
}

fn entry_summary(i18n: &I18n, e: &NoticeEntryRecord) -> String {
    let r = notice_row(i18n, e);
    format!("{}; {}; {}", r.purposes, r.basis, r.retention)
}

fn entry_what(i18n: &I18n, e: &NoticeEntryRecord) -> String {
    format!("{} — {}", table_title(i18n, &e.table), category_name(i18n, &e.category))
}

fn processor_summary(p: &Processor) -> String {
    [p.purpose.as_str(), p.location.as_str(), p.transfer_mechanism.as_str()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

/// One change, in words.
fn change_text(i18n: &I18n, c: &Change) -> String {
    let t = |key: &str, args: &[(&'static str, String)]| koine_services::i18n::t_args(i18n.locale, key, args);
    let categories = |cs: &Option<Vec<String>>| match cs {
        Some(cs) if !cs.is_empty() => cs.iter().map(|c| category_name(i18n, c)).collect::<Vec<_>>().join("; "),
        Some(_) => i18n.t("privacy-consent-none"),
        None => i18n.t("privacy-change-unstated"),
    };
    let number = |n: Option<String>| n.unwrap_or_else(|| i18n.t("privacy-change-unstated"));
    match c {
        Change::Controller { field, before, after } => t(
            "privacy-change-controller",
            &[
                ("field", i18n.t(&format!("privacy-field-{field}"))),
                ("before", before.clone()),
                ("after", after.clone()),
            ],
        ),
        Change::ProcessorAdded(p) => t(
            "privacy-change-processor-added",
            &[("name", p.name.clone()), ("after", processor_summary(p))],
        ),
        Change::ProcessorRemoved(p) => t("privacy-change-processor-removed", &[("name", p.name.clone())]),
        Change::ProcessorChanged { before, after } => t(
            "privacy-change-processor-changed",
            &[
                ("name", after.name.clone()),
                ("before", processor_summary(before)),
                ("after", processor_summary(after)),
            ],
        ),
        Change::EntryAdded(e) => t(
            "privacy-change-entry-added",
            &[("what", entry_what(i18n, e)), ("after", entry_summary(i18n, e))],
        ),
        Change::EntryRemoved(e) => t("privacy-change-entry-removed", &[("what", entry_what(i18n, e))]),
        Change::EntryChanged { before, after } => t(
            "privacy-change-entry-changed",
            &[
                ("what", entry_what(i18n, after)),
                ("before", entry_summary(i18n, before)),
                ("after", entry_summary(i18n, after)),
            ],
        ),
        Change::ConsentUse { purpose, before, after } => t(
            "privacy-change-consent",
            &[
                ("purpose", i18n.t(&format!("consent-{purpose}"))),
                ("before", categories(before)),
                ("after", categories(after)),
            ],
        ),
        Change::Signals { .. } => i18n.t("privacy-change-signals"),
        Change::MinimumAge { before, after } => t(
            "privacy-change-min-age",
            &[
                ("before", number(before.map(|x| x.to_string()))),
                ("after", number(after.map(|x| x.to_string()))),
            ],
        ),
        Change::UnconfirmedErasure { before, after } => t(
            "privacy-change-unconfirmed",
            &[
                ("before", number(before.map(|x| x.to_string()))),
                ("after", number(after.map(|x| x.to_string()))),
            ],
        ),
    }
}
