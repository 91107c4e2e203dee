import { App, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  ComplianceCheck,
  EndpointInstanceType,
  EndpointModelSource,
  ModelMonitor,
  ModelMonitorProps,
  ModelQualityMetric,
  ModelQualityProblemType,
  MonitoringBaseline,
  MonitoringSchedule,
  RealtimeEndpoint,
  RetrainingTarget,
  SecureBucket,
} from '../../../src';
import { isolatedNetwork } from '../../helpers/network';
import { testStack } from '../../helpers/stacks';

const STATISTICS = 's3://exp-model-artifacts/churn/3/data-quality/statistics.json';
const CONSTRAINTS = 's3://exp-model-artifacts/churn/3/data-quality/constraints.json';
const GROUND_TRUTH = 's3://churn-ground-truth/labels';
const IMAGE_EU_CENTRAL_1 = '048819808253.dkr.ecr.eu-central-1.amazonaws.com/sagemaker-model-monitor-analyzer';
const PIPELINE = 'arn:aws:sagemaker:eu-central-1:222222222222:pipeline/churn-build';
const EXP_BUS = 'arn:aws:events:eu-central-1:111111111111:event-bus/mlops-retraining';

interface Fixture {
  app: App;
  stack: Stack;
  vpc: ec2.Vpc;
  key: kms.Key;
  capture: SecureBucket;
}

/** A stack with an isolated VPC, a KMS key and the endpoint's capture bucket, as the other concerns provide them. */
function fixture(id = 'Test', env?: { account: string; region: string }): Fixture {
  const { app, stack } = env ? testStack(id, env) : testStack(id);
  const { key, vpc, flowLogs } = isolatedNetwork(stack);
  const capture = new SecureBucket(stack, 'Capture', { encryptionKey: key, accessLogsBucket: flowLogs.accessLogsBucket });
  return { app, stack, vpc, key, capture };
}

function monitor(f: Fixture, props: Partial<ModelMonitorProps> = {}): ModelMonitor {
  return new ModelMonitor(f.stack, 'Monitor', {
    endpointName: 'churn-prod',
    dataCaptureBucket: f.capture.bucket,
    encryptionKey: f.key,
    vpc: f.vpc,
    ...props,
  });
}

/** A monitor with both monitors, alarms and a retraining pipeline. */
function fullMonitor(f: Fixture, props: Partial<ModelMonitorProps> = {}): ModelMonitor {
  return monitor(f, {
    dataQuality: {
      baseline: MonitoringBaseline.fromDriftCheckBaselines(STATISTICS, CONSTRAINTS),
      driftAlarms: [{ featureName: 'tenure', threshold: 0.2 }, { featureName: 'monthly_charges' }],
    },
    modelQuality: {
      problemType: ModelQualityProblemType.BINARY_CLASSIFICATION,
      groundTruthS3Uri: GROUND_TRUTH,
      probabilityAttribute: '0',
      probabilityThresholdAttribute: 0.5,
      startTimeOffset: '-P1D',
      endTimeOffset: '-PT1H',
      alarms: [{ metric: ModelQualityMetric.AUC, threshold: 0.75 }],
    },
    retrainingTarget: RetrainingTarget.sageMakerPipeline(PIPELINE, { parameters: { TriggeredBy: 'drift' } }),
    ...props,
  });
}

function ref(t: Template, type: string, pattern = '.*'): string {
  const ids = Object.keys(t.findResources(type)).filter((id) => new RegExp(pattern).test(id));
  if (ids.length !== 1) throw new Error(`expected one ${type} matching ${pattern}, found ${ids.join(', ')}`);
  return ids[0];
}

function only(t: Template, type: string): any {
  const all = Object.values(t.findResources(type)) as any[];
  expect(all).toHaveLength(1);
  return all[0];
}

function roleStatements(t: Template): Record<string, any> {
  const policy = t.findResources('AWS::IAM::ManagedPolicy')[ref(t, 'AWS::IAM::ManagedPolicy', '^MonitorRolePolicy')] as any;
  const bySid: Record<string, any> = {};
  for (const s of policy.Properties.PolicyDocument.Statement) bySid[s.Sid] = s;
  return bySid;
}

function acknowledgements(report: ReturnType<typeof ComplianceCheck.run>): Array<{ ruleId: string; constructPath: string; reason: string }> {
  const seen = new Map<string, { ruleId: string; constructPath: string; reason: string }>();
  for (const a of report.acknowledgements) seen.set(`${a.constructPath} ${a.ruleId}`, a);
  return [...seen.values()];
}

