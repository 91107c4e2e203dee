import * as fs from 'fs';
import * as path from 'path';
import { App, Stack, Stage } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as servicecatalog from 'aws-cdk-lib/aws-servicecatalog';
import { ComplianceCheck, MlopsLaunchRole, MlopsPortfolio, MlopsPortfolioProps, MlopsProduct } from '../../../src';
import { testStack } from '../../helpers/stacks';

const RES = '222222222222';
const DS_ROLE = `arn:aws:iam::${RES}:role/mlops-data-scientist`;
const PIPELINE_ROLE = `arn:aws:iam::${RES}:role/mlops-deployment-pipeline`;
const TEMPLATES_DIR = process.env.CFN_TEMPLATES_DIR ?? path.join(__dirname, '..', '..', '..', '.cfn-templates');

function build(extra: Partial<MlopsPortfolioProps> = {}) {
  const { app, stack } = testStack('Res');
  const boundary = new iam.ManagedPolicy(stack, 'ProductRoleBoundary', {
    managedPolicyName: 'mlops-role-boundary',
    statements: [new iam.PolicyStatement({ actions: ['sagemaker:DescribeTrainingJob'], resources: [stack.formatArn({ service: 'sagemaker', resource: 'training-job', resourceName: 'x' })] })],
  });
  const portfolio = new MlopsPortfolio(stack, 'Portfolio', { principalRoleArns: [DS_ROLE, PIPELINE_ROLE], productRolesBoundary: boundary, ...extra });
  return { app, stack, portfolio, boundary, t: Template.fromStack(stack) };
}

/**
 * The template of a product stack: product stacks are not stacks of the cloud assembly, so they are read
 * from the assembly directory (and copied to .cfn-templates for cfn-lint, like every other template).
 */
function productTemplate(app: App, productStack: servicecatalog.ProductStack): any {
  const assembly = (Stage.of(productStack) as Stage).synth();
  const text = fs.readFileSync(path.join(assembly.directory, productStack.templateFile), 'utf-8');
  fs.mkdirSync(TEMPLATES_DIR, { recursive: true });
  fs.writeFileSync(path.join(TEMPLATES_DIR, `product-${productStack.templateFile}`), text);
  expect(app).toBeDefined();
  return JSON.parse(text);
}

function managedPolicies(t: Template): Record<string, any> {
  return t.findResources('AWS::IAM::ManagedPolicy');
}

