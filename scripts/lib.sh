# Shared by scripts/*.sh: repository root, and installing node modules when they are missing or stale.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

ensure_node_modules() {
  # npm ci when node_modules is missing or older than the lock file: a fresh clone needs nothing else.
  if [[ ! -d node_modules || ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
    echo "[crisis-ops] installing node modules (npm ci)…"
    npm ci --no-audit --no-fund
  fi
}
