"""SageMaker Processing entry script: clean the raw weld readings, derive features, split by gun.

Inputs and outputs (all overridable, see ``--help``; ``ML_PROCESSING_DIR`` moves the whole tree, so
that ``ML_PROCESSING_DIR=.local/processing python preprocess.py`` runs on a laptop)::

    /opt/ml/processing/input/data/**/*.csv      raw readings (the columns of generate_data.py)
    /opt/ml/processing/train/train.csv          training set
    /opt/ml/processing/validation/validation.csv
    /opt/ml/processing/test/test.csv

Every output file has a header row; the first column is the label ``needs_maintenance`` (0 or 1) and
the other columns are ``FEATURE_COLUMNS``, in that order. Identifiers (weld, gun, plant, time) are
not written: the model must generalise to guns it has never seen.

The split is by gun: all welds of one gun land in the same split, so that no gun's history leaks
from training into validation or test.

This file is self-contained (numpy and pandas only) because a processing job receives this one file.
``inference.py`` imports ``SENSOR_COLUMNS``, ``FEATURE_COLUMNS``, ``implausible`` and
``engineer_features`` from here, so that serving computes the features exactly as training did.
"""

import argparse
import logging
import os
from pathlib import Path

import numpy as np
import pandas as pd

LOG = logging.getLogger("preprocess")

LABEL_COLUMN = "needs_maintenance"
GROUP_COLUMN = "gun_id"
# The raw readings a caller sends, in this order (also the column order of a CSV request).
SENSOR_COLUMNS = (
    "current_ka",
    "voltage_v",
    "weld_time_ms",
    "electrode_force_kn",
    "force_setpoint_kn",
    "welds_since_tip_dress",
    "resistance_uohm",
    "temperature_c",
)
DERIVED_COLUMNS = ("power_kw", "energy_j", "force_deviation")
FEATURE_COLUMNS = (*SENSOR_COLUMNS, *DERIVED_COLUMNS)

# A reading outside these bounds (exclusive lower, inclusive upper) is a sensor fault, not a weld.
PLAUSIBLE_RANGES = {
    "current_ka": (0.0, 30.0),
    "voltage_v": (0.0, 10.0),
    "weld_time_ms": (0.0, 2000.0),
    "electrode_force_kn": (0.0, 10.0),
    "force_setpoint_kn": (0.0, 10.0),
    "welds_since_tip_dress": (-1.0, 10_000.0),
    "resistance_uohm": (0.0, 1000.0),
    "temperature_c": (-20.0, 150.0),
}

DEFAULT_BASE_DIR = "/opt/ml/processing"


def implausible(readings: pd.DataFrame) -> pd.DataFrame:
    """True where a sensor value is missing or outside its plausible range, per cell."""
    result = pd.DataFrame(index=readings.index)
    for column, (low, high) in PLAUSIBLE_RANGES.items():
        values = pd.to_numeric(readings[column], errors="coerce").astype("float64")
        result[column] = ~((values > low) & (values <= high))  # NaN compares False: implausible
    return result


def engineer_features(readings: pd.DataFrame) -> pd.DataFrame:
    """Return the model's input, ``FEATURE_COLUMNS`` as float64, from plausible sensor readings.

    Stateless and row by row, so that a single reading at an endpoint gets the same features as a
    row of the training set.
    """
    features = readings.loc[:, list(SENSOR_COLUMNS)].astype("float64")
    features["power_kw"] = features["current_ka"] * features["voltage_v"]
    # kA x V x ms = J
    features["energy_j"] = features["power_kw"] * features["weld_time_ms"]
    features["force_deviation"] = (
        features["electrode_force_kn"] / features["force_setpoint_kn"] - 1.0
    )
    return features.loc[:, list(FEATURE_COLUMNS)]


