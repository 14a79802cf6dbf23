//! Completions: theme tags after `#`, block ids after `[[#^`, a meeting skeleton after
//! `## `, and in a list item the open loops to carry over and (in an agenda) questions to
//! bring.

use std::collections::{BTreeSet, HashSet};
use std::sync::LazyLock;

use regex::Regex;

use super::edit::TextEdit;
use super::hover::{loop_history, theme_guidance, theme_prompts};
use super::next::{carried_items, carried_text, carry_line, next_date, Ids};
use crate::model::{theme_of, FileId, LoopState, Workspace};
use crate::syntax::SectionKind;
use crate::text::TextRange;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    Theme,
    Tag,
    Id,
    Meeting,
    Loop,
    Prompt,
}

/// One completion item, with the edits accepting it makes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    pub label: String,
    pub kind: CompletionKind,
    pub detail: Option<String>,
    /// Markdown.
    pub documentation: Option<String>,
    /// The main edit, in the completed file.
    pub edit: TextEdit,
    /// `edit.new_text` is a snippet (`$0`, `${1:…}`).
    pub snippet: bool,
    /// Further edits in the same file (ids added to origins).
    pub additional: Vec<TextEdit>,
    /// Edits in other files, applied by a command after accepting.
    pub other_files: Vec<TextEdit>,
    pub sort_text: String,
    pub filter_text: Option<String>,
}

/// At most this many open loops are offered in a list item.
const MAX_LOOPS: usize = 50;