describe('ModelMonitor: job definitions', () => {
  test('data quality: the eu-central-1 analyzer, the drift check baselines, KMS, VPC, isolation and encryption in transit', () => {
    const f = fixture();
    fullMonitor(f);
    const t = Template.fromStack(f.stack);
    const keyArn = { 'Fn::GetAtt': [ref(t, 'AWS::KMS::Key'), 'Arn'] };
    const sg = ref(t, 'AWS::EC2::SecurityGroup', '^MonitorSecurityGroup');
    const definition = only(t, 'AWS::SageMaker::DataQualityJobDefinition');
    expect(definition.Properties).toEqual({
      JobDefinitionName: expect.stringMatching(/^churn-prod-dq-[0-9a-f]{8}$/),
      EndpointName: 'churn-prod',
      DataQualityAppSpecification: { ImageUri: IMAGE_EU_CENTRAL_1, Environment: { publish_cloudwatch_metrics: 'Enabled' } },
      DataQualityBaselineConfig: { StatisticsResource: { S3Uri: STATISTICS }, ConstraintsResource: { S3Uri: CONSTRAINTS } },
      DataQualityJobInput: {
        EndpointInput: { EndpointName: 'churn-prod', LocalPath: '/opt/ml/processing/input/endpoint', S3InputMode: 'File', S3DataDistributionType: 'FullyReplicated' },
      },
      DataQualityJobOutputConfig: {
        KmsKeyId: keyArn,
        MonitoringOutputs: [
          {
            S3Output: {
              LocalPath: '/opt/ml/processing/output',
              S3Uri: { 'Fn::Join': ['', ['s3://', { Ref: ref(t, 'AWS::S3::Bucket', '^MonitorReportsBucket') }, '/model-monitor/data-quality']] },
              S3UploadMode: 'EndOfJob',
            },
          },
        ],
      },
      JobResources: { ClusterConfig: { InstanceCount: 1, InstanceType: 'ml.m5.large', VolumeSizeInGB: 30, VolumeKmsKeyId: keyArn } },
      NetworkConfig: {
        EnableInterContainerTrafficEncryption: true,
        EnableNetworkIsolation: true,
        VpcConfig: {
          SecurityGroupIds: [{ 'Fn::GetAtt': [sg, 'GroupId'] }],
          Subnets: f.vpc.isolatedSubnets.map((s) => ({ Ref: f.stack.getLogicalId(s.node.defaultChild as ec2.CfnSubnet) })),
        },
      },
      RoleArn: { 'Fn::GetAtt': [ref(t, 'AWS::IAM::Role', '^MonitorRole[0-9A-F]'), 'Arn'] },
      StoppingCondition: { MaxRuntimeInSeconds: 3600 },
    });
    expect(definition.DependsOn).toEqual([ref(t, 'AWS::IAM::ManagedPolicy', '^MonitorRolePolicy')]);
    // the job security group only lets HTTPS out (to the S3 gateway and the interface endpoints)
    t.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('Model Monitor jobs of churn-prod'),
      SecurityGroupEgress: [{ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Description: Match.anyValue() }],
    });
  });

  test('model quality: problem type, ground truth, attributes, time window and baseline constraints', () => {
    const f = fixture();
    fullMonitor(f, {
      modelQuality: {
        problemType: ModelQualityProblemType.BINARY_CLASSIFICATION,
        groundTruthS3Uri: GROUND_TRUTH,
        inferenceAttribute: '1',
        probabilityAttribute: '0',
        probabilityThresholdAttribute: 0.6,
        startTimeOffset: '-P1D',
        endTimeOffset: '-PT1H',
        baseline: MonitoringBaseline.fromDriftCheckBaselines('s3://exp-model-artifacts/churn/3/model-quality/statistics.json', 's3://exp-model-artifacts/churn/3/model-quality/constraints.json'),
        alarms: [{ metric: ModelQualityMetric.AUC, threshold: 0.75 }],
      },
    });
    const t = Template.fromStack(f.stack);
    const definition = only(t, 'AWS::SageMaker::ModelQualityJobDefinition');
    expect(definition.Properties).toMatchObject({
      JobDefinitionName: expect.stringMatching(/^churn-prod-mq-[0-9a-f]{8}$/),
      EndpointName: 'churn-prod',
      ModelQualityAppSpecification: { ImageUri: IMAGE_EU_CENTRAL_1, ProblemType: 'BinaryClassification', Environment: { publish_cloudwatch_metrics: 'Enabled' } },
      // model-quality baselines are constraints only
      ModelQualityBaselineConfig: { ConstraintsResource: { S3Uri: 's3://exp-model-artifacts/churn/3/model-quality/constraints.json' } },
      ModelQualityJobInput: {
        EndpointInput: {
          EndpointName: 'churn-prod',
          LocalPath: '/opt/ml/processing/input/endpoint',
          InferenceAttribute: '1',
          ProbabilityAttribute: '0',
          ProbabilityThresholdAttribute: 0.6,
          StartTimeOffset: '-P1D',
          EndTimeOffset: '-PT1H',
        },
        GroundTruthS3Input: { S3Uri: GROUND_TRUTH },
      },
      NetworkConfig: { EnableInterContainerTrafficEncryption: true, EnableNetworkIsolation: true },
      JobResources: { ClusterConfig: { VolumeKmsKeyId: { 'Fn::GetAtt': [ref(t, 'AWS::KMS::Key'), 'Arn'] } } },
    });
    expect(definition.Properties.ModelQualityBaselineConfig.StatisticsResource).toBeUndefined();
  });

  test('a baselining job, no baseline, an instance type with local storage and more instances', () => {
    const f = fixture();
    monitor(f, {
      dataQuality: { baseline: MonitoringBaseline.fromBaselineJob('churn-baseline-2024-05-01', 's3://churn-baselines/2024-05-01') },
      modelQuality: { problemType: ModelQualityProblemType.REGRESSION, groundTruthS3Uri: GROUND_TRUTH },
      instanceType: EndpointInstanceType.of('ml.r5d.xlarge'),
      instanceCount: 2,
      volumeSizeInGb: 50,
      maxRuntime: Duration.minutes(30),
    });
    const t = Template.fromStack(f.stack);
    const dq = only(t, 'AWS::SageMaker::DataQualityJobDefinition').Properties;
    expect(dq.DataQualityBaselineConfig).toEqual({ BaseliningJobName: 'churn-baseline-2024-05-01' });
    // SageMaker refuses a volume key for instance types with local NVMe storage
    expect(dq.JobResources).toEqual({ ClusterConfig: { InstanceCount: 2, InstanceType: 'ml.r5d.xlarge', VolumeSizeInGB: 50 } });
    expect(dq.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 1800 });
    const mq = only(t, 'AWS::SageMaker::ModelQualityJobDefinition').Properties;
    expect(mq.ModelQualityBaselineConfig).toBeUndefined();
    expect(mq.ModelQualityAppSpecification.ProblemType).toBe('Regression');
    // the job reads the baselining job's outputs
    expect(roleStatements(t).ReadTheBaselines.Resource).toBe('arn:aws:s3:::churn-baselines/2024-05-01/*');
    // distributed jobs talk between their instances
    t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { IpProtocol: 'tcp', FromPort: 0, ToPort: 65535 });
  });

  test('the job definition name follows its content, so that CloudFormation can replace it', () => {
    const a = fixture('A');
    monitor(a);
    const b = fixture('B');
    monitor(b, { volumeSizeInGb: 60 });
    const name = (f: Fixture) => only(Template.fromStack(f.stack), 'AWS::SageMaker::DataQualityJobDefinition').Properties.JobDefinitionName;
    expect(name(a)).not.toEqual(name(b));
  });

  test('the analyzer image: an override, China regions and environment-agnostic stacks', () => {
    const override = '123456789012.dkr.ecr.eu-central-1.amazonaws.com/sagemaker-model-monitor-analyzer:2.0';
    const a = fixture('A');
    monitor(a, { analyzerImageUri: override });
    expect(only(Template.fromStack(a.stack), 'AWS::SageMaker::DataQualityJobDefinition').Properties.DataQualityAppSpecification.ImageUri).toBe(override);

    const china = fixture('China', { account: '222222222222', region: 'cn-north-1' });
    monitor(china);
    expect(only(Template.fromStack(china.stack), 'AWS::SageMaker::DataQualityJobDefinition').Properties.DataQualityAppSpecification.ImageUri).toBe(
      '453000072557.dkr.ecr.cn-north-1.amazonaws.com.cn/sagemaker-model-monitor-analyzer',
    );

    const app = new App();
    const agnostic = new Stack(app, 'Agnostic');
    const key = new kms.Key(agnostic, 'Key', { enableKeyRotation: true });
    const vpc = new ec2.Vpc(agnostic, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const capture = new SecureBucket(agnostic, 'Capture', { encryptionKey: key });
    new ModelMonitor(agnostic, 'Monitor', { endpointName: 'churn-prod', dataCaptureBucket: capture.bucket, encryptionKey: key, vpc });
    const t = Template.fromStack(agnostic);
    expect(t.toJSON().Mappings.ModelMonitorAnalyzerRegistries['eu-central-1']).toEqual({ account: '048819808253' });
    expect(only(t, 'AWS::SageMaker::DataQualityJobDefinition').Properties.DataQualityAppSpecification.ImageUri).toEqual({
      'Fn::Join': [
        '',
        [
          { 'Fn::FindInMap': ['ModelMonitorAnalyzerRegistries', { Ref: 'AWS::Region' }, 'account'] },
          '.dkr.ecr.',
          { Ref: 'AWS::Region' },
          '.',
          { Ref: 'AWS::URLSuffix' },
          '/sagemaker-model-monitor-analyzer',
        ],
      ],
    });
  });
});

