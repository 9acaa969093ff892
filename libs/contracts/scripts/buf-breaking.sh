#!/usr/bin/env bash
# Fails when proto/ breaks wire or generated-code compatibility with the base branch
# (BUF_BREAKING_BASE, default main, the Nx defaultBase). Skips, saying why, when there is nothing to
# compare with: no git checkout, no base ref, or a base without .proto files (before the first
# contracts land, buf itself errors with "had no .proto files" rather than passing).
set -euo pipefail
cd "$(dirname "$0")/../../.."

base="${BUF_BREAKING_BASE:-main}"
buf=node_modules/.bin/buf

if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  echo "buf-breaking: skipped, not a git checkout"
  exit 0
fi

# A local branch when there is one; CI clones often have only the remote-tracking ref.
if git rev-parse --verify --quiet "refs/heads/${base}^{commit}" >/dev/null; then
  rev="refs/heads/${base}"
  against=".git#branch=${base},subdir=proto"
elif git rev-parse --verify --quiet "refs/remotes/origin/${base}^{commit}" >/dev/null; then
  rev="refs/remotes/origin/${base}"
  against=".git#ref=origin/${base},subdir=proto"
else
  echo "buf-breaking: skipped, neither branch ${base} nor origin/${base} exists here (fetch it, or set BUF_BREAKING_BASE)"
  exit 0
fi

if ! git ls-tree -r --name-only "$rev" -- proto | grep -q '\.proto$'; then
  echo "buf-breaking: skipped, ${rev} has no .proto files under proto/ yet, so nothing can break"
  exit 0
fi

echo "buf-breaking: proto/ against ${rev}"
exec "$buf" breaking proto --against "$against"
