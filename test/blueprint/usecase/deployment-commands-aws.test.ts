/**
 * The commands run, against emulators of AWS on 127.0.0.1: the model deployment pipeline's install phase
 * (`aws codeartifact login` with the real AWS CLI, then `npm ci`) against a stand-in of the CodeArtifact
 * mirror, Resolve and SmokeTest against moto (STS, SageMaker API and runtime, S3), and the `train`
 * workflow's upload of the repository to the deployment source against moto's S3. Every command is taken
 * from the synthesized buildspecs or the generated workflow.
 */
import { spawn, spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as path from 'path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateEndpointCommand, CreateEndpointConfigCommand, CreateModelCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { makeWorkspace, projectOfStage, runAsync, synthReferenceAssembly, trainWorkflowJob } from './commands-fixture';
import { FAKE_CREDENTIALS, fakeAwsEnv, MotoServer, startMoto } from '../../helpers/moto';
import { REPO_ROOT } from '../../helpers/runtime-bundle';
import { REFERENCE_PINNED_MODEL_PACKAGE_ARN, REFERENCE_USE_CASE_NAME } from '../../reference/reference-app';
import { createGroup, createVersions, sdkClient } from '../../runtime/registry-fixtures';

let tmp: string;
let deploymentTemplate: any;

beforeAll(() => {
  ({ tmp, deploymentTemplate } = synthReferenceAssembly('deployment-commands-aws-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const workspace = (name: string) => makeWorkspace(tmp, name);

describe('the Resolve project against the SageMaker API of an emulator (moto on 127.0.0.1)', () => {
  let moto: MotoServer;
  beforeAll(async () => {
    moto = await startMoto();
  });
  afterAll(async () => {
    await moto?.stop();
  });

  test('deploy resolve pins the latest approved version of the group named by MODEL_PACKAGE_GROUP_ARN and exports it; a group without approvals fails with exit 2 and the reason', async () => {
    const project = projectOfStage(deploymentTemplate, 'Resolve');
    const spec = JSON.parse(project.Properties.Source.BuildSpec);
    const variables = Object.fromEntries(project.Properties.Environment.EnvironmentVariables.map((v: any) => [v.Name, v.Value]));
    expect(variables.MODEL_PACKAGE_GROUP_ARN).toBe(`arn:aws:sagemaker:eu-central-1:222222222222:model-package-group/vwml-${REFERENCE_USE_CASE_NAME}`);
    // the emulator is one account: the group of the ARN, with versions 1 approved, 2 approved, 3 pending
    const sm = sdkClient(moto.url);
    const group = `vwml-${REFERENCE_USE_CASE_NAME}`;
    await createGroup(sm, group);
    const arns = await createVersions(sm, group, ['Approved', 'Approved', 'PendingManualApproval']);
    sm.destroy();
    const env = { ...fakeAwsEnv(moto.url), HOME: path.join(tmp, 'home'), CI: 'true', npm_config_offline: 'true' } as Record<string, string>;
    // the exported variables are what the buildspec's last commands leave in the shell
    const run = (vars: Record<string, string>, ws: string) => new Promise<{ status: number | null; output: string }>((resolve) => {
      const child = spawn('bash', ['--noprofile', '--norc', '-e', '-c', [...spec.phases.build.commands, 'echo "EXPORTED $MODEL_PACKAGE_ARN $MODEL_PACKAGE_VERSION"'].join('\n')], { cwd: ws, env: { ...env, ...vars } });
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      child.on('close', (status) => resolve({ status, output }));
    });
    const ws = workspace('ws-resolve');
    const r = await run(variables, ws);
    expect(r.status).toBe(0);
    expect(r.output).toContain(`EXPORTED ${arns[1]} 2`);
    expect(JSON.parse(fs.readFileSync(path.join(ws, 'pinned-model.json'), 'utf-8'))).toMatchObject({ schemaVersion: 1, modelPackageArn: arns[1], modelPackageVersion: 2 });
    expect(spec.artifacts).toEqual({ files: ['pinned-model.json'] });

    const emptyGroup = `vwml-${REFERENCE_USE_CASE_NAME}-empty`;
    const sm2 = sdkClient(moto.url);
    await createGroup(sm2, emptyGroup);
    sm2.destroy();
    const none = await run({ ...variables, MODEL_PACKAGE_GROUP_ARN: variables.MODEL_PACKAGE_GROUP_ARN.replace(/[^/]+$/, emptyGroup) }, workspace('ws-resolve-empty'));
    expect(none.status).toBe(2);
    expect(none.output).toContain('Resolve FAILED: the model package group');
    expect(none.output).toContain('has no approved version (or does not exist): approve a version in the registry first');
  });
});


describe('the SmokeTest project against moto (STS, SageMaker API and runtime, S3 on 127.0.0.1)', () => {
  let moto: MotoServer;
  beforeAll(async () => {
    moto = await startMoto();
  });
  afterAll(async () => {
    await moto?.stop();
  });

  test('SmokeTestDev assumes the DEV smoke-test role and passes against the endpoint of the pinned version in DEV', async () => {
    const project = projectOfStage(deploymentTemplate, 'SmokeTestDev');
    const spec = JSON.parse(project.Properties.Source.BuildSpec);
    const variables: Record<string, string> = Object.fromEntries(
      project.Properties.Environment.EnvironmentVariables.map((v: any) => [v.Name, v.Value]),
    );
    // the DEV account inside moto (requests signed with assumed-role credentials land in the role's account)
    const sts = new STSClient({ region: 'eu-central-1', endpoint: moto.url, credentials: FAKE_CREDENTIALS });
    const setup = (await sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::444444444444:role/setup', RoleSessionName: 'setup' }))).Credentials!;
    sts.destroy();
    const credentials = { accessKeyId: setup.AccessKeyId!, secretAccessKey: setup.SecretAccessKey!, sessionToken: setup.SessionToken };
    const sm = new SageMakerClient({ region: 'eu-central-1', endpoint: moto.url, credentials });
    const s3 = new S3Client({ region: 'eu-central-1', endpoint: moto.url, forcePathStyle: true, credentials });
    const endpointName = variables.ENDPOINT_NAME;
    const bucket = 'vwml-capture-444444444444';
    try {
      await sm.send(new CreateModelCommand({
        ModelName: `${endpointName}-model`,
        ExecutionRoleArn: 'arn:aws:iam::444444444444:role/endpoint',
        PrimaryContainer: { ModelPackageName: REFERENCE_PINNED_MODEL_PACKAGE_ARN },
      }));
      await sm.send(new CreateEndpointConfigCommand({
        EndpointConfigName: `${endpointName}-config`,
        ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: `${endpointName}-model`, InitialInstanceCount: 1, InstanceType: 'ml.m5.large', InitialVariantWeight: 1 }],
        DataCaptureConfig: {
          EnableCapture: true,
          InitialSamplingPercentage: 100,
          DestinationS3Uri: `s3://${bucket}/data-capture`,
          CaptureOptions: [{ CaptureMode: 'Input' }, { CaptureMode: 'Output' }],
        },
      }));
      await sm.send(new CreateEndpointCommand({ EndpointName: endpointName, EndpointConfigName: `${endpointName}-config` }));
      await s3.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: 'eu-central-1' } }));
      // SageMaker's part: the capture object of this hour (objects written shortly before the invocation count)
      // (this hour's and, near its end, the next hour's prefix: the invocation may fall into either)
      for (const at of new Set([0, 60_000].map((ahead) => new Date(Date.now() + ahead).toISOString().slice(0, 13)))) {
        const hour = `${at.slice(0, 4)}/${at.slice(5, 7)}/${at.slice(8, 10)}/${at.slice(11, 13)}/`;
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `data-capture/${endpointName}/AllTraffic/${hour}capture.jsonl`, Body: '{"captureData":{}}\n' }));
      }
    } finally {
      sm.destroy();
      s3.destroy();
    }
    const ws = workspace('ws-smoke-moto');
    fs.mkdirSync(path.join(ws, 'smoke-test'));
    fs.copyFileSync(path.join(REPO_ROOT, 'templates', 'usecase', 'smoke-test', 'sample.json'), path.join(ws, variables.SMOKE_TEST_SAMPLE));
    const pinnedDir = path.join(tmp, 'pinned-smoke-moto');
    fs.mkdirSync(pinnedDir);
    fs.writeFileSync(path.join(pinnedDir, 'pinned-model.json'), JSON.stringify({ schemaVersion: 1, modelPackageArn: REFERENCE_PINNED_MODEL_PACKAGE_ARN, modelPackageVersion: 7, approvalStatus: 'Approved' }));
    const r = await new Promise<{ status: number | null; output: string }>((resolve) => {
      const child = spawn('bash', ['--noprofile', '--norc', '-e', '-c', spec.phases.build.commands.join('\n')], {
        cwd: ws,
        env: { ...fakeAwsEnv(moto.url, { AWS_ENDPOINT_URL: moto.url }), HOME: path.join(tmp, 'home'), ...variables, CODEBUILD_SRC_DIR_PinnedModel: pinnedDir } as Record<string, string>,
      });
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      child.on('close', (status) => resolve({ status, output }));
    });
    expect(r.output).toContain(`… assuming arn:aws:iam::444444444444:role/vwml-${REFERENCE_USE_CASE_NAME}-dev-smoke-test`);
    expect(r.output).toContain(`✔ smoke test of ${endpointName} passed`);
    expect(r.output).toContain(`model:        ${REFERENCE_PINNED_MODEL_PACKAGE_ARN} on every variant`);
    expect(r.status).toBe(0);
  });
});


