//! Money as a double-entry ledger (ARCHITECTURE P4): integers in minor
//! units, every entry's legs sum to zero, balances are the sums of legs.
//! The functions here build the entries for each business event; the store
//! writes them in the transaction of the event, checking that no account
//! that must not go negative does.

use uuid::Uuid;

named_enum!(
    /// Kinds of ledger account.
    AccountKind {
        /// A learner's credit on the platform.
        Wallet => "wallet",
        /// Money held for one lesson until it is completed or refunded.
        Escrow => "escrow",
        /// Money paid for a package, drawn on lesson by lesson.
        PackageEscrow => "package_escrow",
        /// What a teacher has earned and not yet been paid.
        Earnings => "earnings",
        /// Commission and forfeited credit: the platform's income.
        Revenue => "revenue",
        /// What coupons cost the platform.
        Promotions => "promotions",
        /// Money in transit with a payment provider (the outside world's
        /// side of card payments, bank transfers and refunds).
        Clearing => "clearing",
        /// Payouts approved for teachers and not yet sent.
        Payouts => "payouts",
    }
);

/// One account: its kind and whom or what it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Account {
    Wallet(Uuid),
    /// For a lesson.
    Escrow(Uuid),
    /// For a package.
    PackageEscrow(Uuid),
    /// A teacher's.
    Earnings(Uuid),
    Revenue,
    Promotions,
    /// A provider's, by name.
    Clearing(&'static str),
    Payouts,
}

impl Account {
    pub fn kind(self) -> AccountKind {
        match self {
            Self::Wallet(_) => AccountKind::Wallet,
            Self::Escrow(_) => AccountKind::Escrow,
            Self::PackageEscrow(_) => AccountKind::PackageEscrow,
            Self::Earnings(_) => AccountKind::Earnings,
            Self::Revenue => AccountKind::Revenue,
            Self::Promotions => AccountKind::Promotions,
            Self::Clearing(_) => AccountKind::Clearing,
            Self::Payouts => AccountKind::Payouts,
        }
    }

    /// The member an account belongs to (a wallet or earnings).
    pub fn holder(self) -> Option<Uuid> {
        match self {
            Self::Wallet(m) | Self::Earnings(m) => Some(m),
            _ => None,
        }
    }

    /// The lesson or package an escrow account holds money for.
    pub fn reference(self) -> Option<Uuid> {
        match self {
            Self::Escrow(r) | Self::PackageEscrow(r) => Some(r),
            _ => None,
        }
    }

    /// The provider a clearing account is for.
    pub fn provider(self) -> Option<&'static str> {
        match self {
            Self::Clearing(p) => Some(p),
            _ => None,
        }
    }

    /// Whether the balance may fall below zero: money people hold (wallets,
    /// earnings) or that is held for them (escrow, payouts) never can;
    /// the platform's income and the outside world's side can.
    pub fn may_go_negative(self) -> bool {
        matches!(self, Self::Revenue | Self::Promotions | Self::Clearing(_))
    }
}

named_enum!(
    /// Why an entry was made.
    EntryKind {
        /// Card payment or bank transfer into a wallet.
        Funding => "funding",
        /// Wallet credit returned to the card it came from.
        CardRefund => "card_refund",
        /// A card refund the processor failed: the credit comes back.
        CardRefundFailed => "card_refund_failed",
        /// A lesson booked: money into escrow.
        Hold => "hold",
        /// A package bought.
        PackagePurchase => "package_purchase",
        /// Escrow back to the learner (and to the coupon it came from).
        Refund => "refund",
        /// Escrow to the teacher, less commission.
        Release => "release",
        /// Part back, part to the teacher.
        Split => "split",
        /// An expired package's unused lessons, paid to the teacher.
        PackageExpiry => "package_expiry",
        /// Credit or earnings given up when an account was deleted.
        Forfeit => "forfeit",
        /// A teacher asked to be paid.
        PayoutRequest => "payout_request",
        /// Finance refused a payout: back to earnings.
        PayoutRejected => "payout_rejected",
        /// The payout was sent.
        PayoutPaid => "payout_paid",
        /// Entries past their legal period, summed into opening balances.
        CarriedForward => "carried_forward",
    }
);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Leg {
    pub account: Account,
    /// Positive: into the account; negative: out of it.
    pub amount: i64,
}

