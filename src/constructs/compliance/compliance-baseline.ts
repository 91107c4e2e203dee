import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as config from 'aws-cdk-lib/aws-config';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as securityhub from 'aws-cdk-lib/aws-securityhub';
import { Construct } from 'constructs';
import { SecureBucket } from '../core/secure-bucket';

/** AWS Config managed rule identifiers: upper-case letters, digits and underscores. */
const RULE_IDENTIFIER = /^[A-Z0-9_]{3,128}$/;

/**
 * Props of a `ComplianceBaseline`.
 */
export interface ComplianceBaselineProps {
  /**
   * The customer-managed key of the Config delivery bucket. When it is a `kms.Key` of this app,
   * its policy is extended to let AWS Config of this account use it; an imported key's policy must
   * already allow `config.amazonaws.com` `kms:Decrypt` and `kms:GenerateDataKey` for this account.
   */
  readonly encryptionKey: kms.IKey;

  /**
   * The bucket that receives the server access logs of the Config delivery bucket.
   * @default - a dedicated access-log bucket is created
   */
  readonly accessLogsBucket?: s3.IBucket;

  /**
   * Whether to create the account's AWS Config configuration recorder and delivery channel (with
   * its encrypted bucket). Turn it off where AWS Organizations, Control Tower or another stack
   * already records the account: an account and region has only one recorder and one channel.
   * @default true
   */
  readonly enableConfigRecorder?: boolean;

  /**
   * Whether to create the AWS Config service-linked role (`AWSServiceRoleForConfig`) that the
   * recorder uses. Turn it off where the role exists already (it exists once per account, e.g.
   * created by Security Hub, Control Tower or an earlier stack); creating it twice fails.
   * @default true
   */
  readonly createServiceLinkedRole?: boolean;

  /**
   * Whether the recorder records the global resource types (IAM users, groups, roles and customer
   * managed policies). Record them in one region of the account only.
   * @default true
   */
  readonly includeGlobalResourceTypes?: boolean;

  /**
   * How often AWS Config delivers a configuration snapshot to the bucket.
   * @default config.MaximumExecutionFrequency.TWENTY_FOUR_HOURS
   */
  readonly snapshotDeliveryFrequency?: config.MaximumExecutionFrequency;

  /**
   * Whether to create the managed Config rules (`ENCRYPTION_RULES`, `SAGEMAKER_RULES` and, unless
   * turned off, `MODEL_MONITOR_RULES`). Turn it off where an organization conformance pack already
   * deploys them. The rules need a recorder in the account, this one or an existing one.
   * @default true
   */
  readonly enableConfigRules?: boolean;

  /**
   * Whether to create the rules on SageMaker Model Monitor job definitions
   * (`MODEL_MONITOR_RULES`), which AWS Config offers only in some regions (e.g. not in Zurich,
   * Spain, UAE, Hyderabad, Melbourne).
   * @default true
   */
  readonly includeModelMonitorRules?: boolean;

  /**
   * Identifiers of default rules to leave out, e.g. a rule AWS Config does not offer in the region
   * (see the rule's page in the AWS Config developer guide).
   * @default - none
   */
  readonly excludedRules?: string[];

  /**
   * More AWS Config managed rule identifiers to create (parameterless), e.g. `S3_DEFAULT_ENCRYPTION_KMS`.
   * @default - none
   */
  readonly additionalRules?: string[];

  /**
   * Whether to enable AWS Security Hub with the AWS Foundational Security Best Practices standard.
   * Turn it off where Security Hub is enabled centrally by the organization's delegated administrator.
   * @default true
   */
  readonly enableSecurityHub?: boolean;
}

/**
 * The per-account detective baseline: an AWS Config recorder of all supported resource types,
 * delivering to a KMS-encrypted, TLS-only bucket; managed Config rules on encryption and SageMaker;
 * and Security Hub with the AWS Foundational Security Best Practices standard. Every part can be
 * turned off where the organization already manages it centrally.
 *
 * @example
 * new ComplianceBaseline(this, 'Baseline', {
 *   encryptionKey: key,
 *   // Security Hub is enabled for the whole organization by its delegated administrator
 *   enableSecurityHub: false,
 * });
 */
export class ComplianceBaseline extends Construct {
  /** The managed rules on encryption at rest and in transit, and on keys. */
  public static readonly ENCRYPTION_RULES: string[] = [
    'S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED',
    'S3_BUCKET_SSL_REQUESTS_ONLY',
    'CLOUDWATCH_LOG_GROUP_ENCRYPTED',
    'KMS_CMK_NOT_SCHEDULED_FOR_DELETION',
    'CMK_BACKING_KEY_ROTATION_ENABLED',
    'EFS_ENCRYPTED_CHECK',
  ];

