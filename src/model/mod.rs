//! The workspace: files, the series they form, meetings in date order, block ids and
//! references, and loops with their states. Pure data and pure functions: nothing here knows
//! about LSP or the terminal.

mod delta;
pub mod loops;
pub mod series;
pub mod status;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;

use crate::config::Config;
use crate::syntax::{self, ItemIdx, MeetingIdx, ParsedFile, Reparse};
use crate::text::{LineIndex, TextRange};

pub use delta::{FileDelta, StretchEdit};
pub use loops::{ItemSpan, Loop, LoopId, LoopState};
pub use series::{BlockIds, Series, SeriesId, SeriesKey, SortedPairs, Targets};

/// What puts a file into a series.
fn series_key(path: &Path, parsed: &ParsedFile) -> SeriesKey {
    let with = parsed.front_matter.as_ref().and_then(|fm| fm.with.as_ref());
    match with {
        Some(with) => SeriesKey::With(with.trim().to_lowercase()),
        None if parsed.one_meeting => {
            SeriesKey::Folder(path.parent().map(PathBuf::from).unwrap_or_default())
        }
        None => SeriesKey::File(path.to_path_buf()),
    }
}
pub use status::{ItemSignals, StatusClassifier};

/// A file of the workspace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

/// An item of a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ItemRef {
    pub file: FileId,
    pub item: ItemIdx,
}

/// A meeting of a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MeetingRef {
    pub file: FileId,
    pub meeting: MeetingIdx,
}

/// One `*.1on1.md` file: its path, text and syntax tree.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
    pub line_index: LineIndex,
    pub parsed: ParsedFile,
    /// Larger than `maxFileBytes`: not analysed (its tree is empty).
    pub too_large: bool,
    /// The series it belongs to.
    pub series_key: SeriesKey,
    /// The editor's version of the text, for an open document.
    pub version: Option<i32>,
}

impl SourceFile {
    /// Parses `text`; a file over `max_bytes` gets an empty tree.
    pub fn new(path: PathBuf, text: String, max_bytes: u64) -> Self {
        let too_large = text.len() as u64 > max_bytes;
        let parsed = if too_large {
            ParsedFile::default()
        } else {
            syntax::parse(&text, name_date(&path))
        };
        SourceFile {
            line_index: LineIndex::new(&text),
            series_key: series_key(&path, &parsed),
            path,
            text,
            parsed,
            too_large,
            version: None,
        }
    }

    /// The file after replacing the bytes of `range` with `new_text`: see [`Self::apply_edit`].
    pub fn edit(&self, range: TextRange, new_text: &str, max_bytes: u64) -> SourceFile {
        let mut file = self.clone();
        file.apply_edit(range, new_text, max_bytes);
        file
    }

    /// Replaces the bytes of `range` with `new_text` (the range is clamped to the text and
    /// moved back to character boundaries). Only the edited meeting is parsed again when
    /// the edit stays inside it; either way the result equals, field for field,
    /// `SourceFile::new` on the new text, with the version kept. Returns what was parsed
    /// again: [`Reparse::Whole`] or only the edited stretch.
    pub fn apply_edit(&mut self, range: TextRange, new_text: &str, max_bytes: u64) -> Reparse {
        let range = crate::text::clamp_range(&self.text, range);
        self.text
            .replace_range(range.start()..range.end(), new_text);
        self.line_index.edit(&self.text, range, new_text.len());
        let too_large = self.text.len() as u64 > max_bytes;
        let date = name_date(&self.path);
        let mut how = Reparse::Whole;
        if too_large {
            self.parsed = ParsedFile::default();
        } else {
            if !self.too_large {
                // Parsing in place is an optimisation: should it ever panic, the whole text
                // is parsed instead (the tree it left half-changed is dropped).
                let (parsed, text) = (&mut self.parsed, &self.text);
                let inserted = new_text.len();
                how = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    syntax::reparse(parsed, text, range, inserted)
                }))
                .unwrap_or_else(|_| {
                    eprintln!("oneonone-ls: parsing an edit in place failed; parsing it whole");
                    Reparse::Whole
                });
            }
            if how == Reparse::Whole {
                self.parsed = syntax::parse(&self.text, date);
            }
        }
        self.too_large = too_large;
        self.series_key = series_key(&self.path, &self.parsed);
        how
    }

    /// The file name without `.md`, as an Obsidian link names it (`2026-10-06.1on1`).
    pub fn link_name(&self) -> String {
        let name = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        name.strip_suffix(".md").unwrap_or(&name).to_string()
    }
}

