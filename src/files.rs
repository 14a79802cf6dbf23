//! Finding and reading notes on disk, for the command line and the server alike: folders
//! are walked for `*.1on1.md`, skipping hidden folders, `node_modules` and `target`, never
//! following symbolic links.

use std::fs;
use std::path::{Path, PathBuf};

use crate::model::SourceFile;

/// Folders never walked into.
pub fn skipped_dir(name: &str) -> bool {
    name.starts_with('.') || name == "node_modules" || name == "target"
}

/// Whether a path names a note (`*.1on1.md`).
pub fn is_note(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.ends_with(".1on1.md"))
}

/// Every note under `dir`, in path order. Folders that cannot be read are reported through
/// `error` and skipped.
pub fn walk(dir: &Path, out: &mut Vec<PathBuf>, error: &mut dyn FnMut(String)) {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            error(format!("cannot read {}: {}", dir.display(), io_reason(&e)));
            return;
        }
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        // `file_type` does not follow symbolic links, so a link is neither dir nor file.
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let path = clean(&entry.path());
        if kind.is_dir() {
            if !skipped_dir(&entry.file_name().to_string_lossy()) {
                walk(&path, out, error);
            }
        } else if kind.is_file() && is_note(&path) {
            out.push(path);
        }
    }
}

/// `./a/b` -> `a/b`, so that paths print as the user would write them.
fn clean(path: &Path) -> PathBuf {
    path.strip_prefix(".")
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

/// Reads a file as text: invalid UTF-8 is replaced, never refused.
pub fn read_text(path: &Path) -> Result<String, String> {
    let bytes =
        fs::read(path).map_err(|e| format!("cannot read {}: {}", path.display(), io_reason(&e)))?;
    Ok(match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
}

/// Reads and parses files, on every core. Returns the files and the errors, in path order.
pub fn read_all(paths: &[PathBuf], max_file_bytes: u64) -> (Vec<SourceFile>, Vec<String>) {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    let chunk = paths.len().div_ceil(threads).max(1);
    let results: Vec<Result<SourceFile, String>> = std::thread::scope(|scope| {
        let workers: Vec<_> = paths
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|p| Ok(SourceFile::new(p.clone(), read_text(p)?, max_file_bytes)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_default())
            .collect()
    });
    let mut files = Vec::with_capacity(results.len());
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok(f) => files.push(f),
            Err(e) => errors.push(e),
        }
    }
    (files, errors)
}

/// An I/O error in a few words, without the OS error number.
pub fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match e.kind() {
        NotFound => "no such file or folder".into(),
        PermissionDenied => "permission denied".into(),
        _ => {
            let s = e.to_string();
            s.split(" (os error").next().unwrap_or(&s).to_string()
        }
    }
}
