//! The parser: front matter, then one pulldown-cmark pass for block structure, then meetings
//! and sections from the top-level headings, then the inline scan of every text run.

use chrono::NaiveDate;
use pulldown_cmark::{Event, LinkType, Options, Parser, Tag as MdTag, TagEnd};

use super::inline::{self, DateKind};
use super::*;

/// A stretch of markdown text outside code, HTML and link URLs, and the innermost item
/// holding it.
pub(super) struct Run {
    pub range: TextRange,
    pub item: Option<ItemIdx>,
}

/// Parses one file. `name_date` is the date its file name starts with, if any: a file with
/// no dated `##` heading and such a date (or a `date:` key) is one meeting.
pub fn parse(text: &str, name_date: Option<NaiveDate>) -> ParsedFile {
    let mut file = ParsedFile::default();
    let mut start = 0;
    if text.starts_with('\u{FEFF}') {
        file.bom = true;
        start = '\u{FEFF}'.len_utf8();
    }
    if let Some(fm) = parse_front_matter(text, start) {
        start = fm.range.end();
        file.problems
            .extend(fm.problems.iter().cloned().map(SyntaxProblem::FrontMatter));
        file.front_matter = Some(Box::new(fm));
    }
    file.body_start = start;
    let blocks = walk_blocks(text, TextRange::new(start, text.len()), 0);
    file.headings = blocks.headings;
    file.items = blocks.items;
    file.link_definitions = blocks.link_definitions;
    build_meetings(text, &mut file, name_date);
    file.inline_problems = file.problems.len();
    scan_runs(text, &mut file, &blocks.runs);
    let all = 0..file.items.len();
    scan_block_ids(text, &mut file, all, &blocks.runs);
    file.shrink_to_fit();
    file
}

/// What the block pass finds in a stretch of the text.
pub(super) struct Blocks {
    pub headings: Vec<Heading>,
    pub items: Vec<Item>,
    pub runs: Vec<Run>,
    pub link_definitions: bool,
}

/// The pulldown-cmark pass over `range` of `text`, parsed as a document of its own:
/// top-level headings, items (with first lines, checkboxes and nesting; numbered from
/// `first_item`), and the text runs.
pub(super) fn walk_blocks(text: &str, range: TextRange, first_item: ItemIdx) -> Blocks {
    let base = range.start();
    let body = range.slice(text);
    let mut out = Blocks {
        headings: Vec::new(),
        items: Vec::new(),
        runs: Vec::new(),
        link_definitions: false,
    };
    let runs = &mut out.runs;
    let mut items: Vec<ItemIdx> = Vec::new(); // open items, innermost last
    let mut containers = 0u32; // open lists and block quotes
    let mut skip = 0u32; // inside code blocks, autolinks, metadata
    let mut heading: Option<(u8, TextRange)> = None;
    let parser = Parser::new_ext(body, Options::empty()).into_offset_iter();
    // Definitions are collected by the block pass, before the first event.
    out.link_definitions = parser.reference_definitions().iter().next().is_some();
    for (event, range) in parser {
        let range = TextRange::new(range.start + base, range.end + base);
        match event {
            Event::Start(MdTag::Heading { level, .. }) if containers == 0 => {
                heading = Some((level as u8, range));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, range)) = heading.take() {
                    out.headings.push(heading_at(text, level, range));
                }
            }
            Event::Start(MdTag::List(_) | MdTag::BlockQuote(_)) => containers += 1,
            Event::End(TagEnd::List(_) | TagEnd::BlockQuote(_)) => {
                containers = containers.saturating_sub(1)
            }
            Event::Start(MdTag::Item) => {
                let idx = first_item + out.items.len() as ItemIdx;
                out.items.push(new_item(text, range, items.last().copied()));
                items.push(idx);
            }
            Event::End(TagEnd::Item) => {
                items.pop();
            }
            Event::Start(MdTag::CodeBlock(_) | MdTag::MetadataBlock(_)) => skip += 1,
            Event::End(TagEnd::CodeBlock | TagEnd::MetadataBlock(_)) => {
                skip = skip.saturating_sub(1)
            }
            Event::Start(MdTag::Link {
                link_type: LinkType::Autolink | LinkType::Email,
                ..
            }) => skip += 1,
            Event::End(TagEnd::Link) if skip > 0 => skip -= 1,
            Event::Text(_) if skip == 0 => {
                let item = items.last().copied();
                match runs.last_mut() {
                    Some(last) if last.range.end() == range.start() && last.item == item => {
                        last.range = last.range.with_end(range.end())
                    }
                    _ => runs.push(Run { range, item }),
                }
            }
            _ => {}
        }
    }
    out
}

