/**
 * The invoke-endpoint handler (src/runtime/handlers/invoke-endpoint) with the REAL SageMaker Runtime
 * client of the AWS SDK v3 against a fake InvokeEndpoint server on 127.0.0.1 that speaks the service's
 * wire format: success passthrough, the error mapping, the SDK's bounded retries and the deadline.
 */
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import {
  FakeRuntime,
  internalFailure,
  invocationResult,
  modelError,
  modelNotReady,
  serviceError,
  serviceUnavailable,
  startFakeRuntime,
  throttling,
  validationError,
} from './fake-sagemaker-runtime';
import { invocationEvent, lambdaContext } from './invoke-endpoint-fixtures';
import { HandlerConfig } from '../../../src/runtime/handlers/invoke-endpoint/config';
import { createHandler, createRuntimeClient, InvokeHandler, LogEntry } from '../../../src/runtime/handlers/invoke-endpoint/handler';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const ENDPOINT = 'churn-endpoint';
let fake: FakeRuntime;

function config(extra: Partial<HandlerConfig> = {}): HandlerConfig {
  return { endpointName: ENDPOINT, maxAttempts: 1, deadlineMarginMs: 500, maxBodyBytes: 6 * 1024 * 1024, contentTypes: ['application/json', 'text/csv'], ...extra };
}

