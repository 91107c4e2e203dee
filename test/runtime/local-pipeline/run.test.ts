/**
 * `pipeline local` end to end, in-process, with real Python processes: a definition built with our
 * builder (helpers.ts) whose scripts are the stubs in test/fixtures/local-pipeline/code. Order,
 * /opt/ml path mapping, SageMaker's training environment, model.tar.gz, both branches of the
 * condition, the registry file, exit codes and progress lines.
 */
import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { cleanUp, cli, pipelineLocal, project, PYTHON, readJson, sampleDefinition } from './helpers';

afterAll(cleanUp);

const SECONDS = '\\d+\\.\\ds';

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}

describe('the sample pipeline, metric above the threshold', () => {
  let p: ReturnType<typeof project>;
  let result: Awaited<ReturnType<typeof pipelineLocal>>;
  let step: (name: string, ...rest: string[]) => string;

  beforeAll(async () => {
    p = project();
    result = await pipelineLocal(p);
    step = (name, ...rest) => path.join(p.workdir, name, ...rest);
  });

  test('exit 0; one progress line per step, in dependency order (the definition lists them backwards)', () => {
    expect(result.code).toBe(0);
    const progress = lines(result.stderr);
    const expected = [
      `^\\[1/6\\] Preprocess \\(Processing\\) \\.\\.\\. ok in ${SECONDS}: outputs train, test$`,
      `^\\[2/6\\] Train \\(Training\\) \\.\\.\\. ok in ${SECONDS}: model \\.pipeline-local/Train/artifacts/model\\.tar\\.gz, validation:f1=0\\.9$`,
      `^\\[3/6\\] Evaluate \\(Processing\\) \\.\\.\\. ok in ${SECONDS}: outputs evaluation$`,
      `^\\[4/6\\] Check \\(Condition\\) \\.\\.\\. ok in ${SECONDS}: true \\(0\\.9 >= 0\\.7\\) -> IfSteps Register$`,
      `^\\[5/6\\] Register \\(RegisterModel\\) \\.\\.\\. ok in ${SECONDS}: registered test-models version 1 \\(PendingManualApproval\\) in \\.pipeline-local/local-registry\\.json$`,
      '^\\[6/6\\] F1TooLow \\(Fail\\) \\.\\.\\. skipped: in the ElseSteps of "Check", which chose IfSteps$',
    ];
    expect(progress).toHaveLength(expected.length);
    progress.forEach((line, i) => expect(line).toMatch(new RegExp(expected[i])));
  });

  test('the human summary: steps, condition, metric, registered version', () => {
    const out = lines(result.stdout);
    expect(out[0]).toMatch(new RegExp(`^✔ pipeline-definition ran locally: 5 of 6 steps ran, 1 skipped in ${SECONDS}$`));
    expect(out).toContain('  condition Check: true (0.9 >= 0.7) -> IfSteps');
    expect(out).toContain('  metric metrics.f1.value = 0.9 (Steps.Evaluate.PropertyFiles.EvaluationReport)');
    expect(out).toContain('  registered test-models version 1 (PendingManualApproval): .pipeline-local/local-registry/test-models/1/model/model.tar.gz');
    expect(out[out.length - 1]).toMatch(/^ {2}execution local-\d{8}t\d{6}-[0-9a-f]{6}; steps in \.pipeline-local, summary in \.pipeline-local\/run\.json$/);
  });

  test('processing: the code and inputs are copied to the mapped LocalPaths, /opt/ml arguments and environment values are rewritten', () => {
    const seen = readJson(step('Preprocess', 'opt/ml/processing/train/seen.json'));
    const root = step('Preprocess');
    expect(seen.argv).toEqual([
      path.join(root, 'opt/ml/processing/input/code/preprocess.py'),
      '--input-dir', path.join(root, 'opt/ml/processing/input/data'),
      `--train-dir=${path.join(root, 'opt/ml/processing/train')}`,
      '--test-dir', path.join(root, 'opt/ml/processing/test'),
    ]);
    expect(seen.executable).toBe(PYTHON);
    expect(seen.cwd).toBe(root);
    const run = readJson(path.join(p.workdir, 'run.json'));
    expect(seen.env).toEqual({
      ML_PROCESSING_DIR: path.join(root, 'opt/ml/processing'),
      MLOPS_LOCAL_ROOT: root,
      RUN_ID: run.pipelineExecutionId,
      HINT: path.join(root, 'opt/ml/processing/test'),
    });
    // s3://test-bucket/raw/welds -> <data-dir>/raw/welds, copied into the input's LocalPath
    expect(seen.inputs).toEqual(['part-0.csv']);
    expect(fs.readFileSync(step('Preprocess', 'opt/ml/processing/train/rows.csv'), 'utf-8')).toBe('gun,current\nWG-1,10.5\nWG-2,11.0\n');
    expect(fs.readdirSync(step('Preprocess', 'opt/ml/processing/input/code'))).toEqual(['preprocess.py']);
    expect(readJson(step('Preprocess', 'opt/ml/config/processingjobconfig.json')).AppSpecification.ContainerEntrypoint)
      .toEqual(['python3', '/opt/ml/processing/input/code/preprocess.py']);
  });

  test('training: the channel is the previous output, SageMaker\'s environment, hyperparameters as --key value', () => {
    const seen = readJson(step('Train', 'opt/ml/model/env.json'));
    const ml = (p_: string) => step('Train', 'opt/ml', p_);
    expect(seen.argv).toEqual(['--quality', '0.9', '--mode', 'ok']);
    expect(seen.cwd).toBe(ml('code'));
    expect(seen.env).toMatchObject({
      SM_MODEL_DIR: ml('model'),
      SM_CHANNEL_TRAIN: ml('input/data/train'),
      SM_CHANNELS: '["train"]',
      SM_OUTPUT_DATA_DIR: ml('output/data'),
      SM_OUTPUT_DIR: ml('output'),
      SM_INPUT_CONFIG_DIR: ml('input/config'),
      SM_HPS: '{"quality":0.9,"mode":"ok"}',
      SM_HP_QUALITY: '0.9',
      SM_HP_MODE: 'ok',
      SM_USER_ARGS: '["--quality","0.9","--mode","ok"]',
      SM_USER_ENTRY_POINT: 'train.py',
      SM_MODULE_NAME: 'train',
      SM_CURRENT_HOST: 'algo-1',
      SM_CURRENT_INSTANCE_TYPE: 'ml.m5.large',
    });
    expect(JSON.parse(seen.env.SM_TRAINING_ENV)).toMatchObject({ hyperparameters: { quality: 0.9, mode: 'ok' }, model_dir: ml('model') });
    // SageMaker's files: every hyperparameter as a string, sagemaker_* included
    expect(readJson(ml('input/config/hyperparameters.json'))).toEqual({
      sagemaker_program: '"train.py"',
      sagemaker_submit_directory: '"s3://test-bucket/code/sourcedir.tar.gz"',
      quality: '0.9',
      mode: 'ok',
    });
    expect(readJson(ml('input/config/inputdataconfig.json'))).toEqual({ train: { TrainingInputMode: 'File', S3DistributionType: 'FullyReplicated', RecordWrapperType: 'None' } });
    expect(fs.readdirSync(ml('input/data/train')).sort()).toEqual(['rows.csv', 'seen.json']);
    expect(fs.readdirSync(ml('code')).sort()).toEqual(['evaluate.py', 'preprocess.py', 'train.py']);
  });

  test('model.tar.gz: the model directory packed as SageMaker packs it, readable by tar and by Python', () => {
    const archive = step('Train', 'artifacts', 'model.tar.gz');
    const listing = execFileSync('tar', ['-tzf', archive]).toString().trim().split('\n');
    expect(listing).toEqual(['code/', 'code/inference.py', 'env.json', 'model.json']);
    const extracted = path.join(p.dir, 'extracted');
    fs.mkdirSync(extracted);
    execFileSync('tar', ['-xzf', archive, '-C', extracted]);
    expect(fs.readFileSync(path.join(extracted, 'code/inference.py'), 'utf-8')).toBe(fs.readFileSync(step('Train', 'opt/ml/model/code/inference.py'), 'utf-8'));
    // the evaluation step received the tarball at /opt/ml/processing/model and read it with tarfile
    expect(fs.readdirSync(step('Evaluate', 'opt/ml/processing/model'))).toEqual(['model.tar.gz']);
    const report = readJson(step('Evaluate', 'opt/ml/processing/evaluation/evaluation.json'));
    expect(report).toEqual({ metrics: { f1: { value: 0.9 } }, archive: ['code', 'code/inference.py', 'env.json', 'model.json'], rows: 3 });
    // SM_OUTPUT_DATA_DIR is packed as output.tar.gz
    expect(execFileSync('tar', ['-tzf', step('Train', 'artifacts', 'output.tar.gz')]).toString().trim()).toBe('notes.txt');
  });

  test('the registry file: one version with status, artifact and metrics copies, timestamp and definition hash', () => {
    const registry = readJson(path.join(p.workdir, 'local-registry.json'));
    const run = readJson(path.join(p.workdir, 'run.json'));
    const store = path.join(p.workdir, 'local-registry', 'test-models', '1');
    expect(registry).toEqual([{
      modelPackageGroupName: 'test-models',
      modelPackageVersion: 1,
      modelPackageArn: 'arn:aws:sagemaker:local:000000000000:model-package/test-models/1',
      approvalStatus: 'PendingManualApproval',
      image: '111111111111.dkr.ecr.eu-central-1.amazonaws.com/sklearn:1.4',
      modelDataUrl: path.join(store, 'model', 'model.tar.gz'),
      containers: [{ image: '111111111111.dkr.ecr.eu-central-1.amazonaws.com/sklearn:1.4', modelDataUrl: path.join(store, 'model', 'model.tar.gz') }],
      metricsFile: path.join(store, 'metrics', 'evaluation.json'),
      metrics: { 'metrics.f1.value': 0.9 },
      registeredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      definitionSha256: createHash('sha256').update(fs.readFileSync(p.definition)).digest('hex'),
      pipelineExecutionId: run.pipelineExecutionId,
      stepName: 'Register',
    }]);
    expect(fs.readFileSync(path.join(store, 'model', 'model.tar.gz'))).toEqual(fs.readFileSync(step('Train', 'artifacts', 'model.tar.gz')));
    expect(readJson(path.join(store, 'metrics', 'evaluation.json')).metrics.f1.value).toBe(0.9);
  });

  test('run.json: the summary, with statuses, outputs, the condition and the parameters', () => {
    const run = readJson(path.join(p.workdir, 'run.json'));
    expect(run.status).toBe('Succeeded');
    expect(run.steps.map((s: any) => [s.name, s.status])).toEqual([
      ['Preprocess', 'Succeeded'], ['Train', 'Succeeded'], ['Evaluate', 'Succeeded'], ['Check', 'Succeeded'], ['Register', 'Succeeded'], ['F1TooLow', 'Skipped'],
    ]);
    expect(run.steps[0].outputs).toEqual({ train: step('Preprocess', 'opt/ml/processing/train'), test: step('Preprocess', 'opt/ml/processing/test') });
    expect(run.steps[1].metrics).toEqual({ 'validation:f1': 0.9 });
    expect(run.conditions).toEqual([{
      step: 'Check', outcome: true, branch: 'IfSteps', conditions: [{ type: 'GreaterThanOrEqualTo', outcome: true, text: '0.9 >= 0.7' }],
    }]);
    expect(run.parameters).toEqual({
      InputData: 's3://test-bucket/raw/welds', Quality: 0.9, Threshold: 0.7, TrainMode: 'ok', MaxRuntime: 120, ApprovalStatus: 'PendingManualApproval',
    });
    expect(run.python).toEqual({ command: PYTHON, version: expect.stringMatching(/^3\.\d+\.\d+/) });
    expect(run.failure).toBeUndefined();
  });
});

