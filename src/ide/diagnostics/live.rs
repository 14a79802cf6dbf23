//! The findings of a workspace, kept up to date edit by edit: a keystroke costs the edited
//! meeting, not the series.
//!
//! When an apply edited one file of a series only inside a stretch (one meeting) and left
//! the series' links as they were (items and their nesting, ids, references, tags, tasks,
//! dates: see `syntax::incremental`), the series is the same and so are its loops and their
//! states. Then:
//!
//! - a rule that depends only on the links has the same findings, only moved; the ones that
//!   go by element (stale loops, overdue actions, unknown themes, broken references) are run
//!   again over the stretch's elements, and the others (cadence, order, duplicate meetings)
//!   again over the series only when they had findings before;
//! - the agenda rules look at the newest meeting's own text: run again when it is in the
//!   stretch, else unchanged; the uncarried loops are the same loops, their message names
//!   the oldest three by their text;
//! - syntax problems are the stretch's own.
//!
//! So the findings before the stretch stay, those after it move with the text, and those
//! inside it are found again. The exceptions go the long way, the whole series again: more
//! than one file of the series edited, `lintHistory` on, duplicate meetings or ids (their
//! messages name another place by line), and an edit to the text of a loop the newest
//! meeting's uncarried-loops message names while that meeting is elsewhere.
//! `tests/incremental.rs` checks the result against the findings of a fresh workspace for
//! random edits.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use super::{run, Diagnostic, Run, Window};
use crate::config::Rule;
use crate::model::{FileDelta, FileId, ItemRef, Series, SeriesKey, StretchEdit, Workspace};
use crate::text::TextRange;

/// The findings of one file, in text order (start, end, rule, message).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileDiagnostics {
    pub list: Vec<Diagnostic>,
    /// Tells this list from every other one.
    pub stamp: u64,
    /// How the list was made from an earlier one, when it was brought up to date.
    pub change: Option<ListChange>,
}

/// How a list was brought up to date from the list stamped `from`: its first `kept`
/// findings are that list's first ones, unchanged; its last `moved` ones are that list's
/// last ones moved by `bytes` bytes and `lines` lines, on the same columns; the ones in
/// between are new.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ListChange {
    pub from: u64,
    pub kept: usize,
    pub moved: usize,
    pub bytes: i64,
    pub lines: i64,
}

fn next_stamp() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// What the findings of a series were derived from.
struct Entry {
    series: Arc<Series>,
    run: Run,
}

/// The findings of every file of a workspace, brought up to date by [`Self::update`].
#[derive(Default)]
pub struct LiveDiagnostics {
    /// The state of the workspace the findings are of (0: none yet).
    generation: u64,
    series: HashMap<SeriesKey, Entry>,
    files: HashMap<FileId, Arc<FileDiagnostics>>,
}

