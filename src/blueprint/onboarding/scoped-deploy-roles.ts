import { DefaultStackSynthesizer, Tags } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledgeRules } from '../../constructs/core/acknowledge';
import { skipCheckovChecks } from '../../constructs/core/checkov';
import { ManagedPolicyRole } from '../../constructs/core/managed-policy-role';
import { USE_CASE_TAG_KEY } from '../../constructs/core/tenancy-tag';
import { PIPELINE_EXECUTION_ACTIONS } from '../../constructs/security/use-case-isolation';
import { PlatformAccount } from '../config/platform-config';
import { UseCaseNames } from '../usecase/usecase-names';

/** The tag key of the use case on every role and resource of a use case. */

export { USE_CASE_TAG_KEY };

/**
 * The tag a principal in the deployer account (RES) must carry, with the target account as value
 * (`dev`, `int`, `prod`), besides `mlops:use-case`, to assume a use case's scoped deploy and
 * publishing roles of that account.
 */
export const DEPLOYS_TO_TAG_KEY = 'mlops:deploys-to';

/**
 * The synthesizer of a use-case stack in an account where the use case has scoped deploy roles (EXP,
 * DEV, INT, PROD, for a use case listed in `useCases`): `cdk deploy` assumes the use case's own deploy
 * and file-publishing roles, CloudFormation its own execution role, and its file assets go under
 * `<use case>/` of the bootstrap bucket. The role ARNs are computed from their fixed names (no
 * cross-stack reference to the onboarding stack).
 * @param names the use case's names
 * @param account the account of the stack
 * @param qualifier the bootstrap qualifier of the account
 */
export function scopedStackSynthesizer(names: UseCaseNames, account: PlatformAccount, qualifier: string): DefaultStackSynthesizer {
  return new DefaultStackSynthesizer({
    qualifier,
    deployRoleArn: names.roleArn(account, names.stageDeployRoleName(account)),
    cloudFormationExecutionRole: names.roleArn(account, names.cfnExecRoleName(account)),
    fileAssetPublishingRoleArn: names.roleArn(account, names.assetPublishingRoleName(account)),
    bucketPrefix: `${names.useCase}/`,
  });
}

/** The services whose resources the CloudFormation execution role of a use case may manage. */
const MANAGED_SERVICES = [
  'sagemaker', 'states', 'lambda', 'logs', 'events', 'cloudwatch', 'sns', 'sqs', 'application-autoscaling', 'apigateway', 'wafv2', 'kms', 'ecr', 'scheduler',
];

/** The EC2 actions of security groups and their rules (the stacks create no other EC2 resource). */
const EC2_SECURITY_GROUP_ACTIONS = [
  'ec2:CreateSecurityGroup', 'ec2:DeleteSecurityGroup', 'ec2:AuthorizeSecurityGroupIngress', 'ec2:AuthorizeSecurityGroupEgress',
  'ec2:RevokeSecurityGroupIngress', 'ec2:RevokeSecurityGroupEgress', 'ec2:ModifySecurityGroupRules', 'ec2:UpdateSecurityGroupRuleDescriptionsIngress',
  'ec2:UpdateSecurityGroupRuleDescriptionsEgress', 'ec2:CreateTags', 'ec2:DeleteTags',
];

/** Reads without resource-level permissions that CloudFormation needs to see the current state. */
const READ_ACTIONS = ['sagemaker:Describe*', 'sagemaker:List*', 'ec2:Describe*', 'logs:Describe*', 'kms:ListAliases', 'iam:ListRoles', 'iam:ListPolicies'];

/**
 * Actions the execution role never needs to create resources: reading or sending the data of the
 * services it manages (log events, endpoint invocations, messages) and making or approving model
 * versions (the pipeline and the leads do that).
 */
