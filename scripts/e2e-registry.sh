#!/usr/bin/env bash
# The literal install command, end to end, against a local npm registry:
#
#   1. pack the library (dist/js/mlops-blueprint@0.0.0.jsii.tgz)
#   2. start verdaccio on 127.0.0.1:<free port> (config: test/registry/verdaccio.yaml): @vw/* is served
#      only from what this script publishes, every other package is proxied to registry.npmjs.org
#   3. publish the tarball as a registered test user, check what the registry serves
#   4. install it anonymously into a scratch project and require() it
#   5. in an EMPTY directory, run exactly `npx projen new --from @vw/mlops-blueprint mlops-usecase`,
#      check that the library came from the local registry
#   6. the mlops-usecase end to end in that repository (scripts/e2e-usecase.sh with E2E_PROJECT_DIR:
#      `npx projen build`, `pipeline:local` and its parity guards, actionlint, the re-synth), with the
#      consumer's registry settings; so the suite's Node runs that end to end once, on the literal command
#
# The consumer steps run with npm_config_registry pointing at verdaccio, a temporary npm cache and a
# temporary userconfig: ~/.npmrc and ~/.npm are neither read nor written. Verdaccio is stopped on exit.
# Each step prints PASS/FAIL with its duration; the first failure stops the run with a non-zero exit.
#
# usage: bash scripts/e2e-registry.sh [--skip-build] [--keep]
#   --skip-build  reuse dist/js/mlops-blueprint@0.0.0.jsii.tgz instead of packing it again
#   --keep        keep the temporary directory (registry storage, logs, the generated project)
# environment: E2E_WORKDIR  an empty directory to work in (default: a new one from mktemp under $TMPDIR)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="${JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION:-20}"

PACKAGE='@vw/mlops-blueprint'
TARBALL="$ROOT/dist/js/mlops-blueprint@0.0.0.jsii.tgz"
VERDACCIO_DIR="$ROOT/.tmp/verdaccio"

SKIP_BUILD=0
KEEP=0
for arg in "$@"; do
  case "$arg" in
    --skip-build) SKIP_BUILD=1 ;;
    --keep) KEEP=1 ;;
    -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "error: unknown argument '$arg' (expected --skip-build or --keep)" >&2; exit 2 ;;
  esac
done

if [ -n "${E2E_WORKDIR:-}" ]; then
  mkdir -p "$E2E_WORKDIR"
  WORK="$(cd "$E2E_WORKDIR" && pwd)"
  if [ -n "$(ls -A "$WORK")" ]; then
    echo "error: E2E_WORKDIR=$WORK is not empty; give an empty or new directory" >&2
    exit 2
  fi
else
  WORK="$(mktemp -d "${TMPDIR:-/tmp}/mlops-e2e-registry.XXXXXX")"
fi
REGISTRY_HOME="$WORK/registry"    # verdaccio config, storage, htpasswd, log, pid
PROJECT_DIR="$WORK/mlops-usecase" # the empty directory of `projen new`
SCRATCH_DIR="$WORK/install-check" # a throwaway project for the plain `npm install`
NPM_CACHE="$WORK/npm-cache"
PUBLISHER_NPMRC="$WORK/publisher.npmrc"
CONSUMER_NPMRC="$WORK/consumer.npmrc"
mkdir -p "$REGISTRY_HOME" "$PROJECT_DIR" "$SCRATCH_DIR" "$NPM_CACHE"

RESULTS=()
FAILED=''
CURRENT='' # the step running now (named in the summary when a signal ends the run)
RUN_START="$EPOCHREALTIME"

elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }

# step <name> <command...>: runs the command in a subshell with `set -e` (a plain `cmd || rc=$?`
# would switch -e off inside functions), records PASS/FAIL and the duration, stops at the first FAIL.
step() {
  local name="$1" t0 rc secs
  shift
  printf '\n==> [%s]\n' "$name"
  t0="$EPOCHREALTIME"
  CURRENT="$name"
  set +e
  ( set -e; "$@" )
  rc=$?
  set -e
  CURRENT=''
  secs="$(elapsed "$t0")"
  if [ "$rc" -eq 0 ]; then
    RESULTS+=("$(printf 'PASS  %-24s %8ss' "$name" "$secs")")
    printf '%s\n' "PASS  $name (${secs}s)"
  else
    RESULTS+=("$(printf 'FAIL  %-24s %8ss  (exit %s)' "$name" "$secs" "$rc")")
    printf '%s\n' "FAIL  $name (${secs}s, exit $rc)"
    FAILED="$name"
    exit 1
  fi
}

