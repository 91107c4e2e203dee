import { PipelineVpcConfig, S3CompressionType, S3DataDistributionType, S3DataType, compact, renderCache, renderVpc } from './common';
import { JobStepOptions, jobNameArgument } from './job-step';
import { PipelineStep, StepType, withAdditional } from './step';
import { PipelineValue, v, vmap } from './value';

/** How a training container reads its input (`TrainingInputMode` / channel `InputMode`). */
export enum TrainingInputMode {
  /** `File` */
  FILE = 'File',
  /** `Pipe` */
  PIPE = 'Pipe',
  /** `FastFile` */
  FAST_FILE = 'FastFile',
}

/** Compression of the model artifacts (`OutputDataConfig.CompressionType`). */
export enum OutputCompressionType {
  /** `GZIP` */
  GZIP = 'GZIP',
  /** `NONE` */
  NONE = 'NONE',
}

/** A metric the algorithm writes to its log (`AlgorithmSpecification.MetricDefinitions[]`). */
export interface MetricDefinition {
  /** The metric's name (`Name`). */
  readonly name: string;
  /** The regular expression that finds the metric in the log (`Regex`). */
  readonly regex: string;
}

/** A training input channel (`InputDataConfig[]` with an `S3DataSource`). */
export interface TrainingChannel {
  /** The channel's name (`ChannelName`), e.g. `train`. */
  readonly channelName: string;
  /** The data's location (`DataSource.S3DataSource.S3Uri`). */
  readonly s3Uri: PipelineValue;
  /**
   * `S3DataSource.S3DataType`.
   * @default S3DataType.S3_PREFIX
   */
  readonly s3DataType?: S3DataType;
  /**
   * `S3DataSource.S3DataDistributionType`.
   * @default S3DataDistributionType.FULLY_REPLICATED
   */
  readonly s3DataDistributionType?: S3DataDistributionType;
  /**
   * The MIME type of the data (`ContentType`).
   * @default - none
   */
  readonly contentType?: PipelineValue;
  /**
   * The data's compression (`CompressionType`).
   * @default - none rendered
   */
  readonly compressionType?: S3CompressionType;
  /**
   * The channel's input mode (`InputMode`).
   * @default - none rendered: the algorithm's `TrainingInputMode` applies
   */
  readonly inputMode?: TrainingInputMode;
}

/**
 * The settings of a training job, shared by `TrainingStep` (a `CreateTrainingJob` request) and
 * `TuningStep` (its `TrainingJobDefinition`).
 */
export interface TrainingJobSettings {
  /** The role the job runs as (`RoleArn`). */
  readonly roleArn: PipelineValue;
  /** The training image (`AlgorithmSpecification.TrainingImage`). */
  readonly trainingImage: PipelineValue;
  /**
   * `AlgorithmSpecification.TrainingInputMode`.
   * @default TrainingInputMode.FILE
   */
  readonly trainingInputMode?: TrainingInputMode;
  /**
   * Metrics the algorithm logs (`AlgorithmSpecification.MetricDefinitions`).
   * @default - none
   */
  readonly metricDefinitions?: MetricDefinition[];
  /** The instance type (`ResourceConfig.InstanceType`). */
  readonly instanceType: PipelineValue;
  /**
   * The number of instances (`ResourceConfig.InstanceCount`).
   * @default 1
   */
  readonly instanceCount?: PipelineValue;
  /**
   * The storage volume size in GB (`ResourceConfig.VolumeSizeInGB`).
   * @default 30
   */
  readonly volumeSizeInGb?: PipelineValue;
  /**
   * The KMS key of the storage volume (`ResourceConfig.VolumeKmsKeyId`).
   * @default - none
   */
  readonly volumeKmsKeyId?: PipelineValue;
  /** Where model artifacts are written (`OutputDataConfig.S3OutputPath`). */
  readonly outputPath: PipelineValue;
  /**
   * The KMS key of the model artifacts (`OutputDataConfig.KmsKeyId`).
   * @default - none
   */
  readonly outputKmsKeyId?: PipelineValue;
  /**
   * `OutputDataConfig.CompressionType`.
   * @default OutputCompressionType.GZIP (the SDK always renders it)
   */
  readonly outputCompressionType?: OutputCompressionType;
  /**
   * `StoppingCondition.MaxRuntimeInSeconds`.
   * @default 3600 (the SageMaker Python SDK 3.x default)
   */
  readonly maxRuntimeInSeconds?: PipelineValue;
  /**
   * `StoppingCondition.MaxWaitTimeInSeconds` (managed spot training).
   * @default - none
   */
  readonly maxWaitTimeInSeconds?: PipelineValue;
  /**
   * Hyperparameters (`HyperParameters`; `StaticHyperParameters` in a tuning job). Literal numbers and
   * booleans are rendered as strings, as SageMaker requires; references are rendered as they are.
   * @default - none
   */
  readonly hyperparameters?: { [key: string]: PipelineValue };
  /**
   * The input channels (`InputDataConfig`).
   * @default - none
   */
  readonly inputs?: TrainingChannel[];
  /**
   * Environment variables (`Environment`).
   * @default - none
   */
  readonly environment?: { [key: string]: PipelineValue };
  /**
   * The VPC the job runs in (`VpcConfig`).
   * @default - none
   */
  readonly vpcConfig?: PipelineVpcConfig;
  /**
   * `EnableNetworkIsolation`.
   * @default - not rendered (SageMaker's default: false)
   */
  readonly enableNetworkIsolation?: boolean;
  /**
   * `EnableInterContainerTrafficEncryption`.
   * @default - not rendered (SageMaker's default: false)
   */
  readonly enableInterContainerTrafficEncryption?: boolean;
  /**
   * `EnableManagedSpotTraining`.
   * @default - not rendered (SageMaker's default: false)
   */
  readonly enableManagedSpotTraining?: boolean;
  /**
   * Where checkpoints are synchronised (`CheckpointConfig.S3Uri`).
   * @default - no `CheckpointConfig`
   */
  readonly checkpointS3Uri?: PipelineValue;
}