test('metric below the threshold (--param Threshold=0.95): the Fail step stops the run with its message, exit 5, nothing registered', async () => {
  const p = project();
  const r = await pipelineLocal(p, '--param', 'Threshold=0.95');
  expect(r.code).toBe(5);
  const progress = lines(r.stderr);
  expect(progress[3]).toMatch(/^\[4\/6\] Check \(Condition\) \.\.\. ok in \d+\.\ds: false \(0\.9 >= 0\.95\) -> ElseSteps F1TooLow$/);
  expect(progress[4]).toBe('[5/6] Register (RegisterModel) ... skipped: in the IfSteps of "Check", which chose ElseSteps');
  expect(progress[5]).toMatch(/^\[6\/6\] F1TooLow \(Fail\) \.\.\. failed in \d+\.\ds: f1 below 0\.95$/);
  expect(progress[6]).toBe('error: the pipeline failed: Fail step "F1TooLow" ran: f1 below 0.95');
  expect(lines(r.stdout)[0]).toBe('✘ pipeline-definition failed at step F1TooLow (Fail): f1 below 0.95');
  expect(r.stdout).toContain('  condition Check: false (0.9 >= 0.95) -> ElseSteps');
  expect(fs.existsSync(path.join(p.workdir, 'local-registry.json'))).toBe(false);
  const run = readJson(path.join(p.workdir, 'run.json'));
  expect(run.status).toBe('Failed');
  expect(run.failure).toEqual({ step: 'F1TooLow', type: 'Fail', message: 'f1 below 0.95', failStep: true });
});

