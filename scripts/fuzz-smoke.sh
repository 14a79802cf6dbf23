#!/usr/bin/env bash
# A bounded fuzz run of every cargo-fuzz target (fuzz/), for CI and for longer local runs.
#
#   scripts/fuzz-smoke.sh                       # each target for 20 s; fails on the first finding
#   scripts/fuzz-smoke.sh --seconds 600 --keep-going actions next
#   scripts/fuzz-smoke.sh --seconds 10 --report  # CI: findings are printed, not fatal
#
# Installs cargo-fuzz when it is missing, builds the targets on stable Rust (no sanitizer),
# copies the committed seeds (tests/data/fuzz/<target>/, except open-bug-* inputs, which fail
# on purpose until their bug is fixed) into fuzz/corpus/<target>/, and runs each target
# alone with the note dictionary. Findings go to fuzz/artifacts/<target>/; store each one
# under tests/data/fuzz/<target>/ so that tests/fuzz_regressions.rs keeps checking it.
# --keep-going runs libFuzzer in fork mode and carries on past findings (for long runs).
# Set CARGO_BUILD_LOCK to a file to serialize the builds with flock on a shared machine.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=20
keep_going=0
report=0
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --keep-going) keep_going=1; shift ;;
    --report) report=1; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done
if [ ${#targets[@]} -eq 0 ]; then
  targets=(parse_rules line_index incremental_edit actions next)
fi

cargo_() {
  if [ -n "${CARGO_BUILD_LOCK:-}" ]; then flock "$CARGO_BUILD_LOCK" cargo "$@"; else cargo "$@"; fi
}

if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo_ install cargo-fuzz --locked
fi
cargo_ fuzz build --sanitizer none
bin="fuzz/target/$(rustc -vV | sed -n 's/^host: //p')/release"

failed=()
for t in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t"
  find "tests/data/fuzz/$t" -maxdepth 1 -type f ! -name 'open-bug-*' -exec cp -n {} "fuzz/corpus/$t/" \;
  args=(-dict=fuzz/1on1.dict -max_total_time="$seconds" -timeout=10 -print_final_stats=1
        -artifact_prefix="fuzz/artifacts/$t/")
  if [ "$keep_going" = 1 ]; then
    args+=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
  fi
  before=$(find "fuzz/artifacts/$t" -type f | wc -l)
  log="fuzz/artifacts/$t.log"
  start=$(date +%s)
  status=0
  "$bin/$t" "fuzz/corpus/$t" "${args[@]}" >"$log" 2>&1 || status=$?
  took=$(( $(date +%s) - start ))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  if [ -z "$execs" ]; then
    # Fork mode reports the running total as `#N:` lines instead.
    execs=$(sed -n 's/^#\([0-9]*\):.*/\1/p' "$log" | tail -1)
  fi
  found=$(( $(find "fuzz/artifacts/$t" -type f | wc -l) - before ))
  corpus=$(find "fuzz/corpus/$t" -type f | wc -l)
  echo "$t: ${took}s, ${execs:-?} inputs run, corpus $corpus, findings $found (log: $log)"
  if [ "$status" != 0 ] || [ "$found" != 0 ]; then
    failed+=("$t")
    grep -a -m1 -A4 'panicked at' "$log" || tail -n 20 "$log"
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "findings in: ${failed[*]} (inputs in fuzz/artifacts/)" >&2
  # --report (CI): a new finding is printed for triage into tests/data/fuzz/, where the
  # regression test guards it; a build or harness failure still fails the run.
  if [ "$report" = 1 ]; then
    exit 0
  fi
  exit 1
fi
