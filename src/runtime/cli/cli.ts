/**
 * The `mlops-blueprint` command-line tool: validate the platform configuration, print or write the CDK
 * bootstrap, work with the model registry, and resolve the model version a deployment pins.
 *
 * Exit codes (see EXIT):
 *   0  success
 *   1  usage error, invalid input or invalid configuration
 *   2  not found: no approved model, no such model package group or model package
 *   3  AWS error: a request failed (non-retryable, or retries exhausted), no credentials or region
 *   4  unexpected internal error (a bug: please report it)
 *   5  a check or a run failed: deploy check-pin / smoke-test found a problem (another model; the endpoint, its data
 *      capture, the invocation, no capture object in S3 in time), or pipeline local failed (a Fail step ran, or a step failed)
 */
import * as fs from 'fs';
import * as path from 'path';
import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { PlatformBootstrap } from '../../blueprint/bootstrap/platform-bootstrap';
import { PlatformConfig } from '../../blueprint/config/platform-config';
import { cost, COST_COMMAND } from '../cost/command';
import {
  assumeRole,
  checkPin,
  DEFAULT_CAPTURE_TIMEOUT_MS,
  DEFAULT_SCALE_OUT_TIMEOUT_MS,
  DeployCheckError,
  DeployCheckErrorCode,
  MAX_DEFAULT_INVOCATIONS,
  readPinnedModel,
  ROLE_ARN,
  runSmokeTest,
  SmokeTestEnvironment,
} from '../deploy';
import { PIPELINE_LOCAL_COMMAND, pipelineLocal } from '../local-pipeline/command';
import {
  APPROVAL_STATUSES,
  ApprovalStatus,
  MAX_PAGE_SIZE,
  ModelRegistryClient,
  ModelRegistryClientOptions,
  ModelVersion,
  ProgressEvent,
  RegistryError,
} from '../registry';
import { CommandSpec, commandHelp, commandName, optionLine, OptionSpec, parseArgs, usageLine, UsageError } from './args';

/** The exit codes of the CLI. */
export const EXIT = {
  OK: 0,
  USAGE: 1,
  NOT_FOUND: 2,
  AWS: 3,
  INTERNAL: 4,
  CHECK_FAILED: 5,
} as const;

/** The program name. */
export const PROGRAM = 'mlops-blueprint';

/** Where the CLI reads and writes; injectable for tests. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** The clock (resolvedAt). @default - the real clock */
  readonly now?: () => Date;
  /** Extra options of the registry client (tests: retry bounds). @default - none */
  readonly registryOptions?: Partial<ModelRegistryClientOptions>;
  /** Options of the deploy checks (tests: static credentials, fake sleep, retry bounds). @default - none */
  readonly deployOptions?: DeployTestOptions;
}

/** What tests may change in `deploy smoke-test`. */
export interface DeployTestOptions {
  /** Static credentials for every client (STS included). @default - the SDK's default chain */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Clock, sleep and retry bounds. @default - real timers */
  readonly environment?: Partial<SmokeTestEnvironment>;
  /** The clock-skew allowance of the capture check, in milliseconds. @default DEFAULT_CAPTURE_CLOCK_SKEW_MS */
  readonly captureClockSkewMs?: number;
}

const GLOBAL_OPTIONS: readonly OptionSpec[] = [
  { name: 'json', kind: 'boolean', description: 'print machine-readable JSON on stdout' },
  { name: 'quiet', alias: 'q', kind: 'boolean', description: 'no progress lines on stderr' },
  { name: 'region', kind: 'string', valueName: 'REGION', description: 'the AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, the profile)' },
  {
    name: 'endpoint-url',
    kind: 'string',
    valueName: 'URL',
    description: 'the SageMaker endpoint (default: AWS_ENDPOINT_URL_SAGEMAKER, AWS_ENDPOINT_URL)',
  },
  { name: 'help', alias: 'h', kind: 'boolean', description: 'show help' },
  { name: 'version', alias: 'V', kind: 'boolean', description: 'show the version' },
];

/** The default InService wait of `deploy smoke-test`, in seconds. */
const DEFAULT_SMOKE_TIMEOUT_S = 1200;
/** The default time between two DescribeEndpoint requests of `deploy smoke-test`, in seconds. */
const DEFAULT_POLL_INTERVAL_S = 15;
/** The default wait of `deploy smoke-test` for a data capture object in S3, in seconds. */
const DEFAULT_CAPTURE_TIMEOUT_S = DEFAULT_CAPTURE_TIMEOUT_MS / 1000;
/** The default wait of `deploy smoke-test` for a copy of an inference component that has scaled in to 0, in seconds. */
const DEFAULT_SCALE_OUT_TIMEOUT_S = DEFAULT_SCALE_OUT_TIMEOUT_MS / 1000;
/** The exit code of each deployment-check error. */
const DEPLOY_EXIT: Record<DeployCheckErrorCode, number> = {
  NOT_FOUND: EXIT.NOT_FOUND,
  INVALID_INPUT: EXIT.USAGE,
  CHECK_FAILED: EXIT.CHECK_FAILED,
  AWS_ERROR: EXIT.AWS,
};

