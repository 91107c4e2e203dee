"""The pipeline-definition builder from Python (through the jsii wheel) emits exactly the golden
definition that the SageMaker Python SDK emits (test/fixtures/pipeline-golden/sample.json), like the
TypeScript builder does (test/constructs/training/golden-pipelines.ts)."""
import json
import pathlib

import aws_cdk as cdk
import pytest
from vw_mlops_blueprint import (
    ConditionStep, ExecutionVariable, FailStep, ParameterBoolean, ParameterFloat, ParameterInteger, ParameterString,
    PipelineCondition, PipelineDefinition, PipelineValue, ProcessingStep, RegisterModelStep, RetryPolicy,
    SageMakerJobExceptionType, StepExceptionType, TrainingInputMode, TrainingStep, PipelineVpcConfig, StepCacheConfig,
    ProcessingInput, ProcessingOutput, ProcessingCode, PropertyFile, TrainingChannel, RetryOptions, ModelContainer, ModelMetrics, MetricsSource,
)
REGION, ACCOUNT, BUCKET = "eu-central-1", "111111111111", "golden-bucket"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/golden-pipeline-role"
KMS = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/11111111-2222-3333-4444-555555555555"
SKLEARN = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/golden-sklearn:1.4"
XGB = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/golden-xgboost:1.7"
VPC = PipelineVpcConfig(security_group_ids=["sg-0ccccccccccccccccc"], subnets=["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"])
s, n = PipelineValue.from_string, PipelineValue.from_number

input_data = ParameterString("InputDataUri", default_value=f"s3://{BUCKET}/data/raw")
count = ParameterInteger("ProcessingInstanceCount", default_value=1)
ttype = ParameterString("TrainingInstanceType", default_value="ml.m5.xlarge")
threshold = ParameterFloat("AccuracyThreshold", default_value=0.75)
approval = ParameterString("ModelApprovalStatus", default_value="PendingManualApproval", enum_values=["PendingManualApproval", "Approved"])
isolation = ParameterBoolean("EnableNetworkIsolation", default_value=True)

pre = ProcessingStep("Preprocess", role_arn=s(ROLE), image_uri=s(SKLEARN), instance_type=s("ml.m5.xlarge"), instance_count=count.value,
    volume_kms_key_id=s(KMS), output_kms_key_id=s(KMS), max_runtime_in_seconds=n(3600),
    environment={"RUN_ID": ExecutionVariable.PIPELINE_EXECUTION_ID}, vpc_config=VPC, enable_network_isolation=True,
    enable_inter_container_traffic_encryption=True, code=ProcessingCode(s3_uri=f"s3://{BUCKET}/code/preprocess.py", command=["python3"]),
    inputs=[ProcessingInput(input_name="raw", s3_uri=input_data.value, local_path="/opt/ml/processing/input")],
    outputs=[ProcessingOutput(output_name="train", s3_uri=PipelineValue.join("/", [s(f"s3://{BUCKET}/runs"), ExecutionVariable.PIPELINE_EXECUTION_ID, s("train")]), local_path="/opt/ml/processing/train"),
             ProcessingOutput(output_name="test", s3_uri=s(f"s3://{BUCKET}/runs/test"), local_path="/opt/ml/processing/test")],
    container_arguments=[s("--test-split"), s("0.2")],
    cache_config=StepCacheConfig(enabled=True, expire_after=cdk.Duration.days(30)),
    retry_policies=[RetryPolicy.step([StepExceptionType.SERVICE_FAULT, StepExceptionType.THROTTLING], max_attempts=3, interval_seconds=5, backoff_rate=2),
                    RetryPolicy.sage_maker_job([SageMakerJobExceptionType.CAPACITY_ERROR], expire_after_minutes=60)])
