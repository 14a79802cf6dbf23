//! The command line, end to end: the built binary on real files.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use common::cmd::{run, stderr, stdout, write, BIN};

const STATUS_ONLY: &str = "\
---
with: Jordan
---
# Alex / Jordan

## 2026-11-17
### Agenda
- What should I learn next? #growth
### Actions
- [ ] Write the runbook 📅 2026-11-20

## 2026-11-24
### Agenda
- Fixed the flaky test
- Merged PR #123
";

const HEALTHY: &str = "\
# Sam / Priya

## 2026-11-24
### Agenda
- Could I lead the migration? #growth
";

#[test]
fn check_prints_findings_sorted_and_exits_1_on_warnings() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "notes/jordan.1on1.md", STATUS_ONLY);
    write(dir.path(), "notes/priya.1on1.md", HEALTHY);
    write(dir.path(), "notes/readme.md", "## 2026-02-30\n");
    let o = run(dir.path(), &["check", "notes", "--today", "2026-11-25"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(lines[0].starts_with(
        "notes/jordan.1on1.md:10:1: warning[overdue-action] Due 2026-11-20, 5 days ago."
    ));
    assert!(lines[1].starts_with("notes/jordan.1on1.md:12:1: warning[status-only-agenda] "));
    assert!(
        lines[2].starts_with("notes/jordan.1on1.md:12:1: information[uncarried-loops] 1 open loop")
    );
    assert_eq!(stderr(&o), "");
}

#[test]
fn check_exits_0_when_only_information_or_nothing_is_found() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "priya.1on1.md", HEALTHY);
    let o = run(dir.path(), &["check", "--today=2026-11-25"]);
    assert_eq!((o.status.code(), stdout(&o)), (Some(0), String::new()));
    let gap = format!("{HEALTHY}\n## 2027-01-05\n### Agenda\n- What next? #growth\n");
    write(dir.path(), "priya.1on1.md", &gap);
    let o = run(dir.path(), &["check", ".", "--today", "2027-01-06"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stdout(&o).contains("information[cadence-gap]"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn check_json_has_every_field_with_one_based_character_columns() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a.1on1.md",
        "## 2026-11-24\n- 🙂 What next? #grwoth\n",
    );
    let o = run(
        dir.path(),
        &[
            "check",
            "a.1on1.md",
            "--format",
            "json",
            "--today",
            "2026-11-25",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let expected = serde_json::json!([{
        "path": "a.1on1.md", "line": 2, "column": 16, "endLine": 2, "endColumn": 23,
        "severity": "warning", "rule": "unknown-theme",
        "message": "#grwoth is not a theme. Did you mean #growth?"
    }]);
    assert_eq!(v, expected);
}

#[test]
fn unreadable_paths_are_reported_on_stderr_with_exit_2_and_the_rest_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.1on1.md", "## 2026-11-24\n### Agenda\n");
    let o = run(
        dir.path(),
        &["check", "missing", "a.1on1.md", "--today", "2026-11-25"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "oneonone-ls: cannot read missing: no such file or folder\n"
    );
    assert!(stdout(&o).contains("a.1on1.md:1:1: warning[empty-agenda]"));
}

#[test]
fn usage_errors_are_one_line_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        vec!["check", "--frobnicate"],
        vec!["check", "--format", "xml"],
        vec!["check", "--today", "2026-02-30"],
        vec!["check", "--today"],
        vec!["launch"],
        vec!["next", "a", "b"],
    ] {
        let o = run(dir.path(), &args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = stderr(&o);
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with("oneonone-ls: "), "{err}");
    }
    let o = Command::new(BIN)
        .args(["check"])
        .current_dir(dir.path())
        .env("ONEONONE_TODAY", "soon")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("ONEONONE_TODAY"));
}

