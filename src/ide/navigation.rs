//! Go to definition, find references and rename, for block ids and the references to them.

use super::at::{id_occurrences, id_target, target_at, Target};
use super::edit::TextEdit;
use crate::model::{FileId, Workspace};
use crate::text::TextRange;

/// Where the id under the cursor is defined: the `^id` of the item it names.
pub fn definition(ws: &Workspace, file: FileId, offset: usize) -> Option<(FileId, TextRange)> {
    let target = target_at(ws, file, offset)?;
    let item = id_target(ws, file, target)?;
    let id = ws.item(item).id()?;
    Some((item.file, id.range))
}

/// Every place naming the same item: its `^id` (when `include_declaration`) and every
/// reference to it, across the series.
pub fn references(
    ws: &Workspace,
    file: FileId,
    offset: usize,
    include_declaration: bool,
) -> Vec<(FileId, TextRange)> {
    let Some(item) = target_at(ws, file, offset).and_then(|t| id_target(ws, file, t)) else {
        return Vec::new();
    };
    let mut all = id_occurrences(ws, item);
    if !include_declaration && ws.item(item).id().is_some() {
        all.remove(0);
    }
    all
}

/// The id text under the cursor, if it can be renamed.
pub fn prepare_rename(ws: &Workspace, file: FileId, offset: usize) -> Option<TextRange> {
    let target = target_at(ws, file, offset)?;
    id_target(ws, file, target)?;
    let parsed = &ws.file(file).parsed;
    match target {
        Target::BlockId(i) => parsed
            .item(i)
            .id()
            .map(|id| TextRange::new(id.range.start() + 1, id.range.end())),
        Target::Reference(r) => Some(parsed.references[r as usize].id_range),
        _ => None,
    }
}

/// Why a rename cannot be done.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RenameError {
    NothingToRename,
    InvalidName(String),
    Taken(String),
}

impl std::fmt::Display for RenameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RenameError::NothingToRename => write!(f, "there is no block id or reference here"),
            RenameError::InvalidName(n) => {
                write!(f, "{n:?} is not a block id: use letters, digits and -")
            }
            RenameError::Taken(n) => write!(f, "^{n} is already used in this series"),
        }
    }
}

/// Renames the id under the cursor and every reference to it, across the series' files.
pub fn rename(
    ws: &Workspace,
    file: FileId,
    offset: usize,
    new_name: &str,
) -> Result<Vec<TextEdit>, RenameError> {
    let new_name = new_name.trim().trim_start_matches('^');
    if new_name.is_empty()
        || !new_name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        return Err(RenameError::InvalidName(new_name.to_string()));
    }
    let item = target_at(ws, file, offset)
        .and_then(|t| id_target(ws, file, t))
        .ok_or(RenameError::NothingToRename)?;
    let current = ws.item(item).id().map(|id| id.name.as_str());
    if current != Some(new_name) && ws.series_of(file).ids.contains_key(new_name) {
        return Err(RenameError::Taken(new_name.to_string()));
    }
    Ok(id_occurrences(ws, item)
        .into_iter()
        .map(|(f, range)| TextEdit {
            file: f,
            range,
            new_text: new_name.to_string(),
        })
        .collect())
}
