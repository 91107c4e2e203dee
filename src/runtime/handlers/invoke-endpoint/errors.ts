/**
 * What the inference API answers when something goes wrong, and how SageMaker Runtime errors map to it.
 *
 * Every error response has the body `{ "error": { "code", "message", "requestId" } }`. The `code` is
 * stable (callers switch on it); the `message` is safe to show: it never carries a stack trace, an ARN
 * or an account id, and for failures inside the platform (model 5xx, service faults, misconfiguration)
 * it is a fixed sentence, while the details go to the function's log only.
 */

/** The stable error codes of the inference API (the `error.code` of a response). */
export type InferenceErrorCode =
  | 'INVALID_REQUEST'
  | 'INVALID_JSON'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'PAYLOAD_TOO_LARGE'
  | 'MODEL_CLIENT_ERROR'
  | 'VALIDATION_ERROR'
  | 'THROTTLED'
  | 'MODEL_ERROR'
  | 'MODEL_NOT_READY'
  | 'SERVICE_UNAVAILABLE'
  | 'UPSTREAM_ERROR'
  | 'ENDPOINT_NOT_FOUND'
  | 'TIMEOUT'
  | 'INTERNAL_ERROR';

/** An error answer: HTTP status, stable code, a message safe for the caller, and log-only details. */
export class InferenceError extends Error {
  /** The HTTP status code of the response. */
  public readonly status: number;
  /** The stable error code. */
  public readonly code: InferenceErrorCode;
  /** Seconds after which a retry makes sense (the Retry-After header), if any. */
  public readonly retryAfterSeconds?: number;
  /** What the log records beyond the message (the upstream error name, status, message). */
  public readonly detail?: Record<string, unknown>;

  constructor(
    status: number,
    code: InferenceErrorCode,
    message: string,
    options: { retryAfterSeconds?: number; detail?: Record<string, unknown> } = {},
  ) {
    super(message);
    this.name = 'InferenceError';
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.detail = options.detail;
  }
}

/** The longest message passed on to the caller. */
export const MAX_MESSAGE_LENGTH = 1_000;

/** Container 4xx status codes passed on as they are; any other 4xx of the container becomes 400. */
const PASSED_THROUGH_CLIENT_STATUS = new Set([400, 404, 409, 413, 415, 422, 429]);

/** Error names (AWS error codes) that mean "slow down". */
const THROTTLING = new Set(['ThrottlingException', 'Throttling', 'ThrottledException', 'TooManyRequestsException', 'RequestLimitExceeded']);

/** Network error codes: SageMaker Runtime (or its VPC endpoint) could not be reached. */
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'TimeoutError']);

const STACK_TRACE = [
  /Traceback \(most recent call last\)/,
  /^\s+at .+\(.+:\d+:\d+\)\s*$/m,
  /^\s+at [\w$.<>]+ ?\(?[^\s()]+:\d+(:\d+)?\)?\s*$/m,
  /File "[^"]+", line \d+/,
  /\bException in thread\b/,
  /^\s+at [\w$.]+\([\w$]+\.java:\d+\)/m,
];

/** Whether a text looks like (or contains) a stack trace of Python, Node.js or Java. */
export function looksLikeStackTrace(text: string): boolean {
  return STACK_TRACE.some((p) => p.test(text));
}

/**
 * A message that is safe to give to the caller: no ARNs, no account ids, no stack traces, printable,
 * at most MAX_MESSAGE_LENGTH characters. Returns `fallback` when nothing safe is left.
 */
