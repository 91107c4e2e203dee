/**
 * `deploy smoke-test` with the real SDK clients against moto server (SageMaker API and runtime, S3, STS)
 * behind the counting loopback proxy, in-process through `run()`; the proxy answers some requests itself
 * where moto cannot produce the situation (a Failed or Creating endpoint, a model error of the invocation,
 * a denied ListObjectsV2). The tests play SageMaker's part in data capture: they write the capture objects
 * to moto's S3 themselves, under `<destination>/<endpoint>/<variant>/yyyy/mm/dd/hh/`, from the fake
 * `sleep` of the capture wait (i.e. after the invocation). Two cases run the bundled CLI as a child
 * process with real timers: --role-arn (STS AssumeRole against moto) and the bounded capture wait.
 */
import { execFile } from 'child_process';
import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CreateBucketCommand, DeleteObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { CliIo, EXIT, run } from '../../../src/runtime/cli/cli';
import { captureHourPath, invocationsForCapture } from '../../../src/runtime/deploy';
import { awsErrorBody, FAKE_CREDENTIALS, fakeAwsEnv, MOTO_ACCOUNT, MotoServer, ProxiedRequest, Proxy, startMoto, startProxy, TEST_REGION } from '../../helpers/moto';
import { buildRuntimeBundles, CLI_BUNDLE } from '../../helpers/runtime-bundle';

const PINNED = 'arn:aws:sagemaker:eu-central-1:111111111111:model-package/churn-model/240';
const OTHER = 'arn:aws:sagemaker:eu-central-1:111111111111:model-package/churn-model/239';
const ROLE = `arn:aws:iam::${MOTO_ACCOUNT}:role/sagemaker-execution`;
const BUCKET = 'vwml-capture-444444444444';
const CAPTURE = `s3://${BUCKET}/data-capture`;

let moto: MotoServer;
let proxy: Proxy;
let sm: SageMakerClient;
let s3: S3Client;
let tmp: string;
let sleeps: number[];
/** The fake clock of the in-process CLI: it moves only with the fake sleeps. */
let clock: number;
/** With `realClock`, the CLI's clock is the real one plus the fake sleeps (`advanced`). */
let realClock: boolean;
let advanced: number;
/** Called after every fake sleep with the number of sleeps so far (the tests write capture objects here). */
let onSleep: ((n: number) => Promise<void>) | undefined;
let skewMs: number | undefined;

async function endpoint(
  name: string,
  options: { capture?: boolean; sampling?: number; modelPackage?: string; variants?: string[]; destination?: string; client?: SageMakerClient } = {},
): Promise<void> {
  const client = options.client ?? sm;
  const model = `${name}-model`;
  const container = { ModelPackageName: options.modelPackage ?? PINNED };
  await client.send(new CreateModelCommand({ ModelName: model, ExecutionRoleArn: ROLE, PrimaryContainer: container }));
  const variants = options.variants ?? ['AllTraffic'];
  await client.send(
    new CreateEndpointConfigCommand({
      EndpointConfigName: `${name}-config`,
      ProductionVariants: variants.map((v) => ({ VariantName: v, ModelName: model, InitialInstanceCount: 1, InstanceType: 'ml.m5.large', InitialVariantWeight: 1 })),
      DataCaptureConfig:
        options.capture === false
          ? undefined
          : {
            EnableCapture: true,
            InitialSamplingPercentage: options.sampling ?? 100,
            DestinationS3Uri: options.destination ?? CAPTURE,
            CaptureOptions: [{ CaptureMode: 'Input' }, { CaptureMode: 'Output' }],
          },
    }),
  );
  await client.send(new CreateEndpointCommand({ EndpointName: name, EndpointConfigName: `${name}-config` }));
}

