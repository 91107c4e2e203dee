import { App, Duration, Stack, TimeZone } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  AssembleWith,
  BatchInference,
  BatchInferenceProps,
  SplitType,
  BatchStrategy,
  ComplianceCheck,
  EndpointInstanceType,
  EndpointModelSource,
  SecureBucket,
} from '../../../src';
import { isolatedNetwork } from '../../helpers/network';
import { testStack } from '../../helpers/stacks';

const PACKAGE_ARN = 'arn:aws:sagemaker:eu-central-1:111111111111:model-package/churn/3';
const IMAGE = '333333333333.dkr.ecr.eu-central-1.amazonaws.com/churn-inference:1.4.2';
const ARTIFACT = 's3://churn-artifacts/models/churn/1.4.2/model.tar.gz';
const REPOSITORY = 'arn:aws:ecr:eu-central-1:333333333333:repository/churn-inference';

/** A stack with an isolated VPC (no NAT) and a KMS key, as the network and security concerns provide them. */
function fixture(id = 'Test'): { app: App; stack: Stack; vpc: ec2.Vpc; key: kms.Key } {
  const { app, stack } = testStack(id);
  const { key, vpc } = isolatedNetwork(stack);
  return { app, stack, vpc, key };
}

function batch(stack: Stack, vpc: ec2.IVpc, key: kms.IKey, props: Partial<BatchInferenceProps> = {}): BatchInference {
  return new BatchInference(stack, 'Batch', {
    modelSource: EndpointModelSource.fromModelPackageArn(PACKAGE_ARN),
    instanceType: EndpointInstanceType.ML_M5_XLARGE,
    encryptionKey: key,
    vpc,
    jobNamePrefix: 'churn-batch',
    imageRepositoryArns: [REPOSITORY],
    ...props,
  });
}

function ref(t: Template, type: string, pattern = '.*'): string {
  const ids = Object.keys(t.findResources(type)).filter((id) => new RegExp(pattern).test(id));
  if (ids.length !== 1) throw new Error(`expected one ${type} matching ${pattern}, found ${ids.join(', ')}`);
  return ids[0];
}

/**
 * The state machine definition as an object: the CloudFormation references inside the definition
 * string become `${Logical}` / `${Logical.Attr}` / `${AWS::Partition}` placeholders.
 */
function definition(t: Template): any {
  const machine = Object.values(t.findResources('AWS::StepFunctions::StateMachine'))[0] as any;
  const body = machine.Properties.DefinitionString;
  const parts: unknown[] = typeof body === 'string' ? [body] : body['Fn::Join'][1];
  const text = parts
    .map((p: any) => {
      if (typeof p === 'string') return p;
      if (p.Ref) return `\${${p.Ref}}`;
      if (p['Fn::GetAtt']) return `\${${p['Fn::GetAtt'][0]}.${p['Fn::GetAtt'][1]}}`;
      throw new Error(`unexpected part ${JSON.stringify(p)}`);
    })
    .join('');
  return JSON.parse(text);
}

function policyStatements(t: Template, pattern: string): Record<string, any> {
  const policy = t.findResources('AWS::IAM::ManagedPolicy')[ref(t, 'AWS::IAM::ManagedPolicy', pattern)] as any;
  const bySid: Record<string, any> = {};
  for (const s of policy.Properties.PolicyDocument.Statement) {
    expect(bySid[s.Sid]).toBeUndefined();
    bySid[s.Sid] = s;
  }
  return bySid;
}

/** The distinct acknowledgements of a report (each acknowledge call records the cumulative set again). */
function acknowledgements(report: ReturnType<typeof ComplianceCheck.run>): Array<{ ruleId: string; constructPath: string; reason: string }> {
  const seen = new Map<string, { ruleId: string; constructPath: string; reason: string }>();
  for (const a of report.acknowledgements) seen.set(`${a.constructPath} ${a.ruleId}`, a);
  return [...seen.values()];
}

const API_RETRY = {
  ErrorEquals: ['SageMaker.AmazonSageMakerException', 'SageMaker.ThrottlingException', 'ThrottlingException'],
  IntervalSeconds: 5,
  MaxAttempts: 6,
  BackoffRate: 2,
  MaxDelaySeconds: 120,
  JitterStrategy: 'FULL',
};
const QUOTA_RETRY = {
  ErrorEquals: ['SageMaker.ResourceLimitExceededException'],
  IntervalSeconds: 60,
  MaxAttempts: 10,
  BackoffRate: 2,
  MaxDelaySeconds: 900,
  JitterStrategy: 'FULL',
};
const SDK_RETRY = {
  ErrorEquals: ['SageMaker.SageMakerException', 'SageMaker.ThrottlingException', 'ThrottlingException'],
  IntervalSeconds: 5,
  MaxAttempts: 6,
  BackoffRate: 2,
  MaxDelaySeconds: 120,
  JitterStrategy: 'FULL',
};

