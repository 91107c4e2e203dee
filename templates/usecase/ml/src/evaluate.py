"""SageMaker Processing entry script: evaluate the trained model on the test set.

Inputs and outputs (all overridable, see ``--help``; ``ML_PROCESSING_DIR`` moves the whole tree)::

    /opt/ml/processing/model/model.tar.gz           the training job's artifact (or, for local runs,
                                                    a directory holding model.joblib)
    /opt/ml/processing/test/*.csv                   test set from preprocess.py (label first)
    /opt/ml/processing/evaluation/evaluation.json   the report

The report has the shape of a SageMaker model-quality report for binary classification, which the
model registry shows as model metrics and a pipeline ``ConditionStep`` reads with ``JsonGet``::

    {"binary_classification_metrics": {
        "accuracy":  {"value": 0.97, "standard_deviation": 0.002},
        "precision": {...}, "recall": {...}, "f1": {...}, "auc": {...},
        "confusion_matrix": {"0": {"0": TN, "1": FP}, "1": {"0": FN, "1": TP}}}}

The quality gate reads ``binary_classification_metrics.f1.value``. Standard deviations are from a
seeded bootstrap of the test set, so the report is deterministic.

This file is self-contained (numpy, pandas, scikit-learn, joblib) because a processing job receives
this one file.
"""

import argparse
import json
import logging
import os
import tarfile
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    precision_score,
    recall_score,
    roc_auc_score,
)

LOG = logging.getLogger("evaluate")

MODEL_FILE = "model.joblib"
ARCHIVE_FILE = "model.tar.gz"
REPORT_FILE = "evaluation.json"
# The JsonGet path of the quality gate, and the threshold the sample's pipeline compares it with.
GATE_METRIC_PATH = "binary_classification_metrics.f1.value"
DEFAULT_F1_THRESHOLD = 0.7
DEFAULT_BASE_DIR = "/opt/ml/processing"


def load_model(path: Path):
    """Load model.joblib from model.tar.gz, from a directory holding either, or from the file."""
    if path.is_dir():
        for candidate in (path / MODEL_FILE, path / ARCHIVE_FILE):
            if candidate.is_file():
                return load_model(candidate)
        raise FileNotFoundError(f"neither {MODEL_FILE} nor {ARCHIVE_FILE} in {path}")
    if tarfile.is_tarfile(path):
        # read the one member in memory: nothing from the archive is written to disk
        with tarfile.open(path) as archive:
            for member in archive.getmembers():
                if member.isfile() and member.name.removeprefix("./") == MODEL_FILE:
                    return joblib.load(archive.extractfile(member))
        raise FileNotFoundError(f"no top-level {MODEL_FILE} in {path}")
    return joblib.load(path)


def read_test_set(directory: Path) -> tuple[pd.DataFrame, pd.Series]:
    files = sorted(directory.rglob("*.csv"))
    if not files:
        raise FileNotFoundError(f"no *.csv file under {directory}")
    frame = pd.concat((pd.read_csv(f) for f in files), ignore_index=True)
    return frame.iloc[:, 1:].astype("float64"), frame.iloc[:, 0].astype("int64")


def _scores(y: np.ndarray, predicted: np.ndarray, probability: np.ndarray) -> dict[str, float]:
    return {
        "accuracy": accuracy_score(y, predicted),
        "precision": precision_score(y, predicted, zero_division=0),
        "recall": recall_score(y, predicted, zero_division=0),
        "f1": f1_score(y, predicted, zero_division=0),
        "auc": roc_auc_score(y, probability) if len(np.unique(y)) == 2 else float("nan"),
    }


def evaluate(model, x: pd.DataFrame, y: pd.Series, bootstrap_rounds: int, seed: int) -> dict:
    """Return the report: point estimates on the test set, bootstrap standard deviations."""
    if y.nunique() < 2:
        raise ValueError(
            "the test set holds a single class: precision, recall and AUC are undefined"
        )
    positive = list(model.classes_).index(1)
    probability = model.predict_proba(x)[:, positive]
    predicted = model.predict(x)
    labels = y.to_numpy()
    point = _scores(labels, predicted, probability)

    rng = np.random.default_rng(seed)
    samples = {name: [] for name in point}
    for _ in range(bootstrap_rounds):
        index = rng.integers(0, len(labels), len(labels))
        if len(np.unique(labels[index])) < 2:
            continue
        for name, value in _scores(labels[index], predicted[index], probability[index]).items():
            samples[name].append(value)

    metrics = {
        name: {
            "value": float(value),
            "standard_deviation": float(np.std(samples[name])) if samples[name] else 0.0,
        }
        for name, value in point.items()
    }
    (tn, fp), (fn, tp) = confusion_matrix(labels, predicted, labels=[0, 1])
    metrics["confusion_matrix"] = {
        "0": {"0": int(tn), "1": int(fp)},
        "1": {"0": int(fn), "1": int(tp)},
    }
    return {"binary_classification_metrics": metrics}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    base = Path(os.environ.get("ML_PROCESSING_DIR", DEFAULT_BASE_DIR))
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument(
        "--model-path",
        type=Path,
        default=base / "model",
        help="model.tar.gz, model.joblib, or a directory holding one of them",
    )
    parser.add_argument(
        "--test-dir", type=Path, default=base / "test", help="test CSV files, label first"
    )
    parser.add_argument(
        "--output-dir", type=Path, default=base / "evaluation", help=f"gets {REPORT_FILE}"
    )
    parser.add_argument(
        "--bootstrap-rounds",
        type=int,
        default=100,
        help="resamples of the test set for the standard deviations",
    )
    parser.add_argument("--seed", type=int, default=42, help="seed of the bootstrap")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> Path:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    args = parse_args(argv)
    model = load_model(args.model_path)
    x, y = read_test_set(args.test_dir)
    report = evaluate(model, x, y, args.bootstrap_rounds, args.seed)
    args.output_dir.mkdir(parents=True, exist_ok=True)
    path = args.output_dir / REPORT_FILE
    path.write_text(json.dumps(report, indent=2) + "\n")
    summary = {
        k: round(v["value"], 4)
        for k, v in report["binary_classification_metrics"].items()
        if "value" in v
    }
    LOG.info("test set: %d rows; %s -> %s", len(y), summary, path)
    return path


if __name__ == "__main__":
    main()
