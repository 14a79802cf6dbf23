//! The server's state: open documents (a rope and a version each), the files on disk, the
//! configuration layers, and the analysed workspace with the changes not yet applied to it.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::NaiveDate;
use ropey::Rope;
use serde_json::Value;
use tower_lsp_server::ls_types::Uri;

use crate::config::{Config, ConfigError};
use crate::model::{FileChange, SourceFile, Workspace};
use crate::text::{ColumnUnit, TextRange};

/// An open document: the editor's text and version.
pub struct Document {
    pub uri: Uri,
    pub rope: Rope,
    pub version: i32,
}

/// A change not yet applied to the workspace.
pub enum Pending {
    Set {
        text: String,
        version: Option<i32>,
    },
    /// Edits to the text the workspace has for an open document (byte ranges, each in the
    /// text the edits before it left), making `version`.
    Edits {
        edits: Vec<(TextRange, String)>,
        version: i32,
    },
    Remove,
}

pub struct State {
    pub unit: ColumnUnit,
    pub roots: Vec<PathBuf>,
    pub docs: HashMap<PathBuf, Document>,
    /// URIs to publish to, for files that are not open.
    pub uris: HashMap<PathBuf, Uri>,
    pub pending: HashMap<PathBuf, Pending>,
    /// Settings from the client (initialization options, then pushed or pulled ones).
    pub client_settings: Value,
    /// `.1on1.json` of each root that has one.
    pub root_settings: Vec<(PathBuf, Value)>,
    pub config: Arc<Config>,
    /// The configuration changed since the workspace was analysed.
    pub config_changed: bool,
    pub workspace: Arc<Workspace>,
    /// An empty workspace, held by the state while an analysis has the real one.
    pub idle: Arc<Workspace>,
    /// Files whose diagnostics changed and are not yet published.
    pub unpublished: BTreeSet<PathBuf>,
    /// Files with diagnostics published, to clear when they go away.
    pub published: HashSet<PathBuf>,
    pub shutdown: bool,
}

impl State {
    pub fn new() -> Self {
        let config = Arc::new(Config::default());
        let idle = Arc::new(Workspace::new(
            Config::default(),
            today(&config),
            Vec::new(),
        ));
        State {
            unit: ColumnUnit::Utf16,
            roots: Vec::new(),
            docs: HashMap::new(),
            uris: HashMap::new(),
            pending: HashMap::new(),
            client_settings: Value::Null,
            root_settings: Vec::new(),
            workspace: idle.clone(),
            idle,
            config,
            config_changed: false,
            unpublished: BTreeSet::new(),
            published: HashSet::new(),
            shutdown: false,
        }
    }

    /// The URI to publish a path's diagnostics to.
    pub fn uri_of(&self, path: &Path) -> Option<Uri> {
        if let Some(d) = self.docs.get(path) {
            return Some(d.uri.clone());
        }
        self.uris
            .get(path)
            .cloned()
            .or_else(|| super::convert::uri(path))
    }

    /// Rebuilds the configuration from its layers: defaults, then the client's settings,
    /// then each root's `.1on1.json`. Returns what was refused.
    pub fn rebuild_config(&mut self) -> Vec<String> {
        let mut config = Config::default();
        let mut problems = Vec::new();
        let report = |source: &str, errors: Vec<ConfigError>, out: &mut Vec<String>| {
            out.extend(
                errors
                    .into_iter()
                    .map(|e| format!("{source}: {e}; the default is used")),
            );
        };
        let client = self.client_settings.clone();
        report("settings", config.merge_json(&client), &mut problems);
        for (root, value) in &self.root_settings {
            let source = root.join(".1on1.json").display().to_string();
            report(&source, config.merge_json(value), &mut problems);
        }
        if *self.config != config {
            self.config = Arc::new(config);
            self.config_changed = true;
        }
        problems
    }

    /// Marks every open document as changed, so that its buffer wins over what is on disk.
    pub fn reapply_open_documents(&mut self) {
        for (path, doc) in self.docs.iter().filter(|(p, _)| crate::files::is_note(p)) {
            self.pending.insert(
                path.clone(),
                Pending::Set {
                    text: crate::text::rope::text_of(&doc.rope),
                    version: Some(doc.version),
                },
            );
        }
    }
}

/// Today for the server, in the command line's order: `ONEONONE_TODAY`, else the
/// configuration's `today`, else the local date. (A bad `ONEONONE_TODAY` is reported once
/// at start.)
pub fn today(config: &Config) -> NaiveDate {
    if let Ok(s) = std::env::var("ONEONONE_TODAY") {
        if let Ok(t) = crate::config::parse_today(&s) {
            return t;
        }
    }
    config
        .today
        .unwrap_or_else(|| chrono::Local::now().date_naive())
}

