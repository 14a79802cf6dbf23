//! Incremental sync is exact: after any sequence of edits (UTF-16 positions, emoji, CRLF,
//! lone CR, U+2028), the server's text equals the client's, and its diagnostics equal those
//! of a fresh open of the same text.

mod common;

use common::client::{Client, Setup};
use proptest::prelude::*;
use serde_json::json;

/// Pieces that stress positions and the parser alike.
const PIECES: &[&str] = &[
    "a",
    "é",
    "🙂",
    "漢",
    "\n",
    "\r\n",
    "\r",
    "\u{2028}",
    " ",
    "#growth",
    "#grwoth",
    "- [ ] ",
    "- [x] ",
    "## 2026-11-24\n",
    "## 2026-02-30\n",
    "### Agenda\n",
    "[[#^a]]",
    " ^a",
    "?",
    "`",
    "📅 2026-11-20",
    "Fixed the build",
    "\t",
];

#[derive(Clone, Debug)]
struct Edit {
    /// Where, as fractions of the text's length in chars.
    start: f64,
    len: usize,
    insert: Vec<usize>,
}

fn edit() -> impl Strategy<Value = Edit> {
    (
        0.0..=1.0f64,
        0usize..6,
        prop::collection::vec(0..PIECES.len(), 0..4),
    )
        .prop_map(|(start, len, insert)| Edit { start, len, insert })
}

/// (line, UTF-16 column) of a char index, with lines broken as LSP clients break them.
fn position(text: &str, char_index: usize) -> (usize, usize) {
    let byte = text
        .char_indices()
        .nth(char_index)
        .map_or(text.len(), |(b, _)| b);
    let index = oneonone_ls::text::LineIndex::new(text);
    let lc = index.line_col(text, byte, oneonone_ls::text::ColumnUnit::Utf16);
    (lc.line as usize, lc.col as usize)
}

/// Applies an edit to the client's text and returns the change to send.
fn apply(text: &mut String, e: &Edit) -> serde_json::Value {
    let chars: Vec<char> = text.chars().collect();
    let mut start = ((chars.len() as f64) * e.start) as usize;
    let mut end = (start + e.len).min(chars.len());
    // Never split a CRLF: clients do not place positions between its two characters.
    let splits_crlf =
        |i: usize| i > 0 && i < chars.len() && chars[i - 1] == '\r' && chars[i] == '\n';
    if splits_crlf(start) {
        start -= 1;
    }
    if splits_crlf(end) {
        end += 1;
    }
    let new: String = e.insert.iter().map(|&i| PIECES[i]).collect();
    let (sl, sc) = position(text, start);
    let (el, ec) = position(text, end);
    let mut out: String = chars[..start].iter().collect();
    out.push_str(&new);
    out.extend(&chars[end..]);
    *text = out;
    json!({"range": {"start": {"line": sl, "character": sc}, "end": {"line": el, "character": ec}}, "text": new})
}

fn findings_key(d: &[serde_json::Value]) -> Vec<String> {
    d.iter()
        .map(|d| format!("{} {}", d["range"], d["code"]))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn any_edit_sequence_keeps_the_server_in_step(
        initial in prop::collection::vec(0..PIECES.len(), 0..30),
        edits in prop::collection::vec(prop::collection::vec(edit(), 1..4), 1..12),
    ) {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        runtime.block_on(async {
            let (mut c, _) = Client::start(Setup::default()).await;
            let mut text: String = initial.iter().map(|&i| PIECES[i]).collect();
            c.open("a.1on1.md", &text).await;
            let mut version = 1;
            for batch in &edits {
                version += 1;
                // Several changes in one notification apply one after the other.
                let changes: Vec<_> = batch.iter().map(|e| apply(&mut text, e)).collect();
                c.change("a.1on1.md", version, json!(changes)).await;
            }
            let server = c.request("oneonone/documentText", json!({"uri": c.uri("a.1on1.md")})).await;
            assert_eq!(server.as_str().unwrap(), text);
            let incremental = c.diagnostics("a.1on1.md", Some(version)).await;
            c.open("b.1on1.md", &text).await;
            let fresh = c.diagnostics("b.1on1.md", Some(1)).await;
            assert_eq!(findings_key(&incremental), findings_key(&fresh), "{text:?}");
        });
    }
}
