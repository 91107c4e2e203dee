import { JobStepOptions } from './job-step';
import { PipelineStep, StepType, withAdditional } from './step';
import { TrainingJobSettings, renderJobFields, renderTrainingJob } from './training-step';
import { PipelineValue, v } from './value';

/** The search strategy of a tuning job (`Strategy`). */
export enum TuningStrategy {
  /** `Bayesian` */
  BAYESIAN = 'Bayesian',
  /** `Random` */
  RANDOM = 'Random',
  /** `Hyperband` */
  HYPERBAND = 'Hyperband',
  /** `Grid` */
  GRID = 'Grid',
}

/** Whether the objective metric is maximized or minimized (`HyperParameterTuningJobObjective.Type`). */
export enum TuningObjectiveType {
  /** `Maximize` */
  MAXIMIZE = 'Maximize',
  /** `Minimize` */
  MINIMIZE = 'Minimize',
}

/** Early stopping of training jobs (`TrainingJobEarlyStoppingType`). */
export enum TrainingJobEarlyStoppingType {
  /** `Off` */
  OFF = 'Off',
  /** `Auto` */
  AUTO = 'Auto',
}

/** How a hyperparameter range is searched (`ScalingType`). */
export enum HyperparameterScalingType {
  /** `Auto` */
  AUTO = 'Auto',
  /** `Linear` */
  LINEAR = 'Linear',
  /** `Logarithmic` */
  LOGARITHMIC = 'Logarithmic',
  /** `ReverseLogarithmic` */
  REVERSE_LOGARITHMIC = 'ReverseLogarithmic',
}

/**
 * A numeric hyperparameter range (`ContinuousParameterRanges[]` / `IntegerParameterRanges[]`).
 * Literal bounds are rendered as strings (`String(n)`; note that `1.0` renders as `"1"`, where
 * Python renders `"1.0"`).
 */
export interface NumericParameterRange {
  /** The hyperparameter's name (`Name`). */
  readonly name: string;
  /** The lower bound (`MinValue`). */
  readonly minValue: PipelineValue;
  /** The upper bound (`MaxValue`). */
  readonly maxValue: PipelineValue;
  /**
   * `ScalingType`.
   * @default HyperparameterScalingType.AUTO
   */
  readonly scalingType?: HyperparameterScalingType;
}

/** A categorical hyperparameter range (`CategoricalParameterRanges[]`). */
export interface CategoricalParameterRange {
  /** The hyperparameter's name (`Name`). */
  readonly name: string;
  /** The values to try (`Values`). */
  readonly values: string[];
}

/** Props of a `TuningStep` (a `CreateHyperParameterTuningJob` request). */
export interface TuningStepProps extends JobStepOptions {
  /** The training job every trial runs (`TrainingJobDefinition`); `hyperparameters` become `StaticHyperParameters`. */
  readonly trainingJob: TrainingJobSettings;
  /** The metric to optimize (`HyperParameterTuningJobObjective.MetricName`). */
  readonly objectiveMetricName: string;
  /**
   * `HyperParameterTuningJobObjective.Type`.
   * @default TuningObjectiveType.MAXIMIZE
   */
  readonly objectiveType?: TuningObjectiveType;
  /**
   * `Strategy`.
   * @default TuningStrategy.BAYESIAN
   */
  readonly strategy?: TuningStrategy;
  /** The maximum number of training jobs (`ResourceLimits.MaxNumberOfTrainingJobs`). */
  readonly maxJobs: PipelineValue;
  /**
   * The maximum number of parallel training jobs (`ResourceLimits.MaxParallelTrainingJobs`).
   * @default 1
   */
  readonly maxParallelJobs?: PipelineValue;
  /**
   * `ResourceLimits.MaxRuntimeInSeconds`.
   * @default - none
   */
  readonly maxRuntimeInSeconds?: PipelineValue;
  /**
   * `TrainingJobEarlyStoppingType`.
   * @default TrainingJobEarlyStoppingType.OFF
   */
  readonly earlyStoppingType?: TrainingJobEarlyStoppingType;
  /**
   * `RandomSeed`.
   * @default - none
   */
  readonly randomSeed?: PipelineValue;
  /**
   * Continuous ranges (`ParameterRanges.ContinuousParameterRanges`).
   * @default - none
   */
  readonly continuousParameterRanges?: NumericParameterRange[];
  /**
   * Integer ranges (`ParameterRanges.IntegerParameterRanges`).
   * @default - none
   */
  readonly integerParameterRanges?: NumericParameterRange[];
  /**
   * Categorical ranges (`ParameterRanges.CategoricalParameterRanges`).
   * @default - none
   */
  readonly categoricalParameterRanges?: CategoricalParameterRange[];
}