/// Locks a mutex, recovering it if a panicking handler poisoned it: the state it guards is
/// only ever changed by whole assignments.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Brings the workspace up to date with the pending changes (and a new configuration or
/// a new day). `serial` keeps two analyses from running at once; the state lock is never
/// held while analysing.
pub fn analyse(state: &Mutex<State>, serial: &Mutex<()>) -> Arc<Workspace> {
    analyse_then(state, serial, |_| ()).0
}

/// [`analyse`], and the files whose diagnostics are to be published, taken with the
/// workspace they are in: the index, installed between the two, would otherwise leave
/// files to publish that the workspace in hand does not have.
pub fn analyse_to_publish(
    state: &Mutex<State>,
    serial: &Mutex<()>,
) -> (Arc<Workspace>, BTreeSet<PathBuf>) {
    analyse_then(state, serial, |st| std::mem::take(&mut st.unpublished))
}

/// [`analyse`], then `then` on the state, under the lock that installs the workspace.
fn analyse_then<T>(
    state: &Mutex<State>,
    serial: &Mutex<()>,
    then: impl FnOnce(&mut State) -> T,
) -> (Arc<Workspace>, T) {
    let _one_at_a_time = lock(serial);
    let (base, pending, settings) = {
        let mut st = lock(state);
        let day = today(&st.config);
        let settings =
            (st.config_changed || st.workspace.today != day).then(|| (st.config.clone(), day));
        if st.pending.is_empty() && settings.is_none() {
            let ws = st.workspace.clone();
            return (ws, then(&mut st));
        }
        st.config_changed = false;
        let mut pending = std::mem::take(&mut st.pending);
        // Edits apply to the text the workspace has; when it has another (the index was
        // installed meanwhile), the document's whole text is taken.
        for (path, p) in pending.iter_mut() {
            if let Pending::Edits { version, .. } = p {
                let has_base = st
                    .workspace
                    .file_by_path(path)
                    .and_then(|id| st.workspace.get_file(id))
                    .is_some_and(|f| f.version.is_some());
                if !has_base {
                    if let Some(doc) = st.docs.get(path) {
                        *p = Pending::Set {
                            text: crate::text::rope::text_of(&doc.rope),
                            version: Some(*version),
                        };
                    }
                }
            }
        }
        // The workspace is taken out, so that a file nothing else holds is edited in place;
        // nothing reads it meanwhile, as every reader analyses first.
        let idle = st.idle.clone();
        let base = std::mem::replace(&mut st.workspace, idle);
        (base, pending, settings)
    };
    let mut touched: BTreeSet<PathBuf> = BTreeSet::new();
    let mut base = Arc::try_unwrap(base).unwrap_or_else(|shared| (*shared).clone());
    if let Some((config, day)) = settings {
        base = base.with_settings(config, day);
        touched.extend(base.files().map(|(_, f)| f.path.clone()));
    }
    let max = base.config.max_file_bytes;
    let mut changes = Vec::with_capacity(pending.len());
    for (path, p) in pending {
        touched.insert(path.clone());
        changes.push(match p {
            // The text the workspace has already (an open document the index has just read
            // from disk): only its version changes, and its tree is not built again (the
            // parse of a 0.5 MB doc takes 3 MB for a moment, just when every note is in
            // memory).
            Pending::Set { text, version }
                if base
                    .file_by_path(&path)
                    .and_then(|id| base.get_file(id))
                    .is_some_and(|f| f.text == text) =>
            {
                FileChange::Edit {
                    path,
                    edits: Vec::new(),
                    version,
                }
            }
            Pending::Set { text, version } => {
                let mut file = SourceFile::new(path, text, max);
                file.version = version;
                FileChange::Set(Box::new(file))
            }
            Pending::Edits { edits, version } => FileChange::Edit {
                path,
                edits,
                version: Some(version),
            },
            Pending::Remove => FileChange::Remove(path),
        });
    }
    let (ws, files) = base.apply(changes);
    touched.extend(
        files
            .iter()
            .filter_map(|f| ws.get_file(*f))
            .map(|f| f.path.clone()),
    );
    let ws = Arc::new(ws);
    let mut st = lock(state);
    st.workspace = ws.clone();
    st.unpublished.extend(touched);
    let after = then(&mut st);
    (ws, after)
}
