//! Assertions and helpers shared by the targets.

use std::path::PathBuf;

use chrono::NaiveDate;
use oneonone_ls::config::Config;
use oneonone_ls::ide::TextEdit;
use oneonone_ls::model::{SourceFile, Workspace};
use oneonone_ls::text::TextRange;

/// The fixed today of every target, so that a stored input reproduces.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 25).expect("a calendar date")
}

/// A workspace of `(path, text)` files under `config`.
pub fn workspace(config: Config, files: &[(&str, &str)]) -> Workspace {
    let max = config.max_file_bytes;
    let files = files
        .iter()
        .map(|(p, t)| SourceFile::new(PathBuf::from(p), t.to_string(), max))
        .collect();
    Workspace::new(config, today(), files)
}

/// `range` lies inside `text`, on character boundaries, and is not inverted.
pub fn assert_range(text: &str, range: TextRange, what: &str) {
    assert!(
        range.start() <= range.end() && text.get(range.start()..range.end()).is_some(),
        "{what}: range {range:?} is not inside the text ({} bytes) on character boundaries",
        text.len()
    );
}

/// `offset` is a character boundary of `text`.
pub fn assert_offset(text: &str, offset: usize, what: &str) {
    assert!(
        text.is_char_boundary(offset),
        "{what}: offset {offset} is not a character boundary of the text ({} bytes)",
        text.len()
    );
}

/// Whether `offset` falls between the `\r` and the `\n` of a CRLF.
pub fn inside_crlf(text: &str, offset: usize) -> bool {
    let b = text.as_bytes();
    offset > 0 && offset < b.len() && b[offset - 1] == b'\r' && b[offset] == b'\n'
}

/// An edit that an editor can apply to `text` without splitting a character or a line
/// break, and whose inserted line breaks are the file's own (`nl`).
pub fn assert_edit_fits(text: &str, nl: &str, e: &TextEdit, what: &str) {
    assert_range(text, e.range, what);
    for end in [e.range.start(), e.range.end()] {
        assert!(
            !inside_crlf(text, end),
            "{what}: edit {e:?} splits a CRLF at {end}"
        );
    }
    assert_line_breaks(&e.new_text, nl, what);
}

/// The line break text inserted into `text` must use: the one of its first line feed (`\r\n`
/// or `\n`), `\n` when it has none. Written here rather than taken from the crate, so that
/// a wrong answer there is caught.
pub fn file_line_break(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if text[..i].ends_with('\r') => "\r\n",
        _ => "\n",
    }
}

/// Every line break in `inserted` is `nl`.
pub fn assert_line_breaks(inserted: &str, nl: &str, what: &str) {
    let bare_lf = inserted
        .char_indices()
        .any(|(i, c)| c == '\n' && (nl == "\r\n") != (i > 0 && &inserted[i - 1..i] == "\r"));
    let lone_cr = inserted
        .char_indices()
        .any(|(i, c)| c == '\r' && (nl == "\n" || inserted.as_bytes().get(i + 1) != Some(&b'\n')));
    assert!(
        !bare_lf && !lone_cr,
        "{what}: inserted text {inserted:?} does not use the file's line break {nl:?}"
    );
}

/// The text after `edits`, built independently of `ide::apply_edits` (which it is compared
/// with): the edits must not overlap, and every byte outside them is copied unchanged.
pub fn splice(text: &str, edits: &[&TextEdit], what: &str) -> String {
    let mut sorted: Vec<&TextEdit> = edits.to_vec();
    sorted.sort_by_key(|e| (e.range.start(), e.range.end()));
    for pair in sorted.windows(2) {
        let (a, b) = (pair[0].range, pair[1].range);
        // Insertions at one point are fine (LSP applies them in array order; the sort is
        // stable); any other overlap is not.
        assert!(
            a.end() <= b.start(),
            "{what}: edits overlap: {:?} and {:?}",
            pair[0],
            pair[1]
        );
    }
    let mut out = String::new();
    let mut at = 0;
    for e in sorted {
        out += &text[at..e.range.start()];
        out += &e.new_text;
        at = e.range.end();
    }
    out += &text[at..];
    out
}

/// Every character boundary of `text`, its end included.
pub fn boundaries(text: &str) -> impl Iterator<Item = usize> + '_ {
    text.char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(text.len()))
}

/// The largest character boundary at or below `offset` (clamped to the text).
pub fn floor_boundary(text: &str, offset: usize) -> usize {
    let mut o = offset.min(text.len());
    while !text.is_char_boundary(o) {
        o -= 1;
    }
    o
}
