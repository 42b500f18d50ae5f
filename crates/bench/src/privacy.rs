//! `koine-bench privacy`: per-person export and erasure over a populated
//! database, a heavy subject's export, and the retention sweep against a
//! plain bulk DELETE of the same rows.
//!
//! Export and erasure are per-person operations inside the server, so this
//! benchmark runs Koine's services in-process over a real database (the
//! same code the HTTP handlers and the export job call), seeded through SQL
//! for speed.

use crate::BackendArg;
use crate::seed::{V, exec, insert, t};
use koine_services::Services;
use koine_services::accounts::Principal;
use koine_services::clock::Clock;
use serde_json::{Value, json};
use std::time::Instant;
use uuid::Uuid;

const DAY_US: i64 = 86_400_000_000;
const MASTER_KEY: &str = "6b6f696e652d62656e63682d6b65792d6e6f742d666f722d70726f6475637421";

pub struct Options {
    pub backend: BackendArg,
    pub database_url: String,
    pub members: usize,
    pub samples: usize,
    pub heavy_rows: usize,
    pub log_rows: usize,
}

/// Seeds one member with about 70 rows across every table the map links
/// to a person, plus `extra` rows of history (consent, audit, mail).
async fn seed_member(svc: &Services, n: usize, staff: Uuid, extra: usize) -> Uuid {
    use koine_services::crypto::seal_field;
    let id = Uuid::now_v7();
    let now = svc.clock.now_us();
    let (key, wrapped) = svc.keys.new_subject_key(id);
    let phone = format!("+3461{n:07}");
    let mut tx = svc.db.begin().await.expect("begin");
    insert(
        tx.conn(),
        "accounts",
        &[
            "id",
            "email",
            "email_verified_at",
            "phone_hash",
            "phone_enc",
            "phone_verified_at",
            "password_hash",
            "password_changed_at",
            "birth_date_enc",
            "created_at",
        ],
        vec![vec![
            V::U(id),
            t(format!("member{n}@bench.koine.test")),
            V::I(now),
            V::B(svc.keys.blind_index("phone", &phone)),
            V::B(seal_field(&key, id, "accounts.phone", phone.as_bytes())),
            V::I(now),
            t("$argon2id$v=19$m=19456,t=2,p=1$YmVuY2hzYWx0$YmVuY2hoYXNoYmVuY2hoYXNoYmVuY2hoYXNo"),
            V::I(now),
            V::B(seal_field(&key, id, "accounts.birth_date", b"1990-04-01")),
            V::I(now - 400 * DAY_US),
        ]],
    )
    .await;
    insert(
        tx.conn(),
        "subject_keys",
        &["account_id", "wrapped_key", "created_at"],
        vec![vec![V::U(id), V::B(wrapped), V::I(now)]],
    )
    .await;
    insert(
        tx.conn(),
        "profiles",
        &[
            "account_id",
            "display_name",
            "bio",
            "country",
            "time_zone",
            "ui_locale",
            "birth_date_visibility",
            "gender_visibility",
            "location",
            "location_visibility",
            "updated_at",
        ],
        vec![vec![
            V::U(id),
            t(format!("Member {n}")),
            t("Learning Japanese for work; I like hiking and jazz."),
            t("ES"),
            t("Europe/Madrid"),
            t("es"),
            t("private"),
            t("private"),
            t("Valencia"),
            t("members"),
            V::I(now),
        ]],
    )
    .await;
    insert(
        tx.conn(),
        "profile_languages",
        &["account_id", "language", "level"],
        [("es", "native"), ("en", "C1"), ("ja", "A2")]
            .iter()
            .map(|(l, v)| vec![V::U(id), t(*l), t(*v)])
            .collect(),
    )
    .await;
    insert(
        tx.conn(),
        "sessions",
        &[
            "id",
            "account_id",
            "token_hash",
            "created_at",
            "last_seen_at",
            "authenticated_at",
            "expires_at",
            "user_agent",
            "ip",
            "ip_network",
        ],
        // Signed in within the last two days: full addresses still kept.
        (0..8)
            .map(|i| {
                vec![
                    V::U(Uuid::now_v7()),
                    V::U(id),
                    V::B(koine_services::crypto::random_bytes::<32>().to_vec()),
                    V::I(now - i * DAY_US / 4),
                    V::I(now),
                    V::I(now),
                    V::I(now + 20 * DAY_US),
                    t("Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"),
                    t(format!("192.0.2.{i}")),
                    t("192.0.2.0/24"),
                ]
            })
            .collect(),
    )
    .await;
    insert(
        tx.conn(),
        "security_events",
        &[
            "id",
            "account_id",
            "kind",
            "ip",
            "ip_network",
            "user_agent",
            "created_at",
        ],
        (0..4)
            .map(|i| {
                vec![
                    V::U(Uuid::now_v7()),
                    V::U(id),
                    t(if i == 0 { "password_changed" } else { "signed_in" }),
                    t(format!("192.0.2.{i}")),
                    t("192.0.2.0/24"),
                    t("Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"),
                    V::I(now - i as i64 * DAY_US / 4),
                ]
            })
            .collect(),
    )
    .await;
    insert(
        tx.conn(),
        "one_time_codes",
        &[
            "id",
            "account_id",
            "purpose",
            "code_hash",
            "attempts",
            "created_at",
            "expires_at",
        ],
        (0..4)
            .map(|_| {
                vec![
                    V::U(Uuid::now_v7()),
                    V::U(id),
                    t("verify_email"),
                    V::B(koine_services::crypto::random_bytes::<32>().to_vec()),
                    V::I(0),
                    V::I(now),
                    V::I(now + DAY_US),
                ]
            })
            .collect(),
    )
    .await;
    let outbox = |i: usize| {
        vec![
            V::U(Uuid::now_v7()),
            V::U(id),
            t("email"),
            t(format!("member{n}@bench.koine.test")),
            t(format!("Lesson reminder {i}")),
            t(""),
            V::I(now - DAY_US),
            V::I(1),
            V::I(now - DAY_US),
            V::I(now - DAY_US),
        ]
    };
    insert(
        tx.conn(),
        "outbox",
        &[
            "id",
            "account_id",
            "channel",
            "recipient",
            "subject",
            "body",
            "created_at",
            "attempts",
            "next_attempt_at",
            "sent_at",
        ],
        (0..8 + extra * 3 / 10).map(outbox).collect(),
    )
    .await;
    insert(
        tx.conn(),
        "audit_events",
        &["id", "actor_id", "subject_id", "action", "reason", "created_at"],
        (0..16 + extra * 3 / 10)
            .map(|i| {
                vec![
                    V::U(Uuid::now_v7()),
                    V::U(staff),
                    V::U(id),
                    t("view_member"),
                    t(format!("ticket {i}")),
                    V::I(now - DAY_US),
                ]
            })
            .collect(),
    )
    .await;
    const PURPOSES: [&str; 7] = [
        "preference_cookies",
        "analytics",
        "marketing_email",
        "recommendations",
        "sale_sharing",
        "research_recordings",
        "classroom_recording",
    ];
    insert(
        tx.conn(),
        "consent_events",
        &[
            "id",
            "account_id",
            "purpose",
            "granted",
            "policy_version",
            "source",
            "created_at",
        ],
        (0..22 + extra * 4 / 10)
            .map(|i| {
                vec![
                    V::U(Uuid::now_v7()),
                    V::U(id),
                    t(PURPOSES[i % PURPOSES.len()]),
                    V::Bool(i % 2 == 0),
                    t("bench"),
                    t("settings"),
                    V::I(now - i as i64),
                ]
            })
            .collect(),
    )
    .await;
    insert(
        tx.conn(),
        "legal_holds",
        &[
            "id",
            "account_id",
            "reason",
            "placed_by",
            "placed_at",
            "lifted_by",
            "lifted_at",
        ],
        vec![vec![
            V::U(Uuid::now_v7()),
            V::U(id),
            t("chargeback dispute"),
            V::U(staff),
            V::I(now - 30 * DAY_US),
            V::U(staff),
            V::I(now - DAY_US),
        ]],
    )
    .await;
    insert(
        tx.conn(),
        "data_exports",
        &[
            "id",
            "account_id",
            "requested_at",
            "ready_at",
            "expires_at",
            "size_bytes",
        ],
        vec![vec![
            V::U(Uuid::now_v7()),
            V::U(id),
            V::I(now - DAY_US),
            V::I(now - DAY_US),
            V::I(now + 6 * DAY_US),
            V::I(0),
        ]],
    )
    .await;
    tx.commit().await.expect("commit");
    id
}

