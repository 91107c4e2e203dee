/**
 * `pipeline local --dockerfile --requirements`: the preflight compares the images of the steps with
 * this machine, with the real local Python (a small venv whose one distribution the tests control),
 * and vermin for the code of steps on AWS framework images.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cleanUp, cli, project, Project, PYTHON, REPO_ROOT, sampleDefinition } from './helpers';
import { checkParity, LocalPipelineError, runLocalPipeline } from '../../../src/runtime/local-pipeline';
import { NO_PARITY_NOTICE } from '../../../src/runtime/local-pipeline/command';

/** vermin: `$VERMIN`, or `<repo>/.venv/bin/vermin` (scripts/setup.sh installs requirements-dev.txt there). */
const VERMIN = process.env.VERMIN ?? path.join(REPO_ROOT, '.venv', 'bin', 'vermin');
const SKLEARN_1_2 = '492215442770.dkr.ecr.eu-central-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3';
const DIGEST = 'sha256:' + 'b'.repeat(64);

let venv: string;
let venvPython: string;
let minor: string;
let version: string;

beforeAll(() => {
  if (!fs.existsSync(VERMIN)) throw new Error(`vermin not found at ${VERMIN}: run scripts/setup.sh (it installs requirements-dev.txt into .venv) or set VERMIN`);
  // a venv without pip: its only distribution is the one written here, so the tests decide what is installed
  venv = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-parity-venv-'));
  execFileSync(PYTHON, ['-m', 'venv', '--without-pip', venv]);
  venvPython = path.join(venv, 'bin', 'python');
  version = execFileSync(venvPython, ['-c', 'import sys; print(sys.version.split()[0])']).toString().trim();
  minor = version.split('.').slice(0, 2).join('.');
  const site = execFileSync(venvPython, ['-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])']).toString().trim();
  const distInfo = path.join(site, 'demo_pkg-1.2.3.dist-info');
  fs.mkdirSync(distInfo, { recursive: true });
  fs.writeFileSync(path.join(distInfo, 'METADATA'), 'Metadata-Version: 2.1\nName: Demo_Pkg\nVersion: 1.2.3\n');
});
afterAll(() => {
  cleanUp();
  fs.rmSync(venv, { recursive: true, force: true });
});

const DOCKERFILE = (base: string, extra = '') => [
  `ARG BASE_IMAGE=public.ecr.aws/docker/library/${base}@${DIGEST}`,
  'FROM --platform=linux/amd64 ${BASE_IMAGE}',
  'WORKDIR /opt/ml/code',
  'COPY requirements.txt .',
  `RUN pip install --no-cache-dir \\\n    -r requirements.txt${extra}`,
  '',
].join('\n');

/** A project with ml/Dockerfile and ml/requirements.txt beside the stub code. */
function parityProject(dockerfile: string, requirements: string, definition: any = sampleDefinition()): Project {
  const p = project(definition);
  fs.mkdirSync(path.join(p.dir, 'ml'));
  fs.writeFileSync(path.join(p.dir, 'ml', 'Dockerfile'), dockerfile);
  fs.writeFileSync(path.join(p.dir, 'ml', 'requirements.txt'), requirements);
  return p;
}

const PARITY = ['--dockerfile', 'ml/Dockerfile', '--requirements', 'ml/requirements.txt'];

function run(p: Project, args: string[] = PARITY, env: Record<string, string> = {}) {
  return cli(p.dir, ['pipeline', 'local', '--definition', 'pipeline-definition.json', '--code-dir', 'code', '--python', venvPython, '--quiet', ...args], env);
}

function problems(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.startsWith('  - ')).map((l) => l.slice(4));
}

test('the same Python minor and exactly the requirements: the run goes ahead (real python, real venv)', async () => {
  const p = parityProject(DOCKERFILE(`python:${minor}-slim`), '# runtime\nDemo-Pkg==1.2.3\n');
  const r = await run(p);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
});

test('a different Python minor in the Dockerfile: exit 1 naming both sides', async () => {
  const other = `3.${Number(minor.split('.')[1]) + 1}`;
  const p = parityProject(DOCKERFILE(`python:${other}.1-slim-bookworm`), 'demo-pkg==1.2.3\n');
  const r = await run(p);
  expect(r.code).toBe(1);
  expect(r.stderr).toBe('error: the pipeline cannot run on this machine: '
    + `ml/Dockerfile builds on Python ${other} (python:${other}.1-slim-bookworm), the local run uses Python ${version} (${venvPython}): `
    + `run with a Python ${other} interpreter (--python or MLOPS_PYTHON; recreate the venv with it) or build on Python ${minor}`);
  expect(fs.existsSync(p.workdir)).toBe(false);
});

