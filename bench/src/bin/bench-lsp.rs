//! `bench-lsp [--quick] [--out DIR]`: drives the release server over stdio like an editor
//! and prints the performance table of the README, measured against its targets:
//!
//! - a workspace of 20 series x 520 weekly meetings (10.4 MB): start -> `initialize`
//!   answered; start -> first diagnostics of the opened running doc; the server's peak
//!   resident memory once every file is indexed and published;
//! - running docs of 100 kB, 1 MB and 4 MB: keystroke -> its diagnostics published (each
//!   keystroke waits for the one before), completion after `#` and in a new list item, and a
//!   burst of 200 keystrokes 10 ms apart -> the diagnostics of the last one.
//!
//! Keystrokes go at the end of the newest meeting. A message counts as published when its
//! last byte has arrived (a reader thread stamps it before parsing). The latencies per
//! keystroke go to `DIR/keystrokes.csv` (default `target/bench`) for the plot. The same
//! keystrokes are measured again for a client that pulls diagnostics (each keystroke, then
//! `textDocument/diagnostic` with the result id it holds -> the answer).
//! `--quick` runs small sizes and few keystrokes, to check that the benchmark works;
//! `--sizes 100000,1000000` picks the doc sizes, `--no-workspace` skips the workspace and
//! `--server PATH` drives another binary (a wrapper that runs the server under a profiler).
//! Build first: `cargo build --release --workspace`.

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// The parts of a message the driver looks at; the diagnostics themselves are skipped.
#[derive(serde::Deserialize)]
struct Head {
    id: Option<Value>,
    method: Option<String>,
    params: Option<HeadParams>,
}

#[derive(serde::Deserialize)]
struct HeadParams {
    uri: Option<String>,
    version: Option<i64>,
}

struct Message {
    at: Instant,
    head: Head,
    body: Vec<u8>,
}

struct Lsp {
    child: Child,
    stdin: ChildStdin,
    rx: Receiver<Message>,
    started: Instant,
}

impl Lsp {
    fn spawn(bin: &Path) -> Lsp {
        let mut child = Command::new(bin)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the server starts");
        let started = Instant::now();
        let stdin = child.stdin.take().expect("stdin");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || loop {
            let mut len = 0;
            loop {
                let mut line = String::new();
                if stdout.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
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
            if stdout.read_exact(&mut body).is_err() {
                return;
            }
            let at = Instant::now();
            let head = serde_json::from_slice(&body).expect("a JSON-RPC message");
            if tx.send(Message { at, head, body }).is_err() {
                return;
            }
        });
        Lsp {
            child,
            stdin,
            rx,
            started,
        }
    }

    fn send(&mut self, msg: Value) -> Instant {
        let body = serde_json::to_vec(&msg).expect("json");
        let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        frame.extend_from_slice(&body);
        let at = Instant::now();
        self.stdin.write_all(&frame).expect("the server reads");
        self.stdin.flush().expect("the server reads");
        at
    }

    fn until(&mut self, what: &str, pred: impl Fn(&Head) -> bool) -> Message {
        loop {
            match self.rx.recv_timeout(Duration::from_secs(120)) {
                Ok(m) if pred(&m.head) => return m,
                Ok(_) => {}
                Err(RecvTimeoutError::Timeout) => panic!("no {what} within 120 s"),
                Err(RecvTimeoutError::Disconnected) => panic!("the server ended before {what}"),
            }
        }
    }

    fn initialize(&mut self, root: &Path) -> f64 {
        self.initialize_with(root, json!({}))
    }

