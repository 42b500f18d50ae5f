-- Lessons, payments and reviews (issue 5): bookings and their history,
-- packages, a double-entry ledger, payments and refunds with invoices,
-- coupons, teacher payouts, reviews, in-app notifications, calendar feeds,
-- idempotency keys and payment-provider events.
-- Billing records (lessons, packages, payments, refunds, invoices, payouts)
-- outlive the accounts they name, pseudonymised, and each other (each is
-- kept ten years from its own date), so they have no foreign keys.
-- Keep in step with ../sqlite/0019_booking.sql.

CREATE TABLE lessons (
    id UUID NOT NULL PRIMARY KEY,
    learner_id UUID NOT NULL,
    teacher_id UUID NOT NULL,
    offering_id UUID,
    package_id UUID,
    kind TEXT NOT NULL,
    language TEXT NOT NULL,
    duration_minutes BIGINT NOT NULL,
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL,
    status TEXT NOT NULL,
    price_minor BIGINT NOT NULL,
    paid_minor BIGINT NOT NULL,
    discount_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    coupon_id UUID,
    commission_bp BIGINT NOT NULL,
    note TEXT,
    requested_at BIGINT NOT NULL,
    respond_by BIGINT NOT NULL,
    confirmed_at BIGINT,
    closed_at BIGINT,
    cancelled_by TEXT,
    late_cancellation BOOLEAN NOT NULL,
    problem_kind TEXT,
    problem_text TEXT,
    problem_reported_at BIGINT,
    outcome TEXT,
    refund_minor BIGINT,
    settled_by UUID,
    settlement_reason TEXT,
    reminded_24h_at BIGINT,
    reminded_1h_at BIGINT,
    sequence BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    -- The longest lesson is 90 minutes (kept in step with SQLite's triggers).
    CHECK (ends_at > starts_at AND ends_at - starts_at <= 5400000000),
    CHECK (paid_minor >= 0 AND discount_minor >= 0 AND paid_minor + discount_minor = price_minor)
);
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

-- No double booking: an exclusion constraint refuses two lessons holding
-- the same teacher's time at once, whatever the concurrency.
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE lessons ADD CONSTRAINT lessons_no_overlap EXCLUDE USING gist (
    teacher_id WITH =,
    int8range(starts_at, ends_at) WITH &&
) WHERE (status IN ('requested', 'confirmed'));

CREATE TABLE lesson_events (
    id UUID NOT NULL PRIMARY KEY,
    lesson_id UUID NOT NULL,
    actor_id UUID,
    action TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    detail TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX lesson_events_lesson ON lesson_events (lesson_id, created_at);
CREATE INDEX lesson_events_actor ON lesson_events (actor_id);
CREATE INDEX lesson_events_created ON lesson_events (created_at);

CREATE TABLE reschedule_proposals (
    id UUID NOT NULL PRIMARY KEY,
    lesson_id UUID NOT NULL,
    proposed_by UUID NOT NULL,
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL,
    status TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    decided_at BIGINT
);
CREATE INDEX reschedule_proposals_lesson ON reschedule_proposals (lesson_id, status);
CREATE INDEX reschedule_proposals_by ON reschedule_proposals (proposed_by);
CREATE INDEX reschedule_proposals_created ON reschedule_proposals (created_at);

CREATE TABLE lesson_packages (
    id UUID NOT NULL PRIMARY KEY,
    learner_id UUID NOT NULL,
    teacher_id UUID NOT NULL,
    offering_id UUID,
    language TEXT NOT NULL,
    duration_minutes BIGINT NOT NULL,
    lessons BIGINT NOT NULL,
    price_minor BIGINT NOT NULL,
    discount_percent BIGINT NOT NULL,
    currency TEXT NOT NULL,
    commission_bp BIGINT NOT NULL,
    purchased_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    reminded_month_at BIGINT,
    reminded_week_at BIGINT,
    closed_at BIGINT,
    CHECK (lessons > 0 AND price_minor > 0)
);
CREATE INDEX lesson_packages_learner ON lesson_packages (learner_id);
CREATE INDEX lesson_packages_teacher ON lesson_packages (teacher_id);
CREATE INDEX lesson_packages_purchased ON lesson_packages (purchased_at);
CREATE INDEX lesson_packages_open ON lesson_packages (closed_at, expires_at);

CREATE TABLE ledger_accounts (
    id UUID NOT NULL PRIMARY KEY,
    kind TEXT NOT NULL,
    holder_id UUID,
    ref_id UUID,
    provider TEXT,
    created_at BIGINT NOT NULL
);
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
    id UUID NOT NULL PRIMARY KEY,
    kind TEXT NOT NULL,
    lesson_id UUID,
    package_id UUID,
    payment_id UUID,
    payout_id UUID,
    created_at BIGINT NOT NULL
);
CREATE INDEX ledger_entries_created ON ledger_entries (created_at);
CREATE INDEX ledger_entries_lesson ON ledger_entries (lesson_id);

CREATE TABLE ledger_postings (
    id UUID NOT NULL PRIMARY KEY,
    entry_id UUID NOT NULL REFERENCES ledger_entries(id) ON DELETE CASCADE,
    account_id UUID NOT NULL REFERENCES ledger_accounts(id),
    amount BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    CHECK (amount <> 0)
);
-- Balances are sums over an account's postings: covered by this index.
CREATE INDEX ledger_postings_account ON ledger_postings (account_id, amount);
CREATE INDEX ledger_postings_entry ON ledger_postings (entry_id);
CREATE INDEX ledger_postings_created ON ledger_postings (created_at);

CREATE TABLE payments (
    id UUID NOT NULL PRIMARY KEY,
    account_id UUID NOT NULL,
    provider TEXT NOT NULL,
    provider_ref TEXT NOT NULL,
    method TEXT NOT NULL,
    card_brand TEXT,
    card_last4 TEXT,
    amount_minor BIGINT NOT NULL,
    refunded_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    status TEXT NOT NULL,
    reference TEXT,
    recorded_by UUID,
    created_at BIGINT NOT NULL,
    captured_at BIGINT,
    UNIQUE (provider, provider_ref),
    CHECK (amount_minor > 0 AND refunded_minor >= 0 AND refunded_minor <= amount_minor)
);
CREATE INDEX payments_account ON payments (account_id, created_at);
CREATE INDEX payments_recorded_by ON payments (recorded_by);
CREATE INDEX payments_created ON payments (created_at);

CREATE TABLE card_refunds (
    id UUID NOT NULL PRIMARY KEY,
    payment_id UUID NOT NULL,
    account_id UUID NOT NULL,
    amount_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    provider_ref TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    CHECK (amount_minor > 0)
);
CREATE INDEX card_refunds_account ON card_refunds (account_id);
CREATE INDEX card_refunds_payment ON card_refunds (payment_id);
CREATE INDEX card_refunds_created ON card_refunds (created_at);

CREATE TABLE invoices (
    id UUID NOT NULL PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    payment_id UUID,
    refund_id UUID,
    account_id UUID NOT NULL,
    buyer_name TEXT NOT NULL,
    description TEXT NOT NULL,
    total_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    seller TEXT NOT NULL,
    issued_at BIGINT NOT NULL
);
CREATE INDEX invoices_account ON invoices (account_id);
CREATE INDEX invoices_payment ON invoices (payment_id);
CREATE INDEX invoices_refund ON invoices (refund_id);
CREATE INDEX invoices_issued ON invoices (issued_at);

-- Invoice numbers run without gaps within a year, as tax law expects.
CREATE TABLE invoice_counters (
    year BIGINT NOT NULL PRIMARY KEY,
    last BIGINT NOT NULL
);

CREATE TABLE coupons (
    id UUID NOT NULL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    value BIGINT NOT NULL,
    currency TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    per_member_limit BIGINT NOT NULL,
    max_redemptions BIGINT,
    note TEXT,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

CREATE TABLE coupon_claims (
    coupon_id UUID NOT NULL REFERENCES coupons(id) ON DELETE CASCADE,
    account_id UUID NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    claimed_at BIGINT NOT NULL,
    PRIMARY KEY (coupon_id, account_id)
);
CREATE INDEX coupon_claims_account ON coupon_claims (account_id);

CREATE TABLE payout_accounts (
    account_id UUID NOT NULL PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    method TEXT NOT NULL,
    details_enc BYTEA NOT NULL,
    summary TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE payouts (
    id UUID NOT NULL PRIMARY KEY,
    teacher_id UUID NOT NULL,
    amount_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    method TEXT NOT NULL,
    destination TEXT NOT NULL,
    details_enc BYTEA,
    status TEXT NOT NULL,
    requested_at BIGINT NOT NULL,
    decided_at BIGINT,
    decided_by UUID,
    paid_at BIGINT,
    paid_by UUID,
    reference TEXT,
    reason TEXT,
    CHECK (amount_minor > 0)
);
CREATE INDEX payouts_teacher ON payouts (teacher_id, requested_at);
CREATE INDEX payouts_decided_by ON payouts (decided_by);
CREATE INDEX payouts_paid_by ON payouts (paid_by);
CREATE INDEX payouts_queue ON payouts (status, requested_at);
CREATE INDEX payouts_requested ON payouts (requested_at);

CREATE TABLE reviews (
    id UUID NOT NULL PRIMARY KEY,
    lesson_id UUID NOT NULL UNIQUE,
    teacher_id UUID NOT NULL,
    author_id UUID NOT NULL,
    rating BIGINT NOT NULL,
    body TEXT,
    reply TEXT,
    replied_at BIGINT,
    created_at BIGINT NOT NULL,
    CHECK (rating BETWEEN 1 AND 5)
);
CREATE INDEX reviews_teacher ON reviews (teacher_id, created_at);
CREATE INDEX reviews_author ON reviews (author_id);

CREATE TABLE notifications (
    id UUID NOT NULL PRIMARY KEY,
    account_id UUID NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    link TEXT,
    created_at BIGINT NOT NULL,
    read_at BIGINT
);
CREATE INDEX notifications_account ON notifications (account_id, created_at);
CREATE INDEX notifications_created ON notifications (created_at);

CREATE TABLE calendar_feeds (
    account_id UUID NOT NULL PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    token_hash BYTEA NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

CREATE TABLE idempotency_keys (
    account_id UUID NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    fingerprint BYTEA NOT NULL,
    outcome TEXT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

CREATE TABLE provider_events (
    provider TEXT NOT NULL,
    event_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    PRIMARY KEY (provider, event_id)
);
CREATE INDEX provider_events_received ON provider_events (received_at);

ALTER TABLE outbox ADD COLUMN attachment TEXT;
