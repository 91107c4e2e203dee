/**
 * The per-use-case approver role in RES (`<prefix>-<use case>-approver`, issue 12 "Onboarding per use
 * case"): it approves exactly the INT and PROD approval actions of its own use case's deployment pipeline
 * and reads that pipeline, and only the use case's own leads may assume it.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { MlopsPlatform, MlopsUseCase, PlatformAccount, PlatformConfig, UseCaseOnboarding } from '../../../src';
import { twoUseCasesConfig } from '../../fixtures/two-usecases';
import { ALLOW_ALL, logicalIdOf, PolicyDocumentJson, simulate, TemplatePolicies } from '../../helpers/iam-simulator';

const RES = '333333333333';
const IDC = '999999999999';
const REGION = 'eu-central-1';
const pipeline = (uc: string) => `arn:aws:codepipeline:${REGION}:${RES}:vwml-${uc}-deploy`;

function build(config: PlatformConfig = twoUseCasesConfig()): MlopsPlatform {
  return new MlopsPlatform(new App(), 'Platform', { config });
}

const platform = build();

function onboarding(name: string, p: MlopsPlatform = platform): UseCaseOnboarding {
  return p.useCases.find((u) => u.useCase.name === name)!;
}

function resStack(name: string, p: MlopsPlatform = platform): Stack {
  return onboarding(name, p).tryFindStack(PlatformAccount.RES)!;
}

function roleResource(name: string, p: MlopsPlatform = platform): any {
  return Template.fromStack(resStack(name, p)).toJSON().Resources[logicalIdOf(onboarding(name, p).approverRole)];
}

/** The resolved trust policy of a use case's approver role. */
function trustOf(name: string, p: MlopsPlatform = platform): PolicyDocumentJson {
  return TemplatePolicies.fromStack(resStack(name, p)).resolve(roleResource(name, p).Properties.AssumeRolePolicyDocument);
}

/** The approver role's identity policy and the RES permissions boundary it carries. */
function policiesOf(name: string): { identityPolicies: PolicyDocumentJson[]; permissionBoundaryPolicies: PolicyDocumentJson[] } {
  const stack = resStack(name);
  const identity = TemplatePolicies.fromStack(stack).policyDocument(logicalIdOf(stack.node.findChild('ApproverRole').node.findChild('Policy')));
  const boundary = TemplatePolicies.fromStack(platform.res).policyDocument(logicalIdOf(platform.res.guardrails.permissionsBoundary as any));
  return { identityPolicies: [identity], permissionBoundaryPolicies: [boundary] };
}

async function approver(name: string, action: string, resource: string): Promise<string> {
  return simulate({ ...policiesOf(name), principal: `arn:aws:iam::${RES}:role/vwml-${name}-approver`, action, resource });
}

/** Whether a person of the Identity Center account (a role of a permission set, with a use-case tag) may assume the approver role. */
async function assume(name: string, permissionSet: string, tag: string | undefined, action = 'sts:AssumeRole', requestTag?: string): Promise<string> {
  return simulate({
    identityPolicies: [ALLOW_ALL],
    resourcePolicy: trustOf(name),
    principal: `arn:aws:iam::${IDC}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_${permissionSet}_0123456789abcdef`,
    action,
    resource: `arn:aws:iam::${RES}:role/vwml-${name}-approver`,
    context: {
      ...(tag ? { 'aws:PrincipalTag/mlops:use-case': tag } : {}),
      ...(requestTag ? { 'aws:RequestTag/mlops:use-case': requestTag, 'aws:TagKeys': ['mlops:use-case'] } : {}),
    },
  });
}

