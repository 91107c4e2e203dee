/**
 * Reads a SageMaker Pipelines definition (schema 2020-12-01, as the SageMaker Python SDK and our
 * `PipelineDefinition` builder write it), checks it and plans the run: every step (the branches of
 * condition steps included), what each step needs to finish first (`DependsOn`, data references and
 * the enclosing condition step), and one topological order.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import { LocalPipelineError } from './errors';
import { didYouMean } from '../../blueprint/config/problems';

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | JsonObject;

/** A JSON object. */
export interface JsonObject {
  [key: string]: Json;
}

/** The definition schema version this runner reads. */
export const DEFINITION_VERSION = '2020-12-01';

/** The parameter types of a definition. */
export const PARAMETER_TYPES = ['String', 'Integer', 'Float', 'Boolean'] as const;

/** A parameter type. */
export type ParameterTypeName = (typeof PARAMETER_TYPES)[number];

/** The execution variables (`{"Get": "Execution.<name>"}`). */
export const EXECUTION_VARIABLES = ['StartDateTime', 'CurrentDateTime', 'PipelineName', 'PipelineArn', 'PipelineExecutionId', 'PipelineExecutionArn'];

/** Step types that run locally (`Model` is recorded, `Lambda` is skipped; see the README). */
export const LOCAL_STEP_TYPES = ['Processing', 'Training', 'Condition', 'RegisterModel', 'Fail', 'Model', 'Lambda'];

/** A declared parameter. */
export interface ParameterDeclaration {
  /** `Name`. */
  readonly name: string;
  /** `Type`. */
  readonly type: ParameterTypeName;
  /** `DefaultValue`, if any. */
  readonly defaultValue?: Json;
  /** `EnumValues` of a String parameter, if any. */
  readonly enumValues?: readonly string[];
}

/** A property file of a processing step (`PropertyFiles[]`). */
export interface PropertyFileDeclaration {
  /** `OutputName`: the processing output the file is written to. */
  readonly outputName: string;
  /** `FilePath`: the file's path inside that output. */
  readonly filePath: string;
}

/** A step of the plan. */
export interface PlannedStep {
  /** `Name`. */
  readonly name: string;
  /** `Type`. */
  readonly type: string;
  /** `Arguments` (an empty object when absent). */
  readonly args: JsonObject;
  /** The enclosing condition step and branch, for a step inside `IfSteps`/`ElseSteps`. */
  readonly parent?: { readonly step: string; readonly branch: 'IfSteps' | 'ElseSteps' };
  /** The steps that must finish before this one (DependsOn, data references, the enclosing condition). */
  readonly needs: ReadonlySet<string>;
  /** The steps whose properties this step reads. */
  readonly reads: ReadonlySet<string>;
  /** `PropertyFiles` by `PropertyFileName`. */
  readonly propertyFiles: Readonly<Record<string, PropertyFileDeclaration>>;
  /** The names of the steps in `IfSteps` and `ElseSteps` (condition steps only). */
  readonly branches?: { readonly IfSteps: readonly string[]; readonly ElseSteps: readonly string[] };
}

/** A checked definition and the order to run it in. */
export interface PipelinePlan {
  /** The declared parameters. */
  readonly parameters: readonly ParameterDeclaration[];
  /** Every step by name. */
  readonly steps: ReadonlyMap<string, PlannedStep>;
  /** Every step, in the order they run (ties broken by the order of the definition). */
  readonly order: readonly PlannedStep[];
}

/** A definition file read from disk. */
export interface LoadedDefinition {
  /** The parsed JSON. */
  readonly json: JsonObject;
  /** The SHA-256 of the file's bytes (hex). */
  readonly sha256: string;
}

