/**
 * Resolves the values of a definition while the pipeline runs, as SageMaker Pipelines does:
 * `{"Get": "Parameters.X"}`, `{"Get": "Execution.X"}`, `{"Get": "Steps.X.<path>"}`, `Std:Join` and
 * `Std:JsonGet` (on a property file or an S3 URI). Locally, the S3 URIs that steps produce are the
 * local paths that hold the data (see README.md).
 */
import * as fs from 'fs';
import { getExpression, isObject, Json, JsonObject, parseStepReference } from './definition';
import { StepFailure } from './errors';

/** What the resolver knows about a step that has run (or not). */
export interface StepRecord {
  /** The step's type. */
  readonly type: string;
  /** How the step ended: `Succeeded`, `Failed`, `Skipped` or `NotRun`. */
  status: 'Succeeded' | 'Failed' | 'Skipped' | 'NotRun';
  /** Why a step was skipped or not run. */
  reason?: string;
  /** Its properties (the Describe* response, locally: the resolved arguments plus local values). */
  properties?: JsonObject;
  /** Its property files: `PropertyFileName` -> the local file. */
  propertyFiles?: Record<string, string>;
}

/** A `Std:JsonGet` that was evaluated (for the summary). */
export interface JsonGetRead {
  /** `Steps.<step>.PropertyFiles.<name>`, or the file for an S3Uri JsonGet. */
  readonly source: string;
  /** The JSON path. */
  readonly path: string;
  /** The value read. */
  readonly value: Json;
}

/** Resolves definition values against the parameters, the execution and the steps run so far. */
export class Resolver {
  /** A resolved value as `Std:Join` renders it. */
  public static text(value: Json): string {
    if (typeof value === 'string') return value;
    if (value === null) return 'None';
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    return JSON.stringify(value);
  }

  /** Every `Std:JsonGet` evaluated so far. */
  public readonly jsonGets: JsonGetRead[] = [];

  constructor(
    private readonly parameters: Readonly<Record<string, Json>>,
    private readonly execution: (name: string) => string,
    private readonly steps: ReadonlyMap<string, StepRecord>,
  ) {}

