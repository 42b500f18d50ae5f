//! The published privacy notice: who the controller is, who processes data
//! for them (from configuration), and what is held (from the data map).
//! Every material change of either is a new policy version with its date;
//! old versions stay viewable and members are told of a new one.

use crate::i18n::t_args;
use crate::mail::{self, Channel, Outgoing};
use crate::{Error, Result, Services};
use koine_domain::age::MinimumAge;
use koine_domain::consent::ConsentPurpose;
use koine_domain::profile::UiLocale;
use koine_store::datamap::{self, NoticeEntry, RetentionSettings};
use koine_store::repo::policies::{self, PolicyVersion};
use serde::{Deserialize, Serialize};

/// The operator's identity and the parties that process data for them, as
/// the notice states them (GDPR Art. 13(1)(a)–(f)).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct Controller {
    pub name: String,
    pub address: String,
    pub email: String,
    /// The data protection officer's contact.
    pub dpo_email: String,
    /// Where the data is stored (country or region).
    pub storage_location: String,
    /// The supervisory authority people may complain to, and its website.
    pub supervisory_authority: String,
    pub supervisory_authority_url: String,
    pub processors: Vec<Processor>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Processor {
    pub name: String,
    pub purpose: String,
    pub location: String,
    /// For transfers outside the EEA: adequacy decision, SCCs, …; empty if none.
    #[serde(default)]
    pub transfer_mechanism: String,
}

impl Default for Controller {
    fn default() -> Self {
        Self {
            name: "The operator of this Koine site".into(),
            address: String::new(),
            email: "privacy@koine.localhost".into(),
            dpo_email: "dpo@koine.localhost".into(),
            storage_location: "The operator's own server".into(),
            supervisory_authority: "The data-protection authority where you live".into(),
            supervisory_authority_url: "https://www.edpb.europa.eu/about-edpb/about-edpb/members_en".into(),
            processors: Vec::new(),
        }
    }
}

/// What a policy version states: stored with it, so old versions can be
/// shown exactly as they were. Fields added later are absent (default)
/// from versions published before they were stated.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Notice {
    pub controller: Controller,
    pub entries: Vec<NoticeEntryRecord>,
    pub map_version: String,
    /// What is done only with consent (GDPR Art. 6(1)(a)), per purpose
    /// Koine asks about.
    #[serde(default)]
    pub consent_uses: Vec<ConsentUseRecord>,
    /// How Global Privacy Control and Do Not Track are treated.
    #[serde(default)]
    pub signals: Option<SignalsRecord>,
    /// The age from which Koine may be used.
    #[serde(default)]
    pub min_learner_age: Option<i16>,
    /// Days after which a sign-up never confirmed is erased.
    #[serde(default)]
    pub unconfirmed_erased_after_days: Option<u32>,
}

/// A notice line as stored (owned strings, so it can be read back).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct NoticeEntryRecord {
    pub table: String,
    pub category: String,
    pub purposes: Vec<String>,
    pub bases: Vec<String>,
    /// Absent from versions published before sources were stated.
    #[serde(default)]
    pub sources: Vec<String>,
    pub retention: serde_json::Value,
}

/// One purpose Koine asks consent for, and the kinds of data it uses (none:
/// nothing of the kind is done at present; only the answer is kept).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ConsentUseRecord {
    pub purpose: String,
    pub categories: Vec<String>,
}

/// The consent purposes each browser signal refuses.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SignalsRecord {
    pub gpc: Vec<String>,
    pub dnt: Vec<String>,
}

impl From<&NoticeEntry> for NoticeEntryRecord {
    fn from(e: &NoticeEntry) -> Self {
        let strings = |v: serde_json::Value| -> Vec<String> {
            v.as_array()
                .map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect())
                .unwrap_or_default()
        };
        Self {
            table: e.table.into(),
            category: e.category.into(),
            purposes: strings(serde_json::to_value(&e.purposes).unwrap_or_default()),
            bases: strings(serde_json::to_value(&e.bases).unwrap_or_default()),
            sources: e.sources.iter().map(|s| s.as_str().to_owned()).collect(),
            retention: serde_json::to_value(e.retention).unwrap_or_default(),
        }
    }
}

