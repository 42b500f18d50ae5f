//! Data export (GDPR Art. 15(3) and 20): a ZIP of everything the data map
//! links to the person, as JSON (one file per table, with a schema) and CSV.
//!
//! Requests are built by a background job; the archive goes to the file
//! store sealed under a key of its own, itself sealed under the person's
//! key, so erasing them (crypto-shredding) also makes any copy unreadable,
//! and it expires after 7 days.

use crate::accounts::{Principal, locale_of};
use crate::files::ObjectKind;
use crate::i18n::t;
use crate::{Error, Result, Services, crypto};
use koine_domain::jobs::JobKind;
use koine_domain::profile::UiLocale;
use koine_domain::refusal::Refusal;
use koine_domain::uploads::FileKind;
use koine_store::datamap::{ColumnMap, tables};
use koine_store::export::{Cell, TableRows};
use koine_store::repo::objects::ObjectRow;
use koine_store::repo::{accounts, conversations, exports, objects, profiles};
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::io::Write;
use uuid::Uuid;

pub use koine_store::repo::exports::ExportRow;

const DAY_US: i64 = 86_400_000_000;
/// How long a download stays available (and an unbuilt request waits).
pub const EXPORT_DAYS: i64 = 7;
/// Version of the archive layout described in `schema.json`.
const FORMAT_VERSION: u32 = 1;

/// The archive layout, for readers of `schema.json`.
fn conventions() -> Value {
    json!({
        "instants": "Columns ending in _at or _until are instants in RFC 3339, UTC.",
        "identifiers": "Identifiers are UUIDs. Other people appear only as pseudonyms (\"person-\" and 16 hex digits), the same pseudonym for the same person throughout one person's exports.",
        "encrypted": "Fields stored encrypted under your key are decrypted for you.",
        "csv": "CSV files hold the same rows as the JSON files; text that a spreadsheet would run as a formula (starting with = + - @) is prefixed with an apostrophe there.",
        "omitted": "Secrets (password hashes, token hashes, wrapped keys) and earlier exports are not included.",
        "absent": "A table holding nothing about you has no file; this schema still describes it.",
    })
}

fn pseudonym(svc: &Services, requester: Uuid, other: Uuid) -> String {
    let mac = svc
        .keys
        .blind_index("export-pseudonym", &format!("{requester}:{other}"));
    let hex: String = mac.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("person-{hex}")
}

fn is_instant(column: &str) -> bool {
    column.ends_with("_at") || column.ends_with("_until")
}

fn instant(us: i64) -> Value {
    jiff::Timestamp::from_microsecond(us)
        .map(|t| Value::String(t.to_string()))
        .unwrap_or(Value::Number(us.into()))
}

/// One table's rows as JSON values, positionally (column order of `t`):
/// instants readable, identifiers of other people pseudonymised, the
/// person's own encrypted fields opened (in a shared table, a row's
/// fields are sealed under the key of the member it belongs to: `keys`
/// holds theirs).
/// Also returns the files its binary columns become.
fn table_values(
    svc: &Services,
    who: Uuid,
    keys: &HashMap<Uuid, [u8; 32]>,
    t: &TableRows,
    named: HashMap<Uuid, String>,
) -> Result<(Vec<Vec<Value>>, Attachments)> {
    let owner_at = t
        .table
        .shared
        .and(t.table.subjects.first())
        .and_then(|s| t.columns.iter().position(|c| c.column == *s));
    // A row is the person's own where they are one of its parties; where
    // they appear only as the staff who acted, only the record is theirs.
    let party_at: Vec<usize> = t
        .table
        .parties()
        .filter_map(|p| t.columns.iter().position(|c| c.column == p))
        .collect();
    let mut names = Pseudonyms {
        svc,
        who,
        seen: named,
        files: Vec::new(),
    };
    let values = t
        .rows
        .iter()
        .map(|row| {
            // The other member's messages in the person's conversations
            // are part of what they took part in.
            let own_row = t.table.shared.is_some() || party_at.iter().any(|i| row[*i] == Cell::Uuid(who));
            let owner = match owner_at.map(|i| &row[i]) {
                Some(Cell::Uuid(owner)) => *owner,
                _ => who,
            };
            let sealer = keys.get(&owner).map(|k| (owner, k));
            t.columns
                .iter()
                .zip(row)
                .map(|(c, cell)| cell_json(&mut names, sealer, t, c, cell, own_row))
                .collect()
        })
        .collect::<Result<_>>()?;
    Ok((values, names.files))
}

