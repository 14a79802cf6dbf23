//! Code actions: close a loop, add a done date, carry open loops over, start the next 1:1,
//! and the quick fixes of the diagnostics. Every action is a set of minimal text edits.

use std::path::PathBuf;

use super::at::{loop_at, target_at, Target};
use super::diagnostics::{edit_distance, series_diagnostics, Diagnostic};
use super::edit::TextEdit;
use super::hover::theme_prompts;
use super::next::{carry_line, next_meeting, Ids};
use crate::config::{Rule, ALIGNMENT, FEEDBACK, GROWTH};
use crate::model::{theme_of, FileId, ItemRef, Loop, MeetingRef, Series, Workspace};
use crate::syntax::{SectionKind, SyntaxProblem};
use crate::text::{line_ending, TextRange};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActionKind {
    QuickFix,
    Refactor,
    Source,
}

/// A code action: a title and the edits it makes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Action {
    pub title: String,
    pub kind: ActionKind,
    pub edits: Vec<TextEdit>,
    /// A file to create (a folder series' next meeting).
    pub new_file: Option<(PathBuf, String)>,
    /// The finding it fixes.
    pub fixes: Option<Diagnostic>,
    pub preferred: bool,
}

/// The actions for a cursor or selection in `file`.
pub fn actions(ws: &Workspace, file: FileId, range: TextRange) -> Vec<Action> {
    let mut out = Vec::new();
    let target = target_at(ws, file, range.start());
    if let Some(t) = target {
        if let Some(l) = loop_at(ws, file, t).filter(|l| l.is_open()) {
            out.push(close_loop(ws, l, None));
        }
        if let Target::Item(i) | Target::BlockId(i) = t {
            let item = ws.item(ItemRef { file, item: i });
            let edit = (item.task == Some(crate::syntax::TaskState::Done))
                .then(|| done_date_edit(ws, ItemRef { file, item: i }))
                .flatten();
            if let Some(edit) = edit {
                out.push(Action {
                    title: "Add done date".into(),
                    kind: ActionKind::Refactor,
                    edits: vec![edit],
                    new_file: None,
                    fixes: None,
                    preferred: false,
                });
            }
        }
    }
    if let Some(m) = meeting_for_carry(ws, file, range.start(), target) {
        if let Some(a) = carry_over(ws, m, None) {
            out.push(a);
        }
    }
    for d in series_diagnostics(ws, ws.series_of(file)) {
        if d.file == file && d.range.start() <= range.end() && range.start() <= d.range.end() {
            out.extend(fixes_for(ws, &d));
        }
    }
    // The same edit offered twice (a cursor action and a diagnostic's fix): keep the fix.
    let mut unique: Vec<Action> = Vec::new();
    for a in out {
        match unique
            .iter_mut()
            .find(|u| u.title == a.title && u.edits == a.edits)
        {
            Some(u) if u.fixes.is_none() => *u = a,
            Some(_) => {}
            None => unique.push(a),
        }
    }
    let mut out = unique;
    if let Ok(next) = next_meeting(ws, file) {
        out.push(Action {
            title: format!("Start next 1:1 ({})", next.date),
            kind: ActionKind::Source,
            edits: next.edits,
            new_file: next.new_file,
            fixes: None,
            preferred: false,
        });
    }
    out
}

/// The meeting whose open loops can be carried over from here: on its heading or in its
/// agenda.
fn meeting_for_carry(
    ws: &Workspace,
    file: FileId,
    offset: usize,
    target: Option<Target>,
) -> Option<MeetingRef> {
    let parsed = &ws.file(file).parsed;
    if let Some(Target::MeetingHeading(m)) = target {
        return Some(MeetingRef { file, meeting: m });
    }
    let m = parsed.meeting_at(offset)?;
    let meeting = parsed.meeting(m);
    let section = meeting
        .sections
        .iter()
        .rev()
        .find(|s| s.range.start() <= offset);
    section
        .is_none_or(|s| s.kind == SectionKind::Agenda)
        .then_some(MeetingRef { file, meeting: m })
}

/// Every open item of the loop gets `[x]` and today's done date.
pub fn close_loop(ws: &Workspace, l: &Loop, fixes: Option<Diagnostic>) -> Action {
    let mut edits = Vec::new();
    for &r in ws.loop_items(l) {
        let item = ws.item(r);
        if item.is_closed() {
            continue;
        }
        match item.checkbox() {
            Some(cb) => edits.push(TextEdit {
                file: r.file,
                range: cb,
                new_text: "[x]".into(),
            }),
            None => {
                // An item with nothing on its first line gets the checkbox alone (the done
                // date follows it), and a blank after its marker if it has none: `-[x]` is
                // no list item.
                let text = &ws.file(r.file).text;
                let at = item.content.start();
                let checkbox = match (item.content.is_empty(), text[..at].ends_with([' ', '\t'])) {
                    (false, _) => "[x] ",
                    (true, true) => "[x]",
                    (true, false) => " [x]",
                };
                edits.push(TextEdit::insert(r.file, at, checkbox.into()));
            }
        }
        edits.extend(done_date_edit(ws, r));
    }
    let text = super::next::carried_text(ws.item_text(l.origin));
    Action {
        title: format!("Close loop: {}", short(&text)),
        kind: ActionKind::QuickFix,
        edits,
        new_file: None,
        fixes,
        preferred: false,
    }
}

