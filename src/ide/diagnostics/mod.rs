//! Every rule of the spec, as plain findings in byte ranges.

pub mod live;

use std::ops::Range;

use chrono::NaiveDate;

use crate::config::{Rule, Scope, Severity, GROWTH};
use crate::model::series::Broken;
use crate::model::{
    theme_of, FileId, ItemRef, Loop, LoopId, LoopState, MeetingRef, Series, Workspace,
};
use crate::syntax::SyntaxProblem;
use crate::text::TextRange;

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: FileId,
    pub range: TextRange,
    pub severity: Severity,
    pub rule: Rule,
    /// Boxed at its exact size: a workspace keeps tens of thousands of findings.
    pub message: Box<str>,
}

/// Every finding of the workspace, file by file in path order, then by position.
pub fn workspace_diagnostics(ws: &Workspace) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = ws
        .series()
        .flat_map(|s| series_diagnostics(ws, s))
        .collect();
    out.sort_by(|a, b| {
        (ws.file(a.file).path.as_path(), a.range.start(), a.rule).cmp(&(
            ws.file(b.file).path.as_path(),
            b.range.start(),
            b.rule,
        ))
    });
    out
}

/// The findings in the files of one series (a change to one file of a series can change
/// the findings of all of them).
pub fn series_diagnostics(ws: &Workspace, series: &Series) -> Vec<Diagnostic> {
    run(ws, series, None).out
}

/// The rules that fired, as a set: whether a rule that depends only on the links of a
/// series (see [`live`]) has findings in it cannot change while the links stay.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Fired(u32);

const _: () = assert!(Rule::ALL.len() <= 32);

impl Fired {
    fn of(findings: &[Diagnostic]) -> Fired {
        Fired(findings.iter().fold(0, |set, d| set | 1 << d.rule as u32))
    }

    pub(crate) fn contains(self, rule: Rule) -> bool {
        self.0 & 1 << rule as u32 != 0
    }
}

/// What a run of the rules over a whole series gives besides its findings, for [`live`]:
/// which rules fired, and the loops the newest meeting leaves uncarried.
pub(crate) struct Run {
    pub(crate) out: Vec<Diagnostic>,
    pub(crate) fired: Fired,
    pub(crate) uncarried: Vec<LoopId>,
}

/// The window of a run over one stretch of one file (see [`live`]).
pub(crate) struct Window<'a> {
    pub(crate) file: FileId,
    pub(crate) range: TextRange,
    /// What the run over the whole series, before the stretch changed, gave.
    pub(crate) before: &'a Run,
}

/// Runs the rules over `series`, or, given a window, only for the findings that start inside
/// it: a stretch of one file that changed while the links of the series stayed as they were.
pub(crate) fn run(ws: &Workspace, series: &Series, window: Option<Window>) -> Run {
    let mut sink = Sink {
        ws,
        out: Vec::new(),
        window: window.as_ref().map(|w| (w.file, w.range)),
        uncarried: Vec::new(),
    };
    // In a window, a rule that depends only on the links and found nothing before still
    // finds nothing, and those that go by element look only at the window's elements.
    let before = |rule: Rule| {
        window
            .as_ref()
            .is_none_or(|w| w.before.fired.contains(rule))
    };
    for &file in &series.files {
        syntax_rules(&mut sink, file);
    }
    let linted: Vec<MeetingRef> = match (ws.config.lint_history, series.newest()) {
        (true, _) => series.meetings.clone(),
        (false, Some(newest)) => vec![newest],
        (false, None) => Vec::new(),
    };
    for m in linted {
        if !sink.wants(m.file, ws.meeting(m).heading) {
            continue;
        }
        agenda_rules(&mut sink, m);
        career_drift(&mut sink, series, m);
        match &window {
            None => {
                let ids: Vec<LoopId> = ws
                    .uncarried_loops(series, Some(m))
                    .iter()
                    .map(|l| l.id)
                    .collect();
                uncarried_loops(&mut sink, series, m, &ids);
                sink.uncarried = ids;
            }
            // The same loops as before: the links are the same.
            Some(w) => uncarried_loops(&mut sink, series, m, &w.before.uncarried),
        }
    }
    stale_loops(&mut sink, series);
    overdue_actions(&mut sink, series);
    if before(Rule::CadenceGap) {
        cadence_gaps(&mut sink, series);
    }
    if before(Rule::MeetingOrder) {
        for &file in &series.files {
            meeting_order(&mut sink, file);
        }
    }
    if before(Rule::DuplicateMeeting) {
        duplicate_meetings(&mut sink, series);
    }
    unknown_themes(&mut sink, series);
    if before(Rule::DuplicateId) {
        duplicate_ids(&mut sink, series);
    }
    broken_references(&mut sink, series);
    debug_assert!(sink.out.iter().all(|d| d.rule.scope() == Scope::All
        || ws.config.lint_history
        || series
            .newest()
            .is_some_and(|n| ws.meeting(n).heading == d.range)));
    Run {
        fired: Fired::of(&sink.out),
        out: sink.out,
        uncarried: sink.uncarried,
    }
}

