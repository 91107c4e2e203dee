import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { MANAGED_POLICY_MAX_CHARS, policySize, validateList, WILDCARD_ACKNOWLEDGEMENT } from './policy-utils';
import { acknowledgeRules } from '../core/acknowledge';
import { skipCheckovChecks } from '../core/checkov';
import { literalPartition } from '../core/iam-findings';
import { acknowledgeWildcards, ReasonedStatement } from '../core/wildcard-acknowledgement';

/**
 * Props of `SageMakerGuardrails`.
 */
export interface SageMakerGuardrailsProps {
  /**
   * The SageMaker instance types that jobs, notebooks, endpoint configurations, Studio apps, spaces,
   * domains, user profiles and HyperPod clusters may use. Each entry is an instance type
   * (`ml.m5.xlarge`), a family pattern (`ml.g5.*`) or `system` (the instance type of Studio
   * JupyterServer apps). A request naming any other type is explicitly denied
   * (`ForAnyValue:StringNotLike` on `sagemaker:InstanceTypes`).
   * @default SageMakerGuardrails.DEFAULT_ALLOWED_INSTANCE_TYPES
   */
  readonly allowedInstanceTypes?: string[];

  /**
   * Instance types with local NVMe instance storage. SageMaker encrypts their storage in hardware and
   * refuses a `VolumeKmsKeyId` for them, so a job, transform or endpoint configuration whose
   * instance types are all in this list is not denied for a missing volume KMS key. Same syntax as
   * `allowedInstanceTypes`; only the families that `allowedInstanceTypes` allows are kept (the others
   * are denied anyway).
   * @default SageMakerGuardrails.DEFAULT_LOCAL_STORAGE_INSTANCE_TYPES
   */
  readonly localStorageInstanceTypes?: string[];

  /**
   * Subnets that SageMaker work may run in. When given, a request naming any other subnet is
   * denied (`ForAnyValue:StringNotEquals` on `sagemaker:VpcSubnets`), in addition to the denial of
   * requests without subnets. In the guardrail policy only (the boundary's size quota holds the core
   * denies).
   * @default - any subnet, as long as one is given
   */
  readonly allowedSubnetIds?: string[];

  /**
   * Security groups that SageMaker work may use. When given, a request naming any other security
   * group is denied (`ForAnyValue:StringNotEquals` on `sagemaker:VpcSecurityGroupIds`). In the
   * guardrail policy only.
   * @default - any security group, as long as one is given
   */
  readonly allowedSecurityGroupIds?: string[];

  /**
   * KMS key ARNs (key ARNs, not aliases) that SageMaker volumes and outputs must be encrypted with.
   * When given, a request naming another key in `sagemaker:VolumeKmsKeyArn` or
   * `sagemaker:OutputKmsKeyArn` is denied. In the guardrail policy only.
   * @default - any KMS key, as long as one is given
   */
  readonly kmsKeyArns?: string[];

  /**
   * Whether processing jobs and model-monitoring job definitions must run with network isolation.
   * Set it to `false` only for processing containers that must call AWS APIs themselves (for example
   * Athena or Clarify); they still run in the VPC, so they reach AWS only through VPC endpoints.
   * Training jobs, tuning jobs and models always require network isolation.
   * @default true
   */
  readonly requireNetworkIsolationForProcessing?: boolean;

  /**
   * Prefix of the two managed-policy names: `<prefix>SageMakerGuardrails` and
   * `<prefix>PermissionsBoundary`. The names are fixed (not generated) because the boundary must
   * name itself in its own conditions; use a different prefix for a second instance in one account.
   * @default 'MlopsPlatform'
   */
  readonly managedPolicyNamePrefix?: string;

  /**
   * Regions that principals under the permissions boundary may call (global IAM and STS calls stay
   * allowed). An SCP is the better place for a region restriction when the organization has one.
   * @default - no region restriction
   */
  readonly allowedRegions?: string[];

  /**
   * Further actions (`service:Action`, wildcards allowed inside a service) that the permissions
   * boundary allows beyond the platform's services. The boundary only caps permissions; identity
   * policies must still grant them.
   * @default - none
   */
  readonly additionalBoundaryActions?: string[];
}