const GROUP: OptionSpec = { name: 'group', kind: 'string', valueName: 'GROUP', required: true, description: 'the model package group (name or ARN)' };
const ARN: OptionSpec = { name: 'arn', kind: 'string', valueName: 'ARN', required: true, description: 'the model package ARN (…:model-package/<group>/<version>)' };
const REASON: OptionSpec = {
  name: 'reason',
  kind: 'string',
  valueName: 'TEXT',
  required: true,
  description: 'why (recorded as the ApprovalDescription, at most 1024 characters)',
};

/** Every command. */
export const COMMANDS: readonly CommandSpec[] = [
  {
    words: ['validate'],
    summary: 'Validate a platform configuration (JSON or YAML); lists every problem.',
    positionals: [{ name: 'config', description: 'the platform configuration file, e.g. platform.json' }],
    options: [],
    examples: [`${PROGRAM} validate platform.json`],
  },
  {
    words: ['bootstrap'],
    summary: 'Print the commands that create the least-privilege execution policies and CDK-bootstrap the six accounts.',
    positionals: [{ name: 'config', description: 'the platform configuration file' }],
    options: [{ name: 'out-dir', kind: 'string', valueName: 'DIR', description: 'write the policy documents and bootstrap.sh to DIR' }],
    examples: [`${PROGRAM} bootstrap platform.json`, `${PROGRAM} bootstrap platform.json --out-dir bootstrap/`],
  },
  {
    words: ['registry', 'latest'],
    summary: 'Show the latest approved version of a model package group (one ListModelPackages request).',
    positionals: [],
    options: [GROUP],
    examples: [`${PROGRAM} registry latest --group churn-model --json`],
  },
  {
    words: ['registry', 'list'],
    summary: 'List the versions of a model package group, newest first.',
    positionals: [],
    options: [
      GROUP,
      { name: 'status', kind: 'string', valueName: 'STATUS', choices: APPROVAL_STATUSES, description: `only this approval status (${APPROVAL_STATUSES.join(', ')})` },
      { name: 'page-size', kind: 'string', valueName: 'N', description: `versions per request, 1 to ${MAX_PAGE_SIZE} (default ${MAX_PAGE_SIZE})` },
    ],
    examples: [`${PROGRAM} registry list --group churn-model --status Approved`],
  },
  {
    words: ['registry', 'describe'],
    summary: 'Describe one model package version (status, reason, containers, recorded deployments).',
    positionals: [],
    options: [ARN],
  },
  {
    words: ['registry', 'approve'],
    summary: 'Approve a model package version, with the reason.',
    positionals: [],
    options: [ARN, REASON],
    examples: [`${PROGRAM} registry approve --arn arn:aws:sagemaker:eu-central-1:222222222222:model-package/churn-model/7 --reason "AUC 0.91"`],
  },
  {
    words: ['registry', 'reject'],
    summary: 'Reject a model package version, with the reason.',
    positionals: [],
    options: [ARN, REASON],
  },
  {
    words: ['registry', 'record-deployment'],
    summary: 'Record on a model package version that it is deployed to a stage (customer metadata deployed.<stage>.*).',
    positionals: [],
    options: [
      ARN,
      { name: 'stage', kind: 'string', valueName: 'STAGE', required: true, description: 'the stage, e.g. dev, int, prod' },
      { name: 'endpoint-name', kind: 'string', valueName: 'NAME', description: 'the SageMaker endpoint it is deployed to' },
    ],
  },
  {
    words: ['deploy', 'resolve'],
    summary: 'Resolve the latest approved version once and write the pinned-model JSON that every stage deploys.',
    positionals: [],
    options: [GROUP, { name: 'out', kind: 'string', valueName: 'FILE', required: true, description: 'where to write the pinned-model JSON' }],
    examples: [`${PROGRAM} deploy resolve --group churn-model --out pinned-model.json`],
  },
  {
    words: ['deploy', 'check-pin'],
    summary: 'Fail unless the synthesized template of a stack deploys exactly the pinned model package (every AWS::SageMaker::Model).',
    positionals: [],
    options: [
      { name: 'pinned', kind: 'string', valueName: 'FILE', required: true, description: 'the pinned-model JSON written by deploy resolve' },
      { name: 'assembly', kind: 'string', valueName: 'DIR', required: true, description: 'the cloud assembly (cdk.out)' },
      { name: 'stack', kind: 'string', valueName: 'NAME', required: true, description: 'the stack as cdk deploy selects it: its hierarchical id (construct path, e.g. UseCase/ServingDev)' },
    ],
    examples: [`${PROGRAM} deploy check-pin --pinned pinned-model.json --assembly cdk.out --stack UseCase/ServingDev`],
  },
  {
    words: ['deploy', 'smoke-test'],
    summary:
      'Smoke-test an endpoint: InService (bounded wait), data capture enabled, the pinned model (--pinned), the sample invocation, a capture object in S3 (bounded wait).',
    positionals: [],
    options: [
      { name: 'endpoint', kind: 'string', valueName: 'NAME', required: true, description: 'the SageMaker endpoint' },
      { name: 'sample', kind: 'string', valueName: 'FILE', required: true, description: 'the request body of the sample invocation' },
      { name: 'content-type', kind: 'string', valueName: 'TYPE', description: 'the content type of the sample (default application/json)' },
      { name: 'timeout', kind: 'string', valueName: 'SECONDS', description: `how long to wait for InService (default ${DEFAULT_SMOKE_TIMEOUT_S}, at most 7200)` },
      { name: 'poll-interval', kind: 'string', valueName: 'SECONDS', description: `the time between two status requests, and between two capture listings (at least 1 s) (default ${DEFAULT_POLL_INTERVAL_S})` },
      { name: 'role-arn', kind: 'string', valueName: 'ARN', description: 'a role to assume first (the smoke-test role in the target account)' },
      { name: 'pinned', kind: 'string', valueName: 'FILE', description: 'the pinned-model JSON: every variant must serve exactly that model package' },
      {
        name: 'capture-timeout',
        kind: 'string',
        valueName: 'SECONDS',
        description: `how long to wait for a data capture object in S3 after the invocation (default ${DEFAULT_CAPTURE_TIMEOUT_S}, at most 3600)`,
      },
      {
        name: 'inference-component',
        kind: 'string',
        valueName: 'NAME',
        description: 'the inference component of an endpoint that serves one (scale to zero; default: the component named like the endpoint)',
      },
      {
        name: 'scale-out-timeout',
        kind: 'string',
        valueName: 'SECONDS',
        description: `how long to wait for a copy of an inference component that has scaled in to 0 (default ${DEFAULT_SCALE_OUT_TIMEOUT_S}, at most 3600)`,
      },
      { name: 'no-capture-check', kind: 'boolean', description: 'do not wait for a data capture object in S3 (the output says it was not checked)' },
      {
        name: 'invocations',
        kind: 'string',
        valueName: 'N',
        description: `how many times to send the sample, 1 to 1000 (default: enough for a 99.9 % chance that the sampling captures one, at most ${MAX_DEFAULT_INVOCATIONS}; 1 with --no-capture-check)`,
      },
    ],
    examples: [
      `${PROGRAM} deploy smoke-test --endpoint churn-dev --sample smoke-test/sample.json --role-arn arn:aws:iam::444444444444:role/mlops-smoke-test --pinned pinned-model.json`,
    ],
  },
  PIPELINE_LOCAL_COMMAND,
  COST_COMMAND,
];

