//! What the server offers, and what it learns of the client at `initialize`.

use tower_lsp_server::ls_types::*;

use crate::text::ColumnUnit;

/// Commands of `workspace/executeCommand`.
pub const CMD_SUMMARY: &str = "oneonone.summary";
pub const CMD_START_NEXT: &str = "oneonone.startNext";
pub const CMD_APPLY_EDITS: &str = "oneonone.applyEdits";

/// What the client can do that changes what the server does.
#[derive(Clone, Debug, Default)]
pub struct ClientCaps {
    pub watch_files_dynamically: bool,
    pub pull_configuration: bool,
    pub work_done_progress: bool,
    /// The client pulls diagnostics (`textDocument/diagnostic`) and can be told to pull
    /// again (`workspace/diagnostic/refresh`): open documents are then pulled, not pushed.
    pub pull_diagnostics: bool,
}

impl ClientCaps {
    pub fn of(params: &InitializeParams) -> Self {
        let ws = params.capabilities.workspace.as_ref();
        ClientCaps {
            watch_files_dynamically: ws
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|d| d.dynamic_registration)
                .unwrap_or(false),
            pull_configuration: ws.and_then(|w| w.configuration).unwrap_or(false),
            work_done_progress: params
                .capabilities
                .window
                .as_ref()
                .and_then(|w| w.work_done_progress)
                .unwrap_or(false),
            // Without refresh the server could not say that an open document's findings
            // changed because of another file: such a client is pushed to.
            pull_diagnostics: params
                .capabilities
                .text_document
                .as_ref()
                .is_some_and(|t| t.diagnostic.is_some())
                && ws
                    .and_then(|w| w.diagnostics.as_ref())
                    .and_then(|d| d.refresh_support)
                    .unwrap_or(false),
        }
    }
}

/// UTF-8 when the client offers it, else UTF-16 (which every client supports).
pub fn negotiate_encoding(params: &InitializeParams) -> ColumnUnit {
    let offered = params
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref());
    match offered {
        Some(list) if list.contains(&PositionEncodingKind::UTF8) => ColumnUnit::Utf8,
        _ => ColumnUnit::Utf16,
    }
}

pub fn server_capabilities(unit: ColumnUnit, caps: &ClientCaps) -> ServerCapabilities {
    let encoding = match unit {
        ColumnUnit::Utf8 => PositionEncodingKind::UTF8,
        _ => PositionEncodingKind::UTF16,
    };
    ServerCapabilities {
        position_encoding: Some(encoding),
        diagnostic_provider: caps.pull_diagnostics.then(|| {
            DiagnosticServerCapabilities::Options(DiagnosticOptions {
                identifier: Some("1on1".into()),
                // A document's findings depend on the other files of its series.
                inter_file_dependencies: true,
                workspace_diagnostics: false,
                work_done_progress_options: WorkDoneProgressOptions::default(),
            })
        }),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                ..Default::default()
            },
        )),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec!["#".into(), "^".into(), " ".into()]),
            ..Default::default()
        }),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
        inlay_hint_provider: Some(OneOf::Left(true)),
        code_lens_provider: Some(CodeLensOptions {
            resolve_provider: Some(false),
        }),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![
                CodeActionKind::QUICKFIX,
                CodeActionKind::REFACTOR,
                CodeActionKind::SOURCE,
            ]),
            ..Default::default()
        })),
        execute_command_provider: Some(ExecuteCommandOptions {
            commands: vec![
                CMD_SUMMARY.into(),
                CMD_START_NEXT.into(),
                CMD_APPLY_EDITS.into(),
            ],
            ..Default::default()
        }),
        workspace: Some(WorkspaceServerCapabilities {
            workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                supported: Some(true),
                change_notifications: None,
            }),
            file_operations: None,
        }),
        ..Default::default()
    }
}
