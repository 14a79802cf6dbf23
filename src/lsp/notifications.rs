//! Lifecycle, document sync, file watching, configuration, indexing and publishing
//! diagnostics. Edits are applied to the document store synchronously, before any
//! `.await`, so that they are never reordered.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use ropey::Rope;
use serde_json::Value;
use tower_lsp_server::ls_types::*;

use super::capabilities::{negotiate_encoding, server_capabilities, ClientCaps};
use super::convert;
use super::state::{analyse_to_publish, lock, Document, Pending};
use super::Server;
use crate::files;
use crate::model::Workspace;
use crate::text::TextRange;

impl Server {
    pub(super) fn on_initialize(&self, params: InitializeParams) -> InitializeResult {
        let unit = negotiate_encoding(&params);
        let caps = ClientCaps::of(&params);
        let capabilities = server_capabilities(unit, &caps);
        let _ = self.inner.caps.set(caps);
        let mut roots: Vec<PathBuf> = params
            .workspace_folders
            .iter()
            .flatten()
            .filter_map(|f| f.uri.to_file_path().map(|p| p.into_owned()))
            .collect();
        #[allow(deprecated)]
        if roots.is_empty() {
            if let Some(p) = params.root_uri.as_ref().and_then(|u| u.to_file_path()) {
                roots.push(p.into_owned());
            }
        }
        let mut st = lock(&self.inner.state);
        st.unit = unit;
        st.roots = roots;
        if let Some(opts) = params.initialization_options {
            st.client_settings = settings_section(opts);
        }
        InitializeResult {
            capabilities,
            server_info: Some(ServerInfo {
                name: "oneonone-ls".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            offset_encoding: None,
        }
    }

    pub(super) async fn on_initialized(&self) {
        let caps = self.caps();
        if caps.watch_files_dynamically {
            let watchers = ["**/*.1on1.md", "**/.1on1.json"]
                .iter()
                .map(|g| FileSystemWatcher {
                    glob_pattern: GlobPattern::String(g.to_string()),
                    kind: None,
                })
                .collect();
            let registration = Registration {
                id: "oneonone-watch".into(),
                method: "workspace/didChangeWatchedFiles".into(),
                register_options: serde_json::to_value(DidChangeWatchedFilesRegistrationOptions {
                    watchers,
                })
                .ok(),
            };
            if let Err(e) = self.client().register_capability(vec![registration]).await {
                eprintln!("oneonone-ls: could not register file watching: {e}");
            }
        }
        self.pull_configuration().await;
        self.load_root_configs();
        let mut problems = lock(&self.inner.state).rebuild_config();
        if let Ok(s) = std::env::var("ONEONONE_TODAY") {
            if let Err(e) = crate::config::parse_today(&s) {
                problems.push(format!("ONEONONE_TODAY: {e}; it is ignored"));
            }
        }
        self.report_config(problems).await;
        let publisher = self.clone();
        tokio::spawn(async move { publisher.publish_loop().await });
        let indexer = self.clone();
        tokio::spawn(async move { indexer.index().await });
    }

    pub(super) fn on_did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        let path = convert::path(&doc.uri);
        let mut st = lock(&self.inner.state);
        // Only notes are analysed: another markdown file open in the same editor is kept in
        // step but never linted.
        if files::is_note(&path) {
            let pending = Pending::Set {
                text: doc.text.clone(),
                version: Some(doc.version),
            };
            st.pending.insert(path.clone(), pending);
        }
        let rope = Rope::from_str(&doc.text);
        st.docs.insert(
            path,
            Document {
                uri: doc.uri,
                rope,
                version: doc.version,
            },
        );
        drop(st);
        self.inner.publish.notify_one();
    }

    pub(super) fn on_did_change(&self, params: DidChangeTextDocumentParams) {
        let path = convert::path(&params.text_document.uri);
        let mut guard = lock(&self.inner.state);
        let st = &mut *guard;
        let unit = st.unit;
        let Some(doc) = st.docs.get_mut(&path) else {
            eprintln!(
                "oneonone-ls: change to a document that is not open: {}",
                params.text_document.uri.as_str()
            );
            return;
        };
        // A catch for a bug in the rope code: the document is then taken as the client has
        // it only on its next full change, but the server stays up.
        let mut edits: Option<Vec<(TextRange, String)>> = Some(Vec::new());
        let applied = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            for change in params.content_changes {
                match change.range {
                    Some(r) => {
                        let replaced = crate::text::rope::replace(
                            &mut doc.rope,
                            (r.start.line, r.start.character),
                            (r.end.line, r.end.character),
                            &change.text,
                            unit,
                        );
                        if let Some(edits) = &mut edits {
                            edits.push((replaced, change.text));
                        }
                    }
                    None => {
                        doc.rope = Rope::from_str(&change.text);
                        edits = None;
                    }
                }
            }
        }));
        if applied.is_err() {
            eprintln!(
                "oneonone-ls: could not apply a change to {}",
                path.display()
            );
            edits = None;
        }
        doc.version = params.text_document.version;
        if files::is_note(&path) {
            let version = doc.version;
            let text = || crate::text::rope::text_of(&doc.rope);
            let pending = match (st.pending.remove(&path), edits) {
                // Edits to what the workspace has (or will have) for the document.
                (None, Some(edits)) => Pending::Edits { edits, version },
                (Some(Pending::Edits { edits: mut all, .. }), Some(edits))
                    if all.len() + edits.len() <= MAX_PENDING_EDITS =>
                {
                    all.extend(edits);
                    Pending::Edits {
                        edits: all,
                        version,
                    }
                }
                _ => Pending::Set {
                    text: text(),
                    version: Some(version),
                },
            };
            st.pending.insert(path, pending);
        }
        drop(guard);
        self.inner.publish.notify_one();
    }

    pub(super) async fn on_did_close(&self, params: DidCloseTextDocumentParams) {
        let path = convert::path(&params.text_document.uri);
        let uri = params.text_document.uri;
        // The file goes back to what is on disk, or leaves the workspace.
        let on_disk = if uri.scheme().as_str() == "file" && files::is_note(&path) {
            let p = path.clone();
            let max = lock(&self.inner.state).config.max_file_bytes;
            tokio::task::spawn_blocking(move || files::read_text_limited(&p, max).ok())
                .await
                .ok()
                .flatten()
        } else {
            None
        };
        let mut st = lock(&self.inner.state);
        st.docs.remove(&path);
        st.uris.insert(path.clone(), uri);
        let pending = match on_disk {
            Some(text) => Pending::Set {
                text,
                version: None,
            },
            None => Pending::Remove,
        };
        st.pending.insert(path, pending);
        drop(st);
        self.inner.publish.notify_one();
    }

    pub(super) async fn on_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let mut config_changed = false;
        let mut reads = Vec::new();
        {
            let mut st = lock(&self.inner.state);
            for change in params.changes {
                let path = convert::path(&change.uri);
                if path.file_name().is_some_and(|n| n == ".1on1.json") {
                    config_changed = true;
                } else if files::is_note(&path) && !st.docs.contains_key(&path) {
                    if change.typ == FileChangeType::DELETED {
                        st.pending.insert(path, Pending::Remove);
                    } else {
                        st.uris.insert(path.clone(), change.uri);
                        reads.push(path);
                    }
                }
            }
        }
        // No more of a note than the analysis can use: it may have grown to gigabytes.
        let max = lock(&self.inner.state).config.max_file_bytes;
        let read = tokio::task::spawn_blocking(move || {
            reads
                .into_iter()
                .map(|p| (files::read_text_limited(&p, max), p))
                .collect::<Vec<_>>()
        })
        .await
        .unwrap_or_default();
        {
            let mut st = lock(&self.inner.state);
            for (text, path) in read {
                // An open document's buffer wins over the disk.
                if st.docs.contains_key(&path) {
                    continue;
                }
                let pending = match text {
                    Ok(text) => Pending::Set {
                        text,
                        version: None,
                    },
                    Err(_) => Pending::Remove,
                };
                st.pending.insert(path, pending);
            }
        }
        if config_changed {
            self.load_root_configs();
            let problems = lock(&self.inner.state).rebuild_config();
            self.report_config(problems).await;
        }
        self.inner.publish.notify_one();
    }

    pub(super) async fn on_configuration(&self, params: DidChangeConfigurationParams) {
        if self.caps().pull_configuration {
            self.pull_configuration().await;
        } else {
            lock(&self.inner.state).client_settings = settings_section(params.settings);
        }
        let problems = lock(&self.inner.state).rebuild_config();
        self.report_config(problems).await;
        self.inner.publish.notify_one();
    }

    /// Asks the client for the `oneonone` section, when it can answer.
    async fn pull_configuration(&self) {
        if !self.caps().pull_configuration {
            return;
        }
        let item = ConfigurationItem {
            scope_uri: None,
            section: Some("oneonone".into()),
        };
        match self.client().configuration(vec![item]).await {
            Ok(mut values) if !values.is_empty() => {
                let value = values.swap_remove(0);
                if !value.is_null() {
                    lock(&self.inner.state).client_settings = value;
                }
            }
            Ok(_) => {}
            Err(e) => eprintln!("oneonone-ls: workspace/configuration failed: {e}"),
        }
    }

    /// Reads the `.1on1.json` of every root; a file that is not JSON is reported and left
    /// out.
    fn load_root_configs(&self) {
        let roots = lock(&self.inner.state).roots.clone();
        let mut values = Vec::new();
        let mut problems = Vec::new();
        for root in roots {
            let path = root.join(".1on1.json");
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            match serde_json::from_str::<Value>(&text) {
                Ok(v) => values.push((root, v)),
                Err(e) => problems.push(format!(
                    "{}: not valid JSON ({e}); the defaults are used",
                    path.display()
                )),
            }
        }
        let mut st = lock(&self.inner.state);
        st.root_settings = values;
        drop(st);
        let this = self.clone();
        if !problems.is_empty() {
            tokio::spawn(async move { this.report_config(problems).await });
        }
    }

    async fn report_config(&self, problems: Vec<String>) {
        for p in problems {
            eprintln!("oneonone-ls: {p}");
            self.client()
                .show_message(MessageType::WARNING, format!("oneonone-ls: {p}"))
                .await;
        }
    }

    /// Indexes every note under the workspace folders, off the message loop, with progress.
    async fn index(&self) {
        let progress = if self.caps().work_done_progress {
            let token = NumberOrString::String("oneonone-index".into());
            match self.client().create_work_done_progress(token.clone()).await {
                Ok(()) => Some(
                    self.client()
                        .progress(token, "Indexing 1:1 notes")
                        .begin()
                        .await,
                ),
                Err(_) => None,
            }
        } else {
            None
        };
        let (roots, config) = {
            let st = lock(&self.inner.state);
            (st.roots.clone(), st.config.clone())
        };
        let this = self.clone();
        let found = tokio::task::spawn_blocking(move || {
            let mut paths = Vec::new();
            let mut errors = Vec::new();
            for root in &roots {
                files::walk(root, &mut paths, &mut |e| errors.push(e));
            }
            let (found, read_errors) = files::read_all(&paths, config.max_file_bytes);
            errors.extend(read_errors);
            for e in &errors {
                eprintln!("oneonone-ls: {e}");
            }
            let today = super::state::today(&config);
            let ws = Workspace::new((*config).clone(), today, found);
            // Install under the analysis lock, so that no analysis of the empty workspace
            // lands after it; open documents are applied again over the disk's text.
            let _serial = lock(&this.inner.serial);
            let mut st = lock(&this.inner.state);
            let count = ws.files().count();
            st.unpublished
                .extend(ws.files().map(|(_, f)| f.path.clone()));
            st.workspace = std::sync::Arc::new(ws);
            st.reapply_open_documents();
            count
        })
        .await;
        self.inner.publish.notify_one();
        if let Some(p) = progress {
            let message = match found {
                Ok(n) => format!("{n} files"),
                Err(_) => "failed".into(),
            };
            p.finish_with_message(message).await;
        }
    }

    /// Publishes diagnostics whenever something changed: one task, so that publications
    /// never overtake each other; open documents first.
    async fn publish_loop(&self) {
        loop {
            self.inner.publish.notified().await;
            let this = self.clone();
            let frames = self.inner.frames.get().cloned();
            let batch = tokio::task::spawn_blocking(move || {
                // Written here, off the message loop, when we write our own frames: one
                // file at a time, so that a workspace's publications are never all in
                // memory at once.
                let mut batch = Vec::new();
                let refresh = match &frames {
                    Some(out) => this.publish_diagnostics(&mut |uri, json, version| {
                        out.send_blocking(super::output::publish_diagnostics_frame(
                            &uri, &json, version,
                        ));
                    }),
                    None => this.publish_diagnostics(&mut |uri, json, version| {
                        batch.push((uri, json, version))
                    }),
                };
                (batch, refresh)
            })
            .await;
            let Ok((batch, refresh)) = batch else {
                eprintln!("oneonone-ls: computing diagnostics panicked");
                continue;
            };
            if refresh {
                // Not awaited here: the answer comes through the message loop, and
                // publishing goes on meanwhile.
                let client = self.client().clone();
                tokio::spawn(async move {
                    let _ = client.workspace_diagnostic_refresh().await;
                });
            }
            for (uri, json, version) in batch {
                let diagnostics: Vec<Diagnostic> =
                    serde_json::from_slice(&json).unwrap_or_default();
                self.client()
                    .publish_diagnostics(uri, diagnostics, version)
                    .await;
            }
        }
    }

    /// Hands `send` the diagnostics (a JSON array) of every file whose findings changed,
    /// for its current version only, open documents first. A file that is not open, or
    /// open at the version last published, is not sent again while its findings are the
    /// ones last sent. For a client that pulls, open documents are left to the pulls;
    /// true when one of them changed without an edit of its own, so that the client must
    /// be told to pull again.
    fn publish_diagnostics(&self, send: &mut dyn FnMut(Uri, Arc<Vec<u8>>, Option<i32>)) -> bool {
        // The publisher first, then the workspace: whoever holds the publisher brings the
        // findings up to date with the newest workspace, never with an older one.
        let mut publisher = lock(&self.inner.publisher);
        let publisher = &mut *publisher;
        let (ws, unpublished) = analyse_to_publish(&self.inner.state, &self.inner.serial);
        let (mut paths, unit, open_versions) = {
            let st = lock(&self.inner.state);
            let versions: HashMap<PathBuf, i32> = st
                .docs
                .iter()
                .map(|(p, d)| (p.clone(), d.version))
                .collect();
            let paths: Vec<(PathBuf, Option<Uri>)> = unpublished
                .into_iter()
                .map(|p| {
                    let uri = st.uri_of(&p);
                    (p, uri)
                })
                .collect();
            (paths, st.unit, versions)
        };
        paths.sort_by_key(|(p, _)| !open_versions.contains_key(p));
        publisher.live.update(&ws);
        let pull = self.caps().pull_diagnostics;
        let mut refresh = false;
        let mut unpushed = Vec::new();
        let mut published = Vec::new();
        let mut cleared = Vec::new();
        for (path, uri) in paths {
            let Some(id) = ws.file_by_path(&path) else {
                publisher.sent.remove(&path);
                publisher.rendered.remove(&path);
                publisher.pulled.remove(&path);
                cleared.push((path, uri));
                continue;
            };
            let file = ws.file(id);
            let open = open_versions.get(&path).copied();
            if open.is_some_and(|current| file.version != Some(current)) {
                continue; // a newer change is on its way and will publish
            }
            let Some(found) = publisher.live.file(id).cloned() else {
                continue;
            };
            if pull {
                match open {
                    Some(current) => {
                        // Pulled, not pushed; what was pushed while it was closed goes.
                        if publisher.sent.remove(&path).is_some() {
                            unpushed.push((path.clone(), uri.clone()));
                        }
                        // The client pulls again when it edits the document; when its
                        // diagnostics changed through another file, it is told to.
                        refresh |=
                            publisher.changed_since_pulled(&path, file, &found, unit, current);
                        continue;
                    }
                    None => {
                        publisher.pulled.remove(&path);
                    }
                }
            }
            let sent = (found.stamp, open);
            if publisher.sent.get(&path) == Some(&sent) {
                continue;
            }
            let json = if open.is_some() {
                let previous = publisher.rendered.remove(&path);
                let rendered = super::publish::render(file, &found, unit, previous);
                let json = rendered.json.clone();
                publisher.rendered.insert(path.clone(), rendered);
                json
            } else {
                // Kept for open documents only: they are the ones typed in.
                publisher.rendered.remove(&path);
                super::publish::render(file, &found, unit, None).json
            };
            publisher.sent.insert(path.clone(), sent);
            if let Some(uri) = uri {
                send(uri, json, file.version);
            }
            published.push((path, !found.list.is_empty()));
        }
        // What was pushed and must be cleared, found under the state lock and sent after
        // it: a send can wait for the writer, and edits wait for that lock.
        let mut clear = Vec::new();
        {
            let mut st = lock(&self.inner.state);
            for (path, nonempty) in published {
                if nonempty {
                    st.published.insert(path);
                } else {
                    st.published.remove(&path);
                }
            }
            for (path, uri) in unpushed.into_iter().chain(cleared) {
                if st.published.remove(&path) {
                    clear.extend(uri);
                }
            }
        }
        let empty = Arc::new(b"[]".to_vec());
        for uri in clear {
            send(uri, empty.clone(), None);
        }
        refresh
    }
}

/// Past this many edits waiting for analysis, the document's whole text is taken instead.
const MAX_PENDING_EDITS: usize = 256;

/// The `oneonone` section of a settings object, or the object itself.
fn settings_section(value: Value) -> Value {
    match value {
        Value::Object(mut map) if map.contains_key("oneonone") => {
            map.remove("oneonone").unwrap_or(Value::Null)
        }
        other => other,
    }
}
