#!/usr/bin/env bash
# npm test: every suite, unit to end-to-end. Static checks and unit tests first (no infrastructure),
# then a private Kafka + Postgres (infra profile "test", its own ports and data, so a running
# `npm start` is not disturbed), integration and end-to-end suites, and the infrastructure is
# stopped again whatever happens.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_node_modules
export INFRA_PROFILE=test NX_DAEMON=false NX_TUI=false
rm -rf tmp/test-results && mkdir -p tmp/test-results
started=$(date +%s)

summary() {
  local code=${1:-$?}
  node scripts/test-summary.mjs tmp/test-results || true
  echo "[crisis-ops] npm test took $(( $(date +%s) - started )) s"
  exit $code
}
trap 'summary $?' EXIT

echo "[crisis-ops] static checks and unit tests"
npx nx run-many -t lint typecheck test buf-lint buf-breaking proto-drift --parallel=2 --outputStyle=static

echo "[crisis-ops] starting test infrastructure"
# Stop the test infrastructure afterwards only if this run started it: someone may be using it.
already_up=false
bash infra/local/infra.sh status >/dev/null 2>&1 && already_up=true
stop_infra() { $already_up || bash infra/local/infra.sh stop || true; }
# The run's exit code is taken before stopping the infrastructure, which would overwrite $?.
trap 'code=$?; stop_infra; summary $code' EXIT
bash infra/local/infra.sh up
# shellcheck disable=SC1091
source .run/test/env.sh

echo "[crisis-ops] integration tests (real Kafka and Postgres)"
npx nx run-many -t int --parallel=1 --outputStyle=static

echo "[crisis-ops] end-to-end tests (services as processes, browser tests in headless Chromium)"
ensure_chromium
npx nx run-many -t e2e --parallel=1 --outputStyle=static