/** `yyyy/mm/dd/hh/` (UTC) of a time, computed independently of the code under test. */
function hourOf(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(11, 13)}/`;
}

/** Writes a capture file as SageMaker does: `<prefix>/<endpoint>/<variant>/yyyy/mm/dd/hh/mm-ss-mmm-<uuid>.jsonl`, now. */
async function putCapture(endpointName: string, variant = 'AllTraffic', options: { bucket?: string; base?: string; client?: S3Client } = {}): Promise<string> {
  const at = new Date();
  const iso = at.toISOString();
  const file = `${iso.slice(14, 16)}-${iso.slice(17, 19)}-${iso.slice(20, 23)}-${randomUUID()}.jsonl`;
  const key = `${options.base ?? 'data-capture'}/${endpointName}/${variant}/${hourOf(at.getTime())}${file}`;
  const line = {
    captureData: {
      endpointInput: { observedContentType: 'application/json', mode: 'INPUT', data: '{"instances":[[0.1,0.2,0.3]]}', encoding: 'JSON' },
      endpointOutput: { observedContentType: 'application/json', mode: 'OUTPUT', data: '{"predictions":[0.42]}', encoding: 'JSON' },
    },
    eventMetadata: { eventId: randomUUID(), inferenceTime: iso.replace(/\.\d+Z$/, 'Z') },
    eventVersion: '0',
  };
  await (options.client ?? s3).send(new PutObjectCommand({ Bucket: options.bucket ?? BUCKET, Key: key, Body: `${JSON.stringify(line)}\n` }));
  return key;
}

async function emptyBucket(bucket = BUCKET, client = s3): Promise<void> {
  const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
  for (const o of listed.Contents ?? []) await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: o.Key }));
}

function io(out: string[], err: string[], env: Record<string, string> = {}): CliIo {
  return {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env: { AWS_REGION: TEST_REGION, AWS_ENDPOINT_URL: proxy.url, ...env },
    cwd: tmp,
    deployOptions: {
      credentials: FAKE_CREDENTIALS,
      captureClockSkewMs: skewMs,
      environment: {
        now: () => (realClock ? Date.now() + advanced : clock),
        sleep: async (ms) => {
          sleeps.push(ms);
          clock += ms;
          advanced += ms;
          await onSleep?.(sleeps.length);
        },
        retry: { maxAttempts: 2, baseDelayMs: 0, maxDelayMs: 0, totalTimeoutMs: 20_000 },
      },
    },
  };
}

async function cliWithEnv(env: Record<string, string>, ...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, io(out, err, env));
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

const cli = (...argv: string[]) => cliWithEnv({}, ...argv);

/** Whether a request is a listing of the bucket, path-style (`GET /<bucket>/?list-type=2&...`). */
const isListing = (q: { method: string; path: string }, bucket = BUCKET) => q.method === 'GET' && (q.path.startsWith(`/${bucket}/?`) || q.path.startsWith(`/${bucket}?`));

/** The ListObjectsV2 requests the proxy saw. */
function listRequests(bucket = BUCKET): { prefix: string | null; startAfter: string | null; listType: string | null }[] {
  return proxy.requests
    .filter((q) => isListing(q, bucket))
    .map((q) => {
      const query = new URL(q.path, 'http://proxy').searchParams;
      return { prefix: query.get('prefix'), startAfter: query.get('start-after'), listType: query.get('list-type') };
    });
}

const isInvocation = (q: ProxiedRequest) => q.method === 'POST' && /^\/endpoints\/[^/]+\/invocations/.test(q.path);

const json = (body: unknown) => ({ status: 200, body: JSON.stringify(body) });
const describeAs = (name: string, status: string, failureReason?: string, extra: Record<string, unknown> = {}) =>
  json({
    EndpointName: name,
    EndpointArn: `arn:aws:sagemaker:${TEST_REGION}:${MOTO_ACCOUNT}:endpoint/${name}`,
    EndpointConfigName: `${name}-config`,
    EndpointStatus: status,
    FailureReason: failureReason,
    CreationTime: 1700000000,
    LastModifiedTime: 1700000000,
    ...extra,
  });

beforeAll(async () => {
  moto = await startMoto();
  proxy = await startProxy(moto.url);
  sm = new SageMakerClient({ region: TEST_REGION, endpoint: moto.url, credentials: FAKE_CREDENTIALS });
  s3 = new S3Client({ region: TEST_REGION, endpoint: moto.url, forcePathStyle: true, credentials: FAKE_CREDENTIALS });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: TEST_REGION } }));
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'smoke-test-'));
  fs.writeFileSync(path.join(tmp, 'sample.json'), JSON.stringify({ instances: [[0.1, 0.2, 0.3]] }));
  fs.writeFileSync(
    path.join(tmp, 'pinned-model.json'),
    JSON.stringify({ schemaVersion: 1, modelPackageArn: PINNED, modelPackageGroupName: 'churn-model', modelPackageVersion: 240, approvalStatus: 'Approved' }),
  );
  await endpoint('churn-dev');
  await endpoint('churn-no-capture', { capture: false });
  await endpoint('churn-zero-sampling', { sampling: 0 });
  await endpoint('churn-other-model', { modelPackage: OTHER });
  await endpoint('churn-sampled', { sampling: 20 });
  await endpoint('churn-ab', { variants: ['Blue', 'Green'] });
  await endpoint('churn-no-bucket', { destination: 's3://vwml-capture-missing/data-capture' });
});

afterAll(async () => {
  sm?.destroy();
  s3?.destroy();
  await proxy?.stop();
  await moto?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

beforeEach(async () => {
  await emptyBucket();
  proxy.clear();
  proxy.inject = undefined;
  sleeps = [];
  clock = Date.now();
  realClock = false;
  advanced = 0;
  onSleep = undefined;
  skewMs = undefined;
});

describe('deploy smoke-test', () => {
  test('InService, capture enabled, the pinned model, one invocation, a capture object after it: exit 0', async () => {
    let key = '';
    onSleep = async (n) => {
      if (n === 1) key = await putCapture('churn-dev'); // SageMaker writes the capture file after the first poll
    };
    const r = await cli('deploy', 'smoke-test', '--endpoint', 'churn-dev', '--sample', 'sample.json', '--pinned', 'pinned-model.json');
    expect(r.code).toBe(EXIT.OK);
    expect(r.stdout).toContain('✔ smoke test of churn-dev passed');
    expect(r.stdout).toContain(`  model:        ${PINNED} on every variant`);
    expect(r.stdout).toContain(`  data capture: enabled, 100% to ${CAPTURE}`);
    expect(r.stdout).toContain(`  capture:      s3://${BUCKET}/${key} (written `);
    expect(r.stderr).toContain('… endpoint "churn-dev" is InService (after 0 s)');
    // a progress line for the poll that found nothing, then the find
    expect(r.stderr).toContain(`… no data capture object under ${CAPTURE}/churn-dev/AllTraffic/${hourOf(clock - 15_000 - 30_000)} written at or after`);
    expect(r.stderr).toContain('(poll 1, 0 s of 300 s)');
    expect(r.stderr).toContain(`… data capture object s3://${BUCKET}/${key}`);
    expect(r.stderr).toContain('found on poll 2 after 15 s');
    // the requests, in order: the endpoint, its config, the variant's model, the invocation, two listings
    expect(proxy.requests.map((q) => q.operation)).toEqual(['DescribeEndpoint', 'DescribeEndpointConfig', 'DescribeModel', '', '', '']);
    expect(proxy.requests[0].body).toEqual({ EndpointName: 'churn-dev' });
    expect(proxy.requests[2].body).toEqual({ ModelName: 'churn-dev-model' });
    expect(isInvocation(proxy.requests[3])).toBe(true);
    // ListObjectsV2, path-style (endpoint override), under the variant's prefix, from the hour of the invocation less the skew
    const start = clock - 15_000;
    expect(listRequests()).toEqual([
      { listType: '2', prefix: 'data-capture/churn-dev/AllTraffic/', startAfter: `data-capture/churn-dev/AllTraffic/${hourOf(start - 30_000)}` },
      { listType: '2', prefix: 'data-capture/churn-dev/AllTraffic/', startAfter: `data-capture/churn-dev/AllTraffic/${hourOf(start - 30_000)}` },
    ]);
    expect(sleeps).toEqual([15_000]);
  });

  test('--json: the findings as JSON, the sample sent with its content type', async () => {
    let key = '';
    onSleep = async (n) => {
      if (n === 1) key = await putCapture('churn-dev');
    };
    const r = await cli('deploy', 'smoke-test', '--endpoint', 'churn-dev', '--sample', 'sample.json', '--content-type', 'application/json', '--json', '--poll-interval', '10');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      ok: true,
      endpointName: 'churn-dev',
      endpointConfigName: 'churn-dev-config',
      endpointStatus: 'InService',
      variants: ['AllTraffic'],
      dataCapture: {
        destinationS3Uri: CAPTURE,
        initialSamplingPercentage: 100,
        capturePrefixes: [`${CAPTURE}/churn-dev/AllTraffic/`],
        captureObjectsChecked: true,
        captureObject: { uri: `s3://${BUCKET}/${key}`, key },
        capturedAfter: new Date(clock - 10_000 - 30_000).toISOString(),
        captureWaitedMs: 10_000,
        capturePolls: 2,
      },
      invocation: { count: 1 },
      models: [],
      pinnedModelPackageArn: null,
      roleArn: null,
    });
    expect(out.dataCapture.captureObject.size).toBeGreaterThan(0);
    expect(Date.parse(out.dataCapture.captureObject.lastModified)).toBeGreaterThanOrEqual(Date.parse(out.dataCapture.capturedAfter));
    expect(out.invocation.responseBytes).toBeGreaterThan(0);
    expect(proxy.requests.map((q) => q.operation)).toEqual(['DescribeEndpoint', 'DescribeEndpointConfig', '', '', '']);
  });

  test('Creating, then InService: waits with progress lines, bounded by --timeout', async () => {
    proxy.inject = (op, i) => (op === 'DescribeEndpoint' && i < 2 ? describeAs('churn-dev', 'Creating') : undefined);
    const r = await cli('deploy', 'smoke-test', '--endpoint', 'churn-dev', '--sample', 'sample.json', '--poll-interval', '30', '--timeout', '600', '--no-capture-check');
    expect(r.code).toBe(0);
    expect(sleeps).toEqual([30_000, 30_000]);
    expect(r.stderr).toContain('… endpoint "churn-dev" is Creating, waiting for InService (0 s of 600 s)');
    expect(r.stderr).toContain('… endpoint "churn-dev" is Creating, waiting for InService (30 s of 600 s)');
    expect(r.stderr).toContain('… endpoint "churn-dev" is InService (after 60 s)');
    expect(proxy.count('DescribeEndpoint')).toBe(3);
  });

  test('never InService within the timeout: exit 5, no invocation', async () => {
    proxy.inject = (op) => (op === 'DescribeEndpoint' ? describeAs('churn-dev', 'Updating') : undefined);
    const r = await cli('deploy', 'smoke-test', '--endpoint', 'churn-dev', '--sample', 'sample.json', '--poll-interval', '60', '--timeout', '300');
    expect(r.code).toBe(EXIT.CHECK_FAILED);
    expect(r.stderr).toContain('error: endpoint "churn-dev" is still Updating after 300 s; it did not reach InService within the 300 s timeout');
    expect(sleeps).toEqual([60_000, 60_000, 60_000, 60_000, 60_000]);
    expect(proxy.count('')).toBe(0);
  });

  test('endpoint Failed: exit 5 with the failure reason, no invocation', async () => {
    proxy.inject = (op) => (op === 'DescribeEndpoint' ? describeAs('churn-dev', 'Failed', 'The primary container for production variant AllTraffic did not pass the ping health check.') : undefined);
    const r = await cli('deploy', 'smoke-test', '--endpoint', 'churn-dev', '--sample', 'sample.json', '--json');
    expect(r.code).toBe(5);
    expect(JSON.parse(r.stdout).error).toEqual({
      code: 'CHECK_FAILED',
      message: 'endpoint "churn-dev" is Failed: The primary container for production variant AllTraffic did not pass the ping health check.; the deployment did not produce a working endpoint',
      exitCode: 5,
    });
    expect(proxy.requests.map((q) => q.operation)).toEqual(['DescribeEndpoint']);
  });

  test('data capture disabled or sampling 0: exit 5, no invocation', async () => {
    const off = await cli('deploy', 'smoke-test', '--endpoint', 'churn-no-capture', '--sample', 'sample.json');
    expect(off.code).toBe(5);
    expect(off.stderr).toContain('does not capture data (DataCaptureConfig.EnableCapture is');
    expect(proxy.count('')).toBe(0);
    const zero = await cli('deploy', 'smoke-test', '--endpoint', 'churn-zero-sampling', '--sample', 'sample.json');
    expect(zero.code).toBe(5);
    expect(zero.stderr).toContain('sampling percentage of 0, so nothing is captured');
  });

  test('data capture Stopped on the endpoint (DescribeEndpoint): exit 5, no invocation', async () => {
    const summary = { EnableCapture: true, CaptureStatus: 'Stopped', CurrentSamplingPercentage: 100, DestinationS3Uri: CAPTURE };
    proxy.inject = (op) => (op === 'DescribeEndpoint' ? describeAs('churn-dev', 'InService', undefined, { DataCaptureConfig: summary }) : undefined);
    const r = await cli('deploy', 'smoke-test', '--endpoint', 'churn-dev', '--sample', 'sample.json');
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('error: endpoint "churn-dev" reports data capture as Stopped (DescribeEndpoint DataCaptureConfig)');
    expect(proxy.count('')).toBe(0);
  });

  test('another model than the pinned one: exit 5', async () => {
    const r = await cli('deploy', 'smoke-test', '--endpoint', 'churn-other-model', '--sample', 'sample.json', '--pinned', 'pinned-model.json');
    expect(r.code).toBe(5);
    expect(r.stderr).toContain(`does not serve the pinned model ${PINNED}:\n  - variant AllTraffic (model churn-other-model-model) uses ${OTHER}`);
    expect(proxy.count('')).toBe(0);
  });

  test('the invocation fails (a model error): exit 5 with the AWS error, no listing', async () => {
    proxy.inject = (op) =>
      op === ''
        ? { status: 424, body: JSON.stringify({ message: 'Received server error (500) from primary' }), headers: { 'x-amzn-errortype': 'ModelError', 'content-type': 'application/json' } }
        : undefined;
    const r = await cli('deploy', 'smoke-test', '--endpoint', 'churn-dev', '--sample', 'sample.json');
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('error: the sample invocation of endpoint "churn-dev" failed (ModelError, HTTP 424): Received server error (500) from primary');
    expect(proxy.count('')).toBe(1); // a model error is not retried
    expect(listRequests()).toEqual([]);
  });

  test('no such endpoint: exit 2; an AWS error: exit 3', async () => {
    const missing = await cli('deploy', 'smoke-test', '--endpoint', 'churn-missing', '--sample', 'sample.json');
    expect(missing.code).toBe(EXIT.NOT_FOUND);
    expect(missing.stderr).toContain('endpoint "churn-missing" does not exist');
    proxy.inject = (op) => (op === 'DescribeEndpoint' ? { status: 400, body: awsErrorBody('AccessDeniedException', 'not authorized to perform: sagemaker:DescribeEndpoint') } : undefined);
    const denied = await cli('deploy', 'smoke-test', '--endpoint', 'churn-dev', '--sample', 'sample.json');
    expect(denied.code).toBe(EXIT.AWS);
    expect(denied.stderr).toContain('DescribeEndpoint failed for endpoint "churn-dev" (HTTP 400 AccessDeniedException: not authorized');
  });

  test('usage errors: exit 1 before any request', async () => {
    expect((await cli('deploy', 'smoke-test', '--endpoint', 'churn-dev')).stderr).toContain('"deploy smoke-test" needs --sample FILE');
    const badTimeout = await cli('deploy', 'smoke-test', '--endpoint', 'churn-dev', '--sample', 'sample.json', '--timeout', '10m');
    expect(badTimeout.code).toBe(1);
    expect(badTimeout.stderr).toContain('--timeout must be a whole number of seconds from 1 to 7200, not "10m"');
    const badCaptureTimeout = await cli('deploy', 'smoke-test', '--endpoint', 'churn-dev', '--sample', 'sample.json', '--capture-timeout', '3601');
    expect(badCaptureTimeout.code).toBe(1);
    expect(badCaptureTimeout.stderr).toContain('--capture-timeout must be a whole number of seconds from 1 to 3600, not "3601"');
    const both = await cli('deploy', 'smoke-test', '--endpoint', 'churn-dev', '--sample', 'sample.json', '--capture-timeout', '60', '--no-capture-check');
    expect(both.code).toBe(1);
    expect(both.stderr).toContain('--capture-timeout and --no-capture-check exclude each other');
    const badInvocations = await cli('deploy', 'smoke-test', '--endpoint', 'churn-dev', '--sample', 'sample.json', '--invocations', '0');
    expect(badInvocations.code).toBe(1);
    expect(badInvocations.stderr).toContain('--invocations must be a whole number from 1 to 1000, not "0"');
    const badComponent = await cli('deploy', 'smoke-test', '--endpoint', 'churn-dev', '--sample', 'sample.json', '--inference-component', 'churn_dev');
    expect(badComponent.code).toBe(1);
    expect(badComponent.stderr).toContain('--inference-component "churn_dev" is not an inference component name');
    const badScaleOut = await cli('deploy', 'smoke-test', '--endpoint', 'churn-dev', '--sample', 'sample.json', '--scale-out-timeout', '0');
    expect(badScaleOut.code).toBe(1);
    expect(badScaleOut.stderr).toContain('--scale-out-timeout must be a whole number of seconds from 1 to 3600, not "0"');
    const badRole = await cli('deploy', 'smoke-test', '--endpoint', 'churn-dev', '--sample', 'sample.json', '--role-arn', 'smoke-role');
    expect(badRole.code).toBe(1);
    const noSample = await cli('deploy', 'smoke-test', '--endpoint', 'churn-dev', '--sample', 'missing.json');
    expect(noSample.code).toBe(2);
    expect(noSample.stderr).toContain('the sample file');
    expect(proxy.requests).toEqual([]);
  });
});

