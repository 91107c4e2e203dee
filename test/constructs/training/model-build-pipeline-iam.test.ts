/**
 * IAM policy simulation (test/helpers/iam-simulator.ts, @cloud-copilot/iam-simulate) of the
 * synthesized execution role of a ModelBuildPipeline: its own two policies, and those together with
 * the platform's guardrail policy and permissions boundary (SageMakerGuardrails).
 */
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import {
  ModelBuildPipeline, ModelBuildPipelineProps, PipelineDefinition, PipelineDefinitionSource, PipelinePlaceholder, PipelineValue,
  PredictiveMaintenancePipeline, ProcessingStep, SageMakerFrameworkImage, SageMakerGuardrails, TrainingStep,
} from '../../../src';
import { ContextValue, PolicyDocumentJson, TemplatePolicies, logicalIdOf, simulate, simulateWithDetails } from '../../helpers/iam-simulator';
import { TEST_ENV, testStack } from '../../helpers/stacks';

const ACCOUNT = TEST_ENV.account;
const SM = `arn:aws:sagemaker:eu-central-1:${ACCOUNT}`;
const TRAINING_JOB = `${SM}:training-job/pipelines-0p4m3x7gk5ph-train-kzzp9hnxas`;
const PROCESSING_JOB = `${SM}:processing-job/pipelines-0p4m3x7gk5ph-preprocess-t2rlqmz6zk`;
const OTHER_KEY_ARN = `arn:aws:kms:eu-central-1:${ACCOUNT}:key/99999999-8888-7777-6666-555555555555`;

interface Simulated {
  /** The execution role's own two policies. */
  readonly own: PolicyDocumentJson[];
  /** Every policy of the role: its own two, the guardrail policy, and the permissions boundary. */
  readonly role: { identityPolicies: PolicyDocumentJson[]; permissionBoundaryPolicies?: PolicyDocumentJson[] };
  /** The request context of a secure job request, with the template's (fake) subnet, group and key values. */
  readonly secure: Record<string, ContextValue>;
  readonly roleArn: string;
  readonly keyArn: string;
  readonly bucketName: string;
}

function sampleDefinition(): PipelineDefinition {
  return PredictiveMaintenancePipeline.definition({
    pipelineName: 'weld-gun-build',
    region: 'eu-central-1',
    roleArn: PipelinePlaceholder.ROLE_ARN,
    bucketName: PipelinePlaceholder.ARTIFACT_BUCKET_NAME,
    kmsKeyArn: PipelinePlaceholder.KMS_KEY_ARN,
    subnetIds: [PipelinePlaceholder.SUBNET_IDS],
    securityGroupIds: [PipelinePlaceholder.SECURITY_GROUP_IDS],
    modelPackageGroupName: 'weld-gun',
  });
}

/** A pipeline under the platform's guardrails, and its policies resolved for the simulator. */
function simulated(props: Partial<ModelBuildPipelineProps> = {}): Simulated {
  const { stack } = testStack();
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    natGateways: 0,
    maxAzs: 2,
    subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
  const guardrails = new SageMakerGuardrails(stack, 'Guardrails');
  const pipeline = new ModelBuildPipeline(stack, 'Build', {
    pipelineName: 'weld-gun-build',
    definitionSource: PipelineDefinitionSource.fromDefinition(sampleDefinition()),
    permissionsBoundary: guardrails.permissionsBoundary,
    guardrailPolicy: guardrails.guardrailPolicy,
    encryptionKey: key,
    vpc,
    modelPackageGroupName: 'weld-gun',
    imageRepositoryArns: [SageMakerFrameworkImage.sklearn('eu-central-1').repositoryArn],
    ...props,
  });
  const policies = TemplatePolicies.fromStack(stack);
  const keyArn = policies.getAttOf(logicalIdOf(key), 'Arn');
  return {
    own: [policies.policyDocument(logicalIdOf(pipeline.executionPolicy)), policies.policyDocument(logicalIdOf(pipeline.dataAccessPolicy))],
    role: policies.rolePolicies(logicalIdOf(pipeline.role)),
    secure: {
      'sagemaker:VpcSubnets': vpc.isolatedSubnets.map((s) => policies.refOf(logicalIdOf(s.node.defaultChild as any))),
      'sagemaker:VpcSecurityGroupIds': [policies.getAttOf(logicalIdOf(pipeline.securityGroups[0] as ec2.SecurityGroup), 'GroupId')],
      'sagemaker:VolumeKmsKeyArn': keyArn,
      'sagemaker:OutputKmsKeyArn': keyArn,
      'sagemaker:NetworkIsolation': true,
      'sagemaker:InterContainerTrafficEncryption': true,
      'sagemaker:InstanceTypes': ['ml.m5.large'],
    },
    roleArn: policies.getAttOf(logicalIdOf(pipeline.role), 'Arn'),
    keyArn,
    bucketName: policies.refOf(logicalIdOf(pipeline.artifactBucket)),
  };
}

