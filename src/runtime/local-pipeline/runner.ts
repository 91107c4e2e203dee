/**
 * Runs a SageMaker pipeline definition on this machine, step by step in dependency order, with the
 * local Python instead of the job containers: no Docker, no AWS. The contract (paths, environment,
 * registry file) is in README.md.
 */
import { execFileSync } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fileURLToPath } from 'url';
import { checkCondition, ConditionOutcome, evaluateCondition } from './conditions';
import {
  getExpression, isObject, Json, JsonObject, loadDefinition, ParameterDeclaration, PipelinePlan, PlannedStep, planPipeline,
} from './definition';
import { LocalPipelineError, StepFailure } from './errors';
import { copyInto, isInside, mapContainerPath, NOT_CODE, rewriteOptMl, runProcess, tail, writeFileAtomic } from './files';
import { FrameworkImagePython } from './parity/framework';
import { checkParity, ParityStep } from './parity/parity';
import { LocalRegistryContainer, LocalRegistryEntry, MODEL_APPROVAL_STATUSES, register } from './registry-file';
import { packTarGz } from './tar';
import { Resolver, StepRecord } from './values';
import { didYouMean } from '../../blueprint/config/problems';

/** The marker file that says a working directory belongs to `pipeline local`. */
export const WORKDIR_MARKER = '.mlops-pipeline-local';

/** Where processing scripts find the code input. */
const PROCESSING_CODE_DIR = '/opt/ml/processing/input/code';

/** The options of a run. Paths are absolute. */
export interface LocalRunOptions {
  /** The definition file. */
  readonly definitionFile: string;
  /** The working directory; each step gets `<workdir>/<step>/`. */
  readonly workdir: string;
  /** Where relative paths (parameter values, inputs) are resolved. */
  readonly cwd: string;
  /** `--param` values, `Name=Value`. */
  readonly parameters?: readonly string[];
  /** The Python interpreter (name or path). */
  readonly python: string;
  /** The folder holding the scripts that S3 code URIs name (its `src/` is searched too). */
  readonly codeDir: string;
  /** The local mirror of S3 data: `s3://<bucket>/<key>` is `<dataDir>/<key>`. */
  readonly dataDir: string;
  /** The local registry file. */
  readonly registryFile: string;
  /** `--entry-point` values, `Step=script.py`: the script of a training step. */
  readonly entryPoints?: readonly string[];
  /** The environment the step processes inherit. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The clock. @default - the real clock */
  readonly now?: () => Date;
  /** The execution id. @default - `local-<time>-<random>` */
  readonly executionId?: string;
  /** Called when a step ends (or is skipped). */
  readonly onStep?: (event: StepEvent) => void;
  /**
   * The Dockerfile of the use case's image: when given, the images of the steps are checked against
   * this machine before the run (parity/parity.ts). @default - not checked
   */
  readonly dockerfile?: string;
  /** The requirements file the image installs. @default - requirements.txt beside the Dockerfile */
  readonly requirementsFile?: string;
  /** The Python minor version of an AWS framework image. @default - the scikit-learn images only */
  readonly frameworkImagePython?: FrameworkImagePython;
}

/** The status of a step in a run. */
export type StepStatus = 'Succeeded' | 'Failed' | 'Skipped' | 'NotRun';

/** A step that ended or was skipped. */
export interface StepEvent {
  /** 1-based position in the run order. */
  readonly index: number;
  /** The number of steps (both branches of every condition included). */
  readonly total: number;
  /** The step. */
  readonly name: string;
  /** Its type. */
  readonly type: string;
  /** How it ended. */
  readonly status: StepStatus;
  /** How long it took. */
  readonly durationMs: number;
  /** What it did (`registered churn version 3 (PendingManualApproval)`) or why it failed or was skipped. */
  readonly detail?: string;
}

/** A step in the summary. */
export interface StepSummary {
  readonly name: string;
  readonly type: string;
  readonly status: StepStatus;
  readonly durationMs?: number;
  readonly detail?: string;
  /** The step's directory (`<workdir>/<step>`), for steps that ran a process. */
  readonly directory?: string;
  /** The log of the step's process. */
  readonly logFile?: string;
  /** Processing outputs: name -> local directory. */
  readonly outputs?: Readonly<Record<string, string>>;
  /** Training: the packed model artifact. */
  readonly modelArtifact?: string;
  /** Training: the final value of each metric definition found in the log. */
  readonly metrics?: Readonly<Record<string, number>>;
}

/** An evaluated condition step. */
export interface ConditionSummary {
  readonly step: string;
  /** Whether all its conditions hold. */
  readonly outcome: boolean;
  /** The branch that ran. */
  readonly branch: 'IfSteps' | 'ElseSteps';
  readonly conditions: readonly ConditionOutcome[];
}

/** The result of a run (also written to `<workdir>/run.json`). */
export interface LocalRunSummary {
  readonly schemaVersion: 1;
  readonly pipelineName: string;
  readonly pipelineExecutionId: string;
  readonly definitionFile: string;
  readonly definitionSha256: string;
  readonly workdir: string;
  readonly status: 'Succeeded' | 'Failed';
  readonly startedAt: string;
  readonly durationMs: number;
  readonly python: { readonly command: string; readonly version: string | null };
  readonly parameters: Readonly<Record<string, Json>>;
  readonly steps: readonly StepSummary[];
  readonly conditions: readonly ConditionSummary[];
  /** Every `Std:JsonGet` evaluated (property file or URI, path, value). */
  readonly metrics: readonly { readonly source: string; readonly path: string; readonly value: Json }[];
  readonly registered: readonly LocalRegistryEntry[];
  /** Why the run failed. */
  readonly failure?: {
    readonly step: string;
    readonly type: string;
    readonly message: string;
    /** Whether a Fail step stopped the run (rather than an error). */
    readonly failStep: boolean;
    readonly logFile?: string;
    readonly logTail?: string;
  };
}

/**
 * Runs the pipeline. Throws a LocalPipelineError when it cannot start (nothing ran); otherwise
 * returns the summary, whose `status` is `Failed` when a step failed.
 */
