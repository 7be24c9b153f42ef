#!/usr/bin/env bash
# API fuzzing (issue 8, section 6). Installs schemathesis from PyPI into a venv cached under ~/.cache/keyhold (once),
# then scripts/test/api-fuzz/run.ts starts the production build (`next build` first) on a free port with a fresh data
# folder, signs in as administrator and as a namespace viewer, seeds a tenant, and fuzzes every route handler from
# /api/openapi.json. Reports: test-results/schemathesis-<pglite|postgres>/ (JUnit XML, HAR, logs, summary.json).
#   bash scripts/test/schemathesis.sh                 # on PGlite
#   DATABASE_URL=postgres://…/empty_db bash scripts/test/schemathesis.sh
#   bash scripts/test/schemathesis.sh --install-only
# KEYHOLD_SCHEMATHESIS_EXAMPLES (default 100 per operation and phase) and KEYHOLD_SCHEMATHESIS_SEED scale and replay a run.
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
