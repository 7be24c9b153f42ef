#!/usr/bin/env bash
# Installs schemathesis (PyPI) into a venv cached under ~/.cache/keyhold, once; e2e/api-fuzz.spec.ts runs it.
set -euo pipefail
VERSION=4.32.5
DIR="${KEYHOLD_CACHE:-$HOME/.cache/keyhold}/schemathesis"
if [ -x "$DIR/venv/bin/schemathesis" ] && "$DIR/venv/bin/schemathesis" --version 2>/dev/null | grep -q "$VERSION"; then exit 0; fi
rm -rf "$DIR" && mkdir -p "$DIR"
python3 -m venv "$DIR/venv"
"$DIR/venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$VERSION" >&2
"$DIR/venv/bin/schemathesis" --version >&2
