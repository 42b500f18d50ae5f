//! Reviews of lessons.

use super::*;

const REVIEWS: &[Purpose] = &[Purpose::Reviews];
const REVIEW: &str = "user.content.review";

pub(super) static TABLES: &[TableMap] = &[TableMap {
    table: "reviews",
    // A review is kept for the teacher and other learners after its
    // author leaves, shown as from a former member (GDPR Art. 6(1)(f)).
    about: "Reviews of lessons: the rating, what the learner wrote, and the teacher's reply.",
    subjects: &["teacher_id", "author_id"],
    unconfirmed_erased_after_days: None,
    columns: &{
        const T: Defaults = Defaults::new(REVIEWS, LegitimateInterests, ACCOUNT, WithRow);
        [
            T.col("id", UID),
            T.col("lesson_id", UID),
            T.col("teacher_id", UID).erasure(DeleteRow),
            T.col("author_id", UID).erasure(Pseudonymise),
            T.col("rating", REVIEW),
            T.col("body", REVIEW),
            T.col("reply", REVIEW).from(Source::OtherPerson),
            T.col("replied_at", REVIEW).from(Source::OtherPerson),
            T.col("created_at", REVIEW),
        ]
    },
}];
