//! A smoke suite against the built binary over its real stdin and stdout (the abuse suite
//! is `lsp_abuse.rs`).

mod common;

use common::stdio::{uri_of, Proc};
use serde_json::{json, Value};

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
    p.send_raw(b"Content-Length: 5\r\n\r\nhello");
    p.initialize(&root, Value::Null);
    let uri = uri_of(&root.join("a.1on1.md"));
    assert_eq!(p.rules(&uri, None), ["status-only-agenda"]);
    let h = p.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 4}}),
    );
    assert!(h["contents"]["value"]
        .as_str()
        .unwrap()
        .contains("1:1 on 2026-11-24"));
    // Exit after shutdown, with stdin still open.
    p.shutdown();
}

#[test]
fn exit_without_shutdown_exits_1_and_a_closed_stdin_ends_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = Proc::start(&[]);
    p.initialize(dir.path(), Value::Null);
    p.notify("exit", Value::Null);
    assert_eq!(p.exit_code(), 1);
    let mut p = Proc::start(&[]);
    p.initialize(dir.path(), Value::Null);
    p.close_stdin();
    assert_eq!(p.exit_code(), 1);
    p.stdout_was_frames();
}
