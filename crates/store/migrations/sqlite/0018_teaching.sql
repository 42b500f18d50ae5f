-- Teaching (issue 4): applications to teach with verified identity, the
-- approved teacher's homepage, offerings, packages and availability.
-- Sealed columns (`_enc`) are encrypted under the person's key (P5).
-- Keep in step with ../postgres/0018_teaching.sql.

CREATE TABLE teacher_applications (
    id BLOB NOT NULL PRIMARY KEY,
    account_id BLOB NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    real_name_enc BLOB NOT NULL,
    country TEXT NOT NULL,
    languages TEXT NOT NULL,
    introduction TEXT NOT NULL,
    education TEXT,
    experience TEXT,
    expertise TEXT,
    id_document_type TEXT,
    id_document_enc BLOB,
    video_id BLOB,
    submitted_at INTEGER NOT NULL,
    decided_at INTEGER,
    decided_by BLOB,
    tier TEXT,
    staff_message TEXT,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX teacher_applications_account ON teacher_applications (account_id);
CREATE INDEX teacher_applications_decided_by ON teacher_applications (decided_by);
CREATE INDEX teacher_applications_decided ON teacher_applications (decided_at);
CREATE INDEX teacher_applications_queue ON teacher_applications (status, submitted_at);

CREATE TABLE teacher_certificates (
    id BLOB NOT NULL PRIMARY KEY,
    account_id BLOB NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    application_id BLOB REFERENCES teacher_applications(id) ON DELETE SET NULL,
    title TEXT NOT NULL,
    content_type TEXT NOT NULL,
    file_enc BLOB NOT NULL,
    verified_at INTEGER,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX teacher_certificates_account ON teacher_certificates (account_id);
CREATE INDEX teacher_certificates_application ON teacher_certificates (application_id);

CREATE TABLE teacher_videos (
    id BLOB NOT NULL PRIMARY KEY,
    account_id BLOB NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    content_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX teacher_videos_account ON teacher_videos (account_id);

CREATE TABLE teachers (
    account_id BLOB NOT NULL PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    tier TEXT NOT NULL,
    status TEXT NOT NULL,
    real_name_enc BLOB NOT NULL,
    headline TEXT,
    about TEXT NOT NULL,
    country TEXT NOT NULL,
    country_visibility TEXT NOT NULL,
    education TEXT,
    education_visibility TEXT NOT NULL,
    experience TEXT,
    experience_visibility TEXT NOT NULL,
    expertise TEXT,
    expertise_visibility TEXT NOT NULL,
    video_id BLOB,
    video_visibility TEXT NOT NULL,
    trial_price_minor INTEGER,
    min_notice_minutes INTEGER NOT NULL,
    horizon_days INTEGER NOT NULL,
    buffer_before_minutes INTEGER NOT NULL,
    buffer_after_minutes INTEGER NOT NULL,
    rating_sum INTEGER NOT NULL,
    rating_count INTEGER NOT NULL,
    approved_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX teachers_updated ON teachers (updated_at);

CREATE TABLE teacher_languages (
    account_id BLOB NOT NULL REFERENCES teachers(account_id) ON DELETE CASCADE,
    language TEXT NOT NULL,
    level TEXT NOT NULL,
    PRIMARY KEY (account_id, language)
) STRICT;

CREATE TABLE offerings (
    id BLOB NOT NULL PRIMARY KEY,
    teacher_id BLOB NOT NULL REFERENCES teachers(account_id) ON DELETE CASCADE,
    language TEXT NOT NULL,
    levels TEXT NOT NULL,
    duration_minutes INTEGER NOT NULL,
    price_minor INTEGER NOT NULL,
    currency TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CHECK (price_minor > 0)
) STRICT;
CREATE INDEX offerings_teacher ON offerings (teacher_id);

CREATE TABLE offering_packages (
    offering_id BLOB NOT NULL REFERENCES offerings(id) ON DELETE CASCADE,
    teacher_id BLOB NOT NULL REFERENCES teachers(account_id) ON DELETE CASCADE,
    lessons INTEGER NOT NULL,
    discount_percent INTEGER NOT NULL,
    PRIMARY KEY (offering_id, lessons)
) STRICT;
CREATE INDEX offering_packages_teacher ON offering_packages (teacher_id);

CREATE TABLE availability_rules (
    id BLOB NOT NULL PRIMARY KEY,
    teacher_id BLOB NOT NULL REFERENCES teachers(account_id) ON DELETE CASCADE,
    weekday INTEGER NOT NULL,
    start_minute INTEGER NOT NULL,
    end_minute INTEGER NOT NULL
) STRICT;
CREATE INDEX availability_rules_teacher ON availability_rules (teacher_id);

CREATE TABLE availability_overrides (
    id BLOB NOT NULL PRIMARY KEY,
    teacher_id BLOB NOT NULL REFERENCES teachers(account_id) ON DELETE CASCADE,
    day TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    start_minute INTEGER,
    end_minute INTEGER
) STRICT;
CREATE INDEX availability_overrides_teacher ON availability_overrides (teacher_id, day);
