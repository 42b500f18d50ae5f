use super::*;
use crate::booking::{self, Action, CancellationPolicy, LessonStatus, Outcome, Party, Timing};
use proptest::prelude::*;
use std::collections::HashMap;

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

#[test]
fn entries_must_balance() {
    assert_eq!(
        Entry::new(
            EntryKind::Funding,
            [leg(Account::Wallet(id(1)), 100), leg(Account::Revenue, -99)]
        ),
        Err(LedgerError::Unbalanced)
    );
    assert_eq!(
        Entry::new(EntryKind::Funding, [leg(Account::Wallet(id(1)), MAX_AMOUNT + 1)]),
        Err(LedgerError::BadAmount)
    );
    let e = Entry::new(
        EntryKind::Hold,
        [
            leg(Account::Wallet(id(1)), -100),
            leg(Account::Promotions, 0),
            leg(Account::Escrow(id(2)), 60),
            leg(Account::Escrow(id(2)), 40),
        ],
    )
    .unwrap();
    assert_eq!(e.legs().len(), 2, "zero legs dropped, same accounts merged");
    assert!(transfer(EntryKind::Funding, Account::Revenue, Account::Payouts, -5).is_err());
}

#[test]
fn commission_rounds_half_up_and_never_exceeds_the_amount() {
    assert_eq!(commission(2000, 1500), 300);
    assert_eq!(commission(1, 1500), 0);
    assert_eq!(commission(10, 1500), 2, "1.5 rounds up");
    assert_eq!(commission(999, 10_000), 999);
    assert_eq!(commission(999, 20_000), 999);
    assert_eq!(commission(0, 1500), 0);
}

#[test]
fn wallets_and_escrow_never_go_negative() {
    let m = LessonMoney {
        lesson: id(9),
        teacher: id(2),
        source: Source::Wallet(id(1)),
        paid: 1500,
        subsidy: 500,
    };
    let e = hold(&m).unwrap();
    assert_eq!(
        e.check(|a| if a == Account::Wallet(id(1)) { 1499 } else { 0 }),
        Err(LedgerError::Insufficient(Account::Wallet(id(1))))
    );
    assert!(e.check(|a| if a == Account::Wallet(id(1)) { 1500 } else { 0 }).is_ok());
    // The platform's promotions account pays coupons from nothing.
    assert!(Account::Promotions.may_go_negative() && !Account::Escrow(id(9)).may_go_negative());
}

#[test]
fn settlement_arithmetic() {
    let m = LessonMoney {
        lesson: id(9),
        teacher: id(2),
        source: Source::Wallet(id(1)),
        paid: 1500,
        subsidy: 500,
    };
    let amount = |e: &Entry, a: Account| {
        e.legs()
            .iter()
            .filter(|l| l.account == a)
            .map(|l| l.amount)
            .sum::<i64>()
    };
    // Completed: the teacher earns on the full price, coupon or not.
    let e = settle(&m, 0, false, 1500).unwrap();
    assert_eq!(e.kind, EntryKind::Release);
    assert_eq!(amount(&e, Account::Earnings(id(2))), 1700);
    assert_eq!(amount(&e, Account::Revenue), 300);
    // Refunded: the learner gets back what they paid, the coupon its part.
    let e = settle(&m, 1500, true, 1500).unwrap();
    assert_eq!(e.kind, EntryKind::Refund);
    assert_eq!(amount(&e, Account::Wallet(id(1))), 1500);
    assert_eq!(amount(&e, Account::Promotions), 500);
    assert_eq!(amount(&e, Account::Earnings(id(2))), 0);
    // Split: 600 back, 1400 released, 15% of it to the platform.
    let e = settle(&m, 600, false, 1500).unwrap();
    assert_eq!(e.kind, EntryKind::Split);
    assert_eq!(amount(&e, Account::Wallet(id(1))), 600);
    assert_eq!(amount(&e, Account::Earnings(id(2))), 1190);
    assert_eq!(amount(&e, Account::Revenue), 210);
    assert_eq!(amount(&e, Account::Escrow(id(9))), -2000);
    assert!(settle(&m, 1501, false, 1500).is_err());
}

#[test]
fn packages_empty_exactly() {
    let (mut balance, mut left) = (9999_i64, 7_i64);
    let mut draws = Vec::new();
    while left > 0 {
        let d = package_draw(balance, left);
        draws.push(d);
        balance -= d;
        left -= 1;
    }
    assert_eq!(balance, 0);
    assert_eq!(draws.iter().sum::<i64>(), 9999);
    assert!(draws.iter().all(|d| (1428..=1431).contains(d)), "{draws:?}");
}

