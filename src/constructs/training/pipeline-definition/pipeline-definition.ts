import { Token } from 'aws-cdk-lib';
import { PipelineParameter } from './parameter';
import { PipelineStep } from './step';
import { EXECUTION_VARIABLE_NAMES, ExecutionVariable, PipelineValue } from './value';

/** The pipeline-definition schema version this builder writes. */
const PIPELINE_DEFINITION_VERSION = '2020-12-01';

const PIPELINE_NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}$/;
const PIPELINE_NAME_MAX = 256;
const STEP_NAME_PATTERN = /^[A-Za-z0-9_-]+$/;
const STEP_NAME_MAX = 64;
const PARAMETER_NAME_PATTERN = /^[A-Za-z0-9_-]+$/;
const PARAMETER_NAME_MAX = 256;
const DISPLAY_NAME_MAX = 256;
const DESCRIPTION_MAX = 3072;

/**
 * The experiment and trial an execution is recorded in (`PipelineExperimentConfig`).
 */
export interface PipelineExperimentConfig {
  /** `ExperimentName`. */
  readonly experimentName: PipelineValue;
  /** `TrialName`. */
  readonly trialName: PipelineValue;
}

/** MLflow tracking of the pipeline (`MlflowConfig`). */
export interface PipelineMlflowConfig {
  /** The ARN of the MLflow tracking server or app (`MlflowResourceArn`). */
  readonly mlflowResourceArn: string;
  /**
   * `MlflowExperimentName`.
   * @default - null, as the SDK renders it
   */
  readonly mlflowExperimentName?: string;
}

/** Props of a `PipelineDefinition`. */
export interface PipelineDefinitionProps {
  /**
   * The pipeline's name (1 to 256 characters, `^[a-zA-Z0-9](-*[a-zA-Z0-9])*$`). It is not part of
   * the definition JSON; it names the pipeline in error messages and is checked against the
   * `CreatePipeline` limits (a CDK token is not checked).
   */
  readonly pipelineName: string;
  /**
   * The parameters (`Parameters`), each declared once.
   * @default - none
   */
  readonly parameters?: PipelineParameter[];
  /**
   * The top-level steps (`Steps`). Steps inside a `ConditionStep`'s branches are part of the
   * pipeline through that step and must not be listed here.
   */
  readonly steps: PipelineStep[];
  /**
   * The experiment configuration (`PipelineExperimentConfig`).
   * @default - the SDK's default: experiment `Execution.PipelineName`, trial `Execution.PipelineExecutionId`
   */
  readonly experimentConfig?: PipelineExperimentConfig;
  /**
   * Renders `"PipelineExperimentConfig": null` (no experiment tracking), as the SDK does for
   * `pipeline_experiment_config=None`. Cannot be combined with `experimentConfig`.
   * @default false
   */
  readonly disableExperimentConfig?: boolean;
  /**
   * MLflow tracking (`MlflowConfig`).
   * @default - `"MlflowConfig": null`, as the SDK renders it
   */
  readonly mlflowConfig?: PipelineMlflowConfig;
}

/**
 * A SageMaker Pipelines definition (schema version `2020-12-01`), built at synth time and checked
 * when it is built: references to unknown steps, parameters, execution variables, property files or
 * Lambda outputs, dependency cycles (through `DependsOn` or data references), duplicate step or
 * parameter names and over-long or malformed names throw an Error that names the step or
 * parameter. The JSON matches what the SageMaker Python SDK 3.x's `Pipeline.definition()` emits for
 * the same pipeline.
 *
 * Inside a CDK stack, render it with `Stack.of(scope).toJsonString(definition.toJson())` so that
 * tokens (role ARNs, bucket names) resolve; `toJsonString()` is for definitions without tokens.
 *
 * @example
 * const definition = new PipelineDefinition({
 *   pipelineName: 'churn-build',
 *   parameters: [threshold],
 *   steps: [preprocess, train, evaluate, check],
 * });
 * new sagemaker.CfnPipeline(this, 'Pipeline', {
 *   pipelineName: 'churn-build',
 *   roleArn: role.roleArn,
 *   pipelineDefinition: { PipelineDefinitionBody: Stack.of(this).toJsonString(definition.toJson()) },
 * });
 */
export class PipelineDefinition {
  /** The pipeline's name. */
  public readonly pipelineName: string;
  /** The declared parameters. */
  public readonly parameters: PipelineParameter[];
  /** The top-level steps. */
  public readonly steps: PipelineStep[];

  private readonly props: PipelineDefinitionProps;

