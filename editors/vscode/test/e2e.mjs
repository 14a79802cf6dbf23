// End-to-end test of the extension in a real VS Code: code-server with the packaged .vsix,
// driven by headless Chromium through playwright-core.
//
//   node test/e2e.mjs            (test/run.sh prepares everything and runs this)
//
// Environment: ONEONONE_LS (server binary; default <repo>/target/debug/oneonone-ls),
// CODE_SERVER (default <repo>/target/editor-tests/code-server/node_modules/.bin/code-server),
// VSIX (default editors/vscode/oneonone.vsix), CHROMIUM (default /usr/bin/chromium),
// E2E_KEEP=1 keeps the temporary folder.
//
// Exits non-zero on failure and always stops code-server (its whole process group).

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const extDir = path.resolve(here, '..');
const repo = path.resolve(extDir, '../..');
const serverBin = path.resolve(process.env.ONEONONE_LS || path.join(repo, 'target/debug/oneonone-ls'));
const codeServer = path.resolve(
  process.env.CODE_SERVER || path.join(repo, 'target/editor-tests/code-server/node_modules/.bin/code-server'),
);
const vsix = path.resolve(process.env.VSIX || path.join(extDir, 'oneonone.vsix'));
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
const screenshotPath = path.join(extDir, 'screenshot.png');
const outDir = path.join(here, 'out');

const NOTE = 'sam-priya.1on1.md';
const TODAY = '2026-11-25';
const STATUS_ONLY = 'Every agenda item is a status update';
const STEP_TIMEOUT = 30_000;

let codeServerProc;
let browser;
let tmp;
const started = Date.now();
const log = (msg) => console.log(`[e2e ${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`);

