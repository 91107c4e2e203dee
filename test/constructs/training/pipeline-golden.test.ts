/**
 * The builder against the SageMaker Python SDK: the three pipelines of scripts/golden/generate.py,
 * built in TypeScript (golden-pipelines.ts), must equal the SDK's `Pipeline.definition()` output
 * committed in test/fixtures/pipeline-golden/ (deep equality, key order ignored, nothing excluded).
 */
import * as fs from 'fs';
import * as path from 'path';
import { batchPipeline, prefixedPipeline, samplePipeline, tuningPipeline } from './golden-pipelines';
import { PipelineDefinition } from '../../../src';

const GOLDEN = path.join(__dirname, '..', '..', 'fixtures', 'pipeline-golden');

function golden(name: string): any {
  return JSON.parse(fs.readFileSync(path.join(GOLDEN, `${name}.json`), 'utf-8'));
}

/** The definition through JSON text, as SageMaker receives it (drops nothing: there is no undefined in it). */
function rendered(definition: PipelineDefinition): any {
  return JSON.parse(definition.toJsonString());
}

describe.each([
  ['sample', samplePipeline],
  ['tuning', tuningPipeline],
  ['batch', batchPipeline],
  ['prefixed', prefixedPipeline],
])('golden pipeline %s', (name, build) => {
  test('equals the SageMaker Python SDK definition', () => {
    expect(rendered(build())).toStrictEqual(golden(name));
  });

  test('renders the same JSON from toJson() and toJsonString()', () => {
    const definition = build();
    expect(JSON.parse(JSON.stringify(definition.toJson()))).toStrictEqual(rendered(definition));
  });
});

test('the golden files cover every step type and condition type of the builder', () => {
  const texts = ['sample', 'tuning', 'batch'].map((n) => fs.readFileSync(path.join(GOLDEN, `${n}.json`), 'utf-8')).join('\n');
  for (const stepType of ['Processing', 'Training', 'Tuning', 'Transform', 'Model', 'RegisterModel', 'Condition', 'Fail', 'Lambda']) {
    expect(texts).toContain(`"Type": "${stepType}"`);
  }
  for (const condition of ['Equals', 'GreaterThan', 'GreaterThanOrEqualTo', 'LessThan', 'LessThanOrEqualTo', 'In', 'Not', 'Or']) {
    expect(texts).toContain(`"Type": "${condition}"`);
  }
  for (const feature of ['"Std:Join"', '"Std:JsonGet"', '"PropertyFiles"', '"DependsOn"', '"RetryPolicies"', '"CacheConfig"',
    '"Execution.PipelineExecutionId"', '"DriftCheckBaselines"', '"ModelMetrics"', '"OutputParameters"']) {
    expect(texts).toContain(feature);
  }
});
