import { compact } from './common';
import { ModelContainer, ModelStepOptions, checkModelRetryPolicies, renderContainer, renderModelFields } from './model-container';
import { PipelineStep, StepType, withAdditional } from './step';
import { PipelineValue, v, vmap } from './value';

/** A metrics or baseline file in S3 (`MetricsSource`). */
export interface MetricsSource {
  /** The file's MIME type (`ContentType`), e.g. `application/json`. */
  readonly contentType: PipelineValue;
  /** The file's location (`S3Uri`). */
  readonly s3Uri: PipelineValue;
  /**
   * `ContentDigest`.
   * @default - none
   */
  readonly contentDigest?: PipelineValue;
}

/** A configuration file in S3 (`FileSource`). */
export interface FileSource {
  /** The file's location (`S3Uri`). */
  readonly s3Uri: PipelineValue;
  /**
   * `ContentType`.
   * @default - none
   */
  readonly contentType?: PipelineValue;
  /**
   * `ContentDigest`.
   * @default - none
   */
  readonly contentDigest?: PipelineValue;
}

/**
 * Metrics of the model version (`ModelMetrics`), flattened as in the SDK's `ModelMetrics`. As the
 * SDK does, `Bias` and `Explainability` are always rendered (empty when not given).
 */
export interface ModelMetrics {
  /**
   * `ModelQuality.Statistics`.
   * @default - none
   */
  readonly modelStatistics?: MetricsSource;
  /**
   * `ModelQuality.Constraints`.
   * @default - none
   */
  readonly modelConstraints?: MetricsSource;
  /**
   * `ModelDataQuality.Statistics`.
   * @default - none
   */
  readonly modelDataStatistics?: MetricsSource;
  /**
   * `ModelDataQuality.Constraints`.
   * @default - none
   */
  readonly modelDataConstraints?: MetricsSource;
  /**
   * `Bias.Report`.
   * @default - none
   */
  readonly bias?: MetricsSource;
  /**
   * `Bias.PreTrainingReport`.
   * @default - none
   */
  readonly biasPreTraining?: MetricsSource;
  /**
   * `Bias.PostTrainingReport`.
   * @default - none
   */
  readonly biasPostTraining?: MetricsSource;
  /**
   * `Explainability.Report`.
   * @default - none
   */
  readonly explainability?: MetricsSource;
}

/** Baselines for drift checks of the model version (`DriftCheckBaselines`), flattened as in the SDK. */
export interface DriftCheckBaselines {
  /**
   * `ModelQuality.Statistics`.
   * @default - none
   */
  readonly modelStatistics?: MetricsSource;
  /**
   * `ModelQuality.Constraints`.
   * @default - none
   */
  readonly modelConstraints?: MetricsSource;
  /**
   * `ModelDataQuality.Statistics`.
   * @default - none
   */
  readonly modelDataStatistics?: MetricsSource;
  /**
   * `ModelDataQuality.Constraints`.
   * @default - none
   */
  readonly modelDataConstraints?: MetricsSource;
  /**
   * `Bias.ConfigFile`.
   * @default - none
   */
  readonly biasConfigFile?: FileSource;
  /**
   * `Bias.PreTrainingConstraints`.
   * @default - none
   */
  readonly biasPreTrainingConstraints?: MetricsSource;
  /**
   * `Bias.PostTrainingConstraints`.
   * @default - none
   */
  readonly biasPostTrainingConstraints?: MetricsSource;
  /**
   * `Explainability.Constraints`.
   * @default - none
   */
  readonly explainabilityConstraints?: MetricsSource;
  /**
   * `Explainability.ConfigFile`.
   * @default - none
   */
  readonly explainabilityConfigFile?: FileSource;
}

/** Whether SageMaker validates the model package (`SkipModelValidation`). */
export enum SkipModelValidation {
  /** `None`: validate. */
  NONE = 'None',
  /** `All`: skip validation. */
  ALL = 'All',
}

/** Props of a `RegisterModelStep` (a `CreateModelPackage` request for a versioned package). */
export interface RegisterModelStepProps extends ModelStepOptions {
  /** The model package group the version is registered in (`ModelPackageGroupName`). */
  readonly modelPackageGroupName: PipelineValue;
  /** The inference containers (`InferenceSpecification.Containers`). */
  readonly containers: ModelContainer[];
  /** `InferenceSpecification.SupportedContentTypes`. */
  readonly supportedContentTypes: string[];
  /** `InferenceSpecification.SupportedResponseMIMETypes`. */
  readonly supportedResponseMimeTypes: string[];
  /**
   * `InferenceSpecification.SupportedRealtimeInferenceInstanceTypes`.
   * @default - none
   */
  readonly supportedRealtimeInferenceInstanceTypes?: string[];
  /**
   * `InferenceSpecification.SupportedTransformInstanceTypes`.
   * @default - none
   */
  readonly supportedTransformInstanceTypes?: string[];
  /**
   * `ModelApprovalStatus`: `PendingManualApproval`, `Approved` or `Rejected` (often a parameter).
   * @default - not rendered (the service's default: PendingManualApproval)
   */
  readonly modelApprovalStatus?: PipelineValue;
  /**
   * `ModelMetrics`.
   * @default - none
   */
  readonly modelMetrics?: ModelMetrics;
  /**
   * `DriftCheckBaselines`.
   * @default - none
   */
  readonly driftCheckBaselines?: DriftCheckBaselines;
  /**
   * `CustomerMetadataProperties`.
   * @default - none
   */
  readonly customerMetadataProperties?: { [key: string]: PipelineValue };
  /**
   * `ModelPackageDescription`.
   * @default - none
   */
  readonly modelPackageDescription?: PipelineValue;
  /**
   * `SkipModelValidation`.
   * @default SkipModelValidation.NONE (the SDK always renders it)
   */
  readonly skipModelValidation?: SkipModelValidation;
}

