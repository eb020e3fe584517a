#!/usr/bin/env bash
# Runs every property test (services/tests/properties.rs: the Payme and Click callbacks,
# amounts, phone numbers, the upload sniffer and photo pipeline, attachments) for a set time
# each — ten minutes by default — and prints how many cases each ran. Any panic fails it.
#
#   scripts/properties.sh            600 seconds a property
#   scripts/properties.sh 30         30 seconds a property
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
export PATH="$HOME/.cargo/bin:$PATH"
# --workspace: the same build (and features) as scripts/test.sh, so nothing is rebuilt.
cargo test --workspace --test properties --no-run >&2
started=$(date +%s)
FUQARO_PROPERTY_SECONDS=$seconds cargo test --workspace --test properties -- --test-threads=1 --nocapture 2>&1 |
  grep -oE 'property [a-z]+: [0-9]+ cases, 0 panics|test result.*|.*panicked.*'
printf 'all properties held for %s s each (%s s in all)\n' "$seconds" "$(( $(date +%s) - started ))"
