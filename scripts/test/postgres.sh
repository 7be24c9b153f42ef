#!/usr/bin/env bash
# Starts the local PostgreSQL 15 cluster and makes sure a `keyhold` role that may create databases exists.
# Prints the admin URL tests use to create their own fresh databases.
set -euo pipefail

PG_VERSION="${KEYHOLD_PG_VERSION:-15}"
if ! command -v pg_ctlcluster >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "postgresql-$PG_VERSION") >&2
  else
    echo "PostgreSQL $PG_VERSION is not installed (apt-get install postgresql-$PG_VERSION)" >&2
    exit 1
  fi
fi
if ! pg_lsclusters -h 2>/dev/null | awk -v v="$PG_VERSION" '$1==v && $2=="main"' | grep -q online; then
  pg_ctlcluster "$PG_VERSION" main start >&2
fi
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p 5432 && break
  sleep 1
done
run_psql() {
  if [ "$(id -u)" = 0 ]; then su postgres -c "psql -v ON_ERROR_STOP=1 -qtAc \"$1\""; else psql -v ON_ERROR_STOP=1 -qtAc "$1" postgres; fi
}
if [ "$(run_psql "SELECT 1 FROM pg_roles WHERE rolname='keyhold'")" != "1" ]; then
  run_psql "CREATE ROLE keyhold LOGIN CREATEDB PASSWORD 'keyhold'" >&2
fi
echo "postgres://keyhold:keyhold@127.0.0.1:5432/postgres"
