//! `next`: the "Start next 1:1" edit (`ide::next::next_meeting`, which the `next` command
//! and the code action both apply). Input: the note's bytes. Each input is tried as a running
//! doc (`a.1on1.md`, with a second file `b.1on1.md` of the same `with:` when the text holds a
//! NUL: the bytes after it), and as a one-meeting file (`notes/2026-11-24.1on1.md`).
//!
//! Properties:
//! - the edits are insertions that fit (character boundaries, no split CRLF, the file's own
//!   line break), do not overlap, and apply; taking the inserted text out again gives the
//!   old file byte for byte, so the text before the new meeting is unchanged and a BOM stays
//!   first; apart from the skeleton they only add ` ^id` to loop origins;
//! - the result has every old meeting plus one, dated `plan.date`, first in a newest-first
//!   file and last otherwise, the newest of its series, with every carried loop in it (no
//!   uncarried loops left for it);
//! - for a one-meeting series, the new file is a one-meeting file of that date in the same
//!   series and overwrites nothing.

use std::sync::LazyLock;

use oneonone_ls::config::Config;
use oneonone_ls::ide::next::{is_newest_first, next_meeting, NextError};
use oneonone_ls::ide::{apply_edits, TextEdit};
use oneonone_ls::model::{FileChange, FileId, SourceFile, Workspace};
use regex::Regex;

use super::check::{assert_edit_fits, file_line_break, splice, workspace};
use super::input::text_of;

pub fn check(data: &[u8]) {
    let text = text_of(data);
    match text.split_once('\0') {
        Some((a, b)) => check_next(
            &workspace(Config::default(), &[("a.1on1.md", a), ("b.1on1.md", b)]),
            "a.1on1.md",
        ),
        None => check_next(
            &workspace(Config::default(), &[("a.1on1.md", &text)]),
            "a.1on1.md",
        ),
    }
    check_next(
        &workspace(Config::default(), &[("notes/2026-11-24.1on1.md", &text)]),
        "notes/2026-11-24.1on1.md",
    );
}

static ID_INSERT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^ \^[a-z0-9-]+$").unwrap());
/// A block id as notes may have it.
static BLOCK_ID: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\^[A-Za-z0-9-]+$").unwrap());

fn check_next(ws: &Workspace, path: &str) {
    let file = ws.file_by_path(path.as_ref()).expect("the file");
    let f = ws.file(file);
    let plan = match next_meeting(ws, file) {
        Ok(plan) => plan,
        Err(NextError::TooLarge) => return assert!(f.too_large),
        Err(NextError::Exists(p)) => return assert!(ws.file_by_path(&p).is_some()),
        // Refused only where a fence or an HTML block can be open.
        Err(NextError::Unclosed) => {
            return assert!(["```", "~~~", "<"].iter().any(|m| f.text.contains(m)));
        }
    };
    let what = format!("next meeting {} for {path}", plan.date);
    let mut changes = Vec::new();
    let mut skeletons = 0;
    let mut skeleton_at = None;
    let files: Vec<FileId> = ws.files().map(|(id, _)| id).collect();
    for id in files {
        let edits: Vec<&TextEdit> = plan.edits.iter().filter(|e| e.file == id).collect();
        if edits.is_empty() {
            continue;
        }
        let old = ws.file(id);
        let nl = file_line_break(&old.text);
        for e in &edits {
            assert_edit_fits(&old.text, nl, e, &what);
            if !e.range.is_empty() {
                // The one replacement: a duplicate block id renamed, so that the carried
                // line's reference finds its item.
                // The id replaced is the user's (any block id, capitals included); the one
                // written is the server's own (lower case).
                let replaced = e.range.slice(&old.text);
                let renamed = |t: &str| t.starts_with('^') && ID_INSERT.is_match(&format!(" {t}"));
                assert!(
                    BLOCK_ID.is_match(replaced) && renamed(&e.new_text),
                    "{what}: {e:?} replaces text"
                );
                let name = &replaced[1..];
                let first = ws.series_of(id).id_target(name);
                assert!(
                    first.is_some_and(|r| ws.item(r).id().unwrap().range != e.range),
                    "{what}: {e:?} renames the first item with its id"
                );
                continue;
            }
            if !ID_INSERT.is_match(&e.new_text) {
                skeletons += 1;
                assert_eq!(id, file, "{what}: the skeleton goes into another file");
                skeleton_at = Some(e.range.start());
            }
        }
        let new_text = splice(&old.text, &edits, &what);
        assert_eq!(
            apply_edits(&old.text, edits.iter().copied()).as_ref(),
            Some(&new_text),
            "{what}: apply_edits"
        );
        if old.parsed.bom {
            assert!(new_text.starts_with('\u{FEFF}'), "{what}: the BOM moved");
        }
        changes.push(FileChange::Set(Box::new(SourceFile::new(
            old.path.clone(),
            new_text,
            ws.config.max_file_bytes,
        ))));
    }
    let new_file = match &plan.new_file {
        Some((p, text)) => {
            assert!(f.parsed.one_meeting, "{what}: a new file for a running doc");
            assert_eq!(skeletons, 0, "{what}: a skeleton and a new file");
            assert!(ws.file_by_path(p).is_none(), "{what}: {p:?} exists");
            assert_eq!(
                p.parent(),
                f.path.parent(),
                "{what}: {p:?} in another folder"
            );
            let new = SourceFile::new(p.clone(), text.clone(), ws.config.max_file_bytes);
            assert!(
                new.parsed.one_meeting,
                "{what}: {text:?} is not one meeting"
            );
            let dates: Vec<_> = new.parsed.meetings.iter().map(|m| m.date).collect();
            assert_eq!(dates, [plan.date], "{what}: the new file's meeting");
            changes.push(FileChange::Set(Box::new(new)));
            Some(p.clone())
        }
        None => {
            assert_eq!(skeletons, 1, "{what}: {} skeletons", skeletons);
            None
        }
    };
    let after = ws.update(changes).0;
    let target = match &new_file {
        Some(p) => after.file_by_path(p).expect("the new file"),
        None => file,
    };
    let series = after.series_of(target);
    assert_eq!(
        after.series_of(file).key,
        series.key,
        "{what}: the new meeting is in another series"
    );
    let Some(newest) = series.newest() else {
        panic!(
            "{what}: the series has no meeting after adding it:\n{}",
            after.file(target).text
        );
    };
    let meeting = after.meeting(newest);
    assert_eq!(meeting.date, plan.date, "{what}: newest meeting");
    assert_eq!(
        newest.file, target,
        "{what}: the newest meeting is elsewhere"
    );
    let left = after.uncarried_loops(series, Some(newest));
    assert!(
        left.is_empty(),
        "{what}: {} open loops not carried over:\n{}",
        left.len(),
        after.file(target).text
    );
    if new_file.is_none() {
        let old_dates: Vec<_> = f.parsed.meetings.iter().map(|m| m.date).collect();
        let new_dates: Vec<_> = after
            .file(file)
            .parsed
            .meetings
            .iter()
            .map(|m| m.date)
            .collect();
        let mut want = old_dates.clone();
        let newest_first = !old_dates.is_empty() && is_newest_first(ws, file);
        if newest_first {
            want.insert(0, plan.date);
        } else {
            want.push(plan.date);
        }
        assert_eq!(
            new_dates,
            want,
            "{what}: meetings after inserting at {skeleton_at:?}:\n{}",
            after.file(file).text
        );
    }
}
