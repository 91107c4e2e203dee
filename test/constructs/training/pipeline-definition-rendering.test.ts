/**
 * What each part of the builder renders, beyond the golden pipelines: every value kind, parameter,
 * condition, retry policy, cache config, the defaults of each step and the escape hatch.
 */
import { Aws, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import {
  AssembleWith, ConditionStep, CreateModelStep, ExecutionVariable, FailStep, LambdaStep, ParameterBoolean, ParameterFloat,
  ParameterInteger, ParameterString, PipelineCondition, PipelineDefinition, PipelineValue, ProcessingStep, RegisterModelStep,
  RetryPolicy, S3CompressionType, S3DataDistributionType, S3DataType, S3InputMode, S3UploadMode, SageMakerJobExceptionType,
  SkipModelValidation, StepExceptionType, TrainingStep, TransformStep, TuningStep,
} from '../../../src';
import { testStack } from '../../helpers/stacks';

const s = (value: string) => PipelineValue.fromString(value);
const n = (value: number) => PipelineValue.fromNumber(value);
const ROLE = s('arn:aws:iam::111111111111:role/r');

const minimalTraining = { roleArn: ROLE, trainingImage: s('image'), instanceType: s('ml.m5.xlarge'), outputPath: s('s3://b/models') };

describe('PipelineValue', () => {
  const p = new ParameterString('Uri');
  const step = new TrainingStep('Train', minimalTraining);
  const pre = new ProcessingStep('Pre', {
    roleArn: ROLE,
    imageUri: s('i'),
    instanceType: s('t'),
    outputs: [{ outputName: 'train', s3Uri: s('s3://b/t'), localPath: '/opt/ml/processing/train' }],
    propertyFiles: [{ name: 'Report', outputName: 'train', filePath: 'r.json' }],
  });

  test.each([
    ['fromString', s('x'), 'x'],
    ['fromNumber', n(3.5), 3.5],
    ['fromBoolean', PipelineValue.fromBoolean(false), false],
    ['fromParameter', PipelineValue.fromParameter(p), { Get: 'Parameters.Uri' }],
    ['parameter.value', p.value, { Get: 'Parameters.Uri' }],
    ['step.property', step.property('ModelArtifacts.S3ModelArtifacts'), { Get: 'Steps.Train.ModelArtifacts.S3ModelArtifacts' }],
    ['fromStepProperty', PipelineValue.fromStepProperty(step, 'TrainingJobName'), { Get: 'Steps.Train.TrainingJobName' }],
    ['outputS3Uri', pre.outputS3Uri('train'), { Get: "Steps.Pre.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri" }],
    ['join', PipelineValue.join('/', [s('s3://b'), p.value, n(1)]), { 'Std:Join': { On: '/', Values: ['s3://b', { Get: 'Parameters.Uri' }, 1] } }],
    ['jsonGet', pre.jsonGet('Report', 'metrics.auc'), {
      'Std:JsonGet': { PropertyFile: { Get: 'Steps.Pre.PropertyFiles.Report' }, Path: 'metrics.auc' },
    }],
  ])('%s', (_name, value, json) => {
    expect(value.toJson()).toStrictEqual(json);
  });

  test('isLiteral', () => {
    expect(s('x').isLiteral).toBe(true);
    expect(p.value.isLiteral).toBe(false);
  });

  test('the six execution variables', () => {
    expect([
      ExecutionVariable.START_DATETIME, ExecutionVariable.CURRENT_DATETIME, ExecutionVariable.PIPELINE_NAME,
      ExecutionVariable.PIPELINE_ARN, ExecutionVariable.PIPELINE_EXECUTION_ID, ExecutionVariable.PIPELINE_EXECUTION_ARN,
    ].map((x) => x.toJson())).toStrictEqual([
      { Get: 'Execution.StartDateTime' }, { Get: 'Execution.CurrentDateTime' }, { Get: 'Execution.PipelineName' },
      { Get: 'Execution.PipelineArn' }, { Get: 'Execution.PipelineExecutionId' }, { Get: 'Execution.PipelineExecutionArn' },
    ]);
  });

  test('jsonGet needs a path', () => {
    expect(() => PipelineValue.jsonGet(pre, 'Report', '')).toThrow('step "Pre": jsonGet on property file "Report" needs a non-empty JSON path');
  });
});

test('parameters of the four types', () => {
  expect([
    new ParameterString('S', { defaultValue: 'a', enumValues: ['a', 'b'] }),
    new ParameterString('NoDefault'),
    new ParameterInteger('I', { defaultValue: 3 }),
    new ParameterFloat('F', { defaultValue: 0.5 }),
    new ParameterBoolean('B', { defaultValue: false }),
  ].map((x) => x.toJson())).toStrictEqual([
    { Name: 'S', Type: 'String', DefaultValue: 'a', EnumValues: ['a', 'b'] },
    { Name: 'NoDefault', Type: 'String' },
    { Name: 'I', Type: 'Integer', DefaultValue: 3 },
    { Name: 'F', Type: 'Float', DefaultValue: 0.5 },
    { Name: 'B', Type: 'Boolean', DefaultValue: false },
  ]);
});

test('conditions', () => {
  const a = s('a');
  const b = n(2);
  expect(PipelineCondition.equalTo(a, b).toJson()).toStrictEqual({ Type: 'Equals', LeftValue: 'a', RightValue: 2 });
  expect(PipelineCondition.greaterThan(a, b).toJson().Type).toBe('GreaterThan');
  expect(PipelineCondition.greaterThanOrEqualTo(a, b).toJson().Type).toBe('GreaterThanOrEqualTo');
  expect(PipelineCondition.lessThan(a, b).toJson().Type).toBe('LessThan');
  expect(PipelineCondition.lessThanOrEqualTo(a, b).toJson().Type).toBe('LessThanOrEqualTo');
  expect(PipelineCondition.negate(PipelineCondition.anyOf([PipelineCondition.isIn(a, [s('x'), n(1)])])).toJson()).toStrictEqual({
    Type: 'Not',
    Condition: { Type: 'Or', Conditions: [{ Type: 'In', QueryValue: 'a', Values: ['x', 1] }] },
  });
});

describe('RetryPolicy', () => {
  test('defaults: 1 second interval, backoff 2', () => {
    expect(RetryPolicy.step([StepExceptionType.SERVICE_FAULT], { maxAttempts: 20 }).toJson()).toStrictEqual({
      ExceptionType: ['Step.SERVICE_FAULT'], IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 20,
    });
    expect(RetryPolicy.sageMakerJob([SageMakerJobExceptionType.RESOURCE_LIMIT], { expireAfterMinutes: 0 }).toJson()).toStrictEqual({
      ExceptionType: ['SageMaker.RESOURCE_LIMIT'], IntervalSeconds: 1, BackoffRate: 2, ExpireAfterMin: 0,
    });
  });

  test.each([
    [{}, 'RetryPolicy.step: set exactly one of maxAttempts and expireAfterMinutes'],
    [{ maxAttempts: 1, expireAfterMinutes: 1 }, 'RetryPolicy.step: set exactly one of maxAttempts and expireAfterMinutes'],
    [{ maxAttempts: 0 }, 'RetryPolicy.step: maxAttempts 0 must be a whole number from 1 to 20'],
    [{ maxAttempts: 21 }, 'RetryPolicy.step: maxAttempts 21 must be a whole number from 1 to 20'],
    [{ expireAfterMinutes: 14401 }, 'RetryPolicy.step: expireAfterMinutes 14401 must be a whole number from 0 to 14400'],
    [{ maxAttempts: 2, intervalSeconds: -1 }, 'RetryPolicy.step: intervalSeconds -1 must be a non-negative whole number'],
    [{ maxAttempts: 2, backoffRate: -0.5 }, 'RetryPolicy.step: backoffRate -0.5 must not be negative'],
  ])('rejects %j', (options, message) => {
    expect(() => RetryPolicy.step([StepExceptionType.THROTTLING], options)).toThrow(message);
  });

  test('needs an exception type', () => {
    expect(() => RetryPolicy.sageMakerJob([], { maxAttempts: 1 })).toThrow('RetryPolicy.sageMakerJob: exceptionTypes is empty');
  });

  test('SageMaker job policies are refused on model steps', () => {
    const policy = RetryPolicy.sageMakerJob([SageMakerJobExceptionType.CAPACITY_ERROR], { maxAttempts: 2 });
    expect(() => new CreateModelStep('M', { executionRoleArn: ROLE, primaryContainer: { image: s('i') }, retryPolicies: [policy] }))
      .toThrow('step "M": RetryPolicy.sageMakerJob is not allowed on a model step; use RetryPolicy.step');
    expect(() => new RegisterModelStep('R', {
      modelPackageGroupName: s('g'), containers: [{ image: s('i') }], supportedContentTypes: [], supportedResponseMimeTypes: [], retryPolicies: [policy],
    })).toThrow('step "R": RetryPolicy.sageMakerJob is not allowed on a model step');
  });
});

describe('steps', () => {
  test('common fields: DependsOn, DisplayName, Description, CacheConfig', () => {
    const first = new FailStep('First');
    const step = new TrainingStep('Train', {
      ...minimalTraining,
      displayName: 'Train it',
      description: 'Trains',
      dependsOn: [first],
      cacheConfig: { expireAfter: Duration.minutes(90) },
    });
    step.addDependsOn(first); // no duplicate
    const json = step.toJson();
    expect(json.DependsOn).toEqual(['First']);
    expect(json.DisplayName).toBe('Train it');
    expect(json.Description).toBe('Trains');
    expect(json.CacheConfig).toStrictEqual({ Enabled: true, ExpireAfter: 'PT1H30M' });
    expect(json.RetryPolicies).toBeUndefined();
  });

  test('processing defaults and explicit S3 modes', () => {
    const step = new ProcessingStep('P', {
      roleArn: ROLE,
      imageUri: s('i'),
      instanceType: s('ml.t3.medium'),
      containerEntrypoint: ['bash', 'run.sh'],
      inputs: [
        { inputName: 'a', s3Uri: s('s3://b/a'), localPath: '/opt/ml/processing/a' },
        {
          inputName: 'b',
          s3Uri: s('s3://b/b'),
          localPath: '/opt/ml/processing/b',
          s3DataType: S3DataType.MANIFEST_FILE,
          s3InputMode: S3InputMode.PIPE,
          s3DataDistributionType: S3DataDistributionType.SHARDED_BY_S3_KEY,
          s3CompressionType: S3CompressionType.GZIP,
        },
      ],
      outputs: [{ outputName: 'o', s3Uri: s('s3://b/o'), localPath: '/opt/ml/processing/o', s3UploadMode: S3UploadMode.CONTINUOUS }],
    });
    expect(step.toJson()).toStrictEqual({
      Name: 'P',
      Type: 'Processing',
      Arguments: {
        ProcessingResources: { ClusterConfig: { InstanceType: 'ml.t3.medium', InstanceCount: 1, VolumeSizeInGB: 30 } },
        AppSpecification: { ImageUri: 'i', ContainerEntrypoint: ['bash', 'run.sh'] },
        RoleArn: 'arn:aws:iam::111111111111:role/r',
        ProcessingInputs: [
          {
            InputName: 'a',
            S3Input: {
              S3Uri: 's3://b/a',
              LocalPath: '/opt/ml/processing/a',
              S3DataType: 'S3Prefix',
              S3InputMode: 'File',
              S3DataDistributionType: 'FullyReplicated',
              S3CompressionType: 'None',
            },
          },
          {
            InputName: 'b',
            S3Input: {
              S3Uri: 's3://b/b',
              LocalPath: '/opt/ml/processing/b',
              S3DataType: 'ManifestFile',
              S3InputMode: 'Pipe',
              S3DataDistributionType: 'ShardedByS3Key',
              S3CompressionType: 'Gzip',
            },
          },
        ],
        ProcessingOutputConfig: { Outputs: [{ OutputName: 'o', S3Output: { S3Uri: 's3://b/o', LocalPath: '/opt/ml/processing/o', S3UploadMode: 'Continuous' } }] },
      },
    });
  });

  test('processing code: a token bucket is fine, a token file name is refused', () => {
    const { stack } = testStack();
    const bucket = new s3.Bucket(stack, 'Code');
    const step = new ProcessingStep('P', {
      roleArn: ROLE, imageUri: s('i'), instanceType: s('t'), code: { s3Uri: `s3://${bucket.bucketName}/code/run.py`, command: ['python3', '-u'] },
    });
    const args = step.toJson().Arguments;
    expect(args.AppSpecification.ContainerEntrypoint).toEqual(['python3', '-u', '/opt/ml/processing/input/code/run.py']);
    expect(args.ProcessingInputs[0].InputName).toBe('code');
    expect(stack.resolve(args.ProcessingInputs[0].S3Input.S3Uri)).toStrictEqual({
      'Fn::Join': ['', ['s3://', { Ref: stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket) }, '/code/run.py']],
    });
    expect(() => new ProcessingStep('Q', { roleArn: ROLE, imageUri: s('i'), instanceType: s('t'), code: { s3Uri: `s3://b/${bucket.bucketName}` } }))
      .toThrow('step "Q": code.s3Uri');
  });

  test('processing network settings render into NetworkConfig', () => {
    const step = new ProcessingStep('P', { roleArn: ROLE, imageUri: s('i'), instanceType: s('t'), enableNetworkIsolation: false });
    expect(step.toJson().Arguments.NetworkConfig).toStrictEqual({ EnableNetworkIsolation: false });
  });

  test('training defaults; literal hyperparameters become strings, references stay', () => {
    const depth = new ParameterInteger('Depth');
    const json = new TrainingStep('T', {
      ...minimalTraining,
      hyperparameters: { a: n(1), b: PipelineValue.fromBoolean(true), c: s('x'), d: depth.value },
      environment: { E: s('1') },
      checkpointS3Uri: s('s3://b/ckpt'),
      enableManagedSpotTraining: true,
      maxWaitTimeInSeconds: n(7200),
    }).toJson();
    expect(json.Arguments).toStrictEqual({
      AlgorithmSpecification: { TrainingImage: 'image', TrainingInputMode: 'File' },
      RoleArn: 'arn:aws:iam::111111111111:role/r',
      HyperParameters: { a: '1', b: 'true', c: 'x', d: { Get: 'Parameters.Depth' } },
      OutputDataConfig: { S3OutputPath: 's3://b/models', CompressionType: 'GZIP' },
      ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 30 },
      StoppingCondition: { MaxRuntimeInSeconds: 3600, MaxWaitTimeInSeconds: 7200 },
      Environment: { E: '1' },
      EnableManagedSpotTraining: true,
      CheckpointConfig: { S3Uri: 's3://b/ckpt' },
    });
  });

  test('tuning: secure training settings render in the TrainingJobDefinition; top model URI without prefix', () => {
    const tune = new TuningStep('Tune', {
      trainingJob: {
        ...minimalTraining,
        volumeKmsKeyId: s('k'),
        enableNetworkIsolation: true,
        enableInterContainerTrafficEncryption: true,
        vpcConfig: { securityGroupIds: ['sg-1'], subnets: ['subnet-1'] },
      },
      objectiveMetricName: 'm',
      maxJobs: n(2),
      maxRuntimeInSeconds: n(600),
      integerParameterRanges: [{ name: 'x', minValue: n(1), maxValue: n(2) }],
    });
    const args = tune.toJson().Arguments;
    expect(args.HyperParameterTuningJobConfig).toStrictEqual({
      Strategy: 'Bayesian',
      HyperParameterTuningJobObjective: { Type: 'Maximize', MetricName: 'm' },
      ResourceLimits: { MaxNumberOfTrainingJobs: 2, MaxParallelTrainingJobs: 1, MaxRuntimeInSeconds: 600 },
      ParameterRanges: {
        ContinuousParameterRanges: [],
        IntegerParameterRanges: [{ Name: 'x', MinValue: '1', MaxValue: '2', ScalingType: 'Auto' }],
        CategoricalParameterRanges: [],
      },
      TrainingJobEarlyStoppingType: 'Off',
    });
    expect(args.TrainingJobDefinition).toMatchObject({
      ResourceConfig: { VolumeKmsKeyId: 'k' },
      EnableNetworkIsolation: true,
      EnableInterContainerTrafficEncryption: true,
      VpcConfig: { SecurityGroupIds: ['sg-1'], Subnets: ['subnet-1'] },
    });
    expect(args.TrainingJobDefinition.HyperParameters).toBeUndefined();
    expect(tune.topModelS3Uri(1, 'bucket').toJson()).toStrictEqual({
      'Std:Join': { On: '/', Values: ['s3:/', 'bucket', { Get: 'Steps.Tune.TrainingJobSummaries[1].TrainingJobName' }, 'output/model.tar.gz'] },
    });
    expect(() => tune.topModelS3Uri(-1, 'bucket')).toThrow('step "Tune": topModelS3Uri topK -1 must be a whole number >= 0');
    expect(() => new TuningStep('T', { trainingJob: minimalTraining, objectiveMetricName: 'm', maxJobs: n(1) }))
      .toThrow('step "T": a tuning step needs at least one hyperparameter range');
  });

  test('transform defaults', () => {
    const json = new TransformStep('X', {
      modelName: s('m'),
      inputS3Uri: s('s3://b/in'),
      outputPath: s('s3://b/out'),
      instanceType: s('ml.m5.large'),
      assembleWith: AssembleWith.NONE,
      maxConcurrentTransforms: n(4),
    }).toJson();
    expect(json.Arguments).toStrictEqual({
      ModelName: 'm',
      TransformInput: { DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://b/in' } } },
      TransformOutput: { S3OutputPath: 's3://b/out', AssembleWith: 'None' },
      TransformResources: { InstanceCount: 1, InstanceType: 'ml.m5.large' },
      MaxConcurrentTransforms: 4,
    });
  });

  test('create model with VPC and network isolation; register model with every metric and baseline', () => {
    const create = new CreateModelStep('M', {
      executionRoleArn: ROLE,
      primaryContainer: { image: s('i') },
      vpcConfig: { securityGroupIds: ['sg-1'], subnets: ['subnet-1'] },
      enableNetworkIsolation: true,
    });
    expect(create.toJson().Arguments).toStrictEqual({
      ExecutionRoleArn: 'arn:aws:iam::111111111111:role/r',
      PrimaryContainer: { Image: 'i', Environment: {} },
      VpcConfig: { SecurityGroupIds: ['sg-1'], Subnets: ['subnet-1'] },
      EnableNetworkIsolation: true,
    });
    expect(create.modelName().toJson()).toStrictEqual({ Get: 'Steps.M.ModelName' });

    const src = (name: string) => ({ contentType: s('application/json'), s3Uri: s(`s3://b/${name}`) });
    const register = new RegisterModelStep('R', {
      modelPackageGroupName: s('g'),
      containers: [{ image: s('i'), modelDataUrl: s('s3://b/model.tar.gz') }],
      supportedContentTypes: ['text/csv'],
      supportedResponseMimeTypes: ['application/json'],
      modelPackageDescription: s('d'),
      skipModelValidation: SkipModelValidation.ALL,
      modelMetrics: {
        modelStatistics: src('ms'),
        modelConstraints: src('mc'),
        modelDataStatistics: src('ds'),
        modelDataConstraints: src('dc'),
        bias: src('b'),
        biasPreTraining: src('bpre'),
        biasPostTraining: src('bpost'),
        explainability: { ...src('e'), contentDigest: s('sha') },
      },
      driftCheckBaselines: {
        modelStatistics: src('ms'),
        modelConstraints: src('mc'),
        modelDataStatistics: src('ds'),
        modelDataConstraints: src('dc'),
        biasConfigFile: { s3Uri: s('s3://b/bc') },
        biasPreTrainingConstraints: src('bpre'),
        biasPostTrainingConstraints: src('bpost'),
        explainabilityConstraints: src('ec'),
        explainabilityConfigFile: { s3Uri: s('s3://b/ecf'), contentType: s('application/json') },
      },
    });
    const m = (name: string) => ({ ContentType: 'application/json', S3Uri: `s3://b/${name}` });
    expect(register.toJson().Arguments).toStrictEqual({
      ModelPackageGroupName: 'g',
      InferenceSpecification: {
        Containers: [{ Image: 'i', Environment: {}, ModelDataUrl: 's3://b/model.tar.gz' }],
        SupportedContentTypes: ['text/csv'],
        SupportedResponseMIMETypes: ['application/json'],
      },
      ModelMetrics: {
        ModelQuality: { Statistics: m('ms'), Constraints: m('mc') },
        ModelDataQuality: { Statistics: m('ds'), Constraints: m('dc') },
        Bias: { Report: m('b'), PreTrainingReport: m('bpre'), PostTrainingReport: m('bpost') },
        Explainability: { Report: { ...m('e'), ContentDigest: 'sha' } },
      },
      DriftCheckBaselines: {
        ModelQuality: { Statistics: m('ms'), Constraints: m('mc') },
        ModelDataQuality: { Statistics: m('ds'), Constraints: m('dc') },
        Bias: { ConfigFile: { S3Uri: 's3://b/bc' }, PreTrainingConstraints: m('bpre'), PostTrainingConstraints: m('bpost') },
        Explainability: { Constraints: m('ec'), ConfigFile: { S3Uri: 's3://b/ecf', ContentType: 'application/json' } },
      },
      ModelPackageDescription: 'd',
      SkipModelValidation: 'All',
    });
    expect(register.modelPackageArn().toJson()).toStrictEqual({ Get: 'Steps.R.ModelPackageArn' });
    expect(() => new RegisterModelStep('E', { modelPackageGroupName: s('g'), containers: [], supportedContentTypes: [], supportedResponseMimeTypes: [] }))
      .toThrow('step "E": containers is empty');
  });

  test('fail and Lambda defaults', () => {
    expect(new FailStep('F').toJson()).toStrictEqual({ Name: 'F', Type: 'Fail', Arguments: { ErrorMessage: '' } });
    const fn = new LambdaStep('L', { functionArn: 'arn:aws:lambda:eu-central-1:111111111111:function:f', outputs: [{ outputName: 'o' }] });
    expect(fn.toJson()).toStrictEqual({
      Name: 'L',
      Type: 'Lambda',
      Arguments: {},
      FunctionArn: 'arn:aws:lambda:eu-central-1:111111111111:function:f',
      OutputParameters: [{ OutputName: 'o', OutputType: 'String' }],
    });
    expect(fn.output('o').toJson()).toStrictEqual({ Get: "Steps.L.OutputParameters['o']" });
    expect(() => new LambdaStep('L', { functionArn: 'f', outputs: [{ outputName: 'o' }, { outputName: 'o' }] }))
      .toThrow('step "L": duplicate output name "o"');
  });
});

