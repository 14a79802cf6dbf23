//! Updating a workspace gives the same findings as building it afresh, and reports every
//! file whose findings may have changed.

mod common;

use common::*;
use oneonone_ls::config::Config;
use oneonone_ls::model::{FileChange, SourceFile, Workspace};

fn source(path: &str, text: &str) -> Box<SourceFile> {
    Box::new(SourceFile::new(path.into(), text.to_string(), u64::MAX))
}

const A: &str = "---\nwith: Priya\n---\n## 2026-11-10\n### Actions\n- [ ] Draft the RFC ^rfc\n";
const B: &str = "---\nwith: Priya\n---\n## 2026-11-17\n### Agenda\n- How is it going? [[#^rfc]]\n";
const C: &str = "## 2026-11-24\n### Agenda\n- Fixed the build\n";

#[test]
fn an_update_matches_a_fresh_build_and_names_the_touched_files() {
    let ws = workspace(&[("a.1on1.md", A), ("b.1on1.md", B), ("c.1on1.md", C)]);
    // Break the reference in b: a's series changes, c's does not.
    let b2 = B.replace("^rfc", "^rfx");
    let (updated, touched) = ws.update(vec![FileChange::Set(source("b.1on1.md", &b2))]);
    let fresh = workspace(&[("a.1on1.md", A), ("b.1on1.md", &b2), ("c.1on1.md", C)]);
    assert_eq!(findings_in(&updated), findings_in(&fresh));
    let touched: Vec<String> = touched
        .iter()
        .map(|f| updated.file(*f).path.display().to_string())
        .collect();
    assert_eq!(touched, ["a.1on1.md", "b.1on1.md"]);

    // Moving b out of Priya's series touches both series it was and is in.
    let b3 = B.replace("with: Priya", "with: Sam");
    let (moved, touched) = updated.update(vec![FileChange::Set(source("b.1on1.md", &b3))]);
    let fresh = workspace(&[("a.1on1.md", A), ("b.1on1.md", &b3), ("c.1on1.md", C)]);
    assert_eq!(findings_in(&moved), findings_in(&fresh));
    assert_eq!(touched.len(), 2);

    // Removing a file.
    let (removed, touched) = moved.update(vec![FileChange::Remove("a.1on1.md".into())]);
    let fresh = workspace(&[("b.1on1.md", &b3), ("c.1on1.md", C)]);
    assert_eq!(findings_in(&removed), findings_in(&fresh));
    assert_eq!(touched.len(), 1, "only a's own series");
    assert!(removed.file_by_path("a.1on1.md".as_ref()).is_none());
}

#[test]
fn new_settings_reanalyse_everything() {
    let ws = workspace(&[("c.1on1.md", C)]);
    assert_eq!(findings_in(&ws), ["c.1on1.md:1 status-only-agenda"]);
    let off = config(serde_json::json!({"rules": {"status-only-agenda": "off"}}));
    let quiet = ws.with_settings(std::sync::Arc::new(off), date(TODAY));
    assert_eq!(findings_in(&quiet), Vec::<String>::new());
    let _ = Workspace::new(Config::default(), date(TODAY), vec![]);
}
