#!/usr/bin/env bash
# The TypeScript/Python parity of the reference app on its own: synthesizes test/python/reference_app.py (the
# wheel), takes the shared TypeScript assembly of test/reference/reference-app.ts (.tmp/flows-cdk.out, synthesized
# with ts-node when stale) and compares the two cloud assemblies
# (test/python/test_parity.py; test/python/cloud_assembly.py says what is compared and normalized).
#
#   bash scripts/python-parity.sh [outdir]       (default .tmp/parity)
#
# Keeps the Python assembly in <outdir>/python/cdk.out. Reuses the venv of
# scripts/python-test.sh when it was made from the current wheel with the pinned versions, else makes it.
# Needs the build outputs: dist/python/*.whl (npx projen package:python) and assets/runtime
# (node scripts/bundle-runtime.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="${JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION:-20}"
OUT="$(mkdir -p "${1:-.tmp/parity}" && cd "${1:-.tmp/parity}" && pwd)"
if [ ! -d assets/runtime/handlers ]; then
  echo "error: assets/runtime is missing; run 'node scripts/bundle-runtime.mjs' first" >&2
  exit 1
fi
shopt -s nullglob
wheels=(dist/python/*.whl)
VENV="$ROOT/.tmp/wheel-venv"
npm_version() { node -p "require('$1/package.json').version"; }
expected=""
if [ "${#wheels[@]}" -eq 1 ]; then
  expected="$(sha256sum "${wheels[0]}" | cut -d' ' -f1; printf '%s\n' "aws-cdk-lib==$(npm_version aws-cdk-lib)" \
    "constructs==$(npm_version constructs)" "cdk-nag==$(npm_version cdk-nag)" "projen==$(npm_version projen)")"
fi
if [ -z "$expected" ] || [ ! -f "$VENV/.wheel-stamp" ] || [ "$(cat "$VENV/.wheel-stamp")" != "$expected" ]; then
  PYTHON_TEST_DEPS=pinned bash scripts/python-test.sh --install-only
fi
REFERENCE_OUTDIR="$OUT" "$VENV/bin/python" -m pytest -q -p no:cacheprovider test/python/test_parity.py
echo "python-parity: assemblies in $ROOT/.tmp/flows-cdk.out (TypeScript) and $OUT/python/cdk.out"
