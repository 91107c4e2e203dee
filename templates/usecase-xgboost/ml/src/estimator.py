"""The model of ``train.py``: XGBoost's ``XGBClassifier`` (the CPU-only ``xgboost-cpu`` wheel).

``train.py`` reads the data, logs the metrics and writes the model directory; this module is the
part that names the estimator: its hyperparameters (``add_hyperparameters``), how they build it
(``build``) and the library versions the model needs to load (``versions``). Another estimator
replaces this file and keeps these three functions.

The hyperparameters keep the names of the scikit-learn sample where XGBoost has the same knob
(``max_iter`` is ``n_estimators``, ``max_leaf_nodes`` is ``max_leaves``, ``l2_regularization`` is
``reg_lambda``, ``class_weight=balanced`` sets ``scale_pos_weight``), so the pipeline passes them
unchanged. Trees grow leaf by leaf (``grow_policy="lossguide"``) on histograms, as scikit-learn's
``HistGradientBoostingClassifier`` grows them.
"""

import argparse
from collections.abc import Callable

import pandas as pd
import sklearn
import xgboost
from xgboost import XGBClassifier


def add_hyperparameters(hyperparameter: Callable[..., None]) -> None:
    """Declare the hyperparameters: ``hyperparameter(name, **argparse keyword arguments)``."""
    hyperparameter("max-iter", type=int, default=300, help="boosting rounds (trees), n_estimators")
    hyperparameter("learning-rate", type=float, default=0.05, help="shrinkage of each tree")
    hyperparameter("max-depth", type=int, default=4, help="tree depth; 0: unlimited")
    hyperparameter("max-leaf-nodes", type=int, default=15, help="leaves per tree, max_leaves")
    hyperparameter(
        "min-child-weight", type=float, default=1.0, help="hessian sum per leaf, at least"
    )
    hyperparameter("l2-regularization", type=float, default=1.0, help="reg_lambda of leaf values")
    hyperparameter(
        "class-weight",
        choices=("none", "balanced"),
        default="none",
        help="balanced: weigh the rarer class up (scale_pos_weight = negatives / positives)",
    )
    hyperparameter("seed", type=int, default=42, help="random state of the estimator")


def build(args: argparse.Namespace, y_train: pd.Series) -> XGBClassifier:
    """The unfitted estimator of these hyperparameters (``y_train``: the labels it will fit)."""
    positives = int((y_train == 1).sum())
    balanced = args.class_weight == "balanced" and positives > 0
    return XGBClassifier(
        n_estimators=args.max_iter,
        learning_rate=args.learning_rate,
        max_depth=args.max_depth,
        max_leaves=args.max_leaf_nodes,
        min_child_weight=args.min_child_weight,
        reg_lambda=args.l2_regularization,
        scale_pos_weight=(len(y_train) - positives) / positives if balanced else 1.0,
        tree_method="hist",
        grow_policy="lossguide",
        objective="binary:logistic",
        random_state=args.seed,
    )


def versions() -> dict[str, str]:
    """The versions of the libraries that load the model (written into model_metadata.json)."""
    return {"xgboost": xgboost.__version__, "scikit-learn": sklearn.__version__}
