//! Protocol abuse against the built binary over its real stdin and stdout: malformed
//! frames and bodies, requests out of order, wrong parameters, out-of-range positions,
//! unknown documents, stale versions, cancellation storms, huge and many documents, and
//! every way of ending. After each abuse the server must still give the right answer to a
//! real request, and every byte it wrote to stdout must be a well-formed frame (checked
//! when the session ends).

mod common;

use std::collections::HashMap;
use std::time::Instant;

use common::stdio::{assert_serves, frame, notes_dir, uri_of, Proc, Session, NOTE};
use serde_json::{json, Value};

const INVALID_REQUEST: i64 = -32600;
const METHOD_NOT_FOUND: i64 = -32601;
const INVALID_PARAMS: i64 = -32602;
const SERVER_NOT_INITIALIZED: i64 = -32002;
const REQUEST_CANCELLED: i64 = -32800;

/// A request that must never be served: if a malformed frame carrying it got through, the
/// server would shut down and the next hover would fail.
fn shutdown_body(id: i64) -> String {
    json!({"jsonrpc": "2.0", "id": id, "method": "shutdown"}).to_string()
}

fn hover_body(id: i64, uri: &str) -> String {
    json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/hover",
        "params": {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 4}}})
    .to_string()
}

fn at(uri: &str, line: i64, character: i64) -> Value {
    json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}})
}

fn range(uri: &str, a: (i64, i64), b: (i64, i64)) -> Value {
    json!({"textDocument": {"uri": uri},
        "range": {"start": {"line": a.0, "character": a.1}, "end": {"line": b.0, "character": b.1}}})
}

/// The parameters of every positional request, at one position.
fn positional_requests(uri: &str, line: i64, ch: i64) -> Vec<(&'static str, Value)> {
    let with = |extra: Value| {
        let mut p = at(uri, line, ch);
        p.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        p
    };
    let mut code_action = range(uri, (line, ch), (line, ch));
    code_action["context"] = json!({"diagnostics": []});
    vec![
        ("textDocument/hover", with(json!({}))),
        ("textDocument/completion", with(json!({}))),
        ("textDocument/definition", with(json!({}))),
        (
            "textDocument/references",
            with(json!({"context": {"includeDeclaration": true}})),
        ),
        ("textDocument/prepareRename", with(json!({}))),
        ("textDocument/rename", with(json!({"newName": "renamed"}))),
        ("textDocument/codeAction", code_action),
        ("textDocument/inlayHint", range(uri, (line, ch), (line, ch))),
    ]
}

/// Every request the server answers, with parameters that are right for `uri`.
fn every_request(uri: &str) -> Vec<(&'static str, Value)> {
    let doc = json!({"textDocument": {"uri": uri}});
    let mut all = positional_requests(uri, 0, 4);
    all.extend([
        ("textDocument/documentSymbol", doc.clone()),
        ("textDocument/foldingRange", doc.clone()),
        ("textDocument/codeLens", doc.clone()),
        ("workspace/symbol", json!({"query": ""})),
        (
            "workspace/executeCommand",
            json!({"command": "oneonone.summary", "arguments": [uri]}),
        ),
        ("oneonone/documentText", json!({"uri": uri})),
    ]);
    all
}

#[test]
fn frames_without_a_usable_content_length_are_dropped_and_the_next_frame_is_served() {
    let mut s = Session::start();
    let garbage_line = "x".repeat(1 << 20);
    let headers = [
        "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n",
        "Content-Length: abc\r\n\r\n",
        "Content-Length: -5\r\n\r\n",
        "Content-Length: \r\n\r\n",
        "Content-Length: 99999999999999999999999\r\n\r\n",
        "Content-Length: 12.5\r\n\r\n",
        "Content-Length: 0x20\r\n\r\n",
        // Over the frame limit: refused without waiting for a terabyte.
        "Content-Length: 1099511627776\r\n\r\n",
        "\u{0}\u{7f}\u{feff} not a header at all\r\n\r\n",
        // A megabyte of garbage on one line, then a header.
        &format!("{garbage_line}Content-Length: x\r\n\r\n"),
    ];
    for (i, header) in headers.iter().enumerate() {
        // The body that follows is a shutdown request: were it served, the hover after
        // it would be refused.
        let body = shutdown_body(900 + i as i64);
        s.p.send_raw(format!("{header}{body}").as_bytes());
        s.assert_serves();
    }
    let frames = s.p.shutdown();
    assert!(frames >= headers.len() + 2);
}