/// The people a table's rows are about, `who` left out.
fn others_in(rows: &TableRows, who: Uuid) -> Vec<Uuid> {
    rows.table
        .subjects
        .iter()
        .filter_map(|s| rows.columns.iter().position(|c| c.column == *s))
        .flat_map(|i| rows.rows.iter().map(move |r| &r[i]))
        .filter_map(|cell| match cell {
            Cell::Uuid(u) if *u != who => Some(*u),
            _ => None,
        })
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// Files of the archive beside the tables: (path, bytes).
type Attachments = Vec<(String, Vec<u8>)>;

/// Pseudonyms, computed once per person per export, and the files binary
/// columns (documents, scans) become.
struct Pseudonyms<'a> {
    svc: &'a Services,
    who: Uuid,
    seen: HashMap<Uuid, String>,
    files: Attachments,
}

impl Pseudonyms<'_> {
    fn of(&mut self, other: Uuid) -> String {
        let (svc, who) = (self.svc, self.who);
        self.seen
            .entry(other)
            .or_insert_with(|| pseudonym(svc, who, other))
            .clone()
    }
}

/// `sealer`: whose key the row's encrypted fields are sealed under (none
/// when that key is gone: the fields stay closed).
fn cell_json(
    names: &mut Pseudonyms<'_>,
    sealer: Option<(Uuid, &[u8; 32])>,
    t: &TableRows,
    c: &ColumnMap,
    cell: &Cell,
    own_row: bool,
) -> Result<Value> {
    // In a row the person appears in only as staff, the subject's own data
    // is not theirs to take.
    if !own_row && !koine_domain::privacy::is_record_category(c.category) {
        return Ok(Value::Null);
    }
    Ok(match cell {
        Cell::Null => Value::Null,
        Cell::Int(n) if is_instant(c.column) => instant(*n),
        Cell::Int(n) => Value::Number((*n).into()),
        Cell::Bool(b) => Value::Bool(*b),
        Cell::Text(s) => Value::String(s.clone()),
        Cell::Uuid(u) if *u != names.who && (c.mention || t.table.subjects.contains(&c.column)) => {
            Value::String(names.of(*u))
        }
        Cell::Uuid(u) => Value::String(u.to_string()),
        // A document: a file of its own, the table holding its name.
        Cell::Bytes(b) if c.file && own_row => {
            let bytes = match (c.encrypted, sealer) {
                (Some(label), Some((owner, key))) => {
                    crypto::open_field(key, owner, label, b).map_err(Error::internal)?
                }
                (Some(_), None) => return Ok(Value::Null),
                (None, _) => b.clone(),
            };
            let path = format!("files/{}/{}-{}", t.table.table, c.column, names.files.len() + 1);
            names.files.push((path.clone(), bytes));
            Value::String(path)
        }
        // Sealed under the row owner's key: opened only in the person's own rows.
        Cell::Bytes(b) => match (c.encrypted, sealer) {
            (Some(label), Some((owner, key))) if own_row => {
                let plain = crypto::open_field(key, owner, label, b).map_err(Error::internal)?;
                Value::String(String::from_utf8(plain).map_err(Error::internal)?)
            }
            (Some(_), _) => Value::Null,
            (None, _) => {
                use base64::Engine;
                Value::String(base64::engine::general_purpose::STANDARD.encode(b))
            }
        },
    })
}

