/**
 * The handler of `POST /invocations`: checks the request, calls SageMaker Runtime `InvokeEndpoint`
 * within a deadline a little below the Lambda timeout, and answers with the model's response or with a
 * JSON error `{ "error": { "code", "message", "requestId" } }` (see errors.ts for the mapping).
 */
// the SDK is a devDependency on purpose: esbuild bundles it into assets/runtime (scripts/bundle-runtime.mjs)
import { InvokeEndpointCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { HandlerConfig } from './config';
import { InferenceError, mapInvokeError } from './errors';
import { parseInvocation } from './request';

/** The Lambda handler's signature. */
export type InvokeHandler = (event: APIGatewayProxyEvent, context: Pick<Context, 'awsRequestId' | 'getRemainingTimeInMillis'>) => Promise<APIGatewayProxyResult>;

/** One structured log entry (one per request). */
export type LogEntry = Record<string, unknown> & { readonly level: 'INFO' | 'WARN' | 'ERROR'; readonly message: string };

/** Where log entries go: by default one JSON line on stdout (INFO) or stderr (WARN, ERROR). */
export function consoleLog(entry: LogEntry): void {
  const line = JSON.stringify(entry);
  if (entry.level === 'INFO') console.log(line);
  else console.error(line);
}

/** What the handler needs. */
export interface HandlerDependencies {
  /** The settings, or a function that returns them (called once, on the first request). */
  readonly config: HandlerConfig | (() => HandlerConfig);
  /** The SageMaker Runtime client, or a function that makes it from the settings (called once). */
  readonly client: SageMakerRuntimeClient | ((config: HandlerConfig) => SageMakerRuntimeClient);
  /** The log. @default consoleLog */
  readonly log?: (entry: LogEntry) => void;
  /** The clock. @default Date.now */
  readonly now?: () => number;
}

/** Options of the SageMaker Runtime client the handler makes. */
export interface RuntimeClientOptions {
  /** SDK attempts per invocation. */
  readonly maxAttempts: number;
  /** An endpoint URL (tests, emulators). @default - the regional endpoint, or AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME */
  readonly endpoint?: string;
  /** The region. @default - AWS_REGION */
  readonly region?: string;
  /** Static credentials (tests). @default - the SDK's default chain (the function's role) */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** How long a TCP connection may take to open, in ms. @default 2000 */
  readonly connectionTimeoutMs?: number;
}

/**
 * The SageMaker Runtime client of the handler: standard retry mode bounded to `maxAttempts` attempts
 * (it retries throttling, 5xx and ModelNotReadyException; never ModelError or ValidationError), a short
 * connection timeout. The overall bound is the handler's deadline, which aborts the request.
 */
export function createRuntimeClient(options: RuntimeClientOptions): SageMakerRuntimeClient {
  return new SageMakerRuntimeClient({
    region: options.region,
    endpoint: options.endpoint,
    credentials: options.credentials,
    maxAttempts: options.maxAttempts,
    retryMode: 'standard',
    requestHandler: { connectionTimeout: options.connectionTimeoutMs ?? 2_000 },
  });
}

/** Media types whose bytes are returned as text; anything else is returned base64-encoded. */
function isText(contentType: string): boolean {
  const t = contentType.split(';')[0].trim().toLowerCase();
  return t.startsWith('text/') || t === 'application/json' || t.endsWith('+json') || t === 'application/xml' || t.endsWith('+xml') || t === 'application/jsonlines' || t === 'application/x-ndjson';
}

const SECURITY_HEADERS = { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' };

/** The JSON error answer of an InferenceError. */
export function errorResponse(error: InferenceError, requestId: string): APIGatewayProxyResult {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', ...SECURITY_HEADERS };
  if (error.retryAfterSeconds !== undefined) headers['Retry-After'] = String(error.retryAfterSeconds);
  return {
    statusCode: error.status,
    headers,
    body: JSON.stringify({ error: { code: error.code, message: error.message, requestId } }),
  };
}

/** The marker of the handler's own deadline. */
class DeadlineReached extends Error {
  constructor(readonly budgetMs: number) {
    super(`no answer from SageMaker Runtime within ${budgetMs} ms`);
  }
}

/** The handler, with its dependencies injected (index.ts wires the real ones). */
export function createHandler(deps: HandlerDependencies): InvokeHandler {
  const log = deps.log ?? consoleLog;
  const now = deps.now ?? Date.now;
  let config: HandlerConfig | undefined;
  let client: SageMakerRuntimeClient | undefined;

  return async (event, context) => {
    const started = now();
    const requestId = event?.requestContext?.requestId ?? context.awsRequestId;
    const base = { requestId, lambdaRequestId: context.awsRequestId };
    try {
      try {
        config ??= typeof deps.config === 'function' ? deps.config() : deps.config;
        client ??= typeof deps.client === 'function' ? deps.client(config) : deps.client;
      } catch (e) {
        throw new InferenceError(500, 'INTERNAL_ERROR', 'internal error', { detail: { configurationError: (e as Error).message } });
      }
      const request = parseInvocation(event, { contentTypes: config.contentTypes, maxBodyBytes: config.maxBodyBytes });

      const budgetMs = context.getRemainingTimeInMillis() - config.deadlineMarginMs;
      if (budgetMs <= 0) {
        throw new InferenceError(504, 'TIMEOUT', 'the model did not answer in time', { detail: { budgetMs } });
      }
      const controller = new AbortController();
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          controller.abort();
          reject(new DeadlineReached(budgetMs));
        }, budgetMs);
      });
      const call = client.send(
        new InvokeEndpointCommand({
          EndpointName: config.endpointName,
          Body: request.body,
          ContentType: request.contentType,
          Accept: request.accept,
        }),
        { abortSignal: controller.signal },
      );
      call.catch(() => undefined); // the deadline may win the race; its late rejection is expected
      let out;
      try {
        out = await Promise.race([call, deadline]);
      } catch (e) {
        if (e instanceof DeadlineReached || controller.signal.aborted) {
          throw new InferenceError(504, 'TIMEOUT', 'the model did not answer in time', { detail: { budgetMs } });
        }
        throw mapInvokeError(e);
      } finally {
        clearTimeout(timer);
      }

      const bytes = out.Body ?? new Uint8Array();
      const contentType = out.ContentType ?? 'application/octet-stream';
      const text = isText(contentType);
      const headers: Record<string, string> = { 'Content-Type': contentType, ...SECURITY_HEADERS };
      if (out.InvokedProductionVariant) headers['X-Invoked-Production-Variant'] = out.InvokedProductionVariant;
      log({
        level: 'INFO',
        message: 'invocation succeeded',
        ...base,
        status: 200,
        contentType: request.contentType,
        requestBytes: request.body.byteLength,
        responseBytes: bytes.byteLength,
        variant: out.InvokedProductionVariant,
        upstreamRequestId: out.$metadata.requestId,
        attempts: out.$metadata.attempts,
        elapsedMs: now() - started,
      });
      return {
        statusCode: 200,
        headers,
        body: Buffer.from(bytes).toString(text ? 'utf-8' : 'base64'),
        isBase64Encoded: !text,
      };
    } catch (e) {
      const error = e instanceof InferenceError ? e : new InferenceError(500, 'INTERNAL_ERROR', 'internal error', { detail: { unexpected: String(e) } });
      log({
        level: error.status >= 500 ? 'ERROR' : 'WARN',
        message: 'invocation failed',
        ...base,
        status: error.status,
        code: error.code,
        reason: error.message,
        ...error.detail,
        elapsedMs: now() - started,
      });
      return errorResponse(error, requestId);
    }
  };
}