/** The help of the whole program. */
export function programHelp(): string {
  const lines = [
    `Usage: ${PROGRAM} <command> [options]`,
    '',
    'Secure SageMaker MLOps on a six-account AWS platform: configuration, bootstrap, model registry, deployment.',
    '',
    'Commands:',
  ];
  for (const c of COMMANDS) lines.push(`  ${commandName(c).padEnd(28)} ${c.summary}`);
  lines.push('', 'Global options:');
  for (const o of GLOBAL_OPTIONS) lines.push(optionLine(o));
  lines.push(
    '',
    'Exit codes:',
    '  0  success',
    '  1  usage error, invalid input or invalid configuration',
    '  2  not found: no approved model, no such model package group or model package',
    '  3  AWS error: a request failed (not retryable, or retries exhausted), no credentials or region',
    '  4  unexpected internal error',
    '  5  a check or a run failed (deploy check-pin, deploy smoke-test, pipeline local)',
    '',
    'AWS settings come from the standard environment (AWS_REGION, AWS_PROFILE, AWS_ACCESS_KEY_ID, ...,',
    'AWS_ENDPOINT_URL_SAGEMAKER). Requests are retried with exponential backoff on throttling and 5xx',
    '(5 attempts, 30 s per request at most); retries and pages are reported on stderr.',
    '',
    `Run "${PROGRAM} <command> --help" for the options of a command.`,
  );
  return lines.join('\n');
}

/** The version of the package the CLI belongs to. */
export function packageVersion(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      try {
        const pkg = JSON.parse(fs.readFileSync(file, 'utf-8'));
        if (pkg.name === '@vw/mlops-blueprint' && typeof pkg.version === 'string') return pkg.version;
      } catch {
        // keep looking
      }
    }
    dir = path.dirname(dir);
  }
  return 'unknown';
}

interface Context {
  readonly io: CliIo;
  readonly json: boolean;
  readonly quiet: boolean;
  readonly options: Readonly<Record<string, string | boolean>>;
  readonly positionals: readonly string[];
}

