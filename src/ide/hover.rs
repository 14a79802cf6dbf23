//! Hover: a theme's guidance on its tag, a loop's history on an id or reference, what a
//! meeting covered on its heading.

use std::fmt::Write as _;

use super::at::{id_target, loop_at, target_at, Target};
use crate::config::BUILTIN_THEMES;
use crate::model::{theme_of, FileId, ItemRef, Loop, LoopState, MeetingRef, Workspace};
use crate::text::TextRange;

/// Markdown to show, and the range it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HoverInfo {
    pub range: TextRange,
    pub markdown: String,
}

pub fn hover(ws: &Workspace, file: FileId, offset: usize) -> Option<HoverInfo> {
    let target = target_at(ws, file, offset)?;
    let parsed = &ws.file(file).parsed;
    match target {
        Target::Tag(t) => {
            let tag = &parsed.tags[t as usize];
            Some(HoverInfo {
                range: tag.range,
                markdown: theme_guidance(ws, theme_of(&tag.name))?,
            })
        }
        Target::BlockId(i) => {
            let range = parsed.item(i).id()?.range;
            Some(HoverInfo {
                range,
                markdown: id_history(ws, file, target)?,
            })
        }
        Target::Reference(r) => {
            let reference = &parsed.references[r as usize];
            let markdown = id_history(ws, file, target)
                .unwrap_or_else(|| format!("`^{}` names no item of this series.", reference.id));
            Some(HoverInfo {
                range: reference.range,
                markdown,
            })
        }
        Target::MeetingHeading(m) => {
            let meeting = MeetingRef { file, meeting: m };
            Some(HoverInfo {
                range: ws.meeting(meeting).heading,
                markdown: meeting_overview(ws, meeting),
            })
        }
        Target::Item(_) => None,
    }
}

/// A theme's description and questions to bring, or `None` for a tag that is no theme.
pub fn theme_guidance(ws: &Workspace, theme: &str) -> Option<String> {
    let (_, description) = ws
        .config
        .all_themes()
        .into_iter()
        .find(|(t, _)| t == theme)?;
    let mut md = format!("**#{theme}**: {description}");
    let prompts = theme_prompts(ws, theme);
    if !prompts.is_empty() {
        md.push_str("\n\nQuestions to bring:\n");
        for p in prompts.iter().take(4) {
            let _ = writeln!(md, "- {p}");
        }
    }
    Some(md.trim_end().to_string())
}

/// The question prompts of a theme: configured ones first, then the built-in library.
pub fn theme_prompts(ws: &Workspace, theme: &str) -> Vec<String> {
    let mut out: Vec<String> = ws.config.prompts.get(theme).cloned().unwrap_or_default();
    if let Some(b) = BUILTIN_THEMES.iter().find(|b| b.tag == theme) {
        out.extend(b.prompts.iter().map(|p| p.to_string()));
    }
    out
}

fn id_history(ws: &Workspace, file: FileId, target: Target) -> Option<String> {
    match loop_at(ws, file, target) {
        Some(l) => Some(loop_history(ws, l)),
        None => {
            let item = id_target(ws, file, target)?;
            let date = ws
                .item_date(item)
                .map(|d| format!(" ({d})"))
                .unwrap_or_default();
            Some(format!("{}{date}\n\nNot a loop: only open tasks and feedback received are circled back on.", quoted(ws, item)))
        }
    }
}

/// A loop's story: opened, every mention, its age and state.
pub fn loop_history(ws: &Workspace, l: &Loop) -> String {
    let kind = if l.feedback { "Feedback loop" } else { "Loop" };
    let state = match l.state {
        LoopState::Open => format!("open, last activity {} ago", days(l.age_days(ws.today))),
        LoopState::Stale => format!("**stale**: no activity for {}", days(l.age_days(ws.today))),
        LoopState::Closed => match l.closed_on {
            Some(d) => format!(
                "closed on {d}, {} days after it opened",
                (d - l.opened).num_days().max(0)
            ),
            None => "closed".to_string(),
        },
    };
    let mut md = format!("**{kind}**: {state}\n\n");
    for (i, r) in ws.loop_items(l).iter().enumerate() {
        let date = ws.item_date(*r).map(|d| d.to_string()).unwrap_or_default();
        let what = if i == 0 { "opened" } else { "mentioned" };
        let _ = writeln!(md, "- {date} {what}: {}", quoted(ws, *r));
    }
    md.trim_end().to_string()
}

fn quoted(ws: &Workspace, r: ItemRef) -> String {
    let f = ws.file(r.file);
    let line = f.line_index.line_of(ws.item(r).first_line().start()) + 1;
    let name = f
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!(
        "*{}* ({name}:{line})",
        super::next::carried_text(ws.item_text(r))
    )
}

/// What a meeting covered: themes, status share, and the loops still open from it.
pub fn meeting_overview(ws: &Workspace, m: MeetingRef) -> String {
    let f = ws.file(m.file);
    let meeting = ws.meeting(m);
    let mut counts: Vec<(String, usize)> = Vec::new();
    for t in f.parsed.meeting_tags(m.meeting) {
        let theme = theme_of(&t.name);
        if ws.config.is_theme(theme) {
            match counts.iter_mut().find(|(n, _)| n == theme) {
                Some((_, c)) => *c += 1,
                None => counts.push((theme.to_string(), 1)),
            }
        }
    }
    let themes = if counts.is_empty() {
        "no theme tags".to_string()
    } else {
        counts
            .iter()
            .map(|(t, c)| {
                if *c > 1 {
                    format!("#{t} ×{c}")
                } else {
                    format!("#{t}")
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let agenda = ws.agenda(m);
    let status = agenda.iter().filter(|r| ws.is_status_update(**r)).count();
    let series = ws.series_of(m.file);
    let open: Vec<&Loop> = series
        .loops
        .iter()
        .filter(|l| l.is_open() && l.opened <= meeting.date)
        .collect();
    let mut md = format!(
        "**1:1 on {}** with {}\n\n- Themes: {themes}\n- Agenda: {} items, {status} status updates\n- Open loops: {}",
        meeting.date,
        series.name,
        agenda.len(),
        open.len()
    );
    for l in open.iter().take(5) {
        let _ = write!(md, "\n  - {}", quoted(ws, l.origin));
    }
    md
}

fn days(n: i64) -> String {
    super::plural(n, "day", "days")
}
