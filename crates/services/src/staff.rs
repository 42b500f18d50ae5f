//! Staff console services. Every look at another person's data is audited (P6).

use crate::{Error, Result, Services, accounts::Principal};
use koine_domain::profile::Viewer;
use koine_domain::staff::StaffRole;
use koine_store::repo::accounts::{self, MemberSummary};
use koine_store::repo::audit::{self, AuditRow};
use koine_store::repo::holds::{self, HoldRow};
use serde::Serialize;
use uuid::Uuid;

pub const PAGE: i64 = 50;

/// The longest member search staff may type.
pub const QUERY_MAX: usize = 200;
/// The longest reason staff may give.
pub const REASON_MAX: usize = 1000;

pub(crate) fn required_reason(reason: &str) -> Result<String> {
    Ok(koine_domain::validation::optional_text("reason", reason, REASON_MAX)?
        .ok_or(koine_domain::Invalid::new("reason", "required"))?)
}
/// Deepest page served; beyond it a search should be narrowed instead.
const MAX_PAGE: i64 = 1000;

fn offset(page: i64) -> i64 {
    page.clamp(0, MAX_PAGE) * PAGE
}

pub(crate) fn role_of(p: &Principal) -> Result<StaffRole> {
    p.staff_role.ok_or(Error::Forbidden)
}

#[derive(Debug, Clone, Serialize)]
pub struct MemberRecord {
    pub profile: crate::profiles::ProfileView,
    pub contact: crate::accounts::ContactDetails,
}

impl Services {
    pub(crate) async fn audit(
        &self,
        actor: Uuid,
        subject: Option<Uuid>,
        action: &str,
        reason: Option<String>,
    ) -> Result<()> {
        let mut c = self.db.acquire().await?;
        audit::insert(
            c.conn(),
            &AuditRow {
                id: Uuid::now_v7(),
                actor_id: actor,
                subject_id: subject,
                action: action.into(),
                reason,
                created_at: self.clock.now_us(),
            },
        )
        .await?;
        Ok(())
    }

    /// Lists members matching `query` (name or email). Listing shows email
    /// addresses, so the search itself is audited.
    pub async fn search_members(&self, p: &Principal, query: &str, page: i64) -> Result<Vec<MemberSummary>> {
        if !role_of(p)?.can_view_members() {
            return Err(Error::Forbidden);
        }
        let query = koine_domain::validation::optional_text("q", query, QUERY_MAX)?.unwrap_or_default();
        // What was searched is part of the record of what staff could see.
        self.audit(
            p.account_id,
            None,
            "search_members",
            Some(format!("query: {query:?}, page {page}")),
        )
        .await?;
        let mut c = self.db.acquire().await?;
        Ok(accounts::search(c.conn(), &query, PAGE, offset(page)).await?)
    }

    /// Opens one member's record, writing who looked, at whom, when and why.
    pub async fn view_member(&self, p: &Principal, member: Uuid, reason: Option<String>) -> Result<MemberRecord> {
        if !role_of(p)?.can_view_members() {
            return Err(Error::Forbidden);
        }
        let profile = self.view_profile(member, Viewer::Owner).await?;
        let contact = self.contact_details(member).await?;
        self.audit(p.account_id, Some(member), "view_member", reason).await?;
        Ok(MemberRecord { profile, contact })
    }

    pub async fn audit_log(&self, p: &Principal, subject: Option<Uuid>, page: i64) -> Result<Vec<AuditRow>> {
        if !role_of(p)?.can_read_audit_log() {
            return Err(Error::Forbidden);
        }
        let mut c = self.db.acquire().await?;
        Ok(audit::list(c.conn(), subject, PAGE, offset(page)).await?)
    }

    /// Staff who handle legal claims, acting on someone other than themselves.
    fn hold_officer(p: &Principal, member: Uuid) -> Result<StaffRole> {
        let role = role_of(p)?;
        if !role.can_place_legal_holds() || member == p.account_id {
            return Err(Error::Forbidden);
        }
        Ok(role)
    }

    /// Places a legal hold: the person's data is kept (no erasure, no
    /// retention sweep) until it is lifted. A reason is required.
    pub async fn place_legal_hold(&self, p: &Principal, member: Uuid, reason: &str) -> Result<Uuid> {
        Self::hold_officer(p, member)?;
        let reason = required_reason(reason)?;
        let now = self.clock.now_us();
        let mut tx = self.db.begin().await?;
        // Locked, so a deletion in progress finishes first (and this then
        // finds no account) or waits for the hold.
        if !accounts::lock(tx.conn(), member).await? {
            return Err(Error::NotFound);
        }
        let id = Uuid::now_v7();
        let row = HoldRow {
            id,
            account_id: member,
            reason: Some(reason.clone()),
            placed_by: p.account_id,
            placed_at: now,
            lifted_by: None,
            lifted_at: None,
        };
        holds::insert(tx.conn(), &row).await?;
        let event = AuditRow {
            id: Uuid::now_v7(),
            actor_id: p.account_id,
            subject_id: Some(member),
            action: "place_legal_hold".into(),
            reason: Some(reason),
            created_at: now,
        };
        audit::insert(tx.conn(), &event).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Lifting is the privacy officer's, with a reason, like placing.
    pub async fn lift_legal_hold(&self, p: &Principal, member: Uuid, hold: Uuid, reason: &str) -> Result<()> {
        if Self::hold_officer(p, member)? != StaffRole::PrivacyOfficer {
            return Err(Error::Forbidden);
        }
        let reason = required_reason(reason)?;
        let now = self.clock.now_us();
        let mut tx = self.db.begin().await?;
        let belongs = holds::for_account(tx.conn(), member)
            .await?
            .iter()
            .any(|h| h.id == hold);
        if !belongs || !holds::lift(tx.conn(), hold, p.account_id, now).await? {
            return Err(Error::NotFound);
        }
        let event = AuditRow {
            id: Uuid::now_v7(),
            actor_id: p.account_id,
            subject_id: Some(member),
            action: "lift_legal_hold".into(),
            reason: Some(reason),
            created_at: now,
        };
        audit::insert(tx.conn(), &event).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A member's legal holds, for the staff who handle them.
    pub async fn legal_holds(&self, p: &Principal, member: Uuid) -> Result<Vec<HoldRow>> {
        if !role_of(p)?.can_place_legal_holds() {
            return Err(Error::Forbidden);
        }
        let mut c = self.db.acquire().await?;
        Ok(holds::for_account(c.conn(), member).await?)
    }
}
