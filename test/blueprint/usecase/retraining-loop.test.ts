import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ComplianceCheck, MlopsPlatform, MlopsUseCase, PlatformConfig, ServingMode, UseCaseStageSettings } from '../../../src';

/**
 * The loop "drift -> retrain": a stage's drift alarm goes to the RES model event bus, RES forwards the use
 * case's alarms to the EXP retraining bus, EXP starts the use case's model-build pipeline.
 */
const PINNED = 'arn:aws:sagemaker:eu-central-1:222222222222:model-package/vwml-weld-gun-pm/7';
const MONITORED: UseCaseStageSettings = { modelMonitor: true, modelQuality: true, minimumF1: 0.7 };

function useCase(stages: { dev?: UseCaseStageSettings; int?: UseCaseStageSettings; prod?: UseCaseStageSettings } = {}) {
  const app = new App();
  const uc = new MlopsUseCase(app, 'WeldGun', { platform: PlatformConfig.sample(), useCaseName: 'weld-gun-pm', pinnedModelPackageArn: PINNED, ...stages });
  return { app, uc };
}

function statementsOf(stack: Stack, type: string): any[] {
  return Object.values(Template.fromStack(stack).findResources(type)).flatMap((r: any) => r.Properties.PolicyDocument.Statement);
}

describe('drift starts retraining across accounts', () => {
  const config = PlatformConfig.sample();
  const acct = (a: string) => config.account(a as any).accountId;
  const { app, uc } = useCase({ prod: MONITORED });

  test('on by default in PROD (with a quality alarm), off in DEV and INT', () => {
    expect(uc.prod.retraining).toBe(true);
    expect(uc.dev.retraining).toBe(false);
    expect(uc.int.retraining).toBe(false);
  });

  test('PROD: the named drift alarm sends its ALARM transitions to the RES model event bus with a role that may put events there only', () => {
    const t = Template.fromStack(uc.prod);
    t.hasResourceProperties('AWS::CloudWatch::CompositeAlarm', { AlarmName: 'vwml-weld-gun-pm-prod-drift' });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'f1', Threshold: 0.7, ComparisonOperator: 'LessThanThreshold' });
    const busArn = `arn:aws:events:eu-central-1:${acct('res')}:event-bus/vwml-model-events`;
    t.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({ 'source': ['aws.cloudwatch'], 'detail-type': ['CloudWatch Alarm State Change'], 'detail': { state: { value: ['ALARM'] } } }),
      Targets: [Match.objectLike({ Arn: busArn, RoleArn: Match.anyValue() })],
    });
    const puts = statementsOf(uc.prod, 'AWS::IAM::ManagedPolicy').filter((s) => [s.Action].flat().includes('events:PutEvents'));
    expect(puts).toEqual([expect.objectContaining({ Resource: busArn })]);
  });

  test('RES: the use case\'s rule on the model event bus forwards exactly its PROD drift alarm to the EXP retraining bus', () => {
    const t = Template.fromStack(uc.deployment);
    const rules = Object.values(t.findResources('AWS::Events::Rule')).filter((r: any) => r.Properties.EventPattern?.source?.[0] === 'aws.cloudwatch');
    expect(rules).toHaveLength(1);
    const rule: any = rules[0];
    expect(rule.Properties.EventBusName).toBe('vwml-model-events');
    expect(rule.Properties.EventPattern).toEqual({
      'source': ['aws.cloudwatch'],
      'detail-type': ['CloudWatch Alarm State Change'],
      'account': [acct('prod')],
      'resources': [`arn:aws:cloudwatch:eu-central-1:${acct('prod')}:alarm:vwml-weld-gun-pm-prod-drift`],
      'detail': { state: { value: ['ALARM'] } },
    });
    const expBus = `arn:aws:events:eu-central-1:${acct('exp')}:event-bus/vwml-retraining`;
    expect(rule.Properties.Targets).toEqual([expect.objectContaining({ Arn: expBus })]);
    t.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'vwml-weld-gun-pm-retrain-forward',
      Tags: Match.arrayWith([{ Key: 'mlops:use-case', Value: 'weld-gun-pm' }]),
    });
    const puts = statementsOf(uc.deployment, 'AWS::IAM::ManagedPolicy').filter((s) => [s.Action].flat().includes('events:PutEvents'));
    expect(puts).toEqual([expect.objectContaining({ Resource: expBus })]);
  });

  test('EXP: a rule on the retraining bus starts exactly the use case\'s pipeline, with a role that may start only it', () => {
    const t = Template.fromStack(uc.training);
    const rules = Object.values(t.findResources('AWS::Events::Rule', { Properties: { EventBusName: 'vwml-retraining' } }));
    expect(rules).toHaveLength(1);
    const rule: any = rules[0];
    expect(rule.Properties.EventPattern.resources).toEqual([`arn:aws:cloudwatch:eu-central-1:${acct('prod')}:alarm:vwml-weld-gun-pm-prod-drift`]);
    const pipelineArn = `arn:aws:sagemaker:eu-central-1:${acct('exp')}:pipeline/vwml-weld-gun-pm-build`;
    expect(rule.Properties.Targets).toEqual([expect.objectContaining({ Arn: expect.stringContaining(':pipeline/'), RetryPolicy: expect.anything() })]);
    const starts = statementsOf(uc.training, 'AWS::IAM::ManagedPolicy').filter((s) => [s.Action].flat().includes('sagemaker:StartPipelineExecution'));
    expect(starts.map((s) => Stack.of(uc.training).resolve(s.Resource))).toEqual([expect.stringMatching(/:pipeline\/vwml-weld-gun-pm/)]);
    expect(pipelineArn).toBe(uc.names.pipelineArn);
    t.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'vwml-weld-gun-pm-retrain-start',
      PermissionsBoundary: Match.anyValue(),
      Tags: Match.arrayWith([{ Key: 'mlops:use-case', Value: 'weld-gun-pm' }]),
    });
  });

  test('nag (three packs) and the other checks stay clean', () => {
    expect(ComplianceCheck.run(app).errors.map((f) => `${f.ruleId} ${f.constructPath}`)).toEqual([]);
  });

  test('switched off in PROD, on in DEV: the rules follow the switch', () => {
    const { uc: other } = useCase({
      dev: { ...MONITORED, servingMode: ServingMode.ALWAYS_ON, retraining: true },
      prod: { ...MONITORED, retraining: false },
    });
    expect(other.dev.retraining).toBe(true);
    expect(other.prod.retraining).toBe(false);
    expect(Template.fromStack(other.prod).findResources('AWS::Events::Rule', { Properties: { EventPattern: { source: ['aws.cloudwatch'] } } })).toEqual({});
    const rule: any = Object.values(Template.fromStack(other.training).findResources('AWS::Events::Rule', { Properties: { EventBusName: 'vwml-retraining' } }))[0];
    expect(rule.Properties.EventPattern.account).toEqual([acct('dev')]);
  });

  test('no quality alarm: no retraining, no rules', () => {
    const { uc: plain } = useCase({ prod: { modelMonitor: true } });
    expect(plain.prod.retraining).toBe(false);
    expect(plain.training.retrainingRules).toEqual([]);
    expect(plain.deployment.retrainingForwardRule).toBeUndefined();
  });

  test('bad settings fail at synth time naming the field and the fix', () => {
    expect(() => useCase({ prod: { modelMonitor: true, retraining: true } })).toThrow(/prod\.retraining: .*set prod\.modelMonitor: true, prod\.modelQuality: true and prod\.minimumF1/);
    expect(() => useCase({ prod: { ...MONITORED, minimumF1: 1.5 } })).toThrow(/prod\.minimumF1: 1\.5 is not an F1 score; write a number between 0 and 1/);
    expect(() => useCase({ prod: { modelMonitor: true, minimumF1: 0.7 } })).toThrow(/prod\.minimumF1: .*modelQuality: true/);
    expect(() => useCase({ prod: { ...MONITORED, retraining: 'yes' as any } })).toThrow(/prod\.retraining: "yes" is not a switch; write true or false/);
  });
});