stop_registry() {
  local pid
  [ -f "$REGISTRY_HOME/pid" ] || return 0
  pid="$(cat "$REGISTRY_HOME/pid")"
  rm -f "$REGISTRY_HOME/pid"
  kill -0 "$pid" 2>/dev/null || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.2
  done
  kill -9 "$pid" 2>/dev/null || true
}

on_exit() {
  local rc=$?
  stop_registry
  if [ -n "$FAILED" ] && [ -s "$REGISTRY_HOME/verdaccio.log" ]; then
    printf '\n==> last lines of the verdaccio log (%s)\n' "$REGISTRY_HOME/verdaccio.log"
    tail -n 30 "$REGISTRY_HOME/verdaccio.log" || true
  fi
  printf '\n==> e2e registry summary\n'
  if [ "${#RESULTS[@]}" -gt 0 ]; then printf '%s\n' "${RESULTS[@]}"; fi
  if [ "$rc" -eq 0 ] && [ -z "$FAILED" ]; then
    printf 'PASS  %-24s %8ss\n' 'total' "$(elapsed "$RUN_START")"
  else
    if [ -z "$FAILED" ] && [ -n "$CURRENT" ]; then FAILED="$CURRENT (interrupted, exit $rc)"; fi
    printf 'FAIL  %-24s %8ss  (failed: %s)\n' 'total' "$(elapsed "$RUN_START")" "${FAILED:-setup}"
    [ "$rc" -ne 0 ] || rc=1
  fi
  if [ "$KEEP" -eq 1 ]; then
    echo "kept: $WORK"
  else
    rm -rf "$WORK"
  fi
  exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The consumer side: the local registry only, anonymous, temporary cache and userconfig.
consumer() {
  env npm_config_registry="$REGISTRY" \
    npm_config_userconfig="$CONSUMER_NPMRC" \
    npm_config_cache="$NPM_CACHE" \
    npm_config_yes=true \
    "$@"
}

CHECKS="$ROOT/test/registry/checks.mjs"

# ---------------------------------------------------------------------------------------------------
build_tarball() {
  if [ "$SKIP_BUILD" -eq 1 ]; then
    [ -f "$TARBALL" ] || { echo "error: --skip-build but $TARBALL does not exist" >&2; return 1; }
    echo "reusing $TARBALL ($(stat -c %y "$TARBALL"))"
    return 0
  fi
  # compile (jsii), the runtime bundles (the post-compile step that the package needs), npm pack
  npx projen compile
  node scripts/bundle-runtime.mjs
  npx projen package:js
  [ -f "$TARBALL" ] || { echo "error: jsii-pacmak did not produce $TARBALL" >&2; return 1; }
}

install_verdaccio() {
  # an isolated install in .tmp/verdaccio, reused while it matches test/registry/verdaccio.package.json
  mkdir -p "$VERDACCIO_DIR"
  if cmp -s "$ROOT/test/registry/verdaccio.package.json" "$VERDACCIO_DIR/package.json" \
    && cmp -s "$ROOT/test/registry/verdaccio.package-lock.json" "$VERDACCIO_DIR/package-lock.json" \
    && [ -x "$VERDACCIO_DIR/node_modules/.bin/verdaccio" ]; then
    echo "verdaccio already installed in $VERDACCIO_DIR"
  else
    cp "$ROOT/test/registry/verdaccio.package.json" "$VERDACCIO_DIR/package.json"
    cp "$ROOT/test/registry/verdaccio.package-lock.json" "$VERDACCIO_DIR/package-lock.json"
    npm ci --prefix "$VERDACCIO_DIR" --no-audit --no-fund --loglevel=error
  fi
  "$VERDACCIO_DIR/node_modules/.bin/verdaccio" --version
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

start_registry() {
  cp "$ROOT/test/registry/verdaccio.yaml" "$REGISTRY_HOME/config.yaml"
  local port
  port="$(free_port)"
  echo "$port" > "$REGISTRY_HOME/port"
  "$VERDACCIO_DIR/node_modules/.bin/verdaccio" --config "$REGISTRY_HOME/config.yaml" \
    --listen "127.0.0.1:$port" > "$REGISTRY_HOME/verdaccio.log" 2>&1 &
  echo $! > "$REGISTRY_HOME/pid"
  local url="http://127.0.0.1:$port"
  for _ in $(seq 1 150); do
    if curl -fsS -o /dev/null "$url/-/ping" 2>/dev/null; then
      echo "verdaccio (pid $(cat "$REGISTRY_HOME/pid")) answers on $url"
      return 0
    fi
    kill -0 "$(cat "$REGISTRY_HOME/pid")" 2>/dev/null || { echo "error: verdaccio exited during start-up" >&2; return 1; }
    sleep 0.2
  done
  echo "error: verdaccio did not answer on $url/-/ping within 30s" >&2
  return 1
}

register_publisher() {
  # the htpasswd plugin creates the user on the CouchDB-style login endpoint and returns a token
  local password response token
  password="$(node -e 'console.log(require("crypto").randomBytes(18).toString("hex"))')"
  response="$(curl -fsS -X PUT -H 'content-type: application/json' \
    --data "{\"name\":\"e2e-publisher\",\"password\":\"$password\"}" \
    "$REGISTRY/-/user/org.couchdb.user:e2e-publisher")"
  token="$(printf '%s' "$response" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const t=JSON.parse(s).token;if(!t)process.exit(1);console.log(t)})')"
  local hostpath="${REGISTRY#http:}/"
  printf 'registry=%s/\n%s:_authToken=%s\naudit=false\nfund=false\nupdate-notifier=false\n' \
    "$REGISTRY" "$hostpath" "$token" > "$PUBLISHER_NPMRC"
  printf 'registry=%s/\naudit=false\nfund=false\nupdate-notifier=false\n' "$REGISTRY" > "$CONSUMER_NPMRC"
  chmod 600 "$PUBLISHER_NPMRC"
  npm whoami --registry "$REGISTRY" --userconfig "$PUBLISHER_NPMRC"
}

publish_tarball() {
  npm publish "$TARBALL" --registry "$REGISTRY" --userconfig "$PUBLISHER_NPMRC" --cache "$NPM_CACHE"
}

check_registry_view() {
  # what an anonymous client sees: the version, the tarball served by verdaccio, our exact bytes
  consumer npm view "$PACKAGE" --json | node "$CHECKS" view "$REGISTRY" "$TARBALL"
}

install_check() {
  cd "$SCRATCH_DIR"
  consumer npm init --yes > /dev/null
  consumer npm install "$PACKAGE"
  node "$CHECKS" lock "$SCRATCH_DIR" "$REGISTRY" "$TARBALL"
  node "$CHECKS" require "$SCRATCH_DIR"
}

projen_new() {
  cd "$PROJECT_DIR"
  if [ -n "$(ls -A .)" ]; then echo "error: $PROJECT_DIR is not empty" >&2; return 1; fi
  # projen new commits the generated project; give git an identity if the machine has none
  if ! git config user.email > /dev/null 2>&1; then
    export GIT_AUTHOR_NAME=e2e GIT_AUTHOR_EMAIL=e2e@example.com GIT_COMMITTER_NAME=e2e GIT_COMMITTER_EMAIL=e2e@example.com
  fi
  echo "\$ npx projen new --from @vw/mlops-blueprint mlops-usecase   (in $PROJECT_DIR, npm_config_registry=$REGISTRY)"
  # as a user types it on a workstation: with CI set, projen new installs with `npm ci`, which needs a
  # lockfile that a brand-new repository does not have yet
  consumer env -u CI npx projen new --from @vw/mlops-blueprint mlops-usecase
}

check_project() {
  # the library was installed from the local registry (our bytes) and the project depends on it
  node "$CHECKS" lock "$PROJECT_DIR" "$REGISTRY" "$TARBALL"
  node "$CHECKS" project "$PROJECT_DIR"
  echo "files: $(find "$PROJECT_DIR" -mindepth 1 -maxdepth 1 -printf '%f ')"
}

usecase_e2e() {
  echo "\$ E2E_PROJECT_DIR=$PROJECT_DIR bash scripts/e2e-usecase.sh   (npm_config_registry=$REGISTRY)"
  consumer env E2E_PROJECT_DIR="$PROJECT_DIR" bash "$ROOT/scripts/e2e-usecase.sh"
}

echo "work dir: $WORK"
step build-tarball build_tarball
step install-verdaccio install_verdaccio
step start-registry start_registry
REGISTRY="http://127.0.0.1:$(cat "$REGISTRY_HOME/port")"
export REGISTRY
step register-publisher register_publisher
step publish publish_tarball
step registry-view check_registry_view
step npm-install install_check
step projen-new projen_new
step check-new-project check_project
step usecase-e2e usecase_e2e
