//! `actions`: every code action on a note. Input: `text 0xFF script`; the first script byte
//! picks the file name (a running doc, a one-meeting file, or two one-meeting files split at
//! the first NUL), the rest extra cursor offsets. Actions are asked for at the start, end and
//! middle of every item line, block id, tag, reference and meeting heading, on whole lines
//! and on the whole file.
//!
//! Properties of every action offered (each distinct title and edit set once):
//! 1. its edits lie inside their files on character boundaries, split no CRLF, do not
//!    overlap, and insert only the file's own line break;
//! 2. applying them (`ide::apply_edits`) gives the text spliced here: every byte outside
//!    the edits is unchanged, and a BOM stays first;
//! 3. the result parses, and keeps every meeting (by date) and every item it had (a
//!    one-meeting file whose non-ISO heading is written as ISO becomes a running doc of that
//!    date, by design);
//! 4. a fix works: the finding it fixes is gone from where it was (except "carry over" of a
//!    stale loop, which keeps it stale when the newest meeting is itself old);
//! 5. re-applying is harmless: asked again at the same cursor in the result, an action with
//!    the same title is not offered again (a selection can hold several loops whose actions
//!    share a title, so this is checked for cursors), except "Start next 1:1", which is
//!    offered for the next date and, applied to the result, passes 1-3 again.

use std::collections::HashMap;

use oneonone_ls::config::{Config, Rule};
use oneonone_ls::ide::actions::{actions, Action, ActionKind};
use oneonone_ls::ide::{apply_edits, series_diagnostics, TextEdit};
use oneonone_ls::model::{FileChange, FileId, SourceFile, Workspace};
use oneonone_ls::text::TextRange;

use super::check::{assert_edit_fits, file_line_break, floor_boundary, splice, workspace};
use super::input::{split_script, text_of, Script};

pub fn check(data: &[u8]) {
    let (text, script) = split_script(data);
    let text = text_of(text);
    let mut s = Script::new(script);
    let flags = s.byte();
    let ws = match flags % 3 {
        0 => workspace(Config::default(), &[("a.1on1.md", &text)]),
        1 => workspace(Config::default(), &[("notes/2026-11-24.1on1.md", &text)]),
        _ => match text.split_once('\0') {
            Some((a, b)) => workspace(
                Config::default(),
                &[
                    ("notes/2026-11-17.1on1.md", a),
                    ("notes/2026-11-24.1on1.md", b),
                ],
            ),
            None => workspace(Config::default(), &[("a.1on1.md", &text)]),
        },
    };
    let mut extra = Vec::new();
    while !s.is_done() && extra.len() < 8 {
        extra.push(s.u16() as usize);
    }
    let files: Vec<FileId> = ws.files().map(|(id, _)| id).collect();
    let mut seen: Vec<(String, Vec<TextEdit>)> = Vec::new();
    for file in files {
        for range in ranges(&ws, file, &extra) {
            for a in actions(&ws, file, range) {
                let key = (a.title.clone(), a.edits.clone());
                if seen.contains(&key) {
                    continue;
                }
                seen.push(key);
                let what = format!("action {:?} at {range:?}", a.title);
                let after = apply(&ws, &a, &what);
                check_fix(&ws, &after, &a, &what);
                check_again(&after, &a, file, range, &what);
            }
        }
    }
}

/// Cursors and selections to ask at.
fn ranges(ws: &Workspace, file: FileId, extra: &[usize]) -> Vec<TextRange> {
    let f = ws.file(file);
    let p = &f.parsed;
    let mut spans: Vec<TextRange> = Vec::new();
    spans.extend(p.items.iter().map(|i| i.first_line()));
    spans.extend(p.items.iter().map(|i| i.content));
    spans.extend(p.items.iter().filter_map(|i| Some(i.id()?.range)));
    spans.extend(p.tags.iter().map(|t| t.range));
    spans.extend(p.references.iter().map(|r| r.range));
    spans.extend(p.meetings.iter().map(|m| m.heading));
    let mut out: Vec<TextRange> = spans
        .iter()
        .flat_map(|r| [r.start(), r.end(), r.start() + r.len() / 2])
        .chain(extra.iter().map(|&o| o % (f.text.len() + 1)))
        .map(|o| TextRange::empty(floor_boundary(&f.text, o)))
        .collect();
    out.extend(p.items.iter().map(|i| i.first_line()).take(4));
    out.push(TextRange::new(0, f.text.len()));
    out.sort_unstable();
    out.dedup();
    out.truncate(48);
    out
}

