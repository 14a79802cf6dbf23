//! The built binary as an editor runs it: a child process spoken to over its real stdin and
//! stdout. Every byte the server writes to stdout is parsed strictly as LSP frames on a
//! reader thread (a stray byte fails the test), requests from the server are answered as an
//! editor would, and a watchdog kills a server that outlives its deadline, so that a hang
//! fails the test instead of blocking it.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::{json, Value};

pub const BIN: &str = env!("CARGO_BIN_EXE_oneonone-ls");

/// How long to wait for one answer before failing (a failsafe, not a synchronisation).
const PATIENCE: Duration = Duration::from_secs(30);
/// How long one server may live before the watchdog kills it.
const LIFETIME: Duration = Duration::from_secs(90);

type SharedStdin = Arc<Mutex<Option<ChildStdin>>>;

pub struct Proc {
    pid: u32,
    stdin: SharedStdin,
    inbox: Receiver<Value>,
    /// Messages read while waiting for something else.
    seen: VecDeque<Value>,
    next_id: i64,
    /// The reader thread: the number of frames read, or what was wrong on stdout.
    reader: Option<JoinHandle<Result<usize, String>>>,
    exit: Receiver<ExitStatus>,
    status: Option<ExitStatus>,
    stderr: Arc<Mutex<Vec<u8>>>,
    stderr_reader: Option<JoinHandle<()>>,
    _watchdog: mpsc::Sender<()>,
}

impl Proc {
    /// Starts `oneonone-ls args` with today fixed to 2026-11-25.
    pub fn start(args: &[&str]) -> Proc {
        Proc::start_with(Command::new(BIN).args(args))
    }

    /// Starts a prepared command (another program wrapping the binary, say) with piped
    /// stdio.
    pub fn start_with(cmd: &mut Command) -> Proc {
        let mut child: Child = cmd
            .env("ONEONONE_TODAY", "2026-11-25")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the server starts");
        let pid = child.id();
        let stdin: SharedStdin = Arc::new(Mutex::new(child.stdin.take()));
        let stdout = child.stdout.take().unwrap();
        let mut err_pipe = child.stderr.take().unwrap();
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let sink = stderr.clone();
        let stderr_reader = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = err_pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        let (tx, inbox) = mpsc::channel();
        let answers = stdin.clone();
        let reader = std::thread::spawn(move || {
            let mut r = BufReader::with_capacity(1 << 16, stdout);
            let mut frames = 0;
            loop {
                match strict_frame(&mut r) {
                    Ok(None) => return Ok(frames),
                    Ok(Some(msg)) => {
                        frames += 1;
                        answer_server_request(&answers, &msg);
                        let _ = tx.send(msg);
                    }
                    Err(e) => return Err(format!("after {frames} good frames: {e}")),
                }
            }
        });
        let (exit_tx, exit) = mpsc::channel();
        std::thread::spawn(move || {
            if let Ok(status) = child.wait() {
                let _ = exit_tx.send(status);
            }
        });
        let (watchdog, expired) = mpsc::channel::<()>();
        std::thread::spawn(move || {
            // Dropping the sender (the test is over) ends the wait early.
            if expired.recv_timeout(LIFETIME) == Err(RecvTimeoutError::Timeout) {
                eprintln!("the server outlived {LIFETIME:?}: killed");
                kill(pid);
            }
        });
        Proc {
            pid,
            stdin,
            inbox,
            seen: VecDeque::new(),
            next_id: 1000,
            reader: Some(reader),
            exit,
            status: None,
            stderr,
            stderr_reader: Some(stderr_reader),
            _watchdog: watchdog,
        }
    }

    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// Writes raw bytes to the server's stdin.
    pub fn send_raw(&mut self, bytes: &[u8]) {
        let mut stdin = self.stdin.lock().unwrap();
        let stdin = stdin.as_mut().expect("stdin is open");
        stdin.write_all(bytes).expect("the server reads its stdin");
        stdin.flush().unwrap();
    }

