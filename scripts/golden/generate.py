"""Generates the golden SageMaker Pipelines definitions with the SageMaker Python SDK.

The TypeScript builder in src/constructs/training/pipeline-definition/ must produce the same JSON for
the same pipelines (test/constructs/training/pipeline-golden.test.ts compares them structurally).
Run it with scripts/golden/generate.sh, which creates .tmp/golden-venv from requirements-golden.txt;
`generate.sh --check` regenerates into memory and fails if the committed files differ.

Pipelines (written to test/fixtures/pipeline-golden/<name>.json):
  sample  processing -> training -> evaluation (property file) -> condition (JsonGet >= a Float
          parameter) -> register model / fail; retry policies, caching, KMS, VPC, network isolation
  tuning  hyperparameter tuning -> create the best model -> condition (GreaterThan,
          LessThanOrEqualTo, Or, Equals, Not, In) -> register model (DependsOn) / fail
  batch   create model -> batch transform -> Lambda step -> condition on the Lambda outputs -> fail
  prefixed  processing -> training -> batch transform with PipelineDefinitionConfig(use_custom_job_prefix=True):
          the job steps keep their base job names (ProcessingJobName, TransformJobName); 3.27's ModelTrainer
          drops TrainingJobName under a PipelineSession (aws/sagemaker-python-sdk#5776), so Train has none

Which SDK, and why: sagemaker==3.27.0 (with sagemaker-mlops/-core/-train/-serve 1.27.0/2.27.0/1.27.0),
the newest release on PyPI, pinned exactly with its whole dependency set in requirements-golden.txt.
The 2.x line (`sagemaker<3`, classic `sagemaker.workflow`) has been in maintenance mode since
2026-07-06 (its own README: critical fixes only, "no new features, API updates"; end of support
2027-07-06), while 3.x has been GA since 2025-11-19 and is the line AWS develops, documents and
recommends; its `sagemaker.mlops.workflow` pipeline code is the one that follows the service today.
(3.x's wheel still carries the classifier "Development Status :: 3 - Alpha"; we go by the lifecycle
statement.) The two lines differ in what `Pipeline.definition()` emits, e.g. 3.x always writes
`"MlflowConfig"` (null when unset), renders pipeline variables in hyperparameters unwrapped (2.x
wrapped them in `Std:Join`), defaults the training StoppingCondition to 3600 s (2.x: 86400 s) and
names ModelStep steps exactly as given (2.x appended `-RegisterModel` / `-CreateModel`).

Offline and without AWS credentials: fake credentials and region, `SAGEMAKER_VALIDATE_ROLE=false`
(3.x otherwise simulates the role's IAM policies), telemetry opted out through an SDK config file, and
`AWS_ENDPOINT_URL` pointing every AWS call at a moto server on 127.0.0.1 that this script starts and
stops (the SDK's `default_bucket()` checks the bucket with S3 calls). Code and data are S3 URIs, so
nothing is uploaded; the script fails if the SDK put any object into the moto bucket. The output is
deterministic (no job names, hashes or timestamps: the SDK drops job names from pipeline steps, and
we give no local code that it would hash); files are written with sorted keys.
"""
from __future__ import annotations

import json
import logging
import os
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "test" / "fixtures" / "pipeline-golden"
REGION = "eu-central-1"
ACCOUNT = "111111111111"
BUCKET = "golden-bucket"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/golden-pipeline-role"
KMS = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/11111111-2222-3333-4444-555555555555"
SKLEARN_IMAGE = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/golden-sklearn:1.4"
XGBOOST_IMAGE = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/golden-xgboost:1.7"
SUBNETS = ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"]
SECURITY_GROUPS = ["sg-0ccccccccccccccccc"]


