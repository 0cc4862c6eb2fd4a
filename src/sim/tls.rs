//! HTTPS for the simulator: the PEM certificate chain and key (`--tls-cert`, `--tls-key`),
//! rustls with the `ring` provider, and a listener that hands axum finished TLS streams.

use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::{self, ServerConfig};
use tokio_rustls::server::TlsStream;

/// A handshake that takes longer than this is dropped (the client gave up or is not TLS).
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Why the certificate or key cannot be used: one sentence naming the file and the
/// option to fix.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// The certificate file is unreadable, not PEM, or holds no certificate.
    #[error(
        "the TLS certificate file {} {problem}: give --tls-cert a PEM file holding the \
         server's certificate (and its chain)",
        .path.display()
    )]
    Certificate {
        /// The `--tls-cert` file.
        path: PathBuf,
        /// What is wrong with it.
        problem: FileProblem,
    },
    /// The key file is unreadable or holds no usable private key.
    #[error(
        "the TLS key file {} {problem}: give --tls-key a PEM file holding the private key \
         of --tls-cert",
        .path.display()
    )]
    Key {
        /// The `--tls-key` file.
        path: PathBuf,
        /// What is wrong with it.
        problem: FileProblem,
    },
    /// The key does not belong to the certificate.
    #[error(
        "the TLS key file {} does not go with the certificate in {} ({source}): give \
         --tls-key the private key of --tls-cert",
        .key_file.display(),
        .cert_file.display()
    )]
    Mismatch {
        /// The `--tls-key` file.
        key_file: PathBuf,
        /// The `--tls-cert` file.
        cert_file: PathBuf,
        /// What rustls found.
        #[source]
        source: rustls::Error,
    },
    /// rustls refused its own default protocol versions.
    #[error("cannot set up TLS: {0}")]
    Setup(#[source] rustls::Error),
}

/// What is wrong with a certificate or key file (the middle of a [`TlsError`] sentence).
#[derive(Debug, thiserror::Error)]
pub enum FileProblem {
    /// The file cannot be read.
    #[error("cannot be read ({0})")]
    Unreadable(#[source] io::Error),
    /// The file is not PEM.
    #[error("is not PEM ({0})")]
    NotPem(#[source] rustls_pki_types::pem::Error),
    /// The file is PEM but holds no certificate.
    #[error("holds no PEM certificate")]
    NoCertificate,
    /// The file holds no private key rustls can use.
    #[error("holds no usable private key ({0})")]
    NoKey(#[source] rustls_pki_types::pem::Error),
}

/// The acceptor for this certificate chain and key; an unusable file is one sentence
/// naming it.
pub fn acceptor(cert_file: &Path, key_file: &Path) -> Result<TlsAcceptor, TlsError> {
    let chain = read_chain(cert_file)?;
    let key = read_key(key_file)?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(TlsError::Setup)?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|source| TlsError::Mismatch {
            key_file: key_file.to_path_buf(),
            cert_file: cert_file.to_path_buf(),
            source,
        })?;
    Ok(TlsAcceptor::from(Arc::new(config)))
}

fn read_chain(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let bad = |problem: FileProblem| TlsError::Certificate {
        path: path.to_path_buf(),
        problem,
    };
    let pem = std::fs::read(path).map_err(|e| bad(FileProblem::Unreadable(e)))?;
    let chain = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| bad(FileProblem::NotPem(e)))?;
    if chain.is_empty() {
        return Err(bad(FileProblem::NoCertificate));
    }
    Ok(chain)
}

fn read_key(path: &Path) -> Result<PrivateKeyDer<'static>, TlsError> {
    let bad = |problem: FileProblem| TlsError::Key {
        path: path.to_path_buf(),
        problem,
    };
    let pem = std::fs::read(path).map_err(|e| bad(FileProblem::Unreadable(e)))?;
    PrivateKeyDer::from_pem_slice(&pem).map_err(|e| bad(FileProblem::NoKey(e)))
}

/// A TCP listener whose connections are TLS streams. Handshakes run side by side, so a
/// slow or failing client does not hold up the others; failed ones are dropped.
pub struct TlsListener {
    tcp: TcpListener,
    acceptor: TlsAcceptor,
    handshakes: JoinSet<Option<(TlsStream<TcpStream>, SocketAddr)>>,
}

impl TlsListener {
    pub fn new(tcp: TcpListener, acceptor: TlsAcceptor) -> Self {
        TlsListener {
            tcp,
            acceptor,
            handshakes: JoinSet::new(),
        }
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            tokio::select! {
                accepted = self.tcp.accept() => match accepted {
                    Ok((stream, peer)) => {
                        let acceptor = self.acceptor.clone();
                        self.handshakes.spawn(async move {
                            let handshake = acceptor.accept(stream);
                            match tokio::time::timeout(HANDSHAKE_TIMEOUT, handshake).await {
                                Ok(Ok(tls)) => Some((tls, peer)),
                                _ => None,
                            }
                        });
                    }
                    // Out of file descriptors and the like: wait a little, as axum does.
                    Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
                },
                Some(joined) = self.handshakes.join_next() => {
                    if let Ok(Some(done)) = joined {
                        return done;
                    }
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.tcp.local_addr()
    }
}
