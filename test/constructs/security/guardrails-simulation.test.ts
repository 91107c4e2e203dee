/**
 * IAM policy simulation of the SYNTHESIZED guardrail policy and permissions boundary: every
 * non-compliant request is explicitly denied by the expected statement, and its compliant twin is
 * allowed. The identity policy `ALLOW_ALL` isolates the denies.
 */
import { ACCOUNT, COMPLIANT, KEY, OTHER_KEY, OTHER_SUBNET, REGION, SG, sm, SUBNET, variant } from './fixtures';
import { SageMakerGuardrails } from '../../../src/constructs/security';
import { ALLOW_ALL, Decision, logicalIdOf, PolicyDocumentJson, simulateWithDetails, TemplatePolicies } from '../../helpers/iam-simulator';
import { testStack } from '../../helpers/stacks';

interface Case {
  /** What the request does. */
  readonly name: string;
  readonly action: string;
  readonly resource: string;
  readonly context: Record<string, any>;
  /** The Sid of the deny that must stop it; undefined for requests that must be allowed. */
  readonly deniedBy?: string;
  /** Whether the permissions boundary carries that deny too (its core denies). */
  readonly inBoundary?: boolean;
}

const DENIED: Case[] = [
  { name: 'training job without VpcSubnets', ...variant('sagemaker:CreateTrainingJob', { 'sagemaker:VpcSubnets': undefined }), deniedBy: 'NoVpcSubnets', inBoundary: true },
  { name: 'processing job without VpcSubnets', ...variant('sagemaker:CreateProcessingJob', { 'sagemaker:VpcSubnets': undefined, 'sagemaker:VpcSecurityGroupIds': undefined }), deniedBy: 'NoVpcSubnets', inBoundary: true },
  { name: 'model without VpcSubnets', ...variant('sagemaker:CreateModel', { 'sagemaker:VpcSubnets': undefined }), deniedBy: 'NoVpcSubnets', inBoundary: true },
  { name: 'domain without VpcSubnets', ...variant('sagemaker:CreateDomain', { 'sagemaker:VpcSubnets': undefined }), deniedBy: 'NoVpcSubnets', inBoundary: true },
  { name: 'notebook without security groups', ...variant('sagemaker:CreateNotebookInstance', { 'sagemaker:VpcSecurityGroupIds': undefined }), deniedBy: 'NoVpcSecurityGroups' },
  { name: 'processing job without VolumeKmsKeyArn', ...variant('sagemaker:CreateProcessingJob', { 'sagemaker:VolumeKmsKeyArn': undefined }), deniedBy: 'NoVolumeKmsKey', inBoundary: true },
  { name: 'endpoint config without VolumeKmsKeyArn', ...variant('sagemaker:CreateEndpointConfig', { 'sagemaker:VolumeKmsKeyArn': undefined }), deniedBy: 'NoVolumeKmsKey', inBoundary: true },
  {
    name: 'training job on a local-storage and an EBS instance type without VolumeKmsKeyArn',
    ...variant('sagemaker:CreateTrainingJob', { 'sagemaker:VolumeKmsKeyArn': undefined, 'sagemaker:InstanceTypes': ['ml.g5.xlarge', 'ml.m5.xlarge'] }),
    deniedBy: 'NoVolumeKmsKey',
    inBoundary: true,
  },
  { name: 'notebook without VolumeKmsKeyArn', ...variant('sagemaker:CreateNotebookInstance', { 'sagemaker:VolumeKmsKeyArn': undefined }), deniedBy: 'NoStorageKmsKey', inBoundary: true },
  { name: 'AutoML job without VolumeKmsKeyArn', ...variant('sagemaker:CreateAutoMLJobV2', { 'sagemaker:VolumeKmsKeyArn': undefined }), deniedBy: 'NoStorageKmsKey', inBoundary: true },
  { name: 'processing job without OutputKmsKeyArn', ...variant('sagemaker:CreateProcessingJob', { 'sagemaker:OutputKmsKeyArn': undefined }), deniedBy: 'NoOutputKmsKey', inBoundary: true },
  { name: 'transform job without OutputKmsKeyArn', ...variant('sagemaker:CreateTransformJob', { 'sagemaker:OutputKmsKeyArn': undefined }), deniedBy: 'NoOutputKmsKey', inBoundary: true },
  { name: 'training job with NetworkIsolation false', ...variant('sagemaker:CreateTrainingJob', { 'sagemaker:NetworkIsolation': false }), deniedBy: 'NoNetworkIsolation', inBoundary: true },
  { name: 'training job without NetworkIsolation', ...variant('sagemaker:CreateTrainingJob', { 'sagemaker:NetworkIsolation': undefined }), deniedBy: 'NoNetworkIsolation', inBoundary: true },
  { name: 'model without NetworkIsolation', ...variant('sagemaker:CreateModel', { 'sagemaker:NetworkIsolation': false }), deniedBy: 'NoNetworkIsolation', inBoundary: true },
  { name: 'processing job without NetworkIsolation', ...variant('sagemaker:CreateProcessingJob', { 'sagemaker:NetworkIsolation': undefined }), deniedBy: 'NoNetworkIsolation', inBoundary: true },
  {
    name: 'training job with InterContainerTrafficEncryption false',
    ...variant('sagemaker:CreateTrainingJob', { 'sagemaker:InterContainerTrafficEncryption': false }),
    deniedBy: 'NoInterContainerEncryption',
    inBoundary: true,
  },
  {
    name: 'tuning job without InterContainerTrafficEncryption',
    ...variant('sagemaker:CreateHyperParameterTuningJob', { 'sagemaker:InterContainerTrafficEncryption': undefined }),
    deniedBy: 'NoInterContainerEncryption',
    inBoundary: true,
  },
  { name: 'notebook with DirectInternetAccess Enabled', ...variant('sagemaker:CreateNotebookInstance', { 'sagemaker:DirectInternetAccess': 'Enabled' }), deniedBy: 'NotebookInternet', inBoundary: true },
  { name: 'notebook without DirectInternetAccess (API default Enabled)', ...variant('sagemaker:CreateNotebookInstance', { 'sagemaker:DirectInternetAccess': undefined }), deniedBy: 'NotebookInternet', inBoundary: true },
  { name: 'notebook with RootAccess Enabled', ...variant('sagemaker:CreateNotebookInstance', { 'sagemaker:RootAccess': 'Enabled' }), deniedBy: 'NotebookRoot', inBoundary: true },
  {
    name: 'notebook update enabling RootAccess',
    action: 'sagemaker:UpdateNotebookInstance',
    resource: sm('notebook-instance/nb-1'),
    context: { 'sagemaker:RootAccess': 'Enabled' },
    deniedBy: 'NotebookRootUpdate',
  },
  { name: 'notebook allowing IMDSv1', ...variant('sagemaker:CreateNotebookInstance', { 'sagemaker:MinimumInstanceMetadataServiceVersion': '1' }), deniedBy: 'NotebookImdsV1' },
  { name: 'domain with PublicInternetOnly', ...variant('sagemaker:CreateDomain', { 'sagemaker:AppNetworkAccessType': 'PublicInternetOnly' }), deniedBy: 'DomainNotVpcOnly', inBoundary: true },
  { name: 'domain without AppNetworkAccessType (API default PublicInternetOnly)', ...variant('sagemaker:CreateDomain', { 'sagemaker:AppNetworkAccessType': undefined }), deniedBy: 'DomainNotVpcOnly', inBoundary: true },
  { name: 'domain update to PublicInternetOnly', ...variant('sagemaker:UpdateDomain', { 'sagemaker:AppNetworkAccessType': 'PublicInternetOnly' }), deniedBy: 'DomainPublicUpdate' },
  { name: 'training job on a disallowed instance type', ...variant('sagemaker:CreateTrainingJob', { 'sagemaker:InstanceTypes': ['ml.p4d.24xlarge'] }), deniedBy: 'InstanceTypes', inBoundary: true },
  { name: 'endpoint config with one disallowed instance type', ...variant('sagemaker:CreateEndpointConfig', { 'sagemaker:InstanceTypes': ['ml.m5.large', 'ml.m5.24xlarge'] }), deniedBy: 'InstanceTypes', inBoundary: true },
  { name: 'Studio app on a disallowed instance type', ...variant('sagemaker:CreateApp', { 'sagemaker:InstanceTypes': ['ml.p3.16xlarge'] }), deniedBy: 'InstanceTypes', inBoundary: true },
  { name: 'notebook on a disallowed instance type', ...variant('sagemaker:CreateNotebookInstance', { 'sagemaker:InstanceTypes': ['ml.m5.24xlarge'] }), deniedBy: 'InstanceTypes', inBoundary: true },
  { name: 'monitoring schedule with an inline job definition', ...variant('sagemaker:CreateMonitoringSchedule', { 'sagemaker:InstanceTypes': ['ml.m5.large'] }), deniedBy: 'InlineMonitoringJob' },
  { name: 'labeling job with a public workforce', ...variant('sagemaker:CreateLabelingJob', { 'sagemaker:WorkteamType': 'public-crowd' }), deniedBy: 'PublicWorkforce' },
  { name: 'compilation job (no VPC or KMS condition keys)', action: 'sagemaker:CreateCompilationJob', resource: sm('compilation-job/neo-1'), context: {}, deniedBy: 'UngovernableJobs' },
];

