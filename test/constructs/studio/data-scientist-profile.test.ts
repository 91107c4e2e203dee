import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { studioFixtures } from './fixtures';
import { ComplianceCheck, SecureBucket } from '../../../src';
import { DataScientistProfile, DataScientistProfileProps, StudioAuthMode, StudioDomain } from '../../../src/constructs/studio';
import { logicalIdOf, simulateWithDetails, TemplatePolicies } from '../../helpers/iam-simulator';
import { testStack } from '../../helpers/stacks';

function setup(authMode = StudioAuthMode.IAM) {
  const { app, stack } = testStack();
  const f = studioFixtures(stack);
  const artifacts = new SecureBucket(stack, 'Artifacts', { encryptionKey: f.key });
  const domain = new StudioDomain(stack, 'Studio', {
    domainName: 'mlops-exp',
    vpc: f.vpc,
    encryptionKey: f.key,
    permissionsBoundary: f.boundary,
    guardrailPolicy: f.guardrails,
    authMode,
    artifactBuckets: [artifacts.bucket],
  });
  return { app, stack, f, domain, artifacts };
}

function id(stack: Stack, c: any): string {
  return stack.getLogicalId(c.node.defaultChild);
}

describe('DataScientistProfile', () => {
  test('a user profile in the domain with its own role and security group, tagged with its owner', () => {
    const { stack, domain } = setup();
    const alice = new DataScientistProfile(stack, 'Alice', { domain, userProfileName: 'alice', owner: 'alice@example.com', tags: { CostCenter: 'ml-42' } });
    const t = Template.fromStack(stack);
    const roleId = id(stack, alice.role);
    const sgId = id(stack, alice.securityGroup);
    t.hasResource('AWS::SageMaker::UserProfile', {
      DeletionPolicy: 'Retain',
      Properties: {
        DomainId: { 'Fn::GetAtt': [stack.getLogicalId(domain.cfnDomain), 'DomainId'] },
        UserProfileName: 'alice',
        UserSettings: {
          ExecutionRole: { 'Fn::GetAtt': [roleId, 'Arn'] },
          SecurityGroups: [{ 'Fn::GetAtt': [sgId, 'GroupId'] }],
        },
        Tags: [{ Key: 'CostCenter', Value: 'ml-42' }, { Key: 'studio-user', Value: 'alice@example.com' }],
      },
    });
    // no Identity Center binding for an IAM domain
    const profile = Object.values(t.findResources('AWS::SageMaker::UserProfile'))[0] as any;
    expect(profile.Properties.SingleSignOnUserIdentifier).toBeUndefined();
    expect(profile.Properties.SingleSignOnUserValue).toBeUndefined();
    // the domain security group applies as well: SageMaker aggregates it from the domain's default user settings
    t.hasResourceProperties('AWS::SageMaker::Domain', {
      DefaultUserSettings: { SecurityGroups: [{ 'Fn::GetAtt': [id(stack, domain.securityGroup), 'GroupId'] }] },
    });
    t.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('^SageMaker Studio user profile alice'),
      VpcId: { Ref: stack.getLogicalId(domain.vpc.node.defaultChild as any) },
      Tags: Match.arrayWith([{ Key: 'studio-user', Value: 'alice@example.com' }]),
    });
    t.hasResourceProperties('AWS::IAM::Role', {
      Description: 'Execution role of the SageMaker Studio user profile alice',
      Tags: Match.arrayWith([{ Key: 'studio-user', Value: 'alice@example.com' }]),
    });
    expect(alice.userProfileName).toBe('alice');
    expect(stack.resolve(alice.userProfileArn)).toEqual({ 'Fn::GetAtt': [stack.getLogicalId(alice.cfnUserProfile), 'UserProfileArn'] });
  });

  test('the profile security group opens nothing by itself', () => {
    const { stack, domain } = setup();
    const alice = new DataScientistProfile(stack, 'Alice', { domain, userProfileName: 'alice' });
    const t = Template.fromStack(stack);
    const sg = t.findResources('AWS::EC2::SecurityGroup')[id(stack, alice.securityGroup)] as any;
    expect(sg.Properties.SecurityGroupIngress).toBeUndefined();
    expect(sg.Properties.SecurityGroupEgress).toEqual([
      { CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic', FromPort: 252, IpProtocol: 'icmp', ToPort: 86 },
    ]);
    const sgRef = { 'Fn::GetAtt': [id(stack, alice.securityGroup), 'GroupId'] };
    for (const type of ['AWS::EC2::SecurityGroupIngress', 'AWS::EC2::SecurityGroupEgress']) {
      expect(Object.values(t.findResources(type)).filter((r: any) => JSON.stringify(r.Properties.GroupId) === JSON.stringify(sgRef))).toEqual([]);
    }
  });

  test('own execution role: the domain boundary and guardrail policy, its own least-privilege policy', () => {
    const { stack, domain, f, artifacts } = setup();
    const alice = new DataScientistProfile(stack, 'Alice', { domain, userProfileName: 'alice' });
    const t = Template.fromStack(stack);
    const roleId = id(stack, alice.role);
    const role = t.findResources('AWS::IAM::Role')[roleId] as any;
    expect(role.Properties.PermissionsBoundary).toEqual({ Ref: stack.getLogicalId(f.boundary.node.defaultChild as any) });
    expect(role.Properties.ManagedPolicyArns).toEqual([{ Ref: stack.getLogicalId(f.guardrails.node.defaultChild as any) }]);
    expect(role.Properties.AssumeRolePolicyDocument.Statement.map((s: any) => s.Action)).toEqual(['sts:AssumeRole', 'sts:SetSourceIdentity']);
    const policies = t.findResources('AWS::IAM::ManagedPolicy', { Properties: { Roles: [{ Ref: roleId }] } });
    expect(Object.keys(policies)).toHaveLength(1);
    const statements = (Object.values(policies)[0] as any).Properties.PolicyDocument.Statement;
    const pass = statements.find((s: any) => s.Sid === 'PassOnlyThisRoleOnlyToSageMaker');
    // it passes itself, not the domain default role
    expect(pass.Resource).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
    const read = statements.find((s: any) => s.Sid === 'ReadArtifacts');
    expect(read.Resource).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [id(stack, artifacts.bucket), 'Arn'] }, '/*']] });
    t.resourceCountIs('AWS::IAM::Policy', 0);
  });

  test('a use case: tagged with it, reads its own artifacts and key only, held to its SageMaker resources and model versions', () => {
    const { stack, domain } = setup();
    const bob = new DataScientistProfile(stack, 'Bob', {
      domain,
      userProfileName: 'bob',
      useCase: { name: 'weld-gun-pm', readableBucketNamePatterns: ['vw-weld-gun-pm-artifacts-222222222222'], readableBucketKeyAliases: ['alias/vw/weld-gun-pm/artifacts'], modelPackageGroupNamePrefix: 'vw-' },
    });
    const t = Template.fromStack(stack);
    const roleId = id(stack, bob.role);
    const role = t.findResources('AWS::IAM::Role')[roleId] as any;
    expect(role.Properties.Tags).toEqual(expect.arrayContaining([{ Key: 'mlops:use-case', Value: 'weld-gun-pm' }, { Key: 'studio-user', Value: 'bob' }]));
    t.hasResourceProperties('AWS::SageMaker::UserProfile', { UserProfileName: 'bob', Tags: Match.arrayWith([{ Key: 'mlops:use-case', Value: 'weld-gun-pm' }]) });
    const policies = t.findResources('AWS::IAM::ManagedPolicy', { Properties: { Roles: [{ Ref: roleId }] } });
    const statements = Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    const sid = (name: string) => statements.find((s: any) => s.Sid === name);
    expect(sid('ReadReadableBuckets').Resource).toEqual('arn:aws:s3:::vw-weld-gun-pm-artifacts-222222222222/*');
    expect(sid('DecryptReadableBucketObjects').Condition['ForAnyValue:StringLike']).toEqual({ 'kms:ResourceAliases': ['alias/vw/weld-gun-pm/artifacts'] });
    expect(sid('OtherUseCasesResources').Effect).toBe('Deny');
    expect(sid('OwnModelPackageGroupOnly').NotResource).toEqual([
      'arn:aws:sagemaker:eu-central-1:*:model-package/vw-${aws:PrincipalTag/mlops:use-case}/*',
      'arn:aws:sagemaker:eu-central-1:*:model-package-group/vw-${aws:PrincipalTag/mlops:use-case}',
    ]);
    expect(sid('NoEndpointLogs').Resource).toBe('arn:aws:logs:eu-central-1:222222222222:log-group:/aws/sagemaker/Endpoints/*');
    expect(bob.useCaseIsolationPolicy).toBeDefined();
    // without a use case: no isolation policy, no use-case tag
    const alice = new DataScientistProfile(stack, 'Alice', { domain, userProfileName: 'alice' });
    expect(alice.useCaseIsolationPolicy).toBeUndefined();
  });

  test('a use case\'s Studio role cannot re-tag the platform\'s domain or a shared space with its own use case', async () => {
    const { stack, domain } = setup();
    const bob = new DataScientistProfile(stack, 'Bob', {
      domain,
      userProfileName: 'bob',
      useCase: { name: 'weld-gun-pm', readableBucketNamePatterns: ['vw-weld-gun-pm-artifacts-222222222222'], readableBucketKeyAliases: ['alias/vw/weld-gun-pm/artifacts'], modelPackageGroupNamePrefix: 'vw-' },
    });
    const domainLogicalId = stack.getLogicalId(domain.cfnDomain);
    const policies = TemplatePolicies.fromStack(stack, { references: { [`${domainLogicalId}.DomainId`]: 'd-abc123' } }).rolePolicies(logicalIdOf(bob.role));
    const sm = (resource: string) => `arn:aws:sagemaker:eu-central-1:222222222222:${resource}`;
    const addUseCaseTag = async (resource: string, current: string | undefined) => simulateWithDetails({
      ...policies,
      principal: 'arn:aws:iam::222222222222:role/vw-studio-bob',
      action: 'sagemaker:AddTags',
      resource,
      context: {
        'aws:PrincipalTag/mlops:use-case': 'weld-gun-pm',
        'aws:ResourceTag/mlops:use-case': current,
        'aws:TagKeys': ['mlops:use-case'],
        'aws:RequestTag/mlops:use-case': 'weld-gun-pm',
      },
    });
    // the role may tag its domain's resources (StudioAppsAndSpacesOfThisDomain): re-tagging the platform's
    // domain with one use case would lock every other use case's roles out of it (OtherUseCasesResources)
    for (const resource of [sm('domain/d-abc123'), sm('space/d-abc123/shared')]) {
      const result = await addUseCaseTag(resource, 'platform');
      expect(`${resource}: ${result.decision} ${result.explicitDenials.map((d) => d.sid).join(',')}`).toBe(`${resource}: ExplicitlyDenied NoUseCaseTagChange`);
    }
    // a space created without the tag may still be claimed for the own use case
    expect((await addUseCaseTag(sm('space/d-abc123/mine'), undefined)).decision).toBe('Allowed');
  });

  test('a use case\'s Studio role reads its own use case\'s job logs and the Studio app logs, not another use case\'s job logs', async () => {
    const { stack, domain } = setup();
    const bob = new DataScientistProfile(stack, 'Bob', {
      domain,
      userProfileName: 'bob',
      useCase: { name: 'weld-gun-pm', readableBucketNamePatterns: ['vw-weld-gun-pm-artifacts-222222222222'], modelPackageGroupNamePrefix: 'vw-' },
    });
    const domainLogicalId = stack.getLogicalId(domain.cfnDomain);
    const policies = TemplatePolicies.fromStack(stack, { references: { [`${domainLogicalId}.DomainId`]: 'd-abc123' } }).rolePolicies(logicalIdOf(bob.role));
    const logs = 'arn:aws:logs:eu-central-1:222222222222:log-group:/aws/sagemaker';
    const read = async (stream: string) => (await simulateWithDetails({
      ...policies,
      principal: 'arn:aws:iam::222222222222:role/vw-studio-bob',
      action: 'logs:GetLogEvents',
      resource: `${logs}${stream}`,
      context: { 'aws:PrincipalTag/mlops:use-case': 'weld-gun-pm' },
    })).decision;
    expect(await read('/TrainingJobs:log-stream:vw-weld-gun-pm--train-a1b2c3/algo-1-1765000000')).toBe('Allowed');
    expect(await read('/ProcessingJobs:log-stream:vw-weld-gun-pm--prep-a1b2c3/algo-1-1765000000')).toBe('Allowed');
    expect(await read('/studio:log-stream:d-abc123/bob/JupyterLab/default')).toBe('Allowed');
    // before: SageMakerLogGroups allowed GetLogEvents on every stream under /aws/sagemaker/
    expect(await read('/TrainingJobs:log-stream:vw-paint-qa--train-a1b2c3/algo-1-1765000000')).toBe('ImplicitlyDenied');
    expect(await read('/TrainingJobs:log-stream:vw-weld-gun-pm2--train-a1b2c3/algo-1-1765000000')).toBe('ImplicitlyDenied');
    expect(await read('/TransformJobs:log-stream:pipelines-a1b2c3-batch-x/i-1')).toBe('ImplicitlyDenied');
  });

  test('executionRoleName names the execution role (so that other accounts can grant to it by ARN); by default CloudFormation names it', () => {
    const { stack, domain } = setup();
    const alice = new DataScientistProfile(stack, 'Alice', { domain, userProfileName: 'alice', executionRoleName: 'vwml-studio_alice' });
    const bob = new DataScientistProfile(stack, 'Bob', { domain, userProfileName: 'bob' });
    const roles = Template.fromStack(stack).findResources('AWS::IAM::Role') as any;
    expect(roles[id(stack, alice.role)].Properties.RoleName).toBe('vwml-studio_alice');
    expect(roles[id(stack, bob.role)].Properties.RoleName).toBeUndefined();
  });

  test('IAM Identity Center: the profile is bound to the Identity Center user, the owner defaults to it', () => {
    const { stack, domain } = setup(StudioAuthMode.IAM_IDENTITY_CENTER);
    new DataScientistProfile(stack, 'Bob', { domain, userProfileName: 'bob', identityCenterUserName: 'bob@example.com' });
    Template.fromStack(stack).hasResourceProperties('AWS::SageMaker::UserProfile', {
      UserProfileName: 'bob',
      SingleSignOnUserIdentifier: 'UserName',
      SingleSignOnUserValue: 'bob@example.com',
      Tags: [{ Key: 'studio-user', Value: 'bob@example.com' }],
    });
  });

  test('the owner defaults to the user profile name with IAM sign-in', () => {
    const { stack, domain } = setup();
    new DataScientistProfile(stack, 'Carol', { domain, userProfileName: 'carol-1' });
    Template.fromStack(stack).hasResourceProperties('AWS::SageMaker::UserProfile', { Tags: [{ Key: 'studio-user', Value: 'carol-1' }] });
  });

  test('several profiles pass the compliance packs with only the acknowledged Studio wildcards', () => {
    const { app, stack, domain } = setup();
    new DataScientistProfile(stack, 'Alice', { domain, userProfileName: 'alice' });
    new DataScientistProfile(stack, 'Bob', { domain, userProfileName: 'bob' });
    const report = ComplianceCheck.assertCompliant(app);
    const profileAcks = report.acknowledgements.filter((a) => /^Test\/(Alice|Bob)/.test(a.constructPath));
    expect(new Set(profileAcks.map((a) => a.constructPath))).toEqual(new Set(['Test/Alice/ExecutionPolicy', 'Test/Bob/ExecutionPolicy']));
    expect(profileAcks.every((a) => a.ruleId.startsWith('AwsSolutions-IAM5['))).toBe(true);
  });

  test('a profile in another stack than its domain passes the compliance packs too (its wildcards are named as imports)', () => {
    const app = new App();
    const env = { account: '222222222222', region: 'eu-central-1' };
    const platform = new Stack(app, 'Platform', { env });
    const people = new Stack(app, 'People', { env });
    const f = studioFixtures(platform);
    const domain = new StudioDomain(platform, 'Studio', { domainName: 'mlops-exp', vpc: f.vpc, encryptionKey: f.key, permissionsBoundary: f.boundary });
    new DataScientistProfile(people, 'Alice', { domain, userProfileName: 'alice' });
    Template.fromStack(people).hasResourceProperties('AWS::SageMaker::UserProfile', { DomainId: { 'Fn::ImportValue': Match.stringLikeRegexp('^Platform:') } });
    const report = ComplianceCheck.assertCompliant(app);
    expect(report.acknowledgements.map((a) => a.ruleId)).toContainEqual(expect.stringMatching(/^AwsSolutions-IAM5\[Resource::arn:aws:sagemaker:eu-central-1:222222222222:space\/Platform:ExportsOutput/));
  });

  test('a profile of a domain of another stack imported by attributes: no export, the domain id given, a fixed role name', () => {
    const app = new App();
    const env = { account: '222222222222', region: 'eu-central-1' };
    const people = new Stack(app, 'People', { env });
    const f = studioFixtures(people);
    const domain = StudioDomain.fromDomainAttributes(people, 'Studio', {
      domainId: 'd-abc123', vpc: f.vpc, encryptionKey: f.key, permissionsBoundary: f.boundary, guardrailPolicy: f.guardrails,
    });
    expect(domain.domainArn).toBe('arn:aws:sagemaker:eu-central-1:222222222222:domain/d-abc123');
    expect(domain.authMode).toBe(StudioAuthMode.IAM);
    new DataScientistProfile(people, 'Alice', { domain, userProfileName: 'alice', executionRoleName: 'team-studio-alice' });
    const t = Template.fromStack(people);
    t.hasResourceProperties('AWS::SageMaker::UserProfile', { DomainId: 'd-abc123', UserProfileName: 'alice' });
    t.hasResourceProperties('AWS::IAM::Role', { RoleName: 'team-studio-alice' });
    expect(JSON.stringify(t.toJSON())).not.toContain('Fn::ImportValue');
    // the execution policy is the same as with a domain of this stack: apps of this domain only
    expect(JSON.stringify(t.toJSON())).toContain('user-profile/d-abc123/*');
    ComplianceCheck.assertCompliant(app);
  });

  describe('refuses bad props', () => {
    const cases: Array<[string, StudioAuthMode, Partial<DataScientistProfileProps>, RegExp]> = [
      ['a user name with a dot', StudioAuthMode.IAM, { userProfileName: 'jane.doe' }, /userProfileName "jane.doe" is invalid/],
      ['a user name starting with a hyphen', StudioAuthMode.IAM, { userProfileName: '-jane' }, /userProfileName "-jane" is invalid/],
      ['an empty user name', StudioAuthMode.IAM, { userProfileName: '' }, /userProfileName "" is invalid/],
      ['a user name over 63 characters', StudioAuthMode.IAM, { userProfileName: 'j'.repeat(64) }, /userProfileName "j{64}" is invalid; use 1 to 63/],
      ['an Identity Center user on an IAM domain', StudioAuthMode.IAM, { userProfileName: 'jane', identityCenterUserName: 'jane' }, /identityCenterUserName is set but the domain signs in with IAM/],
      ['no Identity Center user on an Identity Center domain', StudioAuthMode.IAM_IDENTITY_CENTER, { userProfileName: 'jane' }, /identityCenterUserName is required because the domain signs in with IAM Identity Center/],
      ['a reserved tag key', StudioAuthMode.IAM, { userProfileName: 'jane', tags: { 'aws:owner': 'x' } }, /tags has the key "aws:owner"/],
      ['a use case with an invalid name', StudioAuthMode.IAM, { useCase: { name: 'Weld_Gun', readableBucketNamePatterns: ['vw-weld-gun-artifacts'] } }, /useCase.name "Weld_Gun" is not a use-case name/],
      ['an execution role name IAM refuses', StudioAuthMode.IAM, { executionRoleName: 'vwml-studio/jane' }, /executionRoleName "vwml-studio\/jane" is not an IAM role name/],
      ['an execution role name over 64 characters', StudioAuthMode.IAM, { executionRoleName: 'r'.repeat(65) }, /executionRoleName "r{65}" is not an IAM role name/],
      ['a use case reading buckets by pattern', StudioAuthMode.IAM, { useCase: { name: 'weld-gun', readableBucketNamePatterns: ['vw-*-artifacts'] } }, /useCase.readableBucketNamePatterns must name the use case's own buckets without '\*'/],
    ];
    test.each(cases)('%s', (_name, mode, extra, message) => {
      const { stack, domain } = setup(mode);
      expect(() => new DataScientistProfile(stack, 'Jane', { domain, userProfileName: 'jane', ...extra })).toThrow(message);
    });

    test('a 63-character name is accepted', () => {
      const { stack, domain } = setup();
      expect(() => new DataScientistProfile(stack, 'Long', { domain, userProfileName: `a${'-b'.repeat(31)}` })).not.toThrow();
    });
  });
});
