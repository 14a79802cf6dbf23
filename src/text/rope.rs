//! Positions on a `ropey::Rope`, for applying an editor's incremental changes. Lines break
//! as in [`super::LineIndex`]: `\n`, `\r\n` and a lone `\r` (ropey's `cr_lines` feature
//! only, so U+2028 is not a break).

use ropey::Rope;

use super::{ColumnUnit, TextRange};

/// The char index of a (line, column) position: a line past the end gives the end of the
/// text, a column past the end of its line gives the end of the line (before its break), a
/// column inside a character gives that character's start.
pub fn char_at(rope: &Rope, line: u32, col: u32, unit: ColumnUnit) -> usize {
    let line = line as usize;
    if line >= rope.len_lines() {
        return rope.len_chars();
    }
    let start = rope.line_to_char(line);
    let slice = rope.line(line);
    let mut content_chars = slice.len_chars();
    // Drop the line break: `\r\n`, `\n` or `\r`.
    if content_chars > 0 && slice.char(content_chars - 1) == '\n' {
        content_chars -= 1;
    }
    if content_chars > 0 && slice.char(content_chars - 1) == '\r' {
        content_chars -= 1;
    }
    let want = col as usize;
    let mut used = 0;
    for (i, ch) in slice.chars().take(content_chars).enumerate() {
        let w = match unit {
            ColumnUnit::Utf8 => ch.len_utf8(),
            ColumnUnit::Utf16 => ch.len_utf16(),
            ColumnUnit::Char => 1,
        };
        if used + w > want {
            return start + i;
        }
        used += w;
    }
    start + content_chars
}

/// The rope's text in one string of exactly its size (`to_string` goes through a
/// formatter that grows its buffer by doubling: up to twice the document).
pub fn text_of(rope: &Rope) -> String {
    let mut text = String::with_capacity(rope.len_bytes());
    rope.chunks().for_each(|chunk| text.push_str(chunk));
    text
}

/// Replaces the text between two positions (in either order) with `new_text`. Returns the
/// byte range replaced, in the text as it was.
pub fn replace(
    rope: &mut Rope,
    start: (u32, u32),
    end: (u32, u32),
    new_text: &str,
    unit: ColumnUnit,
) -> TextRange {
    let a = char_at(rope, start.0, start.1, unit);
    let b = char_at(rope, end.0, end.1, unit);
    let (a, b) = if a <= b { (a, b) } else { (b, a) };
    let replaced = TextRange::new(rope.char_to_byte(a), rope.char_to_byte(b));
    rope.remove(a..b);
    rope.insert(a, new_text);
    replaced
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_in_utf16_and_utf8_after_emoji_and_crlf() {
        let mut rope = Rope::from_str("a🙂b\r\nc\u{2028}d\re");
        // UTF-16: 🙂 is two units; `b` is at column 3.
        let replaced = replace(&mut rope, (0, 3), (0, 4), "B", ColumnUnit::Utf16);
        assert_eq!(rope.to_string(), "a🙂B\r\nc\u{2028}d\re");
        assert_eq!(text_of(&rope), rope.to_string());
        // The byte range: `a` is one byte and 🙂 four.
        assert_eq!(replaced, TextRange::new(5, 6));
        // UTF-8: the U+2028 is three bytes and does not break the line.
        replace(&mut rope, (1, 4), (1, 5), "D", ColumnUnit::Utf8);
        assert_eq!(rope.to_string(), "a🙂B\r\nc\u{2028}D\re");
        // A column past the line end stops before the break; a line past the end appends.
        replace(&mut rope, (0, 99), (0, 99), "!", ColumnUnit::Utf16);
        replace(&mut rope, (9, 0), (9, 0), "?", ColumnUnit::Utf16);
        assert_eq!(rope.to_string(), "a🙂B!\r\nc\u{2028}D\re?");
        // The middle of a surrogate pair is the character's start; reversed ends are fine.
        replace(&mut rope, (0, 2), (0, 1), "", ColumnUnit::Utf16);
        assert_eq!(rope.to_string(), "a🙂B!\r\nc\u{2028}D\re?");
    }
}
