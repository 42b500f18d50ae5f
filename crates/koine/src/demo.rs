//! Demo data for `serve --demo` and `seed-demo`: a few learners, two
//! approved teachers with lessons and weekly availability, and staff.

use koine_domain::contact::Email;
use koine_domain::password::NewPassword;
use koine_domain::profile::{DisplayName, UiLocale};
use koine_domain::staff::StaffRole;
use koine_domain::teaching::Tier;
use koine_services::Services;
use koine_services::accounts::{Principal, SignUp};
use koine_services::teaching::applications::{ApplicationInput, Decision};
use koine_services::teaching::availability::{RuleInput, parse_weekly};
use koine_services::teaching::offerings::{NewOffering, OfferingInput};

/// Printed at start-up; demo data is for trying Koine locally, never for production.
pub const PASSWORD: &str = "koine-demo-river-lantern";

pub struct DemoLogin {
    pub who: &'static str,
    pub email: &'static str,
}

const MEMBERS: &[(&str, &str, &str, UiLocale, &str)] = &[
    (
        "Ana García",
        "ana@demo.koine.test",
        "1994-03-12",
        UiLocale::Es,
        "Europe/Madrid",
    ),
    (
        "Kenji Sato",
        "kenji@demo.koine.test",
        "1988-11-02",
        UiLocale::Ja,
        "Asia/Tokyo",
    ),
    (
        "Li Wei",
        "liwei@demo.koine.test",
        "2001-07-21",
        UiLocale::ZhCn,
        "Asia/Shanghai",
    ),
    (
        "María López",
        "maria@demo.koine.test",
        "1985-05-30",
        UiLocale::Es,
        "Europe/Madrid",
    ),
    (
        "Yuki Tanaka",
        "yuki@demo.koine.test",
        "1990-01-15",
        UiLocale::Ja,
        "Asia/Tokyo",
    ),
];