const ALLOWED: Case[] = [
  ...Object.entries(COMPLIANT).map(([action, r]) => ({ name: `compliant ${action}`, action, ...r })),
  {
    name: 'training job on a local-storage instance type without VolumeKmsKeyArn (hardware-encrypted)',
    ...variant('sagemaker:CreateTrainingJob', { 'sagemaker:VolumeKmsKeyArn': undefined, 'sagemaker:InstanceTypes': ['ml.g5.xlarge'] }),
  },
  {
    name: 'serverless endpoint config (no instance types, takes no key)',
    ...variant('sagemaker:CreateEndpointConfig', { 'sagemaker:VolumeKmsKeyArn': undefined, 'sagemaker:InstanceTypes': undefined }),
  },
  { name: 'notebook update keeping RootAccess Disabled', action: 'sagemaker:UpdateNotebookInstance', resource: sm('notebook-instance/nb-1'), context: { 'sagemaker:RootAccess': 'Disabled' } },
  { name: 'describing a training job', action: 'sagemaker:DescribeTrainingJob', resource: sm('training-job/train-1'), context: {} },
];

describe('SageMakerGuardrails: simulation of the synthesized policies', () => {
  const { stack } = testStack();
  const guardrails = new SageMakerGuardrails(stack, 'Guardrails');
  const policies = TemplatePolicies.fromStack(stack);
  const guardrail = policies.policyDocument(logicalIdOf(guardrails.guardrailPolicy));
  const boundary = policies.policyDocument(logicalIdOf(guardrails.permissionsBoundary));
  const BOUNDARY_ARN: string = policies.resolve(stack.resolve(guardrails.permissionsBoundaryArn));
  const GUARDRAIL_ARN: string = policies.resolve(stack.resolve(guardrails.guardrailPolicyArn));

  test('the policy ARNs are the deployed ones', () => {
    expect(BOUNDARY_ARN).toBe(`arn:aws:iam::${ACCOUNT}:policy/MlopsPlatformPermissionsBoundary`);
    expect(GUARDRAIL_ARN).toBe(`arn:aws:iam::${ACCOUNT}:policy/MlopsPlatformSageMakerGuardrails`);
  });

  test('the case lists are large enough', () => {
    expect(DENIED.length).toBeGreaterThanOrEqual(30);
    expect(ALLOWED.length).toBeGreaterThanOrEqual(15);
  });

  describe('guardrail policy (identity policy next to allow-all)', () => {
    test.each(DENIED.map((c) => [c.name, c] as const))('denies %s', async (_n, c) => {
      const result = await simulateWithDetails({ identityPolicies: [ALLOW_ALL, guardrail], ...c });
      expect(result.decision).toBe('ExplicitlyDenied');
      expect(result.explicitDenials.map((d) => d.sid)).toContain(c.deniedBy);
    });
    test.each(ALLOWED.map((c) => [c.name, c] as const))('allows %s', async (_n, c) => {
      const result = await simulateWithDetails({ identityPolicies: [ALLOW_ALL, guardrail], ...c });
      expect(result.decision).toBe('Allowed');
    });
  });

  describe('permissions boundary (around allow-all)', () => {
    test.each(DENIED.map((c) => [c.name, c] as const))('%s', async (_n, c) => {
      const result = await simulateWithDetails({ identityPolicies: [ALLOW_ALL], permissionBoundaryPolicies: [boundary], ...c });
      if (c.inBoundary) {
        expect(result.decision).toBe('ExplicitlyDenied');
        expect(result.explicitDenials).toContainEqual(expect.objectContaining({ policyType: 'pb', sid: c.deniedBy }));
      } else {
        // guardrail-policy-only deny: the boundary alone lets it through (its quota keeps the core denies only)
        expect(result.decision).toBe('Allowed');
      }
    });
    test.each(ALLOWED.map((c) => [c.name, c] as const))('allows %s', async (_n, c) => {
      expect((await simulateWithDetails({ identityPolicies: [ALLOW_ALL], permissionBoundaryPolicies: [boundary], ...c })).decision).toBe('Allowed');
    });
  });

  describe('guardrail policy and boundary together', () => {
    test.each([...DENIED, ...ALLOWED].map((c) => [c.name, c] as const))('%s', async (_n, c) => {
      const result = await simulateWithDetails({ identityPolicies: [ALLOW_ALL, guardrail], permissionBoundaryPolicies: [boundary], ...c });
      expect(result.decision).toBe(c.deniedBy ? 'ExplicitlyDenied' : 'Allowed');
    });
  });

  describe('permissions boundary: privilege escalation', () => {
    const role = `arn:aws:iam::${ACCOUNT}:role/NewRole`;
    const escalation: Array<[string, string, string, Record<string, any>, Decision, string?]> = [
      ['role creation without the boundary', 'iam:CreateRole', role, {}, 'ExplicitlyDenied', 'RoleWithoutBoundary'],
      ['role creation with another boundary', 'iam:CreateRole', role, { 'iam:PermissionsBoundary': `arn:aws:iam::${ACCOUNT}:policy/Other` }, 'ExplicitlyDenied', 'RoleWithoutBoundary'],
      ['role creation with the boundary', 'iam:CreateRole', role, { 'iam:PermissionsBoundary': BOUNDARY_ARN }, 'Allowed'],
      ['deleting a role boundary', 'iam:DeleteRolePermissionsBoundary', role, { 'iam:PermissionsBoundary': BOUNDARY_ARN }, 'ExplicitlyDenied', 'BoundaryChange'],
      ['replacing a role boundary', 'iam:PutRolePermissionsBoundary', role, { 'iam:PermissionsBoundary': BOUNDARY_ARN }, 'ExplicitlyDenied', 'BoundaryChange'],
      ['a new version of the boundary policy', 'iam:CreatePolicyVersion', BOUNDARY_ARN, {}, 'ExplicitlyDenied', 'PolicyAuthoring'],
      ['deleting the guardrail policy', 'iam:DeletePolicy', GUARDRAIL_ARN, {}, 'ExplicitlyDenied', 'PolicyAuthoring'],
      ['an inline policy on a bounded role', 'iam:PutRolePolicy', role, { 'iam:PermissionsBoundary': BOUNDARY_ARN }, 'ExplicitlyDenied', 'PolicyAuthoring'],
      ['attaching AdministratorAccess to a bounded role', 'iam:AttachRolePolicy', role,
        { 'iam:PermissionsBoundary': BOUNDARY_ARN, 'iam:PolicyARN': 'arn:aws:iam::aws:policy/AdministratorAccess' }, 'ExplicitlyDenied', 'AttachOnlyGuardrail'],
      ['attaching the guardrail policy to a bounded role', 'iam:AttachRolePolicy', role,
        { 'iam:PermissionsBoundary': BOUNDARY_ARN, 'iam:PolicyARN': GUARDRAIL_ARN }, 'Allowed'],
      ['detaching the guardrail policy', 'iam:DetachRolePolicy', role,
        { 'iam:PermissionsBoundary': BOUNDARY_ARN, 'iam:PolicyARN': GUARDRAIL_ARN }, 'ExplicitlyDenied', 'DetachGuardrail'],
      ['deleting a role without the boundary (e.g. an administrator role)', 'iam:DeleteRole', `arn:aws:iam::${ACCOUNT}:role/Admin`, {}, 'ExplicitlyDenied', 'UnboundedRoleChange'],
      ['deleting a bounded role', 'iam:DeleteRole', role, { 'iam:PermissionsBoundary': BOUNDARY_ARN }, 'Allowed'],
      ['a service outside the platform (EC2 instances)', 'ec2:RunInstances', `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/i-0123456789abcdef0`, {}, 'ImplicitlyDenied'],
      ['creating an IAM user', 'iam:CreateUser', `arn:aws:iam::${ACCOUNT}:user/bob`, { 'iam:PermissionsBoundary': BOUNDARY_ARN }, 'ImplicitlyDenied'],
      ['passing a role to SageMaker', 'iam:PassRole', role, { 'iam:PassedToService': 'sagemaker.amazonaws.com' }, 'Allowed'],
      ['passing a role to EC2', 'iam:PassRole', role, { 'iam:PassedToService': 'ec2.amazonaws.com' }, 'ImplicitlyDenied'],
    ];
    // rows as objects: a short array row would make jest pass its done callback as the last argument
    test.each(escalation.map(([name, action, resource, context, expected, sid]) => ({ name, action, resource, context, expected, sid })))('$name', async ({ action, resource, context, expected, sid }) => {
      const result = await simulateWithDetails({ identityPolicies: [ALLOW_ALL], permissionBoundaryPolicies: [boundary], action, resource, context });
      expect(result.decision).toBe(expected);
      if (sid) expect(result.explicitDenials).toContainEqual(expect.objectContaining({ policyType: 'pb', sid }));
    });
  });
});