/// The ledger as a map of balances, applying entries the way the store does.
#[derive(Default)]
struct Books {
    balances: HashMap<Account, i64>,
}

impl Books {
    fn balance(&self, a: Account) -> i64 {
        self.balances.get(&a).copied().unwrap_or(0)
    }

    /// Applies `e` if no protected account would go negative.
    fn post(&mut self, e: Result<Entry, LedgerError>) -> bool {
        let Ok(e) = e else { return false };
        if e.check(|a| self.balance(a)).is_err() {
            return false;
        }
        for l in e.legs() {
            *self.balances.entry(l.account).or_default() += l.amount;
        }
        true
    }
}

/// One step of the simulation.
#[derive(Debug, Clone)]
enum Op {
    Fund {
        member: u8,
        amount: i64,
    },
    CardRefund {
        member: u8,
        amount: i64,
    },
    Book {
        learner: u8,
        teacher: u8,
        price: i64,
        coupon: i64,
        from_package: bool,
    },
    BuyPackage {
        learner: u8,
        teacher: u8,
        price: i64,
        lessons: i64,
    },
    Act {
        lesson: usize,
        action: u8,
        party: u8,
        hours: i64,
    },
    ExpirePackage {
        package: usize,
    },
    Payout {
        teacher: u8,
        amount: i64,
        outcome: bool,
    },
    Forfeit {
        member: u8,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..4u8, 1..50_000i64).prop_map(|(member, amount)| Op::Fund { member, amount }),
        (0..4u8, 1..20_000i64).prop_map(|(member, amount)| Op::CardRefund { member, amount }),
        (0..4u8, 0..3u8, 1..10_000i64, 0..12_000i64, any::<bool>()).prop_map(
            |(learner, teacher, price, coupon, from_package)| Op::Book {
                learner,
                teacher,
                price,
                coupon,
                from_package
            }
        ),
        (0..4u8, 0..3u8, 1..100_000i64, 1..21i64).prop_map(|(learner, teacher, price, lessons)| Op::BuyPackage {
            learner,
            teacher,
            price,
            lessons
        }),
        (0..64usize, 0..13u8, 0..4u8, 0..300i64).prop_map(|(lesson, action, party, hours)| Op::Act {
            lesson,
            action,
            party,
            hours
        }),
        (0..8usize).prop_map(|package| Op::ExpirePackage { package }),
        (0..3u8, 1..30_000i64, any::<bool>()).prop_map(|(teacher, amount, outcome)| Op::Payout {
            teacher,
            amount,
            outcome
        }),
        (0..4u8).prop_map(|member| Op::Forfeit { member }),
    ]
}

struct Lesson {
    money: LessonMoney,
    status: LessonStatus,
    reported_at: Option<i64>,
    package: Option<usize>,
}

const H: i64 = 3_600_000_000;

