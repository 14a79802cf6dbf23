//! The next meeting: its date, its skeleton with the open loops carried over, and where it
//! goes. `next` on the command line and the "Start next 1:1" action make this same edit.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

use super::diagnostics::longest_ordered_run;
use super::edit::TextEdit;
use crate::model::{FileId, ItemRef, Loop, Series, Workspace};
use crate::text::line_ending;

/// What starting the next 1:1 does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NextMeeting {
    pub date: NaiveDate,
    /// Edits to existing files: the skeleton (for a running doc) and ids added to the
    /// origins of carried loops.
    pub edits: Vec<TextEdit>,
    /// A new file, for a series of one-meeting files.
    pub new_file: Option<(PathBuf, String)>,
    /// How many open loops were carried over.
    pub carried: usize,
}

/// Why there is no next meeting to add.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NextError {
    /// The file is over `maxFileBytes` and was not analysed.
    TooLarge,
    /// The new one-meeting file would overwrite an existing one.
    Exists(PathBuf),
    /// The new heading would not be a heading: the text before it leaves a code block or an
    /// HTML block open.
    Unclosed,
}

impl std::fmt::Display for NextError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NextError::TooLarge => write!(
                f,
                "the file is larger than maxFileBytes and is not analysed"
            ),
            NextError::Exists(p) => write!(f, "{} already exists", p.display()),
            NextError::Unclosed => write!(
                f,
                "a code block or HTML block left open before the new meeting would swallow it; \
                 close that block first"
            ),
        }
    }
}

/// The date of the next meeting: one cadence after the newest, or today if that is later.
pub fn next_date(ws: &Workspace, series: &Series) -> NaiveDate {
    match series.newest() {
        Some(m) => series.cadence.after(ws.meeting(m).date).max(ws.today),
        None => ws.today,
    }
}

/// Whether a running doc lists its meetings newest first.
pub fn is_newest_first(ws: &Workspace, file: FileId) -> bool {
    let dates: Vec<NaiveDate> = ws
        .file(file)
        .parsed
        .meetings
        .iter()
        .map(|m| m.date)
        .collect();
    longest_ordered_run(&dates, true).len() > longest_ordered_run(&dates, false).len()
}

/// The next meeting of the series of `file`.
pub fn next_meeting(ws: &Workspace, file: FileId) -> Result<NextMeeting, NextError> {
    let f = ws.file(file);
    if f.too_large {
        return Err(NextError::TooLarge);
    }
    let series = ws.series_of(file);
    let date = next_date(ws, series);
    let one_meeting = f.parsed.one_meeting;
    let new_path = one_meeting.then(|| new_file_path(ws, file, date));
    let nl = line_ending(&f.text);
    let into = if new_path.is_some() { None } else { Some(file) };
    let (agenda, mut edits, carried) = carried_items(ws, series, into);

    if let Some(path) = new_path {
        if ws.file_by_path(&path).is_some() {
            return Err(NextError::Exists(path));
        }
        let mut text = String::new();
        if let Some(with) = f
            .parsed
            .front_matter
            .as_ref()
            .and_then(|fm| fm.with.as_ref())
        {
            text.push_str(&format!("---{nl}with: {with}{nl}---{nl}"));
        }
        let title = f
            .parsed
            .headings
            .iter()
            .find(|h| h.level == 1)
            .map(|h| h.text.slice(&f.text));
        if let Some(title) = title {
            text.push_str(&format!("# {title}{nl}{nl}"));
        }
        text.push_str(&sections(2, &agenda, nl));
        return Ok(NextMeeting {
            date,
            edits,
            new_file: Some((path, text)),
            carried,
        });
    }

    let skeleton = format!("## {date}{nl}{nl}{}", sections(3, &agenda, nl));
    let text = &f.text;
    // Before the first meeting of a newest-first file (the text before a top-level heading
    // closes every block), else appended.
    let newest_first = f
        .parsed
        .meetings
        .first()
        .filter(|_| is_newest_first(ws, file));
    let edit = match newest_first {
        Some(first) => TextEdit::insert(file, first.range.start(), format!("{skeleton}{nl}")),
        _ => {
            // One blank line between the last line and the new heading. When the file ends
            // with a line break, insert before it (at the end of the last line): some
            // clients mishandle an insertion after the final break.
            let body = skeleton.strip_suffix(nl).unwrap_or(&skeleton);
            // The final line break, whichever it is (a file may mix them).
            let final_break = if text.ends_with("\r\n") {
                2
            } else {
                usize::from(text.ends_with(['\n', '\r']))
            };
            match final_break {
                0 if text.is_empty() => TextEdit::insert(file, 0, skeleton.clone()),
                0 => TextEdit::insert(file, text.len(), format!("{}{skeleton}", nl.repeat(2))),
                n => {
                    let before = &text[..text.len() - n];
                    let lead = if before.is_empty() {
                        String::new()
                    } else if before.ends_with(['\n', '\r']) {
                        nl.to_string()
                    } else {
                        nl.repeat(2)
                    };
                    TextEdit::insert(file, before.len(), format!("{lead}{body}"))
                }
            }
        }
    };
    // An appended heading must come out as a meeting: a fence or an HTML block left open
    // before it would make it code. Parsed from the last level-1/2 heading, which closes
    // every block before it (the whole text when there is none).
    let from = f
        .parsed
        .headings
        .iter()
        .rev()
        .find(|h| h.level <= 2 && h.line.start() <= edit.range.start())
        .filter(|h| h.line.slice(text).trim_start().starts_with('#'))
        .map_or(0, |h| h.line.start());
    let appended = newest_first.is_none();
    if let Some(after) = appended
        .then(|| super::edit::apply_edits(text, std::slice::from_ref(&edit)))
        .flatten()
    {
        let dated = |t: &str| {
            let tail = t.get(from..).unwrap_or(t);
            let parsed = crate::syntax::parse(tail, crate::model::name_date(&f.path));
            parsed.meetings.iter().filter(|m| m.date == date).count()
        };
        if dated(&after) <= dated(text) {
            return Err(NextError::Unclosed);
        }
    }
    edits.push(edit);
    Ok(NextMeeting {
        date,
        edits,
        new_file: None,
        carried,
    })
}

