#!/usr/bin/env bash
# The benchmark command: builds the release binaries, drives the server over stdio against
# the targets (bench-lsp prints the table), times `check` on the 10 MB workspace, runs the
# criterion micro-benchmarks and plots keystroke latency against document size into
# docs/keystroke-latency.png (matplotlib, installed into target/bench-venv).
#
#   scripts/bench.sh           the whole run (about 5 minutes on 2 cores)
#   scripts/bench.sh --quick   small sizes, no criterion, no plot: checks that it all works
set -euo pipefail
cd "$(dirname "$0")/.."
quick=""
if [ "${1:-}" = "--quick" ]; then
  quick="--quick"
fi
cargo build --release --workspace --locked
mkdir -p target/bench
target/release/bench-lsp $quick --out target/bench | tee target/bench/table.md
if [ -n "$quick" ]; then
  target/release/bench-check --runs 1 --series 4 --meetings 60
  exit 0
fi
target/release/bench-check --runs 10
cargo bench -p oneonone-bench --bench analysis --locked -- --noplot 2>&1 |
  grep -E '^(full|keystroke)/|time:' | tee target/bench/criterion.txt

. editors/find-python.sh
find_python "to plot the keystroke latencies"
venv=target/bench-venv
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet matplotlib==3.9.2
fi
"$venv/bin/python" scripts/plot-keystrokes.py target/bench/keystrokes.csv docs/keystroke-latency.png
echo "plot: docs/keystroke-latency.png"
