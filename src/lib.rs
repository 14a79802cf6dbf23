//! oneonone-ls: a language server and linter for 1:1 meeting notes (`*.1on1.md`).
//!
//! Data flows one way: `text` (positions) → `syntax` (one file) → `config` → `model`
//! (series, loops) → `ide` (what a user sees) → `cli` (and, next, the language server).

pub mod cli;
pub mod config;
pub mod files;
pub mod ide;
pub mod lsp;
pub mod model;
pub mod syntax;
pub mod text;
