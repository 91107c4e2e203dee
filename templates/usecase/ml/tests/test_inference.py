import json

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier

import inference
import preprocess

SENSORS = list(preprocess.SENSOR_COLUMNS)


@pytest.fixture(scope="module")
def model(pipeline):
    return inference.model_fn(str(pipeline.model_dir))


@pytest.fixture(scope="module")
def readings(pipeline) -> pd.DataFrame:
    """Ten cleaned raw readings, with their identifiers, five of each label."""
    raw = preprocess.clean(pd.read_csv(pipeline.raw_csv))
    return pd.concat(
        [raw[raw["needs_maintenance"] == 1].head(5), raw[raw["needs_maintenance"] == 0].head(5)]
    )


@pytest.fixture(scope="module")
def expected(model, readings) -> np.ndarray:
    """The probabilities of the training pipeline's own feature path."""
    return model.predict_proba(preprocess.to_model_table(readings).iloc[:, 1:])[:, 1]


def serve(model, body, content_type, accept="application/json") -> list[dict]:
    """One request through the handler, as the serving container chains it."""
    features = inference.input_fn(body, content_type)
    response, response_type = inference.output_fn(inference.predict_fn(features, model), accept)
    assert response_type == "application/json"
    return json.loads(response)["predictions"]


def probabilities(predictions: list[dict]) -> np.ndarray:
    return np.array([p["probability"] for p in predictions])


def test_csv_round_trip(model, readings, expected):
    body = readings[SENSORS].to_csv(header=False, index=False)
    predictions = serve(model, body, "text/csv")
    assert len(predictions) == len(readings)
    np.testing.assert_allclose(probabilities(predictions), expected, atol=1e-6)
    assert [p["needs_maintenance"] for p in predictions] == [
        int(p >= 0.5) for p in probabilities(predictions)
    ]
    assert all(set(p) == {"needs_maintenance", "probability"} for p in predictions)


def test_csv_with_a_header_in_any_order_and_extra_columns(model, readings, expected):
    columns = ["gun_id", *reversed(SENSORS), "plant_id"]
    body = readings[columns].to_csv(index=False).encode("utf-8")
    predictions = serve(model, body, "text/csv; charset=utf-8")
    np.testing.assert_allclose(probabilities(predictions), expected, atol=1e-6)


def test_json_round_trip_in_every_accepted_shape(model, readings, expected):
    records = json.loads(readings[[*SENSORS, "gun_id"]].to_json(orient="records"))
    rows = readings[SENSORS].to_numpy().tolist()
    for body in (
        {"instances": records},
        {"instances": rows},
        records,
        rows,
    ):
        predictions = serve(model, json.dumps(body), "application/json")
        np.testing.assert_allclose(probabilities(predictions), expected, atol=1e-6)
    single = serve(model, json.dumps(records[0]).encode(), "application/json", accept="*/*")
    np.testing.assert_allclose(probabilities(single), expected[:1], atol=1e-6)


def test_the_model_finds_the_guns_that_need_maintenance(model, readings):
    body = readings[SENSORS].to_csv(header=False, index=False)
    labels = [p["needs_maintenance"] for p in serve(model, body, "text/csv")]
    assert sum(a == b for a, b in zip(labels, readings["needs_maintenance"], strict=True)) >= 8


def test_accept_may_list_several_types(model, readings):
    body = readings[SENSORS].head(1).to_csv(header=False, index=False)
    assert serve(model, body, "text/csv", accept="text/html, application/json;q=0.9")
    assert serve(model, body, "text/csv", accept=None)


def reading(**changes) -> dict:
    base = {
        "current_ka": 10.1,
        "voltage_v": 1.45,
        "weld_time_ms": 280,
        "electrode_force_kn": 3.1,
        "force_setpoint_kn": 3.2,
        "welds_since_tip_dress": 120,
        "resistance_uohm": 140.0,
        "temperature_c": 33.0,
    }
    return {**base, **changes}


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        ("1,2,3", "application/x-npy", "unsupported content type 'application/x-npy'"),
        ("1,2,3", None, "unsupported content type None"),
        ("", "text/csv", "the request holds no readings"),
        ("\n\n", "text/csv", "the request holds no readings"),
        ("10.1,1.45,280,3.1,3.2,120,140.0", "text/csv", "CSV row 1 has 7 values, expected 8"),
        ("10.1,1.45,abc,3.1,3.2,120,140.0,33", "text/csv", "CSV row 1, weld_time_ms"),
        ("10.1,1.45,,3.1,3.2,120,140.0,33", "text/csv", "CSV row 1, weld_time_ms"),
        ("current_ka,voltage_v\n10,1.4", "text/csv", "the CSV header lacks the columns"),
        (b"\xff\xfe\x00", "text/csv", "not UTF-8 text"),
        (None, "text/csv", "the request body must be text, got NoneType"),
        ("{not json", "application/json", "not valid JSON"),
        ('{"instances": {"current_ka": 1}}', "application/json", '"instances" must be a list'),
        ('{"instances": []}', "application/json", "the request holds no readings"),
        ('"text"', "application/json", '"instances" must be a list'),
        ("[42]", "application/json", r"instances\[0\] must be an object or a list"),
        ("[[1, 2, 3]]", "application/json", r"instances\[0\] has 3 values, expected 8"),
        (
            json.dumps({"instances": [reading(), {"current_ka": 10}]}),
            "application/json",
            r"instances\[1\] lacks the fields \['voltage_v'",
        ),
        (
            json.dumps([reading(temperature_c="hot")]),
            "application/json",
            r"instances\[0\]\.temperature_c must be a number, got 'hot'",
        ),
        (
            json.dumps([reading(weld_time_ms=True)]),
            "application/json",
            r"instances\[0\]\.weld_time_ms must be a number, got True",
        ),
        (
            json.dumps([reading(), reading(current_ka=-3)]),
            "application/json",
            r"row 2: current_ka=-3\.0 is outside \(0\.0, 30\.0\]",
        ),
        (
            '[{"current_ka": NaN, "voltage_v": 1.45, "weld_time_ms": 280, '
            '"electrode_force_kn": 3.1, "force_setpoint_kn": 3.2, '
            '"welds_since_tip_dress": 120, "resistance_uohm": 140.0, "temperature_c": 33.0}]',
            "application/json",
            "row 1: current_ka=nan is outside",
        ),
        (
            json.dumps([reading(current_ka=-1.0 - i) for i in range(8)]),
            "application/json",
            "and 3 more",
        ),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(body, content_type, message):
    with pytest.raises(inference.InvalidInputError, match=message) as error:
        inference.input_fn(body, content_type)
    assert isinstance(error.value, ValueError)


def test_an_unsupported_accept_type_is_refused(model):
    features = inference.input_fn(json.dumps(reading()), "application/json")
    prediction = inference.predict_fn(features, model)
    with pytest.raises(inference.InvalidInputError, match="unsupported accept type 'text/csv'"):
        inference.output_fn(prediction, "text/csv")


def test_a_model_trained_on_other_features_is_refused(tmp_path):
    other = HistGradientBoostingClassifier(max_iter=2).fit(
        pd.DataFrame({"a": [0.0, 1.0, 0.0, 1.0], "b": [1.0, 0.0, 1.0, 0.0]}), [0, 1, 0, 1]
    )
    joblib.dump(other, tmp_path / inference.MODEL_FILE)
    with pytest.raises(RuntimeError, match="serve the model with the code it was trained with"):
        inference.model_fn(str(tmp_path))
