//! Re-parsing after an edit: only the stretch of the file between the level-1 or level-2
//! headings around the edit (one meeting, in a running doc) is parsed again, and the rest of
//! the tree is moved by the edit's length.
//!
//! Why that is exact: an ATX heading at the top level closes every open block, so the text
//! from one such heading on parses the same whether or not what comes before it is there.
//! The stretch is parsed through the next boundary heading's line, and that heading must come
//! out again as the same top-level heading: if the edit opened a fence, an HTML block or a
//! list that would swallow it, it does not, and the whole file is parsed. Link reference
//! definitions are the one thing that reaches across headings; a file with any is always
//! parsed whole. `tests/incremental.rs` checks the result against a full parse for random
//! edits.

use super::parse::{fill_meeting, scan_block_ids, scan_runs, walk_blocks};
use super::*;

/// What [`reparse`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reparse {
    /// Nothing: the edit may change more than the stretch it is in.
    Whole,
    /// Only the stretch was parsed again. `links` tells whether anything a series is derived
    /// from changed in it: items and their nesting, ids, references, tags, tasks, dates.
    /// `window` is the stretch in the new text: it starts at a line start, and it ends at
    /// the start of the next level-1 or level-2 heading's line, or at the end of the text;
    /// the text before it is as it was and the text after it only moved.
    Stretch { links: bool, window: TextRange },
}

/// Brings `file`, the tree of the old text, up to date with `text`: the old text with the
/// bytes of `edit` replaced by `inserted` bytes. Returns [`Reparse::Whole`], leaving `file`
/// untouched, when the edit may change more than the stretch it is in (it touches a level-1
/// or level-2 heading, the front matter or the first line, or makes a fence, an HTML block
/// or a new heading), or when the file is one meeting; the caller then parses the whole
/// text.
pub fn reparse(file: &mut ParsedFile, text: &str, edit: TextRange, inserted: usize) -> Reparse {
    match stretch(file, text, edit, inserted) {
        Some((links, window)) => Reparse::Stretch { links, window },
        None => Reparse::Whole,
    }
}

/// What an item, a tag or a reference of a stretch gives its series, positions aside.
#[derive(PartialEq)]
enum Link {
    Item {
        id: Option<Name>,
        task: Option<TaskState>,
        done: Option<Option<NaiveDate>>,
        due: Option<Option<NaiveDate>>,
        parent: Option<ItemIdx>,
        meeting: Option<MeetingIdx>,
        section: SectionKind,
    },
    Tag(Name, Option<ItemIdx>),
    Reference(Option<Name>, Name, Option<ItemIdx>),
}

/// The links of the items, tags and references of a stretch (one meeting's worth).
fn links(
    file: &ParsedFile,
    items: std::ops::Range<usize>,
    tags: std::ops::Range<usize>,
    refs: std::ops::Range<usize>,
) -> Vec<Link> {
    let items = file.items[items].iter().map(|it| Link::Item {
        id: it.id().map(|id| id.name.clone()),
        task: it.task,
        done: it.done().map(|d| d.date),
        due: it.due().map(|d| d.date),
        parent: it.parent(),
        meeting: it.meeting(),
        section: it.section,
    });
    let tags = file.tags[tags]
        .iter()
        .map(|t| Link::Tag(t.name.clone(), t.item));
    let refs = file.references[refs]
        .iter()
        .map(|r| Link::Reference(r.file.clone(), r.id.clone(), r.item));
    items.chain(tags).chain(refs).collect()
}

