import { PipelineValue } from './value';

/**
 * A condition of a `ConditionStep`, rendered as the SageMaker Python SDK renders it
 * (`{"Type": "GreaterThanOrEqualTo", "LeftValue": ..., "RightValue": ...}` and so on).
 *
 * The method names avoid words reserved in Python and Java: `isIn` renders `In`, `negate` renders
 * `Not`, `anyOf` renders `Or`.
 *
 * @example
 * PipelineCondition.greaterThanOrEqualTo(
 *   evaluate.jsonGet('EvaluationReport', 'metrics.accuracy.value'),
 *   threshold.value,
 * );
 */
export class PipelineCondition {
  /**
   * `Equals`: left == right.
   * @param left the left operand
   * @param right the right operand
   */
  public static equalTo(left: PipelineValue, right: PipelineValue): PipelineCondition {
    return PipelineCondition.binary('Equals', left, right);
  }

  /**
   * `GreaterThan`: left > right.
   * @param left the left operand
   * @param right the right operand
   */
  public static greaterThan(left: PipelineValue, right: PipelineValue): PipelineCondition {
    return PipelineCondition.binary('GreaterThan', left, right);
  }

  /**
   * `GreaterThanOrEqualTo`: left >= right.
   * @param left the left operand
   * @param right the right operand
   */
  public static greaterThanOrEqualTo(left: PipelineValue, right: PipelineValue): PipelineCondition {
    return PipelineCondition.binary('GreaterThanOrEqualTo', left, right);
  }

  /**
   * `LessThan`: left < right.
   * @param left the left operand
   * @param right the right operand
   */
  public static lessThan(left: PipelineValue, right: PipelineValue): PipelineCondition {
    return PipelineCondition.binary('LessThan', left, right);
  }

  /**
   * `LessThanOrEqualTo`: left <= right.
   * @param left the left operand
   * @param right the right operand
   */
  public static lessThanOrEqualTo(left: PipelineValue, right: PipelineValue): PipelineCondition {
    return PipelineCondition.binary('LessThanOrEqualTo', left, right);
  }

  /**
   * `In`: `queryValue` is one of `values` (`{"Type": "In", "QueryValue": ..., "Values": [...]}`).
   * @param queryValue the value to look up
   * @param values the values to compare with
   */
  public static isIn(queryValue: PipelineValue, values: PipelineValue[]): PipelineCondition {
    if (values.length === 0) {
      throw new Error('PipelineCondition.isIn: values is empty; give at least one value to compare with');
    }
    const list = [...values];
    return new PipelineCondition(() => ({ Type: 'In', QueryValue: queryValue.toJson(), Values: list.map((x) => x.toJson()) }));
  }

  /**
   * `Not`: the negation of `condition` (`{"Type": "Not", "Condition": ...}`).
   * @param condition the condition to negate
   */
  public static negate(condition: PipelineCondition): PipelineCondition {
    return new PipelineCondition(() => ({ Type: 'Not', Condition: condition.toJson() }));
  }

  /**
   * `Or`: true when any of `conditions` is true (`{"Type": "Or", "Conditions": [...]}`).
   * @param conditions the alternatives
   */
  public static anyOf(conditions: PipelineCondition[]): PipelineCondition {
    if (conditions.length === 0) {
      throw new Error('PipelineCondition.anyOf: conditions is empty; give at least one condition');
    }
    const list = [...conditions];
    return new PipelineCondition(() => ({ Type: 'Or', Conditions: list.map((c) => c.toJson()) }));
  }

  private static binary(kind: string, left: PipelineValue, right: PipelineValue): PipelineCondition {
    return new PipelineCondition(() => ({ Type: kind, LeftValue: left.toJson(), RightValue: right.toJson() }));
  }

  private constructor(private readonly render: () => any) {}

  /** The condition's JSON in the pipeline definition. */
  public toJson(): any {
    return this.render();
  }
}
