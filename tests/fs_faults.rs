//! File-system faults, for the command line (`check`, `summary`, `next`) and the server
//! (indexing and `workspace/didChangeWatchedFiles`): links that loop or dangle, named
//! pipes, folders where files are expected, unreadable files and folders, file names and
//! contents that are not UTF-8, broken configuration, files deleted, renamed or changed on
//! disk while open. `check` says what it could not read and exits 2 only then; `next`
//! leaves every file either as it was or fully written; the server goes on serving.

mod common;

use std::ffi::OsStr;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

use common::cmd::{mkfifo, output_within, run, set_mode, stderr, stdout, write, User, BIN};
use common::stdio::{assert_serves, uri_of, Proc, NOTE};
use serde_json::{json, Value};

const TODAY: &str = "--today=2026-11-25";
const EMPTY_AGENDA: &str = "## 2026-11-24\n### Agenda\n";
/// A file name that is not UTF-8 (Latin-1 `é`).
const LATIN1_NAME: &[u8] = b"caf\xe9.1on1.md";

/// A folder of notes with every kind of entry a walk must step around: a link to itself,
/// a loop of folders, a dangling link, a named pipe, a folder named like a note, a file
/// name and a file content that are not UTF-8.
fn hostile_folder() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = fs::canonicalize(dir.path()).unwrap();
    write(&root, "a.1on1.md", NOTE);
    fs::write(root.join(OsStr::from_bytes(LATIN1_NAME)), EMPTY_AGENDA).unwrap();
    fs::write(
        root.join("bytes.1on1.md"),
        b"## 2026-11-24\n- caf\xe9 \xff\xfe what next? #grwoth\n",
    )
    .unwrap();
    write(&root, "dir.1on1.md/inner.1on1.md", EMPTY_AGENDA);
    symlink("loop.1on1.md", root.join("loop.1on1.md")).unwrap();
    symlink("nowhere.1on1.md", root.join("dangling.1on1.md")).unwrap();
    fs::create_dir(root.join("sub")).unwrap();
    symlink("..", root.join("sub/up")).unwrap();
    mkfifo(&root.join("pipe.1on1.md"));
    (dir, root)
}

/// No temporary file of `next` anywhere under `dir`.
fn assert_no_temporary_files(dir: &Path) {
    for entry in fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        assert!(!name.contains(".oneonone-"), "left behind: {name}");
        if entry.file_type().unwrap().is_dir() {
            assert_no_temporary_files(&entry.path());
        }
    }
}

#[test]
fn check_and_summary_step_around_links_and_pipes_in_folders_and_read_odd_names_and_bytes() {
    let (_dir, root) = hostile_folder();
    let o = run(&root, &["check", ".", TODAY]);
    assert_eq!(
        (o.status.code(), stderr(&o)),
        (Some(1), String::new()),
        "links and pipes inside a folder are skipped, not errors"
    );
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().map(|l| l.split(" ").next().unwrap()).collect();
    assert_eq!(
        lines,
        [
            "a.1on1.md:1:1:",
            "bytes.1on1.md:2:22:",
            "caf\u{fffd}.1on1.md:1:1:",
            "dir.1on1.md/inner.1on1.md:1:1:",
        ],
        "{out}"
    );
    let o = run(&root, &["check", ".", TODAY, "--format", "json"]);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v[1]["rule"], "unknown-theme");
    let o = run(&root, &["summary", ".", TODAY]);
    assert_eq!((o.status.code(), stderr(&o)), (Some(0), String::new()));
    assert_eq!(stdout(&o).matches("  meetings     1").count(), 4);
}

#[test]
fn paths_named_on_the_command_line_that_cannot_be_read_are_reported_with_exit_2() {
    let (_dir, root) = hostile_folder();
    for (name, reason) in [
        ("loop.1on1.md", "too many levels of symbolic links"),
        ("dangling.1on1.md", "no such file or folder"),
        ("pipe.1on1.md", "not a file"),
    ] {
        let expected = format!("oneonone-ls: cannot read {name}: {reason}\n");
        let o = run(&root, &["check", name, "a.1on1.md", TODAY]);
        assert_eq!((o.status.code(), stderr(&o)), (Some(2), expected.clone()));
        assert!(stdout(&o).starts_with("a.1on1.md:1:1: warning[status-only-agenda]"));
        let o = run(&root, &["summary", name, "a.1on1.md", TODAY]);
        assert_eq!((o.status.code(), stderr(&o)), (Some(2), expected.clone()));
        assert!(stdout(&o).starts_with("a (a.1on1.md)"));
        let o = run(&root, &["next", name, TODAY]);
        assert_eq!((o.status.code(), stderr(&o)), (Some(2), expected));
    }
    let o = run(&root, &["next", "dir.1on1.md", TODAY]);
    assert_eq!(
        stderr(&o),
        "oneonone-ls: cannot read dir.1on1.md: not a file\n"
    );
    assert_no_temporary_files(&root);
}