describe('ModelMonitor: schedules', () => {
  test('hourly data quality and daily model quality by default, named after the endpoint, after their definitions', () => {
    const f = fixture();
    const m = fullMonitor(f);
    const t = Template.fromStack(f.stack);
    const dq = t.findResources('AWS::SageMaker::MonitoringSchedule')[ref(t, 'AWS::SageMaker::MonitoringSchedule', '^MonitorDataQuality')] as any;
    const dqDefinition = only(t, 'AWS::SageMaker::DataQualityJobDefinition');
    expect(dq.Properties).toEqual({
      MonitoringScheduleName: 'churn-prod-data-quality',
      EndpointName: 'churn-prod',
      MonitoringScheduleConfig: {
        MonitoringJobDefinitionName: dqDefinition.Properties.JobDefinitionName,
        MonitoringType: 'DataQuality',
        ScheduleConfig: { ScheduleExpression: 'cron(0 * ? * * *)' },
      },
    });
    expect(dq.DependsOn).toEqual([ref(t, 'AWS::SageMaker::DataQualityJobDefinition')]);
    const mq = t.findResources('AWS::SageMaker::MonitoringSchedule')[ref(t, 'AWS::SageMaker::MonitoringSchedule', '^MonitorModelQuality')] as any;
    expect(mq.Properties).toEqual({
      MonitoringScheduleName: 'churn-prod-model-quality',
      EndpointName: 'churn-prod',
      MonitoringScheduleConfig: {
        MonitoringJobDefinitionName: only(t, 'AWS::SageMaker::ModelQualityJobDefinition').Properties.JobDefinitionName,
        MonitoringType: 'ModelQuality',
        ScheduleConfig: { ScheduleExpression: 'cron(0 0 ? * * *)' },
      },
    });
    expect(mq.DependsOn).toEqual([ref(t, 'AWS::SageMaker::ModelQualityJobDefinition')]);
    expect(m.dataQualityScheduleName).toBe('churn-prod-data-quality');
    expect(m.modelQualityScheduleName).toBe('churn-prod-model-quality');
  });

  test('custom expressions set the alarm periods; a schedule name prefix; no model quality by default', () => {
    const f = fixture();
    const m = monitor(f, {
      scheduleNamePrefix: 'churn',
      dataQuality: {
        scheduleExpression: 'cron(0 0/6 ? * * *)',
        baseline: MonitoringBaseline.fromDriftCheckBaselines(STATISTICS, CONSTRAINTS),
        driftAlarms: [{ featureName: 'tenure' }],
      },
    });
    const t = Template.fromStack(f.stack);
    t.resourceCountIs('AWS::SageMaker::ModelQualityJobDefinition', 0);
    t.resourceCountIs('AWS::SageMaker::MonitoringSchedule', 1);
    expect(m.modelQualitySchedule).toBeUndefined();
    t.hasResourceProperties('AWS::SageMaker::MonitoringSchedule', {
      MonitoringScheduleName: 'churn-data-quality',
      MonitoringScheduleConfig: { ScheduleConfig: { ScheduleExpression: 'cron(0 0/6 ? * * *)' } },
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'feature_baseline_drift_tenure',
      Period: 21600,
      Threshold: 0.1,
      Dimensions: [
        { Name: 'Endpoint', Value: 'churn-prod' },
        { Name: 'MonitoringSchedule', Value: 'churn-data-quality' },
      ],
    });
  });
});

describe('ModelMonitor: alarms and notifications', () => {
  test('feature drift alarms on the data metrics, over the last three executions', () => {
    const f = fixture();
    const m = fullMonitor(f);
    const t = Template.fromStack(f.stack);
    const topic = { Ref: ref(t, 'AWS::SNS::Topic') };
    const alarm = t.findResources('AWS::CloudWatch::Alarm')[ref(t, 'AWS::CloudWatch::Alarm', '^MonitorDriftAlarmtenure')] as any;
    expect(alarm.Properties).toEqual({
      Namespace: 'aws/sagemaker/Endpoints/data-metrics',
      MetricName: 'feature_baseline_drift_tenure',
      Dimensions: [
        { Name: 'Endpoint', Value: 'churn-prod' },
        { Name: 'MonitoringSchedule', Value: 'churn-prod-data-quality' },
      ],
      Statistic: 'Maximum',
      Period: 3600,
      Threshold: 0.2,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      TreatMissingData: 'notBreaching',
      AlarmActions: [topic],
      AlarmDescription: expect.stringMatching(/^Feature tenure .* drifts from its baseline \(distance above 0.2\) in 3 of 3/),
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'feature_baseline_drift_monthly_charges', Threshold: 0.1 });
    expect(m.featureDriftAlarms).toHaveLength(2);
  });

  test('model-quality alarms go off when a score falls or an error rises, per execution of the daily schedule', () => {
    const f = fixture();
    monitor(f, {
      modelQuality: {
        problemType: ModelQualityProblemType.REGRESSION,
        groundTruthS3Uri: GROUND_TRUTH,
        alarms: [
          { metric: ModelQualityMetric.RMSE, threshold: 12.5 },
          { metric: ModelQualityMetric.R2, threshold: 0.6 },
        ],
      },
      alarmOptions: { evaluationPeriods: 5, datapointsToAlarm: 2 },
    });
    const t = Template.fromStack(f.stack);
    const dims = [
      { Name: 'Endpoint', Value: 'churn-prod' },
      { Name: 'MonitoringSchedule', Value: 'churn-prod-model-quality' },
    ];
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'aws/sagemaker/Endpoints/model-metrics',
      MetricName: 'rmse',
      Dimensions: dims,
      Statistic: 'Maximum',
      Period: 86400,
      Threshold: 12.5,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 5,
      DatapointsToAlarm: 2,
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'aws/sagemaker/Endpoints/model-metrics',
      MetricName: 'r2',
      Dimensions: dims,
      Statistic: 'Minimum',
      Threshold: 0.6,
      ComparisonOperator: 'LessThanThreshold',
    });
  });

  test('failed executions: an EventBridge rule on failed jobs of the monitoring role notifies the topic (through a role), and an alarm counts them', () => {
    const f = fixture();
    const m = monitor(f);
    const t = Template.fromStack(f.stack);
    const rule = t.findResources('AWS::Events::Rule')[ref(t, 'AWS::Events::Rule', '^MonitorExecutionFailureRule')] as any;
    expect(rule.Properties.EventPattern).toEqual({
      'source': ['aws.sagemaker'],
      'detail-type': ['SageMaker Processing Job State Change'],
      'detail': { ProcessingJobStatus: ['Failed'], RoleArn: [{ 'Fn::GetAtt': [ref(t, 'AWS::IAM::Role', '^MonitorRole[0-9A-F]'), 'Arn'] }] },
    });
    expect(rule.Properties.Targets).toEqual([
      {
        Id: 'Target0',
        Arn: { Ref: ref(t, 'AWS::SNS::Topic') },
        RoleArn: { 'Fn::GetAtt': [ref(t, 'AWS::IAM::Role', '^MonitorRulesRole'), 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [ref(t, 'AWS::SQS::Queue'), 'Arn'] } },
        RetryPolicy: { MaximumEventAgeInSeconds: 21600, MaximumRetryAttempts: 10 },
        InputTransformer: {
          InputPathsMap: { 'detail-ProcessingJobName': '$.detail.ProcessingJobName', 'detail-FailureReason': '$.detail.FailureReason' },
          InputTemplate: '"Model Monitor execution <detail-ProcessingJobName> of the SageMaker endpoint churn-prod failed: <detail-FailureReason>"',
        },
      },
    ]);
    expect(rule.DependsOn).toEqual([ref(t, 'AWS::IAM::ManagedPolicy', '^MonitorRulesPolicy')]);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Events',
      MetricName: 'TriggeredRules',
      Dimensions: [{ Name: 'RuleName', Value: { Ref: ref(t, 'AWS::Events::Rule', '^MonitorExecutionFailureRule') } }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: ref(t, 'AWS::SNS::Topic') }],
    });
    expect(m.alarms).toEqual([m.executionFailureAlarm]);
    // no drift alarm, so no composite alarm and no retraining rule
    t.resourceCountIs('AWS::CloudWatch::CompositeAlarm', 0);
    expect(m.driftAlarm).toBeUndefined();
    expect(m.retrainingRule).toBeUndefined();
  });

  test('the topic is KMS-encrypted and TLS-only; the key lets CloudWatch alarms and EventBridge (for the dead-letter queue) use it', () => {
    const f = fixture();
    monitor(f);
    const t = Template.fromStack(f.stack);
    const keyArn = { 'Fn::GetAtt': [ref(t, 'AWS::KMS::Key'), 'Arn'] };
    t.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: keyArn });
    // the topic policy admits no service principal: EventBridge publishes with the rules role
    const topicPolicy = only(t, 'AWS::SNS::TopicPolicy');
    expect(topicPolicy.Properties.PolicyDocument.Statement).toEqual([
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    ]);
    const key = only(t, 'AWS::KMS::Key');
    expect(key.Properties.KeyPolicy.Statement).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Sid: 'AllowCloudWatchAlarmsToPublishToEncryptedTopics', Principal: { Service: 'cloudwatch.amazonaws.com' } }),
        expect.objectContaining({
          Sid: 'AllowEventBridgeRulesOfThisAccountToDeliverToEncryptedTargets',
          Principal: { Service: 'events.amazonaws.com' },
          // EventBridge's deliveries reach KMS through SQS/SNS: kms:ViaService, never aws:SourceAccount
          Condition: { StringEquals: { 'kms:ViaService': ['sqs.eu-central-1.amazonaws.com', 'sns.eu-central-1.amazonaws.com'] } },
        }),
      ]),
    );
    t.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: keyArn, MessageRetentionPeriod: 1209600 });
    const rules = t.findResources('AWS::IAM::ManagedPolicy')[ref(t, 'AWS::IAM::ManagedPolicy', '^MonitorRulesPolicy')] as any;
    expect(rules.Properties.PolicyDocument.Statement).toEqual([
      { Sid: 'NotifyTheTopic', Effect: 'Allow', Action: 'sns:Publish', Resource: { Ref: ref(t, 'AWS::SNS::Topic') } },
      { Sid: 'EncryptTheNotifications', Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: keyArn },
    ]);
  });

  test('a given topic is used as it is', () => {
    const f = fixture();
    const topic = new sns.Topic(f.stack, 'OnCall', { masterKey: f.key, enforceSSL: true });
    const m = monitor(f, { topic });
    const t = Template.fromStack(f.stack);
    t.resourceCountIs('AWS::SNS::Topic', 1);
    expect(m.topic).toBe(topic);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: [{ Ref: ref(t, 'AWS::SNS::Topic', '^OnCall') }] });
  });
});