/** Renders the fields of a training job; `hyperparameterKey` is `HyperParameters` or `StaticHyperParameters`. @internal */
export function renderTrainingJob(s: TrainingJobSettings, hyperparameterKey: string): any {
  return compact({
    AlgorithmSpecification: {
      TrainingImage: s.trainingImage.toJson(),
      TrainingInputMode: s.trainingInputMode ?? TrainingInputMode.FILE,
      MetricDefinitions: s.metricDefinitions?.map((m) => ({ Name: m.name, Regex: m.regex })),
    },
    RoleArn: s.roleArn.toJson(),
    [hyperparameterKey]: vmap(s.hyperparameters, true),
    InputDataConfig: s.inputs?.map((c) => ({
      ChannelName: c.channelName,
      DataSource: {
        S3DataSource: {
          S3DataType: c.s3DataType ?? S3DataType.S3_PREFIX,
          S3Uri: c.s3Uri.toJson(),
          S3DataDistributionType: c.s3DataDistributionType ?? S3DataDistributionType.FULLY_REPLICATED,
        },
      },
      ContentType: v(c.contentType),
      CompressionType: c.compressionType,
      InputMode: c.inputMode,
    })),
    OutputDataConfig: {
      S3OutputPath: s.outputPath.toJson(),
      KmsKeyId: v(s.outputKmsKeyId),
      CompressionType: s.outputCompressionType ?? OutputCompressionType.GZIP,
    },
    ResourceConfig: {
      InstanceType: s.instanceType.toJson(),
      InstanceCount: v(s.instanceCount) ?? 1,
      VolumeSizeInGB: v(s.volumeSizeInGb) ?? 30,
      VolumeKmsKeyId: v(s.volumeKmsKeyId),
    },
    StoppingCondition: {
      MaxRuntimeInSeconds: v(s.maxRuntimeInSeconds) ?? 3600,
      MaxWaitTimeInSeconds: v(s.maxWaitTimeInSeconds),
    },
    Environment: vmap(s.environment),
    VpcConfig: renderVpc(s.vpcConfig),
    EnableNetworkIsolation: s.enableNetworkIsolation,
    EnableInterContainerTrafficEncryption: s.enableInterContainerTrafficEncryption,
    EnableManagedSpotTraining: s.enableManagedSpotTraining,
    CheckpointConfig: s.checkpointS3Uri ? { S3Uri: s.checkpointS3Uri.toJson() } : undefined,
  });
}

/** Props of a `TrainingStep`. */
export interface TrainingStepProps extends TrainingJobSettings, JobStepOptions {}

/**
 * A training step (`Type: Training`): a SageMaker training job.
 *
 * @example
 * const train = new TrainingStep('Train', {
 *   roleArn: PipelineValue.fromString(role.roleArn),
 *   trainingImage: PipelineValue.fromString(image),
 *   instanceType: trainingInstanceType.value,
 *   outputPath: PipelineValue.fromString('s3://bucket/models'),
 *   inputs: [{ channelName: 'train', s3Uri: preprocess.outputS3Uri('train') }],
 * });
 * train.modelArtifactsS3Uri(); // {"Get": "Steps.Train.ModelArtifacts.S3ModelArtifacts"}
 */
export class TrainingStep extends PipelineStep {
  private readonly props: TrainingStepProps;

  /**
   * @param stepName the step's name, unique in the pipeline
   * @param props the job's settings
   */
  constructor(stepName: string, props: TrainingStepProps) {
    super(stepName, StepType.TRAINING, props);
    this.props = props;
    jobNameArgument(stepName, 'TrainingJobName', props.jobNamePrefix);
  }

  /** The S3 URI of the model artifacts: `{"Get": "Steps.<name>.ModelArtifacts.S3ModelArtifacts"}`. */
  public modelArtifactsS3Uri(): PipelineValue {
    return this.property('ModelArtifacts.S3ModelArtifacts');
  }

  /** @internal */
  public _renderArguments(): any {
    const args = { ...jobNameArgument(this.stepName, 'TrainingJobName', this.props.jobNamePrefix), ...renderTrainingJob(this.props, 'HyperParameters') };
    return withAdditional(args, this.props.additionalArguments);
  }

  /** @internal */
  public _renderFields(): { [key: string]: any } {
    return renderJobFields(this.props);
  }
}

/** Renders `RetryPolicies` and `CacheConfig` of a job step. @internal */
export function renderJobFields(p: JobStepOptions): { [key: string]: any } {
  const out: { [key: string]: any } = {};
  if (p.retryPolicies && p.retryPolicies.length > 0) out.RetryPolicies = p.retryPolicies.map((r) => r.toJson());
  if (p.cacheConfig) out.CacheConfig = renderCache(p.cacheConfig);
  return out;
}
