/**
 * IAM policy simulation (@cloud-copilot/iam-simulate) of the execution role's own policies: the
 * conditions, not only their text, keep jobs in the VPC and encrypted. The boundary and guardrail
 * policies of the platform are imported by ARN here and are simulated with the security concern's
 * helper (test/helpers/iam-simulator.ts) once it exists.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import {
  ModelBuildPipeline, ModelBuildPipelineProps, PipelineDefinition, PipelineDefinitionSource, PipelinePlaceholder, PipelineValue,
  PredictiveMaintenancePipeline, ProcessingStep, SageMakerFrameworkImage, TrainingStep,
} from '../../../src';
import { testStack } from '../../helpers/stacks';

const ACCOUNT = '222222222222';
const KEY_ARN = `arn:aws:kms:eu-central-1:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`;
const OTHER_KEY_ARN = `arn:aws:kms:eu-central-1:${ACCOUNT}:key/99999999-8888-7777-6666-555555555555`;
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/weld-gun-build-execution`;
const SUBNETS = ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'];
const SECURITY_GROUP = 'sg-0cccccccccccccccc';

/** The two policies of the execution role, with every CloudFormation reference replaced by a concrete value. */
function executionPolicies(props: Partial<ModelBuildPipelineProps> = {}): any[] {
  const { stack } = testStack();
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0dddddddddddddddd',
    availabilityZones: ['eu-central-1a', 'eu-central-1b'],
    isolatedSubnetIds: SUBNETS,
  });
  const pipeline = new ModelBuildPipeline(stack, 'Build', {
    pipelineName: 'weld-gun-build',
    definitionSource: PipelineDefinitionSource.fromDefinition(PredictiveMaintenancePipeline.definition({
      pipelineName: 'weld-gun-build',
      region: 'eu-central-1',
      roleArn: PipelinePlaceholder.ROLE_ARN,
      bucketName: PipelinePlaceholder.ARTIFACT_BUCKET_NAME,
      kmsKeyArn: PipelinePlaceholder.KMS_KEY_ARN,
      subnetIds: [PipelinePlaceholder.SUBNET_IDS],
      securityGroupIds: [PipelinePlaceholder.SECURITY_GROUP_IDS],
      modelPackageGroupName: 'weld-gun',
    })),
    permissionsBoundary: iam.ManagedPolicy.fromManagedPolicyArn(stack, 'Boundary', `arn:aws:iam::${ACCOUNT}:policy/boundary`),
    encryptionKey: kms.Key.fromKeyArn(stack, 'Key', KEY_ARN),
    vpc,
    securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(stack, 'Sg', SECURITY_GROUP)],
    modelPackageGroupName: 'weld-gun',
    imageRepositoryArns: [SageMakerFrameworkImage.sklearn('eu-central-1').repositoryArn],
    ...props,
  });
  const t = Template.fromStack(stack);
  const values: Record<string, string> = {
    [stack.getLogicalId(pipeline.role.node.defaultChild as iam.CfnRole)]: ROLE_ARN,
    [stack.getLogicalId(pipeline.artifactBucket.node.defaultChild as any)]: 'weld-gun-build-artifacts',
  };
  const resolve = (x: any): any => {
    if (Array.isArray(x)) return x.map(resolve);
    if (x && typeof x === 'object') {
      if (x.Ref) return x.Ref === 'AWS::Partition' ? 'aws' : values[x.Ref];
      if (x['Fn::GetAtt']) {
        const [id, attr] = x['Fn::GetAtt'];
        if (attr === 'Arn' && values[id]?.startsWith('arn:')) return values[id];
        if (attr === 'Arn') return `arn:aws:s3:::${values[id]}`;
        throw new Error(`unexpected ${JSON.stringify(x)}`);
      }
      if (x['Fn::Join']) return (x['Fn::Join'][1] as any[]).map(resolve).join(x['Fn::Join'][0]);
      return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, resolve(v)]));
    }
    return x;
  };
  return Object.entries(t.findResources('AWS::IAM::ManagedPolicy'))
    .filter(([id]) => /^Build(ExecutionPolicy|DataAccessPolicy)/.test(id))
    .map(([, p]) => resolve(p.Properties.PolicyDocument));
}