describe('additionalArguments (escape hatch)', () => {
  test('objects merge recursively, other values replace, null removes', () => {
    const step = new ProcessingStep('P', {
      roleArn: ROLE,
      imageUri: s('i'),
      instanceType: s('t'),
      containerArguments: [s('--a')],
      environment: { KEEP: s('1'), DROP: s('2') },
      additionalArguments: {
        ProcessingResources: { ClusterConfig: { VolumeSizeInGB: 100 } },
        AppSpecification: { ContainerArguments: ['--b'] },
        Environment: { DROP: null, NEW: '3' },
        ExperimentConfig: { TrialComponentDisplayName: 'x' },
      },
    });
    const args = step.toJson().Arguments;
    expect(args.ProcessingResources).toStrictEqual({ ClusterConfig: { InstanceType: 't', InstanceCount: 1, VolumeSizeInGB: 100 } });
    expect(args.AppSpecification).toStrictEqual({ ImageUri: 'i', ContainerArguments: ['--b'] });
    expect(args.Environment).toStrictEqual({ KEEP: '1', NEW: '3' });
    expect(args.ExperimentConfig).toStrictEqual({ TrialComponentDisplayName: 'x' });
  });

  test('a property file may name an output that additionalArguments defines', () => {
    expect(() => new ProcessingStep('P', {
      roleArn: ROLE,
      imageUri: s('i'),
      instanceType: s('t'),
      propertyFiles: [{ name: 'R', outputName: 'raw', filePath: 'r.json' }],
      additionalArguments: { ProcessingOutputConfig: { Outputs: [{ OutputName: 'raw', S3Output: { S3Uri: 's3://b', LocalPath: '/x', S3UploadMode: 'EndOfJob' } }] } },
    })).not.toThrow();
  });
});

