/**
 * Writes the use case's model-build pipeline (src/pipeline.ts, `localPipelineDefinition()`) as JSON,
 * the SageMaker Pipelines definition that `npx projen pipeline:local` then runs on this machine with
 * `mlops-blueprint pipeline local`.
 *
 * Usage: ts-node scripts/render-pipeline.ts <output file>
 */
import * as fs from 'fs';
import * as path from 'path';
import { localPipelineDefinition } from '../src/pipeline';

const out = process.argv[2];
if (!out) {
  console.error('usage: render-pipeline.ts <output file>');
  process.exit(1);
}
const definition = localPipelineDefinition();
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, `${JSON.stringify(definition.toJson(), undefined, 2)}\n`);
console.log(`pipeline ${definition.pipelineName}: ${out}`);