/// The notice this server publishes: the controller's details and age
/// limit from configuration, everything else from the data map.
pub fn current_notice(controller: &Controller, min_age: MinimumAge, retention: &RetentionSettings) -> Notice {
    let purposes = |ps: &[ConsentPurpose]| ps.iter().map(|p| p.as_str().to_owned()).collect();
    Notice {
        controller: controller.clone(),
        entries: datamap::notice(retention).iter().map(NoticeEntryRecord::from).collect(),
        map_version: datamap::version(),
        consent_uses: datamap::CONSENT_USES
            .iter()
            .map(|u| ConsentUseRecord {
                purpose: u.purpose.as_str().into(),
                categories: u.categories().into_iter().map(str::to_owned).collect(),
            })
            .collect(),
        signals: Some(SignalsRecord {
            gpc: purposes(&ConsentPurpose::GPC),
            dnt: purposes(&ConsentPurpose::DNT),
        }),
        min_learner_age: Some(min_age.years()),
        unconfirmed_erased_after_days: datamap::tables().find_map(|t| t.unconfirmed_erased_after_days),
    }
}

/// One difference between a version of the notice and the one before.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// A detail of the controller (`name`, `address`, `email`, `dpo_email`,
    /// `storage_location`, `supervisory_authority`, …).
    Controller {
        field: &'static str,
        before: String,
        after: String,
    },
    ProcessorAdded(Processor),
    ProcessorRemoved(Processor),
    /// A processor of the same name now processes for another purpose,
    /// elsewhere, or under another transfer safeguard.
    ProcessorChanged {
        before: Processor,
        after: Processor,
    },
    /// A kind of data (table and category) now held…
    EntryAdded(NoticeEntryRecord),
    /// …no longer held…
    EntryRemoved(NoticeEntryRecord),
    /// …or held for other purposes, on another basis, or for another time.
    EntryChanged {
        before: NoticeEntryRecord,
        after: NoticeEntryRecord,
    },
    /// The data a consent purpose uses (none before: newly stated).
    ConsentUse {
        purpose: String,
        before: Option<Vec<String>>,
        after: Option<Vec<String>>,
    },
    Signals {
        before: Option<SignalsRecord>,
        after: Option<SignalsRecord>,
    },
    MinimumAge {
        before: Option<i16>,
        after: Option<i16>,
    },
    UnconfirmedErasure {
        before: Option<u32>,
        after: Option<u32>,
    },
}

/// What changed from `before` to `after`, in the order the notice reads.
pub fn changes(before: &Notice, after: &Notice) -> Vec<Change> {
    let mut out = Vec::new();
    let (b, a) = (&before.controller, &after.controller);
    for (field, x, y) in [
        ("name", &b.name, &a.name),
        ("address", &b.address, &a.address),
        ("email", &b.email, &a.email),
        ("dpo_email", &b.dpo_email, &a.dpo_email),
        ("storage_location", &b.storage_location, &a.storage_location),
        (
            "supervisory_authority",
            &b.supervisory_authority,
            &a.supervisory_authority,
        ),
        (
            "supervisory_authority_url",
            &b.supervisory_authority_url,
            &a.supervisory_authority_url,
        ),
    ] {
        if x != y {
            out.push(Change::Controller {
                field,
                before: x.clone(),
                after: y.clone(),
            });
        }
    }
    let key = |e: &NoticeEntryRecord| (e.table.clone(), e.category.clone());
    for e in &after.entries {
        match before.entries.iter().find(|x| key(x) == key(e)) {
            None => out.push(Change::EntryAdded(e.clone())),
            Some(x) if x != e => out.push(Change::EntryChanged {
                before: x.clone(),
                after: e.clone(),
            }),
            Some(_) => {}
        }
    }
    for x in before
        .entries
        .iter()
        .filter(|x| !after.entries.iter().any(|e| key(e) == key(x)))
    {
        out.push(Change::EntryRemoved(x.clone()));
    }
    let uses = |n: &Notice, p: &str| {
        n.consent_uses
            .iter()
            .find(|u| u.purpose == p)
            .map(|u| u.categories.clone())
    };
    let mut purposes: Vec<&str> = after.consent_uses.iter().map(|u| u.purpose.as_str()).collect();
    purposes.extend(before.consent_uses.iter().map(|u| u.purpose.as_str()));
    let mut seen = std::collections::BTreeSet::new();
    for p in purposes {
        let (x, y) = (uses(before, p), uses(after, p));
        if seen.insert(p) && x != y {
            out.push(Change::ConsentUse {
                purpose: p.to_owned(),
                before: x,
                after: y,
            });
        }
    }
    if before.signals != after.signals {
        out.push(Change::Signals {
            before: before.signals.clone(),
            after: after.signals.clone(),
        });
    }
    for p in &a.processors {
        match b.processors.iter().find(|x| x.name == p.name) {
            None => out.push(Change::ProcessorAdded(p.clone())),
            Some(x) if x != p => out.push(Change::ProcessorChanged {
                before: x.clone(),
                after: p.clone(),
            }),
            Some(_) => {}
        }
    }
    for x in b
        .processors
        .iter()
        .filter(|x| !a.processors.iter().any(|p| p.name == x.name))
    {
        out.push(Change::ProcessorRemoved(x.clone()));
    }
    if before.unconfirmed_erased_after_days != after.unconfirmed_erased_after_days {
        out.push(Change::UnconfirmedErasure {
            before: before.unconfirmed_erased_after_days,
            after: after.unconfirmed_erased_after_days,
        });
    }
    if before.min_learner_age != after.min_learner_age {
        out.push(Change::MinimumAge {
            before: before.min_learner_age,
            after: after.min_learner_age,
        });
    }
    out
}