def offline_environment(tmp: pathlib.Path) -> None:
    """Fake credentials and region, no telemetry, no IAM role validation: nothing leaves the machine."""
    cfg = tmp / "sagemaker-config.yaml"
    cfg.write_text("SchemaVersion: '1.0'\nSageMaker:\n  PythonSDK:\n    Modules:\n      TelemetryOptOut: true\n")
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "golden",
            "AWS_SECRET_ACCESS_KEY": "golden",
            "AWS_DEFAULT_REGION": REGION,
            "AWS_REGION": REGION,
            "SAGEMAKER_USER_CONFIG_OVERRIDE": str(cfg),
            "SAGEMAKER_ADMIN_CONFIG_OVERRIDE": str(cfg),
            "SAGEMAKER_VALIDATE_ROLE": "false",
        }
    )
    for var in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        os.environ.pop(var, None)


def session():
    import boto3
    from sagemaker.core.workflow.pipeline_context import PipelineSession

    return PipelineSession(boto_session=boto3.Session(region_name=REGION), default_bucket=BUCKET)


def sample_pipeline():
    from sagemaker.core.network import NetworkConfig
    from sagemaker.core.processing import ScriptProcessor
    from sagemaker.core.shapes import ProcessingInput, ProcessingOutput, ProcessingS3Input, ProcessingS3Output
    from sagemaker.core.training.configs import Compute, InputData, Networking, OutputDataConfig, StoppingCondition
    from sagemaker.core.workflow.conditions import ConditionGreaterThanOrEqualTo
    from sagemaker.core.workflow.execution_variables import ExecutionVariables
    from sagemaker.core.workflow.functions import Join, JsonGet
    from sagemaker.core.workflow.parameters import ParameterBoolean, ParameterFloat, ParameterInteger, ParameterString
    from sagemaker.core.workflow.properties import PropertyFile
    from sagemaker.core.model_metrics import MetricsSource, ModelMetrics
    from sagemaker.mlops.workflow.condition_step import ConditionStep
    from sagemaker.mlops.workflow.fail_step import FailStep
    from sagemaker.mlops.workflow.model_step import ModelStep
    from sagemaker.mlops.workflow.pipeline import Pipeline
    from sagemaker.mlops.workflow.retry import (
        SageMakerJobExceptionTypeEnum, SageMakerJobStepRetryPolicy, StepExceptionTypeEnum, StepRetryPolicy)
    from sagemaker.mlops.workflow.steps import CacheConfig, ProcessingStep, TrainingStep
    from sagemaker.serve.model_builder import ModelBuilder
    from sagemaker.train.model_trainer import ModelTrainer

    sess = session()
    input_data = ParameterString(name="InputDataUri", default_value=f"s3://{BUCKET}/data/raw")
    processing_count = ParameterInteger(name="ProcessingInstanceCount", default_value=1)
    training_type = ParameterString(name="TrainingInstanceType", default_value="ml.m5.xlarge")
    threshold = ParameterFloat(name="AccuracyThreshold", default_value=0.75)
    approval = ParameterString(name="ModelApprovalStatus", default_value="PendingManualApproval",
                               enum_values=["PendingManualApproval", "Approved"])
    isolation = ParameterBoolean(name="EnableNetworkIsolation", default_value=True)
    network = NetworkConfig(enable_network_isolation=True, security_group_ids=SECURITY_GROUPS, subnets=SUBNETS,
                            encrypt_inter_container_traffic=True)

    pre_processor = ScriptProcessor(role=ROLE, image_uri=SKLEARN_IMAGE, command=["python3"],
                                    instance_count=processing_count, instance_type="ml.m5.xlarge",
                                    volume_kms_key=KMS, output_kms_key=KMS, max_runtime_in_seconds=3600,
                                    env={"RUN_ID": ExecutionVariables.PIPELINE_EXECUTION_ID},
                                    network_config=network, sagemaker_session=sess)
    pre = ProcessingStep(
        name="Preprocess",
        step_args=pre_processor.run(
            code=f"s3://{BUCKET}/code/preprocess.py",
            inputs=[ProcessingInput(input_name="raw", s3_input=ProcessingS3Input(
                s3_uri=input_data, local_path="/opt/ml/processing/input", s3_data_type="S3Prefix", s3_input_mode="File"))],
            outputs=[
                ProcessingOutput(output_name="train", s3_output=ProcessingS3Output(
                    s3_uri=Join(on="/", values=[f"s3://{BUCKET}/runs", ExecutionVariables.PIPELINE_EXECUTION_ID, "train"]),
                    local_path="/opt/ml/processing/train", s3_upload_mode="EndOfJob")),
                ProcessingOutput(output_name="test", s3_output=ProcessingS3Output(
                    s3_uri=f"s3://{BUCKET}/runs/test", local_path="/opt/ml/processing/test", s3_upload_mode="EndOfJob")),
            ],
            arguments=["--test-split", "0.2"],
        ),
        cache_config=CacheConfig(enable_caching=True, expire_after="P30D"),
        retry_policies=[
            StepRetryPolicy(exception_types=[StepExceptionTypeEnum.SERVICE_FAULT, StepExceptionTypeEnum.THROTTLING],
                            max_attempts=3, interval_seconds=5, backoff_rate=2.0),
            SageMakerJobStepRetryPolicy(exception_types=[SageMakerJobExceptionTypeEnum.CAPACITY_ERROR],
                                        expire_after_mins=60),
        ],
    )

    trainer = ModelTrainer(
        training_image=XGBOOST_IMAGE, role=ROLE, sagemaker_session=sess, base_job_name="golden-train",
        compute=Compute(instance_type=training_type, instance_count=1, volume_size_in_gb=50, volume_kms_key_id=KMS),
        networking=Networking(security_group_ids=SECURITY_GROUPS, subnets=SUBNETS, enable_network_isolation=True,
                              enable_inter_container_traffic_encryption=True),
        stopping_condition=StoppingCondition(max_runtime_in_seconds=7200),
        output_data_config=OutputDataConfig(s3_output_path=f"s3://{BUCKET}/models", kms_key_id=KMS),
        hyperparameters={"max_depth": 5, "eta": 0.2, "objective": "binary:logistic"},
        input_data_config=[InputData(channel_name="train",
                                     data_source=pre.properties.ProcessingOutputConfig.Outputs["train"].S3Output.S3Uri)],
    )
    train = TrainingStep(name="Train", step_args=trainer.train(),
                         retry_policies=[SageMakerJobStepRetryPolicy(
                             exception_types=[SageMakerJobExceptionTypeEnum.INTERNAL_ERROR,
                                              SageMakerJobExceptionTypeEnum.RESOURCE_LIMIT], max_attempts=2)])

    report = PropertyFile(name="EvaluationReport", output_name="evaluation", path="evaluation.json")
    eval_processor = ScriptProcessor(role=ROLE, image_uri=XGBOOST_IMAGE, command=["python3"], instance_count=1,
                                     instance_type="ml.m5.xlarge", volume_kms_key=KMS, output_kms_key=KMS,
                                     network_config=network, sagemaker_session=sess)
    evaluate = ProcessingStep(
        name="Evaluate",
        step_args=eval_processor.run(
            code=f"s3://{BUCKET}/code/evaluate.py",
            inputs=[
                ProcessingInput(input_name="model", s3_input=ProcessingS3Input(
                    s3_uri=train.properties.ModelArtifacts.S3ModelArtifacts, local_path="/opt/ml/processing/model",
                    s3_data_type="S3Prefix", s3_input_mode="File")),
                ProcessingInput(input_name="test", s3_input=ProcessingS3Input(
                    s3_uri=pre.properties.ProcessingOutputConfig.Outputs["test"].S3Output.S3Uri,
                    local_path="/opt/ml/processing/test", s3_data_type="S3Prefix", s3_input_mode="File")),
            ],
            outputs=[ProcessingOutput(output_name="evaluation", s3_output=ProcessingS3Output(
                s3_uri=f"s3://{BUCKET}/runs/evaluation", local_path="/opt/ml/processing/evaluation",
                s3_upload_mode="EndOfJob"))],
        ),
        property_files=[report],
    )

    model = ModelBuilder(image_uri=XGBOOST_IMAGE, s3_model_data_url=train.properties.ModelArtifacts.S3ModelArtifacts,
                         role_arn=ROLE, sagemaker_session=sess)
    register = ModelStep(
        name="RegisterModel",
        step_args=model.register(
            model_package_group_name="golden-models",
            content_types=["text/csv"], response_types=["text/csv"],
            inference_instances=["ml.m5.large"], transform_instances=["ml.m5.large"],
            approval_status=approval,
            model_metrics=ModelMetrics(model_statistics=MetricsSource(
                content_type="application/json",
                s3_uri=Join(on="/", values=[evaluate.properties.ProcessingOutputConfig.Outputs["evaluation"].S3Output.S3Uri,
                                            "evaluation.json"]))),
        ),
    )
    fail = FailStep(name="AccuracyTooLow", error_message=Join(on=" ", values=["Accuracy below", threshold]))
    check = ConditionStep(
        name="CheckAccuracy",
        conditions=[ConditionGreaterThanOrEqualTo(
            left=JsonGet(step_name=evaluate.name, property_file=report, json_path="metrics.accuracy.value"),
            right=threshold)],
        if_steps=[register], else_steps=[fail],
    )
    return Pipeline(name="golden-sample", parameters=[input_data, processing_count, training_type, threshold, approval, isolation],
                    steps=[pre, train, evaluate, check], sagemaker_session=sess)


