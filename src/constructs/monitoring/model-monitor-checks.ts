import { Stack, Token } from 'aws-cdk-lib';
import { S3Location } from './job-support';
import { FeatureDriftAlarm, ModelQualityMonitoringOptions, MonitoringAlarmOptions } from './model-monitor-props';
import { ModelQualityProblemType } from './model-quality-metric';
import { MonitoringBaseline, MonitoringBaselineKind } from './monitoring-baseline';
import { RetrainingTarget, RetrainingTargetKind } from './retraining-target';
import { checkInteger } from '../deployment/endpoint-validation';

/** ISO 8601 durations relative to the execution time, as monitoring offsets take them (e.g. -P1D, -PT12H). */
const TIME_OFFSET = /^-P(?:\d+D)?(?:T(?:\d+H)?(?:\d+M)?)?$/;

/** @internal */
export function renderBaseline(baseline: MonitoringBaseline, withStatistics: boolean): any {
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

/** @internal */
export function checkDriftAlarm(prop: string, a: FeatureDriftAlarm): void {
  if (Token.isUnresolved(a.featureName) || !/^[^\s/]{1,200}$/.test(a.featureName ?? '')) {
    throw new Error(`${prop}.featureName ${JSON.stringify(a.featureName)} is not a feature name; write the column name of the baseline without spaces, e.g. "tenure" or "_c3"`);
  }
  const threshold = a.threshold ?? 0.1;
  if (Token.isUnresolved(threshold) || !(threshold > 0 && threshold <= 1)) {
    throw new Error(`${prop}.threshold is ${threshold}; write a distribution distance above 0 and at most 1, e.g. 0.1`);
  }
}

/** @internal */
export function checkModelQuality(mq: ModelQualityMonitoringOptions): S3Location {
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

/** @internal */
export function checkDistinct(prop: string, names: string[], what: string): void {
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new Error(`${prop} lists the ${what} ${JSON.stringify(n)} twice; give one alarm per ${what}`);
    seen.add(n);
  }
}

/** @internal */
export function resolveAlarmEvaluation(o: MonitoringAlarmOptions): { evaluationPeriods: number; datapointsToAlarm: number } {
  const evaluationPeriods = o.evaluationPeriods ?? 3;
  checkInteger('alarmOptions.evaluationPeriods', evaluationPeriods, 1, 100, 'how many monitoring executions the alarms evaluate');
  const datapointsToAlarm = o.datapointsToAlarm ?? evaluationPeriods;
  checkInteger('alarmOptions.datapointsToAlarm', datapointsToAlarm, 1, evaluationPeriods, 'how many breaching executions fire the alarm, at most evaluationPeriods');
  return { evaluationPeriods, datapointsToAlarm };
}

/** @internal */
export function checkRetrainingTarget(stack: Stack, target: RetrainingTarget, fail: (message: string) => never): void {
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
