//! The checkpoint per series: am I growing, am I aligned, am I using feedback, is the habit
//! kept, what is still open.

use chrono::NaiveDate;
use serde::Serialize;

use crate::config::{ALIGNMENT, GROWTH};
use crate::model::{theme_of, LoopState, MeetingRef, Series, Workspace};

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SeriesSummary {
    pub series: String,
    pub files: Vec<String>,
    pub meetings: usize,
    pub first_meeting: Option<NaiveDate>,
    pub last_meeting: Option<NaiveDate>,
    pub growth: ThemeSummary,
    pub alignment: ThemeSummary,
    pub feedback: FeedbackSummary,
    /// Meetings whose agenda was all status updates.
    pub status_only_meetings: usize,
    pub cadence: CadenceSummary,
    pub open_loops: Vec<OpenLoop>,
}

/// How often a theme came up.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ThemeSummary {
    /// Items tagged with the theme.
    pub items: usize,
    /// Meetings with at least one such item.
    pub meetings: usize,
    /// `meetings` over all meetings.
    pub share_of_meetings: f64,
    pub last: Option<NaiveDate>,
    pub days_since_last: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FeedbackSummary {
    pub opened: usize,
    pub closed: usize,
    pub stale: usize,
    pub median_days_to_close: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CadenceSummary {
    pub cadence: String,
    /// Gaps between consecutive meetings.
    pub gaps: usize,
    /// Gaps within twice the cadence.
    pub kept: usize,
    pub share_kept: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OpenLoop {
    pub text: String,
    pub file: String,
    pub line: usize,
    pub opened: NaiveDate,
    pub days_since_activity: i64,
    pub feedback: bool,
    pub stale: bool,
}

/// A summary of every series, in name order.
pub fn summaries(ws: &Workspace) -> Vec<SeriesSummary> {
    let mut out: Vec<SeriesSummary> = ws.series().map(|s| summary(ws, s)).collect();
    out.sort_by(|a, b| {
        a.series
            .to_lowercase()
            .cmp(&b.series.to_lowercase())
            .then(a.files.cmp(&b.files))
    });
    out
}

pub fn summary(ws: &Workspace, series: &Series) -> SeriesSummary {
    let feedback_loops = series.loops.iter().filter(|l| l.feedback);
    let mut close_days: Vec<i64> = feedback_loops
        .clone()
        .filter_map(|l| Some((l.closed_on? - l.opened).num_days().max(0)))
        .collect();
    close_days.sort_unstable();
    let median = match close_days.len() {
        0 => None,
        n if n % 2 == 1 => Some(close_days[n / 2] as f64),
        n => Some((close_days[n / 2 - 1] + close_days[n / 2]) as f64 / 2.0),
    };
    let gaps = series.meeting_dates.len().saturating_sub(1);
    let kept = series
        .meeting_dates
        .windows(2)
        .filter(|p| p[1] <= series.cadence.times_after(p[0], 2))
        .count();
    let status_only = series
        .meetings
        .iter()
        .filter(|m| ws.is_status_only(**m))
        .count();
    let mut open_loops: Vec<OpenLoop> = series
        .loops
        .iter()
        .filter(|l| l.is_open())
        .map(|l| {
            let f = ws.file(l.origin.file);
            OpenLoop {
                text: super::next::carried_text(ws.item_text(l.origin)),
                file: f.path.display().to_string(),
                line: f.line_index.line_of(ws.item(l.origin).first_line().start()) + 1,
                opened: l.opened,
                days_since_activity: l.age_days(ws.today),
                feedback: l.feedback,
                stale: l.state == LoopState::Stale,
            }
        })
        .collect();
    open_loops.sort_by_key(|l| std::cmp::Reverse(l.opened));
    SeriesSummary {
        series: series.name.clone(),
        files: series
            .files
            .iter()
            .map(|f| ws.file(*f).path.display().to_string())
            .collect(),
        meetings: series.meetings.len(),
        first_meeting: series.meeting_dates.first().copied(),
        last_meeting: series.meeting_dates.last().copied(),
        growth: theme_summary(ws, series, GROWTH),
        alignment: theme_summary(ws, series, ALIGNMENT),
        feedback: FeedbackSummary {
            opened: feedback_loops.clone().count(),
            closed: feedback_loops
                .clone()
                .filter(|l| l.state == LoopState::Closed)
                .count(),
            stale: feedback_loops
                .filter(|l| l.state == LoopState::Stale)
                .count(),
            median_days_to_close: median,
        },
        status_only_meetings: status_only,
        cadence: CadenceSummary {
            cadence: series.cadence.describe(),
            gaps,
            kept,
            share_kept: ratio(kept, gaps),
        },
        open_loops,
    }
}

fn theme_summary(ws: &Workspace, series: &Series, theme: &str) -> ThemeSummary {
    let mut items = 0;
    let mut meetings = 0;
    let mut last = None;
    for (m, date) in series.meetings.iter().zip(&series.meeting_dates) {
        let n = theme_items(ws, *m, theme);
        items += n;
        if n > 0 {
            meetings += 1;
            last = Some(*date);
        }
    }
    ThemeSummary {
        items,
        meetings,
        share_of_meetings: ratio(meetings, series.meetings.len()),
        last,
        // A meeting planned ahead counts as today.
        days_since_last: last.map(|d| (ws.today - d).num_days().max(0)),
    }
}

/// Items of a meeting tagged with `theme`.
fn theme_items(ws: &Workspace, m: MeetingRef, theme: &str) -> usize {
    let parsed = &ws.file(m.file).parsed;
    parsed
        .meeting_items(m.meeting)
        .filter(|(i, _)| parsed.item_tags(*i).any(|t| theme_of(&t.name) == theme))
        .count()
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        ((a as f64 / b as f64) * 100.0).round() / 100.0
    }
}
