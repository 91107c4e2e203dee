/**
 * The BUNDLED CLI (assets/runtime/cli/main.js, built by scripts/bundle-runtime.mjs when missing or older
 * than its sources) as a child process, against moto behind a counting loopback proxy: exit codes, human
 * and JSON output, the pinned-model file, approvals, progress lines and the AWS-error path.
 */
import { execFile, execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DescribeModelPackageCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { awsErrorBody, fakeAwsEnv, MotoServer, Proxy, REPO_ROOT, startMoto, startProxy } from '../../helpers/moto';
import { CLI_BUNDLE, ensureRuntimeBundle } from '../../helpers/runtime-bundle';
import { createGroup, createVersions, sdkClient } from '../registry-fixtures';

const BUNDLE = CLI_BUNDLE;


interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

let moto: MotoServer;
let proxy: Proxy;
let sm: SageMakerClient;
let tmp: string;
let arns: string[];
const GROUP = 'scoring-model';
const EMPTY = 'empty-scoring-model';

function cli(args: string[], endpoint = proxy.url): Promise<Result> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BUNDLE, ...args], { cwd: REPO_ROOT, env: fakeAwsEnv(endpoint), timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout: stdout.toString(), stderr: stderr.toString() });
    });
  });
}

beforeAll(async () => {
  ensureRuntimeBundle(CLI_BUNDLE);
  moto = await startMoto();
  proxy = await startProxy(moto.url);
  sm = sdkClient(moto.url);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-cli-'));
  await createGroup(sm, GROUP);
  await createGroup(sm, EMPTY);
  // 130 versions: every 4th approved up to 120, then 10 pending/rejected; the latest approved is 120
  const statuses = Array.from({ length: 130 }, (_, i) => i + 1).map((v) =>
    v > 120 ? (v % 2 ? 'PendingManualApproval' : 'Rejected') : v % 4 === 0 ? 'Approved' : v % 4 === 1 ? 'Rejected' : 'PendingManualApproval',
  ) as ('Approved' | 'Rejected' | 'PendingManualApproval')[];
  arns = await createVersions(sm, GROUP, statuses);
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
});

test('the bundle exists and bin/mlops-blueprint runs it', async () => {
  expect(fs.existsSync(BUNDLE)).toBe(true);
  const out = execFileSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'mlops-blueprint'), '--version'], { cwd: REPO_ROOT }).toString();
  expect(out).toMatch(/^mlops-blueprint \d+\.\d+\.\d+/);
});

test('validate: exit 0 for samples/platform.json, exit 1 with the problems for a bad fixture', async () => {
  const ok = await cli(['validate', 'samples/platform.json']);
  expect(ok.code).toBe(0);
  expect(ok.stdout).toContain('✔ samples/platform.json is a valid platform configuration');
  const bad = await cli(['validate', 'test/fixtures/bad-configs/cidr-overlap.json', '--json']);
  expect(bad.code).toBe(1);
  const out = JSON.parse(bad.stdout);
  expect(out.valid).toBe(false);
  expect(out.problems.length).toBeGreaterThanOrEqual(1);
  expect(out.problems.join('\n')).toMatch(/network\.cidr: .*overlaps/);
  const yaml = await cli(['validate', 'test/fixtures/bad-configs/yaml-unknown-key.yaml']);
  expect(yaml.code).toBe(1);
  expect(yaml.stdout).toMatch(/is not a valid platform configuration/);
});

test('bootstrap --out-dir: six policy files and bootstrap.sh', async () => {
  const dir = path.join(tmp, 'bootstrap');
  const r = await cli(['bootstrap', 'samples/platform.json', '--out-dir', dir]);
  expect(r.code).toBe(0);
  expect(r.stdout.match(/^npx cdk bootstrap aws:\/\/\d{12}\/eu-central-1 /gm)).toHaveLength(6);
  expect(r.stdout).toContain('wrote 7 files:');
  expect(fs.readdirSync(dir).filter((f) => f.endsWith('-cfn-exec-policy.json'))).toHaveLength(6);
  expect(fs.existsSync(path.join(dir, 'bootstrap.sh'))).toBe(true);
});

