/**
 * The four reference pipelines of scripts/golden/generate.py, built with our builder. Each function
 * mirrors the SDK code of the same name there, field by field; pipeline-golden.test.ts compares the
 * results with the committed SDK output (test/fixtures/pipeline-golden/*.json).
 *
 * `samplePipeline` is also the reference for the Python face: it uses only the public jsii API
 * (static factories, props structs, no TS-only overloads), so a Python test can build the same
 * pipeline through the wheel, line by line, and compare `json.loads(definition.to_json_string())`
 * with sample.json (`to_json()` crosses jsii, which drops the null-valued `MlflowConfig` key). Python
 * spelling: props are keyword arguments (`ProcessingStep("Preprocess", role_arn=..., code=ProcessingCode(s3_uri=...))`),
 * methods are snake_case (`PipelineValue.from_string`, `RetryPolicy.sage_maker_job`, `step.output_s3_uri("train")`,
 * `evaluate.json_get(...)`, `PipelineCondition.greater_than_or_equal_to`), `cdk.Duration.days(30)` for the cache,
 * and a rejected definition raises `RuntimeError` with the same message.
 */
import { Duration } from 'aws-cdk-lib';
import {
  ConditionStep, CreateModelStep, ExecutionVariable, FailStep, HyperparameterScalingType, LambdaOutputType, LambdaStep,
  ParameterBoolean, ParameterFloat, ParameterInteger, ParameterString, PipelineCondition, PipelineDefinition, PipelineValue,
  ProcessingStep, RegisterModelStep, RetryPolicy, SageMakerJobExceptionType, StepExceptionType, TrainingInputMode,
  TrainingJobEarlyStoppingType, TrainingStep, TransformStep, TuningObjectiveType, TuningStep, TuningStrategy,
  BatchStrategy, AssembleWith, SplitType, JoinSource, TrainingJobSettings,
} from '../../../src';

export const REGION = 'eu-central-1';
export const ACCOUNT = '111111111111';
export const BUCKET = 'golden-bucket';
export const ROLE = `arn:aws:iam::${ACCOUNT}:role/golden-pipeline-role`;
export const KMS = `arn:aws:kms:${REGION}:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`;
export const SKLEARN_IMAGE = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/golden-sklearn:1.4`;
export const XGBOOST_IMAGE = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/golden-xgboost:1.7`;
export const SUBNETS = ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'];
export const SECURITY_GROUPS = ['sg-0ccccccccccccccccc'];

const s = (value: string) => PipelineValue.fromString(value);
const n = (value: number) => PipelineValue.fromNumber(value);

