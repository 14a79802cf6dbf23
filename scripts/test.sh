#!/usr/bin/env bash
# The test command: the Rust tests (unit, fixtures, command line, language server, abuse,
# file-system faults, privacy), a short benchmark run, a short fuzz run, then every editor
# integration in its real editor where it runs here. Installs what the tests need: strace
# (Debian) for the privacy test, cargo-fuzz, and the editors into target/editor-tests/
# (reused on later runs).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v strace >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  apt-get install -y -qq strace >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq strace >/dev/null 2>&1; } ||
    echo "strace could not be installed: the privacy test will say it skipped" >&2
fi
cargo test --workspace --locked
# A short run of the benchmarks, so that they keep working (no timing is asserted).
scripts/bench.sh --quick
# A bounded fuzz run of every target (installs cargo-fuzz when missing): findings are
# printed for triage, the stored ones are checked by tests/fuzz_regressions.rs above.
scripts/fuzz-smoke.sh --seconds 10 --report
# The editor tests drive the debug binary that `cargo test` built.
export ONEONONE_LS="$PWD/target/debug/oneonone-ls"
editors/helix/test/run.sh
editors/neovim/test/run.sh
if [ -x editors/vscode/test/run.sh ]; then
  editors/vscode/test/run.sh
fi
