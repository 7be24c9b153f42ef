#!/usr/bin/env bash
# API fuzzing (issue 8, section 6; issue 13). Installs schemathesis from PyPI into a venv cached under ~/.cache/keyhold
# (once), then scripts/test/api-fuzz/run.ts starts the production build (run `next build` first: this script does not
# build; .next/BUILD_ID must exist) on a free port (KEYHOLD_SCHEMATHESIS_PORT, default 3200, else any) with a fresh data
# folder, signs in as administrator and as a namespace viewer (a session cookie and an API token each), seeds a tenant,
# and fuzzes every route handler, the console's and REST API v1's, from /api/v1/openapi.json (the document
# /api/openapi.json serves too). Reports: test-results/schemathesis-<pglite|postgres>/ (JUnit XML per role and pass,
# HAR, logs, summary.json with each pass's seconds).
#   bash scripts/test/schemathesis.sh                 # on PGlite
#   DATABASE_URL=postgres://…/empty_db bash scripts/test/schemathesis.sh
#   bash scripts/test/schemathesis.sh --install-only
# KEYHOLD_SCHEMATHESIS_EXAMPLES (default 100 per operation and phase; the console's routes),
# KEYHOLD_SCHEMATHESIS_V1_EXAMPLES (default 30; REST API v1) and KEYHOLD_SCHEMATHESIS_SEED scale and replay a run.
set -euo pipefail
cd "$(dirname "$0")/../.."
VERSION=4.32.5
DIR="${KEYHOLD_CACHE:-$HOME/.cache/keyhold}/schemathesis"
export KEYHOLD_SCHEMATHESIS="$DIR/venv/bin/schemathesis"
if ! { [ -x "$KEYHOLD_SCHEMATHESIS" ] && "$KEYHOLD_SCHEMATHESIS" --version 2>/dev/null | grep -q "$VERSION"; }; then
  echo "installing schemathesis $VERSION from PyPI into $DIR" >&2
  rm -rf "$DIR" && mkdir -p "$DIR"
  python3 -m venv "$DIR/venv"
  "$DIR/venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$VERSION" >&2
  "$KEYHOLD_SCHEMATHESIS" --version >&2
fi
[ "${1:-}" = "--install-only" ] && exit 0
exec npx --no-install tsx scripts/test/api-fuzz/run.ts
