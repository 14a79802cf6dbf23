#!/usr/bin/env bash
# Checks editors/helix/languages.toml and runs the real server through the requests Helix
# 25.07 sends. Needs only Python 3.11+ (standard library) and the built server:
#   ONEONONE_LS=/path/to/oneonone-ls editors/helix/test/run.sh
# (default: <repo>/target/debug/oneonone-ls).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
export ONEONONE_LS="${ONEONONE_LS:-$repo/target/debug/oneonone-ls}"
. "$repo/editors/find-python.sh"
find_python "(tomllib)"
exec "$python" "$here/check.py" "$@"
