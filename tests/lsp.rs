//! The language server end to end: real JSON-RPC over an in-memory pipe, a real workspace
//! folder on disk. Today is 2026-11-25 (from the initialization options).

mod common;

use common::client::{apply, cursor, Client, Setup};
use serde_json::{json, Value};

/// The labels of a completion list.
fn labels_of(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_string())
        .collect()
}

fn files(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

const PRIYA: &str = "\
---
with: Priya
---
# Sam / Priya

## 2026-11-17
### Agenda
- How do I get to senior? #growth
### Actions
- [ ] Draft the RFC ^rfc
- [ ] Book the design review

## 2026-11-24
### Agenda
- [ ] How is the RFC going? [[#^rfc]]
";

#[tokio::test]
async fn initialize_negotiates_utf8_when_offered_and_utf16_otherwise() {
    let (_c, init) = Client::start(Setup {
        utf8: true,
        ..Setup::default()
    })
    .await;
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");
    assert_eq!(
        init["capabilities"]["textDocumentSync"]["change"], 2,
        "incremental"
    );
    let (_c, init) = Client::start(Setup::default()).await;
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(init["serverInfo"]["name"], "oneonone-ls");
}

#[tokio::test]
async fn every_indexed_file_gets_diagnostics_at_start_with_progress_and_watchers() {
    let (mut c, _) = Client::start(Setup {
        files: files(&[
            ("priya.1on1.md", PRIYA),
            ("sub/empty.1on1.md", "## 2026-11-24\n### Agenda\n"),
            (".hidden/x.1on1.md", "## 2026-02-30\n"),
        ]),
        ..Setup::default()
    })
    .await;
    let reg = c.server_request("client/registerCapability").await;
    let globs: Vec<&str> = reg["params"]["registrations"][0]["registerOptions"]["watchers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["globPattern"].as_str().unwrap())
        .collect();
    assert_eq!(globs, ["**/*.1on1.md", "**/.1on1.json"]);
    c.server_request("window/workDoneProgress/create").await;
    assert_eq!(
        c.findings("priya.1on1.md", None).await,
        ["12:0 uncarried-loops"]
    );
    assert_eq!(
        c.findings("sub/empty.1on1.md", None).await,
        ["0:0 empty-agenda"]
    );
    let end = c
        .wait_for(|m| m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end")
        .await;
    assert_eq!(
        end["params"]["value"]["message"], "2 files",
        "hidden folders are skipped"
    );
}

#[tokio::test]
async fn an_edit_republishes_every_file_of_the_series() {
    let b = "---\nwith: priya\n---\n## 2026-11-20\n- Did the RFC land? [[#^rfc]]\n";
    let (mut c, _) = Client::start(Setup {
        files: files(&[("priya.1on1.md", PRIYA), ("b.1on1.md", b)]),
        ..Setup::default()
    })
    .await;
    assert_eq!(c.findings("b.1on1.md", None).await, Vec::<String>::new());
    c.open("priya.1on1.md", PRIYA).await;
    assert_eq!(
        c.findings("priya.1on1.md", Some(1)).await,
        ["12:0 uncarried-loops"]
    );
    // Rename the id in the buffer only: the other file's reference breaks.
    c.change("priya.1on1.md", 2, json!([{"range": {"start": {"line": 9, "character": 21}, "end": {"line": 9, "character": 24}}, "text": "rfx"}])).await;
    c.until_findings("b.1on1.md", &["4:20 broken-reference"])
        .await;
    let text = c
        .request(
            "oneonone/documentText",
            json!({"uri": c.uri("priya.1on1.md")}),
        )
        .await;
    assert!(text
        .as_str()
        .unwrap()
        .contains("- [ ] Draft the RFC ^rfx\n"));
}

#[tokio::test]
async fn utf16_and_utf8_positions_after_emoji_and_cjk() {
    for utf8 in [false, true] {
        let (mut c, _) = Client::start(Setup {
            utf8,
            ..Setup::default()
        })
        .await;
        let text = "## 2026-11-24\n- 🙂漢字 What next? #grwoth\n";
        c.open("a.1on1.md", text).await;
        // `#grwoth` starts after "- 🙂漢字 What next? ": 2 + 2 (or 4 bytes) + 2 (or 6) + 12.
        let col = if utf8 { 2 + 4 + 6 + 12 } else { 2 + 2 + 2 + 12 };
        assert_eq!(
            c.findings("a.1on1.md", Some(1)).await,
            [format!("1:{col} unknown-theme")]
        );
        let fix = json!([{"range": {"start": {"line": 1, "character": col + 3}, "end": {"line": 1, "character": col + 5}}, "text": "ow"}]);
        c.change("a.1on1.md", 2, fix).await;
        assert_eq!(c.findings("a.1on1.md", Some(2)).await, Vec::<String>::new());
        let text = c
            .request("oneonone/documentText", json!({"uri": c.uri("a.1on1.md")}))
            .await;
        assert_eq!(text, "## 2026-11-24\n- 🙂漢字 What next? #growth\n");
    }
}

#[tokio::test]
async fn completion_of_themes_ids_meetings_loops_and_prompts() {
    let (mut c, _) = Client::start(Setup {
        files: files(&[("priya.1on1.md", PRIYA)]),
        ..Setup::default()
    })
    .await;
    let uri = c.uri("priya.1on1.md");
    let complete = |fixture: &str| {
        let (text, pos) = cursor(fixture);
        (text, pos)
    };

    // After `#`: the themes first, with their guidance.
    let (text, pos) = complete(&format!("{PRIYA}- [ ] #gr$0\n"));
    c.open("priya.1on1.md", &text).await;
    let list = c.complete(&uri, &pos).await;
    let labels = labels_of(&list);
    assert_eq!(
        &labels[..4],
        ["#growth", "#feedback", "#alignment", "#status"]
    );
    assert!(list["items"][0]["documentation"]["value"]
        .as_str()
        .unwrap()
        .contains("Questions to bring"));
    let edit = &list["items"][0]["textEdit"];
    assert_eq!(
        apply(&text, std::slice::from_ref(edit)),
        format!("{PRIYA}- [ ] #growth\n")
    );

    // In a list item of the newest meeting: the loop not yet carried over, with an id
    // added to its origin by an additional edit.
    let (text, pos) = complete(&format!("{PRIYA}- [ ] $0\n"));
    c.change("priya.1on1.md", 2, json!([{"text": text}])).await;
    let list = c.complete(&uri, &pos).await;
    let item = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "Book the design review")
        .unwrap()
        .clone();
    assert_eq!(item["detail"], "open 8 days · from 2026-11-17");
    let mut edits = vec![item["textEdit"].clone()];
    edits.extend(
        item["additionalTextEdits"]
            .as_array()
            .unwrap()
            .iter()
            .cloned(),
    );
    let done = apply(&text, &edits);
    assert!(
        done.contains("- [ ] Book the design review ^book-the-design-review\n"),
        "{done}"
    );
    assert!(
        done.ends_with("- [ ] Book the design review [[#^book-the-design-review]]\n"),
        "{done}"
    );
    // Question prompts come after the loops, in an agenda.
    assert!(list["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["detail"] == "#growth question"));

    // Mid-sentence, no loops or prompts pop up.
    let (text, pos) = complete(&format!("{PRIYA}- [ ] Talk about $0\n"));
    c.change("priya.1on1.md", 3, json!([{"text": text}])).await;
    let list = c.complete(&uri, &pos).await;
    assert_eq!(list["items"], json!([]));

    // After `[[#^`: the ids of the series.
    let (text, pos) = complete(&format!("{PRIYA}- see [[#^r$0\n"));
    c.change("priya.1on1.md", 4, json!([{"text": text}])).await;
    let list = c.complete(&uri, &pos).await;
    assert_eq!(list["items"][0]["label"], "rfc");

    // After `## `: today and the next date by cadence, as a meeting skeleton.
    let (text, pos) = complete(&format!("{PRIYA}\n## $0\n"));
    c.change("priya.1on1.md", 5, json!([{"text": text}])).await;
    let list = c.complete(&uri, &pos).await;
    let labels = labels_of(&list);
    assert_eq!(labels, ["2026-11-25", "2026-12-01"]);
    assert_eq!(list["items"][1]["insertTextFormat"], 2, "a snippet");
    let body = list["items"][1]["textEdit"]["newText"].as_str().unwrap();
    // The new meeting carries every open loop, the ones already carried into 11-24 too.
    assert_eq!(body, "2026-12-01\n\n### Agenda\n- [ ] Draft the RFC [[#^rfc]]\n- [ ] Book the design review [[#^book-the-design-review]]\n- $0\n\n### Notes\n\n### Actions\n");
}

/// Runs the code action titled `title` at `fixture`'s cursor and returns the new text.
async fn run_action(
    c: &mut Client,
    name: &str,
    fixture: &str,
    title: &str,
    version: i64,
) -> String {
    let (text, pos) = cursor(fixture);
    if version == 1 {
        c.open(name, &text).await;
    } else {
        c.change(name, version, json!([{"text": text}])).await;
    }
    let uri = c.uri(name);
    let actions = c
        .request("textDocument/codeAction", json!({"textDocument": {"uri": uri}, "range": {"start": pos, "end": pos}, "context": {"diagnostics": []}}))
        .await;
    let titles: Vec<&str> = actions
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    let action = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with(title))
        .unwrap_or_else(|| panic!("no {title:?} among {titles:?}"))
        .clone();
    let edits = action["edit"]["changes"][&uri]
        .as_array()
        .cloned()
        .unwrap_or_default();
    apply(&text, &edits)
}

/// Feedback written as a bare `-` still opens a loop; closing it keeps it a list item
/// (`-[x]` would be a paragraph).
#[tokio::test]
async fn closing_a_loop_with_an_empty_item_keeps_it_an_item() {
    let (mut c, _) = Client::start(Setup::default()).await;
    for (bare, closed) in [("-", "- [x] ✅ 2026-11-25"), ("- ", "- [x] ✅ 2026-11-25 ")] {
        let doc = format!(
            "## 2026-11-24\n### Agenda\n- What should I learn next? #growth\n### Feedback\n$0{bare}\n- Be more proactive in planning\n"
        );
        let name = if bare == "-" {
            "a.1on1.md"
        } else {
            "b.1on1.md"
        };
        let after = run_action(&mut c, name, &doc, "Close loop", 1).await;
        assert_eq!(
            after,
            cursor(&doc)
                .0
                .replace(&format!("{bare}\n"), &format!("{closed}\n"))
        );
    }
}

#[tokio::test]
async fn code_actions_change_exactly_the_bytes_they_should() {
    let (mut c, _) = Client::start(Setup::default()).await;

    // Close loop, from a reference: every open item of the loop is ticked and dated.
    let doc = PRIYA.replace("[[#^rfc]]", "[[#^rfc]]$0");
    let after = run_action(&mut c, "a.1on1.md", &doc, "Close loop", 1).await;
    let expected = PRIYA
        .replace(
            "- [ ] Draft the RFC ^rfc",
            "- [x] Draft the RFC ✅ 2026-11-25 ^rfc",
        )
        .replace(
            "- [ ] How is the RFC going? [[#^rfc]]",
            "- [x] How is the RFC going? [[#^rfc]] ✅ 2026-11-25",
        );
    assert_eq!(after, expected);

    // Carry over open loops, from the newest heading.
    let doc = PRIYA.replace("## 2026-11-24", "## 2026-11-24$0");
    let after = run_action(&mut c, "a.1on1.md", &doc, "Carry over 1 open loop", 2).await;
    let expected = PRIYA
        .replace(
            "- [ ] Book the design review\n",
            "- [ ] Book the design review ^book-the-design-review\n",
        )
        .replace(
            "[[#^rfc]]\n",
            "[[#^rfc]]\n- [ ] Book the design review [[#^book-the-design-review]]\n",
        );
    assert_eq!(after, expected);

    // Add done date.
    let doc = "## 2026-11-24\n- [x] Shared the deck$0 ^deck\n- What next? #growth\n";
    let after = run_action(&mut c, "a.1on1.md", doc, "Add done date", 3).await;
    assert_eq!(
        after,
        "## 2026-11-24\n- [x] Shared the deck ✅ 2026-11-25 ^deck\n- What next? #growth\n"
    );

    // Quick fixes: a misspelt theme, a non-ISO date.
    let doc = "## 2026-11-24\n- What next? #grw$0oth\n";
    let after = run_action(&mut c, "a.1on1.md", doc, "Replace with #growth", 4).await;
    assert_eq!(after, "## 2026-11-24\n- What next? #growth\n");
    let doc = "## 24/11/2026$0 planning\n- What next? #growth\n";
    let after = run_action(&mut c, "a.1on1.md", doc, "Write the date as 2026-11-24", 5).await;
    assert_eq!(after, "## 2026-11-24 planning\n- What next? #growth\n");

    // An empty agenda gets a growth question.
    let doc = "## 2026-11-24$0\n### Agenda\n\n### Notes\n";
    let after = run_action(&mut c, "a.1on1.md", doc, "Add a growth question", 6).await;
    assert_eq!(after, "## 2026-11-24\n### Agenda\n- [ ] #growth What skill should I build next to grow into the next level?\n\n### Notes\n");

    // A stale loop is carried into the newest meeting.
    let doc = "## 2026-10-20\n### Feedback\n- Share drafts earlier$0\n\n## 2026-11-10\n### Agenda\n- What next? #growth\n";
    let after = run_action(&mut c, "a.1on1.md", doc, "Carry over into 2026-11-10", 7).await;
    assert_eq!(
        after,
        "## 2026-10-20\n### Feedback\n- Share drafts earlier ^share-drafts-earlier\n\n## 2026-11-10\n### Agenda\n- What next? #growth\n- [ ] Share drafts earlier [[#^share-drafts-earlier]]\n"
    );

    // Start next 1:1, anywhere: the same edit as `oneonone-ls next`.
    let doc = format!("{PRIYA}$0");
    let after = run_action(&mut c, "a.1on1.md", &doc, "Start next 1:1", 8).await;
    assert!(after.starts_with(&PRIYA.replace(
        "- [ ] Book the design review\n",
        "- [ ] Book the design review ^book-the-design-review\n"
    )));
    assert!(after.ends_with("[[#^rfc]]\n\n## 2026-12-01\n\n### Agenda\n- [ ] Draft the RFC [[#^rfc]]\n- [ ] Book the design review [[#^book-the-design-review]]\n\n### Notes\n\n### Actions\n"), "{after}");
}

#[tokio::test]
async fn a_quick_fix_is_attached_to_its_diagnostic() {
    let (mut c, _) = Client::start(Setup::default()).await;
    let text = "## 2026-11-24\n- What next? #grwoth\n";
    c.open("a.1on1.md", text).await;
    let diags = c.diagnostics("a.1on1.md", Some(1)).await;
    let uri = c.uri("a.1on1.md");
    let actions = c
        .request("textDocument/codeAction", json!({"textDocument": {"uri": uri}, "range": diags[0]["range"], "context": {"diagnostics": diags, "only": ["quickfix"]}}))
        .await;
    let fix = &actions[0];
    assert_eq!(fix["title"], "Replace with #growth");
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["isPreferred"], true);
    assert_eq!(fix["diagnostics"][0], diags[0]);
    assert!(actions
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["kind"] == "quickfix"));
}

#[tokio::test]
async fn hover_navigation_rename_symbols_folding_hints_and_lenses() {
    let b = "---\nwith: Priya\n---\n## 2026-11-20\n- [ ] Still on it? [[priya.1on1#^rfc]]\n";
    let (mut c, _) = Client::start(Setup {
        files: files(&[("priya.1on1.md", PRIYA), ("b.1on1.md", b)]),
        ..Setup::default()
    })
    .await;
    c.indexed().await;
    c.open("priya.1on1.md", PRIYA).await;
    let uri = c.uri("priya.1on1.md");
    let at = |line: u32, character: u32| json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}});

    // Hover on a theme tag, on a reference (the loop's history), on a meeting heading.
    let h = c.request("textDocument/hover", at(7, 28)).await;
    assert!(h["contents"]["value"]
        .as_str()
        .unwrap()
        .starts_with("**#growth**: Career, skills"));
    let h = c.request("textDocument/hover", at(14, 30)).await;
    let md = h["contents"]["value"].as_str().unwrap();
    assert!(
        md.starts_with("**Loop**: open, last activity 1 day ago"),
        "{md}"
    );
    assert!(
        md.contains("2026-11-17 opened: *Draft the RFC*")
            && md.contains("2026-11-20 mentioned")
            && md.contains("2026-11-24 mentioned"),
        "{md}"
    );
    let h = c.request("textDocument/hover", at(12, 3)).await;
    assert!(h["contents"]["value"]
        .as_str()
        .unwrap()
        .contains("Open loops: 2"));

    // Definition and references across the series' files.
    let d = c.request("textDocument/definition", at(14, 30)).await;
    assert_eq!(d["range"]["start"], json!({"line": 9, "character": 20}));
    let refs = c
        .request("textDocument/references", json!({"textDocument": {"uri": uri}, "position": {"line": 9, "character": 22}, "context": {"includeDeclaration": true}}))
        .await;
    let places: Vec<String> = refs
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            format!(
                "{}:{}",
                l["uri"].as_str().unwrap().rsplit('/').next().unwrap(),
                l["range"]["start"]["line"]
            )
        })
        .collect();
    assert_eq!(
        places,
        ["priya.1on1.md:9", "b.1on1.md:4", "priya.1on1.md:14"]
    );

    // Rename: prepare gives the id's range; the edit covers both files.
    let p = c.request("textDocument/prepareRename", at(14, 30)).await;
    assert_eq!(
        p,
        json!({"start": {"line": 14, "character": 32}, "end": {"line": 14, "character": 35}})
    );
    let edit = c.request("textDocument/rename", json!({"textDocument": {"uri": uri}, "position": {"line": 9, "character": 22}, "newName": "design-rfc"})).await;
    let mine = edit["changes"][&uri].as_array().unwrap().clone();
    assert_eq!(apply(PRIYA, &mine), PRIYA.replace("^rfc", "^design-rfc"));
    let theirs = edit["changes"][c.uri("b.1on1.md")]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(apply(b, &theirs), b.replace("#^rfc", "#^design-rfc"));
    let bad = c.request_raw("textDocument/rename", json!({"textDocument": {"uri": uri}, "position": {"line": 9, "character": 22}, "newName": "no spaces"})).await;
    assert!(bad["error"]["message"]
        .as_str()
        .unwrap()
        .contains("not a block id"));

    // Symbols, folding, inlay hints, code lens.
    let symbols = c
        .request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": uri}}),
        )
        .await;
    let names: Vec<&str> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["2026-11-17", "2026-11-24"]);
    assert_eq!(symbols[0]["children"][1]["name"], "Actions");
    let ws = c
        .request("workspace/symbol", json!({"query": "design review"}))
        .await;
    assert_eq!(ws[0]["name"], "Book the design review");
    let folds = c
        .request(
            "textDocument/foldingRange",
            json!({"textDocument": {"uri": uri}}),
        )
        .await;
    let lines: Vec<(u64, u64)> = folds
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["startLine"].as_u64().unwrap(),
                f["endLine"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(lines, [(5, 10), (6, 7), (8, 10), (12, 14), (13, 14)]);
    let hints = c.request("textDocument/inlayHint", json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 20, "character": 0}}})).await;
    let labels: Vec<String> = hints
        .as_array()
        .unwrap()
        .iter()
        .map(|h| format!("{}:{}", h["position"]["line"], h["label"].as_str().unwrap()))
        .collect();
    assert_eq!(labels, ["9:1d", "10:8d", "14:1d"]);
    let lenses = c
        .request(
            "textDocument/codeLens",
            json!({"textDocument": {"uri": uri}}),
        )
        .await;
    assert_eq!(lenses[0]["range"]["start"]["line"], 12);
    assert_eq!(
        lenses[0]["command"]["title"],
        "2 open loops · 0 stale feedback · last #growth 8 days ago"
    );
}

