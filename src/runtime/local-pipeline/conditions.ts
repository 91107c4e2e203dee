/**
 * Evaluates the conditions of a condition step as SageMaker Pipelines does: `Equals`, `GreaterThan`,
 * `GreaterThanOrEqualTo`, `LessThan`, `LessThanOrEqualTo` (`LeftValue`, `RightValue`), `In`
 * (`QueryValue`, `Values`), `Not` (`Condition`) and `Or` (`Conditions`); the step's conditions must
 * all hold for `IfSteps` to run.
 */
import { isObject, Json } from './definition';
import { StepFailure } from './errors';
import { Resolver } from './values';

/** The condition types this runner evaluates. */
export const CONDITION_TYPES = ['Equals', 'GreaterThan', 'GreaterThanOrEqualTo', 'LessThan', 'LessThanOrEqualTo', 'In', 'Not', 'Or'];

const OPERATORS: Record<string, string> = {
  Equals: '==',
  GreaterThan: '>',
  GreaterThanOrEqualTo: '>=',
  LessThan: '<',
  LessThanOrEqualTo: '<=',
};

/** One evaluated condition. */
export interface ConditionOutcome {
  /** The condition's type. */
  readonly type: string;
  /** Whether it holds. */
  readonly outcome: boolean;
  /** The condition with its resolved operands, e.g. `0.91 >= 0.75`. */
  readonly text: string;
}

/** Problems in the shape of a condition (checked before the run). */
export function checkCondition(condition: Json, where: string): string[] {
  if (!isObject(condition) || typeof condition.Type !== 'string') return [`${where}: a condition needs a "Type"`];
  const type = condition.Type;
  if (!CONDITION_TYPES.includes(type)) return [`${where}: condition type ${JSON.stringify(type)} is not one of ${CONDITION_TYPES.join(', ')}`];
  if (type in OPERATORS) {
    return 'LeftValue' in condition && 'RightValue' in condition ? [] : [`${where}: a ${type} condition needs "LeftValue" and "RightValue"`];
  }
  if (type === 'In') return 'QueryValue' in condition && Array.isArray(condition.Values) ? [] : [`${where}: an In condition needs "QueryValue" and a "Values" list`];
  if (type === 'Not') return checkCondition(condition.Condition ?? null, `${where} (in Not)`);
  if (!Array.isArray(condition.Conditions) || condition.Conditions.length === 0) return [`${where}: an Or condition needs a non-empty "Conditions" list`];
  return condition.Conditions.flatMap((c) => checkCondition(c, `${where} (in Or)`));
}

/** Evaluates one condition; an operand that cannot be compared is a StepFailure. */
export function evaluateCondition(condition: Json, resolver: Resolver, where: string): ConditionOutcome {
  if (!isObject(condition) || typeof condition.Type !== 'string') throw new StepFailure(`${where}: a condition needs a "Type"`);
  const type = condition.Type;
  if (type in OPERATORS) {
    const left = resolver.resolve(condition.LeftValue, where);
    const right = resolver.resolve(condition.RightValue, where);
    const outcome = type === 'Equals' ? equal(left, right) : compare(type, left, right, where);
    return { type, outcome, text: `${show(left)} ${OPERATORS[type]} ${show(right)}` };
  }
  if (type === 'In') {
    const query = resolver.resolve(condition.QueryValue, where);
    const values = resolver.resolve(condition.Values, where) as Json[];
    return { type, outcome: values.some((v) => equal(query, v)), text: `${show(query)} in [${values.map(show).join(', ')}]` };
  }
  if (type === 'Not') {
    const inner = evaluateCondition(condition.Condition ?? null, resolver, where);
    return { type, outcome: !inner.outcome, text: `not (${inner.text})` };
  }
  if (type === 'Or') {
    const all = (condition.Conditions as Json[]).map((c) => evaluateCondition(c, resolver, where));
    return { type, outcome: all.some((c) => c.outcome), text: all.map((c) => `(${c.text})`).join(' or ') };
  }
  throw new StepFailure(`${where}: condition type ${JSON.stringify(type)} is not supported`);
}

function show(x: Json): string {
  return typeof x === 'string' ? JSON.stringify(x) : Resolver.text(x);
}

/** A number, or a string that is one. */
function numeric(x: Json): number | undefined {
  if (typeof x === 'number') return x;
  if (typeof x === 'string' && x.trim() !== '' && Number.isFinite(Number(x))) return Number(x);
  return undefined;
}

/** Equality: numbers (and numeric strings against numbers) by value, everything else strictly. */
function equal(a: Json, b: Json): boolean {
  if (typeof a === 'number' || typeof b === 'number') {
    const x = numeric(a);
    const y = numeric(b);
    return x !== undefined && y !== undefined && x === y;
  }
  return JSON.stringify(a) === JSON.stringify(b);
}

function compare(type: string, a: Json, b: Json, where: string): boolean {
  const x = numeric(a);
  const y = numeric(b);
  let order: number;
  if (x !== undefined && y !== undefined) {
    order = x - y;
  } else if (typeof a === 'string' && typeof b === 'string') {
    order = a < b ? -1 : a > b ? 1 : 0; // e.g. ISO dates
  } else {
    throw new StepFailure(`${where}: ${type} compares numbers (or two strings), not ${show(a)} and ${show(b)}`);
  }
  switch (type) {
    case 'GreaterThan':
      return order > 0;
    case 'GreaterThanOrEqualTo':
      return order >= 0;
    case 'LessThan':
      return order < 0;
    default:
      return order <= 0;
  }
}