describe('ModelMonitor: persistent drift and retraining', () => {
  test('a composite drift alarm; its ALARM state starts the model-building pipeline with parameters, retries and a dead-letter queue', () => {
    const f = fixture();
    const m = fullMonitor(f);
    const t = Template.fromStack(f.stack);
    const composite = only(t, 'AWS::CloudWatch::CompositeAlarm');
    expect(composite.Properties.AlarmRule).toEqual({
      'Fn::Join': [
        '',
        [
          '(ALARM("',
          { 'Fn::GetAtt': [ref(t, 'AWS::CloudWatch::Alarm', '^MonitorDriftAlarmtenure'), 'Arn'] },
          '") OR ALARM("',
          { 'Fn::GetAtt': [ref(t, 'AWS::CloudWatch::Alarm', '^MonitorDriftAlarmmonthlycharges'), 'Arn'] },
          '") OR ALARM("',
          { 'Fn::GetAtt': [ref(t, 'AWS::CloudWatch::Alarm', '^MonitorQualityAlarmauc'), 'Arn'] },
          '"))',
        ],
      ],
    });
    expect(composite.Properties.AlarmActions).toEqual([{ Ref: ref(t, 'AWS::SNS::Topic') }]);
    const rule = t.findResources('AWS::Events::Rule')[ref(t, 'AWS::Events::Rule', '^MonitorRetrainingRule')] as any;
    expect(rule.Properties.EventPattern).toEqual({
      'source': ['aws.cloudwatch'],
      'detail-type': ['CloudWatch Alarm State Change'],
      'resources': [{ 'Fn::GetAtt': [ref(t, 'AWS::CloudWatch::CompositeAlarm'), 'Arn'] }],
      'detail': { state: { value: ['ALARM'] } },
    });
    expect(rule.Properties.Targets).toEqual([
      {
        Id: 'Target0',
        Arn: PIPELINE,
        RoleArn: { 'Fn::GetAtt': [ref(t, 'AWS::IAM::Role', '^MonitorRulesRole'), 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [ref(t, 'AWS::SQS::Queue'), 'Arn'] } },
        RetryPolicy: { MaximumRetryAttempts: 20, MaximumEventAgeInSeconds: 86400 },
        SageMakerPipelineParameters: { PipelineParameterList: [{ Name: 'TriggeredBy', Value: 'drift' }] },
      },
    ]);
    const rules = t.findResources('AWS::IAM::ManagedPolicy')[ref(t, 'AWS::IAM::ManagedPolicy', '^MonitorRulesPolicy')] as any;
    expect(rules.Properties.PolicyDocument.Statement).toContainEqual({
      Sid: 'StartTheModelBuildingPipeline',
      Effect: 'Allow',
      Action: 'sagemaker:StartPipelineExecution',
      Resource: PIPELINE,
    });
    t.hasResourceProperties('AWS::IAM::Role', {
      Description: Match.stringLikeRegexp('EventBridge rules'),
      AssumeRolePolicyDocument: {
        Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': '222222222222' } } }],
      },
    });
    // the dead-letter queue takes failed deliveries of exactly these two rules
    const queuePolicy = only(t, 'AWS::SQS::QueuePolicy');
    const allowed = queuePolicy.Properties.PolicyDocument.Statement.filter((s: any) => s.Effect === 'Allow');
    expect(allowed.map((s: any) => s.Condition.ArnEquals['aws:SourceArn'])).toEqual([
      { 'Fn::GetAtt': [ref(t, 'AWS::Events::Rule', '^MonitorExecutionFailureRule'), 'Arn'] },
      { 'Fn::GetAtt': [ref(t, 'AWS::Events::Rule', '^MonitorRetrainingRule'), 'Arn'] },
    ]);
    expect(m.alarms).toHaveLength(4);
    expect(m.retrainingRule).toBeDefined();
  });

  test('cross-account: the event goes to the bus of the pipeline account (no retry policy on bus targets)', () => {
    const f = fixture();
    fullMonitor(f, { retrainingTarget: RetrainingTarget.eventBus(EXP_BUS) });
    const t = Template.fromStack(f.stack);
    const rule = t.findResources('AWS::Events::Rule')[ref(t, 'AWS::Events::Rule', '^MonitorRetrainingRule')] as any;
    expect(rule.Properties.Targets).toEqual([
      {
        Id: 'Target0',
        Arn: EXP_BUS,
        RoleArn: { 'Fn::GetAtt': [ref(t, 'AWS::IAM::Role', '^MonitorRulesRole'), 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [ref(t, 'AWS::SQS::Queue'), 'Arn'] } },
      },
    ]);
    const rules = t.findResources('AWS::IAM::ManagedPolicy')[ref(t, 'AWS::IAM::ManagedPolicy', '^MonitorRulesPolicy')] as any;
    expect(rules.Properties.PolicyDocument.Statement).toContainEqual({ Sid: 'ForwardToTheRetrainingEventBus', Effect: 'Allow', Action: 'events:PutEvents', Resource: EXP_BUS });
  });
});

