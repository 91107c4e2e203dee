"""Inference handler of the use case's image (``serve``, see container/serve).

The server calls ``model_fn`` once, then for each request ``input_fn`` -> ``predict_fn`` ->
``output_fn``. A request carries raw sensor readings of one or more welds; the features are derived
by ``preprocess.engineer_features``, the very function that built the training set.

Request (``Content-Type``):

- ``text/csv``: one weld per line, the values of ``SENSOR_COLUMNS`` in that order; an optional
  header line of column names allows any order and extra columns.
- ``application/json``: ``{"instances": [READING, ...]}``, a list of readings, or one reading;
  a reading is an object keyed by the names of ``SENSOR_COLUMNS`` (extra keys such as ``gun_id``
  are ignored) or a list of their values in order.

Response (``application/json``)::

    {"predictions": [{"needs_maintenance": 1, "probability": 0.934127}, ...]}

Bad input raises ``InvalidInputError`` (a ``ValueError``) whose message names the row and the
field and says what is expected. The container answers it with an error response and logs the
message; the caller of InvokeEndpoint sees a ``ModelError``.

``SENSOR_COLUMNS`` order: current_ka, voltage_v, weld_time_ms, electrode_force_kn,
force_setpoint_kn, welds_since_tip_dress, resistance_uohm, temperature_c.
"""

import csv
import io
import json
import logging
from pathlib import Path

import joblib
import numpy as np
import pandas as pd

from preprocess import (
    FEATURE_COLUMNS,
    PLAUSIBLE_RANGES,
    SENSOR_COLUMNS,
    engineer_features,
    implausible,
)

LOG = logging.getLogger("inference")

MODEL_FILE = "model.joblib"
CSV = "text/csv"
JSON = "application/json"
# what the image's serve command checks before input_fn (415) and output_fn (406)
CONTENT_TYPES = (CSV, JSON)
ACCEPT_TYPES = (JSON,)
MAX_REPORTED_ERRORS = 5
_FIELDS = ",".join(SENSOR_COLUMNS)


class InvalidInputError(ValueError):
    """The request cannot be served as sent; the message says what to send instead."""


def model_fn(model_dir: str):
    """Load the model and check that it expects the features this code computes."""
    model = joblib.load(Path(model_dir) / MODEL_FILE)
    expected = list(getattr(model, "feature_names_in_", []))
    if expected != list(FEATURE_COLUMNS):
        raise RuntimeError(
            f"the model expects the features {expected} but preprocess.py computes "
            f"{list(FEATURE_COLUMNS)}: serve the model with the code it was trained with"
        )
    LOG.info("loaded %s from %s", type(model).__name__, model_dir)
    return model


def input_fn(request_body: str | bytes, request_content_type: str | None) -> pd.DataFrame:
    """Parse a CSV or JSON request of raw readings into the model's feature frame."""
    content_type = _media_type(request_content_type)
    text = _text(request_body)
    if content_type == CSV:
        readings = _from_csv(text)
    elif content_type == JSON:
        readings = _from_json(text)
    else:
        raise InvalidInputError(
            f"unsupported content type {request_content_type!r}: send {CSV} or {JSON}"
        )
    _check_plausible(readings)
    return engineer_features(readings)


def predict_fn(input_data: pd.DataFrame, model) -> dict[str, np.ndarray]:
    """Return the probability of ``needs_maintenance`` and the predicted label of each row."""
    positive = list(model.classes_).index(1)
    return {
        "needs_maintenance": np.asarray(model.predict(input_data), dtype=np.int64),
        "probability": model.predict_proba(input_data)[:, positive],
    }


def output_fn(prediction: dict[str, np.ndarray], accept: str | None) -> tuple[str, str]:
    """Serialise the predictions as JSON; returns (body, content type) as the container expects."""
    accepted = {_media_type(part) for part in (accept or "").split(",")}
    if not accepted & {JSON, "*/*", ""}:
        raise InvalidInputError(f"unsupported accept type {accept!r}: accept {JSON}")
    body = {
        "predictions": [
            {"needs_maintenance": int(label), "probability": round(float(probability), 6)}
            for label, probability in zip(
                prediction["needs_maintenance"], prediction["probability"], strict=True
            )
        ]
    }
    return json.dumps(body), JSON