static ID_CONTEXT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[\[([^\[\]#|\r\n]*)#\^([A-Za-z0-9-]*)$").unwrap());
static TAG_CONTEXT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|[\s(])(#[\p{L}\p{N}_/-]*)$").unwrap());
static HEADING_CONTEXT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^##[ \t]+([0-9-]*)$").unwrap());
static ITEM_CONTEXT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+(?:\[[ xX-]\][ \t]+)?)").unwrap()
});

/// The completions at `offset` of `file`.
pub fn completions(ws: &Workspace, file: FileId, offset: usize) -> Vec<Completion> {
    let f = ws.file(file);
    let offset = floor_boundary(&f.text, offset.min(f.text.len()));
    let line = f.line_index.line_of(offset);
    let line_start = f.line_index.line_start(line);
    let prefix = &f.text[line_start..offset];
    if let Some(c) = ID_CONTEXT.captures(prefix) {
        let partial = c.get(2).map_or(0, |m| m.len());
        let name = c
            .get(1)
            .map(|m| m.as_str().trim())
            .filter(|n| !n.is_empty());
        return id_completions(ws, file, TextRange::new(offset - partial, offset), name);
    }
    if let Some(c) = TAG_CONTEXT.captures(prefix) {
        let tag = c.get(1).map_or("", |m| m.as_str());
        // `##` at the start of a line opens a heading; `#` followed by a digit is a ticket.
        let heading = prefix.trim_start().starts_with("##")
            && prefix.trim_start().trim_start_matches('#').is_empty();
        let digit = tag[1..].starts_with(|ch: char| ch.is_ascii_digit());
        if !heading && !digit {
            return tag_completions(ws, file, TextRange::new(offset - tag.len(), offset));
        }
    }
    if let Some(c) = HEADING_CONTEXT.captures(prefix) {
        let typed = c.get(1).map_or(0, |m| m.len());
        return meeting_completions(ws, file, TextRange::new(offset - typed, offset));
    }
    if let Some(c) = ITEM_CONTEXT.captures(prefix) {
        let content = TextRange::new(line_start + c[1].len(), offset);
        // Loops and prompts start an item: once a sentence is under way (a space typed
        // after a word), they would only get in the way.
        if content.slice(&f.text).trim_start().contains(' ') {
            return Vec::new();
        }
        let mut out = loop_completions(ws, file, content);
        if in_agenda(ws, file, offset) {
            out.extend(prompt_completions(ws, file, content));
        }
        return out;
    }
    Vec::new()
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn plain(file: FileId, range: TextRange, new_text: String) -> TextEdit {
    TextEdit {
        file,
        range,
        new_text,
    }
}

fn tag_completions(ws: &Workspace, file: FileId, range: TextRange) -> Vec<Completion> {
    let themes = ws.config.all_themes();
    let mut out: Vec<Completion> = themes
        .iter()
        .enumerate()
        .map(|(i, (tag, description))| Completion {
            label: format!("#{tag}"),
            kind: CompletionKind::Theme,
            detail: Some(description.clone()),
            documentation: theme_guidance(ws, tag),
            edit: plain(file, range, format!("#{tag}")),
            snippet: false,
            additional: Vec::new(),
            other_files: Vec::new(),
            sort_text: format!("0{i:02}"),
            filter_text: None,
        })
        .collect();
    // Every other tag of the workspace, once; a near miss of a theme (`#grwoth`) is
    // flagged, not offered. Most tags are themes, so that check comes first and the edit
    // distance is taken once per name.
    let mut seen: HashSet<&str> = HashSet::new();
    for (_, f) in ws.files() {
        for t in &f.parsed.tags {
            if !ws.config.is_theme(theme_of(&t.name)) {
                seen.insert(&t.name);
            }
        }
    }
    let others: BTreeSet<&str> = seen
        .into_iter()
        .filter(|name| {
            let theme = theme_of(name);
            !themes
                .iter()
                .any(|(th, _)| super::diagnostics::edit_distance(theme, th) <= 2)
        })
        .collect();
    out.extend(others.into_iter().map(|tag| Completion {
        label: format!("#{tag}"),
        kind: CompletionKind::Tag,
        detail: Some("tag used in your notes".into()),
        documentation: None,
        edit: plain(file, range, format!("#{tag}")),
        snippet: false,
        additional: Vec::new(),
        other_files: Vec::new(),
        sort_text: format!("1{tag}"),
        filter_text: None,
    }));
    out
}

fn id_completions(
    ws: &Workspace,
    file: FileId,
    range: TextRange,
    in_file: Option<&str>,
) -> Vec<Completion> {
    let series = ws.series_of(file);
    let mut ids: Vec<(&crate::syntax::Name, crate::model::ItemRef)> = series
        .ids
        .iter()
        .filter_map(|(id, occurrences)| {
            let first = match in_file {
                Some(name) => occurrences
                    .iter()
                    .copied()
                    .find(|o| names_file(&ws.file(o.file).link_name(), name))?,
                None => *occurrences.first()?,
            };
            Some((id, first))
        })
        .collect();
    ids.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    ids.into_iter()
        .enumerate()
        .map(|(i, (id, item))| {
            let text = carried_text(ws.item_text(item));
            let date = ws
                .item_date(item)
                .map(|d| format!("{d} · "))
                .unwrap_or_default();
            Completion {
                label: id.to_string(),
                kind: CompletionKind::Id,
                detail: Some(format!("{date}{text}")),
                documentation: series.loop_of(item).map(|l| loop_history(ws, l)),
                edit: plain(file, range, id.to_string()),
                snippet: false,
                additional: Vec::new(),
                other_files: Vec::new(),
                sort_text: format!("{i:05}"),
                filter_text: None,
            }
        })
        .collect()
}

fn names_file(link_name: &str, written: &str) -> bool {
    link_name == written || link_name.strip_suffix(".1on1") == Some(written)
}

fn meeting_completions(ws: &Workspace, file: FileId, range: TextRange) -> Vec<Completion> {
    let series = ws.series_of(file);
    let mut dates = vec![(ws.today, "today")];
    let next = next_date(ws, series);
    if next != ws.today {
        dates.push((next, "next by cadence"));
    }
    let (agenda, ids, _) = carried_items(ws, series, Some(file));
    let nl = crate::text::line_ending(&ws.file(file).text);
    let (same_file, other_files): (Vec<TextEdit>, Vec<TextEdit>) =
        ids.into_iter().partition(|e| e.file == file);
    dates
        .into_iter()
        .enumerate()
        .map(|(i, (date, why))| {
            let mut body = format!("{date}{nl}{nl}### Agenda{nl}");
            for line in &agenda {
                body.push_str(&snippet_escape(line));
                body.push_str(nl);
            }
            body.push_str(&format!("- $0{nl}{nl}### Notes{nl}{nl}### Actions{nl}"));
            Completion {
                label: date.to_string(),
                kind: CompletionKind::Meeting,
                detail: Some(format!(
                    "new meeting ({why}), {} open loops carried over",
                    agenda.len()
                )),
                documentation: None,
                edit: plain(file, range, body),
                snippet: true,
                additional: same_file.clone(),
                other_files: other_files.clone(),
                sort_text: format!("{i}"),
                filter_text: Some(date.to_string()),
            }
        })
        .collect()
}

fn snippet_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('$', "\\$")
        .replace('}', "\\}")
}

/// Whether `offset` is in an agenda: a meeting's Agenda section, or its items before any
/// section heading.
fn in_agenda(ws: &Workspace, file: FileId, offset: usize) -> bool {
    let parsed = &ws.file(file).parsed;
    let Some(m) = parsed.meeting_at(offset) else {
        return false;
    };
    parsed
        .meeting(m)
        .sections
        .iter()
        .rev()
        .find(|s| s.range.start() <= offset)
        .is_none_or(|s| s.kind == SectionKind::Agenda)
}

fn loop_completions(ws: &Workspace, file: FileId, content: TextRange) -> Vec<Completion> {
    let f = ws.file(file);
    let series = ws.series_of(file);
    let meeting = f.parsed.meeting_at(content.start());
    let m = meeting.map(|meeting| crate::model::MeetingRef { file, meeting });
    // The newest 50 are plenty to pick from while typing.
    let mut open = ws.uncarried_loops(series, m);
    open.truncate(MAX_LOOPS);
    let mut ids = Ids::new(series);
    open.into_iter()
        .enumerate()
        .map(|(i, l)| {
            let (line, id_edit) = carry_line(ws, l.origin, Some(file), &mut ids);
            let text = line.trim_start_matches("- [ ] ").to_string();
            let label = carried_text(ws.item_text(l.origin));
            let theme = if l.feedback {
                " · #feedback".to_string()
            } else {
                let parsed = &ws.file(l.origin.file).parsed;
                parsed
                    .item_tags(l.origin.item)
                    .map(|t| theme_of(&t.name))
                    .find(|t| ws.config.is_theme(t))
                    .map(|t| format!(" · #{t}"))
                    .unwrap_or_default()
            };
            let stale = if l.state == LoopState::Stale {
                " · stale"
            } else {
                ""
            };
            let (additional, other_files) = match id_edit {
                Some(e) if e.file == file => (vec![e], Vec::new()),
                Some(e) => (Vec::new(), vec![e]),
                None => (Vec::new(), Vec::new()),
            };
            Completion {
                label: label.clone(),
                kind: CompletionKind::Loop,
                detail: Some(format!(
                    "open {} days · from {}{theme}{stale}",
                    l.age_days(ws.today).max(0),
                    l.opened
                )),
                documentation: Some(loop_history(ws, l)),
                edit: plain(file, content, text),
                snippet: false,
                additional,
                other_files,
                sort_text: format!("0{i:04}"),
                filter_text: Some(label),
            }
        })
        .collect()
}

fn prompt_completions(ws: &Workspace, file: FileId, content: TextRange) -> Vec<Completion> {
    let mut out = Vec::new();
    for (theme, _) in ws.config.all_themes() {
        for (i, prompt) in theme_prompts(ws, &theme).into_iter().enumerate() {
            out.push(Completion {
                label: prompt.clone(),
                kind: CompletionKind::Prompt,
                detail: Some(format!("#{theme} question")),
                documentation: None,
                edit: plain(file, content, format!("#{theme} {prompt}")),
                snippet: false,
                additional: Vec::new(),
                other_files: Vec::new(),
                sort_text: format!("1{theme}{i:03}"),
                filter_text: Some(format!("{theme} {prompt}")),
            });
        }
    }
    out
}
