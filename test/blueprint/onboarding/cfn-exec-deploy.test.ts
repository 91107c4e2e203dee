/**
 * Deploy time, resource by resource: every resource of a listed use case's training and serving stacks
 * is created by CloudFormation with the use case's own execution role (not the bootstrap role, whose
 * policy allows everything). For each resource the test simulates the request CloudFormation makes to
 * create it, with the execution role's identity policies, and expects it allowed; the same role changing
 * another use case's or the platform's resources (by tag, and by name where a name prefix overlaps) is
 * denied. A resource type without a create request below fails the test, so a new resource type in the
 * stacks cannot slip past the execution role unnoticed.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { MlopsPlatform, MlopsUseCase, PlatformAccount, PlatformConfig, UseCaseOnboarding } from '../../../src';
import { ContextValue, emptyManagedPolicies, logicalIdOf, PolicyDocumentJson, simulate, TemplatePolicies } from '../../helpers/iam-simulator';
import { REFERENCE_PINNED_MODEL_PACKAGE_ARN, referenceStageSettings } from '../../reference/reference-app';

const json: any = PlatformConfig.sample().toJson();
json.useCases = ['weld-gun-pm', 'paint-defect', 'weld-gun'].map((name) => ({ name, team: `t-${name}`, repository: `vw-mlops/${name}` }));
const config = PlatformConfig.fromObject(json);
const app = new App();
// the reference app's stage settings (endpoint, inference API with WAF, batch inference, monitoring)
const A = new MlopsUseCase(app, 'WeldGun', {
  platform: config,
  useCaseName: 'weld-gun',
  pinnedModelPackageArn: REFERENCE_PINNED_MODEL_PACKAGE_ARN.replace('weld-gun-pm', 'weld-gun'),
  dev: referenceStageSettings(config, PlatformAccount.DEV),
  int: referenceStageSettings(config, PlatformAccount.INT),
  prod: referenceStageSettings(config, PlatformAccount.PROD),
});
const onboarding = Object.fromEntries(config.useCases.map((u) => [u.name, new UseCaseOnboarding(app, `On-${u.name}`, { config, useCase: u })]));
const REGION = 'eu-central-1';

/** The request CloudFormation makes to create one resource. */
interface CreateRequest {
  readonly action: string;
  readonly resource: string;
  readonly context?: Record<string, ContextValue>;
}

/** The ARN of A's CloudFormation execution role in an account (the caller of every request). */
function execRoleArn(account: PlatformAccount): string {
  return A.names.roleArn(account, A.names.cfnExecRoleName(account));
}

/** The identity policies of A's CloudFormation execution role in an account. */
function execPolicies(account: PlatformAccount): PolicyDocumentJson[] {
  const o = onboarding['weld-gun'];
  const stack = o.tryFindStack(account)!;
  const policies = TemplatePolicies.fromStack(stack, { account: config.account(account).accountId });
  // its guardrail policy (platform stack) denies SageMaker requests without VPC, keys or isolation; the
  // create requests here carry no such settings, and the release flow evaluates CreateModel with them
  const guardrails = `arn:aws:iam::${config.account(account).accountId}:policy/${config.prefix}-SageMakerGuardrails`;
  return policies.identityPolicies(logicalIdOf(o.tryFindDeployRoles(account)!.cfnExecRole), emptyManagedPolicies(guardrails));
}

/** The name of the bucket a `Bucket` property refers to (a literal name or a `Ref` to a bucket of the stack). */
function bucketNameOf(stack: Stack, bucket: any): string {
  if (typeof bucket === 'string') return bucket;
  const id = bucket.Ref as string;
  const target = Template.fromStack(stack).toJSON().Resources[id];
  return (target.Properties?.BucketName ?? `${stack.stackName}-${id}-1a2b3c4d`).toLowerCase();
}

/**
 * The create request of a resource (the generated name, when the template gives none, begins with the
 * stack name as CloudFormation's names do).
 */