export function safeMessage(text: unknown, fallback: string): string {
  if (typeof text !== 'string') return fallback;
  if (looksLikeStackTrace(text)) return fallback;
  let m = text
    .replace(/arn:aws[a-z-]*:[^\s"'<>,;)]+/g, '<arn>')
    .replace(/\b\d{12}\b/g, '<account>')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
    .trim();
  if (m.length === 0) return fallback;
  if (m.length > MAX_MESSAGE_LENGTH) m = `${m.slice(0, MAX_MESSAGE_LENGTH - 1)}…`;
  return m;
}

/** What an SDK v3 error says about itself. */
interface SdkErrorShape {
  readonly name?: string;
  readonly message?: string;
  readonly code?: string;
  readonly $metadata?: { readonly httpStatusCode?: number; readonly requestId?: string; readonly attempts?: number };
  readonly $fault?: string;
  readonly OriginalStatusCode?: number;
  readonly OriginalMessage?: string;
  readonly LogStreamArn?: string;
  readonly Message?: string;
}

/**
 * Maps an error thrown by `InvokeEndpointCommand` to the answer of the API:
 *
 * | SageMaker Runtime                                   | status | code                 |
 * |-----------------------------------------------------|--------|----------------------|
 * | ModelError, container answered 4xx                  | 4xx*   | MODEL_CLIENT_ERROR   |
 * | ModelError, container answered 5xx (or no status)   | 502    | MODEL_ERROR          |
 * | ValidationError "Endpoint ... not found"            | 502    | ENDPOINT_NOT_FOUND   |
 * | ValidationError (any other)                         | 400    | VALIDATION_ERROR     |
 * | ThrottlingException (or HTTP 429)                   | 429    | THROTTLED            |
 * | ModelNotReadyException                              | 503    | MODEL_NOT_READY      |
 * | ServiceUnavailable (HTTP 503)                       | 503    | SERVICE_UNAVAILABLE  |
 * | InternalFailure, InternalDependencyException, 5xx   | 502    | UPSTREAM_ERROR       |
 * | other 4xx (AccessDenied, bad credentials: our setup)| 502    | UPSTREAM_ERROR       |
 * | network error (no HTTP response)                    | 502    | UPSTREAM_ERROR       |
 *
 * (*) 400, 404, 409, 413, 415, 422 and 429 of the container are passed on; any other 4xx becomes 400,
 * so that a container's 401/403 is never mistaken for the API's own authorization failure.
 */
export function mapInvokeError(error: unknown): InferenceError {
  const e = (error ?? {}) as SdkErrorShape;
  const name = typeof e.name === 'string' ? e.name : 'Error';
  const status = e.$metadata?.httpStatusCode;
  const detail: Record<string, unknown> = {
    errorName: name,
    upstreamStatus: status,
    upstreamRequestId: e.$metadata?.requestId,
    attempts: e.$metadata?.attempts,
    upstreamMessage: typeof e.message === 'string' ? e.message.slice(0, 4_000) : undefined,
  };

  if (name === 'ModelError') {
    const original = typeof e.OriginalStatusCode === 'number' ? e.OriginalStatusCode : undefined;
    const modelDetail = { ...detail, modelStatus: original, modelMessage: e.OriginalMessage?.slice(0, 4_000), logStreamArn: e.LogStreamArn };
    if (original !== undefined && original >= 400 && original <= 499) {
      return new InferenceError(
        PASSED_THROUGH_CLIENT_STATUS.has(original) ? original : 400,
        'MODEL_CLIENT_ERROR',
        safeMessage(e.OriginalMessage, 'the model rejected the request'),
        { detail: modelDetail, retryAfterSeconds: original === 429 ? 1 : undefined },
      );
    }
    return new InferenceError(502, 'MODEL_ERROR', 'the model failed to process the request', { detail: modelDetail });
  }
  if (name === 'ValidationError') {
    if (/endpoint .* not found/i.test(e.message ?? '')) {
      return new InferenceError(502, 'ENDPOINT_NOT_FOUND', 'the inference endpoint is not available', { detail });
    }
    return new InferenceError(400, 'VALIDATION_ERROR', safeMessage(e.message, 'the request is not valid for the inference endpoint'), { detail });
  }
  if (name === 'ModelNotReadyException') {
    return new InferenceError(503, 'MODEL_NOT_READY', 'the model is not ready yet: retry later', { detail, retryAfterSeconds: 5 });
  }
  if (THROTTLING.has(name) || status === 429) {
    return new InferenceError(429, 'THROTTLED', 'too many requests: retry with backoff', { detail, retryAfterSeconds: 1 });
  }
  if (name === 'ServiceUnavailable' || status === 503) {
    return new InferenceError(503, 'SERVICE_UNAVAILABLE', 'the inference service is unavailable: retry later', { detail, retryAfterSeconds: 1 });
  }
  if (status !== undefined) {
    // InternalFailure (500), InternalDependencyException (530), any other 5xx, and 4xx that are not the
    // caller's fault (AccessDenied, invalid credentials, unknown operation): a fault of the platform
    return new InferenceError(502, 'UPSTREAM_ERROR', 'the inference service failed to process the request', { detail });
  }
  const code = typeof e.code === 'string' ? e.code : name;
  if (NETWORK.has(code) || NETWORK.has(name) || /\b(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH)\b/.test(e.message ?? '')) {
    return new InferenceError(502, 'UPSTREAM_ERROR', 'the inference service could not be reached', { detail: { ...detail, networkError: code } });
  }
  return new InferenceError(500, 'INTERNAL_ERROR', 'internal error', { detail });
}
