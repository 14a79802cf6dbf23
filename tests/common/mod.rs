//! Helpers for fixture tests: build a workspace from small markdown texts and read its
//! findings as `file:line rule` strings.

#![allow(dead_code)]

pub mod client;
pub mod cmd;
pub mod stdio;

use chrono::NaiveDate;
use oneonone_ls::config::Config;
use oneonone_ls::ide::workspace_diagnostics;
use oneonone_ls::model::{SourceFile, Workspace};

pub const TODAY: &str = "2026-11-25";

pub fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

pub fn workspace_with(config: Config, files: &[(&str, &str)]) -> Workspace {
    let files = files
        .iter()
        .map(|(path, text)| SourceFile::new(path.into(), text.to_string(), config.max_file_bytes))
        .collect();
    let today = config.today.unwrap_or(date(TODAY));
    Workspace::new(config, today, files)
}

pub fn workspace(files: &[(&str, &str)]) -> Workspace {
    workspace_with(Config::default(), files)
}

/// `path:line rule` for every finding (line 1-based).
pub fn findings_in(ws: &Workspace) -> Vec<String> {
    workspace_diagnostics(ws)
        .iter()
        .map(|d| {
            let f = ws.file(d.file);
            let line = f.line_index.line_of(d.range.start()) + 1;
            format!("{}:{line} {}", f.path.display(), d.rule)
        })
        .collect()
}

/// Findings of a single file as `line rule`.
pub fn findings(text: &str) -> Vec<String> {
    findings_with(Config::default(), text)
}

pub fn findings_with(config: Config, text: &str) -> Vec<String> {
    let ws = workspace_with(config, &[("a.1on1.md", text)]);
    findings_in(&ws)
        .into_iter()
        .map(|s| s.trim_start_matches("a.1on1.md:").to_string())
        .collect()
}

/// Findings of one rule only.
pub fn only(rule: &str, all: Vec<String>) -> Vec<String> {
    all.into_iter()
        .filter(|s| s.ends_with(&format!(" {rule}")))
        .collect()
}

pub fn config(json: serde_json::Value) -> Config {
    let mut c = Config::default();
    let errors = c.merge_json(&json);
    assert!(errors.is_empty(), "{errors:?}");
    c
}
