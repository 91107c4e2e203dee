import { App } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { MlopsPlatform, MlopsUseCase, PlatformAccount, PlatformConfig, ServingMode } from '../../../src';
import { logicalIdOf, PolicyDocumentJson, simulate, TemplatePolicies } from '../../helpers/iam-simulator';

const STAGES = [PlatformAccount.DEV, PlatformAccount.INT, PlatformAccount.PROD];
const config = PlatformConfig.sample();
const platformApp = new App();
const platform = new MlopsPlatform(platformApp, 'Platform', { config });
const useCaseApp = new App();
const useCase = new MlopsUseCase(useCaseApp, 'WeldGun', {
  platform: config,
  useCaseName: 'weld-gun-pm',
  dev: { servingMode: ServingMode.ALWAYS_ON, inferenceApi: true, batchInference: true, modelMonitor: true },
  int: { servingMode: ServingMode.ALWAYS_ON, inferenceApi: true, batchInference: true, modelMonitor: true },
  prod: { inferenceApi: true, batchInference: true, modelMonitor: true },
});
const servingStacks = [useCase.dev, useCase.int, useCase.prod];

/** The ML key of a stage account, its ARN and its policy as the platform stack writes them. */
function mlKey(stage: PlatformAccount): { arn: string; policy: PolicyDocumentJson; account: string } {
  const stack = platform.stack(stage);
  const policies = TemplatePolicies.fromStack(stack);
  const id = logicalIdOf(stack.mlKey!.key);
  const resource = Template.fromStack(stack).toJSON().Resources[id];
  return { arn: policies.resolve({ 'Fn::GetAtt': [id, 'Arn'] }), policy: policies.resolve(resource.Properties.KeyPolicy), account: stack.account };
}

describe.each(STAGES)('the ML key of %s admits the services of the serving stacks (defect 1)', (stage) => {
  const key = mlKey(stage);
  const other = '999999999999';

  test('CloudWatch Logs may encrypt the log groups of this account and region, and only those', () => {
    // (the simulator does not evaluate kms:EncryptionContext:aws:logs:arn, so the statement is matched exactly)
    const statements = (key.policy.Statement as any[]).filter((s) => /^logs\./.test(s.Principal?.Service ?? ''));
    expect(statements).toEqual([
      {
        Sid: 'AllowCloudWatchLogsOfThisAccount',
        Effect: 'Allow',
        Principal: { Service: 'logs.eu-central-1.amazonaws.com' },
        Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        Resource: '*',
        Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:eu-central-1:${key.account}:log-group:*` } },
      },
    ]);
    // every log group of the serving stack is in this account and region, encrypted with this key
    const stack = servingStacks.find((s) => s.platformAccount === stage)!;
    const groups = Object.values(Template.fromStack(stack).findResources('AWS::Logs::LogGroup')) as any[];
    expect(groups.length).toBeGreaterThanOrEqual(3);
    for (const g of groups) {
      expect(g.Properties.KmsKeyId).toEqual({ Ref: expect.stringMatching(/^SsmParameterValuevwmlplatformmlkeyarn/) });
    }
    expect(groups.map((g) => g.Properties.LogGroupName).filter((n) => typeof n === 'string')).toEqual(
      expect.arrayContaining([expect.stringMatching(/^\/aws\/sagemaker\/Endpoints\//), expect.stringMatching(/^\/aws\/vendedlogs\/states\//)]),
    );
  });

  test.each([
    ['cloudwatch.amazonaws.com', 'alarms publishing to the encrypted alarm topics', ['kms:GenerateDataKey', 'kms:Decrypt']],
    ['delivery.logs.amazonaws.com', 'the logs of the encrypted batch inference state machine', ['kms:Decrypt']],
  ])('%s may use it for %s of this account only', async (service, _what, actions) => {
    for (const action of actions) {
      expect(
        await simulate({ principal: service, identityPolicies: [], resourcePolicy: key.policy, action, resource: key.arn, context: { 'aws:SourceAccount': key.account } }),
      ).toBe('Allowed');
    }
    expect(
      await simulate({ principal: service, identityPolicies: [], resourcePolicy: key.policy, action: 'kms:Decrypt', resource: key.arn, context: { 'aws:SourceAccount': other } }),
    ).toBe('ImplicitlyDenied');
  });

  test('events.amazonaws.com may use it through SQS and SNS (the request EventBridge causes carries kms:ViaService, not aws:SourceAccount)', async () => {
    const region = 'eu-central-1';
    for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) {
      for (const via of [`sqs.${region}.amazonaws.com`, `sns.${region}.amazonaws.com`]) {
        expect(
          await simulate({ principal: 'events.amazonaws.com', identityPolicies: [], resourcePolicy: key.policy, action, resource: key.arn, context: { 'kms:ViaService': via } }),
        ).toBe('Allowed');
      }
    }
    // a direct call, or one through another service, is not admitted
    expect(
      await simulate({ principal: 'events.amazonaws.com', identityPolicies: [], resourcePolicy: key.policy, action: 'kms:Decrypt', resource: key.arn, context: { 'kms:ViaService': undefined } }),
    ).toBe('ImplicitlyDenied');
    expect(
      await simulate({ principal: 'events.amazonaws.com', identityPolicies: [], resourcePolicy: key.policy, action: 'kms:Decrypt', resource: key.arn, context: { 'kms:ViaService': `s3.${region}.amazonaws.com` } }),
    ).toBe('ImplicitlyDenied');
  });

  test('the serving stack warns of no imported-key grant, since the platform writes them', () => {
    const stack = servingStacks.find((s) => s.platformAccount === stage)!;
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('is an imported key'));
    expect(warnings).toEqual([]);
  });
});
