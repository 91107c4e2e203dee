#!/usr/bin/env bash
# End-to-end test of the mlops-platform project type, as a user runs it:
#
#   1. the packed library (dist/js/mlops-blueprint@0.0.0.jsii.tgz; built when missing or older than
#      src/, templates/, bin/ or lib/)
#   2. in an EMPTY temporary directory: npx projen new --from "@vw/mlops-blueprint@file:<abs tarball>" mlops-platform
#   3. npx projen build in the generated repository (compile, cdk synth of the six stacks, tests with cdk-nag, eslint)
#   4. npx projen bootstrap prints the six cdk bootstrap commands and writes the policy documents
#   5. the stack names of the deploy workflow select the six stacks of the app (npx cdk ls <names>)
#   6. actionlint over the generated workflows (skipped when actionlint is missing, unless ACTIONLINT_REQUIRED=1)
#
# Prints PASS/FAIL per check with its time, and exits non-zero when any check failed.
#
# Environment:
#   E2E_DIR=DIR            generate into DIR (must be empty or absent) instead of a new temporary directory
#   E2E_KEEP=1             keep the generated repository (it is kept anyway when a check failed)
#   E2E_PROJEN=SPEC        the projen that runs `projen new` (default: projen@0.103, the latest 0.103.x)
#   ACTIONLINT=PATH        the actionlint binary (default: actionlint on PATH)
#   ACTIONLINT_REQUIRED=1  fail instead of skipping when actionlint is missing
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
ROOT="$(pwd)"
TARBALL="$ROOT/dist/js/mlops-blueprint@0.0.0.jsii.tgz"
PROJEN_SPEC="${E2E_PROJEN:-projen@0.103}"
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="${JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION:-20}"
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED="${AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED:-true}"
# projen new makes the first commit of the generated repository
export GIT_AUTHOR_NAME="${GIT_AUTHOR_NAME:-e2e}" GIT_AUTHOR_EMAIL="${GIT_AUTHOR_EMAIL:-e2e@example.com}"
export GIT_COMMITTER_NAME="${GIT_COMMITTER_NAME:-e2e}" GIT_COMMITTER_EMAIL="${GIT_COMMITTER_EMAIL:-e2e@example.com}"
# the generated repository must not see this repository's CI settings or npm prefix
unset npm_config_prefix npm_config_local_prefix

if [ -n "${E2E_DIR:-}" ]; then
  WORK="$E2E_DIR"
  mkdir -p "$WORK"
  if [ -n "$(ls -A "$WORK")" ]; then
    echo "error: E2E_DIR=$WORK is not empty; projen new needs an empty directory" >&2
    exit 2
  fi
else
  WORK="$(mktemp -d "${TMPDIR:-/tmp}/mlops-platform-e2e.XXXXXX")"
fi
WORK="$(cd "$WORK" && pwd)"
APP="$WORK/platform"
LOGS="$WORK/logs"
mkdir -p "$APP" "$LOGS"

declare -a RESULTS=()
FAILED=0
TOTAL_START=$(date +%s)

# check NAME COMMAND...: runs the command with its output in logs/NAME.log, records PASS/FAIL and the time
check() {
  local name="$1"; shift
  local log="$LOGS/$name.log"
  local start end status
  start=$(date +%s)
  echo "==> $name: $*"
  "$@" >"$log" 2>&1
  status=$?
  end=$(date +%s)
  if [ $status -eq 0 ]; then
    RESULTS+=("PASS  $(printf '%4ss' $((end - start)))  $name")
    echo "    PASS ($((end - start))s)"
  else
    RESULTS+=("FAIL  $(printf '%4ss' $((end - start)))  $name (exit $status, log: $log)")
    FAILED=1
    echo "    FAIL ($((end - start))s, exit $status); last lines of $log:"
    tail -n 40 "$log" | sed 's/^/    | /'
  fi
  return $status
}

skip() {
  RESULTS+=("SKIP     -   $1 ($2)")
  echo "==> $1: SKIP ($2)"
}

summary() {
  local total=$(( $(date +%s) - TOTAL_START ))
  echo
  echo "e2e mlops-platform (generated repository: $APP)"
  for r in "${RESULTS[@]}"; do echo "  $r"; done
  echo "  total ${total}s"
  if [ $FAILED -ne 0 ]; then
    echo "e2e: FAIL (the generated repository and logs are kept in $WORK)"
  else
    echo "e2e: PASS"
    if [ "${E2E_KEEP:-0}" != "1" ] && [ -z "${E2E_DIR:-}" ]; then rm -rf "$WORK"; fi
  fi
}
trap summary EXIT

# --- 1. the packed library -------------------------------------------------------------------------
tarball_is_stale() {
  [ -f "$TARBALL" ] || return 0
  [ -d lib ] || return 0
  [ -n "$(find src templates bin lib -newer "$TARBALL" -type f -print -quit 2>/dev/null)" ]
}
build_tarball() {
  # compile (jsii), the bundled CLI the bootstrap task runs (assets/runtime), then the npm package
  npx projen compile && npx projen bundle:runtime && npx projen package:js && [ -f "$TARBALL" ]
}
if tarball_is_stale; then
  check "pack-library" build_tarball || exit 1