test('a base whose Python is not in its name, an extra pip install, another requirements file: one problem each', async () => {
  const p = parityProject(['FROM ubuntu:24.04 AS build', 'FROM build', 'COPY requirements.txt .',
    'RUN pip install -r requirements.txt xgboost==2.0.3 && pip install -r requirements-dev.txt', ''].join('\n'), 'demo-pkg==1.2.3\n');
  const r = await run(p);
  expect(r.code).toBe(1);
  expect(problems(r.stderr)).toEqual([
    'ml/Dockerfile builds on ubuntu:24.04 (FROM build), whose Python version is not in its name: build on an official Python image whose tag names the minor version, '
      + 'e.g. ARG BASE_IMAGE=public.ecr.aws/docker/library/python:3.11-slim@sha256:<digest> then FROM ${BASE_IMAGE}',
    'ml/Dockerfile line 4 installs xgboost==2.0.3 beside ml/requirements.txt: put it in ml/requirements.txt (name==version), so that the local run has it too, and install only -r requirements.txt',
    'ml/Dockerfile line 4 installs -r requirements-dev.txt, which is not ml/requirements.txt: the image installs exactly ml/requirements.txt',
  ]);
});

test('a requirement missing locally and one at another version: both named with the required and the installed version', async () => {
  const p = parityProject(DOCKERFILE(`python:${minor}-slim`), 'demo-pkg==1.2.4\nnumpy==2.4.6\n');
  const r = await run(p);
  expect(r.code).toBe(1);
  expect(problems(r.stderr)).toEqual([
    `ml/requirements.txt requires demo-pkg==1.2.4, ${venvPython} has demo-pkg 1.2.3: install exactly ml/requirements.txt (pip install -r ml/requirements.txt)`,
    `ml/requirements.txt requires numpy==2.4.6, which is not installed in ${venvPython}: install exactly ml/requirements.txt (pip install -r ml/requirements.txt)`,
  ]);
});