#[test]
fn a_broken_configuration_file_is_named_with_exit_2_and_the_defaults_stay() {
    let dir = tempfile::tempdir().unwrap();
    let root = fs::canonicalize(dir.path()).unwrap();
    write(&root, "a.1on1.md", NOTE);
    let config = root.join(".1on1.json");
    let cases: [(&str, &dyn Fn()); 5] = [
        ("not valid JSON", &|| {
            fs::write(&config, "{ not json").unwrap()
        }),
        ("did not contain valid UTF-8", &|| {
            fs::write(&config, b"{\"cadence\": \"w\xe9ekly\"}").unwrap()
        }),
        ("not a file", &|| fs::create_dir(&config).unwrap()),
        ("no such file or folder", &|| {
            symlink("nowhere.json", &config).unwrap()
        }),
        ("not a file", &|| mkfifo(&config)),
    ];
    for (reason, make) in cases {
        make();
        let o = run(&root, &["check", TODAY]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{reason}: {err}");
        assert!(
            err.starts_with("oneonone-ls: ") && err.contains(".1on1.json") && err.contains(reason),
            "{err}"
        );
        assert!(stdout(&o).contains("warning[status-only-agenda]"));
        if config.is_dir() {
            fs::remove_dir(&config).unwrap();
        } else {
            fs::remove_file(&config).unwrap();
        }
    }
}

#[test]
fn next_leaves_every_file_as_it_was_when_it_cannot_write_them_all() {
    let dir = tempfile::tempdir().unwrap();
    let root = fs::canonicalize(dir.path()).unwrap();
    // The file to create is taken (here by a folder): the id that would have been added
    // to the earlier meeting is not added either.
    let earlier =
        "# 1:1 Maya / Tom\n## Agenda\n- What next? #growth\n## Actions\n- [ ] Send the abstract\n";
    write(&root, "maya/2026-11-17.1on1.md", earlier);
    fs::create_dir(root.join("maya/2026-11-24.1on1.md")).unwrap();
    let o = run(
        &root,
        &["next", "maya/2026-11-17.1on1.md", "--today=2026-11-20"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert_eq!(
        stderr(&o),
        "oneonone-ls: cannot create maya/2026-11-24.1on1.md: it already exists; nothing was written\n"
    );
    assert_eq!(
        fs::read_to_string(root.join("maya/2026-11-17.1on1.md")).unwrap(),
        earlier
    );
    assert_no_temporary_files(&root);
}

#[test]
fn next_through_a_symbolic_link_writes_the_file_and_keeps_the_link() {
    let dir = tempfile::tempdir().unwrap();
    let root = fs::canonicalize(dir.path()).unwrap();
    write(&root, "vault/priya.1on1.md", EMPTY_AGENDA);
    symlink("vault/priya.1on1.md", root.join("priya.1on1.md")).unwrap();
    let o = run(&root, &["next", "priya.1on1.md", TODAY]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let link = fs::symlink_metadata(root.join("priya.1on1.md")).unwrap();
    assert!(link.file_type().is_symlink(), "the link is still a link");
    let text = fs::read_to_string(root.join("vault/priya.1on1.md")).unwrap();
    assert!(
        text.starts_with(EMPTY_AGENDA) && text.contains("## 2026-12-01"),
        "{text}"
    );
    assert_no_temporary_files(&root);
}

#[test]
fn unreadable_files_and_folders_are_reported_and_unwritable_ones_left_alone() {
    let user = match User::unprivileged() {
        Ok(u) => u,
        Err(reason) => {
            eprintln!("skipped: {reason}");
            return;
        }
    };
    let dir = tempfile::tempdir().unwrap();
    let root = fs::canonicalize(dir.path()).unwrap();
    write(&root, "a.1on1.md", NOTE);
    write(&root, "secret.1on1.md", NOTE);
    write(&root, "locked/b.1on1.md", NOTE);
    write(&root, "ro.1on1.md", EMPTY_AGENDA);
    write(&root, "frozen/n.1on1.md", EMPTY_AGENDA);
    user.own(&root);
    set_mode(&root.join("secret.1on1.md"), 0o000);
    set_mode(&root.join("locked"), 0o000);
    set_mode(&root.join("ro.1on1.md"), 0o444);
    set_mode(&root.join("frozen"), 0o555);
    let o = user.run(&root, &["check", ".", TODAY]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "oneonone-ls: cannot read locked: permission denied\noneonone-ls: cannot read secret.1on1.md: permission denied\n"
    );
    assert!(stdout(&o).starts_with("a.1on1.md:1:1: warning[status-only-agenda]"));
    let o = user.run(&root, &["summary", ".", TODAY]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("secret.1on1.md: permission denied"));
    // `next` writes neither a read-only file nor into a read-only folder.
    for name in ["ro.1on1.md", "frozen/n.1on1.md"] {
        let o = user.run(&root, &["next", name, TODAY]);
        assert_eq!(o.status.code(), Some(2));
        // (After the unreadable note of the folder, which `next` reads for the series.)
        let refusal = format!("cannot write {name}: permission denied; nothing was written\n");
        assert!(stderr(&o).ends_with(&refusal), "{}", stderr(&o));
        assert_eq!(fs::read_to_string(root.join(name)).unwrap(), EMPTY_AGENDA);
    }
    let o = user.run(&root, &["next", "secret.1on1.md", TODAY]);
    assert_eq!(o.status.code(), Some(2));
    assert_no_temporary_files(&root);
    // An unreadable configuration is an error too.
    write(&root, ".1on1.json", "{}");
    user.own(&root.join(".1on1.json"));
    set_mode(&root.join(".1on1.json"), 0o000);
    let o = user.run(&root, &["check", "a.1on1.md", TODAY]);
    assert_eq!(
        (o.status.code(), stderr(&o)),
        (
            Some(2),
            "oneonone-ls: cannot read .1on1.json: permission denied\n".to_string()
        )
    );
    // Give everything back, so that the folder can be removed.
    for p in ["secret.1on1.md", "ro.1on1.md", ".1on1.json"] {
        set_mode(&root.join(p), 0o644);
    }
    set_mode(&root.join("locked"), 0o755);
    set_mode(&root.join("frozen"), 0o755);
}

#[test]
fn a_sparse_8_gib_note_is_not_read_past_max_file_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let root = fs::canonicalize(dir.path()).unwrap();
    let big = fs::File::create(root.join("big.1on1.md")).unwrap();
    big.set_len(8 << 30).unwrap();
    // Under a 2 GiB address-space limit, reading the whole file could only fail.
    let prlimit = std::process::Command::new("prlimit")
        .arg("--version")
        .output();
    if prlimit.is_err() {
        eprintln!("skipped: no `prlimit` to bound the memory");
        return;
    }
    let o = output_within(
        std::process::Command::new("prlimit")
            .args([&format!("--as={}", 2u64 << 30), "--", BIN, "check", TODAY])
            .current_dir(&root),
    );
    assert_eq!(
        (o.status.code(), stderr(&o)),
        (Some(0), String::new()),
        "{}",
        stdout(&o)
    );
    assert!(stdout(&o).starts_with("big.1on1.md:1:1: information[file-too-large]"));
}

/// The server on `root` with `ONEONONE_TODAY` set, initialized without optional
/// capabilities.
fn server(root: &Path, user: Option<&User>) -> Proc {
    let mut p = match user {
        Some(u) => Proc::start_with(&mut u.command(BIN)),
        None => Proc::start(&[]),
    };
    p.initialize(root, json!({}));
    p
}

fn watched(p: &mut Proc, changes: &[(&str, i64)]) {
    let changes: Vec<Value> = changes
        .iter()
        .map(|(uri, typ)| json!({"uri": uri, "type": typ}))
        .collect();
    p.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": changes}),
    );
}

const CREATED: i64 = 1;
const CHANGED: i64 = 2;
const DELETED: i64 = 3;

#[test]
fn the_server_indexes_around_links_and_pipes_and_reads_odd_names_and_bytes() {
    let (_dir, root) = hostile_folder();
    write(&root, ".1on1.json", "{ not json");
    let mut p = server(&root, None);
    let notice = p.wait_for(|m| m["method"] == "window/showMessage");
    assert!(
        notice["params"]["message"]
            .as_str()
            .unwrap()
            .contains(".1on1.json: not valid JSON"),
        "{notice}"
    );
    let uri = |name: &str| uri_of(&root.join(name));
    assert_eq!(p.rules(&uri("a.1on1.md"), None), ["status-only-agenda"]);
    assert_eq!(p.rules(&uri("bytes.1on1.md"), None), ["unknown-theme"]);
    assert_eq!(
        p.rules(&uri("dir.1on1.md/inner.1on1.md"), None),
        ["empty-agenda"]
    );
    let latin1 = p.wait_for(|m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"]
                .as_str()
                .is_some_and(|u| u.ends_with("/caf%E9.1on1.md"))
    });
    assert_eq!(latin1["params"]["diagnostics"][0]["code"], "empty-agenda");
    // Events for the pipe, the links and the folder: none may block the server (a pipe
    // blocks whoever opens it for reading).
    let events: Vec<String> = [
        "pipe.1on1.md",
        "loop.1on1.md",
        "dangling.1on1.md",
        "dir.1on1.md",
    ]
    .iter()
    .map(|n| uri(n))
    .collect();
    for _ in 0..8 {
        let changes: Vec<(&str, i64)> = events.iter().map(|u| (u.as_str(), CHANGED)).collect();
        watched(&mut p, &changes);
    }
    assert_serves(&mut p, &uri("a.1on1.md"));
    // Opening the pipe's URI gives a document like any other (the editor sent its text).
    p.open(&uri("pipe.1on1.md"), 1, NOTE);
    assert_eq!(
        p.rules(&uri("pipe.1on1.md"), Some(1)),
        ["status-only-agenda"]
    );
    p.shutdown();
}

#[test]
fn files_deleted_or_renamed_on_disk_while_open_keep_their_buffer_until_closed() {
    let dir = tempfile::tempdir().unwrap();
    let root = fs::canonicalize(dir.path()).unwrap();
    write(&root, "a.1on1.md", NOTE);
    write(&root, "b.1on1.md", NOTE);
    let uri = |name: &str| uri_of(&root.join(name));
    let mut p = server(&root, None);
    p.rules(&uri("b.1on1.md"), None);
    let edited = format!("{NOTE}- What next? #grwoth\n");
    for name in ["a.1on1.md", "b.1on1.md"] {
        p.open(&uri(name), 1, &edited);
        assert_eq!(p.rules(&uri(name), Some(1)), ["unknown-theme"]);
    }
    // a is deleted, b renamed to c, while both are open.
    fs::remove_file(root.join("a.1on1.md")).unwrap();
    fs::rename(root.join("b.1on1.md"), root.join("c.1on1.md")).unwrap();
    watched(
        &mut p,
        &[
            (&uri("a.1on1.md"), DELETED),
            (&uri("b.1on1.md"), DELETED),
            (&uri("c.1on1.md"), CREATED),
        ],
    );
    assert_eq!(p.rules(&uri("c.1on1.md"), None), ["status-only-agenda"]);
    for name in ["a.1on1.md", "b.1on1.md"] {
        assert_eq!(
            p.document_text(&uri(name)).as_deref(),
            Some(edited.as_str())
        );
        assert_serves(&mut p, &uri(name));
    }
    // Closed, they leave the workspace and their diagnostics are cleared.
    for name in ["a.1on1.md", "b.1on1.md"] {
        p.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri(name)}}),
        );
        assert_eq!(p.rules(&uri(name), None), Vec::<String>::new());
        let hover = p.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri(name)}, "position": {"line": 0, "character": 4}}),
        );
        assert_eq!(hover, Value::Null);
    }
    assert_serves(&mut p, &uri("c.1on1.md"));
    p.shutdown();
}

