/**
 * The flow engine itself: each kind of check denies when the template element it relies on is gone
 * (so a passing flow proves something), and the building blocks behave as AWS does.
 */
import { readFlowStacks } from './engine/assembly';
import { evaluateRequest, expand } from './engine/evaluate';
import { flowModel } from './engine/jest-flow';
import { buildFlowModel, FlowModel } from './engine/model';
import { withoutElement } from './engine/mutate';
import { cidrContains } from './engine/network';
import { MODEL_BUILD } from './flows/model-build';
import { servingFlow } from './flows/serving';
import { STUDIO } from './flows/studio';
import { runMutation } from './mutation';

const step = (flow: { requests: any[] }, name: string) => {
  const r = flow.requests.find((x) => x.step === name);
  if (!r) throw new Error(`no step ${name}`);
  return r;
};

let model: FlowModel;
beforeAll(async () => {
  model = await flowModel();
}, 300_000);

function mutated(id: (m: FlowModel) => string): FlowModel {
  return buildFlowModel(withoutElement(readFlowStacks(), id(model)));
}

test('a read through the S3 gateway endpoint needs the HTTPS egress rule of the job security group', async () => {
  const request = step(MODEL_BUILD, 'preprocess: job reads the raw data');
  expect((await evaluateRequest(model, request)).allowed).toBe(true);
  const without = mutated((m) => `WeldGunTraining|${m.logicalId('WeldGunTraining', 'JobSecurityGroup')}|SecurityGroupEgress.1`);
  const result = await evaluateRequest(without, request);
  expect(result.failure).toMatchObject({ stage: 'network', why: 'egress of WeldGunTraining/JobSecurityGroup has no HTTPS rule to the s3 prefix list' });
});

test('an SSE-KMS read needs the key policy (the root statement that delegates to IAM)', async () => {
  const request = step(MODEL_BUILD, 'preprocess: job reads the raw data');
  const without = mutated((m) => `WeldGunTraining|${m.logicalId('WeldGunTraining', 'ArtifactKey')}|KeyPolicy#1`);
  const result = await evaluateRequest(without, request);
  expect(result.failure?.stage).toBe('kms');
  expect(result.failure?.why).toContain('ImplicitlyDenied by resource');
});

test('a call to an interface endpoint needs the endpoint security group to let the caller in', async () => {
  const request = step(STUDIO, 'notebook: the app role starts a training job in the VPC');
  expect((await evaluateRequest(model, request)).allowed).toBe(true);
  const without = mutated((m) => `PlatformExp|${m.logicalId('PlatformExp', 'NetworkEndpointSecurityGroup')}|SecurityGroupIngress.0`);
  const result = await evaluateRequest(without, request);
  expect(result.failure).toMatchObject({ stage: 'network', why: 'the security groups of the sagemaker.api endpoint let no HTTPS in from PlatformExp/StudioSecurityGroup' });
});

test('a cross-account read needs the resource policy of the other account', async () => {
  const request = step(servingFlow('DEV'), 'endpoint: SageMaker reads the model artifact from EXP');
  const without = mutated((m) => `WeldGunTraining|${m.logicalId('WeldGunTraining', 'BuildPipelineArtifactsBucketPolicy')}|PolicyDocument#4`);
  const result = await evaluateRequest(without, request);
  expect(result.failure).toMatchObject({ stage: 'iam', why: 'ImplicitlyDenied by resource' });
});

test('stage stacks that share logical ids get distinct generated names and ids', () => {
  const dev = expand(model, '${WeldGunServingDev/BatchInferenceInputBucket.Ref}');
  const prod = expand(model, '${WeldGunServingProd/BatchInferenceInputBucket.Ref}');
  expect(dev).not.toEqual(prod);
  expect(model.bucketAccounts.get(dev)).toBe('444444444444');
  expect(model.bucketAccounts.get(prod)).toBe('666666666666');
  expect(expand(model, '${WeldGunServingDev/EndpointSecurityGroup.GroupId}')).not.toEqual(expand(model, '${WeldGunServingInt/EndpointSecurityGroup.GroupId}'));
});

