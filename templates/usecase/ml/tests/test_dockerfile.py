"""The Dockerfile holds SageMaker's container contract and the parity with the local runs, read
statically (no Docker here): a pinned base of this Python minor, exactly requirements.txt, the code
in /opt/ml/code, train and serve on PATH, a user without privileges, port 8080."""

import re
import shlex
import tomllib
from pathlib import Path

import pytest

ML = Path(__file__).resolve().parents[1]


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of each instruction; continuation lines joined, no comments."""
    result = []
    pending = ""
    for line in (ML / "Dockerfile").read_text().splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        keyword, _, arguments = (pending + stripped).partition(" ")
        result.append((keyword.upper(), arguments.strip()))
        pending = ""
    return result


def arguments_of(keyword: str) -> list[str]:
    return [arguments for name, arguments in instructions() if name == keyword]


def build_args() -> dict[str, str]:
    return dict(a.partition("=")[::2] for a in arguments_of("ARG"))


def test_the_base_image_is_a_build_argument_pinned_by_digest_to_the_local_python_minor():
    assert arguments_of("FROM") == ["${BASE_IMAGE}"]
    base = build_args()["BASE_IMAGE"]
    assert re.fullmatch(r"[\w./-]+/python:3\.\d+-slim@sha256:[0-9a-f]{64}", base), base
    minor = re.search(r"python:3\.(\d+)", base).group(1)
    target = tomllib.loads((ML / "pyproject.toml").read_text())["tool"]["ruff"]["target-version"]
    assert target == f"py3{minor}", "the image's Python minor is the one the code is linted for"


def test_pip_installs_exactly_requirements_txt_and_nothing_else():
    installs = [run for run in arguments_of("RUN") if "pip" in run]
    assert len(installs) == 1, installs
    words = shlex.split(installs[0].split("pip install", 1)[1])
    packages = [w for w in words if not w.startswith("-")]
    assert words[words.index("-r") + 1] == "/opt/ml/code/requirements.txt"
    assert packages == ["/opt/ml/code/requirements.txt"], "only -r requirements.txt, no package"
    assert "requirements.txt /opt/ml/code/requirements.txt" in arguments_of("COPY")
    # the mirror's index comes as the BuildKit secret of the image build, never as a build argument
    assert "--mount=type=secret,id=pip-index-url" in installs[0]
    assert "PIP_INDEX_URL" not in build_args()


def test_the_code_and_the_entrypoints_are_where_sagemaker_runs_them():
    copies = arguments_of("COPY")
    assert "src/ /opt/ml/code/" in copies
    assert "--chmod=0755 container/train container/serve /usr/local/bin/" in copies
    # processing jobs set their own ContainerEntrypoint; training and hosting pass train / serve
    assert arguments_of("ENTRYPOINT") == []
    assert arguments_of("CMD") == []


def test_the_image_runs_as_root_as_sagemaker_expects_on_port_8080():
    # SageMaker mounts the job and model directories as root's: an image user could not write them
    assert arguments_of("USER") == []
    assert arguments_of("EXPOSE") == ["8080"]


@pytest.mark.parametrize("variable", ["PYTHONDONTWRITEBYTECODE=1", "PYTHONUNBUFFERED=1"])
def test_python_writes_no_byte_code_and_does_not_buffer_its_output(variable):
    assert any(variable in env.split() for env in arguments_of("ENV"))


def test_the_build_context_holds_no_venv_no_cache_and_no_data():
    lines = (ML / ".dockerignore").read_text().splitlines()
    patterns = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    assert patterns[0] == "*", "everything is left out unless let in"
    let_in = {p for p in patterns if p.startswith("!")}
    assert let_in == {"!requirements.txt", "!container/", "!src/"}