const SM = (...actions: string[]): string[] => actions.map((a) => `sagemaker:${a}`);

/** The four model-monitoring job-definition create actions (data quality, model quality, bias, explainability). */
const JOB_DEFINITIONS = 'Create*JobDefinition';

/** Actions whose request carries `sagemaker:VpcSubnets` and `sagemaker:VpcSecurityGroupIds` when the VPC is set, and where it must be. */
const VPC_REQUIRED = SM('CreateTrainingJob', 'CreateProcessingJob', 'CreateHyperParameterTuningJob', 'CreateAutoMLJob', 'CreateAutoMLJobV2',
  'CreateModel', 'CreateNotebookInstance', 'CreateDomain', JOB_DEFINITIONS, 'CreateCluster', 'CreateJob');
/** Compute actions with `sagemaker:VolumeKmsKeyArn` and `sagemaker:InstanceTypes` (local-storage instance types are exempt). */
const VOLUME_KMS_COMPUTE = SM('CreateTrainingJob', 'CreateProcessingJob', 'CreateHyperParameterTuningJob', 'CreateTransformJob', 'CreateEndpointConfig', JOB_DEFINITIONS);
/** Actions with `sagemaker:VolumeKmsKeyArn` whose storage is always a KMS-encryptable volume (EBS or EFS). */
const VOLUME_KMS_STORAGE = SM('CreateAutoMLJob', 'CreateAutoMLJobV2', 'CreateNotebookInstance', 'CreateDomain');
/** Actions with `sagemaker:OutputKmsKeyArn`. */
const OUTPUT_KMS = SM('CreateTrainingJob', 'CreateProcessingJob', 'CreateHyperParameterTuningJob', 'CreateTransformJob', 'CreateAutoMLJob',
  'CreateAutoMLJobV2', JOB_DEFINITIONS, 'CreateLabelingJob', 'CreateJob');
/** Actions with `sagemaker:NetworkIsolation` that always require it. */
const NETWORK_ISOLATION = SM('CreateTrainingJob', 'CreateHyperParameterTuningJob', 'CreateModel');
/** Processing-type actions with `sagemaker:NetworkIsolation` (see `requireNetworkIsolationForProcessing`). */
const NETWORK_ISOLATION_PROCESSING = SM('CreateProcessingJob', JOB_DEFINITIONS);
/** Actions with `sagemaker:InterContainerTrafficEncryption`. */
const INTER_CONTAINER_ENCRYPTION = SM('CreateTrainingJob', 'CreateProcessingJob', 'CreateHyperParameterTuningJob', 'CreateAutoMLJob',
  'CreateAutoMLJobV2', JOB_DEFINITIONS);
/** Compute jobs whose API has a VPC or KMS setting but no IAM condition key to require it: denied outright. */
const UNGOVERNABLE = SM('CreateCompilationJob', 'CreateEdgePackagingJob', 'CreateInferenceRecommendationsJob', 'CreateOptimizationJob',
  'CreateAIBenchmarkJob', 'CreateAIRecommendationJob');

const INSTANCE_TYPE = /^(system|ml\.[a-z0-9]+(-[a-z0-9]+)*\.(\*|[a-z0-9]+))$/;
const INSTANCE_TYPE_EXPECTED = 'a SageMaker instance type such as ml.m5.xlarge, a family pattern such as ml.g5.*, or system (Studio JupyterServer apps)';

