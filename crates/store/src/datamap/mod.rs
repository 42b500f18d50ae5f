//! The data map (ARCHITECTURE P1): every column of every table, classified.
//!
//! This is the one list of personal data Koine holds. The published notice,
//! `koine privacy map`, export, erasure and retention read it; a test compares
//! it with the live schema of both backends, column for column.

use koine_domain::consent::ConsentPurpose;
pub use koine_domain::privacy::RetentionSettings;
use koine_domain::privacy::{Erasure, LegalBasis, Purpose, Retention, RetentionSetting, Source};
use serde::Serialize;

/// One table of the map, written the way a data map is read:
///
/// ```text
/// table!("name", ["subject_column", …], Defaults::new(purposes, basis, retention, erasure);
///     about "What the table holds, in the notice's words.";
///     CATEGORY => ["column", "column"];
///     CATEGORY => ["column"].erasure(Null).from(Source::Staff);
/// )
/// ```
///
/// Each line gives columns of one category, in the table's order, under the
/// table's defaults and what follows the brackets (as [`ColumnMap`]'s
/// builder methods).
macro_rules! table {
    ($name:literal, [$($subject:literal),* $(,)?], $defaults:expr; about $about:literal; $($columns:tt)*) => {
        TableMap {
            table: $name,
            about: $about,
            subjects: &[$($subject),*],
            unconfirmed_erased_after_days: None,
            shared: None,
            held: None,
            columns: &{
                const T: Defaults = $defaults;
                columns!(T [] $($columns)*)
            },
        }
    };
}

/// `table!`'s column lines, one column at a time into an array.
macro_rules! columns {
    ($t:ident [$($done:expr),*]) => {
        [$($done),*]
    };
    ($t:ident [$($done:expr),*] $category:expr => [] $(.$method:ident($($arg:expr),*))* ; $($rest:tt)*) => {
        columns!($t [$($done),*] $($rest)*)
    };
    ($t:ident [$($done:expr),*] $category:expr => [$column:literal $(, $more:literal)*] $(.$method:ident($($arg:expr),*))* ; $($rest:tt)*) => {
        columns!($t [$($done,)* $t.col($column, $category)$(.$method($($arg),*))*]
            $category => [$($more),*] $(.$method($($arg),*))* ; $($rest)*)
    };
}

mod accounts;
mod audit;
mod bans;
mod booking;
mod classroom;
mod conversations;
mod exactly_once;
mod files;
mod mail;
mod money;
mod notifications;
mod privacy;
mod reviews;
mod teaching;

#[derive(Debug, Clone, Copy, Serialize)]
pub struct ColumnMap {
    pub column: &'static str,
    pub category: &'static str,
    pub purposes: &'static [Purpose],
    pub basis: LegalBasis,
    pub retention: Retention,
    /// Part of the person's export (secrets such as hashes are not).
    pub export: bool,
    pub erasure: Erasure,
    /// Encrypted at rest under the key of the person the table's first
    /// subject column names (P5), with this field label bound in.
    #[serde(serialize_with = "serialize_is_some")]
    pub encrypted: Option<&'static str>,
    /// Where the value comes from: by default what its category says.
    pub source: Source,
    /// Binary content, exported as a file rather than inline.
    pub file: bool,
    /// Names a person the row mentions without being theirs (the learner a
    /// notice to the teacher is about): their name is rendered from it when
    /// the row is shown or sent, erasing them clears it, and an export shows
    /// it as a pseudonym.
    pub mention: bool,
    /// Holds one name of a closed set (a status, a kind, a visibility),
    /// which the store reads back as its enum: never free text, so the
    /// residue test does not write its markers there.
    #[serde(skip)]
    pub choice: bool,
}

