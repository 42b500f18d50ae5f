//! The records of processing activities (GDPR Art. 30(1)), generated from
//! the data map and the controller's configuration — never a second list.

use crate::accounts::Principal;
use crate::policy::{Controller, Processor};
use crate::{Error, Result, Services};
use koine_domain::privacy::{LegalBasis, Purpose, Retention};
use koine_store::datamap::{CONSENT_USES, tables};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Technical and organisational security measures (Art. 30(1)(g), Art. 32),
/// as built into Koine.
pub const SECURITY_MEASURES: &[&str] = &[
    "Phone numbers, birth dates, guardian links and export archives encrypted with AES-256-GCM under a \
     per-person key, wrapped by a master key; erasure destroys the key",
    "Passwords hashed with argon2id (m=19456 KiB, t=2, p=1); session and link tokens stored only as SHA-256 hashes",
    "Re-authentication for sensitive actions; session idle and absolute limits; per-account and per-IP throttling",
    "Every staff view of personal data audited with a reason; the audit log readable only by the privacy officer",
    "CSRF protection on every form, strict Content-Security-Policy, HSTS and __Host- cookies under TLS",
    "Retention sweeps and erasure driven by the data map; SQLite secure_delete on",
];

/// Whose data Koine processes (Art. 30(1)(c)).
pub const DATA_SUBJECTS: &[&str] = &[
    "members (learners and teachers)",
    "staff",
    "visitors who are not signed in",
    "people who make privacy requests",
    "parents and guardians of minors",
];

/// One processing activity: everything done for one purpose.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Activity {
    /// Done only with the person's consent (a purpose of the consent
    /// request); no categories then means nothing of the kind is done at
    /// present.
    pub on_consent: bool,
    pub categories: BTreeSet<&'static str>,
    pub tables: BTreeSet<&'static str>,
    pub legal_bases: BTreeSet<LegalBasis>,
    /// Per table, the rules its columns for this purpose are kept by.
    pub retention: BTreeMap<&'static str, Vec<Retention>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Records {
    pub controller: ControllerIdentity,
    pub policy_version: String,
    pub data_subjects: &'static [&'static str],
    /// Keyed by purpose.
    pub activities: BTreeMap<&'static str, Activity>,
    pub recipients: Vec<Processor>,
    pub storage_location: String,
    pub security_measures: &'static [&'static str],
}

#[derive(Debug, Clone, Serialize)]
pub struct ControllerIdentity {
    pub name: String,
    pub address: String,
    pub email: String,
    pub dpo_email: String,
}

/// The activities, read from the map: every personal column contributes
/// its category, table, basis and retention to each of its purposes, and
/// every purpose Koine asks consent for is an activity on that basis.
pub fn activities() -> BTreeMap<&'static str, Activity> {
    let mut by_purpose: BTreeMap<&'static str, Activity> = BTreeMap::new();
    for t in tables() {
        for c in t.columns.iter().filter(|c| c.category.starts_with("user.")) {
            for purpose in c.purposes {
                let a = by_purpose.entry(Purpose::as_str(*purpose)).or_default();
                a.categories.insert(c.category);
                a.tables.insert(t.table);
                a.legal_bases.insert(c.basis);
                let rules = a.retention.entry(t.table).or_default();
                if !rules.contains(&c.retention) {
                    rules.push(c.retention);
                }
            }
        }
    }
    for u in CONSENT_USES {
        let a = by_purpose.entry(u.purpose.as_str()).or_default();
        a.on_consent = true;
        a.legal_bases.insert(LegalBasis::Consent);
        for (table, column) in u.reads {
            let Some(c) = tables().find(|t| t.table == *table).and_then(|t| t.column(column)) else {
                continue;
            };
            a.categories.insert(c.category);
            a.tables.insert(table);
            let rules = a.retention.entry(table).or_default();
            if !rules.contains(&c.retention) {
                rules.push(c.retention);
            }
        }
    }
    by_purpose
}

fn identity(c: &Controller) -> ControllerIdentity {
    ControllerIdentity {
        name: c.name.clone(),
        address: c.address.clone(),
        email: c.email.clone(),
        dpo_email: c.dpo_email.clone(),
    }
}

impl Services {
    /// The records, for the privacy officer (and the admin who answers to
    /// a supervisory authority).
    pub fn records_of_processing(&self, p: &Principal) -> Result<Records> {
        if !crate::staff::role_of(p)?.can_handle_privacy_requests() {
            return Err(Error::Forbidden);
        }
        let controller = &self.settings.controller;
        Ok(Records {
            controller: identity(controller),
            policy_version: self.policy_version_id(),
            data_subjects: DATA_SUBJECTS,
            activities: activities(),
            recipients: controller.processors.clone(),
            storage_location: controller.storage_location.clone(),
            security_measures: SECURITY_MEASURES,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_personal_column_is_under_each_of_its_purposes() {
        let a = activities();
        for t in tables() {
            for c in t.columns.iter().filter(|c| c.category.starts_with("user.")) {
                for p in c.purposes {
                    let act = &a[p.as_str()];
                    assert!(act.tables.contains(t.table) && act.categories.contains(c.category));
                    assert!(act.legal_bases.contains(&c.basis));
                    assert!(act.retention[t.table].contains(&c.retention));
                }
            }
        }
        assert!(
            !a.contains_key("operations"),
            "system-only purposes hold no personal data"
        );
        for p in koine_domain::consent::ConsentPurpose::ALL {
            let act = &a[p.as_str()];
            assert!(
                act.on_consent && act.legal_bases == [LegalBasis::Consent].into(),
                "{p:?}"
            );
        }
        let rec = &a["personalised_recommendations"];
        assert!(rec.tables.contains("profile_languages") && rec.categories.contains("user.demographic.language"));
    }
}