/**
 * The platform's SageMaker guardrails: an identity policy of explicit denies, and a permissions
 * boundary for every role the platform creates for people and pipelines.
 *
 * The guardrail policy (`guardrailPolicy`, attach it to every role that uses SageMaker) explicitly
 * denies SageMaker requests
 * - without VPC subnets (training, processing, tuning, AutoML, models, notebooks, domains, monitoring
 *   job definitions, HyperPod clusters, customization jobs), and notebooks or domains without
 *   security groups; with subnets or security groups outside `allowedSubnetIds` /
 *   `allowedSecurityGroupIds`;
 * - without a volume KMS key (jobs, transforms, endpoint configurations, AutoML, notebooks,
 *   domains; instance types with hardware-encrypted local storage are exempt) or an output KMS key
 *   (jobs, transforms, AutoML, monitoring job definitions, labeling, customization jobs); with keys
 *   outside `kmsKeyArns`;
 * - without network isolation (training, tuning, models; processing and monitoring job definitions
 *   unless `requireNetworkIsolationForProcessing` is false) or inter-container traffic encryption;
 * - for notebooks with direct internet access, root access or IMDSv1; for domains that are not
 *   `VpcOnly`; for labeling jobs with a public or vendor workforce; for monitoring schedules with an
 *   inline job definition (use a guarded `Create*JobDefinition`);
 * - on instance types outside `allowedInstanceTypes`;
 * - for compilation, edge-packaging, inference-recommendation, optimization and AI benchmark or
 *   recommendation jobs, whose VPC and KMS settings have no IAM condition keys.
 *
 * The permissions boundary (`permissionsBoundary`) allows only the services the platform uses,
 * repeats the core denies (VPC subnets, volume and output KMS keys, network isolation,
 * inter-container encryption, notebook internet and root access, `VpcOnly` domains, instance types),
 * and denies privilege escalation: roles may be created only with this boundary, only the guardrail
 * policy may be attached to them, the guardrail policy cannot be detached, boundaries cannot be
 * removed or replaced, and no policy can be authored. Principals under the boundary therefore cannot
 * mint a role that carries permissions without the guardrail policy. IAM caps a managed policy at
 * 6,144 characters and a role has one boundary, so the remaining denies live in the guardrail
 * policy only; the constructor fails if either policy would exceed the quota.
 *
 * Condition keys follow the IAM Service Authorization Reference for SageMaker: the deprecated
 * `sagemaker:VolumeKmsKey` / `sagemaker:OutputKmsKey` are replaced by `sagemaker:VolumeKmsKeyArn` /
 * `sagemaker:OutputKmsKeyArn`, which carry the key ARN: requests must name KMS keys by key ARN.
 *
 * One instance per account (the policy names are fixed; see `managedPolicyNamePrefix`). The boundary
 * is meant for people and pipeline/workload roles, not for CloudFormation execution or Service
 * Catalog launch roles, which create IAM roles and policies by design.
 *
 * @example
 * const guardrails = new SageMakerGuardrails(this, 'Guardrails', {
 *   allowedInstanceTypes: ['ml.t3.medium', 'ml.m5.xlarge', 'ml.g5.2xlarge'],
 *   kmsKeyArns: [key.keyArn],
 * });
 * guardrails.protectRole(pipelineRole);
 */
export class SageMakerGuardrails extends Construct {
  /**
   * The instance types allowed when `allowedInstanceTypes` is not given: small and medium general
   * purpose, compute and memory optimized CPU types, two GPU families for training and inference,
   * and `system` for Studio JupyterServer apps.
   */
  public static readonly DEFAULT_ALLOWED_INSTANCE_TYPES: string[] = [
    'system',
    'ml.t3.medium', 'ml.t3.large', 'ml.t3.xlarge', 'ml.t3.2xlarge',
    'ml.m5.large', 'ml.m5.xlarge', 'ml.m5.2xlarge', 'ml.m5.4xlarge',
    'ml.c5.large', 'ml.c5.xlarge', 'ml.c5.2xlarge', 'ml.c5.4xlarge',
    'ml.r5.large', 'ml.r5.xlarge', 'ml.r5.2xlarge',
    'ml.g4dn.xlarge', 'ml.g4dn.2xlarge',
    'ml.g5.xlarge', 'ml.g5.2xlarge',
  ];

  /**
   * Instance families with local NVMe instance storage (hardware-encrypted; SageMaker refuses a
   * volume KMS key for them), used when `localStorageInstanceTypes` is not given.
   */
  public static readonly DEFAULT_LOCAL_STORAGE_INSTANCE_TYPES: string[] = [
    'ml.m5d.*', 'ml.c5d.*', 'ml.r5d.*', 'ml.m6id.*', 'ml.c6id.*', 'ml.r6id.*',
    'ml.g4dn.*', 'ml.g5.*', 'ml.g6.*', 'ml.g6e.*',
    'ml.p3dn.*', 'ml.p4d.*', 'ml.p4de.*', 'ml.p5.*', 'ml.p5e.*', 'ml.p5en.*', 'ml.trn1.*', 'ml.trn1n.*',
  ];

