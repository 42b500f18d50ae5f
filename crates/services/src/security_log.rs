//! The security log: sign-ins, failed sign-ins and credential changes on
//! an account, with the device and network they came from, so members can
//! spot a takeover (ASVS V16.3) and staff can investigate one. Full IP
//! addresses are cleared after 7 days, rows after 90 (data map).

use crate::{Result, Services};
use koine_store::Conn;
use koine_store::repo::security_events::{self, SecurityEventRow};
use uuid::Uuid;

/// Request facts stored with a session, so its owner recognises it.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecurityEvent {
    SignedIn,
    SignInFailed,
    ReauthFailed,
    PasswordChanged,
    PasswordReset,
    EmailConfirmed,
    PhoneConfirmed,
    /// Where a teacher's earnings are paid changed.
    PayoutAccountChanged,
}

impl SecurityEvent {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SignedIn => "signed_in",
            Self::SignInFailed => "sign_in_failed",
            Self::ReauthFailed => "reauth_failed",
            Self::PasswordChanged => "password_changed",
            Self::PasswordReset => "password_reset",
            Self::EmailConfirmed => "email_confirmed",
            Self::PhoneConfirmed => "phone_confirmed",
            Self::PayoutAccountChanged => "payout_account_changed",
        }
    }
}

/// How much of a browser's description is kept.
pub(crate) fn short_user_agent(client: &ClientInfo) -> Option<String> {
    client.user_agent.as_ref().map(|u| u.chars().take(200).collect())
}

impl Services {
    pub(crate) async fn record_security_event(
        &self,
        conn: Conn<'_>,
        account: Uuid,
        event: SecurityEvent,
        client: &ClientInfo,
        now: i64,
    ) -> Result<()> {
        let row = SecurityEventRow {
            id: Uuid::now_v7(),
            account_id: account,
            kind: event.as_str().into(),
            ip: client.ip.clone(),
            ip_network: client.ip.as_deref().and_then(koine_domain::privacy::ip_network),
            user_agent: short_user_agent(client),
            created_at: now,
        };
        Ok(security_events::insert(conn, &row).await?)
    }

    /// The member's recent security events, newest first.
    pub async fn security_events(&self, account: Uuid) -> Result<Vec<SecurityEventRow>> {
        let mut c = self.db.acquire().await?;
        Ok(security_events::recent(c.conn(), account, 50).await?)
    }
}