export async function runLocalPipeline(options: LocalRunOptions): Promise<LocalRunSummary> {
  const run = new LocalRun(options);
  return run.execute();
}

/** The process of a processing or training job. */
interface JobProcess {
  readonly argv: string[];
  readonly cwd: string;
  readonly env: Record<string, string | undefined>;
  readonly logFile: string;
  /** `StoppingCondition.MaxRuntimeInSeconds`, resolved. */
  readonly maxRuntime?: Json;
  /** SageMaker's `/opt/ml/output/failure`, mapped: its first line is the failure reason. */
  readonly failureFile?: string;
}

interface StepResult {
  readonly detail?: string;
  readonly summary?: Partial<StepSummary>;
}

class LocalRun {
  private readonly o: LocalRunOptions;
  private readonly now: () => Date;
  private readonly definitionSha256: string;
  private readonly plan: PipelinePlan;
  private readonly parameters: Record<string, Json>;
  private readonly entryPoints: Record<string, string>;
  private readonly executionId: string;
  private readonly pipelineName: string;
  private readonly startedAt: Date;
  private readonly records = new Map<string, StepRecord>();
  private readonly resolver: Resolver;
  private readonly chosenBranch = new Map<string, 'IfSteps' | 'ElseSteps'>();
  /** Steps skipped because their branch did not run: steps that need them are skipped too. */
  private readonly notTaken = new Set<string>();
  private readonly conditions: ConditionSummary[] = [];
  private readonly registered: LocalRegistryEntry[] = [];
  private pythonVersion: string | null = null;

  constructor(options: LocalRunOptions) {
    this.o = options;
    this.now = options.now ?? (() => new Date());
    const shown = shownPath(options.cwd, options.definitionFile);
    const loaded = loadDefinition(options.definitionFile, shown);
    this.definitionSha256 = loaded.sha256;
    this.plan = planPipeline(loaded.json, shown);
    const conditionProblems = [...this.plan.steps.values()]
      .filter((s) => s.type === 'Condition')
      .flatMap((s) => (Array.isArray(s.args.Conditions) ? s.args.Conditions : []).flatMap((c, i) => checkCondition(c, `step "${s.name}": Conditions[${i}]`)));
    if (conditionProblems.length > 0) throw new LocalPipelineError('INVALID_DEFINITION', `the pipeline definition ${shown} is invalid`, conditionProblems);
    this.parameters = parseParameters(this.plan.parameters, options.parameters ?? []);
    this.entryPoints = parseEntryPoints(this.plan, options.entryPoints ?? []);
    this.startedAt = this.now();
    this.executionId = options.executionId ?? `local-${this.startedAt.toISOString().replace(/[-:]|\.\d+Z$/g, '').replace('T', 't')}-${randomBytes(3).toString('hex')}`;
    this.pipelineName = path.basename(options.definitionFile).replace(/\.json$/i, '');
    for (const s of this.plan.order) this.records.set(s.name, { type: s.type, status: 'NotRun' });
    this.resolver = new Resolver(this.parameters, (name) => this.executionVariable(name), this.records);
  }

  public async execute(): Promise<LocalRunSummary> {
    this.checkEnvironment();
    this.prepareWorkdir();
    const total = this.plan.order.length;
    const summaries: StepSummary[] = [];
    let failure: LocalRunSummary['failure'];
    for (const [i, step] of this.plan.order.entries()) {
      const record = this.records.get(step.name)!;
      if (failure) {
        record.reason = `the run stopped at step "${failure.step}"`;
        summaries.push({ name: step.name, type: step.type, status: 'NotRun', detail: record.reason });
        continue;
      }
      const event = (status: StepStatus, durationMs: number, detail?: string) =>
        this.o.onStep?.({ index: i + 1, total, name: step.name, type: step.type, status, durationMs, detail });
      const skip = this.skipReason(step);
      if (skip) {
        record.status = 'Skipped';
        record.reason = skip.reason;
        if (skip.propagates) this.notTaken.add(step.name);
        summaries.push({ name: step.name, type: step.type, status: 'Skipped', detail: skip.reason });
        event('Skipped', 0, skip.reason);
        continue;
      }
      const started = Date.now();
      try {
        const result = await this.runStep(step);
        const durationMs = Date.now() - started;
        record.status = 'Succeeded';
        summaries.push({ name: step.name, type: step.type, status: 'Succeeded', durationMs, detail: result.detail, ...result.summary });
        event('Succeeded', durationMs, result.detail);
      } catch (e) {
        if (!(e instanceof StepFailure)) throw e;
        const durationMs = Date.now() - started;
        record.status = 'Failed';
        record.reason = e.message;
        failure = { step: step.name, type: step.type, message: e.message, failStep: e.failStep, logFile: e.logFile, logTail: e.logTail };
        summaries.push({ name: step.name, type: step.type, status: 'Failed', durationMs, detail: e.message, logFile: e.logFile });
        event('Failed', durationMs, e.message);
      }
    }
    const summary: LocalRunSummary = {
      schemaVersion: 1,
      pipelineName: this.pipelineName,
      pipelineExecutionId: this.executionId,
      definitionFile: this.o.definitionFile,
      definitionSha256: this.definitionSha256,
      workdir: this.o.workdir,
      status: failure ? 'Failed' : 'Succeeded',
      startedAt: this.startedAt.toISOString(),
      durationMs: this.now().getTime() - this.startedAt.getTime(),
      python: { command: this.o.python, version: this.pythonVersion },
      parameters: this.parameters,
      steps: summaries,
      conditions: this.conditions,
      metrics: this.resolver.jsonGets,
      registered: this.registered,
      failure,
    };
    writeFileAtomic(path.join(this.o.workdir, 'run.json'), JSON.stringify(summary, undefined, 2) + '\n');
    return summary;
  }

  // ---------------------------------------------------------------- before the run

