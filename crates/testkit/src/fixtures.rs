//! Shared fixtures: people with data in every table the data map links to
//! them, for the export, erasure and residue tests.

use crate::{Browser, TestApp};
use koine_domain::privacy::Erasure;
use koine_domain::staff::StaffRole;
use koine_store::datamap::{TableMap, tables};
use reqwest::StatusCode;
use uuid::Uuid;

/// A unique text put into one column of the rows linked to one person.
#[derive(Debug, Clone)]
pub struct Marker {
    pub text: String,
    pub table: &'static TableMap,
    pub column: &'static str,
    /// The subject columns through which the marked rows name the person.
    pub via: Vec<&'static str>,
}

impl Marker {
    /// Whether the map keeps this value when the person is erased: the row
    /// stays (no subject column naming them deletes it) and the column is
    /// retained.
    pub fn survives_erasure(&self) -> bool {
        let row_stays = self
            .via
            .iter()
            .all(|s| self.table.column(s).is_some_and(|c| c.erasure != Erasure::DeleteRow));
        let kept = self
            .table
            .column(self.column)
            .is_some_and(|c| matches!(c.erasure, Erasure::RetainLegal | Erasure::WithRow));
        row_stays && kept
    }
}

/// A member with rows in every table the map links to a person.
pub struct Everywhere {
    pub browser: Browser,
    pub id: Uuid,
    /// A second signed-in session of the member.
    pub other_session: Browser,
    /// Staff who looked at the member (support) and placed and lifted a
    /// hold (privacy officer): people related to the member.
    pub support: Uuid,
    pub officer: Uuid,
    pub officer_browser: Browser,
    /// Another teacher the member took and gave lessons with.
    pub partner: Uuid,
}

/// A (tiny, not really playable) MP4 and a PDF: what their first bytes say.
pub fn tiny_mp4() -> Vec<u8> {
    let mut v = b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom".to_vec();
    v.extend_from_slice(&[0; 64]);
    v
}

pub fn tiny_pdf(text: &str) -> Vec<u8> {
    format!("%PDF-1.4\n% {text}\n%%EOF\n").into_bytes()
}

/// A small PNG for avatar uploads.
pub fn tiny_png() -> Vec<u8> {
    let mut png = Vec::new();
    image::DynamicImage::ImageRgb8(image::RgbImage::new(8, 8))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("encode png");
    png
}

