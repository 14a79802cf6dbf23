//! Pull diagnostics (`textDocument/diagnostic`), for clients that pull and can be told to
//! pull again: the answer is brought up to date from the last one (see
//! [`super::publish::Publisher::pull`]), and written by the server itself as one frame.
//!
//! The protocol library would turn a full answer into a `serde_json::Value` tree before
//! writing it, which for a running doc of a few thousand findings costs four times what
//! the publisher's own writer does (40 ms against 9 ms for 7,000 findings). So [`Service`]
//! answers these requests before the library sees them, the way the publisher writes
//! `publishDiagnostics`. Before `initialize` and after `shutdown` they go on to the
//! library, which answers with the errors the protocol asks for.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use serde_json::Value;
use tower_lsp_server::jsonrpc::{Error, Id, Request, Response};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{ExitedError, LspService};

use super::state::{analyse, lock};
use super::{convert, Server};

/// The answer to a pull.
pub enum Answer {
    /// The client's diagnostics are current: this is their result id.
    Unchanged(String),
    /// The diagnostics as a JSON array, and their result id (none for a document the
    /// server does not know).
    Full(Option<String>, Arc<Vec<u8>>),
}

impl Server {
    /// The answer to a pull of `p.text_document`'s diagnostics.
    fn pull_answer(&self, p: &DocumentDiagnosticParams) -> Answer {
        // The publisher first, then the workspace, as the publishing loop takes them (see
        // there): findings are never brought up to date with an older workspace.
        let mut publisher = lock(&self.inner.publisher);
        let ws = analyse(&self.inner.state, &self.inner.serial);
        let path = convert::path(&p.text_document.uri);
        let (unit, open) = {
            let st = lock(&self.inner.state);
            (st.unit, st.docs.contains_key(&path))
        };
        let empty = || Answer::Full(None, Arc::new(b"[]".to_vec()));
        // A file that is not open is pushed its diagnostics: answering its pulls too would
        // show them twice.
        let Some(id) = ws.file_by_path(&path).filter(|_| open) else {
            return empty();
        };
        publisher.live.update(&ws);
        let Some(found) = publisher.live.file(id).cloned() else {
            return empty();
        };
        let file = ws.file(id);
        let previous = p.previous_result_id.as_deref();
        match publisher.pull(&file.path, file, &found, unit, previous) {
            (result_id, None) => Answer::Unchanged(result_id),
            (result_id, Some(json)) => Answer::Full(Some(result_id), json),
        }
    }

    /// Answers a pull with a frame of the server's own; `None` when it went out that way.
    async fn pull_raw(&self, id: Id, params: Option<Value>) -> Option<Response> {
        let frames = self.inner.frames.get()?.clone();
        let p: DocumentDiagnosticParams = match params.map(serde_json::from_value) {
            Some(Ok(p)) => p,
            Some(Err(e)) => {
                return Some(Response::from_error(
                    id,
                    Error::invalid_params(e.to_string()),
                ))
            }
            None => return Some(Response::from_error(id, Error::invalid_params("no params"))),
        };
        let request = id.clone();
        let sent = self
            .blocking("diagnostic", move |s| {
                let frame = super::output::diagnostic_answer_frame(&request, &s.pull_answer(&p));
                frames.send_blocking(frame);
                Ok(())
            })
            .await;
        sent.err().map(|e| Response::from_error(id, e))
    }

    /// Whether a pull can be answered here: the client pulls (it was offered pulls), has
    /// initialized and not shut down (else the library gives the error the protocol asks
    /// for), and the server writes its own frames.
    fn answers_pulls(&self) -> bool {
        self.inner.caps.get().is_some_and(|c| c.pull_diagnostics)
            && self.inner.frames.get().is_some()
            && !lock(&self.inner.state).shutdown
    }
}

/// The service the transport runs: the protocol library's, except for pulls of
/// diagnostics, which the server answers itself (see the module's documentation). Their
/// futures run where the library's handler would, so they keep its order with the edits
/// before them.
pub struct Service {
    pub lsp: LspService<Server>,
    pub server: Server,
}

type Answered = std::result::Result<Option<Response>, ExitedError>;

impl tower_service::Service<Request> for Service {
    type Response = Option<Response>;
    type Error = ExitedError;
    type Future = Pin<Box<dyn Future<Output = Answered> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<std::result::Result<(), ExitedError>> {
        self.lsp.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        match req.id().cloned() {
            Some(id)
                if req.method() == "textDocument/diagnostic" && self.server.answers_pulls() =>
            {
                let (_, _, params) = req.into_parts();
                let server = self.server.clone();
                Box::pin(async move { Ok(server.pull_raw(id, params).await) })
            }
            _ => Box::pin(self.lsp.call(req)),
        }
    }
}
