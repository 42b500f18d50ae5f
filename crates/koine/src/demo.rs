//! Demo data for `serve --demo` and `seed-demo`: a few learners, teachers
//! (as members; the teacher role arrives with the teaching feature) and an admin.

use koine_domain::contact::Email;
use koine_domain::password::NewPassword;
use koine_domain::profile::{DisplayName, UiLocale};
use koine_domain::staff::StaffRole;
use koine_services::Services;
use koine_services::accounts::SignUp;

/// Printed at start-up; demo data is for trying Koine locally, never for production.
pub const PASSWORD: &str = "koine-demo-river-lantern";

pub struct DemoLogin {
    pub who: &'static str,
    pub email: &'static str,
}

const MEMBERS: &[(&str, &str, &str, UiLocale)] = &[
    ("Ana García", "ana@demo.koine.test", "1994-03-12", UiLocale::Es),
    ("Kenji Sato", "kenji@demo.koine.test", "1988-11-02", UiLocale::Ja),
    ("Li Wei", "liwei@demo.koine.test", "2001-07-21", UiLocale::ZhCn),
    (
        "María López (teacher)",
        "maria@demo.koine.test",
        "1985-05-30",
        UiLocale::Es,
    ),
    (
        "Yuki Tanaka (teacher)",
        "yuki@demo.koine.test",
        "1990-01-15",
        UiLocale::Ja,
    ),
];

pub async fn seed(svc: &Services) -> Result<Vec<DemoLogin>, koine_services::Error> {
    let mut logins = Vec::new();
    for (name, email, birth, locale) in MEMBERS {
        let e = Email::parse(email)?;
        if svc.account_id_by_email(&e).await?.is_none() {
            let input = SignUp {
                email: Some(e.clone()),
                phone: None,
                password: NewPassword::parse(PASSWORD, &[])?,
                birth_date: birth.parse().map_err(koine_services::Error::internal)?,
                display_name: DisplayName::parse(name)?,
                locale: *locale,
                time_zone: "UTC".into(),
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
