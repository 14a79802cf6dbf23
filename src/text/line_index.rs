//! Byte offset <-> (line, column). Lines break at `\n`, `\r\n` and a lone `\r` (as LSP
//! clients do), never at U+2028 or other Unicode separators.

/// A zero-based line and a zero-based column in the unit asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

/// The start offset of every line of a text.
///
/// Offsets are kept in 32 bits, as in [`super::TextRange`]: a workspace keeps an index per
/// note, and half the size is a megabyte of a 10 MB workspace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineIndex {
    line_starts: Vec<u32>,
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => line_starts.push(i as u32 + 1),
                b'\r' => {
                    if bytes.get(i + 1) == Some(&b'\n') {
                        i += 1;
                    }
                    line_starts.push(i as u32 + 1);
                }
                _ => {}
            }
            i += 1;
        }
        line_starts.shrink_to_fit();
        LineIndex {
            line_starts,
            len: text.len(),
        }
    }

    /// Brings the index up to date with `text`: the old text with the bytes of `edit`
    /// replaced by `inserted` bytes. Only the line starts inside the edit are looked for
    /// again; those after it move.
    pub fn edit(&mut self, text: &str, edit: super::TextRange, inserted: usize) {
        let bytes = text.as_bytes();
        // Whether a line starts at `p` depends on the bytes at `p - 1` and `p`, so the
        // starts in `edit.start()..=edit.start() + inserted` are the ones that can change.
        let is_start = |p: usize| {
            p == 0
                || bytes[p - 1] == b'\n'
                || (bytes[p - 1] == b'\r' && bytes.get(p) != Some(&b'\n'))
        };
        let lo = self
            .line_starts
            .partition_point(|&s| (s as usize) < edit.start());
        let hi = self
            .line_starts
            .partition_point(|&s| s as usize <= edit.end());
        let last = (edit.start() + inserted).min(bytes.len());
        let fresh: Vec<u32> = (edit.start()..=last)
            .filter(|&p| is_start(p))
            .map(|p| p as u32)
            .collect();
        let added = fresh.len();
        self.line_starts.splice(lo..hi, fresh);
        let (grown, shrunk) = (inserted as u32, edit.len() as u32);
        for s in &mut self.line_starts[lo + added..] {
            *s = *s + grown - shrunk;
        }
        self.len = text.len();
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The zero-based line holding `offset` (clamped to the text).
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.len);
        self.line_starts.partition_point(|&s| s as usize <= offset) - 1
    }

    /// The byte offset where `line` starts; past the last line, the end of the text.
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts.get(line).map_or(self.len, |&s| s as usize)
    }

    /// The byte range of `line` without its line break.
    pub fn line_range(&self, text: &str, line: usize) -> super::TextRange {
        let start = self.line_start(line);
        let mut end = self.line_start(line + 1);
        let bytes = text.as_bytes();
        if end > start && bytes.get(end - 1) == Some(&b'\n') {
            end -= 1;
        }
        if end > start && bytes.get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        super::TextRange::new(start, end.max(start))
    }

    /// Offset -> line and column counted in `unit`. An offset inside a character counts from
    /// that character's start; an offset past the end is clamped.
    pub fn line_col(&self, text: &str, offset: usize, unit: ColumnUnit) -> LineCol {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.line_of(offset);
        let start = self.line_start(line);
        let prefix = &text[start..offset];
        let col = match unit {
            ColumnUnit::Utf8 => prefix.len(),
            // Most lines are ASCII: one unit a byte, told without decoding.
            _ if prefix.is_ascii() => prefix.len(),
            ColumnUnit::Utf16 => prefix.encode_utf16().count(),
            ColumnUnit::Char => prefix.chars().count(),
        };
        LineCol {
            line: line as u32,
            col: col as u32,
        }
    }

    /// Line and column in `unit` -> offset. A line past the end gives the end of the text;
    /// a column past the end of its line gives the end of the line (before its break); a
    /// column inside a character gives that character's start.
    pub fn offset(&self, text: &str, pos: LineCol, unit: ColumnUnit) -> usize {
        let line = pos.line as usize;
        if line >= self.line_starts.len() {
            return text.len();
        }
        let range = self.line_range(text, line);
        let line_text = range.slice(text);
        let want = pos.col as usize;
        let mut used = 0;
        for (i, ch) in line_text.char_indices() {
            let w = match unit {
                ColumnUnit::Utf8 => ch.len_utf8(),
                ColumnUnit::Utf16 => ch.len_utf16(),
                ColumnUnit::Char => 1,
            };
            if used + w > want {
                return range.start() + i;
            }
            used += w;
        }
        range.end()
    }
}

/// How columns are counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnUnit {
    Utf8,
    Utf16,
    Char,
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breaks_on_lf_crlf_and_lone_cr_but_not_u2028() {
        let text = "a\nb\r\nc\rd\u{2028}e";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 4);
        assert_eq!(index.line_range(text, 1).slice(text), "b");
        assert_eq!(index.line_range(text, 3).slice(text), "d\u{2028}e");
    }

    #[test]
    fn columns_in_every_unit_after_an_emoji() {
        let text = "x\n🙂é#growth";
        let index = LineIndex::new(text);
        let hash = text.find('#').unwrap();
        let at = |unit| index.line_col(text, hash, unit);
        assert_eq!(at(ColumnUnit::Utf8), LineCol { line: 1, col: 6 });
        assert_eq!(at(ColumnUnit::Utf16), LineCol { line: 1, col: 3 });
        assert_eq!(at(ColumnUnit::Char), LineCol { line: 1, col: 2 });
        for unit in [ColumnUnit::Utf8, ColumnUnit::Utf16, ColumnUnit::Char] {
            assert_eq!(index.offset(text, at(unit), unit), hash);
        }
    }

    #[test]
    fn out_of_range_positions_are_clamped() {
        let text = "ab\r\ncd";
        let index = LineIndex::new(text);
        let far = LineCol { line: 0, col: 99 };
        assert_eq!(index.offset(text, far, ColumnUnit::Utf16), 2);
        let past = LineCol { line: 9, col: 0 };
        assert_eq!(index.offset(text, past, ColumnUnit::Utf16), text.len());
        assert_eq!(
            index.line_col(text, 999, ColumnUnit::Char),
            LineCol { line: 1, col: 2 }
        );
        // The middle of a surrogate pair maps to the character's start.
        let emoji = "🙂x";
        let index = LineIndex::new(emoji);
        let mid = LineCol { line: 0, col: 1 };
        assert_eq!(index.offset(emoji, mid, ColumnUnit::Utf16), 0);
    }
}
