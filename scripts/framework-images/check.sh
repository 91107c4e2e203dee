#!/usr/bin/env bash
# Fails (exit 1, with the diff) when src/constructs/training/framework-images.generated.ts is not what
# scripts/framework-images/generate.sh writes from the pinned SDK; exit 2 when it cannot generate
# (e.g. the wheel cannot be downloaded): never a silent pass.
set -euo pipefail
cd "$(dirname "$0")/../.."
COMMITTED=src/constructs/training/framework-images.generated.ts
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
if ! scripts/framework-images/generate.sh "$TMP/framework-images.generated.ts"; then
  echo "check.sh: could not generate the framework image tables" >&2
  exit 2
fi
if ! diff -u "$COMMITTED" "$TMP/framework-images.generated.ts"; then
  echo "check.sh: $COMMITTED is stale; run scripts/framework-images/generate.sh and commit it" >&2
  exit 1
fi
echo "check.sh: $COMMITTED is up to date"
