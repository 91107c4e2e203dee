import { Annotations, ArnFormat, Duration, Stack, Token } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cw_actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { EndpointInstanceType } from './endpoint-instance-type';
import { EndpointModelSource, EndpointModelSourceKind, ecrRepositoryArn, parseEcrImageUri, s3ObjectArn } from './endpoint-model-source';
import { createEndpointSecurityGroup } from './endpoint-security-group';
import { checkInteger, checkSageMakerName } from './endpoint-validation';
import { IRealtimeEndpoint, RealtimeEndpointAttributes, RealtimeEndpointBase } from './realtime-endpoint-base';
import { TrafficShifting } from './traffic-shifting';
import { acknowledgeRules } from '../core/acknowledge';
import { EncryptedLogGroup } from '../core/encrypted-log-group';
import { literalPartition } from '../core/iam-findings';
import { allowCloudWatchAlarmsToUseKey } from '../core/key-grants';
import {
  checkPrivateSubnets, checkSecurityGroupCount, createWorkloadPolicy, ecrPullStatements, ENDPOINT_NETWORK_INTERFACES, networkInterfaceStatements,
} from '../core/sagemaker-workload';
import { SecureBucket } from '../core/secure-bucket';
import { accountScopedServicePrincipal } from '../core/service-trust';
import { ReasonedStatement } from '../core/wildcard-acknowledgement';

/** SageMaker's bounds for `MaximumExecutionTimeoutInSeconds` of a blue/green update. */
const MIN_EXECUTION_TIMEOUT_SECONDS = 600;
const MAX_EXECUTION_TIMEOUT_SECONDS = 28800;
/** Time we allow, beyond the baking periods, for provisioning the new fleet. */
const PROVISIONING_ALLOWANCE_SECONDS = 3600;
/** SageMaker's limit on alarms in `AutoRollbackConfiguration`. */
const MAX_ROLLBACK_ALARMS = 10;
/** The namespace of SageMaker's endpoint invocation metrics. */
const INVOCATION_METRICS_NAMESPACE = 'AWS/SageMaker';
/** The production variant SageMaker and the SageMaker Python SDK name a single-variant endpoint's variant. */
const DEFAULT_VARIANT_NAME = 'AllTraffic';
/** The namespace of SageMaker's per-instance endpoint metrics (CPU, memory, disk). */
const INSTANCE_METRICS_NAMESPACE = '/aws/sagemaker/Endpoints';

/**
 * One more production variant of the endpoint, next to the primary one described by the
 * `RealtimeEndpointProps` (A/B tests of two models, say).
 */
export interface EndpointVariantOptions {
  /**
   * The variant name (`^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}`). It must stay the same across updates:
   * SageMaker's blue/green deployments require the new configuration to keep the variant names.
   */
  readonly variantName: string;

  /** The model the variant serves. */
  readonly modelSource: EndpointModelSource;

  /** The ML compute instance type. */
  readonly instanceType: EndpointInstanceType;

  /**
   * Instances at creation and in the new fleet of each update.
   * @default - the variant's `minCapacity`
   */
  readonly initialInstanceCount?: number;

  /**
   * The variant's share of traffic relative to the other variants' weights.
   * @default 1
   */
  readonly initialVariantWeight?: number;

  /**
   * The fewest instances autoscaling keeps (at least 1).
   * @default 1
   */
  readonly minCapacity?: number;

  /**
   * The most instances autoscaling starts (at least `minCapacity`).
   * @default - the larger of 2 and `minCapacity`
   */
  readonly maxCapacity?: number;
}

/**
 * Where and how much of the traffic the endpoint captures (request and response).
 */
export interface EndpointDataCaptureOptions {
  /**
   * The percentage of requests captured, an integer from 0 to 100.
   * @default 20 - the SageMaker Python SDK's default
   */
  readonly samplingPercentage?: number;

  /**
   * The bucket the captured data goes to. It must be encrypted with `encryptionKey` of these options
   * (or of the endpoint) and belong to this account.
   * @default - a `SecureBucket` encrypted with the capture key is created
   */
  readonly bucket?: s3.IBucket;

  /**
   * The key prefix in the bucket; SageMaker writes below `<prefix>/<endpoint name>/<variant name>/`.
   * @default 'data-capture'
   */
  readonly prefix?: string;

  /**
   * The key that encrypts the captured objects (`DataCaptureConfig.KmsKeyId`).
   * @default - the endpoint's `encryptionKey`
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Content types captured as JSON (`CaptureContentTypeHeader.JsonContentTypes`).
   * @default - SageMaker's default: every content type is captured base64-encoded
   */
  readonly jsonContentTypes?: string[];

  /**
   * Content types captured as CSV (`CaptureContentTypeHeader.CsvContentTypes`).
   * @default - SageMaker's default: every content type is captured base64-encoded
   */
  readonly csvContentTypes?: string[];
}

/**
 * Thresholds of the three alarms that roll a blue/green update back.
 */
export interface RollbackAlarmOptions {
  /**
   * The share of requests answered with a 5xx code (`Invocation5XXErrors`, Average) above which the
   * alarm fires, in percent (0 to 100; 0 means any error).
   * @default 1
   */
  readonly serverErrorRatePercent?: number;

  /**
   * The share of requests the model did not answer with 2xx (`InvocationModelErrors`, Average: 4xx
   * and 5xx responses, socket errors, malformed responses, timeouts) above which the alarm fires,
   * in percent (0 to 100).
   * @default 1
   */
  readonly modelErrorRatePercent?: number;

  /**
   * The average model latency (`ModelLatency`, Average) above which the alarm fires.
   * @default Duration.seconds(1)
   */
  readonly modelLatencyThreshold?: Duration;

  /**
   * The period over which each datapoint is computed.
   * @default Duration.minutes(1)
   */
  readonly period?: Duration;

  /**
   * How many recent periods are evaluated.
   * @default 3
   */
  readonly evaluationPeriods?: number;

  /**
   * How many of the evaluated periods must breach for the alarm to fire.
   * @default 2
   */
  readonly datapointsToAlarm?: number;
}

/**
 * Props of a `RealtimeEndpoint`.
 */
export interface RealtimeEndpointProps {
  /**
   * The endpoint name: stable per use case and stage (clients invoke it by name), at most 63
   * characters, `^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}`. The endpoint is updated in place (blue/green)
   * when anything else changes.
   */
  readonly endpointName: string;

