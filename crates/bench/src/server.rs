//! Running the real `koine` binary for a benchmark.

use crate::BackendArg;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::process::{Child, Command};

pub const DEMO_PASSWORD: &str = "koine-demo-river-lantern";
/// The accounts `koine seed-demo` creates.
pub const DEMO_LOGINS: [&str; 7] = [
    "ana@demo.koine.test",
    "kenji@demo.koine.test",
    "liwei@demo.koine.test",
    "maria@demo.koine.test",
    "yuki@demo.koine.test",
    "admin@demo.koine.test",
    "privacy@demo.koine.test",
];
const MASTER_KEY: &str = "6b6f696e652d62656e63682d6b65792d6e6f742d666f722d70726f6475637421";

/// `--koine PATH`, if given.
static GIVEN: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();

pub fn set_binary(given: Option<PathBuf>) {
    GIVEN.set(given).expect("set once, at start");
}

/// The `koine` binary to measure: `--koine PATH`, else the one beside this
/// program (cargo builds both into one folder; an install puts them side by
/// side). Exits with a clear message if it is not there.
pub fn binary() -> PathBuf {
    let bin = match GIVEN.get().cloned().flatten() {
        Some(p) => p,
        None => std::env::current_exe()
            .expect("koine-bench's own path")
            .with_file_name(format!("koine{}", std::env::consts::EXE_SUFFIX)),
    };
    if !bin.is_file() {
        eprintln!(
            "koine-bench: {} is missing: build it (`cargo build --release -p koine`) or pass --koine PATH",
            bin.display()
        );
        std::process::exit(2);
    }
    bin
}

pub struct Env {
    dir: tempfile::TempDir,
    database_url: Option<String>,
    admin_url: String,
    db_name: Option<String>,
    /// Copies of the database made for runs that must start alike.
    copies: Vec<String>,
}

async fn psql(url: &str, sql: &str) {
    let ok = Command::new("psql")
        .args([url, "-qAtc", sql])
        .status()
        .await
        .expect("psql")
        .success();
    assert!(ok, "psql failed: {sql}");
}

impl Env {
    /// A data dir (and for PostgreSQL a fresh database), migrated and seeded with demo accounts.
    pub async fn prepare(backend: BackendArg, admin_url: &str) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let (database_url, db_name) = match backend {
            BackendArg::Sqlite => (None, None),
            BackendArg::Postgres => {
                let name = format!("koine_bench_{}", uuid::Uuid::now_v7().simple());
                psql(admin_url, &format!("CREATE DATABASE {name}")).await;
                // The same server and options (`?sslmode=…`), another database.
                let (url, options) = admin_url.split_once('?').unwrap_or((admin_url, ""));
                let (base, _) = url.rsplit_once('/').expect("URL ends in /dbname");
                let options = if options.is_empty() {
                    String::new()
                } else {
                    format!("?{options}")
                };
                (Some(format!("{base}/{name}{options}")), Some(name))
            }
        };
        let env = Self {
            dir,
            database_url,
            admin_url: admin_url.into(),
            db_name,
            copies: Vec::new(),
        };
        let out = env.command().arg("seed-demo").output().await.expect("seed-demo");
        assert!(
            out.status.success(),
            "seed-demo failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        env
    }

    /// Takes the planner's statistics again (PostgreSQL), as autovacuum
    /// does on a server with default settings once a table has grown: a
    /// statement a node planned while a table was still empty (the
    /// idempotency keys, at the first messages) reads that table whole at
    /// every run of the plan it keeps (measured: the statement a message
    /// is decided on, 0.13 ms a run with the index, 1.7–1.9 ms without);
    /// analyzing replaces those plans.
    pub async fn analyze(&self) {
        if let Some(url) = &self.database_url {
            psql(url, "ANALYZE").await;
        }
    }

    /// The configuration the server runs with, to open its database
    /// in-process (for seeding before it starts).
    pub fn config(&self) -> koine::config::Config {
        // The nodes inherit KOINE_S3_* (a shared file store) from the
        // bench's environment; services made here use the same store.
        koine::config::Config {
            data_dir: self.dir.path().to_path_buf(),
            master_key: Some(MASTER_KEY.into()),
            database_url: self.database_url.clone(),
            ..koine::config::Config::default()
        }
        .with_env(&|k| std::env::var(k).ok().filter(|_| k.starts_with("KOINE_S3_")))
        .expect("KOINE_S3_* settings")
    }

    fn command(&self) -> Command {
        self.command_on(None)
    }

    /// The `koine` command, pinned to one core with `taskset` if asked.
    fn command_on(&self, core: Option<usize>) -> Command {
        let mut c = match core {
            Some(core) => {
                let mut c = Command::new("taskset");
                c.args(["--cpu-list", &core.to_string()]).arg(binary());
                c
            }
            None => Command::new(binary()),
        };
        c.env("KOINE_DATA_DIR", self.dir.path())
            .env("KOINE_MASTER_KEY", MASTER_KEY)
            .env("KOINE_LOG", "warn")
            .env("KOINE_SIGNUPS_PER_IP_PER_HOUR", "1000000")
            .env_remove("KOINE_DATABASE_URL");
        if let Some(url) = &self.database_url {
            c.env("KOINE_DATABASE_URL", url);
        }
        c
    }

