use super::*;

const H: i64 = HOUR_US;

fn timing(now: i64) -> Timing {
    // Requested at 0 for a lesson at 100 h, one hour long.
    Timing {
        now,
        starts_at: 100 * H,
        ends_at: 101 * H,
        respond_by: respond_by(0, 100 * H),
        reported_at: None,
        confirm_by: confirm_by(101 * H, false, ATTENDED_CONFIRM_WITHIN_US),
    }
}

fn go(from: LessonStatus, a: Action, p: Party, now: i64) -> Result<Step, StepError> {
    step(from, a, p, timing(now), 2000, CancellationPolicy::default())
}

#[test]
fn requests_are_answered_within_48_hours_or_before_the_start() {
    assert_eq!(respond_by(0, 100 * H), 48 * H);
    assert_eq!(
        respond_by(0, 10 * H),
        10 * H,
        "a lesson soon must be answered before it starts"
    );
    use LessonStatus::*;
    assert_eq!(go(Requested, Action::Confirm, Party::Teacher, H).unwrap().to, Confirmed);
    assert_eq!(
        go(Requested, Action::Confirm, Party::Teacher, 48 * H).unwrap_err(),
        StepError::Refused(Refusal::RequestExpired)
    );
    assert!(
        go(Requested, Action::Confirm, Party::Learner, H).is_err(),
        "only the teacher confirms"
    );
    let s = go(Requested, Action::Decline, Party::Teacher, H).unwrap();
    assert_eq!((s.to, s.escrow), (Declined, Escrow::RefundAll));
    let s = go(Requested, Action::Withdraw, Party::Learner, H).unwrap();
    assert_eq!((s.to, s.escrow), (Withdrawn, Escrow::RefundAll));
    assert_eq!(
        go(Requested, Action::Expire, Party::Clock, 47 * H).unwrap_err(),
        StepError::Refused(Refusal::NotDue)
    );
    let s = go(Requested, Action::Expire, Party::Clock, 48 * H).unwrap();
    assert_eq!((s.to, s.escrow), (Expired, Escrow::RefundAll));
}

#[test]
fn cancellation_is_free_until_24_hours_before() {
    use LessonStatus::*;
    for party in [Party::Learner, Party::Teacher] {
        let s = go(Confirmed, Action::Cancel, party, 76 * H).unwrap();
        assert_eq!((s.to, s.escrow, s.late), (Cancelled, Escrow::RefundAll, false));
    }
    // Inside 24 hours: a teacher refunds in full, a learner per the policy.
    let s = go(Confirmed, Action::Cancel, Party::Teacher, 77 * H).unwrap();
    assert_eq!((s.escrow, s.late), (Escrow::RefundAll, true));
    let s = go(Confirmed, Action::Cancel, Party::Learner, 77 * H).unwrap();
    assert_eq!((s.escrow, s.late), (Escrow::ReleaseAll, true));
    for (percent, escrow) in [
        (100, Escrow::RefundAll),
        (50, Escrow::Split { refund: 1000 }),
        (33, Escrow::Split { refund: 660 }),
    ] {
        let policy = CancellationPolicy {
            late_learner_refund_percent: percent,
        };
        let s = step(Confirmed, Action::Cancel, Party::Learner, timing(99 * H), 2000, policy).unwrap();
        assert_eq!(s.escrow, escrow, "{percent}%");
    }
    assert_eq!(
        go(Confirmed, Action::Cancel, Party::Learner, 100 * H).unwrap_err(),
        StepError::Refused(Refusal::LessonStarted)
    );
    assert!(
        go(Requested, Action::Cancel, Party::Learner, H).is_err(),
        "a request is withdrawn"
    );
}

#[test]
fn after_the_lesson_the_learner_confirms_or_reports_within_72_hours() {
    use LessonStatus::*;
    assert!(go(Confirmed, Action::End, Party::Clock, 100 * H).is_err());
    assert_eq!(
        go(Confirmed, Action::End, Party::Clock, 101 * H).unwrap().to,
        AwaitingConfirmation
    );
    let s = go(AwaitingConfirmation, Action::ConfirmCompletion, Party::Learner, 102 * H).unwrap();
    assert_eq!((s.to, s.escrow), (Completed, Escrow::ReleaseAll));
    assert!(go(AwaitingConfirmation, Action::ConfirmCompletion, Party::Teacher, 102 * H).is_err());
    assert!(go(AwaitingConfirmation, Action::AutoComplete, Party::Clock, 172 * H).is_err());
    let s = go(AwaitingConfirmation, Action::AutoComplete, Party::Clock, 173 * H).unwrap();
    assert_eq!((s.to, s.escrow), (Completed, Escrow::ReleaseAll));
    assert_eq!(
        go(AwaitingConfirmation, Action::ReportProblem, Party::Learner, 150 * H)
            .unwrap()
            .to,
        ProblemReported
    );
    assert_eq!(
        go(AwaitingConfirmation, Action::ReportProblem, Party::Learner, 173 * H).unwrap_err(),
        StepError::Refused(Refusal::TooLate)
    );
}