    /// Sends one message in a well-formed frame.
    pub fn send(&mut self, msg: &Value) {
        self.send_raw(&frame(&serde_json::to_vec(msg).unwrap()));
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request without waiting; returns its id.
    pub fn request_async(&mut self, method: &str, params: Value) -> i64 {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    /// Sends a request and returns the whole response (`result` or `error`).
    pub fn request_raw(&mut self, method: &str, params: Value) -> Value {
        let id = self.request_async(method, params);
        self.response(id)
    }

    /// Sends a request and returns its result, failing the test on an error.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.request_raw(method, params);
        assert!(
            response.get("error").is_none(),
            "{method} failed: {response}"
        );
        response["result"].clone()
    }

    /// The response to the request `id`.
    pub fn response(&mut self, id: i64) -> Value {
        self.wait_for(|m| m.get("method").is_none() && m["id"] == json!(id))
    }

    /// The error code of the response to `method` with `params`.
    pub fn error_code(&mut self, method: &str, params: Value) -> i64 {
        let r = self.request_raw(method, params);
        r["error"]["code"]
            .as_i64()
            .unwrap_or_else(|| panic!("{method} should fail: {r}"))
    }

    /// The next message matching `pred`, from those already seen or still to come.
    pub fn wait_for(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.seen.iter().position(&pred) {
            return self.seen.remove(i).unwrap();
        }
        loop {
            match self.inbox.recv_timeout(PATIENCE) {
                Ok(msg) if pred(&msg) => return msg,
                Ok(msg) => self.seen.push_back(msg),
                Err(RecvTimeoutError::Timeout) => panic!(
                    "no answer within {PATIENCE:?}; stderr: {}",
                    self.stderr_text()
                ),
                Err(RecvTimeoutError::Disconnected) => panic!(
                    "the server closed its stdout ({:?}); stderr: {}",
                    self.reader_outcome(),
                    self.stderr_text()
                ),
            }
        }
    }

    /// Every message received and not yet consumed, then those still to come until stdout
    /// closes.
    pub fn messages_until_closed(&mut self) -> Vec<Value> {
        let mut out: Vec<Value> = self.seen.drain(..).collect();
        loop {
            match self.inbox.recv_timeout(PATIENCE) {
                Ok(m) => out.push(m),
                Err(RecvTimeoutError::Disconnected) => return out,
                Err(RecvTimeoutError::Timeout) => panic!("stdout did not close"),
            }
        }
    }

    /// Answers `initialize` (as a client with no optional capabilities, so that the server
    /// sends no requests of its own) and sends `initialized`.
    pub fn initialize(&mut self, root: &Path, options: Value) -> Value {
        self.initialize_with(root, options, json!({}))
    }

    pub fn initialize_with(&mut self, root: &Path, options: Value, capabilities: Value) -> Value {
        let uri = uri_of(root);
        let init = self.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": uri,
                "workspaceFolders": [{"uri": uri, "name": "notes"}],
                "capabilities": capabilities,
                "initializationOptions": options,
            }),
        );
        self.notify("initialized", json!({}));
        init
    }

    /// The next diagnostics published for `uri` whose publication matches `pred`. The
    /// publications for `uri` received before it are dropped: they are out of date.
    pub fn diagnostics_where(&mut self, uri: &str, pred: impl Fn(&Value) -> bool) -> Vec<Value> {
        let of_uri = |m: &Value| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == json!(uri)
        };
        let msg = match self
            .seen
            .iter()
            .position(|m| of_uri(m) && pred(&m["params"]))
        {
            Some(i) => {
                let msg = self.seen.remove(i).unwrap();
                let mut k = 0;
                self.seen.retain(|m| {
                    k += 1;
                    k > i || !of_uri(m)
                });
                msg
            }
            None => {
                // Everything in `seen` came before it.
                let msg = self.wait_for(|m| of_uri(m) && pred(&m["params"]));
                self.seen.retain(|m| !of_uri(m));
                msg
            }
        };
        msg["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// The rule ids of the next diagnostics published for `uri` (at `version` if given).
    pub fn rules(&mut self, uri: &str, version: Option<i64>) -> Vec<String> {
        self.diagnostics_where(uri, |p| version.is_none_or(|v| p["version"] == json!(v)))
            .iter()
            .map(|d| d["code"].as_str().unwrap_or("").to_string())
            .collect()
    }

    pub fn open(&mut self, uri: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": version, "text": text}}),
        );
    }

    /// The server's copy of an open document (`None`: it has none).
    pub fn document_text(&mut self, uri: &str) -> Option<String> {
        let r = self.request("oneonone/documentText", json!({"uri": uri}));
        r.as_str().map(str::to_string)
    }

    /// Closes stdin: the end of input.
    pub fn close_stdin(&mut self) {
        self.stdin.lock().unwrap().take();
    }

    /// Waits for the process to end (stdin may stay open) and returns its exit code.
    pub fn exit_code(&mut self) -> i32 {
        if self.status.is_none() {
            let status = self.exit.recv_timeout(PATIENCE).unwrap_or_else(|_| {
                panic!("the server did not exit; stderr: {}", self.stderr_text())
            });
            self.status = Some(status);
            // All of stderr is in once the process is gone.
            if let Some(r) = self.stderr_reader.take() {
                let _ = r.join();
            }
        }
        let status = self.status.unwrap();
        status
            .code()
            .unwrap_or_else(|| panic!("the server was killed: {status:?}"))
    }

    /// Ends the session as an editor does (shutdown, exit) and checks that the server
    /// exited 0 and that its whole stdout was well-formed frames. Returns the number of
    /// frames.
    pub fn shutdown(&mut self) -> usize {
        let id = self.request_async("shutdown", Value::Null);
        let r = self.response(id);
        assert_eq!(r["result"], Value::Null, "{r}");
        self.notify("exit", Value::Null);
        assert_eq!(self.exit_code(), 0, "exit after shutdown");
        self.stdout_was_frames()
    }

    /// After the server exited: every byte it wrote to stdout was a well-formed frame.
    /// Returns the number of frames.
    pub fn stdout_was_frames(&mut self) -> usize {
        let reader = self.reader.take().expect("checked once");
        match reader.join().expect("the reader thread") {
            Ok(n) => n,
            Err(e) => panic!("stdout held something other than LSP frames: {e}"),
        }
    }

    fn reader_outcome(&mut self) -> Option<Result<usize, String>> {
        let r = self.reader.take()?;
        if r.is_finished() {
            r.join().ok()
        } else {
            self.reader = Some(r);
            None
        }
    }

    pub fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr.lock().unwrap()).into_owned()
    }

    /// Peak resident memory of the server so far, in MiB (Linux `VmHWM`).
    pub fn peak_rss_mib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid)).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
        let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kib / 1024)
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        if self.status.is_none() && self.exit.try_recv().is_err() {
            kill(self.pid);
        }
    }
}

