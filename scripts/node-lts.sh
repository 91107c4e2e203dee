#!/usr/bin/env bash
# The library on the Node.js LTS lines besides the minimum the whole suite runs on (Node 20): for each
# version, the Node binary from the npm package `node@<version>` (cached in .tmp/node<major>), then
#
#   1. a build of the library with that Node: jsii (TypeScript -> lib/ + .jsii) and the runtime bundle
#   2. the mlops-usecase end to end with that Node (scripts/e2e-usecase.sh: pack, `projen new --from`,
#      `projen build` of the generated repository with its synth, Jest and cdk-nag, the local pipeline,
#      actionlint, re-synth; the parity guards and the re-synth only with the XGBoost sample, the suite ran them
#      with scikit-learn);
#      on Node 24 with the XGBoost ML sample (`--sample xgboost`), so that each
#      sample runs end to end once more without another run (E2E_SAMPLE=sklearn|xgboost sets it for all)
#
# Both run in a copy of the sources (.tmp/node-lts-src: the tracked and the untracked, not ignored files, with
# node_modules linked): the build writes lib/, .jsii, assets/runtime and dist/js there, never here, so that the
# checks running beside this script (scripts/test.sh runs it in parallel with the analysis checks) read the
# suite's own build.
#
#   bash scripts/node-lts.sh            Node 22 and 24 (the versions below)
#   bash scripts/node-lts.sh 24.21.0    one version
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
VERSIONS=("$@")
[ ${#VERSIONS[@]} -gt 0 ] || VERSIONS=(22.23.3 24.21.0)

COPY="$ROOT/.tmp/node-lts-src"
printf '\n==> a copy of the sources in %s\n' "${COPY#"$ROOT"/}"
rm -rf "$COPY" && mkdir -p "$COPY"
git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
  # a deleted but still tracked file is not copied
  [ -e "$f" ] && printf '%s\0' "$f"
done | xargs -0 cp --parents -t "$COPY"
ln -s "$ROOT/node_modules" "$COPY/node_modules"

for version in "${VERSIONS[@]}"; do
  major="${version%%.*}"
  dir="$ROOT/.tmp/node$major"
  if [ ! -x "$dir/node_modules/node/bin/node" ] || [ "$("$dir/node_modules/node/bin/node" --version)" != "v$version" ]; then
    printf '\n==> npm install node@%s (.tmp/node%s)\n' "$version" "$major"
    rm -rf "$dir"
    npm install --no-save --no-audit --no-fund --prefix "$dir" "node@$version" >/dev/null
  fi
  (
    # npm and npx are scripts run by the first `node` on PATH: they, jsii, projen and Jest all use this Node
    export PATH="$dir/node_modules/node/bin:$PATH"
    # jsii warns on Node versions it has not been tested with; the warning is not an error
    export JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION=1
    cd "$COPY"
    actual="$(node --version)"
    [ "$actual" = "v$version" ] || { echo "error: node on PATH is $actual, expected v$version" >&2; exit 1; }
    printf '\n==> Node %s: build (jsii, runtime bundle)\n' "$actual"
    npx jsii --silence-warnings=reserved-word
    node scripts/bundle-runtime.mjs
    sample="${E2E_SAMPLE:-$([ "$major" = 24 ] && echo xgboost || echo sklearn)}"
    printf '\n==> Node %s: mlops-usecase end to end, ML sample %s\n' "$actual" "$sample"
    # the parity guards check the Python side of pipeline:local: with the scikit-learn sample they ran on the
    # suite's Node (scripts/e2e-registry.sh); with the XGBoost sample they run here. So does the re-synth (an
    # edited .projenrc.ts, `npx projen`, the edits kept), which also checks that the XGBoost sample survives it.
    parity="${E2E_PARITY:-$([ "$sample" = sklearn ] && echo 0 || echo 1)}"
    resynth="${E2E_RESYNTH:-$parity}"
    E2E_SAMPLE="$sample" E2E_PARITY="$parity" E2E_RESYNTH="$resynth" bash scripts/e2e-usecase.sh
  )
done
