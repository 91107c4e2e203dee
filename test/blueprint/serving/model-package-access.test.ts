import { runSimulation } from '@cloud-copilot/iam-simulate';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { MlopsPlatform, MlopsUseCase, PlatformAccount, PlatformConfig, ServingMode } from '../../../src';
import { Decision, emptyManagedPolicies, logicalIdOf, PolicyDocumentJson, simulate as simulateWithArnAccount, SimulateRequest, TemplatePolicies } from '../../helpers/iam-simulator';

/**
 * Defect 9: the serving accounts create models from the EXP model package and read its artifacts
 * across accounts. Each request is evaluated with both sides, read from the synthesized templates:
 * the caller's identity policies, the platform's boundary and guardrail policy of its account, and the
 * resource policy in EXP (model package group, artifact bucket, artifact key).
 */
const config = PlatformConfig.sample();
const platform = new MlopsPlatform(new App(), 'Platform', { config });
const PINNED = 'arn:aws:sagemaker:eu-central-1:222222222222:model-package/vwml-weld-gun-pm/7';
const all = { servingMode: ServingMode.ALWAYS_ON, inferenceApi: true, batchInference: true, modelMonitor: true };
const useCase = new MlopsUseCase(new App(), 'WeldGun', { platform: config, useCaseName: 'weld-gun-pm', pinnedModelPackageArn: PINNED, dev: all, int: all, prod: all });
const STAGES: Array<[PlatformAccount, Stack]> = [
  [PlatformAccount.DEV, useCase.dev],
  [PlatformAccount.INT, useCase.int],
  [PlatformAccount.PROD, useCase.prod],
];

const training = TemplatePolicies.fromStack(useCase.training);
const trainingTemplate = Template.fromStack(useCase.training).toJSON();

function only(type: string): any {
  const found = Object.values(trainingTemplate.Resources).filter((r: any) => r.Type === type) as any[];
  expect(found).toHaveLength(1);
  return found[0];
}

const groupPolicy: PolicyDocumentJson = training.resolve(only('AWS::SageMaker::ModelPackageGroup').Properties.ModelPackageGroupPolicy);
const artifactKeyPolicy: PolicyDocumentJson = training.resolve(
  trainingTemplate.Resources[logicalIdOf(useCase.training.artifactKey.key)].Properties.KeyPolicy,
);
const artifactBucketPolicy: PolicyDocumentJson = training.resolve(
  (Object.values(trainingTemplate.Resources) as any[]).find(
    (r) => r.Type === 'AWS::S3::BucketPolicy' && JSON.stringify(training.resolve(r.Properties.Bucket)) === JSON.stringify('vwml-weld-gun-pm-artifacts-222222222222'),
  ).Properties.PolicyDocument,
);
const artifactKeyArn: string = training.resolve({ 'Fn::GetAtt': [logicalIdOf(useCase.training.artifactKey.key), 'Arn'] });

/** The policies of a named role of a serving stack, with the boundary and guardrails of its platform stack. */
function servingRole(stage: PlatformAccount, stack: Stack, roleName: string) {
  const template = Template.fromStack(stack).toJSON();
  const policies = TemplatePolicies.fromStack(stack);
  const entry = Object.entries(template.Resources).find(([, r]: [string, any]) => r.Type === 'AWS::IAM::Role' && r.Properties.RoleName === roleName);
  expect(entry).toBeDefined();
  const roleId = entry![0];
  const identityPolicies: PolicyDocumentJson[] = [];
  for (const [id, r] of Object.entries(template.Resources) as Array<[string, any]>) {
    if (r.Type !== 'AWS::IAM::ManagedPolicy' && r.Type !== 'AWS::IAM::Policy') continue;
    if ((r.Properties.Roles ?? []).some((x: any) => x?.Ref === roleId)) identityPolicies.push(policies.policyDocument(id));
  }
  const platformStack = platform.stack(stage);
  const platformPolicies = TemplatePolicies.fromStack(platformStack);
  identityPolicies.push(platformPolicies.policyDocument(logicalIdOf(platformStack.guardrails.guardrailPolicy)));
  return {
    principal: `arn:aws:iam::${platformStack.account}:role/${roleName}`,
    identityPolicies,
    permissionBoundaryPolicies: [platformPolicies.policyDocument(logicalIdOf(platformStack.guardrails.permissionsBoundary))],
  };
}

/** The CloudFormation execution role of a stage: the use case's own (its onboarding), with its identity policies. */
function cfnExecutionRole(stage: PlatformAccount) {
  // weld-gun-pm is listed in the sample's useCases: its serving stacks deploy with its own execution role
  const onboarding = platform.useCases.find((u) => u.useCase.name === 'weld-gun-pm')!;
  const stack = onboarding.tryFindStack(stage)!;
  const role = onboarding.tryFindDeployRoles(stage)!.cfnExecRole;
  const account = config.account(stage).accountId;
  const policies = TemplatePolicies.fromStack(stack, { account });
  const guardrails = `arn:aws:iam::${account}:policy/vwml-SageMakerGuardrails`;
  const identityPolicies = policies.identityPolicies(logicalIdOf(role), emptyManagedPolicies(guardrails));
  return { principal: `arn:aws:iam::${account}:role/vwml-weld-gun-pm-${stage}-cfn-exec`, identityPolicies };
}

