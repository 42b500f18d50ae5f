//! Email delivery through a real SMTP server (aiosmtpd) on loopback.

use koine_testkit::{Backend, STRONG_PASSWORD, TestApp};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// An SMTP server (aiosmtpd, which `scripts/test` installs) on a free
/// loopback port; stopped when dropped.
pub(crate) struct SmtpServer {
    child: Child,
    pub port: u16,
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl SmtpServer {
    /// Runs `python3` with the arguments `args` gives for the port, and
    /// waits until the port answers.
    pub(crate) async fn start(args: impl FnOnce(u16) -> Vec<String>) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new("python3")
            .args(args(port))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 with aiosmtpd (scripts/test installs it)");
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Self { child, port }
    }

    /// A node's settings for sending through this server.
    pub(crate) fn config(&self) -> koine::config::SmtpConfig {
        koine::config::SmtpConfig {
            host: "127.0.0.1".into(),
            port: self.port,
            username: None,
            password: None,
            security: "none".into(),
        }
    }
}

async fn verification_mail_arrives_over_smtp(backend: Backend) {
    let maildir = tempfile::tempdir().unwrap();
    let boxed = maildir.path().join("box");
    let server = SmtpServer::start(|port| {
        let listen = format!("127.0.0.1:{port}");
        ["-m", "aiosmtpd", "-n", "-l", &listen, "-c", "aiosmtpd.handlers.Mailbox"]
            .map(String::from)
            .into_iter()
            .chain([boxed.display().to_string()])
            .collect()
    })
    .await;
    let app = TestApp::spawn_with(backend, |c| c.smtp = Some(server.config())).await;
    let (status, _) = app
        .browser()
        .signup("Mail", "mail@example.org", "", STRONG_PASSWORD, "1990-01-01")
        .await;
    assert_eq!(status, reqwest::StatusCode::OK);
    assert_eq!(app.deliver().await, 1);
    let new = maildir.path().join("box/new");
    let files: Vec<_> = std::fs::read_dir(&new).expect("maildir written").collect();
    assert_eq!(files.len(), 1);
    let raw = std::fs::read_to_string(files[0].as_ref().unwrap().path()).unwrap();
    assert!(raw.contains("To: mail@example.org"), "{raw}");
    assert!(raw.contains("Subject: Confirm your email address for Koine"));
    assert!(raw.contains("/verify/email?token="));
    assert!(
        !app.data_dir().join("outbox/mail").exists(),
        "nothing written as files when SMTP is configured"
    );
    assert_eq!(app.count("outbox").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smtp_sqlite() {
    verification_mail_arrives_over_smtp(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smtp_postgres() {
    verification_mail_arrives_over_smtp(Backend::Postgres).await
}
