import { Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ComplianceCheck, KeyConsumerAccess, PlatformKey, PlatformKeyProps } from '../../../src';
import { testStack } from '../../helpers/stacks';

const ROOT_STATEMENT = {
  Effect: 'Allow',
  Action: 'kms:*',
  Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::222222222222:root']] } },
  Resource: '*',
};

function root(account: string) {
  return { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${account}:root`]] };
}

function keyOf(props: Partial<PlatformKeyProps> = {}) {
  const { app, stack } = testStack();
  const key = new PlatformKey(stack, 'ArtifactsKey', { aliasName: 'mlops/model-artifacts', ...props });
  return {
    app,
    stack,
    key,
    get t() {
      return Template.fromStack(stack);
    },
  };
}

function statements(t: Template): any[] {
  const keys = Object.values(t.findResources('AWS::KMS::Key'));
  expect(keys).toHaveLength(1);
  return (keys[0] as any).Properties.KeyPolicy.Statement;
}

describe('PlatformKey', () => {
  test('symmetric, rotated, retained, with its alias; without consumers the policy only trusts this account', () => {
    const { t, key } = keyOf();
    t.resourceCountIs('AWS::KMS::Key', 1);
    t.hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: { EnableKeyRotation: true, Description: 'Platform key alias/mlops/model-artifacts' },
    });
    const keyId = Object.keys(t.findResources('AWS::KMS::Key'))[0];
    t.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/mlops/model-artifacts', TargetKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    expect(statements(t)).toEqual([ROOT_STATEMENT]);
    expect(key.aliasName).toBe('alias/mlops/model-artifacts');
    expect(key.keyArn).toBe(key.key.keyArn);
  });

  test('consumer accounts may decrypt, only through the given services and from the organization', () => {
    const { t, app } = keyOf({
      consumerAccountIds: ['333333333333', '444444444444'],
      services: ['s3.eu-central-1.amazonaws.com', 'sagemaker.eu-central-1.amazonaws.com'],
      organizationId: 'o-a1b2c3d4e5',
    });
    expect(statements(t)).toEqual([
      ROOT_STATEMENT,
      {
        Sid: 'AllowConsumersToDecrypt',
        Effect: 'Allow',
        Principal: { AWS: [root('333333333333'), root('444444444444')] },
        Action: ['kms:Decrypt', 'kms:DescribeKey'],
        Resource: '*',
        Condition: {
          StringEquals: {
            'kms:ViaService': ['s3.eu-central-1.amazonaws.com', 'sagemaker.eu-central-1.amazonaws.com'],
            'aws:PrincipalOrgID': 'o-a1b2c3d4e5',
          },
        },
      },
    ]);
    const report = ComplianceCheck.assertCompliant(app);
    expect(report.acknowledgements).toEqual([]);
  });

  test('consumer roles narrow the statement: their accounts as principals, the roles in aws:PrincipalArn', () => {
    const roles = ['arn:aws:iam::333333333333:role/model-deployment', 'arn:aws:iam::444444444444:role/path/endpoint-host', 'arn:aws:iam::444444444444:role/smoke-test'];
    const { t } = keyOf({ consumerAccountIds: ['333333333333', '444444444444'], consumerRoleArns: roles });
    const consumer = statements(t)[1];
    expect(consumer).toEqual({
      Sid: 'AllowConsumersToDecrypt',
      Effect: 'Allow',
      Principal: { AWS: [root('333333333333'), root('444444444444')] },
      Action: ['kms:Decrypt', 'kms:DescribeKey'],
      Resource: '*',
      Condition: { ArnEquals: { 'aws:PrincipalArn': roles } },
    });
    // roles alone: the accounts come from the roles
    const only = keyOf({ consumerRoleArns: [roles[1]] });
    expect(statements(only.t)[1].Principal).toEqual({ AWS: root('444444444444') });
    expect(statements(only.t)[1].Condition).toEqual({ ArnEquals: { 'aws:PrincipalArn': [roles[1]] } });
  });

  test('ENCRYPT_DECRYPT lets consumers also encrypt and generate data keys', () => {
    const { t } = keyOf({ consumerAccountIds: ['333333333333'], consumerAccess: KeyConsumerAccess.ENCRYPT_DECRYPT });
    expect(statements(t)[1]).toEqual({
      Sid: 'AllowConsumersToEncryptAndDecrypt',
      Effect: 'Allow',
      Principal: { AWS: root('333333333333') },
      Action: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'],
      Resource: '*',
    });
  });

  test('grants to roles of this account go to their IAM policies, never into the key policy', () => {
    const { stack, key } = keyOf();
    const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const writer = new iam.Role(stack, 'Writer', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    key.grantDecrypt(reader);
    key.grantEncryptDecrypt(writer);
    key.grantEncrypt(writer);
    const t = Template.fromStack(stack);
    expect(statements(t)).toEqual([ROOT_STATEMENT]);
    const keyId = Object.keys(t.findResources('AWS::KMS::Key'))[0];
    const policies = Object.values(t.findResources('AWS::IAM::Policy')).map((p: any) => p.Properties);
    const readerPolicy = policies.find((p) => JSON.stringify(p.Roles).includes('Reader'))!;
    expect(readerPolicy.PolicyDocument.Statement).toEqual([{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: { 'Fn::GetAtt': [keyId, 'Arn'] } }]);
    const writerActions = policies.find((p) => JSON.stringify(p.Roles).includes('Writer'))!.PolicyDocument.Statement.flatMap((s: any) => s.Action);
    expect(writerActions).toEqual(expect.arrayContaining(['kms:Decrypt', 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*']));
  });

  test('admins administer the key without cryptographic use', () => {
    const admin = 'arn:aws:iam::222222222222:role/key-admins';
    const { t } = keyOf({ admins: [new iam.ArnPrincipal(admin)] });
    const adminStatement = statements(t).find((s) => JSON.stringify(s.Principal) === JSON.stringify({ AWS: admin }));
    expect(adminStatement).toBeDefined();
    expect(adminStatement.Action).toEqual(expect.arrayContaining(['kms:Create*', 'kms:Put*', 'kms:ScheduleKeyDeletion', 'kms:Disable*']));
    expect(adminStatement.Action.some((a: string) => /^kms:(Decrypt|Encrypt|GenerateDataKey|ReEncrypt)/.test(a))).toBe(false);
  });

  test('passes AwsSolutions, NIST 800-53 r5 and HIPAA without acknowledgements', () => {
    const { app } = keyOf({ consumerRoleArns: ['arn:aws:iam::333333333333:role/model-deployment'], services: ['s3.eu-central-1.amazonaws.com'] });
    const report = ComplianceCheck.assertCompliant(app);
    expect(report.findings).toEqual([]);
    expect(report.acknowledgements).toEqual([]);
  });

  test('in an environment-agnostic stack the own-account checks are skipped', () => {
    const stack = new Stack();
    const key = new PlatformKey(stack, 'Key', { aliasName: 'k', consumerAccountIds: ['333333333333'] });
    expect(key.aliasName).toBe('alias/k');
  });

  const cases: Array<[string, Partial<PlatformKeyProps>, RegExp]> = [
    ['no alias name', { aliasName: '' }, /props\.aliasName is missing; give the alias name without the alias\/ prefix/],
    ['alias/ prefix', { aliasName: 'alias/mlops/x' }, /props\.aliasName "alias\/mlops\/x" starts with "alias\/"; give the name without it, e\.g\. "mlops\/x"/],
    ['aws/ prefix', { aliasName: 'aws/s3' }, /props\.aliasName "aws\/s3" starts with "aws\/", which AWS reserves/],
    ['bad characters', { aliasName: 'model artifacts!' }, /props\.aliasName "model artifacts!" may contain only letters, digits, "\/", "_" and "-"/],
    ['too long', { aliasName: 'a'.repeat(251) }, /props\.aliasName is 251 characters long; at most 250 are allowed/],
    ['short account id', { consumerAccountIds: ['12345'] }, /props\.consumerAccountIds: "12345" is not an AWS account id; write the 12 digits/],
    ['own account', { consumerAccountIds: ['222222222222'] }, /props\.consumerAccountIds lists 222222222222, the key's own account; .* call grantDecrypt or grantEncryptDecrypt/],
    ['account twice', { consumerAccountIds: ['333333333333', '333333333333'] }, /props\.consumerAccountIds lists an account twice/],
    ['not a role ARN', { consumerRoleArns: ['arn:aws:iam::333333333333:user/alice'] }, /props\.consumerRoleArns: "arn:aws:iam::333333333333:user\/alice" is not an IAM role ARN/],
    ['role token', { consumerRoleArns: [Token.asString({ Ref: 'Role' })] }, /props\.consumerRoleArns contains a token; give literal role ARNs/],
    ['role of own account', { consumerRoleArns: ['arn:aws:iam::222222222222:role/x'] }, /props\.consumerRoleArns: arn:aws:iam::222222222222:role\/x is in the key's own account/],
    ['role twice', { consumerRoleArns: ['arn:aws:iam::333333333333:role/x', 'arn:aws:iam::333333333333:role/x'] }, /props\.consumerRoleArns lists a role twice/],
    [
      'role outside the accounts',
      { consumerAccountIds: ['333333333333'], consumerRoleArns: ['arn:aws:iam::444444444444:role/x'] },
      /props\.consumerRoleArns: arn:aws:iam::444444444444:role\/x belong to accounts missing from props\.consumerAccountIds/,
    ],
    [
      'account without a role',
      { consumerAccountIds: ['333333333333', '444444444444'], consumerRoleArns: ['arn:aws:iam::333333333333:role/x'] },
      /props\.consumerAccountIds: 444444444444 has no role in props\.consumerRoleArns, so it would get no access/,
    ],
    ['bad service', { consumerAccountIds: ['333333333333'], services: ['s3'] }, /props\.services: "s3" is not a kms:ViaService value; write the service endpoint, e\.g\. "s3\.eu-central-1\.amazonaws\.com"/],
    ['service twice', { consumerAccountIds: ['333333333333'], services: ['s3.eu-central-1.amazonaws.com', 's3.eu-central-1.amazonaws.com'] }, /props\.services lists a service twice/],
    ['services without consumers', { services: ['s3.eu-central-1.amazonaws.com'] }, /props\.services conditions the cross-account statement, but no consumers are given/],
    ['bad organization id', { consumerAccountIds: ['333333333333'], organizationId: 'my-org' }, /props\.organizationId "my-org" is not an AWS Organizations id; write e\.g\. "o-a1b2c3d4e5"/],
    ['organization without consumers', { organizationId: 'o-a1b2c3d4e5' }, /props\.organizationId conditions the cross-account statement, but no consumers are given/],
    ['access without consumers', { consumerAccess: KeyConsumerAccess.ENCRYPT_DECRYPT }, /props\.consumerAccess has no effect without consumers/],
  ];
  test.each(cases)('bad props: %s', (_name, props, message) => {
    expect(() => keyOf(props)).toThrow(message);
  });
});
