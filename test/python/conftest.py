"""Session fixtures: the reference app synthesized once from Python (in this process, through the wheel)
and its TypeScript assembly: the shared one the flow tests, checkov and the mutation run read
(`.tmp/flows-cdk.out`, from the repository's sources; `test/reference/shared-assembly.ts` synthesizes it
with ts-node only when it is missing or older than its sources, in a subprocess that runs while the
Python synth does). The terminal summary prints how long each took.

REFERENCE_OUTDIR=<dir> keeps the Python assembly in <dir>/python (emptied first), for a look at a failing
comparison or for other tools; without it, it goes to pytest's temporary directory.
"""
import json
import os
import pathlib
import subprocess
import time
from types import SimpleNamespace

import pytest

_start = time.monotonic()
# importing the wheel starts the jsii kernel (node) and loads aws-cdk-lib into it: most of the Python cost
import reference_app

IMPORT_SECONDS = time.monotonic() - _start
ROOT = pathlib.Path(__file__).resolve().parents[2]
TS_NODE = ROOT / "node_modules" / ".bin" / "ts-node"
TIMINGS = {}


def workdir(tmp_path_factory, name: str) -> pathlib.Path:
    keep = os.environ.get("REFERENCE_OUTDIR")
    if not keep:
        return tmp_path_factory.mktemp(f"reference-{name}")
    path = pathlib.Path(keep).resolve() / name
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def python_reference(tmp_path_factory):
    """The reference app, built and synthesized from Python: the App, the platform, the use case, the
    cloud assembly directory."""
    outdir = workdir(tmp_path_factory, "python") / "cdk.out"
    start = time.monotonic()
    result = reference_app.synth_reference_app(str(outdir))
    TIMINGS["python"] = {"total": time.monotonic() - start, "build": result["buildMs"] / 1000, "synth": result["synthMs"] / 1000}
    ref = result["reference"]
    return SimpleNamespace(app=ref.app, platform=ref.platform, use_case=ref.use_case, outdir=outdir)


@pytest.fixture(scope="session")
def typescript_synth(tmp_path_factory):
    """Starts `test/reference/shared-assembly.ts` in a subprocess: it prints the directory of the
    reference app's shared TypeScript assembly, synthesizing it first only when it is stale. ts-node runs
    with --transpile-only: type checking is the job of tsc and Jest; here only the emitted JavaScript
    matters."""
    if not TS_NODE.exists():
        pytest.fail(f"{TS_NODE} does not exist: the parity test runs the TypeScript app with ts-node from node_modules (npm ci)")
    work = tmp_path_factory.mktemp("reference-typescript")
    cmd = [str(TS_NODE), "--transpile-only", "--project", "tsconfig.dev.json", "test/reference/shared-assembly.ts"]
    env = {**os.environ, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": os.environ.get("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")}
    with open(work / "stdout.txt", "w") as stdout, open(work / "stderr.txt", "w") as stderr:
        start = time.monotonic()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=stdout, stderr=stderr, env=env)
        yield SimpleNamespace(proc=proc, work=work, start=start, cmd=cmd)
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def typescript_reference(typescript_synth, python_reference):
    """The TypeScript cloud assembly. Depends on `python_reference` so that the Python synth runs while
    the subprocess does (both then take about as long as the slower one)."""
    proc = typescript_synth.proc
    try:
        code = proc.wait(timeout=600)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the TypeScript assembly was not ready in 600 s: {' '.join(typescript_synth.cmd)}")
    out = (typescript_synth.work / "stdout.txt").read_text()
    err = (typescript_synth.work / "stderr.txt").read_text()
    if code != 0:
        pytest.fail(f"the TypeScript synth failed (exit {code}): {' '.join(typescript_synth.cmd)}\n{out}\n{err}")
    outdir = pathlib.Path(out.strip().splitlines()[-1])
    if not (outdir / "manifest.json").is_file():
        pytest.fail(f"{' '.join(typescript_synth.cmd)} printed {outdir}, which is not a cloud assembly")
    TIMINGS["typescript"] = {"total": time.monotonic() - typescript_synth.start}
    return SimpleNamespace(outdir=outdir)


def pytest_terminal_summary(terminalreporter):
    if not TIMINGS:
        return
    terminalreporter.section("reference app synth times")
    terminalreporter.write_line(f"python: import aws_cdk + vw_mlops_blueprint (jsii kernel start) {IMPORT_SECONDS:.1f} s")
    for lang, t in TIMINGS.items():
        if lang == "typescript":
            terminalreporter.write_line(f"typescript: the shared assembly (synthesized when stale), incl. ts-node start, until waited for: {t['total']:.1f} s")
        else:
            terminalreporter.write_line(f"{lang}: build {t['build']:.1f} s, synth {t['synth']:.1f} s; in process: {t['total']:.1f} s")