/**
 * A local stand-in for the CodeArtifact mirror on 127.0.0.1: the two API calls of `aws codeartifact
 * login` (GetAuthorizationToken, GetRepositoryEndpoint, which answers with this server's npm path) and
 * an npm registry at that path that serves one package, only with the token the login handed out.
 */
class LocalMirror {
  public readonly requests: Array<{ method: string; url: string; authorization?: string }> = [];
  public readonly token = `local-token-${crypto.randomBytes(6).toString('hex')}`;
  private server?: http.Server;
  private tarball = Buffer.alloc(0);

  constructor(private readonly packageName: string, private readonly version: string) {}

  public get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  public async start(tarballFile: string): Promise<void> {
    this.tarball = fs.readFileSync(tarballFile);
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  public async stop(): Promise<void> {
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    this.requests.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization });
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'POST' && url.pathname === '/v1/authorization-token') {
      return json(200, { authorizationToken: this.token, expiration: Math.floor(Date.now() / 1000) + 3600 });
    }
    if (req.method === 'GET' && url.pathname === '/v1/repository/endpoint') {
      return json(200, { repositoryEndpoint: `${this.url}/npm/${url.searchParams.get('repository')}/` });
    }
    if (req.headers.authorization !== `Bearer ${this.token}`) return json(401, { error: 'no or wrong CodeArtifact token' });
    const tarballPath = `/npm/shared/${this.packageName}/-/${this.packageName}-${this.version}.tgz`;
    if (req.method === 'GET' && url.pathname === `/npm/shared/${this.packageName}`) {
      return json(200, {
        'name': this.packageName,
        'dist-tags': { latest: this.version },
        'versions': { [this.version]: { name: this.packageName, version: this.version, dist: { tarball: `${this.url}${tarballPath}`, integrity: this.integrity() } } },
      });
    }
    if (req.method === 'GET' && url.pathname === tarballPath) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      return void res.end(this.tarball);
    }
    return json(404, { error: `not here: ${url.pathname}` });
  }

  public integrity(): string {
    return `sha512-${crypto.createHash('sha512').update(this.tarball).digest('base64')}`;
  }
}