test('placeholders name what is wrong', () => {
  expect(() => expand(model, '${WeldGunServingDev/NoSuchThing.Arn}')).toThrow('flows: 0 resources of WeldGunServingDev match NoSuchThing<hash>');
  expect(() => expand(model, '${ssm:DEV:/vwml/platform/nope}')).toThrow('flows: no SSM parameter /vwml/platform/nope in DEV');
  expect(() => expand(model, '${not a placeholder}')).toThrow('write ${Stack/LogicalIdPrefix.Attribute}');
});

test('CIDR containment', () => {
  expect(cidrContains('0.0.0.0/0', '10.10.0.0/16')).toBe(true);
  expect(cidrContains('10.10.0.0/16', '10.10.0.0/16')).toBe(true);
  expect(cidrContains('10.10.0.0/16', '10.10.4.0/24')).toBe(true);
  expect(cidrContains('10.10.4.0/24', '10.10.0.0/16')).toBe(false);
  expect(cidrContains('10.20.0.0/16', '10.10.0.0/16')).toBe(false);
});

test('the mutation run catches every statement and rule the model-build flow relies on', async () => {
  const report = await runMutation(MODEL_BUILD.requests);
  expect(report.reliedOn).toBeGreaterThan(10);
  // the one redundancy: the job group's HTTPS to the VPC CIDR (the interface endpoints its logs, metrics and
  // image pulls go through) is also granted by its HTTPS to 0.0.0.0/0 (S3 without a prefix list)
  expect(report.uncaught).toEqual([{ id: expect.stringMatching(/^WeldGunTraining\|JobSecurityGroup[0-9A-F]{8}\|SecurityGroupEgress\.0$/), why: expect.stringContaining('redundant') }]);
  expect(report.caught).toBe(report.reliedOn - 1);
}, 120_000);

test('a call through a VPC endpoint is evaluated against the endpoint policy', async () => {
  const request = step(MODEL_BUILD, 'preprocess: job reads the raw data');
  const stacks = readFlowStacks().map((s) => ({ ...s, template: structuredClone(s.template) }));
  const exp = stacks.find((s) => s.name === 'PlatformExp')!;
  exp.template.Resources[model.logicalId('PlatformExp', 'NetworkS3')].Properties.PolicyDocument = {
    Version: '2012-10-17',
    Statement: [{ Sid: 'OnlyThePlatformBuckets', Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: 'arn:aws:s3:::vwml-platform-*/*' }],
  };
  const result = await evaluateRequest(buildFlowModel(stacks), request);
  expect(result.failure).toMatchObject({ stage: 'iam', why: expect.stringContaining('ImplicitlyDenied by vpce') });
});

test('key policy conditions on the encryption context are evaluated (S3 Bucket Key: the bucket ARN)', async () => {
  const request = step(MODEL_BUILD, 'preprocess: job reads the raw data');
  const withContext = async (bucketArn: string) => {
    const stacks = readFlowStacks().map((s) => ({ ...s, template: structuredClone(s.template) }));
    const training = stacks.find((s) => s.name === 'WeldGunTraining')!;
    const root = training.template.Resources[model.logicalId('WeldGunTraining', 'ArtifactKey')].Properties.KeyPolicy.Statement[0];
    root.Condition = { StringEquals: { 'kms:EncryptionContext:aws:s3:arn': bucketArn } };
    return evaluateRequest(buildFlowModel(stacks), request);
  };
  expect((await withContext('arn:aws:s3:::vwml-weld-gun-pm-artifacts-222222222222')).allowed).toBe(true);
  const other = await withContext('arn:aws:s3:::some-other-bucket');
  expect(other.failure).toMatchObject({ stage: 'kms', why: 'ImplicitlyDenied by resource' });
});