else
  RESULTS+=("PASS     -   pack-library (up to date: $TARBALL)")
fi

# --- 2. projen new in an empty directory -------------------------------------------------------------
projen_new() {
  # with CI set, projen new installs with `npm ci`, which needs a lockfile a new repository does not have
  cd "$APP" && env -u CI npx --yes "$PROJEN_SPEC" new --from "@vw/mlops-blueprint@file:$TARBALL" mlops-platform
}
check "projen-new" projen_new || exit 1

expect_files() {
  local missing=0
  for f in .projenrc.ts platform.json src/main.ts test/main.test.ts README.md \
    .github/workflows/build.yml .github/workflows/deploy.yml; do
    if [ ! -f "$APP/$f" ]; then echo "missing: $f"; missing=1; fi
  done
  # the library is a runtime dependency with the exact spec projen new was given
  # shellcheck disable=SC2016
  node -e '
    const pkg = require(process.argv[1] + "/package.json");
    const want = "file:" + process.argv[2];
    const got = (pkg.dependencies || {})["@vw/mlops-blueprint"];
    if (got !== want) { console.error(`dependencies["@vw/mlops-blueprint"] is ${got}, expected ${want}`); process.exit(1); }
    for (const d of ["aws-cdk-lib", "cdk-nag", "constructs"]) {
      if (!(pkg.dependencies || {})[d]) { console.error(`${d} is not a dependency`); process.exit(1); }
    }
    console.log("dependencies:", JSON.stringify(pkg.dependencies));
  ' "$APP" "$TARBALL" || missing=1
  return $missing
}
check "generated-files" expect_files

# --- 3. npx projen build ---------------------------------------------------------------------------
projen_build() {
  cd "$APP" && npx projen build && ls cdk.out/*.template.json
}
check "projen-build" projen_build

# --- 4. npx projen bootstrap ------------------------------------------------------------------------
projen_bootstrap() {
  cd "$APP" || return 1
  npx projen bootstrap > "$LOGS/bootstrap.out" 2>&1 || { cat "$LOGS/bootstrap.out"; return 1; }
  cat "$LOGS/bootstrap.out"
  local commands policies
  commands=$(grep -c '^npx cdk bootstrap aws://[0-9]\{12\}/' "$LOGS/bootstrap.out")
  policies=$(find bootstrap -maxdepth 1 -name '*-cfn-exec-policy.json' 2>/dev/null | wc -l)
  echo "bootstrap commands printed: $commands, policy documents written: $policies"
  [ "$commands" -eq 6 ] && [ "$policies" -eq 6 ] && [ -x bootstrap/bootstrap.sh ]
}
check "projen-bootstrap" projen_bootstrap

# --- 5. the workflow's stack names select the app's stacks -------------------------------------------
stacks_selectable() {
  cd "$APP" || return 1
  # the six platform stacks by construct path, then each account's onboarding stacks by a quoted glob
  # ('Platform/UseCase-*/Exp'), as the workflow's shell gets them (without the quotes, never expanded)
  local -a names=() platform=() onboarding=()
  mapfile -t names < <(grep -o 'npx cdk deploy [^ ]*' .github/workflows/deploy.yml | awk '{print $4}' | tr -d "'")
  echo "deploy workflow stacks: ${names[*]}"
  local n
  for n in "${names[@]}"; do
    case "$n" in *'*'*) onboarding+=("$n") ;; *) platform+=("$n") ;; esac
  done
  [ "${#platform[@]}" -eq 6 ] || { echo "expected 6 platform deploy jobs, found ${#platform[@]}"; return 1; }
  npx cdk ls "${names[@]}" > "$LOGS/cdk-ls.out" 2>&1 || { cat "$LOGS/cdk-ls.out"; return 1; }
  cat "$LOGS/cdk-ls.out"
  [ "$(grep -c 'platform-' "$LOGS/cdk-ls.out")" -eq 6 ] || { echo "expected the 6 platform stacks"; return 1; }
  # each glob selected at least one onboarding stack (the sample lists one use case, onboarded in every account)
  for n in "${onboarding[@]}"; do
    grep -qE "^${n//\*/[^/ ]*}( |$)" "$LOGS/cdk-ls.out" || { echo "$n selects no stack"; return 1; }
  done
}
check "deploy-stack-names" stacks_selectable

# --- 6. actionlint ---------------------------------------------------------------------------------
LINTER="${ACTIONLINT:-$(command -v actionlint || true)}"
if [ -n "$LINTER" ] && [ -x "$LINTER" ]; then
  check "actionlint" env ACTIONLINT="$LINTER" bash "$ROOT/scripts/actionlint.sh" "$APP/.github/workflows"
  "$LINTER" -version 2>/dev/null | head -n 1 | sed 's/^/    actionlint /'
elif [ "${ACTIONLINT_REQUIRED:-0}" = "1" ]; then
  RESULTS+=("FAIL     -   actionlint (not found: set ACTIONLINT or put actionlint on PATH)")
  FAILED=1
else
  skip "actionlint" "not found; set ACTIONLINT=/path/to/actionlint, or ACTIONLINT_REQUIRED=1 to fail"
fi

[ $FAILED -eq 0 ]
