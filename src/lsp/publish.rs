//! Diagnostics as the JSON of `textDocument/publishDiagnostics`, rendered finding by finding
//! and kept for open documents: when the findings were brought up to date from an edited
//! stretch (see `ide::diagnostics::live`), only the stretch's findings are rendered again, the
//! ones after it get their new line numbers, and an unchanged array is sent as it was.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::config::Severity;
use crate::ide::diagnostics::live::{FileDiagnostics, LiveDiagnostics};
use crate::ide::Diagnostic;
use crate::model::SourceFile;
use crate::text::{ColumnUnit, LineCol};

/// What the publisher keeps between publications.
#[derive(Default)]
pub struct Publisher {
    /// The findings of the workspace.
    pub live: LiveDiagnostics,
    /// The diagnostics of the open documents as last rendered.
    pub rendered: HashMap<PathBuf, Rendered>,
    /// The stamp of the findings last published for each file, and the version they were
    /// published for.
    pub sent: HashMap<PathBuf, (u64, Option<i32>)>,
    /// What a client that pulls diagnostics was last answered, per open document.
    pub pulled: HashMap<PathBuf, Pulled>,
}

/// The last answer to a pull of one document's diagnostics.
pub struct Pulled {
    /// Its result id: the same while the diagnostics stay the same.
    pub id: String,
    /// The document's version it answered for.
    pub version: Option<i32>,
    pub rendered: Rendered,
}

impl Publisher {
    /// Answers a pull of the diagnostics of `file` (at `path`), whose findings are `found`:
    /// the result id, and the diagnostics as a JSON array unless the client holds them
    /// already (`previous` is their result id). Typing that leaves the diagnostics as they
    /// were costs the edited stretch only: they are brought up to date from the last
    /// answer, found the same, and not sent.
    pub fn pull(
        &mut self,
        path: &Path,
        file: &SourceFile,
        found: &FileDiagnostics,
        unit: ColumnUnit,
        previous: Option<&str>,
    ) -> (String, Option<Arc<Vec<u8>>>) {
        let (rendered, id) = match self.pulled.remove(path) {
            Some(last) => match render_again(file, found, unit, last.rendered) {
                (rendered, true) => (rendered, last.id),
                (rendered, false) => (rendered, result_id()),
            },
            None => (render(file, found, unit, None), result_id()),
        };
        let json = (previous != Some(id.as_str())).then(|| rendered.json.clone());
        let pulled = Pulled {
            id: id.clone(),
            version: file.version,
            rendered,
        };
        self.pulled.insert(path.to_owned(), pulled);
        (id, json)
    }
    /// Whether the diagnostics of an open document, last pulled at `version` (its version
    /// now), differ from what that pull answered: the client must then be told to pull
    /// again. A list made again with the same content (a series derived again because
    /// another file changed) is no change: its rendering is kept under the same result id.
    pub fn changed_since_pulled(
        &mut self,
        path: &Path,
        file: &SourceFile,
        found: &FileDiagnostics,
        unit: ColumnUnit,
        version: i32,
    ) -> bool {
        let Some(last) = self.pulled.remove(path) else {
            return false; // never pulled: the client pulls when it opens the document
        };
        if last.version != Some(version) || last.rendered.stamp == found.stamp {
            // Edited since (the client pulls again by itself), or nothing changed.
            self.pulled.insert(path.to_owned(), last);
            return false;
        }
        let (rendered, same) = render_again(file, found, unit, last.rendered);
        if !same {
            // Forgotten: the next pull gets the new list under a new result id.
            return true;
        }
        let pulled = Pulled {
            id: last.id,
            version: last.version,
            rendered,
        };
        self.pulled.insert(path.to_owned(), pulled);
        false
    }
}

/// Renders `found` again from `last`, and whether the array came out the same.
fn render_again(
    file: &SourceFile,
    found: &FileDiagnostics,
    unit: ColumnUnit,
    last: Rendered,
) -> (Rendered, bool) {
    let before = last.json.clone();
    let rendered = render(file, found, unit, Some(last));
    // Compares the pointers first: an array found unchanged is the same one.
    let same = rendered.json == before;
    (rendered, same)
}

