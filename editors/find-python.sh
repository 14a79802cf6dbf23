# Sourced by the editor tests: sets `python` to $PYTHON or the first Python 3.11+ on PATH,
# or exits with `$1` as the reason.
find_python() {
  python="${PYTHON:-}"
  if [ -z "$python" ]; then
    for p in python3.11 python3.12 python3.13 python3; do
      if command -v "$p" >/dev/null 2>&1 &&
        "$p" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        python="$p"
        break
      fi
    done
  fi
  if [ -z "$python" ]; then
    echo "FAIL: needs Python 3.11 or later $1" >&2
    exit 1
  fi
}
