//! A network link the fault harness controls: a TCP forwarder between one
//! node and its database that can be slowed (latency added to every chunk,
//! each way). This kernel has no netem, so latency has to come from a
//! proxy; the partition itself is made with nftables in a network
//! namespace the link's traffic goes through (`scripts/chaos`).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// The state of the link.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum State {
    Open,
    /// Each chunk waits this long before it goes on.
    Slow(Duration),
}

/// A running link; it stops when dropped.
pub struct Link {
    pub addr: SocketAddr,
    state: Arc<watch::Sender<State>>,
    accept: tokio::task::JoinHandle<()>,
}

impl Drop for Link {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

impl Link {
    /// Forwards connections on a free loopback port to `upstream`.
    pub async fn start(upstream: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind the link");
        let addr = listener.local_addr().expect("the link's address");
        let state = Arc::new(watch::channel(State::Open).0);
        let shared = state.clone();
        let accept = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let state = shared.subscribe();
                tokio::spawn(async move {
                    let Ok(server) = TcpStream::connect(upstream).await else {
                        return;
                    };
                    let (cr, cw) = client.into_split();
                    let (sr, sw) = server.into_split();
                    tokio::join!(pump(cr, sw, state.clone()), pump(sr, cw, state));
                });
            }
        });
        Self { addr, state, accept }
    }

    pub fn set(&self, state: State) {
        self.state.send_replace(state);
    }
}

/// Copies one direction, as the link's state allows.
async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    mut state: watch::Receiver<State>,
) {
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let now = *state.borrow_and_update();
        if let State::Slow(delay) = now {
            tokio::time::sleep(delay).await;
        }
        if to.write_all(&buf[..n]).await.is_err() {
            break;
        }
    }
    let _ = to.shutdown().await;
}