describe('deploy smoke-test: the capture object in S3', () => {
  test('no capture object: exit 5 when the next poll would pass --capture-timeout, naming the prefix; a progress line per poll', async () => {
    const realStart = Date.now();
    const r = await cli('deploy', 'smoke-test', '--endpoint', 'churn-dev', '--sample', 'sample.json', '--capture-timeout', '60', '--poll-interval', '15', '--json');
    expect(r.code).toBe(EXIT.CHECK_FAILED);
    const invokedAt = clock - 60_000;
    const prefix = `${CAPTURE}/churn-dev/AllTraffic/${hourOf(invokedAt - 30_000)}`;
    const error = JSON.parse(r.stdout).error;
    expect(error.code).toBe('CHECK_FAILED');
    expect(error.exitCode).toBe(5);
    expect(error.message).toContain(`no data capture object appeared under ${prefix} within the 60 s capture timeout (5 polls after 1 invocation at 100 % sampling; `);
    expect(error.message).toContain(`objects count when written at or after ${new Date(invokedAt - 30_000).toISOString()}`);
    // the bounded wait: 4 sleeps of the poll interval, 60 s in all, then no fifth (it would pass the timeout)
    expect(sleeps).toEqual([15_000, 15_000, 15_000, 15_000]);
    expect(sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(60_000);
    expect(listRequests()).toHaveLength(5);
    for (const [i, waited] of [0, 15, 30, 45].entries()) expect(r.stderr).toContain(`(poll ${i + 1}, ${waited} s of 60 s)`);
    expect(r.stderr.match(/… no data capture object under /g)).toHaveLength(4);
    expect(Date.now() - realStart).toBeLessThan(10_000); // fake timers: no real waiting
  });

  test('an object written before the invocation does not count; one written after it does', async () => {
    realClock = true; // LastModified comes from moto's (real) clock: compare with the real time of the invocation
    skewMs = 1_000;
    const old = await putCapture('churn-dev');
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: old }));
    // S3 keeps whole seconds: wait until the old object is more than the skew allowance older than now
    const olderUntil = head.LastModified!.getTime() + 1_000 + 100;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, olderUntil - Date.now())));

    const none = await cli('deploy', 'smoke-test', '--endpoint', 'churn-dev', '--sample', 'sample.json', '--capture-timeout', '30', '--poll-interval', '10');
    expect(none.code).toBe(EXIT.CHECK_FAILED);
    expect(none.stderr).toContain(`the newest older object is ${old} (${head.LastModified!.toISOString()})`);
    expect(none.stderr).toContain('; 1 older object ignored)');

    sleeps = [];
    advanced = 0; // the clock of the second run starts at the real time again
    let fresh = '';
    onSleep = async (n) => {
      if (n === 1) fresh = await putCapture('churn-dev');
    };
    const found = await cli('deploy', 'smoke-test', '--endpoint', 'churn-dev', '--sample', 'sample.json', '--capture-timeout', '30', '--poll-interval', '10', '--json');
    expect(found.code).toBe(EXIT.OK);
    const out = JSON.parse(found.stdout);
    expect(out.dataCapture.captureObject.key).toBe(fresh);
    expect(fresh).not.toBe(old);
    expect(Date.parse(out.dataCapture.captureObject.lastModified)).toBeGreaterThanOrEqual(Date.parse(out.dataCapture.capturedAfter));
    expect(head.LastModified!.getTime()).toBeLessThan(Date.parse(out.dataCapture.capturedAfter));
    expect(out.dataCapture.capturePolls).toBe(2);
  });

  test('objects of another endpoint or variant do not count; the invoked variant narrows the prefix', async () => {
    // the runtime answers from variant Green (moto itself names no real variant)
    proxy.inject = (_op, _i, req) =>
      req.method === 'POST' && req.path.startsWith('/endpoints/churn-ab/')
        ? { status: 200, body: '{"predictions":[0.42]}', headers: { 'content-type': 'application/json', 'x-amzn-invoked-production-variant': 'Green' } }
        : undefined;
    let green = '';
    onSleep = async (n) => {
      if (n === 1) {
        await putCapture('churn-dev', 'AllTraffic');
        await putCapture('churn-ab', 'Blue');
      }
      if (n === 2) green = await putCapture('churn-ab', 'Green');
    };
    const r = await cli('deploy', 'smoke-test', '--endpoint', 'churn-ab', '--sample', 'sample.json', '--poll-interval', '20', '--json');
    expect(r.code).toBe(EXIT.OK);
    const out = JSON.parse(r.stdout);
    expect(out.dataCapture.capturePrefixes).toEqual([`${CAPTURE}/churn-ab/Green/`]);
    expect(out.dataCapture.captureObject.key).toBe(green);
    expect(out.dataCapture.capturePolls).toBe(3);
    expect(out.invocation.invokedVariant).toBe('Green');
    expect(new Set(listRequests().map((q) => q.prefix))).toEqual(new Set(['data-capture/churn-ab/Green/']));

    // when the answer names no variant of the endpoint, every variant's prefix is listed: Blue's object counts
    proxy.clear();
    proxy.inject = undefined;
    sleeps = [];
    clock = Date.now(); // the first run moved the fake clock 40 s ahead of moto's
    onSleep = async (n) => {
      if (n === 1) await putCapture('churn-ab', 'Blue');
    };
    await emptyBucket();
    const any = await cli('deploy', 'smoke-test', '--endpoint', 'churn-ab', '--sample', 'sample.json', '--poll-interval', '20', '--json');
    expect(any.code).toBe(EXIT.OK);
    const anyOut = JSON.parse(any.stdout);
    expect(anyOut.dataCapture.capturePrefixes).toEqual([`${CAPTURE}/churn-ab/Blue/`, `${CAPTURE}/churn-ab/Green/`]);
    expect(anyOut.dataCapture.captureObject.key).toMatch(/^data-capture\/churn-ab\/Blue\//);
    expect(listRequests().map((q) => q.prefix)).toEqual(['data-capture/churn-ab/Blue/', 'data-capture/churn-ab/Green/', 'data-capture/churn-ab/Blue/']);
  });

  test('sampling 20 %: the sample is sent 31 times (99.9 % that one is captured); --invocations overrides', async () => {
    onSleep = async (n) => {
      if (n === 1) await putCapture('churn-sampled');
    };
    const r = await cli('deploy', 'smoke-test', '--endpoint', 'churn-sampled', '--sample', 'sample.json');
    expect(r.code).toBe(EXIT.OK);
    expect(proxy.requests.filter(isInvocation)).toHaveLength(31);
    expect(r.stderr).toContain('… sent the sample 31 times, every answer succeeded (sampling 20 %: the chance that none is captured is 0.099 %)');
    expect(r.stdout).toContain('(first of 31 invocations, all answered)');

    proxy.clear();
    sleeps = [];
    clock = Date.now();
    await emptyBucket();
    onSleep = async (n) => {
      if (n === 1) await putCapture('churn-sampled');
    };
    const two = await cli('deploy', 'smoke-test', '--endpoint', 'churn-sampled', '--sample', 'sample.json', '--invocations', '2');
    expect(two.code).toBe(EXIT.OK);
    expect(proxy.requests.filter(isInvocation)).toHaveLength(2);
    expect(two.stderr).toContain('… warning: at 20 % sampling, 2 invocations leave a 64.0 % chance that none is captured');

    proxy.clear();
    const skipped = await cli('deploy', 'smoke-test', '--endpoint', 'churn-sampled', '--sample', 'sample.json', '--no-capture-check');
    expect(skipped.code).toBe(EXIT.OK);
    expect(proxy.requests.filter(isInvocation)).toHaveLength(1);
  });

  test('--no-capture-check: no S3 request, and the output says the capture objects were not checked', async () => {
    const r = await cli('deploy', 'smoke-test', '--endpoint', 'churn-dev', '--sample', 'sample.json', '--no-capture-check');
    expect(r.code).toBe(EXIT.OK);
    expect(r.stdout).toContain(`  capture:      objects under ${CAPTURE}/churn-dev/AllTraffic/ not checked (--no-capture-check)`);
    expect(listRequests()).toEqual([]);
    expect(sleeps).toEqual([]);
    const j = await cli('deploy', 'smoke-test', '--endpoint', 'churn-dev', '--sample', 'sample.json', '--no-capture-check', '--json');
    expect(JSON.parse(j.stdout).dataCapture).toEqual({
      destinationS3Uri: CAPTURE,
      initialSamplingPercentage: 100,
      capturePrefixes: [`${CAPTURE}/churn-dev/AllTraffic/`],
      captureObjectsChecked: false,
      captureObjectsNote: 'not checked (--no-capture-check)',
    });
  });

  test('AWS_ENDPOINT_URL_S3 takes precedence over AWS_ENDPOINT_URL (and --endpoint-url is the SageMaker API only)', async () => {
    onSleep = async (n) => {
      if (n === 1) await putCapture('churn-dev');
    };
    const r = await cliWithEnv({ AWS_ENDPOINT_URL_S3: moto.url }, 'deploy', 'smoke-test', '--endpoint', 'churn-dev', '--sample', 'sample.json', '--endpoint-url', proxy.url);
    expect(r.code).toBe(EXIT.OK);
    expect(listRequests()).toEqual([]); // straight to moto, not through the proxy
    expect(proxy.requests.map((q) => q.operation)).toEqual(['DescribeEndpoint', 'DescribeEndpointConfig', '']);
  });

  test('no such capture bucket: exit 5; ListObjectsV2 denied: exit 3 naming s3:ListBucket', async () => {
    const missing = await cli('deploy', 'smoke-test', '--endpoint', 'churn-no-bucket', '--sample', 'sample.json');
    expect(missing.code).toBe(EXIT.CHECK_FAILED);
    expect(missing.stderr).toContain('error: the data capture bucket "vwml-capture-missing" does not exist (ListObjectsV2 of capture prefix "s3://vwml-capture-missing/data-capture/churn-no-bucket/AllTraffic/": NoSuchBucket)');
    expect(sleeps).toEqual([]);

    proxy.inject = (_op, _i, req) =>
      isListing(req)
        ? {
          status: 403,
          body: '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>1</RequestId></Error>',
          headers: { 'content-type': 'application/xml' },
        }
        : undefined;
    const denied = await cli('deploy', 'smoke-test', '--endpoint', 'churn-dev', '--sample', 'sample.json');
    expect(denied.code).toBe(EXIT.AWS);
    expect(denied.stderr).toContain(
      `error: ListObjectsV2 of capture prefix "${CAPTURE}/churn-dev/AllTraffic/" was denied (HTTP 403 AccessDenied: Access Denied); the smoke test's credentials need s3:ListBucket on arn:aws:s3:::${BUCKET}`,
    );
    expect(listRequests()).toHaveLength(1); // not retried
  });
});