    fn initialize_with(&mut self, root: &Path, capabilities: Value) -> f64 {
        self.send(
            json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "processId": null, "rootUri": uri(root), "capabilities": capabilities}}),
        );
        let answer = self.until("initialize answer", |h| h.id == Some(json!(1)));
        self.send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
        ms(answer.at - self.started)
    }

    fn open(&mut self, path: &Path, text: &str) -> Instant {
        self.send(
            json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
            "textDocument": {"uri": uri(path), "languageId": "markdown", "version": 1,
            "text": text}}}),
        )
    }

    fn type_key(&mut self, path: &Path, version: i64, line: usize, col: usize) -> Instant {
        self.send(
            json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri(path), "version": version},
            "contentChanges": [{"range": {"start": {"line": line, "character": col},
            "end": {"line": line, "character": col}}, "text": "x"}]}}),
        )
    }

    /// Pulls the diagnostics of `path`; the answer and its result id.
    fn pull(&mut self, id: i64, path: &Path, previous: Option<&str>) -> (Instant, Message, String) {
        let sent = self.send(
            json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/diagnostic",
            "params": {"textDocument": {"uri": uri(path)}, "previousResultId": previous}}),
        );
        let answer = self.until("diagnostic answer", |h| h.id == Some(json!(id)));
        let body: Value = serde_json::from_slice(&answer.body).expect("json");
        let result_id = body["result"]["resultId"]
            .as_str()
            .unwrap_or("")
            .to_string();
        (sent, answer, result_id)
    }

    fn diagnostics_of(&mut self, path: &Path, version: i64) -> Message {
        let want = uri(path);
        self.until("diagnostics", |h| {
            h.method.as_deref() == Some("textDocument/publishDiagnostics")
                && h.params
                    .as_ref()
                    .is_some_and(|p| p.uri.as_deref() == Some(&want) && p.version == Some(version))
        })
    }

    /// The server's peak resident set so far and its resident set now, in bytes.
    fn rss(&self) -> (u64, u64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
                .map_or(0, |kb| kb * 1024)
        };
        (field("VmHWM:"), field("VmRSS:"))
    }

    fn stop(mut self) {
        self.send(json!({"jsonrpc": "2.0", "id": 999_999, "method": "shutdown"}));
        self.until("shutdown answer", |h| h.id == Some(json!(999_999)));
        self.send(json!({"jsonrpc": "2.0", "method": "exit"}));
        let _ = self.child.wait();
    }
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// `p50 …, p95 …` (and the max) of latencies in ms.
fn latencies(values: &[f64], with_max: bool) -> String {
    let mut out = format!(
        "p50 {:.2} ms, p95 {:.2} ms",
        percentile(values, 0.5),
        percentile(values, 0.95)
    );
    if with_max {
        out.push_str(&format!(", max {:.2} ms", percentile(values, 1.0)));
    }
    out
}

