import { StepCacheConfig, renderCache } from './common';
import { checkUnique } from './processing-step';
import { PipelineStep, PipelineStepOptions, StepType } from './step';
import { PipelineValue, vmap } from './value';

/** The type of a Lambda step output (`OutputType`). */
export enum LambdaOutputType {
  /** `String` */
  STRING = 'String',
  /** `Integer` */
  INTEGER = 'Integer',
  /** `Boolean` */
  BOOLEAN = 'Boolean',
  /** `Float` */
  FLOAT = 'Float',
}

/** An output of a Lambda step (`OutputParameters[]`): a key of the function's response. */
export interface LambdaOutput {
  /** The key (`OutputName`). */
  readonly outputName: string;
  /**
   * `OutputType`.
   * @default LambdaOutputType.STRING
   */
  readonly outputType?: LambdaOutputType;
}

/** Props of a `LambdaStep`. */
export interface LambdaStepProps extends PipelineStepOptions {
  /** The ARN of the function to invoke (`FunctionArn`). */
  readonly functionArn: string;
  /**
   * The function's input event (`Arguments`).
   * @default - an empty event
   */
  readonly inputs?: { [key: string]: PipelineValue };
  /**
   * The outputs later steps may reference with `output(name)` (`OutputParameters`).
   * @default - none
   */
  readonly outputs?: LambdaOutput[];
  /**
   * Step caching (`CacheConfig`).
   * @default - no `CacheConfig`
   */
  readonly cacheConfig?: StepCacheConfig;
}

/**
 * A step that invokes an AWS Lambda function (`Type: Lambda`).
 *
 * @example
 * const notify = new LambdaStep('Notify', {
 *   functionArn: fn.functionArn,
 *   inputs: { outputUri: transform.outputS3Uri() },
 *   outputs: [{ outputName: 'status' }],
 * });
 * notify.output('status'); // {"Get": "Steps.Notify.OutputParameters['status']"}
 */
export class LambdaStep extends PipelineStep {
  private readonly props: LambdaStepProps;

  /**
   * @param stepName the step's name, unique in the pipeline
   * @param props the function, its input and outputs
   */
  constructor(stepName: string, props: LambdaStepProps) {
    super(stepName, StepType.LAMBDA, props);
    checkUnique(`step "${stepName}"`, 'output name', (props.outputs ?? []).map((o) => o.outputName));
    this.props = props;
  }

  /**
   * A reference to an output: `{"Get": "Steps.<name>.OutputParameters['<outputName>']"}`.
   * @param outputName a declared output's name
   */
  public output(outputName: string): PipelineValue {
    const names = (this.props.outputs ?? []).map((o) => o.outputName);
    if (!names.includes(outputName)) {
      throw new Error(`step "${this.stepName}": unknown Lambda output "${outputName}"; outputs are ${JSON.stringify(names)}`);
    }
    return this.property(`OutputParameters['${outputName}']`);
  }

  /** @internal */
  public _renderArguments(): any {
    return vmap(this.props.inputs) ?? {};
  }

  /** @internal */
  public _renderFields(): { [key: string]: any } {
    const out: { [key: string]: any } = {
      FunctionArn: this.props.functionArn,
      OutputParameters: (this.props.outputs ?? []).map((o) => ({ OutputName: o.outputName, OutputType: o.outputType ?? LambdaOutputType.STRING })),
    };
    if (this.props.cacheConfig) out.CacheConfig = renderCache(this.props.cacheConfig);
    return out;
  }

  /** @internal */
  public _lambdaOutputNames(): string[] | undefined {
    return (this.props.outputs ?? []).map((o) => o.outputName);
  }
}
