import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnParameter, Stack, TimeZone } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  ComplianceCheck, CreateModelStep, ParameterBoolean, ExecutionVariable, LambdaStep, ModelBuildPipeline, ModelBuildPipelineProps, PipelineDefinition,
  PipelineDefinitionSource, PipelineDefinitionSourceKind, PipelinePlaceholder, PipelineValue, PredictiveMaintenancePipeline,
  ProcessingStep, ProcessingStepProps, RegisterModelStep, SageMakerFrameworkImage, SecureBucket, TrainingStep, TrainingStepProps,
  TransformStep, TuningStep,
} from '../../../src';
import { isolatedNetwork } from '../../helpers/network';
import { testStack } from '../../helpers/stacks';

const BOUNDARY_ARN = 'arn:aws:iam::222222222222:policy/mlops/sagemaker-guardrails-boundary';
const GUARDRAIL_ARN = 'arn:aws:iam::222222222222:policy/mlops/sagemaker-guardrails';
const CENTRAL_REPOSITORY = 'arn:aws:ecr:eu-central-1:333333333333:repository/mlops/weld-gun';
const CENTRAL_IMAGE = '333333333333.dkr.ecr.eu-central-1.amazonaws.com/mlops/weld-gun:1.0.0';
const SKLEARN = SageMakerFrameworkImage.sklearn('eu-central-1');
const CONNECTION = 'arn:aws:codeconnections:eu-central-1:222222222222:connection/0a1b2c3d-4e5f-6789-abcd-ef0123456789';
const NAME = 'weld-gun-build';
const GROUP = 'weld-gun';
const SAMPLE_JSON = path.join(__dirname, '..', '..', 'fixtures', 'pipeline-golden', 'sample.json');

interface Fixture {
  readonly app: App;
  readonly stack: Stack;
  readonly key: kms.Key;
  readonly vpc: ec2.Vpc;
  readonly boundary: iam.IManagedPolicy;
  readonly guardrail: iam.IManagedPolicy;
}

/** A stack with what the network and security concerns provide: an isolated VPC, a key, the guardrail policies (imported). */
function fixture(): Fixture {
  const { app, stack } = testStack();
  const { key, vpc } = isolatedNetwork(stack);
  const boundary = iam.ManagedPolicy.fromManagedPolicyArn(stack, 'Boundary', BOUNDARY_ARN);
  const guardrail = iam.ManagedPolicy.fromManagedPolicyArn(stack, 'Guardrail', GUARDRAIL_ARN);
  return { app, stack, key, vpc, boundary, guardrail };
}

function sampleDefinition(name = NAME): PipelineDefinition {
  return PredictiveMaintenancePipeline.definition({
    pipelineName: name,
    region: 'eu-central-1',
    roleArn: PipelinePlaceholder.ROLE_ARN,
    bucketName: PipelinePlaceholder.ARTIFACT_BUCKET_NAME,
    kmsKeyArn: PipelinePlaceholder.KMS_KEY_ARN,
    subnetIds: [PipelinePlaceholder.SUBNET_IDS],
    securityGroupIds: [PipelinePlaceholder.SECURITY_GROUP_IDS],
    modelPackageGroupName: GROUP,
  });
}

function build(f: Fixture, props: Partial<ModelBuildPipelineProps> = {}, id = 'Build'): ModelBuildPipeline {
  return new ModelBuildPipeline(f.stack, id, {
    pipelineName: NAME,
    definitionSource: props.definitionSource ?? PipelineDefinitionSource.fromDefinition(sampleDefinition(props.pipelineName ?? NAME)),
    permissionsBoundary: f.boundary,
    guardrailPolicy: f.guardrail,
    encryptionKey: f.key,
    vpc: f.vpc,
    modelPackageGroupName: GROUP,
    imageRepositoryArns: [SKLEARN.repositoryArn],
    ...props,
  });
}

const p = (value: string) => PipelineValue.fromString(value);
const secureNetwork = {
  vpcConfig: { subnets: [PipelinePlaceholder.SUBNET_IDS], securityGroupIds: [PipelinePlaceholder.SECURITY_GROUP_IDS] },
  enableNetworkIsolation: true,
  enableInterContainerTrafficEncryption: true,
};
const artifacts = (key: string) => p(`s3://${PipelinePlaceholder.ARTIFACT_BUCKET_NAME}/${key}`);

/** A secure processing step; `omit` drops props to make it insecure. */
function processing(name: string, omit: Array<keyof ProcessingStepProps> = [], extra: Partial<ProcessingStepProps> = {}): ProcessingStep {
  const props: any = {
    roleArn: p(PipelinePlaceholder.ROLE_ARN),
    imageUri: p(CENTRAL_IMAGE),
    instanceType: p('ml.m5.large'),
    volumeKmsKeyId: p(PipelinePlaceholder.KMS_KEY_ARN),
    outputKmsKeyId: p(PipelinePlaceholder.KMS_KEY_ARN),
    ...secureNetwork,
    code: { s3Uri: `s3://${PipelinePlaceholder.ARTIFACT_BUCKET_NAME}/code/prep.py` },
    outputs: [{ outputName: 'out', s3Uri: artifacts('runs/out'), localPath: '/opt/ml/processing/out' }],
    ...extra,
  };
  for (const o of omit) delete props[o];
  return new ProcessingStep(name, props);
}

/** A secure training step; `omit` drops props to make it insecure. */
function training(name: string, omit: Array<keyof TrainingStepProps> = [], extra: Partial<TrainingStepProps> = {}): TrainingStep {
  const props: any = {
    roleArn: p(PipelinePlaceholder.ROLE_ARN),
    trainingImage: p(CENTRAL_IMAGE),
    instanceType: p('ml.m5.large'),
    volumeKmsKeyId: p(PipelinePlaceholder.KMS_KEY_ARN),
    outputKmsKeyId: p(PipelinePlaceholder.KMS_KEY_ARN),
    outputPath: artifacts('models'),
    ...secureNetwork,
    ...extra,
  };
  for (const o of omit) delete props[o];
  return new TrainingStep(name, props);
}

function withSteps(f: Fixture, steps: any[], props: Partial<ModelBuildPipelineProps> = {}): ModelBuildPipeline {
  return build(f, {
    definitionSource: PipelineDefinitionSource.fromDefinition(new PipelineDefinition({ pipelineName: NAME, steps })),
    imageRepositoryArns: [CENTRAL_REPOSITORY],
    ...props,
  });
}

/** The message of the Error `fn` throws; fails the test when it does not throw. */
function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an Error, but nothing was thrown');
}

function only(t: Template, type: string, pattern = '.*'): [string, any] {
  const found = Object.entries(t.findResources(type)).filter(([id]) => new RegExp(pattern).test(id));
  if (found.length !== 1) throw new Error(`expected one ${type} matching ${pattern}, found ${found.map(([id]) => id).join(', ')}`);
  return found[0];
}

/** The statements of the execution role's two policies, by Sid. */
function executionStatements(t: Template): Record<string, any> {
  const out: Record<string, any> = {};
  for (const pattern of ['BuildExecutionPolicy', 'BuildDataAccessPolicy']) {
    const [, policy] = only(t, 'AWS::IAM::ManagedPolicy', `^${pattern}`);
    for (const s of policy.Properties.PolicyDocument.Statement) {
      expect(out[s.Sid]).toBeUndefined();
      out[s.Sid] = s;
    }
  }
  return out;
}

function statementsOf(t: Template, pattern: string): any[] {
  return only(t, 'AWS::IAM::ManagedPolicy', pattern)[1].Properties.PolicyDocument.Statement;
}

const SUBNETS = [{ Ref: 'VpcisolatedSubnet1SubnetE62B1B9B' }, { Ref: 'VpcisolatedSubnet2Subnet39217055' }];
const GROUP_ID = { 'Fn::GetAtt': [expect.stringMatching(/^BuildJobSecurityGroup/), 'GroupId'] };
const SM = 'arn:aws:sagemaker:eu-central-1:222222222222';

