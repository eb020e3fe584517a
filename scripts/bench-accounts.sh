#!/usr/bin/env bash
# Account benchmarks (issue 3): with BENCH_ACCOUNTS (default 1,000,000) utility accounts and
# BENCH_LEDGER (default 12) ledger rows each, measures on SQLite and on PostgreSQL:
#   - account lookup: POST /accounts/link (find by service, region, district and number, then
#     link), over 10,000 random existing accounts
#   - the account page's server function: POST /api/account for 1,000 linked accounts
# Throughput and p99 with wrk, as ratios to a bare Axum handler measured in the same run.
# The filled databases are kept under target/bench/ and reused by later runs.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
ACCOUNTS=${BENCH_ACCOUNTS:-1000000}
LEDGER=${BENCH_LEDGER:-12}
DURATION=${BENCH_SECONDS:-10}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
target=$(cargo metadata --format-version 1 --no-deps | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')
cargo build --release -p server --bin server --example bare_axum --example fill_accounts >&2

work=$PWD/target/bench
mkdir -p "$work"
cleanup() { kill $(jobs -p) 2>/dev/null || true; }
trap cleanup EXIT

"$target/release/examples/bare_axum" 127.0.0.1:3918 >/dev/null &
sleep 0.5

measure() { # path samples-file cookie-file url
  BENCH_PATH=$1 BENCH_SAMPLES=$2 BENCH_COOKIE_FILE=$3 \
    wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s bench/post-samples.lua "$4" |
    awk '/Requests\/sec/ {rps=$2} /^ +99%/ {p99=$2} /^errors/ {err=$2} END {print rps, p99, err}'
}
rate() { wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$1" | awk '/Requests\/sec/ {rps=$2} /^ +99%/ {p99=$2} END {print rps, p99}'; }

read -r base_rps base_p99 < <(rate http://127.0.0.1:3918/healthz)
printf '\n## Accounts: %s accounts, %s ledger rows each; wrk -t1 -c%s -d%ss\n' "$ACCOUNTS" "$LEDGER" "$CONNECTIONS" "$DURATION"
printf 'baseline, bare axum handler: %8.0f req/s   p99 %s\n' "$base_rps" "$base_p99"

run_backend() { # name database_url
  local name=$1 url=$2 dir="$work/$1"
  echo "== filling $name" >&2
  "$target/release/examples/fill_accounts" "$url" "$ACCOUNTS" "$LEDGER" "$dir"
  FUQARO_DATABASE_URL="$url" FUQARO_LISTEN=127.0.0.1:3919 FUQARO_DEMO_DATA=false FUQARO_ENVIRONMENT=development \
    FUQARO_DATABASE_MAX_CONNECTIONS=16 RUST_LOG=warn "$target/release/server" &
  local pid=$!
  until curl -sf http://127.0.0.1:3919/readyz >/dev/null; do sleep 0.05; done
  for what in "lookup /accounts/link lookups.txt" "account-page /api/account pages.txt"; do
    set -- $what
    read -r rps p99 errors < <(measure "$2" "$dir/$3" "$dir/cookie.txt" http://127.0.0.1:3919)
    printf '%-9s %-13s %8.0f req/s  ratio %.3f   p99 %-9s errors %s\n' "$name" "$1" "$rps" \
      "$(awk -v a="$rps" -v b="$base_rps" 'BEGIN { print a / b }')" "$p99" "$errors"
  done
  kill -INT $pid; wait $pid || true
}

run_backend sqlite "sqlite://$work/sqlite/bench.db?mode=rwc"
admin=$(scripts/postgres.sh)
psql "$admin" -qtAc "SELECT 1 FROM pg_database WHERE datname = 'fuqaro_bench'" | grep -c 1 >/dev/null ||
  psql "$admin" -qc "CREATE DATABASE fuqaro_bench"
run_backend postgres "${admin%/*}/fuqaro_bench"