  /** Everything this machine needs, checked before any step runs. */
  private checkEnvironment(): void {
    const problems: string[] = [];
    const jobs = this.plan.order.filter((s) => s.type === 'Processing' || s.type === 'Training');
    if (jobs.length > 0) {
      try {
        this.pythonVersion = execFileSync(this.o.python, ['-c', 'import sys; print(sys.version.split()[0])'], {
          env: this.o.env as NodeJS.ProcessEnv,
          stdio: ['ignore', 'pipe', 'pipe'],
          timeout: 30_000,
        }).toString().trim();
      } catch (e) {
        const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : (e as Error).message.split('\n')[0];
        problems.push(`the Python interpreter "${this.o.python}" does not run (${reason}): pass --python PATH or set MLOPS_PYTHON`);
      }
    }
    const needsCode = jobs.some((s) => s.type === 'Training' || this.codeInputs(s).length > 0);
    const codeDirOk = fs.existsSync(this.o.codeDir) && fs.statSync(this.o.codeDir).isDirectory();
    if (needsCode && !codeDirOk) {
      problems.push(`the code directory ${this.shown(this.o.codeDir)} does not exist: pass --code-dir DIR (the folder with the scripts that the code S3 URIs name)`);
    }
    for (const s of jobs) {
      const where = `step "${s.name}"`;
      if (s.type === 'Processing') {
        const app = isObject(s.args.AppSpecification) ? s.args.AppSpecification : {};
        if (!Array.isArray(app.ContainerEntrypoint) || app.ContainerEntrypoint.length === 0) {
          problems.push(`${where}: no AppSpecification.ContainerEntrypoint, so it runs the image's own entrypoint, which needs the container; give the step a script (code) or an entrypoint`);
        }
        for (const input of Array.isArray(s.args.ProcessingInputs) ? s.args.ProcessingInputs : []) {
          if (isObject(input) && input.DatasetDefinition !== undefined) {
            problems.push(`${where}: input "${String(input.InputName)}" reads an Athena or Redshift dataset (DatasetDefinition), which needs AWS`);
          }
        }
        if (codeDirOk) {
          for (const uri of this.codeInputs(s)) {
            const found = this.findCode(uri);
            if (found.problem) problems.push(`${where}: ${found.problem}`);
          }
        }
      } else {
        const program = this.trainingProgram(s);
        if (program === undefined) {
          problems.push(`${where}: no sagemaker_program hyperparameter (the image's own algorithm runs, which needs the container): pass --entry-point ${s.name}=SCRIPT to run a script of the code directory instead`);
        } else if (codeDirOk && !this.codeFile(program)) {
          problems.push(`${where}: the entry point ${program} is not in ${this.codeDirsText()}: pass --code-dir DIR`);
        }
        const inputs = Array.isArray(s.args.InputDataConfig) ? s.args.InputDataConfig : [];
        for (const c of inputs) {
          if (isObject(c) && isObject(c.DataSource) && c.DataSource.S3DataSource === undefined) {
            problems.push(`${where}: channel "${String(c.ChannelName)}" does not read S3 (FileSystemDataSource), which needs AWS`);
          }
        }
      }
    }
    if (this.o.dockerfile && this.pythonVersion !== null) {
      problems.push(...checkParity({
        dockerfile: this.o.dockerfile,
        requirementsFile: this.o.requirementsFile,
        python: this.o.python,
        pythonVersion: this.pythonVersion,
        env: this.o.env,
        steps: jobs.map((s) => this.parityStep(s)),
        frameworkImagePython: this.o.frameworkImagePython,
        shown: (p) => this.shown(p),
      }));
    }
    if (problems.length > 0) throw new LocalPipelineError('ENVIRONMENT', 'the pipeline cannot run on this machine', problems);
  }

  /** A job step's image (resolved when it can be before the run) and code, for the parity check. */
  private parityStep(s: PlannedStep): ParityStep {
    const raw = s.type === 'Processing' ? obj(s.args.AppSpecification).ImageUri : obj(s.args.AlgorithmSpecification).TrainingImage;
    let image: string | undefined;
    try {
      const resolved = raw === undefined ? undefined : this.resolver.resolve(raw, `step "${s.name}"`);
      image = typeof resolved === 'string' ? resolved : undefined;
    } catch {
      image = undefined;
    }
    const code: string[] = [];
    if (s.type === 'Processing') {
      for (const uri of this.codeInputs(s)) {
        const found = this.findCode(uri).path;
        if (found) code.push(found);
      }
    } else {
      const program = this.trainingProgram(s);
      const found = program === undefined ? undefined : this.codeFile(program);
      if (found) code.push(found.dir);
    }
    return { name: s.name, image, code };
  }

  /** Creates the working directory, or checks that it is ours, and removes what earlier runs left of each step. */
  private prepareWorkdir(): void {
    const w = this.o.workdir;
    const problems: string[] = [];
    for (const [what, p] of [['the current directory', this.o.cwd], ['the code directory', this.o.codeDir], ['the data directory', this.o.dataDir], ['the definition', this.o.definitionFile]] as const) {
      if (isInside(p, w)) problems.push(`--workdir ${this.shown(w)} holds ${what}; choose a directory of its own, e.g. .pipeline-local`);
    }
    const registryStore = path.join(path.dirname(this.o.registryFile), path.basename(this.o.registryFile, '.json'));
    for (const s of this.plan.order) {
      const dir = path.join(w, s.name);
      if (isInside(this.o.registryFile, dir) || isInside(registryStore, dir)) {
        problems.push(`step "${s.name}": its folder ${this.shown(dir)} would replace the local registry ${this.shown(this.o.registryFile)}; pass --registry FILE elsewhere`);
      }
    }
    if (fs.existsSync(w)) {
      if (!fs.statSync(w).isDirectory()) {problems.push(`--workdir ${this.shown(w)} is a file`);} else if (fs.readdirSync(w).length > 0 && !fs.existsSync(path.join(w, WORKDIR_MARKER))) {
        problems.push(`--workdir ${this.shown(w)} is not empty and was not created by "pipeline local"; choose a new or empty directory`);
      }
    }
    if (problems.length > 0) throw new LocalPipelineError('ENVIRONMENT', 'the working directory cannot be used', problems);
    fs.mkdirSync(w, { recursive: true });
    fs.writeFileSync(path.join(w, WORKDIR_MARKER), 'This directory belongs to "mlops-blueprint pipeline local"; its step folders are replaced on every run.\n');
    for (const s of this.plan.order) fs.rmSync(path.join(w, s.name), { recursive: true, force: true });
  }