#[tokio::test]
async fn commands_give_the_summary_and_start_the_next_meeting_through_apply_edit() {
    let (mut c, _) = Client::start(Setup {
        files: files(&[("priya.1on1.md", PRIYA)]),
        ..Setup::default()
    })
    .await;
    c.open("priya.1on1.md", PRIYA).await;
    let uri = c.uri("priya.1on1.md");
    let summary = c
        .request(
            "workspace/executeCommand",
            json!({"command": "oneonone.summary", "arguments": [uri]}),
        )
        .await;
    assert_eq!(summary[0]["series"], "Priya");
    assert_eq!(summary[0]["openLoops"].as_array().unwrap().len(), 2);
    let result = c
        .request(
            "workspace/executeCommand",
            json!({"command": "oneonone.startNext", "arguments": [uri]}),
        )
        .await;
    assert_eq!(result, json!({"applied": true}));
    let request = c.server_request("workspace/applyEdit").await;
    let edits = request["params"]["edit"]["changes"][&uri]
        .as_array()
        .unwrap()
        .clone();
    // The skeleton goes at the end of the last line, not after the final line break
    // (some clients mishandle that).
    let last = edits.last().unwrap();
    assert_eq!(last["range"]["start"], json!({"line": 14, "character": 37}));
    assert!(apply(PRIYA, &edits).contains("\n## 2026-12-01\n"));
    let unknown = c
        .request_raw(
            "workspace/executeCommand",
            json!({"command": "oneonone.nope"}),
        )
        .await;
    assert_eq!(unknown["error"]["code"], -32602);
}