impl TestApp {
    /// Uploads a small picture as the member's photo.
    pub async fn upload_avatar(&self, b: &Browser) {
        let form = reqwest::multipart::Form::new()
            .text("csrf", b.csrf().await)
            .part("avatar", reqwest::multipart::Part::bytes(tiny_png()).file_name("a.png"));
        let r = b
            .client
            .post(self.url("/settings/avatar"))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "photo stored");
    }

    /// Has the member (an adult with a photo) apply to teach Spanish, the
    /// reviewer approve them as a professional teacher, and the teacher
    /// offer a lesson with a package and a trial, weekly availability and
    /// The day the fixture teacher spends in Tokyo: three days ahead, or
    /// the next day after that which does not touch their Madrid Tuesday
    /// evenings (a Tuesday, or the Wednesday those evenings run into in
    /// Tokyo), so tests see both the weekly rule and the day abroad
    /// whatever the date.
    pub fn day_abroad(&self) -> jiff::civil::Date {
        let mut day = self
            .svc
            .clock
            .today_utc()
            .checked_add(jiff::Span::new().days(3))
            .unwrap();
        while matches!(
            day.weekday(),
            jiff::civil::Weekday::Tuesday | jiff::civil::Weekday::Wednesday
        ) {
            day = day.tomorrow().unwrap();
        }
        day
    }

    /// a day abroad. Returns whether they teach afterwards.
    pub async fn approved_teacher(&self, b: &Browser, id: Uuid, reviewer: &Browser) -> bool {
        let r = b
            .post_multipart(
                "/teach",
                &[
                    ("real_name", "Ada María López"),
                    ("country", "ES"),
                    ("lang_0", "es"),
                    ("level_0", "native"),
                    (
                        "introduction",
                        "I teach Spanish grammar and conversation to adults, with care and patience.",
                    ),
                    ("education", "Philology, University of Salamanca"),
                    ("experience", "Eight years in language schools"),
                    ("expertise", "DELE preparation"),
                    ("cert_title_0", "ELE teaching certificate"),
                ],
                &[
                    ("id_document", tiny_pdf("passport"), "passport.pdf"),
                    ("cert_file_0", tiny_pdf("certificate"), "ele.pdf"),
                    ("video", tiny_mp4(), "hello.mp4"),
                ],
            )
            .await;
        assert_eq!(
            r.status(),
            reqwest::StatusCode::SEE_OTHER,
            "{}",
            r.text().await.unwrap()
        );
        let application: Uuid = self
            .scalar_uuid("SELECT id FROM teacher_applications WHERE account_id = $1", id)
            .await;
        let r = reviewer
            .post_form(
                &format!("/staff/applications/{application}/review"),
                &[("decision", "approve"), ("tier", "professional"), ("message", "")],
            )
            .await;
        assert_eq!(r.status(), reqwest::StatusCode::SEE_OTHER);
        for (path, fields) in [
            (
                "/teach/offerings",
                vec![
                    ("language", "es".to_owned()),
                    ("duration", "60".to_owned()),
                    ("price", "20.00".to_owned()),
                    ("levels", "A1".to_owned()),
                    ("levels", "B1".to_owned()),
                    ("discount_5", "5".to_owned()),
                ],
            ),
            ("/teach/trial", vec![("trial_price", "5.00".to_owned())]),
            (
                "/teach/availability",
                vec![
                    ("day", "2".to_owned()),
                    ("start", "18:00".to_owned()),
                    ("end", "21:00".to_owned()),
                ],
            ),
            (
                "/teach/availability/override",
                vec![
                    ("day", self.day_abroad().to_string()),
                    ("zone", "Asia/Tokyo".to_owned()),
                    ("start", "09:00".to_owned()),
                    ("end", "11:00".to_owned()),
                ],
            ),
        ] {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let r = b.post_form(path, &fields).await;
            assert_eq!(
                r.status(),
                reqwest::StatusCode::OK,
                "{path}: {}",
                r.text().await.unwrap()
            );
        }
        self.svc.is_teacher(id).await.unwrap()
    }

    /// Gives a teacher (`b`, `id`) rows in every lesson and money table,
    /// with a partner teacher: card payments and a refund, a coupon, a
    /// lesson each way (completed and reviewed, with a reply), another
    /// booked with a new time proposed, a package each way, a payout paid
    /// by finance, and a calendar feed. Moves the clock past the lessons
    /// and signs the member in again. Returns the partner.
    pub async fn lessons_everywhere(&self, b: &Browser, id: Uuid, email: &str, reviewer: &Browser) -> Uuid {
        use crate::lessons::key;
        let partner_email = format!("partner.{email}");
        // Teachers' names must not pass for each other's: each partner's
        // is their own.
        let partner_name = format!("Partner {}", email.split('@').next().unwrap_or_default());
        let p = self.member(&partner_email, &partner_name).await;
        let partner = self.account_id(&partner_email).await;
        self.upload_avatar(&p).await;
        assert!(self.approved_teacher(&p, partner, reviewer).await);
        for who in [b, &p] {
            self.top_up(who, "200.00").await;
        }
        // A refund of some credit to the card.
        let payment = self
            .scalar_uuid("SELECT id FROM payments WHERE account_id = $1", id)
            .await;
        let r = b
            .post_form(
                &format!("/wallet/payments/{payment}/refund"),
                &[("amount", "5.00"), ("idempotency_key", &key())],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
        // Finance staff create a coupon; the member adds it.
        let finance = self.staff(&format!("fin.{email}"), StaffRole::Finance).await;
        let code = format!("W{}", &id.simple().to_string()[..10]).to_uppercase();
        let until = self
            .svc
            .clock
            .today_utc()
            .checked_add(jiff::Span::new().days(60))
            .unwrap()
            .to_string();
        let r = finance
            .post_form(
                "/staff/coupons",
                &[
                    ("code", &code),
                    ("kind", "percent"),
                    ("value", "10"),
                    ("expires_on", &until),
                    ("per_member_limit", "1"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let r = b.post_form("/wallet/coupons", &[("code", &code)]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
        // A lesson each way, and one more to move.
        let slots = self.open_slots(partner, 60, 28).await;
        let mine = self.open_slots(id, 60, 14).await;
        let first = self
            .book_at(
                b,
                partner,
                slots[0],
                &[("coupon", &code), ("note", "Subjunctive, please")],
            )
            .await;
        assert_eq!(first.status(), StatusCode::SEE_OTHER, "{}", first.text().await.unwrap());
        let first = crate::lessons::location_id(&first);
        // A lesson to move, at least five days on, and a free time two hours
        // after it to move it to (whatever weekday the suite runs on).
        let (later, moved) = slots
            .iter()
            .filter(|s| s.as_second() > slots[0].as_second() + 5 * 86_400)
            .find_map(|l| {
                let to = slots.iter().find(|m| m.as_second() >= l.as_second() + 2 * 3600)?;
                Some((*l, *to))
            })
            .unwrap_or_else(|| panic!("two free times five days on in {slots:?}"));
        let second = self.book(b, partner, later).await;
        let given = self.book(&p, id, mine[1]).await;
        self.step_ok(&p, first, "confirm").await;
        self.step_ok(&p, second, "confirm").await;
        self.step_ok(b, given, "confirm").await;
        let moved = moved
            .to_zoned(jiff::tz::TimeZone::UTC)
            .strftime("%Y-%m-%dT%H:%M")
            .to_string();
        let r = b
            .post_form(&format!("/lessons/{second}/propose"), &[("starts_at", &moved)])
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
        // Packages both ways.
        for (buyer, teacher) in [(b, partner), (&p, id)] {
            let offering = self.offering_of(teacher).await.to_string();
            let r = buyer
                .post_form(
                    "/packages",
                    &[("offering", &offering), ("lessons", "5"), ("idempotency_key", &key())],
                )
                .await;
            assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
        }
        b.post_form("/settings/calendar", &[]).await;
        // Past both lessons: they end, are confirmed, reviewed and replied to.
        let end = |t: jiff::Timestamp| t.as_second() + 3600;
        let past = end(slots[0]).max(end(mine[1])) - self.svc.clock.now().as_second() + 60;
        self.advance(std::time::Duration::from_secs(u64::try_from(past).unwrap()));
        self.svc.run_lesson_timers().await.expect("timers");
        self.step_ok(b, first, "confirm_completion").await;
        self.step_ok(&p, given, "confirm_completion").await;
        for (who, lesson) in [(b, first), (&p, given)] {
            let r = who
                .post_form(
                    &format!("/lessons/{lesson}/review"),
                    &[("rating", "5"), ("body", "Clear and kind")],
                )
                .await;
            assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
        }
        let review = self
            .scalar_uuid("SELECT id FROM reviews WHERE teacher_id = $1", id)
            .await;
        b.login(email, crate::STRONG_PASSWORD).await;
        let r = b
            .post_form(&format!("/reviews/{review}/reply"), &[("reply", "Thank you!")])
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        // The member's earnings, paid out through finance.
        let r = b
            .post_form(
                "/earnings/payout-account",
                &[
                    ("method", "bank"),
                    ("holder", "Ada María López"),
                    ("iban", "ES91 2100 0418 4502 0005 1332"),
                    ("bic", ""),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
        let r = b
            .post_form("/earnings/payouts", &[("amount", "10.00"), ("idempotency_key", &key())])
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
        let payout = self
            .scalar_uuid("SELECT id FROM payouts WHERE teacher_id = $1", id)
            .await;
        finance.login(&format!("fin.{email}"), crate::STRONG_PASSWORD).await;
        for (step, text) in [("approve", ""), ("paid", "BANK-REF-1")] {
            let r = finance
                .post_form(&format!("/staff/payouts/{payout}/{step}"), &[("text", text)])
                .await;
            assert_eq!(r.status(), StatusCode::SEE_OTHER, "{step}");
        }
        partner
    }

    /// The one UUID a query binding `id` returns.
    pub async fn scalar_uuid(&self, sql: &str, id: Uuid) -> Uuid {
        let sql = sqlx::AssertSqlSafe(sql.to_owned());
        crate::on_db!(&self.svc.db, p => sqlx::query_scalar(sql).bind(id).fetch_one(p).await.expect("one row"))
    }

    /// The one integer a query binding `id` returns.
    pub async fn scalar_i64(&self, sql: &str, id: Uuid) -> i64 {
        let sql = sqlx::AssertSqlSafe(sql.to_owned());
        crate::on_db!(&self.svc.db, p => sqlx::query_scalar(sql).bind(id).fetch_one(p).await.expect("one row"))
    }

    /// Runs a statement binding `ids` in order; returns rows affected.
    pub async fn execute(&self, sql: &str, ids: &[Uuid]) -> u64 {
        let sql = sqlx::AssertSqlSafe(sql.to_owned());
        crate::on_db!(&self.svc.db, p => {
            let mut q = sqlx::query(sql);
            for id in ids {
                q = q.bind(*id);
            }
            q.execute(p).await.expect("statement").rows_affected()
        })
    }

    /// Puts a unique marker into every text column of every row the map
    /// links to `who` — exportable ones, and secrets too with `secrets` —
    /// skipping rows also linked to `exclude`. Where a table names people
    /// in several columns (a review's teacher and author), each link gets
    /// markers of its own, since erasure treats them differently. Email
    /// columns get an email-shaped marker, so mail to it can still be sent.
    /// Markers are bound, never spliced into SQL, so statement logs cannot
    /// hold them.
    pub async fn mark(&self, who: Uuid, tag: &str, exclude: Option<Uuid>, secrets: bool) -> Vec<Marker> {
        let schema = koine_store::schema::read(&self.svc.db).await.expect("live schema");
        let mut markers = Vec::new();
        for t in tables().filter(|t| !t.subjects.is_empty()) {
            let about = |n: usize| {
                t.subjects
                    .iter()
                    .map(|s| format!("{s} = ${n}"))
                    .collect::<Vec<_>>()
                    .join(" OR ")
            };
            // (the link's name in the marker, the rows it covers, the link)
            let links: Vec<(String, String, Vec<&'static str>)> = if t.subjects.len() == 1 {
                vec![(String::new(), about(2), t.subjects.to_vec())]
            } else {
                t.subjects
                    .iter()
                    .map(|s| {
                        let others: Vec<String> = t
                            .subjects
                            .iter()
                            .filter(|o| *o != s)
                            .map(|o| format!("{o} = $2"))
                            .collect();
                        (
                            format!("x{s}"),
                            format!("{s} = $2 AND NOT ({})", others.join(" OR ")),
                            vec![*s],
                        )
                    })
                    .collect()
            };
            for c in t
                .columns
                .iter()
                .filter(|c| (c.export || secrets) && !c.choice && !t.subjects.contains(&c.column))
            {
                if schema[t.table][c.column].class != "text" {
                    continue;
                }
                for (link, rows, via) in &links {
                    // A terminator keeps one marker from being a prefix of another.
                    let mut text = format!("mk{tag}x{}x{}{link}q", t.table, c.column).replace('_', "");
                    if c.category == "user.contact.email" {
                        text.push_str("@example.org");
                    }
                    let mut scope = format!("({rows})");
                    if exclude.is_some() {
                        scope.push_str(&format!(" AND NOT ({})", about(3)));
                    }
                    let sql = sqlx::AssertSqlSafe(format!("UPDATE {} SET {} = $1 WHERE {scope}", t.table, c.column));
                    let n = crate::on_db!(&self.svc.db, p => {
                        let q = sqlx::query(sql).bind(&text).bind(who);
                        let q = if let Some(x) = exclude { q.bind(x) } else { q };
                        q.execute(p).await.map(|r| r.rows_affected())
                    });
                    let n = match n {
                        Ok(n) => n,
                        // A column unique across rows (an invoice number):
                        // each row gets the marker with a number of its own.
                        Err(e) if e.as_database_error().is_some_and(|d| d.is_unique_violation()) => {
                            self.mark_rows(t.table, c.column, &scope, &text, who, exclude).await
                        }
                        Err(e) => panic!("marking {}.{}: {e}", t.table, c.column),
                    };
                    if n > 0 {
                        let text = text.split('@').next().unwrap_or_default().to_owned();
                        let mut linked = Vec::new();
                        for s in via {
                            if self.rows_about(t.table, s, who).await > 0 {
                                linked.push(*s);
                            }
                        }
                        markers.push(Marker {
                            text,
                            table: t,
                            column: c.column,
                            via: linked,
                        });
                    }
                }
            }
        }
        markers
    }

    /// Marks rows one by one, the second and later with a numbered marker
    /// (`<marker>-1`, before any `@`). SQLite's `rowid` and PostgreSQL's
    /// `ctid` tell the rows apart.
    #[allow(clippy::too_many_arguments)]
    async fn mark_rows(
        &self,
        table: &str,
        column: &str,
        scope: &str,
        text: &str,
        who: Uuid,
        exclude: Option<Uuid>,
    ) -> u64 {
        let numbered = |n: usize| match (n, text.split_once('@')) {
            (0, _) => text.to_owned(),
            (n, Some((local, domain))) => format!("{local}-{n}@{domain}"),
            (n, None) => format!("{text}-{n}"),
        };
        // The scope binds the person as $2 (and who to leave out as $3).
        let scope = scope.replace("$2", "$1").replace("$3", "$2");
        let mut marked = 0;
        // Each row gets its own marker, found by the backend's row address
        // (SQLite's rowid, PostgreSQL's ctid): tables differ in their keys.
        let (address, by_address) = match &self.svc.db {
            koine_store::Db::Sqlite(_) => ("CAST(rowid AS TEXT)", "rowid = CAST($2 AS INTEGER)"),
            koine_store::Db::Postgres(_) => ("ctid::text", "ctid = $2::tid"),
        };
        let sql = sqlx::AssertSqlSafe(format!("SELECT {address} FROM {table} WHERE {scope}"));
        let rows = crate::on_db!(&self.svc.db, p => {
            let q = sqlx::query_scalar::<_, String>(sql).bind(who);
            let q = if let Some(x) = exclude { q.bind(x) } else { q };
            q.fetch_all(p).await
        })
        .expect("rows");
        for (n, row) in rows.into_iter().enumerate() {
            let sql = sqlx::AssertSqlSafe(format!("UPDATE {table} SET {column} = $1 WHERE {by_address}"));
            marked += crate::on_db!(&self.svc.db, p => {
                sqlx::query(sql).bind(numbered(n)).bind(&row).execute(p).await.map(|r| r.rows_affected())
            })
            .expect("marking");
        }
        marked
    }

    /// Rows of `table` whose `column` is `id`.
    pub async fn rows_about(&self, table: &str, column: &str, id: Uuid) -> i64 {
        let sql = sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table} WHERE {column} = $1"));
        crate::on_db!(&self.svc.db, p => sqlx::query_scalar(sql).bind(id).fetch_one(p).await.unwrap())
    }

    /// The id of the legal hold placed on `account` (the first, if several).
    pub async fn hold_on(&self, account: Uuid) -> Uuid {
        let sql = "SELECT id FROM legal_holds WHERE account_id = $1 ORDER BY placed_at";
        crate::on_db!(&self.svc.db, p => sqlx::query_scalar(sql).bind(account).fetch_one(p).await.unwrap())
    }

    /// A conversation between the member and their partner, each writing,
    /// the member's messaging preferences, a report each way (trust and
    /// safety, `trust_safety`, stop the member messaging), and a block each way.
    pub async fn conversation_everywhere(&self, id: Uuid, partner: Uuid, trust_safety: Uuid) {
        use koine_domain::messaging::{BlockReason, EmailNotices, MessageText, ReportOutcome, ReportReason};
        use koine_services::idempotency::IdempotencyKey;
        use koine_services::messaging::MessagingPreferences;
        use koine_services::reports::Reported;
        let (me, them) = (self.principal(id), self.principal(partner));
        let c = self.svc.start_conversation(&me, partner).await.expect("a conversation");
        for (who, text) in [(&me, "Hola, ¿qué tal?"), (&them, "Muy bien, gracias")] {
            let text = MessageText::parse(text).unwrap();
            self.svc
                .send_message(who, c, &text, &[], &IdempotencyKey::fresh())
                .await
                .expect("sent");
        }
        // Files each way (the two have had lessons): a document and a picture.
        for (who, name, bytes) in [
            (&me, "notes.pdf", tiny_pdf("Lesson notes")),
            (&them, "board.png", tiny_png()),
        ] {
            let files = [koine_services::attachments::Upload {
                name: name.into(),
                bytes,
            }];
            let text = MessageText::parse_beside_files("", files.len()).unwrap();
            self.svc
                .send_message(who, c, &text, &files, &IdempotencyKey::fresh())
                .await
                .expect("sent with a file");
        }
        let prefs = MessagingPreferences {
            read_receipts: true,
            typing_indicators: false,
            email: EmailNotices::Digest,
            away_message: Some("Back on Monday".into()),
        };
        self.svc.set_messaging_preferences(&me, prefs).await.unwrap();
        self.svc.set_hide_ip(&me, true).await.unwrap();
        // A stay in one of their lessons' classroom.
        let sql = "SELECT id FROM lessons WHERE learner_id = $1 OR teacher_id = $1 ORDER BY starts_at LIMIT 1";
        let lesson: Uuid =
            crate::on_db!(&self.svc.db, p => sqlx::query_scalar(sql).bind(id).fetch_one(p).await.unwrap());
        let mut conn = self.svc.db.acquire().await.unwrap();
        let now = self.svc.clock.now_us();
        koine_store::repo::classroom::join(conn.conn(), lesson, id, now)
            .await
            .unwrap();
        // And the lesson's shared notes, written by the member: their copy
        // and the partner's.
        let notes = "Vocabulario: el aeropuerto";
        koine_store::repo::classroom::save_notes(conn.conn(), lesson, id, 0, notes, id, now)
            .await
            .unwrap();
        koine_store::repo::classroom::copy_notes(conn.conn(), lesson, partner, 1, notes, id, now)
            .await
            .unwrap();
        drop(conn);
        // Each reports the other's message; trust and safety stop the
        // member messaging over the partner's report.
        let report = self
            .svc
            .report(
                &them,
                Reported::Conversation(c),
                ReportReason::Spam,
                "Sends the same text again and again",
            )
            .await
            .unwrap();
        self.svc
            .report(
                &me,
                Reported::Conversation(c),
                ReportReason::Other,
                "A misunderstanding, I think",
            )
            .await
            .unwrap();
        let staff = koine_services::accounts::Principal {
            staff_role: Some(StaffRole::TrustSafety),
            ..self.principal(trust_safety)
        };
        self.svc
            .decide_report(&staff, report, ReportOutcome::Restricted, "repeated unwanted messages")
            .await
            .unwrap();
        self.svc.block_member(&me, partner, BlockReason::Other).await.unwrap();
        self.svc.block_member(&them, id, BlockReason::Scam).await.unwrap();
    }

    /// Signs up `email` and gives them data in every kind of table: a phone
    /// change code, profile languages, an avatar, a second session, staff
    /// access with a reason, a consent, a lifted legal hold, a lifted
    /// restriction of processing, a privacy request
    /// (extended by the officer), a breach notice, a guardian's confirmation,
    /// a disclosure to an authority, security events, lessons, money, a
    /// conversation and blocks, and an export.
    /// Staff emails are derived from `email`, so two can coexist.
    pub async fn member_everywhere(&self, email: &str, name: &str) -> Everywhere {
        let b = self.member(email, name).await;
        let id = self.account_id(email).await;
        b.post_form("/settings/phone", &[("phone", "+34611223344")]).await;
        b.post_form(
            "/settings/profile",
            &[
                ("display_name", name),
                ("time_zone", "UTC"),
                ("ui_locale", "en"),
                ("birth_date_visibility", "private"),
                ("gender_visibility", "private"),
                ("location_visibility", "private"),
                ("lang_0", "fr"),
                ("level_0", "B1"),
            ],
        )
        .await;
        self.upload_avatar(&b).await;
        let other_session = self.browser();
        other_session.login(email, crate::STRONG_PASSWORD).await;
        let support_email = format!("support.{email}");
        let staff = self.staff(&support_email, StaffRole::Support).await;
        staff
            .post_form(&format!("/staff/members/{id}"), &[("reason", "ticket 9")])
            .await;
        b.post_form("/settings/privacy", &[("marketing_email", "on")]).await;
        // A legal hold, since lifted: its record stays.
        let officer_email = format!("dpo.{email}");
        let officer_browser = self.staff(&officer_email, StaffRole::PrivacyOfficer).await;
        officer_browser
            .post_form(&format!("/staff/members/{id}/holds"), &[("reason", "dispute 4")])
            .await;
        let hold = self.hold_on(id).await;
        let r = officer_browser
            .post_form(
                &format!("/staff/members/{id}/holds/{hold}/lift"),
                &[("reason", "settled")],
            )
            .await;
        assert_eq!(r.status(), reqwest::StatusCode::OK);
        b.post_form("/settings/privacy/restrict", &[("reason", "contesting accuracy")])
            .await;
        b.post_form("/settings/privacy/restrict/lift", &[]).await;
        // A request through the public form, confirmed and extended by the officer.
        b.post_form(
            "/privacy/request",
            &[
                ("kind", "access"),
                ("regime", "gdpr"),
                ("relation", "self"),
                ("name", name),
                ("email", email),
            ],
        )
        .await;
        let link = crate::link_in(&self.last_mail_to(email).await, "/privacy/requests/verify");
        let token = link.split("token=").nth(1).expect("a token").to_owned();
        b.post_form("/privacy/requests/verify", &[("token", &token)]).await;
        let request: Uuid = crate::on_db!(&self.svc.db, p => sqlx::query_scalar("SELECT id FROM privacy_requests WHERE account_id = $1") .bind(id) .fetch_one(p) .await .unwrap());
        officer_browser
            .post_form(&format!("/staff/requests/{request}/extend"), &[("reason", "complex")])
            .await;
        // A breach affecting email addresses, told to everyone affected.
        let discovered = self
            .svc
            .clock
            .now()
            .to_zoned(jiff::tz::TimeZone::UTC)
            .strftime("%Y-%m-%dT%H:%M")
            .to_string();
        let r = officer_browser
            .post_form(
                "/staff/breaches",
                &[
                    ("title", "Lost backup"),
                    ("description", "A backup disk was lost."),
                    ("discovered_at", &discovered),
                    ("category", "user.contact.email"),
                ],
            )
            .await;
        let breach = r.headers()["location"].to_str().unwrap().to_owned();
        officer_browser.post_form(&format!("{breach}/notify"), &[]).await;
        // A guardian's confirmation, as a minor would have (this member is an
        // adult, so the row is written directly).
        self.execute(
            &format!(
                "INSERT INTO guardian_consents (id, account_id, guardian_email, requested_at, confirmed_at) \
                 VALUES ($1, $2, 'guardian.{email}', 0, 0)"
            ),
            &[Uuid::now_v7(), id],
        )
        .await;
        // A disclosure of their data to an authority, recorded by the officer.
        let today = self
            .svc
            .clock
            .now()
            .to_zoned(jiff::tz::TimeZone::UTC)
            .date()
            .to_string();
        let r = officer_browser
            .post_form(
                &format!("/staff/members/{id}/disclosures"),
                &[
                    ("recipient_kind", "authority"),
                    ("recipient", "Court of Lyon"),
                    ("category", "user.contact.email"),
                    ("reason", "order 7"),
                    ("disclosed_on", &today),
                ],
            )
            .await;
        assert_eq!(r.status(), reqwest::StatusCode::OK);
        // A teacher: applied with documents and a video, approved as a
        // professional, with a lesson, a package, a trial and availability.
        let reviewer_email = format!("ts.{email}");
        let reviewer = self.staff(&reviewer_email, StaffRole::TrustSafety).await;
        let teacher = self.approved_teacher(&b, id, &reviewer).await;
        assert!(teacher, "the member became a teacher");
        let partner = self.lessons_everywhere(&b, id, email, &reviewer).await;
        self.conversation_everywhere(id, partner, self.account_id(&reviewer_email).await)
            .await;
        b.post_form("/settings/data/export", &[]).await;
        self.svc.build_pending_exports().await.expect("export built");
        Everywhere {
            browser: b,
            id,
            other_session,
            support: self.account_id(&support_email).await,
            officer: self.account_id(&officer_email).await,
            officer_browser,
            partner,
        }
    }
}
