//! Accounts: sign-in, keys, profiles, sessions and the codes sent to confirm them.

use super::*;

const SVC_SEC: &[Purpose] = &[ProvideService, Security];

/// Sessions end 30 days after last use at most; their rows go then.
const SESSION_END: Retention = UntilInstant { column: "expires_at" };

const CODE_END: Retention = UntilInstant { column: "expires_at" };

/// Attempt counts go when their time bucket (at most an hour) ends.
const ATTEMPTS_END: Retention = UntilInstant { column: "expires_at" };

/// Full IP addresses are cleared 7 days after they were recorded (long
/// enough to investigate an attack); the network part stays with its row.
const IP_KEEP: Retention = days_after(7, "created_at");

/// Security events are kept 90 days, for the member's own review and for
/// investigating account takeovers.
const SECURITY_EVENT_KEEP: Retention = days_after(90, "created_at");

pub(super) static TABLES: &[TableMap] = &[
    table!("accounts", ["id"], Defaults::new(SVC_SEC, Contract, ACCOUNT, DeleteRow);
        about "Your account: how you sign in and how we reach you.";
        UID => ["id"].purposes(SVC);
        "user.contact.email" => ["email"].purposes(&[ProvideService, Security, ServiceMessages]);
        "user.contact.email" => ["email_verified_at"].from(Source::Service);
        "user.contact.phone_number" => ["phone_hash"].purposes(SEC).secret().from(Source::Service);
        "user.contact.phone_number" => ["phone_enc"]
            .purposes(&[ProvideService, Security, ServiceMessages])
            .encrypted("accounts.phone");
        "user.contact.phone_number" => ["phone_verified_at"].from(Source::Service);
        "user.authorization.credentials" => ["password_hash"].purposes(SEC).secret();
        "user.authorization.credentials" => ["password_changed_at"].purposes(SEC);
        "user.demographic.date_of_birth" => ["birth_date_enc"]
            .purposes(&[ProvideService, LegalCompliance])
            .basis(LegalObligation)
            .encrypted("accounts.birth_date");
        "user.demographic.date_of_birth" => ["minor_until"]
            .purposes(&[ProvideService, LegalCompliance])
            .basis(LegalObligation)
            .from(Source::Service);
        "user.account.settings" => ["staff_role"].from(Source::Staff);
        "user.account.settings" => ["created_at"].purposes(SVC).from(Source::Service);
    )
    // Sign-ups nobody confirmed hold someone's address for nothing.
    .erased_unconfirmed_after(7),
    table!("subject_keys", ["account_id"], Defaults::new(SEC, Contract, ACCOUNT, DeleteRow);
        about "Your personal encryption key, itself encrypted; destroying it makes encrypted copies unreadable.";
        UID => ["account_id"];
        "user.security.encryption_key" => ["wrapped_key"].secret();
        SYS => ["created_at"].erasure(WithRow);
    ),
    table!("platform_keys", [], Defaults::new(SEC, LegitimateInterests, Retention::System, WithRow);
        about "The platform's own keys (for lookups by phone number, codes and forms), each encrypted under the master key; they name no one.";
        SYS => ["purpose", "wrapped_key", "created_at"];
    ),
    table!("profiles", ["account_id"], Defaults::new(PROFILE, Contract, ACCOUNT, DeleteRow);
        about "Your profile, shown to others as you choose.";
        UID => ["account_id"].purposes(SVC);
        "user.account.username" => ["display_name"];
        "user.content.public" => ["bio"];
        "user.contact.address.country" => ["country"];
        "user.account.settings" => ["time_zone", "ui_locale"].purposes(SVC);
        "user.content.self_image" => ["avatar_id"];
        "user.account.settings" => ["avatar_visibility", "birth_date_visibility"].choice();
        "user.demographic.gender" => ["gender"];
        "user.account.settings" => ["gender_visibility"].choice();
        "user.contact.address.city" => ["location"];
        "user.account.settings" => ["location_visibility"].choice();
        SYS => ["updated_at"].purposes(SVC).erasure(WithRow);
    ),
    table!("profile_languages", ["account_id"], Defaults::new(PROFILE, Contract, ACCOUNT, DeleteRow);
        about "Languages you speak natively or are learning, with your level.";
        UID => ["account_id"].purposes(SVC);
        "user.demographic.language" => ["language", "level"];
    ),
    table!("sessions", ["account_id"], Defaults::new(SEC, Contract, SESSION_END, DeleteRow);
        about "Devices signed in to your account.";
        UID => ["id", "account_id"];
        "user.authorization.credentials" => ["token_hash"].secret();
        "user.behavior.session" => ["created_at", "last_seen_at", "authenticated_at", "expires_at"];
        "user.device.device_type" => ["user_agent"].basis(LegitimateInterests);
        "user.device.ip_address" => ["ip"].basis(LegitimateInterests).retention(IP_KEEP);
        "user.device.ip_network" => ["ip_network"].basis(LegitimateInterests);
    ),
    // GDPR Recital 49: keeping accounts secure is a legitimate interest.
    // The key is a keyed hash of an address or identifier, so a row names
    // nobody by itself; it lasts only until its time bucket ends.
    table!("throttle_counters", [], Defaults::new(SEC, LegitimateInterests, ATTEMPTS_END, DeleteRow);
        about "Counts of recent sign-in, sign-up, reset and code attempts, under a keyed hash of the address or account identifier they came from, so that guessing can be slowed down.";
        SYS => ["scope", "bucket"];
        "user.behavior.attempts" => ["key_hash"].secret();
        "user.behavior.attempts" => ["hits", "expires_at"];
    ),
    table!("security_events", ["account_id"], Defaults::new(SEC, LegitimateInterests, SECURITY_EVENT_KEEP, DeleteRow);
        about "Sign-ins, failed sign-ins and changes to your password, email or phone, with the device and network they came from.";
        UID => ["id", "account_id"];
        "user.behavior.security_event" => ["kind"];
        "user.device.ip_address" => ["ip"].retention(IP_KEEP);
        "user.device.ip_network" => ["ip_network"];
        "user.device.device_type" => ["user_agent"];
        "user.behavior.security_event" => ["created_at"];
    ),
    table!("one_time_codes", ["account_id"], Defaults::new(SEC, Contract, CODE_END, DeleteRow);
        about "Codes and links we send to verify your email or phone or to reset your password.";
        UID => ["id", "account_id"];
        SYS => ["purpose"];
        "user.authorization.credentials" => ["code_hash"].secret();
        "user.contact.email" => ["new_email"].purposes(SVC_SEC);
        "user.contact.phone_number" => ["new_phone_hash"].secret().from(Source::Service);
        "user.contact.phone_number" => ["new_phone_enc"].purposes(SVC_SEC).encrypted("accounts.phone");
        SYS => ["attempts", "created_at", "expires_at"];
    ),
];
