/**
 * The per-use-case GitHub role in EXP (`<prefix>-<use case>-github`, issue 12 point 2): it trusts exactly
 * its repository's deploy branch and reaches only its own code prefix, key, pipeline and deploy roles;
 * never another use case's, not even one whose name extends its own (`weld-gun` vs `weld-gun-pm`).
 */
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { MlopsPlatform, PlatformAccount, UseCaseOnboarding } from '../../../src';
import { twoUseCasesConfig } from '../../fixtures/two-usecases';
import { logicalIdOf, PolicyDocumentJson, simulate, TemplatePolicies } from '../../helpers/iam-simulator';

const EXP = '222222222222';
const RES = '333333333333';
const REGION = 'eu-central-1';
const KEY_POLICY: PolicyDocumentJson = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${EXP}:root` }, Action: 'kms:*', Resource: '*' }],
};

const app = new App();
const platform = new MlopsPlatform(app, 'Platform', { config: twoUseCasesConfig() });

function onboarding(name: string): UseCaseOnboarding {
  return platform.useCases.find((u) => u.useCase.name === name)!;
}

function expStack(name: string): Stack {
  return onboarding(name).tryFindStack(PlatformAccount.EXP)!;
}

/** The role's identity policies and the EXP permissions boundary it carries. */
function policiesOf(name: string): { identityPolicies: PolicyDocumentJson[]; permissionBoundaryPolicies: PolicyDocumentJson[] } {
  const stack = expStack(name);
  const identity = TemplatePolicies.fromStack(stack).policyDocument(logicalIdOf(stack.node.findChild('GithubRole').node.findChild('Policy')));
  const boundary = TemplatePolicies.fromStack(platform.exp).policyDocument(logicalIdOf(platform.exp.guardrails.permissionsBoundary as any));
  return { identityPolicies: [identity], permissionBoundaryPolicies: [boundary] };
}

async function decide(name: string, action: string, resource: string, context: Record<string, string | string[]> = {}): Promise<string> {
  // a KMS key always needs its key policy: the use case's keys delegate to the account's IAM policies
  // a role in RES must trust the caller too: a trust that admits it, so the identity side decides
  const principal = `arn:aws:iam::${EXP}:role/vwml-${name}-github`;
  const trust: PolicyDocumentJson = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: 'sts:AssumeRole' }] };
  const resourcePolicy = action.startsWith('kms:') ? KEY_POLICY : resource.includes(`:${RES}:`) ? trust : undefined;
  return simulate({ ...policiesOf(name), resourcePolicy, principal, action, resource, context });
}

const code = (uc: string) => `arn:aws:s3:::vwml-${uc}-artifacts-${EXP}/code/abc123/sourcedir.tar.gz`;
const pipeline = (uc: string) => `arn:aws:sagemaker:${REGION}:${EXP}:pipeline/vwml-${uc}-build`;
const KEY = `arn:aws:kms:${REGION}:${EXP}:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789`;
const kms = (uc: string) => ({ 'kms:ResourceAliases': [`alias/vwml/${uc}/artifacts`], 'kms:ViaService': `s3.${REGION}.amazonaws.com` });

describe('the GitHub role of a use case', () => {
  test('lives in the use case\'s EXP onboarding stack, named <prefix>-<use case>-github, tagged with the use case', () => {
    const stack = expStack('paint-defect');
    expect(stack.stackName).toBe('vwml-paint-defect-onboarding-exp');
    const role = Template.fromStack(stack).toJSON().Resources[logicalIdOf(onboarding('paint-defect').githubRole!)];
    expect(role.Properties.RoleName).toBe('vwml-paint-defect-github');
    expect(role.Properties.Tags).toEqual(expect.arrayContaining([{ Key: 'mlops:use-case', Value: 'paint-defect' }]));
  });

  test('trusts exactly its repository\'s deploy branch (StringEquals on sub and aud), through the EXP provider', () => {
    for (const [name, sub] of [['weld-gun-pm', 'repo:vw-mlops/weld-gun-pm:ref:refs/heads/main'], ['paint-defect', 'repo:vw-mlops/paint-defect:ref:refs/heads/release']]) {
      const role = Template.fromStack(expStack(name)).toJSON().Resources[logicalIdOf(onboarding(name).githubRole!)];
      expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([{
        Effect: 'Allow',
        Action: 'sts:AssumeRoleWithWebIdentity',
        Principal: { Federated: `arn:aws:iam::${EXP}:oidc-provider/token.actions.githubusercontent.com` },
        Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'token.actions.githubusercontent.com:sub': sub } },
      }]);
    }
  });

  test.each([
    ['weld-gun-pm', 'paint-defect'],
    ['paint-defect', 'weld-gun-pm'],
    ['weld-gun', 'weld-gun-pm'],
    ['weld-gun-pm', 'weld-gun'],
  ])('%s: allowed on its own code, key, pipeline and deploy roles, denied on those of %s', async (own, other) => {
    expect(await decide(own, 's3:PutObject', code(own))).toBe('Allowed');
    expect(await decide(own, 's3:PutObject', code(other))).toBe('ImplicitlyDenied');
    expect(await decide(own, 'kms:GenerateDataKey', KEY, kms(own))).toBe('Allowed');
    expect(await decide(own, 'kms:GenerateDataKey', KEY, kms(other))).toBe('ImplicitlyDenied');
    expect(await decide(own, 'sagemaker:StartPipelineExecution', pipeline(own))).toBe('Allowed');
    expect(await decide(own, 'sagemaker:StartPipelineExecution', pipeline(other))).toBe('ImplicitlyDenied');
    expect(await decide(own, 'sagemaker:DescribePipelineExecution', `${pipeline(other)}/execution/abc`)).toBe('ImplicitlyDenied');
    expect(await decide(own, 'sts:AssumeRole', `arn:aws:iam::${EXP}:role/vwml-${own}-exp-deploy`)).toBe('Allowed');
    expect(await decide(own, 'sts:AssumeRole', `arn:aws:iam::${EXP}:role/vwml-${own}-exp-publish`)).toBe('Allowed');
    expect(await decide(own, 'sts:AssumeRole', `arn:aws:iam::${EXP}:role/vwml-${other}-exp-deploy`)).toBe('ImplicitlyDenied');
    expect(await decide(own, 'sts:AssumeRole', `arn:aws:iam::${RES}:role/vwml-${own}-source-writer`)).toBe('Allowed');
    expect(await decide(own, 'sts:AssumeRole', `arn:aws:iam::${RES}:role/vwml-${other}-source-writer`)).toBe('ImplicitlyDenied');
  });

  test('never the platform-wide CDK bootstrap roles, nor models or other prefixes of its bucket', async () => {
    expect(await decide('weld-gun-pm', 'sts:AssumeRole', `arn:aws:iam::${EXP}:role/cdk-vwml-deploy-role-${EXP}-${REGION}`)).toBe('ImplicitlyDenied');
    expect(await decide('weld-gun-pm', 's3:PutObject', `arn:aws:s3:::vwml-weld-gun-pm-artifacts-${EXP}/runs/a1/model/model.tar.gz`)).toBe('ImplicitlyDenied');
  });

  test('no statement of the role uses a <prefix>-<use case>* wildcard', () => {
    for (const name of ['weld-gun', 'weld-gun-pm', 'paint-defect']) {
      const json = JSON.stringify(policiesOf(name).identityPolicies);
      expect(json).not.toMatch(new RegExp(`vwml-${name}[^"/]*\\*`));
    }
  });

  test('with useCases, the org-wide role is gone; the provider stays in the EXP platform stack', () => {
    Template.fromStack(platform.exp).resourceCountIs('AWS::IAM::OIDCProvider', 1);
    expect(platform.exp.githubDeployRole).toBeUndefined();
    Annotations.fromStack(platform.exp).hasNoWarning('*', Match.stringLikeRegexp('useCases'));
  });

  test('an imported provider ARN is the one the roles trust; without github, no role', () => {
    const arn = `arn:aws:iam::${EXP}:oidc-provider/token.actions.githubusercontent.com`;
    const withArn = new MlopsPlatform(new App(), 'Platform', { config: twoUseCasesConfig((j) => { j.github.oidcProviderArn = arn; }) });
    const first = withArn.useCases[0];
    const role = Template.fromStack(first.tryFindStack(PlatformAccount.EXP)!).toJSON().Resources[logicalIdOf(first.githubRole!)];
    expect(role.Properties.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({ Federated: arn });
    Template.fromStack(withArn.exp).resourceCountIs('AWS::IAM::OIDCProvider', 0);
    const without = new MlopsPlatform(new App(), 'Platform', { config: twoUseCasesConfig((j) => { delete j.github; }) });
    expect(without.useCases.map((u) => u.githubRole)).toEqual([undefined, undefined, undefined]);
  });
});
