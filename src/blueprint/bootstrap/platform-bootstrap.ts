import { PlatformAccount, PlatformConfig } from '../config/platform-config';
import { partitionOf } from '../config/regions';
import { PLATFORM_ACCOUNT_NAMES } from '../config/validation';

/**
 * What it takes to bootstrap one account of the platform for the CDK.
 */
export interface AccountBootstrap {
  /** Which account. */
  readonly account: PlatformAccount;
  /** The 12-digit account id. */
  readonly accountId: string;
  /** The region to bootstrap. */
  readonly region: string;
  /** The accounts trusted to deploy into this one (RES for DEV, INT and PROD). */
  readonly trustedAccountIds: string[];
  /** The name of the least-privilege CloudFormation execution policy. */
  readonly executionPolicyName: string;
  /** The ARN of that policy, as passed to `--cloudformation-execution-policies`. */
  readonly executionPolicyArn: string;
  /** The policy document of the execution policy (JSON object). */
  readonly executionPolicyDocument: any;
  /** The file name the policy document is written to by `mlops-blueprint bootstrap --out-dir`. */
  readonly executionPolicyFile: string;
  /** The command that creates the execution policy (`aws iam create-policy ...`). */
  readonly createPolicyCommand: string;
  /** The exact `cdk bootstrap` command. */
  readonly bootstrapCommand: string;
}

/** The AWS services whose resources the stacks of each account create. */
const SERVICES: Record<PlatformAccount, string[]> = {
  [PlatformAccount.DATA]: ['cloudformation', 'config', 'glue', 'kms', 'lakeformation', 'logs', 'ram', 's3', 'securityhub', 'ssm'],
  [PlatformAccount.EXP]: [
    'athena', 'cloudformation', 'cloudwatch', 'codeartifact', 'config', 'ec2', 'events', 'glue', 'kms', 'lakeformation', 'lambda', 'logs',
    'ram', 's3', 'sagemaker', 'scheduler', 'securityhub', 'servicecatalog', 'sqs', 'ssm', 'states',
  ],
  [PlatformAccount.RES]: [
    'cloudformation', 'cloudwatch', 'codebuild', 'codeconnections', 'codepipeline', 'codestar-connections', 'config', 'ec2',
    'ecr', 'events', 'kms', 'lambda', 'logs', 's3', 'sagemaker', 'securityhub', 'servicecatalog', 'sns', 'sqs', 'ssm',
  ],
  [PlatformAccount.DEV]: stageServices(),
  [PlatformAccount.INT]: stageServices(),
  [PlatformAccount.PROD]: stageServices(),
};

function stageServices(): string[] {
  return [
    'apigateway', 'application-autoscaling', 'cloudformation', 'cloudwatch', 'cognito-idp', 'config', 'ec2', 'events', 'kms',
    'lambda', 'logs', 's3', 'sagemaker', 'scheduler', 'securityhub', 'sns', 'sqs', 'ssm', 'states', 'wafv2',
  ];
}

/** IAM actions CloudFormation needs to manage the roles and policies of our stacks. */
const IAM_ROLE_ACTIONS = [
  'iam:AttachRolePolicy', 'iam:DeleteRole', 'iam:DeleteRolePolicy', 'iam:DetachRolePolicy', 'iam:GetRole',
  'iam:GetRolePolicy', 'iam:ListAttachedRolePolicies', 'iam:ListRolePolicies', 'iam:PutRolePolicy', 'iam:TagRole',
  'iam:UntagRole', 'iam:UpdateAssumeRolePolicy', 'iam:UpdateRole', 'iam:UpdateRoleDescription', 'iam:PassRole',
];
const IAM_POLICY_ACTIONS = [
  'iam:CreatePolicy', 'iam:CreatePolicyVersion', 'iam:DeletePolicy', 'iam:DeletePolicyVersion', 'iam:GetPolicy',
  'iam:GetPolicyVersion', 'iam:ListPolicyVersions', 'iam:TagPolicy', 'iam:UntagPolicy', 'iam:ListEntitiesForPolicy',
];

/**
 * Read-only calls of resource handlers outside the services of an account (registry schemas,
 * `handlers.*.permissions`): `AWS::EC2::FlowLog` reads Auto Scaling tags on create.
 */