function check(cond, message) {
  if (!cond) {
    throw new Error(message);
  }
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    if (codeServerProc.exitCode !== null) {
      throw new Error(`code-server exited early with code ${codeServerProc.exitCode}`);
    }
    try {
      const res = await fetch(url);
      if (res.ok) {
        return;
      }
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = e.message;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms (${last})`);
}

async function stopCodeServer() {
  const p = codeServerProc;
  codeServerProc = undefined;
  if (!p || p.exitCode !== null || p.signalCode !== null) {
    return;
  }
  const exited = new Promise((r) => p.once('exit', r));
  try {
    process.kill(-p.pid, 'SIGTERM'); // the group: code-server, its extension host, the server
  } catch {
    // already gone
  }
  const timer = new Promise((r) => setTimeout(r, 5000, 'timeout'));
  if ((await Promise.race([exited, timer])) === 'timeout') {
    try {
      process.kill(-p.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  // Whatever of the group outlived the leader (the extension host, the language server).
  try {
    process.kill(-p.pid, 'SIGKILL');
  } catch {
    // nothing left
  }
}

async function cleanup() {
  if (browser) {
    await browser.close().catch(() => {});
    browser = undefined;
  }
  await stopCodeServer();
  if (tmp && !process.env.E2E_KEEP) {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, async () => {
    console.error(`[e2e] ${sig}: stopping code-server`);
    await cleanup();
    process.exit(130);
  });
}

// The line of `text` (1-based) that starts with `prefix`.
function lineOf(text, prefix) {
  const i = text.split('\n').findIndex((l) => l.startsWith(prefix));
  check(i >= 0, `fixture has no line starting with ${JSON.stringify(prefix)}`);
  return i + 1;
}

async function main() {
  for (const [what, file] of [
    ['server binary (ONEONONE_LS)', serverBin],
    ['code-server (CODE_SERVER)', codeServer],
    ['extension package (VSIX)', vsix],
    ['chromium (CHROMIUM)', chromiumPath],
  ]) {
    check(fs.existsSync(file), `${what} not found at ${file}`);
  }
  fs.mkdirSync(outDir, { recursive: true });

  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'oneonone-e2e-'));
  const workspace = path.join(tmp, 'workspace');
  const userData = path.join(tmp, 'user-data');
  const extensions = path.join(tmp, 'extensions');
  fs.cpSync(path.join(here, 'fixtures/workspace'), workspace, { recursive: true });
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  // Today is 2026-11-25, from the fixture's .1on1.json.
  const settings = {
    'oneonone.server.path': serverBin,
    // A server setting, to see the settings reach the server: unknown-theme becomes an error.
    'oneonone.rules': { 'unknown-theme': 'error' },
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'chat.commandCenter.enabled': false,
    'files.autoSave': 'off',
    'editor.minimap.enabled': false,
    'editor.stickyScroll.enabled': false,
    'editor.fontSize': 14,
    'window.zoomLevel': 0,
    'workbench.colorTheme': 'Default Light Modern',
  };
  fs.writeFileSync(path.join(userData, 'User/settings.json'), JSON.stringify(settings, null, 2));

  const notePath = path.join(workspace, NOTE);
  const original = fs.readFileSync(notePath, 'utf8');
  const taskLine = lineOf(original, '- [ ] Draft the migration RFC');
  const notesLine = lineOf(original, '- Priya asked about the roadmap');

  // code-server keeps its own state under XDG folders: point them into the temporary folder.
  const env = {
    ...process.env,
    XDG_DATA_HOME: path.join(tmp, 'xdg-data'),
    XDG_CONFIG_HOME: path.join(tmp, 'xdg-config'),
    XDG_CACHE_HOME: path.join(tmp, 'xdg-cache'),
  };
  const common = ['--config', path.join(tmp, 'config.yaml'), '--user-data-dir', userData, '--extensions-dir', extensions];
  fs.writeFileSync(path.join(tmp, 'config.yaml'), 'auth: none\n');

  log(`installing ${path.basename(vsix)} into a fresh extensions folder`);
  const install = spawnSync(codeServer, [...common, '--install-extension', vsix], { env, encoding: 'utf8', timeout: 120_000 });
  check(
    install.status === 0 && /successfully installed/i.test(install.stdout + install.stderr),
    `--install-extension failed (${install.status}): ${install.stdout}${install.stderr}`,
  );

  const port = await freePort();
  log(`starting code-server on 127.0.0.1:${port}`);
  const csLog = fs.openSync(path.join(outDir, 'code-server.log'), 'w');
  codeServerProc = spawn(
    codeServer,
    [
      ...common,
      '--bind-addr', `127.0.0.1:${port}`,
      '--auth', 'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--ignore-last-opened',
      workspace,
    ],
    { env, detached: true, stdio: ['ignore', csLog, csLog] },
  );
  await waitForHttp(`http://127.0.0.1:${port}/healthz`, 60_000);

  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 1100 } });
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT);
  page.on('pageerror', (e) => log(`page error: ${e.message}`));

  try {
    await run(page, { port, workspace, notePath, original, taskLine, notesLine });
  } catch (e) {
    await page.screenshot({ path: path.join(outDir, 'failure.png') }).catch(() => {});
    log(`failure screenshot: ${path.join(outDir, 'failure.png')}; code-server log: ${path.join(outDir, 'code-server.log')}`);
    throw e;
  }
}

