//! One file's bytes -> a tree of meetings, sections and items, with their tags, block ids,
//! references and dates, each carrying its byte range. Parsing never fails: any text gives a
//! tree, plus the problems found on the way.
//!
//! Block structure comes from pulldown-cmark; inline things are found by small regexes over
//! the text runs pulldown-cmark reports, so nothing inside code spans, code blocks, HTML or
//! link URLs is ever a tag, id, date or reference.

mod dates;
mod front_matter;
mod incremental;
mod inline;
mod parse;

use chrono::NaiveDate;
/// The names of tags, ids and references: short, so kept inline (up to 24 bytes) instead
/// of in an allocation of their own each; a workspace holds tens of thousands of them.
pub use compact_str::CompactString as Name;

use crate::text::TextRange;

pub use dates::{iso_date_at_start, non_iso_date_at_start, NonIsoDate};
pub use front_matter::{
    is_iso_shape, parse_duration_days, parse_front_matter, parse_iso_date, Cadence, FrontMatter,
    FrontMatterEntry, FrontMatterProblem,
};
pub use incremental::{reparse, Reparse};
pub use parse::parse;

/// Index of an item within its file.
pub type ItemIdx = u32;
/// Index of a meeting within its file.
pub type MeetingIdx = u32;

/// One parsed file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParsedFile {
    /// Whether the text starts with a UTF-8 byte order mark.
    pub bom: bool,
    /// Boxed: most notes (a folder of one-meeting files) have none.
    pub front_matter: Option<Box<FrontMatter>>,
    /// Where the markdown starts: after the BOM and the front matter.
    pub body_start: usize,
    /// Top-level headings (not inside lists or quotes), in order.
    pub headings: Vec<Heading>,
    /// Meetings in file order.
    pub meetings: Vec<Meeting>,
    /// Every list item in file order (a parent before its children).
    pub items: Vec<Item>,
    pub tags: Vec<Tag>,
    pub references: Vec<Reference>,
    pub problems: Vec<SyntaxProblem>,
    /// The file is one meeting dated by its name or its `date:` key.
    pub one_meeting: bool,
    /// The text defines link references (`[label]: url`). They change how brackets parse
    /// anywhere in the file, so an edit then parses the whole file again.
    pub link_definitions: bool,
    /// Where in `problems` those found by the inline scan start (before: front matter and
    /// headings).
    pub inline_problems: usize,
}

/// The indices of the elements of `v` (in text order, by `start`) that start inside `range`.
pub(crate) fn starting_within<T>(
    v: &[T],
    start: impl Fn(&T) -> usize,
    range: TextRange,
) -> std::ops::Range<usize> {
    v.partition_point(|x| start(x) < range.start())..v.partition_point(|x| start(x) < range.end())
}

impl ParsedFile {
    /// Gives back what the lists over-allocated while growing: a workspace keeps thousands
    /// of trees for as long as it runs.
    pub fn shrink_to_fit(&mut self) {
        self.headings.shrink_to_fit();
        self.meetings.shrink_to_fit();
        self.items.shrink_to_fit();
        self.tags.shrink_to_fit();
        self.references.shrink_to_fit();
        self.problems.shrink_to_fit();
    }

    pub fn item(&self, idx: ItemIdx) -> &Item {
        &self.items[idx as usize]
    }

    pub fn meeting(&self, idx: MeetingIdx) -> &Meeting {
        &self.meetings[idx as usize]
    }

    /// The items of a meeting, with their indices.
    pub fn meeting_items(&self, idx: MeetingIdx) -> impl Iterator<Item = (ItemIdx, &Item)> {
        let range = self.meetings[idx as usize].items.clone();
        range.map(move |i| (i, &self.items[i as usize]))
    }

    /// The top-level agenda items of a meeting.
    pub fn agenda_items(&self, idx: MeetingIdx) -> impl Iterator<Item = (ItemIdx, &Item)> {
        self.meeting_items(idx)
            .filter(|(_, it)| it.parent().is_none() && it.section == SectionKind::Agenda)
    }

    /// The tags in a meeting, heading included.
    pub fn meeting_tags(&self, idx: MeetingIdx) -> &[Tag] {
        let r = self.meetings[idx as usize].range;
        &self.tags[starting_within(&self.tags, |t| t.range.start(), r)]
    }

