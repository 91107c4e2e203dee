import { RemovalPolicy, Stack, Tags, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { StudioDataAccess, validateDataAccess } from './data-access';
import { createStudioPolicy, createStudioRole, STUDIO_USER_TAG_KEY } from './execution-policy';
import { StudioAuthMode } from './studio-domain';
import { IStudioDomain, studioAccessOf } from './studio-domain-attributes';
import { literalPartition } from '../core/iam-findings';
import { JOB_NAME_DELIMITER, USE_CASE_TAG_KEY } from '../core/tenancy-tag';
import { useCaseIsolationStatements } from '../security/use-case-isolation';

/** SageMaker user profile names: letters, digits and hyphens inside, at most 63 characters. */
const USER_PROFILE_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
/** Tag keys SageMaker and AWS reserve. */
const RESERVED_TAG_KEY = /^aws:/i;

/**
 * The use case a Studio user profile works on: its execution role acts for that use case only.
 */
export interface StudioProfileUseCase {
  /** The use-case name: the value of the tag `mlops:use-case` on the profile, its role and its security group. */
  readonly name: string;

  /**
   * The buckets (name patterns, as the domain's `readableBucketNamePatterns`) this profile reads instead of
   * the domain's, e.g. the use case's artifact bucket `vwml-weld-gun-pm-artifacts-222222222222`.
   */
  readonly readableBucketNamePatterns: string[];

  /**
   * The aliases of the keys of those buckets (instead of the domain's `readableBucketKeyAliases`), e.g.
   * `alias/vwml/weld-gun-pm/artifacts`.
   * @default - no key beyond the domain key
   */
  readonly readableBucketKeyAliases?: string[];

  /**
   * The text before the use-case name in its model package group's name: the role reads and writes model
   * package versions of `<modelPackageGroupNamePrefix><name>` only, and reads the logs of the jobs named
   * `<modelPackageGroupNamePrefix><name>--*` (its model-build pipeline's, and its own jobs named so
   * with `base_job_name`).
   * @default ''
   */
  readonly modelPackageGroupNamePrefix?: string;
}

/**
 * Props of a `DataScientistProfile`.
 */
export interface DataScientistProfileProps {
  /** The Studio domain the profile belongs to: a `StudioDomain`, or one of another stack (`StudioDomain.fromDomainAttributes`). */
  readonly domain: IStudioDomain;

  /**
   * The user profile name: 1 to 63 letters, digits and hyphens, starting and ending with a letter
   * or digit. It is also the `sts:SourceIdentity` of every call the user's apps make.
   */
  readonly userProfileName: string;

  /**
   * The IAM Identity Center user name the profile is bound to. Required when the domain signs in
   * with `StudioAuthMode.IAM_IDENTITY_CENTER`, refused when it signs in with IAM.
   * @default - none (IAM sign-in)
   */
  readonly identityCenterUserName?: string;

  /**
   * Who owns the profile: the person's identity as the identity provider passes it in the session tag
   * `studio-user` (`DataScientistProfile.USER_TAG_KEY`, the same key as `PersonaRoles.STUDIO_USER_TAG_KEY`).
   * Tagged as `studio-user` on the profile, its role and its security group, and propagated to the apps
   * and jobs the profile starts; the persona roles may open (`CreatePresignedDomainUrl`) only the
   * profile whose `studio-user` tag equals their own session tag.
   * @default - the Identity Center user name, or else the user profile name
   */
  readonly owner?: string;

  /**
   * The name of the profile's execution role: a fixed name lets other stacks and accounts grant to the
   * role by ARN (e.g. Lake Formation grants) without a reference to this stack.
   * @default - a name CloudFormation generates
   */
  readonly executionRoleName?: string;

  /**
   * More tags for the profile, its role and its security group (not `studio-user`, which is `owner`).
   * @default - only `studio-user`
   */
  readonly tags?: { [key: string]: string };

  /**
   * The use case the data scientist works on. The profile, its execution role and its security group are
   * tagged `mlops:use-case` with it, and the role acts for it only: SageMaker requests on resources tagged
   * with another use case and on model package versions of other groups are denied, it reads the buckets
   * and keys named here instead of the domain's, and it reads no endpoint logs (endpoint names in EXP do
   * not say whose they are).
   * @default - no use case: the profile reads what the domain's roles read
   */
  readonly useCase?: StudioProfileUseCase;

  /**
   * What happens to the user profile when it leaves the stack (deleting it needs its apps and
   * spaces deleted first).
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A SageMaker Studio user profile for one data scientist, with its own execution role (inside the
 * domain's permissions boundary, with the domain's guardrail policy) and its own security group
 * (in addition to the domain's), tagged `studio-user` with its owner so that the owner's persona role,
 * and nobody else's, may open it.
 *
 * @example
 * const alice = new DataScientistProfile(this, 'Alice', {
 *   domain,
 *   userProfileName: 'alice',
 *   owner: 'alice@example.com',
 * });
 * database.connections.allowDefaultPortFrom(alice.securityGroup);
 */
export class DataScientistProfile extends Construct {
  /**
   * The tag key that says whose the profile is (value: `owner`); the identity provider passes the same
   * key as a session tag, and the persona roles open only the profile whose tag matches it.
   */
  public static readonly USER_TAG_KEY: string = STUDIO_USER_TAG_KEY;

  /** The execution role of the profile's apps and jobs. */
  public readonly role: iam.IRole;
  /** The profile's own security group; the domain's security group applies as well. */
  public readonly securityGroup: ec2.ISecurityGroup;
  /** The user profile name. */
  public readonly userProfileName: string;
  /** The user profile ARN. */
  public readonly userProfileArn: string;
  /** The CloudFormation user profile. */
  public readonly cfnUserProfile: sagemaker.CfnUserProfile;

  /**
   * The policy that holds the execution role to its use case (with `useCase`).
   * @default - none: the profile has no use case
   */
  public readonly useCaseIsolationPolicy?: iam.ManagedPolicy;

  /**
   * @param scope the construct that contains it
   * @param id the construct id, unique within the scope
   * @param props the profile settings
   */
  constructor(scope: Construct, id: string, props: DataScientistProfileProps) {
    super(scope, id);
    const domain = props.domain;
    const name = props.userProfileName;
    if (!Token.isUnresolved(name) && !USER_PROFILE_NAME.test(name)) {
      throw new Error(
        `DataScientistProfile ${this.node.path}: userProfileName ${JSON.stringify(name)} is invalid; use 1 to 63 letters, digits and hyphens, starting and ending with a letter or digit (e.g. "jane-doe")`,
      );
    }
    const sso = domain.authMode === StudioAuthMode.IAM_IDENTITY_CENTER;
    const ssoUser = props.identityCenterUserName;
    if (sso && ssoUser === undefined) {
      throw new Error(
        `DataScientistProfile ${this.node.path}: identityCenterUserName is required because the domain signs in with IAM Identity Center; set it to the user's Identity Center user name`,
      );
    }
    if (!sso && ssoUser !== undefined) {
      throw new Error(
        `DataScientistProfile ${this.node.path}: identityCenterUserName is set but the domain signs in with IAM; remove it, or create the domain with authMode StudioAuthMode.IAM_IDENTITY_CENTER`,
      );
    }
    const roleName = props.executionRoleName;
    if (roleName !== undefined && !Token.isUnresolved(roleName) && !/^[\w+=,.@-]{1,64}$/.test(roleName)) {
      throw new Error(`DataScientistProfile ${this.node.path}: executionRoleName ${JSON.stringify(roleName)} is not an IAM role name; use 1 to 64 letters, digits and '+=,.@_-'`);
    }
    if (ssoUser !== undefined && !Token.isUnresolved(ssoUser) && (ssoUser.length < 1 || ssoUser.length > 256)) {
      throw new Error(`DataScientistProfile ${this.node.path}: identityCenterUserName must be 1 to 256 characters long`);
    }
    const owner = props.owner ?? ssoUser ?? name;
    if (!Token.isUnresolved(owner) && (owner.length < 1 || owner.length > 256)) {
      throw new Error(`DataScientistProfile ${this.node.path}: owner must be 1 to 256 characters long`);
    }
    for (const key of Object.keys(props.tags ?? {})) {
      if (RESERVED_TAG_KEY.test(key) || key.length < 1 || key.length > 128) {
        throw new Error(`DataScientistProfile ${this.node.path}: tags has the key ${JSON.stringify(key)}; use 1 to 128 characters not starting with "aws:"`);
      }
      if (key === STUDIO_USER_TAG_KEY) {
        throw new Error(`DataScientistProfile ${this.node.path}: tags has the key "${STUDIO_USER_TAG_KEY}", which says whose the profile is; set it through owner instead`);
      }
    }

    const sg = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: domain.vpc,
      allowAllOutbound: false,
      description: `SageMaker Studio user profile ${name}: identifies the apps of this user, the domain security group grants the network access`,
    });
    this.securityGroup = sg;

    const role = createStudioRole(
      this,
      'ExecutionRole',
      `Execution role of the SageMaker Studio user profile ${name}`,
      domain.permissionsBoundary,
      domain.guardrailPolicy,
      props.executionRoleName,
    );
    this.role = role;

    this.cfnUserProfile = new sagemaker.CfnUserProfile(this, 'Resource', {
      domainId: domain.domainId,
      userProfileName: name,
      singleSignOnUserIdentifier: sso ? 'UserName' : undefined,
      singleSignOnUserValue: sso ? ssoUser : undefined,
      userSettings: {
        executionRole: role.roleArn,
        // aggregated with the domain's default security group by SageMaker
        securityGroups: [sg.securityGroupId],
      },
    });
    this.cfnUserProfile.applyRemovalPolicy(props.removalPolicy ?? RemovalPolicy.RETAIN);
    this.userProfileName = name;
    this.userProfileArn = this.cfnUserProfile.attrUserProfileArn;

    const useCase = props.useCase;
    const domainAccess = studioAccessOf(domain);
    const access = useCase ? {
      ...domainAccess,
      data: {
        ...domainAccess.data,
        readableBucketNamePatterns: useCase.readableBucketNamePatterns,
        readableBucketKeyAliases: useCase.readableBucketKeyAliases ?? [],
      },
    } : domainAccess;
    if (useCase) validateUseCase(this.node.path, useCase, access.data);
    // a use case's profile reads its use case's job logs (streams <prefix><use case>--* of the shared job log groups)
    const jobLogs = useCase ? `${useCase.modelPackageGroupNamePrefix ?? ''}${useCase.name}${JOB_NAME_DELIMITER}` : undefined;
    createStudioPolicy(this, 'ExecutionPolicy', role, domain.domainArn, domain.domainId, access, jobLogs);
    if (useCase) {
      this.useCaseIsolationPolicy = createUseCaseIsolationPolicy(this, role, useCase);
      Tags.of(this).add(USE_CASE_TAG_KEY, useCase.name);
    }

    Tags.of(this).add(STUDIO_USER_TAG_KEY, owner);
    for (const [k, v] of Object.entries(props.tags ?? {})) Tags.of(this).add(k, v);
  }
}

