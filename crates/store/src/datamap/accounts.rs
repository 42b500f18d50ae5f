//! Accounts: sign-in, keys, profiles, sessions and the codes sent to confirm them.

use super::*;

const SVC_SEC: &[Purpose] = &[ProvideService, Security];

/// Sessions end 30 days after last use at most; their rows go then.
const SESSION_END: Retention = UntilInstant { column: "expires_at" };

const CODE_END: Retention = UntilInstant { column: "expires_at" };

/// Full IP addresses are cleared 7 days after they were recorded (long
/// enough to investigate an attack); the network part stays with its row.
const IP_KEEP: Retention = DaysAfter {
    days: 7,
    column: "created_at",
};

/// Security events are kept 90 days, for the member's own review and for
/// investigating account takeovers.
const SECURITY_EVENT_KEEP: Retention = DaysAfter {
    days: 90,
    column: "created_at",
};

pub(super) static TABLES: &[TableMap] = &[
    TableMap {
        table: "accounts",
        about: "Your account: how you sign in and how we reach you.",
        subjects: &["id"],
        // Sign-ups nobody confirmed hold someone's address for nothing.
        unconfirmed_erased_after_days: Some(7),
        columns: &{
            const T: Defaults = Defaults::new(SVC_SEC, Contract, ACCOUNT, DeleteRow);
            [
                T.col("id", UID).purposes(SVC),
                T.col("email", "user.contact.email")
                    .purposes(&[ProvideService, Security, ServiceMessages]),
                T.col("email_verified_at", "user.contact.email").from(Source::Service),
                T.col("phone_hash", "user.contact.phone_number")
                    .purposes(SEC)
                    .secret()
                    .from(Source::Service),
                T.col("phone_enc", "user.contact.phone_number")
                    .purposes(&[ProvideService, Security, ServiceMessages])
                    .encrypted("accounts.phone"),
                T.col("phone_verified_at", "user.contact.phone_number")
                    .from(Source::Service),
                T.col("password_hash", "user.authorization.credentials")
                    .purposes(SEC)
                    .secret(),
                T.col("password_changed_at", "user.authorization.credentials")
                    .purposes(SEC),
                T.col("birth_date_enc", "user.demographic.date_of_birth")
                    .purposes(&[ProvideService, LegalCompliance])
                    .basis(LegalObligation)
                    .encrypted("accounts.birth_date"),
                T.col("minor_until", "user.demographic.date_of_birth")
                    .purposes(&[ProvideService, LegalCompliance])
                    .basis(LegalObligation)
                    .from(Source::Service),
                T.col("staff_role", "user.account.settings").from(Source::Staff),
                T.col("created_at", "user.account.settings")
                    .purposes(SVC)
                    .from(Source::Service),
            ]
        },
    },
    TableMap {
        table: "subject_keys",
        about: "Your personal encryption key, itself encrypted; destroying it makes encrypted copies unreadable.",
        subjects: &["account_id"],
        unconfirmed_erased_after_days: None,
        columns: &{
            const T: Defaults = Defaults::new(SEC, Contract, ACCOUNT, DeleteRow);
            [
                T.col("account_id", UID),
                T.col("wrapped_key", "user.security.encryption_key").secret(),
                T.col("created_at", SYS).erasure(WithRow),
            ]
        },
    },
    TableMap {
        table: "profiles",
        about: "Your profile, shown to others as you choose.",
        subjects: &["account_id"],
        unconfirmed_erased_after_days: None,
        columns: &{
            const T: Defaults = Defaults::new(PROFILE, Contract, ACCOUNT, DeleteRow);
            [
                T.col("account_id", UID).purposes(SVC),
                T.col("display_name", "user.account.username"),
                T.col("bio", "user.content.public"),
                T.col("country", "user.contact.address.country"),
                T.col("time_zone", "user.account.settings").purposes(SVC),
                T.col("ui_locale", "user.account.settings").purposes(SVC),
                T.col("avatar_id", "user.content.self_image"),
                T.col("avatar_visibility", "user.account.settings"),
                T.col("birth_date_visibility", "user.account.settings"),
                T.col("gender", "user.demographic.gender"),
                T.col("gender_visibility", "user.account.settings"),
                T.col("location", "user.contact.address.city"),
                T.col("location_visibility", "user.account.settings"),
                T.col("updated_at", SYS).purposes(SVC).erasure(WithRow),
            ]
        },
    },
    TableMap {
        table: "profile_languages",
        about: "Languages you speak natively or are learning, with your level.",
        subjects: &["account_id"],
        unconfirmed_erased_after_days: None,
        columns: &{
            const T: Defaults = Defaults::new(PROFILE, Contract, ACCOUNT, DeleteRow);
            [
                T.col("account_id", UID).purposes(SVC),
                T.col("language", "user.demographic.language"),
                T.col("level", "user.demographic.language"),
            ]
        },
    },
    TableMap {
        table: "sessions",
        about: "Devices signed in to your account.",
        subjects: &["account_id"],
        unconfirmed_erased_after_days: None,
        columns: &{
            const T: Defaults = Defaults::new(SEC, Contract, SESSION_END, DeleteRow);
            [
                T.col("id", UID),
                T.col("account_id", UID),
                T.col("token_hash", "user.authorization.credentials").secret(),
                T.col("created_at", "user.behavior.session"),
                T.col("last_seen_at", "user.behavior.session"),
                T.col("authenticated_at", "user.behavior.session"),
                T.col("expires_at", "user.behavior.session"),
                T.col("user_agent", "user.device.device_type")
                    .basis(LegitimateInterests),
                T.col("ip", "user.device.ip_address")
                    .basis(LegitimateInterests)
                    .retention(IP_KEEP),
                T.col("ip_network", "user.device.ip_network").basis(LegitimateInterests),
            ]
        },
    },
    TableMap {
        table: "security_events",
        // GDPR Recital 49: keeping accounts secure is a legitimate interest.
        about: "Sign-ins, failed sign-ins and changes to your password, email or phone, with the device and network they came from.",
        subjects: &["account_id"],
        unconfirmed_erased_after_days: None,
        columns: &{
            const T: Defaults = Defaults::new(SEC, LegitimateInterests, SECURITY_EVENT_KEEP, DeleteRow);
            [
                T.col("id", UID),
                T.col("account_id", UID),
                T.col("kind", "user.behavior.security_event"),
                T.col("ip", "user.device.ip_address").retention(IP_KEEP),
                T.col("ip_network", "user.device.ip_network"),
                T.col("user_agent", "user.device.device_type"),
                T.col("created_at", "user.behavior.security_event"),
            ]
        },
    },
    TableMap {
        table: "one_time_codes",
        about: "Codes and links we send to verify your email or phone or to reset your password.",
        subjects: &["account_id"],
        unconfirmed_erased_after_days: None,
        columns: &{
            const T: Defaults = Defaults::new(SEC, Contract, CODE_END, DeleteRow);
            [
                T.col("id", UID),
                T.col("account_id", UID),
                T.col("purpose", SYS),
                T.col("code_hash", "user.authorization.credentials").secret(),
                T.col("new_email", "user.contact.email").purposes(SVC_SEC),
                T.col("new_phone_hash", "user.contact.phone_number")
                    .secret()
                    .from(Source::Service),
                T.col("new_phone_enc", "user.contact.phone_number")
                    .purposes(SVC_SEC)
                    .encrypted("accounts.phone"),
                T.col("attempts", SYS),
                T.col("created_at", SYS),
                T.col("expires_at", SYS),
            ]
        },
    },
];
