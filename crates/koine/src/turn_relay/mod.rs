//! The TURN relay built into the binary (webrtc-rs `turn`, over UDP and
//! TCP on one port), for installs without a coturn. It takes the same short-lived credentials
//! Koine hands browsers for an external relay, and checks more than their
//! signature: they must be a lesson member's and unexpired. Its relayed
//! sockets carry nothing to or from private, loopback or otherwise
//! non-public addresses unless the operator allows it (tests on one
//! machine do).

use async_trait::async_trait;
use koine_domain::classroom::{parse_turn_user_name, relay_may_reach};
use koine_services::clock::Clock;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use tokio::net::UdpSocket;
use turn::auth::{AuthHandler, generate_auth_key};
use turn::relay::RelayAddressGenerator;
use turn::server::Server;
use turn::server::config::{ConnConfig, ServerConfig};
use webrtc_util::Conn;

/// Socket buffers of the listening UDP socket, as coturn sizes its own:
/// every client's packets queue in this one socket, and a burst that
/// overflows the kernel's default (about 200 KiB) is lost. The kernel
/// caps it at `net.core.rmem_max` / `wmem_max`.
const LISTEN_BUFFER_BYTES: usize = 2 << 20;

mod tcp;

/// Where browsers reach the relay, the address its relayed sockets
/// announce, and what it may reach.
#[derive(Clone)]
pub struct EmbeddedTurn {
    pub listen: SocketAddr,
    /// The address put in relay candidates: the machine's public one.
    pub relay_ip: IpAddr,
    /// The shared secrets, newest first (`TurnRelay::secrets`).
    pub secrets: Vec<String>,
    /// Relay to private and loopback peers too (one-machine tests only).
    pub allow_private_peers: bool,
    /// Credentials expire by the same clock that issued them.
    pub clock: Clock,
    /// TURN over TLS too: where, and with which certificate.
    pub tls: Option<(SocketAddr, tokio_rustls::TlsAcceptor)>,
}

/// The URL of the relay's TLS listener: `host` must be the name its
/// certificate carries.
pub fn tls_url(host: &str, port: u16) -> String {
    format!("turns:{host}:{port}?transport=tcp")
}

/// A certificate chain and key from PEM files, for the TLS listener.
pub fn tls_acceptor(cert: &std::path::Path, key: &std::path::Path) -> Result<tokio_rustls::TlsAcceptor, String> {
    use tokio_rustls::rustls;
    use tokio_rustls::rustls::pki_types::pem::PemObject;
    use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let read = |p: &std::path::Path| std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()));
    let chain = CertificateDer::pem_slice_iter(&read(cert)?)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("{}: {e}", cert.display()))?;
    let key = PrivateKeyDer::from_pem_slice(&read(key)?).map_err(|e| format!("{}: {e}", key.display()))?;
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| e.to_string())?;
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}

/// A running relay; dropping it leaves it running, `close` stops it.
pub struct RunningTurn {
    server: Server,
    pub addr: SocketAddr,
}

impl RunningTurn {
    pub async fn close(self) {
        if let Err(e) = self.server.close().await {
            tracing::warn!("closing the TURN relay: {e}");
        }
    }
}

/// The URLs browsers are given for a relay at `ip`:`port`: UDP first,
/// TCP for networks that let no UDP out (and [`tls_url`] where TLS is on).
pub fn urls(ip: IpAddr, port: u16) -> Vec<String> {
    let host = match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => format!("[{v6}]"),
    };
    ["udp", "tcp"]
        .map(|t| format!("turn:{host}:{port}?transport={t}"))
        .to_vec()
}

impl EmbeddedTurn {
    pub async fn start(&self) -> std::io::Result<RunningTurn> {
        let socket = UdpSocket::bind(self.listen).await?;
        let buffers = socket2::SockRef::from(&socket);
        buffers.set_recv_buffer_size(LISTEN_BUFFER_BYTES)?;
        buffers.set_send_buffer_size(LISTEN_BUFFER_BYTES)?;
        let addr = socket.local_addr()?;
        // TCP on the same port (the one the configuration names, or the
        // one UDP was given).
        let tcp = tcp::TcpConns::bind(addr, None).await?;
        let relay_sockets = || {
            Box::new(RelaySockets {
                bind_ip: self.listen.ip(),
                relay_ip: self.relay_ip,
                allow_private_peers: self.allow_private_peers,
            })
        };
        let mut conn_configs = vec![
            ConnConfig {
                conn: Arc::new(socket),
                relay_addr_generator: relay_sockets(),
            },
            ConnConfig {
                conn: Arc::new(tcp),
                relay_addr_generator: relay_sockets(),
            },
        ];
        if let Some((listen, acceptor)) = &self.tls {
            conn_configs.push(ConnConfig {
                conn: Arc::new(tcp::TcpConns::bind(*listen, Some(acceptor.clone())).await?),
                relay_addr_generator: relay_sockets(),
            });
        }
        let server = Server::new(ServerConfig {
            conn_configs,
            realm: "koine".into(),
            auth_handler: Arc::new(LessonCredentials {
                secrets: self.secrets.clone(),
                clock: self.clock.clone(),
            }),
            channel_bind_timeout: std::time::Duration::ZERO,
            alloc_close_notify: None,
        })
        .await
        .map_err(std::io::Error::other)?;
        Ok(RunningTurn { server, addr })
    }
}