  /** The value with every expression in it resolved; `where` names the step for error messages. */
  public resolve(value: Json | undefined, where: string): Json {
    if (value === undefined) return null;
    if (Array.isArray(value)) return value.map((x) => this.resolve(x, where));
    if (!isObject(value)) return value;
    const expr = getExpression(value);
    if (expr !== undefined) return this.get(expr, where);
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === 'Std:Join') return this.join(value['Std:Join'], where);
    if (keys.length === 1 && keys[0] === 'Std:JsonGet') return this.jsonGet(value['Std:JsonGet'], where);
    if (keys.length === 1 && keys[0].startsWith('Std:')) {
      throw new StepFailure(`${where}: the function ${keys[0]} is not supported locally (Std:Join and Std:JsonGet are)`);
    }
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(value)) out[k] = this.resolve(x, where);
    return out;
  }

  private get(expr: string, where: string): Json {
    if (expr.startsWith('Parameters.')) {
      const name = expr.slice('Parameters.'.length);
      if (!(name in this.parameters)) throw new StepFailure(`${where}: unknown parameter "${name}"`);
      return this.parameters[name];
    }
    if (expr.startsWith('Execution.')) return this.execution(expr.slice('Execution.'.length));
    const ref = parseStepReference(expr);
    if (!ref) throw new StepFailure(`${where}: cannot resolve ${JSON.stringify(expr)}`);
    const record = this.ranStep(ref.step, expr, where);
    const pf = /^PropertyFiles\.(.+)$/.exec(ref.path);
    if (pf) return this.propertyFile(ref.step, pf[1], where);
    const found = lookupPath(record.properties ?? {}, ref.path);
    if (found === undefined) {
      throw new StepFailure(`${where}: ${expr} has no value locally${record.type === 'Lambda' ? ' (Lambda steps do not run locally, so their outputs are unknown)' : ''}`);
    }
    return found;
  }

  private ranStep(step: string, expr: string, where: string): StepRecord {
    const record = this.steps.get(step);
    if (!record || record.status !== 'Succeeded') {
      const why = record?.reason ? ` (${record.reason})` : '';
      throw new StepFailure(`${where}: ${expr} refers to step "${step}", which has not run${why}`);
    }
    return record;
  }

  private propertyFile(step: string, name: string, where: string): string {
    const file = this.steps.get(step)?.propertyFiles?.[name];
    if (file === undefined) throw new StepFailure(`${where}: step "${step}" has no property file "${name}"`);
    return file;
  }

  private join(spec: Json, where: string): string {
    if (!isObject(spec) || !Array.isArray(spec.Values)) throw new StepFailure(`${where}: Std:Join needs "On" and a "Values" list`);
    const on = typeof spec.On === 'string' ? spec.On : '';
    return spec.Values.map((x) => Resolver.text(this.resolve(x, where))).join(on);
  }

  private jsonGet(spec: Json, where: string): Json {
    if (!isObject(spec) || typeof spec.Path !== 'string') throw new StepFailure(`${where}: Std:JsonGet needs a "Path" and a "PropertyFile" or "S3Uri"`);
    let file: string;
    let source: string;
    const pfExpr = getExpression(spec.PropertyFile);
    if (pfExpr !== undefined) {
      const ref = parseStepReference(pfExpr);
      const pf = ref ? /^PropertyFiles\.(.+)$/.exec(ref.path) : null;
      if (!ref || !pf) throw new StepFailure(`${where}: Std:JsonGet's PropertyFile must be {"Get": "Steps.<step>.PropertyFiles.<name>"}, not ${JSON.stringify(pfExpr)}`);
      this.ranStep(ref.step, pfExpr, where);
      file = this.propertyFile(ref.step, pf[1], where);
      source = pfExpr;
    } else if (spec.S3Uri !== undefined) {
      const uri = this.resolve(spec.S3Uri, where);
      if (typeof uri !== 'string' || uri.startsWith('s3://')) {
        throw new StepFailure(`${where}: Std:JsonGet reads ${JSON.stringify(uri)}, which is not a file of this run`);
      }
      file = uri;
      source = uri;
    } else {
      throw new StepFailure(`${where}: Std:JsonGet needs a "PropertyFile" or an "S3Uri"`);
    }
    let content: Json;
    try {
      content = JSON.parse(fs.readFileSync(file, 'utf-8'));
    } catch (e) {
      const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file does not exist (did the step write it?)' : (e as Error).message;
      throw new StepFailure(`${where}: Std:JsonGet cannot read ${file}: ${reason}`);
    }
    const value = lookupPath(content, spec.Path.replace(/^\$\.?/, ''));
    if (value === undefined) throw new StepFailure(`${where}: Std:JsonGet: "${spec.Path}" is not in ${file}`);
    this.jsonGets.push({ source, path: spec.Path, value });
    return value;
  }
}

/** The keys that name the members of a list in a Describe* response (`Outputs['train']`). */
const NAME_KEYS = ['OutputName', 'InputName', 'ChannelName', 'MetricName', 'PropertyFileName', 'Name'];

/**
 * Follows a property path (`A.B['name'].C[0]`) through a JSON value; `['name']` on a list picks the
 * member whose `OutputName`, `ChannelName`, `MetricName`... is `name`. Undefined when absent.
 */
export function lookupPath(root: Json, path: string): Json | undefined {
  let current: Json | undefined = root;
  const token = /\s*(?:\.?([A-Za-z0-9_:-]+)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\])/y;
  let at = 0;
  while (at < path.length) {
    token.lastIndex = at;
    const m = token.exec(path);
    if (!m) return undefined;
    at = token.lastIndex;
    if (current === undefined || current === null) return undefined;
    if (m[1] !== undefined || m[3] !== undefined || m[4] !== undefined) {
      const key = (m[1] ?? m[3] ?? m[4]) as string;
      if (Array.isArray(current)) {
        current = current.find((x) => isObject(x) && NAME_KEYS.some((k) => x[k] === key));
      } else if (isObject(current)) {
        current = Object.prototype.hasOwnProperty.call(current, key) ? current[key] : undefined;
      } else {
        return undefined;
      }
    } else {
      const i = Number(m[2]);
      current = Array.isArray(current) ? current[i] : undefined;
    }
  }
  return current;
}
