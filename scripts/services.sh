# Service processes of `npm start`: name:port pairs (ports overridable with <NAME>_PORT), pid files
# and logs in .run/dev, readiness by /health/ready.
SERVICE_RUN="$ROOT/.run/dev/services"
SERVICE_LOGS="$ROOT/.run/dev/logs"
# The builds the services run from, copied out of dist/ at start: npm test (allowed while the
# platform is up) rebuilds dist/services, emptying each folder first, under running processes.
SERVICE_DIST="$ROOT/.run/dev/dist"
mkdir -p "$SERVICE_RUN" "$SERVICE_LOGS"
SERVICES=(
  "early-warning:${EARLY_WARNING_PORT:-3001}"
  "mediation:${MEDIATION_PORT:-3002}"
  "electoral-support:${ELECTORAL_SUPPORT_PORT:-3003}"
  "partnerships:${PARTNERSHIPS_PORT:-3004}"
  "ops-centre:${OPS_CENTRE_PORT:-8080}"
)

service_pid() {
  local name=$1 pid
  [[ -f "$SERVICE_RUN/$name.pid" ]] || return 1
  pid=$(cat "$SERVICE_RUN/$name.pid")
  ps -ww -p "$pid" -o args= 2>/dev/null | grep -qF "dist/services/$name/main.js" && echo "$pid"
}

any_service_running() {
  local entry
  for entry in "${SERVICES[@]}"; do service_pid "${entry%%:*}" >/dev/null && return 0; done
  return 1
}

# Copies the fresh builds to where the services run from; only while none of them runs on the old.
snapshot_builds() {
  if any_service_running; then
    echo "[crisis-ops] some services still run on the previous build; npm stop, then npm start, to run the new one" >&2
    return 0
  fi
  rm -rf "$SERVICE_DIST" && mkdir -p "$SERVICE_DIST" && cp -R dist/services "$SERVICE_DIST/"
}

all_services_running() {
  local entry
  for entry in "${SERVICES[@]}"; do service_pid "${entry%%:*}" >/dev/null || return 1; done
}

print_service_table() {
  local entry name port state
  for entry in "${SERVICES[@]}"; do
    name=${entry%%:*}; port=${entry##*:}
    if service_pid "$name" >/dev/null; then state="running (pid $(service_pid "$name"))"; else state="stopped"; fi
    printf '  %-19s http://localhost:%-5s %s\n' "$name" "$port" "$state"
  done
}

local_dev_secret() {
  npx tsx -e "import { LOCAL_DEV_SECRET } from './libs/auth/src/dev-token'; process.stdout.write(LOCAL_DEV_SECRET)"
}

# Where each service answers, as ops-centre's system view must check them: <NAME>_URL, from the ports
# above (it fell back to the default ports, and on a machine running a second stack there reported
# that stack's services as ours).
service_urls() {
  local entry var
  for entry in "${SERVICES[@]}"; do
    var="$(echo "${entry%%:*}" | tr 'a-z-' 'A-Z_')_URL"
    printf '%s=%s\n' "$var" "${!var:-http://127.0.0.1:${entry##*:}}"
  done
}

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start_service() {
  local name=${1%%:*} port=${1##*:}
  if service_pid "$name" >/dev/null; then echo "[crisis-ops] $name already running"; return; fi
  # A process already answering there (another stack's service, anything) would answer our
  # readiness check while ours dies on EADDRINUSE, and "ready" would be a lie.
  if port_taken "$port"; then
    echo "[crisis-ops] cannot start $name: port $port is taken by another process; set $(echo "$name" | tr 'a-z-' 'A-Z_')_PORT to a free one" >&2
    return 1
  fi
  echo "[crisis-ops] starting $name on :$port"
  # setsid: the service outlives this script and is stopped by npm stop, not by closing the shell.
  # A 32 MiB young generation: a service allocates short-lived objects per event (JSON, protobuf,
  # kafkajs buffers), and with V8's 16 MiB default the scavenger took ~15 % of the intake's CPU.
  # Single-threaded GC: V8's parallel GC helpers compete for the same cores as the service's relay
  # thread, Postgres and the broker; on the 2-core benchmark machine early-warning's intake used
  # ~7 % less CPU per signal without them (66.5 → 61.7 µs, six runs each), its escalation p99 no worse.
  env PORT="$port" OTEL_SERVICE_NAME="$name" $(service_urls) setsid nohup node --enable-source-maps --max-semi-space-size=32 --single-threaded-gc "$SERVICE_DIST/services/$name/main.js" \
    >>"$SERVICE_LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$SERVICE_RUN/$name.pid"
}

wait_ready() {
  local name=${1%%:*} port=${1##*:} deadline=$(( $(date +%s) + 90 ))
  until curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; do
    if ! service_pid "$name" >/dev/null; then
      echo "[crisis-ops] $name exited during start-up; last log lines:" >&2
      tail -25 "$SERVICE_LOGS/$name.log" >&2
      return 1
    fi
    if (( $(date +%s) > deadline )); then
      echo "[crisis-ops] $name not ready after 90 s; see $SERVICE_LOGS/$name.log" >&2
      return 1
    fi
    sleep 0.5
  done
  echo "[crisis-ops] $name ready"
}

stop_service() {
  local name=${1%%:*} pid
  pid=$(service_pid "$name") || { rm -f "$SERVICE_RUN/$name.pid"; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$SERVICE_RUN/$name.pid"
  echo "[crisis-ops] stopped $name"
}
