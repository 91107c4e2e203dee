/**
 * The parts of the local runner on their own: the tar writer (checked with the system's tar and with
 * Python's tarfile), the /opt/ml path mapping, property paths, value resolution and conditions.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PYTHON } from './helpers';
import { evaluateCondition } from '../../../src/runtime/local-pipeline/conditions';
import { Json } from '../../../src/runtime/local-pipeline/definition';
import { StepFailure } from '../../../src/runtime/local-pipeline/errors';
import { mapContainerPath, rewriteOptMl } from '../../../src/runtime/local-pipeline/files';
import { parseParameters } from '../../../src/runtime/local-pipeline/runner';
import { packTarGz } from '../../../src/runtime/local-pipeline/tar';
import { lookupPath, Resolver, StepRecord } from '../../../src/runtime/local-pipeline/values';

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-local-parts-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('packTarGz', () => {
  test('nested folders, an empty folder, a symlink, names longer than 100 and than 255 characters, a binary file', async () => {
    const dir = path.join(tmp, 'model');
    const long = `${'a'.repeat(60)}/${'b'.repeat(80)}/${'c'.repeat(90)}.txt`; // needs the ustar prefix
    const veryLong = `${'d'.repeat(120)}/${'e'.repeat(120)}.bin`; // needs a PAX header
    const files: Record<string, Buffer> = {
      'model.joblib': Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251)),
      'code/inference.py': Buffer.from('def model_fn(d):\n    return d\n'),
      [long]: Buffer.from('long'),
      [veryLong]: Buffer.alloc(512, 7),
      'empty.txt': Buffer.alloc(0),
    };
    for (const [name, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), content);
    }
    fs.mkdirSync(path.join(dir, 'empty-dir'));
    fs.symlinkSync('model.joblib', path.join(dir, 'latest'));
    fs.chmodSync(path.join(dir, 'code/inference.py'), 0o755);
    const archive = path.join(tmp, 'out', 'model.tar.gz');
    expect(await packTarGz(dir, archive)).toBe(11);

    // directories before their contents, names sorted, relative to the model directory
    expect(execFileSync('tar', ['-tzf', archive]).toString().trim().split('\n')).toEqual([
      `${'a'.repeat(60)}/`, `${'a'.repeat(60)}/${'b'.repeat(80)}/`, long,
      'code/', 'code/inference.py',
      `${'d'.repeat(120)}/`, veryLong,
      'empty-dir/', 'empty.txt', 'latest', 'model.joblib',
    ]);

    // Python's tarfile reads the same members with the same bytes, modes and link
    const script = [
      'import json, sys, tarfile',
      'with tarfile.open(sys.argv[1]) as t:',
      '    out = {}',
      '    for m in t.getmembers():',
      '        data = t.extractfile(m).read().hex() if m.isfile() else None',
      '        out[m.name] = {"type": m.type.decode(), "mode": m.mode, "link": m.linkname, "data": data}',
      'print(json.dumps(out))',
    ].join('\n');
    const members = JSON.parse(execFileSync(PYTHON, ['-c', script, archive]).toString());
    for (const [name, content] of Object.entries(files)) expect({ name, data: members[name].data }).toEqual({ name, data: content.toString('hex') });
    expect(members['code/inference.py'].mode).toBe(0o755);
    expect(members.latest).toMatchObject({ type: '2', link: 'model.joblib' });
    expect(members['empty-dir'].type).toBe('5');
  });

  test('an empty model directory is a valid, empty archive', async () => {
    const dir = path.join(tmp, 'empty-model');
    fs.mkdirSync(dir);
    const archive = path.join(tmp, 'empty.tar.gz');
    expect(await packTarGz(dir, archive)).toBe(0);
    expect(execFileSync('tar', ['-tzf', archive]).toString()).toBe('');
  });
});

describe('/opt/ml paths', () => {
  test('container paths map into the step root; arguments and values under /opt/ml are rewritten, others are not', () => {
    expect(mapContainerPath('/w/Train', '/opt/ml/input/data/train')).toBe('/w/Train/opt/ml/input/data/train');
    expect(rewriteOptMl('/w/S', '/opt/ml/processing/input')).toBe('/w/S/opt/ml/processing/input');
    expect(rewriteOptMl('/w/S', '/opt/ml')).toBe('/w/S/opt/ml');
    expect(rewriteOptMl('/w/S', '--output=/opt/ml/processing/out')).toBe('--output=/w/S/opt/ml/processing/out');
    expect(rewriteOptMl('/w/S', '-o=/opt/ml/x')).toBe('-o=/w/S/opt/ml/x');
    for (const keep of ['/opt/mlflow', '/tmp/opt/ml/x', 'opt/ml/x', '--test-split', '0.2', 's3://bucket/opt/ml', '--x=/opt/mlx']) {
      expect(rewriteOptMl('/w/S', keep)).toBe(keep);
    }
  });
});

describe('property paths', () => {
  const props: Json = {
    ProcessingOutputConfig: { Outputs: [{ OutputName: 'train', S3Output: { S3Uri: '/w/train' } }, { OutputName: 'test', S3Output: { S3Uri: '/w/test' } }] },
    FinalMetricDataList: [{ MetricName: 'validation:f1', Value: 0.9 }],
    ModelArtifacts: { S3ModelArtifacts: '/w/model.tar.gz' },
  };
  test.each([
    ["ProcessingOutputConfig.Outputs['test'].S3Output.S3Uri", '/w/test'],
    ['ProcessingOutputConfig.Outputs["train"].S3Output.S3Uri', '/w/train'],
    ['ProcessingOutputConfig.Outputs[1].S3Output.S3Uri', '/w/test'],
    ["FinalMetricDataList['validation:f1'].Value", 0.9],
    ['ModelArtifacts.S3ModelArtifacts', '/w/model.tar.gz'],
  ])('%s', (p, expected) => expect(lookupPath(props, p)).toEqual(expected));
  test.each([["ProcessingOutputConfig.Outputs['nope'].S3Output"], ['ModelArtifacts.Missing'], ['ModelArtifacts..S3ModelArtifacts'], ['Outputs[x]']])('%s is undefined', (p) => {
    expect(lookupPath(props, p)).toBeUndefined();
  });
});

describe('values and conditions', () => {
  const file = () => {
    const f = path.join(tmp, 'evaluation.json');
    fs.writeFileSync(f, JSON.stringify({ metrics: { f1: { value: 0.82 } }, classes: ['a', 'b'] }));
    return f;
  };
  function resolver(parameters: Record<string, Json> = {}): Resolver {
    const steps = new Map<string, StepRecord>([
      ['Evaluate', { type: 'Processing', status: 'Succeeded', properties: { ProcessingJobStatus: 'Completed' }, propertyFiles: { Report: file() } }],
      ['Tune', { type: 'Tuning', status: 'Succeeded', properties: { BestTrainingJob: { FinalHyperParameterTuningJobObjectiveMetric: { Value: 0.93 } } } }],
      ['Skipped', { type: 'Processing', status: 'Skipped', reason: 'in the ElseSteps of "C", which chose IfSteps' }],
    ]);
    return new Resolver(parameters, (n) => `exec-${n}`, steps);
  }
  const jsonGet = (p: string): Json => ({ 'Std:JsonGet': { PropertyFile: { Get: 'Steps.Evaluate.PropertyFiles.Report' }, Path: p } });
  const failure = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(StepFailure);
      return (e as Error).message;
    }
    throw new Error('no StepFailure');
  };

  test('Get, Std:Join and Std:JsonGet (property file or URI), recorded for the summary', () => {
    const r = resolver({ Threshold: 0.7, Flag: true });
    expect(r.resolve({ 'Std:Join': { On: '/', Values: ['s3://b', { Get: 'Execution.PipelineExecutionId' }, { Get: 'Parameters.Threshold' }, { Get: 'Parameters.Flag' }] } }, 'x'))
      .toBe('s3://b/exec-PipelineExecutionId/0.7/true');
    expect(r.resolve(jsonGet('metrics.f1.value'), 'x')).toBe(0.82);
    expect(r.resolve(jsonGet('$.classes[1]'), 'x')).toBe('b');
    expect(r.resolve({ 'Std:JsonGet': { S3Uri: file(), Path: 'metrics.f1' } }, 'x')).toEqual({ value: 0.82 });
    expect(r.resolve({ Get: 'Steps.Evaluate.ProcessingJobStatus' }, 'x')).toBe('Completed');
    expect(r.jsonGets.map((g) => [g.path, g.value])).toEqual([['metrics.f1.value', 0.82], ['$.classes[1]', 'b'], ['metrics.f1', { value: 0.82 }]]);
  });

  test('what cannot be resolved is a StepFailure that says why', () => {
    const r = resolver();
    expect(failure(() => r.resolve(jsonGet('metrics.auc.value'), 'step "C"'))).toBe(`step "C": Std:JsonGet: "metrics.auc.value" is not in ${path.join(tmp, 'evaluation.json')}`);
    expect(failure(() => r.resolve({ Get: 'Steps.Skipped.ProcessingJobStatus' }, 'step "C"')))
      .toBe('step "C": Steps.Skipped.ProcessingJobStatus refers to step "Skipped", which has not run (in the ElseSteps of "C", which chose IfSteps)');
    expect(failure(() => r.resolve({ Get: 'Steps.Evaluate.ProcessingJobArn' }, 'step "C"'))).toBe('step "C": Steps.Evaluate.ProcessingJobArn has no value locally');
    expect(failure(() => r.resolve({ 'Std:Concat': ['a'] }, 'step "C"'))).toBe('step "C": the function Std:Concat is not supported locally (Std:Join and Std:JsonGet are)');
    expect(failure(() => r.resolve({ 'Std:JsonGet': { S3Uri: 's3://b/eval.json', Path: 'a' } }, 'step "C"')))
      .toBe('step "C": Std:JsonGet reads "s3://b/eval.json", which is not a file of this run');
  });

  test('the conditions of the SDK\'s tuning.json: GreaterThan, LessThanOrEqualTo, Or, Equals, Not, In', () => {
    const tuning = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'pipeline-golden', 'tuning.json'), 'utf-8'));
    const conditions = tuning.Steps.find((s: any) => s.Type === 'Condition').Arguments.Conditions;
    const outcomes = (stage: string) => conditions.map((c: Json) => evaluateCondition(c, resolver({ Stage: stage }), 'x').outcome);
    expect(outcomes('dev')).toEqual([true, true, true]);
    expect(outcomes('int')).toEqual([true, true, false]);
    expect(outcomes('test')).toEqual([true, true, true]);
    expect(evaluateCondition(conditions[2], resolver({ Stage: 'prod' }), 'x').text).toBe('("prod" == "dev") or (not ("prod" in ["int", "prod"]))');
  });

  test('comparisons: numbers (numeric strings too), strings with strings, nothing else', () => {
    const r = resolver();
    const cmp = (Type: string, LeftValue: Json, RightValue: Json) => evaluateCondition({ Type, LeftValue, RightValue }, r, 'x').outcome;
    expect(cmp('GreaterThanOrEqualTo', 0.7, 0.7)).toBe(true);
    expect(cmp('GreaterThan', 0.7, 0.7)).toBe(false);
    expect(cmp('LessThan', '0.5', 0.7)).toBe(true);
    expect(cmp('LessThanOrEqualTo', 2, '2.0')).toBe(true);
    expect(cmp('Equals', 1, '1.0')).toBe(true);
    expect(cmp('Equals', 'a', 'a')).toBe(true);
    expect(cmp('Equals', true, 'true')).toBe(false);
    expect(cmp('GreaterThan', '2026-01-02T00:00:00Z', '2026-01-01T00:00:00Z')).toBe(true);
    expect(failure(() => cmp('GreaterThan', 'high', 0.5))).toBe('x: GreaterThan compares numbers (or two strings), not "high" and 0.5');
  });

  test('parameters: Boolean and String overrides, the default when not given, a value containing "="', () => {
    const declared = [
      { name: 'Flag', type: 'Boolean' as const, defaultValue: false },
      { name: 'Uri', type: 'String' as const, defaultValue: 's3://b/x' },
      { name: 'Count', type: 'Integer' as const, defaultValue: 1 },
    ];
    expect(parseParameters(declared, ['Flag=TRUE', 'Uri=a=b'])).toEqual({ Flag: true, Uri: 'a=b', Count: 1 });
    expect(() => parseParameters([{ name: 'Needed', type: 'Float' }], [])).toThrow('parameter "Needed" (Float) has no default value: pass --param Needed=VALUE');
    expect(() => parseParameters(declared, ['Flag=yes'])).toThrow('--param Flag=yes: Flag is a Boolean parameter; write true or false');
    expect(() => parseParameters(declared, ['Count=1', 'Count=2'])).toThrow('--param Count is given more than once');
  });
});