const EXEC_DENIED_ACTIONS = [
  'logs:GetLogEvents', 'logs:FilterLogEvents', 'logs:StartQuery', 'logs:GetLogRecord', 'logs:StartLiveTail', 'logs:Unmask',
  'sagemaker:InvokeEndpoint', 'sagemaker:InvokeEndpointAsync', 'sagemaker:InvokeEndpointWithResponseStream',
  'sagemaker:CreateModelPackage', 'sagemaker:UpdateModelPackage', 'sagemaker:DeleteModelPackage',
  'sqs:ReceiveMessage', 'sqs:SendMessage', 'sns:Publish',
];

/** The service-linked roles the stacks' resources need on first use. */
const SERVICE_LINKED_ROLE_SERVICES = ['sagemaker.application-autoscaling.amazonaws.com', 'wafv2.amazonaws.com'];

/**
 * Props of `ScopedDeployRoles`.
 */
export interface ScopedDeployRolesProps {
  /** The use case's names. */
  readonly names: UseCaseNames;

  /** The account of the roles (EXP for the training stack; DEV, INT or PROD for the serving stacks). */
  readonly account: PlatformAccount;

  /**
   * The exact CloudFormation names of the use case's stacks in this account: the deploy role may
   * create, change and delete these and no other stack (no wildcard, so that `weld-gun` cannot reach
   * the stacks of `weld-gun-pm`).
   */
  readonly stackNames: string[];

  /**
   * Roles (by ARN) that may assume the deploy and file-publishing roles, e.g. the use case's GitHub
   * role in EXP or its RES Deploy project role of the stage (what `UseCaseOnboarding` gives). Prefer this
   * to `deployerAccount`: a role ARN cannot be taken over by whoever may tag roles in that account.
   * @default - none (then `deployerAccount` must be given)
   */
  readonly deployerRoleArns?: string[];

  /**
   * An account whose principals may assume the deploy and file-publishing roles when they carry the
   * tags `mlops:use-case=<use case>` and `mlops:deploys-to=<account>`, for deployers without fixed role
   * names (principal tags are only as strong as the control over `iam:TagRole` in that account).
   * @default - none (then `deployerRoleArns` must be given)
   */
  readonly deployerAccount?: string;

  /** The qualifier the account was CDK-bootstrapped with. */
  readonly qualifier: string;

  /**
   * The other use cases of the platform whose names begin with this one's name and a hyphen (for
   * `weld-gun`: `weld-gun-pm`): their buckets, roles and managed policies match this use case's name
   * prefix, so they are denied by name.
   * @default - none
   */
  readonly longerUseCaseNames?: string[];
}

/**
 * The scoped deploy roles of one use case in one account, instead of the account-wide CDK bootstrap
 * roles (whose execution policy allows everything): the use case's stacks synthesize with
 * `DefaultStackSynthesizer({ deployRoleArn, cloudFormationExecutionRole, fileAssetPublishingRoleArn,
 * bucketPrefix: '<use case>/' })` pointing at them (`ScopedDeployRoles.synthesizerProps`).
 *
 * - **deploy role** (`<prefix>-<use case>-<account>-deploy`): CloudFormation on the use case's exact
 *   stack names only; passes only its own execution role; reads the bootstrap version and its own
 *   asset objects.
 * - **execution role** (`...-cfn-exec`): assumed by CloudFormation of this account only; uses the
 *   services the stacks are made of (most of their resources get generated names or ids), S3 only on
 *   buckets named `<prefix>-<use case>-*`; may neither tag a resource with nor change a resource
 *   tagged with another use case or the platform (`mlops:use-case`), nor remove that tag; creates roles
 *   and managed policies only under its name prefix, roles only with the platform's permissions
 *   boundary.
 * - **file-publishing role** (`...-publish`): writes only under `<use case>/` of the bootstrap bucket.
 *
 * The deploy and publishing roles carry the platform boundary (from `UseCaseStack`); the execution role carries
 * the SageMaker guardrail policy instead (the boundary would cap it below the resources it creates). All
 * three carry the tag `mlops:use-case`.
 */
