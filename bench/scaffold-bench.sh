#!/usr/bin/env bash
# Benchmark (prints numbers; not a test): wall time of scaffolding and building an `mlops-usecase`
# repository from the packed library, next to a bare `npx projen new awscdk-app-ts` and its build,
# measured in the same run on the same machine (npm's cache is shared: the first scaffold warms it
# for the packages both have in common, so the bare app runs first, ours second).
#
#   bash bench/scaffold-bench.sh     (KEEP=1 keeps the two repositories)
set -euo pipefail
cd "$(dirname "$0")/.."
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="${JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION:-20}"
export GIT_AUTHOR_NAME="${GIT_AUTHOR_NAME:-bench}" GIT_AUTHOR_EMAIL="${GIT_AUTHOR_EMAIL:-bench@example.com}"
export GIT_COMMITTER_NAME="${GIT_COMMITTER_NAME:-bench}" GIT_COMMITTER_EMAIL="${GIT_COMMITTER_EMAIL:-bench@example.com}"

TARBALL="$(bash scripts/e2e-usecase.sh --pack-only)"
BASE="$(mktemp -d)"
LOGS="$BASE/logs"
mkdir -p "$LOGS"

# timed LABEL DIR COMMAND...: runs the command in DIR, prints and records the seconds
declare -A SECONDS_OF
timed() {
  local label="$1" dir="$2"; shift 2
  local t0 t1
  t0=$(date +%s.%N)
  if ! (cd "$dir" && "$@") >"$LOGS/$label.log" 2>&1; then
    echo "$label failed (log: $LOGS/$label.log)" >&2
    tail -30 "$LOGS/$label.log" >&2
    exit 1
  fi
  t1=$(date +%s.%N)
  SECONDS_OF[$label]=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
  echo "  $label: ${SECONDS_OF[$label]} s" >&2
}

mkdir -p "$BASE/bare-app" "$BASE/weld-gun-pm"
echo "bare awscdk-app-ts:" >&2
# projen new runs with CI unset, as on a workstation: with CI set it installs with `npm ci`, which needs
# a lockfile that a brand-new repository does not have yet (true of every projen project type)
timed bare-new "$BASE/bare-app" env -u CI npx --yes projen new awscdk-app-ts
timed bare-build "$BASE/bare-app" npx projen build
echo "mlops-usecase:" >&2
timed usecase-new "$BASE/weld-gun-pm" env -u CI npx --yes projen new --from "@vw/mlops-blueprint@file:$TARBALL" mlops-usecase
timed usecase-build "$BASE/weld-gun-pm" npx projen build

projen_version="$(cd "$BASE/weld-gun-pm" && node -p 'require("projen/package.json").version')"
cdk_version="$(cd "$BASE/weld-gun-pm" && node -p 'require("aws-cdk-lib/package.json").version')"
stacks() { find "$1/cdk.out" -maxdepth 1 -name '*.template.json' | wc -l; }
echo
echo "scaffold + build wall time (s), $(nproc) cores, projen $projen_version, aws-cdk-lib $cdk_version"
printf '%-28s %10s %10s %10s %8s\n' project "projen new" build total stacks
for p in bare usecase; do
  name=$([ "$p" = bare ] && echo "awscdk-app-ts (bare)" || echo "mlops-usecase")
  dir=$([ "$p" = bare ] && echo "$BASE/bare-app" || echo "$BASE/weld-gun-pm")
  new=${SECONDS_OF[$p-new]}
  build=${SECONDS_OF[$p-build]}
  printf '%-28s %10s %10s %10s %8s\n' "$name" "$new" "$build" "$(awk -v a="$new" -v b="$build" 'BEGIN { printf "%.1f", a + b }')" "$(stacks "$dir")"
done
if [ "${KEEP:-}" = "1" ]; then echo "kept: $BASE"; else rm -rf "$BASE"; fi