describe('the install phase of the pipeline\'s projects: npm ci through the package mirror', () => {
  const name = 'mlops-mirror-fixture';
  const mirror = new LocalMirror(name, '1.0.0');
  let home: string;

  beforeAll(async () => {
    // the buildspec's login is the AWS CLI's (CodeBuild images have it); here it must be on PATH too
    const aws = spawnSync('aws', ['--version'], { encoding: 'utf-8' });
    if (aws.status !== 0) throw new Error('the AWS CLI is not on PATH (aws --version failed): install it (pip install awscli, or AWS CLI v2) to run the install phase of the buildspecs');
    home = path.join(tmp, 'install-home');
    fs.mkdirSync(home, { recursive: true });
    const pkgDir = path.join(tmp, 'fixture-package');
    fs.mkdirSync(pkgDir);
    // its install script records whether it ran and which credential variables it saw (a compromised
    // dependency would send them away)
    fs.writeFileSync(path.join(pkgDir, 'package.json'), JSON.stringify({
      name,
      version: '1.0.0',
      main: 'index.js',
      scripts: { postinstall: 'node -e "require(\'fs\').writeFileSync(\'../../postinstall-ran.txt\', String(process.env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI))"' },
    }));
    fs.writeFileSync(path.join(pkgDir, 'index.js'), 'module.exports = "from the mirror";\n');
    const packed = spawnSync('npm', ['pack', '--silent', '--pack-destination', tmp], { cwd: pkgDir, encoding: 'utf-8', env: { ...process.env, HOME: home } });
    expect(packed.status).toBe(0);
    await mirror.start(path.join(tmp, `${name}-1.0.0.tgz`));
  });
  afterAll(() => mirror.stop());

  test.each(['Resolve', 'Synth', 'DeployDev', 'SmokeTestDev'])('%s: aws codeartifact login (the real AWS CLI) points npm at the mirror, and npm ci installs from it with its token', async (stageName) => {
    const project = projectOfStage(deploymentTemplate, stageName);
    const install: string[] = JSON.parse(project.Properties.Source.BuildSpec).phases.install.commands;
    // Deploy and SmokeTest hold credentials for the target accounts: no dependency code runs while they install
    const credentialed = /^(Deploy|SmokeTest)/.test(stageName);
    expect(install[install.length - 1]).toMatch(credentialed ? /^env( -u AWS_[A-Z_]+)+ npm ci --ignore-scripts$/ : /^npm ci$/);
    // the repository's lockfile, as npm writes it against the public registry
    const ws = path.join(tmp, `install-${stageName}`);
    fs.mkdirSync(ws);
    fs.writeFileSync(path.join(ws, 'package.json'), JSON.stringify({ name: 'use-case', version: '0.0.0', private: true, dependencies: { [name]: '1.0.0' } }));
    fs.writeFileSync(path.join(ws, 'package-lock.json'), JSON.stringify({
      name: 'use-case',
      version: '0.0.0',
      lockfileVersion: 3,
      requires: true,
      packages: {
        '': { name: 'use-case', version: '0.0.0', dependencies: { [name]: '1.0.0' } },
        [`node_modules/${name}`]: { version: '1.0.0', resolved: `https://registry.npmjs.org/${name}/-/${name}-1.0.0.tgz`, integrity: mirror.integrity(), hasInstallScript: true },
      },
    }));
    const userHome = path.join(home, stageName);
    fs.mkdirSync(userHome);
    const before = mirror.requests.length;
    const r = await runAsync(install, ws, {
      PATH: process.env.PATH ?? '',
      HOME: userHome,
      // the CodeArtifact API of the build is this local stand-in; credentials are fake, nothing reaches AWS
      AWS_ENDPOINT_URL: mirror.url,
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_EC2_METADATA_DISABLED: 'true',
      // how CodeBuild hands the project role's credentials to the build
      AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/build-role-secret',
      npm_config_cache: path.join(userHome, 'npm-cache'),
      npm_config_update_notifier: 'false',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
    });
    expect(r.output).not.toMatch(/ERR!/);
    expect(r.status).toBe(0);
    expect(fs.readFileSync(path.join(ws, 'node_modules', name, 'index.js'), 'utf-8')).toBe('module.exports = "from the mirror";\n');
    // the dependency's install script: run, and seeing the credentials, only where the project holds no deploy roles
    const marker = path.join(ws, 'postinstall-ran.txt');
    if (credentialed) expect(fs.existsSync(marker)).toBe(false);
    else expect(fs.readFileSync(marker, 'utf-8')).toBe('/v2/credentials/build-role-secret');
    const seen = mirror.requests.slice(before);
    // the login asked, signed for eu-central-1, for the EXP domain and repository the buildspec names
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/v1/authorization-token?domain=vwml-packages&domain-owner=222222222222' });
    expect(seen[0].authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/\d{8}\/eu-central-1\/codeartifact\/aws4_request/);
    expect(seen[1]).toMatchObject({ method: 'GET', url: '/v1/repository/endpoint?domain=vwml-packages&repository=shared&format=npm&domain-owner=222222222222' });
    // npm fetched the package from the mirror with the login's token (the lockfile's npmjs URL was rewritten)
    expect(seen).toContainEqual({ method: 'GET', url: `/npm/shared/${name}/-/${name}-1.0.0.tgz`, authorization: `Bearer ${mirror.token}` });
  });
});

