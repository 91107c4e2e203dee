import {
  PipelinePlaceholder, PredictiveMaintenancePipeline, PredictiveMaintenancePipelineProps, SageMakerFrameworkImage,
} from '../../../src';

const ROLE = 'arn:aws:iam::222222222222:role/weld-gun-build';
const KEY = 'arn:aws:kms:eu-central-1:222222222222:key/11111111-2222-3333-4444-555555555555';
const SKLEARN = '492215442770.dkr.ecr.eu-central-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3';

function props(overrides: Partial<PredictiveMaintenancePipelineProps> = {}): PredictiveMaintenancePipelineProps {
  return {
    pipelineName: 'weld-gun-build',
    region: 'eu-central-1',
    roleArn: ROLE,
    bucketName: 'weld-gun-artifacts',
    kmsKeyArn: KEY,
    subnetIds: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'],
    securityGroupIds: ['sg-0cccccccccccccccc'],
    modelPackageGroupName: 'weld-gun',
    ...overrides,
  };
}

function json(overrides: Partial<PredictiveMaintenancePipelineProps> = {}): any {
  return JSON.parse(PredictiveMaintenancePipeline.definition(props(overrides)).toJsonString());
}

const run = (output: string) => ({ 'Std:Join': { On: '/', Values: ['s3://weld-gun-artifacts/runs', { Get: 'Execution.PipelineExecutionId' }, output] } });
const S3_INPUT = { S3DataType: 'S3Prefix', S3InputMode: 'File', S3DataDistributionType: 'FullyReplicated', S3CompressionType: 'None' };

