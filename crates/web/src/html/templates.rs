//! Template structs: one per page, each holding the common [`Page`] data.

use crate::ctx::Ctx;
use crate::i18n::I18n;
use askama::Template;
use askama_web::WebTemplate;
use koine_services::profiles::ProfileView;
use koine_services::staff::MemberRecord;
use koine_store::repo::accounts::MemberSummary;
use koine_store::repo::audit::AuditRow;
use std::collections::BTreeMap;
use uuid::Uuid;

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
    /// Notices not read yet.
    pub unread: i64,
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
            unread: ctx.unread,
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

    pub fn has(&self, field: &str) -> bool {
        self.errors.iter().any(|(f, _)| f == field)
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

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
pub struct HomePage {
    pub page: Page,
    /// Breaches the member was told of: (title, description, when).
    pub security_notices: Vec<(String, String, i64)>,
    /// Whether the member's consents must be asked for again.
    pub ask_consent_again: bool,
    /// Teachers to suggest (personalised only where the learner allowed it).
    pub suggested: Vec<HitLine>,
}

#[derive(Template, WebTemplate)]
#[template(path = "staff_breaches.html")]
pub struct StaffBreachesPage {
    pub page: Page,
    pub breaches: Vec<koine_services::breaches::Breach>,
    pub categories: Vec<(&'static str, String)>,
    pub now: i64,
    /// The supervisory authority must hear within this long of discovery.
    pub report_within: i64,
    pub form: FormState,
}

#[derive(Template, WebTemplate)]
#[template(path = "staff_breach.html")]
pub struct StaffBreachPage {
    pub page: Page,
    pub b: koine_services::breaches::Breach,
    pub affected: usize,
    pub report_due: i64,
    pub now: i64,
}

#[derive(Template, WebTemplate)]
#[template(path = "signup.html")]
pub struct SignupPage {
    pub page: Page,
    pub form: FormState,
    pub time_zones: Vec<String>,
}

/// Every IANA zone name the bundled database knows, for pickers.
pub fn time_zone_names() -> Vec<String> {
    jiff::tz::db().available().map(|n| n.to_string()).collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub page: Page,
    pub identifier: String,
    pub message: Option<String>,
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

#[derive(Template, WebTemplate)]
#[template(path = "profile.html")]
pub struct ProfilePage {
    pub page: Page,
    pub profile: ProfileView,
    pub initial: String,
    pub is_owner: bool,
}

pub struct OptionalField {
    pub name: &'static str,
    pub label_key: &'static str,
    pub choices: Vec<(String, String)>,
    pub readonly: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "profile_edit.html")]
pub struct ProfileEditPage {
    pub page: Page,
    pub form: FormState,
    pub saved: bool,
    pub avatar_url: Option<String>,
    pub countries: Vec<(&'static str, String)>,
    pub time_zones: Vec<String>,
    pub languages: Vec<(&'static str, String)>,
    pub levels: Vec<(&'static str, String)>,
    pub visibilities: Vec<(&'static str, String)>,
    pub slots: Vec<usize>,
    pub optional: Vec<OptionalField>,
}

pub struct SessionLine {
    pub id: Uuid,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub current: bool,
}

/// One entry of the member's security log, in their language.
pub struct SecurityLine {
    pub what: String,
    pub at: i64,
    pub device: Option<String>,
    /// The full address for a week, then only its network.
    pub network: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "settings.html")]
pub struct SettingsPage {
    pub page: Page,
    pub contact: koine_services::accounts::ContactDetails,
    pub sessions: Vec<SessionLine>,
    pub security_events: Vec<SecurityLine>,
    /// A teacher's verified legal name (they ask for corrections of it).
    pub real_name: Option<String>,
    pub notice: Option<String>,
    pub form: FormState,
    /// For a member under 18: when a guardian confirmed, if one has.
    pub guardian_confirmed_at: Option<i64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "staff_members.html")]
pub struct StaffMembersPage {
    pub page: Page,
    pub query: String,
    pub members: Vec<MemberSummary>,
    pub can_audit: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "staff_member.html")]
pub struct StaffMemberPage {
    pub page: Page,
    pub member_id: Uuid,
    pub record: Option<MemberRecord>,
    pub holds: Vec<koine_store::repo::holds::HoldRow>,
    pub can_hold: bool,
    pub can_ban: bool,
    /// Recording and reading disclosures (trust & safety, privacy officer).
    pub can_disclose: bool,
    pub disclosures: Vec<DisclosureLine>,
    /// Category → localized name, for the disclosure form.
    pub categories: Vec<(&'static str, String)>,
}

/// A recorded disclosure, in the reader's language.
pub struct DisclosureLine {
    pub disclosed_at: i64,
    pub recipient_kind: String,
    pub recipient: String,
    pub categories: String,
    pub reason: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "staff_audit.html")]
pub struct StaffAuditPage {
    pub page: Page,
    pub events: Vec<AuditRow>,
}

pub struct NoticeRow {
    pub category: String,
    pub purposes: String,
    pub basis: String,
    pub sources: String,
    pub retention: String,
}

pub struct NoticeSection {
    pub about: String,
    pub rows: Vec<NoticeRow>,
}

#[derive(Template, WebTemplate)]
#[template(path = "delete.html")]
pub struct DeletePage {
    pub page: Page,
    /// What erasure deletes of this member.
    pub deleted: Vec<String>,
    /// Credit, earnings and coupons given up.
    pub forfeited: Vec<String>,
    pub open_lessons: usize,
    pub open_packages: usize,
    /// What must be settled before the account can go.
    pub blockers: Vec<String>,
    /// What stays after erasure, and for how long.
    pub kept: Vec<(String, String)>,
    /// How long invoices keep the name they were issued to.
    pub invoice_years: u32,
    pub form: FormState,
    /// A legal hold prevents deletion for now.
    pub held: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "privacy_choices.html")]
pub struct PrivacyChoicesPage {
    pub page: Page,
    /// Purpose name, whether it is given, and whether a browser signal decides it.
    pub choices: Vec<(&'static str, bool, bool)>,
    pub history: Vec<koine_store::repo::consent::ConsentRow>,
    pub gpc: bool,
    pub dnt: bool,
    pub saved: bool,
    /// Since when processing is restricted, if it is.
    pub restricted_since: Option<i64>,
    /// Purposes one can object to.
    pub objectable: Vec<&'static str>,
    /// Purposes consented to before the consent request changed.
    pub ask_again: Vec<&'static str>,
}

pub struct HeldSection {
    pub title: String,
    pub rows: i64,
    pub rows_detail: Vec<NoticeRow>,
}

#[derive(Template, WebTemplate)]
#[template(path = "my_data.html")]
pub struct MyDataPage {
    pub page: Page,
    pub sections: Vec<HeldSection>,
    /// Who the data was given to outside Koine, as recorded.
    pub disclosures: Vec<DisclosureLine>,
    /// What the member allows now, purpose by purpose (from the ledger).
    pub consents: Vec<(String, String)>,
    /// Who processes data for the operator (from configuration).
    pub processors: Vec<koine_services::policy::Processor>,
    /// When and what staff looked at.
    pub staff_access: Vec<(i64, String)>,
    pub exports: Vec<ExportLine>,
}

/// An export the person asked for, on "Your data".
pub struct ExportLine {
    pub id: String,
    pub requested_at: i64,
    pub ready: bool,
    pub expires_at: i64,
    pub kib: i64,
}

#[derive(Template, WebTemplate)]
#[template(path = "cookies.html")]
pub struct CookiesPage {
    pub page: Page,
    /// Purpose name, whether it is given, and whether a browser signal decides it.
    pub choices: Vec<(&'static str, bool, bool)>,
    pub gpc: bool,
    pub saved: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "request_form.html")]
pub struct RequestFormPage {
    pub page: Page,
    pub form: FormState,
    pub kinds: &'static [koine_domain::requests::RequestKind],
    pub regimes: &'static [koine_domain::requests::Regime],
    pub relations: &'static [koine_domain::requests::Relation],
}

#[derive(Template, WebTemplate)]
#[template(path = "staff_requests.html")]
pub struct StaffRequestsPage {
    pub page: Page,
    pub requests: Vec<koine_services::requests::PrivacyRequest>,
    pub now: i64,
}

#[derive(Template, WebTemplate)]
#[template(path = "staff_request.html")]
pub struct StaffRequestPage {
    pub page: Page,
    pub req: koine_services::requests::PrivacyRequest,
    pub open: bool,
    pub extendable: bool,
    /// The field to correct (localized) and its corrected value.
    pub correction: Option<(String, String)>,
    pub now: i64,
    /// An erasure the officer can carry out here.
    pub erasable: bool,
    /// An access or export request the officer can carry out here.
    pub exportable: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "records.html")]
pub struct RecordsPage {
    pub page: Page,
    pub rows: Vec<RecordsRow>,
    pub records: koine_services::records::Records,
}

/// One processing activity, in the reader's language.
pub struct RecordsRow {
    pub purpose: String,
    pub categories: String,
    pub bases: String,
    /// "Table (name): how long", one per table.
    pub tables: Vec<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "teach.html")]
pub struct TeachPage {
    pub page: Page,
    pub teacher: bool,
    pub adult: bool,
    pub can_apply: bool,
    pub application: Option<koine_services::teaching::applications::MyApplication>,
    pub form: FormState,
    pub has_photo: bool,
    pub countries: Vec<(&'static str, String)>,
    pub languages: Vec<(&'static str, String)>,
    pub levels: Vec<(&'static str, String)>,
    pub language_slots: Vec<usize>,
    pub certificate_slots: Vec<usize>,
}

#[derive(Template, WebTemplate)]
#[template(path = "staff_applications.html")]
pub struct StaffApplicationsPage {
    pub page: Page,
    pub status: &'static str,
    pub statuses: Vec<&'static str>,
    pub applications: Vec<koine_store::repo::teaching::QueueRow>,
}

#[derive(Template, WebTemplate)]
#[template(path = "staff_application.html")]
pub struct StaffApplicationPage {
    pub page: Page,
    pub r: koine_services::teaching::applications::ForReview,
    pub open: bool,
    /// Waiting for a decision (not for the applicant's answer).
    pub answerable: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "teach_manage.html")]
pub struct TeachManagePage {
    pub page: Page,
    pub saved: bool,
    pub form: FormState,
    pub homepage_id: Uuid,
    pub visibilities: Vec<(&'static str, String)>,
    pub offerings: Vec<koine_services::teaching::offerings::Offering>,
    pub languages: Vec<(String, String)>,
    pub levels: Vec<(&'static str, String)>,
    pub countries: Vec<(&'static str, String)>,
    pub all_languages: Vec<(&'static str, String)>,
    /// Levels one may teach at.
    pub taught_levels: Vec<(&'static str, String)>,
    pub language_slots: Vec<usize>,
    pub durations: Vec<u16>,
    pub package_sizes: Vec<u16>,
    pub currency: String,
    pub availability: koine_services::teaching::availability::Availability,
    pub weekdays: Vec<(u8, String)>,
    /// Empty rows offered for new weekly windows.
    pub new_rules: Vec<usize>,
    pub trial_price: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "teachers.html")]
pub struct TeachersPage {
    pub page: Page,
    pub form: FormState,
    pub results: Vec<HitLine>,
    pub more: bool,
    pub page_no: usize,
    /// The query string without `page`, to link to the next page.
    pub query: String,
    pub languages: Vec<(&'static str, String)>,
    pub countries: Vec<(&'static str, String)>,
    pub weekdays: Vec<(u8, String)>,
    pub chosen_days: Vec<u8>,
    pub time_zone: String,
    pub time_zones: Vec<String>,
    pub sorts: Vec<(&'static str, String)>,
}

/// A search result, ready to show in the learner's language and zone.
pub struct HitLine {
    pub id: Uuid,
    pub display_name: String,
    pub avatar_url: Option<String>,
    pub professional: bool,
    pub country: Option<String>,
    pub headline: Option<String>,
    pub languages: String,
    pub price: String,
    pub trial_price: Option<String>,
    pub rating: Option<String>,
    pub next_slot: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "teacher.html")]
pub struct TeacherPage {
    pub page: Page,
    pub h: koine_services::teaching::homepage::Homepage,
    pub professional: bool,
    pub owner: bool,
    pub languages: String,
    pub country: Option<String>,
    pub offerings: Vec<OfferingLine>,
    pub trial_price: Option<String>,
    pub rating: Option<String>,
    /// Upcoming slots by day, in the viewer's time zone: (time, instant).
    pub days: Vec<(String, Vec<(String, String)>)>,
    pub viewer_zone: String,
    pub slot_minutes: u16,
    /// The offering the slots are for (booking links open with it).
    pub slot_offering: Option<uuid::Uuid>,
    pub reviews: Vec<ReviewLine>,
}

/// A review on a homepage.
pub struct ReviewLine {
    pub id: uuid::Uuid,
    pub stars: String,
    pub author: String,
    pub date: String,
    pub body: Option<String>,
    pub reply: Option<String>,
}

pub struct OfferingLine {
    pub id: uuid::Uuid,
    pub language: String,
    pub levels: String,
    pub minutes: u16,
    pub price: String,
    pub paused: bool,
    /// (lessons, discount, total price).
    pub packages: Vec<(u16, u8, String)>,
}
