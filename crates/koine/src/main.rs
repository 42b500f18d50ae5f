//! `koine` — one binary: serve the platform, migrate, seed demo data,
//! administer staff, and print the privacy data map.
#![forbid(unsafe_code)]

use clap::{Parser, Subcommand, ValueEnum};
use koine::config::Config;
use koine_domain::contact::Email;
use koine_domain::password::NewPassword;
use koine_domain::profile::DisplayName;
use koine_domain::staff::StaffRole;
use koine_services::clock::Clock;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "koine", version, about = "Koine: an open-source language-learning platform")]
struct Cli {
    /// TOML configuration file (KOINE_* environment variables override it).
    #[arg(long, global = true, env = "KOINE_CONFIG")]
    config: Option<PathBuf>,
    /// Data directory (SQLite database, uploads, outgoing mail).
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web interface and API.
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:8080.
        #[arg(long)]
        listen: Option<String>,
        /// Seed demo members and staff, print their logins, and take card
        /// payments with test cards (no real money).
        #[arg(long)]
        demo: bool,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Seed demo members and staff.
    SeedDemo,
    /// Administration.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// The privacy data map and notice.
    Privacy {
        #[command(subcommand)]
        command: PrivacyCommand,
    },
    /// Print the OpenAPI document.
    Openapi,
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create a staff account (or give an existing account a staff role); prints a one-time password.
    CreateStaff {
        #[arg(long)]
        email: String,
        /// admin, support, trust_safety, finance or privacy_officer.
        #[arg(long)]
        role: String,
        #[arg(long, default_value = "Staff")]
        name: String,
    },
    /// After the master key was rotated (the new key listed first on every
    /// node), wrap every stored key under it so the older keys can be dropped.
    RewrapKeys,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Subcommand)]
