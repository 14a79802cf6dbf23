//! Conversion between the `ide` layer's byte ranges and the protocol's types: positions in
//! the negotiated encoding, diagnostics, edits, URIs.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use tower_lsp_server::ls_types as lsp;

use crate::config::Severity;
use crate::ide::{self, TextEdit};
use crate::model::{FileId, SourceFile, Workspace};
use crate::text::{ColumnUnit, LineCol, TextRange};

pub fn position(file: &SourceFile, offset: usize, unit: ColumnUnit) -> lsp::Position {
    let lc = file.line_index.line_col(&file.text, offset, unit);
    lsp::Position::new(lc.line, lc.col)
}

pub fn range(file: &SourceFile, range: TextRange, unit: ColumnUnit) -> lsp::Range {
    lsp::Range::new(
        position(file, range.start(), unit),
        position(file, range.end(), unit),
    )
}

/// A client position as a byte offset (clamped to the text).
pub fn offset(file: &SourceFile, pos: lsp::Position, unit: ColumnUnit) -> usize {
    let lc = LineCol {
        line: pos.line,
        col: pos.character,
    };
    file.line_index.offset(&file.text, lc, unit)
}

/// A client range as byte offsets, in order.
pub fn text_range(file: &SourceFile, r: lsp::Range, unit: ColumnUnit) -> TextRange {
    let a = offset(file, r.start, unit);
    let b = offset(file, r.end, unit);
    TextRange::new(a.min(b), a.max(b))
}

pub fn severity(s: Severity) -> lsp::DiagnosticSeverity {
    match s {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Information => lsp::DiagnosticSeverity::INFORMATION,
        Severity::Hint => lsp::DiagnosticSeverity::HINT,
    }
}

pub fn diagnostic(file: &SourceFile, d: &ide::Diagnostic, unit: ColumnUnit) -> lsp::Diagnostic {
    lsp::Diagnostic {
        range: range(file, d.range, unit),
        severity: Some(severity(d.severity)),
        code: Some(lsp::NumberOrString::String(d.rule.id().to_string())),
        source: Some("1on1".to_string()),
        message: d.message.to_string(),
        ..Default::default()
    }
}

/// The URI of a path (absolute paths only). On Unix the bytes of the path are
/// percent-encoded as they are, so that a file name that is not UTF-8 comes back as the
/// same file (the protocol types replace such bytes with U+FFFD, naming another file);
/// any other path gets the URI the protocol types give it.
pub fn uri(path: &Path) -> Option<lsp::Uri> {
    #[cfg(unix)]
    if path.is_absolute() {
        use std::fmt::Write as _;
        use std::os::unix::ffi::OsStrExt;
        let mut s = String::from("file://");
        for &b in path.as_os_str().as_bytes() {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
                s.push(b as char);
            } else {
                let _ = write!(s, "%{b:02X}");
            }
        }
        return s.parse().ok();
    }
    lsp::Uri::from_file_path(path)
}

/// The path a URI stands for: a `file:` URI's path (its bytes as they are, on Unix), or
/// for any other scheme a path made of the whole URI, so that unsaved documents still get
/// a (unique) place in the workspace.
pub fn path(uri: &lsp::Uri) -> PathBuf {
    if uri.scheme().as_str() == "file" {
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let bytes = uri.path().decode().to_bytes();
            if !bytes.is_empty() {
                return PathBuf::from(std::ffi::OsStr::from_bytes(&bytes));
            }
        }
        if let Some(p) = uri.to_file_path() {
            return p.into_owned();
        }
    }
    PathBuf::from(uri.as_str())
}

/// Edits grouped per document, converted.
pub fn edits_by_uri(
    ws: &Workspace,
    edits: &[TextEdit],
    unit: ColumnUnit,
    uri_of: &dyn Fn(&Path) -> Option<lsp::Uri>,
) -> HashMap<lsp::Uri, Vec<lsp::TextEdit>> {
    let mut out: HashMap<lsp::Uri, Vec<lsp::TextEdit>> = HashMap::new();
    for e in edits {
        let Some(file) = ws.get_file(e.file) else {
            continue;
        };
        let Some(uri) = uri_of(&file.path) else {
            continue;
        };
        out.entry(uri).or_default().push(text_edit(file, e, unit));
    }
    out
}

