//! `bench-check [--runs N] [--series N] [--meetings N]`: generates the workspace corpus (if
//! missing) under `target/bench-corpus/`, then times `oneonone-ls check` on it with the
//! release binary: wall time per run (min / median / max) and the peak resident memory.
//! Build first: `cargo build --release --workspace`.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let get = |name: &str, default: usize| -> usize {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let (runs, series, meetings) = (
        get("--runs", 10),
        get("--series", 20),
        get("--meetings", 520),
    );
    let target = oneonone_bench::target_dir();
    let bin = target.join("release").join("oneonone-ls");
    if !bin.exists() {
        eprintln!(
            "bench-check: {} is missing: run `cargo build --release --workspace` first",
            bin.display()
        );
        std::process::exit(2);
    }
    let corpus = target.join(format!("bench-corpus/ws-{series}x{meetings}"));
    if !corpus.exists() {
        oneonone_bench::write_workspace(&corpus, series, meetings, 1).expect("corpus written");
    }
    let (files, bytes) = size_of(&corpus);
    println!(
        "corpus: {} ({files} files, {:.1} MB)",
        corpus.display(),
        bytes as f64 / 1e6
    );
    let mut times = Vec::new();
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        let status = Command::new(&bin)
            .args(["check", "--format", "json"])
            .arg(&corpus)
            .stdout(Stdio::null())
            .status()
            .expect("oneonone-ls runs");
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        assert!(
            status.code().is_some_and(|c| c <= 1),
            "check failed: {status}"
        );
    }
    times.sort_by(f64::total_cmp);
    let peak_kb = peak_child_rss_kb();
    println!(
        "check: {} runs, min {:.0} ms, median {:.0} ms, max {:.0} ms; peak RSS {:.1} MB ({:.1}x the corpus)",
        times.len(),
        times[0],
        times[times.len() / 2],
        times[times.len() - 1],
        peak_kb as f64 / 1024.0,
        (peak_kb * 1024) as f64 / bytes as f64
    );
}

fn size_of(dir: &Path) -> (usize, u64) {
    let notes = oneonone_bench::notes_in(dir);
    (notes.len(), notes.iter().map(|(len, _)| len).sum())
}

/// The largest resident set of any child waited for so far, in kB.
fn peak_child_rss_kb() -> u64 {
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage writes into the struct we own.
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    usage.ru_maxrss as u64
}
