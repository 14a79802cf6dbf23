//! The language server: state, document store, conversion to and from the protocol,
//! capabilities, configuration and file watching. Handlers are thin: convert, call `ide`,
//! convert back. Heavy work runs on blocking threads, never on the message loop, and a
//! panic in a handler becomes an `InternalError` answer.

mod capabilities;
pub mod convert;
mod notifications;
mod output;
mod publish;
mod pull;
mod requests;
mod state;
mod transport;

use std::sync::{Arc, Mutex, OnceLock};

use tokio::sync::Notify;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, ClientSocket, LanguageServer, LspService};

use capabilities::ClientCaps;
use state::State;

/// The server. Cheap to clone: every clone shares one state.
#[derive(Clone)]
pub struct Server {
    inner: Arc<Inner>,
}

struct Inner {
    client: Client,
    state: Mutex<State>,
    /// Serialises analyses (see [`state::analyse`]).
    serial: Mutex<()>,
    /// Wakes the diagnostics publisher.
    publish: Notify,
    caps: OnceLock<ClientCaps>,
    /// Our own frames (diagnostics) to the output, when serving through [`serve`].
    frames: OnceLock<output::FrameSender>,
    /// The findings, and what was published of them.
    publisher: Mutex<publish::Publisher>,
}

impl Server {
    fn new(client: Client) -> Self {
        Server {
            inner: Arc::new(Inner {
                client,
                state: Mutex::new(State::new()),
                serial: Mutex::new(()),
                publish: Notify::new(),
                caps: OnceLock::new(),
                frames: OnceLock::new(),
                publisher: Mutex::new(publish::Publisher::default()),
            }),
        }
    }

    /// `oneonone/documentText`: the server's copy of an open document, so that a client (or
    /// a test) can check that incremental sync kept it identical to its own.
    async fn document_text(&self, params: TextDocumentIdentifier) -> Result<Option<String>> {
        let path = convert::path(&params.uri);
        Ok(state::lock(&self.inner.state)
            .docs
            .get(&path)
            .map(|d| crate::text::rope::text_of(&d.rope)))
    }

    /// A malformed request the transport let through only to be answered: `InvalidRequest`
    /// with the reason it found.
    async fn invalid_request(&self, params: serde_json::Value) -> Result<()> {
        let reason = params["reason"].as_str().unwrap_or("a malformed request");
        Err(Error {
            code: tower_lsp_server::jsonrpc::ErrorCode::InvalidRequest,
            message: reason.to_string().into(),
            data: None,
        })
    }

    fn client(&self) -> &Client {
        &self.inner.client
    }

    fn caps(&self) -> ClientCaps {
        self.inner.caps.get().cloned().unwrap_or_default()
    }

    /// Runs `f` on a blocking thread; a panic in it answers `InternalError` and the server
    /// goes on.
    async fn blocking<T: Send + 'static>(
        &self,
        what: &'static str,
        f: impl FnOnce(&Server) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let this = self.clone();
        match tokio::task::spawn_blocking(move || f(&this)).await {
            Ok(result) => result,
            Err(e) => {
                let message = if e.is_panic() {
                    "panicked"
                } else {
                    "was cancelled"
                };
                eprintln!("oneonone-ls: {what} {message}");
                let mut err = Error::internal_error();
                err.message = format!("oneonone-ls: {what} {message}").into();
                Err(err)
            }
        }
    }
}

/// The protocol library's service (run by [`serve`] behind [`pull::Service`]).
fn service() -> (LspService<Server>, ClientSocket) {
    LspService::build(Server::new)
        .custom_method("oneonone/documentText", Server::document_text)
        .custom_method(transport::INVALID_REQUEST, Server::invalid_request)
        .finish()
}

