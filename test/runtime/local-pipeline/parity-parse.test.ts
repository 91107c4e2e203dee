/**
 * The parsers of the parity check: Dockerfiles (ARG defaults, --platform, stages, continuations, pip
 * installs), image tags, requirements files and versions, vermin's parsable output.
 */
import { frameworkImagePython } from '../../../src/constructs/training/framework-image-python';
import { parseDockerfile, pipInstallsOf, pythonOfImage } from '../../../src/runtime/local-pipeline/parity/dockerfile';
import { looksLikeFrameworkImage } from '../../../src/runtime/local-pipeline/parity/framework';
import { compareInstalled, normalizeName, parseRequirements, sameVersion } from '../../../src/runtime/local-pipeline/parity/requirements';
import { parseVerminOutput, versionLess } from '../../../src/runtime/local-pipeline/parity/vermin';

const DIGEST = 'sha256:' + 'a'.repeat(64);

describe('Dockerfile', () => {
  test('ARG default as the base, --platform, continuation lines and comments in them', () => {
    const facts = parseDockerfile([
      '# syntax=docker/dockerfile:1',
      `ARG BASE_IMAGE=public.ecr.aws/docker/library/python:3.11-slim@${DIGEST}`,
      'FROM --platform=linux/amd64 ${BASE_IMAGE}',
      'WORKDIR /opt/ml/code',
      'COPY requirements.txt .',
      'RUN python -m pip install --no-cache-dir \\',
      '    # the pinned requirements only',
      '    -r requirements.txt \\',
      '  && rm -rf /root/.cache',
    ].join('\n'));
    expect(facts.baseImage).toBe(`public.ecr.aws/docker/library/python:3.11-slim@${DIGEST}`);
    expect(facts.pipInstalls).toEqual([{ line: 6, requirementFiles: ['requirements.txt'], packages: [] }]);
  });

  test('multi-stage: the last stage counts, a stage built on an earlier one has its base; quoted ARG, ${X:-default}', () => {
    const facts = parseDockerfile([
      'ARG PY="3.12"',
      'FROM python:${PY}-slim-bookworm AS base',
      'RUN pip wheel -r requirements.txt -w /wheels',
      'FROM base AS final',
      'FROM ${UNSET:-python:3.10-alpine} AS other',
      'FROM final',
      'RUN ["pip", "install", "-r", "/tmp/requirements.txt"]',
    ].join('\n'));
    expect(facts.baseImage).toBe('python:3.12-slim-bookworm');
    expect(facts.pipInstalls).toEqual([{ line: 7, requirementFiles: ['/tmp/requirements.txt'], packages: [] }]);
  });

  test('pip installs: other packages, -e, options with values, pip3.11, pip before install options; not pip wheel', () => {
    expect(pipInstallsOf('pip3.11 --no-cache-dir install -i https://mirror/simple --requirement=requirements.txt xgboost==2.0.3 "pandas>=2" && pip install -e .'))
      .toEqual([{ requirementFiles: ['requirements.txt'], packages: ['xgboost==2.0.3', 'pandas>=2'] }, { requirementFiles: [], packages: ['.'] }]);
    expect(pipInstallsOf('/usr/local/bin/python3 -m pip install --upgrade pip; pip wheel numpy')).toEqual([{ requirementFiles: [], packages: ['pip'] }]);
    expect(pipInstallsOf('apt-get install -y curl')).toEqual([]);
    expect(parseDockerfile('FROM python:3.11-slim\nRUN --mount=type=cache,target=/root/.cache/pip uv pip install --system -r requirements.txt\n').pipInstalls)
      .toEqual([{ line: 2, requirementFiles: ['requirements.txt'], packages: [] }]);
  });

  test.each([
    ['python:3.11-slim', '3.11'],
    ['python:3.11.9-slim-bookworm', '3.11'],
    [`public.ecr.aws/docker/library/python:3.12-slim@${DIGEST}`, '3.12'],
    ['111111111111.dkr.ecr.eu-central-1.amazonaws.com/docker-hub/library/python:3.13rc1-slim', '3.13'],
    ['python:3-slim', undefined],
    [`python@${DIGEST}`, undefined],
    ['ubuntu:22.04', undefined],
    ['localhost:5000/python', undefined],
  ])('the Python of %s is %s', (image, python) => {
    expect(pythonOfImage(image)).toBe(python);
  });
});