/** (a) processing -> training -> evaluation -> condition -> register / fail. */
export function samplePipeline(): PipelineDefinition {
  const inputData = new ParameterString('InputDataUri', { defaultValue: `s3://${BUCKET}/data/raw` });
  const processingCount = new ParameterInteger('ProcessingInstanceCount', { defaultValue: 1 });
  const trainingType = new ParameterString('TrainingInstanceType', { defaultValue: 'ml.m5.xlarge' });
  const threshold = new ParameterFloat('AccuracyThreshold', { defaultValue: 0.75 });
  const approval = new ParameterString('ModelApprovalStatus', {
    defaultValue: 'PendingManualApproval',
    enumValues: ['PendingManualApproval', 'Approved'],
  });
  const isolation = new ParameterBoolean('EnableNetworkIsolation', { defaultValue: true });
  const network = {
    vpcConfig: { securityGroupIds: SECURITY_GROUPS, subnets: SUBNETS },
    enableNetworkIsolation: true,
    enableInterContainerTrafficEncryption: true,
  };

  const preprocess = new ProcessingStep('Preprocess', {
    roleArn: s(ROLE),
    imageUri: s(SKLEARN_IMAGE),
    instanceType: s('ml.m5.xlarge'),
    instanceCount: processingCount.value,
    volumeKmsKeyId: s(KMS),
    outputKmsKeyId: s(KMS),
    maxRuntimeInSeconds: n(3600),
    environment: { RUN_ID: ExecutionVariable.PIPELINE_EXECUTION_ID },
    ...network,
    code: { s3Uri: `s3://${BUCKET}/code/preprocess.py`, command: ['python3'] },
    inputs: [{ inputName: 'raw', s3Uri: inputData.value, localPath: '/opt/ml/processing/input' }],
    outputs: [
      {
        outputName: 'train',
        s3Uri: PipelineValue.join('/', [s(`s3://${BUCKET}/runs`), ExecutionVariable.PIPELINE_EXECUTION_ID, s('train')]),
        localPath: '/opt/ml/processing/train',
      },
      { outputName: 'test', s3Uri: s(`s3://${BUCKET}/runs/test`), localPath: '/opt/ml/processing/test' },
    ],
    containerArguments: [s('--test-split'), s('0.2')],
    cacheConfig: { enabled: true, expireAfter: Duration.days(30) },
    retryPolicies: [
      RetryPolicy.step([StepExceptionType.SERVICE_FAULT, StepExceptionType.THROTTLING], { maxAttempts: 3, intervalSeconds: 5, backoffRate: 2 }),
      RetryPolicy.sageMakerJob([SageMakerJobExceptionType.CAPACITY_ERROR], { expireAfterMinutes: 60 }),
    ],
  });

  const train = new TrainingStep('Train', {
    roleArn: s(ROLE),
    trainingImage: s(XGBOOST_IMAGE),
    instanceType: trainingType.value,
    instanceCount: n(1),
    volumeSizeInGb: n(50),
    volumeKmsKeyId: s(KMS),
    vpcConfig: { securityGroupIds: SECURITY_GROUPS, subnets: SUBNETS },
    enableNetworkIsolation: true,
    enableInterContainerTrafficEncryption: true,
    maxRuntimeInSeconds: n(7200),
    outputPath: s(`s3://${BUCKET}/models`),
    outputKmsKeyId: s(KMS),
    hyperparameters: { max_depth: n(5), eta: n(0.2), objective: s('binary:logistic') },
    inputs: [{ channelName: 'train', s3Uri: preprocess.outputS3Uri('train'), inputMode: TrainingInputMode.FILE }],
    retryPolicies: [
      RetryPolicy.sageMakerJob([SageMakerJobExceptionType.JOB_INTERNAL_ERROR, SageMakerJobExceptionType.RESOURCE_LIMIT], { maxAttempts: 2 }),
    ],
  });

  const evaluate = new ProcessingStep('Evaluate', {
    roleArn: s(ROLE),
    imageUri: s(XGBOOST_IMAGE),
    instanceType: s('ml.m5.xlarge'),
    instanceCount: n(1),
    volumeKmsKeyId: s(KMS),
    outputKmsKeyId: s(KMS),
    ...network,
    code: { s3Uri: `s3://${BUCKET}/code/evaluate.py` },
    inputs: [
      { inputName: 'model', s3Uri: train.modelArtifactsS3Uri(), localPath: '/opt/ml/processing/model' },
      { inputName: 'test', s3Uri: preprocess.outputS3Uri('test'), localPath: '/opt/ml/processing/test' },
    ],
    outputs: [{ outputName: 'evaluation', s3Uri: s(`s3://${BUCKET}/runs/evaluation`), localPath: '/opt/ml/processing/evaluation' }],
    propertyFiles: [{ name: 'EvaluationReport', outputName: 'evaluation', filePath: 'evaluation.json' }],
  });

  const register = new RegisterModelStep('RegisterModel', {
    modelPackageGroupName: s('golden-models'),
    containers: [{
      image: s(XGBOOST_IMAGE),
      modelDataUrl: train.modelArtifactsS3Uri(),
      // what the SDK's ModelBuilder adds to a container without source code
      environment: {
        SAGEMAKER_CONTAINER_LOG_LEVEL: s('20'),
        SAGEMAKER_PROGRAM: s(''),
        SAGEMAKER_REGION: s(REGION),
        SAGEMAKER_SUBMIT_DIRECTORY: s(''),
      },
    }],
    supportedContentTypes: ['text/csv'],
    supportedResponseMimeTypes: ['text/csv'],
    supportedRealtimeInferenceInstanceTypes: ['ml.m5.large'],
    supportedTransformInstanceTypes: ['ml.m5.large'],
    modelApprovalStatus: approval.value,
    modelMetrics: {
      modelStatistics: {
        contentType: s('application/json'),
        s3Uri: PipelineValue.join('/', [evaluate.outputS3Uri('evaluation'), s('evaluation.json')]),
      },
    },
  });

  const fail = new FailStep('AccuracyTooLow', {
    errorMessage: PipelineValue.join(' ', [s('Accuracy below'), threshold.value]),
  });

  const check = new ConditionStep('CheckAccuracy', {
    conditions: [PipelineCondition.greaterThanOrEqualTo(evaluate.jsonGet('EvaluationReport', 'metrics.accuracy.value'), threshold.value)],
    ifSteps: [register],
    elseSteps: [fail],
  });

  return new PipelineDefinition({
    pipelineName: 'golden-sample',
    parameters: [inputData, processingCount, trainingType, threshold, approval, isolation],
    steps: [preprocess, train, evaluate, check],
  });
}