impl LiveDiagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    /// The findings of `file`, as of the last update.
    pub fn file(&self, file: FileId) -> Option<&Arc<FileDiagnostics>> {
        self.files.get(&file)
    }

    /// Brings the findings up to date with `ws`: from the edited stretches when `ws` was
    /// made by one apply from the state they are of, else series by series again.
    pub fn update(&mut self, ws: &Workspace) {
        if ws.generation() == self.generation {
            return;
        }
        let from = self.generation;
        let mut present = 0;
        let mut rebuilt = false;
        for shared in ws.shared_series() {
            present += 1;
            let bring = match self.series.get(&shared.key) {
                Some(old) if Arc::ptr_eq(&old.series, shared) => self.stretch_of(ws, shared, from),
                _ => Err(()),
            };
            let done = match bring {
                Ok(None) => true,
                Ok(Some((file, stretch))) => self.in_stretch(ws, shared, file, stretch),
                Err(()) => false,
            };
            if !done {
                self.whole(ws, shared);
                rebuilt = true;
            }
        }
        if present != self.series.len() {
            let keys: std::collections::HashSet<&SeriesKey> =
                ws.shared_series().iter().map(|s| &s.key).collect();
            self.series.retain(|k, _| keys.contains(k));
        }
        // Files that are gone (a file that moved to another series was derived again with
        // it).
        if rebuilt {
            self.files.retain(|f, _| ws.get_file(*f).is_some());
        }
        self.generation = ws.generation();
    }

    /// For a series that is the same as before: `Ok(None)` when none of its files changed,
    /// `Ok(Some(..))` for the one file changed in a stretch, `Err` when it must be derived
    /// again.
    fn stretch_of(
        &self,
        ws: &Workspace,
        series: &Series,
        from: u64,
    ) -> Result<Option<(FileId, StretchEdit)>, ()> {
        let mut edited = None;
        for &f in &series.files {
            match ws.delta_from(from, f).ok_or(())? {
                FileDelta::Same => {}
                FileDelta::Stretch(stretch) if edited.is_none() => edited = Some((f, stretch)),
                _ => return Err(()),
            }
        }
        Ok(edited)
    }

    /// Derives the findings of `series` again.
    fn whole(&mut self, ws: &Workspace, series: &Arc<Series>) {
        let run = run(ws, series, None);
        let mut by_file: HashMap<FileId, Vec<Diagnostic>> =
            series.files.iter().map(|&f| (f, Vec::new())).collect();
        for d in &run.out {
            by_file.entry(d.file).or_default().push(d.clone());
        }
        for (file, mut list) in by_file {
            list.sort_by(text_order);
            // Kept for as long as the file's findings stay: without what pushing left spare.
            list.shrink_to_fit();
            self.files.insert(
                file,
                Arc::new(FileDiagnostics {
                    list,
                    stamp: next_stamp(),
                    change: None,
                }),
            );
        }
        let run = Run {
            out: Vec::new(),
            ..run
        };
        self.series.insert(
            series.key.clone(),
            Entry {
                series: series.clone(),
                run,
            },
        );
    }

    /// Brings the findings of `file` up to date from its edited stretch; false when the
    /// series must be derived again instead (see the module's documentation).
    fn in_stretch(
        &mut self,
        ws: &Workspace,
        series: &Arc<Series>,
        file: FileId,
        stretch: StretchEdit,
    ) -> bool {
        let Some(entry) = self.series.get(&series.key) else {
            return false;
        };
        let window = stretch.window;
        let fired = entry.run.fired;
        if ws.config.lint_history
            || fired.contains(Rule::DuplicateMeeting)
            || fired.contains(Rule::DuplicateId)
            || !self.files.contains_key(&file)
        {
            return false;
        }
        let in_window = |r: ItemRef| {
            r.file == file && {
                let start = ws.item(r).range.start();
                window.start() <= start && start < window.end()
            }
        };
        let newest_in_window = series.newest().is_some_and(|m| {
            let start = ws.meeting(m).heading.start();
            m.file == file && window.start() <= start && start < window.end()
        });
        // The uncarried-loops message names the three oldest by their text.
        let named = entry.run.uncarried.iter().rev().take(3);
        if !newest_in_window && named.map(|&l| series.loop_(l).origin).any(in_window) {
            return false;
        }
        let found = run(
            ws,
            series,
            Some(Window {
                file,
                range: window,
                before: &entry.run,
            }),
        );
        let mut fresh = found.out;
        fresh.sort_by(text_order);
        let Some(shared) = self.files.get_mut(&file) else {
            return false;
        };
        let diagnostics = Arc::make_mut(shared);
        let list = &mut diagnostics.list;
        let old_end = (window.end() as i64 - stretch.bytes) as usize;
        let kept = list.partition_point(|d| d.range.start() < window.start());
        let moved_from = list.partition_point(|d| d.range.start() < old_end);
        let moved = list.len() - moved_from;
        list.splice(kept..moved_from, fresh);
        let from = list.len() - moved;
        for d in &mut list[from..] {
            let start = (d.range.start() as i64 + stretch.bytes) as usize;
            let end = (d.range.end() as i64 + stretch.bytes) as usize;
            d.range = TextRange::new(start, end);
        }
        diagnostics.change = Some(ListChange {
            from: diagnostics.stamp,
            kept,
            moved,
            bytes: stretch.bytes,
            lines: stretch.lines,
        });
        diagnostics.stamp = next_stamp();
        true
    }
}

/// The order of [`FileDiagnostics::list`]: start, end, rule, message.
pub fn text_order(a: &Diagnostic, b: &Diagnostic) -> std::cmp::Ordering {
    (
        a.range.start(),
        a.range.end(),
        a.rule,
        &a.message,
        a.severity,
    )
        .cmp(&(
            b.range.start(),
            b.range.end(),
            b.rule,
            &b.message,
            b.severity,
        ))
}
