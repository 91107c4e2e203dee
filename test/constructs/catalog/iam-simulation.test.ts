/**
 * IAM policy simulation of the launch role and of the DataShare registration role: what their
 * wildcard patterns (written with `*` in the empty region/account segments of IAM and S3 ARNs) really
 * admit, and what they refuse.
 */
import { runSimulation, Simulation } from '@cloud-copilot/iam-simulate';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { DataShare, GlueColumnType, MlopsPortfolio } from '../../../src';
import { testStack } from '../../helpers/stacks';

const RES = '222222222222';
const BOUNDARY_ARN = `arn:aws:iam::${RES}:policy/mlops-role-boundary`;
const LAUNCH_ROLE = `arn:aws:iam::${RES}:role/launch`;

/** Replaces the few intrinsics of these policies by the values they take in account RES. */
function concrete(value: any, refs: Record<string, string>): any {
  if (Array.isArray(value)) return value.map((v) => concrete(v, refs));
  if (value && typeof value === 'object') {
    if (value.Ref) {
      const known = { 'AWS::Partition': 'aws', 'AWS::AccountId': RES, 'AWS::Region': 'eu-central-1', ...refs };
      const hit = Object.entries(known).find(([k]) => value.Ref === k || value.Ref.startsWith(k));
      if (!hit) throw new Error(`no value for Ref ${value.Ref}`);
      return hit[1];
    }
    if (value['Fn::GetAtt']) return concrete({ Ref: value['Fn::GetAtt'][0] }, refs);
    if (value['Fn::Join']) return value['Fn::Join'][1].map((v: any) => concrete(v, refs)).join(value['Fn::Join'][0]);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, concrete(v, refs)]));
  }
  return value;
}

function launchRolePolicies(withProductRolesBoundary = true): Array<{ name: string; policy: any }> {
  const { stack } = testStack('Res');
  const boundary = new iam.ManagedPolicy(stack, 'ProductRoleBoundary', {
    managedPolicyName: 'mlops-role-boundary',
    statements: [new iam.PolicyStatement({ actions: ['sagemaker:DescribeTrainingJob'], resources: [stack.formatArn({ service: 'sagemaker', resource: 'training-job', resourceName: 'x' })] })],
  });
  new MlopsPortfolio(stack, 'Portfolio', withProductRolesBoundary ? { productRolesBoundary: boundary } : {});
  const policies = Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy');
  return Object.entries(policies)
    // its identity policies (its own boundary is simulated below)
    .filter(([id]) => id.startsWith('PortfolioLaunchRole') && !id.startsWith('PortfolioLaunchRoleLaunchBoundary'))
    .map(([id, r]: [string, any]) => ({ name: id, policy: concrete(r.Properties.PolicyDocument, { ProductRoleBoundary: BOUNDARY_ARN }) }));
}

/** A key policy that delegates to IAM, as the products' keys have (KMS needs the key policy to allow too). */
const DELEGATING_KEY_POLICY = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${RES}:root` }, Action: 'kms:*', Resource: '*' }],
};

type NamedPolicy = { name: string; policy: any };

async function decide(identityPolicies: NamedPolicy[], action: string, resource: string, context: Record<string, string | string[]> = {}) {
  const simulation: Simulation = {
    identityPolicies,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: resource.startsWith('arn:aws:kms:') ? DELEGATING_KEY_POLICY : undefined,
    request: {
      action,
      principal: LAUNCH_ROLE,
      resource: { accountId: RES, resource },
      contextVariables: { 'aws:RequestedRegion': 'eu-central-1', ...context },
    },
  };
  const response = await runSimulation(simulation, {});
  if (response.resultType === 'error') throw new Error(JSON.stringify(response.errors));
  return response.overallResult;
}

/**
 * The tag the product templates give their keys at CreateKey. (Not the stack's aws:cloudformation:stack-name
 * system tag: the KMS::Key handler does not put system tags on keys, so a condition on it denied every launch.)
 */
const PRODUCT_KEY = { 'aws:ResourceTag/mlops:product-key': 'true' };
/** The request context of CreateKey and of the kms:TagResource check KMS makes for its Tags (on no key ARN). */
const PRODUCT_KEY_REQUEST = { 'aws:RequestTag/mlops:product-key': 'true', 'aws:TagKeys': ['mlops:product-key'] };
/** A platform key of the account: tags of its own, not the product-key tag. */
const PLATFORM_KEY = { 'aws:ResourceTag/mlops:use-case': 'weld-gun-pm' };
const A_KEY = `arn:aws:kms:eu-central-1:${RES}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

