import { App, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  ComplianceCheck,
  CompliancePack,
  EndpointInstanceType,
  EndpointModelSource,
  RealtimeEndpoint,
  RealtimeEndpointProps,
  SecureBucket,
  TrafficShifting,
  TrafficShiftingMode,
} from '../../../src';
import { isolatedNetwork } from '../../helpers/network';
import { testStack } from '../../helpers/stacks';

const PACKAGE_ARN = 'arn:aws:sagemaker:eu-central-1:111111111111:model-package/churn/3';
const IMAGE = '333333333333.dkr.ecr.eu-central-1.amazonaws.com/churn-inference:1.4.2';
const ARTIFACT = 's3://churn-artifacts/models/churn/1.4.2/model.tar.gz';

/** A stack with what the network and security concerns provide: an isolated VPC (no NAT) and a KMS key. */
function fixture(id = 'Test'): { app: App; stack: Stack; vpc: ec2.Vpc; key: kms.Key } {
  const { app, stack } = testStack(id);
  const { key, vpc } = isolatedNetwork(stack);
  return { app, stack, vpc, key };
}

function endpoint(stack: Stack, vpc: ec2.IVpc, key: kms.IKey, props: Partial<RealtimeEndpointProps> = {}): RealtimeEndpoint {
  return new RealtimeEndpoint(stack, 'Endpoint', {
    endpointName: 'churn-prod',
    modelSource: EndpointModelSource.fromModelPackageArn(PACKAGE_ARN),
    instanceType: EndpointInstanceType.ML_M5_XLARGE,
    vpc,
    encryptionKey: key,
    ...props,
  });
}

function ref(t: Template, type: string, pattern = '.*'): string {
  const ids = Object.keys(t.findResources(type)).filter((id) => new RegExp(pattern).test(id));
  if (ids.length !== 1) throw new Error(`expected one ${type} matching ${pattern}, found ${ids.join(', ')}`);
  return ids[0];
}

/** The distinct acknowledgements of a report (each acknowledge call records the cumulative set again). */
function acknowledgements(report: ReturnType<typeof ComplianceCheck.run>): Array<{ ruleId: string; constructPath: string; reason: string }> {
  const seen = new Map<string, { ruleId: string; constructPath: string; reason: string }>();
  for (const a of report.acknowledgements) seen.set(`${a.constructPath} ${a.ruleId}`, a);
  return [...seen.values()];
}

function statements(t: Template): any[] {
  const policies = Object.values(t.findResources('AWS::IAM::ManagedPolicy')) as any[];
  expect(policies).toHaveLength(1);
  return policies[0].Properties.PolicyDocument.Statement;
}

function statement(t: Template, sid: string): any {
  const found = statements(t).filter((s) => s.Sid === sid);
  expect(found).toHaveLength(1);
  return found[0];
}

describe('RealtimeEndpoint: model', () => {
  test('a model package in the VPC with network isolation, run by the created execution role', () => {
    const { stack, vpc, key } = fixture();
    const ep = endpoint(stack, vpc, key);
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::SageMaker::Model', 1);
    const sg = ref(t, 'AWS::EC2::SecurityGroup', '^EndpointSecurityGroup');
    const role = ref(t, 'AWS::IAM::Role', '^EndpointExecutionRole');
    const model = Object.values(t.findResources('AWS::SageMaker::Model'))[0] as any;
    expect(model.Properties).toEqual({
      EnableNetworkIsolation: true,
      ExecutionRoleArn: { 'Fn::GetAtt': [role, 'Arn'] },
      PrimaryContainer: { ModelPackageName: PACKAGE_ARN },
      VpcConfig: {
        SecurityGroupIds: [{ 'Fn::GetAtt': [sg, 'GroupId'] }],
        Subnets: vpc.isolatedSubnets.map((s) => ({ Ref: stack.getLogicalId(s.node.defaultChild as ec2.CfnSubnet) })),
      },
    });
    // no ModelName: a changed model is a new model; SageMaker checks the role's access when it creates it
    expect(model.DependsOn).toEqual([ref(t, 'AWS::IAM::ManagedPolicy')]);
    // network-isolated containers, but SageMaker fetches artifact and image through the VPC: HTTPS out only
    t.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupEgress: [Match.objectLike({ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 })],
      SecurityGroupIngress: Match.absent(),
    });
    expect(ep.connections.securityGroups).toHaveLength(1);
    expect(stack.resolve(ep.modelName)).toEqual({ 'Fn::GetAtt': [ref(t, 'AWS::SageMaker::Model'), 'ModelName'] });
    expect(ep.modelNames).toHaveLength(1);
  });

  test('the created security group lets SageMaker fetch the model artifact and image through the VPC (HTTPS egress)', () => {
    const { stack, vpc, key } = fixture();
    endpoint(stack, vpc, key);
    const groups = Object.values(Template.fromStack(stack).findResources('AWS::EC2::SecurityGroup')) as any[];
    expect(groups).toHaveLength(1);
    expect(groups[0].Properties.SecurityGroupEgress).toEqual([
      {
        CidrIp: '0.0.0.0/0',
        Description: 'HTTPS to the S3 gateway endpoint and the VPC interface endpoints (ECR, KMS, logs); the isolated subnets have no other route',
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
      },
    ]);
    expect(groups[0].Properties.SecurityGroupIngress).toBeUndefined();
  });

  test('with s3PrefixListId the egress is HTTPS to the S3 prefix list and the VPC CIDR only', () => {
    const { stack, vpc, key } = fixture();
    endpoint(stack, vpc, key, { s3PrefixListId: 'pl-6ea54007' });
    const t = Template.fromStack(stack);
    const groups = Object.values(t.findResources('AWS::EC2::SecurityGroup')) as any[];
    expect(groups).toHaveLength(1);
    const egress = [
      ...(groups[0].Properties.SecurityGroupEgress ?? []),
      ...Object.values(t.findResources('AWS::EC2::SecurityGroupEgress')).map((r: any) => r.Properties),
    ].map((r: any) => ({ peer: r.DestinationPrefixListId ?? r.CidrIp, from: r.FromPort, to: r.ToPort, protocol: r.IpProtocol }));
    expect(egress).toEqual(
      expect.arrayContaining([
        { peer: 'pl-6ea54007', from: 443, to: 443, protocol: 'tcp' },
        { peer: stack.resolve(vpc.vpcCidrBlock), from: 443, to: 443, protocol: 'tcp' },
      ]),
    );
    expect(egress).toHaveLength(2);
  });

  test('s3PrefixListId is refused when malformed or together with securityGroups', () => {
    const { stack, vpc, key } = fixture();
    expect(() => endpoint(stack, vpc, key, { s3PrefixListId: 'com.amazonaws.eu-central-1.s3' })).toThrow(/s3PrefixListId "com.amazonaws.eu-central-1.s3" is not a prefix list id; write e.g. "pl-6ea54007"/);
    const other = fixture('Other');
    const sg = new ec2.SecurityGroup(other.stack, 'Given', { vpc: other.vpc });
    expect(() => endpoint(other.stack, other.vpc, other.key, { securityGroups: [sg], s3PrefixListId: 'pl-6ea54007' })).toThrow(/with given securityGroups, remove s3PrefixListId/);
  });

  test('an ECR image with an S3 artifact and environment', () => {
    const { stack, vpc, key } = fixture();
    endpoint(stack, vpc, key, {
      modelSource: EndpointModelSource.fromImage(IMAGE, ARTIFACT, { environment: { SAGEMAKER_PROGRAM: 'inference.py' } }),
    });
    Template.fromStack(stack).hasResourceProperties('AWS::SageMaker::Model', {
      EnableNetworkIsolation: true,
      PrimaryContainer: { Image: IMAGE, ModelDataUrl: ARTIFACT, Mode: 'SingleModel', Environment: { SAGEMAKER_PROGRAM: 'inference.py' } },
    });
  });

  test('the pinned model package ARN and its artifact URI can be CloudFormation parameters', () => {
    const { stack, vpc, key } = fixture();
    const arn = new CfnParameter(stack, 'ModelPackageArn', { type: 'String' });
    const data = new CfnParameter(stack, 'ModelDataUrl', { type: 'String' });
    endpoint(stack, vpc, key, {
      modelSource: EndpointModelSource.fromModelPackageArn(arn.valueAsString, { modelDataUrl: data.valueAsString }),
    });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::SageMaker::Model', { PrimaryContainer: { ModelPackageName: { Ref: 'ModelPackageArn' } } });
    // the role reads exactly the pinned artifact: s3://bucket/key -> arn:aws:s3:::bucket/key
    expect(statement(t, 'ReadTheModelArtifacts').Resource).toEqual({
      'Fn::Join': ['', ['arn:aws:s3:::', { 'Fn::Select': [1, { 'Fn::Split': ['s3://', { Ref: 'ModelDataUrl' }] }] }]],
    });
  });
});