  /** The model the primary variant serves. */
  readonly modelSource: EndpointModelSource;

  /** The ML compute instance type of the primary variant. */
  readonly instanceType: EndpointInstanceType;

  /**
   * The name of the primary variant. It must stay the same across updates.
   * @default 'AllTraffic'
   */
  readonly variantName?: string;

  /**
   * Instances of the primary variant at creation and in the new fleet of each update.
   * @default - `minCapacity`
   */
  readonly initialInstanceCount?: number;

  /**
   * The primary variant's share of traffic relative to the weights of `additionalVariants`.
   * @default 1
   */
  readonly initialVariantWeight?: number;

  /**
   * The fewest instances autoscaling keeps for the primary variant (at least 1; 2 or more spread
   * the variant over Availability Zones, which production should have).
   * @default 1
   */
  readonly minCapacity?: number;

  /**
   * The most instances autoscaling starts for the primary variant (at least `minCapacity`).
   * @default - the larger of 2 and `minCapacity`
   */
  readonly maxCapacity?: number;

  /**
   * More production variants.
   * @default - none: one variant
   */
  readonly additionalVariants?: EndpointVariantOptions[];

  /** The VPC the model containers are attached to. */
  readonly vpc: ec2.IVpc;

  /**
   * The subnets of the model's network interfaces; they must not be public.
   * @default - the VPC's private subnets (with egress if any, else isolated)
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Security groups of the model's network interfaces (at most 5). The containers run with network
   * isolation, but SageMaker fetches the model artifact (S3) and the image (ECR) through the VPC: the
   * groups need HTTPS egress to S3 and to the VPC's interface endpoints.
   * @default - one security group without ingress, with HTTPS egress to S3 and the VPC endpoints (see `s3PrefixListId`)
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * The id of the region's S3 prefix list (`com.amazonaws.<region>.s3`, e.g. `pl-6ea54007`): the
   * created security group then allows HTTPS to it and to the VPC CIDR only. Not with `securityGroups`.
   * @default - HTTPS to any IPv4 address (an isolated subnet routes only to the S3 gateway endpoint and the VPC)
   */
  readonly s3PrefixListId?: string;

  /**
   * The customer-managed key for the ML storage volumes (`KmsKeyId`), the captured data (unless
   * `dataCapture.encryptionKey`), the endpoint's log group and the alarm topic. The identity that
   * deploys the stack needs `kms:CreateGrant` and `kms:DescribeKey` on it.
   */
  readonly encryptionKey: kms.IKey;

  /**
   * The execution role of the models. A given role is used as it is: it needs what the created role
   * would get (network interfaces in the VPC, the endpoint's logs and metrics, the model artifacts and
   * images, writing the captured data).
   * @default - a least-privilege role is created
   */
  readonly role?: iam.IRole;

  /**
   * The name of the created execution role. A fixed name lets another account's resource policies (the
   * model registry in EXP, its artifact bucket and key) admit exactly this role.
   * @default - a name generated by CloudFormation
   */
  readonly roleName?: string;

  /**
   * The permissions boundary of the created execution role.
   * @default - none
   */
  readonly permissionsBoundary?: iam.IManagedPolicy;

  /**
   * The bucket that holds the model artifacts (for model packages, whose artifact location is only
   * known at deploy time; for an image source with a literal `s3://` URI the object is granted anyway).
   * @default - only the literal model artifact object of image sources is readable
   */
  readonly modelArtifactsBucket?: s3.IBucket;

  /**
   * The key prefix of the model artifacts in `modelArtifactsBucket`.
   * @default - the whole bucket
   */
  readonly modelArtifactsPrefix?: string;

  /**
   * ARNs of the ECR repositories the inference images are pulled from (the central registry, say).
   * The repositories of literal image URIs of image sources are added automatically.
   * @default - only the repositories of literal image URIs
   */
  readonly imageRepositoryArns?: string[];

  /**
   * Keys the execution role may decrypt with: the keys of the model artifacts and of the image layers.
   * @default - none
   */
  readonly decryptionKeys?: kms.IKey[];

  /**
   * Data capture of requests and responses.
   * @default - 20 % of the traffic captured into a created `SecureBucket`, encrypted with `encryptionKey`
   */
  readonly dataCapture?: EndpointDataCaptureOptions;

  /**
   * How updates move traffic to the new fleet. Canary and linear need at least 2 instances per variant
   * to leave the old fleet serving part of the traffic; with one instance choose `allAtOnce`.
   * @default TrafficShifting.canary(10, Duration.minutes(10))
   */
  readonly trafficShifting?: TrafficShifting;

  /**
   * How long the old fleet is kept after a successful update before it is terminated (at most 1 hour).
   * @default Duration.seconds(0)
   */
  readonly terminationWait?: Duration;

  /**
   * The longest an update may take (10 minutes to 8 hours); it must exceed all baking periods plus
   * `terminationWait`.
   * @default - the baking periods plus `terminationWait` plus one hour for provisioning, at least 10 minutes
   */
  readonly maximumExecutionTimeout?: Duration;

  /**
   * Thresholds of the rollback alarms (server errors, model errors, model latency).
   * @default - see `RollbackAlarmOptions`
   */
  readonly rollbackAlarms?: RollbackAlarmOptions;

  /**
   * More alarms that roll an update back (business metrics, say); with the three per variant this
   * construct creates at most 10.
   * @default - none
   */
  readonly additionalRollbackAlarms?: cloudwatch.IAlarm[];

  /**
   * The topic the rollback alarms notify. Its key policy must let CloudWatch use its key.
   * @default - a topic encrypted with `encryptionKey` is created (and, for a `kms.Key`, its policy
   * lets CloudWatch alarms publish); subscribe the on-call team to it
   */
  readonly alarmTopic?: sns.ITopic;

  /**
   * The target of the target-tracking scaling policy: invocations per instance per minute
   * (`SageMakerVariantInvocationsPerInstance`). Measure it with a load test of the model.
   * @default 100
   */
  readonly targetInvocationsPerInstance?: number;

  /**
   * The wait after a scale-in before the next one.
   * @default Duration.minutes(5)
   */
  readonly scaleInCooldown?: Duration;

  /**
   * The wait after a scale-out before the next one.
   * @default Duration.minutes(1)
   */
  readonly scaleOutCooldown?: Duration;

