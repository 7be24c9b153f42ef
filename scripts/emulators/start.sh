#!/usr/bin/env bash
# Start emulators on 127.0.0.1 (installing them first if needed), wait until
# they answer, and write $KH_RUN/emulators.env + emulators.json.
#
#   scripts/emulators/start.sh [aws|azure|vault|gcp|all]...
#   . "$(scripts/emulators/start.sh)"      # stdout is just the env file path
#
# Already-running emulators (same run dir) are reused. Logs: $KH_RUN/NAME.log.

# shellcheck source=install.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/install.sh"

# Restart a fake whose binary was rebuilt (sources changed) since it started.
kh_restart_if_stale() { # NAME BINARY
  local pid exe
  kh_running "$1" || return 0
  pid="$(cat "$(kh_pidfile "$1")")"
  exe="$(readlink "/proc/$pid/exe" 2>/dev/null || true)"
  if [ "$exe" != "$(readlink -f "$2")" ]; then
    kh_log "$1: running binary is out of date ($exe); restarting"
    kh_kill "$1"
  fi
}

kh_check_port() { # NAME PORT ENVVAR
  # A process stopped a moment ago (a stale fake being replaced) may still hold the port briefly.
  for _ in $(seq 1 50); do
    kh_port_busy "$2" || break
    sleep 0.1
  done
  if kh_port_busy "$2"; then
    kh_log "$1: port $KH_HOST:$2 is already in use by another process; stop it or set $3"
    return 1
  fi
}

# --- aws (moto) -----------------------------------------------------------------

kh_ready_aws() { curl -fsS -o /dev/null "http://$KH_HOST:$KH_MOTO_PORT/moto-api/data.json"; }

kh_start_aws() {
  if ! kh_running aws; then
    kh_check_port aws "$KH_MOTO_PORT" KEYHOLD_MOTO_PORT || return 1
    kh_spawn aws "$(kh_moto_bin)" -H "$KH_HOST" -p "$KH_MOTO_PORT"
  fi
  kh_wait aws kh_ready_aws || return 1
  kh_egress aws "$KH_HOST:$KH_MOTO_PORT"
  {
    kh_var KEYHOLD_AWS_ENDPOINT endpoint "http://$KH_HOST:$KH_MOTO_PORT"
    kh_var KEYHOLD_AWS_PORT port "$KH_MOTO_PORT"
    kh_var KEYHOLD_AWS_REGION region "$KH_AWS_REGION"
    kh_var KEYHOLD_AWS_ACCESS_KEY_ID accessKeyId testing
    kh_var KEYHOLD_AWS_SECRET_ACCESS_KEY secretAccessKey testing
    kh_var KEYHOLD_AWS_ACCOUNT_ID accountId 123456789012
  } >"$KH_RUN/aws.vars"
}

# --- azure (Key Vault secrets fake) -------------------------------------------------

kh_ready_azure() {
  curl -fsS -o /dev/null --cacert "$(kh_azure_cert_dir)/cert.pem" "https://$KH_HOST:$KH_AZURE_PORT/ping" &&
    kh_port_busy "$KH_AZURE_TOKEN_PORT"
}

kh_start_azure() {
  kh_restart_if_stale azure "$(kh_fakes_dir)/azure-kv-fake"
  if ! kh_running azure; then
    kh_check_port azure "$KH_AZURE_PORT" KEYHOLD_AZURE_PORT || return 1
    kh_check_port azure "$KH_AZURE_TOKEN_PORT" KEYHOLD_AZURE_TOKEN_PORT || return 1
    kh_spawn azure "$(kh_fakes_dir)/azure-kv-fake" -addr "$KH_HOST:$KH_AZURE_PORT" \
      -token-addr "$KH_HOST:$KH_AZURE_TOKEN_PORT" -cert-dir "$(kh_azure_cert_dir)" \
      ${KEYHOLD_EMULATOR_VERBOSE:+-v}
  fi
  kh_wait azure kh_ready_azure || return 1
  kh_egress azure "$KH_HOST:$KH_AZURE_PORT" "$KH_HOST:$KH_AZURE_TOKEN_PORT"
  {
    kh_var KEYHOLD_AZURE_VAULT_URL vaultUrl "https://$KH_HOST:$KH_AZURE_PORT"
    kh_var KEYHOLD_AZURE_PORT port "$KH_AZURE_PORT"
    kh_var KEYHOLD_AZURE_CA_CERT caCertPath "$(kh_azure_cert_dir)/cert.pem"
    kh_var KEYHOLD_AZURE_TENANT_ID tenantId "$KH_AZURE_TENANT"
    kh_var KEYHOLD_AZURE_TOKEN_ENDPOINT tokenEndpoint "http://$KH_HOST:$KH_AZURE_TOKEN_PORT"
    kh_var KEYHOLD_AZURE_EMULATOR emulator azure-kv-fake
  } >"$KH_RUN/azure.vars"
}