describe('capture helpers', () => {
  test('invocationsForCapture: enough for a 99.9 % chance, 1 at 100 %, at most 100', () => {
    expect(invocationsForCapture(100)).toBe(1);
    expect(invocationsForCapture(99.95)).toBe(1);
    expect(invocationsForCapture(50)).toBe(10); // 0.5^10 < 0.001 < 0.5^9
    expect(invocationsForCapture(20)).toBe(31); // 0.8^31 = 0.00099
    expect(0.8 ** 31).toBeLessThan(0.001);
    expect(0.8 ** 30).toBeGreaterThan(0.001);
    expect(invocationsForCapture(5)).toBe(100);
    expect(invocationsForCapture(1)).toBe(100);
  });

  test('captureHourPath: yyyy/mm/dd/hh/ in UTC', () => {
    expect(captureHourPath(Date.UTC(2024, 0, 2, 3, 59, 59))).toBe('2024/01/02/03/');
    expect(captureHourPath(Date.UTC(2024, 11, 31, 23, 0, 0))).toBe('2024/12/31/23/');
  });
});

describe('the bundled CLI', () => {
  const BUNDLE = CLI_BUNDLE;

  beforeAll(() => {
    // always rebuild: this file tests commands that older bundles do not have
    buildRuntimeBundles();
  });

  const bundled = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string; elapsedMs: number }>((resolve) => {
      const options = { cwd: tmp, env: fakeAwsEnv(proxy.url, { AWS_ENDPOINT_URL: proxy.url }), timeout: 60_000 };
      const started = Date.now();
      execFile(process.execPath, [BUNDLE, ...args], options, (error, stdout, stderr) =>
        resolve({
          code: error ? (typeof error.code === 'number' ? error.code : -1) : 0,
          stdout: stdout.toString(),
          stderr: stderr.toString(),
          elapsedMs: Date.now() - started,
        }),
      );
    });

  test('deploy smoke-test --role-arn: assumes the role through STS and tests the endpoint and capture bucket of the role\'s account', async () => {
    // moto keeps each account apart and serves requests signed with assumed-role credentials from the
    // role's account: the endpoint and its capture bucket exist only in the target account 444444444444
    const target = '444444444444';
    const targetBucket = 'vwml-capture-target-444444444444';
    const sts = new STSClient({ region: TEST_REGION, endpoint: moto.url, credentials: FAKE_CREDENTIALS });
    const setup = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${target}:role/setup`, RoleSessionName: 'setup' }));
    sts.destroy();
    const c = setup.Credentials!;
    const credentials = { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken };
    const inTarget = new SageMakerClient({ region: TEST_REGION, endpoint: moto.url, credentials });
    const s3InTarget = new S3Client({ region: TEST_REGION, endpoint: moto.url, forcePathStyle: true, credentials });
    try {
      await endpoint('churn-target', { client: inTarget, destination: `s3://${targetBucket}/data-capture` });
      await s3InTarget.send(new CreateBucketCommand({ Bucket: targetBucket, CreateBucketConfiguration: { LocationConstraint: TEST_REGION } }));
      const args = ['deploy', 'smoke-test', '--endpoint', 'churn-target', '--sample', 'sample.json', '--pinned', 'pinned-model.json', '--json'];
      const role = `arn:aws:iam::${target}:role/mlops-smoke-test`;
      proxy.clear();
      // SageMaker (played by the test) writes the capture file when the first listing arrives, i.e. after the invocation
      let written: Promise<string> | undefined;
      proxy.inject = (_op, _i, req) => {
        if (isListing(req, targetBucket) && !written) written = putCapture('churn-target', 'AllTraffic', { bucket: targetBucket, client: s3InTarget });
        return undefined;
      };
      const r = await bundled([...args, '--role-arn', role, '--poll-interval', '1', '--capture-timeout', '20']);
      expect(r.stderr).toContain(`… assuming ${role}`);
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out).toMatchObject({ ok: true, roleArn: role, pinnedModelPackageArn: PINNED, endpointStatus: 'InService', endpointName: 'churn-target' });
      expect(out.dataCapture.captureObject.key).toBe(await written);
      // STS first (query protocol: no X-Amz-Target), then the SageMaker API, the runtime and S3 (path-style)
      expect(proxy.requests.slice(0, 5).map((q) => q.operation)).toEqual(['', 'DescribeEndpoint', 'DescribeEndpointConfig', 'DescribeModel', '']);
      expect(proxy.requests[0].method).toBe('POST');
      expect(isInvocation(proxy.requests[4])).toBe(true);
      expect(listRequests(targetBucket).length).toBeGreaterThanOrEqual(1);
      expect(proxy.requests.length).toBe(5 + listRequests(targetBucket).length);
      // without the role, the caller's own account has no such endpoint
      proxy.inject = undefined;
      const own = await bundled(args);
      expect(own.code).toBe(2);
    } finally {
      inTarget.destroy();
      s3InTarget.destroy();
    }
  });

  test('no capture object: exit 5 after --capture-timeout in real time', async () => {
    const r = await bundled(['deploy', 'smoke-test', '--endpoint', 'churn-dev', '--sample', 'sample.json', '--capture-timeout', '3', '--poll-interval', '1']);
    expect(r.code).toBe(EXIT.CHECK_FAILED);
    expect(r.stderr).toMatch(new RegExp(`error: no data capture object appeared under ${CAPTURE}/churn-dev/AllTraffic/\\d{4}/\\d{2}/\\d{2}/\\d{2}/ within the 3 s capture timeout`));
    const polls = listRequests().length;
    expect(polls).toBeGreaterThanOrEqual(3);
    expect(polls).toBeLessThanOrEqual(4);
    expect(r.stderr.match(/… no data capture object under /g)!.length).toBe(polls - 1);
    // bounded: the 3 s of waiting, plus the start of node and the requests
    expect(r.elapsedMs).toBeGreaterThanOrEqual(2_000);
    expect(r.elapsedMs).toBeLessThan(15_000);
  });
});
