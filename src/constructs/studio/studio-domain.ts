import { Duration, RemovalPolicy, Size, SizeRoundingBehavior, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { StudioDomainReach } from './data-access-props';
import { createStudioPolicy, createStudioRole, SHARING_PREFIX, StudioAccess } from './execution-policy';
import { importStudioDomain, IStudioDomain, studioAccess, StudioDomainAttributes } from './studio-domain-attributes';

/**
 * How the members of a Studio domain sign in.
 */
export enum StudioAuthMode {
  /** With IAM: a presigned URL per user profile, created by an IAM principal allowed to. */
  IAM = 'IAM',
  /** With IAM Identity Center (formerly AWS SSO): each user profile is bound to an Identity Center user. */
  IAM_IDENTITY_CENTER = 'SSO',
}

/** Studio application types that `hiddenAppTypes` accepts. */
const APP_TYPES = ['JupyterServer', 'TensorBoard', 'RStudioServerPro', 'JupyterLab', 'CodeEditor', 'DetailedProfiler', 'Canvas'];

/** The bounds SageMaker accepts for idle timeouts, in minutes. */
const IDLE_MIN_MINUTES = 60;
const IDLE_MAX_MINUTES = 525600;

/** The bounds SageMaker accepts for space EBS volumes, in GiB. */
const EBS_MIN_GIB = 5;
const EBS_MAX_GIB = 16384;

/** Domain and user profile names: letters, digits and single or repeated hyphens inside, at most 63. */
const NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

/**
 * Props of a `StudioDomain`.
 */
export interface StudioDomainProps extends StudioDomainReach {
  /**
   * The domain name: letters, digits and hyphens (not at the start or end), at most 63 characters.
   */
  readonly domainName: string;

  /**
   * The VPC of the domain. All Studio traffic stays in it (`VpcOnly`); it needs VPC endpoints for
   * SageMaker (API, runtime, Studio), STS, S3, CloudWatch Logs and ECR to be usable without internet.
   */
  readonly vpc: ec2.IVpc;

  /**
   * The subnets of the domain (1 to 16).
   * @default - the isolated subnets of the VPC
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * The customer-managed key that encrypts the domain's EFS home directories and the EBS volumes of
   * its spaces. The execution roles may use it, and may let SageMaker create grants on it.
   */
  readonly encryptionKey: kms.IKey;

  /**
   * The permissions boundary of every execution role of the domain (and of its profiles).
   */
  readonly permissionsBoundary: iam.IManagedPolicy;

  /**
   * The guardrail policy (explicit denies, e.g. SageMaker work outside the VPC or without
   * encryption) attached to every execution role of the domain and of its profiles.
   * @default - no guardrail policy is attached; attach one in any account where people work
   */
  readonly guardrailPolicy?: iam.IManagedPolicy;

  /**
   * How members sign in.
   * @default StudioAuthMode.IAM
   */
  readonly authMode?: StudioAuthMode;

  /**
   * Whether idle JupyterLab and Code Editor apps are shut down automatically.
   * @default true
   */
  readonly idleShutdown?: boolean;

  /**
   * How long a JupyterLab or Code Editor app may stay idle before it is shut down (whole minutes,
   * 60 to 525600, between `minIdleTimeout` and `maxIdleTimeout`).
   * @default Duration.hours(1)
   */
  readonly idleTimeout?: Duration;

  /**
   * The shortest idle timeout a user may choose for their own apps.
   * @default Duration.hours(1)
   */
  readonly minIdleTimeout?: Duration;

  /**
   * The longest idle timeout a user may choose for their own apps.
   * @default Duration.hours(4)
   */
  readonly maxIdleTimeout?: Duration;

  /**
   * The default size of a space's EBS volume (5 to 16384 GiB, at most `maxSpaceStorage`).
   * @default Size.gibibytes(5)
   */
  readonly defaultSpaceStorage?: Size;

  /**
   * The largest EBS volume a user may give a space (5 to 16384 GiB).
   * @default Size.gibibytes(100)
   */
  readonly maxSpaceStorage?: Size;

  /**
   * The Studio applications hidden from the users, from `JupyterServer`, `TensorBoard`,
   * `RStudioServerPro`, `JupyterLab`, `CodeEditor`, `DetailedProfiler`, `Canvas`. Studio Classic
   * (`JupyterServer`) has no idle shutdown; RStudio needs a licence and a domain execution role.
   * @default ['JupyterServer', 'RStudioServerPro', 'Canvas']
   */
  readonly hiddenAppTypes?: string[];

  /**
   * The id of the S3 managed prefix list (`pl-...`) of the region: the domain's security group allows
   * HTTPS to it, the addresses of S3 behind the gateway endpoint. Interface endpoints in the VPC are
   * covered by the rule that allows HTTPS to the VPC CIDR.
   * @default - HTTPS to any IPv4 address for S3: the domain belongs in isolated subnets (no internet
   *   gateway, no NAT), whose only route beyond the VPC is the S3 gateway endpoint (no context lookup,
   *   so the app synthesizes without AWS credentials)
   */
  readonly s3PrefixListId?: string;

  /**
   * What happens to the domain (and its EFS home directories) when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A SageMaker Studio domain that keeps all traffic in a VPC: IAM or IAM Identity Center sign-in,
 * EFS and EBS encrypted with a customer-managed key, idle apps shut down, a least-privilege default
 * execution role inside a permissions boundary and the guardrail policy, a security group that only
 * reaches the VPC endpoints and S3 (HTTPS) and the other domain members (NFS), notebook output not shared
 * (or only to an encrypted bucket), and retained when it leaves the stack. Optionally the execution roles
 * read buckets found by name pattern, query shared Lake Formation databases through Athena, and install
 * packages from a CodeArtifact mirror.
 *
 * @example
 * const domain = new StudioDomain(this, 'Studio', {
 *   domainName: 'mlops-exp',
 *   vpc,
 *   encryptionKey: key,
 *   permissionsBoundary: boundary,
 *   guardrailPolicy: guardrails,
 *   artifactBuckets: [artifacts.bucket],
 * });
 * new DataScientistProfile(this, 'Alice', { domain, userProfileName: 'alice' });
 */
export class StudioDomain extends Construct implements IStudioDomain {
  /**
   * A domain of another stack, for the profiles of this stack (`DataScientistProfile`): no resource is
   * created, the profiles' execution policies repeat what the attributes say the domain's roles reach.
   * @param scope the construct that contains it
   * @param id the construct id
   * @param attrs the domain id, network, key, limits and reach
   */
  public static fromDomainAttributes(scope: Construct, id: string, attrs: StudioDomainAttributes): IStudioDomain {
    return importStudioDomain(scope, id, attrs, StudioAuthMode.IAM);
  }

  /** The domain id (`d-...`). */
  public readonly domainId: string;
  /** The domain ARN. */
  public readonly domainArn: string;
  /** The id of the EFS file system that holds the home directories. */
  public readonly homeEfsFileSystemId: string;
  /** The execution role of users without their own role, and of shared spaces. */
  public readonly defaultExecutionRole: iam.IRole;
  /** The security group of every app of the domain (HTTPS to the VPC, NFS among members). */
  public readonly securityGroup: ec2.ISecurityGroup;
  /** The VPC of the domain. */
  public readonly vpc: ec2.IVpc;
  /** How members sign in. */
  public readonly authMode: StudioAuthMode;
  /** The key of the EFS home directories and space volumes. */
  public readonly encryptionKey: kms.IKey;
  /** The permissions boundary of every execution role of the domain. */
  public readonly permissionsBoundary: iam.IManagedPolicy;
  /** The guardrail policy attached to every execution role of the domain, if any. */
  public readonly guardrailPolicy?: iam.IManagedPolicy;
  /** The CloudFormation domain. */
  public readonly cfnDomain: sagemaker.CfnDomain;

  /**
   * What the execution roles of the domain may reach; profiles reuse it.
   * @internal
   */
  public readonly _access: StudioAccess;

  /**
   * @param scope the construct that contains it
   * @param id the construct id, unique within the scope
   * @param props the domain settings
   */
  constructor(scope: Construct, id: string, props: StudioDomainProps) {
    super(scope, id);

    if (!Token.isUnresolved(props.domainName) && !NAME_PATTERN.test(props.domainName)) {
      throw new Error(
        `StudioDomain ${this.node.path}: domainName ${JSON.stringify(props.domainName)} is invalid; use 1 to 63 letters, digits and hyphens, starting and ending with a letter or digit (e.g. "mlops-exp")`,
      );
    }
    const idle = resolveIdleSettings(this.node.path, props);
    const storage = resolveStorage(this.node.path, props);
    const hiddenAppTypes = props.hiddenAppTypes ?? ['JupyterServer', 'RStudioServerPro', 'Canvas'];
    for (const t of hiddenAppTypes) {
      if (!APP_TYPES.includes(t)) {
        throw new Error(`StudioDomain ${this.node.path}: hiddenAppTypes contains ${JSON.stringify(t)}; use only ${APP_TYPES.join(', ')}`);
      }
    }

    this.vpc = props.vpc;
    this.authMode = props.authMode ?? StudioAuthMode.IAM;
    this.encryptionKey = props.encryptionKey;
    this.permissionsBoundary = props.permissionsBoundary;
    this.guardrailPolicy = props.guardrailPolicy;

    let subnetIds: string[];
    try {
      subnetIds = props.vpc.selectSubnets(props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }).subnetIds;
    } catch (e) {
      throw new Error(
        `StudioDomain ${this.node.path}: vpcSubnets selects no subnets of the VPC (${(e as Error).message}); select 1 to 16 private subnets, by default the isolated subnets are used`,
      );
    }
    if (subnetIds.length < 1 || subnetIds.length > 16) {
      throw new Error(
        `StudioDomain ${this.node.path}: vpcSubnets selects ${subnetIds.length} subnets; a domain needs 1 to 16 (by default the isolated subnets of the VPC are used)`,
      );
    }

    const sg = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      allowAllOutbound: false,
      description: 'SageMaker Studio domain: HTTPS to the VPC endpoints, NFS among domain members',
    });
    // Studio reads and writes S3 (notebooks, data, job artifacts) through the gateway endpoint, which is
    // not in the VPC CIDR
    if (props.s3PrefixListId) {
      sg.addEgressRule(ec2.Peer.ipv4(props.vpc.vpcCidrBlock), ec2.Port.tcp(443), 'HTTPS to the VPC endpoints');
      sg.addEgressRule(ec2.Peer.prefixList(props.s3PrefixListId), ec2.Port.tcp(443), 'HTTPS to the S3 gateway endpoint');
    } else {
      // one rule: without the prefix list id, 443 anywhere covers the interface endpoints in the VPC too
      // (a second rule for the VPC CIDR would admit nothing more)
      sg.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to the VPC endpoints and to S3 through the gateway endpoint (the only routes out of the isolated subnets)');
    }
    sg.addIngressRule(sg, ec2.Port.tcp(2049), 'NFS (EFS home directories) among domain members');
    sg.addEgressRule(sg, ec2.Port.tcp(2049), 'NFS (EFS home directories) among domain members');
    if (!hiddenAppTypes.includes('JupyterServer')) {
      // Studio Classic: the JupyterServer app talks to its KernelGateway apps on these ports
      sg.addIngressRule(sg, ec2.Port.tcpRange(8192, 65535), 'Studio Classic JupyterServer to KernelGateway apps');
      sg.addEgressRule(sg, ec2.Port.tcpRange(8192, 65535), 'Studio Classic JupyterServer to KernelGateway apps');
    }
    this.securityGroup = sg;

    this._access = studioAccess(this.node.path, props.vpc, props.encryptionKey, props);

    const role = createStudioRole(
      this,
      'DefaultExecutionRole',
      'Default execution role of the SageMaker Studio domain (shared spaces, users without their own role)',
      props.permissionsBoundary,
      props.guardrailPolicy,
    );
    this.defaultExecutionRole = role;

    const appLifecycleManagement: sagemaker.CfnDomain.AppLifecycleManagementProperty = {
      idleSettings: idle.enabled
        ? {
          lifecycleManagement: 'ENABLED',
          idleTimeoutInMinutes: idle.timeout,
          minIdleTimeoutInMinutes: idle.min,
          maxIdleTimeoutInMinutes: idle.max,
        }
        : { lifecycleManagement: 'DISABLED' },
    };
    const spaceStorageSettings: sagemaker.CfnDomain.DefaultSpaceStorageSettingsProperty = {
      defaultEbsStorageSettings: { defaultEbsVolumeSizeInGb: storage.defaultGib, maximumEbsVolumeSizeInGb: storage.maxGib },
    };
    const sharing = props.notebookSharingBucket;
    const sharingSettings: sagemaker.CfnDomain.SharingSettingsProperty = sharing
      ? {
        notebookOutputOption: 'Allowed',
        s3OutputPath: `s3://${sharing.bucketName}/${SHARING_PREFIX}/`,
        s3KmsKeyId: (sharing.encryptionKey ?? props.encryptionKey).keyArn,
      }
      : { notebookOutputOption: 'Disabled' };

    this.cfnDomain = new sagemaker.CfnDomain(this, 'Resource', {
      domainName: props.domainName,
      authMode: this.authMode,
      appNetworkAccessType: 'VpcOnly',
      vpcId: props.vpc.vpcId,
      subnetIds,
      kmsKeyId: props.encryptionKey.keyArn,
      tagPropagation: 'ENABLED',
      domainSettings: {
        // every API call of an execution role carries the user profile name as sts:SourceIdentity (CloudTrail)
        executionRoleIdentityConfig: 'USER_PROFILE_NAME',
        dockerSettings: { enableDockerAccess: 'DISABLED' },
      },
      defaultUserSettings: {
        executionRole: role.roleArn,
        securityGroups: [sg.securityGroupId],
        studioWebPortal: 'ENABLED',
        defaultLandingUri: 'studio::',
        studioWebPortalSettings: hiddenAppTypes.length > 0 ? { hiddenAppTypes } : undefined,
        jupyterLabAppSettings: { appLifecycleManagement },
        codeEditorAppSettings: { appLifecycleManagement },
        spaceStorageSettings,
        sharingSettings,
      },
      defaultSpaceSettings: {
        executionRole: role.roleArn,
        securityGroups: [sg.securityGroupId],
        jupyterLabAppSettings: { appLifecycleManagement },
        spaceStorageSettings,
      },
    });
    this.cfnDomain.applyRemovalPolicy(props.removalPolicy ?? RemovalPolicy.RETAIN);

    this.domainId = this.cfnDomain.attrDomainId;
    this.domainArn = this.cfnDomain.attrDomainArn;
    this.homeEfsFileSystemId = this.cfnDomain.attrHomeEfsFileSystemId;

    createStudioPolicy(this, 'DefaultExecutionPolicy', role, this.domainArn, this.domainId, this._access);
  }
}