# --- vault (OpenBao dev server) ---------------------------------------------------

kh_ready_vault() { curl -fsS -o /dev/null "http://$KH_HOST:$KH_VAULT_PORT/v1/sys/health"; }

kh_bao() {
  BAO_ADDR="http://$KH_HOST:$KH_VAULT_PORT" BAO_TOKEN="$KH_VAULT_ROOT_TOKEN" "$(kh_bao_bin)" "$@"
}

kh_setup_vault() {
  local policy role_id secret_id
  policy=$(cat <<EOF
path "secret/*"         { capabilities = ["create", "read", "update", "patch", "delete", "list"] }
path "kv1/*"            { capabilities = ["create", "read", "update", "delete", "list"] }
path "$KH_VAULT_NAMESPACE/secret/*" { capabilities = ["create", "read", "update", "patch", "delete", "list"] }
path "sys/mounts"       { capabilities = ["read"] }
path "sys/internal/ui/mounts"   { capabilities = ["read"] }
path "sys/internal/ui/mounts/*" { capabilities = ["read"] }
EOF
)
  {
    kh_bao secrets enable -path=kv1 -version=1 kv
    printf '%s\n' "$policy" | kh_bao policy write "$KH_VAULT_POLICY" -
    kh_bao auth enable userpass
    kh_bao write "auth/userpass/users/$KH_VAULT_USER" password="$KH_VAULT_PASSWORD" token_policies="$KH_VAULT_POLICY"
    kh_bao auth enable approle
    kh_bao write "auth/approle/role/$KH_VAULT_ROLE" token_policies="$KH_VAULT_POLICY" token_ttl=1h token_max_ttl=4h secret_id_ttl=0
    kh_bao namespace create "$KH_VAULT_NAMESPACE"
    kh_bao secrets enable -ns="$KH_VAULT_NAMESPACE" -path=secret -version=2 kv
  } >>"$KH_RUN/vault.setup.log" 2>&1 || { kh_log "vault: setup failed"; tail -n 20 "$KH_RUN/vault.setup.log" >&2; return 1; }
  role_id="$(kh_bao read -field=role_id "auth/approle/role/$KH_VAULT_ROLE/role-id")" || return 1
  secret_id="$(kh_bao write -f -field=secret_id "auth/approle/role/$KH_VAULT_ROLE/secret-id")" || return 1
  {
    kh_var KEYHOLD_VAULT_ADDR addr "http://$KH_HOST:$KH_VAULT_PORT"
    kh_var KEYHOLD_VAULT_PORT port "$KH_VAULT_PORT"
    kh_var KEYHOLD_VAULT_TOKEN rootToken "$KH_VAULT_ROOT_TOKEN"
    kh_var KEYHOLD_VAULT_KV2_MOUNT kv2Mount secret
    kh_var KEYHOLD_VAULT_KV1_MOUNT kv1Mount kv1
    kh_var KEYHOLD_VAULT_POLICY policy "$KH_VAULT_POLICY"
    kh_var KEYHOLD_VAULT_USERPASS_MOUNT userpassMount userpass
    kh_var KEYHOLD_VAULT_USERNAME username "$KH_VAULT_USER"
    kh_var KEYHOLD_VAULT_PASSWORD password "$KH_VAULT_PASSWORD"
    kh_var KEYHOLD_VAULT_APPROLE_MOUNT approleMount approle
    kh_var KEYHOLD_VAULT_APPROLE_ROLE approleRole "$KH_VAULT_ROLE"
    kh_var KEYHOLD_VAULT_ROLE_ID roleId "$role_id"
    kh_var KEYHOLD_VAULT_SECRET_ID secretId "$secret_id"
    kh_var KEYHOLD_VAULT_NAMESPACE namespace "$KH_VAULT_NAMESPACE"
    kh_var KEYHOLD_VAULT_NAMESPACE_KV2_MOUNT namespaceKv2Mount secret
  } >"$KH_RUN/vault.vars"
}

