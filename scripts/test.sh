#!/usr/bin/env bash
# The whole test suite, on a fresh machine: install; the steps of `projen build` (synth, jsii, API.md, runtime
# bundle, packages for JavaScript and Python with jsii-pacmak, Jest and eslint), with the end to end runs (the
# registry install and mlops-usecase, mlops-platform, Node 22 and 24) started as soon as the packages exist, beside
# Jest; after Jest, the analysis checks (benchmark, cfn-lint, flow mutation, tenancy, the Python tests against the
# wheel, checkov, the ML samples) beside the rest of the end to end runs.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="${JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION:-20}"
# each phase is announced with the time since the start, so that a CI log shows where the minutes go
T0=$SECONDS
log() { printf '\n==> [%dm%02ds] %s\n' $(((SECONDS - T0) / 60)) $(((SECONDS - T0) % 60)) "$*"; }

bash scripts/setup.sh
# jsii-pacmak's Python target needs python with setuptools/build/twine first on PATH
export PATH="$ROOT/.venv/bin:$ROOT/.tmp/awscli/bin:$PATH"

log "clean previous outputs"
rm -rf .cfn-templates dist lib .jsii tsconfig.tsbuildinfo

tree_state() { { git status --porcelain=v1 --untracked-files=all; git diff; } 2>/dev/null | sha256sum; }
before="$(tree_state)"

# Two lanes: the end to end runs from the packages on (beside Jest), the analysis checks after Jest (they read
# the templates Jest synthesized). Most of these checks are single-threaded, and the end to end runs wait on
# package installs. Neither lane writes what the other reads (node-lts builds in a copy of the sources). Each
# line of a lane is prefixed with its name; each lane runs to its end or its first failure, and the suite fails
# when either failed (or Jest, or the work-tree check).
analysis_checks() {
  # it reads lib/ of the build (BENCH_LIB=1); its times are printed, never judged
  log "synth benchmark, N = 1 and 10 (N = 100: bash bench/synth-bench.sh 1 10 100)"
  BENCH_LIB=1 bash bench/synth-bench.sh 1 10

  log "cfn-lint over every template the test suite synthesized"
  bash scripts/cfn-lint.sh

  log "flows: mutation run (each policy statement and security-group rule the flows rely on, removed one at a time)"
  npx ts-node --transpile-only --project tsconfig.dev.json test/flows/mutation.ts

  log "tenancy: every role of three use cases (weld-gun-pm, paint-defect, weld-gun) against each other's resources"
  npx ts-node --transpile-only --project tsconfig.dev.json test/tenancy/suite.ts

  log "python tests against the wheel in a fresh venv (includes the TS/Python parity of the reference app)"
  bash scripts/python-test.sh

  log "the framework image catalogue is what the pinned SageMaker SDK (sagemaker-core) lists"
  bash scripts/framework-images/check.sh

  log "checkov over every template of the platform and the sample use case with every extension"
  bash scripts/checkov.sh

  log "ML samples of the use-case template (scikit-learn, XGBoost): ruff, hadolint and pytest"
  bash scripts/ml-test.sh

  log "analysis checks passed"
}

end_to_end() {
  export ACTIONLINT="$ROOT/.tmp/gobin/actionlint" ACTIONLINT_REQUIRED=1

  log "end to end: the literal 'npx projen new --from @vw/mlops-blueprint mlops-usecase' against a local registry (verdaccio), then the mlops-usecase end to end there (build, nag, local pipeline and its parity guards, actionlint, re-synth)"
  bash scripts/e2e-registry.sh --skip-build

  log "end to end: projen new --from the packed library, mlops-platform"
  bash scripts/e2e-platform.sh

  log "Node.js LTS lines: build and mlops-usecase end to end on Node 22 and 24 (the suite above ran on $(node --version))"
  bash scripts/node-lts.sh

  log "end to end passed"
}

# lane NAME FUNCTION: runs the function with `set -e` in a subshell, each output line prefixed with [NAME]
lane() {
  local name="$1" fn="$2"
  ( set -euo pipefail; "$fn" ) 2>&1 | sed -u "s/^/[$name] /"
  return "${PIPESTATUS[0]}"
}
# `projen build` runs default, pre-compile, compile, post-compile, test and package; here the same steps run with
# package before test, so that the end to end lane, which needs only the packed library, runs beside Jest: its
# package installs and registry waits leave cores idle that Jest's workers use. `package` builds every target only
# when CI is unset; Jest runs with --ci whatever CI says (snapshots are never written).
log "projen: synth, jsii, docgen, runtime bundle, jsii-pacmak js + python"
for task in default pre-compile compile post-compile package; do CI= npx projen "$task"; done

lane e2e end_to_end &
e2e_pid=$!
failed=()

log "projen test: Jest and eslint (beside the end to end lane)"
if CI= npx projen test; then
  log "the build must not change the work tree (API.md, snapshots, projen-managed files are committed as built)"
  if [ "$(tree_state)" != "$before" ]; then
    git status --short
    echo "error: the build changed files in the work tree; run 'npx projen build' and commit the result" >&2
    failed+=(build)
  fi
else
  failed+=(jest)
fi
if [ ${#failed[@]} -eq 0 ]; then
  # in the background and then waited for, like the e2e lane: called in a `||` list, bash would run the lane with
  # `set -e` off (also inside its subshell), and a failing check would not stop it
  lane analysis analysis_checks &
  wait "$!" || failed+=(analysis)
fi
wait "$e2e_pid" || failed+=(e2e)
if [ ${#failed[@]} -gt 0 ]; then
  log "failed: ${failed[*]} (the lanes' lines are prefixed [analysis] and [e2e])"
  exit 1
fi

log "all tests passed"
