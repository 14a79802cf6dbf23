//! Micro-benchmarks of the analysis, on generated running docs: a full parse, a full
//! analysis (parse, series, diagnostics), and the re-analysis of one keystroke in the
//! newest meeting as the server does it (the edited meeting parsed again, the findings
//! brought up to date from it). `cargo bench -p oneonone-bench`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use oneonone_ls::config::Config;
use oneonone_ls::ide::diagnostics::live::LiveDiagnostics;
use oneonone_ls::ide::series_diagnostics;
use oneonone_ls::model::{FileChange, FileId, SourceFile, Workspace};
use oneonone_ls::syntax::parse;
use oneonone_ls::text::TextRange;

const SIZES: &[usize] = &[100_000, 1_000_000, 4_000_000];

fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap_or_default()
}

fn parse_and_analyse(c: &mut Criterion) {
    let mut group = c.benchmark_group("full");
    group.sample_size(10);
    for &bytes in SIZES {
        let doc = oneonone_bench::running_doc_of_size(1, bytes);
        group.throughput(Throughput::Bytes(doc.len() as u64));
        group.bench_with_input(BenchmarkId::new("parse", bytes), &doc, |b, doc| {
            b.iter(|| parse(doc, None))
        });
        group.bench_with_input(BenchmarkId::new("analyse", bytes), &doc, |b, doc| {
            b.iter(|| {
                let file = SourceFile::new("priya.1on1.md".into(), doc.clone(), u64::MAX);
                let ws = Workspace::new(Config::default(), today(), vec![file]);
                series_diagnostics(&ws, ws.series_of(FileId(0))).len()
            })
        });
    }
    group.finish();
}

fn keystroke(c: &mut Criterion) {
    let mut group = c.benchmark_group("keystroke");
    for &bytes in SIZES {
        let doc = oneonone_bench::running_doc_of_size(1, bytes);
        let end = doc.len();
        let file = SourceFile::new("priya.1on1.md".into(), doc, u64::MAX);
        let mut ws = Some(Workspace::new(Config::default(), today(), vec![file]));
        let mut live = LiveDiagnostics::new();
        if let Some(ws) = &ws {
            live.update(ws);
        }
        let mut typed = false;
        group.bench_function(BenchmarkId::new("reanalyse", bytes), |b| {
            b.iter(|| {
                // Type a character at the end, then take it back: the size stays the same.
                let edit = if typed {
                    (TextRange::new(end, end + 1), String::new())
                } else {
                    (TextRange::empty(end), "x".to_string())
                };
                typed = !typed;
                let change = FileChange::Edit {
                    path: "priya.1on1.md".into(),
                    edits: vec![edit],
                    version: None,
                };
                let (next, _) = ws.take().expect("a workspace").apply(vec![change]);
                live.update(&next);
                let n = live.file(FileId(0)).map_or(0, |d| d.list.len());
                ws = Some(next);
                n
            })
        });
    }
    group.finish();
}

criterion_group!(benches, parse_and_analyse, keystroke);
criterion_main!(benches);
