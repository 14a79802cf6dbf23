// The VS Code side of oneonone-ls: starts the language server for `*.1on1.md` files (which
// keep the markdown language, so highlighting and preview stay), hands it the `oneonone.*`
// settings, and adds the commands "1:1: Start next meeting" and "1:1: Show summary".

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  State,
  TransportKind,
} from 'vscode-languageclient/node';

import { renderSummary } from './summary';

const SECTION = 'oneonone';

/** The server's configuration keys (section 6 of the spec); `server.*` is the extension's own. */
export const SERVER_KEYS = [
  'staleAfterDays',
  'cadence',
  'careerEvery',
  'themes',
  'prompts',
  'statusPatterns',
  'rules',
  'lintHistory',
  'maxFileBytes',
  'today',
] as const;

const NOTE_PATTERN = '**/*.1on1.md';
const INSTALL_HINT =
  'Install it with `cargo install --path .` in a clone of the oneonone-ls repository (it lands in ~/.cargo/bin), ' +
  'or set "oneonone.server.path" to the absolute path of the oneonone-ls binary.';

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
let starting: Promise<void> | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('1:1 Notes');
  context.subscriptions.push(output);

  context.subscriptions.push(
    vscode.commands.registerCommand('oneonone.startNextMeeting', startNextMeeting),
    vscode.commands.registerCommand('oneonone.showSummary', showSummary),
    vscode.commands.registerCommand('oneonone.restartServer', async () => {
      await stopClient();
      await startClient();
    }),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration(`${SECTION}.server.path`)) {
        output.appendLine('oneonone.server.path changed: restarting the server');
        await stopClient();
        await startClient();
      }
    }),
    { dispose: () => void stopClient() },
  );

  await startClient();
}

export async function deactivate(): Promise<void> {
  await stopClient();
}

/** What the server is given for the `oneonone` section: a plain object of its keys only. */
export function serverSettings(scope?: vscode.ConfigurationScope): Record<string, unknown> {
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  const settings: Record<string, unknown> = {};
  for (const key of SERVER_KEYS) {
    const value = config.get<unknown>(key);
    settings[key] = value === undefined ? null : value;
  }
  // Settings objects are proxies; hand over plain JSON.
  return JSON.parse(JSON.stringify(settings)) as Record<string, unknown>;
}

/** The configured server command resolved to an executable file, or why it could not be. */
export function resolveServer(
  configured: string,
  env: NodeJS.ProcessEnv = process.env,
  cwd?: string,
): { path: string } | { error: string } {
  let command = configured.trim() || 'oneonone-ls';
  if (command === '~' || command.startsWith('~/') || command.startsWith('~\\')) {
    command = path.join(os.homedir(), command.slice(1));
  }
  const isWindows = process.platform === 'win32';
  const hasSeparator = command.includes('/') || (isWindows && command.includes('\\'));
  if (hasSeparator) {
    const full = path.isAbsolute(command) ? command : path.resolve(cwd ?? process.cwd(), command);
    if (isExecutableFile(full)) {
      return { path: full };
    }
    return {
      error: fs.existsSync(full)
        ? `The 1:1 language server at "${full}" (oneonone.server.path) is not an executable file.`
        : `The 1:1 language server was not found at "${full}" (oneonone.server.path).`,
    };
  }
  const exts = isWindows ? (env.PATHEXT ?? '.EXE;.CMD;.BAT;.COM').split(';') : [''];
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) {
      continue;
    }
    for (const ext of exts) {
      const candidate = path.join(dir, command + ext);
      if (isExecutableFile(candidate)) {
        return { path: candidate };
      }
    }
  }
  return { error: `The 1:1 language server "${command}" was not found on PATH.` };
}