const EXP = '222222222222';

/**
 * Evaluates a request on a resource in EXP. S3 ARNs carry no account, which the shared helper would
 * take for the caller's: the resource account is given explicitly here so that the cross-account rule
 * (identity AND resource policy) applies.
 */
async function simulate(request: SimulateRequest): Promise<Decision> {
  if (!request.resource?.startsWith('arn:aws:s3:::')) return simulateWithArnAccount(request);
  const result = await runSimulation(
    {
      request: {
        principal: request.principal!,
        action: request.action,
        resource: { resource: request.resource, accountId: EXP },
        contextVariables: { 'aws:RequestedRegion': 'eu-central-1', 'aws:PrincipalArn': request.principal!, 'aws:SecureTransport': 'true', 's3:TlsVersion': '1.3' },
      },
      identityPolicies: request.identityPolicies.map((policy, i) => ({ name: `identity-${i}`, policy })),
      permissionBoundaryPolicies: request.permissionBoundaryPolicies?.map((policy, i) => ({ name: `boundary-${i}`, policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: request.resourcePolicy,
    },
    {},
  );
  if (result.resultType === 'error') throw new Error(JSON.stringify(result.errors));
  return result.overallResult;
}

const ARTIFACT = 'arn:aws:s3:::vwml-weld-gun-pm-artifacts-222222222222/runs/pipelines-abc/train/output/model.tar.gz';
const decryptContext = { 'kms:ViaService': 's3.eu-central-1.amazonaws.com', 'kms:ResourceAliases': ['alias/vwml/weld-gun-pm/artifacts'] };

describe.each(STAGES)('%s creates models from the EXP model package and reads its artifacts (defect 9)', (stage, stack) => {
  test('the CloudFormation execution role may describe the pinned version (AWS::SageMaker::Model from a model package)', async () => {
    const role = cfnExecutionRole(stage);
    expect(await simulate({ ...role, resourcePolicy: groupPolicy, action: 'sagemaker:DescribeModelPackage', resource: PINNED })).toBe('Allowed');
    // negative twins: other roles of the same account (the bootstrap deploy and execution roles) are not admitted
    const account = config.account(stage).accountId;
    for (const other of ['deploy-role', 'cfn-exec-role']) {
      expect(
        await simulate({ ...role, principal: `arn:aws:iam::${account}:role/cdk-vwml-${other}-${account}-eu-central-1`, resourcePolicy: groupPolicy, action: 'sagemaker:DescribeModelPackage', resource: PINNED }),
      ).toBe('ImplicitlyDenied');
    }
    // it creates models only: no artifact access
    expect(await simulate({ ...role, resourcePolicy: artifactBucketPolicy, action: 's3:GetObject', resource: ARTIFACT })).toBe('ImplicitlyDenied');
  });

  test('the batch workflow role has a fixed name and may describe the pinned version', async () => {
    const role = servingRole(stage, stack, `vwml-weld-gun-pm-${stage}-batch-workflow`);
    expect(await simulate({ ...role, resourcePolicy: groupPolicy, action: 'sagemaker:DescribeModelPackage', resource: PINNED })).toBe('Allowed');
  });

  test('the batch model role has a fixed name and may read and decrypt the model artifact in EXP', async () => {
    const role = servingRole(stage, stack, `vwml-weld-gun-pm-${stage}-batch-model`);
    // the group policy admits it too (SageMaker may check the execution role of a model built from a package)
    expect(JSON.stringify(groupPolicy)).toContain(role.principal);
    const decisions: Record<string, Decision> = {
      read: await simulate({ ...role, resourcePolicy: artifactBucketPolicy, action: 's3:GetObject', resource: ARTIFACT }),
      decrypt: await simulate({ ...role, resourcePolicy: artifactKeyPolicy, action: 'kms:Decrypt', resource: artifactKeyArn, context: decryptContext }),
    };
    expect(decisions).toEqual({ read: 'Allowed', decrypt: 'Allowed' });
    // negative twin: decrypting directly, not through S3
    expect(
      await simulate({ ...role, resourcePolicy: artifactKeyPolicy, action: 'kms:Decrypt', resource: artifactKeyArn, context: { ...decryptContext, 'kms:ViaService': 'ssm.eu-central-1.amazonaws.com' } }),
    ).toBe('ImplicitlyDenied');
  });

  test('the endpoint role may read and decrypt the model artifact in EXP', async () => {
    const role = servingRole(stage, stack, `vwml-weld-gun-pm-${stage}-endpoint`);
    expect(await simulate({ ...role, resourcePolicy: artifactBucketPolicy, action: 's3:GetObject', resource: ARTIFACT })).toBe('Allowed');
    expect(await simulate({ ...role, resourcePolicy: artifactKeyPolicy, action: 'kms:Decrypt', resource: artifactKeyArn, context: decryptContext })).toBe('Allowed');
  });
});