describe('the train workflow feeds the deployment pipeline: the upload step against moto\'s S3', () => {
  let moto: MotoServer;
  beforeAll(async () => {
    moto = await startMoto();
  });
  afterAll(async () => {
    await moto?.stop();
  });

  test('"Upload the repository" zips the commit with git archive and puts it to the source object with the real AWS CLI', async () => {
    const job = trainWorkflowJob(path.join(tmp, 'project-upload'));
    const step = job.steps.find((st: any) => st.name === 'Upload the repository to the deployment pipeline\'s source (RES)');
    // a checked-out repository with one commit
    const repo = path.join(tmp, 'repo-upload');
    fs.mkdirSync(repo);
    fs.writeFileSync(path.join(repo, 'package.json'), '{"name":"weld-gun-pm"}\n');
    const git = (...args: string[]) => expect(spawnSync('git', args, { cwd: repo, encoding: 'utf-8', env: { ...process.env, HOME: tmp } }).status).toBe(0);
    git('init', '-q');
    git('-c', 'user.name=ci', '-c', 'user.email=ci@example.com', 'commit', '-q', '--allow-empty', '-m', 'empty');
    git('add', 'package.json');
    git('-c', 'user.name=ci', '-c', 'user.email=ci@example.com', 'commit', '-q', '-m', 'use case');
    const summary = path.join(tmp, 'step-summary.md');
    const env = {
      ...fakeAwsEnv(moto.url),
      AWS_ENDPOINT_URL: moto.url,
      AWS_DEFAULT_REGION: 'eu-central-1',
      HOME: tmp,
      GITHUB_STEP_SUMMARY: summary,
      ...step.env,
    } as Record<string, string>;
    const run = (commands: string[]) => new Promise<{ status: number | null; output: string }>((resolve) => {
      const child = spawn('bash', ['--noprofile', '--norc', '-e', '-c', commands.join('\n')], { cwd: repo, env });
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      child.on('close', (status) => resolve({ status, output }));
    });
    expect((await run(['aws s3api create-bucket --bucket "$DEPLOYMENT_SOURCE_BUCKET" --create-bucket-configuration LocationConstraint=eu-central-1 > /dev/null'])).status).toBe(0);
    const r = await run([step.run]);
    expect(r.output).toContain(`upload: ./source.zip to s3://vwml-${REFERENCE_USE_CASE_NAME}-source-333333333333/source.zip`);
    expect(r.status).toBe(0);
    const listed = await run(['aws s3api list-objects-v2 --bucket "$DEPLOYMENT_SOURCE_BUCKET" --query "Contents[].Key" --output text']);
    expect(listed.output.trim()).toBe('source.zip');
    const fetched = path.join(tmp, 'fetched.zip');
    expect((await run([`aws s3 cp "s3://$DEPLOYMENT_SOURCE_BUCKET/$DEPLOYMENT_SOURCE_KEY" "${fetched}" > /dev/null`])).status).toBe(0);
    // a zip (local file header PK\x03\x04) holding the committed file (names are stored uncompressed)
    const zip = fs.readFileSync(fetched);
    expect(zip.subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
    expect(zip.includes('package.json')).toBe(true);
    expect(fs.readFileSync(summary, 'utf-8')).toContain(`s3://vwml-${REFERENCE_USE_CASE_NAME}-source-333333333333/source.zip`);
  });
});
