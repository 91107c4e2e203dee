"""SageMaker training script (script mode): a classifier of ``needs_maintenance``.

Inputs and outputs, with the environment variables SageMaker sets and their defaults::

    SM_CHANNEL_TRAIN       /opt/ml/input/data/train        *.csv from preprocess.py (label first)
    SM_CHANNEL_VALIDATION  /opt/ml/input/data/validation   optional: metrics are skipped without it
    SM_MODEL_DIR           /opt/ml/model                   model.joblib, model_metadata.json, code/

The estimator and its hyperparameters are in ``estimator.py``. Hyperparameters arrive as
command-line arguments (``--max_iter 200`` or ``--max-iter 200``).
Metrics are printed as ``validation:f1=0.912345;`` lines; ``METRIC_DEFINITIONS`` holds the regular
expressions for the training job's metric definitions.

The model is an estimator with scikit-learn's interface, fitted on a DataFrame so that it
remembers its feature names. ``inference.py`` and ``preprocess.py`` are copied next to it into
``code/``, so that the model artifact carries the serving code that matches it: serve it with
``SAGEMAKER_PROGRAM=inference.py`` and ``SAGEMAKER_SUBMIT_DIRECTORY=/opt/ml/model/code``.
"""

import argparse
import json
import logging
import os
import shutil
import sys
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score, roc_auc_score

import estimator

LOG = logging.getLogger("train")

MODEL_FILE = "model.joblib"
METADATA_FILE = "model_metadata.json"
SERVING_CODE = ("inference.py", "preprocess.py")
METRICS = ("accuracy", "precision", "recall", "f1", "auc")
METRIC_DEFINITIONS = [
    {"Name": f"{split}:{metric}", "Regex": f"{split}:{metric}=([0-9\\.]+);"}
    for split in ("train", "validation")
    for metric in METRICS
]


def read_channel(directory: Path) -> tuple[pd.DataFrame, pd.Series]:
    """Read every *.csv of a channel: the first column is the label, the others are features."""
    files = sorted(directory.rglob("*.csv"))
    if not files:
        raise FileNotFoundError(f"no *.csv file under {directory}")
    frame = pd.concat((pd.read_csv(f) for f in files), ignore_index=True)
    return frame.iloc[:, 1:].astype("float64"), frame.iloc[:, 0].astype("int64")


def compute_metrics(model, x: pd.DataFrame, y: pd.Series) -> dict:
    positive = list(model.classes_).index(1)
    probability = model.predict_proba(x)[:, positive]
    predicted = model.predict(x)
    return {
        "accuracy": accuracy_score(y, predicted),
        "precision": precision_score(y, predicted, zero_division=0),
        "recall": recall_score(y, predicted, zero_division=0),
        "f1": f1_score(y, predicted, zero_division=0),
        "auc": roc_auc_score(y, probability) if y.nunique() == 2 else float("nan"),
    }


def log_metrics(split: str, metrics: dict) -> None:
    """Print ``split:name=value;`` for each metric, the format METRIC_DEFINITIONS parses."""
    line = " ".join(f"{split}:{k}={v:.6f};" for k, v in metrics.items() if np.isfinite(v))
    print(line, flush=True)


def train(args: argparse.Namespace) -> Path:
    x_train, y_train = read_channel(args.train)
    LOG.info("train: %d rows, %d features, positive rate %.3f", *x_train.shape, y_train.mean())
    model = estimator.build(args, y_train)
    model.fit(x_train, y_train)
    metrics = {"train": compute_metrics(model, x_train, y_train)}
    log_metrics("train", metrics["train"])

    if args.validation is not None and args.validation.is_dir():
        x_validation, y_validation = read_channel(args.validation)
        metrics["validation"] = compute_metrics(model, x_validation, y_validation)
        log_metrics("validation", metrics["validation"])
    else:
        LOG.warning("no validation channel at %s: no validation metrics", args.validation)

    args.model_dir.mkdir(parents=True, exist_ok=True)
    path = args.model_dir / MODEL_FILE
    joblib.dump(model, path)
    metadata = {
        "estimator": type(model).__name__,
        "hyperparameters": {name: getattr(args, name) for name in args.hyperparameters},
        "estimator_parameters": model.get_params(),
        "feature_columns": list(x_train.columns),
        "metrics": metrics,
        "versions": {"python": sys.version.split()[0], **estimator.versions()},
    }
    (args.model_dir / METADATA_FILE).write_text(json.dumps(metadata, indent=2, default=str) + "\n")
    copy_serving_code(args.model_dir / "code")
    LOG.info("model written to %s", path)
    return path


def copy_serving_code(destination: Path) -> None:
    here = Path(__file__).resolve().parent
    destination.mkdir(parents=True, exist_ok=True)
    for name in SERVING_CODE:
        if (here / name).is_file():
            shutil.copy2(here / name, destination / name)
        else:
            LOG.warning("%s is not next to train.py: the model artifact will not carry it", name)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    env = os.environ
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
        allow_abbrev=False,
    )

    hyperparameters = []

    def hyperparameter(name: str, **kwargs) -> None:
        # SageMaker passes hyperparameters as `--name value` with the name as written in the job
        # definition; accept both spellings.
        flags = dict.fromkeys((f"--{name}", f"--{name.replace('-', '_')}"))
        hyperparameters.append(parser.add_argument(*flags, **kwargs).dest)

    estimator.add_hyperparameters(hyperparameter)

    parser.add_argument(
        "--train",
        type=Path,
        default=Path(env.get("SM_CHANNEL_TRAIN", "/opt/ml/input/data/train")),
        help="training channel: a directory of CSV files (env SM_CHANNEL_TRAIN)",
    )
    parser.add_argument(
        "--validation",
        type=Path,
        default=Path(env.get("SM_CHANNEL_VALIDATION", "/opt/ml/input/data/validation")),
        help="validation channel, optional (env SM_CHANNEL_VALIDATION)",
    )
    parser.add_argument(
        "--model-dir",
        type=Path,
        default=Path(env.get("SM_MODEL_DIR", "/opt/ml/model")),
        help="where the model is written (env SM_MODEL_DIR)",
    )
    # A tuning job adds `--_tuning_objective_metric NAME`; tolerate SageMaker's own arguments, but
    # fail on any other unknown one, so that a misspelt hyperparameter never goes unnoticed.
    args, unknown = parser.parse_known_args(argv)
    options = [u for u in unknown if u.startswith("-")]
    misspelt = [o for o in options if not o.startswith(("--_", "--sagemaker_"))]
    if misspelt:
        parser.error(f"unknown arguments: {' '.join(misspelt)}")
    if options:
        LOG.info("ignoring SageMaker's arguments %s", options)
    args.hyperparameters = hyperparameters
    return args


def main(argv: list[str] | None = None) -> Path:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    return train(parse_args(argv))


if __name__ == "__main__":
    main()