describe('MlopsPortfolio', () => {
  test('a portfolio with the two products, version v1, from product stack templates', () => {
    const { t } = build();
    t.hasResourceProperties('AWS::ServiceCatalog::Portfolio', {
      DisplayName: 'MLOps',
      ProviderName: 'MLOps platform team',
      Description: 'Model Building and Model Deployment products of the MLOps platform',
    });
    t.resourceCountIs('AWS::ServiceCatalog::CloudFormationProduct', 2);
    for (const name of ['Model Building', 'Model Deployment']) {
      t.hasResourceProperties('AWS::ServiceCatalog::CloudFormationProduct', {
        Name: name,
        Owner: 'MLOps platform team',
        ProvisioningArtifactParameters: [{ Name: 'v1', DisableTemplateValidation: false, Info: { LoadTemplateFromURL: Match.anyValue() } }],
      });
    }
    t.resourceCountIs('AWS::ServiceCatalog::PortfolioProductAssociation', 2);
  });

  test('associates exactly the given principal roles', () => {
    const { t } = build();
    const associations = Object.values(t.findResources('AWS::ServiceCatalog::PortfolioPrincipalAssociation')).map((r: any) => r.Properties);
    expect(associations).toHaveLength(2);
    expect(associations.map((a) => a.PrincipalARN).sort()).toEqual([DS_ROLE, PIPELINE_ROLE].sort());
    for (const a of associations) {
      expect(a.PrincipalType).toBe('IAM');
      expect(a.PortfolioId).toEqual({ Ref: expect.stringMatching(/^Portfolio[0-9A-F]{8}$/) });
    }
  });

  test('both products launch with the launch role (by ARN)', () => {
    const { t } = build();
    const constraints = Object.values(t.findResources('AWS::ServiceCatalog::LaunchRoleConstraint')).map((r: any) => r.Properties);
    expect(constraints).toHaveLength(2);
    for (const c of constraints) {
      expect(c.RoleArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^PortfolioLaunchRole[0-9A-F]{8}$/), 'Arn'] });
      expect(c.LocalRoleName).toBeUndefined();
    }
    expect(constraints.map((c) => c.ProductId.Ref).sort()).toEqual([expect.stringMatching(/^PortfolioModelBuilding/), expect.stringMatching(/^PortfolioModelDeployment/)]);
  });

  test('the launch role is trusted by Service Catalog only and has only managed, bounded-scope policies', () => {
    const { t } = build();
    const roles = Object.values(t.findResources('AWS::IAM::Role')) as any[];
    expect(roles).toHaveLength(1);
    const role = roles[0].Properties;
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'servicecatalog.amazonaws.com' } }]);
    expect(role.Policies).toBeUndefined();
    expect(role.ManagedPolicyArns).toHaveLength(6);
    // one of them only denies: the launch role's restrictions
    const restrictions = managedPolicies(t)[role.ManagedPolicyArns[5].Ref].Properties.PolicyDocument.Statement;
    expect(restrictions.map((s: any) => [s.Sid, s.Effect])).toEqual([
      ['NoIamOutsideTheProducts', 'Deny'], ['NoBoundaryRemoval', 'Deny'], ['NoKeyDeletionOrRotationOff', 'Deny'],
      ['NoProductKeyTagOnOtherKeys', 'Deny'], ['NoProductKeyTagRemoval', 'Deny'], ['NoRoleChangeWithoutTheProductBoundary', 'Deny'],
    ]);
    t.resourceCountIs('AWS::IAM::Policy', 0);
  });

  test('launch role: CloudFormation only on Service Catalog stacks, templates only from Service Catalog', () => {
    const { t } = build();
    const statements = Object.values(managedPolicies(t)).flatMap((p: any) => p.Properties.PolicyDocument.Statement).filter((s: any) => s.Effect === 'Allow');
    const stacks = statements.find((s) => s.Sid === 'ManageProvisionedProductStacks');
    expect(stacks.Resource).toBe(`arn:aws:cloudformation:eu-central-1:${RES}:stack/SC-${RES}-pp-*`);
    const templates = statements.find((s) => s.Sid === 'ReadProductTemplatesFromServiceCatalog');
    expect(templates).toEqual({
      Sid: 'ReadProductTemplatesFromServiceCatalog',
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: '*',
      Condition: { StringEquals: { 's3:ExistingObjectTag/servicecatalog:provisioning': 'true' } },
    });
  });

  test('launch role: roles only with the product roles boundary, named mlops-*', () => {
    const { t } = build();
    const statements = Object.values(managedPolicies(t)).flatMap((p: any) => p.Properties.PolicyDocument.Statement).filter((s: any) => s.Effect === 'Allow');
    const create = statements.find((s) => s.Sid === 'CreateOnlyBoundedProductRoles');
    expect(create.Action).toEqual([
      'iam:CreateRole', 'iam:PutRolePermissionsBoundary', 'iam:AttachRolePolicy', 'iam:DetachRolePolicy', 'iam:DeleteRolePolicy', 'iam:UpdateAssumeRolePolicy',
    ]);
    expect(create.Resource).toBe(`arn:aws:iam:*:${RES}:role/mlops-*`);
    expect(create.Condition).toEqual({ ArnEquals: { 'iam:PermissionsBoundary': { Ref: expect.stringMatching(/^ProductRoleBoundary/) } } });
    // removing the boundary is never allowed, nor is any inline role policy
    const actions = statements.flatMap((s) => [s.Action].flat());
    const denied = Object.values(managedPolicies(t)).flatMap((p: any) => p.Properties.PolicyDocument.Statement)
      .find((s: any) => s.Sid === 'NoRoleChangeWithoutTheProductBoundary');
    expect(denied.Action).toEqual([...create.Action.slice(0, 4), 'iam:PutRolePolicy', ...create.Action.slice(4)]);
    expect(actions).not.toContain('iam:DeleteRolePermissionsBoundary');
    expect(actions).not.toContain('iam:PutRolePolicy');
    expect(actions).not.toContain('iam:PassRole');
    expect(statements.find((s) => s.Sid === 'ManageProductPolicies').Resource).toBe(`arn:aws:iam:*:${RES}:policy/mlops-*`);
  });

  test('launch role: without a product roles boundary, some boundary of the account is still required', () => {
    const { stack } = testStack('Res');
    new MlopsPortfolio(stack, 'Portfolio');
    const statements = Object.values(managedPolicies(Template.fromStack(stack))).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    expect(statements.find((s) => s.Sid === 'CreateOnlyBoundedProductRoles').Condition).toEqual({
      ArnLike: { 'iam:PermissionsBoundary': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':policy/*']] } },
    });
  });

  test('launch role: keys, buckets and model package groups are created and configured, never deleted or disabled', () => {
    const { t } = build();
    const statements = Object.values(managedPolicies(t)).flatMap((p: any) => p.Properties.PolicyDocument.Statement).filter((s: any) => s.Effect === 'Allow');
    expect(statements.find((s) => s.Sid === 'CreateSymmetricEncryptionProductKeys')).toMatchObject({
      Action: 'kms:CreateKey',
      Resource: '*',
      Condition: { StringEquals: { 'kms:KeySpec': 'SYMMETRIC_DEFAULT', 'kms:KeyUsage': 'ENCRYPT_DECRYPT', 'aws:RequestTag/mlops:product-key': 'true' } },
    });
    expect(statements.find((s) => s.Sid === 'ConfigureProductKeys')).toMatchObject({
      Resource: `arn:aws:kms:eu-central-1:${RES}:key/*`,
      Condition: { StringEquals: { 'aws:ResourceTag/mlops:product-key': 'true' } },
    });
    expect(statements.find((s) => s.Sid === 'CreateAndConfigureProductBuckets').Resource).toBe(`arn:aws:s3:*:*:sc-${RES}-pp-*`);
    expect(statements.find((s) => s.Sid === 'ManageModelPackageGroups').Resource).toBe(`arn:aws:sagemaker:eu-central-1:${RES}:model-package-group/*`);
    const actions = statements.flatMap((s) => [s.Action].flat());
    for (const forbidden of ['s3:DeleteBucket', 'kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:Decrypt', 's3:GetObjectVersion', 's3:PutObject']) {
      expect(actions).not.toContain(forbidden);
    }
    // no action wildcards anywhere
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
  });

  test('tag options are associated when given', () => {
    const { stack } = testStack('Res');
    const tagOptions = new servicecatalog.TagOptions(stack, 'TagOptions', { allowedValuesForTags: { 'cost-center': ['ml-1', 'ml-2'] } });
    new MlopsPortfolio(stack, 'Portfolio', { tagOptions });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::ServiceCatalog::TagOption', 2);
    t.resourceCountIs('AWS::ServiceCatalog::TagOptionAssociation', 2);
  });

  test('with a launch role name, the constraints name the local role and the portfolio can be shared', () => {
    const { t } = build({ launchRoleName: 'mlops-portfolio-launch', shareWithAccountIds: ['111111111111'] });
    for (const c of Object.values(t.findResources('AWS::ServiceCatalog::LaunchRoleConstraint')) as any[]) {
      // the name of the launch role (a reference, so the constraint waits for the role)
      expect(c.Properties.LocalRoleName).toEqual({ Ref: expect.stringMatching(/^PortfolioLaunchRole[0-9A-F]{8}$/) });
      expect(c.Properties.RoleArn).toBeUndefined();
    }
    t.hasResourceProperties('AWS::IAM::Role', { RoleName: 'mlops-portfolio-launch' });
    t.hasResourceProperties('AWS::ServiceCatalog::PortfolioShare', { AccountId: '111111111111', PortfolioId: { Ref: Match.stringLikeRegexp('^Portfolio[0-9A-F]{8}$') } });
  });

  test('the launch role takes its own permissions boundary', () => {
    const { stack } = testStack('Res');
    const launchBoundary = new iam.ManagedPolicy(stack, 'LaunchBoundary', { statements: [new iam.PolicyStatement({ actions: ['cloudformation:DescribeStacks'], resources: ['*'] })] });
    new MlopsPortfolio(stack, 'Portfolio', { permissionsBoundary: launchBoundary, displayName: 'Churn MLOps', productVersionName: 'v2' });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::IAM::Role', { PermissionsBoundary: { Ref: Match.stringLikeRegexp('^LaunchBoundary') } });
    t.hasResourceProperties('AWS::ServiceCatalog::Portfolio', { DisplayName: 'Churn MLOps' });
    t.hasResourceProperties('AWS::ServiceCatalog::CloudFormationProduct', { ProvisioningArtifactParameters: [Match.objectLike({ Name: 'v2' })] });
  });

  test('passes the compliance packs, including the product templates; acknowledgements are IAM5 wildcard findings only', () => {
    const { app } = build();
    const report = ComplianceCheck.assertCompliant(app);
    const mine = report.acknowledgements.filter((a) => a.constructPath.startsWith('Res/Portfolio'));
    // SecureBucket's own acknowledgements (access logs, replication) aside, every acknowledgement is a named wildcard
    const own = mine.filter((a) => !/SecureBucket|Artifacts|DataCapture/.test(a.constructPath));
    expect(own.length).toBeGreaterThanOrEqual(13);
    for (const a of own) expect(a.ruleId).toMatch(/^AwsSolutions-IAM5\[Resource::[^:]/);
    expect(own.map((a) => a.ruleId)).toContain(`AwsSolutions-IAM5[Resource::arn:aws:iam:*:${RES}:role/mlops-*]`);
  });
});

