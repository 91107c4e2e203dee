/**
 * The settings of the invoke-endpoint handler, read from its environment (the InferenceApi construct
 * sets them) and checked once.
 */

/** The handler's settings. */
export interface HandlerConfig {
  /** The SageMaker endpoint to invoke (`ENDPOINT_NAME`). */
  readonly endpointName: string;
  /** SDK attempts per invocation, the first included (`MAX_ATTEMPTS`, 1 to 3, default 2). */
  readonly maxAttempts: number;
  /** How long before the Lambda timeout the handler gives up and answers 504 (`DEADLINE_MARGIN_MS`, default 1000). */
  readonly deadlineMarginMs: number;
  /** The largest request body in bytes (`MAX_BODY_BYTES`, default 6 MiB, SageMaker's limit for real-time endpoints). */
  readonly maxBodyBytes: number;
  /** The accepted media types (`CONTENT_TYPES`, comma separated, default `application/json,text/csv`). */
  readonly contentTypes: readonly string[];
}

/** SageMaker's payload limit for a real-time invocation. */
export const DEFAULT_MAX_BODY_BYTES = 6 * 1024 * 1024;
/** The media types the API accepts unless told otherwise. */
export const DEFAULT_CONTENT_TYPES = ['application/json', 'text/csv'];

const ENDPOINT_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/;

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  }
  return v;
}

/** Reads and checks the settings; throws an Error naming the variable when one is wrong. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): HandlerConfig {
  const endpointName = env.ENDPOINT_NAME ?? '';
  if (!ENDPOINT_NAME.test(endpointName)) {
    throw new Error(`ENDPOINT_NAME must be a SageMaker endpoint name (letters, digits, hyphens, at most 63), got ${JSON.stringify(endpointName)}`);
  }
  const contentTypes = (env.CONTENT_TYPES ?? DEFAULT_CONTENT_TYPES.join(','))
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s.length > 0);
  if (contentTypes.length === 0 || contentTypes.some((t) => !MEDIA_TYPE.test(t))) {
    throw new Error(`CONTENT_TYPES must be a comma-separated list of media types, got ${JSON.stringify(env.CONTENT_TYPES)}`);
  }
  return {
    endpointName,
    maxAttempts: integer(env, 'MAX_ATTEMPTS', 2, 1, 3),
    deadlineMarginMs: integer(env, 'DEADLINE_MARGIN_MS', 1_000, 0, 60_000),
    maxBodyBytes: integer(env, 'MAX_BODY_BYTES', DEFAULT_MAX_BODY_BYTES, 1, DEFAULT_MAX_BODY_BYTES),
    contentTypes,
  };
}
