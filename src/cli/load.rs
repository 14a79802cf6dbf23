//! Reading what the command line is pointed at: the files, the configuration and today.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::config::{parse_today, Config};
use crate::model::SourceFile;

/// Problems met while loading; each is one line on stderr, and they make the exit code 2.
#[derive(Default)]
pub struct Errors(pub Vec<String>);

impl Errors {
    pub fn push(&mut self, message: String) {
        self.0.push(message);
    }
}

/// Folders never walked into.
fn skipped_dir(name: &str) -> bool {
    name.starts_with('.') || name == "node_modules" || name == "target"
}

pub fn is_note(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.ends_with(".1on1.md"))
}

/// Every `*.1on1.md` under the given paths (a file given by name is taken whatever its
/// name), as the path to show and the path to read. Symbolic links inside folders are not
/// followed.
pub fn discover(args: &[String], errors: &mut Errors) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for arg in args {
        let path = Path::new(arg);
        match fs::metadata(path) {
            Ok(meta) if meta.is_dir() => walk(path, &mut out, errors),
            Ok(_) => out.push(path.to_path_buf()),
            Err(e) => errors.push(format!("cannot read {arg}: {}", io_reason(&e))),
        }
    }
    out.sort();
    out.dedup();
    out
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>, errors: &mut Errors) {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            errors.push(format!("cannot read {}: {}", dir.display(), io_reason(&e)));
            return;
        }
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let path = clean(&entry.path());
        if kind.is_dir() {
            if !skipped_dir(&entry.file_name().to_string_lossy()) {
                walk(&path, out, errors);
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

/// Reads and parses files, on every core; unreadable ones are reported and skipped.
/// Invalid UTF-8 is read lossily.
pub fn read_files(paths: Vec<PathBuf>, config: &Config, errors: &mut Errors) -> Vec<SourceFile> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    let chunk = paths.len().div_ceil(threads).max(1);
    let results: Vec<Result<SourceFile, String>> = std::thread::scope(|scope| {
        let workers: Vec<_> = paths
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || part.iter().map(|p| read_one(p, config)).collect::<Vec<_>>())
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_default())
            .collect()
    });
    let mut files = Vec::with_capacity(results.len());
    for r in results {
        match r {
            Ok(f) => files.push(f),
            Err(e) => errors.push(e),
        }
    }
    files
}

fn read_one(path: &Path, config: &Config) -> Result<SourceFile, String> {
    let bytes =
        fs::read(path).map_err(|e| format!("cannot read {}: {}", path.display(), io_reason(&e)))?;
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    };
    Ok(SourceFile::new(
        path.to_path_buf(),
        text,
        config.max_file_bytes,
    ))
}

/// The configuration: `--config FILE`, else the nearest `.1on1.json` in the first path's
/// folder or above it. Also returns the folder it was found in.
pub fn load_config(
    explicit: Option<&str>,
    first_path: &str,
    errors: &mut Errors,
) -> (Config, Option<PathBuf>) {
    let mut config = Config::default();
    let file = match explicit {
        Some(f) => Some(PathBuf::from(f)),
        None => find_config(Path::new(first_path)),
    };
    let Some(file) = file else {
        return (config, None);
    };
    let root = file.parent().map(Path::to_path_buf);
    let text = match fs::read_to_string(&file) {
        Ok(t) => t,
        Err(e) => {
            errors.push(format!("cannot read {}: {}", file.display(), io_reason(&e)));
            return (config, root);
        }
    };
    match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(value) => {
            for e in config.merge_json(&value) {
                errors.push(format!("{}: {e}; the default is used", file.display()));
            }
        }
        Err(e) => errors.push(format!(
            "{}: not valid JSON ({e}); the defaults are used",
            file.display()
        )),
    }
    (config, root)
}

fn find_config(start: &Path) -> Option<PathBuf> {
    let start = fs::canonicalize(start).ok()?;
    let mut dir = if start.is_dir() {
        Some(start.as_path())
    } else {
        start.parent()
    };
    while let Some(d) = dir {
        let candidate = d.join(".1on1.json");
        if candidate.is_file() {
            // Show it relative to the current folder when it is below it.
            let shown = std::env::current_dir()
                .ok()
                .and_then(|cwd| candidate.strip_prefix(cwd).ok().map(Path::to_path_buf))
                .unwrap_or(candidate);
            return Some(shown);
        }
        dir = d.parent();
    }
    None
}

/// Today: `--today`, else `ONEONONE_TODAY`, else the configuration's `today`, else the
/// local date.
pub fn today(flag: Option<&str>, config: &Config) -> Result<NaiveDate, String> {
    if let Some(s) = flag {
        return parse_today(s).map_err(|e| format!("--today: {e}"));
    }
    if let Ok(s) = std::env::var("ONEONONE_TODAY") {
        if !s.trim().is_empty() {
            return parse_today(&s).map_err(|e| format!("ONEONONE_TODAY: {e}"));
        }
    }
    Ok(config
        .today
        .unwrap_or_else(|| chrono::Local::now().date_naive()))
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
