"""TypeScript/Python parity: the reference app (test/reference/reference-app.ts and reference_app.py)
synthesized from TypeScript (ts-node over the sources) and from Python (the wheel) gives the same
cloud assembly: the same stacks, JSON-equal templates, the same assets with the same contents, and the
same stack metadata once the JavaScript stack traces are removed (cloud_assembly.py says why)."""
import json
import pathlib
from importlib import metadata

import pytest
from cloud_assembly import (
    json_diff,
    load_json,
    stack_artifacts,
    strip_stack_traces,
    template_by_stack_name,
    template_files,
    tree_digest,
)

ROOT = pathlib.Path(__file__).resolve().parents[2]
# 6 platform stacks, the 6 onboarding stacks of the listed use case (DATA: its data cells filters, EXP, RES: its
# approver role, DEV, INT, PROD) and its 5 stacks; the Service Catalog portfolio adds 2 product templates
STACKS = 17
TEMPLATES = 19


@pytest.fixture(scope="module")
def assemblies(typescript_reference, python_reference):
    return typescript_reference.outdir, python_reference.outdir


@pytest.mark.parametrize("package", ["aws-cdk-lib", "constructs"])
def test_both_sides_use_the_same_library_versions(package):
    npm = json.loads((ROOT / "node_modules" / package / "package.json").read_text())["version"]
    assert metadata.version(package) == npm, (
        f"Python has {package} {metadata.version(package)}, TypeScript {npm}: templates differ between {package} releases "
        "(its own handlers and defaults change); scripts/python-test.sh installs the versions of node_modules"
    )


def test_the_same_stacks_and_manifest(assemblies):
    ts, py = assemblies
    assert len(stack_artifacts(ts)) == STACKS
    assert sorted(template_by_stack_name(py)) == sorted(template_by_stack_name(ts))
    # the whole manifest: stack names, accounts and regions, tags, termination protection, bootstrap
    # roles, the template asset URLs (hashes of the templates), dependencies
    assert json_diff(load_json(ts / "manifest.json"), load_json(py / "manifest.json")) == []


def test_every_template_is_json_equal(assemblies):
    ts, py = assemblies
    assert template_files(ts) == template_files(py)
    assert len(template_files(ts)) == TEMPLATES
    differences = {}
    for name in template_files(ts):
        diff = json_diff(load_json(ts / name), load_json(py / name))
        if diff:
            differences[name] = diff
    assert differences == {}, f"templates differ between {ts} (TypeScript) and {py} (Python)"


def test_the_same_assets_with_the_same_contents(assemblies):
    ts, py = assemblies
    manifests = sorted(p.name for p in ts.glob("*.assets.json"))
    assert manifests == sorted(p.name for p in py.glob("*.assets.json"))
    file_assets = set()
    for name in manifests:
        ts_manifest, py_manifest = load_json(ts / name), load_json(py / name)
        assert json_diff(ts_manifest, py_manifest) == [], name
        assert ts_manifest["dockerImages"] == {}
        file_assets.update(a["source"]["path"] for a in ts_manifest["files"].values())
    # the templates (assets of their stacks) and the two code assets: the inference handler and
    # aws-cdk-lib's handler that empties the default security group of a created VPC
    code_assets = sorted(a for a in file_assets if a.startswith("asset."))
    assert len(code_assets) == 2
    for asset in sorted(file_assets):
        assert tree_digest(ts / asset) == tree_digest(py / asset), asset


def test_the_inference_handler_asset_is_the_bundle_of_the_repository(assemblies):
    """The wheel carries assets/ in the package's tarball; the jsii kernel unpacks it to a temporary
    directory, and the asset hash (of the content, not the path) is the one of the repository's bundle."""
    expected = tree_digest(ROOT / "assets" / "runtime" / "handlers" / "invoke-endpoint")
    for outdir in assemblies:
        template = template_by_stack_name(outdir)["vwml-weld-gun-pm-serving-prod"]
        [handler] = [r for r in template["Resources"].values() if r["Type"] == "AWS::Lambda::Function"]
        # a listed use case publishes under its own prefix of the bootstrap bucket: "<use case>/<hash>.zip"
        asset_hash = handler["Properties"]["Code"]["S3Key"].split("/")[-1].removesuffix(".zip")
        assert tree_digest(outdir / f"asset.{asset_hash}") == expected


def test_stack_metadata_is_equal_without_stack_traces(assemblies):
    ts, py = assemblies
    names = sorted(p.name for p in ts.glob("*.metadata.json"))
    assert names == sorted(p.name for p in py.glob("*.metadata.json"))
    assert len(names) == STACKS
    for name in names:
        ts_meta, py_meta = load_json(ts / name), load_json(py / name)
        # the same constructs carry metadata (logical ids, acknowledgements, warnings, stack tags)
        assert sorted(ts_meta) == sorted(py_meta), name
        assert json_diff(strip_stack_traces(ts_meta), strip_stack_traces(py_meta)) == [], name