/// A fingerprint of what the notice says: it changes with the map or the
/// controller's details, and only then.
pub fn version_of(notice: &Notice) -> String {
    let json = serde_json::to_vec(notice).expect("the notice serializes");
    let hash = json.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3)
    });
    format!("{hash:016x}")[..12].to_owned()
}

/// A published version of the notice, as its page shows it.
pub struct PublishedNotice {
    pub version: String,
    pub published_at: i64,
    /// The newest version.
    pub current: bool,
    pub notice: Notice,
    /// What changed from the version before; `None` for the first.
    pub changes: Option<Vec<Change>>,
    /// Every version, newest first.
    pub versions: Vec<(String, i64)>,
}

impl Services {
    /// The version of the notice this server publishes (recorded with each
    /// consent, so it shows what the person was told).
    pub fn policy_version_id(&self) -> String {
        version_of(&self.current_notice())
    }

    fn current_notice(&self) -> Notice {
        current_notice(
            &self.settings.controller,
            self.settings.min_learner_age,
            &self.settings.retention,
        )
    }

    /// Records the current notice as a policy version if it is new (at
    /// start-up); returns it.
    pub async fn publish_policy(&self) -> Result<PolicyVersion> {
        let notice = self.current_notice();
        let version = version_of(&notice);
        let mut c = self.db.acquire().await?;
        if let Some(v) = policies::get(c.conn(), &version).await? {
            return Ok(v);
        }
        let first = policies::list(c.conn()).await?.is_empty();
        let row = PolicyVersion {
            version,
            published_at: self.clock.now_us(),
            notice: serde_json::to_string(&notice).map_err(Error::internal)?,
            // Nobody needs telling about the first version: they see it at sign-up.
            notified: first,
        };
        policies::insert(c.conn(), &row).await?;
        tracing::info!(version = %row.version, "published a new privacy policy version");
        // Another node starting at the same moment may have published it first.
        Ok(policies::get(c.conn(), &row.version).await?.unwrap_or(row))
    }

    pub async fn policy_versions(&self) -> Result<Vec<PolicyVersion>> {
        let mut c = self.db.acquire().await?;
        Ok(policies::list(c.conn()).await?)
    }

    pub async fn policy_version(&self, version: &str) -> Result<(PolicyVersion, Notice)> {
        let mut c = self.db.acquire().await?;
        let v = policies::get(c.conn(), version).await?.ok_or(Error::NotFound)?;
        let notice = serde_json::from_str(&v.notice).map_err(Error::internal)?;
        Ok((v, notice))
    }

    /// A version as published, with what changed from the one before it
    /// (`None` for the first version).
    pub async fn policy_version_with_changes(&self, version: &str) -> Result<PublishedNotice> {
        let all = self.policy_versions().await?;
        let at = all.iter().position(|v| v.version == version).ok_or(Error::NotFound)?;
        let parse = |v: &PolicyVersion| serde_json::from_str::<Notice>(&v.notice).map_err(Error::internal);
        let notice = parse(&all[at])?;
        // Versions are listed newest first: the one before is the next.
        let changes = match all.get(at + 1) {
            Some(previous) => Some(changes(&parse(previous)?, &notice)),
            None => None,
        };
        Ok(PublishedNotice {
            version: all[at].version.clone(),
            published_at: all[at].published_at,
            current: at == 0,
            notice,
            changes,
            versions: all.iter().map(|v| (v.version.clone(), v.published_at)).collect(),
        })
    }

