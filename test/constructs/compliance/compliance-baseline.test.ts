import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as config from 'aws-cdk-lib/aws-config';
import * as kms from 'aws-cdk-lib/aws-kms';
import { ComplianceCheck } from '../../../src';
import { ComplianceBaseline, ComplianceBaselineProps } from '../../../src/constructs/compliance';
import { testStack } from '../../helpers/stacks';

function baseline(extra: Partial<ComplianceBaselineProps> = {}) {
  const { app, stack } = testStack();
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true, removalPolicy: RemovalPolicy.RETAIN });
  const b = new ComplianceBaseline(stack, 'Baseline', { encryptionKey: key, ...extra });
  return { app, stack, key, b, t: Template.fromStack(stack) };
}

function id(stack: Stack, c: any): string {
  return stack.getLogicalId(c.node?.defaultChild ?? c);
}

const REQUIRED_RULES = [
  'SAGEMAKER_ENDPOINT_CONFIGURATION_KMS_KEY_CONFIGURED',
  'SAGEMAKER_NOTEBOOK_INSTANCE_KMS_KEY_CONFIGURED',
  'SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET_ACCESS',
  'S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED',
  'S3_BUCKET_SSL_REQUESTS_ONLY',
  'CLOUDWATCH_LOG_GROUP_ENCRYPTED',
  'KMS_CMK_NOT_SCHEDULED_FOR_DELETION',
];