  /** The identity policy of explicit SageMaker denies; attach it to every role that uses SageMaker. */
  public readonly guardrailPolicy: iam.ManagedPolicy;
  /** The permissions boundary; set it on every role the platform creates for people and pipelines. */
  public readonly permissionsBoundary: iam.ManagedPolicy;
  /** The ARN of the guardrail policy (built from its fixed name). */
  public readonly guardrailPolicyArn: string;
  /** The ARN of the permissions boundary (built from its fixed name; the boundary's own conditions use it). */
  public readonly permissionsBoundaryArn: string;
  /** The instance types (and patterns) that are allowed. */
  public readonly allowedInstanceTypes: string[];

  /**
   * @param scope the parent construct
   * @param id the construct id
   * @param props the guardrail settings
   */
  constructor(scope: Construct, id: string, props: SageMakerGuardrailsProps = {}) {
    super(scope, id);
    const name = 'SageMakerGuardrails';
    validateList(name, 'allowedInstanceTypes', props.allowedInstanceTypes, INSTANCE_TYPE, INSTANCE_TYPE_EXPECTED);
    validateList(name, 'localStorageInstanceTypes', props.localStorageInstanceTypes, INSTANCE_TYPE, INSTANCE_TYPE_EXPECTED, true);
    validateList(name, 'allowedSubnetIds', props.allowedSubnetIds, /^subnet-[0-9a-f]{8}([0-9a-f]{9})?$/, 'a subnet id such as subnet-0123456789abcdef0');
    validateList(name, 'allowedSecurityGroupIds', props.allowedSecurityGroupIds, /^sg-[0-9a-f]{8}([0-9a-f]{9})?$/, 'a security group id such as sg-0123456789abcdef0');
    validateList(name, 'kmsKeyArns', props.kmsKeyArns, /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/,
      'a KMS key ARN such as arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab (not an alias: SageMaker condition keys carry the key ARN)');
    validateList(name, 'allowedRegions', props.allowedRegions, /^[a-z]{2}(-[a-z]+)+-\d$/, 'a region name such as eu-central-1');
    validateList(name, 'additionalBoundaryActions', props.additionalBoundaryActions, /^[a-z0-9-]+:[A-Za-z0-9*]+$/, 'an IAM action such as glue:GetTable (service prefix, colon, action; * only inside the service)');
    const prefix = props.managedPolicyNamePrefix ?? 'MlopsPlatform';
    if (!/^[\w+=,.@-]{1,100}$/.test(prefix)) {
      throw new Error(`${name}: managedPolicyNamePrefix ${JSON.stringify(prefix)} is not valid; use 1 to 100 of the characters A-Z a-z 0-9 + = , . @ _ -`);
    }

    this.allowedInstanceTypes = [...(props.allowedInstanceTypes ?? SageMakerGuardrails.DEFAULT_ALLOWED_INSTANCE_TYPES)];
    // only local-storage families that are allowed at all need the exemption (others are denied anyway)
    const family = (instanceType: string) => instanceType.split('.')[1];
    const allowedFamilies = new Set(this.allowedInstanceTypes.map(family));
    const localStorage = (props.localStorageInstanceTypes ?? SageMakerGuardrails.DEFAULT_LOCAL_STORAGE_INSTANCE_TYPES)
      .filter((t) => allowedFamilies.has(family(t)));

    const stack = Stack.of(this);
    const policyArn = (policyName: string) => stack.formatArn({ partition: literalPartition(stack), service: 'iam', region: '', resource: 'policy', resourceName: policyName });
    const guardrailName = `${prefix}SageMakerGuardrails`;
    const boundaryName = `${prefix}PermissionsBoundary`;
    this.guardrailPolicyArn = policyArn(guardrailName);
    this.permissionsBoundaryArn = policyArn(boundaryName);

    const { core, extended } = sageMakerDenies({
      allowedInstanceTypes: this.allowedInstanceTypes,
      localStorageInstanceTypes: localStorage,
      allowedSubnetIds: props.allowedSubnetIds,
      allowedSecurityGroupIds: props.allowedSecurityGroupIds,
      kmsKeyArns: props.kmsKeyArns,
      requireNetworkIsolationForProcessing: props.requireNetworkIsolationForProcessing ?? true,
    });

    this.guardrailPolicy = new iam.ManagedPolicy(this, 'GuardrailPolicy', {
      managedPolicyName: guardrailName,
      description: 'Explicit denies for SageMaker work outside the VPC, unencrypted, without isolation, or on disallowed instance types',
      document: new iam.PolicyDocument({ statements: [...core, ...extended] }),
    });

    const allows = boundaryAllows(props.additionalBoundaryActions ?? []);
    const boundaryDocument = new iam.PolicyDocument({
      statements: [
        ...allows.map((a) => a.statement),
        ...core,
        ...escalationDenies(this.permissionsBoundaryArn, this.guardrailPolicyArn),
        ...regionDenies(props.allowedRegions),
      ],
    });
    this.permissionsBoundary = new iam.ManagedPolicy(this, 'PermissionsBoundary', {
      managedPolicyName: boundaryName,
      description: 'Permissions boundary of every platform role for people and pipelines: platform services only, SageMaker guardrails, no privilege escalation',
      document: boundaryDocument,
    });
    acknowledgeWildcards(this.permissionsBoundary, allows, WILDCARD_ACKNOWLEDGEMENT);
    acknowledgeRules(this.permissionsBoundary, {
      'NIST.800.53.R5-IAMPolicyNoStatementsWithFullAccess':
        'This policy is only ever used as a permissions boundary: it caps roles to the platform services and grants nothing by itself; the identity policies of the roles are least privilege',
      'HIPAA.Security-IAMPolicyNoStatementsWithFullAccess':
        'This policy is only ever used as a permissions boundary: it caps roles to the platform services and grants nothing by itself; the identity policies of the roles are least privilege',
    });
    // checkov's IAM checks (cloudsplaining) read every Allow as a grant; a boundary only intersects grants
    const boundaryOnly =
      'This policy is only ever set as a permissions boundary, never attached: its Allow statements are a ceiling intersected with each role\'s own least-privilege policies and grant nothing by themselves';
    skipCheckovChecks(this.permissionsBoundary, {
      CKV_AWS_107: `${boundaryOnly}; token actions (ecr:/codeartifact:GetAuthorizationToken, sts:AssumeRole) work only where a role's own policy grants them.`,
      CKV_AWS_108: `${boundaryOnly}; s3:GetObject and ssm:GetParameter* reach data only where a role's own policy names the bucket or parameter.`,
      CKV_AWS_109: `${boundaryOnly}; its Denies forbid policy authoring and boundary changes, and resource-policy actions work only where a role's own policy grants them.`,
      CKV_AWS_110: `${boundaryOnly}; paths such as lambda:UpdateFunctionCode need a grant in the role's own policy, and its Denies keep every new role under this boundary.`,
      CKV_AWS_111: `${boundaryOnly}; write actions work only where a role's own policy grants them on named resources.`,
    });

    for (const [policy, document] of [[this.guardrailPolicy, this.guardrailPolicy.document], [this.permissionsBoundary, boundaryDocument]] as const) {
      const size = policySize(this, document);
      if (size > MANAGED_POLICY_MAX_CHARS) {
        throw new Error(`${name}: the policy ${policy.node.id} would have ${size} characters, above IAM's limit of ${MANAGED_POLICY_MAX_CHARS}; shorten allowedInstanceTypes, localStorageInstanceTypes, allowedSubnetIds, allowedSecurityGroupIds, kmsKeyArns or additionalBoundaryActions (family patterns such as ml.m5.* are shorter than sizes)`);
      }
    }
  }