    /// Tells every member with a confirmed email about a new policy
    /// version, once (the background job calls this); returns how many.
    pub async fn notify_policy_change(&self) -> Result<usize> {
        let pending = {
            let mut c = self.db.acquire().await?;
            policies::list(c.conn()).await?.into_iter().find(|v| !v.notified)
        };
        let Some(v) = pending else { return Ok(0) };
        let date = jiff::Timestamp::from_microsecond(v.published_at)
            .map(|t| t.to_zoned(jiff::tz::TimeZone::UTC).date().to_string())
            .unwrap_or_default();
        let url = format!("{}/privacy", self.settings.public_url);
        let now = self.clock.now_us();
        let mut tx = self.db.begin().await?;
        // Claimed first, so a second job run does not mail everyone twice.
        if !policies::mark_notified(tx.conn(), &v.version).await? {
            return Ok(0);
        }
        let recipients = policies::members_to_tell(tx.conn()).await?;
        for (account, email, locale) in &recipients {
            let locale = UiLocale::of_setting(locale.as_deref());
            let args = [("date", date.clone()), ("url", url.clone())];
            mail::enqueue(
                tx.conn(),
                now,
                Outgoing {
                    account: Some(*account),
                    channel: Channel::Email,
                    to: email.clone(),
                    subject: crate::i18n::t(locale, "mail-policy-subject"),
                    body: t_args(locale, "mail-policy-body", &args),
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(recipients.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notice() -> Notice {
        current_notice(
            &Controller::default(),
            MinimumAge::DEFAULT,
            &RetentionSettings::default(),
        )
    }

    #[test]
    fn changes_name_what_differs() {
        let a = notice();
        assert!(changes(&a, &a).is_empty());
        let mut b = notice();
        b.controller.name = "Lingua Ltd".into();
        b.controller.processors.push(Processor {
            name: "Mailer Inc.".into(),
            purpose: "Sending email".into(),
            location: "USA".into(),
            transfer_mechanism: "SCCs".into(),
        });
        b.entries.retain(|e| e.table != "reviews");
        let c = changes(&a, &b);
        assert!(c.contains(&Change::Controller {
            field: "name",
            before: "The operator of this Koine site".into(),
            after: "Lingua Ltd".into()
        }));
        assert!(c.contains(&Change::ProcessorAdded(b.controller.processors[0].clone())));
        assert!(
            c.iter()
                .any(|x| matches!(x, Change::EntryRemoved(e) if e.table == "reviews"))
        );
        let mut d = b.clone();
        d.controller.processors[0].transfer_mechanism = "EU-US Data Privacy Framework".into();
        assert_eq!(
            changes(&b, &d),
            [Change::ProcessorChanged {
                before: b.controller.processors[0].clone(),
                after: d.controller.processors[0].clone()
            }]
        );
        assert!(changes(&d, &a).contains(&Change::ProcessorRemoved(d.controller.processors[0].clone())));
    }

    #[test]
    fn an_old_version_reads_back_and_differs_in_what_it_did_not_state() {
        let mut old = serde_json::to_value(notice()).unwrap();
        for k in [
            "consent_uses",
            "signals",
            "min_learner_age",
            "unconfirmed_erased_after_days",
        ] {
            old.as_object_mut().unwrap().remove(k);
        }
        let old: Notice = serde_json::from_value(old).unwrap();
        let c = changes(&old, &notice());
        assert!(c.iter().any(|x| matches!(
            x,
            Change::Signals {
                before: None,
                after: Some(_)
            }
        )));
        assert!(c.iter().any(|x| matches!(x, Change::ConsentUse { before: None, .. })));
    }

    #[test]
    fn the_version_follows_the_controller_details() {
        let a = notice();
        let mut changed = Controller::default();
        changed.processors.push(Processor {
            name: "Mailer Inc.".into(),
            purpose: "Sending email".into(),
            location: "USA".into(),
            transfer_mechanism: "EU-US Data Privacy Framework".into(),
        });
        let b = current_notice(&changed, MinimumAge::DEFAULT, &RetentionSettings::default());
        assert_eq!(version_of(&a), version_of(&notice()));
        assert_ne!(version_of(&a), version_of(&b));
    }
}