/** Checks the use case of a profile; every error names the prop and the fix. */
function validateUseCase(path: string, useCase: StudioProfileUseCase, data: StudioDataAccess): void {
  if (!Token.isUnresolved(useCase.name) && !/^[a-z0-9](-?[a-z0-9])*$/.test(useCase.name)) {
    throw new Error(`DataScientistProfile ${path}: useCase.name ${JSON.stringify(useCase.name)} is not a use-case name; use lower-case letters, digits and single hyphens, e.g. "weld-gun-pm"`);
  }
  if (useCase.readableBucketNamePatterns.some((p) => !Token.isUnresolved(p) && p.includes('*'))) {
    throw new Error(`DataScientistProfile ${path}: useCase.readableBucketNamePatterns must name the use case's own buckets without '*' (a pattern would reach other use cases' buckets); write e.g. "vwml-weld-gun-pm-artifacts-222222222222"`);
  }
  validateDataAccess(path, data);
}

/** The use-case isolation of a profile's execution role: SageMaker resources of its use case only, no endpoint logs. */
function createUseCaseIsolationPolicy(scope: Construct, role: iam.IRole, useCase: StudioProfileUseCase): iam.ManagedPolicy {
  const stack = Stack.of(scope);
  const partition = literalPartition(stack);
  return new iam.ManagedPolicy(scope, 'UseCaseIsolationPolicy', {
    description: `Studio user profile of the use case ${useCase.name}: its own SageMaker resources and model versions only`,
    roles: [role],
    statements: [
      ...useCaseIsolationStatements(stack, useCase.modelPackageGroupNamePrefix ?? ''),
      new iam.PolicyStatement({
        sid: 'NoEndpointLogs',
        effect: iam.Effect.DENY,
        actions: ['logs:GetLogEvents', 'logs:FilterLogEvents', 'logs:StartQuery', 'logs:DescribeLogStreams'],
        resources: [`arn:${partition}:logs:${stack.region}:${stack.account}:log-group:/aws/sagemaker/Endpoints/*`],
      }),
    ],
  });
}
