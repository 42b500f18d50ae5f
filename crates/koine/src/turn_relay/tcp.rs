//! TURN over TCP, and over TLS (RFC 5766 §2.1), for members whose network
//! lets no UDP out, or only HTTPS. Each connection carries STUN messages and ChannelData back to
//! back, each framed by its own length field; this listener turns them into
//! the datagrams the webrtc-rs server reads, keyed by the client's address,
//! and writes the server's answers back on the right connection. The
//! relayed side stays UDP, as TURN's allocations are.

use async_trait::async_trait;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio_rustls::TlsAcceptor;
use webrtc_util::Conn;

/// A client that sends nothing for this long is dropped (allocations are
/// refreshed well within it).
const IDLE: Duration = Duration::from_secs(15 * 60);
/// Open connections at most; more are closed as they come.
const MAX_CLIENTS: usize = 10_000;
/// Frames waiting to be written to one client; past this they are dropped,
/// as a datagram would be.
const CLIENT_QUEUE: usize = 256;
/// A TLS handshake not done by then is dropped.
const HANDSHAKE: Duration = Duration::from_secs(10);

type Frame = (Vec<u8>, SocketAddr);
type Clients = Arc<Mutex<HashMap<SocketAddr, mpsc::Sender<Vec<u8>>>>>;

/// The TCP (or TLS) listener, as a `Conn` the TURN server reads from.
pub struct TcpConns {
    local: SocketAddr,
    inbound: tokio::sync::Mutex<mpsc::Receiver<Frame>>,
    clients: Clients,
    accept: tokio::task::JoinHandle<()>,
}

impl TcpConns {
    /// Listens on `addr`; with `tls`, each connection is TLS first.
    pub async fn bind(addr: SocketAddr, tls: Option<TlsAcceptor>) -> std::io::Result<Self> {
        let listener = TcpListener::bind(addr).await?;
        let local = listener.local_addr()?;
        let (to_server, inbound) = mpsc::channel(1024);
        let clients = Clients::default();
        let accept = tokio::spawn(accept(listener, tls, to_server, clients.clone()));
        Ok(Self {
            local,
            inbound: tokio::sync::Mutex::new(inbound),
            clients,
            accept,
        })
    }
}

fn locked(clients: &Clients) -> std::sync::MutexGuard<'_, HashMap<SocketAddr, mpsc::Sender<Vec<u8>>>> {
    clients.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

async fn accept(listener: TcpListener, tls: Option<TlsAcceptor>, to_server: mpsc::Sender<Frame>, clients: Clients) {
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(c) => c,
            Err(e) => {
                // Out of descriptors and the like: wait rather than spin.
                tracing::warn!("the TURN relay's TCP listener: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let (to_server, clients) = (to_server.clone(), clients.clone());
        match &tls {
            None => {
                tokio::spawn(serve(stream, peer, to_server, clients));
            }
            Some(acceptor) => {
                let handshake = acceptor.accept(stream);
                tokio::spawn(async move {
                    if let Ok(Ok(stream)) = tokio::time::timeout(HANDSHAKE, handshake).await {
                        serve(stream, peer, to_server, clients).await;
                    }
                });
            }
        }
    }
}

/// Carries one client's frames both ways until it goes quiet or away.
async fn serve<S>(stream: S, peer: SocketAddr, to_server: mpsc::Sender<Frame>, clients: Clients)
where
    S: AsyncRead + AsyncWrite + Send + 'static,
{
    let queued = {
        let mut all = locked(&clients);
        if all.len() >= MAX_CLIENTS {
            return;
        }
        let (out, queued) = mpsc::channel(CLIENT_QUEUE);
        all.insert(peer, out);
        queued
    };
    let (read, write) = tokio::io::split(stream);
    tokio::spawn(write_to(write, queued));
    let mut read = BufReader::new(read);
    while let Ok(Ok(frame)) = tokio::time::timeout(IDLE, next_frame(&mut read)).await {
        if to_server.send((frame, peer)).await.is_err() {
            break;
        }
    }
    // Its sender dropped, the writer ends and the connection closes.
    locked(&clients).remove(&peer);
}

async fn write_to(mut write: impl AsyncWrite + Unpin, mut queued: mpsc::Receiver<Vec<u8>>) {
    while let Some(frame) = queued.recv().await {
        // Flushed frame by frame: TLS holds written bytes until then.
        if write.write_all(&frame).await.is_err() || write.flush().await.is_err() {
            break;
        }
    }
}

/// The next STUN message or ChannelData on a stream, without the padding
/// ChannelData carries over TCP.
pub(crate) async fn next_frame(read: &mut (impl AsyncRead + Unpin)) -> std::io::Result<Vec<u8>> {
    let mut head = [0u8; 4];
    read.read_exact(&mut head).await?;
    let length = usize::from(u16::from_be_bytes([head[2], head[3]]));
    let (rest, keep) = match head[0] >> 6 {
        // STUN: a 20-byte header (4 read), then `length` bytes of attributes.
        0b00 => (16 + length, 20 + length),
        // ChannelData: padded to a multiple of four on a stream.
        0b01 => (length.next_multiple_of(4), 4 + length),
        _ => {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "neither STUN nor ChannelData",
            ));
        }
    };
    let mut frame = vec![0; 4 + rest];
    frame[..4].copy_from_slice(&head);
    read.read_exact(&mut frame[4..]).await?;
    frame.truncate(keep);
    Ok(frame)
}

