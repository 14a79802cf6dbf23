//! The command line: `check`, `summary` and `next`, the same `ide` functions rendered for a
//! terminal.

mod check;
mod load;
mod next;
mod summary;

pub use check::{finding_lines, Finding};

use std::io::Write;
use std::process::ExitCode;

use load::Errors;

pub const USAGE: &str = "\
oneonone-ls: a language server and linter for 1:1 meeting notes (*.1on1.md)

Usage:
  oneonone-ls [--stdio]                 run the language server on stdin/stdout
  oneonone-ls check [PATH...] [OPTIONS] lint files and folders (default: .)
  oneonone-ls summary [PATH...] [OPTIONS]
                                        a checkpoint per series: growth, alignment,
                                        feedback loops, cadence, open loops
  oneonone-ls next [FILE] [OPTIONS]     add the next meeting, open loops carried over

Options:
  --today DATE           the date to check against (YYYY-MM-DD); also ONEONONE_TODAY
  --format text|json     output format for check and summary (default: text)
  --config FILE          configuration file (default: the nearest .1on1.json)
  -h, --help             show this help
  -V, --version          show the version

check exits 1 when it finds a warning or an error, 2 on a usage or I/O error, else 0.
";

/// Options shared by the subcommands.
#[derive(Debug, Default)]
pub struct Options {
    pub paths: Vec<String>,
    pub today: Option<String>,
    pub json: bool,
    pub config: Option<String>,
}

enum Command {
    Check,
    Summary,
    Next,
}

/// Runs the command line with `args` (without the program name). Returns `None` when the
/// language server should run instead.
pub fn run(args: &[String]) -> Option<ExitCode> {
    let first = args.first()?;
    let command = match first.as_str() {
        "--stdio" if args.len() == 1 => return None,
        "-h" | "--help" | "help" => {
            print!("{USAGE}");
            return Some(ExitCode::SUCCESS);
        }
        "-V" | "--version" => {
            println!("oneonone-ls {}", env!("CARGO_PKG_VERSION"));
            return Some(ExitCode::SUCCESS);
        }
        "check" => Command::Check,
        "summary" => Command::Summary,
        "next" => Command::Next,
        other => return Some(usage_error(&format!("unknown command or option {other:?}"))),
    };
    let opts = match parse_options(&args[1..]) {
        Ok(Some(o)) => o,
        Ok(None) => {
            print!("{USAGE}");
            return Some(ExitCode::SUCCESS);
        }
        Err(e) => return Some(usage_error(&e)),
    };
    Some(match command {
        Command::Check => check::run(opts),
        Command::Summary => summary::run(opts),
        Command::Next => next::run(opts),
    })
}

fn parse_options(args: &[String]) -> Result<Option<Options>, String> {
    let mut o = Options::default();
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            if let Some(v) = inline.clone() {
                return Ok(v);
            }
            i += 1;
            args.get(i)
                .cloned()
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag {
            "-h" | "--help" => return Ok(None),
            "--today" => o.today = Some(value("--today")?),
            "--config" => o.config = Some(value("--config")?),
            "--format" => match value("--format")?.as_str() {
                "text" => o.json = false,
                "json" => o.json = true,
                other => return Err(format!("--format must be text or json, not {other:?}")),
            },
            "--" => {
                o.paths.extend(args[i + 1..].iter().cloned());
                break;
            }
            f if f.starts_with('-') && f.len() > 1 => return Err(format!("unknown option {f:?}")),
            _ => o.paths.push(arg.clone()),
        }
        i += 1;
    }
    Ok(Some(o))
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("oneonone-ls: {message} (see oneonone-ls --help)");
    ExitCode::from(2)
}

/// Prints each loading problem as one line on stderr.
fn report(errors: &Errors) {
    let mut err = std::io::stderr().lock();
    for e in &errors.0 {
        let _ = writeln!(err, "oneonone-ls: {e}");
    }
}

/// Loads the workspace the options point at: (workspace, errors), or the exit code of a
/// fatal usage error.
fn load(opts: &Options, default_path: &str) -> Result<(crate::model::Workspace, Errors), ExitCode> {
    let mut errors = Errors::default();
    let paths: Vec<String> = if opts.paths.is_empty() {
        vec![default_path.to_string()]
    } else {
        opts.paths.clone()
    };
    let (config, _) = load::load_config(opts.config.as_deref(), &paths[0], &mut errors);
    let today = match load::today(opts.today.as_deref(), &config) {
        Ok(t) => t,
        Err(e) => {
            report(&errors);
            return Err(usage_error(&e));
        }
    };
    let found = load::discover(&paths, &mut errors);
    let files = load::read_files(found, &config, &mut errors);
    Ok((crate::model::Workspace::new(config, today, files), errors))
}

/// Writes `s` to stdout; a closed pipe (`| head`) is not an error worth a panic.
fn print_out(s: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(s.as_bytes());
    let _ = out.flush();
}
