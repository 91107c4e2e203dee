#!/usr/bin/env bash
# End to end test of the mlops-usecase project type, as a user meets it:
#
#   1. pack the library (reuses dist/js's tarball when it is newer than lib/, assets/ and templates/)
#   2. `npx projen new --from "@vw/mlops-blueprint@file:<tarball>" mlops-usecase` in an empty directory
#      (with E2E_SAMPLE=xgboost: `... mlops-usecase --sample xgboost`, the XGBoost ML sample)
#   3. `npx projen build` in the generated repository (synth of every stack, Jest with cdk-nag, eslint)
#   4. `npx projen pipeline:local`: trains on the synthetic data; the evaluation report's F1 must pass
#      the pipeline's threshold, and the local registry must hold the new version
#   5. actionlint over .github/workflows ($ACTIONLINT, else on PATH, else .tmp/gobin/actionlint from
#      scripts/setup.sh; ACTIONLINT_REQUIRED=1 fails when there is none)
#   6. edit a sample file, change an option in .projenrc.ts, `npx projen`: the managed settings file
#      changes, the edit survives, and the app's test sees the new option
#
# One PASS/FAIL line per check with its time; exit 1 when any check failed. The generated repository
# is removed on success (KEEP=1 keeps it) and kept on failure.
#
#   bash scripts/e2e-usecase.sh               the whole test (the default ML sample, scikit-learn)
#   E2E_SAMPLE=xgboost bash scripts/e2e-usecase.sh    the same with the XGBoost sample
#   bash scripts/e2e-usecase.sh --pack-only   build and pack the library if needed; print the tarball path
#
# E2E_PROJECT_DIR=<dir>: the repository was scaffolded by the caller (scripts/e2e-registry.sh runs the
# literal `npx projen new --from @vw/mlops-blueprint mlops-usecase` against a local registry and checks it):
# steps 1 and 2 are the caller's, steps 3 to 6 run in <dir>, which is left to the caller.
# E2E_PARITY=0 leaves out the parity guards of step 4, E2E_RESYNTH=0 the re-synth of step 6 (bash
# scripts/node-lts.sh with the scikit-learn sample: both ran on the suite's Node); the summary prints them as SKIP.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
ROOT="$(pwd)"
# the ML sample of the generated repository (the option `sample`); the default needs no flag
SAMPLE="${E2E_SAMPLE:-sklearn}"
case "$SAMPLE" in
  sklearn) SAMPLE_FLAGS=() ;;
  xgboost) SAMPLE_FLAGS=(--sample "$SAMPLE") ;;
  *) echo "error: E2E_SAMPLE=$SAMPLE: write sklearn (the default) or xgboost" >&2; exit 2 ;;
esac
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="${JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION:-20}"
# projen new commits the generated repository: an identity for machines without one
export GIT_AUTHOR_NAME="${GIT_AUTHOR_NAME:-mlops-e2e}" GIT_AUTHOR_EMAIL="${GIT_AUTHOR_EMAIL:-mlops-e2e@example.com}"
export GIT_COMMITTER_NAME="${GIT_COMMITTER_NAME:-mlops-e2e}" GIT_COMMITTER_EMAIL="${GIT_COMMITTER_EMAIL:-mlops-e2e@example.com}"

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }

# --- packing ----------------------------------------------------------------------------------------
# newer_than FILE PATH...: true when FILE exists and no file under PATHs is newer
newer_than() {
  local file="$1"; shift
  [ -e "$file" ] || return 1
  [ -z "$(find "$@" -newer "$file" -type f -not -path '*/__pycache__/*' -not -path '*/.venv/*' -not -path '*_cache/*' 2>/dev/null | head -1)" ]
}

pack_library() {
  local tarball="$ROOT/dist/js/mlops-blueprint@0.0.0.jsii.tgz"
  if ! newer_than .jsii src package.json tsconfig.json; then
    echo "==> jsii (lib/, .jsii)" >&2
    npx jsii --silence-warnings=reserved-word >&2 || return 1
  fi
  if ! newer_than assets/runtime/cli/main.js src/runtime; then
    echo "==> bundle the runtime (assets/runtime)" >&2
    node scripts/bundle-runtime.mjs >&2 || return 1
  fi
  if ! newer_than "$tarball" .jsii lib assets bin templates package.json; then
    echo "==> jsii-pacmak --target js (dist/js)" >&2
    npx jsii-pacmak --target js >&2 || return 1
  fi
  find "$ROOT/dist/js" -name '*.jsii.tgz' | head -1
}

if [ "${1:-}" = "--pack-only" ]; then
  pack_library
  exit $?
