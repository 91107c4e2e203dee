/**
 * The IAM simulator test helper itself: template resolution and request validation.
 */
import { Fn } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ALLOW_ALL, logicalIdOf, simulate, simulateWithDetails, TemplatePolicies } from '../../helpers/iam-simulator';
import { testStack } from '../../helpers/stacks';

describe('TemplatePolicies', () => {
  test('resolves pseudo parameters, Join, Sub, Select, Split, Ref and GetAtt to well-formed values', () => {
    const { stack } = testStack();
    const bucket = new s3.Bucket(stack, 'Bucket', { bucketName: 'my-bucket' });
    const key = new kms.Key(stack, 'Key');
    const role = new iam.Role(stack, 'Role', { roleName: 'Worker', assumedBy: new iam.AccountRootPrincipal() });
    const policy = new iam.ManagedPolicy(stack, 'Managed', {
      managedPolicyName: 'Managed',
      statements: [new iam.PolicyStatement({
        actions: ['s3:GetObject', 'kms:Decrypt', 'iam:PassRole', 'logs:GetLogEvents'],
        resources: [
          bucket.arnForObjects('*'),
          key.keyArn,
          role.roleArn,
          Fn.sub('arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${Group}:*', { Group: '/aws/sagemaker/x' }),
          Fn.select(1, Fn.split(',', 'a,arn:aws:s3:::second/*')),
        ],
      })],
    });
    const policies = TemplatePolicies.fromStack(stack);
    const doc: any = policies.policyDocument(logicalIdOf(policy));
    const keyId = policies.refOf(logicalIdOf(key));
    expect(doc.Statement[0].Resource).toEqual([
      'arn:aws:s3:::my-bucket/*',
      `arn:aws:kms:eu-central-1:222222222222:key/${keyId}`,
      'arn:aws:iam::222222222222:role/Worker',
      'arn:aws:logs:eu-central-1:222222222222:log-group:/aws/sagemaker/x:*',
      'arn:aws:s3:::second/*',
    ]);
    expect(keyId).toMatch(/^[0-9a-f]{8}-1111-2222-3333-[0-9a-f]{12}$/);
    expect(policies.refOf(logicalIdOf(policy))).toBe('arn:aws:iam::222222222222:policy/Managed');
    expect(policies.resolve({ a: { Ref: 'AWS::NoValue' }, b: [1, { Ref: 'AWS::NoValue' }] })).toEqual({ b: [1] });
  });

  test('collects every policy of a role: managed, inline, default policy, and the boundary', () => {
    const { stack } = testStack();
    const boundary = new iam.ManagedPolicy(stack, 'Boundary', { statements: [new iam.PolicyStatement({ actions: ['s3:*'], resources: ['*'] })] });
    const managed = new iam.ManagedPolicy(stack, 'Attached', { statements: [new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: ['*'] })] });
    const role = new iam.Role(stack, 'Role', {
      assumedBy: new iam.AccountRootPrincipal(),
      permissionsBoundary: boundary,
      managedPolicies: [managed],
      inlinePolicies: { Inline: new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] })] }) },
    });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: ['*'] }));
    new iam.ManagedPolicy(stack, 'FromPolicySide', { roles: [role], statements: [new iam.PolicyStatement({ actions: ['s3:DeleteObject'], resources: ['*'] })] });
    const { identityPolicies, permissionBoundaryPolicies } = TemplatePolicies.fromStack(stack).rolePolicies(logicalIdOf(role));
    const actions = identityPolicies.map((d: any) => d.Statement[0].Action).sort();
    expect(actions).toEqual(['s3:DeleteObject', 's3:GetObject', 's3:ListBucket', 's3:PutObject']);
    expect(permissionBoundaryPolicies).toEqual([{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }]);
  });

  test('refuses what it cannot resolve, with a hint', () => {
    const { stack } = testStack();
    const role = new iam.Role(stack, 'Role', {
      assumedBy: new iam.AccountRootPrincipal(),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess')],
    });
    const policies = TemplatePolicies.fromStack(stack);
    expect(() => policies.rolePolicies(logicalIdOf(role))).toThrow(/not a policy of this template/);
    expect(() => policies.resolve({ 'Fn::ImportValue': 'Shared-Key' })).toThrow(/options.references\['import:Shared-Key'\]/);
    expect(new TemplatePolicies({ Resources: {} }, { references: { 'import:Shared-Key': 'k' } }).resolve({ 'Fn::ImportValue': 'Shared-Key' })).toBe('k');
    expect(() => policies.resolve({ 'Fn::If': ['C', 'a', 'b'] })).toThrow(/Fn::If is not supported/);
    expect(() => policies.policyDocument('Nope')).toThrow(/no resource Nope/);
  });
});

