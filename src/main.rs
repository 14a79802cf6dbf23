//! `oneonone-ls`: parses the arguments and dispatches.

use std::process::ExitCode;

fn main() -> ExitCode {
    few_malloc_arenas();
    let args: Vec<String> = std::env::args().skip(1).collect();
    match oneonone_ls::cli::run(&args) {
        Some(code) => code,
        None => ExitCode::from(oneonone_ls::lsp::run_stdio().clamp(0, 255) as u8),
    }
}

/// glibc gives each thread that allocates at once an arena of its own and keeps what is freed
/// in each: indexing parses on every core, so a language server that runs for hours would
/// hold that memory for nothing. One arena is enough for work that is mostly one thread.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn few_malloc_arenas() {
    // SAFETY: mallopt only sets a tuning parameter; it is called before any other thread.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn few_malloc_arenas() {}
