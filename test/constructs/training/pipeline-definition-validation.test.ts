/**
 * The checks a PipelineDefinition runs when it is constructed and again in toJson(): every rule
 * has a test that breaks it and asserts the exact message naming the step or parameter.
 */
import {
  ConditionStep, CreateModelStep, FailStep, LambdaStep, ParameterFloat, ParameterInteger, ParameterString, PipelineCondition, PipelineDefinition,
  PipelineStep, PipelineValue, ProcessingStep, TrainingStep,
} from '../../../src';

const s = (value: string) => PipelineValue.fromString(value);

function processing(name: string, extra: Partial<ConstructorParameters<typeof ProcessingStep>[1]> = {}): ProcessingStep {
  return new ProcessingStep(name, {
    roleArn: s('arn:aws:iam::111111111111:role/r'),
    imageUri: s('image'),
    instanceType: s('ml.m5.xlarge'),
    outputs: [{ outputName: 'out', s3Uri: s('s3://b/out'), localPath: '/opt/ml/processing/out' }],
    propertyFiles: [{ name: 'Report', outputName: 'out', filePath: 'report.json' }],
    ...extra,
  });
}

function training(name: string, input?: PipelineValue): TrainingStep {
  return new TrainingStep(name, {
    roleArn: s('arn:aws:iam::111111111111:role/r'),
    trainingImage: s('image'),
    instanceType: s('ml.m5.xlarge'),
    outputPath: s('s3://b/models'),
    inputs: input ? [{ channelName: 'train', s3Uri: input }] : undefined,
  });
}

function definition(steps: PipelineStep[], parameters: Array<ParameterString | ParameterFloat> = [], pipelineName = 'p'): PipelineDefinition {
  return new PipelineDefinition({ pipelineName, steps, parameters });
}

function problemsOf(build: () => unknown): string[] {
  try {
    build();
  } catch (e) {
    const lines = (e as Error).message.split('\n');
    expect(lines[0]).toMatch(/^Invalid pipeline definition ".*" \(\d+ problems?\):$/);
    return lines.slice(1);
  }
  throw new Error('expected the definition to be rejected');
}

