#!/usr/bin/env bash
# Sets up, builds (release, with precompressed assets) and serves Fuqaro on
# http://127.0.0.1:3000 with the embedded default: a SQLite file under data/, files on disk,
# the reference data and demo data loaded on first start. Development mode, asked for here:
# the server's own default is production, which refuses the embedded default.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --serve
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
export FUQARO_ENVIRONMENT=${FUQARO_ENVIRONMENT:-development}
exec cargo leptos serve --release --precompress --split
