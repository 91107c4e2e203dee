import { ServingMode } from './serving-mode';
import { ModelImage, PipelineDefinitionSource } from '../../constructs/training';
import { PlatformConfig } from '../config/platform-config';

/**
 * Where the deployment pipeline in RES gets the use case's repository from.
 */
export interface UseCaseSourceProps {
  /**
   * A CodeConnections (CodeStar connections) connection ARN to GitHub; with `owner` and `repository`.
   * @default - an S3 source: the deployment stack creates the bucket `<prefix>-<use case>-source-<RES account>`;
   *   writing a new version of `<objectKey>` (the role `<prefix>-<use case>-source-writer` may) starts the pipeline
   */
  readonly connectionArn?: string;

  /**
   * The GitHub owner (organization or user). Required with `connectionArn`.
   * @default - none
   */
  readonly owner?: string;

  /**
   * The repository name. Required with `connectionArn`.
   * @default - none
   */
  readonly repository?: string;

  /**
   * The branch.
   * @default 'main'
   */
  readonly branch?: string;

  /**
   * The object key of the zipped repository in the S3 source bucket.
   * @default 'source.zip'
   */
  readonly objectKey?: string;
}

/**
 * The serving settings of one stage (DEV, INT or PROD) of a use case.
 */
export interface UseCaseStageSettings {
  /**
   * How the stage serves: instances running all the time, or none while nobody calls the endpoint (see
   * the README, "Serving modes"). `SCALE_TO_ZERO` refuses `minCapacity` above 0, `dataCaptureSamplingPercentage`,
   * `modelMonitor` and `inferenceApi` (see `ServingMode.SCALE_TO_ZERO`).
   * @default - ServingMode.SCALE_TO_ZERO in DEV and INT, ServingMode.ALWAYS_ON in PROD
   */
  readonly servingMode?: ServingMode;

  /**
   * The endpoint's instance type.
   * @default 'ml.m5.large'
   */
  readonly instanceType?: string;

  /**
   * The least number of instances (autoscaling). With `ServingMode.SCALE_TO_ZERO` it can only be 0.
   * @default 1 (2 in PROD); 0 with `ServingMode.SCALE_TO_ZERO`
   */
  readonly minCapacity?: number;

  /**
   * The largest number of instances (autoscaling).
   * @default 2 (4 in PROD); 1 with `ServingMode.SCALE_TO_ZERO`
   */
  readonly maxCapacity?: number;

  /**
   * The percentage of requests whose input and output are captured (`ServingMode.ALWAYS_ON` only).
   * @default 20 with `ServingMode.ALWAYS_ON`; no data capture with `ServingMode.SCALE_TO_ZERO`
   */
  readonly dataCaptureSamplingPercentage?: number;

  /**
   * A secure inference API (API Gateway, IAM authorization, WAF) in front of the endpoint
   * (`ServingMode.ALWAYS_ON` only).
   * @default false
   */
  readonly inferenceApi?: boolean;

  /**
   * Batch inference (Step Functions + SageMaker transform) with the pinned model version.
   * @default false
   */
  readonly batchInference?: boolean;

  /**
   * The schedule of batch inference, `cron(...)` or `rate(...)`.
   * @default - no schedule (started on demand)
   */
  readonly batchSchedule?: string;

  /**
   * Model monitoring (data quality; model quality with `groundTruthS3Uri`) of the endpoint
   * (`ServingMode.ALWAYS_ON` only: it reads the data capture).
   * @default false
   */
  readonly modelMonitor?: boolean;

  /**
   * How often the data-quality monitor runs (with `modelMonitor`): a Model Monitor cron expression,
   * `cron(0 * ? * * *)` (hourly), `cron(0 H ? * * *)` (daily at hour H UTC) or `cron(0 H/N ? * * *)`
   * (every N hours from hour H), or `off`: no monitoring schedule (data or model quality) runs, while the
   * job definitions, the monitoring role, the reports bucket, the ground-truth location and the alarms
   * stay (start a one-off run by hand). The model-quality monitor runs daily at midnight UTC unless `off`.
   * Anything else fails at synth time naming this field.
   * @default 'cron(0 * ? * * *)' (hourly) in PROD, 'cron(0 0 ? * * *)' (daily at midnight UTC) in DEV and INT
   */
  readonly monitoringSchedule?: string;

  /**
   * The instance type of the monitoring jobs (with `modelMonitor`): one that SageMaker's
   * `MonitoringClusterConfig` accepts (e.g. ml.t3.medium, ml.m5.large, ml.m5.xlarge, ml.c5.xlarge; not
   * ml.c5.large or ml.t2). ml.m5.large analyzes the capture of some thousand requests an hour; choose a
   * larger type when an execution runs out of memory or time.
   * @default 'ml.m5.large'
   */
  readonly monitoringInstanceType?: string;