  /**
   * @param props the pipeline's name, parameters and steps
   */
  constructor(props: PipelineDefinitionProps) {
    this.props = props;
    this.pipelineName = props.pipelineName;
    this.parameters = [...(props.parameters ?? [])];
    this.steps = [...props.steps];
    if (props.experimentConfig && props.disableExperimentConfig) {
      throw new Error(`pipeline "${props.pipelineName}": experimentConfig and disableExperimentConfig cannot both be set`);
    }
    this.validate();
  }

  /** Every step of the pipeline, the branches of condition steps included, depth first. */
  public get allSteps(): PipelineStep[] {
    const out: PipelineStep[] = [];
    const visit = (s: PipelineStep) => {
      out.push(s);
      s._nestedSteps().forEach(visit);
    };
    this.steps.forEach(visit);
    return out;
  }

  /**
   * The definition object (checked again, since steps may have gained dependencies). It contains
   * `null` values where the SDK writes them (`MlflowConfig`, a disabled `PipelineExperimentConfig`);
   * jsii drops null-valued keys when it passes the object to Python, Java, .NET or Go, so compare
   * `toJsonString()` there.
   */
  public toJson(): any {
    this.validate();
    const experiment = this.props.disableExperimentConfig
      ? null
      : {
        ExperimentName: (this.props.experimentConfig?.experimentName ?? ExecutionVariable.PIPELINE_NAME).toJson(),
        TrialName: (this.props.experimentConfig?.trialName ?? ExecutionVariable.PIPELINE_EXECUTION_ID).toJson(),
      };
    const mlflow = this.props.mlflowConfig
      ? { MlflowResourceArn: this.props.mlflowConfig.mlflowResourceArn, MlflowExperimentName: this.props.mlflowConfig.mlflowExperimentName ?? null }
      : null;
    return {
      Version: PIPELINE_DEFINITION_VERSION,
      Metadata: {},
      Parameters: this.parameters.map((p) => p.toJson()),
      PipelineExperimentConfig: experiment,
      MlflowConfig: mlflow,
      Steps: this.steps.map((s) => s.toJson()),
    };
  }

  /**
   * The definition as a JSON string, for definitions without CDK tokens.
   *
   * @param indent spaces of indentation
   * @default - compact
   */
  public toJsonString(indent?: number): string {
    return JSON.stringify(this.toJson(), undefined, indent);
  }

  private validate(): void {
    const problems: string[] = [];
    const name = this.pipelineName;
    if (!Token.isUnresolved(name)) {
      if (name.length === 0 || name.length > PIPELINE_NAME_MAX) {
        problems.push(`pipelineName "${name}" is ${name.length} characters long; SageMaker allows 1 to ${PIPELINE_NAME_MAX}`);
      } else if (!PIPELINE_NAME_PATTERN.test(name)) {
        problems.push(`pipelineName "${name}" must be letters, digits and single or repeated hyphens between them (^[a-zA-Z0-9](-*[a-zA-Z0-9])*$)`);
      }
    }

    const parameterNames = new Set<string>();
    for (const p of this.parameters) {
      const n = p.parameterName;
      if (parameterNames.has(n)) problems.push(`parameter "${n}": declared more than once; parameter names must be unique`);
      parameterNames.add(n);
      if (n.length === 0 || n.length > PARAMETER_NAME_MAX) {
        problems.push(`parameter "${n}": name is ${n.length} characters long; SageMaker allows 1 to ${PARAMETER_NAME_MAX}`);
      } else if (!PARAMETER_NAME_PATTERN.test(n)) {
        problems.push(`parameter "${n}": name may contain only letters, digits, "-" and "_"`);
      }
    }

    const all = this.allSteps;
    const byName = new Map<string, PipelineStep>();
    const parentOf = new Map<PipelineStep, PipelineStep>();
    for (const s of this.steps) for (const c of s._nestedSteps()) parentOf.set(c, s);
    for (const s of all) for (const c of s._nestedSteps()) parentOf.set(c, s);
    for (const s of all) {
      const n = s.stepName;
      if (byName.has(n)) {
        problems.push(`step "${n}": the name is used by more than one step (a step listed in steps and in a condition's branch counts twice); step names must be unique`);
        continue;
      }
      byName.set(n, s);
      if (n.length === 0 || n.length > STEP_NAME_MAX) {
        problems.push(`step "${n}": name is ${n.length} characters long; SageMaker allows 1 to ${STEP_NAME_MAX}`);
      } else if (!STEP_NAME_PATTERN.test(n)) {
        problems.push(`step "${n}": name may contain only letters, digits, "-" and "_"`);
      }
      if (s.displayName && s.displayName.length > DISPLAY_NAME_MAX) {
        problems.push(`step "${n}": displayName is ${s.displayName.length} characters long; SageMaker allows at most ${DISPLAY_NAME_MAX}`);
      }
      if (s.description && s.description.length > DESCRIPTION_MAX) {
        problems.push(`step "${n}": description is ${s.description.length} characters long; SageMaker allows at most ${DESCRIPTION_MAX}`);
      }
    }

    // edges: step -> steps it needs to finish first
    const edges = new Map<string, Set<string>>();
    for (const s of all) {
      const needs = new Set<string>();
      edges.set(s.stepName, needs);
      const where = `step "${s.stepName}"`;
      for (const d of s.dependsOn) {
        if (!byName.has(d.stepName)) problems.push(`${where}: depends on unknown step "${d.stepName}"; add it to the pipeline's steps`);
        else needs.add(d.stepName);
      }
      const parent = parentOf.get(s);
      if (parent) needs.add(parent.stepName);
      for (const expr of findGetExpressions(s._referencingJson())) {
        const problem = this.checkReference(expr, parameterNames, byName, needs);
        if (problem) problems.push(`${where}: ${problem}`);
      }
    }

    const cycle = findCycle(edges);
    if (cycle) problems.push(`dependency cycle: ${cycle.map((n) => `"${n}"`).join(' -> ')} (through DependsOn or data references)`);

    if (problems.length > 0) {
      const count = problems.length;
      throw new Error(`Invalid pipeline definition "${name}" (${count} problem${count === 1 ? '' : 's'}):\n${problems.join('\n')}`);
    }
  }

