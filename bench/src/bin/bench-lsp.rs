//! `bench-lsp [--bytes N] [--keys N]`: drives the release server over stdio like an editor:
//! initialize on a folder holding one generated running doc of about N bytes (default
//! 1 MB), open it, type N keystrokes in its newest meeting and time each until its
//! diagnostics for that version are published, then time completions after `#`.
//! Build first: `cargo build --release --workspace`.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Instant;

use serde_json::{json, Value};

struct Lsp {
    _child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Lsp {
    fn send(&mut self, msg: Value) {
        let body = serde_json::to_vec(&msg).expect("json");
        let _ = write!(self.stdin, "Content-Length: {}\r\n\r\n", body.len());
        let _ = self.stdin.write_all(&body);
        let _ = self.stdin.flush();
    }

    fn recv(&mut self) -> Value {
        let mut len = 0;
        loop {
            let mut line = String::new();
            if self.stdout.read_line(&mut line).unwrap_or(0) == 0 {
                panic!("the server closed its output");
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(v) = line.strip_prefix("Content-Length: ") {
                len = v.parse().unwrap_or(0);
            }
        }
        let mut body = vec![0; len];
        self.stdout.read_exact(&mut body).expect("body");
        serde_json::from_slice(&body).expect("json")
    }

    fn until(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        loop {
            let m = self.recv();
            if pred(&m) {
                return m;
            }
        }
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let get = |name: &str, default: usize| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let (bytes, keys) = (get("--bytes", 1_000_000), get("--keys", 100));
    let target = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target");
    let bin = target.join("release/oneonone-ls");
    let dir = target.join(format!("bench-corpus/doc-{bytes}"));
    std::fs::create_dir_all(&dir).expect("folder");
    let dir = std::fs::canonicalize(&dir).expect("folder");
    let doc = oneonone_bench::running_doc_of_size(1, bytes);
    let path = dir.join("priya.1on1.md");
    std::fs::write(&path, &doc).expect("doc");
    std::fs::write(dir.join(".1on1.json"), "{\"today\": \"2026-11-25\"}").expect("config");

    let mut child = Command::new(&bin)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("server");
    let stdin = child.stdin.take().expect("stdin");
    let stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut lsp = Lsp {
        _child: child,
        stdin,
        stdout,
    };
    let uri = format!("file://{}", path.display());
    let started = Instant::now();
    lsp.send(
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"processId": null,
        "rootUri": format!("file://{}", dir.display()), "capabilities": {}}}),
    );
    lsp.until(|m| m["id"] == 1);
    let init_ms = started.elapsed().as_secs_f64() * 1000.0;
    lsp.send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    lsp.send(
        json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": uri, "languageId": "markdown", "version": 1, "text": doc}}}),
    );
    lsp.until(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["version"] == 1);
    let first_ms = started.elapsed().as_secs_f64() * 1000.0;

    // Type at the end of the file: the newest meeting of an oldest-first doc.
    let line = doc.lines().count();
    let mut key_ms = Vec::new();
    for k in 0..keys {
        let version = k as i64 + 2;
        let t = Instant::now();
        lsp.send(json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"range": {"start": {"line": line, "character": k}, "end": {"line": line, "character": k}}, "text": "x"}]}}));
        lsp.until(|m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["version"] == version
        });
        key_ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    // Completion after `#` and in a new list item (the carried-over loops), each 20 times.
    let version = keys as i64 + 2;
    lsp.send(json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
        "textDocument": {"uri": uri, "version": version},
        "contentChanges": [{"range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": keys}}, "text": "- #\n- "}]}}));
    let mut completion_ms = Vec::new();
    for k in 0..40 {
        let (l, c) = if k % 2 == 0 { (line, 3) } else { (line + 1, 2) };
        let t = Instant::now();
        lsp.send(
            json!({"jsonrpc": "2.0", "id": 100 + k, "method": "textDocument/completion", "params": {
            "textDocument": {"uri": uri}, "position": {"line": l, "character": c}}}),
        );
        let answer = lsp.until(|m| m["id"] == 100 + k);
        completion_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        assert!(
            !answer["result"]["items"]
                .as_array()
                .is_none_or(|a| a.is_empty()),
            "completion found nothing"
        );
    }
    key_ms.sort_by(f64::total_cmp);
    completion_ms.sort_by(f64::total_cmp);
    println!(
        "doc {:.2} MB: initialize answered {init_ms:.1} ms, first diagnostics {first_ms:.1} ms",
        doc.len() as f64 / 1e6
    );
    println!(
        "keystroke -> diagnostics ({keys}): p50 {:.1} ms, p95 {:.1} ms",
        percentile(&key_ms, 0.5),
        percentile(&key_ms, 0.95)
    );
    println!(
        "completion after # and in a list item (40): p50 {:.1} ms, p95 {:.1} ms",
        percentile(&completion_ms, 0.5),
        percentile(&completion_ms, 0.95)
    );
    lsp.send(json!({"jsonrpc": "2.0", "id": 999, "method": "shutdown"}));
    lsp.until(|m| m["id"] == 999);
    lsp.send(json!({"jsonrpc": "2.0", "method": "exit"}));
}
