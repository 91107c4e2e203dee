import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { MlopsPlatform, MlopsUseCase, PlatformAccount, PlatformConfig } from '../../../src';
import { logicalIdOf, PolicyDocumentJson, simulate, TemplatePolicies } from '../../helpers/iam-simulator';

/**
 * Data capture of the endpoint: SageMaker writes the captured requests with the endpoint's execution
 * role into the stage's capture bucket, encrypted with the use case's data key of the stage (imported
 * from SSM; the key and its policy are written by the use case's onboarding stack). Identity, boundary, guardrails, bucket policy and key policy.
 */
const config = PlatformConfig.sample();
const platform = new MlopsPlatform(new App(), 'Platform', { config });
const useCase = new MlopsUseCase(new App(), 'WeldGun', { platform: config, useCaseName: 'weld-gun-pm', pinnedModelPackageArn: 'arn:aws:sagemaker:eu-central-1:222222222222:model-package/vwml-weld-gun-pm/7' });

test('DEV and INT scale to zero by default and capture nothing: no DataCaptureConfig, no capture bucket', () => {
  for (const serving of [useCase.dev, useCase.int]) {
    const template = Template.fromStack(serving);
    template.hasResourceProperties('AWS::SageMaker::EndpointConfig', { DataCaptureConfig: Match.absent() });
    expect(serving.alwaysOnEndpoint).toBeUndefined();
    template.resourceCountIs('AWS::SageMaker::InferenceComponent', 1);
  }
});

describe.each([
  [PlatformAccount.PROD, useCase.prod],
])('the %s endpoint captures data into its bucket with the use case\'s data key', (stage, serving) => {
  const platformStack = platform.stack(stage);
  const platformPolicies = TemplatePolicies.fromStack(platformStack);
  const onboarding = platform.useCases.find((u) => u.useCase.name === 'weld-gun-pm')!;
  const keyStack = onboarding.tryFindStack(stage)!;
  const keyPolicies = TemplatePolicies.fromStack(keyStack);
  const keyId = logicalIdOf(onboarding.dataKeys[stage].key.key);
  const keyArn: string = keyPolicies.resolve({ 'Fn::GetAtt': [keyId, 'Arn'] });
  const keyPolicy: PolicyDocumentJson = keyPolicies.resolve(Template.fromStack(keyStack).toJSON().Resources[keyId].Properties.KeyPolicy);
  const template = Template.fromStack(serving).toJSON();
  const dataKeyParameter = Object.keys(template.Parameters).find((p) => p.startsWith('SsmParameterValuevwmlusecaseweldgunpmdatakeyarn'))!;
  const policies = TemplatePolicies.fromStack(serving, { references: { [dataKeyParameter]: keyArn } });
  const roleId = logicalIdOf(serving.endpointRole as any);
  const identityPolicies: PolicyDocumentJson[] = [];
  for (const [id, r] of Object.entries(template.Resources) as Array<[string, any]>) {
    if ((r.Type === 'AWS::IAM::ManagedPolicy' || r.Type === 'AWS::IAM::Policy') && (r.Properties.Roles ?? []).some((x: any) => x?.Ref === roleId)) {
      identityPolicies.push(policies.policyDocument(id));
    }
  }
  identityPolicies.push(platformPolicies.policyDocument(logicalIdOf(platformStack.guardrails.guardrailPolicy)));
  const role = {
    principal: `arn:aws:iam::${platformStack.account}:role/vwml-weld-gun-pm-${stage}-endpoint`,
    identityPolicies,
    permissionBoundaryPolicies: [platformPolicies.policyDocument(logicalIdOf(platformStack.guardrails.permissionsBoundary))],
  };
  const bucketName: string = policies.resolve(serving.resolve(serving.alwaysOnEndpoint!.dataCaptureBucket.bucketName));
  const bucketPolicy = (Object.values(template.Resources) as any[]).find(
    (r) => r.Type === 'AWS::S3::BucketPolicy' && policies.resolve(r.Properties.Bucket) === bucketName,
  );
  const object = `arn:aws:s3:::${bucketName}/data-capture/vwml-weld-gun-pm-${stage}/AllTraffic/2026/12/06/03/capture.jsonl`;

  // the role's tag (the bucket admits only principals tagged with the use case)
  const tagged = { 'aws:PrincipalTag/mlops:use-case': 'weld-gun-pm', 'aws:PrincipalIsAWSService': 'false' };

  test('the execution role may write the captured data, encrypted with the data key through S3', async () => {
    expect(
      await simulate({
        ...role,
        resourcePolicy: policies.resolve(bucketPolicy.Properties.PolicyDocument),
        action: 's3:PutObject',
        resource: object,
        context: { ...tagged, 's3:x-amz-server-side-encryption': 'aws:kms', 's3:x-amz-server-side-encryption-aws-kms-key-id': keyArn },
      }),
    ).toBe('Allowed');
    for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) {
      expect(await simulate({ ...role, resourcePolicy: keyPolicy, action, resource: keyArn, context: { 'kms:ViaService': 's3.eu-central-1.amazonaws.com' } })).toBe('Allowed');
    }
    // negative twins: another key id in the encryption header; the key used directly, not through S3
    expect(
      await simulate({
        ...role,
        resourcePolicy: policies.resolve(bucketPolicy.Properties.PolicyDocument),
        action: 's3:PutObject',
        resource: object,
        context: { ...tagged, 's3:x-amz-server-side-encryption': 'aws:kms', 's3:x-amz-server-side-encryption-aws-kms-key-id': keyArn.replace(/key\/.*/, 'key/00000000-0000-0000-0000-000000000000') },
      }),
    ).toBe('ExplicitlyDenied');
    expect(await simulate({ ...role, resourcePolicy: keyPolicy, action: 'kms:GenerateDataKey', resource: keyArn, context: { 'kms:ViaService': 'ssm.eu-central-1.amazonaws.com' } })).toBe('ImplicitlyDenied');
  });
});