async function run(page, { port, workspace, notePath, original, taskLine, notesLine }) {
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`;
  log(`opening ${url}`);
  await page.goto(url);
  await page.locator('.monaco-workbench').waitFor();
  await page.locator('.explorer-folders-view, .explorer-viewlet').first().waitFor();

  // Open the note through Quick Open.
  log(`opening ${NOTE}`);
  const editor = page.locator('.editor-instance .monaco-editor').first();
  await page.locator('.monaco-workbench').click({ position: { x: 700, y: 400 } }).catch(() => {});
  await openQuickInput(page, 'Control+P', NOTE);
  await page.keyboard.press('Enter');
  await editor.locator('.view-lines').getByText('1:1 Sam / Priya').waitFor();
  await page.locator(`.editor-group-container.active .tab.active:has-text("${NOTE}")`).waitFor();

  // The Problems panel shows the status-only-agenda warning, from source 1on1.
  log('waiting for the status-only-agenda warning in the Problems panel');
  await page.keyboard.press('Control+Shift+M');
  const problems = page.locator('.markers-panel');
  await problems.waitFor();
  const problem = problems.locator('.monaco-list-row').filter({ hasText: STATUS_ONLY });
  await problem.first().waitFor();
  const problemText = (await problem.first().innerText()).replace(/\s+/g, ' ');
  check(/1on1/.test(problemText), `the warning does not name its source 1on1: ${problemText}`);
  check(/status-only-agenda/.test(problemText), `the warning does not name its rule: ${problemText}`);
  check(
    (await problem.first().locator('.codicon-warning').count()) > 0,
    `the status-only-agenda problem is not a warning: ${problemText}`,
  );
  // ...and inline in the editor, as a warning squiggle.
  await editor.locator('.squiggly-warning').first().waitFor();
  // The user's oneonone.rules reached the server: the misspelt theme is an error.
  const typo = problems.locator('.monaco-list-row').filter({ hasText: '#grwoth is not a theme' }).first();
  await typo.locator('.codicon-error').waitFor();
  await editor.locator('.squiggly-error').first().waitFor();

  // Close loop: the quick fix on the open task.
  log(`quick fix menu on line ${taskLine}`);
  await goToLine(page, taskLine, 'start');
  await page.keyboard.press('Control+.');
  const actionWidget = page.locator('.action-widget');
  const closeLoop = actionWidget.locator('.monaco-list-row').filter({ hasText: 'Close loop' }).first();
  await closeLoop.waitFor();
  await page.screenshot({ path: screenshotPath });
  log(`screenshot: ${screenshotPath}`);
  await chooseRow(page, actionWidget, closeLoop);
  await editor.locator('.view-lines').getByText(`✅ ${TODAY}`).waitFor();
  await actionWidget.waitFor({ state: 'hidden' });
  const closedLine = `- [x] Draft the migration RFC 📅 2026-12-01 ✅ ${TODAY}`;
  // The line as shown (its inlay hint, the loop's age, goes once the loop is closed).
  const taskView = editor.locator('.view-line', { hasText: 'Draft the migration RFC' }).first();
  const shown = async () => (await taskView.innerText()).replace(/\u00a0/g, ' ');
  await waitUntilAsync(async () => (await shown()) === closedLine, `the task line to read ${JSON.stringify(closedLine)}`)
    .catch(async (e) => {
      throw new Error(`${e.message}; it reads ${JSON.stringify(await shown())}`);
    });

  // Completion after '#': the themes.
  log(`completion after "#" on line ${notesLine}`);
  await goToLine(page, notesLine, 'end');
  await page.keyboard.type(' #');
  const suggest = page.locator('.editor-widget.suggest-widget.visible');
  await suggest.waitFor();
  const growth = suggest.locator('.monaco-list-row').filter({ hasText: /#?growth/ }).first();
  await growth.waitFor();
  const labels = (await suggest.locator('.monaco-list-row .label-name').allInnerTexts()).map((s) => s.trim());
  log(`suggestions: ${labels.join(', ')}`);
  check(labels.some((l) => /^#?growth$/.test(l)), `#growth is not among the suggestions: ${labels.join(', ')}`);
  await chooseRow(page, suggest, growth);
  await suggest.waitFor({ state: 'hidden' });
  await editor.locator('.view-lines').getByText('roadmap #growth').waitFor();

  // Save and compare the file on disk byte for byte.
  log('saving');
  await page.keyboard.press('Control+S');
  const lines = original.split('\n');
  lines[taskLine - 1] = closedLine;
  lines[notesLine - 1] = `${lines[notesLine - 1]} #growth`;
  const expected = lines.join('\n');
  await waitUntil(() => fs.readFileSync(notePath, 'utf8') === expected, 'the saved file to equal the expected text', () => {
    return `on disk:\n${fs.readFileSync(notePath, 'utf8')}\nexpected:\n${expected}`;
  });
  check(Buffer.compare(fs.readFileSync(notePath), Buffer.from(expected, 'utf8')) === 0, 'the saved bytes differ');
  log('the saved file is exactly the original with the loop closed and #growth added');
  await page.locator('.tab.active.dirty').waitFor({ state: 'detached' });

  // "1:1: Show summary" opens the series' checkpoint as markdown; so does the code lens.
  log('1:1: Show summary');
  const summaryTabs = page.locator('.tab', { hasText: '1:1 summary' });
  await runCommand(page, '1:1: Show summary');
  const summaryEditor = page.locator('.editor-instance .monaco-editor .view-lines').filter({ hasText: '# 1:1 summary' });
  await summaryEditor.first().waitFor();
  await summaryEditor.first().getByText('## Priya').waitFor();
  await summaryEditor.first().getByText('Status-only meetings').waitFor();
  await waitUntilAsync(async () => (await summaryTabs.count()) === 1, 'one summary tab');
  log('the code lens opens the summary too');
  const lens = page.locator('.codelens-decoration a', { hasText: 'open loop' }).first();
  await lens.click();
  await waitUntilAsync(async () => (await summaryTabs.count()) === 2, 'a second summary tab, from the code lens');

  // "1:1: Start next meeting" adds the next meeting, one week after the newest (weekly).
  log('1:1: Start next meeting');
  await runCommand(page, 'View: Focus First Editor Group');
  await page.locator(`.editor-group-container.active .tab.active:has-text("${NOTE}")`).waitFor();
  await runCommand(page, '1:1: Start next meeting');
  await editor.locator('.view-lines').getByText('## 2026-12-01').waitFor();
  log('the next meeting (## 2026-12-01) was added');
  await page.keyboard.press('Control+S');
  await waitUntil(
    () => fs.readFileSync(notePath, 'utf8').includes('\n## 2026-12-01'),
    'the next meeting to be saved',
  );
  const after = fs.readFileSync(notePath, 'utf8');
  check(after.startsWith(expected), 'Start next meeting changed bytes before the end of the file');
  // The same edit as the command line's `oneonone-ls next`.
  const cliDir = fs.mkdtempSync(path.join(tmp, 'cli-'));
  const cliNote = path.join(cliDir, NOTE);
  fs.writeFileSync(cliNote, expected);
  const next = spawnSync(serverBin, ['next', cliNote, '--today', TODAY], { encoding: 'utf8' });
  check(next.status === 0, `oneonone-ls next failed (${next.status}): ${next.stderr}`);
  check(fs.readFileSync(cliNote, 'utf8') === after, 'the editor\'s next meeting differs from `oneonone-ls next`');

  // A setting changed while the server runs applies at once: with careerEvery 1, the new
  // meeting (no #growth in it) gets career-drift. Settings are changed through the Settings
  // editor, as a user would (code-server does not notice settings.json rewritten behind it).
  log('setting oneonone.careerEvery to 1');
  const careerDrift = problems.locator('.monaco-list-row').filter({ hasText: 'career-drift' });
  check((await careerDrift.count()) === 0, 'career-drift before careerEvery was changed');
  await runCommand(page, 'Preferences: Open Settings (UI)');
  const settingsEditor = page.locator('.settings-editor');
  await settingsEditor.waitFor();
  const searchSettings = async (query, tab) => {
    await settingsEditor.locator('.settings-tabs-widget .action-label', { hasText: tab }).click();
    const box = settingsEditor.locator('.settings-header .suggest-input-container .monaco-editor');
    const text = async () => (await box.locator('.view-lines').innerText()).replace(/\u00a0/g, ' ').trim();
    // Switching tabs moves the focus to the list a moment later: retry until the query sticks.
    await waitUntilAsync(async () => {
      await box.click({ position: { x: 20, y: 10 } });
      await box.and(page.locator('.focused')).waitFor({ timeout: 2000 });
      await page.keyboard.press('Control+A');
      await page.keyboard.type(query);
      return (await text()) === query;
    }, `the settings search to read ${query}`);
  };
  await searchSettings('oneonone.careerEvery', 'User');
  const careerInput = settingsEditor.locator('.setting-item-contents').filter({ hasText: 'Career Every' }).locator('input');
  await careerInput.waitFor();
  await careerInput.fill('1');
  await careerInput.press('Tab');
  await careerDrift.first().waitFor();
  log('career-drift appeared');

  // A server path that does not exist: a clear error saying how to install the server.
  log('setting oneonone.server.path to a missing file');
  const missing = path.join(path.dirname(notePath), 'no-such-dir', 'oneonone-ls');
  // A machine-overridable setting: in code-server (a remote window) it lives in the Remote tab.
  await searchSettings('oneonone.server.path', 'Remote');
  const pathSetting = settingsEditor.locator('.setting-item-contents').filter({ hasText: 'Server: Path' });
  const pathInput = pathSetting.locator('input');
  await pathInput.waitFor();
  await pathInput.fill(missing);
  await pathInput.press('Tab');
  const toast = page.locator('.notifications-toasts .notification-toast').filter({ hasText: 'was not found' });
  await toast.first().waitFor();
  const toastText = (await toast.first().innerText()).replace(/\s+/g, ' ');
  check(toastText.includes('cargo install --path .'), `the error does not say how to install: ${toastText}`);
  check(toastText.includes('oneonone.server.path'), `the error does not name the setting: ${toastText}`);
  log(`error shown: ${toastText.slice(0, 160)}...`);

  // No other message of ours came up, in particular none about the settings the server was given
  // (VS Code's whole `oneonone` section has `server`, which is not a server key).
  await page.locator('[id="status.notifications"]').click();
  const center = page.locator('.notifications-center');
  await center.locator('.notification-list-item').first().waitFor();
  const all = (await center.locator('.notification-list-item').allInnerTexts()).map((t) => t.replace(/\s+/g, ' '));
  log(`notifications: ${all.length}`);
  // Ours only: VS Code's own progress notes ("Activating Extensions...") come and go.
  const others = all.filter((t) => /oneonone|1:1/i.test(t) && !t.includes('was not found'));
  check(others.length === 0, `unexpected notifications: ${others.join(' | ')}`);
}