struct Sink<'a> {
    ws: &'a Workspace,
    out: Vec<Diagnostic>,
    /// When set, only the findings that start inside this stretch of this file are wanted.
    window: Option<(FileId, TextRange)>,
    /// The loops the newest meeting leaves uncarried, oldest first.
    uncarried: Vec<LoopId>,
}

impl Sink<'_> {
    fn wants(&self, file: FileId, range: TextRange) -> bool {
        match self.window {
            None => true,
            Some((f, w)) => f == file && w.start() <= range.start() && range.start() < w.end(),
        }
    }

    /// The indices of the elements of `v` (by `start`, in text order) of `file` to look at:
    /// all of them, or those that start inside the window.
    fn span<T>(&self, file: FileId, v: &[T], start: impl Fn(&T) -> usize) -> Range<usize> {
        match self.window {
            None => 0..v.len(),
            Some((f, w)) if f == file => crate::syntax::starting_within(v, start, w),
            Some(_) => 0..0,
        }
    }

    fn push(&mut self, file: FileId, range: TextRange, rule: Rule, message: String) {
        if !self.wants(file, range) {
            return;
        }
        if let Some(severity) = self.ws.config.severity(rule) {
            self.out.push(Diagnostic {
                file,
                range,
                severity,
                rule,
                message: message.into_boxed_str(),
            });
        }
    }

    fn on_item(&mut self, item: ItemRef, rule: Rule, message: String) {
        let range = self.ws.item(item).first_line();
        self.push(item.file, range, rule, message);
    }

    fn on_meeting(&mut self, m: MeetingRef, rule: Rule, message: String) {
        let range = self.ws.meeting(m).heading;
        self.push(m.file, range, rule, message);
    }
}

fn syntax_rules(sink: &mut Sink, file: FileId) {
    let ws = sink.ws;
    let f = ws.file(file);
    if f.too_large {
        let range = f.line_index.line_range(&f.text, 0);
        sink.push(
            file,
            range,
            Rule::FileTooLarge,
            format!(
                "This file is {} bytes, over maxFileBytes ({}), so it is not checked. Split it by year, or raise maxFileBytes.",
                f.text.len(),
                ws.config.max_file_bytes
            ),
        );
    }
    for p in &f.parsed.problems {
        match p {
            SyntaxProblem::InvalidDate { range, text } => sink.push(
                file,
                *range,
                Rule::InvalidDate,
                format!(
                    "{text} is not a real date. Fix it so the meeting and its loops can be dated."
                ),
            ),
            SyntaxProblem::NonIsoDate { heading, date, .. } => {
                let fix = match date {
                    Some(d) => format!(" Write it as {d}."),
                    None => " Write it as YYYY-MM-DD.".to_string(),
                };
                sink.push(
                    file,
                    *heading,
                    Rule::NonIsoDate,
                    format!("This heading is not read as a meeting: its date is not in the form YYYY-MM-DD.{fix}"),
                );
            }
            SyntaxProblem::FrontMatter(problem) => sink.push(
                file,
                problem.range,
                Rule::BadFrontMatter,
                problem.message.clone(),
            ),
        }
    }
}