describe('references', () => {
  test('a property of a step that is not in the pipeline', () => {
    const train2 = training('Train2');
    const evaluate = processing('Evaluate', { inputs: [{ inputName: 'model', s3Uri: train2.modelArtifactsS3Uri(), localPath: '/opt/ml/processing/model' }] });
    expect(problemsOf(() => definition([evaluate]))).toEqual([
      'step "Evaluate": references unknown step "Train2"; add it to the pipeline\'s steps',
    ]);
    expect(() => definition([train2, evaluate])).not.toThrow();
  });

  test('a DependsOn step that is not in the pipeline', () => {
    const a = training('A');
    const b = training('B');
    b.addDependsOn(a);
    expect(b.dependsOn).toEqual([a]);
    expect(problemsOf(() => definition([b]))).toEqual([
      'step "B": depends on unknown step "A"; add it to the pipeline\'s steps',
    ]);
  });

  test('an undeclared parameter', () => {
    const declared = new ParameterString('InputUri');
    const undeclared = new ParameterString('OtherUri');
    const step = training('Train', PipelineValue.join('/', [declared.value, undeclared.value]));
    expect(problemsOf(() => definition([step], [declared]))).toEqual([
      'step "Train": references unknown parameter "OtherUri"; declare it in the pipeline\'s parameters',
    ]);
  });

  test('an unknown property file of a processing step', () => {
    const evaluate = processing('Evaluate');
    const fail = new FailStep('Fail');
    const check = new ConditionStep('Check', {
      conditions: [PipelineCondition.greaterThan(PipelineValue.jsonGet(evaluate, 'Missing', 'a.b'), PipelineValue.fromNumber(1))],
      elseSteps: [fail],
    });
    expect(problemsOf(() => definition([evaluate, check]))).toEqual([
      'step "Check": references unknown property file "Missing" of step "Evaluate"; declared property files are ["Report"]',
    ]);
    // through the step's own method, the mistake is caught at once
    expect(() => evaluate.jsonGet('Missing', 'a.b')).toThrow('step "Evaluate": unknown property file "Missing"; property files are ["Report"]');
  });

  test('a property file of a step that is not a processing step', () => {
    const train = training('Train');
    const check = new ConditionStep('Check', {
      conditions: [PipelineCondition.equalTo(PipelineValue.jsonGet(train, 'Report', 'a'), s('x'))],
    });
    expect(problemsOf(() => definition([train, check]))).toEqual([
      'step "Check": references unknown property file "Report" of step "Train"; declared property files are []',
    ]);
  });

  test('an undeclared Lambda output', () => {
    const fn = new LambdaStep('Notify', { functionArn: 'arn:aws:lambda:eu-central-1:111111111111:function:f', outputs: [{ outputName: 'status' }] });
    const check = new ConditionStep('Check', {
      conditions: [PipelineCondition.equalTo(fn.property("OutputParameters['state']"), s('OK'))],
    });
    expect(problemsOf(() => definition([fn, check]))).toEqual([
      'step "Check": references unknown output "state" of Lambda step "Notify"; declared outputs are ["status"]',
    ]);
    expect(() => fn.output('state')).toThrow('step "Notify": unknown Lambda output "state"; outputs are ["status"]');
  });

  test('references written in additionalArguments are checked too', () => {
    const step = processing('Pre', {
      additionalArguments: { Environment: { A: { Get: 'Steps.Nowhere.ModelName' }, B: { Get: 'Execution.Tomorrow' } } },
    });
    expect(problemsOf(() => definition([step]))).toEqual([
      'step "Pre": references unknown step "Nowhere"; add it to the pipeline\'s steps',
      'step "Pre": references unknown execution variable "Tomorrow"; use ExecutionVariable',
    ]);
  });

  test('a malformed Get expression', () => {
    const step = processing('Pre', { additionalArguments: { Environment: { A: { Get: 'Something.Else' } } } });
    expect(problemsOf(() => definition([step]))).toEqual([
      'step "Pre": references "Something.Else", which is not a parameter, execution variable or step property',
    ]);
  });
});

describe('dependency cycles', () => {
  test('through DependsOn', () => {
    const a = training('A');
    const b = training('B');
    a.addDependsOn(b);
    b.addDependsOn(a);
    expect(problemsOf(() => definition([a, b]))).toEqual([
      'dependency cycle: "A" -> "B" -> "A" (through DependsOn or data references)',
    ]);
  });

  test('through data references', () => {
    const a = processing('A');
    const b = training('B', a.outputS3Uri('out'));
    const c = processing('C', { inputs: [{ inputName: 'model', s3Uri: b.modelArtifactsS3Uri(), localPath: '/opt/ml/processing/m' }] });
    a.addDependsOn(c);
    expect(problemsOf(() => definition([a, b, c]))).toEqual([
      'dependency cycle: "A" -> "C" -> "B" -> "A" (through DependsOn or data references)',
    ]);
  });

  test('a step that references itself', () => {
    const loop = new TrainingStep('Loop', {
      roleArn: s('r'),
      trainingImage: s('image'),
      instanceType: s('ml.m5.xlarge'),
      outputPath: s('s3://b/models'),
      additionalArguments: { Environment: { PREVIOUS: { Get: 'Steps.Loop.ModelArtifacts.S3ModelArtifacts' } } },
    });
    expect(problemsOf(() => definition([loop]))).toEqual([
      'dependency cycle: "Loop" -> "Loop" (through DependsOn or data references)',
    ]);
  });

  test('a condition that depends on a step of its own branch', () => {
    const inner = processing('Inner');
    const check = new ConditionStep('Check', {
      conditions: [PipelineCondition.greaterThan(inner.jsonGet('Report', 'x'), PipelineValue.fromNumber(0))],
      ifSteps: [inner],
    });
    expect(problemsOf(() => definition([check]))).toEqual([
      'dependency cycle: "Check" -> "Inner" -> "Check" (through DependsOn or data references)',
    ]);
  });

  test('toJson() checks again: a cycle added after construction is found', () => {
    const a = training('A');
    const b = training('B');
    b.addDependsOn(a);
    const d = definition([a, b]);
    a.addDependsOn(b);
    expect(problemsOf(() => d.toJson())).toEqual(['dependency cycle: "A" -> "B" -> "A" (through DependsOn or data references)']);
  });
});