// Moves the focus in a list widget (quick fix menu, suggestions) down to `row`, then accepts
// it with Enter: the widgets take keys, and a pointer block covers them from clicks.
async function chooseRow(page, widget, row) {
  const focusedIndex = async () => {
    const focused = widget.locator('.monaco-list-row.focused');
    return (await focused.count()) ? focused.first().getAttribute('data-index') : null;
  };
  for (let i = 0; i < 50; i++) {
    if (((await row.getAttribute('class')) ?? '').split(/\s+/).includes('focused')) {
      await page.keyboard.press('Enter');
      return;
    }
    const before = await focusedIndex();
    await page.keyboard.press('ArrowDown');
    for (let t = 0; t < 20 && (await focusedIndex()) === before; t++) {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error('could not move the focus to the wanted row');
}

async function openQuickInput(page, keys, text) {
  const input = page.locator('.quick-input-widget input');
  await page.keyboard.press(keys);
  await input.waitFor();
  await input.fill(text);
  // Wait for the list to show a match for what was typed.
  const needle = text.replace(/^>\s*/, '');
  await page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: needle }).first().waitFor();
}

async function runCommand(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: title }).first();
  await row.waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

// Puts the cursor on `line` (1-based) at its start or end. From the top with the arrow keys,
// so that the editor scrolls only as far as it must (Go to Line would centre the line).
async function goToLine(page, line, where) {
  const status = page.locator('.statusbar-item', { hasText: /Ln \d+,/ }).first();
  const current = async () => Number((/Ln (\d+),/.exec(await status.innerText()) ?? [])[1]);
  await runCommand(page, 'View: Focus Active Editor Group');
  await page.locator('.editor-group-container.active .monaco-editor.focused').waitFor();
  // The focus can still be settling: press again until the cursor is there.
  await waitUntilAsync(async () => {
    await page.keyboard.press('Control+Home');
    await page.waitForTimeout(100);
    return (await current()) === 1;
  }, 'the cursor on line 1');
  for (let i = 0; i < 200 && (await current()) < line; i++) {
    const before = await current();
    await page.keyboard.press('ArrowDown');
    await waitUntilAsync(async () => (await current()) !== before, 'the cursor to move down');
  }
  check((await current()) === line, `the cursor is on line ${await current()}, not ${line}`);
  await page.keyboard.press(where === 'end' ? 'End' : 'Home');
  if (where !== 'end') {
    await waitUntilAsync(async () => / Col 1\b/.test(await status.innerText()), 'the cursor at column 1');
  }
}

async function waitUntilAsync(cond, what) {
  const deadline = Date.now() + STEP_TIMEOUT;
  while (Date.now() < deadline) {
    if (await cond().catch(() => false)) {
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function waitUntil(cond, what, detail) {
  const deadline = Date.now() + STEP_TIMEOUT;
  while (Date.now() < deadline) {
    try {
      if (cond()) {
        return;
      }
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${detail ? `\n${detail()}` : ''}`);
}

let failed = false;
try {
  await main();
  log('PASS');
  console.log('e2e: 1 passed, 0 failed');
} catch (e) {
  failed = true;
  console.error(`[e2e] FAIL: ${e.stack || e}`);
  console.log('e2e: 0 passed, 1 failed');
} finally {
  await cleanup();
}
process.exit(failed ? 1 : 0);