describe('MlopsPortfolio products and principal roles', () => {
  test('one product only, associated with a role of the app, launched through the local launch role', () => {
    const { app, stack } = testStack('Exp');
    const engineer = new iam.Role(stack, 'Engineer', { assumedBy: new iam.AccountRootPrincipal() });
    const portfolio = new MlopsPortfolio(stack, 'Portfolio', { products: [MlopsProduct.MODEL_BUILDING], principalRoles: [engineer], launchRoleName: 'mlops-catalog-launch' });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::ServiceCatalog::CloudFormationProduct', 1);
    t.hasResourceProperties('AWS::ServiceCatalog::CloudFormationProduct', { Name: 'Model Building' });
    t.hasResourceProperties('AWS::ServiceCatalog::PortfolioPrincipalAssociation', { PrincipalARN: { 'Fn::GetAtt': [stack.getLogicalId(engineer.node.defaultChild as any), 'Arn'] } });
    expect(portfolio.modelDeploymentProduct).toBeUndefined();
    expect(portfolio.modelDeploymentStack).toBeUndefined();
    expect(app).toBeDefined();
  });

  test('the product roles get the PermissionsBoundaryArn parameter even where the holding stack bounds every role', () => {
    const { app, stack } = testStack('Res');
    const platformBoundary = new iam.ManagedPolicy(stack, 'PlatformBoundary', { statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] })] });
    iam.PermissionsBoundary.of(stack).apply(platformBoundary);
    const portfolio = new MlopsPortfolio(stack, 'Portfolio');
    for (const productStack of [portfolio.modelBuildingStack!, portfolio.modelDeploymentStack!]) {
      const template = productTemplate(app, productStack);
      const roles = Object.values(template.Resources).filter((r: any) => r.Type === 'AWS::IAM::Role') as any[];
      expect(roles.map((r) => r.Properties.PermissionsBoundary)).toEqual([{ Ref: 'PermissionsBoundaryArn' }]);
    }
  });

  test('products must be listed once each, at least one', () => {
    expect(() => build({ products: [] })).toThrow(/products must list/);
    expect(() => build({ products: [MlopsProduct.MODEL_BUILDING, MlopsProduct.MODEL_BUILDING] })).toThrow(/each once/);
  });
});

