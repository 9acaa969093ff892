#!/usr/bin/env bash
# npm stop: services first (they drain their outbox relay and leave their consumer groups), then
# Kafka and Postgres of the dev profile. Data stays in .run/dev for the next npm start.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source scripts/services.sh
for (( i=${#SERVICES[@]}-1; i>=0; i-- )); do stop_service "${SERVICES[$i]}"; done
INFRA_PROFILE=dev bash infra/local/infra.sh stop
echo "[crisis-ops] stopped"
