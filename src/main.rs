//! `oneonone-ls`: parses the arguments and dispatches.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match oneonone_ls::cli::run(&args) {
        Some(code) => code,
        None => ExitCode::from(oneonone_ls::lsp::run_stdio().clamp(0, 255) as u8),
    }
}