/**
 * Runs the CLI and returns its exit code. Never throws.
 * @param argv the arguments, without the node and script paths
 */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const json = argv.includes('--json');
  let parsed;
  try {
    parsed = parseArgs(argv, COMMANDS, GLOBAL_OPTIONS);
  } catch (e) {
    if (e instanceof UsageError) return usageFailure(io, json, e);
    return internalFailure(io, json, e);
  }
  if (parsed.options.version === true) {
    const version = packageVersion();
    io.stdout(json ? JSON.stringify({ version }) : `${PROGRAM} ${version}`);
    return EXIT.OK;
  }
  if (parsed.options.help === true || !parsed.command) {
    io.stdout(parsed.command ? commandHelp(PROGRAM, parsed.command, GLOBAL_OPTIONS) : programHelp());
    return parsed.command || parsed.options.help === true ? EXIT.OK : EXIT.USAGE;
  }
  const ctx: Context = { io, json, quiet: parsed.options.quiet === true, options: parsed.options, positionals: parsed.positionals };
  try {
    switch (commandName(parsed.command)) {
      case 'validate':
        return validate(ctx);
      case 'bootstrap':
        return bootstrap(ctx);
      case 'registry latest':
        return await registryLatest(ctx);
      case 'registry list':
        return await registryList(ctx);
      case 'registry describe':
        return await registryDescribe(ctx);
      case 'registry approve':
        return await registryDecide(ctx, 'Approved');
      case 'registry reject':
        return await registryDecide(ctx, 'Rejected');
      case 'registry record-deployment':
        return await registryRecordDeployment(ctx);
      case 'deploy resolve':
        return await deployResolve(ctx);
      case 'deploy check-pin':
        return deployCheckPin(ctx);
      case 'deploy smoke-test':
        return await deploySmokeTest(ctx);
      case 'cost':
        return cost({ io, json, options: parsed.options });
      case 'pipeline local':
        return await pipelineLocal({ io, json, quiet: ctx.quiet, options: parsed.options, repeated: parsed.repeated });
      default:
        throw new Error(`no handler for ${commandName(parsed.command)}`);
    }
  } catch (e) {
    if (e instanceof UsageError) return usageFailure(io, json, e);
    if (e instanceof RegistryError) return registryFailure(io, json, e);
    if (e instanceof DeployCheckError) return failure(io, json, DEPLOY_EXIT[e.code], e.code, e.message);
    if (isConfigurationProblem(e)) return failure(io, json, EXIT.AWS, 'AWS_CONFIGURATION', (e as Error).message, configurationHint(e as Error));
    return internalFailure(io, json, e);
  }
}

function validate(ctx: Context): number {
  const file = path.resolve(ctx.io.cwd, ctx.positionals[0]);
  const shown = ctx.positionals[0];
  let config: PlatformConfig;
  try {
    config = PlatformConfig.fromFile(file);
  } catch (e) {
    const lines = (e as Error).message.split('\n');
    const problems = lines.length > 1 && /^Invalid /.test(lines[0]) ? lines.slice(1) : [lines.join(' ')];
    if (ctx.json) {
      ctx.io.stdout(JSON.stringify({ valid: false, file: shown, problems }, undefined, 2));
    } else {
      const n = problems.length;
      ctx.io.stdout(`✘ ${shown} is not a valid platform configuration (${n} problem${n === 1 ? '' : 's'}):`);
      for (const p of problems) ctx.io.stdout(`  - ${p}`);
    }
    return EXIT.USAGE;
  }
  if (ctx.json) {
    ctx.io.stdout(JSON.stringify({ valid: true, file: shown, config: config.toJson() }, undefined, 2));
  } else {
    const accounts = Object.entries(config.accounts).map(([name, a]) => `${name}=${a.accountId}/${a.region}`);
    ctx.io.stdout(`✔ ${shown} is a valid platform configuration (prefix ${config.prefix}, qualifier ${config.qualifier})`);
    ctx.io.stdout(`  accounts: ${accounts.join(', ')}`);
  }
  return EXIT.OK;
}

function bootstrap(ctx: Context): number {
  const file = path.resolve(ctx.io.cwd, ctx.positionals[0]);
  let config: PlatformConfig;
  try {
    config = PlatformConfig.fromFile(file);
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n(run "${PROGRAM} validate ${ctx.positionals[0]}" for the list of problems)`, 'bootstrap');
  }
  const all = PlatformBootstrap.forConfig(config);
  const outDir = ctx.options['out-dir'];
  const written: string[] = [];
  if (typeof outDir === 'string') {
    const dir = path.resolve(ctx.io.cwd, outDir);
    fs.mkdirSync(dir, { recursive: true });
    for (const b of all) {
      const target = path.join(dir, b.executionPolicyFile);
      fs.writeFileSync(target, JSON.stringify(b.executionPolicyDocument, undefined, 2) + '\n');
      written.push(target);
    }
    // the create-policy commands reference the policy files relative to the script's folder
    const script = PlatformBootstrap.script(config).replace(
      'set -euo pipefail\n',
      'set -euo pipefail\ncd "$(dirname "$0")"  # the policy documents are beside this script\n',
    );
    const scriptFile = path.join(dir, 'bootstrap.sh');
    fs.writeFileSync(scriptFile, script.endsWith('\n') ? script : `${script}\n`, { mode: 0o755 });
    fs.chmodSync(scriptFile, 0o755);
    written.push(scriptFile);
  }
  if (ctx.json) {
    ctx.io.stdout(
      JSON.stringify(
        {
          qualifier: config.qualifier,
          accounts: all.map((b) => ({
            account: b.account,
            accountId: b.accountId,
            region: b.region,
            trustedAccountIds: b.trustedAccountIds,
            executionPolicyName: b.executionPolicyName,
            executionPolicyArn: b.executionPolicyArn,
            executionPolicyFile: b.executionPolicyFile,
            executionPolicyDocument: b.executionPolicyDocument,
            createPolicyCommand: b.createPolicyCommand,
            bootstrapCommand: b.bootstrapCommand,
          })),
          written,
        },
        undefined,
        2,
      ),
    );
    return EXIT.OK;
  }
  for (const b of all) {
    ctx.io.stdout(`# ${b.account.toUpperCase()} ${b.accountId} ${b.region}: run with credentials for this account`);
    ctx.io.stdout(b.createPolicyCommand);
    ctx.io.stdout(b.bootstrapCommand);
    ctx.io.stdout('');
  }
  if (written.length > 0) {
    ctx.io.stdout(`wrote ${written.length} files:`);
    for (const w of written) ctx.io.stdout(`  ${path.relative(ctx.io.cwd, w) || w}`);
  } else {
    ctx.io.stdout(`# the policy documents: ${PROGRAM} bootstrap ${ctx.positionals[0]} --out-dir DIR`);
  }
  return EXIT.OK;
}