/// The rows as a JSON array of objects, one object per line.
fn json_of(columns: &[&ColumnMap], rows: &[Vec<Value>]) -> Vec<u8> {
    let mut out = Vec::with_capacity(rows.len() * 64 * columns.len() + 2);
    out.push(b'[');
    for (r, row) in rows.iter().enumerate() {
        out.extend_from_slice(if r == 0 { b"\n  {" } else { b",\n  {" });
        for (i, (c, v)) in columns.iter().zip(row).enumerate() {
            if i > 0 {
                out.extend_from_slice(b", ");
            }
            out.push(b'"');
            out.extend_from_slice(c.column.as_bytes());
            out.extend_from_slice(b"\": ");
            serde_json::to_writer(&mut out, v).expect("a JSON value serializes");
        }
        out.push(b'}');
    }
    out.extend_from_slice(if rows.is_empty() { b"]\n" } else { b"\n]\n" });
    out
}

/// RFC 4180 CSV of the rows, with spreadsheet-formula guarding.
fn csv_of(columns: &[&ColumnMap], rows: &[Vec<Value>]) -> String {
    fn field(out: &mut String, v: &Value) {
        let text = match v {
            Value::Null => String::new(),
            Value::String(s) if s.starts_with(['=', '+', '-', '@', '\t', '\r']) => format!("'{s}"),
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        if text.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&text.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(&text);
        }
    }
    let mut out = columns.iter().map(|c| c.column).collect::<Vec<_>>().join(",");
    out.push_str("\r\n");
    for row in rows {
        for (i, v) in row.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            field(&mut out, v);
        }
        out.push_str("\r\n");
    }
    out
}

fn column_type(c: &ColumnMap, subjects: &[&str]) -> &'static str {
    if is_instant(c.column) {
        "instant"
    } else if subjects.contains(&c.column) {
        "identifier (yours) or pseudonym (someone else)"
    } else if c.mention {
        "pseudonym of the person the row is about; their name appears where the text says {about}"
    } else if c.column == "id" || c.column.ends_with("_id") {
        "identifier"
    } else if c.file {
        "path of a file in this archive (files/…)"
    } else if c.encrypted.is_some() {
        "text (stored encrypted)"
    } else {
        "text, number or boolean"
    }
}

/// `schema.json`: every table and column an archive can hold, from the map.
/// The map's part is the same for every export: it is written once, and
/// each export only adds when and under which policy it was made.
fn schema(generated_at: i64, policy_version: &str) -> Vec<u8> {
    static TABLES: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        let both = json!({ "conventions": conventions(), "tables": schema_tables() });
        serde_json::to_string_pretty(&both).expect("the map serializes")
    });
    let head = json!({
        "format_version": FORMAT_VERSION,
        "generated_at": instant(generated_at),
        "policy_version": policy_version,
    })
    .to_string();
    // `{head…, conventions…, tables…}`: two objects joined into one.
    let mut out = Vec::with_capacity(head.len() + TABLES.len() + 2);
    out.extend_from_slice(&head.as_bytes()[..head.len() - 1]);
    out.extend_from_slice(b",");
    out.extend_from_slice(&TABLES.as_bytes()[1..]);
    out
}

fn schema_tables() -> Map<String, Value> {
    tables()
        .filter(|t| !t.subjects.is_empty())
        .map(|t| {
            let columns: Vec<Value> = t
                .columns
                .iter()
                .filter(|c| c.export)
                .map(|c| {
                    json!({
                        "name": c.column,
                        "type": column_type(c, t.subjects),
                        "category": c.category,
                        "purposes": c.purposes,
                        "legal_basis": c.basis,
                        "retention": c.retention,
                    })
                })
                .collect();
            let entry = json!({
                "about": t.about,
                "json": format!("data/{}.json", t.table),
                "csv": format!("data/{}.csv", t.table),
                "columns": columns,
            });
            (t.table.to_owned(), entry)
        })
        .collect()
}

