"""The estimator of estimator.py: XGBoost's XGBClassifier, from the CPU-only wheel."""

from importlib import metadata
from pathlib import Path

import joblib
import pandas as pd
import pytest
from xgboost import XGBClassifier

import estimator
import train

REQUIREMENTS = Path(__file__).resolve().parents[1] / "requirements.txt"


def test_the_model_is_an_xgboost_classifier_of_the_hyperparameters(pipeline):
    model = joblib.load(pipeline.model_dir / train.MODEL_FILE)
    assert isinstance(model, XGBClassifier)
    params = model.get_params()
    assert (params["n_estimators"], params["learning_rate"], params["max_depth"]) == (300, 0.05, 4)
    assert (params["max_leaves"], params["grow_policy"], params["tree_method"]) == (
        15,
        "lossguide",
        "hist",
    )


@pytest.mark.parametrize(("class_weight", "expected"), [("balanced", 3.0), ("none", 1.0)])
def test_balanced_weighs_the_positives_by_negatives_over_positives(class_weight, expected):
    args = train.parse_args(["--class-weight", class_weight])
    model = estimator.build(args, pd.Series([0, 0, 0, 1]))
    assert model.get_params()["scale_pos_weight"] == expected


def test_min_samples_leaf_is_scikit_learns_not_a_hyperparameter_here(capsys):
    with pytest.raises(SystemExit):
        train.parse_args(["--min-samples-leaf", "50"])
    assert "unknown arguments: --min-samples-leaf" in capsys.readouterr().err


def test_the_cpu_only_wheel_is_pinned_and_installed():
    pins = [line.strip() for line in REQUIREMENTS.read_text().splitlines()]
    xgboost_pins = [p for p in pins if p.startswith("xgboost")]
    assert xgboost_pins == [f"xgboost-cpu=={metadata.version('xgboost-cpu')}"]
