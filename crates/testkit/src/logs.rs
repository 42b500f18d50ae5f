//! Captured logs: a test runs on its own runtime whose every thread sends
//! its log events, at debug level, to one buffer — the server's included,
//! since it runs on that runtime — so a test can read what Koine logged.

use crate::{Backend, TestApp};
use std::future::Future;
use std::sync::{Arc, Mutex};

/// The log lines written so far (JSON, one event per line, as the binary
/// writes them with `KOINE_LOG_FORMAT=json`).
#[derive(Clone, Default)]
pub struct Logs(Arc<Mutex<Vec<u8>>>);

impl Logs {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("log buffer")).into_owned()
    }
}

impl std::io::Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log buffer").extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Runs `test` against a fresh server on `backend`, with every log event
/// of the runtime (server, jobs, database driver) captured in [`Logs`].
pub fn with_captured_logs<F, Fut>(backend: Backend, test: F)
where
    F: FnOnce(TestApp, Logs) -> Fut,
    Fut: Future<Output = ()>,
{
    with_captured_logs_and(backend, |_| {}, test)
}

/// The same, on a server whose configuration `tweak` adjusts.
pub fn with_captured_logs_and<F, Fut>(backend: Backend, tweak: impl FnOnce(&mut koine::config::Config), test: F)
where
    F: FnOnce(TestApp, Logs) -> Fut,
    Fut: Future<Output = ()>,
{
    let logs = Logs::default();
    let dispatch = tracing::Dispatch::new(
        tracing_subscriber::fmt()
            .json()
            .with_max_level(tracing::Level::DEBUG)
            .with_writer({
                let logs = logs.clone();
                move || logs.clone()
            })
            .finish(),
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .on_thread_start({
            let dispatch = dispatch.clone();
            // The guard would restore the previous default when dropped;
            // these threads log to the capture for as long as they live.
            move || std::mem::forget(tracing::dispatcher::set_default(&dispatch))
        })
        .build()
        .expect("test runtime");
    // The calling thread drives `block_on`: it logs to the capture too.
    let _guard = tracing::dispatcher::set_default(&dispatch);
    runtime.block_on(async move {
        let app = TestApp::spawn_with(backend, tweak).await;
        test(app, logs).await
    });
}
