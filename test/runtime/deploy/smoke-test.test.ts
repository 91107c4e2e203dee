/**
 * `deploy smoke-test` with the real SDK clients against moto server (SageMaker API and runtime, STS) behind
 * the counting loopback proxy, in-process through `run()`; the proxy answers some requests itself where
 * moto cannot produce the situation (a Failed or Creating endpoint, a model error of the invocation).
 * One case runs the bundled CLI as a child process with --role-arn (STS AssumeRole against moto).
 */
import { execFile, execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
// the SDK's own STS client (installed with the SageMaker client; @aws-sdk/client-sts is not a devDependency)
// eslint-disable-next-line import/no-extraneous-dependencies
import { AssumeRoleCommand, STSClient } from '@aws-sdk/nested-clients/sts';
import { CliIo, EXIT, run } from '../../../src/runtime/cli/cli';
import { awsErrorBody, FAKE_CREDENTIALS, fakeAwsEnv, MOTO_ACCOUNT, MotoServer, Proxy, REPO_ROOT, startMoto, startProxy, TEST_REGION } from '../../helpers/moto';

const PINNED = 'arn:aws:sagemaker:eu-central-1:111111111111:model-package/churn-model/240';
const OTHER = 'arn:aws:sagemaker:eu-central-1:111111111111:model-package/churn-model/239';
const ROLE = `arn:aws:iam::${MOTO_ACCOUNT}:role/sagemaker-execution`;
const CAPTURE = 's3://vwml-capture-444444444444/data-capture';

let moto: MotoServer;
let proxy: Proxy;
let sm: SageMakerClient;
let tmp: string;
let sleeps: number[];
let clock: number;

async function endpoint(name: string, options: { capture?: boolean; sampling?: number; modelPackage?: string } = {}): Promise<void> {
  const model = `${name}-model`;
  const container = { ModelPackageName: options.modelPackage ?? PINNED };
  await sm.send(new CreateModelCommand({ ModelName: model, ExecutionRoleArn: ROLE, PrimaryContainer: container }));
  await sm.send(
    new CreateEndpointConfigCommand({
      EndpointConfigName: `${name}-config`,
      ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: model, InitialInstanceCount: 1, InstanceType: 'ml.m5.large', InitialVariantWeight: 1 }],
      DataCaptureConfig:
        options.capture === false
          ? undefined
          : {
            EnableCapture: true,
            InitialSamplingPercentage: options.sampling ?? 20,
            DestinationS3Uri: CAPTURE,
            CaptureOptions: [{ CaptureMode: 'Input' }, { CaptureMode: 'Output' }],
          },
    }),
  );
  await sm.send(new CreateEndpointCommand({ EndpointName: name, EndpointConfigName: `${name}-config` }));
}

function io(out: string[], err: string[], cwd = tmp): CliIo {
  return {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env: { AWS_REGION: TEST_REGION, AWS_ENDPOINT_URL: proxy.url },
    cwd,
    deployOptions: {
      credentials: FAKE_CREDENTIALS,
      environment: {
        now: () => clock,
        sleep: async (ms) => {
          sleeps.push(ms);
          clock += ms;
        },
        retry: { maxAttempts: 2, baseDelayMs: 0, maxDelayMs: 0, totalTimeoutMs: 20_000 },
      },
    },
  };
}

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, io(out, err));
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

const json = (body: unknown) => ({ status: 200, body: JSON.stringify(body) });
const describeAs = (name: string, status: string, failureReason?: string) =>
  json({ EndpointName: name, EndpointArn: `arn:aws:sagemaker:${TEST_REGION}:${MOTO_ACCOUNT}:endpoint/${name}`, EndpointConfigName: `${name}-config`, EndpointStatus: status, FailureReason: failureReason, CreationTime: 1700000000, LastModifiedTime: 1700000000 });

beforeAll(async () => {
  moto = await startMoto();
  proxy = await startProxy(moto.url);
  sm = new SageMakerClient({ region: TEST_REGION, endpoint: moto.url, credentials: FAKE_CREDENTIALS });
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
});