/// The published map says whether a column is encrypted; the field label
/// bound into the ciphertext is an implementation detail.
fn serialize_is_some<S: serde::Serializer>(v: &Option<&'static str>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_bool(v.is_some())
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct TableMap {
    pub table: &'static str,
    pub about: &'static str,
    /// Columns naming the account(s) a row is about; empty for system tables.
    pub subjects: &'static [&'static str],
    pub columns: &'static [ColumnMap],
    /// For account-like tables: a row whose identifiers were never confirmed
    /// is erased this many days after it was created.
    pub unconfirmed_erased_after_days: Option<u32>,
    /// Rows a person takes part in without being their subject: the other
    /// member's messages in a conversation the person is a member of.
    pub shared: Option<Shared>,
    /// Rows an erasure keeps, no longer naming the person, while a
    /// condition holds (an open report covers them); they follow the
    /// erasure's rule once it no longer does.
    pub held: Option<Hold>,
}

/// Rows kept past their subject's erasure while `while_sql` holds.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Hold {
    /// SQL, true for a row (its columns qualified by the table's name)
    /// while it must be kept.
    pub while_sql: &'static str,
    /// Why, for the erasure preview and the notice.
    pub why: &'static str,
}

/// How a row is shared with the members of a group (a conversation): the
/// row's `group` column names it, and `members` lists its members, one
/// `member` per row, beside their `group` column of the same name.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Shared {
    pub group: &'static str,
    pub members: &'static str,
    pub member: &'static str,
}

impl TableMap {
    /// An account-like table: a row whose identifiers were never confirmed
    /// is erased `days` after it was created.
    const fn erased_unconfirmed_after(mut self, days: u32) -> Self {
        self.unconfirmed_erased_after_days = Some(days);
        self
    }

    /// Shared with the members of the group `group` names (see [`Shared`]).
    /// Rows kept past their subject's erasure while `hold` says so.
    const fn held_while(mut self, hold: Hold) -> Self {
        self.held = Some(hold);
        self
    }

    const fn shared_through(mut self, group: &'static str, members: &'static str, member: &'static str) -> Self {
        self.shared = Some(Shared { group, members, member });
        self
    }

    pub fn column(&self, name: &str) -> Option<&ColumnMap> {
        self.columns.iter().find(|c| c.column == name)
    }

    /// The rule a table's rows follow: that of the column naming the
    /// person; tables about no account (pseudonymous visitors) follow
    /// their first column's rule.
    pub fn row_retention(&self) -> Option<Retention> {
        self.subjects
            .first()
            .and_then(|s| self.column(s))
            .or(self.columns.first())
            .map(|c| c.retention)
    }

    /// The columns naming people the row mentions without being theirs.
    pub fn mentions(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.columns.iter().filter(|c| c.mention).map(|c| c.column)
    }

    /// The subject columns naming the people a row is about (a lesson's
    /// learner and teacher). The others, kept under a legal obligation,
    /// name the staff who acted on it.
    pub fn parties(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.subjects
            .iter()
            .copied()
            .filter(|s| self.column(s).is_some_and(|c| c.erasure != Erasure::RetainLegal))
    }
}

const fn col(
    column: &'static str,
    category: &'static str,
    purposes: &'static [Purpose],
    basis: LegalBasis,
    retention: Retention,
    erasure: Erasure,
) -> ColumnMap {
    ColumnMap {
        column,
        category,
        purposes,
        basis,
        retention,
        export: true,
        erasure,
        encrypted: None,
        source: Source::of_category(category),
        file: false,
        mention: false,
        choice: false,
    }
}

/// What a table's columns are for unless a column says otherwise: each
/// table states its purposes, legal basis, retention and erasure once
/// (as Fides datasets cascade categories), and a column only what differs.
#[derive(Clone, Copy)]
struct Defaults {
    purposes: &'static [Purpose],
    basis: LegalBasis,
    retention: Retention,
    erasure: Erasure,
}

impl Defaults {
    const fn new(purposes: &'static [Purpose], basis: LegalBasis, retention: Retention, erasure: Erasure) -> Self {
        Self {
            purposes,
            basis,
            retention,
            erasure,
        }
    }