fn heading_at(text: &str, level: u8, range: TextRange) -> Heading {
    let raw = range.slice(text);
    let first_len = raw.find(['\r', '\n']).unwrap_or(raw.len());
    let first = &raw[..first_len];
    let line = TextRange::new(range.start(), range.start() + first.trim_end().len());
    let trimmed = first.trim_start();
    let text_range = if trimmed.starts_with('#') {
        // ATX: drop the opening #s, the blanks after them and an optional closing sequence.
        let after_marks = trimmed.trim_start_matches('#');
        let mut content = after_marks.trim();
        let closing = content.trim_end_matches('#');
        if closing.len() < content.len() && (closing.is_empty() || closing.ends_with([' ', '\t'])) {
            content = closing.trim_end();
        }
        let start = range.start()
            + (first.len() - after_marks.len())
            + (after_marks.len() - after_marks.trim_start().len());
        TextRange::new(start, start + content.len())
    } else {
        // Setext: the text is the lines above the underline.
        let content = raw[..raw.trim_end().rfind(['\n', '\r']).unwrap_or(0)].trim_end();
        let lead = content.len() - content.trim_start().len();
        TextRange::new(range.start() + lead, range.start() + content.len())
    };
    Heading {
        level,
        line,
        text: text_range,
    }
}

fn new_item(text: &str, range: TextRange, parent: Option<ItemIdx>) -> Item {
    let raw = range.slice(text);
    // A nested item's range can start before its marker: at the line's indentation when
    // that is deeper than its parent's content, or at the end of the line before when it is
    // indented with a tab. Its first line is the first one with the marker.
    let lead = raw.len() - raw.trim_start_matches([' ', '\t', '\r', '\n']).len();
    let first_len = lead + raw[lead..].find(['\r', '\n']).unwrap_or(raw.len() - lead);
    let first = raw[..first_len].trim_end();
    let lead = lead.min(first.len());
    let first_line_end = range.start() + first.len();
    // Then the marker (`-`, `*`, `+`, `1.`, `1)`) and the blanks after it.
    let marked = &first[lead..];
    let marker_len = marked
        .find(|c: char| !c.is_ascii_digit())
        .map_or(marked.len(), |i| {
            if i > 0 && marked[i..].starts_with(['.', ')']) {
                i + 1
            } else if i == 0 && marked.starts_with(['-', '*', '+']) {
                1
            } else {
                0
            }
        });
    let after_marker = &first[lead + marker_len..];
    let mut content_start =
        lead + marker_len + (after_marker.len() - after_marker.trim_start().len());
    let mut task = None;
    let mut checkbox_at = 0;
    let rest = &first[content_start..];
    let b = rest.as_bytes();
    if b.len() >= 3
        && b[0] == b'['
        && b[2] == b']'
        && (b.len() == 3 || b[3] == b' ' || b[3] == b'\t')
    {
        task = match b[1] {
            b' ' => Some(TaskState::Open),
            b'x' | b'X' => Some(TaskState::Done),
            b'-' => Some(TaskState::Cancelled),
            _ => None,
        };
        if task.is_some() {
            let at = range.start() + content_start;
            checkbox_at = at as u32;
            content_start += 3 + (rest[3..].len() - rest[3..].trim_start().len());
        }
    }
    Item {
        range,
        content: TextRange::new(range.start() + content_start, first_line_end),
        parent: parent.unwrap_or(NONE),
        meeting: NONE,
        marks: None,
        checkbox_at,
        section: SectionKind::Notes,
        task,
        question: false,
    }
}

/// Meetings from the top-level level-2 headings (or the whole file for a one-meeting file),
/// their sections, and which meeting and section every item is in.
pub(super) fn build_meetings(text: &str, file: &mut ParsedFile, name_date: Option<NaiveDate>) {
    let fm_date = file.front_matter.as_ref().and_then(|fm| fm.date);
    let file_date = fm_date.or(name_date);
    let end = text.len();
    let mut dated_heading = false;
    for (i, h) in file.headings.iter().enumerate() {
        if h.level != 2 {
            continue;
        }
        let heading_text = h.text.slice(text);
        let meeting_end = file.headings[i + 1..]
            .iter()
            .find(|n| n.level <= 2)
            .map_or(end, |n| n.line.start());
        if let Some((date, len)) = iso_date_at_start(heading_text) {
            dated_heading = true;
            let date_range = TextRange::new(h.text.start(), h.text.start() + len);
            match date {
                Some(date) => file.meetings.push(Meeting {
                    date,
                    date_range,
                    heading: h.line,
                    title: heading_text[len..]
                        .trim_start_matches([' ', '\t', '-', '–', '—', ':', '·'])
                        .trim()
                        .to_string(),
                    range: TextRange::new(h.line.start(), meeting_end),
                    sections: smallvec::SmallVec::new(),
                    items: 0..0,
                }),
                None => file.problems.push(SyntaxProblem::InvalidDate {
                    range: date_range,
                    text: date_range.slice(text).to_string(),
                }),
            }
        } else if let Some(d) = non_iso_date_at_start(heading_text) {
            file.problems.push(SyntaxProblem::NonIsoDate {
                heading: h.line,
                range: TextRange::new(h.text.start(), h.text.start() + d.len),
                date: d.date,
            });
        }
    }
    if !dated_heading {
        if let Some(date) = file_date {
            file.one_meeting = true;
            let heading = file
                .headings
                .iter()
                .find(|h| h.level == 1)
                .map(|h| h.line)
                .unwrap_or_else(|| first_line(text, file.body_start));
            let title = file
                .headings
                .iter()
                .find(|h| h.level == 1)
                .map(|h| h.text.slice(text).to_string())
                .unwrap_or_default();
            file.meetings.push(Meeting {
                date,
                date_range: TextRange::empty(heading.start()),
                heading,
                title,
                range: TextRange::new(file.body_start, end),
                sections: smallvec::SmallVec::new(),
                items: 0..0,
            });
        }
    }
    for mi in 0..file.meetings.len() {
        fill_meeting(text, file, mi);
    }
}