/// Writes the archive's files into a ZIP.
fn zip_files(files: Vec<(String, Vec<u8>)>, now: i64) -> Result<Vec<u8>> {
    use zip::write::SimpleFileOptions;
    let stamp = jiff::Timestamp::from_microsecond(now)
        .ok()
        .map(|t| t.to_zoned(jiff::tz::TimeZone::UTC).datetime())
        .and_then(|d| {
            zip::DateTime::from_date_and_time(
                u16::try_from(d.year()).ok()?,
                u8::try_from(d.month()).ok()?,
                u8::try_from(d.day()).ok()?,
                u8::try_from(d.hour()).ok()?,
                u8::try_from(d.minute()).ok()?,
                u8::try_from(d.second()).ok()?,
            )
            .ok()
        })
        .unwrap_or_default();
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1))
        .last_modified_time(stamp);
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in files {
        zip.start_file(name, options).map_err(Error::internal)?;
        zip.write_all(&bytes).map_err(Error::internal)?;
    }
    Ok(zip.finish().map_err(Error::internal)?.into_inner())
}

impl Services {
    /// Asks for an export. While one is still being built, asking again
    /// returns that one rather than queueing another.
    pub async fn request_export(&self, p: &Principal) -> Result<Uuid> {
        self.queue_export(p.account_id).await
    }

    /// Queues an export of `account` for the job (one waiting at a time).
    pub(crate) async fn queue_export(&self, account: Uuid) -> Result<Uuid> {
        let now = self.clock.now_us();
        let mut tx = self.db.begin().await?;
        accounts::lock(tx.conn(), account).await?;
        if let Some(pending) = exports::list(tx.conn(), account)
            .await?
            .into_iter()
            .find(|e| e.ready_at.is_none())
        {
            return Ok(pending.id);
        }
        let id = Uuid::now_v7();
        exports::insert(tx.conn(), id, account, now, now + EXPORT_DAYS * DAY_US).await?;
        // The job is asked for with the export: both are kept, or neither.
        self.ask_for_job(&mut tx, JobKind::Exports, &id.to_string()).await?;
        tx.commit().await?;
        self.job_asked.notify_one();
        Ok(id)
    }

    /// The member's exports that can still be downloaded (or are being
    /// built), newest first; an expired one is gone for the page and the
    /// API alike.
    pub async fn exports(&self, account: Uuid) -> Result<Vec<ExportRow>> {
        let now = self.clock.now_us();
        let mut c = self.db.acquire().await?;
        let mut list = exports::list(c.conn(), account).await?;
        list.retain(|e| e.expires_at > now);
        Ok(list)
    }