  // ---------------------------------------------------------------- the run

  private skipReason(step: PlannedStep): { reason: string; propagates: boolean } | undefined {
    if (step.parent) {
      const chosen = this.chosenBranch.get(step.parent.step);
      if (chosen !== step.parent.branch) {
        const why = chosen ? `which chose ${chosen}` : 'which did not run';
        return { reason: `in the ${step.parent.branch} of "${step.parent.step}", ${why}`, propagates: true };
      }
    }
    const skipped = [...step.needs].filter((n) => this.notTaken.has(n));
    if (skipped.length > 0) return { reason: `needs step "${skipped[0]}", which was skipped`, propagates: true };
    if (step.type === 'Lambda') return { reason: 'Lambda steps run only in SageMaker; the function is not called locally', propagates: false };
    return undefined;
  }

  private runStep(step: PlannedStep): Promise<StepResult> {
    switch (step.type) {
      case 'Processing':
        return this.processing(step);
      case 'Training':
        return this.training(step);
      case 'Condition':
        return Promise.resolve(this.condition(step));
      case 'RegisterModel':
        return Promise.resolve(this.registerModel(step));
      case 'Model':
        return Promise.resolve(this.createModel(step));
      case 'Fail':
        return Promise.reject(this.fail(step));
      default:
        return Promise.reject(new StepFailure(`step "${step.name}": ${step.type} steps do not run locally`));
    }
  }

  private async processing(step: PlannedStep): Promise<StepResult> {
    const where = `step "${step.name}"`;
    const root = this.stepDir(step.name);
    const args = this.resolver.resolve(step.args, where) as JsonObject;
    const app = obj(args.AppSpecification);
    const entrypoint = strings(app.ContainerEntrypoint, `${where}: AppSpecification.ContainerEntrypoint`);
    const containerArgs = strings(app.ContainerArguments ?? [], `${where}: AppSpecification.ContainerArguments`);

    const rawInputs = Array.isArray(step.args.ProcessingInputs) ? step.args.ProcessingInputs : [];
    list(args.ProcessingInputs).forEach((input, i) => {
      const s3 = obj(input.S3Input);
      const name = String(input.InputName ?? i);
      const localPath = text(s3.LocalPath, `${where}: input "${name}" LocalPath`);
      const rawUri = obj(obj(rawInputs[i]).S3Input).S3Uri;
      const isCode = name === 'code' || localPath === PROCESSING_CODE_DIR;
      const source = this.localSource(s3.S3Uri, rawUri, `${where}: input "${name}"`, isCode);
      copyInto(source, mapContainerPath(root, localPath), isCode ? NOT_CODE : []);
    });

    const outputs: Record<string, string> = {};
    const outputConfig = obj(args.ProcessingOutputConfig);
    for (const output of list(outputConfig.Outputs)) {
      const name = text(output.OutputName, `${where}: OutputName`);
      const s3 = obj(output.S3Output);
      const dir = mapContainerPath(root, text(s3.LocalPath, `${where}: output "${name}" LocalPath`));
      fs.mkdirSync(dir, { recursive: true });
      outputs[name] = dir;
      s3.S3Uri = dir;
    }

    const env: Record<string, string | undefined> = {
      ...this.o.env,
      PYTHONUNBUFFERED: '1',
      MLOPS_LOCAL_ROOT: root,
      ML_PROCESSING_DIR: mapContainerPath(root, '/opt/ml/processing'),
      ...this.environment(args.Environment, root, where),
    };
    const configDir = mapContainerPath(root, '/opt/ml/config');
    writeJson(path.join(configDir, 'processingjobconfig.json'), args);
    writeJson(path.join(configDir, 'resourceconfig.json'), { current_host: 'algo-1', hosts: ['algo-1'] });

    const argv = [this.interpreter(entrypoint[0]), ...entrypoint.slice(1), ...containerArgs].map((a, i) => (i === 0 ? a : rewriteOptMl(root, a)));
    const logFile = path.join(root, 'log.txt');
    await this.runJobProcess(where, { argv, cwd: root, env, logFile, maxRuntime: obj(args.StoppingCondition).MaxRuntimeInSeconds });

    const propertyFiles: Record<string, string> = {};
    for (const [name, f] of Object.entries(step.propertyFiles)) {
      if (outputs[f.outputName] === undefined) throw new StepFailure(`${where}: property file "${name}" is in output "${f.outputName}", which the step does not have`);
      propertyFiles[name] = path.join(outputs[f.outputName], f.filePath);
    }
    const record = this.records.get(step.name)!;
    record.properties = {
      ...args,
      ProcessingJobName: this.jobName(step.name, args.ProcessingJobName),
      ProcessingJobArn: `arn:aws:sagemaker:local:000000000000:processing-job/${this.jobName(step.name, args.ProcessingJobName)}`,
      ProcessingJobStatus: 'Completed',
    };
    record.propertyFiles = propertyFiles;
    const names = Object.keys(outputs);
    return {
      detail: names.length > 0 ? `outputs ${names.join(', ')}` : undefined,
      summary: { directory: root, logFile, outputs },
    };
  }