#[test]
fn a_lesson_both_attended_completes_after_12_hours() {
    use LessonStatus::*;
    let attended = |now| Timing {
        confirm_by: confirm_by(101 * H, true, ATTENDED_CONFIRM_WITHIN_US),
        ..timing(now)
    };
    let run = |a, p, t| step(AwaitingConfirmation, a, p, t, 2000, CancellationPolicy::default());
    assert!(run(Action::AutoComplete, Party::Clock, attended(113 * H - 1)).is_err());
    assert_eq!(
        run(Action::AutoComplete, Party::Clock, attended(113 * H)).unwrap().to,
        Completed
    );
    assert_eq!(due(AwaitingConfirmation, attended(113 * H)), Some(Action::AutoComplete));
    assert_eq!(
        due(AwaitingConfirmation, timing(113 * H)),
        None,
        "72 hours without attendance"
    );
    assert_eq!(
        run(Action::ReportProblem, Party::Learner, attended(113 * H)),
        Err(StepError::Refused(Refusal::TooLate))
    );
    // Never later than without attendance, whatever is configured.
    assert_eq!(confirm_by(0, true, 100 * H), CONFIRM_WITHIN_US);
}

#[test]
fn problems_are_resolved_by_the_two_sides_or_settled_by_staff() {
    use LessonStatus::*;
    let reported = Timing {
        reported_at: Some(110 * H),
        ..timing(120 * H)
    };
    let at = |now| Timing { now, ..reported };
    let run = |a, p, t| step(ProblemReported, a, p, t, 2000, CancellationPolicy::default());
    assert_eq!(
        run(Action::WithdrawProblem, Party::Learner, reported).unwrap().escrow,
        Escrow::ReleaseAll
    );
    let s = run(Action::AcceptRefund, Party::Teacher, reported).unwrap();
    assert_eq!((s.to, s.escrow), (Settled, Escrow::RefundAll));
    assert_eq!(run(Action::Escalate, Party::Teacher, reported).unwrap().to, Disputed);
    assert!(run(Action::Escalate, Party::Clock, at(181 * H)).is_err());
    assert_eq!(run(Action::Escalate, Party::Clock, at(182 * H)).unwrap().to, Disputed);
    let settle = |outcome, refund| {
        step(
            Disputed,
            Action::Settle { outcome, refund },
            Party::Staff,
            reported,
            2000,
            CancellationPolicy::default(),
        )
    };
    assert_eq!(settle(Outcome::Refund, 0).unwrap().escrow, Escrow::RefundAll);
    assert_eq!(settle(Outcome::Release, 0).unwrap().escrow, Escrow::ReleaseAll);
    assert_eq!(
        settle(Outcome::Split, 500).unwrap().escrow,
        Escrow::Split { refund: 500 }
    );
    for bad in [0, 2000, -1, 5000] {
        assert_eq!(
            settle(Outcome::Split, bad).unwrap_err(),
            StepError::Invalid(Invalid::new("refund", "split-out-of-range"))
        );
    }
    assert!(
        step(
            Disputed,
            Action::Settle {
                outcome: Outcome::Refund,
                refund: 0
            },
            Party::Teacher,
            reported,
            2000,
            CancellationPolicy::default()
        )
        .is_err(),
        "only staff settle"
    );
}

#[test]
fn final_states_are_final() {
    let actions = [
        Action::Confirm,
        Action::Decline,
        Action::Withdraw,
        Action::Expire,
        Action::Cancel,
        Action::End,
        Action::ConfirmCompletion,
        Action::AutoComplete,
        Action::ReportProblem,
        Action::WithdrawProblem,
        Action::AcceptRefund,
        Action::Escalate,
        Action::Settle {
            outcome: Outcome::Refund,
            refund: 0,
        },
    ];
    let parties = [Party::Learner, Party::Teacher, Party::Staff, Party::Clock];
    for s in LessonStatus::ALL.iter().filter(|s| s.is_final()) {
        for a in actions {
            for p in parties {
                for now in [0, 50 * H, 500 * H] {
                    assert!(go(*s, a, p, now).is_err(), "{s:?} {a:?} {p:?}");
                }
            }
        }
        assert!(!s.holds_time() && !s.holds_money());
    }
}

#[test]
fn timers_fire_only_when_due() {
    use LessonStatus::*;
    assert_eq!(due(Requested, timing(47 * H)), None);
    assert_eq!(due(Requested, timing(48 * H)), Some(Action::Expire));
    assert_eq!(due(Confirmed, timing(101 * H)), Some(Action::End));
    assert_eq!(due(AwaitingConfirmation, timing(173 * H)), Some(Action::AutoComplete));
    assert_eq!(due(Completed, timing(999 * H)), None);
    // Every due action is one the clock may take.
    for s in LessonStatus::ALL {
        for now in [0, 48 * H, 101 * H, 173 * H, 999 * H] {
            let t = Timing {
                reported_at: Some(101 * H),
                ..timing(now)
            };
            if let Some(a) = due(*s, t) {
                assert!(
                    step(*s, a, Party::Clock, t, 100, CancellationPolicy::default()).is_ok(),
                    "{s:?} {a:?}"
                );
            }
        }
    }
}

#[test]
fn rescheduling_needs_a_day_and_two_future_times() {
    use LessonStatus::*;
    assert!(may_propose_new_time(Confirmed, 76 * H, 100 * H).is_ok());
    assert_eq!(
        may_propose_new_time(Confirmed, 77 * H, 100 * H).unwrap_err(),
        Refusal::TooLateToReschedule
    );
    assert!(may_propose_new_time(Requested, 0, 100 * H).is_err());
    assert!(may_accept_new_time(Confirmed, 90 * H, 100 * H, 120 * H).is_ok());
    assert!(may_accept_new_time(Confirmed, 100 * H, 100 * H, 120 * H).is_err());
    assert!(may_accept_new_time(Confirmed, 90 * H, 100 * H, 80 * H).is_err());
}

#[test]
fn ratings() {
    assert_eq!(parse_rating("5"), Ok(5));
    for bad in ["0", "6", "", "four", "-1"] {
        assert!(parse_rating(bad).is_err(), "{bad}");
    }
}