const NETWORK_HANDLER_READS = ['autoscaling:DescribeTags'];

/**
 * The CDK bootstrap of the platform's accounts: for each account, a least-privilege CloudFormation
 * execution policy (never AdministratorAccess) and the exact `cdk bootstrap` command with the
 * configured qualifier. DEV, INT and PROD trust RES, whose deployment pipelines deploy into them.
 *
 * Every role the platform and use-case stacks create carries the permissions boundary
 * `<prefix>-PermissionsBoundary`; the execution policy only lets CloudFormation create roles with it.
 *
 * @example
 * for (const b of PlatformBootstrap.forConfig(PlatformConfig.fromFile('platform.json'))) {
 *   console.log(b.createPolicyCommand);
 *   console.log(b.bootstrapCommand);
 * }
 */
export class PlatformBootstrap {
  /**
   * The bootstrap of every account, in deployment order (DATA, EXP, RES, DEV, INT, PROD).
   * @param config the platform configuration
   */
  public static forConfig(config: PlatformConfig): AccountBootstrap[] {
    return PLATFORM_ACCOUNT_NAMES.map((name) => PlatformBootstrap.forAccount(config, name as PlatformAccount));
  }

  /**
   * The bootstrap of one account.
   * @param config the platform configuration
   * @param account which account
   */
  public static forAccount(config: PlatformConfig, account: PlatformAccount): AccountBootstrap {
    const { accountId, region } = config.account(account);
    const partition = partitionOf(region);
    const res = config.account(PlatformAccount.RES).accountId;
    const trusted = [PlatformAccount.DEV, PlatformAccount.INT, PlatformAccount.PROD].includes(account) && res !== accountId ? [res] : [];
    const policyName = executionPolicyName(config.prefix);
    const executionPolicyArn = `arn:${partition}:iam::${accountId}:policy/${policyName}`;
    const executionPolicyFile = `${account}-${accountId}-cfn-exec-policy.json`;
    const document = executionPolicyDocument(config, account);

    const bootstrap = [
      'npx cdk bootstrap',
      `aws://${accountId}/${region}`,
      `--qualifier ${config.qualifier}`,
      `--toolkit-stack-name ${toolkitStackName(config)}`,
      `--cloudformation-execution-policies ${executionPolicyArn}`,
      ...trusted.map((t) => `--trust ${t}`),
      '--termination-protection',
      ...Object.entries(config.tags).map(([k, v]) => `--tags ${shellQuote(`${k}=${v}`)}`),
    ].join(' ');

    return {
      account,
      accountId,
      region,
      trustedAccountIds: trusted,
      executionPolicyName: policyName,
      executionPolicyArn,
      executionPolicyDocument: document,
      executionPolicyFile,
      createPolicyCommand: `aws iam create-policy --policy-name ${policyName} --policy-document file://${executionPolicyFile} --description ${shellQuote(
        `Least-privilege CloudFormation execution policy of the ${config.prefix} MLOps platform (${account.toUpperCase()})`,
      )}`,
      bootstrapCommand: bootstrap,
    };
  }

  /**
   * A shell script that bootstraps every account in order, one section per account; run each section
   * with credentials for that account (e.g. `AWS_PROFILE`).
   * @param config the platform configuration
   */
  public static script(config: PlatformConfig): string {
    const lines = ['#!/usr/bin/env bash', `# CDK bootstrap of the ${config.prefix} MLOps platform (qualifier ${config.qualifier}).`, 'set -euo pipefail', ''];
    for (const b of PlatformBootstrap.forConfig(config)) {
      lines.push(`# ${b.account.toUpperCase()} ${b.accountId} ${b.region}: run with credentials for this account`);
      lines.push(b.createPolicyCommand);
      lines.push(b.bootstrapCommand);
      lines.push('');
    }
    return lines.join('\n');
  }
}

/** The name of the CDK toolkit stack in every account. @internal */
export function toolkitStackName(config: PlatformConfig): string {
  return `${config.prefix}-cdk-toolkit`;
}