#[test]
fn disk_changes_racing_editor_edits_never_override_the_buffer() {
    let dir = tempfile::tempdir().unwrap();
    let root = fs::canonicalize(dir.path()).unwrap();
    write(&root, "a.1on1.md", NOTE);
    let a = uri_of(&root.join("a.1on1.md"));
    let mut p = server(&root, None);
    p.rules(&a, None);
    p.open(&a, 1, NOTE);
    assert_eq!(p.rules(&a, Some(1)), ["status-only-agenda"]);
    let disk = [
        "## 2026-02-30\n",
        EMPTY_AGENDA,
        "## 2026-11-24\n- caf\u{fffd} #grwoth\n",
    ];
    let mut text = NOTE.to_string();
    for (i, on_disk) in disk.iter().enumerate() {
        let version = i as i64 + 2;
        fs::write(root.join("a.1on1.md"), on_disk).unwrap();
        watched(&mut p, &[(&a, CHANGED)]);
        let line = format!("- Question {i}? #grwoth\n");
        p.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": a, "version": version}, "contentChanges": [
                {"range": {"start": {"line": 3 + i, "character": 0}, "end": {"line": 3 + i, "character": 0}}, "text": line}]}),
        );
        text.push_str(&line);
        watched(&mut p, &[(&a, CHANGED)]);
    }
    assert_eq!(p.document_text(&a).as_deref(), Some(text.as_str()));
    assert_eq!(p.rules(&a, Some(4)), ["unknown-theme"; 3]);
    // Replaced on disk by a pipe while open: still the buffer, and nothing blocks.
    fs::remove_file(root.join("a.1on1.md")).unwrap();
    mkfifo(&root.join("a.1on1.md"));
    watched(&mut p, &[(&a, CHANGED)]);
    assert_serves(&mut p, &a);
    // Closed, it follows the disk: a pipe is no note.
    p.notify("textDocument/didClose", json!({"textDocument": {"uri": a}}));
    assert_eq!(p.rules(&a, None), Vec::<String>::new());
    fs::remove_file(root.join("a.1on1.md")).unwrap();
    fs::write(root.join("a.1on1.md"), disk[0]).unwrap();
    watched(&mut p, &[(&a, CHANGED)]);
    assert_eq!(p.rules(&a, None), ["invalid-date"]);
    p.shutdown();
}

