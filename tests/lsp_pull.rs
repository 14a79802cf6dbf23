//! Pull diagnostics (`textDocument/diagnostic`) against the built binary over stdio: a
//! client that pulls and can be told to pull again gets open documents' diagnostics by
//! pull, with a result id that stays while they stay, and closed files' by push.

mod common;

use common::stdio::{uri_of, Proc};
use serde_json::{json, Value};
use std::path::PathBuf;

/// What VS Code says of pull diagnostics at `initialize`.
fn pulling_client() -> Value {
    json!({
        "textDocument": {"diagnostic": {"dynamicRegistration": false}},
        "workspace": {"diagnostics": {"refreshSupport": true}}
    })
}

/// A workspace folder holding `files` (name, text), and the server started on it for a
/// client that pulls; the answer to `initialize`.
fn start_pulling(files: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf, Proc, Value) {
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    for (name, text) in files {
        let path = root.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let mut p = Proc::start(&[]);
    let init = p.initialize_with(&root, Value::Null, pulling_client());
    (dir, root, p, init)
}

fn pull(p: &mut Proc, uri: &str, previous: Option<&str>) -> Value {
    p.request(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": uri}, "previousResultId": previous}),
    )
}

/// The rule and the start line of each item of a full report.
fn items(report: &Value) -> Vec<(String, u64)> {
    assert_eq!(report["kind"], "full", "{report}");
    report["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|d| {
            let line = d["range"]["start"]["line"].as_u64().expect("a line");
            (d["code"].as_str().expect("a code").to_string(), line)
        })
        .collect()
}

fn result_id(report: &Value) -> String {
    report["resultId"]
        .as_str()
        .expect("a result id")
        .to_string()
}

fn edit(p: &mut Proc, uri: &str, version: i64, line: u32, col: u32, text: &str) {
    let at = json!({"line": line, "character": col});
    p.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"range": {"start": at, "end": at}, "text": text}]
        }),
    );
}

#[test]
fn typing_that_leaves_the_findings_as_they_were_is_answered_unchanged() {
    let (_dir, root, mut p, init) =
        start_pulling(&[("closed/b.1on1.md", "## 2026-11-20\n### Agenda\n")]);
    let closed = root.join("closed/b.1on1.md");
    let provider = &init["capabilities"]["diagnosticProvider"];
    assert_eq!(provider["interFileDependencies"], true, "{init}");
    assert_eq!(provider["workspaceDiagnostics"], false, "{init}");

    let uri = uri_of(&root.join("a.1on1.md"));
    let text = "## 2026-11-24\n### Agenda\n- Fixed the build\n\n### Notes\n- x\n";
    p.open(&uri, 1, text);
    let first = pull(&mut p, &uri, None);
    assert_eq!(items(&first), [("status-only-agenda".to_string(), 0)]);
    let id = result_id(&first);

    // Typing in the notes changes nothing the client shows.
    edit(&mut p, &uri, 2, 5, 3, "y");
    let same = pull(&mut p, &uri, Some(&id));
    assert_eq!(same["kind"], "unchanged", "{same}");
    assert_eq!(result_id(&same), id);
    // A client that lost the list gets it again, under the same id.
    let again = pull(&mut p, &uri, None);
    assert_eq!(items(&again), [("status-only-agenda".to_string(), 0)]);
    assert_eq!(result_id(&again), id);

    // A question makes the agenda more than status: the finding goes.
    edit(&mut p, &uri, 3, 2, 17, "?");
    let gone = pull(&mut p, &uri, Some(&id));
    assert_eq!(items(&gone), []);
    let gone_id = result_id(&gone);
    assert_ne!(gone_id, id);

    // Without it the finding is back; lines added above it move it down.
    p.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": uri, "version": 4},
            "contentChanges": [{
                "range": {"start": {"line": 2, "character": 17}, "end": {"line": 2, "character": 18}},
                "text": ""
            }]
        }),
    );
    let back = pull(&mut p, &uri, Some(&gone_id));
    assert_eq!(items(&back), [("status-only-agenda".to_string(), 0)]);
    let back_id = result_id(&back);
    edit(&mut p, &uri, 5, 0, 0, "# 1:1 with Sam\n\n");
    let moved = pull(&mut p, &uri, Some(&back_id));
    assert_eq!(items(&moved), [("status-only-agenda".to_string(), 2)]);
    assert_ne!(result_id(&moved), back_id);

    // A file that is not open is still pushed.
    let closed_uri = uri_of(&closed);
    let pushed = p.diagnostics_where(&closed_uri, |params| params["diagnostics"] != json!([]));
    assert_eq!(pushed[0]["code"], "empty-agenda");

    p.shutdown();
    // The open document was never pushed anything.
    let rest = p.messages_until_closed();
    let pushed_open = rest.iter().find(|m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == json!(uri)
            && m["params"]["diagnostics"] != json!([])
    });
    assert!(pushed_open.is_none(), "pushed: {pushed_open:?}");
}