describe('ModelBuildPipeline: the SageMaker pipeline', () => {
  test('name, role and the definition body resolve to the builder\'s JSON with the placeholders filled in', () => {
    const f = fixture();
    const pipeline = build(f, { pipelineDescription: 'Weld gun maintenance model' });
    const t = Template.fromStack(f.stack);
    const [, cfn] = only(t, 'AWS::SageMaker::Pipeline');
    expect(cfn.Properties.PipelineName).toBe(NAME);
    expect(cfn.Properties.PipelineDescription).toBe('Weld gun maintenance model');
    expect(cfn.Properties.RoleArn).toEqual({ 'Fn::GetAtt': [f.stack.getLogicalId(pipeline.role.node.defaultChild as iam.CfnRole), 'Arn'] });

    // the expected body: the builder's JSON with the placeholders replaced by the construct's tokens
    const expected = JSON.parse(JSON.stringify(sampleDefinition().toJson())
      .split(PipelinePlaceholder.ROLE_ARN).join(pipeline.role.roleArn)
      .split(PipelinePlaceholder.ARTIFACT_BUCKET_NAME).join(pipeline.artifactBucket.bucketName)
      .split(PipelinePlaceholder.KMS_KEY_ARN).join(f.key.keyArn)
      .split(JSON.stringify(PipelinePlaceholder.SECURITY_GROUP_IDS)).join(JSON.stringify(pipeline.securityGroups[0].securityGroupId))
      .split(JSON.stringify(PipelinePlaceholder.SUBNET_IDS)).join(pipeline.subnetIds.map((s) => JSON.stringify(s)).join(',')));
    expect(cfn.Properties.PipelineDefinition).toEqual({ PipelineDefinitionBody: f.stack.resolve(f.stack.toJsonString(expected)) });

    // and the tokens are CloudFormation references
    const body = JSON.stringify(cfn.Properties.PipelineDefinition.PipelineDefinitionBody);
    expect(body).not.toContain('{{ModelBuildPipeline');
    expect(body).toContain(JSON.stringify({ Ref: 'VpcisolatedSubnet1SubnetE62B1B9B' }));
    expect(body).toContain(f.stack.getLogicalId(pipeline.artifactBucket.node.defaultChild as s3.CfnBucket));
    expect(pipeline.pipelineArn).toBe(`${SM}:pipeline/${NAME}`);
    expect(pipeline.parameterNames).toEqual(['InputDataUri', 'ProcessingInstanceType', 'TrainingInstanceType', 'F1Threshold']);
  });

  test('the pipeline is created after its role has its permissions', () => {
    const f = fixture();
    build(f);
    const [, cfn] = only(Template.fromStack(f.stack), 'AWS::SageMaker::Pipeline');
    expect(cfn.DependsOn.some((d: string) => d.startsWith('BuildExecutionPolicy'))).toBe(true);
    expect(cfn.DependsOn.some((d: string) => d.startsWith('BuildDataAccessPolicy'))).toBe(true);
  });

  test('fromS3: PipelineDefinitionS3Location, a warning, and a role for every job type', () => {
    const f = fixture();
    const bucket = s3.Bucket.fromBucketName(f.stack, 'Definitions', 'weld-gun-definitions');
    const source = PipelineDefinitionSource.fromS3(bucket, 'pipelines/weld-gun.json', '3HL4kqtJlcpXroDTDmjVBH40Nrjfkd');
    expect(source.kind).toBe(PipelineDefinitionSourceKind.S3);
    const pipeline = build(f, { definitionSource: source, imageRepositoryArns: [CENTRAL_REPOSITORY] });
    const t = Template.fromStack(f.stack);
    t.hasResourceProperties('AWS::SageMaker::Pipeline', {
      PipelineDefinition: { PipelineDefinitionS3Location: { Bucket: 'weld-gun-definitions', Key: 'pipelines/weld-gun.json', Version: '3HL4kqtJlcpXroDTDmjVBH40Nrjfkd' } },
    });
    Annotations.fromStack(f.stack).hasWarning('/Test/Build', Match.stringLikeRegexp('was not checked at synth time'));
    const sids = Object.keys(executionStatements(t));
    expect(sids).toEqual(expect.arrayContaining([
      'CreateProcessingJobsSecurely', 'CreateTrainingJobsSecurely', 'CreateTuningJobsSecurely', 'CreateTransformJobsSecurely', 'CreateModelsSecurely',
      'RegisterModelVersionsPendingApproval', 'TrackExecutionsInTheExperiment',
    ]));
    expect(pipeline.parameterNames).toEqual([]);
  });

  test('fromDefinition of a definition built for another pipeline name fails', () => {
    const f = fixture();
    expect(() => build(f, { definitionSource: PipelineDefinitionSource.fromDefinition(sampleDefinition('other-build')) }))
      .toThrow('ModelBuildPipeline Test/Build: the definition was built for pipeline "other-build", but pipelineName is "weld-gun-build"; build the definition with pipelineName "weld-gun-build"');
  });
});

describe('ModelBuildPipeline: the execution role', () => {
  test('bounded by the guardrails boundary, with the guardrail policy and the two least-privilege policies attached', () => {
    const f = fixture();
    build(f);
    const t = Template.fromStack(f.stack);
    const [, role] = only(t, 'AWS::IAM::Role', '^BuildExecutionRole');
    expect(role.Properties.PermissionsBoundary).toBe(BOUNDARY_ARN);
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': '222222222222' } } },
    ]);
    expect(role.Properties.ManagedPolicyArns).toEqual([GUARDRAIL_ARN]);
    for (const pattern of ['^BuildExecutionPolicy', '^BuildDataAccessPolicy']) {
      const [, policy] = only(t, 'AWS::IAM::ManagedPolicy', pattern);
      expect(policy.Properties.Roles).toEqual([{ Ref: only(t, 'AWS::IAM::Role', '^BuildExecutionRole')[0] }]);
    }
    t.resourceCountIs('AWS::IAM::Policy', 0);
  });

  test('jobs are created only in the VPC, with the key, network isolation and inter-container encryption', () => {
    const f = fixture();
    build(f);
    const s = executionStatements(Template.fromStack(f.stack));
    const vpc = {
      'ForAllValues:StringEquals': { 'sagemaker:VpcSubnets': SUBNETS, 'sagemaker:VpcSecurityGroupIds': [GROUP_ID] },
    };
    expect(s.CreateProcessingJobsSecurely).toEqual({
      Sid: 'CreateProcessingJobsSecurely',
      Effect: 'Allow',
      Action: 'sagemaker:CreateProcessingJob',
      Resource: `${SM}:processing-job/pipelines-*`,
      Condition: {
        Null: { 'sagemaker:VpcSubnets': 'false', 'sagemaker:VpcSecurityGroupIds': 'false', 'sagemaker:VolumeKmsKeyArn': 'false' },
        ...vpc,
        ArnEquals: { 'sagemaker:VolumeKmsKeyArn': [expect.objectContaining({ 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] })] },
        ArnEqualsIfExists: { 'sagemaker:OutputKmsKeyArn': [expect.objectContaining({ 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] })] },
        Bool: { 'sagemaker:NetworkIsolation': 'true', 'sagemaker:InterContainerTrafficEncryption': 'true' },
      },
    });
    expect(s.CreateTrainingJobsSecurely.Action).toBe('sagemaker:CreateTrainingJob');
    expect(s.CreateTrainingJobsSecurely.Resource).toBe(`${SM}:training-job/pipelines-*`);
    expect(s.CreateTrainingJobsSecurely.Condition.Null).toEqual({
      'sagemaker:VpcSubnets': 'false', 'sagemaker:VpcSecurityGroupIds': 'false', 'sagemaker:VolumeKmsKeyArn': 'false', 'sagemaker:OutputKmsKeyArn': 'false',
    });
    expect(Object.keys(s.CreateTrainingJobsSecurely.Condition.ArnEquals)).toEqual(['sagemaker:VolumeKmsKeyArn', 'sagemaker:OutputKmsKeyArn']);
    expect(s.CreateTrainingJobsSecurely.Condition.Bool).toEqual({ 'sagemaker:NetworkIsolation': 'true', 'sagemaker:InterContainerTrafficEncryption': 'true' });
    // the sample pipeline has no tuning, transform or model step: no permission for them
    expect(s.CreateTuningJobsSecurely).toBeUndefined();
    expect(s.CreateTransformJobsSecurely).toBeUndefined();
    expect(s.CreateModelsSecurely).toBeUndefined();
    expect(s.ManageThePipelineJobs).toEqual({
      Sid: 'ManageThePipelineJobs',
      Effect: 'Allow',
      Action: ['sagemaker:DescribeProcessingJob', 'sagemaker:StopProcessingJob', 'sagemaker:DescribeTrainingJob', 'sagemaker:StopTrainingJob', 'sagemaker:AddTags'],
      Resource: [`${SM}:processing-job/pipelines-*`, `${SM}:training-job/pipelines-*`],
    });
  });

  test('models are registered in the one group, as PendingManualApproval only; the role passes only itself, to SageMaker only', () => {
    const f = fixture();
    const pipeline = build(f);
    const s = executionStatements(Template.fromStack(f.stack));
    expect(s.RegisterModelVersionsPendingApproval).toEqual({
      Sid: 'RegisterModelVersionsPendingApproval',
      Effect: 'Allow',
      Action: 'sagemaker:CreateModelPackage',
      Resource: [`${SM}:model-package/weld-gun/*`, `${SM}:model-package-group/weld-gun`],
      Condition: { StringEqualsIfExists: { 'sagemaker:ModelApprovalStatus': 'PendingManualApproval' } },
    });
    expect(s.DescribeTheModelVersions.Action).toEqual(['sagemaker:DescribeModelPackage', 'sagemaker:DescribeModelPackageGroup', 'sagemaker:AddTags']);
    expect(s.PassOnlyThisRoleToSageMaker).toEqual({
      Sid: 'PassOnlyThisRoleToSageMaker',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: f.stack.resolve(pipeline.role.roleArn),
      Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    });
    expect(s.TrackExecutionsInTheExperiment.Resource).toEqual([
      `${SM}:experiment/weld-gun-build`, `${SM}:experiment-trial/*`, `${SM}:experiment-trial-component/*`,
    ]);
  });

  test('data: the artifact bucket read-write without delete, input buckets read-only, the key, the images, logs and metrics, the network', () => {
    const f = fixture();
    const lake = s3.Bucket.fromBucketAttributes(f.stack, 'Lake', {
      bucketName: 'weld-data-lake',
      encryptionKey: kms.Key.fromKeyArn(f.stack, 'LakeKey', 'arn:aws:kms:eu-central-1:444444444444:key/99999999-8888-7777-6666-555555555555'),
    });
    const pipeline = build(f, { inputBuckets: [lake], imageRepositoryArns: [SKLEARN.repositoryArn, CENTRAL_REPOSITORY] });
    const s = executionStatements(Template.fromStack(f.stack));
    const bucket = f.stack.resolve(pipeline.artifactBucket.bucketArn);
    expect(s.ReadAndWriteTheArtifacts).toEqual({
      Sid: 'ReadAndWriteTheArtifacts',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
      Resource: { 'Fn::Join': ['', [bucket, '/*']] },
    });
    expect(s.ListTheBuckets.Resource).toEqual([bucket, f.stack.resolve(lake.bucketArn)]);
    expect(s.ReadTheInputData).toEqual({ Sid: 'ReadTheInputData', Effect: 'Allow', Action: 's3:GetObject', Resource: f.stack.resolve(lake.arnForObjects('*')) });
    expect(s.DecryptTheInputData).toEqual({
      Sid: 'DecryptTheInputData', Effect: 'Allow', Action: 'kms:Decrypt', Resource: 'arn:aws:kms:eu-central-1:444444444444:key/99999999-8888-7777-6666-555555555555',
    });
    expect(s.UseThePipelineKey.Action).toEqual(['kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey']);
    expect(s.UseThePipelineKey.Resource).toEqual(f.stack.resolve(f.key.keyArn));
    expect(s.LetSageMakerEncryptVolumesWithThePipelineKey.Condition).toEqual({ Bool: { 'kms:GrantIsForAWSResource': 'true' } });
    expect(s.PullTheJobImages).toEqual({
      Sid: 'PullTheJobImages',
      Effect: 'Allow',
      Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
      Resource: ['arn:aws:ecr:eu-central-1:492215442770:repository/sagemaker-scikit-learn', CENTRAL_REPOSITORY],
    });
    expect(s.AuthenticateToEcr.Resource).toBe('*');
    expect(s.WriteTheJobLogs.Resource).toEqual([
      'arn:aws:logs:eu-central-1:222222222222:log-group:/aws/sagemaker/ProcessingJobs:log-stream:*',
      'arn:aws:logs:eu-central-1:222222222222:log-group:/aws/sagemaker/TrainingJobs:log-stream:*',
    ]);
    expect(s.PutSageMakerMetrics.Condition).toEqual({ StringLike: { 'cloudwatch:namespace': ['/aws/sagemaker/*', 'aws/sagemaker/*'] } });
    expect(s.ManageJobNetworkInterfacesInTheVpc.Condition).toEqual({
      ArnEquals: { 'ec2:Vpc': { 'Fn::Join': ['', ['arn:aws:ec2:eu-central-1:222222222222:vpc/', { Ref: 'Vpc8378EB38' }]] } },
    });
    expect(s.CreateJobNetworkInterfacesInTheSubnets.Resource).toHaveLength(4);
    // no delete, no wildcard action anywhere
    const actions = Object.values(s).flatMap((x: any) => [x.Action].flat());
    expect(actions.filter((a: string) => /Delete(Object|Bucket)|\*/.test(a))).toEqual([]);
  });

  test('grantStartExecution: sagemaker:StartPipelineExecution on this pipeline only', () => {
    const f = fixture();
    const pipeline = build(f);
    const ci = new iam.Role(f.stack, 'CiRole', { assumedBy: new iam.AccountRootPrincipal() });
    pipeline.grantStartExecution(ci);
    Template.fromStack(f.stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'sagemaker:StartPipelineExecution', Effect: 'Allow', Resource: `${SM}:pipeline/weld-gun-build` }] },
      Roles: [{ Ref: Match.stringLikeRegexp('^CiRole') }],
    });
  });
});