fi

# --- checks -------------------------------------------------------------------------------------------
PASSED=0
FAILED=0
RESULTS=()
T_ALL=$(now)
LOGS="$(mktemp -d)"

# check NAME COMMAND...: runs the command (output to a log), prints PASS/FAIL with the time
check() {
  local name="$1"; shift
  local log
  log="$LOGS/$(echo "$name" | tr -c 'A-Za-z0-9' '_').log"
  local t0; t0=$(now)
  if "$@" >"$log" 2>&1; then
    PASSED=$((PASSED + 1)); RESULTS+=("PASS  $(since "$t0")  $name")
    echo "PASS  $(since "$t0")  $name"
    return 0
  fi
  FAILED=$((FAILED + 1)); RESULTS+=("FAIL  $(since "$t0")  $name")
  echo "FAIL  $(since "$t0")  $name (log: $log)"
  tail -40 "$log" | sed 's/^/      /'
  return 1
}

finish() {
  echo
  echo "e2e mlops-usecase (ML sample $SAMPLE): $(since "$T_ALL") in total"
  printf '  %s\n' "${RESULTS[@]}"
  echo "$PASSED passed, $FAILED failed"
  if [ "$FAILED" -gt 0 ]; then
    echo "the generated repository is kept in $WORK; logs in $LOGS"
    exit 1
  fi
  if [ -n "${E2E_PROJECT_DIR:-}" ]; then rm -rf "$LOGS" # the caller's directory, the caller's to remove
  elif [ "${KEEP:-}" = "1" ]; then echo "kept: $WORK"; else rm -rf "$(dirname "$WORK")" "$LOGS"; fi
  exit 0
}

TARBALL=""
if [ -n "${E2E_PROJECT_DIR:-}" ]; then
  WORK="$(cd "$E2E_PROJECT_DIR" && pwd)" || { echo "error: E2E_PROJECT_DIR=$E2E_PROJECT_DIR is not a directory" >&2; exit 2; }
  [ -f "$WORK/.projenrc.ts" ] || { echo "error: E2E_PROJECT_DIR=$WORK holds no generated repository (.projenrc.ts)" >&2; exit 2; }
  cd "$WORK" || exit 1
  echo "the repository the caller scaffolded: $WORK"
else
  pack() { TARBALL="$(pack_library)" && [ -f "$TARBALL" ]; }
  check "pack the library (jsii, runtime bundle, jsii-pacmak js; reused when up to date)" pack || finish

  WORK="$(mktemp -d)/weld-gun-pm"
  mkdir -p "$WORK"
  cd "$WORK" || exit 1

  scaffold() {
    # as on a workstation: with CI set, projen new installs with `npm ci`, which needs the lockfile that a
    # brand-new repository does not have yet (the builds below run with the caller's CI, lockfile in place)
    env -u CI npx --yes projen new --from "@vw/mlops-blueprint@file:$TARBALL" mlops-usecase "${SAMPLE_FLAGS[@]}" || return 1
    for f in .projenrc.ts src/main.ts src/pipeline.ts src/usecase-settings.ts test/main.test.ts platform.json \
             ml/src/train.py ml/requirements.txt smoke-test/sample.json .github/workflows/train.yml .github/workflows/pull-request.yml; do
      [ -f "$f" ] || { echo "missing: $f"; return 1; }
    done
    # the library is a runtime dependency with the exact spec projen new was given
    node -e '
      const pkg = require("./package.json");
      const want = "file:" + process.argv[1];
      if (pkg.dependencies["@vw/mlops-blueprint"] !== want) throw new Error(`dependencies["@vw/mlops-blueprint"] is ${pkg.dependencies["@vw/mlops-blueprint"]}, not ${want}`);
      if ((pkg.devDependencies || {})["@vw/mlops-blueprint"]) throw new Error("the library is still a devDependency");
    ' "$TARBALL" || return 1
    # the ML sample: its estimator and requirements; the option stays in .projenrc.ts for every later synth
    if [ "$SAMPLE" = xgboost ]; then
      grep -qx 'xgboost-cpu==[0-9.]*' ml/requirements.txt || { echo "ml/requirements.txt does not pin xgboost-cpu"; return 1; }
      grep -q '^from xgboost import XGBClassifier$' ml/src/estimator.py || { echo "ml/src/estimator.py does not use XGBClassifier"; return 1; }
      grep -q 'sample: UseCaseSample.XGBOOST,' .projenrc.ts || { echo ".projenrc.ts does not set sample: UseCaseSample.XGBOOST"; return 1; }
    else
      grep -q 'HistGradientBoostingClassifier' ml/src/estimator.py || { echo "ml/src/estimator.py is not the scikit-learn sample's"; return 1; }
      ! grep -qi xgboost ml/requirements.txt || { echo "ml/requirements.txt of the scikit-learn sample holds xgboost"; return 1; }
    fi
    echo "ML sample $SAMPLE: $(grep -E '^(scikit-learn|xgboost-cpu)==' ml/requirements.txt | tr '\n' ' ')"
  }
  check "npx projen new --from @vw/mlops-blueprint@file:<tarball> mlops-usecase ${SAMPLE_FLAGS[*]:-(no flags)} (empty directory; ML sample $SAMPLE)" scaffold || finish
