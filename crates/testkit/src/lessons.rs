//! Lessons and money through the real pages: paying in with a test card,
//! booking a teacher's slot, lesson steps, and reading what came of them.

use crate::{Browser, TestApp};
use reqwest::StatusCode;
use uuid::Uuid;

/// The test card that always succeeds.
pub const GOOD_CARD: &str = "4242 4242 4242 4242";

/// A fresh idempotency key, as a page's form would carry.
pub fn key() -> String {
    Uuid::now_v7().to_string()
}

/// The id at the end of a redirect's `Location` (`/lessons/<id>`).
/// The first of `slots` at least `hours` after `from`. Pick each of
/// several times from the one before: the fixture teacher's day in Tokyo
/// leaves a gap of more than a day, so two picks a day apart from the same
/// start can land on the same slot.
pub fn slot_after(slots: &[jiff::Timestamp], from: jiff::Timestamp, hours: i64) -> jiff::Timestamp {
    *slots
        .iter()
        .find(|s| s.as_second() >= from.as_second() + hours * 3600)
        .expect("a free slot that late")
}

pub fn location_id(r: &reqwest::Response) -> Uuid {
    let loc = r.headers()["location"].to_str().unwrap();
    loc.rsplit('/')
        .next()
        .and_then(|s| s.split('#').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no id in {loc}"))
}

impl TestApp {
    /// A member who became a teacher through the shared application (Spanish,
    /// 60 minutes at 20.00 with a 5-lesson package at 5% off, a 5.00 trial,
    /// Tuesdays 18:00–21:00 UTC and a morning in Tokyo in three days).
    pub async fn teacher_member(&self, email: &str) -> (Browser, Uuid) {
        let b = self.member(email, "Profe").await;
        self.upload_avatar(&b).await;
        let id = self.account_id(email).await;
        let reviewer = self
            .staff(&format!("ts.{email}"), koine_domain::staff::StaffRole::TrustSafety)
            .await;
        assert!(self.approved_teacher(&b, id, &reviewer).await);
        (b, id)
    }

    /// Pays `amount` (`"50.00"`) into the member's wallet by test card.
    pub async fn top_up(&self, b: &Browser, amount: &str) {
        let k = key();
        let r = b
            .post_form(
                "/wallet/top-up",
                &[
                    ("amount", amount),
                    ("card_number", GOOD_CARD),
                    ("card_expiry", "12/40"),
                    ("card_cvc", "123"),
                    ("idempotency_key", &k),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
    }

    /// The teacher's first offering.
    pub async fn offering_of(&self, teacher: Uuid) -> Uuid {
        self.scalar_uuid(
            "SELECT id FROM offerings WHERE teacher_id = $1 ORDER BY created_at",
            teacher,
        )
        .await
    }

    /// The teacher's bookable starts of a `minutes`-long lesson in the
    /// next `days` days.
    pub async fn open_slots(&self, teacher: Uuid, minutes: u16, days: i64) -> Vec<jiff::Timestamp> {
        let now = self.svc.clock.now();
        self.svc
            .slots(teacher, minutes, now, now + jiff::SignedDuration::from_hours(24 * days))
            .await
            .expect("slots")
    }

    /// Books `kind` (`single`, `trial`, `package`) of the teacher's first
    /// offering at `start` from the checkout page; returns the response.
    pub async fn book_at(
        &self,
        b: &Browser,
        teacher: Uuid,
        start: jiff::Timestamp,
        extra: &[(&str, &str)],
    ) -> reqwest::Response {
        let offering = self.offering_of(teacher).await.to_string();
        let (teacher, start, k) = (teacher.to_string(), start.to_string(), key());
        let mut fields = vec![
            ("teacher", teacher.as_str()),
            ("offering", offering.as_str()),
            ("kind", "single"),
            ("starts_at", start.as_str()),
            ("idempotency_key", k.as_str()),
        ];
        for (name, value) in extra {
            fields.retain(|(n, _)| n != name);
            fields.push((name, value));
        }
        b.post_form("/lessons", &fields).await
    }

    /// Books a single lesson at `start`; returns its id.
    pub async fn book(&self, b: &Browser, teacher: Uuid, start: jiff::Timestamp) -> Uuid {
        let r = self.book_at(b, teacher, start, &[]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
        location_id(&r)
    }

    /// Takes a step on a lesson from its page; returns the response.
    pub async fn lesson_step(
        &self,
        b: &Browser,
        lesson: Uuid,
        action: &str,
        extra: &[(&str, &str)],
    ) -> reqwest::Response {
        let k = key();
        let mut fields = vec![("idempotency_key", k.as_str())];
        fields.extend_from_slice(extra);
        b.post_form(&format!("/lessons/{lesson}/actions/{action}"), &fields)
            .await
    }

    /// Takes a step that must succeed.
    pub async fn step_ok(&self, b: &Browser, lesson: Uuid, action: &str) {
        let r = self.lesson_step(b, lesson, action, &[]).await;
        assert_eq!(
            r.status(),
            StatusCode::SEE_OTHER,
            "{action}: {}",
            r.text().await.unwrap()
        );
    }

    /// A lesson's status, read from the database.
    pub async fn lesson_status(&self, lesson: Uuid) -> String {
        let sql = "SELECT status FROM lessons WHERE id = $1";
        crate::on_db!(&self.svc.db, p => sqlx::query_scalar(sql).bind(lesson).fetch_one(p).await.unwrap())
    }

    /// A member's wallet credit, in minor units.
    pub async fn credit(&self, member: Uuid) -> i64 {
        self.svc
            .balance(koine_domain::ledger::Account::Wallet(member))
            .await
            .unwrap()
    }

    /// A teacher's earnings not yet paid out, in minor units.
    pub async fn earned(&self, teacher: Uuid) -> i64 {
        self.svc
            .balance(koine_domain::ledger::Account::Earnings(teacher))
            .await
            .unwrap()
    }

    /// Asserts the books add up.
    pub async fn assert_books_sound(&self) {
        let check = self.svc.ledger_check().await.unwrap();
        assert!(check.is_sound(), "{check:?}");
    }
}

impl TestApp {
    /// Moves the clock forward to `t`.
    pub fn advance_to(&self, t: jiff::Timestamp) {
        let by = t.as_microsecond() - self.svc.clock.now_us();
        assert!(by >= 0, "the clock only moves forward");
        self.advance(std::time::Duration::from_micros(u64::try_from(by).unwrap()));
    }

    /// Moves the clock forward to the coming `weekday`'s midnight (UTC), for
    /// a test that reads a teacher's weekly hours off a page: without it the
    /// week a page shows holds them only at some hours of the week, since
    /// those inside the booking notice are not offered.
    pub fn advance_to_coming(&self, weekday: jiff::civil::Weekday) {
        let today = self.svc.clock.now().to_zoned(jiff::tz::TimeZone::UTC).date();
        let midnight = today
            .nth_weekday(1, weekday)
            .expect("a coming weekday")
            .to_zoned(jiff::tz::TimeZone::UTC)
            .expect("a UTC midnight")
            .timestamp();
        self.advance_to(midnight);
    }

    /// Runs the lesson timers once, as the job would.
    pub async fn timers(&self) -> koine_services::booking::timers::TimerReport {
        self.svc.run_lesson_timers().await.expect("timers")
    }

    /// The member acting through the services directly (as a signed-in
    /// session would), for tests that call them in parallel.
    pub fn principal(&self, id: Uuid) -> koine_services::accounts::Principal {
        koine_services::accounts::Principal {
            account_id: id,
            client: Default::default(),
            session_id: Uuid::nil(),
            authenticated_at: self.svc.clock.now_us(),
            staff_role: None,
            minor: false,
            locale: None,
            display_name: String::new(),
        }
    }

    /// Opens the teacher's calendar 06:00–22:00 every day (their zone),
    /// replacing their weekly hours, for tests that need many slots.
    pub async fn open_every_day(&self, teacher: &Browser) {
        let days: Vec<String> = (1..=7).map(|d| d.to_string()).collect();
        let mut fields = Vec::new();
        for day in &days {
            fields.extend([("day", day.as_str()), ("start", "06:00"), ("end", "22:00")]);
        }
        let r = teacher.post_form("/teach/availability", &fields).await;
        assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    }

    /// A staff member who settles disputes.
    pub async fn support(&self, email: &str) -> Browser {
        self.staff(email, koine_domain::staff::StaffRole::Support).await
    }

    /// The number of audit events of `action`.
    pub async fn audited(&self, action: &str) -> i64 {
        let sql = "SELECT COUNT(*) FROM audit_events WHERE action = $1";
        crate::on_db!(&self.svc.db, p => sqlx::query_scalar(sql).bind(action).fetch_one(p).await.unwrap())
    }
}
