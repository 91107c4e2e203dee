import { createHash } from 'crypto';
import { catalogLaunchRoleName, permissionsBoundaryName, toolkitStackName } from './bootstrap/platform-bootstrap';
import { PlatformAccount, PlatformConfig } from './config/platform-config';
import { partitionOf } from './config/regions';
import { urlSuffixOfRegion } from '../constructs/core/iam-findings';

/**
 * The purposes of the platform's customer-managed keys (one key per purpose and account).
 */
export enum KeyPurpose {
  /** data at rest of the platform itself: buckets, logs, queues, the event bus */
  PLATFORM = 'platform',
  /** model artifacts, data capture and everything SageMaker reads and writes */
  ML = 'ml',
}

/**
 * Every name the platform computes from the configuration. Accounts wire to each other through these
 * names and the ARNs built from them, never through CloudFormation exports.
 *
 * @example
 * const names = new PlatformNames(config);
 * names.eventBusArn; // arn:aws:events:eu-central-1:333333333333:event-bus/vwml-model-events
 */
export class PlatformNames {
  /** The configuration the names are computed from. */
  public readonly config: PlatformConfig;

  /**
   * @param config the validated platform configuration
   */
  constructor(config: PlatformConfig) {
    this.config = config;
  }

  /** The name prefix. */
  public get prefix(): string {
    return this.config.prefix;
  }

  /**
   * The partition of an account's region (`aws`, `aws-cn`, `aws-us-gov`).
   * @param account which account
   */
  public partition(account: PlatformAccount): string {
    return partitionOf(this.config.account(account).region);
  }

  /**
   * The name of the platform stack of an account, e.g. `vwml-platform-exp`.
   * @param account which account
   */
  public platformStackName(account: PlatformAccount): string {
    return `${this.prefix}-platform-${account}`;
  }

  /** The CDK toolkit stack name in every account (bootstrapped with the configured qualifier). */
  public get toolkitStackName(): string {
    return toolkitStackName(this.config);
  }

  /** The name of the permissions boundary every role of the platform and of the use cases carries. */
  public get permissionsBoundaryName(): string {
    return permissionsBoundaryName(this.prefix);
  }

  /**
   * The ARN of the permissions boundary in an account.
   * @param account which account
   */
  public permissionsBoundaryArn(account: PlatformAccount): string {
    return `arn:${this.partition(account)}:iam::${this.config.account(account).accountId}:policy/${this.permissionsBoundaryName}`;
  }

  /** The name of the guardrail managed policy attached to every SageMaker-using role. */
  public get guardrailPolicyName(): string {
    return `${this.prefix}-SageMakerGuardrails`;
  }

  /**
   * The alias of a platform key, e.g. `alias/vwml/ml`.
   * @param purpose what the key encrypts
   */
  public keyAlias(purpose: KeyPurpose): string {
    return `alias/${this.prefix}/${purpose}`;
  }

  /** The name of the model event bus in RES. */
  public get eventBusName(): string {
    return `${this.prefix}-model-events`;
  }

  /** The ARN of the model event bus in RES. */
  public get eventBusArn(): string {
    const res = this.config.account(PlatformAccount.RES);
    return `arn:${this.partition(PlatformAccount.RES)}:events:${res.region}:${res.accountId}:event-bus/${this.eventBusName}`;
  }

  /**
   * The name of the retraining event bus in EXP: it receives, from RES only, the drift alarm state
   * changes that start a use case's model-build pipeline.
   */
  public get retrainingBusName(): string {
    return `${this.prefix}-retraining`;
  }

  /** The ARN of the retraining event bus in EXP. */
  public get retrainingBusArn(): string {
    const exp = this.config.account(PlatformAccount.EXP);
    return `arn:${this.partition(PlatformAccount.EXP)}:events:${exp.region}:${exp.accountId}:event-bus/${this.retrainingBusName}`;
  }

