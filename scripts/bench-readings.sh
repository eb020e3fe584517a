#!/usr/bin/env bash
# Meter-reading benchmarks (issue 4), each against a baseline measured in the same run:
#  1. the phone side in Chromium: bytes uploaded for a 12-megapixel photo and the time the
#     downscaling takes, with the CPU slowed 4x (against no slowdown);
#  2. the server's time to check, re-encode and store one photo (against a plain decode);
#  3. the inspector's queue server function with 100,000 pending readings, on SQLite and on
#     PostgreSQL (against GET /healthz through the same client).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
# BENCH_ONLY=photo|phone|queue runs one part.
ONLY=${BENCH_ONLY:-all}
want() { [ "$ONLY" = all ] || [ "$ONLY" = "$1" ]; }
PENDING=${BENCH_PENDING:-100000}
REQUESTS=${BENCH_REQUESTS:-200}
target=$(cargo metadata --format-version 1 --no-deps | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')
work=$PWD/target/bench/readings
rm -rf "$work" && mkdir -p "$work"
cleanup() { kill $(jobs -p) 2>/dev/null || true; }
trap cleanup EXIT

cargo leptos build --release --split >&2
cargo build --release -p server --example readings_bench >&2
cargo build --release -p services --features fixtures --example sample_photo >&2
"$target/release/examples/sample_photo" 4000 3000 "$work/12mp.jpg" >&2

if want photo; then
  printf '\n## Server: one 12-megapixel photo (%s)\n' "$(du -h "$work/12mp.jpg" | cut -f1)"
  "$target/release/examples/readings_bench" photo "$work/12mp.jpg" 10
fi

serve() { # database_url port
  FUQARO_ENVIRONMENT=development FUQARO_DATABASE_URL="$1" FUQARO_LISTEN="127.0.0.1:$2" FUQARO_DEMO_ACCOUNTS=3000 \
    FUQARO_FILES__DIR="$work/files" RUST_LOG=warn LEPTOS_SITE_ROOT=target/site "$target/release/server" &
  until curl -sf "http://127.0.0.1:$2/readyz" >/dev/null; do sleep 0.1; done
}

if want phone; then
  printf '\n## Phone: the 12-megapixel photo prepared in Chromium (Pixel 7 viewport)\n'
  serve "sqlite://$work/phone.db?mode=rwc" 3930
  PHOTO="$work/12mp.jpg" BASE_URL=http://127.0.0.1:3930 node end2end/bench/photo-upload.mjs
  kill -INT %1; wait %1 || true
fi
want queue || exit 0

queue() { # name database_url port
  serve "$2" "$3"
  printf '\n## Inspector queue, %s pending readings, %s\n' "$PENDING" "$1"
  "$target/release/examples/readings_bench" queue "http://127.0.0.1:$3" "$2" "$PENDING" "$REQUESTS"
  kill -INT %1; wait %1 || true
}
queue sqlite "sqlite://$work/queue.db?mode=rwc" 3931
admin=$(scripts/postgres.sh)
psql "$admin" -qc "DROP DATABASE IF EXISTS fuqaro_bench_readings" && psql "$admin" -qc "CREATE DATABASE fuqaro_bench_readings"
queue postgres "${admin%/*}/fuqaro_bench_readings" 3932
