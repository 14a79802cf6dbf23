//! Inline things inside a run of markdown text: tags, references, done and due dates, block
//! ids. Each scanner takes the file text and a run's range, and reports absolute ranges.

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

use super::Name;
use crate::text::TextRange;

// No capture group: a regex with one also builds a one-pass DFA for captures, which for
// these Unicode classes takes 0.65 MB, for nothing, since only the whole match is read.
static TAG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"#\p{L}[\p{L}\p{N}_/-]*").unwrap());
static REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\[\[([^\[\]#|\r\n]*)#\^([A-Za-z0-9-]+)(?:\|[^\[\]\r\n]*)?\]\]").unwrap()
});
static ITEM_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:(?P<done>✅\x{FE0F}?[ \t]*|\[completion::[ \t]*)|(?P<due>📅\x{FE0F}?[ \t]*|\bdue::?[ \t]*|\[due::[ \t]*))(?P<date>\d{4}-\d{2}-\d{2})\b",
    )
    .unwrap()
});
static BLOCK_ID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|[ \t])(\^[A-Za-z0-9-]+)$").unwrap());

/// The run's text when it contains `needle`, else `""`: a cheap test before a regex.
fn if_contains<'a>(text: &'a str, run: TextRange, needle: &str) -> &'a str {
    let slice = run.slice(text);
    if slice.contains(needle) {
        slice
    } else {
        ""
    }
}

/// The run's text when it may hold a done or due date, else `""`.
fn date_candidates(text: &str, run: TextRange) -> &str {
    let slice = run.slice(text);
    let marked = slice.contains('✅')
        || slice.contains('📅')
        || slice.contains("completion::")
        || slice.contains("ue:")
        || slice.contains("UE:");
    if marked {
        slice
    } else {
        ""
    }
}

/// A tag found in a run: name (lower-cased, no `#`) and range (with `#`).
pub fn tags(text: &str, run: TextRange) -> impl Iterator<Item = (Name, TextRange)> + '_ {
    // Most runs hold no `#`: the regex is skipped for them (parsing spends its time here).
    TAG.find_iter(if_contains(text, run, "#"))
        .filter_map(move |m| {
            let start = run.start() + m.start();
            // A tag starts a line or follows white space or `(`; `a#b` and `[[#^x]]` are not tags.
            let before = text[..start].chars().next_back();
            if !matches!(before, None | Some('(')) && !before.is_some_and(char::is_whitespace) {
                return None;
            }
            let tag = m.as_str()[1..].trim_end_matches(['/', '-', '_']);
            let name = if tag.chars().any(char::is_uppercase) {
                Name::from(tag.to_lowercase())
            } else {
                Name::new(tag)
            };
            Some((name, TextRange::new(start, start + 1 + tag.len())))
        })
}

/// A reference found in a run: the file name (if any), the id, the whole range and the id's.
pub fn references(
    text: &str,
    run: TextRange,
) -> impl Iterator<Item = (Option<Name>, Name, TextRange, TextRange)> + '_ {
    REFERENCE
        .captures_iter(if_contains(text, run, "[["))
        .filter_map(move |c| {
            let m = c.get(0)?;
            let id = c.get(2)?;
            let file = c[1].trim();
            Some((
                (!file.is_empty()).then(|| Name::new(file)),
                Name::new(id.as_str()),
                TextRange::new(run.start() + m.start(), run.start() + m.end()),
                TextRange::new(run.start() + id.start(), run.start() + id.end()),
            ))
        })
}

/// Whether a date is a done date or a due date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateKind {
    Done,
    Due,
}

/// Done and due dates in a run.
pub fn item_dates(
    text: &str,
    run: TextRange,
) -> impl Iterator<Item = (DateKind, Option<NaiveDate>, TextRange)> + '_ {
    ITEM_DATE
        .captures_iter(date_candidates(text, run))
        .filter_map(move |c| {
            let date = c.name("date")?;
            let kind = if c.name("done").is_some() {
                DateKind::Done
            } else {
                DateKind::Due
            };
            let range = TextRange::new(run.start() + date.start(), run.start() + date.end());
            Some((kind, super::parse_iso_date(date.as_str()), range))
        })
}

/// A `^id` ending `line` (already trimmed): the id and the range of `^id`.
pub fn block_id(text: &str, line: TextRange) -> Option<(Name, TextRange)> {
    let c = BLOCK_ID.captures(if_contains(text, line, "^"))?;
    let m = c.get(1)?;
    Some((
        Name::new(&m.as_str()[1..]),
        TextRange::new(line.start() + m.start(), line.start() + m.end()),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> TextRange {
        TextRange::new(0, text.len())
    }

    #[test]
    fn tags_need_a_boundary_before_them() {
        let text = "#Growth (#feedback) a#b [[#^x]] #1 #team/platform- x";
        let found: Vec<_> = tags(text, all(text)).map(|(n, _)| n).collect();
        assert_eq!(found, ["growth", "feedback", "team/platform"]);
    }

    #[test]
    fn references_with_and_without_a_file() {
        let text = "see [[#^a-1]] and [[2026-10-06.1on1#^b|that]] and [[x]]";
        let found: Vec<_> = references(text, all(text))
            .map(|(f, id, r, _)| (f, id, r.slice(text).to_string()))
            .collect();
        assert_eq!(found.len(), 2);
        assert_eq!(found[0], (None, "a-1".into(), "[[#^a-1]]".into()));
        assert_eq!(found[1].0.as_deref(), Some("2026-10-06.1on1"));
    }

    #[test]
    fn done_and_due_dates_in_both_notations() {
        let text = "a ✅ 2026-11-24 📅 2026-02-30 [completion:: 2026-01-02] due: 2026-12-01 overdue: 2026-01-01";
        let found: Vec<_> = item_dates(text, all(text))
            .map(|(k, d, r)| (k, d.is_some(), r.slice(text).to_string()))
            .collect();
        assert_eq!(
            found,
            [
                (DateKind::Done, true, "2026-11-24".to_string()),
                (DateKind::Due, false, "2026-02-30".to_string()),
                (DateKind::Done, true, "2026-01-02".to_string()),
                (DateKind::Due, true, "2026-12-01".to_string()),
            ]
        );
    }

    #[test]
    fn block_ids_end_the_line() {
        let text = "- [ ] Draft the RFC ^migration-rfc";
        let (id, range) = block_id(text, all(text)).unwrap();
        assert_eq!(
            (id.as_str(), range.slice(text)),
            ("migration-rfc", "^migration-rfc")
        );
        assert!(block_id("x^y", all("x^y")).is_none());
        assert!(block_id("^y and more", all("^y and more")).is_none());
    }
}
