//! Text edits: the one way every feature changes a file.

use crate::model::FileId;
use crate::text::TextRange;

/// Replace `range` of `file` with `new_text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextEdit {
    pub file: FileId,
    pub range: TextRange,
    pub new_text: String,
}

impl TextEdit {
    pub fn insert(file: FileId, at: usize, new_text: String) -> Self {
        TextEdit {
            file,
            range: TextRange::empty(at),
            new_text,
        }
    }
}

/// Applies the edits of one file to its text. Edits must not overlap and must fall on
/// character boundaries; otherwise nothing is applied and `None` comes back.
pub fn apply_edits<'a>(
    text: &str,
    edits: impl IntoIterator<Item = &'a TextEdit>,
) -> Option<String> {
    let mut edits: Vec<&TextEdit> = edits.into_iter().collect();
    edits.sort_by_key(|e| (e.range.start(), e.range.end()));
    let mut out =
        String::with_capacity(text.len() + edits.iter().map(|e| e.new_text.len()).sum::<usize>());
    let mut at = 0;
    for e in edits {
        if e.range.start() < at || e.range.end() < e.range.start() {
            return None;
        }
        out.push_str(text.get(at..e.range.start())?);
        text.get(e.range.start()..e.range.end())?;
        out.push_str(&e.new_text);
        at = e.range.end();
    }
    out.push_str(text.get(at..)?);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applies_in_order_and_refuses_overlaps_and_split_characters() {
        let f = FileId(0);
        let text = "héllo world";
        let a = TextEdit::insert(f, 0, ">".into());
        let b = TextEdit {
            file: f,
            range: TextRange::new(7, 12),
            new_text: "there".into(),
        };
        assert_eq!(apply_edits(text, [&b, &a]).unwrap(), ">héllo there");
        let overlap = TextEdit {
            file: f,
            range: TextRange::new(6, 8),
            new_text: String::new(),
        };
        assert_eq!(apply_edits(text, [&b, &overlap]), None);
        let split = TextEdit::insert(f, 2, "x".into());
        assert_eq!(apply_edits(text, [&split]), None);
    }
}
