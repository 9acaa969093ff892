#!/usr/bin/env bash
# Fails when proto/ breaks wire or generated-code compatibility: any commit against its parent, the
# working tree against HEAD and against the base branch (BUF_BREAKING_BASE, default main, the Nx
# defaultBase). Skips, saying why, when there is nothing to
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

# On a trunk (one branch, as here) the base is HEAD itself, and comparing with it checks nothing that
# is committed: so every commit that touched proto/ is also checked against the commit before it,
# and the working tree against HEAD. Shallow history skips what it does not have.
fail=0
for commit in $(git log --format=%H -- proto/); do
  parent="$(git rev-parse --verify --quiet "${commit}^" 2>/dev/null)" || continue
  git ls-tree -r --name-only "$parent" -- proto | grep -q '\.proto$' || continue
  if ! "$buf" breaking ".git#ref=${commit},subdir=proto" --against ".git#ref=${parent},subdir=proto"; then
    echo "buf-breaking: commit ${commit} breaks the contracts of ${parent}: a breaking change needs a new package version (v2)" >&2
    fail=1
  fi
done
echo "buf-breaking: proto/ against HEAD and against ${rev}"
"$buf" breaking proto --against ".git#ref=HEAD,subdir=proto" || fail=1
"$buf" breaking proto --against "$against" || fail=1
exit "$fail"