/// Serves one client on `input` and `output` until `exit` (or the end of `input`); returns
/// whether `shutdown` came first.
pub async fn serve<I, O>(input: I, output: O) -> bool
where
    I: tokio::io::AsyncRead + Unpin + Send + 'static,
    O: tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let (service, socket) = service();
    let inner = service.inner().inner.clone();
    // Frames go through `transport::sanitize` first, so that no malformed input reaches
    // the protocol library's reader (which stops at the first frame it cannot decode).
    let (checked, to_server) = tokio::io::duplex(1 << 16);
    tokio::spawn(transport::sanitize(input, to_server));
    // One writer for the library's messages and the publisher's frames.
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let backlog = std::sync::Arc::new(output::Backlog::default());
    let writer = tokio::spawn(output::write_all(output, rx, backlog.clone()));
    let _ = inner.frames.set(output::FrameSender {
        tx: tx.clone(),
        backlog,
    });
    let service = pull::Service {
        server: service.inner().clone(),
        lsp: service,
    };
    tower_lsp_server::Server::new(checked, output::LibraryOutput(tx.clone()), socket)
        .serve(service)
        .await;
    // Everything written so far goes out (a client that stopped reading gets a second).
    let _ = tx.send(output::Chunk::Finish);
    let _ = tokio::time::timeout(std::time::Duration::from_secs(1), writer).await;
    let shutdown = state::lock(&inner.state).shutdown;
    shutdown
}

/// Runs the server on stdin and stdout until `exit`; returns the process exit code (0 when
/// `shutdown` came first, else 1).
pub fn run_stdio() -> i32 {
    widen_stdout_pipe();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("oneonone-ls: cannot start: {e}");
            return 2;
        }
    };
    let shutdown = runtime.block_on(serve(tokio::io::stdin(), tokio::io::stdout()));
    let code = if shutdown { 0 } else { 1 };
    // Do not wait for background work (indexing, publishing) once the client said exit.
    runtime.shutdown_background();
    code
}

/// A pipe holds 64 kB by default, so a publication of a few hundred kB (a long running doc
/// with its stale loops) goes out in many turns, each waiting for the editor to read. On
/// Linux the pipe to the editor is widened (to 1 MB, or as much as the system allows);
/// anything else is left as it is.
#[cfg(target_os = "linux")]
fn widen_stdout_pipe() {
    use std::os::fd::AsRawFd;
    let fd = std::io::stdout().as_raw_fd();
    // SAFETY: fstat and fcntl only read and set properties of our own standard output.
    unsafe {
        let mut stat: libc::stat = std::mem::zeroed();
        if libc::fstat(fd, &mut stat) != 0 || stat.st_mode & libc::S_IFMT != libc::S_IFIFO {
            return;
        }
        for size in [1 << 20, 1 << 19, 1 << 18] {
            if libc::fcntl(fd, libc::F_SETPIPE_SZ, size) >= 0 {
                return;
            }
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn widen_stdout_pipe() {}

impl LanguageServer for Server {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        Ok(self.on_initialize(params))
    }

    async fn initialized(&self, _: InitializedParams) {
        self.on_initialized().await;
    }

    async fn shutdown(&self) -> Result<()> {
        state::lock(&self.inner.state).shutdown = true;
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        self.on_did_open(params);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        self.on_did_change(params);
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        self.on_did_close(params).await;
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        self.on_watched_files(params).await;
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        self.on_configuration(params).await;
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        self.blocking("hover", move |s| s.hover(params)).await
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        self.blocking("completion", move |s| s.completion(params))
            .await
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        self.blocking("codeAction", move |s| s.code_action(params))
            .await
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        self.blocking("definition", move |s| s.definition(params))
            .await
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        self.blocking("references", move |s| s.references(params))
            .await
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        self.blocking("prepareRename", move |s| s.prepare_rename(params))
            .await
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        self.blocking("rename", move |s| s.rename(params)).await
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        self.blocking("documentSymbol", move |s| s.document_symbol(params))
            .await
    }

    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> Result<Option<WorkspaceSymbolResponse>> {
        self.blocking("workspaceSymbol", move |s| s.workspace_symbol(params))
            .await
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        self.blocking("foldingRange", move |s| s.folding_range(params))
            .await
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        self.blocking("inlayHint", move |s| s.inlay_hint(params))
            .await
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        self.blocking("codeLens", move |s| s.code_lens(params))
            .await
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
        self.on_execute_command(params).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_panicking_handler_answers_internal_error_and_the_server_goes_on() {
        let (service, _socket) = service();
        let server = service.inner();
        let failed: Result<()> = server.blocking("test", |_| panic!("boom")).await;
        let err = failed.unwrap_err();
        assert_eq!(
            err.code,
            tower_lsp_server::jsonrpc::ErrorCode::InternalError
        );
        assert!(err.message.contains("test panicked"));
        // The state lock is still usable afterwards.
        let ok = server
            .blocking("after", |s| Ok(state::lock(&s.inner.state).docs.len()))
            .await;
        assert_eq!(ok.unwrap(), 0);
    }
}