describe('ModelBuildPipeline: the artifact bucket and the job network', () => {
  test('SecureBucket with the key, versioned, TLS only, and no expiry of model artifacts', () => {
    const f = fixture();
    const pipeline = build(f);
    const t = Template.fromStack(f.stack);
    const [, bucket] = only(t, 'AWS::S3::Bucket', '^BuildArtifactsBucket');
    expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault).toEqual({
      SSEAlgorithm: 'aws:kms', KMSMasterKeyID: f.stack.resolve(f.key.keyArn),
    });
    expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.Properties.LifecycleConfiguration).toBeUndefined();
    expect(bucket.DeletionPolicy).toBe('Retain');
    const [, policy] = only(t, 'AWS::S3::BucketPolicy', '^BuildArtifactsBucketPolicy');
    expect(policy.Properties.PolicyDocument.Statement).toEqual(expect.arrayContaining([
      expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    ]));
    expect(pipeline.artifactBucket.encryptionKey).toBe(f.key);
  });

  test('the created security group: all traffic within, HTTPS out, nothing in from elsewhere', () => {
    const f = fixture();
    build(f);
    const t = Template.fromStack(f.stack);
    const [sgId, sg] = only(t, 'AWS::EC2::SecurityGroup', '^BuildJobSecurityGroup');
    expect(sg.Properties.SecurityGroupIngress).toBeUndefined();
    expect(sg.Properties.SecurityGroupEgress).toEqual([
      { CidrIp: { 'Fn::GetAtt': ['Vpc8378EB38', 'CidrBlock'] }, Description: 'HTTPS to the interface endpoints of the VPC', FromPort: 443, IpProtocol: 'tcp', ToPort: 443 },
      { CidrIp: '0.0.0.0/0', Description: 'HTTPS to S3 through the gateway endpoint (the VPC has no internet route)', FromPort: 443, IpProtocol: 'tcp', ToPort: 443 },
    ]);
    t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { IpProtocol: '-1', GroupId: { 'Fn::GetAtt': [sgId, 'GroupId'] }, SourceSecurityGroupId: { 'Fn::GetAtt': [sgId, 'GroupId'] } });
    t.resourceCountIs('AWS::EC2::SecurityGroupIngress', 1);
  });

  test('connections: a VPC endpoint\'s security group can admit the jobs', () => {
    const f = fixture();
    const pipeline = build(f);
    const endpoints = new ec2.SecurityGroup(f.stack, 'Endpoints', { vpc: f.vpc, allowAllOutbound: false });
    endpoints.connections.allowFrom(pipeline, ec2.Port.tcp(443));
    const t = Template.fromStack(f.stack);
    t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp',
      FromPort: 443,
      ToPort: 443,
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Endpoints'), 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^BuildJobSecurityGroup'), 'GroupId'] },
    });
  });

  test('given security groups and subnets are used as they are', () => {
    const f = fixture();
    const sg = ec2.SecurityGroup.fromSecurityGroupId(f.stack, 'Given', 'sg-0123456789abcdef0');
    const pipeline = build(f, { securityGroups: [sg], vpcSubnets: { subnets: [f.vpc.isolatedSubnets[0]] } });
    expect(pipeline.securityGroups).toEqual([sg]);
    const t = Template.fromStack(f.stack);
    t.resourceCountIs('AWS::EC2::SecurityGroup', 0);
    const s = executionStatements(t);
    expect(s.CreateTrainingJobsSecurely.Condition['ForAllValues:StringEquals']).toEqual({
      'sagemaker:VpcSubnets': [SUBNETS[0]], 'sagemaker:VpcSecurityGroupIds': ['sg-0123456789abcdef0'],
    });
  });
});