describe('ComplianceBaseline', () => {
  test('Config recorder of all supported resource types (with global ones), with the Config service-linked role', () => {
    const { t, stack, b } = baseline();
    t.hasResource('AWS::IAM::ServiceLinkedRole', { DeletionPolicy: 'Retain', Properties: { AWSServiceName: 'config.amazonaws.com' } });
    t.resourceCountIs('AWS::Config::ConfigurationRecorder', 1);
    t.hasResource('AWS::Config::ConfigurationRecorder', {
      Properties: {
        RecordingGroup: { AllSupported: true, IncludeGlobalResourceTypes: true },
        RecordingMode: { RecordingFrequency: 'CONTINUOUS' },
        RoleARN: {
          'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::222222222222:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig']],
        },
      },
      DependsOn: [Match.stringLikeRegexp('^BaselineConfigServiceLinkedRole')],
    });
    expect(b.recorder).toBeDefined();
    // no IAM role or policy of our own: the service-linked role is what Security Hub control Config.1 expects
    t.resourceCountIs('AWS::IAM::Role', 0);
    t.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
    expect(stack.resolve(b.deliveryBucket!.bucketName)).toEqual({ Ref: id(stack, b.deliveryBucket) });
  });

  test('delivery channel to the KMS-encrypted SecureBucket, after the recorder and the bucket policy', () => {
    const { t, stack, key, b } = baseline();
    const bucketId = id(stack, b.deliveryBucket);
    const keyArn = { 'Fn::GetAtt': [id(stack, key), 'Arn'] };
    t.hasResource('AWS::Config::DeliveryChannel', {
      Properties: {
        S3BucketName: { Ref: bucketId },
        S3KmsKeyArn: keyArn,
        ConfigSnapshotDeliveryProperties: { DeliveryFrequency: 'TwentyFour_Hours' },
      },
      DependsOn: [stack.getLogicalId(b.deliveryBucket!.policy!.node.defaultChild as any), id(stack, b.recorder)],
    });
    t.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArn } }] },
        VersioningConfiguration: { Status: 'Enabled' },
      },
    });
  });

  test('the bucket policy lets only AWS Config of this account deliver, to its own prefix', () => {
    const { t, stack, b } = baseline();
    const bucketArn = { 'Fn::GetAtt': [id(stack, b.deliveryBucket), 'Arn'] };
    const source = { 'AWS:SourceAccount': '222222222222' };
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: id(stack, b.deliveryBucket) },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          {
            Sid: 'AWSConfigBucketPermissionsCheck',
            Effect: 'Allow',
            Principal: { Service: 'config.amazonaws.com' },
            Action: 's3:GetBucketAcl',
            Resource: bucketArn,
            Condition: { StringEquals: source },
          },
          {
            Sid: 'AWSConfigBucketExistenceCheck',
            Effect: 'Allow',
            Principal: { Service: 'config.amazonaws.com' },
            Action: 's3:ListBucket',
            Resource: bucketArn,
            Condition: { StringEquals: source },
          },
          {
            Sid: 'AWSConfigBucketDelivery',
            Effect: 'Allow',
            Principal: { Service: 'config.amazonaws.com' },
            Action: 's3:PutObject',
            Resource: { 'Fn::Join': ['', [bucketArn, '/AWSLogs/222222222222/Config/*']] },
            Condition: { StringEquals: { ...source, 's3:x-amz-acl': 'bucket-owner-full-control' } },
          },
        ]),
      },
    });
  });

  test('the key policy lets AWS Config of this account encrypt the deliveries', () => {
    const { t } = baseline();
    t.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          {
            Sid: 'AllowAWSConfigDeliveryOfThisAccount',
            Effect: 'Allow',
            Principal: { Service: 'config.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
            Resource: '*',
            Condition: { StringEquals: { 'AWS:SourceAccount': '222222222222' } },
          },
        ]),
      },
    });
  });

  test('managed rules on encryption and SageMaker, each after the recorder and the delivery channel', () => {
    const { t, stack, b } = baseline();
    const rules = t.findResources('AWS::Config::ConfigRule');
    const identifiers = Object.values(rules).map((r: any) => r.Properties.Source.SourceIdentifier);
    expect(identifiers).toEqual(expect.arrayContaining(REQUIRED_RULES));
    expect(identifiers).toEqual([
      ...ComplianceBaseline.ENCRYPTION_RULES,
      ...ComplianceBaseline.SAGEMAKER_RULES,
      ...ComplianceBaseline.MODEL_MONITOR_RULES,
    ]);
    expect(identifiers).toEqual(b.ruleIdentifiers);
    expect(new Set(identifiers).size).toBe(identifiers.length);
    for (const r of Object.values(rules) as any[]) {
      expect(r.Properties.Source.Owner).toBe('AWS');
      expect(r.Properties.MaximumExecutionFrequency).toBeUndefined();
      expect(r.DependsOn).toEqual(expect.arrayContaining([id(stack, b.recorder), id(stack, b.deliveryChannel)]));
    }
    expect(identifiers.filter((i) => i.startsWith('SAGEMAKER_')).length).toBeGreaterThanOrEqual(15);
  });

  test('Security Hub with only the AWS Foundational Security Best Practices standard', () => {
    const { t, stack, b } = baseline();
    t.hasResourceProperties('AWS::SecurityHub::Hub', { EnableDefaultStandards: false, ControlFindingGenerator: 'SECURITY_CONTROL', AutoEnableControls: true });
    t.resourceCountIs('AWS::SecurityHub::Standard', 1);
    t.hasResource('AWS::SecurityHub::Standard', {
      Properties: {
        StandardsArn: {
          'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':securityhub:eu-central-1::standards/aws-foundational-security-best-practices/v/1.0.0']],
        },
      },
      DependsOn: [id(stack, b.hub)],
    });
  });

  test('the standard ARN follows the stack region and partition', () => {
    const app = new App();
    const stack = new Stack(app, 'Us', { env: { account: '333333333333', region: 'us-east-1' } });
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    new ComplianceBaseline(stack, 'Baseline', { encryptionKey: key });
    Template.fromStack(stack).hasResourceProperties('AWS::SecurityHub::Standard', {
      StandardsArn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0']] },
    });
  });

  test('where the organization manages Config and Security Hub: only the rules remain, without a recorder dependency', () => {
    const { t, b } = baseline({ enableConfigRecorder: false, enableSecurityHub: false });
    t.resourceCountIs('AWS::Config::ConfigurationRecorder', 0);
    t.resourceCountIs('AWS::Config::DeliveryChannel', 0);
    t.resourceCountIs('AWS::IAM::ServiceLinkedRole', 0);
    t.resourceCountIs('AWS::S3::Bucket', 0);
    t.resourceCountIs('AWS::SecurityHub::Hub', 0);
    t.resourceCountIs('AWS::SecurityHub::Standard', 0);
    const rules = Object.values(t.findResources('AWS::Config::ConfigRule')) as any[];
    expect(rules).toHaveLength(b.ruleIdentifiers.length);
    expect(rules.every((r) => r.DependsOn === undefined)).toBe(true);
    expect(b.recorder).toBeUndefined();
    expect(b.deliveryBucket).toBeUndefined();
    expect(b.hub).toBeUndefined();
  });

  test('an existing service-linked role, no global types, hourly snapshots, no rules', () => {
    const { t } = baseline({
      createServiceLinkedRole: false,
      includeGlobalResourceTypes: false,
      snapshotDeliveryFrequency: config.MaximumExecutionFrequency.ONE_HOUR,
      enableConfigRules: false,
    });
    t.resourceCountIs('AWS::IAM::ServiceLinkedRole', 0);
    t.hasResource('AWS::Config::ConfigurationRecorder', {
      Properties: { RecordingGroup: { AllSupported: true, IncludeGlobalResourceTypes: false } },
      DependsOn: Match.absent(),
    });
    t.hasResourceProperties('AWS::Config::DeliveryChannel', { ConfigSnapshotDeliveryProperties: { DeliveryFrequency: 'One_Hour' } });
    t.resourceCountIs('AWS::Config::ConfigRule', 0);
  });

  test('rules can be left out where AWS Config does not offer them, and added', () => {
    const { b, t } = baseline({
      includeModelMonitorRules: false,
      excludedRules: ['SAGEMAKER_DOMAIN_IN_VPC', 'SAGEMAKER_ENDPOINT_CONFIG_PROD_INSTANCE_COUNT'],
      additionalRules: ['S3_DEFAULT_ENCRYPTION_KMS'],
    });
    expect(b.ruleIdentifiers).not.toContain('SAGEMAKER_DOMAIN_IN_VPC');
    expect(b.ruleIdentifiers).not.toContain('SAGEMAKER_ENDPOINT_CONFIG_PROD_INSTANCE_COUNT');
    for (const r of ComplianceBaseline.MODEL_MONITOR_RULES) expect(b.ruleIdentifiers).not.toContain(r);
    expect(b.ruleIdentifiers[b.ruleIdentifiers.length - 1]).toBe('S3_DEFAULT_ENCRYPTION_KMS');
    t.resourceCountIs('AWS::Config::ConfigRule', ComplianceBaseline.ENCRYPTION_RULES.length + ComplianceBaseline.SAGEMAKER_RULES.length - 2 + 1);
  });

  test('an imported key is used as is (its policy is managed elsewhere)', () => {
    const app = new App();
    const stack = new Stack(app, 'Imported', { env: { account: '222222222222', region: 'eu-central-1' } });
    const key = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:eu-central-1:222222222222:key/11111111-2222-3333-4444-555555555555');
    new ComplianceBaseline(stack, 'Baseline', { encryptionKey: key });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::KMS::Key', 0);
    t.hasResourceProperties('AWS::Config::DeliveryChannel', { S3KmsKeyArn: 'arn:aws:kms:eu-central-1:222222222222:key/11111111-2222-3333-4444-555555555555' });
  });

  test('passes the compliance packs without acknowledgements of its own', () => {
    const { app } = baseline();
    const report = ComplianceCheck.assertCompliant(app);
    // only SecureBucket's own acknowledgements (access-log bucket, replication) are present
    const own = report.acknowledgements.filter((a) => a.constructPath.startsWith('Test/Baseline') && !a.constructPath.startsWith('Test/Baseline/DeliveryBucket'));
    expect(own).toEqual([]);
  });

  describe('refuses bad props', () => {
    const cases: Array<[string, Partial<ComplianceBaselineProps>, RegExp]> = [
      ['excluding a rule that is not a default', { excludedRules: ['S3_DEFAULT_ENCRYPTION_KMS'] }, /excludedRules contains "S3_DEFAULT_ENCRYPTION_KMS", which is not one of the default rules/],
      ['excluding a model monitor rule that is turned off', { includeModelMonitorRules: false, excludedRules: ['SAGEMAKER_MODEL_BIAS_JOB_ISOLATION'] }, /excludedRules contains "SAGEMAKER_MODEL_BIAS_JOB_ISOLATION"/],
      ['a rule name instead of an identifier', { additionalRules: ['s3-default-encryption-kms'] }, /additionalRules contains "s3-default-encryption-kms"; use the rule's identifier in upper case/],
      ['adding a default rule twice', { additionalRules: ['S3_BUCKET_SSL_REQUESTS_ONLY'] }, /additionalRules contains S3_BUCKET_SSL_REQUESTS_ONLY, which the baseline creates already/],
      ['a service-linked role without a recorder', { enableConfigRecorder: false, createServiceLinkedRole: true }, /createServiceLinkedRole is true but enableConfigRecorder is false/],
    ];
    test.each(cases)('%s', (_name, extra, message) => {
      expect(() => baseline(extra)).toThrow(message);
    });
  });
});