async function registryLatest(ctx: Context): Promise<number> {
  const group = ctx.options.group as string;
  return withRegistry(ctx, async (registry) => {
    const v = await registry.latestApproved(group);
    if (ctx.json) ctx.io.stdout(JSON.stringify(versionJson(v), undefined, 2));
    else ctx.io.stdout(`${v.group} version ${v.version} (Approved, created ${v.createdAt.toISOString()})\n${v.arn}`);
    return EXIT.OK;
  });
}

async function registryList(ctx: Context): Promise<number> {
  const group = ctx.options.group as string;
  const status = ctx.options.status as ApprovalStatus | undefined;
  const pageSizeText = ctx.options['page-size'];
  let pageSize: number | undefined;
  if (typeof pageSizeText === 'string') {
    pageSize = Number(pageSizeText);
    if (!/^\d+$/.test(pageSizeText) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      throw new UsageError(`--page-size must be a whole number from 1 to ${MAX_PAGE_SIZE}, not "${pageSizeText}"`, 'registry list');
    }
  }
  return withRegistry(ctx, async (registry) => {
    const versions = await registry.listVersions(group, { status, pageSize });
    if (ctx.json) {
      ctx.io.stdout(JSON.stringify({ group, status: status ?? null, count: versions.length, versions: versions.map(versionJson) }, undefined, 2));
      return EXIT.OK;
    }
    ctx.io.stdout(`${versions.length} version${versions.length === 1 ? '' : 's'} of ${group}${status ? ` with status ${status}` : ''}:`);
    for (const v of versions) {
      ctx.io.stdout(`  ${String(v.version).padStart(5)}  ${v.approvalStatus.padEnd(21)}  ${v.createdAt.toISOString()}  ${v.arn}`);
    }
    return EXIT.OK;
  });
}

async function registryDescribe(ctx: Context): Promise<number> {
  const arn = ctx.options.arn as string;
  return withRegistry(ctx, async (registry) => {
    const d = await registry.describe(arn);
    if (ctx.json) {
      ctx.io.stdout(JSON.stringify(d, undefined, 2));
      return EXIT.OK;
    }
    ctx.io.stdout(`${d.group} version ${d.version}: ${d.approvalStatus}${d.approvalDescription ? ` (${d.approvalDescription})` : ''}`);
    ctx.io.stdout(`  arn:      ${d.arn}`);
    ctx.io.stdout(`  created:  ${d.createdAt.toISOString()}${d.lastModifiedAt ? `, modified ${d.lastModifiedAt.toISOString()}` : ''}`);
    for (const c of d.containers) ctx.io.stdout(`  container: ${c.image ?? '-'} ${c.modelDataUrl ?? ''}`.trimEnd());
    for (const dep of d.deployments) ctx.io.stdout(`  deployed: ${dep.stage}${dep.endpoint ? ` ${dep.endpoint}` : ''}${dep.at ? ` at ${dep.at}` : ''}`);
    return EXIT.OK;
  });
}

async function registryDecide(ctx: Context, status: 'Approved' | 'Rejected'): Promise<number> {
  const arn = ctx.options.arn as string;
  const reason = ctx.options.reason as string;
  return withRegistry(ctx, async (registry) => {
    if (status === 'Approved') await registry.approve(arn, reason);
    else await registry.reject(arn, reason);
    if (ctx.json) ctx.io.stdout(JSON.stringify({ modelPackageArn: arn, approvalStatus: status, approvalDescription: reason.trim() }, undefined, 2));
    else ctx.io.stdout(`✔ ${status === 'Approved' ? 'approved' : 'rejected'} ${arn}\n  reason: ${reason.trim()}`);
    return EXIT.OK;
  });
}

