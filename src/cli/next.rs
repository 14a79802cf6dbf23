//! `oneonone-ls next`: adds the next meeting to a series file (or, for a folder of
//! one-meeting files, writes the next file). Writes are atomic (a temporary file renamed
//! over the old one), keep every other byte, and are refused when a file changed on disk
//! since it was read.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::load::{self, io_reason, Errors};
use super::{report, usage_error, Options};
use crate::ide::next::next_meeting;
use crate::ide::{apply_edits, TextEdit};
use crate::model::{FileId, Workspace};

pub fn run(opts: Options) -> ExitCode {
    let mut errors = Errors::default();
    let file = match opts.paths.as_slice() {
        [f] => PathBuf::from(f),
        [] => match single_note_here() {
            Some(f) => f,
            None => {
                return usage_error("next needs a FILE: there is not exactly one *.1on1.md here")
            }
        },
        _ => return usage_error("next takes one FILE"),
    };
    let shown = file.display().to_string();
    if !file.is_file() {
        let reason = match fs::metadata(&file) {
            Err(e) => io_reason(&e),
            Ok(_) => "not a file".into(),
        };
        eprintln!("oneonone-ls: cannot read {shown}: {reason}");
        return ExitCode::from(2);
    }
    let (config, root) = load::load_config(opts.config.as_deref(), &shown, &mut errors);
    let today = match load::today(opts.today.as_deref(), &config) {
        Ok(t) => t,
        Err(e) => {
            report(&errors);
            return usage_error(&e);
        }
    };
    // The series may span the folder (one-meeting files) or the workspace (`with:`).
    let dir = root.unwrap_or_else(|| file.parent().map(Path::to_path_buf).unwrap_or_default());
    let dir_arg = if dir.as_os_str().is_empty() {
        ".".to_string()
    } else {
        dir.display().to_string()
    };
    let mut paths = load::discover(&[dir_arg], &mut Errors::default());
    let canonical = fs::canonicalize(&file).ok();
    paths.retain(|p| fs::canonicalize(p).ok() != canonical);
    paths.push(file.clone());
    let files = load::read_files(paths, &config, &mut errors);
    let ws = Workspace::new(config, today, files);
    let Some(id) = ws.file_by_path(&file) else {
        report(&errors);
        return ExitCode::from(2);
    };
    report(&errors);
    match write_next(&ws, id) {
        Ok(message) => {
            println!("{message}");
            if errors.0.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(2)
            }
        }
        Err(e) => {
            eprintln!("oneonone-ls: {e}; nothing was written");
            ExitCode::from(2)
        }
    }
}

fn single_note_here() -> Option<PathBuf> {
    let mut notes = fs::read_dir(".")
        .ok()?
        .filter_map(Result::ok)
        .map(|e| PathBuf::from(e.file_name()))
        .filter(|p| load::is_note(p) && p.is_file());
    let first = notes.next()?;
    notes.next().is_none().then_some(first)
}

