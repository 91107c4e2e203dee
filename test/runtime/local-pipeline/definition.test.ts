/**
 * `pipeline local` on SDK-shaped definitions (the golden files of the SageMaker Python SDK), on
 * definitions it refuses (cycles, unknown references, unsupported step types), on Lambda and Model
 * steps; and the planner's order.
 */
import * as fs from 'fs';
import * as path from 'path';
import { cleanUp, cli, GOLDEN, pipelineLocal, project, PYTHON, readJson, sampleDefinition } from './helpers';
import {
  ConditionStep, CreateModelStep, FailStep, LambdaStep, ParameterString, PipelineCondition, PipelineDefinition, PipelineValue,
} from '../../../src/constructs/training';
import { planPipeline } from '../../../src/runtime/local-pipeline';

afterAll(cleanUp);

describe('the SageMaker Python SDK\'s sample.json (test/fixtures/pipeline-golden) with stub scripts named like its code URIs', () => {
  function goldenProject() {
    const p = project(readJson(path.join(GOLDEN, 'sample.json')), 'golden-code');
    // InputDataUri defaults to s3://golden-bucket/data/raw: <data-dir>/data/raw
    fs.mkdirSync(path.join(p.dir, 'data', 'data', 'raw'), { recursive: true });
    fs.writeFileSync(path.join(p.dir, 'data', 'data', 'raw', 'raw.csv'), 'a,b\n1,2\n3,4\n');
    return p;
  }

  test('runs: the training step (a built-in algorithm image) with --entry-point, JsonGet >= a Float parameter, RegisterModel', async () => {
    const p = goldenProject();
    const r = await pipelineLocal(p, '--entry-point', 'Train=train.py');
    expect(r.code).toBe(0);
    expect(r.stderr.split('\n').map((l) => l.replace(/ in \d+\.\ds/, ''))).toEqual([
      '[1/6] Preprocess (Processing) ... ok: outputs train, test',
      '[2/6] Train (Training) ... ok: model .pipeline-local/Train/artifacts/model.tar.gz',
      '[3/6] Evaluate (Processing) ... ok: outputs evaluation',
      '[4/6] CheckAccuracy (Condition) ... ok: true (0.8 >= 0.75) -> IfSteps RegisterModel',
      '[5/6] RegisterModel (RegisterModel) ... ok: registered golden-models version 1 (PendingManualApproval) in .pipeline-local/local-registry.json',
      '[6/6] AccuracyTooLow (Fail) ... skipped: in the ElseSteps of "CheckAccuracy", which chose IfSteps',
    ]);
    const [entry] = readJson(path.join(p.workdir, 'local-registry.json'));
    expect(entry).toMatchObject({
      modelPackageGroupName: 'golden-models',
      modelPackageVersion: 1,
      approvalStatus: 'PendingManualApproval',
      image: '111111111111.dkr.ecr.eu-central-1.amazonaws.com/golden-xgboost:1.7',
      metrics: { 'metrics.accuracy.value': 0.8 },
    });
    // ModelMetrics: Std:Join of the evaluation output and "evaluation.json", copied into the registry
    expect(readJson(entry.metricsFile)).toEqual({ metrics: { accuracy: { value: 0.8 } } });
    // the raw input (LocalPath /opt/ml/processing/input) and the code input nested inside it
    expect(fs.readdirSync(path.join(p.workdir, 'Preprocess/opt/ml/processing/input')).sort()).toEqual(['code', 'raw.csv']);
  });

  test('below the threshold: "Accuracy below 0.99" (a Std:Join of the parameter), exit 5', async () => {
    const p = goldenProject();
    const r = await pipelineLocal(p, '--entry-point', 'Train=train.py', '--param', 'AccuracyThreshold=0.99', '--json', '--quiet');
    expect(r.code).toBe(5);
    const out = JSON.parse(r.stdout);
    expect(out.failure).toEqual({ step: 'AccuracyTooLow', type: 'Fail', message: 'Accuracy below 0.99', failStep: true });
    expect(out.steps.map((s: any) => s.status)).toEqual(['Succeeded', 'Succeeded', 'Succeeded', 'Succeeded', 'Skipped', 'Failed']);
  });

  test('without --entry-point, the built-in algorithm cannot run: exit 1 before any step, naming the option', async () => {
    const p = goldenProject();
    const r = await pipelineLocal(p);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: the pipeline cannot run on this machine: step "Train": no sagemaker_program hyperparameter (the image\'s own algorithm runs, '
      + 'which needs the container): pass --entry-point Train=SCRIPT to run a script of the code directory instead');
    const wrong = await pipelineLocal(p, '--entry-point', 'Trian=train.py', '--entry-point', 'train.py');
    expect(wrong.stderr.split('\n')).toEqual([
      'error: invalid --entry-point (2 problems):',
      '  - --entry-point Trian: the definition has no training step "Trian"; did you mean "Train"? (its training steps: Train)',
      '  - --entry-point "train.py" must be STEP=SCRIPT, e.g. Train=train.py',
    ]);
  });

  test('tuning.json and batch.json: exit 1, the Tuning and Transform steps named, nothing runs', async () => {
    for (const [file, step, type] of [['tuning.json', 'Tune', 'Tuning'], ['batch.json', 'BatchTransform', 'Transform']]) {
      const p = project(readJson(path.join(GOLDEN, file)));
      const r = await pipelineLocal(p, '--json');
      expect(r.code).toBe(1);
      const error = JSON.parse(r.stdout).error;
      expect(error.code).toBe('UNSUPPORTED');
      expect(error.problems).toEqual([
        `step "${step}" is a ${type} step; pipeline local runs Processing, Training, Condition, RegisterModel, Fail steps, records Model steps and skips Lambda steps: run this pipeline in SageMaker`,
      ]);
      expect(fs.existsSync(p.workdir)).toBe(false);
    }
  });
});