async function registryRecordDeployment(ctx: Context): Promise<number> {
  const arn = ctx.options.arn as string;
  return withRegistry(ctx, async (registry) => {
    const properties = await registry.recordDeployment(arn, {
      stage: ctx.options.stage as string,
      endpointName: ctx.options['endpoint-name'] as string | undefined,
      deployedAt: ctx.io.now?.(),
    });
    if (ctx.json) ctx.io.stdout(JSON.stringify({ modelPackageArn: arn, customerMetadataProperties: properties }, undefined, 2));
    else ctx.io.stdout(`✔ recorded on ${arn}: ${Object.entries(properties).map(([k, v]) => `${k}=${v}`).join(', ')}`);
    return EXIT.OK;
  });
}

async function deployResolve(ctx: Context): Promise<number> {
  const group = ctx.options.group as string;
  const out = path.resolve(ctx.io.cwd, ctx.options.out as string);
  return withRegistry(ctx, async (registry) => {
    const pinned = await registry.pinLatestApproved(group, ctx.io.now?.() ?? new Date());
    fs.mkdirSync(path.dirname(out), { recursive: true });
    const tmp = `${out}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(pinned, undefined, 2) + '\n');
    fs.renameSync(tmp, out);
    if (ctx.json) ctx.io.stdout(JSON.stringify({ file: out, pinned }, undefined, 2));
    else ctx.io.stdout(`✔ pinned ${pinned.modelPackageGroupName} version ${pinned.modelPackageVersion} (${pinned.modelPackageArn})\n  written to ${out}`);
    return EXIT.OK;
  });
}

function deployCheckPin(ctx: Context): number {
  const pinned = path.resolve(ctx.io.cwd, ctx.options.pinned as string);
  const assembly = path.resolve(ctx.io.cwd, ctx.options.assembly as string);
  const stack = ctx.options.stack as string;
  const r = checkPin(pinned, assembly, stack);
  if (ctx.json) {
    const out = {
      ok: true,
      modelPackageArn: r.pinned.modelPackageArn,
      stack,
      stackArtifactId: r.stackArtifactId,
      templateFile: r.templateFile,
      models: r.models,
    };
    ctx.io.stdout(JSON.stringify(out, undefined, 2));
  } else {
    ctx.io.stdout(`✔ ${stack} deploys exactly the pinned model ${r.pinned.modelPackageArn}`);
    for (const m of r.models) ctx.io.stdout(`  ${m.logicalId}: ${m.modelPackageNames.join(', ')}`);
  }
  return EXIT.OK;
}

async function deploySmokeTest(ctx: Context): Promise<number> {
  const command = 'deploy smoke-test';
  const endpointName = ctx.options.endpoint as string;
  if (!/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/.test(endpointName)) {
    throw new UsageError(`--endpoint "${endpointName}" is not a SageMaker endpoint name (1 to 63 letters, digits and hyphens)`, command);
  }
  const seconds = (name: string, fallback: number, min: number, max: number): number => {
    const text = ctx.options[name];
    if (typeof text !== 'string') return fallback;
    const n = Number(text);
    if (!/^\d+$/.test(text) || n < min || n > max) throw new UsageError(`--${name} must be a whole number of seconds from ${min} to ${max}, not "${text}"`, command);
    return n;
  };
  const timeoutS = seconds('timeout', DEFAULT_SMOKE_TIMEOUT_S, 1, 7200);
  const pollS = seconds('poll-interval', DEFAULT_POLL_INTERVAL_S, 0, 300);
  const skipCaptureCheck = ctx.options['no-capture-check'] === true;
  if (skipCaptureCheck && ctx.options['capture-timeout'] !== undefined) {
    throw new UsageError('--capture-timeout and --no-capture-check exclude each other: give one of them', command);
  }
  const captureTimeoutS = seconds('capture-timeout', DEFAULT_CAPTURE_TIMEOUT_S, 1, 3600);
  const scaleOutTimeoutS = seconds('scale-out-timeout', DEFAULT_SCALE_OUT_TIMEOUT_S, 1, 3600);
  const inferenceComponentName = ctx.options['inference-component'] as string | undefined;
  if (inferenceComponentName !== undefined && !/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/.test(inferenceComponentName)) {
    throw new UsageError(`--inference-component "${inferenceComponentName}" is not an inference component name (1 to 63 letters, digits and hyphens)`, command);
  }
  const invocationsText = ctx.options.invocations;
  let invocations: number | undefined;
  if (typeof invocationsText === 'string') {
    invocations = Number(invocationsText);
    if (!/^\d+$/.test(invocationsText) || invocations < 1 || invocations > 1000) {
      throw new UsageError(`--invocations must be a whole number from 1 to 1000, not "${invocationsText}"`, command);
    }
  }
  const roleArn = ctx.options['role-arn'] as string | undefined;
  if (roleArn !== undefined && !ROLE_ARN.test(roleArn)) {
    throw new UsageError(`--role-arn "${roleArn}" is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)`, command);
  }
  const contentType = (ctx.options['content-type'] as string | undefined) ?? 'application/json';
  if (!/^[\w.+-]+\/[\w.+-]+(;.*)?$/.test(contentType)) {
    throw new UsageError(`--content-type "${contentType}" is not a MIME type, e.g. text/csv or application/json`, command);
  }
  const sampleFile = path.resolve(ctx.io.cwd, ctx.options.sample as string);
  if (!fs.existsSync(sampleFile) || !fs.statSync(sampleFile).isFile()) {
    throw new DeployCheckError('NOT_FOUND', `the sample file ${sampleFile} does not exist; give the request body of the sample invocation (--sample FILE)`);
  }
  const sample = fs.readFileSync(sampleFile);
  if (sample.length === 0) throw new DeployCheckError('INVALID_INPUT', `the sample file ${sampleFile} is empty`);
  const pinnedFile = ctx.options.pinned as string | undefined;
  const pinned = pinnedFile !== undefined ? readPinnedModel(path.resolve(ctx.io.cwd, pinnedFile)) : undefined;

  const env = ctx.io.env;
  const region = (ctx.options.region as string | undefined) ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const apiEndpoint = (ctx.options['endpoint-url'] as string | undefined) ?? env.AWS_ENDPOINT_URL_SAGEMAKER ?? env.AWS_ENDPOINT_URL;
  const runtimeEndpoint = env.AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME ?? env.AWS_ENDPOINT_URL;
  const stsEndpoint = env.AWS_ENDPOINT_URL_STS ?? env.AWS_ENDPOINT_URL;
  const s3Endpoint = env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
  for (const e of [apiEndpoint, runtimeEndpoint, stsEndpoint, s3Endpoint]) {
    if (e !== undefined && !/^https?:\/\/[^\s/]+/.test(e)) throw new UsageError(`the endpoint "${e}" is not an http(s) URL`, command);
  }
  const testOptions = ctx.io.deployOptions ?? {};
  const progress = ctx.quiet ? undefined : (line: string) => ctx.io.stderr(line);
  const environment = { ...testOptions.environment, onProgress: progress };
  let credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | undefined = testOptions.credentials;
  if (roleArn !== undefined) {
    const startedAt = (ctx.io.now?.() ?? new Date()).getTime();
    progress?.(`… assuming ${roleArn}`);
    credentials = await assumeRole(
      roleArn,
      {
        region,
        endpoint: stsEndpoint,
        sessionName: `mlops-smoke-test-${startedAt}`.slice(0, 64),
        durationSeconds: Math.max(900, Math.min(3600, timeoutS + (skipCaptureCheck ? 0 : captureTimeoutS) + scaleOutTimeoutS + 600)),
        credentials: testOptions.credentials,
      },
      environment,
    );
  }
  const requestTimeout = 60_000;
  const handler = { requestTimeout, connectionTimeout: 10_000, throwOnRequestTimeout: true };
  const sagemaker = new SageMakerClient({ region, endpoint: apiEndpoint, credentials, maxAttempts: 1, requestHandler: handler });
  const runtime = new SageMakerRuntimeClient({ region, endpoint: runtimeEndpoint, credentials, maxAttempts: 1, requestHandler: handler });
  // an endpoint override (moto, LocalStack, a VPC endpoint URL) takes the bucket in the path, not the host name
  const s3 = skipCaptureCheck
    ? undefined
    : new S3Client({
      region,
      endpoint: s3Endpoint,
      forcePathStyle: s3Endpoint !== undefined,
      followRegionRedirects: true,
      credentials,
      maxAttempts: 1,
      requestHandler: handler,
    });
  try {
    const r = await runSmokeTest(
      {
        endpointName,
        sample,
        contentType,
        timeoutMs: timeoutS * 1000,
        pollIntervalMs: pollS * 1000,
        pinnedModelPackageArn: pinned?.modelPackageArn,
        skipCaptureCheck,
        captureTimeoutMs: captureTimeoutS * 1000,
        inferenceComponentName,
        scaleOutTimeoutMs: scaleOutTimeoutS * 1000,
        captureClockSkewMs: testOptions.captureClockSkewMs,
        invocations,
      },
      { sagemaker, runtime, s3 },
      environment,
    );
    if (ctx.json) {
      const out = { ok: true, ...r, roleArn: roleArn ?? null, pinnedModelPackageArn: pinned?.modelPackageArn ?? null };
      ctx.io.stdout(JSON.stringify(out, undefined, 2));
      return EXIT.OK;
    }
    ctx.io.stdout(`✔ smoke test of ${endpointName} passed`);
    ctx.io.stdout(`  status:       InService (waited ${Math.round(r.waitedMs / 1000)} s), config ${r.endpointConfigName}, variants ${r.variants.join(', ')}`);
    if (pinned) ctx.io.stdout(`  model:        ${pinned.modelPackageArn} on every variant`);
    ctx.io.stdout(`  data capture: enabled, ${r.dataCapture.initialSamplingPercentage}% to ${r.dataCapture.destinationS3Uri}`);
    const ic = r.inferenceComponent;
    if (ic) {
      const up = ic.scaledOut ? `scaled out from 0 copies by the test, a copy InService after ${Math.round(ic.scaleOutWaitedMs / 1000)} s` : `${ic.copiesBefore} copies InService`;
      ctx.io.stdout(`  component:    ${ic.name} (${up})`);
    }
    const times = r.invocation.count > 1 ? ` (first of ${r.invocation.count} invocations, all answered)` : '';
    ctx.io.stdout(`  invocation:   ${r.invocation.responseBytes} bytes of ${r.invocation.contentType ?? '?'} from ${r.invocation.invokedVariant ?? '?'} in ${r.invocation.latencyMs} ms${times}`);
    const c = r.dataCapture;
    if (c.captureObject) {
      ctx.io.stdout(`  capture:      ${c.captureObject.uri} (written ${c.captureObject.lastModified}, found after ${Math.round((c.captureWaitedMs ?? 0) / 1000)} s)`);
    } else {
      ctx.io.stdout(`  capture:      objects under ${c.capturePrefixes.join(', ')} ${c.captureObjectsNote}`);
    }
    return EXIT.OK;
  } finally {
    sagemaker.destroy();
    runtime.destroy();
    s3?.destroy();
  }
}

async function withRegistry(ctx: Context, body: (registry: ModelRegistryClient) => Promise<number>): Promise<number> {
  const env = ctx.io.env;
  const region = (ctx.options.region as string | undefined) ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const endpoint = (ctx.options['endpoint-url'] as string | undefined) ?? env.AWS_ENDPOINT_URL_SAGEMAKER ?? env.AWS_ENDPOINT_URL;
  if (endpoint !== undefined && !/^https?:\/\/[^\s/]+/.test(endpoint)) {
    throw new UsageError(`the SageMaker endpoint "${endpoint}" is not an http(s) URL`);
  }
  const registry = new ModelRegistryClient({
    region,
    endpoint,
    onProgress: ctx.quiet ? undefined : (event) => ctx.io.stderr(progressLine(event)),
    ...ctx.io.registryOptions,
  });
  try {
    return await body(registry);
  } finally {
    registry.sagemaker.destroy();
  }
}

/** The stderr line of a progress event. */
export function progressLine(event: ProgressEvent): string {
  if (event.kind === 'retry') {
    const what = [event.statusCode !== undefined ? `HTTP ${event.statusCode}` : undefined, event.errorCode].filter(Boolean).join(' ') || 'an error';
    return `… ${event.operation} for ${event.target}: ${what} on attempt ${event.attempt}/${event.maxAttempts}, retrying in ${event.delayMs} ms`;
  }
  return `… ${event.operation} for ${event.target}: page ${event.page}, ${event.itemsSoFar} version${event.itemsSoFar === 1 ? '' : 's'} so far${
    event.more ? ', more to come' : ''
  }`;
}

function versionJson(v: ModelVersion) {
  return {
    modelPackageArn: v.arn,
    modelPackageGroupName: v.group,
    modelPackageVersion: v.version,
    approvalStatus: v.approvalStatus,
    packageStatus: v.packageStatus,
    createdAt: v.createdAt.toISOString(),
    description: v.description,
  };
}

function exitCodeOf(e: RegistryError): number {
  switch (e.code) {
    case 'NO_APPROVED_MODEL':
    case 'GROUP_NOT_FOUND':
    case 'MODEL_PACKAGE_NOT_FOUND':
      return EXIT.NOT_FOUND;
    case 'INVALID_INPUT':
      return EXIT.USAGE;
    default:
      return EXIT.AWS;
  }
}

function registryFailure(io: CliIo, json: boolean, e: RegistryError): number {
  const cause = (e as { cause?: unknown }).cause;
  const hint = cause instanceof Error && isConfigurationProblem(cause) ? configurationHint(cause) : undefined;
  return failure(io, json, exitCodeOf(e), e.code, e.message, hint);
}

function usageFailure(io: CliIo, json: boolean, e: UsageError): number {
  const known = COMMANDS.find((c) => commandName(c) === e.command);
  const hint = known ? `usage: ${PROGRAM} ${usageLine(known)}` : `run "${PROGRAM} --help" for the commands`;
  return failure(io, json, EXIT.USAGE, 'USAGE', e.message, hint);
}

function internalFailure(io: CliIo, json: boolean, e: unknown): number {
  const message = e instanceof Error ? e.stack ?? e.message : String(e);
  return failure(io, json, EXIT.INTERNAL, 'INTERNAL', `unexpected error (please report it): ${message}`);
}

function failure(io: CliIo, json: boolean, exitCode: number, code: string, message: string, hint?: string): number {
  if (json) io.stdout(JSON.stringify({ error: { code, message, exitCode } }, undefined, 2));
  io.stderr(`error: ${message}`);
  if (hint) io.stderr(hint);
  return exitCode;
}

/** Missing region or credentials: the SDK's own errors, before any request. */
function isConfigurationProblem(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  return e.name === 'CredentialsProviderError' || /region is missing|could not load credentials|credential/i.test(e.message);
}

function configurationHint(e: Error): string {
  if (/region/i.test(e.message)) return 'set AWS_REGION or pass --region';
  return 'set AWS credentials (AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)';
}