/** Reads and parses a definition file; a missing or malformed file is an INVALID_DEFINITION error. */
export function loadDefinition(file: string, shown: string): LoadedDefinition {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    throw new LocalPipelineError('INVALID_DEFINITION', `cannot read the pipeline definition ${shown}`, [reason]);
  }
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf-8'));
  } catch (e) {
    throw new LocalPipelineError('INVALID_DEFINITION', `the pipeline definition ${shown} is not JSON`, [(e as Error).message]);
  }
  if (!isObject(json)) {
    throw new LocalPipelineError('INVALID_DEFINITION', `the pipeline definition ${shown} is invalid`, ['the file must hold a JSON object with "Version", "Parameters" and "Steps"']);
  }
  return { json, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** Whether a JSON value is an object (not null, not an array). */
export function isObject(x: unknown): x is JsonObject {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** The expression of a `{"Get": "..."}` object, or undefined. */
export function getExpression(x: Json | undefined): string | undefined {
  if (!isObject(x)) return undefined;
  const keys = Object.keys(x);
  return keys.length === 1 && keys[0] === 'Get' && typeof x.Get === 'string' ? x.Get : undefined;
}

/** Every `{"Get": "..."}` expression in a JSON value. */
export function findGetExpressions(json: Json | undefined): string[] {
  const out: string[] = [];
  const walk = (x: Json | undefined): void => {
    if (Array.isArray(x)) {
      x.forEach(walk);
    } else if (isObject(x)) {
      const expr = getExpression(x);
      if (expr !== undefined) out.push(expr);
      else Object.values(x).forEach(walk);
    }
  };
  walk(json);
  return out;
}

/** `Steps.<name>.<path>` split into the step's name and the path. */
export function parseStepReference(expr: string): { step: string; path: string } | undefined {
  const m = /^Steps\.([^.[]+)(?:\.(.*))?$/.exec(expr);
  return m ? { step: m[1], path: m[2] ?? '' } : undefined;
}

/**
 * Checks a definition and plans its run. Every problem is collected; structural problems throw an
 * INVALID_DEFINITION error, step types that cannot run on this machine an UNSUPPORTED one.
 */
export function planPipeline(json: JsonObject, shown: string): PipelinePlan {
  const problems: string[] = [];
  const unsupported: string[] = [];

  if (json.Version !== DEFINITION_VERSION) {
    problems.push(`"Version" is ${JSON.stringify(json.Version ?? null)}; this runner reads definitions of version "${DEFINITION_VERSION}"`);
  }

  const parameters: ParameterDeclaration[] = [];
  const rawParameters = json.Parameters ?? [];
  if (!Array.isArray(rawParameters)) {
    problems.push('"Parameters" must be a list');
  } else {
    rawParameters.forEach((p, i) => {
      if (!isObject(p) || typeof p.Name !== 'string' || p.Name === '') {
        problems.push(`Parameters[${i}]: needs a "Name"`);
        return;
      }
      const type = p.Type;
      if (typeof type !== 'string' || !(PARAMETER_TYPES as readonly string[]).includes(type)) {
        problems.push(`parameter "${p.Name}": "Type" is ${JSON.stringify(type ?? null)}; write one of ${PARAMETER_TYPES.join(', ')}`);
        return;
      }
      if (parameters.some((q) => q.name === p.Name)) problems.push(`parameter "${p.Name}": declared more than once`);
      const enumValues = Array.isArray(p.EnumValues) ? p.EnumValues.filter((x): x is string => typeof x === 'string') : undefined;
      parameters.push({ name: p.Name, type: type as ParameterTypeName, defaultValue: p.DefaultValue ?? undefined, enumValues });
    });
  }
  const parameterNames = parameters.map((p) => p.name);

  // every step, depth first in the order of the definition
  interface Raw {
    readonly json: JsonObject;
    readonly parent?: { step: string; branch: 'IfSteps' | 'ElseSteps' };
    readonly where: string;
  }
  const raws: Raw[] = [];
  const collect = (list: Json | undefined, where: string, parent?: Raw['parent']): void => {
    if (list === undefined) return;
    if (!Array.isArray(list)) {
      problems.push(`${where} must be a list of steps`);
      return;
    }
    list.forEach((s, i) => {
      const at = `${where}[${i}]`;
      if (!isObject(s) || typeof s.Name !== 'string' || s.Name === '' || typeof s.Type !== 'string') {
        problems.push(`${at}: a step needs a "Name" and a "Type"`);
        return;
      }
      raws.push({ json: s, parent, where: at });
      if (s.Type === 'Condition') {
        const args = isObject(s.Arguments) ? s.Arguments : {};
        collect(args.IfSteps ?? [], `step "${s.Name}": IfSteps`, { step: s.Name, branch: 'IfSteps' });
        collect(args.ElseSteps ?? [], `step "${s.Name}": ElseSteps`, { step: s.Name, branch: 'ElseSteps' });
      }
    });
  };
  if (!Array.isArray(json.Steps) || json.Steps.length === 0) problems.push('"Steps" must be a non-empty list of steps');
  else collect(json.Steps, 'Steps');

  const names = new Set<string>();
  for (const r of raws) {
    const name = r.json.Name as string;
    if (names.has(name)) problems.push(`step "${name}": the name is used by more than one step; step names must be unique`);
    names.add(name);
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) problems.push(`step "${name}": a step name is 1 to 64 letters, digits, "-" and "_"`);
  }
  const stepNames = [...names];

  const steps = new Map<string, PlannedStep>();
  raws.forEach((r) => {
    const s = r.json;
    const name = s.Name as string;
    const type = s.Type as string;
    const where = `step "${name}"`;
    if (steps.has(name)) return;
    if (!LOCAL_STEP_TYPES.includes(type)) {
      unsupported.push(`step "${name}" is a ${type} step; pipeline local runs ${LOCAL_STEP_TYPES.slice(0, -2).join(', ')} steps, records Model steps and skips Lambda steps: run this pipeline in SageMaker`);
    }
    if (s.Arguments !== undefined && !isObject(s.Arguments)) problems.push(`${where}: "Arguments" must be an object`);
    const args = isObject(s.Arguments) ? s.Arguments : {};

    const needs = new Set<string>();
    const reads = new Set<string>();
    if (r.parent) needs.add(r.parent.step);
    const dependsOn = s.DependsOn ?? [];
    if (!Array.isArray(dependsOn)) {
      problems.push(`${where}: "DependsOn" must be a list of step names`);
    } else {
      for (const d of dependsOn) {
        if (typeof d !== 'string' || !names.has(d)) problems.push(`${where}: depends on unknown step ${JSON.stringify(d)}${typeof d === 'string' ? didYouMean(d, stepNames) : ''}`);
        else needs.add(d);
      }
    }

    const propertyFiles: Record<string, PropertyFileDeclaration> = {};
    if (Array.isArray(s.PropertyFiles)) {
      for (const f of s.PropertyFiles) {
        if (isObject(f) && typeof f.PropertyFileName === 'string' && typeof f.OutputName === 'string' && typeof f.FilePath === 'string') {
          propertyFiles[f.PropertyFileName] = { outputName: f.OutputName, filePath: f.FilePath };
        } else {
          problems.push(`${where}: every PropertyFiles entry needs "PropertyFileName", "OutputName" and "FilePath"`);
        }
      }
    }

    // a condition step references what its conditions read; its branches are steps of their own
    const referencing = type === 'Condition' ? args.Conditions : args;
    for (const expr of findGetExpressions(referencing)) {
      const ref = parseStepReference(expr);
      if (expr.startsWith('Parameters.')) {
        const p = expr.slice('Parameters.'.length);
        if (!parameterNames.includes(p)) problems.push(`${where}: references unknown parameter "${p}"${didYouMean(p, parameterNames)}`);
      } else if (expr.startsWith('Execution.')) {
        const x = expr.slice('Execution.'.length);
        if (!EXECUTION_VARIABLES.includes(x)) problems.push(`${where}: references unknown execution variable "${x}"${didYouMean(x, EXECUTION_VARIABLES)}`);
      } else if (ref) {
        if (!names.has(ref.step)) {
          problems.push(`${where}: references unknown step "${ref.step}"${didYouMean(ref.step, stepNames)}`);
        } else {
          needs.add(ref.step);
          reads.add(ref.step);
        }
      } else {
        problems.push(`${where}: references ${JSON.stringify(expr)}, which is not a parameter, an execution variable or a step property`);
      }
    }

    let branches: PlannedStep['branches'];
    if (type === 'Condition') {
      if (!Array.isArray(args.Conditions) || args.Conditions.length === 0) problems.push(`${where}: a condition step needs a non-empty "Conditions" list`);
      const branchNames = (b: Json | undefined) => (Array.isArray(b) ? b.filter(isObject).map((x) => String(x.Name)) : []);
      branches = { IfSteps: branchNames(args.IfSteps), ElseSteps: branchNames(args.ElseSteps) };
    }
    steps.set(name, { name, type, args, parent: r.parent, needs, reads, propertyFiles, branches });
  });

  // property-file references must name a declared property file
  for (const step of steps.values()) {
    const referencing = step.type === 'Condition' ? step.args.Conditions : step.args;
    for (const expr of findGetExpressions(referencing)) {
      const ref = parseStepReference(expr);
      const pf = ref ? /^PropertyFiles\.(.+)$/.exec(ref.path) : null;
      const target = ref ? steps.get(ref.step) : undefined;
      if (pf && target && target.propertyFiles[pf[1]] === undefined) {
        const declared = Object.keys(target.propertyFiles);
        problems.push(`step "${step.name}": references unknown property file "${pf[1]}" of step "${target.name}"; declared property files are ${JSON.stringify(declared)}`);
      }
    }
  }

  const order = problems.length === 0 ? topologicalOrder(steps, problems) : [];
  if (problems.length > 0) throw new LocalPipelineError('INVALID_DEFINITION', `the pipeline definition ${shown} is invalid`, problems);
  if (unsupported.length > 0) throw new LocalPipelineError('UNSUPPORTED', `the pipeline definition ${shown} cannot run on this machine`, unsupported);
  return { parameters, steps, order };
}

/** Kahn's algorithm, ties broken by the order of the definition; a cycle is a problem. */
function topologicalOrder(steps: Map<string, PlannedStep>, problems: string[]): PlannedStep[] {
  const index = new Map([...steps.keys()].map((n, i) => [n, i]));
  const remaining = new Map([...steps.values()].map((s) => [s.name, new Set(s.needs)]));
  const order: PlannedStep[] = [];
  while (remaining.size > 0) {
    const ready = [...remaining.entries()].filter(([, needs]) => needs.size === 0).map(([n]) => n);
    if (ready.length === 0) {
      problems.push(`dependency cycle: ${findCycle(remaining).map((n) => `"${n}"`).join(' -> ')} (through DependsOn or data references)`);
      return [];
    }
    ready.sort((a, b) => index.get(a)! - index.get(b)!);
    const next = ready[0];
    order.push(steps.get(next)!);
    remaining.delete(next);
    for (const needs of remaining.values()) needs.delete(next);
  }
  return order;
}

/** A cycle among steps that all wait for each other (first == last). */
function findCycle(remaining: Map<string, Set<string>>): string[] {
  const start = [...remaining.keys()].sort()[0];
  const path: string[] = [];
  let current = start;
  while (!path.includes(current)) {
    path.push(current);
    current = [...remaining.get(current)!].filter((n) => remaining.has(n)).sort()[0];
  }
  return [...path.slice(path.indexOf(current)), current];
}
