#!/usr/bin/env bash
# Every test, in order from quickest to slowest: formatting, lints (server and browser
# builds), unit and server tests on SQLite, the server tests again on PostgreSQL, then the
# browser tests in Chromium at a phone viewport with JavaScript on and off.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
step() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }

step "format"
cargo fmt --all -- --check

step "lint: server build"
cargo clippy --workspace --all-targets -- -D warnings
step "lint: browser build"
cargo clippy -p app --features hydrate --target wasm32-unknown-unknown -- -D warnings

step "object store for the tests (moto's S3 server)"
# Assigned on its own line so that a failed start stops the script here.
s3=$(timeout 5m scripts/moto.sh)
export TEST_S3=$s3

step "others' readers for the tests (openpyxl, check-jsonschema, georeport)"
# The server's XLSX files and Open311 answers are read back by someone else's code, not ours.
python3 -c 'import openpyxl' 2>/dev/null || python3 -m pip install -q 'openpyxl==3.1.5'
python3 -c 'import check_jsonschema' 2>/dev/null || python3 -m pip install -q 'check-jsonschema==0.39.0'
python3 -c 'import georeport' 2>/dev/null || python3 -m pip install -q 'georeport==0.3.1'

step "tests on SQLite"
# A hung test fails its step with a message instead of running CI out of time.
timeout 20m cargo test --workspace

step "server tests on PostgreSQL"
# Assigned on its own line so that a failed start stops the script here.
pg_url=$(timeout 10m scripts/postgres.sh)
# The PostgreSQL-only tests are ignored on SQLite (they say so there) and run here.
TEST_POSTGRES_URL=$pg_url timeout 20m cargo test -p server --test api -- --include-ignored

step "browser tests (Chromium, phone, JavaScript on and off)"
e2e_dir=$(mktemp -d)
trap 'rm -rf "$e2e_dir"' EXIT
# The browser tests give each phone an address of its own through X-Forwarded-For.
FUQARO_ENVIRONMENT=development FUQARO_DATABASE_URL="sqlite://$e2e_dir/fuqaro.db?mode=rwc" FUQARO_DEMO_ACCOUNTS=200 FUQARO_TRUST_FORWARDED_FOR=true \
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 CI=1 \
  timeout 30m cargo leptos end-to-end --split


# After the browser tests, whose build leaves the site the deployment serves.
step "the production topology, smoke-tested through the proxy (docs/DEPLOYMENT.md)"
timeout 15m scripts/deploy-local.sh

printf '\n\033[1;32mall tests passed\033[0m\n' >&2