/**
 * A hyperparameter tuning step (`Type: Tuning`).
 *
 * @example
 * const tune = new TuningStep('Tune', {
 *   trainingJob: { roleArn, trainingImage, instanceType, outputPath, inputs },
 *   objectiveMetricName: 'validation:auc',
 *   maxJobs: PipelineValue.fromNumber(6),
 *   continuousParameterRanges: [{ name: 'eta', minValue: PipelineValue.fromNumber(0.05), maxValue: PipelineValue.fromNumber(0.5) }],
 * });
 * tune.topModelS3Uri(0, 'bucket', 'tuning');
 */
export class TuningStep extends PipelineStep {
  private readonly props: TuningStepProps;

  /**
   * @param stepName the step's name, unique in the pipeline
   * @param props the tuning job's settings
   */
  constructor(stepName: string, props: TuningStepProps) {
    super(stepName, StepType.TUNING, props);
    this.props = props;
    if (props.jobNamePrefix !== undefined) {
      throw new Error(`step "${stepName}": a tuning step takes no jobNamePrefix (tuning job names have at most 32 characters and SageMaker Pipelines names the tuning job and its training jobs itself); remove it`);
    }
    const ranges = (props.continuousParameterRanges?.length ?? 0) + (props.integerParameterRanges?.length ?? 0)
      + (props.categoricalParameterRanges?.length ?? 0);
    if (ranges === 0) {
      throw new Error(`step "${stepName}": a tuning step needs at least one hyperparameter range (continuousParameterRanges, integerParameterRanges or categoricalParameterRanges)`);
    }
  }

  /**
   * The S3 URI of the model of the `topK`-th best training job (0 is the best), as the SDK's
   * `TuningStep.get_top_model_s3_uri` renders it:
   * `Std:Join("/", ["s3:/", bucket, prefix?, Steps.<name>.TrainingJobSummaries[topK].TrainingJobName, "output/model.tar.gz"])`.
   * The bucket and prefix must be those of the training job's `outputPath`.
   *
   * @param topK the rank of the training job, 0 for the best
   * @param s3Bucket the bucket of the training job's `outputPath`
   * @param prefix the key prefix of the training job's `outputPath`, if any
   */
  public topModelS3Uri(topK: number, s3Bucket: string, prefix?: string): PipelineValue {
    if (!Number.isInteger(topK) || topK < 0) {
      throw new Error(`step "${this.stepName}": topModelS3Uri topK ${topK} must be a whole number >= 0`);
    }
    const values = [PipelineValue.fromString('s3:/'), PipelineValue.fromString(s3Bucket)];
    if (prefix) values.push(PipelineValue.fromString(prefix));
    values.push(this.property(`TrainingJobSummaries[${topK}].TrainingJobName`), PipelineValue.fromString('output/model.tar.gz'));
    return PipelineValue.join('/', values);
  }

  /** The objective metric value of the best training job (`BestTrainingJob.FinalHyperParameterTuningJobObjectiveMetric.Value`). */
  public bestObjectiveValue(): PipelineValue {
    return this.property('BestTrainingJob.FinalHyperParameterTuningJobObjectiveMetric.Value');
  }

  /** @internal */
  public _renderArguments(): any {
    const p = this.props;
    const numeric = (r: NumericParameterRange) => ({
      Name: r.name,
      MinValue: r.minValue._toStringJson(),
      MaxValue: r.maxValue._toStringJson(),
      ScalingType: r.scalingType ?? HyperparameterScalingType.AUTO,
    });
    const config: { [key: string]: any } = {
      Strategy: p.strategy ?? TuningStrategy.BAYESIAN,
      HyperParameterTuningJobObjective: { Type: p.objectiveType ?? TuningObjectiveType.MAXIMIZE, MetricName: p.objectiveMetricName },
      ResourceLimits: {
        MaxNumberOfTrainingJobs: p.maxJobs.toJson(),
        MaxParallelTrainingJobs: v(p.maxParallelJobs) ?? 1,
        ...(p.maxRuntimeInSeconds ? { MaxRuntimeInSeconds: p.maxRuntimeInSeconds.toJson() } : {}),
      },
      ParameterRanges: {
        ContinuousParameterRanges: (p.continuousParameterRanges ?? []).map(numeric),
        IntegerParameterRanges: (p.integerParameterRanges ?? []).map(numeric),
        CategoricalParameterRanges: (p.categoricalParameterRanges ?? []).map((r) => ({ Name: r.name, Values: [...r.values] })),
      },
      TrainingJobEarlyStoppingType: p.earlyStoppingType ?? TrainingJobEarlyStoppingType.OFF,
    };
    if (p.randomSeed) config.RandomSeed = p.randomSeed.toJson();
    const args = {
      HyperParameterTuningJobConfig: config,
      TrainingJobDefinition: renderTrainingJob(p.trainingJob, 'StaticHyperParameters'),
    };
    return withAdditional(args, p.additionalArguments);
  }

  /** @internal */
  public _renderFields(): { [key: string]: any } {
    return renderJobFields(this.props);
  }
}