describe('a step on an AWS framework image', () => {
  function frameworkProject(): Project {
    const definition = sampleDefinition();
    const train = definition.Steps.find((s: any) => s.Name === 'Train');
    train.Arguments.AlgorithmSpecification.TrainingImage = SKLEARN_1_2;
    const p = parityProject(DOCKERFILE(`python:${minor}-slim`), 'demo-pkg==1.2.3\n', definition);
    fs.writeFileSync(path.join(p.dir, 'code', 'features.py'), 'def first(x: list[int] | None) -> int | None:\n    return x[0] if x else None\n');
    return p;
  }
  const withVermin = () => ({ PATH: `${path.dirname(VERMIN)}:${process.env.PATH}` });

  test('whose Python is older than the code needs (vermin): exit 1 naming the image, its Python, the code and the feature', async () => {
    const p = frameworkProject();
    const r = await run(p, PARITY, withVermin());
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: the pipeline cannot run on this machine: '
      + `step "Train": image ${SKLEARN_1_2} has Python 3.9, the code in code needs Python ≥3.10 (vermin: code/features.py:1: union types as \`X | Y\`): `
      + 'use the use case\'s image (ml/Dockerfile) or a framework image with Python ≥3.10');
  });

  test('vermin not installed: a problem saying how to install it, not a silent pass', async () => {
    const p = frameworkProject();
    const r = await run(p, PARITY, { PATH: '/usr/bin:/bin' });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: the pipeline cannot run on this machine: '
      + `vermin is not installed (neither ${venvPython} -m vermin nor vermin on the PATH), and it finds the minimum Python of the code of step "Train", `
      + 'which runs on a framework image: add vermin==1.9.2 to ml/requirements-dev.txt and install it (npx projen ml:install), or pip install vermin');
  });

  test('vermin as the script beside the interpreter (pip installs it into ml/.venv/bin; vermin 1.9 has no `-m vermin`) is found off the PATH', async () => {
    const p = frameworkProject();
    const script = path.join(path.dirname(venvPython), 'vermin');
    fs.writeFileSync(script, `#!/bin/sh\nexec ${JSON.stringify(VERMIN)} "$@"\n`, { mode: 0o755 });
    try {
      const r = await run(p, PARITY, { PATH: '/usr/bin:/bin' });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`step "Train": image ${SKLEARN_1_2} has Python 3.9, the code in code needs Python ≥3.10 (vermin: code/features.py:1: `);
    } finally {
      fs.rmSync(script);
    }
  });

  test('an image given as a pipeline parameter: its default (the own image) passes, --param with a framework image is checked', async () => {
    const definition = sampleDefinition();
    definition.Parameters.push({ Name: 'ImageUri', Type: 'String', DefaultValue: `111111111111.dkr.ecr.eu-central-1.amazonaws.com/mlops/weld-quality@${DIGEST}` });
    definition.Steps.find((s: any) => s.Name === 'Train').Arguments.AlgorithmSpecification.TrainingImage = { Get: 'Parameters.ImageUri' };
    const p = parityProject(DOCKERFILE(`python:${minor}-slim`), 'demo-pkg==1.2.3\n', definition);
    fs.writeFileSync(path.join(p.dir, 'code', 'features.py'), 'def first(x: int | None) -> int | None:\n    return x\n');
    expect((await run(p, PARITY, withVermin())).code).toBe(0);
    const r = await run(p, [...PARITY, '--param', `ImageUri=${SKLEARN_1_2}`], withVermin());
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`step "Train": image ${SKLEARN_1_2} has Python 3.9, the code in code needs Python ≥3.10`);
  });

  test('the use case template\'s own code (templates/usecase/ml/src) cannot run on scikit-learn 1.2-1 (Python 3.9)', () => {
    const code = path.join(REPO_ROOT, 'templates', 'usecase', 'ml', 'src');
    const found = checkParity({
      dockerfile: path.join(REPO_ROOT, 'ml', 'Dockerfile'),
      python: venvPython,
      pythonVersion: version,
      env: withVermin(),
      steps: [{ name: 'Train', image: SKLEARN_1_2, code: [code] }],
      shown: (f) => path.relative(REPO_ROOT, f),
    });
    expect(found).toEqual([expect.stringMatching(new RegExp(`^step "Train": image ${SKLEARN_1_2.replace(/[.]/g, '\\.')} has Python 3\\.9, `
      + 'the code in templates/usecase/ml/src needs Python ≥3\\.1\\d \\(vermin: templates/usecase/ml/src/\\w+\\.py:\\d+: .+\\): '
      + 'use the use case\'s image \\(ml/Dockerfile\\) or a framework image with Python ≥3\\.1\\d$'))]);
  });

  test('the framework lookup is injected: a Python new enough passes, an image it does not know is refused', async () => {
    const p = frameworkProject();
    const options = {
      definitionFile: p.definition,
      workdir: p.workdir,
      cwd: p.dir,
      python: venvPython,
      codeDir: path.join(p.dir, 'code'),
      dataDir: path.join(p.dir, 'data'),
      registryFile: path.join(p.workdir, 'registry.json'),
      env: withVermin(),
      dockerfile: path.join(p.dir, 'ml', 'Dockerfile'),
    };
    const ok = await runLocalPipeline({ ...options, frameworkImagePython: (uri) => (uri.includes('sagemaker-scikit-learn') ? '3.11' : undefined) });
    expect(ok.status).toBe('Succeeded');
    const unknown = await runLocalPipeline({ ...options, frameworkImagePython: () => undefined }).catch((e) => e);
    expect(unknown).toBeInstanceOf(LocalPipelineError);
    expect(unknown.problems).toEqual([`step "Train": image ${SKLEARN_1_2} is an AWS framework image whose Python is not known here: use the use case's image (ml/Dockerfile)`]);
  });
});

test('without --dockerfile: the old behaviour with a one-line notice in the summary; --requirements alone is refused', async () => {
  const p = parityProject(DOCKERFILE('python:3.0-slim'), 'numpy==0.0.1\n');
  const r = await cli(p.dir, ['pipeline', 'local', '--definition', 'pipeline-definition.json', '--code-dir', 'code', '--python', venvPython]);
  expect(r.code).toBe(0);
  expect(r.stdout.split('\n').slice(-2)[0]).toBe(NO_PARITY_NOTICE);
  const alone = await run(p, ['--requirements', 'ml/requirements.txt']);
  expect(alone).toEqual({ code: 1, stdout: '', stderr: 'error: --requirements needs --dockerfile (the image that installs it)' });
});
