//! Loops: what to circle back on. An item opens a loop when it is an open task or feedback
//! received; items that reference a loop belong to it; a loop is closed when any of its
//! items is done, cancelled or carries a done date, and stale when it is open and its last
//! activity is longer ago than stale-after.

use rustc_hash::FxHashMap as HashMap;

use chrono::NaiveDate;

use super::{ItemRef, Series, Workspace};
use crate::config::FEEDBACK;
use crate::syntax::SectionKind;

/// A loop of a series.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LoopId(pub u32);

/// A stretch of [`Series::loop_members`]: one loop's items.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ItemSpan {
    pub(super) start: u32,
    pub(super) len: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoopState {
    Open,
    Stale,
    Closed,
}

/// Something to circle back on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Loop {
    pub id: LoopId,
    /// The item that opened it.
    pub origin: ItemRef,
    /// Where its items are in the series' [`Series::loop_members`] (see
    /// [`Series::items_of`]): a workspace has tens of thousands of loops, most of one or
    /// two items, and a list each would double what they take.
    pub items: ItemSpan,
    /// Its origin is feedback received.
    pub feedback: bool,
    /// The date of the origin's meeting.
    pub opened: NaiveDate,
    /// The latest meeting date among its items.
    pub last_activity: NaiveDate,
    /// When it was closed: the earliest done date, or the meeting date of the first item
    /// that closed it.
    pub closed_on: Option<NaiveDate>,
    pub state: LoopState,
}

impl Loop {
    pub fn is_open(&self) -> bool {
        self.state != LoopState::Closed
    }

    /// Days since the last activity (0 when that is today or a meeting ahead).
    pub fn age_days(&self, today: NaiveDate) -> i64 {
        (today - self.last_activity).num_days().max(0)
    }
}

/// Whether an item is feedback received: any top-level item of a Feedback section, or an
/// item tagged `#feedback` outside the agenda.
pub fn is_feedback_received(ws: &Workspace, r: ItemRef) -> bool {
    received(ws.item(r), || has_feedback_tag(ws, r))
}

/// [`is_feedback_received`] for an item, given a way to tell whether it is tagged.
fn received(item: &crate::syntax::Item, tagged: impl FnOnce() -> bool) -> bool {
    if item.meeting().is_none() {
        return false;
    }
    match item.section {
        SectionKind::Feedback => item.parent().is_none() || tagged(),
        SectionKind::Agenda => false,
        _ => tagged(),
    }
}

