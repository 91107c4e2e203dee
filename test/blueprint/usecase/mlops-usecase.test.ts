import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import {
  ComplianceCheck,
  MlopsPlatform,
  MlopsUseCase,
  PipelineDefinitionSource,
  PipelinePlaceholder,
  PlatformAccount,
  PlatformConfig,
  PredictiveMaintenancePipeline,
  ServingMode,
} from '../../../src';
import { actionsOutsideBoundary } from '../../helpers/boundary';

const PINNED = 'arn:aws:sagemaker:eu-central-1:222222222222:model-package/vwml-weld-gun-pm/7';

function useCase(props: Partial<ConstructorParameters<typeof MlopsUseCase>[2]> = {}, context: Record<string, string> = {}) {
  const app = new App({ context });
  const uc = new MlopsUseCase(app, 'WeldGun', { platform: PlatformConfig.sample(), useCaseName: 'weld-gun-pm', ...props });
  return { app, uc };
}

describe('MlopsUseCase', () => {
  test('five stacks, each in its account and region, named from the config', () => {
    const { uc } = useCase();
    expect(uc.stacks.map((s) => [s.stackName, s.account])).toEqual([
      ['vwml-weld-gun-pm-training', '222222222222'],
      ['vwml-weld-gun-pm-deployment', '333333333333'],
      ['vwml-weld-gun-pm-serving-dev', '444444444444'],
      ['vwml-weld-gun-pm-serving-int', '555555555555'],
      ['vwml-weld-gun-pm-serving-prod', '666666666666'],
    ]);
    for (const s of uc.stacks) {
      const json = JSON.stringify(Template.fromStack(s).toJSON());
      expect(json).not.toContain('Fn::ImportValue');
      expect(json).not.toContain('hnb659fds');
    }
  });

  test('without a pinned version, a serving stack needs the ModelPackageArn parameter (no default)', () => {
    const { uc } = useCase();
    const t = Template.fromStack(uc.dev).toJSON();
    expect(t.Parameters.ModelPackageArn).toEqual(expect.objectContaining({ Type: 'String' }));
    expect(t.Parameters.ModelPackageArn.Default).toBeUndefined();
    const model = Object.values(Template.fromStack(uc.dev).findResources('AWS::SageMaker::Model'))[0] as any;
    expect(JSON.stringify(model.Properties)).toContain('{"Ref":"ModelPackageArn"}');
  });

  test('the pinned version from the pipeline context is deployed literally in every stage', () => {
    const { uc } = useCase({}, { pinnedModelPackageArn: PINNED });
    for (const stage of [uc.dev, uc.int, uc.prod]) {
      const t = Template.fromStack(stage);
      expect(t.toJSON().Parameters?.ModelPackageArn).toBeUndefined();
      expect(JSON.stringify(Object.values(t.findResources('AWS::SageMaker::Model'))[0])).toContain(PINNED);
    }
  });

  test('the registry admits the deployment roles of RES, DEV, INT and PROD by name', () => {
    const { uc } = useCase();
    const group = Object.values(Template.fromStack(uc.training).findResources('AWS::SageMaker::ModelPackageGroup'))[0] as any;
    const policy = JSON.stringify(group.Properties.ModelPackageGroupPolicy);
    for (const arn of [
      'arn:aws:iam::333333333333:role/vwml-weld-gun-pm-resolve',
      'arn:aws:iam::444444444444:role/vwml-weld-gun-pm-dev-endpoint',
      'arn:aws:iam::555555555555:role/vwml-weld-gun-pm-int-endpoint',
      'arn:aws:iam::666666666666:role/vwml-weld-gun-pm-prod-endpoint',
    ]) expect(policy).toContain(arn);
  });

  test('the artifact key admits the consumer roles of the other accounts by name, never whole accounts', () => {
    const { uc } = useCase();
    const keys = Object.values(Template.fromStack(uc.training).findResources('AWS::KMS::Key')) as any[];
    const artifactKey = keys.find((k) => k.Properties.Description === 'vwml-weld-gun-pm: model artifacts and pipeline data');
    const crossAccount = (artifactKey.Properties.KeyPolicy.Statement as any[]).filter((s) => JSON.stringify(s.Principal ?? {}).match(/(333|444|555|666)\d{9}:root/));
    expect(crossAccount.map((s) => s.Sid)).toEqual(['ConsumerRolesDecryptModelArtifactsOfVwmlWeldGunPm']);
    expect(crossAccount[0].Condition.ArnLike['aws:PrincipalArn']).toEqual([
      'arn:aws:iam::333333333333:role/vwml-weld-gun-pm-resolve',
      'arn:aws:iam::444444444444:role/vwml-weld-gun-pm-dev-endpoint',
      'arn:aws:iam::444444444444:role/vwml-weld-gun-pm-dev-batch-model',
      'arn:aws:iam::555555555555:role/vwml-weld-gun-pm-int-endpoint',
      'arn:aws:iam::555555555555:role/vwml-weld-gun-pm-int-batch-model',
      'arn:aws:iam::666666666666:role/vwml-weld-gun-pm-prod-endpoint',
      'arn:aws:iam::666666666666:role/vwml-weld-gun-pm-prod-batch-model',
    ]);
  });

  test('the endpoint role and the smoke-test role have the names the other accounts use', () => {
    const { uc } = useCase();
    const t = Template.fromStack(uc.prod);
    t.hasResourceProperties('AWS::IAM::Role', { RoleName: 'vwml-weld-gun-pm-prod-endpoint' });
    t.hasResourceProperties('AWS::IAM::Role', { RoleName: 'vwml-weld-gun-pm-prod-smoke-test' });
    t.hasResourceProperties('AWS::SageMaker::Endpoint', { EndpointName: 'vwml-weld-gun-pm-prod' });
  });

  test('zero unacknowledged errors in the three nag packs, with every extension on', () => {
    const all = { inferenceApi: true, batchInference: true, batchSchedule: 'cron(0 3 * * ? *)', modelMonitor: true, groundTruthS3Uri: 's3://vwml-ground-truth-666666666666/weld-gun-pm/' };
    // data capture, the monitor and the inference API need always-on serving (DEV and INT scale to zero by default)
    const { app } = useCase({ dev: { ...all, servingMode: ServingMode.ALWAYS_ON }, int: { ...all, servingMode: ServingMode.ALWAYS_ON }, prod: all });
    const report = ComplianceCheck.run(app);
    expect(report.errors.map((f) => `${f.ruleId} ${f.constructPath}`)).toEqual([]);
  });

  test('no role is granted an action the platform boundary of its account blocks', () => {
    const all = { inferenceApi: true, batchInference: true, batchSchedule: 'rate(1 day)', modelMonitor: true, groundTruthS3Uri: 's3://vwml-gt/x/' };
    // DEV scales to zero (the default: the smoke test's inference-component rights), INT and PROD always on with every extension
    const { uc } = useCase({ dev: { batchInference: true }, int: { ...all, servingMode: ServingMode.ALWAYS_ON }, prod: all });
    const platform = new MlopsPlatform(new App(), 'Platform', { config: PlatformConfig.sample() });
    const problems: Record<string, string[]> = {};
    for (const s of uc.stacks) {
      const boundaryStack = platform.stack(s.platformAccount);
      const boundary = Stack.of(boundaryStack).resolve(boundaryStack.guardrails.permissionsBoundary.document);
      for (const [role, actions] of Object.entries(actionsOutsideBoundary(Template.fromStack(s).toJSON(), boundary))) problems[`${s.stackName}/${role}`] = actions;
    }
    expect(problems).toEqual({});
  });

  test('bad use-case names fail before any stack exists', () => {
    const app = new App();
    expect(() => new MlopsUseCase(app, 'X', { platform: PlatformConfig.sample(), useCaseName: 'Weld_Gun' })).toThrow(
      /useCaseName: "Weld_Gun" may only contain lowercase letters, digits and single hyphens, starting with a letter; for example "weld-gun"/,
    );
    expect(() => new MlopsUseCase(app, 'Y', { platform: PlatformConfig.sample(), useCaseName: 'a-very-long-use-case-name' })).toThrow(/must have 2 to 20 characters/);
    expect(app.synth().stacks).toHaveLength(0);
    expect(useCase().uc.serving(PlatformAccount.INT).stackName).toBe('vwml-weld-gun-pm-serving-int');
  });
});

