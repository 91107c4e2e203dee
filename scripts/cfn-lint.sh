#!/usr/bin/env bash
# Runs cfn-lint over every CloudFormation template the Jest suite synthesized (.cfn-templates/).
# The suite synthesizes many variants of the same stacks, so most resources occur in dozens of templates:
# scripts/cfn-lint-reduce.py first keeps each distinct resource once, in the template it first occurs in,
# with every resource it refers to (see there). CFN_LINT_ALL=1 lints every template in full instead.
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
if [ "${CFN_LINT_ALL:-}" != 1 ]; then
  REDUCED=".tmp/cfn-lint-reduced"
  rm -rf "$REDUCED"
  .venv/bin/python scripts/cfn-lint-reduce.py "$DIR" "$REDUCED"
  # a finding names the reduced file; the template of the same name in $DIR is the full one
  files=("$REDUCED"/*.template.json)
fi
# errors (E) fail; warnings (W) and informational (I) findings are printed but do not fail
.venv/bin/cfn-lint --format parseable --non-zero-exit-code error -- "${files[@]}"
echo "cfn-lint: 0 errors in ${#files[@]} templates"