/// The date a file name starts with (`2026-11-24-priya.1on1.md`).
pub fn name_date(path: &Path) -> Option<NaiveDate> {
    let name = path.file_name()?.to_str()?;
    syntax::iso_date_at_start(name).and_then(|(d, _)| d)
}

/// Everything the tool knows: the configuration, the files, and the series they form.
/// Cheap to clone and to update: files and series are shared, and an update rebuilds only
/// the series a change touches.
#[derive(Clone, Debug)]
pub struct Workspace {
    pub config: Arc<Config>,
    pub today: NaiveDate,
    pub classifier: Arc<StatusClassifier>,
    /// Slots by [`FileId`]; a removed file leaves an empty slot, so ids stay stable.
    files: Vec<Option<Arc<SourceFile>>>,
    by_path: HashMap<PathBuf, FileId>,
    /// Series in key order; a [`SeriesId`] is an index here.
    series: Vec<Arc<Series>>,
    file_series: Vec<Option<SeriesId>>,
    /// This state's number, unique among all states (see [`Self::generation`]).
    generation: u64,
    /// The state this one was made from by [`Self::apply`], and the files that apply
    /// changed: `Some` for those edited only in a stretch with their links unchanged.
    derived: Option<(u64, HashMap<FileId, Option<StretchEdit>>)>,
}

/// A change to the files of a workspace.
#[derive(Clone, Debug)]
pub enum FileChange {
    /// A new file, or new contents for a known path.
    Set(Box<SourceFile>),
    /// Edits to a known file, in order (each range in the text as the edits before it left
    /// it), and the version they make. Only the edited meetings are parsed again.
    Edit {
        path: PathBuf,
        edits: Vec<(TextRange, String)>,
        version: Option<i32>,
    },
    Remove(PathBuf),
}

impl Workspace {
    /// Builds the workspace from its files and analyses every series.
    pub fn new(config: Config, today: NaiveDate, files: Vec<SourceFile>) -> Self {
        let empty = Workspace::empty(Arc::new(config), today);
        empty
            .apply(
                files
                    .into_iter()
                    .map(|f| FileChange::Set(Box::new(f)))
                    .collect(),
            )
            .0
    }

    fn empty(config: Arc<Config>, today: NaiveDate) -> Self {
        Workspace {
            classifier: Arc::new(StatusClassifier::new(&config.status_patterns)),
            config,
            today,
            files: Vec::new(),
            by_path: HashMap::new(),
            series: Vec::new(),
            file_series: Vec::new(),
            generation: delta::next_generation(),
            derived: None,
        }
    }

    /// A number telling this state of the workspace from every other one.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// How `file` differs from the state `generation`, when this state was made from that
    /// one by one [`Self::apply`]; `None` when it was not.
    pub fn delta_from(&self, generation: u64, file: FileId) -> Option<FileDelta> {
        let (from, files) = self.derived.as_ref()?;
        if *from != generation {
            return None;
        }
        Some(match files.get(&file) {
            None => FileDelta::Same,
            Some(Some(stretch)) => FileDelta::Stretch(*stretch),
            Some(None) => FileDelta::Other,
        })
    }

    /// The same files under another configuration or another today: every series is
    /// analysed again.
    pub fn with_settings(&self, config: Arc<Config>, today: NaiveDate) -> Workspace {
        let mut ws = Workspace::empty(config, today);
        ws.files = self.files.clone();
        ws.by_path = self.by_path.clone();
        ws.regroup(Vec::new(), &HashSet::new());
        ws
    }