fn agenda_rules(sink: &mut Sink, m: MeetingRef) {
    let ws = sink.ws;
    let agenda = ws.agenda(m);
    if agenda.is_empty() {
        sink.on_meeting(
            m,
            Rule::EmptyAgenda,
            "This 1:1 has no agenda yet. It is your time: add a topic on growth, feedback or alignment.".into(),
        );
        return;
    }
    if ws.is_status_only(m) {
        sink.on_meeting(
            m,
            Rule::StatusOnlyAgenda,
            "Every agenda item is a status update. Share status async; use this time for growth, feedback or alignment.".into(),
        );
        return;
    }
    let asks = agenda.iter().any(|&r| ws.item_signals(r).question);
    if !asks {
        sink.on_meeting(
            m,
            Rule::PassengerAgenda,
            "No agenda item asks a question. Bring one: what do you want to learn, decide or get feedback on?".into(),
        );
    }
}

fn meeting_has_theme(ws: &Workspace, m: MeetingRef, theme: &str) -> bool {
    ws.file(m.file)
        .parsed
        .meeting_tags(m.meeting)
        .iter()
        .any(|t| theme_of(&t.name) == theme)
}

fn career_drift(sink: &mut Sink, series: &Series, m: MeetingRef) {
    let ws = sink.ws;
    let every = ws.config.career_every as usize;
    let Some(k) = series.meetings.iter().position(|x| *x == m) else {
        return;
    };
    if k + 1 < every {
        return;
    }
    let window = &series.meetings[k + 1 - every..=k];
    if window.iter().any(|&w| meeting_has_theme(ws, w, GROWTH)) {
        return;
    }
    let last = series.meetings[..k + 1 - every]
        .iter()
        .rev()
        .find(|&&w| meeting_has_theme(ws, w, GROWTH))
        .map(|&w| ws.meeting(w).date);
    let since = match last {
        Some(d) => format!("since {d}"),
        None => "yet".to_string(),
    };
    sink.on_meeting(
        m,
        Rule::CareerDrift,
        format!(
            "No #growth topic in the last {} (none {since}). Bring one: what do you want to learn or do next?",
            super::plural(every as i64, "meeting", "meetings")
        ),
    );
}

/// `loops`: the open loops the meeting leaves uncarried, newest first.
fn uncarried_loops(sink: &mut Sink, series: &Series, m: MeetingRef, loops: &[LoopId]) {
    let ws = sink.ws;
    let n = loops.len();
    if n == 0 {
        return;
    }
    // The oldest first: they have waited longest.
    let names: Vec<String> = loops
        .iter()
        .rev()
        .take(3)
        .map(|&l| {
            let l = series.loop_(l);
            format!(
                "\"{}\"",
                short(&super::next::carried_text(ws.item_text(l.origin)))
            )
        })
        .collect();
    let more = if n > 3 {
        format!(" and {} more", n - 3)
    } else {
        String::new()
    };
    let (loops, them) = if n == 1 {
        ("loop", "it")
    } else {
        ("loops", "them")
    };
    sink.on_meeting(
        m,
        Rule::UncarriedLoops,
        format!(
            "{n} open {loops} from earlier meetings not carried over: {}{more}. Carry {them} into the agenda or close {them}.",
            names.join(", ")
        ),
    );
}

fn stale_loops(sink: &mut Sink, series: &Series) {
    let Some((file, _)) = sink.window else {
        for l in &series.loops {
            stale_loop(sink, l);
        }
        return;
    };
    // The loops whose origin is in the window.
    for i in sink.span(file, &sink.ws.file(file).parsed.items, |it| {
        it.range.start()
    }) {
        let r = ItemRef {
            file,
            item: i as u32,
        };
        if let Some(l) = series.loop_of(r).filter(|l| l.origin == r) {
            stale_loop(sink, l);
        }
    }
}

fn stale_loop(sink: &mut Sink, l: &Loop) {
    if l.state != LoopState::Stale {
        return;
    }
    let ws = sink.ws;
    let age = l.age_days(ws.today);
    let (rule, message) = if l.feedback {
        (
            Rule::StaleFeedback,
            format!("Feedback from {} with no follow-up for {age} days. Circle back: say what you changed, or ask how it is going now.", l.opened),
        )
    } else {
        (
            Rule::StaleLoop,
            format!("Open since {}, no activity for {age} days. Carry it into your next agenda or close it.", l.opened),
        )
    };
    sink.on_item(l.origin, rule, message);
}

