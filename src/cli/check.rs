//! `oneonone-ls check`: every finding, as `path:line:col: severity[rule] message` lines or
//! one JSON array.

use std::fmt::Write as _;
use std::process::ExitCode;

use serde::Serialize;

use super::{load, print_out, report, Options};
use crate::config::Severity;
use crate::ide::workspace_diagnostics;
use crate::model::Workspace;
use crate::text::ColumnUnit;

/// One finding as the command line shows it (lines and columns 1-based, columns in
/// characters).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
    pub severity: &'static str,
    pub rule: &'static str,
    pub message: String,
}

impl Finding {
    /// `path:line:col: severity[rule] message`.
    pub fn line_text(&self) -> String {
        format!(
            "{}:{}:{}: {}[{}] {}",
            self.path, self.line, self.column, self.severity, self.rule, self.message
        )
    }
}

/// Every finding of the workspace as the text output prints it.
pub fn finding_lines(ws: &Workspace) -> Vec<String> {
    findings(ws).iter().map(|(f, _)| f.line_text()).collect()
}

pub fn findings(ws: &Workspace) -> Vec<(Finding, Severity)> {
    let mut out: Vec<(Finding, Severity)> = workspace_diagnostics(ws)
        .into_iter()
        .map(|d| {
            let f = ws.file(d.file);
            let start = f
                .line_index
                .line_col(&f.text, d.range.start(), ColumnUnit::Char);
            let end = f
                .line_index
                .line_col(&f.text, d.range.end(), ColumnUnit::Char);
            let finding = Finding {
                path: f.path.display().to_string(),
                line: start.line + 1,
                column: start.col + 1,
                end_line: end.line + 1,
                end_column: end.col + 1,
                severity: d.severity.as_str(),
                rule: d.rule.id(),
                message: d.message.into(),
            };
            (finding, d.severity)
        })
        .collect();
    out.sort_by(|(a, _), (b, _)| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
    out
}

pub fn run(opts: Options) -> ExitCode {
    let (ws, errors) = match load(&opts, ".") {
        Ok(x) => x,
        Err(code) => return code,
    };
    let found = findings(&ws);
    let failing = found.iter().any(|(_, s)| *s >= Severity::Warning);
    let mut out = String::new();
    if opts.json {
        let list: Vec<&Finding> = found.iter().map(|(f, _)| f).collect();
        out = serde_json::to_string_pretty(&list).unwrap_or_else(|_| "[]".into());
        out.push('\n');
    } else {
        for (f, _) in &found {
            let _ = writeln!(out, "{}", f.line_text());
        }
    }
    print_out(&out);
    report(&errors);
    if !errors.0.is_empty() {
        ExitCode::from(2)
    } else if failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
