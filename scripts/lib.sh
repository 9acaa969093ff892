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

ensure_chromium() {
  # Browser tests drive Debian's Chromium (Playwright cannot download browsers here).
  command -v chromium >/dev/null 2>&1 && return 0
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "[crisis-ops] installing chromium for the browser tests (apt-get)…"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "[crisis-ops] browser tests need Chromium at /usr/bin/chromium: sudo apt-get install chromium" >&2
    return 1
  fi
}
