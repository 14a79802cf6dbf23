//! `bench-parse [BYTES]`: parses and analyses one generated running doc of about BYTES
//! bytes (default 1 MB) repeatedly and prints the time per pass and the throughput.

use std::time::Instant;

use oneonone_ls::config::Config;
use oneonone_ls::ide::workspace_diagnostics;
use oneonone_ls::model::{SourceFile, Workspace};
use oneonone_ls::syntax::parse;

fn main() {
    let bytes: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let doc = oneonone_bench::running_doc_of_size(1, bytes);
    let mb = doc.len() as f64 / 1e6;
    let runs = (50_000_000 / doc.len()).clamp(3, 200);
    let time = |f: &dyn Fn()| {
        let start = Instant::now();
        for _ in 0..runs {
            f();
        }
        start.elapsed().as_secs_f64() * 1000.0 / runs as f64
    };
    let parse_ms = time(&|| {
        std::hint::black_box(parse(&doc, None));
    });
    let cmark_ms = time(&|| {
        let events = pulldown_cmark::Parser::new(&doc).into_offset_iter().count();
        std::hint::black_box(events);
    });
    let lines_ms = time(&|| {
        std::hint::black_box(oneonone_ls::text::LineIndex::new(&doc));
    });
    println!("pulldown-cmark alone {cmark_ms:.2} ms; line index {lines_ms:.2} ms");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap_or_default();
    let analyse_ms = time(&|| {
        let f = SourceFile::new("bench.1on1.md".into(), doc.clone(), u64::MAX);
        let ws = Workspace::new(Config::default(), today, vec![f]);
        std::hint::black_box(workspace_diagnostics(&ws));
    });
    println!(
        "{:.2} MB doc, {runs} runs: parse {parse_ms:.2} ms ({:.0} MB/s); parse + analyse + diagnostics {analyse_ms:.2} ms",
        mb,
        mb / (parse_ms / 1000.0)
    );
}