/// A balanced set of legs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub kind: EntryKind,
    legs: Vec<Leg>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    #[error("an entry's legs must sum to zero")]
    Unbalanced,
    #[error("an amount is out of range")]
    BadAmount,
    #[error("not enough money in the account")]
    Insufficient(Account),
}

impl Entry {
    /// Legs of zero are dropped and legs on the same account merged; what
    /// is left must sum to zero (an entry may end up empty: nothing moves).
    pub fn new(kind: EntryKind, legs: impl IntoIterator<Item = Leg>) -> Result<Self, LedgerError> {
        let mut merged: Vec<Leg> = Vec::new();
        for leg in legs {
            if leg.amount.unsigned_abs() > MAX_AMOUNT as u64 {
                return Err(LedgerError::BadAmount);
            }
            match merged.iter_mut().find(|l| l.account == leg.account) {
                Some(l) => l.amount += leg.amount,
                None => merged.push(leg),
            }
        }
        merged.retain(|l| l.amount != 0);
        if merged.iter().map(|l| l.amount).sum::<i64>() != 0 {
            return Err(LedgerError::Unbalanced);
        }
        Ok(Self { kind, legs: merged })
    }

    pub fn legs(&self) -> &[Leg] {
        &self.legs
    }

    pub fn is_empty(&self) -> bool {
        self.legs.is_empty()
    }

    /// Checks the entry against the balances before it: no account that
    /// must stay at or above zero goes below.
    pub fn check(&self, balance_of: impl Fn(Account) -> i64) -> Result<(), LedgerError> {
        for l in &self.legs {
            if l.amount < 0 && !l.account.may_go_negative() && balance_of(l.account) + l.amount < 0 {
                return Err(LedgerError::Insufficient(l.account));
            }
        }
        Ok(())
    }
}

/// No single amount may exceed this (a hundred million in major units):
/// sums of many legs then stay far from overflow.
pub const MAX_AMOUNT: i64 = 10_000_000_000;

fn leg(account: Account, amount: i64) -> Leg {
    Leg { account, amount }
}

fn transfer(kind: EntryKind, from: Account, to: Account, amount: i64) -> Result<Entry, LedgerError> {
    if amount < 0 {
        return Err(LedgerError::BadAmount);
    }
    Entry::new(kind, [leg(from, -amount), leg(to, amount)])
}

/// The platform's commission on `amount`, in basis points (1500 = 15%),
/// rounded half up to a minor unit and never more than `amount`.
pub fn commission(amount: i64, basis_points: u16) -> i64 {
    let bp = i64::from(basis_points.min(10_000));
    ((amount * bp + 5_000) / 10_000).min(amount)
}

/// Money paid in from outside (a card, a bank transfer) to a wallet.
pub fn funding(provider: &'static str, member: Uuid, amount: i64) -> Result<Entry, LedgerError> {
    transfer(
        EntryKind::Funding,
        Account::Clearing(provider),
        Account::Wallet(member),
        amount,
    )
}

/// Wallet credit sent back to the card it came from.
pub fn card_refund(provider: &'static str, member: Uuid, amount: i64) -> Result<Entry, LedgerError> {
    transfer(
        EntryKind::CardRefund,
        Account::Wallet(member),
        Account::Clearing(provider),
        amount,
    )
}

/// A card refund that did not go through: the credit returns to the wallet.
pub fn card_refund_failed(provider: &'static str, member: Uuid, amount: i64) -> Result<Entry, LedgerError> {
    transfer(
        EntryKind::CardRefundFailed,
        Account::Clearing(provider),
        Account::Wallet(member),
        amount,
    )
}

/// Where the learner's part of a lesson's price comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Wallet(Uuid),
    Package(Uuid),
}

impl Source {
    pub fn account(self) -> Account {
        match self {
            Self::Wallet(m) => Account::Wallet(m),
            Self::Package(p) => Account::PackageEscrow(p),
        }
    }
}

/// What a lesson costs and who pays: the learner's part from `source`,
/// a coupon's part (`subsidy`) from the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LessonMoney {
    pub lesson: Uuid,
    pub teacher: Uuid,
    pub source: Source,
    pub paid: i64,
    pub subsidy: i64,
}

impl LessonMoney {
    pub fn price(&self) -> i64 {
        self.paid + self.subsidy
    }
}