  /**
   * Model-quality monitoring (with `modelMonitor`): the captured predictions are merged with ground-truth
   * labels. Without `groundTruthS3Uri` the serving stack creates their location: the bucket
   * `<prefix>-<use case>-<stage>-labels-<account>` (the ML key, TLS only, versioned), read by the monitoring
   * job, and the role `<prefix>-<use case>-<stage>-labels-writer` that the plant's labelling process
   * assumes (trusted by the stage account: grant `sts:AssumeRole` on it to the labelling identity) to put
   * JSON Lines label records below `labels/`.
   * @default - true when `groundTruthS3Uri` is given, else false
   */
  readonly modelQuality?: boolean;

  /**
   * The ground-truth labels for model-quality monitoring (`s3://...`), where they are kept outside the
   * serving stack: its owner must let the stage's monitoring role read it (and use its key).
   * @default - with `modelQuality`, the location the serving stack creates; else no model-quality monitoring
   */
  readonly groundTruthS3Uri?: string;

  /**
   * The F1 score (binary classification, from model-quality monitoring) below which the stage's quality
   * alarm fires, between 0 and 1: it becomes the stage's drift alarm `<prefix>-<use case>-<stage>-drift`,
   * whose going into ALARM starts retraining where `retraining` is on. Needs `modelMonitor` and
   * `modelQuality` (or `groundTruthS3Uri`).
   * @default - no quality alarm (and so no retraining)
   */
  readonly minimumF1?: number;

  /**
   * Retrain when the stage's drift alarm goes into ALARM: its state change goes to the RES model event
   * bus, from there to the EXP retraining bus, which starts the use case's model-build pipeline; the new
   * version waits for approval as usual. One start per transition into ALARM: while the alarm stays in
   * ALARM nothing more is started (see the README, "Drift starts retraining"). Needs `minimumF1`.
   * @default - true in PROD when `minimumF1` is set, false in DEV and INT
   */
  readonly retraining?: boolean;
}

/**
 * Props of an `MlopsUseCase`.
 */
export interface MlopsUseCaseProps {
  /** The validated platform configuration. */
  readonly platform: PlatformConfig;

  /**
   * The use-case name: 2 to 20 lowercase letters, digits and single hyphens, starting with a letter.
   * It is part of every name of the use case (stacks, endpoints, the model package group).
   */
  readonly useCaseName: string;

  /**
   * The image of the pipeline's jobs and of the model, where the definition says
   * `PipelinePlaceholder.IMAGE_URI` (the default definition does): an AWS framework image
   * (`ModelImage.fromFramework`, e.g. XGBoost or PyTorch) or an image of the central registry by digest
   * (`ModelImage.fromRegistry`). Its repository is added to what the pipeline and the endpoints may pull.
   * A framework image must have the Python the code needs (`pipeline:local` checks it).
   * @default - the use case's own image, built in RES from its `ml/Dockerfile`
   *   (`<prefix>/usecase/<use case>`), by the digest of the training stack's `ImageDigest` parameter
   */
  readonly image?: ModelImage;

  /**
   * The use case's model-build pipeline definition. Build it with the pipeline-definition builder and
   * `PipelinePlaceholder` values for the role, bucket, key, subnets and security groups, which the
   * training stack fills in (the same function can build it with local values for a local run).
   * Every processing, training and transform step carries a `jobNamePrefix` that starts with
   * `<prefix>-<use case>--`, e.g. `vwml-weld-gun-pm--train`: the pipeline's role may start only jobs
   * named so, and the use case's people read only those jobs' logs (synth names a step without it).
   * @default - the predictive-maintenance sample pipeline (`PredictiveMaintenancePipeline`)
   */
  readonly pipelineDefinition?: PipelineDefinitionSource;

  /**
   * Where the deployment pipeline gets the repository from.
   * @default - an S3 source bucket in RES (`source.zip`)
   */
  readonly source?: UseCaseSourceProps;

  /**
   * DEV settings.
   * @default - scale to zero: no instance while idle, one ml.m5.large while called
   */
  readonly dev?: UseCaseStageSettings;

  /**
   * INT settings.
   * @default - scale to zero: no instance while idle, one ml.m5.large while called
   */
  readonly int?: UseCaseStageSettings;

  /**
   * PROD settings.
   * @default - two ml.m5.large, up to four
   */
  readonly prod?: UseCaseStageSettings;

  /**
   * The model package version the serving stacks deploy. The deployment pipeline passes the version it
   * resolved and pinned as the context value `pinnedModelPackageArn`.
   * @default - the context value `pinnedModelPackageArn`; without it, a CloudFormation parameter
   *   `ModelPackageArn` (without default, so a serving stack cannot be deployed without a version)
   */
  readonly pinnedModelPackageArn?: string;
}