#[test]
fn the_server_indexes_what_it_can_read_and_forgets_what_becomes_unreadable() {
    let user = match User::unprivileged() {
        Ok(u) => u,
        Err(reason) => {
            eprintln!("skipped: {reason}");
            return;
        }
    };
    let dir = tempfile::tempdir().unwrap();
    let root = fs::canonicalize(dir.path()).unwrap();
    write(&root, "a.1on1.md", NOTE);
    write(&root, "b.1on1.md", EMPTY_AGENDA);
    write(&root, "secret.1on1.md", NOTE);
    write(&root, "locked/c.1on1.md", NOTE);
    user.own(&root);
    set_mode(&root.join("secret.1on1.md"), 0o000);
    set_mode(&root.join("locked"), 0o000);
    let mut p = server(&root, Some(&user));
    let a = uri_of(&root.join("a.1on1.md"));
    let b = uri_of(&root.join("b.1on1.md"));
    assert_eq!(p.rules(&a, None), ["status-only-agenda"]);
    assert_eq!(p.rules(&b, None), ["empty-agenda"]);
    // b becomes unreadable: it leaves the workspace.
    set_mode(&root.join("b.1on1.md"), 0o000);
    watched(&mut p, &[(&b, CHANGED)]);
    assert_eq!(p.rules(&b, None), Vec::<String>::new());
    assert_serves(&mut p, &a);
    p.shutdown();
    let err = p.stderr_text();
    assert!(
        err.contains("cannot read") && err.contains("secret.1on1.md: permission denied"),
        "{err}"
    );
    assert!(err.contains("locked: permission denied"), "{err}");
    for name in ["secret.1on1.md", "b.1on1.md"] {
        set_mode(&root.join(name), 0o644);
    }
    set_mode(&root.join("locked"), 0o755);
}

