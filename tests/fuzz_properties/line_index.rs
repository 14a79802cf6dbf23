//! `line_index`: positions on any text. Input: `text 0xFF script` (see [`super::input`]);
//! the script picks extra (line, column) positions and rope replacements.
//!
//! Lines break at `\n`, `\r\n` and a lone `\r`, never at U+2028. Properties, in UTF-8,
//! UTF-16 and character columns:
//! - the line index agrees with a line split written here and with ropey (`cr_lines`), the
//!   store the server applies an editor's changes to;
//! - offset -> (line, column) -> offset is the identity on every character boundary, except
//!   between the `\r` and `\n` of a CRLF, which maps to the end of its line;
//! - offsets past the end or inside a character clamp down; positions past the end of a
//!   line or of the text clamp to the end of the line or of the text, inside a surrogate
//!   pair to the character's start, and the rope (`text::rope::char_at`) resolves every
//!   position to the same place as the line index;
//! - a rope replacement between two positions gives the same text as splicing the string
//!   at the offsets the line index gives.

use oneonone_ls::text::{rope, ColumnUnit, LineCol, LineIndex};
use ropey::Rope;

use super::check::{assert_offset, floor_boundary, inside_crlf};
use super::input::{split_script, text_of, Script};

const UNITS: [ColumnUnit; 3] = [ColumnUnit::Utf8, ColumnUnit::Utf16, ColumnUnit::Char];

pub fn check(data: &[u8]) {
    let (text, script) = split_script(data);
    let text = text_of(text);
    let index = LineIndex::new(&text);
    let rope = Rope::from_str(&text);
    let starts = line_starts(&text);
    assert_eq!(index.line_count(), starts.len(), "line count of {text:?}");
    assert_eq!(
        rope.len_lines(),
        starts.len(),
        "ropey's line count of {text:?}"
    );
    for (line, &start) in starts.iter().enumerate() {
        assert_eq!(index.line_start(line), start, "start of line {line}");
        assert_eq!(
            rope.line_to_byte(line),
            start,
            "ropey's start of line {line}"
        );
        let r = index.line_range(&text, line);
        assert_eq!(r.start(), start);
        let body = r.slice(&text);
        assert!(
            !body.contains(['\n', '\r']),
            "line {line} holds a line break: {body:?}"
        );
        let next = starts.get(line + 1).copied().unwrap_or(text.len());
        let brk = &text[r.end()..next];
        assert!(
            matches!(brk, "" | "\n" | "\r" | "\r\n"),
            "line {line} ends with {brk:?}"
        );
        assert!(brk.is_empty() == (line + 1 == starts.len()));
    }

    // Every offset of a small text; of a large one, a sample (each check costs a line).
    let all: Vec<usize> = (0..text.len() + 4).collect();
    let step = all.len().div_ceil(1024).max(1);
    let sample: Vec<usize> = all.iter().copied().step_by(step).collect();
    for unit in UNITS {
        let mut prev = LineCol { line: 0, col: 0 };
        for &o in &sample {
            let floor = floor_boundary(&text, o);
            if floor != o {
                // Offsets inside a character or past the end clamp down.
                assert_eq!(
                    index.line_col(&text, o, unit),
                    index.line_col(&text, floor, unit),
                    "{unit:?} position of offset {o} (inside a character or past the end)"
                );
                continue;
            }
            let lc = index.line_col(&text, o, unit);
            let line = starts.partition_point(|&s| s <= o) - 1;
            let col = width(&text[starts[line]..o], unit);
            assert_eq!(
                (lc.line as usize, lc.col as usize),
                (line, col),
                "{unit:?} position of offset {o}"
            );
            assert_eq!(rope.byte_to_line(o), line, "ropey's line of offset {o}");
            assert!(lc >= prev, "positions go back at offset {o}");
            prev = lc;
            let back = index.offset(&text, lc, unit);
            let want = if inside_crlf(&text, o) { o - 1 } else { o };
            assert_eq!(back, want, "{unit:?} round trip of offset {o} via {lc:?}");
            same_place(&text, &index, &rope, lc, unit);
            if o == index.line_range(&text, line).end() {
                // Columns past the end of the line.
                for extra in [1, 2, 1000, u32::MAX - lc.col] {
                    let past = LineCol {
                        line: lc.line,
                        col: lc.col.saturating_add(extra),
                    };
                    same_place(&text, &index, &rope, past, unit);
                }
            }
        }
        for line in [starts.len() as u32, starts.len() as u32 + 1, u32::MAX] {
            let pos = LineCol { line, col: 0 };
            assert_eq!(index.offset(&text, pos, unit), text.len());
            same_place(&text, &index, &rope, pos, unit);
        }
    }

    // Positions and replacements from the script.
    let mut s = Script::new(script);
    let mut text = text;
    let mut rope = rope;
    while !s.is_done() {
        let unit = UNITS[s.byte() as usize % 3];
        let index = LineIndex::new(&text);
        let mut pos = || LineCol {
            line: u32::from(s.byte()) % (index.line_count() as u32 + 2),
            col: u32::from(s.byte()),
        };
        let (a, b) = (pos(), pos());
        same_place(&text, &index, &rope, a, unit);
        same_place(&text, &index, &rope, b, unit);
        let new_text = s.text(4);
        let (x, y) = (index.offset(&text, a, unit), index.offset(&text, b, unit));
        let (x, y) = (x.min(y), x.max(y));
        rope::replace(&mut rope, (a.line, a.col), (b.line, b.col), &new_text, unit);
        text = format!("{}{new_text}{}", &text[..x], &text[y..]);
        assert_eq!(
            rope.to_string(),
            text,
            "rope replacement {a:?}..{b:?} in {unit:?}"
        );
    }
}