/// ` ✅ <today>` at the end of an item's first line, before its block id.
fn done_date_edit(ws: &Workspace, r: ItemRef) -> Option<TextEdit> {
    let item = ws.item(r);
    if item.done().is_some() {
        return None;
    }
    let today = ws.today;
    Some(match item.id() {
        Some(id) => TextEdit::insert(r.file, id.range.start(), format!("✅ {today} ")),
        None => {
            // The end of the first line is inside a code span when that line opens one and
            // the next closes it: a date there would be code, so none is offered.
            let line = item.first_line().slice(&ws.file(r.file).text);
            if line.matches('`').count() % 2 == 1 {
                return None;
            }
            TextEdit::insert(r.file, item.first_line().end(), format!(" ✅ {today}"))
        }
    })
}

/// Adds the open loops of earlier meetings that `m` does not mention to its agenda.
pub fn carry_over(ws: &Workspace, m: MeetingRef, fixes: Option<Diagnostic>) -> Option<Action> {
    let series = ws.series_of(m.file);
    let loops = ws.uncarried_loops(series, Some(m));
    if loops.is_empty() {
        return None;
    }
    let mut ids = Ids::new(series);
    let mut lines = Vec::new();
    let mut edits = Vec::new();
    for l in &loops {
        let (line, id_edit) = carry_line(ws, l.origin, Some(m.file), &mut ids);
        lines.push(line);
        edits.extend(id_edit);
    }
    edits.push(agenda_insert(ws, m, &lines));
    let n = loops.len();
    Some(Action {
        title: if n == 1 {
            "Carry over 1 open loop".into()
        } else {
            format!("Carry over {n} open loops")
        },
        kind: ActionKind::QuickFix,
        edits,
        new_file: None,
        fixes,
        preferred: true,
    })
}

/// Inserts `lines` (list items) at the end of a meeting's agenda, creating the section
/// when the meeting has none.
pub fn agenda_insert(ws: &Workspace, m: MeetingRef, lines: &[String]) -> TextEdit {
    let f = ws.file(m.file);
    let nl = line_ending(&f.text);
    let meeting = ws.meeting(m);
    let body = lines.join(nl);
    let agenda = meeting
        .sections
        .iter()
        .find(|s| s.kind == SectionKind::Agenda);
    // The agenda: its section, or what comes before the first section.
    let region = match (agenda, meeting.sections.first()) {
        (Some(s), _) => Some(s.range),
        (None, first) => {
            let start = if meeting.heading.is_empty() {
                meeting.range.start()
            } else {
                heading_end(f, meeting.heading)
            };
            let end = first.map_or(meeting.range.end(), |s| s.range.start());
            let has_items = f.parsed.agenda_items(m.meeting).next().is_some();
            has_items.then_some(TextRange::new(start, end))
        }
    };
    match region {
        Some(r) => {
            // Right after the last agenda item, so the list goes on; without items, right
            // after the section's heading, so a list starts there. Either way nothing that
            // follows in the section (a paragraph, an HTML block, a fence left open) takes
            // the new line in.
            match f.parsed.agenda_items(m.meeting).last() {
                Some((_, it)) => {
                    let at = it.range.start() + it.range.slice(&f.text).trim_end().len();
                    TextEdit::insert(m.file, at, format!("{nl}{body}"))
                }
                None => {
                    let line = f.line_index.line_of(r.start());
                    let at = f.line_index.line_range(&f.text, line).end();
                    let gap = blank_before_text(&f.text, at, nl);
                    TextEdit::insert(m.file, at, format!("{nl}{body}{gap}"))
                }
            }
        }
        None => {
            let level = if f.parsed.one_meeting { "##" } else { "###" };
            let at = if meeting.heading.is_empty() {
                f.text.len()
            } else {
                heading_end(f, meeting.heading)
            };
            let gap = blank_before_text(&f.text, at, nl);
            TextEdit::insert(m.file, at, format!("{nl}{nl}{level} Agenda{nl}{body}{gap}"))
        }
    }
}

/// A line break to end a new list with when the line after the end of line `at` has text:
/// it would otherwise go on the list's last item (a lazy continuation line), and a heading
/// underlined on the next line would be lost in it.
fn blank_before_text<'a>(text: &str, at: usize, nl: &'a str) -> &'a str {
    let rest = &text[at..];
    let rest = rest
        .strip_prefix("\r\n")
        .or_else(|| rest.strip_prefix(['\n', '\r']))
        .unwrap_or("");
    let next_line = rest.split(['\n', '\r']).next().unwrap_or("");
    if next_line.trim().is_empty() {
        ""
    } else {
        nl
    }
}

