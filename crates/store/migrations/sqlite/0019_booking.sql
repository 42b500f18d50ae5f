-- Lessons, payments and reviews (issue 5): bookings and their history,
-- packages, a double-entry ledger, payments and refunds with invoices,
-- coupons, teacher payouts, reviews, in-app notifications, calendar feeds,
-- idempotency keys and payment-provider events.
-- Billing records (lessons, packages, payments, refunds, invoices, payouts)
-- outlive the accounts they name, pseudonymised, and each other (each is
-- kept ten years from its own date), so they have no foreign keys.
-- Keep in step with ../postgres/0019_booking.sql.

CREATE TABLE lessons (
    id BLOB NOT NULL PRIMARY KEY,
    learner_id BLOB NOT NULL,
    teacher_id BLOB NOT NULL,
    offering_id BLOB,
    package_id BLOB,
    kind TEXT NOT NULL,
    language TEXT NOT NULL,
    duration_minutes INTEGER NOT NULL,
    starts_at INTEGER NOT NULL,
    ends_at INTEGER NOT NULL,
    status TEXT NOT NULL,
    price_minor INTEGER NOT NULL,
    paid_minor INTEGER NOT NULL,
    discount_minor INTEGER NOT NULL,
    currency TEXT NOT NULL,
    coupon_id BLOB,
    commission_bp INTEGER NOT NULL,
    note TEXT,
    requested_at INTEGER NOT NULL,
    respond_by INTEGER NOT NULL,
    confirmed_at INTEGER,
    closed_at INTEGER,
    cancelled_by TEXT,
    late_cancellation INTEGER NOT NULL,
    problem_kind TEXT,
    problem_text TEXT,
    problem_reported_at INTEGER,
    outcome TEXT,
    refund_minor INTEGER,
    settled_by BLOB,
    settlement_reason TEXT,
    reminded_24h_at INTEGER,
    reminded_1h_at INTEGER,
    sequence INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    -- The overlap triggers below look back at most one longest lesson.
    CHECK (ends_at > starts_at AND ends_at - starts_at <= 5400000000),
    CHECK (paid_minor >= 0 AND discount_minor >= 0 AND paid_minor + discount_minor = price_minor)
) STRICT;
CREATE INDEX lessons_teacher ON lessons (teacher_id, starts_at);
CREATE INDEX lessons_learner ON lessons (learner_id, starts_at);
CREATE INDEX lessons_settled_by ON lessons (settled_by);
CREATE INDEX lessons_package ON lessons (package_id);
CREATE INDEX lessons_coupon ON lessons (coupon_id, learner_id);
CREATE INDEX lessons_closed ON lessons (closed_at);
CREATE INDEX lessons_open ON lessons (status, ends_at);
-- One trial per learner and teacher, unless it ended refunded.
CREATE UNIQUE INDEX lessons_one_trial ON lessons (learner_id, teacher_id)
    WHERE kind = 'trial' AND status NOT IN ('declined', 'withdrawn', 'expired', 'cancelled');

-- No double booking: SQLite has no exclusion constraints, so triggers refuse
-- a lesson that would overlap another holding the same teacher's time. Writes
-- are serialized (BEGIN IMMEDIATE), so the check cannot race.
CREATE TRIGGER lessons_no_overlap_insert BEFORE INSERT ON lessons
WHEN NEW.status IN ('requested', 'confirmed') AND EXISTS (
    SELECT 1 FROM lessons l
    WHERE l.teacher_id = NEW.teacher_id
      AND l.status IN ('requested', 'confirmed')
      AND l.starts_at > NEW.starts_at - 5400000000
      AND l.starts_at < NEW.ends_at
      AND l.ends_at > NEW.starts_at)
BEGIN
    SELECT RAISE(ABORT, 'lessons_no_overlap');
END;
CREATE TRIGGER lessons_no_overlap_update BEFORE UPDATE OF starts_at, ends_at, status, teacher_id ON lessons
WHEN NEW.status IN ('requested', 'confirmed') AND EXISTS (
    SELECT 1 FROM lessons l
    WHERE l.teacher_id = NEW.teacher_id
      AND l.id <> NEW.id
      AND l.status IN ('requested', 'confirmed')
      AND l.starts_at > NEW.starts_at - 5400000000
      AND l.starts_at < NEW.ends_at
      AND l.ends_at > NEW.starts_at)
BEGIN
    SELECT RAISE(ABORT, 'lessons_no_overlap');
END;