def tuning_pipeline():
    from sagemaker.core.drift_check_baselines import DriftCheckBaselines
    from sagemaker.core.model_metrics import MetricsSource, ModelMetrics
    from sagemaker.core.parameter import CategoricalParameter, ContinuousParameter, IntegerParameter
    from sagemaker.core.training.configs import Compute, InputData, Networking, OutputDataConfig, StoppingCondition
    from sagemaker.core.workflow.conditions import (
        ConditionEquals, ConditionGreaterThan, ConditionIn, ConditionLessThanOrEqualTo, ConditionNot, ConditionOr)
    from sagemaker.core.workflow.execution_variables import ExecutionVariables
    from sagemaker.core.workflow.functions import Join
    from sagemaker.core.workflow.parameters import ParameterInteger, ParameterString
    from sagemaker.mlops.workflow.condition_step import ConditionStep
    from sagemaker.mlops.workflow.fail_step import FailStep
    from sagemaker.mlops.workflow.model_step import ModelStep
    from sagemaker.mlops.workflow.pipeline import Pipeline
    from sagemaker.mlops.workflow.retry import StepExceptionTypeEnum, StepRetryPolicy
    from sagemaker.mlops.workflow.steps import CacheConfig, TuningStep
    from sagemaker.serve.model_builder import ModelBuilder
    from sagemaker.train.model_trainer import ModelTrainer
    from sagemaker.train.tuner import HyperparameterTuner

    sess = session()
    train_data = ParameterString(name="TrainDataUri", default_value=f"s3://{BUCKET}/data/train")
    validation_data = ParameterString(name="ValidationDataUri", default_value=f"s3://{BUCKET}/data/validation")
    seed = ParameterInteger(name="TuningSeed", default_value=42)
    stage = ParameterString(name="Stage", default_value="dev")
    trainer = ModelTrainer(
        training_image=XGBOOST_IMAGE, role=ROLE, sagemaker_session=sess, base_job_name="golden-tune",
        compute=Compute(instance_type="ml.m5.2xlarge", instance_count=1, volume_size_in_gb=30, volume_kms_key_id=KMS),
        networking=Networking(security_group_ids=SECURITY_GROUPS, subnets=SUBNETS, enable_network_isolation=True,
                              enable_inter_container_traffic_encryption=True),
        stopping_condition=StoppingCondition(max_runtime_in_seconds=3600),
        output_data_config=OutputDataConfig(s3_output_path=f"s3://{BUCKET}/tuning", kms_key_id=KMS),
        hyperparameters={"objective": "binary:logistic", "num_round": 100},
    )
    tuner = HyperparameterTuner(
        model_trainer=trainer,
        objective_metric_name="validation:auc",
        objective_type="Maximize",
        hyperparameter_ranges={
            "eta": ContinuousParameter(0.05, 0.5, scaling_type="Logarithmic"),
            "max_depth": IntegerParameter(3, 10),
            "booster": CategoricalParameter(["gbtree", "dart"]),
        },
        metric_definitions=[{"Name": "validation:auc", "Regex": "validation-auc:([0-9\\.]+)"}],
        strategy="Bayesian",
        max_jobs=6,
        max_parallel_jobs=2,
        early_stopping_type="Auto",
        base_tuning_job_name="golden",
        random_seed=seed,
    )
    tune = TuningStep(
        name="Tune",
        step_args=tuner.tune(inputs=[
            InputData(channel_name="train", data_source=train_data),
            InputData(channel_name="validation", data_source=validation_data),
        ]),
        cache_config=CacheConfig(enable_caching=True, expire_after="PT12H"),
    )
    best_model_uri = tune.get_top_model_s3_uri(top_k=0, s3_bucket=BUCKET, prefix="tuning")
    best = ModelBuilder(image_uri=XGBOOST_IMAGE, s3_model_data_url=best_model_uri, role_arn=ROLE, sagemaker_session=sess)
    create = ModelStep(
        name="CreateBestModel",
        step_args=best.build(),
        retry_policies=[StepRetryPolicy(exception_types=[StepExceptionTypeEnum.THROTTLING], max_attempts=4,
                                        interval_seconds=2, backoff_rate=1.5)],
    )
    objective = tune.properties.BestTrainingJob.FinalHyperParameterTuningJobObjectiveMetric.Value
    register = ModelStep(
        name="RegisterBestModel",
        step_args=best.register(
            model_package_group_name="golden-tuned-models",
            content_types=["text/csv"], response_types=["text/csv"],
            inference_instances=["ml.m5.large"], transform_instances=["ml.m5.large"],
            approval_status="PendingManualApproval",
            customer_metadata_properties={"tuning-job": tune.properties.HyperParameterTuningJobName},
            model_metrics=ModelMetrics(model_statistics=MetricsSource(
                content_type="application/json", s3_uri=f"s3://{BUCKET}/metrics/statistics.json")),
            drift_check_baselines=DriftCheckBaselines(model_statistics=MetricsSource(
                content_type="application/json", s3_uri=f"s3://{BUCKET}/baselines/statistics.json")),
        ),
        depends_on=[create],
    )
    fail = FailStep(name="NotGoodEnough",
                    error_message=Join(on=": ", values=["Best objective too low", ExecutionVariables.PIPELINE_EXECUTION_ARN]))
    check = ConditionStep(
        name="CheckObjective",
        conditions=[
            ConditionGreaterThan(left=objective, right=0.8),
            ConditionLessThanOrEqualTo(left=objective, right=1.0),
            ConditionOr(conditions=[
                ConditionEquals(left=stage, right="dev"),
                ConditionNot(expression=ConditionIn(value=stage, in_values=["int", "prod"])),
            ]),
        ],
        if_steps=[register], else_steps=[fail],
    )
    return Pipeline(name="golden-tuning", parameters=[train_data, validation_data, seed, stage],
                    steps=[tune, create, check], sagemaker_session=sess)