describe('ModelBuildPipeline: the security checks of a definition', () => {
  test.each([
    ['vpcConfig', 'NetworkConfig.VpcConfig.Subnets and NetworkConfig.VpcConfig.SecurityGroupIds are missing: the job would run outside the VPC', 'withoutVpc'],
    ['volumeKmsKeyId', 'ProcessingResources.ClusterConfig.VolumeKmsKeyId is missing: the ML storage volume is not encrypted with the pipeline\'s key', 'withoutVolumeEncryption'],
    ['outputKmsKeyId', 'ProcessingOutputConfig.KmsKeyId is missing: the job\'s output is not encrypted with the pipeline\'s key', 'withoutOutputEncryption'],
    ['enableNetworkIsolation', 'NetworkConfig.EnableNetworkIsolation is missing: the container could reach the network; set it to true', 'withoutNetworkIsolation'],
    ['enableInterContainerTrafficEncryption', 'NetworkConfig.EnableInterContainerTrafficEncryption is missing: traffic between the instances would be unencrypted; set it to true', 'withoutInterContainerEncryption'],
  ])('a processing step without %s fails, naming the step and the setting', (omit, message, exemption) => {
    const f = fixture();
    const message2 = errorOf(() => withSteps(f, [processing('Prep', [omit as keyof ProcessingStepProps]), training('Train')]));
    expect(message2).toContain('(1 problem):\n');
    expect(message2).toContain(`- step "Prep" (Processing): ${message}`);
    expect(message2).toMatch(new RegExp(`\\(or exempt the step with securityExemptions\\.${exemption} and a reason\\)$`));
  });

  test.each([
    ['vpcConfig', 'VpcConfig.Subnets and VpcConfig.SecurityGroupIds are missing'],
    ['volumeKmsKeyId', 'ResourceConfig.VolumeKmsKeyId is missing'],
    ['outputKmsKeyId', 'OutputDataConfig.KmsKeyId is missing: the model artifact is not encrypted'],
    ['enableNetworkIsolation', 'EnableNetworkIsolation is missing: the containers could reach the network'],
    ['enableInterContainerTrafficEncryption', 'EnableInterContainerTrafficEncryption is missing: traffic between the instances would be unencrypted'],
  ])('a training step without %s fails, naming the step and the setting', (omit, message) => {
    const f = fixture();
    expect(() => withSteps(f, [training('Train', [omit as keyof TrainingStepProps])])).toThrow(`- step "Train" (Training): ${message}`);
  });

  test('a flag that is a parameter is not the literal true', () => {
    const f = fixture();
    const step = training('Train', [], { additionalArguments: { EnableNetworkIsolation: { Get: 'Parameters.Isolation' } } });
    const definition = new PipelineDefinition({ pipelineName: NAME, parameters: [new ParameterBoolean('Isolation', { defaultValue: true })], steps: [step] });
    expect(() => withSteps(f, [], { definitionSource: PipelineDefinitionSource.fromDefinition(definition) })).toThrow('- step "Train" (Training): EnableNetworkIsolation is {"Get":"Parameters.Isolation"} (a pipeline expression), not the literal true');
  });

  test('tuning, transform and model steps: the settings of their job types', () => {
    const f = fixture();
    const tune = new TuningStep('Tune', {
      trainingJob: {
        roleArn: p(PipelinePlaceholder.ROLE_ARN),
        trainingImage: p(CENTRAL_IMAGE),
        instanceType: p('ml.m5.large'),
        outputPath: artifacts('tuning'),
        vpcConfig: secureNetwork.vpcConfig,
        outputKmsKeyId: p(PipelinePlaceholder.KMS_KEY_ARN),
      },
      objectiveMetricName: 'validation:f1',
      maxJobs: PipelineValue.fromNumber(4),
      integerParameterRanges: [{ name: 'max_depth', minValue: PipelineValue.fromNumber(2), maxValue: PipelineValue.fromNumber(8) }],
    });
    const model = new CreateModelStep('CreateModel', {
      executionRoleArn: p(PipelinePlaceholder.ROLE_ARN),
      primaryContainer: { image: p(CENTRAL_IMAGE), modelDataUrl: artifacts('models/model.tar.gz') },
    });
    const transform = new TransformStep('Transform', {
      modelName: model.modelName(), inputS3Uri: artifacts('batch'), outputPath: artifacts('batch-out'), instanceType: p('ml.m5.large'),
    });
    expect(() => withSteps(f, [tune, model, transform])).toThrow([
      '(7 problems):',
      '- step "Tune" (Tuning): TrainingJobDefinition.ResourceConfig.VolumeKmsKeyId is missing: the ML storage volume is not encrypted with the pipeline\'s key; write {{ModelBuildPipeline.KmsKeyArn}} (or exempt the step with securityExemptions.withoutVolumeEncryption and a reason)',
      '- step "Tune" (Tuning): TrainingJobDefinition.EnableNetworkIsolation is missing: the containers could reach the network; set it to true (or exempt the step with securityExemptions.withoutNetworkIsolation and a reason)',
      '- step "Tune" (Tuning): TrainingJobDefinition.EnableInterContainerTrafficEncryption is missing: traffic between the instances would be unencrypted; set it to true (or exempt the step with securityExemptions.withoutInterContainerEncryption and a reason)',
      '- step "CreateModel" (Model): VpcConfig.Subnets and VpcConfig.SecurityGroupIds are missing: the job would run outside the VPC; write ["{{ModelBuildPipeline.SubnetIds}}"] and ["{{ModelBuildPipeline.SecurityGroupIds}}"] (or exempt the step with securityExemptions.withoutVpc and a reason)',
      '- step "CreateModel" (Model): EnableNetworkIsolation is missing: the model\'s container could reach the network; set it to true (or exempt the step with securityExemptions.withoutNetworkIsolation and a reason)',
    ].join('\n'));
  });

  test('the transform step needs its volume and output keys', () => {
    const f = fixture();
    const transform = new TransformStep('Transform', {
      modelName: p('weld-model'), inputS3Uri: artifacts('batch'), outputPath: artifacts('batch-out'), instanceType: p('ml.m5.large'),
    });
    expect(() => withSteps(f, [transform])).toThrow(/- step "Transform" \(Transform\): TransformResources.VolumeKmsKeyId is missing[^\n]*\n- step "Transform" \(Transform\): TransformOutput.KmsKeyId is missing: the transform output is not encrypted/);
  });

  test('secure tuning, transform and model steps pass, and the role gets exactly their job types', () => {
    const f = fixture();
    const key = p(PipelinePlaceholder.KMS_KEY_ARN);
    const tune = new TuningStep('Tune', {
      trainingJob: {
        roleArn: p(PipelinePlaceholder.ROLE_ARN),
        trainingImage: p(CENTRAL_IMAGE),
        instanceType: p('ml.m5.large'),
        outputPath: artifacts('tuning'),
        volumeKmsKeyId: key,
        outputKmsKeyId: key,
        ...secureNetwork,
      },
      objectiveMetricName: 'validation:f1',
      maxJobs: PipelineValue.fromNumber(4),
      integerParameterRanges: [{ name: 'max_depth', minValue: PipelineValue.fromNumber(2), maxValue: PipelineValue.fromNumber(8) }],
    });
    const model = new CreateModelStep('CreateModel', {
      executionRoleArn: p(PipelinePlaceholder.ROLE_ARN),
      primaryContainer: { image: p(CENTRAL_IMAGE), modelDataUrl: tune.topModelS3Uri(0, PipelinePlaceholder.ARTIFACT_BUCKET_NAME, 'tuning') },
      vpcConfig: secureNetwork.vpcConfig,
      enableNetworkIsolation: true,
    });
    const transform = new TransformStep('Transform', {
      modelName: model.modelName(),
      inputS3Uri: artifacts('batch'),
      outputPath: artifacts('batch-out'),
      instanceType: p('ml.m5.large'),
      volumeKmsKeyId: key,
      outputKmsKeyId: key,
    });
    withSteps(f, [tune, model, transform]);
    const s = executionStatements(Template.fromStack(f.stack));
    expect(s.CreateTuningJobsSecurely.Resource).toBe(`${SM}:hyper-parameter-tuning-job/*`);
    expect(s.CreateTransformJobsSecurely.Condition).toEqual({
      Null: { 'sagemaker:VolumeKmsKeyArn': 'false', 'sagemaker:OutputKmsKeyArn': 'false' },
      ArnEquals: { 'sagemaker:VolumeKmsKeyArn': [expect.anything()], 'sagemaker:OutputKmsKeyArn': [expect.anything()] },
    });
    expect(s.CreateModelsSecurely).toEqual({
      Sid: 'CreateModelsSecurely',
      Effect: 'Allow',
      Action: 'sagemaker:CreateModel',
      Resource: `${SM}:model/pipelines-*`,
      Condition: {
        'Null': { 'sagemaker:VpcSubnets': 'false', 'sagemaker:VpcSecurityGroupIds': 'false' },
        'ForAllValues:StringEquals': { 'sagemaker:VpcSubnets': SUBNETS, 'sagemaker:VpcSecurityGroupIds': [expect.anything()] },
        'Bool': { 'sagemaker:NetworkIsolation': 'true' },
      },
    });
    expect(s.CreateProcessingJobsSecurely).toBeUndefined();
    expect(s.CreateTrainingJobsSecurely).toBeUndefined();
    expect(s.RegisterModelVersionsPendingApproval).toBeUndefined();
  });
});

describe('ModelBuildPipeline: the definition must fit the pipeline', () => {
  test.each([
    ['another role', { roleArn: p('arn:aws:iam::222222222222:role/other') }, 'RoleArn "arn:aws:iam::222222222222:role/other" is not the pipeline\'s execution role, the only role it may pass to SageMaker; write {{ModelBuildPipeline.RoleArn}}'],
    ['another key', { volumeKmsKeyId: p('arn:aws:kms:eu-central-1:222222222222:key/other') }, 'ProcessingResources.ClusterConfig.VolumeKmsKeyId "arn:aws:kms:eu-central-1:222222222222:key/other" is not the pipeline\'s key'],
    ['another subnet', { vpcConfig: { subnets: ['subnet-0ffffffffffffffff'], securityGroupIds: [PipelinePlaceholder.SECURITY_GROUP_IDS] } }, 'NetworkConfig.VpcConfig.Subnets has "subnet-0ffffffffffffffff", which is not a subnet of the pipeline'],
    ['an image of another repository', { imageUri: p('444444444444.dkr.ecr.eu-central-1.amazonaws.com/other:1') }, 'AppSpecification.ImageUri "444444444444.dkr.ecr.eu-central-1.amazonaws.com/other:1" is in repository 444444444444/other, which is not in imageRepositoryArns'],
    ['an image outside ECR', { imageUri: p('docker.io/library/python:3.12') }, 'AppSpecification.ImageUri "docker.io/library/python:3.12" is not an Amazon ECR image URI'],
    ['an output to another bucket', { outputs: [{ outputName: 'out', s3Uri: p('s3://somewhere-else/out'), localPath: '/opt/ml/processing/out' }] }, 'ProcessingOutputConfig.Outputs[0].S3Output.S3Uri writes to bucket "somewhere-else"; the jobs may only write to the pipeline\'s artifact bucket'],
    ['an input from an undeclared bucket', { inputs: [{ inputName: 'raw', s3Uri: p('s3://weld-data-lake/raw'), localPath: '/opt/ml/processing/input' }] }, 'ProcessingInputs[0].S3Input.S3Uri reads from bucket "weld-data-lake", which is neither the artifact bucket nor one of inputBuckets; add the bucket to inputBuckets'],
  ])('%s fails', (_title, extra, message) => {
    const f = fixture();
    expect(() => withSteps(f, [processing('Prep', [], extra as Partial<ProcessingStepProps>)])).toThrow(`- step "Prep" (Processing): ${message}`);
  });

  test('an input bucket makes its data readable', () => {
    const f = fixture();
    const lake = s3.Bucket.fromBucketName(f.stack, 'Lake', 'weld-data-lake');
    withSteps(f, [processing('Prep', [], { inputs: [{ inputName: 'raw', s3Uri: p('s3://weld-data-lake/raw'), localPath: '/opt/ml/processing/input' }] })], { inputBuckets: [lake] });
    expect(executionStatements(Template.fromStack(f.stack)).ReadTheInputData.Resource).toEqual(f.stack.resolve(lake.arnForObjects('*')));
  });

  test('model registration: the pipeline\'s group only, never approved by the pipeline', () => {
    const register = (group: string, status?: string) => new RegisterModelStep('Register', {
      modelPackageGroupName: p(group),
      containers: [{ image: p(CENTRAL_IMAGE), modelDataUrl: artifacts('models/model.tar.gz') }],
      supportedContentTypes: ['text/csv'],
      supportedResponseMimeTypes: ['application/json'],
      modelApprovalStatus: status ? p(status) : undefined,
    });
    expect(() => withSteps(fixture(), [register('other-group')])).toThrow('- step "Register" (RegisterModel): ModelPackageGroupName "other-group" is not the pipeline\'s model package group "weld-gun" (modelPackageGroupName)');
    expect(() => withSteps(fixture(), [register(GROUP, 'Approved')])).toThrow('- step "Register" (RegisterModel): ModelApprovalStatus is "Approved"; a model-build pipeline registers versions as "PendingManualApproval", and a person approves them');
    expect(() => withSteps(fixture(), [register(GROUP, 'PendingManualApproval')])).not.toThrow();
  });

  test('Lambda steps get lambda:InvokeFunction on their functions; unsupported step types fail', () => {
    const f = fixture();
    const fn = 'arn:aws:lambda:eu-central-1:222222222222:function:weld-notify';
    withSteps(f, [new LambdaStep('Notify', { functionArn: fn, inputs: { run: ExecutionVariable.PIPELINE_EXECUTION_ID } })]);
    expect(executionStatements(Template.fromStack(f.stack)).InvokeTheLambdaSteps).toEqual({ Sid: 'InvokeTheLambdaSteps', Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: fn });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mbp-'));
    const file = path.join(dir, 'emr.json');
    fs.writeFileSync(file, JSON.stringify({ Version: '2020-12-01', Steps: [{ Name: 'Spark', Type: 'EMR', Arguments: {} }] }));
    expect(() => build(fixture(), { definitionSource: PipelineDefinitionSource.fromJsonFile(file) }))
      .toThrow('- step "Spark" (EMR): ModelBuildPipeline does not support EMR steps');
  });

  test('placeholders: unknown ones and list placeholders inside strings fail', () => {
    const bad = (roleArn: string) => withSteps(fixture(), [processing('Prep', [], { roleArn: p(roleArn) })]);
    expect(() => bad('{{ModelBuildPipeline.Role}}')).toThrow('ModelBuildPipeline Test/Build: PipelineDefinition "weld-gun-build": unknown placeholder {{ModelBuildPipeline.Role}}; the placeholders are {{ModelBuildPipeline.RoleArn}}, {{ModelBuildPipeline.ArtifactBucketName}}, {{ModelBuildPipeline.KmsKeyArn}}, {{ModelBuildPipeline.SubnetIds}}, {{ModelBuildPipeline.SecurityGroupIds}}');
    expect(() => bad('arn:{{ModelBuildPipeline.SubnetIds}}')).toThrow('the placeholder {{ModelBuildPipeline.SubnetIds}} stands for a list of ids: write it as a whole element of a list');
  });
});