/// A demo teacher: email, language, introduction, price, weekly windows
/// (weekday 1–7, from, until) in their own zone.
type DemoTeacher = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [Window],
);
type Window = (&'static str, &'static str, &'static str);

const TEACHERS: &[DemoTeacher] = &[
    (
        "maria@demo.koine.test",
        "es",
        "Profesora de español desde hace quince años: gramática clara, conversación y preparación del DELE.",
        "19.00",
        &[
            ("1", "17:00", "21:00"),
            ("2", "17:00", "21:00"),
            ("4", "09:00", "13:00"),
        ],
    ),
    (
        "yuki@demo.koine.test",
        "ja",
        "日本語を教えて十年になります。初心者の会話から JLPT 対策、ビジネス日本語まで、一人ひとりに合わせて丁寧に教えます。",
        "22.00",
        &[
            ("2", "19:00", "22:00"),
            ("3", "19:00", "22:00"),
            ("6", "10:00", "14:00"),
        ],
    ),
];

pub async fn seed(svc: &Services) -> Result<Vec<DemoLogin>, koine_services::Error> {
    let mut logins = Vec::new();
    for (name, email, birth, locale, zone) in MEMBERS {
        let e = Email::parse(email)?;
        if svc.account_id_by_email(&e).await?.is_none() {
            let input = SignUp {
                email: Some(e.clone()),
                phone: None,
                password: NewPassword::parse(PASSWORD, &[])?,
                birth_date: birth.parse().map_err(koine_services::Error::internal)?,
                display_name: DisplayName::parse(name)?,
                locale: *locale,
                time_zone: (*zone).into(),
                marketing_email: false,
            };
            svc.sign_up(input, "demo-seed").await?;
            if let Some(id) = svc.account_id_by_email(&e).await? {
                koine_services::accounts::mark_demo_verified(svc, id, e.as_str()).await?;
            }
        }
        logins.push(DemoLogin { who: name, email });
    }
    let admin = Email::parse("admin@demo.koine.test")?;
    svc.create_staff(
        &admin,
        StaffRole::Admin,
        NewPassword::parse(PASSWORD, &[])?,
        &DisplayName::parse("Demo Admin")?,
    )
    .await?;
    let officer = Email::parse("privacy@demo.koine.test")?;
    svc.create_staff(
        &officer,
        StaffRole::PrivacyOfficer,
        NewPassword::parse(PASSWORD, &[])?,
        &DisplayName::parse("Demo Privacy Officer")?,
    )
    .await?;
    let admin_id = svc
        .account_id_by_email(&admin)
        .await?
        .ok_or(koine_services::Error::NotFound)?;
    for t in TEACHERS {
        make_teacher(svc, admin_id, t).await?;
    }
    seed_conversation(svc).await?;
    for l in logins.iter_mut().filter(|l| TEACHERS.iter().any(|t| t.0 == l.email)) {
        l.who = match l.email {
            "maria@demo.koine.test" => "María López (teacher)",
            _ => "Yuki Tanaka (teacher)",
        };
    }
    logins.push(DemoLogin {
        who: "Demo Admin (staff: admin)",
        email: "admin@demo.koine.test",
    });
    logins.push(DemoLogin {
        who: "Demo Privacy Officer (staff: privacy_officer)",
        email: "privacy@demo.koine.test",
    });
    Ok(logins)
}

/// Ana asks María about lessons (once: a conversation that exists stays).
async fn seed_conversation(svc: &Services) -> Result<(), koine_services::Error> {
    use koine_domain::messaging::MessageText;
    use koine_services::idempotency::IdempotencyKey;
    let id = |email: &str| {
        let email = Email::parse(email);
        async move {
            svc.account_id_by_email(&email?)
                .await?
                .ok_or(koine_services::Error::NotFound)
        }
    };
    let now = svc.clock.now_us();
    let ana = principal(id("ana@demo.koine.test").await?, None, now);
    let maria = principal(id("maria@demo.koine.test").await?, None, now);
    let c = svc.start_conversation(&ana, maria.account_id).await?;
    if svc.conversation(&ana, c).await?.last_seq > 0 {
        return Ok(());
    }
    for (who, text) in [
        (
            &ana,
            "¡Hola María! I'd like to practise Spanish for a trip to Mexico in March. Do you do conversation lessons?",
        ),
        (
            &maria,
            "¡Hola Ana! Sí, claro. We can focus on travel situations: ordering food, directions, small talk. Book a trial and we'll plan it together.",
        ),
        (&ana, "Perfect, I'll book the trial for Tuesday evening."),
    ] {
        svc.send_message(who, c, &MessageText::parse(text)?, &[], &IdempotencyKey::fresh())
            .await?;
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

/// A plain square picture, so demo teachers have the photo applying needs.
fn picture(rgb: [u8; 3]) -> Vec<u8> {
    let mut png = Vec::new();
    let img = image::RgbImage::from_pixel(96, 96, image::Rgb(rgb));
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("a PNG encodes");
    png
}

/// Applies, is approved by the demo admin, offers a lesson and sets weekly
/// availability — through the same services the pages use.
async fn make_teacher(
    svc: &Services,
    admin: uuid::Uuid,
    (email, language, intro, price, windows): &DemoTeacher,
) -> Result<(), koine_services::Error> {
    let Some(id) = svc.account_id_by_email(&Email::parse(email)?).await? else {
        return Ok(());
    };
    if svc.is_teacher(id).await? {
        return Ok(());
    }
    let now = svc.clock.now_us();
    let me = principal(id, None, now);
    let form = ApplicationInput {
        real_name: "Demo Teacher".into(),
        country: if *language == "es" { "ES" } else { "JP" }.into(),
        languages: vec![((*language).into(), "native".into())],
        introduction: (*intro).into(),
        id_document: Some(b"%PDF-1.4\n% demo identity document\n%%EOF\n".to_vec()),
        photo: Some(picture(if *language == "es" {
            [196, 90, 60]
        } else {
            [60, 110, 190]
        })),
        ..ApplicationInput::default()
    };
    let application = svc.apply_to_teach(&me, form).await?;
    svc.review_application(
        &principal(admin, Some(StaffRole::Admin), now),
        application,
        Decision::Approve(Tier::Community),
    )
    .await?;
    let offer = OfferingInput {
        language: (*language).into(),
        levels: ["A1", "A2", "B1", "B2", "C1"].map(String::from).to_vec(),
        duration: "60".into(),
        price: (*price).into(),
        discounts: vec![(10, "10".into())],
        status: "active".into(),
    };
    svc.save_offering(&me, None, NewOffering::parse(&offer)?).await?;
    let rules: Vec<RuleInput> = windows
        .iter()
        .map(|(d, a, b)| RuleInput {
            weekday: (*d).into(),
            start: (*a).into(),
            end: (*b).into(),
        })
        .collect();
    svc.set_weekly_availability(&me, &parse_weekly(&rules)?).await?;
    svc.set_trial_price(&me, "8.00").await
}
