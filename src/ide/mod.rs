//! What a user sees, as plain Rust types in byte ranges: diagnostics, completions, code
//! actions, hover, symbols, navigation, folding, inlay hints, lenses, the summary and the
//! next meeting. No protocol types here; the command line and the server render these.

pub mod actions;
pub mod annotations;
pub mod at;
pub mod completion;
pub mod diagnostics;
pub mod edit;
pub mod hover;
pub mod navigation;
pub mod next;
pub mod outline;
pub mod summary;

pub use diagnostics::{series_diagnostics, workspace_diagnostics, Diagnostic};
pub use edit::{apply_edits, TextEdit};

/// `1 day`, `2 days`: a count with its noun.
pub fn plural(n: i64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}