#[test]
fn odd_but_readable_headers_are_served() {
    let mut s = Session::start();
    let uri = s.uri.clone();
    // Headers, with `{n}` for the body's length.
    let headers = [
        "content-length: {n}\r\n\r\n",
        "CONTENT-LENGTH:{n}\r\n\r\n",
        "Content-Length:   {n}   \r\n\r\n",
        "Content-Length: {n}\r\nContent-Length: {n}\r\n\r\n",
        // Two lengths: the last one counts.
        "Content-Length: 3\r\nContent-Length: {n}\r\n\r\n",
        "Content-Length: {n}\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n",
        "X-Trace: 1\r\nContent-Length: {n}\r\n\r\n",
        "Content-Length: {n}\n\n",
        "\r\n\r\n\r\nContent-Length: {n}\r\n\r\n",
    ];
    for (i, header) in headers.iter().enumerate() {
        let id = 700 + i as i64;
        let body = hover_body(id, &uri);
        let header = header.replace("{n}", &body.len().to_string());
        s.p.send_raw(format!("{header}{body}").as_bytes());
        let r = s.p.response(id);
        let text = r["result"]["contents"]["value"].as_str().unwrap_or("");
        assert!(text.contains("1:1 on 2026-11-24"), "{header:?}: {r}");
    }
    s.p.shutdown();
}