describe('launch role, simulated', () => {
  const policies = launchRolePolicies();

  test.each([
    ['creates a bounded product role', 'iam:CreateRole', `arn:aws:iam::${RES}:role/mlops-churn-build-pipeline`, { 'iam:PermissionsBoundary': BOUNDARY_ARN }],
    ['creates a product managed policy', 'iam:CreatePolicy', `arn:aws:iam::${RES}:policy/mlops-churn-build-pipeline`, {}],
    ['creates a product bucket', 's3:CreateBucket', `arn:aws:s3:::sc-${RES}-pp-abcdefghijklm-artifactsbucket1234-5678`, {}],
    ['sets a product bucket policy', 's3:PutBucketPolicy', `arn:aws:s3:::sc-${RES}-pp-abcdefghijklm-artifactsaccesslogs-1234`, {}],
    ['creates a provisioned product stack', 'cloudformation:CreateStack', `arn:aws:cloudformation:eu-central-1:${RES}:stack/SC-${RES}-pp-abcdefghijklm/1b2c`, {}],
    ['configures a product key', 'kms:EnableKeyRotation', A_KEY, PRODUCT_KEY],
    ['rewrites the policy of a product key', 'kms:PutKeyPolicy', A_KEY, PRODUCT_KEY],
    ['tags a product key at its creation (KMS checks kms:TagResource on no key ARN)', 'kms:TagResource', '*', PRODUCT_KEY_REQUEST],
    ['retags a product key (other tags)', 'kms:TagResource', A_KEY, { ...PRODUCT_KEY, 'aws:RequestTag/owner': 'x', 'aws:TagKeys': ['owner'] }],
    ['removes another tag from a product key', 'kms:UntagResource', A_KEY, { ...PRODUCT_KEY, 'aws:TagKeys': ['owner'] }],
    ['reads any key of its account', 'kms:GetKeyPolicy', `arn:aws:kms:eu-central-1:${RES}:key/1234abcd-12ab-34cd-56ef-1234567890ab`, {}],
    ['creates a model package group', 'sagemaker:CreateModelPackageGroup', `arn:aws:sagemaker:eu-central-1:${RES}:model-package-group/churn`, {}],
  ])('allows: %s', async (_name, action, resource, context) => {
    expect(await decide(policies, action, resource, context as Record<string, string>)).toBe('Allowed');
  });

  test('allows creating symmetric encryption keys only', async () => {
    expect(await decide(policies, 'kms:CreateKey', '*', { 'kms:KeySpec': 'SYMMETRIC_DEFAULT', 'kms:KeyUsage': 'ENCRYPT_DECRYPT', ...PRODUCT_KEY_REQUEST })).toBe('Allowed');
    // a key without the product-key tag could never be configured by the role: it may not create one
    expect(await decide(policies, 'kms:CreateKey', '*', { 'kms:KeySpec': 'SYMMETRIC_DEFAULT', 'kms:KeyUsage': 'ENCRYPT_DECRYPT' })).toBe('ImplicitlyDenied');
    expect(await decide(policies, 'kms:CreateKey', '*', { 'kms:KeySpec': 'RSA_2048', 'kms:KeyUsage': 'SIGN_VERIFY' })).toBe('ImplicitlyDenied');
  });

  // what CloudFormation calls on the product roles to update and to terminate a product (issue 11, defect 13):
  // IAM gives these requests the boundary the role carries
  const productRole = `arn:aws:iam::${RES}:role/mlops-churn-dev-endpoint`;
  const bounded = { 'iam:PermissionsBoundary': BOUNDARY_ARN };
  test.each([
    ['attaches a product policy to a bounded product role', 'iam:AttachRolePolicy', bounded],
    ['detaches it on terminate', 'iam:DetachRolePolicy', bounded],
    ['removes inline policies on terminate', 'iam:DeleteRolePolicy', bounded],
    ['updates the trust of a bounded product role', 'iam:UpdateAssumeRolePolicy', bounded],
    ['reads the inline policies of a product role', 'iam:GetRolePolicy', {}],
    ['deletes a product role', 'iam:DeleteRole', {}],
  ])('allows: %s', async (_name, action, context) => {
    expect(await decide(policies, action, productRole, context)).toBe('Allowed');
  });

  test.each([
    ['without the product boundary', {}],
    ['with another boundary', { 'iam:PermissionsBoundary': `arn:aws:iam::${RES}:policy/admin` }],
  ])('refuses role changes on a product role %s (NoRoleChangeWithoutTheProductBoundary)', async (_name, context) => {
    for (const action of ['iam:AttachRolePolicy', 'iam:DetachRolePolicy', 'iam:DeleteRolePolicy', 'iam:UpdateAssumeRolePolicy']) {
      expect(`${action}: ${await decide(policies, action, productRole, context)}`).toBe(`${action}: ExplicitlyDenied`);
    }
  });

  test.each(['iam:UpdateAssumeRolePolicy', 'iam:AttachRolePolicy', 'iam:DeleteRole', 'iam:GetRolePolicy'])(
    'refuses %s on a role outside the product prefix, even a bounded one', async (action) => {
      expect(await decide(policies, action, `arn:aws:iam::${RES}:role/vwml-DataScientist`, bounded)).toBe('ExplicitlyDenied');
    });

  test('configures product buckets as the bucket handler does, and no other bucket', async () => {
    const product = `arn:aws:s3:::sc-${RES}-pp-abcdefghijklm-datacapturebucket1234-5678`;
    for (const action of ['s3:PutBucketCORS', 's3:TagResource', 's3:UntagResource', 's3:DeleteBucketWebsite', 's3:GetBucketAcl', 's3:ListBucket']) {
      expect(`${action}: ${await decide(policies, action, product)}`).toBe(`${action}: Allowed`);
      expect(`${action}: ${await decide(policies, action, `arn:aws:s3:::${RES}-data-lake`)}`).toBe(`${action}: ImplicitlyDenied`);
    }
  });

  test.each([
    ['a product role with another boundary', 'iam:CreateRole', `arn:aws:iam::${RES}:role/mlops-churn-build-pipeline`, { 'iam:PermissionsBoundary': `arn:aws:iam::${RES}:policy/admin` }, 'ExplicitlyDenied'],
    ['a role outside the product prefix', 'iam:CreateRole', `arn:aws:iam::${RES}:role/admin`, { 'iam:PermissionsBoundary': BOUNDARY_ARN }, 'ExplicitlyDenied'],
    ['an inline policy on a product role', 'iam:PutRolePolicy', `arn:aws:iam::${RES}:role/mlops-churn-build-pipeline`, { 'iam:PermissionsBoundary': BOUNDARY_ARN }, 'ImplicitlyDenied'],
    ['removing a product role boundary', 'iam:DeleteRolePermissionsBoundary', `arn:aws:iam::${RES}:role/mlops-churn-build-pipeline`, {}, 'ExplicitlyDenied'],
    ['a bucket that is not a product bucket', 's3:PutBucketPolicy', `arn:aws:s3:::${RES}-data-lake`, {}, 'ImplicitlyDenied'],
    ['deleting a product bucket', 's3:DeleteBucket', `arn:aws:s3:::sc-${RES}-pp-abcdefghijklm-artifactsbucket1234-5678`, {}, 'ImplicitlyDenied'],
    ['reading product data', 's3:GetObject', `arn:aws:s3:::sc-${RES}-pp-abcdefghijklm-artifactsbucket1234-5678/model.tar.gz`, {}, 'ImplicitlyDenied'],
    ['a stack that Service Catalog did not create', 'cloudformation:DeleteStack', `arn:aws:cloudformation:eu-central-1:${RES}:stack/platform-network/1b2c`, {}, 'ImplicitlyDenied'],
    ['deleting a key', 'kms:ScheduleKeyDeletion', `arn:aws:kms:eu-central-1:${RES}:key/1234abcd-12ab-34cd-56ef-1234567890ab`, {}, 'ExplicitlyDenied'],
    ['disabling a key', 'kms:DisableKey', `arn:aws:kms:eu-central-1:${RES}:key/1234abcd-12ab-34cd-56ef-1234567890ab`, {}, 'ExplicitlyDenied'],
    ['switching key rotation off', 'kms:DisableKeyRotation', `arn:aws:kms:eu-central-1:${RES}:key/1234abcd-12ab-34cd-56ef-1234567890ab`, {}, 'ExplicitlyDenied'],
    ['deleting product data', 's3:DeleteObject', `arn:aws:s3:::sc-${RES}-pp-abcdefghijklm-artifactsbucket1234-5678/model.tar.gz`, {}, 'ImplicitlyDenied'],
    ['setting ACLs on product data', 's3:PutObjectAcl', `arn:aws:s3:::sc-${RES}-pp-abcdefghijklm-artifactsbucket1234-5678/model.tar.gz`, {}, 'ImplicitlyDenied'],
    ['sharing a model package group', 'sagemaker:PutModelPackageGroupPolicy', `arn:aws:sagemaker:eu-central-1:${RES}:model-package-group/churn`, {}, 'ImplicitlyDenied'],
    ['rewriting the policy of a platform key', 'kms:PutKeyPolicy', A_KEY, PLATFORM_KEY, 'ImplicitlyDenied'],
    ['rewriting the policy of an untagged key', 'kms:PutKeyPolicy', A_KEY, {}, 'ImplicitlyDenied'],
    ['rewriting the policy of a key tagged product-key with another value', 'kms:PutKeyPolicy', A_KEY, { 'aws:ResourceTag/mlops:product-key': 'yes' }, 'ImplicitlyDenied'],
    ['retagging a platform key', 'kms:TagResource', A_KEY, { ...PLATFORM_KEY, 'aws:RequestTag/owner': 'x', 'aws:TagKeys': ['owner'] }, 'ImplicitlyDenied'],
    ['putting the product-key tag on a platform key', 'kms:TagResource', A_KEY, { ...PLATFORM_KEY, ...PRODUCT_KEY_REQUEST }, 'ExplicitlyDenied'],
    ['putting the product-key tag on an untagged key', 'kms:TagResource', A_KEY, PRODUCT_KEY_REQUEST, 'ExplicitlyDenied'],
    ['removing the product-key tag from a product key', 'kms:UntagResource', A_KEY, { ...PRODUCT_KEY, 'aws:TagKeys': ['mlops:product-key'] }, 'ExplicitlyDenied'],
    ['tagging at creation without the product-key tag', 'kms:TagResource', '*', { 'aws:RequestTag/owner': 'x', 'aws:TagKeys': ['owner'] }, 'ImplicitlyDenied'],
    ['decrypting with a key', 'kms:Decrypt', `arn:aws:kms:eu-central-1:${RES}:key/1234abcd-12ab-34cd-56ef-1234567890ab`, {}, 'ImplicitlyDenied'],
    ['registering model versions', 'sagemaker:CreateModelPackage', `arn:aws:sagemaker:eu-central-1:${RES}:model-package/churn/1`, {}, 'ImplicitlyDenied'],
  ])('refuses: %s', async (_name, action, resource, context, expected) => {
    // explicitly where the launch role's restrictions deny it, implicitly where nothing allows it
    expect(await decide(policies, action, resource, context as Record<string, string>)).toBe(expected);
  });
});