  private async training(step: PlannedStep): Promise<StepResult> {
    const where = `step "${step.name}"`;
    const root = this.stepDir(step.name);
    const args = this.resolver.resolve(step.args, where) as JsonObject;
    const program = this.trainingProgram(step)!;
    const code = this.codeFile(program);
    if (!code) throw new StepFailure(`${where}: the entry point ${program} is not in ${this.codeDirsText()}`);
    const codeDir = mapContainerPath(root, '/opt/ml/code');
    copyInto(code.dir, codeDir, NOT_CODE);

    const rawChannels = Array.isArray(step.args.InputDataConfig) ? step.args.InputDataConfig : [];
    // script mode with network isolation: the source archive comes as a channel (the SDK names it
    // `code`, and sagemaker_submit_directory points into it); locally that is the code directory
    const submitDirectory = decodeHyperparameter(Resolver.text(obj(args.HyperParameters).sagemaker_submit_directory ?? ''));
    const isCodeChannel = (name: string) => name === 'code'
      || (typeof submitDirectory === 'string' && submitDirectory.startsWith(`/opt/ml/input/data/${name}/`));
    const channels: string[] = [];
    const channelEnv: Record<string, string> = {};
    const inputDataConfig: JsonObject = {};
    list(args.InputDataConfig).forEach((c, i) => {
      const name = text(c.ChannelName, `${where}: ChannelName`);
      const s3 = obj(obj(c.DataSource).S3DataSource);
      const rawUri = obj(obj(obj(rawChannels[i]).DataSource).S3DataSource).S3Uri;
      const dir = mapContainerPath(root, `/opt/ml/input/data/${name}`);
      const isCode = isCodeChannel(name);
      copyInto(this.localSource(s3.S3Uri, rawUri, `${where}: channel "${name}"`, isCode), dir, isCode ? NOT_CODE : []);
      channels.push(name);
      channelEnv[`SM_CHANNEL_${name.toUpperCase()}`] = dir;
      inputDataConfig[name] = {
        TrainingInputMode: c.InputMode ?? obj(args.AlgorithmSpecification).TrainingInputMode ?? 'File',
        S3DistributionType: s3.S3DataDistributionType ?? 'FullyReplicated',
        RecordWrapperType: c.RecordWrapperType ?? 'None',
      };
    });

    const modelDir = mapContainerPath(root, '/opt/ml/model');
    const outputDir = mapContainerPath(root, '/opt/ml/output');
    const outputDataDir = path.join(outputDir, 'data');
    const configDir = mapContainerPath(root, '/opt/ml/input/config');
    for (const d of [modelDir, outputDataDir, path.join(outputDir, 'intermediate'), configDir]) fs.mkdirSync(d, { recursive: true });

    // hyperparameters as SageMaker passes them: strings in hyperparameters.json; the training
    // toolkit decodes each as JSON and passes the user's ones (not sagemaker_*) as --key value
    const rawHps: Record<string, string> = {};
    for (const [k, x] of Object.entries(obj(args.HyperParameters))) rawHps[k] = Resolver.text(x);
    const userHps: Record<string, Json> = {};
    const userArgs: string[] = [];
    for (const [k, raw] of Object.entries(rawHps)) {
      if (k.startsWith('sagemaker_')) continue;
      const decoded = decodeHyperparameter(raw);
      userHps[k] = decoded;
      userArgs.push(`--${k}`, typeof decoded === 'string' ? decoded : typeof decoded === 'boolean' ? (decoded ? 'True' : 'False') : raw);
    }
    writeJson(path.join(configDir, 'hyperparameters.json'), rawHps);
    writeJson(path.join(configDir, 'inputdataconfig.json'), inputDataConfig);
    writeJson(path.join(configDir, 'resourceconfig.json'), { current_host: 'algo-1', hosts: ['algo-1'], network_interface_name: 'eth0' });

    const moduleName = path.basename(program).replace(/\.py$/, '');
    const sm: Record<string, string> = {
      SM_MODEL_DIR: modelDir,
      SM_INPUT_DIR: mapContainerPath(root, '/opt/ml/input'),
      SM_INPUT_DATA_CONFIG: JSON.stringify(inputDataConfig),
      SM_INPUT_CONFIG_DIR: configDir,
      SM_OUTPUT_DIR: outputDir,
      SM_OUTPUT_DATA_DIR: outputDataDir,
      SM_OUTPUT_INTERMEDIATE_DIR: path.join(outputDir, 'intermediate'),
      SM_CHANNELS: JSON.stringify(channels),
      ...channelEnv,
      SM_HPS: JSON.stringify(userHps),
      SM_USER_ARGS: JSON.stringify(userArgs),
      SM_USER_ENTRY_POINT: program,
      SM_MODULE_NAME: moduleName,
      SM_MODULE_DIR: codeDir,
      SM_CURRENT_HOST: 'algo-1',
      SM_HOSTS: JSON.stringify(['algo-1']),
      SM_NUM_GPUS: '0',
      SM_NUM_CPUS: String(Math.max(1, os.cpus().length)),
      SM_LOG_LEVEL: '20',
      SM_CURRENT_INSTANCE_TYPE: Resolver.text(obj(args.ResourceConfig).InstanceType ?? 'local'),
    };
    for (const [k, x] of Object.entries(userHps)) sm[`SM_HP_${k.toUpperCase()}`] = typeof x === 'string' ? x : JSON.stringify(x);
    sm.SM_TRAINING_ENV = JSON.stringify({
      channel_input_dirs: channelEnv,
      hyperparameters: userHps,
      model_dir: modelDir,
      output_data_dir: outputDataDir,
      module_dir: codeDir,
      module_name: moduleName,
      user_entry_point: program,
      current_host: 'algo-1',
      hosts: ['algo-1'],
      job_name: this.jobName(step.name, args.TrainingJobName),
    });
    const env: Record<string, string | undefined> = {
      ...this.o.env,
      PYTHONUNBUFFERED: '1',
      MLOPS_LOCAL_ROOT: root,
      ...sm,
      ...this.environment(args.Environment, root, where),
    };
    const logFile = path.join(root, 'log.txt');
    const output = await this.runJobProcess(where, {
      argv: [this.o.python, path.join(codeDir, program), ...userArgs],
      cwd: codeDir,
      env,
      logFile,
      maxRuntime: obj(args.StoppingCondition).MaxRuntimeInSeconds,
      failureFile: path.join(outputDir, 'failure'),
    });

    const artifacts = path.join(root, 'artifacts');
    const modelArtifact = path.join(artifacts, 'model.tar.gz');
    await packTarGz(modelDir, modelArtifact);
    if (fs.readdirSync(outputDataDir).length > 0) await packTarGz(outputDataDir, path.join(artifacts, 'output.tar.gz'));
    const metrics = finalMetrics(obj(args.AlgorithmSpecification).MetricDefinitions, output);

    const record = this.records.get(step.name)!;
    record.properties = {
      ...args,
      TrainingJobName: this.jobName(step.name, args.TrainingJobName),
      TrainingJobArn: `arn:aws:sagemaker:local:000000000000:training-job/${this.jobName(step.name, args.TrainingJobName)}`,
      TrainingJobStatus: 'Completed',
      ModelArtifacts: { S3ModelArtifacts: modelArtifact },
      FinalMetricDataList: Object.entries(metrics).map(([MetricName, Value]) => ({ MetricName, Value })),
    };
    const shownMetrics = Object.entries(metrics).map(([k, x]) => `${k}=${x}`).join(', ');
    return {
      detail: `model ${this.shown(modelArtifact)}${shownMetrics ? `, ${shownMetrics}` : ''}`,
      summary: { directory: root, logFile, modelArtifact, metrics },
    };
  }

