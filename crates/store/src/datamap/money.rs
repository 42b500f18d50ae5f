//! Money: the ledger, card payments and refunds, invoices, coupons and payouts.

use super::*;

const PAYMENT_KEEP: Retention = YearsAfter {
    years: BILLING_YEARS,
    column: "created_at",
};

const REFUND_KEEP: Retention = YearsAfter {
    years: BILLING_YEARS,
    column: "created_at",
};

const INVOICE_KEEP: Retention = YearsAfter {
    years: BILLING_YEARS,
    column: "issued_at",
};

const PAYOUT_KEEP: Retention = YearsAfter {
    years: BILLING_YEARS,
    column: "requested_at",
};

const LEDGER_KEEP: Retention = Retention::CarriedForward {
    years: BILLING_YEARS,
    column: "created_at",
};

const PAYMENT: &str = "user.financial.payment";
const INVOICE: &str = "user.financial.invoice";
const BAL: &str = "user.financial.balance";
const LEDGER: &str = "user.financial.ledger";
const BANK: &str = "user.financial.bank_account";
const PAYOUT: &str = "user.financial.payout";

pub(super) static TABLES: &[TableMap] = &[
    TableMap {
        table: "ledger_accounts",
        about: "Your credit on Koine and, if you teach, your earnings: the accounts money moves through.",
        subjects: &["holder_id"],
        unconfirmed_erased_after_days: None,
        columns: &{
            const T: Defaults = Defaults::new(PAY, Contract, ACCOUNT, WithRow);
            [
                T.col("id", UID),
                T.col("kind", BAL).from(Source::Service),
                T.col("holder_id", UID).erasure(Pseudonymise),
                T.col("ref_id", UID),
                T.col("provider", SYS),
                T.col("created_at", SYS),
            ]
        },
    },
    TableMap {
        table: "ledger_entries",
        // The books: each movement of money, linked to people only through
        // the accounts it moves between.
        about: "The double-entry ledger: each movement of money and why it happened.",
        subjects: &[],
        unconfirmed_erased_after_days: None,
        columns: &{
            const T: Defaults = Defaults::new(PAY, LegalObligation, LEDGER_KEEP, WithRow);
            [
                T.col("id", LEDGER),
                T.col("kind", LEDGER).from(Source::Service),
                T.col("lesson_id", UID),
                T.col("package_id", UID),
                T.col("payment_id", UID),
                T.col("payout_id", UID),
                T.col("created_at", LEDGER),
            ]
        },
    },
    TableMap {
        table: "ledger_postings",
        about: "The legs of each ledger entry: how much went into or out of which account.",
        subjects: &[],
        unconfirmed_erased_after_days: None,
        columns: &{
            const T: Defaults = Defaults::new(PAY, LegalObligation, LEDGER_KEEP, WithRow);
            [
                T.col("id", LEDGER),
                T.col("entry_id", LEDGER),
                T.col("account_id", LEDGER),
                T.col("amount", LEDGER),
                T.col("created_at", LEDGER),
            ]
        },
    },
    TableMap {
        table: "payments",
        // Commercial and tax law: payment records are kept ten years.
        about: "Payments you made: amount, method (card brand and last four digits, or bank transfer) and when.",
        subjects: &["account_id", "recorded_by"],
        unconfirmed_erased_after_days: None,
        columns: &{
            const T: Defaults = Defaults::new(PAY, LegalObligation, PAYMENT_KEEP, RetainLegal);
            [
                T.col("id", UID).erasure(WithRow),
                T.col("account_id", UID).erasure(Pseudonymise),
                T.col("provider", PAYMENT).from(Source::Service),
                T.col("provider_ref", PAYMENT).from(Source::Service),
                T.col("method", PAYMENT),
                T.col("card_brand", PAYMENT),
                T.col("card_last4", PAYMENT),
                T.col("amount_minor", PAYMENT),
                T.col("refunded_minor", PAYMENT).from(Source::Service),
                T.col("currency", PAYMENT),
                T.col("status", PAYMENT).from(Source::Service),
                T.col("reference", PAYMENT).from(Source::Staff),
                T.col("recorded_by", UID).purposes(&[Payments, LegalCompliance]),
                T.col("created_at", PAYMENT),
                T.col("captured_at", PAYMENT).from(Source::Service),
            ]
        },
    },
    TableMap {
        table: "card_refunds",
        about: "Credit sent back to your card.",
        subjects: &["account_id"],
        unconfirmed_erased_after_days: None,
        columns: &{
            const T: Defaults = Defaults::new(PAY, LegalObligation, REFUND_KEEP, RetainLegal);
            [
                T.col("id", UID).erasure(WithRow),
                T.col("payment_id", UID).erasure(WithRow),
                T.col("account_id", UID).erasure(Pseudonymise),
                T.col("amount_minor", PAYMENT),
                T.col("currency", PAYMENT),
                T.col("provider_ref", PAYMENT).from(Source::Service),
                T.col("status", PAYMENT).from(Source::Service),
                T.col("created_at", PAYMENT),
            ]
        },
    },
    TableMap {
        table: "invoices",
        // Invoices are kept, as issued, for ten years (tax law).
        about: "Invoices and credit notes for your payments and refunds.",
        subjects: &["account_id"],
        unconfirmed_erased_after_days: None,
        columns: &{
            const T: Defaults = Defaults::new(PAY, LegalObligation, INVOICE_KEEP, RetainLegal);
            [
                T.col("id", UID).erasure(WithRow),
                T.col("number", INVOICE).from(Source::Service),
                T.col("kind", INVOICE).from(Source::Service),
                T.col("payment_id", UID).erasure(WithRow),
                T.col("refund_id", UID).erasure(WithRow),
                T.col("account_id", UID).erasure(Pseudonymise),
                T.col("buyer_name", "user.account.username"),
                T.col("description", INVOICE).from(Source::Service),
                T.col("total_minor", INVOICE),
                T.col("currency", INVOICE),
                T.col("seller", SYS),
                T.col("issued_at", INVOICE),
            ]
        },
    },
    TableMap {
        table: "invoice_counters",
        about: "The last invoice number used each year.",
        subjects: &[],
        unconfirmed_erased_after_days: None,
        columns: &{
            const T: Defaults = Defaults::new(OPS, LegalObligation, Retention::System, WithRow);
            [T.col("year", SYS), T.col("last", SYS)]
        },
    },
    TableMap {
        table: "coupons",
        about: "Coupon codes: what they take off, until when, and how often each member may use them.",
        subjects: &[],
        unconfirmed_erased_after_days: None,
        columns: &{
            const T: Defaults = Defaults::new(PAY, Contract, Retention::System, WithRow);
            [
                T.col("id", SYS),
                T.col("code", SYS),
                T.col("kind", SYS),
                T.col("value", SYS),
                T.col("currency", SYS),
                T.col("expires_at", SYS),
                T.col("per_member_limit", SYS),
                T.col("max_redemptions", SYS),
                T.col("note", SYS),
                T.col("created_at", SYS),
                T.col("revoked_at", SYS),
            ]
        },
    },
    TableMap {
        table: "coupon_claims",
        about: "Coupons you added to your account (given up if you delete it).",
        subjects: &["account_id"],
        unconfirmed_erased_after_days: None,
        columns: &{
            const T: Defaults = Defaults::new(PAY, Contract, ACCOUNT, DeleteRow);
            [
                T.col("coupon_id", "user.financial.coupon"),
                T.col("account_id", UID),
                T.col("claimed_at", "user.financial.coupon"),
            ]
        },
    },
    TableMap {
        table: "payout_accounts",
        about: "Where your earnings are paid: a bank account or PayPal, encrypted under your key.",
        subjects: &["account_id"],
        unconfirmed_erased_after_days: None,
        columns: &{
            const T: Defaults = Defaults::new(PAY, Contract, ACCOUNT, DeleteRow);
            [
                T.col("account_id", UID),
                T.col("method", BANK),
                T.col("details_enc", BANK).encrypted("payout_accounts.details"),
                T.col("summary", BANK).from(Source::Service),
                T.col("updated_at", SYS),
            ]
        },
    },
    TableMap {
        table: "payouts",
        // Payments to teachers are billing records: ten years.
        about: "Payouts of your earnings: amount, where to, and who approved and sent them.",
        subjects: &["teacher_id", "decided_by", "paid_by"],
        unconfirmed_erased_after_days: None,
        columns: &{
            const T: Defaults = Defaults::new(PAY, LegalObligation, PAYOUT_KEEP, RetainLegal);
            [
                T.col("id", UID).erasure(WithRow),
                T.col("teacher_id", UID).erasure(Pseudonymise),
                T.col("amount_minor", PAYOUT),
                T.col("currency", PAYOUT),
                T.col("method", PAYOUT),
                T.col("destination", BANK).from(Source::Service),
                T.col("details_enc", BANK)
                    .basis(Contract)
                    .erasure(Null)
                    .encrypted("payouts.details"),
                T.col("status", PAYOUT).from(Source::Service),
                T.col("requested_at", PAYOUT),
                T.col("decided_at", PAYOUT).from(Source::Staff),
                T.col("decided_by", UID).purposes(&[Payments, LegalCompliance]),
                T.col("paid_at", PAYOUT).from(Source::Staff),
                T.col("paid_by", UID).purposes(&[Payments, LegalCompliance]),
                T.col("reference", PAYOUT).from(Source::Staff),
                T.col("reason", PAYOUT)
                    .basis(Contract)
                    .erasure(Null)
                    .from(Source::Staff),
            ]
        },
    },
];