CREATE TABLE lesson_events (
    id BLOB NOT NULL PRIMARY KEY,
    lesson_id BLOB NOT NULL,
    actor_id BLOB,
    action TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    detail TEXT,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX lesson_events_lesson ON lesson_events (lesson_id, created_at);
CREATE INDEX lesson_events_actor ON lesson_events (actor_id);
CREATE INDEX lesson_events_created ON lesson_events (created_at);

CREATE TABLE reschedule_proposals (
    id BLOB NOT NULL PRIMARY KEY,
    lesson_id BLOB NOT NULL,
    proposed_by BLOB NOT NULL,
    starts_at INTEGER NOT NULL,
    ends_at INTEGER NOT NULL,
    status TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    decided_at INTEGER
) STRICT;
CREATE INDEX reschedule_proposals_lesson ON reschedule_proposals (lesson_id, status);
CREATE INDEX reschedule_proposals_by ON reschedule_proposals (proposed_by);
CREATE INDEX reschedule_proposals_created ON reschedule_proposals (created_at);

CREATE TABLE lesson_packages (
    id BLOB NOT NULL PRIMARY KEY,
    learner_id BLOB NOT NULL,
    teacher_id BLOB NOT NULL,
    offering_id BLOB,
    language TEXT NOT NULL,
    duration_minutes INTEGER NOT NULL,
    lessons INTEGER NOT NULL,
    price_minor INTEGER NOT NULL,
    discount_percent INTEGER NOT NULL,
    currency TEXT NOT NULL,
    commission_bp INTEGER NOT NULL,
    purchased_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    reminded_month_at INTEGER,
    reminded_week_at INTEGER,
    closed_at INTEGER,
    CHECK (lessons > 0 AND price_minor > 0)
) STRICT;
CREATE INDEX lesson_packages_learner ON lesson_packages (learner_id);
CREATE INDEX lesson_packages_teacher ON lesson_packages (teacher_id);
CREATE INDEX lesson_packages_purchased ON lesson_packages (purchased_at);
CREATE INDEX lesson_packages_open ON lesson_packages (closed_at, expires_at);

CREATE TABLE ledger_accounts (
    id BLOB NOT NULL PRIMARY KEY,
    kind TEXT NOT NULL,
    holder_id BLOB,
    ref_id BLOB,
    provider TEXT,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX ledger_accounts_holder ON ledger_accounts (holder_id);
CREATE INDEX ledger_accounts_ref ON ledger_accounts (ref_id);
-- One wallet and one earnings account per member.
CREATE UNIQUE INDEX ledger_accounts_wallet ON ledger_accounts (holder_id) WHERE kind = 'wallet';
CREATE UNIQUE INDEX ledger_accounts_earnings ON ledger_accounts (holder_id) WHERE kind = 'earnings';
-- One escrow per lesson and per package, one clearing account per
-- provider, one of each platform account.
CREATE UNIQUE INDEX ledger_accounts_escrow ON ledger_accounts (ref_id) WHERE kind = 'escrow';
CREATE UNIQUE INDEX ledger_accounts_package_escrow ON ledger_accounts (ref_id) WHERE kind = 'package_escrow';
CREATE UNIQUE INDEX ledger_accounts_clearing ON ledger_accounts (provider) WHERE kind = 'clearing';
CREATE UNIQUE INDEX ledger_accounts_platform ON ledger_accounts (kind) WHERE kind IN ('revenue', 'promotions', 'payouts');

CREATE TABLE ledger_entries (
    id BLOB NOT NULL PRIMARY KEY,
    kind TEXT NOT NULL,
    lesson_id BLOB,
    package_id BLOB,
    payment_id BLOB,
    payout_id BLOB,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX ledger_entries_created ON ledger_entries (created_at);
CREATE INDEX ledger_entries_lesson ON ledger_entries (lesson_id);

CREATE TABLE ledger_postings (
    id BLOB NOT NULL PRIMARY KEY,
    entry_id BLOB NOT NULL REFERENCES ledger_entries(id) ON DELETE CASCADE,
    account_id BLOB NOT NULL REFERENCES ledger_accounts(id),
    amount INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    CHECK (amount <> 0)
) STRICT;
-- Balances are sums over an account's postings: covered by this index.
CREATE INDEX ledger_postings_account ON ledger_postings (account_id, amount);
CREATE INDEX ledger_postings_entry ON ledger_postings (entry_id);
CREATE INDEX ledger_postings_created ON ledger_postings (created_at);

CREATE TABLE payments (
    id BLOB NOT NULL PRIMARY KEY,
    account_id BLOB NOT NULL,
    provider TEXT NOT NULL,
    provider_ref TEXT NOT NULL,
    method TEXT NOT NULL,
    card_brand TEXT,
    card_last4 TEXT,
    amount_minor INTEGER NOT NULL,
    refunded_minor INTEGER NOT NULL,
    currency TEXT NOT NULL,
    status TEXT NOT NULL,
    reference TEXT,
    recorded_by BLOB,
    created_at INTEGER NOT NULL,
    captured_at INTEGER,
    UNIQUE (provider, provider_ref),
    CHECK (amount_minor > 0 AND refunded_minor >= 0 AND refunded_minor <= amount_minor)
) STRICT;
CREATE INDEX payments_account ON payments (account_id, created_at);
CREATE INDEX payments_recorded_by ON payments (recorded_by);
CREATE INDEX payments_created ON payments (created_at);

CREATE TABLE card_refunds (
    id BLOB NOT NULL PRIMARY KEY,
    payment_id BLOB NOT NULL,
    account_id BLOB NOT NULL,
    amount_minor INTEGER NOT NULL,
    currency TEXT NOT NULL,
    provider_ref TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    CHECK (amount_minor > 0)
) STRICT;
CREATE INDEX card_refunds_account ON card_refunds (account_id);
CREATE INDEX card_refunds_payment ON card_refunds (payment_id);
CREATE INDEX card_refunds_created ON card_refunds (created_at);

CREATE TABLE invoices (
    id BLOB NOT NULL PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    payment_id BLOB,
    refund_id BLOB,
    account_id BLOB NOT NULL,
    buyer_name TEXT NOT NULL,
    description TEXT NOT NULL,
    total_minor INTEGER NOT NULL,
    currency TEXT NOT NULL,
    seller TEXT NOT NULL,
    issued_at INTEGER NOT NULL
) STRICT;
CREATE INDEX invoices_account ON invoices (account_id);
CREATE INDEX invoices_payment ON invoices (payment_id);
CREATE INDEX invoices_refund ON invoices (refund_id);
CREATE INDEX invoices_issued ON invoices (issued_at);

-- Invoice numbers run without gaps within a year, as tax law expects.
CREATE TABLE invoice_counters (
    year INTEGER NOT NULL PRIMARY KEY,
    last INTEGER NOT NULL
) STRICT;

CREATE TABLE coupons (
    id BLOB NOT NULL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    value INTEGER NOT NULL,
    currency TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    per_member_limit INTEGER NOT NULL,
    max_redemptions INTEGER,
    note TEXT,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
) STRICT;

CREATE TABLE coupon_claims (
    coupon_id BLOB NOT NULL REFERENCES coupons(id) ON DELETE CASCADE,
    account_id BLOB NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    claimed_at INTEGER NOT NULL,
    PRIMARY KEY (coupon_id, account_id)
) STRICT;
CREATE INDEX coupon_claims_account ON coupon_claims (account_id);

CREATE TABLE payout_accounts (
    account_id BLOB NOT NULL PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    method TEXT NOT NULL,
    details_enc BLOB NOT NULL,
    summary TEXT NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE payouts (
    id BLOB NOT NULL PRIMARY KEY,
    teacher_id BLOB NOT NULL,
    amount_minor INTEGER NOT NULL,
    currency TEXT NOT NULL,
    method TEXT NOT NULL,
    destination TEXT NOT NULL,
    details_enc BLOB,
    status TEXT NOT NULL,
    requested_at INTEGER NOT NULL,
    decided_at INTEGER,
    decided_by BLOB,
    paid_at INTEGER,
    paid_by BLOB,
    reference TEXT,
    reason TEXT,
    CHECK (amount_minor > 0)
) STRICT;
CREATE INDEX payouts_teacher ON payouts (teacher_id, requested_at);
CREATE INDEX payouts_decided_by ON payouts (decided_by);
CREATE INDEX payouts_paid_by ON payouts (paid_by);
CREATE INDEX payouts_queue ON payouts (status, requested_at);
CREATE INDEX payouts_requested ON payouts (requested_at);

CREATE TABLE reviews (
    id BLOB NOT NULL PRIMARY KEY,
    lesson_id BLOB NOT NULL UNIQUE,
    teacher_id BLOB NOT NULL,
    author_id BLOB NOT NULL,
    rating INTEGER NOT NULL,
    body TEXT,
    reply TEXT,
    replied_at INTEGER,
    created_at INTEGER NOT NULL,
    CHECK (rating BETWEEN 1 AND 5)
) STRICT;
CREATE INDEX reviews_teacher ON reviews (teacher_id, created_at);
CREATE INDEX reviews_author ON reviews (author_id);

CREATE TABLE notifications (
    id BLOB NOT NULL PRIMARY KEY,
    account_id BLOB NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    link TEXT,
    created_at INTEGER NOT NULL,
    read_at INTEGER
) STRICT;
CREATE INDEX notifications_account ON notifications (account_id, created_at);
CREATE INDEX notifications_created ON notifications (created_at);

CREATE TABLE calendar_feeds (
    account_id BLOB NOT NULL PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    token_hash BLOB NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE idempotency_keys (
    account_id BLOB NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    fingerprint BLOB NOT NULL,
    outcome TEXT,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, key)
) STRICT;
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

CREATE TABLE provider_events (
    provider TEXT NOT NULL,
    event_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (provider, event_id)
) STRICT;
CREATE INDEX provider_events_received ON provider_events (received_at);

ALTER TABLE outbox ADD COLUMN attachment TEXT;