  /** The managed rules on SageMaker that AWS Config offers in most regions. */
  public static readonly SAGEMAKER_RULES: string[] = [
    'SAGEMAKER_ENDPOINT_CONFIGURATION_KMS_KEY_CONFIGURED',
    'SAGEMAKER_ENDPOINT_CONFIG_KMS_KEY_REQUIRED',
    'SAGEMAKER_ENDPOINT_CONFIG_PROD_INSTANCE_COUNT',
    'SAGEMAKER_NOTEBOOK_INSTANCE_KMS_KEY_CONFIGURED',
    'SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET_ACCESS',
    'SAGEMAKER_NOTEBOOK_INSTANCE_ROOT_ACCESS_CHECK',
    'SAGEMAKER_NOTEBOOK_INSTANCE_INSIDE_VPC',
    'SAGEMAKER_DOMAIN_IN_VPC',
    'SAGEMAKER_MODEL_IN_VPC',
    'SAGEMAKER_MODEL_ISOLATION_ENABLED',
    'SAGEMAKER_FEATUREGROUP_ENCRYPTION_AT_REST',
    'SAGEMAKER_FEATUREGROUP_ONLINE_STORE_ENCRYPTION',
  ];

  /** The managed rules on SageMaker Model Monitor job definitions (offered in fewer regions). */
  public static readonly MODEL_MONITOR_RULES: string[] = [
    'SAGEMAKER_DATA_QUALITY_JOB_ISOLATION',
    'SAGEMAKER_MODEL_BIAS_JOB_ISOLATION',
    'SAGEMAKER_MODEL_QUALITY_JOB_DEFINITION_ISOLATION',
    'SAGEMAKER_MODEL_EXPLAINABILITY_JOB_NETWORK_ISOLATION',
    'SAGEMAKER_MODEL_EXPLAINABILITY_JOB_ENCRYPT_IN_TRANSIT',
  ];

  /** The bucket AWS Config delivers to, when this baseline creates the recorder. */
  public readonly deliveryBucket?: s3.IBucket;
  /** The configuration recorder, when this baseline creates it. */
  public readonly recorder?: config.CfnConfigurationRecorder;
  /** The delivery channel, when this baseline creates the recorder. */
  public readonly deliveryChannel?: config.CfnDeliveryChannel;
  /** The identifiers of the managed rules this baseline creates, in order. */
  public readonly ruleIdentifiers: string[];
  /** The managed rules this baseline creates, in the order of `ruleIdentifiers`. */
  public readonly rules: config.CfnConfigRule[];
  /** The Security Hub hub, when this baseline enables it. */
  public readonly hub?: securityhub.CfnHub;
  /** The AWS Foundational Security Best Practices subscription, when this baseline enables Security Hub. */
  public readonly foundationalStandard?: securityhub.CfnStandard;

