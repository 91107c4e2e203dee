#!/usr/bin/env bash
# Lints and tests the ML seed code that mlops-usecase repositories start with, each sample (the option
# `sample`) in its own venv with exactly its pinned requirements: ruff, ruff format, hadolint, pytest
# (the container-contract tests included).
#
#   sklearn   templates/usecase/ml, in place                                       venv .tmp/ml-venv
#   xgboost   templates/usecase/ml with templates/usecase-xgboost/ml over it, as   venv .tmp/ml-venv-xgboost
#             mlops-usecase writes it, assembled in .tmp/ml-sample-xgboost
#
#   bash scripts/ml-test.sh              every sample
#   bash scripts/ml-test.sh xgboost      the samples named
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
SAMPLES=("$@")
[ ${#SAMPLES[@]} -gt 0 ] || SAMPLES=(sklearn xgboost)
# what mlops-usecase never copies from a template (package-info.ts)
EXCLUDE=(--exclude=.venv --exclude=venv --exclude=__pycache__ --exclude='*.pyc' --exclude=.pytest_cache
         --exclude=.ruff_cache --exclude=.mypy_cache --exclude=node_modules --exclude=.local)

for sample in "${SAMPLES[@]}"; do
  if [ "$sample" = sklearn ]; then
    dir="$ROOT/templates/usecase/ml"
    venv="$ROOT/.tmp/ml-venv"
  else
    overlay="$ROOT/templates/usecase-$sample/ml"
    [ -d "$overlay" ] || { echo "error: no ML sample \"$sample\": $overlay does not exist" >&2; exit 1; }
    dir="$ROOT/.tmp/ml-sample-$sample"
    venv="$ROOT/.tmp/ml-venv-$sample"
    rm -rf "$dir" && mkdir -p "$dir"
    # tar keeps the files' times: the venv is reinstalled only when a requirements file really changed
    for layer in "$ROOT/templates/usecase/ml" "$overlay"; do
      tar -C "$layer" "${EXCLUDE[@]}" -cf - . | tar -C "$dir" -xf -
    done
  fi
  printf '\n==> ML sample %s (%s, venv %s)\n' "$sample" "${dir#"$ROOT"/}" "${venv#"$ROOT"/}"
  cd "$dir"
  if [ ! -x "$venv/bin/python" ] || [ requirements.txt -nt "$venv/.installed" ] || [ requirements-dev.txt -nt "$venv/.installed" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --upgrade pip
    "$venv/bin/pip" install --quiet -r requirements.txt -r requirements-dev.txt
    touch "$venv/.installed"
  fi
  "$venv/bin/ruff" check .
  "$venv/bin/ruff" format --check .
  "$venv/bin/hadolint" Dockerfile
  OMP_NUM_THREADS=1 "$venv/bin/python" -m pytest -q -p no:cacheprovider
  cd "$ROOT"
done