/** The name of the Service Catalog launch role in RES, the one role created without the boundary. @internal */
export function catalogLaunchRoleName(prefix: string): string {
  return `${prefix}-catalog-launch`;
}

/**
 * The name of the permissions boundary of the Service Catalog launch role (`MlopsLaunchRole` names the
 * boundary of a role of a fixed name `<role name>-boundary`). @internal
 */
export function catalogLaunchBoundaryName(prefix: string): string {
  return `${catalogLaunchRoleName(prefix)}-boundary`;
}

/** The name of the permissions boundary every role of the platform carries. @internal */
export function permissionsBoundaryName(prefix: string): string {
  return `${prefix}-PermissionsBoundary`;
}

/** The name of the guardrail policy every platform role carries (see `SageMakerGuardrails`). @internal */
export function guardrailPolicyName(prefix: string): string {
  return `${prefix}-SageMakerGuardrails`;
}

/** The name of the least-privilege CloudFormation execution policy in every account. @internal */
export function executionPolicyName(prefix: string): string {
  return `${prefix}-cdk-cfn-exec`;
}

/** The URL of the GitHub Actions OIDC provider (IAM keeps one provider per URL in an account). */
const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';

/**
 * What the `AWS::IAM::OIDCProvider` resource handler calls to create, update and delete the provider
 * (CloudFormation registry schema of the type, `handlers.*.permissions`).
 */
const OIDC_PROVIDER_ACTIONS = [
  'iam:CreateOpenIDConnectProvider', 'iam:DeleteOpenIDConnectProvider', 'iam:GetOpenIDConnectProvider',
  'iam:TagOpenIDConnectProvider', 'iam:UntagOpenIDConnectProvider', 'iam:ListOpenIDConnectProviderTags',
  'iam:UpdateOpenIDConnectProviderThumbprint', 'iam:AddClientIDToOpenIDConnectProvider', 'iam:RemoveClientIDFromOpenIDConnectProvider',
];

