"""Synthetic sensor readings of resistance spot-welding guns, for the predictive-maintenance sample.

Each row is one weld of one gun, as a weld controller would log it. Every gun slowly degrades
(pneumatic or servo force loss, rising contact resistance, worse electrode cooling) until it reaches
its service limit and is serviced, after which it starts again almost as new. The degradation is not
logged; it shows, with noise, in the force (below its setpoint), the electrode temperature, the
dynamic resistance and the weld time (the adaptive controller extends it). Routine tip dressing,
every 150 to 300 welds, adds a saw-tooth the model has to see through: the tips mushroom, the
resistance drops and the current stepper raises the current.

The label ``needs_maintenance`` is 1 when the gun reaches its service limit within the next
``horizon`` welds (default 100). The time scale is compressed (a few hundred welds between services)
so that a small data set holds many service cycles.

The output is deterministic for a given set of arguments (same seed, same bytes).

Run::

    python generate_data.py --rows 24000 --guns 80 --seed 42 --output data/welds.csv
"""

import argparse
import logging
from pathlib import Path

import numpy as np
import pandas as pd

LOG = logging.getLogger("generate_data")

LABEL_COLUMN = "needs_maintenance"
ID_COLUMNS = ("weld_id", "timestamp", "plant_id", "gun_id")
# The sensor columns, in the order that preprocess.py and inference.py expect them.
SENSOR_COLUMNS = (
    "current_ka",
    "voltage_v",
    "weld_time_ms",
    "electrode_force_kn",
    "force_setpoint_kn",
    "welds_since_tip_dress",
    "resistance_uohm",
    "temperature_c",
)
COLUMNS = (*ID_COLUMNS, *SENSOR_COLUMNS, LABEL_COLUMN)

DEFAULT_ROWS = 24_000
DEFAULT_GUNS = 80
DEFAULT_SEED = 42
DEFAULT_HORIZON = 100
DEFAULT_DROPOUT_RATE = 0.002

PLANT_AMBIENT_C = {"PLANT-1": 18.0, "PLANT-2": 21.0, "PLANT-3": 24.0, "PLANT-4": 27.0}
WELD_SCHEDULES_MS = (200.0, 240.0, 280.0, 320.0)
FORCE_SETPOINTS_KN = (2.8, 3.0, 3.2, 3.5)
START = pd.Timestamp("2025-01-06T06:00:00Z")
SECONDS_BETWEEN_WELDS = 45