    /// The ZIP (unsealed) of everything about `account`. Tables are read
    /// and encoded in parallel, each on its own pooled connection.
    pub async fn build_export(&self, account: Uuid) -> Result<Vec<u8>> {
        let now = self.clock.now_us();
        let (key, locale, stored, holding) = {
            let mut c = self.db.acquire().await?;
            let key = self.subject_key(c.conn(), account).await?;
            let locale = locale_of(c.conn(), account).await?;
            // The person's files, then those the other members sent in
            // their conversations (opened with the sender's key; one who
            // has left has none, and their files stay out).
            let mut stored: Vec<(ObjectRow, [u8; 32])> = objects::of_account(c.conn(), account)
                .await?
                .into_iter()
                .filter(|o| o.kind != ObjectKind::Export.name())
                .map(|o| (o, key))
                .collect();
            let mut senders = HashMap::new();
            for o in conversations::files_shared_with(c.conn(), account).await? {
                let sender = match senders.entry(o.account_id) {
                    std::collections::hash_map::Entry::Occupied(known) => *known.get(),
                    std::collections::hash_map::Entry::Vacant(new) => {
                        *new.insert(self.subject_key_if_any(c.conn(), o.account_id).await?)
                    }
                };
                if let Some(sender) = sender {
                    stored.push((o, sender));
                }
            }
            let holding = koine_store::export::tables_about(c.conn(), account).await?;
            (key, locale, stored, holding)
        };
        // Only the tables holding something about the person are read and
        // written (schema.json describes every table): the cost follows the
        // person's data, not the size of the map.
        let mut tasks = tokio::task::JoinSet::new();
        for (order, table) in holding.into_iter().enumerate() {
            let svc = self.clone();
            tasks.spawn(async move {
                let rows = {
                    let mut c = svc.db.acquire().await?;
                    koine_store::export::rows_about(c.conn(), table, account).await?
                };
                let named = match table.shared {
                    Some(_) => svc.names_in_shared_rows(account, locale, &rows).await?,
                    None => HashMap::new(),
                };
                let mut keys = HashMap::from([(account, key)]);
                if table.shared.is_some() && table.columns.iter().any(|c| c.encrypted.is_some()) {
                    svc.keys_of_owners(&rows, &mut keys).await?;
                }
                let (values, attachments) = table_values(&svc, account, &keys, &rows, named)?;
                let json = json_of(&rows.columns, &values);
                let csv = csv_of(&rows.columns, &values);
                Ok::<_, Error>((order, table.table, json, csv, attachments))
            });
        }
        let mut parts = Vec::new();
        while let Some(done) = tasks.join_next().await {
            parts.push(done.map_err(Error::internal)??);
        }
        parts.sort_by_key(|p| p.0);
        let mut files = vec![
            ("README.txt".to_owned(), t(locale, "export-readme").into_bytes()),
            ("schema.json".to_owned(), schema(now, &self.policy_version_id())),
        ];
        for (_, table, json, csv, attachments) in parts {
            files.push((format!("data/{table}.csv"), csv.into_bytes()));
            files.push((format!("data/{table}.json"), json));
            files.extend(attachments);
        }
        // The files in the file store (not earlier exports: an export
        // never contains them).
        for (object, key) in &stored {
            let ext = FileKind::from_content_type(&object.content_type).map_or("bin", FileKind::extension);
            let name = format!("files/{}-{}.{ext}", object.kind, object.id);
            match self.open_object(object, Some(key)).await {
                Ok(bytes) => files.push((name, bytes)),
                // A row whose file is gone is exported as the row alone.
                Err(Error::NotFound) => tracing::error!(file = %name, "a file for an export is missing"),
                Err(e) => return Err(e),
            }
        }
        zip_files(files, now)
    }

    /// The keys of the other members whose rows of a shared table are in
    /// the person's copy (their files are sealed under them); a member who
    /// has left has no key, and their rows' sealed fields stay closed.
    async fn keys_of_owners(&self, rows: &TableRows, keys: &mut HashMap<Uuid, [u8; 32]>) -> Result<()> {
        let mut c = self.db.acquire().await?;
        for owner in others_in(rows, Uuid::nil()) {
            if keys.contains_key(&owner) {
                continue;
            }
            if let Some(key) = self.subject_key_if_any(c.conn(), owner).await? {
                keys.insert(owner, key);
            }
        }
        Ok(())
    }

    /// In rows shared with the person (a conversation's messages), the
    /// other members by their public display name, or as a former member
    /// once they have left: never by an identifier.
    async fn names_in_shared_rows(
        &self,
        who: Uuid,
        locale: UiLocale,
        rows: &TableRows,
    ) -> Result<HashMap<Uuid, String>> {
        let others = others_in(rows, who);
        let known = {
            let mut c = self.db.acquire().await?;
            profiles::names_and_locales(c.conn(), &others).await?
        };
        let former = t(locale, "former-member");
        Ok(others
            .into_iter()
            .map(|o| {
                (
                    o,
                    known.get(&o).map_or_else(|| former.clone(), |(name, _)| name.clone()),
                )
            })
            .collect())
    }