/// A result id no other answer of this process has, nor (with the process's start time
/// in it) one of an earlier run of the server a client may still hold.
fn result_id() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    static RUN: std::sync::LazyLock<u128> = std::sync::LazyLock::new(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    });
    format!("{:x}-{}", *RUN, NEXT.fetch_add(1, Ordering::Relaxed))
}

/// The JSON array of one file's diagnostics, and its parts.
pub struct Rendered {
    /// The stamp of the findings it renders.
    pub stamp: u64,
    unit: ColumnUnit,
    entries: Vec<Entry>,
    pub json: Arc<Vec<u8>>,
}

/// One diagnostic: its range, and the JSON that follows the range.
#[derive(PartialEq, Eq)]
struct Entry {
    start: LineCol,
    end: LineCol,
    /// `,"severity":…,"code":…,"source":…,"message":…}`
    tail: Box<[u8]>,
}

impl Entry {
    fn new(file: &SourceFile, d: &Diagnostic, unit: ColumnUnit) -> Entry {
        let at = |offset| file.line_index.line_col(&file.text, offset, unit);
        let mut tail = Vec::with_capacity(d.message.len() + 64);
        tail.extend_from_slice(br#","severity":"#);
        tail.push(match d.severity {
            Severity::Error => b'1',
            Severity::Warning => b'2',
            Severity::Information => b'3',
            Severity::Hint => b'4',
        });
        tail.extend_from_slice(br#","code":""#);
        tail.extend_from_slice(d.rule.id().as_bytes());
        tail.extend_from_slice(br#"","source":"1on1","message":"#);
        // A string always serialises.
        let _ = serde_json::to_writer(&mut tail, &d.message);
        tail.push(b'}');
        Entry {
            start: at(d.range.start()),
            end: at(d.range.end()),
            tail: tail.into_boxed_slice(),
        }
    }

    fn write(&self, out: &mut Vec<u8>) {
        let mut n = itoa::Buffer::new();
        out.extend_from_slice(br#"{"range":{"start":{"line":"#);
        out.extend_from_slice(n.format(self.start.line).as_bytes());
        out.extend_from_slice(br#","character":"#);
        out.extend_from_slice(n.format(self.start.col).as_bytes());
        out.extend_from_slice(br#"},"end":{"line":"#);
        out.extend_from_slice(n.format(self.end.line).as_bytes());
        out.extend_from_slice(br#","character":"#);
        out.extend_from_slice(n.format(self.end.col).as_bytes());
        out.extend_from_slice(b"}}");
        out.extend_from_slice(&self.tail);
    }
}

fn array(entries: &[Entry]) -> Vec<u8> {
    let size: usize = entries.iter().map(|e| e.tail.len() + 80).sum();
    let mut out = Vec::with_capacity(size + 2);
    out.push(b'[');
    for (i, e) in entries.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        e.write(&mut out);
    }
    out.push(b']');
    out
}

/// Renders `found`, the findings of `file`: from `previous` (what was rendered for the file
/// before) when they were brought up to date from it, else every finding.
pub fn render(
    file: &SourceFile,
    found: &FileDiagnostics,
    unit: ColumnUnit,
    previous: Option<Rendered>,
) -> Rendered {
    let previous = previous.filter(|p| p.unit == unit);
    if let Some(p) = previous {
        if p.stamp == found.stamp {
            return p;
        }
        if let Some(change) = found.change.filter(|c| c.from == p.stamp) {
            return update(file, found, unit, p, change);
        }
    }
    let entries: Vec<Entry> = found
        .list
        .iter()
        .map(|d| Entry::new(file, d, unit))
        .collect();
    Rendered {
        stamp: found.stamp,
        unit,
        json: Arc::new(array(&entries)),
        entries,
    }
}

fn update(
    file: &SourceFile,
    found: &FileDiagnostics,
    unit: ColumnUnit,
    mut p: Rendered,
    change: crate::ide::diagnostics::live::ListChange,
) -> Rendered {
    let fresh: Vec<Entry> = found.list[change.kept..found.list.len() - change.moved]
        .iter()
        .map(|d| Entry::new(file, d, unit))
        .collect();
    let replaced = change.kept..p.entries.len() - change.moved;
    let same = change.lines == 0 && p.entries[replaced.clone()] == fresh[..];
    p.stamp = found.stamp;
    if same {
        return p;
    }
    p.entries.splice(replaced, fresh);
    if change.lines != 0 {
        let from = p.entries.len() - change.moved;
        for e in &mut p.entries[from..] {
            e.start.line = (i64::from(e.start.line) + change.lines) as u32;
            e.end.line = (i64::from(e.end.line) + change.lines) as u32;
        }
    }
    p.json = Arc::new(array(&p.entries));
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::ide::diagnostics::live::LiveDiagnostics;
    use crate::model::{FileChange, FileId, Workspace};
    use crate::text::TextRange;
    use tower_lsp_server::ls_types as lsp;

    /// What the protocol types make of the findings: the JSON rendered here must parse
    /// back to exactly these.
    fn expected(file: &SourceFile, list: &[Diagnostic], unit: ColumnUnit) -> Vec<lsp::Diagnostic> {
        list.iter()
            .map(|d| super::super::convert::diagnostic(file, d, unit))
            .collect()
    }

    #[test]
    fn rendered_from_the_edited_stretch_equals_rendered_whole() {
        let mut text = String::from("# 1:1 with Priya 🙂\n\n");
        for day in 1..=9 {
            text.push_str(&format!(
                "## 2026-10-0{day}\n\n### Agenda\n- Fixed the build #grwoth\n\n\
                 ### Actions\n- [ ] Résumé draft 📅 2026-10-0{day} ^a{day}\n\n"
            ));
        }
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap_or_default();
        let name = "priya.1on1.md";
        let file = SourceFile::new(name.into(), text.clone(), u64::MAX);
        let mut ws = Workspace::new(Config::default(), today, vec![file]);
        let mut live = LiveDiagnostics::new();
        live.update(&ws);
        let unit = ColumnUnit::Utf16;
        let found = live.file(FileId(0)).cloned().expect("findings");
        let mut rendered = render(ws.file(FileId(0)), &found, unit, None);
        // Typed text, a new line, text before a finding's column, a deletion, and new lines
        // after the stretch's last finding (only the findings after the stretch move): each
        // at a needle found after the heading of the fifth meeting, plus an offset.
        for (needle, offset, removed, inserted) in [
            ("#grwoth", 7, 0, " x"),
            ("#grwoth x", 9, 0, "\n"),
            ("- Fixed", 2, 0, "🙂é"),
            ("- 🙂é", 6, 2, ""),
            ("## 2026-10-06", -1, 0, "\n\n"),
        ] {
            let text = &ws.file(FileId(0)).text;
            let meeting = text.find("## 2026-10-05").expect("the fifth meeting");
            let at = meeting + text[meeting..].find(needle).expect("the needle");
            let at = (at as isize + offset) as usize;
            let change = FileChange::Edit {
                path: name.into(),
                edits: vec![(TextRange::new(at, at + removed), inserted.into())],
                version: None,
            };
            ws = ws.apply(vec![change]).0;
            live.update(&ws);
            let found = live.file(FileId(0)).cloned().expect("findings");
            assert!(found.change.is_some(), "brought up to date: {inserted:?}");
            let file = ws.file(FileId(0));
            rendered = render(file, &found, unit, Some(rendered));
            let parsed: Vec<lsp::Diagnostic> =
                serde_json::from_slice(&rendered.json).expect("a JSON array of diagnostics");
            assert!(!parsed.is_empty());
            assert_eq!(parsed, expected(file, &found.list, unit), "{inserted:?}");
        }
    }
}