/// Checks 1-3 and returns the workspace after the action.
fn apply(ws: &Workspace, a: &Action, what: &str) -> Workspace {
    let mut by_file: HashMap<FileId, Vec<&TextEdit>> = HashMap::new();
    for e in &a.edits {
        assert!(
            ws.get_file(e.file).is_some(),
            "{what}: edit in an unknown file"
        );
        by_file.entry(e.file).or_default().push(e);
    }
    let mut changes = Vec::new();
    for (&id, edits) in &by_file {
        let f = ws.file(id);
        let nl = file_line_break(&f.text);
        for e in edits {
            assert_edit_fits(&f.text, nl, e, what);
        }
        let spliced = splice(&f.text, edits, what);
        let applied = apply_edits(&f.text, edits.iter().copied());
        assert_eq!(applied.as_ref(), Some(&spliced), "{what}: apply_edits");
        if f.parsed.bom {
            assert!(spliced.starts_with('\u{FEFF}'), "{what}: the BOM moved");
        }
        let new = SourceFile::new(f.path.clone(), spliced, ws.config.max_file_bytes);
        keeps_structure(f, &new, a, what);
        changes.push(FileChange::Set(Box::new(new)));
    }
    if let Some((path, text)) = &a.new_file {
        assert!(
            ws.file_by_path(path).is_none(),
            "{what}: the new file {path:?} exists"
        );
        let new = SourceFile::new(path.clone(), text.clone(), ws.config.max_file_bytes);
        changes.push(FileChange::Set(Box::new(new)));
    }
    ws.update(changes).0
}

/// Every meeting date and every item of `old` is still in `new`.
fn keeps_structure(old: &SourceFile, new: &SourceFile, a: &Action, what: &str) {
    // Writing the `## 24/11/2026` heading of a one-meeting file as ISO makes it a meeting
    // heading: the file becomes a running doc of that meeting, and the date in its name no
    // longer counts. That is what the fix is for, not a lost meeting.
    let dated_by_fix = old.parsed.one_meeting
        && !new.parsed.one_meeting
        && a.fixes.as_ref().is_some_and(|d| d.rule == Rule::NonIsoDate);
    let mut dates: Vec<_> = new.parsed.meetings.iter().map(|m| m.date).collect();
    for m in old.parsed.meetings.iter().filter(|_| !dated_by_fix) {
        let Some(i) = dates.iter().position(|d| *d == m.date) else {
            panic!(
                "{what}: the meeting of {} is gone from {}:\n{}",
                m.date,
                old.path.display(),
                new.text
            );
        };
        dates.swap_remove(i);
    }
    assert!(
        new.parsed.items.len() >= old.parsed.items.len(),
        "{what}: items lost in {}:\n{}",
        old.path.display(),
        new.text
    );
}

/// Where `offset` of `file` is after the action's edits (text inserted at it pushes it on).
fn map_offset(a: &Action, file: FileId, offset: usize) -> usize {
    let mut o = offset as isize;
    for e in a.edits.iter().filter(|e| e.file == file) {
        if e.range.end() <= offset {
            o += e.new_text.len() as isize - e.range.len() as isize;
        }
    }
    o.max(0) as usize
}

fn check_fix(ws: &Workspace, after: &Workspace, a: &Action, what: &str) {
    let Some(d) = &a.fixes else { return };
    if matches!(d.rule, Rule::StaleFeedback | Rule::StaleLoop) && a.title.starts_with("Carry") {
        return;
    }
    let path = &ws.file(d.file).path;
    let file = after
        .file_by_path(path)
        .expect("the fixed file is still there");
    let at = map_offset(a, d.file, d.range.start());
    let left: Vec<_> = series_diagnostics(after, after.series_of(file))
        .into_iter()
        .filter(|x| x.file == file && x.rule == d.rule && x.range.start() == at)
        .collect();
    assert!(
        left.is_empty(),
        "{what}: the finding it fixes is still there: {left:?}\n{}",
        after.file(file).text
    );
}

fn check_again(after: &Workspace, a: &Action, file: FileId, range: TextRange, what: &str) {
    let path = &after.file(file).path;
    let file2 = after.file_by_path(path).expect("the file is still there");
    let text = &after.file(file2).text;
    let start = floor_boundary(text, map_offset(a, file, range.start()));
    let end = floor_boundary(text, map_offset(a, file, range.end())).max(start);
    let again = actions(after, file2, TextRange::new(start, end));
    if a.kind == ActionKind::Source {
        if let Some(next) = again.iter().find(|x| x.kind == ActionKind::Source) {
            let what = format!("{what}, then {:?}", next.title);
            apply(after, next, &what);
        }
        return;
    }
    if !range.is_empty() {
        return;
    }
    if let Some(twice) = again.iter().find(|x| x.title == a.title) {
        panic!(
            "{what}: offered again after applying it: {:?}\nits edits:\n{}\nafter:\n{text}",
            twice.edits,
            a.edits
                .iter()
                .map(|e| format!("{e:?}"))
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}