const without = (context: Record<string, ContextValue>, key: string) => ({ ...context, [key]: undefined });

describe('ModelBuildPipeline under the platform guardrails (boundary + guardrail policy)', () => {
  const s = simulated();
  const asRole = (action: string, resource: string, context: Record<string, ContextValue>) =>
    simulateWithDetails({ ...s.role, principal: s.roleArn, action, resource, context });

  test('the role is bounded by the boundary and carries the guardrail policy besides its own two', () => {
    expect(s.role.identityPolicies).toHaveLength(3);
    expect(s.role.permissionBoundaryPolicies).toHaveLength(1);
  });

  test.each([
    ['sagemaker:CreateTrainingJob', TRAINING_JOB],
    ['sagemaker:CreateProcessingJob', PROCESSING_JOB],
  ])('%s: allowed with VPC subnets and the volume key (and the other secure settings)', async (action, resource) => {
    expect((await asRole(action, resource, s.secure)).decision).toBe('Allowed');
  });

  test.each([
    ['sagemaker:CreateTrainingJob', TRAINING_JOB],
    ['sagemaker:CreateProcessingJob', PROCESSING_JOB],
  ])('%s: explicitly denied without VPC subnets (the guardrail policy and the boundary)', async (action, resource) => {
    const result = await asRole(action, resource, without(s.secure, 'sagemaker:VpcSubnets'));
    expect(result.decision).toBe('ExplicitlyDenied');
    expect(result.explicitDenials).toEqual(expect.arrayContaining([
      expect.objectContaining({ policyType: 'identity', sid: 'NoVpcSubnets' }),
      expect.objectContaining({ policyType: 'pb', sid: 'NoVpcSubnets' }),
    ]));
  });

  test.each([
    ['sagemaker:CreateTrainingJob', TRAINING_JOB],
    ['sagemaker:CreateProcessingJob', PROCESSING_JOB],
  ])('%s: explicitly denied without the volume KMS key (the guardrail policy and the boundary)', async (action, resource) => {
    const result = await asRole(action, resource, without(s.secure, 'sagemaker:VolumeKmsKeyArn'));
    expect(result.decision).toBe('ExplicitlyDenied');
    expect(result.explicitDenials).toEqual(expect.arrayContaining([
      expect.objectContaining({ policyType: 'identity', sid: 'NoVolumeKmsKey' }),
      expect.objectContaining({ policyType: 'pb', sid: 'NoVolumeKmsKey' }),
    ]));
  });

  test('denied without network isolation, inter-container encryption or the output key', async () => {
    for (const key of ['sagemaker:NetworkIsolation', 'sagemaker:InterContainerTrafficEncryption'] as const) {
      expect((await asRole('sagemaker:CreateTrainingJob', TRAINING_JOB, { ...s.secure, [key]: false })).decision).toBe('ExplicitlyDenied');
    }
    expect((await asRole('sagemaker:CreateTrainingJob', TRAINING_JOB, without(s.secure, 'sagemaker:OutputKmsKeyArn'))).decision).toBe('ExplicitlyDenied');
  });
});