function executionPolicyDocument(config: PlatformConfig, account: PlatformAccount): any {
  const { accountId, region } = config.account(account);
  const partition = partitionOf(region);
  const policyArn = (name: string) => `arn:${partition}:iam::${accountId}:policy/${name}`;
  const boundaryArn = policyArn(permissionsBoundaryName(config.prefix));
  // where the landing zone runs Security Hub, the stacks never touch it
  const services = SERVICES[account].filter((s) => s !== 'securityhub' || (config.landingZone.enableSecurityHub ?? true));
  // EXP creates the GitHub OIDC provider unless the configuration imports an existing one
  const createsGithubOidcProvider = account === PlatformAccount.EXP && config.github !== undefined && config.github.oidcProviderArn === undefined;
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ManagePlatformServicesInTheRegion',
        Effect: 'Allow',
        Action: services.map((s) => `${s}:*`),
        Resource: '*',
        Condition: { StringEquals: { 'aws:RequestedRegion': region } },
      },
      ...(config.account(account).network
        ? [
          {
            Sid: 'ReadsOfTheNetworkResourceHandlers',
            Effect: 'Allow',
            Action: NETWORK_HANDLER_READS,
            Resource: '*',
            Condition: { StringEquals: { 'aws:RequestedRegion': region } },
          },
        ]
        : []),
      {
        Sid: 'CreateRolesOnlyWithThePermissionsBoundary',
        Effect: 'Allow',
        Action: ['iam:CreateRole', 'iam:PutRolePermissionsBoundary'],
        Resource: `arn:${partition}:iam::${accountId}:role/*`,
        Condition: { StringEquals: { 'iam:PermissionsBoundary': boundaryArn } },
      },
      ...(account === PlatformAccount.RES || account === PlatformAccount.EXP
        ? [
          {
            // the Service Catalog launch role (RES: Model Deployment, EXP: Model Building) creates the products'
            // roles, so it cannot carry the workload boundary: only with its own (MlopsLaunchRole.boundary)
            Sid: 'CreateTheCatalogLaunchRole',
            Effect: 'Allow',
            Action: ['iam:CreateRole', 'iam:PutRolePermissionsBoundary'],
            Resource: `arn:${partition}:iam::${accountId}:role/${catalogLaunchRoleName(config.prefix)}`,
            Condition: { StringEquals: { 'iam:PermissionsBoundary': policyArn(catalogLaunchBoundaryName(config.prefix)) } },
          },
        ]
        : []),
      ...(config.useCases.length > 0 && [PlatformAccount.EXP, PlatformAccount.DEV, PlatformAccount.INT, PlatformAccount.PROD].includes(account)
        ? [
          {
            // the CloudFormation execution role of each listed use case (its onboarding stack) creates the
            // resources of the use case's stacks, which the workload boundary would deny: it carries the
            // guardrail policy and its own denies instead, and creates roles only with the boundary
            Sid: 'CreateTheUseCaseExecutionRoles',
            Effect: 'Allow',
            Action: ['iam:CreateRole'],
            Resource: `arn:${partition}:iam::${accountId}:role/${config.prefix}-*-${account}-cfn-exec`,
          },
        ]
        : []),
      {
        Sid: 'ManageRolesAndPolicies',
        Effect: 'Allow',
        Action: [...IAM_ROLE_ACTIONS, ...IAM_POLICY_ACTIONS],
        // the platform's roles and policies are named <prefix>-..., CloudFormation names the others <stack name>-...
        // (every stack of the platform and of its use cases is named <prefix>-...), and roles with names generated
        // for cross-account use <stack name without hyphens>...: never the landing zone's or anybody else's roles
        Resource: [
          ...(config.prefix.includes('-') ? [`arn:${partition}:iam::${accountId}:role/${config.prefix}-*`] : []),
          `arn:${partition}:iam::${accountId}:role/${config.prefix.replace(/-/g, '')}*`,
          policyArn(`${config.prefix}-*`),
        ],
      },
      ...(createsGithubOidcProvider
        ? [
          {
            Sid: 'ManageTheGithubOidcProvider',
            Effect: 'Allow',
            Action: OIDC_PROVIDER_ACTIONS,
            Resource: `arn:${partition}:iam::${accountId}:oidc-provider/${GITHUB_OIDC_HOST}`,
          },
        ]
        : []),
      {
        Sid: 'ServiceLinkedRoles',
        Effect: 'Allow',
        // what the AWS::IAM::ServiceLinkedRole handler calls, what the services that create their own on first use
        // call, and passing them where a resource names one (the Config recorder, scalable targets)
        Action: ['iam:CreateServiceLinkedRole', 'iam:GetServiceLinkedRoleDeletionStatus', 'iam:GetRole', 'iam:UpdateRole', 'iam:PassRole'],
        Resource: `arn:${partition}:iam::${accountId}:role/aws-service-role/*`,
      },
      {
        // the platform stack owns the boundary and the guardrail policy: CloudFormation creates a new
        // version on every change (e.g. allowedInstanceTypes) and deletes them on rollback; it never
        // rolls a policy back to an older version, and never touches its own execution policy
        Sid: 'NeverTouchTheExecutionPolicy',
        Effect: 'Deny',
        Action: ['iam:CreatePolicyVersion', 'iam:DeletePolicy', 'iam:DeletePolicyVersion', 'iam:SetDefaultPolicyVersion'],
        Resource: policyArn(executionPolicyName(config.prefix)),
      },
      {
        Sid: 'NeverRollTheGuardrailsBackToAnOlderVersion',
        Effect: 'Deny',
        Action: ['iam:SetDefaultPolicyVersion'],
        Resource: [boundaryArn, policyArn(guardrailPolicyName(config.prefix))],
      },
      {
        Sid: 'NeverRemoveABoundary',
        Effect: 'Deny',
        Action: ['iam:DeleteRolePermissionsBoundary'],
        Resource: '*',
      },
      {
        Sid: 'NoLongTermCredentialsOrAccountChanges',
        Effect: 'Deny',
        Action: [
          'iam:CreateUser', 'iam:CreateAccessKey', 'iam:CreateLoginProfile', 'iam:UpdateLoginProfile', 'iam:AttachUserPolicy',
          'iam:PutUserPolicy', 'iam:CreateSAMLProvider', 'organizations:*', 'account:*',
        ],
        Resource: '*',
      },
    ],
  };
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`;
}
