/**
 * Retries of SageMaker requests: exponential backoff with jitter on throttling (HTTP 429, throttling
 * error codes), server errors (HTTP 5xx) and transient network errors; a bounded number of attempts AND a
 * bounded total time (every attempt is aborted at the deadline, and no retry starts that would end after
 * it). The SDK's own retries are switched off (`maxAttempts: 1`) so that this is the only retry loop and
 * its bounds are exact and testable.
 */
import { RegistryRequestError } from './errors';

/** How requests are retried. */
export interface RetryOptions {
  /** Attempts per request, the first included (1 to 20). @default 5 */
  readonly maxAttempts?: number;
  /** The backoff before the second attempt; it doubles with every further attempt. @default 200 */
  readonly baseDelayMs?: number;
  /** The largest backoff between two attempts. @default 5000 */
  readonly maxDelayMs?: number;
  /** The time budget of one request, all attempts and backoffs included. @default 30000 */
  readonly totalTimeoutMs?: number;
}

/** The resolved retry settings. */
export interface ResolvedRetryOptions {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly totalTimeoutMs: number;
}

/** A retry that is about to wait; given to the progress callback. */
export interface RetryEvent {
  readonly kind: 'retry';
  /** The SageMaker operation. */
  readonly operation: string;
  /** What the operation is about, e.g. `model package group "churn"`. */
  readonly target: string;
  /** The attempt that failed (1 for the first). */
  readonly attempt: number;
  /** The attempt bound. */
  readonly maxAttempts: number;
  /** How long the client waits before the next attempt. */
  readonly delayMs: number;
  /** The HTTP status of the failed attempt, if there was a response. */
  readonly statusCode?: number;
  /** The AWS error code or network error code of the failed attempt. */
  readonly errorCode?: string;
}

/** Clock, sleep and randomness, injectable for tests. */
export interface RetryEnvironment {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
}

/** The default environment: the real clock, real timers, Math.random. */
export const REAL_ENVIRONMENT: RetryEnvironment = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: () => Math.random(),
};

/** What a failed request was, for the retry decision and the final error. */
export interface FailureInfo {
  readonly retryable: boolean;
  readonly statusCode?: number;
  readonly code?: string;
  readonly message?: string;
}

const THROTTLING_CODES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'TransactionInProgressException',
  'RequestLimitExceeded',
  'BandwidthLimitExceeded',
  'RequestThrottled',
  'SlowDown',
  'PriorRequestNotComplete',
  'EC2ThrottledException',
]);

const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ECONNABORTED',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'InternalFailure',
  'ServiceUnavailable',
  'InternalServerError',
]);

/**
 * Classifies an error thrown by an SDK v3 command: retryable on HTTP 429, HTTP 5xx, the AWS throttling
 * codes and transient network errors; not retryable on anything else (4xx, validation, credentials).
 */
