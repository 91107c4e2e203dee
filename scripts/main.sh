#!/usr/bin/env bash
# The main job on built-in defaults, no AWS account needed: a new ML use case from nothing to a
# registered model, the way a team starts one.
#
#   1. install (scripts/setup.sh), build and pack the library (reused when up to date)
#   2. scaffold the sample use case from the packed tarball in an empty temporary directory:
#      npx projen new --from "@vw/mlops-blueprint@file:<tarball>" mlops-usecase
#   3. npx projen build in it: synth of the five stacks (EXP, RES, DEV, INT, PROD), Jest with cdk-nag
#   4. npx projen pipeline:local: the use case's own SageMaker pipeline on this machine, on synthetic data
#   5. a summary: stacks per account, resources per stack, the cdk-nag result, the model's F1 against
#      the quality gate and the registered version
#
# Exit 0 when everything passed. The generated repository is removed (KEEP=1 keeps it; it is kept on
# failure). Output of the long steps goes to log files, whose tail is printed when a step fails.
set -euo pipefail
cd "$(dirname "$0")/.."
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="${JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION:-20}"
export GIT_AUTHOR_NAME="${GIT_AUTHOR_NAME:-mlops-main}" GIT_AUTHOR_EMAIL="${GIT_AUTHOR_EMAIL:-mlops-main@example.com}"
export GIT_COMMITTER_NAME="${GIT_COMMITTER_NAME:-mlops-main}" GIT_COMMITTER_EMAIL="${GIT_COMMITTER_EMAIL:-mlops-main@example.com}"

START=$(date +%s.%N)
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }
LOGS="$(mktemp -d)"
WORK=""

# step NAME COMMAND...: runs the command with its output in a log; on failure, the log's tail and exit 1
step() {
  local name="$1"; shift
  local log; log="$LOGS/$(echo "$name" | tr -c 'A-Za-z0-9' '_' | cut -c1-60).log"
  local t0; t0=$(now)
  printf '==> %s ... ' "$name"
  if "$@" >"$log" 2>&1; then
    echo "ok in $(since "$t0")"
  else
    echo "FAILED after $(since "$t0") (log: $log)"
    tail -60 "$log" | sed 's/^/    /'
    [ -n "$WORK" ] && echo "the generated repository is kept in $WORK"
    exit 1
  fi
}

if [ -L node_modules ]; then
  # a work tree whose node_modules links to a shared install: `npm ci` would empty the shared folder
  echo "==> install: node_modules links to a shared install ($(readlink node_modules)); scripts/setup.sh skipped"
else
  step "install (scripts/setup.sh)" bash scripts/setup.sh
fi
TARBALL_FILE="$LOGS/tarball"
step "build and pack the library (jsii, runtime bundle, jsii-pacmak js)" sh -c "bash scripts/e2e-usecase.sh --pack-only > '$TARBALL_FILE'"
TARBALL="$(cat "$TARBALL_FILE")"

WORK="$(mktemp -d)/weld-gun-pm"
mkdir -p "$WORK"
cd "$WORK"
# projen new runs as on a workstation: with CI set, it installs with `npm ci`, which needs the lockfile
# that a brand-new repository does not have yet
step "scaffold: npx projen new --from @vw/mlops-blueprint@file:$(basename "$TARBALL") mlops-usecase" \
  env -u CI npx --yes projen new --from "@vw/mlops-blueprint@file:$TARBALL" mlops-usecase
step "npx projen build (synth, Jest with cdk-nag, eslint)" npx projen build
step "npx projen pipeline:local (the pipeline of src/pipeline.ts on synthetic data)" npx projen pipeline:local

# the summary: cdk.out of the build, cdk-nag over the app (ComplianceCheck), the local run's files
cat > "$LOGS/summary.ts" <<'EOF'
import * as fs from 'fs';
import * as path from 'path';
import { ComplianceCheck } from '@vw/mlops-blueprint';
import { App } from 'aws-cdk-lib';
import { addUseCase } from './src/main';

const manifest = JSON.parse(fs.readFileSync('cdk.out/manifest.json', 'utf-8'));
const stacks = Object.entries<any>(manifest.artifacts)
  .filter(([, a]) => a.type === 'aws:cloudformation:stack')
  .map(([, a]) => {
    const template = JSON.parse(fs.readFileSync(path.join('cdk.out', a.properties.templateFile), 'utf-8'));
    const [account, region] = String(a.environment).replace('aws://', '').split('/');
    return {
      name: a.properties.stackName as string,
      role: String(a.properties.tags?.['mlops:account'] ?? '?').toUpperCase(),
      account,
      region,
      resources: Object.values<any>(template.Resources ?? {}).filter((r) => r.Type !== 'AWS::CDK::Metadata').length,
    };
  });
console.log(`Stacks per account (${stacks.length} stacks, ${stacks.reduce((n, s) => n + s.resources, 0)} resources):`);
for (const s of stacks) console.log(`  ${s.role.padEnd(4)} ${s.account} ${s.region}  ${s.name.padEnd(34)} ${String(s.resources).padStart(3)} resources`);

const app = new App();
addUseCase(app);
const report = ComplianceCheck.run(app);
console.log(`cdk-nag: ${report.summary}; ${report.acknowledgements.length} acknowledgements, each with its reason`);

const run = JSON.parse(fs.readFileSync('.mlops-local/run/run.json', 'utf-8'));
for (const c of run.conditions) console.log(`Quality gate ${c.step}: ${c.conditions.map((x: any) => x.text).join(', ')} -> ${c.outcome ? 'passed' : 'failed'}`);
for (const m of run.metrics) console.log(`  metric ${m.path} = ${Number(m.value).toFixed(4)} (threshold F1Threshold = ${run.parameters.F1Threshold})`);
for (const r of run.registered) console.log(`Registered ${r.modelPackageGroupName} version ${r.modelPackageVersion} (${r.approvalStatus}) in the local registry .mlops-local/registry.json`);
console.log(`Local run: ${run.status}, ${run.steps.length} steps in ${(run.durationMs / 1000).toFixed(1)}s (execution ${run.pipelineExecutionId})`);
if (!report.passed || run.status !== 'Succeeded' || run.registered.length === 0) process.exit(1);
EOF
cp "$LOGS/summary.ts" "$WORK/.mlops-summary.ts"
SUMMARY="$LOGS/summary.txt"
step "summary (cdk.out, ComplianceCheck over the app, the local run)" \
  sh -c "TS_NODE_TRANSPILE_ONLY=1 npx ts-node --prefer-ts-exts -P tsconfig.json .mlops-summary.ts > '$SUMMARY'"
rm -f "$WORK/.mlops-summary.ts"

echo
echo "Use case vwml-weld-gun-pm, generated in $WORK from $(basename "$TARBALL"):"
sed 's/^/  /' "$SUMMARY"
echo
echo "main job: passed in $(since "$START")"
if [ "${KEEP:-}" = "1" ]; then
  echo "kept: $WORK"
else
  rm -rf "$(dirname "$WORK")" "$LOGS"
fi
