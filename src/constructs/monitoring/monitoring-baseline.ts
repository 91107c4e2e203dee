import { Token } from 'aws-cdk-lib';
import { S3Location } from './job-support';

/** SageMaker processing job names. */
const PROCESSING_JOB_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

/**
 * Where the baseline of a monitoring job comes from.
 */
export enum MonitoringBaselineKind {
  /** The statistics and constraints files of the model version (`DriftCheckBaselines`). */
  DRIFT_CHECK_BASELINES = 'DRIFT_CHECK_BASELINES',
  /** A baselining processing job that ran in this account. */
  BASELINE_JOB = 'BASELINE_JOB',
  /** No baseline. */
  NONE = 'NONE',
}

/**
 * The baseline a monitoring job compares the captured traffic with.
 *
 * A baseline is produced once, outside this construct, by a baselining job of the Model Monitor
 * analyzer (the model-build pipeline's `QualityCheckStep`, or `suggest_baseline` of the SageMaker
 * Python SDK). CloudFormation has no resource for such a one-off processing job, so this construct
 * does not run one; it references the result:
 *
 * - `fromDriftCheckBaselines`: the S3 URIs of the statistics and constraints files that the model
 *   package version holds in `DriftCheckBaselines` (`ModelDataQuality` for data quality,
 *   `ModelQuality` for model quality) — the normal path, pinned with the model version;
 * - `fromBaselineJob`: the name of a baselining processing job of this account and region, whose
 *   outputs SageMaker reads;
 * - `none`: no baseline. Data quality jobs then only compute statistics: no constraint violations and
 *   no `feature_baseline_drift_*` metrics, so drift alarms cannot fire. Model quality jobs still
 *   compute and publish the quality metrics (accuracy, RMSE, ...), which the alarms check against
 *   absolute thresholds.
 *
 * @example
 * const dataQuality = MonitoringBaseline.fromDriftCheckBaselines(
 *   's3://exp-model-artifacts/churn/3/data-quality/statistics.json',
 *   's3://exp-model-artifacts/churn/3/data-quality/constraints.json',
 * );
 */
export class MonitoringBaseline {
  /**
   * The statistics and constraints files of the registered model version (`DriftCheckBaselines` of
   * the model package), as S3 URIs. Literal URIs are checked; tokens (a `CfnParameter` set by the
   * deployment pipeline) are accepted. The monitoring role may read exactly these objects; a bucket in
   * another account must allow it in its bucket policy (and its key, `decryptionKeys`).
   * @param statisticsS3Uri `s3://<bucket>/<key>` of `statistics.json` (model quality jobs do not use it)
   * @param constraintsS3Uri `s3://<bucket>/<key>` of `constraints.json`
   */
  public static fromDriftCheckBaselines(statisticsS3Uri: string, constraintsS3Uri: string): MonitoringBaseline {
    const statistics = S3Location.parse('MonitoringBaseline.fromDriftCheckBaselines: statisticsS3Uri', statisticsS3Uri, true);
    const constraints = S3Location.parse('MonitoringBaseline.fromDriftCheckBaselines: constraintsS3Uri', constraintsS3Uri, true);
    return new MonitoringBaseline(MonitoringBaselineKind.DRIFT_CHECK_BASELINES, statistics, constraints, undefined, undefined);
  }

  /**
   * A baselining processing job that ran in this account and region (`BaseliningJobName`); SageMaker
   * takes the statistics and constraints it produced.
   * @param baseliningJobName the processing job name
   * @param outputS3Uri the job's output location, `s3://<bucket>/<prefix>`, which the monitoring role may read
   */
  public static fromBaselineJob(baseliningJobName: string, outputS3Uri: string): MonitoringBaseline {
    if (!Token.isUnresolved(baseliningJobName) && !PROCESSING_JOB_NAME.test(baseliningJobName)) {
      throw new Error(
        `MonitoringBaseline.fromBaselineJob: ${JSON.stringify(baseliningJobName)} is not a SageMaker processing job name; use letters, digits and hyphens, at most 63 characters`,
      );
    }
    const output = S3Location.parse('MonitoringBaseline.fromBaselineJob: outputS3Uri', outputS3Uri, false);
    return new MonitoringBaseline(MonitoringBaselineKind.BASELINE_JOB, undefined, undefined, baseliningJobName, output);
  }

  /**
   * No baseline (see the class description for what the jobs then do).
   */
  public static none(): MonitoringBaseline {
    return new MonitoringBaseline(MonitoringBaselineKind.NONE, undefined, undefined, undefined, undefined);
  }

  /** Where the baseline comes from. */
  public readonly kind: MonitoringBaselineKind;
  /** The S3 URI of `statistics.json` (drift check baselines only). */
  public readonly statisticsS3Uri?: string;
  /** The S3 URI of `constraints.json` (drift check baselines only). */
  public readonly constraintsS3Uri?: string;
  /** The name of the baselining job (baseline jobs only). */
  public readonly baseliningJobName?: string;
  /** The output location of the baselining job (baseline jobs only). */
  public readonly outputS3Uri?: string;

  private readonly statistics?: S3Location;
  private readonly constraints?: S3Location;
  private readonly output?: S3Location;

  private constructor(
    kind: MonitoringBaselineKind,
    statistics: S3Location | undefined,
    constraints: S3Location | undefined,
    baseliningJobName: string | undefined,
    output: S3Location | undefined,
  ) {
    this.kind = kind;
    this.statistics = statistics;
    this.constraints = constraints;
    this.output = output;
    this.statisticsS3Uri = statistics?.uri;
    this.constraintsS3Uri = constraints?.uri;
    this.baseliningJobName = baseliningJobName;
    this.outputS3Uri = output?.uri;
  }

  /**
   * The object ARNs the monitoring role must read.
   * @internal
   */
  public _readableObjectArns(partition: string, includeStatistics: boolean): string[] {
    switch (this.kind) {
      case MonitoringBaselineKind.DRIFT_CHECK_BASELINES:
        return [...(includeStatistics ? [this.statistics!.objectArn(partition)] : []), this.constraints!.objectArn(partition)];
      case MonitoringBaselineKind.BASELINE_JOB:
        return [this.output!.objectsBelowArn(partition)];
      default:
        return [];
    }
  }
}