  /**
   * The name of an SSM parameter the platform publishes in each account for the use-case stacks of
   * that account (same-account lookups at deploy time, no exports), e.g. `/vwml/platform/vpc-id`.
   * @param name the parameter's short name
   */
  public parameterName(name: string): string {
    return `/${this.prefix}/platform/${name}`;
  }

  /**
   * The name of an ECR repository in RES, e.g. `vwml/sklearn-inference`.
   * @param name the repository's short name
   */
  public repositoryName(name: string): string {
    return `${this.prefix}/${name}`;
  }

  /**
   * The URI of an ECR repository in RES.
   * @param name the repository's short name
   */
  public repositoryUri(name: string): string {
    const res = this.config.account(PlatformAccount.RES);
    const suffix = urlSuffixOfRegion(res.region);
    return `${res.accountId}.dkr.ecr.${res.region}.${suffix}/${this.repositoryName(name)}`;
  }

  /** The name of the CodeArtifact domain (the package mirror in EXP). */
  public get codeArtifactDomainName(): string {
    return `${this.prefix}-packages`;
  }

  /** The name of the Service Catalog launch role in RES (the one role without the permissions boundary). */
  public get catalogLaunchRoleName(): string {
    return catalogLaunchRoleName(this.prefix);
  }

  /** The role the GitHub Actions of the use-case repositories assume in EXP (with `github` configured). */
  public get githubDeployRoleName(): string {
    return `${this.prefix}-github-deploy`;
  }

  /** The ARN of that role. */
  public get githubDeployRoleArn(): string {
    return `arn:${this.partition(PlatformAccount.EXP)}:iam::${this.config.account(PlatformAccount.EXP).accountId}:role/${this.githubDeployRoleName}`;
  }

  /**
   * The role API Gateway writes execution and access logs with in DEV, INT and PROD: one per account,
   * named in the account-wide API Gateway setting, created by the platform stack.
   */
  public get apiGatewayCloudWatchRoleName(): string {
    return `${this.prefix}-apigateway-cloudwatch`;
  }

  /**
   * The ARN of the CloudFormation execution role of the CDK bootstrap in an account,
   * `cdk-<qualifier>-cfn-exec-role-<account>-<region>`: it creates the resources of the use-case stacks
   * (e.g. the SageMaker models of the serving stacks from the model packages in EXP).
   * @param account which account
   */
  public cfnExecutionRoleArn(account: PlatformAccount): string {
    const { accountId, region } = this.config.account(account);
    return `arn:${this.partition(account)}:iam::${accountId}:role/cdk-${this.config.qualifier}-cfn-exec-role-${accountId}-${region}`;
  }

  /** The name of the Studio domain in EXP. */
  public get studioDomainName(): string {
    return `${this.prefix}-studio`;
  }

  /**
   * The execution role of a Studio user profile in EXP, `<prefix>-studio_<user profile>`, so that DATA can
   * grant it Lake Formation permissions by ARN. The `_` keeps it out of every use case's name prefix
   * (`<prefix>-<use case>-*`, which the use case's own CloudFormation execution role may change): a use case
   * name has no `_`. A profile name too long for IAM's 64 characters is cut and ends in a hash of the whole.
   * @param userProfileName the user profile name
   */
  public studioExecutionRoleName(userProfileName: string): string {
    const name = `${this.prefix}-studio_${userProfileName}`;
    if (name.length <= 64) return name;
    const hash = createHash('sha256').update(userProfileName).digest('hex').slice(0, 8);
    return `${name.slice(0, 64 - hash.length - 1)}-${hash}`;
  }

  /**
   * The ARN of that role.
   * @param userProfileName the user profile name
   */
  public studioExecutionRoleArn(userProfileName: string): string {
    const exp = this.config.account(PlatformAccount.EXP);
    return `arn:${this.partition(PlatformAccount.EXP)}:iam::${exp.accountId}:role/${this.studioExecutionRoleName(userProfileName)}`;
  }
}
