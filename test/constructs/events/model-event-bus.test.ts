import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { ComplianceCheck, ModelEventBus, ModelEventBusProps } from '../../../src';
import { testStack } from '../../helpers/stacks';

const EXP = '111111111111';
const RES = '222222222222';
const BUS_ARN = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:events:eu-central-1:${RES}:event-bus/mlops-model-events`]] };

function build(extra: Partial<ModelEventBusProps> = {}) {
  const { app, stack } = testStack();
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  const bus = new ModelEventBus(stack, 'ModelEvents', {
    eventBusName: 'mlops-model-events',
    sourceAccountIds: [EXP],
    encryptionKey: key,
    ...extra,
  });
  return { app, stack, key, bus, t: Template.fromStack(stack) };
}

function keyStatements(t: Template): any[] {
  const keys = Object.values(t.findResources('AWS::KMS::Key')) as any[];
  expect(keys).toHaveLength(1);
  return keys[0].Properties.KeyPolicy.Statement;
}

describe('ModelEventBus', () => {
  test('a named, KMS-encrypted bus with the dead-letter queue as its DLQ', () => {
    const { t } = build();
    t.resourceCountIs('AWS::Events::EventBus', 1);
    t.hasResourceProperties('AWS::Events::EventBus', {
      Name: 'mlops-model-events',
      KmsKeyIdentifier: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] },
      DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ModelEventsDeadLetterQueue'), 'Arn'] } },
    });
  });

  test('the bus policy allows PutEvents only to the source accounts, on this bus', () => {
    const { t } = build({ sourceAccountIds: [EXP, '333333333333'] });
    const policies = Object.values(t.findResources('AWS::Events::EventBusPolicy')) as any[];
    expect(policies).toHaveLength(1);
    const statement = policies[0].Properties.Statement;
    expect(statement).toEqual({
      Sid: 'cdk-AllowPutEventsFromSourceAccounts',
      Effect: 'Allow',
      Action: 'events:PutEvents',
      Principal: {
        AWS: [
          { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${EXP}:root`]] },
          { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::333333333333:root']] },
        ],
      },
      Resource: BUS_ARN,
    });
    // no open principal, no condition when neither organization nor sources are set
    expect(statement.Condition).toBeUndefined();
  });

  test('organization id and allowed sources become conditions of the same statement', () => {
    const { t } = build({ organizationId: 'o-a1b2c3d4e5', allowedEventSources: ['aws.sagemaker'] });
    const [policy] = Object.values(t.findResources('AWS::Events::EventBusPolicy')) as any[];
    // events:source is multivalued: every value must be listed, and the key present
    expect(policy.Properties.Statement.Condition).toEqual({
      'StringEquals': { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' },
      'ForAllValues:StringEquals': { 'events:source': ['aws.sagemaker'] },
      'Null': { 'events:source': 'false' },
    });
    expect(policy.Properties.Statement.Principal.AWS).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${EXP}:root`]] });
  });

  test('archives every event of the bus for 365 days by default, encrypted with the key', () => {
    const { t } = build();
    t.resourceCountIs('AWS::Events::Archive', 1);
    const [archive] = Object.values(t.findResources('AWS::Events::Archive')) as any[];
    expect(archive.Properties).toEqual({
      Description: 'Every event of the mlops-model-events bus',
      SourceArn: { 'Fn::GetAtt': [expect.stringMatching(/^ModelEventsBus/), 'Arn'] },
      RetentionDays: 365,
      KmsKeyIdentifier: { 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] },
    });
    // no event pattern: the archive keeps everything
    expect(archive.Properties.EventPattern).toBeUndefined();
  });

  test('archive retention is configurable; 0 keeps events indefinitely', () => {
    expect(Object.values(build({ archiveRetention: Duration.days(30) }).t.findResources('AWS::Events::Archive'))[0]).toMatchObject({ Properties: { RetentionDays: 30 } });
    expect(Object.values(build({ archiveRetention: Duration.days(0) }).t.findResources('AWS::Events::Archive'))[0]).toMatchObject({ Properties: { RetentionDays: 0 } });
  });

  test('dead-letter queue: KMS-encrypted, TLS only, retained, writable only by EventBridge for this bus and its rules', () => {
    const { t } = build();
    t.hasResource('AWS::SQS::Queue', {
      DeletionPolicy: 'Retain',
      Properties: { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] }, MessageRetentionPeriod: 1209600 },
    });
    const [policy] = Object.values(t.findResources('AWS::SQS::QueuePolicy')) as any[];
    const statements = policy.Properties.PolicyDocument.Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    const send = statements.find((s: any) => s.Sid === 'AllowEventBridgeDeadLetters');
    expect(send).toEqual({
      Sid: 'AllowEventBridgeDeadLetters',
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: 'sqs:SendMessage',
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^ModelEventsDeadLetterQueue/), 'Arn'] },
      Condition: {
        ArnLike: {
          'aws:SourceArn': [
            BUS_ARN,
            { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:events:eu-central-1:${RES}:rule/mlops-model-events/*`]] },
          ],
        },
      },
    });
  });

  test('the key lets EventBridge encrypt the bus and archive of this bus only, and send dead letters through SQS', () => {
    const { t } = build();
    const statements = keyStatements(t);
    const archive = statements.find((s) => s.Sid === 'AllowEventBridgeArchiveOfModelEventBus');
    expect(archive.Principal).toEqual({ Service: 'events.amazonaws.com' });
    expect(archive.Condition).toEqual({ StringEquals: { 'kms:EncryptionContext:aws:events:event-bus:arn': BUS_ARN } });
    const dlq = statements.find((s) => s.Sid === 'AllowEventBridgeDeadLettersThroughSqs');
    expect(dlq.Action).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    expect(dlq.Condition).toEqual({ StringEquals: { 'kms:ViaService': 'sqs.eu-central-1.amazonaws.com' } });
    // the bus and its archive share one statement: EventBridge encrypts both with the bus ARN as context
    expect(archive.Action).toEqual(['kms:Decrypt', 'kms:GenerateDataKey', 'kms:ReEncrypt*']);
    const withBusContext = statements.filter((s) => s.Condition?.StringEquals?.['kms:EncryptionContext:aws:events:event-bus:arn']);
    expect(withBusContext.map((s) => s.Sid)).toEqual(['AllowEventBridgeArchiveOfModelEventBus']);
    // EventBridge may describe the key (DescribeKey carries no encryption context)
    expect(statements.find((s) => s.Sid === 'AllowEventBridgeToDescribeTheKey')).toEqual({
      Sid: 'AllowEventBridgeToDescribeTheKey',
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: 'kms:DescribeKey',
      Resource: '*',
    });
    // every other statement for a service principal is conditioned
    for (const s of statements.filter((x) => x.Principal?.Service)) {
      if (s.Action !== 'kms:DescribeKey') expect(s.Condition).toBeDefined();
    }
  });

  test('exposes the bus, its ARN and name, the queue and the archive', () => {
    const { stack, bus } = build();
    expect(stack.resolve(bus.eventBusName)).toEqual({ Ref: expect.stringMatching(/^ModelEventsBus/) });
    expect(stack.resolve(bus.eventBusArn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^ModelEventsBus/), 'Arn'] });
    expect(bus.eventBus.eventBusName).toBe(bus.eventBusName);
    expect(stack.resolve(bus.deadLetterQueue.queueArn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^ModelEventsDeadLetterQueue/), 'Arn'] });
    expect(stack.resolve(bus.archive.archiveArn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^ModelEventsArchive/), 'Arn'] });
  });

  test('removal policy of the dead-letter queue can be changed', () => {
    build({ removalPolicy: RemovalPolicy.DESTROY }).t.hasResource('AWS::SQS::Queue', { DeletionPolicy: 'Delete' });
  });

  test('passes the compliance packs, with the only acknowledgement on the dead-letter queue', () => {
    const { app } = build({ organizationId: 'o-a1b2c3d4e5' });
    const report = ComplianceCheck.assertCompliant(app);
    expect(report.acknowledgements.map((a) => `${a.ruleId}@${a.constructPath}`)).toEqual(['AwsSolutions-SQS3@Test/ModelEvents/DeadLetterQueue']);
  });
});

