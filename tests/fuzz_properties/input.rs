//! Turning fuzzer bytes into texts, positions and edit scripts.
//!
//! Inputs that need more than a text are `text 0xFF script`: the bytes before the first
//! `0xFF` (a byte that never occurs in UTF-8) are the text, the bytes after it drive the
//! script. So a real note followed by `0xFF` and a few bytes is a valid seed, and the fuzzer
//! mutates both halves.

/// The text of some bytes: as they are when they are UTF-8, else lossily decoded.
pub fn text_of(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => String::from_utf8_lossy(bytes).into_owned(),
    }
}

/// `text 0xFF script` split in two; without `0xFF` the script is empty.
pub fn split_script(data: &[u8]) -> (&[u8], &[u8]) {
    match data.iter().position(|&b| b == 0xFF) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[]),
    }
}

/// Pieces of 1:1 notes (and of what breaks them), so that a few script bytes build text
/// that meets the structure the parser cares about: meeting headings, sections, tasks, tags,
/// ids, references, dates, code fences, front matter, HTML, and awkward characters.
pub const FRAGMENTS: &[&str] = &[
    "\n",
    "\r\n",
    "\r",
    " ",
    "\n\n",
    "## 2026-11-24\n",
    "## 2026-11-17 Kickoff\n",
    "## 2026-12-01\r\n",
    "## 2026-02-30\n",
    "## 24/11/2026\n",
    "## Nov 24, 2026\n",
    "## Notes\n",
    "# 1:1 Sam / Priya\n",
    "### Agenda\n",
    "### Notes\n",
    "### Feedback\n",
    "### Actions\n",
    "### Todo:\n",
    "- ",
    "- [ ] ",
    "- [x] ",
    "- [-] ",
    "* ",
    "1. ",
    "  - ",
    "    ",
    "\t",
    "#growth",
    "#feedback",
    "#alignment",
    "#status",
    "#grwoth",
    "#growth/skills",
    " ^id",
    " ^a-1",
    "^",
    "[[#^id]]",
    "[[#^a-1]]",
    "[[2026-11-17.1on1#^id]]",
    "[[#^",
    " ✅ 2026-11-24",
    " 📅 2026-11-01",
    " due: 2026-02-30",
    " [completion:: 2026-11-20]",
    "?",
    "Fixed bug #4321",
    "Working on ABC-123",
    "Could I lead the design?",
    "```\n",
    "~~~\n",
    "`",
    "---\n",
    "with: Priya\n",
    "cadence: biweekly\n",
    "stale-after: 2 weeks\n",
    "date: 2026-11-24\n",
    "bad line\n",
    "\u{FEFF}",
    "é",
    "e\u{301}",
    "👍",
    "\u{2028}",
    "> ",
    "[x]: /u\n",
    "[link](http://x#^id)",
    "<div>\n",
    "</div>\n",
    "<!-- ",
    " -->",
    "\\",
    "*",
    "_",
    "[",
    "]",
    "(",
    "#",
    "2026-11-24",
    "Priya: open design docs before planning",
];

/// [`FRAGMENTS`] as a libFuzzer dictionary (`fuzz/1on1.dict`), so that the fuzzer also
/// splices them into raw text; `tests/fuzz_regressions.rs` checks that the file is up to date.
pub fn libfuzzer_dictionary() -> String {
    let mut out = String::from(
        "# libFuzzer dictionary for the oneonone-ls fuzz targets: the note fragments of\n\
         # tests/fuzz_properties/input.rs (FRAGMENTS), and the script separator 0xFF.\n\
         # Generated: UPDATE_EXPECT=1 cargo test --test fuzz_regressions rewrites it.\n",
    );
    let bytes = FRAGMENTS.iter().map(|f| f.as_bytes()).chain([&[0xFF][..]]);
    for f in bytes {
        out.push('"');
        for &b in f {
            match b {
                0x20..=0x7E if b != b'"' && b != b'\\' => out.push(b as char),
                _ => out += &format!("\\x{b:02X}"),
            }
        }
        out.push_str("\"\n");
    }
    out
}

/// Plain characters for script bytes past the fragment list.
const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyz ABCXYZ0123456789-.:,;!|";

/// Reads a script byte by byte; past its end every read is zero.
pub struct Script<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Script<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Script { data, pos: 0 }
    }

    pub fn is_done(&self) -> bool {
        self.pos >= self.data.len()
    }

    pub fn byte(&mut self) -> u8 {
        let b = self.data.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        b
    }

    pub fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.byte(), self.byte()])
    }

    /// A text of up to `max` pieces: a byte below the number of fragments picks that
    /// fragment, any other byte one plain character.
    pub fn text(&mut self, max: usize) -> String {
        let n = self.byte() as usize % (max + 1);
        let mut s = String::new();
        for _ in 0..n {
            if self.is_done() {
                break;
            }
            let b = self.byte() as usize;
            match FRAGMENTS.get(b) {
                Some(f) => s.push_str(f),
                None => s.push(LETTERS[(b - FRAGMENTS.len()) % LETTERS.len()] as char),
            }
        }
        s
    }

    /// An offset into a text of `len` bytes, usually inside it (`0..=len`), sometimes past
    /// its end, so that clamping is exercised too.
    pub fn offset(&mut self, len: usize) -> usize {
        let raw = self.u16() as usize;
        if raw % 16 == 15 {
            len + raw / 16
        } else {
            raw % (len + 1)
        }
    }
}
