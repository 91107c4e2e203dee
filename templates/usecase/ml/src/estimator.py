"""The model of ``train.py``: scikit-learn's ``HistGradientBoostingClassifier``.

``train.py`` reads the data, logs the metrics and writes the model directory; this module is the
part that names the estimator: its hyperparameters (``add_hyperparameters``), how they build it
(``build``) and the library versions the model needs to load (``versions``). Another estimator
replaces this file and keeps these three functions.
"""

import argparse
from collections.abc import Callable

import pandas as pd
import sklearn
from sklearn.ensemble import HistGradientBoostingClassifier


def add_hyperparameters(hyperparameter: Callable[..., None]) -> None:
    """Declare the hyperparameters: ``hyperparameter(name, **argparse keyword arguments)``."""
    hyperparameter("max-iter", type=int, default=300, help="boosting iterations (trees)")
    hyperparameter("learning-rate", type=float, default=0.05, help="shrinkage of each tree")
    hyperparameter("max-depth", type=int, default=4, help="tree depth; 0: unlimited")
    hyperparameter("max-leaf-nodes", type=int, default=15, help="leaves per tree")
    hyperparameter("min-samples-leaf", type=int, default=50, help="rows per leaf, at least")
    hyperparameter("l2-regularization", type=float, default=0.0, help="L2 penalty of leaf values")
    hyperparameter(
        "class-weight",
        choices=("none", "balanced"),
        default="none",
        help="balanced: weigh the rarer class up",
    )
    hyperparameter("seed", type=int, default=42, help="random state of the estimator")


def build(args: argparse.Namespace, y_train: pd.Series) -> HistGradientBoostingClassifier:
    """The unfitted estimator of these hyperparameters (``y_train``: the labels it will fit)."""
    del y_train  # class_weight="balanced" weighs the classes itself
    return HistGradientBoostingClassifier(
        max_iter=args.max_iter,
        learning_rate=args.learning_rate,
        max_depth=args.max_depth or None,
        max_leaf_nodes=args.max_leaf_nodes,
        min_samples_leaf=args.min_samples_leaf,
        l2_regularization=args.l2_regularization,
        class_weight=None if args.class_weight == "none" else args.class_weight,
        early_stopping=False,  # the validation channel is the hold-out; keeps runs reproducible
        random_state=args.seed,
    )


def versions() -> dict[str, str]:
    """The versions of the libraries that load the model (written into model_metadata.json)."""
    return {"scikit-learn": sklearn.__version__}
