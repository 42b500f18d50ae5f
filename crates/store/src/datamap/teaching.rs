//! Teaching: applications, teachers, what they offer and when.

use super::*;

const APPLY: &[Purpose] = &[ProvideService, Security];

/// An application is kept a year after it was decided, as the record of
/// the review; an undecided one as long as the account.
const APPLICATION_KEEP: Retention = YearsAfter {
    years: 1,
    column: "decided_at",
};

/// An identity document is deleted 30 days after the application is
/// decided (time to answer a question about it); only the result stays.
const ID_DOCUMENT_KEEP: Retention = DaysAfter {
    days: 30,
    column: "decided_at",
};

pub(super) static TABLES: &[TableMap] = &[
    TableMap {
        table: "teacher_applications",
        // GDPR Art. 6(1)(b): steps the applicant asks for before a contract.
        about: "Your application to teach: who you are, what you teach, your qualifications, and the review.",
        subjects: &["account_id", "decided_by"],
        unconfirmed_erased_after_days: None,
        columns: &{
            const T: Defaults = Defaults::new(SVC, Contract, APPLICATION_KEEP, DeleteRow);
            [
                T.col("id", UID),
                T.col("account_id", UID),
                T.col("status", "user.teaching.application").from(Source::Service),
                T.col("real_name_enc", "user.name")
                    .purposes(APPLY)
                    .encrypted("teacher_applications.real_name"),
                T.col("country", "user.contact.address.country"),
                T.col("languages", "user.teaching"),
                T.col("introduction", "user.content.public"),
                T.col("education", "user.professional"),
                T.col("experience", "user.professional"),
                T.col("expertise", "user.professional"),
                T.col("id_document_type", "user.government_id")
                    .purposes(APPLY)
                    .basis(LegitimateInterests)
                    .retention(ID_DOCUMENT_KEEP),
                T.col("id_document_enc", "user.government_id")
                    .purposes(APPLY)
                    .basis(LegitimateInterests)
                    .retention(ID_DOCUMENT_KEEP)
                    .encrypted("teacher_applications.id_document")
                    .file(),
                T.col("video_id", UID),
                T.col("submitted_at", "user.teaching.application"),
                T.col("decided_at", "user.teaching.application").from(Source::Staff),
                T.col("decided_by", UID).erasure(RetainLegal),
                T.col("tier", "user.teaching.application").from(Source::Staff),
                T.col("staff_message", "user.teaching.application").from(Source::Staff),
                T.col("updated_at", SYS).purposes(OPS),
            ]
        },
    },
    TableMap {
        table: "teacher_certificates",
        about: "Teaching certificates you uploaded, and whether staff verified them.",
        subjects: &["account_id"],
        unconfirmed_erased_after_days: None,
        columns: &{
            const T: Defaults = Defaults::new(SVC, Contract, ACCOUNT, DeleteRow);
            [
                T.col("id", UID),
                T.col("account_id", UID),
                T.col("application_id", UID),
                T.col("title", "user.professional").purposes(PROFILE),
                T.col("content_type", "user.professional"),
                T.col("file_enc", "user.professional")
                    .encrypted("teacher_certificates.file")
                    .file(),
                T.col("verified_at", "user.professional")
                    .purposes(PROFILE)
                    .from(Source::Staff),
                T.col("created_at", "user.professional"),
            ]
        },
    },
    TableMap {
        table: "teacher_videos",
        about: "Your self-introduction video.",
        subjects: &["account_id"],
        unconfirmed_erased_after_days: None,
        columns: &{
            const T: Defaults = Defaults::new(PROFILE, Contract, ACCOUNT, DeleteRow);
            [
                T.col("id", UID),
                T.col("account_id", UID),
                T.col("content_type", "user.content.video"),
                T.col("size_bytes", "user.content.video"),
                T.col("created_at", "user.content.video"),
            ]
        },
    },
    TableMap {
        table: "teachers",
        // Applying is consent to show the homepage; each optional field has
        // its own visibility, like the profile.
        about: "Your teacher homepage: what you teach, your qualifications as you chose to show them, and your booking rules.",
        subjects: &["account_id"],
        unconfirmed_erased_after_days: None,
        columns: &{
            const T: Defaults = Defaults::new(PROFILE, Contract, ACCOUNT, DeleteRow);
            [
                T.col("account_id", UID),
                T.col("tier", "user.teaching").from(Source::Staff),
                T.col("status", "user.teaching"),
                T.col("real_name_enc", "user.name")
                    .purposes(APPLY)
                    .encrypted("teachers.real_name"),
                T.col("headline", "user.content.public"),
                T.col("about", "user.content.public"),
                T.col("country", "user.contact.address.country"),
                T.col("education", "user.professional"),
                T.col("experience", "user.professional"),
                T.col("expertise", "user.professional"),
                T.col("country_visibility", "user.account.settings"),
                T.col("education_visibility", "user.account.settings"),
                T.col("experience_visibility", "user.account.settings"),
                T.col("expertise_visibility", "user.account.settings"),
                T.col("video_visibility", "user.account.settings"),
                T.col("video_id", UID),
                T.col("trial_price_minor", "user.teaching").purposes(SVC),
                T.col("min_notice_minutes", "user.teaching").purposes(SVC),
                T.col("horizon_days", "user.teaching").purposes(SVC),
                T.col("buffer_before_minutes", "user.teaching").purposes(SVC),
                T.col("buffer_after_minutes", "user.teaching").purposes(SVC),
                T.col("rating_sum", "user.teaching").from(Source::Service),
                T.col("rating_count", "user.teaching").from(Source::Service),
                T.col("approved_at", "user.teaching").from(Source::Staff),
                T.col("updated_at", SYS).purposes(OPS),
            ]
        },
    },
    TableMap {
        table: "teacher_languages",
        about: "The languages you teach and your level in each.",
        subjects: &["account_id"],
        unconfirmed_erased_after_days: None,
        columns: &{
            const T: Defaults = Defaults::new(PROFILE, Contract, ACCOUNT, DeleteRow);
            [
                T.col("account_id", UID),
                T.col("language", "user.teaching"),
                T.col("level", "user.teaching"),
            ]
        },
    },
    TableMap {
        table: "offerings",
        about: "The lessons you offer: language, levels, length and price.",
        subjects: &["teacher_id"],
        unconfirmed_erased_after_days: None,
        columns: &{
            const T: Defaults = Defaults::new(PROFILE, Contract, ACCOUNT, DeleteRow);
            [
                T.col("id", UID),
                T.col("teacher_id", UID),
                T.col("language", "user.teaching"),
                T.col("levels", "user.teaching"),
                T.col("duration_minutes", "user.teaching"),
                T.col("price_minor", "user.teaching"),
                T.col("currency", "user.teaching"),
                T.col("status", "user.teaching"),
                T.col("created_at", "user.teaching"),
                T.col("updated_at", SYS).purposes(OPS),
            ]
        },
    },
    TableMap {
        table: "offering_packages",
        about: "Lesson packages you offer, and their discounts.",
        subjects: &["teacher_id"],
        unconfirmed_erased_after_days: None,
        columns: &{
            const T: Defaults = Defaults::new(PROFILE, Contract, ACCOUNT, DeleteRow);
            [
                T.col("offering_id", UID),
                T.col("teacher_id", UID),
                T.col("lessons", "user.teaching"),
                T.col("discount_percent", "user.teaching"),
            ]
        },
    },
    TableMap {
        table: "availability_rules",
        about: "When you are available each week, in your time zone.",
        subjects: &["teacher_id"],
        unconfirmed_erased_after_days: None,
        columns: &{
            const T: Defaults = Defaults::new(SVC, Contract, ACCOUNT, DeleteRow);
            [
                T.col("id", UID),
                T.col("teacher_id", UID),
                T.col("weekday", "user.teaching"),
                T.col("start_minute", "user.teaching"),
                T.col("end_minute", "user.teaching"),
            ]
        },
    },
    TableMap {
        table: "availability_overrides",
        about: "Days when your availability differs, with the time zone you will be in.",
        subjects: &["teacher_id"],
        unconfirmed_erased_after_days: None,
        columns: &{
            const T: Defaults = Defaults::new(SVC, Contract, ACCOUNT, DeleteRow);
            [
                T.col("id", UID),
                T.col("teacher_id", UID),
                T.col("day", "user.teaching"),
                T.col("time_zone", "user.contact.address.city"),
                T.col("start_minute", "user.teaching"),
                T.col("end_minute", "user.teaching"),
            ]
        },
    },
];
