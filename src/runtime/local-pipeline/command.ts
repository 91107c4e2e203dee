/**
 * `mlops-blueprint pipeline local`: the command-line face of the local runner (runner.ts). cli.ts
 * registers `PIPELINE_LOCAL_COMMAND` and calls `pipelineLocal`.
 */
import * as path from 'path';
import { LocalPipelineError } from './errors';
import { LocalRunSummary, runLocalPipeline, shownPath, StepEvent } from './runner';
import type { CommandSpec } from '../cli/args';
import type { CliIo } from '../cli/cli';

/** The exit code of a run that failed: a Fail step ran, or a step failed. */
export const PIPELINE_FAILED_EXIT_CODE = 5;

const OK = 0;
const INVALID = 1;

/** The defaults of the options. */
export const PIPELINE_LOCAL_DEFAULTS = {
  workdir: '.pipeline-local',
  codeDir: 'ml',
  dataDir: 'data',
  python: 'python3',
  registryFile: 'local-registry.json',
} as const;

/** The `pipeline local` command. */
export const PIPELINE_LOCAL_COMMAND: CommandSpec = {
  words: ['pipeline', 'local'],
  summary: 'Run the steps of a SageMaker pipeline definition on this machine, in order, with the local Python: no Docker, no AWS.',
  positionals: [],
  options: [
    { name: 'definition', kind: 'string', valueName: 'FILE', required: true, description: 'the pipeline definition JSON (schema 2020-12-01)' },
    { name: 'workdir', kind: 'string', valueName: 'DIR', description: `where each step gets <DIR>/<step>/opt/ml/... (default ${PIPELINE_LOCAL_DEFAULTS.workdir})` },
    { name: 'param', kind: 'string', valueName: 'NAME=VALUE', repeatable: true, description: 'a pipeline parameter, typed per its declaration (default: its DefaultValue)' },
    { name: 'python', kind: 'string', valueName: 'PATH', description: `the Python interpreter (default: MLOPS_PYTHON, else ${PIPELINE_LOCAL_DEFAULTS.python})` },
    { name: 'code-dir', kind: 'string', valueName: 'DIR', description: `the scripts that code S3 URIs name, also searched in DIR/src (default ${PIPELINE_LOCAL_DEFAULTS.codeDir})` },
    { name: 'data-dir', kind: 'string', valueName: 'DIR', description: `the local copy of S3 data: s3://<bucket>/<key> is DIR/<key> (default ${PIPELINE_LOCAL_DEFAULTS.dataDir})` },
    { name: 'registry', kind: 'string', valueName: 'FILE', description: `the local model registry (default <workdir>/${PIPELINE_LOCAL_DEFAULTS.registryFile})` },
    {
      name: 'entry-point',
      kind: 'string',
      valueName: 'STEP=SCRIPT',
      repeatable: true,
      description: 'the script of a training step without a sagemaker_program hyperparameter (or instead of it)',
    },
    {
      name: 'dockerfile',
      kind: 'string',
      valueName: 'PATH',
      description: 'the Dockerfile of the use case\'s image (ml/Dockerfile): before the run, its base Python minor and its pip installs must match this '
        + 'interpreter and --requirements, and a step on an AWS framework image must have the Python its code needs (vermin) (default: not checked)',
    },
    {
      name: 'requirements',
      kind: 'string',
      valueName: 'PATH',
      description: 'the requirements file the image installs (ml/requirements.txt); the interpreter must have each pinned version (default: requirements.txt beside --dockerfile)',
    },
  ],
  examples: [
    'mlops-blueprint pipeline local --definition pipeline-definition.json',
    'mlops-blueprint pipeline local --definition pipeline-definition.json --param F1Threshold=0.8 --param InputDataUri=data/welds.csv --json',
    'mlops-blueprint pipeline local --definition pipeline-definition.json --python ml/.venv/bin/python --dockerfile ml/Dockerfile --requirements ml/requirements.txt',
  ],
};

/** The line of the summary of a run without --dockerfile. */
export const NO_PARITY_NOTICE = '  images not compared with this machine: no --dockerfile (pass --dockerfile ml/Dockerfile --requirements ml/requirements.txt)';

/** What `pipelineLocal` gets from cli.ts. */
export interface PipelineLocalContext {
  readonly io: CliIo;
  readonly json: boolean;
  readonly quiet: boolean;
  readonly options: Readonly<Record<string, string | boolean>>;
  readonly repeated: Readonly<Record<string, readonly string[]>>;
}