train = TrainingStep("Train", role_arn=s(ROLE), training_image=s(XGB), instance_type=ttype.value, instance_count=n(1), volume_size_in_gb=n(50),
    volume_kms_key_id=s(KMS), vpc_config=VPC, enable_network_isolation=True, enable_inter_container_traffic_encryption=True,
    max_runtime_in_seconds=n(7200), output_path=s(f"s3://{BUCKET}/models"), output_kms_key_id=s(KMS),
    hyperparameters={"max_depth": n(5), "eta": n(0.2), "objective": s("binary:logistic")},
    inputs=[TrainingChannel(channel_name="train", s3_uri=pre.output_s3_uri("train"), input_mode=TrainingInputMode.FILE)],
    retry_policies=[RetryPolicy.sage_maker_job([SageMakerJobExceptionType.JOB_INTERNAL_ERROR, SageMakerJobExceptionType.RESOURCE_LIMIT], max_attempts=2)])
evaluate = ProcessingStep("Evaluate", role_arn=s(ROLE), image_uri=s(XGB), instance_type=s("ml.m5.xlarge"), instance_count=n(1),
    volume_kms_key_id=s(KMS), output_kms_key_id=s(KMS), vpc_config=VPC, enable_network_isolation=True, enable_inter_container_traffic_encryption=True,
    code=ProcessingCode(s3_uri=f"s3://{BUCKET}/code/evaluate.py"),
    inputs=[ProcessingInput(input_name="model", s3_uri=train.model_artifacts_s3_uri(), local_path="/opt/ml/processing/model"),
            ProcessingInput(input_name="test", s3_uri=pre.output_s3_uri("test"), local_path="/opt/ml/processing/test")],
    outputs=[ProcessingOutput(output_name="evaluation", s3_uri=s(f"s3://{BUCKET}/runs/evaluation"), local_path="/opt/ml/processing/evaluation")],
    property_files=[PropertyFile(name="EvaluationReport", output_name="evaluation", file_path="evaluation.json")])
register = RegisterModelStep("RegisterModel", model_package_group_name=s("golden-models"),
    containers=[ModelContainer(image=s(XGB), model_data_url=train.model_artifacts_s3_uri(), environment={
        "SAGEMAKER_CONTAINER_LOG_LEVEL": s("20"), "SAGEMAKER_PROGRAM": s(""), "SAGEMAKER_REGION": s(REGION), "SAGEMAKER_SUBMIT_DIRECTORY": s("")})],
    supported_content_types=["text/csv"], supported_response_mime_types=["text/csv"],
    supported_realtime_inference_instance_types=["ml.m5.large"], supported_transform_instance_types=["ml.m5.large"],
    model_approval_status=approval.value,
    model_metrics=ModelMetrics(model_statistics=MetricsSource(content_type=s("application/json"),
        s3_uri=PipelineValue.join("/", [evaluate.output_s3_uri("evaluation"), s("evaluation.json")]))))
fail = FailStep("AccuracyTooLow", error_message=PipelineValue.join(" ", [s("Accuracy below"), threshold.value]))
check = ConditionStep("CheckAccuracy", conditions=[PipelineCondition.greater_than_or_equal_to(
    evaluate.json_get("EvaluationReport", "metrics.accuracy.value"), threshold.value)], if_steps=[register], else_steps=[fail])


def build(steps):
    return PipelineDefinition(
        pipeline_name="golden-sample",
        parameters=[input_data, count, ttype, threshold, approval, isolation],
        steps=steps,
    )


GOLDEN = pathlib.Path(__file__).resolve().parents[2] / "test" / "fixtures" / "pipeline-golden" / "sample.json"


def test_sample_pipeline_equals_the_sdk_golden_definition():
    golden = json.loads(GOLDEN.read_text())
    ours = json.loads(build([pre, train, evaluate, check]).to_json_string())
    assert ours == golden


def test_an_invalid_definition_fails_with_the_same_message_as_in_typescript():
    with pytest.raises(Exception) as err:
        PipelineDefinition(pipeline_name="p", steps=[evaluate])
    assert 'step "Evaluate": references unknown step "Train"' in str(err.value)
