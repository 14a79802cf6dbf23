//! Series: the meetings with one person, across files. Grouping, series-wide settings,
//! meetings in date order, block ids and reference resolution.

use rustc_hash::FxHashMap as HashMap;
use std::path::PathBuf;

use chrono::NaiveDate;

use super::loops::{self, Loop, LoopId};
use super::{FileId, ItemRef, MeetingRef, Workspace};
use crate::syntax::{Cadence, Name, Reference};

/// A series of the workspace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SeriesId(pub u32);

/// What puts files into one series.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SeriesKey {
    /// The same `with:` (lower-cased).
    With(String),
    /// One-meeting files without `with:` in one folder.
    Folder(PathBuf),
    /// A running doc on its own.
    File(PathBuf),
}

/// Why a reference does not resolve.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Broken {
    /// No item of the series has the id.
    NoSuchId,
    /// `[[name#^id]]` names a file that is not in the series.
    NoSuchFile,
    /// The file is in the series but has no such id.
    NotInFile,
}

/// The meetings with one person and everything derived from them.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub key: SeriesKey,
    /// The other person, the folder or the file, for people to read.
    pub name: String,
    /// Files in path order.
    pub files: Vec<FileId>,
    /// Meetings in date order (equal dates: path, then position).
    pub meetings: Vec<MeetingRef>,
    /// The date of each of `meetings`.
    pub meeting_dates: Vec<NaiveDate>,
    pub cadence: Cadence,
    pub stale_after_days: u32,
    /// Every occurrence of each block id, earliest first (by meeting date, then path and
    /// position; items outside meetings last).
    pub ids: BlockIds,
    /// What each reference (file, index in its file's references) resolves to.
    pub targets: Targets,
    pub loops: Vec<Loop>,
    /// The items of every loop, loop after loop (see [`Series::items_of`]).
    pub loop_members: Vec<ItemRef>,
    /// The loop each item belongs to (origins included).
    pub item_loop: SortedPairs<ItemRef, LoopId>,
}

impl Series {
    /// The meeting with the latest date (the first by position among equals).
    pub fn newest(&self) -> Option<MeetingRef> {
        let last = *self.meeting_dates.last()?;
        let first_of_last = self.meeting_dates.partition_point(|d| *d < last);
        self.meetings.get(first_of_last).copied()
    }

    /// Every item of a loop of this series in date order, the origin first.
    pub fn items_of(&self, l: &Loop) -> &[ItemRef] {
        let start = l.items.start as usize;
        &self.loop_members[start..start + l.items.len as usize]
    }

    pub fn loop_(&self, id: LoopId) -> &Loop {
        &self.loops[id.0 as usize]
    }

    /// The loop of an item, if it belongs to one.
    pub fn loop_of(&self, item: ItemRef) -> Option<&Loop> {
        self.item_loop.get(&item).map(|&l| self.loop_(l))
    }

    /// The earliest item carrying `id`.
    pub fn id_target(&self, id: &str) -> Option<ItemRef> {
        self.ids.get(id).and_then(|v| v.first().copied())
    }
}

