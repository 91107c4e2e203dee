import type { PipelineParameter } from './parameter';
import type { PipelineStep } from './step';

/** What a `PipelineValue` is. @internal */
enum ValueKind {
  LITERAL = 'literal',
  GET = 'get',
  STEP_PROPERTY = 'step-property',
  PARAMETER = 'parameter',
  JOIN = 'join',
  JSON_GET = 'json-get',
}

/**
 * A value in a pipeline definition that is either a literal or resolved by SageMaker Pipelines when
 * the pipeline runs: a parameter, an execution variable, a property of another step, `Std:Join` or
 * `Std:JsonGet`. Renders exactly as the SageMaker Python SDK renders the same value.
 *
 * @example
 * const threshold = new ParameterFloat('AccuracyThreshold', { defaultValue: 0.75 });
 * PipelineValue.fromParameter(threshold);                    // {"Get": "Parameters.AccuracyThreshold"}
 * PipelineValue.fromString('ml.m5.xlarge');                  // "ml.m5.xlarge"
 * PipelineValue.join('/', [PipelineValue.fromString('s3://bucket/runs'), ExecutionVariable.PIPELINE_EXECUTION_ID]);
 */
export class PipelineValue {
  /**
   * A literal string (CDK tokens are passed through and resolved by the stack).
   * @param value the string
   */
  public static fromString(value: string): PipelineValue {
    return new PipelineValue(ValueKind.LITERAL, value);
  }

  /**
   * A literal number.
   * @param value the number
   */
  public static fromNumber(value: number): PipelineValue {
    return new PipelineValue(ValueKind.LITERAL, value);
  }

  /**
   * A literal boolean.
   * @param value the boolean
   */
  public static fromBoolean(value: boolean): PipelineValue {
    return new PipelineValue(ValueKind.LITERAL, value);
  }

  /**
   * A reference to a pipeline parameter: `{"Get": "Parameters.<name>"}`. The parameter must be
   * declared in the `PipelineDefinition` that uses the value.
   * @param parameter the parameter
   */
  public static fromParameter(parameter: PipelineParameter): PipelineValue {
    return new PipelineValue(ValueKind.PARAMETER, parameter);
  }

  /**
   * A reference to a property of a step: `{"Get": "Steps.<step name>.<path>"}`, where `path`
   * follows the step's Describe* response, e.g. `ModelArtifacts.S3ModelArtifacts` or
   * `ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri`. Same as `step.property(path)`.
   * The step must be part of the `PipelineDefinition` that uses the value.
   * @param step the step
   * @param path the property path
   */
  public static fromStepProperty(step: PipelineStep, path: string): PipelineValue {
    if (!path || path.startsWith('.') || path.endsWith('.') || /\s/.test(path)) {
      throw new Error(`step "${step.stepName}": property path ${JSON.stringify(path)} is invalid; write a path of the step's Describe* response such as "ModelArtifacts.S3ModelArtifacts"`);
    }
    return new PipelineValue(ValueKind.STEP_PROPERTY, { step, path });
  }

  /**
   * `Std:Join`: the values rendered as strings and joined with `separator` when the pipeline runs.
   * @param separator the separator (`On`)
   * @param values the values (`Values`)
   */
  public static join(separator: string, values: PipelineValue[]): PipelineValue {
    return new PipelineValue(ValueKind.JOIN, { separator, values: [...values] });
  }

  /**
   * `Std:JsonGet`: reads `jsonPath` from a property file that a processing step declared
   * (`{"Std:JsonGet": {"PropertyFile": {"Get": "Steps.<step>.PropertyFiles.<name>"}, "Path": ...}}`).
   * The step and its property file must be part of the `PipelineDefinition` that uses the value.
   *
   * @param step the processing step that declares the property file
   * @param propertyFileName the `name` of the property file on that step
   * @param jsonPath the JSON path inside the file, e.g. `metrics.accuracy.value`
   */
  public static jsonGet(step: PipelineStep, propertyFileName: string, jsonPath: string): PipelineValue {
    if (!jsonPath) {
      throw new Error(`step "${step.stepName}": jsonGet on property file "${propertyFileName}" needs a non-empty JSON path such as "metrics.accuracy.value"`);
    }
    return new PipelineValue(ValueKind.JSON_GET, { step, propertyFileName, jsonPath });
  }