describe('names', () => {
  test('duplicate step names, also across a condition branch', () => {
    const first = training('Train');
    const second = training('Train');
    expect(problemsOf(() => definition([first, second]))).toEqual([
      'step "Train": the name is used by more than one step (a step listed in steps and in a condition\'s branch counts twice); step names must be unique',
    ]);
    const fail = new FailStep('Fail');
    const check = new ConditionStep('Check', { conditions: [PipelineCondition.equalTo(s('a'), s('a'))], elseSteps: [fail] });
    expect(problemsOf(() => definition([check, fail]))).toEqual([
      'step "Fail": the name is used by more than one step (a step listed in steps and in a condition\'s branch counts twice); step names must be unique',
    ]);
  });

  test('duplicate parameter names', () => {
    expect(problemsOf(() => definition([new FailStep('F')], [new ParameterString('X'), new ParameterFloat('X')]))).toEqual([
      'parameter "X": declared more than once; parameter names must be unique',
    ]);
  });

  test('step names: at most 64 characters of [A-Za-z0-9_-]', () => {
    expect(() => definition([new FailStep('F'.repeat(64))])).not.toThrow();
    expect(problemsOf(() => definition([new FailStep('F'.repeat(65))]))).toEqual([
      `step "${'F'.repeat(65)}": name is 65 characters long; SageMaker allows 1 to 64`,
    ]);
    expect(problemsOf(() => definition([new FailStep('Not ok')]))).toEqual([
      'step "Not ok": name may contain only letters, digits, "-" and "_"',
    ]);
  });

  test('pipeline names: at most 256 characters, alphanumerics and hyphens', () => {
    expect(() => definition([new FailStep('F')], [], 'p'.repeat(256))).not.toThrow();
    expect(problemsOf(() => definition([new FailStep('F')], [], 'p'.repeat(257)))).toEqual([
      `pipelineName "${'p'.repeat(257)}" is 257 characters long; SageMaker allows 1 to 256`,
    ]);
    expect(problemsOf(() => definition([new FailStep('F')], [], 'my_pipeline'))).toEqual([
      'pipelineName "my_pipeline" must be letters, digits and single or repeated hyphens between them (^[a-zA-Z0-9](-*[a-zA-Z0-9])*$)',
    ]);
  });

  test('parameter names: at most 256 characters of [A-Za-z0-9_-]', () => {
    expect(() => definition([new FailStep('F')], [new ParameterString('P'.repeat(256))])).not.toThrow();
    expect(problemsOf(() => definition([new FailStep('F')], [new ParameterString('P'.repeat(257))]))).toEqual([
      `parameter "${'P'.repeat(257)}": name is 257 characters long; SageMaker allows 1 to 256`,
    ]);
    expect(problemsOf(() => definition([new FailStep('F')], [new ParameterString('a.b')]))).toEqual([
      'parameter "a.b": name may contain only letters, digits, "-" and "_"',
    ]);
  });

  test('display names and descriptions within the service limits', () => {
    expect(problemsOf(() => definition([new FailStep('F', { displayName: 'd'.repeat(257), description: 'x'.repeat(3073) })]))).toEqual([
      'step "F": displayName is 257 characters long; SageMaker allows at most 256',
      'step "F": description is 3073 characters long; SageMaker allows at most 3072',
    ]);
  });

  test('every problem is reported at once', () => {
    const missing = training('Missing');
    const a = training('A', missing.modelArtifactsS3Uri());
    const problems = problemsOf(() => definition([a, training('A')], [new ParameterString('X'), new ParameterString('X')]));
    expect(problems).toEqual([
      'parameter "X": declared more than once; parameter names must be unique',
      'step "A": the name is used by more than one step (a step listed in steps and in a condition\'s branch counts twice); step names must be unique',
      'step "A": references unknown step "Missing"; add it to the pipeline\'s steps',
    ]);
  });
});

