#!/usr/bin/env bash
# Fails when the checked-in generated code differs from what `buf generate` makes of proto/ now,
# i.e. someone edited a .proto file and forgot `npm run proto:generate` (or edited generated code).
set -euo pipefail
cd "$(dirname "$0")/../../.."

out=libs/contracts/src/generated
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

node_modules/.bin/buf generate --output "$tmp"
if ! diff -rq "$tmp/$out" "$out"; then
  echo "proto-drift: $out is stale, run: npm run proto:generate" >&2
  exit 1
fi
echo "proto-drift: $out matches proto/"