    /// [`Self::apply`] on a copy.
    pub fn update(&self, changes: Vec<FileChange>) -> (Workspace, Vec<FileId>) {
        self.clone().apply(changes)
    }

    /// Applies `changes` and analyses again the series they touch. Returns the new
    /// workspace and the files whose findings may have changed (every file of a touched
    /// series, before or after the change). An edited file that nothing else shares is
    /// changed in place.
    pub fn apply(mut self, changes: Vec<FileChange>) -> (Workspace, Vec<FileId>) {
        let mut changed: HashSet<FileId> = HashSet::new();
        let mut deltas: HashMap<FileId, Option<StretchEdit>> = HashMap::new();
        // Changed files whose series must be derived again (an edit inside one meeting that
        // leaves its items, ids, references, tags, tasks and dates as they were does not).
        let mut relinked: HashSet<FileId> = HashSet::new();
        // The grouping into series stays when no file comes or goes and none moves.
        let mut same_groups = true;
        let max_bytes = self.config.max_file_bytes;
        for change in changes {
            match change {
                FileChange::Set(file) => {
                    let id = match self.by_path.get(&file.path) {
                        Some(&id) => id,
                        None => {
                            let id = FileId(self.files.len() as u32);
                            self.files.push(None);
                            self.by_path.insert(file.path.clone(), id);
                            id
                        }
                    };
                    let slot = &mut self.files[id.0 as usize];
                    same_groups &= slot
                        .as_ref()
                        .is_some_and(|old| old.series_key == file.series_key);
                    *slot = Some(Arc::from(file));
                    changed.insert(id);
                    deltas.insert(id, None);
                    relinked.insert(id);
                }
                FileChange::Edit {
                    path,
                    edits,
                    version,
                } => {
                    let Some(&id) = self.by_path.get(&path) else {
                        continue;
                    };
                    let slot = &mut self.files[id.0 as usize];
                    let Some(shared) = slot.take() else {
                        continue;
                    };
                    let mut file = Arc::try_unwrap(shared).unwrap_or_else(|a| (*a).clone());
                    let key = file.series_key.clone();
                    // `Some(Some(_))` while every edit so far only changed a stretch.
                    let mut stretch: Option<Option<StretchEdit>> = deltas.get(&id).copied();
                    for (range, text) in &edits {
                        let range = crate::text::clamp_range(&file.text, *range);
                        let lines = file.line_index.line_count() as i64;
                        let how = file.apply_edit(range, text, max_bytes);
                        let lines = file.line_index.line_count() as i64 - lines;
                        stretch = Some(match (stretch, how) {
                            (
                                None,
                                Reparse::Stretch {
                                    links: false,
                                    window,
                                },
                            ) => Some(StretchEdit {
                                window,
                                bytes: text.len() as i64 - range.len() as i64,
                                lines,
                            }),
                            (
                                Some(Some(s)),
                                Reparse::Stretch {
                                    links: false,
                                    window,
                                },
                            ) => Some(s.then(range, text.len(), window, lines)),
                            _ => None,
                        });
                    }
                    let stretch = stretch.flatten();
                    file.version = version;
                    same_groups &= file.series_key == key;
                    *slot = Some(Arc::new(file));
                    changed.insert(id);
                    deltas.insert(id, stretch);
                    if stretch.is_none() {
                        relinked.insert(id);
                    }
                }
                FileChange::Remove(path) => {
                    if let Some(id) = self.by_path.remove(&path) {
                        self.files[id.0 as usize] = None;
                        changed.insert(id);
                        deltas.insert(id, None);
                        relinked.insert(id);
                        same_groups = false;
                    }
                }
            }
        }
        let old = std::mem::take(&mut self.series);
        let touched = if same_groups {
            self.series = old;
            self.rebuild(&changed, &relinked)
        } else {
            self.regroup(old, &changed)
        };
        let parent = std::mem::replace(&mut self.generation, delta::next_generation());
        self.derived = Some((parent, deltas));
        (self, touched)
    }