/// The work of [`reparse`]: `None` for a whole parse, else whether the links changed and
/// the stretch in the new text.
fn stretch(
    file: &mut ParsedFile,
    text: &str,
    edit: TextRange,
    inserted: usize,
) -> Option<(bool, TextRange)> {
    // The byte order mark and the front matter are never edited in place.
    if edit.start() < file.body_start {
        return None;
    }
    // An opening `---` without a closing one: any later `---` line makes front matter.
    let unclosed_front_matter = file.front_matter.is_none()
        && text
            .get(file.body_start..)
            .is_none_or(|body| body.starts_with("---"));
    if file.one_meeting || file.link_definitions || unclosed_front_matter {
        return None;
    }
    let old_len = (text.len() + edit.len()).checked_sub(inserted)?;
    if edit.end() > old_len || edit.start() > edit.end() {
        return None;
    }
    let moved = |offset: usize| offset + inserted - edit.len();

    // The stretch: from the boundary heading before the edit (or the start of the body) to
    // the next one (or the end).
    let before = file
        .headings
        .partition_point(|h| h.line.start() < edit.start());
    let head = file.headings[..before].iter().rposition(is_boundary);
    let next = file.headings[before..]
        .iter()
        .position(is_boundary)
        .map(|i| i + before);
    let start = match head {
        Some(h) => {
            let heading = &file.headings[h];
            // The heading line and its line break stay as they are.
            let body = line_after(text, heading.line.end());
            if !is_atx(text, heading) || body.is_none_or(|b| edit.start() < b) {
                return None;
            }
            heading.line.start()
        }
        None => {
            // The front matter and the first line (which could become front matter) stay.
            let first_line_end = line_after(text, file.body_start).unwrap_or(text.len());
            let untouched = if file.front_matter.is_some() {
                edit.start() > file.body_start
            } else {
                edit.start() >= first_line_end
            };
            if !untouched {
                return None;
            }
            file.body_start
        }
    };
    let (old_end, new_end, parse_end) = match next {
        Some(n) => {
            let heading = &file.headings[n];
            if edit.end() >= heading.line.start() {
                return None;
            }
            let new_line_end = moved(heading.line.end());
            let through = line_after(text, new_line_end).unwrap_or(text.len());
            (heading.line.start(), moved(heading.line.start()), through)
        }
        None => (old_len, text.len(), text.len()),
    };
    let items_before = file.items.partition_point(|it| it.range.start() < start);
    let blocks = walk_blocks(
        text,
        TextRange::new(start, parse_end),
        items_before as ItemIdx,
    );
    if blocks.link_definitions {
        return None;
    }
    let mut headings = blocks.headings;
    if let Some(n) = next {
        let old = &file.headings[n];
        let expected = Heading {
            level: old.level,
            line: TextRange::new(moved(old.line.start()), moved(old.line.end())),
            text: TextRange::new(moved(old.text.start()), moved(old.text.end())),
        };
        if headings.last() != Some(&expected) || !is_atx(text, &expected) {
            return None;
        }
        headings.pop();
    }
    let inner = match head {
        Some(h) => {
            if headings.first() != Some(&file.headings[h]) {
                return None;
            }
            &headings[1..]
        }
        None => &headings[..],
    };
    if inner.iter().any(is_boundary) || blocks.items.iter().any(|it| it.range.end() > new_end) {
        return None;
    }

    // Everything checked. What the old stretch gave its series, to compare at the end.
    let items_after = file.items.partition_point(|it| it.range.start() < old_end);
    let stretch = TextRange::new(start, old_end);
    let tag_span = starting_within(&file.tags, |t| t.range.start(), stretch);
    let ref_span = starting_within(&file.references, |r| r.range.start(), stretch);
    let old_links = links(
        file,
        items_before..items_after,
        tag_span.clone(),
        ref_span.clone(),
    );

    // Splice the stretch in and move what follows it.
    let shift = |r: &mut TextRange| {
        if r.start() >= old_end {
            *r = TextRange::new(moved(r.start()), moved(r.end()));
        }
    };
    let old_headings = starting_within(&file.headings, |h| h.line.start(), stretch);
    let moved_from = old_headings.start + headings.len();
    file.headings.splice(old_headings, headings);
    for h in &mut file.headings[moved_from..] {
        shift(&mut h.line);
        shift(&mut h.text);
    }

    let new_items = blocks.items.len();
    let old_items = items_after - items_before;
    file.items.splice(items_before..items_after, blocks.items);
    let moved_item = |i: ItemIdx| i + new_items as ItemIdx - old_items as ItemIdx;
    for it in &mut file.items[items_before + new_items..] {
        it.shift(shift);
        it.set_parent(it.parent().map(moved_item));
    }

    let mut tags_after = file.tags.split_off(tag_span.end);
    file.tags.truncate(tag_span.start);
    let mut refs_after = file.references.split_off(ref_span.end);
    file.references.truncate(ref_span.start);
    let mut inline = file.problems.split_off(file.inline_problems);
    let problem_span = starting_within(&inline, problem_start, stretch);
    let mut problems_after = inline.split_off(problem_span.end);
    inline.truncate(problem_span.start);
    // Problems before the inline ones are at boundary headings: they only move.
    for p in &mut file.problems[..file.inline_problems] {
        shift_problem(p, &shift);
    }

    // Meetings after the stretch move; the edited one gets its sections and items again.
    let mut edited = None;
    for (mi, m) in file.meetings.iter_mut().enumerate() {
        if m.range.start() >= old_end {
            shift(&mut m.range);
            shift(&mut m.heading);
            shift(&mut m.date_range);
            for section in &mut m.sections {
                shift(&mut section.range);
                shift(&mut section.heading);
            }
            m.items = moved_item(m.items.start)..moved_item(m.items.end);
        } else if head.is_some() && m.range.start() == start {
            m.range = m.range.with_end(new_end);
            edited = Some(mi);
        }
    }
    if let Some(mi) = edited {
        fill_meeting(text, file, mi);
    }
    file.problems.append(&mut inline);
    // The runs of the next heading's line were parsed only to check it.
    let runs = &blocks.runs[..blocks.runs.partition_point(|r| r.range.start() < new_end)];
    scan_runs(text, file, runs);
    scan_block_ids(text, file, items_before..items_before + new_items, runs);

    for t in &mut tags_after {
        shift(&mut t.range);
        t.item = t.item.map(moved_item);
    }
    for r in &mut refs_after {
        shift(&mut r.range);
        shift(&mut r.id_range);
        r.item = r.item.map(moved_item);
    }
    for p in &mut problems_after {
        shift_problem(p, &shift);
    }
    let new_tags = tag_span.start..file.tags.len();
    let new_refs = ref_span.start..file.references.len();
    file.tags.append(&mut tags_after);
    file.references.append(&mut refs_after);
    file.problems.append(&mut problems_after);
    let new_links = links(
        file,
        items_before..items_before + new_items,
        new_tags,
        new_refs,
    );
    Some((new_links != old_links, TextRange::new(start, new_end)))
}