describe('ModelMonitor: the monitoring role', () => {
  test('reads the endpoint captures, the baselines and the ground truth; writes the reports; bounded', () => {
    const f = fixture();
    const boundary = new iam.ManagedPolicy(f.stack, 'Boundary', { statements: [new iam.PolicyStatement({ actions: ['sagemaker:*'], resources: ['*'] })] });
    const baselinesKey = kms.Key.fromKeyArn(f.stack, 'BaselinesKey', 'arn:aws:kms:eu-central-1:111111111111:key/11111111-2222-3333-4444-555555555555');
    fullMonitor(f, { permissionsBoundary: boundary, decryptionKeys: [baselinesKey] });
    const t = Template.fromStack(f.stack);
    const keyArn = { 'Fn::GetAtt': [ref(t, 'AWS::KMS::Key'), 'Arn'] };
    const capture = ref(t, 'AWS::S3::Bucket', '^CaptureBucket');
    const reports = ref(t, 'AWS::S3::Bucket', '^MonitorReportsBucket');
    const s = roleStatements(t);
    expect(Object.keys(s).sort()).toEqual(
      [
        'CreateGrantsForTheJobVolumes',
        'CreateNetworkInterfacesInTheJobSubnets',
        'DecryptTheBaselinesAndGroundTruth',
        'DescribeTheNetwork',
        'ListTheCapturedData',
        'ListTheGroundTruth',
        'ListTheReports',
        'ManageNetworkInterfacesOfTheJobVpc',
        'PublishModelMonitorMetrics',
        'ReadTheBaselines',
        'ReadTheCapturedData',
        'ReadTheGroundTruth',
        'UseTheDataKeyThroughS3',
        'UseTheJobKey',
        'UseTheJobLogGroup',
        'WriteTheJobLogStreams',
        'WriteTheReports',
      ].sort(),
    );
    expect(s.ReadTheCapturedData).toMatchObject({ Action: 's3:GetObject', Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [capture, 'Arn'] }, '/data-capture/churn-prod/*']] } });
    expect(s.ListTheCapturedData).toMatchObject({
      Action: 's3:ListBucket',
      Resource: { 'Fn::GetAtt': [capture, 'Arn'] },
      Condition: { StringLike: { 's3:prefix': ['data-capture/churn-prod', 'data-capture/churn-prod/*'] } },
    });
    // the capture and the reports share the key: one statement, through S3 only
    expect(s.UseTheDataKeyThroughS3).toEqual({
      Sid: 'UseTheDataKeyThroughS3',
      Effect: 'Allow',
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Resource: keyArn,
      Condition: { StringEquals: { 'kms:ViaService': 's3.eu-central-1.amazonaws.com' } },
    });
    expect(s.UseTheJobKey).toEqual({ Sid: 'UseTheJobKey', Effect: 'Allow', Action: ['kms:Encrypt', 'kms:DescribeKey'], Resource: keyArn });
    expect(s.WriteTheReports).toMatchObject({
      Action: ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload'],
      Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [reports, 'Arn'] }, '/model-monitor/*']] },
    });
    // the data-quality statistics and constraints, the model-quality constraints (the same files here)
    expect(s.ReadTheBaselines).toMatchObject({
      Action: 's3:GetObject',
      Resource: ['arn:aws:s3:::exp-model-artifacts/churn/3/data-quality/statistics.json', 'arn:aws:s3:::exp-model-artifacts/churn/3/data-quality/constraints.json'],
    });
    expect(s.ReadTheGroundTruth.Resource).toBe('arn:aws:s3:::churn-ground-truth/labels/*');
    expect(s.ListTheGroundTruth).toMatchObject({ Resource: 'arn:aws:s3:::churn-ground-truth', Condition: { StringLike: { 's3:prefix': ['labels', 'labels/*'] } } });
    expect(s.DecryptTheBaselinesAndGroundTruth.Resource).toBe('arn:aws:kms:eu-central-1:111111111111:key/11111111-2222-3333-4444-555555555555');
    expect(s.CreateGrantsForTheJobVolumes).toMatchObject({ Action: 'kms:CreateGrant', Resource: keyArn, Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } } });
    expect(s.PublishModelMonitorMetrics.Condition).toEqual({
      StringLike: { 'cloudwatch:namespace': ['aws/sagemaker/Endpoints/*', '/aws/sagemaker/Endpoints/*', '/aws/sagemaker/ProcessingJobs'] },
    });
    expect(s.UseTheJobLogGroup.Action).toBe('logs:DescribeLogStreams');
    expect(s.WriteTheJobLogStreams.Resource).toBe('arn:aws:logs:eu-central-1:222222222222:log-group:/aws/sagemaker/ProcessingJobs:log-stream:*');
    // SageMaker pulls its own analyzer image: no ECR permission
    expect(s.PullTheAnalyzerImage).toBeUndefined();
    t.resourceCountIs('AWS::IAM::Policy', 0);
    const roles = Object.values(t.findResources('AWS::IAM::Role')) as any[];
    expect(roles).toHaveLength(2);
    for (const role of roles) expect(role.Properties.PermissionsBoundary).toEqual({ Ref: ref(t, 'AWS::IAM::ManagedPolicy', '^Boundary') });
  });

  test('a capture key other than the report key: the capture key only decrypts, the report key encrypts', () => {
    const f = fixture();
    const captureKey = kms.Key.fromKeyArn(f.stack, 'CaptureKey', 'arn:aws:kms:eu-central-1:222222222222:key/99999999-8888-7777-6666-555555555555');
    monitor(f, { dataCaptureKey: captureKey });
    const t = Template.fromStack(f.stack);
    const s = roleStatements(t);
    const viaS3 = { StringEquals: { 'kms:ViaService': 's3.eu-central-1.amazonaws.com' } };
    expect(s.DecryptTheCapturedData).toEqual({
      Sid: 'DecryptTheCapturedData', Effect: 'Allow', Action: 'kms:Decrypt', Resource: 'arn:aws:kms:eu-central-1:222222222222:key/99999999-8888-7777-6666-555555555555', Condition: viaS3,
    });
    expect(s.EncryptTheReports).toEqual({
      Sid: 'EncryptTheReports', Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: { 'Fn::GetAtt': [ref(t, 'AWS::KMS::Key'), 'Arn'] }, Condition: viaS3,
    });
    expect(s.UseTheDataKeyThroughS3).toBeUndefined();
  });

  test('an analyzer image from the customer registry is pulled with the role; baseline URIs can be parameters', () => {
    const f = fixture();
    const statistics = new CfnParameter(f.stack, 'StatisticsUri', { type: 'String' });
    const constraints = new CfnParameter(f.stack, 'ConstraintsUri', { type: 'String' });
    monitor(f, {
      analyzerImageUri: '333333333333.dkr.ecr.eu-central-1.amazonaws.com/custom-analyzer:1.0',
      dataQuality: { baseline: MonitoringBaseline.fromDriftCheckBaselines(statistics.valueAsString, constraints.valueAsString) },
    });
    const t = Template.fromStack(f.stack);
    const s = roleStatements(t);
    expect(s.PullTheAnalyzerImage.Resource).toBe('arn:aws:ecr:eu-central-1:333333333333:repository/custom-analyzer');
    expect(s.ReadTheBaselines.Resource).toEqual([
      { 'Fn::Join': ['', ['arn:aws:s3:::', { 'Fn::Select': [1, { 'Fn::Split': ['s3://', { Ref: 'StatisticsUri' }] }] }]] },
      { 'Fn::Join': ['', ['arn:aws:s3:::', { 'Fn::Select': [1, { 'Fn::Split': ['s3://', { Ref: 'ConstraintsUri' }] }] }]] },
    ]);
    t.hasResourceProperties('AWS::SageMaker::DataQualityJobDefinition', {
      DataQualityBaselineConfig: { StatisticsResource: { S3Uri: { Ref: 'StatisticsUri' } }, ConstraintsResource: { S3Uri: { Ref: 'ConstraintsUri' } } },
    });
  });
});