describe('the platform\'s buses admit the loop and nothing else', () => {
  const config = PlatformConfig.sample();
  const acct = (a: string) => config.account(a as any).accountId;
  const platform = new MlopsPlatform(new App(), 'Platform', { config });

  test('RES: the serving accounts may put CloudWatch alarm state changes on the model event bus only', () => {
    const policies = Object.values(Template.fromStack(platform.res).findResources('AWS::Events::EventBusPolicy'));
    const statements = policies.map((p: any) => p.Properties.Statement);
    const drift = statements.find((s: any) => String(s.Sid).endsWith('AllowDriftAlarmsFromServingAccounts'));
    expect(drift.Action).toBe('events:PutEvents');
    expect([drift.Principal.AWS].flat().map((p: any) => JSON.stringify(p))).toEqual(
      ['dev', 'int', 'prod'].map((a) => expect.stringContaining(acct(a))),
    );
    expect(drift.Condition['ForAllValues:StringEquals']).toEqual(expect.objectContaining({ 'events:source': ['aws.cloudwatch'], 'events:detail-type': ['CloudWatch Alarm State Change'] }));
  });

  test('EXP: the retraining bus admits RES, for CloudWatch alarm state changes only', () => {
    const t = Template.fromStack(platform.exp);
    t.hasResourceProperties('AWS::Events::EventBus', { Name: 'vwml-retraining' });
    const statements = Object.values(t.findResources('AWS::Events::EventBusPolicy')).map((p: any) => p.Properties.Statement);
    expect(statements).toHaveLength(1);
    expect(JSON.stringify(statements[0].Principal)).toContain(acct('res'));
    expect(statements[0].Condition['ForAllValues:StringEquals']).toEqual(expect.objectContaining({ 'events:source': ['aws.cloudwatch'], 'events:detail-type': ['CloudWatch Alarm State Change'] }));
  });
});