describe('definitions that cannot run: exit 1 with every problem, nothing runs', () => {
  async function problems(mutate: (d: any) => void): Promise<string[]> {
    const d = sampleDefinition();
    mutate(d);
    const p = project(d);
    const r = await pipelineLocal(p, '--json');
    expect(r.code).toBe(1);
    expect(fs.existsSync(p.workdir)).toBe(false);
    const error = JSON.parse(r.stdout).error;
    expect(error.code).toBe('INVALID_DEFINITION');
    return error.problems;
  }
  const step = (d: any, name: string): any => {
    const all = [...d.Steps, ...d.Steps.flatMap((s: any) => [...(s.Arguments.IfSteps ?? []), ...(s.Arguments.ElseSteps ?? [])])];
    return all.find((s: any) => s.Name === name);
  };

  test('a cycle through DependsOn and data references', async () => {
    expect(await problems((d) => {
      step(d, 'Preprocess').DependsOn = ['Evaluate'];
    })).toEqual(['dependency cycle: "Evaluate" -> "Preprocess" -> "Evaluate" (through DependsOn or data references)']);
  });

  test('unknown steps, parameters, execution variables and property files, with a "did you mean"', async () => {
    expect(await problems((d) => {
      const evaluate = step(d, 'Evaluate');
      evaluate.Arguments.ProcessingInputs[0].S3Input.S3Uri = { Get: 'Steps.Trian.ModelArtifacts.S3ModelArtifacts' };
      evaluate.DependsOn = ['Preprocss'];
      step(d, 'Preprocess').Arguments.Environment.RUN_ID = { Get: 'Execution.PipelineExecutionID' };
      const check = step(d, 'Check');
      check.Arguments.Conditions[0].RightValue = { Get: 'Parameters.Treshold' };
      check.Arguments.Conditions[0].LeftValue['Std:JsonGet'].PropertyFile = { Get: 'Steps.Evaluate.PropertyFiles.Report' };
    })).toEqual([
      'step "Check": references unknown parameter "Treshold"; did you mean "Threshold"?',
      'step "Evaluate": depends on unknown step "Preprocss"; did you mean "Preprocess"?',
      'step "Evaluate": references unknown step "Trian"; did you mean "Train"?',
      'step "Preprocess": references unknown execution variable "PipelineExecutionID"; did you mean "PipelineExecutionId"?',
      'step "Check": references unknown property file "Report" of step "Evaluate"; declared property files are ["EvaluationReport"]',
    ]);
  });

  test('the wrong version, duplicate step names, a parameter without a type', async () => {
    expect(await problems((d) => {
      d.Version = '2019-01-01';
      d.Parameters.push({ Name: 'Extra', Type: 'Text' });
      step(d, 'F1TooLow').Name = 'Train';
    })).toEqual([
      '"Version" is "2019-01-01"; this runner reads definitions of version "2020-12-01"',
      'parameter "Extra": "Type" is "Text"; write one of String, Integer, Float, Boolean',
      'step "Train": the name is used by more than one step; step names must be unique',
    ]);
  });

  test('a condition type SageMaker does not know', async () => {
    const p = project((() => {
      const d = sampleDefinition();
      step(d, 'Check').Arguments.Conditions[0].Type = 'Between';
      return d;
    })());
    const r = await pipelineLocal(p);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: the pipeline definition pipeline-definition.json is invalid: step "Check": Conditions[0]: condition type "Between" is not one of '
      + 'Equals, GreaterThan, GreaterThanOrEqualTo, LessThan, LessThanOrEqualTo, In, Not, Or');
  });

  test('a file that is missing or not JSON', async () => {
    const p = project();
    fs.writeFileSync(p.definition, '{"Version": ');
    const broken = await pipelineLocal(p);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/^error: the pipeline definition pipeline-definition\.json is not JSON: /);
    const missing = await cli(p.dir, ['pipeline', 'local', '--definition', 'nope.json']);
    expect(missing).toEqual({ code: 1, stdout: '', stderr: 'error: cannot read the pipeline definition nope.json: no such file' });
  });
});

