import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { ComplianceCheck, PackageManager, PackageMirror, PackageMirrorProps, PublicPackageSource } from '../../../src';
import { testStack } from '../../helpers/stacks';

const EXP = '111111111111';
const RES = '333333333333';

function mirror(overrides: Partial<PackageMirrorProps> = {}) {
  const { app, stack } = testStack();
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  const m = new PackageMirror(stack, 'Mirror', { encryptionKey: key, readerAccountIds: [EXP, RES], ...overrides });
  return { app, stack, key, mirror: m };
}

const root = (account: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${account}:root`]] });
const repositories = (t: Template) => t.findResources('AWS::CodeArtifact::Repository');
const repositoryNamed = (t: Template, name: string) => Object.values(repositories(t)).find((r: any) => r.Properties.RepositoryName === name) as any;
const logicalIdOf = (t: Template, name: string) => Object.entries(repositories(t)).find(([, r]: any) => r.Properties.RepositoryName === name)![0];

describe('PackageMirror', () => {
  test('a KMS-encrypted domain, one store per public registry with its external connection, and a shared repository over both', () => {
    const { app, stack } = mirror();
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::CodeArtifact::Domain', 1);
    t.hasResource('AWS::CodeArtifact::Domain', {
      DeletionPolicy: 'Retain',
      Properties: { DomainName: 'mlops-packages', EncryptionKey: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] } },
    });
    t.resourceCountIs('AWS::CodeArtifact::Repository', 3);
    expect(repositoryNamed(t, 'pypi-store').Properties.ExternalConnections).toEqual(['public:pypi']);
    expect(repositoryNamed(t, 'npm-store').Properties.ExternalConnections).toEqual(['public:npmjs']);
    const shared = repositoryNamed(t, 'shared');
    expect(shared.Properties.ExternalConnections).toBeUndefined(); // one connection per repository: only the stores have one
    expect(shared.Properties.Upstreams).toEqual([
      { 'Fn::GetAtt': [logicalIdOf(t, 'pypi-store'), 'Name'] },
      { 'Fn::GetAtt': [logicalIdOf(t, 'npm-store'), 'Name'] },
    ]);
    for (const r of Object.values(repositories(t)) as any[]) {
      expect(r.DeletionPolicy).toBe('Retain');
      expect(r.Properties.DomainName).toEqual({ 'Fn::GetAtt': [domainLogicalId(stack), 'Name'] }); // created after the domain
    }
    ComplianceCheck.assertCompliant(app);
  });

  test('the domain policy lets only the reader accounts get tokens and denies every other account', () => {
    const { stack } = mirror();
    const domain = Object.values(Template.fromStack(stack).findResources('AWS::CodeArtifact::Domain'))[0] as any;
    expect(domain.Properties.PermissionsPolicyDocument.Statement).toEqual([
      {
        Sid: 'AllowReaderAccountsToGetAuthorizationTokens',
        Effect: 'Allow',
        Principal: { AWS: [root(EXP), root(RES)] },
        Action: 'codeartifact:GetAuthorizationToken',
        Resource: '*',
      },
      {
        Sid: 'DenyEveryoneOutsideThePlatformAccounts',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 'codeartifact:*',
        Resource: '*',
        Condition: {
          StringNotEquals: { 'aws:PrincipalAccount': ['222222222222', EXP, RES] },
          BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
        },
      },
    ]);
  });

  test('the shared repository lets the reader accounts read, and nothing more; the stores have no policy', () => {
    const { stack } = mirror();
    const t = Template.fromStack(stack);
    const statements = repositoryNamed(t, 'shared').Properties.PermissionsPolicyDocument.Statement;
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatchObject({ Sid: 'AllowReaderAccountsToRead', Effect: 'Allow', Principal: { AWS: [root(EXP), root(RES)] }, Resource: '*' });
    expect(statements[0].Action).toEqual(expect.arrayContaining(['codeartifact:ReadFromRepository', 'codeartifact:GetRepositoryEndpoint']));
    for (const action of statements[0].Action as string[]) {
      expect(action).toMatch(/^codeartifact:(Read|Get|Describe|List)/);
    }
    expect(repositoryNamed(t, 'pypi-store').Properties.PermissionsPolicyDocument).toBeUndefined();
    expect(repositoryNamed(t, 'npm-store').Properties.PermissionsPolicyDocument).toBeUndefined();
  });

  test('an organization id limits every reader statement to principals of the organization', () => {
    const { stack } = mirror({ organizationId: 'o-abcdefghij' });
    const t = Template.fromStack(stack);
    const domain = Object.values(t.findResources('AWS::CodeArtifact::Domain'))[0] as any;
    const org = { StringEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' } };
    expect(domain.Properties.PermissionsPolicyDocument.Statement[0].Condition).toEqual(org);
    expect(repositoryNamed(t, 'shared').Properties.PermissionsPolicyDocument.Statement[0].Condition).toEqual(org);
  });

  test('exposes names, ARNs, owner, index URLs and the login command', () => {
    const { stack, mirror: m } = mirror();
    expect(m.repositoryNames).toEqual(['pypi-store', 'npm-store', 'shared']);
    expect(m.storeRepositoryNames).toEqual(['pypi-store', 'npm-store']);
    expect(m.sharedRepositoryName).toBe('shared');
    expect(m.domainOwner).toBe('222222222222');
    const t = Template.fromStack(stack);
    expect(stack.resolve(m.domainName)).toEqual({ 'Fn::GetAtt': [domainLogicalId(stack), 'Name'] });
    expect(stack.resolve(m.domainArn)).toEqual({ 'Fn::GetAtt': [domainLogicalId(stack), 'Arn'] });
    expect(stack.resolve(m.sharedRepositoryArn)).toEqual({ 'Fn::GetAtt': [logicalIdOf(t, 'shared'), 'Arn'] });
    expect(m.pipIndexUrl).toBe('https://mlops-packages-222222222222.d.codeartifact.eu-central-1.amazonaws.com/pypi/shared/simple/');
    expect(m.npmRegistryUrl).toBe('https://mlops-packages-222222222222.d.codeartifact.eu-central-1.amazonaws.com/npm/shared/');
    expect(m.loginCommand(PackageManager.PIP)).toBe(
      'aws codeartifact login --tool pip --domain mlops-packages --domain-owner 222222222222 --repository shared --region eu-central-1',
    );
    expect(m.loginCommand(PackageManager.NPM)).toContain('--tool npm ');
  });

  test('grantRead gives a role the token, the bearer token for CodeArtifact only, and reading from the shared repository', () => {
    const { stack, mirror: m } = mirror();
    const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    m.grantRead(role);
    const t = Template.fromStack(stack);
    const policy = Object.values(t.findResources('AWS::IAM::Policy'))[0] as any;
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Action: 'codeartifact:GetAuthorizationToken', Resource: { 'Fn::GetAtt': [domainLogicalId(stack), 'Arn'] } },
      {
        Effect: 'Allow',
        Action: ['codeartifact:GetRepositoryEndpoint', 'codeartifact:ReadFromRepository'],
        Resource: { 'Fn::GetAtt': [logicalIdOf(t, 'shared'), 'Arn'] },
      },
      {
        Sid: 'CodeArtifactBearerToken',
        Effect: 'Allow',
        Action: 'sts:GetServiceBearerToken',
        Resource: '*',
        Condition: { StringEquals: { 'sts:AWSServiceName': 'codeartifact.amazonaws.com' } },
      },
    ]);
    expect(m.readerPolicyStatements().map((s) => s.sid)).toEqual(['CodeArtifactAuthorizationToken', 'CodeArtifactReadSharedRepository', 'CodeArtifactBearerToken']);
  });

  test('other public sources get their own store repositories', () => {
    const { stack, mirror: m } = mirror({
      sources: [PublicPackageSource.PYPI, PublicPackageSource.MAVEN_CENTRAL, PublicPackageSource.of('public:nuget-org', 'nuget-store', 'nuget')],
      domainName: 'platform-mirror',
      sharedRepositoryName: 'all-packages',
    });
    const t = Template.fromStack(stack);
    expect(repositoryNamed(t, 'maven-central-store').Properties.ExternalConnections).toEqual(['public:maven-central']);
    expect(repositoryNamed(t, 'nuget-store').Properties.ExternalConnections).toEqual(['public:nuget-org']);
    expect(repositoryNamed(t, 'all-packages').Properties.Upstreams).toHaveLength(3);
    expect(m.repositoryEndpoint('nuget')).toBe('https://platform-mirror-222222222222.d.codeartifact.eu-central-1.amazonaws.com/nuget/all-packages/');
  });

  test.each([
    [{ readerAccountIds: [] }, /readerAccountIds is empty/],
    [{ readerAccountIds: ['12345'] }, /readerAccountIds contains "12345", which is not an AWS account id/],
    [{ readerAccountIds: [EXP, EXP] }, /readerAccountIds contains 111111111111 twice/],
    [{ domainName: 'MLOps' }, /domainName "MLOps" is not a valid CodeArtifact domain name/],
    [{ domainName: 'a'.repeat(51) }, /domainName "a+" is not a valid CodeArtifact domain name/],
    [{ organizationId: 'org-1' }, /organizationId "org-1" is not an organization id/],
    [{ sources: [] }, /sources is empty/],
    [{ sources: [PublicPackageSource.PYPI, PublicPackageSource.PYPI] }, /lists public:pypi twice/],
    [{ sources: [PublicPackageSource.of('pypi', 'pypi-store', 'pypi')] }, /the external connection "pypi"/],
    [{ sources: [PublicPackageSource.of('public:pypi', 'x', 'pypi')] }, /store repository name "x" of public:pypi is not valid/],
    [{ sources: [PublicPackageSource.PYPI, PublicPackageSource.of('public:npmjs', 'pypi-store', 'npm')] }, /same store repository name/],
    [{ sharedRepositoryName: 'pypi-store' }, /sharedRepositoryName "pypi-store" is also a store repository name/],
    [{ sharedRepositoryName: '-shared' }, /sharedRepositoryName "-shared" is not a valid repository name/],
  ])('rejects bad props: %j', (overrides, message) => {
    expect(() => mirror(overrides as Partial<PackageMirrorProps>)).toThrow(message);
  });
});

function domainLogicalId(stack: Stack): string {
  return Object.keys(Template.fromStack(stack).findResources('AWS::CodeArtifact::Domain'))[0];
}
