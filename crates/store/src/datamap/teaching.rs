//! Teaching: applications, teachers, what they offer and when.

use super::*;

const APPLY: &[Purpose] = &[ProvideService, Security];

/// An application is kept a year after it was decided, as the record of
/// the review; an undecided one as long as the account.
const APPLICATION_KEEP: Retention = years_after(1, "decided_at");

/// An identity document is deleted 30 days after the application is
/// decided (time to answer a question about it); only the result stays.
const ID_DOCUMENT_KEEP: Retention = days_after(30, "decided_at");

pub(super) static TABLES: &[TableMap] = &[
    // GDPR Art. 6(1)(b): steps the applicant asks for before a contract.
    table!("teacher_applications", ["account_id", "decided_by"],
            Defaults::new(SVC, Contract, APPLICATION_KEEP, DeleteRow);
        about "Your application to teach: who you are, what you teach, your qualifications, and the review.";
        UID => ["id", "account_id"];
        "user.teaching.application" => ["status"].from(Source::Service).choice();
        "user.name" => ["real_name_enc"].purposes(APPLY).encrypted("teacher_applications.real_name");
        "user.contact.address.country" => ["country"];
        "user.teaching" => ["languages"];
        "user.content.public" => ["introduction"];
        "user.professional" => ["education", "experience", "expertise"];
        "user.government_id" => ["id_document_type"]
            .purposes(APPLY)
            .basis(LegitimateInterests)
            .retention(ID_DOCUMENT_KEEP);
        // Sealed here by earlier versions, empty once moved to the file store.
        "user.government_id" => ["id_document_enc"]
            .purposes(APPLY)
            .basis(LegitimateInterests)
            .retention(ID_DOCUMENT_KEEP)
            .encrypted("teacher_applications.id_document")
            .file();
        UID => ["video_id"];
        // The document in the file store (`objects`, sealed with a key of
        // its own): cleared with the rest of it, which lets the file go.
        "user.government_id" => ["id_document_id"]
            .purposes(APPLY)
            .basis(LegitimateInterests)
            .retention(ID_DOCUMENT_KEEP);
        "user.teaching.application" => ["submitted_at"];
        "user.teaching.application" => ["decided_at"].from(Source::Staff);
        UID => ["decided_by"].erasure(RetainLegal);
        "user.teaching.application" => ["tier", "staff_message"].from(Source::Staff);
        SYS => ["updated_at"].purposes(OPS);
    ),
    table!("teacher_certificates", ["account_id"], Defaults::new(SVC, Contract, ACCOUNT, DeleteRow);
        about "Teaching certificates you uploaded, and whether staff verified them.";
        UID => ["id", "account_id", "application_id"];
        "user.professional" => ["title"].purposes(PROFILE);
        "user.professional" => ["content_type"];
        // Sealed here by earlier versions; the file is now in the file
        // store under the certificate's id.
        "user.professional" => ["file_enc"].encrypted("teacher_certificates.file").file();
        "user.professional" => ["verified_at"].purposes(PROFILE).from(Source::Staff);
        "user.professional" => ["created_at"];
    ),
    table!("teacher_videos", ["account_id"], Defaults::new(PROFILE, Contract, ACCOUNT, DeleteRow);
        about "Your self-introduction video.";
        UID => ["id", "account_id"];
        "user.content.video" => ["content_type", "size_bytes", "created_at"];
    ),
    // Applying is consent to show the homepage; each optional field has
    // its own visibility, like the profile.
    table!("teachers", ["account_id"], Defaults::new(PROFILE, Contract, ACCOUNT, DeleteRow);
        about "Your teacher homepage: what you teach, your qualifications as you chose to show them, and your booking rules.";
        UID => ["account_id"];
        "user.teaching" => ["tier"].from(Source::Staff).choice();
        "user.teaching" => ["status"];
        "user.name" => ["real_name_enc"].purposes(APPLY).encrypted("teachers.real_name");
        "user.content.public" => ["headline", "about"];
        "user.contact.address.country" => ["country"];
        "user.professional" => ["education", "experience", "expertise"];
        "user.account.settings" => ["country_visibility", "education_visibility", "experience_visibility",
            "expertise_visibility", "video_visibility"].choice();
        UID => ["video_id"];
        "user.teaching" => ["trial_price_minor", "min_notice_minutes", "horizon_days", "buffer_before_minutes",
            "buffer_after_minutes"].purposes(SVC);
        "user.teaching" => ["rating_sum", "rating_count"].from(Source::Service);
        "user.teaching" => ["approved_at"].from(Source::Staff);
        SYS => ["updated_at"].purposes(OPS);
    ),
    table!("teacher_languages", ["account_id"], Defaults::new(PROFILE, Contract, ACCOUNT, DeleteRow);
        about "The languages you teach and your level in each.";
        UID => ["account_id"];
        "user.teaching" => ["language", "level"];
    ),
    table!("offerings", ["teacher_id"], Defaults::new(PROFILE, Contract, ACCOUNT, DeleteRow);
        about "The lessons you offer: language, levels, length and price.";
        UID => ["id", "teacher_id"];
        "user.teaching" => ["language", "levels", "duration_minutes", "price_minor", "currency"];
        "user.teaching" => ["status"].choice();
        "user.teaching" => ["created_at"];
        SYS => ["updated_at"].purposes(OPS);
    ),
    table!("offering_packages", ["teacher_id"], Defaults::new(PROFILE, Contract, ACCOUNT, DeleteRow);
        about "Lesson packages you offer, and their discounts.";
        UID => ["offering_id", "teacher_id"];
        "user.teaching" => ["lessons", "discount_percent"];
    ),
    table!("availability_rules", ["teacher_id"], Defaults::new(SVC, Contract, ACCOUNT, DeleteRow);
        about "When you are available each week, in your time zone.";
        UID => ["id", "teacher_id"];
        "user.teaching" => ["weekday", "start_minute", "end_minute"];
    ),
    table!("availability_overrides", ["teacher_id"], Defaults::new(SVC, Contract, ACCOUNT, DeleteRow);
        about "Days when your availability differs, with the time zone you will be in.";
        UID => ["id", "teacher_id"];
        "user.teaching" => ["day"];
        "user.contact.address.city" => ["time_zone"];
        "user.teaching" => ["start_minute", "end_minute"];
    ),
];