/// Accepts exactly the credentials `classroom::room` issues, under any of
/// the secrets: the one whose id the user name carries (a name made before
/// names carried one was signed with the first).
struct LessonCredentials {
    secrets: Vec<String>,
    clock: Clock,
}

impl AuthHandler for LessonCredentials {
    fn auth_handle(&self, user_name: &str, realm: &str, _from: SocketAddr) -> Result<Vec<u8>, turn::Error> {
        let (expires, _lesson, _member, secret_id) =
            parse_turn_user_name(user_name).ok_or_else(|| turn::Error::Other("not a lesson credential".into()))?;
        if self.clock.now_us().div_euclid(1_000_000) >= expires {
            return Err(turn::Error::Other("expired credential".into()));
        }
        let secret = match secret_id {
            Some(id) => self
                .secrets
                .iter()
                .find(|s| koine_services::classroom::turn_secret_id(s) == id)
                .ok_or_else(|| turn::Error::Other("signed with a secret no longer kept".into()))?,
            None => self
                .secrets
                .first()
                .ok_or_else(|| turn::Error::Other("no secret".into()))?,
        };
        let password = koine_services::classroom::turn_password(secret, user_name);
        Ok(generate_auth_key(user_name, realm, &password))
    }
}

/// Binds each allocation's relayed socket, behind the peer policy.
struct RelaySockets {
    bind_ip: IpAddr,
    relay_ip: IpAddr,
    allow_private_peers: bool,
}

#[async_trait]
impl RelayAddressGenerator for RelaySockets {
    fn validate(&self) -> Result<(), turn::Error> {
        Ok(())
    }

    async fn allocate_conn(
        &self,
        use_ipv4: bool,
        requested_port: u16,
    ) -> Result<(Arc<dyn Conn + Send + Sync>, SocketAddr), turn::Error> {
        if use_ipv4 != self.bind_ip.is_ipv4() {
            return Err(turn::Error::Other("address family not relayed".into()));
        }
        let socket = UdpSocket::bind(SocketAddr::new(self.bind_ip, requested_port))
            .await
            .map_err(|e| turn::Error::Other(e.to_string()))?;
        let mut relayed = socket.local_addr().map_err(|e| turn::Error::Other(e.to_string()))?;
        relayed.set_ip(self.relay_ip);
        let conn = PeerPolicy {
            socket,
            allow_private: self.allow_private_peers,
        };
        Ok((Arc::new(conn), relayed))
    }
}

/// A relayed socket that drops what would go to, or came from, an address
/// the relay may not reach.
struct PeerPolicy {
    socket: UdpSocket,
    allow_private: bool,
}

impl PeerPolicy {
    fn may_reach(&self, peer: SocketAddr) -> bool {
        self.allow_private || relay_may_reach(peer.ip())
    }
}

#[async_trait]
impl Conn for PeerPolicy {
    async fn connect(&self, addr: SocketAddr) -> webrtc_util::Result<()> {
        if !self.may_reach(addr) {
            return Err(webrtc_util::Error::Other(format!("{addr} is not relayed to")));
        }
        Ok(self.socket.connect(addr).await?)
    }

    async fn recv(&self, buf: &mut [u8]) -> webrtc_util::Result<usize> {
        Ok(self.recv_from(buf).await?.0)
    }

    async fn recv_from(&self, buf: &mut [u8]) -> webrtc_util::Result<(usize, SocketAddr)> {
        loop {
            let (n, from) = self.socket.recv_from(buf).await?;
            if self.may_reach(from) {
                return Ok((n, from));
            }
        }
    }

    async fn send(&self, buf: &[u8]) -> webrtc_util::Result<usize> {
        Ok(self.socket.send(buf).await?)
    }

    async fn send_to(&self, buf: &[u8], target: SocketAddr) -> webrtc_util::Result<usize> {
        if !self.may_reach(target) {
            // Dropped like any lost datagram; the sender learns nothing of
            // what lies behind the relay.
            return Ok(buf.len());
        }
        Ok(self.socket.send_to(buf, target).await?)
    }

    fn local_addr(&self) -> webrtc_util::Result<SocketAddr> {
        Ok(self.socket.local_addr()?)
    }

    fn remote_addr(&self) -> Option<SocketAddr> {
        None
    }

    async fn close(&self) -> webrtc_util::Result<()> {
        Ok(())
    }

    fn as_any(&self) -> &(dyn std::any::Any + Send + Sync) {
        self
    }
}