describe('ModelBuildPipeline: security exemptions', () => {
  const reason = 'ml.g5 instances encrypt their local NVMe storage in hardware; SageMaker refuses a VolumeKmsKeyId for them';

  test('an exemption lets a named step lack the setting, relaxes the condition of its job type only, and is recorded', () => {
    const f = fixture();
    const pipeline = withSteps(f, [training('Train', ['volumeKmsKeyId', 'enableNetworkIsolation']), processing('Prep')], {
      securityExemptions: {
        withoutVolumeEncryption: { stepNames: ['Train'], reason },
        withoutNetworkIsolation: { stepNames: ['Train'], reason: 'The training script downloads a pretrained tokenizer from the internal mirror at start-up' },
      },
    });
    const s = executionStatements(Template.fromStack(f.stack));
    // training: the volume key may be absent but, when given, must be the pipeline's; isolation is not required
    expect(s.CreateTrainingJobsSecurely.Condition.Null).toEqual({ 'sagemaker:VpcSubnets': 'false', 'sagemaker:VpcSecurityGroupIds': 'false', 'sagemaker:OutputKmsKeyArn': 'false' });
    expect(Object.keys(s.CreateTrainingJobsSecurely.Condition.ArnEqualsIfExists)).toEqual(['sagemaker:VolumeKmsKeyArn']);
    expect(s.CreateTrainingJobsSecurely.Condition.Bool).toEqual({ 'sagemaker:InterContainerTrafficEncryption': 'true' });
    // processing keeps every condition
    expect(s.CreateProcessingJobsSecurely.Condition.Bool).toEqual({ 'sagemaker:NetworkIsolation': 'true', 'sagemaker:InterContainerTrafficEncryption': 'true' });
    expect(s.CreateProcessingJobsSecurely.Condition.Null['sagemaker:VolumeKmsKeyArn']).toBe('false');
    // recorded in the metadata and as info
    const recorded = pipeline.node.metadata.filter((m) => m.type === '@vw/mlops-blueprint:security-exemption').map((m) => m.data);
    expect(recorded).toEqual([
      { rule: 'withoutVolumeEncryption', stepNames: ['Train'], reason },
      { rule: 'withoutNetworkIsolation', stepNames: ['Train'], reason: 'The training script downloads a pretrained tokenizer from the internal mirror at start-up' },
    ]);
    Annotations.fromStack(f.stack).hasInfo('/Test/Build', `securityExemptions.withoutVolumeEncryption exempts "Train": ${reason}`);
  });

  test.each([
    ['vpcConfig', 'withoutVpc', 'Null', 'sagemaker:VpcSubnets'],
    ['volumeKmsKeyId', 'withoutVolumeEncryption', 'Null', 'sagemaker:VolumeKmsKeyArn'],
    ['enableNetworkIsolation', 'withoutNetworkIsolation', 'Bool', 'sagemaker:NetworkIsolation'],
    ['enableInterContainerTrafficEncryption', 'withoutInterContainerEncryption', 'Bool', 'sagemaker:InterContainerTrafficEncryption'],
  ])('a processing step without %s passes with securityExemptions.%s, and the %s %s condition is dropped', (omit, rule, operator, key) => {
    const f = fixture();
    withSteps(f, [processing('Prep', [omit as keyof ProcessingStepProps])], { securityExemptions: { [rule]: { stepNames: ['Prep'], reason } } });
    const condition = executionStatements(Template.fromStack(f.stack)).CreateProcessingJobsSecurely.Condition;
    expect(condition[operator]?.[key]).toBeUndefined();
  });

  test('a training step without its output key passes with securityExemptions.withoutOutputEncryption; the key may be absent but not another one', () => {
    const f = fixture();
    withSteps(f, [training('Train', ['outputKmsKeyId'])], { securityExemptions: { withoutOutputEncryption: { stepNames: ['Train'], reason } } });
    const condition = executionStatements(Template.fromStack(f.stack)).CreateTrainingJobsSecurely.Condition;
    expect(condition.Null['sagemaker:OutputKmsKeyArn']).toBeUndefined();
    expect(condition.ArnEqualsIfExists).toEqual({ 'sagemaker:OutputKmsKeyArn': [f.stack.resolve(f.key.keyArn)] });
  });

  test('exemptions must be specific, name existing steps of the right type, and not be stale', () => {
    const steps = () => [training('Train', ['volumeKmsKeyId']), new TransformStep('Batch', {
      modelName: p('m'),
      inputS3Uri: artifacts('b'),
      outputPath: artifacts('o'),
      instanceType: p('ml.m5.large'),
      volumeKmsKeyId: p(PipelinePlaceholder.KMS_KEY_ARN),
      outputKmsKeyId: p(PipelinePlaceholder.KMS_KEY_ARN),
    })];
    const exempt = (securityExemptions: any) => withSteps(fixture(), steps(), { securityExemptions });
    expect(() => exempt({ withoutVolumeEncryption: { stepNames: ['Train'], reason: 'n/a' } }))
      .toThrow('ModelBuildPipeline: securityExemptions.withoutVolumeEncryption.reason "n/a" is not specific; say in at least 30 characters why the rule cannot apply to Train');
    expect(() => exempt({ withoutVolumeEncryption: { stepNames: [], reason } })).toThrow('securityExemptions.withoutVolumeEncryption.stepNames is empty');
    expect(() => exempt({ withoutVolumeEncryption: { stepNames: ['Train', 'Tran'], reason } }))
      .toThrow('securityExemptions.withoutVolumeEncryption names step "Tran", which the definition does not have; its steps are ["Train","Batch"]');
    expect(() => exempt({ withoutVolumeEncryption: { stepNames: ['Train'], reason }, withoutVpc: { stepNames: ['Batch'], reason } }))
      .toThrow('securityExemptions.withoutVpc names step "Batch", a Transform step, to which the rule does not apply; remove it from the exemption');
    expect(() => exempt({ withoutVolumeEncryption: { stepNames: ['Train', 'Batch'], reason } }))
      .toThrow('- step "Batch" (Transform): is exempted by securityExemptions.withoutVolumeEncryption but has the setting; remove the step from the exemption');
    expect(() => exempt({ withoutVolumeEncryption: { stepNames: ['Train'], reason } })).not.toThrow();
  });
});

