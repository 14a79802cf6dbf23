#!/usr/bin/env python3
"""Checks editors/helix/languages.toml and talks to the real server the way Helix does.

Python 3.11+, standard library only. Usage:

    python3 editors/helix/test/check.py [--server PATH]

The server defaults to $ONEONONE_LS, else <repo>/target/debug/oneonone-ls. Every check
prints a line as it passes; the first failure prints `FAIL: ...` and exits 1.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
HELIX = HERE.parent
REPO = HELIX.parent.parent
TIMEOUT = 10.0  # seconds for any one answer from the server

passed = 0


class Failure(Exception):
    pass


def ok(msg: str) -> None:
    global passed
    passed += 1
    print(f"ok {passed} - {msg}", flush=True)


def check(cond: bool, msg: str) -> None:
    if not cond:
        raise Failure(msg)
    ok(msg)


# --- languages.toml --------------------------------------------------------------------

# The keys Helix 25.07.1 accepts in a [[language]] table: LanguageConfiguration in
# helix-core/src/syntax/config.rs, which is `deny_unknown_fields`, so any other key makes
# Helix reject the user's whole languages.toml.
LANGUAGE_KEYS = {
    "name", "language-id", "scope", "file-types", "shebangs", "roots", "comment-tokens",
    "comment-token", "block-comment-tokens", "text-width", "soft-wrap", "auto-format",
    "formatter", "path-completion", "diagnostic-severity", "grammar", "injection-regex",
    "language-servers", "indent", "debugger", "auto-pairs", "rulers", "workspace-lsp-roots",
    "persistent-diagnostic-sources",
}
SERVER_KEYS = {"command", "args", "environment", "config", "timeout", "required-root-patterns"}
SETTINGS_KEYS = {
    "staleAfterDays", "cadence", "careerEvery", "themes", "prompts", "statusPatterns",
    "rules", "lintHistory", "maxFileBytes", "today",
}


def check_languages_toml() -> None:
    path = HELIX / "languages.toml"
    try:
        with open(path, "rb") as f:
            conf = tomllib.load(f)
    except tomllib.TOMLDecodeError as e:
        raise Failure(f"{path} does not parse as TOML: {e}")
    ok("languages.toml parses as TOML")

    langs = [lang for lang in conf.get("language", []) if lang.get("name") == "oneonone"]
    check(len(langs) == 1, "languages.toml defines the language `oneonone` once")
    lang = langs[0]
    unknown = set(lang) - LANGUAGE_KEYS
    check(not unknown, f"the language uses only keys Helix 25.07 knows (unknown: {sorted(unknown)})")
    check(
        isinstance(lang.get("scope"), str) and lang["scope"].startswith("source."),
        f"the language has a scope ({lang.get('scope')!r})",
    )
    check(
        {"glob": "*.1on1.md"} in lang.get("file-types", []),
        'file-types has { glob = "*.1on1.md" }',
    )
    check(
        not any(isinstance(t, str) for t in lang.get("file-types", [])),
        "file-types claims no plain extension (so other .md files stay markdown)",
    )
    check(lang.get("grammar") == "markdown", 'grammar = "markdown"')
    check(
        lang.get("block-comment-tokens") == {"start": "<!--", "end": "-->"},
        "block comment tokens are markdown's <!-- -->",
    )
    servers = [s if isinstance(s, str) else s.get("name") for s in lang.get("language-servers", [])]
    check(
        servers[:1] == ["oneonone-ls"] and "marksman" in servers,
        f"language-servers lists oneonone-ls first and marksman ({servers})",
    )

    ls = conf.get("language-server", {}).get("oneonone-ls")
    check(isinstance(ls, dict), "[language-server.oneonone-ls] is defined")
    unknown = set(ls) - SERVER_KEYS
    check(not unknown, f"the server table uses only keys Helix knows (unknown: {sorted(unknown)})")
    check(ls.get("command") == "oneonone-ls", 'its command is "oneonone-ls"')
    check(ls.get("args", []) in ([], ["--stdio"]), f"its args start the LSP mode ({ls.get('args')})")
    settings = ls.get("config", {}).get("oneonone")
    check(isinstance(settings, dict), "its config has the `oneonone` settings section")
    unknown = set(settings) - SETTINGS_KEYS
    check(not unknown, f"the settings are the server's configuration keys (unknown: {sorted(unknown)})")

    for q in ("highlights.scm", "injections.scm"):
        text = (HELIX / "queries" / "oneonone" / q).read_text()
        check(
            text.splitlines()[0].replace(" ", "") == ";inherits:markdown",
            f"queries/oneonone/{q} inherits markdown's",
        )
    return ls["config"]


# --- LSP over stdio -------------------------------------------------------------------


class Server:
    """The server as a subprocess, spoken to with LSP framing; reads on a thread."""

    def __init__(self, cmd: list[str], cwd: Path, config):
        self.config = config
        self.proc = subprocess.Popen(
            cmd,
            cwd=cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # so that cleanup can end the server and any child
        )
        self.inbox: queue.Queue = queue.Queue()
        self.next_id = 0
        self.notifications: list[dict] = []
        self.stderr = bytearray()
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._drain_stderr, daemon=True).start()

    def kill(self) -> None:
        """Ends the server's process group (the server and anything it started)."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.proc.wait()

    def _drain_stderr(self) -> None:
        for chunk in iter(lambda: self.proc.stderr.read1(4096), b""):
            self.stderr += chunk

    def _read(self) -> None:
        out = self.proc.stdout
        try:
            while True:
                headers = {}
                while True:
                    line = out.readline()
                    if not line:
                        self.inbox.put(None)
                        return
                    line = line.rstrip(b"\r\n")
                    if not line:
                        break
                    k, _, v = line.decode("ascii").partition(":")
                    headers[k.strip().lower()] = v.strip()
                n = int(headers["content-length"])
                body = out.read(n)
                if len(body) < n:
                    self.inbox.put(None)
                    return
                self.inbox.put(json.loads(body.decode("utf-8")))
        except Exception as e:  # a malformed frame from the server is a failure
            self.inbox.put({"__error__": repr(e)})

    def send(self, msg: dict) -> None:
        msg = {"jsonrpc": "2.0", **msg}
        body = json.dumps(msg, ensure_ascii=False).encode("utf-8")
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def notify(self, method: str, params) -> None:
        self.send({"method": method, "params": params})

    def request(self, method: str, params) -> int:
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        return self.next_id

    def _answer_server_request(self, msg: dict) -> None:
        """Answers what the server asks the way Helix 25.07 does."""
        method = msg["method"]
        if method == "workspace/configuration":
            result = []
            for item in msg["params"]["items"]:
                value = self.config
                for part in (item.get("section") or "").split("."):
                    if part and value is not None:
                        value = value.get(part)
                result.append(value)
            self.send({"id": msg["id"], "result": result})
        elif method in ("client/registerCapability", "window/workDoneProgress/create"):
            self.send({"id": msg["id"], "result": None})
        elif method == "workspace/applyEdit":
            self.send({"id": msg["id"], "result": {"applied": True}})
        else:
            self.send({"id": msg["id"], "error": {"code": -32601, "message": f"{method} not handled"}})

    def wait_for(self, pred, what: str, timeout: float = TIMEOUT) -> dict:
        """Reads messages until one satisfies `pred`, answering server requests meanwhile."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise Failure(f"timed out after {timeout}s waiting for {what}")
            try:
                msg = self.inbox.get(timeout=left)
            except queue.Empty:
                continue
            if msg is None:
                raise Failure(f"the server closed its output while waiting for {what}")
            if "__error__" in msg:
                raise Failure(f"malformed frame from the server: {msg['__error__']}")
            if "method" in msg and "id" in msg:
                self._answer_server_request(msg)
            elif "method" in msg:
                self.notifications.append(msg)
            if pred(msg):
                return msg

    def call(self, method: str, params, timeout: float = TIMEOUT):
        rid = self.request(method, params)
        msg = self.wait_for(lambda m: m.get("id") == rid and "method" not in m, f"the answer to {method}", timeout)
        if "error" in msg:
            raise Failure(f"{method} answered an error: {msg['error']}")
        return msg.get("result")


def helix_initialize(root: Path, config) -> dict:
    """The `initialize` params Helix 25.07.1 sends (helix-lsp/src/client.rs, `initialize`),
    with snippets enabled (the default), as serde writes them (None fields left out)."""
    root_uri = root.as_uri()
    return {
        "processId": os.getpid(),
        "workspaceFolders": [{"uri": root_uri, "name": root.name}],
        "rootPath": str(root),
        "rootUri": root_uri,
        "initializationOptions": config,
        "capabilities": {
            "workspace": {
                "applyEdit": True,
                "workspaceEdit": {
                    "documentChanges": True,
                    "resourceOperations": ["create", "rename", "delete"],
                    "failureHandling": "abort",
                    "normalizesLineEndings": False,
                },
                "didChangeConfiguration": {"dynamicRegistration": False},
                "didChangeWatchedFiles": {
                    "dynamicRegistration": True,
                    "relativePatternSupport": False,
                },
                "symbol": {"dynamicRegistration": False},
                "executeCommand": {"dynamicRegistration": False},
                "workspaceFolders": True,
                "configuration": True,
                "inlayHint": {"refreshSupport": False},
                "fileOperations": {"didRename": True, "willRename": True},
            },
            "textDocument": {
                "completion": {
                    "completionItem": {
                        "snippetSupport": True,
                        "deprecatedSupport": True,
                        "tagSupport": {"valueSet": [1]},
                        "insertReplaceSupport": True,
                        "resolveSupport": {
                            "properties": ["documentation", "detail", "additionalTextEdits"]
                        },
                    },
                    "completionItemKind": {},
                },
                "hover": {"contentFormat": ["markdown"]},
                "signatureHelp": {
                    "signatureInformation": {
                        "documentationFormat": ["markdown"],
                        "parameterInformation": {"labelOffsetSupport": True},
                        "activeParameterSupport": True,
                    }
                },
                "formatting": {"dynamicRegistration": False},
                "codeAction": {
                    "codeActionLiteralSupport": {
                        "codeActionKind": {
                            "valueSet": [
                                "", "quickfix", "refactor", "refactor.extract",
                                "refactor.inline", "refactor.rewrite", "source",
                                "source.organizeImports",
                            ]
                        }
                    },
                    "isPreferredSupport": True,
                    "disabledSupport": True,
                    "dataSupport": True,
                    "resolveSupport": {"properties": ["edit", "command"]},
                },
                "rename": {
                    "dynamicRegistration": False,
                    "prepareSupport": True,
                    "honorsChangeAnnotations": False,
                },
                "publishDiagnostics": {
                    "tagSupport": {"valueSet": [1, 2]},
                    "versionSupport": True,
                },
                "inlayHint": {"dynamicRegistration": False},
            },
            "window": {"workDoneProgress": True},
            "general": {"positionEncodings": ["utf-8", "utf-32", "utf-16"]},
        },
        "clientInfo": {"name": "helix", "version": "25.07.1"},
    }


def utf8_col(line: str) -> int:
    return len(line.encode("utf-8"))


def check_server(server_path: Path, config) -> None:
    with tempfile.TemporaryDirectory(prefix="oneonone-helix-") as tmp:
        root = Path(tmp)
        for f in (HERE / "fixtures").iterdir():
            shutil.copy(f, root / f.name)
        doc = root / "sam-priya.1on1.md"
        text = doc.read_text(encoding="utf-8")
        uri = doc.as_uri()

        # Helix starts servers in the workspace folder with its args.
        s = Server([str(server_path), "--stdio"], root, config)
        try:
            run_session(s, root, doc, text, uri, config)
        except Failure:
            if s.stderr:
                sys.stderr.write("--- server stderr ---\n" + s.stderr.decode("utf-8", "replace"))
            raise
        finally:
            s.kill()


def run_session(s: Server, root: Path, doc: Path, text: str, uri: str, config) -> None:
    init = s.call("initialize", helix_initialize(root, config))
    caps = init.get("capabilities", {})
    check(caps.get("positionEncoding") == "utf-8", f'the server chose positionEncoding "utf-8" ({caps.get("positionEncoding")!r})')
    sync = caps.get("textDocumentSync")
    change = sync.get("change") if isinstance(sync, dict) else sync
    check(change in (1, 2), f"the server declares text sync Helix can do (change = {change})")
    check(
        "#" in (caps.get("completionProvider", {}).get("triggerCharacters") or []),
        "completion triggers on `#`",
    )
    s.notify("initialized", {})
    # Helix 25.07 then sends the server's `config` (helix-term/src/application.rs, on
    # Notification::Initialized).
    s.notify("workspace/didChangeConfiguration", {"settings": config})

    s.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": "markdown", "version": 0, "text": text}},
    )

    def diags_for(version):
        def pred(m):
            return (
                m.get("method") == "textDocument/publishDiagnostics"
                and m["params"]["uri"] == uri
                and m["params"].get("version", version) == version
                and len(m["params"]["diagnostics"]) > 0
            )
        return pred

    msg = s.wait_for(diags_for(0), "diagnostics for the opened document")
    diags = msg["params"]["diagnostics"]
    ok(f"the server published {len(diags)} diagnostics for the document")
    lines = text.split("\n")
    heading = lines.index("## 2026-11-24")
    status = [d for d in diags if d.get("code") == "status-only-agenda"]
    check(
        len(status) == 1
        and status[0].get("source") == "1on1"
        and status[0]["range"]["start"]["line"] == heading,
        "a status-only-agenda diagnostic (source 1on1) marks the newest meeting's heading",
    )
    check(
        status[0].get("severity") == 1,
        f"its severity is the configured `error` ({status[0].get('severity')}): the settings reached the server",
    )

    # Type " #" at the end of the last line, as Helix sends it: an incremental change in
    # UTF-8 columns (the line has é, ï and an emoji before it).
    last = len(lines) - 2  # the text ends with a newline
    col = utf8_col(lines[last])
    s.notify(
        "textDocument/didChange",
        {
            "textDocument": {"uri": uri, "version": 1},
            "contentChanges": [
                {
                    "range": {"start": {"line": last, "character": col}, "end": {"line": last, "character": col}},
                    "text": " #",
                }
            ],
        },
    )
    lines[last] += " #"
    server_text = s.call("oneonone/documentText", {"uri": uri})
    if isinstance(server_text, dict):
        server_text = server_text.get("text")
    check(server_text == "\n".join(lines), "after the edit in UTF-8 columns the server's text equals the client's")

    pos = {"line": last, "character": col + 2}
    result = s.call(
        "textDocument/completion",
        {"textDocument": {"uri": uri}, "position": pos, "context": {"triggerKind": 2, "triggerCharacter": "#"}},
    )
    items = result.get("items", []) if isinstance(result, dict) else (result or [])
    labels = [i.get("label") for i in items]
    check(any(lbl in ("#growth", "growth") for lbl in labels), f"completion after `#` offers #growth ({labels[:8]})")
    growth = next(i for i in items if i.get("label") in ("#growth", "growth"))
    edit = growth.get("textEdit")
    if edit is not None:
        rng = edit.get("range") or edit.get("replace") or edit.get("insert")
        check(
            rng["start"] == {"line": last, "character": col + 1} and rng["end"] == pos,
            f"its text edit replaces the `#` in UTF-8 columns ({rng})",
        )

    s.call("shutdown", None)
    ok("shutdown answered")
    s.notify("exit", None)
    try:
        code = s.proc.wait(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise Failure("the server did not exit after `exit`")
    check(code == 0, f"the server exited with code 0 after shutdown and exit (code {code})")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", default=os.environ.get("ONEONONE_LS") or str(REPO / "target/debug/oneonone-ls"))
    args = ap.parse_args()
    server = Path(args.server).resolve()
    start = time.monotonic()
    try:
        config = check_languages_toml()
        if not (server.is_file() and os.access(server, os.X_OK)):
            raise Failure(f"no server binary at {server} (build it, or set ONEONONE_LS)")
        # The settings of languages.toml, plus one that shows they reach the server (Helix
        # sends them as initializationOptions and answers workspace/configuration from them).
        config = json.loads(json.dumps(config))
        config["oneonone"]["rules"] = {"status-only-agenda": "error"}
        check_server(server, config)
    except Failure as e:
        print(f"FAIL: {e}", flush=True)
        print(f"{passed} passed, 1 failed")
        return 1
    print(f"helix: all checks passed in {time.monotonic() - start:.1f}s")
    print(f"{passed} passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
