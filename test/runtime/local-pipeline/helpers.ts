/**
 * Shared setup of the local-pipeline tests: the Python interpreter, a definition built with our
 * builder whose scripts are the stubs in test/fixtures/local-pipeline/code, temporary directories, and
 * the CLI run in-process.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  ConditionStep, ExecutionVariable, FailStep, ParameterFloat, ParameterInteger, ParameterString, PipelineCondition, PipelineDefinition,
  PipelineValue, ProcessingStep, RegisterModelStep, TrainingStep,
} from '../../../src/constructs/training';
import { CliIo, run } from '../../../src/runtime/cli/cli';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'local-pipeline');
export const GOLDEN = path.join(REPO_ROOT, 'test', 'fixtures', 'pipeline-golden');

/** The real interpreter behind `python3` (a pyenv shim costs a shell start per step). */
export const PYTHON = execFileSync('python3', ['-c', 'import sys; print(sys.executable)']).toString().trim();

const ROLE = PipelineValue.fromString('arn:aws:iam::111111111111:role/pipeline');
const IMAGE = PipelineValue.fromString('111111111111.dkr.ecr.eu-central-1.amazonaws.com/sklearn:1.4');
const INSTANCE = PipelineValue.fromString('ml.m5.large');
const BUCKET = 's3://test-bucket';

/**
 * preprocess -> train -> evaluate (property file) -> condition (f1 >= Threshold) -> register / fail,
 * built with `PipelineDefinition`, as the use-case pipeline is.
 */
export function sampleDefinition(): any {
  const inputData = new ParameterString('InputData', { defaultValue: `${BUCKET}/raw/welds` });
  const quality = new ParameterFloat('Quality', { defaultValue: 0.9 });
  const threshold = new ParameterFloat('Threshold', { defaultValue: 0.7 });
  const trainMode = new ParameterString('TrainMode', { defaultValue: 'ok' });
  const maxRuntime = new ParameterInteger('MaxRuntime', { defaultValue: 120 });
  const approval = new ParameterString('ApprovalStatus', { defaultValue: 'PendingManualApproval', enumValues: ['PendingManualApproval', 'Approved'] });
  const runUri = (name: string) => PipelineValue.join('/', [PipelineValue.fromString(`${BUCKET}/runs`), ExecutionVariable.PIPELINE_EXECUTION_ID, PipelineValue.fromString(name)]);

  const preprocess = new ProcessingStep('Preprocess', {
    roleArn: ROLE,
    imageUri: IMAGE,
    instanceType: INSTANCE,
    code: { s3Uri: `${BUCKET}/code/preprocess.py` },
    containerArguments: ['--input-dir', '/opt/ml/processing/input/data', '--train-dir=/opt/ml/processing/train', '--test-dir', '/opt/ml/processing/test']
      .map((a) => PipelineValue.fromString(a)),
    environment: { RUN_ID: ExecutionVariable.PIPELINE_EXECUTION_ID, HINT: PipelineValue.fromString('/opt/ml/processing/test') },
    inputs: [{ inputName: 'raw', s3Uri: inputData.value, localPath: '/opt/ml/processing/input/data' }],
    outputs: [
      { outputName: 'train', s3Uri: runUri('train'), localPath: '/opt/ml/processing/train' },
      { outputName: 'test', s3Uri: runUri('test'), localPath: '/opt/ml/processing/test' },
    ],
  });
  const train = new TrainingStep('Train', {
    roleArn: ROLE,
    trainingImage: IMAGE,
    instanceType: INSTANCE,
    outputPath: PipelineValue.fromString(`${BUCKET}/models`),
    maxRuntimeInSeconds: maxRuntime.value,
    metricDefinitions: [{ name: 'validation:f1', regex: 'validation:f1=([0-9.]+);' }],
    hyperparameters: {
      // as the SageMaker Python SDK writes them: JSON-encoded strings
      sagemaker_program: PipelineValue.fromString('"train.py"'),
      sagemaker_submit_directory: PipelineValue.fromString(`"${BUCKET}/code/sourcedir.tar.gz"`),
      quality: quality.value,
      mode: trainMode.value,
    },
    inputs: [{ channelName: 'train', s3Uri: preprocess.outputS3Uri('train') }],
  });
  const evaluate = new ProcessingStep('Evaluate', {
    roleArn: ROLE,
    imageUri: IMAGE,
    instanceType: INSTANCE,
    code: { s3Uri: `${BUCKET}/code/evaluate.py` },
    containerArguments: [PipelineValue.fromString('--model-dir'), PipelineValue.fromString('/opt/ml/processing/model')],
    inputs: [
      { inputName: 'model', s3Uri: train.modelArtifactsS3Uri(), localPath: '/opt/ml/processing/model' },
      { inputName: 'test', s3Uri: preprocess.outputS3Uri('test'), localPath: '/opt/ml/processing/test' },
    ],
    outputs: [{ outputName: 'evaluation', s3Uri: runUri('evaluation'), localPath: '/opt/ml/processing/evaluation' }],
    propertyFiles: [{ name: 'EvaluationReport', outputName: 'evaluation', filePath: 'evaluation.json' }],
  });
  const register = new RegisterModelStep('Register', {
    modelPackageGroupName: PipelineValue.fromString('test-models'),
    containers: [{ image: IMAGE, modelDataUrl: train.modelArtifactsS3Uri() }],
    supportedContentTypes: ['text/csv'],
    supportedResponseMimeTypes: ['application/json'],
    modelApprovalStatus: approval.value,
    modelMetrics: {
      modelStatistics: {
        contentType: PipelineValue.fromString('application/json'),
        s3Uri: PipelineValue.join('/', [evaluate.outputS3Uri('evaluation'), PipelineValue.fromString('evaluation.json')]),
      },
    },
  });
  const fail = new FailStep('F1TooLow', { errorMessage: PipelineValue.join(' ', [PipelineValue.fromString('f1 below'), threshold.value]) });
  const check = new ConditionStep('Check', {
    conditions: [PipelineCondition.greaterThanOrEqualTo(evaluate.jsonGet('EvaluationReport', 'metrics.f1.value'), threshold.value)],
    ifSteps: [register],
    elseSteps: [fail],
  });
  return new PipelineDefinition({
    pipelineName: 'local-test',
    parameters: [inputData, quality, threshold, trainMode, maxRuntime, approval],
    // listed out of order on purpose: the runner orders by dependencies
    steps: [check, evaluate, train, preprocess],
  }).toJson();
}