    /// A column of `category` under the table's defaults.
    const fn col(&self, column: &'static str, category: &'static str) -> ColumnMap {
        col(
            column,
            category,
            self.purposes,
            self.basis,
            self.retention,
            self.erasure,
        )
    }
}

impl ColumnMap {
    const fn purposes(mut self, purposes: &'static [Purpose]) -> Self {
        self.purposes = purposes;
        self
    }

    const fn basis(mut self, basis: LegalBasis) -> Self {
        self.basis = basis;
        self
    }

    const fn retention(mut self, retention: Retention) -> Self {
        self.retention = retention;
        self
    }

    const fn erasure(mut self, erasure: Erasure) -> Self {
        self.erasure = erasure;
        self
    }

    /// Secrets (hashes, wrapped keys) are never exported.
    const fn secret(mut self) -> Self {
        self.export = false;
        self
    }

    const fn encrypted(mut self, label: &'static str) -> Self {
        self.encrypted = Some(label);
        self
    }

    const fn choice(mut self) -> Self {
        self.choice = true;
        self
    }

    /// Binary content (a document, a scan): exported as a file of its own.
    const fn file(mut self) -> Self {
        self.file = true;
        self
    }

    /// A source other than the category's usual one.
    const fn from(mut self, source: Source) -> Self {
        self.source = source;
        self
    }

    /// A person the row mentions (see [`ColumnMap::mention`]).
    const fn mention(mut self) -> Self {
        self.mention = true;
        self
    }
}

use Erasure::{DeleteRow, Null, Pseudonymise, RetainLegal, WithRow};
use LegalBasis::{Contract, LegalObligation, LegitimateInterests};
use Purpose::{LegalCompliance, Operations, Payments, Profile, ProvideService, Security, ServiceMessages};
use Retention::{AccountLifetime, DaysAfter, DaysAfterSet, UntilInstant, WithParent, YearsAfter};

const ACCOUNT: Retention = AccountLifetime;

const fn years_after(years: u32, column: &'static str) -> Retention {
    YearsAfter { years, column }
}

const fn days_after(days: u32, column: &'static str) -> Retention {
    DaysAfter { days, column }
}
const SVC: &[Purpose] = &[ProvideService];
const SEC: &[Purpose] = &[Security];
const PROFILE: &[Purpose] = &[ProvideService, Profile];
const OPS: &[Purpose] = &[Operations];
const UID: &str = "user.unique_id";
const SYS: &str = "system.operations";

/// Billing records are kept ten years after the transaction (commercial
/// and tax law; the strictest of the policies Koine follows).
const BILLING_YEARS: u32 = 10;
const PAY: &[Purpose] = &[Payments, LegalCompliance];

/// The map's feature files, in erasure order: a table whose rows others
/// reference comes before them (erasure and retention sweeps walk it
/// backwards; a test checks the order against both backends' foreign keys).
static FEATURES: &[&[TableMap]] = &[
    accounts::TABLES,
    mail::TABLES,
    audit::TABLES,
    privacy::TABLES,
    teaching::TABLES,
    bans::TABLES,
    booking::TABLES,
    money::TABLES,
    reviews::TABLES,
    notifications::TABLES,
    conversations::TABLES,
    classroom::TABLES,
    exactly_once::TABLES,
    files::TABLES,
];

/// Every table of the map, in erasure order.
pub fn tables() -> impl DoubleEndedIterator<Item = &'static TableMap> + Clone {
    FEATURES.iter().flat_map(|feature| feature.iter())
}

