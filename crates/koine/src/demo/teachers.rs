//! Making a demo teacher the way a real one is made: apply, be approved by
//! the demo admin, fill in the homepage, offer a lesson, open the week.

use super::cast::Teacher;
use super::principal;
use koine_domain::staff::StaffRole;
use koine_domain::teaching::Tier;
use koine_services::Services;
use koine_services::teaching::applications::{ApplicationInput, Decision};
use koine_services::teaching::availability::{RuleInput, parse_weekly};
use koine_services::teaching::homepage::HomepageUpdate;
use koine_services::teaching::offerings::{NewOffering, OfferingInput};
use uuid::Uuid;

/// A plain square picture, so demo teachers have the photo applying needs.
fn picture(rgb: [u8; 3]) -> Vec<u8> {
    let mut png = Vec::new();
    let img = image::RgbImage::from_pixel(96, 96, image::Rgb(rgb));
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("a PNG encodes");
    png
}

/// Makes `id` the teacher `t` describes, unless they are one already.
pub async fn make(svc: &Services, admin: Uuid, id: Uuid, t: &Teacher) -> Result<(), koine_services::Error> {
    if svc.is_teacher(id).await? {
        return Ok(());
    }
    let now = svc.clock.now_us();
    let me = principal(id, None, now);
    let form = ApplicationInput {
        real_name: t.person.name.into(),
        country: t.country.into(),
        languages: vec![(t.language.into(), "native".into())],
        introduction: t.introduction.into(),
        id_document: Some(b"%PDF-1.4\n% demo identity document\n%%EOF\n".to_vec()),
        photo: Some(picture(t.colour)),
        ..ApplicationInput::default()
    };
    let application = svc.apply_to_teach(&me, form).await?;
    svc.review_application(
        &principal(admin, Some(StaffRole::Admin), now),
        application,
        Decision::Approve(Tier::Community),
    )
    .await?;
    let (mut page, _) = svc.own_homepage(&me).await?;
    page.headline = t.headline.into();
    page.country_visibility = "public".into();
    svc.update_homepage(&me, HomepageUpdate::parse(&page)?).await?;
    let offer = OfferingInput {
        language: t.language.into(),
        levels: ["A1", "A2", "B1", "B2", "C1"].map(String::from).to_vec(),
        duration: "60".into(),
        price: t.price.into(),
        discounts: vec![(10, "10".into())],
        status: "active".into(),
    };
    svc.save_offering(&me, None, NewOffering::parse(&offer)?).await?;
    let rules: Vec<RuleInput> = t
        .windows
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