/// Analyses one series: `files` in path order.
pub(super) fn build(ws: &Workspace, key: SeriesKey, files: Vec<FileId>) -> Series {
    let rank: HashMap<FileId, usize> = files.iter().enumerate().map(|(i, f)| (*f, i)).collect();
    let mut meetings: Vec<MeetingRef> = files
        .iter()
        .flat_map(|&file| {
            (0..ws.file(file).parsed.meetings.len()).map(move |m| MeetingRef {
                file,
                meeting: m as u32,
            })
        })
        .collect();
    meetings.sort_by_key(|m| (ws.meeting(*m).date, rank[&m.file], m.meeting));

    let name = match &key {
        SeriesKey::With(_) => files
            .iter()
            .find_map(|f| ws.file(*f).parsed.front_matter.as_ref()?.with.clone())
            .unwrap_or_default(),
        SeriesKey::Folder(dir) => dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| ".".into()),
        SeriesKey::File(path) => path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
            .trim_end_matches(".md")
            .trim_end_matches(".1on1")
            .to_string(),
    };

    // A series-wide setting comes from the file with the newest meeting that sets it.
    let newest_in = |f: &FileId| {
        ws.file(*f)
            .parsed
            .meetings
            .iter()
            .map(|m| m.date)
            .max()
            .unwrap_or(NaiveDate::MIN)
    };
    let mut by_newest = files.clone();
    by_newest.sort_by_key(|f| std::cmp::Reverse(newest_in(f)));
    let fm = |f: &FileId| ws.file(*f).parsed.front_matter.as_ref();
    let cadence = by_newest
        .iter()
        .find_map(|f| fm(f)?.cadence)
        .unwrap_or(ws.config.cadence);
    let stale_after_days = by_newest
        .iter()
        .find_map(|f| fm(f)?.stale_after_days)
        .unwrap_or(ws.config.stale_after_days);

    let mut series = Series {
        key,
        name,
        files,
        meeting_dates: meetings.iter().map(|m| ws.meeting(*m).date).collect(),
        meetings,
        cadence,
        stale_after_days,
        ids: BlockIds::default(),
        targets: Targets::default(),
        loops: Vec::new(),
        loop_members: Vec::new(),
        item_loop: SortedPairs::default(),
    };
    collect_ids(ws, &mut series, &rank);
    resolve_references(ws, &mut series);
    let (loops, members, item_loop) = loops::build(ws, &series);
    series.loops = loops;
    series.loop_members = members;
    // An item belongs to one loop at most: each key once.
    series.item_loop = SortedPairs::new(item_loop);
    series
}

fn collect_ids(ws: &Workspace, series: &mut Series, rank: &HashMap<FileId, usize>) {
    let mut all: Vec<(Name, ItemRef, (NaiveDate, usize, usize))> = Vec::new();
    for &file in &series.files {
        for (i, item) in ws.file(file).parsed.items.iter().enumerate() {
            if let Some(id) = item.id() {
                let r = ItemRef {
                    file,
                    item: i as u32,
                };
                let date = ws.item_date(r).unwrap_or(NaiveDate::MAX);
                all.push((id.name.clone(), r, (date, rank[&file], item.range.start())));
            }
        }
    }
    // By name, and the occurrences of a name earliest first.
    all.sort_by(|a, b| (&a.0, a.2).cmp(&(&b.0, b.2)));
    let (names, items) = all.into_iter().map(|(name, r, _)| (name, r)).unzip();
    series.ids = BlockIds { names, items };
}

/// Every block id of a series with its occurrences, earliest first (by meeting date, then
/// path and position; items outside meetings last).
///
/// Two lists sorted by name rather than a map of lists: a 10 MB workspace has some 23,000
/// ids, nearly all used once, and a list each cost two allocations per id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BlockIds {
    /// Each occurrence's name, sorted (a name repeats once per occurrence).
    names: Vec<Name>,
    /// The item of each of `names`.
    items: Vec<ItemRef>,
}

impl BlockIds {
    /// The items carrying `name`, earliest first.
    pub fn get(&self, name: &str) -> Option<&[ItemRef]> {
        let start = self.names.partition_point(|n| n.as_str() < name);
        let end = start + self.names[start..].partition_point(|n| n.as_str() == name);
        (end > start).then(|| &self.items[start..end])
    }