describe('ModelBuildPipeline: bring your own JSON (SageMaker Python SDK)', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mbp-json-'));
  });
  const write = (name: string, content: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    return file;
  };
  const sampleText = () => fs.readFileSync(SAMPLE_JSON, 'utf8');

  /** sample.json with the golden account's role, key, network, bucket and group replaced by placeholders. */
  const secureSampleText = () => sampleText()
    .split('arn:aws:iam::111111111111:role/golden-pipeline-role').join(PipelinePlaceholder.ROLE_ARN)
    .split('arn:aws:kms:eu-central-1:111111111111:key/11111111-2222-3333-4444-555555555555').join(PipelinePlaceholder.KMS_KEY_ARN)
    .split('"subnet-0aaaaaaaaaaaaaaaa",').join('')
    .split('"subnet-0bbbbbbbbbbbbbbbb"').join(JSON.stringify(PipelinePlaceholder.SUBNET_IDS))
    .split('"sg-0ccccccccccccccccc"').join(JSON.stringify(PipelinePlaceholder.SECURITY_GROUP_IDS))
    .split('s3://golden-bucket/').join(`s3://${PipelinePlaceholder.ARTIFACT_BUCKET_NAME}/`);
  const goldenRepositories = ['arn:aws:ecr:eu-central-1:111111111111:repository/golden-sklearn', 'arn:aws:ecr:eu-central-1:111111111111:repository/golden-xgboost'];
  const byo = (file: string, props: Partial<ModelBuildPipelineProps> = {}) => build(fixture(), {
    pipelineName: 'golden-sample',
    definitionSource: PipelineDefinitionSource.fromJsonFile(file),
    modelPackageGroupName: 'golden-models',
    imageRepositoryArns: goldenRepositories,
    ...props,
  });

  test('sample.json as the SDK wrote it for another account fails, naming every setting that does not fit', () => {
    const message = errorOf(() => byo(SAMPLE_JSON, { modelPackageGroupName: GROUP, imageRepositoryArns: [CENTRAL_REPOSITORY] }));
    expect(message).toContain(`the pipeline definition (JSON file ${SAMPLE_JSON}) is not secure or does not fit the pipeline (29 problems):`);
    for (const expected of [
      '- step "Preprocess" (Processing): RoleArn "arn:aws:iam::111111111111:role/golden-pipeline-role" is not the pipeline\'s execution role',
      '- step "Preprocess" (Processing): ProcessingResources.ClusterConfig.VolumeKmsKeyId "arn:aws:kms:eu-central-1:111111111111:key/11111111-2222-3333-4444-555555555555" is not the pipeline\'s key',
      '- step "Train" (Training): VpcConfig.Subnets has "subnet-0aaaaaaaaaaaaaaaa", which is not a subnet of the pipeline',
      '- step "Train" (Training): VpcConfig.SecurityGroupIds has "sg-0ccccccccccccccccc", which is not a security group of the pipeline',
      '- step "Train" (Training): OutputDataConfig.S3OutputPath writes to bucket "golden-bucket"',
      '- step "Evaluate" (Processing): AppSpecification.ImageUri "111111111111.dkr.ecr.eu-central-1.amazonaws.com/golden-xgboost:1.7" is in repository 111111111111/golden-xgboost, which is not in imageRepositoryArns',
      '- step "RegisterModel" (RegisterModel): ModelPackageGroupName "golden-models" is not the pipeline\'s model package group "weld-gun"',
    ]) expect(message).toContain(expected);
  });

  test('sample.json without its VPC and volume key names exactly what is missing', () => {
    const json = JSON.parse(secureSampleText());
    delete json.Steps[0].Arguments.NetworkConfig.VpcConfig;
    delete json.Steps[1].Arguments.ResourceConfig.VolumeKmsKeyId;
    json.Steps[2].Arguments.NetworkConfig.EnableNetworkIsolation = false;
    const file = write('insecure.json', JSON.stringify(json));
    expect(() => byo(file)).toThrow([
      '(3 problems):',
      '- step "Preprocess" (Processing): NetworkConfig.VpcConfig.Subnets and NetworkConfig.VpcConfig.SecurityGroupIds are missing: the job would run outside the VPC; write ["{{ModelBuildPipeline.SubnetIds}}"] and ["{{ModelBuildPipeline.SecurityGroupIds}}"] (or exempt the step with securityExemptions.withoutVpc and a reason)',
      '- step "Train" (Training): ResourceConfig.VolumeKmsKeyId is missing: the ML storage volume is not encrypted with the pipeline\'s key; write {{ModelBuildPipeline.KmsKeyArn}} (or exempt the step with securityExemptions.withoutVolumeEncryption and a reason)',
      '- step "Evaluate" (Processing): NetworkConfig.EnableNetworkIsolation is false, not the literal true: the container could reach the network; set it to true (or exempt the step with securityExemptions.withoutNetworkIsolation and a reason)',
    ].join('\n'));
    // the same file with explicit exemptions passes
    expect(() => byo(file, {
      securityExemptions: {
        withoutVpc: { stepNames: ['Preprocess'], reason: 'Preprocessing reads a public reference data set over the internet (test only)' },
        withoutVolumeEncryption: { stepNames: ['Train'], reason: 'ml.g5 instances encrypt their local NVMe storage in hardware; SageMaker refuses a VolumeKmsKeyId' },
        withoutNetworkIsolation: { stepNames: ['Evaluate'], reason: 'The evaluation publishes its report to the internal metrics service' },
      },
    })).not.toThrow();
  });

  test('sample.json with the placeholders passes and renders with the pipeline\'s resources', () => {
    const file = write('secure.json', secureSampleText());
    const f = fixture();
    const pipeline = build(f, {
      pipelineName: 'golden-sample',
      definitionSource: PipelineDefinitionSource.fromJsonFile(file),
      modelPackageGroupName: 'golden-models',
      imageRepositoryArns: goldenRepositories,
    });
    const [, cfn] = only(Template.fromStack(f.stack), 'AWS::SageMaker::Pipeline');
    const expected = JSON.parse(secureSampleText()
      .split(PipelinePlaceholder.ROLE_ARN).join(pipeline.role.roleArn)
      .split(PipelinePlaceholder.KMS_KEY_ARN).join(f.key.keyArn)
      .split(PipelinePlaceholder.ARTIFACT_BUCKET_NAME).join(pipeline.artifactBucket.bucketName)
      .split(JSON.stringify(PipelinePlaceholder.SUBNET_IDS)).join(pipeline.subnetIds.map((s) => JSON.stringify(s)).join(','))
      .split(JSON.stringify(PipelinePlaceholder.SECURITY_GROUP_IDS)).join(JSON.stringify(pipeline.securityGroups[0].securityGroupId)));
    expect(cfn.Properties.PipelineDefinition.PipelineDefinitionBody).toEqual(f.stack.resolve(f.stack.toJsonString(expected)));
    expect(pipeline.parameterNames).toEqual(['InputDataUri', 'ProcessingInstanceCount', 'TrainingInstanceType', 'AccuracyThreshold', 'ModelApprovalStatus', 'EnableNetworkIsolation']);
  });

  test('files that are missing, not JSON or not a definition fail, naming the file', () => {
    expect(() => PipelineDefinitionSource.fromJsonFile(path.join(dir, 'nope.json'))).toThrow(/PipelineDefinitionSource.fromJsonFile: cannot read ".*nope.json" \(ENOENT/);
    const broken = write('broken.json', '{"Version": "2020-12-01", "Steps": [');
    expect(() => PipelineDefinitionSource.fromJsonFile(broken)).toThrow(`PipelineDefinitionSource.fromJsonFile: ${JSON.stringify(broken)} is not valid JSON (`);
    const list = write('list.json', '[1, 2]');
    expect(() => PipelineDefinitionSource.fromJsonFile(list)).toThrow(`PipelineDefinitionSource.fromJsonFile: ${JSON.stringify(list)} is JSON but not a SageMaker pipeline definition (an object with a "Steps" list)`);
    const version = write('version.json', '{"Version": "2019-01-01", "Steps": []}');
    expect(() => PipelineDefinitionSource.fromJsonFile(version)).toThrow(`${JSON.stringify(version)} has "Version": "2019-01-01"; SageMaker Pipelines reads definitions of version "2020-12-01"`);
    expect(PipelineDefinitionSource.fromJsonFile(SAMPLE_JSON).kind).toBe(PipelineDefinitionSourceKind.JSON_FILE);
  });
});

describe('ModelBuildPipeline: schedule', () => {
  test('an EventBridge Scheduler schedule, encrypted with the key, whose role may only start this pipeline', () => {
    const f = fixture();
    const pipeline = build(f, {
      schedule: { expression: 'cron(0 3 ? * MON-FRI *)', timeZone: TimeZone.EUROPE_BERLIN, pipelineParameters: { F1Threshold: '0.8' } },
    });
    expect(pipeline.schedule).toBeDefined();
    const t = Template.fromStack(f.stack);
    const [, schedule] = only(t, 'AWS::Scheduler::Schedule');
    expect(schedule.Properties).toEqual({
      Description: 'Scheduled executions of the SageMaker model-build pipeline weld-gun-build',
      FlexibleTimeWindow: { Mode: 'OFF' },
      KmsKeyArn: f.stack.resolve(f.key.keyArn),
      ScheduleExpression: 'cron(0 3 ? * MON-FRI *)',
      ScheduleExpressionTimezone: 'Europe/Berlin',
      State: 'ENABLED',
      Target: {
        Arn: `${SM}:pipeline/weld-gun-build`,
        RoleArn: { 'Fn::GetAtt': [only(t, 'AWS::IAM::Role', '^BuildScheduleRole')[0], 'Arn'] },
        RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 3 },
        SageMakerPipelineParameters: { PipelineParameterList: [{ Name: 'F1Threshold', Value: '0.8' }] },
      },
    });
    const [, role] = only(t, 'AWS::IAM::Role', '^BuildScheduleRole');
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([{
      Action: 'sts:AssumeRole',
      Effect: 'Allow',
      Principal: { Service: 'scheduler.amazonaws.com' },
      Condition: { StringEquals: { 'aws:SourceAccount': '222222222222', 'aws:SourceArn': 'arn:aws:scheduler:eu-central-1:222222222222:schedule-group/default' } },
    }]);
    expect(statementsOf(t, '^BuildScheduleRolePolicy')).toEqual([
      { Action: 'sagemaker:StartPipelineExecution', Effect: 'Allow', Resource: `${SM}:pipeline/weld-gun-build` },
      { Action: 'kms:Decrypt', Effect: 'Allow', Resource: f.stack.resolve(f.key.keyArn) },
    ]);
  });

  test.each([
    ['cron(0 3 * * MON *)', 'exactly one of day-of-month and day-of-week must be ? (e.g. cron(0 3 ? * MON *) or cron(0 3 1 * ? *))'],
    ['cron(0 3 ? * MON)', 'a cron expression has 6 fields (minutes hours day-of-month month day-of-week year), this one has 5'],
    ['cron(61 3 ? * MON *)', 'minutes "61" is not 0-59, a range, a list, * or a step'],
    ['cron(0 25 ? * MON *)', 'hours "25" is not 0-23, a range, a list, * or a step'],
    ['rate(1 days)', 'write rate(1 day) (singular for 1)'],
    ['rate(2 hour)', 'write rate(2 hours) (plural above 1)'],
    ['rate(5 seconds)', 'the unit "seconds" is not minute(s), hour(s) or day(s)'],
    ['0 3 * * *', 'write cron(minutes hours day-of-month month day-of-week year) or rate(value unit)'],
  ])('%s fails: %s', (expression, problem) => {
    expect(() => build(fixture(), { schedule: { expression } }))
      .toThrow(`ModelBuildPipeline: schedule.expression ${JSON.stringify(expression)} is not a valid schedule: ${problem}; e.g. 'cron(0 3 ? * MON-FRI *)' or 'rate(7 days)'`);
  });

  test.each(['rate(1 day)', 'rate(7 days)', 'cron(0/15 * ? * * *)', 'cron(0 3 1 * ? *)', 'cron(30 2 ? * 2#1 *)', 'cron(0 18 ? * MON-FRI 2027)'])('%s is accepted', (expression) => {
    expect(() => build(fixture(), { schedule: { expression } })).not.toThrow();
  });

  test('parameters the definition does not declare fail', () => {
    expect(() => build(fixture(), { schedule: { expression: 'rate(7 days)', pipelineParameters: { F1Treshold: '0.8' } } }))
      .toThrow('ModelBuildPipeline Test/Build: schedule.pipelineParameters sets "F1Treshold", which the definition does not declare; its parameters are ["InputDataUri","ProcessingInstanceType","TrainingInstanceType","F1Threshold"]');
  });
});

