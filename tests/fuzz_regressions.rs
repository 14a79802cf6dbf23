//! The fuzz targets' properties on every stored input: the seeds of each target and every
//! input a fuzzer ever failed on, under `tests/data/fuzz/<target>/`. The same checks as
//! `cargo fuzz run <target>` (both use `tests/fuzz_properties/`), in the normal test suite.
//!
//! A file named `open-bug-*` is an input that still fails: a bug found and reported, not yet
//! fixed. It must keep failing (so the suite stays green while the fix is pending) and the
//! test says so when it starts to pass: then rename it (drop `open-bug-`) and it guards the
//! fix like every other stored input.

mod fuzz_properties;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;

fn run_stored(target: &str) {
    let check = fuzz_properties::TARGETS
        .iter()
        .find(|(name, _)| *name == target)
        .map(|(_, check)| *check)
        .expect("a fuzz target");
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/fuzz")
        .join(target);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no stored inputs in {}", dir.display());
    let mut failed = Vec::new();
    let mut fixed = Vec::new();
    for path in &paths {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let data = std::fs::read(path).unwrap();
        let open_bug = name.starts_with("open-bug-");
        if open_bug {
            eprintln!("{target}/{name}: a known open bug, expected to fail:");
        }
        let passed = catch_unwind(AssertUnwindSafe(|| check(&data))).is_ok();
        match (passed, open_bug) {
            (false, false) => failed.push(name),
            (true, true) => fixed.push(name),
            _ => {}
        }
    }
    assert!(
        failed.is_empty(),
        "{target}: {} of {} stored inputs fail (the panic messages are above): {failed:?}",
        failed.len(),
        paths.len()
    );
    assert!(
        fixed.is_empty(),
        "{target}: these open bugs pass now; rename them without `open-bug-` to keep them \
         as regressions: {fixed:?}"
    );
}

#[test]
fn every_target_has_a_test() {
    let names: Vec<&str> = fuzz_properties::TARGETS.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        names,
        [
            "parse_rules",
            "line_index",
            "incremental_edit",
            "actions",
            "next"
        ]
    );
}

/// `fuzz/1on1.dict` is the fragment list of the structured targets, for the raw ones.
#[test]
fn dictionary_is_up_to_date() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz/1on1.dict");
    let want = fuzz_properties::input::libfuzzer_dictionary();
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    if have != want {
        if std::env::var_os("UPDATE_EXPECT").is_some() {
            std::fs::write(&path, want).unwrap();
        } else {
            panic!("fuzz/1on1.dict is stale: run with UPDATE_EXPECT=1 to rewrite it");
        }
    }
}

#[test]
fn parse_rules() {
    run_stored("parse_rules");
}

#[test]
fn line_index() {
    run_stored("line_index");
}

#[test]
fn incremental_edit() {
    run_stored("incremental_edit");
}

#[test]
fn actions() {
    run_stored("actions");
}

#[test]
fn next() {
    run_stored("next");
}