describe('Model Building product template', () => {
  test('takes the use case and the boundary as validated parameters', () => {
    const { app, portfolio } = build();
    const template = productTemplate(app, portfolio.modelBuildingStack!);
    expect(template.Parameters.UseCaseName).toMatchObject({ Type: 'String', AllowedPattern: '^[a-z][a-z0-9-]{1,30}[a-z0-9]$' });
    expect(template.Parameters.PermissionsBoundaryArn).toMatchObject({ Type: 'String', AllowedPattern: '^arn:aws[a-z-]*:iam::[0-9]{12}:policy/[A-Za-z0-9+=,.@_/-]+$' });
    expect(Object.keys(template.Outputs).sort()).toEqual(['ArtifactsBucketName', 'EncryptionKeyArn', 'ModelPackageGroupName', 'PipelineExecutionRoleArn']);
  });

  test('creates a key, a secure artifact bucket, a model package group and a bounded pipeline role', () => {
    const { app, portfolio } = build();
    const t = Template.fromJSON(productTemplate(app, portfolio.modelBuildingStack!));
    t.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain', Properties: { EnableKeyRotation: true } });
    t.resourceCountIs('AWS::S3::Bucket', 2);
    t.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: { BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }] } },
    });
    t.hasResourceProperties('AWS::SageMaker::ModelPackageGroup', { ModelPackageGroupName: { Ref: 'UseCaseName' } });
    t.hasResourceProperties('AWS::IAM::Role', {
      RoleName: { 'Fn::Join': ['', ['mlops-', { Ref: 'UseCaseName' }, '-build-pipeline']] },
      PermissionsBoundary: { Ref: 'PermissionsBoundaryArn' },
      AssumeRolePolicyDocument: { Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' } }] },
    });
    t.resourceCountIs('AWS::IAM::Policy', 0);
    const [policy] = Object.values(t.findResources('AWS::IAM::ManagedPolicy')) as any[];
    expect(policy.Properties.ManagedPolicyName).toEqual({ 'Fn::Join': ['', ['mlops-', { Ref: 'UseCaseName' }, '-build-pipeline']] });
    const statements = policy.Properties.PolicyDocument.Statement;
    const start = statements.find((s: any) => s.Sid === 'StartPipelineJobsEncryptedWithTheUseCaseKey');
    expect(start.Resource).toEqual(['arn:*:sagemaker:*:*:processing-job/pipelines-*', 'arn:*:sagemaker:*:*:training-job/pipelines-*']);
    expect(start.Condition.StringEquals).toEqual({
      'sagemaker:VolumeKmsKeyArn': { 'Fn::GetAtt': [expect.stringMatching(/^EncryptionKey/), 'Arn'] },
      'sagemaker:OutputKmsKeyArn': { 'Fn::GetAtt': [expect.stringMatching(/^EncryptionKey/), 'Arn'] },
      'aws:RequestedRegion': { Ref: 'AWS::Region' },
    });
    const register = statements.find((s: any) => s.Sid === 'RegisterModelVersions');
    expect(register.Resource).toEqual([
      { 'Fn::GetAtt': ['ModelPackageGroup', 'ModelPackageGroupArn'] },
      { 'Fn::Join': ['', ['arn:*:sagemaker:*:*:model-package/', { Ref: 'UseCaseName' }, '/*']] },
    ]);
    const pass = statements.find((s: any) => s.Sid === 'PassThisRoleToSageMakerJobs');
    expect(pass.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } });
    expect(statements.flatMap((s: any) => [s.Action].flat()).filter((a: string) => a.includes('*'))).toEqual([]);
  });
});