#[test]
fn a_change_in_another_file_has_the_client_pull_again() {
    let (_dir, root, mut p, _) = start_pulling(&[(
        "earlier.1on1.md",
        "---\nwith: Sam\n---\n## 2026-11-17\n### Actions\n- [ ] Send the draft ^draft\n",
    )]);
    let earlier = root.join("earlier.1on1.md");
    let uri = uri_of(&root.join("now.1on1.md"));
    let text =
        "---\nwith: Sam\n---\n## 2026-11-24\n### Agenda\n- What should I learn next? #growth\n";
    p.open(&uri, 1, text);
    // The earlier file is indexed (its empty diagnostics are pushed): the open loop of
    // its meeting is not carried into the open document.
    p.diagnostics_where(&uri_of(&earlier), |_| true);
    let first = pull(&mut p, &uri, None);
    assert_eq!(items(&first), [("uncarried-loops".to_string(), 3)]);

    // The loop is closed in the other file, on disk.
    std::fs::write(
        &earlier,
        "---\nwith: Sam\n---\n## 2026-11-17\n### Actions\n- [x] Send the draft ^draft\n",
    )
    .unwrap();
    p.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri_of(&earlier), "type": 2}]}),
    );
    p.wait_for(|m| m["method"] == "workspace/diagnostic/refresh" && m.get("id").is_some());
    let now = pull(&mut p, &uri, Some(&result_id(&first)));
    assert_eq!(items(&now), []);
    p.shutdown();
}

#[test]
fn a_client_that_cannot_be_told_to_pull_again_is_pushed_to() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let mut p = Proc::start(&[]);
    // Neovim 0.11 says it pulls, but not that it can be asked to pull again.
    let caps = json!({"textDocument": {"diagnostic": {"dynamicRegistration": false}}});
    let init = p.initialize_with(&root, Value::Null, caps);
    assert!(
        init["capabilities"].get("diagnosticProvider").is_none(),
        "{init}"
    );
    let uri = uri_of(&root.join("a.1on1.md"));
    p.open(&uri, 1, "## 2026-11-24\n### Agenda\n- Fixed the build\n");
    assert_eq!(p.rules(&uri, Some(1)), ["status-only-agenda"]);
    p.shutdown();
}

#[test]
fn a_pull_out_of_turn_malformed_or_for_an_unknown_document_is_answered() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let uri = uri_of(&root.join("a.1on1.md"));
    let params = json!({"textDocument": {"uri": uri}});
    let mut p = Proc::start(&[]);
    // Before `initialize`: the protocol's "not initialized".
    assert_eq!(
        p.error_code("textDocument/diagnostic", params.clone()),
        -32002
    );
    p.initialize_with(&root, Value::Null, pulling_client());
    assert_eq!(
        p.error_code("textDocument/diagnostic", json!({"textDocument": 7})),
        -32602
    );
    // A document the server does not know has no findings, and no result id to hold.
    let unknown = pull(&mut p, &uri_of(&root.join("elsewhere/b.1on1.md")), None);
    assert_eq!(unknown, json!({"kind": "full", "items": []}));
    // After `shutdown`: the protocol's "invalid request".
    let id = p.request_async("shutdown", Value::Null);
    p.response(id);
    assert_eq!(p.error_code("textDocument/diagnostic", params), -32600);
    p.notify("exit", Value::Null);
    assert_eq!(p.exit_code(), 0);
}

/// Typing in one open document of a series derives the series again, and with it the other
/// open document's findings; when those come out the same, the client is not told to pull
/// again (each keystroke would otherwise have it pull every open document).
#[test]
fn no_refresh_when_another_file_leaves_the_findings_as_they_were() {
    let (_dir, root, mut p, _) = start_pulling(&[(
        "c.1on1.md",
        "---\nwith: Sam\n---\n## 2026-11-03\n### Agenda\n- Fixed it\n",
    )]);
    let closed = root.join("c.1on1.md");
    let (a, b) = (
        uri_of(&root.join("a.1on1.md")),
        uri_of(&root.join("b.1on1.md")),
    );
    p.open(
        &b,
        1,
        "---\nwith: Sam\n---\n## 2026-11-10\n### Agenda\n- Fixed the build\n",
    );
    p.open(
        &a,
        1,
        "---\nwith: Sam\n---\n## 2026-11-24\n### Agenda\n- What next? #growth\n",
    );
    p.diagnostics_where(&uri_of(&closed), |_| true);
    let held = result_id(&pull(&mut p, &b, None));
    pull(&mut p, &a, None);
    // A new tag in the newest meeting: the series is derived again, b's findings are not
    // changed by it, and the closed file is published again.
    edit(&mut p, &a, 2, 5, 19, " #alignment");
    p.diagnostics_where(&uri_of(&closed), |_| true);
    let again = pull(&mut p, &b, Some(&held));
    assert_eq!(again["kind"], "unchanged", "{again}");
    p.shutdown();
    let refreshed = p
        .messages_until_closed()
        .into_iter()
        .filter(|m| m["method"] == "workspace/diagnostic/refresh")
        .count();
    assert_eq!(refreshed, 0);
}
