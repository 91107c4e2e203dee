import { PipelineVpcConfig, compact, renderVpc } from './common';
import { ModelContainer, ModelStepOptions, checkModelRetryPolicies, renderContainer, renderModelFields } from './model-container';
import { PipelineStep, StepType, withAdditional } from './step';
import { PipelineValue } from './value';

/** Props of a `CreateModelStep` (a `CreateModel` request without `ModelName`). */
export interface CreateModelStepProps extends ModelStepOptions {
  /** The role the model runs as (`ExecutionRoleArn`). */
  readonly executionRoleArn: PipelineValue;
  /** The model's container (`PrimaryContainer`). */
  readonly primaryContainer: ModelContainer;
  /**
   * The VPC of the model's containers (`VpcConfig`).
   * @default - none
   */
  readonly vpcConfig?: PipelineVpcConfig;
  /**
   * `EnableNetworkIsolation`.
   * @default - not rendered (SageMaker's default: false)
   */
  readonly enableNetworkIsolation?: boolean;
}

/**
 * A step that creates a SageMaker model (`Type: Model`), as the SDK's `ModelStep` with
 * `ModelBuilder.build()` renders it.
 *
 * @example
 * const createModel = new CreateModelStep('CreateModel', {
 *   executionRoleArn: PipelineValue.fromString(role.roleArn),
 *   primaryContainer: { image: PipelineValue.fromString(image), modelDataUrl: train.modelArtifactsS3Uri() },
 * });
 */
export class CreateModelStep extends PipelineStep {
  private readonly props: CreateModelStepProps;

  /**
   * @param stepName the step's name, unique in the pipeline
   * @param props the model's settings
   */
  constructor(stepName: string, props: CreateModelStepProps) {
    super(stepName, StepType.CREATE_MODEL, props);
    checkModelRetryPolicies(stepName, props.retryPolicies);
    this.props = props;
  }

  /** The created model's name: `{"Get": "Steps.<name>.ModelName"}`. */
  public modelName(): PipelineValue {
    return this.property('ModelName');
  }

  /** @internal */
  public _renderArguments(): any {
    const p = this.props;
    return withAdditional(compact({
      ExecutionRoleArn: p.executionRoleArn.toJson(),
      PrimaryContainer: renderContainer(p.primaryContainer),
      VpcConfig: renderVpc(p.vpcConfig),
      EnableNetworkIsolation: p.enableNetworkIsolation,
    }), p.additionalArguments);
  }

  /** @internal */
  public _renderFields(): { [key: string]: any } {
    return renderModelFields(this.props.retryPolicies);
  }
}
