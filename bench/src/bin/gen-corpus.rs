//! `gen-corpus DIR [--series N] [--meetings N] [--seed N]`: writes a deterministic workspace
//! of 1:1 notes (default: 20 series x 520 weekly meetings, about 10 MB).
//! `gen-corpus FILE --bytes N`: writes one running doc of about N bytes.

use std::path::PathBuf;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut out: Option<PathBuf> = None;
    let (mut series, mut meetings, mut seed, mut bytes) = (20usize, 520usize, 1u64, None::<usize>);
    let mut i = 0;
    while i < args.len() {
        let value = |i: usize| -> usize {
            args.get(i + 1)
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| {
                    eprintln!("gen-corpus: {} needs a number", args[i]);
                    std::process::exit(2)
                })
        };
        match args[i].as_str() {
            "--series" => series = value(i),
            "--meetings" => meetings = value(i),
            "--seed" => seed = value(i) as u64,
            "--bytes" => bytes = Some(value(i)),
            a if !a.starts_with('-') => {
                out = Some(PathBuf::from(a));
                i += 1;
                continue;
            }
            other => {
                eprintln!("gen-corpus: unknown option {other}");
                std::process::exit(2)
            }
        }
        i += 2;
    }
    let Some(out) = out else {
        eprintln!("usage: gen-corpus DIR [--series N] [--meetings N] [--seed N] | gen-corpus FILE --bytes N");
        std::process::exit(2)
    };
    let result = match bytes {
        Some(n) => std::fs::write(&out, oneonone_bench::running_doc_of_size(seed, n)).map(|_| {
            println!(
                "wrote {} ({} bytes)",
                out.display(),
                std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0)
            )
        }),
        None => oneonone_bench::write_workspace(&out, series, meetings, seed).map(|s| {
            println!(
                "wrote {}: {} files, {} meetings, {:.1} MB",
                out.display(),
                s.files,
                s.meetings,
                s.bytes as f64 / 1e6
            )
        }),
    };
    if let Err(e) = result {
        eprintln!("gen-corpus: {e}");
        std::process::exit(1);
    }
}