/// Inserts `n` security-log rows older than their 90-day retention (their
/// full addresses long cleared), spread over `owners`, with one statement
/// per owner (a recursive CTE makes the rows).
async fn seed_expired_log(svc: &Services, owners: &[Uuid], n: usize) {
    let now = svc.clock.now_us();
    let per = n.div_ceil(owners.len());
    // Random ids differ by dialect: SQLite has randomblob, PostgreSQL gen_random_uuid.
    let id = match svc.db {
        koine_store::Db::Sqlite(_) => "randomblob(16)",
        koine_store::Db::Postgres(_) => "gen_random_uuid()",
    };
    let mut left = n;
    let mut tx = svc.db.begin().await.expect("begin");
    for owner in owners {
        let k = per.min(left);
        if k == 0 {
            break;
        }
        left -= k;
        let sql = format!(
            "WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < {k}) \
             INSERT INTO security_events (id, account_id, kind, ip, ip_network, user_agent, created_at) \
             SELECT {id}, $1, 'signed_in', NULL, '192.0.2.0/24', 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0', $2 - i \
             FROM seq"
        );
        exec(tx.conn(), &sql, &[V::U(*owner), V::I(now - 100 * DAY_US)]).await;
    }
    tx.commit().await.expect("commit");
}

fn summary(mut ms: Vec<f64>) -> Value {
    ms.sort_by(f64::total_cmp);
    let at = |q: f64| ms[((ms.len() as f64 - 1.0) * q).round() as usize];
    json!({
        "samples": ms.len(),
        "p50_ms": at(0.5),
        "p95_ms": at(0.95),
        "max_ms": at(1.0),
        "mean_ms": ms.iter().sum::<f64>() / ms.len() as f64,
    })
}

