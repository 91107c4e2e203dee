#!/usr/bin/env bash
# checkov over every CloudFormation template of the platform and of the sample use case with every
# extension (the reference app, test/reference/reference-app.ts): reads the reference app's shared cloud
# assembly (.tmp/flows-cdk.out, which the flow tests synthesized; synthesized here only when missing or
# stale), runs checkov (pinned in requirements-checkov.txt, installed into .tmp/checkov-venv) with
# --framework cloudformation over every *.template.json, and fails on
#   - any failed check,
#   - any template checkov could not parse, or a template it did not report on (unless every resource of it is of
#     a type checkov has no check for: NO_CHECKOV_CHECKS below, e.g. Lake Formation grants),
#   - any skipped check without a written reason of at least 30 characters.
# A check that does not apply to a resource is skipped in the construct that owns the resource, with
# skipCheckovChecks (src/constructs/core/checkov.ts), which writes Metadata.checkov.skip[{id, comment}].
#
#   bash scripts/checkov.sh            # check (synthesizes the shared assembly first when it is stale)
#   KEEP_OUT=1 bash scripts/checkov.sh # keep checkov's JSON report
set -euo pipefail
cd "$(dirname "$0")/.."
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="${JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION:-20}"
VENV=.tmp/checkov-venv
log() { printf '\n==> %s\n' "$*"; }

if [ ! -x "$VENV/bin/checkov" ] || [ requirements-checkov.txt -nt "$VENV/.installed" ]; then
  log "checkov venv ($VENV) from requirements-checkov.txt"
  rm -rf "$VENV"
  mkdir -p .tmp
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --upgrade pip
  "$VENV/bin/pip" install --quiet -r requirements-checkov.txt
  touch "$VENV/.installed"
fi
VERSION="$("$VENV/bin/checkov" --version)"

# the inference API's Lambda code is the bundled runtime handler
if [ ! -f assets/runtime/handlers/invoke-endpoint/index.js ]; then
  log "bundle the runtime (assets/runtime)"
  node scripts/bundle-runtime.mjs
fi

OUT="$(mktemp -d "${TMPDIR:-/tmp}/checkov-report.XXXXXX")"
if [ -z "${KEEP_OUT:-}" ]; then trap 'rm -rf "$OUT"' EXIT; fi

log "the reference app's shared cloud assembly (synthesized only when older than its sources)"
ASSEMBLY="$(npx ts-node --transpile-only --project tsconfig.dev.json test/reference/shared-assembly.ts)"
echo "$ASSEMBLY"
# the stacks' templates and the Service Catalog products' templates (nested assemblies included)
find "$ASSEMBLY" -name '*.template.json' -type f | sort > "$OUT/templates.txt"
mapfile -t TEMPLATES < "$OUT/templates.txt"
if [ "${#TEMPLATES[@]}" -eq 0 ]; then
  echo "error: the reference app synthesized no templates" >&2
  exit 1
fi
echo "${#TEMPLATES[@]} templates"

log "checkov $VERSION --framework cloudformation over ${#TEMPLATES[@]} templates"
ARGS=()
for t in "${TEMPLATES[@]}"; do ARGS+=(-f "$t"); done
# --skip-download: no call to the Prisma Cloud API (guidelines, severities); the checks are all local.
# checkov exits 1 when a check fails; the report below decides, so that it can print every finding.
set +e
"$VENV/bin/checkov" --framework cloudformation --skip-download -o json "${ARGS[@]}" > "$OUT/checkov.json" 2> "$OUT/checkov.err"
rc=$?
set -e
if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
  cat "$OUT/checkov.err" >&2
  echo "error: checkov exited with $rc" >&2
  exit 1
fi

"$VENV/bin/python" - "$OUT/checkov.json" "$OUT/templates.txt" "$ASSEMBLY" <<'PY'
import json, os, sys

report_file, templates_file, outdir = sys.argv[1:4]
MIN_REASON = 30
with open(report_file) as f:
    report = json.load(f)