  /**
   * Create the endpoint's log group (`/aws/sagemaker/Endpoints/<endpoint name>`), encrypted with
   * `encryptionKey`, before the endpoint. Set it to false when the group exists already (it is
   * retained when the stack is deleted); the role may then create it, without encryption.
   * @default true
   */
  readonly createLogGroup?: boolean;

  /**
   * How long the endpoint's logs are kept (when the log group is created).
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * The name of the CloudWatch dashboard.
   * @default - a name generated by CloudFormation
   */
  readonly dashboardName?: string;
}

/** A production variant after defaults and validation. */
interface ResolvedVariant {
  readonly variantName: string;
  readonly modelSource: EndpointModelSource;
  readonly instanceType: EndpointInstanceType;
  readonly initialInstanceCount: number;
  readonly initialVariantWeight: number;
  readonly minCapacity: number;
  readonly maxCapacity: number;
}

/**
 * The rollback alarms of one production variant.
 */
export interface VariantRollbackAlarms {
  /** The variant. */
  readonly variantName: string;
  /** `Invocation5XXErrors` rate. */
  readonly serverErrors: cloudwatch.Alarm;
  /** `InvocationModelErrors` rate. */
  readonly modelErrors: cloudwatch.Alarm;
  /** `ModelLatency` average. */
  readonly modelLatency: cloudwatch.Alarm;
}

/**
 * A real-time SageMaker endpoint the platform team trusts in DEV, INT and PROD:
 *
 * - the model (`CfnModel`, from a registry model package or an ECR image plus an S3 artifact) in the
 *   VPC with network isolation, run by a least-privilege execution role;
 * - an endpoint configuration with a CloudFormation-generated name (so that every change creates a
 *   new configuration before the old one is deleted), the ML storage volumes encrypted with the
 *   customer-managed key, and data capture of requests and responses into an encrypted bucket;
 * - the endpoint under a stable name, updated blue/green with canary, linear or all-at-once traffic
 *   shifting, and rolled back automatically when its 5xx-error, model-error or latency alarm fires
 *   (the alarms exist before the endpoint: they are referenced by name);
 * - target-tracking autoscaling of each variant on invocations per instance;
 * - a CloudWatch dashboard.
 *
 * @example
 * const pinned = new CfnParameter(this, 'ModelPackageArn', { type: 'String' });
 * const endpoint = new RealtimeEndpoint(this, 'Endpoint', {
 *   endpointName: 'churn-prod',
 *   modelSource: EndpointModelSource.fromModelPackageArn(pinned.valueAsString),
 *   instanceType: EndpointInstanceType.ML_M5_XLARGE,
 *   minCapacity: 2,
 *   maxCapacity: 6,
 *   vpc,
 *   encryptionKey: key,
 *   modelArtifactsBucket: artifacts,
 *   imageRepositoryArns: ['arn:aws:ecr:eu-central-1:333333333333:repository/churn-inference'],
 *   decryptionKeys: [artifactsKey],
 *   trafficShifting: TrafficShifting.canary(10, Duration.minutes(10)),
 * });
 * endpoint.grantInvoke(smokeTestRole);
 */
export class RealtimeEndpoint extends RealtimeEndpointBase implements ec2.IConnectable {
  /**
   * An existing endpoint, by name, in the stack's account and region: to grant invocation or alarm on
   * its metrics (`metricModelLatency()`...). The metric methods use the variant `AllTraffic` unless given one.
   * @param scope the parent construct
   * @param id the construct id
   * @param endpointName the endpoint name
   */
  public static fromEndpointName(scope: Construct, id: string, endpointName: string): IRealtimeEndpoint {
    return new ImportedRealtimeEndpoint(scope, id, { endpointName });
  }

  /**
   * An existing endpoint, by its name and optionally its ARN (another account or region) and variant.
   * @param scope the parent construct
   * @param id the construct id
   * @param attrs the endpoint's name, ARN and variant
   */
  public static fromEndpointAttributes(scope: Construct, id: string, attrs: RealtimeEndpointAttributes): IRealtimeEndpoint {
    return new ImportedRealtimeEndpoint(scope, id, attrs);
  }

  /** The endpoint. */
  public readonly endpoint: sagemaker.CfnEndpoint;
  /** The endpoint configuration. */
  public readonly endpointConfig: sagemaker.CfnEndpointConfig;
  /** The stable endpoint name. */
  public readonly endpointName: string;
  /** The endpoint ARN (SageMaker lower-cases the name in ARNs). */
  public readonly endpointArn: string;
  /** The generated name of the current endpoint configuration. */
  public readonly endpointConfigName: string;
  /** The model of the primary variant. */
  public readonly model: sagemaker.CfnModel;
  /** The generated name of the primary variant's model. */
  public readonly modelName: string;
  /** The generated model names of all variants, primary first. */
  public readonly modelNames: string[];
  /** The production variant names, primary first. */
  public readonly variantNames: string[];
  /** The execution role of the models. */
  public readonly role: iam.IRole;
  /** The least-privilege policy of the created execution role (undefined when a role was given). */
  public readonly executionPolicy?: iam.ManagedPolicy;
  /** The security groups of the model's network interfaces. */
  public readonly connections: ec2.Connections;
  /** The bucket that receives the captured data. */
  public readonly dataCaptureBucket: s3.IBucket;
  /** `DataCaptureConfig.DestinationS3Uri`. */
  public readonly dataCaptureS3Uri: string;
  /** The rollback alarms this construct created, per variant: server errors, model errors, model latency. */
  public readonly alarms: cloudwatch.Alarm[];
  /** The rollback alarms per variant, primary first. */
  public readonly variantAlarms: VariantRollbackAlarms[];
  /** The primary variant's `Invocation5XXErrors` rate alarm. */
  public readonly serverErrorsAlarm: cloudwatch.Alarm;
  /** The primary variant's `InvocationModelErrors` rate alarm. */
  public readonly modelErrorsAlarm: cloudwatch.Alarm;
  /** The primary variant's `ModelLatency` alarm. */
  public readonly modelLatencyAlarm: cloudwatch.Alarm;
  /** The topic the alarms notify. */
  public readonly alarmTopic: sns.ITopic;
  /** The autoscaling target of the primary variant. */
  public readonly scalableTarget: appscaling.ScalableTarget;
  /** The autoscaling targets of all variants, primary first. */
  public readonly scalableTargets: appscaling.ScalableTarget[];
  /** The dashboard of the endpoint. */
  public readonly dashboard: cloudwatch.Dashboard;
  /** The endpoint's log group, when this construct created it. */
  public readonly logGroup?: logs.ILogGroup;
  /** The primary variant: the metric methods' default. */
  protected readonly defaultMetricVariantName: string;

