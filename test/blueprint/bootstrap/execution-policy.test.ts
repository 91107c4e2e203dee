/**
 * The CloudFormation execution policy against what the platform stacks ask CloudFormation to do, evaluated
 * with the IAM simulator: the GitHub OIDC provider of EXP (issue 11, defect 2) and changes to the
 * permissions boundary and guardrail policy that the platform stack itself manages (defect 3).
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { MlopsPlatform, PlatformAccount, PlatformBootstrap, PlatformConfig } from '../../../src';
import { emptyManagedPolicies, logicalIdOf, simulateWithDetails, TemplatePolicies } from '../../helpers/iam-simulator';

const config = PlatformConfig.sample();
const EXP = '222222222222';
const REGION = 'eu-central-1';
const EXEC_ROLE = `arn:aws:iam::${EXP}:role/cdk-vwml-cfn-exec-role-${EXP}-${REGION}`;
const BOUNDARY = `arn:aws:iam::${EXP}:policy/vwml-PermissionsBoundary`;
const GUARDRAILS = `arn:aws:iam::${EXP}:policy/vwml-SageMakerGuardrails`;
const EXEC_POLICY = `arn:aws:iam::${EXP}:policy/vwml-cdk-cfn-exec`;
const GITHUB_OIDC = `arn:aws:iam::${EXP}:oidc-provider/token.actions.githubusercontent.com`;

function execPolicy(c: PlatformConfig = config, account = PlatformAccount.EXP): any {
  return PlatformBootstrap.forAccount(c, account).executionPolicyDocument;
}

/** The decision for the CloudFormation execution role, with the Sids of explicit denies. */
async function asExecRole(action: string, resource: string, policy = execPolicy()): Promise<string> {
  const result = await simulateWithDetails({
    identityPolicies: [policy],
    principal: EXEC_ROLE,
    action,
    resource,
    context: { 'aws:RequestedRegion': REGION },
  });
  const sids = result.explicitDenials.map((d) => d.sid).filter((s) => s !== undefined);
  return sids.length > 0 ? `${result.decision} by ${sids.join(', ')}` : result.decision;
}

describe('where the landing zone runs Security Hub', () => {
  test('the execution policy leaves Security Hub out', async () => {
    const props = config.toJson();
    props.landingZone = { enableSecurityHub: false };
    const policy = execPolicy(PlatformConfig.fromObject(props));
    expect(await asExecRole('securityhub:EnableSecurityHub', '*', policy)).toBe('ImplicitlyDenied');
    expect(await asExecRole('securityhub:EnableSecurityHub', '*')).toBe('Allowed');
    expect(await asExecRole('config:PutConfigRule', `arn:aws:config:${REGION}:${EXP}:config-rule/config-rule-abc123`, policy)).toBe('Allowed');
  });
});

describe('the GitHub OIDC provider of EXP (AWS::IAM::OIDCProvider)', () => {
  // the registry schema of AWS::IAM::OIDCProvider: handlers.create/update/delete.permissions
  const handlerActions = [
    'iam:CreateOpenIDConnectProvider', 'iam:TagOpenIDConnectProvider', 'iam:GetOpenIDConnectProvider', 'iam:UpdateOpenIDConnectProviderThumbprint',
    'iam:RemoveClientIDFromOpenIDConnectProvider', 'iam:AddClientIDToOpenIDConnectProvider', 'iam:UntagOpenIDConnectProvider',
    'iam:ListOpenIDConnectProviderTags', 'iam:DeleteOpenIDConnectProvider',
  ];

  test.each(handlerActions)('the EXP execution role may %s on the GitHub provider', async (action) => {
    expect(await asExecRole(action, GITHUB_OIDC)).toBe('Allowed');
  });

  test('only the GitHub provider, and only in EXP', async () => {
    expect(await asExecRole('iam:CreateOpenIDConnectProvider', `arn:aws:iam::${EXP}:oidc-provider/gitlab.example.com`)).toBe('ImplicitlyDenied');
    const dev = execPolicy(config, PlatformAccount.DEV);
    expect(await asExecRole('iam:CreateOpenIDConnectProvider', 'arn:aws:iam::444444444444:oidc-provider/token.actions.githubusercontent.com', dev))
      .toBe('ImplicitlyDenied');
  });

  test('an imported provider (github.oidcProviderArn) is neither created nor granted', async () => {
    const props = config.toJson();
    props.github = { organization: 'vw-mlops', oidcProviderArn: GITHUB_OIDC };
    const imported = PlatformConfig.fromObject(props);
    expect(await asExecRole('iam:CreateOpenIDConnectProvider', GITHUB_OIDC, execPolicy(imported))).toBe('ImplicitlyDenied');
    expect(await asExecRole('iam:DeleteOpenIDConnectProvider', GITHUB_OIDC, execPolicy(imported))).toBe('ImplicitlyDenied');
  });
});

