//! Bounds on what one client connection may hold: the time to send a request (its
//! headers and body, from its first byte), the time a connection may sit idle between
//! requests, and the body's own deadline (a middleware, [`body_deadline`]). A client that
//! opens a connection and trickles bytes, or never finishes a body, is cut off instead of
//! holding a task, a socket and the shutdown for ever.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

use super::Sim;
use super::body::MAX_BODY;
use super::errors::ApiError;

/// How long a client may take, and how long a shutdown waits for one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// From a request's first byte until its answer starts: its headers and body arrive
    /// (and it is handled) within this.
    pub request: Duration,
    /// A request body arrives within this once its headers are read.
    pub body: Duration,
    /// A connection with no request in progress is closed after this long.
    pub idle: Duration,
    /// A shutdown waits this long for the requests in flight, then stops them.
    pub shutdown: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            request: Duration::from_secs(30),
            body: Duration::from_secs(20),
            idle: Duration::from_secs(300),
            shutdown: Duration::from_secs(10),
        }
    }
}

/// A connection whose reads fail with `TimedOut` past the current deadline: `idle` after
/// the last answer (or the connection's start), `request` after a request's first byte.
pub struct TimedIo<S> {
    inner: S,
    limits: Limits,
    deadline: Pin<Box<Sleep>>,
    /// A request is being read (bytes came since the last answer).
    in_request: bool,
}

impl<S> TimedIo<S> {
    pub fn new(inner: S, limits: Limits) -> Self {
        TimedIo {
            inner,
            limits,
            deadline: Box::pin(tokio::time::sleep(limits.idle)),
            in_request: false,
        }
    }

    /// An answer is going out: the request is over; the next one may take its time to
    /// start.
    fn answering(&mut self) {
        self.in_request = false;
        let until = Instant::now() + self.limits.idle;
        self.deadline.as_mut().reset(until);
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for TimedIo<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        match Pin::new(&mut self.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if buf.filled().len() > before && !self.in_request {
                    self.in_request = true;
                    let until = Instant::now() + self.limits.request;
                    self.deadline.as_mut().reset(until);
                }
                Poll::Ready(Ok(()))
            }
            Poll::Pending => match self.deadline.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "the client took too long to send its request",
                ))),
                Poll::Pending => Poll::Pending,
            },
            ready => ready,
        }
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for TimedIo<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let written = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(written, Poll::Ready(Ok(n)) if n > 0) {
            self.answering();
        }
        written
    }

    /// Vectored writes go through, so that hyper sends a large answer's body from its own
    /// buffer (`writev`) instead of first copying it behind the headers.
    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let written = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(written, Poll::Ready(Ok(n)) if n > 0) {
            self.answering();
        }
        written
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// A listener whose connections are [`TimedIo`].
pub struct TimedListener<L> {
    inner: L,
    limits: Limits,
}

impl<L> TimedListener<L> {
    pub fn new(inner: L, limits: Limits) -> Self {
        TimedListener { inner, limits }
    }
}

impl<L> axum::serve::Listener for TimedListener<L>
where
    L: axum::serve::Listener,
    L::Io: Unpin,
{
    type Io = TimedIo<L::Io>;
    type Addr = L::Addr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        let (io, addr) = self.inner.accept().await;
        (TimedIo::new(io, self.limits), addr)
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

/// Reads the request body within [`Limits::body`] (and [`MAX_BODY`]): 408 when it does not
/// arrive in time, 413 when it is larger.
pub async fn body_deadline(State(sim): State<Arc<Sim>>, request: Request, next: Next) -> Response {
    let limit = sim.limits.body;
    let (parts, body) = request.into_parts();
    match tokio::time::timeout(limit, axum::body::to_bytes(body, MAX_BODY)).await {
        Ok(Ok(bytes)) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Ok(Err(e)) => {
            let too_large =
                std::iter::successors(Some(&e as &dyn std::error::Error), |e| e.source())
                    .any(|e| e.to_string().contains("length limit"));
            if too_large {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    Some("body"),
                    format!("the request body is larger than {MAX_BODY} bytes"),
                )
            } else {
                ApiError::bad_request("body", format!("unreadable request body: {e}"))
            }
            .into_response()
        }
        Err(_) => ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            Some("body"),
            format!(
                "the request body did not arrive within {} s",
                limit.as_secs_f64()
            ),
        )
        .into_response(),
    }
}
