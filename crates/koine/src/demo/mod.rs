//! Demo data for `serve --demo` and `seed-demo`: a marketplace to explore —
//! learners, teachers of fourteen languages with homepages, prices, weekly
//! hours and reviews, lessons in every state (one of them starting now, so
//! the classroom can be tried), conversations, and staff. Everything goes
//! through the services the pages use.

mod cast;
mod lessons;
mod teachers;

use cast::{LEARNERS, Person, TEACHERS};
use koine_domain::booking::LessonStatus;
use koine_domain::classroom::RoomWindow;
use koine_domain::contact::Email;
use koine_domain::ledger::Account;
use koine_domain::password::NewPassword;
use koine_domain::profile::DisplayName;
use koine_domain::staff::StaffRole;
use koine_services::Services;
use koine_services::accounts::{Principal, SignUp};
use koine_services::teaching::availability::{DayOverrideInput, DayOverrideRequest};
use koine_store::repo::lessons::LessonRow;
use lessons::{Fate, Plan};
use uuid::Uuid;

/// Printed at start-up; demo data is for trying Koine locally, never for production.
pub const PASSWORD: &str = "koine-demo-river-lantern";

pub struct DemoLogin {
    pub who: String,
    pub email: &'static str,
}

/// What was seeded, for the start-up message.
pub struct Demo {
    pub logins: Vec<DemoLogin>,
    /// The lesson whose room is open now, in words.
    pub lesson_now: Option<String>,
}

const STAFF: &[(&str, &str, StaffRole)] = &[
    ("Demo Admin", "admin@demo.koine.test", StaffRole::Admin),
    (
        "Demo Privacy Officer",
        "privacy@demo.koine.test",
        StaffRole::PrivacyOfficer,
    ),
    ("Demo Support", "support@demo.koine.test", StaffRole::Support),
];

/// What each learner pays in, by bank transfer, before their first lesson.
const WALLET_START_MINOR: i64 = 80_000;