export function classifyFailure(error: unknown): FailureInfo {
  const e = (error ?? {}) as Record<string, any>;
  const statusCode: number | undefined = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
  const rawCode: string | undefined = e.Code ?? e.code ?? e.__type ?? e.name;
  let code = typeof rawCode === 'string' ? rawCode.replace(/^.*#/, '') : undefined;
  if (statusCode === undefined && (code === undefined || code === 'Error') && typeof e.message === 'string') {
    // a network error the SDK could only wrap as text ("AWS SDK error wrapper for Error: connect ECONNREFUSED ...",
    // which happens when the error comes from another JavaScript realm): recover its code from the text
    const found = /\b(E[A-Z]{3,})\b/.exec(e.message)?.[1];
    if (found && TRANSIENT_CODES.has(found)) code = found;
  }
  if (code === 'Error') code = undefined; // a plain Error says nothing more than its message
  const message = typeof e.message === 'string' && e.message.length > 0 && e.message !== 'UnknownError' ? e.message : undefined;
  let retryable = false;
  if (statusCode === 429 || (statusCode !== undefined && statusCode >= 500 && statusCode <= 599)) retryable = true;
  else if (code && (THROTTLING_CODES.has(code) || TRANSIENT_CODES.has(code))) retryable = true;
  else if (e.$retryable) retryable = true;
  return { retryable, statusCode, code, message };
}

/** Fills in the defaults and refuses settings that are not bounded. */
export function resolveRetryOptions(options: RetryOptions = {}): ResolvedRetryOptions {
  const resolved = {
    maxAttempts: options.maxAttempts ?? 5,
    baseDelayMs: options.baseDelayMs ?? 200,
    maxDelayMs: options.maxDelayMs ?? 5_000,
    totalTimeoutMs: options.totalTimeoutMs ?? 30_000,
  };
  const check = (name: keyof ResolvedRetryOptions, min: number, max: number) => {
    const v = resolved[name];
    if (!Number.isInteger(v) || v < min || v > max) {
      throw new RangeError(`retry.${name} must be an integer from ${min} to ${max}, got ${v}`);
    }
  };
  check('maxAttempts', 1, 20);
  check('baseDelayMs', 0, 60_000);
  check('maxDelayMs', 0, 300_000);
  check('totalTimeoutMs', 1, 900_000);
  if (resolved.maxDelayMs < resolved.baseDelayMs) {
    throw new RangeError(`retry.maxDelayMs (${resolved.maxDelayMs}) must not be smaller than retry.baseDelayMs (${resolved.baseDelayMs})`);
  }
  return resolved;
}

/**
 * The backoff after failed attempt `attempt` (1-based): exponential with "equal jitter", i.e. a random
 * value in [cap/2, cap] where cap = min(maxDelayMs, baseDelayMs * 2^(attempt-1)).
 */
export function backoffDelay(attempt: number, options: ResolvedRetryOptions, random: () => number): number {
  const cap = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(cap / 2 + random() * (cap / 2));
}

/** What a retried call is about, for the progress events and the final error. */
export interface CallContext {
  readonly operation: string;
  readonly target: string;
  readonly group?: string;
  readonly modelPackageArn?: string;
}

/**
 * Runs `call` until it succeeds, a non-retryable error occurs, `maxAttempts` attempts failed, or the total
 * time budget is spent. `call` receives an AbortSignal that fires at the deadline. Any failure that is
 * not a success ends in a RegistryRequestError naming the operation, the target and the last status;
 * `mapError` may turn a non-retryable failure into a more specific error first.
 */
export async function withRetry<T>(
  context: CallContext,
  call: (signal: AbortSignal) => Promise<T>,
  options: ResolvedRetryOptions,
  hooks: {
    readonly onRetry?: (event: RetryEvent) => void;
    readonly mapError?: (error: unknown, info: FailureInfo) => Error | undefined;
    readonly env?: RetryEnvironment;
  } = {},
): Promise<T> {
  const env = hooks.env ?? REAL_ENVIRONMENT;
  const start = env.now();
  const deadline = start + options.totalTimeoutMs;
  let attempt = 0;
  for (;;) {
    attempt++;
    const controller = new AbortController();
    const remaining = Math.max(1, deadline - env.now());
    const timer = setTimeout(() => controller.abort(), remaining);
    try {
      return await call(controller.signal);
    } catch (error) {
      clearTimeout(timer);
      const deadlineHit = controller.signal.aborted;
      const info = classifyFailure(error);
      const fail = (reason?: string): never => {
        const mapped = !info.retryable ? hooks.mapError?.(error, info) : undefined;
        if (mapped) throw mapped;
        throw new RegistryRequestError({
          operation: context.operation,
          target: context.target,
          group: context.group,
          modelPackageArn: context.modelPackageArn,
          statusCode: info.statusCode,
          awsErrorCode: info.code,
          awsMessage: info.message,
          attempts: attempt,
          retryable: info.retryable || deadlineHit,
          elapsedMs: env.now() - start,
          reason,
          cause: error,
        });
      };
      if (deadlineHit) fail(`the total time budget of ${options.totalTimeoutMs} ms ran out during the attempt`);
      if (!info.retryable) fail();
      if (attempt >= options.maxAttempts) fail(`gave up after the maximum of ${options.maxAttempts} attempts`);
      const delayMs = backoffDelay(attempt, options, env.random);
      if (env.now() + delayMs >= deadline) {
        fail(`the next retry (in ${delayMs} ms) would pass the total time budget of ${options.totalTimeoutMs} ms`);
      }
      hooks.onRetry?.({
        kind: 'retry',
        operation: context.operation,
        target: context.target,
        attempt,
        maxAttempts: options.maxAttempts,
        delayMs,
        statusCode: info.statusCode,
        errorCode: info.code,
      });
      await env.sleep(delayMs);
    } finally {
      clearTimeout(timer);
    }
  }
}