function createRequest(stack: Stack, logicalId: string, r: { Type: string; Properties?: any }, acct: string): CreateRequest {
  const p = r.Properties ?? {};
  const generated = `${stack.stackName}-${logicalId}-1A2B3C4D`;
  const named = (key: string) => (typeof p[key] === 'string' ? p[key] : generated);
  const sm = (type: string, key: string) => ({ action: `sagemaker:Create${type}`, resource: `arn:aws:sagemaker:${REGION}:${acct}:${type.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase()}/${named(key)}` });
  const tag = { 'aws:RequestTag/mlops:use-case': 'weld-gun' };
  switch (r.Type) {
    case 'AWS::EC2::SecurityGroup': return { action: 'ec2:CreateSecurityGroup', resource: `arn:aws:ec2:${REGION}:${acct}:security-group/*`, context: tag };
    case 'AWS::EC2::SecurityGroupIngress': return { action: 'ec2:AuthorizeSecurityGroupIngress', resource: `arn:aws:ec2:${REGION}:${acct}:security-group/sg-0a1b2c`, context: { 'aws:ResourceTag/mlops:use-case': 'weld-gun' } };
    case 'AWS::EC2::SecurityGroupEgress': return { action: 'ec2:AuthorizeSecurityGroupEgress', resource: `arn:aws:ec2:${REGION}:${acct}:security-group/sg-0a1b2c`, context: { 'aws:ResourceTag/mlops:use-case': 'weld-gun' } };
    case 'AWS::S3::Bucket': return { action: 's3:CreateBucket', resource: `arn:aws:s3:::${named('BucketName').toLowerCase()}` };
    case 'AWS::S3::BucketPolicy': return { action: 's3:PutBucketPolicy', resource: `arn:aws:s3:::${bucketNameOf(stack, p.Bucket)}` };
    case 'AWS::Logs::LogGroup': return { action: 'logs:CreateLogGroup', resource: `arn:aws:logs:${REGION}:${acct}:log-group:${named('LogGroupName')}`, context: tag };
    case 'AWS::IAM::Role': return { action: 'iam:CreateRole', resource: `arn:aws:iam::${acct}:role/${named('RoleName')}`, context: tag };
    case 'AWS::IAM::ManagedPolicy': return { action: 'iam:CreatePolicy', resource: `arn:aws:iam::${acct}:policy/${named('ManagedPolicyName')}` };
    case 'AWS::SageMaker::Model': return sm('Model', 'ModelName');
    case 'AWS::SageMaker::EndpointConfig': return sm('EndpointConfig', 'EndpointConfigName');
    case 'AWS::SageMaker::Endpoint': return sm('Endpoint', 'EndpointName');
    case 'AWS::SageMaker::InferenceComponent': return sm('InferenceComponent', 'InferenceComponentName');
    case 'AWS::SageMaker::DataQualityJobDefinition': return sm('DataQualityJobDefinition', 'JobDefinitionName');
    case 'AWS::SageMaker::ModelQualityJobDefinition': return sm('ModelQualityJobDefinition', 'JobDefinitionName');
    case 'AWS::SageMaker::MonitoringSchedule': return sm('MonitoringSchedule', 'MonitoringScheduleName');
    case 'AWS::SageMaker::Pipeline': return sm('Pipeline', 'PipelineName');
    case 'AWS::SageMaker::ModelPackageGroup': return sm('ModelPackageGroup', 'ModelPackageGroupName');
    case 'AWS::SNS::Topic': return { action: 'sns:CreateTopic', resource: `arn:aws:sns:${REGION}:${acct}:${named('TopicName')}`, context: tag };
    case 'AWS::SNS::TopicPolicy': return { action: 'sns:SetTopicAttributes', resource: `arn:aws:sns:${REGION}:${acct}:${generated}` };
    case 'AWS::SQS::Queue': return { action: 'sqs:CreateQueue', resource: `arn:aws:sqs:${REGION}:${acct}:${named('QueueName')}`, context: tag };
    case 'AWS::SQS::QueuePolicy': return { action: 'sqs:SetQueueAttributes', resource: `arn:aws:sqs:${REGION}:${acct}:${generated}` };
    case 'AWS::CloudWatch::Alarm': return { action: 'cloudwatch:PutMetricAlarm', resource: `arn:aws:cloudwatch:${REGION}:${acct}:alarm:${named('AlarmName')}` };
    case 'AWS::CloudWatch::CompositeAlarm': return { action: 'cloudwatch:PutCompositeAlarm', resource: `arn:aws:cloudwatch:${REGION}:${acct}:alarm:${named('AlarmName')}` };
    case 'AWS::CloudWatch::Dashboard': return { action: 'cloudwatch:PutDashboard', resource: `arn:aws:cloudwatch::${acct}:dashboard/${named('DashboardName')}` };
    case 'AWS::ApplicationAutoScaling::ScalableTarget': return { action: 'application-autoscaling:RegisterScalableTarget', resource: `arn:aws:application-autoscaling:${REGION}:${acct}:scalable-target/0a1b2c3d` };
    case 'AWS::ApplicationAutoScaling::ScalingPolicy': return { action: 'application-autoscaling:PutScalingPolicy', resource: `arn:aws:application-autoscaling:${REGION}:${acct}:scalable-target/0a1b2c3d` };
    case 'AWS::Lambda::Function': return { action: 'lambda:CreateFunction', resource: `arn:aws:lambda:${REGION}:${acct}:function:${named('FunctionName')}`, context: tag };
    case 'AWS::Lambda::Permission': return { action: 'lambda:AddPermission', resource: `arn:aws:lambda:${REGION}:${acct}:function:${generated}` };
    case 'AWS::StepFunctions::StateMachine': return { action: 'states:CreateStateMachine', resource: `arn:aws:states:${REGION}:${acct}:stateMachine:${named('StateMachineName')}`, context: tag };
    case 'AWS::Scheduler::Schedule': return { action: 'scheduler:CreateSchedule', resource: `arn:aws:scheduler:${REGION}:${acct}:schedule/default/${named('Name')}` };
    case 'AWS::Events::Rule': return { action: 'events:PutRule', resource: `arn:aws:events:${REGION}:${acct}:rule/${named('Name')}`, context: tag };
    case 'AWS::KMS::Key': return { action: 'kms:CreateKey', resource: '*', context: tag };
    case 'AWS::KMS::Alias': return { action: 'kms:CreateAlias', resource: `arn:aws:kms:${REGION}:${acct}:${p.AliasName}` };
    case 'AWS::WAFv2::WebACL': return { action: 'wafv2:CreateWebACL', resource: `arn:aws:wafv2:${REGION}:${acct}:regional/webacl/${generated}/*`, context: tag };
    case 'AWS::WAFv2::LoggingConfiguration': return { action: 'wafv2:PutLoggingConfiguration', resource: `arn:aws:wafv2:${REGION}:${acct}:regional/webacl/${generated}/*` };
    case 'AWS::WAFv2::WebACLAssociation': return { action: 'wafv2:AssociateWebACL', resource: `arn:aws:wafv2:${REGION}:${acct}:regional/webacl/${generated}/*` };
    default:
      if (r.Type.startsWith('AWS::ApiGateway::')) return { action: 'apigateway:POST', resource: `arn:aws:apigateway:${REGION}::/restapis/a1b2c3/*`, context: tag };
      throw new Error(`no create request for ${r.Type} (${stack.stackName}/${logicalId}): add one to this test, and the service to the execution role if it is new`);
  }
}