describe('launch role without a named product roles boundary, simulated', () => {
  const policies = launchRolePolicies(false);
  const productRole = `arn:aws:iam::${RES}:role/mlops-churn-dev-endpoint`;

  test.each(['iam:CreateRole', 'iam:AttachRolePolicy', 'iam:DetachRolePolicy', 'iam:DeleteRolePolicy', 'iam:UpdateAssumeRolePolicy'])(
    '%s needs a customer-managed boundary of this account on the product role', async (action) => {
      expect(await decide(policies, action, productRole, { 'iam:PermissionsBoundary': BOUNDARY_ARN })).toBe('Allowed');
      expect(await decide(policies, action, productRole, {})).toBe('ImplicitlyDenied');
      expect(await decide(policies, action, productRole, { 'iam:PermissionsBoundary': 'arn:aws:iam::aws:policy/AdministratorAccess' })).toBe('ImplicitlyDenied');
    });
});

describe('DataShare registration role, simulated', () => {
  const { stack } = testStack('Data');
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  new DataShare(stack, 'Share', {
    databaseName: 'db',
    encryptionKey: key,
    consumerAccountId: '111111111111',
    tables: [{ tableName: 't', location: 's3://lake-bucket/curated/t/', columns: [{ name: 'c', columnType: GlueColumnType.STRING }] }],
    columnGrants: [{ tableName: 't', columnNames: ['c'] }],
    dataLakeLocation: { bucket: s3.Bucket.fromBucketName(stack, 'Lake', 'lake-bucket'), prefix: 'curated', encryptionKey: key },
  });
  const [policy] = Object.values(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy')) as any[];
  const policies = [{ name: 'registration', policy: concrete(policy.Properties.PolicyDocument, { Key: `arn:aws:kms:eu-central-1:${RES}:key/k` }) }];

  test('reads objects under the registered prefix, and nothing else', async () => {
    expect(await decide(policies, 's3:GetObject', 'arn:aws:s3:::lake-bucket/curated/t/part-0.parquet')).toBe('Allowed');
    expect(await decide(policies, 's3:GetObject', 'arn:aws:s3:::lake-bucket/raw/t/part-0.parquet')).toBe('ImplicitlyDenied');
    expect(await decide(policies, 's3:PutObject', 'arn:aws:s3:::lake-bucket/curated/t/part-0.parquet')).toBe('ImplicitlyDenied');
    expect(await decide(policies, 's3:ListBucket', 'arn:aws:s3:::lake-bucket', { 's3:prefix': 'curated/t/' })).toBe('Allowed');
    expect(await decide(policies, 's3:ListBucket', 'arn:aws:s3:::lake-bucket', { 's3:prefix': 'raw/' })).toBe('ImplicitlyDenied');
  });
});

describe('launch role, bounded by its own boundary (issue 12, point 7: it had none)', () => {
  const { stack } = testStack('Res');
  const portfolio = new MlopsPortfolio(stack, 'Portfolio', { launchRoleName: 'vwml-catalog-launch' });
  const template = Template.fromStack(stack).toJSON();
  const role = Object.values<any>(template.Resources).find((r) => r.Type === 'AWS::IAM::Role' && r.Properties.RoleName === 'vwml-catalog-launch');
  const boundaryId: string = role.Properties.PermissionsBoundary.Ref;
  const boundary = { name: 'boundary', policy: concrete(template.Resources[boundaryId].Properties.PolicyDocument, {}) };
  // an administrator's policy attached to the launch role later
  const admin = [{ name: 'admin', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } }];

  async function bounded(action: string, resource: string, context: Record<string, string> = {}): Promise<string> {
    const response = await runSimulation({
      identityPolicies: admin,
      permissionBoundaryPolicies: [boundary],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: resource.startsWith('arn:aws:kms:') ? DELEGATING_KEY_POLICY : undefined,
      request: { action, principal: LAUNCH_ROLE, resource: { accountId: RES, resource }, contextVariables: { 'aws:RequestedRegion': 'eu-central-1', ...context } },
    }, {});
    if (response.resultType === 'error') throw new Error(JSON.stringify(response.errors));
    return response.overallResult;
  }

  test('the boundary is a managed policy named <role name>-boundary on the role', () => {
    expect(template.Resources[boundaryId].Properties.ManagedPolicyName).toBe('vwml-catalog-launch-boundary');
    expect(portfolio.launchRole.permissionsBoundary).toBeDefined();
  });

  test.each([
    ['launch another EC2 instance', 'ec2:RunInstances', `arn:aws:ec2:eu-central-1:${RES}:instance/i-0123`, {}, 'ImplicitlyDenied'],
    ['read a use case\'s model data', 's3:PutObject', `arn:aws:s3:::vwml-weld-gun-pm-artifacts-${RES}/runs/x`, {}, 'ImplicitlyDenied'],
    ['create an IAM user', 'iam:CreateUser', `arn:aws:iam::${RES}:user/backdoor`, {}, 'ExplicitlyDenied'],
    ['rewrite its own boundary', 'iam:CreatePolicyVersion', `arn:aws:iam::${RES}:policy/vwml-catalog-launch-boundary`, {}, 'ExplicitlyDenied'],
    ['delete a key', 'kms:ScheduleKeyDeletion', `arn:aws:kms:eu-central-1:${RES}:key/1234abcd-12ab-34cd-56ef-1234567890ab`, {}, 'ExplicitlyDenied'],
    ['still create a provisioned product stack', 'cloudformation:CreateStack', `arn:aws:cloudformation:eu-central-1:${RES}:stack/SC-${RES}-pp-abcdefghijklm/1b2c`, {}, 'Allowed'],
    ['still create a product role with a boundary', 'iam:CreateRole', `arn:aws:iam::${RES}:role/mlops-churn-build-pipeline`, { 'iam:PermissionsBoundary': BOUNDARY_ARN }, 'Allowed'],
  ])('with an administrator policy attached, it cannot %s beyond its boundary', async (_what, action, resource, context, expected) => {
    expect(await bounded(action, resource, context as Record<string, string>)).toBe(expected);
  });
});
