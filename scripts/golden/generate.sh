#!/usr/bin/env bash
# Creates .tmp/golden-venv from requirements-golden.txt (once; again when the file changes) and runs
# scripts/golden/generate.py, which writes test/fixtures/pipeline-golden/*.json with the SageMaker
# Python SDK, offline. Pass --check to compare with the committed files instead of writing them.
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV=.tmp/golden-venv
if [ ! -x "$VENV/bin/python" ] || [ requirements-golden.txt -nt "$VENV/.installed" ]; then
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --upgrade pip
  "$VENV/bin/pip" install --quiet -r requirements-golden.txt
  touch "$VENV/.installed"
fi
"$VENV/bin/python" -W ignore scripts/golden/generate.py "$@"
