/**
 * The BUNDLED handler (assets/runtime/handlers/invoke-endpoint/index.js, built by
 * scripts/bundle-runtime.mjs when missing or older than its sources), loaded the way Lambda loads it
 * (`require(...).handler`) in a separate Node.js process whose environment is what the InferenceApi
 * construct sets, plus the SDK's endpoint override pointing at the fake SageMaker Runtime.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FakeRuntime, invocationResult, modelError, startFakeRuntime } from './fake-sagemaker-runtime';
import { invocationEvent } from './invoke-endpoint-fixtures';
import { fakeAwsEnv } from '../../helpers/moto';
import { ensureRuntimeBundle, HANDLER_BUNDLE } from '../../helpers/runtime-bundle';

const BUNDLE = HANDLER_BUNDLE;


/**
 * Runs `require(<copy of the bundle>).handler(event, context)` in a child process whose working
 * directory is a temporary folder outside the repository, so that nothing but the bundle itself can be
 * resolved (no node_modules), as in the Lambda runtime.
 */
function invokeBundle(event: unknown, env: NodeJS.ProcessEnv, remainingMs = 10_000): Promise<{ result: any; stdout: string; stderr: string }> {
  const script = `
    const { handler } = require(${JSON.stringify(isolated)});
    const start = Date.now();
    const context = { awsRequestId: 'bundle-request', getRemainingTimeInMillis: () => ${remainingMs} - (Date.now() - start) };
    handler(JSON.parse(process.argv[1]), context).then((r) => process.stdout.write('RESULT ' + JSON.stringify(r) + '\\n'));
  `;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['-e', script, JSON.stringify(event)], { cwd: tmp, env, timeout: 30_000 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`${error.message}\n${stderr}`));
      const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
      if (!line) return reject(new Error(`no result:\n${stdout}\n${stderr}`));
      resolve({ result: JSON.parse(line.slice('RESULT '.length)), stdout, stderr });
    });
  });
}

let fake: FakeRuntime;
let env: NodeJS.ProcessEnv;
let tmp: string;
let isolated: string;

beforeAll(async () => {
  ensureRuntimeBundle(HANDLER_BUNDLE);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'invoke-endpoint-bundle-'));
  isolated = path.join(tmp, 'index.js');
  fs.copyFileSync(BUNDLE, isolated);
  fake = await startFakeRuntime();
  env = fakeAwsEnv(fake.url, {
    AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME: fake.url,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ENDPOINT_NAME: 'fraud-endpoint',
    MAX_ATTEMPTS: '1',
    DEADLINE_MARGIN_MS: '1000',
  });
  delete env.NODE_PATH; // only the bundle itself may be resolvable
});
afterAll(async () => {
  await fake?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});
beforeEach(() => fake.reset());

test('the bundle is one self-contained file under 1 MiB (the SDK is inside: no node_modules next to it in the tests)', () => {
  expect(fs.statSync(BUNDLE).size).toBeLessThan(1024 * 1024);
  expect(fs.readdirSync(path.dirname(BUNDLE))).toEqual(['index.js']);
});

test('bundled handler: success through the real SDK, endpoint name from ENDPOINT_NAME, JSON log line on stdout', async () => {
  fake.respond = () => invocationResult('{"fraud":false}', 'application/json', 'AllTraffic');
  const { result, stdout } = await invokeBundle(invocationEvent('{"amount":12.5}'), env);
  expect(result).toMatchObject({ statusCode: 200, body: '{"fraud":false}', isBase64Encoded: false });
  expect(result.headers['X-Invoked-Production-Variant']).toBe('AllTraffic');
  expect(fake.requests).toHaveLength(1);
  expect(fake.requests[0].endpointName).toBe('fraud-endpoint');
  expect(fake.requests[0].body.toString()).toBe('{"amount":12.5}');
  const log = JSON.parse(stdout.split('\n').find((l) => l.includes('invocation succeeded'))!);
  expect(log).toMatchObject({ level: 'INFO', status: 200, requestId: 'apigw-request-1', lambdaRequestId: 'bundle-request' });
});

test('bundled handler: container 4xx is a 400 with the container message; malformed JSON never reaches the endpoint', async () => {
  fake.respond = () => modelError('fraud-endpoint', 400, 'amount must be positive');
  const bad = await invokeBundle(invocationEvent('{"amount":-1}'), env);
  expect(bad.result.statusCode).toBe(400);
  expect(JSON.parse(bad.result.body)).toEqual({ error: { code: 'MODEL_CLIENT_ERROR', message: 'amount must be positive', requestId: 'apigw-request-1' } });

  fake.reset();
  const malformed = await invokeBundle(invocationEvent('{"amount":'), env);
  expect(malformed.result.statusCode).toBe(400);
  expect(JSON.parse(malformed.result.body).error.code).toBe('INVALID_JSON');
  expect(fake.requests).toHaveLength(0);
});

test('bundled handler without ENDPOINT_NAME: a JSON 500, never a crash of the function', async () => {
  const { ENDPOINT_NAME: _omitted, ...withoutName } = env;
  const { result, stderr } = await invokeBundle(invocationEvent('{}'), withoutName);
  expect(result.statusCode).toBe(500);
  expect(JSON.parse(result.body).error).toEqual({ code: 'INTERNAL_ERROR', message: 'internal error', requestId: 'apigw-request-1' });
  expect(stderr).toContain('ENDPOINT_NAME must be a SageMaker endpoint name');
  expect(fake.requests).toHaveLength(0);
});

test('bundled handler: a slow model ends in 504 before the Lambda timeout', async () => {
  fake.respond = () => ({ status: 200, headers: { 'Content-Type': 'application/json' }, body: '{}', delayMs: 10_000 });
  const started = Date.now();
  const { result } = await invokeBundle(invocationEvent('{}'), env, 2_500); // budget 1500 ms
  expect(result.statusCode).toBe(504);
  expect(JSON.parse(result.body).error.code).toBe('TIMEOUT');
  // process start-up included: well under the 10 s of the model
  expect(Date.now() - started).toBeLessThan(6_000);
});
