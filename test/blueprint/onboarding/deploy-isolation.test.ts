/**
 * End to end between two use cases of one platform: the RES Deploy build of A may assume only A's own
 * stage roles (not B's, not the bootstrap roles), A's roles trust only A's build, and A's stacks
 * synthesize with A's roles and A's prefix of the bootstrap bucket.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { MlopsUseCase, PlatformAccount, PlatformConfig, UseCaseOnboarding } from '../../../src';
import { logicalIdOf, simulate, TemplatePolicies } from '../../helpers/iam-simulator';

const RES = '333333333333';
const STAGES = [PlatformAccount.DEV, PlatformAccount.INT, PlatformAccount.PROD];

const json: any = PlatformConfig.sample().toJson();
json.useCases = ['weld-gun-pm', 'paint-defect', 'weld-gun'].map((name) => ({ name, team: `t-${name}`, repository: `vw-mlops/${name}` }));
const config = PlatformConfig.fromObject(json);
const app = new App();
const A = new MlopsUseCase(app, 'WeldGun', { platform: config, useCaseName: 'weld-gun' });
const onboarding = Object.fromEntries(config.useCases.map((u) => [u.name, new UseCaseOnboarding(app, `On-${u.name}`, { config, useCase: u })]));
const resPolicies = TemplatePolicies.fromStack(A.deployment, { account: RES });
const resTemplate = Template.fromStack(A.deployment).toJSON();

/** The identity policies of A's Deploy build of a stage, and its principal with its tags. */
function deployBuild(i: number) {
  const role = A.deployment.pipeline.deployRoles[i];
  const props = resTemplate.Resources[logicalIdOf(role)].Properties;
  const tags = Object.fromEntries((props.Tags as any[]).map((t) => [t.Key, t.Value]));
  return {
    identityPolicies: (props.ManagedPolicyArns as any[]).filter((r) => r.Ref).map((r) => resPolicies.policyDocument(r.Ref)),
    principal: A.names.roleArn(PlatformAccount.RES, A.names.deployCallerRoleName(STAGES[i])),
    tags,
  };
}

describe('the RES Deploy build of a use case', () => {
  test.each(STAGES.map((s, i) => [s, i] as const))('in %s may assume its own deploy and publishing roles, not B\'s nor the bootstrap roles', async (stage, i) => {
    const build = deployBuild(i);
    const acct = config.account(stage).accountId;
    // a trust policy that trusts the build: only the build's own identity policy decides
    const trusting = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: build.principal }, Action: 'sts:AssumeRole' }] };
    const assume = (roleName: string) => simulate({
      identityPolicies: build.identityPolicies, principal: build.principal, resourcePolicy: trusting, action: 'sts:AssumeRole', resource: `arn:aws:iam::${acct}:role/${roleName}`,
    });
    expect(await assume(A.names.stageDeployRoleName(stage))).toBe('Allowed');
    expect(await assume(A.names.assetPublishingRoleName(stage))).toBe('Allowed');
    for (const other of ['weld-gun-pm', 'paint-defect']) {
      expect(await assume(onboarding[other].names.stageDeployRoleName(stage))).toBe('ImplicitlyDenied');
      expect(await assume(onboarding[other].names.assetPublishingRoleName(stage))).toBe('ImplicitlyDenied');
    }
    for (const r of ['deploy-role', 'file-publishing-role', 'image-publishing-role', 'lookup-role']) {
      expect(await assume(`cdk-${config.qualifier}-${r}-${acct}-${config.account(stage).region}`)).toBe('ImplicitlyDenied');
    }
    // another stage's role neither
    const otherStage = STAGES[(i + 1) % 3];
    expect(await simulate({
      identityPolicies: build.identityPolicies,
      principal: build.principal,
      resourcePolicy: trusting,
      action: 'sts:AssumeRole',
      resource: `arn:aws:iam::${config.account(otherStage).accountId}:role/${A.names.stageDeployRoleName(otherStage)}`,
    })).toBe('ImplicitlyDenied');
  });

  test.each(STAGES.map((s, i) => [s, i] as const))('in %s has a fixed name that A\'s roles of that stage trust by ARN, and B\'s roles do not', async (stage, i) => {
    const build = deployBuild(i);
    expect(resTemplate.Resources[logicalIdOf(A.deployment.pipeline.deployRoles[i])].Properties.RoleName).toBe(A.names.deployCallerRoleName(stage));
    const trustOf = (uc: string, role: 'deployRole' | 'publishingRole') => {
      const o = onboarding[uc];
      const stack = o.tryFindStack(stage)!;
      const t = Template.fromStack(stack).toJSON();
      const r = t.Resources[logicalIdOf(o.tryFindDeployRoles(stage)!.node.findChild(role === 'deployRole' ? 'Deploy' : 'Publish'))];
      return TemplatePolicies.fromStack(stack, { account: config.account(stage).accountId }).resolve(r.Properties.AssumeRolePolicyDocument);
    };
    const acct = config.account(stage).accountId;
    const assumeWithTrust = (uc: string, role: 'deployRole' | 'publishingRole', principal = build.principal) => simulate({
      identityPolicies: build.identityPolicies,
      principal,
      resourcePolicy: trustOf(uc, role),
      action: 'sts:AssumeRole',
      resource: `arn:aws:iam::${acct}:role/${role === 'deployRole' ? onboarding[uc].names.stageDeployRoleName(stage) : onboarding[uc].names.assetPublishingRoleName(stage)}`,
      // even with the tags of A's build, another role of RES is not trusted
      context: { 'aws:PrincipalTag/mlops:use-case': 'weld-gun', 'aws:PrincipalTag/mlops:deploys-to': stage },
    });
    expect(await assumeWithTrust('weld-gun', 'deployRole')).toBe('Allowed');
    expect(await assumeWithTrust('weld-gun', 'publishingRole')).toBe('Allowed');
    expect(await assumeWithTrust('weld-gun-pm', 'deployRole')).not.toBe('Allowed');
    expect(await assumeWithTrust('weld-gun', 'deployRole', `arn:aws:iam::${RES}:role/tagged-impostor`)).not.toBe('Allowed');
  });
});

describe('the stacks of a registered use case', () => {
  test('synthesize with the use case\'s own deploy and execution roles in EXP, DEV, INT and PROD', () => {
    for (const stack of [A.training, A.dev, A.int, A.prod]) {
      const acct = stack.account;
      const artifact = app.synth().getStackByName(stack.stackName);
      const account = stack.platformAccount;
      expect(artifact.assumeRoleArn).toBe(`arn:\${AWS::Partition}:iam::${acct}:role/${A.names.stageDeployRoleName(account)}`.replace('${AWS::Partition}', 'aws'));
      expect(artifact.cloudFormationExecutionRoleArn).toBe(`arn:aws:iam::${acct}:role/${A.names.cfnExecRoleName(account)}`);
    }
  });
});
