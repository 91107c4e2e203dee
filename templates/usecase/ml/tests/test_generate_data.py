import hashlib

import numpy as np
import pandas as pd
import pytest

import generate_data
import preprocess


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return generate_data.generate(rows=6_000, guns=30, seed=7)


def test_same_seed_same_bytes(tmp_path):
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    generate_data.main(["--rows", "3000", "--guns", "20", "--seed", "3", "--output", str(first)])
    generate_data.main(["--rows", "3000", "--guns", "20", "--seed", "3", "--output", str(second)])
    assert (
        hashlib.sha256(first.read_bytes()).digest() == hashlib.sha256(second.read_bytes()).digest()
    )


def test_other_seed_other_data():
    a = generate_data.generate(rows=2_000, guns=10, seed=1)
    b = generate_data.generate(rows=2_000, guns=10, seed=2)
    assert not a.equals(b)


def test_schema(frame):
    assert tuple(frame.columns) == generate_data.COLUMNS
    assert len(frame) == 6_000
    assert frame["gun_id"].nunique() == 30
    assert frame["plant_id"].nunique() == len(generate_data.PLANT_AMBIENT_C)
    assert frame["weld_id"].tolist() == list(range(1, 6_001))
    assert frame["timestamp"].is_monotonic_increasing
    assert pd.to_datetime(frame["timestamp"], utc=True).notna().all()
    assert set(frame["needs_maintenance"].unique()) == {0, 1}
    for column in generate_data.SENSOR_COLUMNS:
        assert pd.api.types.is_numeric_dtype(frame[column]), column


def test_sensor_columns_are_what_preprocess_expects():
    assert generate_data.SENSOR_COLUMNS == preprocess.SENSOR_COLUMNS
    assert generate_data.LABEL_COLUMN == preprocess.LABEL_COLUMN


def test_rows_are_cut_exactly_when_guns_do_not_divide_them():
    frame = generate_data.generate(rows=1_001, guns=7, seed=1)
    assert len(frame) == 1_001
    assert frame["gun_id"].nunique() == 7


def test_readings_are_physically_plausible(frame):
    flagged = preprocess.implausible(frame)
    # only the injected dropouts (NaN) are flagged
    assert flagged.sum().sum() == frame[list(generate_data.SENSOR_COLUMNS)].isna().sum().sum()
    resistance = frame["voltage_v"] / frame["current_ka"] * 1000.0
    assert (resistance - frame["resistance_uohm"]).abs().median() < 5.0  # ohm's law, in µΩ


def test_dropouts_follow_the_rate(frame):
    rows_with_gaps = frame[list(generate_data.SENSOR_COLUMNS)].isna().any(axis=1).sum()
    assert 0 < rows_with_gaps < 4 * generate_data.DEFAULT_DROPOUT_RATE * len(frame)
    assert frame["needs_maintenance"].notna().all()
    no_gaps = generate_data.generate(rows=2_000, guns=10, seed=1, dropout_rate=0.0)
    assert not no_gaps.isna().any().any()


def test_label_is_driven_by_degradation(frame):
    rate = frame["needs_maintenance"].mean()
    assert 0.1 < rate < 0.35
    positive = frame[frame["needs_maintenance"] == 1]
    negative = frame[frame["needs_maintenance"] == 0]
    force_ratio = frame["electrode_force_kn"] / frame["force_setpoint_kn"]
    assert force_ratio[positive.index].mean() < force_ratio[negative.index].mean() - 0.03
    assert positive["temperature_c"].mean() > negative["temperature_c"].mean() + 5.0


def _runs_of_ones(labels: np.ndarray) -> list[tuple[int, int]]:
    """(start, length) of each run of 1s."""
    edges = np.diff(np.concatenate(([0], labels, [0])))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    return list(zip(starts.tolist(), (ends - starts).tolist(), strict=True))


@pytest.mark.parametrize("horizon", [20, 150])
def test_label_is_on_for_exactly_the_horizon_before_a_service(horizon):
    frame = generate_data.generate(rows=6_000, guns=10, seed=5, horizon=horizon)
    interior = 0
    for _, gun in frame.groupby("gun_id"):
        labels = gun["needs_maintenance"].to_numpy()
        for start, length in _runs_of_ones(labels):
            assert length <= horizon
            if start > 0 and start + length < len(labels):  # a run not cut by the window
                assert length == horizon
                interior += 1
    assert interior >= 5


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"rows": 0}, "rows and guns must be positive"),
        ({"rows": 5, "guns": 6}, "cannot exceed rows"),
        ({"horizon": 0}, "horizon must be at least 1"),
        ({"dropout_rate": 1.0}, "dropout_rate must be in"),
    ],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        generate_data.generate(**kwargs)