  /**
   * @param scope the parent construct
   * @param id the construct id
   * @param props the endpoint's model, network, encryption, deployment and scaling settings
   */
  constructor(scope: Construct, id: string, props: RealtimeEndpointProps) {
    super(scope, id);
    const stack = Stack.of(this);

    checkSageMakerName('endpointName', props.endpointName, 'churn-prod');
    this.endpointName = props.endpointName;
    const variants = resolveVariants(props);
    this.variantNames = variants.map((v) => v.variantName);
    this.defaultMetricVariantName = this.variantNames[0];
    const shifting = props.trafficShifting ?? TrafficShifting.canary(10, Duration.minutes(10));
    const deploymentTimes = resolveDeploymentTimes(props, shifting);
    const alarmSettings = resolveAlarmSettings(props.rollbackAlarms ?? {});
    const additionalAlarms = props.additionalRollbackAlarms ?? [];
    if (variants.length * 3 + additionalAlarms.length > MAX_ROLLBACK_ALARMS) {
      throw new Error(
        `RealtimeEndpoint ${this.node.path}: ${variants.length} variants need ${variants.length * 3} rollback alarms, and additionalRollbackAlarms adds ${additionalAlarms.length}; SageMaker accepts at most ${MAX_ROLLBACK_ALARMS}: pass fewer additionalRollbackAlarms`,
      );
    }
    const samplingPercentage = props.dataCapture?.samplingPercentage ?? 20;
    checkInteger('dataCapture.samplingPercentage', samplingPercentage, 0, 100, 'the percentage of requests to capture');
    const targetInvocations = props.targetInvocationsPerInstance ?? 100;
    if (!Token.isUnresolved(targetInvocations) && !(targetInvocations > 0)) {
      throw new Error(`targetInvocationsPerInstance is ${targetInvocations}; write the invocations per instance per minute the model sustains, a number above 0`);
    }

    // --- network -------------------------------------------------------------------------------
    const subnets = props.vpc.selectSubnets(props.vpcSubnets);
    checkPrivateSubnets('vpcSubnets', props.vpc, subnets, 'the model network interfaces');
    if (props.securityGroups && props.s3PrefixListId !== undefined) {
      throw new Error(`RealtimeEndpoint ${this.node.path}: s3PrefixListId shapes the security group this construct creates; with given securityGroups, remove s3PrefixListId`);
    }
    const securityGroups = props.securityGroups ?? [createEndpointSecurityGroup(this, 'SecurityGroup', props.vpc, props.endpointName, props.s3PrefixListId)];
    checkSecurityGroupCount('securityGroups', securityGroups);
    this.connections = new ec2.Connections({ securityGroups });

    // --- data capture destination ----------------------------------------------------------------
    const captureKey = props.dataCapture?.encryptionKey ?? props.encryptionKey;
    const capturePrefix = normalisePrefix('dataCapture.prefix', props.dataCapture?.prefix ?? 'data-capture');
    this.dataCaptureBucket = props.dataCapture?.bucket ?? new SecureBucket(this, 'DataCapture', { encryptionKey: captureKey }).bucket;
    this.dataCaptureS3Uri = `s3://${this.dataCaptureBucket.bucketName}/${capturePrefix}`;

    // --- log group -------------------------------------------------------------------------------
    const logGroupName = `/aws/sagemaker/Endpoints/${props.endpointName}`;
    const createLogGroup = props.createLogGroup ?? true;
    if (createLogGroup) {
      this.logGroup = new EncryptedLogGroup(this, 'Logs', {
        encryptionKey: props.encryptionKey,
        logGroupName,
        retention: props.logRetention,
      }).logGroup;
    }

    // --- execution role --------------------------------------------------------------------------
    if (props.role && props.roleName !== undefined) {
      throw new Error(`RealtimeEndpoint ${this.node.path}: roleName names the role this construct creates; with a given role, remove roleName`);
    }
    if (props.role) {
      this.role = props.role;
    } else {
      if (props.roleName !== undefined && !Token.isUnresolved(props.roleName) && !/^[\w+=,.@-]{1,64}$/.test(props.roleName)) {
        throw new Error(`RealtimeEndpoint ${this.node.path}: roleName ${JSON.stringify(props.roleName)} is not an IAM role name; use 1 to 64 of letters, digits and + = , . @ _ -`);
      }
      const role = new iam.Role(this, 'ExecutionRole', {
        roleName: props.roleName,
        assumedBy: accountScopedServicePrincipal(this, 'sagemaker.amazonaws.com'),
        permissionsBoundary: props.permissionsBoundary,
        description: `Execution role of the models of the SageMaker endpoint ${props.endpointName}`,
      });
      this.role = role;
      this.executionPolicy = this.createExecutionPolicy(role, props, variants, subnets.subnetIds, securityGroups, {
        logGroupName,
        createLogGroup,
        captureKey,
        capturePrefix,
      });
    }

    // --- models ----------------------------------------------------------------------------------
    const models = variants.map((v) => {
      const model = new sagemaker.CfnModel(this, v === variants[0] ? 'Model' : `Model${v.variantName}`, {
        executionRoleArn: this.role.roleArn,
        enableNetworkIsolation: true,
        vpcConfig: {
          subnets: subnets.subnetIds,
          securityGroupIds: securityGroups.map((sg) => sg.securityGroupId),
        },
        primaryContainer: renderContainer(v.modelSource),
      });
      // SageMaker checks the role's access to the image and artifacts when it creates the model
      if (this.executionPolicy) model.node.addDependency(this.executionPolicy);
      return model;
    });
    this.model = models[0];
    this.modelNames = models.map((m) => m.attrModelName);
    this.modelName = this.modelNames[0];

    // --- endpoint configuration --------------------------------------------------------------------
    const localStorage = variants.filter((v) => v.instanceType.hasLocalStorage).map((v) => v.instanceType.instanceType);
    const contentTypes = props.dataCapture?.jsonContentTypes || props.dataCapture?.csvContentTypes
      ? { jsonContentTypes: props.dataCapture?.jsonContentTypes, csvContentTypes: props.dataCapture?.csvContentTypes }
      : undefined;
    // No EndpointConfigName: CloudFormation generates a new one on every replacement, creates the new
    // configuration, updates the endpoint, and only then deletes the old configuration.
    this.endpointConfig = new sagemaker.CfnEndpointConfig(this, 'Config', {
      kmsKeyId: localStorage.length === 0 ? props.encryptionKey.keyArn : undefined,
      productionVariants: variants.map((v, i) => ({
        variantName: v.variantName,
        modelName: models[i].attrModelName,
        instanceType: v.instanceType.instanceType,
        initialInstanceCount: v.initialInstanceCount,
        initialVariantWeight: v.initialVariantWeight,
      })),
      dataCaptureConfig: {
        enableCapture: true,
        initialSamplingPercentage: samplingPercentage,
        destinationS3Uri: this.dataCaptureS3Uri,
        kmsKeyId: captureKey.keyArn,
        captureOptions: [{ captureMode: 'Input' }, { captureMode: 'Output' }],
        captureContentTypeHeader: contentTypes,
      },
    });
    if (localStorage.length > 0) {
      const reason = `The instance types ${[...new Set(localStorage)].join(', ')} have local NVMe instance storage, which a hardware module on the instance encrypts; SageMaker refuses a KmsKeyId for such variants.`;
      acknowledgeRules(this.endpointConfig, {
        'HIPAA.Security-SageMakerEndpointConfigurationKMSKeyConfigured': reason,
        'NIST.800.53.R5-SageMakerEndpointConfigurationKMSKeyConfigured': reason,
      });
    }
    this.endpointConfigName = this.endpointConfig.attrEndpointConfigName;

    // --- rollback alarms (they reference the endpoint by its literal name, never by attribute, so that
    // they are created before the endpoint, whose DeploymentConfig references them by name) -----------
    this.alarmTopic = props.alarmTopic ?? this.createAlarmTopic(props.encryptionKey);
    const alarmAction = new cw_actions.SnsAction(this.alarmTopic);
    this.variantAlarms = variants.map((v) => this.createRollbackAlarms(v, variants.length > 1, alarmSettings, alarmAction));
    this.alarms = this.variantAlarms.flatMap((a) => [a.serverErrors, a.modelErrors, a.modelLatency]);
    this.serverErrorsAlarm = this.variantAlarms[0].serverErrors;
    this.modelErrorsAlarm = this.variantAlarms[0].modelErrors;
    this.modelLatencyAlarm = this.variantAlarms[0].modelLatency;

    // --- endpoint --------------------------------------------------------------------------------
    this.endpoint = new sagemaker.CfnEndpoint(this, 'Endpoint', {
      endpointName: props.endpointName,
      endpointConfigName: this.endpointConfig.attrEndpointConfigName,
      deploymentConfig: {
        blueGreenUpdatePolicy: {
          trafficRoutingConfiguration: shifting._render(),
          terminationWaitInSeconds: deploymentTimes.terminationWaitSeconds,
          maximumExecutionTimeoutInSeconds: deploymentTimes.maximumExecutionTimeoutSeconds,
        },
        autoRollbackConfiguration: {
          // Ref of an AWS::CloudWatch::Alarm is its name: the endpoint depends on the alarms
          alarms: [...this.alarms, ...additionalAlarms].map((a) => ({ alarmName: a.alarmName })),
        },
      },
    });
    // SageMaker would otherwise create the log group itself, unencrypted, on the first container start
    if (this.logGroup) this.endpoint.node.addDependency(this.logGroup);
    this.endpointArn = Token.isUnresolved(props.endpointName)
      ? this.endpoint.attrEndpointArn
      : stack.formatArn({ service: 'sagemaker', resource: 'endpoint', resourceName: props.endpointName.toLowerCase() });

    // --- autoscaling -------------------------------------------------------------------------------
    this.scalableTargets = variants.map((v) => {
      const target = new appscaling.ScalableTarget(this, v === variants[0] ? 'ScalableTarget' : `ScalableTarget${v.variantName}`, {
        serviceNamespace: appscaling.ServiceNamespace.SAGEMAKER,
        resourceId: `endpoint/${props.endpointName}/variant/${v.variantName}`,
        scalableDimension: 'sagemaker:variant:DesiredInstanceCount',
        minCapacity: v.minCapacity,
        maxCapacity: v.maxCapacity,
        role: autoScalingServiceLinkedRole(this, v === variants[0] ? 'AutoScalingRole' : `AutoScalingRole${v.variantName}`),
      });
      // the variant is registered by name: it must exist first, and be deregistered before the endpoint goes
      target.node.addDependency(this.endpoint);
      target.scaleToTrackMetric('InvocationsPerInstance', {
        predefinedMetric: appscaling.PredefinedMetric.SAGEMAKER_VARIANT_INVOCATIONS_PER_INSTANCE,
        targetValue: targetInvocations,
        scaleInCooldown: props.scaleInCooldown ?? Duration.minutes(5),
        scaleOutCooldown: props.scaleOutCooldown ?? Duration.minutes(1),
      });
      return target;
    });
    this.scalableTarget = this.scalableTargets[0];

    // --- dashboard ---------------------------------------------------------------------------------
    this.dashboard = this.createDashboard(props.dashboardName, variants);
  }