describe('the approver role of a use case', () => {
  test('lives in the use case\'s RES onboarding stack, named <prefix>-<use case>-approver, tagged with the use case, with the RES boundary; its ARN is an output', () => {
    const stack = resStack('paint-defect');
    expect(stack.stackName).toBe('vwml-paint-defect-onboarding-res');
    expect(stack.account).toBe(RES);
    const role = roleResource('paint-defect');
    expect(role.Properties.RoleName).toBe('vwml-paint-defect-approver');
    expect(role.Properties.Tags).toEqual(expect.arrayContaining([{ Key: 'mlops:use-case', Value: 'paint-defect' }]));
    expect(TemplatePolicies.fromStack(stack).resolve(role.Properties.PermissionsBoundary)).toBe(`arn:aws:iam::${RES}:policy/vwml-PermissionsBoundary`);
    const output = Template.fromStack(stack).toJSON().Outputs.ApproverRoleArn;
    expect(output.Value).toEqual({ 'Fn::GetAtt': [logicalIdOf(onboarding('paint-defect').approverRole), 'Arn'] });
    expect(output.Description).toMatch(/aws codepipeline put-approval-result --pipeline-name vwml-paint-defect-deploy --stage-name ApproveInt\|ApproveProd --action-name Approve/);
  });

  test('its policy: PutApprovalResult on exactly its pipeline\'s ApproveInt and ApproveProd actions, reads on its pipeline, nothing else', () => {
    const [policy] = policiesOf('weld-gun').identityPolicies;
    expect(policy.Statement).toEqual([
      {
        Sid: 'ApproveTheUseCasesPromotions',
        Effect: 'Allow',
        Action: 'codepipeline:PutApprovalResult',
        Resource: [`${pipeline('weld-gun')}/ApproveInt/Approve`, `${pipeline('weld-gun')}/ApproveProd/Approve`],
      },
      {
        Sid: 'ReadTheUseCasesDeploymentPipeline',
        Effect: 'Allow',
        Action: ['codepipeline:GetPipeline', 'codepipeline:GetPipelineState', 'codepipeline:GetPipelineExecution',
          'codepipeline:ListPipelineExecutions', 'codepipeline:ListActionExecutions'],
        Resource: pipeline('weld-gun'),
      },
    ]);
  });

  test('its approval actions are exactly the manual approval actions of the use case\'s deployment pipeline', () => {
    const app = new App();
    const config = twoUseCasesConfig();
    const p = new MlopsPlatform(app, 'Platform', { config });
    const useCase = new MlopsUseCase(app, 'PaintDefect', { platform: config, useCaseName: 'paint-defect' });
    const definition = Template.fromStack(useCase.deployment).toJSON().Resources[logicalIdOf(useCase.deployment.pipeline.pipeline)];
    const name = definition.Properties.Name;
    const approvals = definition.Properties.Stages.flatMap((s: any) => s.Actions
      .filter((a: any) => a.ActionTypeId.Category === 'Approval')
      .map((a: any) => `arn:aws:codepipeline:${REGION}:${RES}:${name}/${s.Name}/${a.Name}`));
    expect(approvals).toHaveLength(2);
    const stack = resStack('paint-defect', p);
    const policy = TemplatePolicies.fromStack(stack).policyDocument(logicalIdOf(stack.node.findChild('ApproverRole').node.findChild('Policy')));
    expect((policy.Statement as any[])[0].Resource).toEqual(approvals);
    expect((policy.Statement as any[])[1].Resource).toBe(`arn:aws:codepipeline:${REGION}:${RES}:${name}`);
  });

  test.each([
    ['weld-gun-pm', 'paint-defect'],
    ['weld-gun', 'weld-gun-pm'],
    ['weld-gun-pm', 'weld-gun'],
  ])('%s: may approve and follow its own pipeline, not that of %s, not its DEV deploy, not change its pipeline', async (own, other) => {
    for (const stage of ['ApproveInt', 'ApproveProd']) {
      expect(await approver(own, 'codepipeline:PutApprovalResult', `${pipeline(own)}/${stage}/Approve`)).toBe('Allowed');
      expect(await approver(own, 'codepipeline:PutApprovalResult', `${pipeline(other)}/${stage}/Approve`)).toBe('ImplicitlyDenied');
    }
    expect(await approver(own, 'codepipeline:GetPipelineState', pipeline(own))).toBe('Allowed');
    expect(await approver(own, 'codepipeline:ListActionExecutions', pipeline(own))).toBe('Allowed');
    expect(await approver(own, 'codepipeline:GetPipelineState', pipeline(other))).toBe('ImplicitlyDenied');
    expect(await approver(own, 'codepipeline:PutApprovalResult', `${pipeline(own)}/DeployDev/Deploy`)).toBe('ImplicitlyDenied');
    expect(await approver(own, 'codepipeline:UpdatePipeline', pipeline(own))).toBe('ImplicitlyDenied');
    expect(await approver(own, 'codepipeline:StartPipelineExecution', pipeline(own))).toBe('ImplicitlyDenied');
  });

  test('trust (Identity Center): the lead permission set, and the caller\'s mlops:use-case tag must be the use case', () => {
    const sso = `arn:aws:iam::${IDC}:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_MlopsLeadDataScientist_*`;
    const principal = { AWS: `arn:aws:iam::${IDC}:root` };
    const own = { 'aws:PrincipalTag/mlops:use-case': 'paint-defect' };
    expect(trustOf('paint-defect').Statement).toEqual([
      { Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole', Condition: { ArnLike: { 'aws:PrincipalArn': sso }, StringEquals: own } },
      {
        Effect: 'Allow',
        Principal: principal,
        Action: 'sts:TagSession',
        Condition: {
          'ArnLike': { 'aws:PrincipalArn': sso },
          'StringEquals': own,
          'ForAllValues:StringEquals': { 'aws:TagKeys': ['mlops:use-case', 'studio-user'] },
          'StringEqualsIfExists': { 'aws:RequestTag/mlops:use-case': 'paint-defect', 'aws:RequestTag/studio-user': '${aws:PrincipalTag/studio-user}' },
        },
      },
    ]);
  });

  test('trust (Identity Center), request level: only a lead signed in for the use case assumes it', async () => {
    expect(await assume('paint-defect', 'MlopsLeadDataScientist', 'paint-defect')).toBe('Allowed');
    expect(await assume('paint-defect', 'MlopsLeadDataScientist', 'paint-defect', 'sts:TagSession', 'paint-defect')).toBe('Allowed');
    // a lead of another use case, a lead without a use case, a data scientist or MLOps engineer of the use case
    expect(await assume('paint-defect', 'MlopsLeadDataScientist', 'weld-gun-pm')).toBe('ImplicitlyDenied');
    expect(await assume('weld-gun', 'MlopsLeadDataScientist', 'weld-gun-pm')).toBe('ImplicitlyDenied');
    expect(await assume('paint-defect', 'MlopsLeadDataScientist', undefined)).toBe('ImplicitlyDenied');
    expect(await assume('paint-defect', 'MlopsDataScientist', 'paint-defect')).toBe('ImplicitlyDenied');
    expect(await assume('paint-defect', 'MlopsEngineer', 'paint-defect')).toBe('ImplicitlyDenied');
    // a lead of the use case may not tag the session with another use case
    expect(await assume('paint-defect', 'MlopsLeadDataScientist', 'paint-defect', 'sts:TagSession', 'weld-gun-pm')).toBe('ImplicitlyDenied');
  });

  test('trust (configured permission set): the lead\'s own permission set of people.permissionSets', () => {
    const p = build(twoUseCasesConfig((json) => {
      json.people.permissionSets = { dataScientist: 'DS', leadDataScientist: 'DSLead', mlopsEngineer: 'Eng', auditor: 'Audit' };
    }));
    const statement = (trustOf('weld-gun-pm', p).Statement as any[])[0];
    expect(statement.Condition.ArnLike['aws:PrincipalArn']).toBe(`arn:aws:iam::${IDC}:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_DSLead_*`);
  });

  test('trust (SAML): the RES SAML provider, with the use case as the assertion\'s session tag', () => {
    const p = build(twoUseCasesConfig((json) => {
      json.people = { samlProviderName: 'CorporateIdP' };
    }));
    const tag = { 'aws:RequestTag/mlops:use-case': 'weld-gun-pm' };
    const statements = (trustOf('weld-gun-pm', p).Statement as any[]).map((s) => [s.Action, s.Principal, s.Condition.StringEquals]);
    const principal = { Federated: `arn:aws:iam::${RES}:saml-provider/CorporateIdP` };
    expect(statements).toEqual([
      ['sts:AssumeRoleWithSAML', principal, { 'SAML:aud': 'https://signin.aws.amazon.com/saml', ...tag }],
      ['sts:TagSession', principal, { 'SAML:aud': 'https://signin.aws.amazon.com/saml', ...tag }],
    ]);
  });

  test('trust (MFA): the MFA principals, with the caller\'s mlops:use-case tag equal to the use case', () => {
    const p = build(twoUseCasesConfig((json) => {
      json.people = { mfaAccountIds: ['123456789012'] };
    }));
    const [assumeStatement] = trustOf('weld-gun-pm', p).Statement as any[];
    expect(assumeStatement).toEqual({
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::123456789012:root' },
      Action: 'sts:AssumeRole',
      Condition: {
        Bool: { 'aws:MultiFactorAuthPresent': 'true' },
        NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' },
        StringEquals: { 'aws:PrincipalTag/mlops:use-case': 'weld-gun-pm' },
      },
    });
  });
});