    /// A copy of the PostgreSQL database as it is now (`CREATE DATABASE …
    /// TEMPLATE`; nothing may be connected to it), for a run that must start
    /// from the same state as another; its URL. Dropped with the rest.
    pub async fn copy_database(&mut self) -> String {
        let (Some(url), Some(name)) = (&self.database_url, &self.db_name) else {
            panic!("only a PostgreSQL database is copied");
        };
        let copy = format!("{name}_copy{}", self.copies.len());
        psql(&self.admin_url, &format!("CREATE DATABASE {copy} TEMPLATE {name}")).await;
        self.copies.push(copy.clone());
        url.replacen(name.as_str(), &copy, 1)
    }

    pub async fn cleanup(self) {
        for copy in &self.copies {
            psql(&self.admin_url, &format!("DROP DATABASE IF EXISTS {copy} WITH (FORCE)")).await;
        }
        if let Some(name) = &self.db_name {
            psql(&self.admin_url, &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
        }
    }
}

pub struct Server {
    child: Child,
    pub addr: SocketAddr,
}

/// What a node logged (JSON, one event per line), kept for a checker; the
/// lines are shown on stderr too, as every node's are.
#[derive(Clone, Default)]
pub struct NodeLog(std::sync::Arc<std::sync::Mutex<Vec<serde_json::Value>>>);

impl NodeLog {
    /// The events logged so far.
    pub fn events(&self) -> Vec<serde_json::Value> {
        self.0.lock().expect("node log").clone()
    }

    /// Copies each line of `stderr` to this process's stderr, keeping it.
    fn follow(&self, stderr: tokio::process::ChildStderr) {
        let kept = self.0.clone();
        tokio::spawn(async move {
            use tokio::io::AsyncBufReadExt;
            let mut lines = tokio::io::BufReader::new(stderr).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                eprintln!("{line}");
                if let Ok(event) = serde_json::from_str(&line) {
                    kept.lock().expect("node log").push(event);
                }
            }
        });
    }
}

impl Server {
    /// Starts the server and returns once `/healthz` answers 200.
    pub async fn start(env: &Env) -> Self {
        Self::start_with(env, &[]).await
    }

    /// The same, with extra `KOINE_*` settings in its environment.
    pub async fn start_with(env: &Env, vars: &[(&str, &str)]) -> Self {
        Self::start_on(env, vars, None).await
    }

    /// The same, pinned to one core (its runtime then sizes itself to it).
    pub async fn start_on(env: &Env, vars: &[(&str, &str)], core: Option<usize>) -> Self {
        Self::start_new(env, vars, core, None).await
    }

    /// The same (unpinned), with what it logs kept in `log`.
    pub async fn start_logged(env: &Env, vars: &[(&str, &str)], log: &NodeLog) -> Self {
        Self::start_new(env, vars, None, Some(log)).await
    }

    async fn start_new(env: &Env, vars: &[(&str, &str)], core: Option<usize>, log: Option<&NodeLog>) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
        // The planner's statistics of what was seeded, as autovacuum takes
        // them on a server with default settings (this machine's runs with
        // autovacuum off: never analyzed, small tables look empty and are
        // read whole, for each statement).
        let copy = vars.iter().find(|(k, _)| *k == "KOINE_DATABASE_URL").map(|(_, v)| *v);
        if let Some(url) = copy.or(env.database_url.as_deref()) {
            psql(url, "ANALYZE").await;
        }
        Self::start_at(env, vars, core, addr, log).await
    }

    /// Starts a node killed before again, on its address (a balancer in
    /// front names it by that).
    pub async fn restart(&mut self, env: &Env, vars: &[(&str, &str)]) {
        let _ = self.child.wait().await;
        *self = Self::start_at(env, vars, None, self.addr, None).await;
    }

    async fn start_at(
        env: &Env,
        vars: &[(&str, &str)],
        core: Option<usize>,
        addr: SocketAddr,
        log: Option<&NodeLog>,
    ) -> Self {
        let mut command = env.command_on(core);
        command
            .args(["serve", "--listen", &addr.to_string()])
            .envs(vars.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .kill_on_drop(true);
        if log.is_some() {
            command.env("KOINE_LOG_FORMAT", "json").stderr(Stdio::piped());
        }
        let mut child = command.spawn().expect("koine serve");
        if let Some(log) = log {
            log.follow(child.stderr.take().expect("piped"));
        }
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if healthz(addr).await {
                return Self { child, addr };
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        panic!("koine did not become healthy within 30 s");
    }

    pub fn pid(&self) -> u32 {
        self.child.id().expect("running")
    }

    /// Resident memory of the server process, in KiB.
    pub fn rss_kib(&self) -> u64 {
        let pid = self.pid();
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc status");
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .expect("VmRSS")
    }

    /// Killed outright (SIGKILL), as a crashed machine would be.
    pub fn kill(&mut self) {
        self.child.start_kill().expect("the node is killed");
    }

    /// Graceful stop (SIGTERM via `kill`), as an init system would, given
    /// the time its requests, streams (5 s) and jobs (5 s) may take.
    pub async fn stop(mut self) {
        let pid = self.child.id().expect("running");
        let _ = Command::new("kill").arg(pid.to_string()).status().await;
        let _ = tokio::time::timeout(Duration::from_secs(20), self.child.wait()).await;
    }
}

async fn healthz(addr: SocketAddr) -> bool {
    let Ok(mut s) = tokio::net::TcpStream::connect(addr).await else {
        return false;
    };
    if s.write_all(b"GET /healthz HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n")
        .await
        .is_err()
    {
        return false;
    }
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf).await;
    buf.starts_with(b"HTTP/1.1 200")
}