/// Foreign keys (referencing table, referenced table) the map's order
/// breaks: erasure walks the map backwards, so a table must come after
/// every table it references (itself aside).
pub fn order_problems<'a>(foreign_keys: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<String> {
    let position = |name: &str| tables().position(|t| t.table == name);
    foreign_keys
        .into_iter()
        .filter(|(child, parent)| child != parent)
        .filter_map(|(child, parent)| match (position(child), position(parent)) {
            (Some(c), Some(p)) if c < p => Some(format!("{child} references {parent} but comes before it")),
            _ => None,
        })
        .collect()
}

pub fn table(name: &str) -> Option<&'static TableMap> {
    tables().find(|t| t.table == name)
}

/// Differences between the map and a live schema: unclassified columns and
/// stale map entries. Empty when they agree.
pub fn coverage_problems(schema: &crate::schema::Schema) -> Vec<String> {
    let mut problems = Vec::new();
    for (table_name, columns) in schema {
        match table(table_name) {
            None => problems.push(format!("table `{table_name}` is not in the data map")),
            Some(t) => {
                for column in columns.keys() {
                    if t.column(column).is_none() {
                        problems.push(format!("column `{table_name}.{column}` is not classified"));
                    }
                }
            }
        }
    }
    for t in tables() {
        let Some(live) = schema.get(t.table) else {
            problems.push(format!("map names table `{}` which does not exist", t.table));
            continue;
        };
        let row = t.row_retention();
        for c in t.columns {
            match live.get(c.column) {
                None => problems.push(format!(
                    "map names column `{}.{}` which does not exist",
                    t.table, c.column
                )),
                // The sweep clears such a column by setting it to NULL.
                Some(l) if Some(c.retention) != row && !l.nullable => problems.push(format!(
                    "column `{}.{}` is kept for less time than its row, so it must be nullable",
                    t.table, c.column
                )),
                Some(_) => {}
            }
        }
        for s in t.subjects {
            if t.column(s).is_none() {
                problems.push(format!("subject column `{}.{s}` is not in the map", t.table));
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use koine_domain::privacy::is_known_category;

    #[test]
    fn a_table_listed_before_one_it_references_is_found() {
        assert!(order_problems([("lessons", "accounts")]).is_empty());
        assert!(
            order_problems([("accounts", "accounts")]).is_empty(),
            "a table may reference itself"
        );
        assert_eq!(
            order_problems([("accounts", "lessons")]),
            ["accounts references lessons but comes before it"]
        );
    }

    #[test]
    fn map_is_internally_consistent() {
        let mut seen = std::collections::HashSet::new();
        for t in tables() {
            assert!(seen.insert(t.table), "table {} listed twice", t.table);
            let mut cols = std::collections::HashSet::new();
            for c in t.columns {
                assert!(cols.insert(c.column), "{}.{} listed twice", t.table, c.column);
                assert!(
                    is_known_category(c.category),
                    "{}.{}: unknown category {}",
                    t.table,
                    c.column,
                    c.category
                );
                assert!(!c.purposes.is_empty(), "{}.{} has no purpose", t.table, c.column);
                let referenced = match c.retention {
                    Retention::UntilInstant { column }
                    | Retention::DaysAfter { column, .. }
                    | Retention::DaysAfterSet { column, .. }
                    | Retention::YearsAfter { column, .. }
                    | Retention::CarriedForward { column, .. }
                    | Retention::WithParent { column, .. } => Some(column),
                    _ => None,
                };
                if let Some(r) = referenced {
                    assert!(
                        t.column(r).is_some(),
                        "{}.{}: retention names missing column {r}",
                        t.table,
                        c.column
                    );
                }
                let row = t.row_retention().unwrap();
                let same_clock = |a: &Retention, b: &Retention| match (a, b) {
                    (
                        Retention::DaysAfter { column: x, .. } | Retention::YearsAfter { column: x, .. },
                        Retention::DaysAfter { column: y, .. } | Retention::YearsAfter { column: y, .. },
                    ) => x == y,
                    _ => false,
                };
                // Comparable rules only: an `UntilInstant` row's end is data.
                if c.retention != row && same_clock(&c.retention, &row) {
                    assert!(
                        retention_rank(&c.retention) < retention_rank(&row),
                        "{}.{}: a column may be kept for less time than its row, not more",
                        t.table,
                        c.column
                    );
                }
                if c.erasure == Erasure::RetainLegal {
                    assert!(
                        matches!(c.retention, Retention::YearsAfter { .. }),
                        "{}.{}: legal retention needs an end date",
                        t.table,
                        c.column
                    );
                }
            }
        }
    }
}

/// Processing Koine does only with the person's consent (GDPR Art. 6(1)(a)):
/// for each purpose it asks about, the columns that processing reads. None
/// means Koine asks, and keeps the answer in the consent ledger, but does
/// nothing of the kind at present. Nothing is stored by this processing
/// beyond the columns read (the map classifies those for their own uses).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ConsentUse {
    pub purpose: ConsentPurpose,
    pub reads: &'static [(&'static str, &'static str)],
}

impl ConsentUse {
    /// The categories of the columns read, in map order.
    pub fn categories(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        for (table, column) in self.reads {
            let c = tables()
                .find(|t| t.table == *table)
                .and_then(|t| t.column(column))
                .map(|c| c.category);
            if let Some(c) = c
                && !out.contains(&c)
            {
                out.push(c);
            }
        }
        out
    }
}

/// Every consent purpose, with what it reads.
pub const CONSENT_USES: &[ConsentUse] = &[
    ConsentUse {
        purpose: ConsentPurpose::PreferenceCookies,
        reads: &[],
    },
    ConsentUse {
        purpose: ConsentPurpose::Analytics,
        reads: &[],
    },
    ConsentUse {
        purpose: ConsentPurpose::MarketingEmail,
        reads: &[],
    },
    // Teachers suggested on the home page for the language the member
    // learns (`Services::suggested_teachers`).
    ConsentUse {
        purpose: ConsentPurpose::PersonalisedRecommendations,
        reads: &[("profile_languages", "language"), ("profile_languages", "level")],
    },
    ConsentUse {
        purpose: ConsentPurpose::SaleSharing,
        reads: &[],
    },
    ConsentUse {
        purpose: ConsentPurpose::ResearchRecordings,
        reads: &[],
    },
    ConsentUse {
        purpose: ConsentPurpose::ClassroomRecording,
        reads: &[],
    },
];

/// One line of the published notice: a kind of data held in one table.
#[derive(Debug, Clone, Serialize)]
pub struct NoticeEntry {
    pub table: &'static str,
    pub category: &'static str,
    pub purposes: std::collections::BTreeSet<Purpose>,
    pub bases: std::collections::BTreeSet<LegalBasis>,
    pub sources: std::collections::BTreeSet<Source>,
    /// The longest-lived rule among the columns of this category.
    pub retention: Retention,
}

fn retention_rank(r: &Retention) -> u64 {
    match *r {
        Retention::UntilInstant { .. } => 1,
        Retention::DaysAfter { days, .. } | Retention::DaysAfterSet { days, .. } => 10 + u64::from(days),
        Retention::AccountLifetime => 100_000,
        // At least as long as its parent, which may outlive an account.
        Retention::WithParent { .. } => 150_000,
        Retention::YearsAfter { years, .. } | Retention::CarriedForward { years, .. } => 200_000 + u64::from(years),
        Retention::System => 0,
    }
}

/// The notice, derived from the map: per table, per category, the purposes,
/// legal bases and retention. System-only columns are left out.
pub fn notice(settings: &RetentionSettings) -> Vec<NoticeEntry> {
    let mut out: Vec<NoticeEntry> = Vec::new();
    for t in tables() {
        for c in t
            .columns
            .iter()
            .filter(|c| c.category.starts_with("user.") && c.category != "user.unique_id")
        {
            match out.iter_mut().find(|e| e.table == t.table && e.category == c.category) {
                Some(e) => {
                    e.purposes.extend(c.purposes.iter().copied());
                    e.bases.insert(c.basis);
                    e.sources.insert(c.source);
                    if retention_rank(&c.retention.under(settings)) > retention_rank(&e.retention) {
                        e.retention = c.retention.under(settings);
                    }
                }
                None => out.push(NoticeEntry {
                    table: t.table,
                    category: c.category,
                    purposes: c.purposes.iter().copied().collect(),
                    bases: [c.basis].into(),
                    sources: [c.source].into(),
                    retention: c.retention.under(settings),
                }),
            }
        }
    }
    out
}

/// How many years an invoice keeps the name of its buyer, as issued, after
/// the buyer is erased (tax law keeps invoices unaltered). The deletion
/// page and its emails state it from here.
pub fn invoice_name_kept_years() -> u32 {
    let buyer = tables()
        .find(|t| t.table == "invoices")
        .and_then(|t| t.column("buyer_name"))
        .expect("invoices name their buyer");
    match (buyer.erasure, buyer.retention) {
        (Erasure::RetainLegal, Retention::YearsAfter { years, .. }) => years,
        _ => 0,
    }
}

fn document_body() -> serde_json::Value {
    serde_json::json!({ "tables": tables().collect::<Vec<_>>(), "consent_uses": CONSENT_USES })
}

/// The whole map as one JSON document (`koine privacy map`, the API):
/// its version, every table, and what is done on consent.
pub fn document() -> serde_json::Value {
    let mut doc = document_body();
    doc["version"] = version().into();
    doc
}

/// A short fingerprint of the map; it changes whenever the map does, so a
/// notice (and later each consent) can say which version it showed.
pub fn version() -> String {
    let json = serde_json::to_vec(&document_body()).expect("the map serializes");
    // FNV-1a: stable across builds and platforms, unlike std's hasher.
    let hash = json.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3)
    });
    format!("{hash:016x}")[..12].to_owned()
}