afterAll(async () => {
  sm?.destroy();
  await proxy?.stop();
  await moto?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

beforeEach(() => {
  proxy.clear();
  proxy.inject = undefined;
  sleeps = [];
  clock = 1_700_000_000_000;
});

describe('deploy smoke-test', () => {
  test('InService, capture enabled, the pinned model, one invocation: exit 0', async () => {
    const r = await cli('deploy', 'smoke-test', '--endpoint', 'churn-dev', '--sample', 'sample.json', '--pinned', 'pinned-model.json');
    expect(r.code).toBe(EXIT.OK);
    expect(r.stdout).toContain('✔ smoke test of churn-dev passed');
    expect(r.stdout).toContain(`  model:        ${PINNED} on every variant`);
    expect(r.stdout).toContain(`  data capture: enabled, 20% to ${CAPTURE}`);
    expect(r.stdout).toContain(`capture objects under ${CAPTURE}/churn-dev/`);
    expect(r.stdout).toContain('not checked: this build of the CLI has no S3 client');
    expect(r.stderr).toContain('… endpoint "churn-dev" is InService (after 0 s)');
    // the requests, in order: the endpoint, its config, the variant's model, the invocation (REST, no X-Amz-Target)
    expect(proxy.requests.map((q) => q.operation)).toEqual(['DescribeEndpoint', 'DescribeEndpointConfig', 'DescribeModel', '']);
    expect(proxy.requests[0].body).toEqual({ EndpointName: 'churn-dev' });
    expect(proxy.requests[2].body).toEqual({ ModelName: 'churn-dev-model' });
    expect(sleeps).toEqual([]);
  });

  test('--json: the findings as JSON, the sample sent with its content type', async () => {
    const r = await cli('deploy', 'smoke-test', '--endpoint', 'churn-dev', '--sample', 'sample.json', '--content-type', 'application/json', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      ok: true,
      endpointName: 'churn-dev',
      endpointConfigName: 'churn-dev-config',
      endpointStatus: 'InService',
      variants: ['AllTraffic'],
      dataCapture: { destinationS3Uri: CAPTURE, initialSamplingPercentage: 20, captureObjectsChecked: false },
      models: [],
      pinnedModelPackageArn: null,
      roleArn: null,
    });
    expect(out.invocation.responseBytes).toBeGreaterThan(0);
    expect(proxy.requests.map((q) => q.operation)).toEqual(['DescribeEndpoint', 'DescribeEndpointConfig', '']);
  });

  test('Creating, then InService: waits with progress lines, bounded by --timeout', async () => {
    proxy.inject = (op, i) => (op === 'DescribeEndpoint' && i < 2 ? describeAs('churn-dev', 'Creating') : undefined);
    const r = await cli('deploy', 'smoke-test', '--endpoint', 'churn-dev', '--sample', 'sample.json', '--poll-interval', '30', '--timeout', '600');
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

  test('another model than the pinned one: exit 5', async () => {
    const r = await cli('deploy', 'smoke-test', '--endpoint', 'churn-other-model', '--sample', 'sample.json', '--pinned', 'pinned-model.json');
    expect(r.code).toBe(5);
    expect(r.stderr).toContain(`does not serve the pinned model ${PINNED}:\n  - variant AllTraffic (model churn-other-model-model) uses ${OTHER}`);
    expect(proxy.count('')).toBe(0);
  });

  test('the invocation fails (a model error): exit 5 with the AWS error', async () => {
    proxy.inject = (op) =>
      op === ''
        ? { status: 424, body: JSON.stringify({ message: 'Received server error (500) from primary' }), headers: { 'x-amzn-errortype': 'ModelError', 'content-type': 'application/json' } }
        : undefined;
    const r = await cli('deploy', 'smoke-test', '--endpoint', 'churn-dev', '--sample', 'sample.json');
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('error: the sample invocation of endpoint "churn-dev" failed (ModelError, HTTP 424): Received server error (500) from primary');
    expect(proxy.count('')).toBe(1); // a model error is not retried
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
    const badRole = await cli('deploy', 'smoke-test', '--endpoint', 'churn-dev', '--sample', 'sample.json', '--role-arn', 'smoke-role');
    expect(badRole.code).toBe(1);
    const noSample = await cli('deploy', 'smoke-test', '--endpoint', 'churn-dev', '--sample', 'missing.json');
    expect(noSample.code).toBe(2);
    expect(noSample.stderr).toContain('the sample file');
    expect(proxy.requests).toEqual([]);
  });
});

describe('the bundled CLI', () => {
  const BUNDLE = path.join(REPO_ROOT, 'assets', 'runtime', 'cli', 'main.js');

  beforeAll(() => {
    // always rebuild: this file tests commands that older bundles do not have
    execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'bundle-runtime.mjs')], { cwd: REPO_ROOT, stdio: 'pipe' });
  });

  test('deploy smoke-test --role-arn: assumes the role through STS and tests the endpoint of the role\'s account', async () => {
    // moto keeps each account apart and serves requests signed with assumed-role credentials from the
    // role's account: the endpoint exists only in the target account 444444444444
    const target = '444444444444';
    const sts = new STSClient({ region: TEST_REGION, endpoint: moto.url, credentials: FAKE_CREDENTIALS });
    const setup = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${target}:role/setup`, RoleSessionName: 'setup' }));
    sts.destroy();
    const c = setup.Credentials!;
    const inTarget = new SageMakerClient({
      region: TEST_REGION,
      endpoint: moto.url,
      credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken },
    });
    const original = sm;
    sm = inTarget;
    try {
      await endpoint('churn-target');
    } finally {
      sm = original;
      inTarget.destroy();
    }
    const bundled = (args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        const options = { cwd: tmp, env: fakeAwsEnv(proxy.url, { AWS_ENDPOINT_URL: proxy.url }), timeout: 60_000 };
        execFile(process.execPath, [BUNDLE, ...args], options, (error, stdout, stderr) =>
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout: stdout.toString(), stderr: stderr.toString() }),
        );
      });
    const args = ['deploy', 'smoke-test', '--endpoint', 'churn-target', '--sample', 'sample.json', '--pinned', 'pinned-model.json', '--json'];
    const role = `arn:aws:iam::${target}:role/mlops-smoke-test`;
    proxy.clear();
    const r = await bundled([...args, '--role-arn', role]);
    expect(r.stderr).toContain(`… assuming ${role}`);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, roleArn: role, pinnedModelPackageArn: PINNED, endpointStatus: 'InService', endpointName: 'churn-target' });
    // STS first (query protocol: no X-Amz-Target), then the SageMaker API and the runtime
    expect(proxy.requests.map((q) => q.operation)).toEqual(['', 'DescribeEndpoint', 'DescribeEndpointConfig', 'DescribeModel', '']);
    // without the role, the caller's own account has no such endpoint
    const own = await bundled(args);
    expect(own.code).toBe(2);
  });
});