  private condition(step: PlannedStep): StepResult {
    const where = `step "${step.name}"`;
    const outcomes = list(step.args.Conditions).map((c) => evaluateCondition(c, this.resolver, where));
    const outcome = outcomes.every((c) => c.outcome);
    const branch = outcome ? 'IfSteps' : 'ElseSteps';
    this.chosenBranch.set(step.name, branch);
    this.conditions.push({ step: step.name, outcome, branch, conditions: outcomes });
    this.records.get(step.name)!.properties = { Outcome: outcome };
    const names = step.branches?.[branch] ?? [];
    return { detail: `${outcome} (${outcomes.map((c) => c.text).join(' and ')}) -> ${branch}${names.length > 0 ? ` ${names.join(', ')}` : ' (none)'}` };
  }

  private registerModel(step: PlannedStep): StepResult {
    const where = `step "${step.name}"`;
    const args = this.resolver.resolve(step.args, where) as JsonObject;
    const group = text(args.ModelPackageGroupName, `${where}: ModelPackageGroupName`);
    const status = args.ModelApprovalStatus === null || args.ModelApprovalStatus === undefined ? 'PendingManualApproval' : Resolver.text(args.ModelApprovalStatus);
    if (!MODEL_APPROVAL_STATUSES.includes(status)) {
      throw new StepFailure(`${where}: ModelApprovalStatus "${status}" is not one of ${MODEL_APPROVAL_STATUSES.join(', ')}${didYouMean(status, MODEL_APPROVAL_STATUSES)}`);
    }
    const containers: LocalRegistryContainer[] = list(obj(args.InferenceSpecification).Containers).map((c) => ({
      image: c.Image === undefined || c.Image === null ? null : Resolver.text(c.Image),
      modelDataUrl: c.ModelDataUrl === undefined || c.ModelDataUrl === null ? null : Resolver.text(c.ModelDataUrl),
    }));
    const metricsFiles = metricsSources(obj(args.ModelMetrics));
    const metricsFile = metricsFiles.find((m) => m.kind === 'ModelQuality.Statistics')?.uri ?? metricsFiles[0]?.uri ?? null;
    const metrics: Record<string, Json> = {};
    for (const r of this.resolver.jsonGets) metrics[r.path] = r.value;
    const entry = register(this.o.registryFile, {
      group,
      approvalStatus: status,
      containers,
      metricsFile,
      metrics,
      registeredAt: this.now().toISOString(),
      definitionSha256: this.definitionSha256,
      pipelineExecutionId: this.executionId,
      stepName: step.name,
    });
    this.registered.push(entry);
    this.records.get(step.name)!.properties = { ...args, ModelPackageArn: entry.modelPackageArn, ModelApprovalStatus: status };
    return { detail: `registered ${group} version ${entry.modelPackageVersion} (${status}) in ${this.shown(this.o.registryFile)}` };
  }

  private createModel(step: PlannedStep): StepResult {
    const where = `step "${step.name}"`;
    const args = this.resolver.resolve(step.args, where) as JsonObject;
    const modelName = `${step.name}-${this.executionId}`;
    this.records.get(step.name)!.properties = { ...args, ModelName: modelName, ModelArn: `arn:aws:sagemaker:local:000000000000:model/${modelName}` };
    const data = obj(args.PrimaryContainer).ModelDataUrl;
    return { detail: `recorded model ${modelName}${data ? ` (${Resolver.text(data)})` : ''}; no model is created locally` };
  }

  private fail(step: PlannedStep): StepFailure {
    const message = Resolver.text(this.resolver.resolve(step.args.ErrorMessage ?? '', `step "${step.name}"`));
    return new StepFailure(message || `Fail step "${step.name}" ran (it has no ErrorMessage)`, { failStep: true });
  }

  // ---------------------------------------------------------------- helpers

  /** Runs a job's process; a failure is a StepFailure with the reason and the log's last lines. Returns the output. */
  private async runJobProcess(where: string, job: JobProcess): Promise<string> {
    const { argv, cwd, env, logFile, failureFile } = job;
    const timeoutSeconds = typeof job.maxRuntime === 'number' ? job.maxRuntime : undefined;
    const r = await runProcess({ argv, cwd, env, logFile, timeoutSeconds });
    if (r.spawnError) {
      const reason = r.spawnError.code === 'ENOENT' ? 'not found on this machine' : r.spawnError.message;
      throw new StepFailure(`${where}: cannot run ${argv[0]} (${reason})`, { logFile });
    }
    if (r.timedOut) {
      throw new StepFailure(`${where}: stopped after MaxRuntimeInSeconds (${timeoutSeconds} s)`, { logFile, logTail: tail(r.output) });
    }
    if (r.exitCode !== 0) {
      const reason = failureFile && fs.existsSync(failureFile) ? fs.readFileSync(failureFile, 'utf-8').trim() : '';
      const how = r.exitCode === null ? `was stopped by ${r.signal}` : `exited with code ${r.exitCode}`;
      throw new StepFailure(`${where}: ${path.basename(argv[1] ?? argv[0])} ${how}${reason ? `: ${reason.split('\n')[0]}` : ''} (log: ${this.shown(logFile)})`, {
        logFile,
        logTail: tail(r.output),
      });
    }
    return r.output;
  }

