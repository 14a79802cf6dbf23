//! `oneonone-ls`: parses the arguments and dispatches.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match oneonone_ls::cli::run(&args) {
        Some(code) => code,
        None => {
            eprintln!("oneonone-ls: the language server is not part of this version yet; use check, summary or next (see --help)");
            ExitCode::from(2)
        }
    }
}