describe('BatchInference: state machine definition', () => {
  test('names the run, creates the model in the VPC with network isolation, transforms with KMS and deletes the model', () => {
    const { stack, vpc, key } = fixture();
    batch(stack, vpc, key);
    const t = Template.fromStack(stack);
    const d = definition(t);
    const keyId = ref(t, 'AWS::KMS::Key');
    const sg = ref(t, 'AWS::EC2::SecurityGroup', '^BatchSecurityGroup');
    const subnets = vpc.isolatedSubnets.map((s) => `\${${stack.getLogicalId(s.node.defaultChild as ec2.CfnSubnet)}}`);
    expect(d.StartAt).toBe('NameTheRun');
    expect(Object.keys(d.States).sort()).toEqual(
      ['CreateModel', 'DeleteModel', 'DeleteModelAfterFailure', 'Failed', 'NameTheRun', 'NotifyFailure', 'Succeeded', 'Transform'].sort(),
    );
    expect(d.States.NameTheRun).toEqual({
      Type: 'Pass',
      Comment: expect.any(String),
      Parameters: { 'name.$': "States.Format('churn-batch-{}', States.ArrayGetItem(States.StringSplit(States.UUID(), '-'), 4))" },
      Next: 'CreateModel',
    });
    expect(d.States.CreateModel).toEqual({
      Type: 'Task',
      Comment: expect.any(String),
      Resource: 'arn:${AWS::Partition}:states:::sagemaker:createModel',
      Parameters: {
        'ModelName.$': '$.name',
        'ExecutionRoleArn': `\${${ref(t, 'AWS::IAM::Role', '^BatchModelRole')}.Arn}`,
        'PrimaryContainer': { ModelPackageName: PACKAGE_ARN },
        'VpcConfig': { SecurityGroupIds: [`\${${sg}.GroupId}`], Subnets: subnets },
        'EnableNetworkIsolation': true,
      },
      ResultPath: null,
      Retry: [API_RETRY, QUOTA_RETRY],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'NotifyFailure' }],
      Next: 'Transform',
    });
    const input = ref(t, 'AWS::S3::Bucket', '^BatchInputBucket');
    const output = ref(t, 'AWS::S3::Bucket', '^BatchOutputBucket');
    expect(d.States.Transform).toEqual({
      Type: 'Task',
      Comment: expect.any(String),
      Resource: 'arn:${AWS::Partition}:states:::sagemaker:createTransformJob.sync',
      Parameters: {
        'TransformJobName.$': '$.name',
        'ModelName.$': '$.name',
        'TransformInput': {
          DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `s3://\${${input}}/input/` } },
          ContentType: 'text/csv',
          SplitType: 'Line',
          CompressionType: 'None',
        },
        'TransformOutput': {
          'S3OutputPath.$': `States.Format('s3://\${${output}}/output/{}/', $.name)`,
          'KmsKeyId': `\${${keyId}.Arn}`,
          'AssembleWith': 'Line',
        },
        'TransformResources': { InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeKmsKeyId: `\${${keyId}.Arn}` },
      },
      TimeoutSeconds: 43200,
      ResultSelector: { 'TransformJobArn.$': '$.TransformJobArn', 'S3OutputPath.$': '$.TransformOutput.S3OutputPath' },
      ResultPath: '$.transform',
      Retry: [API_RETRY, QUOTA_RETRY],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'DeleteModelAfterFailure' }],
      Next: 'DeleteModel',
    });
    expect(d.States.DeleteModel).toEqual({
      Type: 'Task',
      Comment: expect.any(String),
      Resource: 'arn:${AWS::Partition}:states:::aws-sdk:sagemaker:deleteModel',
      Parameters: { 'ModelName.$': '$.name' },
      ResultPath: null,
      Retry: [SDK_RETRY],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'NotifyFailure' }],
      Next: 'Succeeded',
    });
    expect(d.States.Succeeded).toEqual({ Type: 'Succeed' });
  });

  test('a failed run deletes the model, publishes the error and cause to the topic and fails', () => {
    const { stack, vpc, key } = fixture();
    batch(stack, vpc, key);
    const t = Template.fromStack(stack);
    const d = definition(t);
    // the cleanup keeps the original failure ($.failure) and reports its own under $.cleanupFailure
    expect(d.States.DeleteModelAfterFailure).toMatchObject({
      Resource: 'arn:${AWS::Partition}:states:::aws-sdk:sagemaker:deleteModel',
      Parameters: { 'ModelName.$': '$.name' },
      ResultPath: null,
      Retry: [SDK_RETRY],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.cleanupFailure', Next: 'NotifyFailure' }],
      Next: 'NotifyFailure',
    });
    expect(d.States.NotifyFailure).toEqual({
      Type: 'Task',
      Resource: 'arn:${AWS::Partition}:states:::sns:publish',
      Parameters: {
        'TopicArn': `\${${ref(t, 'AWS::SNS::Topic')}}`,
        'Message.$': "States.Format('Batch inference run {} (execution {}) failed: {}: {}', $.name, $$.Execution.Id, $.failure.Error, $.failure.Cause)",
        'Subject': 'Batch inference churn-batch failed',
      },
      ResultPath: null,
      Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 5, MaxAttempts: 3, BackoffRate: 2, JitterStrategy: 'FULL' }],
      Next: 'Failed',
    });
    expect(d.States.Failed).toEqual({ Type: 'Fail', Error: 'BatchInferenceFailed', Cause: expect.any(String) });
    // the failure topic is encrypted with the key and accepts TLS only
    t.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [ref(t, 'AWS::KMS::Key'), 'Arn'] } });
    t.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: [Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })] },
    });
  });

  test('an image source, an instance type with local storage and the transform options', () => {
    const { stack, vpc, key } = fixture();
    batch(stack, vpc, key, {
      modelSource: EndpointModelSource.fromImage(IMAGE, ARTIFACT, { environment: { SAGEMAKER_PROGRAM: 'inference.py' } }),
      instanceType: EndpointInstanceType.of('ml.g5.2xlarge'),
      instanceCount: 2,
      contentType: 'application/jsonlines',
      splitType: SplitType.NONE,
      accept: 'application/jsonlines',
      assembleWith: AssembleWith.NONE,
      batchStrategy: BatchStrategy.MULTI_RECORD,
      maxPayloadInMb: 10,
      maxConcurrentTransforms: 4,
      environment: { MODEL_SERVER_TIMEOUT: '600' },
      jobTimeout: Duration.hours(2),
      imageRepositoryArns: undefined,
    });
    const t = Template.fromStack(stack);
    const d = definition(t);
    expect(d.States.CreateModel.Parameters.PrimaryContainer).toEqual({
      Image: IMAGE,
      ModelDataUrl: ARTIFACT,
      Mode: 'SingleModel',
      Environment: { SAGEMAKER_PROGRAM: 'inference.py' },
    });
    const p = d.States.Transform.Parameters;
    // SageMaker refuses a volume key for instance types with local NVMe storage (hardware-encrypted)
    expect(p.TransformResources).toEqual({ InstanceType: 'ml.g5.2xlarge', InstanceCount: 2 });
    expect(p.TransformInput).toMatchObject({ ContentType: 'application/jsonlines', SplitType: 'None' });
    expect(p.TransformOutput).toMatchObject({ Accept: 'application/jsonlines', AssembleWith: 'None' });
    expect(p).toMatchObject({ BatchStrategy: 'MultiRecord', MaxPayloadInMB: 10, MaxConcurrentTransforms: 4, Environment: { MODEL_SERVER_TIMEOUT: '600' } });
    expect(d.States.Transform.TimeoutSeconds).toBe(7200);
    // the image repository of the literal image URI and the literal artifact are granted
    const s = policyStatements(t, '^BatchModelPolicy');
    expect(s.PullTheInferenceImages.Resource).toBe(REPOSITORY);
    expect(s.ReadTheModelArtifacts.Resource).toBe('arn:aws:s3:::churn-artifacts/models/churn/1.4.2/model.tar.gz');
    // two instances talk to each other within the job's security group
    t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { IpProtocol: 'tcp', FromPort: 0, ToPort: 65535 });
  });

  test('given buckets, prefixes and a bucket key: results are encrypted with the output bucket key', () => {
    const { stack, vpc, key } = fixture();
    const dataKey = new kms.Key(stack, 'DataKey', { enableKeyRotation: true });
    const input = new SecureBucket(stack, 'Features', { encryptionKey: dataKey });
    const output = new SecureBucket(stack, 'Scores', { encryptionKey: dataKey, accessLogsBucket: input.accessLogsBucket });
    const b = batch(stack, vpc, key, { inputBucket: input.bucket, inputPrefix: '/features/daily/', outputBucket: output.bucket, outputPrefix: 'scores' });
    const t = Template.fromStack(stack);
    // no bucket besides the fixture's and the given ones
    t.resourceCountIs('AWS::S3::Bucket', 5);
    expect(b.inputPrefix).toBe('features/daily');
    expect(b.inputBucket).toBe(input.bucket);
    expect(b.outputBucket).toBe(output.bucket);
    const d = definition(t);
    const dataKeyId = ref(t, 'AWS::KMS::Key', '^DataKey');
    expect(d.States.Transform.Parameters.TransformInput.DataSource.S3DataSource.S3Uri).toBe(`s3://\${${ref(t, 'AWS::S3::Bucket', '^FeaturesBucket')}}/features/daily/`);
    expect(d.States.Transform.Parameters.TransformOutput).toMatchObject({
      'S3OutputPath.$': `States.Format('s3://\${${ref(t, 'AWS::S3::Bucket', '^ScoresBucket')}}/scores/{}/', $.name)`,
      'KmsKeyId': `\${${dataKeyId}.Arn}`,
    });
    // the volumes still use the construct's key
    expect(d.States.Transform.Parameters.TransformResources.VolumeKmsKeyId).toBe(`\${${ref(t, 'AWS::KMS::Key', '^Key')}.Arn}`);
    const s = policyStatements(t, '^BatchModelPolicy');
    expect(s.ReadTheInputData.Resource).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [ref(t, 'AWS::S3::Bucket', '^FeaturesBucket'), 'Arn'] }, '/features/daily/*']] });
    expect(s.ListTheInputData.Condition).toEqual({ StringLike: { 's3:prefix': ['features/daily', 'features/daily/*'] } });
    expect(s.WriteTheResults.Resource).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [ref(t, 'AWS::S3::Bucket', '^ScoresBucket'), 'Arn'] }, '/scores/churn-batch-*']] });
    // both buckets have the data key: one statement for it
    expect(s.UseTheDataKeyThroughS3.Resource).toEqual({ 'Fn::GetAtt': [dataKeyId, 'Arn'] });
    expect(s.DecryptTheInputData).toBeUndefined();
    expect(s.EncryptTheResults).toBeUndefined();
  });

  test('input and output buckets with different keys: the input key only decrypts, the output key encrypts', () => {
    const { stack, vpc, key } = fixture();
    const inputKey = new kms.Key(stack, 'InputKey', { enableKeyRotation: true });
    const outputKey = new kms.Key(stack, 'OutputKey', { enableKeyRotation: true });
    const input = new SecureBucket(stack, 'Features', { encryptionKey: inputKey });
    const output = new SecureBucket(stack, 'Scores', { encryptionKey: outputKey, accessLogsBucket: input.accessLogsBucket });
    batch(stack, vpc, key, { inputBucket: input.bucket, outputBucket: output.bucket });
    const t = Template.fromStack(stack);
    const s = policyStatements(t, '^BatchModelPolicy');
    const viaS3 = { StringEquals: { 'kms:ViaService': 's3.eu-central-1.amazonaws.com' } };
    expect(s.DecryptTheInputData).toEqual({
      Sid: 'DecryptTheInputData', Effect: 'Allow', Action: 'kms:Decrypt', Resource: { 'Fn::GetAtt': [ref(t, 'AWS::KMS::Key', '^InputKey'), 'Arn'] }, Condition: viaS3,
    });
    expect(s.EncryptTheResults).toEqual({
      Sid: 'EncryptTheResults', Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: { 'Fn::GetAtt': [ref(t, 'AWS::KMS::Key', '^OutputKey'), 'Arn'] }, Condition: viaS3,
    });
    expect(s.UseTheDataKeyThroughS3).toBeUndefined();
  });

  test('a job name prefix derived from the construct path fits SageMaker names', () => {
    const { stack, vpc, key } = fixture();
    const b = batch(stack, vpc, key, { jobNamePrefix: undefined });
    expect(b.jobNamePrefix).toMatch(/^[a-z0-9](-?[a-z0-9])*$/);
    expect(b.jobNamePrefix.length).toBeLessThanOrEqual(50);
    expect(b.jobNamePrefix).toMatch(/^test-batch-[0-9a-f]{8}$/);
    Template.fromStack(stack).hasResourceProperties('AWS::StepFunctions::StateMachine', { StateMachineName: b.jobNamePrefix });
  });
});

