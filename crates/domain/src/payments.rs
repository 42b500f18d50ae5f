//! Payments into wallets and refunds back to cards: the closed sets their
//! records hold.

named_enum!(
    /// How money came into a wallet.
    PaymentMethod {
        Card => "card",
        BankTransfer => "bank_transfer",
    }
);

named_enum!(
    /// Where a payment stands. Only captured payments are recorded; the
    /// set is closed so a new state is a deliberate change.
    PaymentStatus {
        Captured => "captured",
    }
);

named_enum!(
    /// Where a refund to a card stands.
    RefundStatus {
        Pending => "pending",
        Succeeded => "succeeded",
        Failed => "failed",
    }
);

named_enum!(
    /// An invoice for a payment, or the credit note for a refund.
    InvoiceKind {
        Invoice => "invoice",
        CreditNote => "credit_note",
    }
);