pub fn text_edit(file: &SourceFile, e: &TextEdit, unit: ColumnUnit) -> lsp::TextEdit {
    lsp::TextEdit {
        range: range(file, e.range, unit),
        new_text: e.new_text.clone(),
    }
}

/// A workspace edit: plain `changes`, or `documentChanges` when a file is created.
pub fn workspace_edit(
    ws: &Workspace,
    edits: &[TextEdit],
    new_file: Option<&(PathBuf, String)>,
    unit: ColumnUnit,
    uri_of: &dyn Fn(&Path) -> Option<lsp::Uri>,
) -> lsp::WorkspaceEdit {
    let changes = edits_by_uri(ws, edits, unit, uri_of);
    let Some((path, text)) = new_file else {
        return lsp::WorkspaceEdit {
            changes: Some(changes),
            ..Default::default()
        };
    };
    let mut ops = Vec::new();
    if let Some(new_uri) = uri_of(path) {
        ops.push(lsp::DocumentChangeOperation::Op(lsp::ResourceOp::Create(
            lsp::CreateFile {
                uri: new_uri.clone(),
                options: Some(lsp::CreateFileOptions {
                    overwrite: Some(false),
                    ignore_if_exists: Some(false),
                }),
                annotation_id: None,
            },
        )));
        ops.push(document_edit(
            new_uri,
            vec![lsp::TextEdit {
                range: lsp::Range::default(),
                new_text: text.clone(),
            }],
        ));
    }
    let mut sorted: Vec<_> = changes.into_iter().collect();
    sorted.sort_by(|a, b| a.0.as_str().cmp(b.0.as_str()));
    for (uri, edits) in sorted {
        ops.push(document_edit(uri, edits));
    }
    lsp::WorkspaceEdit {
        document_changes: Some(lsp::DocumentChanges::Operations(ops)),
        ..Default::default()
    }
}

fn document_edit(uri: lsp::Uri, edits: Vec<lsp::TextEdit>) -> lsp::DocumentChangeOperation {
    lsp::DocumentChangeOperation::Edit(lsp::TextDocumentEdit {
        text_document: lsp::OptionalVersionedTextDocumentIdentifier { uri, version: None },
        edits: edits.into_iter().map(lsp::OneOf::Left).collect(),
    })
}

/// A location in a file of the workspace.
pub fn location(
    ws: &Workspace,
    file: FileId,
    r: TextRange,
    unit: ColumnUnit,
    uri_of: &dyn Fn(&Path) -> Option<lsp::Uri>,
) -> Option<lsp::Location> {
    let f = ws.get_file(file)?;
    Some(lsp::Location {
        uri: uri_of(&f.path)?,
        range: range(f, r, unit),
    })
}

pub fn markdown(md: String) -> lsp::MarkupContent {
    lsp::MarkupContent {
        kind: lsp::MarkupKind::Markdown,
        value: md,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn paths_and_uris_round_trip_byte_for_byte() {
        use std::os::unix::ffi::OsStrExt;
        let latin1 = Path::new(std::ffi::OsStr::from_bytes(b"/notes/caf\xe9.1on1.md"));
        let u = uri(latin1).unwrap();
        assert_eq!(u.as_str(), "file:///notes/caf%E9.1on1.md");
        assert_eq!(path(&u), latin1);
        // Any other path gets the URI the protocol types give it, and comes back.
        for p in ["/notes/a b/🙂 #1 100%.1on1.md", "/x/2026-11-24.1on1.md"] {
            let p = Path::new(p);
            assert_eq!(uri(p), lsp::Uri::from_file_path(p));
            assert_eq!(path(&uri(p).unwrap()), p);
        }
        let untitled: lsp::Uri = "untitled:Untitled-1".parse().unwrap();
        assert_eq!(path(&untitled), Path::new("untitled:Untitled-1"));
    }
}
