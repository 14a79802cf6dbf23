//! Inlay hints (a loop's age after its open items) and the code lens on the newest meeting.

use crate::config::GROWTH;
use crate::model::{theme_of, FileId, ItemRef, LoopState, Workspace};
use crate::text::TextRange;

/// A short label shown after an item's first line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlayHint {
    pub offset: usize,
    pub label: String,
    pub tooltip: String,
}

/// The age of the loop of every open item whose first line ends inside `range`.
pub fn inlay_hints(ws: &Workspace, file: FileId, range: TextRange) -> Vec<InlayHint> {
    let series = ws.series_of(file);
    let parsed = &ws.file(file).parsed;
    let mut out = Vec::new();
    for (i, item) in parsed.items.iter().enumerate() {
        if !range.touches(item.first_line().end()) || item.is_closed() {
            continue;
        }
        let Some(l) = series.loop_of(ItemRef {
            file,
            item: i as u32,
        }) else {
            continue;
        };
        if !l.is_open() {
            continue;
        }
        let age = l.age_days(ws.today).max(0);
        let stale = if l.state == LoopState::Stale {
            "stale "
        } else {
            ""
        };
        out.push(InlayHint {
            offset: item.first_line().end(),
            label: format!("{stale}{age}d"),
            tooltip: format!(
                "Loop open since {}, last activity {} ({} ago)",
                l.opened,
                l.last_activity,
                super::plural(age, "day", "days")
            ),
        });
    }
    out
}

/// A lens: a line of text over a heading, and the command it runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lens {
    pub range: TextRange,
    pub title: String,
}

/// Over the newest meeting of the file's series (when it is in this file): open loops,
/// stale feedback, and days since the last growth topic.
pub fn code_lenses(ws: &Workspace, file: FileId) -> Vec<Lens> {
    let series = ws.series_of(file);
    let Some(newest) = series.newest() else {
        return Vec::new();
    };
    if newest.file != file {
        return Vec::new();
    }
    let open = series.loops.iter().filter(|l| l.is_open()).count();
    let stale_feedback = series
        .loops
        .iter()
        .filter(|l| l.feedback && l.state == LoopState::Stale)
        .count();
    let last_growth = series
        .meetings
        .iter()
        .zip(&series.meeting_dates)
        .rev()
        .find(|(m, _)| {
            ws.file(m.file)
                .parsed
                .meeting_tags(m.meeting)
                .iter()
                .any(|t| theme_of(&t.name) == GROWTH)
        })
        .map(|(_, d)| *d);
    let growth = match last_growth {
        Some(d) => format!(
            "last #growth {} ago",
            super::plural((ws.today - d).num_days().max(0), "day", "days")
        ),
        None => "no #growth topic yet".to_string(),
    };
    let plural = |n: usize, one: &str, many: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {many}")
        }
    };
    let title = format!(
        "{} · {} · {growth}",
        plural(open, "open loop", "open loops"),
        plural(stale_feedback, "stale feedback", "stale feedback")
    );
    vec![Lens {
        range: ws.meeting(newest).heading,
        title,
    }]
}