/** A temporary project: the stub scripts in code/, the raw data in data/raw/welds/, the definition. */
export interface Project {
  readonly dir: string;
  readonly definition: string;
  readonly workdir: string;
}

const created: string[] = [];

/** Creates a temporary project with `definition` (default: `sampleDefinition()`). */
export function project(definition: any = sampleDefinition(), codeFixture = 'code'): Project {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-local-pipeline-'));
  created.push(dir);
  fs.cpSync(path.join(FIXTURES, codeFixture), path.join(dir, 'code'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'data', 'raw', 'welds'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'data', 'raw', 'welds', 'part-0.csv'), 'gun,current\nWG-1,10.5\nWG-2,11.0\n');
  const file = path.join(dir, 'pipeline-definition.json');
  fs.writeFileSync(file, JSON.stringify(definition, undefined, 2));
  return { dir, definition: file, workdir: path.join(dir, '.pipeline-local') };
}

/** Removes the temporary projects. */
export function cleanUp(): void {
  for (const d of created.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/** The result of a CLI run. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `mlops-blueprint pipeline local ...` in-process in the project's directory, with the test's Python. */
export async function pipelineLocal(p: Project, ...args: string[]): Promise<CliResult> {
  return cli(p.dir, ['pipeline', 'local', '--definition', 'pipeline-definition.json', '--code-dir', 'code', '--python', PYTHON, ...args]);
}

/** Runs the CLI in-process in `cwd` with exactly these arguments (and PATH, HOME and `env` as its environment). */
export async function cli(cwd: string, argv: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, cwd };
  const code = await run(argv, io);
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

/** Reads a JSON file. */
export function readJson(file: string): any {
  return JSON.parse(fs.readFileSync(file, 'utf-8'));
}