describe('ModelBuildPipeline: code-push trigger', () => {
  const trigger = { connectionArn: CONNECTION, owner: 'vw-mlops', repository: 'weld-gun-maintenance', branch: 'release', codeUpload: { sourcePath: 'ml/src' } };

  test('a CodePipeline V2: CodeConnections source, then a CodeBuild action that uploads the code and starts the pipeline', () => {
    const f = fixture();
    const pipeline = build(f, { codePushTrigger: { ...trigger, pipelineParameters: { TrainingInstanceType: 'ml.m5.xlarge' } } });
    expect(pipeline.codePipeline).toBeDefined();
    const t = Template.fromStack(f.stack);
    const [, cp] = only(t, 'AWS::CodePipeline::Pipeline');
    expect(cp.Properties.PipelineType).toBe('V2');
    expect(cp.Properties.ArtifactStore).toEqual({
      Location: { Ref: only(t, 'AWS::S3::Bucket', '^BuildTriggerArtifactsBucket')[0] },
      Type: 'S3',
      EncryptionKey: { Id: f.stack.resolve(f.key.keyArn), Type: 'KMS' },
    });
    expect(cp.Properties.Stages.map((s: any) => [s.Name, s.Actions.map((a: any) => [a.Name, a.ActionTypeId.Provider])])).toEqual([
      ['Source', [['Source', 'CodeStarSourceConnection']]],
      ['StartModelBuild', [['StartPipelineExecution', 'CodeBuild']]],
    ]);
    expect(cp.Properties.Stages[0].Actions[0].Configuration).toEqual({
      ConnectionArn: CONNECTION, FullRepositoryId: 'vw-mlops/weld-gun-maintenance', BranchName: 'release', DetectChanges: true,
    });
    expect(JSON.parse(cp.Properties.Stages[1].Actions[0].Configuration.EnvironmentVariables)).toEqual([
      { name: 'COMMIT_ID', type: 'PLAINTEXT', value: '#{SourceVariables.CommitId}' },
    ]);

    const [, project] = only(t, 'AWS::CodeBuild::Project');
    expect(project.Properties.EncryptionKey).toEqual(f.stack.resolve(f.key.keyArn));
    expect(project.Properties.LogsConfig.CloudWatchLogs.GroupName).toEqual({ Ref: only(t, 'AWS::Logs::LogGroup', '^BuildStartLogs')[0] });
    const env = Object.fromEntries(project.Properties.Environment.EnvironmentVariables.map((v: any) => [v.Name, v.Value]));
    expect(env).toEqual({
      PIPELINE_NAME: 'weld-gun-build',
      PIPELINE_PARAMETERS: '[{"Name":"TrainingInstanceType","Value":"ml.m5.xlarge"}]',
      REPOSITORY: 'vw-mlops/weld-gun-maintenance',
      ARTIFACT_BUCKET: { Ref: only(t, 'AWS::S3::Bucket', '^BuildArtifactsBucket')[0] },
      CODE_PREFIX: 'code',
      CODE_SOURCE_PATH: 'ml/src',
    });
    const spec = JSON.parse(project.Properties.Source.BuildSpec);
    expect(spec.phases.build.commands).toEqual([
      'set -euo pipefail',
      'test -d "$CODE_SOURCE_PATH" || { echo "codeUpload: $CODE_SOURCE_PATH is not a directory of the repository"; exit 1; }',
      'tar --exclude=__pycache__ -czf /tmp/sourcedir.tar.gz -C "$CODE_SOURCE_PATH" .',
      'aws s3 cp /tmp/sourcedir.tar.gz "s3://$ARTIFACT_BUCKET/$CODE_PREFIX/sourcedir.tar.gz"',
      'aws s3 cp "$CODE_SOURCE_PATH" "s3://$ARTIFACT_BUCKET/$CODE_PREFIX/" --recursive --exclude "*" --include "*.py" --exclude "*/__pycache__/*"',
      'ARGS=(--pipeline-name "$PIPELINE_NAME" --pipeline-execution-description "Commit $COMMIT_ID of $REPOSITORY")',
      'if [ "$PIPELINE_PARAMETERS" != "[]" ]; then ARGS+=(--pipeline-parameters "$PIPELINE_PARAMETERS"); fi',
      'aws sagemaker start-pipeline-execution "${ARGS[@]}"',
    ]);
    const logGroup = only(t, 'AWS::Logs::LogGroup', '^BuildStartLogs')[1];
    expect(logGroup.Properties.KmsKeyId).toEqual(f.stack.resolve(f.key.keyArn));
  });

  test('the build role: start this pipeline, write the code prefix, read its source artifact; no default CodeBuild log group', () => {
    const f = fixture();
    const pipeline = build(f, { codePushTrigger: trigger });
    const t = Template.fromStack(f.stack);
    const statements = statementsOf(t, '^BuildStartRolePolicy');
    const bucket = f.stack.resolve(pipeline.artifactBucket.bucketArn);
    expect(statements).toEqual(expect.arrayContaining([
      { Action: 'sagemaker:StartPipelineExecution', Effect: 'Allow', Resource: `${SM}:pipeline/weld-gun-build` },
      { Sid: 'UploadTheMlCode', Action: ['s3:PutObject', 's3:AbortMultipartUpload'], Effect: 'Allow', Resource: { 'Fn::Join': ['', [bucket, '/code/*']] } },
      { Sid: 'EncryptTheMlCode', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Effect: 'Allow', Resource: f.stack.resolve(f.key.keyArn) },
    ]));
    expect(JSON.stringify(statements)).not.toContain('/aws/codebuild/');
    const sagemakerActions = statements.flatMap((s: any) => [s.Action].flat()).filter((a: string) => a.startsWith('sagemaker:'));
    expect(sagemakerActions).toEqual(['sagemaker:StartPipelineExecution']);
    const pipelineRole = statementsOf(t, '^BuildTriggerRolePolicy');
    expect(pipelineRole).toEqual(expect.arrayContaining([
      { Sid: 'UseTheConnection', Action: 'codeconnections:UseConnection', Effect: 'Allow', Resource: CONNECTION },
      { Action: 'codestar-connections:UseConnection', Effect: 'Allow', Resource: CONNECTION },
    ]));
    t.resourceCountIs('AWS::IAM::Policy', 0);
  });

  test('without code upload the build only starts the pipeline, and its role cannot write the bucket', () => {
    const f = fixture();
    build(f, { codePushTrigger: { connectionArn: CONNECTION, owner: 'vw-mlops', repository: 'weld-gun-maintenance' } });
    const t = Template.fromStack(f.stack);
    const [, project] = only(t, 'AWS::CodeBuild::Project');
    expect(JSON.parse(project.Properties.Source.BuildSpec).phases.build.commands).toHaveLength(4);
    expect(statementsOf(t, '^BuildStartRolePolicy').find((s: any) => s.Sid === 'UploadTheMlCode')).toBeUndefined();
    expect(only(t, 'AWS::CodePipeline::Pipeline')[1].Properties.Stages[0].Actions[0].Configuration.BranchName).toBe('main');
  });

  test.each([
    [{ connectionArn: 'arn:aws:codestar:eu-central-1:222222222222:connection/abc' }, 'codePushTrigger.connectionArn "arn:aws:codestar:eu-central-1:222222222222:connection/abc" is not a connection ARN'],
    [{ owner: 'vw/mlops' }, 'codePushTrigger.owner "vw/mlops" is not a repository owner name'],
    [{ repository: 'weld gun' }, 'codePushTrigger.repository "weld gun" is not a repository repository name'],
    [{ branch: '' }, 'codePushTrigger.branch "" is not a branch name'],
    [{ codeUpload: { sourcePath: '../ml' } }, 'codePushTrigger.codeUpload.sourcePath "../ml" must be a directory inside the repository'],
    [{ codeUpload: { sourcePath: 'ml/src', s3Prefix: 'code/*' } }, 'codePushTrigger.codeUpload.s3Prefix is "code/*"; write a literal S3 key prefix without wildcards or spaces'],
    [{ pipelineParameters: { Threshold: '1' } }, 'codePushTrigger.pipelineParameters sets "Threshold", which the definition does not declare'],
  ])('%j fails', (overrides, message) => {
    expect(() => build(fixture(), { codePushTrigger: { ...trigger, ...overrides } as any })).toThrow(message);
  });
});

