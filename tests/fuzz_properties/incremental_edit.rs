//! `incremental_edit` (cargo reserves the name `incremental`): a note and a sequence of
//! edits. Input: `text 0xFF script`; the script's first byte picks the file name, the size
//! limit and `lintHistory`, then come edits, each `kind start(2) [length(1) | end(2)]
//! inserted` (see [`super::input::Script`]): a range (sometimes past the end, inverted or
//! inside a character, to be clamped) and a text built from note fragments (headings, tasks,
//! tags, ids, fences, CRLF, emoji…), so that edits open and close meetings, sections, code
//! blocks and front matter.
//!
//! Properties, after every edit: `SourceFile::edit` gives the text spliced here (range
//! clamped to the text and to character boundaries) and, field for field, the file
//! `SourceFile::new` parses from that text (version kept); the in-place parse
//! (`syntax::reparse`), called directly because `SourceFile::edit` falls back to a whole
//! parse should it panic, gives that tree when it claims to have done the job; the
//! workspace a keystroke goes through (`Workspace::apply` with `FileChange::Edit`, which
//! keeps the series as derived when the edit changed none of its links), a workspace
//! updated with the edited file, one built from it and one built from a fresh parse report
//! the same diagnostics; and the findings the server keeps (`LiveDiagnostics`, brought up
//! to date from the edited stretch after each keystroke) are those diagnostics.

use std::path::PathBuf;

use oneonone_ls::config::Config;
use oneonone_ls::ide::diagnostics::live::{text_order, LiveDiagnostics};
use oneonone_ls::ide::workspace_diagnostics;
use oneonone_ls::model::{FileChange, SourceFile, Workspace};
use oneonone_ls::syntax::{self, Reparse};
use oneonone_ls::text::TextRange;

use super::check::{floor_boundary, today};
use super::input::{split_script, text_of, Script};

pub fn check(data: &[u8]) {
    let (text, script) = split_script(data);
    let mut s = Script::new(script);
    // The first script byte picks the file name and a size limit that edits can cross.
    let flags = s.byte();
    let path = PathBuf::from(match flags % 3 {
        0 => "a.1on1.md",
        1 => "notes/2026-11-24.1on1.md",
        _ => "notes/2026-11-24-priya.1on1.md",
    });
    let max_bytes = if flags & 0x80 != 0 { 256 } else { 1 << 22 };
    let config = Config {
        max_file_bytes: max_bytes,
        lint_history: flags & 0x40 != 0,
        ..Config::default()
    };
    let mut file = SourceFile::new(path.clone(), text_of(text), max_bytes);
    file.version = Some(1);
    let mut ws = Workspace::new(config.clone(), today(), vec![file.clone()]);
    let mut applied = ws.clone();
    let mut live = LiveDiagnostics::new();
    live.update(&applied);
    let mut step = 0;
    while !s.is_done() {
        step += 1;
        let kind = s.byte();
        let len = file.text.len();
        let start = s.offset(len);
        let end = if kind & 1 == 0 {
            start.saturating_add(usize::from(s.byte() % 32))
        } else {
            // Sometimes inverted: clamped to an empty range at its start.
            s.offset(len)
        };
        let new_text = s.text(8);
        let range = TextRange::new(start, end);
        let edited = file.edit(range, &new_text, max_bytes);

        let a = floor_boundary(&file.text, start);
        let b = floor_boundary(&file.text, end).max(a);
        let want = format!("{}{new_text}{}", &file.text[..a], &file.text[b..]);
        let what = format!("edit {step}: {range:?} -> {new_text:?}");
        assert_eq!(edited.text, want, "{what}: wrong text");
        assert_eq!(edited.version, Some(1), "{what}: version not kept");
        let mut fresh = SourceFile::new(path.clone(), want, max_bytes);
        fresh.version = Some(1);
        if !file.too_large && !fresh.too_large {
            let mut direct = file.parsed.clone();
            let clamped = TextRange::new(a, b);
            let how = syntax::reparse(&mut direct, &fresh.text, clamped, new_text.len());
            if let Reparse::Stretch { .. } = how {
                assert!(
                    direct == fresh.parsed,
                    "{what}: the in-place parse differs from a fresh parse of {:?}",
                    fresh.text
                );
            }
        }
        assert!(
            edited == fresh,
            "{what}: differs from a fresh parse of {:?}\n{}",
            fresh.text,
            first_difference(&edited, &fresh)
        );

        let updated = ws.update(vec![FileChange::Set(Box::new(edited.clone()))]).0;
        let keystroke = FileChange::Edit {
            path: path.clone(),
            edits: vec![(range, new_text.clone())],
            version: Some(1),
        };
        applied = applied.apply(vec![keystroke]).0;
        let id = applied.file_by_path(&path).expect("the edited file");
        assert!(
            *applied.file(id) == fresh,
            "{what}: the file after Workspace::apply differs from a fresh parse"
        );
        let rebuilt = Workspace::new(config.clone(), today(), vec![edited.clone()]);
        let from_fresh = Workspace::new(config.clone(), today(), vec![fresh]);
        let want = workspace_diagnostics(&from_fresh);
        assert_eq!(workspace_diagnostics(&rebuilt), want, "{what}: diagnostics");
        assert_eq!(
            workspace_diagnostics(&updated),
            want,
            "{what}: diagnostics after update"
        );
        assert_eq!(
            workspace_diagnostics(&applied),
            want,
            "{what}: diagnostics after Workspace::apply"
        );
        live.update(&applied);
        let mut kept = live.file(id).map(|d| d.list.clone()).unwrap_or_default();
        let mut want = want;
        for list in [&mut kept, &mut want] {
            list.sort_by(text_order);
        }
        assert_eq!(kept, want, "{what}: the findings kept up to date");
        file = edited;
        ws = updated;
    }
}

/// Which field of two files differs first, for the failure message.
fn first_difference(a: &SourceFile, b: &SourceFile) -> String {
    let (pa, pb) = (&a.parsed, &b.parsed);
    let fields: [(&str, String, String); 9] = [
        (
            "line_index",
            format!("{:?}", a.line_index),
            format!("{:?}", b.line_index),
        ),
        (
            "too_large",
            format!("{:?}", a.too_large),
            format!("{:?}", b.too_large),
        ),
        (
            "series_key",
            format!("{:?}", a.series_key),
            format!("{:?}", b.series_key),
        ),
        (
            "front_matter",
            format!("{:?}", pa.front_matter),
            format!("{:?}", pb.front_matter),
        ),
        (
            "headings",
            format!("{:?}", pa.headings),
            format!("{:?}", pb.headings),
        ),
        (
            "meetings",
            format!("{:?}", pa.meetings),
            format!("{:?}", pb.meetings),
        ),
        (
            "items",
            format!("{:?}", pa.items),
            format!("{:?}", pb.items),
        ),
        (
            "tags/references",
            format!("{:?}{:?}", pa.tags, pa.references),
            format!("{:?}{:?}", pb.tags, pb.references),
        ),
        (
            "problems",
            format!("{:?}", pa.problems),
            format!("{:?}", pb.problems),
        ),
    ];
    for (name, x, y) in fields {
        if x != y {
            return format!("first differing field: {name}\n edited: {x}\n  fresh: {y}");
        }
    }
    format!("edited: {a:?}\n fresh: {b:?}")
}