describe('Lambda, Model and condition types without Python', () => {
  function definition(conditionOnLambda: boolean): any {
    const stage = new ParameterString('Stage', { defaultValue: 'dev' });
    const createModel = new CreateModelStep('CreateModel', {
      executionRoleArn: PipelineValue.fromString('arn:aws:iam::111111111111:role/model'),
      primaryContainer: { image: PipelineValue.fromString('image:1'), modelDataUrl: PipelineValue.fromString('s3://models/model.tar.gz') },
    });
    const notify = new LambdaStep('Notify', {
      functionArn: 'arn:aws:lambda:eu-central-1:111111111111:function:notify',
      inputs: { model: createModel.modelName() },
      outputs: [{ outputName: 'status' }],
    });
    const condition = conditionOnLambda
      ? PipelineCondition.equalTo(notify.output('status'), PipelineValue.fromString('OK'))
      : PipelineCondition.anyOf([
        PipelineCondition.negate(PipelineCondition.isIn(stage.value, [PipelineValue.fromString('int'), PipelineValue.fromString('prod')])),
        PipelineCondition.equalTo(stage.value, PipelineValue.fromString('prod')),
      ]);
    const check = new ConditionStep('Check', {
      conditions: [condition],
      ifSteps: [],
      elseSteps: [new FailStep('NotDev', { errorMessage: PipelineValue.join(' ', [PipelineValue.fromString('stage is'), stage.value]) })],
      dependsOn: [notify],
    });
    return new PipelineDefinition({ pipelineName: 'lambda', parameters: [stage], steps: [createModel, notify, check] }).toJson();
  }

  test('Model is recorded, Lambda skipped with a clear message, Or/Not/In evaluated; the else branch fails for --param Stage=int', async () => {
    const p = project(definition(false));
    // no processing or training step: no Python is needed at all
    const r = await cli(p.dir, ['pipeline', 'local', '--definition', 'pipeline-definition.json', '--python', '/no/such/python']);
    expect(r.code).toBe(0);
    expect(r.stderr.split('\n').map((l) => l.replace(/ in \d+\.\ds/, ''))).toEqual([
      expect.stringMatching(/^\[1\/4\] CreateModel \(Model\) \.\.\. ok: recorded model CreateModel-local-\S+ \(s3:\/\/models\/model\.tar\.gz\); no model is created locally$/),
      '[2/4] Notify (Lambda) ... skipped: Lambda steps run only in SageMaker; the function is not called locally',
      '[3/4] Check (Condition) ... ok: true ((not ("dev" in ["int", "prod"])) or ("dev" == "prod")) -> IfSteps (none)',
      '[4/4] NotDev (Fail) ... skipped: in the ElseSteps of "Check", which chose IfSteps',
    ]);
    const int = await cli(p.dir, ['pipeline', 'local', '--definition', 'pipeline-definition.json', '--param', 'Stage=int', '--quiet']);
    expect(int.code).toBe(5);
    expect(int.stderr).toBe('error: the pipeline failed: Fail step "NotDev" ran: stage is int');
  });

  test('a condition on a Lambda output cannot be evaluated locally: exit 5, saying why', async () => {
    const p = project(definition(true));
    const r = await cli(p.dir, ['pipeline', 'local', '--definition', 'pipeline-definition.json', '--quiet']);
    expect(r.code).toBe(5);
    expect(r.stderr).toBe('error: the pipeline failed at step "Check" (Condition): step "Check": Steps.Notify.OutputParameters[\'status\'] refers to step "Notify", '
      + 'which has not run (Lambda steps run only in SageMaker; the function is not called locally)');
  });
});

describe('planning', () => {
  test('a topological order over DependsOn and data references; ties keep the order of the definition', () => {
    const d = sampleDefinition();
    const plan = planPipeline(d, 'd.json');
    expect(plan.order.map((s) => s.name)).toEqual(['Preprocess', 'Train', 'Evaluate', 'Check', 'Register', 'F1TooLow']);
    expect([...plan.steps.get('Register')!.needs].sort()).toEqual(['Check', 'Evaluate', 'Train']);
    expect(plan.steps.get('Register')!.parent).toEqual({ step: 'Check', branch: 'IfSteps' });

    const independent = {
      Version: '2020-12-01',
      Parameters: [],
      Steps: ['C', 'B', 'A'].map((Name) => ({ Name, Type: 'Fail', Arguments: { ErrorMessage: Name }, ...(Name === 'C' ? { DependsOn: ['A'] } : {}) })),
    };
    expect(planPipeline(independent, 'x.json').order.map((s) => s.name)).toEqual(['B', 'A', 'C']);
  });

  test('the interpreter path of the test is a real Python', () => {
    expect(path.isAbsolute(PYTHON)).toBe(true);
  });
});