test('--json: the summary on stdout; a second run registers version 2 with the approval status given as a parameter', async () => {
  const p = project();
  const first = await pipelineLocal(p, '--json', '--quiet');
  expect(first.code).toBe(0);
  expect(first.stderr).toBe('');
  const summary = JSON.parse(first.stdout);
  expect(summary).toMatchObject({ schemaVersion: 1, status: 'Succeeded', pipelineName: 'pipeline-definition', registered: [{ modelPackageVersion: 1 }] });
  expect(summary.error).toBeUndefined();

  const second = await pipelineLocal(p, '--json', '--quiet', '--param', 'ApprovalStatus=Approved', '--param', 'Quality=0.8');
  expect(second.code).toBe(0);
  expect(JSON.parse(second.stdout).registered).toEqual([expect.objectContaining({ modelPackageVersion: 2, approvalStatus: 'Approved', metrics: { 'metrics.f1.value': 0.8 } })]);
  const registry = readJson(path.join(p.workdir, 'local-registry.json'));
  expect(registry.map((e: any) => [e.modelPackageGroupName, e.modelPackageVersion, e.approvalStatus])).toEqual([
    ['test-models', 1, 'PendingManualApproval'],
    ['test-models', 2, 'Approved'],
  ]);
  expect(registry[0].pipelineExecutionId).not.toBe(registry[1].pipelineExecutionId);
  // version 1 keeps its own artifact although the second run replaced the step folders
  expect(fs.existsSync(registry[0].modelDataUrl)).toBe(true);
  expect(registry[0].modelDataUrl).not.toBe(registry[1].modelDataUrl);

  const failed = await pipelineLocal(p, '--json', '--quiet', '--param', 'Quality=0.1');
  expect(failed.code).toBe(5);
  expect(JSON.parse(failed.stdout)).toMatchObject({
    status: 'Failed',
    registered: [],
    error: { code: 'PIPELINE_FAILED', message: 'the pipeline failed: Fail step "F1TooLow" ran: f1 below 0.7', exitCode: 5 },
  });
});

