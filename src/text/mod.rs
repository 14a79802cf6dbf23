//! Text positions: byte ranges, the line index, and conversions between byte offsets and
//! (line, column) pairs in UTF-8, UTF-16 and characters. The only layer that knows about
//! encodings.

mod line_index;
pub mod rope;

pub use line_index::{ColumnUnit, LineCol, LineIndex};

/// A half-open byte range `start..end` into one file's text. Offsets are stored in 32 bits
/// (a workspace keeps millions of ranges; notes larger than 4 GiB are never parsed, see
/// `maxFileBytes`) and read as `usize`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TextRange {
    start: u32,
    end: u32,
}

/// An offset as stored: past 4 GiB it saturates (such text is never parsed).
const fn narrow(offset: usize) -> u32 {
    if offset > u32::MAX as usize {
        u32::MAX
    } else {
        offset as u32
    }
}

impl TextRange {
    pub const fn new(start: usize, end: usize) -> Self {
        TextRange {
            start: narrow(start),
            end: narrow(end),
        }
    }

    pub const fn empty(at: usize) -> Self {
        TextRange::new(at, at)
    }

    pub const fn start(self) -> usize {
        self.start as usize
    }

    pub const fn end(self) -> usize {
        self.end as usize
    }

    pub const fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    pub const fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// Whether `offset` lies inside the range (the end counts, as for a cursor).
    pub const fn touches(self, offset: usize) -> bool {
        self.start() <= offset && offset <= self.end()
    }

    pub const fn contains_range(self, other: TextRange) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// The range moved by `delta` bytes.
    pub const fn shifted(self, delta: usize) -> Self {
        TextRange::new(self.start() + delta, self.end() + delta)
    }

    /// The same start with another end.
    pub const fn with_end(self, end: usize) -> Self {
        TextRange::new(self.start(), end)
    }

    /// The text this range covers, or `""` when it does not fit `text`.
    pub fn slice(self, text: &str) -> &str {
        text.get(self.start()..self.end()).unwrap_or("")
    }
}

impl From<std::ops::Range<usize>> for TextRange {
    fn from(r: std::ops::Range<usize>) -> Self {
        TextRange::new(r.start, r.end)
    }
}

/// `range` made to fit `text`: both ends clamped to its length and moved back to the start of
/// the character they fall in; an inverted range becomes empty at its start.
pub fn clamp_range(text: &str, range: TextRange) -> TextRange {
    let floor = |mut i: usize| {
        i = i.min(text.len());
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let start = floor(range.start());
    TextRange::new(start, floor(range.end()).max(start))
}

/// The line break a file mostly uses, so that inserted text matches it.
pub fn line_ending(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}
