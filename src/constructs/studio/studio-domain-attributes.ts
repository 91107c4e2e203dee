import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct, IConstruct } from 'constructs';
import { validateDataAccess } from './data-access';
import { StudioDomainReach } from './data-access-props';
import { StudioAccess } from './execution-policy';
import type { StudioAuthMode } from './studio-domain';
import { literalPartition } from '../core/iam-findings';

/**
 * A SageMaker Studio domain, created in this app (`StudioDomain`) or imported
 * (`StudioDomain.fromDomainAttributes`): what a `DataScientistProfile` needs of it.
 */
export interface IStudioDomain extends IConstruct {
  /** The domain id (`d-...`). */
  readonly domainId: string;
  /** The domain ARN. */
  readonly domainArn: string;
  /** The VPC of the domain. */
  readonly vpc: ec2.IVpc;
  /** How members sign in. */
  readonly authMode: StudioAuthMode;
  /** The key of the EFS home directories and space volumes. */
  readonly encryptionKey: kms.IKey;
  /** The permissions boundary of every execution role of the domain. */
  readonly permissionsBoundary: iam.IManagedPolicy;
  /**
   * The guardrail policy attached to every execution role of the domain, if any.
   * @default - none
   */
  readonly guardrailPolicy?: iam.IManagedPolicy;
}

/**
 * A Studio domain that exists elsewhere (another stack, e.g. the platform stack of the account), as
 * profiles created in this stack see it: its id, network, key and roles' limits, and what the execution
 * roles of the domain may reach (the same settings as `StudioDomainProps`, which the profiles' execution
 * policies repeat).
 */
export interface StudioDomainAttributes extends StudioDomainReach {
  /** The domain id (`d-...`), e.g. read from an SSM parameter. */
  readonly domainId: string;
  /** The VPC of the domain (the profiles' security groups are created in it). */
  readonly vpc: ec2.IVpc;
  /** The key of the EFS home directories and space volumes. */
  readonly encryptionKey: kms.IKey;
  /** The permissions boundary of every execution role of the domain. */
  readonly permissionsBoundary: iam.IManagedPolicy;
  /**
   * The guardrail policy attached to every execution role of the domain.
   * @default - none
   */
  readonly guardrailPolicy?: iam.IManagedPolicy;
  /**
   * How members sign in.
   * @default StudioAuthMode.IAM
   */
  readonly authMode?: StudioAuthMode;
}

/**
 * What a profile's execution role may reach through its domain: that of a `StudioDomain` or of an
 * imported domain.
 * @internal
 */
export function studioAccessOf(domain: IStudioDomain): StudioAccess {
  const access = (domain as { _access?: StudioAccess })._access;
  if (!access) {
    throw new Error(`${domain.node.path}: this Studio domain does not say what its execution roles reach; create it with new StudioDomain(...) or StudioDomain.fromDomainAttributes(...)`);
  }
  return access;
}

/**
 * What the execution roles of a domain reach (checked: every error names the prop and the fix).
 * @internal
 */
export function studioAccess(path: string, vpc: ec2.IVpc, encryptionKey: kms.IKey, reach: StudioDomainReach): StudioAccess {
  const access: StudioAccess = {
    vpc,
    encryptionKey,
    artifactBuckets: reach.artifactBuckets ?? [],
    readWriteBuckets: reach.readWriteBuckets ?? [],
    ecrRepositories: reach.ecrRepositories ?? [],
    sharingBucket: reach.notebookSharingBucket,
    data: {
      readableBucketNamePatterns: reach.readableBucketNamePatterns ?? [],
      readableBucketKeyAliases: reach.readableBucketKeyAliases ?? [],
      sharedDatabases: reach.sharedDatabases ?? [],
      athenaWorkGroupName: reach.athenaWorkGroupName,
      athenaResultsBucket: reach.athenaResultsBucket,
      packageMirror: reach.packageMirror,
    },
  };
  validateDataAccess(path, access.data);
  return access;
}

/** A domain of another stack (`StudioDomain.fromDomainAttributes`). */
class ImportedStudioDomain extends Construct implements IStudioDomain {
  public readonly domainId: string;
  public readonly domainArn: string;
  public readonly vpc: ec2.IVpc;
  public readonly authMode: StudioAuthMode;
  public readonly encryptionKey: kms.IKey;
  public readonly permissionsBoundary: iam.IManagedPolicy;
  public readonly guardrailPolicy?: iam.IManagedPolicy;
  public readonly _access: StudioAccess;

  constructor(scope: Construct, id: string, attrs: StudioDomainAttributes, defaultAuthMode: StudioAuthMode) {
    super(scope, id);
    const stack = Stack.of(this);
    this.domainId = attrs.domainId;
    this.domainArn = `arn:${literalPartition(stack)}:sagemaker:${stack.region}:${stack.account}:domain/${attrs.domainId}`;
    this.vpc = attrs.vpc;
    this.authMode = attrs.authMode ?? defaultAuthMode;
    this.encryptionKey = attrs.encryptionKey;
    this.permissionsBoundary = attrs.permissionsBoundary;
    this.guardrailPolicy = attrs.guardrailPolicy;
    this._access = studioAccess(this.node.path, attrs.vpc, attrs.encryptionKey, attrs);
  }
}

/**
 * `StudioDomain.fromDomainAttributes`.
 * @internal
 */
export function importStudioDomain(scope: Construct, id: string, attrs: StudioDomainAttributes, defaultAuthMode: StudioAuthMode): IStudioDomain {
  return new ImportedStudioDomain(scope, id, attrs, defaultAuthMode);
}
