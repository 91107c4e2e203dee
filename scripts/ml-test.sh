#!/usr/bin/env bash
# Lints and tests the ML seed code that mlops-usecase repositories start with (templates/usecase/ml),
# in its own venv with exactly the pinned requirements of that code.
set -euo pipefail
cd "$(dirname "$0")/../templates/usecase/ml"
VENV="$(cd ../../.. && pwd)/.tmp/ml-venv"
if [ ! -x "$VENV/bin/python" ] || [ requirements.txt -nt "$VENV/.installed" ] || [ requirements-dev.txt -nt "$VENV/.installed" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --upgrade pip
  "$VENV/bin/pip" install --quiet -r requirements.txt -r requirements-dev.txt
  touch "$VENV/.installed"
fi
"$VENV/bin/ruff" check .
"$VENV/bin/ruff" format --check .
"$VENV/bin/hadolint" Dockerfile
OMP_NUM_THREADS=1 "$VENV/bin/python" -m pytest -q -p no:cacheprovider
