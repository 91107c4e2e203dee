"""Reading and comparing two cloud assemblies (cdk.out directories) for the TypeScript/Python parity test.

What is compared, and the one normalization (see `strip_stack_traces`):
- manifest.json: JSON-equal (the stack set, each stack's name, account and region, tags, termination
  protection, bootstrap roles, template asset URL, dependencies);
- every template (`*.template.json`: the stacks' and the Service Catalog product stacks'): JSON-equal;
- every asset manifest (`*.assets.json`): JSON-equal, and each file asset it names has byte-identical
  content in both assemblies;
- every stack metadata file (`*.metadata.json`: logical ids, warnings, acknowledgements, stack tags):
  equal after removing JavaScript stack traces.
Not compared: tree.json (construct info only: run from TypeScript sources there is no jsii type
information, so every construct of the library shows as `constructs.Construct`; no deployed artifact).
"""
import hashlib
import json
import pathlib
from typing import Any

# The metadata entry whose data is the JavaScript stack trace of a construct's creation.
CREATION_STACK = "aws:cdk:creationStack"


def load_json(path: pathlib.Path) -> Any:
    return json.loads(path.read_text())


def stack_artifacts(outdir: pathlib.Path) -> dict[str, dict]:
    """The stack artifacts of manifest.json, by artifact id."""
    manifest = load_json(outdir / "manifest.json")
    return {k: v for k, v in manifest["artifacts"].items() if v["type"] == "aws:cloudformation:stack"}


def template_files(outdir: pathlib.Path) -> list[str]:
    """Every template of the assembly: the stacks' and the product stacks' (`*.product.template.json`)."""
    return sorted(p.name for p in outdir.glob("*.template.json"))


def template_by_stack_name(outdir: pathlib.Path) -> dict[str, dict]:
    """Each stack's template, by CloudFormation stack name."""
    return {
        a["properties"]["stackName"]: load_json(outdir / a["properties"]["templateFile"])
        for a in stack_artifacts(outdir).values()
    }


def strip_stack_traces(metadata: dict[str, list]) -> dict[str, list]:
    """A stack's metadata without the JavaScript stack traces in it: the `aws:cdk:creationStack` entries
    and the `trace` of annotations (warnings). They are the call stacks of the running process: frames of
    `src/*.ts` under ts-node on one side, of the jsii kernel's temporary copy of `lib/*.js` and its
    request loop on the other. They never reach a template or a deployment."""
    return {
        path: [{k: v for k, v in entry.items() if k != "trace"} for entry in entries if entry["type"] != CREATION_STACK]
        for path, entries in metadata.items()
    }


def tree_digest(path: pathlib.Path) -> str:
    """A digest of a file or of a directory tree (relative paths and contents)."""
    h = hashlib.sha256()
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    for f in files:
        h.update(str(f.relative_to(path) if f != path else f.name).encode() + b"\0")
        h.update(f.read_bytes() + b"\0")
    return h.hexdigest()


def json_diff(a: Any, b: Any, path: str = "$", out: list[str] | None = None, limit: int = 20) -> list[str]:
    """The differences of two JSON values as `path: a != b` lines (at most `limit`)."""
    out = [] if out is None else out
    if len(out) >= limit:
        return out
    if type(a) is not type(b):
        out.append(f"{path}: {short(a)} != {short(b)}")
    elif isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                out.append(f"{path}.{k}: {short(a.get(k, '<missing>'))} != {short(b.get(k, '<missing>'))}")
            else:
                json_diff(a[k], b[k], f"{path}.{k}", out, limit)
    elif isinstance(a, list):
        if len(a) != len(b):
            out.append(f"{path}: {len(a)} items != {len(b)} items")
        for i, (x, y) in enumerate(zip(a, b)):
            json_diff(x, y, f"{path}[{i}]", out, limit)
    elif a != b:
        out.append(f"{path}: {short(a)} != {short(b)}")
    return out[:limit]


def short(value: Any, size: int = 160) -> str:
    text = json.dumps(value)
    return text if len(text) <= size else text[:size] + "..."
