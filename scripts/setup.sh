#!/usr/bin/env bash
# Installs everything the build and the tests need, on a fresh machine: npm packages (npm ci) and a
# Python venv (.venv) with cfn-lint, pytest and the packaging tools jsii-pacmak's Python target uses.
# Idempotent: a second run only checks that things are in place.
set -euo pipefail
cd "$(dirname "$0")/.."
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="${JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION:-20}"

log() { printf '\n==> %s\n' "$*"; }

# jq: the buildspec behaviour tests run the CodeBuild scripts, which use it
if ! command -v jq >/dev/null 2>&1; then
  log "apt-get install jq"
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq jq >/dev/null; else sudo apt-get install -y -qq jq >/dev/null; fi
fi

if [ -L node_modules ]; then
  # a worktree sharing another checkout's node_modules: never reinstall through the link
  log "node_modules is a link to $(readlink node_modules); not reinstalling"
elif [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "npm ci"
  npm ci --no-audit --no-fund
fi

if [ ! -x .venv/bin/python ] || [ requirements-dev.txt -nt .venv/.installed ]; then
  log "python venv (.venv) from requirements-dev.txt"
  python3 -m venv .venv
  .venv/bin/pip install --quiet --upgrade pip
  .venv/bin/pip install --quiet -r requirements-dev.txt
  touch .venv/.installed
fi

# the AWS CLI, in a venv of its own (its exact botocore pin conflicts with moto's boto3): the tests that run the
# deployment pipeline's buildspecs run `aws codeartifact login` as CodeBuild does (scripts/test.sh puts it on PATH)
AWSCLI_VERSION=1.45.11
if [ ! -x .tmp/awscli/bin/aws ] || ! .tmp/awscli/bin/aws --version 2>&1 | grep -q "aws-cli/$AWSCLI_VERSION "; then
  log "AWS CLI $AWSCLI_VERSION in .tmp/awscli"
  rm -rf .tmp/awscli
  python3 -m venv .tmp/awscli
  .tmp/awscli/bin/pip install --quiet "awscli==$AWSCLI_VERSION"
fi

# actionlint for the GitHub workflows the project types generate (Go module proxy)
ACTIONLINT_VERSION=v1.7.12
if [ ! -x .tmp/gobin/actionlint ]; then
  log "go install actionlint@$ACTIONLINT_VERSION"
  mkdir -p .tmp/gobin
  GOBIN="$(pwd)/.tmp/gobin" go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
fi