/// A note that grows huge on disk is reported by `didChangeWatchedFiles` (or left by
/// `didClose`): the server reads it with `files::read_text`, which has no size cap and sizes
/// its buffer from the metadata, so an 8 GiB file is an 8 GiB allocation, and a failed
/// allocation aborts the process. Fix (src/lsp/notifications.rs, the lead's): read with
/// `files::read_text_limited(path, config.max_file_bytes)` in `on_did_close` and
/// `on_watched_files`, as indexing does.
#[test]
fn a_note_that_grows_huge_on_disk_is_file_too_large_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let root = fs::canonicalize(dir.path()).unwrap();
    write(&root, "a.1on1.md", NOTE);
    write(&root, "b.1on1.md", NOTE);
    let mut prlimit = std::process::Command::new("prlimit");
    prlimit.args([&format!("--as={}", 4u64 << 30), "--", BIN]);
    let mut p = Proc::start_with(&mut prlimit);
    p.initialize(&root, json!({}));
    let a = uri_of(&root.join("a.1on1.md"));
    assert_eq!(p.rules(&a, None), ["status-only-agenda"]);
    fs::File::create(root.join("a.1on1.md"))
        .unwrap()
        .set_len(8 << 30)
        .unwrap();
    watched(&mut p, &[(&a, CHANGED)]);
    assert_eq!(p.rules(&a, None), ["file-too-large"]);
    assert_serves(&mut p, &uri_of(&root.join("b.1on1.md")));
    p.shutdown();
}
