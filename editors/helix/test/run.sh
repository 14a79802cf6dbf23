#!/usr/bin/env bash
# Checks editors/helix/languages.toml and runs the real server through the requests Helix
# 25.07 sends. Needs only Python 3.11+ (standard library) and the built server:
#   ONEONONE_LS=/path/to/oneonone-ls editors/helix/test/run.sh
# (default: <repo>/target/debug/oneonone-ls).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
export ONEONONE_LS="${ONEONONE_LS:-$repo/target/debug/oneonone-ls}"
python="${PYTHON:-}"
if [ -z "$python" ]; then
  for p in python3.13 python3.12 python3.11 python3; do
    if command -v "$p" >/dev/null 2>&1 &&
      "$p" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      python="$p"
      break
    fi
  done
fi
if [ -z "$python" ]; then
  echo "FAIL: needs Python 3.11 or later (tomllib)" >&2
  exit 1
fi
exec "$python" "$here/check.py" "$@"
