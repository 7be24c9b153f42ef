#!/usr/bin/env bash
# Stop emulators started by scripts/emulators/start.sh (idempotent).
#
#   scripts/emulators/stop.sh [aws|azure|vault|gcp|all]...
#
# Only processes recorded in $KH_RUN/NAME.pid (and whose command line still
# matches the emulator) are signalled. emulators.env/json are rewritten to list
# what is still running, and removed when nothing is.

# shellcheck source=lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

names="$(kh_names "$@")"
for n in $names; do
  kh_kill "$n"
  [ "$n" = vault ] && rm -f "$KH_RUN/vault.setup.log"
done
if ls "$KH_RUN"/*.vars >/dev/null 2>&1; then
  kh_write_env
else
  rm -f "$KH_RUN/emulators.env" "$KH_RUN/emulators.json"
fi
if [ "${#KH_STOPPED[@]}" -eq 0 ]; then
  kh_log "nothing to stop in $KH_RUN (requested: ${names//$'\n'/ })"
else
  kh_log "stopped: ${KH_STOPPED[*]}"
fi