describe('SageMakerGuardrails: allow-lists, regions and opt-outs in simulation', () => {
  const { stack } = testStack();
  const guardrails = new SageMakerGuardrails(stack, 'Guardrails', {
    allowedSubnetIds: [SUBNET],
    allowedSecurityGroupIds: [SG],
    kmsKeyArns: [KEY],
    allowedRegions: [REGION],
    requireNetworkIsolationForProcessing: false,
    allowedInstanceTypes: ['ml.m5.*', 'ml.p4d.24xlarge'],
  });
  const policies = TemplatePolicies.fromStack(stack);
  const guardrail: PolicyDocumentJson = policies.policyDocument(logicalIdOf(guardrails.guardrailPolicy));
  const boundary: PolicyDocumentJson = policies.policyDocument(logicalIdOf(guardrails.permissionsBoundary));
  const cases: Array<[string, { action: string; resource: string; context: Record<string, any> }, Decision, string?]> = [
    ['training job in a subnet outside the allow-list', variant('sagemaker:CreateTrainingJob', { 'sagemaker:VpcSubnets': [SUBNET, OTHER_SUBNET] }), 'ExplicitlyDenied', 'SubnetAllowList'],
    ['training job with a security group outside the allow-list', variant('sagemaker:CreateTrainingJob', { 'sagemaker:VpcSecurityGroupIds': ['sg-0fedcba9876543210'] }), 'ExplicitlyDenied', 'SecurityGroupAllowList'],
    ['training job with another volume key', variant('sagemaker:CreateTrainingJob', { 'sagemaker:VolumeKmsKeyArn': OTHER_KEY }), 'ExplicitlyDenied', 'VolumeKeyAllowList'],
    ['processing job with another output key', variant('sagemaker:CreateProcessingJob', { 'sagemaker:OutputKmsKeyArn': OTHER_KEY }), 'ExplicitlyDenied', 'OutputKeyAllowList'],
    ['training job within every allow-list', variant('sagemaker:CreateTrainingJob', {}), 'Allowed'],
    ['processing job without network isolation (opted out)', variant('sagemaker:CreateProcessingJob', { 'sagemaker:NetworkIsolation': false }), 'Allowed'],
    ['training job without network isolation (never opted out)', variant('sagemaker:CreateTrainingJob', { 'sagemaker:NetworkIsolation': false }), 'ExplicitlyDenied', 'NoNetworkIsolation'],
    ['training job on a family pattern of the allow-list', variant('sagemaker:CreateTrainingJob', { 'sagemaker:InstanceTypes': ['ml.m5.12xlarge'] }), 'Allowed'],
    ['training job on an exact type of the allow-list, local storage without volume key',
      variant('sagemaker:CreateTrainingJob', { 'sagemaker:InstanceTypes': ['ml.p4d.24xlarge'], 'sagemaker:VolumeKmsKeyArn': undefined }), 'Allowed'],
    ['training job on a type outside the allow-list', variant('sagemaker:CreateTrainingJob', { 'sagemaker:InstanceTypes': ['ml.c5.xlarge'] }), 'ExplicitlyDenied', 'InstanceTypes'],
  ];
  test.each(cases.map(([name, request, expected, sid]) => ({ name, request, expected, sid })))('guardrail policy: $name', async ({ request, expected, sid }) => {
    const result = await simulateWithDetails({ identityPolicies: [ALLOW_ALL, guardrail], ...request });
    expect(result.decision).toBe(expected);
    if (sid) expect(result.explicitDenials.map((d) => d.sid)).toContain(sid);
  });

  test('boundary: calls to other regions are denied, global IAM calls are not', async () => {
    const describe = { action: 'sagemaker:DescribeTrainingJob', resource: `arn:aws:sagemaker:us-east-1:${ACCOUNT}:training-job/x` };
    const other = await simulateWithDetails({ identityPolicies: [ALLOW_ALL], permissionBoundaryPolicies: [boundary], ...describe });
    expect(other.decision).toBe('ExplicitlyDenied');
    expect(other.explicitDenials.map((d) => d.sid)).toEqual(['OutsideAllowedRegions']);
    const home = await simulateWithDetails({ identityPolicies: [ALLOW_ALL], permissionBoundaryPolicies: [boundary], ...describe, context: { 'aws:RequestedRegion': REGION } });
    expect(home.decision).toBe('Allowed');
    const iamRead = await simulateWithDetails({
      identityPolicies: [ALLOW_ALL],
      permissionBoundaryPolicies: [boundary],
      action: 'iam:GetRole',
      resource: `arn:aws:iam::${ACCOUNT}:role/x`,
      context: { 'aws:RequestedRegion': 'us-east-1' },
    });
    expect(iamRead.decision).toBe('Allowed');
  });
});

