"""Shared fixtures: the whole sample pipeline, run once per test session as SageMaker runs it.

``pipeline`` runs generate_data.py, preprocess.py, train.py and evaluate.py as separate processes,
each with the environment variables and directory layout of its SageMaker job, on the default data
set and the default hyperparameters. The tests of each script then look at what it left behind.
"""

import os

# Small data trains fastest on one thread, and a busy CI machine makes OpenMP threads spin; set it
# before scikit-learn (and its OpenMP runtime) is imported by any test module.
os.environ.setdefault("OMP_NUM_THREADS", "1")

import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"


@dataclass(frozen=True)
class PipelineRun:
    """Where one run of the sample pipeline left its files, as the SageMaker jobs see them."""

    processing: Path  # the processing jobs' /opt/ml/processing
    raw_csv: Path
    model_dir: Path  # the training job's /opt/ml/model
    model_archive: Path  # model.tar.gz, packed like SageMaker packs the model directory
    report: Path  # evaluation/evaluation.json
    train_stdout: str


def run_script(name: str, *args: str, env: dict[str, str] | None = None) -> str:
    """Run src/<name> in a new Python process, as a SageMaker job would; return its stdout."""
    result = subprocess.run(
        [sys.executable, str(SRC / name), *args],
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"{name} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def pack_model(model_dir: Path, archive: Path) -> Path:
    """Pack the model directory's contents at the archive's top level, as SageMaker does."""
    archive.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive, "w:gz") as tar:
        for path in sorted(model_dir.iterdir()):
            tar.add(path, arcname=path.name)
    return archive


@pytest.fixture(scope="session")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> PipelineRun:
    root = tmp_path_factory.mktemp("pipeline")
    processing = root / "opt/ml/processing"
    raw_csv = processing / "input/data/welds.csv"
    run_script("generate_data.py", "--output", str(raw_csv))

    run_script("preprocess.py", env={"ML_PROCESSING_DIR": str(processing)})

    model_dir = root / "opt/ml/model"
    train_stdout = run_script(
        "train.py",
        env={
            "SM_CHANNEL_TRAIN": str(processing / "train"),
            "SM_CHANNEL_VALIDATION": str(processing / "validation"),
            "SM_MODEL_DIR": str(model_dir),
        },
    )

    archive = pack_model(model_dir, processing / "model/model.tar.gz")
    run_script("evaluate.py", env={"ML_PROCESSING_DIR": str(processing)})

    return PipelineRun(
        processing=processing,
        raw_csv=raw_csv,
        model_dir=model_dir,
        model_archive=archive,
        report=processing / "evaluation/evaluation.json",
        train_stdout=train_stdout,
    )
