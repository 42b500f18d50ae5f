//! A member's lessons as a calendar feed at a secret address they can
//! revoke (the address is shown once; only its hash is kept).

use super::notify::calendar_event;
use crate::accounts::Principal;
use crate::{Error, Result, Services, crypto};
use koine_domain::ics;
use koine_store::repo::{calendar as repo, lessons};

/// Lessons that ended this long ago still show in the feed.
const PAST_US: i64 = 30 * 86_400_000_000;

impl Services {
    /// A new secret feed address (the old one stops working); the token is
    /// returned once, to be shown to the member.
    pub async fn new_calendar_feed(&self, p: &Principal) -> Result<String> {
        let token = crypto::new_token();
        let mut tx = self.db.begin().await?;
        repo::set(
            tx.conn(),
            p.account_id,
            &crypto::token_hash(&token),
            self.clock.now_us(),
        )
        .await?;
        tx.commit().await?;
        Ok(token)
    }

    pub async fn revoke_calendar_feed(&self, p: &Principal) -> Result<()> {
        let mut tx = self.db.begin().await?;
        repo::revoke(tx.conn(), p.account_id).await?;
        tx.commit().await?;
        Ok(())
    }

    /// When the member's current feed address was made, if they have one.
    pub async fn calendar_feed_since(&self, p: &Principal) -> Result<Option<i64>> {
        let mut c = self.db.acquire().await?;
        Ok(repo::created_at(c.conn(), p.account_id).await?)
    }

    /// The feed a token opens: the member's lessons from the last 30 days
    /// on, as iCalendar text.
    pub async fn calendar_feed(&self, token: &str) -> Result<String> {
        let now = self.clock.now_us();
        let mut c = self.db.acquire().await?;
        let account = repo::owner(c.conn(), &crypto::token_hash(token))
            .await?
            .ok_or(Error::NotFound)?;
        let mut events = Vec::new();
        for l in lessons::of_member(c.conn(), account, 500)
            .await?
            .into_iter()
            .filter(|l| l.ends_at >= now - PAST_US)
        {
            let other = if l.learner_id == account {
                l.teacher_id
            } else {
                l.learner_id
            };
            let name = self.display_name_in(c.conn(), other).await?;
            let locale = crate::accounts::locale_of(c.conn(), account).await?;
            let summary = crate::i18n::t_args(
                locale,
                "lesson-calendar-summary",
                &[
                    ("language", crate::i18n::language_name(locale, &l.language)),
                    ("other", name),
                ],
            );
            events.extend(calendar_event(&self.settings.public_url, &l, summary));
        }
        Ok(ics::calendar("Koine", &events, self.clock.now()))
    }
}
