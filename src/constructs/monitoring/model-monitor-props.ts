import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ModelQualityMetric, ModelQualityProblemType } from './model-quality-metric';
import { MonitoringBaseline } from './monitoring-baseline';
import { MonitoringSchedule } from './monitoring-schedule';
import { RetrainingTarget } from './retraining-target';
import { EndpointInstanceType } from '../deployment/endpoint-instance-type';

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
   * When the job runs: hourly, every N hours, daily, or off (the job definition without a schedule).
   * @default MonitoringSchedule.hourly()
   */
  readonly schedule?: MonitoringSchedule;

  /**
   * When the job runs, as an expression. SageMaker accepts `cron(0 * ? * * *)` (hourly), `cron(0 H ? * * *)`
   * (daily at hour H, UTC) and `cron(0 H/N ? * * *)` (every N hours from hour H).
   * @default - `schedule`
   * @deprecated use `schedule` (`MonitoringSchedule.expression(...)`), which can also be off
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
   * When the job runs: hourly, every N hours, daily, or off (the job definition without a schedule).
   * @default MonitoringSchedule.daily() - daily at midnight UTC
   */
  readonly schedule?: MonitoringSchedule;

  /**
   * When the job runs, as an expression (same forms as the data-quality schedule).
   * @default - `schedule`
   * @deprecated use `schedule` (`MonitoringSchedule.expression(...)`), which can also be off
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
   * The instance type of the monitoring jobs (a type that SageMaker's `MonitoringClusterConfig` accepts:
   * ml.t3, ml.m5, ml.r5, ml.c5 from xlarge, ...). The default suits the captured traffic of an endpoint
   * that serves up to some thousand requests an hour at a 20 % sampling rate; choose a larger type (or
   * more instances) when an execution runs out of memory or time.
   * @default EndpointInstanceType.ML_M5_LARGE - 2 vCPU, 8 GiB
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
   * The name of the composite drift alarm (when there is at least one drift or quality alarm). Name it
   * when another account matches its state changes by ARN (e.g. the rule that starts retraining in the
   * account of the model-build pipeline): 1 to 255 characters, no control characters.
   * @default - a name CDK derives from the construct path
   */
  readonly driftAlarmName?: string;

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
