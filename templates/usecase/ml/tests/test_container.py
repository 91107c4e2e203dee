"""The image's ``train`` and ``serve`` commands (container/), run as processes in a temporary
/opt/ml layout (ML_ROOT_DIR) with the code of src/ (ML_CODE_DIR), as a training job and an endpoint
run them."""

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import preprocess
from conftest import SRC

CONTAINER = Path(__file__).resolve().parents[1] / "container"


def run_train(
    root: Path, hyperparameters: dict[str, str], code_dir: Path = SRC
) -> subprocess.CompletedProcess:
    config = root / "input/config"
    config.mkdir(parents=True, exist_ok=True)
    (config / "hyperparameters.json").write_text(json.dumps(hyperparameters))
    return subprocess.run(
        [sys.executable, str(CONTAINER / "train")],
        env={**os.environ, "ML_ROOT_DIR": str(root), "ML_CODE_DIR": str(code_dir)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def training_root(pipeline, tmp_path: Path) -> Path:
    """/opt/ml of a training job with the train and validation channels of the pipeline run."""
    for channel in ("train", "validation"):
        shutil.copytree(pipeline.processing / channel, tmp_path / "input/data" / channel)
    return tmp_path


def test_train_runs_the_program_with_the_hyperparameters_and_the_channels(training_root):
    result = run_train(
        training_root,
        {
            # the SageMaker Python SDK writes values JSON-encoded; the console writes them plain
            "sagemaker_program": '"train.py"',
            "sagemaker_submit_directory": '"s3://bucket/code/sourcedir.tar.gz"',
            "max_iter": "20",
            "class-weight": "balanced",
        },
    )
    assert result.returncode == 0, result.stderr
    model_dir = training_root / "model"
    assert (model_dir / "model.joblib").is_file()
    assert (model_dir / "code/inference.py").is_file()
    metadata = json.loads((model_dir / "model_metadata.json").read_text())
    assert metadata["hyperparameters"]["max_iter"] == 20
    assert metadata["hyperparameters"]["class_weight"] == "balanced"
    assert "validation:f1=" in result.stdout  # the validation channel was found via SM_CHANNEL_*
    assert "sagemaker_submit_directory" not in result.stderr
    assert not (training_root / "output/failure").exists()


PRINT_ENVIRONMENT = """import json, os, sys
print(json.dumps({"argv": sys.argv[1:], "cwd": os.getcwd(),
                  "env": {k: v for k, v in os.environ.items() if k.startswith("SM_")}}))
"""


def test_train_gives_the_program_the_environment_of_sagemakers_training_toolkit(tmp_path):
    code = tmp_path / "code"
    code.mkdir()
    (code / "show.py").write_text(PRINT_ENVIRONMENT)
    for channel in ("train", "test"):
        (tmp_path / "input/data" / channel).mkdir(parents=True)
    hyperparameters = {"sagemaker_program": '"show.py"', "sagemaker_region": '"x"', "a": "1"}
    result = run_train(tmp_path, hyperparameters, code_dir=code)
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["argv"] == ["--a", "1"]
    assert Path(shown["cwd"]).resolve() == code.resolve()
    env = shown["env"]
    assert env["SM_MODEL_DIR"] == str(tmp_path / "model")
    assert env["SM_OUTPUT_DATA_DIR"] == str(tmp_path / "output/data")
    assert env["SM_CHANNEL_TRAIN"] == str(tmp_path / "input/data/train")
    assert env["SM_CHANNEL_TEST"] == str(tmp_path / "input/data/test")
    assert json.loads(env["SM_CHANNELS"]) == ["test", "train"]
    assert json.loads(env["SM_HPS"]) == {"a": 1}
    assert env["SM_HP_A"] == "1"
    assert env["SM_USER_ENTRY_POINT"] == "show.py"


def test_a_failing_program_leaves_the_failure_file_and_exits_non_zero(training_root):
    result = run_train(training_root, {"max_iter": "many"})
    assert result.returncode != 0
    failure = (training_root / "output/failure").read_text()
    assert "train.py exited with 2" in failure
    assert "invalid int value: 'many'" in failure
    assert not (training_root / "model/model.joblib").exists()


def test_a_missing_program_is_a_failure_of_the_job(tmp_path):
    result = run_train(tmp_path, {"sagemaker_program": "nope.py"})
    assert result.returncode == 1
    assert "'nope.py' is not a file in" in (tmp_path / "output/failure").read_text()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """``serve`` as a process on 127.0.0.1, with its output in a log file."""

    def __init__(self, root: Path, log: Path):
        self.port = free_port()
        self.log = log.open("w")
        env = {
            **os.environ,
            "ML_ROOT_DIR": str(root),
            "ML_CODE_DIR": str(SRC),
            "ML_BIND_HOST": "127.0.0.1",
            "SAGEMAKER_BIND_TO_PORT": str(self.port),
        }
        self.process = subprocess.Popen(
            [sys.executable, str(CONTAINER / "serve")],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def request(self, method: str, path: str, body: str = "", **headers: str):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request(method, path, body=body.encode(), headers=headers)
            response = connection.getresponse()
            return response.status, response.read().decode(), response.getheader("Content-Type")
        finally:
            connection.close()

    def wait_until_up(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, Path(self.log.name).read_text()
            try:
                if self.request("GET", "/ping")[0] == 200:
                    return
            except OSError:
                time.sleep(0.1)
        pytest.fail(f"serve did not answer /ping within {timeout} s")

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=10)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            self.log.close()


@pytest.fixture(scope="module")
def server(pipeline, tmp_path_factory):
    """``serve`` on the model of the pipeline run: /opt/ml/model is that model's directory."""
    root = tmp_path_factory.mktemp("serve")
    shutil.copytree(pipeline.model_dir, root / "model")
    running = Server(root, root / "serve.log")
    try:
        running.wait_until_up()
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def readings(pipeline) -> pd.DataFrame:
    raw = preprocess.clean(pd.read_csv(pipeline.raw_csv)).head(4)
    return raw[list(preprocess.SENSOR_COLUMNS)]


def predictions(body: str) -> list[dict]:
    result = json.loads(body)["predictions"]
    for prediction in result:
        assert prediction["needs_maintenance"] in (0, 1)
        assert 0.0 <= prediction["probability"] <= 1.0
    return result


def test_ping_answers_200(server):
    assert server.request("GET", "/ping")[0] == 200


@pytest.mark.parametrize("header", [True, False], ids=["with-header", "without-header"])
def test_csv_rows_get_one_prediction_each(server, readings, header):
    body = readings.to_csv(index=False, header=header)
    status, response, content_type = server.request(
        "POST",
        "/invocations",
        body,
        **{"Content-Type": "text/csv", "X-Amzn-SageMaker-Custom-Attributes": "trace=1"},
    )
    assert (status, content_type) == (200, "application/json"), response
    assert len(predictions(response)) == len(readings)


def test_json_instances_get_the_same_predictions_as_csv(server, readings):
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    body = json.dumps({"instances": readings.to_dict("records")})
    status, response, _ = server.request("POST", "/invocations", body, **headers)
    assert status == 200, response
    csv = readings.to_csv(index=False)
    _, from_csv, _ = server.request("POST", "/invocations", csv, **{"Content-Type": "text/csv"})
    assert predictions(response) == predictions(from_csv)


def test_a_bad_row_answers_400_naming_the_field(server, readings):
    rows = [[str(value) for value in row] for row in readings.to_numpy().tolist()]
    rows[1][preprocess.SENSOR_COLUMNS.index("voltage_v")] = "high"
    body = "\n".join(",".join(row) for row in rows)
    status, response, _ = server.request(
        "POST", "/invocations", body, **{"Content-Type": "text/csv"}
    )
    assert status == 400
    assert "CSV row 2, voltage_v must be a number, got 'high'" in json.loads(response)["error"]


def test_a_wrong_content_type_answers_415(server):
    status, response, _ = server.request(
        "POST", "/invocations", "<welds/>", **{"Content-Type": "application/xml"}
    )
    assert status == 415
    assert "text/csv" in json.loads(response)["error"]


def test_an_unservable_accept_answers_406(server, readings):
    headers = {"Content-Type": "text/csv", "Accept": "text/html"}
    status, _, _ = server.request("POST", "/invocations", readings.to_csv(index=False), **headers)
    assert status == 406


def test_a_body_over_6_mb_answers_413_before_it_is_sent(server):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.putrequest("POST", "/invocations")
        connection.putheader("Content-Type", "text/csv")
        connection.putheader("Content-Length", str(6 * 1024 * 1024 + 1))
        connection.endheaders()
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()
    assert response.status == 413


def test_sigterm_stops_the_server_cleanly(pipeline, tmp_path):
    shutil.copytree(pipeline.model_dir, tmp_path / "model")
    running = Server(tmp_path, tmp_path / "serve.log")
    running.wait_until_up()
    assert running.stop() == 0
    assert "stopped" in (tmp_path / "serve.log").read_text()


def test_a_model_that_cannot_load_stops_serve_before_it_opens_the_port(tmp_path):
    (tmp_path / "model").mkdir()
    running = Server(tmp_path, tmp_path / "serve.log")
    assert running.process.wait(timeout=60) != 0
    running.stop()
    assert "model.joblib" in (tmp_path / "serve.log").read_text()
