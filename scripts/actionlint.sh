#!/usr/bin/env bash
# Runs actionlint over GitHub Actions workflow directories (or single workflow files).
#
#   scripts/actionlint.sh DIR_OR_FILE...
#
# The binary is $ACTIONLINT, else `actionlint` on PATH. Install one with Go, for example:
#   GOBIN=/tmp/gobin go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.12
#   ACTIONLINT=/tmp/gobin/actionlint scripts/actionlint.sh .github/workflows
# Exit codes: 0 no problem, 1 problems found (or actionlint failed), 2 usage error or actionlint missing.
set -euo pipefail

if [ $# -eq 0 ]; then
  echo "usage: $0 WORKFLOW_DIR_OR_FILE..." >&2
  exit 2
fi

LINTER="${ACTIONLINT:-}"
if [ -z "$LINTER" ]; then
  LINTER="$(command -v actionlint || true)"
fi
if [ -z "$LINTER" ] || [ ! -x "$LINTER" ]; then
  echo "error: actionlint not found (ACTIONLINT='${ACTIONLINT:-}', and none on PATH)." >&2
  echo "       install it: GOBIN=/tmp/gobin go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.12" >&2
  echo "       then run:   ACTIONLINT=/tmp/gobin/actionlint $0 $*" >&2
  exit 2
fi

files=()
for arg in "$@"; do
  if [ -d "$arg" ]; then
    while IFS= read -r f; do files+=("$f"); done < <(find "$arg" -maxdepth 1 -type f \( -name '*.yml' -o -name '*.yaml' \) | sort)
  elif [ -f "$arg" ]; then
    files+=("$arg")
  else
    echo "error: $arg is neither a directory nor a file" >&2
    exit 2
  fi
done
if [ ${#files[@]} -eq 0 ]; then
  echo "error: no workflow files (*.yml, *.yaml) in: $*" >&2
  exit 2
fi

echo "actionlint $("$LINTER" -version 2>/dev/null | head -n 1) over ${#files[@]} workflow file(s):"
printf '  %s\n' "${files[@]}"
# When shellcheck is on PATH, actionlint runs it over every run: script. Its warnings and errors fail the
# check; info and style notes do not (projen's own build.yml and upgrade.yml write `>> $GITHUB_OUTPUT`
# unquoted, SC2086 info). Set SHELLCHECK_OPTS (e.g. --severity=style) to be stricter.
export SHELLCHECK_OPTS="${SHELLCHECK_OPTS:---severity=warning}"
if command -v shellcheck >/dev/null 2>&1; then
  echo "with $(shellcheck --version | sed -n 's/^version: /shellcheck /p') (SHELLCHECK_OPTS=$SHELLCHECK_OPTS)"
else
  echo "without shellcheck (not on PATH): run: scripts are not checked"
fi
# ACTIONLINT_FLAGS: extra flags, split on whitespace on purpose
# shellcheck disable=SC2086
"$LINTER" ${ACTIONLINT_FLAGS:-} "${files[@]}"
echo "actionlint: no problems"