  private createExecutionPolicy(
    role: iam.Role,
    props: RealtimeEndpointProps,
    variants: ResolvedVariant[],
    subnetIds: string[],
    securityGroups: ec2.ISecurityGroup[],
    opts: { logGroupName: string; createLogGroup: boolean; captureKey: kms.IKey; capturePrefix: string },
  ): iam.ManagedPolicy {
    const stack = Stack.of(this);
    const partition = literalPartition(stack);
    const logGroupArn = stack.formatArn({
      partition,
      service: 'logs',
      resource: 'log-group',
      resourceName: opts.logGroupName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const statements: ReasonedStatement[] = [];
    const add = (statement: iam.PolicyStatement, wildcardReason?: string) => statements.push({ statement, wildcardReason });

    // network interfaces in the VPC (SageMaker attaches the containers' ENIs with this role)
    statements.push(...networkInterfaceStatements(stack, partition, props.vpc, subnetIds, securityGroups, ENDPOINT_NETWORK_INTERFACES));

    // the endpoint's logs and metrics
    add(
      new iam.PolicyStatement({
        sid: 'WriteTheEndpointLogStreams',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [`${logGroupArn}:log-stream:*`],
      }),
      'SageMaker names a log stream per variant and instance at run time; the statement is limited to the streams of this endpoint log group.',
    );
    add(
      new iam.PolicyStatement({
        sid: 'UseTheEndpointLogGroup',
        actions: opts.createLogGroup ? ['logs:DescribeLogStreams'] : ['logs:CreateLogGroup', 'logs:DescribeLogStreams'],
        resources: [logGroupArn, `${logGroupArn}:*`],
      }),
      'CloudWatch Logs authorises log-group actions on the group ARN with the :* suffix; it names only this endpoint log group.',
    );
    add(
      new iam.PolicyStatement({
        sid: 'PutSageMakerEndpointMetrics',
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringLike: { 'cloudwatch:namespace': ['/aws/sagemaker/*', 'aws/sagemaker/*'] } },
      }),
      'cloudwatch:PutMetricData has no resource type; the cloudwatch:namespace condition limits it to the SageMaker namespaces.',
    );

    // the model artifacts
    const artifactObjects = new Set<string>();
    for (const v of variants) {
      if (v.modelSource.modelDataUrl) artifactObjects.add(s3ObjectArn(partition, v.modelSource.modelDataUrl));
    }
    if (props.modelArtifactsBucket) {
      const prefix = props.modelArtifactsPrefix ? normalisePrefix('modelArtifactsPrefix', props.modelArtifactsPrefix) : undefined;
      artifactObjects.add(props.modelArtifactsBucket.arnForObjects(prefix ? `${prefix}/*` : '*'));
    }
    if (artifactObjects.size > 0) {
      add(
        new iam.PolicyStatement({ sid: 'ReadTheModelArtifacts', actions: ['s3:GetObject'], resources: [...artifactObjects] }),
        'Model artifacts are objects below the given model artifact prefix, written by the model-build pipeline after this stack is deployed.',
      );
    } else {
      Annotations.of(this).addWarningV2(
        '@vw/mlops-blueprint:RealtimeEndpoint.noModelArtifacts',
        'The execution role cannot read any model artifact: pass the artifact URI (EndpointModelSource.fromModelPackageArn(arn, { modelDataUrl })) or set modelArtifactsBucket and modelArtifactsPrefix',
      );
    }
    const decryptionKeys = props.decryptionKeys ?? [];
    if (decryptionKeys.length > 0) {
      add(
        new iam.PolicyStatement({
          sid: 'DecryptTheModelArtifactsAndImages',
          actions: ['kms:Decrypt'],
          resources: decryptionKeys.map((k) => k.keyArn),
        }),
      );
    }

    // the inference images
    const repositories = new Set<string>(props.imageRepositoryArns ?? []);
    for (const v of variants) {
      const ecr = v.modelSource.imageUri ? parseEcrImageUri(v.modelSource.imageUri) : undefined;
      if (ecr) repositories.add(ecrRepositoryArn(partition, ecr));
    }
    if (repositories.size > 0) {
      statements.push(...ecrPullStatements('PullTheInferenceImages', [...repositories]));
    } else if (variants.some((v) => v.modelSource.kind === EndpointModelSourceKind.MODEL_PACKAGE || v.modelSource.imageUri)) {
      Annotations.of(this).addWarningV2(
        '@vw/mlops-blueprint:RealtimeEndpoint.noImageRepositories',
        'The execution role cannot pull any inference image: set imageRepositoryArns to the ECR repositories of the model package containers',
      );
    }

    // the captured data
    add(
      new iam.PolicyStatement({
        sid: 'WriteTheCapturedData',
        actions: ['s3:PutObject'],
        resources: [this.dataCaptureBucket.arnForObjects(`${opts.capturePrefix}/${props.endpointName}/*`)],
      }),
      'SageMaker writes captured requests and responses as new objects named by variant and hour below the endpoint prefix.',
    );
    add(
      new iam.PolicyStatement({
        sid: 'EncryptTheCapturedData',
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [opts.captureKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` } },
      }),
    );

    return createWorkloadPolicy(this, 'ExecutionPolicy', `Least-privilege permissions of the models of the SageMaker endpoint ${props.endpointName}`, role, statements);
  }

  private createAlarmTopic(key: kms.IKey): sns.ITopic {
    allowCloudWatchAlarmsToUseKey(key, { scope: this, prop: 'encryptionKey' });
    return new sns.Topic(this, 'AlarmTopic', {
      masterKey: key,
      enforceSSL: true,
      displayName: `${this.endpointName} rollback alarms`,
    });
  }

  private createRollbackAlarms(
    v: ResolvedVariant,
    scoped: boolean,
    s: ResolvedAlarmSettings,
    action: cloudwatch.IAlarmAction,
  ): VariantRollbackAlarms {
    const id = (name: string) => (scoped ? `${name}${v.variantName}` : name);
    const dimensionsMap = { EndpointName: this.endpointName, VariantName: v.variantName };
    const where = `of variant ${v.variantName} of the SageMaker endpoint ${this.endpointName}`;
    const make = (name: string, metricName: string, threshold: number, description: string) => {
      const alarm = new cloudwatch.Alarm(this, id(name), {
        metric: new cloudwatch.Metric({
          namespace: INVOCATION_METRICS_NAMESPACE,
          metricName,
          dimensionsMap,
          statistic: cloudwatch.Stats.AVERAGE,
          period: s.period,
        }),
        threshold,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: s.evaluationPeriods,
        datapointsToAlarm: s.datapointsToAlarm,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: `${description} ${where}; rolls a blue/green update back`,
      });
      alarm.addAlarmAction(action);
      return alarm;
    };
    return {
      variantName: v.variantName,
      serverErrors: make('ServerErrorsAlarm', 'Invocation5XXErrors', s.serverErrorRate, `More than ${s.serverErrorRate * 100} % of the invocations answered 5xx`),
      modelErrors: make('ModelErrorsAlarm', 'InvocationModelErrors', s.modelErrorRate, `More than ${s.modelErrorRate * 100} % of the invocations failed in the model`),
      modelLatency: make('ModelLatencyAlarm', 'ModelLatency', s.modelLatencyMicros, `Average model latency above ${s.modelLatencyMicros / 1000} ms`),
    };
  }

  private createDashboard(dashboardName: string | undefined, variants: ResolvedVariant[]): cloudwatch.Dashboard {
    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName });
    const period = Duration.minutes(1);
    dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown: `# SageMaker endpoint ${this.endpointName}\nVariants: ${variants.map((v) => `${v.variantName} (${v.instanceType.instanceType}, ${v.minCapacity}-${v.maxCapacity} instances)`).join(', ')}`,
        width: 24,
        height: 2,
      }),
    );
    dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({ title: 'Rollback alarms', alarms: this.alarms, width: 24, height: 3 }));
    for (const v of variants) {
      const dims = { EndpointName: this.endpointName, VariantName: v.variantName };
      const invocation = (metricName: string, statistic: string, label: string) =>
        new cloudwatch.Metric({ namespace: INVOCATION_METRICS_NAMESPACE, metricName, dimensionsMap: dims, statistic, period, label });
      const instance = (metricName: string, statistic: string, label: string) =>
        new cloudwatch.Metric({ namespace: INSTANCE_METRICS_NAMESPACE, metricName, dimensionsMap: dims, statistic, period, label });
      dashboard.addWidgets(
        new cloudwatch.GraphWidget({
          title: `${v.variantName}: invocations`,
          left: [invocation('Invocations', cloudwatch.Stats.SUM, 'Invocations')],
          right: [invocation('InvocationsPerInstance', cloudwatch.Stats.SUM, 'Invocations per instance')],
          width: 8,
        }),
        new cloudwatch.GraphWidget({
          title: `${v.variantName}: latency (microseconds)`,
          left: [
            invocation('ModelLatency', cloudwatch.Stats.AVERAGE, 'Model latency (avg)'),
            invocation('ModelLatency', cloudwatch.Stats.p(99), 'Model latency (p99)'),
            invocation('OverheadLatency', cloudwatch.Stats.AVERAGE, 'Overhead latency (avg)'),
          ],
          width: 8,
        }),
        new cloudwatch.GraphWidget({
          title: `${v.variantName}: errors`,
          left: [
            invocation('Invocation4XXErrors', cloudwatch.Stats.SUM, '4xx'),
            invocation('Invocation5XXErrors', cloudwatch.Stats.SUM, '5xx'),
            invocation('InvocationModelErrors', cloudwatch.Stats.SUM, 'Model errors'),
          ],
          width: 8,
        }),
      );
      dashboard.addWidgets(
        new cloudwatch.GraphWidget({
          title: `${v.variantName}: CPU and memory (percent, summed over cores)`,
          left: [
            instance('CPUUtilization', cloudwatch.Stats.AVERAGE, 'CPU utilisation'),
            instance('MemoryUtilization', cloudwatch.Stats.AVERAGE, 'Memory utilisation'),
            instance('DiskUtilization', cloudwatch.Stats.AVERAGE, 'Disk utilisation'),
          ],
          width: 12,
        }),
        new cloudwatch.GraphWidget({
          title: `${v.variantName}: instances`,
          // every in-service instance reports CPUUtilization once a minute
          left: [instance('CPUUtilization', cloudwatch.Stats.SAMPLE_COUNT, 'In-service instances')],
          leftAnnotations: [
            { value: v.minCapacity, label: 'min capacity', color: cloudwatch.Color.GREY },
            { value: v.maxCapacity, label: 'max capacity', color: cloudwatch.Color.RED },
          ],
          width: 12,
        }),
      );
    }
    return dashboard;
  }
}

function resolveVariants(props: RealtimeEndpointProps): ResolvedVariant[] {
  const primary = resolveVariant('', {
    variantName: props.variantName ?? 'AllTraffic',
    modelSource: props.modelSource,
    instanceType: props.instanceType,
    initialInstanceCount: props.initialInstanceCount,
    initialVariantWeight: props.initialVariantWeight,
    minCapacity: props.minCapacity,
    maxCapacity: props.maxCapacity,
  });
  const all = [primary, ...(props.additionalVariants ?? []).map((v, i) => resolveVariant(`additionalVariants[${i}].`, v))];
  const seen = new Set<string>();
  for (const v of all) {
    if (seen.has(v.variantName)) {
      throw new Error(`variant name ${JSON.stringify(v.variantName)} is used twice; give each production variant its own variantName`);
    }
    seen.add(v.variantName);
  }
  return all;
}

function resolveVariant(where: string, v: EndpointVariantOptions): ResolvedVariant {
  if (Token.isUnresolved(v.variantName)) {
    throw new Error(`${where}variantName must be a literal string: the autoscaling target and the alarms name the variant`);
  }
  checkSageMakerName(`${where}variantName`, v.variantName, 'AllTraffic');
  const minCapacity = v.minCapacity ?? 1;
  checkInteger(`${where}minCapacity`, minCapacity, 1, undefined, 'the fewest instances autoscaling keeps');
  const maxCapacity = v.maxCapacity ?? Math.max(2, minCapacity);
  checkInteger(`${where}maxCapacity`, maxCapacity, 1, undefined, 'the most instances autoscaling starts');
  if (maxCapacity < minCapacity) {
    throw new Error(`${where}maxCapacity (${maxCapacity}) is below ${where}minCapacity (${minCapacity}); raise maxCapacity to at least ${minCapacity}`);
  }
  const initialInstanceCount = v.initialInstanceCount ?? minCapacity;
  checkInteger(`${where}initialInstanceCount`, initialInstanceCount, minCapacity, maxCapacity, `between ${where}minCapacity and ${where}maxCapacity`);
  const initialVariantWeight = v.initialVariantWeight ?? 1;
  if (!Token.isUnresolved(initialVariantWeight) && !(initialVariantWeight >= 0)) {
    throw new Error(`${where}initialVariantWeight is ${initialVariantWeight}; write a weight of 0 or more`);
  }
  return {
    variantName: v.variantName,
    modelSource: v.modelSource,
    instanceType: v.instanceType,
    initialInstanceCount,
    initialVariantWeight,
    minCapacity,
    maxCapacity,
  };
}

function resolveDeploymentTimes(
  props: RealtimeEndpointProps,
  shifting: TrafficShifting,
): { terminationWaitSeconds: number; maximumExecutionTimeoutSeconds: number } {
  const terminationWaitSeconds = literalSeconds('terminationWait', props.terminationWait ?? Duration.seconds(0));
  if (terminationWaitSeconds > 3600) {
    throw new Error(`terminationWait is ${terminationWaitSeconds} s; SageMaker keeps the old fleet at most one hour: write at most Duration.hours(1)`);
  }
  const waits = shifting._totalWaitSeconds() + terminationWaitSeconds;
  const describe = `the baking periods (${shifting.bakingPeriods} × ${shifting.waitInterval.toSeconds()} s) plus terminationWait (${terminationWaitSeconds} s) take ${waits} s`;
  if (props.maximumExecutionTimeout === undefined) {
    const needed = Math.max(MIN_EXECUTION_TIMEOUT_SECONDS, waits + PROVISIONING_ALLOWANCE_SECONDS);
    if (waits >= MAX_EXECUTION_TIMEOUT_SECONDS) {
      throw new Error(`trafficShifting: ${describe}, more than the 8 hours SageMaker allows for an update; shorten the wait interval or take larger steps`);
    }
    return { terminationWaitSeconds, maximumExecutionTimeoutSeconds: Math.min(MAX_EXECUTION_TIMEOUT_SECONDS, needed) };
  }
  const timeout = literalSeconds('maximumExecutionTimeout', props.maximumExecutionTimeout);
  if (timeout < MIN_EXECUTION_TIMEOUT_SECONDS || timeout > MAX_EXECUTION_TIMEOUT_SECONDS) {
    throw new Error(`maximumExecutionTimeout is ${timeout} s; SageMaker takes 600 s (10 minutes) to 28800 s (8 hours)`);
  }
  if (timeout <= waits) {
    throw new Error(`maximumExecutionTimeout is ${timeout} s, but ${describe}; set it above ${waits} s, with time to provision the new fleet`);
  }
  return { terminationWaitSeconds, maximumExecutionTimeoutSeconds: timeout };
}

interface ResolvedAlarmSettings {
  readonly serverErrorRate: number;
  readonly modelErrorRate: number;
  readonly modelLatencyMicros: number;
  readonly period: Duration;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
}

function resolveAlarmSettings(o: RollbackAlarmOptions): ResolvedAlarmSettings {
  const serverErrorRatePercent = o.serverErrorRatePercent ?? 1;
  const modelErrorRatePercent = o.modelErrorRatePercent ?? 1;
  for (const [name, value] of [['serverErrorRatePercent', serverErrorRatePercent], ['modelErrorRatePercent', modelErrorRatePercent]] as const) {
    if (Token.isUnresolved(value) || !(value >= 0 && value <= 100)) {
      throw new Error(`rollbackAlarms.${name} is ${value}; write a literal percentage of the invocations from 0 to 100`);
    }
  }
  const latency = o.modelLatencyThreshold ?? Duration.seconds(1);
  if (latency.isUnresolved() || latency.toMilliseconds() <= 0) {
    throw new Error('rollbackAlarms.modelLatencyThreshold must be a literal duration above zero, e.g. Duration.millis(500)');
  }
  const period = o.period ?? Duration.minutes(1);
  const periodSeconds = literalSeconds('rollbackAlarms.period', period);
  if (periodSeconds < 60 || periodSeconds % 60 !== 0) {
    throw new Error(`rollbackAlarms.period is ${periodSeconds} s; SageMaker publishes endpoint metrics every minute: write a whole number of minutes`);
  }
  const evaluationPeriods = o.evaluationPeriods ?? 3;
  checkInteger('rollbackAlarms.evaluationPeriods', evaluationPeriods, 1, undefined, 'how many periods the alarms evaluate');
  const datapointsToAlarm = o.datapointsToAlarm ?? Math.min(2, evaluationPeriods);
  checkInteger('rollbackAlarms.datapointsToAlarm', datapointsToAlarm, 1, evaluationPeriods, 'how many breaching periods fire the alarm, at most evaluationPeriods');
  return {
    serverErrorRate: serverErrorRatePercent / 100,
    modelErrorRate: modelErrorRatePercent / 100,
    modelLatencyMicros: latency.toMilliseconds() * 1000,
    period,
    evaluationPeriods,
    datapointsToAlarm,
  };
}

function literalSeconds(name: string, d: Duration): number {
  if (d.isUnresolved()) throw new Error(`${name} must be a literal duration, not a token`);
  const ms = d.toMilliseconds();
  if (ms < 0 || ms % 1000 !== 0) throw new Error(`${name} is ${d.toHumanString()}; write whole seconds, e.g. Duration.minutes(5)`);
  return ms / 1000;
}

function normalisePrefix(name: string, prefix: string): string {
  if (Token.isUnresolved(prefix)) return prefix;
  const p = prefix.replace(/^\/+|\/+$/g, '');
  if (p.length === 0 || /[*?\s]/.test(p)) {
    throw new Error(`${name} is ${JSON.stringify(prefix)}; write an S3 key prefix without wildcards or spaces, e.g. 'data-capture'`);
  }
  return p;
}

function renderContainer(source: EndpointModelSource): sagemaker.CfnModel.ContainerDefinitionProperty {
  return source.kind === EndpointModelSourceKind.MODEL_PACKAGE
    ? { modelPackageName: source.modelPackageArn, environment: source.environment }
    : { image: source.imageUri, modelDataUrl: source.modelDataUrl, mode: 'SingleModel', environment: source.environment };
}

/** Application Auto Scaling registers SageMaker variants with its service-linked role. */
function autoScalingServiceLinkedRole(scope: Construct, id: string): iam.IRole {
  const stack = Stack.of(scope);
  return iam.Role.fromRoleArn(
    scope,
    id,
    `arn:${stack.partition}:iam::${stack.account}:role/aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint`,
    { mutable: false },
  );
}

/** An endpoint that exists outside the app (not exported from the package: `RealtimeEndpoint.fromEndpointName` returns it as `IRealtimeEndpoint`). */
class ImportedRealtimeEndpoint extends RealtimeEndpointBase {
  public readonly endpointName: string;
  public readonly endpointArn: string;
  protected readonly defaultMetricVariantName: string;

  constructor(scope: Construct, id: string, attrs: RealtimeEndpointAttributes) {
    super(scope, id);
    if (!Token.isUnresolved(attrs.endpointName) && !/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/.test(attrs.endpointName)) {
      throw new Error(`RealtimeEndpoint import '${id}': endpointName "${attrs.endpointName}" is not a SageMaker endpoint name (1 to 63 letters, digits and hyphens, starting and ending with a letter or digit)`);
    }
    this.endpointName = attrs.endpointName;
    this.defaultMetricVariantName = attrs.variantName ?? DEFAULT_VARIANT_NAME;
    this.endpointArn = attrs.endpointArn ?? Stack.of(this).formatArn({
      service: 'sagemaker',
      resource: 'endpoint',
      resourceName: Token.isUnresolved(attrs.endpointName) ? attrs.endpointName : attrs.endpointName.toLowerCase(),
    });
  }
}