#[async_trait]
impl Conn for TcpConns {
    async fn connect(&self, _addr: SocketAddr) -> webrtc_util::Result<()> {
        Err(webrtc_util::Error::Other("a listener does not connect".into()))
    }

    async fn recv(&self, buf: &mut [u8]) -> webrtc_util::Result<usize> {
        Ok(self.recv_from(buf).await?.0)
    }

    async fn recv_from(&self, buf: &mut [u8]) -> webrtc_util::Result<(usize, SocketAddr)> {
        let (frame, from) = self
            .inbound
            .lock()
            .await
            .recv()
            .await
            .ok_or_else(|| webrtc_util::Error::Other("the TCP listener stopped".into()))?;
        let n = frame.len().min(buf.len());
        buf[..n].copy_from_slice(&frame[..n]);
        Ok((n, from))
    }

    async fn send(&self, _buf: &[u8]) -> webrtc_util::Result<usize> {
        Err(webrtc_util::Error::Other("send needs an address".into()))
    }

    async fn send_to(&self, buf: &[u8], target: SocketAddr) -> webrtc_util::Result<usize> {
        let client = locked(&self.clients).get(&target).cloned();
        if let Some(client) = client {
            // A full queue drops the frame rather than stall every client.
            let _ = client.try_send(buf.to_vec());
        }
        Ok(buf.len())
    }

    fn local_addr(&self) -> webrtc_util::Result<SocketAddr> {
        Ok(self.local)
    }

    fn remote_addr(&self) -> Option<SocketAddr> {
        None
    }

    async fn close(&self) -> webrtc_util::Result<()> {
        self.accept.abort();
        locked(&self.clients).clear();
        Ok(())
    }

    fn as_any(&self) -> &(dyn std::any::Any + Send + Sync) {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::next_frame;

    #[tokio::test]
    async fn frames_are_cut_by_their_own_lengths() {
        // A STUN binding request with 4 bytes of attributes, then
        // ChannelData of 5 bytes padded to 8, then a truncated frame.
        let stun = [0x00, 0x01, 0x00, 0x04, 0x21, 0x12, 0xa4, 0x42]
            .into_iter()
            .chain([7u8; 12])
            .chain([1, 2, 3, 4])
            .collect::<Vec<u8>>();
        let data = [0x40, 0x00, 0x00, 0x05, 9, 9, 9, 9, 9, 0, 0, 0];
        let mut stream: Vec<u8> = stun.iter().chain(data.iter()).copied().collect();
        stream.extend_from_slice(&[0x40, 0x01, 0x00, 0x10, 1]);
        let mut r = stream.as_slice();
        assert_eq!(next_frame(&mut r).await.unwrap(), stun);
        assert_eq!(next_frame(&mut r).await.unwrap(), data[..9].to_vec());
        assert!(next_frame(&mut r).await.is_err(), "a frame cut short is an error");
        let mut junk: &[u8] = &[0xc0, 0, 0, 0];
        assert!(next_frame(&mut junk).await.is_err(), "neither STUN nor ChannelData");
    }
}
