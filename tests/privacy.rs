//! Privacy: notes are private, so the server never opens a network connection and never
//! writes a file. Its edits (completions, code actions, the next meeting) go to the editor
//! as `WorkspaceEdit`s for the user to apply. Shown by running the real binary under
//! `strace` through a scripted editor session and reading every network and file system
//! call it made, in every thread.

mod common;

use std::path::Path;
use std::process::Command;

use common::stdio::{uri_of, Proc};
use serde_json::json;

const NOTE: &str = "\
---
with: Priya
---
## 2026-11-17
### Agenda
- How am I doing? #feedback
### Actions
- [ ] Write the runbook

## 2026-11-24
### Agenda
- Fixed the build
";

/// Calls that make or use a socket (a local `socketpair` included).
const NETWORK_CALLS: &[&str] = &[
    "socket",
    "socketpair",
    "connect",
    "bind",
    "listen",
    "accept",
    "accept4",
    "sendto",
    "sendmsg",
    "sendmmsg",
    "recvfrom",
    "recvmsg",
    "getsockopt",
    "setsockopt",
];
const OPEN_CALLS: &[&str] = &["open", "openat", "openat2"];
/// Flags of an open that writes.
const WRITE_FLAGS: &[&str] = &["O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC", "O_APPEND"];
/// Calls that create, remove, rename or change a file.
const CHANGE_CALLS: &[&str] = &[
    "creat",
    "rename",
    "renameat",
    "renameat2",
    "unlink",
    "unlinkat",
    "mkdir",
    "mkdirat",
    "rmdir",
    "link",
    "linkat",
    "symlink",
    "symlinkat",
    "chmod",
    "fchmod",
    "fchmodat",
    "fchmodat2",
    "chown",
    "fchown",
    "lchown",
    "fchownat",
    "truncate",
    "ftruncate",
    "utime",
    "utimes",
    "utimensat",
    "futimesat",
    "mknod",
    "mknodat",
    "setxattr",
    "lsetxattr",
    "fsetxattr",
    "removexattr",
    "lremovexattr",
    "fremovexattr",
];

/// Why `strace` cannot watch a process here, if it cannot.
fn strace_unavailable() -> Option<String> {
    match Command::new("strace")
        .args(["-f", "-o", "/dev/null", "true"])
        .output()
    {
        Err(e) => Some(format!(
            "no strace ({e}); install it with `apt-get install strace`"
        )),
        Ok(o) if !o.status.success() => Some(format!(
            "strace cannot trace here: {}",
            String::from_utf8_lossy(&o.stderr).trim()
        )),
        Ok(_) => None,
    }
}

/// An editor session through everything that could touch the disk or the network:
/// indexing, configuration, opening and editing, completion, code actions, hover,
/// symbols, the summary and starting the next meeting (an applied edit), a file created
/// on disk, and the end of the session.
fn editor_session(p: &mut Proc, root: &Path) {
    let capabilities = json!({
        "general": {"positionEncodings": ["utf-8", "utf-16"]},
        "workspace": {
            "didChangeWatchedFiles": {"dynamicRegistration": true},
            "applyEdit": true,
            "workspaceEdit": {"documentChanges": true, "resourceOperations": ["create"]}
        },
        "window": {"workDoneProgress": true}
    });
    p.initialize_with(root, json!({"lintHistory": true}), capabilities);
    let a = uri_of(&root.join("a.1on1.md"));
    assert!(p
        .rules(&a, None)
        .contains(&"status-only-agenda".to_string()));
    p.open(&a, 1, NOTE);
    p.rules(&a, Some(1));
    p.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": a, "version": 2}, "contentChanges": [
            {"range": {"start": {"line": 11, "character": 0}, "end": {"line": 11, "character": 0}}, "text": "- \n"}]}),
    );
    p.rules(&a, Some(2));
    let at = |line: u32, character: u32| json!({"textDocument": {"uri": a}, "position": {"line": line, "character": character}});
    let completion = p.request("textDocument/completion", at(11, 2));
    let labels: Vec<&str> = completion["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["label"].as_str())
        .collect();
    assert!(labels.contains(&"Write the runbook"), "{labels:?}");
    let actions = p.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": a}, "context": {"diagnostics": []},
            "range": {"start": {"line": 7, "character": 3}, "end": {"line": 7, "character": 3}}}),
    );
    assert!(!actions.as_array().unwrap().is_empty());
    for method in ["textDocument/hover", "textDocument/inlayHint"] {
        let mut params = at(3, 4);
        params["range"] =
            json!({"start": {"line": 0, "character": 0}, "end": {"line": 20, "character": 0}});
        p.request(method, params);
    }
    p.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": a}}),
    );
    p.request("textDocument/codeLens", json!({"textDocument": {"uri": a}}));
    p.request("workspace/symbol", json!({"query": "runbook"}));
    let summary = p.request(
        "workspace/executeCommand",
        json!({"command": "oneonone.summary", "arguments": [a]}),
    );
    assert_eq!(summary[0]["series"], "Priya");
    let started = p.request(
        "workspace/executeCommand",
        json!({"command": "oneonone.startNext", "arguments": [a]}),
    );
    assert_eq!(started, json!({"applied": true}));
    // A file created on disk by someone else, and a configuration change.
    std::fs::write(root.join("b.1on1.md"), "## 2026-11-24\n### Agenda\n").unwrap();
    let b = uri_of(&root.join("b.1on1.md"));
    p.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": b, "type": 1}, {"uri": uri_of(&root.join(".1on1.json")), "type": 2}]}),
    );
    assert_eq!(p.rules(&b, None), ["empty-agenda"]);
    p.notify("textDocument/didClose", json!({"textDocument": {"uri": a}}));
    p.shutdown();
}

