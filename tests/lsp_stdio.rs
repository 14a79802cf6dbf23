//! A smoke suite against the built binary over its real stdin and stdout.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_oneonone-ls");

struct Proc {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
}

impl Proc {
    fn start(args: &[&str]) -> Proc {
        let mut child = Command::new(BIN)
            .args(args)
            .env("ONEONONE_TODAY", "2026-11-25")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        Proc {
            child,
            stdin,
            stdout,
        }
    }

    fn send(&mut self, msg: Value) {
        let body = serde_json::to_vec(&msg).unwrap();
        let stdin = self.stdin.as_mut().unwrap();
        stdin
            .write_all(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes())
            .unwrap();
        stdin.write_all(&body).unwrap();
        stdin.flush().unwrap();
    }

    /// The next frame on stdout; every byte there must be a protocol frame.
    fn recv(&mut self) -> Value {
        let mut header = String::new();
        self.stdout.read_line(&mut header).unwrap();
        let len: usize = header
            .strip_prefix("Content-Length: ")
            .unwrap_or_else(|| panic!("not a frame on stdout: {header:?}"))
            .trim()
            .parse()
            .unwrap();
        let mut blank = String::new();
        self.stdout.read_line(&mut blank).unwrap();
        assert_eq!(blank, "\r\n");
        let mut body = vec![0; len];
        self.stdout.read_exact(&mut body).unwrap();
        serde_json::from_slice(&body).unwrap()
    }

    fn recv_until(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        loop {
            let m = self.recv();
            if pred(&m) {
                return m;
            }
        }
    }

    /// Waits for the process to end (stdin stays open), within a few seconds.
    fn exit_code(&mut self) -> i32 {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code().unwrap_or(-1);
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "the server did not exit"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

fn initialize(p: &mut Proc, root: &std::path::Path) {
    p.send(
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "processId": null, "rootUri": format!("file://{}", root.display()), "capabilities": {}}}),
    );
    let init = p.recv();
    assert_eq!(init["id"], 1, "{init}");
    p.send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
}

#[test]
fn serves_diagnostics_and_hover_then_exits_0_after_shutdown() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    std::fs::write(
        root.join("a.1on1.md"),
        "## 2026-11-24\n### Agenda\n- Fixed the build\n",
    )
    .unwrap();
    let mut p = Proc::start(&["--stdio"]);
    // Garbage before initialize is skipped, not fatal.
    p.stdin
        .as_mut()
        .unwrap()
        .write_all(b"Content-Length: 5\r\n\r\nhello")
        .unwrap();
    initialize(&mut p, &root);
    let d = p.recv_until(|m| m["method"] == "textDocument/publishDiagnostics");
    assert_eq!(d["params"]["diagnostics"][0]["code"], "status-only-agenda");
    let uri = format!("file://{}", root.join("a.1on1.md").display());
    p.send(
        json!({"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover", "params": {
        "textDocument": {"uri": uri}, "position": {"line": 0, "character": 4}}}),
    );
    let h = p.recv_until(|m| m["id"] == 2);
    assert!(h["result"]["contents"]["value"]
        .as_str()
        .unwrap()
        .contains("1:1 on 2026-11-24"));
    p.send(json!({"jsonrpc": "2.0", "id": 3, "method": "shutdown"}));
    p.recv_until(|m| m["id"] == 3);
    p.send(json!({"jsonrpc": "2.0", "method": "exit"}));
    assert_eq!(
        p.exit_code(),
        0,
        "exit after shutdown, with stdin still open"
    );
}

#[test]
fn exit_without_shutdown_exits_1_and_a_closed_stdin_ends_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = Proc::start(&[]);
    initialize(&mut p, dir.path());
    p.send(json!({"jsonrpc": "2.0", "method": "exit"}));
    assert_eq!(p.exit_code(), 1);
    let mut p = Proc::start(&[]);
    initialize(&mut p, dir.path());
    drop(p.stdin.take());
    let code = p.exit_code();
    assert_eq!(code, 1);
}