def batch_pipeline():
    from sagemaker.core.lambda_helper import Lambda
    from sagemaker.core.transformer import Transformer
    from sagemaker.core.workflow.conditions import ConditionEquals, ConditionLessThan
    from sagemaker.core.workflow.execution_variables import ExecutionVariables
    from sagemaker.core.workflow.functions import Join
    from sagemaker.core.workflow.parameters import ParameterFloat, ParameterString
    from sagemaker.mlops.workflow.condition_step import ConditionStep
    from sagemaker.mlops.workflow.fail_step import FailStep
    from sagemaker.mlops.workflow.lambda_step import LambdaOutput, LambdaOutputTypeEnum, LambdaStep
    from sagemaker.mlops.workflow.model_step import ModelStep
    from sagemaker.mlops.workflow.pipeline import Pipeline
    from sagemaker.mlops.workflow.retry import SageMakerJobExceptionTypeEnum, SageMakerJobStepRetryPolicy
    from sagemaker.mlops.workflow.steps import CacheConfig, TransformStep
    from sagemaker.serve.model_builder import ModelBuilder

    sess = session()
    model_data = ParameterString(name="ModelDataUri", default_value=f"s3://{BUCKET}/models/model.tar.gz")
    batch_data = ParameterString(name="BatchInputUri", default_value=f"s3://{BUCKET}/data/batch")
    max_error_rate = ParameterFloat(name="MaxErrorRate", default_value=0.05)
    model = ModelBuilder(image_uri=XGBOOST_IMAGE, s3_model_data_url=model_data, role_arn=ROLE, sagemaker_session=sess)
    create = ModelStep(name="CreateModel", step_args=model.build())
    transformer = Transformer(
        model_name=create.properties.ModelName, instance_count=1, instance_type="ml.m5.xlarge",
        strategy="MultiRecord", assemble_with="Line", accept="text/csv", max_payload=6,
        output_path=Join(on="/", values=[f"s3://{BUCKET}/batch-output", ExecutionVariables.PIPELINE_EXECUTION_ID]),
        output_kms_key=KMS, volume_kms_key=KMS, env={"STAGE": "batch"}, sagemaker_session=sess,
    )
    transform = TransformStep(
        name="BatchTransform",
        step_args=transformer.transform(data=batch_data, content_type="text/csv", split_type="Line",
                                        input_filter="$[1:]", join_source="Input", output_filter="$[0,-1]"),
        cache_config=CacheConfig(enable_caching=True, expire_after="P1D"),
        retry_policies=[SageMakerJobStepRetryPolicy(exception_types=[SageMakerJobExceptionTypeEnum.CAPACITY_ERROR],
                                                    max_attempts=5, interval_seconds=30, backoff_rate=2.0)],
    )
    status = LambdaOutput(output_name="status", output_type=LambdaOutputTypeEnum.String)
    error_rate = LambdaOutput(output_name="errorRate", output_type=LambdaOutputTypeEnum.Float)
    summarize = LambdaStep(
        name="Summarize",
        lambda_func=Lambda(function_arn=f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:golden-summarize",
                           session=sess),
        inputs={
            "outputUri": transform.properties.TransformOutput.S3OutputPath,
            "executionId": ExecutionVariables.PIPELINE_EXECUTION_ID,
            "startedAt": ExecutionVariables.START_DATETIME,
            "maxErrorRate": max_error_rate,
            "label": "nightly",
        },
        outputs=[status, error_rate],
        cache_config=CacheConfig(enable_caching=False),
    )
    fail = FailStep(name="BatchFailed",
                    error_message=Join(on=" ", values=["batch status", summarize.properties.Outputs["status"]]))
    check = ConditionStep(
        name="CheckBatch",
        conditions=[
            ConditionEquals(left=summarize.properties.Outputs["status"], right="OK"),
            ConditionLessThan(left=summarize.properties.Outputs["errorRate"], right=max_error_rate),
        ],
        if_steps=[], else_steps=[fail],
    )
    return Pipeline(name="golden-batch", parameters=[model_data, batch_data, max_error_rate],
                    steps=[create, transform, summarize, check], sagemaker_session=sess)