function isExecutableFile(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) {
      return false;
    }
    fs.accessSync(file, process.platform === 'win32' ? fs.constants.F_OK : fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function showServerMissing(message: string): Promise<void> {
  output.appendLine(`${message} ${INSTALL_HINT}`);
  const openSettings = 'Set oneonone.server.path';
  const choice = await vscode.window.showErrorMessage(`${message} ${INSTALL_HINT}`, openSettings);
  if (choice === openSettings) {
    await vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.server.path`);
  }
}

function startClient(): Promise<void> {
  if (!starting) {
    starting = doStartClient().finally(() => {
      starting = undefined;
    });
  }
  return starting;
}

async function doStartClient(): Promise<void> {
  if (client) {
    return;
  }
  const configured = vscode.workspace.getConfiguration(SECTION).get<string>('server.path', 'oneonone-ls');
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const resolved = resolveServer(configured, process.env, folder);
  if ('error' in resolved) {
    void showServerMissing(resolved.error);
    return;
  }
  output.appendLine(`Starting ${resolved.path}`);

  const serverOptions: ServerOptions = {
    command: resolved.path,
    transport: TransportKind.stdio,
    options: { cwd: folder },
  };

  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', language: 'markdown', pattern: NOTE_PATTERN }],
    initializationOptions: serverSettings(),
    synchronize: {
      configurationSection: SECTION,
    },
    outputChannel: output,
    middleware: {
      workspace: {
        // The server pulls the `oneonone` section; VS Code would also hand it `server.path`,
        // which is not a server key. Answer with the server's keys only.
        configuration: async (params, token, next) => {
          const answers = await next(params, token);
          if (!Array.isArray(answers)) {
            return answers;
          }
          return params.items.map((item, i) => {
            if (item.section !== SECTION) {
              return answers[i];
            }
            const scope = item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined;
            return serverSettings(scope);
          });
        },
        // Pushed settings carry the same plain object, under `oneonone`.
        didChangeConfiguration: async () => {
          try {
            await client?.sendNotification(DidChangeConfigurationNotification.type, {
              settings: { [SECTION]: serverSettings() },
            });
          } catch (e) {
            // The client is stopping (a new server path restarts it).
            output.appendLine(`Could not send the settings: ${errorMessage(e)}`);
          }
        },
      },
      // The server's code lens runs `oneonone.summary`: show its result rather than drop it.
      executeCommand: async (command, args, next) => {
        const result = await next(command, args);
        if (command === 'oneonone.summary' && result) {
          await openSummary(result);
        }
        return result;
      },
    },
  };

  const c = new LanguageClient('oneonone', '1:1 Notes (oneonone-ls)', serverOptions, clientOptions);
  client = c;
  try {
    await c.start();
  } catch (e) {
    client = undefined;
    const err = e as NodeJS.ErrnoException;
    const text = String(err?.message ?? e);
    if (err?.code === 'ENOENT' || /ENOENT/.test(text)) {
      void showServerMissing(`The 1:1 language server "${resolved.path}" could not be started (not found).`);
    } else {
      output.appendLine(`The 1:1 language server failed to start: ${text}`);
      void vscode.window.showErrorMessage(`The 1:1 language server failed to start: ${text}`);
    }
    try {
      await c.dispose();
    } catch {
      // already down
    }
  }
}

async function stopClient(): Promise<void> {
  const c = client;
  client = undefined;
  if (c) {
    try {
      await c.stop();
    } catch (e) {
      output.appendLine(`Stopping the server: ${String(e)}`);
    }
  }
}

/** The running client, started if needed; undefined (after telling the user) if it cannot run. */
async function runningClient(): Promise<LanguageClient | undefined> {
  if (!client) {
    await startClient();
  }
  const c = client;
  if (!c) {
    return undefined;
  }
  if (c.state !== State.Running) {
    await new Promise<void>((resolve) => {
      const sub = c.onDidChangeState((e) => {
        if (e.newState !== State.Starting) {
          sub.dispose();
          resolve();
        }
      });
      if (c.state !== State.Starting) {
        sub.dispose();
        resolve();
      }
    });
  }
  return c.state === State.Running ? c : undefined;
}

function isNote(doc: vscode.TextDocument | undefined): doc is vscode.TextDocument {
  return !!doc && doc.uri.scheme === 'file' && doc.fileName.endsWith('.1on1.md');
}

async function startNextMeeting(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || !isNote(editor.document)) {
    void vscode.window.showWarningMessage('Open a *.1on1.md note first: the next meeting is added to its series.');
    return;
  }
  const c = await runningClient();
  if (!c) {
    return;
  }
  const doc = editor.document;
  const before = doc.getText();
  try {
    const result = (await c.sendRequest(ExecuteCommandRequest.type, {
      command: 'oneonone.startNext',
      arguments: [c.code2ProtocolConverter.asUri(doc.uri)],
    })) as { applied?: boolean } | null;
    if (result && result.applied === false) {
      void vscode.window.showWarningMessage('The next meeting could not be added (the edit was not applied).');
      return;
    }
    revealFirstChange(editor, before);
  } catch (e) {
    void vscode.window.showErrorMessage(`1:1: Start next meeting failed: ${errorMessage(e)}`);
  }
}

/** Moves the cursor to where the text first differs from `before` (the new meeting). */
function revealFirstChange(editor: vscode.TextEditor, before: string): void {
  const after = editor.document.getText();
  if (after === before) {
    return;
  }
  let i = 0;
  const n = Math.min(before.length, after.length);
  while (i < n && before.charCodeAt(i) === after.charCodeAt(i)) {
    i++;
  }
  // Start of the line of the first change, then past blank lines to the inserted heading.
  let pos = editor.document.positionAt(i);
  let line = pos.line;
  while (line < editor.document.lineCount - 1 && !/^##\s/.test(editor.document.lineAt(line).text)) {
    if (editor.document.lineAt(line).text.trim() !== '' && line > pos.line) {
      break;
    }
    line++;
  }
  pos = new vscode.Position(line, 0);
  editor.selection = new vscode.Selection(pos, pos);
  editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

async function showSummary(): Promise<void> {
  const c = await runningClient();
  if (!c) {
    return;
  }
  const doc = vscode.window.activeTextEditor?.document;
  const args = isNote(doc) ? [c.code2ProtocolConverter.asUri(doc.uri)] : [];
  try {
    const result = await c.sendRequest(ExecuteCommandRequest.type, {
      command: 'oneonone.summary',
      arguments: args,
    });
    await openSummary(result);
  } catch (e) {
    void vscode.window.showErrorMessage(`1:1: Show summary failed: ${errorMessage(e)}`);
  }
}

async function openSummary(result: unknown): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const content = renderSummary(result, folder);
  const summaryDoc = await vscode.workspace.openTextDocument({ language: 'markdown', content });
  await vscode.window.showTextDocument(summaryDoc, { preview: false, viewColumn: vscode.ViewColumn.Beside });
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