describe('ModelEventBus.arnFor', () => {
  test('computes the ARN of a bus in another account from its name', () => {
    const { stack } = testStack('Exp', { account: EXP, region: 'eu-central-1' });
    expect(stack.resolve(ModelEventBus.arnFor(stack, RES, 'eu-west-1', 'mlops-model-events'))).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:events:eu-west-1:${RES}:event-bus/mlops-model-events`]],
    });
  });

  test('equals the ARN the bus policy and the DLQ policy use', () => {
    const { stack } = build();
    const other = new Stack(stack.node.root as any, 'Other', { env: { account: EXP, region: 'eu-central-1' } });
    expect(other.resolve(ModelEventBus.arnFor(other, RES, 'eu-central-1', 'mlops-model-events'))).toEqual(BUS_ARN);
  });

  test('refuses a bad account or bus name', () => {
    const { stack } = testStack();
    expect(() => ModelEventBus.arnFor(stack, '12345', 'eu-central-1', 'bus')).toThrow(/account "12345" is not a 12-digit AWS account id/);
    expect(() => ModelEventBus.arnFor(stack, RES, 'eu-central-1', 'a/b')).toThrow(/eventBusName "a\/b" is not a valid EventBridge bus name/);
  });
});

describe('ModelEventBus validation', () => {
  const cases: Array<[string, Partial<ModelEventBusProps>, RegExp]> = [
    ['a slash in the name', { eventBusName: 'model/events' }, /eventBusName "model\/events" is not a valid EventBridge bus name/],
    ['an empty name', { eventBusName: '' }, /eventBusName "" is not a valid EventBridge bus name/],
    ['an over-long name', { eventBusName: 'a'.repeat(257) }, /is not a valid EventBridge bus name: use 1 to 256 characters/],
    ['the default bus', { eventBusName: 'default' }, /eventBusName must not be 'default'/],
    ['a partner prefix', { eventBusName: 'aws.models' }, /starts with 'aws.', which is reserved for partner event buses/],
    ['no source account', { sourceAccountIds: [] }, /sourceAccountIds is empty/],
    ['a short account id', { sourceAccountIds: ['1234'] }, /sourceAccountIds contains "1234", which is not a 12-digit AWS account id/],
    ['an account id with letters', { sourceAccountIds: ['11111111111a'] }, /not a 12-digit AWS account id/],
    ['a duplicate account', { sourceAccountIds: [EXP, EXP] }, /sourceAccountIds lists 111111111111 twice/],
    ['a bad organization id', { organizationId: 'org-123' }, /organizationId "org-123" is not an AWS Organizations id/],
    ['an empty event source', { allowedEventSources: [''] }, /allowedEventSources contains ""/],
    ['a fractional archive retention', { archiveRetention: Duration.hours(36) }, /archiveRetention must be a whole number of days/],
    ['a DLQ retention beyond 14 days', { deadLetterRetention: Duration.days(15) }, /deadLetterRetention must be between 60 seconds and 14 days/],
    ['an over-long description', { description: 'x'.repeat(513) }, /description is 513 characters/],
  ];
  test.each(cases)('refuses %s', (_name, extra, message) => {
    expect(() => build(extra)).toThrow(message);
  });
});

describe('ModelEventBus: allowed detail types', () => {
  test('allowedDetailTypes restrict events:detail-type (every value listed, the key present)', () => {
    const { t } = build({ allowedEventSources: ['aws.cloudwatch'], allowedDetailTypes: ['CloudWatch Alarm State Change'] });
    const [policy] = Object.values(t.findResources('AWS::Events::EventBusPolicy')) as any[];
    expect(policy.Properties.Statement.Condition).toEqual({
      'ForAllValues:StringEquals': { 'events:source': ['aws.cloudwatch'], 'events:detail-type': ['CloudWatch Alarm State Change'] },
      'Null': { 'events:source': 'false', 'events:detail-type': 'false' },
    });
  });
});