describe('ModelBuildPipeline: the execution role\'s own policies, simulated alone', () => {
  const s = simulated();
  const own = (action: string, resource: string, context: Record<string, ContextValue> = {}) =>
    simulate({ identityPolicies: s.own, principal: s.roleArn, action, resource, context });

  test.each([
    ['sagemaker:CreateTrainingJob', TRAINING_JOB],
    ['sagemaker:CreateProcessingJob', PROCESSING_JOB],
  ])('%s: allowed only in the pipeline\'s subnets with its key, isolated and encrypted', async (action, resource) => {
    expect(await own(action, resource, s.secure)).toBe('Allowed');
    expect(await own(action, resource, without(s.secure, 'sagemaker:VpcSubnets'))).toBe('ImplicitlyDenied');
    expect(await own(action, resource, without(s.secure, 'sagemaker:VpcSecurityGroupIds'))).toBe('ImplicitlyDenied');
    expect(await own(action, resource, without(s.secure, 'sagemaker:VolumeKmsKeyArn'))).toBe('ImplicitlyDenied');
    expect(await own(action, resource, { ...s.secure, 'sagemaker:VpcSubnets': ['subnet-0ffffffffffffffff'] })).toBe('ImplicitlyDenied');
    expect(await own(action, resource, { ...s.secure, 'sagemaker:VolumeKmsKeyArn': OTHER_KEY_ARN })).toBe('ImplicitlyDenied');
    expect(await own(action, resource, { ...s.secure, 'sagemaker:OutputKmsKeyArn': OTHER_KEY_ARN })).toBe('ImplicitlyDenied');
    expect(await own(action, resource, { ...s.secure, 'sagemaker:NetworkIsolation': false })).toBe('ImplicitlyDenied');
    expect(await own(action, resource, without(s.secure, 'sagemaker:InterContainerTrafficEncryption'))).toBe('ImplicitlyDenied');
  });

  test('training needs the output key; a processing job without outputs has none to give', async () => {
    expect(await own('sagemaker:CreateTrainingJob', TRAINING_JOB, without(s.secure, 'sagemaker:OutputKmsKeyArn'))).toBe('ImplicitlyDenied');
    expect(await own('sagemaker:CreateProcessingJob', PROCESSING_JOB, without(s.secure, 'sagemaker:OutputKmsKeyArn'))).toBe('Allowed');
  });

  test('jobs outside the Pipelines naming and job types the definition does not use are denied', async () => {
    expect(await own('sagemaker:CreateTrainingJob', `${SM}:training-job/my-own-job`, s.secure)).toBe('ImplicitlyDenied');
    expect(await own('sagemaker:CreateTransformJob', `${SM}:transform-job/pipelines-0p4m3x7gk5ph-batch-kzzp9hnxas`, {
      'sagemaker:VolumeKmsKeyArn': s.keyArn, 'sagemaker:OutputKmsKeyArn': s.keyArn,
    })).toBe('ImplicitlyDenied');
  });

  test('model versions: the group only, PendingManualApproval only', async () => {
    const version = `${SM}:model-package/weld-gun/7`;
    expect(await own('sagemaker:CreateModelPackage', version, { 'sagemaker:ModelApprovalStatus': 'PendingManualApproval' })).toBe('Allowed');
    expect(await own('sagemaker:CreateModelPackage', version)).toBe('Allowed');
    expect(await own('sagemaker:CreateModelPackage', version, { 'sagemaker:ModelApprovalStatus': 'Approved' })).toBe('ImplicitlyDenied');
    expect(await own('sagemaker:CreateModelPackage', `${SM}:model-package/other/1`)).toBe('ImplicitlyDenied');
  });

  test('PassRole: only this role, only to SageMaker', async () => {
    expect(await own('iam:PassRole', s.roleArn, { 'iam:PassedToService': 'sagemaker.amazonaws.com' })).toBe('Allowed');
    expect(await own('iam:PassRole', s.roleArn, { 'iam:PassedToService': 'lambda.amazonaws.com' })).toBe('ImplicitlyDenied');
    expect(await own('iam:PassRole', `arn:aws:iam::${ACCOUNT}:role/admin`, { 'iam:PassedToService': 'sagemaker.amazonaws.com' })).toBe('ImplicitlyDenied');
  });

  test('artifacts are written and read, never deleted', async () => {
    const object = `arn:aws:s3:::${s.bucketName}/runs/x/model.tar.gz`;
    expect(await own('s3:PutObject', object)).toBe('Allowed');
    expect(await own('s3:GetObject', object)).toBe('Allowed');
    expect(await own('s3:DeleteObject', object)).toBe('ImplicitlyDenied');
  });

  test('an exemption relaxes only its own rule, for its own job type', async () => {
    const exempted = simulated({
      securityExemptions: { withoutVolumeEncryption: { stepNames: ['Train'], reason: 'ml.g5 instances encrypt their local NVMe storage in hardware' } },
      definitionSource: PipelineDefinitionSource.fromDefinition(definitionWithoutTrainingVolumeKey()),
    });
    const check = (action: string, resource: string, context: Record<string, ContextValue>) =>
      simulate({ identityPolicies: exempted.own, principal: exempted.roleArn, action, resource, context });
    expect(await check('sagemaker:CreateTrainingJob', TRAINING_JOB, without(exempted.secure, 'sagemaker:VolumeKmsKeyArn'))).toBe('Allowed');
    expect(await check('sagemaker:CreateTrainingJob', TRAINING_JOB, { ...exempted.secure, 'sagemaker:VolumeKmsKeyArn': OTHER_KEY_ARN })).toBe('ImplicitlyDenied');
    expect(await check('sagemaker:CreateTrainingJob', TRAINING_JOB, without(exempted.secure, 'sagemaker:VpcSubnets'))).toBe('ImplicitlyDenied');
    expect(await check('sagemaker:CreateProcessingJob', PROCESSING_JOB, without(exempted.secure, 'sagemaker:VolumeKmsKeyArn'))).toBe('ImplicitlyDenied');
    // under the guardrails, only instance types with hardware-encrypted local storage may lack the volume key
    const underGuardrails = (instanceType: string) => simulate({
      ...exempted.role,
      principal: exempted.roleArn,
      action: 'sagemaker:CreateTrainingJob',
      resource: TRAINING_JOB,
      context: { ...without(exempted.secure, 'sagemaker:VolumeKmsKeyArn'), 'sagemaker:InstanceTypes': [instanceType] },
    });
    expect(await underGuardrails('ml.g5.xlarge')).toBe('Allowed');
    expect(await underGuardrails('ml.m5.large')).toBe('ExplicitlyDenied');
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
