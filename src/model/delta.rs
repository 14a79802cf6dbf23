//! What one [`super::Workspace::apply`] changed, for the results derived from the state before
//! it (the findings the server publishes), so that they can be brought up to date from the
//! edited stretch instead of derived again from the whole series.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::text::TextRange;

/// Tells the states of workspaces apart: every state gets a number no other one has.
pub(super) fn next_generation() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// How the text of a file changed when only a stretch of it was parsed again and nothing a
/// series is derived from changed: `window` (in the new text) holds every changed byte, the
/// text before it is as it was, and the text after it moved by `bytes` bytes and `lines`
/// lines. The window starts at a line start and ends at a line start or at the end of the
/// text, so what follows it keeps its columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StretchEdit {
    pub window: TextRange,
    pub bytes: i64,
    pub lines: i64,
}

/// How a file of the state before an apply relates to the one after it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileDelta {
    /// Not touched.
    Same,
    /// Edited in its stretch only, links unchanged.
    Stretch(StretchEdit),
    /// Anything else: new, gone, parsed whole, or its items, ids, references, tags, tasks
    /// or dates changed.
    Other,
}

impl StretchEdit {
    /// `self`, then one more edit: `edit` (a range of the text as `self` left it) replaced
    /// by `inserted` bytes, the new text's stretch `window` parsed again, `lines` more
    /// lines. The result's window is the smallest range holding both windows, so that what
    /// lies outside it is still unchanged, or only moved.
    pub fn then(self, edit: TextRange, inserted: usize, window: TextRange, lines: i64) -> Self {
        let delta = inserted as i64 - edit.len() as i64;
        let moved = |p: usize| -> usize {
            if p < edit.start() {
                p
            } else if p >= edit.end() {
                (p as i64 + delta) as usize
            } else {
                edit.start() + inserted
            }
        };
        let start = moved(self.window.start()).min(window.start());
        let end = moved(self.window.end()).max(window.end());
        StretchEdit {
            window: TextRange::new(start, end),
            bytes: self.bytes + delta,
            lines: self.lines + lines,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_edits_make_one_window_holding_both() {
        // First edit: 3 bytes typed at 100 in the stretch 90..200 (now 90..203).
        let first = StretchEdit {
            window: TextRange::new(90, 203),
            bytes: 3,
            lines: 0,
        };
        // Then a line break typed at 20 in the stretch 10..60 (now 10..61): the first
        // window moves by one byte, and the window spans both.
        let both = first.then(TextRange::new(20, 20), 1, TextRange::new(10, 61), 1);
        assert_eq!(
            both,
            StretchEdit {
                window: TextRange::new(10, 204),
                bytes: 4,
                lines: 1
            }
        );
        // An edit after the window leaves its start, and widens it to the new stretch.
        let after = first.then(TextRange::new(300, 305), 0, TextRange::new(250, 400), 0);
        assert_eq!(after.window, TextRange::new(90, 400));
        assert_eq!(after.bytes, -2);
    }
}