fn action(n: u8, refund: i64) -> Action {
    match n {
        0 => Action::Confirm,
        1 => Action::Decline,
        2 => Action::Withdraw,
        3 => Action::Expire,
        4 => Action::Cancel,
        5 => Action::End,
        6 => Action::ConfirmCompletion,
        7 => Action::AutoComplete,
        8 => Action::ReportProblem,
        9 => Action::WithdrawProblem,
        10 => Action::AcceptRefund,
        11 => Action::Escalate,
        _ => Action::Settle {
            outcome: [Outcome::Refund, Outcome::Split, Outcome::Release][(refund % 3) as usize],
            refund,
        },
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Whatever happens — payments, bookings with coupons and packages,
    /// every lifecycle step at any time, disputes, payouts, forfeits —
    /// money is neither created nor lost: all balances sum to zero, no
    /// wallet, escrow, package or earnings goes negative, a lesson's escrow
    /// is empty once it is final, and what its learner, teacher and the
    /// platform got adds up to its price.
    #[test]
    fn money_is_conserved(ops in proptest::collection::vec(op(), 1..120), late_percent in 0..=100u8) {
        let mut books = Books::default();
        let mut lessons: Vec<Lesson> = Vec::new();
        let mut packages: Vec<(Uuid, Uuid, Uuid, i64, i64)> = Vec::new(); // id, learner, teacher, lessons left, paid
        let policy = CancellationPolicy { late_learner_refund_percent: late_percent };
        let bp = 1500;
        let member = |n: u8| id(1000 + u128::from(n));
        let teacher = |n: u8| id(2000 + u128::from(n));
        for (i, op) in ops.into_iter().enumerate() {
            match op {
                Op::Fund { member: m, amount } => { books.post(funding("test", member(m), amount)); }
                Op::CardRefund { member: m, amount } => { books.post(card_refund("test", member(m), amount)); }
                Op::Book { learner, teacher: t, price, coupon, from_package } => {
                    let lesson = id(10_000 + i as u128);
                    let (source, paid, package) = if from_package {
                        let Some(p) = packages.iter().position(|p| p.1 == member(learner) && p.2 == teacher(t) && p.3 > 0) else { continue };
                        let (pid, _, _, left, _) = packages[p];
                        let draw = package_draw(books.balance(Account::PackageEscrow(pid)), left);
                        (Source::Package(pid), draw, Some(p))
                    } else {
                        (Source::Wallet(member(learner)), price - coupon.min(price), None)
                    };
                    let subsidy = if from_package { 0 } else { coupon.min(price) };
                    let money = LessonMoney { lesson, teacher: teacher(t), source, paid, subsidy };
                    if books.post(hold(&money)) {
                        if let Some(p) = package { packages[p].3 -= 1; }
                        lessons.push(Lesson { money, status: LessonStatus::Requested, reported_at: None, package });
                    }
                }
                Op::BuyPackage { learner, teacher: t, price, lessons: n } => {
                    let pid = id(50_000 + i as u128);
                    if books.post(package_purchase(member(learner), pid, price)) {
                        packages.push((pid, member(learner), teacher(t), n, price));
                    }
                }
                Op::Act { lesson, action: a, party, hours } => {
                    let Some(l) = lessons.get_mut(lesson) else { continue };
                    let party = [Party::Learner, Party::Teacher, Party::Staff, Party::Clock][party as usize];
                    let a = action(a, l.money.paid * hours / 300);
                    let t = Timing {
                        now: hours * H,
                        starts_at: 100 * H,
                        ends_at: 101 * H,
                        respond_by: booking::respond_by(0, 100 * H),
                        reported_at: l.reported_at,
                        confirm_by: booking::confirm_by(101 * H, false, booking::ATTENDED_CONFIRM_WITHIN_US),
                    };
                    let Ok(s) = booking::step(l.status, a, party, t, l.money.paid, policy) else { continue };
                    let entry = booking::settlement(s.escrow, &l.money, bp).unwrap();
                    if let Some(e) = entry {
                        prop_assert!(books.post(Ok(e)), "a lesson's escrow always covers its settlement");
                        if s.escrow == booking::Escrow::RefundAll
                            && let Some(p) = l.package {
                                packages[p].3 += 1;
                            }
                    }
                    if s.to == LessonStatus::ProblemReported { l.reported_at = Some(t.now); }
                    l.status = s.to;
                }
                Op::ExpirePackage { package } => {
                    let Some(p) = packages.get_mut(package) else { continue };
                    let left = books.balance(Account::PackageEscrow(p.0));
                    prop_assert!(books.post(package_expiry(p.0, p.2, left, bp)));
                    p.3 = 0;
                }
                Op::Payout { teacher: t, amount, outcome } => {
                    if books.post(payout_request(teacher(t), amount)) {
                        let done = if outcome { payout_paid("manual", amount) } else { payout_rejected(teacher(t), amount) };
                        prop_assert!(books.post(done));
                    }
                }
                Op::Forfeit { member: m } => {
                    let (credit, earnings) = (books.balance(Account::Wallet(member(m))), books.balance(Account::Earnings(member(m))));
                    prop_assert!(books.post(forfeit(member(m), credit, earnings)));
                    prop_assert_eq!(books.balance(Account::Wallet(member(m))), 0);
                }
            }
            prop_assert_eq!(books.balances.values().sum::<i64>(), 0, "money created or lost");
            for (a, b) in &books.balances {
                prop_assert!(a.may_go_negative() || *b >= 0, "{:?} at {}", a, b);
            }
        }
        for l in &lessons {
            let escrow = books.balance(Account::Escrow(l.money.lesson));
            if l.status.is_final() {
                prop_assert_eq!(escrow, 0, "{:?} left money in escrow", l.status);
            } else {
                prop_assert_eq!(escrow, l.money.price(), "{:?} holds the price", l.status);
            }
        }
    }
}