fn percentile(values: &[f64], p: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

struct Row {
    what: String,
    target: &'static str,
    result: String,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let quick = args.iter().any(|a| a == "--quick");
    let target = oneonone_bench::target_dir();
    let out = args
        .iter()
        .position(|a| a == "--out")
        .and_then(|i| args.get(i + 1))
        .map(PathBuf::from)
        .unwrap_or_else(|| target.join("bench"));
    std::fs::create_dir_all(&out).expect("output folder");
    // `--server PATH` runs another build or a wrapper (a profiler around the server).
    let bin = match args.iter().position(|a| a == "--server") {
        Some(i) => PathBuf::from(args.get(i + 1).expect("--server takes a path")),
        None => target.join("release/oneonone-ls"),
    };
    if !bin.exists() {
        eprintln!("bench-lsp: build first: cargo build --release --workspace");
        std::process::exit(2);
    }
    let mut rows = Vec::new();
    let (series, meetings) = if quick { (4, 60) } else { (20, 520) };
    if !args.iter().any(|a| a == "--no-workspace") {
        workspace(&bin, &target, series, meetings, quick, &mut rows);
    }
    let sizes: Vec<usize> = match args.iter().position(|a| a == "--sizes") {
        Some(i) => args
            .get(i + 1)
            .map(|v| v.split(',').filter_map(|n| n.parse().ok()).collect())
            .unwrap_or_default(),
        None if quick => vec![50_000, 200_000],
        None => vec![100_000, 1_000_000, 4_000_000],
    };
    let keys = if quick { 20 } else { 200 };
    let mut csv = String::from("doc_bytes,mode,keystroke,ms\n");
    let mut p95s = Vec::new();
    let mut pulled_p95s = Vec::new();
    for &bytes in &sizes {
        let d = running_doc(&bin, &target, bytes, keys, quick);
        for (i, v) in d.keystrokes.iter().enumerate() {
            csv.push_str(&format!("{},pushed,{i},{v:.4}\n", d.bytes));
        }
        for (i, v) in d.pulled.keystrokes.iter().enumerate() {
            csv.push_str(&format!("{},pulled,{i},{v:.4}\n", d.bytes));
        }
        let mb = d.bytes as f64 / 1e6;
        let p95 = percentile(&d.keystrokes, 0.95);
        p95s.push(p95);
        rows.push(Row {
            what: format!(
                "keystroke in a {mb:.2} MB running doc -> its diagnostics published ({keys} keystrokes; each publication {:.0} kB)",
                d.published as f64 / 1e3
            ),
            target: "p95 < 2 ms (1 MB)",
            result: latencies(&d.keystrokes, true),
        });
        rows.push(Row {
            what: format!(
                "completion (`#`, carried-over loops) in the {mb:.2} MB doc (40 requests)"
            ),
            target: "p95 < 3 ms (1 MB)",
            result: latencies(&d.completions, false),
        });
        rows.push(Row {
            what: format!("burst of {keys} keystrokes 10 ms apart in the {mb:.2} MB doc: last keystroke -> its diagnostics"),
            target: "< 20 ms (1 MB)",
            result: format!("{:.2} ms", d.burst_last),
        });
        for (how, v) in [("published", &d.changing), ("pulled", &d.pulled.changing)] {
            rows.push(Row {
                what: format!(
                    "keystroke that changes a finding (typed into a stale loop's origin) in the {mb:.2} MB doc -> its diagnostics {how} ({CHANGING} keystrokes)"
                ),
                target: "",
                result: latencies(v, false),
            });
        }
        let pulled = &d.pulled;
        let pulled_p95 = percentile(&pulled.keystrokes, 0.95);
        pulled_p95s.push(pulled_p95);
        rows.push(Row {
            what: format!(
                "keystroke in the {mb:.2} MB doc -> its diagnostics pulled, by a client that pulls ({} of {keys} answered unchanged; largest answer {:.1} kB)",
                pulled.unchanged,
                pulled.largest as f64 / 1e3
            ),
            target: "p95 < 2 ms (1 MB)",
            result: latencies(&pulled.keystrokes, true),
        });
    }
    for (what, p95s) in [("pushed", &p95s), ("pulled", &pulled_p95s)] {
        if p95s.len() < 2 {
            continue;
        }
        let (lo, hi) = p95s
            .iter()
            .fold((f64::MAX, 0.0f64), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
        rows.push(Row {
            what: format!("keystroke p95 across the doc sizes above, diagnostics {what}"),
            target: "flat: within 2x",
            result: format!("{:.2}x (p95 {lo:.2} to {hi:.2} ms)", hi / lo),
        });
    }
    std::fs::write(out.join("keystrokes.csv"), csv).expect("csv written");

    println!("| measure | target | measured |");
    println!("|---|---|---|");
    for r in &rows {
        println!("| {} | {} | {} |", r.what, r.target, r.result);
    }
}

/// The workspace rows: initialize, first diagnostics of the opened doc, peak memory.
fn workspace(
    bin: &Path,
    target: &Path,
    series: usize,
    meetings: usize,
    quick: bool,
    rows: &mut Vec<Row>,
) {
    let corpus = target.join(format!("bench-corpus/ws-{series}x{meetings}"));
    if !corpus.exists() {
        oneonone_bench::write_workspace(&corpus, series, meetings, 1).expect("corpus written");
    }
    let corpus = std::fs::canonicalize(&corpus).expect("corpus");
    let mut notes = oneonone_bench::notes_in(&corpus);
    let bytes: u64 = notes.iter().map(|(l, _)| l).sum();
    notes.sort();
    let (_, largest) = notes.last().cloned().expect("notes in the corpus");
    let text = std::fs::read_to_string(&largest).expect("the doc");
    let mb = bytes as f64 / 1e6;
    let size = format!(
        "{mb:.1} MB workspace ({series} series x {meetings} meetings, {} files)",
        notes.len()
    );

    let runs = if quick { 1 } else { 5 };
    let mut inits = Vec::new();
    let mut firsts = Vec::new();
    let mut peaks = Vec::new();
    let mut settled = Vec::new();
    for _ in 0..runs {
        let mut lsp = Lsp::spawn(bin);
        inits.push(lsp.initialize(&corpus));
        lsp.open(&largest, &text);
        let first = lsp.diagnostics_of(&largest, 1);
        firsts.push(ms(first.at - lsp.started));
        // Indexed: every note's diagnostics published (empty ones too).
        let mut seen: HashSet<String> = HashSet::new();
        while seen.len() < notes.len() {
            let m = lsp.until("diagnostics of every file", |h| {
                h.method.as_deref() == Some("textDocument/publishDiagnostics")
            });
            if let Some(u) = m.head.params.and_then(|p| p.uri) {
                seen.insert(u);
            }
        }
        let (peak, now) = lsp.rss();
        peaks.push(peak);
        settled.push(now);
        lsp.stop();
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let peak = *peaks.iter().max().unwrap_or(&0);
    let after = *settled.iter().max().unwrap_or(&0);
    rows.push(Row {
        what: format!("{size}: start -> initialize answered (median of {runs})"),
        target: "< 50 ms",
        result: format!("{:.1} ms", median(&mut inits)),
    });
    rows.push(Row {
        what: format!(
            "same: start -> first diagnostics of the opened doc ({:.0} kB; median of {runs})",
            text.len() as f64 / 1e3
        ),
        target: "< 300 ms",
        result: format!("{:.1} ms", median(&mut firsts)),
    });
    rows.push(Row {
        what: "same: peak resident memory, every file indexed and published".into(),
        target: "< 5x the corpus",
        result: format!(
            "{:.1} MB ({:.1}x the corpus); {:.1} MB ({:.1}x) once all is published",
            peak as f64 / 1e6,
            peak as f64 / bytes as f64,
            after as f64 / 1e6,
            after as f64 / bytes as f64
        ),
    });
}

struct DocResult {
    bytes: usize,
    keystrokes: Vec<f64>,
    /// The size of the last keystroke's publication, in bytes.
    published: usize,
    completions: Vec<f64>,
    burst_last: f64,
    /// Keystrokes that changed a finding.
    changing: Vec<f64>,
    pulled: Pulled,
}

/// Keystrokes, completions and a burst in one running doc of about `bytes`.
fn running_doc(bin: &Path, target: &Path, bytes: usize, keys: usize, quick: bool) -> DocResult {
    let dir = target.join(format!("bench-corpus/doc-{bytes}"));
    std::fs::create_dir_all(&dir).expect("folder");
    let dir = std::fs::canonicalize(&dir).expect("folder");
    let doc = oneonone_bench::running_doc_of_size(1, bytes);
    let path = dir.join("priya.1on1.md");
    std::fs::write(&path, &doc).expect("doc");
    let today = oneonone_bench::Date::parse(oneonone_bench::LAST_MEETING).add_days(1);
    std::fs::write(
        dir.join(".1on1.json"),
        format!("{{\"today\": \"{today}\"}}"),
    )
    .expect("config");

    let mut lsp = Lsp::spawn(bin);
    lsp.initialize(&dir);
    lsp.open(&path, &doc);
    let opened = lsp.diagnostics_of(&path, 1);
    let opened: Value = serde_json::from_slice(&opened.body).expect("json");
    let stale = stale_origin_line(&doc, &opened["params"]["diagnostics"]);
    // The end of the file is the newest meeting of an oldest-first doc.
    let line = doc.lines().count();
    let mut version = 1;
    let mut keystrokes = Vec::new();
    let mut published_bytes = 0;
    for k in 0..keys {
        version += 1;
        let sent = lsp.type_key(&path, version, line, k);
        let published = lsp.diagnostics_of(&path, version);
        keystrokes.push(ms(published.at - sent));
        published_bytes = published.body.len();
    }
    // Completion after `#` and in a new list item (the carried-over loops).
    version += 1;
    lsp.send(
        json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
        "textDocument": {"uri": uri(&path), "version": version},
        "contentChanges": [{"range": {"start": {"line": line, "character": 0},
        "end": {"line": line, "character": keys}}, "text": "- #\n- "}]}}),
    );
    lsp.diagnostics_of(&path, version);
    let mut completions = Vec::new();
    for k in 0..40 {
        let (l, c) = if k % 2 == 0 { (line, 3) } else { (line + 1, 2) };
        let id = 1000 + k;
        let sent = lsp.send(json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/completion",
            "params": {"textDocument": {"uri": uri(&path)}, "position": {"line": l, "character": c}}}));
        let answer = lsp.until("completion", |h| h.id == Some(json!(id)));
        completions.push(ms(answer.at - sent));
        let items: Value = serde_json::from_slice(&answer.body).expect("json");
        assert!(
            items["result"]["items"]
                .as_array()
                .is_some_and(|a| !a.is_empty()),
            "completion found nothing"
        );
    }
    // A burst: keystrokes 10 ms apart, not waiting; then the last one's diagnostics.
    let burst_line = line + 2;
    let mut last_sent = Instant::now();
    let burst = if quick { 20 } else { 200 };
    for k in 0..burst {
        version += 1;
        last_sent = lsp.type_key(&path, version, burst_line, k);
        std::thread::sleep(Duration::from_millis(10));
    }
    let published = lsp.diagnostics_of(&path, version);
    let burst_last = ms(published.at.saturating_duration_since(last_sent));
    // Keystrokes that change a finding: typed into a stale loop's origin, whose range
    // grows with its text.
    let mut changing = Vec::new();
    for k in 0..CHANGING {
        version += 1;
        let sent = lsp.type_key(&path, version, stale, 6 + k);
        changing.push(ms(lsp.diagnostics_of(&path, version).at - sent));
    }
    lsp.stop();
    let pulled = pulled_keystrokes(bin, &dir, &path, &doc, keys, stale);
    DocResult {
        bytes: doc.len(),
        keystrokes,
        published: published_bytes,
        completions,
        burst_last,
        changing,
        pulled,
    }
}

