import { RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ComplianceCheck, EncryptedLogGroup, SecureBucket } from '../../../src';
import { testStack } from '../../helpers/stacks';

describe('SecureBucket', () => {
  test('KMS with the given key, TLS only, versioned, public access blocked, logged, retained', () => {
    const { app, stack } = testStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    new SecureBucket(stack, 'Artifacts', { encryptionKey: key });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::S3::Bucket', 2);
    t.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] } } },
          ],
        },
        VersioningConfiguration: { Status: 'Enabled' },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        LoggingConfiguration: { DestinationBucketName: { Ref: Match.stringLikeRegexp('^ArtifactsAccessLogs') } },
      },
    });
    // no expiry rule on the artifact bucket
    const buckets = t.findResources('AWS::S3::Bucket', { Properties: { BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }] } } });
    expect(Object.values(buckets).map((b: any) => b.Properties.LifecycleConfiguration)).toEqual([undefined]);
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Sid: 'DenyObjectsNotEncryptedWithTheBucketKey', Effect: 'Deny', Action: 's3:PutObject' }),
        ]),
      },
    });
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Sid: 'AllowS3ServerAccessLogDelivery', Principal: { Service: 'logging.s3.amazonaws.com' } })]),
      },
    });
    ComplianceCheck.assertCompliant(app);
  });

  test('uses a given access-log bucket instead of creating one', () => {
    const { stack } = testStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const first = new SecureBucket(stack, 'First', { encryptionKey: key });
    new SecureBucket(stack, 'Second', { encryptionKey: key, accessLogsBucket: first.accessLogsBucket, removalPolicy: RemovalPolicy.DESTROY });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::S3::Bucket', 3);
    t.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
  });
});

describe('EncryptedLogGroup', () => {
  test('KMS-encrypted, one year by default, and the key lets CloudWatch Logs of this account use it', () => {
    const { app, stack } = testStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    new EncryptedLogGroup(stack, 'Logs', { encryptionKey: key });
    new EncryptedLogGroup(stack, 'More', { encryptionKey: key, retention: logs.RetentionDays.TEN_YEARS });
    const t = Template.fromStack(stack);
    t.hasResource('AWS::Logs::LogGroup', {
      DeletionPolicy: 'Retain',
      Properties: { RetentionInDays: 365, KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] } },
    });
    t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 3653 });
    const policy = Object.values(t.findResources('AWS::KMS::Key'))[0] as any;
    const logStatements = policy.Properties.KeyPolicy.Statement.filter((s: any) => s.Sid === 'AllowCloudWatchLogsOfThisAccount');
    expect(logStatements).toHaveLength(1); // granted once per key
    expect(logStatements[0].Principal).toEqual({ Service: 'logs.eu-central-1.amazonaws.com' });
    expect(logStatements[0].Condition).toEqual({
      ArnLike: {
        'kms:EncryptionContext:aws:logs:arn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:eu-central-1:222222222222:log-group:*']] },
      },
    });
    ComplianceCheck.assertCompliant(app);
  });
});
