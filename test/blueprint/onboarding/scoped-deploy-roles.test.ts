/**
 * The scoped deploy roles of a use case: A's roles reach none of B's stacks or resources, even when
 * A's name is a prefix of B's (`weld-gun` and `weld-gun-pm`); A's own requests are allowed.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ComplianceCheck, PlatformAccount, PlatformConfig, ScopedDeployRoles, UseCaseNames, UseCaseOnboarding } from '../../../src';
import { emptyManagedPolicies, logicalIdOf, simulate, TemplatePolicies } from '../../helpers/iam-simulator';

const DEV = '444444444444';
const RES = '333333333333';
const EXP = '222222222222';
const REGION = 'eu-central-1';

function onboard(): Record<string, UseCaseOnboarding> {
  const json: any = PlatformConfig.sample().toJson();
  json.useCases = ['weld-gun-pm', 'paint-defect', 'weld-gun'].map((name) => ({ name, team: `t-${name}`, repository: `vw-mlops/${name}` }));
  const config = PlatformConfig.fromObject(json);
  const app = new App();
  return Object.fromEntries(config.useCases.map((u) => [u.name, new UseCaseOnboarding(app, u.name, { config, useCase: u })]));
}

const uc = onboard();
const A = uc['weld-gun'];
const stackArn = (acct: string, name: string) => `arn:aws:cloudformation:${REGION}:${acct}:stack/${name}/0f3c7a40-0000-11ef-0000-000000000000`;


function roles(o: UseCaseOnboarding, account: PlatformAccount) {
  const stack = o.tryFindStack(account)!;
  const acct = PlatformConfig.sample().account(account).accountId;
  const policies = TemplatePolicies.fromStack(stack, { account: acct });
  const template = Template.fromStack(stack).toJSON();
  const r = o.tryFindDeployRoles(account)!;
  // the role's own grants (its boundary is the platform's, in the platform stack)
  const grants = (role: any) => ({
    // the execution role's guardrail policy (platform stack) only denies SageMaker requests lacking security settings
    identityPolicies: policies.identityPolicies(logicalIdOf(role), emptyManagedPolicies(`arn:aws:iam::${acct}:policy/vwml-SageMakerGuardrails`)),
    principal: `arn:aws:iam::${acct}:role/${policies.resolve(template.Resources[logicalIdOf(role)].Properties.RoleName)}`,
  });
  return {
    template,
    deploy: grants(r.deployRole),
    exec: grants(r.cfnExecRole),
    publish: grants(r.publishingRole),
    ids: { deploy: logicalIdOf(r.deployRole), exec: logicalIdOf(r.cfnExecRole), publish: logicalIdOf(r.publishingRole) },
  };
}

describe('ScopedDeployRoles: deploy role', () => {
  test.each([PlatformAccount.DEV, PlatformAccount.INT, PlatformAccount.PROD])('in %s, A may update its own serving stack only, not weld-gun-pm\'s or paint-defect\'s', async (stage) => {
    const acct = PlatformConfig.sample().account(stage).accountId;
    const a = roles(A, stage);
    const upd = (name: string) => simulate({ ...a.deploy, action: 'cloudformation:UpdateStack', resource: stackArn(acct, name) });
    expect(await upd(A.names.servingStackName(stage))).toBe('Allowed');
    expect(await upd(uc['weld-gun-pm'].names.servingStackName(stage))).toBe('ImplicitlyDenied');
    expect(await upd(uc['paint-defect'].names.servingStackName(stage))).toBe('ImplicitlyDenied');
    expect(await upd(uc['weld-gun-pm'].names.onboardingStackName(stage))).toBe('ImplicitlyDenied');
  });

  test('A may pass only its own execution role, to CloudFormation', async () => {
    const a = roles(A, PlatformAccount.DEV);
    const pass = (name: string, svc = 'cloudformation.amazonaws.com') => simulate({ ...a.deploy, action: 'iam:PassRole', resource: `arn:aws:iam::${DEV}:role/${name}`, context: { 'iam:PassedToService': svc } });
    expect(await pass(A.names.cfnExecRoleName(PlatformAccount.DEV))).toBe('Allowed');
    expect(await pass(uc['weld-gun-pm'].names.cfnExecRoleName(PlatformAccount.DEV))).toBe('ImplicitlyDenied');
    expect(await pass(`cdk-hnb659fds-cfn-exec-role-${DEV}-${REGION}`)).toBe('ImplicitlyDenied');
  });

  test('in EXP, A may update its training stack, not B\'s', async () => {
    const a = roles(A, PlatformAccount.EXP);
    const upd = (name: string) => simulate({ ...a.deploy, action: 'cloudformation:UpdateStack', resource: stackArn(EXP, name) });
    expect(await upd(A.names.trainingStackName)).toBe('Allowed');
    expect(await upd(uc['weld-gun-pm'].names.trainingStackName)).toBe('ImplicitlyDenied');
  });
});

describe('ScopedDeployRoles: execution role', () => {
  const a = roles(A, PlatformAccount.DEV);
  const ep = (name: string) => `arn:aws:sagemaker:${REGION}:${DEV}:endpoint/${name}`;

  test('A may create and update its own endpoint, tagged with its use case', async () => {
    expect(await simulate({ ...a.exec, action: 'sagemaker:CreateEndpoint', resource: ep(A.names.endpointName(PlatformAccount.DEV)), context: { 'aws:RequestTag/mlops:use-case': 'weld-gun', 'aws:TagKeys': ['mlops:use-case'] } })).toBe('Allowed');
    expect(await simulate({ ...a.exec, action: 'sagemaker:UpdateEndpoint', resource: ep(A.names.endpointName(PlatformAccount.DEV)), context: { 'aws:ResourceTag/mlops:use-case': 'weld-gun' } })).toBe('Allowed');
  });

  test('A may not touch B-named resources, nor B-tagged ones whose name A\'s prefix matches', async () => {
    expect(await simulate({ ...a.exec, action: 'sagemaker:UpdateEndpoint', resource: ep(uc['paint-defect'].names.endpointName(PlatformAccount.DEV)), context: { 'aws:ResourceTag/mlops:use-case': 'paint-defect' } })).not.toBe('Allowed');
    // `<prefix>-weld-gun-*` matches `<prefix>-weld-gun-pm-dev`: the tag decides
    expect(await simulate({ ...a.exec, action: 'sagemaker:DeleteEndpoint', resource: ep(uc['weld-gun-pm'].names.endpointName(PlatformAccount.DEV)), context: { 'aws:ResourceTag/mlops:use-case': 'weld-gun-pm' } })).toBe('ExplicitlyDenied');
    expect(await simulate({ ...a.exec, action: 'sagemaker:CreateEndpoint', resource: ep('vwml-weld-gun-x'), context: { 'aws:RequestTag/mlops:use-case': 'weld-gun-pm', 'aws:TagKeys': ['mlops:use-case'] } })).toBe('ExplicitlyDenied');
  });

  test('A creates roles only under its prefix and with the platform boundary', async () => {
    const role = (name: string) => `arn:aws:iam::${DEV}:role/${name}`;
    const boundary = `arn:aws:iam::${DEV}:policy/vwml-permissions-boundary`;
    const create = (name: string, b?: string) => simulate({ ...a.exec, action: 'iam:CreateRole', resource: role(name), context: { 'iam:PermissionsBoundary': b } });
    const own = A.names.endpointRoleName(PlatformAccount.DEV);
    expect(await create(own, A.names.platform.permissionsBoundaryArn(PlatformAccount.DEV))).toBe('Allowed');
    expect(await create(own)).toBe('ImplicitlyDenied');
    expect(await create(own, boundary.replace('vwml-permissions-boundary', 'other'))).toBe('ImplicitlyDenied');
    expect(await create('vwml-platform-admin', A.names.platform.permissionsBoundaryArn(PlatformAccount.DEV))).toBe('ImplicitlyDenied');
  });

  test('only CloudFormation of the account may assume it; it carries the guardrail policy (not the workload boundary) and the tag', () => {
    const role = a.template.Resources[a.ids.exec];
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Principal: { Service: 'cloudformation.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': DEV } } },
    ]);
    // the workload boundary would deny what the stacks are made of (APIs, WAF, queues, schedules)
    expect(role.Properties.PermissionsBoundary).toBeUndefined();
    expect(JSON.stringify(role.Properties.ManagedPolicyArns)).toContain(':policy/vwml-SageMakerGuardrails');
    expect(role.Properties.Tags).toEqual(expect.arrayContaining([{ Key: 'mlops:use-case', Value: 'weld-gun' }]));
  });
});

describe('ScopedDeployRoles: trust and publishing', () => {
  test('the DEV deploy and publishing roles trust exactly the use case\'s RES Deploy project role of DEV, by ARN (no account, no tag)', () => {
    const a = roles(A, PlatformAccount.DEV);
    for (const id of [a.ids.deploy, a.ids.publish]) {
      const st = a.template.Resources[id].Properties.AssumeRolePolicyDocument.Statement;
      const assume = st.find((s: any) => s.Action === 'sts:AssumeRole');
      expect(assume.Principal.AWS).toBe(`arn:aws:iam::${RES}:role/vwml-weld-gun-dev-deploy-run`);
      expect(assume.Condition).toBeUndefined();
    }
  });

  test('the EXP roles trust the use case\'s GitHub role only', () => {
    const a = roles(A, PlatformAccount.EXP);
    const st = a.template.Resources[a.ids.deploy].Properties.AssumeRolePolicyDocument.Statement;
    expect(st.find((s: any) => s.Action === 'sts:AssumeRole').Principal).toEqual({ AWS: `arn:aws:iam::${EXP}:role/vwml-weld-gun-github` });
  });

  test('the publishing role writes under its own prefix of the bootstrap bucket only ("weld-gun/" is no prefix of "weld-gun-pm/")', async () => {
    const a = roles(A, PlatformAccount.DEV);
    const bucket = `cdk-${A.config.qualifier}-assets-${DEV}-${REGION}`;
    const put = (key: string) => simulate({ ...a.publish, action: 's3:PutObject', resource: `arn:aws:s3:::${bucket}/${key}` });
    expect(await put('weld-gun/abc.json')).toBe('Allowed');
    expect(await put('weld-gun-pm/abc.json')).toBe('ImplicitlyDenied');
    expect(await put('abc.json')).toBe('ImplicitlyDenied');
  });
});

describe('ScopedDeployRoles: compliance', () => {
  test('cdk-nag passes; the wildcards are acknowledged per finding', () => {
    const json: any = PlatformConfig.sample().toJson();
    const config = PlatformConfig.fromObject(json);
    const app = new App();
    new UseCaseOnboarding(app, 'Uc', { config, useCase: config.useCases[0] });
    const report = ComplianceCheck.assertCompliant(app);
    expect(report.errors).toEqual([]);
    const ids = [...new Set(report.acknowledgements.map((a) => a.ruleId))].sort();
    // per finding (no blanket AwsSolutions-IAM5); the full-access rules of NIST/HIPAA have no findings to name
    expect(ids.filter((id) => !id.startsWith('AwsSolutions-IAM5[') && !id.endsWith('-IAMPolicyNoStatementsWithFullAccess'))).toEqual([]);
  });
});

describe('ScopedDeployRoles used directly', () => {
  const names = new UseCaseNames(PlatformConfig.sample(), 'weld-gun-pm');
  const stackOf = () => new Stack(new App(), 'S', { env: { account: DEV, region: REGION } });

  test('a deployer account is trusted only for principals tagged with the use case and the account', () => {
    const stack = stackOf();
    const scoped = new ScopedDeployRoles(stack, 'R', { names, account: PlatformAccount.DEV, qualifier: 'vwml', stackNames: ['vwml-weld-gun-pm-serving-dev'], deployerAccount: RES });
    const st = Template.fromStack(stack).toJSON().Resources[logicalIdOf(scoped.deployRole)].Properties.AssumeRolePolicyDocument.Statement;
    const assume = st.find((x: any) => x.Action === 'sts:AssumeRole');
    expect(assume.Condition).toEqual({ StringEquals: { 'aws:PrincipalTag/mlops:use-case': 'weld-gun-pm', 'aws:PrincipalTag/mlops:deploys-to': 'dev' } });
  });

  test('without a deployer it is an error naming both props; without stack names too', () => {
    expect(() => new ScopedDeployRoles(stackOf(), 'R', { names, account: PlatformAccount.DEV, qualifier: 'vwml', stackNames: ['x'] }))
      .toThrow(/give deployerRoleArns or deployerAccount/);
    expect(() => new ScopedDeployRoles(stackOf(), 'R', { names, account: PlatformAccount.DEV, qualifier: 'vwml', stackNames: [], deployerAccount: RES }))
      .toThrow(/stackNames is empty/);
  });
});

