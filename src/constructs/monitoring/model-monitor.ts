import * as crypto from 'crypto';
import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cw_actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ANALYZER_REPOSITORY, analyzerImageUri } from './analyzer-image';
import { S3Location, createJobSecurityGroup, jobLogStatements, normalisePrefix } from './job-support';
import { ModelQualityMetric, ModelQualityProblemType } from './model-quality-metric';
import { MonitoringBaseline, MonitoringBaselineKind } from './monitoring-baseline';
import { RetrainingTarget, RetrainingTargetKind } from './retraining-target';
import { createDeadLetterQueue } from '../core/dead-letter-queue';
import { literalPartition } from '../core/iam-findings';
import { allowCloudWatchAlarmsToUseKey, allowEventBridgeToUseKey, isSameKey } from '../core/key-grants';
import {
  checkPrivateSubnets, checkSecurityGroupCount, createWorkloadPolicy, ecrPullStatements, JOB_NETWORK_INTERFACES, networkInterfaceStatements,
} from '../core/sagemaker-workload';
import { SecureBucket } from '../core/secure-bucket';
import { accountScopedServicePrincipal } from '../core/service-trust';
import { ReasonedStatement } from '../core/wildcard-acknowledgement';
import { EndpointInstanceType } from '../deployment/endpoint-instance-type';
import { ecrRepositoryArn, parseEcrImageUri } from '../deployment/endpoint-model-source';
import { checkInteger, checkSageMakerName } from '../deployment/endpoint-validation';

/**
 * Where Model Monitor publishes the metrics of real-time endpoints. The SageMaker developer guide
 * writes these namespaces in several ways; these are the ones the built-in analyzer uses and the
 * SageMaker Python SDK's automatic dashboards read (`{aws/sagemaker/Endpoints/model-metrics,Endpoint,MonitoringSchedule}`).
 */
const DATA_METRICS_NAMESPACE = 'aws/sagemaker/Endpoints/data-metrics';
const MODEL_METRICS_NAMESPACE = 'aws/sagemaker/Endpoints/model-metrics';
/** Processing jobs (and so monitoring executions) log here; the group is shared by the account. */
const PROCESSING_LOG_GROUP = '/aws/sagemaker/ProcessingJobs';
const INPUT_PATH = '/opt/ml/processing/input/endpoint';
const OUTPUT_PATH = '/opt/ml/processing/output';
/** ISO 8601 durations relative to the execution time, as monitoring offsets take them (e.g. -P1D, -PT12H). */
const TIME_OFFSET = /^-P(?:\d+D)?(?:T(?:\d+H)?(?:\d+M)?)?$/;
/** The schedule name suffixes; with them a name prefix may have at most 63 - 14 characters. */
const DATA_QUALITY_SUFFIX = '-data-quality';
const MODEL_QUALITY_SUFFIX = '-model-quality';
const MAX_SCHEDULE_PREFIX = 63 - MODEL_QUALITY_SUFFIX.length;

/**
 * An alarm on the drift of one feature from its baseline.
 */
export interface FeatureDriftAlarm {
  /**
   * The feature (column) name as the baseline names it; for CSV without a header, `_c0`, `_c1`, ...
   * The alarm watches `feature_baseline_drift_<featureName>`.
   */
  readonly featureName: string;

  /**
   * The distance between the captured and the baseline distribution above which the feature drifts
   * (greater than 0, at most 1).
   * @default 0.1 - the analyzer's default comparison threshold
   */
  readonly threshold?: number;
}

/**
 * An alarm on one model-quality metric.
 */
export interface ModelQualityAlarm {
  /** The metric. */
  readonly metric: ModelQualityMetric;

  /**
   * The threshold: the alarm fires when a score falls below it, or when an error rises above it.
   */
  readonly threshold: number;
}

/**
 * How many monitoring executions the drift and quality alarms evaluate. Their period is the interval
 * of the schedule (one execution per period), so the defaults mean "the last three executions all
 * breached": drift that persists, not a single noisy hour.
 */
export interface MonitoringAlarmOptions {
  /**
   * How many recent executions are evaluated.
   * @default 3
   */
  readonly evaluationPeriods?: number;

  /**
   * How many of them must breach.
   * @default - `evaluationPeriods`
   */
  readonly datapointsToAlarm?: number;
}

/**
 * The data-quality monitor: compares the captured requests with the baseline statistics and constraints.
 */
export interface DataQualityMonitoringOptions {
  /**
   * When the job runs. SageMaker accepts `cron(0 * ? * * *)` (hourly), `cron(0 H ? * * *)` (daily at
   * hour H, UTC) and `cron(0 H/N ? * * *)` (every N hours from hour H).
   * @default 'cron(0 * ? * * *)' - hourly
   */
  readonly scheduleExpression?: string;

  /**
   * The baseline (statistics and constraints).
   * @default MonitoringBaseline.none() - statistics only, no drift metrics (see `MonitoringBaseline`)
   */
  readonly baseline?: MonitoringBaseline;

  /**
   * Alarms on the drift of single features. They need a baseline.
   * @default - none
   */
  readonly driftAlarms?: FeatureDriftAlarm[];
}

/**
 * The model-quality monitor: merges the captured predictions with the ground truth labels and
 * computes quality metrics.
 */
export interface ModelQualityMonitoringOptions {
  /** The problem type of the model. */
  readonly problemType: ModelQualityProblemType;

  /**
   * Where the labelling process writes the ground truth (`s3://<bucket>/<prefix>`): JSON Lines records
   * `{"groundTruthData": {"data": ..., "encoding": "CSV"}, "eventMetadata": {"eventId": ...}, "eventVersion": "0"}`
   * whose `eventId` is the captured record's `inferenceId` (when the caller set one) or `eventId`,
   * below `<prefix>/yyyy/mm/dd/hh/` like the captured data. The monitoring role may read below the prefix;
   * a bucket of another account must allow it, and its key must be in `decryptionKeys`.
   */
  readonly groundTruthS3Uri: string;

  /**
   * Where the predicted label is in the captured output: the index of a CSV column (`"0"`) or a
   * JSON path (`"prediction"`).
   * @default - the whole output (one value); required for multiclass classification
   */
  readonly inferenceAttribute?: string;

  /**
   * Where the predicted probability is in the captured output (binary classification).
   * @default - none
   */
  readonly probabilityAttribute?: string;

  /**
   * The probability above which a binary prediction counts as the positive class (0 to 1; with
   * `probabilityAttribute`).
   * @default - SageMaker's default (0.5)
   */
  readonly probabilityThresholdAttribute?: number;

  /**
   * When the job runs (same forms as the data-quality schedule).
   * @default 'cron(0 0 ? * * *)' - daily at midnight UTC
   */
  readonly scheduleExpression?: string;

  /**
   * The start of the window of captured data, relative to the execution time (ISO 8601, e.g. `-P1D`):
   * labels arrive late, so the window usually lies in the past.
   * @default - SageMaker's default window
   */
  readonly startTimeOffset?: string;