/** Runs `pipeline local`; returns the exit code (0, 1 or 5). Unexpected errors are thrown. */
export async function pipelineLocal(ctx: PipelineLocalContext): Promise<number> {
  const { io, options } = ctx;
  const resolve = (p: string) => path.resolve(io.cwd, p);
  const str = (name: string) => (typeof options[name] === 'string' ? (options[name] as string) : undefined);
  const workdir = resolve(str('workdir') ?? PIPELINE_LOCAL_DEFAULTS.workdir);
  const shown = (p: string) => shownPath(io.cwd, p);
  // a path (ml/.venv/bin/python) is relative to here, not to the step folders the scripts run in;
  // a bare name (python3) is looked up on the PATH
  const python = str('python') ?? (io.env.MLOPS_PYTHON || PIPELINE_LOCAL_DEFAULTS.python);
  const dockerfile = str('dockerfile');
  if (!dockerfile && str('requirements')) {
    io.stderr('error: --requirements needs --dockerfile (the image that installs it)');
    return INVALID;
  }
  let summary: LocalRunSummary;
  try {
    summary = await runLocalPipeline({
      definitionFile: resolve(str('definition')!),
      workdir,
      cwd: io.cwd,
      parameters: ctx.repeated.param ?? [],
      entryPoints: ctx.repeated['entry-point'] ?? [],
      python: python.includes('/') ? resolve(python) : python,
      codeDir: resolve(str('code-dir') ?? PIPELINE_LOCAL_DEFAULTS.codeDir),
      dataDir: resolve(str('data-dir') ?? PIPELINE_LOCAL_DEFAULTS.dataDir),
      registryFile: str('registry') ? resolve(str('registry')!) : path.join(workdir, PIPELINE_LOCAL_DEFAULTS.registryFile),
      env: io.env,
      now: io.now,
      onStep: ctx.quiet ? undefined : (e) => io.stderr(progressLine(e)),
      dockerfile: dockerfile ? resolve(dockerfile) : undefined,
      requirementsFile: str('requirements') ? resolve(str('requirements')!) : undefined,
    });
  } catch (e) {
    if (!(e instanceof LocalPipelineError)) throw e;
    if (ctx.json) io.stdout(JSON.stringify({ error: { code: e.code, message: e.message, problems: e.problems, exitCode: INVALID } }, undefined, 2));
    io.stderr(`error: ${e.message}`);
    return INVALID;
  }

  const failure = summary.failure;
  if (ctx.json) {
    const error = failure ? { error: { code: 'PIPELINE_FAILED', message: failureMessage(summary), exitCode: PIPELINE_FAILED_EXIT_CODE } } : {};
    io.stdout(JSON.stringify({ ...summary, ...error }, undefined, 2));
  } else {
    const lines = summaryLines(summary, shown);
    // before the last line (where the steps and the summary are)
    if (!dockerfile) lines.splice(lines.length - 1, 0, NO_PARITY_NOTICE);
    for (const line of lines) io.stdout(line);
  }
  if (!failure) return OK;
  io.stderr(`error: ${failureMessage(summary)}`);
  if (failure.logTail) {
    io.stderr(`last lines of ${shown(failure.logFile ?? '')}:`);
    io.stderr(failure.logTail.split('\n').map((l) => `  | ${l}`).join('\n'));
  }
  return PIPELINE_FAILED_EXIT_CODE;
}

/** `[2/6] Train (Training) ... ok in 3.2s: model ...` */
export function progressLine(e: StepEvent): string {
  const head = `[${e.index}/${e.total}] ${e.name} (${e.type}) ...`;
  const seconds = `${(e.durationMs / 1000).toFixed(1)}s`;
  switch (e.status) {
    case 'Succeeded':
      return `${head} ok in ${seconds}${e.detail ? `: ${e.detail}` : ''}`;
    case 'Failed':
      return `${head} failed in ${seconds}: ${e.detail ?? ''}`;
    default:
      return `${head} skipped: ${e.detail ?? ''}`;
  }
}

function failureMessage(s: LocalRunSummary): string {
  const f = s.failure!;
  return f.failStep
    ? `the pipeline failed: Fail step "${f.step}" ran: ${f.message}`
    : `the pipeline failed at step "${f.step}" (${f.type}): ${f.message}`;
}

/** The human summary. */
export function summaryLines(s: LocalRunSummary, shown: (p: string) => string): string[] {
  const ran = s.steps.filter((x) => x.status === 'Succeeded' || x.status === 'Failed').length;
  const skipped = s.steps.filter((x) => x.status === 'Skipped').length;
  const counts = `${ran} of ${s.steps.length} steps ran${skipped > 0 ? `, ${skipped} skipped` : ''}`;
  const lines = s.failure
    ? [`✘ ${s.pipelineName} failed at step ${s.failure.step} (${s.failure.type}): ${s.failure.message}`, `  ${counts} in ${(s.durationMs / 1000).toFixed(1)}s`]
    : [`✔ ${s.pipelineName} ran locally: ${counts} in ${(s.durationMs / 1000).toFixed(1)}s`];
  for (const c of s.conditions) lines.push(`  condition ${c.step}: ${c.outcome} (${c.conditions.map((x) => x.text).join(' and ')}) -> ${c.branch}`);
  for (const m of s.metrics) lines.push(`  metric ${m.path} = ${JSON.stringify(m.value)} (${m.source.startsWith('Steps.') ? m.source : shown(m.source)})`);
  for (const r of s.registered) {
    lines.push(`  registered ${r.modelPackageGroupName} version ${r.modelPackageVersion} (${r.approvalStatus})${r.modelDataUrl ? `: ${shown(r.modelDataUrl)}` : ''}`);
  }
  lines.push(`  execution ${s.pipelineExecutionId}; steps in ${shown(s.workdir)}, summary in ${shown(path.join(s.workdir, 'run.json'))}`);
  return lines;
}
