#!/usr/bin/env bash
# Starts Debian's PostgreSQL cluster (installing it when missing) and makes sure the test
# role exists. Prints the admin URL the tests use to create one database per test.
# Idempotent: quick when everything is already there.
set -euo pipefail
# Only the URL goes to stdout (callers capture it); everything the tools say goes to stderr.
exec 3>&1 1>&2

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  echo "installing postgresql (apt)…" >&2
  apt-get install -y -qq postgresql >/dev/null 3>&-
fi

version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -c "^$version main$" >/dev/null; then
  pg_createcluster "$version" main >/dev/null 3>&-
fi
if ! pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $4}' | grep -c online >/dev/null; then
  # After an unclean stop pg_ctlcluster says "Removed stale pid file." on stdout, and the
  # server may sync and replay for longer than pg_ctl's minute, which it then reports as a
  # failure although the server goes on starting: the wait below decides.
  pg_ctlcluster "$version" main start 3>&- || echo "pg_ctlcluster start returned $?; waiting for the server" >&2
fi

# After an unclean stop the server replays its log before it accepts connections, and
# pg_ctlcluster may return before that ends: wait for it (up to five minutes).
port=$(pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $3}')
for _ in $(seq 1 600); do
  pg_isready -q -h /var/run/postgresql -p "$port" && break
  sleep 0.5
done
pg_isready -q -h /var/run/postgresql -p "$port" || { echo "PostgreSQL did not become ready" >&2; exit 1; }

# One role for tests and local use; it may create databases (one per test).
su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='fuqaro'\"" | grep -c 1 >/dev/null ||
  su postgres -c "psql -qc \"CREATE ROLE fuqaro LOGIN CREATEDB PASSWORD 'fuqaro'\""

echo "postgres://fuqaro:fuqaro@127.0.0.1:${port}/postgres" >&3