fi

build() {
  npx projen build || return 1
  # what pull-request.yml checks after its build: no generated file changed (the picture may)
  git add --intent-to-add --all && git diff --exit-code --stat -- . ':!docs/architecture.md' ':!README.md'
}
check "npx projen build (synth of every stack, Jest with cdk-nag, eslint; no generated file changed)" build

local_pipeline() {
  npx projen pipeline:local || return 1
  # the evaluation report the Evaluate step wrote, against the threshold of the definition
  node -e '
    const fs = require("fs");
    const report = JSON.parse(fs.readFileSync(".mlops-local/run/Evaluate/opt/ml/processing/evaluation/evaluation.json", "utf-8"));
    const f1 = report.binary_classification_metrics.f1.value;
    const definition = JSON.parse(fs.readFileSync(".mlops-local/pipeline.json", "utf-8"));
    const threshold = definition.Parameters.find((p) => p.Name === "F1Threshold").DefaultValue;
    const registry = JSON.parse(fs.readFileSync(".mlops-local/registry.json", "utf-8"));
    const last = registry[registry.length - 1];
    console.log(`f1 ${f1} >= threshold ${threshold}; registered ${last.modelPackageGroupName} version ${last.modelPackageVersion} (${last.approvalStatus})`);
    if (!(typeof f1 === "number" && f1 >= threshold)) throw new Error(`f1 ${f1} does not pass the threshold ${threshold}`);
    if (last.approvalStatus !== "PendingManualApproval" || !fs.existsSync(last.modelDataUrl)) throw new Error("no registered model version");
  '
}
check "npx projen pipeline:local (trains on synthetic data; evaluation.json F1 >= the threshold; version registered)" local_pipeline

