//! The workspace: files, the series they form, meetings in date order, block ids and
//! references, and loops with their states. Pure data and pure functions: nothing here knows
//! about LSP or the terminal.

pub mod loops;
pub mod series;
pub mod status;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::config::Config;
use crate::syntax::{self, ItemIdx, MeetingIdx, ParsedFile};
use crate::text::LineIndex;

pub use loops::{Loop, LoopId, LoopState};
pub use series::{Series, SeriesId, SeriesKey};
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
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
    pub line_index: LineIndex,
    pub parsed: ParsedFile,
    /// Larger than `maxFileBytes`: not analysed (its tree is empty).
    pub too_large: bool,
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
            path,
            text,
            parsed,
            too_large,
        }
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
#[derive(Clone, Debug)]
pub struct Workspace {
    pub config: Config,
    pub today: NaiveDate,
    pub classifier: StatusClassifier,
    files: Vec<SourceFile>,
    series: Vec<Series>,
    file_series: Vec<SeriesId>,
}

impl Workspace {
    /// Builds the workspace from its files and analyses every series.
    pub fn new(config: Config, today: NaiveDate, files: Vec<SourceFile>) -> Self {
        let classifier = StatusClassifier::new(&config.status_patterns);
        let mut ws = Workspace {
            config,
            today,
            classifier,
            files,
            series: Vec::new(),
            file_series: Vec::new(),
        };
        ws.series = series::build_all(&ws);
        ws.file_series = vec![SeriesId(0); ws.files.len()];
        for s in &ws.series {
            for f in &s.files {
                ws.file_series[f.0 as usize] = s.id;
            }
        }
        ws
    }

    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }

    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn file_by_path(&self, path: &Path) -> Option<FileId> {
        self.files
            .iter()
            .position(|f| f.path == path)
            .map(|i| FileId(i as u32))
    }

    pub fn series(&self) -> &[Series] {
        &self.series
    }

    pub fn series_of(&self, file: FileId) -> &Series {
        &self.series[self.file_series[file.0 as usize].0 as usize]
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
        let m = file.parsed.item(r.item).meeting?;
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
            s.reference |= !it.refs.is_empty();
            for &t in &it.tags {
                let name = file.parsed.tags[t as usize].name.as_str();
                let theme = theme_of(name);
                if theme == crate::config::STATUS {
                    s.status_tag = true;
                } else if self.config.is_theme(theme) {
                    s.other_theme = true;
                }
            }
        }
        s
    }

    /// Whether an agenda item is a status update.
    pub fn is_status_update(&self, r: ItemRef) -> bool {
        self.classifier
            .is_status(self.item_text(r), self.item_signals(r))
    }

    /// Whether any item of the subtree of `r` carries the tag `theme`.
    pub fn subtree_has_theme(&self, r: ItemRef, theme: &str) -> bool {
        let file = self.file(r.file);
        file.parsed.subtree(r.item).any(|it| {
            it.tags
                .iter()
                .any(|&t| theme_of(&file.parsed.tags[t as usize].name) == theme)
        })
    }
}

/// The theme a tag stands for: `growth/skills` is the `growth` theme.
pub fn theme_of(tag: &str) -> &str {
    tag.split('/').next().unwrap_or(tag)
}