fn sections(level: usize, agenda: &[String], nl: &str) -> String {
    let hashes = "#".repeat(level);
    let mut s = format!("{hashes} Agenda{nl}");
    for line in agenda {
        s.push_str(line);
        s.push_str(nl);
    }
    s.push_str(&format!("{nl}{hashes} Notes{nl}{nl}{hashes} Actions{nl}"));
    s
}

/// The agenda lines carrying every open loop over (newest first), and the edits that give
/// ids to origins that have none. `into` is the file the lines go to (`None`: a new file).
pub fn carried_items(
    ws: &Workspace,
    series: &Series,
    into: Option<FileId>,
) -> (Vec<String>, Vec<TextEdit>, usize) {
    let mut open: Vec<&Loop> = series.loops.iter().filter(|l| l.is_open()).collect();
    open.sort_by(|a, b| b.opened.cmp(&a.opened).then(a.id.cmp(&b.id)));
    let mut ids = Ids::new(series);
    let mut lines = Vec::new();
    let mut edits = Vec::new();
    for l in &open {
        let (line, edit) = carry_line(ws, l.origin, into, &mut ids);
        lines.push(line);
        edits.extend(edit);
    }
    (lines, edits, open.len())
}

/// One carried-over agenda line for a loop's origin, and the edit adding an id to the origin
/// when it has none (or renaming one it shares with an earlier item).
pub fn carry_line(
    ws: &Workspace,
    origin: ItemRef,
    into: Option<FileId>,
    ids: &mut Ids,
) -> (String, Option<TextEdit>) {
    let item = ws.item(origin);
    // A reference to an id finds its first occurrence: a later item with the same id is
    // given a new one, or the carried line would point at the wrong item.
    let first_of_its_id = |name: &str| ws.series_of(origin.file).id_target(name) == Some(origin);
    let (id, edit) = match item.id() {
        Some(id) if first_of_its_id(&id.name) => (id.name.to_string(), None),
        Some(duplicate) => {
            let id = ids.fresh(ws.item_text(origin));
            let edit = TextEdit {
                file: origin.file,
                range: duplicate.range,
                new_text: format!("^{id}"),
            };
            (id, Some(edit))
        }
        None => {
            let id = ids.fresh(ws.item_text(origin));
            let edit = TextEdit::insert(origin.file, item.first_line().end(), format!(" ^{id}"));
            (id, Some(edit))
        }
    };
    let link = if into == Some(origin.file) {
        format!("[[#^{id}]]")
    } else {
        format!("[[{}#^{id}]]", ws.file(origin.file).link_name())
    };
    let text = carried_text(ws.item_text(origin));
    (format!("- [ ] {text} {link}"), edit)
}

/// An item's first line without its id, dates and references.
pub fn carried_text(text: &str) -> String {
    static STRIP: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"\s*\^[A-Za-z0-9-]+\s*$|\s*(?:✅|📅)\x{FE0F}?\s*\d{4}-\d{2}-\d{2}|\s*\[(?:completion|due)::\s*\d{4}-\d{2}-\d{2}\]|\s*\bdue::?\s*\d{4}-\d{2}-\d{2}|\s*\[\[[^\]]*#\^[A-Za-z0-9-]+[^\]]*\]\]").unwrap()
    });
    let t = STRIP.replace_all(text, "");
    let t = t.trim();
    if t.is_empty() {
        "(follow up)".to_string()
    } else {
        t.to_string()
    }
}

/// Hands out new block ids that no item of the series uses yet.
pub struct Ids<'a> {
    existing: &'a crate::model::BlockIds,
    given: HashSet<String>,
}

impl<'a> Ids<'a> {
    pub fn new(series: &'a Series) -> Self {
        Ids {
            existing: &series.ids,
            given: HashSet::new(),
        }
    }

    /// A new id from the first words of `text` (a slug), unique in the series.
    pub fn fresh(&mut self, text: &str) -> String {
        let words: Vec<String> = carried_text(text)
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_ascii_lowercase)
            .take(4)
            .collect();
        let mut base = words.join("-");
        if base.len() > 32 {
            base.truncate(32);
            base = base.trim_end_matches('-').to_string();
        }
        if base.is_empty() {
            base = "loop".into();
        }
        let taken = |id: &String| self.existing.contains_key(id) || self.given.contains(id);
        let mut id = base.clone();
        let mut n = 2;
        while taken(&id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        self.given.insert(id.clone());
        id
    }
}

/// For a one-meeting file: its name with the new date in place of its date.
fn new_file_path(ws: &Workspace, file: FileId, date: NaiveDate) -> PathBuf {
    let series = ws.series_of(file);
    let newest = series.newest().map_or(file, |m| m.file);
    let path = &ws.file(newest).path;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let rest = match crate::syntax::iso_date_at_start(&name) {
        Some((_, len)) => name[len..].to_string(),
        None => ".1on1.md".to_string(),
    };
    path.with_file_name(format!("{date}{rest}"))
}
