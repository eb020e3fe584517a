#!/usr/bin/env bash
# Payme throughput (issue 5): Create+Perform pairs per second, one order each, sent over HTTP
# by concurrent clients, with exactly-once crediting verified afterwards; on SQLite and on
# PostgreSQL, and a bare Axum handler measured in the same run as the baseline.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
ORDERS=${BENCH_ORDERS:-5000}
WORKERS=${BENCH_WORKERS:-32}
target=$(cargo metadata --format-version 1 --no-deps | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')
cargo build --release -p server --bin server --example bare_axum --example payme_bench >&2
work=$PWD/target/bench/payments
rm -rf "$work" && mkdir -p "$work"
cleanup() { kill $(jobs -p) 2>/dev/null || true; }
trap cleanup EXIT

"$target/release/examples/bare_axum" 127.0.0.1:3918 >/dev/null &
sleep 0.5
base=$(wrk -t1 -c"$WORKERS" -d10s http://127.0.0.1:3918/healthz | awk '/Requests\/sec/ {print $2}')
printf '\n## Payme Create+Perform, %s orders, %s concurrent clients\n' "$ORDERS" "$WORKERS"
printf 'baseline, bare axum handler: %.0f req/s (a pair is 2 requests)\n' "$base"

run() { # name database_url
  FUQARO_ENVIRONMENT=development FUQARO_PAYME_KEY=bench-cash-desk-key FUQARO_PAYME_MERCHANT_ID=bench \
    FUQARO_DATABASE_URL="$2" FUQARO_LISTEN=127.0.0.1:3920 FUQARO_DEMO_ACCOUNTS=50 FUQARO_DATABASE_MAX_CONNECTIONS=16 \
    RUST_LOG=warn "$target/release/server" &
  local pid=$!
  until curl -sf http://127.0.0.1:3920/readyz >/dev/null; do sleep 0.05; done
  local line
  line=$(PAYME_KEY=bench-cash-desk-key "$target/release/examples/payme_bench" http://127.0.0.1:3920 "$2" "$ORDERS" "$WORKERS")
  local pairs
  pairs=$(echo "$line" | sed -E 's/.*: ([0-9]+) pairs\/s.*/\1/')
  printf '%-9s %s\n          ratio (2 requests per pair / bare handler): %.3f\n' "$1" "$line" \
    "$(awk -v p="$pairs" -v b="$base" 'BEGIN { print 2 * p / b }')"
  kill -INT $pid; wait $pid || true
}

run sqlite "sqlite://$work/payments.db?mode=rwc"
admin=$(scripts/postgres.sh)
psql "$admin" -qc "DROP DATABASE IF EXISTS fuqaro_bench_payments" && psql "$admin" -qc "CREATE DATABASE fuqaro_bench_payments"
run postgres "${admin%/*}/fuqaro_bench_payments"
