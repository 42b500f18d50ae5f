-- Teaching (issue 4): applications to teach with verified identity, the
-- approved teacher's homepage, offerings, packages and availability.
-- Sealed columns (`_enc`) are encrypted under the person's key (P5).
-- Keep in step with ../sqlite/0018_teaching.sql.

CREATE TABLE teacher_applications (
    id UUID NOT NULL PRIMARY KEY,
    account_id UUID NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    real_name_enc BYTEA NOT NULL,
    country TEXT NOT NULL,
    languages TEXT NOT NULL,
    introduction TEXT NOT NULL,
    education TEXT,
    experience TEXT,
    expertise TEXT,
    id_document_type TEXT,
    id_document_enc BYTEA,
    video_id UUID,
    submitted_at BIGINT NOT NULL,
    decided_at BIGINT,
    decided_by UUID,
    tier TEXT,
    staff_message TEXT,
    updated_at BIGINT NOT NULL
);
CREATE INDEX teacher_applications_account ON teacher_applications (account_id);
CREATE INDEX teacher_applications_decided_by ON teacher_applications (decided_by);
CREATE INDEX teacher_applications_decided ON teacher_applications (decided_at);
CREATE INDEX teacher_applications_queue ON teacher_applications (status, submitted_at);

CREATE TABLE teacher_certificates (
    id UUID NOT NULL PRIMARY KEY,
    account_id UUID NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    application_id UUID REFERENCES teacher_applications(id) ON DELETE SET NULL,
    title TEXT NOT NULL,
    content_type TEXT NOT NULL,
    file_enc BYTEA NOT NULL,
    verified_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX teacher_certificates_account ON teacher_certificates (account_id);
CREATE INDEX teacher_certificates_application ON teacher_certificates (application_id);

CREATE TABLE teacher_videos (
    id UUID NOT NULL PRIMARY KEY,
    account_id UUID NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX teacher_videos_account ON teacher_videos (account_id);

CREATE TABLE teachers (
    account_id UUID NOT NULL PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    tier TEXT NOT NULL,
    status TEXT NOT NULL,
    real_name_enc BYTEA NOT NULL,
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
    video_id UUID,
    video_visibility TEXT NOT NULL,
    trial_price_minor BIGINT,
    min_notice_minutes BIGINT NOT NULL,
    horizon_days BIGINT NOT NULL,
    buffer_before_minutes BIGINT NOT NULL,
    buffer_after_minutes BIGINT NOT NULL,
    rating_sum BIGINT NOT NULL,
    rating_count BIGINT NOT NULL,
    approved_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX teachers_updated ON teachers (updated_at);

CREATE TABLE teacher_languages (
    account_id UUID NOT NULL REFERENCES teachers(account_id) ON DELETE CASCADE,
    language TEXT NOT NULL,
    level TEXT NOT NULL,
    PRIMARY KEY (account_id, language)
);

CREATE TABLE offerings (
    id UUID NOT NULL PRIMARY KEY,
    teacher_id UUID NOT NULL REFERENCES teachers(account_id) ON DELETE CASCADE,
    language TEXT NOT NULL,
    levels TEXT NOT NULL,
    duration_minutes BIGINT NOT NULL,
    price_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CHECK (price_minor > 0)
);
CREATE INDEX offerings_teacher ON offerings (teacher_id);

CREATE TABLE offering_packages (
    offering_id UUID NOT NULL REFERENCES offerings(id) ON DELETE CASCADE,
    teacher_id UUID NOT NULL REFERENCES teachers(account_id) ON DELETE CASCADE,
    lessons BIGINT NOT NULL,
    discount_percent BIGINT NOT NULL,
    PRIMARY KEY (offering_id, lessons)
);
CREATE INDEX offering_packages_teacher ON offering_packages (teacher_id);

CREATE TABLE availability_rules (
    id UUID NOT NULL PRIMARY KEY,
    teacher_id UUID NOT NULL REFERENCES teachers(account_id) ON DELETE CASCADE,
    weekday BIGINT NOT NULL,
    start_minute BIGINT NOT NULL,
    end_minute BIGINT NOT NULL
);
CREATE INDEX availability_rules_teacher ON availability_rules (teacher_id);

CREATE TABLE availability_overrides (
    id UUID NOT NULL PRIMARY KEY,
    teacher_id UUID NOT NULL REFERENCES teachers(account_id) ON DELETE CASCADE,
    day TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    start_minute BIGINT,
    end_minute BIGINT
);
CREATE INDEX availability_overrides_teacher ON availability_overrides (teacher_id, day);
