//! Reviews of lessons.

use super::*;

const REVIEWS: &[Purpose] = &[Purpose::Reviews];
const REVIEW: &str = "user.content.review";

pub(super) static TABLES: &[TableMap] = &[
    // A review is kept for the teacher and other learners after its
    // author leaves, shown as from a former member (GDPR Art. 6(1)(f)).
    table!("reviews", ["teacher_id", "author_id"], Defaults::new(REVIEWS, LegitimateInterests, ACCOUNT, WithRow);
        about "Reviews of lessons: the rating, what the learner wrote, and the teacher's reply.";
        UID => ["id", "lesson_id"];
        UID => ["teacher_id"].erasure(DeleteRow);
        UID => ["author_id"].erasure(Pseudonymise);
        REVIEW => ["rating", "body"];
        REVIEW => ["reply", "replied_at"].from(Source::OtherPerson);
        REVIEW => ["created_at"];
    ),
];