describe('the permissions boundary and guardrail policy that the platform stack manages', () => {
  // the registry schema of AWS::IAM::ManagedPolicy: update creates a version and deletes the oldest; delete deletes both
  const manage = ['iam:CreatePolicyVersion', 'iam:DeletePolicyVersion', 'iam:ListPolicyVersions', 'iam:GetPolicy', 'iam:ListEntitiesForPolicy', 'iam:DeletePolicy'];

  test.each(manage.flatMap((action) => [[action, BOUNDARY], [action, GUARDRAILS]]))(
    'the CloudFormation execution role may %s on %s (updates, rollbacks and deletes of the platform stack)',
    async (action, resource) => {
      expect(await asExecRole(action, resource)).toBe('Allowed');
    },
  );

  test('the execution role still cannot roll them back to an old version, edit its own policy, remove a boundary or edit foreign policies', async () => {
    expect(await asExecRole('iam:SetDefaultPolicyVersion', BOUNDARY)).toBe('ExplicitlyDenied by NeverRollTheGuardrailsBackToAnOlderVersion');
    expect(await asExecRole('iam:SetDefaultPolicyVersion', GUARDRAILS)).toBe('ExplicitlyDenied by NeverRollTheGuardrailsBackToAnOlderVersion');
    for (const action of ['iam:CreatePolicyVersion', 'iam:DeletePolicy', 'iam:DeletePolicyVersion', 'iam:SetDefaultPolicyVersion']) {
      expect(await asExecRole(action, EXEC_POLICY)).toBe('ExplicitlyDenied by NeverTouchTheExecutionPolicy');
    }
    expect(await asExecRole('iam:DeleteRolePermissionsBoundary', `arn:aws:iam::${EXP}:role/vwml-data-scientist`)).toBe('ExplicitlyDenied by NeverRemoveABoundary');
    // roles and policies that are not the platform's (a landing zone's, another team's)
    for (const action of ['iam:AttachRolePolicy', 'iam:PutRolePolicy', 'iam:UpdateAssumeRolePolicy', 'iam:DeleteRole', 'iam:PassRole']) {
      expect(await asExecRole(action, `arn:aws:iam::${EXP}:role/AWSControlTowerExecution`)).toBe('ImplicitlyDenied');
      expect(await asExecRole(action, `arn:aws:iam::${EXP}:role/OrganizationAccountAccessRole`)).toBe('ImplicitlyDenied');
      expect(await asExecRole(action, `arn:aws:iam::${EXP}:role/vwml-weld-gun-pm-training-BuildPipelineRole-ABC123`)).toBe('Allowed');
    }
    expect(await asExecRole('iam:CreatePolicyVersion', `arn:aws:iam::${EXP}:policy/AWSControlTowerGuardrails`)).toBe('ImplicitlyDenied');
    expect(await asExecRole('iam:DeletePolicy', `arn:aws:iam::${EXP}:policy/team-x-boundary`)).toBe('ImplicitlyDenied');
  });

  test('with a hyphenated prefix, the platform roles are those named <prefix>-... and <prefix without hyphens>... (generated cross-account names)', async () => {
    const props = config.toJson();
    props.prefix = 'my-ml';
    props.qualifier = 'myml';
    const policy = execPolicy(PlatformConfig.fromObject(props));
    expect(await asExecRole('iam:PutRolePolicy', `arn:aws:iam::${EXP}:role/my-ml-data-scientist`, policy)).toBe('Allowed');
    expect(await asExecRole('iam:PutRolePolicy', `arn:aws:iam::${EXP}:role/mymlplatformres-ImageBuild-1C6184D6-promote`, policy)).toBe('Allowed');
    expect(await asExecRole('iam:PutRolePolicy', `arn:aws:iam::${EXP}:role/my-other-role`, policy)).toBe('ImplicitlyDenied');
    expect(await asExecRole('iam:CreatePolicyVersion', `arn:aws:iam::${EXP}:policy/my-ml-PermissionsBoundary`, policy)).toBe('Allowed');
  });

  describe('nobody else may change them', () => {
    const app = new App();
    const platform = new MlopsPlatform(app, 'Platform', { config });
    const exp = TemplatePolicies.fromStack(platform.exp);
    const personas = platform.exp.personas!;
    const roles: Array<[string, string]> = [
      ['MLOps engineer', logicalIdOf(personas.mlopsEngineerRole)],
      ['lead data scientist', logicalIdOf(personas.leadDataScientistRole)],
    ];

    test.each(roles)('the %s (under the boundary) cannot version, delete or detach the boundary or the guardrails', async (_name, logicalId) => {
      const policies = exp.rolePolicies(logicalId);
      expect(policies.permissionBoundaryPolicies).toHaveLength(1);
      const decide = async (action: string, resource: string, context: Record<string, string> = {}) =>
        (await simulateWithDetails({ ...policies, action, resource, context })).decision;
      for (const action of ['iam:CreatePolicyVersion', 'iam:DeletePolicyVersion', 'iam:DeletePolicy', 'iam:SetDefaultPolicyVersion']) {
        expect(await decide(action, BOUNDARY)).not.toBe('Allowed');
        expect(await decide(action, GUARDRAILS)).not.toBe('Allowed');
      }
      const role = `arn:aws:iam::${EXP}:role/vwml-data-scientist`;
      expect(await decide('iam:DeleteRolePermissionsBoundary', role)).toBe('ExplicitlyDenied');
      expect(await decide('iam:DetachRolePolicy', role, { 'iam:PolicyARN': GUARDRAILS, 'iam:PermissionsBoundary': BOUNDARY })).toBe('ExplicitlyDenied');
    });

    test('nor can a use case\'s GitHub role or its scoped deploy and execution roles (in its onboarding stack)', async () => {
      const onboarding = platform.useCases[0];
      const stack = onboarding.tryFindStack(PlatformAccount.EXP)!;
      const policies = TemplatePolicies.fromStack(stack);
      const resources = Template.fromStack(stack).toJSON().Resources;
      const deployRoles = onboarding.tryFindDeployRoles(PlatformAccount.EXP)!;
      for (const role of [onboarding.githubRole!, deployRoles.deployRole, deployRoles.cfnExecRole, deployRoles.publishingRole]) {
        const props = resources[logicalIdOf(role)].Properties;
        // the boundary is the platform's (another stack); the identity policies alone must not allow it.
        // The execution role has no boundary (it creates what the workload boundary denies) but the guardrails
        const isExec = role === deployRoles.cfnExecRole;
        if (isExec) expect(props.PermissionsBoundary).toBeUndefined();
        else expect(props.PermissionsBoundary).toBeDefined();
        const guardrailArn = `arn:aws:iam::${EXP}:policy/vwml-SageMakerGuardrails`;
        if (isExec) expect(JSON.stringify(policies.resolve(props.ManagedPolicyArns))).toContain(guardrailArn);
        const identityPolicies = policies.identityPolicies(logicalIdOf(role), emptyManagedPolicies(guardrailArn));
        if (isExec) {
          // nor may it escalate through its own onboarding roles and their policies
          for (const [action, resource] of [
            ['iam:AttachRolePolicy', `arn:aws:iam::${EXP}:role/vwml-weld-gun-pm-exp-cfn-exec`],
            ['iam:PutRolePolicy', `arn:aws:iam::${EXP}:role/vwml-weld-gun-pm-exp-deploy`],
            ['iam:UpdateAssumeRolePolicy', `arn:aws:iam::${EXP}:role/vwml-weld-gun-pm-github`],
            ['iam:CreatePolicyVersion', `arn:aws:iam::${EXP}:policy/vwml-weld-gun-pm-onboarding-exp-DeployRolesCfnExecPolicy1F3E382F-ABC`],
          ]) {
            expect([action, await simulateWithDetails({ identityPolicies, action, resource }).then((r) => r.decision)]).toEqual([action, 'ExplicitlyDenied']);
          }
          // while its own stacks' roles stay manageable (the control)
          expect(await simulateWithDetails({ identityPolicies, action: 'iam:AttachRolePolicy', resource: `arn:aws:iam::${EXP}:role/vwml-weld-gun-pm-training-X` })
            .then((r) => r.decision)).toBe('Allowed');
        }
        expect(identityPolicies.length).toBeGreaterThan(0);
        for (const action of ['iam:CreatePolicyVersion', 'iam:DeletePolicyVersion', 'iam:DeletePolicy', 'iam:SetDefaultPolicyVersion']) {
          for (const policy of [BOUNDARY, GUARDRAILS]) {
            expect([role.node.path, action, await simulateWithDetails({ identityPolicies, action, resource: policy }).then((r) => r.decision)])
              .toEqual([role.node.path, action, expect.not.stringMatching(/^Allowed$/)]);
          }
        }
        expect(await simulateWithDetails({ identityPolicies, action: 'iam:DeleteRolePermissionsBoundary', resource: `arn:aws:iam::${EXP}:role/vwml-weld-gun-pm-x` })
          .then((r) => r.decision)).not.toBe('Allowed');
      }
    });

    test('nor can the Service Catalog launch role of RES, the one role without the workload boundary (it carries its own)', async () => {
      const res = TemplatePolicies.fromStack(platform.res);
      const launchId = Object.entries<any>(Template.fromStack(platform.res).findResources('AWS::IAM::Role'))
        .find(([, r]) => r.Properties.RoleName === 'vwml-catalog-launch')![0];
      const launch = res.rolePolicies(launchId);
      expect(launch.permissionBoundaryPolicies).toHaveLength(1);
      for (const action of ['iam:CreatePolicyVersion', 'iam:DeletePolicyVersion', 'iam:DeletePolicy', 'iam:SetDefaultPolicyVersion']) {
        for (const policy of ['vwml-PermissionsBoundary', 'vwml-SageMakerGuardrails', 'vwml-cdk-cfn-exec']) {
          expect(await simulateWithDetails({ ...launch, action, resource: `arn:aws:iam::333333333333:policy/${policy}` }).then((r) => r.decision)).not.toBe('Allowed');
        }
      }
    });
  });
});