/** (b) tuning -> create the best model -> condition -> register / fail. */
export function tuningPipeline(): PipelineDefinition {
  const trainData = new ParameterString('TrainDataUri', { defaultValue: `s3://${BUCKET}/data/train` });
  const validationData = new ParameterString('ValidationDataUri', { defaultValue: `s3://${BUCKET}/data/validation` });
  const seed = new ParameterInteger('TuningSeed', { defaultValue: 42 });
  const stage = new ParameterString('Stage', { defaultValue: 'dev' });

  // SageMaker Python SDK 3.27.0's HyperparameterTuner drops the trainer's VolumeKmsKeyId,
  // EnableNetworkIsolation and EnableInterContainerTrafficEncryption from the TrainingJobDefinition,
  // so the reference has none; our builder renders them when given (see the unit tests).
  const trainingJob: TrainingJobSettings = {
    roleArn: s(ROLE),
    trainingImage: s(XGBOOST_IMAGE),
    metricDefinitions: [{ name: 'validation:auc', regex: 'validation-auc:([0-9\\.]+)' }],
    instanceType: s('ml.m5.2xlarge'),
    instanceCount: n(1),
    volumeSizeInGb: n(30),
    vpcConfig: { securityGroupIds: SECURITY_GROUPS, subnets: SUBNETS },
    maxRuntimeInSeconds: n(3600),
    outputPath: s(`s3://${BUCKET}/tuning`),
    outputKmsKeyId: s(KMS),
    hyperparameters: { objective: s('binary:logistic'), num_round: n(100) },
    inputs: [
      { channelName: 'train', s3Uri: trainData.value },
      { channelName: 'validation', s3Uri: validationData.value },
    ],
  };
  const tune = new TuningStep('Tune', {
    trainingJob,
    objectiveMetricName: 'validation:auc',
    objectiveType: TuningObjectiveType.MAXIMIZE,
    strategy: TuningStrategy.BAYESIAN,
    maxJobs: n(6),
    maxParallelJobs: n(2),
    earlyStoppingType: TrainingJobEarlyStoppingType.AUTO,
    randomSeed: seed.value,
    continuousParameterRanges: [{ name: 'eta', minValue: n(0.05), maxValue: n(0.5), scalingType: HyperparameterScalingType.LOGARITHMIC }],
    integerParameterRanges: [{ name: 'max_depth', minValue: n(3), maxValue: n(10) }],
    categoricalParameterRanges: [{ name: 'booster', values: ['gbtree', 'dart'] }],
    cacheConfig: { enabled: true, expireAfter: Duration.hours(12) },
  });

  const bestModelUri = tune.topModelS3Uri(0, BUCKET, 'tuning');
  const create = new CreateModelStep('CreateBestModel', {
    executionRoleArn: s(ROLE),
    primaryContainer: { image: s(XGBOOST_IMAGE), modelDataUrl: bestModelUri },
    retryPolicies: [RetryPolicy.step([StepExceptionType.THROTTLING], { maxAttempts: 4, intervalSeconds: 2, backoffRate: 1.5 })],
  });

  const register = new RegisterModelStep('RegisterBestModel', {
    modelPackageGroupName: s('golden-tuned-models'),
    containers: [{ image: s(XGBOOST_IMAGE), modelDataUrl: bestModelUri }],
    supportedContentTypes: ['text/csv'],
    supportedResponseMimeTypes: ['text/csv'],
    supportedRealtimeInferenceInstanceTypes: ['ml.m5.large'],
    supportedTransformInstanceTypes: ['ml.m5.large'],
    modelApprovalStatus: s('PendingManualApproval'),
    customerMetadataProperties: { 'tuning-job': tune.property('HyperParameterTuningJobName') },
    modelMetrics: { modelStatistics: { contentType: s('application/json'), s3Uri: s(`s3://${BUCKET}/metrics/statistics.json`) } },
    driftCheckBaselines: { modelStatistics: { contentType: s('application/json'), s3Uri: s(`s3://${BUCKET}/baselines/statistics.json`) } },
    dependsOn: [create],
  });

  const fail = new FailStep('NotGoodEnough', {
    errorMessage: PipelineValue.join(': ', [s('Best objective too low'), ExecutionVariable.PIPELINE_EXECUTION_ARN]),
  });

  const objective = tune.bestObjectiveValue();
  const check = new ConditionStep('CheckObjective', {
    conditions: [
      PipelineCondition.greaterThan(objective, n(0.8)),
      PipelineCondition.lessThanOrEqualTo(objective, n(1.0)),
      PipelineCondition.anyOf([
        PipelineCondition.equalTo(stage.value, s('dev')),
        PipelineCondition.negate(PipelineCondition.isIn(stage.value, [s('int'), s('prod')])),
      ]),
    ],
    ifSteps: [register],
    elseSteps: [fail],
  });

  return new PipelineDefinition({
    pipelineName: 'golden-tuning',
    parameters: [trainData, validationData, seed, stage],
    steps: [tune, create, check],
  });
}

