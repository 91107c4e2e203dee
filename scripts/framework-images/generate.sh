#!/usr/bin/env bash
# Writes src/constructs/training/framework-images.generated.ts from the image_uri_config/*.json of the
# sagemaker-core wheel pinned in requirements-golden.txt (downloaded with pip into .tmp, no install).
# Usage: scripts/framework-images/generate.sh [OUT]   (OUT defaults to the committed file)
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-src/constructs/training/framework-images.generated.ts}
VERSION=$(sed -n 's/^sagemaker-core==\([^ ]*\).*/\1/p' requirements-golden.txt)
if [ -z "$VERSION" ]; then
  echo "generate.sh: no sagemaker-core==<version> line in requirements-golden.txt" >&2
  exit 2
fi
DIR=.tmp/framework-images
WHEEL="$DIR/sagemaker_core-$VERSION-py3-none-any.whl"
if [ ! -f "$WHEEL" ]; then
  mkdir -p "$DIR"
  python3 -m pip download --quiet --no-deps --only-binary=:all: "sagemaker-core==$VERSION" -d "$DIR"
fi
python3 scripts/framework-images/generate.py --wheel "$WHEEL" --sdk-version "$VERSION" \
  --regions src/blueprint/config/regions.ts --out "$OUT"