describe('framework images', () => {
  test('the default lookup (the catalogue) knows scikit-learn 1.2-1 and PyTorch; AWS-looking names are framework images', () => {
    const sklearn = '492215442770.dkr.ecr.eu-central-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3';
    expect(frameworkImagePython(sklearn)).toBe('3.9');
    expect(frameworkImagePython(`111111111111.dkr.ecr.eu-central-1.amazonaws.com/mlops/weld-quality@${DIGEST}`)).toBeUndefined();
    expect(looksLikeFrameworkImage(sklearn)).toBe(true);
    expect(looksLikeFrameworkImage('763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.3.0-cpu-py311-ubuntu20.04-sagemaker')).toBe(true);
    expect(looksLikeFrameworkImage(`111111111111.dkr.ecr.eu-central-1.amazonaws.com/mlops/weld-quality@${DIGEST}`)).toBe(false);
    expect(looksLikeFrameworkImage('111111111111.dkr.ecr.eu-central-1.amazonaws.com/sklearn:1.4')).toBe(false);
  });
});

describe('requirements', () => {
  test('pins, names per PEP 503, extras, markers, hashes, options; an include is a problem', () => {
    const r = parseRequirements([
      '# runtime',
      '--index-url https://mirror/simple',
      'scikit_learn==1.9.1  # pinned',
      'Pandas[performance] == 3.1.1 ; python_version >= "3.11" \\',
      '    --hash=sha256:abc',
      'numpy>=2',
      '-r more.txt',
    ].join('\n'));
    expect(r.requirements.map((x) => [x.name, x.pinned, x.line])).toEqual([['scikit-learn', '1.9.1', 3], ['pandas', '3.1.1', 4], ['numpy', undefined, 6]]);
    expect(r.problems).toEqual(['line 7 includes another file (-r more.txt): list the packages in this file, so that the image and the local run install the same set']);
    expect(normalizeName('Ruamel.Yaml__Clib')).toBe('ruamel-yaml-clib');
  });

  test('versions: zero padding, local labels, pre-releases', () => {
    expect(sameVersion('2.0', '2.0.0')).toBe(true);
    expect(sameVersion('2.1.0', '2.1.0+cpu')).toBe(true);
    expect(sameVersion('2.1.0+cpu', '2.1.0')).toBe(false);
    expect(sameVersion('1.0rc1', '1.0')).toBe(false);
    expect(sameVersion('1.9.1', '1.9.2')).toBe(false);
  });

  test('installed distributions: missing, different, unpinned present; extras allowed', () => {
    const { requirements } = parseRequirements('scikit-learn==1.9.1\nnumpy==2.4.6\njoblib\npandas\n');
    const problems = compareInstalled(requirements, { scikit_learn: '1.5.0', joblib: '1.4.0', pytest: '9.2.0' }, { requirementsFile: 'ml/requirements.txt', python: 'ml/.venv/bin/python' });
    expect(problems).toEqual([
      'ml/requirements.txt requires scikit-learn==1.9.1, ml/.venv/bin/python has scikit-learn 1.5.0: install exactly ml/requirements.txt (pip install -r ml/requirements.txt)',
      'ml/requirements.txt requires numpy==2.4.6, which is not installed in ml/.venv/bin/python: install exactly ml/requirements.txt (pip install -r ml/requirements.txt)',
      'ml/requirements.txt requires pandas, which is not installed in ml/.venv/bin/python: install exactly ml/requirements.txt (pip install -r ml/requirements.txt)',
    ]);
  });
});

test('vermin --format parsable: per-file minimum, the feature that needs it, parse errors', () => {
  const files = parseVerminOutput([
    '/c/a.py:1::!2:3.0:annotations',
    '/c/a.py:1::!2:3.10:union types as `X | Y`',
    '/c/a.py:::!2:3.10:',
    '/c/b.py:::~2:~3:',
    '/c/bad.py:1:7:~2:~3:error: invalid syntax: def f(:',
    '/c/bad.py:::~2:~3:',
    ':::!2:3.10:',
  ].join('\n'));
  expect(files.get('/c/a.py')).toEqual({ minimum: '3.10', reason: '1: union types as `X | Y`', error: undefined });
  expect(files.get('/c/b.py')).toEqual({ minimum: undefined, reason: undefined, error: undefined });
  expect(files.get('/c/bad.py')?.error).toBe('line 1: invalid syntax: def f(:');
  expect(versionLess('3.9', '3.10')).toBe(true);
  expect(versionLess('3.10', '3.10')).toBe(false);
});