    /// Builds every waiting export (the background job); returns how many.
    pub async fn build_pending_exports(&self) -> Result<usize> {
        let pending = {
            let mut c = self.db.acquire().await?;
            exports::pending(c.conn(), 16).await?
        };
        let mut built = 0;
        for e in pending {
            let zip = match self.build_export(e.account_id).await {
                Ok(zip) => zip,
                // One failing export must not hold up the others; it is
                // retried on the next run.
                Err(err) => {
                    tracing::error!(export = %e.id, "an export could not be built: {err}");
                    continue;
                }
            };
            // Sealed with a key of its own under the person's, in the file
            // store; each build is a file of its own, so another build of
            // this export (another node's) never touches the one it names.
            let archive = self
                .put_object(
                    e.account_id,
                    (ObjectKind::Export, "application/zip"),
                    Uuid::now_v7(),
                    zip,
                )
                .await?;
            let now = self.clock.now_us();
            let mut tx = self.begin_write().await?;
            let expires = now + EXPORT_DAYS * DAY_US;
            if exports::set_ready(tx.conn(), e.id, now, expires, archive.size_bytes, archive.id).await? {
                objects::insert(tx.conn(), &archive).await?;
                if let Some(account) = accounts::get(tx.conn(), e.account_id).await? {
                    self.notify_account(
                        tx.conn(),
                        &account,
                        "mail-export-ready-subject",
                        "mail-export-ready-body",
                        now,
                    )
                    .await?;
                }
                built += 1;
                tx.commit().await?;
            } else {
                drop(tx);
                self.discard_object(&archive).await;
            }
        }
        Ok(built)
    }

    /// The person's archive, opened. Needs a recent password entry.
    pub async fn download_export(&self, p: &Principal, id: Uuid) -> Result<Vec<u8>> {
        self.require_recent_auth(p)?;
        let now = self.clock.now_us();
        let archive = {
            let mut c = self.db.acquire().await?;
            match exports::archive(c.conn(), id, p.account_id, now).await? {
                Some(exports::Archive::Ready(archive)) => archive,
                Some(exports::Archive::Building) => return Err(Refusal::ExportNotReady.into()),
                None => return Err(Error::NotFound),
            }
        };
        let zip = self.read_object(archive).await?;
        let mut c = self.db.acquire().await?;
        exports::mark_downloaded(c.conn(), id, now).await?;
        Ok(zip)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_guards_formulas() {
        let cols: Vec<&ColumnMap> = koine_store::datamap::table("profiles")
            .unwrap()
            .columns
            .iter()
            .take(3)
            .collect();
        let row = vec![json!("a"), json!("=HYPERLINK(\"x\")"), json!("one, two\nthree")];
        let csv = csv_of(&cols, std::slice::from_ref(&row));
        assert_eq!(
            csv,
            "account_id,display_name,bio\r\na,\"'=HYPERLINK(\"\"x\"\")\",\"one, two\nthree\"\r\n"
        );
    }

    #[test]
    fn json_is_an_array_of_objects() {
        let cols: Vec<&ColumnMap> = koine_store::datamap::table("profiles")
            .unwrap()
            .columns
            .iter()
            .take(2)
            .collect();
        let rows = vec![vec![json!("a"), json!("x\"y")], vec![json!("b"), Value::Null]];
        let parsed: Value = serde_json::from_slice(&json_of(&cols, &rows)).unwrap();
        assert_eq!(
            parsed,
            json!([{"account_id": "a", "display_name": "x\"y"}, {"account_id": "b", "display_name": null}])
        );
        let empty: Value = serde_json::from_slice(&json_of(&cols, &[])).unwrap();
        assert_eq!(empty, json!([]));
    }

    #[test]
    fn schema_describes_every_exported_column() {
        let s: Value = serde_json::from_slice(&schema(0, "v")).expect("one JSON document");
        assert_eq!(s["policy_version"], "v");
        assert_eq!(s["format_version"], FORMAT_VERSION);
        assert!(s["conventions"]["absent"].is_string());
        for t in tables().filter(|t| !t.subjects.is_empty()) {
            let cols = s["tables"][t.table]["columns"].as_array().expect(t.table);
            assert_eq!(cols.len(), t.columns.iter().filter(|c| c.export).count());
        }
        assert!(
            s["tables"]["accounts"]["columns"]
                .as_array()
                .unwrap()
                .iter()
                .all(|c| c["name"] != "password_hash")
        );
        let about = s["tables"]["notifications"]["columns"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == "about_id")
            .expect("the mention is exported")
            .to_string();
        assert!(about.contains(koine_domain::mention::MARK), "{about}");
    }
}