describe('Model Deployment product template', () => {
  test('takes use case, stage, boundary and the model artifact location', () => {
    const { app, portfolio } = build();
    const template = productTemplate(app, portfolio.modelDeploymentStack!);
    expect(Object.keys(template.Parameters).sort()).toEqual(['ModelArtifactsBucketName', 'ModelArtifactsKeyArn', 'PermissionsBoundaryArn', 'StageName', 'UseCaseName']);
    expect(template.Parameters.StageName.AllowedValues).toEqual(['dev', 'int', 'prod']);
  });

  test('creates a key, a secure data-capture bucket and a bounded endpoint role', () => {
    const { app, portfolio } = build();
    const t = Template.fromJSON(productTemplate(app, portfolio.modelDeploymentStack!));
    t.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain', Properties: { EnableKeyRotation: true } });
    t.resourceCountIs('AWS::S3::Bucket', 2);
    t.hasResourceProperties('AWS::IAM::Role', {
      RoleName: { 'Fn::Join': ['', ['mlops-', { Ref: 'UseCaseName' }, '-', { Ref: 'StageName' }, '-endpoint']] },
      PermissionsBoundary: { Ref: 'PermissionsBoundaryArn' },
    });
    const [policy] = Object.values(t.findResources('AWS::IAM::ManagedPolicy')) as any[];
    const statements = policy.Properties.PolicyDocument.Statement;
    expect(statements.find((s: any) => s.Sid === 'ReadTheModelArtifacts')).toMatchObject({
      Action: 's3:GetObject',
      Resource: { 'Fn::Join': ['', ['arn:*:s3:*:*:', { Ref: 'ModelArtifactsBucketName' }, '/*']] },
    });
    expect(statements.find((s: any) => s.Sid === 'DecryptTheModelArtifacts')).toMatchObject({ Action: 'kms:Decrypt', Resource: { Ref: 'ModelArtifactsKeyArn' } });
    expect(statements.find((s: any) => s.Sid === 'WriteDataCapture')).toMatchObject({
      Action: 's3:PutObject',
      Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^DataCaptureBucket/), 'Arn'] }, '/*']] },
    });
  });
});