  /** The definition's Environment, resolved, with `/opt/ml/...` values mapped. */
  private environment(environment: Json | undefined, root: string, where: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, x] of Object.entries(obj(environment))) {
      if (x === null) continue;
      if (isObject(x) || Array.isArray(x)) throw new StepFailure(`${where}: environment variable ${k} is not a string`);
      out[k] = rewriteOptMl(root, Resolver.text(x));
    }
    return out;
  }

  /** The local python for `python`, `python3`, `python3.11`, `/usr/bin/python3`; any other command as it is. */
  private interpreter(command: string): string {
    return /^python[0-9.]*$/.test(path.posix.basename(command)) ? this.o.python : command;
  }

  /**
   * The local file or directory of an input: a local path (a step's output, or a parameter set to a
   * path) as it is; `s3://` code URIs in the code directory; other `s3://` URIs in the data directory.
   */
  private localSource(uri: Json | undefined, raw: Json | undefined, what: string, isCode: boolean): string {
    if (typeof uri !== 'string' || uri === '') throw new StepFailure(`${what}: the S3 URI resolves to ${JSON.stringify(uri ?? null)}, not a URI or path`);
    const parameter = getExpression(raw)?.match(/^Parameters\.(.+)$/)?.[1];
    const hint = parameter ? `, or pass --param ${parameter}=<local path>` : '';
    if (uri.startsWith('s3://')) {
      if (isCode) {
        const found = this.findCode(uri);
        if (found.problem) throw new StepFailure(`${what}: ${found.problem}`);
        return found.path!;
      }
      const key = uri.slice('s3://'.length).split('/').slice(1).filter((p) => p !== '').join('/');
      const local = path.join(this.o.dataDir, ...key.split('/'));
      if (!key || !fs.existsSync(local)) {
        throw new StepFailure(`${what}: ${uri} is not on this machine: put the data at ${this.shown(local)} (--data-dir maps s3://<bucket>/<key> to <data-dir>/<key>)${hint}`);
      }
      return local;
    }
    const local = uri.startsWith('file://') ? fileURLToPath(uri) : path.resolve(this.o.cwd, uri);
    if (!fs.existsSync(local)) throw new StepFailure(`${what}: ${this.shown(local)} does not exist${hint}`);
    return local;
  }

  /** The S3 URIs of a processing step's code inputs (as written, when they are literal). */
  private codeInputs(step: PlannedStep): string[] {
    const out: string[] = [];
    for (const input of Array.isArray(step.args.ProcessingInputs) ? step.args.ProcessingInputs : []) {
      if (!isObject(input)) continue;
      const s3 = obj(input.S3Input);
      if ((input.InputName === 'code' || s3.LocalPath === PROCESSING_CODE_DIR) && typeof s3.S3Uri === 'string' && s3.S3Uri.startsWith('s3://')) out.push(s3.S3Uri);
    }
    return out;
  }

  /** A code S3 URI in the code directory: a file name (`.../preprocess.py`) is that file; a prefix or `sourcedir.tar.gz` is the whole directory. */
  private findCode(uri: string): { path?: string; problem?: string } {
    const name = uri.replace(/\/+$/, '').split('/').pop() ?? '';
    if (!name.includes('.') || name.endsWith('.tar.gz') || uri.endsWith('/')) return { path: this.o.codeDir };
    const file = this.codeFile(name);
    return file ? { path: file.file } : { problem: `the code ${uri} names ${name}, which is not in ${this.codeDirsText()}: pass --code-dir DIR` };
  }

  /** A script in the code directory or its `src/`, and the directory it was found in. */
  private codeFile(relative: string): { file: string; dir: string } | undefined {
    for (const dir of [this.o.codeDir, path.join(this.o.codeDir, 'src')]) {
      const file = path.join(dir, relative);
      if (fs.existsSync(file) && fs.statSync(file).isFile()) return { file, dir };
    }
    return undefined;
  }

  private codeDirsText(): string {
    const dir = this.shown(this.o.codeDir);
    return `the code directory ${dir} (nor ${path.join(dir, 'src')})`;
  }

  /** The script of a training step: --entry-point, else the sagemaker_program hyperparameter. */
  private trainingProgram(step: PlannedStep): string | undefined {
    if (this.entryPoints[step.name]) return this.entryPoints[step.name];
    const raw = obj(step.args.HyperParameters).sagemaker_program;
    if (typeof raw !== 'string') return undefined;
    const decoded = decodeHyperparameter(raw);
    return typeof decoded === 'string' && decoded !== '' ? decoded : undefined;
  }

  private executionVariable(name: string): string {
    switch (name) {
      case 'PipelineExecutionId':
        return this.executionId;
      case 'PipelineName':
        return this.pipelineName;
      case 'PipelineArn':
        return `arn:aws:sagemaker:local:000000000000:pipeline/${this.pipelineName}`;
      case 'PipelineExecutionArn':
        return `arn:aws:sagemaker:local:000000000000:pipeline/${this.pipelineName}/execution/${this.executionId}`;
      case 'StartDateTime':
        return this.startedAt.toISOString();
      default:
        return this.now().toISOString();
    }
  }

  private stepDir(name: string): string {
    const dir = path.join(this.o.workdir, name);
    fs.mkdirSync(dir, { recursive: true });
    return dir;
  }

  /** The job's name: its step's job-name prefix (as SageMaker Pipelines uses it), or the step's name, then the execution id. */
  private jobName(step: string, prefix: unknown): string {
    return `${typeof prefix === 'string' && prefix.length > 0 ? prefix : step}-${this.executionId}`.slice(0, 63);
  }

  private shown(p: string): string {
    return shownPath(this.o.cwd, p);
  }
}