/// `strace` watching every thread of a command, writing the calls to `log`.
fn traced(log: &Path, program: &str) -> Command {
    let mut c = Command::new("strace");
    c.args([
        "-f",
        "-qq",
        "-e",
        "trace=%network,%file,ftruncate,fchmod,fchown,fsetxattr,fremovexattr",
        "-o",
        log.to_str().unwrap(),
        "--",
        program,
    ]);
    c
}

/// The calls in a trace that use the network, and those that write a file.
fn network_and_writes(log: &Path) -> (Vec<String>, Vec<String>) {
    let trace = std::fs::read_to_string(log).unwrap();
    // Each line is `PID name(args) = result`.
    let named: Vec<(&str, &str)> = trace
        .lines()
        .filter_map(|c| Some((c.split_once(" ")?.1.trim_start().split("(").next()?, c)))
        .collect();
    let network = named
        .iter()
        .filter(|(name, _)| NETWORK_CALLS.contains(name))
        .map(|(_, c)| c.to_string())
        .collect();
    let writes = named
        .iter()
        .filter(|(name, call)| {
            let opens_to_write =
                OPEN_CALLS.contains(name) && WRITE_FLAGS.iter().any(|f| call.contains(f));
            opens_to_write || CHANGE_CALLS.contains(name)
        })
        .map(|(_, c)| c.to_string())
        .collect();
    (network, writes)
}

#[test]
fn the_server_opens_no_network_connection_and_writes_no_file() {
    if let Some(reason) = strace_unavailable() {
        eprintln!("skipped: {reason}");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    std::fs::write(root.join("a.1on1.md"), NOTE).unwrap();
    std::fs::write(root.join(".1on1.json"), r#"{"careerEvery": 4}"#).unwrap();
    let logs = tempfile::tempdir().unwrap();
    // The watch sees writes: `next` on the command line writes the file.
    let log = logs.path().join("next.log");
    let next = traced(&log, common::stdio::BIN)
        .args(["next", "a.1on1.md", "--today", "2026-11-25"])
        .current_dir(&root)
        .output()
        .unwrap();
    assert!(next.status.success());
    let (_, writes) = network_and_writes(&log);
    assert!(
        writes.iter().any(|c| c.contains("a.1on1.md")),
        "{writes:#?}"
    );
    std::fs::write(root.join("a.1on1.md"), NOTE).unwrap();
    // The server, through a whole session, neither.
    let log = logs.path().join("server.log");
    let mut p = Proc::start_with(&mut traced(&log, common::stdio::BIN));
    editor_session(&mut p, &root);
    let trace = std::fs::read_to_string(&log).unwrap();
    assert!(trace.contains("a.1on1.md"), "the trace saw the notes read");
    let (network, writes) = network_and_writes(&log);
    assert!(network.is_empty(), "network calls: {network:#?}");
    assert!(writes.is_empty(), "writes: {writes:#?}");
    let text = std::fs::read_to_string(root.join("a.1on1.md")).unwrap();
    assert_eq!(text, NOTE, "the applied edit is the editor's to write");
    eprintln!(
        "{} traced calls, none to the network or writing a file",
        trace.lines().count()
    );
}

#[test]
fn the_server_serves_in_a_namespace_without_any_network() {
    // `unshare -n` gives the process a network namespace of its own, with no interface
    // but a loopback that is down: any connection would fail. The session must not care.
    let works = Command::new("unshare").args(["-n", "true"]).status();
    if !works.is_ok_and(|s| s.success()) {
        eprintln!("skipped: `unshare -n` cannot make a network namespace here");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    std::fs::write(root.join("a.1on1.md"), NOTE).unwrap();
    std::fs::write(root.join(".1on1.json"), "{}").unwrap();
    let mut p = Proc::start_with(Command::new("unshare").args(["-n", "--", common::stdio::BIN]));
    editor_session(&mut p, &root);
}