function client(maxAttempts = 1): SageMakerRuntimeClient {
  return createRuntimeClient({ maxAttempts, endpoint: fake.url, region: 'eu-central-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
}

function handlerWith(extra: Partial<HandlerConfig> = {}): { handler: InvokeHandler; logs: LogEntry[] } {
  const logs: LogEntry[] = [];
  const cfg = config(extra);
  return { handler: createHandler({ config: cfg, client: client(cfg.maxAttempts), log: (e) => logs.push(e) }), logs };
}

function errorOf(res: { body: string }): { code: string; message: string; requestId: string } {
  const parsed = JSON.parse(res.body);
  expect(Object.keys(parsed)).toEqual(['error']);
  expect(Object.keys(parsed.error).sort()).toEqual(['code', 'message', 'requestId']);
  return parsed.error;
}

beforeAll(async () => {
  fake = await startFakeRuntime();
});
afterAll(async () => {
  await fake.stop();
});
beforeEach(() => fake.reset());

describe('success', () => {
  test('JSON: body, content type and Accept go to InvokeEndpoint of the configured endpoint; the model answer comes back as is', async () => {
    fake.respond = () => invocationResult('{"predictions":[0.91]}', 'application/json', 'blue');
    const { handler, logs } = handlerWith();
    const res = await handler(invocationEvent('{"instances":[[1,2,3]]}', { 'content-type': 'application/json; charset=utf-8', 'Accept': 'application/json' }), lambdaContext());

    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('{"predictions":[0.91]}');
    expect(res.isBase64Encoded).toBe(false);
    expect(res.headers).toEqual({ 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', 'X-Invoked-Production-Variant': 'blue' });

    expect(fake.requests).toHaveLength(1);
    const req = fake.requests[0];
    expect(req.method).toBe('POST');
    expect(req.endpointName).toBe(ENDPOINT);
    expect(req.body.toString('utf-8')).toBe('{"instances":[[1,2,3]]}');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers.accept).toBe('application/json');
    expect(String(req.headers.authorization)).toMatch(/^AWS4-HMAC-SHA256 Credential=testing\/\d{8}\/eu-central-1\/sagemaker\/aws4_request/);

    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ level: 'INFO', status: 200, requestId: 'apigw-request-1', lambdaRequestId: 'lambda-request-1', variant: 'blue', attempts: 1 });
  });

  test('CSV: text/csv is passed through; a csv answer stays text', async () => {
    fake.respond = () => invocationResult('0.12\n0.87\n', 'text/csv');
    const { handler } = handlerWith();
    const res = await handler(invocationEvent('5.1,3.5,1.4,0.2\n6.2,2.9,4.3,1.3\n', { 'Content-Type': 'text/csv' }), lambdaContext());
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('0.12\n0.87\n');
    expect(res.headers?.['Content-Type']).toBe('text/csv');
    expect(fake.requests[0].headers['content-type']).toBe('text/csv');
    expect(fake.requests[0].body.toString('utf-8')).toBe('5.1,3.5,1.4,0.2\n6.2,2.9,4.3,1.3\n');
  });

  test('a base64-encoded request body is decoded; a binary answer is returned base64-encoded', async () => {
    const binary = Buffer.from([0, 1, 2, 250, 251, 252]);
    fake.respond = () => invocationResult(binary, 'application/x-npy');
    const { handler } = handlerWith();
    const res = await handler(invocationEvent(Buffer.from('{"a":1}').toString('base64'), { 'Content-Type': 'application/json' }, { isBase64Encoded: true }), lambdaContext());
    expect(res.statusCode).toBe(200);
    expect(res.isBase64Encoded).toBe(true);
    expect(Buffer.from(res.body, 'base64')).toEqual(binary);
    expect(fake.requests[0].body.toString('utf-8')).toBe('{"a":1}');
  });
});

describe('bad requests are refused without calling the endpoint', () => {
  const cases: Array<[string, string | null, Record<string, string>, number, string]> = [
    ['malformed JSON', '{"instances": [1, 2', { 'Content-Type': 'application/json' }, 400, 'INVALID_JSON'],
    ['no body', null, { 'Content-Type': 'application/json' }, 400, 'INVALID_REQUEST'],
    ['a blank CSV body', '  \n ', { 'Content-Type': 'text/csv' }, 400, 'INVALID_REQUEST'],
    ['no Content-Type', '{"a":1}', {}, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['an unsupported content type', '<x/>', { 'Content-Type': 'application/xml' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['a charset other than UTF-8', '{"a":1}', { 'Content-Type': 'application/json; charset=iso-8859-1' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
  ];
  test.each(cases)('%s', async (_name, body, headers, status, code) => {
    const { handler, logs } = handlerWith();
    const res = await handler(invocationEvent(body, headers), lambdaContext());
    expect(res.statusCode).toBe(status);
    expect(errorOf(res)).toMatchObject({ code, requestId: 'apigw-request-1' });
    expect(res.headers?.['Content-Type']).toBe('application/json');
    expect(fake.requests).toHaveLength(0);
    expect(logs[0]).toMatchObject({ level: 'WARN', status, code });
  });

  test('a body over the limit: 413', async () => {
    const { handler } = handlerWith({ maxBodyBytes: 100 });
    const res = await handler(invocationEvent(JSON.stringify({ x: 'a'.repeat(200) })), lambdaContext());
    expect(res.statusCode).toBe(413);
    expect(errorOf(res).code).toBe('PAYLOAD_TOO_LARGE');
    expect(fake.requests).toHaveLength(0);
  });

  test('a body that is not UTF-8: 400', async () => {
    const { handler } = handlerWith();
    const res = await handler(invocationEvent(Buffer.from([0xff, 0xfe, 0x41]).toString('base64'), { 'Content-Type': 'text/csv' }, { isBase64Encoded: true }), lambdaContext());
    expect(res.statusCode).toBe(400);
    expect(errorOf(res).code).toBe('INVALID_REQUEST');
    expect(fake.requests).toHaveLength(0);
  });
});

describe('SageMaker Runtime errors', () => {
  test('ModelError with a 4xx from the container: the same 4xx with the container message, nothing else of the wrapper', async () => {
    fake.respond = () => modelError(ENDPOINT, 400, 'feature "age" must be a number');
    const { handler, logs } = handlerWith();
    const res = await handler(invocationEvent('{"age":"x"}'), lambdaContext());
    expect(res.statusCode).toBe(400);
    expect(errorOf(res)).toEqual({ code: 'MODEL_CLIENT_ERROR', message: 'feature "age" must be a number', requestId: 'apigw-request-1' });
    expect(res.body).not.toMatch(/222222222222|arn:aws|console\.aws/);
    expect(logs[0]).toMatchObject({ level: 'WARN', errorName: 'ModelError', upstreamStatus: 424, modelStatus: 400 });
    expect(String(logs[0].logStreamArn)).toContain('/aws/sagemaker/Endpoints/churn-endpoint');
  });

  test('ModelError with 422 and 404 are passed on; 403 from the container becomes 400', async () => {
    const { handler } = handlerWith();
    for (const [original, expected] of [
      [422, 422],
      [404, 404],
      [403, 400],
    ]) {
      fake.respond = () => modelError(ENDPOINT, original, `status ${original}`);
      const res = await handler(invocationEvent('{}'), lambdaContext());
      expect([original, res.statusCode, errorOf(res).code]).toEqual([original, expected, 'MODEL_CLIENT_ERROR']);
    }
  });

  test('ModelError 4xx whose message is a stack trace: a generic message, the trace only in the log', async () => {
    const trace = 'Traceback (most recent call last):\n  File "/opt/ml/code/inference.py", line 42, in predict\nValueError: bad shape';
    fake.respond = () => modelError(ENDPOINT, 400, trace);
    const { handler, logs } = handlerWith();
    const res = await handler(invocationEvent('{}'), lambdaContext());
    expect(res.statusCode).toBe(400);
    expect(errorOf(res).message).toBe('the model rejected the request');
    expect(res.body).not.toMatch(/Traceback|inference\.py/);
    expect(String(logs[0].modelMessage)).toContain('Traceback');
  });

  test('ModelError with a 5xx from the container: 502 with a fixed message (the container message only in the log)', async () => {
    fake.respond = () => modelError(ENDPOINT, 500, 'CUDA out of memory at /opt/ml/model/code.py');
    const { handler, logs } = handlerWith({ maxAttempts: 2 });
    const res = await handler(invocationEvent('{}'), lambdaContext());
    expect(res.statusCode).toBe(502);
    expect(errorOf(res)).toEqual({ code: 'MODEL_ERROR', message: 'the model failed to process the request', requestId: 'apigw-request-1' });
    expect(res.body).not.toContain('CUDA');
    expect(fake.requests).toHaveLength(1); // ModelError is not retried, even with 2 attempts allowed
    expect(logs[0]).toMatchObject({ level: 'ERROR', modelStatus: 500, modelMessage: 'CUDA out of memory at /opt/ml/model/code.py' });
  });

  test('ValidationError: 400 with the service message, account ids and ARNs removed', async () => {
    fake.respond = () => validationError('1 validation error detected: Value at \'contentType\' failed to satisfy constraint (account 123456789012)');
    const { handler } = handlerWith();
    const res = await handler(invocationEvent('{}'), lambdaContext());
    expect(res.statusCode).toBe(400);
    const error = errorOf(res);
    expect(error.code).toBe('VALIDATION_ERROR');
    expect(error.message).toBe("1 validation error detected: Value at 'contentType' failed to satisfy constraint (account <account>)");
  });

  test('ValidationError "endpoint not found" is a platform fault: 502, no endpoint or account in the answer', async () => {
    fake.respond = () => validationError(`Endpoint ${ENDPOINT} of account 222222222222 not found.`);
    const { handler } = handlerWith();
    const res = await handler(invocationEvent('{}'), lambdaContext());
    expect(res.statusCode).toBe(502);
    expect(errorOf(res)).toMatchObject({ code: 'ENDPOINT_NOT_FOUND', message: 'the inference endpoint is not available' });
    expect(res.body).not.toMatch(/222222222222|churn-endpoint/);
  });

  test('ThrottlingException: 429 with Retry-After, after the bounded SDK retries (2 attempts)', async () => {
    fake.respond = () => throttling();
    const { handler, logs } = handlerWith({ maxAttempts: 2 });
    const res = await handler(invocationEvent('{}'), lambdaContext());
    expect(res.statusCode).toBe(429);
    expect(res.headers?.['Retry-After']).toBe('1');
    expect(errorOf(res).code).toBe('THROTTLED');
    expect(fake.requests).toHaveLength(2);
    expect(logs[0]).toMatchObject({ errorName: 'ThrottlingException', attempts: 2 });
  });

  test('a throttled first attempt and a successful retry: 200', async () => {
    fake.respond = (_req, i) => (i === 0 ? throttling() : invocationResult('{"ok":true}'));
    const { handler } = handlerWith({ maxAttempts: 2 });
    const res = await handler(invocationEvent('{}'), lambdaContext());
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('{"ok":true}');
    expect(fake.requests).toHaveLength(2);
  });

  test('ServiceUnavailable: 503 with Retry-After, retried once with maxAttempts 2', async () => {
    fake.respond = () => serviceUnavailable();
    const { handler } = handlerWith({ maxAttempts: 2 });
    const res = await handler(invocationEvent('{}'), lambdaContext());
    expect(res.statusCode).toBe(503);
    expect(res.headers?.['Retry-After']).toBe('1');
    expect(errorOf(res).code).toBe('SERVICE_UNAVAILABLE');
    expect(fake.requests).toHaveLength(2);
  });

  test('ModelNotReadyException: 503 MODEL_NOT_READY', async () => {
    fake.respond = () => modelNotReady();
    const { handler } = handlerWith();
    const res = await handler(invocationEvent('{}'), lambdaContext());
    expect(res.statusCode).toBe(503);
    expect(res.headers?.['Retry-After']).toBe('5');
    expect(errorOf(res).code).toBe('MODEL_NOT_READY');
  });

  test('InternalFailure and InternalDependencyException: 502 UPSTREAM_ERROR', async () => {
    const { handler } = handlerWith();
    for (const answer of [internalFailure(), serviceError(530, 'InternalDependencyException', { Message: 'dependency failed' })]) {
      fake.respond = () => answer;
      const res = await handler(invocationEvent('{}'), lambdaContext());
      expect(res.statusCode).toBe(502);
      expect(errorOf(res)).toMatchObject({ code: 'UPSTREAM_ERROR', message: 'the inference service failed to process the request' });
    }
  });

  test('AccessDenied (a fault of the function role, not of the caller): 502, the IAM message only in the log', async () => {
    fake.respond = () =>
      serviceError(403, 'AccessDeniedException', { message: 'User: arn:aws:sts::222222222222:assumed-role/x/y is not authorized to perform: sagemaker:InvokeEndpoint' });
    const { handler, logs } = handlerWith();
    const res = await handler(invocationEvent('{}'), lambdaContext());
    expect(res.statusCode).toBe(502);
    expect(res.body).not.toMatch(/arn:aws|222222222222|not authorized/);
    expect(String(logs[0].upstreamMessage)).toContain('not authorized');
  });

  test('the service cannot be reached (connection refused): 502 UPSTREAM_ERROR', async () => {
    const other = await startFakeRuntime();
    const url = other.url;
    await other.stop();
    const logs: LogEntry[] = [];
    const handler = createHandler({
      config: config(),
      client: createRuntimeClient({ maxAttempts: 1, endpoint: url, region: 'eu-central-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } }),
      log: (e) => logs.push(e),
    });
    const res = await handler(invocationEvent('{}'), lambdaContext());
    expect(res.statusCode).toBe(502);
    expect(errorOf(res)).toMatchObject({ code: 'UPSTREAM_ERROR', message: 'the inference service could not be reached' });
  });
});

describe('the deadline', () => {
  test('a model slower than the deadline: 504 TIMEOUT once the budget (remaining time - margin) is spent, not later', async () => {
    fake.respond = () => ({ ...(invocationResult('{"late":true}') as object), delayMs: 5_000 }) as any;
    const { handler, logs } = handlerWith({ deadlineMarginMs: 500, maxAttempts: 2 });
    const started = Date.now();
    const res = await handler(invocationEvent('{}'), lambdaContext(1_500)); // budget: 1500 - 500 = 1000 ms
    const elapsed = Date.now() - started;
    expect(res.statusCode).toBe(504);
    expect(errorOf(res)).toMatchObject({ code: 'TIMEOUT', message: 'the model did not answer in time' });
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeLessThan(1_500); // answered before the (simulated) Lambda timeout of 1500 ms
    expect(fake.requests).toHaveLength(1); // the aborted attempt is not retried
    expect(logs[0]).toMatchObject({ level: 'ERROR', code: 'TIMEOUT', budgetMs: expect.any(Number) });
  });

  test('a server that never answers, with retries allowed: still 504 within the budget', async () => {
    fake.respond = () => 'hang';
    const { handler } = handlerWith({ deadlineMarginMs: 200, maxAttempts: 3 });
    const started = Date.now();
    const res = await handler(invocationEvent('{}'), lambdaContext(800));
    const elapsed = Date.now() - started;
    expect(res.statusCode).toBe(504);
    expect(elapsed).toBeLessThan(800);
  });

  test('no time left at all (remaining time below the margin): 504 without calling the endpoint', async () => {
    const { handler } = handlerWith({ deadlineMarginMs: 1_000 });
    const res = await handler(invocationEvent('{}'), lambdaContext(900));
    expect(res.statusCode).toBe(504);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('configuration', () => {
  test('a configuration error is a 500 INTERNAL_ERROR JSON answer, the reason only in the log', async () => {
    const logs: LogEntry[] = [];
    const handler = createHandler({
      config: () => {
        throw new Error('ENDPOINT_NAME must be a SageMaker endpoint name');
      },
      client: () => client(),
      log: (e) => logs.push(e),
    });
    const res = await handler(invocationEvent('{}'), lambdaContext());
    expect(res.statusCode).toBe(500);
    expect(errorOf(res)).toEqual({ code: 'INTERNAL_ERROR', message: 'internal error', requestId: 'apigw-request-1' });
    expect(logs[0]).toMatchObject({ level: 'ERROR', configurationError: 'ENDPOINT_NAME must be a SageMaker endpoint name' });
  });
});