# pipeline:local refuses what the cloud would not run: the image of every step is the use case's own,
# by digest; a Dockerfile on another Python minor, a package installed beside ml/requirements.txt, and
# AWS's scikit-learn 1.2-1 framework image (Python 3.9) for this code each fail it, naming both sides
refuse_pipeline_local() { # WHAT PATTERN...: pipeline:local must fail, its output holding each pattern
  local what="$1"; shift
  if npx projen pipeline:local > "$LOGS/parity.out" 2>&1; then echo "pipeline:local passed with $what"; return 1; fi
  for p in "$@"; do
    grep -qF -- "$p" "$LOGS/parity.out" || { echo "pipeline:local with $what: no \"$p\" in its output:"; tail -20 "$LOGS/parity.out"; return 1; }
  done
  echo "refused $what: $(grep -F -- "$1" "$LOGS/parity.out" | head -1)"
}
parity_guards() {
  node -e '
    const d = JSON.parse(require("fs").readFileSync(".mlops-local/pipeline.json", "utf-8"));
    const images = JSON.stringify(d).match(/"(ImageUri|TrainingImage|Image)":"[^"]*"/g) || [];
    const own = /\/vwml\/usecase\/[a-z0-9-]+@sha256:[0-9a-f]{64}"$/;
    if (images.length < 4 || !images.every((i) => own.test(i))) throw new Error(`the steps do not all run the use case image: ${images.join(", ")}`);
    console.log(`${images.length} images in the definition, each the use case image by digest`);
  ' || return 1
  grep -l '"ImageDigest"' cdk.out/*.template.json | grep -qi training || { echo "the training template has no ImageDigest parameter"; return 1; }
  cp ml/Dockerfile "$LOGS/Dockerfile.orig" && cp src/pipeline.ts "$LOGS/pipeline.ts.orig"
  sed -i 's#python:3\.11-slim@#python:3.12-slim@#' ml/Dockerfile
  refuse_pipeline_local "a Dockerfile on Python 3.12" "builds on Python 3.12" "the local run uses Python 3.11" || return 1
  cp "$LOGS/Dockerfile.orig" ml/Dockerfile
  echo 'RUN python3 -m pip install --no-cache-dir xgboost==2.1.4' >> ml/Dockerfile
  refuse_pipeline_local "a package installed beside ml/requirements.txt" "installs xgboost==2.1.4 beside ml/requirements.txt" || return 1
  cp "$LOGS/Dockerfile.orig" ml/Dockerfile
  sed -i "s#imageUri: \`\${names.imageRepositoryUri}@sha256:\${'0'.repeat(64)}\`,#imageUri: '492215442770.dkr.ecr.eu-central-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3',#" src/pipeline.ts
  grep -q "sagemaker-scikit-learn:1.2-1-cpu-py3" src/pipeline.ts || { echo "could not set the framework image in src/pipeline.ts"; return 1; }
  refuse_pipeline_local "AWS's scikit-learn 1.2-1 image" "has Python 3.9, the code in ml" "needs Python" || return 1
  cp "$LOGS/pipeline.ts.orig" src/pipeline.ts
}
PARITY_CHECK="pipeline:local: every step runs the use case image by digest; another Python minor, a package beside requirements.txt, the scikit-learn 1.2-1 image (Python 3.9) are refused"
if [ "${E2E_PARITY:-1}" = "0" ]; then
  RESULTS+=("SKIP  $PARITY_CHECK (E2E_PARITY=0)"); echo "SKIP  $PARITY_CHECK (E2E_PARITY=0)"
else
  check "$PARITY_CHECK" parity_guards
fi

ACTIONLINT_BIN="${ACTIONLINT:-$(command -v actionlint || true)}"
# scripts/setup.sh installs it here
[ -z "$ACTIONLINT_BIN" ] && [ -x "$ROOT/.tmp/gobin/actionlint" ] && ACTIONLINT_BIN="$ROOT/.tmp/gobin/actionlint"
if [ -n "$ACTIONLINT_BIN" ] && [ -x "$ACTIONLINT_BIN" ]; then
  check "actionlint .github/workflows/*.yml ($("$ACTIONLINT_BIN" --version | head -1))" "$ACTIONLINT_BIN" -color=false .github/workflows/*.yml
elif [ "${ACTIONLINT_REQUIRED:-}" = "1" ]; then
  check "actionlint (ACTIONLINT_REQUIRED=1, but no actionlint on PATH or at \$ACTIONLINT)" false
else
  echo "SKIP  actionlint: not on PATH and \$ACTIONLINT is not set (ACTIONLINT_REQUIRED=1 makes this a failure)"
fi

resynth() {
  cp src/usecase-settings.ts "$LOGS/settings.before"
  printf '\n// a line the user added\n' >> src/main.ts
  printf '\nNotes of the team.\n' >> README.md
  # an option changed in .projenrc.ts
  node -e '
    const fs = require("fs");
    const rc = fs.readFileSync(".projenrc.ts", "utf-8");
    const changed = rc.replace(/(\n\s*name: [^\n]*\n)/, "$1  prodSettings: { minCapacity: 3, maxCapacity: 6 },\n");
    if (changed === rc) throw new Error("cannot find name: in .projenrc.ts");
    fs.writeFileSync(".projenrc.ts", changed);
  ' || return 1
  npx projen || return 1
  if [ "$SAMPLE" = xgboost ] && ! grep -qx 'xgboost-cpu==[0-9.]*' ml/requirements.txt; then echo "the re-synth lost the XGBoost sample"; return 1; fi
  if cmp -s "$LOGS/settings.before" src/usecase-settings.ts; then echo "src/usecase-settings.ts did not change"; return 1; fi
  grep -q 'minCapacity: 3,' src/usecase-settings.ts || { echo "minCapacity: 3 is not in src/usecase-settings.ts"; return 1; }
  tail -1 src/main.ts | grep -q '// a line the user added' || { echo "the edit of src/main.ts was lost"; return 1; }
  grep -q 'Notes of the team.' README.md || { echo "the edit of README.md was lost"; return 1; }
  # the app and its test see the new option (PROD's scalable target: min 3)
  npx jest test/main.test.ts --coverage=false
}
RESYNTH_CHECK="edit src/main.ts and README.md, set prodSettings in .projenrc.ts, npx projen: settings regenerated, edits kept, app test passes"
if [ "${E2E_RESYNTH:-1}" = "0" ]; then
  RESULTS+=("SKIP  $RESYNTH_CHECK (E2E_RESYNTH=0)"); echo "SKIP  $RESYNTH_CHECK (E2E_RESYNTH=0)"
else
  check "$RESYNTH_CHECK" resynth
fi

finish
