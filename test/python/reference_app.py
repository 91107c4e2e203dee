"""The reference app in Python, through the jsii wheel: the same app as `test/reference/reference-app.ts`
(the platform from `PlatformConfig.sample()` and the use case `weld-gun-pm` with every extension on in
every stage and a fixed pinned model package version). The parity test compares the templates of both.

    python test/python/reference_app.py <outdir>

writes its cloud assembly into <outdir> and prints one JSON line (stack count, build and synth times).
Keep it in step with the TypeScript app: same construct ids, same values, same order.
"""
import json
import pathlib
import shutil
import sys
import time
from dataclasses import dataclass

import aws_cdk as cdk
from vw_mlops_blueprint import (
    MlopsPlatform,
    MlopsUseCase,
    PlatformAccount,
    PlatformConfig,
    UseCaseStageSettings,
)

REFERENCE_USE_CASE_NAME = "weld-gun-pm"
REFERENCE_PINNED_MODEL_PACKAGE_ARN = "arn:aws:sagemaker:eu-central-1:222222222222:model-package/vwml-weld-gun-pm/7"
REFERENCE_BATCH_SCHEDULE = "cron(0 3 * * ? *)"
REFERENCE_PLATFORM_ID = "Platform"
REFERENCE_USE_CASE_ID = "WeldGun"


@dataclass(frozen=True)
class ReferenceApp:
    """What `build_reference_app` created."""

    app: cdk.App
    platform: MlopsPlatform
    use_case: MlopsUseCase


def reference_ground_truth_s3_uri(config: PlatformConfig, stage: PlatformAccount) -> str:
    """The ground-truth labels of a stage: the location its serving stack creates (bucket and labels/ prefix)."""
    return f"s3://{config.prefix}-{REFERENCE_USE_CASE_NAME}-{str(stage.value).lower()}-labels-{config.account(stage).account_id}/labels/"


def reference_stage_settings(config: PlatformConfig, stage: PlatformAccount) -> UseCaseStageSettings:
    """The settings of one stage: every extension its default serving mode supports on. DEV and INT scale to
    zero (the default), which has no data capture: batch inference only; PROD is always on: every extension."""
    if stage != PlatformAccount.PROD:
        return UseCaseStageSettings(batch_inference=True, batch_schedule=REFERENCE_BATCH_SCHEDULE)
    return UseCaseStageSettings(
        inference_api=True,
        batch_inference=True,
        batch_schedule=REFERENCE_BATCH_SCHEDULE,
        model_monitor=True,
        # model quality against labels in the location the serving stack creates (and its labelling role)
        model_quality=True,
        # the quality alarm that is the drift alarm: going into ALARM starts retraining (on in PROD by default)
        minimum_f1=0.7,
    )


def build_reference_app(app: cdk.App) -> ReferenceApp:
    """Builds the reference app into `app` (MlopsPlatform 'Platform', MlopsUseCase 'WeldGun'); does not synthesize."""
    config = PlatformConfig.sample()
    platform = MlopsPlatform(app, REFERENCE_PLATFORM_ID, config=config)
    use_case = MlopsUseCase(
        app,
        REFERENCE_USE_CASE_ID,
        platform=config,
        use_case_name=REFERENCE_USE_CASE_NAME,
        pinned_model_package_arn=REFERENCE_PINNED_MODEL_PACKAGE_ARN,
        dev=reference_stage_settings(config, PlatformAccount.DEV),
        int=reference_stage_settings(config, PlatformAccount.INT),
        prod=reference_stage_settings(config, PlatformAccount.PROD),
    )
    return ReferenceApp(app=app, platform=platform, use_case=use_case)


def empty_assembly_dir(outdir: str) -> None:
    """Removes a previous cloud assembly; refuses a non-empty directory that is not one."""
    path = pathlib.Path(outdir)
    if path.exists() and any(path.iterdir()) and not (path / "manifest.json").exists():
        raise SystemExit(f"{outdir} is not empty and not a cloud assembly (no manifest.json); give a new or a cdk.out directory")
    shutil.rmtree(path, ignore_errors=True)


def synth_reference_app(outdir: str) -> dict:
    """Builds the reference app into a new App writing to `outdir` (emptied first) and synthesizes it.
    Returns the App, the stack count and the build and synth times in ms."""
    empty_assembly_dir(outdir)
    start = time.monotonic()
    app = cdk.App(outdir=outdir)
    ref = build_reference_app(app)
    built = time.monotonic()
    assembly = app.synth()
    done = time.monotonic()
    return {
        "reference": ref,
        "stacks": len(assembly.stacks),
        "buildMs": round((built - start) * 1000),
        "synthMs": round((done - built) * 1000),
    }


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.stderr.write("usage: reference_app.py <outdir>\n")
        sys.exit(2)
    result = synth_reference_app(sys.argv[1])
    print(json.dumps({"outdir": sys.argv[1], "stacks": result["stacks"], "buildMs": result["buildMs"], "synthMs": result["synthMs"]}))