async fn psql(url: &str, sql: &str) {
    let ok = tokio::process::Command::new("psql")
        .args([url, "-qAtc", sql])
        .status()
        .await
        .expect("psql")
        .success();
    assert!(ok, "psql failed: {sql}");
}

pub async fn run(o: Options) -> Value {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut cfg = koine::config::Config {
        data_dir: dir.path().join("data"),
        master_key: Some(MASTER_KEY.into()),
        ..koine::config::Config::default()
    };
    let db_name = format!("koine_bench_{}", Uuid::now_v7().simple());
    if o.backend == BackendArg::Postgres {
        psql(&o.database_url, &format!("CREATE DATABASE {db_name}")).await;
        let (base, _) = o.database_url.rsplit_once('/').expect("URL ends in /dbname");
        cfg.database_url = Some(format!("{base}/{db_name}"));
    }
    let svc = koine::services(&cfg, Clock::System).await.expect("services");

    let seed_started = Instant::now();
    let staff = seed_member(&svc, usize::MAX, Uuid::now_v7(), 0).await;
    let mut members = Vec::with_capacity(o.members);
    for n in 0..o.members {
        members.push(seed_member(&svc, n, staff, 0).await);
    }
    let heavy = seed_member(&svc, o.members + 1, staff, o.heavy_rows).await;
    let seed_s = seed_started.elapsed().as_secs_f64();
    let rows_of = |id: Uuid| {
        let svc = svc.clone();
        async move {
            let mut c = svc.db.acquire().await.expect("conn");
            koine_store::erasure::footprint(c.conn(), id)
                .await
                .expect("footprint")
                .iter()
                .map(|(_, n)| *n)
                .sum::<i64>()
        }
    };
    let member_rows = rows_of(members[0]).await;
    let heavy_rows = rows_of(heavy).await;

    // Spread the samples over the population (every k-th member).
    let step = (o.members / (2 * o.samples)).max(1);
    let exported: Vec<Uuid> = members.iter().step_by(step).take(o.samples).copied().collect();
    let mut export_ms = Vec::new();
    let mut export_kib = 0;
    for id in &exported {
        let t = Instant::now();
        let zip = svc.build_export(*id).await.expect("export");
        export_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        export_kib = zip.len() / 1024;
    }
    let mut heavy_ms = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        svc.build_export(heavy).await.expect("heavy export");
        heavy_ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let erased: Vec<Uuid> = members
        .iter()
        .skip(step / 2 + 1)
        .step_by(step)
        .take(o.samples)
        .copied()
        .collect();
    let mut erase_ms = Vec::new();
    for id in &erased {
        let p = Principal {
            account_id: *id,
            client: Default::default(),
            session_id: Uuid::nil(),
            authenticated_at: svc.clock.now_us(),
            staff_role: None,
            minor: false,
            locale: None,
            display_name: String::new(),
        };
        let t = Instant::now();
        svc.delete_account(&p).await.expect("erasure");
        erase_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(rows_of(*id).await, 0, "erased");
    }

    // Retention: the same expired rows removed by a plain DELETE and by the
    // sweep, in the order bulk, sweep, sweep, bulk so neither gains from
    // going first; PostgreSQL is vacuumed before each, as autovacuum would.
    let owners: Vec<Uuid> = members.iter().filter(|m| !erased.contains(m)).copied().collect();
    let cutoff = svc.clock.now_us() - 90 * DAY_US;
    let (mut bulk, mut sweep) = (Vec::new(), Vec::new());
    for round in 0..4 {
        seed_expired_log(&svc, &owners, o.log_rows).await;
        if o.backend == BackendArg::Postgres {
            let mut c = svc.db.acquire().await.expect("conn");
            exec(c.conn(), "VACUUM ANALYZE security_events", &[]).await;
        }
        let t = Instant::now();
        let n = if matches!(round, 0 | 3) {
            let mut tx = svc.db.begin().await.expect("begin");
            let n = exec(
                tx.conn(),
                "DELETE FROM security_events WHERE created_at <= $1",
                &[V::I(cutoff)],
            )
            .await;
            tx.commit().await.expect("commit");
            n
        } else {
            svc.sweep(false).await.expect("sweep").iter().map(|l| l.count).sum()
        };
        let rate = n as f64 / t.elapsed().as_secs_f64();
        assert_eq!(n as usize, o.log_rows, "every expired row removed");
        if matches!(round, 0 | 3) {
            bulk.push(rate)
        } else {
            sweep.push(rate)
        }
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;

    if o.backend == BackendArg::Postgres {
        svc.db.close().await;
        psql(
            &o.database_url,
            &format!("DROP DATABASE IF EXISTS {db_name} WITH (FORCE)"),
        )
        .await;
    }
    json!({
        "benchmark": "privacy",
        "backend": format!("{:?}", o.backend).to_lowercase(),
        "members": o.members,
        "rows_per_member": member_rows,
        "seed_seconds": seed_s,
        "export": { "rows": member_rows, "zip_kib": export_kib, "latency": summary(export_ms) },
        "erasure": { "rows": member_rows, "latency": summary(erase_ms) },
        "heavy_export": { "rows": heavy_rows, "latency": summary(heavy_ms) },
        "retention": {
            "expired_rows": o.log_rows,
            "bulk_delete_rows_per_s": bulk,
            "sweep_rows_per_s": sweep,
            "sweep_vs_bulk": mean(&sweep) / mean(&bulk),
        },
    })
}
