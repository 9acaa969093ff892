#!/usr/bin/env bash
# npm start: the whole platform on this machine. Installs what is missing, starts Kafka and Postgres
# (infra profile "dev"), builds the five services, starts each as its own process (each migrates
# its own schema as its migrator role on boot) and waits until every one is ready.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source scripts/services.sh

t0=$(date +%s)
ensure_node_modules
export INFRA_PROFILE=dev NX_DAEMON=false NX_TUI=false
# First, even when the services run: up returns at once when Kafka and Postgres are up, and starts
# whichever died (a broker out of memory), which services answering 503 cannot do for themselves.
bash infra/local/infra.sh up

if all_services_running; then
  echo "[crisis-ops] already running (npm stop to stop it):"
  print_service_table
  exit 0
fi
# shellcheck disable=SC1091
source .run/dev/env.sh

echo "[crisis-ops] building services…"
npx nx run-many -t build --projects=tag:type:service --outputStyle=static >"$SERVICE_LOGS/build.log" 2>&1 \
  || { tail -40 "$SERVICE_LOGS/build.log"; echo "[crisis-ops] build failed (full log: $SERVICE_LOGS/build.log)" >&2; exit 1; }

snapshot_builds
export AUTH_DEV_SECRET="${AUTH_DEV_SECRET:-$(local_dev_secret)}"
for entry in "${SERVICES[@]}"; do start_service "$entry" || { npm run -s stop || true; exit 1; }; done
for entry in "${SERVICES[@]}"; do wait_ready "$entry" || { npm run -s stop || true; exit 1; }; done

cat <<SUMMARY

[crisis-ops] up in $(( $(date +%s) - t0 )) s.

  Operations centre   http://localhost:${OPS_CENTRE_PORT:-8080}   (API docs: /docs)
$(print_service_table)

  Kafka               ${KAFKA_BROKERS}
  Postgres            ${DATABASE_HOST}:${DATABASE_PORT}/${DATABASE_NAME}
  Logs                .run/dev/logs/
  Token for the API   npm run -s token -- --role watch-officer --region africa
  Stop                npm stop
SUMMARY
