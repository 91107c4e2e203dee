import { App, Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ComplianceCheck, PlatformKey, SecureBucket } from '../../../src';
import { ModelRegistry, ModelRegistryProps } from '../../../src/constructs/registry';
import { TEST_ENV, testStack } from '../../helpers/stacks';

const BUS_ARN = 'arn:aws:events:eu-central-1:333333333333:event-bus/vwml-model-events';
const RES_DEPLOY = 'arn:aws:iam::333333333333:role/vwml-churn-model-deployment';
const DEV_DEPLOY = 'arn:aws:iam::444444444444:role/vwml-churn-model-deploy';
const DEV_ENDPOINT = 'arn:aws:iam::444444444444:role/churn-serving-EndpointRole*';
const PROD_DEPLOY = 'arn:aws:iam::666666666666:role/vwml-churn-model-deploy';
const GROUP_ARN = 'arn:aws:sagemaker:eu-central-1:222222222222:model-package-group/churn-model';
const VERSIONS_ARN = 'arn:aws:sagemaker:eu-central-1:222222222222:model-package/churn-model/*';
const READ = ['sagemaker:DescribeModelPackageGroup', 'sagemaker:DescribeModelPackage', 'sagemaker:ListModelPackages'];

function setup(props: Partial<ModelRegistryProps> = {}) {
  const { app, stack } = testStack();
  const key = new PlatformKey(stack, 'MlKey', { aliasName: 'mlops/ml' });
  const registry = new ModelRegistry(stack, 'Registry', {
    modelPackageGroupName: 'churn-model',
    modelEventBusArn: BUS_ARN,
    encryptionKey: key.key,
    ...props,
  });
  return {
    app,
    stack,
    key,
    registry,
    get t() {
      return Template.fromStack(stack);
    },
  };
}

function only(t: Template, type: string): any {
  const all = Object.values(t.findResources(type));
  expect(all).toHaveLength(1);
  return all[0];
}

function logicalId(stack: Stack, c: any): string {
  return stack.getLogicalId(c.node.defaultChild ?? c);
}

function roots(...accounts: string[]): string | string[] {
  const arns = accounts.map((a) => `arn:aws:iam::${a}:root`);
  return arns.length === 1 ? arns[0] : arns;
}

function keyStatements(t: Template): any[] {
  return only(t, 'AWS::KMS::Key').Properties.KeyPolicy.Statement;
}

describe('ModelRegistry: the model package group', () => {
  test('named, described, retained, without a resource policy when there are no consumers', () => {
    const { t, registry } = setup();
    t.resourceCountIs('AWS::SageMaker::ModelPackageGroup', 1);
    const group = only(t, 'AWS::SageMaker::ModelPackageGroup');
    expect(group).toEqual({
      Type: 'AWS::SageMaker::ModelPackageGroup',
      Properties: { ModelPackageGroupName: 'churn-model', ModelPackageGroupDescription: 'Model versions of churn-model' },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    expect(registry.modelPackageGroupName).toBe('churn-model');
    expect(registry.modelPackageGroupArn).toBe(GROUP_ARN);
    expect(registry.modelPackageVersionsArn).toBe(VERSIONS_ARN);
    expect(registry.modelEventBusArn).toBe(BUS_ARN);
    expect(registry.resourcePolicy).toBeUndefined();
    expect(registry.artifactKeyPolicyStatements).toEqual([]);
    expect(registry.artifactBucketPolicyStatements).toEqual([]);
  });

  test('description, tags and removal policy are passed through', () => {
    const { t } = setup({ description: 'Churn prediction, use case 42', tags: { UseCase: 'churn', CostCenter: 'ml-42' }, removalPolicy: RemovalPolicy.DESTROY });
    t.hasResource('AWS::SageMaker::ModelPackageGroup', {
      DeletionPolicy: 'Delete',
      Properties: {
        ModelPackageGroupName: 'churn-model',
        ModelPackageGroupDescription: 'Churn prediction, use case 42',
        Tags: [
          { Key: 'CostCenter', Value: 'ml-42' },
          { Key: 'UseCase', Value: 'churn' },
        ],
      },
    });
    t.hasResource('AWS::SQS::Queue', { DeletionPolicy: 'Delete' });
  });
});

describe('ModelRegistry: the resource policy', () => {
  test('role-scoped: the roles\' accounts as principals, the roles in ArnLike aws:PrincipalArn, read on group and versions, CreateModel on versions', () => {
    const { t, registry } = setup({ consumerRoleArns: [RES_DEPLOY, DEV_DEPLOY, DEV_ENDPOINT, PROD_DEPLOY] });
    const condition = { ArnLike: { 'aws:PrincipalArn': [RES_DEPLOY, DEV_DEPLOY, DEV_ENDPOINT, PROD_DEPLOY] } };
    const principal = { AWS: roots('333333333333', '444444444444', '666666666666') };
    expect(only(t, 'AWS::SageMaker::ModelPackageGroup').Properties.ModelPackageGroupPolicy).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'ConsumerRolesReadModelVersions', Effect: 'Allow', Principal: principal, Action: READ, Resource: [GROUP_ARN, VERSIONS_ARN], Condition: condition },
        { Sid: 'ConsumerRolesCreateModelsFromVersions', Effect: 'Allow', Principal: principal, Action: 'sagemaker:CreateModel', Resource: VERSIONS_ARN, Condition: condition },
      ],
    });
    expect(registry.resourcePolicy).toBeDefined();
    // no approval from other accounts, no write access of any kind
    const text = JSON.stringify(only(t, 'AWS::SageMaker::ModelPackageGroup').Properties.ModelPackageGroupPolicy);
    expect(text).not.toMatch(/UpdateModelPackage|CreateModelPackage|Delete|PutModelPackageGroupPolicy|sagemaker:\*/);
  });

  test('whole accounts are the fallback: account principals without a role condition, with the organization condition', () => {
    const { t } = setup({ consumerAccountIds: ['444444444444', '555555555555'], organizationId: 'o-a1b2c3d4e5' });
    const condition = { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } };
    const principal = { AWS: roots('444444444444', '555555555555') };
    expect(only(t, 'AWS::SageMaker::ModelPackageGroup').Properties.ModelPackageGroupPolicy.Statement).toEqual([
      { Sid: 'ConsumerAccountsReadModelVersions', Effect: 'Allow', Principal: principal, Action: READ, Resource: [GROUP_ARN, VERSIONS_ARN], Condition: condition },
      { Sid: 'ConsumerAccountsCreateModelsFromVersions', Effect: 'Allow', Principal: principal, Action: 'sagemaker:CreateModel', Resource: VERSIONS_ARN, Condition: condition },
    ]);
  });

  test('roles and whole accounts together: one pair of statements each; the organization condition on both', () => {
    const { t } = setup({ consumerRoleArns: [RES_DEPLOY], consumerAccountIds: ['555555555555'], organizationId: 'o-a1b2c3d4e5' });
    const statements = only(t, 'AWS::SageMaker::ModelPackageGroup').Properties.ModelPackageGroupPolicy.Statement;
    expect(statements.map((s: any) => [s.Sid, s.Principal.AWS, s.Condition])).toEqual([
      ['ConsumerRolesReadModelVersions', roots('333333333333'), { ArnLike: { 'aws:PrincipalArn': [RES_DEPLOY] }, StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } }],
      ['ConsumerRolesCreateModelsFromVersions', roots('333333333333'), { ArnLike: { 'aws:PrincipalArn': [RES_DEPLOY] }, StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } }],
      ['ConsumerAccountsReadModelVersions', roots('555555555555'), { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } }],
      ['ConsumerAccountsCreateModelsFromVersions', roots('555555555555'), { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } }],
    ]);
  });

  test('allowModelCreation: false leaves only the read statement', () => {
    const { t } = setup({ consumerRoleArns: [RES_DEPLOY], allowModelCreation: false });
    const statements = only(t, 'AWS::SageMaker::ModelPackageGroup').Properties.ModelPackageGroupPolicy.Statement;
    expect(statements).toHaveLength(1);
    expect(statements[0].Sid).toBe('ConsumerRolesReadModelVersions');
    expect(statements[0].Action).toEqual(READ);
  });
});

