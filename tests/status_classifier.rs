//! The status-update classifier against a labelled set of agenda items written for this
//! project (`tests/data/status_items.tsv`): precision must stay >= 0.97, recall >= 0.85.

use chrono::NaiveDate;
use oneonone_ls::config::Config;
use oneonone_ls::model::{ItemRef, SourceFile, Workspace};

/// Classifies one agenda item the way the rules do: as the only agenda item of a meeting.
fn classify(items: &[&str]) -> Vec<bool> {
    let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
    let files = items
        .iter()
        .enumerate()
        .map(|(i, line)| {
            let text = format!("## 2026-11-24\n### Agenda\n- [ ] {line}\n");
            SourceFile::new(format!("n{i}.1on1.md").into(), text, u64::MAX)
        })
        .collect();
    let ws = Workspace::new(Config::default(), today, files);
    ws.files()
        .map(|(file, f)| {
            assert_eq!(f.parsed.items.len(), 1, "{}", f.text);
            ws.is_status_update(ItemRef { file, item: 0 })
        })
        .collect()
}

struct Score {
    items: usize,
    precision: f64,
    recall: f64,
}

/// Scores the classifier on a labelled file and prints its mistakes.
fn score(data: &str) -> Score {
    let labelled: Vec<(bool, &str)> = data
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with("//"))
        .map(|l| {
            let (label, text) = l.split_once('\t').expect("label<TAB>item");
            match label {
                "status" => (true, text),
                "topic" => (false, text),
                other => panic!("unknown label {other:?}"),
            }
        })
        .collect();
    let texts: Vec<&str> = labelled.iter().map(|(_, t)| *t).collect();
    let predicted = classify(&texts);
    let (mut tp, mut fp, mut fneg) = (0, 0, 0);
    for ((truth, text), got) in labelled.iter().zip(&predicted) {
        match (truth, got) {
            (true, true) => tp += 1,
            (false, true) => {
                fp += 1;
                println!("false positive: {text}");
            }
            (true, false) => {
                fneg += 1;
                println!("missed: {text}");
            }
            _ => {}
        }
    }
    let s = Score {
        items: labelled.len(),
        precision: tp as f64 / (tp + fp) as f64,
        recall: tp as f64 / (tp + fneg) as f64,
    };
    println!(
        "{} items ({} status): precision {:.3}, recall {:.3} (tp {tp}, fp {fp}, fn {fneg})",
        s.items,
        tp + fneg,
        s.precision,
        s.recall
    );
    s
}

/// The set the classifier was tuned on.
#[test]
fn precision_and_recall_on_the_labelled_set() {
    let s = score(include_str!("data/status_items.tsv"));
    assert!(s.items >= 150);
    assert!(s.precision >= 0.97, "precision {:.3}", s.precision);
    assert!(s.recall >= 0.85, "recall {:.3}", s.recall);
}

/// A second set, written independently and never used for tuning: the honest figure.
#[test]
fn precision_and_recall_on_the_held_out_set() {
    let s = score(include_str!("data/status_items_holdout.tsv"));
    assert!(s.items >= 120);
    assert!(s.precision >= 0.97, "precision {:.3}", s.precision);
    assert!(s.recall >= 0.85, "recall {:.3}", s.recall);
}
