#!/usr/bin/env bash
# Compares every image of the generated catalogue (every framework, scope, version and alias,
# processor, Python version and region) with what the pinned SDK's image_uris.retrieve returns.
# Creates .tmp/framework-images/sdk-venv (sagemaker-core pinned by requirements-golden.txt) once.
# Regions: every region of each registry table once, else a sample (--all-regions: all, slow).
# Exits 1 on a mismatch. Needs package registries (first run) and ts-node; no AWS.
set -euo pipefail
cd "$(dirname "$0")/../.."
VERSION=$(sed -n 's/^sagemaker-core==\([^ ]*\).*/\1/p' requirements-golden.txt)
VENV=.tmp/framework-images/sdk-venv
if [ ! -x "$VENV/bin/python" ] || [ requirements-golden.txt -nt "$VENV/.installed" ]; then
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet -c requirements-golden.txt "sagemaker-core==$VERSION"
  touch "$VENV/.installed"
fi
CASES=.tmp/framework-images/catalogue-uris.jsonl
npx ts-node --transpile-only -P tsconfig.dev.json scripts/framework-images/catalogue-uris.ts "$@" > "$CASES"
"$VENV/bin/python" scripts/framework-images/verify-sdk.py "$CASES"