reports = report if isinstance(report, list) else [report]
reports = [r for r in reports if r.get("check_type") == "cloudformation"]
templates = [line.strip() for line in open(templates_file) if line.strip()]
problems = []
if not reports:
    # checkov prints a bare summary (no results) when it finds nothing to check
    print(json.dumps(report)[:2000])
    sys.exit("error: checkov reported no CloudFormation results")
results = {"passed_checks": [], "failed_checks": [], "skipped_checks": [], "parsing_errors": []}
for r in reports:
    for key in results:
        results[key] += r["results"].get(key, [])
summary = {k: sum(r["summary"].get(k, 0) for r in reports) for k in ("passed", "failed", "skipped", "parsing_errors", "resource_count")}

rel = lambda p: os.path.relpath(os.path.abspath(p), os.path.abspath(outdir)) if os.path.isabs(p) else p.lstrip("/")
reported = {rel(c["file_abs_path"]) for key in ("passed_checks", "failed_checks", "skipped_checks") for c in results[key]}
expected = {rel(t) for t in templates}
resources = 0
for t in templates:
    with open(t) as f:
        resources += len(json.load(f).get("Resources", {}))
# a template whose every resource is of a type checkov has no check for is not reported (its types are listed
# here on review); any other unreported template failed to parse or was skipped
NO_CHECKOV_CHECKS = {"AWS::LakeFormation::DataCellsFilter", "AWS::LakeFormation::PrincipalPermissions", "AWS::CDK::Metadata"}
unchecked = []
for t in templates:
    if rel(t) in reported:
        continue
    with open(t) as f:
        types = {r.get("Type") for r in json.load(f).get("Resources", {}).values()}
    if types and types <= NO_CHECKOV_CHECKS:
        unchecked.append(f"{rel(t)} ({', '.join(sorted(types))})")
        reported.add(rel(t))
missing = sorted(expected - reported)

print(f"templates: {len(templates)} ({len(expected & reported) - len(unchecked)} reported by checkov)")
for u in unchecked:
    print(f"  no checkov check applies to any resource of {u}")
print(f"resources: {resources} in the templates, {summary['resource_count']} counted by checkov")
print(f"checks:    {summary['passed']} passed, {summary['failed']} failed, {summary['skipped']} skipped with a reason, {summary['parsing_errors']} parsing errors")

if results["failed_checks"]:
    print("\nFAILED checks:")
    for c in sorted(results["failed_checks"], key=lambda c: (c["check_id"], c["file_path"], c["resource"])):
        print(f"  {c['check_id']:12} {c['resource']}  ({rel(c['file_abs_path'])})\n               {c['check_name']}")
    problems.append(f"{len(results['failed_checks'])} failed checks: fix the construct that owns the resource, or skip the check there with skipCheckovChecks and a specific reason")
if results["parsing_errors"] or summary["parsing_errors"]:
    problems.append(f"checkov could not parse: {results['parsing_errors']}")
if missing:
    problems.append(f"checkov reported nothing for {len(missing)} templates: {', '.join(missing)}")

# every skip, grouped by check and reason (the same construct repeats the same reason in every stack)
groups = {}
for c in results["skipped_checks"]:
    reason = (c.get("check_result", {}).get("suppress_comment") or "").strip()
    if len(reason) < MIN_REASON or reason == "No comment provided":
        problems.append(f"{c['check_id']} on {c['resource']} ({rel(c['file_abs_path'])}) is skipped without a written reason")
    key = (c["check_id"], c["resource"].split(".", 1)[0], reason)
    groups.setdefault(key, []).append(f"{rel(c['file_abs_path'])}:{c['resource'].split('.', 1)[1]}")
if groups:
    print(f"\nskipped checks ({summary['skipped']}), by check, resource type and reason:")
    for (check_id, rtype, reason), where in sorted(groups.items()):
        names = sorted({w.split(":", 1)[1] for w in where})
        print(f"  {check_id} on {len(where)} {rtype} ({', '.join(names)})\n      reason: {reason}")

if problems:
    print()
    for p in problems:
        print(f"error: {p}", file=sys.stderr)
    sys.exit(1)
print(f"\ncheckov: 0 failed checks in {len(templates)} templates")
PY