  /**
   * @param scope the construct that contains it
   * @param id the construct id, unique within the scope
   * @param props which parts of the baseline to create
   */
  constructor(scope: Construct, id: string, props: ComplianceBaselineProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const recorderOn = props.enableConfigRecorder ?? true;
    if (!recorderOn && props.createServiceLinkedRole === true) {
      throw new Error(
        `ComplianceBaseline ${this.node.path}: createServiceLinkedRole is true but enableConfigRecorder is false; the role is only created for this baseline's recorder, remove createServiceLinkedRole`,
      );
    }
    this.ruleIdentifiers = (props.enableConfigRules ?? true) ? selectRules(this.node.path, props) : [];

    if (recorderOn) {
      let slr: iam.CfnServiceLinkedRole | undefined;
      if (props.createServiceLinkedRole ?? true) {
        slr = new iam.CfnServiceLinkedRole(this, 'ConfigServiceLinkedRole', {
          awsServiceName: 'config.amazonaws.com',
          description: 'Used by AWS Config to record the configuration of this account',
        });
        // other services (Security Hub, Control Tower) rely on it as well
        slr.applyRemovalPolicy(RemovalPolicy.RETAIN);
      }

      const delivery = new SecureBucket(this, 'DeliveryBucket', {
        encryptionKey: props.encryptionKey,
        accessLogsBucket: props.accessLogsBucket,
      });
      const bucket = delivery.bucket;
      const sourceAccount = { 'AWS:SourceAccount': stack.account };
      const configService = new iam.ServicePrincipal('config.amazonaws.com');
      bucket.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'AWSConfigBucketPermissionsCheck',
          principals: [configService],
          actions: ['s3:GetBucketAcl'],
          resources: [bucket.bucketArn],
          conditions: { StringEquals: sourceAccount },
        }),
      );
      bucket.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'AWSConfigBucketExistenceCheck',
          principals: [configService],
          actions: ['s3:ListBucket'],
          resources: [bucket.bucketArn],
          conditions: { StringEquals: sourceAccount },
        }),
      );
      bucket.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'AWSConfigBucketDelivery',
          principals: [configService],
          actions: ['s3:PutObject'],
          resources: [bucket.arnForObjects(`AWSLogs/${stack.account}/Config/*`)],
          conditions: { StringEquals: { ...sourceAccount, 's3:x-amz-acl': 'bucket-owner-full-control' } },
        }),
      );
      if (props.encryptionKey instanceof kms.Key) {
        // the service-linked role cannot use the key: Config delivers as its service principal
        props.encryptionKey.addToResourcePolicy(
          new iam.PolicyStatement({
            sid: 'AllowAWSConfigDeliveryOfThisAccount',
            principals: [configService],
            actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
            resources: ['*'],
            conditions: { StringEquals: sourceAccount },
          }),
        );
      }
      this.deliveryBucket = bucket;

      this.recorder = new config.CfnConfigurationRecorder(this, 'Recorder', {
        roleArn: `arn:${stack.partition}:iam::${stack.account}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`,
        recordingGroup: {
          allSupported: true,
          includeGlobalResourceTypes: props.includeGlobalResourceTypes ?? true,
        },
        recordingMode: { recordingFrequency: 'CONTINUOUS' },
      });
      if (slr) this.recorder.addDependency(slr);

      this.deliveryChannel = new config.CfnDeliveryChannel(this, 'DeliveryChannel', {
        s3BucketName: bucket.bucketName,
        s3KmsKeyArn: props.encryptionKey.keyArn,
        configSnapshotDeliveryProperties: {
          deliveryFrequency: props.snapshotDeliveryFrequency ?? config.MaximumExecutionFrequency.TWENTY_FOUR_HOURS,
        },
      });
      this.deliveryChannel.addDependency(this.recorder);
      // Config checks the bucket policy when the channel is created
      this.deliveryChannel.node.addDependency(bucket.policy!);
    }

    this.rules = this.ruleIdentifiers.map((identifier) => {
      const rule = new config.CfnConfigRule(this, `Rule${pascal(identifier)}`, {
        description: `AWS managed rule ${identifier} (platform compliance baseline)`,
        source: { owner: 'AWS', sourceIdentifier: identifier },
      });
      if (this.recorder) rule.addDependency(this.recorder);
      if (this.deliveryChannel) rule.addDependency(this.deliveryChannel);
      return rule;
    });

    if (props.enableSecurityHub ?? true) {
      this.hub = new securityhub.CfnHub(this, 'SecurityHub', {
        // only the standard below, no other default standard
        enableDefaultStandards: false,
        controlFindingGenerator: 'SECURITY_CONTROL',
        autoEnableControls: true,
      });
      this.foundationalStandard = new securityhub.CfnStandard(this, 'FoundationalSecurityBestPractices', {
        standardsArn: `arn:${stack.partition}:securityhub:${stack.region}::standards/aws-foundational-security-best-practices/v/1.0.0`,
      });
      this.foundationalStandard.addDependency(this.hub);
    }
  }
}

function selectRules(path: string, props: ComplianceBaselineProps): string[] {
  const defaults = [
    ...ComplianceBaseline.ENCRYPTION_RULES,
    ...ComplianceBaseline.SAGEMAKER_RULES,
    ...((props.includeModelMonitorRules ?? true) ? ComplianceBaseline.MODEL_MONITOR_RULES : []),
  ];
  const excluded = props.excludedRules ?? [];
  for (const r of excluded) {
    if (!defaults.includes(r)) {
      throw new Error(
        `ComplianceBaseline ${path}: excludedRules contains ${JSON.stringify(r)}, which is not one of the default rules; use one of ${defaults.join(', ')}`,
      );
    }
  }
  const selected = defaults.filter((r) => !excluded.includes(r));
  for (const r of props.additionalRules ?? []) {
    if (!RULE_IDENTIFIER.test(r)) {
      throw new Error(
        `ComplianceBaseline ${path}: additionalRules contains ${JSON.stringify(r)}; use the rule's identifier in upper case with underscores, e.g. "S3_DEFAULT_ENCRYPTION_KMS"`,
      );
    }
    if (selected.includes(r)) {
      throw new Error(`ComplianceBaseline ${path}: additionalRules contains ${r}, which the baseline creates already; remove it from additionalRules`);
    }
    selected.push(r);
  }
  return selected;
}

function pascal(identifier: string): string {
  return identifier
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}