    /// The tags in an item and the items nested in it.
    pub fn subtree_tags(&self, idx: ItemIdx) -> &[Tag] {
        let r = self.items[idx as usize].range;
        &self.tags[starting_within(&self.tags, |t| t.range.start(), r)]
    }

    /// The references in an item and the items nested in it, and the index of the first.
    pub fn subtree_refs(&self, idx: ItemIdx) -> (usize, &[Reference]) {
        let r = self.items[idx as usize].range;
        let within = starting_within(&self.references, |x| x.range.start(), r);
        (within.start, &self.references[within])
    }

    /// The tags in an item's own text.
    pub fn item_tags(&self, idx: ItemIdx) -> impl Iterator<Item = &Tag> {
        self.subtree_tags(idx)
            .iter()
            .filter(move |t| t.item == Some(idx))
    }

    /// The references in an item's own text, with their indices in [`Self::references`].
    pub fn item_refs(&self, idx: ItemIdx) -> impl Iterator<Item = (u32, &Reference)> {
        let (lo, refs) = self.subtree_refs(idx);
        refs.iter()
            .enumerate()
            .filter(move |(_, x)| x.item == Some(idx))
            .map(move |(k, x)| ((lo + k) as u32, x))
    }

    /// How deep an item is nested: 0 for a top-level item.
    pub fn depth(&self, idx: ItemIdx) -> usize {
        std::iter::successors(self.items[idx as usize].parent(), |&p| {
            self.items[p as usize].parent()
        })
        .count()
    }

    /// An item and all items nested in it.
    pub fn subtree(&self, idx: ItemIdx) -> impl Iterator<Item = &Item> {
        let range = self.items[idx as usize].range;
        self.items[idx as usize..]
            .iter()
            .take_while(move |it| range.contains_range(it.range))
    }

    /// The meeting whose range holds `offset`.
    pub fn meeting_at(&self, offset: usize) -> Option<MeetingIdx> {
        // Meetings are in text order and do not overlap.
        let at = self.meetings.partition_point(|m| m.range.start() <= offset);
        let m = self.meetings.get(at.checked_sub(1)?)?;
        // The end of the last meeting (the end of the file) is still in it.
        let last = at == self.meetings.len();
        let inside = offset < m.range.end() || (last && offset == m.range.end());
        inside.then_some((at - 1) as MeetingIdx)
    }
}

/// A heading at the top level of the document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    /// The heading's first line.
    pub line: TextRange,
    /// Its text, without `#` marks.
    pub text: TextRange,
}

/// A meeting: a `## YYYY-MM-DD …` heading and what follows it, or a whole one-meeting file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Meeting {
    pub date: NaiveDate,
    /// The date in the heading (empty for a one-meeting file).
    pub date_range: TextRange,
    /// The range rules mark: the heading line, or for a one-meeting file its first level-1
    /// heading, else its first line.
    pub heading: TextRange,
    pub title: String,
    /// From the heading to the next level-1 or level-2 heading.
    pub range: TextRange,
    /// Inline up to three (agenda, notes, actions): a workspace holds thousands of meetings.
    pub sections: smallvec::SmallVec<[Section; 3]>,
    /// Indices of the meeting's items (contiguous).
    pub items: std::ops::Range<ItemIdx>,
}

/// What a section of a meeting holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SectionKind {
    Agenda,
    Notes,
    Feedback,
    Actions,
}

/// A level-3 heading inside a meeting (level 2 or 3 in a one-meeting file).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    pub kind: SectionKind,
    pub heading: TextRange,
    pub range: TextRange,
}

/// `[ ]`, `[x]` or `[-]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskState {
    Open,
    Done,
    Cancelled,
}

/// An absent index in [`Item`]'s 32-bit fields (an `Option<u32>` takes 64 bits).
const NONE: u32 = u32::MAX;

/// A list item at any depth.
///
/// A workspace holds every item of every note for as long as it runs, so an item is kept
/// small (40 bytes): what only some items have (a block id, a done or due date) lives in a
/// box of its own, and its parent and meeting are 32-bit indices.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    /// The whole item, nested items included.
    pub range: TextRange,
    /// The first line after the marker and checkbox.
    pub content: TextRange,
    /// The item it is nested in ([`NONE`] for none; see [`Item::parent`]).
    parent: u32,
    /// The meeting it is in ([`NONE`] for none; see [`Item::meeting`]).
    meeting: u32,
    marks: Option<Box<ItemMarks>>,
    /// Where the `[ ]` starts, when `task` is set.
    checkbox_at: u32,
    pub section: SectionKind,
    pub task: Option<TaskState>,
    /// A `?` in the item's own text (not counting nested items).
    pub question: bool,
}

