#!/usr/bin/env bash
# Installs the freshly built wheel with aws-cdk-lib and constructs into a new venv and runs pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
shopt -s nullglob
wheels=(dist/python/*.whl)
if [ "${#wheels[@]}" -ne 1 ]; then
  echo "error: expected one wheel in dist/python, found ${#wheels[@]}; run 'npx projen package:python' first" >&2
  exit 1
fi
VENV="$ROOT/.tmp/wheel-venv"
rm -rf "$VENV"
python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --upgrade pip
"$VENV/bin/pip" install --quiet "${wheels[0]}" 'aws-cdk-lib>=2.257.0,<3' 'constructs>=10.5.1,<11' 'pytest>=8.3'
# jsii's Python runtime starts `node` for the JavaScript side of the package
"$VENV/bin/python" -m pytest -q test/python "$@"