describe('simulate', () => {
  const deny = { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'sagemaker:CreateTrainingJob', Resource: '*', Condition: { Null: { 'sagemaker:VpcSubnets': 'true' } } }] };
  const resource = 'arn:aws:sagemaker:eu-central-1:222222222222:training-job/j';

  test('evaluates identity policies, boundaries and explicit denies', async () => {
    expect(await simulate({ identityPolicies: [ALLOW_ALL, deny], action: 'sagemaker:CreateTrainingJob', resource })).toBe('ExplicitlyDenied');
    expect(await simulate({ identityPolicies: [ALLOW_ALL, deny], action: 'sagemaker:CreateTrainingJob', resource, context: { 'sagemaker:VpcSubnets': ['subnet-1'] } })).toBe('Allowed');
    expect(await simulate({ identityPolicies: [], action: 'sagemaker:CreateTrainingJob', resource })).toBe('ImplicitlyDenied');
    const bounded = await simulateWithDetails({
      identityPolicies: [ALLOW_ALL],
      permissionBoundaryPolicies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }],
      action: 'sagemaker:CreateTrainingJob',
      resource,
    });
    expect(bounded.decision).toBe('ImplicitlyDenied');
    expect(bounded.implicitDenials).toEqual(['pb']);
  });

  test('throws instead of guessing: unknown actions, wrong resource types, keys that do not apply', async () => {
    await expect(simulate({ identityPolicies: [ALLOW_ALL], action: 'sagemaker:CreateTrainingJobs', resource })).rejects.toThrow(/could not run/);
    await expect(simulate({ identityPolicies: [ALLOW_ALL], action: 'sagemaker:CreateTrainingJob', resource: 'arn:aws:sagemaker:eu-central-1:222222222222:model/m' }))
      .rejects.toThrow(/could not run/);
    // the deprecated key is not a key of CreateTrainingJob any more: the simulator would drop it
    await expect(simulate({ identityPolicies: [ALLOW_ALL], action: 'sagemaker:CreateTrainingJob', resource, context: { 'sagemaker:VolumeKmsKey': 'k' } }))
      .rejects.toThrow(/sagemaker:VolumeKmsKey do not apply to this action/);
    expect(await simulate({
      identityPolicies: [ALLOW_ALL], action: 'sagemaker:CreateTrainingJob', resource, context: { 'sagemaker:VolumeKmsKey': 'k' }, allowIgnoredContextKeys: true,
    })).toBe('Allowed');
  });

  test('adds the requested region of the resource unless told otherwise', async () => {
    const regional = { Version: '2012-10-17', Statement: [{ Effect: 'Deny', NotAction: 'iam:*', Resource: '*', Condition: { StringNotEquals: { 'aws:RequestedRegion': 'eu-central-1' } } }] };
    const other = 'arn:aws:sagemaker:us-east-1:222222222222:training-job/j';
    expect(await simulate({ identityPolicies: [ALLOW_ALL, regional], action: 'sagemaker:DescribeTrainingJob', resource })).toBe('Allowed');
    expect(await simulate({ identityPolicies: [ALLOW_ALL, regional], action: 'sagemaker:DescribeTrainingJob', resource: other })).toBe('ExplicitlyDenied');
    expect(await simulate({
      identityPolicies: [ALLOW_ALL, regional], action: 'sagemaker:DescribeTrainingJob', resource, context: { 'aws:RequestedRegion': undefined },
    })).toBe('ExplicitlyDenied');
  });
});