test('--registry: a registry file elsewhere, shared by runs of two working directories', async () => {
  const p = project();
  const registry = path.join(p.dir, 'registry', 'models.json');
  expect((await pipelineLocal(p, '--quiet', '--registry', 'registry/models.json')).code).toBe(0);
  expect((await pipelineLocal(p, '--quiet', '--registry', 'registry/models.json', '--workdir', 'other-run')).code).toBe(0);
  expect(readJson(registry).map((e: any) => e.modelPackageVersion)).toEqual([1, 2]);
  expect(fs.existsSync(path.join(p.dir, 'registry', 'models', 'test-models', '2', 'model', 'model.tar.gz'))).toBe(true);
  expect(fs.existsSync(path.join(p.dir, 'other-run', 'Train', 'artifacts', 'model.tar.gz'))).toBe(true);
});

test('a failing training script: exit 5, the failure file as the reason, the log tail on stderr, later steps not run', async () => {
  const p = project();
  const r = await pipelineLocal(p, '--param', 'TrainMode=fail');
  expect(r.code).toBe(5);
  const err = lines(r.stderr);
  expect(err[0]).toMatch(/^\[1\/6\] Preprocess .* ok in/);
  expect(err[1]).toMatch(/^\[2\/6\] Train \(Training\) \.\.\. failed in \d+\.\ds: step "Train": train\.py exited with code 3: quality data missing: the train channel is empty \(log: \.pipeline-local\/Train\/log\.txt\)$/);
  expect(err).toHaveLength(5);
  expect(err[2]).toBe('error: the pipeline failed at step "Train" (Training): step "Train": train.py exited with code 3: quality data missing: the train channel is empty (log: .pipeline-local/Train/log.txt)');
  expect(err[3]).toBe('last lines of .pipeline-local/Train/log.txt:');
  expect(err[4]).toBe('  | about to fail');
  const run = readJson(path.join(p.workdir, 'run.json'));
  expect(run.steps.map((s: any) => s.status)).toEqual(['Succeeded', 'Failed', 'NotRun', 'NotRun', 'NotRun', 'NotRun']);
  expect(run.steps[2].detail).toBe('the run stopped at step "Train"');
  expect(fs.existsSync(path.join(p.workdir, 'Evaluate'))).toBe(false);
});

