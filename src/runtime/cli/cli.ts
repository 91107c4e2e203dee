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
 *   5  pipeline failed (`pipeline local`: a Fail step ran, or a step failed)
 */
import * as fs from 'fs';
import * as path from 'path';
import { PlatformBootstrap } from '../../blueprint/bootstrap/platform-bootstrap';
import { PlatformConfig } from '../../blueprint/config/platform-config';
import { PIPELINE_FAILED_EXIT_CODE, PIPELINE_LOCAL_COMMAND, pipelineLocal } from '../local-pipeline/command';
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
  PIPELINE_FAILED: PIPELINE_FAILED_EXIT_CODE,
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
  PIPELINE_LOCAL_COMMAND,
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
    '  5  pipeline failed: a Fail step ran or a step failed (pipeline local)',
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
      case 'pipeline local':
        return await pipelineLocal({ io, json, quiet: ctx.quiet, options: parsed.options, repeated: parsed.repeated });
      default:
        throw new Error(`no handler for ${commandName(parsed.command)}`);
    }
  } catch (e) {
    if (e instanceof UsageError) return usageFailure(io, json, e);
    if (e instanceof RegistryError) return registryFailure(io, json, e);
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
