//! Finding and reading notes on disk, for the command line and the server alike: folders
//! are walked for `*.1on1.md`, skipping hidden folders, `node_modules` and `target`, never
//! following symbolic links. Only regular files are read (a named pipe would block the
//! reader forever), and never more of one than the analysis can use.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::model::SourceFile;

/// Folders never walked into.
pub fn skipped_dir(name: &str) -> bool {
    name.starts_with('.') || name == "node_modules" || name == "target"
}

/// Whether a path names a note (`*.1on1.md`), whatever the bytes of the rest of its name.
pub fn is_note(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| n.as_encoded_bytes().ends_with(b".1on1.md"))
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
    read_text_limited(path, u64::MAX)
}

/// Reads a file as text, but no more than `max_bytes + 1` bytes of it: enough to tell that
/// it is over `max_bytes` (and so not analysed) without holding gigabytes in memory.
/// Anything but a regular file (a folder, a named pipe, a device) is refused.
pub fn read_text_limited(path: &Path, max_bytes: u64) -> Result<String, String> {
    let fail = |e: std::io::Error| format!("cannot read {}: {}", path.display(), io_reason(&e));
    // Checked before opening: opening a named pipe blocks until someone writes to it.
    if !fs::metadata(path).map_err(fail)?.is_file() {
        return Err(format!("cannot read {}: not a file", path.display()));
    }
    let file = fs::File::open(path).map_err(fail)?;
    // Sized from the metadata, so a workspace of texts holds no growth slack.
    let expected = file
        .metadata()
        .map_or(0, |m| m.len())
        .min(max_bytes.saturating_add(1));
    // (At most 64 MiB up front: a file can grow, or lie about its size, before it is read.)
    let up_front = expected.min(64 << 20);
    let mut bytes = Vec::with_capacity(usize::try_from(up_front).unwrap_or(0));
    file.take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(fail)?;
    Ok(match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
}

/// Reads a small file (configuration) as UTF-8, refusing anything but a regular file.
pub fn read_utf8(path: &Path) -> Result<String, std::io::Error> {
    if !fs::metadata(path)?.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a file",
        ));
    }
    fs::read_to_string(path)
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
                        .map(|p| {
                            let text = read_text_limited(p, max_file_bytes)?;
                            Ok(SourceFile::new(p.clone(), text, max_file_bytes))
                        })
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
        AlreadyExists => "it already exists".into(),
        _ => {
            // The OS's words, without the error number, in the case of the rest of the line.
            let s = e.to_string();
            let s = s.split(" (os error").next().unwrap_or(&s);
            let mut chars = s.chars();
            match chars.next() {
                Some(c) => c.to_lowercase().chain(chars).collect(),
                None => s.to_string(),
            }
        }
    }
}