describe('PipelineDefinition', () => {
  const fail = new FailStep('Fail');
  const inner = new FailStep('Inner');
  const check = new ConditionStep('Check', { conditions: [PipelineCondition.equalTo(s('a'), s('b'))], ifSteps: [inner] });

  test('the envelope: version, metadata, the SDK default experiment config, null MlflowConfig', () => {
    const json = new PipelineDefinition({ pipelineName: 'p', steps: [fail] }).toJson();
    expect(json).toStrictEqual({
      Version: '2020-12-01',
      Metadata: {},
      Parameters: [],
      PipelineExperimentConfig: { ExperimentName: { Get: 'Execution.PipelineName' }, TrialName: { Get: 'Execution.PipelineExecutionId' } },
      MlflowConfig: null,
      Steps: [{ Name: 'Fail', Type: 'Fail', Arguments: { ErrorMessage: '' } }],
    });
  });

  test('experiment config: custom or disabled; MLflow config', () => {
    const custom = new PipelineDefinition({
      pipelineName: 'p',
      steps: [fail],
      experimentConfig: { experimentName: s('exp'), trialName: ExecutionVariable.PIPELINE_EXECUTION_ID },
      mlflowConfig: { mlflowResourceArn: 'arn:aws:sagemaker:eu-central-1:111111111111:mlflow-tracking-server/t' },
    }).toJson();
    expect(custom.PipelineExperimentConfig).toStrictEqual({ ExperimentName: 'exp', TrialName: { Get: 'Execution.PipelineExecutionId' } });
    expect(custom.MlflowConfig).toStrictEqual({
      MlflowResourceArn: 'arn:aws:sagemaker:eu-central-1:111111111111:mlflow-tracking-server/t', MlflowExperimentName: null,
    });
    expect(new PipelineDefinition({ pipelineName: 'p', steps: [fail], disableExperimentConfig: true }).toJson().PipelineExperimentConfig).toBeNull();
  });

  test('allSteps includes the branches of conditions; branch steps render nested only', () => {
    const d = new PipelineDefinition({ pipelineName: 'p', steps: [fail, check] });
    expect(d.allSteps.map((x) => x.stepName)).toEqual(['Fail', 'Check', 'Inner']);
    expect(d.steps.map((x) => x.stepName)).toEqual(['Fail', 'Check']);
    const json = d.toJson();
    expect(json.Steps.map((x: any) => x.Name)).toEqual(['Fail', 'Check']);
    expect(json.Steps[1].Arguments.IfSteps).toStrictEqual([{ Name: 'Inner', Type: 'Fail', Arguments: { ErrorMessage: '' } }]);
    expect(json.Steps[1].Arguments.ElseSteps).toStrictEqual([]);
    expect(JSON.parse(d.toJsonString(2))).toStrictEqual(json);
    expect(d.toJsonString(2)).toContain('\n  "Version": "2020-12-01"');
  });

  test('CDK tokens pass through and resolve in a stack (CfnPipeline), a token pipeline name is not checked', () => {
    const { stack } = testStack();
    const role = new iam.Role(stack, 'PipelineRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const step = new TrainingStep('Train', { ...minimalTraining, roleArn: PipelineValue.fromString(role.roleArn) });
    const definition = new PipelineDefinition({ pipelineName: Aws.STACK_NAME, steps: [step] });
    new sagemaker.CfnPipeline(stack, 'Pipeline', {
      pipelineName: 'token-pipeline',
      roleArn: role.roleArn,
      pipelineDefinition: { PipelineDefinitionBody: Stack.of(stack).toJsonString(definition.toJson()) },
    });
    const body = Template.fromStack(stack).findResources('AWS::SageMaker::Pipeline').Pipeline.Properties.PipelineDefinition.PipelineDefinitionBody;
    const roleId = stack.getLogicalId(role.node.defaultChild as iam.CfnRole);
    const joined = body['Fn::Join'][1];
    expect(joined).toHaveLength(3);
    expect(joined[0]).toMatch(/"RoleArn":"$/);
    expect(joined[1]).toStrictEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
    expect(JSON.parse(`${joined[0]}ROLE${joined[2]}`).Steps[0].Arguments.RoleArn).toBe('ROLE');
  });
});