def prefixed_pipeline():
    from sagemaker.core.network import NetworkConfig
    from sagemaker.core.processing import ScriptProcessor
    from sagemaker.core.shapes import ProcessingOutput, ProcessingS3Output
    from sagemaker.core.training.configs import Compute, InputData, OutputDataConfig
    from sagemaker.core.transformer import Transformer
    from sagemaker.core.workflow.pipeline_definition_config import PipelineDefinitionConfig
    from sagemaker.mlops.workflow.pipeline import Pipeline
    from sagemaker.mlops.workflow.steps import ProcessingStep, TrainingStep, TransformStep
    from sagemaker.train.model_trainer import ModelTrainer

    sess = session()
    network = NetworkConfig(enable_network_isolation=True, security_group_ids=SECURITY_GROUPS, subnets=SUBNETS,
                            encrypt_inter_container_traffic=True)
    processor = ScriptProcessor(role=ROLE, image_uri=SKLEARN_IMAGE, command=["python3"], instance_count=1,
                                instance_type="ml.m5.large", volume_kms_key=KMS, output_kms_key=KMS,
                                network_config=network, sagemaker_session=sess, base_job_name="golden-uc--prep")
    prep = ProcessingStep(name="Preprocess", step_args=processor.run(
        code=f"s3://{BUCKET}/code/preprocess.py",
        outputs=[ProcessingOutput(output_name="train", s3_output=ProcessingS3Output(
            s3_uri=f"s3://{BUCKET}/runs/train", local_path="/opt/ml/processing/train", s3_upload_mode="EndOfJob"))]))
    trainer = ModelTrainer(
        training_image=XGBOOST_IMAGE, role=ROLE, sagemaker_session=sess, base_job_name="golden-uc--train",
        compute=Compute(instance_type="ml.m5.large", instance_count=1, volume_kms_key_id=KMS),
        output_data_config=OutputDataConfig(s3_output_path=f"s3://{BUCKET}/models", kms_key_id=KMS),
        input_data_config=[InputData(channel_name="train",
                                     data_source=prep.properties.ProcessingOutputConfig.Outputs["train"].S3Output.S3Uri)],
    )
    train = TrainingStep(name="Train", step_args=trainer.train())
    transformer = Transformer(model_name="golden-model", instance_count=1, instance_type="ml.m5.large",
                              output_path=f"s3://{BUCKET}/batch-output", base_transform_job_name="golden-uc--batch",
                              sagemaker_session=sess)
    batch = TransformStep(name="BatchTransform",
                          step_args=transformer.transform(data=f"s3://{BUCKET}/data/batch", content_type="text/csv"))
    return Pipeline(name="golden-prefixed", steps=[prep, train, batch], sagemaker_session=sess,
                    pipeline_definition_config=PipelineDefinitionConfig(use_custom_job_prefix=True))