#[test]
fn malformed_bodies_are_dropped_and_malformed_requests_with_an_id_answered() {
    let mut s = Session::start();
    let uri = s.uri.clone();
    let nested = "[".repeat(100_000);
    let dropped: Vec<Vec<u8>> = vec![
        b"{not json".to_vec(),
        br#"{"jsonrpc":"2.0","id":"#.to_vec(),
        format!("[{}]", hover_body(801, &uri)).into_bytes(),
        b"42".to_vec(),
        br#""a string""#.to_vec(),
        b"null".to_vec(),
        b"{}".to_vec(),
        b"".to_vec(),
        nested.into_bytes(),
        b"{\"jsonrpc\":\"2.0\",\"method\":\"\xff\xfe\"}".to_vec(),
        format!("\u{feff}{}", shutdown_body(802)).into_bytes(),
        format!("{}trailing", shutdown_body(803)).into_bytes(),
        br#"{"jsonrpc":"2.0","id":1.5,"method":"shutdown"}"#.to_vec(),
        br#"{"jsonrpc":"2.0","id":{"a":1},"method":"shutdown"}"#.to_vec(),
        br#"{"jsonrpc":"2.0","id":true,"method":"shutdown"}"#.to_vec(),
        br#"{"jsonrpc":"2.0","id":9223372036854775808,"method":"shutdown"}"#.to_vec(),
        br#"{"jsonrpc":"2.0","method":"\ud800"}"#.to_vec(),
        br#"{"jsonrpc":"2.0","method":"textDocument/didClose","method":"x"}"#.to_vec(),
        // A response to a request the server never made.
        br#"{"jsonrpc":"2.0","id":12345,"result":null}"#.to_vec(),
        br#"{"jsonrpc":"2.0","id":"zzz","error":{"code":1,"message":"?"}}"#.to_vec(),
    ];
    for body in &dropped {
        s.p.send_raw(&frame(body));
    }
    s.assert_serves();
    // Requests that cannot be decoded but whose id can be read get an error answer, so
    // that a client never waits for it forever.
    let answered = [
        (
            810,
            r#"{"id":810,"method":"textDocument/hover","params":{}}"#,
        ),
        (811, r#"{"jsonrpc":"1.0","id":811,"method":"shutdown"}"#),
        (812, r#"{"jsonrpc":"2.0","id":812,"method":42}"#),
        (813, r#"{"jsonrpc":"2.0","id":813,"method":null}"#),
        (
            814,
            r#"{"jsonrpc":"2.0","id":814,"id":814,"method":"shutdown"}"#,
        ),
    ];
    for (id, body) in answered {
        s.p.send_raw(&frame(body.as_bytes()));
        let r = s.p.response(id);
        let code = r["error"]["code"].as_i64();
        assert!(
            matches!(code, Some(INVALID_REQUEST | METHOD_NOT_FOUND)),
            "{body}: {r}"
        );
    }
    s.assert_serves();
    // Params of the wrong JSON type are refused by the handler's own check.
    let id = 820;
    s.p.send_raw(&frame(
        json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/hover", "params": "x"})
            .to_string()
            .as_bytes(),
    ));
    assert_eq!(s.p.response(id)["error"]["code"], INVALID_PARAMS);
    s.p.notify("textDocument/didOpen", json!("x"));
    s.assert_serves();
    let id = s.p.request_async("shutdown", Value::Null);
    s.p.response(id);
    s.p.notify("exit", Value::Null);
    assert_eq!(s.p.exit_code(), 0);
    s.p.stdout_was_frames();
    // None of the dropped frames got an answer.
    let late = s.p.messages_until_closed();
    assert!(
        late.iter()
            .all(|m| !(801..=803).contains(&m["id"].as_i64().unwrap_or(0))),
        "{late:?}"
    );
}

#[test]
fn a_body_cut_short_by_the_end_of_input_ends_the_server_without_a_stray_byte() {
    for cut in [
        // The body is shorter than its header says.
        format!("Content-Length: 100\r\n\r\n{}", &shutdown_body(1)[..10]),
        // The input ends inside a header.
        "Content-Len".to_string(),
        // ...or between the header and the body.
        "Content-Length: 10\r\n\r\n".to_string(),
    ] {
        let (_dir, root) = notes_dir();
        let mut p = Proc::start(&[]);
        p.initialize(&root, json!({}));
        let uri = uri_of(&root.join("a.1on1.md"));
        assert_eq!(p.rules(&uri, None), ["status-only-agenda"], "indexed");
        assert_serves(&mut p, &uri);
        p.send_raw(cut.as_bytes());
        p.close_stdin();
        assert_eq!(p.exit_code(), 1, "the end of input without shutdown");
        p.stdout_was_frames();
    }
}

#[test]
fn requests_before_initialize_are_refused_and_notifications_ignored() {
    let (_dir, root) = notes_dir();
    let uri = uri_of(&root.join("a.1on1.md"));
    let mut p = Proc::start(&["--stdio"]);
    for (method, params) in every_request(&uri) {
        assert_eq!(
            p.error_code(method, params),
            SERVER_NOT_INITIALIZED,
            "{method}"
        );
    }
    assert_eq!(
        p.error_code("shutdown", Value::Null),
        SERVER_NOT_INITIALIZED
    );
    // A note opened before initialize is not taken.
    let early = uri_of(&root.join("early.1on1.md"));
    p.open(&early, 1, NOTE);
    p.notify("initialized", json!({}));
    p.notify("workspace/didChangeConfiguration", json!({"settings": {}}));
    // initialize with wrong params is refused, then a right one succeeds.
    assert_eq!(
        p.error_code("initialize", json!({"rootUri": 5})),
        INVALID_PARAMS
    );
    p.initialize(&root, json!({}));
    assert_eq!(p.document_text(&early), None);
    assert_eq!(
        p.error_code(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": {}})
        ),
        INVALID_REQUEST,
        "a second initialize"
    );
    p.wait_for(|m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == json!(uri)
    });
    assert_serves(&mut p, &uri);
    p.shutdown();
}

#[test]
fn unknown_methods_answer_method_not_found_and_unknown_notifications_are_ignored() {
    let mut s = Session::start();
    // An empty method name is no name at all: the request is malformed.
    assert_eq!(s.p.error_code("", json!({"id": 1})), INVALID_REQUEST);
    for method in [
        "foo/bar",
        "textDocument/frobnicate",
        "$/unknown",
        "$/cancelRequest",
    ] {
        assert_eq!(
            s.p.error_code(method, json!({"id": 1})),
            METHOD_NOT_FOUND,
            "{method:?}"
        );
    }
    for method in [
        "foo/bar",
        "$/unknown",
        "$/setTrace",
        "$/progress",
        "$/logTrace",
    ] {
        s.p.notify(method, json!({"value": 1}));
    }
    s.p.notify("$/setTrace", json!({"value": "verbose"}));
    s.assert_serves();
    s.p.shutdown();
}

#[test]
fn wrong_param_types_for_every_request_answer_invalid_params_and_the_server_goes_on() {
    let mut s = Session::start();
    let uri = s.uri.clone();
    let wrong = [
        Value::Null,
        json!("text"),
        json!(42),
        json!([]),
        json!({}),
        json!({"textDocument": 5, "position": "here", "range": [], "query": 5,
               "command": {}, "uri": 7, "context": "c", "newName": 1}),
        json!({"textDocument": {"uri": 5}, "position": {"line": "0", "character": 0}}),
    ];
    let mut cases = 0;
    for (method, _) in &every_request(&uri) {
        for params in &wrong {
            let code = s.p.error_code(method, params.clone());
            assert_eq!(code, INVALID_PARAMS, "{method} with {params}");
            cases += 1;
        }
        // And with no params at all.
        let id = 5000 + cases;
        if *method != "shutdown" {
            s.p.send(&json!({"jsonrpc": "2.0", "id": id, "method": method}));
            assert_eq!(
                s.p.response(id)["error"]["code"],
                INVALID_PARAMS,
                "{method}"
            );
            cases += 1;
        }
    }
    // Commands with the wrong arguments.
    for args in [
        json!([]),
        json!([42]),
        json!(["not a uri"]),
        json!([{"changes": 5}]),
    ] {
        for command in ["oneonone.startNext", "oneonone.applyEdits"] {
            let params = json!({"command": command, "arguments": args});
            let code = s.p.error_code("workspace/executeCommand", params);
            assert_eq!(code, INVALID_PARAMS, "{command} {args}");
            cases += 1;
        }
    }
    let params = json!({"command": "rm -rf", "arguments": []});
    assert_eq!(
        s.p.error_code("workspace/executeCommand", params),
        INVALID_PARAMS
    );
    // Notifications with wrong params are ignored.
    for method in [
        "textDocument/didOpen",
        "textDocument/didChange",
        "textDocument/didClose",
        "textDocument/didSave",
        "workspace/didChangeWatchedFiles",
        "workspace/didChangeConfiguration",
        "workspace/didChangeWorkspaceFolders",
        "initialized",
    ] {
        for params in &wrong {
            s.p.notify(method, params.clone());
        }
    }
    s.assert_serves();
    assert_eq!(s.p.document_text(&uri).as_deref(), Some(NOTE));
    eprintln!("{cases} wrong-parameter requests");
    s.p.shutdown();
}

#[test]
fn out_of_range_positions_are_clamped_and_negative_ones_refused_in_every_request() {
    let mut s = Session::start();
    let uri = s.uri.clone();
    let max = u32::MAX as i64;
    for (line, ch) in [(max, max), (0, max), (999_999, 0), (2, 99_999), (max, 0)] {
        for (method, params) in positional_requests(&uri, line, ch) {
            let r = s.p.request_raw(method, params);
            // rename may refuse a place that holds no id; nothing else may fail.
            if method == "textDocument/rename" && r.get("error").is_some() {
                assert_eq!(r["error"]["code"], INVALID_PARAMS, "{r}");
            } else {
                assert!(r.get("error").is_none(), "{method} at {line}:{ch}: {r}");
            }
        }
    }
    for (line, ch) in [(-1, 0), (0, -1), (i64::MIN, i64::MIN), (max + 1, 0)] {
        for (method, params) in positional_requests(&uri, line, ch) {
            assert_eq!(
                s.p.error_code(method, params),
                INVALID_PARAMS,
                "{method} at {line}:{ch}"
            );
        }
    }
    // An edit out of range is clamped to the end of the text, as the client's would be.
    let change = |v: i64, a: (i64, i64), b: (i64, i64), text: &str| {
        json!({"textDocument": {"uri": uri, "version": v}, "contentChanges": [
            {"range": {"start": {"line": a.0, "character": a.1}, "end": {"line": b.0, "character": b.1}}, "text": text}]})
    };
    s.p.notify(
        "textDocument/didChange",
        change(2, (max, max), (max, max), "- More?\n"),
    );
    s.p.notify(
        "textDocument/didChange",
        change(3, (0, 999), (0, max), " sync"),
    );
    s.p.notify(
        "textDocument/didChange",
        change(4, (-1, 0), (0, 0), "refused"),
    );
    let expected = NOTE.replacen("## 2026-11-24", "## 2026-11-24 sync", 1) + "- More?\n";
    assert_eq!(s.p.document_text(&uri).as_deref(), Some(expected.as_str()));
    s.assert_serves();
    s.p.shutdown();
}

#[test]
fn requests_for_unknown_or_closed_documents_answer_nothing_and_fail_nothing() {
    let mut s = Session::start();
    let closed = s.uri("closed.1on1.md");
    s.p.open(&closed, 1, NOTE);
    s.p.rules(&closed, Some(1));
    s.p.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": closed}}),
    );
    // Not on disk: its diagnostics are cleared.
    assert_eq!(
        s.p.diagnostics_where(&closed, |p| p["diagnostics"] == json!([])),
        Vec::<Value>::new()
    );
    for uri in [
        closed.as_str(),
        "file:///nowhere/x.1on1.md",
        "untitled:Untitled-1",
        "https://example.invalid/a.1on1.md",
        "file:///",
    ] {
        for (method, params) in every_request(uri) {
            let r = s.p.request_raw(method, params);
            assert!(r.get("error").is_none(), "{method} on {uri}: {r}");
            let result = &r["result"];
            let empty = result.is_null()
                || result == &json!([])
                || method == "workspace/symbol"
                || method == "workspace/executeCommand";
            assert!(empty, "{method} on {uri}: {r}");
        }
        // Changes and closes of documents that are not open are ignored.
        s.p.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": 9}, "contentChanges": [{"text": "x"}]}),
        );
        s.p.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri}}),
        );
    }
    for uri in ["not a uri", "", "file://host:99999/x"] {
        let r = s.p.request_raw("textDocument/hover", at(uri, 0, 0));
        assert!(
            r.get("error").is_none() || r["error"]["code"] == INVALID_PARAMS,
            "{r}"
        );
    }
    s.assert_serves();
    s.p.shutdown();
}