def _media_type(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def _text(body: str | bytes | bytearray) -> str:
    if isinstance(body, (bytes, bytearray)):
        try:
            return bytes(body).decode("utf-8")
        except UnicodeDecodeError as error:
            raise InvalidInputError(f"the request body is not UTF-8 text: {error}") from error
    if not isinstance(body, str):
        raise InvalidInputError(f"the request body must be text, got {type(body).__name__}")
    return body


def _number(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise InvalidInputError(f"{where} must be a number, got {value!r}")
    try:
        return float(value)
    except ValueError:
        raise InvalidInputError(f"{where} must be a number, got {value!r}") from None


def _frame(rows: list[list[float]]) -> pd.DataFrame:
    if not rows:
        raise InvalidInputError(f"the request holds no readings: send at least one of {_FIELDS}")
    return pd.DataFrame(rows, columns=list(SENSOR_COLUMNS), dtype="float64")


def _from_csv(text: str) -> pd.DataFrame:
    lines = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    positions = list(range(len(SENSOR_COLUMNS)))
    if lines and not _looks_numeric(lines[0][0]):
        header = [cell.strip() for cell in lines.pop(0)]
        missing = [c for c in SENSOR_COLUMNS if c not in header]
        if missing:
            raise InvalidInputError(f"the CSV header lacks the columns {missing}")
        positions = [header.index(c) for c in SENSOR_COLUMNS]
        width = len(header)
    else:
        width = len(SENSOR_COLUMNS)
    rows = []
    for number, line in enumerate(lines, start=1):
        if len(line) != width:
            raise InvalidInputError(
                f"CSV row {number} has {len(line)} values, expected {width}: {_FIELDS}"
            )
        rows.append(
            [
                _number(line[p].strip(), f"CSV row {number}, {column}")
                for p, column in zip(positions, SENSOR_COLUMNS, strict=True)
            ]
        )
    return _frame(rows)


def _from_json(text: str) -> pd.DataFrame:
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidInputError(f"the request body is not valid JSON: {error}") from error
    instances = payload.get("instances") if isinstance(payload, dict) else payload
    if isinstance(payload, dict) and "instances" not in payload:
        instances = [payload]
    if not isinstance(instances, list):
        raise InvalidInputError(
            '"instances" must be a list of readings: objects keyed by the sensor names or lists '
            f"of values in the order {_FIELDS}"
        )
    rows = []
    for index, instance in enumerate(instances):
        where = f"instances[{index}]"
        if isinstance(instance, dict):
            missing = [c for c in SENSOR_COLUMNS if c not in instance]
            if missing:
                raise InvalidInputError(f"{where} lacks the fields {missing}")
            values = [instance[c] for c in SENSOR_COLUMNS]
        elif isinstance(instance, list):
            if len(instance) != len(SENSOR_COLUMNS):
                raise InvalidInputError(
                    f"{where} has {len(instance)} values, expected {len(SENSOR_COLUMNS)}: {_FIELDS}"
                )
            values = instance
        else:
            raise InvalidInputError(f"{where} must be an object or a list, got {instance!r}")
        rows.append(
            [_number(v, f"{where}.{c}") for v, c in zip(values, SENSOR_COLUMNS, strict=True)]
        )
    return _frame(rows)


def _check_plausible(readings: pd.DataFrame) -> None:
    bad = implausible(readings)
    problems = []
    for row, column in zip(*np.nonzero(bad.to_numpy()), strict=True):
        name = bad.columns[column]
        low, high = PLAUSIBLE_RANGES[name]
        problems.append(
            f"row {row + 1}: {name}={readings[name].iloc[row]} is outside ({low}, {high}]"
        )
    if problems:
        more = len(problems) - MAX_REPORTED_ERRORS
        suffix = f"; and {more} more" if more > 0 else ""
        raise InvalidInputError(
            "implausible readings: " + "; ".join(problems[:MAX_REPORTED_ERRORS]) + suffix
        )


def _looks_numeric(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True
