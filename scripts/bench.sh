#!/usr/bin/env bash
# Foundation benchmarks; prints the figures (see docs/PERFORMANCE.md for what they mean).
# Builds release (skip with BENCH_SKIP_BUILD=1 to measure the last build again), then measures on this machine, in this run:
#   1. release WASM, JS and CSS sizes, raw and brotli
#   2. bytes a first visit to / and to a lazily loaded page transfer (Chromium, phone profile, empty cache)
#   3. server start-up: first start on an empty SQLite file, then a warm start
#   4. /healthz throughput and latency, as a ratio to a bare Axum handler
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
for tool in wrk brotli; do
  command -v $tool >/dev/null || { [ "$(id -u)" -eq 0 ] && apt-get install -y -qq $tool >/dev/null; }
done
target=$(cargo metadata --format-version 1 --no-deps | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')
DURATION=${BENCH_SECONDS:-10}
CONNECTIONS=${BENCH_CONNECTIONS:-32}

if [ -z "${BENCH_SKIP_BUILD:-}" ]; then
  echo "== building release (cargo leptos build --release --precompress --split)" >&2
  cargo leptos build --release --precompress --split >&2
  cargo build --release -p server --example bare_axum >&2
fi

pkg=target/site/pkg
kb() { awk -v b="$1" 'BEGIN { printf "%.1f KB", b / 1000 }'; }
size() { stat -c %s "$1"; }
echo
echo "## Bundle (release, wasm-opt -Oz)"
for f in fuqaro.wasm fuqaro.js fuqaro.css; do
  raw=$(size "$pkg/$f")
  br=$(brotli -q 11 -c "$pkg/$f" | wc -c)
  printf '%-16s raw %10s   brotli-11 %10s\n' "$f" "$(kb "$raw")" "$(kb "$br")"
done
# The lazily loaded pages (cargo leptos --split): each arrives when its page is first shown.
chunks=("$pkg"/split_*.wasm "$pkg"/chunk_*.wasm "$pkg"/__wasm_split*.js)
raw=0; br=0; biggest=0
for f in "${chunks[@]}"; do
  r=$(size "$f"); b=$(brotli -q 11 -c "$f" | wc -c)
  raw=$((raw + r)); br=$((br + b))
  case $f in */split_*) [ "$b" -gt "$biggest" ] && biggest=$b ;; esac
done
printf '%-16s raw %10s   brotli-11 %10s   (%d files; largest page module brotli %s)\n' "lazy chunks" \
  "$(kb "$raw")" "$(kb "$br")" "${#chunks[@]}" "$(kb "$biggest")"

work=$(mktemp -d)
cleanup() { kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
port=3917
start_server() {
  FUQARO_ENVIRONMENT=development FUQARO_DATABASE_URL="sqlite://$work/bench.db?mode=rwc" FUQARO_LISTEN="127.0.0.1:$port" \
    FUQARO_SITE_ROOT="$PWD/target/site" FUQARO_DEMO_DATA=false RUST_LOG=warn "$target/release/server" &
  server_pid=$!
}
wait_ready() {
  local t0=$1
  until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do sleep 0.005; done
  echo $(( ($(date +%s%N) - t0) / 1000000 ))
}

echo
echo "## Start-up (exec to /readyz answering)"
t0=$(date +%s%N); start_server; cold=$(wait_ready "$t0")
echo "first start, empty SQLite (migrate + load reference data): ${cold} ms"
kill -INT $server_pid; wait $server_pid || true
t0=$(date +%s%N); start_server; warm=$(wait_ready "$t0")
echo "warm start, existing database:                              ${warm} ms"

echo
echo "## First visit (Chromium, Pixel 7, empty cache, until hydrated): / and a lazily loaded page"
node end2end/bench/first-visit.mjs "http://127.0.0.1:$port/"
node end2end/bench/first-visit.mjs "http://127.0.0.1:$port/about"

echo
echo "## /healthz throughput (wrk -t1 -c$CONNECTIONS -d${DURATION}s, same machine)"
"$target/release/examples/bare_axum" 127.0.0.1:3918 >/dev/null &
sleep 0.5
# wrk prints the latency percentiles before the rate: collect both, print them at the end.
rate() { wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$1" | awk '/Requests\/sec/ {rps=$2} /^ +99%/ {p99=$2} END {print rps, p99}'; }
read -r base_rps base_p99 < <(rate http://127.0.0.1:3918/healthz)
read -r app_rps app_p99 < <(rate "http://127.0.0.1:$port/healthz")
printf 'bare axum handler (baseline): %10.0f req/s   p99 %s\n' "$base_rps" "$base_p99"
printf 'fuqaro /healthz (all layers): %10.0f req/s   p99 %s\n' "$app_rps" "$app_p99"
awk -v a="$app_rps" -v b="$base_rps" 'BEGIN { printf "ratio fuqaro/bare: %.2f\n", a / b }'
