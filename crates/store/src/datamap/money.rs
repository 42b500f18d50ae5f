//! Money: the ledger, card payments and refunds, invoices, coupons and payouts.

use super::*;

const PAYMENT_KEEP: Retention = years_after(BILLING_YEARS, "created_at");

const REFUND_KEEP: Retention = years_after(BILLING_YEARS, "created_at");

const INVOICE_KEEP: Retention = years_after(BILLING_YEARS, "issued_at");

const PAYOUT_KEEP: Retention = years_after(BILLING_YEARS, "requested_at");

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
    table!("ledger_accounts", ["holder_id"], Defaults::new(PAY, Contract, ACCOUNT, WithRow);
        about "Your credit on Koine and, if you teach, your earnings: the accounts money moves through.";
        UID => ["id"];
        BAL => ["kind"].from(Source::Service);
        UID => ["holder_id"].erasure(Pseudonymise);
        UID => ["ref_id"];
        SYS => ["provider", "created_at"];
    ),
    // The books: each movement of money, linked to people only through
    // the accounts it moves between.
    table!("ledger_entries", [], Defaults::new(PAY, LegalObligation, LEDGER_KEEP, WithRow);
        about "The double-entry ledger: each movement of money and why it happened.";
        LEDGER => ["id"];
        LEDGER => ["kind"].from(Source::Service);
        UID => ["lesson_id", "package_id", "payment_id", "payout_id"];
        LEDGER => ["created_at"];
    ),
    table!("ledger_postings", [], Defaults::new(PAY, LegalObligation, LEDGER_KEEP, WithRow);
        about "The legs of each ledger entry: how much went into or out of which account.";
        LEDGER => ["id", "entry_id", "account_id", "amount", "created_at"];
    ),
    // Commercial and tax law: payment records are kept ten years.
    table!("payments", ["account_id", "recorded_by"], Defaults::new(PAY, LegalObligation, PAYMENT_KEEP, RetainLegal);
        about "Payments you made: amount, method (card brand and last four digits, or bank transfer) and when.";
        UID => ["id"].erasure(WithRow);
        UID => ["account_id"].erasure(Pseudonymise);
        PAYMENT => ["provider", "provider_ref"].from(Source::Service);
        PAYMENT => ["method"].choice();
        PAYMENT => ["card_brand", "card_last4", "amount_minor"];
        PAYMENT => ["refunded_minor"].from(Source::Service);
        PAYMENT => ["currency"];
        PAYMENT => ["status"].from(Source::Service).choice();
        PAYMENT => ["reference"].from(Source::Staff);
        UID => ["recorded_by"].purposes(&[Payments, LegalCompliance]);
        PAYMENT => ["created_at"];
        PAYMENT => ["captured_at"].from(Source::Service);
    ),
    table!("card_refunds", ["account_id"], Defaults::new(PAY, LegalObligation, REFUND_KEEP, RetainLegal);
        about "Credit sent back to your card.";
        UID => ["id", "payment_id"].erasure(WithRow);
        UID => ["account_id"].erasure(Pseudonymise);
        PAYMENT => ["amount_minor", "currency"];
        PAYMENT => ["provider_ref"].from(Source::Service);
        PAYMENT => ["status"].from(Source::Service).choice();
        PAYMENT => ["created_at"];
    ),
    // Invoices are kept, as issued, for ten years (tax law).
    table!("invoices", ["account_id"], Defaults::new(PAY, LegalObligation, INVOICE_KEEP, RetainLegal);
        about "Invoices and credit notes for your payments and refunds.";
        UID => ["id"].erasure(WithRow);
        INVOICE => ["number"].from(Source::Service);
        INVOICE => ["kind"].from(Source::Service).choice();
        UID => ["payment_id", "refund_id"].erasure(WithRow);
        UID => ["account_id"].erasure(Pseudonymise);
        "user.account.username" => ["buyer_name"];
        INVOICE => ["description"].from(Source::Service);
        INVOICE => ["total_minor", "currency"];
        SYS => ["seller"];
        INVOICE => ["issued_at"];
    ),
    table!("invoice_counters", [], Defaults::new(OPS, LegalObligation, Retention::System, WithRow);
        about "The last invoice number used each year.";
        SYS => ["year", "last"];
    ),
    table!("coupons", [], Defaults::new(PAY, Contract, Retention::System, WithRow);
        about "Coupon codes: what they take off, until when, and how often each member may use them.";
        SYS => ["id", "code", "kind", "value", "currency", "expires_at", "per_member_limit", "max_redemptions",
            "note", "created_at", "revoked_at"];
    ),
    table!("coupon_claims", ["account_id"], Defaults::new(PAY, Contract, ACCOUNT, DeleteRow);
        about "Coupons you added to your account (given up if you delete it).";
        "user.financial.coupon" => ["coupon_id"];
        UID => ["account_id"];
        "user.financial.coupon" => ["claimed_at"];
    ),
    table!("payout_accounts", ["account_id"], Defaults::new(PAY, Contract, ACCOUNT, DeleteRow);
        about "Where your earnings are paid: a bank account or PayPal, encrypted under your key.";
        UID => ["account_id"];
        BANK => ["method"].choice();
        BANK => ["details_enc"].encrypted("payout_accounts.details");
        BANK => ["summary"].from(Source::Service);
        SYS => ["updated_at"];
    ),
    // Payments to teachers are billing records: ten years.
    table!("payouts", ["teacher_id", "decided_by", "paid_by"],
            Defaults::new(PAY, LegalObligation, PAYOUT_KEEP, RetainLegal);
        about "Payouts of your earnings: amount, where to, and who approved and sent them.";
        UID => ["id"].erasure(WithRow);
        UID => ["teacher_id"].erasure(Pseudonymise);
        PAYOUT => ["amount_minor", "currency"];
        PAYOUT => ["method"].choice();
        BANK => ["destination"].from(Source::Service);
        BANK => ["details_enc"].basis(Contract).erasure(Null).encrypted("payouts.details");
        PAYOUT => ["status"].from(Source::Service).choice();
        PAYOUT => ["requested_at"];
        PAYOUT => ["decided_at"].from(Source::Staff);
        UID => ["decided_by"].purposes(&[Payments, LegalCompliance]);
        PAYOUT => ["paid_at"].from(Source::Staff);
        UID => ["paid_by"].purposes(&[Payments, LegalCompliance]);
        PAYOUT => ["reference"].from(Source::Staff);
        PAYOUT => ["reason"].basis(Contract).erasure(Null).from(Source::Staff);
    ),
];