describe('ModelMonitor: with a RealtimeEndpoint', () => {
  test('monitors the endpoint\'s capture location once the endpoint exists; the endpoint name may be a parameter', () => {
    const f = fixture();
    const name = new CfnParameter(f.stack, 'EndpointName', { type: 'String' });
    const endpoint = new RealtimeEndpoint(f.stack, 'Endpoint', {
      endpointName: name.valueAsString,
      modelSource: EndpointModelSource.fromModelPackageArn('arn:aws:sagemaker:eu-central-1:111111111111:model-package/churn/3'),
      instanceType: EndpointInstanceType.ML_M5_XLARGE,
      vpc: f.vpc,
      encryptionKey: f.key,
    });
    const m = new ModelMonitor(f.stack, 'Monitor', {
      endpointName: endpoint.endpointName,
      dataCaptureBucket: endpoint.dataCaptureBucket,
      scheduleNamePrefix: 'churn-prod',
      encryptionKey: f.key,
      vpc: f.vpc,
    });
    m.node.addDependency(endpoint);
    const t = Template.fromStack(f.stack);
    const schedule = only(t, 'AWS::SageMaker::MonitoringSchedule');
    expect(schedule.Properties).toMatchObject({ MonitoringScheduleName: 'churn-prod-data-quality', EndpointName: { Ref: 'EndpointName' } });
    expect(schedule.DependsOn).toEqual(expect.arrayContaining([ref(t, 'AWS::SageMaker::Endpoint')]));
    expect(roleStatements(t).ReadTheCapturedData.Resource).toEqual({
      'Fn::Join': ['', [{ 'Fn::GetAtt': [ref(t, 'AWS::S3::Bucket', '^EndpointDataCaptureBucket'), 'Arn'] }, '/data-capture/', { Ref: 'EndpointName' }, '/*']],
    });
    // the capture bucket's key (the endpoint's) is the one decrypted
    expect(roleStatements(t).UseTheDataKeyThroughS3.Resource).toEqual({ 'Fn::GetAtt': [ref(t, 'AWS::KMS::Key'), 'Arn'] });
    expect(ComplianceCheck.run(f.app).errors.filter((e) => e.constructPath.startsWith('Test/Monitor'))).toEqual([]);
  });
});

describe('ModelMonitor: compliance', () => {
  test('cdk-nag passes with only the specific acknowledgements of the role wildcards and the dead-letter queue', () => {
    const f = fixture();
    fullMonitor(f);
    const report = ComplianceCheck.assertCompliant(f.app);
    expect(report.errors).toEqual([]);
    const mine = acknowledgements(report).filter((a) => a.constructPath.startsWith('Test/Monitor') && !a.constructPath.startsWith('Test/Monitor/Reports'));
    expect(mine.map((a) => [a.constructPath, a.ruleId]).sort()).toEqual(
      [
        ['Test/Monitor/DeadLetterQueue', 'AwsSolutions-SQS3'],
        ['Test/Monitor/RolePolicy', 'AwsSolutions-IAM5[Resource::*]'],
        ['Test/Monitor/RolePolicy', 'AwsSolutions-IAM5[Resource::<CaptureBucket89727A45.Arn>/data-capture/churn-prod/*]'],
        ['Test/Monitor/RolePolicy', 'AwsSolutions-IAM5[Resource::<MonitorReportsBucketEBA11CAF.Arn>/model-monitor/*]'],
        ['Test/Monitor/RolePolicy', 'AwsSolutions-IAM5[Resource::arn:aws:ec2:eu-central-1:222222222222:network-interface/*]'],
        ['Test/Monitor/RolePolicy', 'AwsSolutions-IAM5[Resource::arn:aws:logs:eu-central-1:222222222222:log-group:/aws/sagemaker/ProcessingJobs:*]'],
        ['Test/Monitor/RolePolicy', 'AwsSolutions-IAM5[Resource::arn:aws:logs:eu-central-1:222222222222:log-group:/aws/sagemaker/ProcessingJobs:log-stream:*]'],
        ['Test/Monitor/RolePolicy', 'AwsSolutions-IAM5[Resource::arn:aws:s3:::churn-ground-truth/labels/*]'],
      ].sort(),
    );
  });
});