test('registry latest --json: the latest approved version, from one ListModelPackages request', async () => {
  const r = await cli(['registry', 'latest', '--group', GROUP, '--json']);
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout)).toEqual({
    modelPackageArn: arns[119],
    modelPackageGroupName: GROUP,
    modelPackageVersion: 120,
    approvalStatus: 'Approved',
    packageStatus: 'Completed',
    createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    description: 'version 120',
  });
  expect(proxy.requests.map((r2) => r2.operation)).toEqual(['ListModelPackages']);
  expect(r.stderr).toBe('');
});

test('registry latest on an empty group: exit 2 with a clear message (human and JSON)', async () => {
  const human = await cli(['registry', 'latest', '--group', EMPTY]);
  expect(human.code).toBe(2);
  expect(human.stdout).toBe('');
  expect(human.stderr).toContain(`error: model package group "${EMPTY}" has no approved model package: approve a version first`);
  const json = await cli(['registry', 'latest', '--group', EMPTY, '--json']);
  expect(json.code).toBe(2);
  expect(JSON.parse(json.stdout).error).toEqual({ code: 'NO_APPROVED_MODEL', message: expect.stringContaining(EMPTY), exitCode: 2 });
  const missing = await cli(['registry', 'latest', '--group', 'no-such-group', '--json']);
  expect(missing.code).toBe(2);
  expect(JSON.parse(missing.stdout).error.code).toBe('GROUP_NOT_FOUND');
});

test('deploy resolve: writes the pinned-model JSON (1 list + 1 describe)', async () => {
  const out = path.join(tmp, 'pipeline', 'pinned-model.json');
  const before = Date.now();
  const r = await cli(['deploy', 'resolve', '--group', GROUP, '--out', out]);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain(`✔ pinned ${GROUP} version 120 (${arns[119]})`);
  const pinned = JSON.parse(fs.readFileSync(out, 'utf-8'));
  expect(pinned).toEqual({
    schemaVersion: 1,
    modelPackageArn: arns[119],
    modelPackageGroupName: GROUP,
    modelPackageVersion: 120,
    approvalStatus: 'Approved',
    approvedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    containers: [{ image: '333333333333.dkr.ecr.eu-central-1.amazonaws.com/xgboost:1.7-1', modelDataUrl: `s3://vwml-models-222222222222/${GROUP}/v120/model.tar.gz` }],
    resolvedAt: expect.any(String),
  });
  expect(Date.parse(pinned.resolvedAt)).toBeGreaterThanOrEqual(before - 1000);
  expect(Date.parse(pinned.resolvedAt)).toBeLessThanOrEqual(Date.now());
  expect(proxy.requests.map((x) => x.operation)).toEqual(['ListModelPackages', 'DescribeModelPackage']);
});

