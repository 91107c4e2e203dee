import { App, Aws, Fn, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IConstruct } from 'constructs';
import { arnPattern, flattenForNag, literalNetworkInterfaceArn, literalPartition, urlSuffixOfRegion, wildcardFindings, wildcardResourceFinding } from '../../../src/constructs/core/iam-findings';
import { allowServiceToUseKey } from '../../../src/constructs/core/key-grants';
import {
  acknowledgePolicyWildcards,
  acknowledgeWildcards,
  ReasonedStatement,
  SharedFindingReason,
} from '../../../src/constructs/core/wildcard-acknowledgement';
import { testStack } from '../../helpers/stacks';

/** The acknowledgements recorded on a construct, by finding id. */
function acknowledged(scope: IConstruct): Record<string, string> {
  const entries = scope.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY);
  const latest = (entries.length > 0 ? entries[entries.length - 1].data : {}) as Record<string, string>;
  return Object.fromEntries(Object.entries(latest).map(([id, reason]) => [id.replace(/^annotation::/, ''), reason]));
}

const READ = 'Read-only describe actions support no resource-level permissions in this test.';
const LOGS = 'Log streams are named at run time; the statement names only the test log group.';

function statements(): ReasonedStatement[] {
  return [
    { statement: new iam.PolicyStatement({ sid: 'Describe', actions: ['ec2:Describe*'], resources: ['*'] }), wildcardReason: READ },
    {
      statement: new iam.PolicyStatement({ sid: 'Logs', actions: ['logs:PutLogEvents'], resources: ['*', 'arn:aws:logs:eu-central-1:222222222222:log-group:test:*'] }),
      wildcardReason: LOGS,
    },
    { statement: new iam.PolicyStatement({ sid: 'Key', actions: ['kms:Decrypt'], resources: ['arn:aws:kms:eu-central-1:222222222222:key/abc'] }) },
  ];
}

