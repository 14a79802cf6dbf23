//! What a user sees, as plain Rust types in byte ranges: diagnostics, the summary, the next
//! meeting. No protocol types here; the command line and the server render these.

pub mod diagnostics;
pub mod edit;
pub mod next;
pub mod summary;

pub use diagnostics::{series_diagnostics, workspace_diagnostics, Diagnostic};
pub use edit::{apply_edits, TextEdit};