  /** Checks one `Get` expression; records step dependencies; returns a problem or undefined. */
  private checkReference(expr: string, parameterNames: Set<string>, byName: Map<string, PipelineStep>, needs: Set<string>): string | undefined {
    if (expr.startsWith('Parameters.')) {
      const p = expr.substring('Parameters.'.length);
      return parameterNames.has(p) ? undefined : `references unknown parameter "${p}"; declare it in the pipeline's parameters`;
    }
    if (expr.startsWith('Execution.')) {
      const x = expr.substring('Execution.'.length);
      return EXECUTION_VARIABLE_NAMES.includes(x) ? undefined : `references unknown execution variable "${x}"; use ExecutionVariable`;
    }
    const m = /^Steps\.([^.[]+)(?:\.(.*))?$/.exec(expr);
    if (!m) return `references ${JSON.stringify(expr)}, which is not a parameter, execution variable or step property`;
    const [, stepName, path] = m;
    const target = byName.get(stepName);
    if (!target) return `references unknown step "${stepName}"; add it to the pipeline's steps`;
    needs.add(stepName);
    const pf = /^PropertyFiles\.(.+)$/.exec(path ?? '');
    if (pf) {
      const files = target._propertyFileOutputs();
      if (files[pf[1]] === undefined) {
        return `references unknown property file "${pf[1]}" of step "${stepName}"; declared property files are ${JSON.stringify(Object.keys(files))}`;
      }
    }
    const lambdaOutputs = target._lambdaOutputNames();
    const lo = /^OutputParameters\['(.+)'\]$/.exec(path ?? '');
    if (lo && lambdaOutputs && !lambdaOutputs.includes(lo[1])) {
      return `references unknown output "${lo[1]}" of Lambda step "${stepName}"; declared outputs are ${JSON.stringify(lambdaOutputs)}`;
    }
    return undefined;
  }
}

/** All `{"Get": "..."}` expressions in a JSON value. */
function findGetExpressions(json: any): string[] {
  const out: string[] = [];
  const walk = (x: any) => {
    if (Array.isArray(x)) {
      x.forEach(walk);
    } else if (x && typeof x === 'object') {
      const keys = Object.keys(x);
      if (keys.length === 1 && keys[0] === 'Get' && typeof x.Get === 'string') out.push(x.Get);
      else Object.values(x).forEach(walk);
    }
  };
  walk(json);
  return out;
}

/** A cycle in the dependency graph as a list of step names (first == last), or undefined. */
function findCycle(edges: Map<string, Set<string>>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): string[] | undefined => {
    state.set(n, 'visiting');
    stack.push(n);
    for (const m of [...(edges.get(n) ?? [])].sort()) {
      if (state.get(m) === 'visiting') return [...stack.slice(stack.indexOf(m)), m];
      if (!state.has(m)) {
        const c = visit(m);
        if (c) return c;
      }
    }
    stack.pop();
    state.set(n, 'done');
    return undefined;
  };
  for (const n of edges.keys()) {
    if (!state.has(n)) {
      const c = visit(n);
      if (c) return c;
    }
  }
  return undefined;
}