#[test]
fn changes_with_a_stale_or_repeated_version_are_applied_in_order() {
    let mut s = Session::start();
    let uri = s.uri.clone();
    let append = |v: i64, line: i64, text: &str| {
        json!({"textDocument": {"uri": uri, "version": v}, "contentChanges": [
            {"range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 0}}, "text": text}]})
    };
    // The client's text is what counts: every change is applied, whatever its version
    // says, so that the server's copy never drifts from the editor's.
    s.p.notify(
        "textDocument/didChange",
        append(5, 3, "- What next? #growth\n"),
    );
    s.p.notify(
        "textDocument/didChange",
        append(5, 4, "- How am I doing? #feedback\n"),
    );
    s.p.notify(
        "textDocument/didChange",
        append(2, 5, "- Are we aligned? #alignment\n"),
    );
    let expected = format!(
        "{NOTE}- What next? #growth\n- How am I doing? #feedback\n- Are we aligned? #alignment\n"
    );
    assert_eq!(s.p.document_text(&uri).as_deref(), Some(expected.as_str()));
    // The publication of the last change carries its version and its findings (no more
    // status-only agenda).
    assert_eq!(s.p.rules(&uri, Some(2)), Vec::<String>::new());
    // An open of a document that is already open replaces it.
    s.p.open(&uri, 1, NOTE);
    assert_eq!(s.p.rules(&uri, Some(1)), ["status-only-agenda"]);
    s.assert_serves();
    s.p.shutdown();
}

#[test]
fn a_storm_of_cancel_requests_leaves_every_request_answered_exactly_once() {
    let mut s = Session::start();
    let uri = s.uri.clone();
    let cancel = |p: &mut Proc, id: Value| p.notify("$/cancelRequest", json!({"id": id}));
    // Ids that never existed, of every kind, and malformed cancellations.
    for i in 0..1000 {
        cancel(&mut s.p, json!(100_000 + i));
        cancel(&mut s.p, json!(format!("no-such-{i}")));
    }
    for bad in [
        json!({}),
        json!({"id": null}),
        json!({"id": 1.5}),
        json!("x"),
    ] {
        s.p.notify("$/cancelRequest", bad);
    }
    // Requests cancelled while in flight, and ids already answered cancelled again.
    let mut ids = Vec::new();
    for round in 0..200 {
        // Every request but rename, which refuses a place without an id.
        let requests = every_request(&uri);
        let (method, params) = &requests[round % requests.len()];
        if *method == "textDocument/rename" {
            continue;
        }
        let id = s.p.request_async(method, params.clone());
        cancel(&mut s.p, json!(id));
        ids.push(id);
    }
    let mut cancelled = 0;
    for &id in &ids {
        let r = s.p.response(id);
        match r["error"]["code"].as_i64() {
            None => {}
            Some(REQUEST_CANCELLED) => cancelled += 1,
            Some(other) => panic!("request {id}: {other}: {r}"),
        }
        cancel(&mut s.p, json!(id));
    }
    eprintln!("{cancelled} of {} in-flight requests cancelled", ids.len());
    s.assert_serves();
    s.p.shutdown();
    // Exactly one answer per request: no second one arrived before exit.
    let mut answers: HashMap<i64, usize> = HashMap::new();
    for m in s.p.messages_until_closed() {
        if let Some(id) = m["id"].as_i64().filter(|_| m.get("method").is_none()) {
            *answers.entry(id).or_default() += 1;
        }
    }
    assert!(
        ids.iter().all(|id| !answers.contains_key(id)),
        "{answers:?}"
    );
}

/// A running doc of about `bytes` bytes, meeting after meeting.
fn big_note(bytes: usize) -> String {
    let mut text = String::from("# Sam / Priya\n\n");
    let mut day = 0;
    while text.len() < bytes {
        let date = chrono_like(day);
        text.push_str(&format!(
            "## {date}\n### Agenda\n- Could I lead the design review? #growth\n- Fixed the flaky build\n### Notes\n- Share drafts earlier. #feedback\n### Actions\n- [ ] Write the runbook 📅 {date}\n\n"
        ));
        day += 1;
    }
    text
}

/// The `n`th day from 2000-01-01, as `YYYY-MM-DD` (any valid dates will do).
fn chrono_like(n: usize) -> String {
    let (y, d) = (2000 + n / 336, n % 336);
    format!("{y}-{:02}-{:02}", d / 28 + 1, d % 28 + 1)
}

#[test]
fn a_50_mb_document_is_refused_by_max_file_bytes_and_the_server_goes_on() {
    let mut s = Session::start();
    let uri = s.uri("huge.1on1.md");
    let text = big_note(50 << 20);
    let started = Instant::now();
    s.p.open(&uri, 1, &text);
    assert_eq!(s.p.rules(&uri, Some(1)), ["file-too-large"]);
    let opened = started.elapsed();
    let started = Instant::now();
    let edit = json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [
        {"range": {"start": {"line": 2, "character": 0}, "end": {"line": 2, "character": 0}}, "text": "x"}]});
    s.p.notify("textDocument/didChange", edit);
    assert_eq!(s.p.rules(&uri, Some(2)), ["file-too-large"]);
    let edited = started.elapsed();
    let r = s.p.request_raw("textDocument/hover", at(&uri, 2, 0));
    assert_eq!(r["result"], Value::Null, "a file that is not analysed: {r}");
    s.assert_serves();
    eprintln!(
        "50 MiB document: open -> diagnostics {opened:?}, one edit -> diagnostics {edited:?}, peak RSS {:?} MiB",
        s.p.peak_rss_mib()
    );
    s.p.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    s.assert_serves();
    s.p.shutdown();
}

#[test]
fn three_thousand_open_documents_are_all_analysed_and_the_server_goes_on() {
    const N: usize = 3000;
    let mut s = Session::start();
    let started = Instant::now();
    let uris: Vec<String> = (0..N).map(|i| s.uri(&format!("n{i:04}.1on1.md"))).collect();
    for uri in &uris {
        s.p.open(uri, 1, NOTE);
    }
    // Every one of them gets its diagnostics (in any order).
    let mut pending: std::collections::HashSet<&str> = uris.iter().map(String::as_str).collect();
    while !pending.is_empty() {
        let m =
            s.p.wait_for(|m| m["method"] == "textDocument/publishDiagnostics");
        let uri = m["params"]["uri"].as_str().unwrap_or_default();
        if pending.remove(uri) {
            assert_eq!(m["params"]["diagnostics"][0]["code"], "status-only-agenda");
        }
    }
    let analysed = started.elapsed();
    assert_serves(&mut s.p, &uris[N / 2]);
    let symbols =
        s.p.request("workspace/symbol", json!({"query": "2026-11-24"}));
    assert!(
        symbols.as_array().unwrap().len() > N,
        "{}",
        symbols.as_array().unwrap().len()
    );
    eprintln!(
        "{N} documents opened and analysed in {analysed:?}; peak RSS {:?} MiB",
        s.p.peak_rss_mib()
    );
    s.p.shutdown();
}

#[test]
fn exit_without_shutdown_exits_1_and_after_shutdown_0() {
    let mut s = Session::start();
    s.p.notify("exit", Value::Null);
    assert_eq!(s.p.exit_code(), 1);
    s.p.stdout_was_frames();

    let mut s = Session::start();
    let id = s.p.request_async("shutdown", Value::Null);
    s.p.response(id);
    // After shutdown, requests are refused and the server waits for exit.
    let code =
        s.p.error_code("textDocument/hover", at(&s.uri.clone(), 0, 4));
    assert_eq!(code, INVALID_REQUEST);
    s.p.notify("exit", Value::Null);
    assert_eq!(s.p.exit_code(), 0);
    s.p.stdout_was_frames();

    // A shutdown with params (`{}` from a sloppy client) is still a shutdown.
    let mut s = Session::start();
    let id = s.p.request_async("shutdown", json!({}));
    assert_eq!(s.p.response(id)["result"], Value::Null);
    s.p.notify("exit", json!({}));
    assert_eq!(s.p.exit_code(), 0);
    s.p.stdout_was_frames();

    // Exit before initialize.
    let mut p = Proc::start(&[]);
    p.notify("exit", Value::Null);
    assert_eq!(p.exit_code(), 1);
    p.stdout_was_frames();
}

#[test]
fn stdin_closed_abruptly_ends_the_server_with_1_and_clean_stdout() {
    // While requests and analysis are in flight.
    let mut s = Session::start();
    let uri = s.uri.clone();
    for (method, params) in every_request(&uri) {
        s.p.request_async(method, params);
    }
    s.p.open(&s.uri("b.1on1.md"), 1, &big_note(200_000));
    s.p.close_stdin();
    assert_eq!(s.p.exit_code(), 1);
    s.p.stdout_was_frames();
}

/// The transport hands a malformed request with a readable id to the server as
/// `oneonone/invalidRequest`; answering it `InvalidRequest` (-32600, as JSON-RPC says) needs
/// that method registered in `lsp::service()`. Until then the answer is MethodNotFound:
/// an error all the same, so no client waits forever (see the test above).
#[test]
fn a_malformed_request_is_answered_invalid_request() {
    let mut s = Session::start();
    s.p.send_raw(&frame(
        br#"{"id":1,"method":"textDocument/hover","params":{}}"#,
    ));
    let r = s.p.response(1);
    assert_eq!(r["error"]["code"], INVALID_REQUEST, "{r}");
    assert!(
        r["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("jsonrpc")),
        "the reason is given: {r}"
    );
    s.assert_serves();
    s.p.shutdown();
}