/**
 * A step that registers a model version in a model package group (`Type: RegisterModel`), as the
 * SDK's `ModelStep` with `ModelBuilder.register()` renders it.
 *
 * @example
 * const register = new RegisterModelStep('RegisterModel', {
 *   modelPackageGroupName: PipelineValue.fromString('my-models'),
 *   containers: [{ image: PipelineValue.fromString(image), modelDataUrl: train.modelArtifactsS3Uri() }],
 *   supportedContentTypes: ['text/csv'],
 *   supportedResponseMimeTypes: ['text/csv'],
 *   modelApprovalStatus: approvalStatus.value,
 * });
 */
export class RegisterModelStep extends PipelineStep {
  private readonly props: RegisterModelStepProps;

  /**
   * @param stepName the step's name, unique in the pipeline
   * @param props the model package's settings
   */
  constructor(stepName: string, props: RegisterModelStepProps) {
    super(stepName, StepType.REGISTER_MODEL, props);
    checkModelRetryPolicies(stepName, props.retryPolicies);
    if (props.containers.length === 0) {
      throw new Error(`step "${stepName}": containers is empty; give the inference container(s) of the model version`);
    }
    this.props = props;
  }

  /** The registered model package's ARN: `{"Get": "Steps.<name>.ModelPackageArn"}`. */
  public modelPackageArn(): PipelineValue {
    return this.property('ModelPackageArn');
  }

  /** @internal */
  public _renderArguments(): any {
    const p = this.props;
    return withAdditional(compact({
      ModelPackageGroupName: p.modelPackageGroupName.toJson(),
      InferenceSpecification: {
        Containers: p.containers.map(renderContainer),
        SupportedContentTypes: [...p.supportedContentTypes],
        SupportedResponseMIMETypes: [...p.supportedResponseMimeTypes],
        SupportedRealtimeInferenceInstanceTypes: p.supportedRealtimeInferenceInstanceTypes
          ? [...p.supportedRealtimeInferenceInstanceTypes]
          : undefined,
        SupportedTransformInstanceTypes: p.supportedTransformInstanceTypes ? [...p.supportedTransformInstanceTypes] : undefined,
      },
      ModelApprovalStatus: v(p.modelApprovalStatus),
      ModelMetrics: p.modelMetrics ? renderModelMetrics(p.modelMetrics) : undefined,
      DriftCheckBaselines: p.driftCheckBaselines ? renderDriftCheckBaselines(p.driftCheckBaselines) : undefined,
      CustomerMetadataProperties: vmap(p.customerMetadataProperties),
      ModelPackageDescription: v(p.modelPackageDescription),
      SkipModelValidation: p.skipModelValidation ?? SkipModelValidation.NONE,
    }), p.additionalArguments);
  }

  /** @internal */
  public _renderFields(): { [key: string]: any } {
    return renderModelFields(this.props.retryPolicies);
  }
}

function metrics(m: MetricsSource | undefined): any {
  return m ? { ContentType: m.contentType.toJson(), S3Uri: m.s3Uri.toJson(), ContentDigest: v(m.contentDigest) } : undefined;
}

function file(f: FileSource | undefined): any {
  return f ? { S3Uri: f.s3Uri.toJson(), ContentType: v(f.contentType), ContentDigest: v(f.contentDigest) } : undefined;
}

/** Drops a group whose members are all undefined. */
function group(g: { [key: string]: any }): any {
  return Object.values(g).some((x) => x !== undefined) ? g : undefined;
}

function renderModelMetrics(m: ModelMetrics): any {
  return {
    ModelQuality: group({ Statistics: metrics(m.modelStatistics), Constraints: metrics(m.modelConstraints) }),
    ModelDataQuality: group({ Statistics: metrics(m.modelDataStatistics), Constraints: metrics(m.modelDataConstraints) }),
    Bias: { Report: metrics(m.bias), PreTrainingReport: metrics(m.biasPreTraining), PostTrainingReport: metrics(m.biasPostTraining) },
    Explainability: { Report: metrics(m.explainability) },
  };
}

function renderDriftCheckBaselines(d: DriftCheckBaselines): any {
  return {
    ModelQuality: group({ Statistics: metrics(d.modelStatistics), Constraints: metrics(d.modelConstraints) }),
    ModelDataQuality: group({ Statistics: metrics(d.modelDataStatistics), Constraints: metrics(d.modelDataConstraints) }),
    Bias: group({
      ConfigFile: file(d.biasConfigFile),
      PreTrainingConstraints: metrics(d.biasPreTrainingConstraints),
      PostTrainingConstraints: metrics(d.biasPostTrainingConstraints),
    }),
    Explainability: group({ Constraints: metrics(d.explainabilityConstraints), ConfigFile: file(d.explainabilityConfigFile) }),
  };
}
