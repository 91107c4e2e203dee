import json
import shutil
import tarfile

import joblib
import pytest

import evaluate
from conftest import pack_model


def json_get(document: dict, path: str):
    """Read a dotted path the way a pipeline's JsonGet reads a property file."""
    for part in path.split("."):
        document = document[part]
    return document


@pytest.fixture(scope="module")
def report(pipeline) -> dict:
    return json.loads(pipeline.report.read_text())


@pytest.fixture(scope="module")
def test_set(pipeline):
    return evaluate.read_test_set(pipeline.processing / "test")


def test_the_gate_metric_is_at_the_documented_path_and_passes(report):
    assert evaluate.GATE_METRIC_PATH == "binary_classification_metrics.f1.value"
    f1 = json_get(report, evaluate.GATE_METRIC_PATH)
    assert isinstance(f1, float)
    # the sample clears the default quality gate by a wide margin
    assert f1 >= evaluate.DEFAULT_F1_THRESHOLD + 0.1


def test_report_has_the_model_quality_shape(report, test_set):
    metrics = report["binary_classification_metrics"]
    assert set(report) == {"binary_classification_metrics"}
    for name in ("accuracy", "precision", "recall", "f1", "auc"):
        assert set(metrics[name]) == {"value", "standard_deviation"}
        assert 0.0 < metrics[name]["value"] <= 1.0
        assert 0.0 < metrics[name]["standard_deviation"] < 0.05
    matrix = metrics["confusion_matrix"]
    assert sum(matrix[a][p] for a in ("0", "1") for p in ("0", "1")) == len(test_set[1])
    assert matrix["1"]["0"] + matrix["1"]["1"] == int(test_set[1].sum())


def test_report_is_deterministic(pipeline, report, test_set):
    model = evaluate.load_model(pipeline.model_archive)
    assert evaluate.evaluate(model, *test_set, bootstrap_rounds=100, seed=42) == report


def test_loads_the_model_from_every_supported_layout(pipeline, tmp_path, test_set):
    x = test_set[0].head(20)
    expected = joblib.load(pipeline.model_dir / evaluate.MODEL_FILE).predict_proba(x)

    unpacked = tmp_path / "unpacked"
    shutil.copytree(pipeline.model_dir, unpacked)
    dotted = tmp_path / "dotted.tar.gz"  # `tar -czf model.tar.gz .` names members ./model.joblib
    with tarfile.open(dotted, "w:gz") as tar:
        tar.add(pipeline.model_dir / evaluate.MODEL_FILE, arcname="./model.joblib")
    for path in (
        pipeline.model_archive,  # model.tar.gz
        pipeline.model_archive.parent,  # a directory holding model.tar.gz
        unpacked,  # a directory holding model.joblib
        unpacked / evaluate.MODEL_FILE,  # the file itself
        dotted,
    ):
        model = evaluate.load_model(path)
        assert (model.predict_proba(x) == expected).all(), path


def test_a_missing_model_is_reported(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"neither model\.joblib nor model\.tar\.gz"):
        evaluate.load_model(tmp_path)
    (tmp_path / "code").mkdir()
    (tmp_path / "code" / "inference.py").write_text("")
    archive = pack_model(tmp_path, tmp_path / "other" / "model.tar.gz")
    with pytest.raises(FileNotFoundError, match=r"no top-level model\.joblib"):
        evaluate.load_model(archive)


def test_a_single_class_test_set_is_refused(pipeline, test_set):
    model = evaluate.load_model(pipeline.model_archive)
    x, y = test_set
    negatives = y == 0
    with pytest.raises(ValueError, match="single class"):
        evaluate.evaluate(model, x[negatives], y[negatives], bootstrap_rounds=5, seed=1)


def test_output_dir_is_created(pipeline, tmp_path):
    path = evaluate.main(
        [
            "--model-path",
            str(pipeline.model_archive),
            "--test-dir",
            str(pipeline.processing / "test"),
            "--output-dir",
            str(tmp_path / "deep" / "evaluation"),
            "--bootstrap-rounds",
            "3",
        ]
    )
    assert path == tmp_path / "deep" / "evaluation" / "evaluation.json"
    assert 0.0 < json_get(json.loads(path.read_text()), evaluate.GATE_METRIC_PATH) <= 1.0