/// Where a meeting's heading ends: the end of its line, or for a setext heading (its text
/// underlined with `===` or `---`) the end of the underline.
fn heading_end(f: &crate::model::SourceFile, line: TextRange) -> usize {
    let setext = f
        .parsed
        .headings
        .iter()
        .find(|h| h.line == line)
        .filter(|h| !h.line.slice(&f.text).trim_start().starts_with('#'));
    match setext {
        Some(h) => {
            let underline = f.line_index.line_of(h.text.end()) + 1;
            f.line_index.line_range(&f.text, underline).end()
        }
        None => line.end(),
    }
}

/// The quick fixes of one finding.
fn fixes_for(ws: &Workspace, d: &Diagnostic) -> Vec<Action> {
    let file = d.file;
    let parsed = &ws.file(file).parsed;
    let meeting = || {
        parsed
            .meetings
            .iter()
            .position(|m| m.heading == d.range)
            .map(|i| MeetingRef {
                file,
                meeting: i as u32,
            })
    };
    match d.rule {
        Rule::StatusOnlyAgenda | Rule::EmptyAgenda | Rule::PassengerAgenda => meeting()
            .map(|m| {
                [GROWTH, FEEDBACK, ALIGNMENT]
                    .iter()
                    .filter_map(|t| prompt_fix(ws, m, t, d))
                    .collect()
            })
            .unwrap_or_default(),
        Rule::CareerDrift => meeting()
            .and_then(|m| prompt_fix(ws, m, GROWTH, d))
            .into_iter()
            .collect(),
        Rule::UncarriedLoops => meeting()
            .and_then(|m| carry_over(ws, m, Some(d.clone())))
            .into_iter()
            .collect(),
        Rule::UnknownTheme => {
            let Some(tag) = parsed.tags.iter().find(|t| t.range == d.range) else {
                return Vec::new();
            };
            let name = theme_of(&tag.name);
            let best = ws
                .config
                .all_themes()
                .into_iter()
                .map(|(t, _)| (edit_distance(name, &t), t))
                .filter(|(dist, _)| *dist <= 2)
                .min();
            best.map(|(_, theme)| Action {
                title: format!("Replace with #{theme}"),
                kind: ActionKind::QuickFix,
                edits: vec![TextEdit {
                    file,
                    range: tag.range,
                    new_text: format!("#{theme}"),
                }],
                new_file: None,
                fixes: Some(d.clone()),
                preferred: true,
            })
            .into_iter()
            .collect()
        }
        Rule::NonIsoDate => parsed
            .problems
            .iter()
            .find_map(|p| match p {
                SyntaxProblem::NonIsoDate {
                    heading,
                    range,
                    date: Some(date),
                } if *heading == d.range => Some(Action {
                    title: format!("Write the date as {date}"),
                    kind: ActionKind::QuickFix,
                    edits: vec![TextEdit {
                        file,
                        range: *range,
                        new_text: date.to_string(),
                    }],
                    new_file: None,
                    fixes: Some(d.clone()),
                    preferred: true,
                }),
                _ => None,
            })
            .into_iter()
            .collect(),
        Rule::StaleFeedback | Rule::StaleLoop | Rule::OverdueAction => {
            let Some(item) = parsed
                .items
                .iter()
                .position(|it| it.first_line() == d.range)
            else {
                return Vec::new();
            };
            let r = ItemRef {
                file,
                item: item as u32,
            };
            let series = ws.series_of(file);
            let Some(l) = series.loop_of(r) else {
                return Vec::new();
            };
            let mut out = Vec::new();
            if d.rule != Rule::OverdueAction {
                if let Some(a) = carry_one(ws, series, l, d) {
                    out.push(a);
                }
            }
            out.push(close_loop(ws, l, Some(d.clone())));
            out
        }
        _ => Vec::new(),
    }
}

/// Carries one loop into the newest meeting of its series.
fn carry_one(ws: &Workspace, series: &Series, l: &Loop, d: &Diagnostic) -> Option<Action> {
    let newest = series.newest()?;
    if ws.loop_in_meeting(l, newest) {
        return None;
    }
    let mut ids = Ids::new(series);
    let (line, id_edit) = carry_line(ws, l.origin, Some(newest.file), &mut ids);
    let mut edits: Vec<TextEdit> = id_edit.into_iter().collect();
    edits.push(agenda_insert(ws, newest, &[line]));
    Some(Action {
        title: format!("Carry over into {}", ws.meeting(newest).date),
        kind: ActionKind::QuickFix,
        edits,
        new_file: None,
        fixes: Some(d.clone()),
        preferred: true,
    })
}

fn prompt_fix(ws: &Workspace, m: MeetingRef, theme: &str, d: &Diagnostic) -> Option<Action> {
    let prompt = theme_prompts(ws, theme).into_iter().next()?;
    let line = format!("- [ ] #{theme} {prompt}");
    let an = if theme.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    Some(Action {
        title: format!("Add {an} {theme} question"),
        kind: ActionKind::QuickFix,
        edits: vec![agenda_insert(ws, m, &[line])],
        new_file: None,
        fixes: Some(d.clone()),
        preferred: theme == GROWTH,
    })
}

fn short(text: &str) -> String {
    if text.chars().count() <= 50 {
        return text.to_string();
    }
    let cut: String = text.chars().take(49).collect();
    format!("{}…", cut.trim_end())
}
