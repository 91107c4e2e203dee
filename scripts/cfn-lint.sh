#!/usr/bin/env bash
# Runs cfn-lint over every CloudFormation template the Jest suite synthesized (.cfn-templates/).
set -euo pipefail
cd "$(dirname "$0")/.."
DIR="${CFN_TEMPLATES_DIR:-.cfn-templates}"
shopt -s nullglob
files=("$DIR"/*.template.json)
if [ "${#files[@]}" -eq 0 ]; then
  echo "error: no templates in $DIR; run the Jest suite first (npx projen test)" >&2
  exit 1
fi
echo "cfn-lint: ${#files[@]} distinct templates"
# errors (E) fail; warnings (W) and informational (I) findings are printed but do not fail
.venv/bin/cfn-lint --format parseable --non-zero-exit-code error -- "${files[@]}"
echo "cfn-lint: 0 errors in ${#files[@]} templates"
