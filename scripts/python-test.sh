#!/usr/bin/env bash
# Installs the freshly built wheel into a new venv (.tmp/wheel-venv) and runs pytest over test/python:
# the Python face of the package, the reference app from Python (platform, use case, compliance) and its
# TypeScript/Python parity (test_parity.py, which also runs the TypeScript app with ts-node).
#
#   bash scripts/python-test.sh [pytest args...]
#   bash scripts/python-test.sh --install-only      only (re)create the venv
#
# The wheel's JavaScript dependencies come from Python packages (aws-cdk-lib, constructs, cdk-nag,
# projen). They are pinned to exactly the versions in node_modules, which the TypeScript side builds and
# tests with: the parity test compares templates, and those depend on the aws-cdk-lib release (its own
# custom-resource handlers and defaults change between releases). PYTHON_TEST_DEPS=latest installs the
# newest versions the wheel admits instead, a compatibility check: run it with -k 'not parity'.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="${JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION:-20}"
install_only=false
if [ "${1:-}" = --install-only ]; then install_only=true; shift; fi
shopt -s nullglob
wheels=(dist/python/*.whl)
if [ "${#wheels[@]}" -ne 1 ]; then
  echo "error: expected one wheel in dist/python, found ${#wheels[@]}; run 'npx projen package:python' first" >&2
  exit 1
fi
if [ "${PYTHON_TEST_DEPS:-pinned}" = latest ]; then
  deps=('aws-cdk-lib>=2.257.0,<3' 'constructs>=10.5.1,<11' 'cdk-nag>=3.0.2,<4')
else
  npm_version() { node -p "require('$1/package.json').version"; }
  deps=("aws-cdk-lib==$(npm_version aws-cdk-lib)" "constructs==$(npm_version constructs)"
        "cdk-nag==$(npm_version cdk-nag)" "projen==$(npm_version projen)")
fi
VENV="$ROOT/.tmp/wheel-venv"
rm -rf "$VENV"
python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --upgrade pip
"$VENV/bin/pip" install --quiet "${wheels[0]}" "${deps[@]}" 'pytest>=8.3'
# what python-parity.sh checks before it reuses the venv: the wheel and the dependencies it was made with
{ sha256sum "${wheels[0]}" | cut -d' ' -f1; printf '%s\n' "${deps[@]}"; } > "$VENV/.wheel-stamp"
echo "python-test: $("$VENV/bin/pip" list 2>/dev/null | grep -E '^(aws-cdk-lib|constructs|cdk-nag|projen|jsii) ' | tr -s ' ' | paste -sd, -)"
if $install_only; then exit 0; fi
# jsii's Python runtime starts `node` for the JavaScript side of the package
"$VENV/bin/python" -m pytest -q -p no:cacheprovider test/python "$@"
