#!/usr/bin/env bash
# The main job on built-in defaults, no AWS account needed: installs, compiles the library and
# validates and prints the sample platform configuration (samples/platform.json).
set -euo pipefail
cd "$(dirname "$0")/.."
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="${JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION:-20}"
bash scripts/setup.sh
npx projen compile >/dev/null
node -e '
const { PlatformConfig } = require("./lib");
const file = process.argv[1];
const config = PlatformConfig.fromFile(file);
console.log(`${file}: valid`);
console.log(JSON.stringify(config.toJson(), null, 2));
' "${1:-samples/platform.json}"
