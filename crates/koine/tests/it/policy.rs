//! Policy versions: a changed data map or controller configuration is a new
//! version with its date; old versions stay viewable; members are told once.

use koine_domain::consent::ConsentSource;
use koine_services::policy::Processor;
use koine_testkit::{TestApp, both_backends};
use reqwest::StatusCode;

both_backends!(
    a_configuration_change_is_a_new_version_members_are_told_of,
    consent_is_asked_again_when_recipients_change,
    records_of_processing_come_from_the_map
);

async fn a_configuration_change_is_a_new_version_members_are_told_of(app: TestApp) {
    app.member("reader@example.org", "Reader").await;
    let (status, page) = app.browser().get_text("/privacy").await;
    assert_eq!(status, StatusCode::OK);
    for text in [
        "The operator of this Koine site",
        "dpo@koine.localhost",
        "Who processes data for us",
        "Your rights and how to use them",
        "Koine may be used from the age of 16",
        "Before you choose, we set only cookies strictly needed",
        // How browser signals are treated, from the purposes they refuse.
        "Global Privacy Control and Do Not Track",
        "we treat it as your refusal of: Sale or sharing of my data with third parties; Personalised teacher \
         recommendations.",
        "If your browser sends Do Not Track, we treat it as your refusal of: Anonymous usage analytics.",
        // Every purpose asked consent for, with its basis and what it uses.
        "What we do only with your consent",
        "This is the first published version of this notice.",
    ] {
        assert!(page.contains(text), "{text} missing from the notice");
    }
    let consent = page
        .split("id=\"consent\"")
        .nth(1)
        .unwrap()
        .split("</section>")
        .next()
        .unwrap();
    for p in koine_domain::consent::ConsentPurpose::ALL {
        let name = koine_services::i18n::t(koine_domain::profile::UiLocale::En, &format!("consent-{}", p.as_str()));
        assert!(consent.contains(&name), "{name} missing from {consent}");
    }
    assert!(
        consent.contains(
            "Personalised teacher recommendations</td><td>Your consent (GDPR Art. 6(1)(a))</td><td>Languages and levels"
        ),
        "{consent}"
    );
    let first = app.svc.policy_versions().await.unwrap();
    assert_eq!(first.len(), 1);
    assert_eq!(
        app.svc.notify_policy_change().await.unwrap(),
        0,
        "nobody is told of the first version"
    );

    // The operator names a processor and restarts: a new version.
    app.advance(std::time::Duration::from_secs(86_400));
    let mut cfg = app.config.clone();
    cfg.privacy.name = "Lingua Ltd".into();
    cfg.privacy.processors.push(Processor {
        name: "PostBox Mail".into(),
        purpose: "Sending email".into(),
        location: "United States".into(),
        transfer_mechanism: "Standard contractual clauses".into(),
    });
    let restarted = koine::services(&cfg, app.clock.clone()).await.unwrap();
    let versions = restarted.policy_versions().await.unwrap();
    assert_eq!(versions.len(), 2);
    assert_ne!(versions[0].version, versions[1].version);
    assert!(versions[0].published_at > versions[1].published_at);
    assert_eq!(restarted.notify_policy_change().await.unwrap(), 1, "the member is told");
    assert_eq!(restarted.notify_policy_change().await.unwrap(), 0, "once");
    assert!(
        app.last_mail_to("reader@example.org")
            .await
            .contains("Our privacy notice has changed")
    );
    // Starting again unchanged publishes nothing new.
    let again = koine::services(&cfg, app.clock.clone()).await.unwrap();
    assert_eq!(again.policy_versions().await.unwrap().len(), 2);

    // Both versions stay viewable as published: everything they stated.
    let (_, old) = app
        .browser()
        .get_text(&format!("/privacy/versions/{}", versions[1].version))
        .await;
    assert!(old.contains("The operator of this Koine site") && !old.contains("Lingua Ltd"));
    for text in [
        "This notice as published on",
        "No one: this site processes your data itself.",
        "7 days",
        "10 years, as the law requires",
        "Global Privacy Control and Do Not Track",
        "This is the first published version of this notice.",
    ] {
        assert!(old.contains(text), "{text} missing from the old version");
    }
    let (_, new) = app
        .browser()
        .get_text(&format!("/privacy/versions/{}", versions[0].version))
        .await;
    for text in [
        "Lingua Ltd",
        "PostBox Mail",
        "Standard contractual clauses",
        // What changed, in words.
        "Controller: “The operator of this Koine site” → “Lingua Ltd”",
        "New processor: PostBox Mail (Sending email; United States; Standard contractual clauses)",
    ] {
        assert!(new.contains(text), "{text} missing from the new version: {new}");
    }
    let changes = new
        .split("id=\"changes\"")
        .nth(1)
        .unwrap()
        .split("</section>")
        .next()
        .unwrap();
    assert_eq!(changes.matches("<li>").count(), 2, "only what changed: {changes}");
    let (status, _) = app.browser().get_text("/privacy/versions/nope").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// A new processor changes the consent request: consents given before are
/// paused (refusals stand) until the member gives them again.
async fn consent_is_asked_again_when_recipients_change(app: TestApp) {
    use koine_domain::consent::ConsentPurpose::{Analytics, MarketingEmail};
    use koine_services::consent::Signals;
    let b = app.member("chooser@example.org", "Chooser").await;
    let id = app.account_id("chooser@example.org").await;
    b.post_form("/settings/privacy", &[("marketing_email", "on")]).await;
    assert!(
        app.svc
            .may_process(id, MarketingEmail, Signals::default())
            .await
            .unwrap()
    );

    let mut cfg = app.config.clone();
    cfg.privacy.processors.push(Processor {
        name: "Clicks Analytics".into(),
        purpose: "Usage statistics".into(),
        location: "Ireland".into(),
        transfer_mechanism: String::new(),
    });
    let restarted = koine::services(&cfg, app.clock.clone()).await.unwrap();
    assert_ne!(restarted.consent_revision(), app.svc.consent_revision());
    assert!(
        !restarted
            .may_process(id, MarketingEmail, Signals::default())
            .await
            .unwrap(),
        "paused until given again"
    );
    assert_eq!(restarted.consents_to_ask_again(id).await.unwrap(), [MarketingEmail]);
    assert!(!restarted.may_process(id, Analytics, Signals::default()).await.unwrap());
    let given = restarted
        .set_consents(
            id,
            &[(MarketingEmail, true), (Analytics, false)],
            ConsentSource::Settings,
        )
        .await
        .unwrap();
    assert_eq!(given, 1, "giving it again is a new event; the refusal stood already");
    assert!(
        restarted
            .may_process(id, MarketingEmail, Signals::default())
            .await
            .unwrap()
    );
    assert!(restarted.consents_to_ask_again(id).await.unwrap().is_empty());

    // On the pages (served with the first configuration, under which the
    // new event answered an earlier request): the member is asked.
    let (_, home) = b.get_text("/").await;
    assert!(home.contains("Please review your privacy choices"), "{home}");
    let (_, choices) = b.get_text("/settings/privacy").await;
    assert!(choices.contains("tick again to keep it"), "{choices}");
    b.post_form("/settings/privacy", &[("marketing_email", "on")]).await;
    let (_, home) = b.get_text("/").await;
    assert!(!home.contains("Please review your privacy choices"));
    assert!(
        app.svc
            .may_process(id, MarketingEmail, Signals::default())
            .await
            .unwrap()
    );
}

async fn records_of_processing_come_from_the_map(app: TestApp) {
    use koine_domain::staff::StaffRole;
    let support = app.staff("support@koine.test", StaffRole::Support).await;
    assert_eq!(support.get("/staff/records").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(support.get("/staff/records.json").await.status(), StatusCode::FORBIDDEN);
    let dpo = app.staff("dpo@koine.test", StaffRole::PrivacyOfficer).await;
    let (status, page) = dpo.get_text("/staff/records").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("user.contact.email") && page.contains("argon2id"),
        "{page}"
    );
    let r = dpo.get("/staff/records.json").await;
    assert_eq!(r.headers()["content-type"], "application/json");
    let records: serde_json::Value = r.json().await.unwrap();
    assert_eq!(records["controller"]["name"], "The operator of this Koine site");
    // Processing on consent is in the records, on that basis.
    for p in koine_domain::consent::ConsentPurpose::ALL {
        let a = &records["activities"][p.as_str()];
        assert_eq!(a["on_consent"], true, "{p:?}: {a}");
        assert_eq!(a["legal_bases"], serde_json::json!(["consent"]), "{p:?}");
    }
    assert!(
        records["activities"]["personalised_recommendations"]["tables"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t == "profile_languages")
    );
    assert!(page.contains("Personalised teacher recommendations"), "{page}");
    let security = &records["activities"]["security"];
    assert!(
        security["tables"].as_array().unwrap().iter().any(|t| t == "sessions"),
        "{security}"
    );
    // Every table and category of the map appears under some purpose.
    for t in koine_store::datamap::tables() {
        for c in t.columns.iter().filter(|c| c.category.starts_with("user.")) {
            assert!(
                records["activities"].as_object().unwrap().values().any(|a| {
                    a["tables"].as_array().unwrap().iter().any(|x| x == t.table)
                        && a["categories"].as_array().unwrap().iter().any(|x| x == c.category)
                }),
                "{}.{} missing",
                t.table,
                c.column
            );
        }
    }
}