  /**
   * Attaches the guardrail policy to a role of this app and sets the permissions boundary on it.
   * @param role a role defined in this CDK app (imported roles cannot be changed)
   */
  public protectRole(role: iam.IRole): void {
    role.addManagedPolicy(this.guardrailPolicy);
    iam.PermissionsBoundary.of(role).apply(this.permissionsBoundary);
  }

  /**
   * Sets the permissions boundary on every IAM role and user below a scope (for example a whole
   * pipeline stack, including roles that constructs create internally).
   * @param scope the construct whose roles get the boundary
   */
  public applyPermissionsBoundary(scope: IConstruct): void {
    iam.PermissionsBoundary.of(scope).apply(this.permissionsBoundary);
  }
}

interface DenyOptions {
  readonly allowedInstanceTypes: string[];
  readonly localStorageInstanceTypes: string[];
  readonly allowedSubnetIds?: string[];
  readonly allowedSecurityGroupIds?: string[];
  readonly kmsKeyArns?: string[];
  readonly requireNetworkIsolationForProcessing: boolean;
}

function deny(sid: string, actions: string[], conditions?: Record<string, Record<string, unknown>>): iam.PolicyStatement {
  return new iam.PolicyStatement({ sid, effect: iam.Effect.DENY, actions, resources: ['*'], conditions });
}

