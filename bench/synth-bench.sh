#!/usr/bin/env bash
# Synthesis benchmark of the platform plus N use cases, each N in a fresh node process (see synth-bench.ts).
#
#   bash bench/synth-bench.sh                    # N = 1 and 10 (what the CI runs)
#   bash bench/synth-bench.sh 1 10 100           # with N = 100 (a few minutes on 2 cores)
#   bash bench/synth-bench.sh --json 1 10 100    # JSON on stdout (progress on stderr)
#   bash bench/synth-bench.sh --json-file bench.json 1 10 100   # the table, and the JSON into a file
#   bash bench/synth-bench.sh --repeat 3 1 10    # best of 3 fresh processes per N
#   bash bench/synth-bench.sh --keep 10          # keep the cloud assemblies (their paths are printed)
#   bash bench/synth-bench.sh --templates --json 10   # with every template's counts in the JSON
#
# Options for the child node processes: SYNTH_BENCH_NODE_OPTIONS (e.g. --max-old-space-size=8192).
# The library is loaded from src/ through ts-node (transpile only); BENCH_LIB=1 loads the compiled lib/.
# Exits non-zero only if a synthesis fails or a stack is beyond a CloudFormation limit.
set -euo pipefail
cd "$(dirname "$0")/.."
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="${JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION:-20}"
# the inference API's Lambda code is the bundled runtime handler
if [ ! -f assets/runtime/handlers/invoke-endpoint/index.js ]; then
  node scripts/bundle-runtime.mjs >&2
fi
if [ "${BENCH_LIB:-}" = 1 ] && [ ! -f lib/index.js ]; then
  echo "error: BENCH_LIB=1 needs the compiled library in lib/ (npx projen compile)" >&2
  exit 1
fi
export TS_NODE_PROJECT=tsconfig.dev.json
exec node -r ts-node/register/transpile-only bench/synth-bench.ts "$@"
