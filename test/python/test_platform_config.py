"""The Python face of @vw/mlops-blueprint: the wheel built by jsii-pacmak, used from Python."""
import json
import pathlib

import pytest

from vw_mlops_blueprint import (
    AccountConfig,
    NetworkConfig,
    PlatformAccount,
    PlatformAccountsConfig,
    PlatformConfig,
)

ROOT = pathlib.Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "platform.json"
BAD = ROOT / "test" / "fixtures" / "bad-configs"


def test_sample_file_validates():
    config = PlatformConfig.from_file(str(SAMPLE))
    assert config.prefix == "vwml"
    assert config.qualifier == "vwml"
    assert config.account(PlatformAccount.PROD).account_id == "666666666666"
    assert config.account(PlatformAccount.PROD).network.max_azs == 3
    assert PlatformConfig.validate(json.loads(SAMPLE.read_text())) == []


def test_from_object_with_python_structs():
    region = "eu-west-1"

    def acct(n, cidr=None):
        return AccountConfig(
            account_id=str(n) * 12,
            region=region,
            network=NetworkConfig(cidr=cidr) if cidr else None,
        )

    config = PlatformConfig.from_object(
        prefix="plant7",
        accounts=PlatformAccountsConfig(
            data=acct(1),
            exp=acct(2, "10.2.0.0/16"),
            res=acct(3),
            dev=acct(4, "10.4.0.0/16"),
            int=acct(5, "10.5.0.0/16"),
            prod=acct(6, "10.6.0.0/16"),
        ),
    )
    assert config.qualifier == "plant7"
    assert config.account(PlatformAccount.EXP).network.cidr == "10.2.0.0/16"


def test_malformed_file_is_rejected_with_the_field_path():
    with pytest.raises(Exception) as err:
        PlatformConfig.from_file(str(BAD / "account-id-short.json"))
    message = str(err.value)
    assert 'accounts.int.accountId: "12345" is not a 12-digit AWS account id' in message


def test_every_problem_is_reported():
    with pytest.raises(Exception) as err:
        PlatformConfig.from_file(str(BAD / "many-problems.json"))
    message = str(err.value)
    for path in ["accounts.int.accountId:", "accounts.dev.region:", "qualifier:", "accounts.prod.network.cidr:"]:
        assert path in message


def test_validate_returns_problems_for_a_python_dict():
    data = json.loads(SAMPLE.read_text())
    data["accounts"]["int"]["accountId"] = data["accounts"]["dev"]["accountId"]
    data["prefix"] = "Bad_Prefix"
    problems = PlatformConfig.validate(data)
    assert [p.split(":")[0] for p in problems] == ["prefix", "accounts.int.accountId"]
