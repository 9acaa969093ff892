#!/usr/bin/env bash
# npm run bench: benchmarks on the real broker and database (infra profile "test"), never timed tests.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_node_modules
export INFRA_PROFILE=test
already_up=false
bash infra/local/infra.sh status >/dev/null 2>&1 && already_up=true
bash infra/local/infra.sh up
# Benchmarks leave large backlogs on the test topics; a stack this script started is reset, not kept.
$already_up || trap 'bash infra/local/infra.sh reset' EXIT
# shellcheck disable=SC1091
source .run/test/env.sh
for bench in bench/*.bench.ts; do
  echo "== $bench"
  npx tsx "$bench"
done