async function decide(policies: any[], action: string, resource: string, context: Record<string, string | string[]>): Promise<string> {
  const response = await runSimulation({
    request: { principal: ROLE_ARN, action, resource: { resource, accountId: ACCOUNT }, contextVariables: context },
    identityPolicies: policies.map((policy, i) => ({ name: `policy${i}`, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
  }, {});
  if (response.resultType === 'error') throw new Error(JSON.stringify(response.errors));
  return response.overallResult;
}

const TRAINING_JOB = `arn:aws:sagemaker:eu-central-1:${ACCOUNT}:training-job/pipelines-0p4m3x7gk5ph-train-kzzp9hnxas`;
const PROCESSING_JOB = `arn:aws:sagemaker:eu-central-1:${ACCOUNT}:processing-job/pipelines-0p4m3x7gk5ph-preprocess-t2rlqmz6zk`;

/** What SageMaker puts in the request context of a secure job request. */
const secure: Record<string, string | string[]> = {
  'sagemaker:VpcSubnets': SUBNETS,
  'sagemaker:VpcSecurityGroupIds': [SECURITY_GROUP],
  'sagemaker:VolumeKmsKeyArn': KEY_ARN,
  'sagemaker:OutputKmsKeyArn': KEY_ARN,
  'sagemaker:NetworkIsolation': 'true',
  'sagemaker:InterContainerTrafficEncryption': 'true',
};
const without = (key: string) => Object.fromEntries(Object.entries(secure).filter(([k]) => k !== key));

describe('ModelBuildPipeline: IAM simulation of the execution role\'s policies', () => {
  const policies = executionPolicies();

  test.each([
    ['sagemaker:CreateTrainingJob', TRAINING_JOB],
    ['sagemaker:CreateProcessingJob', PROCESSING_JOB],
  ])('%s: allowed in the VPC with the key, network isolation and inter-container encryption', async (action, resource) => {
    expect(await decide(policies, action, resource, secure)).toBe('Allowed');
  });

  test.each([
    ['sagemaker:CreateTrainingJob', TRAINING_JOB],
    ['sagemaker:CreateProcessingJob', PROCESSING_JOB],
  ])('%s: denied without subnets, security groups or the volume key, or with other ones', async (action, resource) => {
    expect(await decide(policies, action, resource, without('sagemaker:VpcSubnets'))).toBe('ImplicitlyDenied');
    expect(await decide(policies, action, resource, without('sagemaker:VpcSecurityGroupIds'))).toBe('ImplicitlyDenied');
    expect(await decide(policies, action, resource, without('sagemaker:VolumeKmsKeyArn'))).toBe('ImplicitlyDenied');
    expect(await decide(policies, action, resource, { ...secure, 'sagemaker:VpcSubnets': [SUBNETS[0], 'subnet-0ffffffffffffffff'] })).toBe('ImplicitlyDenied');
    expect(await decide(policies, action, resource, { ...secure, 'sagemaker:VolumeKmsKeyArn': OTHER_KEY_ARN })).toBe('ImplicitlyDenied');
    expect(await decide(policies, action, resource, { ...secure, 'sagemaker:OutputKmsKeyArn': OTHER_KEY_ARN })).toBe('ImplicitlyDenied');
    expect(await decide(policies, action, resource, { ...secure, 'sagemaker:NetworkIsolation': 'false' })).toBe('ImplicitlyDenied');
    expect(await decide(policies, action, resource, without('sagemaker:InterContainerTrafficEncryption'))).toBe('ImplicitlyDenied');
  });

  test('training needs the output key; a processing job without outputs has none to give', async () => {
    expect(await decide(policies, 'sagemaker:CreateTrainingJob', TRAINING_JOB, without('sagemaker:OutputKmsKeyArn'))).toBe('ImplicitlyDenied');
    expect(await decide(policies, 'sagemaker:CreateProcessingJob', PROCESSING_JOB, without('sagemaker:OutputKmsKeyArn'))).toBe('Allowed');
  });

  test('jobs outside the Pipelines naming and job types the definition does not use are denied', async () => {
    expect(await decide(policies, 'sagemaker:CreateTrainingJob', `arn:aws:sagemaker:eu-central-1:${ACCOUNT}:training-job/my-own-job`, secure)).toBe('ImplicitlyDenied');
    expect(await decide(policies, 'sagemaker:CreateTransformJob', `arn:aws:sagemaker:eu-central-1:${ACCOUNT}:transform-job/pipelines-0p4m3x7gk5ph-batch-kzzp9hnxas`, {
      'sagemaker:VolumeKmsKeyArn': KEY_ARN, 'sagemaker:OutputKmsKeyArn': KEY_ARN,
    })).toBe('ImplicitlyDenied');
  });

  test('model versions: the group only, PendingManualApproval only', async () => {
    const version = `arn:aws:sagemaker:eu-central-1:${ACCOUNT}:model-package/weld-gun/7`;
    expect(await decide(policies, 'sagemaker:CreateModelPackage', version, { 'sagemaker:ModelApprovalStatus': 'PendingManualApproval' })).toBe('Allowed');
    expect(await decide(policies, 'sagemaker:CreateModelPackage', version, {})).toBe('Allowed');
    expect(await decide(policies, 'sagemaker:CreateModelPackage', version, { 'sagemaker:ModelApprovalStatus': 'Approved' })).toBe('ImplicitlyDenied');
    expect(await decide(policies, 'sagemaker:CreateModelPackage', `arn:aws:sagemaker:eu-central-1:${ACCOUNT}:model-package/other/1`, {})).toBe('ImplicitlyDenied');
  });

  test('PassRole: only this role, only to SageMaker', async () => {
    expect(await decide(policies, 'iam:PassRole', ROLE_ARN, { 'iam:PassedToService': 'sagemaker.amazonaws.com' })).toBe('Allowed');
    expect(await decide(policies, 'iam:PassRole', ROLE_ARN, { 'iam:PassedToService': 'lambda.amazonaws.com' })).toBe('ImplicitlyDenied');
    expect(await decide(policies, 'iam:PassRole', `arn:aws:iam::${ACCOUNT}:role/admin`, { 'iam:PassedToService': 'sagemaker.amazonaws.com' })).toBe('ImplicitlyDenied');
  });

  test('artifacts are never deleted', async () => {
    expect(await decide(policies, 's3:PutObject', 'arn:aws:s3:::weld-gun-build-artifacts/runs/x/model.tar.gz', {})).toBe('Allowed');
    expect(await decide(policies, 's3:DeleteObject', 'arn:aws:s3:::weld-gun-build-artifacts/runs/x/model.tar.gz', {})).toBe('ImplicitlyDenied');
  });

  test('an exemption relaxes only its own rule for its job type', async () => {
    const exempted = executionPolicies({
      securityExemptions: { withoutVolumeEncryption: { stepNames: ['Train'], reason: 'ml.g5 instances encrypt their local NVMe storage in hardware' } },
      definitionSource: PipelineDefinitionSource.fromDefinition(definitionWithoutTrainingVolumeKey()),
    });
    expect(await decide(exempted, 'sagemaker:CreateTrainingJob', TRAINING_JOB, without('sagemaker:VolumeKmsKeyArn'))).toBe('Allowed');
    expect(await decide(exempted, 'sagemaker:CreateTrainingJob', TRAINING_JOB, { ...secure, 'sagemaker:VolumeKmsKeyArn': OTHER_KEY_ARN })).toBe('ImplicitlyDenied');
    expect(await decide(exempted, 'sagemaker:CreateTrainingJob', TRAINING_JOB, without('sagemaker:VpcSubnets'))).toBe('ImplicitlyDenied');
    expect(await decide(exempted, 'sagemaker:CreateProcessingJob', PROCESSING_JOB, without('sagemaker:VolumeKmsKeyArn'))).toBe('ImplicitlyDenied');
  });
});

/** A processing step and a training step without its volume key, otherwise secure. */
function definitionWithoutTrainingVolumeKey(): PipelineDefinition {
  const v = (x: string) => PipelineValue.fromString(x);
  const network = {
    vpcConfig: { subnets: [PipelinePlaceholder.SUBNET_IDS], securityGroupIds: [PipelinePlaceholder.SECURITY_GROUP_IDS] },
    enableNetworkIsolation: true,
    enableInterContainerTrafficEncryption: true,
  };
  const image = v(SageMakerFrameworkImage.sklearn('eu-central-1').imageUri);
  const prep = new ProcessingStep('Prep', {
    roleArn: v(PipelinePlaceholder.ROLE_ARN),
    imageUri: image,
    instanceType: v('ml.m5.large'),
    ...network,
    volumeKmsKeyId: v(PipelinePlaceholder.KMS_KEY_ARN),
    outputKmsKeyId: v(PipelinePlaceholder.KMS_KEY_ARN),
    code: { s3Uri: `s3://${PipelinePlaceholder.ARTIFACT_BUCKET_NAME}/code/prep.py` },
    outputs: [{ outputName: 'train', s3Uri: v(`s3://${PipelinePlaceholder.ARTIFACT_BUCKET_NAME}/runs/train`), localPath: '/opt/ml/processing/train' }],
  });
  const train = new TrainingStep('Train', {
    roleArn: v(PipelinePlaceholder.ROLE_ARN),
    trainingImage: image,
    instanceType: v('ml.g5.xlarge'),
    ...network,
    outputKmsKeyId: v(PipelinePlaceholder.KMS_KEY_ARN),
    outputPath: v(`s3://${PipelinePlaceholder.ARTIFACT_BUCKET_NAME}/models`),
    inputs: [{ channelName: 'train', s3Uri: prep.outputS3Uri('train') }],
  });
  return new PipelineDefinition({ pipelineName: 'weld-gun-build', steps: [prep, train] });
}