describe('ModelMonitor: schedule options and job size', () => {
  const expressions = (t: Template) => Object.values(t.findResources('AWS::SageMaker::MonitoringSchedule'))
    .map((r: any) => [r.Properties.MonitoringScheduleConfig.MonitoringType, r.Properties.MonitoringScheduleConfig.ScheduleConfig.ScheduleExpression]);

  test.each([
    ['hourly', MonitoringSchedule.hourly(), 'cron(0 * ? * * *)', 3600],
    ['daily at 3', MonitoringSchedule.daily(3), 'cron(0 3 ? * * *)', 86400],
    ['daily at midnight', MonitoringSchedule.daily(), 'cron(0 0 ? * * *)', 86400],
    ['every 6 hours from 2', MonitoringSchedule.everyHours(6, 2), 'cron(0 2/6 ? * * *)', 21600],
    ['an expression', MonitoringSchedule.expression('cron(0 0/12 ? * * *)'), 'cron(0 0/12 ? * * *)', 43200],
  ])('MonitoringSchedule %s: the schedule expression and the drift alarm period', (_name, schedule, expression, period) => {
    const f = fixture();
    monitor(f, { dataQuality: { schedule, baseline: MonitoringBaseline.fromDriftCheckBaselines(STATISTICS, CONSTRAINTS), driftAlarms: [{ featureName: 'tenure' }] } });
    const t = Template.fromStack(f.stack);
    expect(expressions(t)).toEqual([['DataQuality', expression]]);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'feature_baseline_drift_tenure', Period: period });
  });

  test('off: the job definitions, role, topic and alarms stay, but no schedule runs', () => {
    const f = fixture();
    const m = fullMonitor(f, {
      dataQuality: {
        schedule: MonitoringSchedule.off(),
        baseline: MonitoringBaseline.fromDriftCheckBaselines(STATISTICS, CONSTRAINTS),
        driftAlarms: [{ featureName: 'tenure' }],
      },
      modelQuality: { problemType: ModelQualityProblemType.REGRESSION, groundTruthS3Uri: GROUND_TRUTH, schedule: MonitoringSchedule.off() },
      retrainingTarget: undefined,
    });
    const t = Template.fromStack(f.stack);
    t.resourceCountIs('AWS::SageMaker::MonitoringSchedule', 0);
    t.resourceCountIs('AWS::SageMaker::DataQualityJobDefinition', 1);
    t.resourceCountIs('AWS::SageMaker::ModelQualityJobDefinition', 1);
    expect(m.dataQualitySchedule).toBeUndefined();
    expect(m.modelQualitySchedule).toBeUndefined();
    expect(m.modelQualityJobDefinition).toBeDefined();
    // a one-off run under the schedule name publishes what the alarm watches, evaluated per day
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'feature_baseline_drift_tenure',
      Period: 86400,
      Dimensions: Match.arrayWith([{ Name: 'MonitoringSchedule', Value: 'churn-prod-data-quality' }]),
    });
    expect(m.executionFailureAlarm).toBeDefined();
  });

  test('data quality off leaves model quality on its own (daily) schedule', () => {
    const f = fixture();
    monitor(f, {
      dataQuality: { schedule: MonitoringSchedule.off() },
      modelQuality: { problemType: ModelQualityProblemType.REGRESSION, groundTruthS3Uri: GROUND_TRUTH },
    });
    expect(expressions(Template.fromStack(f.stack))).toEqual([['ModelQuality', 'cron(0 0 ? * * *)']]);
  });

  test('the jobs run on ml.m5.large by default; instanceType overrides it for both jobs', () => {
    const cluster = (t: Template, type: string) =>
      (Object.values(t.findResources(type))[0] as any).Properties.JobResources.ClusterConfig.InstanceType;
    const d = fixture();
    monitor(d, { modelQuality: { problemType: ModelQualityProblemType.REGRESSION, groundTruthS3Uri: GROUND_TRUTH } });
    const dt = Template.fromStack(d.stack);
    expect([cluster(dt, 'AWS::SageMaker::DataQualityJobDefinition'), cluster(dt, 'AWS::SageMaker::ModelQualityJobDefinition')]).toEqual(['ml.m5.large', 'ml.m5.large']);
    const o = fixture();
    monitor(o, {
      instanceType: EndpointInstanceType.ML_M5_XLARGE,
      modelQuality: { problemType: ModelQualityProblemType.REGRESSION, groundTruthS3Uri: GROUND_TRUTH },
    });
    const ot = Template.fromStack(o.stack);
    expect([cluster(ot, 'AWS::SageMaker::DataQualityJobDefinition'), cluster(ot, 'AWS::SageMaker::ModelQualityJobDefinition')]).toEqual(['ml.m5.xlarge', 'ml.m5.xlarge']);
  });

  test.each<[string, Partial<ModelMonitorProps>, RegExp]>([
    ['a daily hour out of range', { dataQuality: { schedule: MonitoringSchedule.daily(24) } }, /dataQuality.schedule "cron\(0 24 \? \* \* \*\)": the hour 24 is not from 0 to 23/],
    ['an interval out of range', { modelQuality: { problemType: ModelQualityProblemType.REGRESSION, groundTruthS3Uri: GROUND_TRUTH, schedule: MonitoringSchedule.everyHours(30) } }, /modelQuality.schedule "cron\(0 0\/30 \? \* \* \*\)": the interval 30 is not from 1 to 24 hours/],
    ['a one-off NOW', { dataQuality: { schedule: MonitoringSchedule.expression('NOW') } }, /dataQuality.schedule "NOW" is a one-off run, not a schedule/],
    ['a rate expression', { dataQuality: { schedule: MonitoringSchedule.expression('rate(1 day)') } }, /dataQuality.schedule "rate\(1 day\)" is not a Model Monitor schedule; SageMaker accepts/],
    ['schedule and scheduleExpression', { dataQuality: { schedule: MonitoringSchedule.hourly(), scheduleExpression: 'cron(0 * ? * * *)' } }, /dataQuality.schedule and dataQuality.scheduleExpression are both set; keep schedule/],
    ['an evaluation of an off monitor longer than 7 days', { dataQuality: { schedule: MonitoringSchedule.off() }, alarmOptions: { evaluationPeriods: 8 } }, /evaluationPeriods \(8\) times the 24-hour interval of off/],
  ])('%s fails naming the prop', (_name, props, message) => {
    expect(() => monitor(fixture(), props)).toThrow(message);
  });
});