/// The line index and the rope resolve `pos` to the same offset, a character boundary
/// within its line (or the end of the text for a line past the end), never past `pos`.
fn same_place(text: &str, index: &LineIndex, rope: &Rope, pos: LineCol, unit: ColumnUnit) {
    let o = index.offset(text, pos, unit);
    assert_offset(text, o, "LineIndex::offset");
    let by_rope = rope.char_to_byte(rope::char_at(rope, pos.line, pos.col, unit));
    assert_eq!(
        o, by_rope,
        "line index and rope disagree on {pos:?} in {unit:?}"
    );
    if (pos.line as usize) < index.line_count() {
        let line = index.line_range(text, pos.line as usize);
        assert!(line.touches(o), "{pos:?} resolves outside its line");
        let col = width(&text[line.start()..o], unit);
        assert!(col <= pos.col as usize, "{pos:?} resolves past its column");
        // Clamped to the line end, or to the start of the character holding the column.
        let next = text[o..line.end()].chars().next();
        assert!(
            next.is_none_or(|c| col + width(c.encode_utf8(&mut [0; 4]), unit) > pos.col as usize),
            "{pos:?} resolves to {o}, short of where it could"
        );
    } else {
        assert_eq!(o, text.len(), "{pos:?} is past the last line");
    }
}

/// The width of `s` in `unit`.
fn width(s: &str, unit: ColumnUnit) -> usize {
    match unit {
        ColumnUnit::Utf8 => s.len(),
        ColumnUnit::Utf16 => s.chars().map(char::len_utf16).sum(),
        ColumnUnit::Char => s.chars().count(),
    }
}

/// Where each line starts: after every `\r\n`, `\n` and lone `\r` (written apart from
/// `LineIndex`, char by char).
fn line_starts(text: &str) -> Vec<usize> {
    let mut starts = vec![0];
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let after = match c {
            '\r' if chars.peek().map(|&(_, n)| n) == Some('\n') => {
                chars.next();
                i + 2
            }
            '\r' | '\n' => i + 1,
            _ => continue,
        };
        starts.push(after);
    }
    starts
}
