import json
import platform
import re

import joblib
import pytest

import estimator
import preprocess
import train


def test_writes_the_model_metadata_and_serving_code(pipeline):
    model = joblib.load(pipeline.model_dir / train.MODEL_FILE)
    assert list(model.feature_names_in_) == list(preprocess.FEATURE_COLUMNS)
    assert list(model.classes_) == [0, 1]
    metadata = json.loads((pipeline.model_dir / train.METADATA_FILE).read_text())
    assert metadata["feature_columns"] == list(preprocess.FEATURE_COLUMNS)
    assert metadata["hyperparameters"]["max_iter"] == 300
    assert set(metadata["metrics"]) == {"train", "validation"}
    assert metadata["estimator"] == type(model).__name__
    assert metadata["versions"] == {"python": platform.python_version(), **estimator.versions()}
    for name in train.SERVING_CODE:
        assert (pipeline.model_dir / "code" / name).is_file()


def test_metric_definitions_find_every_metric_in_the_log(pipeline):
    found = {}
    for definition in train.METRIC_DEFINITIONS:
        match = re.search(definition["Regex"], pipeline.train_stdout)
        assert match, f"{definition['Name']} not in the training log"
        found[definition["Name"]] = float(match.group(1))
    assert len(found) == 10
    assert all(0.0 <= value <= 1.0 for value in found.values())
    assert found["validation:f1"] > 0.8


def test_hyperparameters_in_either_spelling():
    args = train.parse_args(["--max_iter", "10", "--learning-rate", "0.2", "--max_depth", "0"])
    assert (args.max_iter, args.learning_rate, args.max_depth) == (10, 0.2, 0)


def test_sagemaker_arguments_are_tolerated():
    args = train.parse_args(["--_tuning_objective_metric", "validation:f1", "--max-iter", "5"])
    assert args.max_iter == 5


@pytest.mark.parametrize("flag", ["--max-iters", "--learning", "--maxiter"])
def test_a_misspelt_or_abbreviated_hyperparameter_fails(capsys, flag):
    with pytest.raises(SystemExit):
        train.parse_args([flag, "5"])
    assert f"unknown arguments: {flag}" in capsys.readouterr().err


def test_paths_come_from_the_sagemaker_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SM_CHANNEL_TRAIN", str(tmp_path / "t"))
    monkeypatch.setenv("SM_CHANNEL_VALIDATION", str(tmp_path / "v"))
    monkeypatch.setenv("SM_MODEL_DIR", str(tmp_path / "m"))
    args = train.parse_args([])
    assert (args.train, args.validation, args.model_dir) == (
        tmp_path / "t",
        tmp_path / "v",
        tmp_path / "m",
    )


def test_trains_without_a_validation_channel(pipeline, tmp_path, caplog, capsys):
    path = train.main(
        [
            "--train",
            str(pipeline.processing / "train"),
            "--validation",
            str(tmp_path / "absent"),
            "--model-dir",
            str(tmp_path / "model"),
            "--max-iter",
            "5",
        ]
    )
    assert path.is_file()
    assert "no validation channel" in caplog.text
    assert "validation:" not in capsys.readouterr().out


def test_missing_training_data_is_reported(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"no \*\.csv file under"):
        train.main(["--train", str(tmp_path), "--model-dir", str(tmp_path / "m")])
