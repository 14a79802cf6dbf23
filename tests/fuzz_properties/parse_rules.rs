//! `parse_rules`: any bytes as a note. Input: the file's bytes (UTF-8 as they are, anything
//! else lossily decoded). Each input is checked as a running doc (`a.1on1.md`), as a
//! one-meeting file named by its date (`2026-11-24.1on1.md`) and, when it holds a NUL, as two
//! files of one folder split at the first NUL (a series across files), with every rule on
//! (history linted too).
//!
//! Properties: nothing panics; every range or offset any feature returns lies inside its
//! file's text, on character boundaries; an item starts at its list marker and its content
//! comes after the marker and checkbox, on one line; a symbol's selection lies inside its
//! range and a child inside its parent; completion edits apply.

use oneonone_ls::config::Config;
use oneonone_ls::ide::{self, apply_edits};
use oneonone_ls::model::{FileId, Workspace};
use oneonone_ls::text::TextRange;

use super::check::{assert_offset, assert_range, boundaries, workspace};
use super::input::text_of;

pub fn check(data: &[u8]) {
    let text = text_of(data);
    let config = Config {
        lint_history: true,
        ..Config::default()
    };
    check_workspace(&workspace(config.clone(), &[("a.1on1.md", &text)]));
    check_workspace(&workspace(
        Config::default(),
        &[("notes/2026-11-24.1on1.md", &text)],
    ));
    if let Some((a, b)) = text.split_once('\0') {
        check_workspace(&workspace(
            config,
            &[
                ("notes/2026-11-17.1on1.md", a),
                ("notes/2026-11-24-priya.1on1.md", b),
            ],
        ));
    }
}

fn check_workspace(ws: &Workspace) {
    let text_of = |f: FileId| ws.file(f).text.as_str();
    for (_, f) in ws.files() {
        check_items(&f.text, &f.parsed.items);
    }
    for d in ide::workspace_diagnostics(ws) {
        assert_range(
            text_of(d.file),
            d.range,
            &format!("diagnostic {:?}", d.rule),
        );
    }
    let summaries = ide::summary::summaries(ws);
    serde_json::to_string(&summaries).expect("a summary serializes");
    for s in ide::outline::workspace_symbols(ws, "") {
        check_symbol(ws, &s, None);
    }
    let ids: Vec<FileId> = ws.files().map(|(id, _)| id).collect();
    for file in ids {
        let text = text_of(file);
        for s in ide::outline::document_symbols(ws, file) {
            check_symbol(ws, &s, None);
        }
        for r in ide::outline::folding_ranges(ws, file) {
            assert_range(text, r, "folding range");
        }
        for l in ide::annotations::code_lenses(ws, file) {
            assert_range(text, l.range, "code lens");
        }
        let all = TextRange::new(0, text.len());
        for h in ide::annotations::inlay_hints(ws, file, all) {
            assert_offset(text, h.offset, "inlay hint");
        }
        for offset in offsets(ws, file) {
            check_at(ws, file, offset);
        }
    }
}

/// Where to ask: the ends of the text, its middle, and the start, end and middle of every
/// tag, reference, id, item line and meeting heading (at most 64 offsets).
fn offsets(ws: &Workspace, file: FileId) -> Vec<usize> {
    let f = ws.file(file);
    let p = &f.parsed;
    let mut ranges: Vec<TextRange> = vec![TextRange::new(0, f.text.len())];
    ranges.extend(p.tags.iter().map(|t| t.range));
    ranges.extend(p.references.iter().map(|r| r.range));
    ranges.extend(p.items.iter().map(|i| i.first_line()));
    ranges.extend(p.items.iter().filter_map(|i| Some(i.id()?.range)));
    ranges.extend(p.meetings.iter().map(|m| m.heading));
    let mut out: Vec<usize> = ranges
        .iter()
        .flat_map(|r| [r.start(), r.end(), r.start() + r.len() / 2])
        .map(|o| super::check::floor_boundary(&f.text, o))
        .collect();
    // Line starts too: a cursor after `## ` or `- ` asks for other completions.
    out.extend(boundaries(&f.text).filter(|&o| o > 0 && f.text.as_bytes()[o - 1] == b'\n'));
    out.sort_unstable();
    out.dedup();
    out.truncate(64);
    out
}