export class ScopedDeployRoles extends Construct {
  /** The deploy role (the synthesizer's `deployRoleArn`). */
  public readonly deployRole: iam.Role;
  /** The CloudFormation execution role (the synthesizer's `cloudFormationExecutionRole`). */
  public readonly cfnExecRole: iam.Role;
  /** The file-publishing role (the synthesizer's `fileAssetPublishingRoleArn`). */
  public readonly publishingRole: iam.Role;
  /** The key prefix of the use case's objects in the bootstrap bucket (the synthesizer's `bucketPrefix`). */
  public readonly bucketPrefix: string;

  /**
   * @param scope the onboarding stack of the account
   * @param id the construct id
   * @param props the names, account, stacks and deployers
   */
  constructor(scope: Construct, id: string, props: ScopedDeployRolesProps) {
    super(scope, id);
    const { names, account } = props;
    const path = `${names.useCase} (${account})`;
    if (props.stackNames.length === 0) throw new Error(`ScopedDeployRoles ${path}: stackNames is empty; give the CloudFormation names of the use case's stacks in this account`);
    if ((props.deployerRoleArns ?? []).length === 0 && props.deployerAccount === undefined) {
      throw new Error(`ScopedDeployRoles ${path}: give deployerRoleArns or deployerAccount (who runs cdk deploy)`);
    }
    const partition = names.platform.partition(account);
    const accountId = names.platform.config.account(account).accountId;
    const region = names.platform.config.account(account).region;
    const base = names.base;
    const bucketName = `cdk-${props.qualifier}-assets-${accountId}-${region}`;
    this.bucketPrefix = `${names.useCase}/`;
    const tagCondition = { StringEquals: { [`aws:PrincipalTag/${USE_CASE_TAG_KEY}`]: names.useCase, [`aws:PrincipalTag/${DEPLOYS_TO_TAG_KEY}`]: account } };
    const deployers: iam.IPrincipal[] = [
      ...(props.deployerRoleArns ?? []).map((arn) => new iam.ArnPrincipal(arn)),
      ...(props.deployerAccount !== undefined
        ? [new iam.PrincipalWithConditions(new iam.AccountPrincipal(props.deployerAccount), tagCondition)]
        : []),
    ];
    const trust = deployers.length === 1 ? deployers[0] : new iam.CompositePrincipal(...deployers);
    const boundaryArn = names.platform.permissionsBoundaryArn(account);

    // the execution role: CloudFormation of this account only
    this.cfnExecRole = new ManagedPolicyRole(this, 'CfnExec', {
      roleName: names.cfnExecRoleName(account),
      description: `CloudFormation execution role of the stacks of ${names.useCase} in ${account}: only its own resources`,
      assumedBy: new iam.PrincipalWithConditions(new iam.ServicePrincipal('cloudformation.amazonaws.com'), { StringEquals: { 'aws:SourceAccount': accountId } }),
    });
    const ssmParameters = [
      `arn:${partition}:ssm:${region}:${accountId}:parameter${names.platform.parameterName('*')}`,
      `arn:${partition}:ssm:${region}:${accountId}:parameter/cdk-bootstrap/${props.qualifier}/version`,
      // the use case's own parameters (its data key in the serving accounts), not another use case's
      `arn:${partition}:ssm:${region}:${accountId}:parameter${names.parameterName('*')}`,
    ];
    // the resources a stack creates mostly get generated names or ids (models, endpoint configurations,
    // security groups, APIs, scalable targets), so a name prefix cannot scope them: the services are
    // allowed as a whole and every resource tagged with another use case (or the platform) is denied below
    this.cfnExecRole.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'ManageServicesOfTheStacks',
      actions: MANAGED_SERVICES.map((svc) => `${svc}:*`),
      resources: ['*'],
    }));
    this.cfnExecRole.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'ManageSecurityGroups',
      actions: EC2_SECURITY_GROUP_ACTIONS,
      resources: ['*'],
    }));
    this.cfnExecRole.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'ManageOwnBuckets',
      actions: ['s3:*'],
      resources: [`arn:${partition}:s3:::${base}-*`, `arn:${partition}:s3:::${base}-*/*`],
    }));
    this.cfnExecRole.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'ReadPlatformParameters',
      actions: ['ssm:GetParameter', 'ssm:GetParameters'],
      resources: ssmParameters,
    }));
    this.cfnExecRole.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'CreateRolesUnderPrefixWithBoundary',
      actions: ['iam:CreateRole', 'iam:PutRolePermissionsBoundary'],
      resources: [`arn:${partition}:iam::${accountId}:role/${base}-*`],
      conditions: { StringEquals: { 'iam:PermissionsBoundary': boundaryArn } },
    }));
    this.cfnExecRole.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'ManageOwnRoles',
      actions: ['iam:GetRole', 'iam:DeleteRole', 'iam:TagRole', 'iam:UntagRole', 'iam:UpdateRole', 'iam:UpdateAssumeRolePolicy', 'iam:PutRolePolicy', 'iam:GetRolePolicy', 'iam:DeleteRolePolicy',
        'iam:AttachRolePolicy', 'iam:DetachRolePolicy', 'iam:PassRole', 'iam:ListRolePolicies', 'iam:ListAttachedRolePolicies', 'iam:ListRoleTags',
        'iam:UpdateRoleDescription'],
      resources: [`arn:${partition}:iam::${accountId}:role/${base}-*`],
    }));
    this.cfnExecRole.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'ManageOwnManagedPolicies',
      actions: ['iam:CreatePolicy', 'iam:DeletePolicy', 'iam:GetPolicy', 'iam:GetPolicyVersion', 'iam:CreatePolicyVersion', 'iam:DeletePolicyVersion', 'iam:ListPolicyVersions',
        'iam:TagPolicy', 'iam:UntagPolicy', 'iam:ListEntitiesForPolicy'],
      resources: [`arn:${partition}:iam::${accountId}:policy/${base}-*`],
    }));
    this.cfnExecRole.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'CreateServiceLinkedRoles',
      actions: ['iam:CreateServiceLinkedRole'],
      resources: [`arn:${partition}:iam::${accountId}:role/aws-service-role/*`],
      conditions: { StringEquals: { 'iam:AWSServiceName': SERVICE_LINKED_ROLE_SERVICES } },
    }));
    this.cfnExecRole.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'PassServiceLinkedRoles',
      actions: ['iam:PassRole'],
      resources: SERVICE_LINKED_ROLE_SERVICES.map((svc) => `arn:${partition}:iam::${accountId}:role/aws-service-role/${svc}/*`),
    }));
    this.cfnExecRole.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'ReadDescribeEverywhere',
      // the reads of the services allowed as a whole above are already granted there
      actions: READ_ACTIONS.filter((a) => !MANAGED_SERVICES.includes(a.split(':')[0])),
      resources: ['*'],
    }));
    // ABAC on top: a tag of another use case or of the platform, on the request or on the resource, is a
    // denial (this also closes the name-prefix overlap of `weld-gun` and `weld-gun-pm`)
    this.cfnExecRole.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'DenyOtherUseCasesTaggedResources',
      effect: iam.Effect.DENY,
      notActions: READ_ACTIONS,
      resources: ['*'],
      conditions: { Null: { [`aws:ResourceTag/${USE_CASE_TAG_KEY}`]: 'false' }, StringNotEquals: { [`aws:ResourceTag/${USE_CASE_TAG_KEY}`]: names.useCase } },
    }));
    this.cfnExecRole.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'DenyTaggingForOtherUseCases',
      effect: iam.Effect.DENY,
      actions: ['*'],
      resources: ['*'],
      conditions: { Null: { [`aws:RequestTag/${USE_CASE_TAG_KEY}`]: 'false' }, StringNotEquals: { [`aws:RequestTag/${USE_CASE_TAG_KEY}`]: names.useCase } },
    }));
    this.cfnExecRole.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'DenyRemovingTheUseCaseTag',
      effect: iam.Effect.DENY,
      actions: ['*'],
      resources: ['*'],
      conditions: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': [USE_CASE_TAG_KEY] }, 'Null': { [`aws:RequestTag/${USE_CASE_TAG_KEY}`]: 'true' } },
    }));
    const longer = (props.longerUseCaseNames ?? []).map((u) => new UseCaseNames(names.platform.config, u).base);
    if (longer.length > 0) {
      this.cfnExecRole.addToPrincipalPolicy(new iam.PolicyStatement({
        sid: 'DenyLongerUseCasesNamedResources',
        effect: iam.Effect.DENY,
        actions: ['s3:*', 'iam:*'],
        resources: longer.flatMap((b) => [`arn:${partition}:s3:::${b}-*`, `arn:${partition}:iam::${accountId}:role/${b}-*`, `arn:${partition}:iam::${accountId}:policy/${b}-*`]),
      }));
    }
    // a stack deploys resources; it never reads or sends their data, nor makes or approves model versions
    this.cfnExecRole.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'DenyDataAndRegistryWrites',
      effect: iam.Effect.DENY,
      actions: EXEC_DENIED_ACTIONS,
      resources: ['*'],
    }));
    // a pipeline execution's ARN names its pipeline, and whether it carries the pipeline's tags is not relied on
    this.cfnExecRole.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'DenyOtherUseCasesPipelineExecutions',
      effect: iam.Effect.DENY,
      actions: PIPELINE_EXECUTION_ACTIONS.map((a) => `sagemaker:${a}`),
      notResources: [`arn:${partition}:sagemaker:*:*:pipeline/${names.pipelineName}/execution/*`],
    }));
    this.cfnExecRole.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'DenyOtherUseCasesModelPackages',
      effect: iam.Effect.DENY,
      actions: ['sagemaker:DescribeModelPackage', 'sagemaker:DescribeModelPackageGroup'],
      notResources: [`arn:${partition}:sagemaker:*:*:model-package/${base}/*`, `arn:${partition}:sagemaker:*:*:model-package-group/${base}`],
    }));
    // no escalation through the onboarding: its roles (this one included) and their policies are not the stacks' to change
    const onboardingRoles = [
      names.cfnExecRoleName(account), names.stageDeployRoleName(account), names.assetPublishingRoleName(account), names.githubRoleName,
    ].map((n) => `arn:${partition}:iam::${accountId}:role/${n}`);
    this.cfnExecRole.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'DenyChangingTheOnboarding',
      effect: iam.Effect.DENY,
      actions: ['iam:Attach*', 'iam:Detach*', 'iam:Put*', 'iam:Delete*', 'iam:Update*', 'iam:Tag*', 'iam:Untag*', 'iam:PassRole', 'iam:CreatePolicyVersion', 'iam:SetDefaultPolicyVersion'],
      resources: [...onboardingRoles, `arn:${partition}:iam::${accountId}:policy/${names.onboardingStackName(account)}-*`],
    }));
    this.cfnExecRole.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'DenyRemovingTheBoundary',
      effect: iam.Effect.DENY,
      actions: ['iam:DeleteRolePermissionsBoundary', 'iam:CreateUser', 'iam:CreateAccessKey'],
      resources: ['*'],
    }));

    // the platform boundary caps workload roles to the services they run on; the execution role creates the
    // stacks' resources (APIs, WAF, queues, schedules, security groups, managed policies), which that cap
    // would deny: instead of the boundary it carries the SageMaker guardrail denies as a managed policy,
    // besides its own denies above (created roles still get the boundary: CreateRole requires it)
    iam.PermissionsBoundary.of(this.cfnExecRole).clear();
    this.cfnExecRole.addManagedPolicy(iam.ManagedPolicy.fromManagedPolicyName(this, 'Guardrails', names.platform.guardrailPolicyName));

    // the deploy role: CloudFormation on the exact stacks
    this.deployRole = new ManagedPolicyRole(this, 'Deploy', {
      roleName: names.stageDeployRoleName(account),
      description: `Deploys the stacks of ${names.useCase} in ${account} (${props.stackNames.join(', ')}) through its own execution role`,
      assumedBy: trust,
    });
    this.deployRole.assumeRolePolicy!.addStatements(new iam.PolicyStatement({ actions: ['sts:TagSession'], principals: deployers }));
    this.deployRole.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'DeployOwnStacksOnly',
      actions: ['cloudformation:CreateStack', 'cloudformation:UpdateStack', 'cloudformation:DeleteStack', 'cloudformation:DescribeStacks', 'cloudformation:DescribeStackEvents',
        'cloudformation:GetTemplate', 'cloudformation:CreateChangeSet', 'cloudformation:DescribeChangeSet', 'cloudformation:ExecuteChangeSet', 'cloudformation:DeleteChangeSet',
        'cloudformation:ListChangeSets', 'cloudformation:ListStackResources', 'cloudformation:DescribeStackResources'],
      resources: props.stackNames.map((n) => `arn:${partition}:cloudformation:${region}:${accountId}:stack/${n}/*`),
    }));
    this.deployRole.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'PassOwnExecutionRole',
      actions: ['iam:PassRole'],
      resources: [this.cfnExecRole.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } },
    }));
    this.deployRole.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'ReadBootstrapVersionAndPlatformParameters',
      actions: ['ssm:GetParameter', 'ssm:GetParameters'],
      resources: ssmParameters,
    }));
    this.deployRole.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'ReadOwnAssets',
      actions: ['s3:GetObject'],
      resources: [`arn:${partition}:s3:::${bucketName}/${this.bucketPrefix}*`],
    }));

    // the file-publishing role: its own prefix of the bootstrap bucket
    this.publishingRole = new ManagedPolicyRole(this, 'Publish', {
      roleName: names.assetPublishingRoleName(account),
      description: `Uploads the file assets of ${names.useCase} to ${this.bucketPrefix} of the CDK bootstrap bucket of ${account}`,
      assumedBy: trust,
    });
    this.publishingRole.assumeRolePolicy!.addStatements(new iam.PolicyStatement({ actions: ['sts:TagSession'], principals: deployers }));
    this.publishingRole.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'WriteOwnPrefix',
      actions: ['s3:PutObject', 's3:GetObject'],
      resources: [`arn:${partition}:s3:::${bucketName}/${this.bucketPrefix}*`],
    }));
    this.publishingRole.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'LocateTheBucket',
      actions: ['s3:GetBucketLocation', 's3:ListBucket'],
      resources: [`arn:${partition}:s3:::${bucketName}`],
    }));
    this.publishingRole.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'UseTheBootstrapKeyThroughS3',
      actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey'],
      resources: [`arn:${partition}:kms:${region}:${accountId}:key/*`],
      conditions: { StringEquals: { 'kms:ViaService': `s3.${region}.amazonaws.com` } },
    }));

    for (const role of [this.deployRole, this.cfnExecRole, this.publishingRole]) Tags.of(role).add(USE_CASE_TAG_KEY, names.useCase);
    const ownReason = 'CloudFormation creates the use case\'s resources with this role, mostly with generated names or ids, so no name prefix can scope them; every non-read action is explicitly denied on resources tagged with another use case or the platform, and tagging for another use case is denied';
    const readReason = 'Describe/List reads have no resource-level permissions; CloudFormation reads the current state of the use case\'s resources with them';
    acknowledgeRules(this.cfnExecRole, {
      ...Object.fromEntries(MANAGED_SERVICES.map((svc) => [`AwsSolutions-IAM5[Action::${svc}:*]`, `${svc}:*: ${ownReason}`])),
      ['AwsSolutions-IAM5[Action::s3:*]']: `s3:* only on the use case's buckets (${base}-*) and their objects`,
      [`AwsSolutions-IAM5[Resource::arn:${partition}:s3:::${base}-*]`]: `The buckets of the use case (${base}-*, CloudFormation names them after the stack)`,
      [`AwsSolutions-IAM5[Resource::arn:${partition}:s3:::${base}-*/*]`]: `The objects of the use case's buckets (${base}-*)`,
      [`AwsSolutions-IAM5[Resource::arn:${partition}:iam::${accountId}:role/${base}-*]`]: 'The roles of the use case\'s stacks, under its name prefix; CreateRole only with the platform permissions boundary, removing the boundary is denied',
      [`AwsSolutions-IAM5[Resource::arn:${partition}:iam::${accountId}:policy/${base}-*]`]: 'The managed policies of the use case\'s stacks (CloudFormation names them after the stack)',
      [`AwsSolutions-IAM5[Resource::arn:${partition}:iam::${accountId}:role/aws-service-role/*]`]: 'Only the service-linked roles of the listed services (iam:AWSServiceName)',
      ...Object.fromEntries(SERVICE_LINKED_ROLE_SERVICES.map((svc) => [`AwsSolutions-IAM5[Resource::arn:${partition}:iam::${accountId}:role/aws-service-role/${svc}/*]`,
        `Passing the service-linked role of ${svc}, which a resource of the stacks names (scalable target, WAF logging)`])),
      [`AwsSolutions-IAM5[Resource::arn:${partition}:ssm:${region}:${accountId}:parameter${names.platform.parameterName('*')}]`]: 'The platform\'s published parameters (VPC, subnets, keys) that the stacks read at deploy time',
      [`AwsSolutions-IAM5[Resource::arn:${partition}:ssm:${region}:${accountId}:parameter${names.parameterName('*')}]`]: 'The use case\'s own parameters (its data key) that its stacks read at deploy time',
      'AwsSolutions-IAM5[Resource::*]': `${readReason}; ${ownReason}`,
      ...Object.fromEntries(READ_ACTIONS.filter((a) => a.endsWith('*') && !MANAGED_SERVICES.includes(a.split(':')[0]))
        .map((a) => [`AwsSolutions-IAM5[Action::${a}]`, readReason])),
      'NIST.800.53.R5-IAMPolicyNoStatementsWithFullAccess': ownReason,
      'HIPAA.Security-IAMPolicyNoStatementsWithFullAccess': ownReason,
    });
    const execPolicy = (this.cfnExecRole as ManagedPolicyRole).grantsPolicy!;
    skipCheckovChecks(execPolicy, {
      CKV_AWS_109: 'CloudFormation execution role of one use case: it must write the key, queue, topic, bucket and function policies of the resources its stacks create, whose ids are generated; '
        + 'the same policy denies every change to a resource tagged with another use case or the platform, and to the onboarding\'s own roles and policies',
      CKV_AWS_111: 'CloudFormation execution role of one use case: the resources its stacks create get generated names or ids, so writes cannot name them in advance; '
        + 'the same policy denies every change to a resource tagged with another use case or the platform, tagging for another use case and removing the tag',
    });
    acknowledgeRules(this.deployRole, {
      ...Object.fromEntries(props.stackNames.map((n) => [`AwsSolutions-IAM5[Resource::arn:${partition}:cloudformation:${region}:${accountId}:stack/${n}/*]`, 'The stack id after the exact stack name is only known at deploy time'])),
      [`AwsSolutions-IAM5[Resource::arn:${partition}:s3:::${bucketName}/${this.bucketPrefix}*]`]: 'The asset objects are content hashes under the use case\'s own prefix of the bootstrap bucket',
      [`AwsSolutions-IAM5[Resource::arn:${partition}:ssm:${region}:${accountId}:parameter${names.platform.parameterName('*')}]`]: 'The platform\'s published parameters (VPC, subnets, keys) that CloudFormation resolves for the stack parameters',
      [`AwsSolutions-IAM5[Resource::arn:${partition}:ssm:${region}:${accountId}:parameter${names.parameterName('*')}]`]: 'The use case\'s own parameters (its data key) that CloudFormation resolves for the stack parameters',
    });
    acknowledgeRules(this.publishingRole, {
      [`AwsSolutions-IAM5[Resource::arn:${partition}:s3:::${bucketName}/${this.bucketPrefix}*]`]: 'The asset objects are content hashes under the use case\'s own prefix of the bootstrap bucket',
      [`AwsSolutions-IAM5[Resource::arn:${partition}:kms:${region}:${accountId}:key/*]`]: 'The id of the bootstrap bucket\'s key is not known at synth time; kms:ViaService limits its use to S3 of this region',
    });
  }
}
