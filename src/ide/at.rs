//! What is at an offset of a file: a tag, a block id, a reference, a meeting heading or an
//! item. The shared first step of hover, navigation, rename and actions.

use crate::model::{FileId, ItemRef, Loop, Workspace};
use crate::syntax::{ItemIdx, MeetingIdx};
use crate::text::TextRange;

/// The thing under the cursor, most specific first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// Index into the file's tags.
    Tag(u32),
    /// The `^id` of an item.
    BlockId(ItemIdx),
    /// Index into the file's references.
    Reference(u32),
    MeetingHeading(MeetingIdx),
    /// The first line of an item (not on a tag, id or reference).
    Item(ItemIdx),
}

/// The most specific thing at `offset` (the end of a range counts, as for a cursor after
/// the last character).
pub fn target_at(ws: &Workspace, file: FileId, offset: usize) -> Option<Target> {
    let parsed = &ws.file(file).parsed;
    if let Some(i) = parsed.tags.iter().position(|t| t.range.touches(offset)) {
        return Some(Target::Tag(i as u32));
    }
    if let Some(i) = parsed
        .references
        .iter()
        .position(|r| r.range.touches(offset))
    {
        return Some(Target::Reference(i as u32));
    }
    let item = innermost_item_line(ws, file, offset);
    if let Some(i) = item {
        if parsed
            .item(i)
            .id()
            .is_some_and(|id| id.range.touches(offset))
        {
            return Some(Target::BlockId(i));
        }
    }
    if let Some(m) = parsed
        .meetings
        .iter()
        .position(|m| m.heading.touches(offset) && !m.heading.is_empty())
    {
        return Some(Target::MeetingHeading(m as MeetingIdx));
    }
    item.map(Target::Item)
}

/// The item whose first line holds `offset`.
pub fn innermost_item_line(ws: &Workspace, file: FileId, offset: usize) -> Option<ItemIdx> {
    let parsed = &ws.file(file).parsed;
    // Items are in text order; the last one starting at or before the offset is the
    // candidate.
    let at = parsed
        .items
        .partition_point(|it| it.range.start() <= offset);
    let i = at.checked_sub(1)?;
    parsed.items[i]
        .first_line()
        .touches(offset)
        .then_some(i as ItemIdx)
}

/// The item a block id or reference stands for: the item itself for an id, the target for
/// a reference that resolves.
pub fn id_target(ws: &Workspace, file: FileId, target: Target) -> Option<ItemRef> {
    let series = ws.series_of(file);
    match target {
        Target::BlockId(item) => {
            let name = &ws.file(file).parsed.item(item).id()?.name;
            // A duplicate stands for the earliest occurrence, as references do.
            series.id_target(name).or(Some(ItemRef { file, item }))
        }
        Target::Reference(r) => series.targets.get(&(file, r))?.as_ref().ok().copied(),
        _ => None,
    }
}

/// The loop an item belongs to, or the loop of what a reference names.
pub fn loop_at(ws: &Workspace, file: FileId, target: Target) -> Option<&Loop> {
    let series = ws.series_of(file);
    match target {
        Target::Item(item) | Target::BlockId(item) => series
            .loop_of(ItemRef { file, item })
            .or_else(|| series.loop_of(id_target(ws, file, target)?)),
        Target::Reference(_) => series.loop_of(id_target(ws, file, target)?),
        _ => None,
    }
}

/// Every place naming the item `target` by id: its `^id` and the references that resolve
/// to it, as (file, range of the id text without `^`).
pub fn id_occurrences(ws: &Workspace, target: ItemRef) -> Vec<(FileId, TextRange)> {
    let mut out = Vec::new();
    if let Some(id) = ws.item(target).id() {
        out.push((
            target.file,
            TextRange::new(id.range.start() + 1, id.range.end()),
        ));
    }
    let series = ws.series_of(target.file);
    let mut refs: Vec<(FileId, TextRange)> = series
        .targets
        .iter()
        .filter(|(_, t)| t.as_ref().ok() == Some(&target))
        .map(|((f, r), _)| (*f, ws.file(*f).parsed.references[*r as usize].id_range))
        .collect();
    refs.sort_by(|a, b| {
        (ws.file(a.0).path.as_path(), a.1).cmp(&(ws.file(b.0).path.as_path(), b.1))
    });
    out.extend(refs);
    out
}