/**
 * The SageMaker denies. `core` ones go into both policies; `extended` ones only into the guardrail
 * policy, because IAM caps a managed policy (and a role has exactly one boundary) at 6,144 characters.
 */
function sageMakerDenies(o: DenyOptions): { core: iam.PolicyStatement[]; extended: iam.PolicyStatement[] } {
  const core = [
    deny('NoVpcSubnets', VPC_REQUIRED, { Null: { 'sagemaker:VpcSubnets': 'true' } }),
    deny('NoVolumeKmsKey', VOLUME_KMS_COMPUTE, o.localStorageInstanceTypes.length > 0
      ? { 'Null': { 'sagemaker:VolumeKmsKeyArn': 'true' }, 'ForAnyValue:StringNotLike': { 'sagemaker:InstanceTypes': o.localStorageInstanceTypes } }
      // without exempt types: still only requests with instance types (serverless endpoint configurations take no key)
      : { Null: { 'sagemaker:VolumeKmsKeyArn': 'true', 'sagemaker:InstanceTypes': 'false' } }),
    deny('NoStorageKmsKey', VOLUME_KMS_STORAGE, { Null: { 'sagemaker:VolumeKmsKeyArn': 'true' } }),
    deny('NoOutputKmsKey', OUTPUT_KMS, { Null: { 'sagemaker:OutputKmsKeyArn': 'true' } }),
    deny('NoNetworkIsolation', o.requireNetworkIsolationForProcessing ? [...NETWORK_ISOLATION, ...NETWORK_ISOLATION_PROCESSING] : NETWORK_ISOLATION,
      { BoolIfExists: { 'sagemaker:NetworkIsolation': 'false' } }),
    deny('NoInterContainerEncryption', INTER_CONTAINER_ENCRYPTION, { BoolIfExists: { 'sagemaker:InterContainerTrafficEncryption': 'false' } }),
    // the API defaults of DirectInternetAccess and RootAccess are Enabled: absence is denied too
    deny('NotebookInternet', SM('CreateNotebookInstance'), { StringNotEquals: { 'sagemaker:DirectInternetAccess': 'Disabled' } }),
    deny('NotebookRoot', SM('CreateNotebookInstance'), { StringNotEquals: { 'sagemaker:RootAccess': 'Disabled' } }),
    // the API default of AppNetworkAccessType is PublicInternetOnly: absence is denied too
    deny('DomainNotVpcOnly', SM('CreateDomain'), { StringNotEquals: { 'sagemaker:AppNetworkAccessType': 'VpcOnly' } }),
    // sagemaker:* is exact here: a request without instance types never matches ForAnyValue
    deny('InstanceTypes', ['sagemaker:*'], { 'ForAnyValue:StringNotLike': { 'sagemaker:InstanceTypes': o.allowedInstanceTypes } }),
  ];
  const extended = [
    // elsewhere the API requires security groups with the subnets, so NoVpcSubnets covers them
    deny('NoVpcSecurityGroups', SM('CreateNotebookInstance', 'CreateDomain'), { Null: { 'sagemaker:VpcSecurityGroupIds': 'true' } }),
    deny('DomainPublicUpdate', SM('UpdateDomain'), { StringEquals: { 'sagemaker:AppNetworkAccessType': 'PublicInternetOnly' } }),
    deny('NotebookRootUpdate', SM('UpdateNotebookInstance'), { StringEquals: { 'sagemaker:RootAccess': 'Enabled' } }),
    deny('NotebookImdsV1', SM('CreateNotebookInstance'), { StringNotEquals: { 'sagemaker:MinimumInstanceMetadataServiceVersion': '2' } }),
    deny('NotebookImdsV1Update', SM('UpdateNotebookInstance'), { StringEquals: { 'sagemaker:MinimumInstanceMetadataServiceVersion': '1' } }),
    // Inline monitoring job definitions cannot be held to the rules above without also blocking
    // schedules that reference a (guarded) Create*JobDefinition; they carry instance types, references do not.
    deny('InlineMonitoringJob', SM('CreateMonitoringSchedule', 'UpdateMonitoringSchedule'), { Null: { 'sagemaker:InstanceTypes': 'false' } }),
    deny('PublicWorkforce', SM('CreateLabelingJob'), { StringEquals: { 'sagemaker:WorkteamType': ['public-crowd', 'vendor-crowd'] } }),
    deny('UngovernableJobs', UNGOVERNABLE),
  ];
  // sagemaker:* is exact for these too: a request without the key never matches (ForAnyValue, Null false)
  if (o.allowedSubnetIds) {
    extended.push(deny('SubnetAllowList', ['sagemaker:*'], { 'ForAnyValue:StringNotEquals': { 'sagemaker:VpcSubnets': o.allowedSubnetIds } }));
  }
  if (o.allowedSecurityGroupIds) {
    extended.push(deny('SecurityGroupAllowList', ['sagemaker:*'], { 'ForAnyValue:StringNotEquals': { 'sagemaker:VpcSecurityGroupIds': o.allowedSecurityGroupIds } }));
  }
  if (o.kmsKeyArns) {
    extended.push(deny('VolumeKeyAllowList', ['sagemaker:*'], { Null: { 'sagemaker:VolumeKmsKeyArn': 'false' }, ArnNotEquals: { 'sagemaker:VolumeKmsKeyArn': o.kmsKeyArns } }));
    extended.push(deny('OutputKeyAllowList', ['sagemaker:*'], { Null: { 'sagemaker:OutputKmsKeyArn': 'false' }, ArnNotEquals: { 'sagemaker:OutputKmsKeyArn': o.kmsKeyArns } }));
  }
  return { core, extended };
}

