"""The estimator of estimator.py: scikit-learn's HistGradientBoostingClassifier."""

import joblib
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier

import estimator
import train


def test_the_model_is_a_hist_gradient_boosting_classifier_of_the_hyperparameters(pipeline):
    model = joblib.load(pipeline.model_dir / train.MODEL_FILE)
    assert isinstance(model, HistGradientBoostingClassifier)
    assert (model.max_iter, model.learning_rate, model.max_depth, model.max_leaf_nodes) == (
        300,
        0.05,
        4,
        15,
    )
    assert not model.early_stopping


def test_max_depth_0_is_unlimited_and_balanced_weighs_the_classes():
    args = train.parse_args(["--max-depth", "0", "--class-weight", "balanced"])
    model = estimator.build(args, pd.Series([0, 0, 0, 1]))
    assert (model.max_depth, model.class_weight) == (None, "balanced")