  /** A raw `{"Get": expression}`; used for execution variables. @internal */
  public static _get(expression: string): PipelineValue {
    return new PipelineValue(ValueKind.GET, expression);
  }

  private constructor(private readonly kind: ValueKind, private readonly data: any) {}

  /** Whether this value is a literal (resolved before the pipeline runs). */
  public get isLiteral(): boolean {
    return this.kind === ValueKind.LITERAL;
  }

  /** The pipeline-definition JSON of this value (a literal, or an object such as `{"Get": ...}`). */
  public toJson(): any {
    switch (this.kind) {
      case ValueKind.LITERAL:
        return this.data;
      case ValueKind.GET:
        return { Get: this.data };
      case ValueKind.PARAMETER:
        return { Get: `Parameters.${(this.data as PipelineParameter).parameterName}` };
      case ValueKind.STEP_PROPERTY:
        return { Get: `Steps.${(this.data.step as PipelineStep).stepName}.${this.data.path}` };
      case ValueKind.JOIN:
        return { 'Std:Join': { On: this.data.separator, Values: (this.data.values as PipelineValue[]).map((x) => x.toJson()) } };
      case ValueKind.JSON_GET:
        return {
          'Std:JsonGet': {
            PropertyFile: { Get: `Steps.${(this.data.step as PipelineStep).stepName}.PropertyFiles.${this.data.propertyFileName}` },
            Path: this.data.jsonPath,
          },
        };
    }
  }

  /**
   * The JSON of this value where SageMaker expects a string: literal numbers and booleans become
   * strings (as the SDK's `str()`), references are unchanged. @internal
   */
  public _toStringJson(): any {
    if (this.kind === ValueKind.LITERAL && typeof this.data !== 'string') {
      return String(this.data);
    }
    return this.toJson();
  }
}

/**
 * The execution variables of SageMaker Pipelines (`{"Get": "Execution.<name>"}`).
 */
export class ExecutionVariable {
  /** `Execution.StartDateTime`: when the execution started. */
  public static readonly START_DATETIME = PipelineValue._get('Execution.StartDateTime');
  /** `Execution.CurrentDateTime`: the time the variable is evaluated. */
  public static readonly CURRENT_DATETIME = PipelineValue._get('Execution.CurrentDateTime');
  /** `Execution.PipelineName`: the pipeline's name. */
  public static readonly PIPELINE_NAME = PipelineValue._get('Execution.PipelineName');
  /** `Execution.PipelineArn`: the pipeline's ARN. */
  public static readonly PIPELINE_ARN = PipelineValue._get('Execution.PipelineArn');
  /** `Execution.PipelineExecutionId`: the execution's id. */
  public static readonly PIPELINE_EXECUTION_ID = PipelineValue._get('Execution.PipelineExecutionId');
  /** `Execution.PipelineExecutionArn`: the execution's ARN. */
  public static readonly PIPELINE_EXECUTION_ARN = PipelineValue._get('Execution.PipelineExecutionArn');

  private constructor() {}
}

/** The names after `Execution.` that SageMaker Pipelines knows. @internal */
export const EXECUTION_VARIABLE_NAMES = [
  'StartDateTime', 'CurrentDateTime', 'PipelineName', 'PipelineArn', 'PipelineExecutionId', 'PipelineExecutionArn',
];

/** Renders an optional value. @internal */
export function v(value: PipelineValue | undefined): any {
  return value === undefined ? undefined : value.toJson();
}

/** Renders an optional value where SageMaker expects a string. @internal */
export function vs(value: PipelineValue | undefined): any {
  return value === undefined ? undefined : value._toStringJson();
}

/** Renders an optional map of values. @internal */
export function vmap(values: { [key: string]: PipelineValue } | undefined, asString = false): any {
  if (values === undefined) return undefined;
  const out: { [key: string]: any } = {};
  for (const [k, val] of Object.entries(values)) out[k] = asString ? val._toStringJson() : val.toJson();
  return out;
}

/** Renders an optional list of values. @internal */
export function vlist(values: PipelineValue[] | undefined): any {
  return values === undefined ? undefined : values.map((x) => x.toJson());
}