fn overdue_actions(sink: &mut Sink, series: &Series) {
    let ws = sink.ws;
    for &file in &series.files {
        let items = &ws.file(file).parsed.items;
        for i in sink.span(file, items, |it| it.range.start()) {
            let item = &items[i];
            let r = ItemRef {
                file,
                item: i as u32,
            };
            let Some(due) = item.due().and_then(|d| d.date) else {
                continue;
            };
            let loop_closed = series.loop_of(r).is_some_and(|l| !l.is_open());
            if item.is_open_task() && due < ws.today && !loop_closed {
                let days = (ws.today - due).num_days();
                let plural = if days == 1 { "" } else { "s" };
                sink.on_item(
                    r,
                    Rule::OverdueAction,
                    format!("Due {due}, {days} day{plural} ago. Do it, close it, or agree on a new date."),
                );
            }
        }
    }
}

fn cadence_gaps(sink: &mut Sink, series: &Series) {
    for (i, pair) in series.meeting_dates.windows(2).enumerate() {
        let (earlier, later) = (pair[0], pair[1]);
        if later > series.cadence.times_after(earlier, 2) {
            let days = (later - earlier).num_days();
            sink.on_meeting(
                series.meetings[i + 1],
                Rule::CadenceGap,
                format!(
                    "{days} days since the previous 1:1 ({earlier}), more than twice your {} cadence. Keep the habit: book the next one now.",
                    series.cadence.describe()
                ),
            );
        }
    }
}

fn meeting_order(sink: &mut Sink, file: FileId) {
    let ws = sink.ws;
    let meetings = &ws.file(file).parsed.meetings;
    let dates: Vec<NaiveDate> = meetings.iter().map(|m| m.date).collect();
    let ascending = longest_ordered_run(&dates, false);
    let descending = longest_ordered_run(&dates, true);
    let (keep, newest_first) = if descending.len() > ascending.len() {
        (descending, true)
    } else {
        (ascending, false)
    };
    let order = if newest_first {
        "newest first"
    } else {
        "oldest first"
    };
    for (i, m) in meetings.iter().enumerate() {
        if keep.binary_search(&i).is_err() {
            sink.on_meeting(
                MeetingRef { file, meeting: i as u32 },
                Rule::MeetingOrder,
                format!("This {} meeting is out of place: the file runs {order}. Move it so the file reads in order.", m.date),
            );
        }
    }
}

/// Indices of a longest subsequence of `dates` that never goes down (or never up, when
/// `descending`); equal dates are in order.
pub fn longest_ordered_run(dates: &[NaiveDate], descending: bool) -> Vec<usize> {
    let key = |i: usize| {
        if descending {
            NaiveDate::MAX.signed_duration_since(dates[i])
        } else {
            dates[i].signed_duration_since(NaiveDate::MIN)
        }
    };
    // Patience sorting: tails[k] is the index ending the best run of length k + 1.
    let mut tails: Vec<usize> = Vec::new();
    let mut prev: Vec<Option<usize>> = vec![None; dates.len()];
    for (i, slot) in prev.iter_mut().enumerate() {
        let k = tails.partition_point(|&t| key(t) <= key(i));
        *slot = k.checked_sub(1).map(|j| tails[j]);
        if k == tails.len() {
            tails.push(i);
        } else {
            tails[k] = i;
        }
    }
    let mut run = Vec::with_capacity(tails.len());
    let mut at = tails.last().copied();
    while let Some(i) = at {
        run.push(i);
        at = prev[i];
    }
    run.reverse();
    run
}

fn duplicate_meetings(sink: &mut Sink, series: &Series) {
    let ws = sink.ws;
    for i in 1..series.meetings.len() {
        if series.meeting_dates[i] == series.meeting_dates[i - 1] {
            let first = series.meetings[series
                .meeting_dates
                .partition_point(|d| *d < series.meeting_dates[i])];
            let where_ = location(ws, first.file, ws.meeting(first).heading);
            sink.on_meeting(
                series.meetings[i],
                Rule::DuplicateMeeting,
                format!(
                    "There is already a {} meeting ({where_}). Merge the two, or fix this date.",
                    series.meeting_dates[i]
                ),
            );
        }
    }
}

