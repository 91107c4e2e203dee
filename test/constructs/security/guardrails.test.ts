import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { KEY, SG, SUBNET } from './fixtures';
import { ComplianceCheck } from '../../../src';
import { SageMakerGuardrails } from '../../../src/constructs/security';
import { policySize } from '../../../src/constructs/security/policy-utils';
import { testStack } from '../../helpers/stacks';

const BOUNDARY_ARN = 'arn:aws:iam::222222222222:policy/MlopsPlatformPermissionsBoundary';
const GUARDRAIL_ARN = 'arn:aws:iam::222222222222:policy/MlopsPlatformSageMakerGuardrails';

/** The statements of the managed policy with this name, by Sid. */
function statementsOf(stack: Stack, policyName: string): Record<string, any> {
  const policies = Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy', { Properties: { ManagedPolicyName: policyName } });
  const [policy] = Object.values(policies);
  if (!policy) throw new Error(`no managed policy ${policyName}`);
  return Object.fromEntries((policy as any).Properties.PolicyDocument.Statement.map((s: any) => [s.Sid, s]));
}

describe('SageMakerGuardrails', () => {
  test('guardrail policy: explicit denies with the verified condition keys and operators', () => {
    const { stack } = testStack();
    new SageMakerGuardrails(stack, 'Guardrails');
    const s = statementsOf(stack, 'MlopsPlatformSageMakerGuardrails');
    expect(Object.keys(s)).toEqual([
      'NoVpcSubnets', 'NoVolumeKmsKey', 'NoStorageKmsKey', 'NoOutputKmsKey', 'NoNetworkIsolation', 'NoInterContainerEncryption',
      'NotebookInternet', 'NotebookRoot', 'DomainNotVpcOnly', 'InstanceTypes',
      'NoVpcSecurityGroups', 'DomainPublicUpdate', 'NotebookRootUpdate', 'NotebookImdsV1', 'NotebookImdsV1Update', 'InlineMonitoringJob',
      'PublicWorkforce', 'UngovernableJobs',
    ]);
    for (const statement of Object.values(s)) {
      expect(statement.Effect).toBe('Deny');
      expect(statement.Resource).toBe('*');
    }
    expect(s.NoVpcSubnets).toEqual({
      Sid: 'NoVpcSubnets',
      Effect: 'Deny',
      Resource: '*',
      Action: ['sagemaker:CreateTrainingJob', 'sagemaker:CreateProcessingJob', 'sagemaker:CreateHyperParameterTuningJob', 'sagemaker:CreateAutoMLJob',
        'sagemaker:CreateAutoMLJobV2', 'sagemaker:CreateModel', 'sagemaker:CreateNotebookInstance', 'sagemaker:CreateDomain',
        'sagemaker:Create*JobDefinition', 'sagemaker:CreateCluster', 'sagemaker:CreateJob'],
      Condition: { Null: { 'sagemaker:VpcSubnets': 'true' } },
    });
    expect(s.NoVpcSecurityGroups.Action).toEqual(['sagemaker:CreateNotebookInstance', 'sagemaker:CreateDomain']);
    expect(s.NoVpcSecurityGroups.Condition).toEqual({ Null: { 'sagemaker:VpcSecurityGroupIds': 'true' } });
    // default allow-list has two local-storage families: only they are exempt from the volume key
    expect(s.NoVolumeKmsKey.Condition).toEqual({
      'Null': { 'sagemaker:VolumeKmsKeyArn': 'true' },
      'ForAnyValue:StringNotLike': { 'sagemaker:InstanceTypes': ['ml.g4dn.*', 'ml.g5.*'] },
    });
    expect(s.NoVolumeKmsKey.Action).toEqual(['sagemaker:CreateTrainingJob', 'sagemaker:CreateProcessingJob', 'sagemaker:CreateHyperParameterTuningJob',
      'sagemaker:CreateTransformJob', 'sagemaker:CreateEndpointConfig', 'sagemaker:Create*JobDefinition']);
    expect(s.NoStorageKmsKey).toMatchObject({
      Action: ['sagemaker:CreateAutoMLJob', 'sagemaker:CreateAutoMLJobV2', 'sagemaker:CreateNotebookInstance', 'sagemaker:CreateDomain'],
      Condition: { Null: { 'sagemaker:VolumeKmsKeyArn': 'true' } },
    });
    expect(s.NoOutputKmsKey).toMatchObject({
      Action: ['sagemaker:CreateTrainingJob', 'sagemaker:CreateProcessingJob', 'sagemaker:CreateHyperParameterTuningJob', 'sagemaker:CreateTransformJob',
        'sagemaker:CreateAutoMLJob', 'sagemaker:CreateAutoMLJobV2', 'sagemaker:Create*JobDefinition', 'sagemaker:CreateLabelingJob', 'sagemaker:CreateJob'],
      Condition: { Null: { 'sagemaker:OutputKmsKeyArn': 'true' } },
    });
    expect(s.NoNetworkIsolation).toMatchObject({
      Action: ['sagemaker:CreateTrainingJob', 'sagemaker:CreateHyperParameterTuningJob', 'sagemaker:CreateModel', 'sagemaker:CreateProcessingJob',
        'sagemaker:Create*JobDefinition'],
      Condition: { BoolIfExists: { 'sagemaker:NetworkIsolation': 'false' } },
    });
    expect(s.NoInterContainerEncryption).toMatchObject({
      Action: ['sagemaker:CreateTrainingJob', 'sagemaker:CreateProcessingJob', 'sagemaker:CreateHyperParameterTuningJob', 'sagemaker:CreateAutoMLJob',
        'sagemaker:CreateAutoMLJobV2', 'sagemaker:Create*JobDefinition'],
      Condition: { BoolIfExists: { 'sagemaker:InterContainerTrafficEncryption': 'false' } },
    });
    expect(s.NotebookInternet).toMatchObject({ Action: 'sagemaker:CreateNotebookInstance', Condition: { StringNotEquals: { 'sagemaker:DirectInternetAccess': 'Disabled' } } });
    expect(s.NotebookRoot).toMatchObject({ Action: 'sagemaker:CreateNotebookInstance', Condition: { StringNotEquals: { 'sagemaker:RootAccess': 'Disabled' } } });
    expect(s.NotebookRootUpdate).toMatchObject({ Action: 'sagemaker:UpdateNotebookInstance', Condition: { StringEquals: { 'sagemaker:RootAccess': 'Enabled' } } });
    expect(s.NotebookImdsV1.Condition).toEqual({ StringNotEquals: { 'sagemaker:MinimumInstanceMetadataServiceVersion': '2' } });
    expect(s.DomainNotVpcOnly).toMatchObject({ Action: 'sagemaker:CreateDomain', Condition: { StringNotEquals: { 'sagemaker:AppNetworkAccessType': 'VpcOnly' } } });
    expect(s.DomainPublicUpdate).toMatchObject({ Action: 'sagemaker:UpdateDomain', Condition: { StringEquals: { 'sagemaker:AppNetworkAccessType': 'PublicInternetOnly' } } });
    expect(s.InstanceTypes).toMatchObject({
      Action: 'sagemaker:*',
      Condition: { 'ForAnyValue:StringNotLike': { 'sagemaker:InstanceTypes': SageMakerGuardrails.DEFAULT_ALLOWED_INSTANCE_TYPES } },
    });
    expect(s.InlineMonitoringJob).toMatchObject({
      Action: ['sagemaker:CreateMonitoringSchedule', 'sagemaker:UpdateMonitoringSchedule'],
      Condition: { Null: { 'sagemaker:InstanceTypes': 'false' } },
    });
    expect(s.PublicWorkforce.Condition).toEqual({ StringEquals: { 'sagemaker:WorkteamType': ['public-crowd', 'vendor-crowd'] } });
    expect(s.UngovernableJobs.Action).toEqual(['sagemaker:CreateCompilationJob', 'sagemaker:CreateEdgePackagingJob', 'sagemaker:CreateInferenceRecommendationsJob',
      'sagemaker:CreateOptimizationJob', 'sagemaker:CreateAIBenchmarkJob', 'sagemaker:CreateAIRecommendationJob']);
    expect(s.UngovernableJobs.Condition).toBeUndefined();
    // the deprecated keys are not used
    expect(JSON.stringify(s)).not.toMatch(/sagemaker:(VolumeKmsKey|OutputKmsKey)"/);
  });

  test('permissions boundary: platform services, the core denies, and no escalation', () => {
    const { stack } = testStack();
    new SageMakerGuardrails(stack, 'Guardrails');
    const s = statementsOf(stack, 'MlopsPlatformPermissionsBoundary');
    expect(Object.keys(s)).toEqual([
      'PlatformServices', 'PlatformSupport', 'PassRoleToPlatformServices',
      'NoVpcSubnets', 'NoVolumeKmsKey', 'NoStorageKmsKey', 'NoOutputKmsKey', 'NoNetworkIsolation', 'NoInterContainerEncryption',
      'NotebookInternet', 'NotebookRoot', 'DomainNotVpcOnly', 'InstanceTypes',
      'RoleWithoutBoundary', 'UnboundedRoleChange', 'AttachOnlyGuardrail', 'DetachGuardrail', 'BoundaryChange', 'PolicyAuthoring',
    ]);
    const guardrail = statementsOf(stack, 'MlopsPlatformSageMakerGuardrails');
    for (const sid of ['NoVpcSubnets', 'NoVolumeKmsKey', 'NoOutputKmsKey', 'NoNetworkIsolation', 'InstanceTypes']) expect(s[sid]).toEqual(guardrail[sid]);
    expect(s.PlatformServices.Effect).toBe('Allow');
    expect(s.PlatformServices.Action).toEqual(expect.arrayContaining(['sagemaker:*', 's3:*', 'kms:*', 'logs:*', 'codepipeline:*']));
    expect(s.PlatformServices.Action).not.toContain('*');
    expect(s.PlatformServices.Action.filter((a: string) => /^(iam|sts|organizations|ec2|account):/.test(a))).toEqual([]);
    expect(s.PlatformSupport.Action).not.toEqual(expect.arrayContaining(['iam:PutRolePolicy']));
    expect(s.PassRoleToPlatformServices.Condition.StringEquals['iam:PassedToService']).toContain('sagemaker.amazonaws.com');
    expect(s.RoleWithoutBoundary).toEqual({
      Sid: 'RoleWithoutBoundary',
      Effect: 'Deny',
      Action: 'iam:CreateRole',
      Resource: '*',
      Condition: { StringNotEquals: { 'iam:PermissionsBoundary': BOUNDARY_ARN } },
    });
    expect(s.UnboundedRoleChange.Condition).toEqual({ StringNotEquals: { 'iam:PermissionsBoundary': BOUNDARY_ARN } });
    expect(s.AttachOnlyGuardrail.Condition).toEqual({ ArnNotEquals: { 'iam:PolicyARN': GUARDRAIL_ARN } });
    expect(s.DetachGuardrail.Condition).toEqual({ ArnEquals: { 'iam:PolicyARN': GUARDRAIL_ARN } });
    expect(s.BoundaryChange.Action).toEqual(['iam:DeleteRolePermissionsBoundary', 'iam:DeleteUserPermissionsBoundary',
      'iam:PutRolePermissionsBoundary', 'iam:PutUserPermissionsBoundary']);
    expect(s.PolicyAuthoring.Action).toEqual(expect.arrayContaining(['iam:CreatePolicyVersion', 'iam:SetDefaultPolicyVersion', 'iam:DeletePolicy', 'iam:PutRolePolicy']));
  });

  test('policies are named from the prefix; the ARNs are built from the names', () => {
    const { stack } = testStack();
    const g = new SageMakerGuardrails(stack, 'Guardrails', { managedPolicyNamePrefix: 'Team1-' });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::IAM::ManagedPolicy', 2);
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', { ManagedPolicyName: 'Team1-SageMakerGuardrails' });
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', { ManagedPolicyName: 'Team1-PermissionsBoundary' });
    expect(stack.resolve(g.permissionsBoundaryArn)).toBe('arn:aws:iam::222222222222:policy/Team1-PermissionsBoundary');
    expect(stack.resolve(g.guardrailPolicyArn)).toBe('arn:aws:iam::222222222222:policy/Team1-SageMakerGuardrails');
  });

  test('allow-lists, key ARNs, regions and extra boundary actions', () => {
    const { stack } = testStack();
    new SageMakerGuardrails(stack, 'Guardrails', {
      allowedSubnetIds: [SUBNET],
      allowedSecurityGroupIds: [SG],
      kmsKeyArns: [KEY],
      allowedRegions: ['eu-central-1', 'eu-west-1'],
      additionalBoundaryActions: ['states:StartExecution'],
      requireNetworkIsolationForProcessing: false,
      allowedInstanceTypes: ['ml.m5.*', 'ml.p4d.24xlarge'],
    });
    const g = statementsOf(stack, 'MlopsPlatformSageMakerGuardrails');
    expect(g.SubnetAllowList).toEqual({
      Sid: 'SubnetAllowList',
      Effect: 'Deny',
      Action: 'sagemaker:*',
      Resource: '*',
      Condition: { 'ForAnyValue:StringNotEquals': { 'sagemaker:VpcSubnets': [SUBNET] } },
    });
    expect(g.SecurityGroupAllowList.Condition).toEqual({ 'ForAnyValue:StringNotEquals': { 'sagemaker:VpcSecurityGroupIds': [SG] } });
    expect(g.VolumeKeyAllowList.Condition).toEqual({ Null: { 'sagemaker:VolumeKmsKeyArn': 'false' }, ArnNotEquals: { 'sagemaker:VolumeKmsKeyArn': [KEY] } });
    expect(g.OutputKeyAllowList.Condition).toEqual({ Null: { 'sagemaker:OutputKmsKeyArn': 'false' }, ArnNotEquals: { 'sagemaker:OutputKmsKeyArn': [KEY] } });
    expect(g.NoNetworkIsolation.Action).toEqual(['sagemaker:CreateTrainingJob', 'sagemaker:CreateHyperParameterTuningJob', 'sagemaker:CreateModel']);
    expect(g.NoVolumeKmsKey.Condition['ForAnyValue:StringNotLike']).toEqual({ 'sagemaker:InstanceTypes': ['ml.p4d.*'] });
    expect(g.InstanceTypes.Condition['ForAnyValue:StringNotLike']['sagemaker:InstanceTypes']).toEqual(['ml.m5.*', 'ml.p4d.24xlarge']);
    const b = statementsOf(stack, 'MlopsPlatformPermissionsBoundary');
    expect(b.SubnetAllowList).toBeUndefined();
    expect(b.AdditionalActions).toMatchObject({ Effect: 'Allow', Action: 'states:StartExecution', Resource: '*' });
    expect(b.OutsideAllowedRegions).toEqual({
      Sid: 'OutsideAllowedRegions',
      Effect: 'Deny',
      NotAction: ['iam:*', 'sts:*'],
      Resource: '*',
      Condition: { StringNotEquals: { 'aws:RequestedRegion': ['eu-central-1', 'eu-west-1'] } },
    });
  });

  test('without an allowed local-storage family, only requests with instance types need a volume key', () => {
    const { stack } = testStack();
    new SageMakerGuardrails(stack, 'Guardrails', { allowedInstanceTypes: ['ml.m5.large'] });
    expect(statementsOf(stack, 'MlopsPlatformSageMakerGuardrails').NoVolumeKmsKey.Condition).toEqual({
      Null: { 'sagemaker:VolumeKmsKeyArn': 'true', 'sagemaker:InstanceTypes': 'false' },
    });
  });

  test('both policies stay under the IAM size quota with every option', () => {
    const { stack } = testStack();
    const g = new SageMakerGuardrails(stack, 'Guardrails', {
      allowedSubnetIds: [SUBNET, 'subnet-0123456789abcdef1', 'subnet-0123456789abcdef2'],
      allowedSecurityGroupIds: [SG],
      kmsKeyArns: [KEY],
      allowedRegions: ['eu-central-1'],
    });
    expect(policySize(g, g.guardrailPolicy.document)).toBeLessThanOrEqual(6144);
    expect(policySize(g, g.permissionsBoundary.document)).toBeLessThanOrEqual(6144);
    // default: room left in the boundary for a longer instance-type list
    const { stack: s2 } = testStack();
    const d = new SageMakerGuardrails(s2, 'Guardrails');
    expect(policySize(d, d.permissionsBoundary.document)).toBeLessThan(5900);
  });

  test('protectRole attaches the guardrail policy and sets the boundary; applyPermissionsBoundary covers a scope', () => {
    const { stack } = testStack();
    const g = new SageMakerGuardrails(stack, 'Guardrails');
    const pipeline = new iam.Role(stack, 'Pipeline', { assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com') });
    g.protectRole(pipeline);
    const scope = new Construct(stack, 'Workers');
    const worker = new iam.Role(scope, 'Worker', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const outside = new iam.Role(stack, 'Outside', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    g.applyPermissionsBoundary(scope);
    const roles = Template.fromStack(stack).findResources('AWS::IAM::Role');
    const props = (r: iam.Role) => roles[stack.getLogicalId(r.node.defaultChild as iam.CfnRole)].Properties;
    const boundary = { Ref: stack.getLogicalId(g.permissionsBoundary.node.defaultChild as iam.CfnManagedPolicy) };
    expect(props(pipeline).PermissionsBoundary).toEqual(boundary);
    expect(props(pipeline).ManagedPolicyArns).toEqual([{ Ref: stack.getLogicalId(g.guardrailPolicy.node.defaultChild as iam.CfnManagedPolicy) }]);
    expect(props(worker).PermissionsBoundary).toEqual(boundary);
    expect(props(outside).PermissionsBoundary).toBeUndefined();
  });

  test('bad props fail at synth with the prop named', () => {
    const make = (props: any) => () => new SageMakerGuardrails(testStack().stack, 'G', props);
    expect(make({ allowedInstanceTypes: [] })).toThrow(/allowedInstanceTypes is empty/);
    expect(make({ allowedInstanceTypes: ['m5.large'] })).toThrow(/allowedInstanceTypes\[0\] "m5.large" is malformed; write a SageMaker instance type such as ml.m5.xlarge/);
    expect(make({ allowedInstanceTypes: ['ml.m5.large', '*'] })).toThrow(/allowedInstanceTypes\[1\] "\*" is malformed/);
    expect(make({ allowedInstanceTypes: ['ml.*'] })).toThrow(/allowedInstanceTypes\[0\]/);
    expect(make({ allowedInstanceTypes: ['ml.m5.large', 'ml.m5.large'] })).toThrow(/allowedInstanceTypes\[1\] "ml.m5.large" is listed twice/);
    expect(make({ localStorageInstanceTypes: ['g5'] })).toThrow(/localStorageInstanceTypes\[0\]/);
    expect(make({ allowedSubnetIds: ['subnet-xyz'] })).toThrow(/allowedSubnetIds\[0\] "subnet-xyz" is malformed; write a subnet id/);
    expect(make({ allowedSubnetIds: [] })).toThrow(/allowedSubnetIds is empty/);
    expect(make({ allowedSecurityGroupIds: ['sg-1'] })).toThrow(/allowedSecurityGroupIds\[0\]/);
    expect(make({ kmsKeyArns: ['alias/data'] })).toThrow(/kmsKeyArns\[0\] "alias\/data" is malformed; write a KMS key ARN .*\(not an alias/);
    expect(make({ allowedRegions: ['Frankfurt'] })).toThrow(/allowedRegions\[0\] "Frankfurt" is malformed; write a region name/);
    expect(make({ additionalBoundaryActions: ['*'] })).toThrow(/additionalBoundaryActions\[0\]/);
    expect(make({ managedPolicyNamePrefix: 'bad prefix' })).toThrow(/managedPolicyNamePrefix "bad prefix" is not valid/);
    const many = Array.from({ length: 120 }, (_, i) => `ml.m5.size${i}xlarge`);
    expect(make({ allowedInstanceTypes: many })).toThrow(/the policy GuardrailPolicy would have \d+ characters, above IAM's limit of 6144; shorten allowedInstanceTypes/);
  });

  test('compliant: cdk-nag packs pass with specific acknowledgements on the boundary only', () => {
    const { app, stack } = testStack();
    new SageMakerGuardrails(stack, 'Guardrails', { additionalBoundaryActions: ['states:StartExecution'] });
    const report = ComplianceCheck.assertCompliant(app);
    const acknowledged = [...new Set(report.acknowledgements.map((a) => `${a.constructPath} ${a.ruleId}`))].sort();
    expect(acknowledged).toEqual([
      'Test/Guardrails/PermissionsBoundary AwsSolutions-IAM5[Action::access-analyzer:Get*]',
      'Test/Guardrails/PermissionsBoundary AwsSolutions-IAM5[Action::access-analyzer:List*]',
      'Test/Guardrails/PermissionsBoundary AwsSolutions-IAM5[Action::application-autoscaling:*]',
      'Test/Guardrails/PermissionsBoundary AwsSolutions-IAM5[Action::athena:*]',
      'Test/Guardrails/PermissionsBoundary AwsSolutions-IAM5[Action::cloudformation:*]',
      'Test/Guardrails/PermissionsBoundary AwsSolutions-IAM5[Action::cloudtrail:Describe*]',
      'Test/Guardrails/PermissionsBoundary AwsSolutions-IAM5[Action::cloudtrail:Get*]',
      'Test/Guardrails/PermissionsBoundary AwsSolutions-IAM5[Action::cloudtrail:List*]',
      'Test/Guardrails/PermissionsBoundary AwsSolutions-IAM5[Action::cloudwatch:*]',
      'Test/Guardrails/PermissionsBoundary AwsSolutions-IAM5[Action::codeartifact:*]',
      'Test/Guardrails/PermissionsBoundary AwsSolutions-IAM5[Action::codebuild:*]',
      'Test/Guardrails/PermissionsBoundary AwsSolutions-IAM5[Action::codepipeline:*]',
      'Test/Guardrails/PermissionsBoundary AwsSolutions-IAM5[Action::config:Describe*]',
      'Test/Guardrails/PermissionsBoundary AwsSolutions-IAM5[Action::config:Get*]',
      'Test/Guardrails/PermissionsBoundary AwsSolutions-IAM5[Action::config:List*]',
      'Test/Guardrails/PermissionsBoundary AwsSolutions-IAM5[Action::ec2:CreateNetworkInterface*]',
      'Test/Guardrails/PermissionsBoundary AwsSolutions-IAM5[Action::ec2:DeleteNetworkInterface*]',
      'Test/Guardrails/PermissionsBoundary AwsSolutions-IAM5[Action::ec2:Describe*]',
      'Test/Guardrails/PermissionsBoundary AwsSolutions-IAM5[Action::ecr:*]',
      'Test/Guardrails/PermissionsBoundary AwsSolutions-IAM5[Action::events:*]',
      'Test/Guardrails/PermissionsBoundary AwsSolutions-IAM5[Action::glue:*]',
      'Test/Guardrails/PermissionsBoundary AwsSolutions-IAM5[Action::iam:Get*]',
      'Test/Guardrails/PermissionsBoundary AwsSolutions-IAM5[Action::iam:List*]',
      'Test/Guardrails/PermissionsBoundary AwsSolutions-IAM5[Action::kms:*]',
      'Test/Guardrails/PermissionsBoundary AwsSolutions-IAM5[Action::lambda:*]',
      'Test/Guardrails/PermissionsBoundary AwsSolutions-IAM5[Action::logs:*]',
      'Test/Guardrails/PermissionsBoundary AwsSolutions-IAM5[Action::s3:*]',
      'Test/Guardrails/PermissionsBoundary AwsSolutions-IAM5[Action::sagemaker:*]',
      'Test/Guardrails/PermissionsBoundary AwsSolutions-IAM5[Action::servicecatalog:*]',
      'Test/Guardrails/PermissionsBoundary AwsSolutions-IAM5[Action::sns:*]',
      'Test/Guardrails/PermissionsBoundary AwsSolutions-IAM5[Action::ssm:GetParameter*]',
      'Test/Guardrails/PermissionsBoundary AwsSolutions-IAM5[Resource::*]',
      'Test/Guardrails/PermissionsBoundary HIPAA.Security-IAMPolicyNoStatementsWithFullAccess',
      'Test/Guardrails/PermissionsBoundary NIST.800.53.R5-IAMPolicyNoStatementsWithFullAccess',
    ]);
    for (const a of report.acknowledgements) expect(a.reason.length).toBeGreaterThanOrEqual(30);
  });
});
