import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ComplianceCheck, CompliancePack } from '../../../src';
import { acknowledgeRules } from '../../../src/constructs/core/acknowledge';

/** A bucket with nothing configured: no encryption, no TLS-only policy, no versioning, no logging. */
function badApp(): App {
  const app = new App();
  const stack = new Stack(app, 'Canary', { env: { account: '123456789012', region: 'eu-central-1' } });
  new s3.Bucket(stack, 'Data');
  return app;
}

/** The same bucket, fixed: KMS, TLS only, versioned, access-logged, public access blocked. */
function fixedApp(): App {
  const app = new App();
  const stack = new Stack(app, 'Canary', { env: { account: '123456789012', region: 'eu-central-1' } });
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true, removalPolicy: RemovalPolicy.RETAIN });
  const logs = new s3.Bucket(stack, 'AccessLogs', {
    encryption: s3.BucketEncryption.S3_MANAGED, // the S3 log delivery service cannot write with KMS
    enforceSSL: true,
    versioned: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
  });
  acknowledgeRules(logs, {
    'AwsSolutions-S1': 'This bucket is the access-log destination itself; logging it to itself would loop.',
    'NIST.800.53.R5-S3BucketLoggingEnabled': 'This bucket is the access-log destination itself; logging it to itself would loop.',
    'HIPAA.Security-S3BucketLoggingEnabled': 'This bucket is the access-log destination itself; logging it to itself would loop.',
    'NIST.800.53.R5-S3DefaultEncryptionKMS': 'S3 server access log delivery supports only SSE-S3 on the target bucket.',
    'HIPAA.Security-S3DefaultEncryptionKMS': 'S3 server access log delivery supports only SSE-S3 on the target bucket.',
    'NIST.800.53.R5-S3BucketReplicationEnabled': 'Canary fixture: cross-region replication is out of scope for the harness test.',
    'HIPAA.Security-S3BucketReplicationEnabled': 'Canary fixture: cross-region replication is out of scope for the harness test.',
  });
  const data = new s3.Bucket(stack, 'Data', {
    encryption: s3.BucketEncryption.KMS,
    encryptionKey: key,
    enforceSSL: true,
    versioned: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    serverAccessLogsBucket: logs,
  });
  acknowledgeRules(data, {
    'NIST.800.53.R5-S3BucketReplicationEnabled': 'Canary fixture: cross-region replication is out of scope for the harness test.',
    'HIPAA.Security-S3BucketReplicationEnabled': 'Canary fixture: cross-region replication is out of scope for the harness test.',
  });
  return app;
}

describe('the compliance harness', () => {
  test('fails on an unencrypted bucket, naming the encryption rules of every pack', () => {
    const report = ComplianceCheck.run(badApp());
    expect(report.passed).toBe(false);
    const ids = report.errors.map((f) => f.ruleId);
    expect(ids).toEqual(
      expect.arrayContaining([
        'AwsSolutions-S10',
        'NIST.800.53.R5-S3BucketSSLRequestsOnly',
        'NIST.800.53.R5-S3DefaultEncryptionKMS',
        'HIPAA.Security-S3DefaultEncryptionKMS',
      ]),
    );
    for (const f of report.errors) expect(f.constructPath).toBe('Canary/Data/Resource');
    expect(() => ComplianceCheck.assertCompliant(badApp())).toThrow(/Compliance check failed: 3 packs .* over 1 resources: \d+ errors/);
  });

  test('passes once the bucket is fixed, and lists the acknowledgements with their reasons', () => {
    const report = ComplianceCheck.assertCompliant(fixedApp());
    expect(report.passed).toBe(true);
    expect(report.errors).toEqual([]);
    expect(report.resourceCount).toBeGreaterThanOrEqual(5);
    // one entry per construct and rule, however many acknowledge() calls recorded it
    const keys = report.acknowledgements.map((a) => `${a.constructPath} ${a.ruleId}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(report.acknowledgements.filter((a) => a.constructPath === 'Canary/AccessLogs')).toHaveLength(7);
    expect(report.acknowledgements).toContainEqual({
      ruleId: 'AwsSolutions-S1',
      constructPath: 'Canary/AccessLogs',
      reason: 'This bucket is the access-log destination itself; logging it to itself would loop.',
    });
  });

  test('runs only the packs asked for', () => {
    const report = ComplianceCheck.run(badApp(), { packs: [CompliancePack.AWS_SOLUTIONS] });
    expect(new Set(report.findings.map((f) => f.pack))).toEqual(new Set([CompliancePack.AWS_SOLUTIONS]));
    expect(() => ComplianceCheck.run(badApp(), { packs: [] })).toThrow(/options\.packs is empty/);
  });

  test('warnings are reported, and fail only with failOnWarnings', () => {
    const app = new App();
    const stack = new Stack(app, 'Warn');
    // a table without point-in-time recovery is a warning (not an error) in the AwsSolutions pack
    new dynamodb.Table(stack, 'Table', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
    const lenient = ComplianceCheck.run(app, { packs: [CompliancePack.AWS_SOLUTIONS] });
    expect(lenient.errors).toEqual([]);
    expect(lenient.warnings.map((w) => w.ruleId)).toEqual(['AwsSolutions-DDB3']);
    expect(lenient.passed).toBe(true);
    const strict = ComplianceCheck.run(app, { packs: [CompliancePack.AWS_SOLUTIONS], failOnWarnings: true });
    expect(strict.passed).toBe(false);
    expect(() => ComplianceCheck.assertCompliant(app, { packs: [CompliancePack.AWS_SOLUTIONS], failOnWarnings: true })).toThrow(
      /\[warning\] AwsSolutions-DDB3 at Warn\/Table\/Resource/,
    );
  });

  test('acknowledges findings whose id contains an ARN with "::" (refused by Validations.acknowledge)', () => {
    const findingId = 'AwsSolutions-IAM5[Resource::arn:aws:s3:::other-account-bucket/models/*]';
    const build = (ack: boolean) => {
      const app = new App();
      const stack = new Stack(app, 'CrossAccount', { env: { account: '444444444444', region: 'eu-central-1' } });
      const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
      role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::other-account-bucket/models/*'] }));
      if (ack) acknowledgeRules(role, { [findingId]: 'Models of the EXP account are read from its bucket under models/, which holds only model artifacts.' });
      return ComplianceCheck.run(app, { packs: [CompliancePack.AWS_SOLUTIONS] });
    };
    expect(build(false).errors.map((f) => f.ruleId)).toContain(findingId);
    const acked = build(true);
    expect(acked.errors.map((f) => f.ruleId)).not.toContain(findingId);
    expect(acked.acknowledgements.map((a) => a.ruleId)).toContain(findingId);
  });

  test('refuses a vague acknowledgement', () => {
    const app = new App();
    const stack = new Stack(app, 'S');
    expect(() => acknowledgeRules(stack, { 'AwsSolutions-S1': 'false positive' })).toThrow(/AwsSolutions-S1 at S: the reason "false positive" is not specific/);
  });
});