    pub fn contains_key(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Each name once, in order, with its items.
    pub fn iter(&self) -> impl Iterator<Item = (&Name, &[ItemRef])> {
        self.names.chunk_by(|a, b| a == b).scan(0, move |at, same| {
            let items = &self.items[*at..*at + same.len()];
            *at += same.len();
            Some((&same[0], items))
        })
    }

    /// Each name once, in order.
    pub fn keys(&self) -> impl Iterator<Item = &Name> {
        self.iter().map(|(name, _)| name)
    }
}

fn resolve_references(ws: &Workspace, series: &mut Series) {
    let link_names: Vec<(String, FileId)> = series
        .files
        .iter()
        .map(|&f| (ws.file(f).link_name(), f))
        .collect();
    let mut targets = Vec::new();
    for &file in &series.files {
        for (i, r) in ws.file(file).parsed.references.iter().enumerate() {
            targets.push(((file, i as u32), resolve(series, &link_names, r)));
        }
    }
    series.targets = SortedPairs::new(targets);
}

/// Values by key (each key once) in one list sorted by key rather than a map: a series has
/// tens of thousands of small entries (reference targets, the loop of each item), and a
/// map keeps spare room for each.
#[derive(Clone, Debug, PartialEq)]
pub struct SortedPairs<K, V>(Vec<(K, V)>);

impl<K, V> Default for SortedPairs<K, V> {
    fn default() -> Self {
        SortedPairs(Vec::new())
    }
}

impl<K: Ord + Copy, V> SortedPairs<K, V> {
    pub fn new(mut pairs: Vec<(K, V)>) -> Self {
        pairs.sort_unstable_by_key(|(k, _)| *k);
        SortedPairs(pairs)
    }

    pub fn get(&self, key: &K) -> Option<&V> {
        let at = self.0.binary_search_by_key(key, |(k, _)| *k).ok()?;
        Some(&self.0[at].1)
    }

    /// Every key and its value, in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

/// What each reference of a series resolves to, by its file and its index in the file's
/// references.
pub type Targets = SortedPairs<(FileId, u32), Result<ItemRef, Broken>>;

fn resolve(
    series: &Series,
    link_names: &[(String, FileId)],
    r: &Reference,
) -> Result<ItemRef, Broken> {
    let occurrences = series.ids.get(&r.id);
    let Some(name) = &r.file else {
        return occurrences
            .and_then(|v| v.first().copied())
            .ok_or(Broken::NoSuchId);
    };
    let target_file = link_names
        .iter()
        .find(|(n, _)| link_matches(n, name))
        .map(|(_, f)| *f)
        .ok_or(Broken::NoSuchFile)?;
    occurrences
        .and_then(|v| v.iter().copied().find(|o| o.file == target_file))
        .ok_or(Broken::NotInFile)
}

/// `[[name#^id]]` names a file by its name without `.md`; a path before it and the `.1on1`
/// part may be given or not.
fn link_matches(file_link_name: &str, written: &str) -> bool {
    let written = written.rsplit('/').next().unwrap_or(written);
    let written = written.strip_suffix(".md").unwrap_or(written);
    file_link_name == written
        || file_link_name
            .strip_suffix(".1on1")
            .is_some_and(|short| short == written)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A name finds all its occurrences in their order and no other name's; each name is
    /// listed once.
    #[test]
    fn block_ids_find_every_occurrence_of_a_name_and_only_its() {
        let at = |item| ItemRef {
            file: FileId(0),
            item,
        };
        let ids = BlockIds {
            names: ["a", "b", "b", "b-1", "c"].map(Name::new).to_vec(),
            items: vec![at(4), at(2), at(7), at(1), at(0)],
        };
        assert_eq!(ids.get("b"), Some(&[at(2), at(7)][..]));
        assert_eq!(ids.get("b-1"), Some(&[at(1)][..]));
        assert_eq!(ids.get("bb"), None);
        assert_eq!(ids.get(""), None);
        assert!(ids.contains_key("c") && !ids.contains_key("d"));
        let listed: Vec<(&str, usize)> = ids.iter().map(|(n, v)| (n.as_str(), v.len())).collect();
        assert_eq!(listed, [("a", 1), ("b", 2), ("b-1", 1), ("c", 1)]);
    }
}