/// The sections of meeting `mi` from the headings inside it, its items, and the meeting and
/// section of each of them.
pub(super) fn fill_meeting(text: &str, file: &mut ParsedFile, mi: usize) {
    let section_levels: &[u8] = if file.one_meeting { &[2, 3] } else { &[3] };
    let ParsedFile {
        meetings,
        headings,
        items,
        ..
    } = file;
    let meeting = &mut meetings[mi];
    meeting.sections.clear();
    let in_meeting: Vec<&Heading> = headings
        [starting_within(headings, |h| h.line.start(), meeting.range)]
    .iter()
    .filter(|h| h.line != meeting.heading && section_levels.contains(&h.level))
    .collect();
    for (si, h) in in_meeting.iter().enumerate() {
        let section_end = in_meeting
            .get(si + 1)
            .map_or(meeting.range.end(), |n| n.line.start());
        meeting.sections.push(Section {
            kind: section_kind(h.text.slice(text)),
            heading: h.line,
            range: TextRange::new(h.line.start(), section_end),
        });
    }
    let within = starting_within(items, |it| it.range.start(), meeting.range);
    meeting.items = within.start as ItemIdx..within.end as ItemIdx;
    for item in &mut items[within] {
        item.set_meeting(Some(mi as MeetingIdx));
        item.section = meeting
            .sections
            .iter()
            .rev()
            .find(|s| s.range.start() <= item.range.start())
            .map_or(SectionKind::Agenda, |s| s.kind);
    }
}

fn first_line(text: &str, from: usize) -> TextRange {
    let rest = &text[from..];
    let skipped = rest.len() - rest.trim_start().len();
    let start = from + skipped;
    let len = text[start..]
        .find(['\r', '\n'])
        .unwrap_or(text.len() - start);
    TextRange::new(start, start + len)
}

/// Section kind of a level-3 heading's text (any unrecognised heading is notes).
pub fn section_kind(heading_text: &str) -> SectionKind {
    let t = heading_text
        .trim()
        .trim_end_matches(':')
        .trim()
        .to_lowercase();
    match t.as_str() {
        "agenda" | "topics" | "talking points" | "to discuss" => SectionKind::Agenda,
        "feedback" => SectionKind::Feedback,
        "actions" | "action items" | "next steps" | "follow-ups" | "follow ups" | "followups"
        | "todo" | "to do" | "to-do" => SectionKind::Actions,
        _ => SectionKind::Notes,
    }
}

/// Tags, references, dates and questions from the text runs (in text order), appended to the
/// file's lists.
pub(super) fn scan_runs(text: &str, file: &mut ParsedFile, runs: &[Run]) {
    for run in runs {
        for (name, range) in inline::tags(text, run.range) {
            file.tags.push(Tag {
                name,
                range,
                item: run.item,
            });
        }
        for (name, id, range, id_range) in inline::references(text, run.range) {
            file.references.push(Reference {
                file: name,
                id,
                range,
                id_range,
                item: run.item,
            });
        }
        let Some(i) = run.item else { continue };
        let item = &mut file.items[i as usize];
        item.question |= run.range.slice(text).contains('?');
        for (kind, date, range) in inline::item_dates(text, run.range) {
            if date.is_none() {
                file.problems.push(SyntaxProblem::InvalidDate {
                    range,
                    text: range.slice(text).to_string(),
                });
            }
            let marks = item.marks_mut();
            let slot = match kind {
                DateKind::Done => &mut marks.done,
                DateKind::Due => &mut marks.due,
            };
            slot.get_or_insert(ItemDate { date, range });
        }
    }
}

/// Block ids of `items`, given the text runs that hold their text.
pub(super) fn scan_block_ids(
    text: &str,
    file: &mut ParsedFile,
    items: std::ops::Range<usize>,
    runs: &[Run],
) {
    // A block id counts only where its caret is in the item's own text, not in code.
    let first = items.start;
    for (i, item) in file.items[items].iter_mut().enumerate() {
        let i = first + i;
        if let Some((name, range)) = inline::block_id(text, item.content) {
            // Runs are in text order: the one holding the caret is the last starting before it.
            let at = runs.partition_point(|r| r.range.start() <= range.start());
            let in_text = at > 0
                && runs[at - 1].item == Some(i as ItemIdx)
                && runs[at - 1].range.contains_range(range);
            if in_text {
                item.marks_mut().id = Some(BlockId { name, range });
            }
        }
    }
}