def generate(
    rows: int = DEFAULT_ROWS,
    guns: int = DEFAULT_GUNS,
    seed: int = DEFAULT_SEED,
    horizon: int = DEFAULT_HORIZON,
    dropout_rate: float = DEFAULT_DROPOUT_RATE,
) -> pd.DataFrame:
    """Return ``rows`` welds of ``guns`` guns, sorted by time, with the columns of ``COLUMNS``."""
    if rows < 1 or guns < 1:
        raise ValueError(f"rows and guns must be positive, got rows={rows}, guns={guns}")
    if guns > rows:
        raise ValueError(f"guns ({guns}) cannot exceed rows ({rows}): every gun needs a weld")
    if horizon < 1:
        raise ValueError(f"horizon must be at least 1 weld, got {horizon}")
    if not 0.0 <= dropout_rate < 1.0:
        raise ValueError(f"dropout_rate must be in [0, 1), got {dropout_rate}")

    rng = np.random.default_rng(seed)
    welds = -(-rows // guns)  # welds per gun, rounded up; the latest welds are cut at the end

    # what makes each gun different
    plants = np.array(list(PLANT_AMBIENT_C))[np.arange(guns) % len(PLANT_AMBIENT_C)]
    ambient_c = np.array([PLANT_AMBIENT_C[p] for p in plants])
    current_nominal_ka = rng.uniform(9.0, 11.0, guns)
    weld_time_nominal_ms = rng.choice(WELD_SCHEDULES_MS, guns)
    force_setpoint_kn = rng.choice(FORCE_SETPOINTS_KN, guns)
    resistance_nominal_uohm = rng.uniform(120.0, 160.0, guns)
    tip_dress_interval = rng.integers(150, 300, guns)
    degradation_per_weld = 1.0 / rng.uniform(450.0, 600.0, guns)
    offset_s = rng.uniform(0.0, SECONDS_BETWEEN_WELDS, guns)

    # simulate `horizon` welds past the end too, so that the last rows have a known label
    steps = welds + horizon
    degradation = np.empty((steps, guns))
    since_dress = np.empty((steps, guns), dtype=np.int64)
    serviced = np.zeros((steps, guns), dtype=bool)
    d = rng.uniform(0.0, 1.0, guns)
    w = rng.integers(0, tip_dress_interval)
    for t in range(steps):
        degradation[t], since_dress[t] = d, w
        d = d + degradation_per_weld * np.clip(1.0 + 0.6 * rng.standard_normal(guns), 0.0, None)
        serviced[t] = d >= 1.0
        d = np.where(serviced[t], rng.uniform(0.0, 0.05, guns), d)
        w = np.where(w + 1 >= tip_dress_interval, 0, w + 1)

    # label: the gun is serviced within the next `horizon` welds (this one included)
    label = np.zeros((welds, guns), dtype=bool)
    for ahead in range(horizon):
        label |= serviced[ahead : welds + ahead]

    wear = degradation[:welds] ** 3  # symptoms grow fast near the service limit
    tip = since_dress[:welds] / tip_dress_interval
    shape = (welds, guns)
    current = current_nominal_ka * (1.0 + 0.08 * tip) + rng.normal(0.0, 0.08, shape)
    resistance = resistance_nominal_uohm * (1.0 + 0.15 * wear - 0.06 * tip)
    resistance = resistance + rng.normal(0.0, 3.0, shape)
    voltage = current * resistance / 1000.0 + rng.normal(0.0, 0.02, shape)
    weld_time = np.round(weld_time_nominal_ms + 25.0 * wear + rng.normal(0.0, 2.0, shape))
    force = force_setpoint_kn * (1.0 - 0.12 * wear) + rng.normal(0.0, 0.03, shape)
    temperature = ambient_c + 8.0 + 15.0 * wear + 3.0 * tip + rng.normal(0.0, 0.7, shape)

    seconds = np.arange(welds)[:, None] * SECONDS_BETWEEN_WELDS + offset_s
    frame = pd.DataFrame(
        {
            "timestamp": (START + pd.to_timedelta(seconds.ravel().round(), unit="s")),
            "plant_id": np.tile(plants, welds),
            "gun_id": np.tile([f"WG-{g + 1:03d}" for g in range(guns)], welds),
            "current_ka": current.ravel().round(3),
            "voltage_v": voltage.ravel().round(3),
            "weld_time_ms": pd.array(weld_time.ravel().astype(np.int64), dtype="Int64"),
            "electrode_force_kn": force.ravel().round(3),
            "force_setpoint_kn": np.tile(force_setpoint_kn, welds),
            "welds_since_tip_dress": pd.array(since_dress[:welds].ravel(), dtype="Int64"),
            "resistance_uohm": resistance.ravel().round(1),
            "temperature_c": temperature.ravel().round(1),
            LABEL_COLUMN: label.ravel().astype(np.int64),
        }
    )
    frame = frame.sort_values(["timestamp", "gun_id"], kind="stable").head(rows)
    frame = frame.reset_index(drop=True)
    frame.insert(0, "weld_id", np.arange(1, len(frame) + 1))
    frame["timestamp"] = frame["timestamp"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")

    # sensor dropouts: a few readings are missing, as in real controller logs
    drops = rng.random(len(frame)) < dropout_rate
    columns = rng.integers(0, len(SENSOR_COLUMNS), len(frame))
    for index, column in zip(np.flatnonzero(drops), columns[drops], strict=True):
        frame.loc[index, SENSOR_COLUMNS[column]] = np.nan

    return frame[list(COLUMNS)]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS, help="number of welds")
    parser.add_argument("--guns", type=int, default=DEFAULT_GUNS, help="number of welding guns")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    parser.add_argument(
        "--horizon",
        type=int,
        default=DEFAULT_HORIZON,
        help="needs_maintenance is 1 when the gun is serviced within this many welds",
    )
    parser.add_argument(
        "--dropout-rate",
        type=float,
        default=DEFAULT_DROPOUT_RATE,
        help="share of rows with one missing sensor reading",
    )
    parser.add_argument(
        "--output", type=Path, default=Path("data/welds.csv"), help="CSV file to write"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> Path:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    args = parse_args(argv)
    frame = generate(args.rows, args.guns, args.seed, args.horizon, args.dropout_rate)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(args.output, index=False)
    LOG.info(
        "wrote %d welds of %d guns to %s (needs_maintenance rate %.3f)",
        len(frame),
        frame["gun_id"].nunique(),
        args.output,
        frame[LABEL_COLUMN].mean(),
    )
    return args.output


if __name__ == "__main__":
    main()