#[tokio::test]
async fn configuration_from_options_settings_and_files_with_bad_values_named() {
    let text = "## 2026-11-24\n### Agenda\n";
    let (mut c, _) = Client::start(Setup {
        files: files(&[
            ("a.1on1.md", text),
            (".1on1.json", r#"{"careerEvery": "often"}"#),
        ]),
        init_options: json!({"today": "2026-11-25", "rules": {"empty-agenda": "error"}}),
        ..Setup::default()
    })
    .await;
    let shown = c.wait_for(|m| m["method"] == "window/showMessage").await;
    assert!(
        shown["params"]["message"]
            .as_str()
            .unwrap()
            .contains("`careerEvery`"),
        "{shown}"
    );
    let diags = c.diagnostics("a.1on1.md", None).await;
    assert_eq!(
        diags[0]["severity"], 1,
        "error, from the initialization options"
    );
    c.open("a.1on1.md", text).await;
    c.diagnostics("a.1on1.md", Some(1)).await;
    // Pushed settings replace the client's layer.
    c.notify("workspace/didChangeConfiguration", json!({"settings": {"oneonone": {"today": "2026-11-25", "rules": {"empty-agenda": "off"}}}})).await;
    assert_eq!(
        c.diagnostics("a.1on1.md", Some(1)).await,
        Vec::<Value>::new()
    );
}

#[tokio::test]
async fn pulled_configuration_is_used_when_the_client_supports_it() {
    let (mut c, _) = Client::start(Setup {
        files: files(&[("a.1on1.md", "## 2026-11-24\n### Agenda\n")]),
        pulled_settings: Some(json!({"today": "2026-11-25", "rules": {"empty-agenda": "hint"}})),
        ..Setup::default()
    })
    .await;
    c.server_request("workspace/configuration").await;
    let diags = c.diagnostics("a.1on1.md", None).await;
    assert_eq!(diags[0]["severity"], 4);
}

#[tokio::test]
async fn watched_files_follow_creations_changes_and_deletions_but_the_buffer_wins() {
    let (mut c, _) = Client::start(Setup {
        files: files(&[("a.1on1.md", "## 2026-11-24\n- What next? #growth\n")]),
        ..Setup::default()
    })
    .await;
    assert_eq!(c.findings("a.1on1.md", None).await, Vec::<String>::new());
    std::fs::write(c.path("b.1on1.md"), "## 2026-11-24\n### Agenda\n").unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": c.uri("b.1on1.md"), "type": 1}]}),
    )
    .await;
    assert_eq!(c.findings("b.1on1.md", None).await, ["0:0 empty-agenda"]);
    // Open b with other text; a change on disk does not override the buffer.
    c.open("b.1on1.md", "## 2026-11-24\n- What next? #growth\n")
        .await;
    assert_eq!(c.findings("b.1on1.md", Some(1)).await, Vec::<String>::new());
    std::fs::write(c.path("b.1on1.md"), "## 2026-02-30\n").unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": c.uri("b.1on1.md"), "type": 2}]}),
    )
    .await;
    let text = c
        .request("oneonone/documentText", json!({"uri": c.uri("b.1on1.md")}))
        .await;
    assert_eq!(text, "## 2026-11-24\n- What next? #growth\n");
    // Closing b brings back the disk's text; deleting it clears its diagnostics.
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": c.uri("b.1on1.md")}}),
    )
    .await;
    assert_eq!(c.findings("b.1on1.md", None).await, ["0:3 invalid-date"]);
    std::fs::remove_file(c.path("b.1on1.md")).unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": c.uri("b.1on1.md"), "type": 3}]}),
    )
    .await;
    assert_eq!(c.findings("b.1on1.md", None).await, Vec::<String>::new());
}

