//! The server's output: what the protocol library writes and the diagnostics the publisher
//! serialises itself, as whole frames, on one writer.
//!
//! The publisher skips the library for `textDocument/publishDiagnostics` because the library
//! turns every notification into a `serde_json::Value` tree before writing it: for a running
//! doc with a couple of thousand findings that tree costs more than all the analysis of a
//! keystroke. Serialising the typed parameters straight to bytes costs a fifth of it.

use std::collections::VecDeque;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Condvar, Mutex};
use std::task::{Context, Poll};

use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use tower_lsp_server::jsonrpc::Id;
use tower_lsp_server::ls_types::Uri;

/// What reaches the writer.
pub enum Chunk {
    /// Bytes the protocol library wrote (whole frames in practice; the writer does not rely
    /// on it).
    Library(Vec<u8>),
    /// One whole frame of our own.
    Frame(Vec<u8>),
    /// The library is done: write what came before, then stop.
    Finish,
}

/// The writer the protocol library is given: it hands every write to [`write_all`].
pub struct LibraryOutput(pub UnboundedSender<Chunk>);

impl AsyncWrite for LibraryOutput {
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Poll::Ready(match self.0.send(Chunk::Library(buf.to_vec())) {
            Ok(()) => Ok(buf.len()),
            Err(_) => Err(io::ErrorKind::BrokenPipe.into()),
        })
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// Past this many bytes of our frames waiting for the writer, the publisher waits.
const BACKLOG_LIMIT: usize = 1 << 18;

/// The bytes of our own frames handed to the writer and not written yet.
///
/// The publisher renders on a thread of its own and can outrun a client that reads slowly:
/// a workspace's first publication would then sit in memory whole (3.5 MB for the 10 MB
/// benchmark workspace). It waits instead while a quarter of a megabyte is waiting.
#[derive(Default)]
pub struct Backlog {
    state: Mutex<BacklogState>,
    drained: Condvar,
}

#[derive(Default)]
struct BacklogState {
    bytes: usize,
    /// The writer has stopped: nothing will drain any more.
    closed: bool,
}

impl Backlog {
    fn state(&self) -> std::sync::MutexGuard<'_, BacklogState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Blocks the calling thread while the backlog is over its limit (and the writer
    /// runs), then counts `n` bytes more.
    fn reserve(&self, n: usize) {
        let mut st = self.state();
        while st.bytes > BACKLOG_LIMIT && !st.closed {
            st = self.drained.wait(st).unwrap_or_else(|p| p.into_inner());
        }
        st.bytes += n;
    }

    fn written(&self, n: usize) {
        let mut st = self.state();
        st.bytes = st.bytes.saturating_sub(n);
        self.drained.notify_all();
    }

    fn close(&self) {
        self.state().closed = true;
        self.drained.notify_all();
    }
}

/// Hands our own frames to the writer.
#[derive(Clone)]
pub struct FrameSender {
    pub tx: UnboundedSender<Chunk>,
    pub backlog: Arc<Backlog>,
}

impl FrameSender {
    /// Sends one frame, first waiting while too many bytes are waiting. Blocks: call it
    /// from a blocking thread, never from the message loop.
    pub fn send_blocking(&self, frame: Vec<u8>) {
        self.backlog.reserve(frame.len());
        if self.tx.send(Chunk::Frame(frame)).is_err() {
            self.backlog.close();
        }
    }
}

/// Closes the backlog however the writer ends, so that no publisher waits on it forever.
struct CloseOnDrop(Arc<Backlog>);

impl Drop for CloseOnDrop {
    fn drop(&mut self) {
        self.0.close();
    }
}

/// Writes the chunks to `out` in order, holding our own frames back while the library's
/// byte stream is inside a frame, until [`Chunk::Finish`] or a write error.
pub async fn write_all<O: AsyncWrite + Unpin>(
    mut out: O,
    mut rx: UnboundedReceiver<Chunk>,
    backlog: Arc<Backlog>,
) {
    let backlog = CloseOnDrop(backlog);
    let mut framing = Framing::default();
    let mut held: VecDeque<Vec<u8>> = VecDeque::new();
    while let Some(first) = rx.recv().await {
        let mut next = Some(first);
        let mut finished = false;
        // Write everything that is waiting, then flush once.
        while let Some(chunk) = next.take() {
            let result = match chunk {
                Chunk::Library(bytes) => {
                    framing.feed(&bytes);
                    out.write_all(&bytes).await
                }
                Chunk::Frame(frame) => {
                    held.push_back(frame);
                    Ok(())
                }
                Chunk::Finish => {
                    finished = true;
                    Ok(())
                }
            };
            if result.is_err() {
                return;
            }
            while framing.at_boundary() {
                let Some(frame) = held.pop_front() else { break };
                if out.write_all(&frame).await.is_err() {
                    return;
                }
                backlog.0.written(frame.len());
            }
            if !finished {
                next = rx.try_recv().ok();
            }
        }
        if out.flush().await.is_err() || finished {
            return;
        }
    }
}

/// Where the library's byte stream is: in a header (the bytes of it so far) or in a body
/// (the bytes left).
enum Framing {
    Header(Vec<u8>),
    Body(usize),
}

impl Default for Framing {
    fn default() -> Self {
        Framing::Header(Vec::new())
    }
}

impl Framing {
    fn at_boundary(&self) -> bool {
        matches!(self, Framing::Header(h) if h.is_empty())
    }