describe('BatchInference: logging, tracing and encryption of the state machine', () => {
  test('logs everything with execution data to a KMS-encrypted log group, traces with X-Ray, encrypts its data with the key', () => {
    const { stack, vpc, key } = fixture();
    batch(stack, vpc, key, { logRetention: logs.RetentionDays.THREE_MONTHS });
    const t = Template.fromStack(stack);
    const keyId = ref(t, 'AWS::KMS::Key');
    const logGroup = ref(t, 'AWS::Logs::LogGroup');
    const machine = Object.values(t.findResources('AWS::StepFunctions::StateMachine'))[0] as any;
    expect(machine.Properties).toMatchObject({
      StateMachineName: 'churn-batch',
      LoggingConfiguration: {
        Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [logGroup, 'Arn'] } } }],
        IncludeExecutionData: true,
        Level: 'ALL',
      },
      TracingConfiguration: { Enabled: true },
      EncryptionConfiguration: { Type: 'CUSTOMER_MANAGED_KMS_KEY', KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] }, KmsDataKeyReusePeriodSeconds: 300 },
      RoleArn: { 'Fn::GetAtt': [ref(t, 'AWS::IAM::Role', '^BatchStateMachineRole'), 'Arn'] },
    });
    // Step Functions checks the role's permissions when it creates the state machine
    expect(machine.DependsOn).toEqual(expect.arrayContaining([ref(t, 'AWS::IAM::ManagedPolicy', '^BatchStateMachinePolicy')]));
    t.hasResource('AWS::Logs::LogGroup', {
      DeletionPolicy: 'Retain',
      Properties: { LogGroupName: '/aws/vendedlogs/states/churn-batch', KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] }, RetentionInDays: 90 },
    });
  });
});

