//! The published privacy notice: who the controller is, who processes data
//! for them (from configuration), and what is held (from the data map).
//! Every material change of either is a new policy version with its date;
//! old versions stay viewable and members are told of a new one.

use crate::i18n::t_args;
use crate::mail::{self, Channel, Outgoing};
use crate::{Error, Result, Services};
use koine_domain::profile::UiLocale;
use koine_store::datamap::{self, NoticeEntry};
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
/// shown exactly as they were.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Notice {
    pub controller: Controller,
    pub entries: Vec<NoticeEntryRecord>,
    pub map_version: String,
}

/// A notice line as stored (owned strings, so it can be read back).
#[derive(Debug, Clone, Serialize, Deserialize)]
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

pub fn current_notice(controller: &Controller) -> Notice {
    Notice {
        controller: controller.clone(),
        entries: datamap::notice().iter().map(NoticeEntryRecord::from).collect(),
        map_version: datamap::version(),
    }
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

impl Services {
    /// The version of the notice this server publishes (recorded with each
    /// consent, so it shows what the person was told).
    pub fn policy_version_id(&self) -> String {
        version_of(&current_notice(&self.settings.controller))
    }

    /// Records the current notice as a policy version if it is new (at
    /// start-up); returns it.
    pub async fn publish_policy(&self) -> Result<PolicyVersion> {
        let notice = current_notice(&self.settings.controller);
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
        Ok(row)
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
            let locale = locale
                .as_deref()
                .and_then(|l| UiLocale::parse(l).ok())
                .unwrap_or(UiLocale::En);
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

    #[test]
    fn the_version_follows_the_controller_details() {
        let a = current_notice(&Controller::default());
        let mut changed = Controller::default();
        changed.processors.push(Processor {
            name: "Mailer Inc.".into(),
            purpose: "Sending email".into(),
            location: "USA".into(),
            transfer_mechanism: "EU-US Data Privacy Framework".into(),
        });
        let b = current_notice(&changed);
        assert_eq!(version_of(&a), version_of(&current_notice(&Controller::default())));
        assert_ne!(version_of(&a), version_of(&b));
    }
}