/// A level-1 or level-2 heading: it ends a meeting.
fn is_boundary(h: &Heading) -> bool {
    h.level <= 2
}

/// An ATX (`#`) heading, as opposed to a setext (underlined) one.
fn is_atx(text: &str, h: &Heading) -> bool {
    h.line.slice(text).trim_start_matches(' ').starts_with('#')
}

/// Where the line after the one holding `offset` starts, if there is a line break.
fn line_after(text: &str, offset: usize) -> Option<usize> {
    let rest = text.get(offset..)?;
    let at = offset + rest.find(['\r', '\n'])?;
    Some(if text[at..].starts_with("\r\n") {
        at + 2
    } else {
        at + 1
    })
}

fn problem_start(p: &SyntaxProblem) -> usize {
    match p {
        SyntaxProblem::InvalidDate { range, .. } => range.start(),
        SyntaxProblem::NonIsoDate { heading, .. } => heading.start(),
        SyntaxProblem::FrontMatter(f) => f.range.start(),
    }
}

fn shift_problem(p: &mut SyntaxProblem, shift: &dyn Fn(&mut TextRange)) {
    match p {
        SyntaxProblem::InvalidDate { range, .. } => shift(range),
        SyntaxProblem::NonIsoDate { heading, range, .. } => {
            shift(heading);
            shift(range);
        }
        SyntaxProblem::FrontMatter(f) => shift(&mut f.range),
    }
}