/** A path relative to `cwd` when it is inside it, else absolute. */
export function shownPath(cwd: string, p: string): string {
  const rel = path.relative(cwd, p);
  if (rel === '') return '.';
  return !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}

/** The parameter values: defaults, overridden by `Name=Value`, typed per the parameter's Type. */
export function parseParameters(declared: readonly ParameterDeclaration[], given: readonly string[]): Record<string, Json> {
  const problems: string[] = [];
  const values: Record<string, Json> = {};
  const names = declared.map((p) => p.name);
  const overrides = new Map<string, string>();
  for (const g of given) {
    const eq = g.indexOf('=');
    if (eq <= 0) {
      problems.push(`--param ${JSON.stringify(g)} must be NAME=VALUE`);
      continue;
    }
    const name = g.slice(0, eq);
    if (!names.includes(name)) problems.push(`--param ${name}: the definition has no parameter "${name}"${didYouMean(name, names)} (its parameters: ${names.join(', ') || 'none'})`);
    else if (overrides.has(name)) problems.push(`--param ${name} is given more than once`);
    else overrides.set(name, g.slice(eq + 1));
  }
  for (const p of declared) {
    const text_ = overrides.get(p.name);
    if (text_ === undefined) {
      if (p.defaultValue === undefined) problems.push(`parameter "${p.name}" (${p.type}) has no default value: pass --param ${p.name}=VALUE`);
      else values[p.name] = p.defaultValue;
      continue;
    }
    const typed = typedValue(p, text_);
    if ('problem' in typed) problems.push(typed.problem);
    else values[p.name] = typed.value;
  }
  if (problems.length > 0) throw new LocalPipelineError('INVALID_PARAMETER', 'invalid pipeline parameters', problems);
  return values;
}

function typedValue(p: ParameterDeclaration, value: string): { value: Json } | { problem: string } {
  const bad = (what: string) => ({ problem: `--param ${p.name}=${value}: ${p.name} is ${p.type === 'Integer' ? 'an' : 'a'} ${p.type} parameter; write ${what}` });
  switch (p.type) {
    case 'Integer':
      return /^[+-]?\d+$/.test(value.trim()) ? { value: Number(value) } : bad('a whole number');
    case 'Float':
      return value.trim() !== '' && Number.isFinite(Number(value)) ? { value: Number(value) } : bad('a number');
    case 'Boolean':
      return /^(true|false)$/i.test(value.trim()) ? { value: value.trim().toLowerCase() === 'true' } : bad('true or false');
    default:
      if (p.enumValues && p.enumValues.length > 0 && !p.enumValues.includes(value)) {
        return { problem: `--param ${p.name}=${value}: write one of ${p.enumValues.join(', ')}${didYouMean(value, p.enumValues)}` };
      }
      return { value };
  }
}

function parseEntryPoints(plan: PipelinePlan, given: readonly string[]): Record<string, string> {
  const problems: string[] = [];
  const out: Record<string, string> = {};
  const training = [...plan.steps.values()].filter((s) => s.type === 'Training').map((s) => s.name);
  for (const g of given) {
    const eq = g.indexOf('=');
    const step = eq > 0 ? g.slice(0, eq) : '';
    const script = eq > 0 ? g.slice(eq + 1) : '';
    if (!step || !script) problems.push(`--entry-point ${JSON.stringify(g)} must be STEP=SCRIPT, e.g. Train=train.py`);
    else if (!training.includes(step)) problems.push(`--entry-point ${step}: the definition has no training step "${step}"${didYouMean(step, training)} (its training steps: ${training.join(', ') || 'none'})`);
    else out[step] = script;
  }
  if (problems.length > 0) throw new LocalPipelineError('INVALID_PARAMETER', 'invalid --entry-point', problems);
  return out;
}

/** A hyperparameter as the SageMaker training toolkit reads it: JSON if it parses, else the string. */
function decodeHyperparameter(raw: string): Json {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** The last value each metric definition's regex finds in the log. */
function finalMetrics(definitions: Json | undefined, output: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const d of list(definitions)) {
    if (typeof d.Name !== 'string' || typeof d.Regex !== 'string') continue;
    let re: RegExp;
    try {
      re = new RegExp(d.Regex, 'g');
    } catch {
      continue;
    }
    let last: number | undefined;
    for (const m of output.matchAll(re)) {
      const x = Number(m[1]);
      if (m[1] !== undefined && Number.isFinite(x)) last = x;
    }
    if (last !== undefined) out[d.Name] = last;
  }
  return out;
}

/** Every metrics file of a ModelMetrics structure (`ModelQuality.Statistics` -> S3Uri). */
function metricsSources(metrics: JsonObject): { kind: string; uri: string }[] {
  const out: { kind: string; uri: string }[] = [];
  for (const [group, value] of Object.entries(metrics)) {
    for (const [kind, source] of Object.entries(obj(value))) {
      const uri = obj(source).S3Uri;
      if (typeof uri === 'string') out.push({ kind: `${group}.${kind}`, uri });
    }
  }
  return out;
}

function obj(x: Json | undefined): JsonObject {
  return isObject(x) ? x : {};
}

function list(x: Json | undefined): JsonObject[] {
  return Array.isArray(x) ? x.filter(isObject) : [];
}

function text(x: Json | undefined, what: string): string {
  if (typeof x === 'string' && x !== '') return x;
  if (typeof x === 'number' || typeof x === 'boolean') return String(x);
  throw new StepFailure(`${what} resolves to ${JSON.stringify(x ?? null)}, not a string`);
}

function strings(x: Json | undefined, what: string): string[] {
  if (!Array.isArray(x) || x.some((v) => isObject(v) || Array.isArray(v) || v === null)) throw new StepFailure(`${what} must be a list of strings`);
  return x.map((v) => Resolver.text(v));
}

function writeJson(file: string, value: Json): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(value, undefined, 2) + '\n');
}
