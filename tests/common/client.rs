//! A test client for the language server: real JSON-RPC frames over an in-memory pipe,
//! answering the server's own requests (configuration, registration, progress, applyEdit)
//! the way an editor would.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{
    AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, DuplexStream, ReadHalf, WriteHalf,
};
use tokio::sync::mpsc;

/// How long to wait for an event before failing (a failsafe, not a synchronisation).
const PATIENCE: Duration = Duration::from_secs(20);

pub struct Client {
    writer: std::sync::Arc<tokio::sync::Mutex<WriteHalf<DuplexStream>>>,
    inbox: mpsc::UnboundedReceiver<Value>,
    /// Messages read while waiting for something else.
    seen: VecDeque<Value>,
    next_id: i64,
    pub root: PathBuf,
    _dir: Option<tempfile::TempDir>,
}

/// What the client tells the server at `initialize`.
pub struct Setup {
    pub files: Vec<(String, String)>,
    pub init_options: Value,
    /// Settings the client answers `workspace/configuration` with (`None`: it cannot).
    pub pulled_settings: Option<Value>,
    pub utf8: bool,
}

impl Default for Setup {
    fn default() -> Self {
        Setup {
            files: Vec::new(),
            init_options: json!({"today": "2026-11-25"}),
            pulled_settings: None,
            utf8: false,
        }
    }
}

pub async fn write_frame(w: &mut (impl AsyncWriteExt + Unpin), msg: &Value) {
    let body = serde_json::to_vec(msg).unwrap();
    w.write_all(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes())
        .await
        .unwrap();
    w.write_all(&body).await.unwrap();
    w.flush().await.unwrap();
}

pub async fn read_frame(r: &mut (impl AsyncBufReadExt + Unpin)) -> Option<Value> {
    let mut len = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).await.ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length:") {
            len = v.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; len?];
    r.read_exact(&mut body).await.ok()?;
    serde_json::from_slice(&body).ok()
}

