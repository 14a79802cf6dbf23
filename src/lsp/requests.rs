//! Requests: each converts its parameters, asks `ide` on the current workspace, and
//! converts the answer back. All run on blocking threads (see [`Server::blocking`]).

use std::path::Path;
use std::sync::Arc;

use serde_json::{json, Value};
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;

use super::capabilities::{CMD_APPLY_EDITS, CMD_START_NEXT, CMD_SUMMARY};
use super::convert;
use super::state::{analyse, lock};
use super::Server;
use crate::ide::{
    self, actions::ActionKind, completion::CompletionKind, outline::SymbolKind as Kind,
};
use crate::model::{FileId, Workspace};
use crate::text::ColumnUnit;

/// The current workspace and the file a request is about.
struct At {
    ws: Arc<Workspace>,
    file: FileId,
    unit: ColumnUnit,
}

impl Server {
    /// The workspace with every change applied, and the file of `uri` in it (`None` for a
    /// document the server does not know).
    fn at(&self, uri: &Uri) -> Option<At> {
        let ws = analyse(&self.inner.state, &self.inner.serial);
        let unit = lock(&self.inner.state).unit;
        let file = ws.file_by_path(&convert::path(uri))?;
        Some(At { ws, file, unit })
    }

    fn uri_fn(&self) -> impl Fn(&Path) -> Option<Uri> + '_ {
        move |p: &Path| lock(&self.inner.state).uri_of(p)
    }

    fn offset(&self, at: &At, pos: Position) -> usize {
        convert::offset(at.ws.file(at.file), pos, at.unit)
    }

    pub(super) fn hover(&self, p: HoverParams) -> Result<Option<Hover>> {
        let tdp = p.text_document_position_params;
        let Some(at) = self.at(&tdp.text_document.uri) else {
            return Ok(None);
        };
        let offset = self.offset(&at, tdp.position);
        Ok(ide::hover::hover(&at.ws, at.file, offset).map(|h| Hover {
            contents: HoverContents::Markup(convert::markdown(h.markdown)),
            range: Some(convert::range(at.ws.file(at.file), h.range, at.unit)),
        }))
    }

    pub(super) fn completion(&self, p: CompletionParams) -> Result<Option<CompletionResponse>> {
        let tdp = p.text_document_position;
        let Some(at) = self.at(&tdp.text_document.uri) else {
            return Ok(None);
        };
        let offset = self.offset(&at, tdp.position);
        let file = at.ws.file(at.file);
        let uri_of = self.uri_fn();
        let items = ide::completion::completions(&at.ws, at.file, offset)
            .into_iter()
            .map(|c| {
                let command = (!c.other_files.is_empty()).then(|| {
                    let edit =
                        convert::workspace_edit(&at.ws, &c.other_files, None, at.unit, &uri_of);
                    Command {
                        title: "Add block ids".into(),
                        command: CMD_APPLY_EDITS.into(),
                        arguments: Some(vec![serde_json::to_value(edit).unwrap_or(Value::Null)]),
                    }
                });
                CompletionItem {
                    label: c.label,
                    kind: Some(match c.kind {
                        CompletionKind::Theme | CompletionKind::Tag => CompletionItemKind::KEYWORD,
                        CompletionKind::Id => CompletionItemKind::REFERENCE,
                        CompletionKind::Meeting => CompletionItemKind::SNIPPET,
                        CompletionKind::Loop => CompletionItemKind::EVENT,
                        CompletionKind::Prompt => CompletionItemKind::TEXT,
                    }),
                    detail: c.detail,
                    documentation: c
                        .documentation
                        .map(|d| Documentation::MarkupContent(convert::markdown(d))),
                    sort_text: Some(c.sort_text),
                    filter_text: c.filter_text,
                    insert_text_format: Some(if c.snippet {
                        InsertTextFormat::SNIPPET
                    } else {
                        InsertTextFormat::PLAIN_TEXT
                    }),
                    text_edit: Some(CompletionTextEdit::Edit(convert::text_edit(
                        file, &c.edit, at.unit,
                    ))),
                    additional_text_edits: (!c.additional.is_empty()).then(|| {
                        c.additional
                            .iter()
                            .map(|e| convert::text_edit(file, e, at.unit))
                            .collect()
                    }),
                    command,
                    ..Default::default()
                }
            })
            .collect();
        Ok(Some(CompletionResponse::List(CompletionList {
            is_incomplete: false,
            items,
        })))
    }

    pub(super) fn code_action(&self, p: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let Some(at) = self.at(&p.text_document.uri) else {
            return Ok(None);
        };
        let file = at.ws.file(at.file);
        let range = convert::text_range(file, p.range, at.unit);
        let only = p.context.only;
        let uri_of = self.uri_fn();
        let actions = ide::actions::actions(&at.ws, at.file, range)
            .into_iter()
            .filter_map(|a| {
                let kind = match a.kind {
                    ActionKind::QuickFix => CodeActionKind::QUICKFIX,
                    ActionKind::Refactor => CodeActionKind::REFACTOR,
                    ActionKind::Source => CodeActionKind::SOURCE,
                };
                if let Some(only) = &only {
                    if !only.iter().any(|k| kind.as_str().starts_with(k.as_str())) {
                        return None;
                    }
                }
                let diagnostics = a
                    .fixes
                    .as_ref()
                    .map(|d| vec![convert::diagnostic(at.ws.file(d.file), d, at.unit)]);
                let edit = convert::workspace_edit(
                    &at.ws,
                    &a.edits,
                    a.new_file.as_ref(),
                    at.unit,
                    &uri_of,
                );
                Some(CodeActionOrCommand::CodeAction(CodeAction {
                    title: a.title,
                    kind: Some(kind),
                    diagnostics,
                    edit: Some(edit),
                    is_preferred: a.preferred.then_some(true),
                    ..Default::default()
                }))
            })
            .collect();
        Ok(Some(actions))
    }

    pub(super) fn definition(
        &self,
        p: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let tdp = p.text_document_position_params;
        let Some(at) = self.at(&tdp.text_document.uri) else {
            return Ok(None);
        };
        let offset = self.offset(&at, tdp.position);
        let uri_of = self.uri_fn();
        Ok(ide::navigation::definition(&at.ws, at.file, offset)
            .and_then(|(f, r)| convert::location(&at.ws, f, r, at.unit, &uri_of))
            .map(GotoDefinitionResponse::Scalar))
    }

    pub(super) fn references(&self, p: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let tdp = p.text_document_position;
        let Some(at) = self.at(&tdp.text_document.uri) else {
            return Ok(None);
        };
        let offset = self.offset(&at, tdp.position);
        let uri_of = self.uri_fn();
        let found =
            ide::navigation::references(&at.ws, at.file, offset, p.context.include_declaration);
        Ok(Some(
            found
                .into_iter()
                .filter_map(|(f, r)| convert::location(&at.ws, f, r, at.unit, &uri_of))
                .collect(),
        ))
    }

    pub(super) fn prepare_rename(
        &self,
        p: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        let Some(at) = self.at(&p.text_document.uri) else {
            return Ok(None);
        };
        let offset = self.offset(&at, p.position);
        Ok(ide::navigation::prepare_rename(&at.ws, at.file, offset)
            .map(|r| PrepareRenameResponse::Range(convert::range(at.ws.file(at.file), r, at.unit))))
    }

    pub(super) fn rename(&self, p: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let tdp = p.text_document_position;
        let Some(at) = self.at(&tdp.text_document.uri) else {
            return Ok(None);
        };
        let offset = self.offset(&at, tdp.position);
        match ide::navigation::rename(&at.ws, at.file, offset, &p.new_name) {
            Ok(edits) => Ok(Some(convert::workspace_edit(
                &at.ws,
                &edits,
                None,
                at.unit,
                &self.uri_fn(),
            ))),
            Err(e) => Err(Error::invalid_params(e.to_string())),
        }
    }

    #[allow(deprecated)]
    pub(super) fn document_symbol(
        &self,
        p: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        let Some(at) = self.at(&p.text_document.uri) else {
            return Ok(None);
        };
        let file = at.ws.file(at.file);
        fn convert_symbol(
            file: &crate::model::SourceFile,
            s: ide::outline::Symbol,
            unit: ColumnUnit,
        ) -> DocumentSymbol {
            DocumentSymbol {
                name: s.name,
                detail: s.detail,
                kind: symbol_kind(s.kind),
                tags: None,
                deprecated: None,
                range: convert::range(file, s.range, unit),
                selection_range: convert::range(file, s.selection, unit),
                children: Some(
                    s.children
                        .into_iter()
                        .map(|c| convert_symbol(file, c, unit))
                        .collect(),
                ),
            }
        }
        let symbols = ide::outline::document_symbols(&at.ws, at.file)
            .into_iter()
            .map(|s| convert_symbol(file, s, at.unit))
            .collect();
        Ok(Some(DocumentSymbolResponse::Nested(symbols)))
    }

    #[allow(deprecated)]
    pub(super) fn workspace_symbol(
        &self,
        p: WorkspaceSymbolParams,
    ) -> Result<Option<WorkspaceSymbolResponse>> {
        let ws = analyse(&self.inner.state, &self.inner.serial);
        let unit = lock(&self.inner.state).unit;
        let uri_of = self.uri_fn();
        let symbols = ide::outline::workspace_symbols(&ws, &p.query)
            .into_iter()
            .filter_map(|s| {
                Some(SymbolInformation {
                    name: s.name,
                    kind: symbol_kind(s.kind),
                    tags: None,
                    deprecated: None,
                    location: convert::location(&ws, s.file, s.selection, unit, &uri_of)?,
                    container_name: s.detail,
                })
            })
            .collect();
        Ok(Some(WorkspaceSymbolResponse::Flat(symbols)))
    }

    pub(super) fn folding_range(&self, p: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        let Some(at) = self.at(&p.text_document.uri) else {
            return Ok(None);
        };
        let file = at.ws.file(at.file);
        let ranges = ide::outline::folding_ranges(&at.ws, at.file)
            .into_iter()
            .filter_map(|r| {
                let start = file.line_index.line_of(r.start()) as u32;
                let end = file.line_index.line_of(r.end()) as u32;
                (end > start).then(|| FoldingRange {
                    start_line: start,
                    end_line: end,
                    kind: Some(FoldingRangeKind::Region),
                    ..Default::default()
                })
            })
            .collect();
        Ok(Some(ranges))
    }

    pub(super) fn inlay_hint(&self, p: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        let Some(at) = self.at(&p.text_document.uri) else {
            return Ok(None);
        };
        let file = at.ws.file(at.file);
        let range = convert::text_range(file, p.range, at.unit);
        let hints = ide::annotations::inlay_hints(&at.ws, at.file, range)
            .into_iter()
            .map(|h| InlayHint {
                position: convert::position(file, h.offset, at.unit),
                label: InlayHintLabel::String(h.label),
                kind: None,
                text_edits: None,
                tooltip: Some(InlayHintTooltip::String(h.tooltip)),
                padding_left: Some(true),
                padding_right: None,
                data: None,
            })
            .collect();
        Ok(Some(hints))
    }

    pub(super) fn code_lens(&self, p: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        let Some(at) = self.at(&p.text_document.uri) else {
            return Ok(None);
        };
        let file = at.ws.file(at.file);
        let uri = p.text_document.uri;
        let lenses = ide::annotations::code_lenses(&at.ws, at.file)
            .into_iter()
            .map(|l| CodeLens {
                range: convert::range(file, l.range, at.unit),
                command: Some(Command {
                    title: l.title,
                    command: CMD_SUMMARY.into(),
                    arguments: Some(vec![json!(uri.as_str())]),
                }),
                data: None,
            })
            .collect();
        Ok(Some(lenses))
    }

    pub(super) async fn on_execute_command(
        &self,
        p: ExecuteCommandParams,
    ) -> Result<Option<Value>> {
        let uri: Option<Uri> = p
            .arguments
            .first()
            .and_then(|v| v.as_str())
            .and_then(|s| s.parse().ok());
        match p.command.as_str() {
            CMD_SUMMARY => {
                self.blocking("summary", move |s| s.summary(uri.as_ref()))
                    .await
            }
            CMD_START_NEXT => {
                let Some(uri) = uri else {
                    return Err(Error::invalid_params(
                        "oneonone.startNext needs the document's URI",
                    ));
                };
                let edit = self
                    .blocking("startNext", move |s| s.next_edit(&uri))
                    .await?;
                self.apply(edit).await
            }
            CMD_APPLY_EDITS => {
                let edit: WorkspaceEdit = p
                    .arguments
                    .into_iter()
                    .next()
                    .and_then(|v| serde_json::from_value(v).ok())
                    .ok_or_else(|| {
                        Error::invalid_params("oneonone.applyEdits needs a WorkspaceEdit")
                    })?;
                self.apply(edit).await
            }
            other => Err(Error::invalid_params(format!("unknown command {other:?}"))),
        }
    }

    async fn apply(&self, edit: WorkspaceEdit) -> Result<Option<Value>> {
        let response = self.client().apply_edit(edit).await?;
        Ok(Some(json!({ "applied": response.applied })))
    }

    fn summary(&self, uri: Option<&Uri>) -> Result<Option<Value>> {
        let ws = analyse(&self.inner.state, &self.inner.serial);
        let summaries = match uri.and_then(|u| ws.file_by_path(&convert::path(u))) {
            Some(file) => vec![ide::summary::summary(&ws, ws.series_of(file))],
            None => ide::summary::summaries(&ws),
        };
        Ok(Some(serde_json::to_value(summaries).unwrap_or(Value::Null)))
    }

    fn next_edit(&self, uri: &Uri) -> Result<WorkspaceEdit> {
        let at = self.at(uri).ok_or_else(|| {
            Error::invalid_params("the document is not a 1:1 note the server knows")
        })?;
        let next = ide::next::next_meeting(&at.ws, at.file)
            .map_err(|e| Error::invalid_params(e.to_string()))?;
        Ok(convert::workspace_edit(
            &at.ws,
            &next.edits,
            next.new_file.as_ref(),
            at.unit,
            &self.uri_fn(),
        ))
    }
}

fn symbol_kind(k: Kind) -> SymbolKind {
    match k {
        Kind::Meeting => SymbolKind::NAMESPACE,
        Kind::Section => SymbolKind::STRING,
        Kind::Loop => SymbolKind::EVENT,
    }
}