describe('ModelBuildPipeline: bad props', () => {
  test.each([
    [{ pipelineName: 'weld_gun' }, 'ModelBuildPipeline: pipelineName "weld_gun" is not a SageMaker pipeline name; write 1 to 256 letters, digits and hyphens'],
    [{ pipelineName: `w${'e'.repeat(256)}` }, 'is not a SageMaker pipeline name'],
    [{ modelPackageGroupName: 'weld gun' }, 'ModelBuildPipeline: modelPackageGroupName "weld gun" is not a literal model package group name'],
    [{ pipelineDescription: 'x'.repeat(3073) }, 'ModelBuildPipeline: pipelineDescription has 3073 characters; SageMaker allows at most 3072'],
    [{ imageRepositoryArns: ['333333333333.dkr.ecr.eu-central-1.amazonaws.com/mlops/weld-gun'] }, 'ModelBuildPipeline: imageRepositoryArns[0] "333333333333.dkr.ecr.eu-central-1.amazonaws.com/mlops/weld-gun" is not an ECR repository ARN'],
    [{ securityExemptions: { withoutEncryption: { stepNames: ['Train'], reason: 'x'.repeat(40) } } as any }, 'ModelBuildPipeline: securityExemptions.withoutEncryption is not a rule; use withoutVpc, withoutVolumeEncryption, withoutOutputEncryption, withoutNetworkIsolation, withoutInterContainerEncryption'],
  ])('%j', (overrides, message) => {
    const f = fixture();
    // a definition from S3, so that the builder's own name check does not answer first
    const definitionSource = PipelineDefinitionSource.fromS3(s3.Bucket.fromBucketName(f.stack, 'Defs', 'weld-gun-definitions'), 'weld-gun.json');
    expect(() => build(f, { definitionSource, ...overrides } as Partial<ModelBuildPipelineProps>)).toThrow(message);
  });

  test('a token pipeline name, 0 or 6 security groups, public subnets fail', () => {
    const f = fixture();
    const definitionSource = PipelineDefinitionSource.fromS3(s3.Bucket.fromBucketName(f.stack, 'Defs', 'weld-gun-definitions'), 'weld-gun.json');
    expect(() => build(f, { definitionSource, pipelineName: new CfnParameter(f.stack, 'Name').valueAsString }))
      .toThrow('ModelBuildPipeline: pipelineName must be a literal string');
    expect(() => build(fixture(), { securityGroups: [] })).toThrow('ModelBuildPipeline: securityGroups has 0 groups; SageMaker takes 1 to 5');
    const g = fixture();
    const six = [...Array(6).keys()].map((i) => ec2.SecurityGroup.fromSecurityGroupId(g.stack, `Sg${i}`, `sg-0${i}23456789abcdef0`));
    expect(() => build(g, { securityGroups: six })).toThrow('securityGroups has 6 groups');
    const { stack } = testStack('Public');
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, maxAzs: 1, subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC }] });
    expect(() => new ModelBuildPipeline(stack, 'Build', {
      pipelineName: NAME,
      definitionSource: PipelineDefinitionSource.fromDefinition(sampleDefinition()),
      permissionsBoundary: iam.ManagedPolicy.fromManagedPolicyArn(stack, 'B', BOUNDARY_ARN),
      encryptionKey: new kms.Key(stack, 'K'),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      modelPackageGroupName: GROUP,
    })).toThrow('ModelBuildPipeline: vpcSubnets selects public subnets; the jobs belong in private or isolated subnets');
  });

  test('a definition over SageMaker\'s 1 MB limit fails', () => {
    const big = processing('Prep', [], { environment: { PADDING: p('x'.repeat(1048576)) } });
    expect(() => withSteps(fixture(), [big])).toThrow(/the definition has about \d+ characters; SageMaker accepts at most 1048576: store it in S3/);
  });

  test('fromS3 with a key that is not an object key fails', () => {
    const f = fixture();
    expect(() => PipelineDefinitionSource.fromS3(s3.Bucket.fromBucketName(f.stack, 'D', 'defs'), '/pipelines/x.json'))
      .toThrow('PipelineDefinitionSource.fromS3: key "/pipelines/x.json" is not an S3 object key');
  });
});

describe('ModelBuildPipeline: compliance', () => {
  test('cdk-nag (AwsSolutions, NIST 800-53 r5, HIPAA) passes with specific acknowledgements only', () => {
    const f = fixture();
    build(f, {
      schedule: { expression: 'cron(0 3 ? * MON *)' },
      codePushTrigger: { connectionArn: CONNECTION, owner: 'vw-mlops', repository: 'weld-gun-maintenance', codeUpload: { sourcePath: 'ml/src' } },
    });
    const report = ComplianceCheck.assertCompliant(f.app);
    const ours = new Map<string, string>();
    for (const a of report.acknowledgements.filter((x) => x.constructPath.startsWith('Test/Build'))) ours.set(`${a.constructPath} ${a.ruleId}`, a.reason);
    const rules = [...new Set([...ours.keys()].map((k) => k.substring(k.lastIndexOf(' ') + 1).replace(/\[.*$/, '')))].sort();
    // IAM5 per wildcard finding, the self-referencing ingress, the pipeline-sourced build, and SecureBucket's own
    expect(rules).toEqual([
      'AwsSolutions-IAM5',
      'AwsSolutions-S1',
      'HIPAA.Security-CodeBuildProjectSourceRepoUrl',
      'HIPAA.Security-EC2RestrictedCommonPorts',
      'HIPAA.Security-S3BucketLoggingEnabled',
      'HIPAA.Security-S3BucketReplicationEnabled',
      'HIPAA.Security-S3DefaultEncryptionKMS',
      'NIST.800.53.R5-EC2RestrictedCommonPorts',
      'NIST.800.53.R5-S3BucketLoggingEnabled',
      'NIST.800.53.R5-S3BucketReplicationEnabled',
      'NIST.800.53.R5-S3DefaultEncryptionKMS',
    ]);
    if (process.env.PRINT_ACKS) console.log([...ours.entries()].map(([k, v]) => `${k}: ${v}`).join('\n'));
    // no blanket acknowledgement: every IAM5 names one action or resource
    for (const key of ours.keys()) {
      if (key.includes('AwsSolutions-IAM5')) expect(key).toMatch(/AwsSolutions-IAM5\[(Action|Resource)::[^\]]+\]$/);
    }
    expect([...ours.keys()].filter((k) => k.includes('IAM5[Resource::*]'))).toEqual([
      'Test/Build/DataAccessPolicy AwsSolutions-IAM5[Resource::*]',
    ]);
    for (const reason of ours.values()) expect(reason.length).toBeGreaterThanOrEqual(30);
  });

  test('also with input buckets, a definition in S3 and exemptions', () => {
    const f = fixture();
    const lake = s3.Bucket.fromBucketAttributes(f.stack, 'Lake', {
      bucketName: 'weld-data-lake',
      encryptionKey: kms.Key.fromKeyArn(f.stack, 'LakeKey', 'arn:aws:kms:eu-central-1:444444444444:key/99999999-8888-7777-6666-555555555555'),
    });
    build(f, {
      definitionSource: PipelineDefinitionSource.fromS3(s3.Bucket.fromBucketName(f.stack, 'Defs', 'weld-gun-definitions'), 'weld-gun.json'),
      inputBuckets: [lake],
      imageRepositoryArns: [CENTRAL_REPOSITORY, SKLEARN.repositoryArn],
      securityExemptions: { withoutVolumeEncryption: { stepNames: ['Train'], reason: 'ml.g5 instances encrypt their local NVMe storage in hardware' } },
    });
    expect(() => ComplianceCheck.assertCompliant(f.app)).not.toThrow();
  });

  test('also in a stack without a concrete account and region', () => {
    const app = new App();
    const stack = new Stack(app, 'Agnostic');
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, maxAzs: 2, subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    vpc.addFlowLog('FlowLog', { destination: ec2.FlowLogDestination.toS3(new SecureBucket(stack, 'FlowLogs', { encryptionKey: key }).bucket) });
    new ModelBuildPipeline(stack, 'Build', {
      pipelineName: NAME,
      definitionSource: PipelineDefinitionSource.fromDefinition(sampleDefinition()),
      permissionsBoundary: iam.ManagedPolicy.fromManagedPolicyArn(stack, 'Boundary', BOUNDARY_ARN),
      encryptionKey: key,
      vpc,
      modelPackageGroupName: GROUP,
      imageRepositoryArns: [SKLEARN.repositoryArn],
      schedule: { expression: 'rate(7 days)' },
      codePushTrigger: { connectionArn: CONNECTION, owner: 'vw-mlops', repository: 'weld-gun-maintenance' },
    });
    expect(() => ComplianceCheck.assertCompliant(app)).not.toThrow();
  });
});

describe('ModelBuildPipeline: a fixed artifact bucket name', () => {
  test('names the artifact bucket, so that other accounts can name it in their policies', () => {
    const f = fixture();
    build(f, { artifactBucketName: 'vwml-weld-gun-artifacts-222222222222' });
    Template.fromStack(f.stack).hasResourceProperties('AWS::S3::Bucket', { BucketName: 'vwml-weld-gun-artifacts-222222222222' });
  });

  test('refuses a name S3 would refuse', () => {
    expect(() => build(fixture(), { artifactBucketName: 'Weld_Gun' })).toThrow(/artifactBucketName "Weld_Gun" is not a valid S3 bucket name/);
  });
});