def main(check: bool) -> int:
    tmp = ROOT / ".tmp" / "golden-work"
    tmp.mkdir(parents=True, exist_ok=True)
    offline_environment(tmp)
    logging.basicConfig(level=logging.WARNING)
    for noisy in ("werkzeug", "botocore", "sagemaker"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    from moto.server import ThreadedMotoServer
    import boto3

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        os.environ["AWS_ENDPOINT_URL"] = f"http://{host}:{port}"
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
        OUT.mkdir(parents=True, exist_ok=True)
        stale = []
        for name, build in (("sample", sample_pipeline), ("tuning", tuning_pipeline), ("batch", batch_pipeline),
                            ("prefixed", prefixed_pipeline)):
            text = json.dumps(json.loads(build().definition()), indent=2, sort_keys=True) + "\n"
            target = OUT / f"{name}.json"
            if check:
                if not target.exists() or target.read_text() != text:
                    stale.append(str(target))
            else:
                target.write_text(text)
                print(f"wrote {target}")
        uploaded = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
        if uploaded:
            raise SystemExit(f"the SDK uploaded objects, which the golden definitions must not depend on: {uploaded}")
    finally:
        server.stop()
    if stale:
        print("golden definitions differ from what the SDK generates now:\n  " + "\n  ".join(stale), file=sys.stderr)
        return 1
    if check:
        print("golden definitions are up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main(check="--check" in sys.argv[1:]))