describe('BatchInference: roles', () => {
  test('the state machine role: only the run models and jobs of its prefix, the model role, the .sync rule, the topic', () => {
    const { stack, vpc, key } = fixture();
    batch(stack, vpc, key);
    const t = Template.fromStack(stack);
    const keyArn = { 'Fn::GetAtt': [ref(t, 'AWS::KMS::Key'), 'Arn'] };
    const s = policyStatements(t, '^BatchStateMachinePolicy');
    expect(Object.keys(s).sort()).toEqual(
      [
        'CreateAndDeleteTheRunModels',
        'CreateGrantsForTheJobVolumes',
        'DeliverTheStateMachineLogs',
        'EncryptFailureMessages',
        'EncryptTheStateMachineLogs',
        'ManageTheTransformJobSyncRule',
        'PassTheModelRole',
        'PublishFailedRuns',
        'ReadTheModelPackage',
        'RunTheTransformJobs',
        'UseTheStateMachineDataKey',
        'WriteXRayTraces',
      ].sort(),
    );
    expect(s.CreateAndDeleteTheRunModels).toMatchObject({
      Action: ['sagemaker:CreateModel', 'sagemaker:DeleteModel'],
      Resource: 'arn:aws:sagemaker:eu-central-1:222222222222:model/churn-batch-*',
    });
    expect(s.RunTheTransformJobs).toMatchObject({
      Action: ['sagemaker:CreateTransformJob', 'sagemaker:DescribeTransformJob', 'sagemaker:StopTransformJob', 'sagemaker:AddTags', 'sagemaker:ListTags'],
      Resource: 'arn:aws:sagemaker:eu-central-1:222222222222:transform-job/churn-batch-*',
    });
    expect(s.ReadTheModelPackage).toMatchObject({ Action: 'sagemaker:DescribeModelPackage', Resource: PACKAGE_ARN });
    expect(s.PassTheModelRole).toEqual({
      Sid: 'PassTheModelRole',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: { 'Fn::GetAtt': [ref(t, 'AWS::IAM::Role', '^BatchModelRole'), 'Arn'] },
      Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    });
    expect(s.ManageTheTransformJobSyncRule).toMatchObject({
      Action: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
      Resource: 'arn:aws:events:eu-central-1:222222222222:rule/StepFunctionsGetEventsForSageMakerTransformJobsRule',
    });
    expect(s.PublishFailedRuns).toMatchObject({ Action: 'sns:Publish', Resource: { Ref: ref(t, 'AWS::SNS::Topic') } });
    expect(s.EncryptFailureMessages).toMatchObject({ Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: keyArn });
    expect(s.CreateGrantsForTheJobVolumes).toMatchObject({
      Action: ['kms:CreateGrant', 'kms:DescribeKey'],
      Resource: keyArn,
      Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    });
    expect(s.UseTheStateMachineDataKey).toMatchObject({
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: keyArn,
      Condition: { StringEquals: { 'kms:EncryptionContext:aws:states:stateMachineArn': 'arn:aws:states:eu-central-1:222222222222:stateMachine:churn-batch' } },
    });
    expect(s.DeliverTheStateMachineLogs.Resource).toBe('*');
    expect(s.WriteXRayTraces.Resource).toBe('*');
    // every permission is in the managed policies: no inline policy, nothing added by StateMachine
    t.resourceCountIs('AWS::IAM::Policy', 0);
    t.hasResourceProperties('AWS::IAM::Role', {
      Description: Match.stringLikeRegexp('state machine'),
      AssumeRolePolicyDocument: {
        Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'states.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': '222222222222' } } }],
      },
    });
  });

  test('the model role: input prefix, run folders of the output, the keys, images, logs, metrics, network', () => {
    const { stack, vpc, key } = fixture();
    const artifacts = s3.Bucket.fromBucketName(stack, 'Artifacts', 'exp-model-artifacts');
    const artifactsKey = kms.Key.fromKeyArn(stack, 'ArtifactsKey', 'arn:aws:kms:eu-central-1:111111111111:key/11111111-2222-3333-4444-555555555555');
    batch(stack, vpc, key, { modelArtifactsBucket: artifacts, modelArtifactsPrefix: 'churn', decryptionKeys: [artifactsKey] });
    const t = Template.fromStack(stack);
    const keyArn = { 'Fn::GetAtt': [ref(t, 'AWS::KMS::Key'), 'Arn'] };
    const s = policyStatements(t, '^BatchModelPolicy');
    expect(Object.keys(s).sort()).toEqual(
      [
        'AuthenticateToEcr',
        'CreateNetworkInterfacesInTheJobSubnets',
        'DecryptTheModelArtifactsAndImages',
        'DescribeTheNetwork',
        'ListTheInputData',
        'ManageNetworkInterfacesOfTheJobVpc',
        'PullTheInferenceImages',
        'PutTransformJobMetrics',
        'ReadTheInputData',
        'ReadTheModelArtifacts',
        'UseTheDataKeyThroughS3',
        'UseTheJobKey',
        'UseTheJobLogGroup',
        'WriteTheJobLogStreams',
        'WriteTheResults',
      ].sort(),
    );
    // input and results share the key: one statement, through S3 only
    expect(s.UseTheDataKeyThroughS3).toEqual({
      Sid: 'UseTheDataKeyThroughS3',
      Effect: 'Allow',
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Resource: keyArn,
      Condition: { StringEquals: { 'kms:ViaService': 's3.eu-central-1.amazonaws.com' } },
    });
    // without kms:ViaService only what TransformOutput.KmsKeyId documents for the execution role
    expect(s.UseTheJobKey).toEqual({ Sid: 'UseTheJobKey', Effect: 'Allow', Action: ['kms:Encrypt', 'kms:DescribeKey'], Resource: keyArn });
    expect(s.ReadTheModelArtifacts.Resource).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::exp-model-artifacts/churn/*']] });
    expect(s.DecryptTheModelArtifactsAndImages.Resource).toBe('arn:aws:kms:eu-central-1:111111111111:key/11111111-2222-3333-4444-555555555555');
    expect(s.PullTheInferenceImages).toMatchObject({ Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'], Resource: REPOSITORY });
    // the account's transform job log group is used but not created (SageMaker would create it unencrypted)
    expect(s.UseTheJobLogGroup.Action).toBe('logs:DescribeLogStreams');
    expect(s.WriteTheJobLogStreams.Resource).toBe('arn:aws:logs:eu-central-1:222222222222:log-group:/aws/sagemaker/TransformJobs:log-stream:*');
    expect(s.PutTransformJobMetrics.Condition).toEqual({ StringLike: { 'cloudwatch:namespace': ['/aws/sagemaker/TransformJobs', 'aws/sagemaker/TransformJobs'] } });
    expect(s.ManageNetworkInterfacesOfTheJobVpc.Condition).toEqual({
      ArnEquals: { 'ec2:Vpc': { 'Fn::Join': ['', ['arn:aws:ec2:eu-central-1:222222222222:vpc/', { Ref: ref(t, 'AWS::EC2::VPC') }]] } },
    });
    t.hasResourceProperties('AWS::IAM::Role', {
      Description: Match.stringLikeRegexp('^Execution role'),
      AssumeRolePolicyDocument: { Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' } }] },
    });
  });

  test('log group creation is an explicit opt-in; the boundary bounds every role', () => {
    const { stack, vpc, key } = fixture();
    const boundary = new iam.ManagedPolicy(stack, 'Boundary', { statements: [new iam.PolicyStatement({ actions: ['sagemaker:*'], resources: ['*'] })] });
    batch(stack, vpc, key, { allowJobLogGroupCreation: true, permissionsBoundary: boundary, schedule: 'rate(1 day)' });
    const t = Template.fromStack(stack);
    expect(policyStatements(t, '^BatchModelPolicy').UseTheJobLogGroup.Action).toEqual(['logs:CreateLogGroup', 'logs:DescribeLogStreams']);
    const roles = Object.values(t.findResources('AWS::IAM::Role')) as any[];
    expect(roles).toHaveLength(3);
    for (const role of roles) expect(role.Properties.PermissionsBoundary).toEqual({ Ref: ref(t, 'AWS::IAM::ManagedPolicy', '^Boundary') });
  });

  test('warns when the model role could read no artifact and pull no image', () => {
    const { stack, vpc, key } = fixture();
    batch(stack, vpc, key, { imageRepositoryArns: undefined });
    const annotations = Annotations.fromStack(stack);
    annotations.hasWarning('/Test/Batch', Match.stringLikeRegexp('cannot read any model artifact'));
    annotations.hasWarning('/Test/Batch', Match.stringLikeRegexp('cannot pull any inference image'));
  });

  test('grantStartExecution: StartExecution on the state machine and the data key for its input', () => {
    const { stack, vpc, key } = fixture();
    const b = batch(stack, vpc, key);
    const caller = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    b.grantStartExecution(caller);
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: ref(t, 'AWS::IAM::Role', '^Caller') }],
      PolicyDocument: {
        Statement: [
          { Action: 'states:StartExecution', Effect: 'Allow', Resource: { Ref: ref(t, 'AWS::StepFunctions::StateMachine') } },
          {
            Action: 'kms:GenerateDataKey',
            Effect: 'Allow',
            Resource: { 'Fn::GetAtt': [ref(t, 'AWS::KMS::Key'), 'Arn'] },
            Condition: { StringEquals: { 'kms:EncryptionContext:aws:states:stateMachineArn': { Ref: ref(t, 'AWS::StepFunctions::StateMachine') } } },
          },
        ],
      },
    });
  });
});

describe('BatchInference: schedule', () => {
  test('an EventBridge Scheduler schedule in the given time zone, with retries, a KMS dead-letter queue and a least-privilege role', () => {
    const { stack, vpc, key } = fixture();
    const b = batch(stack, vpc, key, { schedule: 'cron(0 2 * * ? *)', scheduleTimeZone: TimeZone.EUROPE_BERLIN });
    const t = Template.fromStack(stack);
    const keyArn = { 'Fn::GetAtt': [ref(t, 'AWS::KMS::Key'), 'Arn'] };
    const queue = ref(t, 'AWS::SQS::Queue');
    const schedule = Object.values(t.findResources('AWS::Scheduler::Schedule'))[0] as any;
    expect(schedule.Properties).toEqual({
      Description: 'Starts the batch inference churn-batch',
      FlexibleTimeWindow: { Mode: 'OFF' },
      KmsKeyArn: keyArn,
      ScheduleExpression: 'cron(0 2 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Berlin',
      State: 'ENABLED',
      Target: {
        Arn: { Ref: ref(t, 'AWS::StepFunctions::StateMachine') },
        RoleArn: { 'Fn::GetAtt': [ref(t, 'AWS::IAM::Role', '^BatchSchedulerRole'), 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queue, 'Arn'] } },
        RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 3 },
      },
    });
    expect(schedule.DependsOn).toEqual([ref(t, 'AWS::IAM::ManagedPolicy', '^BatchSchedulerPolicy')]);
    t.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: keyArn, MessageRetentionPeriod: 1209600 });
    const s = policyStatements(t, '^BatchSchedulerPolicy');
    expect(s).toEqual({
      StartTheStateMachine: { Sid: 'StartTheStateMachine', Effect: 'Allow', Action: 'states:StartExecution', Resource: 'arn:aws:states:eu-central-1:222222222222:stateMachine:churn-batch' },
      SendFailedStartsToTheDeadLetterQueue: { Sid: 'SendFailedStartsToTheDeadLetterQueue', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [queue, 'Arn'] } },
      UseTheScheduleKey: { Sid: 'UseTheScheduleKey', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: keyArn },
    });
    expect(b.schedule).toBeDefined();
    expect(b.scheduleDeadLetterQueue).toBeDefined();
  });

  test('without a schedule nothing starts the state machine', () => {
    const { stack, vpc, key } = fixture();
    const b = batch(stack, vpc, key);
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::Scheduler::Schedule', 0);
    t.resourceCountIs('AWS::SQS::Queue', 0);
    expect(b.schedule).toBeUndefined();
  });
});

describe('BatchInference: compliance', () => {
  test('cdk-nag passes with only the specific acknowledgements of the role wildcards and the dead-letter queue', () => {
    const { app, stack, vpc, key } = fixture();
    batch(stack, vpc, key, { schedule: 'rate(6 hours)' });
    const report = ComplianceCheck.assertCompliant(app);
    expect(report.errors).toEqual([]);
    const mine = acknowledgements(report).filter((a) => a.constructPath.startsWith('Test/Batch') && !/\/(Input|Output)\//.test(a.constructPath));
    expect(mine.map((a) => [a.constructPath, a.ruleId]).sort()).toEqual(
      [
        ['Test/Batch/ModelPolicy', 'AwsSolutions-IAM5[Resource::*]'],
        ['Test/Batch/ModelPolicy', 'AwsSolutions-IAM5[Resource::<BatchInputBucket3F9A4972.Arn>/input/*]'],
        ['Test/Batch/ModelPolicy', 'AwsSolutions-IAM5[Resource::<BatchOutputBucket3D61930B.Arn>/output/churn-batch-*]'],
        ['Test/Batch/ModelPolicy', 'AwsSolutions-IAM5[Resource::arn:aws:ec2:eu-central-1:222222222222:network-interface/*]'],
        ['Test/Batch/ModelPolicy', 'AwsSolutions-IAM5[Resource::arn:aws:logs:eu-central-1:222222222222:log-group:/aws/sagemaker/TransformJobs:*]'],
        ['Test/Batch/ModelPolicy', 'AwsSolutions-IAM5[Resource::arn:aws:logs:eu-central-1:222222222222:log-group:/aws/sagemaker/TransformJobs:log-stream:*]'],
        ['Test/Batch/ScheduleDeadLetterQueue', 'AwsSolutions-SQS3'],
        ['Test/Batch/StateMachinePolicy', 'AwsSolutions-IAM5[Resource::*]'],
        ['Test/Batch/StateMachinePolicy', 'AwsSolutions-IAM5[Resource::arn:aws:sagemaker:eu-central-1:222222222222:model/churn-batch-*]'],
        ['Test/Batch/StateMachinePolicy', 'AwsSolutions-IAM5[Resource::arn:aws:sagemaker:eu-central-1:222222222222:transform-job/churn-batch-*]'],
      ].sort(),
    );
    for (const a of mine) expect(a.reason.length).toBeGreaterThanOrEqual(30);
  });
});

describe('BatchInference: bad props fail at synth time', () => {
  const cases: Array<[string, Partial<BatchInferenceProps>, RegExp]> = [
    ['a cron with five fields', { schedule: 'cron(0 2 * * ?)' }, /schedule "cron\(0 2 \* \* \?\)" has 5 fields; EventBridge cron expressions have 6/],
    ['a cron with both day fields set', { schedule: 'cron(0 2 1 * MON *)' }, /exactly one of day-of-month .* must be "\?"/],
    ['a cron with no day field "?"', { schedule: 'cron(0 2 ? * ? *)' }, /exactly one of day-of-month/],
    ['a cron hour out of range', { schedule: 'cron(0 25 * * ? *)' }, /the hours field "25" must use numbers from 0 to 23/],
    ['a rate with a plural unit for 1', { schedule: 'rate(1 days)' }, /singular unit for 1/],
    ['a rate of zero', { schedule: 'rate(0 hours)' }, /positive number/],
    ['neither cron nor rate', { schedule: '0 2 * * *' }, /neither cron\(\.\.\.\) nor rate\(\.\.\.\)/],
    ['a time zone without a schedule', { scheduleTimeZone: TimeZone.EUROPE_BERLIN }, /scheduleTimeZone is set but schedule is not/],
    ['an upper-case job name prefix', { jobNamePrefix: 'Churn-Batch' }, /jobNamePrefix "Churn-Batch" may contain only lower-case letters/],
    ['a job name prefix that leaves no room for the run suffix', { jobNamePrefix: 'a'.repeat(51) }, /jobNamePrefix .* has 51 characters; at most 50/],
    ['no instance', { instanceCount: 0 }, /instanceCount is 0; write an integer from 1 to 100/],
    ['a payload above 100 MB', { maxPayloadInMb: 101 }, /maxPayloadInMb is 101; write an integer from 0 to 100/],
    ['no parallel request', { maxConcurrentTransforms: 0 }, /maxConcurrentTransforms is 0/],
    ['a job timeout above 7 days', { jobTimeout: Duration.days(8) }, /jobTimeout is 8 days; write a literal duration from 1 minute to 7 days/],
    ['an input prefix with a wildcard', { inputPrefix: 'input/*' }, /inputPrefix is "input\/\*"; write an S3 key prefix without wildcards/],
    ['an artifacts prefix without bucket', { modelArtifactsPrefix: 'churn' }, /modelArtifactsPrefix is set but modelArtifactsBucket is not/],
  ];
  test.each(cases)('%s', (_name, props, message) => {
    const { stack, vpc, key } = fixture();
    expect(() => batch(stack, vpc, key, props)).toThrow(message);
  });

  test('public subnets and too many security groups', () => {
    const { stack, key } = fixture();
    const vpc = new ec2.Vpc(stack, 'PublicVpc', { natGateways: 0, maxAzs: 2, subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC }] });
    expect(() => batch(stack, vpc, key, { vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } })).toThrow(/vpcSubnets selects public subnets/);
    const other = fixture('Other');
    const groups = [1, 2, 3, 4, 5, 6].map((i) => new ec2.SecurityGroup(other.stack, `Sg${i}`, { vpc: other.vpc }));
    expect(() => batch(other.stack, other.vpc, other.key, { securityGroups: groups })).toThrow(/securityGroups has 6 groups; SageMaker takes 1 to 5/);
  });
});

describe('BatchInference: fixed role names', () => {
  test('names the model role and the state machine role, so that the registry account can admit exactly them', () => {
    const { stack, vpc, key } = fixture();
    const b = batch(stack, vpc, key, { modelRoleName: 'churn-dev-batch-model', stateMachineRoleName: 'churn-dev-batch-workflow' });
    const t = Template.fromStack(stack);
    expect(t.toJSON().Resources[stack.getLogicalId(b.modelRole.node.defaultChild as any)].Properties.RoleName).toBe('churn-dev-batch-model');
    expect(t.toJSON().Resources[stack.getLogicalId(b.stateMachineRole.node.defaultChild as any)].Properties.RoleName).toBe('churn-dev-batch-workflow');
  });

  test('without names CloudFormation generates them', () => {
    const { stack, vpc, key } = fixture();
    batch(stack, vpc, key);
    for (const role of Object.values(Template.fromStack(stack).findResources('AWS::IAM::Role')) as any[]) {
      expect(role.Properties.RoleName).toBeUndefined();
    }
  });

  test('refuses a name that is not an IAM role name, naming the prop', () => {
    const { stack, vpc, key } = fixture();
    expect(() => batch(stack, vpc, key, { stateMachineRoleName: 'churn dev' })).toThrow(/stateMachineRoleName "churn dev" is not an IAM role name/);
    const other = fixture('Other');
    expect(() => batch(other.stack, other.vpc, other.key, { modelRoleName: 'x'.repeat(65) })).toThrow(/modelRoleName "x{65}" is not an IAM role name/);
  });
});