describe('PredictiveMaintenancePipeline: structure', () => {
  test('steps in order: Preprocess -> Train -> Evaluate -> CheckF1 (RegisterModel | F1BelowThreshold)', () => {
    const d = json();
    expect(d.Steps.map((s: any) => [s.Name, s.Type])).toEqual([
      ['Preprocess', 'Processing'],
      ['Train', 'Training'],
      ['Evaluate', 'Processing'],
      ['CheckF1', 'Condition'],
    ]);
    const check = d.Steps[3].Arguments;
    expect(check.IfSteps.map((s: any) => [s.Name, s.Type])).toEqual([['RegisterModel', 'RegisterModel']]);
    expect(check.ElseSteps.map((s: any) => [s.Name, s.Type])).toEqual([['F1BelowThreshold', 'Fail']]);
    expect(d.Version).toBe('2020-12-01');
  });

  test('parameters: input data, instance types, the F1 threshold (default 0.7)', () => {
    expect(json().Parameters).toEqual([
      { Name: 'InputDataUri', Type: 'String', DefaultValue: 's3://weld-gun-artifacts/data/raw' },
      { Name: 'ProcessingInstanceType', Type: 'String', DefaultValue: 'ml.m5.large' },
      { Name: 'TrainingInstanceType', Type: 'String', DefaultValue: 'ml.m5.large' },
      { Name: 'F1Threshold', Type: 'Float', DefaultValue: 0.7 },
    ]);
    const custom = json({ f1Threshold: 0.85, inputDataUri: 's3://weld-data/raw', processingInstanceType: 'ml.m5.xlarge', trainingInstanceType: 'ml.c5.2xlarge' });
    expect(custom.Parameters.map((p: any) => p.DefaultValue)).toEqual(['s3://weld-data/raw', 'ml.m5.xlarge', 'ml.c5.2xlarge', 0.85]);
  });

  test('the quality gate: JsonGet binary_classification_metrics.f1.value of EvaluationReport >= F1Threshold', () => {
    const d = json();
    expect(d.Steps[3].Arguments.Conditions).toEqual([
      {
        Type: 'GreaterThanOrEqualTo',
        LeftValue: { 'Std:JsonGet': { PropertyFile: { Get: 'Steps.Evaluate.PropertyFiles.EvaluationReport' }, Path: 'binary_classification_metrics.f1.value' } },
        RightValue: { Get: 'Parameters.F1Threshold' },
      },
    ]);
    expect(d.Steps[3].Arguments.ElseSteps[0].Arguments.ErrorMessage).toEqual({
      'Std:Join': { On: ' ', Values: ['The F1 score of the model on the test set is below F1Threshold', { Get: 'Parameters.F1Threshold' }] },
    });
  });

  test('Preprocess: preprocess.py reads /opt/ml/processing/input/data, writes train, validation and test per execution', () => {
    const a = json().Steps[0].Arguments;
    expect(a.AppSpecification).toEqual({ ImageUri: SKLEARN, ContainerEntrypoint: ['python3', '/opt/ml/processing/input/code/preprocess.py'] });
    expect(a.ProcessingInputs).toEqual([
      { InputName: 'data', S3Input: { S3Uri: { Get: 'Parameters.InputDataUri' }, LocalPath: '/opt/ml/processing/input/data', ...S3_INPUT } },
      { InputName: 'code', S3Input: { S3Uri: 's3://weld-gun-artifacts/code/preprocess.py', LocalPath: '/opt/ml/processing/input/code', ...S3_INPUT } },
    ]);
    expect(a.ProcessingOutputConfig.Outputs).toEqual(['train', 'validation', 'test'].map((o) => ({
      OutputName: o,
      S3Output: { S3Uri: run(o), LocalPath: `/opt/ml/processing/${o}`, S3UploadMode: 'EndOfJob' },
    })));
    expect(a.ProcessingResources.ClusterConfig.InstanceType).toEqual({ Get: 'Parameters.ProcessingInstanceType' });
  });

  test('Train: scikit-learn script mode with the source archive as the code channel (network isolation)', () => {
    const a = json({ hyperparameters: { max_iter: '200', learning_rate: '0.1', class_weight: 'balanced' } }).Steps[1].Arguments;
    expect(a.AlgorithmSpecification.TrainingImage).toBe(SKLEARN);
    expect(a.HyperParameters).toEqual({
      max_iter: '200',
      learning_rate: '0.1',
      class_weight: '"balanced"',
      sagemaker_program: '"train.py"',
      sagemaker_submit_directory: '"/opt/ml/input/data/code/sourcedir.tar.gz"',
      sagemaker_container_log_level: '20',
      sagemaker_region: '"eu-central-1"',
    });
    expect(a.InputDataConfig.map((c: any) => [c.ChannelName, c.DataSource.S3DataSource.S3Uri])).toEqual([
      ['train', { Get: "Steps.Preprocess.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri" }],
      ['validation', { Get: "Steps.Preprocess.ProcessingOutputConfig.Outputs['validation'].S3Output.S3Uri" }],
      ['code', 's3://weld-gun-artifacts/code/sourcedir.tar.gz'],
    ]);
    expect(a.OutputDataConfig).toEqual({ S3OutputPath: run('model'), KmsKeyId: KEY, CompressionType: 'GZIP' });
    expect(a.AlgorithmSpecification.MetricDefinitions).toHaveLength(10);
    expect(a.AlgorithmSpecification.MetricDefinitions).toContainEqual({ Name: 'validation:f1', Regex: 'validation:f1=([0-9\\.]+);' });
    expect(a.ResourceConfig.InstanceType).toEqual({ Get: 'Parameters.TrainingInstanceType' });
  });

  test('Evaluate: the model at /opt/ml/processing/model, the test set, evaluation.json as the EvaluationReport property file', () => {
    const step = json().Steps[2];
    expect(step.Arguments.AppSpecification.ContainerEntrypoint).toEqual(['python3', '/opt/ml/processing/input/code/evaluate.py']);
    expect(step.Arguments.ProcessingInputs.map((i: any) => [i.InputName, i.S3Input.S3Uri, i.S3Input.LocalPath])).toEqual([
      ['model', { Get: 'Steps.Train.ModelArtifacts.S3ModelArtifacts' }, '/opt/ml/processing/model'],
      ['test', { Get: "Steps.Preprocess.ProcessingOutputConfig.Outputs['test'].S3Output.S3Uri" }, '/opt/ml/processing/test'],
      ['code', 's3://weld-gun-artifacts/code/evaluate.py', '/opt/ml/processing/input/code'],
    ]);
    expect(step.Arguments.ProcessingOutputConfig.Outputs).toEqual([
      { OutputName: 'evaluation', S3Output: { S3Uri: run('evaluation'), LocalPath: '/opt/ml/processing/evaluation', S3UploadMode: 'EndOfJob' } },
    ]);
    expect(step.PropertyFiles).toEqual([{ PropertyFileName: 'EvaluationReport', OutputName: 'evaluation', FilePath: 'evaluation.json' }]);
  });

  test('RegisterModel: PendingManualApproval, inference.py from the artifact, the evaluation report as model statistics', () => {
    const a = json({ inferenceInstanceTypes: ['ml.m5.large', 'ml.c5.large'] }).Steps[3].Arguments.IfSteps[0].Arguments;
    expect(a.ModelPackageGroupName).toBe('weld-gun');
    expect(a.ModelApprovalStatus).toBe('PendingManualApproval');
    expect(a.InferenceSpecification).toEqual({
      Containers: [{
        Image: SKLEARN,
        ModelDataUrl: { Get: 'Steps.Train.ModelArtifacts.S3ModelArtifacts' },
        Environment: {
          SAGEMAKER_PROGRAM: 'inference.py',
          SAGEMAKER_SUBMIT_DIRECTORY: '/opt/ml/model/code',
          SAGEMAKER_CONTAINER_LOG_LEVEL: '20',
          SAGEMAKER_REGION: 'eu-central-1',
        },
      }],
      SupportedContentTypes: ['text/csv', 'application/json'],
      SupportedResponseMIMETypes: ['application/json'],
      SupportedRealtimeInferenceInstanceTypes: ['ml.m5.large', 'ml.c5.large'],
      SupportedTransformInstanceTypes: ['ml.m5.large', 'ml.c5.large'],
    });
    expect(a.ModelMetrics.ModelQuality).toEqual({
      Statistics: {
        ContentType: 'application/json',
        S3Uri: { 'Std:Join': { On: '/', Values: [{ Get: "Steps.Evaluate.ProcessingOutputConfig.Outputs['evaluation'].S3Output.S3Uri" }, 'evaluation.json'] } },
      },
    });
  });
});