fn check_at(ws: &Workspace, file: FileId, offset: usize) {
    let text = ws.file(file).text.as_str();
    let in_file = |f: FileId, r: TextRange, what: &str| assert_range(&ws.file(f).text, r, what);
    if let Some(h) = ide::hover::hover(ws, file, offset) {
        assert_range(text, h.range, "hover");
    }
    for c in ide::completion::completions(ws, file, offset) {
        let what = format!("completion {:?}", c.label);
        assert_eq!(c.edit.file, file, "{what}: main edit in another file");
        in_file(c.edit.file, c.edit.range, &what);
        for e in c.additional.iter().chain(&c.other_files) {
            in_file(e.file, e.range, &what);
        }
        let same: Vec<_> = std::iter::once(&c.edit).chain(&c.additional).collect();
        assert!(
            apply_edits(text, same).is_some(),
            "{what}: its edits do not apply"
        );
    }
    if let Some((f, r)) = ide::navigation::definition(ws, file, offset) {
        in_file(f, r, "definition");
    }
    for (f, r) in ide::navigation::references(ws, file, offset, true) {
        in_file(f, r, "reference");
    }
    if let Some(r) = ide::navigation::prepare_rename(ws, file, offset) {
        assert_range(text, r, "prepare rename");
    }
    if let Ok(edits) = ide::navigation::rename(ws, file, offset, "renamed-id") {
        for e in &edits {
            in_file(e.file, e.range, "rename");
        }
    }
    let here = TextRange::empty(offset);
    for h in ide::annotations::inlay_hints(ws, file, here) {
        assert_offset(text, h.offset, "inlay hint");
    }
}

/// An item starts at its list marker; its content (the first line after the marker and the
/// checkbox) comes after them, on one line, inside the item.
fn check_items(text: &str, items: &[oneonone_ls::syntax::Item]) {
    for it in items {
        let what = format!("item {:?}", it.content.slice(text));
        assert_range(text, it.range, &what);
        assert_range(text, it.content, &what);
        assert!(
            it.range.contains_range(it.content),
            "{what}: content outside the item"
        );
        assert!(
            !it.content.slice(text).contains(['\n', '\r']),
            "{what}: content runs over a line break"
        );
        let lead = text[it.range.start()..it.content.start()].trim_start();
        let marker = lead.trim_start_matches(|c: char| c.is_ascii_digit());
        let bullet = lead.starts_with(['-', '*', '+']);
        let ordered = marker.len() < lead.len() && marker.starts_with(['.', ')']);
        assert!(
            bullet || ordered,
            "{what}: the text before its content, {lead:?}, does not start with a list marker"
        );
        if let Some(cb) = it.checkbox() {
            assert!(
                it.range.start() < cb.start() && cb.end() <= it.content.start(),
                "{what}: checkbox {cb:?} not between the marker and the content"
            );
        }
    }
}

fn check_symbol(ws: &Workspace, s: &ide::outline::Symbol, parent: Option<TextRange>) {
    let text = &ws.file(s.file).text;
    let what = format!("symbol {:?}", s.name);
    assert_range(text, s.range, &what);
    assert_range(text, s.selection, &what);
    assert!(
        s.range.contains_range(s.selection),
        "{what}: selection {:?} outside its range {:?}",
        s.selection,
        s.range
    );
    if let Some(p) = parent {
        assert!(
            p.contains_range(s.range),
            "{what}: range {:?} outside its parent {p:?}",
            s.range
        );
    }
    for c in &s.children {
        check_symbol(ws, c, Some(s.range));
    }
}
