import { PipelineStep, PipelineStepOptions, StepType } from './step';
import { PipelineValue } from './value';

/** Props of a `FailStep`. */
export interface FailStepProps extends PipelineStepOptions {
  /**
   * The error message of the failed execution (`ErrorMessage`), e.g. a `PipelineValue.join`.
   * @default - an empty message, as the SDK renders it
   */
  readonly errorMessage?: PipelineValue;
}

/**
 * A step that stops the execution as failed (`Type: Fail`).
 *
 * @example
 * new FailStep('AccuracyTooLow', {
 *   errorMessage: PipelineValue.join(' ', [PipelineValue.fromString('Accuracy below'), threshold.value]),
 * });
 */
export class FailStep extends PipelineStep {
  private readonly errorMessage?: PipelineValue;

  /**
   * @param stepName the step's name, unique in the pipeline
   * @param props the error message
   */
  constructor(stepName: string, props: FailStepProps = {}) {
    super(stepName, StepType.FAIL, props);
    this.errorMessage = props.errorMessage;
  }

  /** @internal */
  public _renderArguments(): any {
    return { ErrorMessage: this.errorMessage ? this.errorMessage.toJson() : '' };
  }
}