test('StoppingCondition.MaxRuntimeInSeconds (an Integer parameter) stops a step that runs too long: exit 5', async () => {
  const p = project();
  const started = Date.now();
  const r = await pipelineLocal(p, '--quiet', '--param', 'TrainMode=sleep', '--param', 'MaxRuntime=1');
  expect(r.code).toBe(5);
  expect(r.stderr).toContain('error: the pipeline failed at step "Train" (Training): step "Train": stopped after MaxRuntimeInSeconds (1 s)');
  expect(Date.now() - started).toBeLessThan(20_000);
});

test('parameters are typed per their declaration; every mistake is listed, exit 1, nothing runs', async () => {
  const p = project();
  const r = await pipelineLocal(p, '--param', 'Threshold=high', '--param', 'Treshold=1', '--param', 'ApprovalStatus=approved', '--param', 'Quality', '--param', 'MaxRuntime=1.5');
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  expect(lines(r.stderr)).toEqual([
    'error: invalid pipeline parameters (5 problems):',
    '  - --param Treshold: the definition has no parameter "Treshold"; did you mean "Threshold"? (its parameters: InputData, Quality, Threshold, TrainMode, MaxRuntime, ApprovalStatus)',
    '  - --param "Quality" must be NAME=VALUE',
    '  - --param Threshold=high: Threshold is a Float parameter; write a number',
    '  - --param MaxRuntime=1.5: MaxRuntime is an Integer parameter; write a whole number',
    '  - --param ApprovalStatus=approved: write one of PendingManualApproval, Approved; did you mean "Approved"?',
  ]);
  expect(fs.existsSync(p.workdir)).toBe(false);
  const json = await pipelineLocal(p, '--json', '--param', 'Threshold=high');
  expect(JSON.parse(json.stdout).error).toEqual({
    code: 'INVALID_PARAMETER',
    message: 'invalid pipeline parameters: --param Threshold=high: Threshold is a Float parameter; write a number',
    problems: ['--param Threshold=high: Threshold is a Float parameter; write a number'],
    exitCode: 1,
  });
});