describe('step construction errors', () => {
  test('processing: code and containerEntrypoint together', () => {
    expect(() => processing('P', { code: { s3Uri: 's3://b/code/x.py' }, containerEntrypoint: ['python3'] })).toThrow(
      'step "P": give either code or containerEntrypoint, not both (code sets the entrypoint to run the script)');
  });

  test('processing: a code URI without a file name', () => {
    expect(() => processing('P', { code: { s3Uri: 's3://b/code/' } })).toThrow(
      'step "P": code.s3Uri "s3://b/code/" must be an s3:// URI that ends in the script\'s file name');
    expect(() => processing('P', { code: { s3Uri: '/local/x.py' } })).toThrow('must be an s3:// URI');
  });

  test('processing: duplicate input and output names, the code input included', () => {
    expect(() => processing('P', {
      code: { s3Uri: 's3://b/x.py' },
      inputs: [{ inputName: 'code', s3Uri: s('s3://b/c'), localPath: '/opt/ml/processing/c' }],
    })).toThrow('step "P": duplicate input name "code"');
    expect(() => processing('P', {
      outputs: [
        { outputName: 'o', s3Uri: s('s3://b/1'), localPath: '/1' },
        { outputName: 'o', s3Uri: s('s3://b/2'), localPath: '/2' },
      ],
      propertyFiles: [],
    })).toThrow('step "P": duplicate output name "o"');
  });

  test('processing: a property file on an unknown output', () => {
    expect(() => processing('P', { propertyFiles: [{ name: 'R', outputName: 'nope', filePath: 'r.json' }] })).toThrow(
      'step "P": property file "R" refers to unknown output "nope"; outputs are ["out"]');
  });

  test('processing: outputS3Uri of an unknown output', () => {
    expect(() => processing('P').outputS3Uri('train')).toThrow('step "P": unknown output "train"; outputs are ["out"]');
  });

  test('an invalid property path', () => {
    expect(() => training('T').property('.ModelName')).toThrow('step "T": property path ".ModelName" is invalid');
    expect(() => training('T').property('')).toThrow('step "T": property path "" is invalid');
  });

  test('conditions and branches', () => {
    expect(() => new ConditionStep('C', { conditions: [] })).toThrow('step "C": conditions is empty; give at least one PipelineCondition');
    expect(() => PipelineCondition.isIn(s('a'), [])).toThrow('PipelineCondition.isIn: values is empty');
    expect(() => PipelineCondition.anyOf([])).toThrow('PipelineCondition.anyOf: conditions is empty');
  });

  test('parameters: a default outside enumValues, a fractional Integer default', () => {
    expect(() => new ParameterString('Stage', { defaultValue: 'qa', enumValues: ['dev', 'prod'] })).toThrow(
      'parameter "Stage": defaultValue "qa" is not one of enumValues ["dev","prod"]; add it to enumValues or change the default');
    expect(() => new ParameterInteger('Count', { defaultValue: 1.5 })).toThrow(
      'parameter "Count": defaultValue 1.5 is not a whole number; use ParameterFloat for fractional values');
  });

  test('pipeline: experimentConfig and disableExperimentConfig together', () => {
    const step = new CreateModelStep('M', { executionRoleArn: s('r'), primaryContainer: { image: s('i') } });
    expect(() => new PipelineDefinition({
      pipelineName: 'p',
      steps: [step],
      disableExperimentConfig: true,
      experimentConfig: { experimentName: s('e'), trialName: s('t') },
    })).toThrow('pipeline "p": experimentConfig and disableExperimentConfig cannot both be set');
  });
});