describe('IAM finding ids', () => {
  test('resolved values are named the way cdk-nag names them', () => {
    expect(flattenForNag({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::', { Ref: 'Bucket' }, '/*']] })).toBe('arn:<AWS::Partition>:s3:::<Bucket>/*');
    expect(flattenForNag({ 'Fn::GetAtt': ['Bucket83908E77', 'Arn'] })).toBe('<Bucket83908E77.Arn>');
    expect(flattenForNag({ 'Fn::Sub': 'arn:${AWS::Partition}:logs:*' })).toBe('arn:<AWS::Partition>:logs:*');
    expect(flattenForNag({ 'Fn::ImportValue': 'Other:ExportsOutputFnGetAttKeyArn' })).toBe('Other:ExportsOutputFnGetAttKeyArn');
    expect(flattenForNag(undefined)).toBe('');
  });

  test('a resource finding resolves the resource in the stack of the scope', () => {
    const { stack } = testStack();
    const key = new kms.Key(stack, 'Key');
    expect(wildcardResourceFinding(stack, `${key.keyArn}/*`)).toBe(`AwsSolutions-IAM5[Resource::<${stack.getLogicalId(key.node.defaultChild as kms.CfnKey)}.Arn>/*]`);
  });

  test('an allow statement has one finding per wildcard action and resource, actions first; a deny has none', () => {
    const allow = { Effect: 'Allow', Action: ['s3:GetObject*', 's3:ListBucket'], Resource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'] };
    expect(wildcardFindings(allow)).toEqual([
      { id: 'AwsSolutions-IAM5[Action::s3:GetObject*]', action: 's3:GetObject*' },
      { id: 'AwsSolutions-IAM5[Resource::arn:aws:s3:::b/*]', resource: 'arn:aws:s3:::b/*' },
    ]);
    expect(wildcardFindings({ ...allow, Effect: 'Deny' })).toEqual([]);
  });

  test('literal partitions, ARN patterns and network-interface ARNs follow the stack environment', () => {
    const { stack } = testStack();
    expect(literalPartition(stack)).toBe('aws');
    expect(arnPattern(stack, 'sagemaker', 'training-job/pipelines-*')).toBe('arn:aws:sagemaker:eu-central-1:222222222222:training-job/pipelines-*');
    expect(arnPattern(stack, 's3', 'bucket/*')).toBe('arn:aws:s3:*:*:bucket/*');
    expect(literalNetworkInterfaceArn(stack)).toBe('arn:aws:ec2:eu-central-1:222222222222:network-interface/*');
    const agnostic = new Stack(new App(), 'Agnostic');
    expect(literalPartition(agnostic)).toBe(Aws.PARTITION);
    expect(arnPattern(agnostic, 'sagemaker', 'model/*')).toBe('arn:*:sagemaker:*:*:model/*');
    expect(literalNetworkInterfaceArn(agnostic)).toBeUndefined();
  });

  test('endpoint domain suffixes come from the region table (China differs; an unknown region gets the commercial one)', () => {
    expect(urlSuffixOfRegion('eu-central-1')).toBe('amazonaws.com');
    expect(urlSuffixOfRegion('cn-north-1')).toBe('amazonaws.com.cn');
    expect(urlSuffixOfRegion('us-gov-west-1')).toBe('amazonaws.com');
    expect(urlSuffixOfRegion('xx-nowhere-9')).toBe('amazonaws.com');
  });
});

describe('acknowledgeWildcards', () => {
  test('every wildcard of every statement is acknowledged with its statement\'s reason; a shared finding gets every reason by default', () => {
    const { stack } = testStack();
    const policy = new iam.ManagedPolicy(stack, 'Policy', { statements: statements().map((s) => s.statement) });
    acknowledgeWildcards(policy, statements());
    expect(acknowledged(policy)).toEqual({
      'AwsSolutions-IAM5[Action::ec2:Describe*]': READ,
      'AwsSolutions-IAM5[Resource::*]': `${READ} ${LOGS}`,
      'AwsSolutions-IAM5[Resource::arn:aws:logs:eu-central-1:222222222222:log-group:test:*]': LOGS,
    });
  });

  test.each([
    [SharedFindingReason.FIRST, READ],
    [SharedFindingReason.LAST, LOGS],
  ])('a shared finding can get the %s statement\'s reason only', (shared, reason) => {
    const { stack } = testStack();
    const policy = new iam.ManagedPolicy(stack, 'Policy', { statements: statements().map((s) => s.statement) });
    acknowledgeWildcards(policy, statements(), { sharedFindingReason: shared });
    expect(acknowledged(policy)['AwsSolutions-IAM5[Resource::*]']).toBe(reason);
  });

  test('resourcesOnly leaves the wildcard actions to the caller', () => {
    const { stack } = testStack();
    const policy = new iam.ManagedPolicy(stack, 'Policy', { statements: statements().map((s) => s.statement) });
    acknowledgeWildcards(policy, statements(), { resourcesOnly: true });
    expect(Object.keys(acknowledged(policy))).toEqual([
      'AwsSolutions-IAM5[Resource::*]',
      'AwsSolutions-IAM5[Resource::arn:aws:logs:eu-central-1:222222222222:log-group:test:*]',
    ]);
  });

  test('a finding id with a second "::" is recorded, or left visible when asked', () => {
    const bucketObjects: ReasonedStatement[] = [
      { statement: new iam.PolicyStatement({ sid: 'Read', actions: ['s3:GetObject'], resources: ['arn:aws:s3:::data/*'] }), wildcardReason: LOGS },
    ];
    const { stack } = testStack();
    const recorded = new iam.ManagedPolicy(stack, 'Recorded', { statements: bucketObjects.map((s) => s.statement) });
    acknowledgeWildcards(recorded, bucketObjects);
    expect(acknowledged(recorded)).toEqual({ 'AwsSolutions-IAM5[Resource::arn:aws:s3:::data/*]': LOGS });
    const visible = new iam.ManagedPolicy(stack, 'Visible', { statements: bucketObjects.map((s) => s.statement) });
    acknowledgeWildcards(visible, bucketObjects, { leaveDoubleColonFindings: true });
    expect(acknowledged(visible)).toEqual({});
  });

  test('a wildcard without a reason fails: at once, or when the app is validated', () => {
    const unexplained: ReasonedStatement[] = [{ statement: new iam.PolicyStatement({ sid: 'Everything', actions: ['s3:GetObject'], resources: ['*'] }) }];
    const { stack } = testStack();
    const now = new iam.ManagedPolicy(stack, 'Now', { statements: unexplained.map((s) => s.statement) });
    expect(() => acknowledgeWildcards(now, unexplained)).toThrow(/internal: Test\/Now: statement Everything has the wildcard AwsSolutions-IAM5\[Resource::\*\] but no reason/);
    const later = testStack();
    const policy = new iam.ManagedPolicy(later.stack, 'Later', { statements: unexplained.map((s) => s.statement) });
    acknowledgeWildcards(policy, unexplained, { whenValidated: true });
    expect(() => later.app.synth()).toThrow(/statement Everything has the wildcard AwsSolutions-IAM5\[Resource::\*\] but no reason/);
  });
});

describe('acknowledgePolicyWildcards', () => {
  test('looks reasons up by Sid, then by action and resource, over every statement of the document, when the app is validated', () => {
    const { app, stack } = testStack();
    const policy = new iam.ManagedPolicy(stack, 'Policy', {
      statements: [new iam.PolicyStatement({ sid: 'Describe', actions: ['ec2:Describe*'], resources: ['*'] })],
    });
    acknowledgePolicyWildcards(
      policy,
      { bySid: { Describe: READ }, byAction: { 's3:GetObject*': LOGS }, byResource: [[/log-group:test:\*$/, LOGS]] },
      { whenValidated: true },
    );
    // a grant made after the call is covered too
    policy.addStatements(new iam.PolicyStatement({ actions: ['s3:GetObject*'], resources: [Fn.join('', ['arn:aws:logs:eu-central-1:222222222222:log-group:test:*'])] }));
    app.synth();
    expect(acknowledged(policy)).toEqual({
      'AwsSolutions-IAM5[Action::ec2:Describe*]': READ,
      'AwsSolutions-IAM5[Resource::*]': READ,
      'AwsSolutions-IAM5[Action::s3:GetObject*]': LOGS,
      'AwsSolutions-IAM5[Resource::arn:aws:logs:eu-central-1:222222222222:log-group:test:*]': LOGS,
    });
  });
});

describe('allowServiceToUseKey', () => {
  test('adds the statement once per key and marker, and leaves imported keys alone', () => {
    const { stack } = testStack();
    const key = new kms.Key(stack, 'Key');
    for (let i = 0; i < 2; i++) allowServiceToUseKey(key, 'test.marker', 'AllowTheTestService', 'test.amazonaws.com', ['kms:Decrypt']);
    const keyStatements = stack.resolve((key.node.defaultChild as kms.CfnKey).keyPolicy).Statement as Array<{ Sid?: string }>;
    expect(keyStatements.filter((s) => s.Sid === 'AllowTheTestService')).toHaveLength(1);
    const imported = kms.Key.fromKeyArn(stack, 'Imported', 'arn:aws:kms:eu-central-1:222222222222:key/abc');
    expect(() => allowServiceToUseKey(imported, 'test.marker', 'AllowTheTestService', 'test.amazonaws.com', ['kms:Decrypt'])).not.toThrow();
  });
});