/** (c) create model -> batch transform -> Lambda -> condition on the Lambda outputs -> fail. */
export function batchPipeline(): PipelineDefinition {
  const modelData = new ParameterString('ModelDataUri', { defaultValue: `s3://${BUCKET}/models/model.tar.gz` });
  const batchData = new ParameterString('BatchInputUri', { defaultValue: `s3://${BUCKET}/data/batch` });
  const maxErrorRate = new ParameterFloat('MaxErrorRate', { defaultValue: 0.05 });

  const create = new CreateModelStep('CreateModel', {
    executionRoleArn: s(ROLE),
    primaryContainer: { image: s(XGBOOST_IMAGE), modelDataUrl: modelData.value },
  });

  const transform = new TransformStep('BatchTransform', {
    modelName: create.modelName(),
    inputS3Uri: batchData.value,
    contentType: s('text/csv'),
    splitType: SplitType.LINE,
    outputPath: PipelineValue.join('/', [s(`s3://${BUCKET}/batch-output`), ExecutionVariable.PIPELINE_EXECUTION_ID]),
    accept: s('text/csv'),
    assembleWith: AssembleWith.LINE,
    outputKmsKeyId: s(KMS),
    instanceType: s('ml.m5.xlarge'),
    instanceCount: n(1),
    volumeKmsKeyId: s(KMS),
    batchStrategy: BatchStrategy.MULTI_RECORD,
    maxPayloadInMb: n(6),
    environment: { STAGE: s('batch') },
    inputFilter: s('$[1:]'),
    outputFilter: s('$[0,-1]'),
    joinSource: JoinSource.INPUT,
    cacheConfig: { enabled: true, expireAfter: Duration.days(1) },
    retryPolicies: [RetryPolicy.sageMakerJob([SageMakerJobExceptionType.CAPACITY_ERROR], { maxAttempts: 5, intervalSeconds: 30, backoffRate: 2 })],
  });

  const summarize = new LambdaStep('Summarize', {
    functionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:golden-summarize`,
    inputs: {
      outputUri: transform.outputS3Uri(),
      executionId: ExecutionVariable.PIPELINE_EXECUTION_ID,
      startedAt: ExecutionVariable.START_DATETIME,
      maxErrorRate: maxErrorRate.value,
      label: s('nightly'),
    },
    outputs: [
      { outputName: 'status', outputType: LambdaOutputType.STRING },
      { outputName: 'errorRate', outputType: LambdaOutputType.FLOAT },
    ],
    cacheConfig: { enabled: false },
  });

  const fail = new FailStep('BatchFailed', {
    errorMessage: PipelineValue.join(' ', [s('batch status'), summarize.output('status')]),
  });

  const check = new ConditionStep('CheckBatch', {
    conditions: [
      PipelineCondition.equalTo(summarize.output('status'), s('OK')),
      PipelineCondition.lessThan(summarize.output('errorRate'), maxErrorRate.value),
    ],
    elseSteps: [fail],
  });

  return new PipelineDefinition({
    pipelineName: 'golden-batch',
    parameters: [modelData, batchData, maxErrorRate],
    steps: [create, transform, summarize, check],
  });
}

/**
 * (d) processing -> training -> batch transform, with custom job name prefixes (the SDK's
 * `PipelineDefinitionConfig(use_custom_job_prefix=True)`). The training step has none: the SDK 3.27
 * `ModelTrainer` drops `TrainingJobName` under a pipeline session (aws/sagemaker-python-sdk#5776);
 * `TrainingStep` renders it where the SDK's own `TrainingStep.arguments` keeps it.
 */
export function prefixedPipeline(): PipelineDefinition {
  const preprocess = new ProcessingStep('Preprocess', {
    jobNamePrefix: 'golden-uc--prep',
    roleArn: s(ROLE),
    imageUri: s(SKLEARN_IMAGE),
    instanceType: s('ml.m5.large'),
    volumeKmsKeyId: s(KMS),
    outputKmsKeyId: s(KMS),
    vpcConfig: { securityGroupIds: SECURITY_GROUPS, subnets: SUBNETS },
    enableNetworkIsolation: true,
    enableInterContainerTrafficEncryption: true,
    code: { s3Uri: `s3://${BUCKET}/code/preprocess.py` },
    outputs: [{ outputName: 'train', s3Uri: s(`s3://${BUCKET}/runs/train`), localPath: '/opt/ml/processing/train' }],
  });
  const train = new TrainingStep('Train', {
    roleArn: s(ROLE),
    trainingImage: s(XGBOOST_IMAGE),
    instanceType: s('ml.m5.large'),
    volumeKmsKeyId: s(KMS),
    outputPath: s(`s3://${BUCKET}/models`),
    outputKmsKeyId: s(KMS),
    hyperparameters: {},
    inputs: [{ channelName: 'train', s3Uri: preprocess.outputS3Uri('train'), inputMode: TrainingInputMode.FILE }],
  });
  const batch = new TransformStep('BatchTransform', {
    jobNamePrefix: 'golden-uc--batch',
    modelName: s('golden-model'),
    inputS3Uri: s(`s3://${BUCKET}/data/batch`),
    contentType: s('text/csv'),
    outputPath: s(`s3://${BUCKET}/batch-output`),
    instanceType: s('ml.m5.large'),
  });
  return new PipelineDefinition({ pipelineName: 'golden-prefixed', steps: [preprocess, train, batch] });
}