impl Client {
    /// Writes `setup.files` into a new folder, starts the server in-process, and
    /// initializes it with that folder as the workspace.
    pub async fn start(setup: Setup) -> (Client, Value) {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        for (name, text) in &setup.files {
            let path = root.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let (client_io, server_io) = tokio::io::duplex(1 << 22);
        let (server_read, server_write) = tokio::io::split(server_io);
        tokio::spawn(oneonone_ls::lsp::serve(server_read, server_write));
        let (read, write): (ReadHalf<DuplexStream>, WriteHalf<DuplexStream>) =
            tokio::io::split(client_io);
        let writer = std::sync::Arc::new(tokio::sync::Mutex::new(write));
        let (tx, inbox) = mpsc::unbounded_channel();
        let answers = writer.clone();
        let pulled = setup.pulled_settings.clone();
        tokio::spawn(async move {
            let mut reader = BufReader::new(read);
            while let Some(msg) = read_frame(&mut reader).await {
                // A request from the server: answer it as an editor would.
                if let (Some(id), Some(method)) =
                    (msg.get("id"), msg.get("method").and_then(Value::as_str))
                {
                    let result = match method {
                        "workspace/configuration" => json!([pulled.clone().unwrap_or(Value::Null)]),
                        "workspace/applyEdit" => json!({"applied": true}),
                        _ => Value::Null,
                    };
                    let reply = json!({"jsonrpc": "2.0", "id": id, "result": result});
                    write_frame(&mut *answers.lock().await, &reply).await;
                }
                if tx.send(msg).is_err() {
                    break;
                }
            }
        });
        let mut client = Client {
            writer,
            inbox,
            seen: VecDeque::new(),
            next_id: 0,
            root: root.clone(),
            _dir: Some(dir),
        };
        let encodings = if setup.utf8 {
            json!(["utf-8", "utf-16"])
        } else {
            json!(["utf-16"])
        };
        let capabilities = json!({
            "general": {"positionEncodings": encodings},
            "workspace": {
                "configuration": setup.pulled_settings.is_some(),
                "didChangeWatchedFiles": {"dynamicRegistration": true},
                "applyEdit": true,
                "workspaceEdit": {"documentChanges": true, "resourceOperations": ["create"]}
            },
            "window": {"workDoneProgress": true}
        });
        let init = client
            .request(
                "initialize",
                json!({
                    "processId": null,
                    "rootUri": uri_of(&root),
                    "workspaceFolders": [{"uri": uri_of(&root), "name": "notes"}],
                    "capabilities": capabilities,
                    "initializationOptions": setup.init_options,
                }),
            )
            .await;
        client.notify("initialized", json!({})).await;
        (client, init)
    }

    pub fn uri(&self, name: &str) -> String {
        uri_of(&self.root.join(name))
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.root.join(name)
    }

    pub async fn send(&mut self, msg: Value) {
        write_frame(&mut *self.writer.lock().await, &msg).await;
    }

    /// Writes raw bytes, for malformed input.
    pub async fn send_raw(&mut self, bytes: &[u8]) {
        let mut w = self.writer.lock().await;
        w.write_all(bytes).await.unwrap();
        w.flush().await.unwrap();
    }

    pub async fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}))
            .await;
    }

    /// Sends a request and returns the whole response (`result` or `error`).
    pub async fn request_raw(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
            .await;
        self.wait_for(|m| m.get("id") == Some(&json!(id)) && m.get("method").is_none())
            .await
    }

    /// Sends a request and returns its result, failing the test on an error.
    pub async fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.request_raw(method, params).await;
        assert!(
            response.get("error").is_none(),
            "{method} failed: {response}"
        );
        response["result"].clone()
    }

    /// The next message matching `pred`, from those already seen or still to come.
    pub async fn wait_for(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.seen.iter().position(&pred) {
            return self.seen.remove(i).unwrap();
        }
        loop {
            let msg = tokio::time::timeout(PATIENCE, self.inbox.recv())
                .await
                .expect("the server answered in time")
                .expect("the server is running");
            if pred(&msg) {
                return msg;
            }
            self.seen.push_back(msg);
        }
    }

    /// The diagnostics published for `name` at `version` (`None`: any publication of a
    /// file that is not open), in the order the server sent them.
    pub async fn diagnostics(&mut self, name: &str, version: Option<i64>) -> Vec<Value> {
        let uri = self.uri(name);
        let msg = self
            .wait_for(|m| {
                m["method"] == "textDocument/publishDiagnostics"
                    && m["params"]["uri"] == json!(uri)
                    && version.is_none_or(|v| m["params"]["version"] == json!(v))
            })
            .await;
        msg["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// `line:col rule` for each diagnostic of `name` at `version`.
    pub async fn findings(&mut self, name: &str, version: Option<i64>) -> Vec<String> {
        self.diagnostics(name, version)
            .await
            .iter()
            .map(|d| {
                format!(
                    "{}:{} {}",
                    d["range"]["start"]["line"],
                    d["range"]["start"]["character"],
                    d["code"].as_str().unwrap_or("")
                )
            })
            .collect()
    }

    /// Waits until a publication for `name` has exactly these findings (earlier
    /// publications, of states on the way there, are skipped).
    pub async fn until_findings(&mut self, name: &str, expected: &[&str]) {
        loop {
            let got = self.findings(name, None).await;
            if got == expected {
                return;
            }
        }
    }

    /// The completion list at `pos` of the document `uri`.
    pub async fn complete(&mut self, uri: &str, pos: &Value) -> Value {
        self.request(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri}, "position": pos}),
        )
        .await
    }

    /// A message already received (and not consumed) that matches `pred`.
    pub fn seen_any(&self, pred: impl Fn(&Value) -> bool) -> Option<&Value> {
        self.seen.iter().find(|m| pred(m))
    }

    /// Waits until the workspace is indexed (the end of its progress).
    pub async fn indexed(&mut self) {
        self.wait_for(|m| m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end")
            .await;
    }

    /// Opens a document whose text is `text` (without a `$0` marker).
    pub async fn open(&mut self, name: &str, text: &str) {
        let uri = self.uri(name);
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
        )
        .await;
    }

    pub async fn change(&mut self, name: &str, version: i64, changes: Value) {
        let uri = self.uri(name);
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
        )
        .await;
    }

    /// A server-to-client request seen so far (or still to come) with this method.
    pub async fn server_request(&mut self, method: &str) -> Value {
        self.wait_for(|m| m["method"] == method && m.get("id").is_some())
            .await
    }
}

pub fn uri_of(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// Splits a fixture at its `$0` marker: the text without it, and the marker's (line,
/// UTF-16 column).
pub fn cursor(fixture: &str) -> (String, Value) {
    let at = fixture.find("$0").expect("a $0 marker");
    let text = fixture.replacen("$0", "", 1);
    let before = &fixture[..at];
    let line = before.matches('\n').count();
    let col: usize = before
        .rsplit('\n')
        .next()
        .unwrap_or("")
        .encode_utf16()
        .count();
    (text, json!({"line": line, "character": col}))
}

/// Applies LSP text edits (UTF-16 positions) to a text, as an editor does.
pub fn apply(text: &str, edits: &[Value]) -> String {
    let index = oneonone_ls::text::LineIndex::new(text);
    let unit = oneonone_ls::text::ColumnUnit::Utf16;
    let pos = |p: &Value| {
        let lc = oneonone_ls::text::LineCol {
            line: p["line"].as_u64().unwrap() as u32,
            col: p["character"].as_u64().unwrap() as u32,
        };
        index.offset(text, lc, unit)
    };
    let mut spans: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            (
                pos(&e["range"]["start"]),
                pos(&e["range"]["end"]),
                e["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    spans.sort_by_key(|s| (s.0, s.1));
    let mut out = String::new();
    let mut at = 0;
    for (a, b, new) in spans {
        assert!(a >= at, "overlapping edits");
        out.push_str(&text[at..a]);
        out.push_str(&new);
        at = b;
    }
    out.push_str(&text[at..]);
    out
}
