import numpy as np
import pandas as pd
import pytest

import generate_data
import preprocess


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    return generate_data.generate(rows=6_000, guns=40, seed=11)


def test_clean_drops_dropouts_implausible_rows_and_duplicates(raw):
    dirty = raw.copy()
    dirty.loc[0, "current_ka"] = -3.0  # a sensor fault
    dirty.loc[1, "temperature_c"] = 400.0
    dirty = pd.concat([dirty, dirty.iloc[[5]]], ignore_index=True)  # a weld logged twice
    cleaned = preprocess.clean(dirty)
    dropouts = raw[list(preprocess.SENSOR_COLUMNS)].isna().any(axis=1)
    expected = len(raw) - (dropouts | raw.index.isin([0, 1])).sum()
    assert len(cleaned) == expected
    assert not preprocess.implausible(cleaned).any().any()
    assert cleaned["weld_id"].is_unique


def test_clean_names_missing_columns(raw):
    with pytest.raises(ValueError, match=r"lacks the columns \['temperature_c'\]"):
        preprocess.clean(raw.drop(columns="temperature_c"))


def test_features_are_derived_row_by_row(raw):
    rows = preprocess.clean(raw).head(50)
    features = preprocess.engineer_features(rows)
    assert tuple(features.columns) == preprocess.FEATURE_COLUMNS
    assert (features.dtypes == "float64").all()
    one = preprocess.engineer_features(rows.iloc[[7]])
    pd.testing.assert_frame_equal(one, features.iloc[[7]])
    first = rows.iloc[0]
    assert features["energy_j"].iloc[0] == pytest.approx(
        first["current_ka"] * first["voltage_v"] * first["weld_time_ms"]
    )
    assert features["force_deviation"].iloc[0] == pytest.approx(
        first["electrode_force_kn"] / first["force_setpoint_kn"] - 1.0
    )


def test_split_sizes_follow_the_ratios_in_guns(raw):
    frame = preprocess.clean(raw)
    train, validation, test = preprocess.split_by_gun(frame, 0.7, 0.15, seed=42)
    assert [part["gun_id"].nunique() for part in (train, validation, test)] == [28, 6, 6]
    assert len(train) + len(validation) + len(test) == len(frame)
    shares = np.array([len(train), len(validation), len(test)]) / len(frame)
    np.testing.assert_allclose(shares, [0.7, 0.15, 0.15], atol=0.02)


def test_no_gun_and_no_weld_is_in_two_splits(raw):
    parts = preprocess.split_by_gun(preprocess.clean(raw), 0.6, 0.2, seed=3)
    guns = [set(part["gun_id"]) for part in parts]
    welds = [set(part["weld_id"]) for part in parts]
    for i in range(3):
        for j in range(i + 1, 3):
            assert not guns[i] & guns[j]
            assert not welds[i] & welds[j]


def test_split_is_deterministic_and_seeded(raw):
    frame = preprocess.clean(raw)
    a = preprocess.split_by_gun(frame, 0.7, 0.15, seed=42)
    b = preprocess.split_by_gun(frame, 0.7, 0.15, seed=42)
    c = preprocess.split_by_gun(frame, 0.7, 0.15, seed=43)
    assert all(x.equals(y) for x, y in zip(a, b, strict=True))
    assert set(a[2]["gun_id"]) != set(c[2]["gun_id"])


def test_every_split_gets_a_gun_even_with_few_guns():
    frame = preprocess.clean(generate_data.generate(rows=300, guns=3, seed=1, dropout_rate=0.0))
    parts = preprocess.split_by_gun(frame, 0.9, 0.05, seed=1)
    assert [part["gun_id"].nunique() for part in parts] == [1, 1, 1]


@pytest.mark.parametrize(
    ("guns", "train_ratio", "validation_ratio", "message"),
    [
        (2, 0.7, 0.15, "at least 3 guns"),
        (10, 0.9, 0.1, "sum to less than 1"),
        (10, 0.0, 0.1, "must be in"),
    ],
)
def test_bad_split_arguments(guns, train_ratio, validation_ratio, message):
    frame = generate_data.generate(rows=200, guns=guns, seed=1, dropout_rate=0.0)
    with pytest.raises(ValueError, match=message):
        preprocess.split_by_gun(frame, train_ratio, validation_ratio, seed=1)


def test_outputs_have_the_documented_format(pipeline):
    for name in ("train", "validation", "test"):
        table = pd.read_csv(pipeline.processing / name / f"{name}.csv")
        assert table.columns[0] == preprocess.LABEL_COLUMN
        assert tuple(table.columns[1:]) == preprocess.FEATURE_COLUMNS
        assert set(table[preprocess.LABEL_COLUMN].unique()) == {0, 1}
        assert not table.isna().any().any()


def test_outputs_split_the_cleaned_rows_without_overlap(pipeline):
    cleaned = preprocess.clean(pd.read_csv(pipeline.raw_csv))
    tables = [
        pd.read_csv(pipeline.processing / name / f"{name}.csv")
        for name in ("train", "validation", "test")
    ]
    assert sum(len(t) for t in tables) == len(cleaned)
    shares = np.array([len(t) for t in tables]) / len(cleaned)
    np.testing.assert_allclose(shares, [0.7, 0.15, 0.15], atol=0.03)
    keys = [set(map(tuple, t.to_numpy().round(6))) for t in tables]
    assert not keys[0] & keys[1]
    assert not keys[0] & keys[2]
    assert not keys[1] & keys[2]


def test_missing_input_is_reported(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"no \*\.csv file under"):
        preprocess.main(["--input-dir", str(tmp_path / "nothing")])
