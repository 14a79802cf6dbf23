//! Reading what the command line is pointed at: the files, the configuration and today.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::config::{parse_today, Config};
use crate::files::walk;
pub use crate::files::{io_reason, is_note};
use crate::model::SourceFile;

/// Problems met while loading; each is one line on stderr, and they make the exit code 2.
#[derive(Default)]
pub struct Errors(pub Vec<String>);

impl Errors {
    pub fn push(&mut self, message: String) {
        self.0.push(message);
    }
}

/// Every `*.1on1.md` under the given paths (a file given by name is taken whatever its
/// name), as the path to show and the path to read. Symbolic links inside folders are not
/// followed.
pub fn discover(args: &[String], errors: &mut Errors) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for arg in args {
        let path = Path::new(arg);
        match fs::metadata(path) {
            Ok(meta) if meta.is_dir() => walk(path, &mut out, &mut |e| errors.push(e)),
            Ok(_) => out.push(path.to_path_buf()),
            Err(e) => errors.push(format!("cannot read {arg}: {}", io_reason(&e))),
        }
    }
    out.sort();
    out.dedup();
    out
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
    let text = match crate::files::read_utf8(&file) {
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
        // Whatever it is (a folder, a broken link): reading it will say what is wrong.
        if fs::symlink_metadata(&candidate).is_ok() {
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

/// Reads and parses the files; unreadable ones are reported and skipped.
pub fn read_files(paths: Vec<PathBuf>, config: &Config, errors: &mut Errors) -> Vec<SourceFile> {
    let (files, problems) = crate::files::read_all(&paths, config.max_file_bytes);
    for p in problems {
        errors.push(p);
    }
    files
}