/// The same keystrokes from a client that pulls diagnostics (as VS Code does): each
/// keystroke, then a pull with the result id held -> the answer.
/// How many keystrokes that change a finding are measured per doc.
const CHANGING: usize = 40;

/// The line of a stale loop's origin that is an open task (`- [ ] …`, its text from column
/// 6): typing into that text changes the finding (its range grows) and nothing the series
/// is derived from.
fn stale_origin_line(doc: &str, diagnostics: &Value) -> usize {
    let lines: Vec<&str> = doc.lines().collect();
    diagnostics
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| d["code"] == "stale-loop")
        .filter_map(|d| d["range"]["start"]["line"].as_u64())
        .map(|l| l as usize)
        .find(|&l| lines.get(l).is_some_and(|t| t.starts_with("- [ ] ")))
        .expect("a stale loop opened by an open task")
}

fn pulled_keystrokes(
    bin: &Path,
    dir: &Path,
    path: &Path,
    doc: &str,
    keys: usize,
    stale: usize,
) -> Pulled {
    let mut lsp = Lsp::spawn(bin);
    lsp.initialize_with(
        dir,
        json!({"textDocument": {"diagnostic": {}}, "workspace": {"diagnostics": {"refreshSupport": true}}}),
    );
    lsp.open(path, doc);
    let (_, first, mut held) = lsp.pull(1, path, None);
    assert!(first.body.len() > 1000, "the first pull holds the findings");
    let line = doc.lines().count();
    let mut out = Pulled {
        keystrokes: Vec::new(),
        unchanged: 0,
        largest: 0,
        changing: Vec::new(),
    };
    for k in 0..keys {
        lsp.type_key(path, k as i64 + 2, line, k);
        let (sent, answer, id) = lsp.pull(10 + k as i64, path, Some(&held));
        out.keystrokes.push(ms(answer.at - sent));
        out.largest = out.largest.max(answer.body.len());
        if id == held {
            out.unchanged += 1;
        }
        held = id;
    }
    for k in 0..CHANGING {
        lsp.type_key(path, (keys + k) as i64 + 2, stale, 6 + k);
        let (sent, answer, id) = lsp.pull(10 + (keys + k) as i64, path, Some(&held));
        assert_ne!(id, held, "a changed finding is answered in full");
        out.changing.push(ms(answer.at - sent));
        out.largest = out.largest.max(answer.body.len());
        held = id;
    }
    lsp.stop();
    out
}

struct Pulled {
    /// Keystrokes that change no finding (at the end of the newest meeting).
    keystrokes: Vec<f64>,
    /// Keystrokes that change a finding.
    changing: Vec<f64>,
    /// Answers that kept the result id held (`unchanged`).
    unchanged: usize,
    /// The largest answer, in bytes.
    largest: usize,
}