    /// Analyses again the series holding a relinked file, when the grouping is the same;
    /// returns the files of every series holding a changed one.
    fn rebuild(&mut self, changed: &HashSet<FileId>, relinked: &HashSet<FileId>) -> Vec<FileId> {
        let mut touched: Vec<FileId> = Vec::new();
        let mut ids: Vec<SeriesId> = changed
            .iter()
            .filter_map(|f| self.file_series.get(f.0 as usize).copied().flatten())
            .collect();
        ids.sort();
        ids.dedup();
        for id in ids {
            let old = &self.series[id.0 as usize];
            touched.extend(old.files.iter().copied());
            if old.files.iter().any(|f| relinked.contains(f)) {
                let rebuilt = series::build(self, old.key.clone(), old.files.clone());
                self.series[id.0 as usize] = Arc::new(rebuilt);
            }
        }
        touched.sort();
        touched
    }

    /// Groups the files into series, reusing those of `old` that no change touched.
    fn regroup(&mut self, old: Vec<Arc<Series>>, changed: &HashSet<FileId>) -> Vec<FileId> {
        let mut groups: BTreeMap<SeriesKey, Vec<FileId>> = BTreeMap::new();
        for (id, file) in self.files() {
            groups.entry(file.series_key.clone()).or_default().push(id);
        }
        let mut old_by_key: HashMap<&SeriesKey, &Arc<Series>> = HashMap::new();
        for s in &old {
            old_by_key.insert(&s.key, s);
        }
        let mut touched: HashSet<FileId> = HashSet::new();
        let mut series = Vec::with_capacity(groups.len());
        for (key, mut files) in groups {
            files.sort_by(|a, b| self.file(*a).path.cmp(&self.file(*b).path));
            let reusable = old_by_key.remove(&key).and_then(|prev| {
                (prev.files == files && !files.iter().any(|f| changed.contains(f)))
                    .then(|| prev.clone())
            });
            let s = match reusable {
                Some(s) => s,
                None => {
                    touched.extend(files.iter().copied());
                    Arc::new(series::build(self, key, files))
                }
            };
            series.push(s);
        }
        // Series that are gone, or were rebuilt: their old files' findings change too.
        for gone in old_by_key.values() {
            touched.extend(gone.files.iter().copied());
        }
        for s in &old {
            if touched.iter().any(|f| s.files.contains(f)) {
                touched.extend(s.files.iter().copied());
            }
        }
        self.file_series = vec![None; self.files.len()];
        for (i, s) in series.iter().enumerate() {
            for f in &s.files {
                self.file_series[f.0 as usize] = Some(SeriesId(i as u32));
            }
        }
        self.series = series;
        let mut touched: Vec<FileId> = touched.into_iter().collect();
        touched.sort();
        touched
    }