describe('PredictiveMaintenancePipeline: every job is secure', () => {
  test('VPC, volume and output keys, network isolation and inter-container encryption on all three jobs', () => {
    const steps = json().Steps;
    const vpc = { Subnets: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'], SecurityGroupIds: ['sg-0cccccccccccccccc'] };
    for (const p of [steps[0], steps[2]]) {
      expect(p.Arguments.RoleArn).toBe(ROLE);
      expect(p.Arguments.NetworkConfig).toEqual({ EnableNetworkIsolation: true, EnableInterContainerTrafficEncryption: true, VpcConfig: vpc });
      expect(p.Arguments.ProcessingResources.ClusterConfig.VolumeKmsKeyId).toBe(KEY);
      expect(p.Arguments.ProcessingOutputConfig.KmsKeyId).toBe(KEY);
    }
    const t = steps[1].Arguments;
    expect(t.RoleArn).toBe(ROLE);
    expect(t.VpcConfig).toEqual(vpc);
    expect(t.ResourceConfig.VolumeKmsKeyId).toBe(KEY);
    expect(t.OutputDataConfig.KmsKeyId).toBe(KEY);
    expect(t.EnableNetworkIsolation).toBe(true);
    expect(t.EnableInterContainerTrafficEncryption).toBe(true);
  });

  test('placeholders pass through for ModelBuildPipeline to fill in', () => {
    const d = json({
      roleArn: PipelinePlaceholder.ROLE_ARN,
      bucketName: PipelinePlaceholder.ARTIFACT_BUCKET_NAME,
      kmsKeyArn: PipelinePlaceholder.KMS_KEY_ARN,
      subnetIds: [PipelinePlaceholder.SUBNET_IDS],
      securityGroupIds: [PipelinePlaceholder.SECURITY_GROUP_IDS],
    });
    const train = d.Steps[1].Arguments;
    expect(train.RoleArn).toBe('{{ModelBuildPipeline.RoleArn}}');
    expect(train.VpcConfig).toEqual({ Subnets: ['{{ModelBuildPipeline.SubnetIds}}'], SecurityGroupIds: ['{{ModelBuildPipeline.SecurityGroupIds}}'] });
    expect(train.InputDataConfig[2].DataSource.S3DataSource.S3Uri).toBe('s3://{{ModelBuildPipeline.ArtifactBucketName}}/code/sourcedir.tar.gz');
    expect(train.ResourceConfig.VolumeKmsKeyId).toBe('{{ModelBuildPipeline.KmsKeyArn}}');
  });
});

describe('PredictiveMaintenancePipeline: images', () => {
  test('image URIs of the central registry override the AWS framework image per job', () => {
    const processing = '333333333333.dkr.ecr.eu-central-1.amazonaws.com/mlops/weld-processing:1.0';
    const training = '333333333333.dkr.ecr.eu-central-1.amazonaws.com/mlops/weld-training:1.0';
    const inference = '333333333333.dkr.ecr.eu-central-1.amazonaws.com/mlops/weld-inference:1.0';
    const d = json({ processingImageUri: processing, trainingImageUri: training, inferenceImageUri: inference, region: 'xx-nowhere-1' });
    expect(d.Steps[0].Arguments.AppSpecification.ImageUri).toBe(processing);
    expect(d.Steps[1].Arguments.AlgorithmSpecification.TrainingImage).toBe(training);
    expect(d.Steps[2].Arguments.AppSpecification.ImageUri).toBe(processing);
    expect(d.Steps[3].Arguments.IfSteps[0].Arguments.InferenceSpecification.Containers[0].Image).toBe(inference);
  });

  test('the framework version picks the tag', () => {
    expect(json({ sklearnFrameworkVersion: '1.0-1' }).Steps[0].Arguments.AppSpecification.ImageUri)
      .toBe('492215442770.dkr.ecr.eu-central-1.amazonaws.com/sagemaker-scikit-learn:1.0-1-cpu-py3');
  });

  test('an unknown region fails with the known regions and the override', () => {
    expect(() => json({ region: 'xx-nowhere-1' })).toThrow(/no scikit-learn framework image is known for region "xx-nowhere-1"; use one of af-south-1, .*eu-central-1.*, or give the image URI/);
  });
});

describe('SageMakerFrameworkImage', () => {
  test.each([
    ['eu-central-1', '492215442770', 'amazonaws.com', 'aws'],
    ['eu-west-1', '141502667606', 'amazonaws.com', 'aws'],
    ['us-east-1', '683313688378', 'amazonaws.com', 'aws'],
    ['cn-north-1', '450853457545', 'amazonaws.com.cn', 'aws-cn'],
    ['us-gov-west-1', '414596584902', 'amazonaws.com', 'aws-us-gov'],
  ])('%s: account %s', (region, account, domain, partition) => {
    const image = SageMakerFrameworkImage.sklearn(region);
    expect(image.imageUri).toBe(`${account}.dkr.ecr.${region}.${domain}/sagemaker-scikit-learn:1.2-1-cpu-py3`);
    expect(image.repositoryArn).toBe(`arn:${partition}:ecr:${region}:${account}:repository/sagemaker-scikit-learn`);
    expect(image.accountId).toBe(account);
    expect(image.tag).toBe('1.2-1-cpu-py3');
  });

  test('bad version and token region fail with the fix', () => {
    expect(() => SageMakerFrameworkImage.sklearn('eu-central-1', '1.4-2')).toThrow(/frameworkVersion "1.4-2" is not a scikit-learn framework version; use one of 0.20.0, 0.23-1, 1.0-1, 1.2-1/);
    expect(() => SageMakerFrameworkImage.sklearn('${Token[AWS.Region.1]}')).toThrow(/region is a token; pass the literal region/);
  });
});

describe('PredictiveMaintenancePipeline: bad props', () => {
  test.each([
    [{ bucketName: 'Weld_Gun' }, /bucketName "Weld_Gun" is not an S3 bucket name/],
    [{ codePrefix: 'code/*' }, /codePrefix "code\/\*" is not a literal S3 key prefix/],
    [{ outputPrefix: '/' }, /outputPrefix "\/" is not a literal S3 key prefix/],
    [{ inputDataUri: 'weld-data/raw' }, /inputDataUri "weld-data\/raw" is not an S3 URI/],
    [{ subnetIds: [] }, /subnetIds and securityGroupIds must not be empty: every job runs in the VPC/],
    [{ securityGroupIds: [] }, /subnetIds and securityGroupIds must not be empty/],
    [{ trainingInstanceType: 'm5.large' }, /trainingInstanceType "m5.large" is not a SageMaker instance type; write e.g. 'ml.m5.large'/],
    [{ inferenceInstanceTypes: [] }, /inferenceInstanceTypes \[\] must list SageMaker instance types/],
    [{ f1Threshold: 1.5 }, /f1Threshold is 1.5; an F1 score is between 0 and 1/],
    [{ hyperparameters: { sagemaker_program: 'x.py' } }, /hyperparameters.sagemaker_program is reserved for SageMaker's script mode/],
    [{ pipelineName: 'weld_gun' }, /pipelineName "weld_gun" must be letters, digits and single or repeated hyphens/],
  ])('%j', (overrides, message) => {
    expect(() => json(overrides as Partial<PredictiveMaintenancePipelineProps>)).toThrow(message);
  });
});
