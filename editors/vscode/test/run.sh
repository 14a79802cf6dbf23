#!/usr/bin/env bash
# End-to-end test of the VS Code extension in a real VS Code, from a clean machine:
#   1. Debian packages when missing: chromium (the browser), fonts-noto-color-emoji (for the
#      screenshot), and, to build code-server, ripgrep, libkrb5-dev and a C++ toolchain;
#   2. npm ci (skipped when node_modules matches package-lock.json);
#   3. npm run package (esbuild bundle + vsce) -> oneonone.vsix;
#   4. code-server into a cache folder (default <repo>/target/editor-tests/code-server),
#      reused when present;
#   5. the server binary: $ONEONONE_LS, else <repo>/target/debug/oneonone-ls (built with
#      cargo only when missing);
#   6. node test/e2e.mjs: code-server + headless Chromium through playwright-core.
#
# Usage: bash editors/vscode/test/run.sh        (from anywhere; re-runnable)
# Environment: ONEONONE_LS, CODE_SERVER_CACHE, CODE_SERVER_VERSION (default 4.100.3, the
# newest that installs on Node 20), CHROMIUM (default /usr/bin/chromium).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ext="$(dirname "$here")"
repo="$(cd "$ext/../.." && pwd)"
code_server_version="${CODE_SERVER_VERSION:-4.100.3}"
cache="${CODE_SERVER_CACHE:-$repo/target/editor-tests/code-server}"
chromium="${CHROMIUM:-/usr/bin/chromium}"

start=$SECONDS
step() { echo "== $* [$((SECONDS - start))s]"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    echo "run.sh: needs root (or sudo) for: $*" >&2
    return 1
  fi
}

node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo none)"
if [ "$node_major" != 20 ]; then
  echo "run.sh: needs Node.js 20 (code-server $code_server_version installs only on Node 20; found: $node_major)" >&2
  exit 2
fi

code_server_bin="$cache/node_modules/.bin/code-server"
code_server_marker="$cache/.installed-$code_server_version"
need_code_server=0
if [ ! -f "$code_server_marker" ] || [ ! -x "$code_server_bin" ]; then
  need_code_server=1
fi

# 1. Debian packages.
step "system packages"
missing=()
[ -x "$chromium" ] || missing+=(chromium)
dpkg -s fonts-noto-color-emoji >/dev/null 2>&1 || missing+=(fonts-noto-color-emoji)
if [ "$need_code_server" = 1 ]; then
  # code-server's native modules build with node-gyp; kerberos needs libkrb5-dev. ripgrep
  # stands in for the binary that @vscode/ripgrep would download from GitHub.
  command -v rg >/dev/null 2>&1 || missing+=(ripgrep)
  dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
  { command -v make && command -v g++; } >/dev/null 2>&1 || missing+=(build-essential)
  command -v python3 >/dev/null 2>&1 || missing+=(python3)
fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
[ -x "$chromium" ] || { echo "run.sh: $chromium is missing" >&2; exit 2; }

# 2. npm ci, unless node_modules already matches the lock file.
step "npm ci"
cd "$ext"
stamp="$(cat package-lock.json <(node --version) | sha256sum | cut -d' ' -f1)"
if [ "$(cat node_modules/.oneonone-ci-stamp 2>/dev/null)" != "$stamp" ]; then
  npm ci --no-audit --no-fund
  echo "$stamp" > node_modules/.oneonone-ci-stamp
else
  echo "node_modules is up to date"
fi

# 3. The .vsix.
step "npm run package"
npm run package

# 4. code-server, into the cache folder.
if [ "$need_code_server" = 1 ]; then
  step "installing code-server $code_server_version into $cache"
  rm -rf "$cache"
  mkdir -p "$cache/tmp"
  cd "$cache"
  echo '{ "private": true }' > package.json
  # @vscode/ripgrep's postinstall downloads rg from GitHub, which is out of reach; it first
  # looks in $TMPDIR/vscode-ripgrep-cache-<version>/ for the archive it would download, so
  # put Debian's rg there under that name. Version and asset name come from the packages.
  npm pack --silent "code-server@$code_server_version" --pack-destination "$cache/tmp" >/dev/null
  tar xzf "$cache/tmp/code-server-$code_server_version.tgz" -C "$cache/tmp" package/lib/vscode/npm-shrinkwrap.json
  rg_pkg_version="$(node -p "require('$cache/tmp/package/lib/vscode/npm-shrinkwrap.json').packages['node_modules/@vscode/ripgrep'].version")"
  npm pack --silent "@vscode/ripgrep@$rg_pkg_version" --pack-destination "$cache/tmp" >/dev/null
  tar xzf "$cache/tmp/vscode-ripgrep-$rg_pkg_version.tgz" -C "$cache/tmp" package/lib/postinstall.js
  rg_release="$(sed -n "s/^const VERSION = '\(.*\)';.*/\1/p" "$cache/tmp/package/lib/postinstall.js")"
  case "$(node -p process.arch)" in
    x64) rg_target=x86_64-unknown-linux-musl ;;
    arm64) rg_target=aarch64-unknown-linux-musl ;;
    *) echo "run.sh: no ripgrep asset name known for $(node -p process.arch)" >&2; exit 2 ;;
  esac
  rg_dir="$cache/tmp/rg-bin"
  mkdir -p "$rg_dir" "$cache/tmp/vscode-ripgrep-cache-$rg_pkg_version"
  cp "$(command -v rg)" "$rg_dir/rg"
  tar czf "$cache/tmp/vscode-ripgrep-cache-$rg_pkg_version/ripgrep-$rg_release-$rg_target.tar.gz" -C "$rg_dir" rg
  # code-server's postinstall refuses to run as root without unsafe-perm, and node-pty's
  # runs `npx node-gyp`, which must not stop to ask. Node's own headers, when the system
  # has them, spare node-gyp a download.
  nodedir=()
  if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node_api.h ]; then
    nodedir=(npm_config_nodedir=/usr)
  fi
  env TMPDIR="$cache/tmp" npm_config_unsafe_perm=true npm_config_yes=true "${nodedir[@]}" \
    npm install --no-audit --no-fund --no-save "code-server@$code_server_version"
  "$code_server_bin" --version >/dev/null
  rm -rf "$cache/tmp"
  touch "$code_server_marker"
  cd "$ext"
else
  step "code-server $code_server_version: cached in $cache"
fi

# 5. The server binary.
if [ -z "${ONEONONE_LS:-}" ]; then
  export ONEONONE_LS="$repo/target/debug/oneonone-ls"
  if [ ! -x "$ONEONONE_LS" ]; then
    step "building the server (cargo build)"
    (cd "$repo" && cargo build --bin oneonone-ls)
  fi
fi
[ -x "$ONEONONE_LS" ] || { echo "run.sh: no server binary at $ONEONONE_LS" >&2; exit 2; }

# 6. The test.
step "e2e"
export CODE_SERVER="$code_server_bin" CHROMIUM="$chromium" VSIX="$ext/oneonone.vsix"
status=0
node "$here/e2e.mjs" || status=$?
step "done (exit $status)"
exit "$status"