  /**
   * The end of the window of captured data, relative to the execution time (ISO 8601, e.g. `-PT1H`).
   * @default - SageMaker's default window
   */
  readonly endTimeOffset?: string;

  /**
   * The baseline constraints (statistics are not used by model-quality jobs).
   * @default MonitoringBaseline.none() - metrics are computed and published; alarms use absolute thresholds
   */
  readonly baseline?: MonitoringBaseline;

  /**
   * Alarms on quality metrics.
   * @default - none
   */
  readonly alarms?: ModelQualityAlarm[];
}

/**
 * Props of a `ModelMonitor`.
 */
export interface ModelMonitorProps {
  /**
   * The real-time endpoint to monitor. It must exist before the monitoring schedules are created
   * (add a dependency on it) and capture requests and responses (`RealtimeEndpoint` does).
   */
  readonly endpointName: string;

  /** The bucket the endpoint captures its traffic into (`RealtimeEndpoint.dataCaptureBucket`). */
  readonly dataCaptureBucket: s3.IBucket;

  /**
   * The key prefix of the captured data in the bucket (`RealtimeEndpoint`'s `dataCapture.prefix`).
   * @default 'data-capture'
   */
  readonly dataCapturePrefix?: string;

  /**
   * The key of the captured data.
   * @default - the capture bucket's key, else `encryptionKey`
   */
  readonly dataCaptureKey?: kms.IKey;

  /**
   * The customer-managed key of the monitoring jobs' storage volumes (`VolumeKmsKeyId`) and outputs
   * (`KmsKeyId`, unless the given output bucket has another key), of the created output bucket, of the
   * topic and of the dead-letter queue.
   */
  readonly encryptionKey: kms.IKey;

  /** The VPC the monitoring jobs run in. */
  readonly vpc: ec2.IVpc;

  /**
   * The subnets of the jobs' network interfaces; they must not be public.
   * @default - the VPC's private subnets (with egress if any, else isolated)
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Security groups of the jobs' network interfaces (1 to 5). They must let the jobs reach the S3
   * gateway endpoint (HTTPS).
   * @default - one group with HTTPS egress only (and traffic between the job's instances when there is more than one)
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * The permissions boundary of the roles this construct creates.
   * @default - none
   */
  readonly permissionsBoundary?: iam.IManagedPolicy;

  /**
   * The bucket that receives the monitoring reports (statistics, constraint violations).
   * @default - a `SecureBucket` encrypted with `encryptionKey`
   */
  readonly outputBucket?: s3.IBucket;

  /**
   * The key prefix of the reports; data quality goes below `<prefix>/data-quality`, model quality below
   * `<prefix>/model-quality`.
   * @default 'model-monitor'
   */
  readonly outputPrefix?: string;

  /**
   * The instance type of the monitoring jobs.
   * @default EndpointInstanceType.ML_M5_XLARGE
   */
  readonly instanceType?: EndpointInstanceType;

  /**
   * The number of instances of each monitoring job (1 to 100).
   * @default 1
   */
  readonly instanceCount?: number;

  /**
   * The size of each instance's storage volume in GB (1 to 16384).
   * @default 30
   */
  readonly volumeSizeInGb?: number;

  /**
   * The longest one monitoring execution may run; at most the interval of its schedule.
   * @default Duration.hours(1)
   */
  readonly maxRuntime?: Duration;

  /**
   * The analyzer image URI (`<account>.dkr.ecr.<region>.amazonaws.com/sagemaker-model-monitor-analyzer`),
   * for a region this library does not know or to pin a tag.
   * @default - SageMaker's analyzer image of the stack's region
   */
  readonly analyzerImageUri?: string;

  /**
   * The prefix of the monitoring schedule names (`<prefix>-data-quality`, `<prefix>-model-quality`),
   * at most 49 characters. The schedule names are CloudWatch dimensions of the metrics.
   * @default - the endpoint name
   */
  readonly scheduleNamePrefix?: string;

  /**
   * The data-quality monitor.
   * @default - an hourly data-quality monitor without baseline
   */
  readonly dataQuality?: DataQualityMonitoringOptions;

  /**
   * The model-quality monitor.
   * @default - no model-quality monitor
   */
  readonly modelQuality?: ModelQualityMonitoringOptions;

  /**
   * How many executions the drift and quality alarms evaluate.
   * @default - three, all of which must breach
   */
  readonly alarmOptions?: MonitoringAlarmOptions;

  /**
   * The topic the alarms and the failed executions notify. Its key must let CloudWatch and
   * EventBridge publish.
   * @default - a topic encrypted with `encryptionKey` (whose policy, for a `kms.Key`, is extended for
   * CloudWatch alarms and EventBridge rules of this account); subscribe the team to it
   */
  readonly topic?: sns.ITopic;

  /**
   * Start retraining when drift persists: the drift alarm (any drift or quality alarm) going into
   * ALARM sends its state-change event to this target. Needs at least one drift or quality alarm.
   * @default - no retraining rule
   */
  readonly retrainingTarget?: RetrainingTarget;

  /**
   * More keys the monitoring role may decrypt with: the keys of baselines and ground truth in other buckets.
   * @default - none
   */
  readonly decryptionKeys?: kms.IKey[];

  /**
   * Let the monitoring role create the account's `/aws/sagemaker/ProcessingJobs` log group if it is
   * missing (SageMaker would create it without encryption and retention; prefer creating it once per
   * account, encrypted, in the platform's baseline).
   * @default false
   */
  readonly allowJobLogGroupCreation?: boolean;
}

/** A validated monitoring schedule expression and its interval. */
interface ResolvedSchedule {
  readonly expression: string;
  readonly intervalHours: number;
}