/// The parts of an item that most items do not have.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct ItemMarks {
    id: Option<BlockId>,
    done: Option<ItemDate>,
    due: Option<ItemDate>,
}

impl Item {
    /// From the list marker to the end of the first line (trailing blanks trimmed).
    pub fn first_line(&self) -> TextRange {
        TextRange::new(self.range.start(), self.content.end())
    }

    /// The item it is nested in.
    pub fn parent(&self) -> Option<ItemIdx> {
        (self.parent != NONE).then_some(self.parent)
    }

    pub(crate) fn set_parent(&mut self, parent: Option<ItemIdx>) {
        self.parent = parent.unwrap_or(NONE);
    }

    /// The meeting it is in (none for an item before the first meeting).
    pub fn meeting(&self) -> Option<MeetingIdx> {
        (self.meeting != NONE).then_some(self.meeting)
    }

    pub(crate) fn set_meeting(&mut self, meeting: Option<MeetingIdx>) {
        self.meeting = meeting.unwrap_or(NONE);
    }

    /// Done or cancelled, or carrying a done date.
    pub fn is_closed(&self) -> bool {
        matches!(self.task, Some(TaskState::Done | TaskState::Cancelled)) || self.done().is_some()
    }

    pub fn is_open_task(&self) -> bool {
        self.task == Some(TaskState::Open) && self.done().is_none()
    }

    /// The `[ ]` itself.
    pub fn checkbox(&self) -> Option<TextRange> {
        let at = self.checkbox_at as usize;
        self.task.map(|_| TextRange::new(at, at + 3))
    }

    /// The `^id` ending the item's first line.
    pub fn id(&self) -> Option<&BlockId> {
        self.marks.as_ref()?.id.as_ref()
    }

    /// The first done date in the item's own text.
    pub fn done(&self) -> Option<ItemDate> {
        self.marks.as_ref()?.done
    }

    /// The first due date in the item's own text.
    pub fn due(&self) -> Option<ItemDate> {
        self.marks.as_ref()?.due
    }

    fn marks_mut(&mut self) -> &mut ItemMarks {
        self.marks.get_or_insert_with(Default::default)
    }

    /// Moves every range of the item with `shift`.
    pub(crate) fn shift(&mut self, shift: impl Fn(&mut TextRange)) {
        shift(&mut self.range);
        shift(&mut self.content);
        if self.task.is_some() {
            let mut checkbox = TextRange::new(self.checkbox_at as usize, self.checkbox_at as usize);
            shift(&mut checkbox);
            self.checkbox_at = checkbox.start() as u32;
        }
        if let Some(m) = &mut self.marks {
            if let Some(id) = &mut m.id {
                shift(&mut id.range);
            }
            for d in [&mut m.done, &mut m.due].into_iter().flatten() {
                shift(&mut d.range);
            }
        }
    }
}

/// `^id` at the end of an item's first line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockId {
    pub name: Name,
    /// The `^id`, caret included.
    pub range: TextRange,
}

/// A done or due date; `date` is `None` when it is not a real calendar date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ItemDate {
    pub date: Option<NaiveDate>,
    /// The `YYYY-MM-DD` text.
    pub range: TextRange,
}

/// A `#tag`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tag {
    /// Lower-cased, without `#`.
    pub name: Name,
    /// The tag, `#` included.
    pub range: TextRange,
    pub item: Option<ItemIdx>,
}

/// `[[#^id]]` or `[[name#^id]]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    /// The file name, for `[[name#^id]]`.
    pub file: Option<Name>,
    pub id: Name,
    /// The whole `[[…]]`.
    pub range: TextRange,
    /// The id inside it.
    pub id_range: TextRange,
    pub item: Option<ItemIdx>,
}

/// What parsing noticed on the way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SyntaxProblem {
    /// A meeting heading, done or due date that is not a calendar date.
    InvalidDate { range: TextRange, text: String },
    /// A level-2 heading that opens with a date in a non-ISO form.
    NonIsoDate {
        /// The heading line.
        heading: TextRange,
        /// The date text.
        range: TextRange,
        /// The date it stands for, when that is certain.
        date: Option<NaiveDate>,
    },
    /// A front matter line or value.
    FrontMatter(FrontMatterProblem),
}
