//! The shape of a file: document symbols (meetings and their sections), workspace symbols
//! (meetings and loops of every series) and folding ranges.

use crate::model::{FileId, Workspace};
use crate::syntax::SectionKind;
use crate::text::TextRange;

/// What a symbol is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolKind {
    Meeting,
    Section,
    Loop,
}

/// A symbol with its nested symbols.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub detail: Option<String>,
    pub kind: SymbolKind,
    pub file: FileId,
    /// The whole thing.
    pub range: TextRange,
    /// What to select: its heading or first line.
    pub selection: TextRange,
    pub children: Vec<Symbol>,
}

fn section_name(kind: SectionKind) -> &'static str {
    match kind {
        SectionKind::Agenda => "Agenda",
        SectionKind::Notes => "Notes",
        SectionKind::Feedback => "Feedback",
        SectionKind::Actions => "Actions",
    }
}

/// Meetings (in file order) with their sections.
pub fn document_symbols(ws: &Workspace, file: FileId) -> Vec<Symbol> {
    let f = ws.file(file);
    f.parsed
        .meetings
        .iter()
        .map(|m| Symbol {
            name: if m.title.is_empty() {
                m.date.to_string()
            } else {
                format!("{} {}", m.date, m.title)
            },
            detail: None,
            kind: SymbolKind::Meeting,
            file,
            range: m.range,
            selection: m.heading,
            children: m
                .sections
                .iter()
                .map(|s| Symbol {
                    name: s
                        .heading
                        .slice(&f.text)
                        .trim_start_matches('#')
                        .trim()
                        .to_string(),
                    detail: Some(section_name(s.kind).to_string()),
                    kind: SymbolKind::Section,
                    file,
                    range: s.range,
                    selection: s.heading,
                    children: Vec::new(),
                })
                .collect(),
        })
        .collect()
}

/// Meetings and loops of every series whose name contains `query` (case-insensitive).
pub fn workspace_symbols(ws: &Workspace, query: &str) -> Vec<Symbol> {
    let query = query.to_lowercase();
    let mut out = Vec::new();
    for series in ws.series() {
        for m in &series.meetings {
            let meeting = ws.meeting(*m);
            let name = format!("{} {}", meeting.date, meeting.title)
                .trim()
                .to_string();
            let detail = format!("1:1 with {}", series.name);
            if name.to_lowercase().contains(&query) || detail.to_lowercase().contains(&query) {
                out.push(Symbol {
                    name,
                    detail: Some(detail),
                    kind: SymbolKind::Meeting,
                    file: m.file,
                    range: meeting.range,
                    selection: meeting.heading,
                    children: Vec::new(),
                });
            }
        }
        for l in &series.loops {
            let text = super::next::carried_text(ws.item_text(l.origin));
            if text.to_lowercase().contains(&query) {
                let item = ws.item(l.origin);
                out.push(Symbol {
                    name: text,
                    detail: Some(format!("{} loop from {}", state_word(l), l.opened)),
                    kind: SymbolKind::Loop,
                    file: l.origin.file,
                    range: item.range,
                    selection: item.first_line(),
                    children: Vec::new(),
                });
            }
        }
    }
    out
}

fn state_word(l: &crate::model::Loop) -> &'static str {
    match l.state {
        crate::model::LoopState::Open => "open",
        crate::model::LoopState::Stale => "stale",
        crate::model::LoopState::Closed => "closed",
    }
}

/// Folding ranges: every meeting and every section, as byte ranges (the server turns them
/// into lines).
pub fn folding_ranges(ws: &Workspace, file: FileId) -> Vec<TextRange> {
    let f = ws.file(file);
    let mut out = Vec::new();
    for m in &f.parsed.meetings {
        if !f.parsed.one_meeting {
            out.push(trim_end(&f.text, m.range));
        }
        for s in &m.sections {
            out.push(trim_end(&f.text, s.range));
        }
    }
    out
}

/// A range without the blank lines at its end.
fn trim_end(text: &str, range: TextRange) -> TextRange {
    let kept = range.slice(text).trim_end();
    TextRange::new(range.start(), range.start() + kept.len())
}