/**
 * SageMaker Model Monitor for a real-time endpoint with data capture:
 *
 * - a **data-quality** job definition and hourly (by default) monitoring schedule that compares the
 *   captured requests with a baseline, and optionally a **model-quality** job definition and daily
 *   schedule that merges captured predictions with ground truth labels;
 * - both jobs run the SageMaker analyzer image of the region in the VPC, with network isolation,
 *   inter-container traffic encryption, KMS-encrypted volumes and outputs, under a least-privilege
 *   monitoring role (read the endpoint's captured data, the baselines and the ground truth; write the
 *   reports; publish the Model Monitor metrics; write logs; attach network interfaces);
 * - CloudWatch alarms on the drift of chosen features (`aws/sagemaker/Endpoints/data-metrics`,
 *   `feature_baseline_drift_<feature>`) and on chosen quality metrics
 *   (`aws/sagemaker/Endpoints/model-metrics`), both with the dimensions `Endpoint` and
 *   `MonitoringSchedule`, evaluated over several executions; an alarm on failed monitoring executions
 *   (an EventBridge rule on failed processing jobs of the monitoring role, which also sends the job
 *   name and failure reason to the topic); all notifying a KMS-encrypted SNS topic;
 * - a composite drift alarm (any drift or quality alarm) and, optionally, a retraining rule: when the
 *   drift alarm goes into ALARM, EventBridge starts the model-building pipeline (same account) or
 *   forwards the event to the event bus of the pipeline's account, with retries and a KMS-encrypted
 *   dead-letter queue.
 *
 * Baselines are produced outside (see `MonitoringBaseline`). The VPC needs an S3 gateway endpoint and
 * the CloudWatch (monitoring) and CloudWatch Logs interface endpoints; `IsolatedNetwork` provides them.
 *
 * Note: AWS has closed SageMaker Model Monitor to new customers (existing accounts keep using it).
 *
 * @example
 * const monitor = new ModelMonitor(this, 'Monitor', {
 *   endpointName: endpoint.endpointName,
 *   dataCaptureBucket: endpoint.dataCaptureBucket,
 *   encryptionKey: key,
 *   vpc: network.vpc,
 *   vpcSubnets: network.subnetSelection,
 *   dataQuality: {
 *     baseline: MonitoringBaseline.fromDriftCheckBaselines(statisticsUri, constraintsUri),
 *     driftAlarms: [{ featureName: 'tenure', threshold: 0.2 }, { featureName: 'monthly_charges' }],
 *   },
 *   modelQuality: {
 *     problemType: ModelQualityProblemType.BINARY_CLASSIFICATION,
 *     groundTruthS3Uri: 's3://churn-ground-truth/labels',
 *     probabilityAttribute: '0',
 *     probabilityThresholdAttribute: 0.5,
 *     alarms: [{ metric: ModelQualityMetric.AUC, threshold: 0.75 }],
 *   },
 *   retrainingTarget: RetrainingTarget.eventBus('arn:aws:events:eu-central-1:111111111111:event-bus/mlops-retraining'),
 * });
 * monitor.node.addDependency(endpoint);
 */
export class ModelMonitor extends Construct implements ec2.IConnectable {
  /** The data-quality monitoring schedule. */
  public readonly dataQualitySchedule: sagemaker.CfnMonitoringSchedule;
  /** The data-quality job definition. */
  public readonly dataQualityJobDefinition: sagemaker.CfnDataQualityJobDefinition;
  /** The name of the data-quality schedule (the `MonitoringSchedule` dimension of its metrics). */
  public readonly dataQualityScheduleName: string;
  /** The model-quality monitoring schedule, when `modelQuality` is set. */
  public readonly modelQualitySchedule?: sagemaker.CfnMonitoringSchedule;
  /** The model-quality job definition, when `modelQuality` is set. */
  public readonly modelQualityJobDefinition?: sagemaker.CfnModelQualityJobDefinition;
  /** The name of the model-quality schedule, when `modelQuality` is set. */
  public readonly modelQualityScheduleName?: string;
  /** Every metric alarm of this construct: feature drift, model quality, failed executions. */
  public readonly alarms: cloudwatch.Alarm[];
  /** The feature drift alarms. */
  public readonly featureDriftAlarms: cloudwatch.Alarm[];
  /** The model-quality alarms. */
  public readonly modelQualityAlarms: cloudwatch.Alarm[];
  /** The alarm on failed monitoring executions. */
  public readonly executionFailureAlarm: cloudwatch.Alarm;
  /** The composite alarm "some drift or quality alarm fires", when there is at least one of them. */
  public readonly driftAlarm?: cloudwatch.CompositeAlarm;
  /** The topic the alarms notify. */
  public readonly topic: sns.ITopic;
  /** The role the monitoring jobs run with. */
  public readonly role: iam.IRole;
  /** The rule that starts retraining, when `retrainingTarget` is set. */
  public readonly retrainingRule?: events.Rule;
  /** The rule that reports failed monitoring executions. */
  public readonly executionFailureRule: events.Rule;
  /** The permissions of the role EventBridge uses for the rule targets (topic, retraining target). */
  public readonly rulesPolicy: iam.ManagedPolicy;
  /** The dead-letter queue of the EventBridge rule targets. */
  public readonly deadLetterQueue: sqs.IQueue;
  /** The bucket that receives the monitoring reports. */
  public readonly outputBucket: s3.IBucket;
  /** The analyzer image the jobs run. */
  public readonly analyzerImageUri: string;
  /** The security groups of the jobs' network interfaces. */
  public readonly connections: ec2.Connections;