#[cfg(test)]
mod notice_tests {
    use super::*;

    #[test]
    fn notice_groups_by_table_and_category_and_keeps_longest_retention() {
        let n = notice(&RetentionSettings::default());
        let email = n
            .iter()
            .find(|e| e.table == "accounts" && e.category == "user.contact.email")
            .expect("accounts email in the notice");
        assert!(email.purposes.contains(&Purpose::ServiceMessages));
        assert_eq!(email.retention, Retention::AccountLifetime);
        let audit = n
            .iter()
            .find(|e| e.table == "audit_events" && e.category == "user.security.audit")
            .unwrap();
        assert!(matches!(audit.retention, Retention::YearsAfter { years: 3, .. }));
        assert!(
            n.iter()
                .all(|e| e.category != "user.unique_id" && !e.category.starts_with("system."))
        );
        let mut seen = std::collections::HashSet::new();
        assert!(
            n.iter().all(|e| seen.insert((e.table, e.category))),
            "one line per table and category"
        );
    }

    #[test]
    fn an_invoice_keeps_its_buyers_name_for_the_billing_years() {
        assert_eq!(invoice_name_kept_years(), BILLING_YEARS);
    }

    #[test]
    fn every_consent_purpose_is_in_the_map_once_reading_real_columns() {
        for p in ConsentPurpose::ALL {
            assert_eq!(
                CONSENT_USES.iter().filter(|u| u.purpose == p).count(),
                1,
                "{p:?} is stated once"
            );
        }
        for u in CONSENT_USES {
            assert_eq!(u.categories().is_empty(), u.reads.is_empty(), "{:?}", u.purpose);
            for (table, column) in u.reads {
                assert!(
                    tables().any(|t| t.table == *table && t.column(column).is_some()),
                    "{table}.{column}"
                );
            }
        }
    }

    #[test]
    fn version_is_a_stable_fingerprint() {
        assert_eq!(version(), version());
        assert_eq!(version().len(), 12);
    }
}
