import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { MlopsPlatform, MlopsUseCase, PlatformAccount, PlatformConfig } from '../../../src';
import { logicalIdOf, PolicyDocumentJson, simulate, TemplatePolicies } from '../../helpers/iam-simulator';

/**
 * The smoke test of the deployment pipeline: the SmokeTest project's role in RES assumes the stage's
 * smoke-test role (both sides: its identity policy within the RES boundary, the stage role's trust
 * policy with the session tag), which describes and invokes the endpoint.
 */
const config = PlatformConfig.sample();
const platform = new MlopsPlatform(new App(), 'Platform', { config });
const useCase = new MlopsUseCase(new App(), 'WeldGun', { platform: config, useCaseName: 'weld-gun-pm', pinnedModelPackageArn: 'arn:aws:sagemaker:eu-central-1:222222222222:model-package/vwml-weld-gun-pm/7' });

/** The policies of a role of a use-case stack, with the boundary and guardrail policy of the account's platform stack. */
function rolePolicies(stack: Stack, account: PlatformAccount, roleId: string) {
  const template = Template.fromStack(stack).toJSON();
  const policies = TemplatePolicies.fromStack(stack);
  const identityPolicies: PolicyDocumentJson[] = [];
  for (const [id, r] of Object.entries(template.Resources) as Array<[string, any]>) {
    if (r.Type !== 'AWS::IAM::ManagedPolicy' && r.Type !== 'AWS::IAM::Policy') continue;
    if ((r.Properties.Roles ?? []).some((x: any) => x?.Ref === roleId)) identityPolicies.push(policies.policyDocument(id));
  }
  // managed policies of this template attached through the role's ManagedPolicyArns
  for (const arn of template.Resources[roleId].Properties.ManagedPolicyArns ?? []) {
    const id = arn?.Ref;
    if (typeof id === 'string' && template.Resources[id]?.Type === 'AWS::IAM::ManagedPolicy' && !(template.Resources[id].Properties.Roles ?? []).some((x: any) => x?.Ref === roleId)) {
      identityPolicies.push(policies.policyDocument(id));
    }
  }
  const platformStack = platform.stack(account);
  const platformPolicies = TemplatePolicies.fromStack(platformStack);
  return {
    identityPolicies,
    permissionBoundaryPolicies: [platformPolicies.policyDocument(logicalIdOf(platformStack.guardrails.permissionsBoundary))],
    role: template.Resources[roleId],
    policies,
  };
}

describe.each([
  [PlatformAccount.DEV, 0],
  [PlatformAccount.INT, 1],
  [PlatformAccount.PROD, 2],
])('the smoke test reaches the %s endpoint', (stage, index) => {
  const serving = [useCase.dev, useCase.int, useCase.prod][index];
  const stageAccount = config.account(stage).accountId;
  const smokeRoleArn = `arn:aws:iam::${stageAccount}:role/vwml-weld-gun-pm-${stage}-smoke-test`;
  const endpointArn = `arn:aws:sagemaker:eu-central-1:${stageAccount}:endpoint/vwml-weld-gun-pm-${stage}`;

  test('the RES SmokeTest role may assume the stage smoke-test role (identity, boundary, trust by role ARN)', async () => {
    const projectRole = useCase.deployment.pipeline.smokeTestRoles[index];
    const res = rolePolicies(useCase.deployment, PlatformAccount.RES, logicalIdOf(projectRole));
    const principal = `arn:aws:iam::333333333333:role/${res.policies.resolve(res.role.Properties.RoleName ?? 'vwml-weld-gun-pm-smoke')}`;
    const stageRole = rolePolicies(serving, stage, logicalIdOf(useCase[stage as 'dev' | 'int' | 'prod'].smokeTestRole));
    expect(stageRole.role.Properties.RoleName).toBe(`vwml-weld-gun-pm-${stage}-smoke-test`);
    const trust: PolicyDocumentJson = stageRole.policies.resolve(stageRole.role.Properties.AssumeRolePolicyDocument);
    const request = {
      identityPolicies: res.identityPolicies,
      permissionBoundaryPolicies: res.permissionBoundaryPolicies,
      principal,
      resourcePolicy: trust,
      action: 'sts:AssumeRole',
      resource: smokeRoleArn,
    };
    expect(principal).toBe(`arn:aws:iam::333333333333:role/vwml-weld-gun-pm-${stage}-smoke-run`);
    expect(await simulate(request)).toBe('Allowed');
    // negative twins: another RES role, even one carrying the use case's smoke-test tag (trust is by ARN)
    const other = { ...request, principal: 'arn:aws:iam::333333333333:role/vwml-other-uc-dev-smoke-run' };
    expect(await simulate(other)).toBe('ImplicitlyDenied');
    expect(await simulate({ ...other, context: { 'aws:PrincipalTag/mlops:smoke-test': 'vwml-weld-gun-pm' } })).toBe('ImplicitlyDenied');
  });

  test('the smoke-test role may describe and invoke its endpoint, and no other', async () => {
    const stageRole = rolePolicies(serving, stage, logicalIdOf(useCase[stage as 'dev' | 'int' | 'prod'].smokeTestRole));
    const { identityPolicies, permissionBoundaryPolicies } = stageRole;
    const request = { identityPolicies, permissionBoundaryPolicies, principal: smokeRoleArn };
    for (const action of ['sagemaker:DescribeEndpoint', 'sagemaker:InvokeEndpoint']) {
      expect(await simulate({ ...request, action, resource: endpointArn })).toBe('Allowed');
    }
    expect(await simulate({ ...request, action: 'sagemaker:InvokeEndpoint', resource: `arn:aws:sagemaker:eu-central-1:${stageAccount}:endpoint/vwml-other-uc-${stage}` })).toBe('ImplicitlyDenied');
  });

  test('the smoke-test role may bring up and read its own inference component (scale to zero in DEV and INT), nothing of another use case', async () => {
    const stageRole = rolePolicies(serving, stage, logicalIdOf(useCase[stage as 'dev' | 'int' | 'prod'].smokeTestRole));
    const { identityPolicies, permissionBoundaryPolicies } = stageRole;
    const request = { identityPolicies, permissionBoundaryPolicies, principal: smokeRoleArn };
    const own = `arn:aws:sagemaker:eu-central-1:${stageAccount}:inference-component/vwml-weld-gun-pm-${stage}`;
    const other = `arn:aws:sagemaker:eu-central-1:${stageAccount}:inference-component/vwml-other-uc-${stage}`;
    for (const action of ['sagemaker:DescribeInferenceComponent', 'sagemaker:UpdateInferenceComponentRuntimeConfig']) {
      // PROD is always on: its smoke test has no component to scale
      expect(await simulate({ ...request, action, resource: own })).toBe(stage === PlatformAccount.PROD ? 'ImplicitlyDenied' : 'Allowed');
      expect(await simulate({ ...request, action, resource: other })).toBe('ImplicitlyDenied');
    }
    expect(await simulate({ ...request, action: 'sagemaker:UpdateInferenceComponent', resource: own })).toBe('ImplicitlyDenied');
  });
});