test('an input that is not on this machine: exit 5 with where to put it; a local path as the parameter value works', async () => {
  const p = project();
  fs.renameSync(path.join(p.dir, 'data'), path.join(p.dir, 'elsewhere'));
  const missing = await pipelineLocal(p);
  expect(missing.code).toBe(5);
  expect(missing.stderr).toContain(
    'error: the pipeline failed at step "Preprocess" (Processing): step "Preprocess": input "raw": s3://test-bucket/raw/welds is not on this machine: '
    + 'put the data at data/raw/welds (--data-dir maps s3://<bucket>/<key> to <data-dir>/<key>), or pass --param InputData=<local path>',
  );
  const local = await pipelineLocal(p, '--quiet', '--param', 'InputData=elsewhere/raw/welds/part-0.csv');
  expect(local.code).toBe(0);
  expect(readJson(path.join(p.workdir, 'Preprocess/opt/ml/processing/train/seen.json')).inputs).toEqual(['part-0.csv']);
  const dataDir = await pipelineLocal(p, '--quiet', '--data-dir', 'elsewhere');
  expect(dataDir.code).toBe(0);
  const notThere = await pipelineLocal(p, '--quiet', '--param', 'InputData=no/such/dir');
  expect(notThere.code).toBe(5);
  expect(notThere.stderr).toContain('input "raw": no/such/dir does not exist, or pass --param InputData=<local path>');
});

test('this machine cannot run it: no python, no code directory, a script missing; exit 1, nothing runs', async () => {
  const p = project();
  fs.rmSync(path.join(p.dir, 'code', 'evaluate.py'));
  const base = ['pipeline', 'local', '--definition', 'pipeline-definition.json', '--code-dir', 'code'];
  const r = await cli(p.dir, [...base, '--python', path.join(p.dir, 'no-python')]);
  expect(r.code).toBe(1);
  expect(lines(r.stderr)).toEqual([
    'error: the pipeline cannot run on this machine (2 problems):',
    `  - the Python interpreter "${path.join(p.dir, 'no-python')}" does not run (not found): pass --python PATH or set MLOPS_PYTHON`,
    '  - step "Evaluate": the code s3://test-bucket/code/evaluate.py names evaluate.py, which is not in the code directory code (nor code/src): pass --code-dir DIR',
  ]);
  const noCode = await cli(p.dir, ['pipeline', 'local', '--definition', 'pipeline-definition.json', '--python', PYTHON, '--code-dir', 'no-such-dir']);
  expect(noCode.code).toBe(1);
  expect(noCode.stderr).toContain('the code directory no-such-dir does not exist: pass --code-dir DIR');
  expect(fs.existsSync(p.workdir)).toBe(false);
});

test('scripts in <code-dir>/src are found (the use-case template keeps them in ml/src)', async () => {
  const p = project();
  fs.renameSync(path.join(p.dir, 'code'), path.join(p.dir, 'src'));
  fs.mkdirSync(path.join(p.dir, 'code'));
  fs.renameSync(path.join(p.dir, 'src'), path.join(p.dir, 'code', 'src'));
  const r = await pipelineLocal(p, '--quiet');
  expect(r.code).toBe(0);
  expect(fs.readdirSync(path.join(p.workdir, 'Train/opt/ml/code')).sort()).toEqual(['evaluate.py', 'preprocess.py', 'train.py']);
});

