//! Reviews: after a completed lesson its learner may rate it (1–5) and say
//! something; the teacher may reply once. Ratings feed the teacher's
//! average on their homepage and in search. A review stays after its
//! author leaves, shown as from a former member.

use crate::accounts::Principal;
use crate::notifications::Notice;
use crate::{Error, Result, Services};
use koine_domain::Invalid;
use koine_domain::booking::{LessonStatus, parse_rating};
use koine_domain::mention;
use koine_domain::refusal::Refusal;
use koine_domain::teaching::public_text;
use koine_store::repo::reviews::{self as repo, ReviewRow};
use koine_store::repo::{lessons, teaching as teachers};
use uuid::Uuid;

/// A review as shown on a homepage.
#[derive(Debug, Clone)]
pub struct Review {
    pub row: ReviewRow,
    /// The author's display name; none once they left ("former member").
    pub author_name: Option<String>,
}

/// The longest review text.
pub const REVIEW_MAX: usize = 2000;

impl Services {
    /// Rates a completed lesson, once.
    pub async fn review_lesson(&self, p: &Principal, lesson: Uuid, rating: &str, body: &str) -> Result<Uuid> {
        let rating = parse_rating(rating)?;
        let body = public_text("body", body, REVIEW_MAX)?;
        let now = self.clock.now_us();
        let mut tx = self.db.begin().await?;
        let l = lessons::get(tx.conn(), lesson)
            .await?
            .filter(|l| l.learner_id == p.account_id)
            .ok_or(Error::NotFound)?;
        if l.status != LessonStatus::Completed {
            return Err(Error::Refused(Refusal::LessonNotCompleted));
        }
        let row = ReviewRow {
            id: Uuid::now_v7(),
            lesson_id: lesson,
            teacher_id: l.teacher_id,
            author_id: p.account_id,
            rating: i64::from(rating),
            body,
            reply: None,
            replied_at: None,
            created_at: now,
        };
        if !repo::insert(tx.conn(), &row).await? {
            return Err(Error::Refused(Refusal::AlreadyReviewed));
        }
        teachers::add_rating(tx.conn(), l.teacher_id, row.rating).await?;
        let notice = Notice {
            kind: "review",
            subject_key: "mail-review-subject",
            body_key: "review-posted",
            args: vec![("rating", rating.to_string()), ("name", mention::MARK.into())],
            link: Some(format!("/teachers/{}#reviews", l.teacher_id)),
            ics: None,
            about: Some(p.account_id),
        };
        self.tell(tx.conn(), l.teacher_id, notice, now).await?;
        tx.commit().await?;
        self.teachers_changed(l.teacher_id).await;
        Ok(row.id)
    }

    /// The teacher replies to a review of theirs, once.
    pub async fn reply_to_review(&self, p: &Principal, review: Uuid, text: &str) -> Result<()> {
        let text = public_text("reply", text, 2000)?.ok_or(Invalid::new("reply", "required"))?;
        let mut tx = self.db.begin().await?;
        let r = repo::get(tx.conn(), review)
            .await?
            .filter(|r| r.teacher_id == p.account_id)
            .ok_or(Error::NotFound)?;
        if !repo::reply(tx.conn(), r.id, &text, self.clock.now_us()).await? {
            return Err(Error::Refused(Refusal::AlreadyReplied));
        }
        tx.commit().await?;
        Ok(())
    }

    /// A teacher's reviews, newest first.
    pub async fn reviews_of(&self, teacher: Uuid) -> Result<Vec<Review>> {
        let mut c = self.db.acquire().await?;
        Ok(repo::of_teacher(c.conn(), teacher, 50)
            .await?
            .into_iter()
            .map(|(row, author_name)| Review { row, author_name })
            .collect())
    }
}