    /// The files, with their ids, in id order.
    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .filter_map(|(i, f)| Some((FileId(i as u32), f.as_deref()?)))
    }

    /// A file of the workspace. Panics on an id that is not a current file: ids come from
    /// this workspace.
    pub fn file(&self, id: FileId) -> &SourceFile {
        self.files[id.0 as usize]
            .as_deref()
            .expect("a FileId of this workspace")
    }

    /// The file with this id, if it is still in the workspace.
    pub fn get_file(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)?.as_deref()
    }

    pub fn file_by_path(&self, path: &Path) -> Option<FileId> {
        self.by_path.get(path).copied()
    }

    pub fn series(&self) -> impl Iterator<Item = &Series> {
        self.series.iter().map(|s| &**s)
    }

    /// The series as shared: a series that an [`Self::apply`] did not derive again is the
    /// same allocation before and after it.
    pub fn shared_series(&self) -> &[Arc<Series>] {
        &self.series
    }

    pub fn series_of(&self, file: FileId) -> &Series {
        let id = self.file_series[file.0 as usize].expect("a FileId of this workspace");
        &self.series[id.0 as usize]
    }

    pub fn item(&self, r: ItemRef) -> &syntax::Item {
        self.file(r.file).parsed.item(r.item)
    }

    pub fn meeting(&self, r: MeetingRef) -> &syntax::Meeting {
        self.file(r.file).parsed.meeting(r.meeting)
    }

    /// The date of the meeting an item is in.
    pub fn item_date(&self, r: ItemRef) -> Option<NaiveDate> {
        let file = self.file(r.file);
        let m = file.parsed.item(r.item).meeting()?;
        Some(file.parsed.meeting(m).date)
    }

    /// The first line of an item after its marker and checkbox.
    pub fn item_text(&self, r: ItemRef) -> &str {
        let file = self.file(r.file);
        file.parsed.item(r.item).content.slice(&file.text)
    }

    /// What the status classifier needs to know about an item and everything nested in it.
    pub fn item_signals(&self, r: ItemRef) -> ItemSignals {
        let file = self.file(r.file);
        let mut s = ItemSignals::default();
        for it in file.parsed.subtree(r.item) {
            s.question |= it.question;
        }
        let p = &file.parsed;
        s.reference = !p.subtree_refs(r.item).1.is_empty();
        for tag in p.subtree_tags(r.item) {
            let theme = theme_of(&tag.name);
            if theme == crate::config::STATUS {
                s.status_tag = true;
            } else if self.config.is_theme(theme) {
                s.other_theme = true;
            }
        }
        s
    }

    /// Whether an agenda item is a status update.
    pub fn is_status_update(&self, r: ItemRef) -> bool {
        self.classifier
            .is_status(self.item_text(r), self.item_signals(r))
    }

    /// The top-level agenda items of a meeting.
    pub fn agenda(&self, m: MeetingRef) -> Vec<ItemRef> {
        self.file(m.file)
            .parsed
            .agenda_items(m.meeting)
            .map(|(item, _)| ItemRef { file: m.file, item })
            .collect()
    }

    /// Whether a meeting's agenda has items and every one is a status update.
    pub fn is_status_only(&self, m: MeetingRef) -> bool {
        let agenda = self.agenda(m);
        !agenda.is_empty() && agenda.iter().all(|&r| self.is_status_update(r))
    }

    /// Every item of a loop in date order, the origin first.
    pub fn loop_items(&self, l: &Loop) -> &[ItemRef] {
        self.series_of(l.origin.file).items_of(l)
    }

    /// Whether some item of `l` is in meeting `m`.
    pub fn loop_in_meeting(&self, l: &Loop, m: MeetingRef) -> bool {
        self.loop_items(l)
            .iter()
            .any(|r| r.file == m.file && self.item(*r).meeting() == Some(m.meeting))
    }

    /// The open loops of `series` opened before meeting `m` (or all, without one) that
    /// have no item in it, newest first.
    pub fn uncarried_loops<'s>(&self, series: &'s Series, m: Option<MeetingRef>) -> Vec<&'s Loop> {
        let date = m.map(|m| self.meeting(m).date);
        let mut loops: Vec<&Loop> = series
            .loops
            .iter()
            .filter(|l| l.is_open() && date.is_none_or(|d| l.opened < d))
            .filter(|l| m.is_none_or(|m| !self.loop_in_meeting(l, m)))
            .collect();
        loops.sort_by(|a, b| b.opened.cmp(&a.opened).then(a.id.cmp(&b.id)));
        loops
    }

    /// Whether any item of the subtree of `r` carries the tag `theme`.
    pub fn subtree_has_theme(&self, r: ItemRef, theme: &str) -> bool {
        let file = self.file(r.file);
        file.parsed
            .subtree_tags(r.item)
            .iter()
            .any(|t| theme_of(&t.name) == theme)
    }
}

/// The theme a tag stands for: `growth/skills` is the `growth` theme.
pub fn theme_of(tag: &str) -> &str {
    tag.split('/').next().unwrap_or(tag)
}