#[test]
fn help_and_version() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(dir.path(), &["--help"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("oneonone-ls check [PATH...]"));
    let o = run(dir.path(), &["--version"]);
    assert_eq!(
        stdout(&o),
        format!("oneonone-ls {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn today_comes_from_the_flag_then_the_environment_then_the_config() {
    let dir = tempfile::tempdir().unwrap();
    let text = "## 2026-11-02\n### Actions\n- [ ] Write the runbook 📅 2026-11-10\n\n## 2026-11-09\n- What next? #growth\n";
    write(dir.path(), "a.1on1.md", text);
    write(dir.path(), ".1on1.json", r#"{"today": "2026-11-09"}"#);
    let o = run(dir.path(), &["check"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "config today: not yet overdue: {}",
        stdout(&o)
    );
    let o = Command::new(BIN)
        .args(["check"])
        .current_dir(dir.path())
        .env("ONEONONE_TODAY", "2026-11-11")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "env today: overdue");
    let o = Command::new(BIN)
        .args(["check", "--today", "2026-11-09"])
        .current_dir(dir.path())
        .env("ONEONONE_TODAY", "2026-11-11")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "the flag wins");
}

#[test]
fn bad_configuration_names_the_key_keeps_the_defaults_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.1on1.md", "## 2026-11-24\n### Agenda\n");
    write(
        dir.path(),
        ".1on1.json",
        r#"{"rules": {"empty-agenda": "loud"}, "careerEvery": 0}"#,
    );
    let o = run(dir.path(), &["check", "--today", "2026-11-25"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("`careerEvery`") && err.contains("`rules.empty-agenda`"),
        "{err}"
    );
    assert!(
        stdout(&o).contains("warning[empty-agenda]"),
        "defaults stay in force"
    );
    write(dir.path(), ".1on1.json", "{ not json");
    let o = run(dir.path(), &["check", "--today", "2026-11-25"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not valid JSON"), "{}", stderr(&o));
    let o = run(
        dir.path(),
        &["check", "--config", "nope.json", "--today", "2026-11-25"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot read nope.json"));
}

#[test]
fn hidden_and_build_folders_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    for d in [".git", "node_modules", "target", ".obsidian"] {
        write(
            dir.path(),
            &format!("{d}/x.1on1.md"),
            "## 2026-11-24\n### Agenda\n",
        );
    }
    let o = run(dir.path(), &["check", "--today", "2026-11-25"]);
    assert_eq!((o.status.code(), stdout(&o)), (Some(0), String::new()));
}

#[test]
fn summary_reports_growth_feedback_cadence_and_open_loops() {
    let dir = tempfile::tempdir().unwrap();
    let text = "\
---
with: Priya
---
## 2026-11-03
### Agenda
- How do I get to senior? #growth
### Feedback
- Share drafts earlier ^drafts
- Demos are too long ^demos

## 2026-11-10
### Agenda
- [x] Shared the RFC draft early, better? [[#^drafts]] ✅ 2026-11-10
- Are we aligned on Q1? #alignment

## 2026-11-17
### Agenda
- Fixed the build
";
    write(dir.path(), "priya.1on1.md", text);
    let o = run(
        dir.path(),
        &["summary", "--format", "json", "--today", "2026-11-25"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let s = &v[0];
    assert_eq!(s["series"], "Priya");
    assert_eq!(s["meetings"], 3);
    assert_eq!(s["growth"]["meetings"], 1);
    assert_eq!(s["growth"]["last"], "2026-11-03");
    assert_eq!(s["growth"]["daysSinceLast"], 22);
    assert_eq!(s["alignment"]["items"], 1);
    assert_eq!(s["feedback"]["opened"], 2);
    assert_eq!(s["feedback"]["closed"], 1);
    assert_eq!(s["feedback"]["stale"], 1, "22 days without follow-up");
    assert_eq!(s["feedback"]["medianDaysToClose"], 7.0);
    assert_eq!(s["statusOnlyMeetings"], 1);
    assert_eq!(s["cadence"]["gaps"], 2);
    assert_eq!(s["cadence"]["kept"], 2);
    assert_eq!(s["openLoops"].as_array().unwrap().len(), 1);
    assert_eq!(s["openLoops"][0]["text"], "Demos are too long");
    // A meeting planned ahead counts as today, never as "-6 days ago".
    let o = run(
        dir.path(),
        &["summary", "--format", "json", "--today", "2026-11-01"],
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v[0]["growth"]["daysSinceLast"], 0);
    assert!(v[0]["openLoops"]
        .as_array()
        .unwrap()
        .iter()
        .all(|l| l["daysSinceActivity"] == 0));
    let o = run(dir.path(), &["summary", "--today", "2026-11-25"]);
    let text = stdout(&o);
    assert!(text.starts_with("Priya (priya.1on1.md)\n"), "{text}");
    assert!(
        text.contains("  feedback     2 loops opened, 1 closed, 1 stale, median 7 days to close\n"),
        "{text}"
    );
}

#[test]
fn next_appends_to_an_oldest_first_file_and_changes_no_other_byte() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "jordan.1on1.md", STATUS_ONLY);
    let o = run(
        dir.path(),
        &["next", "jordan.1on1.md", "--today", "2026-11-25"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "Added the 2026-12-01 meeting to jordan.1on1.md: 1 open loop carried over.\n"
    );
    let after = fs::read_to_string(dir.path().join("jordan.1on1.md")).unwrap();
    let expected_tail = "\
- Merged PR #123

## 2026-12-01

### Agenda
- [ ] Write the runbook [[#^write-the-runbook]]

### Notes

### Actions
";
    let with_id = STATUS_ONLY.replace("📅 2026-11-20\n", "📅 2026-11-20 ^write-the-runbook\n");
    assert!(after.starts_with(&with_id[..with_id.len() - "- Merged PR #123\n".len()]));
    assert!(after.ends_with(expected_tail), "{after}");
    // The file now checks without the uncarried-loops finding, and the new agenda is empty
    // of questions but carries the loop.
    let o = run(
        dir.path(),
        &["check", "--today", "2026-11-25", "--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let rules: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["overdue-action", "passenger-agenda"]);
}

#[test]
fn next_prepends_to_a_newest_first_crlf_file_keeping_bom_and_line_endings() {
    let dir = tempfile::tempdir().unwrap();
    let lf = "# Sam / Priya\n\n## 2026-11-24\n- What next? #growth\n- [ ] Book the review\n\n## 2026-11-17\n- How am I doing? #feedback\n";
    let text = format!("\u{feff}{}", lf.replace('\n', "\r\n"));
    write(dir.path(), "p.1on1.md", &text);
    let o = run(dir.path(), &["next", "p.1on1.md", "--today", "2026-11-25"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let after = fs::read(dir.path().join("p.1on1.md")).unwrap();
    let after = String::from_utf8(after).unwrap();
    let inserted = "## 2026-12-01\r\n\r\n### Agenda\r\n- [ ] Book the review [[#^book-the-review]]\r\n\r\n### Notes\r\n\r\n### Actions\r\n\r\n";
    let expected = text
        .replace("## 2026-11-24\r\n", &format!("{inserted}## 2026-11-24\r\n"))
        .replace(
            "- [ ] Book the review\r\n",
            "- [ ] Book the review ^book-the-review\r\n",
        );
    assert_eq!(after, expected);
    assert!(after.starts_with('\u{feff}'));
    assert_eq!(after.matches('\n').count(), after.matches("\r\n").count());
}

#[test]
fn next_in_a_folder_of_one_meeting_files_writes_the_next_file() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "maya/2026-11-17.1on1.md",
        "# 1:1 Maya / Tom\n## Agenda\n- What next? #growth\n## Actions\n- [ ] Send the abstract\n",
    );
    let o = run(
        dir.path(),
        &["next", "maya/2026-11-17.1on1.md", "--today", "2026-11-20"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let new = fs::read_to_string(dir.path().join("maya/2026-11-24.1on1.md")).unwrap();
    assert_eq!(
        new,
        "# 1:1 Maya / Tom\n\n## Agenda\n- [ ] Send the abstract [[2026-11-17.1on1#^send-the-abstract]]\n\n## Notes\n\n## Actions\n"
    );
    let old = fs::read_to_string(dir.path().join("maya/2026-11-17.1on1.md")).unwrap();
    assert!(old.ends_with("- [ ] Send the abstract ^send-the-abstract\n"));
    // From the new file, the next meeting is one cadence later again.
    let o = run(
        dir.path(),
        &["next", "maya/2026-11-24.1on1.md", "--today", "2026-11-20"],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "the next one is a week later: {}",
        stderr(&o)
    );
    assert!(dir.path().join("maya/2026-12-01.1on1.md").exists());
}

/// A fence left open at the end of the file would make the new meeting code: `next` says so
/// and writes nothing.
#[test]
fn next_refuses_to_append_inside_an_unclosed_code_block() {
    let dir = tempfile::tempdir().unwrap();
    let text = "## 2026-11-24\n### Agenda\n- Career plan #growth\n\n```\nlog\n";
    fs::write(dir.path().join("open.1on1.md"), text).unwrap();
    let o = run(
        dir.path(),
        &["next", "open.1on1.md", "--today", "2026-11-25"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("close that block first"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("open.1on1.md")).unwrap(),
        text
    );
}

#[test]
fn next_refuses_files_it_cannot_edit_safely() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("bad.1on1.md"),
        b"## 2026-11-24\n- caf\xe9\n",
    )
    .unwrap();
    let o = run(
        dir.path(),
        &["next", "bad.1on1.md", "--today", "2026-11-25"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not valid UTF-8"), "{}", stderr(&o));
    assert_eq!(
        fs::read(dir.path().join("bad.1on1.md")).unwrap(),
        b"## 2026-11-24\n- caf\xe9\n"
    );
    let o = run(dir.path(), &["next", "missing.1on1.md"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "oneonone-ls: cannot read missing.1on1.md: no such file or folder\n"
    );
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .collect();
    assert_eq!(
        leftovers.len(),
        1,
        "no temporary file left behind: {leftovers:?}"
    );
}

/// The findings `examples/README.md` documents, worked out by hand from the spec.
#[test]
fn the_examples_fire_exactly_the_documented_findings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let o = run(root, &["check", "examples", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let got: Vec<String> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{}:{} {}",
                f["path"].as_str().unwrap(),
                f["line"],
                f["rule"].as_str().unwrap()
            )
        })
        .collect();
    let expected = [
        "examples/one-meeting-files/2026-11-24.1on1.md:4 broken-reference",
        "examples/one-meeting-files/2026-11-24.1on1.md:13 duplicate-id",
        "examples/one-meeting-files/2026-12-01.1on1.md:1 empty-agenda",
        "examples/running-doc/alex-jordan.1on1.md:4 bad-front-matter",
        "examples/running-doc/alex-jordan.1on1.md:11 meeting-order",
        "examples/running-doc/alex-jordan.1on1.md:37 unknown-theme",
        "examples/running-doc/alex-jordan.1on1.md:50 cadence-gap",
        "examples/running-doc/alex-jordan.1on1.md:57 stale-feedback",
        "examples/running-doc/alex-jordan.1on1.md:72 stale-loop",
        "examples/running-doc/alex-jordan.1on1.md:73 invalid-date",
        "examples/running-doc/alex-jordan.1on1.md:77 broken-reference",
        "examples/running-doc/alex-jordan.1on1.md:85 stale-loop",
        "examples/running-doc/alex-jordan.1on1.md:87 non-iso-date",
        "examples/running-doc/alex-jordan.1on1.md:106 status-only-agenda",
        "examples/running-doc/alex-jordan.1on1.md:106 career-drift",
        "examples/running-doc/alex-jordan.1on1.md:106 uncarried-loops",
        "examples/running-doc/alex-jordan.1on1.md:117 overdue-action",
        "examples/running-doc/alex-jordan.1on1.md:118 duplicate-id",
    ];
    assert_eq!(got, expected);
}