describe('ModelMonitor: bad props fail at synth time', () => {
  const withBaseline = { baseline: MonitoringBaseline.fromDriftCheckBaselines(STATISTICS, CONSTRAINTS) };
  const binary = { problemType: ModelQualityProblemType.BINARY_CLASSIFICATION, groundTruthS3Uri: GROUND_TRUTH };
  const cases: Array<[string, Partial<ModelMonitorProps>, RegExp]> = [
    ['a cron expression SageMaker does not accept', { dataQuality: { scheduleExpression: 'cron(30 * ? * * *)' } }, /dataQuality.scheduleExpression "cron\(30 \* \? \* \* \*\)" is not a Model Monitor schedule/],
    ['a rate expression', { dataQuality: { scheduleExpression: 'rate(1 hour)' } }, /is not a Model Monitor schedule; SageMaker accepts "cron\(0 \* \? \* \* \*\)"/],
    ['an hour out of range', { modelQuality: { ...binary, scheduleExpression: 'cron(0 24 ? * * *)' } }, /the hour 24 is not from 0 to 23/],
    ['an interval out of range', { dataQuality: { scheduleExpression: 'cron(0 0/25 ? * * *)' } }, /the interval 25 is not from 1 to 24 hours/],
    ['a drift threshold of 0', { dataQuality: { ...withBaseline, driftAlarms: [{ featureName: 'tenure', threshold: 0 }] } }, /dataQuality.driftAlarms\[0\].threshold is 0; write a distribution distance above 0 and at most 1/],
    ['a drift threshold above 1', { dataQuality: { ...withBaseline, driftAlarms: [{ featureName: 'tenure', threshold: 1.5 }] } }, /threshold is 1.5/],
    ['drift alarms without a baseline', { dataQuality: { driftAlarms: [{ featureName: 'tenure' }] } }, /dataQuality.driftAlarms need a baseline/],
    ['a feature twice', { dataQuality: { ...withBaseline, driftAlarms: [{ featureName: 'tenure' }, { featureName: 'tenure' }] } }, /lists the feature "tenure" twice/],
    ['a feature name with a space', { dataQuality: { ...withBaseline, driftAlarms: [{ featureName: 'monthly charges' }] } }, /featureName "monthly charges" is not a feature name/],
    ['model quality without ground truth', { modelQuality: { problemType: ModelQualityProblemType.REGRESSION, groundTruthS3Uri: '' } }, /modelQuality.groundTruthS3Uri is missing/],
    ['a ground truth that is no S3 URI', { modelQuality: { ...binary, groundTruthS3Uri: 'churn-ground-truth/labels' } }, /modelQuality.groundTruthS3Uri "churn-ground-truth\/labels" is not an S3 URI/],
    ['a probability threshold above 1', { modelQuality: { ...binary, probabilityAttribute: '0', probabilityThresholdAttribute: 1.5 } }, /probabilityThresholdAttribute is 1.5; write a probability from 0 to 1/],
    ['a probability threshold without probability', { modelQuality: { ...binary, probabilityThresholdAttribute: 0.5 } }, /probabilityThresholdAttribute needs modelQuality.probabilityAttribute/],
    ['a probability for regression', { modelQuality: { problemType: ModelQualityProblemType.REGRESSION, groundTruthS3Uri: GROUND_TRUTH, probabilityAttribute: '0' } }, /probabilityAttribute only applies to binary classification/],
    ['multiclass without inference attribute', { modelQuality: { problemType: ModelQualityProblemType.MULTICLASS_CLASSIFICATION, groundTruthS3Uri: GROUND_TRUTH } }, /inferenceAttribute is required for multiclass/],
    ['a metric of another problem type', { modelQuality: { ...binary, alarms: [{ metric: ModelQualityMetric.RMSE, threshold: 3 }] } }, /rmse is not published for BinaryClassification models/],
    ['an accuracy threshold above 1', { modelQuality: { ...binary, alarms: [{ metric: ModelQualityMetric.ACCURACY, threshold: 1.2 }] } }, /threshold is 1.2; accuracy ranges from 0 to 1/],
    ['a negative RMSE threshold', { modelQuality: { problemType: ModelQualityProblemType.REGRESSION, groundTruthS3Uri: GROUND_TRUTH, alarms: [{ metric: ModelQualityMetric.RMSE, threshold: -1 }] } }, /rmse ranges from 0 to ∞/],
    ['a positive time offset', { modelQuality: { ...binary, startTimeOffset: 'P1D' } }, /startTimeOffset "P1D" is not a negative ISO 8601 duration/],
    ['more datapoints than periods', { alarmOptions: { evaluationPeriods: 2, datapointsToAlarm: 3 } }, /alarmOptions.datapointsToAlarm is 3; write an integer from 1 to 2/],
    ['an evaluation longer than 7 days', { modelQuality: binary, alarmOptions: { evaluationPeriods: 8 } }, /evaluationPeriods \(8\) times the 24-hour interval .* exceeds the 7 days/],
    ['a runtime longer than the interval', { maxRuntime: Duration.hours(2) }, /maxRuntime \(2 hours\) is longer than the interval of the schedule cron\(0 \* \? \* \* \*\)/],
    ['no instance', { instanceCount: 0 }, /instanceCount is 0/],
    ['a too large volume', { volumeSizeInGb: 20000 }, /volumeSizeInGb is 20000/],
    ['an endpoint name too long for the schedule names', { endpointName: 'a'.repeat(50) }, /set scheduleNamePrefix to at most 49 characters/],
    ['an invalid endpoint name', { endpointName: 'churn_prod' }, /endpointName "churn_prod" is not a valid SageMaker name/],
    ['an analyzer image that is no ECR URI', { analyzerImageUri: 'docker.io/model-monitor' }, /analyzerImageUri "docker.io\/model-monitor" is not an ECR image URI/],
    ['retraining without alarms', { retrainingTarget: RetrainingTarget.sageMakerPipeline(PIPELINE) }, /retrainingTarget needs at least one drift or quality alarm/],
    [
      'a pipeline of another account',
      { dataQuality: { ...withBaseline, driftAlarms: [{ featureName: 'tenure' }] }, retrainingTarget: RetrainingTarget.sageMakerPipeline('arn:aws:sagemaker:eu-central-1:111111111111:pipeline/churn-build') },
      /EventBridge starts SageMaker pipelines only in the rule's account \(222222222222\); use RetrainingTarget.eventBus/,
    ],
  ];
  test.each(cases)('%s', (_name, props, message) => {
    const f = fixture();
    expect(() => monitor(f, props)).toThrow(message);
  });

  test('an unknown region needs the analyzer image override', () => {
    const f = fixture('Unknown', { account: '222222222222', region: 'ap-southeast-7' });
    expect(() => monitor(f)).toThrow(
      /no SageMaker Model Monitor analyzer image is known for region ap-southeast-7 .*; set analyzerImageUri to the image of your region, <account>.dkr.ecr.ap-southeast-7.amazonaws.com\/sagemaker-model-monitor-analyzer/,
    );
    const g = fixture('Override', { account: '222222222222', region: 'ap-southeast-7' });
    const m = monitor(g, { analyzerImageUri: '123456789012.dkr.ecr.ap-southeast-7.amazonaws.com/sagemaker-model-monitor-analyzer' });
    expect(m.analyzerImageUri).toBe('123456789012.dkr.ecr.ap-southeast-7.amazonaws.com/sagemaker-model-monitor-analyzer');
  });

  test('bad baselines, retraining targets and metric names', () => {
    expect(() => MonitoringBaseline.fromDriftCheckBaselines('exp-model-artifacts/statistics.json', CONSTRAINTS)).toThrow(/statisticsS3Uri "exp-model-artifacts\/statistics.json" is not an S3 URI/);
    expect(() => MonitoringBaseline.fromDriftCheckBaselines(STATISTICS, 's3://exp-model-artifacts')).toThrow(/constraintsS3Uri "s3:\/\/exp-model-artifacts" is not an S3 URI/);
    expect(() => MonitoringBaseline.fromBaselineJob('baseline job', 's3://b/p')).toThrow(/"baseline job" is not a SageMaker processing job name/);
    expect(() => RetrainingTarget.sageMakerPipeline('arn:aws:sagemaker:eu-central-1:222222222222:model-package/churn/3')).toThrow(/is not a SageMaker pipeline ARN/);
    expect(() => RetrainingTarget.sageMakerPipeline(PIPELINE, { parameters: { 'bad name': 'x' } })).toThrow(/parameter name "bad name" is not valid/);
    expect(() => RetrainingTarget.eventBus('arn:aws:sns:eu-central-1:111111111111:topic')).toThrow(/is not an event bus ARN/);
    expect(() => ModelQualityMetric.of('F1 Score', true)).toThrow(/"F1 Score" is not a model-quality metric name/);
    expect(ModelQualityMetric.of('f2', true)).toMatchObject({ metricName: 'f2', lowerIsWorse: true });
  });
});

describe('ModelMonitor: the drift alarm\'s name', () => {
  test('driftAlarmName names the composite drift alarm (another account matches its ARN); without it CDK names it after the construct path', () => {
    const f = fixture();
    fullMonitor(f, { driftAlarmName: 'churn-prod-drift' });
    Template.fromStack(f.stack).hasResourceProperties('AWS::CloudWatch::CompositeAlarm', { AlarmName: 'churn-prod-drift' });
    const g = fixture('Unnamed');
    fullMonitor(g);
    expect(Object.values(Template.fromStack(g.stack).findResources('AWS::CloudWatch::CompositeAlarm'))[0].Properties.AlarmName).toMatch(/^UnnamedMonitorDriftAlarm/);
  });

  test('an empty or over-long driftAlarmName fails at synth time naming the field and the fix', () => {
    expect(() => fullMonitor(fixture(), { driftAlarmName: '' })).toThrow(/driftAlarmName "" is not an alarm name; write 1 to 255 characters without control characters/);
    expect(() => fullMonitor(fixture('Long'), { driftAlarmName: 'x'.repeat(256) })).toThrow(/driftAlarmName .* is not an alarm name/);
  });
});
