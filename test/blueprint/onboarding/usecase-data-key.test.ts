/**
 * Issue 12, "A key per use case for its data in the serving accounts (captures, batch outputs, monitoring),
 * and bucket policies that admit only that use case's roles": each use case of `useCases` has its own data
 * key in DEV, INT and PROD (its onboarding stack), its serving stacks encrypt everything with it, and every
 * bucket of its serving stacks denies principals of other use cases, of the platform and without the tag.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { MlopsPlatform, MlopsUseCase, PlatformAccount, ServingMode, UseCaseOnboarding } from '../../../src';
import { twoUseCasesConfig } from '../../fixtures/two-usecases';
import { ALLOW_ALL, logicalIdOf, simulate, TemplatePolicies } from '../../helpers/iam-simulator';

const STAGES = [PlatformAccount.DEV, PlatformAccount.INT, PlatformAccount.PROD];
const ACCOUNT: Record<string, string> = { dev: '444444444444', int: '555555555555', prod: '666666666666' };
const config = twoUseCasesConfig();
const platform = new MlopsPlatform(new App(), 'Platform', { config });
const extensions = { inferenceApi: true, batchInference: true, modelMonitor: true, modelQuality: true };
const weldGun = new MlopsUseCase(new App(), 'WeldGun', {
  platform: config,
  useCaseName: 'weld-gun-pm',
  dev: { servingMode: ServingMode.ALWAYS_ON, ...extensions },
  int: { batchInference: true },
  prod: extensions,
});

function onboarding(name: string): UseCaseOnboarding {
  return platform.useCases.find((u) => u.useCase.name === name)!;
}

function resources(stack: Stack, type: string): Array<[string, any]> {
  return Object.entries(Template.fromStack(stack).findResources(type));
}

describe.each(STAGES)('the data key of each use case in %s', (stage) => {
  test.each(['weld-gun-pm', 'paint-defect', 'weld-gun'])('%s: its own key, alias, tag and SSM parameter in its onboarding stack', (name) => {
    const stack = onboarding(name).tryFindStack(stage)!;
    expect(stack.stackName).toBe(`vwml-${name}-onboarding-${stage}`);
    const keys = resources(stack, 'AWS::KMS::Key');
    expect(keys).toHaveLength(1);
    const [keyId, key] = keys[0];
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect(key.DeletionPolicy).toBe('Retain');
    expect(key.Properties.Tags).toEqual(expect.arrayContaining([{ Key: 'mlops:use-case', Value: name }]));
    expect(resources(stack, 'AWS::KMS::Alias').map(([, a]) => [a.Properties.AliasName, a.Properties.TargetKeyId])).toEqual([
      [`alias/vwml/${name}/data`, { 'Fn::GetAtt': [keyId, 'Arn'] }],
    ]);
    expect(resources(stack, 'AWS::SSM::Parameter').map(([, p]) => [p.Properties.Name, p.Properties.Value])).toEqual([
      [`/vwml/usecase/${name}/data-key-arn`, { 'Fn::GetAtt': [keyId, 'Arn'] }],
    ]);
  });

  test('no account but its own in the key policy, and the services of the serving stack', () => {
    const stack = onboarding('paint-defect').tryFindStack(stage)!;
    const key = resources(stack, 'AWS::KMS::Key')[0][1];
    const policy = TemplatePolicies.fromStack(stack).resolve(key.Properties.KeyPolicy) as any;
    const principals = (policy.Statement as any[]).map((s) => s.Principal.AWS ?? s.Principal.Service);
    expect(principals).toEqual([
      `arn:aws:iam::${ACCOUNT[stage]}:root`,
      'logs.eu-central-1.amazonaws.com',
      'cloudwatch.amazonaws.com',
      'events.amazonaws.com',
      'delivery.logs.amazonaws.com',
    ]);
  });
});

describe.each(STAGES)('the serving stack of a use case of useCases in %s', (stage) => {
  const stack = [weldGun.dev, weldGun.int, weldGun.prod].find((s) => s.platformAccount === stage)!;
  const template = Template.fromStack(stack).toJSON();
  const dataKeyParameter = Object.entries<any>(template.Parameters)
    .filter(([, p]) => p.Default === '/vwml/usecase/weld-gun-pm/data-key-arn').map(([id]) => id);

  test('imports its own data key and not the platform ML key (old code: the ML key shared by every use case)', () => {
    expect(dataKeyParameter).toHaveLength(1);
    expect(Object.values<any>(template.Parameters).map((p) => p.Default)).not.toContain('/vwml/platform/ml-key-arn');
  });

  test('encrypts volumes, buckets, log groups, topics and queues with it', () => {
    const ref = { Ref: dataKeyParameter[0] };
    const keyIds: unknown[] = [];
    for (const r of Object.values<any>(template.Resources)) {
      const p = r.Properties ?? {};
      if (r.Type === 'AWS::SageMaker::EndpointConfig') keyIds.push(p.KmsKeyId);
      if (r.Type === 'AWS::Logs::LogGroup') keyIds.push(p.KmsKeyId);
      if (r.Type === 'AWS::SNS::Topic' || r.Type === 'AWS::SQS::Queue') keyIds.push(p.KmsMasterKeyId);
      if (r.Type === 'AWS::S3::Bucket' && p.BucketEncryption?.ServerSideEncryptionConfiguration?.[0]?.ServerSideEncryptionByDefault?.SSEAlgorithm === 'aws:kms') {
        keyIds.push(p.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.KMSMasterKeyID);
      }
    }
    expect(keyIds.length).toBeGreaterThanOrEqual(stage === PlatformAccount.INT ? 4 : 8);
    // (a resource that names the key through Fn::GetAtt or a literal would show here as a non-equal value)
    expect(keyIds.filter((k) => JSON.stringify(k) !== JSON.stringify(ref))).toEqual([]);
  });

  describe('its buckets admit only the use case\'s principals', () => {
    const policies = TemplatePolicies.fromStack(stack);
    const buckets = resources(stack, 'AWS::S3::Bucket').map(([id]) => id);
    const bucketPolicies = resources(stack, 'AWS::S3::BucketPolicy');

    test('every bucket has the statement', () => {
      expect(buckets.length).toBeGreaterThanOrEqual(stage === PlatformAccount.INT ? 3 : 8);
      const covered = bucketPolicies
        .filter(([, p]) => p.Properties.PolicyDocument.Statement.some((s: any) => s.Sid === 'OnlyTheUseCasesPrincipals'))
        .map(([, p]) => p.Properties.Bucket.Ref);
      expect(covered.sort()).toEqual([...buckets].sort());
    });

    const cases: Array<[string, string, Record<string, string> | undefined, string]> = [
      ['a role of another use case (weld-gun, whose name is a prefix)', `arn:aws:iam::${ACCOUNT[stage]}:role/vwml-weld-gun-${stage}-endpoint`, { 'aws:PrincipalTag/mlops:use-case': 'weld-gun' }, 'ExplicitlyDenied'],
      ['a person with another use case\'s session tag', `arn:aws:iam::${ACCOUNT[stage]}:role/vwml-MlopsEngineer`, { 'aws:PrincipalTag/mlops:use-case': 'paint-defect' }, 'ExplicitlyDenied'],
      ['a platform role without the tag (the account\'s CDK bootstrap execution role)', `arn:aws:iam::${ACCOUNT[stage]}:role/cdk-vwml-cfn-exec-role-${ACCOUNT[stage]}-eu-central-1`, undefined, 'ExplicitlyDenied'],
      ['a role of the platform (tag platform)', `arn:aws:iam::${ACCOUNT[stage]}:role/vwml-platform-role`, { 'aws:PrincipalTag/mlops:use-case': 'platform' }, 'ExplicitlyDenied'],
      ['a role of the use case', `arn:aws:iam::${ACCOUNT[stage]}:role/vwml-weld-gun-pm-${stage}-endpoint`, { 'aws:PrincipalTag/mlops:use-case': 'weld-gun-pm' }, 'Allowed'],
    ];
    test.each(cases)('%s, with s3:* in its identity policy', async (_who, principal, tags, expected) => {
      for (const [id, p] of bucketPolicies) {
        const bucketArn = String(policies.resolve({ 'Fn::GetAtt': [p.Properties.Bucket.Ref, 'Arn'] }));
        const doc = policies.resolve(p.Properties.PolicyDocument);
        for (const [action, resource] of [['s3:GetObject', `${bucketArn}/x.jsonl`], ['s3:DeleteObject', `${bucketArn}/x.jsonl`], ['s3:ListBucket', bucketArn], ['s3:PutBucketPolicy', bucketArn]]) {
          const context = { 'aws:PrincipalIsAWSService': 'false', ...(tags ?? {}) };
          const result = await simulate({ identityPolicies: [ALLOW_ALL], resourcePolicy: doc, principal, action, resource, context });
          expect(`${id} ${action}: ${result}`).toBe(`${id} ${action}: ${expected}`);
        }
      }
    });

    test('S3 server access logging, a service principal, still delivers to the log buckets', async () => {
      const logBuckets = bucketPolicies.filter(([, p]) => p.Properties.PolicyDocument.Statement.some((s: any) => s.Sid === 'AllowS3ServerAccessLogDelivery'));
      expect(logBuckets.length).toBeGreaterThanOrEqual(1);
      for (const [, p] of logBuckets) {
        const bucketArn = String(policies.resolve({ 'Fn::GetAtt': [p.Properties.Bucket.Ref, 'Arn'] }));
        const result = await simulate({
          identityPolicies: [],
          resourcePolicy: policies.resolve(p.Properties.PolicyDocument),
          principal: 'logging.s3.amazonaws.com',
          action: 's3:PutObject',
          resource: `${bucketArn}/access-logs/2026-12-07`,
          context: { 'aws:PrincipalIsAWSService': 'true', 'aws:SourceAccount': ACCOUNT[stage] },
        });
        expect(result).toBe('Allowed');
      }
    });
  });

  test('its deploy and execution roles read its own data key parameter, not another use case\'s', async () => {
    const deployRoles = onboarding('weld-gun').tryFindDeployRoles(stage)!;
    const rolesStack = onboarding('weld-gun').tryFindStack(stage)!;
    const identityPolicies = TemplatePolicies.fromStack(rolesStack).identityPolicies(logicalIdOf(deployRoles.deployRole));
    const parameter = (name: string) => `arn:aws:ssm:eu-central-1:${ACCOUNT[stage]}:parameter/vwml/usecase/${name}/data-key-arn`;
    const principal = `arn:aws:iam::${ACCOUNT[stage]}:role/vwml-weld-gun-${stage}-deploy`;
    expect(await simulate({ identityPolicies, principal, action: 'ssm:GetParameters', resource: parameter('weld-gun') })).toBe('Allowed');
    expect(await simulate({ identityPolicies, principal, action: 'ssm:GetParameters', resource: parameter('weld-gun-pm') })).toBe('ImplicitlyDenied');
  });
});
