import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { MlopsPlatform, MlopsUseCase, PlatformAccount, PlatformConfig, ServingMode } from '../../../src';
import { logicalIdOf, PolicyDocumentJson, simulate, TemplatePolicies } from '../../helpers/iam-simulator';

const STAGES = [PlatformAccount.DEV, PlatformAccount.INT, PlatformAccount.PROD];
const config = PlatformConfig.sample();
const platformApp = new App();
const platform = new MlopsPlatform(platformApp, 'Platform', { config });
// every extension in every stage (always on, so that DEV and INT have them too)
const everyExtension = { inferenceApi: true, batchInference: true, modelMonitor: true };
const stageSettings = {
  dev: { servingMode: ServingMode.ALWAYS_ON, ...everyExtension },
  int: { servingMode: ServingMode.ALWAYS_ON, ...everyExtension },
  prod: everyExtension,
};
const useCaseApp = new App();
const useCase = new MlopsUseCase(useCaseApp, 'WeldGun', { platform: config, useCaseName: 'weld-gun-pm', ...stageSettings });
const servingStacks = [useCase.dev, useCase.int, useCase.prod];
// a platform without a use-case registry (`useCases` empty) onboards no use case (no data key): the
// serving stacks use the platform's ML key
const unregistered = (() => {
  const json = config.toJson() as any;
  json.useCases = [];
  for (const user of json.studio?.users ?? []) delete user.useCase;
  return PlatformConfig.fromObject(json);
})();
const unlistedApp = new App();
const unlisted = new MlopsUseCase(unlistedApp, 'PressLine', { platform: unregistered, useCaseName: 'press-line', ...stageSettings });

/** The key the serving stacks of a stage encrypt with, its ARN and its policy as its stack writes it. */
interface StageKey {
  readonly arn: string;
  readonly policy: PolicyDocumentJson;
  readonly account: string;
  /** The serving stacks that use it. */
  readonly servingStack: MlopsUseCase['dev'];
  /** The logical id prefix of the SSM-typed stack parameter through which the serving stack imports it. */
  readonly parameterPrefix: RegExp;
}

function keyOf(stack: Stack, key: kms.IKey): { arn: string; policy: PolicyDocumentJson; account: string } {
  const policies = TemplatePolicies.fromStack(stack);
  const id = logicalIdOf(key);
  const resource = Template.fromStack(stack).toJSON().Resources[id];
  return { arn: policies.resolve({ 'Fn::GetAtt': [id, 'Arn'] }), policy: policies.resolve(resource.Properties.KeyPolicy), account: stack.account };
}

/** The ML key of a stage account (the platform stack's), for a use case not in `useCases`. */
function mlKey(stage: PlatformAccount): StageKey {
  const stack = platform.stack(stage);
  return {
    ...keyOf(stack, stack.mlKey!.key),
    servingStack: [unlisted.dev, unlisted.int, unlisted.prod].find((s) => s.platformAccount === stage)!,
    parameterPrefix: /^SsmParameterValuevwmlplatformmlkeyarn/,
  };
}

/** The data key of weld-gun-pm in a stage account (its onboarding stack's). */
function dataKey(stage: PlatformAccount): StageKey {
  const onboarding = platform.useCases.find((u) => u.useCase.name === 'weld-gun-pm')!;
  return {
    ...keyOf(onboarding.tryFindStack(stage)!, onboarding.dataKeys[stage].key.key),
    servingStack: servingStacks.find((s) => s.platformAccount === stage)!,
    parameterPrefix: /^SsmParameterValuevwmlusecaseweldgunpmdatakeyarn/,
  };
}

const CASES = STAGES.flatMap((stage) => [
  ['the data key of a use case of useCases', stage, () => dataKey(stage)] as const,
  ['the ML key for a use case not in useCases', stage, () => mlKey(stage)] as const,
]);

describe.each(CASES)('%s in %s admits the services of the serving stacks (defect 1)', (_kind, _stage, find) => {
  const key = find();
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
    const stack = key.servingStack;
    const groups = Object.values(Template.fromStack(stack).findResources('AWS::Logs::LogGroup')) as any[];
    expect(groups.length).toBeGreaterThanOrEqual(3);
    for (const g of groups) {
      expect(g.Properties.KmsKeyId).toEqual({ Ref: expect.stringMatching(key.parameterPrefix) });
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
    const stack = key.servingStack;
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('is an imported key'));
    expect(warnings).toEqual([]);
  });
});