    fn feed(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            match self {
                Framing::Body(left) => {
                    let n = (*left).min(bytes.len());
                    *left -= n;
                    bytes = &bytes[n..];
                    if *left == 0 {
                        *self = Framing::default();
                    }
                }
                Framing::Header(header) => {
                    header.push(bytes[0]);
                    bytes = &bytes[1..];
                    if header.ends_with(b"\r\n\r\n") {
                        let length = content_length(header);
                        *self = if length == 0 {
                            Framing::default()
                        } else {
                            Framing::Body(length)
                        };
                    }
                }
            }
        }
    }
}

/// The body length a header announces (the transport's reading of each line).
fn content_length(header: &[u8]) -> usize {
    String::from_utf8_lossy(header)
        .lines()
        .filter_map(super::transport::content_length)
        .filter_map(Result::ok)
        .next_back()
        .unwrap_or(0)
}

/// A `textDocument/publishDiagnostics` notification as one frame, given its diagnostics
/// already serialised (a JSON array): an unchanged list is serialised once, not per keystroke.
pub fn publish_diagnostics_frame(uri: &Uri, diagnostics: &[u8], version: Option<i32>) -> Vec<u8> {
    let head = br#"{"jsonrpc":"2.0","method":"textDocument/publishDiagnostics","params":{"uri":"#;
    let uri = to_json(uri);
    let version = version
        .map(|v| format!(r#","version":{v}"#))
        .unwrap_or_default();
    // The header first, then the body straight after it: one buffer, one copy.
    frame_of(&[
        head,
        &uri,
        br#","diagnostics":"#,
        diagnostics,
        version.as_bytes(),
        b"}}",
    ])
}

/// The answer to a `textDocument/diagnostic` request as one frame, the diagnostics
/// already serialised (a JSON array).
pub fn diagnostic_answer_frame(id: &Id, answer: &super::pull::Answer) -> Vec<u8> {
    use super::pull::Answer;
    let id = to_json(id);
    // `resultId` is left out when there is none, as the protocol's optional fields are.
    let result = match answer {
        Answer::Unchanged(result_id) => [
            &br#"{"kind":"unchanged","resultId":"#[..],
            &to_json(result_id),
            b"}",
        ]
        .concat(),
        Answer::Full(Some(result_id), items) => [
            &br#"{"kind":"full","resultId":"#[..],
            &to_json(result_id),
            br#","items":"#,
            items,
            b"}",
        ]
        .concat(),
        Answer::Full(None, items) => [&br#"{"kind":"full","items":"#[..], items, b"}"].concat(),
    };
    frame_of(&[
        br#"{"jsonrpc":"2.0","id":"#,
        &id,
        br#","result":"#,
        &result,
        b"}",
    ])
}

/// One frame of the parts of a body, in one buffer.
fn frame_of(parts: &[&[u8]]) -> Vec<u8> {
    let length: usize = parts.iter().map(|p| p.len()).sum();
    let mut frame = format!("Content-Length: {length}\r\n\r\n").into_bytes();
    frame.reserve_exact(length);
    for part in parts {
        frame.extend_from_slice(part);
    }
    frame
}

/// A small value of a frame (an id, a string, a URI) as JSON; they always serialise.
fn to_json<T: serde::Serialize + ?Sized>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_else(|_| b"null".to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Our frames wait while the library is inside a frame, even one split across writes,
    /// and go out in order once it is between frames.
    #[tokio::test]
    async fn frames_go_between_the_library_frames_never_inside_them() {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let (mut client, server_out) = tokio::io::duplex(1 << 16);
        let writer = tokio::spawn(write_all(server_out, rx, Arc::default()));
        let lib = |s: &str| Chunk::Library(s.as_bytes().to_vec());
        for chunk in [
            lib("Content-Length: 7\r\n\r\n{\"a\":"),
            Chunk::Frame(b"Content-Length: 2\r\n\r\n{}".to_vec()),
            lib("1}Content-"),
            Chunk::Frame(b"Content-Length: 2\r\n\r\n[]".to_vec()),
            lib("Length: 2\r\n\r\nxy"),
            Chunk::Finish,
        ] {
            tx.send(chunk).ok();
        }
        writer.await.ok();
        let mut out = Vec::new();
        // The writer has ended and dropped its end: read all.
        tokio::io::AsyncReadExt::read_to_end(&mut client, &mut out)
            .await
            .ok();
        assert_eq!(
            String::from_utf8_lossy(&out),
            "Content-Length: 7\r\n\r\n{\"a\":1}Content-Length: 2\r\n\r\nxy\
             Content-Length: 2\r\n\r\n{}Content-Length: 2\r\n\r\n[]"
        );
    }

    /// A publisher over the limit waits until the writer has written enough, or is gone.
    #[test]
    fn the_publisher_waits_while_its_frames_wait_for_the_writer() {
        for drain in [true, false] {
            let backlog = Arc::new(Backlog::default());
            backlog.reserve(BACKLOG_LIMIT + 1);
            let (done_tx, done_rx) = std::sync::mpsc::channel();
            let waiting = backlog.clone();
            std::thread::spawn(move || {
                waiting.reserve(10);
                done_tx.send(()).ok();
            });
            let early = done_rx.recv_timeout(std::time::Duration::from_millis(50));
            assert!(early.is_err(), "the second frame went in over the limit");
            if drain {
                backlog.written(BACKLOG_LIMIT + 1);
            } else {
                drop(CloseOnDrop(backlog.clone()));
            }
            done_rx.recv().expect("the publisher goes on");
            if drain {
                assert_eq!(backlog.state().bytes, 10);
            }
        }
    }

    /// An answer to a pull is the response the protocol library would write, full or
    /// unchanged.
    #[test]
    fn a_pull_answer_frame_is_the_response_the_library_would_send() {
        use super::super::pull::Answer;
        use tower_lsp_server::ls_types::{Diagnostic, Position, Range};
        let diagnostics = vec![Diagnostic {
            range: Range::new(Position::new(3, 0), Position::new(3, 9)),
            message: "Open \"42\" days".into(),
            ..Default::default()
        }];
        let items = Arc::new(serde_json::to_vec(&diagnostics).expect("json"));
        let cases = [
            (
                Answer::Full(Some("r-7".into()), items),
                serde_json::json!({"kind": "full", "resultId": "r-7", "items": diagnostics}),
            ),
            (
                Answer::Full(None, Arc::new(b"[]".to_vec())),
                serde_json::json!({"kind": "full", "items": []}),
            ),
            (
                Answer::Unchanged("r-7".into()),
                serde_json::json!({"kind": "unchanged", "resultId": "r-7"}),
            ),
        ];
        for (answer, result) in cases {
            for id in [Id::Number(12), Id::String("a\"b".into())] {
                let frame = diagnostic_answer_frame(&id, &answer);
                let text = String::from_utf8(frame).expect("utf-8");
                let (header, body) = text.split_once("\r\n\r\n").expect("a header");
                assert_eq!(header, format!("Content-Length: {}", body.len()));
                let sent: serde_json::Value = serde_json::from_str(body).expect("JSON");
                let expected = serde_json::to_value(tower_lsp_server::jsonrpc::Response::from_ok(
                    id.clone(),
                    result.clone(),
                ))
                .expect("a response");
                assert_eq!(sent, expected);
            }
        }
    }

    /// The frame says what the protocol library would: the same notification, field for
    /// field, with and without a version.
    #[test]
    fn a_diagnostics_frame_is_the_notification_the_library_would_send() {
        use tower_lsp_server::ls_types::{Diagnostic, Position, PublishDiagnosticsParams, Range};
        let uri: Uri = "file:///notes/priya%20k.1on1.md".parse().expect("a uri");
        let diagnostics = vec![Diagnostic {
            range: Range::new(Position::new(1, 2), Position::new(1, 9)),
            message: "Open since \"2026-11-01\" ✓".into(),
            ..Default::default()
        }];
        for version in [Some(7), None] {
            let json = serde_json::to_vec(&diagnostics).expect("json");
            let frame = publish_diagnostics_frame(&uri, &json, version);
            let text = String::from_utf8(frame).expect("utf-8");
            let (header, body) = text.split_once("\r\n\r\n").expect("a header");
            assert_eq!(header, format!("Content-Length: {}", body.len()));
            let params = PublishDiagnosticsParams::new(uri.clone(), diagnostics.clone(), version);
            let expected = serde_json::json!({
                "jsonrpc": "2.0",
                "method": "textDocument/publishDiagnostics",
                "params": params,
            });
            let got: serde_json::Value = serde_json::from_str(body).expect("json");
            assert_eq!(got, expected);
        }
    }
}
