/**
 * A small fake of the SageMaker Runtime `InvokeEndpoint` API on 127.0.0.1, for the real
 * `@aws-sdk/client-sagemaker-runtime` client: `POST /endpoints/{EndpointName}/invocations` (restJson1),
 * with the wire format of the service: the response body is the model's bytes with its Content-Type and
 * `X-Amzn-Invoked-Production-Variant`; errors carry `x-amzn-ErrorType`, `x-amzn-RequestId` and the JSON
 * error body of the service (e.g. ModelError's `OriginalStatusCode`, `OriginalMessage`, `LogStreamArn`).
 *
 * moto (5.x) answers InvokeEndpoint only with canned successes and cannot produce these errors, so the
 * handler's error mapping is tested against this fake instead.
 */
import { randomUUID } from 'crypto';
import * as http from 'http';
import * as net from 'net';

/** One request the fake received. */
export interface FakeRequest {
  readonly method: string;
  readonly path: string;
  /** The endpoint name from the path (URL-decoded). */
  readonly endpointName?: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
  /** When it arrived (ms since epoch). */
  readonly at: number;
}

/** What the fake answers: a status with headers and body, optionally after a delay; or never ('hang'). */
export type FakeAnswer = { readonly status: number; readonly headers?: Record<string, string>; readonly body?: string | Buffer; readonly delayMs?: number } | 'hang';

/** A running fake. */
export interface FakeRuntime {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Every request so far. */
  readonly requests: FakeRequest[];
  /** Decides the answer of each request (index counts from 0 since the last `reset`). */
  respond: (req: FakeRequest, index: number) => FakeAnswer;
  /** Forgets the requests and answers with a 200 echo again. */
  reset(): void;
  stop(): Promise<void>;
}

const ACCOUNT = '222222222222';
const REGION = 'eu-central-1';

/** A successful invocation: the model's bytes, content type and variant. */
export function invocationResult(body: string | Buffer, contentType = 'application/json', variant = 'AllTraffic'): FakeAnswer {
  return { status: 200, headers: { 'Content-Type': contentType, 'X-Amzn-Invoked-Production-Variant': variant }, body };
}

/** An error as the service sends it (restJson1: x-amzn-ErrorType header and JSON body). */
export function serviceError(status: number, errorType: string, body: Record<string, unknown>): FakeAnswer {
  return { status, headers: { 'Content-Type': 'application/json', 'x-amzn-ErrorType': errorType }, body: JSON.stringify(body) };
}

/** ModelError (HTTP 424): the container answered `originalStatus` with `originalMessage`. */
export function modelError(endpointName: string, originalStatus: number, originalMessage: string): FakeAnswer {
  const kind = originalStatus < 500 ? 'client' : 'server';
  const logGroup = `/aws/sagemaker/Endpoints/${endpointName}`;
  return serviceError(424, 'ModelError:http://internal.amazon.com/coral/com.amazon.sagemaker.runtime/', {
    ErrorCode: originalStatus < 500 ? 'CLIENT_ERROR_FROM_MODEL' : 'SERVER_ERROR_FROM_MODEL',
    LogStreamArn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${logGroup}`,
    Message:
      `Received ${kind} error (${originalStatus}) from primary with message "${originalMessage}". See ` +
      `https://${REGION}.console.aws.amazon.com/cloudwatch/home?region=${REGION}#logEventViewer:group=${logGroup} in account ${ACCOUNT} for more information.`,
    OriginalMessage: originalMessage,
    OriginalStatusCode: originalStatus,
  });
}

/** ValidationError (HTTP 400), as the service's validation layer sends it (lowercase `message`). */
export function validationError(message: string): FakeAnswer {
  return serviceError(400, 'ValidationError:http://internal.amazon.com/coral/com.amazon.coral.validate/', { message });
}

/** ThrottlingException (HTTP 400, as SageMaker Runtime sends it). */
export function throttling(): FakeAnswer {
  return serviceError(400, 'ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.availability/', { message: 'Rate exceeded' });
}

/** ServiceUnavailable (HTTP 503). */
export function serviceUnavailable(): FakeAnswer {
  return serviceError(503, 'ServiceUnavailable', { Message: 'The service is unavailable. Try again later.' });
}

/** InternalFailure (HTTP 500). */
export function internalFailure(): FakeAnswer {
  return serviceError(500, 'InternalFailure', { Message: 'An internal error occurred.' });
}

/** ModelNotReadyException (HTTP 429). */
export function modelNotReady(): FakeAnswer {
  return serviceError(429, 'ModelNotReadyException', { Message: 'Model is not ready for inference yet.' });
}

/** Starts the fake on a free loopback port. By default it echoes the request body back with status 200. */
export async function startFakeRuntime(): Promise<FakeRuntime> {
  const requests: FakeRequest[] = [];
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let index = 0;
  const echo = (req: FakeRequest): FakeAnswer => invocationResult(req.body, String(req.headers['content-type'] ?? 'application/octet-stream'));
  const fake: FakeRuntime = {
    url: '',
    requests,
    respond: echo,
    reset: () => {
      requests.length = 0;
      index = 0;
      fake.respond = echo;
    },
    stop: async () => {
      for (const t of timers) clearTimeout(t);
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '';
      const m = /^\/endpoints\/([^/]+)\/invocations$/.exec(path.split('?')[0]);
      const request: FakeRequest = {
        method: req.method ?? '',
        path,
        endpointName: m ? decodeURIComponent(m[1]) : undefined,
        headers: req.headers,
        body: Buffer.concat(chunks),
        at: Date.now(),
      };
      requests.push(request);
      const answer: FakeAnswer =
        req.method !== 'POST' || !m ? serviceError(404, 'UnknownOperationException', { message: `no operation at ${req.method} ${path}` }) : fake.respond(request, index++);
      if (answer === 'hang') return;
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(answer.status, { 'x-amzn-RequestId': randomUUID(), ...answer.headers });
        res.end(answer.body ?? '');
      };
      if (answer.delayMs) {
        const t = setTimeout(() => {
          timers.delete(t);
          send();
        }, answer.delayMs);
        timers.add(t);
      } else {
        send();
      }
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  (fake as { url: string }).url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  return fake;
}
