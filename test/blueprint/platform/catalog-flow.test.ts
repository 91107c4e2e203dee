/**
 * Issue 11, defect 13: Service Catalog launch and terminate of "Model Building", evaluated against the
 * synthesized templates of the sample platform (platform stacks and the product template).
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { MlopsPlatform, Persona, PlatformAccount, PlatformBootstrap, PlatformConfig } from '../../../src';
import { ALLOW_ALL, ContextValue, logicalIdOf, simulate, simulateWithDetails, TemplatePolicies } from '../../helpers/iam-simulator';

const config = PlatformConfig.sample();
const app = new App();
const platform = new MlopsPlatform(app, 'Platform', { config });
const assembly = app.synth();
const expStack = platform.exp;
const exp = Template.fromStack(expStack);
const res = Template.fromStack(platform.res);
const EXP = '222222222222';
const REGION = 'eu-central-1';
const policies = TemplatePolicies.fromStack(expStack);

const buildingStack = expStack.portfolio.modelBuildingStack!;
const product = JSON.parse(fs.readFileSync(path.join(assembly.directory, buildingStack.templateFile), 'utf-8'));

describe('Service Catalog: Model Building is launched in EXP, where its resources belong', () => {
  test('EXP holds a portfolio with Model Building only, associated with the MLOps engineers of EXP', () => {
    exp.resourceCountIs('AWS::ServiceCatalog::CloudFormationProduct', 1);
    exp.hasResourceProperties('AWS::ServiceCatalog::CloudFormationProduct', { Name: 'Model Building' });
    const associations = Object.values(exp.findResources('AWS::ServiceCatalog::PortfolioPrincipalAssociation')) as any[];
    expect(associations.map((a) => a.Properties.PrincipalARN)).toEqual([
      { 'Fn::GetAtt': [logicalIdOf(expStack.personas!.role(Persona.MLOPS_ENGINEER)), 'Arn'] },
    ]);
    exp.hasResourceProperties('AWS::ServiceCatalog::LaunchRoleConstraint', { LocalRoleName: { Ref: logicalIdOf(expStack.portfolio.launchRole) } });
  });

  test('RES keeps Model Deployment only', () => {
    res.resourceCountIs('AWS::ServiceCatalog::CloudFormationProduct', 1);
    res.hasResourceProperties('AWS::ServiceCatalog::CloudFormationProduct', { Name: 'Model Deployment' });
  });

  test('the MLOps engineer of EXP may launch and terminate products', async () => {
    const engineer = { ...policies.rolePolicies(logicalIdOf(expStack.personas!.role(Persona.MLOPS_ENGINEER))), principal: `arn:aws:iam::${EXP}:role/vwml-MlopsEngineer` };
    for (const action of ['servicecatalog:ProvisionProduct', 'servicecatalog:TerminateProvisionedProduct']) {
      expect(await simulate({ ...engineer, action, resource: '*' })).toBe('Allowed');
    }
  });

  test('the EXP execution policy may create the launch role and the portfolio', async () => {
    const policy = PlatformBootstrap.forAccount(config, PlatformAccount.EXP).executionPolicyDocument;
    const principal = `arn:aws:iam::${EXP}:role/cdk-vwml-cfn-exec-role-${EXP}-${REGION}`;
    // only with its own boundary (issue 12, point 7)
    const launchRole = `arn:aws:iam::${EXP}:role/vwml-catalog-launch`;
    const ownBoundary = { 'iam:PermissionsBoundary': `arn:aws:iam::${EXP}:policy/vwml-catalog-launch-boundary` };
    expect(await simulate({ identityPolicies: [policy], principal, action: 'iam:CreateRole', resource: launchRole, context: ownBoundary })).toBe('Allowed');
    expect(await simulate({ identityPolicies: [policy], principal, action: 'iam:CreateRole', resource: launchRole })).toBe('ImplicitlyDenied');
    expect(await simulate({ identityPolicies: [policy], principal, action: 'servicecatalog:CreatePortfolio', resource: '*' })).toBe('Allowed');
  });
});

describe('Service Catalog: the product\'s roles carry the boundary given at launch', () => {
  test('the PermissionsBoundaryArn parameter bounds the pipeline role, not the boundary of the stack holding the portfolio', () => {
    const roles = Object.values(product.Resources).filter((r: any) => r.Type === 'AWS::IAM::Role') as any[];
    expect(roles).toHaveLength(1);
    expect(roles.map((r) => r.Properties.PermissionsBoundary)).toEqual([{ Ref: 'PermissionsBoundaryArn' }]);
  });
});

describe('Service Catalog: the EXP launch role creates and deletes exactly what Model Building holds', () => {
  const launch = { ...policies.rolePolicies(logicalIdOf(expStack.portfolio.launchRole)), principal: `arn:aws:iam::${EXP}:role/vwml-catalog-launch` };
  const boundaryArn = policies.resolve(expStack.resolve(expStack.guardrails.permissionsBoundary.managedPolicyArn)) as string;
  const role = `arn:aws:iam::${EXP}:role/mlops-weld-gun-pm-build-pipeline`;
  const policy = `arn:aws:iam::${EXP}:policy/mlops-weld-gun-pm-build-pipeline`;
  const stack = `arn:aws:cloudformation:${REGION}:${EXP}:stack/SC-${EXP}-pp-abcdefghijklm/11111111-2222-3333-4444-555555555555`;
  const bucket = `arn:aws:s3:::sc-${EXP}-pp-abcdefghijklm-artifactsbucket-1a2b3c`;
  const group = `arn:aws:sagemaker:${REGION}:${EXP}:model-package-group/weld-gun-pm`;
  const bounded: Record<string, ContextValue> = { 'iam:PermissionsBoundary': boundaryArn };

  const productKey = Object.values<any>(product.Resources).find((r) => r.Type === 'AWS::KMS::Key');
  const tags: Array<{ Key: string; Value: string }> = productKey.Properties.Tags;
  const keyTags: Record<string, ContextValue> = {
    ...Object.fromEntries(tags.map((t) => [`aws:RequestTag/${t.Key}`, t.Value])),
    'aws:TagKeys': tags.map((t) => t.Key),
  };
  const launchRequests: Array<[string, string, Record<string, ContextValue>?]> = [
    ['cloudformation:CreateStack', stack],
    // the key with its template's tags: mlops:product-key is what the role's key rights rest on
    ['kms:CreateKey', '*', { 'kms:KeySpec': 'SYMMETRIC_DEFAULT', 'kms:KeyUsage': 'ENCRYPT_DECRYPT', ...keyTags }],
    ['kms:TagResource', '*', keyTags],
    ['s3:CreateBucket', bucket],
    ['s3:PutBucketPolicy', bucket],
    ['sagemaker:CreateModelPackageGroup', group],
    ['iam:CreatePolicy', policy],
    ['iam:CreateRole', role, bounded],
    ['iam:AttachRolePolicy', role, bounded],
  ];
  const terminateRequests: Array<[string, string, Record<string, ContextValue>?]> = [
    ['cloudformation:DeleteStack', stack],
    ['cloudformation:DescribeStacks', stack],
    // AWS::IAM::Role
    ['iam:DetachRolePolicy', role, bounded],
    ['iam:DeleteRolePolicy', role, bounded],
    ['iam:ListAttachedRolePolicies', role],
    ['iam:ListRolePolicies', role],
    ['iam:GetRole', role],
    ['iam:DeleteRole', role],
    // AWS::IAM::ManagedPolicy
    ['iam:GetPolicy', policy],
    ['iam:ListPolicyVersions', policy],
    ['iam:ListEntitiesForPolicy', policy],
    ['iam:DeletePolicyVersion', policy],
    ['iam:DeletePolicy', policy],
    // AWS::S3::BucketPolicy (the buckets themselves are retained)
    ['s3:GetBucketPolicy', bucket],
    ['s3:DeleteBucketPolicy', bucket],
  ];

  /** The requests the launch role would be refused, as `action resource: decision`. */
  async function refused(requests: Array<[string, string, Record<string, ContextValue>?]>): Promise<string[]> {
    const out: string[] = [];
    for (const [action, resource, context] of requests) {
      const decision = await simulate({ ...launch, action, resource, context });
      if (decision !== 'Allowed') out.push(`${action} ${resource}: ${decision}`);
    }
    return out;
  }

  test('launch: every create request of the product\'s resources is allowed', async () => {
    expect(await refused(launchRequests)).toEqual([]);
  });

  test('the product key carries mlops:product-key, without which the role creates no key', async () => {
    expect(tags).toContainEqual({ Key: 'mlops:product-key', Value: 'true' });
    expect(await simulate({ ...launch, action: 'kms:CreateKey', resource: '*', context: { 'kms:KeySpec': 'SYMMETRIC_DEFAULT', 'kms:KeyUsage': 'ENCRYPT_DECRYPT' } })).toBe('ImplicitlyDenied');
  });

  test('terminate: every delete request of the product\'s deleted resources is allowed', async () => {
    expect(await refused(terminateRequests)).toEqual([]);
  });

  test('what terminate does not delete is retained on purpose: the key, the buckets and the model package group (model data)', () => {
    const kept = Object.entries(product.Resources).filter(([, r]: any) => r.DeletionPolicy === 'Retain').map(([, r]: any) => r.Type).sort();
    expect(kept).toEqual(['AWS::KMS::Key', 'AWS::S3::Bucket', 'AWS::S3::Bucket', 'AWS::SageMaker::ModelPackageGroup']);
    const deleted = Object.entries(product.Resources).filter(([, r]: any) => r.DeletionPolicy !== 'Retain').map(([, r]: any) => r.Type).sort();
    expect(deleted).toEqual(['AWS::IAM::ManagedPolicy', 'AWS::IAM::Role', 'AWS::S3::BucketPolicy', 'AWS::S3::BucketPolicy']);
  });

  test('its explicit denies hold even if someone attaches more rights to it', async () => {
    const widened = { ...launch, identityPolicies: [...launch.identityPolicies, ALLOW_ALL] };
    const denied = async (action: string, resource: string, context?: Record<string, ContextValue>) =>
      (await simulateWithDetails({ ...widened, action, resource, context })).explicitDenials.map((d) => d.sid);
    expect(await denied('iam:CreateRole', role, { 'iam:PermissionsBoundary': `arn:aws:iam::${EXP}:policy/other` })).toContain('NoRoleChangeWithoutTheProductBoundary');
    expect(await denied('iam:AttachRolePolicy', `arn:aws:iam::${EXP}:role/vwml-DataScientist`)).toContain('NoIamOutsideTheProducts');
    expect(await denied('iam:CreateUser', `arn:aws:iam::${EXP}:user/mallory`)).toContain('NoIamOutsideTheProducts');
    expect(await denied('iam:DeleteRolePermissionsBoundary', role)).toContain('NoBoundaryRemoval');
    expect(await denied('kms:ScheduleKeyDeletion', `arn:aws:kms:${REGION}:${EXP}:key/11111111-2222-3333-4444-555555555555`)).toContain('NoKeyDeletionOrRotationOff');
    // and they do not stand in the way of the launch
    expect(await simulate({ ...widened, action: 'iam:CreateRole', resource: role, context: bounded })).toBe('Allowed');
  });

  test('the launch role creates no role without the product boundary and touches no other role', async () => {
    expect(await simulate({ ...launch, action: 'iam:CreateRole', resource: role, context: { 'iam:PermissionsBoundary': `arn:aws:iam::${EXP}:policy/other` } })).toBe('ExplicitlyDenied');
    expect(await simulate({ ...launch, action: 'iam:DeleteRole', resource: `arn:aws:iam::${EXP}:role/vwml-DataScientist` })).toBe('ExplicitlyDenied');
  });
});