fn write_next(ws: &Workspace, file: FileId) -> Result<String, String> {
    let plan =
        next_meeting(ws, file).map_err(|e| format!("{}: {e}", ws.file(file).path.display()))?;
    let mut by_file: BTreeMap<FileId, Vec<&TextEdit>> = BTreeMap::new();
    for e in &plan.edits {
        by_file.entry(e.file).or_default().push(e);
    }
    // Check and prepare everything before the first rename.
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
    let result = (|| {
        for (&f, edits) in &by_file {
            let src = ws.file(f);
            let on_disk = fs::read(&src.path)
                .map_err(|e| format!("cannot read {}: {}", src.path.display(), io_reason(&e)))?;
            if on_disk != src.text.as_bytes() {
                return Err(format!(
                    "{} changed on disk since it was read, or is not valid UTF-8",
                    src.path.display()
                ));
            }
            // A rename would replace a file the user made read-only: refuse, as an editor
            // would.
            fs::OpenOptions::new()
                .append(true)
                .open(&src.path)
                .map_err(|e| format!("cannot write {}: {}", src.path.display(), io_reason(&e)))?;
            let new_text = apply_edits(&src.text, edits.iter().copied())
                .ok_or_else(|| format!("{}: the edit does not fit the file", src.path.display()))?;
            // Through a symbolic link, the file it points to is replaced, not the link.
            let dest = fs::canonicalize(&src.path).unwrap_or_else(|_| src.path.clone());
            let tmp = temp_beside(&dest, &src.path, new_text.as_bytes())?;
            staged.push((tmp, dest));
        }
        Ok(())
    })();
    if let Err(e) = result {
        for (tmp, _) in &staged {
            let _ = fs::remove_file(tmp);
        }
        return Err(e);
    }
    let mut written = Vec::new();
    if let Some((path, text)) = &plan.new_file {
        let tmp = temp_beside(path, path, text.as_bytes())?;
        // A hard link never replaces an existing file.
        let linked = fs::hard_link(&tmp, path);
        let _ = fs::remove_file(&tmp);
        if let Err(e) = linked {
            for (tmp, _) in &staged {
                let _ = fs::remove_file(tmp);
            }
            return Err(format!(
                "cannot create {}: {}",
                path.display(),
                io_reason(&e)
            ));
        }
        written.push(path.display().to_string());
    }
    for (i, (tmp, dest)) in staged.iter().enumerate() {
        if let Err(e) = fs::rename(tmp, dest) {
            for (tmp, _) in &staged[i..] {
                let _ = fs::remove_file(tmp);
            }
            return Err(format!(
                "cannot replace {}: {}",
                dest.display(),
                io_reason(&e)
            ));
        }
    }
    let target = match &plan.new_file {
        Some((path, _)) => format!("{} (new file)", path.display()),
        None => ws.file(file).path.display().to_string(),
    };
    let loops = match plan.carried {
        0 => "no open loops to carry over".to_string(),
        1 => "1 open loop carried over".to_string(),
        n => format!("{n} open loops carried over"),
    };
    let ids: Vec<String> = by_file
        .keys()
        .filter(|&&f| f != file)
        .map(|&f| ws.file(f).path.display().to_string())
        .collect();
    let also = if ids.is_empty() {
        String::new()
    } else {
        format!("; ids added in {}", ids.join(", "))
    };
    Ok(format!(
        "Added the {} meeting to {target}: {loops}{also}.",
        plan.date
    ))
}

/// Writes `bytes` to a new temporary file next to `path` (same folder, so that a rename is
/// atomic), with the permissions of `path` when it exists. Errors name `shown`, the path
/// the user knows.
fn temp_beside(path: &Path, shown: &Path, bytes: &[u8]) -> Result<PathBuf, String> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.oneonone-{}.tmp", std::process::id()));
    // Named by the file the user asked for: the temporary one is ours to worry about.
    let fail = |e: std::io::Error| format!("cannot write {}: {}", shown.display(), io_reason(&e));
    let mut f = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .map_err(fail)?;
    let written = f.write_all(bytes).and_then(|_| f.sync_all());
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(fail(e));
    }
    if let Ok(meta) = fs::metadata(path) {
        let _ = fs::set_permissions(&tmp, meta.permissions());
    }
    Ok(tmp)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::model::SourceFile;

    #[test]
    fn a_file_changed_on_disk_after_it_was_read_is_not_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.1on1.md");
        let read = "## 2026-11-17\n- What next? #growth\n- [ ] Book the review\n";
        fs::write(&path, read).unwrap();
        let file = SourceFile::new(path.clone(), read.to_string(), u64::MAX);
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let ws = Workspace::new(Config::default(), today, vec![file]);
        // The editor saves a change between the read and the write.
        let saved = format!("{read}- Shipped it\n");
        fs::write(&path, &saved).unwrap();
        let id = ws.file_by_path(&path).unwrap();
        let err = write_next(&ws, id).unwrap_err();
        assert!(err.contains("changed on disk since it was read"), "{err}");
        assert_eq!(fs::read_to_string(&path).unwrap(), saved);
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporary file left");
        // Read again, it is written.
        fs::write(&path, read).unwrap();
        let written = write_next(&ws, id).unwrap();
        assert!(
            written.starts_with("Added the 2026-11-25 meeting"),
            "{written}"
        );
    }
}