const BOUNDARY_REASON = 'This policy is only used as a permissions boundary: service-wide actions on all resources set the ceiling for platform roles, whose own identity policies grant the least privilege';

/** What the boundary allows: the services the platform's people and pipelines use, nothing else. */
function boundaryAllows(additional: string[]): ReasonedStatement[] {
  const statements: ReasonedStatement[] = [
    {
      statement: new iam.PolicyStatement({
        sid: 'PlatformServices',
        actions: [
          'sagemaker:*', 's3:*', 'kms:*', 'logs:*', 'cloudwatch:*', 'ecr:*', 'codeartifact:*', 'codebuild:*', 'codepipeline:*',
          'cloudformation:*', 'servicecatalog:*', 'events:*', 'lambda:*', 'sns:*', 'application-autoscaling:*', 'glue:*', 'athena:*',
        ],
        resources: ['*'],
      }),
      wildcardReason: BOUNDARY_REASON,
    },
    {
      statement: new iam.PolicyStatement({
        sid: 'PlatformSupport',
        actions: [
          'lakeformation:GetDataAccess', 'ssm:GetParameter*', 'ec2:Describe*', 'ec2:CreateNetworkInterface*', 'ec2:DeleteNetworkInterface*',
          'sts:AssumeRole', 'sts:TagSession', 'codestar-connections:UseConnection', 'codeconnections:UseConnection',
          // CodeArtifact's authorization token is an STS bearer token: without it the package mirror is unusable
          'sts:GetServiceBearerToken',
          'cloudtrail:LookupEvents', 'cloudtrail:Get*', 'cloudtrail:Describe*', 'cloudtrail:List*', 'config:Get*', 'config:Describe*',
          'config:List*', 'access-analyzer:Get*', 'access-analyzer:List*', 'iam:Get*', 'iam:List*', 'iam:GenerateCredentialReport', 'iam:CreateServiceLinkedRole',
          'iam:CreateRole', 'iam:DeleteRole', 'iam:TagRole', 'iam:AttachRolePolicy', 'iam:DetachRolePolicy',
        ],
        resources: ['*'],
      }),
      wildcardReason: BOUNDARY_REASON,
    },
    {
      statement: new iam.PolicyStatement({
        sid: 'PassRoleToPlatformServices',
        actions: ['iam:PassRole'],
        resources: ['*'],
        conditions: {
          StringEquals: {
            'iam:PassedToService': ['sagemaker.amazonaws.com', 'codebuild.amazonaws.com', 'codepipeline.amazonaws.com',
              'cloudformation.amazonaws.com', 'lambda.amazonaws.com', 'events.amazonaws.com'],
          },
        },
      }),
      wildcardReason: 'Permissions-boundary ceiling for iam:PassRole limited to the platform services by iam:PassedToService; the roles may pass only the roles their identity policies name',
    },
  ];
  if (additional.length > 0) {
    statements.push({
      statement: new iam.PolicyStatement({ sid: 'AdditionalActions', actions: additional, resources: ['*'] }),
      wildcardReason: BOUNDARY_REASON,
    });
  }
  return statements;
}

