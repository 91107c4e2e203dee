import { didYouMean, Problems, show } from './problems';

/** A parsed JSON object. @internal */
export type Obj = Record<string, unknown>;

/** Whether a value is a plain object. @internal */
export function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Reports keys of `obj` that are not in `allowed`, and returns false if `obj` is not an object.
 * @internal
 */
export function checkObject(obj: unknown, path: string, allowed: readonly string[], problems: Problems): obj is Obj {
  if (!isObject(obj)) {
    problems.add(path, `must be an object with the keys ${allowed.join(', ')}, not ${show(obj)}`);
    return false;
  }
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) {
      const hint = didYouMean(key, allowed);
      problems.add(join(path, key), `unknown key${hint || `; allowed keys are ${allowed.join(', ')}`}`);
    }
  }
  return true;
}

/** `path.key`, or `key` at the root. @internal */
export function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/**
 * A string field: reports missing (when required) or non-string values; returns the string or undefined.
 * @internal
 */
export function stringField(obj: Obj, path: string, key: string, required: boolean, example: string, problems: Problems): string | undefined {
  const value = obj[key];
  const p = join(path, key);
  if (value === undefined || value === null) {
    if (required) problems.add(p, `is required; add it, for example ${JSON.stringify(key)}: ${JSON.stringify(example)}`);
    return undefined;
  }
  if (typeof value !== 'string') {
    problems.add(p, `must be a string, not ${show(value)}; write it in quotes, for example ${JSON.stringify(example)}`);
    return undefined;
  }
  return value;
}