enum PrivacyCommand {
    /// Print the data map: every column, its category, purposes, legal basis, retention and erasure.
    Map {
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Remove what the data map's retention rules say has been kept long enough.
    Sweep {
        /// Only report what would be removed.
        #[arg(long)]
        dry_run: bool,
    },
}

fn init_logs(cfg: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("KOINE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if cfg.log_format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

fn main() -> ExitCode {
    koine_services::files::use_ring_for_tls();
    let cli = Cli::parse();
    let mut cfg = match Config::load(cli.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("koine: {e}");
            return ExitCode::from(2);
        }
    };
    if let Some(d) = cli.data_dir {
        cfg.data_dir = d;
    }
    init_logs(&cfg);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    match runtime.block_on(run(cli.command, cfg)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("koine: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, mut cfg: Config) -> Result<(), Box<dyn std::error::Error>> {
    match command {
        Command::Serve { listen, demo } => {
            if let Some(l) = listen {
                cfg.listen = l;
            }
            if demo {
                cfg.test_card_payments = true;
            }
            serve(cfg, demo).await
        }
        Command::Migrate => {
            koine::open_db(&cfg).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::SeedDemo => {
            let svc = koine::services(&cfg, Clock::System).await?;
            print_demo(&koine::demo::seed(&svc).await?);
            Ok(())
        }
        Command::Admin {
            command: AdminCommand::CreateStaff { email, role, name },
        } => {
            let role = StaffRole::parse(&role).ok_or_else(|| {
                let all: Vec<_> = StaffRole::ALL.iter().map(|r| r.as_str()).collect();
                format!("unknown role {role:?}; choose one of {}", all.join(", "))
            })?;
            let email = Email::parse(&email).map_err(|e| format!("--email: {}", e.code))?;
            let name = DisplayName::parse(&name).map_err(|e| format!("--name: {}", e.code))?;
            let svc = koine::services(&cfg, Clock::System).await?;
            let password = koine_services::crypto::new_token();
            let id = match svc
                .create_staff(&email, role, NewPassword::parse(&password, &[])?, &name)
                .await
            {
                Err(koine_services::Error::Refused(_)) => {
                    let msg = format!(
                        "{} belongs to an account whose address was never confirmed; \
                         confirm it first or use another address",
                        email.as_str()
                    );
                    return Err(msg.into());
                }
                other => other?,
            };
            println!("staff account {id} ({}) has role {}", email.as_str(), role.as_str());
            println!("one-time password (shown once; change it after logging in): {password}");
            Ok(())
        }
        Command::Admin {
            command: AdminCommand::RewrapKeys,
        } => {
            let svc = koine::services(&cfg, Clock::System).await?;
            let done = svc.rewrap_keys().await?;
            println!(
                "{} keys rewrapped under the current master key; {} were already under it",
                done.rewrapped, done.current
            );
            if done.unopened > 0 {
                let msg = format!(
                    "{} stored keys are opened by none of the configured master keys: \
                     list the master key they were made with again",
                    done.unopened
                );
                return Err(msg.into());
            }
            if svc.keys.masters().len() > 1 {
                println!(
                    "every key is under the current master key: the older ones can now be dropped from every node"
                );
            }
            Ok(())
        }
        Command::Privacy {
            command: PrivacyCommand::Sweep { dry_run },
        } => {
            let svc = koine::services(&cfg, Clock::System).await?;
            let lines = svc.sweep(dry_run).await?;
            let verb = if dry_run { "would remove" } else { "removed" };
            for l in &lines {
                let what = match l.column {
                    Some(c) => format!("{}.{c}", l.table),
                    None => l.table.to_owned(),
                };
                println!("{what:<26} {:<22} {verb} {}", l.rule, l.count);
            }
            Ok(())
        }
        Command::Privacy {
            command: PrivacyCommand::Map { format },
        } => {
            print_map(format);
            Ok(())
        }
        Command::Openapi => {
            println!("{}", koine_web::openapi_json());
            Ok(())
        }
    }
}

fn print_map(format: Format) {
    use koine_store::datamap::{CONSENT_USES, document, tables, version};
    match format {
        Format::Json => {
            println!("{}", serde_json::to_string_pretty(&document()).expect("map serializes"));
        }
        Format::Text => {
            println!("Koine data map, version {}", version());
            for t in tables() {
                println!("\n{} — {}\n  subjects via: {}", t.table, t.about, t.subjects.join(", "));
                for c in t.columns {
                    let purposes: Vec<_> = c.purposes.iter().map(|p| p.as_str()).collect();
                    println!(
                        "  {:<24} {:<34} {:<40} {:<22} retention={:?} erasure={:?}{}{}",
                        c.column,
                        c.category,
                        purposes.join(","),
                        c.basis.article(),
                        c.retention,
                        c.erasure,
                        if c.export { "" } else { " not-exported" },
                        if c.encrypted.is_some() { " encrypted" } else { "" },
                    );
                }
            }
            println!("\nOnly with consent (GDPR Art. 6(1)(a)):");
            for u in CONSENT_USES {
                let reads: Vec<String> = u.reads.iter().map(|(t, c)| format!("{t}.{c}")).collect();
                let reads = if reads.is_empty() {
                    "nothing at present".into()
                } else {
                    reads.join(", ")
                };
                println!("  {:<28} reads {reads}", u.purpose.as_str());
            }
        }
    }
}

fn print_demo(demo: &koine::demo::Demo) {
    println!("Demo logins (password for all: {}):", koine::demo::PASSWORD);
    for l in &demo.logins {
        println!("  {:<48} {}", l.who, l.email);
    }
    if let Some(lesson) = &demo.lesson_now {
        println!("{lesson}");
    }
}

async fn serve(cfg: Config, demo: bool) -> Result<(), Box<dyn std::error::Error>> {
    for w in cfg.warnings() {
        tracing::warn!("{w}");
    }
    let svc = koine::services(&cfg, Clock::System).await?;
    if svc.db.autovacuum_off().await? {
        tracing::warn!(
            "PostgreSQL runs with autovacuum off: nothing keeps the planner's statistics current, \
             and a statement planned while a table was small keeps reading it whole as it grows; \
             turn autovacuum on (the README's capacity plan)"
        );
    }
    if demo {
        print_demo(&koine::demo::seed(&svc).await?);
    }
    let turn = koine::start_turn(&cfg, &svc).await?;
    if let Some(t) = &turn {
        tracing::info!("the built-in TURN relay listens on udp {}", t.addr);
    }
    let listener = tokio::net::TcpListener::bind(&cfg.listen).await?;
    let addr = listener.local_addr()?;
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let jobs = tokio::spawn(koine::run_jobs(
        svc.clone(),
        koine::Schedules::from_config(&cfg),
        stop_rx,
    ));
    let app = koine::app(svc.clone(), &cfg);
    tracing::info!("Koine is serving on http://{addr} (data: {})", cfg.data_dir.display());
    println!("Koine is serving on http://{addr}");
    axum::serve(
        koine::listener_without_delay(listener),
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown({
        let svc = svc.clone();
        async move {
            shutdown_signal().await;
            // Not ready from here on; live streams are told to go away.
            svc.lifecycle.drain();
        }
    })
    .await?;
    if !svc.lifecycle.streams_closed(STREAMS_CLOSE_WITHIN).await {
        tracing::warn!("some live streams had not closed when the server stopped");
    }
    let _ = stop_tx.send(true);
    let _ = jobs.await;
    if let Some(t) = turn {
        t.close().await;
    }
    svc.db.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// How long a stopping server waits for its live streams to say goodbye.
const STREAMS_CLOSE_WITHIN: std::time::Duration = std::time::Duration::from_secs(5);

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}