interface IdleSettings {
  readonly enabled: boolean;
  readonly timeout: number;
  readonly min: number;
  readonly max: number;
}

function minutes(path: string, prop: string, d: Duration | undefined, fallback: number): number {
  if (d === undefined) return fallback;
  if (Token.isUnresolved(d.toSeconds())) {
    throw new Error(`StudioDomain ${path}: ${prop} must be a literal duration, not a token`);
  }
  const seconds = d.toSeconds();
  if (seconds % 60 !== 0) {
    throw new Error(`StudioDomain ${path}: ${prop} is ${d.toHumanString()}; use whole minutes, e.g. Duration.minutes(90)`);
  }
  const m = seconds / 60;
  if (m < IDLE_MIN_MINUTES || m > IDLE_MAX_MINUTES) {
    throw new Error(
      `StudioDomain ${path}: ${prop} is ${m} minutes; SageMaker accepts ${IDLE_MIN_MINUTES} to ${IDLE_MAX_MINUTES} minutes (1 hour to 365 days)`,
    );
  }
  return m;
}

function resolveIdleSettings(path: string, props: StudioDomainProps): IdleSettings {
  const timeout = minutes(path, 'idleTimeout', props.idleTimeout, 60);
  const min = minutes(path, 'minIdleTimeout', props.minIdleTimeout, IDLE_MIN_MINUTES);
  const max = minutes(path, 'maxIdleTimeout', props.maxIdleTimeout, Math.max(240, timeout));
  if (min > max) {
    throw new Error(`StudioDomain ${path}: minIdleTimeout (${min} minutes) is longer than maxIdleTimeout (${max} minutes); swap them or widen the range`);
  }
  if (timeout < min || timeout > max) {
    throw new Error(
      `StudioDomain ${path}: idleTimeout (${timeout} minutes) is outside minIdleTimeout..maxIdleTimeout (${min}..${max} minutes); choose a timeout inside the range`,
    );
  }
  return { enabled: props.idleShutdown ?? true, timeout, min, max };
}

function resolveStorage(path: string, props: StudioDomainProps): { defaultGib: number; maxGib: number } {
  const gib = (prop: string, s: Size | undefined, fallback: number): number => {
    if (s === undefined) return fallback;
    const v = s.toGibibytes({ rounding: SizeRoundingBehavior.NONE });
    if (!Number.isInteger(v) || v < EBS_MIN_GIB || v > EBS_MAX_GIB) {
      throw new Error(`StudioDomain ${path}: ${prop} is ${v} GiB; use whole GiB from ${EBS_MIN_GIB} to ${EBS_MAX_GIB}, e.g. Size.gibibytes(20)`);
    }
    return v;
  };
  const defaultGib = gib('defaultSpaceStorage', props.defaultSpaceStorage, 5);
  const maxGib = gib('maxSpaceStorage', props.maxSpaceStorage, Math.max(100, defaultGib));
  if (defaultGib > maxGib) {
    throw new Error(`StudioDomain ${path}: defaultSpaceStorage (${defaultGib} GiB) is larger than maxSpaceStorage (${maxGib} GiB); raise maxSpaceStorage`);
  }
  return { defaultGib, maxGib };
}
