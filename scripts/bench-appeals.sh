#!/usr/bin/env bash
# Appeals benchmarks (issue 6), each against a baseline measured in the same run:
#  1. with 1,000,000 open appeals of which 100,000 are overdue, on SQLite and on PostgreSQL:
#     the officer's desk query (against SELECT 1 through the same pool), the People's
#     Reception's desk of one region (against a bare query of the same page) and the
#     control-time job clearing every overdue appeal (against as many bare one-row update
#     transactions);
#  2. 10,000 concurrent live streams (SSE) on one server: its memory before and with them
#     open, and the time for one event to reach all of them (against reaching one);
#  3. reports at national scale (issue 15): with 1,000,000 appeals and 10,000,000 events, on
#     SQLite and on PostgreSQL, a ministry's and the country's quarterly report and the
#     rating of every body (running and frozen), against SELECT 1 through the same pool;
#  4. Open311's GET requests (issue 17) with its filters at 1,000,000 appeals, on SQLite and on
#     PostgreSQL, against the same default page read by a bare query.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
# BENCH_ONLY=control|sse|reports|open311 runs one part; the sizes can be made smaller for a quick look.
ONLY=${BENCH_ONLY:-all}
want() { [ "$ONLY" = all ] || [ "$ONLY" = "$1" ]; }
OPEN=${BENCH_OPEN:-1000000}
OVERDUE=${BENCH_OVERDUE:-100000}
SUBSCRIBERS=${BENCH_SUBSCRIBERS:-10000}
REQUESTS=${BENCH_REQUESTS:-100}
APPEALS=${BENCH_APPEALS:-1000000}
EVENTS_PER=${BENCH_EVENTS_PER:-10}
target=$(cargo metadata --format-version 1 --no-deps | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')
work=$PWD/target/bench/appeals
rm -rf "$work" && mkdir -p "$work"
cleanup() { kill $(jobs -p) 2>/dev/null || true; }
trap cleanup EXIT
# Ten thousand streams need as many sockets on each side.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

cargo build --release -p server --example appeals_bench --example reports_bench >&2
bench="$target/release/examples/appeals_bench"
reports="$target/release/examples/reports_bench"

if want control; then
  printf '\n## Desk and control-time job, %s open appeals, %s overdue, SQLite\n' "$OPEN" "$OVERDUE"
  "$bench" control "sqlite://$work/control.db?mode=rwc" "$OPEN" "$OVERDUE" "$REQUESTS"
  admin=$(scripts/postgres.sh)
  psql "$admin" -qc "DROP DATABASE IF EXISTS fuqaro_bench_appeals" && psql "$admin" -qc "CREATE DATABASE fuqaro_bench_appeals"
  printf '\n## Desk and control-time job, %s open appeals, %s overdue, PostgreSQL\n' "$OPEN" "$OVERDUE"
  "$bench" control "${admin%/*}/fuqaro_bench_appeals" "$OPEN" "$OVERDUE" "$REQUESTS"
  # Not left behind: a large database's autovacuum slows whatever runs next on this machine.
  psql "$admin" -qc "DROP DATABASE fuqaro_bench_appeals"
fi

if want sse; then
  cargo leptos build --release --split >&2
  db="sqlite://$work/sse.db?mode=rwc"
  FUQARO_ENVIRONMENT=development FUQARO_DATABASE_URL="$db" FUQARO_LISTEN="127.0.0.1:3940" FUQARO_DEMO_ACCOUNTS=200 \
    FUQARO_FILES__DIR="$work/files" RUST_LOG=warn LEPTOS_SITE_ROOT=target/site "$target/release/server" &
  pid=$!
  until curl -sf "http://127.0.0.1:3940/readyz" >/dev/null; do sleep 0.1; done
  printf '\n## Live streams: %s subscribers of one appeal on one server (SQLite)\n' "$SUBSCRIBERS"
  "$bench" sse "http://127.0.0.1:3940" "$db" "$pid" "$SUBSCRIBERS"
  kill -INT $pid; wait $pid || true
fi

if want reports; then
  printf '\n## Reports and the rating, %s appeals with %s events each, SQLite\n' "$APPEALS" "$EVENTS_PER"
  "$reports" "sqlite://$work/reports.db?mode=rwc" "$APPEALS" "$EVENTS_PER" "$REQUESTS"
  admin=$(scripts/postgres.sh)
  psql "$admin" -qc "DROP DATABASE IF EXISTS fuqaro_bench_reports" && psql "$admin" -qc "CREATE DATABASE fuqaro_bench_reports"
  printf '\n## Reports and the rating, %s appeals with %s events each, PostgreSQL\n' "$APPEALS" "$EVENTS_PER"
  "$reports" "${admin%/*}/fuqaro_bench_reports" "$APPEALS" "$EVENTS_PER" "$REQUESTS"
  psql "$admin" -qc "DROP DATABASE fuqaro_bench_reports"
fi

if want open311; then
  printf '\n## Open311 GET requests, %s appeals, SQLite\n' "$APPEALS"
  "$bench" open311 "sqlite://$work/open311.db?mode=rwc" "$APPEALS" "$REQUESTS"
  rm -f "$work"/open311.db*
  admin=$(scripts/postgres.sh)
  psql "$admin" -qc "DROP DATABASE IF EXISTS fuqaro_bench_open311" && psql "$admin" -qc "CREATE DATABASE fuqaro_bench_open311"
  printf '\n## Open311 GET requests, %s appeals, PostgreSQL\n' "$APPEALS"
  "$bench" open311 "${admin%/*}/fuqaro_bench_open311" "$APPEALS" "$REQUESTS"
  psql "$admin" -qc "DROP DATABASE fuqaro_bench_open311"
fi