/// A lesson booked: its price into escrow.
pub fn hold(m: &LessonMoney) -> Result<Entry, LedgerError> {
    if m.paid < 0 || m.subsidy < 0 {
        return Err(LedgerError::BadAmount);
    }
    Entry::new(
        EntryKind::Hold,
        [
            leg(m.source.account(), -m.paid),
            leg(Account::Promotions, -m.subsidy),
            leg(Account::Escrow(m.lesson), m.price()),
        ],
    )
}

/// A package bought from the wallet.
pub fn package_purchase(member: Uuid, package: Uuid, price: i64) -> Result<Entry, LedgerError> {
    transfer(
        EntryKind::PackagePurchase,
        Account::Wallet(member),
        Account::PackageEscrow(package),
        price,
    )
}

/// Settles a lesson's escrow: `refund` of the learner's part back to its
/// source — and with `subsidy_back`, the coupon's part back to the
/// platform (a full refund) — and the rest to the teacher less commission.
pub fn settle(m: &LessonMoney, refund: i64, subsidy_back: bool, basis_points: u16) -> Result<Entry, LedgerError> {
    if refund < 0 || refund > m.paid {
        return Err(LedgerError::BadAmount);
    }
    let subsidy_back = if subsidy_back { m.subsidy } else { 0 };
    let released = m.price() - refund - subsidy_back;
    let cut = commission(released, basis_points);
    let kind = match (refund + subsidy_back, released) {
        (_, 0) => EntryKind::Refund,
        (0, _) => EntryKind::Release,
        _ => EntryKind::Split,
    };
    Entry::new(
        kind,
        [
            leg(Account::Escrow(m.lesson), -m.price()),
            leg(m.source.account(), refund),
            leg(Account::Promotions, subsidy_back),
            leg(Account::Earnings(m.teacher), released - cut),
            leg(Account::Revenue, cut),
        ],
    )
}

/// An expired package's remaining money to its teacher, less commission.
pub fn package_expiry(package: Uuid, teacher: Uuid, remaining: i64, basis_points: u16) -> Result<Entry, LedgerError> {
    let cut = commission(remaining, basis_points);
    Entry::new(
        EntryKind::PackageExpiry,
        [
            leg(Account::PackageEscrow(package), -remaining),
            leg(Account::Earnings(teacher), remaining - cut),
            leg(Account::Revenue, cut),
        ],
    )
}

/// What is left of a package its teacher can no longer teach, back to the
/// learner's wallet.
pub fn package_refund(package: Uuid, learner: Uuid, remaining: i64) -> Result<Entry, LedgerError> {
    transfer(
        EntryKind::Refund,
        Account::PackageEscrow(package),
        Account::Wallet(learner),
        remaining,
    )
}

/// A deleted member's wallet credit and unpaid earnings, given up.
pub fn forfeit(member: Uuid, credit: i64, earnings: i64) -> Result<Entry, LedgerError> {
    Entry::new(
        EntryKind::Forfeit,
        [
            leg(Account::Wallet(member), -credit),
            leg(Account::Earnings(member), -earnings),
            leg(Account::Revenue, credit + earnings),
        ],
    )
}

pub fn payout_request(teacher: Uuid, amount: i64) -> Result<Entry, LedgerError> {
    transfer(
        EntryKind::PayoutRequest,
        Account::Earnings(teacher),
        Account::Payouts,
        amount,
    )
}

pub fn payout_rejected(teacher: Uuid, amount: i64) -> Result<Entry, LedgerError> {
    transfer(
        EntryKind::PayoutRejected,
        Account::Payouts,
        Account::Earnings(teacher),
        amount,
    )
}

/// The payout left through `provider` (a bank transfer, PayPal).
pub fn payout_paid(provider: &'static str, amount: i64) -> Result<Entry, LedgerError> {
    transfer(
        EntryKind::PayoutPaid,
        Account::Payouts,
        Account::Clearing(provider),
        amount,
    )
}

/// The next lesson taken from a package with `balance` left for `lessons`
/// lessons: an even share, the last one taking what remains, so the
/// package empties exactly.
pub fn package_draw(balance: i64, lessons: i64) -> i64 {
    if lessons <= 1 { balance } else { balance / lessons }
}

#[cfg(test)]
mod tests;