kh_start_vault() {
  if kh_running vault && [ ! -s "$KH_RUN/vault.vars" ]; then
    kh_log "vault: running but never finished setup; restarting it"
    kh_kill vault
  fi
  if ! kh_running vault; then
    kh_check_port vault "$KH_VAULT_PORT" KEYHOLD_VAULT_PORT || return 1
    rm -f "$KH_RUN/vault.vars" "$KH_RUN/vault.setup.log"
    kh_spawn vault "$(kh_bao_bin)" server -dev -dev-no-store-token \
      -dev-root-token-id="$KH_VAULT_ROOT_TOKEN" -dev-listen-address="$KH_HOST:$KH_VAULT_PORT"
    kh_wait vault kh_ready_vault || return 1
    kh_setup_vault || return 1
  else
    kh_wait vault kh_ready_vault || return 1
  fi
  kh_egress vault "$KH_HOST:$KH_VAULT_PORT"
}

# --- gcp (Secret Manager fake) ------------------------------------------------------

kh_ready_gcp() { kh_port_busy "$KH_GCP_PORT" && kh_port_busy "$KH_GCP_IAM_PORT"; }

kh_start_gcp() {
  kh_restart_if_stale gcp "$(kh_fakes_dir)/gcp-sm-fake"
  if ! kh_running gcp; then
    kh_check_port gcp "$KH_GCP_PORT" KEYHOLD_GCP_PORT || return 1
    kh_check_port gcp "$KH_GCP_IAM_PORT" KEYHOLD_GCP_IAM_PORT || return 1
    kh_spawn gcp "$(kh_fakes_dir)/gcp-sm-fake" -addr "$KH_HOST:$KH_GCP_PORT" \
      -iam-addr "$KH_HOST:$KH_GCP_IAM_PORT" ${KEYHOLD_EMULATOR_VERBOSE:+-v}
  fi
  kh_wait gcp kh_ready_gcp || return 1
  kh_egress gcp "$KH_HOST:$KH_GCP_PORT" "$KH_HOST:$KH_GCP_IAM_PORT"
  {
    kh_var KEYHOLD_GCP_ENDPOINT endpoint "$KH_HOST:$KH_GCP_PORT"
    kh_var KEYHOLD_GCP_HOST host "$KH_HOST"
    kh_var KEYHOLD_GCP_PORT port "$KH_GCP_PORT"
    kh_var KEYHOLD_GCP_PROJECT_ID projectId "$KH_GCP_PROJECT"
    kh_var KEYHOLD_GCP_EMULATOR emulator gcp-sm-fake
    kh_var KEYHOLD_GCP_IAM_ENDPOINT iamEndpoint "http://$KH_HOST:$KH_GCP_IAM_PORT"
  } >"$KH_RUN/gcp.vars"
}

# --- main -------------------------------------------------------------------------

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  names="$(kh_names "$@")"
  t0="$(kh_now)"
  # shellcheck disable=SC2086
  kh_install $names
  exec 9>&- # release the install lock before starting servers
  mkdir -p "$KH_RUN"
  failed=()
  for n in $names; do
    t="$(kh_now)"
    before="$(cat "$(kh_pidfile "$n")" 2>/dev/null || true)"
    if "kh_start_$n"; then
      pid="$(cat "$(kh_pidfile "$n")")"
      if [ "$pid" = "$before" ]; then
        kh_log "$n: already running (pid $pid), reused"
      else
        kh_log "$n: ready on $KH_HOST in $(kh_elapsed "$t") (pid $pid, log: $KH_RUN/$n.log)"
      fi
    else
      failed+=("$n")
      kh_kill "$n" || true
    fi
  done
  kh_write_env
  if [ "${#failed[@]}" -gt 0 ]; then
    kh_die "failed to start: ${failed[*]} (see logs in $KH_RUN)"
  fi
  kh_log "all started in $(kh_elapsed "$t0"); env: $KH_RUN/emulators.env, json: $KH_RUN/emulators.json"
  echo "$KH_RUN/emulators.env"
fi