def clean(raw: pd.DataFrame) -> pd.DataFrame:
    """Drop duplicate welds, rows without a label and rows with a missing or implausible reading."""
    missing = [c for c in (*SENSOR_COLUMNS, LABEL_COLUMN, GROUP_COLUMN) if c not in raw.columns]
    if missing:
        raise ValueError(f"the raw data lacks the columns {missing}")
    frame = raw.drop_duplicates(subset="weld_id") if "weld_id" in raw.columns else raw
    bad = implausible(frame).any(axis=1) | ~frame[LABEL_COLUMN].isin([0, 1])
    LOG.info("dropping %d of %d rows: missing or implausible values", bad.sum(), len(raw))
    frame = frame.loc[~bad].copy()
    frame[LABEL_COLUMN] = frame[LABEL_COLUMN].astype("int64")
    return frame


def split_by_gun(
    frame: pd.DataFrame, train_ratio: float, validation_ratio: float, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Split into train, validation and test so that every gun is in exactly one of them.

    The guns are shuffled with ``seed``; ``train_ratio`` and ``validation_ratio`` of them (rounded)
    go to train and validation, the rest to test. Each split gets at least one gun.
    """
    ratios_ok = 0 < train_ratio < 1 and 0 < validation_ratio < 1
    if not (ratios_ok and train_ratio + validation_ratio < 1):
        raise ValueError(
            "train_ratio and validation_ratio must be in (0, 1) and sum to less than 1, got "
            f"{train_ratio} and {validation_ratio}"
        )
    guns = np.sort(frame[GROUP_COLUMN].unique())
    if len(guns) < 3:
        raise ValueError(f"a split by gun needs at least 3 guns, the data has {len(guns)}")
    guns = np.random.default_rng(seed).permutation(guns)
    n_train = min(max(1, round(len(guns) * train_ratio)), len(guns) - 2)
    n_validation = min(max(1, round(len(guns) * validation_ratio)), len(guns) - n_train - 1)
    parts = np.split(guns, [n_train, n_train + n_validation])
    return tuple(frame.loc[frame[GROUP_COLUMN].isin(part)] for part in parts)


def to_model_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The output format: the label first, then ``FEATURE_COLUMNS``."""
    table = engineer_features(frame)
    table.insert(0, LABEL_COLUMN, frame[LABEL_COLUMN].to_numpy())
    return table


def read_csvs(directory: Path) -> pd.DataFrame:
    files = sorted(directory.rglob("*.csv"))
    if not files:
        raise FileNotFoundError(f"no *.csv file under {directory}")
    LOG.info("reading %d file(s) from %s", len(files), directory)
    return pd.concat((pd.read_csv(f) for f in files), ignore_index=True)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    base = Path(os.environ.get("ML_PROCESSING_DIR", DEFAULT_BASE_DIR))
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument(
        "--input-dir",
        type=Path,
        default=base / "input" / "data",
        help="raw CSV files, searched recursively",
    )
    parser.add_argument("--train-dir", type=Path, default=base / "train", help="gets train.csv")
    parser.add_argument(
        "--validation-dir",
        type=Path,
        default=base / "validation",
        help="gets validation.csv",
    )
    parser.add_argument("--test-dir", type=Path, default=base / "test", help="gets test.csv")
    parser.add_argument("--train-ratio", type=float, default=0.7, help="share of guns")
    parser.add_argument("--validation-ratio", type=float, default=0.15, help="share of guns")
    parser.add_argument("--seed", type=int, default=42, help="seed of the gun shuffle")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> dict[str, Path]:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    args = parse_args(argv)
    frame = clean(read_csvs(args.input_dir))
    splits = split_by_gun(frame, args.train_ratio, args.validation_ratio, args.seed)
    written = {}
    for name, directory, part in zip(
        ("train", "validation", "test"),
        (args.train_dir, args.validation_dir, args.test_dir),
        splits,
        strict=True,
    ):
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"{name}.csv"
        to_model_table(part).to_csv(path, index=False)
        LOG.info(
            "%s: %d rows of %d guns, positive rate %.3f -> %s",
            name,
            len(part),
            part[GROUP_COLUMN].nunique(),
            part[LABEL_COLUMN].mean(),
            path,
        )
        written[name] = path
    return written


if __name__ == "__main__":
    main()
