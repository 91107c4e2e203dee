import * as crypto from 'crypto';
import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cw_actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ANALYZER_REPOSITORY, analyzerImageUri } from './analyzer-image';
import { S3Location, createJobSecurityGroup, normalisePrefix } from './job-support';
import {
  checkDistinct, checkDriftAlarm, checkModelQuality, checkRetrainingTarget, renderBaseline, resolveAlarmEvaluation,
} from './model-monitor-checks';
import { ModelMonitorProps } from './model-monitor-props';
import { MonitoringBaseline, MonitoringBaselineKind } from './monitoring-baseline';
import { createMonitoringRolePolicy } from './monitoring-role-policy';
import { createRetrainingRule, createRulesDeadLetterQueue, createRulesPolicy, createRulesRole } from './monitoring-rules';
import { MonitoringSchedule, ResolvedSchedule, resolveMonitorSchedule } from './monitoring-schedule';
import { literalPartition } from '../core/iam-findings';
import { allowCloudWatchAlarmsToUseKey } from '../core/key-grants';
import { checkPrivateSubnets, checkSecurityGroupCount } from '../core/sagemaker-workload';
import { SecureBucket } from '../core/secure-bucket';
import { accountScopedServicePrincipal } from '../core/service-trust';
import { EndpointInstanceType } from '../deployment/endpoint-instance-type';
import { checkInteger, checkSageMakerName } from '../deployment/endpoint-validation';

/**
 * Where Model Monitor publishes the metrics of real-time endpoints. The SageMaker developer guide
 * writes these namespaces in several ways; these are the ones the built-in analyzer uses and the
 * SageMaker Python SDK's automatic dashboards read (`{aws/sagemaker/Endpoints/model-metrics,Endpoint,MonitoringSchedule}`).
 */
const DATA_METRICS_NAMESPACE = 'aws/sagemaker/Endpoints/data-metrics';
const MODEL_METRICS_NAMESPACE = 'aws/sagemaker/Endpoints/model-metrics';
const INPUT_PATH = '/opt/ml/processing/input/endpoint';
const OUTPUT_PATH = '/opt/ml/processing/output';
/** The schedule name suffixes; with them a name prefix may have at most 63 - 14 characters. */
const DATA_QUALITY_SUFFIX = '-data-quality';
const MODEL_QUALITY_SUFFIX = '-model-quality';
const MAX_SCHEDULE_PREFIX = 63 - MODEL_QUALITY_SUFFIX.length;
/** The alarm period of a monitor whose schedule is off (its one-off runs, started by hand, publish under the schedule name). */
const OFF_ALARM_PERIOD_HOURS = 24;

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
  /** The data-quality monitoring schedule, unless `dataQuality.schedule` is off. */
  public readonly dataQualitySchedule?: sagemaker.CfnMonitoringSchedule;
  /** The data-quality job definition. */
  public readonly dataQualityJobDefinition: sagemaker.CfnDataQualityJobDefinition;
  /** The name of the data-quality schedule (the `MonitoringSchedule` dimension of its metrics). */
  public readonly dataQualityScheduleName: string;
  /** The model-quality monitoring schedule, when `modelQuality` is set and its schedule is not off. */
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
    const instanceType = props.instanceType ?? EndpointInstanceType.ML_M5_LARGE;
    const dataQuality = props.dataQuality ?? {};
    const dqSchedule = resolveMonitorSchedule('dataQuality', dataQuality.schedule, dataQuality.scheduleExpression, MonitoringSchedule.hourly());
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
      mqSchedule = resolveMonitorSchedule('modelQuality', modelQuality.schedule, modelQuality.scheduleExpression, MonitoringSchedule.daily());
      groundTruth = checkModelQuality(modelQuality);
    }
    const alarmEvaluation = resolveAlarmEvaluation(props.alarmOptions ?? {});
    // a monitor that is off still has its alarms (for one-off runs), evaluated per day
    const off: ResolvedSchedule = { expression: 'off (alarm period 1 day)', intervalHours: OFF_ALARM_PERIOD_HOURS };
    for (const s of [dqSchedule ?? off, ...(modelQuality ? [mqSchedule ?? off] : [])]) {
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
    if (props.driftAlarmName !== undefined && !Token.isUnresolved(props.driftAlarmName)
      && !/^[^\x00-\x1f\x7f]{1,255}$/.test(props.driftAlarmName)) {
      fail(`driftAlarmName ${JSON.stringify(props.driftAlarmName)} is not an alarm name; write 1 to 255 characters without control characters`);
    }
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
    const policy = createMonitoringRolePolicy(this, role, props, {
      partition,
      capturePrefix,
      captureKey,
      outputPrefix,
      outputKey,
      baselines: [dqBaseline, ...(modelQuality?.baseline ? [modelQuality.baseline] : [])],
      groundTruth,
      subnetIds: subnets.subnetIds,
      securityGroups,
      outputBucket: this.outputBucket,
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
    if (dqSchedule) {
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
    }

    if (modelQuality && groundTruth) {
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
      if (mqSchedule) {
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
            period: Duration.hours(dqSchedule?.intervalHours ?? OFF_ALARM_PERIOD_HOURS),
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
            period: Duration.hours(mqSchedule?.intervalHours ?? OFF_ALARM_PERIOD_HOURS),
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
    this.deadLetterQueue = createRulesDeadLetterQueue(this, props.encryptionKey);
    const rulesRole = createRulesRole(this, props);
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
        compositeAlarmName: props.driftAlarmName,
        alarmRule: cloudwatch.AlarmRule.anyOf(...driftSignals),
        alarmDescription: `Persistent drift or quality loss of the SageMaker endpoint ${props.endpointName}${props.retrainingTarget ? '; retraining is started' : ''}`,
      });
      this.driftAlarm.addAlarmAction(alarmAction);
    }
    if (props.retrainingTarget) {
      if (!this.driftAlarm) {
        fail('retrainingTarget needs at least one drift or quality alarm to react to; add dataQuality.driftAlarms or modelQuality.alarms');
      }
      this.retrainingRule = createRetrainingRule(this, props, props.retrainingTarget, this.driftAlarm!, rulesRole, this.deadLetterQueue);
    }
    this.rulesPolicy = createRulesPolicy(this, props, this.topic, rulesRole);
    for (const rule of [this.executionFailureRule, this.retrainingRule]) rule?.node.addDependency(this.rulesPolicy);
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