const STACKS: Array<[string, () => Stack]> = [
  ['training (EXP)', () => A.training],
  ['serving DEV', () => A.dev],
  ['serving INT', () => A.int],
  ['serving PROD', () => A.prod],
];

describe('the CloudFormation execution role of a listed use case', () => {
  test.each(STACKS)('creates every resource of its %s stack', async (_label, stackOf) => {
    const stack = stackOf();
    const account = (stack as any).platformAccount as PlatformAccount;
    const acct = config.account(account).accountId;
    const identityPolicies = execPolicies(account);
    const resources = Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string; Properties?: any }>;
    const denied: string[] = [];
    let checked = 0;
    for (const [id, r] of Object.entries(resources)) {
      if (r.Type === 'AWS::CDK::Metadata') continue;
      const req = createRequest(stack, id, r, acct);
      const context = { ...req.context };
      if (r.Type === 'AWS::IAM::Role') context['iam:PermissionsBoundary'] = A.names.platform.permissionsBoundaryArn(account);
      const decision = await simulate({
        identityPolicies, principal: execRoleArn(account), action: req.action, resource: req.resource, context, allowIgnoredContextKeys: true,
      });
      checked++;
      if (decision !== 'Allowed') denied.push(`${r.Type} ${id}: ${req.action} on ${req.resource} -> ${decision}`);
    }
    expect(checked).toBeGreaterThan(15);
    expect(denied).toEqual([]);
  });

  test.each([PlatformAccount.DEV, PlatformAccount.EXP])('in %s is denied on another use case\'s and the platform\'s resources', async (account) => {
    const acct = config.account(account).accountId;
    const identityPolicies = execPolicies(account);
    const run = (action: string, resource: string, context?: Record<string, ContextValue>) =>
      simulate({ identityPolicies, principal: execRoleArn(account), action, resource, context, allowIgnoredContextKeys: true });
    for (const owner of ['paint-defect', 'weld-gun-pm', 'platform']) {
      const tagged = { 'aws:ResourceTag/mlops:use-case': owner };
      expect(await run('sagemaker:UpdateEndpoint', `arn:aws:sagemaker:${REGION}:${acct}:endpoint/x`, tagged)).toBe('ExplicitlyDenied');
      expect(await run('sagemaker:DeletePipeline', `arn:aws:sagemaker:${REGION}:${acct}:pipeline/x`, tagged)).toBe('ExplicitlyDenied');
      expect(await run('ec2:AuthorizeSecurityGroupIngress', `arn:aws:ec2:${REGION}:${acct}:security-group/sg-1`, tagged)).toBe('ExplicitlyDenied');
      expect(await run('kms:PutKeyPolicy', `arn:aws:kms:${REGION}:${acct}:key/1234`, tagged)).toBe('ExplicitlyDenied');
      expect(await run('lambda:UpdateFunctionCode', `arn:aws:lambda:${REGION}:${acct}:function:x`, tagged)).toBe('ExplicitlyDenied');
      // nor create a resource for them
      expect(await run('sagemaker:CreateEndpoint', `arn:aws:sagemaker:${REGION}:${acct}:endpoint/x`, { 'aws:RequestTag/mlops:use-case': owner })).toBe('ExplicitlyDenied');
    }
    // removing its own tag is denied too (it would lift the tag conditions)
    expect(await run('sagemaker:DeleteTags', `arn:aws:sagemaker:${REGION}:${acct}:endpoint/x`, { 'aws:TagKeys': ['mlops:use-case'], 'aws:ResourceTag/mlops:use-case': 'weld-gun' })).toBe('ExplicitlyDenied');
    // by name: another use case's buckets, roles and policies, including weld-gun-pm whose names begin with weld-gun-
    for (const other of ['vwml-paint-defect', 'vwml-weld-gun-pm']) {
      expect(await run('s3:PutBucketPolicy', `arn:aws:s3:::${other}-artifacts-${acct}`)).not.toBe('Allowed');
      expect(await run('s3:PutObject', `arn:aws:s3:::${other}-artifacts-${acct}/code/preprocess.py`)).not.toBe('Allowed');
      expect(await run('iam:PutRolePolicy', `arn:aws:iam::${acct}:role/${other}-dev-endpoint`)).not.toBe('Allowed');
      expect(await run('iam:CreatePolicyVersion', `arn:aws:iam::${acct}:policy/${other}-serving-dev-x`)).not.toBe('Allowed');
    }
    // roles only with the platform boundary
    expect(await run('iam:CreateRole', `arn:aws:iam::${acct}:role/vwml-weld-gun-x`, {})).not.toBe('Allowed');
    // its own bucket is allowed (the control)
    expect(await run('s3:PutBucketPolicy', `arn:aws:s3:::vwml-weld-gun-artifacts-${acct}`)).toBe('Allowed');
  });
});

describe('the platform\'s own resources', () => {
  test('carry mlops:use-case=platform, so that the execution roles of the use cases may not change them', () => {
    const platform = new MlopsPlatform(new App(), 'Platform', { config });
    const template = Template.fromStack(platform.stack(PlatformAccount.DEV)).toJSON();
    // CDK's custom-resource provider roles are raw CfnResources that tag aspects skip: the stack tags
    // (which CloudFormation propagates at deploy) carry theirs
    const taggable = Object.entries<any>(template.Resources)
      .filter(([id, r]) => ['AWS::KMS::Key', 'AWS::EC2::SecurityGroup', 'AWS::IAM::Role'].includes(r.Type) && !id.startsWith('Custom'));
    expect(platform.stack(PlatformAccount.DEV).tags.tagValues()).toMatchObject({ 'mlops:use-case': 'platform' });
    expect(taggable.length).toBeGreaterThan(3);
    for (const [id, r] of taggable) expect([id, r.Properties.Tags]).toEqual([id, expect.arrayContaining([{ Key: 'mlops:use-case', Value: 'platform' }])]);
  });
});