/**
 * Denies that keep principals under the boundary from escaping it or weakening the guardrails. The
 * ceiling lets them create roles, but only with this boundary, and attach only the guardrail policy
 * to them: they can never mint a role that carries permissions without the guardrails.
 */
function escalationDenies(boundaryArn: string, guardrailArn: string): iam.PolicyStatement[] {
  return [
    deny('RoleWithoutBoundary', ['iam:CreateRole'], { StringNotEquals: { 'iam:PermissionsBoundary': boundaryArn } }),
    // roles without this boundary (for example administrator roles) cannot be changed from here
    deny('UnboundedRoleChange', ['iam:DetachRolePolicy', 'iam:DeleteRole', 'iam:TagRole'],
      { StringNotEquals: { 'iam:PermissionsBoundary': boundaryArn } }),
    deny('AttachOnlyGuardrail', ['iam:AttachRolePolicy'], { ArnNotEquals: { 'iam:PolicyARN': guardrailArn } }),
    deny('DetachGuardrail', ['iam:DetachRolePolicy'], { ArnEquals: { 'iam:PolicyARN': guardrailArn } }),
    deny('BoundaryChange', ['iam:DeleteRolePermissionsBoundary', 'iam:DeleteUserPermissionsBoundary', 'iam:PutRolePermissionsBoundary',
      'iam:PutUserPermissionsBoundary']),
    // nobody under the boundary authors permissions: no policies, versions (replacing this boundary) or inline policies
    deny('PolicyAuthoring', ['iam:CreatePolicy', 'iam:CreatePolicyVersion', 'iam:SetDefaultPolicyVersion', 'iam:DeletePolicy',
      'iam:DeletePolicyVersion', 'iam:PutRolePolicy', 'iam:PutUserPolicy', 'iam:PutGroupPolicy']),
  ];
}

function regionDenies(regions: string[] | undefined): iam.PolicyStatement[] {
  if (!regions) return [];
  return [new iam.PolicyStatement({
    sid: 'OutsideAllowedRegions',
    effect: iam.Effect.DENY,
    notActions: ['iam:*', 'sts:*'],
    resources: ['*'],
    conditions: { StringNotEquals: { 'aws:RequestedRegion': regions } },
  })];
}