test('MLOPS_PYTHON chooses the interpreter when --python is not given', async () => {
  const p = project();
  const base = ['pipeline', 'local', '--definition', 'pipeline-definition.json', '--code-dir', 'code', '--quiet'];
  const wrong = await cli(p.dir, base, { MLOPS_PYTHON: '/no/such/python' });
  expect(wrong.code).toBe(1);
  expect(wrong.stderr).toContain('the Python interpreter "/no/such/python" does not run');
  const right = await cli(p.dir, base, { MLOPS_PYTHON: PYTHON });
  expect(right.code).toBe(0);
  expect(readJson(path.join(p.workdir, 'Preprocess/opt/ml/processing/train/seen.json')).executable).toBe(PYTHON);
});

test('the working directory must belong to pipeline local; each run replaces the step folders', async () => {
  const p = project();
  fs.mkdirSync(p.workdir);
  fs.writeFileSync(path.join(p.workdir, 'notes.txt'), 'mine');
  const r = await pipelineLocal(p);
  expect(r.code).toBe(1);
  expect(r.stderr).toBe('error: the working directory cannot be used: --workdir .pipeline-local is not empty and was not created by "pipeline local"; choose a new or empty directory');
  const here = await pipelineLocal(p, '--workdir', '.');
  expect(here.stderr).toContain('--workdir . holds the current directory; choose a directory of its own, e.g. .pipeline-local');

  // a step folder must not replace the registry (a step may be named like the registry's folder)
  const clash = await pipelineLocal(p, '--registry', '.pipeline-local/Train.json');
  expect(clash.stderr).toContain('step "Train": its folder .pipeline-local/Train would replace the local registry .pipeline-local/Train.json; pass --registry FILE elsewhere');

  fs.rmSync(p.workdir, { recursive: true });
  expect((await pipelineLocal(p, '--quiet')).code).toBe(0);
  fs.writeFileSync(path.join(p.workdir, 'Train', 'stale.txt'), 'from an earlier run');
  expect((await pipelineLocal(p, '--quiet')).code).toBe(0);
  expect(fs.existsSync(path.join(p.workdir, 'Train', 'stale.txt'))).toBe(false);
  expect(fs.existsSync(path.join(p.workdir, '.mlops-pipeline-local'))).toBe(true);
});

test('the help of the command lists every option; --definition is required (exit 1)', async () => {
  const usage = 'mlops-blueprint pipeline local --definition FILE [--workdir DIR] [--param NAME=VALUE ...] [--python PATH] [--code-dir DIR] '
    + '[--data-dir DIR] [--registry FILE] [--entry-point STEP=SCRIPT ...] [--dockerfile PATH] [--requirements PATH]';
  const help = await cli(process.cwd(), ['pipeline', 'local', '--help']);
  expect(help.code).toBe(0);
  expect(help.stdout).toContain(`Usage: ${usage}`);
  expect(help.stdout).toContain('  --param NAME=VALUE         a pipeline parameter, typed per its declaration (default: its DefaultValue) (repeatable)');
  const missing = await cli(process.cwd(), ['pipeline', 'local']);
  expect(missing).toEqual({ code: 1, stdout: '', stderr: `error: "pipeline local" needs --definition FILE\nusage: ${usage}` });
  const program = await cli(process.cwd(), ['--help']);
  expect(program.stdout).toContain('  5  a check or a run failed (deploy check-pin, deploy smoke-test, pipeline local)');
});

test('the builder definition is what the runner reads (sanity: Version and step types)', () => {
  const d = sampleDefinition();
  expect(d.Version).toBe('2020-12-01');
  expect(d.Steps.map((s: any) => s.Type)).toEqual(['Condition', 'Processing', 'Training', 'Processing']);
});