/// The demo's people, by email.
struct Cast(std::collections::HashMap<&'static str, Uuid>);

impl Cast {
    /// `short` is the part of the address before `@demo.koine.test`.
    fn id(&self, short: &str) -> Uuid {
        self.0[format!("{short}@demo.koine.test").as_str()]
    }
}

/// Seeds the demo once; run again, it adds nothing but a lesson starting
/// now if the last one has passed.
pub async fn seed(svc: &Services) -> Result<Demo, koine_services::Error> {
    let mut cast = std::collections::HashMap::new();
    for p in LEARNERS.iter().chain(TEACHERS.iter().map(|t| &t.person)) {
        cast.insert(p.email, member(svc, p).await?);
    }
    let mut admin = None;
    for (name, email, role) in STAFF {
        let id = svc
            .create_staff(
                &Email::parse(email)?,
                *role,
                NewPassword::parse(PASSWORD, &[])?,
                &DisplayName::parse(name)?,
            )
            .await?;
        if *role == StaffRole::Admin {
            admin = Some(id);
        }
    }
    let admin = admin.ok_or(koine_services::Error::NotFound)?;
    let cast = Cast(cast);
    for t in TEACHERS {
        teachers::make(svc, admin, cast.0[t.person.email], t).await?;
    }
    seed_conversations(svc, &cast).await?;
    let ana = principal(cast.id("ana"), None, svc.clock.now_us());
    let first_time = svc.my_lessons(&ana).await?.is_empty();
    if first_time {
        for (n, l) in LEARNERS.iter().enumerate() {
            let reference = format!("DEMO-TRANSFER-{}", n + 1);
            lessons::fund(svc, admin, cast.0[l.email], WALLET_START_MINOR, &reference).await?;
        }
        lessons::live(svc, &history(&cast, svc.clock.now_us())).await?;
    }
    // Trying the classroom is a bonus: the demo starts without it.
    let lesson_now = lesson_now(svc, admin, &cast).await.unwrap_or_else(|e| {
        tracing::warn!("the demo has no lesson starting now: {e}");
        None
    });
    let mut logins: Vec<DemoLogin> = LEARNERS
        .iter()
        .map(|p| DemoLogin {
            who: p.name.into(),
            email: p.email,
        })
        .collect();
    logins.extend(TEACHERS.iter().map(|t| DemoLogin {
        who: format!("{} (teacher, {})", t.person.name, t.language),
        email: t.person.email,
    }));
    logins.extend(STAFF.iter().map(|(name, email, role)| DemoLogin {
        who: format!("{name} (staff: {})", role.as_str()),
        email,
    }));
    Ok(Demo { logins, lesson_now })
}

/// Signs the person up (verified) unless they exist; their account id.
async fn member(svc: &Services, p: &Person) -> Result<Uuid, koine_services::Error> {
    let e = Email::parse(p.email)?;
    if let Some(id) = svc.account_id_by_email(&e).await? {
        return Ok(id);
    }
    let input = SignUp {
        email: Some(e.clone()),
        phone: None,
        password: NewPassword::parse(PASSWORD, &[])?,
        birth_date: p.birth.parse().map_err(koine_services::Error::internal)?,
        display_name: DisplayName::parse(p.name)?,
        locale: p.locale,
        time_zone: p.zone.into(),
        marketing_email: false,
    };
    // Each demo person counts as their own client, so the per-address
    // sign-up limit does not stop a seed of more people than it allows.
    svc.sign_up(input, &format!("demo-seed/{}", p.email)).await?;
    let id = svc
        .account_id_by_email(&e)
        .await?
        .ok_or(koine_services::Error::NotFound)?;
    koine_services::accounts::mark_demo_verified(svc, id, e.as_str()).await?;
    Ok(id)
}

/// A few weeks of lessons: every teacher has some completed and reviewed,
/// and between them the lessons take every state a lesson can be in.
fn history(cast: &Cast, now: i64) -> Vec<Plan> {
    const DAY_US: i64 = 24 * 3_600_000_000;
    let learners: Vec<Uuid> = LEARNERS.iter().map(|l| cast.0[l.email]).collect();
    let mut plans = Vec::new();
    for (t, teacher) in TEACHERS.iter().enumerate() {
        for k in 0..1 + t % 3 {
            let days = 27 - ((t * 3 + k * 7) % 21) as i64;
            // Every teacher's first lesson is reviewed; some later ones are not.
            let review = (k == 0 || (t + k) % 4 != 3).then_some(t * 3 + k);
            plans.push(Plan {
                learner: learners[(t + k) % learners.len()],
                teacher: cast.0[teacher.person.email],
                around: now - days * DAY_US,
                fate: Fate::Completed(review),
            });
        }
    }
    let hours = |h: i64| now + h * DAY_US / 24;
    let special = [
        ("ana", "yuki", hours(4 * 24), Fate::Requested),
        ("kenji", "maria", hours(2 * 24), Fate::Requested),
        ("tom", "maria", hours(3 * 24), Fate::Confirmed),
        ("ana", "giulia", hours(5 * 24), Fate::Confirmed),
        ("tom", "jonas", hours(6 * 24), Fate::Cancelled),
        ("lucas", "camille", hours(-8 * 24), Fate::Declined),
        ("fatima", "emma", hours(-10 * 24), Fate::Withdrawn),
        ("kenji", "lena", hours(-6 * 24), Fate::Expired),
        // Close enough to now that María's last free hour before it (her
        // longest gap between working hours is 51 h) ended less than
        // CONFIRM_WITHIN_US (72 h) ago: the lesson has not completed by itself.
        ("ana", "maria", hours(-10), Fate::AwaitingConfirmation),
        ("lucas", "camille", hours(-40), Fate::ProblemReported),
        ("liwei", "maria", hours(-5 * 24), Fate::Disputed),
        ("fatima", "carlos", hours(-9 * 24), Fate::Settled),
    ];
    plans.extend(special.into_iter().map(|(l, t, around, fate)| Plan {
        learner: cast.id(l),
        teacher: cast.id(t),
        around,
        fate,
    }));
    plans
}

/// Makes sure Ana has a lesson whose room is open now: with the first
/// teacher for whom it is daytime, who opens a few hours around now (and
/// Ana's wallet is topped up first if the lessons of many restarts emptied it).
async fn lesson_now(svc: &Services, admin: Uuid, cast: &Cast) -> Result<Option<String>, koine_services::Error> {
    let now = svc.clock.now();
    let ana = principal(cast.id("ana"), None, now.as_microsecond());
    let times = svc.settings.classroom.times;
    let open = |l: &LessonRow| {
        l.status == LessonStatus::Confirmed
            && RoomWindow::of(l.starts_at, l.ends_at, times).is_open(now.as_microsecond())
    };
    let mine = svc.coming_lessons(&ana, usize::MAX).await?;
    let lesson = match mine.iter().map(|l| &l.row).find(|l| open(l)) {
        Some(l) => l.clone(),
        None => {
            let Some((t, local)) = TEACHERS.iter().find_map(|t| {
                let local = now.in_tz(t.person.zone).ok()?;
                (9..19).contains(&local.hour()).then_some((t, local))
            }) else {
                return Ok(None);
            };
            if svc.balance(Account::Wallet(ana.account_id)).await? < WALLET_START_MINOR / 4 {
                let reference = format!("DEMO-TOP-UP-{}", now.as_second());
                lessons::fund(svc, admin, ana.account_id, WALLET_START_MINOR, &reference).await?;
            }
            let teacher = cast.0[t.person.email];
            let window = |h: i8| format!("{h:02}:00");
            let day = DayOverrideInput {
                day: local.date().to_string(),
                zone: String::new(),
                windows: vec![(window(local.hour() - 1), window(local.hour() + 3))],
            };
            let day = DayOverrideRequest::parse(&day, local.date()).map_err(koine_services::Error::from)?;
            svc.set_date_override(&principal(teacher, None, now.as_microsecond()), day)
                .await?;
            let plan = Plan {
                learner: ana.account_id,
                teacher,
                around: now.as_microsecond() - 20 * 60_000_000,
                fate: Fate::Confirmed,
            };
            let booked = lessons::live(svc, &[plan]).await?;
            let Some(id) = booked.first() else {
                return Ok(None);
            };
            svc.lesson(&ana, *id).await?.row
        }
    };
    if !open(&lesson) {
        return Ok(None);
    }
    let teacher = TEACHERS
        .iter()
        .find(|t| cast.0[t.person.email] == lesson.teacher_id)
        .map_or("a teacher", |t| t.person.name);
    let starts = jiff::Timestamp::from_microsecond(lesson.starts_at).map_err(koine_services::Error::internal)?;
    Ok(Some(format!(
        "Ana García's lesson with {teacher} starts {} UTC; its room is open now: /lessons/{}/room",
        starts.strftime("%H:%M"),
        lesson.id
    )))
}

/// A conversation's lines; `true` marks the learner's.
type Lines = &'static [(bool, &'static str)];