describe('RealtimeEndpoint: endpoint configuration', () => {
  test('KMS storage volumes, data capture of requests and responses into a created encrypted bucket, no fixed name', () => {
    const { stack, vpc, key } = fixture();
    const ep = endpoint(stack, vpc, key, { minCapacity: 2, maxCapacity: 4 });
    const t = Template.fromStack(stack);
    const keyId = ref(t, 'AWS::KMS::Key');
    const bucket = ref(t, 'AWS::S3::Bucket', '^EndpointDataCaptureBucket');
    const config = Object.values(t.findResources('AWS::SageMaker::EndpointConfig'))[0] as any;
    expect(config.Properties).toEqual({
      KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
      DataCaptureConfig: {
        EnableCapture: true,
        InitialSamplingPercentage: 20,
        DestinationS3Uri: { 'Fn::Join': ['', ['s3://', { Ref: bucket }, '/data-capture']] },
        KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
        CaptureOptions: [{ CaptureMode: 'Input' }, { CaptureMode: 'Output' }],
      },
      ProductionVariants: [
        {
          VariantName: 'AllTraffic',
          ModelName: { 'Fn::GetAtt': [ref(t, 'AWS::SageMaker::Model'), 'ModelName'] },
          InstanceType: 'ml.m5.xlarge',
          InitialInstanceCount: 2,
          InitialVariantWeight: 1,
        },
      ],
    });
    // the config name is generated by CloudFormation, so that a replacement is created before the old one goes
    expect(config.Properties.EndpointConfigName).toBeUndefined();
    expect(stack.resolve(ep.endpointConfigName)).toEqual({ 'Fn::GetAtt': [ref(t, 'AWS::SageMaker::EndpointConfig'), 'EndpointConfigName'] });
    // the capture bucket is a SecureBucket with the key
    t.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] } } }] },
      VersioningConfiguration: { Status: 'Enabled' },
    });
    expect(stack.resolve(ep.dataCaptureBucket.bucketName)).toEqual({ Ref: bucket });
  });

  test('a given capture bucket, prefix, key, sampling and content types', () => {
    const { stack, vpc, key } = fixture();
    const captureKey = new kms.Key(stack, 'CaptureKey', { enableKeyRotation: true });
    const shared = new SecureBucket(stack, 'Shared', { encryptionKey: captureKey });
    endpoint(stack, vpc, key, {
      dataCapture: {
        bucket: shared.bucket,
        prefix: '/monitoring/capture/',
        encryptionKey: captureKey,
        samplingPercentage: 100,
        jsonContentTypes: ['application/json'],
        csvContentTypes: ['text/csv'],
      },
    });
    const t = Template.fromStack(stack);
    const bucket = ref(t, 'AWS::S3::Bucket', '^SharedBucket');
    const captureKeyId = ref(t, 'AWS::KMS::Key', '^CaptureKey');
    t.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      KmsKeyId: { 'Fn::GetAtt': [ref(t, 'AWS::KMS::Key', '^Key'), 'Arn'] },
      DataCaptureConfig: {
        EnableCapture: true,
        InitialSamplingPercentage: 100,
        DestinationS3Uri: { 'Fn::Join': ['', ['s3://', { Ref: bucket }, '/monitoring/capture']] },
        KmsKeyId: { 'Fn::GetAtt': [captureKeyId, 'Arn'] },
        CaptureOptions: [{ CaptureMode: 'Input' }, { CaptureMode: 'Output' }],
        CaptureContentTypeHeader: { JsonContentTypes: ['application/json'], CsvContentTypes: ['text/csv'] },
      },
    });
    t.resourceCountIs('AWS::S3::Bucket', 4); // flow logs and shared, each with its access-log bucket: no capture bucket of our own
    expect(statement(t, 'WriteTheCapturedData').Resource).toEqual({
      'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, '/monitoring/capture/churn-prod/*']],
    });
    expect(statement(t, 'EncryptTheCapturedData').Resource).toEqual({ 'Fn::GetAtt': [captureKeyId, 'Arn'] });
  });

  test('instance types with local NVMe storage get no KmsKeyId, and only that rule is acknowledged, on the config', () => {
    const { app, stack, vpc, key } = fixture();
    endpoint(stack, vpc, key, { instanceType: EndpointInstanceType.ML_G5_XLARGE });
    const t = Template.fromStack(stack);
    const config = Object.values(t.findResources('AWS::SageMaker::EndpointConfig'))[0] as any;
    expect(config.Properties.KmsKeyId).toBeUndefined();
    expect(config.Properties.DataCaptureConfig.KmsKeyId).toBeDefined(); // the captured data is still KMS-encrypted
    const report = ComplianceCheck.assertCompliant(app);
    const kmsAcks = acknowledgements(report).filter((a) => /SageMakerEndpointConfigurationKMSKeyConfigured/.test(a.ruleId));
    expect(kmsAcks.map((a) => [a.ruleId, a.constructPath])).toEqual([
      ['HIPAA.Security-SageMakerEndpointConfigurationKMSKeyConfigured', 'Test/Endpoint/Config'],
      ['NIST.800.53.R5-SageMakerEndpointConfigurationKMSKeyConfigured', 'Test/Endpoint/Config'],
    ]);
    expect(kmsAcks[0].reason).toMatch(/ml\.g5\.xlarge have local NVMe instance storage/);
  });
});

describe('RealtimeEndpoint: endpoint, blue/green and rollback', () => {
  test('stable name, canary blue/green, and auto-rollback on exactly the three alarms, by name', () => {
    const { stack, vpc, key } = fixture();
    const ep = endpoint(stack, vpc, key);
    const t = Template.fromStack(stack);
    const alarms = ['ServerErrors', 'ModelErrors', 'ModelLatency'].map((n) => ref(t, 'AWS::CloudWatch::Alarm', `^Endpoint${n}Alarm`));
    const resource = Object.values(t.findResources('AWS::SageMaker::Endpoint'))[0] as any;
    expect(resource.Properties).toEqual({
      EndpointName: 'churn-prod',
      EndpointConfigName: { 'Fn::GetAtt': [ref(t, 'AWS::SageMaker::EndpointConfig'), 'EndpointConfigName'] },
      DeploymentConfig: {
        BlueGreenUpdatePolicy: {
          TrafficRoutingConfiguration: { Type: 'CANARY', CanarySize: { Type: 'CAPACITY_PERCENT', Value: 10 }, WaitIntervalInSeconds: 600 },
          TerminationWaitInSeconds: 0,
          // two baking periods of 10 minutes, plus one hour to provision the new fleet
          MaximumExecutionTimeoutInSeconds: 4800,
        },
        AutoRollbackConfiguration: { Alarms: alarms.map((a) => ({ AlarmName: { Ref: a } })) },
      },
    });
    // Ref makes the endpoint depend on the alarms; the alarms name the endpoint literally, never by attribute
    for (const a of alarms) {
      const alarm = t.toJSON().Resources[a];
      expect(JSON.stringify(alarm)).not.toContain(ref(t, 'AWS::SageMaker::Endpoint'));
      expect(alarm.DependsOn).toBeUndefined();
    }
    expect(resource.DependsOn).toEqual([ref(t, 'AWS::Logs::LogGroup')]);
    expect(ep.endpointName).toBe('churn-prod');
    expect(stack.resolve(ep.endpointArn)).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:eu-central-1:222222222222:endpoint/churn-prod']],
    });
  });

  test('linear traffic shifting with a termination wait and a computed timeout', () => {
    const { stack, vpc, key } = fixture();
    endpoint(stack, vpc, key, { trafficShifting: TrafficShifting.linear(25, Duration.minutes(5)), terminationWait: Duration.minutes(15) });
    Template.fromStack(stack).hasResourceProperties('AWS::SageMaker::Endpoint', {
      DeploymentConfig: {
        BlueGreenUpdatePolicy: {
          TrafficRoutingConfiguration: { Type: 'LINEAR', LinearStepSize: { Type: 'CAPACITY_PERCENT', Value: 25 }, WaitIntervalInSeconds: 300, CanarySize: Match.absent() },
          TerminationWaitInSeconds: 900,
          MaximumExecutionTimeoutInSeconds: 4 * 300 + 900 + 3600,
        },
      },
    });
  });

  test('all at once with a given timeout and additional rollback alarms', () => {
    const { stack, vpc, key } = fixture();
    const business = new cloudwatch.Alarm(stack, 'ConversionDrop', {
      metric: new cloudwatch.Metric({ namespace: 'Churn', metricName: 'Conversions' }),
      threshold: 1,
      evaluationPeriods: 1,
    });
    endpoint(stack, vpc, key, {
      trafficShifting: TrafficShifting.allAtOnce(),
      maximumExecutionTimeout: Duration.hours(2),
      additionalRollbackAlarms: [business],
    });
    const t = Template.fromStack(stack);
    const resource = Object.values(t.findResources('AWS::SageMaker::Endpoint'))[0] as any;
    expect(resource.Properties.DeploymentConfig.BlueGreenUpdatePolicy).toEqual({
      TrafficRoutingConfiguration: { Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 300 },
      TerminationWaitInSeconds: 0,
      MaximumExecutionTimeoutInSeconds: 7200,
    });
    expect(resource.Properties.DeploymentConfig.AutoRollbackConfiguration.Alarms).toHaveLength(4);
    expect(resource.Properties.DeploymentConfig.AutoRollbackConfiguration.Alarms[3]).toEqual({ AlarmName: { Ref: ref(t, 'AWS::CloudWatch::Alarm', '^ConversionDrop') } });
  });

  test('the three alarms: SageMaker invocation metrics per endpoint and variant, thresholds, actions', () => {
    const { stack, vpc, key } = fixture();
    const ep = endpoint(stack, vpc, key, {
      rollbackAlarms: {
        serverErrorRatePercent: 0.5,
        modelErrorRatePercent: 2,
        modelLatencyThreshold: Duration.millis(250),
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
      },
    });
    const t = Template.fromStack(stack);
    const topic = ref(t, 'AWS::SNS::Topic');
    const common = {
      Namespace: 'AWS/SageMaker',
      Dimensions: [
        { Name: 'EndpointName', Value: 'churn-prod' },
        { Name: 'VariantName', Value: 'AllTraffic' },
      ],
      Statistic: 'Average',
      Period: 60,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 5,
      DatapointsToAlarm: 3,
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: topic }],
    };
    t.resourceCountIs('AWS::CloudWatch::Alarm', 3);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { ...common, MetricName: 'Invocation5XXErrors', Threshold: 0.005 });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { ...common, MetricName: 'InvocationModelErrors', Threshold: 0.02 });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { ...common, MetricName: 'ModelLatency', Threshold: 250000 }); // microseconds
    expect(ep.alarms).toEqual([ep.serverErrorsAlarm, ep.modelErrorsAlarm, ep.modelLatencyAlarm]);
    // the alarm topic is encrypted with the key, TLS only, and the key lets CloudWatch alarms publish to it
    t.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [ref(t, 'AWS::KMS::Key'), 'Arn'] } });
    t.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: [Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })] },
    });
    t.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          {
            Sid: 'AllowCloudWatchAlarmsToPublishToEncryptedTopics',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Resource: '*',
            Condition: { StringEquals: { 'aws:SourceAccount': '222222222222' } },
          },
        ]),
      },
    });
  });
});

describe('RealtimeEndpoint: autoscaling and dashboard', () => {
  test('scalable target on the variant, after the endpoint, with target tracking on invocations per instance', () => {
    const { stack, vpc, key } = fixture();
    const ep = endpoint(stack, vpc, key, {
      minCapacity: 2,
      maxCapacity: 6,
      targetInvocationsPerInstance: 250,
      scaleInCooldown: Duration.minutes(10),
      scaleOutCooldown: Duration.seconds(30),
    });
    const t = Template.fromStack(stack);
    const target = ref(t, 'AWS::ApplicationAutoScaling::ScalableTarget');
    t.hasResource('AWS::ApplicationAutoScaling::ScalableTarget', {
      Properties: {
        ServiceNamespace: 'sagemaker',
        ResourceId: 'endpoint/churn-prod/variant/AllTraffic',
        ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
        MinCapacity: 2,
        MaxCapacity: 6,
        RoleARN: {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':iam::222222222222:role/aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint',
            ],
          ],
        },
      },
      DependsOn: [ref(t, 'AWS::SageMaker::Endpoint')],
    });
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      ScalingTargetId: { Ref: target },
      TargetTrackingScalingPolicyConfiguration: {
        PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' },
        TargetValue: 250,
        ScaleInCooldown: 600,
        ScaleOutCooldown: 30,
      },
    });
    t.resourceCountIs('AWS::IAM::Role', 1); // the service-linked role is referenced, not created
    expect(ep.scalableTargets).toEqual([ep.scalableTarget]);
  });

  test('stage defaults: one to two instances, 100 invocations per instance', () => {
    const { stack, vpc, key } = fixture();
    endpoint(stack, vpc, key);
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 1, MaxCapacity: 2 });
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: { TargetValue: 100, ScaleInCooldown: 300, ScaleOutCooldown: 60 },
    });
    t.hasResourceProperties('AWS::SageMaker::EndpointConfig', { ProductionVariants: [Match.objectLike({ InitialInstanceCount: 1 })] });
  });

  test('a dashboard with invocations, latency, errors, CPU/memory and instances of the variant', () => {
    const { stack, vpc, key } = fixture();
    endpoint(stack, vpc, key, { dashboardName: 'churn-prod-endpoint' });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const dashboard = Object.values(t.findResources('AWS::CloudWatch::Dashboard'))[0] as any;
    expect(dashboard.Properties.DashboardName).toBe('churn-prod-endpoint');
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    for (const metric of ['Invocations', 'InvocationsPerInstance', 'ModelLatency', 'OverheadLatency', 'Invocation4XXErrors', 'Invocation5XXErrors', 'InvocationModelErrors']) {
      expect(body).toContain(`\\"AWS/SageMaker\\",\\"${metric}\\",\\"EndpointName\\",\\"churn-prod\\",\\"VariantName\\",\\"AllTraffic\\"`);
    }
    for (const metric of ['CPUUtilization', 'MemoryUtilization', 'DiskUtilization']) {
      expect(body).toContain(`\\"/aws/sagemaker/Endpoints\\",\\"${metric}\\",\\"EndpointName\\",\\"churn-prod\\"`);
    }
    expect(body).toContain('In-service instances');
    expect(body).toContain('SampleCount');
    expect(body).toContain('Rollback alarms');
  });
});

describe('RealtimeEndpoint: execution role', () => {
  test('least privilege: only these statements, scoped to this endpoint, VPC, log group, artifact, image and capture prefix', () => {
    const { stack, vpc, key } = fixture();
    const boundary = new iam.ManagedPolicy(stack, 'Boundary', { statements: [new iam.PolicyStatement({ actions: ['sagemaker:*', 's3:*', 'kms:*', 'ec2:*', 'logs:*', 'cloudwatch:*', 'ecr:*'], resources: ['*'] })] });
    const artifactsKey = new kms.Key(stack, 'ArtifactsKey', { enableKeyRotation: true });
    endpoint(stack, vpc, key, {
      modelSource: EndpointModelSource.fromImage(IMAGE, ARTIFACT),
      permissionsBoundary: boundary,
      decryptionKeys: [artifactsKey],
    });
    const t = Template.fromStack(stack);
    const role = Object.values(t.findResources('AWS::IAM::Role'))[0] as any;
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': '222222222222' } } },
    ]);
    expect(role.Properties.PermissionsBoundary).toEqual({ Ref: ref(t, 'AWS::IAM::ManagedPolicy', '^Boundary') });
    expect(role.Properties.Policies).toBeUndefined(); // no inline policy
    const policy = Object.values(t.findResources('AWS::IAM::ManagedPolicy', { Properties: { Roles: Match.anyValue() } }))[0] as any;
    expect(policy.Properties.Roles).toEqual([{ Ref: ref(t, 'AWS::IAM::Role') }]);
    const doc = policy.Properties.PolicyDocument.Statement as any[];
    expect(doc.map((s) => [s.Sid, s.Action])).toEqual([
      ['CreateNetworkInterfacesInTheEndpointSubnets', 'ec2:CreateNetworkInterface'],
      ['ManageNetworkInterfacesOfTheEndpointVpc', ['ec2:CreateNetworkInterfacePermission', 'ec2:DeleteNetworkInterface', 'ec2:DeleteNetworkInterfacePermission']],
      ['DescribeTheNetwork', ['ec2:DescribeDhcpOptions', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets', 'ec2:DescribeVpcs']],
      ['WriteTheEndpointLogStreams', ['logs:CreateLogStream', 'logs:PutLogEvents']],
      ['UseTheEndpointLogGroup', 'logs:DescribeLogStreams'],
      ['PutSageMakerEndpointMetrics', 'cloudwatch:PutMetricData'],
      ['ReadTheModelArtifacts', 's3:GetObject'],
      ['DecryptTheModelArtifactsAndImages', 'kms:Decrypt'],
      ['AuthenticateToEcr', 'ecr:GetAuthorizationToken'],
      ['PullTheInferenceImages', ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer']],
      ['WriteTheCapturedData', 's3:PutObject'],
      ['EncryptTheCapturedData', ['kms:GenerateDataKey', 'kms:Decrypt']],
    ]);
    for (const s of doc) {
      expect(s.Effect).toBe('Allow');
      expect([s.Action].flat().some((a: string) => a.includes('*'))).toBe(false);
    }
    const byId = Object.fromEntries(doc.map((s) => [s.Sid, s]));
    expect(byId.CreateNetworkInterfacesInTheEndpointSubnets.Resource).toEqual([
      'arn:aws:ec2:eu-central-1:222222222222:network-interface/*',
      ...vpc.isolatedSubnets.map((s) => ({ 'Fn::Join': ['', ['arn:aws:ec2:eu-central-1:222222222222:subnet/', { Ref: stack.getLogicalId(s.node.defaultChild as ec2.CfnSubnet) }]] })),
      { 'Fn::Join': ['', ['arn:aws:ec2:eu-central-1:222222222222:security-group/', { 'Fn::GetAtt': [ref(t, 'AWS::EC2::SecurityGroup', '^EndpointSecurityGroup'), 'GroupId'] }]] },
    ]);
    expect(byId.ManageNetworkInterfacesOfTheEndpointVpc.Condition).toEqual({
      ArnEquals: { 'ec2:Vpc': { 'Fn::Join': ['', ['arn:aws:ec2:eu-central-1:222222222222:vpc/', { Ref: ref(t, 'AWS::EC2::VPC') }]] } },
    });
    expect(byId.WriteTheEndpointLogStreams.Resource).toBe('arn:aws:logs:eu-central-1:222222222222:log-group:/aws/sagemaker/Endpoints/churn-prod:log-stream:*');
    expect(byId.UseTheEndpointLogGroup.Resource).toEqual([
      'arn:aws:logs:eu-central-1:222222222222:log-group:/aws/sagemaker/Endpoints/churn-prod',
      'arn:aws:logs:eu-central-1:222222222222:log-group:/aws/sagemaker/Endpoints/churn-prod:*',
    ]);
    expect(byId.PutSageMakerEndpointMetrics).toMatchObject({ Resource: '*', Condition: { StringLike: { 'cloudwatch:namespace': ['/aws/sagemaker/*', 'aws/sagemaker/*'] } } });
    expect(byId.ReadTheModelArtifacts.Resource).toBe('arn:aws:s3:::churn-artifacts/models/churn/1.4.2/model.tar.gz'); // exactly the artifact
    expect(byId.DecryptTheModelArtifactsAndImages.Resource).toEqual({ 'Fn::GetAtt': [ref(t, 'AWS::KMS::Key', '^ArtifactsKey'), 'Arn'] });
    expect(byId.PullTheInferenceImages.Resource).toBe('arn:aws:ecr:eu-central-1:333333333333:repository/churn-inference');
    expect(byId.WriteTheCapturedData.Resource).toEqual({
      'Fn::Join': ['', [{ 'Fn::GetAtt': [ref(t, 'AWS::S3::Bucket', '^EndpointDataCaptureBucket'), 'Arn'] }, '/data-capture/churn-prod/*']],
    });
    expect(byId.EncryptTheCapturedData.Condition).toEqual({ StringEquals: { 'kms:ViaService': 's3.eu-central-1.amazonaws.com' } });
    // the created log group is encrypted; the role cannot create another one
    t.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/aws/sagemaker/Endpoints/churn-prod', KmsKeyId: { 'Fn::GetAtt': [ref(t, 'AWS::KMS::Key', '^Key'), 'Arn'] }, RetentionInDays: 365 });
  });

  test('model packages: the artifact bucket prefix and the given image repositories; the role may create the log group when asked', () => {
    const { app, stack, vpc, key } = fixture();
    const artifacts = s3.Bucket.fromBucketName(stack, 'Artifacts', 'exp-model-artifacts');
    const ep = endpoint(stack, vpc, key, {
      modelArtifactsBucket: artifacts,
      modelArtifactsPrefix: 'churn/',
      imageRepositoryArns: ['arn:aws:ecr:eu-central-1:333333333333:repository/churn-inference'],
      createLogGroup: false,
    });
    const t = Template.fromStack(stack);
    expect(statement(t, 'ReadTheModelArtifacts').Resource).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::exp-model-artifacts/churn/*']],
    });
    expect(statement(t, 'PullTheInferenceImages').Resource).toBe('arn:aws:ecr:eu-central-1:333333333333:repository/churn-inference');
    expect(statement(t, 'UseTheEndpointLogGroup').Action).toEqual(['logs:CreateLogGroup', 'logs:DescribeLogStreams']);
    t.resourceCountIs('AWS::Logs::LogGroup', 0);
    expect(ep.logGroup).toBeUndefined();
    // an S3 ARN of an imported bucket holds ':::' (refused by the Validations API): acknowledged all the same
    const report = ComplianceCheck.run(app, { packs: [CompliancePack.AWS_SOLUTIONS] });
    const id = 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::exp-model-artifacts/churn/*]';
    expect(report.errors.map((f) => f.ruleId)).not.toContain(id);
    expect(report.acknowledgements).toContainEqual(expect.objectContaining({ ruleId: id, constructPath: 'Test/Endpoint/ExecutionPolicy' }));
  });

  test('warns when the role could not pull any image nor read any artifact', () => {
    const { stack, vpc, key } = fixture();
    endpoint(stack, vpc, key);
    const annotations = Annotations.fromStack(stack);
    annotations.hasWarning('/Test/Endpoint', Match.stringLikeRegexp('cannot read any model artifact'));
    annotations.hasWarning('/Test/Endpoint', Match.stringLikeRegexp('cannot pull any inference image: set imageRepositoryArns'));
  });

  test('a given role is used as it is', () => {
    const { stack, vpc, key } = fixture();
    const given = iam.Role.fromRoleArn(stack, 'Given', 'arn:aws:iam::222222222222:role/churn-endpoint', { mutable: false });
    const ep = endpoint(stack, vpc, key, { role: given });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::IAM::Role', 0);
    t.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
    t.hasResourceProperties('AWS::SageMaker::Model', { ExecutionRoleArn: 'arn:aws:iam::222222222222:role/churn-endpoint' });
    expect(ep.role).toBe(given);
    expect(ep.executionPolicy).toBeUndefined();
  });

  test('grantInvoke allows invoking this endpoint only (SageMaker lower-cases names in ARNs)', () => {
    const { stack, vpc, key } = fixture();
    const ep = endpoint(stack, vpc, key, { endpointName: 'Churn-Prod' });
    const caller = new iam.Role(stack, 'SmokeTest', { assumedBy: new iam.AccountRootPrincipal() });
    ep.grantInvoke(caller);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: ['sagemaker:InvokeEndpoint', 'sagemaker:InvokeEndpointAsync', 'sagemaker:InvokeEndpointWithResponseStream'],
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:eu-central-1:222222222222:endpoint/churn-prod']] },
          },
        ],
      },
    });
  });
});

describe('RealtimeEndpoint: several variants', () => {
  test('each variant has its model, alarms and scalable target; all alarms roll back', () => {
    const { stack, vpc, key } = fixture();
    const ep = endpoint(stack, vpc, key, {
      variantName: 'Champion',
      initialVariantWeight: 9,
      minCapacity: 2,
      maxCapacity: 4,
      additionalVariants: [
        {
          variantName: 'Challenger',
          modelSource: EndpointModelSource.fromModelPackageArn('arn:aws:sagemaker:eu-central-1:111111111111:model-package/churn/4'),
          instanceType: EndpointInstanceType.ML_M5_LARGE,
          initialVariantWeight: 1,
        },
      ],
    });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::SageMaker::Model', 2);
    t.resourceCountIs('AWS::CloudWatch::Alarm', 6);
    t.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 2);
    t.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      ProductionVariants: [
        Match.objectLike({ VariantName: 'Champion', InitialVariantWeight: 9, InitialInstanceCount: 2, InstanceType: 'ml.m5.xlarge' }),
        Match.objectLike({ VariantName: 'Challenger', InitialVariantWeight: 1, InitialInstanceCount: 1, InstanceType: 'ml.m5.large' }),
      ],
    });
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { ResourceId: 'endpoint/churn-prod/variant/Challenger', MinCapacity: 1, MaxCapacity: 2 });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Invocation5XXErrors',
      Dimensions: [
        { Name: 'EndpointName', Value: 'churn-prod' },
        { Name: 'VariantName', Value: 'Challenger' },
      ],
    });
    const resource = Object.values(t.findResources('AWS::SageMaker::Endpoint'))[0] as any;
    expect(resource.Properties.DeploymentConfig.AutoRollbackConfiguration.Alarms).toHaveLength(6);
    expect(ep.variantNames).toEqual(['Champion', 'Challenger']);
    expect(ep.variantAlarms.map((a) => a.variantName)).toEqual(['Champion', 'Challenger']);
  });
});

describe('RealtimeEndpoint: compliance', () => {
  test('cdk-nag passes with only the specific, per-finding acknowledgements of the role wildcards', () => {
    const { app, stack, vpc, key } = fixture();
    endpoint(stack, vpc, key, { modelSource: EndpointModelSource.fromImage(IMAGE, ARTIFACT), minCapacity: 2, maxCapacity: 4 });
    const report = ComplianceCheck.assertCompliant(app);
    expect(report.errors).toEqual([]);
    const mine = acknowledgements(report).filter((a) => a.constructPath.startsWith('Test/Endpoint'));
    expect(mine.map((a) => [a.constructPath, a.ruleId]).sort()).toEqual(
      [
        ['Test/Endpoint/ExecutionPolicy', 'AwsSolutions-IAM5[Resource::*]'],
        ['Test/Endpoint/ExecutionPolicy', 'AwsSolutions-IAM5[Resource::arn:aws:ec2:eu-central-1:222222222222:network-interface/*]'],
        ['Test/Endpoint/ExecutionPolicy', 'AwsSolutions-IAM5[Resource::arn:aws:logs:eu-central-1:222222222222:log-group:/aws/sagemaker/Endpoints/churn-prod:log-stream:*]'],
        ['Test/Endpoint/ExecutionPolicy', 'AwsSolutions-IAM5[Resource::arn:aws:logs:eu-central-1:222222222222:log-group:/aws/sagemaker/Endpoints/churn-prod:*]'],
        [
          'Test/Endpoint/ExecutionPolicy',
          `AwsSolutions-IAM5[Resource::<${stack.getLogicalId((stack.node.findChild('Endpoint').node.findChild('DataCapture').node.findChild('Bucket').node.defaultChild) as s3.CfnBucket)}.Arn>/data-capture/churn-prod/*]`,
        ],
        // the SecureBucket's own acknowledgements (replication), not ours
        ['Test/Endpoint/DataCapture/AccessLogs', 'AwsSolutions-S1'],
        ['Test/Endpoint/DataCapture/AccessLogs', 'HIPAA.Security-S3BucketLoggingEnabled'],
        ['Test/Endpoint/DataCapture/AccessLogs', 'HIPAA.Security-S3BucketReplicationEnabled'],
        ['Test/Endpoint/DataCapture/AccessLogs', 'HIPAA.Security-S3DefaultEncryptionKMS'],
        ['Test/Endpoint/DataCapture/AccessLogs', 'NIST.800.53.R5-S3BucketLoggingEnabled'],
        ['Test/Endpoint/DataCapture/AccessLogs', 'NIST.800.53.R5-S3BucketReplicationEnabled'],
        ['Test/Endpoint/DataCapture/AccessLogs', 'NIST.800.53.R5-S3DefaultEncryptionKMS'],
        ['Test/Endpoint/DataCapture/Bucket', 'HIPAA.Security-S3BucketReplicationEnabled'],
        ['Test/Endpoint/DataCapture/Bucket', 'NIST.800.53.R5-S3BucketReplicationEnabled'],
      ].sort(),
    );
    const resourceStar = mine.find((a) => a.ruleId === 'AwsSolutions-IAM5[Resource::*]')!;
    expect(resourceStar.reason).toMatch(/Describe actions/);
    expect(resourceStar.reason).toMatch(/cloudwatch:namespace/);
    expect(resourceStar.reason).toMatch(/GetAuthorizationToken/);
  });
});

describe('RealtimeEndpoint: tokens and environment-agnostic stacks', () => {
  test('an endpoint name from a parameter is used as is; its ARN comes from the resource', () => {
    const { stack, vpc, key } = fixture();
    const name = new CfnParameter(stack, 'EndpointName', { type: 'String' });
    const ep = endpoint(stack, vpc, key, { endpointName: name.valueAsString });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::SageMaker::Endpoint', { EndpointName: { Ref: 'EndpointName' } });
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      ResourceId: { 'Fn::Join': ['', ['endpoint/', { Ref: 'EndpointName' }, '/variant/AllTraffic']] },
    });
    expect(stack.resolve(ep.endpointArn)).toEqual({ 'Fn::GetAtt': [ref(t, 'AWS::SageMaker::Endpoint'), 'EndpointArn'] });
  });

  test('without a region, the partition stays a reference and the wildcard findings are acknowledged all the same', () => {
    const app = new App();
    const stack = new Stack(app, 'Agnostic');
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    endpoint(stack, vpc, key);
    const report = ComplianceCheck.run(app, { packs: [CompliancePack.AWS_SOLUTIONS] });
    const id = 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:network-interface/*]';
    expect(report.errors.map((f) => f.ruleId)).not.toContain(id);
    expect(report.acknowledgements).toContainEqual(expect.objectContaining({ ruleId: id, constructPath: 'Agnostic/Endpoint/ExecutionPolicy' }));
  });
});

describe('RealtimeEndpoint: bad input fails at synth time', () => {
  const cases: Array<[string, Partial<RealtimeEndpointProps>, RegExp]> = [
    ['endpoint name with an underscore', { endpointName: 'churn_prod' }, /endpointName "churn_prod" is not a valid SageMaker name; use letters, digits and hyphens/],
    ['endpoint name ending in a hyphen', { endpointName: 'churn-prod-' }, /endpointName "churn-prod-" is not a valid SageMaker name/],
    ['endpoint name of 64 characters', { endpointName: 'a'.repeat(64) }, /endpointName "a{64}" has 64 characters; SageMaker allows at most 63/],
    ['sampling 150 %', { dataCapture: { samplingPercentage: 150 } }, /dataCapture.samplingPercentage is 150; write an integer from 0 to 100/],
    ['sampling -1 %', { dataCapture: { samplingPercentage: -1 } }, /dataCapture.samplingPercentage is -1/],
    ['sampling 2.5 %', { dataCapture: { samplingPercentage: 2.5 } }, /dataCapture.samplingPercentage is 2.5; write an integer/],
    ['min above max', { minCapacity: 4, maxCapacity: 2 }, /maxCapacity \(2\) is below minCapacity \(4\); raise maxCapacity to at least 4/],
    ['min 0', { minCapacity: 0 }, /minCapacity is 0; write an integer 1 or more/],
    ['initial count above max', { minCapacity: 1, maxCapacity: 2, initialInstanceCount: 3 }, /initialInstanceCount is 3; write an integer from 1 to 2/],
    ['bad variant name', { variantName: 'All Traffic' }, /variantName "All Traffic" is not a valid SageMaker name/],
    ['timeout below the baking periods', { trafficShifting: TrafficShifting.linear(10, Duration.minutes(30)), maximumExecutionTimeout: Duration.hours(4) }, /maximumExecutionTimeout is 14400 s, but the baking periods \(10 × 1800 s\)/],
    ['timeout above 8 hours', { maximumExecutionTimeout: Duration.hours(9) }, /maximumExecutionTimeout is 32400 s; SageMaker takes 600 s/],
    ['waits beyond 8 hours', { trafficShifting: TrafficShifting.linear(10, Duration.hours(1)) }, /more than the 8 hours SageMaker allows/],
    ['termination wait above 1 hour', { terminationWait: Duration.hours(2) }, /terminationWait is 7200 s; SageMaker keeps the old fleet at most one hour/],
    ['latency threshold 0', { rollbackAlarms: { modelLatencyThreshold: Duration.millis(0) } }, /modelLatencyThreshold must be a literal duration above zero/],
    ['error rate 120 %', { rollbackAlarms: { serverErrorRatePercent: 120 } }, /rollbackAlarms.serverErrorRatePercent is 120; write a literal percentage/],
    ['datapoints above evaluation periods', { rollbackAlarms: { evaluationPeriods: 2, datapointsToAlarm: 3 } }, /rollbackAlarms.datapointsToAlarm is 3; write an integer from 1 to 2/],
    ['target invocations 0', { targetInvocationsPerInstance: 0 }, /targetInvocationsPerInstance is 0/],
    ['capture prefix with a wildcard', { dataCapture: { prefix: 'capture/*' } }, /dataCapture.prefix is "capture\/\*"; write an S3 key prefix without wildcards/],
    [
      'duplicate variant names',
      {
        additionalVariants: [
          { variantName: 'AllTraffic', modelSource: EndpointModelSource.fromModelPackageArn(PACKAGE_ARN), instanceType: EndpointInstanceType.ML_M5_LARGE },
        ],
      },
      /variant name "AllTraffic" is used twice/,
    ],
    [
      'too many rollback alarms',
      {
        additionalVariants: ['B', 'C', 'D'].map((n) => ({
          variantName: n,
          modelSource: EndpointModelSource.fromModelPackageArn(PACKAGE_ARN),
          instanceType: EndpointInstanceType.ML_M5_LARGE,
        })),
      },
      /4 variants need 12 rollback alarms.*SageMaker accepts at most 10/,
    ],
  ];
  test.each(cases)('%s', (_name, props, message) => {
    const { stack, vpc, key } = fixture();
    expect(() => endpoint(stack, vpc, key, props)).toThrow(message);
  });

  test('public subnets are refused', () => {
    const { stack, key } = fixture();
    const vpc = new ec2.Vpc(stack, 'PublicVpc', { natGateways: 0, subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC }] });
    expect(() => endpoint(stack, vpc, key)).toThrow(/vpcSubnets selects public subnets; .* ec2.SubnetType.PRIVATE_ISOLATED/);
    const other = fixture('Other');
    const mixed = new ec2.Vpc(other.stack, 'MixedVpc', {
      natGateways: 0,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC },
        { name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      ],
    });
    expect(() => endpoint(other.stack, mixed, other.key, { vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } })).toThrow(/vpcSubnets selects public subnets/);
  });

  test('more than five security groups are refused', () => {
    const { stack, vpc, key } = fixture();
    const groups = [1, 2, 3, 4, 5, 6].map((i) => new ec2.SecurityGroup(stack, `Sg${i}`, { vpc }));
    expect(() => endpoint(stack, vpc, key, { securityGroups: groups })).toThrow(/securityGroups has 6 groups; SageMaker takes 1 to 5/);
  });
});

describe('EndpointModelSource', () => {
  test('refuses a model package group, malformed ARNs and URIs', () => {
    expect(() => EndpointModelSource.fromModelPackageArn('arn:aws:sagemaker:eu-central-1:111111111111:model-package-group/churn')).toThrow(
      /is a model package GROUP; pin one approved version instead/,
    );
    expect(() => EndpointModelSource.fromModelPackageArn('churn/3')).toThrow(/"churn\/3" is not a model package ARN; write arn:aws:sagemaker/);
    expect(() => EndpointModelSource.fromModelPackageArn(PACKAGE_ARN, { modelDataUrl: 'https://x/y' })).toThrow(/modelDataUrl "https:\/\/x\/y" is not an S3 object URI/);
    expect(() => EndpointModelSource.fromImage('docker.io/library/churn:1', ARTIFACT)).toThrow(/imageUri "docker.io\/library\/churn:1" is not an Amazon ECR image URI/);
    expect(() => EndpointModelSource.fromImage(IMAGE, 's3://churn-artifacts')).toThrow(/modelDataUrl "s3:\/\/churn-artifacts" is not an S3 object URI/);
  });

  test('accepts versioned packages, digests and tokens', () => {
    const p = EndpointModelSource.fromModelPackageArn(PACKAGE_ARN);
    expect(p.modelPackageArn).toBe(PACKAGE_ARN);
    const d = EndpointModelSource.fromImage(`333333333333.dkr.ecr.eu-central-1.amazonaws.com/churn@sha256:${'a'.repeat(64)}`, ARTIFACT);
    expect(d.imageUri).toContain('@sha256:');
    const stack = new Stack();
    const token = new CfnParameter(stack, 'Arn').valueAsString;
    expect(EndpointModelSource.fromModelPackageArn(token).modelPackageArn).toBe(token);
  });
});

describe('TrafficShifting', () => {
  test('canary 1-50 %, linear 10-50 %, waits of whole seconds up to an hour', () => {
    expect(() => TrafficShifting.canary(0, Duration.minutes(5))).toThrow(/canaryPercent is 0; write an integer percentage of the new fleet's capacity from 1 to 50/);
    expect(() => TrafficShifting.canary(51, Duration.minutes(5))).toThrow(/canaryPercent is 51/);
    expect(() => TrafficShifting.canary(12.5, Duration.minutes(5))).toThrow(/canaryPercent is 12.5/);
    expect(() => TrafficShifting.linear(5, Duration.minutes(5))).toThrow(/stepPercent is 5; write an integer percentage of the new fleet's capacity from 10 to 50/);
    expect(() => TrafficShifting.linear(60, Duration.minutes(5))).toThrow(/stepPercent is 60/);
    expect(() => TrafficShifting.canary(10, Duration.hours(2))).toThrow(/waitInterval is 2 hours; write whole seconds from 0 to one hour/);
    expect(() => TrafficShifting.allAtOnce(Duration.millis(1500))).toThrow(/waitInterval is 1 second 500 millis; write whole seconds/);
    const linear = TrafficShifting.linear(30, Duration.minutes(2));
    expect([linear.mode, linear.capacityPercent, linear.bakingPeriods]).toEqual([TrafficShiftingMode.LINEAR, 30, 4]);
    const all = TrafficShifting.allAtOnce(Duration.seconds(0));
    expect([all.mode, all.capacityPercent, all.bakingPeriods, all.waitInterval.toSeconds()])
      .toEqual([TrafficShiftingMode.ALL_AT_ONCE, undefined, 1, 0]);
  });
});

describe('EndpointInstanceType', () => {
  test('knows which families have local NVMe storage, and refuses names without ml.', () => {
    const local = ['ml.g5.xlarge', 'ml.g4dn.2xlarge', 'ml.m5d.large', 'ml.c6id.4xlarge', 'ml.p4d.24xlarge', 'ml.p3dn.24xlarge', 'ml.trn1.32xlarge', 'ml.g6e.xlarge'];
    const ebs = ['ml.m5.large', 'ml.c5.xlarge', 'ml.r5.large', 'ml.inf2.xlarge', 'ml.p3.2xlarge', 'ml.t2.medium', 'ml.c6i.large', 'ml.m7i.large'];
    expect(local.filter((n) => !EndpointInstanceType.of(n).hasLocalStorage)).toEqual([]);
    expect(ebs.filter((n) => EndpointInstanceType.of(n).hasLocalStorage)).toEqual([]);
    expect(EndpointInstanceType.of('ml.m5.large', true).hasLocalStorage).toBe(true);
    expect(() => EndpointInstanceType.of('m5.large')).toThrow(/instanceType: "m5.large" is not a SageMaker instance type; write ml.<family>.<size>/);
    expect(() => EndpointInstanceType.of('ml.m5.huge')).toThrow(/not a SageMaker instance type/);
    expect(EndpointInstanceType.ML_M5_XLARGE.toString()).toBe('ml.m5.xlarge');
  });
});

describe('RealtimeEndpoint: a fixed execution role name', () => {
  test('names the created role, so that other accounts can admit exactly it', () => {
    const { stack, vpc, key } = fixture();
    new RealtimeEndpoint(stack, 'Endpoint', {
      endpointName: 'churn-prod',
      modelSource: EndpointModelSource.fromModelPackageArn('arn:aws:sagemaker:eu-central-1:222222222222:model-package/churn/3'),
      instanceType: EndpointInstanceType.ML_M5_LARGE,
      vpc,
      encryptionKey: key,
      roleName: 'vwml-churn-prod-endpoint',
    });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', { RoleName: 'vwml-churn-prod-endpoint' });
  });

  test('refuses a bad name, and a name together with a given role', () => {
    const { stack, vpc, key } = fixture();
    const base = {
      endpointName: 'churn-prod',
      modelSource: EndpointModelSource.fromModelPackageArn('arn:aws:sagemaker:eu-central-1:222222222222:model-package/churn/3'),
      instanceType: EndpointInstanceType.ML_M5_LARGE,
      vpc,
      encryptionKey: key,
    };
    expect(() => new RealtimeEndpoint(stack, 'A', { ...base, roleName: 'no spaces allowed' })).toThrow(/roleName "no spaces allowed" is not an IAM role name/);
    const role = iam.Role.fromRoleArn(stack, 'Given', 'arn:aws:iam::222222222222:role/given');
    expect(() => new RealtimeEndpoint(stack, 'B', { ...base, role, roleName: 'x' })).toThrow(/with a given role, remove roleName/);
  });
});