describe('MlopsLaunchRole in an environment-agnostic stack', () => {
  test('leaves partition, region and account open in its patterns and pins regional statements to the region', () => {
    const app = new App();
    const stack = new Stack(app, 'Agnostic');
    new MlopsLaunchRole(stack, 'Launch', { roleName: 'mlops-portfolio-launch' });
    const statements = Object.values(managedPolicies(Template.fromStack(stack))).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    const stacks = statements.find((s) => s.Sid === 'ManageProvisionedProductStacks');
    expect(stacks.Resource).toBe('arn:*:cloudformation:*:*:stack/SC-*-pp-*');
    expect(stacks.Condition).toEqual({ StringEquals: { 'aws:RequestedRegion': { Ref: 'AWS::Region' } } });
    // IAM is global: never pinned to a region
    expect(statements.find((s) => s.Sid === 'ManageProductRoles').Condition).toBeUndefined();
    ComplianceCheck.assertCompliant(app);
  });
});

describe('MlopsPortfolio validation', () => {
  const cases: Array<[string, Partial<MlopsPortfolioProps>, RegExp]> = [
    ['a principal that is not a role ARN', { principalRoleArns: ['mlops-data-scientist'] }, /principalRoleArns contains "mlops-data-scientist", which is not an IAM role ARN/],
    ['a user ARN as principal', { principalRoleArns: [`arn:aws:iam::${RES}:user/alice`] }, /which is not an IAM role ARN/],
    ['a duplicate principal', { principalRoleArns: [DS_ROLE, DS_ROLE] }, /lists arn:aws:iam::222222222222:role\/mlops-data-scientist twice/],
    ['a bad share account', { launchRoleName: 'x', shareWithAccountIds: ['1234'] }, /shareWithAccountIds contains "1234", which is not a 12-digit AWS account id/],
    ['sharing without a launch role name', { shareWithAccountIds: ['111111111111'] }, /shareWithAccountIds is set but launchRoleName is not/],
    ['a bad version name', { productVersionName: 'v 1' }, /productVersionName "v 1" must be 1 to 100 letters/],
    ['a bad launch role name', { launchRoleName: 'mlops launch' }, /MlopsLaunchRole: roleName "mlops launch" is not a valid IAM role name/],
  ];
  test.each(cases)('refuses %s', (_name, extra, message) => {
    expect(() => build(extra)).toThrow(message);
  });
});