fn unknown_themes(sink: &mut Sink, series: &Series) {
    let ws = sink.ws;
    let themes = ws.config.all_themes();
    for &file in &series.files {
        let tags = &ws.file(file).parsed.tags;
        for tag in &tags[sink.span(file, tags, |t| t.range.start())] {
            let name = theme_of(&tag.name);
            if ws.config.is_theme(name) {
                continue;
            }
            let near = themes
                .iter()
                .map(|(t, _)| (edit_distance(name, t), t))
                .filter(|(d, _)| *d <= 2)
                .min();
            if let Some((_, theme)) = near {
                sink.push(
                    file,
                    tag.range,
                    Rule::UnknownTheme,
                    format!("#{name} is not a theme. Did you mean #{theme}?"),
                );
            }
        }
    }
}

fn duplicate_ids(sink: &mut Sink, series: &Series) {
    let ws = sink.ws;
    let mut dups: Vec<(&crate::syntax::Name, &[ItemRef])> =
        series.ids.iter().filter(|(_, v)| v.len() > 1).collect();
    dups.sort();
    for (id, occurrences) in dups {
        let first = occurrences[0];
        let first_item = ws.item(first);
        let where_ = location(ws, first.file, first_item.first_line());
        for &r in &occurrences[1..] {
            if let Some(block) = ws.item(r).id() {
                sink.push(
                    r.file,
                    block.range,
                    Rule::DuplicateId,
                    format!("^{id} is already used ({where_}). Ids must be unique in a series: rename this one."),
                );
            }
        }
    }
}

fn broken_references(sink: &mut Sink, series: &Series) {
    let ws = sink.ws;
    let mut broken: Vec<(FileId, u32, &Broken)> = match sink.window {
        None => series
            .targets
            .iter()
            .filter_map(|((f, i), t)| t.as_ref().err().map(|b| (*f, *i, b)))
            .collect(),
        Some((file, _)) => {
            let refs = &ws.file(file).parsed.references;
            sink.span(file, refs, |r| r.range.start())
                .filter_map(|i| {
                    let target = series.targets.get(&(file, i as u32))?;
                    target.as_ref().err().map(|b| (file, i as u32, b))
                })
                .collect()
        }
    };
    broken.sort_by_key(|(f, i, _)| (*f, *i));
    for (file, i, why) in broken {
        let r = &ws.file(file).parsed.references[i as usize];
        let message = match (why, &r.file) {
            (Broken::NoSuchFile, Some(name)) => format!(
                "No file named {name} in this series. Check the name (without .md), or link within this file with [[#^{}]].",
                r.id
            ),
            (Broken::NotInFile, Some(name)) => {
                let elsewhere = series
                    .id_target(&r.id)
                    .map(|t| format!(" It is in {}.", ws.file(t.file).link_name()))
                    .unwrap_or_default();
                format!("{name} has no item with id ^{}.{elsewhere}", r.id)
            }
            _ => format!("No item in this series has the id ^{}. Fix the id, or add it to the item you mean.", r.id),
        };
        sink.push(file, r.range, Rule::BrokenReference, message);
    }
}

/// `name:line` of a range, for messages that point elsewhere.
fn location(ws: &Workspace, file: FileId, range: TextRange) -> String {
    let f = ws.file(file);
    let line = f.line_index.line_of(range.start()) + 1;
    let name = f
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!("{name}:{line}")
}

/// The first words of an item, for messages.
fn short(text: &str) -> String {
    let text = text.trim();
    if text.chars().count() <= 40 {
        return text.to_string();
    }
    let cut: String = text.chars().take(39).collect();
    format!("{}…", cut.trim_end())
}

/// Optimal string alignment distance (an adjacent swap counts as one edit).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > 2 {
        return 3;
    }
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distances() {
        assert_eq!(edit_distance("grwoth", "growth"), 1);
        assert_eq!(edit_distance("feedbak", "feedback"), 1);
        assert_eq!(edit_distance("q3", "growth"), 3);
        assert_eq!(edit_distance("alignmnt", "alignment"), 1);
    }

    #[test]
    fn longest_run_keeps_all_but_the_misplaced_meeting() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let dates = [
            d("2026-09-15"),
            d("2026-07-01"),
            d("2026-07-15"),
            d("2026-08-01"),
            d("2026-08-01"),
        ];
        assert_eq!(longest_ordered_run(&dates, false), [1, 2, 3, 4]);
        assert_eq!(longest_ordered_run(&dates, true).len(), 3);
    }
}