describe('SageMakerGuardrails: the boundary admits the package mirror', () => {
  const { stack } = testStack();
  const guardrails = new SageMakerGuardrails(stack, 'Guardrails');
  const boundary = TemplatePolicies.fromStack(stack).policyDocument(logicalIdOf(guardrails.permissionsBoundary));
  const domain = `arn:aws:codeartifact:${REGION}:${ACCOUNT}:domain/mlops-packages`;

  // aws codeartifact login / get-authorization-token: CodeArtifact's token is an STS bearer token, so the
  // caller needs both actions (https://docs.aws.amazon.com/codeartifact/latest/ug/tokens-authentication.html)
  test.each([
    ['codeartifact:GetAuthorizationToken', domain, {}],
    ['sts:GetServiceBearerToken', '*', { 'sts:AWSServiceName': 'codeartifact.amazonaws.com' }],
    ['codeartifact:ReadFromRepository', `arn:aws:codeartifact:${REGION}:${ACCOUNT}:repository/mlops-packages/shared`, {}],
  ])('%s is allowed under the boundary', async (action, resource, context) => {
    const result = await simulateWithDetails({ identityPolicies: [ALLOW_ALL], permissionBoundaryPolicies: [boundary], action, resource, context });
    expect(result.decision).toBe('Allowed');
  });
});
