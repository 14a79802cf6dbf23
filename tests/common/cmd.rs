//! Running the built binary's command line, as the current user or as an unprivileged one.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

pub const BIN: &str = env!("CARGO_BIN_EXE_oneonone-ls");

/// Runs `oneonone-ls args` in `dir` (today unset in the environment).
pub fn run(dir: &Path, args: &[&str]) -> Output {
    output_within(Command::new(BIN).args(args).current_dir(dir))
}

/// How long one command may take before it counts as a hang.
const PATIENCE: Duration = Duration::from_secs(30);

/// Runs a command to its end (today unset) and returns its output; a command that hangs
/// is killed and fails the test.
pub fn output_within(cmd: &mut Command) -> Output {
    let child = cmd
        .env_remove("ONEONONE_TODAY")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let pid = child.id();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(PATIENCE) {
        Ok(output) => output.unwrap(),
        Err(_) => {
            let _ = Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
            panic!("{cmd:?} hung for {PATIENCE:?}: killed");
        }
    }
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// Writes `text` to `dir/name`, creating folders.
pub fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

pub fn set_mode(path: &Path, mode: u32) {
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

fn is_root() -> bool {
    let status = fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("Uid:"))
        .and_then(|l| l.split_whitespace().nth(2))
        == Some("0")
}

/// The uid and gid of `nobody`.
const NOBODY: u32 = 65534;

/// A user that file permissions apply to. Root reads and writes any file whatever its
/// mode, so that `chmod 000` denies nothing: when the tests run as root, commands run as
/// `nobody` through `setpriv`, and the files they may touch are handed to `nobody`.
pub struct User {
    as_nobody: bool,
}

impl User {
    /// `Err` with the reason when no such user can be had here.
    pub fn unprivileged() -> Result<User, String> {
        if !is_root() {
            return Ok(User { as_nobody: false });
        }
        let user = User { as_nobody: true };
        match user.command(BIN).arg("--version").output() {
            Ok(o) if o.status.success() => Ok(user),
            Ok(o) => Err(format!(
                "running as root, and `setpriv` cannot run the binary as nobody: {}",
                String::from_utf8_lossy(&o.stderr).trim()
            )),
            Err(e) => Err(format!("running as root, and there is no `setpriv`: {e}")),
        }
    }

    /// A command that runs `program` as this user.
    pub fn command(&self, program: &str) -> Command {
        if !self.as_nobody {
            return Command::new(program);
        }
        let mut c = Command::new("setpriv");
        c.args([
            format!("--reuid={NOBODY}"),
            format!("--regid={NOBODY}"),
            "--clear-groups".to_string(),
            "--".to_string(),
            program.to_string(),
        ]);
        c
    }

    /// Runs `oneonone-ls args` in `dir` as this user.
    pub fn run(&self, dir: &Path, args: &[&str]) -> Output {
        output_within(self.command(BIN).args(args).current_dir(dir))
    }

    /// Makes `path` (and everything under it) this user's, so that its modes decide.
    pub fn own(&self, path: &Path) {
        if !self.as_nobody {
            return;
        }
        std::os::unix::fs::lchown(path, Some(NOBODY), Some(NOBODY)).unwrap();
        if fs::symlink_metadata(path).unwrap().is_dir() {
            for entry in fs::read_dir(path).unwrap() {
                self.own(&entry.unwrap().path());
            }
        }
    }
}

/// A named pipe at `path` (reading one blocks until someone writes).
pub fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo").arg(path).status().unwrap().success();
    assert!(ok, "mkfifo {}", path.display());
}