  /**
   * @param scope the parent construct
   * @param id the construct id
   * @param props the endpoint, monitors, network, encryption, alarms and retraining
   */
  constructor(scope: Construct, id: string, props: ModelMonitorProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const partition = literalPartition(stack);
    const fail = (message: string): never => {
      throw new Error(`ModelMonitor ${this.node.path}: ${message}`);
    };

    // --- validation --------------------------------------------------------------------------------
    checkSageMakerName('endpointName', props.endpointName, 'churn-prod');
    const schedulePrefix = props.scheduleNamePrefix ?? props.endpointName;
    if (!Token.isUnresolved(schedulePrefix)) {
      checkSageMakerName(props.scheduleNamePrefix === undefined ? 'endpointName' : 'scheduleNamePrefix', schedulePrefix, 'churn-prod');
      if (schedulePrefix.length > MAX_SCHEDULE_PREFIX) {
        fail(
          `the schedule names "${schedulePrefix}${MODEL_QUALITY_SUFFIX}" would exceed SageMaker's 63 characters; set scheduleNamePrefix to at most ${MAX_SCHEDULE_PREFIX} characters, e.g. "churn-prod"`,
        );
      }
    }
    const instanceCount = props.instanceCount ?? 1;
    checkInteger('instanceCount', instanceCount, 1, 100, 'the instances of each monitoring job');
    const volumeSizeInGb = props.volumeSizeInGb ?? 30;
    checkInteger('volumeSizeInGb', volumeSizeInGb, 1, 16384, 'the storage volume of each instance in GB');
    const maxRuntime = props.maxRuntime ?? Duration.hours(1);
    if (maxRuntime.isUnresolved() || maxRuntime.toSeconds() < 1 || maxRuntime.toSeconds() > 86400) {
      fail(`maxRuntime is ${maxRuntime.toHumanString()}; write a literal duration from 1 second to 1 day, e.g. Duration.hours(1)`);
    }
    const instanceType = props.instanceType ?? EndpointInstanceType.ML_M5_XLARGE;
    const dataQuality = props.dataQuality ?? {};
    const dqSchedule = resolveMonitoringSchedule('dataQuality.scheduleExpression', dataQuality.scheduleExpression ?? 'cron(0 * ? * * *)');
    const dqBaseline = dataQuality.baseline ?? MonitoringBaseline.none();
    const driftAlarms = dataQuality.driftAlarms ?? [];
    if (driftAlarms.length > 0 && dqBaseline.kind === MonitoringBaselineKind.NONE) {
      fail('dataQuality.driftAlarms need a baseline: without one the job publishes no feature_baseline_drift metrics; set dataQuality.baseline (MonitoringBaseline.fromDriftCheckBaselines(statisticsUri, constraintsUri))');
    }
    driftAlarms.forEach((a, i) => checkDriftAlarm(`dataQuality.driftAlarms[${i}]`, a));
    checkDistinct('dataQuality.driftAlarms', driftAlarms.map((a) => a.featureName), 'feature');
    const modelQuality = props.modelQuality;
    let mqSchedule: ResolvedSchedule | undefined;
    let groundTruth: S3Location | undefined;
    if (modelQuality) {
      mqSchedule = resolveMonitoringSchedule('modelQuality.scheduleExpression', modelQuality.scheduleExpression ?? 'cron(0 0 ? * * *)');
      groundTruth = checkModelQuality(modelQuality);
    }
    const alarmEvaluation = resolveAlarmEvaluation(props.alarmOptions ?? {});
    for (const s of [dqSchedule, mqSchedule]) {
      if (!s) continue;
      if (maxRuntime.toSeconds() > s.intervalHours * 3600) {
        fail(`maxRuntime (${maxRuntime.toHumanString()}) is longer than the interval of the schedule ${s.expression}; SageMaker requires it to fit: shorten maxRuntime`);
      }
      if (s.intervalHours * 3600 * alarmEvaluation.evaluationPeriods > 7 * 86400) {
        fail(
          `alarmOptions.evaluationPeriods (${alarmEvaluation.evaluationPeriods}) times the ${s.intervalHours}-hour interval of ${s.expression} exceeds the 7 days a CloudWatch alarm may evaluate; lower evaluationPeriods`,
        );
      }
    }
    const captureKey = props.dataCaptureKey ?? props.dataCaptureBucket.encryptionKey ?? props.encryptionKey;
    const capturePrefix = normalisePrefix('dataCapturePrefix', props.dataCapturePrefix ?? 'data-capture', 'data-capture');
    const outputPrefix = normalisePrefix('outputPrefix', props.outputPrefix ?? 'model-monitor', 'model-monitor');
    this.analyzerImageUri = props.analyzerImageUri ?? analyzerImageUri(this);
    if (props.analyzerImageUri !== undefined && !Token.isUnresolved(props.analyzerImageUri) && !/^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/[a-z0-9._/-]+(:[\w.-]+|@sha256:[a-f0-9]{64})?$/.test(props.analyzerImageUri)) {
      fail(`analyzerImageUri ${JSON.stringify(props.analyzerImageUri)} is not an ECR image URI; write <account>.dkr.ecr.<region>.amazonaws.com/${ANALYZER_REPOSITORY}`);
    }
    if (props.retrainingTarget) checkRetrainingTarget(stack, props.retrainingTarget, fail);
    this.dataQualityScheduleName = `${schedulePrefix}${DATA_QUALITY_SUFFIX}`;
    this.modelQualityScheduleName = modelQuality ? `${schedulePrefix}${MODEL_QUALITY_SUFFIX}` : undefined;

    // --- network, buckets, topic ---------------------------------------------------------------------
    const subnets = props.vpc.selectSubnets(props.vpcSubnets);
    checkPrivateSubnets('vpcSubnets', props.vpc, subnets, 'SageMaker job network interfaces');
    const securityGroups = props.securityGroups ?? [
      createJobSecurityGroup(
        this,
        'SecurityGroup',
        props.vpc,
        // a literal description: CloudFormation parameters in it keep cdk-nag from checking the group
        `Network interfaces of the Model Monitor jobs of ${Token.isUnresolved(props.endpointName) ? schedulePrefixText(schedulePrefix) : props.endpointName}`,
        instanceCount > 1,
      ),
    ];
    checkSecurityGroupCount('securityGroups', securityGroups);
    this.connections = new ec2.Connections({ securityGroups });
    this.outputBucket = props.outputBucket ?? new SecureBucket(this, 'Reports', { encryptionKey: props.encryptionKey }).bucket;
    const outputKey = this.outputBucket.encryptionKey ?? props.encryptionKey;
    if (props.topic) {
      this.topic = props.topic;
    } else {
      allowCloudWatchAlarmsToUseKey(props.encryptionKey, { scope: this, prop: 'encryptionKey' });
      this.topic = new sns.Topic(this, 'Topic', { masterKey: props.encryptionKey, enforceSSL: true, displayName: `Model Monitor of ${props.endpointName}` });
    }

    // --- monitoring role -----------------------------------------------------------------------------
    const role = new iam.Role(this, 'Role', {
      assumedBy: accountScopedServicePrincipal(this, 'sagemaker.amazonaws.com'),
      permissionsBoundary: props.permissionsBoundary,
      description: `Role of the Model Monitor jobs of the SageMaker endpoint ${props.endpointName}`,
    });
    this.role = role;
    const policy = this.createRolePolicy(role, props, {
      partition,
      capturePrefix,
      captureKey,
      outputPrefix,
      outputKey,
      baselines: [dqBaseline, ...(modelQuality?.baseline ? [modelQuality.baseline] : [])],
      groundTruth,
      subnetIds: subnets.subnetIds,
      securityGroups,
    });

    // --- job definitions and schedules ---------------------------------------------------------------
    const clusterConfig = {
      instanceCount,
      instanceType: instanceType.instanceType,
      volumeSizeInGb,
      // SageMaker refuses a volume key for instance types with (hardware-encrypted) local NVMe storage
      volumeKmsKeyId: instanceType.hasLocalStorage ? undefined : props.encryptionKey.keyArn,
    };
    const networkConfig = {
      enableInterContainerTrafficEncryption: true,
      enableNetworkIsolation: true,
      vpcConfig: { securityGroupIds: securityGroups.map((sg) => sg.securityGroupId), subnets: subnets.subnetIds },
    };
    const output = (folder: string) => ({
      kmsKeyId: outputKey.keyArn,
      monitoringOutputs: [{ s3Output: { localPath: OUTPUT_PATH, s3Uri: `s3://${this.outputBucket.bucketName}/${outputPrefix}/${folder}`, s3UploadMode: 'EndOfJob' } }],
    });
    const endpointInput = { endpointName: props.endpointName, localPath: INPUT_PATH, s3InputMode: 'File', s3DataDistributionType: 'FullyReplicated' };

    const dqProps: sagemaker.CfnDataQualityJobDefinitionProps = {
      endpointName: props.endpointName,
      dataQualityAppSpecification: { imageUri: this.analyzerImageUri, environment: { publish_cloudwatch_metrics: 'Enabled' } },
      dataQualityBaselineConfig: renderBaseline(dqBaseline, true),
      dataQualityJobInput: { endpointInput },
      dataQualityJobOutputConfig: output('data-quality'),
      jobResources: { clusterConfig },
      networkConfig,
      roleArn: role.roleArn,
      stoppingCondition: { maxRuntimeInSeconds: maxRuntime.toSeconds() },
    };
    this.dataQualityJobDefinition = new sagemaker.CfnDataQualityJobDefinition(this, 'DataQualityJobDefinition', {
      ...dqProps,
      jobDefinitionName: jobDefinitionName(this, `${schedulePrefix}-dq`, dqProps),
    });
    this.dataQualityJobDefinition.node.addDependency(policy);
    this.dataQualitySchedule = new sagemaker.CfnMonitoringSchedule(this, 'DataQualitySchedule', {
      monitoringScheduleName: this.dataQualityScheduleName,
      endpointName: props.endpointName,
      monitoringScheduleConfig: {
        monitoringJobDefinitionName: this.dataQualityJobDefinition.jobDefinitionName!,
        monitoringType: 'DataQuality',
        scheduleConfig: { scheduleExpression: dqSchedule.expression },
      },
    });
    // the schedule names the definition (a literal): CloudFormation must create the definition first
    this.dataQualitySchedule.addDependency(this.dataQualityJobDefinition);

    if (modelQuality && mqSchedule && groundTruth) {
      const mqProps: sagemaker.CfnModelQualityJobDefinitionProps = {
        endpointName: props.endpointName,
        modelQualityAppSpecification: {
          imageUri: this.analyzerImageUri,
          problemType: modelQuality.problemType,
          environment: { publish_cloudwatch_metrics: 'Enabled' },
        },
        modelQualityBaselineConfig: renderBaseline(modelQuality.baseline ?? MonitoringBaseline.none(), false),
        modelQualityJobInput: {
          endpointInput: {
            ...endpointInput,
            inferenceAttribute: modelQuality.inferenceAttribute,
            probabilityAttribute: modelQuality.probabilityAttribute,
            probabilityThresholdAttribute: modelQuality.probabilityThresholdAttribute,
            startTimeOffset: modelQuality.startTimeOffset,
            endTimeOffset: modelQuality.endTimeOffset,
          },
          groundTruthS3Input: { s3Uri: groundTruth.uri },
        },
        modelQualityJobOutputConfig: output('model-quality'),
        jobResources: { clusterConfig },
        networkConfig,
        roleArn: role.roleArn,
        stoppingCondition: { maxRuntimeInSeconds: maxRuntime.toSeconds() },
      };
      this.modelQualityJobDefinition = new sagemaker.CfnModelQualityJobDefinition(this, 'ModelQualityJobDefinition', {
        ...mqProps,
        jobDefinitionName: jobDefinitionName(this, `${schedulePrefix}-mq`, mqProps),
      });
      this.modelQualityJobDefinition.node.addDependency(policy);
      this.modelQualitySchedule = new sagemaker.CfnMonitoringSchedule(this, 'ModelQualitySchedule', {
        monitoringScheduleName: this.modelQualityScheduleName!,
        endpointName: props.endpointName,
        monitoringScheduleConfig: {
          monitoringJobDefinitionName: this.modelQualityJobDefinition.jobDefinitionName!,
          monitoringType: 'ModelQuality',
          scheduleConfig: { scheduleExpression: mqSchedule.expression },
        },
      });
      this.modelQualitySchedule.addDependency(this.modelQualityJobDefinition);
    }

    // --- alarms --------------------------------------------------------------------------------------
    const alarmAction = new cw_actions.SnsAction(this.topic);
    const watch = (alarm: cloudwatch.Alarm) => {
      alarm.addAlarmAction(alarmAction);
      return alarm;
    };
    this.featureDriftAlarms = driftAlarms.map((a) => {
      const threshold = a.threshold ?? 0.1;
      return watch(
        new cloudwatch.Alarm(this, `DriftAlarm-${a.featureName}`, {
          metric: new cloudwatch.Metric({
            namespace: DATA_METRICS_NAMESPACE,
            metricName: `feature_baseline_drift_${a.featureName}`,
            dimensionsMap: { Endpoint: props.endpointName, MonitoringSchedule: this.dataQualityScheduleName },
            statistic: cloudwatch.Stats.MAXIMUM,
            period: Duration.hours(dqSchedule.intervalHours),
          }),
          threshold,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: alarmEvaluation.evaluationPeriods,
          datapointsToAlarm: alarmEvaluation.datapointsToAlarm,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
          alarmDescription: `Feature ${a.featureName} of the traffic of the SageMaker endpoint ${props.endpointName} drifts from its baseline (distance above ${threshold}) in ${alarmEvaluation.datapointsToAlarm} of ${alarmEvaluation.evaluationPeriods} data-quality executions`,
        }),
      );
    });
    this.modelQualityAlarms = (modelQuality?.alarms ?? []).map((a) =>
      watch(
        new cloudwatch.Alarm(this, `QualityAlarm-${a.metric.metricName}`, {
          metric: new cloudwatch.Metric({
            namespace: MODEL_METRICS_NAMESPACE,
            metricName: a.metric.metricName,
            dimensionsMap: { Endpoint: props.endpointName, MonitoringSchedule: this.modelQualityScheduleName! },
            statistic: a.metric.lowerIsWorse ? cloudwatch.Stats.MINIMUM : cloudwatch.Stats.MAXIMUM,
            period: Duration.hours(mqSchedule!.intervalHours),
          }),
          threshold: a.threshold,
          comparisonOperator: a.metric.lowerIsWorse
            ? cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD
            : cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: alarmEvaluation.evaluationPeriods,
          datapointsToAlarm: alarmEvaluation.datapointsToAlarm,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
          alarmDescription: `Model quality of the SageMaker endpoint ${props.endpointName}: ${a.metric.metricName} ${a.metric.lowerIsWorse ? 'below' : 'above'} ${a.threshold} in ${alarmEvaluation.datapointsToAlarm} of ${alarmEvaluation.evaluationPeriods} model-quality executions`,
        }),
      ),
    );

    // failed monitoring executions: processing jobs of the monitoring role that failed
    this.deadLetterQueue = this.createDeadLetterQueue(props.encryptionKey);
    const rulesRole = this.createRulesRole(props);
    this.executionFailureRule = new events.Rule(this, 'ExecutionFailureRule', {
      description: `Failed Model Monitor executions of the SageMaker endpoint ${props.endpointName}`,
      eventPattern: {
        source: ['aws.sagemaker'],
        detailType: ['SageMaker Processing Job State Change'],
        detail: { ProcessingJobStatus: ['Failed'], RoleArn: [role.roleArn] },
      },
    });
    this.executionFailureRule.addTarget(
      new targets.SnsTopic(this.topic, {
        message: events.RuleTargetInput.fromText(
          `Model Monitor execution ${events.EventField.fromPath('$.detail.ProcessingJobName')} of the SageMaker endpoint ${props.endpointName} failed: ${events.EventField.fromPath('$.detail.FailureReason')}`,
        ),
        // EventBridge publishes with the rules role, so the topic policy admits no service principal
        authorizeUsingRole: true,
        role: rulesRole.withoutPolicyUpdates(),
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: 10,
        maxEventAge: Duration.hours(6),
      }),
    );
    this.executionFailureAlarm = watch(
      new cloudwatch.Alarm(this, 'ExecutionFailureAlarm', {
        metric: new cloudwatch.Metric({
          namespace: 'AWS/Events',
          metricName: 'TriggeredRules',
          dimensionsMap: { RuleName: this.executionFailureRule.ruleName },
          statistic: cloudwatch.Stats.SUM,
          period: Duration.minutes(5),
        }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: `A Model Monitor execution of the SageMaker endpoint ${props.endpointName} failed (the topic received the job name and failure reason)`,
      }),
    );
    this.alarms = [...this.featureDriftAlarms, ...this.modelQualityAlarms, this.executionFailureAlarm];

    // --- persistent drift and retraining -------------------------------------------------------------
    const driftSignals = [...this.featureDriftAlarms, ...this.modelQualityAlarms];
    if (driftSignals.length > 0) {
      this.driftAlarm = new cloudwatch.CompositeAlarm(this, 'DriftAlarm', {
        alarmRule: cloudwatch.AlarmRule.anyOf(...driftSignals),
        alarmDescription: `Persistent drift or quality loss of the SageMaker endpoint ${props.endpointName}${props.retrainingTarget ? '; retraining is started' : ''}`,
      });
      this.driftAlarm.addAlarmAction(alarmAction);
    }
    if (props.retrainingTarget) {
      if (!this.driftAlarm) {
        fail('retrainingTarget needs at least one drift or quality alarm to react to; add dataQuality.driftAlarms or modelQuality.alarms');
      }
      this.retrainingRule = this.createRetrainingRule(props, props.retrainingTarget, this.driftAlarm!, rulesRole);
    }
    this.rulesPolicy = this.createRulesPolicy(props, rulesRole);
    for (const rule of [this.executionFailureRule, this.retrainingRule]) rule?.node.addDependency(this.rulesPolicy);
  }

  /** The role EventBridge uses for the targets of this construct's rules (topic, retraining target). */
  private createRulesRole(props: ModelMonitorProps): iam.Role {
    return new iam.Role(this, 'RulesRole', {
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } } }),
      permissionsBoundary: props.permissionsBoundary,
      description: `Role of the EventBridge rules of the Model Monitor of the SageMaker endpoint ${props.endpointName}`,
    });
  }

  private createRulesPolicy(props: ModelMonitorProps, role: iam.Role): iam.ManagedPolicy {
    const statements = [new iam.PolicyStatement({ sid: 'NotifyTheTopic', actions: ['sns:Publish'], resources: [this.topic.topicArn] })];
    if (this.topic.masterKey) {
      statements.push(new iam.PolicyStatement({ sid: 'EncryptTheNotifications', actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [this.topic.masterKey.keyArn] }));
    }
    const target = props.retrainingTarget;
    if (target?.kind === RetrainingTargetKind.SAGEMAKER_PIPELINE) {
      statements.push(new iam.PolicyStatement({ sid: 'StartTheModelBuildingPipeline', actions: ['sagemaker:StartPipelineExecution'], resources: [target.arn] }));
    } else if (target?.kind === RetrainingTargetKind.EVENT_BUS) {
      statements.push(new iam.PolicyStatement({ sid: 'ForwardToTheRetrainingEventBus', actions: ['events:PutEvents'], resources: [target.arn] }));
    }
    return new iam.ManagedPolicy(this, 'RulesPolicy', {
      description: `Targets of the EventBridge rules of the Model Monitor of the SageMaker endpoint ${props.endpointName}`,
      statements,
      roles: [role],
    });
  }

  private createRolePolicy(
    role: iam.Role,
    props: ModelMonitorProps,
    o: {
      partition: string;
      capturePrefix: string;
      captureKey: kms.IKey;
      outputPrefix: string;
      outputKey: kms.IKey;
      baselines: MonitoringBaseline[];
      groundTruth?: S3Location;
      subnetIds: string[];
      securityGroups: ec2.ISecurityGroup[];
    },
  ): iam.ManagedPolicy {
    const stack = Stack.of(this);
    const statements: ReasonedStatement[] = [];
    const add = (statement: iam.PolicyStatement, wildcardReason?: string) => statements.push({ statement, wildcardReason });
    const viaS3 = { StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` } };
    const captured = `${o.capturePrefix}/${props.endpointName}`;

    add(
      new iam.PolicyStatement({ sid: 'ReadTheCapturedData', actions: ['s3:GetObject'], resources: [props.dataCaptureBucket.arnForObjects(`${captured}/*`)] }),
      'The endpoint writes captured traffic as new objects per variant and hour below its capture prefix; the statement names only that prefix.',
    );
    add(
      new iam.PolicyStatement({
        sid: 'ListTheCapturedData',
        actions: ['s3:ListBucket'],
        resources: [props.dataCaptureBucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [captured, `${captured}/*`] } },
      }),
    );
    const oneDataKey = isSameKey(this, o.captureKey, o.outputKey);
    if (!oneDataKey) {
      add(new iam.PolicyStatement({ sid: 'DecryptTheCapturedData', actions: ['kms:Decrypt'], resources: [o.captureKey.keyArn], conditions: viaS3 }));
    }
    add(
      new iam.PolicyStatement({
        sid: 'WriteTheReports',
        actions: ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload'],
        resources: [this.outputBucket.arnForObjects(`${o.outputPrefix}/*`)],
      }),
      'Each monitoring execution writes its reports (and the merged ground truth) below a folder named after the schedule and the execution time; the statement names only the report prefix.',
    );
    add(
      new iam.PolicyStatement({
        sid: 'ListTheReports',
        actions: ['s3:ListBucket'],
        resources: [this.outputBucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [o.outputPrefix, `${o.outputPrefix}/*`] } },
      }),
    );
    // the reports are encrypted (kms:GenerateDataKey, and kms:Decrypt for multipart uploads); when the
    // capture has the same key, this one statement also decrypts the captured data
    add(
      new iam.PolicyStatement({
        sid: oneDataKey ? 'UseTheDataKeyThroughS3' : 'EncryptTheReports',
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [o.outputKey.keyArn],
        conditions: viaS3,
      }),
    );

    const baselineObjects = new Set<string>();
    o.baselines.forEach((b, i) => b._readableObjectArns(o.partition, i === 0).forEach((arn) => baselineObjects.add(arn)));
    if (baselineObjects.size > 0) {
      add(
        new iam.PolicyStatement({ sid: 'ReadTheBaselines', actions: ['s3:GetObject'], resources: [...baselineObjects] }),
        'A baselining job writes its statistics and constraints below its output prefix under names it chooses; the statement names only that prefix.',
      );
    }
    if (o.groundTruth) {
      add(
        new iam.PolicyStatement({ sid: 'ReadTheGroundTruth', actions: ['s3:GetObject'], resources: [o.groundTruth.objectsBelowArn(o.partition)] }),
        'The labelling process writes ground truth as new objects per hour below the ground-truth prefix; the statement names only that prefix.',
      );
      const prefix = o.groundTruth.prefix;
      add(
        new iam.PolicyStatement({
          sid: 'ListTheGroundTruth',
          actions: ['s3:ListBucket'],
          resources: [o.groundTruth.bucketArn(o.partition)],
          conditions: prefix ? { StringLike: { 's3:prefix': [prefix, `${prefix}/*`] } } : undefined,
        }),
      );
    }
    add(
      new iam.PolicyStatement({
        sid: 'UseTheJobKey',
        // the S3 data keys come from the kms:ViaService statements above, the volume grants from
        // CreateGrantsForTheJobVolumes; SageMaker checks the output key (ProcessingOutputConfig.KmsKeyId)
        actions: ['kms:Encrypt', 'kms:DescribeKey'],
        resources: [props.encryptionKey.keyArn],
      }),
    );
    add(
      new iam.PolicyStatement({
        sid: 'CreateGrantsForTheJobVolumes',
        actions: ['kms:CreateGrant'],
        resources: [props.encryptionKey.keyArn],
        conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      }),
    );
    if ((props.decryptionKeys ?? []).length > 0) {
      add(new iam.PolicyStatement({ sid: 'DecryptTheBaselinesAndGroundTruth', actions: ['kms:Decrypt'], resources: props.decryptionKeys!.map((k) => k.keyArn) }));
    }
    add(
      new iam.PolicyStatement({
        sid: 'PublishModelMonitorMetrics',
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringLike: { 'cloudwatch:namespace': ['aws/sagemaker/Endpoints/*', '/aws/sagemaker/Endpoints/*', '/aws/sagemaker/ProcessingJobs'] } },
      }),
      'cloudwatch:PutMetricData has no resource type; the cloudwatch:namespace condition limits it to the Model Monitor and processing job namespaces.',
    );
    // an analyzer image of the customer's registry (an override) is pulled with this role; SageMaker's own is not
    const ecr = props.analyzerImageUri ? parseEcrImageUri(props.analyzerImageUri) : undefined;
    if (ecr && ecr.repositoryName !== ANALYZER_REPOSITORY) {
      statements.push(...ecrPullStatements('PullTheAnalyzerImage', [ecrRepositoryArn(o.partition, ecr)]));
    }
    for (const s of jobLogStatements(stack, o.partition, PROCESSING_LOG_GROUP, props.allowJobLogGroupCreation ?? false)) statements.push(s);
    statements.push(...networkInterfaceStatements(stack, o.partition, props.vpc, o.subnetIds, o.securityGroups, JOB_NETWORK_INTERFACES));

    return createWorkloadPolicy(this, 'RolePolicy', `Least-privilege permissions of the Model Monitor jobs of the SageMaker endpoint ${props.endpointName}`, role, statements);
  }

  private createDeadLetterQueue(key: kms.IKey): sqs.Queue {
    allowEventBridgeToUseKey(key, { scope: this, prop: 'encryptionKey' });
    return createDeadLetterQueue(this, 'DeadLetterQueue', {
      encryptionKey: key,
      whyNoDeadLetterQueue: 'This queue is the dead-letter queue of the Model Monitor rule targets; a dead-letter queue of a dead-letter queue would never be read.',
    });
  }

  private createRetrainingRule(
    props: ModelMonitorProps,
    target: RetrainingTarget,
    driftAlarm: cloudwatch.CompositeAlarm,
    role: iam.IRole,
  ): events.Rule {
    const rule = new events.Rule(this, 'RetrainingRule', {
      description: `Start retraining when the drift alarm of the SageMaker endpoint ${props.endpointName} goes into ALARM`,
      eventPattern: {
        source: ['aws.cloudwatch'],
        detailType: ['CloudWatch Alarm State Change'],
        resources: [driftAlarm.alarmArn],
        detail: { state: { value: ['ALARM'] } },
      },
    });
    rule.addTarget(
      new BoundRuleTarget({
        arn: target.arn,
        role,
        deadLetterConfig: { arn: this.deadLetterQueue.queueArn },
        // an event bus target takes no retry policy (EventBridge retries delivery to buses itself)
        retryPolicy:
          target.kind === RetrainingTargetKind.SAGEMAKER_PIPELINE
            ? { maximumRetryAttempts: 20, maximumEventAgeInSeconds: Duration.hours(24).toSeconds() }
            : undefined,
      }),
    );
    if (target.parameters) {
      (rule.node.defaultChild as events.CfnRule).addPropertyOverride('Targets.0.SageMakerPipelineParameters', {
        PipelineParameterList: Object.entries(target.parameters).map(([Name, Value]) => ({ Name, Value })),
      });
    }
    this.deadLetterQueue.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowTheRetrainingRuleToDeadLetter',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [this.deadLetterQueue.queueArn],
        conditions: { ArnEquals: { 'aws:SourceArn': rule.ruleArn } },
      }),
    );
    return rule;
  }
}

/** A rule target whose configuration is computed by the construct (SageMaker pipelines have no L2 target). */
class BoundRuleTarget implements events.IRuleTarget {
  constructor(private readonly config: events.RuleTargetConfig) {}

  public bind(_rule: events.IRuleRef, _id?: string): events.RuleTargetConfig {
    return this.config;
  }
}

/**
 * A job definition name that changes with the definition: SageMaker job definitions are replaced on
 * (almost) every change, and CloudFormation can only replace a named resource under a new name. The
 * schedule references the definition by name (the resource returns no name attribute).
 */
function jobDefinitionName(scope: Construct, prefix: string, definition: object): string {
  const hash = crypto.createHash('sha256').update(JSON.stringify(Stack.of(scope).resolve(definition))).digest('hex').slice(0, 8);
  return `${prefix}-${hash}`;
}

function schedulePrefixText(prefix: string): string {
  return Token.isUnresolved(prefix) ? 'the monitored endpoint' : `the schedules ${prefix}-*`;
}

function renderBaseline(baseline: MonitoringBaseline, withStatistics: boolean): any {
  switch (baseline.kind) {
    case MonitoringBaselineKind.DRIFT_CHECK_BASELINES:
      return {
        constraintsResource: { s3Uri: baseline.constraintsS3Uri },
        statisticsResource: withStatistics ? { s3Uri: baseline.statisticsS3Uri } : undefined,
      };
    case MonitoringBaselineKind.BASELINE_JOB:
      return { baseliningJobName: baseline.baseliningJobName };
    default:
      return undefined;
  }
}

/**
 * Checks a monitoring schedule expression against the forms SageMaker accepts and returns its interval.
 */
function resolveMonitoringSchedule(prop: string, expression: string): ResolvedSchedule {
  const forms = 'SageMaker accepts "cron(0 * ? * * *)" (hourly), "cron(0 H ? * * *)" (daily at hour H UTC) and "cron(0 H/N ? * * *)" (every N hours from hour H)';
  if (Token.isUnresolved(expression)) throw new Error(`${prop} must be a literal expression; ${forms}`);
  const m = /^cron\(0 (\*|\d{1,2})(?:\/(\d{1,2}))? \? \* \* \*\)$/.exec(expression.trim());
  if (!m) throw new Error(`${prop} ${JSON.stringify(expression)} is not a Model Monitor schedule; ${forms}`);
  if (m[1] === '*') {
    if (m[2] !== undefined) throw new Error(`${prop} ${JSON.stringify(expression)}: write the first hour instead of "*" before "/", e.g. "cron(0 0/6 ? * * *)"; ${forms}`);
    return { expression, intervalHours: 1 };
  }
  const hour = Number(m[1]);
  if (hour > 23) throw new Error(`${prop} ${JSON.stringify(expression)}: the hour ${hour} is not from 0 to 23`);
  if (m[2] === undefined) return { expression, intervalHours: 24 };
  const every = Number(m[2]);
  if (every < 1 || every > 24) throw new Error(`${prop} ${JSON.stringify(expression)}: the interval ${every} is not from 1 to 24 hours`);
  return { expression, intervalHours: every };
}

function checkDriftAlarm(prop: string, a: FeatureDriftAlarm): void {
  if (Token.isUnresolved(a.featureName) || !/^[^\s/]{1,200}$/.test(a.featureName ?? '')) {
    throw new Error(`${prop}.featureName ${JSON.stringify(a.featureName)} is not a feature name; write the column name of the baseline without spaces, e.g. "tenure" or "_c3"`);
  }
  const threshold = a.threshold ?? 0.1;
  if (Token.isUnresolved(threshold) || !(threshold > 0 && threshold <= 1)) {
    throw new Error(`${prop}.threshold is ${threshold}; write a distribution distance above 0 and at most 1, e.g. 0.1`);
  }
}

function checkModelQuality(mq: ModelQualityMonitoringOptions): S3Location {
  if (mq.groundTruthS3Uri === undefined || mq.groundTruthS3Uri === null || mq.groundTruthS3Uri === '') {
    throw new Error('modelQuality.groundTruthS3Uri is missing; model-quality monitoring merges the predictions with ground truth labels: give their location, e.g. "s3://churn-ground-truth/labels"');
  }
  const groundTruth = S3Location.parse('modelQuality.groundTruthS3Uri', mq.groundTruthS3Uri, false);
  const problemTypes = Object.values(ModelQualityProblemType) as string[];
  if (!problemTypes.includes(mq.problemType)) {
    throw new Error(`modelQuality.problemType ${JSON.stringify(mq.problemType)} is not one of ${problemTypes.join(', ')}; use ModelQualityProblemType`);
  }
  if (mq.problemType === ModelQualityProblemType.MULTICLASS_CLASSIFICATION && !mq.inferenceAttribute) {
    throw new Error('modelQuality.inferenceAttribute is required for multiclass classification: say where the predicted label is in the captured output, e.g. "0" or "predicted_label"');
  }
  if (mq.probabilityAttribute !== undefined && mq.problemType !== ModelQualityProblemType.BINARY_CLASSIFICATION) {
    throw new Error('modelQuality.probabilityAttribute only applies to binary classification; remove it or use inferenceAttribute');
  }
  if (mq.probabilityThresholdAttribute !== undefined) {
    if (mq.probabilityAttribute === undefined) {
      throw new Error('modelQuality.probabilityThresholdAttribute needs modelQuality.probabilityAttribute: say where the probability is in the captured output');
    }
    const t = mq.probabilityThresholdAttribute;
    if (Token.isUnresolved(t) || !(t >= 0 && t <= 1)) {
      throw new Error(`modelQuality.probabilityThresholdAttribute is ${t}; write a probability from 0 to 1, e.g. 0.5`);
    }
  }
  for (const [name, value] of [['startTimeOffset', mq.startTimeOffset], ['endTimeOffset', mq.endTimeOffset]] as const) {
    if (value !== undefined && !Token.isUnresolved(value) && (!TIME_OFFSET.test(value) || value === '-P' || value === '-PT')) {
      throw new Error(`modelQuality.${name} ${JSON.stringify(value)} is not a negative ISO 8601 duration; write e.g. "-P1D" or "-PT12H"`);
    }
  }
  const alarms = mq.alarms ?? [];
  alarms.forEach((a, i) => {
    const where = `modelQuality.alarms[${i}]`;
    if (!a.metric.problemTypes.includes(mq.problemType)) {
      throw new Error(`${where}: ${a.metric.metricName} is not published for ${mq.problemType} models; choose a metric of that problem type (e.g. ${mq.problemType === ModelQualityProblemType.REGRESSION ? 'RMSE' : 'ACCURACY'})`);
    }
    const t = a.threshold;
    if (Token.isUnresolved(t) || typeof t !== 'number' || Number.isNaN(t) || (a.metric.minimum !== undefined && t < a.metric.minimum) || (a.metric.maximum !== undefined && t > a.metric.maximum)) {
      const range = `${a.metric.minimum ?? '-∞'} to ${a.metric.maximum ?? '∞'}`;
      throw new Error(`${where}.threshold is ${t}; ${a.metric.metricName} ranges from ${range}: write a literal threshold in that range`);
    }
  });
  checkDistinct('modelQuality.alarms', alarms.map((a) => a.metric.metricName), 'metric');
  return groundTruth;
}

function checkDistinct(prop: string, names: string[], what: string): void {
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new Error(`${prop} lists the ${what} ${JSON.stringify(n)} twice; give one alarm per ${what}`);
    seen.add(n);
  }
}

function resolveAlarmEvaluation(o: MonitoringAlarmOptions): { evaluationPeriods: number; datapointsToAlarm: number } {
  const evaluationPeriods = o.evaluationPeriods ?? 3;
  checkInteger('alarmOptions.evaluationPeriods', evaluationPeriods, 1, 100, 'how many monitoring executions the alarms evaluate');
  const datapointsToAlarm = o.datapointsToAlarm ?? evaluationPeriods;
  checkInteger('alarmOptions.datapointsToAlarm', datapointsToAlarm, 1, evaluationPeriods, 'how many breaching executions fire the alarm, at most evaluationPeriods');
  return { evaluationPeriods, datapointsToAlarm };
}

function checkRetrainingTarget(stack: Stack, target: RetrainingTarget, fail: (message: string) => never): void {
  if (target.kind !== RetrainingTargetKind.SAGEMAKER_PIPELINE) return;
  if (target.account && !Token.isUnresolved(stack.account) && target.account !== stack.account) {
    fail(
      `retrainingTarget: the pipeline ${target.arn} is in account ${target.account}, but EventBridge starts SageMaker pipelines only in the rule's account (${stack.account}); use RetrainingTarget.eventBus(<bus of ${target.account}>) and start the pipeline from a rule on that bus`,
    );
  }
  if (target.region && !Token.isUnresolved(stack.region) && target.region !== stack.region) {
    fail(`retrainingTarget: the pipeline ${target.arn} is in region ${target.region}, not ${stack.region}; use RetrainingTarget.eventBus with a bus of that region`);
  }
}