describe('MlopsUseCase: per-stage monitoring cadence', () => {
  const GT = 's3://vwml-gt/weld-gun-pm/';
  /** [monitoring type, schedule expression] of each monitoring schedule, and the job instance types, of a stack. */
  function monitoring(stack: Stack) {
    const t = Template.fromStack(stack);
    const schedules = Object.values(t.findResources('AWS::SageMaker::MonitoringSchedule'))
      .map((r: any) => `${r.Properties.MonitoringScheduleConfig.MonitoringType} ${r.Properties.MonitoringScheduleConfig.ScheduleConfig.ScheduleExpression}`)
      .sort();
    const instances = [
      ...Object.values(t.findResources('AWS::SageMaker::DataQualityJobDefinition')),
      ...Object.values(t.findResources('AWS::SageMaker::ModelQualityJobDefinition')),
    ].map((r: any) => r.Properties.JobResources.ClusterConfig.InstanceType);
    return { schedules, instances };
  }

  test('by default hourly data quality in PROD, daily in DEV and INT, daily model quality, jobs on ml.m5.large', () => {
    const on = { modelMonitor: true, groundTruthS3Uri: GT };
    // monitoring reads data capture, which needs an always-on endpoint (DEV and INT scale to zero by default)
    const alwaysOn = { ...on, servingMode: ServingMode.ALWAYS_ON };
    const { uc } = useCase({ dev: alwaysOn, int: alwaysOn, prod: on, pinnedModelPackageArn: PINNED });
    expect(monitoring(uc.dev)).toEqual({ schedules: ['DataQuality cron(0 0 ? * * *)', 'ModelQuality cron(0 0 ? * * *)'], instances: ['ml.m5.large', 'ml.m5.large'] });
    expect(monitoring(uc.int)).toEqual({ schedules: ['DataQuality cron(0 0 ? * * *)', 'ModelQuality cron(0 0 ? * * *)'], instances: ['ml.m5.large', 'ml.m5.large'] });
    expect(monitoring(uc.prod)).toEqual({ schedules: ['DataQuality cron(0 * ? * * *)', 'ModelQuality cron(0 0 ? * * *)'], instances: ['ml.m5.large', 'ml.m5.large'] });
  });

  test('each stage chooses its cadence and instance type; off keeps the monitor, the ground truth and the alarms but runs nothing', () => {
    const { uc } = useCase({
      dev: { servingMode: ServingMode.ALWAYS_ON, modelMonitor: true, modelQuality: true, monitoringSchedule: 'off' },
      int: { servingMode: ServingMode.ALWAYS_ON, modelMonitor: true, monitoringSchedule: 'cron(0 0/6 ? * * *)' },
      prod: { modelMonitor: true, groundTruthS3Uri: GT, monitoringSchedule: 'cron(0 2 ? * * *)', monitoringInstanceType: 'ml.m5.xlarge' },
      pinnedModelPackageArn: PINNED,
    });
    expect(monitoring(uc.dev)).toEqual({ schedules: [], instances: ['ml.m5.large', 'ml.m5.large'] });
    const dev = Template.fromStack(uc.dev);
    dev.hasResourceProperties('AWS::S3::Bucket', { BucketName: 'vwml-weld-gun-pm-dev-labels-444444444444' });
    dev.resourceCountIs('AWS::SageMaker::DataQualityJobDefinition', 1);
    expect(uc.serving(PlatformAccount.DEV).modelMonitor!.executionFailureAlarm).toBeDefined();
    expect(monitoring(uc.int)).toEqual({ schedules: ['DataQuality cron(0 0/6 ? * * *)'], instances: ['ml.m5.large'] });
    expect(monitoring(uc.prod)).toEqual({ schedules: ['DataQuality cron(0 2 ? * * *)', 'ModelQuality cron(0 0 ? * * *)'], instances: ['ml.m5.xlarge', 'ml.m5.xlarge'] });
  });

  test.each([
    ['a rate expression', { monitoringSchedule: 'rate(1 hour)' }, /prod.monitoringSchedule "rate\(1 hour\)" is not a Model Monitor schedule; SageMaker accepts "cron\(0 \* \? \* \* \*\)" \(hourly\).*; or "off" for no schedule/],
    ['minutes', { monitoringSchedule: 'cron(15 * ? * * *)' }, /prod.monitoringSchedule "cron\(15 \* \? \* \* \*\)" is not a Model Monitor schedule/],
    ['a one-off NOW', { monitoringSchedule: 'NOW' }, /prod.monitoringSchedule "NOW" is a one-off run, not a schedule/],
    ['an hour out of range', { monitoringSchedule: 'cron(0 25 ? * * *)' }, /prod.monitoringSchedule "cron\(0 25 \? \* \* \*\)": the hour 25 is not from 0 to 23/],
    ['an instance type without ml.', { monitoringInstanceType: 'm5.large' }, /prod.monitoringInstanceType "m5.large" is not a SageMaker instance type; write e.g. "ml.m5.large"/],
  ])('%s fails at synth time naming the field', (_name, bad, message) => {
    expect(() => useCase({ prod: { modelMonitor: true, ...bad }, pinnedModelPackageArn: PINNED })).toThrow(message);
  });
});

