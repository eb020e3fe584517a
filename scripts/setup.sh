#!/usr/bin/env bash
# Installs what building, serving and testing Fuqaro needs, from the package registries
# only (crates.io, npm, Debian): never a download from GitHub or any other host.
# Idempotent and quick when everything is already there.
#
#   scripts/setup.sh            everything (build tools, browser, PostgreSQL)
#   scripts/setup.sh --serve    only what `cargo leptos serve` needs
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-all}
say() { printf '\033[1msetup:\033[0m %s\n' "$*" >&2; }

# Where `cargo install` puts binaries, and where npm puts wasm-opt.
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -c "ok installed" >/dev/null || missing+=("$pkg")
  done
  if ((${#missing[@]})); then
    say "apt: installing ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

# Build tools are built for building, not for speed: cargo-leptos's own release profile asks
# for fat LTO in one codegen unit, which is most of its build time on 2 cores.
tool_install() {
  CARGO_PROFILE_RELEASE_LTO=off CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 CARGO_PROFILE_RELEASE_OPT_LEVEL=1 \
    CARGO_PROFILE_RELEASE_DEBUG=0 cargo install "$@"
}

# 1. The browser build target.
if ! rustup target list --installed | grep -cx wasm32-unknown-unknown >/dev/null; then
  say "rustup: adding wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# 2. cargo-leptos 0.3.10: 0.3.11 needs a newer rustc than 1.95. `no_downloads` turns its
#    GitHub downloads into a clear error; every tool it runs comes from PATH.
if [ "$(cargo leptos --version 2>/dev/null)" != "cargo-leptos 0.3.10" ]; then
  say "cargo: building cargo-leptos 0.3.10 (once)"
  tool_install cargo-leptos --version 0.3.10 --locked --features no_downloads
fi

# 3. The wasm-bindgen CLI must be exactly the version in Cargo.lock. Not --locked: its own
#    lockfile names a webpki-roots version the registry mirror does not serve.
wbg=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $wbg" ]; then
  say "cargo: building wasm-bindgen-cli $wbg (once)"
  tool_install wasm-bindgen-cli --version "=$wbg"
fi

# 4. wasm-opt for release builds, from npm's binaryen (root package.json).
if [ ! -x node_modules/.bin/wasm-opt ]; then
  say "npm: installing binaryen (wasm-opt)"
  npm ci --no-audit --no-fund --loglevel=error
fi

[ "$mode" = "--serve" ] && exit 0

# 5. Browser tests: Playwright from npm, Debian's Chromium (never a downloaded browser).
apt_install chromium
# Installed again when the lock file changed since (npm keeps its own copy in node_modules).
if [ ! -f end2end/node_modules/.package-lock.json ] ||
  [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
  say "npm: installing @playwright/test and pdfjs-dist"
  (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
fi

# 6. PostgreSQL for the second leg of the server tests (scripts/postgres.sh starts it).
apt_install postgresql