fn has_feedback_tag(ws: &Workspace, r: ItemRef) -> bool {
    let file = ws.file(r.file);
    file.parsed
        .item_tags(r.item)
        .any(|t| super::theme_of(&t.name) == FEEDBACK)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Visit {
    New,
    Visiting,
    Done,
}

/// The loops of a series and the loop of each item.
pub(super) fn build(
    ws: &Workspace,
    series: &Series,
) -> (Vec<Loop>, Vec<ItemRef>, Vec<(ItemRef, super::LoopId)>) {
    // Items of dated meetings in date order; only they open or join loops.
    let mut order: Vec<ItemRef> = Vec::new();
    for m in &series.meetings {
        order.extend(
            ws.file(m.file)
                .parsed
                .meeting_items(m.meeting)
                .map(|(i, _)| ItemRef {
                    file: m.file,
                    item: i,
                }),
        );
    }
    // Where each item is in `order`, per file of the series (u32::MAX: not in a meeting).
    let rank: HashMap<super::FileId, usize> = series
        .files
        .iter()
        .enumerate()
        .map(|(i, f)| (*f, i))
        .collect();
    let mut place: Vec<Vec<u32>> = series
        .files
        .iter()
        .map(|f| vec![u32::MAX; ws.file(*f).parsed.items.len()])
        .collect();
    for (i, r) in order.iter().enumerate() {
        place[rank[&r.file]][r.item as usize] = i as u32;
    }
    let index = |t: &ItemRef| {
        let at = *place.get(*rank.get(&t.file)?)?.get(t.item as usize)?;
        (at != u32::MAX).then_some(at as usize)
    };
    // What each item references, in order, among the items that take part, and which
    // items are tagged #feedback: one pass over each file's references and tags.
    let mut targets: Vec<Vec<usize>> = vec![Vec::new(); order.len()];
    let mut tagged = vec![false; order.len()];
    for &file in &series.files {
        let parsed = &ws.file(file).parsed;
        for (k, reference) in parsed.references.iter().enumerate() {
            let Some(n) = reference
                .item
                .and_then(|item| index(&ItemRef { file, item }))
            else {
                continue;
            };
            let target = series.targets.get(&(file, k as u32));
            if let Some(t) = target.and_then(|t| t.as_ref().ok()).and_then(index) {
                targets[n].push(t);
            }
        }
        for tag in &parsed.tags {
            if super::theme_of(&tag.name) == FEEDBACK {
                if let Some(n) = tag.item.and_then(|item| index(&ItemRef { file, item })) {
                    tagged[n] = true;
                }
            }
        }
    }
    let opens: Vec<bool> = order
        .iter()
        .enumerate()
        .map(|(n, r)| {
            let item = ws.item(*r);
            item.task == Some(crate::syntax::TaskState::Open) || received(item, || tagged[n])
        })
        .collect();

    // An item joins the loop of the first thing it references that has one; otherwise it
    // opens its own if it can. Iterative, so long chains and cycles are safe.
    let mut state = vec![Visit::New; order.len()];
    let mut loop_of: Vec<Option<u32>> = vec![None; order.len()];
    let mut origins: Vec<usize> = Vec::new();
    let mut stack = Vec::new();
    for start in 0..order.len() {
        stack.clear();
        stack.push(start);
        while let Some(&n) = stack.last() {
            if state[n] == Visit::Done {
                stack.pop();
                continue;
            }
            state[n] = Visit::Visiting;
            if let Some(&t) = targets[n].iter().find(|&&t| state[t] == Visit::New) {
                stack.push(t);
                continue;
            }
            let joined = targets[n]
                .iter()
                .filter(|&&t| state[t] == Visit::Done)
                .find_map(|&t| loop_of[t]);
            loop_of[n] = joined.or_else(|| {
                opens[n].then(|| {
                    origins.push(n);
                    (origins.len() - 1) as u32
                })
            });
            state[n] = Visit::Done;
            stack.pop();
        }
    }

    let mut members: Vec<Vec<usize>> = vec![Vec::new(); origins.len()];
    for (i, l) in loop_of.iter().enumerate() {
        if let Some(l) = l {
            members[*l as usize].push(i);
        }
    }
    // Loops numbered by their origin's place in date order.
    let mut numbering: Vec<usize> = (0..origins.len()).collect();
    numbering.sort_by_key(|&l| origins[l]);
    let mut renumber = vec![0u32; origins.len()];
    for (new, &old) in numbering.iter().enumerate() {
        renumber[old] = new as u32;
    }

    let mut loops = Vec::with_capacity(origins.len());
    let mut all_items = Vec::with_capacity(members.iter().map(Vec::len).sum());
    let mut item_loop = Vec::with_capacity(all_items.capacity());
    for &old in &numbering {
        let id = super::LoopId(renumber[old]);
        let span = ItemSpan {
            start: all_items.len() as u32,
            len: members[old].len() as u32,
        };
        all_items.extend(members[old].iter().map(|&i| order[i]));
        let items = &all_items[span.start as usize..];
        let origin_at = origins[old];
        let origin = order[origin_at];
        let date = |r: &ItemRef| ws.item_date(*r).unwrap_or(NaiveDate::MIN);
        let closers = items.iter().filter(|r| ws.item(**r).is_closed());
        let closed_on = closers
            .map(|r| ws.item(*r).done().and_then(|d| d.date).unwrap_or(date(r)))
            .min();
        let last_activity = items.iter().map(date).max().unwrap_or(NaiveDate::MIN);
        let state = if closed_on.is_some() || items.iter().any(|r| ws.item(*r).is_closed()) {
            LoopState::Closed
        } else if (ws.today - last_activity).num_days() > i64::from(series.stale_after_days) {
            LoopState::Stale
        } else {
            LoopState::Open
        };
        item_loop.extend(items.iter().map(|r| (*r, id)));
        loops.push(Loop {
            id,
            origin,
            feedback: received(ws.item(origin), || tagged[origin_at]),
            opened: date(&origin),
            last_activity,
            closed_on,
            items: span,
            state,
        });
    }
    (loops, all_items, item_loop)
}
