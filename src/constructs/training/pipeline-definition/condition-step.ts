import { PipelineCondition } from './condition';
import { PipelineStep, PipelineStepOptions, StepType } from './step';

/** Props of a `ConditionStep`. */
export interface ConditionStepProps extends PipelineStepOptions {
  /** The conditions; the `ifSteps` run when all of them are true. */
  readonly conditions: PipelineCondition[];
  /**
   * The steps that run when all conditions are true (`IfSteps`). They are part of the pipeline
   * through this step: do not list them in `PipelineDefinitionProps.steps` as well.
   * @default - none
   */
  readonly ifSteps?: PipelineStep[];
  /**
   * The steps that run otherwise (`ElseSteps`); same rule as `ifSteps`.
   * @default - none
   */
  readonly elseSteps?: PipelineStep[];
}

/**
 * A condition step (`Type: Condition`): runs `ifSteps` when all conditions hold, else `elseSteps`.
 *
 * @example
 * new ConditionStep('CheckAccuracy', {
 *   conditions: [PipelineCondition.greaterThanOrEqualTo(evaluate.jsonGet('EvaluationReport', 'metrics.accuracy.value'), threshold.value)],
 *   ifSteps: [register],
 *   elseSteps: [fail],
 * });
 */
export class ConditionStep extends PipelineStep {
  private readonly conditions: PipelineCondition[];
  private readonly ifSteps: PipelineStep[];
  private readonly elseSteps: PipelineStep[];

  /**
   * @param stepName the step's name, unique in the pipeline
   * @param props the conditions and branches
   */
  constructor(stepName: string, props: ConditionStepProps) {
    super(stepName, StepType.CONDITION, props);
    if (props.conditions.length === 0) {
      throw new Error(`step "${stepName}": conditions is empty; give at least one PipelineCondition`);
    }
    this.conditions = [...props.conditions];
    this.ifSteps = [...(props.ifSteps ?? [])];
    this.elseSteps = [...(props.elseSteps ?? [])];
  }

  /** @internal */
  public _renderArguments(): any {
    return {
      Conditions: this.conditions.map((c) => c.toJson()),
      IfSteps: this.ifSteps.map((s) => s.toJson()),
      ElseSteps: this.elseSteps.map((s) => s.toJson()),
    };
  }

  /** @internal */
  public _nestedSteps(): PipelineStep[] {
    return [...this.ifSteps, ...this.elseSteps];
  }

  /** @internal */
  public _referencingJson(): any {
    return { Conditions: this.conditions.map((c) => c.toJson()) };
  }
}