fn kill(pid: u32) {
    let _ = Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .stderr(Stdio::null())
        .status();
}

/// `Content-Length: N\r\n\r\n` and the body.
pub fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

pub fn uri_of(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// Answers a request from the server as an editor would: edits are applied, anything else
/// gets `null`.
fn answer_server_request(stdin: &SharedStdin, msg: &Value) {
    let (Some(id), Some(method)) = (msg.get("id"), msg.get("method").and_then(Value::as_str))
    else {
        return;
    };
    let result = match method {
        "workspace/applyEdit" => json!({"applied": true}),
        _ => Value::Null,
    };
    let body = serde_json::to_vec(&json!({"jsonrpc": "2.0", "id": id, "result": result})).unwrap();
    if let Some(w) = stdin.lock().unwrap().as_mut() {
        let _ = w.write_all(&frame(&body)).and_then(|_| w.flush());
    }
}

/// One frame exactly as the base protocol has it: header lines ending in `\r\n`, a
/// `Content-Length` (and at most a `Content-Type`), an empty line, then a JSON-RPC 2.0
/// body of exactly that length. `Ok(None)` at a clean end of the stream.
fn strict_frame(r: &mut impl BufRead) -> Result<Option<Value>, String> {
    let mut length = None;
    let mut first = true;
    loop {
        let mut line = Vec::new();
        r.read_until(b'\n', &mut line)
            .map_err(|e| format!("read error {e}"))?;
        if line.is_empty() {
            return if first {
                Ok(None)
            } else {
                Err("the stream ended inside a header".into())
            };
        }
        first = false;
        let line = String::from_utf8(line).map_err(|_| "a header that is not UTF-8")?;
        let Some(line) = line.strip_suffix("\r\n") else {
            return Err(format!("a header line not ended by CRLF: {line:?}"));
        };
        if line.is_empty() {
            break;
        }
        match line.split_once(": ") {
            Some(("Content-Length", n)) if length.is_none() => {
                length = Some(
                    n.parse::<usize>()
                        .map_err(|_| format!("a bad length: {line:?}"))?,
                );
            }
            Some(("Content-Type", _)) => {}
            _ => return Err(format!("not a frame header: {line:?}")),
        }
    }
    let length = length.ok_or("a frame without Content-Length")?;
    let mut body = vec![0; length];
    r.read_exact(&mut body)
        .map_err(|_| format!("a body shorter than its {length} bytes"))?;
    let msg: Value =
        serde_json::from_slice(&body).map_err(|e| format!("a body that is not JSON: {e}"))?;
    if msg["jsonrpc"] != "2.0" {
        return Err(format!("not JSON-RPC 2.0: {msg}"));
    }
    Ok(Some(msg))
}

/// The note every session starts with: one meeting whose agenda is only status.
pub const NOTE: &str = "## 2026-11-24\n### Agenda\n- Fixed the build\n";

/// A server initialized on a folder holding `a.1on1.md` ([`NOTE`]), with that note open
/// at version 1 and its first diagnostics received.
pub struct Session {
    pub p: Proc,
    pub root: std::path::PathBuf,
    /// The URI of `a.1on1.md`.
    pub uri: String,
    _dir: tempfile::TempDir,
}

impl Session {
    pub fn start() -> Session {
        Session::start_with(json!({}))
    }

    /// With these initialization options.
    pub fn start_with(options: Value) -> Session {
        let (dir, root) = notes_dir();
        let mut p = Proc::start(&[]);
        p.initialize(&root, options);
        let uri = uri_of(&root.join("a.1on1.md"));
        p.open(&uri, 1, NOTE);
        assert_eq!(p.rules(&uri, Some(1)), ["status-only-agenda"]);
        Session {
            p,
            root,
            uri,
            _dir: dir,
        }
    }

    pub fn uri(&self, name: &str) -> String {
        uri_of(&self.root.join(name))
    }

    pub fn assert_serves(&mut self) {
        assert_serves(&mut self.p, &self.uri);
    }
}

/// A new folder (canonical path) holding `a.1on1.md` ([`NOTE`]).
pub fn notes_dir() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    std::fs::write(root.join("a.1on1.md"), NOTE).unwrap();
    (dir, root)
}

/// The server still serves: a hover on the meeting heading of [`NOTE`] (open or indexed at
/// `uri`) gets its right answer.
pub fn assert_serves(p: &mut Proc, uri: &str) {
    let hover = p.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 4}}),
    );
    let text = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(text.contains("1:1 on 2026-11-24"), "{hover}");
}