test('deploy resolve with no approved model: exit 2, clear message, no file', async () => {
  const out = path.join(tmp, 'none', 'pinned-model.json');
  const r = await cli(['deploy', 'resolve', '--group', EMPTY, '--out', out]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(`model package group "${EMPTY}" has no approved model package`);
  expect(fs.existsSync(out)).toBe(false);
});

test('registry list: pages reported on stderr, --status filter, JSON on stdout', async () => {
  const all = await cli(['registry', 'list', '--group', GROUP, '--json']);
  expect(all.code).toBe(0);
  const out = JSON.parse(all.stdout);
  expect(out.count).toBe(130);
  expect(out.versions[0].modelPackageVersion).toBe(130);
  expect(all.stderr.trim().split('\n')).toEqual([
    `… ListModelPackages for model package group "${GROUP}": page 1, 100 versions so far, more to come`,
    `… ListModelPackages for model package group "${GROUP}": page 2, 130 versions so far`,
  ]);
  const approved = await cli(['registry', 'list', '--group', GROUP, '--status', 'Approved', '--quiet']);
  expect(approved.code).toBe(0);
  expect(approved.stderr).toBe('');
  expect(approved.stdout.split('\n')[0]).toBe(`30 versions of ${GROUP} with status Approved:`);
});

test('registry approve and reject change the status and the description in the registry', async () => {
  const approve = await cli(['registry', 'approve', '--arn', arns[124], '--reason', 'shadow test passed']);
  expect(approve.code).toBe(0);
  expect(approve.stdout).toContain(`✔ approved ${arns[124]}`);
  let d = await sm.send(new DescribeModelPackageCommand({ ModelPackageName: arns[124] }));
  expect([d.ModelApprovalStatus, d.ApprovalDescription]).toEqual(['Approved', 'shadow test passed']);
  expect(JSON.parse((await cli(['registry', 'latest', '--group', GROUP, '--json'])).stdout).modelPackageVersion).toBe(125);

  const reject = await cli(['registry', 'reject', '--arn', arns[124], '--reason', 'p99 latency regression', '--json']);
  expect(reject.code).toBe(0);
  expect(JSON.parse(reject.stdout)).toEqual({ modelPackageArn: arns[124], approvalStatus: 'Rejected', approvalDescription: 'p99 latency regression' });
  d = await sm.send(new DescribeModelPackageCommand({ ModelPackageName: arns[124] }));
  expect([d.ModelApprovalStatus, d.ApprovalDescription]).toEqual(['Rejected', 'p99 latency regression']);
});

test('registry describe shows a version; record-deployment writes the metadata', async () => {
  const rec = await cli(['registry', 'record-deployment', '--arn', arns[3], '--stage', 'dev', '--endpoint-name', 'scoring-dev', '--json']);
  expect(rec.code).toBe(0);
  expect(JSON.parse(rec.stdout).customerMetadataProperties).toEqual({ 'deployed.dev.at': expect.any(String), 'deployed.dev.endpoint': 'scoring-dev' });
  const described = await cli(['registry', 'describe', '--arn', arns[3]]);
  expect(described.code).toBe(0);
  expect(described.stdout).toContain(`${GROUP} version 4:`);
  expect(described.stdout).toMatch(/deployed: dev scoring-dev at \d{4}-/);
});

test('an AWS error that outlasts the retries: exit 3, retries reported on stderr, the error names operation and status', async () => {
  proxy.inject = () => ({ status: 500, body: awsErrorBody('InternalFailure', 'injected') });
  const started = Date.now();
  const r = await cli(['registry', 'latest', '--group', GROUP]);
  const elapsed = Date.now() - started;
  expect(r.code).toBe(3);
  const lines = r.stderr.trim().split('\n');
  expect(lines.slice(0, 4).map((l) => l.replace(/\d+ ms$/, 'N ms'))).toEqual(
    [1, 2, 3, 4].map((n) => `… ListModelPackages for model package group "${GROUP}": HTTP 500 InternalFailure on attempt ${n}/5, retrying in N ms`),
  );
  expect(lines[4]).toMatch(
    new RegExp(`^error: ListModelPackages failed for model package group "${GROUP}" \\(HTTP 500 InternalFailure: injected\\) after 5 attempts in \\d+ ms`),
  );
  expect(proxy.count('ListModelPackages')).toBe(5);
  // default bounds: backoffs of at most 200 + 400 + 800 + 1600 ms, plus node start-up
  expect(elapsed).toBeLessThan(10_000);
});

test('the wrong arguments: exit 1 before any request', async () => {
  const r = await cli(['deploy', 'resolve', '--group', GROUP]);
  expect(r.code).toBe(1);
  expect(r.stderr).toBe('error: "deploy resolve" needs --out FILE\nusage: mlops-blueprint deploy resolve --group GROUP --out FILE\n');
  expect(proxy.requests).toHaveLength(0);
});