/// Conversations between learners and teachers: (learner, teacher, lines).
const CONVERSATIONS: &[(&str, &str, Lines)] = &[
    (
        "ana",
        "maria",
        &[
            (
                true,
                "¡Hola María! I'd like to practise Spanish for a trip to Mexico in March. Do you do conversation lessons?",
            ),
            (
                false,
                "¡Hola Ana! Sí, claro. We can focus on travel situations: ordering food, directions, small talk. Book a lesson and we'll plan it together.",
            ),
            (true, "Perfect, see you in the classroom!"),
        ],
    ),
    (
        "kenji",
        "yuki",
        &[
            (
                true,
                "田中先生、はじめまして。来月から大阪で働くので、ビジネス敬語を練習したいです。",
            ),
            (
                false,
                "佐藤さん、はじめまして。いいですね！自己紹介とメールの書き方から始めましょう。",
            ),
        ],
    ),
    (
        "lucas",
        "camille",
        &[
            (
                true,
                "Bonjour Camille, sorry about the video in our last lesson. I reported it so the platform can sort it out.",
            ),
            (
                false,
                "Pas de souci, Lucas. My connection was bad that evening; I am happy to give the time back.",
            ),
        ],
    ),
];

/// Seeds the conversations (once: one that has messages stays as it is).
async fn seed_conversations(svc: &Services, cast: &Cast) -> Result<(), koine_services::Error> {
    use koine_domain::messaging::MessageText;
    use koine_services::idempotency::IdempotencyKey;
    let now = svc.clock.now_us();
    for (learner, teacher, lines) in CONVERSATIONS {
        let learner = principal(cast.id(learner), None, now);
        let teacher = principal(cast.id(teacher), None, now);
        let c = svc.start_conversation(&learner, teacher.account_id).await?;
        if svc.conversation(&learner, c).await?.last_seq > 0 {
            continue;
        }
        for (from_learner, text) in *lines {
            let who = if *from_learner { &learner } else { &teacher };
            svc.send_message(who, c, &MessageText::parse(text)?, &[], &IdempotencyKey::fresh())
                .await?;
        }
    }
    Ok(())
}

fn principal(account_id: uuid::Uuid, staff_role: Option<StaffRole>, now: i64) -> Principal {
    Principal {
        account_id,
        client: Default::default(),
        session_id: uuid::Uuid::nil(),
        authenticated_at: now,
        staff_role,
        minor: false,
        locale: None,
        display_name: String::new(),
    }
}
