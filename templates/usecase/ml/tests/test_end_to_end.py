"""generate -> preprocess -> train -> evaluate -> serve, each script in its own process, with the
environment variables and the directory layout of its SageMaker job (see conftest.pipeline)."""

import json

import pandas as pd

import evaluate
import inference
import preprocess
from conftest import SRC


def test_the_pipeline_produces_every_artifact(pipeline):
    processing = pipeline.processing
    for path in (
        pipeline.raw_csv,
        processing / "train/train.csv",
        processing / "validation/validation.csv",
        processing / "test/test.csv",
        pipeline.model_dir / "model.joblib",
        pipeline.model_archive,
        pipeline.report,
    ):
        assert path.is_file(), path


def test_the_model_passes_the_default_quality_gate(pipeline):
    report = json.loads(pipeline.report.read_text())
    f1 = report["binary_classification_metrics"]["f1"]["value"]
    print(f"\ntest f1 = {f1:.4f} (gate: f1 >= {evaluate.DEFAULT_F1_THRESHOLD})")
    assert f1 >= evaluate.DEFAULT_F1_THRESHOLD


def test_the_packed_serving_code_serves_the_packed_model(pipeline):
    """What an endpoint does: model_fn on the unpacked artifact, then one JSON request."""
    raw = preprocess.clean(pd.read_csv(pipeline.raw_csv)).head(3)
    model = inference.model_fn(str(pipeline.model_dir))
    body = json.dumps({"instances": raw[list(preprocess.SENSOR_COLUMNS)].to_dict("records")})
    features = inference.input_fn(body, "application/json")
    response, _ = inference.output_fn(inference.predict_fn(features, model), "application/json")
    assert len(json.loads(response)["predictions"]) == 3
    for name in ("inference.py", "preprocess.py"):
        assert (pipeline.model_dir / "code" / name).read_bytes() == (SRC / name).read_bytes()