describe('ModelRegistry: the model artifacts', () => {
  test('a key of this app gets a decrypt statement for the consumer roles, through S3 and SageMaker of its region only', () => {
    const { stack } = testStack();
    const platformKey = new PlatformKey(stack, 'MlKey', { aliasName: 'mlops/ml' });
    const artifactKey = new kms.Key(stack, 'ArtifactKey', { enableKeyRotation: true });
    const registry = new ModelRegistry(stack, 'Registry', {
      modelPackageGroupName: 'fraud-model',
      modelEventBusArn: BUS_ARN,
      encryptionKey: platformKey.key,
      consumerRoleArns: [DEV_DEPLOY, DEV_ENDPOINT],
      organizationId: 'o-a1b2c3d4e5',
      artifactKey,
    });
    const keys = Template.fromStack(stack).findResources('AWS::KMS::Key');
    const statements = keys[logicalId(stack, artifactKey)].Properties.KeyPolicy.Statement;
    expect(statements.slice(1)).toEqual([
      {
        Sid: 'ConsumerRolesDecryptModelArtifactsOfFraudModel',
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::444444444444:root' },
        Action: ['kms:Decrypt', 'kms:DescribeKey'],
        Resource: '*',
        Condition: {
          ArnLike: { 'aws:PrincipalArn': [DEV_DEPLOY, DEV_ENDPOINT] },
          StringEquals: {
            'aws:PrincipalOrgID': 'o-a1b2c3d4e5',
            'kms:ViaService': ['s3.eu-central-1.amazonaws.com', 'sagemaker.eu-central-1.amazonaws.com'],
          },
        },
      },
    ]);
    expect(registry.artifactKeyPolicyStatements).toHaveLength(1);
    // the dead-letter key is another key: it got no consumer statement
    expect(keys[logicalId(stack, platformKey.key)].Properties.KeyPolicy.Statement.map((x: any) => x.Sid)).toEqual([
      undefined,
      'AllowEventBridgeOfThisAccountToWriteEncryptedDeadLetters',
    ]);
  });

  test('whole-account consumers get the decrypt statement without a role condition', () => {
    const { stack } = testStack();
    const shared = new PlatformKey(stack, 'Shared', { aliasName: 'mlops/shared' });
    new ModelRegistry(stack, 'Registry', {
      modelPackageGroupName: 'churn-model',
      modelEventBusArn: BUS_ARN,
      encryptionKey: shared.key,
      consumerAccountIds: ['555555555555'],
      artifactKey: shared.key,
    });
    expect(keyStatements(Template.fromStack(stack)).find((x: any) => x.Sid === 'ConsumerAccountsDecryptModelArtifactsOfChurnModel')).toEqual({
      Sid: 'ConsumerAccountsDecryptModelArtifactsOfChurnModel',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::555555555555:root' },
      Action: ['kms:Decrypt', 'kms:DescribeKey'],
      Resource: '*',
      Condition: { StringEquals: { 'kms:ViaService': ['s3.eu-central-1.amazonaws.com', 'sagemaker.eu-central-1.amazonaws.com'] } },
    });
  });

  test('a key in another stack of the app (the platform stack) gets the statement without a reference back to the registry\'s stack', () => {
    const app = new App();
    const platform = new Stack(app, 'Platform', { env: TEST_ENV });
    const useCase = new Stack(app, 'UseCase', { env: TEST_ENV });
    const mlKey = new PlatformKey(platform, 'MlKey', { aliasName: 'vwml/ml' });
    const artifacts = new SecureBucket(platform, 'Artifacts', { encryptionKey: mlKey.key });
    new ModelRegistry(useCase, 'Registry', {
      modelPackageGroupName: 'churn-model',
      modelEventBusArn: BUS_ARN,
      encryptionKey: mlKey.key,
      consumerRoleArns: [DEV_DEPLOY],
      artifactKey: mlKey.key,
      artifactBucket: artifacts.bucket,
      artifactPrefix: 'models/churn-model/',
    });
    const platformTemplate = Template.fromStack(platform);
    expect(JSON.stringify(platformTemplate.toJSON())).not.toContain('Fn::ImportValue');
    expect(keyStatements(platformTemplate).map((s: any) => s.Sid)).toEqual([
      undefined,
      'ConsumerRolesDecryptModelArtifactsOfChurnModel',
      'AllowEventBridgeOfThisAccountToWriteEncryptedDeadLetters',
    ]);
    platformTemplate.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'ConsumerRolesReadModelArtifactsOfChurnModel' })]) },
    });
    const report = ComplianceCheck.assertCompliant(app);
    expect(report.errors).toEqual([]);
  });

  test('an imported key is left alone, with a warning and the statements for its owner', () => {
    const { stack } = testStack();
    const key = new PlatformKey(stack, 'MlKey', { aliasName: 'mlops/ml' });
    const imported = kms.Key.fromKeyArn(stack, 'Imported', 'arn:aws:kms:eu-central-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    const registry = new ModelRegistry(stack, 'Registry', {
      modelPackageGroupName: 'churn-model',
      modelEventBusArn: BUS_ARN,
      encryptionKey: key.key,
      consumerRoleArns: [DEV_DEPLOY],
      artifactKey: imported,
    });
    expect(registry.artifactKeyPolicyStatements).toHaveLength(1);
    expect(stack.resolve(registry.artifactKeyPolicyStatements[0].toStatementJson())).toEqual({
      Sid: 'ConsumerRolesDecryptModelArtifactsOfChurnModel',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::444444444444:root' },
      Action: ['kms:Decrypt', 'kms:DescribeKey'],
      Resource: '*',
      Condition: {
        ArnLike: { 'aws:PrincipalArn': [DEV_DEPLOY] },
        StringEquals: { 'kms:ViaService': ['s3.eu-central-1.amazonaws.com', 'sagemaker.eu-central-1.amazonaws.com'] },
      },
    });
    Annotations.fromStack(stack).hasWarning('/Test/Registry', Match.stringLikeRegexp('artifactKey is imported.*artifactKeyPolicyStatements'));
  });

  test('the artifact bucket lets the consumer roles get objects under the prefix and list only that prefix', () => {
    const { stack } = testStack();
    const key = new PlatformKey(stack, 'MlKey', { aliasName: 'mlops/ml' });
    const artifacts = new SecureBucket(stack, 'Artifacts', { encryptionKey: key.key });
    const registry = new ModelRegistry(stack, 'Registry', {
      modelPackageGroupName: 'churn-model',
      modelEventBusArn: BUS_ARN,
      encryptionKey: key.key,
      consumerRoleArns: [DEV_DEPLOY, DEV_ENDPOINT],
      organizationId: 'o-a1b2c3d4e5',
      artifactBucket: artifacts.bucket,
      artifactPrefix: 'models/churn-model/',
    });
    const t = Template.fromStack(stack);
    const bucketId = logicalId(stack, artifacts.bucket);
    const policies = Object.values(t.findResources('AWS::S3::BucketPolicy')).filter((p: any) => p.Properties.Bucket.Ref === bucketId);
    expect(policies).toHaveLength(1);
    const consumer = (policies[0] as any).Properties.PolicyDocument.Statement.filter((s: any) => s.Sid?.startsWith('Consumer'));
    const condition = { ArnLike: { 'aws:PrincipalArn': [DEV_DEPLOY, DEV_ENDPOINT] }, StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } };
    expect(consumer).toEqual([
      {
        Sid: 'ConsumerRolesReadModelArtifactsOfChurnModel',
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::444444444444:root' },
        Action: 's3:GetObject',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/models/churn-model/*']] },
        Condition: condition,
      },
      {
        Sid: 'ConsumerRolesListModelArtifactsOfChurnModel',
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::444444444444:root' },
        Action: 's3:ListBucket',
        Resource: { 'Fn::GetAtt': [bucketId, 'Arn'] },
        Condition: { ...condition, StringLike: { 's3:prefix': 'models/churn-model/*' } },
      },
    ]);
    expect(registry.artifactBucketPolicyStatements).toHaveLength(2);
  });

  test('without a prefix the whole bucket is readable and listable, for whole accounts without a role condition', () => {
    const { stack } = testStack();
    const key = new PlatformKey(stack, 'MlKey', { aliasName: 'mlops/ml' });
    const artifacts = new SecureBucket(stack, 'Artifacts', { encryptionKey: key.key });
    new ModelRegistry(stack, 'Registry', {
      modelPackageGroupName: 'churn-model',
      modelEventBusArn: BUS_ARN,
      encryptionKey: key.key,
      consumerAccountIds: ['555555555555'],
      artifactBucket: artifacts.bucket,
    });
    const t = Template.fromStack(stack);
    const bucketId = logicalId(stack, artifacts.bucket);
    const policy = Object.values(t.findResources('AWS::S3::BucketPolicy')).find((p: any) => p.Properties.Bucket.Ref === bucketId) as any;
    expect(policy.Properties.PolicyDocument.Statement.filter((s: any) => s.Sid?.startsWith('Consumer'))).toEqual([
      {
        Sid: 'ConsumerAccountsReadModelArtifactsOfChurnModel',
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::555555555555:root' },
        Action: 's3:GetObject',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/*']] },
      },
      {
        Sid: 'ConsumerAccountsListModelArtifactsOfChurnModel',
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::555555555555:root' },
        Action: 's3:ListBucket',
        Resource: { 'Fn::GetAtt': [bucketId, 'Arn'] },
      },
    ]);
  });

  test('an imported bucket is left alone, with a warning and the statements for its owner', () => {
    const { stack } = testStack();
    const key = new PlatformKey(stack, 'MlKey', { aliasName: 'mlops/ml' });
    const registry = new ModelRegistry(stack, 'Registry', {
      modelPackageGroupName: 'churn-model',
      modelEventBusArn: BUS_ARN,
      encryptionKey: key.key,
      consumerRoleArns: [DEV_DEPLOY],
      artifactBucket: s3.Bucket.fromBucketName(stack, 'Imported', 'vwml-exp-artifacts'),
      artifactPrefix: 'models/',
    });
    Template.fromStack(stack).resourceCountIs('AWS::S3::BucketPolicy', 0);
    expect(registry.artifactBucketPolicyStatements.map((s) => stack.resolve(s.toStatementJson()).Resource)).toEqual([
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::vwml-exp-artifacts/models/*']] },
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::vwml-exp-artifacts']] },
    ]);
    Annotations.fromStack(stack).hasWarning('/Test/Registry', Match.stringLikeRegexp('artifactBucket is imported.*artifactBucketPolicyStatements'));
  });
});

describe('ModelRegistry: approval events to the model event bus', () => {
  test('the rule on the default bus matches this group\'s Approved and Rejected decisions only', () => {
    const { t } = setup();
    const rule = only(t, 'AWS::Events::Rule');
    expect(rule.Properties.EventBusName).toBeUndefined();
    expect(rule.Properties.State).toBe('ENABLED');
    expect(rule.Properties.EventPattern).toEqual({
      'source': ['aws.sagemaker'],
      'detail-type': ['SageMaker Model Package State Change'],
      'detail': {
        ModelPackageGroupName: ['churn-model'],
        ModelApprovalStatus: ['Approved', 'Rejected'],
      },
    });
  });

  test('one target: the RES bus, with the forwarding role, the dead-letter queue and the default retry policy', () => {
    const { t, stack, registry } = setup();
    const rule = only(t, 'AWS::Events::Rule');
    expect(rule.Properties.Targets).toEqual([
      {
        Id: 'Target0',
        Arn: BUS_ARN,
        RoleArn: { 'Fn::GetAtt': [logicalId(stack, registry.eventForwardingRole), 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalId(stack, registry.deadLetterQueue), 'Arn'] } },
        RetryPolicy: { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 },
      },
    ]);
    expect(rule.DependsOn).toEqual([stack.getLogicalId(registry.node.findChild('PutEventsPolicy').node.defaultChild as any)]);
  });

  test('the retry policy can be shortened', () => {
    const { t } = setup({ maxEventAge: Duration.hours(2), retryAttempts: 10 });
    expect(only(t, 'AWS::Events::Rule').Properties.Targets[0].RetryPolicy).toEqual({ MaximumEventAgeInSeconds: 7200, MaximumRetryAttempts: 10 });
  });

  test('the forwarding role: EventBridge of this account only, one managed policy with events:PutEvents on the RES bus only', () => {
    const boundary = (stack: Stack) => iam.ManagedPolicy.fromManagedPolicyName(stack, 'Boundary', 'vwml-permissions-boundary');
    const { stack } = testStack();
    const key = new PlatformKey(stack, 'MlKey', { aliasName: 'mlops/ml' });
    const registry = new ModelRegistry(stack, 'Registry', {
      modelPackageGroupName: 'churn-model',
      modelEventBusArn: BUS_ARN,
      encryptionKey: key.key,
      permissionsBoundary: boundary(stack),
      eventForwardingRoleName: 'vwml-churn-model-approval-events',
    });
    const t = Template.fromStack(stack);
    const role = only(t, 'AWS::IAM::Role');
    expect(role.Properties).toEqual({
      RoleName: 'vwml-churn-model-approval-events',
      Description: 'Lets EventBridge put the approval events of model package group churn-model on the model event bus',
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'aws:SourceAccount': '222222222222' } },
          },
        ],
      },
      PermissionsBoundary: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::222222222222:policy/vwml-permissions-boundary']] },
    });
    t.resourceCountIs('AWS::IAM::Policy', 0);
    const policy = only(t, 'AWS::IAM::ManagedPolicy');
    expect(policy.Properties.Roles).toEqual([{ Ref: logicalId(stack, registry.eventForwardingRole) }]);
    expect(policy.Properties.PolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [{ Sid: 'PutEventsOnModelEventBus', Effect: 'Allow', Action: 'events:PutEvents', Resource: BUS_ARN }],
    });
  });

  test('the dead-letter queue: KMS with the given key, TLS only, 14 days, retained; only this rule may send to it', () => {
    const { t, stack, key, registry } = setup();
    const queueId = logicalId(stack, registry.deadLetterQueue);
    const queue = only(t, 'AWS::SQS::Queue');
    expect(queue).toEqual({
      Type: 'AWS::SQS::Queue',
      Properties: { KmsMasterKeyId: { 'Fn::GetAtt': [logicalId(stack, key.key), 'Arn'] }, MessageRetentionPeriod: 1209600 },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    expect(only(t, 'AWS::SQS::QueuePolicy').Properties).toEqual({
      Queues: [{ Ref: queueId }],
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 'sqs:*',
            Resource: { 'Fn::GetAtt': [queueId, 'Arn'] },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
          {
            Sid: 'AllowTheApprovalRuleToSendUndeliveredEvents',
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sqs:SendMessage',
            Resource: { 'Fn::GetAtt': [queueId, 'Arn'] },
            Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [logicalId(stack, registry.rule), 'Arn'] } } },
          },
        ],
      },
    });
  });

  test('the key lets EventBridge of this account write encrypted dead letters, once however many registries share it', () => {
    const { stack, key } = setup();
    new ModelRegistry(stack, 'Second', { modelPackageGroupName: 'fraud-model', modelEventBusArn: BUS_ARN, encryptionKey: key.key });
    const statements = keyStatements(Template.fromStack(stack));
    expect(statements.filter((s: any) => s.Principal.Service === 'events.amazonaws.com')).toEqual([
      {
        Sid: 'AllowEventBridgeOfThisAccountToWriteEncryptedDeadLetters',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: '*',
        Condition: { StringEquals: { 'kms:ViaService': ['sqs.eu-central-1.amazonaws.com', 'sns.eu-central-1.amazonaws.com'] } },
      },
    ]);
  });

  test('an imported dead-letter key is left alone, with a note of what its policy needs', () => {
    const { stack } = testStack();
    const imported = kms.Key.fromKeyArn(stack, 'Imported', 'arn:aws:kms:eu-central-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    new ModelRegistry(stack, 'Registry', { modelPackageGroupName: 'churn-model', modelEventBusArn: BUS_ARN, encryptionKey: imported });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::KMS::Key', 0);
    t.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: 'arn:aws:kms:eu-central-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab' });
    Annotations.fromStack(stack).hasInfo('/Test/Registry', Match.stringLikeRegexp('encryptionKey is imported.*events.amazonaws.com'));
  });
});

describe('ModelRegistry: grants in this account', () => {
  test('grantRegister and grantRead put scoped statements in one managed policy of the registry attached to the role', () => {
    const { stack, registry } = setup();
    const pipelineRole = new iam.Role(stack, 'PipelineRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const register = registry.grantRegister(pipelineRole);
    const read = registry.grantRead(pipelineRole);
    expect(register.success).toBe(true);
    expect(read.success).toBe(true);
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::IAM::Policy', 0);
    const policies = Object.values(t.findResources('AWS::IAM::ManagedPolicy')).filter((p: any) => p.Properties.Roles[0].Ref === logicalId(stack, pipelineRole));
    expect(policies).toHaveLength(1);
    expect((policies[0] as any).Properties.PolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: ['sagemaker:CreateModelPackage', 'sagemaker:AddTags', 'sagemaker:DescribeModelPackageGroup'],
        Resource: [GROUP_ARN, VERSIONS_ARN],
      },
      { Effect: 'Allow', Action: ['sagemaker:DescribeModelPackageGroup', 'sagemaker:DescribeModelPackage'], Resource: [GROUP_ARN, VERSIONS_ARN] },
      { Effect: 'Allow', Action: 'sagemaker:ListModelPackages', Resource: '*' },
    ]);
  });

  test('grantApprove adds UpdateModelPackage on the group\'s versions only', () => {
    const { stack, registry } = setup();
    const approver = new iam.Role(stack, 'Approver', { assumedBy: new iam.AccountRootPrincipal() });
    registry.grantApprove(approver);
    const policy = Object.values(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy')).find((p: any) => p.Properties.Roles[0].Ref === logicalId(stack, approver)) as any;
    expect(policy.Properties.PolicyDocument.Statement).toContainEqual({ Effect: 'Allow', Action: 'sagemaker:UpdateModelPackage', Resource: VERSIONS_ARN });
  });

  test('an imported role gets the managed policy by name; a principal without policies gets no grant', () => {
    const { stack, registry } = setup();
    const imported = iam.Role.fromRoleArn(stack, 'Imported', 'arn:aws:iam::222222222222:role/data-scientist');
    expect(registry.grantRead(imported).success).toBe(true);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::ManagedPolicy', { Roles: ['data-scientist'], Description: 'Access to model package group churn-model' });
    expect(registry.grantRead(new iam.AccountRootPrincipal()).success).toBe(false);
  });

  test('a role in another stack gets the policy in its own stack, without cross-stack references', () => {
    const app = new App();
    const useCase = new Stack(app, 'UseCase', { env: TEST_ENV });
    const pipeline = new Stack(app, 'Pipeline', { env: TEST_ENV });
    const key = new kms.Key(useCase, 'Key', { enableKeyRotation: true });
    const registry = new ModelRegistry(useCase, 'Registry', { modelPackageGroupName: 'churn-model', modelEventBusArn: BUS_ARN, encryptionKey: key });
    const role = new iam.Role(pipeline, 'PipelineRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    registry.grantRegister(role);
    const t = Template.fromStack(pipeline);
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', { Roles: [{ Ref: logicalId(pipeline, role) }] });
    expect(JSON.stringify(t.toJSON())).not.toContain('Fn::ImportValue');
    expect(JSON.stringify(Template.fromStack(useCase).toJSON())).not.toContain('Fn::ImportValue');
  });

  test('the grants pass the compliance packs with exactly the wildcards acknowledged on the registry\'s own policy', () => {
    const { app, stack, registry } = setup();
    const pipelineRole = new iam.Role(stack, 'PipelineRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    registry.grantRegister(pipelineRole);
    registry.grantRead(pipelineRole);
    const report = ComplianceCheck.assertCompliant(app);
    const ours = report.acknowledgements.filter((a) => a.constructPath.startsWith('Test/PipelineRole') || a.constructPath.startsWith('Test/Registry'));
    expect(ours.map((a) => [a.constructPath, a.ruleId]).sort()).toEqual(
      [
        ['Test/PipelineRole/ModelRegistryAccessTestRegistryB774A839', `AwsSolutions-IAM5[Resource::${VERSIONS_ARN}]`],
        ['Test/PipelineRole/ModelRegistryAccessTestRegistryB774A839', 'AwsSolutions-IAM5[Resource::*]'],
        ['Test/Registry/DeadLetterQueue', 'AwsSolutions-SQS3'],
      ].sort(),
    );
  });
});

describe('ModelRegistry: compliance and environments', () => {
  test('a complete registry passes the three packs; the only acknowledgement of its own is the dead-letter queue\'s SQS3', () => {
    const { stack, app } = testStack();
    const key = new PlatformKey(stack, 'MlKey', { aliasName: 'mlops/ml' });
    const artifacts = new SecureBucket(stack, 'Artifacts', { encryptionKey: key.key });
    new ModelRegistry(stack, 'Registry', {
      modelPackageGroupName: 'churn-model',
      modelEventBusArn: BUS_ARN,
      encryptionKey: key.key,
      consumerRoleArns: [RES_DEPLOY, DEV_DEPLOY, DEV_ENDPOINT, PROD_DEPLOY],
      consumerAccountIds: ['555555555555'],
      organizationId: 'o-a1b2c3d4e5',
      artifactKey: key.key,
      artifactBucket: artifacts.bucket,
      artifactPrefix: 'models/churn-model/',
      maxEventAge: Duration.hours(6),
      retryAttempts: 50,
    });
    const report = ComplianceCheck.assertCompliant(app);
    expect(report.findings).toEqual([]);
    expect(report.acknowledgements.filter((a) => a.constructPath.startsWith('Test/Registry')).map((a) => [a.constructPath, a.ruleId])).toEqual([
      ['Test/Registry/DeadLetterQueue', 'AwsSolutions-SQS3'],
    ]);
  });

  test('an environment-agnostic stack builds the ARNs from pseudo parameters', () => {
    const app = new App();
    const stack = new Stack(app, 'Agnostic');
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const registry = new ModelRegistry(stack, 'Registry', { modelPackageGroupName: 'churn-model', modelEventBusArn: BUS_ARN, encryptionKey: key, consumerRoleArns: [DEV_DEPLOY] });
    expect(stack.resolve(registry.modelPackageGroupArn)).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':model-package-group/churn-model']],
    });
    const t = Template.fromStack(stack);
    const statement = only(t, 'AWS::SageMaker::ModelPackageGroup').Properties.ModelPackageGroupPolicy.Statement[0];
    expect(statement.Principal.AWS).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::444444444444:root']] });
    expect(only(t, 'AWS::IAM::Role').Properties.AssumeRolePolicyDocument.Statement[0].Condition).toEqual({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } });
  });
});

describe('ModelRegistry: bad props fail at synth time naming the prop', () => {
  const cases: Array<[string, Partial<ModelRegistryProps>, RegExp]> = [
    ['upper-case name', { modelPackageGroupName: 'Churn-Model' }, /props\.modelPackageGroupName "Churn-Model" has upper-case letters; write it in lower case \("churn-model"\)/],
    ['underscore in the name', { modelPackageGroupName: 'churn_model' }, /props\.modelPackageGroupName "churn_model" breaks SageMaker's rule/],
    ['name starting with a hyphen', { modelPackageGroupName: '-churn' }, /props\.modelPackageGroupName "-churn" breaks SageMaker's rule/],
    ['name ending with a hyphen', { modelPackageGroupName: 'churn-' }, /props\.modelPackageGroupName "churn-" breaks SageMaker's rule/],
    ['name of 64 characters', { modelPackageGroupName: 'a'.repeat(64) }, /props\.modelPackageGroupName "a{64}" breaks SageMaker's rule/],
    ['empty name', { modelPackageGroupName: '' }, /props\.modelPackageGroupName is missing/],
    ['description over 1024 characters', { description: 'x'.repeat(1025) }, /props\.description is 1025 characters long/],
    ['reserved tag key', { tags: { 'aws:owner': 'x' } }, /props\.tags has the key "aws:owner"/],
    ['user ARN as consumer role', { consumerRoleArns: ['arn:aws:iam::444444444444:user/alice'] }, /props\.consumerRoleArns: "arn:aws:iam::444444444444:user\/alice" is not an IAM role ARN/],
    ['role ARN with a short account', { consumerRoleArns: ['arn:aws:iam::44444444444:role/deploy'] }, /props\.consumerRoleArns: .* is not an IAM role ARN/],
    ['every role of an account', { consumerRoleArns: ['arn:aws:iam::444444444444:role/*'] }, /props\.consumerRoleArns: arn:aws:iam::444444444444:role\/\* starts a path or name with "\*"/],
    ['a wildcard path', { consumerRoleArns: ['arn:aws:iam::444444444444:role/ml/*'] }, /starts a path or name with "\*"/],
    ['a role of the own account', { consumerRoleArns: ['arn:aws:iam::222222222222:role/pipeline'] }, /props\.consumerRoleArns: .* is in the registry's own account; .* grantRead/],
    ['a role listed twice', { consumerRoleArns: [DEV_DEPLOY, DEV_DEPLOY] }, /props\.consumerRoleArns lists a role twice/],
    ['an account id of 11 digits', { consumerAccountIds: ['44444444444'] }, /props\.consumerAccountIds: "44444444444" is not an AWS account id/],
    ['an account id with letters', { consumerAccountIds: ['44444444444a'] }, /props\.consumerAccountIds: "44444444444a" is not an AWS account id/],
    ['the own account', { consumerAccountIds: ['222222222222'] }, /props\.consumerAccountIds lists 222222222222, the registry's own account/],
    ['an account listed twice', { consumerAccountIds: ['555555555555', '555555555555'] }, /props\.consumerAccountIds lists an account twice/],
    ['an account both by roles and whole', { consumerRoleArns: [DEV_DEPLOY], consumerAccountIds: ['444444444444'] }, /props\.consumerAccountIds lists 444444444444, whose roles props\.consumerRoleArns already names/],
    ['a bad organization id', { consumerRoleArns: [DEV_DEPLOY], organizationId: 'org-123' }, /props\.organizationId "org-123" is not an AWS Organizations id/],
    ['an organization without consumers', { organizationId: 'o-a1b2c3d4e5' }, /props\.organizationId only applies to consumers, but none are given/],
    ['allowModelCreation without consumers', { allowModelCreation: true }, /props\.allowModelCreation only applies to consumers/],
    ['a prefix without bucket', { consumerRoleArns: [DEV_DEPLOY], artifactPrefix: 'models/' }, /props\.artifactPrefix is set without props\.artifactBucket/],
    ['an SNS ARN as bus', { modelEventBusArn: 'arn:aws:sns:eu-central-1:333333333333:model-events' }, /props\.modelEventBusArn "arn:aws:sns:eu-central-1:333333333333:model-events" is not an EventBridge event bus ARN/],
    ['a bus ARN without name', { modelEventBusArn: 'arn:aws:events:eu-central-1:333333333333:event-bus/' }, /props\.modelEventBusArn .* is not an EventBridge event bus ARN/],
    ['a bus ARN with a short account', { modelEventBusArn: 'arn:aws:events:eu-central-1:33333333333:event-bus/vwml-model-events' }, /props\.modelEventBusArn .* is not an EventBridge event bus ARN/],
    ['a bus name instead of an ARN', { modelEventBusArn: 'vwml-model-events' }, /props\.modelEventBusArn "vwml-model-events" is not an EventBridge event bus ARN/],
    ['an empty bus ARN', { modelEventBusArn: '' }, /props\.modelEventBusArn is missing/],
    ['a max event age under a minute', { maxEventAge: Duration.seconds(30) }, /props\.maxEventAge is 30 seconds; EventBridge accepts whole seconds from 60 to 86400/],
    ['a max event age over a day', { maxEventAge: Duration.hours(25) }, /props\.maxEventAge is 90000 seconds/],
    ['too many retries', { retryAttempts: 186 }, /props\.retryAttempts is 186; EventBridge accepts whole numbers from 0 to 185/],
    ['negative retries', { retryAttempts: -1 }, /props\.retryAttempts is -1/],
    ['fractional retries', { retryAttempts: 1.5 }, /props\.retryAttempts is 1\.5/],
    ['a bad forwarding role name', { eventForwardingRoleName: 'approval events' }, /props\.eventForwardingRoleName "approval events" is not an IAM role name/],
  ];
  test.each(cases)('%s', (_name, props, message) => {
    expect(() => setup(props)).toThrow(message);
  });

  test('the error names the construct path', () => {
    expect(() => setup({ modelPackageGroupName: 'Bad_Name' })).toThrow(/^ModelRegistry Test\/Registry: props\.modelPackageGroupName/);
  });

  test('props that need consumers: artifactKey and artifactBucket', () => {
    const { stack } = testStack();
    const key = new PlatformKey(stack, 'MlKey', { aliasName: 'mlops/ml' });
    const artifacts = new SecureBucket(stack, 'Artifacts', { encryptionKey: key.key });
    const base = { modelPackageGroupName: 'churn-model', modelEventBusArn: BUS_ARN, encryptionKey: key.key };
    expect(() => new ModelRegistry(stack, 'A', { ...base, artifactKey: key.key })).toThrow(/props\.artifactKey only applies to consumers/);
    expect(() => new ModelRegistry(stack, 'B', { ...base, artifactBucket: artifacts.bucket })).toThrow(/props\.artifactBucket only applies to consumers/);
    expect(() => new ModelRegistry(stack, 'C', { ...base, consumerRoleArns: [DEV_DEPLOY], artifactBucket: artifacts.bucket, artifactPrefix: '/models/' })).toThrow(
      /props\.artifactPrefix "\/models\/" starts with "\/"/,
    );
    expect(() => new ModelRegistry(stack, 'D', { ...base, consumerRoleArns: [DEV_DEPLOY], artifactBucket: artifacts.bucket, artifactPrefix: 'models/*' })).toThrow(
      /props\.artifactPrefix "models\/\*" contains a wildcard/,
    );
  });

  test('a token as group name is refused', () => {
    const { stack } = testStack();
    const key = new kms.Key(stack, 'Key');
    expect(() => new ModelRegistry(stack, 'R', { modelPackageGroupName: Aws.STACK_NAME, modelEventBusArn: BUS_ARN, encryptionKey: key })).toThrow(/props\.modelPackageGroupName is a token/);
  });
});

describe('ModelRegistry: roles that only create models (modelCreatorRoleArns)', () => {
  const DEV_CFN_EXEC = 'arn:aws:iam::444444444444:role/cdk-vwml-cfn-exec-role-444444444444-eu-central-1';
  const PROD_CFN_EXEC = 'arn:aws:iam::666666666666:role/cdk-vwml-cfn-exec-role-666666666666-eu-central-1';

  test('the group policy lets them describe the versions and create models; the artifact key and bucket policies do not name them', () => {
    const fresh = testStack('Creators');
    const key = new PlatformKey(fresh.stack, 'MlKey', { aliasName: 'mlops/ml' });
    const bucket = new SecureBucket(fresh.stack, 'Artifacts', { encryptionKey: key.key });
    new ModelRegistry(fresh.stack, 'Registry', {
      modelPackageGroupName: 'churn-model',
      modelEventBusArn: BUS_ARN,
      encryptionKey: key.key,
      consumerRoleArns: [DEV_DEPLOY],
      modelCreatorRoleArns: [DEV_CFN_EXEC, PROD_CFN_EXEC],
      artifactKey: key.key,
      artifactBucket: bucket.bucket,
      artifactPrefix: 'runs/',
    });
    const template = Template.fromStack(fresh.stack);
    const policy = only(template, 'AWS::SageMaker::ModelPackageGroup').Properties.ModelPackageGroupPolicy;
    const creators = policy.Statement.filter((s: any) => s.Sid.startsWith('ModelCreatorRoles'));
    const condition = { ArnLike: { 'aws:PrincipalArn': [DEV_CFN_EXEC, PROD_CFN_EXEC] } };
    expect(creators).toEqual([
      { Sid: 'ModelCreatorRolesReadModelVersions', Effect: 'Allow', Principal: { AWS: roots('444444444444', '666666666666') }, Action: READ, Resource: [GROUP_ARN, VERSIONS_ARN], Condition: condition },
      { Sid: 'ModelCreatorRolesCreateModelsFromVersions', Effect: 'Allow', Principal: { AWS: roots('444444444444', '666666666666') }, Action: 'sagemaker:CreateModel', Resource: VERSIONS_ARN, Condition: condition },
    ]);
    expect(JSON.stringify(keyStatements(template))).not.toContain('cfn-exec-role');
    expect(JSON.stringify(template.findResources('AWS::S3::BucketPolicy'))).not.toContain('cfn-exec-role');
    expect(JSON.stringify(template.findResources('AWS::S3::BucketPolicy'))).toContain(DEV_DEPLOY);
  });

  test.each([
    [{ modelCreatorRoleArns: ['arn:aws:iam::444444444444:role/cdk-*'] }, /props.modelCreatorRoleArns: "arn:aws:iam::444444444444:role\/cdk-\*" is not an IAM role ARN without wildcards/],
    [{ modelCreatorRoleArns: ['arn:aws:iam::222222222222:role/own'] }, /props.modelCreatorRoleArns: arn:aws:iam::222222222222:role\/own is in the registry's own account/],
    [{ consumerRoleArns: [DEV_DEPLOY], modelCreatorRoleArns: [DEV_DEPLOY] }, /is also in props.consumerRoleArns, which already lets it create models/],
    [{ consumerRoleArns: [DEV_DEPLOY], modelCreatorRoleArns: [DEV_CFN_EXEC, DEV_CFN_EXEC] }, /props.modelCreatorRoleArns lists a role twice/],
    [{ consumerRoleArns: [DEV_DEPLOY], modelCreatorRoleArns: [DEV_CFN_EXEC], allowModelCreation: false }, /props.allowModelCreation is false; remove one of the two/],
  ])('refuses %j', (props, message) => {
    expect(() => setup(props as Partial<ModelRegistryProps>)).toThrow(message);
  });
});