describe('MlopsUseCase: the use case\'s own pipeline definition', () => {
  test('replaces the sample pipeline, with the placeholders filled in by the training stack', () => {
    const definition = PredictiveMaintenancePipeline.definition({
      pipelineName: 'vwml-weld-gun-pm-build',
      region: 'eu-central-1',
      roleArn: PipelinePlaceholder.ROLE_ARN,
      bucketName: PipelinePlaceholder.ARTIFACT_BUCKET_NAME,
      kmsKeyArn: PipelinePlaceholder.KMS_KEY_ARN,
      subnetIds: [PipelinePlaceholder.SUBNET_IDS],
      securityGroupIds: [PipelinePlaceholder.SECURITY_GROUP_IDS],
      modelPackageGroupName: 'vwml-weld-gun-pm',
      jobNamePrefix: 'vwml-weld-gun-pm--',
      f1Threshold: 0.85,
    });
    const { uc } = useCase({ pipelineDefinition: PipelineDefinitionSource.fromDefinition(definition) });
    const pipeline = Object.values(Template.fromStack(uc.training).findResources('AWS::SageMaker::Pipeline'))[0] as any;
    const body = JSON.stringify(pipeline.Properties.PipelineDefinition);
    expect(body).toContain('0.85');
    expect(body).not.toContain('{{ModelBuildPipeline.');
  });
});

describe('MlopsUseCase: images', () => {
  test('the endpoint role may pull the sklearn framework image and the central registry images, nothing else', () => {
    const { uc } = useCase();
    const policies = JSON.stringify(Template.fromStack(uc.dev).findResources('AWS::IAM::ManagedPolicy'));
    expect(policies).toContain('arn:aws:ecr:eu-central-1:492215442770:repository/sagemaker-scikit-learn');
    for (const r of ['ml-processing', 'ml-training', 'ml-inference']) expect(policies).toContain(`arn:aws:ecr:eu-central-1:333333333333:repository/vwml/${r}`);
  });
});