#[tokio::test]
async fn bad_requests_get_errors_or_empty_answers_and_the_server_goes_on() {
    let (mut c, _) = Client::start(Setup::default()).await;
    let r = c.request_raw("textDocument/frobnicate", json!({})).await;
    assert_eq!(r["error"]["code"], -32601);
    let unknown = json!({"textDocument": {"uri": "file:///nowhere/x.1on1.md"}, "position": {"line": 0, "character": 0}});
    assert_eq!(
        c.request("textDocument/hover", unknown.clone()).await,
        Value::Null
    );
    assert_eq!(
        c.request("textDocument/completion", unknown).await,
        Value::Null
    );
    let r = c
        .request_raw("textDocument/hover", json!({"textDocument": 7}))
        .await;
    assert_eq!(r["error"]["code"], -32602, "wrong parameter types");
    c.open("a.1on1.md", "## 2026-11-24\n- What next? #growth\n")
        .await;
    let far = json!({"textDocument": {"uri": c.uri("a.1on1.md")}, "position": {"line": 4000000000u64, "character": 4000000000u64}});
    assert_eq!(
        c.request("textDocument/hover", far.clone()).await,
        Value::Null
    );
    c.request("textDocument/completion", far).await;
    // A change far out of range is clamped, a change to an unknown document ignored.
    c.change("a.1on1.md", 2, json!([{"range": {"start": {"line": 99, "character": 0}, "end": {"line": 99, "character": 5}}, "text": "x"}])).await;
    c.change("zzz.1on1.md", 2, json!([{"text": "x"}])).await;
    let text = c
        .request("oneonone/documentText", json!({"uri": c.uri("a.1on1.md")}))
        .await;
    assert_eq!(text, "## 2026-11-24\n- What next? #growth\nx");
    // Malformed frames are logged and skipped; the server still answers.
    c.send_raw(b"Content-Length: 9\r\n\r\n{not json").await;
    c.send_raw(b"Content-Length: 2\r\n\r\n[]").await;
    c.send_raw(b"Garbage: yes\r\n\r\n").await;
    let body = br#"{"jsonrpc":"2.0","id":[1]}"#;
    c.send_raw(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes())
        .await;
    c.send_raw(body).await;
    assert_eq!(c.request("shutdown", Value::Null).await, Value::Null);
}

#[tokio::test]
async fn other_markdown_files_are_kept_in_step_but_not_linted() {
    let (mut c, _) = Client::start(Setup::default()).await;
    c.open("README.md", "## 2026-02-30\n- #grwoth\n").await;
    c.change("README.md", 2, json!([{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": "x"}])).await;
    let text = c
        .request("oneonone/documentText", json!({"uri": c.uri("README.md")}))
        .await;
    assert_eq!(text, "x## 2026-02-30\n- #grwoth\n");
    let hover = json!({"textDocument": {"uri": c.uri("README.md")}, "position": {"line": 1, "character": 3}});
    assert_eq!(c.request("textDocument/hover", hover).await, Value::Null);
    // A note opened after it is linted, and nothing was published for the README.
    c.open("a.1on1.md", "## 2026-11-24\n### Agenda\n").await;
    assert_eq!(c.findings("a.1on1.md", Some(1)).await, ["0:0 empty-agenda"]);
    let readme = json!(c.uri("README.md"));
    assert_eq!(c.seen_any(|m| m["params"]["uri"] == readme), None);
}
