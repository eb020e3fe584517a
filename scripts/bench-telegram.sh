#!/usr/bin/env bash
# The Telegram outbox at Telegram's limits (issue 16): 10,000 notifications to 1,000 chats
# through a local Bot API fake, unpaced (the baseline) and paced to 30/s overall and 1/s per
# chat, on SQLite and on PostgreSQL. The paced run takes at least messages/30 seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PATH"
MESSAGES=${BENCH_MESSAGES:-10000}
CHATS=${BENCH_CHATS:-1000}
target=$(cargo metadata --format-version 1 --no-deps | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')
cargo build --release -p server --example telegram_bench >&2
work=$PWD/target/bench/telegram
rm -rf "$work" && mkdir -p "$work"
printf '\n## Telegram outbox\n'
"$target/release/examples/telegram_bench" "sqlite://$work/telegram.db?mode=rwc" "$MESSAGES" "$CHATS"
if [ "${BENCH_POSTGRES:-1}" = 1 ]; then
  admin=$(scripts/postgres.sh)
  db=fuqaro_bench_telegram
  psql "$admin" -qc "DROP DATABASE IF EXISTS $db" && psql "$admin" -qc "CREATE DATABASE $db"
  "$target/release/examples/telegram_bench" "${admin%/*}/$db" "$MESSAGES" "$CHATS"
  psql "$admin" -qc "DROP DATABASE $db"
fi
